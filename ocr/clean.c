/*
 * Page clean-up before recognition (Leptonica), one page on one worker.
 *
 * The page becomes an 8-bit grey image at about 300 dpi on a flat white
 * background, upright and straight, with scanner borders, binding shadows
 * and coloured stamps gone; Tesseract then binarises and recognises it.
 * Order matters:
 *   1. grey: colour pages take the brightest channel, so red seals and
 *      yellowed paper turn light while black text stays black; bilevel
 *      pages are widened to grey;
 *   2. resolution: pages below 250 dpi are scaled up to 300 dpi (bilevel
 *      pages blurred first, so their edges come out smooth);
 *   3. background: lighting, paper tint and shadows flattened to white;
 *   4. a 150 dpi binary copy ("probe") drives the decisions below, so they
 *      cost little next to recognition (~1.4 s a page);
 *   5. borders: large dark regions touching the image edge are whitened;
 *   6. blank: too few text-sized marks left flags the page (it is kept);
 *   7. orientation: Leptonica's up/down and landscape scores when they are
 *      clear, else Tesseract's osd engine on the probe when confident,
 *      else Leptonica's best guess unless it is a near tie;
 *   8. skew: measured on the probe, corrected on the grey page.
 * Each threshold below was measured on the corpus; see docs/OCR.md.
 */
#include "ocr_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
	TARGET_DPI = 300,
	UPSCALE_BELOW_DPI = 250, /* pages under this are scaled to TARGET_DPI */
	LOWRES_DPI = 200,        /* pages under this are flagged low resolution */
	PROBE_DPI = 150,
	SEAL_RED_MARGIN = 60,    /* red minus the larger of green and blue */
	SEAL_MIN_PER_MILLE = 2,  /* red ink on 0.2 % of the page makes a seal */
	BLANK_MAX_MARKS = 5,     /* text-sized marks on a page called blank */
	BORDER_MIN_PER_MILLE = 5 /* whitened area that flags a border */
};

#define LEPT_SURE_SCORE 10.0f   /* Leptonica orientation taken without osd */
#define LEPT_SURE_RATIO 2.0f
#define OSD_MIN_CONF 2.0f       /* osd orientation confidence taken as is */
#define OSD_SURE_CONF 4.0f      /* osd overrules a fair Leptonica score */
#define LEPT_MIN_SCORE 5.0f     /* Leptonica orientation when osd cannot tell */
#define LEPT_MIN_RATIO 1.3f
#define SKEW_MIN_DEG 0.1f       /* smaller skew is left to Tesseract */
#define SKEW_MIN_CONF 3.0f

static int nomem(const char *what)
{
	return sh_error_set(SH_ENOMEM, "page clean-up: out of memory (%s)", what);
}

/* ---- Photos of a page on a desk (SH_CLEAN_PHOTO) ----
 *
 * A phone photo holds the page in perspective on a desk, under uneven
 * light, with a resolution tag that lies (72 dpi or none). The page is the
 * largest bright, neutral region: it is found on a ~1000 px copy (min
 * channel, so a brown or grey desk is dark and white paper bright,
 * thresholded by Otsu, text closed over, holes filled), its four sides are
 * fitted as lines through the region's edge (trimmed least squares) and
 * intersected, and the quadrilateral is mapped back to a rectangle by a
 * projective transform with bilinear sampling on the full image. A page
 * whose long/short ratio is A4's (or an ID card's) gets that exact aspect
 * and its true resolution from its size. The rectified page is cropped a
 * little inside its edges so the desk's edge never reaches recognition. */

enum {
	PHOTO_WORK_SIDE = 1000,     /* long side of the copy the page is found on */
	PHOTO_MIN_CONTRAST = 40     /* page minus desk, grey levels */
};
#define PHOTO_MIN_AREA 0.10     /* share of the photo the page covers */
#define PHOTO_MAX_AREA 0.93     /* above: a scan, the page is the image */
#define PHOTO_FILL_TOL 0.07     /* |region / quadrilateral - 1| */
#define PHOTO_INSET 0.008       /* cropped inside each edge, share of the short side */
#define A4_RATIO 1.41421356
#define A4_TOL 0.11
#define CARD_RATIO 1.58575      /* ID-1: 85.60 x 53.98 mm */
#define CARD_TOL 0.05

typedef struct line_fit {
	double a, b; /* v = a * u + b */
} line_fit;

/* Trimmed least squares v = a u + b over n points; twice, dropping points
 * more than 2 px (work scale) off the first fit (corners, dog-ears, hands). */
static int fit_line(const float *u, const float *v, int n, line_fit *out)
{
	double a = 0, b = 0;
	for (int pass = 0; pass < 3; pass++) {
		double su = 0, sv = 0, suu = 0, suv = 0;
		int k = 0;
		for (int i = 0; i < n; i++) {
			if (pass > 0 && fabs(v[i] - (a * u[i] + b)) > (pass == 1 ? 4.0 : 1.5))
				continue;
			su += u[i];
			sv += v[i];
			suu += (double)u[i] * u[i];
			suv += (double)u[i] * v[i];
			k++;
		}
		double den = k * suu - su * su;
		if (k < 10 || fabs(den) < 1e-9)
			return pass > 0;
		a = (k * suv - su * sv) / den;
		b = (sv - a * su) / k;
		out->a = a;
		out->b = b;
	}
	return 1;
}

/* Intersection of a "horizontal" line y = h.a x + h.b and a "vertical"
 * line x = v.a y + v.b. */
static void cross(line_fit h, line_fit v, float *x, float *y)
{
	double d = 1.0 - h.a * v.a;
	if (fabs(d) < 1e-9)
		d = 1e-9;
	double xx = (v.a * h.b + v.b) / d;
	*x = (float)xx;
	*y = (float)(h.a * xx + h.b);
}

static double dist2(const float *c, int i, int j)
{
	return hypot(c[2 * i] - c[2 * j], c[2 * i + 1] - c[2 * j + 1]);
}

