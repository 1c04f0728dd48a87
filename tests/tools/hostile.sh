#!/bin/sh
# Hostile input to the sohoa program: `hostile.sh CASE` runs one case.
# Environment (set by CTest): SOHOA (the binary), DATA (tests/data), TMPROOT.
#
# Every run is wrapped in `timeout $HOSTILE_TIMEOUT` (60 s from CMake, 120 s
# under the sanitizers) and must end with a documented exit
# code (README "Exit codes"): never a signal or a timeout (>= 124), never a
# sanitizer report. A refusal is a message on stderr whose every line starts
# with "sohoa" (a newline smuggled into a message shows), nothing is stored
# (`mdb_stat -s blob` and `-s dossier` entries unchanged) and `sohoa check`
# passes afterwards. docs/SAFETY.md lists what each input gives.
set -u
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
CASE=$1
T=$(mktemp -d "${TMPROOT:-/tmp}/sohoa-hostile-$CASE.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
export SOHOA_STORE="$T/store"
export TZ=Asia/Ho_Chi_Minh
export SOHOA_KEY="$T/keys/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
unset SOHOA_USER
export XDG_CONFIG_HOME="$T/config"
printf 'mật khẩu thử nghiệm\n' > "$T/pass"
AG=000.00.99.Z99
O=001184362297
P="$DATA/papers"
G="$DATA/pages"
JPG="$P/dev04-can-cuoc-color300.jpg"
mkdir -p "$T/cwd" "$T/f"
cd "$T/cwd" || exit 1   # garbage that names a relative path lands here
fails=0
NL='
'

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
show_args() { printf '%s' "$*" | head -c 160 | tr -c '[:print:]' '?'; }
# run "CODES" CMD...: exit code one of CODES (space-separated), in time, no
# crash; stdout/stderr kept in $T/out, $T/err.
run() {
  want=$1; shift
  timeout "${HOSTILE_TIMEOUT:-20}" "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" -ge 124 ]; then
    fail "'$(show_args "$@")' crashed or hung (exit $got)"
    head -c 2000 "$T/err" | sed 's/^/  stderr: /' >&2
  elif ! echo " $want " | grep -q " $got "; then
    fail "'$(show_args "$@")' exited $got, expected $want"
    head -c 2000 "$T/err" | sed 's/^/  stderr: /' >&2
  fi
  if grep -q "Sanitizer\|runtime error:" "$T/err"; then
    fail "'$(show_args "$@")': sanitizer report"
    head -c 2000 "$T/err" | sed 's/^/  stderr: /' >&2
  fi
  if [ "$got" != 0 ] && [ "$got" -lt 124 ]; then
    [ -s "$T/err" ] || fail "'$(show_args "$@")' failed without a message"
    ! grep -qv "^sohoa" "$T/err" ||
      fail "'$(show_args "$@")': message is not whole lines from sohoa: $(head -c 300 "$T/err" | tr '\n' '|')"
  fi
}
# refused CODES CMD...: as run, and the warehouse did not change.
refused() {
  b0=$(entries blob); d0=$(entries dossier)
  run "$@"
  [ "$(entries blob)" = "$b0" ] && [ "$(entries dossier)" = "$d0" ] ||
    fail "'$(show_args "$@")' stored something ($b0 -> $(entries blob) blobs, $d0 -> $(entries dossier) dossiers)"
}
has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 300 "$1" | tr '\n' '|')"; }
entries() { mdb_stat -s "$1" "$SOHOA_STORE" 2>/dev/null | awk '/Entries/{print $2}'; }
init() {
  run 0 "$SOHOA" init --agency $AG
  run 0 "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
}
check() { run 0 "$SOHOA" check; has "$T/out" "warehouse OK"; }
ing() { refused "$1" "$SOHOA" ingest --owner $O --procedure 1.001193 "$2"; }
# the staged-batch cases scan with the SANE test backend
sane() {
  export SANE_CONFIG_DIR="$DATA/scanner/sane.d"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}
