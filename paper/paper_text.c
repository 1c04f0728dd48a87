/* Text helpers shared by the extractor: folded-text tests, dates, lines. */
#include "paper_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- small helpers ------------------------------------------------------ */

int paper_is_alnum_ascii(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Folded text is ASCII for Vietnamese; bytes >= 0x80 count as letters. */
int paper_is_wordc(unsigned char c)
{
	return paper_is_alnum_ascii(c) || c >= 0x80;
}

char *paper_dup_n(doc *d, const char *s, size_t n)
{
	char *r = sh_strndup(s, n);
	if (!r)
		d->oom = 1;
	return r;
}

/* Original text of folded range [a, b), trimmed of spaces and of the
 * punctuation in trim_right at the end. */
char *paper_orig_range(doc *d, size_t a, size_t b, const char *trim_right)
{
	size_t oa = d->map[a], ob = d->map[b];
	while (oa < ob && isspace((unsigned char)d->text[oa]))
		oa++;
	while (ob > oa && (isspace((unsigned char)d->text[ob - 1]) ||
			   (trim_right && strchr(trim_right, d->text[ob - 1]))))
		ob--;
	if (ob == oa)
		return NULL;
	return paper_dup_n(d, d->text + oa, ob - oa);
}

/* Share of upper-case letters among the letters of the original line
 * (0..100); -1 when it has no letters. */
int paper_upper_share_range(const doc *d, size_t fa, size_t fb)
{
	size_t oa = d->map[fa], ob = d->map[fb];
	int up = 0, all = 0;
	while (oa < ob) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
						      (utf8proc_ssize_t)(ob - oa), &c);
		if (k <= 0)
			break;
		if (utf8proc_isupper(c))
			up++, all++;
		else if (utf8proc_islower(c))
			all++;
		oa += (size_t)k;
	}
	return all ? up * 100 / all : -1;
}

int paper_upper_share(const doc *d, size_t line)
{
	return paper_upper_share_range(d, d->ls[line], d->le[line]);
}

/* Is there an upper-case letter or a digit in folded range [a, b) of the
 * original? (A value starts with one; a longer label does not.) */
int paper_value_before(const doc *d, size_t a, size_t b)
{
	size_t oa = d->map[a], ob = d->map[b];
	while (oa < ob) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
						      (utf8proc_ssize_t)(ob - oa), &c);
		if (k <= 0)
			return 0;
		if (utf8proc_isupper(c) || (c >= '0' && c <= '9'))
			return 1;
		oa += (size_t)k;
	}
	return 0;
}

int paper_line_empty(const doc *d, size_t i)
{
	return d->le[i] == d->ls[i];
}

/* Does folded f[at..] start with word w, ending at a word boundary? */
int paper_word_at(const char *f, size_t flen, size_t at, const char *w)
{
	size_t n = strlen(w);
	if (at + n > flen || memcmp(f + at, w, n))
		return 0;
	return at + n == flen || !paper_is_wordc((unsigned char)f[at + n]);
}

int paper_starts_word(const char *f, size_t at)
{
	return at == 0 || !paper_is_wordc((unsigned char)f[at - 1]);
}

/* Normalised heading form of folded s: letters, digits and '/' kept, every
 * other run one space, trimmed. dst has cap bytes. */
void paper_norm_heading(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0;
	int sp = 0;
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (paper_is_wordc(c) || c == '/') {
			if (sp && o)
				dst[o++] = ' ';
			sp = 0;
			dst[o++] = (char)c;
		} else {
			sp = 1;
		}
	}
	dst[o] = 0;
}

size_t paper_edit_distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na > 200 || nb > 200)
		return (size_t)-1;
	size_t row[201];
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[nb];
}

/* Is a catalogue title written in capitals (so only upper-case lines can
 * be it)? Titles of fewer than three letters ("V/") say nothing. */
int paper_all_upper_ascii_or_marks(const char *orig)
{
	int letters = 0;
	for (const char *p = orig; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			return 0;
		letters += (*p >= 'A' && *p <= 'Z') || (unsigned char)*p >= 0x80;
	}
	return letters >= 3;
}

