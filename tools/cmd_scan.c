/* devices, scan, batch (review and commit), watch, export-tiff. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


int cmd_devices(int argc, char **argv)
{
	int json = 0;
	const cli_option opts[] = {{"--json", 0, CLI_FLAG, &json}, {NULL}};
	const cli_spec spec = {"devices", N_("usage: sohoa devices [--json]\n\nList the scanners SANE can see.\n"),
			       opts, N_("unknown argument '%s'"), .no_positional = 1};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a);
	cli_args_free(&a);
	if (ex)
		return CLI_DONE(ex);
	sh_scan_device *list = NULL;
	size_t n = 0;
	int rc = sh_scan_devices(&list, &n);
	if (rc)
		return cli_fail("devices", rc);
	json_t *arr = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "name", list[i].name,
							     "vendor", list[i].vendor, "model",
							     list[i].model, "type", list[i].type));
		else
			printf("%s\t%s %s (%s)\n", list[i].name, list[i].vendor, list[i].model,
			       list[i].type);
	}
	if (json) {
		cli_json_print(arr);
	} else if (!n) {
		cli_note("devices", "no scanner found (check the cable, power and that the user may "
				    "use the scanner: group 'scanner')");
	}
	sh_scan_devices_free(&list, n);
	return EXIT_OK;
}

/* Store a complete batch as a dossier (sh_recv_store: idempotent, the batch
 * marked committed after) and print it. */
static int commit_batch(const char *cmd, sh_store *s, sh_scan_batch *b, int workers, int json)
{
	sh_recv_result *res = NULL;
	sh_recv_source src = {.batch = b};
	sh_recv_options o = {.operator_id = cli_user(), .workers = workers};
	cli_progress(&o, cmd, json);
	int rc = cli_signing_key(&o.key, cmd);
	if (!rc)
		rc = sh_recv_store(&res, s, &src, &o);
	if (rc) {
		cli_print_error(cmd, sh_error_message());
		if (rc != SH_EEXISTS && sh_scan_batch_state(b) == SH_SCAN_STATE_COMPLETE)
			cli_note(cmd, "batch %s is kept with its pages; nothing was stored",
				 sh_scan_batch_id(b));
		return rc;
	}
	if (res->warning)
		cli_note(cmd, "%s", res->warning);
	if (json) {
		json_t *comps = json_array();
		for (size_t i = 0; i < res->npapers; i++)
			json_array_append_new(comps, json_pack("{s:s, s:s, s:i}", "code",
							       res->papers[i].code, "file",
							       res->papers[i].name,
							       "pages", (int)res->papers[i].npages));
		json_t *j = json_pack("{s:s, s:s, s:o}", "dossier", res->dossier, "batch",
				      sh_scan_batch_id(b), "components", comps);
		cli_json_print(j);
	} else {
		printf("dossier %s stored from batch %s\n", res->dossier, sh_scan_batch_id(b));
		for (size_t i = 0; i < res->npapers; i++) {
			const sh_recv_paper *p = &res->papers[i];
			printf("  %s  (%zu page%s)%s\n", p->code, p->npages, p->npages == 1 ? "" : "s",
			       p->flags & SH_WH_PAPER_OWNER_MISMATCH ? "  ! names another owner: check it"
								   : "");
			cli_print_pages(res, p);
		}
	}
	sh_recv_result_free(&res);
	return SH_OK;
}

static void print_batch(sh_scan_batch *b)
{
	sh_scan_fault f;
	sh_scan_batch_fault(b, &f);
	printf("batch     %s (%s)\nowner     %s\nprocedure %s\npages     %zu\n", sh_scan_batch_id(b),
	       sh_scan_state_name(sh_scan_batch_state(b)), sh_scan_batch_owner(b),
	       sh_scan_batch_procedure(b), sh_scan_batch_count(b));
	if (sh_scan_batch_dossier(b))
		printf("dossier   %s\n", sh_scan_batch_dossier(b));
	if (f.status && *f.status)
		printf("fault     %s: %s\n", f.status, f.message);
	for (size_t pos = 0; pos < sh_scan_batch_count(b); pos++) {
		sh_scan_page p;
		if (sh_scan_batch_page(b, pos, &p))
			continue;
		printf("  %2zu. page id %u: sheet %u%s, %d dpi, %s%s%s%s\n", pos + 1, p.id, p.sheet,
		       p.back ? " back" : "", p.dpi, sh_scan_mode_name(p.mode),
		       p.rotation ? ", turned" : "", p.flags ? ", " : "", sh_ocr_flags_str(p.flags));
		if (p.note && *p.note)
			printf("      %s\n", p.note);
	}
	size_t nc = sh_scan_batch_components(b);
	for (size_t k = 0; k < nc; k++) {
		const char *code;
		const unsigned *ids;
		size_t n;
		if (sh_scan_batch_component(b, k, &code, &ids, &n))
			continue;
		printf("  paper %zu%s%s: page ids", k + 1, code && *code ? " " : "",
		       code ? code : "");
		for (size_t i = 0; i < n; i++)
			printf(" %u", ids[i]);
		printf("\n");
	}
}

