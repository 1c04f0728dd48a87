/* Page clean-up (ocr/clean.c) on real Leptonica and Tesseract engines:
 * orientation fixed, skew measured, seal dropped, border whitened, blank
 * flagged and kept, low resolution and bilevel pages handled, and through
 * the pool: upside-down and sideways pages read exactly as the upright one,
 * word confidences and hOCR recorded; Tesseract's PNGs stored only where asked.
 *
 * Data: tests/data/clean/page.png, the top 1500 rows of the corpus page
 * kh2024-f0-p01-clean300 (300 dpi, Liberation Serif 13). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "ocr_int.h"

#define PAGE SOHOA_TEST_DATA "/clean/page.png"

typedef struct fixture {
	sh_ocr_options opts;
	sh_ocr_worker w;
	PIX *page; /* the test page as 8-bit grey */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	setMsgSeverity(L_SEVERITY_NONE);
	f->opts.clean = SH_CLEAN_ALL;
	f->w.opts = &f->opts;
	f->w.osd = TessBaseAPICreate();
	TessBaseAPISetVariable(f->w.osd, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(f->w.osd, NULL, "osd") != 0)
		return -1;
	PIX *p = pixRead(PAGE);
	if (!p)
		return -1;
	f->page = pixConvertTo8(p, 0);
	pixCopyResolution(f->page, p);
	pixDestroy(&p);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	TessBaseAPIDelete(f->w.osd);
	pixDestroy(&f->page);
	free(f);
	return 0;
}

/* Share of pixels darker than 128. */
static double dark_share(PIX *pix)
{
	PIX *b = pixThresholdToBinary(pix, 128);
	l_int32 n = 0;
	pixCountPixels(b, &n, NULL);
	double r = (double)n / ((double)pixGetWidth(b) * pixGetHeight(b));
	pixDestroy(&b);
	return r;
}

/* Fraction of pixels that differ by more than 64 grey levels. */
static double differ(PIX *a, PIX *b)
{
	assert_int_equal(pixGetWidth(a), pixGetWidth(b));
	assert_int_equal(pixGetHeight(a), pixGetHeight(b));
	long n = 0;
	for (int y = 0; y < pixGetHeight(a); y += 2)
		for (int x = 0; x < pixGetWidth(a); x += 2) {
			l_uint32 va, vb;
			pixGetPixel(a, x, y, &va);
			pixGetPixel(b, x, y, &vb);
			n += abs((int)va - (int)vb) > 64;
		}
	return 4.0 * (double)n / ((double)pixGetWidth(a) * pixGetHeight(a));
}

static void test_clean_upright_untouched(void **state)
{
	fixture *f = *state;
	PIX *out = NULL;
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, f->page, &out, &rep), SH_OK);
	assert_non_null(out);
	assert_int_equal(rep.rotation, 0);
	assert_int_equal(rep.dpi, 300);
	assert_false(rep.flags & (SH_PAGE_ROTATED | SH_PAGE_BLANK | SH_PAGE_SEAL | SH_PAGE_BORDER |
				  SH_PAGE_LOWRES | SH_PAGE_BILEVEL));
	assert_int_equal(pixGetDepth(out), 8);
	assert_int_equal(pixGetWidth(out), pixGetWidth(f->page));
	pixDestroy(&out);
}

/* Turn the page q quarter turns clockwise; clean-up must turn it back. */
static void orientation_case(fixture *f, int q)
{
	PIX *turned = pixRotateOrth(f->page, q), *out = NULL, *ref = NULL;
	sh_clean_report rep, rref;
	assert_non_null(turned);
	assert_int_equal(sh_ocr_clean(&f->w, turned, &out, &rep), SH_OK);
	assert_int_equal(rep.rotation, 90 * ((4 - q) % 4));
	assert_true(rep.flags & SH_PAGE_ROTATED);
	/* upright again: the same picture as the upright page cleaned */
	assert_int_equal(sh_ocr_clean(&f->w, f->page, &ref, &rref), SH_OK);
	assert_true(differ(out, ref) < 0.002);
	pixDestroy(&turned);
	pixDestroy(&out);
	pixDestroy(&ref);
}

