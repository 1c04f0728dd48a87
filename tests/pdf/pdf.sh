#!/bin/sh
# Black-box tests of export-pdf and pdf/ (docs/PDF.md), checked by
# independent tools: qpdf --check, pdftotext, pdfimages, Apache PDFBox
# Preflight (PDF/A-1b). `pdf.sh CASE`. Environment (set by CTest): SOHOA,
# PDF_MAKE, DATA (tests/data), TMPROOT, SRC (this folder), PREFLIGHT_CP.
set -u
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
CASE=$1
T=$(mktemp -d "${TMPROOT:-/tmp}/sohoa-pdf-$CASE.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
export SOHOA_STORE="$T/store" TZ=Asia/Ho_Chi_Minh
export SOHOA_KEY="$T/keys/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
printf 'mật khẩu thử nghiệm\n' > "$T/pass"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  [ "$got" = "$want" ] || { fail "'$*' exited $got, expected $want"; sed 's/^/  stderr: /' "$T/err" >&2; }
}
has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2'"; }
preflight() { # FILE: 0 when PDFBox Preflight says it is PDF/A-1b
  java -cp "$PREFLIGHT_CP" org.apache.pdfbox.preflight.Validator_A1b "$1" >"$T/preflight" 2>&1
  grep -q "is a valid PDF/A-1b file" "$T/preflight"
}
# near A B: |A - B| <= 1.5 (points)
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1.5) }'; }
# word WORD FILE: "xMin yMin xMax yMax" of WORD in pdftotext -bbox output
word() { sed -n "s/.*xMin=\"\([0-9.]*\)\" yMin=\"\([0-9.]*\)\" xMax=\"\([0-9.]*\)\" yMax=\"\([0-9.]*\)\">$1<\/word>.*/\1 \2 \3 \4/p" "$2" | head -1; }

