/* sohoa archive: digitising the backlog by the box (archive/, sh_arch.h).
 * separators: print separator sheets; detect: say which pages of scans are
 * separator sheets and how the box splits. Parsing and printing only. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "sh_arch.h"
#include "sh_recv.h"
#include "sh_scan.h"
#include "sh_wh.h"

static const char *const archive_help = N_(
	"usage: sohoa archive separators [--owner ID] [--book TEXT] [--first N] [--count N]\n"
	"                                [--dpi N] --out FILE\n"
	"       sohoa archive detect [--json] [--blank-split] FILE...\n"
	"       sohoa archive ingest [--json] [--box TEXT] [--owner ID] [--procedure CODE]\n"
	"                            [--level LEVEL] [--blank-split] [--progress]\n"
	"                            [--review] [--workers N] FILE...\n"
	"       sohoa archive commit [--json] [--box TEXT] [--owner ID] [--level LEVEL]\n"
	"                            [--blank-split] [--progress] BATCH...\n"
	"       sohoa archive totals set KIND LEVEL N\n"
	"       sohoa archive totals --csv FILE\n"
	"       sohoa archive totals start YEAR\n"
	"       sohoa archive report [--from YYYY-MM] [--to YYYY-MM] [--json | --csv]\n\n"
	"Digitising results still in force, scanned by the box (docs/ARCHIVE.md).\n"
	"separators: write separator sheets to print: an A4 page with a QR code\n"
	"(payload SOHOA-SEP:1;owner=ID;book=TEXT;n=N) and \"TỜ PHÂN CÁCH — SOHOA\".\n"
	"FILE.pdf: one PDF of --count pages; any other name: PNG at --dpi (default\n"
	"300), FILE-001.png, FILE-002.png ... when --count is over 1. --first N\n"
	"numbers the sheets from N (default: unnumbered). Put one sheet before each\n"
	"paper of the box; --owner when the papers after it belong to one owner.\n"
	"detect: for each page of the image files (a multi-page TIFF: each page)\n"
	"say whether it is a separator sheet and what it carries, and how the box\n"
	"splits into papers (--blank-split: blank pages told apart, and a blank\n"
	"page between papers splits too). Exit 3 when a file cannot be read.\n"
	"ingest: read a box's scans (multi-page TIFF or single pages, in order),\n"
	"split them at separator sheets (never stored) and store each paper through\n"
	"the same pipeline as ingest (OCR, kind, facts, signed, logged), filed under\n"
	"the owner its separator names (else --owner; else not stored, listed for\n"
	"review), in one archive record <AGENCY>-LT<YY>-NNNNNN (procedure LT.SOHOA)\n"
	"per run of papers of one owner and book. Each paper is signed with its\n"
	"provenance: archive_box (--box), archive_book (the separator's book),\n"
	"archive_digitised (today), archive_by (the operator), archive_level\n"
	"(--level province|district|commune, or tỉnh|huyện|xã). --blank-split: a\n"
	"blank page between papers also splits (a missing separator; the paper goes\n"
	"under the owner it names, flagged for review). --progress (or a terminal):\n"
	"pages read and papers stored on stderr. Running the same box again stores\n"
	"nothing twice (after a kill or a jam: run it again). --review: stage the\n"
	"box as a batch instead (every page, a component per paper) for the batch\n"
	"verbs (sohoa batch show/rotate/move/split/delete/kind), nothing stored.\n"
	"commit: store staged batches as boxes (after --review, or a box scanned\n"
	"with `sohoa scan` through the ADF; resume a jammed scan first): the\n"
	"separators are found again in the reviewed order, a paper also ends where\n"
	"a component was split, a component's kind is its paper's kind.\n"
	"totals: the office's registry totals of results in force by kind and level\n"
	"(set; --csv FILE with lines kind,level,count; start YEAR: the plan's first\n"
	"year, else the year of the first total). Role: admin.\n"
	"report: archive papers digitised against the totals, by level and kind, to\n"
	"date (--to, default now) and per month (--from..--to), with the targets\n"
	"30/20/15 %% (province/district/commune) the first year, +20 points a year.\n");

static void ingest_print(const sh_arch_box *b, int json)
{
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < b->npapers; i++) {
			const sh_arch_paper *p = &b->papers[i];
			json_t *facts = p->facts_json ? json_loads(p->facts_json, 0, NULL) : NULL;
			json_array_append_new(
				arr, json_pack("{s:s?,s:s?,s:s,s:s?,s:o,s:i,s:i,s:b,s:b}", "code", p->code,
					       "dossier", p->dossier, "owner", p->owner, "kind", p->kind,
					       "facts", facts ? facts : json_object(), "first_page",
					       (int)p->first + 1, "pages", (int)p->npages, "review",
					       (p->flags & SH_ARCH_PART_REVIEW) != 0, "existing",
					       p->existing));
		}
		json_t *top = json_pack("{s:i,s:i,s:o}", "box_pages", (int)b->npages, "separators",
					(int)b->nseparators, "papers", arr);
		cli_json_print(top);
		return;
	}
	for (size_t i = 0; i < b->npapers; i++) {
		const sh_arch_paper *p = &b->papers[i];
		printf("%s\t%s\t%s\tpages %zu-%zu%s\n", p->code ? p->code : "(not stored)",
		       p->owner[0] ? p->owner : "-", p->kind ? p->kind : "-", p->first + 1,
		       p->first + p->npages, p->flags & SH_ARCH_PART_REVIEW ? "\treview" : "");
	}
}

static void box_progress(void *arg, const char *stage, size_t done, size_t total)
{
	(void)arg;
	if (!strcmp(stage, "detect"))
		fprintf(stderr, "\rsohoa archive: page %zu read", done);
	else if (!strcmp(stage, "stage"))
		fprintf(stderr, "\rsohoa archive: page %zu of %zu staged", done, total);
	else
		fprintf(stderr, "\rsohoa archive: %zu of %zu papers stored%s", done, total,
			done == total ? "\n" : "");
}

static int ingest(const char **files, size_t n, const char *store, const char *box,
		  const char *owner, const char *procedure, const char *workers_s, int json,
		  const char *level, int blank_split, int progress, int review, int batches)
{
	long long workers = 0;
	int ex;
	if (workers_s && (ex = cli_number("archive", "--workers", workers_s, 1, 256, &workers)))
		return ex;
	if (level && !sh_wh_level_parse(level))
		return cli_usage("archive", "--level takes province, district or commune");
	sh_arch_ingest_options o = {.box = box, .owner = owner, .procedure = procedure,
				    .operator_id = cli_user(), .workers = (int)workers,
				    .level = level, .blank_split = blank_split};
	if (progress || isatty(STDERR_FILENO))
		o.progress = box_progress;
	int rc = SH_OK;
	if (owner && (rc = sh_id_owner_check(NULL, NULL, owner)))
		return cli_fail("archive", rc);
	if (procedure && (rc = sh_id_procedure_check(procedure)))
		return cli_fail("archive", rc);
	sh_store *s = NULL;
	if ((ex = cli_store_open(&s, "archive", store, 0)))
		return ex;
	if (review && (box || level)) /* kept by no batch: they are commit's */
		return cli_usage("archive", "--box and --level go with archive commit");
	if (review) { /* staged as a batch: nothing stored until archive commit */
		char *id = NULL;
		rc = sh_arch_stage(&id, sh_store_dir(s), files, n, &o);
		if (!rc && json) {
			cli_json_print(json_pack("{s:s}", "batch", id));
		} else if (!rc) {
			if (o.progress)
				fputc('\n', stderr);
			printf("batch %s staged: review it (sohoa batch show %s; rotate, move, split, "
			       "delete, kind), then store it: sohoa archive commit %s\n", id, id, id);
		}
		sh_free(id);
		sh_store_close(&s);
		return rc ? cli_fail("archive", rc) : EXIT_OK;
	}
	sh_arch_box *b = NULL;
	if (!(rc = cli_signing_key(&o.key, "archive"))) {
		if (batches) {
			sh_scan_batch *sb = NULL;
			for (size_t i = 0; !rc && i < n; i++) {
				sh_arch_box_free(&b);
				if (!(rc = sh_recv_batch_open(&sb, sh_store_dir(s), files[i])))
					rc = sh_arch_commit(&b, s, sb, &o);
				sh_scan_batch_close(&sb);
				if (b && (rc == SH_OK || b->nresults) && i + 1 < n)
					ingest_print(b, json);
			}
		} else {
			rc = sh_arch_ingest(&b, s, files, n, &o);
		}
	}
	if (b && (rc == SH_OK || b->nresults))
		ingest_print(b, json); /* what was stored, also when a later dossier failed */
	ex = rc ? cli_fail("archive", rc) : EXIT_OK;
	sh_arch_box_free(&b);
	sh_store_close(&s);
	return ex;
}

