/* A second reading of dates (issue 18, docs/PAPERS.md): the place of every
 * date on the page ("DD/MM/YYYY" in one OCR word, or the three numbers of
 * "ngày D tháng M năm YYYY") is read again, digits only, by the caller's
 * reader (sh_ocr_digits_read on the page image), and the readings confirm,
 * correct or take back the date OCR read. Agreement of differently prepared
 * images is the evidence; a date they do not settle is left as read, or
 * left out when it was itself a guess. Never a date nobody read.
 *
 * The text is changed in place, byte for byte (a digit for a digit, a
 * shorter number padded with spaces; a date whose slash OCR lost takes
 * the space after its label's colon), so word offsets (sh_paper_word)
 * found on the text as read stay true. */
#include "paper_hocr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef paper_hword dword;

/* Every ocrx_word of hocr with its box, located in text in reading order
 * (text NULL: not located, offsets 0). *out: caller sh_free. */
static int scan_words(dword **out, size_t *n, const char *text, const char *hocr)
{
	return paper_hocr_words(out, n, text, hocr, 64, 0);
}

/* The digit OCR meant by c (o/O 0, l/I/|/! 1, S/s 5 after a digit), or -1. */
static int digitish(char c, int after_digit)
{
	if (c >= '0' && c <= '9')
		return c;
	if (c == 'o' || c == 'O')
		return '0';
	/* "!" for 1: italic faces at 170 dpi ("tháng !! năm", tune5) */
	if (c == 'l' || c == 'I' || c == '|' || c == '!')
		return '1';
	if ((c == 'S' || c == 's') && after_digit)
		return '5';
	return -1;
}

/* a date's place: up to three boxes, the text bytes of its three numbers */
typedef struct dplace {
	int nbox;
	sh_paper_box box[3];
	size_t at[3], len[3]; /* text offsets of day, month, year */
	char g[3][8];         /* their digits as OCR read them */
	int numeric;          /* one "DD/MM/YYYY" word (one box for the three) */
	int merged;           /* 1: "0148/1973": the slash and the month's 0 read
				 as one glyph (4, A, d); g[1] is the month as
				 that split gives it, at[1]/len[1] the glyphs;
				 2: "26A92/1984", the slash read as A
				 (slash_glyph_place); 3: "08/1 1/2004", a
				 space in the month (spaced_month); 4: a
				 worded date with a label or its month
				 garbled (slipped_place) */
	size_t lat[3], llen[3]; /* merged 4: "ngày", "năm", "tháng" as read,
				   to write (llen 0: read as printed) */
} dplace;

/* Digits of a number in t[i..] of lo..hi digit-ish chars ending at a
 * non-digit, at least half of them real digits unless any (a day or month
 * between the words "ngày", "tháng", "năm": "tháng !! năm"); its length or
 * 0. */
static size_t number_at_any(const char *t, size_t tl, size_t i, size_t lo, size_t hi, char *dg, int any)
{
	size_t n = 0, real = 0;
	while (i + n < tl && n <= hi) {
		int d = digitish(t[i + n], n > 0);
		if (d < 0)
			break;
		real += t[i + n] >= '0' && t[i + n] <= '9';
		dg[n] = (char)d;
		n++;
	}
	dg[n < 8 ? n : 7] = 0;
	return n >= lo && n <= hi && (any || real * 2 >= n) ? n : 0;
}

static size_t number_at(const char *t, size_t tl, size_t i, size_t lo, size_t hi, char *dg)
{
	return number_at_any(t, tl, i, lo, hi, dg, 0);
}

/* "DDAMM/YYYY" from t[s] to tl (tl - s == 10): the first slash read as an
 * A and a month of two digits as read ("26A92/1984", FreeSerif Italic
 * 170: its 0 read as 9). No split of OCR's glyphs is a date, so the
 * passes must give it (slash_glyph_confirmed); merged 2, g[1] the month's
 * digits as read, at[1]/len[1] the A and the month. */
static int slash_glyph_place(const dword *w, size_t s, size_t tl, dplace *pl)
{
	const char *t = w->t + s;
	if (tl - s != 10 || t[2] != 'A' || t[5] != '/')
		return 0;
	for (size_t k = 0; k < 10; k++)
		if (k != 2 && k != 5 && (t[k] < '0' || t[k] > '9'))
			return 0;
	snprintf(pl->g[0], sizeof pl->g[0], "%.2s", t);
	snprintf(pl->g[1], sizeof pl->g[1], "%.2s", t + 3);
	snprintf(pl->g[2], sizeof pl->g[2], "%.4s", t + 6);
	pl->at[0] = w->off + s;
	pl->len[0] = 2;
	pl->at[1] = w->off + s + 2;
	pl->len[1] = 3;
	pl->at[2] = w->off + s + 6;
	pl->len[2] = 4;
	pl->merged = 2;
	return 1;
}

/* "DD?M/YYYY" from t[s] to tl: a day's two digits, one glyph standing for
 * the slash and the month's 0 (FreeSerif Italic at 170 dpi reads "/0" as
 * 4, A or d; a ')' may follow it), one digit, '/' and the year
 * ("0148/1973", "16A)8/2030"), or "DD0M/YYYY", the slash lost. The split
 * is the only one that gives a month: DD/4M is none. Filled in pl as 01 / 08 / 1973; 0 when no such
 * word. Only a place to read again: never a date by itself. */
static int merged_place(const dword *w, size_t s, size_t tl, dplace *pl)
{
	const char *t = w->t;
	size_t i = s;
	/* the day's 1 may be a glyph ("l3A)3/2019", "!54)3/2019") */
	int one = t[i] && strchr("lI!|", t[i]) != NULL;
	if (tl - s < 9 || (!one && !strchr("0123", t[i])) || t[i + 1] < '0' || t[i + 1] > '9')
		return 0;
	if (!one && slash_glyph_place(w, s, tl, pl))
		return 1;
	/* or the slash lost ("2005/1970"): no digit the face reads for a
	 * slash (4, 9, 7, 1) where one could stand, the month's 0 kept */
	int lost = t[i + 2] == '0' && !strchr("4971", t[i + 1]);
	if (!lost && !strchr("4Ad", t[i + 2]))
		return 0;
	i += 3;
	if (!lost && t[i] == ')')
		i++;
	else if (!lost && t[s + 2] == 'A' && t[i] == '4' && t[i + 1] == ')')
		i += 2; /* "/0" read as three glyphs ("28A4)8/2022", "26A4)2/2024") */
	if (t[i] < '1' || t[i] > '9' || t[i + 1] != '/' || tl - (i + 2) != 4)
		return 0;
	for (size_t k = i + 2; k < tl; k++)
		if (t[k] < '0' || t[k] > '9')
			return 0;
	snprintf(pl->g[0], sizeof pl->g[0], "%c%c", one ? '1' : t[s], t[s + 1]);
	snprintf(pl->g[1], sizeof pl->g[1], "0%c", t[i]);
	snprintf(pl->g[2], sizeof pl->g[2], "%.4s", t + i + 2);
	pl->at[0] = w->off + s;
	pl->len[0] = 2;
	pl->at[1] = w->off + s + 2;
	pl->len[1] = i + 1 - (s + 2);
	pl->at[2] = w->off + i + 2;
	pl->len[2] = 4;
	pl->merged = 1;
	return 1;
}

