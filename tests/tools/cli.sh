#!/bin/sh
# Black-box tests of the sohoa program: `cli.sh CASE` runs one case.
# Environment (set by CTest): SOHOA (the binary), DATA (tests/data), TMPROOT.
set -u
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
CASE=$1
T=$(mktemp -d "${TMPROOT:-/tmp}/sohoa-cli-$CASE.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
export SOHOA_STORE="$T/store"
export TZ=Asia/Ho_Chi_Minh
export SOHOA_KEY="$T/keys/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
printf 'mật khẩu thử nghiệm\n' > "$T/pass"
AG=000.00.99.Z99
P="$DATA/papers"
TOOLS=$(cd "$(dirname "$0")" && pwd)
G="$DATA/pages"
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect CODE CMD...: run, keep stdout/stderr in $T/out $T/err, check the exit code
expect() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "'$*' exited $got, expected $want"; sed 's/^/  stderr: /' "$T/err" >&2
  fi
}
has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2'"; }
hasnt() { ! grep -q -- "$2" "$1" || fail "$1 has '$2'"; }
one_line_err() {
  n=$(grep -c . "$T/err")
  [ "$n" -ge 1 ] || fail "no error message for: $1"
  grep -q "^sohoa" "$T/err" || fail "error not prefixed with 'sohoa': $(cat "$T/err")"
}
json() { python3 -c "import json,sys; d=json.load(open('$T/out')); $1" || fail "json check: $1"; }
blobs() { mdb_stat -s blob "$SOHOA_STORE" | awk '/Entries/{print $2}'; }
init() {
  expect 0 "$SOHOA" init --agency $AG
  expect 0 "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
}
today() { date +%y%m%d; }

case $CASE in
help)
  for c in init ingest show find ocr check; do
    expect 0 "$SOHOA" $c --help; has "$T/out" "usage: sohoa $c"
  done
  expect 0 "$SOHOA" --help
  expect 2 "$SOHOA"; one_line_err "no command"; [ "$(wc -l < "$T/err")" = 1 ] || fail "more than one line for no command"
  expect 2 "$SOHOA" frobnicate; one_line_err frobnicate
  ;;

init)
  for bad in h23.12 H23..12 .H23 H23. ABC.DEF 000.00.12 "H23 12" \
             H23.12.000000000000000000000000000000; do
    expect 3 "$SOHOA" init --store "$T/bad" --agency "$bad"; one_line_err "agency '$bad'"
  done
  [ ! -e "$T/bad/data.mdb" ] || fail "a malformed agency created a warehouse"
  for good in 000.00.12.H23 H23.12 H23 000.00.99.Z99; do
    expect 0 "$SOHOA" init --store "$T/ok-$good" --agency "$good"
  done
  init
  expect 3 "$SOHOA" init --agency H23.12; has "$T/err" "already holds a warehouse"
  expect 2 "$SOHOA" init --agency; one_line_err "missing value"
  expect 2 "$SOHOA" init --agency ""; one_line_err "empty value"
  expect 2 "$SOHOA" init; one_line_err "missing agency"
  expect 2 "$SOHOA" init --agency H23.12 --colour; one_line_err "unknown option"
  expect 5 "$SOHOA" init --store /proc/sohoa-cannot-be-here --agency H23.12; one_line_err unwritable
  ;;

owner)
  init
  for bad in 00118436229 0011843622970 08206241 0820624126 08206241250001 0820624125-000 \
             "00118436229７" "O01184362297" "001 184362297" "-1"; do
    expect 3 "$SOHOA" ingest --owner "$bad" --procedure 1.001193 "$P/dev04-can-cuoc-color300.jpg"
    one_line_err "owner '$bad'"
  done
  expect 3 "$SOHOA" ingest --owner 001184362297 --procedure "1.00 1" "$P/dev04-can-cuoc-color300.jpg"
  [ "$(blobs)" = 0 ] || fail "refused ingests stored pages"
  ;;

ingest)
  init
  expect 0 "$SOHOA" ingest --json --owner 033317490435 --procedure 1.001193 \
    "$P/dev03-giay-khai-sinh-office200.jpg" "$G/two-pages-g4.tif" "$P/dev05-dang-ky-doanh-nghiep-fax200.tif" \
    "$P/dev01-quyet-dinh-clean300.png"
  json "
import re
assert re.fullmatch(r'000\.00\.99\.Z99-\d{6}-0001', d['dossier']), d
c = d['components']
assert [x['pages'] for x in c] == [1, 2, 1, 1], c
for i, x in enumerate(c):
    assert re.fullmatch(re.escape(d['dossier']) + r'-%02d-[A-Z0-9]{1,12}' % (i + 1), x['code']), x
assert c[1]['file'].endswith('two-pages-g4.tif')
assert len(set(x['code'] for x in c)) == 4
"
  D=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  case $D in *-$(today)-0001) ;; *) fail "dossier code $D is not dated today" ;; esac
  GKS=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][0]['code'])")
  expect 0 "$SOHOA" show "$D"
  has "$T/out" "owner     033317490435"; has "$T/out" "procedure 1.001193"; has "$T/out" "NGÔ MINH QUYÊN"
  expect 0 "$SOHOA" show --json "$D"
  json "
assert d['dossier'] == '$D' and d['owner'] == '033317490435' and d['procedure'] == '1.001193'
assert len(d['papers']) == 4 and d['papers'][1]['pages'][1]['page'] == 2
assert all(len(p['sha256']) == 64 for x in d['papers'] for p in x['pages'])
assert d['papers'][3]['pages'][0]['mime'] == 'image/png' and d['papers'][1]['pages'][0]['mime'] == 'image/tiff'
"
  expect 0 "$SOHOA" show --json "$GKS"
  json "