static void test_clean_orient_90(void **state) { orientation_case(*state, 1); }
static void test_clean_orient_180(void **state) { orientation_case(*state, 2); }
static void test_clean_orient_270(void **state) { orientation_case(*state, 3); }

/* Without the osd engine, Leptonica alone still finds the orientation. */
static void test_clean_orient_without_osd(void **state)
{
	fixture *f = *state;
	sh_ocr_worker w = {.api = NULL, .osd = NULL, .opts = &f->opts};
	for (int q = 1; q < 4; q++) {
		PIX *turned = pixRotateOrth(f->page, q), *out = NULL;
		sh_clean_report rep;
		assert_int_equal(sh_ocr_clean(&w, turned, &out, &rep), SH_OK);
		assert_int_equal(rep.rotation, 90 * ((4 - q) % 4));
		pixDestroy(&turned);
		pixDestroy(&out);
	}
}

/* Orientation off: a turned page stays turned. */
static void test_clean_orient_step_off(void **state)
{
	fixture *f = *state;
	sh_ocr_options o = f->opts;
	o.clean = SH_CLEAN_ALL & ~SH_CLEAN_ORIENT;
	sh_ocr_worker w = {.api = NULL, .osd = f->w.osd, .opts = &o};
	PIX *turned = pixRotate180(NULL, f->page), *out = NULL;
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&w, turned, &out, &rep), SH_OK);
	assert_int_equal(rep.rotation, 0);
	assert_false(rep.flags & SH_PAGE_ROTATED);
	pixDestroy(&turned);
	pixDestroy(&out);
}

static void test_clean_deskew(void **state)
{
	fixture *f = *state;
	for (int sign = -1; sign <= 1; sign += 2) {
		float deg = 2.0f * (float)sign;
		PIX *skewed = pixRotate(f->page, deg * (float)M_PI / 180.0f, L_ROTATE_AREA_MAP,
					L_BRING_IN_WHITE, 0, 0),
		    *out = NULL;
		sh_clean_report rep;
		pixCopyResolution(skewed, f->page);
		assert_int_equal(sh_ocr_clean(&f->w, skewed, &out, &rep), SH_OK);
		assert_true(rep.flags & SH_PAGE_DESKEWED);
		/* the correction undoes the skew */
		assert_true(fabsf(rep.skew + deg) < 0.3f);
		pixDestroy(&skewed);
		pixDestroy(&out);
	}
}

/* A red ring (a round seal's outline) and a filled red disc over text. */
static PIX *with_seal(PIX *grey)
{
	PIX *c = pixConvertTo32(grey);
	int w = pixGetWidth(c), h = pixGetHeight(c);
	double cx = w * 0.6, cy = h * 0.5, R = 300;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			double d = hypot(x - cx, y - cy);
			if (fabs(d - R) > 14 && d > 90)
				continue;
			l_uint32 v;
			l_int32 r, g, b;
			pixGetPixel(c, x, y, &v);
			extractRGBValues(v, &r, &g, &b);
			/* ink multiplies: black text stays black, paper turns red */
			composeRGBPixel(r * 215 / 255, g * 40 / 255, b * 50 / 255, &v);
			pixSetPixel(c, x, y, v);
		}
	return c;
}

