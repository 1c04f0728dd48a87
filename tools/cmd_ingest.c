/* ingest and ocr: image files through the page pipeline. */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sh_ocr.h"
#include "sh_scan.h"
#include "pipeline.h"

/* One page of the run: which file, which page, and its archival bytes
 * (filled on the worker thread that decodes it). */
typedef struct job {
	sh_scan_file *file;
	size_t page;
	int want_bytes;
	uint8_t *bytes;
	size_t len;
	const char *mime;
} job;

typedef struct run {
	sh_scan_file **files;
	size_t nfiles;
	job *jobs;
	size_t njobs;
	sh_ocr_page *pages;
} run;

static int load_page(void *arg, size_t i, PIX **out)
{
	run *r = arg;
	job *j = &r->jobs[i];
	int rc = sh_scan_file_page(j->file, j->page, out);
	if (rc || !j->want_bytes)
		return rc;
	rc = sh_scan_file_page_bytes(j->file, j->page, *out, &j->bytes, &j->len, &j->mime);
	if (rc)
		pixDestroy(out);
	return rc;
}

static void run_free(run *r)
{
	for (size_t i = 0; i < r->njobs; i++) {
		sh_free(r->jobs[i].bytes);
		if (r->pages)
			sh_ocr_page_clear(&r->pages[i]);
	}
	for (size_t i = 0; i < r->nfiles; i++)
		sh_scan_file_free(&r->files[i]);
	sh_free(r->files);
	sh_free(r->jobs);
	sh_free(r->pages);
	memset(r, 0, sizeof *r);
}

/* Open every file (checking it) and lay out one job per page. With
 * keep_going, files that fail are reported and skipped (files[i] NULL). */
static int run_open(run *r, const char *cmd, char **paths, size_t n, int want_bytes,
		    int keep_going, int *failed)
{
	memset(r, 0, sizeof *r);
	r->files = sh_calloc(n, sizeof *r->files);
	if (!r->files)
		return SH_ENOMEM;
	r->nfiles = n;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		int rc = sh_scan_file_open(&r->files[i], paths[i]);
		if (rc) {
			if (!keep_going)
				return rc;
			cli_print_error(cmd, sh_error_message());
			(*failed)++;
			continue;
		}
		total += sh_scan_file_pages(r->files[i]);
	}
	r->jobs = sh_calloc(total ? total : 1, sizeof *r->jobs);
	r->pages = sh_calloc(total ? total : 1, sizeof *r->pages);
	if (!r->jobs || !r->pages)
		return SH_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!r->files[i])
			continue;
		for (size_t p = 0; p < sh_scan_file_pages(r->files[i]); p++) {
			job *j = &r->jobs[r->njobs++];
			j->file = r->files[i];
			j->page = p;
			/* single-page PNG/JPEG are stored as they came: no re-encoding */
			sh_image_type t = sh_scan_file_type(r->files[i]);
			j->want_bytes = want_bytes &&
					!(sh_scan_file_pages(r->files[i]) == 1 &&
					  (t == SH_IMAGE_PNG || t == SH_IMAGE_JPEG));
		}
	}
	return SH_OK;
}

static int parse_workers(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 64)
		return -1;
	*out = (int)v;
	return 0;
}

static void print_codes(const sh_wh_dossier_codes *codes, const pl_run *r, char **names, int json)
{
	if (json) {
		json_t *comps = json_array();
		for (size_t i = 0; i < r->ncomps; i++)
			json_array_append_new(comps, json_pack("{s:s, s:s, s:i}", "code",
							       codes->papers[i], "file",
							       names ? names[i] : r->comps[i].file,
							       "pages", (int)r->comps[i].npages));
		json_t *o = json_pack("{s:s, s:o}", "dossier", codes->dossier, "components", comps);
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
		return;
	}
	printf("dossier %s stored\n", codes->dossier);
	for (size_t i = 0; i < r->ncomps; i++) {
		const sh_wh_paper_in *p = &r->papers[i];
		printf("  %s  %s (%zu page%s)%s\n", codes->papers[i], names ? names[i] : p->file,
		       p->npages, p->npages == 1 ? "" : "s",
		       p->flags & SH_WH_PAPER_OWNER_MISMATCH ? "  ! names another owner: check it" : "");
		for (size_t k = 0; k < p->npages; k++) {
			const sh_wh_page_in *pi = &p->pages[k];
			if (pi->flags & (SH_PAGE_BLANK | SH_PAGE_RESCAN | SH_PAGE_ROTATED))
				printf("    page %zu: %s%s%s\n", k + 1, sh_ocr_flags_str(pi->flags),
				       pi->note ? " — " : "", pi->note ? pi->note : "");
		}
	}
}

