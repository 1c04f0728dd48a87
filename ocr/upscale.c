/* Steps 2 and 3 of the clean-up, the same bytes as Leptonica, faster.
 *
 * Step 2 for a bilevel page under 250 dpi (clean.c): a
 * 3x3 box blur, once or twice, then the bilinear upscale. Leptonica's
 * pixBlockconv (a 32-bit accumulator image made, read and freed per pass,
 * float arithmetic per pixel) and pixScaleGrayLI (float arithmetic and
 * bounds tests per pixel) were ~12 % of the CPU of a low-resolution page
 * (docs/OCR.md "Session 17"). Here the same arithmetic gives the same
 * bytes: the interior of the blur as a running 3x3 sum through a table of
 * Leptonica's own rounding, its edges (where Leptonica's accumulator
 * leaves out the first row and column and rescales) pixel by pixel as
 * Leptonica computes them, the upscale with its source columns and
 * fractions computed once per column and each source row's horizontal
 * interpolation once.
 *
 * Step 3, the background map and stretch of every page: Leptonica's map
 * and its inverse (pixBackgroundNormSimple's), then its application and
 * the stretch (pixGammaTRC) in one pass over the page through a table,
 * where Leptonica reads and writes every pixel twice by its accessors
 * (~3 % of the CPU of a low-resolution page).
 *
 * tests/ocr/test_upscale.c compares each with Leptonica's path. */
#include "ocr_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rows of bytes to and from Leptonica's 8 bpp lines: 32-bit words whose
 * first pixel is the most significant byte. */
