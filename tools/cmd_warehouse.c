/* The warehouse of persons and organisations: owner, revoke, validity,
 * reuse, attach, search, report, user, audit, backup, restore, whoami. */
#define _GNU_SOURCE /* strptime */
#include "cli.h"
#include "sh_repl.h"
#include "sh_wit.h"
#include "sh_auth.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- identity and roles ------------------------------------------------- */

const char *cli_user(void)
{
	static char name[64];
	static int done;
	if (done)
		return name[0] ? name : NULL;
	done = 1;
	const char *e = getenv("SOHOA_USER");
	if (e && *e) {
		snprintf(name, sizeof name, "%s", e);
		return name;
	}
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = xdg && *xdg ? sh_asprintf("%s/sohoa/user", xdg)
				 : sh_asprintf("%s/.config/sohoa/user", home ? home : ".");
	FILE *f = path ? fopen(path, "r") : NULL;
	if (f) {
		if (fgets(name, sizeof name, f))
			name[strcspn(name, " \t\r\n")] = 0;
		fclose(f);
	}
	sh_free(path);
	return name[0] ? name : NULL;
}

int cli_authorize(sh_store *s, const char *cmd)
{
	/* the library's table says what each command needs (deny by default) */
	int rc = sh_wh_session_may(s, cli_user(), cmd);
	return rc ? cli_fail(cmd, rc) : EXIT_OK;
}

int cli_authorize_command(const char *cmd, int argc, char **argv)
{
	const char *store = NULL;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return EXIT_OK;
		if (cli_opt(argc, argv, &i, "--store", &store) < 0)
			return EXIT_OK; /* the command reports the usage error */
	}
	/* archive totals / archive report are actions of their own (the
	 * registry's totals are the admin's, the indicator a report) */
	const char *action = cmd;
	if (!strcmp(cmd, "archive"))
		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--store"))
				i++;
			if (i >= argc || argv[i][0] == '-')
				continue;
			if (!strcmp(argv[i], "totals"))
				action = "archive-totals";
			else if (!strcmp(argv[i], "report"))
				action = "archive-report";
			break;
		}
	char *dir = cli_store_dir(store);
	if (!dir)
		return cli_fail(cmd, SH_ENOMEM);
	sh_store *s = NULL;
	int rc = sh_store_open(&s, dir, SH_STORE_RDONLY), ex = EXIT_OK;
	sh_free(dir);
	if (rc == SH_OK)
		ex = cli_authorize(s, action);
	/* no warehouse yet: the command itself says so (or creates it) */
	sh_store_close(&s);
	return ex;
}

/* Open read-write (reads are audited) and check the operator's role. */
static int open_checked(sh_store **s, const char *cmd, const char *store)
{
	int ex = cli_store_open(s, cmd, store, 0);
	if (!ex && (ex = cli_authorize(*s, cmd)))
		sh_store_close(s);
	return ex;
}

static int load_cat(sh_wh_proc_cat **cat, sh_store *s, const char *cmd)
{
	const char *e = getenv("SOHOA_PROCEDURES");
	char *extra = sh_asprintf("%s/procedures.json", sh_store_dir(s));
	int rc = extra ? sh_wh_proc_cat_load(cat, e && *e ? e : sh_wh_proc_default_path(), extra)
		       : SH_ENOMEM;
	sh_free(extra);
	return rc ? cli_fail(cmd, rc) : EXIT_OK;
}

/* ---- printing ----------------------------------------------------------- */

static void day_of(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

static void until_str(char *buf, size_t n, int64_t until)
{
	if (until == SH_WH_NEVER)
		snprintf(buf, n, "never expires");
	else
		day_of(buf, n, until - 1); /* the last day it is valid */
}

static json_t *paper_json(const sh_wh_owner_paper *p)
{
	char created[16], until[24];
	day_of(created, sizeof created, p->created);
	until_str(until, sizeof until, p->validity.valid_until);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "code", p->code,
			      "kind", p->kind, "dossier", p->dossier, "received", created, "status",
			      sh_wh_validity_status_name(p->validity.status), "validity_source",
			      sh_wh_validity_source_name(p->validity.source), "signature",
			      p->validity.nsigned ? "signed" : "unsigned", "log_entries",
			      p->validity.nsigned, "reused", (int)p->reused);
	json_object_set_new(o, "valid_until", p->validity.valid_until == SH_WH_NEVER
						      ? json_null()
						      : json_string(until));
	if (p->validity.status == SH_WH_REVOKED) {
		char rv[16];
		day_of(rv, sizeof rv, p->validity.revoked_at);
		json_object_set_new(o, "revoked", json_string(rv));
		json_object_set_new(o, "reason", json_string(p->validity.reason));
	}
	json_t *f = p->facts ? json_loads(p->facts, 0, NULL) : NULL;
	json_object_set_new(o, "facts", f ? f : json_object());
	return o;
}

/* The first n bytes of s as a string (for cli_esc). */
static const char *fl_copy(const char *s, int n)
{
	static _Thread_local char b[1024];
	snprintf(b, sizeof b, "%.*s", n, s ? s : "");
	return b;
}

static void paper_line(const sh_wh_owner_paper *p, const char *indent)
{
	char until[24], created[16];
	until_str(until, sizeof until, p->validity.valid_until);
	day_of(created, sizeof created, p->created);
	printf("%s%-8s %s  %s (%s: %s)  %s", indent, p->kind, p->code,
	       sh_wh_validity_status_name(p->validity.status),
	       sh_wh_validity_source_name(p->validity.source), until,
	       p->validity.nsigned ? _("signed") : _("UNSIGNED"));
	if (p->validity.status == SH_WH_REVOKED)
		printf(_("  revoked: %s"), cli_esc(p->validity.reason));
	printf("\n");
	if (p->facts)
		printf(_("%s         received %s, facts %s\n"), indent, created, cli_esc(p->facts));
}

