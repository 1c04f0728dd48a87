/* Phone photos, red printed headings, lying resolution tags and short pages
 * upside down (ocr/clean.c), on real Leptonica and Tesseract engines.
 *
 * Data: tests/data/clean/gks-red.png (+ .gt.txt), the top 235 mm of a birth
 * certificate at 300 dpi made by bench/ocr/mkphoto.py --gks-test: title
 * "GIẤY KHAI SINH" printed in red, a red round seal (ring, lettering, star)
 * over the signature. Photos are made here from it: the page (A4, paper
 * tint) in perspective on a textured brown desk, a light gradient, a 72 dpi
 * tag, corners known. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ocr_int.h"

#define GKS SOHOA_TEST_DATA "/clean/gks-red.png"
#define GKS_GT SOHOA_TEST_DATA "/clean/gks-red.gt.txt"

typedef struct fixture {
	sh_ocr_options opts;
	sh_ocr_worker w; /* osd and recognition engines */
	PIX *gks;        /* the birth certificate, 32 bpp, 300 dpi */
	PIX *a4;         /* the same on a whole A4 sheet */
	char *gt;
} fixture;

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = calloc(1, 1 << 16);
	size_t n = buf ? fread(buf, 1, (1 << 16) - 1, fp) : 0;
	(void)n;
	fclose(fp);
	return buf;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	setMsgSeverity(L_SEVERITY_NONE);
	f->opts.clean = SH_CLEAN_ALL;
	f->w.opts = &f->opts;
	f->w.osd = TessBaseAPICreate();
	f->w.api = TessBaseAPICreate();
	TessBaseAPISetVariable(f->w.osd, "debug_file", "/dev/null");
	TessBaseAPISetVariable(f->w.api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(f->w.osd, NULL, "osd") || TessBaseAPIInit3(f->w.api, NULL, "vie"))
		return -1;
	PIX *p = pixRead(GKS);
	if (!p)
		return -1;
	f->gks = pixConvertTo32(p);
	pixSetResolution(f->gks, 300, 300);
	pixDestroy(&p);
	/* whole sheet: 2480 x 3508, paper tint below the printed part */
	f->a4 = pixCreate(2480, 3508, 32);
	pixSetAllArbitrary(f->a4, 0xfcfbf700);
	pixRasterop(f->a4, 0, 0, pixGetWidth(f->gks), pixGetHeight(f->gks), PIX_SRC, f->gks, 0, 0);
	pixSetResolution(f->a4, 300, 300);
	f->gt = slurp(GKS_GT);
	if (!f->gt)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	TessBaseAPIDelete(f->w.osd);
	TessBaseAPIDelete(f->w.api);
	pixDestroy(&f->gks);
	pixDestroy(&f->a4);
	free(f->gt);
	free(f);
	return 0;
}

/* A photo of page: scaled by s, corners c (TL, TR, BR, BL) on a w x h
 * textured desk, a light gradient across, JPEG-free (the generator in
 * bench/ocr covers JPEG), a 72 dpi tag. */
static PIX *make_photo_on(PIX *page, const float c[8], int w, int h, int white);

static PIX *make_photo(PIX *page, const float c[8], int w, int h)
{
	return make_photo_on(page, c, w, h, 0);
}

/* As make_photo; white: a white desk (232, page and desk 20 levels apart)
 * instead of brown wood; 2: a grey one (195). */