t = d['pages'][0]['text']
assert 'KHAI SINH' in t and '033317490435' in t, t
assert 0 < d['pages'][0]['confidence'] <= 100
"
  # the stored image is the file's own bytes
  python3 -c "import hashlib,json; d=json.load(open('$T/out')); assert d['pages'][0]['sha256']==hashlib.sha256(open('$P/dev03-giay-khai-sinh-office200.jpg','rb').read()).hexdigest()" ||
    fail "stored JPEG is not the original bytes"
  # find: folded, exact, and nothing
  expect 0 "$SOHOA" find khai sinh; has "$T/out" "$GKS"
  expect 0 "$SOHOA" find giay khai sinh; has "$T/out" "$GKS"   # by its kind, whatever OCR made of the heading
  expect 0 "$SOHOA" find 2017-02-07; has "$T/out" "$GKS"        # by a fact (birth date)
  expect 0 "$SOHOA" find "NGÔ MINH QUYÊN"; has "$T/out" "$GKS"
  expect 0 "$SOHOA" find "Ngô minh quyên"; has "$T/out" "$GKS"
  expect 0 "$SOHOA" find ngo minh quyen; has "$T/out" "$GKS"
  expect 0 "$SOHOA" find --json cong ty xay dung minh duc
  json "assert len(d) >= 1 and d[0]['code'].startswith('$D-03-'), d"
  expect 0 "$SOHOA" find --json zzzkhongcochu; json "assert d == []"
  expect 2 "$SOHOA" find; one_line_err "no words"
  expect 4 "$SOHOA" show "$AG-$(today)-9999"; one_line_err "unknown code"
  # the same pages again: stored once
  before=$(blobs)
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg" "$G/two-pages-g4.tif"
  has "$T/out" "$AG-$(today)-0002"
  [ "$(blobs)" = "$before" ] || fail "identical pages stored twice: $before -> $(blobs) blobs"
  expect 0 "$SOHOA" check; has "$T/out" "warehouse OK"
  ;;

pnm)
  init
  python3 "$TOOLS/mkimg.py" pnm "$G/kh2024-f0-p01-clean300.png" "$T/page.pnm" || fail "mkimg"
  expect 0 "$SOHOA" ingest --json --owner 001184362297 --procedure 2.000001 "$T/page.pnm"
  json "assert d['components'][0]['pages'] == 1"
  expect 0 "$SOHOA" find "ke hoach kiem soat thu tuc hanh chinh"
  has "$T/out" "page.pnm"
  ;;

atomic)
  init
  head -c 30000 "$G/two-pages-g4.tif" > "$T/cut.tif"
  expect 3 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg" "$T/cut.tif"
  one_line_err "truncated tiff"; has "$T/err" "cut.tif"; has "$T/err" "nothing of this dossier was stored"
  expect 4 "$SOHOA" show "$AG-$(today)-0001"
  [ "$(blobs)" = 0 ] || fail "a failed ingest left $(blobs) blobs"
  expect 0 "$SOHOA" find --json khai sinh; json "assert d == []"
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg"
  has "$T/out" "$AG-$(today)-0001 stored"
  expect 0 "$SOHOA" check
  ;;

badinput)
  expect 4 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$P/dev03-giay-khai-sinh-office200.jpg"
  has "$T/err" "sohoa init"
  init
  : > "$T/zero.png"; echo "not an image" > "$T/text.jpg"
  head -c 100000 "$P/dev04-can-cuoc-color300.jpg" > "$T/cut.jpg"
  head -c 40000 "$P/dev01-quyet-dinh-clean300.png" > "$T/cut.png"
  cp "$P/dev04-can-cuoc-color300.jpg" "$T/really-a-jpeg.png"
  python3 "$TOOLS/mkimg.py" bomb "$T/bomb.png" || fail "mkimg bomb"
  mkdir "$T/dir.png"
  expect 4 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$T/missing.png"; one_line_err missing
  for f in zero.png text.jpg cut.jpg cut.png bomb.png dir.png; do
    expect 3 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$T/$f"; one_line_err "$f"
    has "$T/err" "$f"
  done
  has "$T/err" "nothing of this dossier"
  expect 3 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$T/bomb.png"; has "$T/err" "over the limit"
  expect 2 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 --fast "$T/x.png"; one_line_err "unknown option"
  expect 2 "$SOHOA" ingest --owner 001184362297 --procedure 1.1; one_line_err "no files"
  expect 2 "$SOHOA" ingest --procedure 1.1 "$T/x.png"; one_line_err "no owner"
  [ "$(blobs)" = 0 ] || fail "bad input stored something"
  # content decides, not the name
  expect 0 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$T/really-a-jpeg.png"
  expect 0 "$SOHOA" check
  ;;

ocr)
  expect 0 "$SOHOA" ocr --out "$T/txt" "$G/kh2024-f0-p01-clean300.png" "$G/two-pages-g4.tif"
  [ -s "$T/txt/kh2024-f0-p01-clean300.txt" ] || fail "no text for the PNG"
  [ -s "$T/txt/two-pages-g4.txt" ] || fail "no text for the TIFF"
  [ ! -e "$SOHOA_STORE" ] || fail "ocr touched the warehouse"
  python3 "$TOOLS/cer.py" "$G/kh2024-f0-p01-clean300.gt.txt" "$T/txt/kh2024-f0-p01-clean300.txt" 0.03 ||
    fail "character error rate too high on a clean page"
  grep -q "$(printf '\f')" "$T/txt/two-pages-g4.txt" || fail "pages of a TIFF not separated by a form feed"
  echo junk > "$T/junk.png"
  expect 3 "$SOHOA" ocr --out "$T/txt2" "$T/junk.png" "$G/kh2024-f0-p01-clean300.png"
  has "$T/err" "junk.png"
  [ -s "$T/txt2/kh2024-f0-p01-clean300.txt" ] || fail "one bad file stopped the others"
  expect 2 "$SOHOA" ocr "$G/kh2024-f0-p01-clean300.png"; one_line_err "no --out"
  ;;

concurrent)
  init
  "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg" > "$T/a" 2>&1 &
  a=$!
  "$SOHOA" ingest --owner 001184362297 --procedure 1.001193 "$P/dev04-can-cuoc-color300.jpg" > "$T/b" 2>&1 &
  b=$!
  wait $a || fail "first concurrent ingest failed: $(cat "$T/a")"
  wait $b || fail "second concurrent ingest failed: $(cat "$T/b")"
  ca=$(awk '/^dossier/{print $2}' "$T/a"); cb=$(awk '/^dossier/{print $2}' "$T/b")
  [ -n "$ca" ] && [ -n "$cb" ] && [ "$ca" != "$cb" ] || fail "codes '$ca' and '$cb' not distinct"
  printf '%s\n%s\n' "$ca" "$cb" | sort > "$T/codes"
  printf '%s\n%s\n' "$AG-$(today)-0001" "$AG-$(today)-0002" > "$T/want"
  cmp -s "$T/codes" "$T/want" || fail "codes $(cat "$T/codes" | tr '\n' ' ') are not 0001 and 0002"
  expect 0 "$SOHOA" check
  ;;