static int dump_json(json_t *o)
{
	return cli_json_print(o);
}

/* ---- owner --------------------------------------------------------------- */

static const char *const owner_help = N_(
	"usage: sohoa owner ID [--json] [--store DIR]\n\n"
	"The papers filed under an owner (a person's 12-digit id, a 10-digit tax\n"
	"code or a 13-digit branch code), newest first: kind, code, validity\n"
	"(valid / expired / revoked, and whether from the printed date, the kind's\n"
	"rule or a clerk), signature state, facts. Every paper listed is recorded\n"
	"in the audit of reads. Role: clerk.\n");

int cmd_owner(int argc, char **argv)
{
	const char *store = NULL, *id = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{NULL}};
	const cli_spec spec = {"owner", owner_help, opts, N_("unexpected argument '%s'"), .max_pos = 1, .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	id = a.npos ? a.pos[0] : NULL;
	cli_args_free(&a);
	if (!id)
		return cli_usage("owner", "whose papers? give the owner id");
	sh_store *s;
	sh_wh_proc_cat *cat = NULL;
	sh_wh_owner_paper *ps = NULL;
	size_t n = 0;
	int ex = open_checked(&s, "owner", store), rc;
	if (ex)
		return ex;
	if ((ex = load_cat(&cat, s, "owner")))
		goto out;
	if ((rc = sh_wh_owner_papers(s, cat, id, 0, &ps, &n))) {
		ex = cli_fail("owner", rc);
		goto out;
	}
	/* the library audited the read of every paper listed */
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, paper_json(&ps[i]));
		ex = dump_json(json_pack("{s:s, s:o}", "owner", id, "papers", arr));
	} else if (!n) {
		cli_note("owner", "no papers are filed under %s", id);
	} else {
		printf(dngettext(SH_TEXTDOMAIN, "owner %s: %zu paper\n", "owner %s: %zu papers\n", n),
		       id, n);
		for (size_t i = 0; i < n; i++)
			paper_line(&ps[i], "  ");
	}
out:
	sh_wh_owner_papers_free(&ps, n);
	sh_wh_proc_cat_free(&cat);
	sh_store_close(&s);
	return ex;
}

/* ---- revoke, validity ----------------------------------------------------- */

static const char *const revoke_help = N_(
	"usage: sohoa revoke CODE --reason TEXT [--store DIR]\n\n"
	"Revoke a paper (Nghị định 45/2020/NĐ-CP Điều 15): the revocation, its time,\n"
	"reason and operator are a signed log event. The paper stays archived and\n"
	"findable, is shown as revoked and is never offered for reuse. Role: clerk.\n");

int cmd_revoke(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *reason = NULL;
	const cli_option opts[] = {
		{"--store", 0, CLI_STR, &store},
		{"--reason", 0, CLI_STR, &reason},
		{NULL}};
	const cli_spec spec = {"revoke", revoke_help, opts, N_("unexpected argument '%s'"), .max_pos = 1, .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	code = a.npos ? a.pos[0] : NULL;
	cli_args_free(&a);
	if (!code || !reason)
		return cli_usage("revoke", "give the paper code and --reason TEXT");
	sh_store *s;
	const sh_sign_key *key = NULL;
	uint64_t index = 0;
	int ex = cli_code("revoke", code, CLI_PAPER), rc;
	if (!ex)
		ex = open_checked(&s, "revoke", store);
	if (ex)
		return ex;
	if ((rc = cli_signing_key(&key, "revoke")) ||
	    (rc = sh_wh_revoke(s, key, code, reason, cli_user(), 0, &index)))
		ex = cli_fail("revoke", rc);
	else
		printf("revoked %s (signed log entry %llu)\n", code, (unsigned long long)index);
	sh_store_close(&s);
	return ex;
}

static const char *const validity_help = N_(
	"usage: sohoa validity CODE [--until YYYY-MM-DD|never] [--json] [--store DIR]\n\n"
	"Show a paper's validity; with --until a clerk sets it (the last valid\n"
	"day, or never), as a signed log event. Role: clerk. --json: {\"code\",\n"
	"\"status\", \"validity_source\", \"valid_until\"} (docs/FORMATS.md).\n");

int cmd_validity(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *until = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--until", 0, CLI_STR, &until},
		{NULL}};
	const cli_spec spec = {"validity", validity_help, opts, N_("unexpected argument '%s'"), .max_pos = 1, .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	code = a.npos ? a.pos[0] : NULL;
	cli_args_free(&a);
	if (!code)
		return cli_usage("validity", "give the paper code");
	int ex = cli_code("validity", code, CLI_PAPER);
	if (ex)
		return ex;
	int64_t t = SH_WH_NEVER;
	if (until && strcmp(until, "never")) {
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		char *end = strptime(until, "%Y-%m-%d", &tm);
		if (!end || *end)
			return cli_usage("validity", "--until takes YYYY-MM-DD or never");
		tm.tm_mday++; /* valid through that day */
		tm.tm_isdst = -1;
		t = (int64_t)mktime(&tm);
	}
	sh_store *s;
	sh_wh_proc_cat *cat = NULL;
	const sh_sign_key *key = NULL;
	int rc = SH_OK;
	ex = open_checked(&s, "validity", store);
	if (ex)
		return ex;
	if (until && ((rc = cli_signing_key(&key, "validity")) ||
		      (rc = sh_wh_validity_set(s, key, code, t, cli_user(), 0, NULL)))) {
		ex = cli_fail("validity", rc);
		goto out;
	}
	if ((ex = load_cat(&cat, s, "validity")))
		goto out;
	sh_wh_validity v;
	if ((rc = sh_wh_validity_of(s, cat, code, 0, &v))) {
		ex = cli_fail("validity", rc);
		goto out;
	}
	char u[24];
	until_str(u, sizeof u, v.valid_until);
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "code", code, "status",
				      sh_wh_validity_status_name(v.status), "validity_source",
				      sh_wh_validity_source_name(v.source));
		if (o) {
			json_object_set_new(o, "valid_until", v.valid_until == SH_WH_NEVER ? json_null()
											 : json_string(u));
			if (v.status == SH_WH_REVOKED)
				json_object_set_new(o, "reason", json_string(v.reason));
		}
		ex = cli_json_print(o);
		goto out;
	}
	printf("%s  %s (%s: %s)%s%s\n", code, sh_wh_validity_status_name(v.status),
	       sh_wh_validity_source_name(v.source), u, v.status == SH_WH_REVOKED ? "  revoked: " : "",
	       v.status == SH_WH_REVOKED ? v.reason : "");
