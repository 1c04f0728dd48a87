/* Lines read again (issue 23, small frames): on a photo whose page was
 * small in the frame (letters 5-8 px high), Tesseract's page layout pass
 * reads some lines poorly that it reads better on their own. Each line
 * whose mean word confidence is low is cut out of the page (a little
 * margin around it), set on white and read as one line (PSM 7) as it is
 * and scaled down; the most confident reading is kept when it beats the
 * page's by REREAD_GAIN points, and the page's
 * text and hOCR are rewritten so that both hold the same words with their
 * own boxes (in page pixels) and confidences. */
#include "ocr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	REREAD_BELOW = 85,    /* lines under this mean word confidence are read again */
	REREAD_GAIN = 3,      /* a new reading is kept when this much more confident */
	REREAD_PADX = 50,     /* margin of the page cut left and right, % of the line's height */
	REREAD_BORDER = 16,   /* white around the cut line, pixels after scaling */
	REREAD_MAX_LINES = 80 /* at most this many lines read again a page */
};

/* Each unsure line is read at these scales of the 300 dpi page (tuning
 * photos, 20 pages under 150 dpi, character edits 852 before: 1.0 alone
 * 825, 1.5 alone 833, 2.0 alone 843, 1.0 and 1.5 820, 1.0 and 0.75 805,
 * 1.0, 0.75, 1.5 and 0.6 801); the most confident reading is kept. */
static const float reread_scales[] = {1.0f, 0.75f};

typedef struct rline {
	int x0, y0, x1, y1;
	int sum, n, weak; /* word confidences as read with the page */
	char *text;       /* the line's words as in the page text (no newline) */
	char *nhocr;      /* new reading: the line's hOCR words; NULL: not kept */
	char *ntext;      /* new reading: its words separated by spaces */
	int nsum, nn, nweak;
} rline;

typedef struct sbuf {
	char *s;
	size_t n, cap;
	int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 256;
		while (c < b->n + n + 1)
			c *= 2;
		char *g = sh_realloc(b->s, c);
		if (!g) {
			b->oom = 1;
			return;
		}
		b->s = g;
		b->cap = c;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

/* as Tesseract's HOcrEscape */
static void sb_esc(sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sb_str(b, "&lt;"); break;
		case '>': sb_str(b, "&gt;"); break;
		case '&': sb_str(b, "&amp;"); break;
		case '"': sb_str(b, "&quot;"); break;
		case '\'': sb_str(b, "&#39;"); break;
		default: sb_add(b, s, 1);
		}
	}
}

static void lines_free(rline *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sh_free(v[i].text);
		sh_free(v[i].nhocr);
		sh_free(v[i].ntext);
	}
	sh_free(v);
}

/* The lines of the page just recognised by api, with their words'
 * confidences. *out: caller lines_free. */
