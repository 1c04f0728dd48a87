#!/bin/bash
# The warehouse's bulk ingest (sh_wh_dossiers_put) with its page images in
# LMDB and in a real Swift (s3api, loopback), same papers, same run. Not a
# test; prints figures (docs/OBJSTORE.md).
#   bench/objstore/warehouse.sh BUILD_DIR [PAPERS [BATCH]]
set -eu
B=${1:?usage: warehouse.sh BUILD_DIR [PAPERS [BATCH]]}; N=${2:-2000}; BT=${3:-100}
here=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/whs3bench.XXXXXX"); trap 'rm -rf "$W"' EXIT
export TMPDIR="$W"
bash "$here/../../tests/objstore/swift.sh" bash -c '
  set -e
  echo "== blobs in LMDB"
  "'"$B"'/bench/warehouse/wh_bench" -d "'"$W"'/lmdb" -p '"$N"' -b '"$BT"' -q 100 | grep -E "^papers|^ingest"
  echo "== blobs in Swift (s3://whbench/office1)"
  "'"$B"'/bench/warehouse/wh_bench" -d "'"$W"'/s3" -p '"$N"' -b '"$BT"' -q 100 -B s3://whbench/office1 | grep -E "^papers|^ingest"
  echo "== the same warehouse: every blob read back"
  time "'"$B"'/tools/sohoa" check --store "'"$W"'/s3" > /dev/null
  time "'"$B"'/tools/sohoa" check --store "'"$W"'/lmdb" > /dev/null
'
