/*
 * Page clean-up before recognition (Leptonica), one page on one worker.
 *
 * The page becomes an 8-bit grey image at about 300 dpi on a flat white
 * background, upright and straight, with scanner borders, binding shadows
 * and coloured stamps gone; Tesseract then binarises and recognises it.
 * Order matters:
 *   1. grey (ink.c): colour divided by the page's own paper colour, so
 *      tinted paper and a phone's colour cast turn white; stamps of any
 *      colour (rings, frames) dropped, printed text of any colour kept
 *      dark; bilevel pages are widened to grey;
 *   2. resolution: the tag when a scanner's agrees with the page's size,
 *      else the size or the text's own scale (photo.c); pages below 250
 *      dpi are scaled up, scans to 250 dpi and photos to 300 (bilevel
 *      pages blurred first, so their
 *      edges come out smooth, and stretched gently), untrusted ones above
 *      450 down to 300; a photo's page under 150 dpi is cut out of the
 *      photo again at 300 dpi (cubic) and sharpened instead;
 *   3. background: lighting, paper tint and shadows flattened to white;
 *   4. a 150 dpi binary copy ("probe") drives the decisions below, so they
 *      cost little next to recognition (~1.4 s a page);
 *   5. borders: large dark regions touching the image edge are whitened;
 *   6. blank: too few text-sized marks left flags the page (it is kept);
 *   7. orientation: Leptonica's up/down and landscape scores when they are
 *      clear on the probe or on the page at 300 dpi, else Tesseract's osd
 *      engine on the probe when confident, else a band of text read both
 *      ways (without the recognition engine: Leptonica's best guess unless
 *      it is a near tie);
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
	UPSCALE_BELOW_DPI = 250, /* pages under this are scaled up: */
	SCAN_UPSCALE_DPI = 250,  /* scans to this, photos to TARGET_DPI */
	DOWNSCALE_ABOVE_DPI = 450, /* untrusted resolutions above: scaled down to it */
	LOWRES_DPI = 200,        /* pages under this are flagged low resolution */
	PROBE_DPI = 150,
	BAND_PARTS = 10,         /* weak orientation: the band read both ways */
	BAND_SURE_WORDS = 5,     /* ... of at least so many words */
	FINE_DPI = 300,          /* orientation scored again at this when weak on the probe */
	BLANK_MAX_MARKS = 5,     /* text-sized marks on a page called blank */
	BORDER_MIN_PER_MILLE = 5, /* whitened area that flags a border */
	SHARP_BELOW_DPI = 150,   /* photos under this: cut out again at 300 dpi, sharpened */
	SHARP_HALFWIDTH = 4,     /* unsharp mask of those, at 300 dpi */
	BLUR_PAPER_TO = 220      /* stretch of blurred (small photo, bilevel) pages: paper to
				  * 220 rather than 190, black to 0 rather than 30 */
};
#define SHARP_FRACT 1.0f        /* unsharp mask strength */
#define SHARP_MAX_PIXELS 20e6   /* larger at 300 dpi (text scale says tiny letters on a
				 * large page): scaled up as before, not cut out again */

#define LEPT_SURE_SCORE 10.0f   /* Leptonica orientation taken without osd */
#define LEPT_SURE_RATIO 2.0f
#define OSD_MIN_CONF 2.0f       /* osd orientation confidence taken as is */
#define OSD_SURE_CONF 4.0f      /* osd overrules a fair Leptonica score */
#define LEPT_MIN_SCORE 5.0f     /* Leptonica orientation when osd cannot tell */
#define LEPT_MIN_RATIO 1.3f
#define LANDSCAPE_HINT 3.0f     /* probe's landscape score that has it scored again */
#define BAND_MIN_MM 20.0
#define BAND_SURE_CONF 80.0f    /* first band reading taken as is at this mean */
#define SKEW_MIN_DEG 0.1f       /* smaller skew is left to Tesseract */
#define SKEW_MIN_CONF 3.0f

static int nomem(const char *what)
{
	return sh_error_set(SH_ENOMEM, "page clean-up: out of memory (%s)", what);
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
		/* the band of the page with the most ink, 1/BAND_PARTS of it
		 * across the lines (4-5 lines of body text: read twice, it
		 * costs a quarter of the page's reading, not a third) */
		int len = along ? pw : ph, span = len / BAND_PARTS;
		int least = (int)(BAND_MIN_MM / 25.4 * PROBE_DPI); /* whole lines, not slivers */
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
		/* The first candidate read well is taken without reading the
		 * others: on the 72 tune3 pages, upright and turned 180 degrees,
		 * the right way read 85-96 and every wrong way 28-57 (issue 18:
		 * one band reading of two saved; docs/OCR.md). */
		if (k == 0 && words >= BAND_SURE_WORDS && conf >= BAND_SURE_CONF)
			break;
	}
	return SH_OK;
}

