#!/bin/bash
# Crash-safety harness: run `sohoa ingest` of 1-3 small papers over and over
# and kill it with SIGKILL after a random delay. After every kill:
#   - `sohoa check` must pass;
#   - every dossier whose "dossier CODE stored" line was printed must be in
#     the warehouse, whole (`sohoa show --json` lists all its papers);
#   - every dossier in the warehouse (printed or not) must be whole: no
#     partial dossier is ever visible.
# Prints the counts; exit status 1 if anything was lost, partial or damaged.
#
# usage: crash.sh [-n ITERATIONS] [-s SEED] [-k]   (-k: keep the work folder)
# environment: SOHOA (the sohoa binary), DATA (tests/data), TMPDIR.
# The benchmark is 1000 iterations (the default); CTest runs crash.short
# with -n 20.
set -u
N=1000
SEED=$$
KEEP=0
while getopts "n:s:k" o; do
  case $o in
    n) N=$OPTARG ;;
    s) SEED=$OPTARG ;;
    k) KEEP=1 ;;
    *) echo "usage: crash.sh [-n ITERATIONS] [-s SEED] [-k]" >&2; exit 2 ;;
  esac
done
HERE=$(cd "$(dirname "$0")" && pwd)
SOHOA=${SOHOA:-$HERE/../../build/tools/sohoa}
DATA=${DATA:-$HERE/../../tests/data}
command -v mdb_dump >/dev/null || { echo "crash.sh: needs mdb_dump (lmdb-utils)" >&2; exit 2; }
[ -x "$SOHOA" ] || { echo "crash.sh: no sohoa binary at $SOHOA (set SOHOA)" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/sohoa-crash.XXXXXX")
[ $KEEP = 1 ] || trap 'rm -rf "$W"' EXIT
export SOHOA_STORE="$W/store" OMP_THREAD_LIMIT=1 TZ=Asia/Ho_Chi_Minh
export SOHOA_KEY="$W/desk.key" SOHOA_PASSPHRASE_FILE="$W/passphrase"
echo "crash harness passphrase" > "$SOHOA_PASSPHRASE_FILE"
RANDOM=$SEED
PAPERS=("$DATA/papers/dev05-dang-ky-doanh-nghiep-fax200.tif"
        "$DATA/pages/pl2022-f0-p01-fax200.tif"
        "$DATA/papers/dev10-dang-ky-doanh-nghiep-fax200.tif")
for p in "${PAPERS[@]}"; do [ -f "$p" ] || PAPERS=("${PAPERS[@]/$p}"); done
PAPERS=($(printf '%s\n' "${PAPERS[@]}" | grep .))
[ ${#PAPERS[@]} -gt 0 ] || { echo "crash.sh: no sample papers under $DATA" >&2; exit 2; }
OWNERS=(001184362297 033317490435 0820624125)

"$SOHOA" init --agency 000.00.99.Z99 >/dev/null || exit 2
"$SOHOA" keys new --signer "Crash Harness" --title "Test" >/dev/null || exit 2

kills=0 completed=0 printed=0 unprinted=0 lost=0 partial=0 checkfail=0 failed=0
: > "$W/printed"   # CODE NPAPERS, for every "stored" line seen
: > "$W/known"     # every dossier code already verified whole

# One dossier whole? show --json lists every paper with its pages.
whole() { # CODE [NPAPERS]
  "$SOHOA" show --json "$1" > "$W/show" 2>"$W/show.err" || return 1
  n=$(grep -c '"pages": \[' "$W/show")
  [ -z "${2:-}" ] || [ "$n" = "$2" ] || return 1
  [ "$n" -ge 1 ]
}

# Calibrate: how long does one ingest of the largest set take here?
start=$(date +%s%N)
"$SOHOA" ingest --workers 1 --owner 001184362297 --procedure 1.001193 "${PAPERS[@]}" > "$W/out" 2>&1 ||
  { echo "crash.sh: calibration ingest failed: $(cat "$W/out")" >&2; exit 2; }
T=$(( ($(date +%s%N) - start) / 1000000 ))  # ms
code=$(awk '/^dossier .* stored$/{print $2}' "$W/out")
echo "$code ${#PAPERS[@]}" >> "$W/printed"
printed=$((printed + 1))

for ((i = 1; i <= N; i++)); do
  np=$((RANDOM % ${#PAPERS[@]} + 1))
  files=()
  for ((k = 0; k < np; k++)); do files+=("${PAPERS[$(((RANDOM + k) % ${#PAPERS[@]}))]}"); done
  # a third of the kills anywhere in the run, the rest late in it, around
  # the commit (0.6 to 1.4 of the calibrated time)
  t=$((T * np / ${#PAPERS[@]}))
  if ((RANDOM % 3 == 0)); then d=$((RANDOM % (t + 1)))
  else d=$((t * 6 / 10 + RANDOM % (t * 8 / 10 + 1))); fi
  "$SOHOA" ingest --workers 1 --owner "${OWNERS[$((RANDOM % 3))]}" --procedure 1.001193 \
    "${files[@]}" > "$W/out" 2> "$W/err" &
  pid=$!
  sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
  kill -9 $pid 2>/dev/null
  { wait $pid; } 2>/dev/null
  st=$?
  if [ $st = 137 ]; then kills=$((kills + 1)); elif [ $st = 0 ]; then completed=$((completed + 1));
  else failed=$((failed + 1)); echo "iteration $i: ingest failed ($st): $(head -c 300 "$W/err")" >&2; fi
  code=$(awk '/^dossier .* stored$/{print $2}' "$W/out")
  if [ -n "$code" ]; then
    echo "$code $np" >> "$W/printed"; printed=$((printed + 1))
  fi
  if ! "$SOHOA" check > "$W/check" 2>&1; then
    checkfail=$((checkfail + 1)); echo "iteration $i: check failed: $(head -5 "$W/check")" >&2
  fi
  # every printed dossier present and whole (all of them every 50 runs and
  # at the end; the new one otherwise)
  if ((i % 50 == 0 || i == N)); then
    while read -r c n; do whole "$c" "$n" || { lost=$((lost + 1)); echo "iteration $i: $c lost or not whole" >&2; }; done < "$W/printed"
  elif [ -n "$code" ]; then
    whole "$code" "$np" || { lost=$((lost + 1)); echo "iteration $i: $code printed as stored but not whole" >&2; }
  fi
  # every dossier in the warehouse whole, including those killed after the
  # commit but before the line was printed
  mdb_dump -p -s dossier "$SOHOA_STORE" | awk '/^ /{ if (++n % 2 == 1) print substr($0, 2) }' > "$W/keys"
  sort "$W/keys" > "$W/keys.s"; sort "$W/known" > "$W/known.s"
  for c in $(comm -23 "$W/keys.s" "$W/known.s"); do
    if whole "$c"; then echo "$c" >> "$W/known"; else partial=$((partial + 1)); echo "iteration $i: $c in the warehouse but not whole" >&2; fi
    grep -q "^$c " "$W/printed" || unprinted=$((unprinted + 1))
  done
done
total=$(wc -l < "$W/keys")
echo "crash: iterations $N, killed $kills, completed $completed, failed $failed;" \
     "stored and printed $printed, stored unprinted $unprinted, dossiers $total;" \
     "lost $lost, partial $partial, check failures $checkfail (kill window ${T} ms)"
[ $lost = 0 ] && [ $partial = 0 ] && [ $checkfail = 0 ] && [ $failed = 0 ]