static PIX *make_photo_on(PIX *page, const float c[8], int w, int h, int white)
{
	PTA *pd = ptaCreate(4), *ps = ptaCreate(4);
	int pw = pixGetWidth(page), ph = pixGetHeight(page);
	for (int i = 0; i < 4; i++)
		ptaAddPt(pd, c[2 * i], c[2 * i + 1]);
	ptaAddPt(ps, 0, 0);
	ptaAddPt(ps, (float)pw, 0);
	ptaAddPt(ps, (float)pw, (float)ph);
	ptaAddPt(ps, 0, (float)ph);
	l_float32 *vc = NULL;
	assert_int_equal(getProjectiveXformCoeffs(pd, ps, &vc), 0); /* photo -> page */
	PIX *pix = pixCreate(w, h, 32);
	assert_non_null(pix);
	l_uint32 *data = pixGetData(pix), *sdata = pixGetData(page);
	int wpl = pixGetWpl(pix), swpl = pixGetWpl(page);
	unsigned rnd = 12345;
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			double X = x + 0.5, Y = y + 0.5, den = vc[6] * X + vc[7] * Y + 1;
			double u = (vc[0] * X + vc[1] * Y + vc[2]) / den, v = (vc[3] * X + vc[4] * Y + vc[5]) / den;
			int r, g, b;
			if (u >= 0 && v >= 0 && u < pw && v < ph) {
				l_uint32 val;
				linearInterpolatePixelColor(sdata, swpl, pw, ph, (float)(u - 0.5), (float)(v - 0.5),
							    0xffffff00, &val);
				r = GET_DATA_BYTE(&val, COLOR_RED);
				g = GET_DATA_BYTE(&val, COLOR_GREEN);
				b = GET_DATA_BYTE(&val, COLOR_BLUE);
			} else if (white) {
				rnd = rnd * 1103515245u + 12345u;
				r = g = b = (white == 2 ? 195 : 232) + (int)((rnd >> 16) % 7) - 3;
			} else { /* wood: grain stripes and noise */
				rnd = rnd * 1103515245u + 12345u;
				int n = (int)((rnd >> 16) % 21) - 10;
				int grain = (int)(14 * sin((y + 0.1 * x) / 11.0));
				r = 150 + grain + n;
				g = 100 + grain + n;
				b = 60 + grain / 2 + n;
			}
			double light = 1.0 - 0.2 * (double)(x + y) / (w + h); /* light from the top left */
			l_uint32 *px = data + (size_t)y * wpl + x;
			composeRGBPixel((int)(r * light), (int)(g * light), (int)(b * light), px);
		}
	}
	LEPT_FREE(vc);
	ptaDestroy(&pd);
	ptaDestroy(&ps);
	pixSetResolution(pix, 72, 72);
	return pix;
}

/* The A4 page at 0.65 (195 dpi) on a 2000 x 2700 desk; the foot of the page
 * is not foreshortened, so its length gives the true scale: 1612 px. */
static const float PHOTO_CORNERS[8] = {300.0f, 260.0f, 1810.0f, 300.0f, 1880.0f, 2460.0f, 268.0f, 2400.0f};

static double foot_dpi(void)
{
	const float *c = PHOTO_CORNERS;
	return hypot(c[4] - c[6], c[5] - c[7]) / (210.0 / 25.4);
}

