#!/bin/sh
# receive.handwritten: `sohoa extract` (the desk's pipeline) on a birth
# certificate whose name and birth date a citizen wrote by hand (the
# hand-tune split, bench/papers/make_hand.py: v003): those facts are
# "handwritten, not read" — listed in "handwritten", absent from "fields" —
# never what OCR made of the hand (issue 18, docs/PAPERS.md).
# usage: handwritten.sh SOHOA DATA
set -u
sohoa=$1 data=$2
out=$(OMP_THREAD_LIMIT=1 "$sohoa" extract --json "$data/ocr/hand-gks-serif200.tif") || {
	echo "FAIL: extract exit $?"
	exit 1
}
printf '%s\n' "$out" | python3 -c '
import json, sys
j = json.loads(sys.stdin.readline())
if j["kind"] != "giay-khai-sinh":
    sys.exit("FAIL: kind %r" % j["kind"])
hand, fields = j.get("handwritten", []), j.get("fields", {})
for f in ("owner_name", "birth_date"):
    if f not in hand:
        sys.exit("FAIL: %s not flagged handwritten: %r" % (f, hand))
    if f in fields:
        sys.exit("FAIL: handwritten %s taken: %r" % (f, fields[f]))
print("ok: handwritten %s, fields %s" % (hand, sorted(fields)))
'
