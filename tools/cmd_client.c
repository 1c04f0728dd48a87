/* The command line as a client of the office server (docs/SERVER.md "The
 * command line as a client"): `sohoa login`, `sohoa logout`, and with
 * --server URL (or $SOHOA_SERVER) ingest, search/find, owner, reuse,
 * attach, result, revoke, verify, export-proof and report ask the server
 * (sh_client.h) instead of a local warehouse, printing what the local
 * command prints (scan and watch: cmd_scan.c). */
#include "cli.h"
#include "sh_auth.h"
#include "sh_client.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char *const login_help = N_(
	"usage: sohoa login --server URL USER [--password-file FILE]\n"
	"       sohoa logout\n\n"
	"Log in to the office server (sohoa serve). The password is the first line\n"
	"of FILE, else read from the terminal without echo. The session (its cookie\n"
	"and CSRF token) is saved, mode 0600, in ~/.config/sohoa/session; then\n"
	"--server URL (or SOHOA_SERVER) makes ingest, scan, watch, search, find,\n"
	"owner, reuse, attach, result, revoke, verify, export-proof and report talk\n"
	"to that server. A capture station uses SOHOA_STATION_TOKEN instead of a\n"
	"login (ingest, scan and watch).\n");

static int read_tty_password(char **out)
{
	*out = NULL;
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return sh_error_set(SH_EINVAL, "no terminal to read the password from: give "
					       "--password-file FILE");
	fputs("password: ", tty);
	fflush(tty);
	struct termios old, quiet;
	int fd = fileno(tty), echo_off = tcgetattr(fd, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	char buf[1100];
	char *l = fgets(buf, sizeof buf, tty);
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputs("\n", tty);
	fclose(tty);
	if (!l)
		return sh_error_set(SH_EINVAL, "no password given");
	buf[strcspn(buf, "\r\n")] = 0;
	*out = sh_strdup(buf);
	memset(buf, 0, sizeof buf);
	return *out ? SH_OK : SH_ENOMEM;
}

int cmd_login(int argc, char **argv)
{
	const char *server = NULL, *pfile = NULL;
	const cli_option opts[] = {{"--server", 0, CLI_STR, &server},
				   {"--password-file", 0, CLI_STR, &pfile}, {NULL}};
	const cli_spec spec = {"login", login_help, opts, .max_pos = 1,
			       .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	const char *user = a.npos ? a.pos[0] : NULL;
	if (!server)
		server = getenv("SOHOA_SERVER");
	if (!user || !server || !*server) {
		cli_args_free(&a);
		return cli_usage("login", "use: login --server URL USER [--password-file FILE]");
	}
	char *pw = NULL;
	int rc = pfile ? sh_auth_password_file(&pw, pfile) : read_tty_password(&pw);
	if (!rc)
		rc = sh_client_login(server, user, pw, strlen(pw));
	sh_auth_wipe_free(pw);
	if (!rc)
		printf("logged in to %s as %s\n", server, user);
	cli_args_free(&a);
	return rc ? cli_fail("login", rc) : EXIT_OK;
}

int cmd_logout(int argc, char **argv)
{
	const cli_option opts[] = {{NULL}};
	const cli_spec spec = {"logout", login_help, opts, .max_pos = 0, .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	int rc = sh_client_logout();
	if (!rc)
		printf("logged out\n");
	return rc ? cli_fail("logout", rc) : EXIT_OK;
}

/* ---- --server: the remote forms --------------------------------------------- */

/* The server asked for: --server URL among the arguments (removed from
 * argv), else $SOHOA_SERVER; NULL when neither. */
const char *cli_server_arg(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		const char *v = NULL;
		int skip = 0;
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--server") && i + 1 < *argc)
			v = argv[i + 1], skip = 2;
		else if (!strncmp(argv[i], "--server=", 9))
			v = argv[i] + 9, skip = 1;
		if (v) {
			memmove(&argv[i], &argv[i + skip], (size_t)(*argc - i - skip + 1) * sizeof *argv);
			*argc -= skip;
			return v;
		}
	}
	const char *e = getenv("SOHOA_SERVER");
	return e && *e ? e : NULL;
}

static json_t *parse(const sh_buf *b)
{
	return json_loadb((const char *)b->data, b->len, 0, NULL);
}

/* The server's JSON in the program's style (docs/FORMATS.md "JSON output"),
 * or as it came when it does not parse. */
static void print_json(const sh_buf *b)
{
	json_t *o = parse(b);
	if (o) {
		cli_json_print(o);
		return;
	}
	fwrite(b->data, 1, b->len, stdout);
	if (!b->len || b->data[b->len - 1] != '\n')
		putchar('\n');
}

/* A string member, escaped for stdout: what a server sends cannot forge lines. */
static const char *s_(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? cli_esc(v) : "";
}

/* Query string: pairs of name, value (value NULL: left out). */
static char *query(const char *path, const char *const *kv, size_t n)
{
	sh_buf b = SH_BUF_INIT;
	int rc = sh_buf_puts(&b, path), first = 1;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!kv[2 * i + 1])
			continue;
		char *e = NULL;
		if ((rc = sh_client_escape(&e, kv[2 * i + 1])))
			break;
		rc = sh_buf_printf(&b, "%c%s=%s", first ? '?' : '&', kv[2 * i], e);
		first = 0;
		sh_free(e);
	}
	if (!rc)
		rc = sh_buf_put(&b, "", 1);
	if (rc) {
		sh_buf_free(&b);
		return NULL;
	}
	return (char *)b.data;
}