case $CASE in
place)
  # Word boxes land where the hOCR put them, on a page turned by each
  # quarter: coordinates as displayed (the hOCR's frame), 300 dpi.
  for rot in 0 90 180 270; do
    if [ $rot = 0 ] || [ $rot = 180 ]; then W=2400 H=3000; else W=3000 H=2400; fi
    sed "s/@W@/$W/; s/@H@/$H/" "$SRC/place.hocr.in" > "$T/p.hocr"
    expect 0 "$PDF_MAKE" "$T/p$rot.pdf" blank:2400x3000 "$T/p.hocr" 300 $rot
    has "$T/out" "Flate+PNG predictor"
    pdftotext -bbox "$T/p$rot.pdf" "$T/b$rot.html" || fail "pdftotext rot $rot"
    set -- $(word Xin "$T/b$rot.html")
    [ $# = 4 ] || { fail "rot $rot: no word Xin"; continue; }
    near "$1" 72 || fail "rot $rot: Xin xMin $1, want 72"
    near "$2" 144 || fail "rot $rot: Xin yMin $2, want 144 (line top)"
    set -- $(word "chào&amp;" "$T/b$rot.html")
    [ $# = 4 ] || { fail "rot $rot: no word chào&"; continue; }
    near "$1" 192 || fail "rot $rot: chào xMin $1, want 192"
    near "$3" 360 || fail "rot $rot: chào xMax $3, want 360"
    set -- $(word "Việt" "$T/b$rot.html")
    [ $# = 4 ] || { fail "rot $rot: no word Việt"; continue; }
    near "$2" 216 || fail "rot $rot: Việt yMin $2, want 216"
    pdfinfo "$T/p$rot.pdf" > "$T/info"
    has "$T/info" "Page rot: *$rot"
    has "$T/info" "Page size: *576 x 720 pts"
    preflight "$T/p$rot.pdf" || fail "rot $rot: not PDF/A-1b: $(tail -5 "$T/preflight")"
  done
  # a skew the OCR corrected is turned back: the word moves
  sed "s/@W@/2400/; s/@H@/3000/" "$SRC/place.hocr.in" > "$T/p.hocr"
  expect 0 "$PDF_MAKE" "$T/skew.pdf" blank:2400x3000 "$T/p.hocr" 300 0 2
  pdftotext -bbox "$T/skew.pdf" "$T/skew.html"
  set -- $(word Xin "$T/skew.html")
  near "$1" 72 && fail "skew 2 degrees: Xin did not move"
  ;;

export)
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức" >/dev/null || fail keys
  J="$DATA/papers/dev03-giay-khai-sinh-office200.jpg"
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$J" \
    "$DATA/pages/two-pages-g4.tif" "$DATA/pages/kh2024-f0-p01-clean300.png"
  D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  [ -n "$D" ] || { fail "no dossier code"; exit 1; }
  expect 0 "$SOHOA" export-pdf "$D" "$T/d.pdf"
  has "$T/out" "4 pages written"
  qpdf --check "$T/d.pdf" > "$T/check" 2>&1 || fail "qpdf --check: $(cat "$T/check")"
  has "$T/check" "No syntax or stream encoding errors"
  # images kept as they were stored: JPEG as DCT (the very bytes), G4 as CCITT
  pdfimages -list "$T/d.pdf" > "$T/list"
  awk 'NR==3 && !($4==1687 && $5==2363 && $9=="jpeg") {exit 1}' "$T/list" || fail "page 1 not the JPEG: $(sed -n 3p "$T/list")"
  awk 'NR==4 && !($4==1698 && $5==2368 && $9=="ccitt" && $8==1) {exit 1}' "$T/list" || fail "page 2 not CCITT: $(sed -n 4p "$T/list")"
  awk 'NR==5 && !($9=="ccitt") {exit 1}' "$T/list" || fail "page 3 not CCITT"
  awk 'NR==6 && !($4==2479 && $5==3504 && $8==1 && $13=="300") {exit 1}' "$T/list" || fail "page 4 size/bits/ppi: $(sed -n 6p "$T/list")"
  awk 'NR==3 && !($13==200) {exit 1}' "$T/list" || fail "page 1 not at its own 200 dpi"
  pdfimages -f 1 -l 1 -j "$T/d.pdf" "$T/img"
  cmp -s "$T/img-000.jpg" "$J" || fail "the JPEG in the PDF is not the stored file byte for byte"
  # the text layer holds the stored text's words
  pdftotext "$T/d.pdf" "$T/d.txt" || fail pdftotext
  : > "$T/stored.txt"
  "$SOHOA" show "$D-01-GKS" | sed '1,/^--- page/d' >> "$T/stored.txt"
  "$SOHOA" show "$D-03-QD" | sed '1,/^--- page/d' >> "$T/stored.txt"
  tr -s ' \t' '\n\n' < "$T/stored.txt" | grep -v '^-' | awk 'length($0) >= 4' | sort -u > "$T/words"
  tr -s ' \t' '\n\n' < "$T/d.txt" | sort -u > "$T/pdfwords"
  n=$(wc -l < "$T/words"); miss=$(comm -23 "$T/words" "$T/pdfwords" | wc -l)
  [ "$n" -ge 50 ] || fail "only $n stored words to look for"
  [ "$miss" -le $((n / 50)) ] || fail "$miss of $n stored words not in pdftotext output: $(comm -23 "$T/words" "$T/pdfwords" | head -5 | tr '\n' ' ')"
  has "$T/d.txt" "KHAI SINH"
  # metadata: code, kinds, agency, procedure; never the owner's id
  pdfinfo "$T/d.pdf" > "$T/info"
  has "$T/info" "Title: *Hồ sơ $D"
  has "$T/info" "Author: *000.00.99.Z99"
  has "$T/info" "1.001193"
  has "$T/info" "$D-02-TL"
  has "$T/info" "PDF version: *1.4"
  grep -q 033317490435 "$T/info" && fail "the owner id is in the metadata"
  preflight "$T/d.pdf" || fail "not PDF/A-1b: $(tail -5 "$T/preflight")"
  # the validator does fail: an image-only PDF from img2pdf is not PDF/A
  img2pdf -o "$T/plain.pdf" "$J" 2>/dev/null && { preflight "$T/plain.pdf" && fail "Preflight accepts a non-PDF/A file"; }
  # one paper, one result of the same
  expect 0 "$SOHOA" export-pdf "$D-01-GKS" "$T/p.pdf"
  has "$T/out" "1 page written"
  pdfinfo "$T/p.pdf" | grep -q "Title: *GKS $D-01-GKS" || fail "paper title"
  preflight "$T/p.pdf" || fail "paper PDF not PDF/A-1b"
  # the read is audited
  "$SOHOA" audit > "$T/audit" 2>&1; has "$T/audit" "export-pdf"
  ;;

badinput)
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  expect 3 "$SOHOA" export-pdf "not a code" "$T/x.pdf"
  expect 4 "$SOHOA" export-pdf 000.00.99.Z99-260101-0001 "$T/x.pdf"
  expect 4 "$SOHOA" export-pdf 000.00.99.Z99-260101-0001-01-GKS "$T/x.pdf"
  expect 2 "$SOHOA" export-pdf 000.00.99.Z99-260101-0001
  expect 2 "$SOHOA" export-pdf --frob 000.00.99.Z99-260101-0001 "$T/x.pdf"
  [ ! -e "$T/x.pdf" ] || fail "a refused export wrote a file"
  expect 0 "$SOHOA" export-pdf --help; has "$T/out" "usage: sohoa export-pdf"
  # images and hOCR that cannot be used: an error, no file
  printf 'not an image' > "$T/junk"
  expect 3 "$PDF_MAKE" "$T/j.pdf" "$T/junk" - 300 0
  head -c 3000 "$DATA/papers/dev03-giay-khai-sinh-office200.jpg" > "$T/cut.jpg"
  expect 3 "$PDF_MAKE" "$T/c.pdf" "$T/cut.jpg" - 300 0; has "$T/err" "JPEG"
  printf "<span class='ocrx_word' title='bbox 9 9 1 1'>x</span>" > "$T/bad.hocr"
  expect 3 "$PDF_MAKE" "$T/h.pdf" blank:100x100 "$T/bad.hocr" 300 0
  expect 3 "$PDF_MAKE" "$T/r.pdf" blank:100x100 - 300 45
  expect 3 "$PDF_MAKE" "$T/l.pdf" blank:40000x10 - 300 0
  for f in j c h r l; do [ ! -e "$T/$f.pdf" ] || fail "refused input wrote $f.pdf"; done
  # missing colour profile: said, nothing written
  expect 1 env SOHOA_PDF_ICC=/nonexistent "$PDF_MAKE" "$T/i.pdf" blank:100x100 - 300 0
  has "$T/err" "icc-profiles-free"
  [ ! -e "$T/i.pdf" ] || fail "wrote a PDF without the profile"
  ;;
sign)
  # PAdES B-B by a PKCS#12 file and by a SoftHSM2 token; pdfsig (NSS) and
  # OpenSSL check it; the test CA is made here.
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức" >/dev/null || fail keys
  J="$DATA/papers/dev03-giay-khai-sinh-office200.jpg"
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$J"
  D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  C="$T/ca"; mkdir -p "$C"
  q() { "$@" >/dev/null 2>&1 || fail "setup: $*"; }
  q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/ca.key" \
    -out "$C/ca.pem" -days 30 -subj "/CN=Sohoa Test CA/O=Test" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  printf 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n' > "$C/ext"
  officer() { # NAME KEYGEN-ARGS...: key, cert signed by the CA, PKCS#12 (password "secret")
    n=$1; shift
    q openssl genpkey "$@" -out "$C/$n.key"
    q openssl req -new -key "$C/$n.key" -out "$C/$n.csr" -subj "/CN=Officer $n/O=UBND xa Test"
    q openssl x509 -req -in "$C/$n.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial \
      -out "$C/$n.pem" -days 20 -extfile "$C/ext"
    cat "$C/$n.pem" "$C/ca.pem" > "$C/$n.chain"
    q openssl pkcs12 -export -inkey "$C/$n.key" -in "$C/$n.pem" -certfile "$C/ca.pem" \
      -out "$C/$n.p12" -passout pass:secret
  }
  officer ec -algorithm EC -pkeyopt ec_paramgen_curve:P-256
  officer pss -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048
  officer weak -algorithm RSA -pkeyopt rsa_keygen_bits:1024
  echo secret > "$T/p12pass"
  mkdir "$T/nss" && q certutil -N -d "sql:$T/nss" --empty-password
  q certutil -A -d "sql:$T/nss" -n ca -t "CT,C,C" -i "$C/ca.pem"
  mkdir "$T/nss0" && q certutil -N -d "sql:$T/nss0" --empty-password
  export SOHOA_CERTS="$T/conf/signing-chain.pem"
  # certs add: the chain checked, then registered
  cat "$C/ca.pem" "$C/ec.pem" > "$T/reversed.pem"
  expect 3 "$SOHOA" certs add "$T/reversed.pem"
  [ ! -e "$SOHOA_CERTS" ] || fail "a bad chain was registered"
  expect 0 "$SOHOA" certs add "$C/ec.chain"; has "$T/out" "Officer ec"
  cmp -s "$SOHOA_CERTS" "$C/ec.chain" || fail "registered chain differs"
  # --json: {"subject", "path"}, one compact line; other options are errors
  expect 0 "$SOHOA" certs add "$C/ec.chain" --json
  python3 -c "import json,sys; d=json.load(open('$T/out')); assert 'Officer ec' in d['subject'] and d['path'] == '$SOHOA_CERTS', d" || fail "certs add --json: $(cat "$T/out")"
  [ "$(wc -l < "$T/out")" = 1 ] || fail "certs add --json: not one line"
  expect 2 "$SOHOA" certs add "$C/ec.chain" --jsonx
  # PKCS#12, ECDSA P-256, the registered chain
  expect 0 "$SOHOA" export-pdf "$D" "$T/s.pdf" --sign "$C/ec.p12" --pin-file "$T/p12pass" --reason "Bản sao điện tử"
  has "$T/out" "signed PAdES B-B"
  pdfsig -nssdir "sql:$T/nss" "$T/s.pdf" > "$T/sig" 2>&1
  has "$T/sig" "Signature Type: ETSI.CAdES.detached"
  has "$T/sig" "Total document signed"
  has "$T/sig" "Signature is Valid"
  has "$T/sig" "Certificate is Trusted"
  has "$T/sig" "Signing Hash Algorithm: SHA-256"
  pdfsig -nssdir "sql:$T/nss0" "$T/s.pdf" > "$T/sig0" 2>&1
  grep -q "Certificate is Trusted" "$T/sig0" && fail "trusted without the CA in the NSS db"
  preflight "$T/s.pdf" || fail "signed PDF not PDF/A-1b: $(tail -3 "$T/preflight")"
  qpdf --check "$T/s.pdf" >/dev/null 2>&1 || fail "qpdf --check on the signed file"
  # the CMS: signing-certificate-v2, no signing-time
  python3 - "$T/s.pdf" "$T/s.der" "$T/s.data" <<'PY' || fail "cannot take the CMS out"
