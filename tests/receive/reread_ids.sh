#!/bin/sh
# receive.reread_ids: `sohoa extract` (the desk's pipeline, not a benchmark)
# reads an id again, digits only, on the page image OCR read, and takes it
# only when every reading agrees (issue 18, docs/PAPERS.md). Two tuning-split
# pages in DejaVu Sans Mono Bold, whose dotted zero Tesseract's vie model reads
# as 6, 8 or 9: without the second reading both ids are "not found".
# usage: reread_ids.sh SOHOA DATA
set -u
sohoa=$1 data=$2
fail=0
check() { # FILE ID
	out=$(OMP_THREAD_LIMIT=1 "$sohoa" extract --json "$data/ocr/$1") || { echo "FAIL: extract $1 exit $?"; fail=1; return; }
	printf '%s\n' "$out" | python3 -c '
import json, sys
j = json.loads(sys.stdin.readline())
want = sys.argv[1]
got = j.get("fields", {}).get("owner_id")
if got != want:
    sys.exit("FAIL: %s: owner_id %r, want %r" % (j["file"], got, want))
if "owner_id" not in j.get("reread", []):
    sys.exit("FAIL: %s: owner_id not flagged as read again: %r" % (j["file"], j.get("reread")))
print("ok: %s: %s read again and taken" % (j["file"], got))
' "$2" || fail=1
}
check reread-khai-tu-mbold300.tif 040055374580
check reread-don-mbold300.tif 034089530916
exit $fail
