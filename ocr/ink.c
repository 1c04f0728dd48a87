/*
 * Colour: the page made grey with stamps dropped and coloured printed text
 * kept (step 1 of the clean-up, clean.c); see docs/OCR.md "Issue 23: colour".
 *
 * 1. The paper's own colour is measured (the mean of the page's brighter
 *    pixels) and every channel divided by it, so cream, pink, blue or yellow
 *    paper and a phone's colour cast become white, and a colour is judged
 *    against the paper, not against pure white.
 * 2. Coloured ink (darker than half the paper in one channel at least, and
 *    saturated) is sampled at ~100 dpi, joined into pieces and each piece
 *    classified: a ring (a round seal: a circle fitted to its pixels, 5-30 mm
 *    in radius, with ink all round it) makes its disc a stamp; a framed
 *    piece 9 mm high or more (a rectangular stamp) or any other large piece
 *    that is not a line of text (10-60 mm both ways) makes its box a stamp.
 * 3. Inside stamps the page takes the brightest normalised channel (the
 *    stamp's ink turns white, black text under it stays black), except for
 *    coloured ink of another hue than the stamp's own or much darker (a
 *    printed title the seal overlaps); elsewhere the darkest (coloured text
 *    stays dark), coloured marks with nothing dark within ~1 mm (patterns,
 *    tinted cells) being pushed to the brightest one.
 */
#include "ocr_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int nomem(const char *what)
{
	return sh_error_set(SH_ENOMEM, "page clean-up: out of memory (%s)", what);
}

/* The paper's colour: mean of the pixels between the 60th and 98th
 * percentile of brightness (the page is mostly paper), each channel >= 40. */
static void paper_colour(PIX *pixs, double paper[3])
{
	int w = pixGetWidth(pixs), h = pixGetHeight(pixs), wpl = pixGetWpl(pixs);
	l_uint32 *data = pixGetData(pixs);
	long hist[766] = {0}, total = 0;
	for (int y = 0; y < h; y += 4)
		for (int x = 0; x < w; x += 4) {
			l_int32 r, g, b;
			extractRGBValues(data[(size_t)y * wpl + x], &r, &g, &b);
			hist[r + g + b]++;
			total++;
		}
	long acc = 0;
	int lo = 0, hi = 765;
	for (int v = 0; v <= 765; v++) {
		acc += hist[v];
		if (acc < total * 60 / 100)
			lo = v + 1;
		if (acc < total * 98 / 100)
			hi = v + 1;
	}
	double s[3] = {0, 0, 0};
	long n = 0;
	for (int y = 0; y < h; y += 4)
		for (int x = 0; x < w; x += 4) {
			l_int32 r, g, b;
			extractRGBValues(data[(size_t)y * wpl + x], &r, &g, &b);
			if (r + g + b < lo || r + g + b > hi)
				continue;
			s[0] += r, s[1] += g, s[2] += b;
			n++;
		}
	for (int c = 0; c < 3; c++) {
		paper[c] = n ? s[c] / (double)n : 255.0;
		if (paper[c] < 40)
			paper[c] = 40;
	}
}

/* Normalised channels (paper = 255) of one pixel: darkest and brightest. */
static inline void norm_minmax(l_uint32 px, const int k[3], int *mn, int *mx)
{
	l_int32 r, g, b;
	extractRGBValues(px, &r, &g, &b);
	int v[3] = {(r * k[0]) >> 16, (g * k[1]) >> 16, (b * k[2]) >> 16};
	int lo = v[0], hi = v[0];
	for (int c = 1; c < 3; c++) {
		lo = v[c] < lo ? v[c] : lo;
		hi = v[c] > hi ? v[c] : hi;
	}
	*mn = lo > 255 ? 255 : lo;
	*mx = hi > 255 ? 255 : hi;
}

/* Coloured ink: dark in one channel, saturated against the paper. */
static inline int is_ink(int mn, int mx)
{
	return mn < 140 && mx - mn > 50 && (mx - mn) * 100 > 35 * mx;
}

typedef struct pts {
	int n;
	float *x, *y;
} pts;

