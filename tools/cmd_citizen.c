/* The office's side of the citizen's own warehouse (docs/CITIZEN.md):
 * `sohoa reuse --share CODE` at the desk, and the clerk's queue of
 * corrections reported by owners (`sohoa corrections list|apply|reject`).
 * Parsing and printing only: the checks are in the library (sh_wh.h). */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh_wh.h"

static int has_opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name) || (!strncmp(argv[i], name, n) && argv[i][n] == '='))
			return 1;
	return 0;
}

const char *cli_action_of(const char *cmd, int argc, char **argv)
{
	if (!strcmp(cmd, "blobs"))
		return cli_blobs_action(argc, argv); /* cmd_blobs.c */
	return !strcmp(cmd, "reuse") && has_opt(argc, argv, "--share") ? "share-use" : cmd;
}

static const char *const share_help = N_(
	"usage: sohoa reuse --share CODE [--dossier DOSSIER [--attach]] [--json] [--store DIR]\n\n"
	"The papers a citizen shared for reuse (\"Kho của tôi\", a code XXXX-XXXX\n"
	"valid some days): exactly those, still valid. Using the code is a signed\n"
	"log event and each paper read is audited in the context of DOSSIER (the\n"
	"dossier being received); the citizen sees it. --attach puts them into\n"
	"DOSSIER (signed reuse events; the desk needs no attach role for what the\n"
	"citizen shared). Role: desk or clerk.\n");

static int open_store(sh_store **s, const char *cmd, const char *action, const char *store,
		      sh_wh_proc_cat **cat)
{
	int ex = cli_store_open(s, cmd, store, 0);
	if (!ex && (ex = cli_authorize(*s, action)))
		sh_store_close(s);
	if (ex || !cat)
		return ex;
	const char *e = getenv("SOHOA_PROCEDURES");
	char *extra = sh_asprintf("%s/procedures.json", sh_store_dir(*s));
	int rc = extra ? sh_wh_proc_cat_load(cat, e && *e ? e : sh_wh_proc_default_path(), extra)
		       : SH_ENOMEM;
	sh_free(extra);
	if (rc) {
		sh_store_close(s);
		return cli_fail(cmd, rc);
	}
	return EXIT_OK;
}

static void day(char out[16], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

int cmd_reuse_share(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *dossier = NULL;
	int json = 0, attach = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--attach", 0, CLI_FLAG, &attach},
		{"--store", 0, CLI_STR, &store},
		{"--share", 0, CLI_STR, &code},
		{"--dossier", 0, CLI_STR, &dossier},
		{NULL}};
	const cli_spec spec = {"reuse", share_help, opts, "unexpected argument '%s'",
			       .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	if (!code)
		return cli_usage("reuse", "give --share CODE");
	if (dossier && cli_code("reuse", dossier, SH_CODE_DOSSIER))
		return EXIT_USAGE;
	if (attach && !dossier)
		return cli_usage("reuse", "--attach needs --dossier DOSSIER");
	sh_store *s;
	sh_wh_proc_cat *cat = NULL;
	const sh_sign_key *key = NULL;
	sh_wh_share sh;
	int ex = open_store(&s, "reuse", "share-use", store, &cat), rc;
	if (ex)
		return ex;
	if ((rc = cli_signing_key(&key, "reuse")) ||
	    (rc = sh_wh_share_use(s, key, cat, code, dossier, &sh))) {
		ex = cli_fail("reuse", rc);
		goto out;
	}
	for (size_t i = 0; attach && i < sh.npapers; i++) {
		uint64_t idx = 0;
		if ((rc = sh_wh_share_attach(s, key, cat, code, dossier, sh.papers[i], &idx)) &&
		    rc != SH_EEXISTS) {
			ex = cli_fail("reuse", rc);
			goto out;
		}
		if (!json)
			printf("attached %s to %s%s\n", sh.papers[i], dossier,
			       rc == SH_EEXISTS ? " (already there)" : "");
	}
	char exp[16];
	day(exp, sh.expires);
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < sh.npapers; i++)
			json_array_append_new(arr, json_string(sh.papers[i]));
		ex = cli_json_print(json_pack("{s:s, s:s, s:s, s:s, s:o}", "share", sh.code, "owner",
					      sh.owner, "procedure", sh.procedure, "expires", exp,
					      "papers", arr));
	} else {
		printf("share %s: owner %s, procedure %s, valid until %s\n", sh.code, sh.owner,
		       sh.procedure, exp);
		for (size_t i = 0; i < sh.npapers; i++)
			printf("  %s\n", sh.papers[i]);
		if (!sh.npapers)
			printf("  (no paper of the share is valid any more)\n");
	}