/* The batch as one JSON document (docs/FORMATS.md "JSON output"). */
static json_t *batch_json(sh_scan_batch *b)
{
	sh_scan_fault f;
	sh_scan_batch_fault(b, &f);
	const char *dossier = sh_scan_batch_dossier(b);
	json_t *pages = json_array(), *papers = json_array();
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "batch", sh_scan_batch_id(b), "state",
			      sh_scan_state_name(sh_scan_batch_state(b)), "owner", sh_scan_batch_owner(b),
			      "procedure", sh_scan_batch_procedure(b), "dossier",
			      dossier ? json_string(dossier) : json_null(), "page_count",
			      (json_int_t)sh_scan_batch_count(b));
	if (!o || !pages || !papers) {
		json_decref(o);
		json_decref(pages);
		json_decref(papers);
		return NULL;
	}
	if (f.status && *f.status)
		json_object_set_new(o, "fault", json_pack("{s:s, s:s?}", "status", f.status, "message",
							  f.message));
	for (size_t pos = 0; pos < sh_scan_batch_count(b); pos++) {
		sh_scan_page p;
		if (sh_scan_batch_page(b, pos, &p))
			continue;
		json_t *pg = json_pack("{s:I, s:I, s:I, s:b, s:i, s:s, s:i, s:s}", "position",
				       (json_int_t)pos + 1, "id", (json_int_t)p.id, "sheet",
				       (json_int_t)p.sheet, "back", p.back != 0, "dpi", p.dpi, "mode",
				       sh_scan_mode_name(p.mode), "rotation", p.rotation, "flags",
				       sh_ocr_flags_str(p.flags));
		if (pg && p.note && *p.note)
			json_object_set_new(pg, "note", json_string(p.note));
		json_array_append_new(pages, pg);
	}
	size_t nc = sh_scan_batch_components(b);
	for (size_t k = 0; k < nc; k++) {
		const char *code;
		const unsigned *ids;
		size_t n;
		if (sh_scan_batch_component(b, k, &code, &ids, &n))
			continue;
		json_t *ia = json_array();
		for (size_t i = 0; ia && i < n; i++)
			json_array_append_new(ia, json_integer((json_int_t)ids[i]));
		json_array_append_new(papers, json_pack("{s:I, s:s?, s:o}", "paper", (json_int_t)k + 1,
							"kind", code && *code ? code : NULL, "page_ids",
							ia));
	}
	json_object_set_new(o, "pages", pages);
	json_object_set_new(o, "papers", papers);
	return o;
}

static const char *const scan_help = N_(
	"usage: sohoa scan --device DEV --owner ID --procedure CODE\n"
	"                  [--source flatbed|adf] [--duplex] [--resolution DPI]\n"
	"                  [--mode gray|color|lineart] [--option NAME=VALUE]...\n"
	"                  [--wait SECONDS] [--review] [--json] [--store DIR]\n"
	"       sohoa scan --resume BATCH [--device DEV] [--option NAME=VALUE]...\n"
	"                  [--review]\n"
	"       sohoa scan --server URL [--spool DIR] ... (the same options)\n\n"
	"Capture a batch from a SANE scanner (defaults: flatbed, 300 dpi, grey;\n"
	"never below 200 dpi; an ADF runs until the feeder is empty) and store it as\n"
	"a dossier. --review stages it instead: its pages are read and flagged\n"
	"(blank, rescan suggested, turned) for `sohoa batch` review and commit.\n"
	"A jam or other scanner fault keeps every page captured: clear it and run\n"
	"`sohoa scan --resume BATCH` (the batch's device, settings and --option\n"
	"values are used again unless given). A scanner silent for --wait seconds\n"
	"(default 120: opening, warming up, between data) is given up as stopped.\n"
	"With --server URL (after `sohoa login`, or a station's SOHOA_STATION_TOKEN)\n"
	"the pages are captured into --spool DIR (default ~/.local/state/sohoa/spool),\n"
	"uploaded into a batch of the office server and committed there; --review\n"
	"leaves that batch staged on the server for review.\n");

/* What the command line asked of a capture. */
struct scan_args {
	const char *store, *device, *source, *mode, *res, *owner, *procedure, *resume,
		*workers_s, *wait_s, *spool;
	int duplex, review, json;
	cli_list extra;
	long long dpi, workers, wait;
};

