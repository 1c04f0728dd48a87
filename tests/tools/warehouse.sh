#!/bin/sh
# Black-box tests of the warehouse of owners: `warehouse.sh CASE`.
# Environment (set by CTest): SOHOA (the binary), DATA (tests/data), TMPROOT.
set -u
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
CASE=$1
T=$(mktemp -d "${TMPROOT:-/tmp}/sohoa-wh-$CASE.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
export SOHOA_STORE="$T/store" TZ=Asia/Ho_Chi_Minh
export SOHOA_KEY="$T/keys/desk.key" SOHOA_PASSPHRASE_FILE="$T/pass"
unset SOHOA_USER
export XDG_CONFIG_HOME="$T/config"
printf 'mật khẩu thử nghiệm\n' > "$T/pass"
AG=000.00.99.Z99
P="$DATA/papers"
O=001184362297
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
  want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" != "$want" ]; then
    fail "'$*' exited $got, expected $want"; sed 's/^/  stderr: /' "$T/err" >&2
  fi
}
has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2'"; }
hasnt() { ! grep -q -- "$2" "$1" || fail "$1 has '$2'"; }
json() { python3 -c "import json,sys; d=json.load(open('$T/out')); $1" || fail "json check: $1"; }
setup() {
  expect 0 "$SOHOA" init --agency $AG
  expect 0 "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
  expect 0 "$SOHOA" ingest --json --owner $O --procedure 1.001193 \
    "$P/dev04-can-cuoc-color300.jpg" "$P/dev03-giay-khai-sinh-office200.jpg"
  D1=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
  expect 0 "$SOHOA" ingest --json --owner $O --procedure 1.000656 "$P/dev01-quyet-dinh-clean300.png"
  D2=$(python3 -c "import json; print(json.load(open('$T/out'))['dossier'])")
}

case $CASE in
owner)
  setup
  expect 0 "$SOHOA" owner $O --json
  json "assert len(d['papers']) == 3"
  json "p = {x['kind']: x for x in d['papers']}; assert p['CCCD']['status'] == 'expired' and p['CCCD']['validity_source'] == 'facts'"
  json "p = {x['kind']: x for x in d['papers']}; assert p['GKS']['status'] == 'valid' and p['GKS']['valid_until'] is None"
  json "assert all(x['signature'] == 'signed' for x in d['papers'])"
  expect 0 "$SOHOA" owner $O; has "$T/out" "expired (facts: 2024-01-26)"
  expect 3 "$SOHOA" owner 12345
  expect 2 "$SOHOA" owner
  expect 0 "$SOHOA" validity "$D1-01-CCCD" --until 2099-12-31; has "$T/out" "valid (clerk: 2099-12-31)"
  expect 0 "$SOHOA" audit; has "$T/out" "owner"
  ;;
reuse)
  setup
  expect 0 "$SOHOA" reuse --owner $O --procedure 1.000656 --json
  json "k = {x['kind']: x for x in d['kinds']}; assert k['DON']['missing'] and k['CCCD']['missing'] and len(k['GKS']['papers']) == 1"
  expect 0 "$SOHOA" reuse --owner $O --procedure 1.000656; has "$T/out" "missing — must be submitted"
  expect 4 "$SOHOA" reuse --owner $O --procedure 9.999999
  expect 0 "$SOHOA" attach "$D2" "$D1-02-GKS"; has "$T/out" "signed log entry"
  expect 3 "$SOHOA" attach "$D2" "$D1-02-GKS"; has "$T/err" "already in dossier"
  expect 3 "$SOHOA" attach "$D2" "$D1-01-CCCD"; has "$T/err" "expired"
  expect 0 "$SOHOA" revoke "$D1-02-GKS" --reason "Quyết định 12/QĐ-UBND thu hồi"
  expect 3 "$SOHOA" revoke "$D1-02-GKS" --reason again
  expect 2 "$SOHOA" revoke "$D1-02-GKS"
  expect 0 "$SOHOA" reuse --owner $O --procedure 1.000656 --json
  json "k = {x['kind']: x for x in d['kinds']}; assert k['GKS']['missing']"
  expect 0 "$SOHOA" owner $O --json
  json "p = {x['kind']: x for x in d['papers']}; assert p['GKS']['status'] == 'revoked' and p['GKS']['reused'] == 1"
  expect 0 "$SOHOA" search khai sinh --kind GKS; has "$T/out" "$D1-02-GKS"
  expect 0 "$SOHOA" check
  expect 0 "$SOHOA" report --from 2000-01-01 --to 2099-12-31 --json
  json "t = d['rows'][0]; assert t['dossiers'] == 2 and t['papers'] == 3 and t['papers_reused'] == 1 and t['dossiers_reusing'] == 1"
  expect 0 "$SOHOA" report --from 2000-01-01 --to 2099-12-31 --by procedure --csv
  has "$T/out" "^1.000656,1,1,"
  expect 3 "$SOHOA" report --from 2024-02-30x --to 2024-03-01
  ;;
