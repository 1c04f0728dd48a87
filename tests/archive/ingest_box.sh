#!/bin/sh
# sohoa archive ingest, black box, with the real OCR: a generated box (one
# multi-page TIFF) of separator sheets made by `archive separators` (one
# skewed, one upside down, two in a row as a double feed) and corpus papers
# of three kinds; a first paper with no separator before it goes under
# --owner. Checks: every paper under the right owner with the right kind,
# separator pages never stored, nothing twice (a second run stores nothing),
# search by the original number finds it, bad input stores nothing.
set -eu
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
S=$1
D=$2/papers
PY=/usr/bin/python3   # python3-pil (bootstrap); not a pyenv shim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export SOHOA_STORE="$T/store" SOHOA_KEY="$T/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
printf 'mật khẩu thử\n' > pass
fail() { echo "FAIL: $*"; exit 1; }
"$S" init --agency 000.00.99.Z99 >/dev/null
"$S" keys new --signer "Lưu trữ" --title "Văn thư" >/dev/null
A=033317490435 B=001099012345 C=0820624125
"$S" archive separators --owner $A --book "Hộp 1" --dpi 200 --out a.png
"$S" archive separators --owner $B --book "Hộp 1" --dpi 200 --out b.png
"$S" archive separators --owner $C --book "Hộp 1" --dpi 300 --out c.png
$PY - "$D" <<'PY'
import sys
from PIL import Image
d = sys.argv[1]
g = lambda p: Image.open(p).convert("L").resize((1654, 2339)) if p.endswith("300.png") else Image.open(p).convert("L")
a, b, c = g("a.png"), g("b.png"), Image.open("c.png").convert("L").resize((1654, 2339))
gks = Image.open(d + "/dev03-giay-khai-sinh-office200.jpg").convert("L")
qd = Image.open(d + "/dev01-quyet-dinh-clean300.png").convert("L").resize((1654, 2339))
dn = Image.open(d + "/dev05-dang-ky-doanh-nghiep-fax200.tif").convert("L")
pages = [qd,                                  # no separator before it: --owner
         a.rotate(2.5, fillcolor=255), gks,  # skewed separator
         b.rotate(180), qd,                  # upside down
         c, c, dn,                           # double-fed separator
         b, gks]                             # the wrong sheet: names A, filed
                                             # under B, flagged, also under A
pages[0].save("box.tif", save_all=True, append_images=pages[1:], compression="tiff_deflate",
              dpi=(200, 200))
PY
"$S" archive ingest --json --box "Hộp 1" --owner $B --workers 2 box.tif > out.json
$PY - out.json $A $B $C <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); A, B, C = sys.argv[2:5]
assert d["box_pages"] == 10 and d["separators"] == 5, d
got = [(p["owner"], p["kind"], p["first_page"], p["pages"], p["review"]) for p in d["papers"]]
want = [(B, "QD", 1, 1, True), (A, "GKS", 3, 1, False), (B, "QD", 5, 1, False), (C, "GCNDKDN", 8, 1, False),
        (B, "GKS", 10, 1, True)]
assert got == want, got
codes = [p["code"] for p in d["papers"]]
assert len(set(codes)) == 5 and all(codes), codes
assert d["papers"][2]["facts"].get("number") == "1914/QĐ-UBND", d["papers"][2]
assert d["papers"][1]["facts"].get("owner_id") == A, d["papers"][1]
assert not any(p["existing"] for p in d["papers"]), d
PY
# each owner holds exactly its papers; no separator page stored
"$S" owner $A > oa; grep -q "owner $A: 2 papers" oa || fail "owner A: $(cat oa)"
"$S" owner $C > oc; grep -q "owner $C: 1 paper" oc || fail "owner C: $(cat oc)"
"$S" owner $B > ob; grep -q "owner $B: 3 papers" ob || fail "owner B: $(cat ob)"
"$S" search "1914/QĐ-UBND" > found; [ "$(grep -c -- '-QD' found)" = 2 ] || fail "search: $(cat found)"
"$S" search "PHÂN CÁCH" > sep 2>&1 || true
grep -q "Z99-" sep && fail "a separator sheet was stored: $(cat sep)"
grep -q "no paper holds all of" sep || fail "search for the sheet's words: $(cat sep)"
# the same box again: nothing twice
blobs() { mdb_stat -s blob "$SOHOA_STORE" | awk '/Entries/{print $2}'; }
n0=$(blobs)
"$S" archive ingest --json --box "Hộp 1" --owner $B --workers 2 box.tif > again.json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all(p["existing"] for p in d["papers"]), d' again.json
[ "$(blobs)" = "$n0" ] || fail "second run stored blobs"
"$S" owner $B > ob; grep -q "owner $B: 3 papers" ob || fail "owner B twice: $(cat ob)"
# no owner anywhere: listed, not stored; bad input stores nothing
ex=0; "$S" archive ingest --owner 12 box.tif 2>err || ex=$?
[ $ex = 3 ] && [ "$(wc -l < err)" = 1 ] || fail "bad owner: $ex"
ex=0; "$S" archive ingest nope.tif 2>err || ex=$?
[ $ex = 4 ] || fail "missing file: $ex"
[ "$(blobs)" = "$n0" ] || fail "bad input stored blobs"
echo ok
