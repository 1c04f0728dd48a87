/* init, show, find, check. */
#include "cli.h"

#include <jansson.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "sh_ocr.h"
#include "sh_wh.h"

int cmd_init(int argc, char **argv)
{
	const char *agency = NULL, *store = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa init --agency AGENCY_ID [--store DIR]\n\n"
			       "Create an empty warehouse for the receiving agency. AGENCY_ID is the\n"
			       "office's electronic identifier, e.g. 000.00.12.H23 or H23.12: at most 35\n"
			       "characters of 0-9, A-Z and dots, one group a capital letter and two digits.\n");
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--agency", &agency)) ||
			   (m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("init", "%s needs a value", argv[i]);
		} else {
			return cli_usage("init", "unknown argument '%s'", argv[i]);
		}
	}
	if (!agency)
		return cli_usage("init", "--agency AGENCY_ID is required");
	char *dir = cli_store_dir(store);
	if (!dir)
		return cli_fail("init", SH_ENOMEM);
	int rc = sh_store_create(dir, agency);
	if (rc) {
		int ex = cli_fail("init", rc);
		sh_free(dir);
		return ex;
	}
	printf("created warehouse for agency %s in %s\n", agency, dir);
	sh_free(dir);
	return EXIT_OK;
}

static void fmt_time(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static json_t *paper_json(const sh_store_paper_rec *p, int with_text)
{
	char when[32], hex[65];
	fmt_time(when, sizeof when, p->created);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "code", p->code, "dossier",
			      p->dossier, "owner", p->owner, "kind", p->kind, "file",
			      p->file ? p->file : "", "received", when, "pages", (int)p->npages);
	if (p->facts) {
		json_t *f = json_loads(p->facts, 0, NULL);
		if (f)
			json_object_set_new(o, "facts", f);
	}
	json_t *flags = json_array();
	if (p->flags & SH_WH_PAPER_OWNER_MISMATCH)
		json_array_append_new(flags, json_string("owner mismatch"));
	if (p->flags & SH_WH_PAPER_RESULT)
		json_array_append_new(flags, json_string("result"));
	if (p->flags & SH_WH_PAPER_REVIEW)
		json_array_append_new(flags, json_string("review"));
	json_object_set_new(o, "flags", flags);
	json_t *pages = json_array();
	for (size_t i = 0; i < p->npages; i++) {
		const sh_store_page_rec *g = &p->pages[i];
		sh_hex(hex, g->image_sha, SH_SHA256_LEN);
		json_t *pg = json_pack("{s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:s}", "page",
				       (int)i + 1, "sha256", hex, "mime", g->mime, "width", g->width,
				       "height", g->height, "dpi", g->dpi, "rotation", g->rotation,
				       "confidence", (double)g->confidence, "flags",
				       sh_ocr_flags_str(g->flags));
		if (g->note)
			json_object_set_new(pg, "note", json_string(g->note));
		if (with_text)
			json_object_set_new(pg, "text", json_string(g->text));
		json_array_append_new(pages, pg);
	}
	json_object_set_new(o, "pages", pages);
	return o;
}

static void print_paper(const sh_store_paper_rec *p, int with_text)
{
	char when[32];
	fmt_time(when, sizeof when, p->created);
	printf("%s    %s\n", p->flags & SH_WH_PAPER_RESULT ? "result" : "paper ", p->code);
	printf("kind      %s\n", p->kind);
	printf("file      %s\n", p->file ? p->file : "");
	printf("dossier   %s\n", p->dossier);
	printf("owner     %s\n", p->owner);
	printf("received  %s\n", when);
	if (p->facts)
		printf("facts     %s\n", p->facts);
	if (p->flags & SH_WH_PAPER_OWNER_MISMATCH)
		printf("flag      names an owner other than the dossier's: check it\n");
	printf("pages     %zu\n", p->npages);
	for (size_t i = 0; i < p->npages; i++) {
		const sh_store_page_rec *g = &p->pages[i];
		printf("  page %zu: %dx%d, %d dpi, confidence %.0f%%%s%s%s%s\n", i + 1, g->width,
		       g->height, g->dpi, (double)g->confidence, g->flags ? ", " : "",
		       sh_ocr_flags_str(g->flags), g->note ? " — " : "", g->note ? g->note : "");
	}
	if (with_text)
		for (size_t i = 0; i < p->npages; i++)
			printf("\n--- page %zu ---\n%s\n", i + 1, p->pages[i].text);
}

