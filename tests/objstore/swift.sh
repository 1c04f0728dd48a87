#!/bin/bash
# Start a real single-node OpenStack Swift with its S3 layer (s3api +
# tempauth, user test:tester / testing), run one command against it, stop
# every process started here by PID.
#
#   swift.sh COMMAND [ARGS...]
#
# The command gets SOHOA_S3_ENDPOINT, SOHOA_S3_REGION, SOHOA_S3_ACCESS_KEY,
# SOHOA_S3_SECRET_KEY, SWIFT_PROXY_PID, SWIFT_OBJECT_PID (to stop and resume
# them with SIGSTOP / SIGCONT) and SWIFT_DIR. Exit status: the command's;
# 77 (CTest SKIP) when Swift is not installed; 1 when Swift does not start.
# Needs a filesystem with user xattrs under TMPDIR (checked).
set -u
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
for p in swift-proxy-server swift-object-server swift-container-server swift-account-server \
         swift-ring-builder memcached; do
  command -v "$p" >/dev/null 2>&1 || { echo "swift.sh: $p not installed (./bootstrap installs Swift); skipped"; exit 77; }
done
[ $# -ge 1 ] || { echo "usage: swift.sh COMMAND [ARGS...]" >&2; exit 2; }

D=$(mktemp -d "${TMPDIR:-/tmp}/swift.XXXXXX") || exit 1
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Swift keeps object metadata in xattrs.
touch "$D/xattr" && python3 -c "import os,sys; os.setxattr(sys.argv[1], 'user.swift.test', b'1')" "$D/xattr" \
  || { echo "swift.sh: $D has no user xattrs (Swift needs them); set TMPDIR to another filesystem" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PP=$(free_port); AP=$(free_port); CP=$(free_port); OP=$(free_port); MP=$(free_port)
RUNUSER=$(id -un)
mkdir -p "$D/etc" "$D/srv/d1" "$D/run" "$D/log"

# swift_dir also names swift.conf (swift.common.utils reads SWIFT_DIR/swift.conf).
cat > "$D/etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = sohoa-test-$$
swift_hash_path_prefix = sohoa-test
[storage-policy:0]
name = Policy-0
default = yes
EOF
for ring in account:$AP container:$CP object:$OP; do
  name=${ring%%:*}; port=${ring##*:}
  ( cd "$D/etc" && swift-ring-builder $name.builder create 10 1 1 >/dev/null &&
    swift-ring-builder $name.builder add r1z1-127.0.0.1:$port/d1 100 >/dev/null &&
    swift-ring-builder $name.builder rebalance >/dev/null ) || { echo "swift.sh: ring $name failed" >&2; exit 1; }
done

common() {
  cat <<EOF
[DEFAULT]
devices = $D/srv
mount_check = false
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
user = $RUNUSER
swift_dir = $D/etc
log_level = WARNING
EOF
}
for s in account:$AP container:$CP object:$OP; do
  name=${s%%:*}; port=${s##*:}
  { common "$port"
    printf '\n[pipeline:main]\npipeline = %s-server\n\n[app:%s-server]\nuse = egg:swift#%s\n' "$name" "$name" "$name"
    [ "$name" = container ] && printf '\n[container-sync]\n'
    [ "$name" = object ] && printf '\n[object-replicator]\n'
  } > "$D/etc/$name-server.conf"
done
{ common "$PP"
  cat <<EOF

[pipeline:main]
# s3api sits before tempauth (it turns an S3 signature into a Swift identity
# that tempauth then checks), slo after both (multipart uploads need it).
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
conn_timeout = 0.5
node_timeout = 2
recoverable_node_timeout = 2

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MP
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:tempurl]
use = egg:swift#tempurl
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# the tests upload multipart objects in small parts
min_segment_size = 1024
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
EOF
} > "$D/etc/proxy-server.conf"
[ "$RUNUSER" = root ] && chown -R root "$D"

memcached -l 127.0.0.1 -p "$MP" -U 0 -u "$RUNUSER" >"$D/log/memcached" 2>&1 & PIDS+=($!)
swift-account-server "$D/etc/account-server.conf" >"$D/log/account" 2>&1 & PIDS+=($!)
swift-container-server "$D/etc/container-server.conf" >"$D/log/container" 2>&1 & PIDS+=($!)
swift-object-server "$D/etc/object-server.conf" >"$D/log/object" 2>&1 & OPID=$!; PIDS+=($OPID)
swift-proxy-server "$D/etc/proxy-server.conf" >"$D/log/proxy" 2>&1 & PPID_=$!; PIDS+=($PPID_)

ok=0
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$PP/healthcheck" >/dev/null 2>&1 &&
     python3 - "$AP" "$CP" "$OP" <<'EOF' 2>/dev/null
import socket, sys
for p in sys.argv[1:]:
    socket.create_connection(("127.0.0.1", int(p)), 1).close()
EOF
  then ok=1; break; fi
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || break 2; done
  sleep 0.1
done
if [ $ok != 1 ]; then
  echo "swift.sh: Swift did not start; logs:" >&2
  tail -n 20 "$D"/log/* >&2
  exit 1
fi

export SOHOA_S3_ENDPOINT="http://127.0.0.1:$PP" SOHOA_S3_REGION=us-east-1
export SOHOA_S3_ACCESS_KEY=test:tester SOHOA_S3_SECRET_KEY=testing
export SWIFT_PROXY_PID=$PPID_ SWIFT_OBJECT_PID=$OPID SWIFT_DIR="$D"
"$@"
rc=$?
if [ $rc != 0 ] && [ -n "${SWIFT_SHOW_LOGS:-1}" ]; then
  echo "swift.sh: command failed ($rc); proxy log tail:" >&2
  tail -n 15 "$D/log/proxy" >&2
fi
exit $rc
