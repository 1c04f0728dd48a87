/* A second reading of a number (issue 18): the box of an id read unsurely,
 * cut from the page, upscaled and binarised several ways, read by
 * Tesseract as one line of digits only. The caller compares the readings
 * (sh_paper_id_confirm): agreement of differently prepared images is the
 * evidence, so every pass differs in scale and binarisation. */
#include "ocr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sh_ocr_digits {
	TessBaseAPI *api;
};

int sh_ocr_digits_new(sh_ocr_digits **out, const char *datapath, const char *lang)
{
	*out = NULL;
	if (!lang)
		lang = "eng";
	sh_ocr_digits *d = sh_calloc(1, sizeof *d);
	if (!d || !(d->api = TessBaseAPICreate())) {
		sh_free(d);
		return sh_error_set(SH_ENOMEM, "cannot create a Tesseract engine for digits (out of memory?)");
	}
	TessBaseAPISetVariable(d->api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(d->api, datapath, lang) != 0) {
		TessBaseAPIDelete(d->api);
		sh_free(d);
		return sh_error_set(SH_ENOTFOUND, "Tesseract language data '%s' not found: install tesseract-ocr-%s "
						  "(or set TESSDATA_PREFIX)", lang, lang);
	}
	TessBaseAPISetVariable(d->api, "debug_file", "/dev/null");
	TessBaseAPISetVariable(d->api, "tessedit_char_whitelist", "0123456789");
	TessBaseAPISetPageSegMode(d->api, PSM_SINGLE_LINE);
	*out = d;
	return SH_OK;
}

void sh_ocr_digits_free(sh_ocr_digits **d)
{
	if (!d || !*d)
		return;
	TessBaseAPIEnd((*d)->api);
	TessBaseAPIDelete((*d)->api);
	sh_free(*d);
	*d = NULL;
}

/* The box as 8-bit grey, cut with 2 pixels to spare (clipped to the page)
 * and set on white: a margin of the page itself would bring in the
 * label's last letter, which a digits-only reading turns into a digit
 * ("SỐ 028428740" read "1028428740"). NULL if empty. */
static PIX *cut_gray(PIX *page, int x0, int y0, int x1, int y1)
{
	int w = pixGetWidth(page), h = pixGetHeight(page);
	int bh = y1 - y0;
	x0 = x0 - 2 < 0 ? 0 : x0 - 2;
	y0 = y0 - 2 < 0 ? 0 : y0 - 2;
	x1 = x1 + 2 > w ? w : x1 + 2;
	y1 = y1 + 2 > h ? h : y1 + 2;
	if (x1 - x0 < 4 || y1 - y0 < 4)
		return NULL;
	BOX *b = boxCreate(x0, y0, x1 - x0, y1 - y0);
	PIX *c = b ? pixClipRectangle(page, b, NULL) : NULL;
	boxDestroy(&b);
	if (!c)
		return NULL;
	PIX *g = pixGetDepth(c) == 8 && !pixGetColormap(c) ? pixClone(c) : pixConvertTo8(c, 0);
	pixDestroy(&c);
	if (!g)
		return NULL;
	int m = bh / 2 + 2;
	PIX *o = pixAddBorderGeneral(g, m, m, m / 2 + 1, m / 2 + 1, 255);
	pixDestroy(&g);
	return o;
}

/* Pass i's image: grey as cut and 2x (Tesseract binarises), 2x Otsu, 3x
 * Sauvola. */
static PIX *pass_image(PIX *g, int i)
{
	static const float scale[SH_OCR_DIGIT_PASSES] = {1.0f, 2.0f, 2.0f, 3.0f};
	static const int how[SH_OCR_DIGIT_PASSES] = {0, 0, 1, 2};
	PIX *s = scale[i] == 1.0f ? pixClone(g) : pixScaleGrayLI(g, scale[i], scale[i]), *b = NULL;
	if (!s)
		return NULL;
	switch (how[i]) {
	case 0:
		b = pixClone(s);
		break;
	case 1:
		if (pixOtsuAdaptiveThreshold(s, 4000, 4000, 0, 0, 0.1f, NULL, &b))
			b = NULL;
		break;
	default:
		if (pixSauvolaBinarize(s, 24, 0.34f, 1, NULL, NULL, NULL, &b))
			b = NULL;
		break;
	}
	pixDestroy(&s);
	if (!b)
		return NULL;
	PIX *o = pixAddBorder(b, 16, pixGetDepth(b) == 1 ? 0 : 255);
	pixDestroy(&b);
	return o;
}

