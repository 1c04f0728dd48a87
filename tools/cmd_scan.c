/* devices, scan, batch (review and commit), watch, export-tiff. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pipeline.h"

static char *batches_dir(const char *store_opt)
{
	char *dir = cli_store_dir(store_opt);
	if (!dir)
		return NULL;
	char *b = sh_asprintf("%s/batches", dir);
	sh_free(dir);
	return b;
}

int cmd_devices(int argc, char **argv)
{
	int json = 0;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa devices [--json]\n\nList the scanners SANE can see.\n");
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else {
			return cli_usage("devices", "unknown argument '%s'", argv[i]);
		}
	}
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
		json_dumpf(arr, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(arr);
	} else if (!n) {
		fprintf(stderr, "sohoa devices: no scanner found (check the cable, power and that "
				"the user may use the scanner: group 'scanner')\n");
	}
	sh_scan_devices_free(&list, n);
	return EXIT_OK;
}

/* Store a complete batch as a dossier, then mark the batch committed.
 * Idempotent: a batch whose dossier was stored but not yet marked (a crash
 * in between) gets the same dossier back. */
static int commit_batch(const char *cmd, sh_store *s, sh_scan_batch *b, int workers, int json)
{
	pl_run r = {0};
	sh_wh_dossier_codes *codes = NULL;
	int rc;
	char key[600];
	const sh_sign_key *skey = NULL;
	snprintf(key, sizeof key, "batch:%s:%s", sh_store_dir(s), sh_scan_batch_id(b));
	if ((rc = cli_signing_key(&skey, cmd)) || (rc = pl_from_batch(&r, b)) || (rc = pl_read(&r, workers, 0)) ||
	    (rc = pl_papers(&r, sh_scan_batch_owner(b))))
		goto fail;
	sh_wh_dossier_in din = {.owner = sh_scan_batch_owner(b),
			     .procedure = sh_scan_batch_procedure(b),
			     .operator_id = cli_user(),
			     .idem_key = key,
			     .key = skey,
			     .npapers = r.ncomps,
			     .papers = r.papers};
	if ((rc = sh_wh_dossier_put(s, &din, &codes)))
		goto fail;
	if ((rc = sh_scan_batch_commit(b, codes->dossier))) {
		cli_note(cmd, "dossier %s is stored, but the batch could not be marked committed: %s",
			 codes->dossier, sh_error_message());
		rc = SH_OK; /* the dossier is safe; a retry returns the same code */
	}
	if (json) {
		json_t *comps = json_array();
		for (size_t i = 0; i < r.ncomps; i++)
			json_array_append_new(comps, json_pack("{s:s, s:s, s:i}", "code",
							       codes->papers[i], "file", r.comps[i].file,
							       "pages", (int)r.comps[i].npages));
		json_t *o = json_pack("{s:s, s:s, s:o}", "dossier", codes->dossier, "batch",
				      sh_scan_batch_id(b), "components", comps);
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		printf("dossier %s stored from batch %s\n", codes->dossier, sh_scan_batch_id(b));
		for (size_t i = 0; i < r.ncomps; i++) {
			const sh_wh_paper_in *p = &r.papers[i];
			printf("  %s  (%zu page%s)%s\n", codes->papers[i], p->npages,
			       p->npages == 1 ? "" : "s",
			       p->flags & SH_WH_PAPER_OWNER_MISMATCH ? "  ! names another owner: check it"
								   : "");
			for (size_t k = 0; k < p->npages; k++)
				if (p->pages[k].flags & (SH_PAGE_BLANK | SH_PAGE_RESCAN | SH_PAGE_ROTATED))
					printf("    page %zu: %s%s%s\n", k + 1,
					       sh_ocr_flags_str(p->pages[k].flags),
					       p->pages[k].note ? " — " : "",
					       p->pages[k].note ? p->pages[k].note : "");
		}
	}
	goto out;
fail:
	cli_print_error(cmd, sh_error_message());
	cli_note(cmd, "batch %s is kept with its pages; nothing was stored", sh_scan_batch_id(b));
out:
	sh_wh_dossier_codes_free(&codes);
	pl_free(&r);
	return rc;
}

