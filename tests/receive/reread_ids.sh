#!/bin/sh
# receive.reread_ids: `sohoa extract` (the desk's pipeline, not a benchmark)
# reads ids and dates again, digits only, on the page image OCR read, and
# takes them only when the readings agree (issue 18, docs/PAPERS.md). Four
# tuning-split pages in DejaVu Sans Mono Bold, whose dotted zero Tesseract's
# vie model reads as 6, 8 or 9: without the second reading both ids are "not
# found", and so are the birth date "06/16/1969" and the date "ngày 10 tháng
# 4 năm 20619".
# usage: reread_ids.sh SOHOA DATA
set -u
sohoa=$1 data=$2
fail=0
check() { # FILE FACT VALUE
	out=$(OMP_THREAD_LIMIT=1 "$sohoa" extract --json "$data/ocr/$1") || { echo "FAIL: extract $1 exit $?"; fail=1; return; }
	printf '%s\n' "$out" | python3 -c '
import json, sys
j = json.loads(sys.stdin.readline())
fact, want = sys.argv[1], sys.argv[2]
got = j.get("fields", {}).get(fact)
if got != want:
    sys.exit("FAIL: %s: %s %r, want %r" % (j["file"], fact, got, want))
if fact not in j.get("reread", []):
    sys.exit("FAIL: %s: %s not flagged as read again: %r" % (j["file"], fact, j.get("reread")))
print("ok: %s: %s %s read again and taken" % (j["file"], fact, got))
' "$2" "$3" || fail=1
}
check reread-khai-tu-mbold300.tif owner_id 040055374580
check reread-don-mbold300.tif owner_id 034089530916
check reread-cccd-date-mbold300.tif birth_date 1969-10-06
check reread-qd-date-mbold300.tif date 2019-04-10
exit $fail