/* The page region on the work copy: 1 bit, holes filled, largest bright
 * component. NULL with *why set when there is none worth taking. */
static PIX *page_region(PIX *small, const char **why)
{
	PIX *bin = NULL, *open = NULL, *one = NULL, *holes = NULL;
	PIXA *pixa = NULL;
	BOXA *boxa = NULL;
	l_int32 thresh = 0, fg = 0, bg = 0;
	*why = "no page found";
	if (pixSplitDistributionFgBg(small, 0.1f, 1, &thresh, &fg, &bg, NULL))
		return NULL;
	if (bg - fg < PHOTO_MIN_CONTRAST) {
		*why = "page and desk too alike";
		return NULL;
	}
	bin = pixThresholdToBinary(small, thresh); /* dark = 1 */
	if (!bin)
		return NULL;
	pixInvert(bin, bin); /* bright = 1 */
	/* cut thin bright bridges to the desk, then close over the text */
	open = pixOpenBrick(NULL, bin, 5, 5);
	if (!open)
		goto out;
	pixCloseSafeBrick(open, open, 9, 9);
	boxa = pixConnComp(open, &pixa, 8);
	int n = boxa ? boxaGetCount(boxa) : 0, best = -1;
	long bestarea = 0;
	for (int i = 0; i < n; i++) {
		l_int32 bx, by, bw, bh;
		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		if ((long)bw * bh > bestarea) {
			bestarea = (long)bw * bh;
			best = i;
		}
	}
	if (best < 0)
		goto out;
	l_int32 bx, by, bw, bh;
	boxaGetBoxGeometry(boxa, best, &bx, &by, &bw, &bh);
	int W = pixGetWidth(small), H = pixGetHeight(small);
	if (bx <= 0 || by <= 0 || bx + bw >= W || by + bh >= H) {
		*why = "page touches the image edge";
		goto out;
	}
	PIX *c = pixaGetPix(pixa, best, L_CLONE);
	one = c ? pixCreate(W, H, 1) : NULL;
	if (one)
		pixRasterop(one, bx, by, bw, bh, PIX_SRC | PIX_DST, c, 0, 0);
	pixDestroy(&c);
	if (!one)
		goto out;
	holes = pixHolesByFilling(one, 4);
	if (holes)
		pixOr(one, one, holes);
	*why = NULL;
out:
	pixDestroy(&bin);
	pixDestroy(&open);
	pixDestroy(&holes);
	pixaDestroy(&pixa);
	boxaDestroy(&boxa);
	return one;
}

/* Corners TL, TR, BR, BL of the region (work scale): rough ones from the
 * extremes of x+y and x-y, then each side fitted as a line through the
 * region's outermost pixels between its rough corners (the middle 80 %). */
static int region_corners(PIX *one, float c[8])
{
	int W = pixGetWidth(one), H = pixGetHeight(one), wpl = pixGetWpl(one);
	l_uint32 *data = pixGetData(one);
	int ext[4][2] = {{0}};
	long best[4] = {LONG_MAX, LONG_MIN, LONG_MIN, LONG_MAX}; /* x+y min, x-y max, x+y max, x-y min */
	int any = 0;
	for (int y = 0; y < H; y++) {
		l_uint32 *line = data + (size_t)y * wpl;
		for (int x = 0; x < W; x++) {
			if (!GET_DATA_BIT(line, x))
				continue;
			any = 1;
			long s = x + y, d = x - y;
			if (s < best[0]) { best[0] = s; ext[0][0] = x; ext[0][1] = y; }
			if (d > best[1]) { best[1] = d; ext[1][0] = x; ext[1][1] = y; }
			if (s > best[2]) { best[2] = s; ext[2][0] = x; ext[2][1] = y; }
			if (d < best[3]) { best[3] = d; ext[3][0] = x; ext[3][1] = y; }
		}
	}
	if (!any)
		return 0;
	int cap = W > H ? W : H;
	float *u = malloc(sizeof(float) * (size_t)cap), *v = malloc(sizeof(float) * (size_t)cap);
	if (!u || !v) {
		free(u);
		free(v);
		return -1;
	}
	line_fit side[4]; /* top, right, bottom, left */
	int ok = 1;
	for (int s = 0; s < 4 && ok; s++) {
		int a = s, b = (s + 1) % 4; /* from corner a to corner b */
		int horiz = s == 0 || s == 2;
		int lo = horiz ? ext[a][0] : ext[a][1], hi = horiz ? ext[b][0] : ext[b][1];
		if (lo > hi) {
			int t = lo;
			lo = hi;
			hi = t;
		}
		int span = hi - lo, n = 0;
		for (int t = lo + span / 10; t <= hi - span / 10; t++) {
			int found = -1;
			if (horiz) { /* column t: first set pixel from the top or the bottom */
				if (s == 0) {
					for (int y = 0; y < H && found < 0; y++)
						if (GET_DATA_BIT(data + (size_t)y * wpl, t))
							found = y;
				} else {
					for (int y = H - 1; y >= 0 && found < 0; y--)
						if (GET_DATA_BIT(data + (size_t)y * wpl, t))
							found = y;
				}
			} else {
				l_uint32 *line = data + (size_t)t * wpl;
				if (s == 3) {
					for (int x = 0; x < W && found < 0; x++)
						if (GET_DATA_BIT(line, x))
							found = x;
				} else {
					for (int x = W - 1; x >= 0 && found < 0; x--)
						if (GET_DATA_BIT(line, x))
							found = x;
				}
			}
			if (found < 0)
				continue;
			/* the edge lies half a pixel outside the outermost pixel */
			u[n] = (float)t;
			v[n] = (float)found + ((s == 0 || s == 3) ? -0.5f : 0.5f);
			n++;
		}
		ok = fit_line(u, v, n, &side[s]);
	}
	free(u);
	free(v);
	if (!ok)
		return 0;
	cross(side[0], side[3], &c[0], &c[1]); /* TL: top x left */
	cross(side[0], side[1], &c[2], &c[3]); /* TR */
	cross(side[2], side[1], &c[4], &c[5]); /* BR */
	cross(side[2], side[3], &c[6], &c[7]); /* BL */
	return 1;
}