static int scan_parse(struct scan_args *w, int argc, char **argv)
{
	const cli_option opts[] = {
		{"--duplex", 0, CLI_FLAG, &w->duplex},
		{"--review", 0, CLI_FLAG, &w->review},
		{"--json", 0, CLI_FLAG, &w->json},
		{"--option", 0, CLI_LIST, &w->extra, "--option needs NAME=VALUE"},
		{"--store", 0, CLI_STR, &w->store},
		{"--device", 0, CLI_STR, &w->device},
		{"--source", 0, CLI_STR, &w->source},
		{"--mode", 0, CLI_STR, &w->mode},
		{"--resolution", 0, CLI_STR, &w->res},
		{"--owner", 0, CLI_STR, &w->owner},
		{"--procedure", 0, CLI_STR, &w->procedure},
		{"--resume", 0, CLI_STR, &w->resume},
		{"--workers", 0, CLI_STR, &w->workers_s},
		{"--wait", 0, CLI_STR, &w->wait_s},
		{"--spool", 0, CLI_STR, &w->spool},
		{NULL}};
	const cli_spec spec = {"scan", scan_help, opts, N_("unknown argument '%s'"), .no_positional = 1};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a), rc = SH_OK;
	sh_free(a.pos); /* the option list lives on in w->extra */
	if (ex)
		return ex;
	sh_scan_source src;
	sh_scan_mode mode;
	if (!w->resume && (!w->device || !w->owner || !w->procedure))
		ex = cli_usage("scan", "--device, --owner and --procedure are required "
				       "(or --resume BATCH)");
	else if (w->source && (rc = sh_scan_source_parse(&src, w->source)))
		ex = cli_fail("scan", rc);
	else if (w->mode && (rc = sh_scan_mode_parse(&mode, w->mode)))
		ex = cli_fail("scan", rc);
	else if (w->res && (ex = cli_number("scan", "--resolution (dots per inch)", w->res, 1, 2400,
					    &w->dpi)))
		;
	else if (w->workers_s && (ex = cli_number("scan", "--workers", w->workers_s, 0, 64, &w->workers)))
		;
	else if (w->wait_s && (ex = cli_number("scan", "--wait (seconds)", w->wait_s, 1, 3600, &w->wait)))
		;
	else if (w->owner && (rc = sh_id_owner_check(NULL, NULL, w->owner)))
		ex = cli_fail("scan", rc);
	else if (w->procedure && (rc = sh_id_procedure_check(w->procedure)))
		ex = cli_fail("scan", rc);
	return ex;
}

/* The batch to capture into: a new one, or the one resumed with its last
 * settings (the command line's win). */
static int scan_batch(sh_scan_batch **b, sh_scan_options *o, const struct scan_args *w,
		      const char *dir)
{
	int rc;
	if (w->resume) {
		if ((rc = sh_recv_batch_open(b, dir, w->resume)))
			return rc;
		sh_scan_batch_settings(*b, o);
	} else {
		if ((rc = sh_recv_batch_new(b, dir, w->owner, w->procedure)))
			return rc;
	}
	if (w->device)
		o->device = w->device;
	if (w->source)
		sh_scan_source_parse(&o->source, w->source);
	if (w->mode)
		sh_scan_mode_parse(&o->mode, w->mode);
	if (w->duplex)
		o->duplex = 1;
	if (w->res)
		o->dpi = (int)w->dpi;
	if (w->extra.n)
		o->extra = w->extra.v;
	o->timeout_ms = (int)w->wait * 1000;
	return SH_OK;
}

/* Capture failed: say so; a new batch refused before anything was captured
 * (an option the device lacks, no such device, busy) is not left behind. */
static int scan_failed(sh_scan_batch **b, int rc, int resumed)
{
	int ex = cli_fail("scan", rc);
	sh_scan_fault f;
	sh_scan_batch_fault(*b, &f);
	if (!resumed && sh_scan_batch_count(*b) == 0 && !(f.status && *f.status) &&
	    sh_scan_batch_discard(b))
		cli_print_error("scan", sh_error_message());
	return ex;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_args w = {0};
	int ex = scan_parse(&w, argc, argv), rc;
	if (!ex && w.spool)
		ex = cli_usage("scan", "--spool goes with --server");
	if (ex) {
		sh_free(w.extra.v);
		return CLI_DONE(ex);
	}
	sh_store *s = NULL;
	sh_scan_batch *b = NULL;
	sh_scan_options o = {0};
	const sh_sign_key *skey;
	char *dir = NULL;
	if ((ex = cli_store_open(&s, "scan", w.store, 0)))
		goto out;
	/* the key before any batch is made: no key, no empty batch left behind */
	if (!w.review && (rc = cli_signing_key(&skey, "scan"))) {
		ex = cli_fail("scan", rc);
		goto out;
	}
	if (!(dir = cli_store_dir(w.store))) {
		ex = cli_fail("scan", SH_ENOMEM);
		goto out;
	}
	if ((rc = scan_batch(&b, &o, &w, dir))) {
		ex = cli_fail("scan", rc);
		goto out;
	}
	size_t before = sh_scan_batch_count(b);
	if ((rc = sh_scan_capture(b, &o))) {
		ex = scan_failed(&b, rc, w.resume != NULL);
		goto out;
	}
	cli_note("scan", "batch %s: %zu page%s captured (%zu in all)", sh_scan_batch_id(b),
		 sh_scan_batch_count(b) - before, sh_scan_batch_count(b) - before == 1 ? "" : "s",
		 sh_scan_batch_count(b));
	if (w.review) {
		sh_recv_options ro = {.workers = (int)w.workers};
		if ((rc = sh_recv_annotate(b, &ro))) {
			ex = cli_fail("scan", rc);
			goto out;
		}
		print_batch(b);
		printf("\nreview with `sohoa batch delete|rotate|move|split %s ...`, then "
		       "`sohoa batch commit %s`\n",
		       sh_scan_batch_id(b), sh_scan_batch_id(b));
	} else if ((rc = commit_batch("scan", s, b, (int)w.workers, w.json))) {
		ex = cli_exit_code(rc);
	}
out:
	sh_scan_batch_close(&b);
	sh_store_close(&s);
	sh_free(dir);
	sh_free(w.extra.v);
	return ex;
}