static uint32_t word_of(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void row_to_lept(const uint8_t *b, int n, l_uint32 *line)
{
	int k = 0;
	for (; 4 * k + 3 < n; k++)
		line[k] = word_of(b + 4 * k);
	if (4 * k < n) {
		uint8_t last[4] = {0, 0, 0, 0};
		memcpy(last, b + 4 * k, (size_t)(n - 4 * k));
		line[k] = word_of(last);
	}
}

static void row_from_lept(const l_uint32 *line, int n, uint8_t *b)
{
	int k = 0;
	for (; 4 * k + 3 < n; k++) {
		uint32_t v = line[k];
		b[4 * k] = (uint8_t)(v >> 24);
		b[4 * k + 1] = (uint8_t)(v >> 16);
		b[4 * k + 2] = (uint8_t)(v >> 8);
		b[4 * k + 3] = (uint8_t)v;
	}
	for (int j = 4 * k; j < n; j++)
		b[j] = (uint8_t)GET_DATA_BYTE(line, j);
}

/* Leptonica's blockconvLow (wc = hc = 1) at (i, j) of src (w x h, w, h >= 3):
 * the sum over rows max(i-2,0)+1 .. min(i+1,h-1) and the same columns, the
 * rounding by its float norm, then its boundary rescaling. */
static uint8_t blur_edge(const uint8_t *s, int w, int h, int i, int j)
{
	const float norm = (float)(1.0 / ((float)3 * 3));
	int i0 = (i - 2 > 0 ? i - 2 : 0) + 1, i1 = i + 1 < h - 1 ? i + 1 : h - 1;
	int j0 = (j - 2 > 0 ? j - 2 : 0) + 1, j1 = j + 1 < w - 1 ? j + 1 : w - 1;
	uint32_t sum = 0;
	for (int r = i0; r <= i1; r++)
		for (int c = j0; c <= j1; c++)
			sum += s[(size_t)r * (size_t)w + (size_t)c];
	uint32_t val = (uint8_t)(norm * (float)sum + 0.5);
	int hn = 0, wn = 0; /* 0: that side needs no rescaling */
	if (i <= 1)
		hn = 1 + i;
	else if (i == h - 1)
		hn = 2;
	if (j <= 1)
		wn = 1 + j;
	else if (j == w - 1)
		wn = 2;
	float fv = (float)val;
	if (hn && wn) {
		fv = fv * ((float)3 / (float)hn) * ((float)3 / (float)wn);
		return (uint8_t)(fv < 255 ? fv : 255);
	}
	if (hn)
		fv = fv * ((float)3 / (float)hn);
	else if (wn)
		fv = fv * ((float)3 / (float)wn);
	else
		return (uint8_t)val;
	return (uint8_t)(fv < 255 ? fv : 255);
}

/* One pass of pixBlockconv(., 1, 1) from s to d, both w x h bytes. */
static int blur3(const uint8_t *s, uint8_t *d, int w, int h)
{
	uint8_t lut[9 * 255 + 1]; /* per call: 2,296 entries, no shared state */
	const float norm = (float)(1.0 / ((float)3 * 3));
	for (uint32_t v = 0; v <= 9 * 255; v++)
		lut[v] = (uint8_t)(norm * (float)v + 0.5);
	uint16_t *col = malloc(sizeof *col * (size_t)w);
	if (!col)
		return SH_ENOMEM;
	for (int i = 2; i <= h - 2; i++) {
		const uint8_t *a = s + (size_t)(i - 1) * (size_t)w, *b = a + w, *c = b + w;
		uint8_t *o = d + (size_t)i * (size_t)w;
		for (int j = 0; j < w; j++)
			col[j] = (uint16_t)(a[j] + b[j] + c[j]);
		for (int j = 2; j <= w - 2; j++)
			o[j] = lut[col[j - 1] + col[j] + col[j + 1]];
		o[0] = blur_edge(s, w, h, i, 0);
		o[1] = blur_edge(s, w, h, i, 1);
		o[w - 1] = blur_edge(s, w, h, i, w - 1);
	}
	free(col);
	int rows[3] = {0, 1, h - 1};
	for (int k = 0; k < 3; k++) {
		uint8_t *o = d + (size_t)rows[k] * (size_t)w;
		for (int j = 0; j < w; j++)
			o[j] = blur_edge(s, w, h, rows[k], j);
	}
	return SH_OK;
}

int sh_ocr_blur_upscale(PIX *pixs, int passes, float f, PIX **out)
{
	*out = NULL;
	int ws = pixGetWidth(pixs), hs = pixGetHeight(pixs);
	if (pixGetDepth(pixs) != 8 || pixGetColormap(pixs) || ws < 3 || hs < 3 || f < 0.7f ||
	    f == 1.0f || f == 2.0f || f == 4.0f || passes < 0 || passes > 2)
		return SH_EINVAL; /* Leptonica's special cases: the caller's */
	int wd = (int)(f * (float)ws + 0.5), hd = (int)(f * (float)hs + 0.5);
	size_t n = (size_t)ws * (size_t)hs;
	uint8_t *a = malloc(n), *b = passes ? malloc(n) : NULL;
	int32_t *xp = malloc(sizeof *xp * (size_t)wd * 2);
	uint8_t *drow = malloc((size_t)wd);
	uint16_t *hrow = malloc(sizeof *hrow * (size_t)wd * 2);
	PIX *pixd = NULL;
	int rc = SH_ENOMEM;
	if (!a || (passes && !b) || !xp || !hrow || !drow)
		goto out;
	const l_uint32 *datas = pixGetData(pixs);
	int wpls = pixGetWpl(pixs);
	for (int i = 0; i < hs; i++)
		row_from_lept(datas + (size_t)i * (size_t)wpls, ws, a + (size_t)i * (size_t)ws);
	for (int p = 0; p < passes; p++) {
		if (blur3(a, b, ws, hs))
			goto out;
		uint8_t *t = a;
		a = b;
		b = t;
	}
	pixd = pixCreate(wd, hd, 8);
	if (!pixd)
		goto out;
	pixCopyText(pixd, pixs);
	pixCopyResolution(pixd, pixs);
	pixCopyInputFormat(pixd, pixs);
	pixScaleResolution(pixd, f, f);
	/* scaleGrayLILow: source position to 1/16 of a pixel, the right
	 * and bottom neighbours clamped to the last column and row */
	float scx = 16. * (float)ws / (float)wd, scy = 16. * (float)hs / (float)hd;
	int32_t *xf = xp + wd;
	for (int j = 0; j < wd; j++) {
		int32_t xpm = (int32_t)(scx * (float)j);
		xp[j] = xpm >> 4;
		xf[j] = xpm & 0x0f;
	}
	/* hrow[k]: source row rowk[k] interpolated across, x16 */
	int rowk[2] = {-1, -1};
	l_uint32 *datad = pixGetData(pixd);
	int wpld = pixGetWpl(pixd);
	for (int i = 0; i < hd; i++) {
		int32_t ypm = (int32_t)(scy * (float)i);
		int yp = ypm >> 4, yf = ypm & 0x0f;
		int want[2] = {yp, yp + 1 < hs ? yp + 1 : hs - 1};
		uint16_t *hr[2];
		for (int k = 0; k < 2; k++) {
			int slot = rowk[0] == want[k] ? 0 : rowk[1] == want[k] ? 1 : -1;
			if (slot < 0) { /* the slot not holding the other wanted row */
				slot = rowk[0] == want[1 - k] ? 1 : 0;
				const uint8_t *sr = a + (size_t)want[k] * (size_t)ws;
				uint16_t *h = hrow + (size_t)slot * (size_t)wd;
				for (int j = 0; j < wd; j++) {
					int x = xp[j], x1 = x + 1 < ws ? x + 1 : ws - 1;
					h[j] = (uint16_t)((16 - xf[j]) * sr[x] + xf[j] * sr[x1]);
				}
				rowk[slot] = want[k];
			}
			hr[k] = hrow + (size_t)slot * (size_t)wd;
		}
		const uint16_t *h0 = hr[0], *h1 = hr[1];
		for (int j = 0; j < wd; j++)
			drow[j] = (uint8_t)((uint32_t)((16 - yf) * h0[j] + yf * h1[j] + 128) >> 8);
		row_to_lept(drow, wd, datad + (size_t)i * (size_t)wpld);
	}
	*out = pixd;
	pixd = NULL;
	rc = SH_OK;
out:
	pixDestroy(&pixd);
	free(a);
	free(b);
	free(xp);
	free(hrow);
	free(drow);
	return rc;
}

int sh_ocr_background_stretch(PIX *pixs, int black_to, int paper_to, PIX **out)
{
	/* pixBackgroundNormSimple's parameters (Leptonica 1.82 adaptmap.c) */
	enum { TILE_W = 10, TILE_H = 15, FG_THRESH = 60, MIN_COUNT = 40, BG_VAL = 200, SMOOTH_X = 2,
	       SMOOTH_Y = 1 };
	*out = NULL;
	if (pixGetDepth(pixs) != 8 || pixGetColormap(pixs) || black_to < 0 || paper_to > 255 ||
	    black_to >= paper_to)
		return SH_EINVAL;
	PIX *map = NULL, *inv = NULL, *pixd = NULL;
	NUMA *trc = NULL;
	uint8_t *row = NULL;
	int rc = SH_EINVAL;
	/* no map (Leptonica then returns a copy): the caller's path */
	if (pixGetBackgroundGrayMap(pixs, NULL, TILE_W, TILE_H, FG_THRESH, MIN_COUNT, &map) || !map)
		goto out;
	inv = pixGetInvBackgroundMap(map, BG_VAL, SMOOTH_X, SMOOTH_Y);
	if (!inv || pixGetDepth(inv) != 16)
		goto out;
	rc = SH_ENOMEM;
	uint8_t lut[256];
	if (black_to == 0 && paper_to == 255) { /* pixGammaTRC's no-op */
		for (int v = 0; v < 256; v++)
			lut[v] = (uint8_t)v;
	} else {
		trc = numaGammaTRC(1.0f, black_to, paper_to);
		if (!trc || numaGetCount(trc) != 256)
			goto out;
		for (int v = 0; v < 256; v++) {
			l_int32 t = 0;
			numaGetIValue(trc, v, &t);
			lut[v] = (uint8_t)t;
		}
	}
	int w = pixGetWidth(pixs), h = pixGetHeight(pixs), wm = pixGetWidth(inv), hm = pixGetHeight(inv);
	pixd = pixCreateTemplate(pixs);
	row = malloc((size_t)w);
	if (!pixd || !row)
		goto out;
	const l_uint32 *datas = pixGetData(pixs), *datam = pixGetData(inv);
	l_uint32 *datad = pixGetData(pixd);
	int wpls = pixGetWpl(pixs), wpld = pixGetWpl(pixd), wplm = pixGetWpl(inv);
	/* pixApplyInvBackgroundGrayMap: tile (j, i) of TILE_W x TILE_H pixels
	 * times its map value / 256, at most 255; tiles past the map's last
	 * row or column are left 0 as there */
	for (int y = 0; y < h; y++) {
		l_uint32 *lined = datad + (size_t)y * (size_t)wpld;
		int i = y / TILE_H;
		if (i >= hm)
			continue;
		row_from_lept(datas + (size_t)y * (size_t)wpls, w, row);
		const l_uint32 *linem = datam + (size_t)i * (size_t)wplm;
		int xend = wm * TILE_W < w ? wm * TILE_W : w;
		for (int j = 0; j * TILE_W < xend; j++) {
			uint32_t v16 = GET_DATA_TWO_BYTES(linem, j);
			int x1 = (j + 1) * TILE_W < xend ? (j + 1) * TILE_W : xend;
			for (int x = j * TILE_W; x < x1; x++) {
				uint32_t v = ((uint32_t)row[x] * v16) >> 8;
				row[x] = lut[v < 255 ? v : 255];
			}
		}
		for (int x = xend; x < w; x++)
			row[x] = lut[0];
		row_to_lept(row, w, lined);
	}
	*out = pixd;
	pixd = NULL;
	rc = SH_OK;
out:
	pixDestroy(&map);
	pixDestroy(&inv);
	pixDestroy(&pixd);
	numaDestroy(&trc);
	free(row);
	return rc;
}