/* Run the page pipeline over a batch to record its flags for review. */
static int annotate_batch(sh_scan_batch *b, int workers)
{
	pl_run r = {0};
	int rc = pl_from_batch(&r, b);
	if (!rc)
		rc = pl_read(&r, workers, 0);
	for (size_t i = 0; !rc && i < r.npages; i++)
		rc = sh_scan_batch_annotate(b, r.pages[i].batch_id, r.pages[i].ocr.flags,
					    r.pages[i].ocr.reason[0] ? r.pages[i].ocr.reason : NULL,
					    -1);
	pl_free(&r);
	return rc;
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

int cmd_scan(int argc, char **argv)
{
	const char *store = NULL, *device = NULL, *source = NULL, *mode = NULL, *res = NULL,
		   *owner = NULL, *procedure = NULL, *resume = NULL, *workers_s = NULL, *wait_s = NULL;
	int duplex = 0, review = 0, json = 0, workers = 0;
	const char **extra = sh_calloc((size_t)argc + 1, sizeof *extra);
	size_t nextra = 0;
	if (!extra)
		return cli_fail("scan", SH_ENOMEM);
	for (int i = 1; i < argc; i++) {
		int m;
		const char *v;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa scan --device DEV --owner ID --procedure CODE\n"
			       "                  [--source flatbed|adf] [--duplex] [--resolution DPI]\n"
			       "                  [--mode gray|color|lineart] [--option NAME=VALUE]...\n"
			       "                  [--wait SECONDS] [--review] [--json] [--store DIR]\n"
			       "       sohoa scan --resume BATCH [--device DEV] [--review]\n\n"
			       "Capture a batch from a SANE scanner (defaults: flatbed, 300 dpi, grey;\n"
			       "never below 200 dpi; an ADF runs until the feeder is empty) and store it as\n"
			       "a dossier. --review stages it instead: its pages are read and flagged\n"
			       "(blank, rescan suggested, turned) for `sohoa batch` review and commit.\n"
			       "A jam or other scanner fault keeps every page captured: clear it and run\n"
			       "`sohoa scan --resume BATCH`. A scanner silent for --wait seconds (default\n"
			       "120: opening, warming up, between data) is given up as stopped.\n");
			sh_free(extra);
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--duplex")) {
			duplex = 1;
		} else if (cli_flag(argv, i, "--review")) {
			review = 1;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--option", &v))) {
			if (m < 0) {
				sh_free(extra);
				return cli_usage("scan", "--option needs NAME=VALUE");
			}
			extra[nextra++] = v;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--device", &device)) ||
			   (m = cli_opt(argc, argv, &i, "--source", &source)) ||
			   (m = cli_opt(argc, argv, &i, "--mode", &mode)) ||
			   (m = cli_opt(argc, argv, &i, "--resolution", &res)) ||
			   (m = cli_opt(argc, argv, &i, "--owner", &owner)) ||
			   (m = cli_opt(argc, argv, &i, "--procedure", &procedure)) ||
			   (m = cli_opt(argc, argv, &i, "--resume", &resume)) ||
			   (m = cli_opt(argc, argv, &i, "--workers", &workers_s)) ||
			   (m = cli_opt(argc, argv, &i, "--wait", &wait_s))) {
			if (m < 0) {
				sh_free(extra);
				return cli_usage("scan", "%s needs a value", argv[i]);
			}
		} else {
			sh_free(extra);
			return cli_usage("scan", "unknown argument '%s'", argv[i]);
		}
	}
	int ex = EXIT_OK, rc = SH_OK;
	long long dpi = 0, nworkers = 0, wait = 0;
	sh_scan_options o = {0};
	if (!resume && (!device || !owner || !procedure))
		ex = cli_usage("scan", "--device, --owner and --procedure are required "
				       "(or --resume BATCH)");
	else if (source && (rc = sh_scan_source_parse(&o.source, source)))
		ex = cli_fail("scan", rc);
	else if (mode && (rc = sh_scan_mode_parse(&o.mode, mode)))
		ex = cli_fail("scan", rc);
	else if (res && (ex = cli_number("scan", "--resolution (dots per inch)", res, 1, 2400, &dpi)))
		;
	else if (workers_s && (ex = cli_number("scan", "--workers", workers_s, 0, 64, &nworkers)))
		;
	else if (wait_s && (ex = cli_number("scan", "--wait (seconds)", wait_s, 1, 3600, &wait)))
		;
	else if (owner && (rc = sh_id_owner_check(NULL, NULL, owner)))
		ex = cli_fail("scan", rc);
	else if (procedure && (rc = sh_id_procedure_check(procedure)))
		ex = cli_fail("scan", rc);
	if (ex) {
		sh_free(extra);
		return ex;
	}
	workers = (int)nworkers;
	sh_store *s = NULL;
	sh_scan_batch *b = NULL;
	char *bdir = NULL, *dir = NULL;
	const sh_sign_key *skey;
	if ((ex = cli_store_open(&s, "scan", store, 0)))
		goto out;
	/* the key before any batch is made: no key, no empty batch left behind */
	if (!review && (rc = cli_signing_key(&skey, "scan"))) {
		ex = cli_fail("scan", rc);
		goto out;
	}
	if (!(bdir = batches_dir(store))) {
		ex = cli_fail("scan", SH_ENOMEM);
		goto out;
	}
	mkdir(bdir, 0770);
	if (resume) {
		dir = strchr(resume, '/') ? sh_strdup(resume) : sh_asprintf("%s/%s", bdir, resume);
		if (!dir || (rc = sh_scan_batch_open(&b, dir))) {
			ex = cli_fail("scan", dir ? rc : SH_ENOMEM);
			goto out;
		}
		sh_scan_batch_settings(b, &o);
		if (device)
			o.device = device;
	} else {
		/* B<YYMMDD>-<n>: the first free number; mkdir decides races */
		char day[16];
		time_t now = (time_t)sh_now();
		struct tm tm;
		localtime_r(&now, &tm);
		snprintf(day, sizeof day, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
		for (int n = 1; n < 100000 && !b; n++) {
			sh_free(dir);
			dir = sh_asprintf("%s/B%s-%d", bdir, day, n);
			if (!dir) {
				rc = SH_ENOMEM;
				break;
			}
			struct stat st;
			if (stat(dir, &st) == 0)
				continue;
			rc = sh_scan_batch_create(&b, dir, owner, procedure);
			if (rc != SH_EEXISTS)
				break;
		}
		if (rc || !b) {
			ex = cli_fail("scan", rc ? rc : SH_EFULL);
			goto out;
		}
		o.device = device;
		o.duplex = duplex;
		o.dpi = (int)dpi;
	}
	if (source)
		sh_scan_source_parse(&o.source, source);
	if (mode)
		sh_scan_mode_parse(&o.mode, mode);
	if (duplex)
		o.duplex = 1;
	if (res)
		o.dpi = (int)dpi;
	extra[nextra] = NULL;
	o.extra = nextra ? extra : NULL;
	o.timeout_ms = (int)wait * 1000;
	size_t before = sh_scan_batch_count(b);
	rc = sh_scan_capture(b, &o);
	if (rc) {
		/* the message says what happened and how to continue */
		ex = cli_fail("scan", rc);
		/* refused before anything was captured (an option the device lacks, no
		 * such device, busy): the new batch is not left behind empty */
		sh_scan_fault f;
		sh_scan_batch_fault(b, &f);
		if (!resume && sh_scan_batch_count(b) == 0 && !(f.status && *f.status) &&
		    sh_scan_batch_discard(&b))
			cli_print_error("scan", sh_error_message());
		goto out;
	}
	cli_note("scan", "batch %s: %zu page%s captured (%zu in all)", sh_scan_batch_id(b),
		 sh_scan_batch_count(b) - before, sh_scan_batch_count(b) - before == 1 ? "" : "s",
		 sh_scan_batch_count(b));
	if (review) {
		if ((rc = annotate_batch(b, workers))) {
			ex = cli_fail("scan", rc);
			goto out;
		}
		print_batch(b);
		printf("\nreview with `sohoa batch delete|rotate|move|split %s ...`, then "
		       "`sohoa batch commit %s`\n",
		       sh_scan_batch_id(b), sh_scan_batch_id(b));
	} else if ((rc = commit_batch("scan", s, b, workers, json))) {
		ex = cli_exit_code(rc);
	}
out:
	sh_scan_batch_close(&b);
	sh_store_close(&s);
	sh_free(bdir);
	sh_free(dir);
	sh_free(extra);
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

int cmd_batch(int argc, char **argv)
{
	const char *store = NULL, *workers_s = NULL;
	int json = 0;
	char **pos = sh_calloc((size_t)argc + 1, sizeof *pos);
	size_t npos = 0;
	if (!pos)
		return cli_fail("batch", SH_ENOMEM);
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa batch list\n"
			       "       sohoa batch show BATCH\n"
			       "       sohoa batch delete BATCH PAGE_ID\n"
			       "       sohoa batch rotate BATCH PAGE_ID DEGREES     (90, 180, 270, -90)\n"
			       "       sohoa batch move BATCH PAGE_ID POSITION      (1 = first)\n"
			       "       sohoa batch split BATCH POSITION...          (where papers start)\n"
			       "       sohoa batch kind BATCH PAPER KIND             (e.g. 2 GKS)\n"
			       "       sohoa batch finish BATCH   (accept an interrupted batch as it is)\n"
			       "       sohoa batch commit BATCH [--json]            (store it as a dossier)\n\n"
			       "Staged batches (scans under review) live in the warehouse folder under\n"
			       "batches/. Format: docs/CAPTURE.md.\n");
			sh_free(pos);
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--workers", &workers_s))) {
			if (m < 0) {
				sh_free(pos);
				return cli_usage("batch", "%s needs a value", argv[i]);
			}
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			sh_free(pos);
			return cli_usage("batch", "unknown option '%s'", argv[i]);
		} else {
			pos[npos++] = argv[i];
		}
	}
	int ex = EXIT_OK, rc = SH_OK;
	long long workers = 0;
	if (workers_s && (ex = cli_number("batch", "--workers", workers_s, 0, 64, &workers))) {
		sh_free(pos);
		return ex;
	}
	char *bdir = batches_dir(store), *dir = NULL;
	sh_scan_batch *b = NULL;
	sh_store *s = NULL;
	if (!bdir) {
		ex = cli_fail("batch", SH_ENOMEM);
		goto out;
	}
	const char *verb = npos ? pos[0] : "";
	if (!strcmp(verb, "list")) {
		DIR *d = opendir(bdir);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *p = sh_asprintf("%s/%s", bdir, e->d_name);
			if (p && !sh_scan_batch_open(&b, p)) {
				printf("%s\t%s\t%zu pages\t%s\t%s%s%s\n", sh_scan_batch_id(b),
				       sh_scan_state_name(sh_scan_batch_state(b)), sh_scan_batch_count(b),
				       sh_scan_batch_owner(b), sh_scan_batch_procedure(b),
				       sh_scan_batch_dossier(b) ? "\t" : "",
				       sh_scan_batch_dossier(b) ? sh_scan_batch_dossier(b) : "");
				sh_scan_batch_close(&b);
			} else if (p) {
				printf("%s\t(unreadable: %s)\n", e->d_name, sh_error_message());
			}
			sh_free(p);
		}
		if (d)
			closedir(d);
		goto out;
	}
	if (npos < 2) {
		ex = cli_usage("batch", "which batch? (`sohoa batch list`)");
		goto out;
	}
	dir = strchr(pos[1], '/') ? sh_strdup(pos[1]) : sh_asprintf("%s/%s", bdir, pos[1]);
	if (!dir) {
		ex = cli_fail("batch", SH_ENOMEM);
		goto out;
	}
	if ((rc = sh_scan_batch_open(&b, dir))) {
		ex = cli_fail("batch", rc);
		goto out;
	}
	unsigned long a = 0, c = 0;
	if (!strcmp(verb, "show")) {
		print_batch(b);
	} else if (!strcmp(verb, "delete") && npos == 3 && !parse_uint(pos[2], &a)) {
		rc = sh_scan_batch_delete(b, (unsigned)a);
	} else if (!strcmp(verb, "rotate") && npos == 4 && !parse_uint(pos[2], &a)) {
		char *end = NULL;
		long deg = strtol(pos[3], &end, 10);
		if (!pos[3][0] || *end || deg % 90 || deg < -270 || deg > 270) {
			ex = cli_usage("batch", "rotate takes 90, 180, 270 or -90 degrees");
			goto out;
		}
		rc = sh_scan_batch_rotate(b, (unsigned)a, (int)deg);
	} else if (!strcmp(verb, "move") && npos == 4 && !parse_uint(pos[2], &a) &&
		   !parse_uint(pos[3], &c) && c >= 1) {
		rc = sh_scan_batch_move(b, (unsigned)a, c - 1);
	} else if (!strcmp(verb, "split") && npos >= 3) {
		size_t n = npos - 2;
		size_t *starts = sh_calloc(n + 1, sizeof *starts);
		size_t k = 0;
		if (!starts) {
			ex = cli_fail("batch", SH_ENOMEM);
			goto out;
		}
		starts[k++] = 0;
		for (size_t i = 0; i < n; i++) {
			if (parse_uint(pos[2 + i], &a) || a < 1) {
				sh_free(starts);
				ex = cli_usage("batch", "split takes page positions (1 = first page)");
				goto out;
			}
			if (a > 1)
				starts[k++] = a - 1;
		}
		rc = sh_scan_batch_split(b, starts, NULL, k);
		sh_free(starts);
	} else if (!strcmp(verb, "kind") && npos == 4 && !parse_uint(pos[2], &a) && a >= 1) {
		rc = sh_scan_batch_set_code(b, a - 1, pos[3]);
	} else if (!strcmp(verb, "finish") && npos == 2) {
		rc = sh_scan_batch_finish(b);
	} else if (!strcmp(verb, "commit") && npos == 2) {
		if ((ex = cli_store_open(&s, "batch", store, 0)))
			goto out;
		if (sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED) {
			sh_error_set(SH_EEXISTS, "batch %s is already dossier %s", sh_scan_batch_id(b),
				     sh_scan_batch_dossier(b));
			ex = cli_fail("batch", SH_EEXISTS);
			goto out;
		}
		if (sh_scan_batch_state(b) != SH_SCAN_STATE_COMPLETE) {
			sh_error_set(SH_EINVAL, "batch %s is %s: resume it (`sohoa scan --resume %s`) "
						"or accept it as it is (`sohoa batch finish %s`) first",
				     sh_scan_batch_id(b), sh_scan_state_name(sh_scan_batch_state(b)),
				     sh_scan_batch_id(b), sh_scan_batch_id(b));
			ex = cli_fail("batch", SH_EINVAL);
			goto out;
		}
		rc = commit_batch("batch", s, b, (int)workers, json);
		if (rc)
			ex = cli_exit_code(rc);
		goto out;
	} else {
		ex = cli_usage("batch", "unknown or incomplete batch command");
		goto out;
	}
	if (rc)
		ex = cli_fail("batch", rc);
	else if (strcmp(verb, "show"))
		print_batch(b);