/* "DD/MM/YYYY" in word w (a label glued before it, punctuation after it). */
static int numeric_place(const dword *w, dplace *pl)
{
	const char *t = w->t;
	size_t tl = strlen(t);
	while (tl && strchr(".,;:)", t[tl - 1]))
		tl--;
	pl->merged = 0;
	pl->llen[0] = pl->llen[1] = pl->llen[2] = 0;
	for (size_t s = 0; s < tl; s++) {
		if (s && digitish(t[s - 1], 0) >= 0)
			continue;
		size_t i = s, n[3];
		char sep = 0;
		int k = 0;
		for (; k < 3; k++) {
			n[k] = number_at(t, tl, i, k == 2 ? 4 : 1, k == 2 ? 5 : 2, pl->g[k]);
			if (!n[k])
				break;
			pl->at[k] = w->off + i;
			pl->len[k] = n[k];
			i += n[k];
			if (k == 2)
				break;
			if (i >= tl || !strchr("/-.", t[i]) || (sep && t[i] != sep))
				break;
			sep = t[i++];
		}
		if ((k != 2 || !n[2] || i != tl) && !merged_place(w, s, tl, pl))
			continue;
		pl->numeric = 1;
		pl->nbox = 1;
		pl->box[0] = w->b;
		/* a glued label is cut off by its share of the letters */
		int chars = (int)strlen(t);
		if (s && chars > 0)
			pl->box[0].x0 = w->b.x0 + (w->b.x1 - w->b.x0) * (int)s / chars;
		return 1;
	}
	return 0;
}

/* Is word w the folded word want ("ngay"), a ',' or ':' after it aside? */
static int word_is(const dword *w, const char *want)
{
	char *f = NULL;
	size_t fl = 0;
	if (paper_fold(&f, NULL, &fl, w->t, strlen(w->t)))
		return 0;
	while (fl && strchr(",:", f[fl - 1]))
		fl--;
	int ok = fl == strlen(want) && !memcmp(f, want, fl);
	sh_free(f);
	return ok;
}

/* A day read as two words, a lone 1 glyph and a digit ("ngày ! 3 tháng":
 * FreeSerif Italic at 170 dpi): its digits, text span and box; 0 when
 * not so. */
/* Is t one glyph OCR reads for a thin 1: "!", "l", "I", "|", or a
 * capital I with a mark ("Ì", "Í": an italic 1's serif read as the
 * mark, "tháng Ì Ì năm", FreeSerif Italic 170)? */
static int lone_one(const char *t)
{
	return (strlen(t) == 1 && strchr("!lI|", t[0])) || !strcmp(t, "\xc3\x8c") || !strcmp(t, "\xc3\x8d");
}

/* A day or month (k 0 or 1) read as two words, a lone 1 glyph and a digit
 * ("ngày ! 3 tháng": FreeSerif Italic at 170 dpi), or two lone 1 glyphs
 * ("tháng Ì Ì năm"): its digits, text span and box; 0 when not so. The
 * passes must read it (glyphs for digits). */
static int split_day(const dword *l, const dword *w, dplace *pl, int k)
{
	const dword *x = w + 1;
	size_t wl = strlen(w->t);
	int digit = strlen(x->t) == 1 && x->t[0] >= '0' && x->t[0] <= '9';
	if (!lone_one(w->t) || (!digit && !lone_one(x->t)) || x->b.page != l->b.page || !x->len ||
	    (x->off && x->off != w->off + wl + 1))
		return 0; /* (offsets 0: hOCR alone, sh_paper_hocr_date_boxes) */
	pl->g[k][0] = '1';
	pl->g[k][1] = digit ? x->t[0] : '1';
	pl->g[k][2] = 0;
	pl->at[k] = w->off;
	pl->len[k] = wl + 1 + strlen(x->t);
	pl->box[k] = w->b;
	pl->box[k].x1 = x->b.x1;
	pl->box[k].y0 = w->b.y0 < x->b.y0 ? w->b.y0 : x->b.y0;
	pl->box[k].y1 = w->b.y1 > x->b.y1 ? w->b.y1 : x->b.y1;
	return 1;
}

/* A worded date's year whose last digit OCR read as a glyph ("năm 202/":
 * a phone photo's small 2, issue 23 session 20): three digits and one of
 * "/)]}>?", its three digits into g. No real date as read: the passes must
 * read the year (decide: three alike, at most two digits from OCR's). */
static int year_glyph_last(const char *t, size_t tl, char *g)
{
	if (tl != 4 || strspn(t, "0123456789") != 3 || !strchr("/)]}>?", t[3]) || t[3] == 0)
		return 0;
	memcpy(g, t, 3);
	g[3] = 0;
	return 1;
}

/* "ngày D tháng M năm YYYY" as six words from v[i] (seven with a day read
 * as two, split_day): the three numbers; the words taken, or 0. */
static size_t words_place(const dword *v, size_t nv, size_t i, dplace *pl)
{
	static const char *const lab[3] = {"ngay", "thang", "nam"};
	size_t j = i;
	for (int k = 0; k < 3; k++, j += 2) {
		if (j + 2 > nv)
			return 0;
		const dword *l = &v[j], *w = l + 1;
		size_t tl = strlen(w->t);
		while (tl && strchr(".,;:", w->t[tl - 1]))
			tl--;
		if (w->b.page != v[i].b.page || !w->len ||
		    !(word_is(l, lab[k]) || (k == 1 && word_is(l, "thong"))))
			return 0;
		if (k < 2 && j + 3 < nv && split_day(l, w, pl, k)) {
			j++;
			continue;
		}
		/* a lone 5 read as its letter ("tháng Š năm": FreeSerif
		 * Italic 170); the passes must read it 5 */
		if (k < 2 && ((tl == 1 && w->t[0] == 'S') || (tl == 2 && !memcmp(w->t, "\xc5\xa0", 2))))
			memcpy(pl->g[k], "5", 2);
		else if (k < 2 && paper_date_glyph_digit(w->t, tl, pl->g[k]))
			; /* "2ó", "0%": the passes must read it */
		else if (k == 2 && year_glyph_last(w->t, tl, pl->g[2]))
			; /* "202/": the passes must read it */
		else if (number_at_any(w->t, tl, 0, k == 2 ? 4 : 1, k == 2 ? 5 : 2, pl->g[k], k < 2) != tl)
			return 0;
		pl->at[k] = w->off;
		pl->len[k] = tl;
		pl->box[k] = w->b;
	}
	pl->numeric = 0;
	pl->merged = 0;
	pl->nbox = 3;
	pl->llen[0] = pl->llen[1] = pl->llen[2] = 0;
	return j - i;
}

/* "DD/M M/YYYY" as two words w, x of a line ("08/1 1/2004", FreeSerif
 * Italic 170: a space read between a month's thin 1s): one numeric place
 * over both, merged 3 (the month's two digits at[1]/len[1] with the space;
 * written back as "DD/MM/YYYY " by put_merged). 0 when not so. */
