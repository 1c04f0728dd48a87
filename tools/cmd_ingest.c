/* ingest, result, ocr, extract: image files through the one page pipeline
 * (receive/sh_recv.h); this file only parses and prints. */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh_recv.h"

/* --workers N: a number from 0 to 64. */
static int workers_arg(const char *cmd, const char *s, int *out)
{
	long long v = 0;
	int ex = s ? cli_number(cmd, "--workers", s, 0, 64, &v) : EXIT_OK;
	*out = (int)v;
	return ex;
}

/* The inputs of a run: one per file, named after the path's base name. */
static sh_recv_input *inputs_of(const char **files, size_t n)
{
	sh_recv_input *in = sh_calloc(n ? n : 1, sizeof *in);
	for (size_t i = 0; in && i < n; i++)
		in[i].path = files[i];
	return in;
}

void cli_print_pages(const sh_recv_result *res, const sh_recv_paper *p)
{
	for (size_t k = 0; k < p->npages; k++) {
		const sh_recv_page *pg = &res->pages[p->first + k];
		if (pg->flags & (SH_PAGE_BLANK | SH_PAGE_RESCAN | SH_PAGE_ROTATED))
			printf("    page %zu: %s%s%s\n", k + 1, sh_ocr_flags_str(pg->flags),
			       pg->note[0] ? " — " : "", pg->note);
	}
}

static void print_codes(const sh_recv_result *res, const char **names, int json)
{
	if (json) {
		json_t *comps = json_array();
		for (size_t i = 0; i < res->npapers; i++)
			json_array_append_new(comps, json_pack("{s:s, s:s, s:i}", "code",
							       res->papers[i].code, "file", names[i],
							       "pages", (int)res->papers[i].npages));
		json_t *o = json_pack("{s:s, s:o}", "dossier", res->dossier, "components", comps);
		cli_json_print(o);
		return;
	}
	printf("dossier %s stored\n", res->dossier);
	for (size_t i = 0; i < res->npapers; i++) {
		const sh_recv_paper *p = &res->papers[i];
		printf("  %s  %s (%zu page%s)%s\n", p->code, cli_esc(names[i]), p->npages,
		       p->npages == 1 ? "" : "s",
		       p->flags & SH_WH_PAPER_OWNER_MISMATCH ? "  ! names another owner: check it" : "");
		cli_print_pages(res, p);
	}
}

static const char *const ingest_help = N_(
	"usage: sohoa ingest --owner OWNER_ID --procedure CODE [--json]\n"
	"                    [--workers N] [--store DIR] FILE...\n\n"
	"Receive one dossier: each FILE (PNG, JPEG, PNM, TIFF incl. multi-page and\n"
	"CCITT G4) is one component paper. Every page is cleaned and OCR'd in\n"
	"Vietnamese on every core, each paper's kind and facts are extracted; the\n"
	"dossier gets the code AGENCY-YYMMDD-NNNN and each paper DOSSIER-NN-KIND.\n"
	"Stored whole or not at all.\n"
	"OWNER_ID: 12-digit personal id, or 10/13-digit tax code.\n");

int cmd_ingest(int argc, char **argv)
{
	const char *store = NULL, *owner = NULL, *procedure = NULL, *workers_s = NULL;
	int json = 0, workers = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--owner", 0, CLI_STR, &owner},
		{"--procedure", 0, CLI_STR, &procedure},
		{"--workers", 0, CLI_STR, &workers_s},
		{NULL}};
	const cli_spec spec = {"ingest", ingest_help, opts, .double_dash = 1};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a), rc;
	if (ex)
		return CLI_DONE(ex);
	if (!owner)
		ex = cli_usage("ingest", "--owner OWNER_ID is required");
	else if (!procedure)
		ex = cli_usage("ingest", "--procedure CODE is required");
	else if (!a.npos)
		ex = cli_usage("ingest", "give the image files of the dossier's papers");
	else if (workers_s && workers_arg("ingest", workers_s, &workers))
		ex = EXIT_USAGE;
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	sh_store *s = NULL;
	sh_recv_result *res = NULL;
	sh_recv_input *in = inputs_of(a.pos, a.npos);
	sh_recv_options o = {.owner = owner, .procedure = procedure, .operator_id = cli_user(),
			     .workers = workers};
	sh_recv_source src = {.inputs = in, .ninputs = a.npos};
	cli_progress(&o, "ingest", json);
	/* the codes before the warehouse, the key or any reading */
	if (!in)
		rc = SH_ENOMEM;
	else if ((rc = sh_id_owner_check(NULL, NULL, owner)) || (rc = sh_id_procedure_check(procedure)))
		;
	else if ((ex = cli_store_open(&s, "ingest", store, 0)))
		goto out;
	if (rc || (rc = cli_signing_key(&o.key, "ingest")) || (rc = sh_recv_store(&res, s, &src, &o))) {
		ex = cli_fail("ingest", rc);
		if (s)
			cli_note("ingest", "nothing of this dossier was stored");
		goto out;
	}
	print_codes(res, a.pos, json);
