#!/bin/sh
# The evaluation sets of issues 18 and 23 (docs/PAPERS.md "Session 18 all together"), made
# again from their seeds on any machine, and `sohoa extract` scored on them. Not a test.
#
#   bench/papers/evalsets.sh make [scan|photo|fresh|tune7]  the sets under $EV (default
#                                                     /work/ev); fresh: the tune seeds of
#                                                     sessions 18-19; tune7: session 20's split
#                                                     (its faces: ./bootstrap bench)
#   bench/papers/evalsets.sh scan NAME SPLIT SEED N   one more scan set (N papers a kind)
#   bench/papers/evalsets.sh photo NAME N SEED...     one more photo set (N photos a paper)
#   B=TREE [BIN=sohoa] bench/papers/evalsets.sh run LABEL SET...
#                                                     $EV/out/LABEL-SET.cmp, totals printed
#
# Scans: make_extra.py --no-ocr (single-page papers; no -pN pages, no two-page cc24 cards);
# photos: bench/ocr/mkphoto_indep.py, frames under 3000 px. t5a..t6e, p7001..p7121 are tune
# sets; h120714, h91313, h7790 and p777001 are measuring only: their per-paper lines are left
# out (any set named h*).
# Needs text2image (tesseract-ocr), python3-pil and python3-numpy.
set -eu
R=$(cd "$(dirname "$0")/../.." && pwd)
EV=${EV:-/work/ev}

scan() { # NAME SPLIT SEED N
	d=$EV/$1
	[ -f "$d/list" ] && return
	mkdir -p "$d"
	python3 "$R/bench/papers/make_extra.py" --split "$2" --seed "$3" --count-per-kind "$4" \
		--no-ocr --out "$d/truth" --img "$d/img" > "$d/gen.log" 2>&1
	ln -sfn "$d/img/$2" "$d/imgdir"
	# shellcheck disable=SC2012
	(cd "$d/imgdir" && ls ./*.tif | sed 's|^\./||' | grep -v -- '-p[0-9]' | grep -v cc24) > "$d/list"
	echo "$1: $(wc -l < "$d/list") papers"
}

photo() { # NAME N SEED...
	name=$1; d=$EV/$1; n=$2; shift 2
	[ -f "$d/list" ] && return
	mkdir -p "$d"
	for s in "$@"; do
		/usr/bin/python3 "$R/bench/ocr/mkphoto_indep.py" "$s" "$d" "$n" >> "$d/gen.log" 2>&1
	done
	ln -sfn "$d/photos" "$d/imgdir"
	awk -F'\t' '{ split($2, a, "x"); if (a[1] < 3000 && a[2] < 3000) print $1 ".jpg" }' \
		"$d/made.tsv" > "$d/list"
	echo "$name: $(wc -l < "$d/list") photos"
}

run() { # LABEL SET
	d=$EV/$2; o=$EV/out
	bin=${BIN:-$B/build/tools/sohoa}
	mkdir -p "$o"
	# shellcheck disable=SC2046
	(cd "$d/imgdir" && SOHOA_KINDS="$B/paper/kinds.json" OMP_THREAD_LIMIT=1 "$bin" extract \
		--json --workers 2 $(cat "$d/list") > "$o/$1-$2.jsonl" 2> "$o/$1-$2.err") || true
	case $2 in
	h*|p777001) python3 "$B/bench/papers/compare.py" -v "$o/$1-$2.jsonl" "$d/truth" |
		grep -v -E '(: want |: edge glyph .* in |: not on paper, got|, CHANGED to |handwritten, WRONG value)' \
		> "$o/$1-$2.cmp" ;;
	*) python3 "$B/bench/papers/compare.py" -v "$o/$1-$2.jsonl" "$d/truth" > "$o/$1-$2.cmp" ;;
	esac
	grep -E "all facts|owner_id|doc_type|names changed|edge glyph in" "$o/$1-$2.cmp" | sed "s/^/$2: /"
}

case ${1:-} in
make)
	if [ "${2:-scan}" = fresh ]; then
		scan n5517 tune5 5517 3 & scan n6610 tune6 6610 3 & wait
		scan n6611 tune6 6611 3 & scan ids10-s6612 tune6 6612 3 & wait
		scan ids10-s5519 tune5 5519 3 & scan ids10-s3036 tune3 3036 3 & wait
		scan facts10-s6613 tune6 6613 3 & scan facts10-s6614 tune6 6614 3 & wait
		scan facts10-s4406 tune4 4406 2 & photo n7124 2 7124 & wait
		photo photos11-p7125 2 7125 & photo photos11-p7126 2 7126 & wait
		scan n5522 tune5 5522 3 & scan n6615 tune6 6615 3 & wait
		photo n7127 2 7127
	elif [ "${2:-scan}" = tune7 ]; then
		# t7a, t7b to tune on; h7790 (seed 7790, 4 a kind) measuring only
		scan t7a tune7 7701 3 & scan t7b tune7 7702 3 & wait
		scan h7790 tune7 7790 4
	elif [ "${2:-scan}" = scan ]; then
		scan t5a tune5 5512 5 & scan t5b tune5 5513 5 & wait
		scan t5c tune5 5514 2 & scan t3 tune3 3033 4 & wait
		scan t4 tune4 4404 2 & scan t6a tune6 6601 3 & wait
		scan t6b tune6 6602 3 & scan t6c tune6 6603 3 & wait
		scan t6d tune6 6604 3 & scan t6e tune6 6605 3 & wait
		scan h120714 heldout 120714 3 & scan h91313 heldout 91313 3 & wait
	else
		photo p7001 1 7001 7002 7003 7004 & photo p7006 4 7006 & wait
		photo p7116 2 7116 & photo p7120 2 7120 & wait
		photo p7121 2 7121 & photo p777001 1 777001 & wait
	fi ;;
scan|photo)
	k=$1; shift; "$k" "$@" ;;
run)
	: "${B:?B=the source tree whose build/tools/sohoa to run}"
	label=${2:?usage: evalsets.sh run LABEL SET...}; shift 2
	for s in "$@"; do run "$label" "$s"; done ;;
*)
	echo "usage: evalsets.sh make [scan|photo|fresh|tune7] | scan NAME SPLIT SEED N | photo NAME N SEED... | B=TREE evalsets.sh run LABEL SET..." >&2; exit 2 ;;
esac
