#!/usr/bin/env bash
# The "Alert ingest" measurements of docs/benchmarks.md, in order. Each step
# is bounded (alerts and --duration) and stops by itself; none runs longer
# than about 2 minutes. Needs PostgreSQL at $ARQIR_BENCH_POSTGRES (default
# below); each PostgreSQL step runs in a fresh schema it drops afterwards.
#
#   bash bench/ingestload/all.sh 2>&1 | tee /tmp/arqir-ingest-bench.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
PG=${ARQIR_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
out=$(mktemp -d "${TMPDIR:-/tmp}/arqir-ingest-bench-XXXXXX")
trap 'rm -rf "$out"' EXIT
go build -o "$out/arqir" ./cmd/arqir
go build -o "$out/ingestload" ./bench/ingestload
source bench/lib.sh
load() { echo; echo "== ingestload $*"; quiet; "$out/ingestload" --spawn --bin "$out/arqir" "$@"; }

echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(free -h | awk '/^Mem:/{print $2}') RAM, kernel $(uname -r), $(go version | cut -d' ' -f3-)"

# The peer first, with the same loads: Debian's Alertmanager, in memory.
peer() { echo; echo "== ingestload --peer alertmanager $*"; quiet; "$out/ingestload" --peer alertmanager "$@"; }
if [ -x /usr/bin/prometheus-alertmanager ]; then
  peer --batch 1 --concurrency 64 --alerts 60000 --duration 90s
  peer --batch 1 --concurrency 64 --alerts 60000 --duration 90s --keys 1000
  peer --batch 100 --concurrency 8 --alerts 400000 --duration 90s
  peer --batch 100 --concurrency 8 --alerts 400000 --duration 90s --keys 1000
  peer --rate 1000 --alerts 30000 --duration 40s
else
  echo "(no /usr/bin/prometheus-alertmanager: apt-get install prometheus-alertmanager to measure the peer too)"
fi

for db in "" "$PG"; do
  dbflag=(); [ -n "$db" ] && dbflag=(--db "$db")
  # single-alert requests, distinct and duplicate-heavy
  load "${dbflag[@]}" --batch 1 --concurrency 64 --alerts 60000 --duration 90s
  load "${dbflag[@]}" --batch 1 --concurrency 64 --alerts 60000 --duration 90s --keys 1000
  # batches of 100, distinct and duplicate-heavy
  load "${dbflag[@]}" --batch 100 --concurrency 8 --alerts 400000 --duration 90s
  load "${dbflag[@]}" --batch 100 --concurrency 8 --alerts 400000 --duration 90s --keys 1000
  # latency at a fixed 1 000 alerts/s, one alert per request
  load "${dbflag[@]}" --rate 1000 --alerts 30000 --duration 40s
  # 1 M distinct alerts in batches of 100: CPU per alert and RSS after
  load "${dbflag[@]}" --batch 100 --concurrency 8 --alerts 1000000 --duration 170s
done