/* Circle through the points (algebraic least squares) restricted to those
 * within band of the circle (cx, cy, r) when r > 0; 0 on success. */
static int circle_fit(const pts *p, double *cx, double *cy, double *r, double band)
{
	double sxx = 0, sxy = 0, syy = 0, sx = 0, sy = 0, sz = 0, sxz = 0, syz = 0, n = 0;
	for (int i = 0; i < p->n; i++) {
		double x = p->x[i], y = p->y[i];
		if (*r > 0 && fabs(hypot(x - *cx, y - *cy) - *r) > band)
			continue;
		double z = x * x + y * y;
		sxx += x * x, sxy += x * y, syy += y * y, sx += x, sy += y;
		sz += z, sxz += x * z, syz += y * z, n++;
	}
	if (n < 10)
		return -1;
	/* [sxx sxy sx; sxy syy sy; sx sy n] [D E F] = -[sxz syz sz] */
	double a[3][4] = {{sxx, sxy, sx, -sxz}, {sxy, syy, sy, -syz}, {sx, sy, n, -sz}};
	for (int c = 0; c < 3; c++) {
		int piv = c;
		for (int i = c + 1; i < 3; i++)
			if (fabs(a[i][c]) > fabs(a[piv][c]))
				piv = i;
		if (fabs(a[piv][c]) < 1e-9)
			return -1;
		for (int j = 0; j < 4; j++) {
			double t = a[c][j];
			a[c][j] = a[piv][j];
			a[piv][j] = t;
		}
		for (int i = 0; i < 3; i++) {
			if (i == c)
				continue;
			double f = a[i][c] / a[c][c];
			for (int j = c; j < 4; j++)
				a[i][j] -= f * a[c][j];
		}
	}
	double D = a[0][3] / a[0][0], E = a[1][3] / a[1][1], F = a[2][3] / a[2][2];
	double rr = D * D / 4 + E * E / 4 - F;
	if (rr <= 0)
		return -1;
	*cx = -D / 2, *cy = -E / 2, *r = sqrt(rr);
	return 0;
}

/* Share of the points within 15 % of r of the circle, and of 36 angular
 * sectors holding one of those. */
static void ring_score(const pts *p, double cx, double cy, double r, double *in, double *cover)
{
	int bins[36] = {0}, k = 0, nb = 0;
	for (int i = 0; i < p->n; i++) {
		double dx = p->x[i] - cx, dy = p->y[i] - cy;
		if (fabs(hypot(dx, dy) - r) > 0.15 * r)
			continue;
		k++;
		int b = (int)((atan2(dy, dx) + M_PI) / (2 * M_PI) * 36);
		bins[b < 0 ? 0 : b > 35 ? 35 : b] = 1;
	}
	for (int b = 0; b < 36; b++)
		nb += bins[b];
	*in = p->n ? (double)k / p->n : 0;
	*cover = nb / 36.0;
}

/* Share of 180 points along the circle with ink within 6 % of r (at least
 * 2 samples) across it: a seal's ring is drawn all round, a circle merely
 * touching a frame's sides or a word's letters is not. ink holds the circle
 * at (cx, cy); *sectors (may be NULL): the share of 36 sectors with a hit. */
static double ring_drawn(PIX *ink, double cx, double cy, double r, double *sectors)
{
	int w = pixGetWidth(ink), h = pixGetHeight(ink), wpl = pixGetWpl(ink), hit = 0, nb = 0;
	int bins[36] = {0};
	l_uint32 *data = pixGetData(ink);
	double band = 0.06 * r > 2 ? 0.06 * r : 2;
	for (int i = 0; i < 180; i++) {
		double a = 2 * M_PI * i / 180, c = cos(a), s = sin(a);
		for (double d = r - band; d <= r + band; d += 1.0) {
			int x = (int)lround(cx + d * c), y = (int)lround(cy + d * s);
			if (x >= 0 && y >= 0 && x < w && y < h && GET_DATA_BIT(data + (size_t)y * wpl, x)) {
				hit++;
				bins[i / 5] = 1;
				break;
			}
		}
	}
	for (int b = 0; b < 36; b++)
		nb += bins[b];
	if (sectors)
		*sectors = nb / 36.0;
	return hit / 180.0;
}

