/*
 * Colour: the page made grey with red seals dropped and red (printed)
 * text kept (step 1 of the clean-up, clean.c); see docs/OCR.md.
 */
#include "ocr_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
	SEAL_RED_MARGIN = 60,    /* red minus the larger of green and blue */
	SEAL_MIN_PER_MILLE = 2,  /* red ink on 0.2 % of the page makes a seal */
};

static int nomem(const char *what)
{
	return sh_error_set(SH_ENOMEM, "page clean-up: out of memory (%s)", what);
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
int sh_ocr_make_grey(PIX *pixs, unsigned steps, int dpi, PIX **out, sh_clean_report *rep)
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
