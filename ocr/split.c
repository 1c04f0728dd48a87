/*
 * Two pages on one scan (issue 18, "two-up scans"): the photocopy of an ID
 * card's front and back on one A4 sheet, two A5 pages scanned side by side
 * on one A4 landscape image, two small papers on one scanner glass.
 *
 * Everything is decided on a 100 dpi grey copy (~830 x 1170 px for A4), so
 * it costs a few ms. Only a whole scanned page is looked at: an image with
 * an A4 or letter page's proportions (a scanner's glass) whose resolution
 * is its tag (100-1200 dpi) or, without a tag, its size. Photos are left
 * to the photo step. Two rules, tried in turn:
 *
 * 1. Cards: what is darker than the paper (a card's tinted background, its
 *    outline, its print) joined over 3.5 mm and its holes filled; exactly
 *    two pieces the size of an ID card (ISO 7810 ID-1, 85.6 x 53.98 mm,
 *    +-15 %, turned a few degrees), each filling 70 % of its box, alike in
 *    size, and next to no ink elsewhere on the sheet (a page of text whose
 *    paragraphs join into card-sized blocks has plenty).
 * 2. Halves: a band with no ink at all across the whole sheet (5 % margins
 *    left out: scanner edges), at least 8 mm wide, across the long side's
 *    middle (reaching within 8 % of the middle), with a page-like block of
 *    text on each side: 5 lines or more, line pitches within 1.8x of each
 *    other side by side (1.35x one above the other), the text spanning
 *    about half its half both ways. A form's
 *    two-column header never makes such a band (the body runs across), nor
 *    does a table (its rules), nor a letter's blank space above its
 *    signature (the block below is short and of another pitch).
 *
 * Under any doubt: no split.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sh_ocr.h"

#define WORK_DPI 100.0
#define A4_RATIO 1.41421356
#define CARD_LONG_MM 85.6
#define CARD_SHORT_MM 53.98

/* The resolution of a whole scanned page, 0 when pixs is not one. */
static double page_dpi(PIX *pixs)
{
	int w = pixGetWidth(pixs), h = pixGetHeight(pixs), tag = pixGetXRes(pixs);
	double s = w < h ? w : h, l = w < h ? h : w, r = l / s, size;
	if (fabs(r - A4_RATIO) < 0.06)
		size = s / (210.0 / 25.4);
	else if (fabs(r - 11.0 / 8.5) < 0.02) /* not 4:3, a phone's frame */
		size = s / 8.5;
	else
		return 0; /* not a scanner's glass: a photo, a strip, a card alone */
	if (tag >= 100 && tag <= 1200)
		return fabs(size - tag) <= 0.15 * tag ? tag : 0; /* the tag and the size disagree */
	return size >= 100 && size <= 1200 ? size : 0;
}

/* An 8-bit grey copy at WORK_DPI; colour by the darkest channel (a card's
 * tint stays visible), bilevel as 0/255. */
static PIX *work_grey(PIX *pixs, double dpi)
{
	PIX *src = pixGetColormap(pixs) ? pixRemoveColormap(pixs, REMOVE_CMAP_BASED_ON_SRC)
					: pixClone(pixs);
	PIX *g = NULL, *s = NULL;
	if (!src)
		return NULL;
	switch (pixGetDepth(src)) {
	case 32:
		g = pixConvertRGBToGrayMinMax(src, L_CHOOSE_MIN);
		break;
	case 8:
		g = pixClone(src);
		break;
	case 1:
		g = pixConvert1To8(NULL, src, 255, 0);
		break;
	default:
		g = pixConvertTo8(src, 0);
	}
	pixDestroy(&src);
	if (!g)
		return NULL;
	float f = (float)(WORK_DPI / dpi);
	s = f < 0.98f ? pixScaleAreaMap(g, f, f) : pixClone(g);
	pixDestroy(&g);
	return s;
}

/* A mask (1 bpp) of the pixels of g darker than thr, specks under 2 px
 * both ways dropped. */
