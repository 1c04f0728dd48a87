#!/bin/sh
# Witnesses of the log (docs/SIGNING.md "Witnesses"): `witness.sh CASE`.
#   dir   a witness over a folder: cosign, roll the office back (an older
#         backup), verify --all and restore refuse naming the sizes,
#         --accept-rollback issues no code twice, the witness refuses the fork
#   http  two sohoa processes on loopback (the office and a witness served by
#         `sohoa serve --witness`), each started and stopped by its PID: the
#         same attacks, the witness asked over HTTP (the office's own copy of
#         the cosigned checkpoints deleted), and raw protocol requests:
#         409 with text/x.tlog.size, 400 for a shrink, 404, 403
# Environment (set by CTest): SOHOA (the binary), DATA (tests/data), TMPROOT.
set -u
CASE=$1
T=$(mktemp -d "${TMPROOT:-/tmp}/sohoa-wit-$CASE.XXXXXX")
SRV_PID=
cleanup() {
  [ -z "$SRV_PID" ] || { kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; }
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
export SOHOA_STORE="$T/store" TZ=Asia/Ho_Chi_Minh LC_ALL=C.UTF-8
export SOHOA_KEY="$T/keys/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
unset SOHOA_USER SOHOA_SERVER SOHOA_STATION_TOKEN
export XDG_CONFIG_HOME="$T/config"
printf 'mật khẩu thử nghiệm\n' > "$T/pass"
AG=000.00.99.Z99
ORIGIN=sohoa/$AG
P="$DATA/papers/dev01-quyet-dinh-clean300.png"
O=001184362297
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "'$*' exited $got, expected $want"; sed 's/^/  stdout: /' "$T/out" >&2
    sed 's/^/  stderr: /' "$T/err" >&2
  fi
}
has() { grep -q -- "$2" "$1" || { fail "$1 lacks '$2'"; sed 's/^/  /' "$1" >&2; }; }
ingest() {
  expect 0 "$SOHOA" ingest --json --owner $O --procedure 1.000656 "$P"
  python3 -c "import json; print(json.load(open('$T/out'))['dossier'])"
}

# the office with a witness WHERE (a folder or a URL); the witness in WDIR
# trusts the office's log key
office() {
  WHERE=$1 WDIR=$2
  expect 0 "$SOHOA" init --agency $AG --witness "$WHERE"
  has "$T/out" "witness $WHERE added with key"
  expect 0 "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
  expect 0 "$SOHOA" witnesses vkey
  VK=$(cut -d' ' -f2 "$T/out")
  has "$T/out" "^$ORIGIN $ORIGIN+"
  expect 0 "$SOHOA" witness add-log "$WDIR" "$ORIGIN" "$VK"
  expect 0 "$SOHOA" checkpoint; has "$T/out" "checkpoint of 0 entries cosigned by 1 witness"
  D1=$(ingest)
  expect 0 "$SOHOA" checkpoint; has "$T/out" "checkpoint of 1 entries cosigned by 1 witness"
  expect 0 "$SOHOA" witness latest "$WDIR" "$ORIGIN"
  has "$T/out" "^1$"; has "$T/out" "^sohoa-dossier-seq [0-9]* 1$"
}

# an older backup restored over a cosigned log: refused, then accepted
rollback() {
  expect 0 "$SOHOA" backup "$T/bk"                      # log of 1 entry
  D2=$(ingest)                                           # 2 entries, dossier ...-0002
  expect 0 "$SOHOA" checkpoint; has "$T/out" "checkpoint of 2 entries cosigned"
  expect 0 "$SOHOA" verify --all
  expect 6 "$SOHOA" restore "$T/bk" --replace
  has "$T/err" "backup's log has 1 entries and is not the witnessed log of 2 entries"
  expect 0 "$SOHOA" show "$D2"                           # nothing restored
  expect 0 "$SOHOA" restore "$T/bk" --replace --accept-rollback
  expect 4 "$SOHOA" show "$D2"
  [ -n "${1:-}" ] && rm -r "$SOHOA_STORE/witnessed"      # the insider removes the office's copy
  expect 6 "$SOHOA" verify --all
  has "$T/out" "FAIL log: the log has 1 entries but witness .* cosigned a checkpoint of 2 entries"
  expect 6 "$SOHOA" verify --all --json
  python3 -c "import json; d=json.load(open('$T/out')); assert not d['ok'] and any('rollback' in p['problem'] for p in d['problems'])" || fail "verify --json"
  expect 6 "$SOHOA" checkpoint
  has "$T/err" "has cosigned 2 entries of this log, the warehouse has only 1: it was rolled back"
  # the code sequence is bound to the witnessed log: ...-0002 is not issued again
  D3=$(ingest)
  [ "$D3" != "$D2" ] || fail "dossier code $D2 issued twice after the rollback"
  case $D3 in *-0003) ;; *) fail "after the rollback the next code is $D3, not ...-0003" ;; esac
  # the log is 2 entries again, but another tree: the witness refuses the fork
  expect 6 "$SOHOA" checkpoint
  has "$T/err" "409"; has "$T/err" "fork"
  expect 6 "$SOHOA" verify --all
  has "$T/out" "not consistent with the checkpoint of 2 entries"
}

