#!/bin/sh
# Warehouse scale benchmark (docs/WAREHOUSE.md "Scale").
#   bench/warehouse/run.sh BUILD_DIR [PAPERS [OWNERS]]   default 1 000 000 papers, PAPERS/5 owners
# Builds wh_bench from BUILD_DIR's static libraries when CMake has not.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [PAPERS [OWNERS]]}
papers=${2:-1000000}
owners=${3:-$((papers / 5))}
bench="$build/bench/warehouse/wh_bench"
if [ ! -x "$bench" ]; then
  bench="$build/wh_bench"
  cc -std=gnu11 -O2 -D_GNU_SOURCE -DSOHOA_SOURCE_DIR="\"$root\"" -I"$root/common" -I"$root/signing" \
     -I"$root/store" "$here/wh_bench.c" -o "$bench" \
     "$build/store/libsh_store.a" "$build/signing/libsh_sign.a" "$build/common/libsh_common.a" \
     $(pkg-config --libs lmdb jansson libutf8proc libgcrypt) -lpthread -lm
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/wh-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$bench" -d "$dir/store" -p "$papers" -o "$owners"
