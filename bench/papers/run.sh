#!/bin/sh
# Paper kinds and facts benchmark: accuracy per field (docs/PAPERS.md).
#
#   bench/papers/run.sh BUILD_DIR            committed texts: corpus papers and
#                                            tests/data/papers/extra (OCR saved)
#   bench/papers/run.sh BUILD_DIR --splits      the TUNE, TUNE2, TUNE3 and HELD-OUT splits in
#                                            bench/papers/{tune,tune2,tune3,heldout}, and
#                                            the forms filled in by hand (hand-tune,
#                                            hand-heldout: make_hand.py) (OCR
#                                            text and hOCR cached; per field and
#                                            kind; with the page images in
#                                            $SOHOA_PAPER_IMG/<split>, default
#                                            /tmp/sohoa-extra, unsure ids are
#                                            read again, digits only, and
#                                            every date's place)
#   bench/papers/run.sh BUILD_DIR --heldout SEED [N]
#                                            a FRESH held-out split: N papers
#                                            per kind (default 6) with the
#                                            held-out names, places and faces
#                                            and seed SEED, OCRed, then only
#                                            the aggregate figures (never a
#                                            paper's result: -v is not given)
#   bench/papers/run.sh BUILD_DIR --fresh [SEED [N]]
#                                            also: OCR the corpus paper images
#                                            again and make N papers per kind
#                                            (seed SEED) never seen in tests
#
# OCR is the tesseract CLI (vie, one thread). With SOHOA=path/to/sohoa, --fresh
# also runs `sohoa extract --json` (clean-up + OCR pool) on the same images and
# scores it with compare.py. Needs text2image (tesseract-ocr) for --fresh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [--splits | --heldout SEED [N] | --fresh [SEED [N]]]}
bench="$build/bench/papers/paper_bench"
[ -x "$bench" ] || { echo "run.sh: $bench not built: cmake --build $build --target paper_bench" >&2; exit 1; }
data="$root/tests/data/papers"

echo "== corpus papers (15) and committed extra papers"
"$bench" -k "$root/paper/kinds.json" "$data"/*.json "$data"/extra/*.json

if [ "${2:-}" = "--splits" ]; then
	# page images (make_extra.py --img DIR, or --no-ocr to render them
	# again) let paper_bench read unsure ids a second time (-I)
	img=${SOHOA_PAPER_IMG:-/tmp/sohoa-extra}
	for split in tune tune2 tune3 heldout hand-tune hand-heldout; do
		echo "== $split split (bench/papers/$split)"
		if [ -d "$img/$split" ]; then
			"$bench" -K -I "$img/$split" -k "$root/paper/kinds.json" "$here/$split"/*.json
		else
			"$bench" -K -k "$root/paper/kinds.json" "$here/$split"/*.json
		fi
	done
	exit 0
fi
if [ "${2:-}" = "--heldout" ]; then
	seed=${3:?usage: run.sh BUILD_DIR --heldout SEED [N]}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	python3 "$here/make_extra.py" --split heldout --seed "$seed" --count-per-kind "${4:-6}" \
		--out "$tmp/json" --img "$tmp/img" 2>/dev/null
	echo "== fresh held-out split: seed $seed, ${4:-6} per kind"
	"$bench" -K -I "$tmp/img/heldout" -k "$root/paper/kinds.json" "$tmp/json"/*.json
	exit 0
fi
[ "${2:-}" = "--fresh" ] || exit 0
seed=${3:-31}
n=${4:-5}
corpus=${SOHOA_CORPUS:-/work/shared/corpus}/papers
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/corpus" "$tmp/fresh"
for img in "$corpus"/*.png "$corpus"/*.jpg "$corpus"/*.tif; do
	[ -e "$img" ] || continue
	b=$(basename "$img"); b=${b%.*}
	cp "$corpus/$b.json" "$tmp/corpus/"
	OMP_THREAD_LIMIT=1 tesseract "$img" "$tmp/corpus/$b.ocr" -l vie >/dev/null 2>&1
done
echo "== corpus papers, OCR now"
"$bench" -k "$root/paper/kinds.json" "$tmp/corpus"/*.json
python3 "$here/make_extra.py" --seed "$seed" --count-per-kind "$n" --out "$tmp/fresh" \
	--img "$tmp/img" 2>/dev/null
echo "== fresh papers: seed $seed, $n per kind"
"$bench" -k "$root/paper/kinds.json" "$tmp/fresh"/*.json
if [ -n "${SOHOA:-}" ]; then
	echo "== corpus papers through sohoa extract"
	SOHOA_KINDS="$root/paper/kinds.json" "$SOHOA" extract --json --workers 2 "$corpus"/*.png \
		"$corpus"/*.jpg "$corpus"/*.tif > "$tmp/corpus.jsonl"
	python3 "$here/compare.py" "$tmp/corpus.jsonl" "$corpus"
	echo "== fresh papers through sohoa extract"
	SOHOA_KINDS="$root/paper/kinds.json" "$SOHOA" extract --json --workers 2 "$tmp/img"/*.tif \
		> "$tmp/fresh.jsonl"
	python3 "$here/compare.py" "$tmp/fresh.jsonl" "$tmp/fresh"
fi