scan)
  # real SANE backends: test (ADF, faults) and pnm (a corpus crop)
  export SANE_CONFIG_DIR="$DATA/scanner/sane.d"
  # sanitizer builds: the SANE backends' own leaks (see tests/scanner/CMakeLists.txt)
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  init
  expect 0 "$SOHOA" devices; has "$T/out" "test:0"; has "$T/out" "pnm:0"
  SMALL="--option br-x=20 --option br-y=15"
  expect 7 "$SOHOA" scan --device test:0 --source adf $SMALL --option read-return-value=SANE_STATUS_JAMMED \
    --owner 001184362297 --procedure 1.001193
  has "$T/err" "paper jam"; has "$T/err" "sohoa scan --resume"
  B=$(sed -n 's/.*run `sohoa scan --resume \([^`]*\)`.*/\1/p' "$T/err" | head -1)
  [ -n "$B" ] || fail "no batch named in the jam message"
  expect 0 "$SOHOA" batch list; has "$T/out" "$B	interrupted"
  expect 3 "$SOHOA" batch commit "$B"; has "$T/err" "resume"
  [ "$(blobs)" = 0 ] || fail "an interrupted batch stored pages"
  expect 0 "$SOHOA" scan --resume "$B" --review $SMALL
  has "$T/out" "pages     10"; has "$T/out" "blank"
  expect 0 "$SOHOA" batch split "$B" 4 8; has "$T/out" "paper 3: page ids 8 9 10"
  expect 0 "$SOHOA" batch delete "$B" 10; has "$T/out" "pages     9"
  expect 0 "$SOHOA" batch rotate "$B" 2 90; has "$T/out" "turned"
  expect 0 "$SOHOA" batch move "$B" 3 1
  expect 0 "$SOHOA" batch commit --json "$B"
  json "assert [c['pages'] for c in d['components']] == [3, 4, 2], d"
  D=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  expect 3 "$SOHOA" batch commit "$B"; has "$T/err" "already dossier $D"
  expect 0 "$SOHOA" show --json "$D"; json "assert sum(p['pages'].__len__() for p in d['papers']) == 9"
  # flatbed through the pnm backend, straight to a dossier
  expect 0 "$SOHOA" scan --device pnm:0 --option "filename=$DATA/scanner/clean300-crop.pgm" \
    --owner 001184362297 --procedure 1.001193 --json
  P1=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][0]['code'])")
  expect 0 "$SOHOA" export-tiff "$P1" "$T/master.tif"
  tiffinfo "$T/master.tif" > "$T/ti" 2>&1 || fail "tiffinfo failed on the master"
  ! grep -qi "warning\|error" "$T/ti" || fail "tiffinfo complains: $(cat "$T/ti")"
  has "$T/ti" "$P1"; has "$T/ti" "Resolution: 300"; has "$T/ti" "Make: Noname"
  expect 2 "$SOHOA" scan --owner 001184362297 --procedure 1.1; one_line_err "no device"
  expect 3 "$SOHOA" scan --device test:0 --mode sepia --owner 001184362297 --procedure 1.1; one_line_err "bad mode"
  # refused before a page is captured (an option the device lacks, a value it
  # refuses, no such device, no signing key): no empty batch is left behind
  ls "$SOHOA_STORE/batches" > "$T/batches.before"
  for o in no-such-option=1 br-x=abc mode=Sepia =1 br-x; do
    expect 3 "$SOHOA" scan --device test:0 --option "$o" --owner 001184362297 --procedure 1.1
    one_line_err "option $o"; has "$T/err" "${o%%=*}"
    expect 3 "$SOHOA" scan --device test:0 --review --option "$o" --owner 001184362297 --procedure 1.1
  done
  expect 4 "$SOHOA" scan --device test:9 --owner 001184362297 --procedure 1.1; one_line_err "no such device"
  SOHOA_KEY="$T/none.key" expect 4 "$SOHOA" scan --device test:0 --owner 001184362297 --procedure 1.1
  ls "$SOHOA_STORE/batches" | diff "$T/batches.before" - >&2 || fail "a refused scan left a batch behind"
  expect 0 "$SOHOA" batch list; hasnt "$T/out" "unreadable"
  # a jam before the first page keeps the new batch: it is resumed, not redone
  expect 7 "$SOHOA" scan --device test:0 --source adf $SMALL --option read-return-value=SANE_STATUS_JAMMED \
    --owner 001184362297 --procedure 1.1
  [ "$(ls "$SOHOA_STORE/batches" | wc -l)" = $(($(wc -l < "$T/batches.before") + 1)) ] ||
    fail "a batch interrupted by a jam was not kept"
  expect 0 "$SOHOA" check
  ;;

watch)
  init
  mkdir -p "$T/in"
  cp "$P/dev03-giay-khai-sinh-office200.jpg" "$T/in/033317490435_1.001193_gks.jpg"
  cp "$P/dev05-dang-ky-doanh-nghiep-fax200.tif" "$T/in/dkdn.tif"
  printf '{"owner": "0820624125", "procedure": "1.001612"}' > "$T/in/dkdn.json"
  cp "$G/kh2024-f0-p01-clean300.png" "$T/in/no-mapping.png"
  echo junk > "$T/in/001184362297_1.1_junk.png"
  expect 0 "$SOHOA" watch "$T/in" --once --settle 100
  has "$T/out" "033317490435_1.001193_gks.jpg: dossier"
  has "$T/out" "dkdn.tif: dossier"
  [ -e "$T/in/done/033317490435_1.001193_gks.jpg" ] || fail "ingested file not moved to done/"
  [ -e "$T/in/failed/001184362297_1.1_junk.png" ] || fail "bad file not moved to failed/"
  ls "$T/in/failed/" | grep -q "junk.png.reason" || fail "no reason for the failed file"
  # a restart: nothing new, nothing twice
  expect 0 "$SOHOA" watch "$T/in" --once --settle 100
  hasnt "$T/out" "dossier"
  expect 0 "$SOHOA" find --json khai sinh; json "assert len(d) == 1, d"
  expect 0 "$SOHOA" check
  ;;

