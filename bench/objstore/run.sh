#!/bin/bash
# Blob throughput to a real Swift (s3api) on loopback: sh_obj against boto3
# on the same files in the same run. Not a test; prints figures.
#   bench/objstore/run.sh BUILD_DIR [SMALL_FILES [SMALL_KB [LARGE_FILES [LARGE_MB]]]]
# Defaults: 300 page-sized files of 150 KB, 4 files of 24 MB (multipart, 8 MB parts).
set -eu
B=${1:?usage: run.sh BUILD_DIR [N KB [NL MB]]}; NS=${2:-300}; KS=${3:-150}; NL=${4:-4}; ML=${5:-24}
here=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/objbench.XXXXXX"); trap 'rm -rf "$W"' EXIT
python3 - "$W" "$NS" "$KS" "$NL" "$ML" <<'PY'
import os, sys
w, ns, ks, nl, ml = sys.argv[1], *map(int, sys.argv[2:])
for sub, n, size in (("small", ns, ks * 1000), ("large", nl, ml * 1000 * 1000)):
    os.makedirs(os.path.join(w, sub))
    for i in range(n):
        with open(os.path.join(w, sub, "%05d" % i), "wb") as f:
            f.write(os.urandom(size))
PY
export TMPDIR="$W"
bash "$here/../../tests/objstore/swift.sh" bash -c '
  set -e
  echo "== small: '"$NS"' x '"$KS"' KB"
  "'"$B"'/bench/objstore/obj_bench" "'"$W"'/small" s1
  python3 "'"$here"'/boto3_put.py" "'"$W"'/small" s2
  echo "== large: '"$NL"' x '"$ML"' MB (sh_obj: multipart above 16 MiB)"
  "'"$B"'/bench/objstore/obj_bench" "'"$W"'/large" l1
  python3 "'"$here"'/boto3_put.py" "'"$W"'/large" l2
'
