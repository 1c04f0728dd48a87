/* init, show, check, agency (find is search: cmd_warehouse.c). */
#include "cli.h"
#include "sh_wit.h"

#include <jansson.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "sh_ocr.h"
#include "sh_wh.h"

static const char *const init_help = N_(
	"usage: sohoa init --agency AGENCY_ID [--store DIR] [--blobs s3://BUCKET[/PREFIX]]\n"
	"                  [--witness URL|DIR [--witness-key VKEY]]\n\n"
	"Create an empty warehouse for the receiving agency. AGENCY_ID is the\n"
	"office's electronic identifier, e.g. 000.00.12.H23 or H23.12: at most 35\n"
	"characters of 0-9, A-Z and dots, one group a capital letter and two digits.\n"
	"--blobs keeps page images and hOCR in an S3-compatible object store by\n"
	"SHA-256 (metadata stays in LMDB): SOHOA_S3_ENDPOINT, SOHOA_S3_REGION,\n"
	"SOHOA_S3_ACCESS_KEY and SOHOA_S3_SECRET_KEY (or SOHOA_S3_CREDENTIALS=FILE)\n"
	"give the store, never recorded in the warehouse; the bucket is created.\n"
	"Spool: DIR/blob-spool; read cache: DIR/blob-cache, SOHOA_BLOB_CACHE_MB\n"
	"(default 1024). See `sohoa blobs`.\n"
	"--witness trusts a witness of the log (as `sohoa witnesses add`; repeat it\n"
	"for several, --witness-key only with one).\n");

int cmd_init(int argc, char **argv)
{
	const char *agency = NULL, *store = NULL, *wkey = NULL, *blobs = NULL;
	cli_list witness = {0};
	const cli_option opts[] = {
		{"--agency", 0, CLI_STR, &agency},
		{"--blobs", 0, CLI_STR, &blobs},
		{"--store", 0, CLI_STR, &store},
		{"--witness", 0, CLI_LIST, &witness},
		{"--witness-key", 0, CLI_STR, &wkey},
		{NULL}};
	const cli_spec spec = {"init", init_help, opts, N_("unknown argument '%s'"), .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	if (!agency || (wkey && witness.n != 1)) {
		cli_args_free(&a);
		return cli_usage("init", !agency ? "--agency AGENCY_ID is required"
						 : "--witness-key goes with one --witness");
	}
	char *dir = cli_store_dir(store);
	if (!dir)
		return cli_fail("init", SH_ENOMEM);
	/* the object store answers with these credentials before anything is made */
	int rc = blobs ? sh_store_blobs_probe(dir, blobs) : SH_OK;
	if (!rc)
		rc = sh_store_create(dir, agency);
	if (!rc && blobs) {
		sh_store *bs = NULL;
		if (!(rc = sh_store_open(&bs, dir, 0)))
			rc = sh_store_blobs_set(bs, blobs);
		sh_store_close(&bs);
	}
	if (rc) {
		int ex = cli_fail("init", rc);
		sh_free(dir);
		cli_args_free(&a);
		return ex;
	}
	printf("created warehouse for agency %s in %s\n", agency, dir);
	if (blobs)
		printf(_("page images and hOCR go to %s\n"), cli_esc(blobs));
	int ex = EXIT_OK;
	if (witness.n) {
		sh_store *s = NULL;
		if ((rc = sh_store_open(&s, dir, SH_STORE_RDONLY)))
			ex = cli_fail("init", rc);
		for (size_t i = 0; !ex && i < witness.n; i++) {
			char *vk = NULL;
			if ((rc = sh_wit_office_add(s, witness.v[i], wkey, &vk)))
				ex = cli_fail("init", rc);
			else
				printf("witness %s added with key %s\n", witness.v[i], vk);
			sh_free(vk);
		}
		sh_store_close(&s);
	}
	sh_free(dir);
	cli_args_free(&a);
	return ex;
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
		if (g->has_original) { /* the photo as received, kept and signed beside it */
			char ohex[2 * SH_SHA256_LEN + 1];
			sh_hex(ohex, g->original_sha, SH_SHA256_LEN);
			json_object_set_new(pg, "original",
					    json_pack("{s:s, s:s, s:I}", "sha256", ohex, "mime",
						      g->original_mime, "bytes",
						      (json_int_t)g->original_len));
		}
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
	printf("kind      %s\n", cli_esc(p->kind));
	printf("file      %s\n", cli_esc(p->file));
	printf("dossier   %s\n", p->dossier);
	printf("owner     %s\n", cli_esc(p->owner));
	printf("received  %s\n", when);
	if (p->facts)
		printf("facts     %s\n", cli_esc(p->facts));
	if (p->flags & SH_WH_PAPER_OWNER_MISMATCH)
		printf("flag      names an owner other than the dossier's: check it\n");
	printf("pages     %zu\n", p->npages);
	for (size_t i = 0; i < p->npages; i++) {
		const sh_store_page_rec *g = &p->pages[i];
		printf("  page %zu: %dx%d, %d dpi, confidence %.0f%%%s%s%s%s\n", i + 1, g->width,
		       g->height, g->dpi, (double)g->confidence, g->flags ? ", " : "",
		       sh_ocr_flags_str(g->flags), g->note ? " — " : "", g->note ? g->note : "");
		if (g->has_original)
			printf(_("          original kept: the photo as received, %zu bytes (%s)\n"),
			       g->original_len, g->original_mime);
	}
	if (with_text)
		for (size_t i = 0; i < p->npages; i++)
			printf("\n--- page %zu ---\n%s\n", i + 1, p->pages[i].text);
}

static const char *const show_help = N_(
	"usage: sohoa show CODE [--json] [--store DIR]\n"
	"       sohoa show PAPER --page N [--original] --out FILE [--store DIR]\n\n"
	"Show a dossier (owner, procedure, date, its papers and their text) or one\n"
	"paper (kind, facts, pages with their flags, text) by its code.\n\n"
	"  --page N      write page N's image as stored to FILE (-o FILE)\n"
	"  --original    with --page: the photo as received, kept beside a page\n"
	"                rectified out of it (a phone photo); both are signed\n");

/* Print dossier d (its papers, results and reused papers) as text or JSON;
 * an sh_error when a paper cannot be read. */
static int show_dossier(sh_store *s, const sh_store_dossier_rec *d, int json)
{
	int rc = SH_OK;
	sh_store_paper_rec *p = NULL;
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
		       d->code, cli_esc(d->agency), cli_esc(d->owner), cli_esc(d->procedure), when,
		       d->npapers, d->nresults);
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
	if (json && !rc)
		cli_json_print(json_incref(o));
	json_decref(o);
	return rc;
}

