/* The page's digits as its reading had them (issue 18; docs/PAPERS.md
 * "Session 16: a doubtful glyph against the page's sure ones"): while the
 * engine still holds the page's reading, every digit with its box and
 * confidence; then, on the image that was read, each digit read unsurely
 * in a long number compared with the digits of the same page read surely,
 * of the same height (same face, same size). Evidence from the page's
 * pixels, not from the models that read them: which digit the doubtful
 * glyph looks like on this page. */
#include "ocr_int.h"

#include <stdlib.h>
#include <string.h>

static size_t word_digits(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += *s >= '0' && *s <= '9';
	return n;
}

int sh_ocr_glyphs_capture(TessBaseAPI *api, sh_ocr_glyph **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	TessResultIterator *ri = TessBaseAPIGetIterator(api);
	if (!ri)
		return SH_OK;
	const TessPageIterator *pi = TessResultIteratorGetPageIteratorConst(ri);
	sh_ocr_glyph *g = NULL;
	size_t ng = 0, cap = 0;
	int rc = SH_OK, word = -1;
	size_t digits = 0;
	do {
		if (TessPageIteratorIsAtBeginningOf(pi, RIL_WORD)) {
			char *w = TessResultIteratorGetUTF8Text(ri, RIL_WORD);
			digits = word_digits(w);
			word++;
			if (w)
				TessDeleteText(w);
		}
		if (!digits)
			continue;
		char *s = TessResultIteratorGetUTF8Text(ri, RIL_SYMBOL);
		if (s && s[0] >= '0' && s[0] <= '9' && !s[1] && ng < SH_OCR_GLYPHS_MAX) {
			if (ng == cap) {
				size_t nc = cap ? cap * 2 : 64;
				sh_ocr_glyph *t = sh_realloc(g, nc * sizeof *t);
				if (!t) {
					TessDeleteText(s);
					rc = sh_error_set(SH_ENOMEM, "out of memory keeping a page's digits");
					break;
				}
				g = t;
				cap = nc;
			}
			sh_ocr_glyph *x = &g[ng++];
			memset(x, 0, sizeof *x);
			x->word = word;
			x->digit = s[0];
			x->long_word = digits >= 9;
			x->conf = (int)(TessResultIteratorConfidence(ri, RIL_SYMBOL) + 0.5f);
			TessPageIteratorBoundingBox(pi, RIL_SYMBOL, &x->x0, &x->y0, &x->x1, &x->y1);
			for (int k = 0; k < 10; k++)
				x->near[k] = x->spread[k] = -1;
		}
		if (s)
			TessDeleteText(s);
	} while (TessResultIteratorNext(ri, RIL_SYMBOL));
	TessResultIteratorDelete(ri);
	if (rc || !ng) {
		sh_free(g);
		return rc;
	}
	*out = g;
	*n = ng;
	return SH_OK;
}

/* A glyph's ink as a grid of GW x GH cells (ink per cell 0..255), its ink
 * box found in the symbol's box on the page (8-bit grey, ink below 128),
 * and the ink's height in pixels; 0 when no ink. */
enum { GW = 12, GH = 18 };

static int glyph_grid(PIX *grey, const sh_ocr_glyph *g, unsigned char cell[GH][GW], int *height)
{
	int w = pixGetWidth(grey), h = pixGetHeight(grey);
	int x0 = g->x0 < 0 ? 0 : g->x0, y0 = g->y0 < 0 ? 0 : g->y0;
	int x1 = g->x1 > w ? w : g->x1, y1 = g->y1 > h ? h : g->y1;
	if (x1 - x0 < 2 || y1 - y0 < 4)
		return 0;
	l_uint32 *data = pixGetData(grey);
	int wpl = pixGetWpl(grey);
	int ix0 = x1, iy0 = y1, ix1 = x0 - 1, iy1 = y0 - 1;
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			if (GET_DATA_BYTE(data + y * wpl, x) < 128) {
				ix0 = x < ix0 ? x : ix0;
				ix1 = x > ix1 ? x : ix1;
				iy0 = y < iy0 ? y : iy0;
				iy1 = y > iy1 ? y : iy1;
			}
	if (ix1 < ix0 || iy1 - iy0 < 3)
		return 0;
	*height = iy1 - iy0 + 1;
	int bh = iy1 - iy0 + 1;
	/* the cells over the ink box kept at its aspect: scaled by height, centred */
	float sc = (float)bh / GH;
	float cx = (float)(ix0 + ix1 + 1) / 2.0f;
	for (int r = 0; r < GH; r++)
		for (int c = 0; c < GW; c++) {
			float fx0 = cx + ((float)c - GW / 2.0f) * sc, fy0 = (float)iy0 + (float)r * sc;
			long ink = 0, all = 0;
			for (int y = (int)fy0; y < (int)(fy0 + sc + 0.999f); y++)
				for (int x = (int)fx0; x < (int)(fx0 + sc + 0.999f); x++) {
					all++;
					if (x >= ix0 && x <= ix1 && y >= iy0 && y <= iy1 &&
					    GET_DATA_BYTE(data + y * wpl, x) < 128)
						ink++;
				}
			cell[r][c] = all ? (unsigned char)(ink * 255 / all) : 0;
		}
	return 1;
}

