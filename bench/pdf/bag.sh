#!/bin/sh
# BagIt round trip of PAPERS papers between two warehouses (not a test;
# prints figures): bench/pdf/bag.sh [BUILD_DIR] [PAPERS]. The bag checks are
# timed against tests/pdf/bagcheck.py (the checks of bagit-python's
# validate(), which Debian does not package) on the same bag, same run.
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-1000}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/sohoa-bagbench.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$B/bench/pdf/bag_bench" "$T" "$N"
echo "bag: $(find "$T/bag/data" -type f | wc -l) payload files, $(du -sb "$T/bag" | cut -f1) bytes"
/usr/bin/time -f "bagcheck.py (the same checks in Python): %e s wall, %U s user" \
  python3 "$SRC/tests/pdf/bagcheck.py" "$T/bag" >/dev/null
