#!/bin/sh
# Photographed papers and ID cards (not a test; issue 18): kind, owner id and
# facts of `sohoa extract` on phone photos against the same papers scanned,
# and what keeping each photo as received beside the page rectified out of
# it costs in the warehouse. Prints the scorer's tables (bench/papers/
# compare.py) for scans and for photos, split into papers and CCCD cards,
# then the storage figures.
#
#   bench/ocr/photo_papers.sh BUILD_DIR [WORK_DIR]
#
# Environment: CORPUS (default /work/shared/corpus/papers: the 15 corpus papers
# with their truth, 3 of them CCCD cards), PHOTOS (photos per paper, default
# 2), CARDS (photos per CCCD card, default 3), JOBS (OCR workers, default 2).
# Photos are made by mkphoto.py --one (seeds 1.., the tune and heldout desks
# and angles in turn). Needs python3-pil, python3-numpy.
# WIDE (default "wide-tune wide-heldout", "" for none): issue 23's wide splits
# too, each scored on its own: WPHOTOS photos per corpus paper (default 2),
# WCARDS CCCD cards rendered and photographed (default 6), truth beside them.
# STORE=0 skips the storage figures.
set -eu
BUILD=${1:?usage: photo_papers.sh BUILD_DIR [WORK_DIR]}
WORK=${2:-/tmp/sohoa-photo-papers}
CORPUS=${CORPUS:-/work/shared/corpus/papers}
PHOTOS=${PHOTOS:-2}
CARDS=${CARDS:-3}
JOBS=${JOBS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SOHOA=$BUILD/tools/sohoa
export OMP_THREAD_LIMIT=1 SOHOA_KINDS="$ROOT/paper/kinds.json"
rm -rf "$WORK"
mkdir -p "$WORK/photos" "$WORK/truth"

seed=0
for img in "$CORPUS"/*.png "$CORPUS"/*.jpg "$CORPUS"/*.tif; do
	[ -e "$img" ] || continue
	b=$(basename "$img"); b=${b%.*}
	cp "$CORPUS/$b.json" "$WORK/truth/"
	case $b in *can-cuoc*) n=$CARDS ;; *) n=$PHOTOS ;; esac
	k=1
	while [ "$k" -le "$n" ]; do
		seed=$((seed + 1))
		split=tune; [ $((seed % 2)) = 0 ] && split=heldout
		/usr/bin/python3 "$HERE/mkphoto.py" --one "$img" "$WORK/photos/$b-photo$k.jpg" \
			--seed "$seed" --split "$split"
		cp "$CORPUS/$b.json" "$WORK/truth/$b-photo$k.json"
		k=$((k + 1))
	done
done

WIDE=${WIDE-wide-tune wide-heldout}
WPHOTOS=${WPHOTOS:-2}
WCARDS=${WCARDS:-6}
for split in $WIDE; do
	mkdir -p "$WORK/$split"
	seed=0
	for img in "$CORPUS"/*.png "$CORPUS"/*.jpg "$CORPUS"/*.tif; do
		[ -e "$img" ] || continue
		b=$(basename "$img"); b=${b%.*}
		k=1
		while [ "$k" -le "$WPHOTOS" ]; do
			seed=$((seed + 1))
			/usr/bin/python3 "$HERE/mkphoto.py" --one "$img" "$WORK/$split/$b-w$k.jpg" \
				--seed "$seed" --split "$split"
			cp "$CORPUS/$b.json" "$WORK/$split/$b-w$k.json"
			k=$((k + 1))
		done
	done
	k=1
	while [ "$k" -le "$WCARDS" ]; do
		/usr/bin/python3 "$HERE/mkphoto.py" --card "$WORK/$split/wcard$k-can-cuoc-color.jpg" \
			--seed "$k" --split "$split"
		k=$((k + 1))
	done
done

"$SOHOA" extract --json --workers "$JOBS" "$CORPUS"/*.png "$CORPUS"/*.jpg "$CORPUS"/*.tif \
	> "$WORK/scans.jsonl"
start=$(date +%s)
"$SOHOA" extract --json --workers "$JOBS" "$WORK"/photos/*.jpg > "$WORK/photos.jsonl"
secs=$(($(date +%s) - start))
for set in scans photos; do
	grep -v can-cuoc-color "$WORK/$set.jsonl" > "$WORK/$set-papers.jsonl" || true
	grep can-cuoc-color "$WORK/$set.jsonl" > "$WORK/$set-cards.jsonl" || true
	for part in papers cards; do
		echo "== $set, $part"
		python3 "$ROOT/bench/papers/compare.py" "$WORK/$set-$part.jsonl" "$WORK/truth" -v
	done
done
nph=$(ls "$WORK"/photos/*.jpg | wc -l)
echo "== $nph photos read in $secs s ($JOBS workers)"
for split in $WIDE; do
	"$SOHOA" extract --json --workers "$JOBS" "$WORK/$split"/*.jpg > "$WORK/$split.jsonl"
	grep -v can-cuoc-color "$WORK/$split.jsonl" > "$WORK/$split-papers.jsonl" || true
	grep can-cuoc-color "$WORK/$split.jsonl" > "$WORK/$split-cards.jsonl" || true
	for part in papers cards; do
		echo "== $split, $part"
		python3 "$ROOT/bench/papers/compare.py" "$WORK/$split-$part.jsonl" "$WORK/$split" -v
	done
done
[ "${STORE:-1}" = 0 ] && exit 0

# the photos stored: one dossier, the page rectified and the photo as received each
export SOHOA_STORE="$WORK/store" SOHOA_KEY="$WORK/keys/desk.key" SOHOA_PASSPHRASE_FILE="$WORK/pass"
printf 'benchmark passphrase\n' > "$WORK/pass"
"$SOHOA" init --agency 000.00.99.Z99 >/dev/null
"$SOHOA" keys new --signer "Benchmark" --title "Benchmark" >/dev/null
"$SOHOA" ingest --json --workers "$JOBS" --owner 001184362297 --procedure 1.001193 \
	"$WORK"/photos/*.jpg > "$WORK/ingest.json"
d=$(python3 -c "import json; print(json.load(open('$WORK/ingest.json'))['dossier'])")
"$SOHOA" show --json "$d" > "$WORK/show.json"
"$SOHOA" verify "$d" >/dev/null
# the page blobs' sizes from each paper's proof bundle (export-proof), papers and cards apart
python3 -c "import json; [print(p['code'], 'cards' if 'can-cuoc' in p['file'] else 'papers') for p in json.load(open('$WORK/show.json'))['papers']]" |
while read -r c part; do
	rm -rf "$WORK/pb" && "$SOHOA" export-proof "$c" "$WORK/pb" >/dev/null
	for f in "$WORK"/pb/page-*.jpg "$WORK"/pb/page-*.png "$WORK"/pb/page-*.tif; do
		[ -e "$f" ] || continue
		o=$(ls "$WORK"/pb/original-* 2>/dev/null | head -1)
		echo "$part $(stat -c %s "$f") $([ -n "$o" ] && stat -c %s "$o" || echo 0)"
	done
done | awk '{ n[$1]++; p[$1] += $2; o[$1] += $3; kept[$1] += $3 > 0 }
	END { print "== storage (KiB per page): set, pages, kept with original, rectified page, photo as received, both, both / rectified, both / photo"
	      for (s in n) printf "%-6s %3d %3d  %6.0f %6.0f %6.0f  %.2fx  %.2fx\n", s, n[s], kept[s],
		p[s] / n[s] / 1024, o[s] / n[s] / 1024, (p[s] + o[s]) / n[s] / 1024, (p[s] + o[s]) / p[s], (p[s] + o[s]) / o[s] }'
du -k "$WORK/store/data.mdb" | awk '{ printf "warehouse file %.1f MiB (pages, originals, hOCR, index, log)\n", $1 / 1024 }'
