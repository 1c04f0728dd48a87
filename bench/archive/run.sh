#!/bin/sh
# A box with separators against `sohoa ingest` of the same papers one dossier
# at a time, same run, same warehouse kind (not a test; prints figures).
# Usage: bench/archive/run.sh BUILD_DIR [COPIES] — COPIES of the 4 corpus
# papers (default 3: 12 papers, 12 separators, a 24-page box). The issue's
# 500-page box: run.sh build 63 (252 papers, 504 pages). Progress on stderr.
set -eu
B=$(cd "$1" && pwd); N=${2:-3}
S=$B/tools/sohoa
D=$(cd "$(dirname "$0")/../../tests/data/papers" && pwd)
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export SOHOA_KEY="$T/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
printf 'bench passphrase\n' > pass
for st in box one; do
  SOHOA_STORE="$T/$st" "$S" init --agency 000.00.99.Z99 >/dev/null
done
SOHOA_STORE="$T/box" "$S" keys new --signer bench --title bench >/dev/null
OWNER=001099012345
"$S" archive separators --owner $OWNER --book bench --dpi 200 --out sep.png
$PY - "$D" "$N" <<'PY'
import sys
from PIL import Image
d, n = sys.argv[1], int(sys.argv[2])
names = ["dev01-quyet-dinh-clean300.png", "dev03-giay-khai-sinh-office200.jpg",
         "dev04-can-cuoc-color300.jpg", "dev05-dang-ky-doanh-nghiep-fax200.tif"]
sep = Image.open("sep.png").convert("L")
pages = []
for i in range(n):
    for k, nm in enumerate(names):
        im = Image.open(d + "/" + nm).convert("L")
        im.save("p%02d.tif" % (i * 4 + k), compression="tiff_deflate", dpi=(200, 200))
        pages += [sep, im]
pages[0].save("box.tif", save_all=True, append_images=pages[1:], compression="tiff_deflate", dpi=(200, 200))
PY
np=$(ls p*.tif | wc -l)
t0=$(date +%s.%N)
SOHOA_STORE="$T/box" "$S" archive ingest --progress --box bench box.tif > box.out
t1=$(date +%s.%N)
i=0
for f in p*.tif; do
  SOHOA_STORE="$T/one" "$S" ingest --owner $OWNER --procedure 1.001193 "$f" > /dev/null
  i=$((i + 1)); printf '\rsohoa ingest: %d of %d dossiers stored' $i $np >&2
done
echo >&2
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$np" -v cores="$(nproc)" 'BEGIN {
  printf "papers %d (one page each), %d cores\n", n, cores
  printf "archive ingest (box, %d separators): %6.1f s  %5.1f papers/min  %5.1f scanned pages/min\n", n, b - a, n * 60 / (b - a), 2 * n * 60 / (b - a)
  printf "sohoa ingest, one dossier each:      %6.1f s  %5.1f papers/min\n", c - b, n * 60 / (c - b) }'
[ "$(grep -c Z99 box.out)" = "$np" ] || { echo "box: not every paper stored"; cat box.out; exit 1; }
