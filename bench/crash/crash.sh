#!/bin/bash
# Crash-safety harness: run storing commands over and over and kill each with
# SIGKILL after a random delay. The commands, chosen at random:
#   ingest  1-3 small papers (half the iterations);
#   attach  an earlier paper of the same owner to a dossier (a quarter);
#   revoke  a paper (a quarter).
# After every kill:
#   - `sohoa check` must pass (it also checks attach/attached both ways);
#   - every dossier whose "dossier CODE stored" line was printed must be in
#     the warehouse, whole (`sohoa show --json` lists all its papers);
#   - every dossier in the warehouse (printed or not) must be whole: no
#     partial dossier is ever visible;
#   - every "attached P to D" printed must be there (`show --json D` lists P
#     as reused), every "revoked P" printed too (`sohoa validity P`);
#   - nothing half-done: for every paper of the owners (`owner --json`), the
#     signed log holds exactly its manifest, one `reuse` event per dossier it
#     is attached to and one `revocation` event if it is revoked
#     (log_entries = 1 + reused + revoked): an attach without its event (or
#     the event without the attach), a revocation without its event.
# Prints the counts per command; exit status 1 if anything was lost, partial,
# half-done or damaged, or a command failed other than by a refusal.
#
# usage: crash.sh [-n ITERATIONS] [-s SEED] [-k]   (-k: keep the work folder)
# environment: SOHOA (the sohoa binary), DATA (tests/data), TMPDIR.
# The benchmark is 1000 iterations (the default); CTest runs crash.short
# with -n 30.
set -u
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
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
command -v python3 >/dev/null || { echo "crash.sh: needs python3" >&2; exit 2; }
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

# per command: runs, killed, completed (printed success), refused (exit 3),
# failed (anything else)
declare -A runs killed completed refused failed
for c in ingest attach revoke; do runs[$c]=0 killed[$c]=0 completed[$c]=0 refused[$c]=0 failed[$c]=0; done
printed=0 unprinted=0 lost=0 partial=0 halfdone=0 checkfail=0
: > "$W/printed"   # CODE NPAPERS, for every "stored" line seen
: > "$W/known"     # every dossier code already verified whole
: > "$W/dossiers"  # CODE OWNER of every printed dossier
: > "$W/papers"    # CODE OWNER DOSSIER of every paper of a printed dossier
: > "$W/attached"  # PAPER DOSSIER for every "attached" line seen
: > "$W/revoked"   # PAPER for every "revoked" line seen