int sh_ocr_digits_read(sh_ocr_digits *d, PIX *page, int x0, int y0, int x1, int y1,
		       char out[][SH_OCR_DIGITS_MAX], size_t *n)
{
	*n = 0;
	if (!d || !page || x1 <= x0 || y1 <= y0)
		return sh_error_set(SH_EINVAL, "digits: no engine, no page or an empty box");
	PIX *g = cut_gray(page, x0, y0, x1, y1);
	if (!g)
		return sh_error_set(SH_EINVAL, "digits: the box %d,%d-%d,%d is outside the page", x0, y0, x1, y1);
	for (int i = 0; i < SH_OCR_DIGIT_PASSES; i++) {
		PIX *p = pass_image(g, i);
		if (!p)
			continue;
		TessBaseAPISetImage2(d->api, p);
		TessBaseAPISetSourceResolution(d->api, 300);
		char *t = TessBaseAPIGetUTF8Text(d->api);
		size_t k = 0;
		for (const char *q = t; q && *q && k + 1 < SH_OCR_DIGITS_MAX; q++)
			if (*q >= '0' && *q <= '9')
				out[*n][k++] = *q;
		out[*n][k] = 0;
		if (t) {
			TessDeleteText(t);
			(*n)++;
		}
		TessBaseAPIClear(d->api);
		pixDestroy(&p);
	}
	pixDestroy(&g);
	return SH_OK;
}

/* ---- a line of words read again (issue 18: names) ---------------------- */

int sh_ocr_line_read(TessBaseAPI *api, PIX *page, sh_ocr_digit_read *b)
{
	static const float scale[SH_OCR_LINE_PASSES] = {2.0f, 3.0f};
	b->n = 0;
	if (!api || !page || b->x1 <= b->x0 || b->y1 <= b->y0)
		return sh_error_set(SH_EINVAL, "line: no engine, no page or an empty box");
	/* a third of the line's height to spare left and right: the first
	 * and last letters whole (cut at the box, "GIANG" read "3IANG") */
	int mx = (b->y1 - b->y0) / 3;
	PIX *g = cut_gray(page, b->x0 - mx, b->y0, b->x1 + mx, b->y1);
	if (!g)
		return sh_error_set(SH_EINVAL, "line: the box %d,%d-%d,%d is outside the page", b->x0, b->y0,
				    b->x1, b->y1);
	TessPageSegMode was = TessBaseAPIGetPageSegMode(api);
	TessBaseAPISetPageSegMode(api, PSM_SINGLE_LINE);
	int rc = SH_OK;
	for (int i = 0; i < SH_OCR_LINE_PASSES && !rc; i++) {
		PIX *s = pixScaleGrayLI(g, scale[i], scale[i]);
		PIX *p = s ? pixAddBorder(s, 16, 255) : NULL;
		pixDestroy(&s);
		if (!p)
			continue;
		TessBaseAPISetImage2(api, p);
		TessBaseAPISetSourceResolution(api, 300);
		size_t k = b->n, nw = 0;
		if (TessBaseAPIRecognize(api, NULL) == 0) {
			TessResultIterator *it = TessBaseAPIGetIterator(api);
			if (it) {
				do {
					char *t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
					float c = TessResultIteratorConfidence(it, RIL_WORD);
					char *nfc = NULL;
					if (t && *t && nw < SH_OCR_LINE_WORDS) {
						if (sh_text_nfc(&nfc, t, strlen(t)))
							rc = SH_ENOMEM;
						else if (strlen(nfc) < SH_OCR_WORD_MAX) {
							memcpy(b->word[k][nw], nfc, strlen(nfc) + 1);
							b->conf[k][nw++] = c < 0 ? 0 : c > 100 ? 100 : (int)(c + 0.5f);
						} else {
							nw = SH_OCR_LINE_WORDS + 1; /* a word too long: no reading */
						}
					}
					sh_free(nfc);
					if (t)
						TessDeleteText(t);
				} while (!rc && TessResultIteratorNext(it, RIL_WORD));
				TessResultIteratorDelete(it);
			}
			if (nw <= SH_OCR_LINE_WORDS) {
				b->nw[k] = nw;
				b->n++;
			}
		}
		TessBaseAPIClear(api);
		pixDestroy(&p);
	}
	TessBaseAPISetPageSegMode(api, was);
	pixDestroy(&g);
	return rc ? sh_error_set(rc, "out of memory reading a line again") : SH_OK;
}