new_batch() {
  run 0 "$SOHOA" scan --device test:0 --source adf --option br-x=20 --option br-y=15 --review \
    --owner $O --procedure 1.001193
  B=$(sed -n 's/^sohoa scan: batch \([^:]*\):.*/\1/p' "$T/err" | head -1)
  [ -n "$B" ] || fail "no batch made: $(cat "$T/err")"
}

# Images made here, byte by byte: header dimensions, page counts and cuts.
mkfiles() {
  python3 - "$1" "$P" "$G" <<'EOF'
import os, struct, sys, zlib
out, P, G = sys.argv[1:4]
def w(name, data):
    open(os.path.join(out, name), "wb").write(data)
def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
def png(wd, ht, rows=1):
    raw = b"".join(b"\0" * (wd + 1) for _ in range(rows)) if wd <= 100000 else b"\0" * 1024
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", wd, ht, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
def tiff(pages, wd=8, ht=8, loop=False):
    """little-endian, one 10-entry directory per page, one shared strip"""
    size = 2 + 10 * 12 + 4
    strip = 8 + pages * size
    b = bytearray(b"II*\0" + struct.pack("<I", 8))
    for p in range(pages):
        nxt = 8 + (p + 1) * size if p + 1 < pages else (8 if loop else 0)
        b += struct.pack("<H", 10)
        for tag, typ, v in ((256, 4, wd), (257, 4, ht), (258, 3, 8), (259, 3, 1), (262, 3, 1),
                            (273, 4, strip), (277, 3, 1), (278, 4, ht), (279, 4, 64), (284, 3, 1)):
            b += struct.pack("<HHI", tag, typ, 1)
            b += struct.pack("<HH", v, 0) if typ == 3 else struct.pack("<I", v)
        b += struct.pack("<I", nxt)
    return bytes(b + b"\0" * 64)
jpg = open(os.path.join(P, "dev04-can-cuoc-color300.jpg"), "rb").read()
def jpeg_dims(wd, ht):
    j = bytearray(jpg)
    i = 2
    while i < len(j):
        if j[i + 1] in (0xC0, 0xC1, 0xC2):
            struct.pack_into(">HH", j, i + 5, ht, wd)
            return bytes(j)
        i += 2 + struct.unpack(">H", j[i + 2:i + 4])[0]
    raise SystemExit("no JPEG frame header")
# decompression bombs: dimensions over the limits in the header, little data
w("side.png", png(30001, 8, 8))           # one side over 30 000
w("area.png", png(11000, 11000))          # 121 Mpx: each side allowed, the area not
w("bomb.png", png(100000, 100000))
w("max.png", png(0x7fffffff, 0x7fffffff))
w("bomb.jpg", jpeg_dims(65500, 65500))
w("bomb.pnm", b"P5\n100000 100000\n255\n" + b"\0" * 64)
w("bomb.pbm", b"P4\n99999999 99999999\n" + b"\0" * 64)
w("bomb.tif", tiff(1, 100000, 100000))
# pages: over the limit, and a directory chain that loops
w("pages-3000.tif", tiff(3000))
w("pages-2001.tif", tiff(2001))
w("loop.tif", tiff(2, loop=True))
# empty and cut short, of each type
for e in ("png", "jpg", "jpeg", "tif", "tiff", "pnm", "pgm", "pbm"):
    w("zero." + e, b"")
w("cut.png", open(os.path.join(P, "dev01-quyet-dinh-clean300.png"), "rb").read()[:40000])
w("cut.jpg", jpg[:100000])
w("cut.tif", open(os.path.join(G, "two-pages-g4.tif"), "rb").read()[:30000])
w("cut.pnm", b"P5\n100 100\n255\n" + b"\x80" * 5000)
w("cut.pbm", b"P4\n100 100\n" + b"\0" * 500)
w("magic.png", b"\x89PNG\r\n\x1a\n")
w("magic.jpg", b"\xff\xd8\xff")
w("magic.tif", b"II*\0")
w("magic.pnm", b"P5\n")
# wrong extensions: the bytes decide
w("pdf.png", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
w("text.tif", "Giấy khai sinh\n".encode())
w("zip.jpg", b"PK\x03\x04" + b"\0" * 60)
w("elf.pnm", open("/bin/true", "rb").read()[:4096])
w("jpeg.png", jpg)
EOF
}

case $CASE in
args)
  # Options: unknown, very long, missing values, empty values; values that look like options.
  init
  LONG=$(head -c 100000 /dev/zero | tr '\0' a)
  refused 2 "$SOHOA" "--$LONG"
  refused 2 "$SOHOA" "$LONG"
  refused 2 "$SOHOA" ingest "--$LONG" --owner $O --procedure 1.1 "$JPG"
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1 "--owner=$LONG=" --bogus "$JPG"
  refused 3 "$SOHOA" ingest --owner "$(head -c 100000 /dev/zero | tr '\0' 1)" --procedure 1.1 "$JPG"
  [ "$(wc -c < "$T/err")" -lt 4096 ] || fail "a 100 000-character owner id is echoed whole ($(wc -c < "$T/err") bytes)"
  refused 3 "$SOHOA" ingest --owner $O --procedure "$(head -c 100000 /dev/zero | tr '\0' 1)" "$JPG"
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1 --owner
  refused 2 "$SOHOA" ingest --owner $O --procedure
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1 --workers
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1 --workers 99999999999999999999 "$JPG"
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1 --workers=-1 "$JPG"
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1 --workers 0x10 "$JPG"
  refused 2 "$SOHOA" ingest --owner --procedure 1.1 "$JPG"   # --owner takes "--procedure"
  # every number given on the command line: digits only, in range (cli_number)
  for n in abc 1x 0x10 -1 1e3 " 5" 99999999999999999999; do
    refused 2 "$SOHOA" find words --limit "$n"
    refused 2 "$SOHOA" search words --limit="$n"
    refused 2 "$SOHOA" verify --all --workers "$n"
    refused 2 "$SOHOA" batch list --workers "$n"
    refused 2 "$SOHOA" scan --device test:0 --owner $O --procedure 1.1 --resolution "$n"
    refused 2 "$SOHOA" watch "$T/f" --once --settle "$n"
    refused 2 "$SOHOA" keys list --at "$n"
    refused 2 "$SOHOA" keys new --signer a --title b --valid-days "$n"
    refused 2 "$SOHOA" log consistency "$n"
    refused 2 "$SOHOA" log consistency 1 "$n"
  done
  refused 2 "$SOHOA" verify --all --workers 65
  refused 2 "$SOHOA" scan --device test:0 --owner $O --procedure 1.1 --resolution 2401
  refused 2 "$SOHOA" keys new --signer a --title b --valid-days 0
  refused 2 "$SOHOA" ingest --owner= --procedure 1.1 "$JPG"      # an empty value is a missing one
  refused 2 "$SOHOA" ingest --owner $O --procedure= "$JPG"
  refused 2 "$SOHOA" show
  refused 2 "$SOHOA" find
  refused 2 "$SOHOA" init --agency
  refused 2 "$SOHOA" batch
  refused 2 "$SOHOA" batch --store
  refused 2 "$SOHOA" keys
  refused 2 "$SOHOA" verify --bogus
  refused 2 "$SOHOA" report --from
  refused "2 3" "$SOHOA" report --from 2026-13-45 --to x
  refused "2 3" "$SOHOA" search --from "$LONG" words
  refused 2 "$SOHOA" ""
  refused 2 "$SOHOA" ingest ""
  # --store with no folder must not quietly mean the default warehouse
  refused 2 "$SOHOA" ingest --store= --owner $O --procedure 1.1 "$JPG"
  refused 2 "$SOHOA" ingest --store "" --owner $O --procedure 1.1 "$JPG"
  refused 2 "$SOHOA" show --store= "$AG-$(date +%y%m%d)-0001"
  # --store that is not a warehouse
  refused 4 "$SOHOA" show --store "$T/nowhere" "$AG-000000-0001"
  refused "4 5" "$SOHOA" show --store /dev/null "$AG-000000-0001"
  refused "4 5" "$SOHOA" show --store "$P/dev04-can-cuoc-color300.jpg" "$AG-000000-0001"
  ln -s /dev/zero "$T/zero-store"
  refused "4 5" "$SOHOA" show --store "$T/zero-store" "$AG-000000-0001"
  check
  ;;