import re, sys
d = open(sys.argv[1], 'rb').read()
a, b, c, e = map(int, re.search(rb'/ByteRange \[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)', d).groups())
assert a == 0 and c + e == len(d)
r = bytes.fromhex(d[b + 1:c - 1].decode())  # the DER's own length, not the padding's zeros
n = r[1] & 0x7f if r[1] & 0x80 else 0
r = r[:2 + n + (int.from_bytes(r[2:2 + n], 'big') if n else r[1])]
open(sys.argv[2], 'wb').write(r)
open(sys.argv[3], 'wb').write(d[:b] + d[c:])
PY
  openssl cms -inform DER -in "$T/s.der" -cmsout -print > "$T/cms" 2>&1
  has "$T/cms" "signingCertificateV2"
  has "$T/cms" "messageDigest"
  grep -q "signingTime" "$T/cms" && fail "the CMS has a signing-time attribute"
  # one byte changed in the signed range
  python3 -c "
import sys; d = bytearray(open('$T/s.pdf','rb').read()); d[len(d) // 3 if False else 200] ^= 1; open('$T/t.pdf','wb').write(d)"
  pdfsig -nssdir "sql:$T/nss" "$T/t.pdf" > "$T/sigt" 2>&1
  has "$T/sigt" "Digest Mismatch"
  python3 -c "
d = bytearray(open('$T/s.pdf','rb').read()); d[-100] ^= 1; open('$T/t2.pdf','wb').write(d)"
  pdfsig -nssdir "sql:$T/nss" "$T/t2.pdf" > "$T/sigt2" 2>&1
  has "$T/sigt2" "Digest Mismatch"
  # RSASSA-PSS 2048: NSS in Debian 12 cannot verify PSS in CMS, OpenSSL does
  expect 0 "$SOHOA" export-pdf "$D-01-GKS" "$T/pss.pdf" --sign "$C/pss.p12" --cert "$C/pss.chain" --pin-file "$T/p12pass"
  python3 - "$T/pss.pdf" "$T/pss.der" "$T/pss.data" <<'PY'
import re, sys
d = open(sys.argv[1], 'rb').read()
a, b, c, e = map(int, re.search(rb'/ByteRange \[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)', d).groups())
r = bytes.fromhex(d[b + 1:c - 1].decode())  # the DER's own length, not the padding's zeros
n = r[1] & 0x7f if r[1] & 0x80 else 0
r = r[:2 + n + (int.from_bytes(r[2:2 + n], 'big') if n else r[1])]
open(sys.argv[2], 'wb').write(r); open(sys.argv[3], 'wb').write(d[:b] + d[c:])
PY
  openssl cms -verify -inform DER -in "$T/pss.der" -content "$T/pss.data" -binary -CAfile "$C/ca.pem" \
    -purpose any -out /dev/null > "$T/v" 2>&1 || fail "RSA-PSS CMS does not verify: $(cat "$T/v")"
  openssl cms -inform DER -in "$T/pss.der" -cmsout -print | grep -q rsassaPss || fail "not RSASSA-PSS"
  # refusals: weak key, wrong password, no file written
  expect 3 "$SOHOA" export-pdf "$D" "$T/w.pdf" --sign "$C/weak.p12" --cert "$C/weak.chain" --pin-file "$T/p12pass"
  has "$T/err" "1024"
  echo wrong > "$T/wrong"
  expect 8 "$SOHOA" export-pdf "$D" "$T/w.pdf" --sign "$C/ec.p12" --pin-file "$T/wrong"
  # a wrong password that decrypts wrongpass.p12's bag into garbage passing the
  # padding check (GnuTLS then says "ASN1 parser: Error in TAG" unless the MAC
  # is checked first; about one wrong password in 200): still a wrong password
  echo wrong2 > "$T/wrong2"
  expect 8 "$SOHOA" export-pdf "$D" "$T/w.pdf" --sign "$SRC/wrongpass.p12" --pin-file "$T/wrong2"
  has "$T/err" "wrong password"
  expect 2 "$SOHOA" export-pdf "$D" "$T/w.pdf" --cert "$C/ec.chain"
  [ ! -e "$T/w.pdf" ] || fail "a refused signing wrote a file"
  # a SoftHSM2 token as the officer's USB token
  if command -v softhsm2-util >/dev/null; then
    export SOFTHSM2_CONF="$T/softhsm2.conf"
    mkdir "$T/tokens"; echo "directories.tokendir = $T/tokens" > "$SOFTHSM2_CONF"
    q softhsm2-util --init-token --free --label sohoa-test --pin 1234 --so-pin 5678
    q openssl pkcs8 -topk8 -nocrypt -in "$C/ec.key" -out "$C/ec.p8"
    q softhsm2-util --import "$C/ec.p8" --token sohoa-test --label officer --id 01 --pin 1234
    echo 1234 > "$T/pin"
    URI="pkcs11:token=sohoa-test;object=officer;type=private"
    expect 0 "$SOHOA" export-pdf "$D" "$T/h.pdf" --sign "$URI" --pin-file "$T/pin"
    pdfsig -nssdir "sql:$T/nss" "$T/h.pdf" > "$T/sigh" 2>&1
    has "$T/sigh" "Signature is Valid"
    has "$T/sigh" "Certificate is Trusted"
    echo 9999 > "$T/badpin"
    expect 8 "$SOHOA" export-pdf "$D" "$T/h2.pdf" --sign "$URI" --pin-file "$T/badpin"
    expect 4 "$SOHOA" export-pdf "$D" "$T/h2.pdf" --sign "pkcs11:token=sohoa-test;object=nobody;type=private" --pin-file "$T/pin"
    [ ! -e "$T/h2.pdf" ] || fail "a refused token signing wrote a file"
  else
    fail "softhsm2-util missing (Debian softhsm2)"
  fi
  ;;
certify)
  # A certified copy (lời chứng page, number per book and year, a signed
  # log event), PAdES B-T with a time-stamp from a test TSA (openssl ts
  # behind tests/pdf/tsa.py on a loopback port).
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức tư pháp - hộ tịch" >/dev/null || fail keys
  J="$DATA/papers/dev03-giay-khai-sinh-office200.jpg"
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$J"
  D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  P="$D-01-GKS"
  C="$T/ca"; mkdir -p "$C"
  q() { "$@" >/dev/null 2>&1 || fail "setup: $*"; }
  q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/ca.key" \
    -out "$C/ca.pem" -days 30 -subj "/CN=Sohoa Test CA/O=Test" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  printf 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n' > "$C/ext"
  printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n' > "$C/tsaext"
  cert() { # NAME EXTFILE
    q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$C/$1.key"
    q openssl req -new -key "$C/$1.key" -out "$C/$1.csr" -subj "/CN=Test $1/O=UBND xa Test"
    q openssl x509 -req -in "$C/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial \
      -out "$C/$1.pem" -days 20 -extfile "$2"
  }
  cert ec "$C/ext"; cert tsa "$C/tsaext"; cert notsa "$C/ext"
  cat "$C/ec.pem" "$C/ca.pem" > "$C/ec.chain"
  q openssl pkcs12 -export -inkey "$C/ec.key" -in "$C/ec.pem" -certfile "$C/ca.pem" \
    -out "$C/ec.p12" -passout pass:secret
  echo secret > "$T/p12pass"
  mkdir "$T/nss" && q certutil -N -d "sql:$T/nss" --empty-password
  q certutil -A -d "sql:$T/nss" -n ca -t "CT,C,C" -i "$C/ca.pem"
  SIGN="--sign $C/ec.p12 --pin-file $T/p12pass"
  # the certified copy, twice: numbers 1 and 2 of book 01 this year
  expect 0 "$SOHOA" export-pdf "$P" "$T/c1.pdf" $SIGN --certify --book 01 --place "UBND xã Thử Nghiệm"
  has "$T/out" "certified copy no. 1, book 01/"
  expect 0 "$SOHOA" export-pdf "$D" "$T/c2.pdf" $SIGN --certify --book 01 --officer "Trần Văn Cường" --title "Phó Chủ tịch UBND xã"
  has "$T/out" "certified copy no. 2, book 01/"
  Y=$(date +%Y)
  pdftotext "$T/c1.pdf" "$T/c1.txt" || fail "pdftotext c1"
  for w in "LỜI CHỨNG CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH" "Chứng thực bản sao đúng với bản chính." \
           "Số chứng thực: 1" "Quyển số: 01/$Y-SCT/BS" "NGƯỜI THỰC HIỆN CHỨNG THỰC" \
           "Nguyễn Thị Bình" "Công chức tư pháp - hộ tịch" "UBND xã Thử Nghiệm, ngày" "$P"; do
    grep -qF -- "$w" "$T/c1.txt" || fail "statement lacks '$w'"
  done
  pdftotext "$T/c2.pdf" - | grep -qF "Trần Văn Cường" || fail "c2: officer"
  pdfinfo "$T/c1.pdf" | grep -q "^Pages: *2" || fail "c1: not the page and the statement"
  pdffonts "$T/c1.pdf" > "$T/fonts"
  awk '$1 ~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+DejaVuSerif$/ && $5 == "yes" && $6 == "yes" { ok = 1 } END { exit !ok }' "$T/fonts" || fail "the statement font is not embedded: $(cat "$T/fonts")"
  preflight "$T/c1.pdf" || fail "certified copy not PDF/A-1b: $(tail -5 "$T/preflight")"
  preflight "$T/c2.pdf" || fail "certified dossier not PDF/A-1b: $(tail -5 "$T/preflight")"
  qpdf --check "$T/c1.pdf" >/dev/null 2>&1 || fail "qpdf --check c1"
  pdfsig -nssdir "sql:$T/nss" "$T/c1.pdf" > "$T/sig" 2>&1
  has "$T/sig" "Signature is Valid"
  has "$T/sig" "Certificate is Trusted"
  # the register of certified copies: both, with the files' SHA-256
  expect 0 "$SOHOA" certified
  has "$T/out" "$Y 01 no. 1  $P"
  has "$T/out" "$Y 01 no. 2  $D "
  has "$T/out" "$(sha256sum "$T/c1.pdf" | cut -c1-64)"
  has "$T/out" "$(sha256sum "$T/c2.pdf" | cut -c1-64)"
  expect 0 "$SOHOA" verify --all
  expect 0 "$SOHOA" check
  # refusals use no number and write no file
  expect 2 "$SOHOA" export-pdf "$P" "$T/x.pdf" --certify --book 01
  expect 2 "$SOHOA" export-pdf "$P" "$T/x.pdf" $SIGN --certify
  expect 3 "$SOHOA" export-pdf "$P" "$T/x.pdf" $SIGN --certify --book "0/1"
  SOHOA_PDF_TEXT_FONT="$T/nofont.ttf" expect 4 "$SOHOA" export-pdf "$P" "$T/x.pdf" $SIGN --certify --book 01
  [ ! -e "$T/x.pdf" ] || fail "a refused certification wrote a file"
  expect 0 "$SOHOA" export-pdf "$P" "$T/c3.pdf" $SIGN --certify --book 01
  has "$T/out" "certified copy no. 3, book 01/"
  expect 0 "$SOHOA" export-pdf "$P" "$T/c4.pdf" $SIGN --certify --book 02
  has "$T/out" "certified copy no. 1, book 02/"
  # roles: a desk operator may not certify; a clerk may
  "$SOHOA" user add root --role admin >/dev/null || fail "user add"
  SOHOA_USER=root "$SOHOA" user add quay --role desk >/dev/null || fail "user add desk"
  SOHOA_USER=root "$SOHOA" user add thuky --role clerk >/dev/null || fail "user add clerk"
  SOHOA_USER=quay expect 8 "$SOHOA" export-pdf "$P" "$T/x.pdf" $SIGN --certify --book 01
  [ ! -e "$T/x.pdf" ] || fail "a desk operator's certification wrote a file"
  SOHOA_USER=thuky expect 0 "$SOHOA" export-pdf "$P" "$T/c5.pdf" $SIGN --certify --book 01
  has "$T/out" "certified copy no. 4, book 01/"
  SOHOA_USER=root expect 0 "$SOHOA" log
  # the time-stamp authority
  printf '[ tsa ]\ndefault_tsa = t\n[ t ]\ndir = .\nserial = ./serial\ncrypto_device = builtin\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n' > "$C/tsa.cnf"
  echo 01 > "$C/serial"
  python3 "$SRC/tsa.py" "$C" "$T/port" 2>"$T/tsa.log" &
  TSA_PID=$!
  i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  PORT=$(cat "$T/port")
  SOHOA_USER=thuky expect 0 "$SOHOA" export-pdf "$P" "$T/ts.pdf" $SIGN --tsa "http://127.0.0.1:$PORT/"
  has "$T/out" "signed PAdES B-T"
  python3 - "$T/ts.pdf" "$T/ts.der" <<'PY' || fail "cannot take the CMS out"