static char *seg(const char *fmt, const char *v)
{
	char *e = NULL;
	if (sh_client_escape(&e, v))
		return NULL;
	char *p = sh_asprintf(fmt, e);
	sh_free(e);
	return p;
}

/* A capture station may not upload a dossier at once: it stages a batch,
 * adds each file's pages (each file one paper), splits and commits; *out
 * the commit's answer (the JSON of an upload). */
static int station_ingest(sh_client *c, const char *owner, const char *proc,
			  const char *const *files, size_t n, sh_buf *out)
{
	json_t *req = json_pack("{s:s, s:s}", "owner", owner, "procedure", proc);
	char *rj = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!rj)
		return sh_error_set(SH_EINVAL, "owner and procedure must be UTF-8");
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_client_post(c, "/api/v1/batches", rj, &st, &b);
	free(rj);
	json_t *o = rc ? NULL : parse(&b);
	sh_buf_free(&b);
	char *base = o ? seg("/api/v1/batches/%s", s_(o, "batch")) : NULL;
	json_decref(o);
	if (!rc && !base)
		rc = SH_ENOMEM;
	json_t *starts = json_array();
	size_t pages = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		char *p = sh_asprintf("%s/pages", base);
		rc = p ? sh_client_upload(c, p, NULL, 0, &files[i], 1, &st, &b) : SH_ENOMEM;
		sh_free(p);
		json_array_append_new(starts, json_integer((json_int_t)pages));
		o = rc ? NULL : parse(&b);
		pages = json_array_size(json_object_get(o, "pages"));
		json_decref(o);
		sh_buf_free(&b);
	}
	if (!rc && n > 1) {
		json_t *sp = json_pack("{s:O}", "positions", starts);
		char *sj = json_dumps(sp, JSON_COMPACT), *p = sh_asprintf("%s/split", base);
		rc = sj && p ? sh_client_post(c, p, sj, &st, &b) : SH_ENOMEM;
		json_decref(sp);
		free(sj);
		sh_free(p);
		sh_buf_free(&b);
	}
	json_decref(starts);
	if (!rc) {
		char *p = sh_asprintf("%s/commit", base);
		rc = p ? sh_client_post(c, p, NULL, &st, out) : SH_ENOMEM;
		sh_free(p);
	}
	sh_free(base);
	return rc;
}

int cli_remote_ingest(sh_client *c, const char *owner, const char *proc,
		      const char *const *files, size_t n, sh_buf *out)
{
	const char *fields[] = {"owner", owner, "procedure", proc};
	long st;
	return sh_client_is_station(c) ? station_ingest(c, owner, proc, files, n, out)
				       : sh_client_upload(c, "/api/v1/dossiers", fields, 2, files, n,
							  &st, out);
}