garbage)
  # NUL-free binary garbage as the arguments of every command that only reads
  # or refuses (deterministic: the same bytes every run).
  init
  python3 - "$T/g" <<'EOF'
import os, random, sys
rnd = random.Random(20261122)
os.makedirs(sys.argv[1])
for i in range(24):
    n = rnd.choice((1, 2, 8, 40, 300, 5000))
    args = [bytes(rnd.randrange(1, 256) for _ in range(rnd.randrange(1, n + 1))) for _ in range(rnd.randrange(1, 5))]
    if i % 3 == 0:
        args = [b"--" + a for a in args]
    open(os.path.join(sys.argv[1], "%02d" % i), "wb").write(b"\0".join(args))
EOF
  # each file holds the arguments, NUL-separated; python passes the bytes exactly
  python3 - "$SOHOA" "$T/g" "$SOHOA_STORE" <<'EOF' || fail "garbage arguments: see above"
import os, re, subprocess, sys
sohoa, gdir, store = sys.argv[1:4]
def entries(db):
    out = subprocess.run(["mdb_stat", "-s", db, store], capture_output=True, text=True).stdout
    return re.findall(r"Entries: (\d+)", out)
bad = 0
def report(msg):
    global bad
    bad += 1
    if bad <= 8:
        print("FAIL: " + msg, file=sys.stderr)