/* Leptonica's score of each correction (0 turns, 1, 2, 3 clockwise) on the
 * binary page bin; *best the highest; 1 when it is clear enough to take.
 * left_known: the landscape score, already known (only up/down scored). */
static int lept_scores(PIX *bin, const float *left_known, float score[4], int *best)
{
	l_float32 up = 0, left = 0;
	if (left_known) {
		/* up/down only: half of pixOrientDetect's cost */
		left = *left_known;
		if (pixUpDownDetect(bin, &up, 0, 0, 0))
			up = 0;
	} else if (pixOrientDetect(bin, &up, &left, 0, 0)) {
		up = left = 0; /* too little text to score: osd may still tell */
	}
	score[0] = up;
	score[1] = left;
	score[2] = -up;
	score[3] = -left;
	int b = 0, second = -1;
	for (int q = 1; q < 4; q++)
		if (score[q] > score[b])
			b = q;
	for (int q = 0; q < 4; q++)
		if (q != b && (second < 0 || score[q] > score[second]))
			second = q;
	*best = b;
	float s = score[second] > 0 ? score[second] : 0;
	return score[b] >= LEPT_SURE_SCORE && score[b] >= LEPT_SURE_RATIO * s;
}

/* The binary page at FINE_DPI for Leptonica's scores, NULL when out of
 * memory. */
static PIX *fine_page(PIX *pixg, int dpi)
{
	float fs_f = (float)FINE_DPI / (float)dpi;
	if (dpi > FINE_DPI) {
		PIX *g = pixScaleAreaMap(pixg, fs_f, fs_f);
		PIX *fine = g ? pixThresholdToBinary(g, 128) : NULL;
		pixDestroy(&g);
		return fine;
	}
	/* thresholded first, then scaled up as binary: ~10 ms, where scaling
	 * the grey page cost ~120 ms */
	PIX *b = pixThresholdToBinary(pixg, 128);
	PIX *fine = b && dpi < FINE_DPI ? pixScaleBinary(b, fs_f, fs_f) : pixClone(b);
	pixDestroy(&b);
	return fine;
}

/* Step 7: clockwise quarter turns that make the text upright, 0..3.
 *
 * Leptonica's up/down and left/right scores cost ~15 ms and on the corpus
 * give the true orientation a score of 8 to 25 against at most 7.3 for the
 * others; when the answer is that clear it is taken. When it is not, they
 * are taken again on the page at up to 300 dpi (~60 ms): letters of 150-200
 * dpi scans, scaled up, are too small at 150 dpi for Leptonica's ascender
 * and descender patterns. Otherwise the osd engine gives its answer (~250
 * ms at 150 dpi), unless Leptonica fairly says which way up a portrait page
 * is and the reading below will decide anyway; when osd is confident and
 * agrees with a fair Leptonica score, or Leptonica has none, it is taken.
 * Otherwise the evidence is weak (short pages, 200 dpi fax, large headings,
 * a seal): the band of the page with the most ink (4-5 lines) is read both
 * ways by the recognition engine and the better-read orientation wins
 * (*read = 1). When the caller reads the page next and checks it
 * (w->orient_by_page, the pool), a portrait page with no sideways hint is
 * left to that reading instead (w->orient_unsure = 1; docs/OCR.md session
 * 12). Without the recognition engine: osd when it is fairly sure, else
 * Leptonica's best unless a near tie. */