out:
	sh_scan_batch_close(&b);
	sh_store_close(&s);
	sh_free(bdir);
	sh_free(dir);
	sh_free(pos);
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

static int watch_ingest(void *arg, const sh_scan_watch_item *it)
{
	struct watch_ctx *w = arg;
	sh_store *s = NULL;
	pl_run r = {0};
	sh_wh_dossier_codes *codes = NULL;
	char *dir = cli_store_dir(w->store), *path = sh_strdup(it->path), *key = NULL;
	int rc = dir && path ? sh_store_open(&s, dir, 0) : SH_ENOMEM;
	if (rc)
		goto out;
	key = sh_asprintf("file:%s", it->key);
	char *paths[1] = {path};
	const sh_sign_key *skey = NULL;
	if (!key)
		rc = SH_ENOMEM;
	else if ((rc = cli_signing_key(&skey, "watch")))
		;
	else if (!(rc = pl_from_files(&r, paths, 1, NULL)) && !(rc = pl_read(&r, w->workers, 0)) &&
		 !(rc = pl_papers(&r, it->owner))) {
		r.comps[0].file = it->name;
		r.papers[0].file = it->name;
		sh_wh_dossier_in din = {.owner = it->owner, .procedure = it->procedure,
				     .operator_id = "watch", .idem_key = key, .key = skey,
				     .npapers = r.ncomps, .papers = r.papers};
		rc = sh_wh_dossier_put(s, &din, &codes);
	}
	if (!rc)
		printf("%s: dossier %s%s\n", it->name, codes->dossier,
		       codes->existing ? " (already stored)" : " stored");
	else
		cli_note("watch", "%s: %s", it->name, sh_error_message());
	fflush(stdout);
out:
	sh_wh_dossier_codes_free(&codes);
	pl_free(&r);
	sh_store_close(&s);
	sh_free(dir);
	sh_free(path);
	sh_free(key);
	return rc;
}