/* show PAPER --page N [--original] --out FILE: one page's bytes, checked
 * against their hash, the read audited. */
static int show_page(const char *code, const char *page, int original, const char *file,
		     const char *store)
{
	char *end = NULL;
	long n = strtol(page, &end, 10);
	if (!*page || *end || n < 1 || n > 100000)
		return cli_usage("show", "--page takes a page number from 1, not '%s'", page);
	if (!file)
		return cli_usage("show", "--page needs --out FILE: where to write the page");
	sh_store *s;
	int ex = cli_code("show", code, 0);
	if (!ex)
		ex = cli_store_open(&s, "show", store, 0);
	if (ex)
		return ex;
	sh_store_paper_rec *p = NULL;
	uint8_t *b = NULL;
	size_t len = 0;
	const char *mime;
	int rc = sh_store_paper_get(s, code, &p);
	if (!rc)
		rc = sh_wh_audit_read(s, cli_user(), "show", p->code, p->dossier, 0);
	if (!rc)
		rc = sh_wh_page_image(s, code, (size_t)n, original, &b, &len, &mime);
	if (!rc)
		rc = sh_file_write(file, b, len);
	if (!rc)
		printf(_("page %ld of %s%s: %zu bytes (%s) written to %s\n"), n, code,
		       original ? _(", the original as received") : "", len, mime, cli_esc(file));
	ex = rc ? cli_fail("show", rc) : EXIT_OK;
	sh_free(b);
	sh_store_paper_rec_free(&p);
	sh_store_close(&s);
	return ex;
}