case $CASE in
dir)
  expect 0 "$SOHOA" witness init "$T/w" --name test.example/w1
  has "$T/out" "^test.example/w1+[0-9a-f]\{8\}+"
  cp "$T/out" "$T/w.key"
  [ "$(stat -c %a "$T/w/witness.key")" = 600 ] || fail "witness.key is not 0600"
  expect 3 "$SOHOA" witness init "$T/w" --name test.example/w1
  office "$T/w" "$T/w"
  expect 3 "$SOHOA" witness add-log "$T/w" "$ORIGIN" "$VK"          # already trusted
  expect 3 "$SOHOA" witness add-log "$T/w" "$ORIGIN" "not-a-key"
  expect 3 "$SOHOA" witnesses add "$T/w"                            # already there
  expect 0 "$SOHOA" witnesses list; has "$T/out" "^$T/w test.example/w1+"
  # the cosigned note, checked as C2SP specifies it by an independent program
  python3 "$(dirname "$0")/c2sp_check.py" "$SOHOA_STORE/witnessed/latest" "$VK" "$(sed -n 1p "$T/w.key")" \
    > "$T/c2sp" 2>&1 || { fail "C2SP check"; cat "$T/c2sp" >&2; }
  # one request on standard input: stale (409, the witnessed size), then current (200)
  H=$(printf '%s' "$ORIGIN" | sha256sum | cut -d' ' -f1)
  { printf 'old 0\n\n'; cat "$T/w/logs/$H.note"; } > "$T/req0"
  { printf 'old 1\n\n'; cat "$T/w/logs/$H.note"; } > "$T/req1"
  expect 6 sh -c '"$0" witness add-checkpoint "$1" < "$2"' "$SOHOA" "$T/w" "$T/req0"
  has "$T/out" "^1$"; has "$T/err" "HTTP 409"
  expect 0 sh -c '"$0" witness add-checkpoint "$1" < "$2"' "$SOHOA" "$T/w" "$T/req1"
  has "$T/out" "^— test.example/w1 "
  expect 3 sh -c '"$0" witness add-checkpoint "$1" < /dev/null' "$SOHOA" "$T/w"
  rollback
  ;;
http)
  # the witness: another office's server, on a port it picks
  expect 0 "$SOHOA" init --agency 000.00.98.Z98 --store "$T/province"
  expect 0 "$SOHOA" witness init "$T/w" --name province.example/witness
  WKEY=$(cat "$T/out")
  "$SOHOA" serve --listen 127.0.0.1:0 --store "$T/province" --witness "$T/w" \
    >"$T/serve.out" 2>"$T/serve.err" &
  SRV_PID=$!
  i=0
  until grep -q "listening on" "$T/serve.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 600 ] || { fail "witness server did not start"; cat "$T/serve.err" >&2; exit 1; }
    kill -0 $SRV_PID 2>/dev/null || { fail "witness server exited"; cat "$T/serve.err" >&2; exit 1; }
    sleep 0.1
  done
  URL="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$T/serve.out")/witness"
  office "$URL" "$T/w"
  # raw protocol requests: a stale old size, a shrink, an unknown log, no signature
  python3 - "$URL" "$T/w" <<'EOF' || fail "protocol requests"
import sys, urllib.request, urllib.error
url, wdir = sys.argv[1], sys.argv[2]
note = open(wdir + "/logs/" + __import__("hashlib").sha256(b"sohoa/000.00.99.Z99").hexdigest() + ".note", "rb").read()
def post(body):
    try:
        r = urllib.request.urlopen(urllib.request.Request(url + "/add-checkpoint", data=body, method="POST"))
        return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()