before = entries("blob"), entries("dossier")
for cmd in ("ingest show find search owner reuse attach revoke validity report verify log "
            "export-proof export-tiff batch ocr extract agency user audit result check keys "
            "init whoami verify-bundle").split():
    for g in sorted(os.listdir(gdir)):
        args = open(os.path.join(gdir, g), "rb").read().split(b"\0")
        try:
            r = subprocess.run([sohoa, cmd] + args, capture_output=True, timeout=int(os.environ.get('HOSTILE_TIMEOUT', '20')))
        except subprocess.TimeoutExpired:
            report("sohoa %s <garbage %s> hung" % (cmd, g))
            continue
        err = r.stderr
        lines = [l for l in err.split(b"\n") if l]
        if r.returncode not in (0, 2, 3, 4):
            report("sohoa %s <garbage %s> exited %d: %r" % (cmd, g, r.returncode, err[:120]))
        elif b"Sanitizer" in err or b"runtime error:" in err:
            report("sohoa %s <garbage %s>: sanitizer report %r" % (cmd, g, err[:600]))
        elif r.returncode and (not lines or any(not l.startswith(b"sohoa") for l in lines)):
            report("sohoa %s <garbage %s>: message not whole sohoa lines: %r" % (cmd, g, err[:120]))
    if (entries("blob"), entries("dossier")) != before:
        report("sohoa %s <garbage> stored something" % cmd)
        before = entries("blob"), entries("dossier")