static int spaced_month(const dword *w, const dword *x, dplace *pl)
{
	const char *a = w->t, *b = x->t;
	size_t bl = strlen(b);
	while (bl && strchr(".,;:", b[bl - 1]))
		bl--;
	if (strlen(a) != 4 || bl != 6 || a[2] != '/' || b[1] != '/' || x->line != w->line ||
	    x->b.page != w->b.page || !x->len || (x->off && x->off != w->off + 5))
		return 0; /* (offsets 0: hOCR alone, sh_paper_hocr_date_boxes) */
	for (size_t k = 0; k < 6; k++)
		if ((k < 4 && k != 2 && (a[k] < '0' || a[k] > '9')) || (k != 1 && (b[k] < '0' || b[k] > '9')))
			return 0;
	snprintf(pl->g[0], sizeof pl->g[0], "%.2s", a);
	snprintf(pl->g[1], sizeof pl->g[1], "%c%c", a[3], b[0]);
	snprintf(pl->g[2], sizeof pl->g[2], "%.4s", b + 2);
	pl->at[0] = w->off;
	pl->len[0] = 2;
	pl->at[1] = w->off + 3;
	pl->len[1] = 3;
	pl->at[2] = w->off + 7;
	pl->len[2] = 4;
	pl->numeric = 1;
	pl->merged = 3;
	pl->llen[0] = pl->llen[1] = pl->llen[2] = 0;
	pl->nbox = 1;
	pl->box[0] = w->b;
	pl->box[0].x1 = x->b.x1;
	pl->box[0].y0 = w->b.y0 < x->b.y0 ? w->b.y0 : x->b.y0;
	pl->box[0].y1 = w->b.y1 > x->b.y1 ? w->b.y1 : x->b.y1;
	return 1;
}

/* Is word w the folded label want ("ngay", "nam") but for one letter,
 * not its first ("ngủy", "ng‡y", "nắn", "núm": a phone photo's small date
 * line, issue 23)? As read exactly counts too (exact set then). */
static int label_slip(const dword *w, const char *want, int *exact)
{
	char *f = NULL;
	size_t fl = 0, wl = strlen(want), k = 0, off = 0;
	*exact = 0;
	if (paper_fold(&f, NULL, &fl, w->t, strlen(w->t)))
		return 0;
	while (fl && strchr(",:", f[fl - 1]))
		fl--;
	for (size_t b = 0; b < fl; k++) {
		size_t n = 1;
		while (b + n < fl && ((unsigned char)f[b + n] & 0xC0) == 0x80)
			n++;
		if (k < wl && (n != 1 || f[b] != want[k]))
			off += k ? 1 : 99; /* the first letter as printed */
		b += n;
	}
	sh_free(f);
	*exact = k == wl && off == 0;
	return k == wl && off <= 1;
}

/* "ngày D tháng M năm YYYY" whose "ngày" or "năm" OCR read with one
 * letter off, or whose month it read as glyphs ("ngủy 05 tháng (f1 nắn
 * 2023", "ng‡y 24 tháng TÔ núm 2015"): six words of one line, "tháng" as
 * printed, the day and year in digits, the month a number or one to three
 * glyphs. The labels' text offsets are kept to write them as printed;
 * merged 4 (a month of glyphs): the month is the passes'
 * (slipped_confirmed), else (merged 0) the date is decided as a printed
 * one. 0 when not so, or when words_place reads it as printed. */
static int slipped_place(const dword *v, size_t nv, size_t i, dplace *pl)
{
	if (i + 6 > nv)
		return 0;
	const dword *w = v + i;
	int e0, e1 = 1, e2;
	for (int k = 1; k < 6; k++)
		if (w[k].line != w[0].line || w[k].b.page != w[0].b.page || !w[k].len)
			return 0;
	/* "tháng" with one letter off too ("thủng", seed 7127), but only
	 * beside an exact "ngày": two labels of three off leave too little
	 * to tell a date */
	if (!w[0].len || !label_slip(&w[0], "ngay", &e0) || !label_slip(&w[4], "nam", &e2) ||
	    !(word_is(&w[2], "thang") || word_is(&w[2], "thong") ||
	      (e0 && label_slip(&w[2], "thang", &e1))))
		return 0;
	size_t dl = strlen(w[1].t), ml = strlen(w[3].t), yl = strlen(w[5].t), chars = 0;
	while (yl && strchr(".,;:", w[5].t[yl - 1]))
		yl--;
	for (size_t b = 0; b < ml; b++)
		chars += ((unsigned char)w[3].t[b] & 0xC0) != 0x80;
	/* a day of three digits ("ngày 244 tháng 10", seed 7122: a glyph
	 * after 24 read as a digit) is the passes' as a month of glyphs is */
	int day3 = dl == 3 && number_at(w[1].t, dl, 0, 3, 3, pl->g[0]) == 3 && strspn(w[1].t, "0123456789") == 3;
	if ((!day3 && number_at_any(w[1].t, dl, 0, 1, 2, pl->g[0], 0) != dl) ||
	    number_at(w[5].t, yl, 0, 4, 4, pl->g[2]) != 4 || yl != 4 || chars < 1 || chars > 3)
		return 0;
	pl->merged = 4;
	if (number_at_any(w[3].t, ml, 0, 1, 2, pl->g[1], 0) != ml) {
		if (day3)
			return 0; /* one number of glyphs at most */
		pl->g[1][0] = 0; /* glyphs: the passes give it */
	} else if (day3)
		pl->g[0][0] = 0;
	else if (e0 && e1 && e2)
		return 0; /* as printed: words_place's */
	else
		pl->merged = 0; /* OCR's three numbers: decided as printed */
	const dword *x[3] = {&w[1], &w[3], &w[5]};
	for (int k = 0; k < 3; k++) {
		pl->at[k] = x[k]->off;
		pl->len[k] = k == 2 ? 4 : strlen(x[k]->t);
		pl->box[k] = x[k]->b;
	}
	pl->lat[0] = e0 ? 0 : w[0].off;
	pl->llen[0] = e0 ? 0 : w[0].len;
	pl->lat[1] = e2 ? 0 : w[4].off;
	pl->llen[1] = e2 ? 0 : w[4].len;
	pl->lat[2] = e1 ? 0 : w[2].off;
	pl->llen[2] = e1 ? 0 : w[2].len;
	pl->numeric = 0;
	pl->nbox = 3;
	return 1;
}

/* The next date's place from word *i on; 0 at the end. */
static int next_place(const dword *v, size_t nv, size_t *i, dplace *pl)
{
	for (; *i < nv; (*i)++) {
		if (!v[*i].len)
			continue;
		/* "Số: 1205/2019" is a paper's number, no merged date */
		if (numeric_place(&v[*i], pl) && !(pl->merged && *i && word_is(&v[*i - 1], "so"))) {
			(*i)++;
			return 1;
		}
		if (*i + 1 < nv && spaced_month(&v[*i], &v[*i + 1], pl) && !(*i && word_is(&v[*i - 1], "so"))) {
			*i += 2;
			return 1;
		}
		size_t nw = words_place(v, nv, *i, pl);
		if (nw) {
			*i += nw;
			return 1;
		}
		if (slipped_place(v, nv, *i, pl)) {
			*i += 6;
			return 1;
		}
	}
	return 0;
}