import re, sys
d = open(sys.argv[1], 'rb').read()
a, b, c, e = map(int, re.search(rb'/ByteRange \[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)', d).groups())
r = bytes.fromhex(d[b + 1:c - 1].decode())  # the DER's own length, not the padding's zeros
n = r[1] & 0x7f if r[1] & 0x80 else 0
r = r[:2 + n + (int.from_bytes(r[2:2 + n], 'big') if n else r[1])]
open(sys.argv[2], 'wb').write(r)
PY
  openssl cms -inform DER -in "$T/ts.der" -cmsout -print > "$T/cms" 2>&1
  has "$T/cms" "id-smime-aa-timeStampToken"
  pdfsig -nssdir "sql:$T/nss" "$T/ts.pdf" > "$T/sig" 2>&1
  has "$T/sig" "Signature is Valid"
  has "$T/sig" "Certificate is Trusted"
  preflight "$T/ts.pdf" || fail "time-stamped PDF not PDF/A-1b: $(tail -5 "$T/preflight")"
  # the token itself: openssl ts -verify over the signature value
  python3 - "$T/ts.der" "$T/tok.der" "$T/sigval" <<'PY' || fail "cannot take the token out"
import sys
d = open(sys.argv[1], 'rb').read()
def tlv(b, i):
    t = b[i]; l = b[i + 1]; j = i + 2
    if l & 0x80:
        k = l & 0x7f; l = int.from_bytes(b[j:j + k], 'big'); j += k
    return t, j, j + l