int cmd_show(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *page = NULL, *file = NULL;
	int json = 0, original = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--page", 0, CLI_STR, &page},
		{"--original", 0, CLI_FLAG, &original},
		{"--out", 'o', CLI_STR, &file},
		{NULL}};
	const cli_spec spec = {"show", show_help, opts, .max_pos = 1, .too_many = N_("give one code")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	code = a.npos ? a.pos[0] : NULL;
	cli_args_free(&a);
	if (!code)
		return cli_usage("show", "which code? give a dossier or paper code");
	if (page)
		return show_page(code, page, original, file, store);
	if (original || file)
		return cli_usage("show", "--original and --out go with --page N");
	sh_store *s;
	int ex = cli_code("show", code, 0);
	if (!ex)
		ex = cli_store_open(&s, "show", store, 0); /* writes the audit record */
	if (ex)
		return ex;
	sh_store_dossier_rec *d = NULL;
	sh_store_paper_rec *p = NULL;
	int rc = sh_store_dossier_get(s, code, &d);
	if (rc == SH_ENOTFOUND) {
		rc = sh_store_paper_get(s, code, &p);
		if (rc == SH_ENOTFOUND)
			sh_error_set(SH_ENOTFOUND, "no dossier or paper has the code %s", code);
	}
	/* every read of a person's papers is recorded before anything is shown */
	if (!rc && p)
		rc = sh_wh_audit_read(s, cli_user(), "show", p->code, p->dossier, 0);
	if (!rc && d)
		rc = sh_wh_audit_reads(s, cli_user(), "show", (const char *const *)d->papers,
					  d->npapers, d->code, 0);
	if (!rc && d && d->nresults)
		rc = sh_wh_audit_reads(s, cli_user(), "show", (const char *const *)d->results,
					  d->nresults, d->code, 0);
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
			cli_json_print(o);
		} else {
			print_paper(p, 1);
		}
		sh_store_paper_rec_free(&p);
	} else {
		rc = show_dossier(s, d, json);
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

struct report_ctx {
	size_t n;
	json_t *arr; /* --json: the problems, else printed */
};

static void print_problem(void *arg, const char *msg)
{
	struct report_ctx *c = arg;
	c->n++;
	if (c->arr)
		json_array_append_new(c->arr, json_string(msg));
	else
		printf("problem: %s\n", cli_esc(msg));
}

static const char *const check_help = N_(
	"usage: sohoa check [--json] [--store DIR]\n\n"
	"Verify every record decodes, every index entry matches a record and every\n"
	"record is indexed, and every stored blob matches its SHA-256. Prints each\n"
	"problem; exit 0 only when there is none. --json: {\"ok\", \"problems\"}\n"
	"(docs/FORMATS.md).\n");

int cmd_check(int argc, char **argv)
{
	const char *store = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{NULL}};
	const cli_spec spec = {"check", check_help, opts, N_("unknown argument '%s'"), .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	sh_store *s;
	int ex = cli_store_open(&s, "check", store, SH_STORE_RDONLY);
	if (ex)
		return ex;
	struct report_ctx c = {0, json ? json_array() : NULL};
	if (json && !c.arr) {
		sh_store_close(&s);
		return cli_fail("check", sh_error_set(SH_ENOMEM, "out of memory"));
	}
	size_t problems = 0;
	int rc = sh_wh_check(s, print_problem, &c, &problems);
	sh_store_close(&s);
	if (json) {
		/* the document also when there are problems; the error goes to stderr */
		ex = cli_json_print(json_pack("{s:b, s:o}", "ok", rc == SH_OK && c.n == 0, "problems", c.arr));
		if (ex)
			return ex;
	}
	if (rc)
		return cli_fail("check", rc);
	if (!json)
		printf("warehouse OK\n");
	return EXIT_OK;
}

static const char *const agency_help = N_(
	"usage: sohoa agency [--json]           list the office's agency ids\n"
	"       sohoa agency successor NEW_ID   the office's new id (after a merger)\n"
	"       sohoa agency alias ID           another id the office is known by\n\n"
	"New dossier codes use the current id. Codes issued under any known id\n"
	"stay valid and are found under either spelling. --json (the list only):\n"
	"{\"agencies\": [{\"id\", \"role\"}]} (docs/FORMATS.md).\n");

int cmd_agency(int argc, char **argv)
{
	const char *store = NULL, *pos[3] = {0};
	int npos = 0, json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{NULL}};
	const cli_spec spec = {"agency", agency_help, opts, .max_pos = 3};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	for (size_t i = 0; i < a.npos; i++)
		pos[npos++] = a.pos[i];
	cli_args_free(&a);
	if (json && npos)
		return cli_usage("agency", "--json goes with the list (`sohoa agency --json`)");
	sh_store *s;
	int ex = cli_store_open(&s, "agency", store, npos ? 0 : SH_STORE_RDONLY), rc = SH_OK;
	if (ex)
		return ex;
	if (npos == 0) {
		char **ids = NULL, **roles = NULL;
		size_t n = 0;
		json_t *arr = json ? json_array() : NULL;
		if (json && !arr)
			rc = sh_error_set(SH_ENOMEM, "out of memory");
		if (!rc && !(rc = sh_store_agency_ids(s, &ids, &roles, &n)))
			for (size_t i = 0; i < n; i++) {
				if (json)
					json_array_append_new(arr, json_pack("{s:s, s:s}", "id", ids[i],
									     "role", roles[i]));
				else
					printf("%s\t%s\n", ids[i], roles[i]);
			}
		if (json && !rc)
			ex = cli_json_print(json_pack("{s:O}", "agencies", arr));
		json_decref(arr);
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
	return rc ? cli_fail("agency", rc) : ex;
}