int cmd_show(int argc, char **argv)
{
	const char *store = NULL, *code = NULL;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa show CODE [--json] [--store DIR]\n\n"
			       "Show a dossier (owner, procedure, date, its papers and their text) or one\n"
			       "paper (kind, facts, pages with their flags, text) by its code.\n");
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("show", "--store needs a value");
		} else if (argv[i][0] == '-') {
			return cli_usage("show", "unknown option '%s'", argv[i]);
		} else if (code) {
			return cli_usage("show", "give one code");
		} else {
			code = argv[i];
		}
	}
	if (!code)
		return cli_usage("show", "which code? give a dossier or paper code");
	sh_store *s;
	int ex = cli_code("show", code, 0);
	if (!ex)
		ex = cli_store_open(&s, "show", store, 0); /* writes the audit record */
	if (ex)
		return ex;
	sh_store_dossier_rec *d = NULL;
	sh_store_paper_rec *p = NULL;
	/* the library records every read of a person's papers before returning it */
	int rc = sh_wh_dossier_get(s, code, &d);
	if (rc == SH_ENOTFOUND) {
		rc = sh_wh_paper_get(s, code, &p);
		if (rc == SH_ENOTFOUND)
			sh_error_set(SH_ENOTFOUND, "no dossier or paper has the code %s", code);
	}
	if (rc) {
		ex = cli_fail("show", rc);
		sh_store_dossier_rec_free(&d);
		sh_store_paper_rec_free(&p);
		sh_store_close(&s);
		return ex;
	}
	if (p) {
		if (json) {
			json_t *o = paper_json(p, 1);
			json_dumpf(o, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(o);
		} else {
			print_paper(p, 1);
		}
		sh_store_paper_rec_free(&p);
	} else {
		char when[32];
		fmt_time(when, sizeof when, d->received);
		json_t *o = NULL, *papers = NULL, *results = NULL;
		if (json) {
			o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "dossier", d->code, "agency",
				      d->agency, "owner", d->owner, "procedure", d->procedure,
				      "received", when);
			papers = json_array();
			results = json_array();
			json_object_set_new(o, "papers", papers);
			json_object_set_new(o, "results", results);
		} else {
			printf("dossier   %s\nagency    %s\nowner     %s\nprocedure %s\nreceived  %s\n"
			       "papers    %zu\nresults   %zu\n",
			       d->code, d->agency, d->owner, d->procedure, when, d->npapers,
			       d->nresults);
		}
		for (size_t i = 0; i < d->npapers + d->nresults && !rc; i++) {
			const char *pc = i < d->npapers ? d->papers[i] : d->results[i - d->npapers];
			rc = sh_store_paper_get(s, pc, &p);
			if (rc)
				break;
			if (json) {
				json_array_append_new(i < d->npapers ? papers : results,
						      paper_json(p, 1));
			} else {
				printf("\n");
				print_paper(p, 1);
			}
			sh_store_paper_rec_free(&p);
		}
		char (*att)[SH_STORE_CODE_MAX] = NULL;
		size_t natt = 0;
		if (!rc && !sh_wh_attached(s, d->code, &att, &natt) && natt) {
			json_t *ra = json ? json_array() : NULL;
			if (!json)
				printf("\nreused papers (attached, not re-scanned):\n");
			for (size_t i = 0; i < natt; i++) {
				if (json)
					json_array_append_new(ra, json_string(att[i]));
				else
					printf("  %s\n", att[i]);
			}
			if (json)
				json_object_set_new(o, "reused", ra);
		}
		sh_free(att);
		if (json && !rc) {
			json_dumpf(o, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
			putchar('\n');
		}
		json_decref(o);
		sh_store_dossier_rec_free(&d);
		if (rc) {
			ex = cli_fail("show", rc);
			sh_store_close(&s);
			return ex;
		}
	}
	sh_store_close(&s);
	return EXIT_OK;
}

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

