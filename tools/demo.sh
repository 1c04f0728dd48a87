#!/bin/sh
# The demo: a reception desk receives a small dossier from the bundled
# sample papers, then shows and searches it. Uses a fresh warehouse in
# build/demo-store (or $SOHOA_STORE if set).
set -eu
SOHOA=${1:-build/tools/sohoa}
here=$(cd "$(dirname "$0")/.." && pwd)
data="$here/tests/data"
export SOHOA_STORE="${SOHOA_STORE:-$here/build/demo-store}"
# The desk officer's signing key lives outside the warehouse; the demo's
# passphrase is in a file (a real desk types it, or keeps it in a credential).
export SOHOA_KEY="$here/build/demo-keys/desk.key" SOHOA_PASSPHRASE_FILE="$here/build/demo-keys/passphrase"
rm -rf "$SOHOA_STORE" "$here/build/demo-keys"
mkdir -p "$here/build/demo-keys"
echo "demo passphrase - not for real use" > "$SOHOA_PASSPHRASE_FILE"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

# 000.00.99.Z99 is an invented agency id (the form of the national ones).
step "$SOHOA" init --agency 000.00.99.Z99
step "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
printf '\n\033[1m$ %s\033[0m\n' "sohoa ingest --owner 033317490435 --procedure 1.001193 (3 papers)"
"$SOHOA" ingest --owner 033317490435 --procedure 1.001193 \
  "$data/papers/dev03-giay-khai-sinh-office200.jpg" \
  "$data/papers/dev04-can-cuoc-color300.jpg" \
  "$data/pages/two-pages-g4.tif" | tee "$SOHOA_STORE.out"
dossier=$(awk '/^dossier /{print $2; exit}' "$SOHOA_STORE.out")
rm -f "$SOHOA_STORE.out"
step "$SOHOA" ingest --json --owner 0820624125 --procedure 1.001612 \
  "$data/papers/dev05-dang-ky-doanh-nghiep-fax200.tif"
step "$SOHOA" show "$dossier"
step "$SOHOA" find giay khai sinh
step "$SOHOA" find "ngo minh quyen"
step "$SOHOA" find --json "cong ty co phan xay dung"
step "$SOHOA" verify "$dossier"
step "$SOHOA" verify --all
step "$SOHOA" check
