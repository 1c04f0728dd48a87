/* The faster clean-up paths of a low-resolution bilevel page (docs/OCR.md
 * "Session 17"): the blur and upscale (ocr/upscale.c) give Leptonica's
 * bytes; Tesseract's OpenMP regions run inline on a worker thread
 * (ocr/fastomp.c) give libgomp's results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ocr_int.h"

/* Leptonica's path in clean.c: passes x pixBlockconv(., 1, 1), then
 * pixScaleGrayLI */
static PIX *lept_path(PIX *pixs, int passes, float f)
{
	PIX *g = pixClone(pixs);
	for (int p = 0; p < passes; p++) {
		PIX *t = pixBlockconv(g, 1, 1);
		pixDestroy(&g);
		g = t;
	}
	PIX *d = pixScaleGrayLI(g, f, f);
	pixDestroy(&g);
	return d;
}

static void assert_same(PIX *pixs, int passes, float f)
{
	PIX *want = lept_path(pixs, passes, f), *got = NULL;
	assert_non_null(want);
	assert_int_equal(sh_ocr_blur_upscale(pixs, passes, f, &got), SH_OK);
	assert_non_null(got);
	l_int32 same = 0;
	pixEqual(want, got, &same);
	if (!same)
		print_error("differ: %dx%d, %d passes, f %.4f\n", pixGetWidth(pixs),
			    pixGetHeight(pixs), passes, (double)f);
	assert_true(same);
	assert_int_equal(pixGetXRes(got), pixGetXRes(want));
	pixDestroy(&want);
	pixDestroy(&got);
}

/* Must take the fast path, same bytes: a real degraded bilevel page (Group
 * 4, 180 dpi) widened to grey as clean.c does, scaled to 250 dpi from
 * every low resolution the pipeline meets, one and two blur passes. */
static void test_upscale_bilevel_page(void **state)
{
	(void)state;
	PIX *b = pixRead(SOHOA_TEST_DATA "/ocr/upside-qd-lserifb180.tif");
	assert_non_null(b);
	assert_int_equal(pixGetDepth(b), 1);
	PIX *g = pixConvert1To8(NULL, b, 255, 0);
	pixSetResolution(g, 180, 180);
	int dpis[] = {150, 160, 170, 180, 200, 240};
	for (size_t k = 0; k < sizeof dpis / sizeof *dpis; k++)
		for (int passes = 0; passes <= 2; passes++)
			assert_same(g, passes, 250.0f / (float)dpis[k]);
	pixDestroy(&g);
	pixDestroy(&b);
}

/* Same bytes on any grey, at the edges of tiny images too (Leptonica's
 * accumulator leaves out the first row and column and rescales). */
static void test_upscale_random_grey(void **state)
{
	(void)state;
	srand(17);
	int sizes[][2] = {{3, 3}, {3, 7}, {8, 3}, {4, 4}, {5, 9}, {31, 17}, {64, 65}};
	float fs[] = {0.75f, 1.25f, 1.3888889f, 1.5625f, 3.0f};
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		PIX *g = pixCreate(sizes[s][0], sizes[s][1], 8);
		for (int i = 0; i < sizes[s][1]; i++)
			for (int j = 0; j < sizes[s][0]; j++)
				pixSetPixel(g, j, i, (l_uint32)(rand() % 3 ? rand() % 256 : (rand() % 2) * 255));
		for (size_t k = 0; k < sizeof fs / sizeof *fs; k++)
			for (int passes = 0; passes <= 2; passes++)
				assert_same(g, passes, fs[k]);
		pixDestroy(&g);
	}
}