/* A round seal among the points (sample coordinates, the piece's box bw x
 * bh): tries the fit of all points, and circles as high as the box at either
 * end of it (a title touching the seal widens the piece), each refined
 * three times on the points near it. 1 and the circle when found. all: the
 * page's coloured ink, the piece at (ox, oy) in it: a ring cut in pieces by
 * black text crossing it (a signer's name and title over the seal, blurred
 * in a small photo) is drawn all round there, though not in the piece; the
 * piece must still hold half of it, so its points alone place the circle. */
static int find_ring(PIX *ink, const pts *p, double mm, PIX *all, int ox, int oy, double *ocx,
		     double *ocy, double *or)
{
	double best = 0;
	int bw = pixGetWidth(ink), bh = pixGetHeight(ink);
	double h2 = bh / 2.0, start[3][3] = {{0, 0, 0}, {h2, h2, h2}, {bw - h2, h2, h2}};
	for (int s = 0; s < 3; s++) {
		double cx = start[s][0], cy = start[s][1], r = start[s][2];
		if (s == 0 && circle_fit(p, &cx, &cy, &r, 0))
			continue;
		for (int it = 0; it < 3; it++)
			if (circle_fit(p, &cx, &cy, &r, (0.35 - 0.08 * it) * r))
				break;
		double in, cover, sectors = 0;
		ring_score(p, cx, cy, r, &in, &cover);
		if (r * mm < 5.0 || r * mm > 30.0 || in < 0.3 || cover < 0.5)
			continue;
		if ((cover < 0.7 || ring_drawn(ink, cx, cy, r, NULL) < 0.6) &&
		    (!all || ring_drawn(all, cx + ox, cy + oy, r, &sectors) < 0.6 || sectors < 0.7))
			continue;
		if (in * cover > best) {
			best = in * cover;
			*ocx = cx, *ocy = cy, *or = r;
		}
	}
	return best > 0;
}

/* Fills the stamp mask (sample scale) where the piece's stamp lies. */
static void paint_disc(PIX *st, double cx, double cy, double r, int label)
{
	int w = pixGetWidth(st), h = pixGetHeight(st), wpl = pixGetWpl(st);
	l_uint32 *data = pixGetData(st);
	for (int y = (int)(cy - r) - 1; y <= (int)(cy + r) + 1; y++) {
		if (y < 0 || y >= h)
			continue;
		double dy = y - cy, dx2 = r * r - dy * dy;
		if (dx2 < 0)
			continue;
		int x0 = (int)(cx - sqrt(dx2)), x1 = (int)(cx + sqrt(dx2));
		for (int x = x0 < 0 ? 0 : x0; x <= x1 && x < w; x++)
			SET_DATA_BYTE(data + (size_t)y * wpl, x, label);
	}
}

/* 1 when one connected mark spans the piece (80 % of its width, 70 % of its
 * height), is no square (sides 1.6:1 or more) and has ink in each corner
 * (a quarter of its box each way): a frame; 0 if not, -1 out of memory. */
static int frame_of(PIX *ink)
{
	int w = pixGetWidth(ink), h = pixGetHeight(ink), framed = 0;
	PIXA *pixa = NULL;
	BOXA *cc = pixConnComp(ink, &pixa, 8);
	if (!cc)
		return -1;
	for (int i = 0; i < boxaGetCount(cc) && !framed; i++) {
		l_int32 cw, ch;
		boxaGetBoxGeometry(cc, i, NULL, NULL, &cw, &ch);
		if (cw < 0.8 * w || ch < 0.7 * h || (cw < 1.6 * ch && ch < 1.6 * cw))
			continue;
		PIX *c = pixaGetPix(pixa, i, L_CLONE);
		if (!c) {
			framed = -1;
			break;
		}
		int qw = cw / 4 > 1 ? cw / 4 : 1, qh = ch / 4 > 1 ? ch / 4 : 1, corners = 0;
		for (int k = 0; k < 4; k++) {
			BOX *q = boxCreate(k & 1 ? cw - qw : 0, k & 2 ? ch - qh : 0, qw, qh);
			l_int32 n = 0;
			if (q)
				pixCountPixelsInRect(c, q, &n, NULL);
			corners += n > 0;
			boxDestroy(&q);
		}
		pixDestroy(&c);
		framed = corners == 4;
	}
	boxaDestroy(&cc);
	pixaDestroy(&pixa);
	return framed;
}

