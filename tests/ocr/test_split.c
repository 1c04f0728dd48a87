/*
 * Two pages on one scan (ocr/split.c, issue 18): synthetic 150 dpi sheets
 * drawn here — a card's two sides photocopied on A4, two A5 pages side by
 * side on A4 landscape and one above the other on A4 portrait — are split
 * in reading order; a one-column page, a page with a two-column header, a
 * landscape table and an image that is no whole page are not. No
 * recognition: fast, and small under ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sh_ocr.h"

#define DPI 150
#define MM(v) ((int)((v) * DPI / 25.4 + 0.5))

static PIX *sheet(int wmm, int hmm, int depth)
{
	PIX *p = pixCreate(MM(wmm), MM(hmm), depth);
	assert_non_null(p);
	pixSetAll(p);       /* 8 bpp: white */
	if (depth == 32)
		pixSetAllArbitrary(p, 0xf6f4f000);
	pixSetResolution(p, DPI, DPI);
	return p;
}

static void rect(PIX *p, int x, int y, int w, int h, l_uint32 v)
{
	BOX *b = boxCreate(x, y, w, h);
	pixSetInRectArbitrary(p, b, v);
	boxDestroy(&b);
}

/* Lines of "words" (dark bars 2.4 mm high) from x0 to x1 (pixels), top y0,
 * n lines at pitch mm apart. */
static void text(PIX *p, int x0, int x1, int y0, int n, double pitch, l_uint32 ink)
{
	unsigned seed = (unsigned)(x0 * 31 + y0);
	for (int l = 0; l < n; l++) {
		int y = y0 + MM(pitch * l), x = x0;
		while (x < x1) {
			seed = seed * 1103515245u + 12345u;
			int w = MM(4 + (seed >> 16) % 14);
			if (x + w > x1)
				w = x1 - x;
			rect(p, x, y, w, MM(2.4), ink);
			x += w + MM(2);
		}
	}
}

/* An ID card photocopied: tinted body, dark outline, a photo box, text. */
static void card(PIX *p, int x, int y)
{
	int w = MM(85.6), h = MM(53.98);
	rect(p, x, y, w, h, 70);
	rect(p, x + 2, y + 2, w - 4, h - 4, 205);
	rect(p, x + MM(4), y + MM(17), MM(20), MM(26), 120);
	text(p, x + MM(27), x + w - MM(4), y + MM(5), 8, 5.5, 30);
}

static void test_cards(void **state)
{
	(void)state;
	PIX *p = sheet(210, 297, 8);
	card(p, MM(40), MM(30));
	card(p, MM(50), MM(110));
	sh_ocr_split s;
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.kind, SH_SPLIT_CARD);
	/* front (on top) first; each piece holds its card whole */
	assert_true(s.box[0][1] < s.box[1][1]);
	assert_true(s.box[0][0] <= MM(40) && s.box[0][1] <= MM(30));
	assert_true(s.box[0][0] + s.box[0][2] >= MM(40 + 85.6));
	assert_true(s.box[0][1] + s.box[0][3] >= MM(30 + 53.98));
	assert_true(s.box[0][1] + s.box[0][3] <= MM(110));
	PIX *piece = NULL;
	assert_int_equal(sh_ocr_split_piece(&piece, p, &s, 1), SH_OK);
	assert_int_equal(pixGetWidth(piece), s.box[1][2]);
	assert_int_equal(pixGetHeight(piece), s.box[1][3]);
	assert_int_equal(pixGetXRes(piece), DPI);
	pixDestroy(&piece);
	assert_int_equal(sh_ocr_split_piece(&piece, p, &s, 2), SH_EINVAL);
	assert_null(piece);
	/* a third card is a doubt */
	card(p, MM(60), MM(200));
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 0);
	pixDestroy(&p);

	/* side by side, in colour */
	p = sheet(210, 297, 32);
	PIX *g = sheet(210, 297, 8);
	card(g, MM(10), MM(20));
	card(g, MM(112), MM(22));
	pixDestroy(&p);
	p = pixConvertTo32(g);
	pixSetResolution(p, DPI, DPI);
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 2);
	assert_true(s.box[0][0] < s.box[1][0]);
	pixDestroy(&g);
	pixDestroy(&p);
}

