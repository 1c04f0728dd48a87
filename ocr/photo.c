/*
 * Where the page is and how large: a phone photo's page found, rectified
 * and cut out (SH_CLEAN_PHOTO), and the page's true resolution when its
 * tag lies. Part of the clean-up (clean.c); see docs/OCR.md "Photos".
 */
#include "ocr_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- The page by its edges (issue 23) ----
 *
 * When the page is not a bright region apart from a dark desk (a white or
 * light desk, the page touching the frame, a pen or a keyboard across the
 * region), each side is found by its edge: every row (for the left and
 * right sides) or column (top, bottom) of the blurred work copy is scanned
 * from the frame inward for the first step of EDGE_STEP levels or more
 * into a run of paper (bright, uniform over EDGE_RUN of the long side);
 * the points of each side are fitted as one line by RANSAC then trimmed
 * least squares. A side with no line where the frame's own edge is paper
 * is the frame (the page touches or is cut by it); at least two real sides
 * are needed, so a scan (paper up to the frame on every side) is never
 * taken for a photo. */

enum {
	EDGE_STEP = 8,     /* grey levels between the 4 px means either side */
	EDGE_UNIFORM = 16, /* max - min over the paper run */
	EDGE_RANSAC = 300  /* tries per side */
};
#define EDGE_RUN 0.010    /* paper run after the edge, share of the long side */
#define EDGE_BRIGHT 0.55  /* paper: at least this share of the paper level */
#define EDGE_MIN_LINE 0.12 /* inliers, share of the scan lines */
#define EDGE_MAX_SLOPE 0.6
#define EDGE_MIN_SUPPORT 0.75 /* share of a quadrilateral's sides that step */
#define EDGE_FRAME 0.8    /* paper at the frame: this share of the paper level */
#define REGION_SURE_SUPPORT 0.95 /* a bright region's quadrilateral stepping less: checked by edges */
#define REGION_LARGER 1.05 /* ... whose quadrilateral must be this much larger */
#define REGION_SUPPORT_GAIN 0.1 /* ... and step this much more of the way */

/* The paper level: the 90th percentile of the middle half of g. */
static int paper_level(PIX *g)
{
	int W = pixGetWidth(g), H = pixGetHeight(g), wpl = pixGetWpl(g);
	l_uint32 *data = pixGetData(g);
	long hist[256] = {0}, n = 0;
	for (int y = H / 4; y < 3 * H / 4; y++)
		for (int x = W / 4; x < 3 * W / 4; x++, n++)
			hist[GET_DATA_BYTE(data + (size_t)y * wpl, x)]++;
	long acc = 0;
	for (int v = 255; v >= 0; v--)
		if ((acc += hist[v]) >= n / 10)
			return v;
	return 0;
}

/* Along one scan line l[0..n) (inward from the frame): the position of the
 * page's edge (sub-pixel, -1 when none) and whether the frame's own edge is
 * paper as bright as the page's (*start: at least frame). down: a step
 * down from a bright surface to the page counts too (a card darker than a
 * white desk; tried second). */
static float scan_edge(const int *l, int n, int run, int bright, int frame, int down, int *start)
{
	*start = 0;
	if (n < run + 10)
		return -1;
	int lo = 255, hi = 0;
	for (int i = 0; i < run; i++) {
		lo = l[i] < lo ? l[i] : lo;
		hi = l[i] > hi ? l[i] : hi;
	}
	*start = lo >= frame && hi - lo <= EDGE_UNIFORM;
	int paper = *start; /* paper seen before x: a white desk, or inside a page */
	for (int x = 4; x + run < n; x++) {
		int in = l[x] + l[x + 1] + l[x + 2] + l[x + 3];
		int out = l[x - 4] + l[x - 3] + l[x - 2] + l[x - 1];
		lo = 255, hi = 0;
		for (int i = x; i < x + run; i++) {
			lo = l[i] < lo ? l[i] : lo;
			hi = l[i] > hi ? l[i] : hi;
		}
		int is_paper = lo >= bright && hi - lo <= EDGE_UNIFORM;
		if (abs(in - out) < 4 * EDGE_STEP || !is_paper) {
			paper |= is_paper;
			continue;
		}
		if (paper) {
			/* after paper, only a step up from a uniform bright
			 * surface (a white desk) to the page counts: not the paper
			 * after a letter inside a page, nor the desk seen from a
			 * page that reaches the frame */
			int olo = 255, ohi = 0;
			for (int i = x - 4; i < x; i++) {
				olo = l[i] < olo ? l[i] : olo;
				ohi = l[i] > ohi ? l[i] : ohi;
			}
			if (olo < bright || ohi - olo > EDGE_UNIFORM || (in <= out && !down)) {
				paper = 1;
				continue;
			}
		}
		/* the steepest step near x, refined by a parabola */
		int best = x, bd = -1;
		for (int k = x - 3; k <= x + 2; k++) {
			int d = abs(l[k] - l[k - 1]);
			if (k >= 1 && d > bd) {
				bd = d;
				best = k;
			}
		}
		float off = 0;
		if (best >= 2 && best + 1 < n) {
			float a = (float)abs(l[best - 1] - l[best - 2]), b = (float)bd,
			      c = (float)abs(l[best + 1] - l[best]);
			float den = a - 2 * b + c;
			if (den < -1e-3f)
				off = 0.5f * (a - c) / den;
		}
		return (float)best - 0.5f + off; /* between pixels best-1 and best */
	}
	return -1;
}

