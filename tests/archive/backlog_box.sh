#!/bin/sh
# The backlog, black box, with the real OCR: a generated box of N results
# (default 12; bench/archive/box50.sh runs 50) of mixed kinds, each behind a
# separator sheet printed by `archive separators` - some skewed, one upside
# down, one missing (a blank page instead: the blank-page fallback files it
# under the owner it names), one double-fed - stored as archive records
# (<agency>-LT<YY>-NNNNNN) with their provenance signed. Checks: every paper
# under the right owner with the right kind and facts, archive codes, nothing
# twice (the box again stores nothing), search by the original number, the
# registry totals and the indicator (archive report, text/JSON/CSV), the
# reception report not counting the backlog, a run killed midway and run
# again, and the review step (ingest
# --review stages a batch, batch verbs, archive commit stores it once).
# Usage: backlog_box.sh SOHOA TEST_DATA [N]
set -eu
S=$1
D=$2/papers
N=${3:-12}
PY=/usr/bin/python3   # python3-pil (bootstrap); not a pyenv shim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export LC_ALL=C.UTF-8
export SOHOA_STORE="$T/store" SOHOA_KEY="$T/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
printf 'mật khẩu thử\n' > pass
fail() { echo "FAIL: $*"; exit 1; }
"$S" init --agency 000.00.99.Z99 >/dev/null
"$S" keys new --signer "Lưu trữ" --title "Văn thư" >/dev/null
A=033317490435 B=001099012345 C=0820624125
"$S" archive separators --owner $A --book "Sổ 1" --dpi 200 --out a.png
"$S" archive separators --owner $B --book "Sổ 1" --dpi 200 --out b.png
"$S" archive separators --owner $C --book "Sổ 1" --dpi 200 --out c.png
# the box: result i is [GKS of A, QD of B, DN of C][i % 3]; separator 1 upside
# down, every 4th skewed, result 3's separator missing (a blank page between
# it and result 2), result 4's fed twice. want.json: what each paper must be.
$PY - "$D" "$N" <<'PY'
import json, random, sys
from PIL import Image
d, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
sep = {o: Image.open(o + ".png").convert("L") for o in "abc"}
kinds = [("a", "GKS", Image.open(d + "/dev03-giay-khai-sinh-office200.jpg").convert("L")),
         ("b", "QD", Image.open(d + "/dev01-quyet-dinh-clean300.png").convert("L").resize((1654, 2339))),
         ("c", "GCNDKDN", Image.open(d + "/dev05-dang-ky-doanh-nghiep-fax200.tif").convert("L"))]
blank = Image.new("L", (1654, 2339), 250)
for _ in range(300):   # scanner dust
    blank.putpixel((random.randrange(1654), random.randrange(2339)), 90)
pages, want = [], []
for i in range(n):
    o, kind, im = kinds[i % 3]
    s = sep[o]
    if i == 3:
        pages.append(blank)                                  # missing separator
    elif i == 1:
        pages.append(s.rotate(180))                          # upside down
    elif i == 4:
        pages += [s, s]                                      # double-fed
    elif i % 4 == 0:
        pages.append(s.rotate(random.choice([-3.5, -2, 2, 3.5]), fillcolor=255))  # skewed
    else:
        pages.append(s)
    first = len(pages) + 1
    pages.append(im)
    want.append({"owner": o, "kind": kind, "first_page": first, "review": i == 3})
pages[0].save("box.tif", save_all=True, append_images=pages[1:], compression="tiff_deflate",
              dpi=(200, 200))
json.dump({"pages": len(pages), "separators": len(pages) - n - 1, "papers": want},
          open("want.json", "w"))
# a small second box for the review step: QD of B, GKS of A
pages = [sep["b"], kinds[1][2], sep["a"], kinds[0][2]]
pages[0].save("box2.tif", save_all=True, append_images=pages[1:], compression="tiff_deflate",
              dpi=(200, 200))
PY
today=$(date +%Y-%m-%d)
SOHOA_USER= "$S" archive ingest --json --box "Hộp 7" --level xã --blank-split --workers 2 \
  box.tif > out.json 2> progress || fail "ingest: $(cat progress)"