/* Levenshtein distance over bytes, a and b folded to single spaces. */
static double cer(const char *a, const char *b)
{
	char *fa = calloc(1, strlen(a) + 1), *fb = calloc(1, strlen(b) + 1);
	size_t na = 0, nb = 0;
	for (const char *s = a; *s; s++)
		if (!(*s == ' ' || *s == '\n' || *s == '\f') || (na && fa[na - 1] != ' '))
			fa[na++] = (*s == '\n' || *s == '\f') ? ' ' : *s;
	for (const char *s = b; *s; s++)
		if (!(*s == ' ' || *s == '\n' || *s == '\f') || (nb && fb[nb - 1] != ' '))
			fb[nb++] = (*s == '\n' || *s == '\f') ? ' ' : *s;
	while (na && fa[na - 1] == ' ')
		na--;
	while (nb && fb[nb - 1] == ' ')
		nb--;
	size_t *row = calloc(nb + 1, sizeof *row);
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (fa[i - 1] != fb[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	double r = na ? (double)row[nb] / (double)na : 1.0;
	free(row);
	free(fa);
	free(fb);
	return r;
}

/* Corners found within a few pixels, the true resolution from the page's
 * size, the page cut out with A4's proportions. */
static void test_photo_corners_found(void **state)
{
	fixture *f = *state;
	PIX *photo = make_photo(f->a4, PHOTO_CORNERS, 2000, 2700), *page = NULL;
	float c[8];
	int dpi = 0, found = 0;
	assert_int_equal(sh_ocr_photo_rectify(photo, &page, c, &dpi, &found, NULL), SH_OK);
	assert_true(found);
	assert_non_null(page);
	for (int i = 0; i < 8; i++)
		assert_true(fabsf(c[i] - PHOTO_CORNERS[i]) <= 3.0f);
	assert_true(fabs(dpi - foot_dpi()) <= 0.02 * foot_dpi());
	double ratio = (double)pixGetHeight(page) / pixGetWidth(page);
	assert_true(fabs(ratio - sqrt(2.0)) < 0.01);
	assert_int_equal(pixGetXRes(page), dpi);
	pixDestroy(&page);
	pixDestroy(&photo);
}

/* Mean grey level of the band of rectified that lies within `px` of the edge. */
static double edge_mean(PIX *pix, int px)
{
	PIX *g = pixConvertRGBToLuminance(pix);
	int w = pixGetWidth(g), h = pixGetHeight(g);
	double sum = 0;
	long n = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if (x < px || y < px || x >= w - px || y >= h - px) {
				l_uint32 v;
				pixGetPixel(g, x, y, &v);
				sum += v;
				n++;
			}
	pixDestroy(&g);
	return sum / (double)n;
}

/* Rectified: the desk is gone (the page's outer band is paper, no desk
 * edge left to read as "|" or "l"), the text is where the page has it. */
static void test_photo_rectified_flat(void **state)
{
	fixture *f = *state;
	PIX *photo = make_photo(f->a4, PHOTO_CORNERS, 2000, 2700), *page = NULL;
	float c[8];
	int dpi = 0, found = 0;
	assert_int_equal(sh_ocr_photo_rectify(photo, &page, c, &dpi, &found, NULL), SH_OK);
	assert_true(found);
	/* the photo's light falls to 0.8 at the far corner: paper stays > 180 */
	assert_true(edge_mean(page, 4) > 180.0);
	/* the text is where the page has it: the first dark row (the motto's
	 * top) at the same height, scaled, within 1 % */
	PIX *g = pixConvertRGBToLuminance(page), *bin = g ? pixThresholdToBinary(g, 128) : NULL;
	assert_non_null(bin);
	NUMA *rows = pixCountPixelsByRow(bin, NULL);
	int first = -1;
	for (int y = 0; y < numaGetCount(rows) && first < 0; y++) {
		l_int32 v = 0;
		numaGetIValue(rows, y, &v);
		if (v > 20)
			first = y;
	}
	double scale = (double)pixGetHeight(page) / 3508.0;
	int want = (int)(214 * scale); /* the motto's top row on the sheet at 300 dpi */
	assert_true(abs(first - want) <= pixGetHeight(page) / 100);
	numaDestroy(&rows);
	pixDestroy(&bin);
	pixDestroy(&g);
	pixDestroy(&page);
	pixDestroy(&photo);
}

/* Scans and plain images are not photos: a whole page, a blank sheet. */
static void test_photo_scan_is_not_a_photo(void **state)
{
	fixture *f = *state;
	PIX *page = NULL, *blank = pixCreate(2480, 3508, 8);
	pixSetAll(blank);
	float c[8];
	int dpi = 0, found = 1;
	assert_int_equal(sh_ocr_photo_rectify(f->a4, &page, c, &dpi, &found, NULL), SH_OK);
	assert_false(found);
	assert_null(page);
	found = 1;
	assert_int_equal(sh_ocr_photo_rectify(blank, &page, c, &dpi, &found, NULL), SH_OK);
	assert_false(found);
	assert_null(page);
	PIX *out = NULL;
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, f->a4, &out, &rep), SH_OK);
	assert_false(rep.flags & SH_PAGE_PHOTO);
	pixDestroy(&out);
	pixDestroy(&blank);
	/* a 300 dpi scan under a black lid: the page (95 %) inside a black
	 * frame is found, but its real tag agrees with its size: a scan, left
	 * to the border step */
	PIX *small = pixScale(f->a4, 0.95f, 0.95f), *lid = pixCreate(2480, 3508, 32);
	pixRasterop(lid, 62, 88, pixGetWidth(small), pixGetHeight(small), PIX_SRC, small, 0, 0);
	pixSetResolution(lid, 300, 300);
	assert_int_equal(sh_ocr_photo_rectify(lid, &page, c, &dpi, &found, NULL), SH_OK);
	assert_true(found);
	pixDestroy(&page);
	assert_int_equal(sh_ocr_clean(&f->w, lid, &out, &rep), SH_OK);
	assert_false(rep.flags & SH_PAGE_PHOTO);
	assert_true(rep.flags & SH_PAGE_BORDER);
	assert_int_equal(rep.dpi, 300);
	/* the same tagged 72 dpi (a phone): a photo */
	pixSetResolution(lid, 72, 72);
	pixDestroy(&out);
	assert_int_equal(sh_ocr_clean(&f->w, lid, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_PHOTO);
	pixDestroy(&out);
	pixDestroy(&small);
	pixDestroy(&lid);
}

/* The resolution tag lies: a whole A4 page says 72 dpi or 200 dpi but is
 * 300 dpi; its size tells. A partial page keeps its tag. */
static void test_photo_dpi_from_page_size(void **state)
{
	fixture *f = *state;
	static const int tags[] = {0, 72, 200, 300};
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
		PIX *p = pixCopy(NULL, f->a4), *out = NULL;
		pixSetXRes(p, tags[i]); /* pixSetResolution ignores 0 */
		pixSetYRes(p, tags[i]);
		sh_clean_report rep;
		assert_int_equal(sh_ocr_clean(&f->w, p, &out, &rep), SH_OK);
		assert_int_equal(rep.tag_dpi, tags[i]);
		assert_int_equal(rep.true_dpi, 300);
		assert_int_equal(rep.dpi, 300);
		assert_false(rep.flags & SH_PAGE_LOWRES);
		pixDestroy(&p);
		pixDestroy(&out);
	}
	/* a 150 dpi A4 page tagged 300: upscaled as the 150 dpi page it is
	 * (a scan: to 250 dpi) */
	PIX *half = pixScale(f->a4, 0.5f, 0.5f), *out = NULL;
	pixSetResolution(half, 300, 300);
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, half, &out, &rep), SH_OK);
	assert_int_equal(rep.true_dpi, 150);
	assert_true(rep.flags & SH_PAGE_LOWRES);
	assert_int_equal(rep.dpi, 250);
	assert_in_range(pixGetWidth(out), pixGetWidth(half) * 5 / 3 - 1, pixGetWidth(half) * 5 / 3 + 1);
	pixDestroy(&half);
	pixDestroy(&out);
	/* not a whole page (235 mm of 297): the tag is believed */
	PIX *p = pixCopy(NULL, f->gks);
	pixSetResolution(p, 400, 400);
	assert_int_equal(sh_ocr_clean(&f->w, p, &out, &rep), SH_OK);
	assert_int_equal(rep.true_dpi, 400);
	pixDestroy(&p);
	pixDestroy(&out);
}

