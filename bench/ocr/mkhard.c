/*
 * mkhard — make the hard desk scans the corpus lacks, from its pages.
 *
 *   mkhard OUTDIR PAGE.png...
 *
 * For each PAGE (a 300 dpi grey render such as the corpus's clean300
 * pages, NAME-clean300.png with NAME-clean300.gt.txt beside it) writes
 * OUTDIR/NAME-<kind>.<ext> and OUTDIR/NAME-<kind>.gt.txt for every kind:
 *
 *   upside    turned 180°
 *   sideways  turned 90° (odd pages clockwise, even pages anticlockwise)
 *   seal      colour JPEG, yellowish paper, red round seal (con dấu) with
 *             star and lettering stamped over text lines near the bottom
 *   dpi150    scanned at 150 dpi
 *   border    black scanner-lid borders on three sides, uneven widths
 *   shadow    dark binding shadow over the left quarter, fading inward
 *
 * Every kind also gets a small random skew (±1.2°) and sensor noise, so
 * nothing is pristine. Deterministic: the same inputs give the same files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

static unsigned long rng_state = 12345;

static double rnd(void) /* uniform [0,1) */
{
	rng_state = rng_state * 6364136223846793005ul + 1442695040888963407ul;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
	double u = rnd() + 1e-12, v = rnd();
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static int clamp(double v) { return v < 0 ? 0 : v > 255 ? 255 : (int)(v + 0.5); }

static PIX *skew_noise(PIX *pixs, double sigma)
{
	double deg = (rnd() * 2 - 1) * 1.2;
	PIX *r = pixRotate(pixs, deg * M_PI / 180, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
	int w = pixGetWidth(r), h = pixGetHeight(r), d = pixGetDepth(r), wpl = pixGetWpl(r);
	l_uint32 *data = pixGetData(r);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + y * wpl;
		for (int x = 0; x < w; x++) {
			if (d == 8) {
				SET_DATA_BYTE(line, x, clamp(GET_DATA_BYTE(line, x) + sigma * gauss()));
			} else {
				l_int32 rv, gv, bv;
				extractRGBValues(line[x], &rv, &gv, &bv);
				double n = sigma * gauss();
				composeRGBPixel(clamp(rv + n), clamp(gv + n), clamp(bv + n), &line[x]);
			}
		}
	}
	return r;
}

/* Seal ink coverage 0..1 at (x, y) for a seal centred at (cx, cy). */
static double seal_ink(double x, double y, double cx, double cy, double R, const double *marks,
		       int nmarks)
{
	double dx = x - cx, dy = y - cy, dist = sqrt(dx * dx + dy * dy);
	if (fabs(dist - R) < R * 0.035)
		return 1;
	if (fabs(dist - R * 0.62) < R * 0.018)
		return 1;
	if (dist > R * 1.05)
		return 0;
	/* five-pointed star in the centre */
	double ang = atan2(dy, dx) + M_PI / 2, rs = R * 0.22;
	double k = fmod(ang + 20 * M_PI, 2 * M_PI / 5) - M_PI / 5;
	double lim = rs * 0.42 / cos(fabs(k) * 0.95);
	double star = rs * (0.42 + 0.58 * (1 - fabs(k) / (M_PI / 5)));
	if (dist < (star > lim ? star : lim) && dist < rs)
		return 1;
	/* lettering: small strokes around the ring and across the middle */
	for (int i = 0; i < nmarks; i++) {
		const double *m = marks + 4 * i;
		if (fabs(x - m[0]) < m[2] && fabs(y - m[1]) < m[3])
			return 1;
	}
	return 0;
}

static PIX *make_seal(PIX *pixg)
{
	int w = pixGetWidth(pixg), h = pixGetHeight(pixg);
	PIX *pixc = pixConvertTo32(pixg);
	double R = 0.085 * w, cx = w * (0.55 + 0.2 * rnd()), cy = h * (0.55 + 0.2 * rnd());
	enum { NM = 140 };
	double marks[4 * NM];
	for (int i = 0; i < NM; i++) {
		double *m = marks + 4 * i;
		if (i < 110) {
			double a = 2 * M_PI * i / 110, rr = R * (0.74 + 0.14 * rnd());
			m[0] = cx + rr * cos(a);
			m[1] = cy + rr * sin(a);
		} else {
			m[0] = cx + (rnd() * 1.1 - 0.55) * R;
			m[1] = cy + (rnd() < 0.5 ? -0.38 : 0.38) * R + gauss() * 4;
		}
		m[2] = 2 + rnd() * 5;
		m[3] = 3 + rnd() * 7;
	}
	double ir = 200 + 25 * rnd(), ig = 25 + 30 * rnd(), ib = 35 + 25 * rnd();
	int wpl = pixGetWpl(pixc);
	l_uint32 *data = pixGetData(pixc);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + y * wpl;
		for (int x = 0; x < w; x++) {
			l_int32 rv, gv, bv;
			extractRGBValues(line[x], &rv, &gv, &bv);
			/* yellowed paper */
			bv = (int)(bv * 0.86);
			gv = (int)(gv * 0.96);
			double a = seal_ink(x, y, cx, cy, R, marks, NM) * (0.75 + 0.2 * rnd());
			if (a > 0) {
				rv = clamp(rv * (1 - a + a * ir / 255));
				gv = clamp(gv * (1 - a + a * ig / 255));
				bv = clamp(bv * (1 - a + a * ib / 255));
			}
			composeRGBPixel(rv, gv, bv, &line[x]);
		}
	}
	return pixc;
}

