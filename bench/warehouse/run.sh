#!/bin/sh
# Warehouse scale benchmark (docs/WAREHOUSE.md "Scale").
#   bench/warehouse/run.sh BUILD_DIR [PAPERS [OWNERS [wh_bench options...]]]
# default 1 000 000 papers, PAPERS/5 owners, and the same papers in SQLite + FTS5
# for comparison (-S) when wh_bench was built with libsqlite3-dev. E.g. the
# 10-million run: run.sh build 10000000 2000000 -b 5000
# Builds wh_bench from BUILD_DIR's static libraries when CMake has not.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [PAPERS [OWNERS [options]]]}
papers=${2:-1000000}
owners=${3:-$((papers / 5))}
shift $(($# < 3 ? $# : 3))
bench="$build/bench/warehouse/wh_bench"
if [ ! -x "$bench" ]; then
  bench="$build/wh_bench"
  cc -std=gnu11 -O2 -D_GNU_SOURCE -DWH_SQLITE=1 -I"$root/common" -I"$root/signing" \
     -I"$root/store" "$here/wh_bench.c" "$here/wh_sqlite.c" -o "$bench" \
     "$build/store/libsh_store.a" "$build/signing/libsh_sign.a" "$build/common/libsh_common.a" \
     $(pkg-config --libs lmdb jansson libutf8proc libgcrypt sqlite3) -lpthread -lm
fi
opts="$*"
if [ $# -eq 0 ]; then
  opts=-S
  "$bench" -h 2>&1 | grep -q -- '-S' || opts=""
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/wh-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# shellcheck disable=SC2086
"$bench" -d "$dir/store" -p "$papers" -o "$owners" $opts