static int parse_uint(const char *s, unsigned long *out)
{
	char *end;
	errno = 0;
	if (!*s || *s < '0' || *s > '9')
		return -1;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT_MAX)
		return -1;
	*out = v;
	return 0;
}

static const char *const batch_help = N_(
	"usage: sohoa batch list [--json]\n"
	"       sohoa batch show BATCH [--json]\n"
	"       sohoa batch delete BATCH PAGE_ID\n"
	"       sohoa batch rotate BATCH PAGE_ID DEGREES     (90, 180, 270, -90)\n"
	"       sohoa batch move BATCH PAGE_ID POSITION      (1 = first)\n"
	"       sohoa batch split BATCH POSITION...          (where papers start)\n"
	"       sohoa batch kind BATCH PAPER KIND             (e.g. 2 GKS)\n"
	"       sohoa batch finish BATCH   (accept an interrupted batch as it is)\n"
	"       sohoa batch commit BATCH [--json] [--workers N] (store it as a dossier)\n\n"
	"The review verbs print the batch afterwards, as JSON with --json.\n"
	"Staged batches (scans under review) live in the warehouse folder under\n"
	"batches/. Format: docs/CAPTURE.md.\n");

static int batch_list(const char *store_dir, int json)
{
	char *bdir = NULL;
	json_t *arr = json ? json_array() : NULL;
	if (json && !arr)
		return cli_fail("batch", sh_error_set(SH_ENOMEM, "out of memory"));
	if (sh_recv_batches_dir(&bdir, store_dir))
		return json ? cli_json_print(json_pack("{s:o}", "batches", arr)) : EXIT_OK;
	DIR *d = opendir(bdir);
	struct dirent *e;
	sh_scan_batch *b = NULL;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (json) {
			const char *dos;
			if (!sh_recv_batch_open(&b, store_dir, e->d_name)) {
				dos = sh_scan_batch_dossier(b);
				json_array_append_new(
					arr, json_pack("{s:s, s:s, s:I, s:s, s:s, s:o}", "batch",
						       sh_scan_batch_id(b),
						       "state", sh_scan_state_name(sh_scan_batch_state(b)),
						       "page_count", (json_int_t)sh_scan_batch_count(b),
						       "owner", sh_scan_batch_owner(b), "procedure",
						       sh_scan_batch_procedure(b), "dossier",
						       dos ? json_string(dos) : json_null()));
				sh_scan_batch_close(&b);
			} else {
				json_array_append_new(arr, json_pack("{s:s, s:s}", "batch", e->d_name,
								     "unreadable", sh_error_message()));
			}
			continue;
		}
		if (!sh_recv_batch_open(&b, store_dir, e->d_name)) {
			printf("%s\t%s\t%zu pages\t%s\t%s%s%s\n", sh_scan_batch_id(b),
			       sh_scan_state_name(sh_scan_batch_state(b)), sh_scan_batch_count(b),
			       sh_scan_batch_owner(b), sh_scan_batch_procedure(b),
			       sh_scan_batch_dossier(b) ? "\t" : "",
			       sh_scan_batch_dossier(b) ? sh_scan_batch_dossier(b) : "");
			sh_scan_batch_close(&b);
		} else {
			printf("%s\t(unreadable: %s)\n", e->d_name, sh_error_message());
		}
	}
	if (d)
		closedir(d);
	sh_free(bdir);
	return json ? cli_json_print(json_pack("{s:o}", "batches", arr)) : EXIT_OK;
}