static void test_clean_seal_dropped(void **state)
{
	fixture *f = *state;
	PIX *sealed = with_seal(f->page), *out = NULL, *ref = NULL;
	sh_clean_report rep, rref;
	pixCopyResolution(sealed, f->page);
	assert_int_equal(sh_ocr_clean(&f->w, sealed, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_SEAL);
	assert_int_equal(sh_ocr_clean(&f->w, f->page, &ref, &rref), SH_OK);
	assert_false(rref.flags & SH_PAGE_SEAL);
	/* the ring's paper is white again, the text under it still black */
	double ds = dark_share(out), dr = dark_share(ref);
	assert_true(fabs(ds - dr) < 0.05 * dr);
	assert_true(differ(out, ref) < 0.01);

	/* with seal and background steps off the seal stays, darkening the page */
	sh_ocr_options o = f->opts;
	o.clean = SH_CLEAN_ALL & ~(SH_CLEAN_SEAL | SH_CLEAN_BACKGROUND);
	sh_ocr_worker w = {.api = NULL, .osd = f->w.osd, .opts = &o};
	PIX *kept = NULL;
	assert_int_equal(sh_ocr_clean(&w, sealed, &kept, &rep), SH_OK);
	assert_false(rep.flags & SH_PAGE_SEAL);
	assert_true(dark_share(kept) > dr * 1.2);
	pixDestroy(&kept);
	pixDestroy(&sealed);
	pixDestroy(&out);
	pixDestroy(&ref);
}

static void test_clean_border_removed(void **state)
{
	fixture *f = *state;
	/* 60 px of scanner lid at top and left, 40 at the right */
	PIX *framed = pixAddBorderGeneral(f->page, 60, 40, 60, 0, 30), *out = NULL;
	sh_clean_report rep;
	pixCopyResolution(framed, f->page);
	assert_int_equal(sh_ocr_clean(&f->w, framed, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_BORDER);
	l_uint32 v;
	pixGetPixel(out, 10, pixGetHeight(out) / 2, &v);
	assert_true(v > 200);
	pixGetPixel(out, pixGetWidth(out) - 1, pixGetHeight(out) / 3, &v);
	assert_true(v > 200);
	pixGetPixel(out, pixGetWidth(out) / 2, 5, &v);
	assert_true(v > 200);
	/* the text is all still there */
	PIX *ref = NULL;
	sh_clean_report rref;
	assert_int_equal(sh_ocr_clean(&f->w, f->page, &ref, &rref), SH_OK);
	assert_false(rref.flags & SH_PAGE_BORDER);
	assert_true(fabs(dark_share(out) * pixGetWidth(out) * pixGetHeight(out) -
			 dark_share(ref) * pixGetWidth(ref) * pixGetHeight(ref)) <
		    0.03 * dark_share(ref) * pixGetWidth(ref) * pixGetHeight(ref));
	pixDestroy(&framed);
	pixDestroy(&out);
	pixDestroy(&ref);
}

static void test_clean_blank_flagged_kept(void **state)
{
	fixture *f = *state;
	PIX *blank = pixCreate(2480, 3508, 8), *out = NULL;
	pixSetAll(blank);
	pixSetResolution(blank, 300, 300);
	/* dust: a few specks and one hair */
	for (int i = 0; i < 40; i++)
		pixRasterop(blank, 100 + i * 53, 200 + (i * 977) % 3000, 2, 2, PIX_CLR, NULL, 0, 0);
	pixRasterop(blank, 1200, 400, 3, 900, PIX_CLR, NULL, 0, 0);
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, blank, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_BLANK);
	assert_non_null(out); /* kept: the page still goes on */

	/* a page with three words on it ("CHỦ TỊCH ỦY") is not blank */
	BOX *line = boxCreate(0, 628, 700, 70);
	PIX *few = pixClipRectangle(f->page, line, NULL), *fout = NULL;
	PIX *canvas = pixCreate(2480, 3508, 8);
	pixSetAll(canvas);
	pixRasterop(canvas, 200, 300, pixGetWidth(few), pixGetHeight(few), PIX_SRC, few, 0, 0);
	pixSetResolution(canvas, 300, 300);
	assert_int_equal(sh_ocr_clean(&f->w, canvas, &fout, &rep), SH_OK);
	assert_false(rep.flags & SH_PAGE_BLANK);
	boxDestroy(&line);
	pixDestroy(&few);
	pixDestroy(&canvas);
	pixDestroy(&fout);
	pixDestroy(&blank);
	pixDestroy(&out);
}

static void test_clean_lowres_upscaled(void **state)
{
	fixture *f = *state;
	PIX *low = pixScaleAreaMap(f->page, 0.5f, 0.5f), *out = NULL;
	pixSetResolution(low, 150, 150);
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, low, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_LOWRES);
	assert_int_equal(rep.dpi, 250); /* scans to 250 dpi (docs/OCR.md, issue 18) */
	assert_int_equal(pixGetWidth(out), pixGetWidth(low) * 5 / 3);
	pixDestroy(&low);
	pixDestroy(&out);

	/* without a resolution in the file, the A4 width tells */
	low = pixScaleAreaMap(f->page, 0.5f, 0.5f);
	pixSetResolution(low, 0, 0);
	assert_int_equal(sh_ocr_clean(&f->w, low, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_LOWRES);
	assert_int_equal(rep.dpi, 250);
	pixDestroy(&low);
	pixDestroy(&out);
}

/* 600 dpi pages are probed at 150 dpi like the rest. */
static void test_clean_600dpi_turned(void **state)
{
	fixture *f = *state;
	PIX *big = pixScaleGrayLI(f->page, 2.0f, 2.0f), *turned = NULL, *out = NULL;
	assert_non_null(big);
	turned = pixRotate180(NULL, big);
	pixSetResolution(turned, 600, 600);
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, turned, &out, &rep), SH_OK);
	assert_int_equal(rep.dpi, 600);
	assert_int_equal(rep.rotation, 180);
	assert_false(rep.flags & (SH_PAGE_BLANK | SH_PAGE_BORDER | SH_PAGE_LOWRES));
	assert_int_equal(pixGetWidth(out), pixGetWidth(big));
	pixDestroy(&big);
	pixDestroy(&turned);
	pixDestroy(&out);
}