int sh_paper_hocr_date_boxes(sh_paper_box **out, size_t *n, const char *hocr)
{
	*out = NULL;
	*n = 0;
	if (!hocr)
		return SH_OK;
	dword *v = NULL;
	size_t nv = 0;
	int rc = scan_words(&v, &nv, NULL, hocr);
	sh_paper_box *b = NULL;
	size_t nb = 0, cap = 0, i = 0;
	dplace pl;
	while (!rc && next_place(v, nv, &i, &pl)) {
		if (nb + 3 > cap) {
			size_t nc = cap ? 2 * cap : 12;
			sh_paper_box *g = sh_realloc(b, nc * sizeof *g);
			if (!g) {
				rc = SH_ENOMEM;
				break;
			}
			b = g;
			cap = nc;
		}
		for (int k = 0; k < pl.nbox; k++)
			b[nb++] = pl.box[k];
	}
	sh_free(v);
	if (rc) {
		sh_free(b);
		return sh_error_set(SH_ENOMEM, "out of memory finding dates in hOCR");
	}
	*out = b;
	*n = nb;
	return SH_OK;
}

/* ---- deciding --------------------------------------------------------- */

typedef struct ymd {
	int y, m, d;
} ymd;

static int is_real(ymd a)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (a.y < 1900 || a.y > 2200 || a.m < 1 || a.m > 12 || a.d < 1 || a.d > mdays[a.m - 1])
		return 0;
	return !(a.m == 2 && a.d == 29 && !((a.y % 4 == 0 && a.y % 100 != 0) || a.y % 400 == 0));
}

static int same(ymd a, ymd b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

/* What the extractor makes of the numbers OCR read (a real date, or one
 * taken back from a dotted-zero slip); 0 when no date. */
static int as_extracted(const dplace *pl, ymd *out)
{
	char s[40], o[11];
	int n = snprintf(s, sizeof s, " %s/%s/%s", pl->g[0], pl->g[1], pl->g[2]);
	if (n <= 0 || (size_t)n >= sizeof s || !paper_date_near(s, (size_t)n, 1, (size_t)n - 1, o))
		return 0;
	return sscanf(o, "%d-%d-%d", &out->y, &out->m, &out->d) == 3;
}

/* Edit distance of two short digit strings. */
static int edits(const char *r, const char *s)
{
	size_t rl = strlen(r), sl = strlen(s);
	int row[16], prev[16];
	if (rl > 15 || sl > 15)
		return 99;
	for (size_t j = 0; j <= sl; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= rl; i++) {
		row[0] = (int)i;
		for (size_t j = 1; j <= sl; j++) {
			int c = prev[j - 1] + (r[i - 1] != s[j - 1]);
			int d = prev[j] + 1 < row[j - 1] + 1 ? prev[j] + 1 : row[j - 1] + 1;
			row[j] = c < d ? c : d;
		}
		memcpy(prev, row, sizeof row);
	}
	return prev[sl];
}

/* How many digits OCR's numbers and date a differ by (a digit more or
 * less counts one; a day or month written with one digit as OCR wrote it). */
static int distance(const dplace *pl, ymd a)
{
	int v[3] = {a.d, a.m, a.y}, n = 0;
	for (int k = 0; k < 3; k++) {
		char s[16];
		snprintf(s, sizeof s, "%0*d", k == 2 ? 4 : (int)strlen(pl->g[k]) == 1 && v[k] < 10 ? 1 : 2, v[k]);
		n += edits(pl->g[k], s);
	}
	return n;
}

/* a reading of the place: one pass's digits split into day, month, year */
static int split_reading(const dplace *pl, const char *r[3], ymd *out, const ymd *ocr, const ymd *alt)
{
	char g[3][8];
	if (pl->numeric) {
		size_t l0 = pl->len[0], l1 = pl->merged ? 2 : pl->len[1], want = l0 + l1 + 4;
		char d[SH_PAPER_DIGITS_MAX];
		snprintf(d, sizeof d, "%s", r[0]);
		/* a slash read as 7 or 1 ("0571072000"), or as 4 or 9 as
		 * italic and oblique faces read it ("274022022", eight_digits):
		 * taken out where a separator stands */
		static const char slash[] = "7149";
		size_t n = strlen(d);
		if (n == want + 2 && strchr(slash, d[l0]) && strchr(slash, d[l0 + 1 + l1])) {
			memmove(d + l0 + 1 + l1, d + l0 + 2 + l1, n - l0 - 1 - l1);
			memmove(d + l0, d + l0 + 1, n - l0);
		} else if (n == want + 1 && strchr(slash, d[l0 + l1]) && strchr(slash, d[l0])) {
			/* either glyph may be the slash ("241092015": 24/10 or
			 * 24/09): the way that gives the date a pass read one way
			 * (alt), else OCR's date, else the one real date;
			 * else the pass says nothing (and with neither given,
			 * it is none) */
			char e[SH_PAPER_DIGITS_MAX];
			memcpy(e, d, n + 1);
			memmove(d + l0 + l1, d + l0 + l1 + 1, n - l0 - l1);
			memmove(e + l0, e + l0 + 1, n - l0);
			ymd a = {atoi(d + l0 + l1), 0, 0}, b = {atoi(e + l0 + l1), 0, 0};
			char t[8];
			snprintf(t, sizeof t, "%.*s", (int)l1, d + l0);
			a.m = atoi(t);
			snprintf(t, sizeof t, "%.*s", (int)l1, e + l0);
			b.m = atoi(t);
			snprintf(t, sizeof t, "%.*s", (int)l0, d);
			a.d = b.d = atoi(t);
			if (same(a, b) || (alt && same(a, *alt))) {
				/* the way the one before took */
			} else if (alt && same(b, *alt)) {
				memcpy(d, e, n + 1);
			} else if (ocr && same(a, *ocr)) {
			} else if (ocr && same(b, *ocr)) {
				memcpy(d, e, n + 1);
			} else if (!ocr && !alt) {
				return 0;
			} else if (is_real(a) == is_real(b)) {
				return 0;
			} else if (is_real(b)) {
				memcpy(d, e, n + 1);
			}
		} else if (n == want + 1 && strchr(slash, d[l0 + l1])) {
			memmove(d + l0 + l1, d + l0 + l1 + 1, n - l0 - l1);
		} else if (n == want + 1 && strchr(slash, d[l0])) {
			memmove(d + l0, d + l0 + 1, n - l0);
		}
		n = strlen(d);
		if (n == 8 && n != want)
			l0 = 2, l1 = 2;
		else if (n != want)
			return 0;
		snprintf(g[0], sizeof g[0], "%.*s", (int)l0, d);
		snprintf(g[1], sizeof g[1], "%.*s", (int)l1, d + l0);
		snprintf(g[2], sizeof g[2], "%s", d + l0 + l1);
	} else {
		for (int k = 0; k < 3; k++) {
			size_t n = strlen(r[k]);
			if (n < (k == 2 ? 4u : 1u) || n > (k == 2 ? 4u : 2u))
				return 0;
			snprintf(g[k], sizeof g[k], "%s", r[k]);
		}
	}
	out->d = atoi(g[0]);
	out->m = atoi(g[1]);
	out->y = atoi(g[2]);
	return 1;
}

enum { KEEP, TAKE, DROP };

/* A pass's digits of a "DD/MM/YYYY" word as eight digits: as read, or
 * with a slash the pass read as a digit taken out where a slash stands
 * (FreeSerif Italic's slash reads 4, 9, 7 or 1: "014081973",
 * "169081990", "0640972021"); way 0..2 of the three; 0 when that way
 * does not apply. */
static int eight_digits(const char *r, int way, char d[9])
{
	static const char slash[] = "4971";
	size_t n = strlen(r);
	if (way == 0 && n == 8) {
		memcpy(d, r, 9);
		return 1;
	}
	if (n == 9 && way > 0) {
		size_t at = way == 1 ? 2 : 4;
		if (!strchr(slash, r[at]))
			return 0;
		memcpy(d, r, at);
		memcpy(d + at, r + at + 1, n - at);
		return 1;
	}
	if (n == 10 && way == 0 && strchr(slash, r[2]) && strchr(slash, r[5])) {
		memcpy(d, r, 2);
		memcpy(d + 2, r + 3, 2);
		memcpy(d + 4, r + 6, 5);
		return 1;
	}
	return 0;
}

/* "5/01/1995" on a card that prints "15/01/1995" (session 12: left out)
 * whose passes read a day or month with a digit before OCR's: two passes
 * or more give the same real date (eight_digits), none another, the year
 * and the other number as OCR read them. pl becomes a merged place of
 * that date (written only by its pair, by_its_pair); 0 when not so. */
static int digit_lost(dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n)
{
	if (!pl->numeric || pl->merged || (pl->len[0] != 1 && pl->len[1] != 1))
		return 0;
	ymd c = {0, 0, 0};
	size_t yes = 0;
	for (size_t i = 0; i < n; i++) {
		int hit = 0;
		for (int way = 0; way < 3; way++) {
			char d[9];
			if (!eight_digits(rd[i][0], way, d))
				continue;
			ymd t = {atoi(d + 4), (d[2] - '0') * 10 + d[3] - '0', (d[0] - '0') * 10 + d[1] - '0'};
			if (!is_real(t))
				continue;
			if (!c.y)
				c = t;
			if (!same(t, c))
				return 0; /* another real date */
			hit = 1;
		}
		yes += hit;
	}
	int v[3] = {c.d, c.m, c.y};
	for (int k = 0; k < 3 && yes >= 2; k++) {
		int g = atoi(pl->g[k]);
		if (pl->len[k] == 1 ? v[k] < 10 || v[k] % 10 != g : v[k] != g || strlen(pl->g[k]) != pl->len[k])
			return 0;
	}
	if (yes < 2)
		return 0;
	snprintf(pl->g[0], sizeof pl->g[0], "%02d", c.d);
	snprintf(pl->g[1], sizeof pl->g[1], "%02d", c.m);
	snprintf(pl->g[2], sizeof pl->g[2], "%04d", c.y);
	pl->merged = 1;
	return 1;
}

/* A merged place (merged_place) is taken as the one split OCR's glyphs
 * allow, r, when two passes or more read r (eight_digits) and no pass
 * reads another real date. */
/* Is reading s date r (day 10 to 19) with the day's 1 lost at the crop's
 * start and each slash read as 1, 4 or 7 or not at all ("12/06/1936" read
 * "24061936", "21061936", "20611936": FreeSerif Italic 170, whose thin
 * slanted 1 the digit reader drops as it drops a number's, session 20)? */
static int day_one_lost(const char *s, ymd r)
{
	static const char *const slash[] = {"", "1", "4", "7"};
	if (r.d < 10 || r.d > 19)
		return 0;
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++) {
			char t[24];
			snprintf(t, sizeof t, "%d%s%02d%s%04d", r.d % 10, slash[a], r.m, slash[b], r.y);
			if (!strcmp(s, t))
				return 1;
		}
	return 0;
}

