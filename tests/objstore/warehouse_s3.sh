#!/bin/bash
# A warehouse whose page images and hOCR live in a real OpenStack Swift (s3api):
# run by swift.sh, which starts Swift and gives SOHOA_S3_* and SWIFT_*_PID.
#   warehouse_s3.sh CASE     (CTest objstore.warehouse.CASE)
# Environment: SOHOA (the binary), DATA (tests/data), TMPROOT.
set -u
export LC_ALL=C.UTF-8
unset LANGUAGE
CASE=$1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPROOT:-/tmp}/sohoa-s3-$CASE.XXXXXX")
PROXY=
cleanup() {
  [ -n "$PROXY" ] && kill "$PROXY" 2>/dev/null && wait "$PROXY" 2>/dev/null
  kill -CONT "$SWIFT_PROXY_PID" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
export SOHOA_STORE="$T/store" TZ=Asia/Ho_Chi_Minh
export SOHOA_KEY="$T/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
printf 'mật khẩu thử nghiệm\n' > "$T/pass"
# a desk's budget, short for the tests: 2 attempts of 2 s before the spool
export SOHOA_S3_ATTEMPTS=2 SOHOA_S3_TIMEOUT_MS=2000 SOHOA_S3_CONNECT_TIMEOUT_MS=1000 SOHOA_S3_BACKOFF_MS=50
SWIFT_ENDPOINT=$SOHOA_S3_ENDPOINT
AG=000.00.99.Z99
BUCKET=s3://sohoa-wh-$CASE/office1
IMG1="$DATA/pages/kh2024-f0-p01-clean300.png"
IMG2="$DATA/pages/pl2022-f0-p01-fax200.tif"
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "'$*' exited $got, expected $want"; sed 's/^/  stdout: /' "$T/out" >&2; sed 's/^/  stderr: /' "$T/err" >&2
  fi
}
has() { grep -q -- "$2" "$1" || { fail "$1 lacks '$2'"; sed 's/^/  /' "$1" >&2; }; }
# one line of error (and ingest's own "nothing of this dossier was stored")
one_line() { [ "$(grep -v 'nothing of this dossier was stored' "$T/err" | grep -c .)" = 1 ] || { fail "not one line of error:"; cat "$T/err" >&2; }; }
entries() { mdb_stat -s "$1" "$SOHOA_STORE" | awk '/Entries/{print $2}'; }
status() { "$SOHOA" blobs status --json > "$T/status" || fail "blobs status"; }
st() { python3 -c "import json,sys; d=json.load(open('$T/status')); print($1)"; }
init_s3() {
  expect 0 "$SOHOA" init --agency $AG --blobs "$BUCKET"
  expect 0 "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
}
ingest() { expect "${2:-0}" "$SOHOA" ingest --owner 033317490435 --procedure 1.001193 $1; }
# every LMDB blob row is a 9-byte stub, the objects are in the store
all_remote() {
  status
  [ "$(st "d['lmdb']['count']")" = 0 ] || fail "blobs left in LMDB: $(cat "$T/status")"
  [ "$(st "d['object_store']['count']")" = "$(entries blob)" ] || fail "status: $(cat "$T/status")"
}
# start s3proxy.py in front of Swift; SOHOA_S3_ENDPOINT points at it
proxy() {
  python3 "$HERE/s3proxy.py" "$T/port" "$SWIFT_ENDPOINT" "$@" &
  PROXY=$!
  for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
  [ -s "$T/port" ] || { fail "proxy did not start"; exit 1; }
  export SOHOA_S3_ENDPOINT="http://127.0.0.1:$(cat "$T/port")"
}
stop_proxy() { kill "$PROXY"; wait "$PROXY" 2>/dev/null; PROXY=; export SOHOA_S3_ENDPOINT=$SWIFT_ENDPOINT; rm -f "$T/port"; }
image_sha() { "$SOHOA" show --json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['pages'][0]['sha256'])"; }
delete_object() { # bucket prefix hex: behind sohoa's back, with boto3
  python3 - "$@" <<'PY' || fail "boto3 delete"
import os, sys, boto3
from botocore.config import Config
b, p, h = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=os.environ["SOHOA_S3_ENDPOINT"], region_name="us-east-1",
                  aws_access_key_id=os.environ["SOHOA_S3_ACCESS_KEY"],
                  aws_secret_access_key=os.environ["SOHOA_S3_SECRET_KEY"],
                  config=Config(s3={"addressing_style": "path"}))