/* Red: the printed title is kept as dark text, the seal is dropped. */
static void test_photo_red_title_kept_seal_dropped(void **state)
{
	fixture *f = *state;
	PIX *out = NULL;
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, f->gks, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_SEAL);
	/* where mkphoto.py put them: the title's red ink spans x 835-1643, y
	 * 493-582; the seal's ring x 1264-1712, y 1960-2408, of which the
	 * band y 2120-2340 holds no black text (between the signer's title and
	 * name) */
	PIX *b = pixThresholdToBinary(out, 128);
	BOX *title = boxCreate(835, 493, 808, 90);
	BOX *seal = boxCreate(1264, 2120, 448, 220);
	PIX *t = pixClipRectangle(b, title, NULL), *s = pixClipRectangle(b, seal, NULL);
	l_int32 nt = 0, ns = 0;
	pixCountPixels(t, &nt, NULL);
	pixCountPixels(s, &ns, NULL);
	assert_true(nt > 20000); /* the title is there, dark */
	assert_true(ns < 500);   /* no ring, star or lettering left */
	boxDestroy(&title);
	boxDestroy(&seal);
	pixDestroy(&t);
	pixDestroy(&s);
	pixDestroy(&b);
	pixDestroy(&out);
}

static PIX *g_pages[4];

