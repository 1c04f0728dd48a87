/* paper_bench — accuracy of kind and fact extraction (sh_paper.h).
 *
 *   paper_bench [-k KINDS.json] [-v] [-K] [-I IMGDIR] TRUTH.json...
 *
 * -K adds a table per kind. With NAME.ocr.hocr beside NAME.ocr.txt the OCR
 * text is extracted with its word confidences (sh_paper_extract_words), as
 * the pipeline does. "correct names changed" counts name facts (owner,
 * signer, holders) that OCR read exactly right and the extraction changed:
 * it must be 0; "correct places changed" the same for addresses. -I IMGDIR: an id OCR read unsurely or misread is read again
 * on the page image IMGDIR/NAME.tif (NAME-pK.tif for page K), digits only
 * (sh_ocr_digits_read), and taken when sh_paper_id_confirm accepts it;
 * every date's place is read again the same way (sh_paper_dates_reread).
 *
 * Each TRUTH.json holds "kind", "fields" and "text" (the corpus form). For
 * every paper the extractor runs on the ground-truth text and, when
 * NAME.ocr.txt sits next to it, on that OCR output. Prints, per source and
 * field, how many values were exactly right, missing or WRONG (a value that
 * differs from the truth, or one the truth does not have). A benchmark: it
 * prints figures and exits 0 unless it cannot run. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh_ocr.h"
#include "sh_paper.h"

enum { SRC_TEXT, SRC_OCR, SRC_N };
#define KIND SH_FACT_COUNT /* row for the kind itself */

typedef struct tally {
	int right[KIND + 1], missing[KIND + 1], wrong[KIND + 1], total[KIND + 1];
	int papers, all_right;
	int names_read_right, names_changed, names_restored, corrected;
	/* handwritten fields (truth "handwritten", make_hand.py): flagged,
	 * left out unflagged, a WRONG value stored, the right value stored;
	 * printed fields flagged handwritten (must be ~0) */
	int hand_total, hand_flagged, hand_missing, hand_wrong, hand_right, printed_flagged, printed_total;
	int places_read_right, places_changed, places_restored;
} tally;

/* per kind (by the truth's slug): papers, kind right, facts right / total */
#define KINDS_MAX 64
static struct {
	char slug[48];
	int papers, kind_right, facts, facts_right;
} per_kind[SRC_N][KINDS_MAX];

static int verbose, by_kind;
static const char *imgdir;
static int rr_asked, rr_boxed, rr_taken, rr_verified, rr_doubted;

static void kind_row(int src, const char *slug, int kind_ok, int facts, int right)
{
	int i = 0;
	while (i < KINDS_MAX && per_kind[src][i].slug[0] && strcmp(per_kind[src][i].slug, slug))
		i++;
	if (i == KINDS_MAX)
		return;
	snprintf(per_kind[src][i].slug, sizeof per_kind[src][i].slug, "%s", slug);
	per_kind[src][i].papers++;
	per_kind[src][i].kind_right += kind_ok;
	per_kind[src][i].facts += facts;
	per_kind[src][i].facts_right += right;
}

static int is_name_fact(int i)
{
	return i == SH_FACT_OWNER_NAME || i == SH_FACT_SIGNER || i == SH_FACT_HOLDERS;
}