/* ---- dates -------------------------------------------------------------- */

/* Read a number of 1..maxd digits at f[*at], reading the OCR slips o→0,
 * l/i→1 when the token has at least one real digit. */
static int read_num(const char *f, size_t flen, size_t *at, int maxd, int *out)
{
	size_t i = *at, n = 0;
	int v = 0, real = 0;
	while (i < flen && n < (size_t)maxd + 1) {
		char c = f[i];
		int dgt;
		if (c >= '0' && c <= '9')
			dgt = c - '0', real = 1;
		else if (c == 'o')
			dgt = 0;
		else if (c == 'l' || c == 'i' || c == '|')
			dgt = 1;
		else if (c == 's' && n)
			dgt = 5; /* "0Š", "1S": S for 5 after a digit */
		else if (c == ']' && n)
			dgt = 1; /* "202]": a 1's foot lost */
		else
			break;
		v = v * 10 + dgt;
		i++, n++;
	}
	if (!real || n == 0 || n > (size_t)maxd || (i < flen && paper_is_wordc((unsigned char)f[i])))
		return 0;
	*at = i;
	*out = v;
	return 1;
}

static int real_date(int y, int m, int dd)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
		return 0;
	if (m == 2 && dd == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/* A day, month or year no calendar has, read from a face whose zero
 * carries a dot or a slash (mono, bold): OCR reads that 0 as 6 (a month's
 * or a year's also as 8 or 9). "01/67/1955" is 1 July, "năm 2625" 2025;
 * only a day's or month's leading digit and a year's hundreds are taken
 * back, only when the date is otherwise no date (a real date never
 * changes), and only when no 6 is left that could be another 0. 1 when *y / *m / *dd were changed into a real date. */
static int zero_slip(int *y, int *m, int *dd)
{
	int nm = *m, nd = *dd, ny = *y, h = *y / 100 % 10;
	if (ny > 2200 && ny < 3000 && (h == 6 || h == 8 || h == 9))
		ny -= h * 100;
	if (nm > 12 && (nm / 10 == 6 || nm / 10 == 8 || nm / 10 == 9) && nm % 10)
		nm %= 10;
	if (nd > 31 && nd / 10 == 6 && nd % 10)
		nd %= 10;
	if ((nm == *m && nd == *dd && ny == *y) || !real_date(ny, nm, nd))
		return 0;
	/* the face that read one 0 as 6 may have read another so: a 6 left
	 * anywhere that could be a 0 of another real date ("16/66/1996" is
	 * 16/06/1996 or 10/06/1990) makes the date unsure: no date */
	int v[3] = {nd, nm, ny};
	for (int k = 0; k < 3; k++)
		for (int p = 1; p <= v[k]; p *= 10)
			if (v[k] / p % 10 == 6) {
				int t[3] = {nd, nm, ny};
				t[k] -= 6 * p;
				if (real_date(t[2], t[1], t[0]))
					return 0;
			}
	*y = ny;
	*m = nm;
	*dd = nd;
	return 1;
}

static size_t skip_ws(const char *f, size_t flen, size_t i, int newlines)
{
	while (i < flen && (f[i] == ' ' || (newlines && f[i] == '\n')))
		i++;
	return i;
}

/* "ngay D thang M nam YYYY" starting at f[at] (whitespace may include one
 * line break); 1 and the date in out (11 bytes) if found. "tháng" read
 * "thông" (small phone photos blur the a and its mark) counts: between a
 * day and "năm YYYY" no other word fits. */
int paper_date_words_at(const char *f, size_t flen, size_t at, char *out, size_t *end)
{
	static const char *const w[3] = {"ngay", "thang", "nam"};
	int v[3];
	size_t i = at;
	for (int k = 0; k < 3; k++) {
		i = skip_ws(f, flen, i, 1);
		const char *lw = w[k];
		if (k == 1 && !paper_word_at(f, flen, i, lw) && paper_word_at(f, flen, i, "thong"))
			lw = "thong";
		if (!paper_word_at(f, flen, i, lw))
			return 0;
		i = skip_ws(f, flen, i + strlen(lw), 1);
		if (i < flen && f[i] == ':')
			i = skip_ws(f, flen, i + 1, 1);
		if (!read_num(f, flen, &i, k == 2 ? 4 : 2, &v[k]))
			return 0;
	}
	if (!real_date(v[2], v[1], v[0]) && !zero_slip(&v[2], &v[1], &v[0]))
		return 0;
	snprintf(out, 11, "%04d-%02d-%02d", v[2], v[1], v[0]);
	if (end)
		*end = i;
	return 1;
}

/* "DD/MM/YYYY" (or with '-' or '.') at f[at]; -1 when padded (a form that
 * prints day and month with two digits) and one has one digit. */
static int date_numeric_at(const char *f, size_t flen, size_t at, char *out, int padded)
{
	int dd, mm, yy;
	size_t i = at, m0;
	/* a day's two digits read apart ("I 1/07/1957", "1 1/05/2009"): a
	 * lone 1 or its lookalike, one space, one digit and the separator */
	if (at + 3 < flen && strchr("1il|", f[at]) && f[at + 1] == ' ' && f[at + 2] >= '0' &&
	    f[at + 2] <= '9' && strchr("/-.", f[at + 3])) {
		dd = 10 + f[at + 2] - '0';
		i = at + 3;
	} else if (!read_num(f, flen, &i, 2, &dd)) {
		return 0;
	}
	int short_part = i - at == 1;
	if (i >= flen || !strchr("/-.", f[i]))
		return 0;
	char sep = f[i++];
	m0 = i;
	/* the month's two digits read apart the same way ("05/1 1/2031") */
	if (i + 3 < flen && strchr("1il|", f[i]) && f[i + 1] == ' ' && f[i + 2] >= '0' && f[i + 2] <= '9' &&
	    f[i + 3] == sep) {
		mm = 10 + f[i + 2] - '0';
		i += 3;
		m0 = i - 2; /* two digits: not a short part */
	} else if (!read_num(f, flen, &i, 2, &mm) || i >= flen || f[i] != sep) {
		return 0;
	}
	short_part |= i - m0 == 1;
	i++;
	if (!read_num(f, flen, &i, 4, &yy) || yy < 1000)
		return 0;
	if (!real_date(yy, mm, dd) && !zero_slip(&yy, &mm, &dd))
		return 0;
	/* "5/01/1995" on a card that prints "15/01/1995": a digit lost, not
	 * the 5th (docs/PAPERS.md, session 12) */
	if (padded && short_part)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", yy, mm, dd);
	return 1;
}

/* A date in either form within the first `window` bytes after at. */
int paper_date_near(const char *f, size_t flen, size_t at, size_t window, char *out)
{
	return paper_date_near_padded(f, flen, at, window, out, 0);
}

int paper_date_near_padded(const char *f, size_t flen, size_t at, size_t window, char *out, int padded)
{
	size_t stop = at + window < flen ? at + window : flen;
	for (size_t i = at; i < stop; i++) {
		if (!paper_starts_word(f, i) && f[i - 1] != ':' && f[i - 1] != '(')
			continue;
		if (paper_date_words_at(f, flen, i, out, NULL))
			return 1;
		int r = date_numeric_at(f, flen, i, out, padded);
		if (r)
			return r > 0;
	}
	return 0;
}

/* ---- lines -------------------------------------------------------------- */

int paper_split_lines(doc *d)
{
	size_t n = 1;
	for (size_t i = 0; i < d->flen; i++)
		n += d->f[i] == '\n';
	d->ls = sh_malloc(n * sizeof *d->ls);
	d->le = sh_malloc(n * sizeof *d->le);
	if (!d->ls || !d->le)
		return SH_ENOMEM;
	size_t s = 0, k = 0;
	for (size_t i = 0; i <= d->flen; i++) {
		if (i == d->flen || d->f[i] == '\n') {
			d->ls[k] = s;
			d->le[k] = i;
			k++;
			s = i + 1;
		}
	}
	d->nl = k;
	return SH_OK;
}

size_t paper_line_of(const doc *d, size_t pos)
{
	size_t lo = 0, hi = d->nl;
	while (lo + 1 < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->ls[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}