/* RANSAC for v = a u + b over the points (u[i], v[i]); then the trimmed
 * least squares on the inliers. 1 when a line with enough inliers. */
static int ransac_line(const float *u, const float *v, int n, int need, line_fit *out,
		       float *tu, float *tv)
{
	if (n < need || n < 10)
		return 0;
	unsigned seed = 12345u;
	int best = 0;
	line_fit bl = {0, 0};
	for (int t = 0; t < EDGE_RANSAC; t++) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % (unsigned)n);
		seed = seed * 1103515245u + 12345u;
		int j = (int)((seed >> 8) % (unsigned)n);
		if (fabsf(u[i] - u[j]) < 10)
			continue;
		double a = (v[j] - v[i]) / (double)(u[j] - u[i]);
		if (fabs(a) > EDGE_MAX_SLOPE)
			continue;
		double b = v[i] - a * u[i];
		int k = 0;
		for (int m = 0; m < n; m++)
			k += fabs(v[m] - (a * u[m] + b)) <= 2.0;
		if (k > best) {
			best = k;
			bl.a = a;
			bl.b = b;
		}
	}
	if (best < need)
		return 0;
	int k = 0;
	for (int m = 0; m < n; m++)
		if (fabs(v[m] - (bl.a * u[m] + bl.b)) <= 3.0) {
			tu[k] = u[m];
			tv[k] = v[m];
			k++;
		}
	if (!fit_line(tu, tv, k, out))
		return 0;
	return fabs(out->a) <= EDGE_MAX_SLOPE;
}

/* The four sides of the page on g (blurred work copy), as lines; *real:
 * how many are the page's own edges (the others are the frame's). 1 found,
 * 0 not, -1 out of memory. */
static int edge_sides(PIX *g, int down, line_fit side[4], int *real)
{
	int W = pixGetWidth(g), H = pixGetHeight(g), wpl = pixGetWpl(g);
	l_uint32 *data = pixGetData(g);
	int cap = W > H ? W : H, run = (int)lround(EDGE_RUN * cap);
	int level = paper_level(g), bright = (int)lround(EDGE_BRIGHT * level);
	int frame = (int)lround(EDGE_FRAME * level);
	int *l = malloc(sizeof(int) * (size_t)cap);
	float *u = malloc(sizeof(float) * (size_t)cap * 4);
	if (!l || !u) {
		free(l);
		free(u);
		return -1;
	}
	float *v = u + cap, *tu = u + 2 * cap, *tv = u + 3 * cap;
	*real = 0;
	int frames = 0;
	if (run < 4)
		run = 4;
	for (int s = 0; s < 4; s++) { /* top, right, bottom, left */
		int horiz = s == 0 || s == 2; /* scan columns, fit y = a x + b */
		int lines = horiz ? W : H, len = horiz ? H : W, n = 0, starts = 0;
		int reach = (int)(0.65 * len);
		for (int t = 0; t < lines; t++) {
			for (int i = 0; i < reach; i++) {
				int x, y;
				if (horiz) {
					x = t;
					y = s == 0 ? i : H - 1 - i;
				} else {
					y = t;
					x = s == 3 ? i : W - 1 - i;
				}
				l[i] = GET_DATA_BYTE(data + (size_t)y * wpl, x);
			}
			int start = 0;
			float e = scan_edge(l, reach, run, bright, frame, down, &start);
			starts += start;
			if (e < 0)
				continue;
			u[n] = (float)t;
			v[n] = (s == 0 || s == 3) ? e : (float)(len - 1) - e;
			n++;
		}
		int need = (int)(EDGE_MIN_LINE * lines);
		if (ransac_line(u, v, n, need, &side[s], tu, tv)) {
			(*real)++;
			continue;
		}
		/* no edge: the frame, when the page reaches it (paper at its edge) */
		if (starts < lines / 4)
			break;
		side[s].a = 0;
		side[s].b = (s == 0 || s == 3) ? -0.5 : (double)len - 0.5;
		frames++;
	}
	free(l);
	free(u);
	return *real + frames == 4 && *real >= 2;
}

