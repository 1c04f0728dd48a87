# bash completion for sohoa(1): commands, their subcommands and options.
_sohoa()
{
	local cur prev cmd
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	# commands and options are read from the program's own help (its option
	# tables), so the completion never falls behind a new command or option;
	# in the C locale, as the help is translated (LANG=vi_VN.UTF-8)
	local prog=${COMP_WORDS[0]}
	local commands
	commands=$(LC_ALL=C "$prog" --help 2>/dev/null | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}

	case $prev in
	--store|--out|--trust|--passphrase-file|--spool|--pam-confdir)
		COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
	--source) COMPREPLY=($(compgen -W "flatbed adf" -- "$cur")); return ;;
	--mode) COMPREPLY=($(compgen -W "gray color lineart" -- "$cur")); return ;;
	--role) COMPREPLY=($(compgen -W "desk clerk archivist admin head" -- "$cur")); return ;;
	--by) COMPREPLY=($(compgen -W "agency procedure" -- "$cur")); return ;;
	--auth) COMPREPLY=($(compgen -W "local pam" -- "$cur")); return ;;
	--until) COMPREPLY=($(compgen -W "never" -- "$cur")); return ;;
	--owner|--procedure|--agency|--device|--resolution|--option|--wait|--workers|\
	--limit|--from|--to|--kind|--signer|--title|--valid-days|--reason|--at|\
	--settle|--user|--code|--resume|--server|--pam-service|--max-connections|--per-ip)
		return ;;
	esac

	local help opts subs
	help=$(LC_ALL=C "$prog" "$cmd" --help 2>/dev/null | awk '/^$/{exit} {print}')
	opts=$(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u | grep -vx -- --help)
	# subcommands: the words that follow "sohoa CMD" on the usage lines
	subs=$(sed -n "s/^.*sohoa $cmd \([a-z][a-z-]*\).*$/\1/p" <<<"$help" | sort -u)
	case $cmd in
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
	esac
	if [ -n "$subs" ] && [ "$COMP_CWORD" -eq 2 ]; then
		COMPREPLY=($(compgen -W "$subs --help" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts --store --help" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
	compopt -o filenames 2>/dev/null
}
complete -F _sohoa sohoa