out:
	sh_recv_result_free(&res);
	sh_store_close(&s);
	sh_free(in);
	cli_args_free(&a);
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

/* Read files, store nothing: the same pipeline as ingest. */
static int read_files(sh_recv_result **res, const char **files, size_t n, int workers, int no_clean,
		      int text_only)
{
	sh_recv_input *in = inputs_of(files, n);
	if (!in)
		return SH_ENOMEM;
	sh_recv_source src = {.inputs = in, .ninputs = n};
	sh_recv_options o = {.workers = workers, .no_clean = no_clean, .keep_going = 1,
			     .text_only = text_only};
	int rc = sh_recv_read(res, &src, &o);
	sh_free(in);
	return rc;
}

static const char *const ocr_help = N_(
	"usage: sohoa ocr --out DIR [--workers N] [--no-clean] [--json] FILE...\n\n"
	"OCR image files (Vietnamese), nothing stored: writes DIR/NAME.txt for each\n"
	"FILE (NAME without its extension; pages separated by form feeds), using\n"
	"every core. --no-clean skips the clean-up (orientation, deskew, ...).\n"
	"--json: {\"files\": [{\"file\", \"text_file\", \"pages\"} or {\"file\", \"error\"}]}\n"
	"(docs/FORMATS.md); exit 3 when a file could not be read.\n");

int cmd_ocr(int argc, char **argv)
{
	const char *outdir = NULL, *workers_s = NULL;
	int workers = 0, raw = 0, json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--no-clean", 0, CLI_FLAG, &raw},
		{"--out", 0, CLI_STR, &outdir},
		{"--workers", 0, CLI_STR, &workers_s},
		{NULL}};
	const cli_spec spec = {"ocr", ocr_help, opts};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a), rc;
	if (ex)
		return CLI_DONE(ex);
	if (!outdir)
		ex = cli_usage("ocr", "--out DIR is required");
	else if (!a.npos)
		ex = cli_usage("ocr", "give the image files to read");
	else if (workers_s && workers_arg("ocr", workers_s, &workers))
		ex = EXIT_USAGE;
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	sh_recv_result *res = NULL;
	if (mkdir(outdir, 0775) < 0 && errno != EEXIST) {
		rc = sh_error_set(SH_EIO, "%s: cannot create the output folder: %s", outdir,
				  strerror(errno));
	} else {
		rc = read_files(&res, a.pos, a.npos, workers, raw, 1);
	}
	if (rc) {
		ex = cli_fail("ocr", rc);
		goto out;
	}
	int failed = 0;
	json_t *files = json ? json_array() : NULL;
	for (size_t i = 0; i < res->npapers; i++) {
		const sh_recv_paper *p = &res->papers[i];
		if (p->status) {
			if (json)
				json_array_append_new(files, json_pack("{s:s, s:s}", "file", a.pos[i],
								       "error", p->error));
			else
				cli_print_error("ocr", p->error);
			failed++;
			continue;
		}
		char *name = out_name(outdir, a.pos[i]);
		rc = name ? sh_file_write(name, p->text, strlen(p->text)) : SH_ENOMEM;
		if (rc && json)
			json_array_append_new(files, json_pack("{s:s, s:s}", "file", a.pos[i], "error",
							       sh_error_message()));
		else if (rc)
			cli_print_error("ocr", sh_error_message());
		else if (json)
			json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "file", a.pos[i],
							       "text_file", name, "pages",
							       (json_int_t)p->npages));
		failed += rc != 0;
		sh_free(name);
	}
	ex = failed ? EXIT_INPUT : EXIT_OK;
	if (json) {
		int jex = cli_json_print(json_pack("{s:o}", "files", files));
		ex = ex ? ex : jex;
	} else if (failed) {
		cli_note("ocr", dngettext(SH_TEXTDOMAIN, "%d of %zu file could not be read",
					  "%d of %zu files could not be read", a.npos),
			 failed, a.npos);
	}
out:
	sh_recv_result_free(&res);
	cli_args_free(&a);
	return ex;
}

