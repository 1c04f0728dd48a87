#!/bin/sh
# Two pages on one scan (issue 18, docs/PAPERS.md "Issue 18: two pages on one scan"):
#   bench/ocr/twoup_bench.sh BUILD [WORK]   # BEFORE=<an older sohoa> SPLITS="tune heldout" COUNT=6
# Makes the sheets (bench/ocr/mktwoup.py), counts the splits found against expect.tsv
# (two-up sheets right, one-page controls wrongly split), then reads the two-up sheets with
# `sohoa extract --json` before (BEFORE, e.g. the main tree's sohoa) and after (BUILD) and scores
# them with bench/papers/compare.py. SEED=N makes a fresh set instead of the split's own.
set -eu
BUILD=$(cd "${1:?usage: twoup_bench.sh BUILD [WORK]}" && pwd)
WORK=${2:-/tmp/twoup-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SPLITS=${SPLITS:-"tune heldout"}
COUNT=${COUNT:-6}
PY=/usr/bin/python3
export SOHOA_KINDS=${SOHOA_KINDS:-$ROOT/paper/kinds.json}
mkdir -p "$WORK"
for s in $SPLITS; do
	d="$WORK/$s"
	rm -rf "$d"
	$PY "$HERE/mktwoup.py" --split "$s" ${SEED:+--seed "$SEED"} --count "$COUNT" "$d"
	(cd "$d" && "$BUILD/bench/ocr/splitfind" $(cut -f1 expect.tsv) > found.tsv)
	paste "$d/expect.tsv" "$d/found.tsv" | awk -F'\t' -v s="$s" '
		{ n[$2]++; if ($2 == $4) ok[$2]++; else bad = bad " " $1 }
		END { printf "%s: two-up sheets split right %d/%d, one-page controls wrongly split %d/%d%s\n",
		      s, ok[2], n[2], n[0] - ok[0], n[0], bad ? " (wrong:" bad ")" : "" }'
	f=$(awk -F'\t' '$2 == 2 { print $1 }' "$d/expect.tsv")
	for t in before after; do
		if [ "$t" = before ]; then bin=${BEFORE:-}; else bin="$BUILD/tools/sohoa"; fi
		[ -n "$bin" ] || continue
		(cd "$d" && "$bin" extract --json --workers 2 $f > "$WORK/$s.$t.jsonl")
		echo "== $s, $t: all two-up sheets"
		$PY "$ROOT/bench/papers/compare.py" "$WORK/$s.$t.jsonl" "$d" | grep -E "papers,|^  kind|all facts|owner_id"
		for k in cccd a5; do
			grep "\"file\":\"$k-" "$WORK/$s.$t.jsonl" > "$WORK/$s.$t.$k.jsonl" || true
			echo "-- $s, $t: $k"
			$PY "$ROOT/bench/papers/compare.py" "$WORK/$s.$t.$k.jsonl" "$d" | grep -E "papers,|^  kind|all facts|owner_id"
		done
	done
done