def kids(b, s, e):
    out = []
    while s < e:
        t, v, n = tlv(b, s); out.append((t, s, v, n)); s = n
    return out
_, v, e = tlv(d, 0)
ci = kids(d, v, e)
_, v, e = tlv(d, ci[1][2])
sd = kids(d, v, e)
si = kids(d, sd[-1][2], sd[-1][3])[0]
parts = kids(d, si[2], si[3])
sig = [p for p in parts if p[0] == 0x04][0]
open(sys.argv[3], 'wb').write(d[sig[2]:sig[3]])
ua = [p for p in parts if p[0] == 0xA1][0]
attr = kids(d, ua[2], ua[3])[0]
oid, vals = kids(d, attr[2], attr[3])
tok = kids(d, vals[2], vals[3])[0]
open(sys.argv[2], 'wb').write(d[tok[1]:tok[3]])
PY
  openssl ts -verify -token_in -in "$T/tok.der" -data "$T/sigval" -CAfile "$C/ca.pem" > "$T/tsv" 2>&1 \
    || fail "openssl ts -verify: $(cat "$T/tsv")"
  # a replayed reply, a wrong content type, no TSA: refused, no file
  SOHOA_USER=thuky expect 6 "$SOHOA" export-pdf "$P" "$T/y.pdf" $SIGN --tsa "http://127.0.0.1:$PORT/replay"
  has "$T/err" "imprint"
  SOHOA_USER=thuky expect 5 "$SOHOA" export-pdf "$P" "$T/y.pdf" $SIGN --tsa "http://127.0.0.1:$PORT/plain"
  SOHOA_USER=thuky expect 3 "$SOHOA" export-pdf "$P" "$T/y.pdf" $SIGN --tsa "ftp://127.0.0.1/"
  # a time-stamped certified copy: the TSA asked inside the numbering
  SOHOA_USER=thuky expect 0 "$SOHOA" export-pdf "$P" "$T/c6.pdf" $SIGN --tsa "http://127.0.0.1:$PORT/" --certify --book 01
  has "$T/out" "certified copy no. 5, book 01/"
  has "$T/out" "PAdES B-T"
  kill "$TSA_PID"; wait "$TSA_PID" 2>/dev/null
  SOHOA_USER=thuky expect 5 "$SOHOA" export-pdf "$P" "$T/y.pdf" $SIGN --tsa "http://127.0.0.1:$PORT/" --certify --book 01
  [ ! -e "$T/y.pdf" ] || fail "a refused time-stamp wrote a file"
  SOHOA_USER=thuky expect 0 "$SOHOA" export-pdf "$P" "$T/c7.pdf" $SIGN --certify --book 01
  has "$T/out" "certified copy no. 6, book 01/"
  ;;