static int load_page(void *arg, size_t i, PIX **out)
{
	(void)arg;
	*out = pixClone(g_pages[i]);
	return SH_OK;
}

/* Through the pool: the red title is read, the seal adds no garbage (the
 * text matches the page's within 1 %), and a photo of it reads as well,
 * with the photo and the rectified page handed back. */
static void test_photo_pool_reads(void **state)
{
	fixture *f = *state;
	sh_ocr_options o = {0};
	o.workers = 2;
	o.keep_images = 1;
	sh_ocr_pool *pool = NULL;
	assert_int_equal(sh_ocr_pool_new(&pool, &o), SH_OK);
	g_pages[0] = pixClone(f->gks);
	g_pages[1] = make_photo(f->a4, PHOTO_CORNERS, 2000, 2700);
	sh_ocr_page res[2];
	assert_int_equal(sh_ocr_pool_run(pool, 2, load_page, NULL, res), SH_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(res[i].status, SH_OK);
		assert_non_null(strstr(res[i].text, "KHAI SINH\n")); /* the red title's line */
		assert_non_null(strstr(res[i].text, "001324989181"));
		assert_null(strchr(res[i].text, '|'));
		double e = cer(f->gt, res[i].text);
		assert_true(e < 0.01);
		assert_non_null(res[i].original);
	}
	assert_false(res[0].flags & SH_PAGE_PHOTO);
	assert_null(res[0].rectified);
	assert_true(res[1].flags & SH_PAGE_PHOTO);
	assert_non_null(res[1].rectified);
	assert_int_equal(pixGetWidth(res[1].original), 2000);
	assert_int_equal(pixGetDepth(res[1].rectified), 32);
	assert_int_equal(pixGetXRes(res[1].rectified), res[1].clean.true_dpi);
	assert_int_equal(res[1].clean.tag_dpi, 72);
	assert_int_equal(res[1].clean.dpi, 300);
	for (int i = 0; i < 2; i++) {
		sh_ocr_page_clear(&res[i]);
		assert_null(res[i].original);
		pixDestroy(&g_pages[i]);
	}
	sh_ocr_pool_free(&pool);
}

/* A small frame (issue 23): the A4 page at ~105 dpi in a 1080 x 1440
 * photo, letters 6-7 px high, a lens's blur. Cut out again at 300 dpi by
 * cubic convolution and sharpened, it reads within 2.5 % (0.8 % here;
 * cut out bilinear at its own size, then scaled up and stretched as a
 * scan is, it read 4.9 %). */