/* Must not take the fast path: Leptonica's special cases are left to it. */
static void test_upscale_not_taken(void **state)
{
	(void)state;
	PIX *g = pixCreate(40, 30, 8), *out = NULL, *small = pixCreate(2, 30, 8);
	PIX *b = pixCreate(40, 30, 1);
	assert_int_equal(sh_ocr_blur_upscale(g, 1, 2.0f, &out), SH_EINVAL);
	assert_int_equal(sh_ocr_blur_upscale(g, 1, 1.0f, &out), SH_EINVAL);
	assert_int_equal(sh_ocr_blur_upscale(g, 1, 4.0f, &out), SH_EINVAL);
	assert_int_equal(sh_ocr_blur_upscale(g, 1, 0.5f, &out), SH_EINVAL);
	assert_int_equal(sh_ocr_blur_upscale(small, 1, 1.5f, &out), SH_EINVAL);
	assert_int_equal(sh_ocr_blur_upscale(b, 1, 1.5f, &out), SH_EINVAL);
	assert_null(out);
	pixDestroy(&g);
	pixDestroy(&small);
	pixDestroy(&b);
}

/* Leptonica's background step (clean.c step 3) and the fused one give the
 * same bytes: a blurred, upscaled bilevel page, a grey page with a shadow,
 * random grey, every stretch the clean-up uses; a page with no paper left
 * (no map) is the caller's. */
static void assert_same_bg(PIX *g, int black_to, int paper_to)
{
	PIX *want = pixBackgroundNormSimple(g, NULL, NULL), *got = NULL;
	assert_non_null(want);
	pixGammaTRC(want, want, 1.0f, black_to, paper_to);
	assert_int_equal(sh_ocr_background_stretch(g, black_to, paper_to, &got), SH_OK);
	l_int32 same = 0;
	pixEqual(want, got, &same);
	if (!same)
		print_error("background differs: %dx%d, %d..%d\n", pixGetWidth(g), pixGetHeight(g),
			    black_to, paper_to);
	assert_true(same);
	pixDestroy(&want);
	pixDestroy(&got);
}

static void test_background_same(void **state)
{
	(void)state;
	PIX *b = pixRead(SOHOA_TEST_DATA "/ocr/upside-qd-lserifb180.tif");
	assert_non_null(b);
	PIX *g8 = pixConvert1To8(NULL, b, 255, 0), *g = NULL;
	assert_int_equal(sh_ocr_blur_upscale(g8, 2, 250.0f / 180.0f, &g), SH_OK);
	/* a shadow over the left third */
	PIX *shade = pixCopy(NULL, g8);
	for (int y = 0; y < pixGetHeight(shade); y++)
		for (int x = 0; x < pixGetWidth(shade) / 3; x++) {
			l_uint32 v = 0;
			pixGetPixel(shade, x, y, &v);
			pixSetPixel(shade, x, y, v * (l_uint32)(100 + x % 97) / 255);
		}
	srand(18);
	PIX *rnd = pixCreate(123, 77, 8);
	for (int y = 0; y < 77; y++)
		for (int x = 0; x < 123; x++)
			pixSetPixel(rnd, x, y, (l_uint32)(rand() % 4 ? 180 + rand() % 76 : rand() % 256));
	PIX *pages[] = {g, shade, rnd};
	for (size_t k = 0; k < 3; k++) {
		assert_same_bg(pages[k], 30, 190);
		assert_same_bg(pages[k], 0, 220);
		assert_same_bg(pages[k], 0, 255);
	}
	PIX *black = pixCreate(60, 60, 8), *none = NULL; /* all ink: no map */
	assert_int_equal(sh_ocr_background_stretch(black, 30, 190, &none), SH_EINVAL);
	assert_null(none);
	pixDestroy(&black);
	pixDestroy(&rnd);
	pixDestroy(&shade);
	pixDestroy(&g);
	pixDestroy(&g8);
	pixDestroy(&b);
}

/* photo.c: the text estimate of a bilevel page taken from its own bits
 * equals the one through grey, background map and threshold; a page over
 * 2400 px (reduced first) takes the grey path and still agrees with it. */