static int merged_confirmed(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n, ymd r)
{
	size_t yes = 0, no = 0;
	if (!is_real(r))
		return 0;
	for (size_t i = 0; i < n; i++) {
		int hit = day_one_lost(rd[i][0], r), other = 0;
		for (int way = 0; way < 3; way++) {
			char d[9];
			if (!eight_digits(rd[i][0], way, d))
				continue;
			ymd t = {atoi(d + 4), (d[2] - '0') * 10 + d[3] - '0', (d[0] - '0') * 10 + d[1] - '0'};
			if (same(t, r))
				hit = 1;
			else if (is_real(t))
				other = 1;
		}
		yes += hit;
		no += !hit && other;
	}
	(void)pl;
	return yes >= 2 && !no;
}

/* A slash read as A (slash_glyph_place): the real date c two passes or
 * more read (eight_digits) with at most one of its eight digits other than
 * OCR's, when no pass reads another real date; 0 when none. */
static int glyph_confirmed_by(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n, ymd *c,
			      size_t need);

static int slash_glyph_confirmed(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n, ymd *c)
{
	return glyph_confirmed_by(pl, rd, n, c, 2);
}

/* As slash_glyph_confirmed with need passes or more: a merged place
 * (merged_place) whose digit after the glyph OCR misread too
 * ("08A)2/2019" for 08/07/2019, FreeSerif Italic 170: every pass reads
 * 08/07) is taken when three passes or more read one real date at most one
 * digit from OCR's split and none another real date. */
static int glyph_confirmed_by(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n, ymd *c,
			      size_t need)
{
	char ocr[9];
	snprintf(ocr, sizeof ocr, "%s%s%s", pl->g[0], pl->g[1], pl->g[2]);
	ymd got = {0, 0, 0};
	size_t yes = 0;
	for (size_t i = 0; i < n; i++) {
		int hit = 0;
		for (int way = 0; way < 3 && !hit; way++) {
			char d[9];
			if (!eight_digits(rd[i][0], way, d))
				continue;
			ymd t = {atoi(d + 4), (d[2] - '0') * 10 + d[3] - '0', (d[0] - '0') * 10 + d[1] - '0'};
			if (!is_real(t))
				continue;
			size_t off = 0;
			for (int k = 0; k < 8; k++)
				off += d[k] != ocr[k];
			if (off > 1 || (yes && !same(t, got)))
				return 0; /* another real date */
			got = t;
			hit = 1;
		}
		yes += hit;
	}
	if (yes < need)
		return 0;
	*c = got;
	return 1;
}

/* Is date a what OCR read (pl) but for a 1 the passes dropped in a day or
 * month ("23 tháng 11" read again as 23/1: the digit reader loses one of
 * two thin 1s on light faces, tune3)? Such passes are no evidence against
 * OCR's date. */