static double quad_area(const float *c)
{
	double s = 0;
	for (int i = 0; i < 4; i++) {
		int j = (i + 1) % 4;
		s += (double)c[2 * i] * c[2 * j + 1] - (double)c[2 * j] * c[2 * i + 1];
	}
	return fabs(s) / 2;
}

/* Dest -> source projective warp of pixs (8 or 32 bpp) into a w x h page,
 * dest point (x, y) taken at (x + ox, y + oy) of the rectangle the corners
 * map to. */
static PIX *warp_page(PIX *pixs, const float *c, int rw, int rh, int ox, int oy, int w, int h)
{
	PTA *ptas = ptaCreate(4), *ptad = ptaCreate(4);
	l_float32 *vc = NULL;
	PIX *pixd = NULL;
	if (!ptas || !ptad)
		goto out;
	for (int i = 0; i < 4; i++)
		ptaAddPt(ptas, c[2 * i], c[2 * i + 1]);
	ptaAddPt(ptad, 0, 0);
	ptaAddPt(ptad, (float)rw, 0);
	ptaAddPt(ptad, (float)rw, (float)rh);
	ptaAddPt(ptad, 0, (float)rh);
	if (getProjectiveXformCoeffs(ptad, ptas, &vc))
		goto out;
	int d = pixGetDepth(pixs);
	pixd = pixCreate(w, h, d);
	if (!pixd)
		goto out;
	int sw = pixGetWidth(pixs), sh = pixGetHeight(pixs), swpl = pixGetWpl(pixs);
	int dwpl = pixGetWpl(pixd);
	l_uint32 *sdata = pixGetData(pixs), *ddata = pixGetData(pixd);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = ddata + (size_t)y * dwpl;
		double Y = y + oy + 0.5;
		for (int x = 0; x < w; x++) {
			double X = x + ox + 0.5;
			double den = vc[6] * X + vc[7] * Y + 1.0;
			float xs = (float)((vc[0] * X + vc[1] * Y + vc[2]) / den) - 0.5f;
			float ys = (float)((vc[3] * X + vc[4] * Y + vc[5]) / den) - 0.5f;
			if (d == 32) {
				l_uint32 val = 0xffffff00;
				linearInterpolatePixelColor(sdata, swpl, sw, sh, xs, ys, 0xffffff00, &val);
				line[x] = val;
			} else {
				l_int32 val = 255;
				linearInterpolatePixelGray(sdata, swpl, sw, sh, xs, ys, 255, &val);
				SET_DATA_BYTE(line, x, val);
			}
		}
	}
out:
	ptaDestroy(&ptas);
	ptaDestroy(&ptad);
	LEPT_FREE(vc);
	return pixd;
}

/* The work copy of src (8 or 32 bpp, W x H): every step-th pixel's 2x2 mean
 * of the min channel, 8 bpp; NULL when out of memory. */
static PIX *photo_work_copy(PIX *src, int step)
{
	int W = pixGetWidth(src), H = pixGetHeight(src), d = pixGetDepth(src);
	int sw = W / step, sh = H / step, swpl = pixGetWpl(src);
	PIX *grey = pixCreate(sw, sh, 8);
	if (!grey)
		return NULL;
	l_uint32 *sdata = pixGetData(src), *gdata = pixGetData(grey);
	int gwpl = pixGetWpl(grey);
	for (int y = 0; y < sh; y++) {
		int y0 = y * step, y1 = y0 + 1 < H ? y0 + 1 : y0;
		l_uint32 *l0 = sdata + (size_t)y0 * swpl, *l1 = sdata + (size_t)y1 * swpl;
		for (int x = 0; x < sw; x++) {
			int x0 = x * step, x1 = x0 + 1 < W ? x0 + 1 : x0, v = 0;
			if (d == 32) {
				l_uint32 px[4] = {l0[x0], l0[x1], l1[x0], l1[x1]};
				for (int k = 0; k < 4; k++) {
					l_int32 r, g, b;
					extractRGBValues(px[k], &r, &g, &b);
					int m = r < g ? r : g;
					v += m < b ? m : b;
				}
			} else {
				v = GET_DATA_BYTE(l0, x0) + GET_DATA_BYTE(l0, x1) + GET_DATA_BYTE(l1, x0) +
				    GET_DATA_BYTE(l1, x1);
			}
			SET_DATA_BYTE(gdata + (size_t)y * gwpl, x, v / 4);
		}
	}
	return grey;
}