# One dossier whole? show --json lists every paper with its pages.
whole() { # CODE [NPAPERS]
  "$SOHOA" show --json "$1" > "$W/show" 2>"$W/show.err" || return 1
  # papers that have their pages (the JSON is parsed: its layout may change)
  n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for p in d.get('papers', []) if p.get('pages')))" "$W/show") || return 1
  [ -z "${2:-}" ] || [ "$n" = "$2" ] || return 1
  [ "$n" -ge 1 ]
}
# The dossier and paper codes of an ingest's output, into the lists.
record_ingest() { # OWNER OUTFILE
  local d
  d=$(awk '/^dossier .* stored$/{print $2}' "$2")
  [ -n "$d" ] || return 0
  echo "$d $1" >> "$W/dossiers"
  awk -v o="$1" -v d="$d" '$1 ~ "^" d "-[0-9]+-" {print $1, o, d}' "$2" >> "$W/papers"
}
attached_there() { # PAPER DOSSIER
  "$SOHOA" show --json "$2" 2>/dev/null |
    python3 -c "import json,sys; sys.exit(0 if '$1' in json.load(sys.stdin).get('reused', []) else 1)"
}
revoked_there() { # PAPER
  "$SOHOA" validity "$1" 2>/dev/null | grep -q "  revoked "
}
# Nothing half-done: log entries of every paper of every owner.
whole_events() { # ITERATION
  local o bad
  for o in "${OWNERS[@]}"; do
    "$SOHOA" owner --json "$o" > "$W/owner" 2>"$W/owner.err" ||
      { grep -q "no papers" "$W/owner.err" && continue; echo "iteration $1: owner $o: $(cat "$W/owner.err")" >&2; halfdone=$((halfdone + 1)); continue; }
    bad=$(python3 -c "
import json
for p in json.load(open('$W/owner'))['papers']:
    want = 1 + p['reused'] + (p['status'] == 'revoked')
    if p['log_entries'] != want:
        print('%s: %d log entries, %d reused, %s' % (p['code'], p['log_entries'], p['reused'], p['status']))")
    if [ -n "$bad" ]; then
      halfdone=$((halfdone + 1)); echo "iteration $1: half-done (owner $o): $bad" >&2
    fi
  done
}
# Pick an attach: a dossier and a paper of the same owner from another
# dossier (it may be attached already or revoked: then it is refused).
pick_attach() {
  python3 - "$W/dossiers" "$W/papers" "$RANDOM" <<'EOF'
import random, sys
ds = [l.split() for l in open(sys.argv[1]) if l.strip()]
ps = [l.split() for l in open(sys.argv[2]) if l.strip()]
random.seed(int(sys.argv[3]))
random.shuffle(ds)
for d, o in ds:
    c = [p for p in ps if p[1] == o and p[2] != d]
    if c:
        print(d, random.choice(c)[0])
        break
EOF
}
# Sleep MS milliseconds.
msleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Kill delay for a command that takes T ms: a third anywhere in the run, the
# rest late in it, around the commit (0.6 to 1.4 of T).
delay() { # T
  if ((RANDOM % 3 == 0)); then echo $((RANDOM % ($1 + 1)))
  else echo $(($1 * 6 / 10 + RANDOM % ($1 * 8 / 10 + 1))); fi
}
# Run sohoa ARGS... in the background, kill it after DELAY_MS; $st is its
# exit status. The command's kill window follows what it takes here and now:
# a little longer after each kill, the time it took after each run that
# succeeded (scaled by SCALE_N/SCALE_D to the whole set of papers for ingest).
declare -A window
SCALE_N=1 SCALE_D=1
run_killed() { # NAME DELAY_MS ARGS...
  local name=$1 d=$2 t0; shift 2
  t0=$(now_ms)
  "$SOHOA" "$@" > "$W/out" 2> "$W/err" &
  local pid=$!
  msleep "$d"
  kill -9 $pid 2>/dev/null
  { wait $pid; } 2>/dev/null
  st=$?
  runs[$name]=$((runs[$name] + 1))
  if [ $st = 137 ]; then window[$name]=$((window[$name] * 21 / 20))
  elif [ $st = 0 ]; then # it ended when it last wrote its output (the success line)
    local took=$(($(stat -c %.3Y "$W/out" | tr -d .) - t0))
    window[$name]=$(((window[$name] + took * SCALE_N / SCALE_D) / 2))
  fi
  if [ $st = 137 ]; then killed[$name]=$((killed[$name] + 1))
  elif [ $st = 0 ]; then completed[$name]=$((completed[$name] + 1))
  elif [ $st = 3 ] && [ "$name" != ingest ]; then refused[$name]=$((refused[$name] + 1))
  else failed[$name]=$((failed[$name] + 1)); echo "iteration $i: $name failed ($st): $(head -c 300 "$W/err")" >&2; fi
}

# Calibrate: how long do one ingest of the largest set, one attach and one
# revoke take here?
start=$(now_ms)
"$SOHOA" ingest --workers 1 --owner 001184362297 --procedure 1.001193 "${PAPERS[@]}" > "$W/out" 2>&1 ||
  { echo "crash.sh: calibration ingest failed: $(cat "$W/out")" >&2; exit 2; }
T=$(($(now_ms) - start))
code=$(awk '/^dossier .* stored$/{print $2}' "$W/out")
echo "$code ${#PAPERS[@]}" >> "$W/printed"; printed=$((printed + 1))
record_ingest 001184362297 "$W/out"
"$SOHOA" ingest --workers 1 --owner 001184362297 --procedure 1.001193 "${PAPERS[0]}" > "$W/out" 2>&1 ||
  { echo "crash.sh: calibration ingest failed: $(cat "$W/out")" >&2; exit 2; }
echo "$(awk '/^dossier .* stored$/{print $2}' "$W/out") 1" >> "$W/printed"; printed=$((printed + 1))
record_ingest 001184362297 "$W/out"
read -r ad ap < <(pick_attach)
start=$(now_ms)
"$SOHOA" attach "$ad" "$ap" > "$W/out" 2>&1 || { echo "crash.sh: calibration attach failed: $(cat "$W/out")" >&2; exit 2; }
TA=$(($(now_ms) - start))
echo "$ap $ad" >> "$W/attached"
start=$(now_ms)
"$SOHOA" revoke "$ap" --reason "calibration" > "$W/out" 2>&1 || { echo "crash.sh: calibration revoke failed: $(cat "$W/out")" >&2; exit 2; }
TR=$(($(now_ms) - start))
echo "$ap" >> "$W/revoked"
window[ingest]=$T window[attach]=$TA window[revoke]=$TR
whole_events 0
[ $halfdone = 0 ] || { echo "crash.sh: the log-entry rule does not hold before any kill" >&2; exit 2; }

for ((i = 1; i <= N; i++)); do
  r=$((RANDOM % 4)) cmd=ingest
  if [ $r = 2 ] && read -r ad ap < <(pick_attach) && [ -n "$ap" ]; then cmd=attach
  elif [ $r = 3 ] && [ -s "$W/papers" ]; then cmd=revoke; fi
  code=
  case $cmd in
  ingest)
    np=$((RANDOM % ${#PAPERS[@]} + 1))
    files=()
    for ((k = 0; k < np; k++)); do files+=("${PAPERS[$(((RANDOM + k) % ${#PAPERS[@]}))]}"); done
    owner=${OWNERS[$((RANDOM % 3))]}
    SCALE_N=${#PAPERS[@]} SCALE_D=$np
    run_killed ingest "$(delay $((window[ingest] * np / ${#PAPERS[@]})))" \
      ingest --workers 1 --owner "$owner" --procedure 1.001193 "${files[@]}"
    SCALE_N=1 SCALE_D=1
    code=$(awk '/^dossier .* stored$/{print $2}' "$W/out")
    if [ -n "$code" ]; then
      echo "$code $np" >> "$W/printed"; printed=$((printed + 1))
      record_ingest "$owner" "$W/out"
    fi
    ;;
  attach)
    run_killed attach "$(delay "${window[attach]}")" attach "$ad" "$ap"
    if grep -q "^attached $ap to $ad " "$W/out"; then
      echo "$ap $ad" >> "$W/attached"
      attached_there "$ap" "$ad" || { lost=$((lost + 1)); echo "iteration $i: attach of $ap to $ad printed but not there" >&2; }
    fi
    ;;
  revoke)
    rp=$(awk '{print $1}' "$W/papers" | sed -n "$((RANDOM % $(wc -l < "$W/papers") + 1))p")
    run_killed revoke "$(delay "${window[revoke]}")" revoke "$rp" --reason "crash harness $i"
    if grep -q "^revoked $rp " "$W/out"; then
      echo "$rp" >> "$W/revoked"
      revoked_there "$rp" || { lost=$((lost + 1)); echo "iteration $i: revocation of $rp printed but not there" >&2; }
    fi
    ;;
  esac
  if ! "$SOHOA" check > "$W/check" 2>&1; then
    checkfail=$((checkfail + 1)); echo "iteration $i: check failed: $(head -5 "$W/check")" >&2
  fi
  # every printed dossier present and whole, every printed attach and
  # revocation there (all of them every 50 runs and at the end; the new
  # dossier otherwise)
  if ((i % 50 == 0 || i == N)); then
    while read -r c n; do whole "$c" "$n" || { lost=$((lost + 1)); echo "iteration $i: $c lost or not whole" >&2; }; done < "$W/printed"
    while read -r p d; do attached_there "$p" "$d" || { lost=$((lost + 1)); echo "iteration $i: attach of $p to $d lost" >&2; }; done < "$W/attached"
    while read -r p; do revoked_there "$p" || { lost=$((lost + 1)); echo "iteration $i: revocation of $p lost" >&2; }; done < "$W/revoked"
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
  # attach and revoke are all or nothing: each event with its state
  [ $cmd = ingest ] || whole_events $i
done
total=$(wc -l < "$W/keys")
nfailed=0
for c in ingest attach revoke; do
  echo "crash: $c: runs ${runs[$c]}, killed ${killed[$c]}, completed ${completed[$c]}," \
       "refused ${refused[$c]}, failed ${failed[$c]}"
  nfailed=$((nfailed + failed[$c]))
done
echo "crash: iterations $N; dossiers stored and printed $printed, stored unprinted $unprinted," \
     "dossiers $total; attaches printed $(wc -l < "$W/attached"), revocations printed" \
     "$(wc -l < "$W/revoked"); lost $lost, partial $partial, half-done $halfdone," \
     "check failures $checkfail (kill windows at the end: ingest ${window[ingest]} ms for" \
     "${#PAPERS[@]} papers, attach ${window[attach]} ms, revoke ${window[revoke]} ms)"
[ $lost = 0 ] && [ $partial = 0 ] && [ $halfdone = 0 ] && [ $checkfail = 0 ] && [ $nfailed = 0 ]