/* Classifies one joined piece (its original ink in pix at box bx, by) and
 * paints its stamp region into st (all: the page's coloured ink, at the same
 * scale). 1 when it is a stamp, 0 if not, -1 out of memory. */
static int piece_stamp(PIX *ink, int bx, int by, double mm, PIX *st, int label, pts *p, PIX *all)
{
	int w = pixGetWidth(ink), h = pixGetHeight(ink), wpl = pixGetWpl(ink);
	l_uint32 *data = pixGetData(ink);
	double wmm = w * mm, hmm = h * mm;
	if (wmm < 10.0 || hmm < 10.0 || hmm > 60.0 || wmm > 130.0)
		return 0;
	p->n = 0;
	int step = 1;
	l_int32 cnt = 0;
	pixCountPixels(ink, &cnt, NULL);
	while (cnt / (step * step) > 6000)
		step++;
	for (int y = 0; y < h; y += step)
		for (int x = 0; x < w; x += step)
			if (GET_DATA_BIT(data + (size_t)y * wpl, x)) {
				p->x[p->n] = (float)x;
				p->y[p->n] = (float)y;
				p->n++;
			}
	/* a frame first: a rectangle is no ring, though a circle fits inside */
	int framed = frame_of(ink);
	if (framed < 0)
		return -1;
	double cx = 0, cy = 0, r = 0;
	if (!framed && find_ring(ink, p, mm, all, bx, by, &cx, &cy, &r)) {
		paint_disc(st, bx + cx, by + cy, r * 1.08 + 1.0 / mm, label);
		return 1;
	}
	if (wmm > 60.0)
		return 0;
	/* framed: a rectangular stamp when 9 mm high or more, a boxed line of
	 * text ("Số: ...") below; else a line of text: letters side by side, up
	 * to 14 mm high; anything else large is a stamp */
	if (framed ? hmm < 9.0 : hmm <= 14.0)
		return 0;
	int m = (int)lround(1.0 / mm);
	BOX *b = boxCreate(bx - m, by - m, w + 2 * m, h + 2 * m);
	int bad = !b || pixSetInRectArbitrary(st, b, (l_uint32)label);
	boxDestroy(&b);
	return bad ? -1 : 1;
}

/* Coloured ink on a ~100 dpi sample (factor r), joined and classified: *st
 * the stamps at the same scale, 8 bpp, each its own label 1..255 (NULL when
 * none). */