out:
	sh_wh_proc_cat_free(&cat);
	sh_store_close(&s);
	return ex;
}

/* ---- reuse, attach --------------------------------------------------------- */

static const char *const reuse_help = N_(
	"usage: sohoa reuse --owner ID --procedure CODE [--json] [--store DIR]\n\n"
	"For each paper kind the procedure requires (warehouse/procedures.json, and\n"
	"the office's own <warehouse>/procedures.json; kinds and their validity from\n"
	"the kind catalogue kinds.json), the owner's valid papers, newest first, or\n"
	"\"missing — must be submitted\". Attach one with `sohoa attach`.\n"
	"Role: clerk. A citizen's share code: sohoa reuse --share CODE (desk, clerk;\n"
	"see `sohoa reuse --share X --help`).\n");

int cmd_reuse(int argc, char **argv)
{
	if (strcmp(cli_action_of("reuse", argc, argv), "reuse"))
		return cmd_reuse_share(argc, argv); /* a citizen's share code (cmd_citizen.c) */
	const char *store = NULL, *owner = NULL, *proc = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--owner", 0, CLI_STR, &owner},
		{"--procedure", 0, CLI_STR, &proc},
		{NULL}};
	const cli_spec spec = {"reuse", reuse_help, opts, N_("unexpected argument '%s'"), .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	if (!owner || !proc)
		return cli_usage("reuse", "give --owner ID and --procedure CODE");
	sh_store *s;
	sh_wh_proc_cat *cat = NULL;
	sh_wh_reuse *r = NULL;
	int ex = open_checked(&s, "reuse", store), rc;
	if (ex)
		return ex;
	if ((ex = load_cat(&cat, s, "reuse")))
		goto out;
	if ((rc = sh_wh_reuse_plan(s, cat, owner, proc, 0, &r))) {
		ex = cli_fail("reuse", rc);
		goto out;
	}
	/* the library audited every paper offered */
	if (json) {
		json_t *needs = json_array();
		for (size_t i = 0; i < r->nneeds; i++) {
			json_t *arr = json_array();
			for (size_t j = 0; j < r->needs[i].npapers; j++)
				json_array_append_new(arr, paper_json(&r->needs[i].papers[j]));
			json_array_append_new(needs, json_pack("{s:s, s:s, s:b, s:o}", "kind",
							       r->needs[i].kind, "name",
							       r->needs[i].kind_name, "missing",
							       r->needs[i].npapers == 0, "papers",
							       arr));
		}
		ex = dump_json(json_pack("{s:s, s:s, s:s, s:o}", "owner", owner, "procedure", proc, "name",
				    r->name, "kinds", needs));
	} else {
		printf(_("procedure %s %s, owner %s\n"), proc, r->name, owner);
		for (size_t i = 0; i < r->nneeds; i++) {
			const sh_wh_reuse_need *nd = &r->needs[i];
			printf("%s (%s): ", nd->kind, nd->kind_name);
			if (!nd->npapers) {
				fputs(_("missing — must be submitted\n"), stdout);
				continue;
			}
			printf(_("%zu held\n"), nd->npapers);
			for (size_t j = 0; j < nd->npapers; j++)
				paper_line(&nd->papers[j], "  ");
		}
	}
out:
	sh_wh_reuse_free(&r);
	sh_wh_proc_cat_free(&cat);
	sh_store_close(&s);
	return ex;
}

static const char *const attach_help = N_(
	"usage: sohoa attach DOSSIER CODE [--province URL --province-token-file F]\n"
	"                    [--store DIR]\n\n"
	"Put the owner's earlier paper CODE into DOSSIER without re-scanning; the\n"
	"reuse is a signed log event. Refused for revoked or expired papers and\n"
	"for another owner's papers. Role: clerk.\n"
	"A paper of another office that is not here is asked of the province\n"
	"(--province, else $SOHOA_PROVINCE; this office's token there in\n"
	"--province-token-file, else $SOHOA_PROVINCE_TOKEN_FILE): checked with\n"
	"that office's keys trusted here (sohoa office add), filed and attached\n"
	"in one transaction. Exit 5: the province does not answer; 6: its answer\n"
	"does not verify (docs/REPLICATION.md).\n");