int sh_ocr_photo_rectify(PIX *pixs, PIX **out, float corners[8], int *true_dpi, int *found)
{
	int rc = SH_OK;
	PIX *src = NULL, *grey = NULL, *one = NULL;
	*out = NULL;
	*found = 0;
	*true_dpi = 0;
	memset(corners, 0, 8 * sizeof *corners);
	if (!pixs)
		return sh_error_set(SH_EINVAL, "photo: no image");
	int d = pixGetDepth(pixs);
	if (pixGetColormap(pixs))
		src = pixRemoveColormap(pixs, REMOVE_CMAP_BASED_ON_SRC);
	else if (d == 32 || d == 8)
		src = pixClone(pixs);
	else
		return SH_OK; /* bilevel and odd depths come from scanners */
	if (!src)
		return nomem("photo");
	d = pixGetDepth(src);
	if (d != 32 && d != 8)
		goto out;
	int W = pixGetWidth(src), H = pixGetHeight(src);
	if ((W < H ? W : H) < 400)
		goto out;
	/* the work copy: every step-th pixel's 2x2 mean of the min channel
	 * (a few ms; an area-map reduction of a 12 MP photo costs 50x more) */
	int step = ((W > H ? W : H) + PHOTO_WORK_SIDE - 1) / PHOTO_WORK_SIDE;
	if (step < 1)
		step = 1;
	if (!(grey = photo_work_copy(src, step))) {
		rc = nomem("photo");
		goto out;
	}
	const char *why = NULL;
	one = page_region(grey, &why);
	if (!one)
		goto out;
	l_int32 area = 0;
	pixCountPixels(one, &area, NULL);
	double share = (double)area / ((double)pixGetWidth(one) * pixGetHeight(one));
	if (share < PHOTO_MIN_AREA || share > PHOTO_MAX_AREA)
		goto out;
	float c[8];
	int ok = region_corners(one, c);
	if (ok < 0) {
		rc = nomem("photo");
		goto out;
	}
	if (!ok || fabs((double)area / quad_area(c) - 1.0) > PHOTO_FILL_TOL)
		goto out;
	/* back to full scale, as continuous coordinates (the image's top-left
	 * corner is 0,0): work pixel i's centre is the mean of source pixels
	 * i * step and i * step + 1, centred at i * step + 1 */
	for (int i = 0; i < 8; i++) {
		c[i] = c[i] * (float)step + 1.0f;
		if (c[i] < -2.0f || c[i] > (float)((i % 2 ? H : W) + 2))
			goto out;
	}
	double wt = dist2(c, 0, 1), wb = dist2(c, 3, 2), hl = dist2(c, 0, 3), hr = dist2(c, 1, 2);
	double rw = wt > wb ? wt : wb, rh = hl > hr ? hl : hr;
	double shortside = rw < rh ? rw : rh, longside = rw < rh ? rh : rw;
	double ratio = longside / shortside;
	/* Perspective shortens the sides that lean away; a known paper size
	 * fixes the aspect from the less shortened side (the short one, for a
	 * phone held over the page's foot). */
	double inches = 0;
	if (fabs(ratio - A4_RATIO) < A4_TOL) {
		longside = shortside * A4_RATIO;
		inches = 210.0 / 25.4;
	} else if (fabs(ratio - CARD_RATIO) < CARD_TOL) {
		longside = shortside * CARD_RATIO;
		inches = 53.98 / 25.4;
	}
	if (rw < rh) {
		rw = shortside;
		rh = longside;
	} else {
		rw = longside;
		rh = shortside;
	}
	int iw = (int)lround(rw), ih = (int)lround(rh);
	int inset = (int)lround(PHOTO_INSET * shortside);
	PIX *page = warp_page(src, c, iw, ih, inset, inset, iw - 2 * inset, ih - 2 * inset);
	if (!page) {
		rc = nomem("photo rectification");
		goto out;
	}
	if (inches > 0)
		*true_dpi = (int)lround(shortside / inches);
	if (*true_dpi)
		pixSetResolution(page, *true_dpi, *true_dpi);
	memcpy(corners, c, sizeof c);
	*out = page;
	*found = 1;
out:
	pixDestroy(&src);
	pixDestroy(&grey);
	pixDestroy(&one);
	return rc;
}

/* Red ink split (step 1). A printed red heading is solid text on a line of
 * its own: glyph-sized marks in a row, a line 1.5-12 mm high and at least 2.5
 * times as wide (10 mm or more). A seal is a ring 15-50 mm across, with lettering along it
 * and a star or a line inside. Red marks are found on a ~100 dpi sample
 * (r - max(g, b) > SEAL_RED_MARGIN), joined (2.5 mm along rows, 1.2 mm across, so accents join their letters), and each
 * joined piece classified by its box; text-line pieces inside a seal's box
 * are the seal's own lettering. *keep: boxes (full scale, 1 mm margin) to
 * convert by the darkest channel so red text stays dark; *seal: 1 when
 * anything else red was found (dropped by the brightest channel). */
static int red_split(PIX *pixs, int dpi, BOXA **keep, int *seal)
{
	int rc = SH_OK;
	PIX *m = NULL, *joined = NULL;
	BOXA *boxa = NULL;
	*keep = NULL;
	*seal = 0;
	int r = dpi / 100 > 1 ? dpi / 100 : 1;
	double mm = 25.4 * r / dpi; /* one sample in mm */
	int w = pixGetWidth(pixs) / r, h = pixGetHeight(pixs) / r, wpl = pixGetWpl(pixs);
	l_uint32 *data = pixGetData(pixs);
	m = pixCreate(w, h, 1);
	if (!m)
		return nomem("red ink");
	l_uint32 *mdata = pixGetData(m);
	int mwpl = pixGetWpl(m);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * r * wpl, *mline = mdata + (size_t)y * mwpl;
		for (int x = 0; x < w; x++) {
			l_int32 R, G, B;
			extractRGBValues(line[x * r], &R, &G, &B);
			if (R - (G > B ? G : B) > SEAL_RED_MARGIN)
				SET_DATA_BIT(mline, x);
		}
	}
	int jx = (int)lround(2.5 / mm) | 1, jy = (int)lround(1.2 / mm) | 1;
	joined = pixDilateBrick(NULL, m, jx, jy);
	boxa = joined ? pixConnCompBB(joined, 8) : NULL;
	*keep = boxaCreate(4);
	if (!boxa || !*keep) {
		rc = nomem("red ink");
		goto out;
	}
	int n = boxaGetCount(boxa);
	int *kind = calloc((size_t)n + 1, sizeof *kind); /* 1 text line, 2 seal, 0 speck */
	if (!kind) {
		rc = nomem("red ink");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		l_int32 bx, by, bw, bh;
		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		double wmm = (bw - jx + 1) * mm, hmm = (bh - jy + 1) * mm;
		if (hmm >= 1.5 && hmm <= 12.0 && wmm >= 2.5 * hmm && wmm >= 10.0)
			kind[i] = 1;
		else if (hmm >= 1.0 || wmm >= 1.0)
			kind[i] = 2;
	}
	for (int i = 0; i < n; i++) {
		if (kind[i] == 2)
			*seal = 1;
		if (kind[i] != 1)
			continue;
		l_int32 bx, by, bw, bh, inside = 0;
		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		for (int j = 0; j < n && !inside; j++) {
			l_int32 sx, sy, sw, sh;
			if (kind[j] != 2)
				continue;
			boxaGetBoxGeometry(boxa, j, &sx, &sy, &sw, &sh);
			/* a seal is about round: its box holds the line's middle */
			if (sw * 2 > sh && sh * 2 > sw && sh * mm >= 15.0 && bx + bw / 2 > sx &&
			    bx + bw / 2 < sx + sw && by + bh / 2 > sy && by + bh / 2 < sy + sh)
				inside = 1;
		}
		if (inside)
			continue;
		int margin = (int)lround(1.0 / mm);
		BOX *b = boxCreate((bx - margin) * r, (by - margin) * r, (bw + 2 * margin) * r,
				   (bh + 2 * margin) * r);
		if (!b || boxaAddBox(*keep, b, L_INSERT)) {
			boxDestroy(&b);
			free(kind);
			rc = nomem("red ink");
			goto out;
		}
	}
	free(kind);