if bad:
    print("FAIL: %d garbage runs failed" % bad, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
  check
  ;;

ids)
  # Owner ids, procedure codes, paper codes and search words that are not what they seem.
  init
  for bad in "$(printf '\357\274\220\357\274\220118436229\357\274\227')" \
             "$(printf '\331\240\331\2401184362297')" "$(printf '\333\260\333\2601184362297')" \
             "$(printf '\320\23601184362297')" "$(printf '00118436229\377')" "$(printf '\3770118436229')" \
             "%s%n%s%n%s%n%s" "../../etc/passwd" "/etc/passwd" "001184362297/.." \
             "$(printf '0011843622\342\200\21397')" "$(printf '001184362297\342\200\213')" \
             "$(printf '00118436229\314\2007')" " 001184362297" "001184362297 " "+01184362297" \
             "0x1184362297" "1e11" "0820624126" "0820624125-" "0820624125-0001"; do
    refused 3 "$SOHOA" ingest --owner "$bad" --procedure 1.001193 "$JPG"
    refused "3 4" "$SOHOA" owner "$bad"
    refused "3 4" "$SOHOA" reuse --owner "$bad" --procedure 1.001193
  done
  for bad in "$(printf '1.\377\376')" "%s%n" "../../etc" "/etc/passwd" "1.001193/.." "1 001193" \
             "$(printf '1.00119\342\200\2133')" "$(printf '\357\274\221.001193')"; do
    refused 3 "$SOHOA" ingest --owner $O --procedure "$bad" "$JPG"
  done
  for code in "../../etc/passwd" "/etc/passwd" "%s%n%s%n%s%n" "$(printf 'a\377b')" \
              "$AG-261122-0001/../0002" "$AG-261122-0001-01-../../GKS" "$(printf '%s' "$AG" | tr 0 '\357')" \
              "$(printf '\357\274\220')00.00.99.Z99-261122-0001" "$AG-261122-0001${NL}-01-GKS"; do
    refused 3 "$SOHOA" show "$code"
    refused 3 "$SOHOA" verify "$code"
    refused 3 "$SOHOA" export-proof "$code" "$T/bundle"
    [ ! -e "$T/bundle" ] || fail "export-proof of '$(show_args "$code")' wrote a bundle"
    refused 3 "$SOHOA" export-tiff "$code" "$T/x.tif"
    [ ! -e "$T/x.tif" ] || fail "export-tiff of '$(show_args "$code")' wrote a file"
    refused 3 "$SOHOA" revoke "$code" --reason "thử"
    refused 3 "$SOHOA" validity "$code" --until never
    refused 3 "$SOHOA" attach "$code" "$code"
    refused 3 "$SOHOA" result add "$code" "$JPG"
    refused 3 "$SOHOA" audit --code "$code"
  done
  for w in "$(printf '\377\376\375')" "$(printf 'gi\341y')" "$(printf 'a\300\200b')" "$(printf '\355\240\200')"; do
    refused 3 "$SOHOA" find "$w"
    refused 3 "$SOHOA" search "$w"
  done
  refused 0 "$SOHOA" find "%s%n%s%n" "../../etc/passwd"
  # a newline in an argument must not split the error message
  refused 3 "$SOHOA" ingest --owner "0011${NL}84362297" --procedure 1.001193 "$JPG"
  refused 3 "$SOHOA" ingest --owner $O --procedure "1.001193${NL}sohoa: forged line" "$JPG"
  refused 3 "$SOHOA" show "$AG-261122-0001${NL}sohoa: forged line"
  check
  ;;

names)
  # File names: path tricks, spaces, newlines, non-UTF-8, things that are not files.
  init
  cp "$JPG" "$T/f/with space.jpg"
  cp "$JPG" "$T/f/new${NL}line.jpg"
  cp "$JPG" "$T/f/-owner.jpg"
  cp "$JPG" "$T/f/$(printf 'x\377y.jpg')"
  ln -s /dev/zero "$T/f/zero.png"
  ln -s /dev/urandom "$T/f/random.tif"
  ln -s /tmp "$T/f/dir.jpg"
  ln -s "$T/f/loop.png" "$T/f/loop.png"
  ln -s "$T/nowhere.png" "$T/f/dangling.png"
  mkfifo "$T/f/fifo.png"
  mkdir "$T/f/folder.png"
  refused 3 "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/$(printf 'x\377y.jpg')"
  for f in zero.png random.tif dir.jpg folder.png fifo.png; do
    refused 3 "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/$f"; has "$T/err" "$f"
    refused 3 "$SOHOA" ingest --owner $O --procedure 1.1 "$JPG" "$T/f/$f"
    refused 3 "$SOHOA" ocr --out "$T/txt" "$T/f/$f"
    refused 3 "$SOHOA" extract "$T/f/$f"
  done
  for f in /dev/stdin /dev/null /proc/self/mem /proc/self/environ /; do
    refused 3 "$SOHOA" ingest --owner $O --procedure 1.1 "$f" </dev/null
  done
  refused "3 4" "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/loop.png"
  refused 4 "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/dangling.png"
  refused 4 "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/../f/../f/nothing.jpg"
  refused 4 "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/with space.jpg/"
  refused 2 "$SOHOA" ingest --owner $O --procedure 1.1 -owner.jpg
  LONGNAME=$(head -c 300 /dev/zero | tr '\0' n)
  refused "3 4" "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/$LONGNAME.jpg"
  refused "3 4" "$SOHOA" ingest --owner $O --procedure 1.1 "$T/f/$(printf '%04000d' 0)"
  # odd but valid names: stored, the names kept as given, the bytes once
  run 0 "$SOHOA" ingest --owner $O --procedure 1.1 "$JPG"
  b0=$(entries blob)
  run 0 "$SOHOA" ingest --json --owner $O --procedure 1.1 "$T/f/with space.jpg" "$T/f/new${NL}line.jpg" \
    "$T/f/../f/./with space.jpg" -- "$T/f/-owner.jpg"
  python3 -c "
