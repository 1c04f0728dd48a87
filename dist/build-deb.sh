#!/bin/sh
# Build the Debian packages from the tracked files of this tree, in a scratch
# copy (dpkg-buildpackage writes beside the source), into OUT (default
# build-deb/): sohoa_*.deb and libsohoa-dev_*.deb.
# usage: dist/build-deb.sh [OUT]
set -eu
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-build-deb}" && cd "${1:-build-deb}" && pwd)
scratch=$(mktemp -d /tmp/sohoa-deb.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/sohoa"
# tracked files, as they are in the work tree (uncommitted edits included)
git ls-files -z | xargs -0 cp --parents -P -t "$scratch/sohoa"
(cd "$scratch/sohoa" && dpkg-buildpackage -b -us -uc -j"$(nproc)" > "$scratch/build.log" 2>&1) || {
  tail -40 "$scratch/build.log"; exit 1; }
cp "$scratch"/*.deb "$scratch"/*.changes "$scratch"/*.buildinfo "$out"/
ls "$out"/*.deb