static void judge(tally *t, int srci, const char *name, const char *src, json_t *truth, const sh_paper_facts *f)
{
	json_t *fields = json_object_get(truth, "fields");
	const char *kind = json_string_value(json_object_get(truth, "kind"));
	int ok_all = 1, nf = 0, nr = 0;
	for (int i = 0; i < SH_FACT_COUNT; i++) {
		const char *want = json_string_value(json_object_get(fields, sh_paper_fact_name(i)));
		const char *got = sh_paper_fact(f, i), *read = sh_paper_fact_as_read(f, i);
		t->corrected += read != NULL;
		if (i == SH_FACT_ADDRESS && want) {
			/* an address OCR read right must stay so (the gazetteer) */
			const char *ar = read ? read : got;
			if (ar && !strcmp(ar, want)) {
				t->places_read_right++;
				if (!got || strcmp(got, want)) {
					t->places_changed++;
					printf("  %s [%s] CORRECT PLACE CHANGED: \"%s\" -> \"%s\"\n", name, src,
					       want, got ? got : "(none)");
				}
			} else if (read && got && !strcmp(got, want)) {
				t->places_restored++;
			}
		}
		if (!is_name_fact(i) || !want)
			continue;
		const char *as_read = read ? read : got;
		if (as_read && !strcmp(as_read, want)) {
			t->names_read_right++;
			if (!got || strcmp(got, want)) {
				t->names_changed++;
				printf("  %s [%s] CORRECT NAME CHANGED: %s \"%s\" -> \"%s\"\n", name, src,
				       sh_paper_fact_name(i), want, got ? got : "(none)");
			}
		} else if (read && got && !strcmp(got, want)) {
			t->names_restored++;
		}
	}
	t->papers++;
	t->total[KIND]++;
	if (kind && !strcmp(kind, sh_paper_kind(f))) {
		t->right[KIND]++;
	} else {
		t->wrong[KIND]++;
		ok_all = 0;
		if (verbose)
			printf("  %s [%s] kind: want %s got %s\n", name, src, kind, sh_paper_kind(f));
	}
	for (int i = 0; i < SH_FACT_COUNT; i++) {
		json_t *tv = json_object_get(fields, sh_paper_fact_name(i));
		const char *want = json_string_value(tv);
		int want_null = tv && json_is_null(tv);
		const char *got = sh_paper_fact(f, i);
		int got_null = i == SH_FACT_VALID_UNTIL && sh_paper_never_expires(f);
		if (!tv) {
			if (got) {
				t->wrong[i]++;
				ok_all = 0;
				if (verbose)
					printf("  %s [%s] %s: not on paper, got \"%s\"\n", name, src,
					       sh_paper_fact_name(i), got);
			}
			continue;
		}
		t->total[i]++;
		nf++;
		if ((want && got && !strcmp(want, got)) || (want_null && got_null && !got)) {
			t->right[i]++;
			nr++;
			continue;
		}
		ok_all = 0;
		if (!got && !got_null)
			t->missing[i]++;
		else
			t->wrong[i]++;
		if (verbose)
			printf("  %s [%s] %s: want \"%s\" got \"%s\"\n", name, src, sh_paper_fact_name(i),
			       want ? want : "null", got ? got : got_null ? "null" : "(none)");
	}
	json_t *hw = json_object_get(truth, "handwritten");
	for (int i = 0; i < SH_FACT_COUNT; i++) {
		int hand = 0;
		size_t k;
		json_t *v;
		json_array_foreach(hw, k, v)
			hand |= json_is_string(v) && !strcmp(json_string_value(v), sh_paper_fact_name(i));
		const char *want = json_string_value(json_object_get(fields, sh_paper_fact_name(i)));
		const char *got = sh_paper_fact(f, i);
		int flagged = sh_paper_fact_handwritten(f, i);
		if (!hand) {
			t->printed_total += want != NULL;
			t->printed_flagged += flagged;
			if (flagged && verbose)
				printf("  %s [%s] %s: PRINTED FLAGGED handwritten\n", name, src, sh_paper_fact_name(i));
			continue;
		}
		t->hand_total++;
		if (flagged)
			t->hand_flagged++;
		else if (!got)
			t->hand_missing++;
		else if (want && !strcmp(want, got))
			t->hand_right++;
		else
			t->hand_wrong++;
		if (verbose && !flagged)
			printf("  %s [%s] %s: handwritten, not flagged: got \"%s\"\n", name, src,
			       sh_paper_fact_name(i), got ? got : "(none)");
	}
	t->all_right += ok_all;
	kind_row(srci, kind ? kind : "?", kind && !strcmp(kind, sh_paper_kind(f)), nf, nr);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = 0;
	fclose(fp);
	return b;
}