bagin)
  # import-bag into another office's warehouse: checked, verified against
  # trusted keys, filed under the original codes; hostile bags store nothing.
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức" >/dev/null || fail keys
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 \
    "$DATA/papers/dev03-giay-khai-sinh-office200.jpg" "$DATA/pages/two-pages-g4.tif"
  D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$DATA/papers/dev03-giay-khai-sinh-office200.jpg"
  D2=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  expect 0 "$SOHOA" ingest --owner 001099012345 --procedure 1.001193 "$DATA/pages/two-pages-g4.tif"
  D3=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  expect 0 "$SOHOA" keys list
  KID=$(awk 'NR > 0 && $1 ~ /^[0-9a-f]+$/ { print $1; exit }' "$T/out")
  expect 0 "$SOHOA" keys export "$KID" "$T/a.pub"
  expect 0 "$SOHOA" export-bag "$D" "$T/bag"
  expect 0 "$SOHOA" export-bag --owner 033317490435 "$T/obag"
  has "$T/out" "bag of 3 papers"
  python3 "$SRC/bagcheck.py" "$T/obag" > "$T/check" || fail "owner bag: $(cat "$T/check")"
  [ -e "$T/obag/data/$D2-01-GKS/$D2-01-GKS.pdf" ] || fail "owner bag: no PDF of $D2-01-GKS"
  [ -e "$T/obag/data/$D3-01-TL" ] && fail "owner bag holds another owner's paper"
  T0=$(date +%Y-%m-%d)
  expect 0 "$SOHOA" export-bag --from "$T0" --to "$T0" "$T/pbag"
  has "$T/out" "bag of 4 papers"
  expect 4 "$SOHOA" export-bag --from 2001-01-01 --to 2001-01-31 "$T/nobag"
  expect 2 "$SOHOA" export-bag --owner 033317490435 --from "$T0" "$T/nobag"
  [ ! -e "$T/nobag" ] || fail "a refused selection left a folder"
  # the other office
  B="$T/storeB"
  SOHOA_STORE="$B" "$SOHOA" init --agency 000.00.98.Z98 >/dev/null || fail "init B"
  SOHOA_STORE="$B" SOHOA_KEY="$T/keys/b.key" "$SOHOA" keys new --signer "Lê Văn Dũng" --title "Lưu trữ viên" >/dev/null || fail "keys B"
  imp() { SOHOA_STORE="$B" SOHOA_KEY="$T/keys/b.key" "$SOHOA" import-bag "$@"; }
  # not trusted: the bag's own key files do not count
  expect 6 imp "$T/bag"
  has "$T/err" "trusted"
  expect 0 imp "$T/bag" --trust-key "$T/a.pub"
  has "$T/out" "2 papers filed, 0 already here, 1 dossier made"
  expect 0 imp "$T/bag" --trust-key "$T/a.pub"
  has "$T/out" "0 papers filed, 2 already here"
  expect 0 imp "$T/pbag" --trust-key "$T/a.pub"
  has "$T/out" "2 papers filed, 2 already here, 2 dossiers made"
  SOHOA_STORE="$B" expect 0 "$SOHOA" verify --all
  SOHOA_STORE="$B" expect 0 "$SOHOA" check
  SOHOA_STORE="$B" expect 0 "$SOHOA" show "$D-01-GKS"
  SOHOA_STORE="$B" expect 0 "$SOHOA" export-pdf "$D" "$T/fromB.pdf"
  pdftotext "$T/fromB.pdf" - | grep -q . || fail "the imported dossier's PDF has no text"
  SOHOA_STORE="$B" expect 0 "$SOHOA" export-tiff "$D-01-GKS" "$T/b.tif"
  cmp -s "$T/obag/data/$D-01-GKS/page-001.jpg" "$DATA/papers/dev03-giay-khai-sinh-office200.jpg" || fail "page image changed"
  SOHOA_STORE="$B" SOHOA_KEY="$T/keys/b.key" expect 0 "$SOHOA" ingest --owner 001099012345 --procedure 1.001193 "$DATA/pages/two-pages-g4.tif"
  # hostile bags: each refused, nothing stored
  size0=$(SOHOA_STORE="$B" "$SOHOA" log | head -1)
  hostile() { # NAME: copy the bag to $T/h-NAME (the caller changes it), import, expect refusal
    expect "$2" imp "$T/h-$1" --trust-key "$T/a.pub"
    [ "$(SOHOA_STORE="$B" "$SOHOA" log | head -1)" = "$size0" ] || fail "hostile bag $1 changed the log"
  }
  mk() { rm -rf "$T/h-$1"; cp -r "$T/obag" "$T/h-$1"; }
  P1="$D2-01-GKS"
  mk trav; printf '%s  data/../../etc/passwd\n' "$(sha256sum /etc/hostname | cut -c1-64)" >> "$T/h-trav/manifest-sha256.txt"; hostile trav 6
  mk abs; printf '%s  /etc/hostname\n' "$(sha256sum /etc/hostname | cut -c1-64)" >> "$T/h-abs/manifest-sha256.txt"; hostile abs 6
  mk link; ln -s /etc/hostname "$T/h-link/data/$P1/link.txt"; hostile link 6
  mk missing; rm "$T/h-missing/data/$P1/page-001.txt"; hostile missing 6
  mk extra; echo x > "$T/h-extra/data/extra.txt"; hostile extra 6
  mk oxum; sed -i 's/^Payload-Oxum: \([0-9]*\)\./Payload-Oxum: 1\1./' "$T/h-oxum/bag-info.txt"; hostile oxum 6
  mk sum; printf x >> "$T/h-sum/data/$P1/page-001.txt"; hostile sum 6
  mk ver; sed -i 's/BagIt-Version: 1.0/BagIt-Version: 2.0/' "$T/h-ver/bagit.txt"; hostile ver 6
  mk nobagit; rm "$T/h-nobagit/bagit.txt"; hostile nobagit 6
  mk fetch; echo "http://x/ 1 data/x" > "$T/h-fetch/fetch.txt"; hostile fetch 6
  mk tagsum; echo "Contact-Name: x" >> "$T/h-tagsum/bag-info.txt"; hostile tagsum 6
  # a forged manifest: the payload changed and the manifests recomputed, so
  # the bag itself is consistent; the signature is what refuses it
  mk forged
  python3 - "$T/h-forged" "$P1" <<'PY'
import hashlib, os, sys
bag, p = sys.argv[1], sys.argv[2]
t = os.path.join(bag, 'data', p, 'page-001.txt')
open(t, 'a').write('sửa')
def sha(f): return hashlib.sha256(open(f, 'rb').read()).hexdigest()
lines = []
for root, _, files in os.walk(os.path.join(bag, 'data')):
    for f in files:
        full = os.path.join(root, f); lines.append('%s  %s\n' % (sha(full), os.path.relpath(full, bag)))