static int lost_a_one(const dplace *pl, ymd a, ymd r)
{
	int av[2] = {a.d, a.m}, rv[2] = {r.d, r.m};
	if (a.y != r.y || (av[0] == rv[0] && av[1] == rv[1]))
		return 0;
	for (int k = 0; k < 2; k++) {
		if (av[k] == rv[k])
			continue;
		char s[8];
		snprintf(s, sizeof s, "%d", av[k]);
		const char *g = pl->g[k];
		size_t gl = strlen(g), sl = strlen(s), i = 0;
		if (gl != sl + 1)
			return 0;
		while (i < sl && g[i] == s[i])
			i++;
		if (g[i] != '1' || strcmp(g + i + 1, s + i))
			return 0;
	}
	return 1;
}

/* Is reading r OCR's number g with one 1 or more left out (the digit
 * reader loses thin 1s: "!0" read "0", "!!" read "1" or nothing)? */
static int ones_lost(const char *r, const char *g)
{
	size_t i = 0;
	if (!strcmp(r, g))
		return 0;
	for (; *g; g++) {
		if (*r == *g)
			r++;
		else if (*g == '1')
			i++;
		else
			return 0;
	}
	return !*r && i;
}

/* A worded date OCR read with glyphs for digits ("ngày !0 tháng 07",
 * "tháng !! năm", "tháng I! năm": FreeSerif Italic at 170 dpi) whose
 * readings do not all agree: taken as read when no pass reads anything
 * but OCR's number or it with 1s lost, the year is read alike by three
 * passes or more, and a day or month is too, unless it is all 1s (the
 * glyphs the digit reader loses). */
static int glyphs_confirmed(const char *text, const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n)
{
	size_t yes[3] = {0, 0, 0};
	if (pl->numeric)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++) {
			if (!strcmp(rd[i][k], pl->g[k]))
				yes[k]++;
			else if (k == 2 ? *rd[i][k] != 0 : !ones_lost(rd[i][k], pl->g[k]))
				return 0; /* another number (a year not read says nothing) */
		}
	for (int k = 0; k < 3; k++) {
		/* a day or month OCR read as digits is its own third reading
		 * ("ngày ! Ì tháng 12": 12, 12, 2, 2, session 20) */
		int digits = 1;
		for (size_t b = 0; b < pl->len[k]; b++)
			digits &= text[pl->at[k] + b] >= '0' && text[pl->at[k] + b] <= '9';
		size_t need = k < 2 && digits ? 2 : 3;
		if (yes[k] < need && (k == 2 || strspn(pl->g[k], "1") != strlen(pl->g[k])))
			return 0;
	}
	return 1;
}

/* A worded date's day or month (k 0, 1) that no pass reads as OCR did
 * while two passes or more read the same other number ("tháng 09" read
 * again 08, 08 and twice nothing: a phone photo's small italic date,
 * issue 23). A pass that read nothing, or OCR's number with 1s lost,
 * says nothing, and so does one whose number makes no real date ("17"
 * for a month); one that reads a third number spoils it. Only where the
 * passes read the year as OCR did, thrice or more and never otherwise.
 * Such a number is no sure reading: the date is left out rather than
 * stored wrong. */
static int number_contradicted(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n)
{
	if (pl->numeric || pl->merged)
		return 0;
	/* the passes read this place well: OCR's year thrice, no other
	 * (a pass that reads 2006 for 2008 may read 18 for 15 too) */
	size_t years = 0;
	for (size_t i = 0; i < n; i++) {
		if (*rd[i][2] && strcmp(rd[i][2], pl->g[2]))
			return 0;
		years += *rd[i][2] != 0;
	}
	if (years < 3)
		return 0;
	for (int k = 0; k < 2; k++) {
		int g = atoi(pl->g[k]), other = -1;
		size_t no = 0, yes = 0;
		for (size_t i = 0; i < n; i++) {
			const char *r = rd[i][k];
			if (!*r || strlen(r) > 2 || ones_lost(r, pl->g[k]))
				continue;
			int v = atoi(r);
			if (v == g) {
				yes++;
				continue;
			}
			/* no day or month of a real date ("17" for a month:
			 * the passes' 1 read as 7 on oblique faces) says nothing */
			ymd t = {atoi(pl->g[2]), k == 1 ? v : atoi(pl->g[1]), k == 0 ? v : atoi(pl->g[0])};
			if (!is_real(t))
				continue;
			if (other >= 0 && v != other) {
				no = 0;
				break;
			}
			other = v;
			no++;
		}
		if (!yes && no >= 2)
			return 1;
	}
	return 0;
}

/* A month of glyphs (slipped_place, merged 4) the passes settle: the day
 * and the year read as OCR read them by two passes or more, the month by
 * three or more alike (two alike read "04" for a blurred 08, seed 7006);
 * so too a day of three digits, the month then as OCR read it (session 18),
 * no pass reading another number anywhere (a pass that read nothing says
 * nothing; the day with its 1s lost neither); a real date. */
static int slipped_confirmed(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n, ymd *take)
{
	char dm[2][8]; /* the day and month: OCR's, or (glyphs) the first pass's */
	for (int k = 0; k < 2; k++) {
		snprintf(dm[k], sizeof dm[k], "%s", pl->g[k]);
		for (size_t i = 0; i < n && !*dm[k]; i++)
			if (*rd[i][k] && strlen(rd[i][k]) <= 2)
				snprintf(dm[k], sizeof dm[k], "%s", rd[i][k]);
	}
	const char *want[3] = {dm[0], dm[1], pl->g[2]};
	for (int k = 0; k < 3; k++) {
		size_t yes = 0;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(rd[i][k], want[k]))
				yes++;
			else if (*rd[i][k] && (k == 2 || !ones_lost(rd[i][k], want[k])))
				return 0;
		}
		if (!*want[k] || yes < (k < 2 && !*pl->g[k] ? 3u : 2u))
			return 0;
	}
	ymd a = {atoi(pl->g[2]), atoi(dm[1]), atoi(dm[0])};
	if (!is_real(a))
		return 0;
	*take = a;
	return 1;
}

/* A worded date's year read with five digits ("năm 32023": a glyph
 * before it read as a digit): the four at either end that two passes or
 * more read, none reading another year, becomes OCR's year (g[2]); 0
 * when not so. */
static int year_glyph_extra(dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n)
{
	if (pl->numeric || pl->merged || strlen(pl->g[2]) != 5)
		return 0;
	char c[2][5];
	snprintf(c[0], sizeof c[0], "%.4s", pl->g[2]);
	snprintf(c[1], sizeof c[1], "%s", pl->g[2] + 1);
	size_t yes[2] = {0, 0};
	for (size_t i = 0; i < n; i++) {
		if (!*rd[i][2])
			continue;
		int hit = 0;
		for (int k = 0; k < 2; k++)
			if (!strcmp(rd[i][2], c[k]))
				yes[k]++, hit = 1;
		if (!hit)
			return 0;
	}
	for (int k = 0; k < 2; k++)
		if (yes[k] >= 2 && yes[1 - k] == 0) {
			memcpy(pl->g[2], c[k], 5);
			return 1;
		}
	return 0;
}

/* Write a slipped place's labels as printed over their reading ("ngủy"
 * → "ngày ", "nắn" → "năm  "; plain "ngay", "nam" where the reading is
 * shorter); 0 when there is no room. */