progress)
  # long work shows its progress on a terminal (stderr), never otherwise and
  # never with --json: ingest, verify --all, backup, export-bag
  init
  PTY="python3 $TOOLS/ptyrun.py $T/out $T/err"
  $PTY "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 \
    "$P/dev03-giay-khai-sinh-office200.jpg" "$G/two-pages-g4.tif" || fail "ingest on a tty"
  has "$T/err" "sohoa ingest: 3 of 3 pages"
  D=$(awk '/^dossier /{print $2; exit}' "$T/out")
  [ -n "$D" ] || { D=$(grep -o "$AG-[0-9]*-[0-9]*" "$T/out" | head -n 1); }
  $PTY "$SOHOA" verify --all || fail "verify --all on a tty"
  has "$T/err" "sohoa verify: 0 of 2 papers"
  has "$T/err" "sohoa verify: 2 of 2 papers"
  has "$T/out" "^OK: 2 papers"
  $PTY "$SOHOA" backup "$T/bk" || fail "backup on a tty"
  has "$T/err" "sohoa backup: 0.0 of"
  grep -q "sohoa backup: \([0-9.]*\) of \1 [KM]iB" "$T/err" || fail "backup progress does not end at its total: $(cat "$T/err")"
  $PTY "$SOHOA" export-bag "$D" "$T/bag" || fail "export-bag on a tty"
  has "$T/err" "sohoa export-bag: 3 of 3 parts"
  # the progress line is rewritten in place (\r) and ends with a newline
  [ "$(tr '\r' '\n' < "$T/err" | grep -c "^sohoa export-bag: [0-9]* of 3 parts")" -ge 2 ] || fail "no \\r-separated progress lines"
  # the same with --json: no progress at all
  $PTY "$SOHOA" verify --all --json || fail "verify --all --json on a tty"
  [ ! -s "$T/err" ] || fail "progress with --json: $(cat "$T/err")"
  json "assert d['ok'] and d['papers'] == 2, d"
  $PTY "$SOHOA" ingest --json --owner 033317490435 --procedure 1.001193 "$G/two-pages-g4.tif" || fail "ingest --json on a tty"
  [ ! -s "$T/err" ] || fail "ingest progress with --json: $(cat "$T/err")"
  # and without a terminal: nothing on stderr
  expect 0 "$SOHOA" verify --all; [ ! -s "$T/err" ] || fail "progress without a tty: $(cat "$T/err")"
  expect 0 "$SOHOA" backup "$T/bk2"; [ ! -s "$T/err" ] || fail "backup progress without a tty: $(cat "$T/err")"
  expect 0 "$SOHOA" export-bag "$D" "$T/bag2"; [ ! -s "$T/err" ] || fail "export-bag progress without a tty: $(cat "$T/err")"
  # Vietnamese on a Vietnamese terminal
  if locale -a 2>/dev/null | grep -qix 'vi_VN.utf-\?8'; then
    LC_ALL=vi_VN.UTF-8 $PTY "$SOHOA" verify --all || fail "verify --all (vi) on a tty"
    has "$T/err" "sohoa verify: 3 trên 3 giấy tờ"
  fi
  ;;

verify)
  init
  expect 0 "$SOHOA" ingest --json --owner 033317490435 --procedure 1.001193 \
    "$P/dev03-giay-khai-sinh-office200.jpg" "$G/two-pages-g4.tif"
  D=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  C1=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][0]['code'])")
  C2=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][1]['code'])")
  expect 0 "$SOHOA" ingest --owner 001184362297 --procedure 1.001193 "$P/dev04-can-cuoc-color300.jpg"
  expect 0 "$SOHOA" verify "$D"; has "$T/out" "OK"
  expect 0 "$SOHOA" verify --all --json
  json "assert d['ok'] and d['papers'] == 3 and d['log_entries'] == 3 and d['problems'] == [], d"
  cp -r "$SOHOA_STORE" "$T/clean"
  restore() { rm -rf "$SOHOA_STORE"; cp -r "$T/clean" "$SOHOA_STORE"; }
  # a flipped byte in a page image
  IMG=$(python3 -c "import hashlib; print(hashlib.sha256(open('$P/dev03-giay-khai-sinh-office200.jpg','rb').read()).hexdigest())")
  "$TAMPER" "$SOHOA_STORE" flip blob "hex:$IMG" 5000 || fail tamper
  expect 6 "$SOHOA" verify --all; has "$T/out" "FAIL $C1: page 1: image bytes do not match"
  expect 6 "$SOHOA" verify "$C1"; hasnt "$T/out" "$C2"
  restore
  # a flipped byte in the stored OCR text
  off=$("$TAMPER" "$SOHOA_STORE" find paper "$C1" "KHAI") || fail "text not found in record"
  "$TAMPER" "$SOHOA_STORE" flip paper "$C1" "$off"
  expect 6 "$SOHOA" verify --all; has "$T/out" "FAIL $C1: page 1: text is not the one signed"
  restore
  # facts changed in the record
  off=$("$TAMPER" "$SOHOA_STORE" find paper "$C1" "033317490435") || fail "owner id not in facts"
  "$TAMPER" "$SOHOA_STORE" flip paper "$C1" "$off"
  expect 6 "$SOHOA" verify "$C1"; has "$T/out" "FAIL $C1"
  restore
  # a flipped byte in a manifest, and in a signature
  "$TAMPER" "$SOHOA_STORE" flip log log:0 40
  expect 6 "$SOHOA" verify --all; has "$T/out" "FAIL $C1: log entry 0"; has "$T/out" "FAIL log: entry 0 does not match"
  restore
  "$TAMPER" "$SOHOA_STORE" flip log log:1 -5
  expect 6 "$SOHOA" verify --all; has "$T/out" "FAIL $C2: log entry 1: s"  # "signature does not hold" or "signed document is damaged"
  restore
  # a removed and a reordered log entry break consistency with the signed checkpoints
  "$TAMPER" "$SOHOA_STORE" del log log:1
  expect 6 "$SOHOA" verify --all; has "$T/out" "entry 1 is missing"
  restore
  "$TAMPER" "$SOHOA_STORE" swap log log:0 log:1
  "$TAMPER" "$SOHOA_STORE" swap lognode "hex:000000000000000000" "hex:000000000000000001"
  expect 6 "$SOHOA" verify --all; has "$T/out" "do not hash to the root signed"
  restore
  # a flipped byte in the latest checkpoint
  "$TAMPER" "$SOHOA_STORE" flip checkpoint log:3 30
  expect 6 "$SOHOA" verify --all; has "$T/out" "checkpoint"
  restore
  expect 0 "$SOHOA" verify --all
  expect 4 "$SOHOA" verify "$AG-000000-0001"
  expect 0 "$SOHOA" log; has "$T/out" "log entries  3"; has "$T/out" "checkpoints  2: 2 3"
  expect 0 "$SOHOA" log consistency 2 3; has "$T/out" "OK: consistent"
  # a proof bundle checks with no warehouse, against a key the archivist holds
  K=$("$SOHOA" keys list --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['key'])")
  expect 0 "$SOHOA" keys export "$K" "$T/office.pub"
  expect 0 "$SOHOA" export-proof "$C2" "$T/bundle"
  [ -s "$T/bundle/page-002.tif" ] && [ -s "$T/bundle/proof.txt" ] || fail "bundle incomplete"
  SOHOA_STORE=/nonexistent expect 0 "$SOHOA" verify-bundle "$T/bundle" --trust "$T/office.pub"
  cp -r "$T/bundle" "$T/b2"; printf x >> "$T/b2/page-001.tif"
  expect 6 "$SOHOA" verify-bundle "$T/b2" --trust "$T/office.pub"; has "$T/out" "page 1: image differs"
  cp -r "$T/bundle" "$T/b3"; sed -i '4{s/path: f/path: 0/;t;s/path: ./path: f/}' "$T/b3/proof.txt"   # always a change
  expect 6 "$SOHOA" verify-bundle "$T/b3" --trust "$T/office.pub"; has "$T/out" "inclusion proof fails"
  # one spelling per proof (docs/SIGNING.md §2): a leading zero is refused, not read as the number
  cp -r "$T/bundle" "$T/b4"; sed -i 's/^index: /index: 0/' "$T/b4/proof.txt"
  expect 6 "$SOHOA" verify-bundle "$T/b4" --trust "$T/office.pub"; has "$T/out" "proof file: index"
  SOHOA_KEY="$T/keys/other.key" expect 0 "$SOHOA" keys new --signer "Người khác" --title "Khác" --out "$T/keys/other.key"
  K3=$("$SOHOA" keys list --json | python3 -c "import json,sys; print([k['key'] for k in json.load(sys.stdin) if k['signer'] == 'Người khác'][0])")
  expect 0 "$SOHOA" keys export "$K3" "$T/other.pub"
  expect 6 "$SOHOA" verify-bundle "$T/bundle" --trust "$T/other.pub"; has "$T/out" "not signed by a trusted key"
  ;;

