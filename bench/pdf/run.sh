#!/bin/sh
# export-pdf of a 10-page dossier against img2pdf on the same page files, in
# the same run (not a test; prints figures). usage: bench/pdf/run.sh [BUILD_DIR]
# Pages: the first 10 images of /work/shared/corpus/pages (or $PAGES).
set -eu
B=$(cd "${1:-build}" && pwd)
PAGES=${PAGES:-/work/shared/corpus/pages}
T=$(mktemp -d /tmp/sohoa-pdfbench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export SOHOA_STORE="$T/store" SOHOA_KEY="$T/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
echo bench > "$T/pass"
files=$(ls "$PAGES"/*.png "$PAGES"/*.jpg "$PAGES"/*.tif 2>/dev/null | sort | head -10)
"$B/tools/sohoa" init --agency 000.00.99.Z99 >/dev/null
"$B/tools/sohoa" keys new --signer Bench --title Bench >/dev/null
# one paper per file so that each keeps its own bytes
# shellcheck disable=SC2086
"$B/tools/sohoa" ingest --owner 033317490435 --procedure 1.001193 $files > "$T/ingest"
D=$(sed -n 's/^dossier \([^ ]*\) stored.*/\1/p' "$T/ingest")
echo "pages: $(echo $files | wc -w) files, $(du -cb $files | tail -1 | cut -f1) bytes"
"$B/bench/pdf/pdf_bench" "$SOHOA_STORE" "$D" "$T/sohoa.pdf" 7
for i in 1 2 3 4 5 6 7; do
  # shellcheck disable=SC2086
  /usr/bin/time -f "%U %S %e" -a -o "$T/times" img2pdf -o "$T/img2pdf.pdf" $files
done
sort -n "$T/times" | awk '{c = $1 + $2; if (NR == 1 || c < cpu) cpu = c; if (NR == 1 || $3 < wall) wall = $3}
  END {printf "img2pdf (same files; image only, no text, not PDF/A): CPU min %.3f s, wall min %.3f s\n", cpu, wall}'
echo "img2pdf PDF $(stat -c %s "$T/img2pdf.pdf") bytes"
pdfimages -list "$T/sohoa.pdf" | awk 'NR > 2 {print $9}' | sort | uniq -c | sed 's/^/  sohoa images: /'