out:
	if (rc)
		boxaDestroy(keep);
	pixDestroy(&m);
	pixDestroy(&joined);
	boxaDestroy(&boxa);
	return rc;
}

/* Nearest usual scanner resolution when within 4 %, else dpi itself. */
static int snap_dpi(double dpi)
{
	static const int known[] = {72, 100, 150, 200, 240, 300, 400, 600, 1200};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (fabs(dpi - known[i]) <= 0.04 * known[i])
			return known[i];
	return (int)lround(dpi);
}

/* The page's true resolution. The tag in the file lies often: phones write
 * 72 or nothing, some scanners and fax gateways a fixed value. An image
 * with the proportions of an A4 (or letter) page is a whole page, so its
 * size gives the resolution; the tag is kept when it agrees (within 15 %)
 * or when the image is not a whole page. Without a usable tag or size: the
 * short side taken as A4's width, rounded to a usual resolution. */
static int page_dpi(PIX *pixs)
{
	int tag = pixGetXRes(pixs);
	int w = pixGetWidth(pixs), h = pixGetHeight(pixs);
	double s = w < h ? w : h, l = w < h ? h : w, ratio = l / s, size_dpi = 0;
	if (fabs(ratio - A4_RATIO) < 0.05)
		size_dpi = s / (210.0 / 25.4);
	else if (fabs(ratio - 11.0 / 8.5) < 0.03)
		size_dpi = s / 8.5;
	int tag_ok = tag >= 100 && tag <= 1200;
	if (tag_ok && (size_dpi == 0 || fabs(size_dpi - tag) <= 0.15 * tag))
		return tag;
	if (size_dpi >= 60 && size_dpi <= 1200)
		return snap_dpi(size_dpi);
	if (tag_ok)
		return tag;
	double inches = s / 8.27;
	static const int known[] = {100, 150, 200, 240, 300, 400, 600};
	int best = 300;
	double err = 1e9;
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		double e = fabs(inches - known[i]);
		if (e < err) {
			err = e;
			best = known[i];
		}
	}
	return best;
}

/* Per mille of sampled pixels where red clearly dominates. */
static int red_per_mille(PIX *pixs)
{
	int w = pixGetWidth(pixs), h = pixGetHeight(pixs), wpl = pixGetWpl(pixs);
	l_uint32 *data = pixGetData(pixs);
	long red = 0, total = 0;
	for (int y = 0; y < h; y += 3) {
		l_uint32 *line = data + (size_t)y * wpl;
		for (int x = 0; x < w; x += 3) {
			l_int32 r, g, b;
			extractRGBValues(line[x], &r, &g, &b);
			int m = g > b ? g : b;
			red += r - m > SEAL_RED_MARGIN;
			total++;
		}
	}
	return total ? (int)(red * 1000 / total) : 0;
}

/* Step 1: an 8-bit grey page (dpi: the page's true resolution). */
static int make_grey(PIX *pixs, unsigned steps, int dpi, PIX **out, sh_clean_report *rep)
{
	int rc = SH_OK;
	PIX *pixc = NULL;
	BOXA *keep = NULL;
	int d = pixGetDepth(pixs);
	*out = NULL;
	if (d == 1) {
		rep->flags |= SH_PAGE_BILEVEL;
		*out = pixConvert1To8(NULL, pixs, 255, 0);
		return *out ? SH_OK : nomem("grey");
	}
	if (pixGetColormap(pixs)) {
		pixc = pixRemoveColormap(pixs, REMOVE_CMAP_BASED_ON_SRC);
		if (!pixc)
			return nomem("colormap");
		pixs = pixc;
		d = pixGetDepth(pixs);
	}
	if (d == 32) {
		int seal = 0;
		if ((steps & SH_CLEAN_SEAL) && red_per_mille(pixs) >= 1) {
			rc = red_split(pixs, dpi, &keep, &seal);
			if (rc)
				goto out;
			if (seal && red_per_mille(pixs) >= SEAL_MIN_PER_MILLE)
				rep->flags |= SH_PAGE_SEAL;
		}
		/* The brightest channel: red and other coloured inks and tinted
		 * paper are bright in one channel at least; black text in none. */
		*out = (steps & SH_CLEAN_SEAL) ? pixConvertRGBToGrayMinMax(pixs, L_CHOOSE_MAX)
					       : pixConvertRGBToLuminance(pixs);
		/* ...except red printed text lines, taken by the darkest channel */
		int n = keep && *out ? boxaGetCount(keep) : 0;
		for (int i = 0; i < n; i++) {
			BOX *b = boxaGetBox(keep, i, L_CLONE), *bc = NULL;
			PIX *clip = b ? pixClipRectangle(pixs, b, &bc) : NULL;
			PIX *dark = clip ? pixConvertRGBToGrayMinMax(clip, L_CHOOSE_MIN) : NULL;
			l_int32 bx, by, bw, bh;
			if (dark && !boxGetGeometry(bc, &bx, &by, &bw, &bh))
				pixRasterop(*out, bx, by, bw, bh, PIX_SRC, dark, 0, 0);
			int failed = b && !dark;
			boxDestroy(&b);
			boxDestroy(&bc);
			pixDestroy(&clip);
			pixDestroy(&dark);
			if (failed) {
				rc = nomem("red text");
				goto out;
			}
		}
	} else {
		*out = pixConvertTo8(pixs, 0);
	}
	if (!*out)
		rc = nomem("grey");
out:
	if (rc)
		pixDestroy(out);
	boxaDestroy(&keep);
	pixDestroy(&pixc);
	return rc;
}