static void test_photo_small_frame(void **state)
{
	fixture *f = *state;
	static const float c[8] = {130.0f, 140.0f, 950.0f, 152.0f, 975.0f, 1320.0f, 112.0f, 1306.0f};
	sh_ocr_options o = {0};
	o.workers = 1;
	sh_ocr_pool *pool = NULL;
	assert_int_equal(sh_ocr_pool_new(&pool, &o), SH_OK);
	PIX *sharp = make_photo(f->a4, c, 1080, 1440);
	g_pages[0] = pixBlockconv(sharp, 1, 1); /* the lens */
	pixCopyResolution(g_pages[0], sharp);
	pixDestroy(&sharp);
	sh_ocr_page res[1];
	assert_int_equal(sh_ocr_pool_run(pool, 1, load_page, NULL, res), SH_OK);
	assert_int_equal(res[0].status, SH_OK);
	assert_true(res[0].flags & SH_PAGE_PHOTO);
	assert_in_range(res[0].clean.true_dpi, 98, 112);
	assert_int_equal(res[0].clean.dpi, 300);
	double e = cer(f->gt, res[0].text);
	fprintf(stderr, "small frame: true %d dpi, CER %.2f %%\n", res[0].clean.true_dpi, 100 * e);
	assert_true(e < 0.025);
	sh_ocr_page_clear(&res[0]);
	pixDestroy(&g_pages[0]);
	sh_ocr_pool_free(&pool);
}

/* A short page (the top 60 mm: motto, red title, two fields) upside down,
 * as a 300 dpi colour scan and as a 200 dpi fax: the orientation scores are
 * weak there, recognition decides and the page reads upright. */
static void test_photo_short_page_upside_down(void **state)
{
	fixture *f = *state;
	BOX *top = boxCreate(0, 0, 2480, 700);
	PIX *shortp = pixClipRectangle(f->gks, top, NULL);
	boxDestroy(&top);
	PIX *grey = pixConvertRGBToLuminance(shortp);
	PIX *small = pixScale(grey, 2.0f / 3.0f, 2.0f / 3.0f);
	PIX *fax = pixThresholdToBinary(small, 140);
	pixSetResolution(fax, 200, 200);
	pixSetResolution(shortp, 300, 300);
	PIX *cases[4] = {pixRotate180(NULL, shortp), pixRotate180(NULL, fax), pixClone(shortp),
			 pixClone(fax)};
	int want[4] = {180, 180, 0, 0};
	for (int i = 0; i < 4; i++) {
		PIX *out = NULL;
		sh_clean_report rep;
		assert_int_equal(sh_ocr_clean(&f->w, cases[i], &out, &rep), SH_OK);
		assert_int_equal(rep.rotation, want[i]);
		assert_true(rep.flags & SH_PAGE_ORIENT_READ); /* the scores alone were not trusted */
		pixDestroy(&out);
		pixDestroy(&cases[i]);
	}
	/* without the recognition engine the decision falls back to the scores */
	sh_ocr_worker w = {.api = NULL, .osd = f->w.osd, .opts = &f->opts};
	PIX *ud = pixRotate180(NULL, shortp), *out = NULL;
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&w, ud, &out, &rep), SH_OK);
	assert_false(rep.flags & SH_PAGE_ORIENT_READ);
	pixDestroy(&out);
	pixDestroy(&ud);
	pixDestroy(&shortp);
	pixDestroy(&grey);
	pixDestroy(&small);
	pixDestroy(&fax);
}

/* Issue 23: the page cut by the frame's foot (its bottom corners 40-60 px
 * below the photo): found by its edges, the top corners where they are,
 * no size rule (the page is not whole), the resolution from the text. */
static void test_photo_touching_frame(void **state)
{
	fixture *f = *state;
	static const float cut[8] = {300.0f, 260.0f, 1810.0f, 300.0f, 1880.0f, 2760.0f, 268.0f, 2740.0f};
	PIX *photo = make_photo(f->a4, cut, 2000, 2700), *page = NULL, *out = NULL;
	float c[8];
	int dpi = 0, found = 0;
	assert_int_equal(sh_ocr_photo_rectify(photo, &page, c, &dpi, &found, NULL), SH_OK);
	assert_true(found);
	for (int i = 0; i < 4; i++)
		assert_true(fabsf(c[i] - cut[i]) <= 3.0f);
	assert_true(fabsf(c[5] - 2699.5f) <= 3.0f && fabsf(c[7] - 2699.5f) <= 3.0f); /* the frame */
	assert_int_equal(dpi, 0);
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, photo, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_PHOTO);
	/* the page is at ~195 dpi; its text (13 pt, many capitals) reads as
	 * ~1.3x that: anything but the 72 of the tag */
	assert_true(rep.true_dpi >= 170 && rep.true_dpi <= 300);
	pixDestroy(&out);
	pixDestroy(&page);
	pixDestroy(&photo);
}