static const char *const extract_help = N_(
	"usage: sohoa extract [--json] [--workers N] FILE...\n\n"
	"OCR each FILE and say what paper it is and what it states: one JSON object\n"
	"per line, {\"file\", \"kind\", \"fields\": {doc_type, number, date, issuer,\n"
	"title, signer, signer_title, owner_id, owner_name, birth_date, sex,\n"
	"valid_until}, \"confidence\"}. Nothing is stored. Kinds come from the\n"
	"catalogue kinds.json (share/sohoa; or $SOHOA_KINDS).\n");

int cmd_extract(int argc, char **argv)
{
	const char *workers_s = NULL;
	int workers = 0, json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json}, /* JSON lines is the only output form */
		{"--workers", 0, CLI_STR, &workers_s},
		{NULL}};
	const cli_spec spec = {"extract", extract_help, opts};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a), rc;
	if (ex)
		return CLI_DONE(ex);
	if (!a.npos)
		ex = cli_usage("extract", "give the image files to read");
	else if (workers_s && workers_arg("extract", workers_s, &workers))
		ex = EXIT_USAGE;
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	sh_recv_result *res = NULL;
	if ((rc = read_files(&res, a.pos, a.npos, workers, 0, 0))) {
		ex = cli_fail("extract", rc);
		goto out;
	}
	for (size_t i = 0; i < res->npapers; i++) {
		const sh_recv_paper *p = &res->papers[i];
		if (p->status) {
			cli_print_error(NULL, p->error);
			ex = EXIT_INPUT;
			continue;
		}
		char *line = sh_paper_result_json(p->facts, p->path);
		if (!line) {
			ex = cli_fail("extract", SH_ENOMEM);
			goto out;
		}
		printf("%s\n", line);
		sh_free(line);
	}
out:
	sh_recv_result_free(&res);
	cli_args_free(&a);
	return ex;
}

static void print_results(const sh_recv_result *res, const char **files, int json)
{
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < res->npapers; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "code",
							     res->papers[i].code, "kind",
							     res->papers[i].kind ? res->papers[i].kind : "TL",
							     "file", files[i],
							     "pages", (int)res->papers[i].npages));
		json_t *o = json_pack("{s:s, s:o}", "dossier", res->dossier, "results", arr);
		cli_json_print(o);
		return;
	}
	for (size_t i = 0; i < res->npapers; i++)
		printf("result %s stored  %s (%zu page%s)\n", res->papers[i].code, cli_esc(files[i]),
		       res->papers[i].npages, res->papers[i].npages == 1 ? "" : "s");
}

static const char *const result_help = N_(
	"usage: sohoa result add DOSSIER FILE... [--json] [--store DIR]\n\n"
	"Store the result papers of a dossier (the decision, licence, certificate\n"
	"issued to the citizen), each coded DOSSIER-KQ<n> (Nghị định\n"
	"45/2020/NĐ-CP Điều 14), numbered in order; OCR'd, classified and signed\n"
	"like every paper.\n");

int cmd_result(int argc, char **argv)
{
	const char *store = NULL, *workers_s = NULL;
	int json = 0, workers = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--workers", 0, CLI_STR, &workers_s},
		{NULL}};
	const cli_spec spec = {"result", result_help, opts};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a), rc;
	if (ex)
		return CLI_DONE(ex);
	if (a.npos < 3 || strcmp(a.pos[0], "add"))
		ex = cli_usage("result", "usage: sohoa result add DOSSIER FILE...");
	else if (workers_s && workers_arg("result", workers_s, &workers))
		ex = EXIT_USAGE;
	else
		ex = cli_code("result", a.pos[1], SH_CODE_DOSSIER);
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	sh_store *s = NULL;
	sh_recv_result *res = NULL;
	sh_recv_input *in = inputs_of(a.pos + 2, a.npos - 2);
	sh_recv_options o = {.result_of = a.pos[1], .operator_id = cli_user(), .workers = workers};
	sh_recv_source src = {.inputs = in, .ninputs = a.npos - 2};
	if ((ex = cli_store_open(&s, "result", store, 0)))
		goto out;
	if (!in)
		rc = SH_ENOMEM;
	else if (!(rc = cli_signing_key(&o.key, "result")))
		rc = sh_recv_store(&res, s, &src, &o);
	if (rc)
		ex = cli_fail("result", rc);
	else
		print_results(res, a.pos + 2, json);
out:
	sh_recv_result_free(&res);
	sh_store_close(&s);
	sh_free(in);
	cli_args_free(&a);
	return ex;
}