$PY - out.json want.json $A $B $C "$today" <<'PY'
import json, re, sys
d, w = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
own = dict(zip("abc", sys.argv[3:6])); today = sys.argv[6]
assert d["box_pages"] == w["pages"] and d["separators"] == w["separators"], (d["box_pages"], d["separators"], w)
assert len(d["papers"]) == len(w["papers"]), [(p["first_page"], p["kind"]) for p in d["papers"]]
codes = set()
for got, want in zip(d["papers"], w["papers"]):
    where = "paper at box page %d" % want["first_page"]
    assert got["owner"] == own[want["owner"]], (where, got["owner"], want)
    assert got["kind"] == want["kind"], (where, got["kind"], want)
    assert got["first_page"] == want["first_page"] and got["pages"] == 1, (where, got)
    assert got["review"] == want["review"], (where, got)
    assert re.fullmatch(r"000\.00\.99\.Z99-LT\d\d-\d{6}-\d\d-" + want["kind"], got["code"]), got["code"]
    assert re.fullmatch(r"000\.00\.99\.Z99-LT\d\d-\d{6}", got["dossier"]), got["dossier"]
    f = got["facts"]
    assert f.get("archive_box") == "Hộp 7" and f.get("archive_book") == "Sổ 1", (where, f)
    assert f.get("archive_level") == "commune" and f.get("archive_digitised") == today, (where, f)
    if want["kind"] == "QD":
        assert f.get("number") == "1914/QĐ-UBND", (where, f)
    if want["kind"] == "GKS":
        assert f.get("owner_id") == own["a"], (where, f)
    assert not got["existing"], got
    codes.add(got["code"])