static int separators(const char *owner, const char *book, const char *first_s,
		      const char *count_s, const char *dpi_s, const char *out)
{
	long long first = 0, count = 1, dpi = 300;
	int ex;
	if (!out)
		return cli_usage("archive", "separators needs --out FILE");
	if (first_s && (ex = cli_number("archive", "--first", first_s, 1, 999999, &first)))
		return ex;
	if (count_s && (ex = cli_number("archive", "--count", count_s, 1, SH_ARCH_COUNT_MAX, &count)))
		return ex;
	if (dpi_s && (ex = cli_number("archive", "--dpi", dpi_s, 100, 600, &dpi)))
		return ex;
	sh_arch_sep sep = {0};
	if (owner && (!owner[0] || strlen(owner) >= sizeof sep.owner + 2)) {
		cli_note("archive", "owner id '%s': 12 digits (person), 10 or 13 (organisation)", owner);
		return EXIT_INPUT;
	}
	if (book && (!book[0] || strlen(book) > SH_ARCH_BOOK_MAX)) {
		cli_note("archive", "--book: 1-%d bytes", SH_ARCH_BOOK_MAX);
		return EXIT_INPUT;
	}
	if (owner) {
		int rc = sh_id_owner_check(NULL, sep.owner, owner);
		if (rc)
			return cli_fail("archive", rc);
	}
	if (book)
		snprintf(sep.book, sizeof sep.book, "%s", book);
	int rc = sh_arch_separators_write(out, &sep, (unsigned)first, (unsigned)count, (int)dpi);
	return rc ? cli_fail("archive", rc) : EXIT_OK;
}