int cmd_ingest(int argc, char **argv)
{
	const char *store = NULL, *owner = NULL, *procedure = NULL, *workers_s = NULL,
		   *operator_id = cli_user();
	int json = 0, workers = 0;
	char **files = sh_calloc((size_t)argc, sizeof *files);
	size_t nfiles = 0;
	if (!files)
		return cli_fail("ingest", SH_ENOMEM);
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa ingest --owner OWNER_ID --procedure CODE [--json]\n"
			       "                    [--workers N] [--store DIR] FILE...\n\n"
			       "Receive one dossier: each FILE (PNG, JPEG, PNM, TIFF incl. multi-page and\n"
			       "CCITT G4) is one component paper. Every page is cleaned and OCR'd in\n"
			       "Vietnamese on every core, each paper's kind and facts are extracted; the\n"
			       "dossier gets the code AGENCY-YYMMDD-NNNN and each paper DOSSIER-NN-KIND.\n"
			       "Stored whole or not at all.\n"
			       "OWNER_ID: 12-digit personal id, or 10/13-digit tax code.\n");
			sh_free(files);
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--owner", &owner)) ||
			   (m = cli_opt(argc, argv, &i, "--procedure", &procedure)) ||
			   (m = cli_opt(argc, argv, &i, "--workers", &workers_s))) {
			if (m < 0) {
				sh_free(files);
				return cli_usage("ingest", "%s needs a value", argv[i]);
			}
		} else if (!strcmp(argv[i], "--")) {
			while (++i < argc)
				files[nfiles++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			sh_free(files);
			return cli_usage("ingest", "unknown option '%s'", argv[i]);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	int ex = EXIT_OK, rc;
	if (!owner)
		ex = cli_usage("ingest", "--owner OWNER_ID is required");
	else if (!procedure)
		ex = cli_usage("ingest", "--procedure CODE is required");
	else if (!nfiles)
		ex = cli_usage("ingest", "give the image files of the dossier's papers");
	else if (workers_s && parse_workers(workers_s, &workers))
		ex = cli_usage("ingest", "--workers takes a number from 0 to 64");
	if (ex) {
		sh_free(files);
		return ex;
	}
	/* the codes before any reading: a typo costs no OCR time */
	if ((rc = sh_id_owner_check(NULL, NULL, owner)) || (rc = sh_id_procedure_check(procedure))) {
		sh_free(files);
		return cli_fail("ingest", rc);
	}
	sh_store *s = NULL;
	sh_wh_dossier_codes *codes = NULL;
	pl_run r = {0};
	const sh_sign_key *key = NULL;
	if ((ex = cli_store_open(&s, "ingest", store, 0)))
		goto out;
	if ((rc = cli_signing_key(&key, "ingest")) || (rc = pl_from_files(&r, files, nfiles, NULL)) || (rc = pl_read(&r, workers, 0)) ||
	    (rc = pl_papers(&r, owner)))
		goto fail;
	sh_wh_dossier_in din = {.owner = owner, .procedure = procedure, .operator_id = operator_id,
			     .key = key, .npapers = r.ncomps, .papers = r.papers};
	if ((rc = sh_wh_dossier_put(s, &din, &codes)))
		goto fail;
	print_codes(codes, &r, files, json);
	goto out;
fail:
	ex = cli_fail("ingest", rc);
	fprintf(stderr, "sohoa ingest: nothing of this dossier was stored\n");
out:
	sh_wh_dossier_codes_free(&codes);
	pl_free(&r);
	sh_store_close(&s);
	sh_free(files);
	return ex;
}

static char *out_name(const char *dir, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return sh_asprintf("%s/%.*s.txt", dir, (int)n, base);
}

int cmd_ocr(int argc, char **argv)
{
	const char *outdir = NULL, *workers_s = NULL;
	int workers = 0, raw = 0;
	char **files = sh_calloc((size_t)argc, sizeof *files);
	size_t nfiles = 0;
	if (!files)
		return cli_fail("ocr", SH_ENOMEM);
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa ocr --out DIR [--workers N] [--no-clean] FILE...\n\n"
			       "OCR image files (Vietnamese), nothing stored: writes DIR/NAME.txt for each\n"
			       "FILE (NAME without its extension; pages separated by form feeds), using\n"
			       "every core. --no-clean skips the clean-up (orientation, deskew, ...).\n");
			sh_free(files);
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--no-clean")) {
			raw = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--out", &outdir)) ||
			   (m = cli_opt(argc, argv, &i, "--workers", &workers_s))) {
			if (m < 0) {
				sh_free(files);
				return cli_usage("ocr", "%s needs a value", argv[i]);
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			sh_free(files);
			return cli_usage("ocr", "unknown option '%s'", argv[i]);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	int ex = EXIT_OK;
	if (!outdir)
		ex = cli_usage("ocr", "--out DIR is required");
	else if (!nfiles)
		ex = cli_usage("ocr", "give the image files to read");
	else if (workers_s && parse_workers(workers_s, &workers))
		ex = cli_usage("ocr", "--workers takes a number from 0 to 64");
	if (ex) {
		sh_free(files);
		return ex;
	}
	if (mkdir(outdir, 0775) < 0 && errno != EEXIST) {
		sh_error_set(SH_EIO, "%s: cannot create the output folder: %s", outdir,
			     strerror(errno));
		sh_free(files);
		return cli_fail("ocr", SH_EIO);
	}
	run r;
	sh_ocr_pool *pool = NULL;
	int failed = 0, rc;
	if ((rc = run_open(&r, "ocr", files, nfiles, 0, 1, &failed)))
		goto fail;
	sh_ocr_options o = {.workers = workers, .no_clean = raw};
	if ((rc = sh_ocr_pool_new(&pool, &o)))
		goto fail;
	sh_ocr_pool_run(pool, r.njobs, load_page, &r, r.pages); /* per-page status below */
	size_t k = 0;
	for (size_t i = 0; i < nfiles; i++) {
		if (!r.files[i])
			continue;
		size_t np = sh_scan_file_pages(r.files[i]);
		sh_buf b = SH_BUF_INIT;
		int bad = 0;
		for (size_t p = 0; p < np; p++, k++) {
			if (r.pages[k].status) {
				cli_print_error("ocr", r.pages[k].reason);
				bad = 1;
				continue;
			}
			if (p)
				sh_buf_puts(&b, "\f");
			sh_buf_puts(&b, r.pages[k].text);
		}
		if (bad) {
			failed++;
			sh_buf_free(&b);
			continue;
		}
		char *name = out_name(outdir, files[i]);
		rc = name ? sh_file_write(name, b.data ? (char *)b.data : "", b.len) : SH_ENOMEM;
		if (rc) {
			cli_print_error("ocr", sh_error_message());
			failed++;
		}
		sh_free(name);
		sh_buf_free(&b);
	}
	ex = failed ? EXIT_INPUT : EXIT_OK;
	if (failed)
		fprintf(stderr, "sohoa ocr: %d of %zu files could not be read\n", failed, nfiles);
	goto out;
fail:
	ex = cli_fail("ocr", rc);
out:
	run_free(&r);
	sh_ocr_pool_free(&pool);
	sh_free(files);
	return ex;
}

int cmd_extract(int argc, char **argv)
{
	const char *workers_s = NULL;
	int workers = 0, json = 0;
	char **files = sh_calloc((size_t)argc, sizeof *files);
	size_t nfiles = 0;
	if (!files)
		return cli_fail("extract", SH_ENOMEM);
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa extract [--json] [--workers N] FILE...\n\n"
			       "OCR each FILE and say what paper it is and what it states: one JSON object\n"
			       "per line, {\"file\", \"kind\", \"fields\": {doc_type, number, date, issuer,\n"
			       "title, signer, signer_title, owner_id, owner_name, birth_date, sex,\n"
			       "valid_until}, \"confidence\"}. Nothing is stored. Kinds come from the\n"
			       "catalogue ocr/kinds.json (or $SOHOA_KINDS).\n");
			sh_free(files);
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--workers", &workers_s))) {
			if (m < 0) {
				sh_free(files);
				return cli_usage("extract", "%s needs a value", argv[i]);
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			sh_free(files);
			return cli_usage("extract", "unknown option '%s'", argv[i]);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	(void)json; /* JSON lines is the only output form */
	int ex = EXIT_OK;
	if (!nfiles)
		ex = cli_usage("extract", "give the image files to read");
	else if (workers_s && parse_workers(workers_s, &workers))
		ex = cli_usage("extract", "--workers takes a number from 0 to 64");
	if (ex) {
		sh_free(files);
		return ex;
	}
	pl_run r = {0};
	int skipped = 0, rc;
	if ((rc = pl_from_files(&r, files, nfiles, &skipped)) || (rc = pl_read(&r, workers, 0))) {
		ex = cli_fail("extract", rc);
		goto out;
	}
	for (size_t i = 0; i < r.ncomps; i++) {
		char *line = sh_paper_result_json(r.comps[i].facts, r.comps[i].path);
		if (!line) {
			ex = cli_fail("extract", SH_ENOMEM);
			goto out;
		}
		printf("%s\n", line);
		sh_free(line);
	}
	if (skipped)
		ex = EXIT_INPUT;
out:
	pl_free(&r);
	sh_free(files);
	return ex;
}

int cmd_result(int argc, char **argv)
{
	const char *store = NULL, *workers_s = NULL;
	int json = 0, workers = 0;
	char **pos = sh_calloc((size_t)argc, sizeof *pos);
	size_t npos = 0;
	if (!pos)
		return cli_fail("result", SH_ENOMEM);
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa result add DOSSIER FILE... [--json] [--store DIR]\n\n"
			       "Store the result papers of a dossier (the decision, licence, certificate\n"
			       "issued to the citizen), each coded DOSSIER-KQ<n> (Nghị định\n"
			       "45/2020/NĐ-CP Điều 14), numbered in order; OCR'd, classified and signed\n"
			       "like every paper.\n");
			sh_free(pos);
			return EXIT_OK;
		} else if (cli_flag(argv, i, "--json")) {
			json = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--workers", &workers_s))) {
			if (m < 0) {
				sh_free(pos);
				return cli_usage("result", "%s needs a value", argv[i]);
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			sh_free(pos);
			return cli_usage("result", "unknown option '%s'", argv[i]);
		} else {
			pos[npos++] = argv[i];
		}
	}
	int ex = EXIT_OK, rc;
	if (npos < 3 || strcmp(pos[0], "add"))
		ex = cli_usage("result", "usage: sohoa result add DOSSIER FILE...");
	else if (workers_s && parse_workers(workers_s, &workers))
		ex = cli_usage("result", "--workers takes a number from 0 to 64");
	else
		ex = cli_code("result", pos[1], SH_CODE_DOSSIER);
	if (ex) {
		sh_free(pos);
		return ex;
	}
	sh_store *s = NULL;
	pl_run r = {0};
	const sh_sign_key *key = NULL;
	sh_store_dossier_rec *d = NULL;
	char (*codes)[SH_STORE_CODE_MAX] = NULL;
	if ((ex = cli_store_open(&s, "result", store, 0)))
		goto out;
	if ((rc = sh_store_dossier_get(s, pos[1], &d)) || (rc = cli_signing_key(&key, "result")) ||
	    (rc = pl_from_files(&r, pos + 2, npos - 2, NULL)) || (rc = pl_read(&r, workers, 0)) ||
	    (rc = pl_papers(&r, d->owner)))
		goto fail;
	if (!(codes = sh_calloc(r.ncomps, sizeof *codes))) {
		rc = SH_ENOMEM;
		goto fail;
	}
	if ((rc = sh_wh_result_put(s, pos[1], r.papers, r.ncomps, key, codes)))
		goto fail;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < r.ncomps; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "code", codes[i],
							     "kind", r.papers[i].kind ? r.papers[i].kind : "TL",
							     "file", pos[2 + i],
							     "pages", (int)r.papers[i].npages));
		json_t *o = json_pack("{s:s, s:o}", "dossier", pos[1], "results", arr);
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		for (size_t i = 0; i < r.ncomps; i++)
			printf("result %s stored  %s (%zu page%s)\n", codes[i], pos[2 + i],
			       r.papers[i].npages, r.papers[i].npages == 1 ? "" : "s");
	}
	goto out;
fail:
	ex = cli_fail("result", rc);
out:
	sh_free(codes);
	sh_store_dossier_rec_free(&d);
	pl_free(&r);
	sh_store_close(&s);
	sh_free(pos);
	return ex;
}