int cmd_attach(int argc, char **argv)
{
	const char *store = NULL, *args[2] = {NULL, NULL}, *purl = NULL, *ptokf = NULL;
	int na = 0;
	const cli_option opts[] = {
		{"--store", 0, CLI_STR, &store},
		{"--province", 0, CLI_STR, &purl},
		{"--province-token-file", 0, CLI_STR, &ptokf},
		{NULL}};
	const cli_spec spec = {"attach", attach_help, opts, N_("unexpected argument '%s'"), .max_pos = 2, .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	for (size_t i = 0; i < a.npos; i++)
		args[na++] = a.pos[i];
	cli_args_free(&a);
	if (na != 2)
		return cli_usage("attach", "give the dossier code and the paper code");
	if (!purl && getenv("SOHOA_PROVINCE") && *getenv("SOHOA_PROVINCE"))
		purl = getenv("SOHOA_PROVINCE");
	if (!ptokf && getenv("SOHOA_PROVINCE_TOKEN_FILE") && *getenv("SOHOA_PROVINCE_TOKEN_FILE"))
		ptokf = getenv("SOHOA_PROVINCE_TOKEN_FILE");
	if (purl && !ptokf)
		return cli_usage("attach", "give the province's token: --province-token-file F");
	char ptok[65] = "";
	int trc = purl ? cli_read_token(ptokf, ptok) : SH_OK;
	if (trc)
		return cli_fail("attach", trc);
	sh_repl_options prov = {.url = purl, .token = ptok};
	sh_store *s;
	sh_wh_proc_cat *cat = NULL;
	const sh_sign_key *key = NULL;
	uint64_t index = 0;
	int ex = cli_code("attach", args[0], SH_CODE_DOSSIER), rc;
	if (!ex)
		ex = cli_code("attach", args[1], CLI_PAPER);
	if (!ex)
		ex = open_checked(&s, "attach", store);
	if (ex)
		return ex;
	if ((ex = load_cat(&cat, s, "attach")))
		goto out;
	if ((rc = cli_signing_key(&key, "attach")) ||
	    (rc = sh_repl_attach(s, key, cat, purl ? &prov : NULL, args[0], args[1], cli_user(),
				 0, &index)))
		ex = cli_fail("attach", rc);
	else
		printf("attached %s to %s (signed log entry %llu)\n", args[1], args[0],
		       (unsigned long long)index);
out:
	memset(ptok, 0, sizeof ptok);
	sh_wh_proc_cat_free(&cat);
	sh_store_close(&s);
	return ex;
}

/* ---- search ----------------------------------------------------------------- */

/* First line of the paper's text holding a query word (folded compare). */
static char *snippet(const sh_store_paper_rec *p, const char *query)
{
	char *fq = NULL;
	if (sh_text_fold(&fq, query, strlen(query)))
		return NULL;
	char *first = strtok(fq, " \t");
	char *res = NULL;
	for (size_t i = 0; i < p->npages && !res && first; i++) {
		const char *t = p->pages[i].text;
		while (*t && !res) {
			const char *e = strchr(t, '\n');
			size_t n = e ? (size_t)(e - t) : strlen(t);
			char *fl = NULL;
			if (n && !sh_text_fold(&fl, t, n)) {
				if (strstr(fl, first))
					res = sh_strndup(t, n);
				sh_free(fl);
			}
			t += n + (e ? 1 : 0);
		}
	}
	sh_free(fq);
	/* found by its kind or facts rather than its text: its first line */
	for (size_t i = 0; i < p->npages && !res; i++) {
		const char *t = p->pages[i].text;
		while (*t == '\n' || *t == ' ')
			t++;
		if (*t)
			res = sh_strndup(t, strcspn(t, "\n"));
	}
	return res;
}

static const char *const search_help = N_(
	"usage: sohoa %s WORDS... [--owner ID] [--kind KIND] [--agency ID]\n"
	"                    [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N]\n"
	"                    [--json] [--store DIR]\n\n"
	"Papers holding every word, in their OCR text; case and diacritics are\n"
	"optional (\"giay khai sinh\" finds \"Giấy khai sinh\", \"dang\" finds \"Đặng\"),\n"
	"words typed exactly rank first. Filters: owner, kind code, receiving\n"
	"agency, receipt dates. Results listed are recorded in the audit of reads.\n"
	"`sohoa find` is the same command. Role: clerk.\n");

int cmd_search(int argc, char **argv)
{
	const char *store = NULL, *limit_s = NULL;
	sh_wh_filter f = {0};
	int json = 0;
	sh_buf q = SH_BUF_INIT;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--limit", 0, CLI_STR, &limit_s},
		{"--owner", 0, CLI_STR, &f.owner},
		{"--kind", 0, CLI_STR, &f.kind},
		{"--agency", 0, CLI_STR, &f.agency},
		{"--from", 0, CLI_STR, &f.from},
		{"--to", 0, CLI_STR, &f.to},
		{NULL}};
	/* also run as `find` (argv[0]): messages, help and audit name it */
	const char *cmd = !strcmp(argv[0], "find") ? "find" : "search";
	char *help = sh_asprintf(_(search_help), cmd);
	const cli_spec spec = {cmd, help ? help : "", opts, .dash_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	sh_free(help);
	if (pex)
		return CLI_DONE(pex);
	for (size_t i = 0; i < a.npos; i++) {
		if (q.len)
			sh_buf_puts(&q, " ");
		sh_buf_puts(&q, a.pos[i]);
	}
	cli_args_free(&a);
	if (!q.len) { /* empty words may have grown the buffer */
		sh_buf_free(&q);
		return cli_usage(cmd, "give the words to look for");
	}
	long long limit = 50;
	if (limit_s && cli_number(cmd, "--limit", limit_s, 0, LLONG_MAX, &limit)) {
		sh_buf_free(&q);
		return EXIT_USAGE;
	}
	sh_store *s;
	int ex = open_checked(&s, cmd, store), rc;
	if (ex) {
		sh_buf_free(&q);
		return ex;
	}
	sh_wh_hit *hits = NULL;
	size_t n = 0;
	if ((rc = sh_wh_search(s, (char *)q.data, &f, (size_t)limit, &hits, &n))) {
		ex = cli_fail(cmd, rc);
		goto out;
	}
	/* the library audited every hit */
	json_t *arr = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		sh_store_paper_rec *p = NULL;
		if (sh_store_paper_get(s, hits[i].code, &p))
			continue;
		const char *first = p->npages ? p->pages[0].text : "";
		size_t fl = strcspn(first, "\n");
		char *snip = snippet(p, (char *)q.data);
		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:f, s:s%, s:s, s:s}",
							     "code", p->code, "dossier", p->dossier,
							     "owner", p->owner, "kind", p->kind, "score",
							     hits[i].score, "first_line", first, fl,
							     "file", p->file ? p->file : "", "snippet",
							     snip ? snip : ""));
		else /* the file last: what `find` showed before it became search */
			printf("%s\t%s\t%s\t%s\t%s\n", p->code, cli_esc(p->kind), cli_esc(p->owner),
			       cli_esc(fl_copy(first, fl)), cli_esc(p->file));
		sh_free(snip);
		sh_store_paper_rec_free(&p);
	}
	if (json)
		ex = dump_json(arr);
	else if (!n)
		cli_note(cmd, "no paper holds all of: %s", (char *)q.data);
