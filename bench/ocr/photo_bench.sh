#!/bin/sh
# Photo benchmark (not a test): phone photos of papers made by mkphoto.py,
# read by sohoa (the ocrdrv pool driver), by a sohoa built without the photo
# step (BEFORE, optional) and by the tesseract CLI, all on the same photos in
# the same run. Prints per split: CER %, WER %, page corner error (px), the
# measured resolution, pages/min.
#
#   bench/ocr/photo_bench.sh BUILD_DIR [WORK_DIR]
#
# Environment: SPLITS (default "tune heldout"; issue 23's wide splits:
# "wide-tune wide-heldout"), COUNT (photos per corpus page, default 2), GKS
# (birth certificates per split, default 3), CARDS (CCCD cards per wide split,
# default 4), JOBS (default 2),
# BEFORE (an ocrdrv built from an older tree; its figures are "before"),
# TOOLS (default "sohoa tesseract"; add "before" when BEFORE is set).
# Needs python3-pil, python3-numpy (mkphoto.py), tesseract-ocr-vie, GNU time.
set -eu
BUILD=${1:?usage: photo_bench.sh BUILD_DIR [WORK_DIR]}
WORK=${2:-/tmp/sohoa-photo}
SPLITS=${SPLITS:-tune heldout}
COUNT=${COUNT:-2}
GKS=${GKS:-3}
CARDS=${CARDS:-4}
JOBS=${JOBS:-2}
TOOLS=${TOOLS:-sohoa tesseract}
BIN=$BUILD/bench/ocr
HERE=$(dirname "$0")
export OMP_THREAD_LIMIT=1

for split in $SPLITS; do
	set_dir=$WORK/$split
	if [ ! -f "$set_dir/.done" ]; then
		case $split in wide-*) cards=$CARDS ;; *) cards=0 ;; esac
		/usr/bin/python3 "$HERE/mkphoto.py" --split "$split" --count "$COUNT" --gks "$GKS" \
			--cards "$cards" "$set_dir" >/dev/null
		touch "$set_dir/.done"
	fi
	files=$(ls "$set_dir"/*.jpg)
	n=$(echo "$files" | wc -l)
	for tool in $TOOLS; do
		out=$WORK/out-$split-$tool
		rm -rf "$out" && mkdir -p "$out"
		start=$(date +%s.%N)
		case $tool in
		sohoa) "$BIN/ocrdrv" --workers "$JOBS" --out "$out" $files >"$out/.log" 2>&1 || true ;;
		before) "$BEFORE" --workers "$JOBS" --out "$out" $files >"$out/.log" 2>&1 || true ;;
		tesseract)
			echo "$files" | xargs -P "$JOBS" -I{} sh -c \
				'b=$(basename {} .jpg); tesseract {} "$0/$b" -l vie >/dev/null 2>&1' "$out" ;;
		esac
		end=$(date +%s.%N)
		secs=$(echo "$end - $start" | bc)
		for f in $files; do
			b=$(basename "$f" .jpg)
			"$BIN/cer" "${f%.jpg}.gt.txt" "$out/$b.txt"
		done | awk -v t="$tool" -v s="$split" -v n="$n" -v secs="$secs" '
			{ E += $1; C += $2; WE += $3; W += $4; if ($1 / $2 > worst) worst = $1 / $2 }
			END { printf "%-8s %-10s photos %2d  CER %6.2f %%  WER %6.2f %%  worst page CER %6.2f %%  %5.1f pages/min\n",
				s, t, n, 100 * E / C, 100 * WE / W, 100 * worst, 60 * n / secs }'
		if [ "$tool" = sohoa ]; then
			# corner error: found vs made, largest over the four corners
			for f in $files; do
				line=$(grep -F "$f" "$out/.log" | head -1)
				echo "$(cat "${f%.jpg}.corners") $(echo "$line" | sed 's/.*corners=//; s/,/ /g') $(echo "$line" | sed 's/.*true_dpi=\([0-9]*\).*/\1/') $(echo "$line" | grep -c 'photo rectified')"
			done | awk -v s="$split" '
				{ m = 0; for (i = 1; i <= 8; i += 2) { dx = $i - $(i + 8); dy = $(i + 1) - $(i + 9);
				    d = sqrt(dx * dx + dy * dy); if (d > m) m = d }
				  if (m > worst) worst = m; sum += m; found += $18;
				  if (min == "" || $17 < min) min = $17; if ($17 > max) max = $17 }
				END { printf "%-8s sohoa      pages found %d/%d  corner error mean %.1f px, worst %.1f px  true dpi %d..%d\n",
					s, found, NR, sum / NR, worst, min, max }'
		fi
	done
done
