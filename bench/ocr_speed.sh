#!/bin/sh
# Pages per minute of `sohoa ocr` against the tesseract CLI on the same pages,
# both on 2 cores: sohoa with 2 workers in one process, tesseract as 2
# processes at once (xargs -P2, OMP_THREAD_LIMIT=1 so each uses one core).
# usage: bench/ocr_speed.sh [SOHOA] [PAGES_DIR]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
SOHOA=${1:-$here/build/tools/sohoa}
PAGES=${2:-$here/../shared/corpus/pages}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ls "$PAGES"/*.png "$PAGES"/*.jpg "$PAGES"/*.tif 2>/dev/null | sort > "$out/list"
n=$(wc -l < "$out/list")
[ "$n" -gt 0 ] || { echo "no pages in $PAGES" >&2; exit 2; }

now() { date +%s.%N; }
rate() { python3 -c "print(f'{$n * 60 / ($2 - $1):7.1f} pages/min  ({$2 - $1:6.1f} s)')"; }

echo "pages: $n from $PAGES, $(nproc) cores"
export OMP_THREAD_LIMIT=1
t0=$(now); xargs -P2 -I{} sh -c 'tesseract "$1" "$2/tess-$(basename "$1")" -l vie >/dev/null 2>&1' _ {} "$out" < "$out/list"; t1=$(now)
echo "tesseract CLI, 2 processes:      $(rate "$t0" "$t1")"
t0=$(now); xargs "$SOHOA" ocr --workers 2 --no-clean --out "$out/raw" < "$out/list"; t1=$(now)
echo "sohoa ocr --no-clean, 2 workers: $(rate "$t0" "$t1")"
t0=$(now); xargs "$SOHOA" ocr --workers 2 --out "$out/clean" < "$out/list"; t1=$(now)
echo "sohoa ocr (clean-up), 2 workers: $(rate "$t0" "$t1")"