static void test_halves(void **state)
{
	(void)state;
	/* two A5 pages side by side on A4 landscape */
	PIX *p = sheet(297, 210, 8);
	text(p, MM(18), MM(130), MM(20), 26, 6.5, 20);
	text(p, MM(166), MM(280), MM(20), 20, 6.5, 20);
	sh_ocr_split s;
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.kind, SH_SPLIT_PAGES);
	assert_int_equal(s.box[0][0], 0);
	assert_true(s.box[0][2] > MM(130) && s.box[0][2] < MM(166));
	assert_int_equal(s.box[1][0], s.box[0][2]);
	assert_int_equal(s.box[1][0] + s.box[1][2], pixGetWidth(p));
	assert_int_equal(s.box[0][3], pixGetHeight(p));
	pixDestroy(&p);

	/* one above the other on A4 portrait, bilevel */
	PIX *g = sheet(210, 297, 8);
	text(g, MM(20), MM(190), MM(15), 18, 6, 0);
	text(g, MM(20), MM(190), MM(165), 18, 6, 0);
	p = pixThresholdToBinary(g, 128);
	pixSetResolution(p, DPI, DPI);
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 2);
	assert_true(s.box[0][1] == 0 && s.box[1][1] > MM(125) && s.box[1][1] < MM(165));
	pixDestroy(&p);
	pixDestroy(&g);
}

static void test_one_page(void **state)
{
	(void)state;
	sh_ocr_split s;
	/* one column */
	PIX *p = sheet(210, 297, 8);
	text(p, MM(25), MM(185), MM(20), 38, 6.5, 20);
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 0);
	pixDestroy(&p);

	/* a two-column header (ỦY BAN NHÂN DÂN | CỘNG HÒA ...), body across */
	p = sheet(210, 297, 8);
	text(p, MM(15), MM(80), MM(15), 4, 5.5, 20);
	text(p, MM(110), MM(195), MM(15), 4, 5.5, 20);
	text(p, MM(25), MM(185), MM(50), 30, 6.5, 20);
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 0);
	pixDestroy(&p);

	/* the same header on a short letter: a blank gap, then the signature */
	p = sheet(210, 297, 8);
	text(p, MM(15), MM(80), MM(15), 4, 5.5, 20);
	text(p, MM(110), MM(195), MM(15), 4, 5.5, 20);
	text(p, MM(25), MM(185), MM(45), 10, 6.5, 20);
	text(p, MM(20), MM(70), MM(175), 4, 4.5, 20);
	text(p, MM(120), MM(180), MM(175), 3, 6, 20);
	text(p, MM(120), MM(180), MM(215), 1, 6, 20);
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 0);
	pixDestroy(&p);

	/* a landscape table: two columns of text with a rule between */
	p = sheet(297, 210, 8);
	text(p, MM(18), MM(130), MM(20), 24, 6.5, 20);
	text(p, MM(166), MM(280), MM(20), 24, 6.5, 20);
	rect(p, MM(148), MM(15), MM(0.5), MM(165), 0);
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 0);
	pixDestroy(&p);

	/* two halves, but no whole page: a photo's frame (4:3, no tag) */
	p = pixCreate(1600, 1200, 8);
	pixSetAll(p);
	text(p, 60, 700, 80, 20, 6.5, 20);
	text(p, 900, 1540, 80, 20, 6.5, 20);
	assert_int_equal(sh_ocr_split_find(p, &s), SH_OK);
	assert_int_equal(s.n, 0);
	pixDestroy(&p);

	assert_int_equal(sh_ocr_split_find(NULL, &s), SH_EINVAL);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cards),
		cmocka_unit_test(test_halves),
		cmocka_unit_test(test_one_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