static int lines_collect(TessBaseAPI *api, rline **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	if (!it)
		return SH_OK;
	rline *v = NULL;
	size_t n = 0, cap = 0;
	int rc = SH_OK;
	do {
		TessPageIterator *pi = (TessPageIterator *)TessResultIteratorGetPageIterator(it);
		char *wt = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (!wt)
			continue; /* an empty word: not in the text nor the hOCR */
		TessDeleteText(wt);
		if (TessPageIteratorIsAtBeginningOf(pi, RIL_TEXTLINE) || !n) {
			if (n == cap) {
				size_t c = cap ? 2 * cap : 64;
				rline *g = sh_realloc(v, c * sizeof *g);
				if (!g) {
					rc = SH_ENOMEM;
					break;
				}
				v = g;
				cap = c;
			}
			rline *l = &v[n++];
			memset(l, 0, sizeof *l);
			TessPageIteratorBoundingBox(pi, RIL_TEXTLINE, &l->x0, &l->y0, &l->x1, &l->y1);
			char *lt = TessResultIteratorGetUTF8Text(it, RIL_TEXTLINE);
			if (lt) {
				size_t k = strlen(lt);
				while (k && (lt[k - 1] == '\n' || lt[k - 1] == ' '))
					k--;
				lt[k] = 0;
				l->text = sh_strdup(lt);
				TessDeleteText(lt);
				if (!l->text) {
					rc = SH_ENOMEM;
					break;
				}
			}
		}
		int c = (int)TessResultIteratorConfidence(it, RIL_WORD);
		v[n - 1].sum += c;
		v[n - 1].n++;
		v[n - 1].weak += c < 60;
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
	if (rc) {
		lines_free(v, n);
		return rc;
	}
	*out = v;
	*nout = n;
	return SH_OK;
}

/* Line l cut out of pix, scaled by scale and read as one line by api; its
 * words (boxes back in pix's pixels) kept in l->n* when more confident than
 * the page's reading (by REREAD_GAIN) and than an earlier scale's. */
static void line_read(TessBaseAPI *api, PIX *pix, int dpi, rline *l, int *word_id, float scale)
{
	int W = pixGetWidth(pix), H = pixGetHeight(pix);
	int h = l->y1 - l->y0;
	if (h < 4 || l->x1 - l->x0 < 4 || !l->text)
		return;
	int padx = h * REREAD_PADX / 100 + 1, pady = h / 6 + 1;
	int x0 = l->x0 - padx < 0 ? 0 : l->x0 - padx, y0 = l->y0 - pady < 0 ? 0 : l->y0 - pady;
	int x1 = l->x1 + padx > W ? W : l->x1 + padx, y1 = l->y1 + pady > H ? H : l->y1 + pady;
	BOX *box = boxCreate(x0, y0, x1 - x0, y1 - y0);
	PIX *cut = box ? pixClipRectangle(pix, box, NULL) : NULL;
	boxDestroy(&box);
	PIX *big = cut ? (scale == 1.0f ? pixClone(cut) : pixScaleGrayLI(cut, scale, scale)) : NULL;
	PIX *pad = big ? pixAddBorder(big, REREAD_BORDER, 255) : NULL;
	pixDestroy(&cut);
	pixDestroy(&big);
	if (!pad)
		return;
	TessBaseAPISetImage2(api, pad);
	TessBaseAPISetSourceResolution(api, (int)((float)dpi * scale));
	if (TessBaseAPIRecognize(api, NULL) != 0) {
		pixDestroy(&pad);
		return;
	}
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	sbuf hb = {0}, tb = {0};
	int sum = 0, n = 0, weak = 0;
	if (it) {
		do {
			char *wt = TessResultIteratorGetUTF8Text(it, RIL_WORD);
			if (!wt)
				continue;
			int bx0, by0, bx1, by1;
			TessPageIterator *pi = (TessPageIterator *)TessResultIteratorGetPageIterator(it);
			if (!wt[0] || !TessPageIteratorBoundingBox(pi, RIL_WORD, &bx0, &by0, &bx1, &by1)) {
				TessDeleteText(wt);
				continue;
			}
			int c = (int)TessResultIteratorConfidence(it, RIL_WORD);
			/* back to the page: off the border, down the scale, plus the cut's origin */
			int px0 = x0 + (int)((float)(bx0 - REREAD_BORDER) / scale);
			int py0 = y0 + (int)((float)(by0 - REREAD_BORDER) / scale);
			int px1 = x0 + (int)((float)(bx1 - REREAD_BORDER) / scale + 0.999f);
			int py1 = y0 + (int)((float)(by1 - REREAD_BORDER) / scale + 0.999f);
			px0 = px0 < x0 ? x0 : px0;
			py0 = py0 < y0 ? y0 : py0;
			px1 = px1 > x1 ? x1 : px1 < px0 + 1 ? px0 + 1 : px1;
			py1 = py1 > y1 ? y1 : py1 < py0 + 1 ? py0 + 1 : py1;
			char head[160];
			snprintf(head, sizeof head,
				 "\n      <span class='ocrx_word' id='word_1_r%d' title='bbox %d %d %d %d; x_wconf %d'>",
				 (*word_id)++, px0, py0, px1, py1, c);
			sb_str(&hb, head);
			sb_esc(&hb, wt);
			sb_str(&hb, "</span>");
			if (n)
				sb_str(&tb, " ");
			sb_str(&tb, wt);
			TessDeleteText(wt);
			sum += c;
			n++;
			weak += c < 60;
		} while (TessResultIteratorNext(it, RIL_WORD));
		TessResultIteratorDelete(it);
	}
	TessBaseAPIClear(api);
	pixDestroy(&pad);
	/* kept when more confident, and not a fragment of the line: psm 7 may
	 * read only part of a line, and be sure of it */
	size_t oldlen = strlen(l->text);
	int better = l->nhocr ? sum * l->nn > l->nsum * n
			      : sum * l->n >= (l->sum + REREAD_GAIN * l->n) * n;
	if (!hb.oom && !tb.oom && n && better && tb.n * 10 >= oldlen * 7) {
		sh_free(l->nhocr);
		sh_free(l->ntext);
		l->nhocr = hb.s;
		l->ntext = tb.s;
		l->nsum = sum;
		l->nn = n;
		l->nweak = weak;
		return;
	}
	sh_free(hb.s);
	sh_free(tb.s);
}

/* *text with each kept line's words replaced, lines located in order (the
 * first place at or after the previous line); a line not found so keeps
 * its first reading (l->nhocr cleared). */
static int text_rewrite(char **text, rline *v, size_t n)
{
	sbuf b = {0};
	const char *p = *text; /* copied up to here */
	const char *cur = *text; /* lines looked for from here */
	for (size_t i = 0; i < n; i++) {
		rline *l = &v[i];
		if (!l->text || !l->text[0])
			continue;
		size_t k = strlen(l->text);
		const char *q = strstr(cur, l->text);
		if (!q) {
			sh_free(l->nhocr);
			l->nhocr = NULL;
			continue;
		}
		cur = q + k;
		if (!l->nhocr)
			continue;
		sb_add(&b, p, (size_t)(q - p));
		sb_str(&b, l->ntext);
		p = q + k;
	}
	sb_str(&b, p);
	if (b.oom) {
		sh_free(b.s);
		return SH_ENOMEM;
	}
	sh_free(*text);
	*text = b.s;
	return SH_OK;
}

/* *hocr with each kept line's words replaced; the line found by its box.
 * A line not found is dropped (l->nhocr cleared): it keeps its first
 * reading. */
static int hocr_rewrite(char **hocr, rline *v, size_t n)
{
	sbuf b = {0};
	const char *p = *hocr;
	for (size_t i = 0; i < n; i++) {
		rline *l = &v[i];
		if (!l->nhocr)
			continue;
		char key[96];
		snprintf(key, sizeof key, "title=\"bbox %d %d %d %d;", l->x0, l->y0, l->x1, l->y1);
		const char *q = p, *open = NULL;
		for (const char *id; (id = strstr(q, "id='line_"));) {
			const char *e = strchr(id, '>');
			const char *t = strstr(id, key);
			if (!e)
				break;
			if (t && t < e) {
				open = e + 1;
				break;
			}
			q = e + 1;
		}
		if (!open) {
			sh_free(l->nhocr);
			l->nhocr = NULL;
			continue;
		}
		/* the line's closing tag: spans nest inside it */
		int depth = 1;
		const char *s = open, *close = NULL;
		while (depth > 0) {
			const char *o = strstr(s, "<span"), *c = strstr(s, "</span>");
			if (!c)
				break;
			if (o && o < c) {
				depth++;
				s = o + 5;
			} else if (--depth == 0) {
				close = c;
			} else {
				s = c + 7;
			}
		}
		if (!close) {
			sh_free(l->nhocr);
			l->nhocr = NULL;
			continue;
		}
		sb_add(&b, p, (size_t)(open - p));
		sb_str(&b, l->nhocr);
		sb_str(&b, "\n     ");
		p = close;
	}
	sb_str(&b, p);
	if (b.oom) {
		sh_free(b.s);
		return SH_ENOMEM;
	}
	sh_free(*hocr);
	*hocr = b.s;
	return SH_OK;
}

static size_t count_kept(const rline *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += v[i].nhocr != NULL;
	return k;
}

int sh_ocr_reread_lines(TessBaseAPI *api, PIX *pix, int dpi, char **text, char **hocr,
			sh_reread_stats *st)
{
	rline *v = NULL;
	size_t n = 0;
	memset(st, 0, sizeof *st);
	int rc = lines_collect(api, &v, &n);
	if (rc || !n)
		return rc;
	TessPageSegMode psm = TessBaseAPIGetPageSegMode(api);
	TessBaseAPISetPageSegMode(api, PSM_SINGLE_LINE);
	int word_id = 1, tries = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].n && v[i].sum < REREAD_BELOW * v[i].n && tries < REREAD_MAX_LINES) {
			tries++;
			for (size_t k = 0; k < sizeof reread_scales / sizeof *reread_scales; k++)
				line_read(api, pix, dpi, &v[i], &word_id, reread_scales[k]);
		}
	}
	TessBaseAPISetPageSegMode(api, psm);
	st->tried = tries;
	/* both rewritten on copies and taken together: a line that either
	 * cannot place keeps its first reading in both */
	char *t2 = NULL, *h2 = NULL;
	size_t before = count_kept(v, n);
	if (before) {
		t2 = sh_strdup(*text);
		h2 = hocr && *hocr ? sh_strdup(*hocr) : NULL;
		if (!t2 || (hocr && *hocr && !h2))
			rc = SH_ENOMEM;
	}
	if (!rc && before && h2)
		rc = hocr_rewrite(&h2, v, n);
	if (!rc && before)
		rc = text_rewrite(&t2, v, n);
	if (!rc && h2 && count_kept(v, n) != before) {
		/* the text lost a line the hOCR took: the hOCR again with fewer */
		sh_free(h2);
		h2 = sh_strdup(*hocr);
		rc = h2 ? hocr_rewrite(&h2, v, n) : SH_ENOMEM;
	}
	if (!rc && count_kept(v, n)) {
		sh_free(*text);
		*text = t2;
		t2 = NULL;
		if (h2) {
			sh_free(*hocr);
			*hocr = h2;
			h2 = NULL;
		}
		for (size_t i = 0; i < n; i++) {
			if (!v[i].nhocr)
				continue;
			st->kept++;
			st->dsum += v[i].nsum - v[i].sum;
			st->dwords += v[i].nn - v[i].n;
			st->dweak += v[i].nweak - v[i].weak;
		}
	}
	sh_free(t2);
	sh_free(h2);
	lines_free(v, n);
	return rc;
}