static int find_orientation(sh_ocr_worker *w, PIX *pixg, PIX *probe, int factor, int dpi,
			    int may_read, int *quads, int *read)
{
	float score[4];
	int best = 0;
	*quads = 0;
	*read = 0;
	if (lept_scores(probe, NULL, score, &best)) {
		*quads = best;
		return SH_OK;
	}
	if (w->orient_by_page && may_read && w->api && pixGetWidth(probe) <= pixGetHeight(probe) &&
	    fabsf(score[1]) < LANDSCAPE_HINT) {
		/* A portrait page with no sideways hint: read upright, or
		 * upside down when the probe leans that way and the up/down
		 * score at FINE_DPI agrees (right on all 72 tune3 pages, the
		 * probe wrong on 3); the caller's reading of the whole page
		 * checks it (upright 89-96, upside down at most 57 on tune3)
		 * and turns it when it reads poorly. No band read both ways;
		 * the FINE_DPI score only when the probe leans upside down. */
		int up = score[0] > 0; /* 0: no score (too few ascenders) */
		if (!up && factor > 1) {
			PIX *fine = fine_page(pixg, dpi);
			l_float32 fup = 0;
			if (!fine)
				return nomem("orientation");
			if (pixUpDownDetect(fine, &fup, 0, 0, 0))
				fup = 0;
			pixDestroy(&fine);
			up = fup >= 0;
		}
		*quads = up ? 0 : 2;
		*read = 1;
		w->orient_unsure = 1;
		return SH_OK;
	}
	if (factor > 1) {
		/* Weak at PROBE_DPI: scored again on the page at FINE_DPI,
		 * where ascenders and descenders are twice as many pixels tall.
		 * Small or degraded letters (150-200 dpi scans scaled up) score
		 * 0-4 on the probe, even the wrong way, and 5-18 here the right
		 * way (docs/OCR.md, issue 18). */
		PIX *fine = fine_page(pixg, dpi);
		if (!fine)
			return nomem("orientation");
		/* A portrait page with no landscape hint on the probe: only
		 * up/down scored again (issue 18 speed: the landscape half
		 * turns the 300 dpi page and scores it again). */
		int portrait = pixGetWidth(probe) <= pixGetHeight(probe);
		float fs[4];
		int fbest = 0,
		    sure = lept_scores(fine, portrait && fabsf(score[1]) < LANDSCAPE_HINT ? &score[1] : NULL,
				       fs, &fbest);
		pixDestroy(&fine);
		if (sure) {
			*quads = fbest;
			return SH_OK;
		}
		if (fs[fbest] > score[best]) {
			memcpy(score, fs, sizeof score);
			best = fbest;
		}
	}
	int second = -1;
	for (int q = 0; q < 4; q++)
		if (q != best && (second < 0 || score[q] > score[second]))
			second = q;
	float b = score[best], s = score[second] > 0 ? score[second] : 0;
	int lept_says = b >= LEPT_MIN_SCORE && b >= LEPT_MIN_RATIO * s;
	int cand = lept_says ? best : 0, osd_ok = 0, oq = 0;
	float conf = 0;
	/* The reading decides anyway: osd (~250 ms) only when the page may lie
	 * sideways and Leptonica cannot say which way up it is. */
	int want_osd = !(may_read && w->api) ||
		       !(lept_says && best % 2 == 0 && pixGetWidth(probe) <= pixGetHeight(probe));
	TessBaseAPI *osd = want_osd ? sh_ocr_worker_osd(w) : NULL;
	if (osd) {
		int deg = 0;
		float sconf = 0;
		const char *script = NULL;
		TessBaseAPISetImage2(osd, probe);
		TessBaseAPISetSourceResolution(osd, PROBE_DPI);
		osd_ok = TessBaseAPIDetectOrientationScript(osd, &deg, &conf, &script, &sconf);
		TessBaseAPIClear(osd);
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

/* Step 2 for a photo whose page is under SHARP_BELOW_DPI (letters 5-8 px
 * high): the page cut out of the photo again straight at TARGET_DPI by
 * cubic convolution (not bilinear at its own size, then scaled up: two
 * interpolations blur strokes of one or two pixels), made grey at that
 * resolution and sharpened by an unsharp mask. *out: the grey page. */
static int sharp_photo_grey(PIX *photo, const sh_photo_geom *geom, int dpi, unsigned steps,
			    PIX **out, sh_clean_report *rep)
{
	PIX *big = NULL, *grey = NULL;
	*out = NULL;
	int rc = sh_ocr_photo_warp(photo, geom, (float)TARGET_DPI / (float)dpi, &big);
	if (!rc)
		rc = sh_ocr_make_grey(big, steps, TARGET_DPI, &grey, rep);
	pixDestroy(&big);
	if (rc)
		return rc;
	*out = pixUnsharpMaskingGray(grey, SHARP_HALFWIDTH, SHARP_FRACT);
	pixDestroy(&grey);
	return *out ? SH_OK : nomem("sharpening");
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
	PIX *pixg = NULL, *pixt = NULL, *probe = NULL, *photo = NULL, *received = pixs;
	sh_photo_geom geom = {.w = 0};
	unsigned steps = w->opts && w->opts->clean ? w->opts->clean : SH_CLEAN_ALL;
	memset(rep, 0, sizeof *rep);
	*out = NULL;
	w->orient_unsure = 0;
	if (rectified)
		*rectified = NULL;
	if (!pixs)
		return sh_error_set(SH_EINVAL, "page clean-up: no image");
	rep->tag_dpi = pixGetXRes(pixs) > 0 ? pixGetXRes(pixs) : 0;

	int dpi = 0;
	if (steps & SH_CLEAN_PHOTO) {
		int found = 0;
		rc = sh_ocr_photo_rectify(pixs, &photo, rep->corners, &dpi, &found, &geom);
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
	int text_dpi = 0, trusted = 0;
	dpi = sh_ocr_scale_dpi(pixs, dpi, !!(rep->flags & SH_PAGE_PHOTO), &text_dpi, &trusted);
	rep->true_dpi = dpi;
	if (photo)
		pixSetResolution(photo, dpi, dpi);
	if (dpi < LOWRES_DPI)
		rep->flags |= SH_PAGE_LOWRES;
	/* a small photo's page: paper to 220 rather than 190 so the faint
	 * grey of blurred thin strokes is not stretched to white */
	int paper_to = 190, black_to = 30;
	if ((rep->flags & SH_PAGE_PHOTO) && (steps & SH_CLEAN_UPSCALE) && dpi > 0 &&
	    dpi < SHARP_BELOW_DPI && (double)geom.w * geom.h * TARGET_DPI * TARGET_DPI < SHARP_MAX_PIXELS * dpi * dpi) {
		rc = sharp_photo_grey(received, &geom, dpi, steps, &pixg, rep);
		dpi = TARGET_DPI;
		paper_to = BLUR_PAPER_TO;
		black_to = 0;
	} else {
		rc = sh_ocr_make_grey(pixs, steps, dpi, &pixg, rep);
	}
	if (rc)
		goto out;

	if ((steps & SH_CLEAN_UPSCALE) && !trusted && dpi > DOWNSCALE_ABOVE_DPI) {
		/* a card filling a phone's frame: its text far larger than body
		 * text at 300 dpi, scaled down to it (not up from its 72 tag) */
		float f = (float)TARGET_DPI / (float)dpi;
		pixt = pixScaleAreaMap(pixg, f, f);
		if (!pixt) {
			rc = nomem("downscale");
			goto out;
		}
		pixDestroy(&pixg);
		pixg = pixt;
		pixt = NULL;
		dpi = TARGET_DPI;
	}
	if ((steps & SH_CLEAN_UPSCALE) && dpi < UPSCALE_BELOW_DPI) {
		/* Scans to 250 dpi, not 300: on the 72 low-resolution tune3
		 * pages CER 0.75 % against 0.79 (0.82 not scaled up), the
		 * degraded bench's 150 and 200 dpi grey scans as well or better,
		 * recognition ~15 % cheaper; its three 200 dpi faxes lose (0.32 ->
		 * 0.45 %). Photos keep 300 (not measured). docs/OCR.md */
		int to = (rep->flags & SH_PAGE_PHOTO) ? TARGET_DPI : SCAN_UPSCALE_DPI;
		float f = (float)to / (float)dpi;
		if (rep->flags & SH_PAGE_BILEVEL) {
			/* A fax's jagged 0/255 edges, scaled up, read badly; blurred
			 * first and re-sharpened by the background step they read as
			 * well as grey scans (fax200 CER 0.61 % -> 0.32 %). The blur
			 * is a 3x3 box, twice at 175 dpi and above (a 5x5 tent): a
			 * 5x5 box and the full stretch below washed out the
			 * diacritics of degraded 180-200 dpi scans ("Tỵ" -> "Ty";
			 * tune3 lsans200 CER 2.01 % -> 0.39 %, docs/OCR.md). */
			int passes = dpi >= 175 ? 2 : 1;
			/* the same bytes as the passes and pixScaleGrayLI below,
			 * ~4x faster (upscale.c, docs/OCR.md "Session 17") */
			PIX *scaled = NULL;
			if (sh_ocr_blur_upscale(pixg, passes, f, &scaled) == SH_ENOMEM) {
				rc = nomem("upscale");
				goto out;
			}
			for (int pass = 0; !scaled && pass < passes; pass++) {
				pixt = pixBlockconv(pixg, 1, 1);
				if (!pixt) {
					rc = nomem("upscale");
					goto out;
				}
				pixDestroy(&pixg);
				pixg = pixt;
				pixt = NULL;
			}
			pixt = scaled;
			/* the stretch as for small photos: thin blurred
			 * strokes and marks must not fade to paper */
			paper_to = BLUR_PAPER_TO;
			black_to = 0;
		}
		if (!pixt) /* not blurred and scaled above */
			pixt = pixScaleGrayLI(pixg, f, f);
		if (!pixt) {
			rc = nomem("upscale");
			goto out;
		}
		pixDestroy(&pixg);
		pixg = pixt;
		pixt = NULL;
		dpi = to;
	}
	pixSetResolution(pixg, dpi, dpi);

	if (steps & SH_CLEAN_BACKGROUND) {
		/* Map the paper to 200 (Leptonica's tested range), then stretch
		 * so paper is white and ink keeps its contrast. */
		if (sh_ocr_background_stretch(pixg, black_to, paper_to, &pixt) == SH_ENOMEM) {
			rc = nomem("background");
			goto out;
		}
		if (!pixt) { /* no map made: Leptonica's copy, stretched */
			pixt = pixBackgroundNormSimple(pixg, NULL, NULL);
			if (!pixt) {
				rc = nomem("background");
				goto out;
			}
			pixGammaTRC(pixt, pixt, 1.0f, black_to, paper_to);
		}
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