static int detect(const char **files, size_t nfiles, int json, int blank_split)
{
	size_t total = 0, cap = 64;
	int *kinds = sh_malloc(cap * sizeof *kinds);
	json_t *pages = json ? json_array() : NULL;
	int rc = kinds && (!json || pages) ? SH_OK : SH_ENOMEM;
	for (size_t f = 0; rc == SH_OK && f < nfiles; f++) {
		int n = 0;
		if ((rc = sh_arch_file_pages(&n, files[f])))
			break;
		for (int p = 0; rc == SH_OK && p < n; p++) {
			int kind = 0;
			sh_arch_sep sep;
			if ((rc = blank_split ? sh_arch_classify_file(&kind, &sep, files[f], p)
					      : sh_arch_detect_file(&kind, &sep, files[f], p)))
				break;
			int found = kind == SH_ARCH_PAGE_SEPARATOR, blank = kind == SH_ARCH_PAGE_BLANK;
			if (total == cap) {
				int *t = sh_realloc(kinds, 2 * cap * sizeof *kinds);
				if (!t) {
					rc = SH_ENOMEM;
					break;
				}
				kinds = t;
				cap *= 2;
			}
			kinds[total++] = kind;
			if (json) {
				json_t *o = json_pack("{s:s,s:i,s:b,s:b}", "file", files[f], "page", p + 1,
						      "separator", found, "blank", blank);
				if (o && found)
					json_object_set_new(o, "payload",
							    json_pack("{s:s,s:s,s:i}", "owner", sep.owner,
								      "book", sep.book, "n", (int)sep.n));
				json_array_append_new(pages, o);
			} else if (found) {
				printf("%s page %d: separator owner=%s book=%s n=%u\n", files[f], p + 1,
				       sep.owner[0] ? sep.owner : "-", sep.book[0] ? sep.book : "-", sep.n);
			} else {
				printf("%s page %d: %s\n", files[f], p + 1, blank ? "blank" : "page");
			}
		}
	}
	sh_arch_part *parts = NULL;
	size_t nparts = 0;
	if (rc == SH_OK)
		rc = sh_arch_split(&parts, &nparts, kinds, total, blank_split);
	if (rc == SH_OK) {
		if (json) {
			json_t *pa = json_array();
			for (size_t i = 0; i < nparts; i++)
				json_array_append_new(
					pa, json_pack("{s:i,s:i,s:b}", "first", (int)parts[i].first + 1,
						      "pages", (int)parts[i].npages, "review",
						      (parts[i].flags & SH_ARCH_PART_REVIEW) != 0));
			json_t *top = json_pack("{s:o,s:o}", "pages", pages, "papers", pa);
			pages = NULL;
			cli_json_print(top);
		} else {
			for (size_t i = 0; i < nparts; i++)
				printf("paper %zu: pages %zu-%zu%s\n", i + 1, parts[i].first + 1,
				       parts[i].first + parts[i].npages,
				       parts[i].flags & SH_ARCH_PART_REVIEW ? " (review: no separator before it)"
									    : "");
		}
	}
	json_decref(pages);
	sh_free(parts);
	sh_free(kinds);
	return rc ? cli_fail("archive", rc) : EXIT_OK;
}