assert len(codes) == len(w["papers"]), "a code given twice"
PY
na=$($PY -c 'import json,sys; print(sum(p["owner"]=="a" for p in json.load(open("want.json"))["papers"]))')
nb=$($PY -c 'import json,sys; print(sum(p["owner"]=="b" for p in json.load(open("want.json"))["papers"]))')
nc=$($PY -c 'import json,sys; print(sum(p["owner"]=="c" for p in json.load(open("want.json"))["papers"]))')
paper() { [ "$1" = 1 ] && echo paper || echo papers; }
"$S" owner $A > oa; grep -q "owner $A: $na $(paper $na)" oa || fail "owner A ($na): $(head -1 oa)"
"$S" owner $B > ob; grep -q "owner $B: $nb $(paper $nb)" ob || fail "owner B ($nb): $(head -1 ob)"
"$S" owner $C > oc; grep -q "owner $C: $nc $(paper $nc)" oc || fail "owner C ($nc): $(head -1 oc)"
# found by the original number; the separator sheets were never stored
"$S" search "1914/QĐ-UBND" > found
[ "$(grep -c -- '-LT[0-9][0-9]-.*-QD' found)" = "$nb" ] || fail "search: $(cat found)"
"$S" search "PHÂN CÁCH" > sep 2>&1 || true
grep -q "Z99-" sep && fail "a separator sheet was stored: $(cat sep)"
# signed like every paper: the log verifies and the provenance is in the manifest
"$S" verify --all > verify.out 2>&1 || fail "verify: $(tail -3 verify.out)"
"$S" check > check.out 2>&1 || fail "check: $(cat check.out)"
# reusable like every paper: the child's birth certificates are offered
"$S" reuse --owner $A --procedure 1.000656 --json > reuse.json
$PY - reuse.json $na <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); k = {x["kind"]: x for x in d["kinds"]}
assert 1 <= len(k["GKS"]["papers"]) <= int(sys.argv[2]) and all("-LT" in p["code"] for p in k["GKS"]["papers"]), k["GKS"]
PY
# the same box again (after a kill or a jam): nothing twice
blobs() { mdb_stat -s blob "$SOHOA_STORE" | awk '/Entries/{print $2}'; }
n0=$(blobs)
"$S" archive ingest --json --box "Hộp 7" --level xã --blank-split --workers 2 box.tif > again.json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all(p["existing"] for p in d["papers"]), d' again.json
[ "$(blobs)" = "$n0" ] || fail "second run stored blobs"
"$S" owner $A > oa; grep -q "owner $A: $na $(paper $na)" oa || fail "owner A twice: $(head -1 oa)"
# registry totals and the indicator
"$S" archive totals set GKS commune 40
printf 'kind,level,count\nQD,xã,20\nGCNDKDN,commune,%s\n' "$nc" > totals.csv
"$S" archive totals --csv totals.csv | grep -q "2 registry totals recorded" || fail "totals csv"
"$S" archive report --json > rep.json
$PY - rep.json $na $nb $nc <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); na, nb, nc = map(int, sys.argv[2:5])
rows = {(r["level"], r["kind"]): r for r in d["to_date"]}
assert rows[("commune", "GKS")]["digitised"] == na and rows[("commune", "GKS")]["in_force"] == 40, rows
assert rows[("commune", "QD")]["digitised"] == nb and rows[("commune", "QD")]["in_force"] == 20, rows
g = rows[("commune", "GCNDKDN")]
assert g["digitised"] == nc and g["percent"] == 100.0 and g["on_target"] is True, g
t = rows[("commune", "total")]
assert t["digitised"] == na + nb + nc and t["in_force"] == 60 + nc and t["target"] == 15, t
assert d["targets"] == {"province": 30, "district": 20, "commune": 15, "per_year": 20}, d["targets"]
m = [r for r in d["months"] if r["kind"] == "total"]
assert len(m) == 1 and m[0]["digitised"] == na + nb + nc, d["months"]
PY
"$S" archive report --csv > rep.csv
grep -q "^to-date,commune,GKS,$na,40," rep.csv || fail "report csv: $(cat rep.csv)"
"$S" archive report > rep.txt
grep -q "commune   GKS" rep.txt || fail "report text: $(cat rep.txt)"
# the plan's second year: +20 points
"$S" archive totals start 2025
"$S" archive report --to 2026-12 --json | $PY -c 'import json,sys; d=json.load(sys.stdin); assert d["targets"]["commune"] == 35, d["targets"]'
# the backlog is not counted as received
"$S" report --from 2000-01-01 --to 2099-12-31 --json > recv.json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["rows"][0]["dossiers"] == 0, d' recv.json
# bad input: one line, nothing stored
ex=0; "$S" archive totals set GKS town 3 2>err || ex=$?
[ $ex = 2 ] && [ "$(wc -l < err)" = 1 ] || fail "bad level: $ex $(cat err)"
printf 'GKS,commune,12\nQD,commune,x\n' > bad.csv
ex=0; "$S" archive totals --csv bad.csv 2>err || ex=$?
[ $ex = 3 ] && grep -q "line 2" err || fail "bad csv: $ex $(cat err)"
"$S" archive report --json | $PY -c 'import json,sys; d=json.load(sys.stdin); r=[x for x in d["to_date"] if x["kind"]=="GKS"]; assert r[0]["in_force"] == 40, r'
ex=0; "$S" archive report --from 2026-13 2>err || ex=$?
[ $ex = 3 ] || fail "bad month: $ex"
ex=0; "$S" archive ingest --level town box2.tif 2>err || ex=$?
[ $ex = 2 ] || fail "bad level at ingest: $ex"
# killed in the middle (kill -9 once the first record is stored): the box run
# again stores what was missing, nothing twice, no page lost
"$S" archive ingest --progress --box "Hộp 9" --workers 2 box2.tif > /dev/null 2> prog &
KP=$!
while kill -0 $KP 2>/dev/null && ! tr '\r' '\n' < prog | grep -q "1 of 2 papers stored"; do sleep 0.2; done
kill -9 $KP 2>/dev/null || true
wait $KP 2>/dev/null || true
"$S" archive ingest --json --box "Hộp 9" --workers 2 box2.tif > resumed.json
$PY - resumed.json $A $B <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); A, B = sys.argv[2:4]
got = [(p["owner"], p["kind"], p["existing"]) for p in d["papers"]]
assert got[0] == (B, "QD", True) and got[1][:2] == (A, "GKS"), got
PY
"$S" owner $B > ob; grep -q "owner $B: $((nb + 1)) papers" ob || fail "owner B after the kill: $(head -1 ob)"
"$S" owner $A > oa; grep -q "owner $A: $((na + 1)) papers" oa || fail "owner A after the kill: $(head -1 oa)"
# the review step: staged as a batch, reviewed with the batch verbs, committed once
"$S" archive ingest --review --json box2.tif > staged.json
BATCH=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["batch"])' staged.json)
"$S" batch show --json "$BATCH" > show.json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["papers"]; assert len(c) == 2, c' show.json
[ "$(blobs)" = "$n0" ] || fail "staging stored something"
"$S" batch kind "$BATCH" 2 GKS >/dev/null
"$S" archive commit --json --box "Hộp 8" --level xã --workers 2 "$BATCH" > commit.json
$PY - commit.json $A $B <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); A, B = sys.argv[2:4]
got = [(p["owner"], p["kind"], p["facts"].get("archive_box")) for p in d["papers"]]
assert got == [(B, "QD", "Hộp 8"), (A, "GKS", "Hộp 8")], got
assert all("-LT" in p["code"] for p in d["papers"]), d
PY
ex=0; "$S" archive commit "$BATCH" 2>err || ex=$?
[ $ex != 0 ] && grep -q "already committed" err || fail "second commit: $ex $(cat err)"
"$S" owner $B > ob; grep -q "owner $B: $((nb + 2)) papers" ob || fail "owner B after commit: $(head -1 ob)"
echo ok