keys)
  init
  expect 0 "$SOHOA" keys list --json
  json "assert len(d) == 1 and d[0]['signer'] == 'Nguyễn Thị Bình' and d[0]['revoked_at'] is None, d"
  K1=$(python3 -c "import json; print(json.load(open('$T/out'))[0]['key'])")
  [ "$(stat -c %a "$SOHOA_KEY")" = 600 ] || fail "private key file is not mode 600"
  [ ! -e "$SOHOA_STORE/desk.key" ] || fail "private key inside the warehouse"
  ! grep -rq "sohoa-seckey" "$SOHOA_STORE" || fail "private key material inside the warehouse"
  expect 3 "$SOHOA" keys new --signer X --title Y; has "$T/err" "already holds a key"
  # wrong passphrase
  echo "sai mat khau" > "$T/wrong"
  SOHOA_PASSPHRASE_FILE="$T/wrong" expect 3 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$P/dev04-can-cuoc-color300.jpg"
  has "$T/err" "wrong passphrase"
  # no key at all: nothing is stored unsigned
  SOHOA_KEY="$T/none.key" expect 4 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$P/dev04-can-cuoc-color300.jpg"
  has "$T/err" "sohoa keys new"
  [ "$(blobs)" = 0 ] || fail "stored without a signature"
  # signed before a rotation stays valid; the old key no longer signs
  expect 0 "$SOHOA" ingest --json --owner 001184362297 --procedure 1.1 "$P/dev04-can-cuoc-color300.jpg"
  OLD=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  expect 0 "$SOHOA" keys rotate; has "$T/out" "replaces $K1"
  expect 0 "$SOHOA" ingest --owner 001184362297 --procedure 1.1 "$P/dev03-giay-khai-sinh-office200.jpg"
  expect 0 "$SOHOA" verify --all
  expect 0 "$SOHOA" keys export "$K1" "$T/k1.pub"; grep -q "sohoa-pubkey-v1" "$T/k1.pub" || fail "export"
  # revocation: from a moment on, signatures by that key are rejected; before it they stand
  SOHOA_KEY="$T/keys/admin.key" expect 0 "$SOHOA" keys new --signer "Trần Văn Quản" --title "Quản trị"
  K2=$(SOHOA_KEY="$T/keys/admin.key" "$SOHOA" keys list --json | python3 -c "import json,sys; print([k['key'] for k in json.load(sys.stdin) if k['title'] == 'Công chức Bộ phận Một cửa' and k['revoked_at'] is None and k['valid_until'] is None][0])")
  SOHOA_KEY="$T/keys/admin.key" expect 3 "$SOHOA" keys revoke "$K2"; has "$T/err" "reason"
  SOHOA_KEY="$T/keys/admin.key" expect 0 "$SOHOA" keys revoke "$K2" --reason "máy bị mất" --at $(($(date +%s) + 3600))
  expect 0 "$SOHOA" verify --all
  SOHOA_KEY="$T/keys/admin.key" expect 0 "$SOHOA" keys revoke "$K2" --reason "lộ khóa" --at 1000000000
  expect 6 "$SOHOA" verify --all; has "$T/out" "revoked"
  expect 0 "$SOHOA" verify "$OLD"
  ;;

result)
  init
  expect 0 "$SOHOA" ingest --json --owner 033317490435 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg"
  D=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  expect 0 "$SOHOA" result add --json "$D" "$P/dev01-quyet-dinh-clean300.png"
  json "assert d['results'][0]['code'] == '$D-KQ1', d"
  expect 0 "$SOHOA" result add "$D" "$P/dev01-quyet-dinh-clean300.png" "$G/two-pages-g4.tif"
  has "$T/out" "$D-KQ2 stored"; has "$T/out" "$D-KQ3 stored"
  expect 0 "$SOHOA" show --json "$D"
  json "assert [r['code'] for r in d['results']] == ['$D-KQ1', '$D-KQ2', '$D-KQ3'] and 'result' in d['results'][0]['flags'], d"
  expect 4 "$SOHOA" result add "$AG-000101-0001" "$P/dev01-quyet-dinh-clean300.png"
  expect 4 "$SOHOA" result add "$D" "$T/missing.png"
  expect 0 "$SOHOA" verify --all
  # agency merger: new codes under the successor, old codes found under both
  expect 3 "$SOHOA" agency successor "bad id"
  expect 0 "$SOHOA" agency successor 000.00.88.Y88
  expect 0 "$SOHOA" agency; has "$T/out" "000.00.88.Y88	current"; has "$T/out" "$AG	predecessor"
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg"
  has "$T/out" "dossier 000.00.88.Y88-$(today)-0002 stored"
  expect 0 "$SOHOA" show "$D"
  NEWSPELL=$(echo "$D" | sed "s/^$AG/000.00.88.Y88/")
  expect 0 "$SOHOA" show "$NEWSPELL"; has "$T/out" "dossier   $D"
  expect 0 "$SOHOA" verify --all
  ;;