static int batch_split(sh_scan_batch *b, const char **pos, size_t n, int *rc)
{
	size_t *starts = sh_calloc(n + 1, sizeof *starts), k = 0;
	unsigned long a;
	if (!starts)
		return cli_fail("batch", SH_ENOMEM);
	starts[k++] = 0;
	for (size_t i = 0; i < n; i++) {
		if (parse_uint(pos[i], &a) || a < 1) {
			sh_free(starts);
			return cli_usage("batch", "split takes page positions (1 = first page)");
		}
		if (a > 1)
			starts[k++] = a - 1;
	}
	*rc = sh_scan_batch_split(b, starts, NULL, k);
	sh_free(starts);
	return EXIT_OK;
}

/* The review verbs: change the batch, then show it. */
static int batch_edit(sh_scan_batch *b, const char *verb, const char **pos, size_t npos, int json)
{
	unsigned long a = 0, c = 0;
	int rc = SH_OK, ex = EXIT_OK;
	if (!strcmp(verb, "show") && npos == 2) {
		if (json)
			return cli_json_print(batch_json(b));
		print_batch(b);
		return EXIT_OK;
	} else if (!strcmp(verb, "delete") && npos == 3 && !parse_uint(pos[2], &a)) {
		rc = sh_scan_batch_delete(b, (unsigned)a);
	} else if (!strcmp(verb, "rotate") && npos == 4 && !parse_uint(pos[2], &a)) {
		char *end = NULL;
		long deg = strtol(pos[3], &end, 10);
		if (!pos[3][0] || *end || deg % 90 || deg < -270 || deg > 270)
			return cli_usage("batch", "rotate takes 90, 180, 270 or -90 degrees");
		rc = sh_scan_batch_rotate(b, (unsigned)a, (int)deg);
	} else if (!strcmp(verb, "move") && npos == 4 && !parse_uint(pos[2], &a) &&
		   !parse_uint(pos[3], &c) && c >= 1) {
		rc = sh_scan_batch_move(b, (unsigned)a, c - 1);
	} else if (!strcmp(verb, "split") && npos >= 3) {
		if ((ex = batch_split(b, pos + 2, npos - 2, &rc)))
			return ex;
	} else if (!strcmp(verb, "kind") && npos == 4 && !parse_uint(pos[2], &a) && a >= 1) {
		rc = sh_scan_batch_set_code(b, a - 1, pos[3]);
	} else if (!strcmp(verb, "finish") && npos == 2) {
		rc = sh_scan_batch_finish(b);
	} else {
		return cli_usage("batch", "unknown or incomplete batch command");
	}
	if (rc)
		return cli_fail("batch", rc);
	if (json)
		return cli_json_print(batch_json(b));
	print_batch(b);
	return EXIT_OK;
}

int cmd_batch(int argc, char **argv)
{
	const char *store = NULL, *workers_s = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--workers", 0, CLI_STR, &workers_s},
		{NULL}};
	/* "rotate ... -90": one dash is a number, not an option */
	const cli_spec spec = {"batch", batch_help, opts, .dash_positional = 1};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a), rc;
	if (ex)
		return CLI_DONE(ex);
	long long workers = 0;
	if (workers_s && (ex = cli_number("batch", "--workers", workers_s, 0, 64, &workers))) {
		cli_args_free(&a);
		return ex;
	}
	char *dir = cli_store_dir(store);
	sh_scan_batch *b = NULL;
	sh_store *s = NULL;
	const char *verb = a.npos ? a.pos[0] : "";
	if (!dir)
		ex = cli_fail("batch", SH_ENOMEM);
	else if (workers_s && strcmp(verb, "commit"))
		ex = cli_usage("batch", "--workers goes with commit");
	else if (!strcmp(verb, "list") && a.npos > 1)
		ex = cli_usage("batch", "list takes no argument");
	else if (!strcmp(verb, "list"))
		ex = batch_list(dir, json);
	else if (a.npos < 2)
		ex = cli_usage("batch", "which batch? (`sohoa batch list`)");
	else if ((rc = sh_recv_batch_open(&b, dir, a.pos[1])))
		ex = cli_fail("batch", rc);
	else if (strcmp(verb, "commit") || a.npos != 2)
		ex = batch_edit(b, verb, a.pos, a.npos, json);
	else if (!(ex = cli_store_open(&s, "batch", store, 0)) &&
		 (rc = commit_batch("batch", s, b, (int)workers, json)))
		ex = cli_exit_code(rc);
	sh_scan_batch_close(&b);
	sh_store_close(&s);
	sh_free(dir);
	cli_args_free(&a);
	return ex;
}

/* ---- watch ------------------------------------------------------------- */

static volatile sig_atomic_t stop_flag;
static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct watch_ctx {
	const char *store;
	int workers;
};

/* One watched-folder file into the warehouse (sh_recv_store: idempotent on
 * the file's hash, so a restart never stores it twice). */