int cmd_find(int argc, char **argv)
{
	const char *store = NULL, *limit_s = NULL;
	int json = 0;
	sh_buf q = SH_BUF_INIT;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa find WORDS... [--json] [--limit N] [--store DIR]\n\n"
			       "Papers whose text holds every word. Case and diacritics are optional:\n"
			       "\"giay khai sinh\" finds \"Giấy khai sinh\", \"dang\" finds \"Đặng\"; papers\n"
			       "matching the words exactly as typed rank first.\n");
			sh_buf_free(&q);
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--limit", &limit_s))) {
			if (m < 0) {
				sh_buf_free(&q);
				return cli_usage("find", "%s needs a value", argv[i]);
			}
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			sh_buf_free(&q);
			return cli_usage("find", "unknown option '%s'", argv[i]);
		} else {
			if (q.len)
				sh_buf_puts(&q, " ");
			sh_buf_puts(&q, argv[i]);
		}
	}
	if (!q.len) { /* empty words may have grown the buffer */
		sh_buf_free(&q);
		return cli_usage("find", "give the words to look for");
	}
	long long limit = 50;
	if (limit_s && cli_number("find", "--limit", limit_s, 0, LLONG_MAX, &limit)) {
		sh_buf_free(&q);
		return EXIT_USAGE;
	}
	sh_store *s;
	int ex = cli_store_open(&s, "find", store, 0); /* writes the audit record */
	if (ex) {
		sh_buf_free(&q);
		return ex;
	}
	sh_wh_hit *hits = NULL;
	size_t n = 0;
	int rc = sh_wh_find(s, (char *)q.data, (size_t)limit, &hits, &n);
	if (rc) {
		ex = cli_fail("find", rc);
		goto out;
	}
	json_t *arr = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		sh_store_paper_rec *p = NULL;
		if (sh_store_paper_get(s, hits[i].code, &p))
			continue;
		char *snip = snippet(p, (char *)q.data);
		if (json) {
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:s}", "code", p->code,
					       "dossier", p->dossier, "owner", p->owner, "kind", p->kind,
					       "file", p->file ? p->file : "", "score", hits[i].score,
					       "snippet", snip ? snip : ""));
		} else {
			printf("%s\t%s\t%s\t%s\n", p->code, p->kind, p->file ? p->file : "",
			       snip ? snip : "");
		}
		sh_free(snip);
		sh_store_paper_rec_free(&p);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(arr);
	} else if (n == 0) {
		cli_note("find", "no paper holds all of: %s", (char *)q.data);
	}
out:
	sh_free(hits);
	sh_buf_free(&q);
	sh_store_close(&s);
	return ex;
}

struct report_ctx {
	size_t n;
};

static void print_problem(void *arg, const char *msg)
{
	struct report_ctx *c = arg;
	c->n++;
	printf("problem: %s\n", msg);
}

int cmd_check(int argc, char **argv)
{
	const char *store = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa check [--store DIR]\n\n"
			       "Verify every record decodes, every index entry matches a record and every\n"
			       "record is indexed, and every stored blob matches its SHA-256. Prints each\n"
			       "problem; exit 0 only when there is none.\n");
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("check", "--store needs a value");
		} else {
			return cli_usage("check", "unknown argument '%s'", argv[i]);
		}
	}
	sh_store *s;
	int ex = cli_store_open(&s, "check", store, SH_STORE_RDONLY);
	if (ex)
		return ex;
	struct report_ctx c = {0};
	size_t problems = 0;
	int rc = sh_wh_check(s, print_problem, &c, &problems);
	sh_store_close(&s);
	if (rc)
		return cli_fail("check", rc);
	printf("warehouse OK\n");
	return EXIT_OK;
}

int cmd_agency(int argc, char **argv)
{
	const char *store = NULL, *pos[3] = {0};
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa agency                    list the office's agency ids\n"
			       "       sohoa agency successor NEW_ID   the office's new id (after a merger)\n"
			       "       sohoa agency alias ID           another id the office is known by\n\n"
			       "New dossier codes use the current id. Codes issued under any known id\n"
			       "stay valid and are found under either spelling.\n");
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("agency", "--store needs a value");
		} else if (argv[i][0] == '-') {
			return cli_usage("agency", "unknown option '%s'", argv[i]);
		} else if (npos < 3) {
			pos[npos++] = argv[i];
		} else {
			return cli_usage("agency", "too many arguments");
		}
	}
	sh_store *s;
	int ex = cli_store_open(&s, "agency", store, npos ? 0 : SH_STORE_RDONLY), rc = SH_OK;
	if (ex)
		return ex;
	if (npos == 0) {
		char **ids = NULL, **roles = NULL;
		size_t n = 0;
		if (!(rc = sh_store_agency_ids(s, &ids, &roles, &n)))
			for (size_t i = 0; i < n; i++)
				printf("%s\t%s\n", ids[i], roles[i]);
		for (size_t i = 0; i < n; i++) {
			sh_free(ids[i]);
			sh_free(roles[i]);
		}
		sh_free(ids);
		sh_free(roles);
	} else if (npos == 2 && (!strcmp(pos[0], "successor") || !strcmp(pos[0], "alias"))) {
		int succ = !strcmp(pos[0], "successor");
		if (!(rc = sh_store_agency_add(s, pos[1], succ)))
			printf(succ ? "new dossiers are now coded %s-YYMMDD-NNNN; earlier codes stay valid\n"
				    : "%s is now an alias of this office\n",
			       pos[1]);
	} else {
		sh_store_close(&s);
		return cli_usage("agency", "unknown agency command");
	}
	sh_store_close(&s);
	return rc ? cli_fail("agency", rc) : EXIT_OK;
}