codes)
  # README "Exit codes": a malformed code (or one of the wrong kind) is bad
  # input, 3, for every command taking a code; a well-formed code that is not
  # there is not found, 4; nothing is looked up or written for a malformed one
  init
  expect 0 "$SOHOA" ingest --json --owner 033317490435 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg"
  D=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  PC=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][0]['code'])")
  expect 0 "$SOHOA" ingest --json --owner 033317490435 --procedure 1.001193 "$P/dev04-can-cuoc-color300.jpg"
  D2=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  MISSING_D="$AG-$(today)-9999"; MISSING_P="$AG-$(today)-9999-01-GKS"
  audits=$(mdb_stat -s audit "$SOHOA_STORE" | awk '/Entries/{print $2}')
  for bad in "not-a-code" "$AG" "$D-" "$D-1-GKS" "$D-01-gks" "$D-KQ0" "../../etc/passwd" "$(printf '%s\377' "$D")"; do
    expect 3 "$SOHOA" show "$bad"; one_line_err "show $bad"; has "$T/err" "is not"
    expect 3 "$SOHOA" verify "$bad"; one_line_err "verify $bad"
    expect 3 "$SOHOA" export-proof "$bad" "$T/bundle"; [ ! -e "$T/bundle" ] || fail "bundle written for $bad"
    expect 3 "$SOHOA" export-tiff "$bad" "$T/x.tif"; [ ! -e "$T/x.tif" ] || fail "TIFF written for $bad"
    expect 3 "$SOHOA" revoke "$bad" --reason "thử"
    expect 3 "$SOHOA" validity "$bad"
    expect 3 "$SOHOA" validity "$bad" --until never
    expect 3 "$SOHOA" attach "$bad" "$PC"
    expect 3 "$SOHOA" attach "$D2" "$bad"
    expect 3 "$SOHOA" result add "$bad" "$P/dev01-quyet-dinh-clean300.png"
    expect 3 "$SOHOA" audit --code "$bad"
  done
  # the wrong kind of code: a dossier where a paper is meant, and back
  expect 3 "$SOHOA" revoke "$D" --reason "thử"; has "$T/err" "is a dossier code"
  expect 3 "$SOHOA" validity "$D"; has "$T/err" "is a dossier code"
  expect 3 "$SOHOA" export-proof "$D" "$T/bundle"
  expect 3 "$SOHOA" export-tiff "$D" "$T/x.tif"
  expect 3 "$SOHOA" attach "$PC" "$D"
  expect 3 "$SOHOA" result add "$PC" "$P/dev01-quyet-dinh-clean300.png"; has "$T/err" "is a paper code"
  # well-formed, not there
  expect 4 "$SOHOA" show "$MISSING_D"; expect 4 "$SOHOA" show "$MISSING_P"
  expect 4 "$SOHOA" verify "$MISSING_P"
  expect 4 "$SOHOA" export-proof "$MISSING_P" "$T/bundle"
  expect 4 "$SOHOA" export-tiff "$MISSING_P" "$T/x.tif"
  expect 4 "$SOHOA" revoke "$MISSING_P" --reason "thử"
  expect 4 "$SOHOA" validity "$MISSING_P"
  expect 4 "$SOHOA" attach "$MISSING_D" "$PC"
  expect 4 "$SOHOA" attach "$D2" "$MISSING_P"
  expect 4 "$SOHOA" result add "$MISSING_D" "$P/dev01-quyet-dinh-clean300.png"
  [ "$(mdb_stat -s audit "$SOHOA_STORE" | awk '/Entries/{print $2}')" = "$audits" ] ||
    fail "a refused code was recorded in the audit of reads"
  # and the real ones still work
  expect 0 "$SOHOA" show "$PC"; expect 0 "$SOHOA" verify "$D"
  expect 0 "$SOHOA" validity "$PC"
  expect 0 "$SOHOA" audit --code "$PC"
  expect 0 "$SOHOA" check
  ;;

named)
  # a child's birth certificate received in the parent's dossier is filed under
  # the child too, and can be reused for the child later without a rescan
  init
  expect 0 "$SOHOA" ingest --json --owner 001184362297 --procedure 1.001193 "$P/dev03-giay-khai-sinh-office200.jpg"
  GKS=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][0]['code'])")
  case $GKS in *-GKS) ;; *) fail "birth certificate not classified: $GKS" ;; esac
  expect 0 "$SOHOA" show --json "$GKS"; json "assert 'owner mismatch' in d['flags'], d"
  expect 0 "$SOHOA" owner 033317490435; has "$T/out" "$GKS"
  expect 0 "$SOHOA" owner 001184362297; has "$T/out" "$GKS"
  expect 0 "$SOHOA" reuse --owner 033317490435 --procedure 1.000656; has "$T/out" "$GKS"
  expect 0 "$SOHOA" ingest --json --owner 033317490435 --procedure 1.000656 "$P/dev04-can-cuoc-color300.jpg"
  D2=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  expect 0 "$SOHOA" attach "$D2" "$GKS"
  expect 0 "$SOHOA" show "$D2"; has "$T/out" "reused papers"; has "$T/out" "$GKS"
  expect 0 "$SOHOA" verify --all
  expect 0 "$SOHOA" check
  ;;

dpi)
  # issue 19: a 200-dpi scan is stored as 200 dpi, not at the clean-up's
  # working resolution (receive/ records the file's own)
  init
  python3 - "$G/kh2024-f0-p01-clean300.png" "$T/p200.png" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
out, pos = [data[:8]], 8
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos:pos + 12 + n]
    pos += 12 + n
    if kind == b"pHYs":
        continue
    out.append(chunk)
    if kind == b"IHDR":  # 200 dpi = 7874 pixels per metre
        body = b"pHYs" + struct.pack(">IIB", 7874, 7874, 1)
        out.append(struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xffffffff))
