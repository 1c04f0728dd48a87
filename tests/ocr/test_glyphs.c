/*
 * The page's digits compared glyph by glyph (ocr/glyphs.c, issue 18;
 * docs/PAPERS.md "Session 16"): drawn shapes stand for the digits of a
 * number on an 8-bit page. A glyph drawn like the sure ones it was read as
 * is near them; one drawn otherwise is far, farther than the sure ones are
 * from each other; a sure glyph of another height does not count; a box
 * running over its neighbour is cut back. No recognition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ocr_int.h"

/* A "2"-like shape (top bar, diagonal, bottom bar) or another (top bar
 * and a stem down its middle) h pixels high at x. */
static void draw(PIX *p, int x, int y, int h, int seven)
{
	int w = h * 6 / 10;
	pixRasterop(p, x, y, w, 3, PIX_SET, NULL, 0, 0);
	if (seven) {
		pixRasterop(p, x + w / 2 - 1, y, 3, h, PIX_SET, NULL, 0, 0);
		return;
	}
	for (int r = 3; r < h - 3; r++) {
		int cx = x + w - 3 - (w - 3) * r / h;
		pixRasterop(p, cx, y + r, 3, 1, PIX_SET, NULL, 0, 0);
	}
	pixRasterop(p, x, y + h - 3, w, 3, PIX_SET, NULL, 0, 0);
}

static sh_ocr_glyph glyph(int x, int y, int h, char d, int conf)
{
	sh_ocr_glyph g;
	memset(&g, 0, sizeof g);
	g.x0 = x - 1;
	g.y0 = y - 1;
	g.x1 = x + h * 6 / 10 + 1;
	g.y1 = y + h + 1;
	g.digit = d;
	g.conf = conf;
	g.long_word = 1;
	for (int k = 0; k < 10; k++)
		g.near[k] = g.spread[k] = -1;
	return g;
}

static void unlike_glyph_is_far(void **state)
{
	(void)state;
	PIX *b = pixCreate(400, 120, 1);
	assert_non_null(b);
	sh_ocr_glyph g[6];
	/* three sure 2s, a 2 read unsurely drawn as a 7, a 2 drawn as a 2,
	 * and a sure 2 twice the height drawn otherwise */
	int xs[5] = {10, 40, 70, 100, 130};
	for (int i = 0; i < 5; i++) {
		draw(b, xs[i], 20, 30, i == 3);
		g[i] = glyph(xs[i], 20, 30, '2', i >= 3 ? 90 : 100);
	}
	draw(b, 200, 20, 60, 1); /* a sure "2" of another size, drawn as a 7 */
	g[5] = glyph(200, 20, 60, '2', 100);
	PIX *grey = pixConvert1To8(NULL, b, 255, 0);
	assert_non_null(grey);
	sh_ocr_glyphs_match(grey, g, 6);
	assert_true(g[4].near[2] >= 0 && g[4].near[2] < 100); /* like its sure 2s */
	assert_true(g[3].near[2] >= 380);                     /* unlike them */
	assert_true(g[3].spread[2] >= 0 && g[3].near[2] >= 2 * g[3].spread[2]);
	assert_int_equal(g[3].near[7], -1); /* no sure 7: none to compare */
	pixDestroy(&grey);
	pixDestroy(&b);
}

static void box_over_neighbour_cut(void **state)
{
	(void)state;
	sh_ocr_glyph g[3];
	for (int i = 0; i < 3; i++) {
		memset(&g[i], 0, sizeof g[i]);
		g[i].x0 = 10 + 20 * i;
		g[i].x1 = g[i].x0 + 18;
		g[i].y1 = 30;
		g[i].word = 1;
		g[i].digit = '8';
		g[i].long_word = 1;
	}
	g[1].x0 = 10; /* the middle box over the first glyph: "8" over "08" */
	PIX *p = pixCreate(100, 40, 8);
	assert_non_null(p);
	pixSetAll(p);
	sh_ocr_glyphs_match(p, g, 3);
	assert_int_equal(g[1].x0, g[0].x1);
	assert_int_equal(g[0].x0, 10); /* the others as they were */
	pixDestroy(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unlike_glyph_is_far),
		cmocka_unit_test(box_over_neighbour_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