static void report(const char *label, const tally *t)
{
	if (!t->papers)
		return;
	printf("\n%s: %d papers, %d with every fact right (%.1f %%)\n", label, t->papers, t->all_right,
	       100.0 * t->all_right / t->papers);
	printf("  %-13s %6s %6s %7s %6s %8s\n", "field", "total", "right", "missing", "WRONG", "accuracy");
	int r = 0, n = 0;
	for (int i = 0; i <= KIND; i++) {
		const char *name = i == KIND ? "kind" : sh_paper_fact_name(i);
		if (!t->total[i] && !t->wrong[i])
			continue;
		printf("  %-13s %6d %6d %7d %6d %7.1f %%\n", name, t->total[i], t->right[i], t->missing[i],
		       t->wrong[i], t->total[i] ? 100.0 * t->right[i] / t->total[i] : 0.0);
		if (i != KIND) {
			r += t->right[i];
			n += t->total[i];
		}
	}
	printf("  %-13s %6d %6d %7s %6s %7.1f %%\n", "all facts", n, r, "", "", n ? 100.0 * r / n : 0.0);
	printf("  correct names changed: %d of %d names read right (must be 0); names restored: %d; "
	       "facts corrected (as_read kept, for review): %d\n",
	       t->names_changed, t->names_read_right, t->names_restored, t->corrected);
	printf("  handwritten: %d fields: %d flagged, %d left out unflagged, %d right value stored, %d WRONG "
	       "value stored (must be 0); printed fields flagged handwritten: %d of %d (must be ~0)\n",
	       t->hand_total, t->hand_flagged, t->hand_missing, t->hand_right, t->hand_wrong,
	       t->printed_flagged, t->printed_total);
	printf("  correct places changed: %d of %d addresses read right (must be 0); addresses restored: %d\n",
	       t->places_changed, t->places_read_right, t->places_restored);
}

static void report_kinds(const char *label, int src)
{
	if (!by_kind || !per_kind[src][0].slug[0])
		return;
	printf("\n%s, per kind:\n  %-22s %6s %7s %8s\n", label, "kind", "papers", "kind", "facts");
	for (int i = 0; i < KINDS_MAX && per_kind[src][i].slug[0]; i++)
		printf("  %-22s %6d %6.1f %% %6.1f %%\n", per_kind[src][i].slug, per_kind[src][i].papers,
		       100.0 * per_kind[src][i].kind_right / per_kind[src][i].papers,
		       per_kind[src][i].facts ? 100.0 * per_kind[src][i].facts_right / per_kind[src][i].facts : 100.0);
}

/* -I IMGDIR: an id read unsurely is read again, digits only, on the page
 * image IMGDIR/NAME.tif (NAME-pK.tif for page K of several) in the box
 * the hOCR gives, and taken when every pass agrees with it. */
static PIX *page_image(const char *name, int page)
{
	char path[4096];
	int nl = (int)(strlen(name) - 5);
	snprintf(path, sizeof path, "%s/%.*s.tif", imgdir, nl, name);
	PIX *pix = pixRead(path);
	if (!pix) {
		snprintf(path, sizeof path, "%s/%.*s-p%d.tif", imgdir, nl, name, page + 1);
		pix = pixRead(path);
	}
	return pix;
}

/* An id taken at once: read again, left out when the readings contradict it. */
static void verify_id(sh_ocr_digits *dig, sh_paper_facts *f, enum sh_paper_fact fact, const char *hocr,
		      const char *name)
{
	const char *v = sh_paper_fact(f, fact);
	sh_paper_box b;
	if (!v || !hocr || !sh_paper_hocr_digits_box(&b, hocr, v))
		return;
	PIX *pix = page_image(name, b.page);
	if (!pix)
		return;
	char rd[SH_OCR_DIGIT_PASSES][SH_OCR_DIGITS_MAX];
	size_t n = 0;
	if (sh_ocr_digits_read(dig, pix, b.x0, b.y0, b.x1, b.y1, rd, &n) == SH_OK) {
		const char *r[SH_OCR_DIGIT_PASSES];
		for (size_t i = 0; i < n; i++)
			r[i] = rd[i];
		rr_verified++;
		if (verbose)
			printf("  %s: verify %s: %s %s %s %s\n", name, v, n > 0 ? rd[0] : "", n > 1 ? rd[1] : "",
			       n > 2 ? rd[2] : "", n > 3 ? rd[3] : "");
		rr_doubted += sh_paper_id_verify(f, fact, r, n) == 1;
	}
	pixDestroy(&pix);
}

