#!/bin/bash
# install.completion: the bash completion offers every command `sohoa --help`
# lists and every option each `sohoa CMD --help` shows; the man page names
# every command; it does so under a Vietnamese locale too (the help is
# translated, the completion reads it in the C locale).
# usage: completion_check.sh SOHOA SOURCE_DIR
set -u
# the user's locale: Vietnamese when it is installed
locale -a 2>/dev/null | grep -qix 'vi_VN.utf-\?8' && export LC_ALL=vi_VN.UTF-8
sohoa=$1 src=$2
# the completion asks the program itself, as `sohoa` on the PATH
PATH=$(dirname "$sohoa"):$PATH
source "$src/completion/sohoa.bash"
bad=0
cmds=$(LC_ALL=C "$sohoa" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')
[ -n "$cmds" ] || { echo "no commands in sohoa --help"; exit 1; }
for c in $cmds; do
	COMP_WORDS=(sohoa "$c"); COMP_CWORD=1; _sohoa
	[[ " ${COMPREPLY[*]} " == *" $c "* ]] || { echo "completion lacks command $c"; bad=1; }
	grep -q "^\*$c[* ]" "$src/man/sohoa.1.scd" || { echo "man page lacks command $c"; bad=1; }
	grep -qx "\*$c\*" "$src/man/vi/sohoa.1.scd" || { echo "Vietnamese man page lacks command $c"; bad=1; }
	for o in $(LC_ALL=C "$sohoa" "$c" --help 2>&1 | awk '/^$/{exit} {print}' | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[ "$o" = --help ] && continue
		COMP_WORDS=(sohoa "$c" x --); COMP_CWORD=3; _sohoa
		found=0
		[[ " ${COMPREPLY[*]} " == *" $o "* ]] && found=1
		if [ $found = 0 ]; then # subcommands: options after one
			COMP_WORDS=(sohoa "$c" --); COMP_CWORD=2; _sohoa
			[[ " ${COMPREPLY[*]} " == *" $o "* ]] && found=1
		fi
		[ $found = 1 ] || { echo "completion lacks $c $o"; bad=1; }
	done
done
exit $bad
