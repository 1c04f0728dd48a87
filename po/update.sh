#!/bin/sh
# po/sohoa.pot from the sources, merged into each LANG.po (run from the top of
# the tree; `cmake --build build --target sohoa-pot` runs it). The C sources
# (keywords below) and the web pages' JavaScript (t("...") and N_("...")) go
# into the one catalogue; web/embed.cmake makes /i18n.js from LANG.po.
# usage: po/update.sh XGETTEXT MSGMERGE LANG...
set -eu
xgettext=$1 msgmerge=$2
shift 2
git ls-files '*.c' '*.h' | grep -v -e '^tests/' -e '^bench/' | sort > po/POTFILES
"$xgettext" --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
  --keyword=sh_error_set:2 --keyword=sh_error_wrap:2 --keyword=_ --keyword=N_ --keyword=cli_usage:2 --keyword=cli_note:2 \
  --package-name=sohoa --msgid-bugs-address=sohoa@example.org \
  --files-from=po/POTFILES -o po/sohoa.pot
git ls-files 'web/assets/*.js' | sort > po/POTFILES.web
"$xgettext" --from-code=UTF-8 --language=JavaScript --keyword=t --keyword=N_ \
  --package-name=sohoa --msgid-bugs-address=sohoa@example.org \
  --files-from=po/POTFILES.web --join-existing -o po/sohoa.pot
for lang in "$@"; do
  "$msgmerge" --quiet --update --backup=none --no-fuzzy-matching "po/$lang.po" po/sohoa.pot
done