static void reread_id(sh_ocr_digits *dig, sh_paper_facts *f, const char *hocr, const char *name)
{
	verify_id(dig, f, SH_FACT_OWNER_ID, hocr, name);
	verify_id(dig, f, SH_FACT_OLD_ID, hocr, name);
	const char *uu = sh_paper_id_unsure(f, NULL);
	sh_paper_box b;
	char u[32];
	if (!uu)
		return;
	snprintf(u, sizeof u, "%s", uu);
	rr_asked++;
	if (!hocr || !sh_paper_hocr_digits_box(&b, hocr, u))
		return;
	rr_boxed++;
	PIX *pix = page_image(name, b.page);
	if (!pix)
		return;
	char rd[SH_OCR_DIGIT_PASSES][SH_OCR_DIGITS_MAX];
	size_t n = 0;
	if (sh_ocr_digits_read(dig, pix, b.x0, b.y0, b.x1, b.y1, rd, &n) == SH_OK) {
		const char *r[SH_OCR_DIGIT_PASSES];
		for (size_t i = 0; i < n; i++)
			r[i] = rd[i];
		int took = sh_paper_id_confirm(f, r, n);
		rr_taken += took == 1;
		if (verbose)
			printf("  %s: reread %s: %s %s %s %s -> %s\n", name, u, n > 0 ? rd[0] : "",
			       n > 1 ? rd[1] : "", n > 2 ? rd[2] : "", n > 3 ? rd[3] : "", took == 1 ? "taken" : "not");
	}
	pixDestroy(&pix);
}

/* -I IMGDIR: every date's place read again, digits only (sh_paper_dates_reread) */
typedef struct date_ctx {
	sh_ocr_digits *dig;
	const char *name;
	PIX *pix;
	int page;
} date_ctx;

static size_t read_date_box(void *arg, const sh_paper_box *b, char out[][SH_PAPER_DIGITS_MAX], size_t max)
{
	date_ctx *c = arg;
	if (!c->pix || c->page != b->page) {
		pixDestroy(&c->pix);
		c->pix = page_image(c->name, b->page);
		c->page = b->page;
	}
	char rd[SH_OCR_DIGIT_PASSES][SH_OCR_DIGITS_MAX];
	size_t n = 0;
	if (!c->pix || sh_ocr_digits_read(c->dig, c->pix, b->x0, b->y0, b->x1, b->y1, rd, &n) != SH_OK)
		return 0;
	for (size_t i = 0; i < n && i < max; i++)
		snprintf(out[i], SH_PAPER_DIGITS_MAX, "%s", rd[i]);
	if (verbose > 1)
		printf("  %s: date box p%d %d,%d-%d,%d: %s %s %s %s\n", c->name, b->page, b->x0, b->y0, b->x1,
		       b->y1, n > 0 ? rd[0] : "", n > 1 ? rd[1] : "", n > 2 ? rd[2] : "", n > 3 ? rd[3] : "");
	return n < max ? n : max;
}

static int dr_places, dr_changed;

/* The OCR text's facts with the dates read again: f (from the text as read)
 * is replaced by the extraction of the text the readings settled. */
static void reread_dates(sh_ocr_digits *dig, const sh_kinds *kinds, sh_paper_facts **f, const char *ocr,
			 const char *hocr, const sh_paper_word *w, size_t nw, const char *name)
{
	date_ctx c = {dig, name, NULL, -1};
	char *t2 = NULL;
	size_t ch = 0;
	sh_paper_facts *g = NULL;
	if (!hocr || sh_paper_dates_reread(&t2, &ch, ocr, hocr, read_date_box, &c) != SH_OK) {
		pixDestroy(&c.pix);
		return;
	}
	pixDestroy(&c.pix);
	dr_places++;
	if (ch && sh_paper_extract_words(&g, kinds, t2, w, nw) == SH_OK) {
		int n = sh_paper_dates_flag(g, *f);
		dr_changed += n > 0 ? n : 0;
		if (verbose)
			printf("  %s: dates read again: %zu places changed, %d dates\n", name, ch, n);
		sh_paper_facts_free(f);
		*f = g;
	}
	sh_free(t2);
}