out:
	sh_free(hits);
	sh_buf_free(&q);
	sh_store_close(&s);
	return ex;
}

/* ---- report ------------------------------------------------------------------- */

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static const char *const report_help = N_(
	"usage: sohoa report --from YYYY-MM-DD --to YYYY-MM-DD\n"
	"                    [--by agency|procedure] [--json|--csv] [--store DIR]\n\n"
	"For the dossiers received in the period (both days included): dossiers\n"
	"received, papers digitised, share of dossiers fully digitised (every paper\n"
	"imaged, none to review), results issued electronically, papers reused and\n"
	"share of dossiers that reused at least one, and share of owners asked for\n"
	"no paper the warehouse already held valid. Role: clerk, archivist, admin.\n");

/* The indicators as text, CSV or JSON (the local report and report
 * --server print the same). */
void cli_report_print(const sh_wh_report_row *rows, size_t n, const char *from, const char *to,
		      int by, int json, int csv, json_t *backlog)
{
	const char *gname = by == SH_WH_REPORT_AGENCY ? "agency" : "procedure";
	if (csv)
		printf("%s,dossiers,papers,dossiers_fully_digitised,share_fully_digitised,"
		       "results_electronic,papers_reused,dossiers_reusing,share_dossiers_reusing,"
		       "owners,owners_not_asked,share_owners_not_asked\n",
		       by ? gname : "group");
	json_t *arr = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		const sh_wh_report_row *r = &rows[i];
		const char *g = i == 0 ? "total" : r->group;
		if (json) {
			json_t *o = json_pack(
				"{s:s, s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:f, s:I, s:I, s:f}", "group", g,
				"dossiers", (json_int_t)r->dossiers, "papers", (json_int_t)r->papers,
				"dossiers_fully_digitised", (json_int_t)r->dossiers_full,
				"share_fully_digitised", pct(r->dossiers_full, r->dossiers),
				"results_electronic", (json_int_t)r->results, "papers_reused",
				(json_int_t)r->reused, "dossiers_reusing",
				(json_int_t)r->dossiers_reusing, "share_dossiers_reusing",
				pct(r->dossiers_reusing, r->dossiers), "owners", (json_int_t)r->owners,
				"owners_not_asked", (json_int_t)r->owners_not_asked,
				"share_owners_not_asked", pct(r->owners_not_asked, r->owners));
			json_array_append_new(arr, o);
		} else if (csv) {
			printf("%s,%zu,%zu,%zu,%.1f,%zu,%zu,%zu,%.1f,%zu,%zu,%.1f\n", g, r->dossiers,
			       r->papers, r->dossiers_full, pct(r->dossiers_full, r->dossiers),
			       r->results, r->reused, r->dossiers_reusing,
			       pct(r->dossiers_reusing, r->dossiers), r->owners, r->owners_not_asked,
			       pct(r->owners_not_asked, r->owners));
		} else {
			/* the headers in the operator's language (the CSV and JSON
			 * names stay English: they are formats) */
			printf(_("%s%s %s to %s\n"), i ? "\n" : "", i ? g : _("total,"), from, to);
			printf(_("  dossiers received              %zu\n"), r->dossiers);
			printf(_("  papers digitised               %zu\n"), r->papers);
			printf(_("  dossiers fully digitised       %zu (%.1f%%)\n"), r->dossiers_full,
			       pct(r->dossiers_full, r->dossiers));
			printf(_("  results issued electronically  %zu\n"), r->results);
			printf(_("  papers reused                  %zu\n"), r->reused);
			printf(_("  dossiers reusing a paper       %zu (%.1f%%)\n"), r->dossiers_reusing,
			       pct(r->dossiers_reusing, r->dossiers));
			printf(_("  owners asked for nothing held  %zu of %zu (%.1f%%)\n"),
			       r->owners_not_asked, r->owners, pct(r->owners_not_asked, r->owners));
		}
	}
	if (json)
		(void)dump_json(json_pack("{s:s, s:s, s:s, s:o, s:O*}", "from", from, "to", to, "by",
				    by ? gname : "total", "rows", arr, "backlog", backlog));
}

