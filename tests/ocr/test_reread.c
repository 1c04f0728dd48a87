/* Lines read again on a photo small in its frame (ocr/reread.c, issue 23),
 * through the pool as `sohoa extract` reads a page, on real Leptonica and
 * Tesseract engines.
 *
 * Data: tests/data/ocr/FIXTURE.jpg, a phone photo made by
 * bench/ocr/mkphoto_indep.py (seed in the name: a tuning seed) of a corpus
 * paper in a small frame (the page at ~110 dpi, letters 5-8 px high, a
 * 72 dpi tag), and FIXTURE.gt.txt, the paper's text. Its unsure lines read
 * again as single lines read better than in the page's layout pass; the
 * page's text, hOCR and confidences must still agree word for word. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ocr_int.h"

#define FIXTURE SOHOA_TEST_DATA "/ocr/photo-small-kh-e7001"

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = calloc(1, 1 << 16);
	size_t n = buf ? fread(buf, 1, (1 << 16) - 1, fp) : 0;
	(void)n;
	fclose(fp);
	return buf;
}

/* Levenshtein distance over Unicode code points, over the truth's length. */
static size_t cps(const char *s, unsigned *out, size_t cap)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n < cap) {
		unsigned c = *p++;
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
		while (more-- && (*p & 0xc0) == 0x80)
			c = (c << 6) | (*p++ & 0x3f);
		out[n++] = c;
	}
	return n;
}

static double cer(const char *truth, const char *got)
{
	enum { CAP = 8192 };
	static unsigned a[CAP], b[CAP];
	static size_t row[CAP + 1];
	size_t n = cps(truth, a, CAP), m = cps(got, b, CAP);
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return n ? (double)row[m] / (double)n : 0.0;
}

static PIX *g_page;

static int load_page(void *arg, size_t i, PIX **out)
{
	(void)arg;
	(void)i;
	*out = pixClone(g_page);
	return SH_OK;
}

/* the text of an hOCR word span starting at p (after its '>'), entities
 * decoded, into t */
static void span_text(char *t, size_t cap, const char *p)
{
	size_t k = 0;
	while (*p && strncmp(p, "</span>", 7) != 0 && k + 1 < cap) {
		if (*p == '<') { /* <strong>, <em> */
			const char *e = strchr(p, '>');
			p = e ? e + 1 : p + 1;
			continue;
		}
		static const struct {
			const char *ent;
			char c;
		} ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}};
		int done = 0;
		for (size_t e = 0; e < sizeof ents / sizeof *ents && !done; e++) {
			size_t el = strlen(ents[e].ent);
			if (!strncmp(p, ents[e].ent, el)) {
				t[k++] = ents[e].c;
				p += el;
				done = 1;
			}
		}
		if (!done)
			t[k++] = *p++;
	}
	t[k] = 0;
}

static void test_reread_small_frame(void **state)
{
	(void)state;
	char *gt = slurp(FIXTURE ".gt.txt");
	assert_non_null(gt);
	g_page = pixRead(FIXTURE ".jpg");
	assert_non_null(g_page);
	sh_ocr_options o = {0};
	o.workers = 1;
	o.want_hocr = 1;
	sh_ocr_pool *pool = NULL;
	assert_int_equal(sh_ocr_pool_new(&pool, &o), SH_OK);
	sh_ocr_page res[1];
	assert_int_equal(sh_ocr_pool_run(pool, 1, load_page, NULL, res), SH_OK);
	sh_ocr_page *r = &res[0];
	assert_int_equal(r->status, SH_OK);
	assert_true(r->flags & SH_PAGE_PHOTO);
	assert_in_range(r->clean.true_dpi, 80, 149);
	assert_non_null(r->hocr);

	/* text and hOCR hold the same words in the same order, and the page's
	 * confidence is their mean */
	long sum = 0;
	int words = 0, weak = 0;
	const char *at = r->text;
	for (const char *p = r->hocr; (p = strstr(p, "class='ocrx_word'"));) {
		const char *wc = strstr(p, "x_wconf ");
		const char *e = strchr(p, '>');
		assert_non_null(wc);
		assert_non_null(e);
		assert_true(wc < e);
		int c = atoi(wc + 8);
		sum += c;
		words++;
		weak += c < 60;
		char t[256];
		span_text(t, sizeof t, e + 1);
		const char *hit = strstr(at, t);
		if (!hit)
			fprintf(stderr, "hOCR word %d \"%s\" not in the text after \"%.40s\"\n", words, t, at);
		assert_non_null(hit);
		at = hit + strlen(t);
		p = e;
	}
	assert_int_equal(words, r->words);
	assert_int_equal(weak, r->weak_words);
	assert_true(fabs((double)sum / words - r->confidence) < 0.01);

	double e = cer(gt, r->text);
	fprintf(stderr, "small frame photo: true %d dpi, CER %.2f %%, confidence %.1f\n",
		r->clean.true_dpi, 100 * e, r->confidence);
	assert_true(e < 0.142); /* 15.07 % read once, 13.45 % with the lines read again */

	sh_ocr_page_clear(r);
	sh_ocr_pool_free(&pool);
	pixDestroy(&g_page);
	free(gt);
}

/* Issue 23, session 19: a page of ~77 dpi (a registration small in a
 * 1080x1920 frame, tests/data/ocr/photo-tiny-dkdn-e7125.jpg, tune seed
 * 7125) read poorly both ways: the full orientation rule's turn is kept
 * only when it reads better. Must change: the photo as taken stays upright
 * (it was turned 180 degrees by the scores, read at 30 against 45). Must
 * not: the same photo turned 180 degrees is still turned back. */
static void test_tiny_photo_orientation(void **state)
{
	(void)state;
	PIX *photo = pixRead(SOHOA_TEST_DATA "/ocr/photo-tiny-dkdn-e7125.jpg");
	assert_non_null(photo);
	for (int turned = 0; turned < 2; turned++) {
		g_page = turned ? pixRotate180(NULL, photo) : pixClone(photo);
		assert_non_null(g_page);
		sh_ocr_options o = {0};
		o.workers = 1;
		sh_ocr_pool *pool = NULL;
		assert_int_equal(sh_ocr_pool_new(&pool, &o), SH_OK);
		sh_ocr_page res[1];
		assert_int_equal(sh_ocr_pool_run(pool, 1, load_page, NULL, res), SH_OK);
		sh_ocr_page *r = &res[0];
		assert_int_equal(r->status, SH_OK);
		fprintf(stderr, "tiny photo%s: rotation %d, confidence %.1f\n", turned ? " turned" : "",
			r->clean.rotation, r->confidence);
		assert_int_equal(r->clean.rotation, turned ? 180 : 0);
		assert_non_null(strstr(r->text, "DOANH NGHIỆP"));
		sh_ocr_page_clear(r);
		sh_ocr_pool_free(&pool);
		pixDestroy(&g_page);
	}
	pixDestroy(&photo);
}

int main(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reread_small_frame),
		cmocka_unit_test(test_tiny_photo_orientation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