static int totals(const char **args, size_t nargs, const char *store, int csv_flag)
{
	const char *csv = csv_flag && nargs == 1 ? args[0] : NULL;
	if (csv_flag && !csv)
		return cli_usage("archive", "totals --csv FILE: one file");
	sh_store *s = NULL;
	int ex, rc;
	size_t rows = 0;
	if (csv) {
		uint8_t *d = NULL;
		size_t len = 0;
		if ((rc = sh_file_read(&d, &len, csv, SH_WH_BACKLOG_CSV_MAX)))
			return cli_fail("archive", rc);
		if (!(ex = cli_store_open(&s, "archive", store, 0))) {
			rc = sh_wh_backlog_totals_csv(s, (const char *)d, len, &rows);
			ex = rc ? cli_fail("archive", rc) : EXIT_OK;
			if (!rc)
				printf("%zu registry totals recorded\n", rows);
		}
		sh_free(d);
		sh_store_close(&s);
		return ex;
	}
	long long v = 0;
	if (nargs == 4 && !strcmp(args[0], "set")) {
		if (!sh_wh_level_parse(args[2]))
			return cli_usage("archive", "level '%s': province, district or commune", args[2]);
		if ((ex = cli_number("archive", "count", args[3], 0, (long long)SH_WH_BACKLOG_TOTAL_MAX,
				     &v)))
			return ex;
		if ((ex = cli_store_open(&s, "archive", store, 0)))
			return ex;
		rc = sh_wh_backlog_total_set(s, args[1], args[2], (uint64_t)v);
	} else if (nargs == 2 && !strcmp(args[0], "start")) {
		if ((ex = cli_number("archive", "year", args[1], 2000, 2099, &v)))
			return ex;
		if ((ex = cli_store_open(&s, "archive", store, 0)))
			return ex;
		rc = sh_wh_backlog_start_set(s, (int)v);
	} else {
		return cli_usage("archive", "totals set KIND LEVEL N, totals --csv FILE or totals "
					    "start YEAR");
	}
	sh_store_close(&s);
	return rc ? cli_fail("archive", rc) : EXIT_OK;
}

static double pct_of(size_t n, uint64_t of)
{
	return of ? 100.0 * (double)n / (double)of : 0.0;
}

static int report(const char *store, const char *from, const char *to, int json, int csv)
{
	if (json && csv)
		return cli_usage("archive", "choose --json or --csv");
	sh_store *s = NULL;
	int ex = cli_store_open(&s, "archive", store, 0);
	if (ex)
		return ex;
	sh_wh_backlog_report_t r;
	int rc = sh_wh_backlog_report(s, from, to, &r);
	sh_store_close(&s);
	if (rc)
		return cli_fail("archive", rc);
	if (json) {
		char *txt = sh_wh_backlog_report_json(&r);
		json_t *o = txt ? json_loads(txt, 0, NULL) : NULL;
		sh_free(txt);
		if (o)
			cli_json_print(o);
		else
			rc = SH_ENOMEM;
	} else if (csv) {
		printf("month,level,kind,digitised,in_force,percent,target\n");
		for (size_t i = 0; i < r.nrows; i++) {
			const sh_wh_backlog_row *w = &r.rows[i];
			printf("to-date,%s,%s,%zu,%llu,", w->level, w->kind[0] ? w->kind : "total",
			       w->digitised, (unsigned long long)w->in_force);
			if (w->in_force)
				printf("%.1f", pct_of(w->digitised, w->in_force));
			printf(",%d\n", w->target);
		}
		for (size_t i = 0; i < r.nmonths; i++) {
			const sh_wh_backlog_row *w = &r.months[i];
			printf("%s,%s,%s,%zu,,,%d\n", w->month, w->level, w->kind[0] ? w->kind : "total",
			       w->digitised, w->target);
		}
	} else {
		char first[16] = "not recorded";
		if (r.start_year)
			snprintf(first, sizeof first, "%d", r.start_year);
		printf("backlog digitised to %s; targets for %d (plan's first year %s): province "
		       "%d%%, district %d%%, commune %d%%\n",
		       to ? to : "now", r.year, first,
		       sh_wh_backlog_target("province", r.year, r.start_year),
		       sh_wh_backlog_target("district", r.year, r.start_year),
		       sh_wh_backlog_target("commune", r.year, r.start_year));
		for (size_t i = 0; i < r.nrows; i++) {
			const sh_wh_backlog_row *w = &r.rows[i];
			printf("  %-9s %-12s %8zu of %8llu", w->level[0] ? w->level : "-",
			       w->kind[0] ? w->kind : "total", w->digitised,
			       (unsigned long long)w->in_force);
			if (w->in_force)
				printf("  %5.1f%%  target %d%%  %s\n", pct_of(w->digitised, w->in_force),
				       w->target,
				       100 * (uint64_t)w->digitised >= (uint64_t)w->target * w->in_force
					       ? "on target"
					       : "below target");
			else
				printf("  (no registry total)\n");
		}
		if (r.nmonths)
			printf("per month\n");
		for (size_t i = 0; i < r.nmonths; i++)
			printf("  %s %-9s %-12s %8zu\n", r.months[i].month,
			       r.months[i].level[0] ? r.months[i].level : "-",
			       r.months[i].kind[0] ? r.months[i].kind : "total", r.months[i].digitised);
	}
	sh_wh_backlog_report_free(&r);
	return rc ? cli_fail("archive", rc) : EXIT_OK;
}