/* Issue 23: a white desk, 20 grey levels under the paper: the Otsu region
 * cannot part them, the edges can. */
static void test_photo_white_desk(void **state)
{
	fixture *f = *state;
	PIX *photo = make_photo_on(f->a4, PHOTO_CORNERS, 2000, 2700, 1), *page = NULL;
	float c[8];
	int dpi = 0, found = 0;
	assert_int_equal(sh_ocr_photo_rectify(photo, &page, c, &dpi, &found, NULL), SH_OK);
	assert_true(found);
	for (int i = 0; i < 8; i++)
		assert_true(fabsf(c[i] - PHOTO_CORNERS[i]) <= 4.0f);
	assert_true(fabs(dpi - foot_dpi()) <= 0.03 * foot_dpi());
	/* the same page tagged as a scanner would (300 dpi): a scan, never
	 * searched by edges */
	pixSetResolution(photo, 300, 300);
	pixDestroy(&page);
	assert_int_equal(sh_ocr_photo_rectify(photo, &page, c, &dpi, &found, NULL), SH_OK);
	assert_false(found);
	pixDestroy(&photo);
}

/* Issue 23, session 18 (seed 7006 dev15-0): a shadow with a soft edge
 * across the page's top: the bright region is the lit part only, cut by
 * the light, and the page was cut there. Its edges, stepping all along,
 * give the whole page; without the shadow the region is the page, found as
 * before. */
static void test_photo_shadow_cuts_region(void **state)
{
	fixture *f = *state;
	for (int shade = 0; shade < 2; shade++) {
		PIX *photo = make_photo_on(f->a4, PHOTO_CORNERS, 2000, 2700, 2), *page = NULL;
		if (shade) {
			l_uint32 *data = pixGetData(photo);
			int wpl = pixGetWpl(photo);
			for (int y = 0; y < 2700; y++)
				for (int x = 0; x < 2000; x++) {
					double t = (1100.0 + 0.25 * x - y) / 450.0 + 0.5;
					t = t < 0 ? 0 : t > 1 ? 1 : t;
					double k = 1.0 - 0.28 * t;
					l_int32 r, g, b;
					extractRGBValues(data[(size_t)y * wpl + x], &r, &g, &b);
					composeRGBPixel((int)(r * k), (int)(g * k), (int)(b * k), data + (size_t)y * wpl + x);
				}
		}
		float c[8];
		int dpi = 0, found = 0;
		assert_int_equal(sh_ocr_photo_rectify(photo, &page, c, &dpi, &found, NULL), SH_OK);
		assert_true(found);
		for (int i = 0; i < 8; i++)
			assert_true(fabsf(c[i] - PHOTO_CORNERS[i]) <= 6.0f);
		pixDestroy(&page);
		pixDestroy(&photo);
	}
}

/* Issue 23: an ID card filling a phone's frame (its text ~2x body text at
 * 300 dpi): scaled DOWN to 300 dpi, not up from its 72 dpi tag. The card:
 * the certificate's top 1560 rows (a card's 1.59 aspect) on a light blue
 * tint, enlarged 1.6x. */