s3.delete_object(Bucket=b, Key=f"{p}/sha256/{h[:2]}/{h[2:4]}/{h}")
PY
}

case $CASE in
ingest)
  # every blob of the dossier in the store, none in LMDB; read back, checked, verified
  init_s3
  ingest "$IMG1 $IMG2"
  paper=$(awk '/-01-/{for(i=1;i<=NF;i++) if($i ~ /-01-/) {print $i; exit}}' "$T/out")
  [ "$(entries blob)" -ge 2 ] || fail "no blob rows"
  all_remote
  expect 0 "$SOHOA" check
  expect 0 "$SOHOA" verify --all
  rm -rf "$SOHOA_STORE/blob-cache"
  expect 0 "$SOHOA" export-pdf "$paper" "$T/p.pdf"
  [ -s "$T/p.pdf" ] || fail "export-pdf wrote nothing"
  expect 0 "$SOHOA" verify --all
  # the warehouse records where, never the secret
  ! grep -a -q testing "$SOHOA_STORE/data.mdb" || fail "the secret is in the warehouse"
  grep -a -q "s3://sohoa-wh-ingest/office1" "$SOHOA_STORE/data.mdb" || fail "blobs address not recorded"
  # without the environment: one clear line
  expect 3 env -u SOHOA_S3_ENDPOINT "$SOHOA" export-pdf "$paper" "$T/q.pdf"
  one_line; has "$T/err" "SOHOA_S3_ENDPOINT is not set"
  expect 3 env -u SOHOA_S3_ENDPOINT "$SOHOA" verify --all
  ;;
down)
  # Swift stopped between two objects of one dossier: acknowledged from the spool
  init_s3
  proxy stop 3 "$SWIFT_PROXY_PID"
  ingest "$IMG1 $IMG2"
  status
  [ "$(st "d['spool']['count']")" -ge 1 ] || fail "nothing spooled: $(cat "$T/status")"
  # while the store is down, what is in it cannot be read: a clear error
  expect 5 "$SOHOA" verify --all
  one_line; has "$T/err" "unavailable"
  # the store still down and no spool: refused, nothing stored
  d0=$(entries dossier); b0=$(entries blob)
  SOHOA_BLOB_SPOOL=off ingest "$DATA/pages/kh2024-f0-p04-fax200.tif" 5
  one_line
  has "$T/err" "nothing"
  [ "$(entries dossier)" = "$d0" ] && [ "$(entries blob)" = "$b0" ] || fail "a refused dossier left rows"
  expect 5 "$SOHOA" blobs drain
  kill -CONT "$SWIFT_PROXY_PID"
  stop_proxy
  expect 0 "$SOHOA" check                    # spooled counts as present
  expect 0 "$SOHOA" verify --all             # spooled ones read from the spool, re-hashed
  expect 0 "$SOHOA" blobs drain
  has "$T/out" "0 left"
  status
  [ "$(st "d['spool']['count']")" = 0 ] || fail "spool not drained"
  rm -rf "$SOHOA_STORE/blob-cache"
  expect 0 "$SOHOA" check
  expect 0 "$SOHOA" verify --all
  ;;
secret)
  # a wrong secret: one line, and nothing made or stored
  SOHOA_S3_SECRET_KEY=wrong expect 8 "$SOHOA" init --agency $AG --blobs "$BUCKET"
  one_line; has "$T/err" "refused the credentials"
  [ ! -e "$SOHOA_STORE/data.mdb" ] || fail "init made a warehouse with a refused secret"
  init_s3
  SOHOA_S3_SECRET_KEY=wrong ingest "$IMG1" 8
  one_line; has "$T/err" "refused the credentials"
  [ "$(entries dossier)" = 0 ] && [ "$(entries blob)" = 0 ] || fail "rows stored with a wrong secret"
  status; [ "$(st "d['spool']['count']")" = 0 ] || fail "a refused secret was spooled"
  expect 0 "$SOHOA" check
  ;;