static int find_stamps(PIX *pixs, int dpi, const int k[3], int r, PIX **st)
{
	int rc = SH_OK;
	PIX *m = NULL, *joined = NULL;
	BOXA *boxa = NULL;
	PIXA *pixa = NULL;
	pts p = {0, NULL, NULL};
	int nst = 0;
	*st = NULL;
	double mm = 25.4 * r / dpi;
	int w = pixGetWidth(pixs) / r, h = pixGetHeight(pixs) / r, wpl = pixGetWpl(pixs);
	l_uint32 *data = pixGetData(pixs);
	m = pixCreate(w, h, 1);
	*st = pixCreate(w, h, 8);
	p.x = malloc(sizeof(float) * 6400 * 2);
	if (!m || !*st || !p.x) {
		rc = nomem("stamps");
		goto out;
	}
	p.y = p.x + 6400;
	l_uint32 *mdata = pixGetData(m);
	int mwpl = pixGetWpl(m);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * r * wpl, *mline = mdata + (size_t)y * mwpl;
		for (int x = 0; x < w; x++) {
			int mn, mx;
			norm_minmax(line[x * r], k, &mn, &mx);
			if (is_ink(mn, mx))
				SET_DATA_BIT(mline, x);
		}
	}
	/* 1.5 mm along rows, 1 mm across: a word's letters and a seal's ring,
	 * lettering and star (cut by black text crossing it) become one piece */
	int jx = (int)lround(1.5 / mm) | 1, jy = (int)lround(1.0 / mm) | 1;
	joined = pixDilateBrick(NULL, m, jx, jy);
	boxa = joined ? pixConnComp(joined, &pixa, 8) : NULL;
	if (!boxa) {
		rc = nomem("stamps");
		goto out;
	}
	for (int i = 0; i < boxaGetCount(boxa); i++) {
		l_int32 bx, by, bw, bh;
		boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
		if (bw * mm < 10.0 || bh * mm < 10.0)
			continue;
		BOX *b = boxaGetBox(boxa, i, L_CLONE);
		PIX *piece = pixaGetPix(pixa, i, L_CLONE);
		PIX *ink = b ? pixClipRectangle(m, b, NULL) : NULL;
		PIX *tight = NULL;
		BOX *tb = NULL;
		if (ink && piece)
			pixAnd(ink, ink, piece);
		if (ink && !pixClipToForeground(ink, &tight, &tb) && tight) {
			l_int32 tx, ty;
			boxGetGeometry(tb, &tx, &ty, NULL, NULL);
			int one = piece_stamp(tight, bx + tx, by + ty, mm, *st, nst < 255 ? nst + 1 : 255, &p,
					       m);
			if (one < 0)
				rc = nomem("stamps");
			nst += one > 0;
		}
		int failed = !ink || !piece;
		boxDestroy(&b);
		boxDestroy(&tb);
		pixDestroy(&piece);
		pixDestroy(&ink);
		pixDestroy(&tight);
		if (failed || rc) {
			rc = nomem("stamps");
			goto out;
		}
	}
out:
	if (rc || !nst)
		pixDestroy(st);
	free(p.x);
	pixDestroy(&m);
	pixDestroy(&joined);
	boxaDestroy(&boxa);
	pixaDestroy(&pixa);
	return rc;
}

/* The grey value of one pixel outside stamps: the darkest normalised channel,
 * moved towards the brightest for a coloured mark with nothing dark within
 * ~1 mm (loc: the darkest channel's minimum there): a light pattern or a
 * tinted cell fades, a coloured letter and its fringe stay. */
static inline int grey_of(int mn, int mx, int loc)
{
	if (mx <= mn)
		return mn;
	int s = (mx - mn) * 256 / mx;      /* saturation, 0..256 */
	int cw = (s - 30) * 256 / 50;      /* colouredness, 0..256 */
	int t = (loc - 100) * 256 / 30;     /* lightness of the mark, 0..256 */
	cw = cw < 0 ? 0 : cw > 256 ? 256 : cw;
	t = t < 0 ? 0 : t > 256 ? 256 : t;
	return mn + (((mx - mn) * ((cw * t) >> 8)) >> 8);
}

/* The darkest normalised channel of coloured pixels (255 elsewhere): its
 * minimum over r x r blocks, then over size x size blocks around each (*out, 8 bpp, owned by the caller). */
static int local_dark(PIX *pixs, const int k[3], int r, int size, PIX **out)
{
	int w = pixGetWidth(pixs) / r, h = pixGetHeight(pixs) / r, wpl = pixGetWpl(pixs);
	l_uint32 *data = pixGetData(pixs);
	PIX *m = pixCreate(w, h, 8);
	*out = NULL;
	if (!m)
		return nomem("grey");
	l_uint32 *mdata = pixGetData(m);
	int mwpl = pixGetWpl(m);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int lo = 255;
			for (int j = 0; j < r; j++)
				for (int i = 0; i < r; i++) {
					int mn, mx;
					norm_minmax(data[(size_t)(y * r + j) * wpl + x * r + i], k, &mn, &mx);
					if ((mx - mn) * 100 > 25 * mx && mn < lo)
						lo = mn; /* coloured pixels only */
				}
			SET_DATA_BYTE(mdata + (size_t)y * mwpl, x, lo);
		}
	*out = pixErodeGray(m, size, size);
	pixDestroy(&m);
	return *out ? SH_OK : nomem("grey");
}

