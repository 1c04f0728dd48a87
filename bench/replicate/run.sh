#!/bin/sh
# Replication benchmark (docs/REPLICATION.md "Measured"): 3 offices and 1
# province on loopback, each a real `sohoa serve` with its own warehouse.
#   bench/replicate/run.sh BUILD_DIR [DOSSIERS [LAG_DOSSIERS [RATE]]]
# 1. lag: `sohoa replicate --interval 1` runs for each office while desks
#    store LAG_DOSSIERS (default 1500) signed dossiers across the offices at
#    RATE dossiers/s per office (default 10); repl_gen watch reports the lag
#    from each office's commit to the province's warehouse holding it.
# 2. throughput: DOSSIERS (default 10 000) more are stored across the offices
#    with the replicas stopped (the offices' own ingest rate, one signed
#    write transaction per dossier, the three at once), then the three
#    replicas catch up at once (`replicate --once`): entries replayed per
#    second against the offices' ingest rate, in the same run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR [DOSSIERS [LAG_DOSSIERS [RATE]]]}" && pwd)
N=${2:-10000}
LAGN=${3:-1500}
RATE=${4:-10}
SOHOA=$build/tools/sohoa
GEN=$build/bench/replicate/repl_gen
[ -x "$SOHOA" ] && [ -x "$GEN" ] || { echo "build sohoa and repl_gen first" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/repl-bench.XXXXXX")
PIDS=
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for p in $PIDS; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
export TZ=Asia/Ho_Chi_Minh LC_ALL=C.UTF-8 SOHOA_PASSPHRASE_FILE="$T/pass" XDG_CONFIG_HOME="$T/cfg"
unset SOHOA_USER SOHOA_SERVER SOHOA_STATION_TOKEN
printf 'mật khẩu thử nghiệm\n' > "$T/pass"
now() { date +%s.%N; }

wh() { # NAME AGENCY: a warehouse with its own key
  SOHOA_STORE="$T/$1" SOHOA_KEY="$T/$1.key" "$SOHOA" init --agency "$2" >/dev/null
  SOHOA_STORE="$T/$1" SOHOA_KEY="$T/$1.key" "$SOHOA" keys new --signer "Bench $1" --title "Công chức" >/dev/null
}
serve() { # NAME: its URL in $T/NAME.url
  SOHOA_STORE="$T/$1" SOHOA_KEY="$T/$1.key" "$SOHOA" serve --listen 127.0.0.1:0 >"$T/$1.serve" 2>&1 &
  PIDS="$PIDS $!"
  i=0
  until grep -q "listening on" "$T/$1.serve" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "$1: serve did not start" >&2; cat "$T/$1.serve" >&2; exit 1; }
    sleep 0.1
  done
  sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$T/$1.serve" > "$T/$1.url"
}
P() { SOHOA_STORE="$T/province" SOHOA_KEY="$T/province.key" "$SOHOA" "$@"; }

wh province 000.00.80.B80
for k in 1 2 3; do
  wh o$k 000.00.8$k.B8$k
  SOHOA_STORE="$T/o$k" "$SOHOA" station add province --replicate --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' > "$T/o$k.token"
  kid=$(SOHOA_STORE="$T/o$k" "$SOHOA" keys list | grep -o '[0-9a-f]\{64\}' | head -1)
  SOHOA_STORE="$T/o$k" "$SOHOA" keys export "$kid" "$T/o$k.pub" >/dev/null
  P office add 000.00.8$k.B8$k --key "$T/o$k.pub" >/dev/null
  serve o$k
done
serve province
echo "3 offices + 1 province, each a sohoa serve on loopback; $(nproc) cores"

# 1. lag at a steady rate
per=$((LAGN / 3))
REPS=
for k in 1 2 3; do
  SOHOA_STORE="$T/province" SOHOA_KEY="$T/province.key" "$SOHOA" replicate \
    --from "$(cat "$T/o$k.url")" --token-file "$T/o$k.token" --interval 1 >"$T/rep$k.out" 2>&1 &
  REPS="$REPS $!"
done
PIDS="$PIDS $REPS"
"$GEN" watch -d "$T/province" -n $((per * 3)) "$T/lag1" "$T/lag2" "$T/lag3" > "$T/lag.out" &
WATCH=$!
ING=
for k in 1 2 3; do
  "$GEN" ingest -d "$T/o$k" -k "$T/o$k.key" -p "$T/pass" -n $per -s $((k * 1000000)) \
    -r "$RATE" -l "$T/lag$k" > "$T/lagin$k.out" &
  ING="$ING $!"
done
wait $ING
wait $WATCH
echo "lag: $((per * 3)) dossiers at $RATE dossiers/s per office, replicate --interval 1:"
sed 's/^/  /' "$T/lag.out"
for p in $REPS; do kill "$p"; wait "$p" 2>/dev/null || true; done

# 2. the offices' own ingest rate, then the replay
per=$((N / 3))
t0=$(now)
ING=
for k in 1 2 3; do
  "$GEN" ingest -d "$T/o$k" -k "$T/o$k.key" -p "$T/pass" -n $per -s $((k * 1000000 + 500000)) \
    > "$T/in$k.out" &
  ING="$ING $!"
done
wait $ING
t1=$(now)
sed 's/^/  /' "$T/in1.out" "$T/in2.out" "$T/in3.out"
before=$(P office list --json | python3 -c 'import json,sys; print(sum(o["size"] for o in json.load(sys.stdin)["offices"]))')
t2=$(now)
CU=
for k in 1 2 3; do
  SOHOA_STORE="$T/province" SOHOA_KEY="$T/province.key" "$SOHOA" replicate \
    --from "$(cat "$T/o$k.url")" --token-file "$T/o$k.token" --once --json --limit 1000 \
    > "$T/cu$k.out" &
  CU="$CU $!"
done
wait $CU
t3=$(now)
after=$(P office list --json | python3 -c 'import json,sys; print(sum(o["size"] for o in json.load(sys.stdin)["offices"]))')
# rates from the work itself (each process's own clock, after loading its
# key), the three at once: entries over the slowest one's time
python3 - "$t0" "$t1" "$t2" "$t3" "$((after - before))" "$T" <<'PY'
import json, re, sys
t0, t1, t2, t3 = map(float, sys.argv[1:5]); e, T = int(sys.argv[5]), sys.argv[6]
ins = [re.search(r"(\d+) dossiers in ([0-9.]+) s", open("%s/in%d.out" % (T, k)).read()) for k in (1, 2, 3)]
n = sum(int(m.group(1)) for m in ins); ti = max(float(m.group(2)) for m in ins)
cus = [json.load(open("%s/cu%d.out" % (T, k))) for k in (1, 2, 3)]
ne = sum(c["entries"] for c in cus); tr = max(c["seconds"] for c in cus)
print("offices' own ingest: %d signed dossiers (= %d log entries) in %.1f s: %.0f entries/s "
      "(3 offices at once; %.1f s wall with key loading)" % (n, n, ti, n / ti, t1 - t0))
print("province replay:     %d entries in %.1f s: %.0f entries/s (3 replicas at once; %.1f s wall) "
      "= %.2f x the offices' ingest rate" % (ne, tr, ne / tr, t3 - t2, (ne / tr) / (n / ti)))
if ne != e or ne != n:
    print("  (!) %d entries replayed, %d counted by office list, %d ingested" % (ne, e, n))
PY
t4=$(now)
P verify --all | tail -1
echo "verify --all on the province: $(python3 -c "print('%.1f s' % ($(now) - $t4))")"