static int watch_ingest(void *arg, const sh_scan_watch_item *it)
{
	struct watch_ctx *w = arg;
	sh_store *s = NULL;
	sh_recv_result *res = NULL;
	sh_recv_source src = {.watched = it};
	sh_recv_options o = {.operator_id = "watch", .workers = w->workers};
	char *dir = cli_store_dir(w->store);
	int rc = dir ? sh_store_open(&s, dir, 0) : SH_ENOMEM;
	if (!rc && !(rc = cli_signing_key(&o.key, "watch")))
		rc = sh_recv_store(&res, s, &src, &o);
	if (!rc)
		printf("%s: dossier %s%s\n", it->name, res->dossier,
		       res->existing ? " (already stored)" : " stored");
	else if (s)
		cli_note("watch", "%s: %s", it->name, sh_error_message());
	fflush(stdout);
	sh_recv_result_free(&res);
	sh_store_close(&s);
	sh_free(dir);
	return rc;
}

static const char *const watch_help = N_(
	"usage: sohoa watch DIR [--once] [--settle MS] [--store DIR]\n"
	"       sohoa watch --server URL DIR [--once] [--settle MS]\n\n"
	"Scan-to-folder: ingest each complete file dropped into DIR as a dossier.\n"
	"Owner and procedure come from a sidecar NAME.json ({\"owner\": ...,\n"
	"\"procedure\": ...}) or NAME.txt (owner=..., procedure=...), or from the\n"
	"file name OWNER_PROCEDURE_anything.ext. Files go to DIR/done/ or\n"
	"DIR/failed/ (with NAME.reason). A restart neither loses nor stores a file\n"
	"twice. --once: one pass, then exit. Runs as a service:\n"
	"dist/sohoa-watch.service.in. With --server URL each file is uploaded to the\n"
	"office server instead (its SHA-256 as the upload's idempotency key).\n");

int cmd_watch(int argc, char **argv)
{
	const char *store = NULL, *settle = NULL, *workers_s = NULL;
	int once = 0;
	const cli_option opts[] = {
		{"--once", 0, CLI_FLAG, &once},
		{"--store", 0, CLI_STR, &store},
		{"--settle", 0, CLI_STR, &settle},
		{"--workers", 0, CLI_STR, &workers_s},
		{NULL}};
	const cli_spec spec = {"watch", watch_help, opts, .dash_positional = 0};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a);
	if (ex)
		return CLI_DONE(ex);
	const char *folder = a.npos ? a.pos[0] : NULL;
	size_t npos = a.npos;
	cli_args_free(&a);
	if (npos > 1)
		return cli_usage("watch", "give one folder");
	if (!folder)
		return cli_usage("watch", "which folder?");
	long long settle_ms = 0, workers = 0;
	if ((settle && (ex = cli_number("watch", "--settle (ms)", settle, 0, 3600000, &settle_ms))) ||
	    (workers_s && (ex = cli_number("watch", "--workers", workers_s, 0, 64, &workers))))
		return ex;
	sh_store *s = NULL;
	int rc0;
	ex = cli_store_open(&s, "watch", store, SH_STORE_RDONLY);
	if (ex)
		return ex;
	sh_store_close(&s);
	const sh_sign_key *skey;
	if ((rc0 = cli_signing_key(&skey, "watch")))
		return cli_fail("watch", rc0);
	struct watch_ctx ctx = {store, (int)workers};
	sh_scan_watch_options o = {.settle_ms = (int)settle_ms,
				   .ingest = watch_ingest,
				   .ingest_arg = &ctx};
	sh_scan_watch *w = NULL;
	int rc = sh_scan_watch_open(&w, folder, &o);
	if (rc)
		return cli_fail("watch", rc);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	size_t done = 0, failed = 0, d, f;
	/* --once: long enough for files already there to count as settled */
	int64_t until = sh_now() + (o.settle_ms > 0 ? o.settle_ms : 2000) / 1000 + 1;
	do {
		rc = sh_scan_watch_poll(w, once ? 200 : 1000, &d, &f);
		done += d;
		failed += f;
		if (rc) {
			ex = cli_fail("watch", rc);
			break;
		}
	} while (!stop_flag && (!once || sh_now() <= until));
	sh_scan_watch_free(&w);
	cli_note("watch", dngettext(SH_TEXTDOMAIN, "%zu file stored, %zu failed",
				    "%zu files stored, %zu failed", done), done, failed);
	return ex;
}

/* ---- export-tiff ---------------------------------------------------------- */

static const char *const export_tiff_help = N_(
	"usage: sohoa export-tiff CODE FILE [--store DIR]\n\n"
	"Write a paper's pages as its archival multi-page TIFF master: CCITT G4\n"
	"for bilevel pages, Deflate for grey and colour, JPEG only where the scan\n"
	"was JPEG; resolution, DateTime, Software, ImageDescription (the code).\n");