/* Distance of two grids, 0..1000: the mean absolute difference of their
 * cells over the cells either has ink in. */
static int grid_distance(unsigned char a[GH][GW], unsigned char b[GH][GW])
{
	long d = 0, m = 0;
	for (int r = 0; r < GH; r++)
		for (int c = 0; c < GW; c++) {
			int x = a[r][c], y = b[r][c];
			d += abs(x - y);
			m += x > y ? x : y;
		}
	return m ? (int)(d * 1000 / m) : 1000;
}

/* The boxes of a word's digits that run over their neighbours (an LSTM
 * symbol's box can take in the next glyph: "8" over "08"): one wider than
 * 1.3 times the word's middle width cut back to its neighbours' edges. */
static void clip_boxes(sh_ocr_glyph *g, size_t n)
{
	for (size_t a = 0, b; a < n; a = b) {
		int wd[64], m = 0;
		for (b = a; b < n && g[b].word == g[a].word; b++)
			if (m < 64)
				wd[m++] = g[b].x1 - g[b].x0;
		for (int i = 1; i < m; i++) /* insertion sort: a word's few digits */
			for (int j = i; j > 0 && wd[j - 1] > wd[j]; j--) {
				int t = wd[j];
				wd[j] = wd[j - 1];
				wd[j - 1] = t;
			}
		int mid = wd[m / 2];
		for (size_t i = a; i < b; i++) {
			if ((g[i].x1 - g[i].x0) * 10 <= mid * 13)
				continue;
			int x0 = g[i].x0, x1 = g[i].x1;
			if (i > a && g[i - 1].x1 > x0 && g[i - 1].x1 < x1)
				x0 = g[i - 1].x1;
			if (i + 1 < b && g[i + 1].x0 < x1 && g[i + 1].x0 > x0)
				x1 = g[i + 1].x0;
			g[i].x0 = x0;
			g[i].x1 = x1;
		}
	}
}

void sh_ocr_glyphs_match(PIX *pix, sh_ocr_glyph *g, size_t n)
{
	if (!pix || !g || !n)
		return;
	int any = 0;
	for (size_t i = 0; i < n; i++)
		any += g[i].long_word;
	if (!any)
		return;
	clip_boxes(g, n);
	PIX *grey = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixClone(pix) : pixConvertTo8(pix, 0);
	if (!grey)
		return;
	unsigned char (*cell)[GH][GW] = sh_calloc(n, sizeof *cell);
	int *height = sh_calloc(n, sizeof *height);
	if (cell && height)
		for (size_t i = 0; i < n; i++)
			if (!glyph_grid(grey, &g[i], cell[i], &height[i]))
				height[i] = 0;
	/* the distances between the digits read surely, once */
	int *dd = cell && height ? sh_calloc(n * n, sizeof *dd) : NULL;
	for (size_t i = 0; dd && i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (height[i] && height[j] && g[i].conf >= SH_OCR_GLYPH_SURE &&
			    g[j].conf >= SH_OCR_GLYPH_SURE && g[i].digit == g[j].digit)
				dd[i * n + j] = dd[j * n + i] = grid_distance(cell[i], cell[j]);
	for (size_t i = 0; dd && i < n; i++) {
		if (!g[i].long_word || !height[i])
			continue;
		for (size_t j = 0; j < n; j++) {
			if (j == i || !height[j] || g[j].conf < SH_OCR_GLYPH_SURE ||
			    abs(height[j] - height[i]) * 8 > height[i])
				continue;
			int k = g[j].digit - '0', d = grid_distance(cell[i], cell[j]);
			if (g[i].near[k] >= 0 && d >= g[i].near[k])
				continue;
			g[i].near[k] = d;
			/* the nearest sure k's own nearest other sure k of this height (i aside) */
			int nn = -1;
			for (size_t l = 0; l < n; l++)
				if (l != j && l != i && height[l] && g[l].digit == g[j].digit &&
				    g[l].conf >= SH_OCR_GLYPH_SURE && abs(height[l] - height[i]) * 8 <= height[i] &&
				    (nn < 0 || dd[j * n + l] < nn))
					nn = dd[j * n + l];
			g[i].spread[k] = nn;
		}
	}
	sh_free(dd);
	sh_free(cell);
	sh_free(height);
	pixDestroy(&grey);
}