storm)
  # 503 SlowDown to the first requests: retried, stored, nothing spooled
  init_s3
  proxy storm 1
  ingest "$IMG1"
  [ "$(cat "$T/port.count")" -ge 3 ] || fail "no retry seen"
  all_remote
  [ "$(st "d['spool']['count']")" = 0 ] || fail "spooled in a short storm"
  stop_proxy
  # a storm longer than the retries, with no spool: refused, nothing stored
  proxy storm 1000
  SOHOA_BLOB_SPOOL=off ingest "$IMG2" 5
  one_line; has "$T/err" "503"
  stop_proxy
  [ "$(entries dossier)" = 1 ] || fail "a refused dossier was stored"
  expect 0 "$SOHOA" check
  expect 0 "$SOHOA" verify --all
  ;;
deleted)
  # an object deleted behind sohoa's back: check and verify name it
  init_s3
  ingest "$IMG1"
  paper=$(grep -o "$AG-[0-9]*-[0-9]*-01-[A-Z0-9]*" "$T/out" | head -1)
  sha=$(image_sha "$paper")
  [ ${#sha} = 64 ] || fail "no image hash for '$paper'"
  delete_object "sohoa-wh-deleted" office1 "$sha"
  expect 5 "$SOHOA" check
  has "$T/out" "$sha is missing from the object store"
  expect 6 "$SOHOA" verify --all
  has "$T/out" "$sha missing from the object store"
  ;;
migrate)
  # out and back, each killed in the middle and run again; an operator who is
  # not an admin may not
  expect 0 "$SOHOA" init --agency $AG
  expect 0 "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
  ingest "$IMG1 $IMG2"
  n=$(entries blob)
  expect 0 "$SOHOA" user add boss --role admin
  export SOHOA_USER=boss
  expect 0 "$SOHOA" user add desk1 --role desk
  expect 0 "$SOHOA" user add arch --role archivist
  SOHOA_USER=desk1 expect 8 "$SOHOA" blobs migrate --to "$BUCKET"
  one_line; has "$T/err" "admin"
  SOHOA_BLOBS_BATCH=1 SOHOA_TEST_MIGRATE_KILL=2 expect 137 "$SOHOA" blobs migrate --to "$BUCKET"
  status
  [ "$(st "d['object_store']['count']")" = 1 ] || fail "after the kill: $(cat "$T/status")"
  [ "$(st "d.get('migrating')")" = "$BUCKET" ] || fail "migration not marked"
  SOHOA_USER=arch expect 0 "$SOHOA" verify --all   # half and half reads
  SOHOA_BLOBS_BATCH=1 expect 0 "$SOHOA" blobs migrate --to "$BUCKET"
  all_remote
  [ "$(st "d['object_store']['count']")" = "$n" ] || fail "not all moved"
  expect 0 "$SOHOA" blobs migrate --to "$BUCKET"   # idempotent
  has "$T/out" "^0 blobs moved"
  expect 3 "$SOHOA" blobs migrate --to s3://another-bucket
  rm -rf "$SOHOA_STORE/blob-cache"
  expect 0 "$SOHOA" check
  SOHOA_USER=arch expect 0 "$SOHOA" verify --all
  SOHOA_BLOBS_BATCH=1 SOHOA_TEST_MIGRATE_KILL=2 expect 137 "$SOHOA" blobs migrate --back
  status
  [ "$(st "d['lmdb']['count']")" = 1 ] || fail "after the kill: $(cat "$T/status")"
  SOHOA_USER=arch expect 0 "$SOHOA" verify --all
  expect 0 "$SOHOA" blobs migrate --back
  status
  [ "$(st "d['where']")" = lmdb ] && [ "$(st "d['lmdb']['count']")" = "$n" ] || fail "not back: $(cat "$T/status")"
  expect 0 "$SOHOA" blobs migrate --back          # idempotent
  # back in LMDB: the store is not needed any more
  env -u SOHOA_S3_ENDPOINT SOHOA_USER=arch "$SOHOA" verify --all > "$T/out" 2>&1 || fail "verify needs the store after --back"
  expect 0 "$SOHOA" check
  ;;
*)
  echo "unknown case $CASE" >&2; exit 2 ;;
esac
[ $fails = 0 ] || { echo "$CASE: $fails failure(s)" >&2; exit 1; }
echo "$CASE: ok"