st, ct, b = post(b"old 0\n\n" + note)
assert st == 409 and ct == "text/x.tlog.size" and b == b"1\n", (st, ct, b)
st, ct, b = post(b"old 5\n\n" + note)                       # old larger than the checkpoint
assert st == 400, (st, b)
other = note.replace(b"sohoa/000.00.99.Z99\n", b"sohoa/000.00.99.Z98\n", 1)
st, ct, b = post(b"old 0\n\n" + other)
assert st == 404, (st, b)
body, _, sigs = note.partition(b"\n\n")
forged = body.replace(b"\n1\n", b"\n2\n", 1) + b"\n\n" + sigs  # signature no longer matches
st, ct, b = post(b"old 1\n\n" + forged)
assert st == 403, (st, b)
st, ct, b = post(b"garbage")
assert st == 400, (st, b)
# the cosignature line verifies as a witness key of type 4 over cosignature/v1
st, ct, b = post(b"old 1\n\n" + note)
assert st == 200 and b.startswith("— province.example/witness ".encode()), (st, b)
EOF
  rollback rm-witnessed
  # the insider also removes the warehouse's list of witnesses: the archivist
  # names the witness and its key (from its operator) herself
  mv "$SOHOA_STORE/witnesses" "$T/witnesses.saved"
  expect 0 "$SOHOA" verify --all
  expect 6 "$SOHOA" verify --all --witness "$URL" --witness-key "$WKEY"
  has "$T/out" "FAIL log: .*checkpoint of 2 entries"
  expect 2 "$SOHOA" verify --all --witness "$URL"
  expect 3 "$SOHOA" verify --all --witness "$URL" --witness-key "not-a-key"
  mv "$T/witnesses.saved" "$SOHOA_STORE/witnesses"
  kill "$SRV_PID"; wait "$SRV_PID"; SRV_PID=
  # the witness unreachable: verify --all says so (it cannot vouch)
  expect 6 "$SOHOA" verify --all; has "$T/out" "could not be asked"
  expect 5 "$SOHOA" restore "$T/bk" --replace; has "$T/err" "cannot ask the witnesses before restoring"
  expect 0 "$SOHOA" restore "$T/bk" --replace --accept-rollback
  ;;
bundle)
  # proof bundles: status as of the export, cosignatures, files not named
  expect 0 "$SOHOA" witness init "$T/w" --name test.example/w1
  WK=$(cat "$T/out")
  expect 0 "$SOHOA" witness init "$T/w2" --name test.example/w2
  OTHER=$(cat "$T/out")
  office "$T/w" "$T/w"
  D2=$(ingest)
  expect 0 "$SOHOA" checkpoint
  A=$D1-01-QD B=$D2-01-QD
  KID=$("$SOHOA" keys list | grep -o '[0-9a-f]\{64\}' | head -1)
  expect 0 "$SOHOA" keys export "$KID" "$T/k.pub"
  expect 0 "$SOHOA" export-proof "$A" "$T/b1"
  for f in checkpoint.note witness-proof.txt status-checkpoint.sig key-status.txt; do
    [ -f "$T/b1/$f" ] || fail "bundle lacks $f"
  done
  expect 0 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub" --trust-witness "$WK"
  has "$T/out" "NOTE: cosigned by witness test.example/w1"
  echo "$WK" > "$T/wk.txt"
  expect 0 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub" --trust-witness "$T/wk.txt"
  expect 6 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub" --trust-witness "$OTHER"
  has "$T/out" "no trusted witness"
  expect 3 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub" --trust-witness "not a key"
  # files the manifest does not name
  cp "$T/b1/page-001.png" "$T/b1/page-001.jpg"
  expect 6 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub"
  has "$T/out" "page-001.jpg: a second image of a page"
  rm "$T/b1/page-001.jpg"; cp "$T/b1/page-001.png" "$T/b1/page-002.png"
  expect 6 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub"
  has "$T/out" "page-002.png is not part of the bundle: the manifest names 1 page"
  rm "$T/b1/page-002.png"; echo x > "$T/b1/notes.txt"
  expect 6 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub"
  has "$T/out" "notes.txt is not part of the bundle"
  rm "$T/b1/notes.txt"
  # the cosigned checkpoint swapped for another size: the proof no longer fits
  sed -i '2s/.*/7/' "$T/b1/checkpoint.note"
  expect 6 "$SOHOA" verify-bundle "$T/b1" --trust "$T/k.pub" --trust-witness "$WK"
  # a revoked paper
  expect 0 "$SOHOA" revoke "$A" --reason "Quyết định thu hồi"
  expect 0 "$SOHOA" export-proof "$A" "$T/b2"
  expect 6 "$SOHOA" verify-bundle "$T/b2" --trust "$T/k.pub"
  has "$T/out" "paper $A was revoked on .* (Quyết định thu hồi"
  # the key revoked after B was signed: reported, B stands
  expect 0 "$SOHOA" keys revoke "$KID" --reason "mất khoá"
  expect 0 "$SOHOA" export-proof "$B" "$T/b3"
  has "$T/b3/key-status.txt" "^reason: mất khoá"
  expect 0 "$SOHOA" verify-bundle "$T/b3" --trust "$T/k.pub"
  has "$T/out" "NOTE: the signing key was revoked from .* (mất khoá), after this paper was signed"
  # revoked from before B reached the log: B's bundle is rejected
  expect 0 "$SOHOA" keys revoke "$KID" --reason "lộ từ trước" --at 1700000000
  expect 0 "$SOHOA" export-proof "$B" "$T/b4"
  expect 6 "$SOHOA" verify-bundle "$T/b4" --trust "$T/k.pub"
  has "$T/out" "after its key was revoked from 2023-11-14 22:13:20 UTC (lộ từ trước)"
  ;;
*)
  echo "unknown case $CASE" >&2; exit 2 ;;
esac
[ $fails -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "ok: witness.$CASE"