static int put_labels(char *text, const dplace *pl)
{
	static const char *const full[3] = {"ng\xc3\xa0y", "n\xc4\x83m", "th\xc3\xa1ng"},
				 *const plain[3] = {"ngay", "nam", "thang"};
	for (int k = 0; k < 3; k++) {
		if (!pl->llen[k])
			continue;
		const char *s = strlen(full[k]) <= pl->llen[k] ? full[k] : plain[k];
		size_t sl = strlen(s);
		if (sl > pl->llen[k])
			return 0;
		memcpy(text + pl->lat[k], s, sl);
		memset(text + pl->lat[k] + sl, ' ', pl->llen[k] - sl);
	}
	return 1;
}

/* A worded date OCR read as no real date ("ngày 34 thúng 10 nắm 3015": a
 * phone photo's 2s read 3) that two passes or more read alike in full
 * (a four-digit year) while every other pass read each number as nothing,
 * as the full reading's or as its last digits only ("4" for 24: a pass
 * whose crop lost the leading digits, issue 23 session 20) or with a thin
 * 1 lost ("205" for 2015): such a pass reads no other number. A year of
 * fewer digits that is none of these ("005") is no other year either.
 * Three passes or more must agree so, none read another day or month; a
 * real date at most two digits from OCR's (distance). 0 when not so. */
static int cut_passes_agree(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n, ymd *take)
{
	if (pl->numeric || pl->merged)
		return 0;
	const char *full[3] = {NULL, NULL, NULL};
	size_t nfull = 0, ncut = 0;
	for (size_t i = 0; i < n; i++) {
		if (!*rd[i][0] || !*rd[i][1] || strlen(rd[i][2]) != 4)
			continue;
		if (nfull && (strcmp(rd[i][0], full[0]) || strcmp(rd[i][1], full[1]) || strcmp(rd[i][2], full[2])))
			return 0; /* two full readings that differ */
		for (int k = 0; k < 3; k++)
			full[k] = rd[i][k];
		nfull++;
	}
	if (nfull < 2 || strlen(full[0]) > 2 || strlen(full[1]) > 2)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (*rd[i][0] && *rd[i][1] && strlen(rd[i][2]) == 4)
			continue;
		int any = 0;
		for (int k = 0; k < 3; k++) {
			size_t l = strlen(rd[i][k]), fl = strlen(full[k]);
			if (!l)
				continue;
			if (!strcmp(rd[i][k], full[k]) || (l < fl && !strcmp(rd[i][k], full[k] + fl - l)) ||
			    ones_lost(rd[i][k], full[k]))
				any = 1;
			else if (k < 2 || l >= fl)
				return 0; /* another day or month, or another year */
		}
		ncut += any;
	}
	ymd a = {atoi(full[2]), atoi(full[1]), atoi(full[0])};
	if (nfull + ncut < 3 || !is_real(a) || distance(pl, a) > 2)
		return 0;
	*take = a;
	return 1;
}

/* The rule (docs/PAPERS.md, "second reading of dates"): rd[i][k] is pass
 * i's reading of box k. A date read as a real date is left out only when
 * three or more passes agree on another real date; a date taken back from
 * a slip is kept when two passes give it, else replaced by the date every
 * pass agrees on, else left out; a date OCR could not read is replaced by
 * the date every pass agrees on. A replacement is a real date at most two
 * digits from what OCR read, given alike by three passes or more (a pass
 * that read nothing is no pass; one that read other digits spoils it). */
static int decide(const dplace *pl, char rd[][3][SH_PAPER_DIGITS_MAX], size_t n, ymd *take)
{
	take->y = take->m = take->d = 0;
	if (pl->merged == 4)
		return slipped_confirmed(pl, rd, n, take) ? TAKE : KEEP;
	ymd r = {atoi(pl->g[2]), atoi(pl->g[1]), atoi(pl->g[0])}, x, a = {0, 0, 0}, t;
	int has_x = as_extracted(pl, &x), r_real = has_x && same(r, x) && is_real(r);
	size_t valid = 0, like_x = 0, empty = 0;
	int agree = n >= 2;
	/* the first pass read one way: what an ambiguous pass is held to */
	ymd alt = {0, 0, 0};
	for (size_t i = 0; i < n && !alt.y; i++) {
		const char *p[3] = {rd[i][0], rd[i][1], rd[i][2]};
		if (*p[0] && (pl->numeric || (*p[1] && *p[2])) && !split_reading(pl, p, &alt, NULL, NULL))
			alt.y = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const char *p[3] = {rd[i][0], rd[i][1], rd[i][2]};
		if (!*p[0] || (!pl->numeric && (!*p[1] || !*p[2]))) {
			empty++; /* a pass that read nothing says nothing */
			continue;
		}
		if (!split_reading(pl, p, &t, has_x ? &x : NULL, alt.y ? &alt : NULL)) {
			agree = 0;
			continue;
		}
		if (valid && !same(t, a))
			agree = 0;
		a = t;
		valid++;
		like_x += has_x && same(t, x);
	}
	agree = agree && valid + empty == n && valid >= 2 && is_real(a);
	int fits = agree && valid >= 3 && distance(pl, a) <= 2;
	if (pl->merged == 2)
		return slash_glyph_confirmed(pl, rd, n, take) ? TAKE : KEEP;
	if (pl->merged) {
		if (merged_confirmed(pl, rd, n, r)) {
			*take = r;
			return TAKE;
		}
		return glyph_confirmed_by(pl, rd, n, take, 3) ? TAKE : KEEP;
	}
	if (r_real) {
		if (number_contradicted(pl, rd, n))
			return DROP;
		if (agree && valid >= 3 && same(a, r))
			*take = a; /* confirmed: the caller writes glyphs as digits */

		return agree && valid >= 3 && !same(a, r) && !lost_a_one(pl, a, r) ? DROP : KEEP;
	}
	if (has_x) {
		if (like_x >= 2 || valid < 2)
			return KEEP;
		if (fits) {
			*take = a;
			return TAKE;
		}
		return DROP;
	}
	if (fits) {
		*take = a;
		return TAKE;
	}
	return cut_passes_agree(pl, rd, n, take) ? TAKE : KEEP;
}

/* Write v into text[at..at+len) right-aligned digits, padded with spaces
 * after; 0 when it does not fit. */
static int put_number(char *text, size_t at, size_t len, int v, int width)
{
	char s[16];
	int n = snprintf(s, sizeof s, "%0*d", width, v);
	if (n <= 0 || (size_t)n > len)
		return 0;
	memcpy(text + at, s, (size_t)n);
	memset(text + at + n, ' ', len - (size_t)n);
	return 1;
}

/* Has place pl letters for digits in text ("!0")? */
static int has_glyphs(const char *text, const dplace *pl)
{
	for (int k = 0; k < 3; k++)
		for (size_t b = 0; b < pl->len[k]; b++)
			if (text[pl->at[k] + b] < '0' || text[pl->at[k] + b] > '9')
				return 1;
	return 0;
}

/* the date of OCR's numbers, when real */
static void as_read(const dplace *pl, ymd *a)
{
	ymd r = {atoi(pl->g[2]), atoi(pl->g[1]), atoi(pl->g[0])};
	if (is_real(r))
		*a = r;
}