/* Hue of normalised channels, degrees 0..359. */
static inline int hue_of(l_uint32 px, const int k[3])
{
	l_int32 r, g, b;
	extractRGBValues(px, &r, &g, &b);
	double R = (r * k[0]) >> 16, G = (g * k[1]) >> 16, B = (b * k[2]) >> 16;
	double a = atan2(sqrt(3.0) * (G - B), 2 * R - G - B) * 180 / M_PI;
	return (int)(a < 0 ? a + 360 : a);
}

typedef struct stamp_ink {
	int hue, mx; /* mean hue and brightest channel of the stamp's own ink */
} stamp_ink;

/* Mean hue and brightest channel of the coloured ink under each stamp label
 * (sampled every r pixels); ink[0..255]. */
static void stamp_inks(PIX *pixs, PIX *st, const int k[3], int r, stamp_ink ink[256])
{
	double hx[256] = {0}, hy[256] = {0}, mxs[256] = {0};
	long n[256] = {0};
	int w = pixGetWidth(st), h = pixGetHeight(st), wpl = pixGetWpl(pixs), swpl = pixGetWpl(st);
	l_uint32 *data = pixGetData(pixs), *sdata = pixGetData(st);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int l = GET_DATA_BYTE(sdata + (size_t)y * swpl, x), mn, mx;
			l_uint32 px = data[(size_t)y * r * wpl + x * r];
			norm_minmax(px, k, &mn, &mx);
			if (!l || !is_ink(mn, mx))
				continue;
			double a = hue_of(px, k) * M_PI / 180;
			hx[l] += cos(a), hy[l] += sin(a), mxs[l] += mx, n[l]++;
		}
	for (int l = 0; l < 256; l++) {
		double a = atan2(hy[l], hx[l]) * 180 / M_PI;
		ink[l].hue = (int)(a < 0 ? a + 360 : a);
		ink[l].mx = n[l] ? (int)(mxs[l] / (double)n[l]) : 255;
	}
}

/* Inside stamps, printed ink that is not the stamp's: r x r blocks whose
 * mean colour is ink of another hue than the stamp's (> 35 degrees) or much
 * darker (brightest channel 45 below the stamp's mean), in pieces of 3
 * blocks across or more (a letter's stroke, not the stamp's noisy ink).
 * *out: 1 bpp at the sample scale, owned by the caller. */
static int other_ink(PIX *pixs, PIX *st, const stamp_ink *sink, const int k[3], int r, PIX **out)
{
	int w = pixGetWidth(st), h = pixGetHeight(st), wpl = pixGetWpl(pixs), swpl = pixGetWpl(st);
	l_uint32 *data = pixGetData(pixs), *sdata = pixGetData(st);
	PIX *m = pixCreate(w, h, 1);
	*out = NULL;
	if (!m)
		return nomem("stamps");
	l_uint32 *mdata = pixGetData(m);
	int mwpl = pixGetWpl(m);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int l = GET_DATA_BYTE(sdata + (size_t)y * swpl, x), mn, mx;
			if (!l)
				continue;
			int sr = 0, sg = 0, sb = 0;
			for (int j = 0; j < r; j++)
				for (int i = 0; i < r; i++) {
					l_int32 cr, cg, cb;
					extractRGBValues(data[(size_t)(y * r + j) * wpl + x * r + i], &cr, &cg, &cb);
					sr += cr, sg += cg, sb += cb;
				}
			l_uint32 px;
			composeRGBPixel(sr / (r * r), sg / (r * r), sb / (r * r), &px);
			norm_minmax(px, k, &mn, &mx);
			if (!is_ink(mn, mx))
				continue;
			int dh = abs(hue_of(px, k) - sink[l].hue);
			dh = dh > 180 ? 360 - dh : dh;
			if (dh > 35 || mx < sink[l].mx - 45)
				SET_DATA_BIT(mdata + (size_t)y * mwpl, x);
		}
	*out = pixSelectBySize(m, 3, 3, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, NULL);
	pixDestroy(&m);
	return *out ? SH_OK : nomem("stamps");
}

/* Inside a stamp: the brightest normalised channel, and white where the
 * stamp's own ink is (coloured and not dark: black text under the stamp's
 * ink stays dark, and it alone). */