int cmd_watch(int argc, char **argv)
{
	const char *store = NULL, *folder = NULL, *settle = NULL, *workers_s = NULL;
	int once = 0;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa watch DIR [--once] [--settle MS] [--store DIR]\n\n"
			       "Scan-to-folder: ingest each complete file dropped into DIR as a dossier.\n"
			       "Owner and procedure come from a sidecar NAME.json ({\"owner\": ...,\n"
			       "\"procedure\": ...}) or NAME.txt (owner=..., procedure=...), or from the\n"
			       "file name OWNER_PROCEDURE_anything.ext. Files go to DIR/done/ or\n"
			       "DIR/failed/ (with NAME.reason). A restart neither loses nor stores a file\n"
			       "twice. --once: one pass, then exit. Runs as a service:\n"
			       "scanner/sohoa-watch.service.\n");
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--once")) {
			once = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--settle", &settle)) ||
			   (m = cli_opt(argc, argv, &i, "--workers", &workers_s))) {
			if (m < 0)
				return cli_usage("watch", "%s needs a value", argv[i]);
		} else if (argv[i][0] == '-') {
			return cli_usage("watch", "unknown option '%s'", argv[i]);
		} else if (folder) {
			return cli_usage("watch", "give one folder");
		} else {
			folder = argv[i];
		}
	}
	if (!folder)
		return cli_usage("watch", "which folder?");
	long long settle_ms = 0, workers = 0;
	int ex;
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
	fprintf(stderr, "sohoa watch: %zu file%s stored, %zu failed\n", done, done == 1 ? "" : "s",
		failed);
	return ex;
}

