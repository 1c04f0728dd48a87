#!/bin/sh
# The 50-result generated box of issue 21 (not in CTest: ~50 OCR'd pages):
# tests/archive/backlog_box.sh with N results (default 50), all its checks,
# and the time it took. Usage: bench/archive/box50.sh BUILD_DIR [N]
set -eu
B=$(cd "$1" && pwd); N=${2:-50}
H=$(cd "$(dirname "$0")/../.." && pwd)
t0=$(date +%s.%N)
sh "$H/tests/archive/backlog_box.sh" "$B/tools/sohoa" "$H/tests/data" "$N"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "%d results checked in %.0f s (the box ingested twice, totals, report, a 2-paper review)\n", n, b - a }'