/* Step 5: whiten dark regions touching the edge of the page. probe is the
 * binary 150 dpi copy (changed in place), factor its reduction from pixg. */
static int remove_border(PIX *pixg, PIX *probe, int factor, sh_clean_report *rep)
{
	int rc = SH_OK;
	PIX *edge = NULL, *big = NULL, *mask = NULL;
	edge = pixExtractBorderConnComps(probe, 8);
	if (!edge) {
		rc = nomem("border");
		goto out;
	}
	/* Keep only large pieces: a text line never touches the edge, a stray
	 * letter cut at the edge is not worth whitening a page region for. */
	int pw = pixGetWidth(probe), ph = pixGetHeight(probe);
	big = pixSelectBySize(edge, pw / 8, ph / 8, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, NULL);
	if (!big) {
		rc = nomem("border");
		goto out;
	}
	l_int32 count = 0;
	pixCountPixels(big, &count, NULL);
	if ((long)count * 1000 < (long)pw * ph * BORDER_MIN_PER_MILLE)
		goto out;
	rep->flags |= SH_PAGE_BORDER;
	/* Grow the mask so the grey fringe of the border goes too. */
	pixDilateBrick(big, big, 5, 5);
	pixSubtract(probe, probe, big);
	mask = factor > 1 ? pixExpandReplicate(big, factor) : pixClone(big);
	if (!mask) {
		rc = nomem("border");
		goto out;
	}
	/* The probe was rounded down: carry the mask's last row and column
	 * out to the page's edge. */
	int dw = pixGetWidth(pixg) - pixGetWidth(mask), dh = pixGetHeight(pixg) - pixGetHeight(mask);
	if (dw > 0 || dh > 0) {
		PIX *m2 = pixAddContinuedBorder(mask, 0, dw > 0 ? dw : 0, 0, dh > 0 ? dh : 0);
		pixDestroy(&mask);
		mask = m2;
		if (!mask) {
			rc = nomem("border");
			goto out;
		}
	}
	pixSetMasked(pixg, mask, 255);
out:
	pixDestroy(&edge);
	pixDestroy(&big);
	pixDestroy(&mask);
	return rc;
}

/* Step 6: count marks of text size (probe at PROBE_DPI). */
static int is_blank(PIX *probe, int *blank)
{
	BOXA *boxa = pixConnCompBB(probe, 8);
	if (!boxa)
		return nomem("blank test");
	int n = boxaGetCount(boxa), marks = 0;
	for (int i = 0; i < n && marks <= BLANK_MAX_MARKS; i++) {
		l_int32 bx, by, bw, bh;
		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		/* 0.7 to 13 mm high at 150 dpi: dust, hairs and rules do not count */
		if (bh >= 4 && bh <= 80 && bw >= 2 && bw <= 120)
			marks++;
	}
	boxaDestroy(&boxa);
	*blank = marks <= BLANK_MAX_MARKS;
	return SH_OK;
}

/* Mean word confidence of the band read by the recognition engine, -1 when
 * nothing was read; *words: words read. */
static float read_band(TessBaseAPI *api, PIX *band, int dpi, int *words)
{
	float mean = -1.0f;
	*words = 0;
	TessBaseAPISetImage2(api, band);
	TessBaseAPISetSourceResolution(api, dpi);
	if (TessBaseAPIRecognize(api, NULL) == 0) {
		int *conf = TessBaseAPIAllWordConfidences(api);
		if (conf) {
			long sum = 0;
			int k = 0;
			for (; conf[k] >= 0; k++)
				sum += conf[k];
			if (k)
				mean = (float)sum / (float)k;
			*words = k;
			TessDeleteIntArray(conf);
		}
	}
	TessBaseAPIClear(api);
	return mean;
}

/* The orientation whose reading is best, among cand and its opposite (and
 * the two sideways ones when sideways) — the first lines of text read both
 * ways: upside-down text reads as short, low-confidence garbage. pixg is the
 * grey page at dpi, probe its binary copy reduced factor times. */
static int orientation_by_reading(sh_ocr_worker *w, PIX *pixg, PIX *probe, int factor, int dpi,
				  int cand, int sideways, int *quads)
{
	int pw = pixGetWidth(probe), ph = pixGetHeight(probe);
	float bestscore = -1.0f;
	*quads = cand;
	for (int k = 0; k < (sideways ? 4 : 2); k++) {
		int q = (cand + (k == 0 ? 0 : k == 1 ? 2 : k == 2 ? 1 : 3)) % 4;
		int along = q % 2; /* 0: text lines run along rows */
		/* the band of the page with the most ink, about 1/6 of it across
		 * the lines (up to 8 lines of body text) */
		int len = along ? pw : ph, span = len / 6;
		int least = (int)(30.0 / 25.4 * PROBE_DPI); /* 3 cm: whole lines, not slivers */
		if (span < least)
			span = least;
		if (span > len)
			span = len;
		l_int32 *prof = calloc((size_t)len, sizeof *prof);
		if (!prof)
			return nomem("orientation");
		int wpl = pixGetWpl(probe);
		l_uint32 *data = pixGetData(probe);
		for (int y = 0; y < ph; y++) {
			l_uint32 *line = data + (size_t)y * wpl;
			for (int x = 0; x < pw; x++)
				if (GET_DATA_BIT(line, x))
					prof[along ? x : y]++;
		}
		long sum = 0, best = -1;
		int start = 0;
		for (int i = 0; i < len; i++) {
			sum += prof[i];
			if (i >= span)
				sum -= prof[i - span];
			if (i >= span - 1 && sum > best) {
				best = sum;
				start = i - span + 1;
			}
		}
		/* widen to blank rows so no line is cut */
		int end = start + span;
		for (int g = 0; start > 0 && prof[start] > 0 && g < span / 4; g++)
			start--;
		for (int g = 0; end < len && prof[end - 1] > 0 && g < span / 4; g++)
			end++;
		span = end - start;
		free(prof);
		BOX *box = along ? boxCreate(start * factor, 0, span * factor, pixGetHeight(pixg))
				 : boxCreate(0, start * factor, pixGetWidth(pixg), span * factor);
		PIX *clip = box ? pixClipRectangle(pixg, box, NULL) : NULL;
		PIX *band = clip ? pixRotateOrth(clip, q) : NULL;
		boxDestroy(&box);
		pixDestroy(&clip);
		if (!band)
			return nomem("orientation");
		int words = 0;
		float conf = read_band(w->api, band, dpi, &words);
		pixDestroy(&band);
		/* a reading of one or two words says little */
		float score = words >= 3 ? conf : conf * 0.5f;
		if (score > bestscore + 0.01f) {
			bestscore = score;
			*quads = q;
		}
	}
	return SH_OK;
}