import json; d = json.load(open('$T/out'))
assert [c['file'] for c in d['components']] == ['$T/f/with space.jpg', '$T/f/new\nline.jpg', '$T/f/../f/./with space.jpg', '$T/f/-owner.jpg'], d
" || fail "odd file names not kept as given: $(cat "$T/out")"
  [ "$(entries blob)" = "$b0" ] || fail "the same image under other names stored again: $b0 -> $(entries blob) blobs"
  check
  ;;

images)
  # Decompression bombs, page counts, empty and cut files of each type, wrong extensions.
  init
  mkfiles "$T/f"
  for f in side.png area.png bomb.png max.png bomb.jpg bomb.pnm bomb.tif; do
    ing 3 "$T/f/$f"; has "$T/err" "over the limit"
  done
  ing 3 "$T/f/bomb.pbm"; has "$T/err" "bomb.pbm"   # leptonica refuses the header itself
  for f in pages-3000.tif pages-2001.tif; do
    ing 3 "$T/f/$f"; has "$T/err" "2000"
  done
  ing 3 "$T/f/loop.tif"
  for f in zero.png zero.jpg zero.jpeg zero.tif zero.tiff zero.pnm zero.pgm zero.pbm; do
    ing 3 "$T/f/$f"; has "$T/err" "empty"
  done
  for f in cut.png cut.jpg cut.tif cut.pnm cut.pbm magic.png magic.jpg magic.tif magic.pnm \
           pdf.png text.tif zip.jpg elf.pnm; do
    ing 3 "$T/f/$f"; has "$T/err" "$f"
  done
  # the same through the commands that store nothing
  for f in bomb.jpg pages-3000.tif cut.pnm zero.tif; do
    refused 3 "$SOHOA" ocr --out "$T/txt" "$T/f/$f"
    refused 3 "$SOHOA" extract "$T/f/$f"
  done
  # one bad file among good ones: nothing of the dossier is stored
  ing 3 "$T/f/bomb.tif"
  refused 3 "$SOHOA" ingest --owner $O --procedure 1.1 "$JPG" "$G/two-pages-g4.tif" "$T/f/cut.pnm"
  has "$T/err" "nothing of this dossier was stored"
  # a JPEG named .png is a JPEG
  run 0 "$SOHOA" ingest --json --owner $O --procedure 1.1 "$T/f/jpeg.png"
  C=$(python3 -c "import json; print(json.load(open('$T/out'))['components'][0]['code'])")
  run 0 "$SOHOA" show --json "$C"
  python3 -c "import json; d = json.load(open('$T/out')); assert d['pages'][0]['mime'] == 'image/jpeg', d" ||
    fail "a JPEG named .png not stored as image/jpeg"
  check
  ;;

