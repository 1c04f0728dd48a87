#!/bin/sh
# Office server benchmark (docs/SERVER.md "Benchmark"): not a test.
#   bench/server/run.sh BUILD_DIR [PAPERS [CLIENTS [REQUESTS]]]
# default 1 000 000 papers, 200 clients, 50 requests each (at least: the
# clients keep going until the upload stream is done).
#  1. fills a warehouse of PAPERS synthetic papers, PAPERS/5 owners, through
#     the bulk path (bench/warehouse/wh_bench, sh_wh_dossiers_put);
#  2. adds an admin, a clerk, a desk account and a signing key; starts
#     `sohoa serve` on 127.0.0.1 with $THREADS (default 16) worker threads:
#     an audited read's answer is held on its suspended connection until its
#     audit entry is durable, so a thread is not held by the commit;
#  3. a desk uploads 20 dossiers one after the other with
#     `sohoa ingest --server` (OCR-bound) while CLIENTS clients
#     (bench/server/srv_load, libcurl multi, keep-alive) send reuse lookups
#     and searches (limit 10) as the clerk, every hit audited;
#     then the same mix with no upload: CLIENTS and 20 clients as fast as
#     they get answers (a closed loop), then CLIENTS clients paced at $RATE
#     (default 2) requests a second each (srv_load -r);
#  4. the same lookups by the local command line (`sohoa reuse`,
#     `sohoa search`, one process each) in the same run;
#  5. the server's resident memory at rest, at its peak under load, after.
# Environment: KEEP=DIR (reuse a filled warehouse), FILL_ONLY=1, THREADS (16),
# UPLOADS=0 (skip step 3's upload phase), RATES="2 10 25" (paced runs, default 2),
# COLD=1 (do not read the warehouse into the page cache before the runs),
# UPLOAD_RATE=R (clients paced at R a second each during the uploads).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR [PAPERS [CLIENTS [REQUESTS]]]}" && pwd)
papers=${2:-1000000}
clients=${3:-200}
per=${4:-50}
owners=$((papers / 5))
sohoa=$build/tools/sohoa
load=$build/bench/server/srv_load
fill=$build/bench/warehouse/wh_bench
for b in "$sohoa" "$load" "$fill"; do
  [ -x "$b" ] || { echo "run.sh: build $b first (cmake --build $1)" >&2; exit 2; }
done
# KEEP=DIR: work in DIR and keep it; a warehouse filled there before (same
# PAPERS) is used again instead of filling a new one
if [ -n "${KEEP:-}" ]; then dir=$KEEP; mkdir -p "$dir"; else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/srv-bench.XXXXXX"); fi
spid=""
cleanup() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -f "$dir/uploads.done" "$dir/load.done" "$dir/upload.err"

if [ -e "$dir/store/data.mdb" ] && [ -e "$dir/filled-$papers" ]; then
  echo "== the warehouse of $papers papers filled before in $dir"
else
  rm -rf "$dir/store" "$dir/cfg" "$dir/desk" "$dir"/filled-*
  echo "== fill: $papers papers, $owners owners (bulk path)"
  t=$(date +%s)
  "$fill" -d "$dir/store" -p "$papers" -o "$owners" -q 200 | sed 's/^/   /'
  echo "   ($(($(date +%s) - t)) s)"
fi

export SOHOA_STORE="$dir/store" XDG_CONFIG_HOME="$dir/cfg" SOHOA_KEY="$dir/keys/office.key" \
       SOHOA_PASSPHRASE_FILE="$dir/pass" TZ=Asia/Ho_Chi_Minh LC_ALL=C.UTF-8
unset SOHOA_SERVER SOHOA_STATION_TOKEN
echo "khóa của văn phòng" > "$dir/pass"
echo "mật khẩu thử 1" > "$dir/pw"
if [ ! -e "$dir/filled-$papers" ]; then
  "$sohoa" user add admin1 --role admin --password-file "$dir/pw" >/dev/null
  SOHOA_USER=admin1 "$sohoa" user add clerk1 --role clerk --password-file "$dir/pw" >/dev/null
  SOHOA_USER=admin1 "$sohoa" user add desk1 --role desk --password-file "$dir/pw" >/dev/null
  SOHOA_USER=admin1 "$sohoa" keys new --signer "Nguyễn Thị Bình" --title "Công chức" >/dev/null
  touch "$dir/filled-$papers"
fi
# FILL_ONLY=1 (with KEEP): fill the warehouse and add the accounts, nothing more
[ -n "${FILL_ONLY:-}" ] && { echo "== filled in $dir"; exit 0; }

# an office server that has run for a day has its warehouse in the page cache:
# read it once so that the first lookups do not measure the disk (COLD=1: skip)
[ -n "${COLD:-}" ] || cat "$dir/store/data.mdb" >/dev/null
rm -f "$dir/serve.out" "$dir/serve.err"  # a kept run's old file would be read before the new one is opened
"$sohoa" serve --listen 127.0.0.1:0 --threads "${THREADS:-16}" --max-connections 1024 --per-ip 1024 \
  >"$dir/serve.out" 2>"$dir/serve.err" &
