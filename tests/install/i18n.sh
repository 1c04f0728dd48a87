#!/bin/sh
# install.i18n: hostile input under LANG=vi_VN.UTF-8 gives Vietnamese
# messages (the catalogue found by the program, never via the source path),
# under C.UTF-8 English, with the same exit codes and one line each.
# usage: i18n.sh SOHOA
set -u
sohoa=$1
locale -a 2>/dev/null | grep -qix 'vi_VN.utf-\?8' || {
	echo "no vi_VN.UTF-8 locale: run ./bootstrap (locale-gen)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset LANGUAGE LC_MESSAGES SOHOA_DATA_DIR SOHOA_LOCALE_DIR
export SOHOA_STORE="$work/store" HOME="$work"
LC_ALL=C.UTF-8 "$sohoa" init --agency 000.00.99.Z99 > /dev/null || exit 1
bad=0
# case EXIT VIETNAMESE ENGLISH -- ARGS...
check() {
	want=$1 vi=$2 en=$3
	shift 3
	for lang in vi_VN.UTF-8 C.UTF-8; do
		LC_ALL=$lang "$sohoa" "$@" > "$work/out" 2> "$work/err"
		rc=$?
		text=$vi
		[ "$lang" = C.UTF-8 ] && text=$en
		if [ "$rc" -ne "$want" ]; then
			echo "FAIL [$lang] sohoa $*: exit $rc, expected $want"; bad=1
		fi
		if ! grep -qF -e "$text" "$work/err"; then
			echo "FAIL [$lang] sohoa $*: expected \"$text\" in: $(cat "$work/err")"; bad=1
		fi
		if [ "$(wc -l < "$work/err")" -ne 1 ]; then
			echo "FAIL [$lang] sohoa $*: not one line: $(cat "$work/err")"; bad=1
		fi
	done
}
check 3 "mã chủ hồ sơ '12345' có 5 chữ số" "owner id '12345' has 5 digits" owner 12345
check 3 "mã chủ hồ sơ '0333174904x5' không phải là số" "owner id '0333174904x5' is not a number" owner 0333174904x5
check 4 "không có hồ sơ hay giấy tờ nào mang mã" "no dossier or paper has the code" show 000.00.99.Z99-990101-0001
check 3 "không phải là mã hồ sơ hoặc mã giấy tờ" "is not a dossier or paper code" show 000.00.99.Z99-9901
check 3 "là mã hồ sơ; nhập mã giấy tờ" "is a dossier code; give a paper code" export-tiff 000.00.99.Z99-990101-0001 "$work/x.tif"
check 3 "/nonexistent.png: không có tệp này" "/nonexistent.png: no such file" extract /nonexistent.png
check 3 "mã định danh cơ quan 'bad'" "agency id 'bad'" init --agency bad --store "$work/other"
check 2 "tùy chọn không biết '--bogus'" "unknown option '--bogus'" show --bogus
check 4 "thủ tục 9.999 không có trong danh mục" "procedure 9.999 is not in the catalogue" reuse --owner 033317490435 --procedure 9.999
# help texts: every command's, by `sohoa help CMD` and `sohoa CMD --help`,
# is Vietnamese under vi_VN.UTF-8 (exit 0, on stdout) and English under C.UTF-8
helpcheck() { # LANG WANT_FIRST_WORDS ARGS...
	lang=$1 want=$2
	shift 2
	LC_ALL=$lang "$sohoa" "$@" > "$work/out" 2> "$work/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$work/err" ] || ! head -n 1 "$work/out" | grep -q "^$want"; then
		echo "FAIL [$lang] sohoa $*: exit $rc, first line: $(head -n 1 "$work/out") $(cat "$work/err")"; bad=1
	fi
}
cmds=$(LC_ALL=C.UTF-8 "$sohoa" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')
[ "$(echo "$cmds" | wc -w)" -gt 30 ] || { echo "FAIL: commands in sohoa --help: $cmds"; bad=1; }
for c in $cmds; do
	helpcheck vi_VN.UTF-8 "cách dùng: sohoa" help "$c"
	helpcheck vi_VN.UTF-8 "cách dùng: sohoa" "$c" --help
	helpcheck C.UTF-8 "usage: sohoa" help "$c"
	helpcheck C.UTF-8 "usage: sohoa" "$c" -h
done
LC_ALL=vi_VN.UTF-8 "$sohoa" help ingest | grep -q "Nhận một hồ sơ: mỗi FILE" || { echo "FAIL: ingest help not Vietnamese"; bad=1; }
LC_ALL=vi_VN.UTF-8 "$sohoa" --help | grep -q "^các lệnh:" || { echo "FAIL: sohoa --help not Vietnamese"; bad=1; }
LC_ALL=vi_VN.UTF-8 "$sohoa" --help | grep -q "^  ingest       tiếp nhận hồ sơ" || { echo "FAIL: command summaries not Vietnamese"; bad=1; }
LC_ALL=C.UTF-8 "$sohoa" --help | grep -q "^  ingest       receive a dossier" || { echo "FAIL: English summaries"; bad=1; }
# usage errors from the option tables' own messages
check 2 "verify-bundle: --trust cần tệp khóa công khai" "--trust needs a public key file" verify-bundle x --trust
check 2 "(xem \`sohoa show --help\`)" "(see \`sohoa show --help\`)" show a b
check 2 "lệnh không biết 'bogus'" "unknown command 'bogus'" bogus
# report headers
LC_ALL=vi_VN.UTF-8 "$sohoa" report --from 2020-01-01 --to 2020-01-31 > "$work/out" 2> "$work/err"
grep -q "^  hồ sơ tiếp nhận  *0" "$work/out" || { echo "FAIL: report headers: $(cat "$work/out" "$work/err")"; bad=1; }
LC_ALL=C.UTF-8 "$sohoa" report --from 2020-01-01 --to 2020-01-31 > "$work/out" 2> "$work/err"
grep -q "^  dossiers received  *0" "$work/out" || { echo "FAIL: report headers (English): $(cat "$work/out" "$work/err")"; bad=1; }
# the role checks a desk meets (once the warehouse has operators)
LC_ALL=C.UTF-8 "$sohoa" user add quan --role admin > /dev/null || { echo "FAIL: user add"; bad=1; }
unset SOHOA_USER
check 8 "ai đang vận hành? đặt SOHOA_USER" "who is operating? set SOHOA_USER" owner 001184362297
SOHOA_USER=quan check 8 "người vận hành quan có vai trò admin; việc này cần quyền" "operator quan has the role admin; this needs the permission" owner 001184362297
[ $bad = 0 ] && echo "i18n: ok"
exit $bad