int cmd_report(int argc, char **argv)
{
	const char *store = NULL, *from = NULL, *to = NULL, *by_s = NULL;
	int json = 0, csv = 0, by = SH_WH_REPORT_TOTAL;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--csv", 0, CLI_FLAG, &csv},
		{"--store", 0, CLI_STR, &store},
		{"--from", 0, CLI_STR, &from},
		{"--to", 0, CLI_STR, &to},
		{"--by", 0, CLI_STR, &by_s},
		{NULL}};
	const cli_spec spec = {"report", report_help, opts, "unexpected argument '%s'", .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	if (!from || !to)
		return cli_usage("report", "give --from YYYY-MM-DD and --to YYYY-MM-DD");
	if (json && csv)
		return cli_usage("report", "choose --json or --csv");
	if (by_s && !strcmp(by_s, "agency"))
		by = SH_WH_REPORT_AGENCY;
	else if (by_s && !strcmp(by_s, "procedure"))
		by = SH_WH_REPORT_PROCEDURE;
	else if (by_s)
		return cli_usage("report", "--by takes agency or procedure");
	sh_store *s;
	sh_wh_proc_cat *cat = NULL;
	sh_wh_report_row *rows = NULL;
	size_t n = 0;
	int ex = open_checked(&s, "report", store), rc;
	if (ex)
		return ex;
	if ((ex = load_cat(&cat, s, "report")))
		goto out;
	if ((rc = sh_wh_report(s, cat, from, to, by, &rows, &n))) {
		ex = cli_fail("report", rc);
		goto out;
	}
	/* the backlog's digitising indicator for the same months (docs/ARCHIVE.md) */
	sh_wh_backlog_report_t bl;
	char fm[8], tm[8];
	snprintf(fm, sizeof fm, "%.7s", from);
	snprintf(tm, sizeof tm, "%.7s", to);
	int have_bl = !csv && !sh_wh_backlog_report(s, fm, tm, &bl);
	json_t *bj = NULL;
	if (json) {
		char *t = have_bl ? sh_wh_backlog_report_json(&bl) : NULL;
		bj = t ? json_loads(t, 0, NULL) : NULL;
		sh_free(t);
	}
	cli_report_print(rows, n, from, to, by, json, csv, json ? (bj ? bj : json_null()) : NULL);
	json_decref(bj);
	if (!json && have_bl) {
		size_t shown = 0;
		for (size_t i = 0; i < bl.nrows; i++) {
			const sh_wh_backlog_row *w = &bl.rows[i];
			if (w->kind[0]) /* the levels' totals only; archive report has the kinds */
				continue;
			if (!shown++)
				printf(_("\nbacklog digitised to %s (archive report)\n"), tm);
			printf("  %-9s %zu of %llu", w->level[0] ? w->level : "-", w->digitised,
			       (unsigned long long)w->in_force);
			if (w->in_force)
				printf(" (%.1f%%, target %d%%)", pct(w->digitised, w->in_force), w->target);
			printf("\n");
		}
	}
	if (have_bl)
		sh_wh_backlog_report_free(&bl);
out:
	sh_free(rows);
	sh_wh_proc_cat_free(&cat);
	sh_store_close(&s);
	return ex;
}

/* ---- user, audit, whoami ------------------------------------------------------- */

static const char *const user_help = N_(
	"usage: sohoa user add NAME --role desk|clerk|archivist|admin\n"
	"                      [--password-file FILE]\n"
	"       sohoa user passwd NAME --password-file FILE\n"
	"       sohoa user disable NAME\n"
	"       sohoa user del NAME\n"
	"       sohoa user list [--json]\n\n"
	"Operators and their roles: desk (scan and receive), clerk (search and\n"
	"reuse), archivist (verify and export), admin (keys and users). The\n"
	"operator is $SOHOA_USER, else the first word of ~/.config/sohoa/user.\n"
	"While no operator exists every command is allowed: add the first with\n"
	"--role admin. A password (the first line of FILE) lets the operator log\n"
	"in to the office server (sohoa serve); it is kept as an Argon2id hash\n"
	"(docs/SERVER.md). A disabled operator cannot log in. Role: admin.\n"
	"list --json: {\"users\": [{\"name\", \"role\", \"disabled\"}]} (docs/FORMATS.md).\n");