batch)
  # Staged batches named with path tricks, huge page numbers and turns, hostile manifests.
  sane
  init
  new_batch
  mkdir "$T/empty"
  refused 4 "$SOHOA" batch show "$T/empty"
  [ ! -e "$T/empty/.lock" ] || fail "opening a folder that is not a batch left a .lock in it"
  refused 4 "$SOHOA" batch show ..
  [ ! -e "$SOHOA_STORE/.lock" ] || fail "batch '..' left a .lock in the warehouse folder"
  refused "3 4" "$SOHOA" batch show "../../../../../../../../../../tmp"
  refused "3 4" "$SOHOA" batch show "%s%n%s%n"
  refused "3 4" "$SOHOA" batch show "$(printf 'B\377')"
  refused "3 4" "$SOHOA" batch show "$B/p0001.png"
  refused "3 4" "$SOHOA" scan --resume "$T/empty"
  [ ! -e "$T/empty/.lock" ] || fail "scan --resume of a folder that is not a batch left a .lock in it"
  # page ids and positions beyond 32 bits must not wrap onto real pages
  refused "2 3 4" "$SOHOA" batch delete "$B" 4294967297
  refused "2 3 4" "$SOHOA" batch delete "$B" 18446744073709551617
  refused "2 3 4" "$SOHOA" batch delete "$B" -1
  refused "2 3 4" "$SOHOA" batch rotate "$B" 4294967297 90
  refused "2 3 4" "$SOHOA" batch move "$B" 4294967298 1
  refused "2 3 4" "$SOHOA" batch move "$B" 2 18446744073709551617
  run 0 "$SOHOA" batch show "$B"; has "$T/out" "pages     10"; has "$T/out" "   1. page id 1:"
  # turns: only multiples of 90, whatever their size, and the batch stays readable
  refused "2 3" "$SOHOA" batch rotate "$B" 5 45
  refused "2 3" "$SOHOA" batch rotate "$B" 5 90abc
  refused "2 3" "$SOHOA" batch rotate "$B" 5 ""
  run 0 "$SOHOA" batch rotate "$B" 5 270
  refused "0 2 3" "$SOHOA" batch rotate "$B" 5 2147483610
  refused "0 2 3" "$SOHOA" batch rotate "$B" 5 -2147483610
  refused "0 2 3" "$SOHOA" batch rotate "$B" 5 4294967386
  run 0 "$SOHOA" batch show "$B"
  refused "2 3" "$SOHOA" batch split "$B" 0
  refused "2 3" "$SOHOA" batch split "$B" 99999999999999999999
  refused "2 3" "$SOHOA" batch kind "$B" 1 "../GKS"
  refused "2 3" "$SOHOA" batch kind "$B" 1 "$(printf 'G\377')"
  refused "2 3 4" "$SOHOA" batch kind "$B" 4294967297 GKS
  refused 2 "$SOHOA" batch frobnicate "$B"
  run 0 "$SOHOA" batch show "$B"
  # a page file the manifest names twice: deleting one page keeps the other's file
  BD="$SOHOA_STORE/batches/$B"
  python3 - "$BD/batch.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["pages"][1]["file"] = m["pages"][0]["file"]
m["pages"][1]["sha256"] = m["pages"][0]["sha256"]
m["pages"][1]["bytes"] = m["pages"][0]["bytes"]
json.dump(m, open(sys.argv[1], "w"), indent=1)
EOF
  P2=$(python3 -c "import json; print(json.load(open('$BD/batch.json'))['pages'][1]['id'])")
  # either the manifest is refused as damaged, or the delete keeps page 1 whole
  refused "0 5" "$SOHOA" batch delete "$B" "$P2"
  if [ "$got" = 0 ]; then
    run 0 "$SOHOA" batch show "$B"
    [ "$got" = 0 ] || fail "deleting a page whose file another page names lost that page"
  fi
  check
  ;;

batchpage)
  # A staged page over the pixel limits (its hash and size made to match the
  # manifest) is refused at commit, as the same file would be at ingest.
  sane
  init
  new_batch
  mkfiles "$T/f"
  BD="$SOHOA_STORE/batches/$B"
  cp "$T/f/side.png" "$BD/p0001.png"
  python3 - "$BD/batch.json" "$BD/p0001.png" <<'EOF'
import hashlib, json, os, sys
m = json.load(open(sys.argv[1]))
d = open(sys.argv[2], "rb").read()
m["pages"][0]["sha256"] = hashlib.sha256(d).hexdigest()
m["pages"][0]["bytes"] = len(d)
json.dump(m, open(sys.argv[1], "w"), indent=1)
EOF
  refused 3 "$SOHOA" batch commit "$B"
  has "$T/err" "over the limit"
  ing 3 "$T/f/side.png"
  check
  ;;

*)
  echo "unknown case $CASE" >&2; exit 2 ;;
esac
[ $fails = 0 ] || { echo "$CASE: $fails failure(s)" >&2; exit 1; }
echo "$CASE: ok"