static void test_photo_card_scaled_down(void **state)
{
	fixture *f = *state;
	BOX *b = boxCreate(0, 0, 2480, 1560);
	PIX *top = pixClipRectangle(f->gks, b, NULL), *card = pixScale(top, 1.6f, 1.6f);
	boxDestroy(&b);
	pixMultiplyByColor(card, card, NULL, 0xd8e8f800); /* light blue */
	float c[8] = {150.0f, 140.0f, 4050.0f, 180.0f, 4020.0f, 2620.0f, 120.0f, 2590.0f};
	PIX *photo = make_photo(card, c, 4200, 2800), *out = NULL;
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, photo, &out, &rep), SH_OK);
	assert_true(rep.flags & SH_PAGE_PHOTO);
	assert_true(rep.true_dpi > 450); /* the card's text is large */
	assert_int_equal(rep.dpi, 300);
	/* read at 300 dpi: the card's 3900 px across became ~3900 * 300 / true */
	int want = (int)(3900.0 * 300.0 / rep.true_dpi);
	assert_true(abs(pixGetWidth(out) - want) <= want / 20);
	pixDestroy(&out);
	pixDestroy(&photo);
	pixDestroy(&card);
	pixDestroy(&top);
}

/* Issue 23: a scan whose tag lies (a fax gateway's 72, or none) and whose
 * size says nothing (a column of the page, 1240 x 2775 at 300 dpi: taken
 * as A4's width it would be 150 dpi): the text gives the scale. A real
 * scanner's tag on the same image is believed. */
static void test_photo_lying_tag_scan(void **state)
{
	fixture *f = *state;
	BOX *b = boxCreate(0, 0, 1240, 2775);
	PIX *col = pixClipRectangle(f->gks, b, NULL), *out = NULL;
	boxDestroy(&b);
	static const int tags[] = {0, 72};
	for (int i = 0; i < 2; i++) {
		pixSetXRes(col, tags[i]);
		pixSetYRes(col, tags[i]);
		sh_clean_report rep;
		assert_int_equal(sh_ocr_clean(&f->w, col, &out, &rep), SH_OK);
		assert_false(rep.flags & SH_PAGE_PHOTO);
		assert_true(rep.true_dpi >= 250 && rep.true_dpi <= 450);
		assert_false(rep.flags & SH_PAGE_LOWRES);
		pixDestroy(&out);
	}
	pixSetResolution(col, 300, 300);
	sh_clean_report rep;
	assert_int_equal(sh_ocr_clean(&f->w, col, &out, &rep), SH_OK);
	assert_int_equal(rep.true_dpi, 300);
	pixDestroy(&out);
	pixDestroy(&col);
}

static void test_photo_bad_input(void **state)
{
	(void)state;
	PIX *page = NULL;
	float c[8];
	int dpi = 0, found = 0;
	assert_int_equal(sh_ocr_photo_rectify(NULL, &page, c, &dpi, &found, NULL), SH_EINVAL);
	/* a tiny or bilevel image is never a photo */
	PIX *tiny = pixCreate(50, 50, 32), *bw = pixCreate(2000, 2000, 1);
	assert_int_equal(sh_ocr_photo_rectify(tiny, &page, c, &dpi, &found, NULL), SH_OK);
	assert_false(found);
	assert_int_equal(sh_ocr_photo_rectify(bw, &page, c, &dpi, &found, NULL), SH_OK);
	assert_false(found);
	pixDestroy(&tiny);
	pixDestroy(&bw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_photo_corners_found),
		cmocka_unit_test(test_photo_rectified_flat),
		cmocka_unit_test(test_photo_scan_is_not_a_photo),
		cmocka_unit_test(test_photo_dpi_from_page_size),
		cmocka_unit_test(test_photo_red_title_kept_seal_dropped),
		cmocka_unit_test(test_photo_pool_reads),
		cmocka_unit_test(test_photo_small_frame),
		cmocka_unit_test(test_photo_short_page_upside_down),
		cmocka_unit_test(test_photo_touching_frame),
		cmocka_unit_test(test_photo_white_desk),
		cmocka_unit_test(test_photo_shadow_cuts_region),
		cmocka_unit_test(test_photo_card_scaled_down),
		cmocka_unit_test(test_photo_lying_tag_scan),
		cmocka_unit_test(test_photo_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