out:
	sh_wh_proc_cat_free(&cat);
	sh_store_close(&s);
	return ex;
}

static const char *const corr_help = N_(
	"usage: sohoa corrections list [--all] [--json] [--store DIR]\n"
	"       sohoa corrections apply ID [--value TEXT] [--store DIR]\n"
	"       sohoa corrections reject ID [--store DIR]\n\n"
	"Wrong facts reported by owners in \"Kho của tôi\" (a misread name or date).\n"
	"list: the open reports (--all: every one). apply: the correction becomes a\n"
	"signed `correction` log event about the paper (the value reported, or\n"
	"--value); the original reading stays in the paper and the log. reject:\n"
	"closed without a change. Role: clerk.\n");

static const char *const states[] = {"open", "applied", "rejected"};

int cmd_corrections(int argc, char **argv)
{
	const char *store = NULL, *value = NULL;
	int json = 0, all = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--all", 0, CLI_FLAG, &all},
		{"--store", 0, CLI_STR, &store},
		{"--value", 0, CLI_STR, &value},
		{NULL}};
	const cli_spec spec = {"corrections", corr_help, opts, "unexpected argument '%s'",
			       .max_pos = 2, .too_many = "unexpected argument '%s'"};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	const char *sub = a.npos > 0 ? a.pos[0] : NULL, *ids = a.npos > 1 ? a.pos[1] : NULL;
	int list = sub && !strcmp(sub, "list"), apply = sub && !strcmp(sub, "apply"),
	    reject = sub && !strcmp(sub, "reject");
	char subc[16] = "", idc[24] = "";
	snprintf(subc, sizeof subc, "%s", sub ? sub : "");
	snprintf(idc, sizeof idc, "%s", ids ? ids : "");
	cli_args_free(&a);
	if (!list && !apply && !reject)
		return cli_usage("corrections", "give list, apply ID or reject ID");
	if (list && idc[0])
		return cli_usage("corrections", "unexpected argument '%s'", idc);
	long long id = 0;
	if (!list && (!idc[0] || cli_number("corrections", "ID", idc, 1, (long long)1 << 50, &id)))
		return idc[0] ? EXIT_USAGE : cli_usage("corrections", "give the report's number");
	sh_store *s;
	int ex = open_store(&s, "corrections", "corrections", store, NULL), rc;
	if (ex)
		return ex;
	if (list) {
		sh_wh_correction *r = NULL;
		size_t n = 0;
		if ((rc = sh_wh_correction_list(s, !all, &r, &n))) {
			ex = cli_fail("corrections", rc);
		} else if (json) {
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(
					arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
						       (json_int_t)r[i].id, "paper", r[i].paper, "owner",
						       r[i].owner, "fact", r[i].fact, "value", r[i].value,
						       "note", r[i].note, "by", r[i].by, "state",
						       states[r[i].state % 3]));
			ex = cli_json_print(json_pack("{s:o}", "corrections", arr));
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%llu  %s  %s: '%s'  (%s)  %s\n", (unsigned long long)r[i].id,
				       r[i].paper, r[i].fact, r[i].value, r[i].note,
				       states[r[i].state % 3]);
			if (!n)
				printf("no %scorrection reported\n", all ? "" : "open ");
		}
		sh_free(r);
	} else {
		const sh_sign_key *key = NULL;
		sh_wh_correction r;
		if ((rc = cli_signing_key(&key, "corrections")) ||
		    (rc = sh_wh_correction_apply(s, key, (uint64_t)id, value, reject, &r)))
			ex = cli_fail("corrections", rc);
		else if (reject)
			printf("correction %lld rejected\n", id);
		else
			printf("correction %lld applied to %s: %s = '%s' (signed log entry %llu)\n", id,
			       r.paper, r.fact, r.value, (unsigned long long)r.log_index);
	}
	sh_store_close(&s);
	return ex;
}