spid=$!
while ! grep -q listening "$dir/serve.out" 2>/dev/null; do
  kill -0 "$spid" 2>/dev/null || { cat "$dir/serve.err" >&2; exit 1; }
  sleep 0.2
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$dir/serve.out")
rss() { awk '/^VmRSS/ {print $2}' "/proc/$spid/status"; }
# anonymous memory (heap, stacks) apart from the warehouse's mapped pages
mem() { awk '/^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {printf "%d kB anonymous + %d kB of mapped warehouse pages", a, f}' "/proc/$spid/status"; }
# CPU seconds the server has used
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$spid/stat"; }
echo "== server $url (pid $spid), warehouse $(du -sh "$dir/store" | cut -f1)"
echo "   resident at rest: $(mem)"
# what one durable commit costs on this disk (LMDB syncs twice per commit)
python3 - "$dir/store" <<'PY' | sed 's/^/   /'
import os, sys, time
p = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(p, os.O_WRONLY | os.O_CREAT)
lat = []
for i in range(200):
    os.pwrite(fd, b"x" * 4096, (i % 16) * 4096)
    t = time.perf_counter()
    os.fdatasync(fd)
    lat.append(time.perf_counter() - t)
os.close(fd)
os.unlink(p)
lat.sort()
print("disk: fdatasync of 4 KiB p50 %.2f ms, p99 %.2f ms" % (lat[100] * 1e3, lat[197] * 1e3))
PY

# UPLOADS=0: skip the phase with uploads (reads only; a quick run on a kept warehouse)
if [ "${UPLOADS:-1}" != 0 ]; then
# the upload stream: 20 dossiers by the desk, one after the other (a desk PC:
# no warehouse of its own)
SOHOA_STORE="$dir/none" XDG_CONFIG_HOME="$dir/desk" "$sohoa" login --server "$url" desk1 --password-file "$dir/pw" >/dev/null
img="$root/tests/data/papers/dev03-giay-khai-sinh-office200.jpg"
(
  i=0 ok=0
  t=$(date +%s)
  while [ $i -lt 20 ]; do
    i=$((i + 1))
    if SOHOA_STORE="$dir/none" XDG_CONFIG_HOME="$dir/desk" "$sohoa" ingest --server "$url" --owner 001184362297 \
         --procedure 1.001193 "$img" >/dev/null 2>>"$dir/upload.err"; then ok=$((ok + 1)); fi
  done
  echo "   uploads: $ok of 20 dossiers stored in $(($(date +%s) - t)) s" >"$dir/uploads.txt"
  touch "$dir/uploads.done"
) &
upid=$!
# peak memory while the load runs
( peak=0; while [ ! -e "$dir/load.done" ]; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r &&
  mem >"$dir/peak"; sleep 0.2; done ) &
mpid=$!

echo "== $clients clients x >= $per requests (reuse and search in turn${UPLOAD_RATE:+, paced at $UPLOAD_RATE a second each}) during the uploads; load average $(cut -d' ' -f1-3 /proc/loadavg)"
# UPLOAD_RATE=R: the clients are paced at R requests a second each during the
# uploads (default: a closed loop)
"$load" -u "$url" -U clerk1 -P "$dir/pw" -c "$clients" -n "$per" -o "$owners" \
  ${UPLOAD_RATE:+-r "$UPLOAD_RATE"} -w "$dir/uploads.done" | sed 's/^/   /' || echo "   (errors above)"
touch "$dir/load.done"
wait "$upid" || true
wait "$mpid" || true
cat "$dir/uploads.txt"
[ -s "$dir/upload.err" ] && sed 's/^/   upload error: /' "$dir/upload.err"
echo "   resident at the peak under load: $(cat "$dir/peak")"
echo "   after: $(mem)"

fi

for c in "$clients" 20; do
  echo "== $c clients after the uploads (reads only)"
  c0=$(cpu)
  "$load" -u "$url" -U clerk1 -P "$dir/pw" -c "$c" -n "$per" -o "$owners" | tee "$dir/reads.txt" | sed 's/^/   /' || true
  n=$(sed -n 's/^[0-9]* clients, \([0-9]*\) requests.*/\1/p' "$dir/reads.txt")
  echo "   server CPU: $(awk -v a="$c0" -v b="$(cpu)" -v n="$n" 'BEGIN {printf "%.3f ms per request", (b - a) * 1000 / n}'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
# RATES="2 10 25": paced runs at each rate (requests a second per client): the
# highest offered load whose p99 stays within the target is the capacity that
# matters to clerks clicking (a closed loop measures throughput, not latency)
for rate in ${RATES:-${RATE:-2}}; do
echo "== $clients clients paced at $rate requests a second each (reads only; latency from when due)"
c0=$(cpu)
"$load" -u "$url" -U clerk1 -P "$dir/pw" -c "$clients" -n "$per" -o "$owners" -r "$rate" | tee "$dir/reads.txt" | sed 's/^/   /' || true
n=$(sed -n 's/^[0-9]* clients, \([0-9]*\) requests.*/\1/p' "$dir/reads.txt")
echo "   server CPU: $(awk -v a="$c0" -v b="$(cpu)" -v n="$n" 'BEGIN {printf "%.3f ms per request", (b - a) * 1000 / n}'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "   resident: $(mem); load average of the machine: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

echo "== the same lookups by the local command line (one process per lookup)"
SOHOA_USER=clerk1 "$load" -L "$sohoa" -n 200 -o "$owners" | sed 's/^/   /'
audits=$(SOHOA_USER=admin1 "$sohoa" audit 2>/dev/null | wc -l || true)
echo "   audit entries written: $audits"