static inline int stamp_grey(int mn, int mx)
{
	return mx > 120 && (mx - mn) * 100 > 10 * mx ? 255 : mx;
}

/* Step 1: an 8-bit grey page (dpi: the page's true resolution). */
int sh_ocr_make_grey(PIX *pixs, unsigned steps, int dpi, PIX **out, sh_clean_report *rep)
{
	int rc = SH_OK;
	PIX *pixc = NULL, *st = NULL, *loc = NULL, *oth = NULL;
	stamp_ink *sink = NULL;
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
	if (d != 32 || !(steps & SH_CLEAN_SEAL)) {
		*out = d == 32 ? pixConvertRGBToLuminance(pixs) : pixConvertTo8(pixs, 0);
		rc = *out ? SH_OK : nomem("grey");
		goto out;
	}
	double paper[3];
	int k[3];
	paper_colour(pixs, paper);
	for (int c = 0; c < 3; c++)
		k[c] = (int)(255.0 * 65536.0 / paper[c]);
	int r = dpi / 100 > 1 ? dpi / 100 : 1;
	int w = pixGetWidth(pixs), h = pixGetHeight(pixs), wpl = pixGetWpl(pixs);
	if (w / r < 16 || h / r < 16) { /* too small to hold a stamp or a pattern */
		*out = pixConvertRGBToLuminance(pixs);
		rc = *out ? SH_OK : nomem("grey");
		goto out;
	}
	rc = find_stamps(pixs, dpi, k, r, &st);
	if (rc)
		goto out;
	if (st)
		rep->flags |= SH_PAGE_SEAL;
	if (st) {
		sink = calloc(256, sizeof *sink);
		if (!sink) {
			rc = nomem("stamps");
			goto out;
		}
		stamp_inks(pixs, st, k, r, sink);
		rc = other_ink(pixs, st, sink, k, r, &oth);
		if (rc)
			goto out;
	}
	*out = pixCreate(w, h, 8);
	if (!*out) {
		rc = nomem("grey");
		goto out;
	}
	pixCopyResolution(*out, pixs);
	rc = local_dark(pixs, k, r, (int)lround(0.6 * dpi / 25.4 / r) | 1, &loc);
	if (rc)
		goto out;
	l_uint32 *data = pixGetData(pixs), *odata = pixGetData(*out), *ldata = pixGetData(loc);
	int lwpl = pixGetWpl(loc), lw = pixGetWidth(loc), lh = pixGetHeight(loc);
	l_uint32 *sdata = st ? pixGetData(st) : NULL;
	int owpl = pixGetWpl(*out), swpl = st ? pixGetWpl(st) : 0;
	int sw = st ? pixGetWidth(st) : 0, sh = st ? pixGetHeight(st) : 0;
	l_uint32 *odat = oth ? pixGetData(oth) : NULL;
	int owpl2 = oth ? pixGetWpl(oth) : 0;
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * wpl, *oline = odata + (size_t)y * owpl;
		l_uint32 *sline = sdata && y / r < sh ? sdata + (size_t)(y / r) * swpl : NULL;
		l_uint32 *oline2 = sline ? odat + (size_t)(y / r) * owpl2 : NULL;
		l_uint32 *lline = y / r < lh ? ldata + (size_t)(y / r) * lwpl : NULL;
		for (int x = 0; x < w; x++) {
			int mn, mx;
			norm_minmax(line[x], k, &mn, &mx);
			int lv = lline && x / r < lw ? (int)GET_DATA_BYTE(lline, x / r) : mn;
			int l = sline && x / r < sw ? (int)GET_DATA_BYTE(sline, x / r) : 0;
			/* printed ink of another colour under a stamp stays */
			if (l && (mx - mn) * 100 > 25 * mx && GET_DATA_BIT(oline2, x / r))
				l = 0;
			SET_DATA_BYTE(oline, x, l ? stamp_grey(mn, mx) : grey_of(mn, mx, lv));
		}
	}
out:
	if (rc)
		pixDestroy(out);
	free(sink);
	pixDestroy(&oth);
	pixDestroy(&st);
	pixDestroy(&loc);
	pixDestroy(&pixc);
	return rc;
}