/* Write a merged place's date (merged_place) as "DD/MM/YYYY" over its
 * glyphs: "16A)8/2030" has the room; "0148/1973" takes the space after a
 * label's colon ("sinh: 0148/1973" → "sinh:01/08/1973", a date the
 * extractor finds after ':'). 0 when there is no room. */
static int put_merged(char *text, const dplace *pl, ymd a)
{
	size_t end = pl->at[2] + 4, p = pl->at[0];
	if (end - p == 9 && p >= 2 && text[p - 1] == ' ' && text[p - 2] == ':')
		p--;
	if (end - p != 10 && !((pl->merged == 3 || pl->merged == 1) && end - p == 11))
		return 0;
	char s[16];
	snprintf(s, sizeof s, "%02d/%02d/%04d ", a.d, a.m, a.y);
	memcpy(text + p, s, end - p);
	return 1;
}

/* A merged place the passes did not settle (or a digit_lost one), taken
 * by its pair: a card
 * (CCCD) expires on the holder's birthday at 25, 40 or 60, so a date the
 * readings confirmed (sure) with the same day and month and a year 25, 40
 * or 60 apart confirms the one split of the glyphs ("16A)8/2030" beside a
 * birth date read 16/08/1990). 1 when written. */
static int by_its_pair(char *t, const dplace *pl, const ymd *sure, size_t nsure)
{
	ymd r = {atoi(pl->g[2]), atoi(pl->g[1]), atoi(pl->g[0])};
	if (!is_real(r))
		return 0;
	for (size_t k = 0; k < nsure; k++) {
		int gap = abs(sure[k].y - r.y);
		if (sure[k].d == r.d && sure[k].m == r.m && (gap == 25 || gap == 40 || gap == 60))
			return put_merged(t, pl, r);
	}
	return 0;
}

int sh_paper_dates_reread(char **out, size_t *changed, const char *text, const char *hocr,
			  sh_paper_digits_fn fn, void *arg)
{
	*out = NULL;
	*changed = 0;
	if (!text || !hocr || !fn)
		return sh_error_set(SH_EINVAL, "a second reading of dates needs a text, an hOCR and a reader");
	size_t tlen = strlen(text);
	if (tlen > SH_PAPER_TEXT_MAX)
		return sh_error_set(SH_ELIMIT, "text over the limit");
	char *t = sh_malloc(tlen + 1);
	dword *v = NULL;
	size_t nv = 0, i = 0;
	if (!t || scan_words(&v, &nv, text, hocr)) {
		sh_free(t);
		return sh_error_set(SH_ENOMEM, "out of memory reading dates again");
	}
	memcpy(t, text, tlen + 1);
	dplace pl, pend[4];
	ymd sure[16];
	size_t npend = 0, nsure = 0;
	while (next_place(v, nv, &i, &pl)) {
		char rd[SH_PAPER_READS_MAX][3][SH_PAPER_DIGITS_MAX];
		char one[SH_PAPER_READS_MAX][SH_PAPER_DIGITS_MAX];
		size_t n = SH_PAPER_READS_MAX;
		memset(rd, 0, sizeof rd);
		for (int k = 0; k < pl.nbox; k++) {
			size_t got = fn(arg, &pl.box[k], one, SH_PAPER_READS_MAX);
			n = got < n ? got : n;
			for (size_t j = 0; j < got && j < SH_PAPER_READS_MAX; j++)
				snprintf(rd[j][k], SH_PAPER_DIGITS_MAX, "%s", one[j]);
		}
		ymd a;
		int year_fixed = year_glyph_extra(&pl, rd, n);
		int how = decide(&pl, rd, n, &a);
		if (how == KEEP && !a.y && pl.merged != 4 && has_glyphs(text, &pl) && glyphs_confirmed(text, &pl, rd, n))
			as_read(&pl, &a);
		/* a date read with glyphs for digits ("tháng !! năm") that every
		 * reading confirms: its digits are written, as for a correction */
		if (how == KEEP && a.y) {
			for (int k = 0; k < 3 && how == KEEP; k++)
				for (size_t b = 0; b < pl.len[k]; b++)
					if (text[pl.at[k] + b] < '0' || text[pl.at[k] + b] > '9')
						how = TAKE;
		}
		/* labels one letter off over OCR's own real date: written as
		 * printed, the date kept as a printed one would be */
		int fix = year_fixed || pl.llen[0] || pl.llen[1] || pl.llen[2];
		if (how == KEEP && !pl.merged && fix && !a.y)
			as_read(&pl, &a);
		if (how == KEEP && a.y && fix)
			how = TAKE;
		if (how == TAKE && (pl.llen[0] || pl.llen[1] || pl.llen[2]) && !put_labels(t, &pl))
			how = KEEP; /* no room: left out, as before */
		if (how == TAKE && pl.merged && pl.merged != 4) {
			if (!put_merged(t, &pl, a))
				how = KEEP; /* no room: left out, as before */
		} else if (how == TAKE) {
			/* keep OCR's widths where the new value fits them */
			int ok = put_number(t, pl.at[0], pl.len[0], a.d, (int)pl.len[0] < 2 && a.d < 10 ? 1 : 2) &&
				 put_number(t, pl.at[1], pl.len[1], a.m, (int)pl.len[1] < 2 && a.m < 10 ? 1 : 2) &&
				 put_number(t, pl.at[2], pl.len[2], a.y, 4);
			if (!ok) { /* does not fit: no date rather than half of one */
				memcpy(t + pl.at[0], text + pl.at[0], pl.at[2] + pl.len[2] - pl.at[0]);
				how = DROP;
			}
		}
		if (how == DROP)
			for (int k = 0; k < 3; k++)
				memset(t + pl.at[k], '-', pl.len[k]);
		*changed += how != KEEP;
		if (a.y && how != DROP && nsure < sizeof sure / sizeof *sure)
			sure[nsure++] = a;
		if (how == KEEP && !a.y && pl.merged != 4 && (pl.merged || digit_lost(&pl, rd, n)) &&
		    npend < sizeof pend / sizeof *pend)
			pend[npend++] = pl;
	}
	for (size_t k = 0; k < npend; k++)
		*changed += by_its_pair(t, &pend[k], sure, nsure);
	sh_free(v);
	*out = t;
	return SH_OK;
}

int sh_paper_dates_flag(sh_paper_facts *f, const sh_paper_facts *before)
{
	static const enum sh_paper_fact dates[] = {SH_FACT_DATE, SH_FACT_BIRTH_DATE, SH_FACT_VALID_UNTIL,
						   SH_FACT_EVENT_DATE};
	int n = 0;
	if (!f || !before)
		return 0;
	for (size_t k = 0; k < sizeof dates / sizeof *dates; k++) {
		enum sh_paper_fact d = dates[k];
		const char *now = f->v[d], *was = before->v[d];
		if ((!now && !was) || (now && was && !strcmp(now, was)))
			continue;
		n++;
		if (!now) {
			f->doubted |= 1u << d;
			continue;
		}
		f->reread |= 1u << d;
		if (was && !f->as_read[d] && !(f->as_read[d] = sh_strdup(was)))
			return sh_error_set(SH_ENOMEM, "out of memory flagging a date read again");
	}
	return n;
}
