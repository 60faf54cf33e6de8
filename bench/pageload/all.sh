#!/usr/bin/env bash
# The "Paging (issue 5)" measurements of docs/benchmarks.md, in order, each
# after the machine is idle (bench/lib.sh). Every step is bounded and stops
# by itself: rate and burst take under 2 minutes, escalation 3–8 (its
# 2-minute page acknowledgement window; the paced ones open for 5.5 minutes),
# about an hour in all. PostgreSQL steps run when
# $ARQIR_BENCH_POSTGRES (or $ARQIR_TEST_POSTGRES) is set, in a fresh schema
# dropped afterwards.
#
#   bash bench/pageload/all.sh 2>&1 | tee /tmp/arqir-page-bench.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
PG=${ARQIR_BENCH_POSTGRES:-${ARQIR_TEST_POSTGRES:-}}
out=$(mktemp -d "${TMPDIR:-/tmp}/arqir-page-bench-XXXXXX")
trap 'rm -rf "$out"' EXIT
go build -o "$out/pageload" ./bench/pageload
source bench/lib.sh
step() { echo; echo "== pageload $*"; quiet; "$out/pageload" "$@" || echo "(exit $?)"; }

echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(free -h | awk '/^Mem:/{print $2}') RAM, kernel $(uname -r), $(go version | cut -d' ' -f3-)"

# The peer first: Debian's Alertmanager with group_wait 0s, alert → webhook.
if [ -x /usr/bin/prometheus-alertmanager ]; then
  step rate --peer alertmanager
  step burst --peer alertmanager
fi

dbs=("")
[ -n "$PG" ] && dbs+=("$PG")
for db in "${dbs[@]}"; do
  dbflag=(); [ -n "$db" ] && dbflag=(--db "$db")
  step rate "${dbflag[@]}"                      # 200 new alerts/s for 20 s, SEV1
  step burst "${dbflag[@]}"                     # 10 000 new alerts, 16 senders, SEV1
  step escalation "${dbflag[@]}"                # 10 000 SEV3 incidents, 2m window, sweep 1s
done
step escalation --sweep 250ms                   # the same with a 250 ms sweep (SQLite)
step rate --severity warning                    # SEV3: fewer notifications per incident
# deadlines falling due at 30/s instead of all at once, 10 000 open by the end
step escalation --open-rate 30 --batch 10
step escalation --open-rate 30 --batch 10 --sweep 250ms
# the rate ladder: where p99 ≤ 50 ms holds (SQLite)
step rate --rate 2 --duration 30s
for r in 20 40; do step rate --rate "$r"; done
for r in 10 50 75 100; do step rate --rate "$r" --severity warning; done
