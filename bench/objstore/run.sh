#!/bin/bash
# Blob throughput to a real Swift (s3api) on loopback: sh_obj against boto3
# and against the swift command line (python3-swiftclient, Swift's own API)
# on the same files in the same run, for page sizes and concurrency levels.
# Not a test; prints figures (docs/OBJSTORE.md, docs/SCALE.md).
#   bench/objstore/run.sh BUILD_DIR [FILES [SIZES_KB [THREADS]]]
# Defaults: 120 files of each of 100, 250 and 400 kB (the range of a page
# image: a 300 dpi A4 JPEG to a bilevel or grey TIFF), 1, 4 and 16 client
# threads. LARGE="4 24" adds 4 files of 24 MB (sh_obj multipart above
# 16 MiB) at one thread. The files are random bytes: Swift neither
# compresses nor looks into objects, so a JPEG of the same size costs the
# same; random bytes keep every object distinct.
set -eu
B=$(cd "${1:?usage: run.sh BUILD_DIR [FILES [SIZES_KB [THREADS]]]}" && pwd)
N=${2:-120}; SIZES=${3:-100 250 400}; THREADS=${4:-1 4 16}; LARGE=${LARGE:-}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$B/bench/objstore/obj_bench" ] || { echo "run.sh: build obj_bench first (cmake --build $B --target obj_bench)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/objbench.XXXXXX"); trap 'rm -rf "$W"' EXIT
python3 - "$W" "$N" "$SIZES" "$LARGE" <<'PY'
import os, sys
w, n, sizes, large = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
sets = [("p%s" % kb, n, int(kb) * 1000) for kb in sizes]
if large:
    sets.append(("large", int(large[0]), int(large[1]) * 1000 * 1000))
for sub, count, size in sets:
    os.makedirs(os.path.join(w, sub))
    for i in range(count):
        with open(os.path.join(w, sub, "%05d" % i), "wb") as f:
            f.write(os.urandom(size))
PY
export TMPDIR="$W" B W N SIZES THREADS LARGE here
bash "$here/../../tests/objstore/swift.sh" bash -c '
  set -eu
  export ST_AUTH="$SOHOA_S3_ENDPOINT/auth/v1.0" ST_USER=test:tester ST_KEY=testing
  echo "cores $(nproc); boto3 $(python3 -c "import boto3; print(boto3.__version__)"); $(swift --version 2>&1 | head -1); Swift $(swift-proxy-server --version 2>/dev/null || dpkg-query -W -f="\${Version}" swift-proxy 2>/dev/null)"
  # the swift command line: one process per batch, so its fixed cost
  # (interpreter start, tempauth token, account HEAD) is measured apart
  t0=$(date +%s.%N); swift stat >/dev/null; t1=$(date +%s.%N)
  echo "swift CLI fixed cost (start + auth + HEAD): $(awk "BEGIN { print $t1 - $t0 }") s"
  cli() { # WHAT LABEL FILES BYTES COMMAND...
    local what=$1 label=$2 n=$3 bytes=$4; shift 4
    local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
    awk -v w="$what $label" -v n="$n" -v b="$bytes" -v s="$(awk "BEGIN { print $t1 - $t0 }")" \
      "BEGIN { printf \"%-36s %5d files %8.1f MB %7.2f s %8.1f MB/s %7.1f obj/s\n\", w, n, b/1e6, s, b/1e6/s, n/s }"
  }
  for kb in $SIZES; do
    d="$W/p$kb"; bytes=$(du -sb "$d" | cut -f1)
    for j in $THREADS; do
      echo "== $N x $kb kB, $j thread(s); load average $(cut -d" " -f1-3 /proc/loadavg)"
      "$B/bench/objstore/obj_bench" -j "$j" -l "${kb}k j$j" "$d" "s$kb-$j"
      python3 "$here/boto3_put.py" -j "$j" -l "${kb}k j$j" "$d" "b$kb-$j"
      # swift upload: HEAD then PUT per object (as sh_obj), ETag (MD5) checked
      (cd "$d" && cli "swift upload" "${kb}k j$j" "$N" "$bytes" \
         swift upload --object-threads "$j" "cli$kb-$j" $(ls))
      # swift download: GET, MD5 checked, written to a local file
      cli "swift download (+ MD5)" "${kb}k j$j" "$N" "$bytes" \
         swift download --object-threads "$j" -D "$W/dl$kb-$j" "cli$kb-$j"
      rm -rf "$W/dl$kb-$j"
    done
  done
  if [ -n "$LARGE" ]; then
    echo "== large: $LARGE (count, MB); sh_obj multipart above 16 MiB; load average $(cut -d" " -f1-3 /proc/loadavg)"
    "$B/bench/objstore/obj_bench" -l large "$W/large" l1
    python3 "$here/boto3_put.py" -l large "$W/large" l2
  fi
  echo "load average at the end $(cut -d" " -f1-3 /proc/loadavg)"
'
