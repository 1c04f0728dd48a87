/*
 * Colour before OCR (ocr/ink.c, step 1 of the clean-up): stamps dropped,
 * coloured printed text kept, coloured paper and light patterns white.
 * Small images from bench/ocr/mkcolour.py --test (tests/data/ink, 200 dpi)
 * and synthetic ones; no recognition, so the test is fast.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ocr_int.h"

#define RED_TITLE SOHOA_TEST_DATA "/ink/red-title-seal.png"
#define BLUE_PINK SOHOA_TEST_DATA "/ink/blue-on-pink.png"

/* Share of pixels darker than 100 in a box of an 8-bit image. */
static double dark_in(PIX *g, int x0, int y0, int x1, int y1)
{
	long n = 0, d = 0;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			l_uint32 v;
			pixGetPixel(g, x, y, &v);
			d += v < 100;
			n++;
		}
	return n ? (double)d / (double)n : 0;
}

/* Darkest value in a box. */
static int min_in(PIX *g, int x0, int y0, int x1, int y1)
{
	int m = 255;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			l_uint32 v;
			pixGetPixel(g, x, y, &v);
			m = (int)v < m ? (int)v : m;
		}
	return m;
}

static PIX *grey_of_file(const char *path, unsigned steps, sh_clean_report *rep)
{
	PIX *p = pixRead(path), *g = NULL;
	assert_non_null(p);
	memset(rep, 0, sizeof *rep);
	assert_int_equal(sh_ocr_make_grey(p, steps, 200, &g, rep), SH_OK);
	assert_non_null(g);
	assert_int_equal(pixGetDepth(g), 8);
	pixDestroy(&p);
	return g;
}

/* The red title (x 34-255, y 71-99) stays dark text; the seal beside it
 * (ring x 417-685, y 197-465) turns white; the black name under the seal
 * (x 412-622, y 316-346) stays black. */
static void test_ink_red_title_kept_seal_dropped(void **state)
{
	(void)state;
	sh_clean_report rep;
	PIX *g = grey_of_file(RED_TITLE, SH_CLEAN_ALL, &rep);
	assert_true(rep.flags & SH_PAGE_SEAL);
	assert_true(dark_in(g, 34, 71, 256, 100) > 0.15);
	/* the ring's left and right sides and its top, away from the name */
	assert_true(min_in(g, 417, 250, 440, 300) > 200);
	assert_true(min_in(g, 662, 250, 686, 300) > 200);
	assert_true(min_in(g, 500, 197, 600, 230) > 200);
	assert_true(dark_in(g, 412, 316, 623, 347) > 0.1);
	pixDestroy(&g);

	/* without the seal step: luminance, the seal stays grey-dark */
	g = grey_of_file(RED_TITLE, SH_CLEAN_ALL & ~SH_CLEAN_SEAL, &rep);
	assert_false(rep.flags & SH_PAGE_SEAL);
	assert_true(min_in(g, 417, 250, 440, 300) < 150);
	pixDestroy(&g);
}

/* Blue and green labels on pink paper with a light pink guilloche: the
 * labels (blue x 34-129, y 83-109) stay dark, paper and pattern turn white. */
static void test_ink_blue_text_kept_pink_paper_white(void **state)
{
	(void)state;
	sh_clean_report rep;
	PIX *g = grey_of_file(BLUE_PINK, SH_CLEAN_ALL, &rep);
	assert_false(rep.flags & SH_PAGE_SEAL);
	assert_true(dark_in(g, 34, 83, 130, 110) > 0.1);
	assert_true(dark_in(g, 316, 85, 352, 105) > 0.1); /* black "AN" */
	/* below the text: paper and guilloche only */
	assert_true(min_in(g, 20, 300, 760, 540) > 200);
	pixDestroy(&g);
}

static void fill(PIX *p, int x, int y, int w, int h, l_uint32 c)
{
	BOX *b = boxCreate(x, y, w, h);
	assert_int_equal(pixSetInRectArbitrary(p, b, c), 0);
	boxDestroy(&b);
}

static void frame(PIX *p, int x, int y, int w, int h, int t)
{
	BOX *b = boxCreate(x, y, w, h);
	assert_int_equal(pixRenderBoxArb(p, b, t, 40, 60, 190), 0);
	boxDestroy(&b);
}

/* Synthetic: yellow paper, a blue rectangular stamp frame 30 x 12 mm with a
 * word inside, a blue boxed line 7 mm high, and a violet ring. The frame
 * and ring go; the boxed line stays. */