int main(int argc, char **argv)
{
	const char *kpath = sh_kinds_default_path();
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-k") && a + 1 < argc)
			kpath = argv[++a];
		else if (!strcmp(argv[a], "-v"))
			verbose++;
		else if (!strcmp(argv[a], "-K"))
			by_kind = 1;
		else if (!strcmp(argv[a], "-I") && a + 1 < argc)
			imgdir = argv[++a];
		else {
			fprintf(stderr, "usage: paper_bench [-k KINDS.json] [-v] [-K] [-I IMGDIR] TRUTH.json...\n");
			return 2;
		}
	}
	sh_kinds *kinds = NULL;
	if (sh_kinds_load(&kinds, kpath)) {
		fprintf(stderr, "paper_bench: %s\n", sh_error_message());
		return 1;
	}
	tally t[SRC_N];
	memset(t, 0, sizeof t);
	sh_ocr_digits *dig = NULL;
	if (imgdir && sh_ocr_digits_new(&dig, NULL, NULL)) {
		fprintf(stderr, "paper_bench: %s\n", sh_error_message());
		return 1;
	}
	for (; a < argc; a++) {
		json_error_t err;
		json_t *truth = json_load_file(argv[a], 0, &err);
		if (!truth) {
			fprintf(stderr, "paper_bench: %s: line %d: %s\n", argv[a], err.line, err.text);
			continue;
		}
		const char *name = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
		const char *text = json_string_value(json_object_get(truth, "text"));
		sh_paper_facts *f = NULL;
		if (text) {
			if (sh_paper_extract(&f, kinds, text) == SH_OK)
				judge(&t[SRC_TEXT], SRC_TEXT, name, "text", truth, f);
			else
				fprintf(stderr, "paper_bench: %s: %s\n", name, sh_error_message());
			sh_paper_facts_free(&f);
		}
		size_t n = strlen(argv[a]);
		char *ocrp = malloc(n + 16);
		memcpy(ocrp, argv[a], n - 5);
		strcpy(ocrp + n - 5, ".ocr.txt");
		char *ocr = slurp(ocrp);
		strcpy(ocrp + n - 5, ".ocr.hocr");
		char *hocr = ocr ? slurp(ocrp) : NULL;
		sh_paper_word *w = NULL;
		size_t nw = 0;
		if (hocr && sh_paper_hocr_words(&w, &nw, ocr, hocr))
			fprintf(stderr, "paper_bench: %s: %s\n", ocrp, sh_error_message());
		if (ocr) {
			if (sh_paper_extract_words(&f, kinds, ocr, w, nw) == SH_OK) {
				if (dig)
					reread_dates(dig, kinds, &f, ocr, hocr, w, nw, name);
				if (dig)
					reread_id(dig, f, hocr, name);
				judge(&t[SRC_OCR], SRC_OCR, name, "ocr", truth, f);
			}
			else
				fprintf(stderr, "paper_bench: %s: %s\n", ocrp, sh_error_message());
			sh_paper_facts_free(&f);
		}
		free(hocr);
		free(ocr);
		sh_free(w);
		free(ocrp);
		json_decref(truth);
	}
	report("ground-truth text", &t[SRC_TEXT]);
	report("OCR text (tesseract vie)", &t[SRC_OCR]);
	report_kinds("ground-truth text", SRC_TEXT);
	report_kinds("OCR text", SRC_OCR);
	if (dig)
		printf("second readings: unsure ids %d asked, %d boxes found, %d taken; ids read surely %d "
		       "checked, %d left out\n",
		       rr_asked, rr_boxed, rr_taken, rr_verified, rr_doubted);
	if (dig)
		printf("second readings of dates: %d papers, %d dates changed or left out\n", dr_places,
		       dr_changed);
	sh_ocr_digits_free(&dig);
	sh_kinds_free(&kinds);
	return 0;
}