/* The page's corners (work scale, TL TR BR BL) by its edges on grey, the
 * work copy: the four side lines intersected, then checked to be a page
 * seen in perspective (convex, 15-100 % of the frame, corners at most 10 %
 * outside it, angles 45-135 deg, opposite sides within 1:1.8, long/short
 * at most 2.2). *sides: how many of the four are the page's own edges.
 * Steps up from a bright surface to the page are tried first, then down
 * too. 1 found, 0 not, -1 out of memory. */
static int quad_check(const line_fit side[4], int W, int H, float c[8]);
static double quad_support(PIX *g, const float c[8]);

static int page_by_edges(PIX *grey, float c[8], int *sides)
{
	PIX *g = pixBlockconv(grey, 1, 1);
	if (!g)
		return -1;
	int W = pixGetWidth(g), H = pixGetHeight(g), found = 0;
	double best = EDGE_MIN_SUPPORT;
	for (int down = 0; down < 2; down++) {
		line_fit side[4];
		float q[8];
		int real = 0, ok = edge_sides(g, down, side, &real);
		if (ok < 0) {
			pixDestroy(&g);
			return -1;
		}
		double sup = ok && quad_check(side, W, H, q) ? quad_support(g, q) : 0;
		if (sup > best) { /* the better supported of the two */
			best = sup;
			memcpy(c, q, sizeof q);
			*sides = real;
			found = 1;
		}
	}
	pixDestroy(&g);
	return found;
}

/* Share of points along the quadrilateral's sides (the middle 80 %, inside
 * the photo) with a step of EDGE_STEP / 2 or more between 3 px outside
 * and 3 px inside: a page's edge steps all along, a line through a
 * card's photo box or a shadow only in part. */
static double quad_support(PIX *g, const float c[8])
{
	int W = pixGetWidth(g), H = pixGetHeight(g), wpl = pixGetWpl(g), n = 0, good = 0;
	l_uint32 *data = pixGetData(g);
	double cx = (c[0] + c[2] + c[4] + c[6]) / 4, cy = (c[1] + c[3] + c[5] + c[7]) / 4;
	for (int sd = 0; sd < 4; sd++) {
		int j = (sd + 1) % 4;
		double x0 = c[2 * sd], y0 = c[2 * sd + 1], dx = c[2 * j] - x0, dy = c[2 * j + 1] - y0;
		double len = hypot(dx, dy), nx = dy / len, ny = -dx / len;
		if ((x0 + dx / 2 - cx) * nx + (y0 + dy / 2 - cy) * ny < 0) { /* outward */
			nx = -nx;
			ny = -ny;
		}
		for (int k = 0; k < 50; k++) {
			double t = 0.1 + 0.8 * k / 49.0, px = x0 + t * dx, py = y0 + t * dy;
			int ox = (int)lround(px + 3 * nx), oy = (int)lround(py + 3 * ny);
			int ix = (int)lround(px - 3 * nx), iy = (int)lround(py - 3 * ny);
			if (ox < 0 || oy < 0 || ox >= W || oy >= H || ix < 0 || iy < 0 || ix >= W || iy >= H)
				continue; /* on the frame */
			int vo = GET_DATA_BYTE(data + (size_t)oy * wpl, ox);
			int vi = GET_DATA_BYTE(data + (size_t)iy * wpl, ix);
			n++;
			good += abs(vi - vo) * 2 >= EDGE_STEP;
		}
	}
	return n >= 40 ? (double)good / n : 0;
}

