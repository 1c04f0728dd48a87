/* The option parser: one table per command (cli.h), after curl's
 * src/tool_getparam.c. */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_flag(char **argv, int i, const char *name) { return strcmp(argv[i], name) == 0; }

int cli_is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

void cli_args_free(cli_args *a)
{
	for (size_t i = 0; i < a->nlists; i++) {
		sh_free(a->lists[i]->v);
		a->lists[i]->v = NULL;
		a->lists[i]->n = 0;
	}
	sh_free(a->pos);
	memset(a, 0, sizeof *a);
}

/* The table entry argv[i] names: "--name", "--name=value" or "-l". *val
 * points after '=' when the value is attached. */
static const cli_option *lookup(const cli_spec *spec, const char *a, const char **val)
{
	*val = NULL;
	for (const cli_option *o = spec->opts; o && o->name; o++) {
		size_t n = strlen(o->name);
		if (!strncmp(a, o->name, n) && (a[n] == 0 || (a[n] == '=' && o->kind != CLI_FLAG))) {
			if (a[n] == '=')
				*val = a + n + 1;
			return o;
		}
		if (o->letter && a[0] == '-' && a[1] == o->letter && a[2] == 0)
			return o;
	}
	return NULL;
}

static int take(const cli_spec *spec, cli_args *out, const cli_option *o, const char *v,
		const char *given)
{
	if (o->kind == CLI_FLAG) {
		*(int *)o->target = 1;
		return EXIT_OK;
	}
	if (!v || !*v) /* an empty value is a missing one */
		return o->missing ? cli_usage(spec->cmd, "%s", _(o->missing))
				  : cli_usage(spec->cmd, "%s needs a value", given);
	if (o->kind == CLI_STR) {
		*(const char **)o->target = v;
		return EXIT_OK;
	}
	cli_list *l = o->target;
	const char **nv = sh_realloc(l->v, (l->n + 2) * sizeof *nv);
	if (!nv)
		return cli_fail(spec->cmd, SH_ENOMEM);
	if (!l->v && out->nlists < sizeof out->lists / sizeof *out->lists)
		out->lists[out->nlists++] = l;
	l->v = nv;
	l->v[l->n++] = v;
	l->v[l->n] = NULL;
	return EXIT_OK;
}

static int help_asked(int argc, char **argv, const cli_spec *spec)
{
	for (int i = 1; i < argc; i++) {
		if (spec->double_dash && !strcmp(argv[i], "--"))
			return 0;
		if (cli_is_help(argv[i]))
			return 1;
	}
	return 0;
}

int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out)
{
	memset(out, 0, sizeof *out);
	if (help_asked(argc, argv, spec)) {
		fputs(_(spec->help), stdout); /* help texts are N_() in the tables */
		return CLI_HELP;
	}
	if (!(out->pos = sh_calloc((size_t)argc + 1, sizeof *out->pos)))
		return cli_fail(spec->cmd, SH_ENOMEM);
	int ex = EXIT_OK;
	for (int i = 1; i < argc && !ex; i++) {
		const char *a = argv[i], *v;
		const cli_option *o = lookup(spec, a, &v);
		if (o) {
			const char *given = o->name;
			if (o->kind != CLI_FLAG && !v)
				v = i + 1 < argc ? argv[++i] : NULL;
			ex = take(spec, out, o, v, given);
		} else if (spec->double_dash && !strcmp(a, "--")) {
			while (++i < argc)
				out->pos[out->npos++] = argv[i];
		} else if (spec->no_positional || (a[0] == '-' && a[1] && !(spec->dash_positional && a[1] != '-'))) {
			ex = cli_usage(spec->cmd, spec->unknown ? spec->unknown : "unknown option '%s'", a);
		} else if (spec->max_pos && out->npos == spec->max_pos) {
			/* too_many may name the argument: "unexpected argument '%s'" */
			ex = cli_usage(spec->cmd, spec->too_many ? spec->too_many : "too many arguments",
				       a);
		} else {
			out->pos[out->npos++] = a;
		}
	}
	if (ex)
		cli_args_free(out);
	return ex;
}

int cli_json_print(json_t *o)
{
	if (!o)
		return cli_fail(NULL, sh_error_set(SH_ENOMEM, "out of memory"));
	size_t fl = JSON_PRESERVE_ORDER | (isatty(STDOUT_FILENO) ? JSON_INDENT(2) : JSON_COMPACT);
	int bad = json_dumpf(o, stdout, fl);
	json_decref(o);
	putchar('\n');
	/* a write that failed (stdout on a full disk) is reported once, in one
	 * line naming the command, by cli_main when the command returns */
	return bad || fflush(stdout) || ferror(stdout) ? EXIT_STORE : EXIT_OK;
}
