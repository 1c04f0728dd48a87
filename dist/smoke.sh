#!/bin/sh
# Smoke test of an installed sohoa, from the installed paths only: run it
# from a folder outside the source tree with a copy of one sample page.
# usage: smoke.sh SOHOA PAGE_IMAGE   (e.g. /usr/bin/sohoa /tmp/x/page.jpg)
# Each step must succeed; the first failure stops with its exit code.
set -eu
SOHOA=$1
page=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$page" "$work/page.${page##*.}"
export SOHOA_STORE="$work/store" SOHOA_KEY="$work/desk.key" SOHOA_PASSPHRASE_FILE="$work/pass"
unset SOHOA_DATA_DIR SOHOA_KINDS SOHOA_LOCALE_DIR
echo "smoke passphrase" > "$SOHOA_PASSPHRASE_FILE"
run() { echo "+ sohoa $*"; "$SOHOA" "$@"; }

run --help > /dev/null
run init --agency 000.00.99.Z99
run keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
# extract reads the kind catalogue and names lexicon (share/sohoa)
run extract "page.${page##*.}" > extract.json
grep -q '"kind"' extract.json
run ingest --owner 033317490435 --procedure 1.001193 "page.${page##*.}" | tee ingest.out
paper=$(awk '$1 ~ /-01-[A-Z0-9]+$/ {print $1; exit}' ingest.out)
dossier=$(awk '/^dossier /{print $2; exit}' ingest.out)
[ -n "$dossier" ]
run show "$dossier" > /dev/null
run search khai sinh --owner 033317490435 > search.out
grep -q "$dossier" search.out
# reuse reads the procedure catalogue (share/sohoa)
run reuse --owner 033317490435 --procedure 1.001193 > /dev/null
run verify --all
run check
# Vietnamese messages from the installed catalogue (share/locale)
if locale -a 2>/dev/null | grep -qi '^vi_VN\.utf-\?8$'; then
  set +e
  LANG=vi_VN.UTF-8 LC_ALL=vi_VN.UTF-8 "$SOHOA" show 000.00.99.Z99-990101-0001 2> vi.err
  rc=$?
  set -e
  cat vi.err
  [ "$rc" -eq 4 ] && grep -q "không có" vi.err
fi
echo "smoke: ok (dossier $dossier ${paper:+paper $paper})"