int cmd_archive(int argc, char **argv)
{
	const char *owner = NULL, *book = NULL, *first = NULL, *count = NULL, *dpi = NULL,
		   *out = NULL, *store = NULL, *box = NULL, *procedure = NULL, *workers = NULL,
		   *level = NULL, *from = NULL, *to = NULL;
	int json = 0, blank_split = 0, progress = 0, csv = 0, review = 0;
	const cli_option opts[] = {
		{"--owner", 0, CLI_STR, &owner},   {"--book", 0, CLI_STR, &book},
		{"--first", 0, CLI_STR, &first},   {"--count", 0, CLI_STR, &count},
		{"--dpi", 0, CLI_STR, &dpi},       {"--out", 0, CLI_STR, &out},
		{"--json", 0, CLI_FLAG, &json},    {"--blank-split", 0, CLI_FLAG, &blank_split},
		{"--store", 0, CLI_STR, &store},   {"--box", 0, CLI_STR, &box},
		{"--procedure", 0, CLI_STR, &procedure}, {"--workers", 0, CLI_STR, &workers},
		{"--level", 0, CLI_STR, &level},   {"--progress", 0, CLI_FLAG, &progress},
		{"--from", 0, CLI_STR, &from},     {"--to", 0, CLI_STR, &to},
		{"--csv", 0, CLI_FLAG, &csv},      {"--review", 0, CLI_FLAG, &review},
		{NULL}};
	const cli_spec spec = {"archive", archive_help, opts, .double_dash = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	int ex;
	const char *verb = a.npos ? a.pos[0] : "";
	int is_store = !strcmp(verb, "ingest") || !strcmp(verb, "commit");
	if (json && !strcmp(verb, "totals")) {
		cli_args_free(&a);
		return cli_usage("archive", "--json goes with detect, ingest, commit and report");
	}
	if ((csv && strcmp(verb, "report") && strcmp(verb, "totals")) ||
	    ((from || to) && strcmp(verb, "report")) ||
	    ((level || progress || blank_split) && !is_store && strcmp(verb, "detect")) ||
	    ((level || progress) && !is_store)) {
		cli_args_free(&a);
		return cli_usage("archive", "an option that %s does not take",
				 verb[0] ? verb : "archive");
	}
	if (!strcmp(verb, "separators")) {
		ex = a.npos > 1 ? cli_usage("archive", "separators takes no file: use --out FILE")
				: separators(owner, book, first, count, dpi, out);
	} else if (!strcmp(verb, "detect")) {
		ex = a.npos < 2 ? cli_usage("archive", "detect needs image files")
				: detect(a.pos + 1, a.npos - 1, json, blank_split);
	} else if (!strcmp(verb, "ingest")) {
		ex = a.npos < 2 ? cli_usage("archive", "ingest needs the box's image files")
				: ingest(a.pos + 1, a.npos - 1, store, box, owner, procedure, workers, json,
					 level, blank_split, progress, review, 0);
	} else if (!strcmp(verb, "commit")) {
		ex = a.npos < 2 ? cli_usage("archive", "commit needs the staged batches' names")
			: review ? cli_usage("archive", "--review is for ingest")
				: ingest(a.pos + 1, a.npos - 1, store, box, owner, procedure, workers, json,
					 level, blank_split, progress, 0, 1);
	} else if (!strcmp(verb, "totals")) {
		ex = totals(a.pos + 1, a.npos - 1, store, csv);
	} else if (!strcmp(verb, "report")) {
		ex = a.npos > 1 ? cli_usage("archive", "report takes no argument")
				: report(store, from, to, json, csv);
	} else if (!verb[0]) {
		ex = cli_usage("archive", "what to do: separators, detect, ingest, commit, totals or "
					  "report");
	} else {
		ex = cli_usage("archive", "unknown archive command '%s'", verb);
	}
	cli_args_free(&a);
	return ex;
}