/* Step 7: clockwise quarter turns that make the text upright, 0..3.
 *
 * Leptonica's up/down and left/right scores cost ~15 ms and on the corpus
 * give the true orientation a score of 8 to 25 against at most 7.3 for the
 * others; when the answer is that clear it is taken. Otherwise the osd
 * engine gives its answer (~250 ms at 150 dpi); when it is confident and
 * agrees with a fair Leptonica score, or Leptonica has none, it is taken.
 * Otherwise the evidence is weak (short pages, 200 dpi fax, large headings,
 * a seal): the first lines are read both ways by the recognition engine and
 * the better-read orientation wins (*read = 1). Without the recognition
 * engine: osd when it is fairly sure, else Leptonica's best unless a near
 * tie. */
static int find_orientation(sh_ocr_worker *w, PIX *pixg, PIX *probe, int factor, int dpi,
			    int may_read, int *quads, int *read)
{
	l_float32 up = 0, left = 0;
	*quads = 0;
	*read = 0;
	if (pixOrientDetect(probe, &up, &left, 0, 0))
		up = left = 0; /* too little text to score: osd may still tell */
	/* score of each correction: 0 turns, 1, 2, 3 clockwise */
	float score[4] = {up, left, -up, -left};
	int best = 0, second = -1;
	for (int q = 1; q < 4; q++)
		if (score[q] > score[best])
			best = q;
	for (int q = 0; q < 4; q++)
		if (q != best && (second < 0 || score[q] > score[second]))
			second = q;
	float b = score[best], s = score[second] > 0 ? score[second] : 0;
	if (b >= LEPT_SURE_SCORE && b >= LEPT_SURE_RATIO * s) {
		*quads = best;
		return SH_OK;
	}
	int lept_says = b >= LEPT_MIN_SCORE && b >= LEPT_MIN_RATIO * s;
	int cand = lept_says ? best : 0, osd_ok = 0, oq = 0;
	float conf = 0;
	if (w->osd) {
		int deg = 0;
		float sconf = 0;
		const char *script = NULL;
		TessBaseAPISetImage2(w->osd, probe);
		TessBaseAPISetSourceResolution(w->osd, PROBE_DPI);
		osd_ok = TessBaseAPIDetectOrientationScript(w->osd, &deg, &conf, &script, &sconf);
		TessBaseAPIClear(w->osd);
		/* deg: how far the page is turned clockwise */
		oq = (4 - ((deg / 90) % 4 + 4) % 4) % 4;
		/* A weak osd answer against a fair Leptonica score loses: on short
		 * pages with large headings (business registrations, 200 dpi fax)
		 * osd has called upright pages upside down at confidence 2.0-2.4
		 * where Leptonica scored them upright at 5.3-6.9. */
		if (osd_ok && conf >= OSD_MIN_CONF && (oq == best || !lept_says || conf >= OSD_SURE_CONF))
			cand = oq;
		if (osd_ok && conf >= OSD_SURE_CONF &&
		    ((lept_says && oq == best) || conf >= 2 * OSD_SURE_CONF)) {
			*quads = oq;
			return SH_OK;
		}
	}
	if (may_read && w->api) {
		/* sideways candidates too when anything points sideways or the
		 * page lies in landscape */
		int sideways = (cand % 2) || (lept_says && best % 2) || (osd_ok && oq % 2) ||
			       pixGetWidth(probe) > pixGetHeight(probe);
		*read = 1;
		return orientation_by_reading(w, pixg, probe, factor, dpi, cand, sideways, quads);
	}
	*quads = cand;
	return SH_OK;
}

static int rotate_orth(PIX **pix, int quads)
{
	PIX *r = pixRotateOrth(*pix, quads);
	if (!r)
		return nomem("rotation");
	pixDestroy(pix);
	*pix = r;
	return SH_OK;
}

int sh_ocr_clean(sh_ocr_worker *w, PIX *pixs, PIX **out, sh_clean_report *rep)
{
	return sh_ocr_clean_ex(w, pixs, out, NULL, rep);
}

/* Long on purpose: the clean-up steps in their order (decode, photo
 * rectify, orientation, deskew, dropout, binarise, report), each a call;
 * splitting it would only pass the same dozen locals around. */
