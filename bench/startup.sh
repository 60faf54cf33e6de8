#!/usr/bin/env bash
# Cold start and memory of the real binary on SQLite (docs/benchmarks.md).
#
# Builds ./cmd/arqir as `make build` does (CGO_ENABLED=0) and the load tool,
# then `load startup`: starts `arqir serve --addr 127.0.0.1:PORT --db FILE`
# 10 times on fresh temporary directories, measures exec → first /readyz 200
# (polled every 2 ms) and VmRSS after 3 s idle; then seeds 100 000
# incidents into a new database, starts the binary on it, runs the lifecycle
# and list workloads over loopback and reads VmRSS after the load.
#
# Extra arguments go to the load tool: e.g. --runs 5 --idle 5s --ops 1000 --json.
# Takes about 90 s; everything it creates is under a temporary directory
# removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d "${TMPDIR:-/tmp}/arqir-bench-XXXXXX")
trap 'rm -rf "$out"' EXIT
CGO_ENABLED=0 go build -o "$out/arqir" ./cmd/arqir
go build -o "$out/load" ./bench/load
echo "go: $(go version | cut -d' ' -f3-)   binary: $(du -h "$out/arqir" | cut -f1)"
"$out/load" startup --bin "$out/arqir" --load "$@"