void cli_remote_print_upload(const sh_buf *b, int json)
{
	if (json) {
		print_json(b);
		return;
	}
	json_t *o = parse(b);
	printf("dossier %s stored\n", s_(o, "dossier"));
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(o, "components"), i, p) {
		json_int_t n = json_integer_value(json_object_get(p, "pages"));
		printf("  %s  %s (%lld page%s)\n", s_(p, "code"), s_(p, "file"), (long long)n,
		       n == 1 ? "" : "s");
	}
	json_decref(o);
}

static int remote_ingest(sh_client *c, int argc, char **argv)
{
	const char *owner = NULL, *proc = NULL;
	int json = 0;
	const cli_option opts[] = {{"--owner", 0, CLI_STR, &owner},
				   {"--procedure", 0, CLI_STR, &proc},
				   {"--json", 0, CLI_FLAG, &json}, {NULL}};
	const cli_spec spec = {"ingest", N_("usage: sohoa ingest --server URL --owner ID --procedure CODE "
					 "[--json] FILE...\n"), opts};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	if (!owner || !proc || !a.npos) {
		cli_args_free(&a);
		return cli_usage("ingest", "give --owner, --procedure and the page files");
	}
	sh_buf b = SH_BUF_INIT;
	int rc = cli_remote_ingest(c, owner, proc, (const char *const *)a.pos, a.npos, &b);
	if (!rc)
		cli_remote_print_upload(&b, json);
	sh_buf_free(&b);
	cli_args_free(&a);
	return rc ? cli_fail("ingest", rc) : EXIT_OK;
}

static int remote_search(sh_client *c, const char *cmd, int argc, char **argv)
{
	const char *owner = NULL, *kind = NULL, *agency = NULL, *from = NULL, *to = NULL,
		   *limit = NULL;
	int json = 0;
	const cli_option opts[] = {{"--json", 0, CLI_FLAG, &json}, {"--limit", 0, CLI_STR, &limit},
				   {"--owner", 0, CLI_STR, &owner}, {"--kind", 0, CLI_STR, &kind},
				   {"--agency", 0, CLI_STR, &agency}, {"--from", 0, CLI_STR, &from},
				   {"--to", 0, CLI_STR, &to}, {NULL}};
	const cli_spec spec = {cmd, N_("usage: sohoa search --server URL [--owner ID] [--kind K] "
				    "[--agency A] [--from D] [--to D] [--limit N] [--json] WORDS...\n"),
			       opts};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	sh_buf q = SH_BUF_INIT;
	for (size_t i = 0; i < a.npos; i++)
		sh_buf_printf(&q, "%s%s", i ? " " : "", a.pos[i]);
	sh_buf_put(&q, "", 1);
	const char *kv[] = {"q", (const char *)q.data, "owner", owner, "kind", kind, "agency", agency,
			    "from", from, "to", to, "limit", limit};
	char *path = a.npos ? query("/api/v1/search", kv, 7) : NULL;
	cli_args_free(&a);
	if (!path) {
		sh_buf_free(&q);
		return cli_usage(cmd, "give the words to search for");
	}
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_client_get(c, path, &st, &b);
	if (!rc && json) {
		json_t *o = parse(&b);
		json_t *pp = json_object_get(o, "papers");
		cli_json_print(pp ? json_incref(pp) : json_array());
		json_decref(o);
	} else if (!rc) {
		json_t *o = parse(&b), *p;
		size_t i;
		json_array_foreach(json_object_get(o, "papers"), i, p)
			printf("%s\t%s\t%s\t%s\t%s\n", s_(p, "code"), s_(p, "kind"), s_(p, "owner"),
			       s_(p, "first_line"), s_(p, "file"));
		json_decref(o);
	}
	sh_free(path);
	sh_buf_free(&q);
	sh_buf_free(&b);
	return rc ? cli_fail(cmd, rc) : EXIT_OK;
}