open(sys.argv[2], "wb").write(b"".join(out))
EOF
  # an A4 page of 2480 px tagged 200 dpi: the tag lies (the page's size says
  # 300 dpi, issue 23), so the measured resolution is stored
  expect 0 "$SOHOA" ingest --json --owner 001184362297 --procedure 1.001193 "$T/p200.png"
  D=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  expect 0 "$SOHOA" show --json "$D"
  json "assert [g['dpi'] for p in d['papers'] for g in p['pages']] == [300], d"
  # a real 200-dpi office scan (JFIF 200) is stored as 200 dpi
  expect 0 "$SOHOA" ingest --json --owner 001184362297 --procedure 1.001193 \
    "$P/dev03-giay-khai-sinh-office200.jpg"
  D=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  expect 0 "$SOHOA" show --json "$D"
  json "assert [g['dpi'] for p in d['papers'] for g in p['pages']] == [200], d"
  ;;

operator)
  # issue 19: the operator known only from the user file is recorded as the
  # dossier's receiver (the same operator authorisation uses)
  unset SOHOA_USER
  export XDG_CONFIG_HOME="$T/cfg"
  mkdir -p "$T/cfg/sohoa"; echo "nguoi-nhan-tu-tep" > "$T/cfg/sohoa/user"
  init
  expect 0 "$SOHOA" whoami; has "$T/out" "nguoi-nhan-tu-tep"
  expect 0 "$SOHOA" ingest --owner 001184362297 --procedure 1.001193 "$G/two-pages-g4.tif"
  mdb_dump -p -s dossier "$SOHOA_STORE" > "$T/dump" || fail "mdb_dump"
  has "$T/dump" "nguoi-nhan-tu-tep"
  ;;

resume)
  # issue 19: --option values are saved with the batch and used again by
  # --resume (help says so); `scan --resume --help` is help, not a batch
  export SANE_CONFIG_DIR="$DATA/scanner/sane.d"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  init
  expect 0 "$SOHOA" scan --resume --help; has "$T/out" "usage: sohoa scan"
  has "$T/out" "--resume BATCH \[--device DEV\] \[--option NAME=VALUE\]"
  expect 0 "$SOHOA" help scan; has "$T/out" "usage: sohoa scan"
  expect 7 "$SOHOA" scan --device test:0 --source adf --option br-x=20 --option br-y=15 \
    --option read-return-value=SANE_STATUS_JAMMED --owner 001184362297 --procedure 1.001193 --review
  B=$(sed -n 's/.*run `sohoa scan --resume \([^`]*\)`.*/\1/p' "$T/err" | head -1)
  [ -n "$B" ] || fail "no batch named in the jam message"
  python3 -c "
import json; d = json.load(open('$SOHOA_STORE/batches/$B/batch.json'))
assert d['settings']['options'] == ['br-x=20', 'br-y=15', 'read-return-value=SANE_STATUS_JAMMED'], d['settings']
" || fail "the --option values were not saved with the batch"
  # without --option the saved ones apply: the (simulated) jam again
  expect 7 "$SOHOA" scan --resume "$B" --review; has "$T/err" "paper jam"
  expect 0 "$SOHOA" scan --resume "$B" --review --option br-x=20 --option br-y=15
  has "$T/out" "pages     10"
  ;;

helpcmd)
  # sohoa help CMD; unsupported flags are usage errors for every command
  for c in ingest scan batch ocr extract result watch export-tiff devices; do
    expect 0 "$SOHOA" help $c; has "$T/out" "usage: sohoa $c"
    expect 2 "$SOHOA" $c --no-such-flag; one_line_err "unknown"
  done
  expect 2 "$SOHOA" help frobnicate; one_line_err frobnicate
  ;;

resume_memcheck)
  # issue 19: `scan --resume` reuses the batch's own device and option
  # strings; a capture that faults again must not read them after they were
  # replaced (use-after-free, found by valgrind)
  export SANE_CONFIG_DIR="$DATA/scanner/sane.d" OMP_THREAD_LIMIT=1
  command -v valgrind >/dev/null || { fail "valgrind is needed (./bootstrap)"; exit 1; }
  init
  JAM="--option br-x=20 --option br-y=15 --option read-return-value=SANE_STATUS_JAMMED"
  expect 7 "$SOHOA" scan --device test:0 --source adf $JAM --owner 001184362297 --procedure 1.1 --review
  B=$(ls "$SOHOA_STORE/batches")
  expect 7 valgrind -q --error-exitcode=9 "$SOHOA" scan --resume "$B" --review
  hasnt "$T/err" "Invalid read"
  expect 7 valgrind -q --error-exitcode=9 "$SOHOA" scan --resume "$B" --review $JAM
  hasnt "$T/err" "Invalid read"
  ;;

