#!/bin/sh
# install.po_complete: every message the sources mark (po/update.sh's
# xgettext keywords, the C sources and the web pages) has its Vietnamese in
# po/vi.po: a new message without a translation fails here, with its text
# and place. usage: po_complete.sh SOURCE_DIR
set -u
src=$1
cd "$src" || exit 1
command -v xgettext > /dev/null || { echo "no xgettext"; exit 77; }
git rev-parse --git-dir > /dev/null 2>&1 || { echo "not a git checkout: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files '*.c' '*.h' | grep -v -e '^tests/' -e '^bench/' | sort > "$work/files"
xgettext --from-code=UTF-8 --language=C \
  --keyword=sh_error_set:2 --keyword=sh_error_wrap:2 --keyword=_ --keyword=N_ --keyword=cli_usage:2 --keyword=cli_note:2 \
  --files-from="$work/files" -o "$work/c.pot" || exit 1
git ls-files 'web/assets/*.js' | sort > "$work/web"
xgettext --from-code=UTF-8 --language=JavaScript --keyword=t --keyword=N_ \
  --files-from="$work/web" --join-existing -o "$work/c.pot" || exit 1
msgfmt -c -o /dev/null po/vi.po || exit 1
msgmerge --quiet --no-fuzzy-matching po/vi.po "$work/c.pot" -o "$work/merged.po" || exit 1
msgattrib --untranslated --no-obsolete --no-wrap "$work/merged.po" -o "$work/missing.po"
[ -f "$work/missing.po" ] || { echo "po: every message translated"; exit 0; }
# each entry: its place and its first line (the header entry has no place)
missing=$(awk '/^#: /{loc=$0} /^msgid /{m=$0; getline n; if (m == "msgid \"\"" && n ~ /^"/) m = n; if (loc != "") print loc "  " m; loc=""}' "$work/missing.po")
if [ -n "$missing" ]; then
	echo "messages without Vietnamese in po/vi.po (add them at the end of the file):"
	echo "$missing"
	exit 1
fi
echo "po: every message translated"