open(os.path.join(bag, 'manifest-sha256.txt'), 'w').write(''.join(sorted(lines, key=lambda l: l[66:])))
info = open(os.path.join(bag, 'bag-info.txt')).read().splitlines()
size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(bag, 'data')) for f in fs)
n = sum(len(fs) for _, _, fs in os.walk(os.path.join(bag, 'data')))
info = [l if not l.startswith('Payload-Oxum') else 'Payload-Oxum: %d.%d' % (size, n) for l in info]
open(os.path.join(bag, 'bag-info.txt'), 'w').write('\n'.join(info) + '\n')
open(os.path.join(bag, 'tagmanifest-sha256.txt'), 'w').write(''.join('%s  %s\n' % (sha(os.path.join(bag, f)), f) for f in ('bagit.txt', 'bag-info.txt', 'manifest-sha256.txt')))
PY
  python3 "$SRC/bagcheck.py" "$T/h-forged" >/dev/null || fail "the forged bag should pass the bag checks"
  hostile forged 6
  has "$T/err" "$P1"
  # a paper whose code is here with other content (another warehouse of
  # the same agency id, its first dossier of the day, another owner):
  # refused whole
  A2="$T/storeA2"
  SOHOA_STORE="$A2" "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail "init A2"
  SOHOA_STORE="$A2" SOHOA_KEY="$T/keys/a2.key" "$SOHOA" keys new --signer "Phạm Thị Em" --title "Công chức" >/dev/null || fail "keys A2"
  SOHOA_STORE="$A2" SOHOA_KEY="$T/keys/a2.key" expect 0 "$SOHOA" ingest --owner 001099012345 --procedure 1.001193 "$DATA/papers/dev03-giay-khai-sinh-office200.jpg"
  [ "$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")" = "$D" ] || fail "A2's first dossier is not $D"
  SOHOA_STORE="$A2" expect 0 "$SOHOA" keys list
  KID2=$(awk '$1 ~ /^[0-9a-f]+$/ { print $1; exit }' "$T/out")
  SOHOA_STORE="$A2" expect 0 "$SOHOA" keys export "$KID2" "$T/a2.pub"
  SOHOA_STORE="$A2" expect 0 "$SOHOA" export-bag "$D" "$T/h-clash"
  expect 3 imp "$T/h-clash" --trust-key "$T/a2.pub"
  has "$T/err" "other content"
  [ "$(SOHOA_STORE="$B" "$SOHOA" log | head -1)" = "$size0" ] || fail "the clashing bag changed the log"
  SOHOA_STORE="$B" expect 0 "$SOHOA" verify --all
  # roles: import-bag is the admin's
  SOHOA_STORE="$B" "$SOHOA" user add root --role admin >/dev/null || fail "user add"
  SOHOA_STORE="$B" SOHOA_USER=root "$SOHOA" user add luutru --role archivist >/dev/null || fail "user add"
  SOHOA_USER=luutru expect 8 imp "$T/obag" --trust-key "$T/a.pub"
  SOHOA_USER=root expect 0 imp "$T/obag" --trust-key "$T/a.pub"
  has "$T/out" "0 papers filed, 3 already here"
  ;;
input)
  # PDF files in: a page that is one JPEG keeps its bytes; other pages are
  # rendered at 300 dpi; refusals store nothing.
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức" >/dev/null || fail keys
  J="$DATA/papers/dev03-giay-khai-sinh-office200.jpg"
  img2pdf -o "$T/scan.pdf" "$J" || fail img2pdf
  python3 "$SRC/mkpdf.py" text "$T/text.pdf" || fail mkpdf
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$T/scan.pdf" "$T/text.pdf"
  D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  expect 0 "$SOHOA" export-pdf "$D" "$T/back.pdf"
  pdfimages -list "$T/back.pdf" > "$T/list"
  awk 'NR==3 && !($4==1687 && $5==2363 && $9=="jpeg" && $13==200) {exit 1}' "$T/list" || fail "scan page not its JPEG: $(sed -n 3p "$T/list")"
  awk 'NR==4 && !($4==834 && $5==625 && $13==300) {exit 1}' "$T/list" || fail "text page not rendered at 300 dpi: $(sed -n 4p "$T/list")"
  pdfimages -f 1 -l 1 -j "$T/back.pdf" "$T/img"
  cmp -s "$T/img-000.jpg" "$J" || fail "the JPEG taken out of the PDF is not the original bytes"
  "$SOHOA" show "$D-02-TL" > "$T/show" 2>&1 || "$SOHOA" show "$D" > "$T/show" 2>&1
  "$SOHOA" find "khai sinh" > "$T/find" 2>&1; has "$T/find" "$D"
  # a G4 page (a copier's black-and-white scan) keeps its G4 data
  img2pdf -o "$T/g4.pdf" "$DATA/pages/kh2024-f0-p04-fax200.tif" || fail img2pdf
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$T/g4.pdf"
  G=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  expect 0 "$SOHOA" export-pdf "$G" "$T/g4back.pdf"
  pdfimages -list "$T/g4back.pdf" | awk 'NR==3 && !($4==1689 && $5==2361 && $9=="ccitt" && $13==200) {exit 1}' || \
    fail "G4 page not kept: $(pdfimages -list "$T/g4back.pdf" | sed -n 3p)"
  pdfimages -ccitt "$T/g4.pdf" "$T/ca" && pdfimages -ccitt "$T/g4back.pdf" "$T/cb"
  cmp -s "$T/ca-000.ccitt" "$T/cb-000.ccitt" || fail "the G4 data changed on the way in and out"
  pdftoppm -r 50 -gray "$T/g4.pdf" "$T/ra" && pdftoppm -r 50 -gray "$T/g4back.pdf" "$T/rb"
  cmp -s "$T/ra-1.pgm" "$T/rb-1.pgm" || fail "the G4 page does not render the same"
  # refusals, with the reason, nothing stored
  before=$(mdb_stat -s blob "$SOHOA_STORE" | awk '/Entries/{print $2}')
  python3 "$SRC/mkpdf.py" js "$T/js.pdf"
  qpdf --encrypt user owner 256 -- "$T/text.pdf" "$T/enc.pdf"
  qpdf --encrypt "" owner 256 -- "$T/text.pdf" "$T/enc0.pdf"
  python3 "$SRC/mkpdf.py" pages-2001 "$T/many.pdf"
  python3 "$SRC/mkpdf.py" big "$T/big.pdf"
  head -c 300 "$T/scan.pdf" > "$T/cut.pdf"
  # a damaged xref qpdf has to rebuild
  sed 's/^startxref$/startxrex/' "$T/text.pdf" > "$T/noxref.pdf"
  for f in js:JavaScript enc:encrypted enc0:encrypted many:2001 big:limit cut:PDF noxref:damaged; do
    n=${f%%:*}; why=${f#*:}
    expect 3 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$T/$n.pdf"
    has "$T/err" "$why"
    grep -v '^sohoa' "$T/err" | grep -q . && fail "$n.pdf: a library printed: $(grep -v '^sohoa' "$T/err")"
  done
  after=$(mdb_stat -s blob "$SOHOA_STORE" | awk '/Entries/{print $2}')
  [ "$before" = "$after" ] || fail "refused PDFs stored blobs ($before -> $after)"
  ;;
bagphoto)
  # a phone photo (issue 18): export-bag carries the page rectified out of
  # it and the photo as received (original-001.jpg), both signed; import-bag
  # files both, and the other office verifies them
  /usr/bin/python3 "$SRC/../../bench/ocr/mkphoto.py" --one "$DATA/papers/dev03-giay-khai-sinh-office200.jpg" \
    "$T/photo.jpg" --seed 5 || fail mkphoto
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức" >/dev/null || fail keys
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 "$T/photo.jpg"
  D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  C="$D-01-GKS"
  expect 0 "$SOHOA" keys list
  KID=$(awk 'NR > 0 && $1 ~ /^[0-9a-f]+$/ { print $1; exit }' "$T/out")
  expect 0 "$SOHOA" keys export "$KID" "$T/a.pub"
  expect 0 "$SOHOA" export-bag "$D" "$T/bag"
  python3 "$SRC/bagcheck.py" "$T/bag" > "$T/check" || fail "$(cat "$T/check")"
  cmp -s "$T/bag/data/$C/original-001.jpg" "$T/photo.jpg" || fail "the bag's original is not the photo as received"
  cmp -s "$T/bag/data/$C/page-001.jpg" "$T/photo.jpg" && fail "the bag's page is the photo, not the page rectified"
  grep -q "original-001.jpg" "$T/bag/manifest-sha256.txt" || fail "the original is not in the bag's manifest"
  grep -q '"original": {"mime": "image/jpeg"' "$T/bag/data/$C/paper.json" || fail "paper.json does not name the original"
  expect 0 "$SOHOA" verify-bundle "$T/bag/data/$C" --trust "$T/a.pub"
  B="$T/storeB"
  SOHOA_STORE="$B" "$SOHOA" init --agency 000.00.98.Z98 >/dev/null || fail "init B"
  SOHOA_STORE="$B" SOHOA_KEY="$T/keys/b.key" "$SOHOA" keys new --signer "Lê Văn Dũng" --title "Lưu trữ viên" >/dev/null || fail "keys B"
  # an original missing from the bag: refused, nothing stored
  cp -r "$T/bag" "$T/nobag"; rm "$T/nobag/data/$C/original-001.jpg"
  SOHOA_STORE="$B" SOHOA_KEY="$T/keys/b.key" expect 6 "$SOHOA" import-bag "$T/nobag" --trust-key "$T/a.pub"
  SOHOA_STORE="$B" SOHOA_KEY="$T/keys/b.key" expect 0 "$SOHOA" import-bag "$T/bag" --trust-key "$T/a.pub"
  SOHOA_STORE="$B" expect 0 "$SOHOA" show --json "$C"
  python3 -c "import json,sys; p=json.load(open('$T/out'))['pages'][0]; sys.exit(0 if p.get('original', {}).get('mime') == 'image/jpeg' else 1)" \
    || fail "the imported page has no original"
  SOHOA_STORE="$B" expect 0 "$SOHOA" show "$C" --page 1 --original -o "$T/o.jpg"
  cmp -s "$T/o.jpg" "$T/photo.jpg" || fail "the imported original is not the photo as received"
  SOHOA_STORE="$B" expect 0 "$SOHOA" verify --all
  SOHOA_STORE="$B" expect 0 "$SOHOA" check
  ;;