json)
  # --json on every command that prints data: one document on stdout, compact
  # when stdout is not a terminal (docs/FORMATS.md "JSON output"); --json where
  # a verb takes none is a usage error
  export SANE_CONFIG_DIR="$DATA/scanner/sane.d" XDG_CONFIG_HOME="$T/config"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  unset SOHOA_USER
  init
  lines() { [ "$(wc -l < "$T/out")" = 1 ] || fail "not one line of JSON: $(head -c 300 "$T/out")"; }
  expect 0 "$SOHOA" check --json; lines; json "assert d['ok'] is True and d['problems'] == []"
  expect 0 "$SOHOA" agency --json; lines; json "assert d['agencies'] == [{'id': '$AG', 'role': 'current'}], d"
  expect 2 "$SOHOA" agency alias H23 --json
  expect 0 "$SOHOA" whoami --json; lines; json "assert d['operators_defined'] is False and d['role'] is None"
  expect 0 "$SOHOA" user add quan --role admin
  SOHOA_USER=quan expect 0 "$SOHOA" user add an --role desk
  SOHOA_USER=quan expect 0 "$SOHOA" whoami --json
  json "assert d == {'user': 'quan', 'role': 'admin', 'operators_defined': True}, d"
  SOHOA_USER=quan expect 0 "$SOHOA" user list --json; lines
  json "u = {x['name']: x for x in d['users']}; assert u['an']['role'] == 'desk' and u['quan']['disabled'] is False"
  SOHOA_USER=quan expect 2 "$SOHOA" user del an --json
  export SOHOA_USER=an
  SMALL="--option br-x=20 --option br-y=15"
  expect 7 "$SOHOA" scan --device test:0 --source adf $SMALL --option read-return-value=SANE_STATUS_JAMMED \
    --owner 001184362297 --procedure 1.001193
  B=$(ls "$SOHOA_STORE/batches" | head -1)
  expect 0 "$SOHOA" batch list --json; lines
  json "assert d['batches'][0]['batch'] == '$B' and d['batches'][0]['state'] == 'interrupted'"
  expect 0 "$SOHOA" scan --resume "$B" --review $SMALL
  expect 0 "$SOHOA" batch show "$B" --json; lines
  json "assert d['page_count'] == 10 and len(d['pages']) == 10 and d['pages'][0]['id'] == 1"
  expect 0 "$SOHOA" batch rotate "$B" 2 90 --json
  json "assert d['pages'][1]['rotation'] == 90"
  expect 0 "$SOHOA" batch split "$B" 4 --json
  json "assert [p['page_ids'] for p in d['papers']] == [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10]], d['papers']"
  expect 2 "$SOHOA" batch list --workers 2
  expect 2 "$SOHOA" batch show "$B" extra
  expect 0 "$SOHOA" batch commit "$B" --json
  PC=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][0]['code'])")
  SOHOA_USER=quan expect 0 "$SOHOA" log --json; lines
  json "assert d['entries'] >= 2 and d['checkpoints'][-1] == d['entries'], d"
  N=$(python3 -c "import json; print(json.load(open('$T/out'))['entries'])")
  SOHOA_USER=quan expect 0 "$SOHOA" log consistency "$N" --json
  json "assert d['consistent'] is True and d['old']['size'] == $N and len(d['new']['root']) == 64"
  SOHOA_USER=quan expect 0 "$SOHOA" user add binh --role clerk
  SOHOA_USER=binh expect 0 "$SOHOA" validity "$PC" --json; lines
  json "assert d['code'] == '$PC' and d['status'] in ('valid', 'expired') and 'validity_source' in d"
  SOHOA_USER=quan expect 0 "$SOHOA" check --json; json "assert d['ok'] is True"
  # station add/list --json; revoke prints no data: --json is a usage error
  SOHOA_USER=quan expect 0 "$SOHOA" station add desk-pc --json; lines
  json "assert d['station'] == 'desk-pc' and len(d['token']) == 64 and int(d['token'], 16) >= 0, d"
  SOHOA_USER=quan expect 0 "$SOHOA" station list --json; lines; json "assert d == {'stations': ['desk-pc']}, d"
  SOHOA_USER=quan expect 2 "$SOHOA" station revoke desk-pc --json
  # export-proof and verify-bundle --json
  K=$(SOHOA_USER=quan "$SOHOA" keys list --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['key'])")
  SOHOA_USER=quan expect 0 "$SOHOA" keys export "$K" "$T/office.pub"
  SOHOA_USER=quan expect 0 "$SOHOA" user add luu --role archivist
  SOHOA_USER=luu expect 0 "$SOHOA" export-proof "$PC" "$T/bundle" --json; lines
  json "assert d['code'] == '$PC' and d['dir'] == '$T/bundle' and {'README.txt', 'manifest.sig', 'checkpoint.sig'} <= set(d['files']) and d['files'] == sorted(d['files']), d"
  expect 0 "$SOHOA" verify-bundle "$T/bundle" --trust "$T/office.pub" --json; lines
  json "assert d == {'ok': True, 'dir': '$T/bundle', 'problems': []}, d"
  for f in "$T/bundle"/page-*; do [ -f "$f" ] && { printf 'x' >> "$f"; break; }; done
  expect 6 "$SOHOA" verify-bundle "$T/bundle" --trust "$T/office.pub" --json; lines
  json "assert d['ok'] is False and len(d['problems']) >= 1, d"
  expect 2 "$SOHOA" verify-bundle "$T/bundle" --trust "$T/office.pub" --json --all
  # ocr --json: each file, read or not; exit 3 when one is not
  printf 'not an image' > "$T/bad.png"
  expect 3 "$SOHOA" ocr --out "$T/ocr" --json "$G/two-pages-g4.tif" "$T/bad.png"; lines
  json "f = d['files']; assert f[0]['file'].endswith('two-pages-g4.tif') and f[0]['pages'] == 2 and f[0]['text_file'] == '$T/ocr/two-pages-g4.txt' and f[1]['file'] == '$T/bad.png' and f[1]['error'], d"
  # stdout that cannot be written (a full disk): one line, exit 5, for every
  # command's JSON and text alike
  if [ -w /dev/full ]; then
    full() { # full CMD...: run with stdout on /dev/full
      "$@" > /dev/full 2> "$T/err"; got=$?
      [ "$got" = 5 ] || fail "'$*' > /dev/full exited $got, expected 5"
      [ "$(wc -l < "$T/err")" = 1 ] || fail "'$*' > /dev/full: not one line: $(cat "$T/err")"
      grep -q "^sohoa $2: cannot write the output" "$T/err" || fail "'$*' > /dev/full: $(cat "$T/err")"
    }
    export SOHOA_USER=binh
    full "$SOHOA" owner 001184362297 --json
    full "$SOHOA" reuse --owner 001184362297 --procedure 1.001193 --json
    full "$SOHOA" report --from 2020-01-01 --to 2030-12-31 --json
    full "$SOHOA" search khai --json
    full "$SOHOA" owner 001184362297
    SOHOA_USER=luu full "$SOHOA" audit --json
    SOHOA_USER=quan full "$SOHOA" check --json
    SOHOA_USER=quan full "$SOHOA" user list --json
    SOHOA_USER=quan full "$SOHOA" log --json
    full "$SOHOA" validity "$PC" --json
    SOHOA_USER=luu full "$SOHOA" export-proof "$PC" "$T/bundle2" --json
    full "$SOHOA" verify-bundle "$T/bundle2" --trust "$T/office.pub" --json
    "$SOHOA" --help > /dev/full 2> "$T/err"; got=$?
    [ "$got" = 5 ] && [ "$(wc -l < "$T/err")" = 1 ] && grep -q "^sohoa: cannot write the output" "$T/err" ||
      fail "sohoa --help > /dev/full: exit $got: $(cat "$T/err")"
  fi
  ;;

*)
  echo "unknown case $CASE" >&2; exit 2 ;;
esac
[ $fails = 0 ] || { echo "$CASE: $fails failure(s)" >&2; exit 1; }
echo "$CASE: ok"