/* The corners c (TL TR BR BL) of the four side lines, 1 when they make a
 * page seen in perspective. */
static int quad_check(const line_fit side[4], int W, int H, float c[8])
{
	cross(side[0], side[3], &c[0], &c[1]);
	cross(side[0], side[1], &c[2], &c[3]);
	cross(side[2], side[1], &c[4], &c[5]);
	cross(side[2], side[3], &c[6], &c[7]);
	for (int i = 0; i < 4; i++) {
		float x = c[2 * i], y = c[2 * i + 1];
		if (x < -0.1f * W || x > 1.1f * W || y < -0.1f * H || y > 1.1f * H)
			return 0;
		/* the angle at corner i and the turn's sign (convexity) */
		int p = (i + 3) % 4, q = (i + 1) % 4;
		double ax = c[2 * p] - x, ay = c[2 * p + 1] - y, bx = c[2 * q] - x, by = c[2 * q + 1] - y;
		double la = hypot(ax, ay), lb = hypot(bx, by);
		if (la < 20 || lb < 20)
			return 0;
		double cosang = (ax * bx + ay * by) / (la * lb);
		if (fabs(cosang) > 0.7071 || ax * by - ay * bx > 0)
			return 0;
	}
	double top = dist2(c, 0, 1), bot = dist2(c, 3, 2), lef = dist2(c, 0, 3), rig = dist2(c, 1, 2);
	if (top > 1.8 * bot || bot > 1.8 * top || lef > 1.8 * rig || rig > 1.8 * lef)
		return 0;
	double w = (top + bot) / 2, h = (lef + rig) / 2, r = w > h ? w / h : h / w;
	double share = quad_area(c) / ((double)W * H);
	return r <= 2.2 && share >= 0.15 && share <= 1.0;
}

/* Keys' cubic convolution weights (a = -0.5) of the four samples around a
 * point t (0..1) past the second one. */
static void cubic_weights(float t, float w[4])
{
	float t2 = t * t, t3 = t2 * t;
	w[0] = -0.5f * t3 + t2 - 0.5f * t;
	w[1] = 1.5f * t3 - 2.5f * t2 + 1.0f;
	w[2] = -1.5f * t3 + 2.0f * t2 + 0.5f * t;
	w[3] = 0.5f * t3 - 0.5f * t2;
}

static inline int clamp255(float v)
{
	int i = (int)lroundf(v);
	return i < 0 ? 0 : i > 255 ? 255 : i;
}

/* pixs (8 or 32 bpp, w x h) sampled at (xs, ys) by cubic convolution;
 * white outside. */
static l_uint32 cubic_pixel(const l_uint32 *data, int wpl, int w, int h, int d, float xs, float ys)
{
	if (xs < -1.0f || ys < -1.0f || xs > (float)w || ys > (float)h)
		return d == 32 ? 0xffffff00 : 255;
	int ix = (int)floorf(xs), iy = (int)floorf(ys), col[4];
	float wx[4], wy[4], acc[3] = {0, 0, 0};
	cubic_weights(xs - (float)ix, wx);
	cubic_weights(ys - (float)iy, wy);
	for (int k = 0; k < 4; k++) {
		int x = ix - 1 + k;
		col[k] = x < 0 ? 0 : x >= w ? w - 1 : x;
	}
	for (int j = 0; j < 4; j++) {
		int y = iy - 1 + j;
		const l_uint32 *line = data + (size_t)(y < 0 ? 0 : y >= h ? h - 1 : y) * wpl;
		float rowacc[3] = {0, 0, 0};
		for (int k = 0; k < 4; k++) {
			if (d == 32) {
				l_uint32 p = line[col[k]];
				rowacc[0] += wx[k] * (float)(p >> L_RED_SHIFT & 0xff);
				rowacc[1] += wx[k] * (float)(p >> L_GREEN_SHIFT & 0xff);
				rowacc[2] += wx[k] * (float)(p >> L_BLUE_SHIFT & 0xff);
			} else {
				rowacc[0] += wx[k] * (float)GET_DATA_BYTE(line, col[k]);
			}
		}
		for (int c = 0; c < 3; c++)
			acc[c] += wy[j] * rowacc[c];
	}
	if (d != 32)
		return (l_uint32)clamp255(acc[0]);
	return (l_uint32)clamp255(acc[0]) << L_RED_SHIFT | (l_uint32)clamp255(acc[1]) << L_GREEN_SHIFT |
	       (l_uint32)clamp255(acc[2]) << L_BLUE_SHIFT;
}