/* ---- export-tiff ---------------------------------------------------------- */

int cmd_export_tiff(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa export-tiff CODE FILE [--store DIR]\n\n"
			       "Write a paper's pages as its archival multi-page TIFF master: CCITT G4\n"
			       "for bilevel pages, Deflate for grey and colour, JPEG only where the scan\n"
			       "was JPEG; resolution, DateTime, Software, ImageDescription (the code).\n");
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("export-tiff", "--store needs a value");
		} else if (argv[i][0] == '-') {
			return cli_usage("export-tiff", "unknown option '%s'", argv[i]);
		} else if (!code) {
			code = argv[i];
		} else if (!out) {
			out = argv[i];
		} else {
			return cli_usage("export-tiff", "give a code and a file");
		}
	}
	if (!code || !out)
		return cli_usage("export-tiff", "give a paper code and the TIFF file to write");
	sh_store *s = NULL;
	int ex = cli_code("export-tiff", code, CLI_PAPER);
	if (!ex)
		ex = cli_store_open(&s, "export-tiff", store, 0);
	if (ex)
		return ex;
	sh_store_paper_rec *p = NULL;
	sh_scan_master *m = NULL;
	int rc = sh_wh_paper_get(s, code, &p); /* audited by the library */
	if (rc)
		goto fail;
	sh_scan_master_info info = {.code = p->code, .time = p->created,
				    .make = p->pages[0].make, .model = p->pages[0].model};
	if ((rc = sh_scan_master_new(&m, &info)))
		goto fail;
	for (size_t i = 0; i < p->npages && !rc; i++) {
		uint8_t *bytes = NULL;
		size_t len = 0;
		if ((rc = sh_store_blob_get(s, p->pages[i].image_sha, &bytes, &len)))
			break;
		if (!strcmp(p->pages[i].mime, "image/jpeg")) {
			rc = sh_scan_master_add_bytes(m, bytes, len, p->pages[i].dpi);
		} else {
			sh_scan_file *f = NULL;
			PIX *pix = NULL;
			rc = sh_scan_file_open_mem(&f, bytes, len, code);
			if (!rc)
				rc = sh_scan_file_page(f, 0, &pix);
			if (!rc)
				rc = sh_scan_master_add_pix(m, pix, p->pages[i].dpi);
			pixDestroy(&pix);
			sh_scan_file_free(&f);
		}
		sh_free(bytes);
	}
	if (!rc)
		rc = sh_scan_master_write(m, out);
	if (rc)
		goto fail;
	printf("%s: %zu page%s written to %s\n", p->code, p->npages, p->npages == 1 ? "" : "s", out);
	goto done;
fail:
	ex = cli_fail("export-tiff", rc);
done:
	sh_scan_master_free(&m);
	sh_store_paper_rec_free(&p);
	sh_store_close(&s);
	return ex;
}