/* owner ID, verify CODE: GET one resource; --json prints it. */
static int remote_get1(sh_client *c, const char *cmd, const char *fmt, int argc, char **argv)
{
	int json = 0;
	const cli_option opts[] = {{"--json", 0, CLI_FLAG, &json}, {NULL}};
	const cli_spec spec = {cmd, N_("usage: sohoa owner|verify --server URL [--json] ID\n"), opts,
			       .max_pos = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	char *path = a.npos ? seg(fmt, a.pos[0]) : NULL;
	char *id = a.npos ? sh_strdup(a.pos[0]) : NULL;
	cli_args_free(&a);
	if (!path) {
		sh_free(id);
		return cli_usage(cmd, "give the owner id or paper code");
	}
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_client_get(c, path, &st, &b), ex = EXIT_OK;
	if (!rc && json) {
		print_json(&b);
	} else if (!rc && !strcmp(cmd, "owner")) {
		json_t *o = parse(&b), *p;
		size_t i, n = json_array_size(json_object_get(o, "papers"));
		printf("owner %s: %zu paper%s\n", id, n, n == 1 ? "" : "s");
		json_array_foreach(json_object_get(o, "papers"), i, p)
			printf("  %-8s %s  %s\n", s_(p, "kind"), s_(p, "code"), s_(p, "dossier"));
		json_decref(o);
	} else if (!rc) {
		json_t *o = parse(&b), *p;
		size_t i;
		int ok = json_is_true(json_object_get(o, "ok"));
		printf("%s: %s\n", id, ok ? "ok" : "FAILED");
		json_array_foreach(json_object_get(o, "problems"), i, p)
			printf("  %s: %s\n", s_(p, "code"), s_(p, "problem"));
		if (!ok)
			ex = EXIT_VERIFY;
		json_decref(o);
	}
	sh_free(path);
	sh_free(id);
	sh_buf_free(&b);
	return rc ? cli_fail(cmd, rc) : ex;
}

static int remote_reuse(sh_client *c, int argc, char **argv)
{
	const char *owner = NULL, *proc = NULL;
	int json = 0;
	const cli_option opts[] = {{"--owner", 0, CLI_STR, &owner},
				   {"--procedure", 0, CLI_STR, &proc},
				   {"--json", 0, CLI_FLAG, &json}, {NULL}};
	const cli_spec spec = {"reuse", N_("usage: sohoa reuse --server URL --owner ID --procedure CODE "
					"[--json]\n"), opts, .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	if (!owner || !proc)
		return cli_usage("reuse", "give --owner and --procedure");
	const char *kv[] = {"owner", owner, "procedure", proc};
	char *path = query("/api/v1/reuse", kv, 2);
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = path ? sh_client_get(c, path, &st, &b) : SH_ENOMEM;
	if (!rc && json) {
		print_json(&b);
	} else if (!rc) {
		json_t *o = parse(&b), *k;
		size_t i;
		printf("procedure %s %s, owner %s\n", proc, s_(o, "name"), owner);
		json_array_foreach(json_object_get(o, "kinds"), i, k) {
			printf("%s (%s): ", s_(k, "kind"), s_(k, "name"));
			if (json_is_true(json_object_get(k, "missing")))
				printf("missing — must be submitted\n");
			else
				printf("%zu held\n", json_array_size(json_object_get(k, "papers")));
		}
		json_decref(o);
	}
	sh_free(path);
	sh_buf_free(&b);
	return rc ? cli_fail("reuse", rc) : EXIT_OK;
}

/* attach DOSSIER PAPER; revoke PAPER --reason R */
static int remote_change(sh_client *c, const char *cmd, int argc, char **argv)
{
	const char *reason = NULL;
	const cli_option opts[] = {{"--reason", 0, CLI_STR, &reason}, {NULL}};
	const cli_spec spec = {cmd, N_("usage: sohoa attach --server URL DOSSIER PAPER\n"
				    "       sohoa revoke --server URL PAPER --reason TEXT\n"),
			       opts, .max_pos = 2};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	int attach = !strcmp(cmd, "attach");
	if (a.npos != (attach ? 2u : 1u) || (!attach && !reason)) {
		cli_args_free(&a);
		return cli_usage(cmd, attach ? "give the dossier and the paper"
					     : "give the paper and --reason");
	}
	char *path = seg(attach ? "/api/v1/dossiers/%s/attach" : "/api/v1/papers/%s/revoke", a.pos[0]);
	json_t *body = attach ? json_pack("{s:s}", "paper", a.pos[1])
			      : json_pack("{s:s}", "reason", reason);
	char *bj = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = path && bj ? sh_client_post(c, path, bj, &st, &b)
			    : sh_error_set(SH_EINVAL, "the arguments are not valid UTF-8");
	if (!rc) {
		json_t *o = parse(&b);
		unsigned long long idx = (unsigned long long)json_integer_value(json_object_get(o, "log_index"));
		if (attach)
			printf("attached %s to %s (signed log entry %llu)\n", a.pos[1], a.pos[0], idx);
		else
			printf("revoked %s (signed log entry %llu)\n", a.pos[0], idx);
		json_decref(o);
	}
	free(bj);
	sh_free(path);
	sh_buf_free(&b);
	cli_args_free(&a);
	return rc ? cli_fail(cmd, rc) : EXIT_OK;
}

/* result add DOSSIER FILE... [--json] */
static int remote_result(sh_client *c, int argc, char **argv)
{
	int json = 0;
	const cli_option opts[] = {{"--json", 0, CLI_FLAG, &json}, {NULL}};
	const cli_spec spec = {"result", N_("usage: sohoa result add --server URL DOSSIER FILE... [--json]\n"),
			       opts};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	if (a.npos < 3 || strcmp(a.pos[0], "add")) {
		cli_args_free(&a);
		return cli_usage("result", "usage: sohoa result add DOSSIER FILE...");
	}
	char *path = seg("/api/v1/dossiers/%s/results", a.pos[1]);
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = path ? sh_client_upload(c, path, NULL, 0, a.pos + 2, a.npos - 2, &st, &b) : SH_ENOMEM;
	if (!rc && json) {
		print_json(&b);
	} else if (!rc) {
		json_t *o = parse(&b), *p;
		size_t i;
		json_array_foreach(json_object_get(o, "results"), i, p) {
			json_int_t n = json_integer_value(json_object_get(p, "pages"));
			printf("result %s stored  %s (%lld page%s)\n", s_(p, "code"), s_(p, "file"),
			       (long long)n, n == 1 ? "" : "s");
		}
		json_decref(o);
	}
	sh_free(path);
	sh_buf_free(&b);
	cli_args_free(&a);
	return rc ? cli_fail("result", rc) : EXIT_OK;
}

/* report --from --to [--by] [--json|--csv]: the server's rows printed as the
 * local report prints them (cli_report_print). */
static int remote_report(sh_client *c, int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *by_s = NULL;
	int json = 0, csv = 0;
	const cli_option opts[] = {{"--from", 0, CLI_STR, &from}, {"--to", 0, CLI_STR, &to},
				   {"--by", 0, CLI_STR, &by_s}, {"--json", 0, CLI_FLAG, &json},
				   {"--csv", 0, CLI_FLAG, &csv}, {NULL}};
	const cli_spec spec = {"report", N_("usage: sohoa report --server URL --from YYYY-MM-DD --to "
					 "YYYY-MM-DD [--by agency|procedure] [--json|--csv]\n"), opts,
			       .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	if (!from || !to)
		return cli_usage("report", "give --from YYYY-MM-DD and --to YYYY-MM-DD");
	if (json && csv)
		return cli_usage("report", "choose --json or --csv");
	int by = SH_WH_REPORT_TOTAL;
	if (by_s && !strcmp(by_s, "agency"))
		by = SH_WH_REPORT_AGENCY;
	else if (by_s && !strcmp(by_s, "procedure"))
		by = SH_WH_REPORT_PROCEDURE;
	else if (by_s)
		return cli_usage("report", "--by takes agency or procedure");
	const char *kv[] = {"from", from, "to", to, "by", by_s};
	char *path = query("/api/v1/report", kv, 3);
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = path ? sh_client_get(c, path, &st, &b) : SH_ENOMEM;
	sh_free(path);
	json_t *o = rc ? NULL : parse(&b), *rows = json_object_get(o, "rows"), *r;
	sh_buf_free(&b);
	size_t n = json_array_size(rows), i;
	sh_wh_report_row *rr = n ? sh_calloc(n, sizeof *rr) : NULL;
	if (!rc && (!n || !rr))
		rc = sh_error_set(SH_EIO, "the server's report has no rows");
#define U(k) ((size_t)json_integer_value(json_object_get(r, k)))
	json_array_foreach(rows, i, r) {
		if (rc)
			break;
		if (!json_is_string(json_object_get(r, "group")) ||
		    !json_is_integer(json_object_get(r, "dossiers"))) {
			rc = sh_error_set(SH_EIO, "the server's report row %zu is malformed", i);
			break;
		}
		snprintf(rr[i].group, sizeof rr[i].group, "%s", s_(r, "group"));
		rr[i].dossiers = U("dossiers");
		rr[i].papers = U("papers");
		rr[i].dossiers_full = U("dossiers_fully_digitised");
		rr[i].results = U("results_electronic");
		rr[i].reused = U("papers_reused");
		rr[i].dossiers_reusing = U("dossiers_reusing");
		rr[i].owners = U("owners");
		rr[i].owners_not_asked = U("owners_not_asked");
	}
#undef U
	if (!rc)
		cli_report_print(rr, n, from, to, by, json, csv, NULL);
	sh_free(rr);
	json_decref(o);
	return rc ? cli_fail("report", rc) : EXIT_OK;
}

/* export-proof CODE DIR: the server's proof bundle (a flat tar) written
 * into DIR, as the local export-proof writes it. */
static int remote_export_proof(sh_client *c, int argc, char **argv)
{
	const cli_spec spec = {"export-proof", N_("usage: sohoa export-proof --server URL CODE DIR\n"),
			       NULL, .max_pos = 2, .too_many = "give a paper code and a folder"};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	const char *code = a.npos > 1 ? a.pos[0] : NULL, *dir = a.npos > 1 ? a.pos[1] : NULL;
	int ex = !code ? cli_usage("export-proof", "give a paper code and a folder")
		       : cli_code("export-proof", code, CLI_PAPER);
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	char *path = seg("/api/v1/papers/%s/proof", code);
	long st;
	sh_buf b = SH_BUF_INIT;
	int rc = path ? sh_client_get(c, path, &st, &b) : SH_ENOMEM;
	sh_free(path);
	if (!rc)
		rc = sh_client_untar(b.data, b.len, code, dir);
	sh_buf_free(&b);
	if (!rc)
		printf("proof bundle for %s written to %s\n", code, dir);
	cli_args_free(&a);
	return rc ? cli_fail("export-proof", rc) : EXIT_OK;
}

int cli_remote(const char *cmd, const char *server, int argc, char **argv, int *handled)
{
	static const char *const cmds[] = {"ingest", "search", "find", "owner", "reuse",
					   "attach", "revoke", "verify", "result", "report",
					   "export-proof", "scan", "watch"};
	*handled = 0;
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		*handled |= !strcmp(cmd, cmds[i]);
	if (!*handled)
		return EXIT_OK;
	for (int k = 1; k < argc; k++)
		if (cli_is_help(argv[k]))
			*handled = 0; /* the local command's help */
	if (!*handled)
		return EXIT_OK;
	sh_client *c = NULL;
	int rc = sh_client_open(&c, server);
	if (rc)
		return cli_fail(cmd, rc);
	int ex;
	if (!strcmp(cmd, "ingest"))
		ex = remote_ingest(c, argc, argv);
	else if (!strcmp(cmd, "search") || !strcmp(cmd, "find"))
		ex = remote_search(c, cmd, argc, argv);
	else if (!strcmp(cmd, "owner"))
		ex = remote_get1(c, cmd, "/api/v1/owners/%s", argc, argv);
	else if (!strcmp(cmd, "verify"))
		ex = remote_get1(c, cmd, "/api/v1/papers/%s/verify", argc, argv);
	else if (!strcmp(cmd, "reuse"))
		ex = remote_reuse(c, argc, argv);
	else if (!strcmp(cmd, "result"))
		ex = remote_result(c, argc, argv);
	else if (!strcmp(cmd, "report"))
		ex = remote_report(c, argc, argv);
	else if (!strcmp(cmd, "export-proof"))
		ex = remote_export_proof(c, argc, argv);
	else if (!strcmp(cmd, "scan"))
		ex = cli_remote_scan(c, argc, argv);
	else if (!strcmp(cmd, "watch"))
		ex = cli_remote_watch(c, argc, argv);
	else
		ex = remote_change(c, cmd, argc, argv);
	sh_client_free(&c);
	return ex;
}