int cmd_user(int argc, char **argv)
{
	const char *store = NULL, *role_s = NULL, *verb = NULL, *name = NULL, *pfile = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--role", 0, CLI_STR, &role_s},
		{"--password-file", 0, CLI_STR, &pfile},
		{NULL}};
	const cli_spec spec = {"user", user_help, opts, .max_pos = 2, .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	verb = a.npos ? a.pos[0] : NULL;
	name = a.npos > 1 ? a.pos[1] : NULL;
	cli_args_free(&a);
	static const char *const verbs[] = {"add", "del", "list", "passwd", "disable"};
	int known = 0;
	for (size_t i = 0; verb && i < sizeof verbs / sizeof *verbs; i++)
		known |= !strcmp(verb, verbs[i]);
	if (!known || (strcmp(verb, "list") && !name))
		return cli_usage("user", "use: user add NAME --role ROLE [--password-file F] | user "
					 "passwd NAME --password-file F | user disable NAME | user "
					 "del NAME | user list");
	int role = 0;
	if (!strcmp(verb, "add") && !(role = sh_wh_role_parse(role_s)))
		return cli_usage("user", "--role takes desk, clerk, archivist or admin");
	if (!strcmp(verb, "passwd") && !pfile)
		return cli_usage("user", "passwd needs --password-file FILE");
	if (pfile && strcmp(verb, "add") && strcmp(verb, "passwd"))
		return cli_usage("user", "--password-file goes with add or passwd");
	if (json && strcmp(verb, "list"))
		return cli_usage("user", "--json goes with list");
	char *pw = NULL;
	char enc[SH_AUTH_ENCODED_MAX];
	int rc = SH_OK;
	/* the password is read and hashed before anything is stored */
	if (pfile && ((rc = sh_auth_password_file(&pw, pfile)) ||
		      (rc = sh_auth_hash(enc, pw, strlen(pw))))) {
		sh_auth_wipe_free(pw);
		return cli_fail("user", rc);
	}
	sh_auth_wipe_free(pw);
	sh_store *s;
	int ex = open_checked(&s, "user", store);
	if (ex)
		return ex;
	if (!strcmp(verb, "add")) {
		if (!(rc = sh_wh_user_add(s, name, role)) && pfile &&
		    (rc = sh_wh_cred_set(s, name, enc)))
			sh_wh_user_del(s, name); /* not half-added */
		if (!rc)
			printf("operator %s added with the role %s%s\n", name, sh_wh_role_name(role),
			       pfile ? " and a password" : "");
	} else if (!strcmp(verb, "passwd")) {
		if (!(rc = sh_wh_cred_set(s, name, enc)))
			printf("password of %s set\n", name);
	} else if (!strcmp(verb, "disable")) {
		if (!(rc = sh_wh_user_disable(s, name, 1)))
			printf("operator %s disabled: they cannot log in\n", name);
	} else if (!strcmp(verb, "del")) {
		if (!(rc = sh_wh_user_del(s, name)))
			printf("operator %s removed\n", name);
	} else {
		sh_wh_user *us = NULL;
		size_t n = 0;
		json_t *arr = json ? json_array() : NULL;
		if (json && !arr)
			rc = sh_error_set(SH_ENOMEM, "out of memory");
		if (!rc && !(rc = sh_wh_user_list(s, &us, &n)))
			for (size_t i = 0; i < n; i++) {
				int r2 = 0, dis = 0;
				sh_wh_cred_get(s, us[i].name, &r2, NULL, &dis);
				if (json) {
					json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "name",
									     us[i].name, "role",
									     sh_wh_role_name(us[i].role),
									     "disabled", dis));
					continue;
				}
				printf("%s\t%s%s\n", us[i].name, sh_wh_role_name(us[i].role),
				       dis ? "\tdisabled" : "");
			}
		if (json && !rc)
			ex = cli_json_print(json_pack("{s:O}", "users", arr));
		json_decref(arr);
		sh_free(us);
	}
	memset(enc, 0, sizeof enc);
	if (rc)
		ex = cli_fail("user", rc);
	sh_store_close(&s);
	return ex;
}

static const char *const audit_help = N_(
	"usage: sohoa audit [--user NAME] [--code PAPER] [--json] [--store DIR]\n"
	"       sohoa audit seal [--store DIR]\n\n"
	"The audit trail: reads of personal papers and operator changes, with\n"
	"sequence, time, operator, command, paper (or operator), dossier (or role).\n"
	"Its rows form a hash chain sealed in the signed log by every signed write;\n"
	"`audit seal` seals it now with the signing key (docs/SIGNING.md §8).\n"
	"Role: archivist, admin.\n");

int cmd_audit(int argc, char **argv)
{
	const char *store = NULL, *user = NULL, *code = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--user", 0, CLI_STR, &user},
		{"--code", 0, CLI_STR, &code},
		{NULL}};
	const cli_spec spec = {"audit", audit_help, opts, N_("unexpected argument '%s'"), .max_pos = 1};
	cli_args args;
	int pex = cli_parse(&spec, argc, argv, &args);
	if (pex)
		return CLI_DONE(pex);
	int seal = args.npos && !strcmp(args.pos[0], "seal"), bad = args.npos && !seal;
	cli_args_free(&args);
	if (bad)
		return cli_usage("audit", "the only word audit takes is 'seal'");
	if (seal && (user || code || json))
		return cli_usage("audit", "audit seal takes no --user, --code or --json");
	if (seal) {
		sh_store *ss;
		const sh_sign_key *key = NULL;
		int ex2 = open_checked(&ss, "audit", store), rc2;
		if (ex2)
			return ex2;
		if ((rc2 = cli_signing_key(&key, "audit")) || (rc2 = sh_wh_audit_seal(ss, key)))
			ex2 = cli_fail("audit", rc2);
		else
			printf("audit trail sealed in the signed log\n");
		sh_store_close(&ss);
		return ex2;
	}
	sh_store *s;
	sh_wh_audit_rec *a = NULL;
	size_t n = 0;
	int ex = code ? cli_code("audit", code, CLI_PAPER) : EXIT_OK, rc;
	if (!ex)
		ex = open_checked(&s, "audit", store);
	if (ex)
		return ex;
	if ((rc = sh_wh_audit_list(s, user, code, &a, &n))) {
		ex = cli_fail("audit", rc);
	} else {
		json_t *arr = json ? json_array() : NULL;
		for (size_t i = 0; i < n; i++) {
			char when[32];
			time_t tt = (time_t)a[i].when;
			struct tm tm;
			localtime_r(&tt, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
			if (json)
				json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}",
								     "seq", (json_int_t)a[i].seq, "when",
								     when, "user", a[i].user, "command",
								     a[i].command, "code", a[i].code,
								     "dossier", a[i].dossier));
			else
				printf("%llu\t%s\t%s\t%s\t%s\t%s\n", (unsigned long long)a[i].seq, when,
				       cli_esc(a[i].user), cli_esc(a[i].command), cli_esc(a[i].code),
				       cli_esc(a[i].dossier));
		}
		if (json)
			ex = dump_json(arr);
	}
	sh_free(a);
	sh_store_close(&s);
	return ex;
}