static void test_clean_bilevel(void **state)
{
	fixture *f = *state;
	PIX *bw = pixThresholdToBinary(f->page, 128), *out = NULL;
	pixCopyResolution(bw, f->page);
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, bw, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_BILEVEL);
	assert_int_equal(pixGetDepth(out), 8);
	pixDestroy(&bw);
	pixDestroy(&out);
}

static void test_clean_bad_input(void **state)
{
	fixture *f = *state;
	PIX *out = (PIX *)1;
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, NULL, &out, &rep), SH_EINVAL);
	assert_null(out);
	assert_true(strlen(sh_error_message()) > 0);
}

/* ---- through the pool ---------------------------------------------------- */

static PIX *g_pages[4];

static int load_page(void *arg, size_t i, PIX **out)
{
	(void)arg;
	*out = pixClone(g_pages[i]);
	return SH_OK;
}

static void test_clean_pool_turned_pages_read_the_same(void **state)
{
	fixture *f = *state;
	sh_ocr_options o = {0};
	o.workers = 2;
	o.want_hocr = 1;
	sh_ocr_pool *pool = NULL;
	assert_int_equal(sh_ocr_pool_new(&pool, &o), SH_OK);
	for (int q = 0; q < 4; q++)
		g_pages[q] = pixRotateOrth(f->page, q);
	sh_ocr_page res[4];
	assert_int_equal(sh_ocr_pool_run(pool, 4, load_page, NULL, res), SH_OK);
	assert_non_null(strstr(res[0].text, "Hải Dương"));
	assert_non_null(strstr(res[0].text, "QUYẾT ĐỊNH"));
	for (int q = 0; q < 4; q++) {
		assert_int_equal(res[q].status, SH_OK);
		/* an upside-down or sideways page reads exactly as the upright one */
		assert_string_equal(res[q].text, res[0].text);
		assert_int_equal(res[q].clean.rotation, 90 * ((4 - q) % 4));
		assert_int_equal(!!(res[q].flags & SH_PAGE_ROTATED), q != 0);
		/* per-word confidences summarised and kept with hOCR */
		assert_true(res[q].words > 100);
		assert_true(res[q].confidence > 80.0f && res[q].confidence <= 100.0f);
		assert_true(res[q].weak_words * 10 < res[q].words);
		assert_false(res[q].flags & SH_PAGE_RESCAN);
		assert_non_null(res[q].hocr);
		assert_non_null(strstr(res[q].hocr, "x_wconf"));
	}
	for (int q = 0; q < 4; q++) {
		sh_ocr_page_clear(&res[q]);
		pixDestroy(&g_pages[q]);
	}
	sh_ocr_pool_free(&pool);
	assert_null(pool);
}

static void test_clean_pool_blank_kept_for_review(void **state)
{
	(void)state;
	sh_ocr_options o = {0};
	o.workers = 1;
	sh_ocr_pool *pool = NULL;
	assert_int_equal(sh_ocr_pool_new(&pool, &o), SH_OK);
	g_pages[0] = pixCreate(2480, 3508, 8);
	pixSetAll(g_pages[0]);
	pixSetResolution(g_pages[0], 300, 300);
	sh_ocr_page res[1];
	assert_int_equal(sh_ocr_pool_run(pool, 1, load_page, NULL, res), SH_OK);
	assert_int_equal(res[0].status, SH_OK);
	assert_non_null(res[0].text);
	assert_true(res[0].flags & SH_PAGE_BLANK);
	assert_true(strlen(res[0].reason) > 0);
	sh_ocr_page_clear(&res[0]);
	pixDestroy(&g_pages[0]);
	sh_ocr_pool_free(&pool);
}