bag)
  # BagIt (RFC 8493) export, checked as bagit-python's validate() does
  # (bagcheck.py), and every paper's proof bundle by verify-bundle
  "$SOHOA" init --agency 000.00.99.Z99 >/dev/null || fail init
  "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức" >/dev/null || fail keys
  expect 0 "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 \
    "$DATA/papers/dev03-giay-khai-sinh-office200.jpg" "$DATA/pages/two-pages-g4.tif"
  D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/out")
  expect 0 "$SOHOA" export-bag "$D" "$T/bag"
  has "$T/out" "bag of 2 papers"
  python3 "$SRC/bagcheck.py" "$T/bag" > "$T/check" || fail "$(cat "$T/check")"
  has "$T/bag/bag-info.txt" "Source-Organization: 000.00.99.Z99"
  has "$T/bag/bag-info.txt" "External-Identifier: $D"
  has "$T/bag/bag-info.txt" "Bagging-Date: "
  for p in "$D-01-GKS" "$D-02-TL"; do
    [ -s "$T/bag/data/$p/page-001.hocr" ] || fail "$p: no hOCR"
    expect 0 "$SOHOA" verify-bundle "$T/bag/data/$p" --trust "$T/bag/data/$p/signer.pub"
  done
  cmp -s "$T/bag/data/$D-01-GKS/page-001.jpg" "$DATA/papers/dev03-giay-khai-sinh-office200.jpg" || fail "page image changed"
  qpdf --check "$T/bag/data/$D.pdf" >/dev/null 2>&1 || fail "the bag's PDF"
  preflight "$T/bag/data/$D.pdf" || fail "the bag's PDF is not PDF/A-1b"
  # the checker does fail: one changed byte, one extra file, one missing file
  cp -r "$T/bag" "$T/b1"; printf x >> "$T/b1/data/$D-01-GKS/page-001.txt"
  python3 "$SRC/bagcheck.py" "$T/b1" >/dev/null && fail "a changed payload file passes"
  cp -r "$T/bag" "$T/b2"; echo x > "$T/b2/data/extra.txt"
  python3 "$SRC/bagcheck.py" "$T/b2" >/dev/null && fail "an extra payload file passes"
  cp -r "$T/bag" "$T/b3"; rm "$T/b3/data/$D.pdf"
  python3 "$SRC/bagcheck.py" "$T/b3" >/dev/null && fail "a missing payload file passes"
  # refusals: the folder exists, no such code; nothing left behind
  expect 3 "$SOHOA" export-bag "$D" "$T/bag"; has "$T/err" "already exists"
  expect 4 "$SOHOA" export-bag 000.00.99.Z99-260101-0001 "$T/nobag"
  [ ! -e "$T/nobag" ] || fail "a refused export left a folder"
  ls "$T" | grep -q 'tmp-' && fail "a temporary bag folder was left"
  ;;
*) echo "unknown case $CASE" >&2; exit 2 ;;
esac
[ "$fails" = 0 ] || { echo "$fails failure(s) in $CASE" >&2; exit 1; }
echo "ok $CASE"
