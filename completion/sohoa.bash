# bash completion for sohoa(1): commands, their subcommands and options.
_sohoa()
{
	local cur prev cmd
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="init ingest result show find ocr extract devices scan batch
		watch export-tiff keys verify log export-proof verify-bundle agency
		check owner revoke validity reuse attach search report user audit
		whoami backup restore help"
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}

	case $prev in
	--store|--out|--trust|--passphrase-file)
		COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
	--source) COMPREPLY=($(compgen -W "flatbed adf" -- "$cur")); return ;;
	--mode) COMPREPLY=($(compgen -W "gray color lineart" -- "$cur")); return ;;
	--role) COMPREPLY=($(compgen -W "desk clerk archivist admin" -- "$cur")); return ;;
	--by) COMPREPLY=($(compgen -W "agency procedure" -- "$cur")); return ;;
	--until) COMPREPLY=($(compgen -W "never" -- "$cur")); return ;;
	--owner|--procedure|--agency|--device|--resolution|--option|--wait|--workers|\
	--limit|--from|--to|--kind|--signer|--title|--valid-days|--reason|--at|\
	--settle|--user|--code|--resume)
		return ;;
	esac

	local opts="" subs=""
	case $cmd in
	init) opts="--agency" ;;
	ingest) opts="--owner --procedure --json --workers" ;;
	result) subs="add"; opts="--json" ;;
	show) opts="--json" ;;
	find) opts="--json --limit" ;;
	ocr) opts="--out --workers --no-clean" ;;
	extract) opts="--json --workers" ;;
	devices) opts="--json" ;;
	scan) opts="--device --owner --procedure --source --duplex --resolution --mode
		--option --wait --review --json --resume" ;;
	batch) subs="list show delete rotate move split kind finish commit"; opts="--json" ;;
	watch) opts="--once --settle" ;;
	export-tiff|export-proof|check|whoami|backup|attach) ;;
	keys) subs="new list rotate revoke export"
		opts="--signer --title --valid-days --passphrase-file --out --json --reason --at" ;;
	verify) opts="--all --json --workers" ;;
	log) subs="consistency" ;;
	verify-bundle) opts="--trust" ;;
	agency) subs="successor alias" ;;
	owner) opts="--json" ;;
	revoke) opts="--reason" ;;
	validity) opts="--until" ;;
	reuse) opts="--owner --procedure --json" ;;
	search) opts="--owner --kind --agency --from --to --limit --json" ;;
	report) opts="--from --to --by --json --csv" ;;
	user) subs="add del list"; opts="--role" ;;
	audit) opts="--user --code --json" ;;
	restore) opts="--replace" ;;
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
