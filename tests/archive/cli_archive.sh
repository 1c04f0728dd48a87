#!/bin/sh
# sohoa archive separators / detect, black box: sheets printed (PNG runs and a
# PDF) are found again, a paper page is not a separator, the box splits, bad
# input exits 2/3/4 with one line and writes nothing.
set -eu
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
S=$1
DATA=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
"$S" archive separators --owner 001099012345 --book "Hộp 7" --first 1 --count 2 --dpi 200 --out s.png
[ -f s-001.png ] && [ -f s-002.png ] || fail "PNG run"
"$S" archive separators --out one.png
[ -f one.png ] || fail "one PNG"
"$S" archive detect s-001.png "$DATA/papers/dev01-quyet-dinh-clean300.png" "$DATA/papers/dev03-giay-khai-sinh-office200.jpg" s-002.png one.png > out.txt
grep -q "s-001.png page 1: separator owner=001099012345 book=Hộp 7 n=1" out.txt || fail "sheet 1: $(cat out.txt)"
grep -q "dev01-quyet-dinh-clean300.png page 1: page" out.txt || fail "paper page"
grep -q "^paper 1: pages 2-3$" out.txt || fail "split: $(cat out.txt)"
[ "$(grep -c '^paper' out.txt)" = 1 ] || fail "one paper: $(cat out.txt)"
"$S" archive detect --json "$DATA/papers/dev01-quyet-dinh-clean300.png" s-002.png > out.json
python3 - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert [p["separator"] for p in d["pages"]] == [False, True], d
assert d["pages"][1]["payload"] == {"owner": "001099012345", "book": "Hộp 7", "n": 2}, d
assert d["papers"] == [{"first": 1, "pages": 1, "review": True}], d
PY
"$S" archive separators --out seps.pdf --count 3
[ "$(head -c 4 seps.pdf)" = "%PDF" ] || fail "PDF"
if command -v pdftoppm >/dev/null; then
  pdftoppm -r 150 -gray seps.pdf pp
  "$S" archive detect pp-1.pgm pp-3.pgm | grep -c separator | grep -qx 2 || fail "PDF sheets not found"
fi
ex=0; "$S" archive separators --owner 12 --out bad.png 2>err || ex=$?
[ $ex = 3 ] && [ ! -e bad.png ] && [ "$(wc -l < err)" = 1 ] || fail "bad owner: $ex"
ex=0; "$S" archive separators --count 0 --out bad.png 2>err || ex=$?
[ $ex = 2 ] && [ ! -e bad.png ] || fail "count 0: $ex"
ex=0; "$S" archive separators 2>err || ex=$?
[ $ex = 2 ] || fail "no --out: $ex"
ex=0; "$S" archive detect nope.png 2>err || ex=$?
[ $ex = 4 ] || fail "missing file: $ex"
printf 'not an image' > junk.png
ex=0; "$S" archive detect junk.png 2>err || ex=$?
[ $ex = 3 ] && [ "$(wc -l < err)" = 1 ] || fail "junk: $ex"
ex=0; "$S" archive frob 2>err || ex=$?
[ $ex = 2 ] || fail "unknown verb: $ex"
echo ok