static PIX *make_border(PIX *pixg)
{
	int w = pixGetWidth(pixg), h = pixGetHeight(pixg);
	PIX *pixd = pixCopy(NULL, pixg);
	int top = 40 + (int)(rnd() * 80), left = 30 + (int)(rnd() * 90),
	    right = 25 + (int)(rnd() * 70), bottom = 50 + (int)(rnd() * 60);
	int wpl = pixGetWpl(pixd);
	l_uint32 *data = pixGetData(pixd);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + y * wpl;
		/* edges wander a little, as a page lying askew on the glass */
		int l = left + (int)(15 * sin(y * 0.002)), r = right + (int)(10 * cos(y * 0.003));
		for (int x = 0; x < w; x++) {
			int b = y < top + (int)(8 * sin(x * 0.004)) || y >= h - bottom || x < l ||
				x >= w - r;
			if (b)
				SET_DATA_BYTE(line, x, 18 + (int)(rnd() * 25));
		}
	}
	return pixd;
}

static PIX *make_shadow(PIX *pixg)
{
	int w = pixGetWidth(pixg), h = pixGetHeight(pixg);
	PIX *pixd = pixCopy(NULL, pixg);
	int band = (int)(w * (0.28 + 0.08 * rnd()));
	int wpl = pixGetWpl(pixd);
	l_uint32 *data = pixGetData(pixd);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + y * wpl;
		for (int x = 0; x < band; x++) {
			double t = (double)x / band; /* 0 at the binding */
			double f = 0.22 + 0.78 * pow(t, 0.6);
			SET_DATA_BYTE(line, x, clamp(GET_DATA_BYTE(line, x) * f));
		}
	}
	return pixd;
}

static int write_gt(const char *src, const char *dst)
{
	FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
	char buf[8192];
	size_t n;
	if (!in || !out) {
		if (in)
			fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkhard OUTDIR PAGE.png...\n");
		return 2;
	}
	setMsgSeverity(L_SEVERITY_ERROR);
	static const char *kinds[] = {"upside", "sideways", "seal", "dpi150", "border", "shadow"};
	for (int a = 2; a < argc; a++) {
		PIX *pix = pixRead(argv[a]);
		if (!pix) {
			fprintf(stderr, "mkhard: cannot read %s\n", argv[a]);
			return 1;
		}
		PIX *pixg = pixConvertTo8(pix, 0);
		pixDestroy(&pix);
		char stem[1024], gt[1100];
		const char *base = strrchr(argv[a], '/');
		base = base ? base + 1 : argv[a];
		snprintf(stem, sizeof stem, "%s", base);
		char *dot = strrchr(stem, '.');
		if (dot)
			*dot = 0;
		snprintf(gt, sizeof gt, "%.*s/%s.gt.txt", (int)(base - argv[a]), argv[a], stem);
		char *dash = strrchr(stem, '-'); /* drop the source recipe */
		if (dash)
			*dash = 0;
		for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
			PIX *t = NULL, *out = NULL;
			int fmt = IFF_PNG, dpi = 300;
			switch (k) {
			case 0: t = pixRotate180(NULL, pixg); break;
			case 1: t = pixRotateOrth(pixg, a % 2 ? 1 : 3); break;
			case 2: t = make_seal(pixg); fmt = IFF_JFIF_JPEG; break;
			case 3: t = pixScaleAreaMap(pixg, 0.5, 0.5); dpi = 150; break;
			case 4: t = make_border(pixg); break;
			case 5: t = make_shadow(pixg); break;
			}
			out = skew_noise(t, 7);
			pixDestroy(&t);
			pixSetResolution(out, dpi, dpi);
			char path[1200], gpath[1200];
			snprintf(path, sizeof path, "%s/%s-%s.%s", argv[1], stem, kinds[k],
				 fmt == IFF_PNG ? "png" : "jpg");
			snprintf(gpath, sizeof gpath, "%s/%s-%s.gt.txt", argv[1], stem, kinds[k]);
			if (fmt == IFF_JFIF_JPEG)
				pixWriteJpeg(path, out, 80, 0);
			else
				pixWrite(path, out, IFF_PNG);
			if (write_gt(gt, gpath)) {
				fprintf(stderr, "mkhard: cannot copy %s to %s\n", gt, gpath);
				return 1;
			}
			pixDestroy(&out);
			printf("%s\n", path);
		}
		pixDestroy(&pixg);
	}
	return 0;
}