/* Dest -> source projective warp of pixs (8 or 32 bpp) into a w x h page,
 * dest point (x, y) taken at (x + ox, y + oy) of the rectangle the corners
 * map to; bilinear sampling, or cubic convolution when cubic (sharper when
 * the page is also scaled up). */
static PIX *warp_page(PIX *pixs, const float *c, int rw, int rh, int ox, int oy, int w, int h,
		      int cubic)
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
			if (cubic) {
				l_uint32 val = cubic_pixel(sdata, swpl, sw, sh, d, xs, ys);
				if (d == 32)
					line[x] = val;
				else
					SET_DATA_BYTE(line, x, val);
			} else if (d == 32) {
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

/* The page's corners on the work copy grey (step: its reduction of the
 * W x H photo; tag: the photo's resolution tag): the bright region first,
 * else, for an image whose tag is not a scanner's (phones write 72 or
 * nothing), the page by its edges (*by_edges = 1, *sides: how many are the
 * page's own). 1 found, 0 not, -1 out of memory. */
static int find_corners(PIX *grey, int tag, int step, int W, int H, float c[8], int *sides,
			int *by_edges)
{
	const char *why = NULL;
	PIX *one = page_region(grey, &why);
	int ok = one ? 1 : 0;
	if (ok) {
		l_int32 area = 0;
		pixCountPixels(one, &area, NULL);
		double share = (double)area / ((double)pixGetWidth(one) * pixGetHeight(one));
		ok = share >= PHOTO_MIN_AREA && share <= PHOTO_MAX_AREA;
		if (ok)
			ok = region_corners(one, c);
		if (ok > 0 && fabs((double)area / quad_area(c) - 1.0) > PHOTO_FILL_TOL)
			ok = 0;
	}
	pixDestroy(&one);
	if (ok < 0)
		return -1;
	if (ok > 0 && !(tag >= 100 && tag <= 1200)) {
		/* A region cut by the light, not by the paper (a white desk
		 * under a gradient, seed 7006 dev15-0: a diagonal "top" through
		 * the page's text): a side without a step. The page's edges,
		 * when they make a larger quadrilateral stepping all along, are
		 * the page. */
		PIX *g = pixBlockconv(grey, 1, 1);
		if (!g)
			return -1;
		double sup = quad_support(g, c);
		float e[8];
		int es = 4, r = sup < REGION_SURE_SUPPORT ? page_by_edges(grey, e, &es) : 0;
		int take = r > 0 && quad_area(e) > REGION_LARGER * quad_area(c) &&
			   quad_support(g, e) >= sup + REGION_SUPPORT_GAIN;
		pixDestroy(&g);
		if (r < 0)
			return -1;
		if (take) {
			memcpy(c, e, sizeof e);
			*sides = es;
			*by_edges = 1;
			return 1;
		}
	}
	for (int i = 0; ok && i < 8; i++) { /* the region's corners lie in the photo */
		float v = c[i] * (float)step + 1.0f;
		if (v < -2.0f || v > (float)(i % 2 ? H : W) + 2.0f)
			ok = 0;
	}
	if (ok || (tag >= 100 && tag <= 1200))
		return ok;
	*by_edges = 1;
	return page_by_edges(grey, c, sides);
}

int sh_ocr_photo_rectify(PIX *pixs, PIX **out, float corners[8], int *true_dpi, int *found,
			 sh_photo_geom *geom)
{
	int rc = SH_OK;
	PIX *src = NULL, *grey = NULL;
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
	float c[8];
	int sides = 4, by_edges = 0; /* the page's own edges among the four (others: the frame's) */
	int ok = find_corners(grey, pixGetXRes(pixs), step, W, H, c, &sides, &by_edges);
	if (ok < 0) {
		rc = nomem("photo");
		goto out;
	}
	if (!ok)
		goto out;
	/* back to full scale, as continuous coordinates (the image's top-left
	 * corner is 0,0): work pixel i's centre is the mean of source pixels
	 * i * step and i * step + 1, centred at i * step + 1. A page found by
	 * its edges may be cut by the frame: its corners up to 10 % outside,
	 * and then its size is unknown. */
	for (int i = 0; i < 8; i++) {
		c[i] = c[i] * (float)step + 1.0f;
		float side = (float)(i % 2 ? H : W), lim = by_edges ? 0.1f * side : 2.0f;
		if (c[i] < -lim || c[i] > side + lim)
			goto out;
		if (c[i] < -2.0f || c[i] > side + 2.0f)
			sides = sides < 3 ? sides : 3;
	}
	double wt = dist2(c, 0, 1), wb = dist2(c, 3, 2), hl = dist2(c, 0, 3), hr = dist2(c, 1, 2);
	double rw = wt > wb ? wt : wb, rh = hl > hr ? hl : hr;
	double shortside = rw < rh ? rw : rh, longside = rw < rh ? rh : rw;
	double ratio = longside / shortside;
	/* Perspective shortens the sides that lean away; a known paper size
	 * fixes the aspect from the less shortened side (the short one, for a
	 * phone held over the page's foot). */
	double inches = 0;
	if (sides < 4) {
		/* cut by the frame: neither the aspect nor the size is known */
	} else if (fabs(ratio - A4_RATIO) < A4_TOL) {
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
	PIX *page = warp_page(src, c, iw, ih, inset, inset, iw - 2 * inset, ih - 2 * inset, 0);
	if (!page) {
		rc = nomem("photo rectification");
		goto out;
	}
	if (inches > 0)
		*true_dpi = (int)lround(shortside / inches);
	if (*true_dpi)
		pixSetResolution(page, *true_dpi, *true_dpi);
	memcpy(corners, c, sizeof c);
	if (geom) {
		memcpy(geom->c, c, sizeof c);
		geom->w = iw;
		geom->h = ih;
		geom->inset = inset;
	}
	*out = page;
	*found = 1;
out:
	pixDestroy(&src);
	pixDestroy(&grey);
	return rc;
}

int sh_ocr_photo_warp(PIX *pixs, const sh_photo_geom *g, float scale, PIX **out)
{
	PIX *src = NULL;
	*out = NULL;
	if (pixGetColormap(pixs))
		src = pixRemoveColormap(pixs, REMOVE_CMAP_BASED_ON_SRC);
	else
		src = pixClone(pixs);
	if (!src)
		return nomem("photo");
	int d = pixGetDepth(src);
	if (d != 32 && d != 8) {
		pixDestroy(&src);
		return sh_error_set(SH_EINVAL, "photo: %d bits per pixel", d);
	}
	int rw = (int)lroundf(g->w * scale), rh = (int)lroundf(g->h * scale);
	int in = (int)lroundf(g->inset * scale);
	*out = warp_page(src, g->c, rw, rh, in, in, rw - 2 * in, rh - 2 * in, 1);
	pixDestroy(&src);
	return *out ? SH_OK : nomem("photo rectification");
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
int sh_ocr_page_dpi(PIX *pixs)
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

/* ---- The scale from the text (issue 23) ----
 *
 * The tag lies and a page's size says nothing when it is cut by the frame,
 * an A5 sheet or an ID card. Letters do: on a binarised copy (background
 * flattened, ~2400 px at most), the connected components of a letter's
 * shape are collected and the median of their heights taken; the page's
 * "text resolution" is the one at which that median is what body text
 * (13-14 pt) measures at 300 dpi, TEXT_H300 pixels. A card's 7 pt print
 * thus gets about half the card's true resolution: it is scaled like body
 * text, which is what the recogniser reads best. */

#define TEXT_H300 30.0    /* median letter height of body text at 300 dpi, px */
enum {
	TEXT_MIN_LETTERS = 40, /* fewer: no estimate */
	TEXT_WORK_SIDE = 2400
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The text estimate from bin, the page's ink (1 bpp) at 1/f of its size
 * (sh lines high). */
static int text_dpi_of_ink(PIX *bin, int f, int *letters)
{
	BOXA *boxa = NULL;
	int *h = NULL, n = 0, result = 0;
	boxa = bin ? pixConnCompBB(bin, 8) : NULL;
	int cnt = boxa ? boxaGetCount(boxa) : 0;
	int sh = bin ? pixGetHeight(bin) : 0;
	h = cnt > 0 ? malloc(sizeof(int) * (size_t)cnt) : NULL;
	for (int i = 0; h && i < cnt; i++) {
		l_int32 bx, by, bw, bh;
		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		/* a letter: taller than a speck, not a rule or a frame line */
		if (bh < 5 || bh > sh / 12 || bw > 3 * bh || 4 * bw < bh)
			continue;
		h[n++] = bh;
	}
	if (n >= TEXT_MIN_LETTERS) {
		qsort(h, (size_t)n, sizeof *h, cmp_int);
		double med = (double)h[n / 2] * f;
		result = (int)lround(300.0 * med / TEXT_H300);
	}
	if (letters)
		*letters = n;
	free(h);
	boxaDestroy(&boxa);
	return result;
}

int sh_ocr_text_dpi(PIX *pixg, int *letters)
{
	PIX *small = NULL, *norm = NULL, *bin = NULL;
	if (letters)
		*letters = 0;
	if (!pixg || pixGetDepth(pixg) != 8)
		return 0;
	int W = pixGetWidth(pixg), H = pixGetHeight(pixg), L = W > H ? W : H;
	int f = (L + TEXT_WORK_SIDE - 1) / TEXT_WORK_SIDE;
	if (f < 1)
		f = 1;
	small = f == 1 ? pixClone(pixg) : pixScaleAreaMap(pixg, 1.0f / (float)f, 1.0f / (float)f);
	norm = small ? pixBackgroundNormSimple(small, NULL, NULL) : NULL;
	bin = norm ? pixThresholdToBinary(norm, 140) : NULL;
	int result = bin ? text_dpi_of_ink(bin, f, letters) : 0;
	pixDestroy(&bin);
	pixDestroy(&norm);
	pixDestroy(&small);
	return result;
}

/* A grey copy for the text estimate: colour by the brightest channel (red
 * seals fade), bilevel as 0/255. */
static PIX *text_grey(PIX *pixs)
{
	PIX *src = pixGetColormap(pixs) ? pixRemoveColormap(pixs, REMOVE_CMAP_BASED_ON_SRC)
					: pixClone(pixs);
	PIX *g = NULL;
	if (!src)
		return NULL;
	switch (pixGetDepth(src)) {
	case 32:
		g = pixConvertRGBToGrayMinMax(src, L_CHOOSE_MAX);
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
	return g;
}

int sh_ocr_scale_dpi(PIX *pixs, int size_dpi, int photo, int *text_dpi, int *trusted)
{
	int tag = pixGetXRes(pixs);
	int dpi = size_dpi ? size_dpi : sh_ocr_page_dpi(pixs);
	*text_dpi = 0;
	*trusted = !photo && tag >= 100 && tag <= 1200 && dpi == tag;
	if (*trusted)
		return dpi; /* a scanner's tag that agrees with the page: unchanged */
	int t = 0;
	if (pixGetDepth(pixs) == 1 && !pixGetColormap(pixs) && pixGetWidth(pixs) <= TEXT_WORK_SIDE &&
	    pixGetHeight(pixs) <= TEXT_WORK_SIDE) {
		/* A bilevel page at its own size: sh_ocr_text_dpi's grey
		 * (0/255), background map (paper 255 -> 199, ink 0 -> 0; a
		 * copy when no map is made) and threshold at 140 give back
		 * these very bits; ~3 % of the CPU of a low-resolution page
		 * saved (docs/OCR.md "Session 17"). */
		PIX *ink = pixCopy(NULL, pixs);
		if (!ink)
			return dpi;
		pixSetPadBits(ink, 0);
		t = text_dpi_of_ink(ink, 1, NULL);
		pixDestroy(&ink);
	} else {
		PIX *g = text_grey(pixs);
		if (!g)
			return dpi; /* out of memory: the next step reports it */
		t = sh_ocr_text_dpi(g, NULL);
		pixDestroy(&g);
	}
	*text_dpi = t;
	if (t < 40 || t > 4000)
		return dpi;
	if (photo && !size_dpi)
		return t; /* a photo of a page of unknown size */
	if (t * 2 > dpi * 3 || t * 3 < dpi * 2)
		return t; /* the tag or the size and the text disagree: the text */
	return dpi;
}