roles)
  setup
  expect 0 "$SOHOA" user add quan --role admin
  expect 8 "$SOHOA" owner $O; has "$T/err" "SOHOA_USER"
  SOHOA_USER=quan expect 0 "$SOHOA" user add binh --role clerk
  SOHOA_USER=quan expect 0 "$SOHOA" user add an --role desk
  SOHOA_USER=quan expect 8 "$SOHOA" owner $O; has "$T/err" "clerk"
  # the desk sees the reuse view of the owner it receives, nothing else personal
  SOHOA_USER=an expect 0 "$SOHOA" reuse --owner $O --procedure 1.000656
  SOHOA_USER=an expect 8 "$SOHOA" search khai; has "$T/err" "clerk"
  SOHOA_USER=quan expect 0 "$SOHOA" audit --user an --json
  json "assert d and all(x['command'] == 'reuse' for x in d)"
  # the head of office reads the indicators only
  SOHOA_USER=quan expect 0 "$SOHOA" user add lan --role head
  SOHOA_USER=lan expect 0 "$SOHOA" report --from 2024-01-01 --to 2030-12-31
  SOHOA_USER=lan expect 8 "$SOHOA" owner $O
  SOHOA_USER=lan expect 8 "$SOHOA" audit
  SOHOA_USER=binh expect 0 "$SOHOA" owner $O
  mkdir -p "$T/config/sohoa"; echo binh > "$T/config/sohoa/user"
  expect 0 "$SOHOA" whoami; has "$T/out" "binh	clerk"
  expect 0 "$SOHOA" search khai
  SOHOA_USER=quan expect 0 "$SOHOA" audit --user binh --json
  json "assert len(d) >= 4 and all(x['user'] == 'binh' for x in d) and {x['command'] for x in d} >= {'owner', 'search'}"
  SOHOA_USER=ghost expect 8 "$SOHOA" owner $O; has "$T/err" "not an operator"
  SOHOA_USER=quan expect 2 "$SOHOA" user add x --role boss
  ;;
backup)
  setup
  expect 0 "$SOHOA" revoke "$D1-02-GKS" --reason "lost"
  expect 0 "$SOHOA" backup "$T/bk"
  expect 3 "$SOHOA" backup "$T/bk"
  expect 0 "$SOHOA" check --store "$T/bk"
  expect 0 "$SOHOA" restore "$T/bk" --store "$T/restored"
  expect 0 "$SOHOA" owner $O --store "$T/restored" --json
  json "p = {x['kind']: x for x in d['papers']}; assert p['GKS']['status'] == 'revoked'"
  expect 3 "$SOHOA" restore "$T/bk"
  expect 0 "$SOHOA" restore "$T/bk" --replace
  ls -d "$SOHOA_STORE"/replaced-* >/dev/null 2>&1 || fail "old warehouse not kept aside"
  expect 4 "$SOHOA" restore "$T/none"
  ;;
upgrade)
  # a schema-1 warehouse (tests/data/store-v1/README.md) is upgraded when opened:
  # the same answers, every paper numbered, the old index gone, check and verify pass
  mkdir -p "$SOHOA_STORE" && cp "$DATA/store-v1/data.mdb" "$SOHOA_STORE/" && chmod u+w "$SOHOA_STORE/data.mdb"
  K=000.00.99.Z99-261122-0001
  expect 0 "$SOHOA" find "dang ky doanh nghiep"; has "$T/out" "$K-01-GCNDKDN"
  mdb_stat -a "$SOHOA_STORE" > "$T/stat" 2>&1
  hasnt "$T/stat" "Status of word"; has "$T/stat" "Status of post"
  expect 0 "$SOHOA" search "kế hoạch kiem soat"; has "$T/out" "$K-02-TL"
  expect 0 "$SOHOA" search "doanh nghiep" --owner 0820624125; has "$T/out" "$K-01-GCNDKDN"
  expect 0 "$SOHOA" check; has "$T/out" "OK"
  expect 0 "$SOHOA" verify --all; has "$T/out" "2 papers"
  # and new papers go on from there
  expect 0 "$SOHOA" keys new --signer "Nguyễn Thị Bình" --title "Công chức Bộ phận Một cửa"
  expect 0 "$SOHOA" ingest --owner 0820624125 --procedure 1.001193 "$DATA/pages/two-pages-g4.tif"
  expect 0 "$SOHOA" check
  expect 0 "$SOHOA" find "dang ky doanh nghiep"; has "$T/out" "$K-01-GCNDKDN"
  ;;
*) echo "unknown case $CASE" >&2; exit 2 ;;
esac
[ $fails = 0 ] || { echo "$fails failure(s) in $CASE" >&2; exit 1; }