static void test_text_dpi_bilevel(void **state)
{
	(void)state;
	const char *pages[] = {SOHOA_TEST_DATA "/ocr/upside-qd-lserifb180.tif",
			       SOHOA_TEST_DATA "/ocr/upside-bang-fsemib150.tif",
			       SOHOA_TEST_DATA "/ocr/names-qsdd-fsans160.tif",
			       SOHOA_TEST_DATA "/ocr/lowscan-qsdd-lsans200.tif"};
	int estimated = 0;
	for (size_t k = 0; k < sizeof pages / sizeof *pages; k++) {
		PIX *b = pixRead(pages[k]);
		assert_non_null(b);
		assert_int_equal(pixGetDepth(b), 1);
		for (int big = 0; big <= 1; big++) {
			PIX *p = big ? pixScaleBinary(b, 2.0f, 2.0f) : pixClone(b);
			if (big) /* must not take the shortcut */
				assert_true(pixGetHeight(p) > 2400 || pixGetWidth(p) > 2400);
			pixSetXRes(p, 0); /* no tag: the text decides */
			pixSetYRes(p, 0);
			PIX *g = pixConvert1To8(NULL, p, 255, 0);
			int letters = 0, text = -1, trusted = -1;
			int want = sh_ocr_text_dpi(g, &letters);
			(void)sh_ocr_scale_dpi(p, 0, 0, &text, &trusted);
			assert_int_equal(trusted, 0);
			assert_true(letters >= 40 || want == 0);
			assert_int_equal(text, want);
			estimated += want > 0;
			pixDestroy(&g);
			pixDestroy(&p);
		}
		pixDestroy(&b);
	}
	assert_true(estimated >= 4); /* not only pages too small to tell */
}

/* fastomp.c: a "parallel sections" region inline hands out every section
 * once, in order, nested regions included; a "parallel for" body runs once
 * as thread 0 of 1. Off again, libgomp's own functions run. */
struct sec_log {
	int seen[8], n;
	int nested;
};
unsigned GOMP_sections_next(void);
void GOMP_sections_end_nowait(void);
void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned num_threads, unsigned count,
			    unsigned flags);
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

static void inner_body(void *arg)
{
	struct sec_log *l = arg;
	for (unsigned i = GOMP_sections_next(); i; i = GOMP_sections_next())
		l->nested += (int)i;
	GOMP_sections_end_nowait();
}

static void sections_body(void *arg)
{
	struct sec_log *l = arg;
	for (unsigned i = GOMP_sections_next(); i; i = GOMP_sections_next()) {
		l->seen[l->n++] = (int)i;
		if (i == 2) /* a region inside a section */
			GOMP_parallel_sections(inner_body, l, 4, 3, 0);
	}
	GOMP_sections_end_nowait();
}

static void for_body(void *arg) { (*(int *)arg)++; }

static void test_omp_inline(void **state)
{
	(void)state;
	sh_ocr_omp_inline(1);
	struct sec_log l = {.n = 0};
	GOMP_parallel_sections(sections_body, &l, 4, 4, 0);
	assert_int_equal(l.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(l.seen[i], i + 1);
	assert_int_equal(l.nested, 1 + 2 + 3);
	int runs = 0;
	GOMP_parallel(for_body, &runs, 4, 0);
	assert_int_equal(runs, 1);
	sh_ocr_omp_inline(0);
	/* libgomp's: under OMP_THREAD_LIMIT=1 (ctest) a team of one too */
	struct sec_log m = {.n = 0};
	GOMP_parallel_sections(sections_body, &m, 1, 4, 0);
	assert_int_equal(m.n, 4);
	assert_int_equal(m.nested, 1 + 2 + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upscale_bilevel_page),
		cmocka_unit_test(test_upscale_random_grey),
		cmocka_unit_test(test_upscale_not_taken),
		cmocka_unit_test(test_background_same),
		cmocka_unit_test(test_text_dpi_bilevel),
		cmocka_unit_test(test_omp_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