static const char *const whoami_help = N_(
	"usage: sohoa whoami [--json] [--store DIR]\n\n"
	"The operator this program runs as and their role. --json: {\"user\",\n"
	"\"role\", \"operators_defined\"} (docs/FORMATS.md).\n");

int cmd_whoami(int argc, char **argv)
{
	const char *store = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{NULL}};
	const cli_spec spec = {"whoami", whoami_help, opts, N_("unexpected argument '%s'"), .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	sh_store *s;
	int ex = cli_store_open(&s, "whoami", store, SH_STORE_RDONLY), role = 0;
	if (ex)
		return ex;
	const char *u = cli_user();
	int rc = u ? sh_wh_user_role(s, u, &role) : SH_ENOTFOUND;
	sh_wh_user *us = NULL;
	size_t n = 0;
	sh_wh_user_list(s, &us, &n);
	sh_free(us);
	if (json && (!n || !rc))
		ex = cli_json_print(json_pack("{s:o, s:o, s:b}", "user", u ? json_string(u) : json_null(),
					      "role", n ? json_string(sh_wh_role_name(role)) : json_null(),
					      "operators_defined", n > 0));
	else if (!n)
		printf("%s (no operators defined yet: every command is allowed)\n", u ? u : "-");
	else if (rc)
		ex = cli_fail("whoami", sh_error_set(SH_EPERM, "'%s' is not an operator of this "
							       "warehouse", u ? u : ""));
	else
		printf("%s\t%s\n", u, sh_wh_role_name(role));
	sh_store_close(&s);
	return ex;
}

/* ---- backup, restore ------------------------------------------------------------ */

static const char *const backup_help = N_(
	"usage: sohoa backup DEST [--store DIR]\n\n"
	"Write a consistent, compacted copy of the warehouse into the folder DEST\n"
	"while the desks keep working. Role: archivist, admin.\n");

int cmd_backup(int argc, char **argv)
{
	const char *store = NULL, *dest = NULL;
	const cli_option opts[] = {
		{"--store", 0, CLI_STR, &store},
		{NULL}};
	const cli_spec spec = {"backup", backup_help, opts, N_("unexpected argument '%s'"), .max_pos = 1, .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	dest = a.npos ? a.pos[0] : NULL;
	cli_args_free(&a);
	if (!dest)
		return cli_usage("backup", "give the destination folder");
	sh_store *s;
	int ex = cli_store_open(&s, "backup", store, SH_STORE_RDONLY), rc;
	if (ex)
		return ex;
	if ((ex = cli_authorize(s, "backup")))
		goto out;
	cli_meter m;
	cli_meter_start(&m, "backup", "bytes", 0);
	if ((rc = sh_wh_backup_progress(s, dest, cli_meter_fn(&m), &m)))
		ex = cli_fail("backup", rc);
	else
		printf("backup written to %s\n", dest);
out:
	sh_store_close(&s);
	return ex;
}

static const char *const restore_help = N_(
	"usage: sohoa restore SRC [--replace] [--accept-rollback] [--store DIR]\n\n"
	"Restore the backup in folder SRC as the warehouse. The backup is checked\n"
	"first. When the warehouse has witnesses, a backup whose log is shorter\n"
	"than (or not a prefix of) the latest checkpoint they cosigned is refused\n"
	"(exit 6, naming the sizes): it would roll the warehouse back. With\n"
	"--accept-rollback it is restored anyway, and the dossier code sequence\n"
	"continues above the witnessed log's, so no code is issued twice;\n"
	"`verify --all` keeps reporting the rollback. An existing warehouse is moved\n"
	"aside to <warehouse>/replaced-<time>/ only with --replace (stop the desks\n"
	"first). Role: admin.\n");

int cmd_restore(int argc, char **argv)
{
	const char *store = NULL, *src = NULL;
	int replace = 0, accept = 0;
	const cli_option opts[] = {
		{"--replace", 0, CLI_FLAG, &replace},
		{"--accept-rollback", 0, CLI_FLAG, &accept},
		{"--store", 0, CLI_STR, &store},
		{NULL}};
	const cli_spec spec = {"restore", restore_help, opts, N_("unexpected argument '%s'"), .max_pos = 1, .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	src = a.npos ? a.pos[0] : NULL;
	cli_args_free(&a);
	if (!src)
		return cli_usage("restore", "give the backup folder");
	char *dir = cli_store_dir(store);
	if (!dir)
		return cli_fail("restore", SH_ENOMEM);
	int ex = EXIT_OK;
	sh_store *s = NULL;
	/* the current warehouse's operators decide (none there: bootstrap) */
	if (sh_store_open(&s, dir, SH_STORE_RDONLY) == SH_OK) {
		ex = cli_authorize(s, "restore");
		sh_store_close(&s);
	}
	if (!ex) {
		int rc = sh_wit_restore(src, dir, replace, accept);
		if (rc)
			ex = cli_fail("restore", rc);
		else
			printf("restored %s into %s\n", src, dir);
	}
	sh_free(dir);
	return ex;
}