static void test_ink_stamps_by_shape(void **state)
{
	(void)state;
	int dpi = 200, w = 800, h = 600;
	PIX *p = pixCreate(w, h, 32);
	assert_non_null(p);
	l_uint32 paper, blue, violet;
	composeRGBPixel(250, 240, 185, &paper);
	composeRGBPixel(40, 60, 190, &blue);
	composeRGBPixel(120, 50, 160, &violet);
	pixSetAllArbitrary(p, paper);
	/* stamp frame at (50, 50), 236 x 94 px, 6 px thick, with a bar inside */
	frame(p, 53, 53, 230, 88, 6);
	fill(p, 90, 85, 150, 24, blue);
	/* boxed line at (50, 300): 200 x 55 px (7 mm), thin frame, text-like bars */
	frame(p, 51, 301, 198, 53, 3);
	for (int k = 0; k < 8; k++)
		fill(p, 65 + 22 * k, 315, 14, 25, blue);
	/* violet ring: centre (560, 300), radius 140 px (17.8 mm), 8 px wide */
	for (int y = 150; y < 450; y++)
		for (int x = 410; x < 710; x++) {
			double d = hypot(x - 560, y - 300);
			if (fabs(d - 140) < 4)
				pixSetPixel(p, x, y, violet);
		}
	pixSetResolution(p, dpi, dpi);
	sh_clean_report rep;
	memset(&rep, 0, sizeof rep);
	PIX *g = NULL;
	assert_int_equal(sh_ocr_make_grey(p, SH_CLEAN_ALL, dpi, &g, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_SEAL);
	assert_true(min_in(g, 50, 50, 286, 144) > 200);   /* stamp gone */
	assert_true(min_in(g, 415, 290, 425, 310) > 200); /* ring gone */
	assert_true(dark_in(g, 65, 315, 240, 340) > 0.5);  /* boxed line kept */
	assert_true(min_in(g, 300, 500, 400, 580) > 240);  /* yellow paper white */
	pixDestroy(&g);
	pixDestroy(&p);
}

/* Synthetic: a red seal's ring cut in two by black text crossing it (a
 * signer's name over the seal: two black blocks on the ring at its lower
 * left and right). Its larger part holds 2/3 of the ring, the rest lies
 * apart; the whole disc goes, the lower arc too (it stayed dark: the larger
 * part alone was taken for no ring), and the black text stays. */
static void test_ink_ring_cut_by_text(void **state)
{
	(void)state;
	int dpi = 200, w = 600, h = 600, cx = 300, cy = 280, rr = 140;
	PIX *p = pixCreate(w, h, 32);
	assert_non_null(p);
	l_uint32 paper, red, black;
	composeRGBPixel(245, 243, 236, &paper);
	composeRGBPixel(200, 40, 50, &red);
	composeRGBPixel(25, 25, 25, &black);
	pixSetAllArbitrary(p, paper);
	for (int y = cy - rr - 10; y < cy + rr + 10; y++)
		for (int x = cx - rr - 10; x < cx + rr + 10; x++)
			if (fabs(hypot(x - cx, y - cy) - rr) < 4)
				pixSetPixel(p, x, y, red);
	int d = (int)lround(rr * M_SQRT1_2);
	fill(p, cx + d - 35, cy + d - 35, 70, 70, black);
	fill(p, cx - d - 35, cy + d - 35, 70, 70, black);
	pixSetResolution(p, dpi, dpi);
	sh_clean_report rep;
	memset(&rep, 0, sizeof rep);
	PIX *g = NULL;
	assert_int_equal(sh_ocr_make_grey(p, SH_CLEAN_ALL, dpi, &g, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_SEAL);
	assert_true(min_in(g, cx - 20, cy + rr - 5, cx + 20, cy + rr + 5) > 200); /* lower arc gone */
	assert_true(min_in(g, cx - 5, cy - rr - 5, cx + 5, cy - rr + 5) > 200);   /* upper arc gone */
	assert_true(dark_in(g, cx + d - 30, cy + d - 30, cx + d + 30, cy + d + 30) > 0.9); /* text kept */
	pixDestroy(&g);
	pixDestroy(&p);
}

/* Bilevel and grey pages pass through; an image smaller than a block. */
static void test_ink_other_depths(void **state)
{
	(void)state;
	sh_clean_report rep;
	memset(&rep, 0, sizeof rep);
	PIX *b = pixCreate(40, 30, 1), *g = NULL;
	assert_int_equal(sh_ocr_make_grey(b, SH_CLEAN_ALL, 300, &g, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_BILEVEL);
	pixDestroy(&g);
	pixDestroy(&b);
	PIX *c = pixCreate(2, 2, 32);
	assert_int_equal(sh_ocr_make_grey(c, SH_CLEAN_ALL, 600, &g, &rep), SH_OK);
	assert_int_equal(pixGetWidth(g), 2);
	pixDestroy(&g);
	pixDestroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ink_red_title_kept_seal_dropped),
		cmocka_unit_test(test_ink_blue_text_kept_pink_paper_white),
		cmocka_unit_test(test_ink_stamps_by_shape),
		cmocka_unit_test(test_ink_ring_cut_by_text),
		cmocka_unit_test(test_ink_other_depths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