int cmd_export_tiff(int argc, char **argv)
{
	const char *store = NULL;
	const cli_option opts[] = {{"--store", 0, CLI_STR, &store}, {NULL}};
	const cli_spec spec = {"export-tiff", export_tiff_help, opts};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a);
	if (ex)
		return CLI_DONE(ex);
	const char *code = a.npos > 0 ? a.pos[0] : NULL, *out = a.npos > 1 ? a.pos[1] : NULL;
	size_t npos = a.npos;
	cli_args_free(&a);
	if (npos > 2)
		return cli_usage("export-tiff", "give a code and a file");
	if (!code || !out)
		return cli_usage("export-tiff", "give a paper code and the TIFF file to write");
	sh_store *s = NULL;
	ex = cli_code("export-tiff", code, CLI_PAPER);
	if (!ex)
		ex = cli_store_open(&s, "export-tiff", store, 0);
	if (ex)
		return ex;
	sh_store_paper_rec *p = NULL;
	int rc = sh_wh_paper_get(s, code, &p); /* audited by the library */
	if (!rc)
		rc = sh_recv_export_tiff(s, p, out);
	if (rc)
		ex = cli_fail("export-tiff", rc);
	else
		printf("%s: %zu page%s written to %s\n", p->code, p->npages, p->npages == 1 ? "" : "s",
		       out);
	sh_store_paper_rec_free(&p);
	sh_store_close(&s);
	return ex;
}

/* ---- scan --server, watch --server ---------------------------------------- */

/* The folder scan --server captures into before uploading: --spool, else
 * $XDG_STATE_HOME/sohoa/spool, else ~/.local/state/sohoa/spool (created). */
static char *spool_dir(const char *given)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *d = given ? sh_strdup(given)
		  : x && *x ? sh_asprintf("%s/sohoa/spool", x)
			    : sh_asprintf("%s/.local/state/sohoa/spool", home ? home : ".");
	for (char *p = d ? d + 1 : NULL; p && *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(d, 0700);
			*p = '/';
		}
	if (d && mkdir(d, 0700) && errno != EEXIST) {
		sh_error_set(SH_EIO, "%s: %s", d, strerror(errno));
		sh_free(d);
		return NULL;
	}
	return d;
}

static json_t *reply(const sh_buf *b)
{
	return json_loadb((const char *)b->data, b->len, 0, NULL);
}

/* The captured pages of b into a new batch of the server, in order; commit
 * it (*out the server's JSON) unless review. *name: the server's batch. */
static int upload_batch(sh_client *c, sh_scan_batch *b, int review, char name[64], sh_buf *out)
{
	name[0] = 0;
	json_t *req = json_pack("{s:s, s:s}", "owner", sh_scan_batch_owner(b), "procedure",
				sh_scan_batch_procedure(b));
	char *rj = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!rj)
		return SH_ENOMEM;
	long st;
	sh_buf r = SH_BUF_INIT;
	int rc = sh_client_post(c, "/api/v1/batches", rj, &st, &r);
	free(rj);
	json_t *o = rc ? NULL : reply(&r);
	const char *bn = json_string_value(json_object_get(o, "batch"));
	if (!rc && (!bn || strlen(bn) >= 64 || strspn(bn, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
							  "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
							   strlen(bn)))
		rc = sh_error_set(SH_EIO, "the server did not name the new batch");
	if (!rc)
		snprintf(name, 64, "%s", bn);
	json_decref(o);
	sh_buf_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/batches/%s/pages", name);
	for (size_t pos = 0; !rc && pos < sh_scan_batch_count(b); pos++) {
		sh_scan_page p;
		char *file = NULL;
		if (!(rc = sh_scan_batch_page(b, pos, &p)) &&
		    !(rc = sh_scan_batch_page_path(b, p.id, &file))) {
			const char *files[] = {file};
			rc = sh_client_upload(c, path, NULL, 0, files, 1, &st, &r);
			sh_buf_free(&r);
		}
		sh_free(file);
	}
	if (!rc && !review) {
		snprintf(path, sizeof path, "/api/v1/batches/%s/commit", name);
		rc = sh_client_post(c, path, NULL, &st, out);
	}
	return rc;
}