static int g_worker_nice;

static int load_blank_noting_nice(void *arg, size_t i, PIX **out)
{
	(void)arg;
	(void)i;
	errno = 0;
	g_worker_nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	*out = pixCreate(827, 1169, 8); /* A4 at 100 dpi, blank: no recognition */
	if (!*out)
		return SH_ENOMEM;
	pixSetAll(*out);
	pixSetResolution(*out, 100, 100);
	return SH_OK;
}

/* A server's OCR runs below its request threads (sh_ocr_options.nice): the
 * workers' own priority is lowered, the caller's is not. */
static void test_clean_pool_workers_niced(void **state)
{
	(void)state;
	int before = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	for (int nice = 0; nice <= 7; nice += 7) {
		sh_ocr_options o = {0};
		o.workers = 1;
		o.nice = nice;
		sh_ocr_pool *pool = NULL;
		assert_int_equal(sh_ocr_pool_new(&pool, &o), SH_OK);
		sh_ocr_page res[1];
		g_worker_nice = -100;
		assert_int_equal(sh_ocr_pool_run(pool, 1, load_blank_noting_nice, NULL, res), SH_OK);
		int want = before + nice > 19 ? 19 : before + nice;
		assert_int_equal(g_worker_nice, want);
		sh_ocr_page_clear(&res[0]);
		sh_ocr_pool_free(&pool);
	}
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)), before);
}

static size_t png_size(PIX *pix, PIX **back)
{
	l_uint8 *d = NULL;
	size_t n = 0;
	assert_int_equal(pixWriteMem(&d, &n, pix, IFF_PNG), 0);
	*back = pixReadMem(d, n);
	lept_free(d);
	assert_non_null(*back);
	return n;
}

/* fastpng.c: a thread that asked for it writes PNGs stored (larger, the
 * same pixels); every other PNG is compressed as before. */
static void test_clean_png_fast(void **state)
{
	fixture *f = *state;
	PIX *a = NULL, *b = NULL, *c = NULL;
	size_t plain = png_size(f->page, &a);
	sh_ocr_png_fast(1);
	size_t stored = png_size(f->page, &b);
	sh_ocr_png_fast(0);
	size_t again = png_size(f->page, &c);
	assert_true(stored > 4 * plain);
	assert_true(stored >= (size_t)pixGetWidth(f->page) * (size_t)pixGetHeight(f->page));
	assert_int_equal(again, plain);
	l_int32 same = 0;
	assert_int_equal(pixEqual(b, f->page, &same), 0);
	assert_true(same);
	assert_int_equal(pixEqual(a, f->page, &same), 0);
	assert_true(same);
	pixDestroy(&a);
	pixDestroy(&b);
	pixDestroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_pool_workers_niced),
		cmocka_unit_test(test_clean_upright_untouched),
		cmocka_unit_test(test_clean_orient_90),
		cmocka_unit_test(test_clean_orient_180),
		cmocka_unit_test(test_clean_orient_270),
		cmocka_unit_test(test_clean_orient_without_osd),
		cmocka_unit_test(test_clean_orient_step_off),
		cmocka_unit_test(test_clean_deskew),
		cmocka_unit_test(test_clean_seal_dropped),
		cmocka_unit_test(test_clean_border_removed),
		cmocka_unit_test(test_clean_blank_flagged_kept),
		cmocka_unit_test(test_clean_lowres_upscaled),
		cmocka_unit_test(test_clean_600dpi_turned),
		cmocka_unit_test(test_clean_bilevel),
		cmocka_unit_test(test_clean_bad_input),
		cmocka_unit_test(test_clean_pool_turned_pages_read_the_same),
		cmocka_unit_test(test_clean_pool_blank_kept_for_review),
		cmocka_unit_test(test_clean_png_fast),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