int sh_ocr_clean_ex(sh_ocr_worker *w, PIX *pixs, PIX **out, PIX **rectified,
		    sh_clean_report *rep)
{
	int rc;
	PIX *pixg = NULL, *pixt = NULL, *probe = NULL, *photo = NULL;
	unsigned steps = w->opts && w->opts->clean ? w->opts->clean : SH_CLEAN_ALL;
	memset(rep, 0, sizeof *rep);
	*out = NULL;
	if (rectified)
		*rectified = NULL;
	if (!pixs)
		return sh_error_set(SH_EINVAL, "page clean-up: no image");
	rep->tag_dpi = pixGetXRes(pixs) > 0 ? pixGetXRes(pixs) : 0;

	int dpi = 0;
	if (steps & SH_CLEAN_PHOTO) {
		int found = 0;
		rc = sh_ocr_photo_rectify(pixs, &photo, rep->corners, &dpi, &found);
		if (rc)
			goto out;
		if (found) {
			int tag = rep->tag_dpi;
			if (tag >= 100 && tag <= 1200 && dpi && abs(dpi - tag) * 20 <= tag * 3) {
				/* A scan on a dark bed or under a black lid: a real tag
				 * that agrees with the page's size. Left to the border
				 * step, as scanned (no perspective to undo; the page's
				 * edge there need not be the paper's). */
				pixDestroy(&photo);
				memset(rep->corners, 0, sizeof rep->corners);
				dpi = 0;
			} else {
				rep->flags |= SH_PAGE_PHOTO;
				pixs = photo; /* from here on the page is the rectified one */
			}
		}
	}
	if (!dpi)
		dpi = page_dpi(pixs);
	rep->true_dpi = dpi;
	if (photo)
		pixSetResolution(photo, dpi, dpi);
	if (dpi < LOWRES_DPI)
		rep->flags |= SH_PAGE_LOWRES;
	rc = make_grey(pixs, steps, dpi, &pixg, rep);
	if (rc)
		goto out;

	if ((steps & SH_CLEAN_UPSCALE) && dpi < UPSCALE_BELOW_DPI) {
		float f = (float)TARGET_DPI / (float)dpi;
		if (rep->flags & SH_PAGE_BILEVEL) {
			/* A fax's jagged 0/255 edges, scaled up, read badly; blurred
			 * first (5x5 box at 200 dpi, 3x3 below) and re-sharpened by
			 * the background step they read as well as grey scans
			 * (fax200 CER 0.61 % -> 0.32 %). */
			int half = dpi >= 175 ? 2 : 1;
			pixt = pixBlockconv(pixg, half, half);
			if (!pixt) {
				rc = nomem("upscale");
				goto out;
			}
			pixDestroy(&pixg);
			pixg = pixt;
		}
		pixt = pixScaleGrayLI(pixg, f, f);
		if (!pixt) {
			rc = nomem("upscale");
			goto out;
		}
		pixDestroy(&pixg);
		pixg = pixt;
		pixt = NULL;
		dpi = TARGET_DPI;
	}
	pixSetResolution(pixg, dpi, dpi);

	if (steps & SH_CLEAN_BACKGROUND) {
		/* Map the paper to 200 (Leptonica's tested range), then stretch
		 * so paper is white and ink keeps its contrast. */
		pixt = pixBackgroundNormSimple(pixg, NULL, NULL);
		if (!pixt) {
			rc = nomem("background");
			goto out;
		}
		pixGammaTRC(pixt, pixt, 1.0f, 30, 190);
		pixDestroy(&pixg);
		pixg = pixt;
		pixt = NULL;
	}

	/* whole reduction to about PROBE_DPI: 2 at 300 dpi, 4 at 600 */
	int factor = (dpi + PROBE_DPI / 2) / PROBE_DPI;
	if (factor < 1)
		factor = 1;
	pixt = factor == 1   ? pixClone(pixg)
	       : factor == 2 ? pixScaleAreaMap2(pixg)
			     : pixScaleAreaMap(pixg, 1.0f / (float)factor, 1.0f / (float)factor);
	probe = pixt ? pixThresholdToBinary(pixt, 128) : NULL;
	pixDestroy(&pixt);
	if (!probe) {
		rc = nomem("probe");
		goto out;
	}

	if (steps & SH_CLEAN_BORDER) {
		rc = remove_border(pixg, probe, factor, rep);
		if (rc)
			goto out;
	}

	int blank = 0;
	rc = is_blank(probe, &blank);
	if (rc)
		goto out;
	if (blank) {
		rep->flags |= SH_PAGE_BLANK;
		goto done; /* nothing to orient or straighten */
	}

	if (steps & SH_CLEAN_ORIENT) {
		int quads = 0, read = 0;
		rc = find_orientation(w, pixg, probe, factor, dpi, !!(steps & SH_CLEAN_READ_ORIENT),
				      &quads, &read);
		if (rc)
			goto out;
		if (read)
			rep->flags |= SH_PAGE_ORIENT_READ;
		if (quads) {
			if ((rc = rotate_orth(&pixg, quads)) || (rc = rotate_orth(&probe, quads)))
				goto out;
			rep->rotation = 90 * quads;
			rep->flags |= SH_PAGE_ROTATED;
		}
	}

	if (steps & SH_CLEAN_DESKEW) {
		l_float32 angle = 0, conf = 0;
		if (!pixFindSkewSweepAndSearch(probe, &angle, &conf, 2, 1, 7.0f, 1.0f, 0.01f) &&
		    conf >= SKEW_MIN_CONF && fabsf(angle) >= SKEW_MIN_DEG) {
			pixt = pixRotate(pixg, (float)(M_PI / 180.0) * angle, L_ROTATE_AREA_MAP,
					 L_BRING_IN_WHITE, 0, 0);
			if (!pixt) {
				rc = nomem("deskew");
				goto out;
			}
			pixDestroy(&pixg);
			pixg = pixt;
			pixt = NULL;
			rep->skew = angle;
			rep->flags |= SH_PAGE_DESKEWED;
		}
	}

done:
	rep->dpi = dpi;
	if (rectified && photo) {
		if (rep->rotation && (rc = rotate_orth(&photo, rep->rotation / 90)))
			goto out;
		*rectified = photo;
		photo = NULL;
	}
	*out = pixg;
	pixg = NULL;
out:
	pixDestroy(&photo);
	pixDestroy(&pixg);
	pixDestroy(&pixt);
	pixDestroy(&probe);
	return rc;
}