int cli_remote_scan(sh_client *c, int argc, char **argv)
{
	struct scan_args w = {0};
	int ex = scan_parse(&w, argc, argv), rc;
	if (!ex && w.store)
		ex = cli_usage("scan", "--store and --server: choose one");
	if (ex) {
		sh_free(w.extra.v);
		return CLI_DONE(ex);
	}
	sh_scan_batch *b = NULL;
	sh_scan_options o = {0};
	sh_buf out = SH_BUF_INIT;
	char name[64] = "";
	char *dir = spool_dir(w.spool);
	if (!dir) {
		ex = cli_fail("scan", SH_EIO);
		goto done;
	}
	if ((rc = scan_batch(&b, &o, &w, dir))) {
		ex = cli_fail("scan", rc);
		goto done;
	}
	size_t before = sh_scan_batch_count(b);
	if ((rc = sh_scan_capture(b, &o))) {
		ex = scan_failed(&b, rc, w.resume != NULL);
		goto done;
	}
	cli_note("scan", "batch %s: %zu page%s captured (%zu in all)", sh_scan_batch_id(b),
		 sh_scan_batch_count(b) - before, sh_scan_batch_count(b) - before == 1 ? "" : "s",
		 sh_scan_batch_count(b));
	if ((rc = upload_batch(c, b, w.review, name, &out))) {
		ex = cli_fail("scan", rc);
		cli_note("scan", "the pages are kept in %s/batches/%s (a batch of this machine)%s%s",
			 dir, sh_scan_batch_id(b), name[0] ? "; the server's batch is " : "", name);
		goto done;
	}
	if (w.review)
		printf("batch %s staged on the server with %zu page%s: review it there (the web "
		       "pages, or /api/v1/batches/%s), then commit it\n",
		       name, sh_scan_batch_count(b), sh_scan_batch_count(b) == 1 ? "" : "s", name);
	else
		cli_remote_print_upload(&out, w.json);
	/* on the server now: the copy of this machine goes (a flat folder) */
	char *bdir = sh_asprintf("%s/batches/%s", dir, sh_scan_batch_id(b));
	sh_scan_batch_close(&b);
	DIR *d = bdir ? opendir(bdir) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	if (bdir && rmdir(bdir))
		cli_note("scan", "%s could not be removed: %s", bdir, strerror(errno));
	sh_free(bdir);
done:
	sh_buf_free(&out);
	sh_scan_batch_close(&b);
	sh_free(dir);
	sh_free(w.extra.v);
	return ex;
}

/* One watched-folder file uploaded as a dossier; the file's SHA-256 is the
 * idempotency key, so a restart after a crash does not store it twice. A
 * server that cannot be reached: SH_EBUSY, the file waits for a later pass. */
static int watch_upload(void *arg, const sh_scan_watch_item *it)
{
	sh_client *c = arg;
	sh_buf b = SH_BUF_INIT;
	const char *files[] = {it->path};
	int rc = sh_client_set_idempotency(c, it->key);
	if (!rc)
		rc = cli_remote_ingest(c, it->owner, it->procedure, files, 1, &b);
	sh_client_set_idempotency(c, NULL);
	if (!rc) {
		json_t *o = reply(&b);
		printf("%s: dossier %s stored on the server\n", it->name,
		       json_string_value(json_object_get(o, "dossier"))
			       ? json_string_value(json_object_get(o, "dossier"))
			       : "?");
		json_decref(o);
	} else {
		cli_note("watch", "%s: %s", it->name, sh_error_message());
		if (rc == SH_EIO || rc == SH_EBUSY)
			rc = SH_EBUSY; /* the server is away: try again later */
	}
	fflush(stdout);
	sh_buf_free(&b);
	return rc;
}

int cli_remote_watch(sh_client *c, int argc, char **argv)
{
	const char *settle = NULL, *store = NULL;
	int once = 0;
	const cli_option opts[] = {{"--once", 0, CLI_FLAG, &once},
				   {"--settle", 0, CLI_STR, &settle},
				   {"--store", 0, CLI_STR, &store},
				   {NULL}};
	const cli_spec spec = {"watch", watch_help, opts, .dash_positional = 0};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a);
	if (ex)
		return CLI_DONE(ex);
	const char *folder = a.npos == 1 ? a.pos[0] : NULL;
	long long settle_ms = 0;
	if (store)
		ex = cli_usage("watch", "--store and --server: choose one");
	else if (!folder)
		ex = cli_usage("watch", "give one folder");
	else if (settle)
		ex = cli_number("watch", "--settle (ms)", settle, 0, 3600000, &settle_ms);
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	sh_scan_watch_options o = {.settle_ms = (int)settle_ms, .ingest = watch_upload,
				   .ingest_arg = c};
	sh_scan_watch *wt = NULL;
	int rc = sh_scan_watch_open(&wt, folder, &o);
	cli_args_free(&a);
	if (rc)
		return cli_fail("watch", rc);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	size_t done = 0, failed = 0, d, f;
	int64_t until = sh_now() + (o.settle_ms > 0 ? o.settle_ms : 2000) / 1000 + 1;
	do {
		rc = sh_scan_watch_poll(wt, once ? 200 : 1000, &d, &f);
		done += d;
		failed += f;
		if (rc) {
			ex = cli_fail("watch", rc);
			break;
		}
	} while (!stop_flag && (!once || sh_now() <= until));
	sh_scan_watch_free(&wt);
	fprintf(stderr, "sohoa watch: %zu file%s stored on the server, %zu failed\n", done,
		done == 1 ? "" : "s", failed);
	return ex;
}