static PIX *mask_below(PIX *g, int thr)
{
	PIX *m = pixThresholdToBinary(g, thr);
	PIX *c = m ? pixSelectBySize(m, 2, 2, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, NULL) : NULL;
	pixDestroy(&m);
	return c;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* ---- rule 1: two ID cards ----
 * 1 when found (out filled, boxes in pixs's pixels: scale per work pixel);
 * 0 otherwise, out of memory included (no split: under doubt, none). */

static int find_cards(PIX *g, int paper, double scale, sh_ocr_split *out)
{
	const double mm = WORK_DPI / 25.4;
	PIX *tint = mask_below(g, paper - 28), *closed = NULL, *filled = NULL, *ink = NULL;
	BOXA *ba = NULL;
	PIXA *pa = NULL;
	int found = 0, W = pixGetWidth(g), H = pixGetHeight(g);
	int cx[2], cy[2], cw[2], ch[2], nc = 0;
	if (!tint)
		goto out;
	closed = pixCloseBrick(NULL, tint, (int)(3.5 * mm), (int)(3.5 * mm));
	/* pixHolesByFilling gives the holes alone */
	filled = closed ? pixHolesByFilling(closed, 4) : NULL;
	if (filled)
		pixOr(filled, filled, closed);
	ba = filled ? pixConnComp(filled, &pa, 8) : NULL;
	for (int i = 0; ba && i < boxaGetCount(ba); i++) {
		l_int32 x, y, w, h, cnt = 0;
		boxaGetBoxGeometry(ba, i, &x, &y, &w, &h);
		double lo = (w > h ? w : h) / mm, sh = (w > h ? h : w) / mm;
		if (lo < 0.4 * CARD_LONG_MM)
			continue; /* text, specks */
		PIX *p = pixaGetPix(pa, i, L_CLONE);
		pixCountPixels(p, &cnt, NULL);
		pixDestroy(&p);
		/* turned up to ~8 degrees its box grows by ~15 % */
		int card = lo >= 0.9 * CARD_LONG_MM && lo <= 1.17 * CARD_LONG_MM &&
			   sh >= 0.9 * CARD_SHORT_MM && sh <= 1.25 * CARD_SHORT_MM &&
			   cnt >= 0.7 * w * h;
		if (!card || nc == 2) {
			nc = 3; /* a large piece that is no card, or a third card: doubt */
			break;
		}
		cx[nc] = x, cy[nc] = y, cw[nc] = w, ch[nc] = h;
		nc++;
	}
	if (nc != 2)
		goto out;
	double a0 = (double)cw[0] * ch[0], a1 = (double)cw[1] * ch[1];
	if (a0 > 1.3 * a1 || a1 > 1.3 * a0)
		goto out;
	/* ink outside the two cards (grown by 3 mm): a caption or a stamp of a
	 * few words is fine, a page of text is not */
	ink = mask_below(g, paper - 60);
	if (!ink)
		goto out;
	int m = (int)(3 * mm);
	for (int k = 0; k < 2; k++) {
		BOX *b = boxCreate(cx[k] - m, cy[k] - m, cw[k] + 2 * m, ch[k] + 2 * m);
		if (b)
			pixClearInRect(ink, b);
		boxDestroy(&b);
	}
	l_int32 outside = 0;
	pixCountPixels(ink, &outside, NULL);
	if (outside > 0.003 * W * H)
		goto out;
	/* reading order: side by side when they share most of their rows */
	int top = cy[0] > cy[1] ? cy[0] : cy[1];
	int bot = cy[0] + ch[0] < cy[1] + ch[1] ? cy[0] + ch[0] : cy[1] + ch[1];
	int side = bot - top > (ch[0] < ch[1] ? ch[0] : ch[1]) / 2;
	int first = side ? (cx[0] <= cx[1] ? 0 : 1) : (cy[0] <= cy[1] ? 0 : 1);
	out->kind = SH_SPLIT_CARD;
	out->n = 2;
	for (int k = 0; k < 2; k++) {
		int j = k ? 1 - first : first;
		double x0 = (cx[j] - m) * scale, y0 = (cy[j] - m) * scale;
		double x1 = (cx[j] + cw[j] + m) * scale, y1 = (cy[j] + ch[j] + m) * scale;
		out->box[k][0] = (int)fmax(0, x0);
		out->box[k][1] = (int)fmax(0, y0);
		out->box[k][2] = (int)fmin(x1, W * scale) - out->box[k][0];
		out->box[k][3] = (int)fmin(y1, H * scale) - out->box[k][1];
	}
	found = 1;
out:
	pixDestroy(&tint);
	pixDestroy(&closed);
	pixDestroy(&filled);
	pixDestroy(&ink);
	boxaDestroy(&ba);
	pixaDestroy(&pa);
	return found;
}

/* ---- rule 2: two halves with a blank band between ---- */

typedef struct side_text {
	int lines;      /* text lines */
	double pitch;   /* median distance between line centres, px */
	int x0, x1, y0, y1; /* the ink's extent */
} side_text;

/* The text lines of rows [r0, r1) in columns [c0, c1) of m (lines along
 * x): the row runs with ink, a row gap of one pixel bridged. */
static int strip_lines(PIX *m, int c0, int c1, int r0, int r1, int *centre, side_text *t)
{
	const double mm = WORK_DPI / 25.4;
	l_uint32 *data = pixGetData(m);
	int wpl = pixGetWpl(m), n = 0, start = -1, gap = 0;
	for (int y = r0; y <= r1; y++) {
		int cnt = 0;
		if (y < r1) {
			l_uint32 *line = data + (size_t)y * wpl;
			for (int x = c0; x < c1; x++)
				if (GET_DATA_BIT(line, x)) {
					cnt++;
					if (x < t->x0)
						t->x0 = x;
					if (x > t->x1)
						t->x1 = x;
				}
		}
		if (cnt >= 2) {
			if (start < 0)
				start = y;
			gap = 0;
			if (y < t->y0)
				t->y0 = y;
			if (y > t->y1)
				t->y1 = y;
			continue;
		}
		if (start >= 0 && (++gap > 1 || y == r1)) {
			int end = y - gap + 1, h = end - start;
			if (h >= 1.0 * mm && h <= 8 * mm)
				centre[n++] = (start + end) / 2;
			start = -1;
			gap = 0;
		}
	}
	return n;
}

/* The text of columns [c0, c1): lines and their pitch read in three
 * narrow strips (a page turned a little merges lines across its width). */
static int side_lines(PIX *m, int c0, int c1, int r0, int r1, side_text *t)
{
	int *centre = malloc(sizeof(int) * (size_t)(r1 - r0 + 1));
	int *pitch = malloc(sizeof(int) * (size_t)(3 * (r1 - r0 + 1)));
	int np = 0;
	memset(t, 0, sizeof *t);
	if (!centre || !pitch) {
		free(centre);
		free(pitch);
		return SH_ENOMEM;
	}
	t->x0 = c1, t->y0 = r1;
	int sw = (c1 - c0) / 5;
	for (int k = 0; k < 3 && sw > 0; k++) {
		int s0 = c0 + (c1 - c0) * (2 + 3 * k) / 10 - sw / 2;
		int n = strip_lines(m, s0, s0 + sw < c1 ? s0 + sw : c1, r0, r1, centre, t);
		if (n > t->lines)
			t->lines = n;
		for (int i = 0; i + 1 < n; i++)
			pitch[np++] = centre[i + 1] - centre[i];
	}
	/* the ink's extent over the whole side */
	side_text all = {0};
	all.x0 = c1, all.y0 = r1;
	strip_lines(m, c0, c1, r0, r1, centre, &all);
	t->x0 = all.x0, t->x1 = all.x1, t->y0 = all.y0, t->y1 = all.y1;
	if (np) {
		qsort(pitch, (size_t)np, sizeof *pitch, cmp_int);
		t->pitch = pitch[np / 2];
	}
	free(centre);
	free(pitch);
	return SH_OK;
}

/* The longest band of blank columns of m (lines along x) crossing the
 * middle third; 0 when none. */
static int blank_band(PIX *m, int rules, int *bs, int *be)
{
	int W = pixGetWidth(m), H = pixGetHeight(m), r0 = H / 20, r1 = H - H / 20;
	int c0 = W / 20, c1 = W - W / 20, best = 0;
	l_uint32 *data = pixGetData(m);
	int wpl = pixGetWpl(m);
	int *col = calloc((size_t)W, sizeof *col);
	if (!col)
		return SH_ENOMEM;
	for (int y = r0; y < r1; y++) {
		l_uint32 *line = data + (size_t)y * wpl;
		for (int x = c0; x < c1; x++)
			col[x] += GET_DATA_BIT(line, x);
	}
	/* rules: a rule down the middle third (over half the height) is a
	 * table's or a form's: one page (only looked for between pages side by
	 * side: turned, a portrait sheet's lines of text would look like it) */
	for (int x = W / 3; rules && x <= 2 * W / 3; x++)
		if (col[x] * 2 > r1 - r0) {
			free(col);
			return 0;
		}
	for (int x = W / 3, s = -1; x <= 2 * W / 3 + 1 && x < W; x++) {
		int blank = x <= 2 * W / 3 && col[x] <= 2;
		if (blank && s < 0)
			s = x;
		if (!blank && s >= 0) {
			/* the run reaches past the middle third */
			int a = s, b = x;
			while (a > c0 && col[a - 1] <= 2)
				a--;
			while (b < c1 && col[b] <= 2)
				b++;
			if (b - a > best)
				best = b - a, *bs = a, *be = b;
			s = -1;
		}
	}
	free(col);
	return best;
}

/* ink: the sheet's ink; the halves are left and right (across) or top and
 * bottom. 1 and *cut (in ink's pixels) when it holds two pages. */
static int halves_of(PIX *ink, int across, int *cut)
{
	const double mm = WORK_DPI / 25.4;
	int W = pixGetWidth(ink), H = pixGetHeight(ink), bs = 0, be = 0;
	/* the band is looked for as columns: a portrait sheet is turned
	 * counter-clockwise, so its rows become columns, top first */
	PIX *t = across ? pixClone(ink) : pixRotate90(ink, -1);
	int best = t ? blank_band(t, across, &bs, &be) : SH_ENOMEM;
	int L = t ? pixGetWidth(t) : 0, mid = (bs + be) / 2;
	pixDestroy(&t);
	if (best < 0)
		return best;
	/* the band reaches the sheet's middle (within 8 %): two small papers
	 * on the glass leave a wide band, not centred */
	if (best < 8 * mm || bs > L / 2 + 0.08 * L || be < L / 2 - 0.08 * L)
		return 0;
	/* the text of each half, its lines along x in the sheet */
	side_text a, b;
	int mx = W / 20, my = H / 20, rc;
	if (across) {
		rc = side_lines(ink, mx, bs, my, H - my, &a);
		if (!rc)
			rc = side_lines(ink, be, W - mx, my, H - my, &b);
	} else {
		rc = side_lines(ink, mx, W - mx, my, bs, &a);
		if (!rc)
			rc = side_lines(ink, mx, W - mx, be, H - my, &b);
	}
	if (rc)
		return rc;
	/* side by side, two papers of their own may differ (a birth
	 * certificate's wide lines beside a decision's): 1.8x; one above the
	 * other, where a letter's signature block lies below its body: 1.35x */
	double pr = across ? 1.8 : 1.35;
	if (a.lines < 5 || b.lines < 5 || a.pitch <= 0 || b.pitch <= 0 ||
	    a.pitch > pr * b.pitch || b.pitch > pr * a.pitch)
		return 0;
	/* each half's text a page's: 45 % of its half along the cut's
	 * direction, 40 % (side by side) or half (one above the other) of the
	 * sheet the other way */
	double half = L / 2.0, other = across ? H : W;
	int al = across ? a.x1 - a.x0 : a.y1 - a.y0, bl = across ? b.x1 - b.x0 : b.y1 - b.y0;
	int ao = across ? a.y1 - a.y0 : a.x1 - a.x0, bo = across ? b.y1 - b.y0 : b.x1 - b.x0;
	double of = across ? 0.4 : 0.5; /* a last A5 page may be short */
	if (al < 0.45 * half || bl < 0.45 * half || ao < of * other || bo < of * other)
		return 0;
	*cut = mid;
	return 1;
}

static int find_halves(PIX *g, int paper, double scale, sh_ocr_split *out)
{
	int W = pixGetWidth(g), H = pixGetHeight(g), cut = 0;
	PIX *ink = mask_below(g, paper - 60);
	if (!ink)
		return SH_ENOMEM;
	int found = halves_of(ink, W >= H, &cut);
	pixDestroy(&ink);
	if (found != 1)
		return found;
	int Wf = pixGetWidth(g) * scale + 0.5, Hf = pixGetHeight(g) * scale + 0.5;
	int c = (int)lround(cut * scale);
	out->kind = SH_SPLIT_PAGES;
	out->n = 2;
	if (W >= H) {
		int b[2][4] = {{0, 0, c, Hf}, {c, 0, Wf - c, Hf}};
		memcpy(out->box, b, sizeof b);
	} else {
		int b[2][4] = {{0, 0, Wf, c}, {0, c, Wf, Hf - c}};
		memcpy(out->box, b, sizeof b);
	}
	return 1;
}

int sh_ocr_split_find(PIX *pixs, sh_ocr_split *out)
{
	if (!out)
		return sh_error_set(SH_EINVAL, "no split to fill");
	memset(out, 0, sizeof *out);
	if (!pixs)
		return sh_error_set(SH_EINVAL, "no image to split");
	double dpi = page_dpi(pixs);
	if (dpi <= 0 || pixGetWidth(pixs) < 200 || pixGetHeight(pixs) < 200)
		return SH_OK;
	PIX *g = work_grey(pixs, dpi);
	if (!g)
		return sh_error_set(SH_ENOMEM, "out of memory looking for two pages on a scan");
	/* full-resolution pixels per work pixel (exact, from the two widths) */
	double scale = (double)pixGetWidth(pixs) / pixGetWidth(g);
	l_uint32 paper = 255;
	int rc = SH_OK;
	if (pixGetRankValue(g, 2, 0.85f, &paper) || paper < 120) {
		pixDestroy(&g);
		return SH_OK; /* a dark sheet: nothing to judge against */
	}
	int found = find_cards(g, (int)paper, scale, out);
	if (!found) {
		found = find_halves(g, (int)paper, scale, out);
		if (found < 0)
			rc = sh_error_set(found, "out of memory looking for two pages on a scan");
	}
	if (found != 1)
		memset(out, 0, sizeof *out);
	/* boxes inside the image (the work copy's size is rounded); halves
	 * reach the sheet's edges; a piece too small to be read is a doubt */
	int Wo = pixGetWidth(pixs), Ho = pixGetHeight(pixs);
	for (int k = 0; k < out->n; k++) {
		int *b = out->box[k];
		if (out->kind == SH_SPLIT_PAGES && out->box[1][0] > 0) { /* side by side */
			b[1] = 0, b[3] = Ho;
			if (k == 1)
				b[2] = Wo - b[0];
		} else if (out->kind == SH_SPLIT_PAGES) {
			b[0] = 0, b[2] = Wo;
			if (k == 1)
				b[3] = Ho - b[1];
		}
		if (b[0] + b[2] > Wo)
			b[2] = Wo - b[0];
		if (b[1] + b[3] > Ho)
			b[3] = Ho - b[1];
	}
	for (int k = 0; k < out->n; k++)
		if (out->box[k][2] < 100 || out->box[k][3] < 100)
			memset(out, 0, sizeof *out);
	pixDestroy(&g);
	return rc;
}

int sh_ocr_split_piece(PIX **out, PIX *pixs, const sh_ocr_split *s, int i)
{
	if (!out || !pixs || !s || i < 0 || i >= s->n)
		return sh_error_set(SH_EINVAL, "no such piece of a split scan");
	*out = NULL;
	BOX *b = boxCreate(s->box[i][0], s->box[i][1], s->box[i][2], s->box[i][3]);
	PIX *p = b ? pixClipRectangle(pixs, b, NULL) : NULL;
	boxDestroy(&b);
	if (!p)
		return sh_error_set(SH_ENOMEM, "cannot cut a piece of a split scan");
	pixCopyResolution(p, pixs);
	*out = p;
	return SH_OK;
}
