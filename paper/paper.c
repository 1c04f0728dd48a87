/* Paper kinds and facts from OCR text (Nghị định 30/2020/NĐ-CP layouts for
 * agency documents; labelled forms for personal and company papers).
 *
 * Everything is matched on the folded text (no diacritics, lower case), so
 * OCR that lost diacritics still matches; values are cut from the original
 * text through the fold's offset map. Ids are validated and cross-checked;
 * a doubtful value is left out rather than guessed. */
#include "paper_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct sh_paper_facts {
	char *slug, *code;
	char *v[SH_FACT_COUNT];
	int never_expires;
	double confidence;
};

typedef struct doc {
	const sh_kinds *k;
	char *text; /* NFC original */
	size_t tlen;
	char *f; /* folded */
	size_t flen;
	size_t *map; /* folded offset -> text offset */
	size_t *ls, *le; /* line i is f[ls[i], le[i]) */
	size_t nl;
	int oom;
	size_t heading; /* line of the kind's heading, or nl */
} doc;

/* ---- small helpers ------------------------------------------------------ */

static int is_alnum_ascii(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Folded text is ASCII for Vietnamese; bytes >= 0x80 count as letters. */
static int is_wordc(unsigned char c)
{
	return is_alnum_ascii(c) || c >= 0x80;
}

static char *dup_n(doc *d, const char *s, size_t n)
{
	char *r = sh_strndup(s, n);
	if (!r)
		d->oom = 1;
	return r;
}

/* Original text of folded range [a, b), trimmed of spaces and of the
 * punctuation in trim_right at the end. */
static char *orig_range(doc *d, size_t a, size_t b, const char *trim_right)
{
	size_t oa = d->map[a], ob = d->map[b];
	while (oa < ob && isspace((unsigned char)d->text[oa]))
		oa++;
	while (ob > oa && (isspace((unsigned char)d->text[ob - 1]) ||
			   (trim_right && strchr(trim_right, d->text[ob - 1]))))
		ob--;
	if (ob == oa)
		return NULL;
	return dup_n(d, d->text + oa, ob - oa);
}

/* Share of upper-case letters among the letters of the original line
 * (0..100); -1 when it has no letters. */
static int upper_share_range(const doc *d, size_t fa, size_t fb)
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

static int upper_share(const doc *d, size_t line)
{
	return upper_share_range(d, d->ls[line], d->le[line]);
}

/* Is there an upper-case letter or a digit in folded range [a, b) of the
 * original? (A value starts with one; a longer label does not.) */
static int value_before(const doc *d, size_t a, size_t b)
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

static int line_empty(const doc *d, size_t i)
{
	return d->le[i] == d->ls[i];
}

/* Does folded f[at..] start with word w, ending at a word boundary? */
static int word_at(const char *f, size_t flen, size_t at, const char *w)
{
	size_t n = strlen(w);
	if (at + n > flen || memcmp(f + at, w, n))
		return 0;
	return at + n == flen || !is_wordc((unsigned char)f[at + n]);
}

static int starts_word(const char *f, size_t at)
{
	return at == 0 || !is_wordc((unsigned char)f[at - 1]);
}

/* Normalised heading form of folded s: letters, digits and '/' kept, every
 * other run one space, trimmed. dst has cap bytes. */
static void norm_heading(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0;
	int sp = 0;
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_wordc(c) || c == '/') {
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

static size_t edit_distance(const char *a, const char *b)
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
static int all_upper_ascii_or_marks(const char *orig)
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
		else
			break;
		v = v * 10 + dgt;
		i++, n++;
	}
	if (!real || n == 0 || n > (size_t)maxd || (i < flen && is_wordc((unsigned char)f[i])))
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

static size_t skip_ws(const char *f, size_t flen, size_t i, int newlines)
{
	while (i < flen && (f[i] == ' ' || (newlines && f[i] == '\n')))
		i++;
	return i;
}

/* "ngay D thang M nam YYYY" starting at f[at] (whitespace may include one
 * line break); 1 and the date in out (11 bytes) if found. */
static int date_words_at(const char *f, size_t flen, size_t at, char *out, size_t *end)
{
	static const char *const w[3] = {"ngay", "thang", "nam"};
	int v[3];
	size_t i = at;
	for (int k = 0; k < 3; k++) {
		i = skip_ws(f, flen, i, 1);
		if (!word_at(f, flen, i, w[k]))
			return 0;
		i = skip_ws(f, flen, i + strlen(w[k]), 1);
		if (i < flen && f[i] == ':')
			i = skip_ws(f, flen, i + 1, 1);
		if (!read_num(f, flen, &i, k == 2 ? 4 : 2, &v[k]))
			return 0;
	}
	if (!real_date(v[2], v[1], v[0]))
		return 0;
	snprintf(out, 11, "%04d-%02d-%02d", v[2], v[1], v[0]);
	if (end)
		*end = i;
	return 1;
}

/* "DD/MM/YYYY" (or with '-' or '.') at f[at]. */
static int date_numeric_at(const char *f, size_t flen, size_t at, char *out)
{
	int dd, mm, yy;
	size_t i = at;
	if (!read_num(f, flen, &i, 2, &dd))
		return 0;
	if (i >= flen || !strchr("/-.", f[i]))
		return 0;
	char sep = f[i++];
	if (!read_num(f, flen, &i, 2, &mm) || i >= flen || f[i] != sep)
		return 0;
	i++;
	if (!read_num(f, flen, &i, 4, &yy) || yy < 1000)
		return 0;
	if (!real_date(yy, mm, dd))
		return 0;
	snprintf(out, 11, "%04d-%02d-%02d", yy, mm, dd);
	return 1;
}

/* A date in either form within the first `window` bytes after at. */
static int date_near(const char *f, size_t flen, size_t at, size_t window, char *out)
{
	size_t stop = at + window < flen ? at + window : flen;
	for (size_t i = at; i < stop; i++) {
		if (!starts_word(f, i) && f[i - 1] != ':' && f[i - 1] != '(')
			continue;
		if (date_words_at(f, flen, i, out, NULL) || date_numeric_at(f, flen, i, out))
			return 1;
	}
	return 0;
}

/* ---- lines -------------------------------------------------------------- */

static int split_lines(doc *d)
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

static size_t line_of(const doc *d, size_t pos)
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

/* ---- kind recognition --------------------------------------------------- */

typedef struct number_info {
	size_t a, b;   /* folded range of the number token */
	char sym[64];  /* folded type segment: "qd" */
	int found;
} number_info;

/* Find "Số: 535/QĐ-UBND" near the top: "so" at a line start or followed by
 * ':' / '.', then the token. */
static void find_number(const doc *d, number_info *ni)
{
	memset(ni, 0, sizeof *ni);
	size_t lines = d->nl < 30 ? d->nl : 30;
	for (size_t l = 0; l < lines; l++) {
		const char *f = d->f;
		for (size_t i = d->ls[l]; i + 2 < d->le[l]; i++) {
			if (!starts_word(f, i))
				continue;
			size_t j = i + 2;
			if (!word_at(f, d->le[l], i, "so")) {
				/* "Số:" misread at a line start ("S6:", "Sé:") */
				if (i != d->ls[l] || f[i] != 's' || i + 3 >= d->le[l] || f[i + 2] != ':')
					continue;
			}
			int punct = 0;
			while (j < d->le[l] && (f[j] == ' ' || f[j] == ':' || f[j] == '.')) {
				punct |= f[j] != ' ';
				j++;
			}
			if (!punct && i != d->ls[l])
				continue;
			/* the token; spaces next to '/' and '-' are part of it
			 * ("Số: 1914 /QĐ-UBND", a number typed into a blank) */
			size_t e = j;
			while (e < d->le[l]) {
				if (f[e] == ' ') {
					size_t q = e;
					while (q < d->le[l] && f[q] == ' ')
						q++;
					if (q < d->le[l] && (f[q] == '/' || f[q] == '-' ||
							     (e > j && (f[e - 1] == '/' || f[e - 1] == '-')))) {
						e = q;
						continue;
					}
					break;
				}
				e++;
			}
			while (e > j && strchr(".,;:", f[e - 1]))
				e--;
			/* digits (with slips), optional /YYYY, then /SYMBOL */
			size_t p = j, nd = 0, real = 0;
			while (p < e && (isdigit((unsigned char)f[p]) || f[p] == 'o' || f[p] == 'l' ||
					 f[p] == 'i')) {
				real += isdigit((unsigned char)f[p]) != 0;
				p++, nd++;
			}
			while (p < e && f[p] == ' ')
				p++;
			if (!real || nd > 6 || p >= e || f[p] != '/')
				continue;
			size_t q = p + 1;
			while (q < e && f[q] == ' ')
				q++;
			if (q + 5 <= e && isdigit((unsigned char)f[q]) && isdigit((unsigned char)f[q + 3]) &&
			    f[q + 4] == '/')
				q += 5;
			while (q < e && f[q] == ' ')
				q++;
			size_t s = q;
			while (q < e && f[q] != '-' && f[q] != '/' && f[q] != ' ')
				q++;
			if (q == s || q - s >= sizeof ni->sym)
				continue;
			int ok = 1;
			for (size_t t = j; t < e; t++)
				if (!(is_alnum_ascii((unsigned char)f[t]) || strchr("/-. ", f[t])))
					ok = 0;
			if (!ok)
				continue;
			memcpy(ni->sym, f + s, q - s);
			ni->sym[q - s] = 0;
			ni->a = j;
			ni->b = e;
			ni->found = 1;
			return;
		}
	}
}

typedef struct kind_pick {
	size_t kind;
	size_t heading; /* line, or nl */
	double evidence;
} kind_pick;

static void pick_kind(doc *d, const number_info *ni, kind_pick *kp)
{
	const sh_kinds *k = d->k;
	long best = 0;
	kp->kind = k->other;
	kp->heading = d->nl;
	kp->evidence = 0.3;
	size_t rank = 0;
	int kw_best = 0;
	size_t kw_kind = 0;
	char nh[512];
	for (size_t ki = 0; ki < k->n; ki++) {
		const paper_kind *pk = &k->v[ki];
		if (pk->family == PAPER_OTHER)
			continue;
		long score = 0;
		size_t head = d->nl;
		double ev = 0;
		rank = 0;
		for (size_t l = 0; l < d->nl && rank < 40; l++) {
			if (line_empty(d, l))
				continue;
			rank++;
			norm_heading(nh, sizeof nh, d->f + d->ls[l], d->le[l] - d->ls[l]);
			if (!*nh)
				continue;
			int up = -2;
			for (size_t t = 0; t < pk->titles.n; t++) {
				char th[512];
				norm_heading(th, sizeof th, pk->titles.fold[t], strlen(pk->titles.fold[t]));
				size_t tn = strlen(th);
				if (!tn)
					continue;
				if (all_upper_ascii_or_marks(pk->titles.orig[t])) {
					if (up == -2)
						up = upper_share(d, l);
					if (up < 70)
						continue;
				}
				long s = 0;
				double e = 0;
				if (!strcmp(nh, th))
					s = 1000, e = 1.0;
				else if (!strncmp(nh, th, tn) && nh[tn] == ' ')
					s = 700, e = 0.85;
				else if (tn >= 6 && strlen(nh) <= tn + tn / 8 && strlen(nh) + tn / 8 >= tn &&
					 edit_distance(nh, th) <= tn / 8)
					s = 900, e = 0.9;
				if (!s)
					continue;
				s -= (long)rank * 5;
				if (s > score) {
					score = s;
					head = l;
					ev = e;
				}
			}
		}
		if (ni->found && *ni->sym) {
			for (size_t t = 0; t < pk->symbols.n; t++)
				if (!strcmp(ni->sym, pk->symbols.fold[t])) {
					score += 800;
					ev = ev > 0 ? 1.0 : 0.8;
				}
		}
		int kw = 0;
		for (size_t t = 0; t < pk->keywords.n && kw < 3; t++)
			if (strstr(d->f, pk->keywords.fold[t]))
				kw++;
		if (score > 0)
			score += kw * 30;
		/* a form whose heading OCR lost (printed in red and dropped with
		 * the seals): its labels still say what it is */
		if (!score && kw >= 2 && (pk->family == PAPER_PERSONAL || pk->family == PAPER_COMPANY) &&
		    kw > kw_best) {
			kw_best = kw;
			kw_kind = ki;
		}
		if (score >= 500 && score > best) {
			best = score;
			kp->kind = ki;
			kp->heading = head;
			kp->evidence = ev;
		}
	}
	if (!best && kw_best) {
		kp->kind = kw_kind;
		kp->evidence = 0.6;
	}
}

/* ---- agency facts ------------------------------------------------------- */

/* Canonical printed form of a folded symbol segment, from the catalogue's
 * symbols and short body names ("qd" -> "QĐ", "ubnd" -> "UBND"). */
static const char *known_symbol(const sh_kinds *k, const char *fold, size_t n)
{
	for (size_t i = 0; i < k->n; i++)
		for (size_t t = 0; t < k->v[i].symbols.n; t++)
			if (strlen(k->v[i].symbols.fold[t]) == n &&
			    !memcmp(k->v[i].symbols.fold[t], fold, n))
				return k->v[i].symbols.orig[t];
	for (size_t b = 0; b < k->bodies.n; b++) {
		const char *s = k->body_short[b];
		if (strchr(s, ' '))
			continue;
		int up = 1;
		for (const char *p = s; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				up = 0;
		if (up && strlen(k->bodies.fold[b]) == n && !memcmp(k->bodies.fold[b], fold, n))
			return s;
	}
	return NULL;
}

/* The number as printed, with digit slips read and known symbol segments
 * restored to their printed form (OCR drops the bar of Đ). */
static char *number_value(doc *d, const number_info *ni, const paper_kind *pk)
{
	int slot = 1; /* the first symbol segment names the type (NĐ 30) */
	sh_buf b = SH_BUF_INIT;
	const char *f = d->f;
	size_t i = ni->a;
	int rc = 0;
	while (i < ni->b && f[i] != '/') {
		char c = f[i] == 'o' ? '0' : (f[i] == 'l' || f[i] == 'i') ? '1' : f[i];
		if (c != ' ')
			rc |= sh_buf_put(&b, &c, 1);
		i++;
	}
	while (!rc && i < ni->b) {
		/* separator */
		rc |= sh_buf_put(&b, f + i, 1);
		i++;
		while (i < ni->b && f[i] == ' ')
			i++;
		size_t s = i;
		while (i < ni->b && f[i] != '/' && f[i] != '-')
			i++;
		size_t se = i;
		while (se > s && f[se - 1] == ' ')
			se--;
		const char *canon = known_symbol(d->k, f + s, se - s);
		/* the type slot of a paper whose heading was read: one OCR slip
		 * from the kind's own symbol is that symbol ("TIr" -> "TTr") */
		if (!canon && slot && d->heading < d->nl && se - s >= 2 && se - s < 16 &&
		    !(isdigit((unsigned char)f[s]) && se - s == 4)) {
			char seg[16];
			memcpy(seg, f + s, se - s);
			seg[se - s] = 0;
			for (size_t t = 0; t < pk->symbols.n && !canon; t++)
				if (strlen(pk->symbols.fold[t]) >= 2 &&
				    edit_distance(seg, pk->symbols.fold[t]) <= 1)
					canon = pk->symbols.orig[t];
		}
		if (!(isdigit((unsigned char)f[s]) && se - s == 4))
			slot = 0;
		if (canon) {
			rc |= sh_buf_puts(&b, canon);
		} else {
			size_t oa = d->map[s], ob = d->map[se];
			rc |= sh_buf_put(&b, d->text + oa, ob - oa);
		}
	}
	if (rc) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	return sh_buf_detach(&b);
}

static char *find_place_date(doc *d)
{
	char date[11];
	size_t first_any = (size_t)-1;
	char any[11] = "";
	for (size_t i = 1; i + 4 < d->flen; i++) {
		if (!word_at(d->f, d->flen, i, "ngay") || !starts_word(d->f, i))
			continue;
		size_t j = i;
		while (j > 0 && (d->f[j - 1] == ' ' || d->f[j - 1] == '\n'))
			j--;
		if (j == 0 || d->f[j - 1] != ',')
			continue;
		if (!date_words_at(d->f, d->flen, i, date, NULL))
			continue;
		size_t l = line_of(d, i);
		if (d->heading < d->nl && l <= d->heading)
			return dup_n(d, date, 10);
		if (first_any == (size_t)-1) {
			first_any = i;
			memcpy(any, date, 11);
		}
	}
	return *any ? dup_n(d, any, 10) : NULL;
}

static const struct {
	const char *fold, *print;
} levels[] = {{"thanh pho", "thành phố"}, {"thi xa", "thị xã"}, {"thi tran", "thị trấn"},
	      {"tinh", "tỉnh"},           {"huyen", "huyện"},  {"xa", "xã"},
	      {"quan", "quận"},           {"phuong", "phường"}};

typedef struct word {
	size_t a, b; /* folded range */
} word;

/* Title-case an original word: first letter upper, the rest lower. */
static int put_titlecase(sh_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int first = 1, rc = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			break;
		c = first ? utf8proc_toupper(c) : utf8proc_tolower(c);
		first = 0;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(c, e);
		rc |= sh_buf_put(b, e, (size_t)en);
		i += (size_t)k;
	}
	return rc;
}

/* ---- name lexicon ---------------------------------------------------- */

/* How much more common a spelling must be than every other spelling of the
 * same folded word (the one OCR produced included) to be put in its place. */
#define LEX_FAR 4

enum { CASE_OTHER, CASE_UPPER, CASE_TITLE, CASE_LOWER };

/* Case style of a word: all capitals, first capital, all small, or mixed;
 * CASE_OTHER too when it holds anything but letters and marks. */
static int word_case(const char *s, size_t n)
{
	int up = 0, low = 0, first_up = 0, i0 = 1;
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			return CASE_OTHER;
		utf8proc_category_t cat = utf8proc_category(c);
		if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) {
			i += (size_t)k;
			continue;
		}
		if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO)
			return CASE_OTHER;
		if (utf8proc_isupper(c)) {
			up++;
			if (i0)
				first_up = 1;
		} else {
			low++;
		}
		i0 = 0;
		i += (size_t)k;
	}
	if (!up && !low)
		return CASE_OTHER;
	if (!low)
		return up > 1 || n <= 2 ? CASE_UPPER : CASE_TITLE;
	if (!up)
		return CASE_LOWER;
	return first_up && up == 1 ? CASE_TITLE : CASE_OTHER;
}

/* Write w (a lexicon spelling, title case) in case style cs. */
static int put_case(sh_buf *b, const char *w, int cs)
{
	size_t n = strlen(w), i = 0;
	int first = 1, rc = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
						      (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			break;
		if (cs == CASE_UPPER || (cs == CASE_TITLE && first))
			c = utf8proc_toupper(c);
		else
			c = utf8proc_tolower(c);
		first = 0;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(c, e);
		rc |= sh_buf_put(b, e, (size_t)en);
		i += (size_t)k;
	}
	return rc;
}

/* The lexicon's spelling for word w (n bytes) in table x, or NULL to leave
 * it: no entry folds like it, it is already the most common spelling, or no
 * spelling is LEX_FAR times as common as every other (the one printed
 * included: "Định" and "Đinh" as given names stay as read). *miss is set
 * when no entry folds like it. */
static const char *lex_pick(doc *d, const paper_lextab *x, const char *w, size_t n, int *miss)
{
	char *f = NULL, *lw = NULL;
	const char *r = NULL;
	*miss = 1;
	if (paper_fold(&f, NULL, NULL, w, n) || sh_text_lower(&lw, w, n)) {
		d->oom = 1;
		goto out;
	}
	long best = -1;
	unsigned long bw = 0, second = 0, own = 0;
	for (size_t i = 0; i < x->n; i++) {
		if (strcmp(x->fold[i], f))
			continue;
		*miss = 0;
		char *ll = NULL;
		if (sh_text_lower(&ll, x->word[i], strlen(x->word[i]))) {
			d->oom = 1;
			goto out;
		}
		if (!strcmp(ll, lw))
			own = x->weight[i];
		sh_free(ll);
		if (best < 0 || x->weight[i] > bw) {
			second = bw;
			bw = x->weight[i];
			best = (long)i;
		} else if (x->weight[i] > second) {
			second = x->weight[i];
		}
	}
	if (best < 0 || own == bw)
		goto out;
	if (own > second)
		second = own;
	if (bw >= LEX_FAR * second)
		r = x->word[best];
out:
	sh_free(f);
	sh_free(lw);
	return r;
}

/* Is word w (n bytes) spelt so in any lexicon table (case aside)? */
static int lex_known(doc *d, const char *w, size_t n)
{
	char *lw = NULL;
	if (sh_text_lower(&lw, w, n)) {
		d->oom = 1;
		return 1;
	}
	int found = 0;
	for (int t = 0; t < LEX_TABLES && !found; t++) {
		const paper_lextab *x = &d->k->lex[t];
		for (size_t i = 0; i < x->n && !found; i++) {
			char *ll = NULL;
			if (sh_text_lower(&ll, x->word[i], strlen(x->word[i]))) {
				d->oom = 1;
				found = 1;
				break;
			}
			found = !strcmp(ll, lw);
			sh_free(ll);
		}
	}
	sh_free(lw);
	return found;
}

/* Restore misread diacritics in the words of s from the lexicon: a person's
 * name (surname first, given name last, middle names between) when person,
 * else a place name. Only words of letters are looked at, only spellings
 * folding exactly like the word OCR read are put in, and the paper's case
 * style is kept. Takes s; returns the result (NULL with d->oom on out of
 * memory). */
static char *lex_restore(doc *d, char *s, int person)
{
	const sh_kinds *k = d->k;
	if (!s)
		return NULL;
	/* no lexicon loaded (sh_kinds_parse): every word as read */
	if (!k->lex[LEX_SURNAME].n && !k->lex[LEX_MIDDLE].n && !k->lex[LEX_GIVEN].n && !k->lex_places.n)
		return s;
	size_t nw = 0;
	for (const char *p = s; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		nw++;
		p += strcspn(p, " ");
	}
	if (person && (nw < 2 || nw > 6))
		return s;
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	size_t wi = 0;
	for (const char *p = s; *p;) {
		size_t sp = strspn(p, " ");
		rc |= sh_buf_put(&b, p, sp);
		p += sp;
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		int cs = word_case(p, n);
		const char *r = NULL;
		if (cs != CASE_OTHER) {
			int miss = 1;
			if (person) {
				int t = wi == 0 ? LEX_SURNAME : wi == nw - 1 ? LEX_GIVEN : LEX_MIDDLE;
				r = lex_pick(d, &k->lex[t], p, n, &miss);
				/* a word of another position (a given name as middle name) */
				for (int o = LEX_SURNAME; o <= LEX_GIVEN && miss && !r; o++)
					if (o != t)
						r = lex_pick(d, &k->lex[o], p, n, &miss);
			} else if (!lex_known(d, p, n)) {
				/* a place word is put right only when what OCR read
				 * is no name or place word at all ("Nghị" of
				 * "Nghi Phong"); "Hùng Sơn" stays, though "Hưng"
				 * is the commoner place word */
				r = lex_pick(d, &k->lex[LEX_PLACE_WORD], p, n, &miss);
			}
		}
		if (r)
			rc |= put_case(&b, r, cs);
		else
			rc |= sh_buf_put(&b, p, n);
		p += n;
		wi++;
	}
	sh_free(s);
	if (rc || d->oom) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	return sh_buf_detach(&b);
}

static void collect_words(const doc *d, size_t a, size_t e, word *w, size_t *nw)
{
	const char *f = d->f;
	size_t i = a;
	while (i < e && *nw < 64) {
		while (i < e && !is_wordc((unsigned char)f[i]) && f[i] != '-')
			i++;
		size_t s = i;
		while (i < e && (is_wordc((unsigned char)f[i]) || f[i] == '-'))
			i++;
		if (i > s && !(i == s + 1 && f[s] == '-'))
			w[(*nw)++] = (word){s, i};
	}
}

/* The longest catalogue body printed as words w[i..]; its index, and the
 * number of words in *len; -1 if none. */
static long body_at(const doc *d, const word *w, size_t nw, size_t i, size_t *len)
{
	const sh_kinds *k = d->k;
	long best = -1;
	*len = 0;
	for (size_t b = 0; b < k->bodies.n; b++) {
		const char *bf = k->bodies.fold[b];
		size_t bl = strlen(bf), p = 0, wi = i;
		while (wi < nw && p < bl) {
			while (p < bl && (bf[p] == ' ' || bf[p] == '-'))
				p++;
			size_t wl = w[wi].b - w[wi].a;
			if (p + wl > bl || memcmp(bf + p, d->f + w[wi].a, wl) ||
			    (p + wl < bl && bf[p + wl] != ' ' && bf[p + wl] != '-'))
				break;
			p += wl;
			wi++;
			while (p < bl && (bf[p] == ' ' || bf[p] == '-'))
				p++;
		}
		if (p == bl && wi - i > *len) {
			*len = wi - i;
			best = (long)b;
		}
	}
	return best;
}

static char *issuer_words(doc *d, const word *w, size_t nw);

/* Issuer from the header's left column: the lowest body named there and the
 * place it belongs to, written as the catalogue says ("UBND huyện Gia Lộc"). */
static char *find_issuer(doc *d, size_t number_line)
{
	word w[64];
	size_t nw = 0;
	/* the header ends at the heading or the number; without either, at
	 * the national motto, and without that there is no header */
	size_t stop = d->heading < d->nl ? d->heading : d->nl;
	if (number_line < stop)
		stop = number_line;
	if (stop >= d->nl) {
		stop = 0;
		for (size_t l = 0; l < d->nl && l < 8; l++) {
			const char *lf = d->f + d->ls[l];
			size_t ln = d->le[l] - d->ls[l];
			for (size_t i = 0; i + 7 <= ln; i++)
				if (!memcmp(lf + i, "cong hoa", 8 <= ln - i ? 8 : 7) ||
				    !memcmp(lf + i, "doc lap", 7))
					stop = l + 1;
		}
	}
	if (stop > 8)
		stop = 8;
	for (size_t l = 0; l < stop; l++) {
		size_t a = d->ls[l], e = d->le[l];
		const char *f = d->f;
		for (size_t i = a; i < e; i++) {
			if (!starts_word(f, i))
				continue;
			size_t j = i + 2;
			while (j < e && f[j] == ' ')
				j++;
			size_t we = i;
			while (we < e && f[we] != ' ')
				we++;
			/* the left column is upper case; the motto's second line
			 * is not, and its first is cut by name */
			if (word_at(f, e, i, "cong hoa") || word_at(f, e, i, "xa hoi chu nghia") ||
			    word_at(f, e, i, "tu do") || word_at(f, e, i, "hanh phuc") ||
			    (upper_share_range(d, i, we) >= 0 && upper_share_range(d, i, we) < 100) ||
			    (word_at(f, e, i, "so") && j < e && (f[j] == ':' || isdigit((unsigned char)f[j])))) {
				e = i;
				break;
			}
		}
		while (e > a && d->f[e - 1] == ' ')
			e--;
		/* only the part before the cut must be upper case */
		if (e <= a || upper_share_range(d, a, e) < 70)
			continue;
		collect_words(d, a, e, w, &nw);
	}
	char *r = issuer_words(d, w, nw);
	if (r || d->oom)
		return r;
	/* no header (certificates): "TM. ỦY BAN NHÂN DÂN HUYỆN X" above the
	 * signature names the issuing body */
	size_t seen = 0;
	for (size_t l = d->nl; l-- > 0 && seen < 15;) {
		if (line_empty(d, l))
			continue;
		seen++;
		const char *f = d->f + d->ls[l];
		size_t n = d->le[l] - d->ls[l];
		if (n < 4 || memcmp(f, "tm", 2) || !(f[2] == '.' || f[2] == ' '))
			continue;
		nw = 0;
		collect_words(d, d->ls[l] + 3, d->le[l], w, &nw);
		return issuer_words(d, w, nw);
	}
	return NULL;
}

/* Issuer from header words: bodies (longest catalogue match) and places
 * (a level word and a name); NULL when neither a known body nor a place. */
static char *issuer_words(doc *d, const word *w, size_t nw)
{
	const sh_kinds *k = d->k;
	if (!nw)
		return NULL;
	long last_body = -1, unknown_a = -1, unknown_b = -1;
	size_t place_from = 0, place_to = 0, body_place_from = 0, body_place_to = 0;
	size_t i = 0;
	while (i < nw) {
		size_t best_len;
		long best = body_at(d, w, nw, i, &best_len);
		if (best >= 0) {
			last_body = best;
			unknown_a = -1;
			body_place_from = body_place_to = 0;
			i += best_len;
			continue;
		}
		int lv = -1;
		for (size_t t = 0; t < sizeof levels / sizeof *levels && lv < 0; t++) {
			size_t ln = strlen(levels[t].fold);
			if (w[i].a + ln <= d->flen && !memcmp(d->f + w[i].a, levels[t].fold, ln) &&
			    word_at(d->f, d->flen, w[i].a, levels[t].fold))
				lv = (int)t;
		}
		if (lv >= 0) {
			size_t s = i;
			i++;
			if (strchr(levels[lv].fold, ' '))
				i++;
			while (i < nw) {
				size_t bl;
				int isbody = body_at(d, w, nw, i, &bl) >= 0;
				if (isbody)
					break;
				i++;
			}
			place_from = s;
			place_to = i;
			if (last_body >= 0 || unknown_a >= 0) {
				body_place_from = s;
				body_place_to = i;
			}
			continue;
		}
		if (last_body < 0 && unknown_a < 0)
			unknown_a = (long)i;
		if (last_body < 0)
			unknown_b = (long)i + 1;
		i++;
	}
	if (last_body < 0 && place_to <= place_from)
		return NULL;
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	if (last_body >= 0) {
		rc |= sh_buf_puts(&b, k->body_short[last_body]);
	} else if (unknown_a >= 0) {
		/* unknown body: sentence case of what is printed */
		for (long x = unknown_a; x < unknown_b; x++) {
			size_t oa = d->map[w[x].a], ob = d->map[w[x].b];
			if (x > unknown_a)
				rc |= sh_buf_puts(&b, " ");
			if (x == unknown_a) {
				rc |= put_titlecase(&b, d->text + oa, ob - oa);
			} else {
				char *lw = NULL;
				if (sh_text_lower(&lw, d->text + oa, ob - oa)) {
					rc = 1;
					break;
				}
				rc |= sh_buf_puts(&b, lw);
				sh_free(lw);
			}
		}
	} else {
		return NULL;
	}
	if (body_place_to > body_place_from) {
		place_from = body_place_from;
		place_to = body_place_to;
	}
	if (place_to > place_from) {
		int lv = -1;
		for (size_t t = 0; t < sizeof levels / sizeof *levels && lv < 0; t++)
			if (word_at(d->f, d->flen, w[place_from].a, levels[t].fold))
				lv = (int)t;
		size_t nstart = place_from + 1 + (lv >= 0 && strchr(levels[lv].fold, ' ') ? 1 : 0);
		rc |= sh_buf_printf(&b, " %s", levels[lv].print);
		if (nstart < place_to) {
			/* the place name: gazetteer first, else title case */
			size_t fa = w[nstart].a, fb = w[place_to - 1].b;
			const char *canon = NULL;
			const paper_strs *lists[2] = {&k->places, &k->lex_places};
			for (int l = 0; l < 2; l++)
				for (size_t p = 0; p < lists[l]->n && !canon; p++)
					if (strlen(lists[l]->fold[p]) == fb - fa &&
					    !memcmp(lists[l]->fold[p], d->f + fa, fb - fa))
						canon = lists[l]->orig[p];
			rc |= sh_buf_puts(&b, " ");
			if (canon) {
				rc |= sh_buf_puts(&b, canon);
			} else {
				/* not listed: title case, each word restored from
				 * the words of listed places */
				sh_buf pb = SH_BUF_INIT;
				for (size_t x = nstart; x < place_to; x++) {
					size_t oa = d->map[w[x].a], ob = d->map[w[x].b];
					if (x > nstart)
						rc |= sh_buf_puts(&pb, " ");
					rc |= put_titlecase(&pb, d->text + oa, ob - oa);
				}
				char *pl = rc ? NULL : sh_buf_detach(&pb);
				sh_buf_free(&pb);
				pl = lex_restore(d, pl, 0);
				if (pl)
					rc |= sh_buf_puts(&b, pl);
				else
					rc = 1;
				sh_free(pl);
			}
		}
	}
	if (rc) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	return sh_buf_detach(&b);
}

static int starts_lower(const doc *d, size_t l)
{
	utf8proc_int32_t c;
	size_t oa = d->map[d->ls[l]], ob = d->map[d->le[l]];
	return oa < ob && utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
					   (utf8proc_ssize_t)(ob - oa), &c) > 0 && utf8proc_islower(c);
}

static int title_stop(const doc *d, size_t l)
{
	static const char *const stops[] = {"can cu", "kinh gui", "dieu ", "noi nhan", "thuc hien",
					    "xet de nghi", "theo de nghi"};
	const char *f = d->f + d->ls[l];
	size_t n = d->le[l] - d->ls[l];
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
		if (n >= strlen(stops[i]) && !memcmp(f, stops[i], strlen(stops[i])))
			return 1;
	/* section marks: "I.", "1.", "II)" (OCR: "I1.") */
	size_t i = 0;
	while (i < n && i < 5 && strchr("ivxl0123456789", f[i]))
		i++;
	if (i > 0 && i < n && (f[i] == '.' || f[i] == ')'))
		return 1;
	int up = upper_share(d, l);
	return up >= 70;
}

/* The catalogue's corrections (whole words, as printed) applied to s;
 * takes s, returns the result (NULL on out of memory, d->oom set). */
static char *apply_corrections(doc *d, char *s)
{
	const sh_kinds *k = d->k;
	for (size_t i = 0; i < k->fix_from.n; i++) {
		const char *from = k->fix_from.orig[i], *to = k->fix_to[i];
		size_t fl = strlen(from);
		char *at = s;
		while ((at = strstr(at, from))) {
			size_t off = (size_t)(at - s);
			int left = off == 0 || at[-1] == ' ';
			int right = at[fl] == 0 || at[fl] == ' ' || at[fl] == ',' || at[fl] == '.';
			if (!left || !right) {
				at += fl;
				continue;
			}
			char *n = sh_asprintf("%.*s%s%s", (int)off, s, to, at + fl);
			sh_free(s);
			if (!n) {
				d->oom = 1;
				return NULL;
			}
			s = n;
			at = s + off + strlen(to);
		}
	}
	return s;
}

static char *find_title(doc *d, const paper_kind *pk)
{
	if (d->heading >= d->nl)
		return NULL;
	size_t l = d->heading;
	int include_heading = 0;
	/* a heading written in lower case ("V/v ...") is the title itself */
	for (size_t t = 0; t < pk->titles.n; t++)
		if (!all_upper_ascii_or_marks(pk->titles.orig[t]))
			include_heading = 1;
	if (!include_heading) {
		l++;
		while (l < d->nl && line_empty(d, l))
			l++;
	}
	size_t first = l, last = l;
	for (size_t n = 0; l < d->nl && n < 4; l++, n++) {
		if (line_empty(d, l)) {
			/* a title line that goes on in lower case after a blank
			 * line (OCR spacing) */
			if (l + 1 < d->nl && !line_empty(d, l + 1) && !title_stop(d, l + 1) &&
			    starts_lower(d, l + 1))
				continue;
			break;
		}
		if ((l != first || !include_heading) && title_stop(d, l))
			break;
		last = l + 1;
	}
	if (last <= first)
		return NULL;
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	for (size_t x = first; x < last; x++) {
		char *s = orig_range(d, d->ls[x], d->le[x], NULL);
		if (!s)
			continue;
		if (b.len)
			rc |= sh_buf_puts(&b, " ");
		rc |= sh_buf_puts(&b, s);
		sh_free(s);
	}
	if (rc || d->oom) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	char *r = sh_buf_detach(&b);
	if (!r) {
		d->oom = 1;
		return NULL;
	}
	if (!(r = apply_corrections(d, r)))
		return NULL;
	/* "Về việc" and "V/v" are fixed phrases: give back what OCR dropped */
	char *fr = NULL;
	if (paper_fold(&fr, NULL, NULL, r, strlen(r)) == SH_OK) {
		int vv = !strncmp(fr, "v/v ", 4) || !strncmp(fr, "v/ ", 3) || !strncmp(fr, "vv ", 3) ||
			 !strncmp(fr, "v/v. ", 5);
		if (!strncmp(fr, "ve viec ", 8) || vv) {
			const char *sp = strchr(r, ' ');
			sp = sp && !vv ? strchr(sp + 1, ' ') : sp;
			if (sp) {
				char *fixed = sh_asprintf("%s%s", vv ? "V/v" : "Về việc", sp);
				if (fixed) {
					sh_free(r);
					r = fixed;
				} else {
					d->oom = 1;
				}
			}
		}
		sh_free(fr);
	} else {
		d->oom = 1;
	}
	return r;
}

/* A person's name as printed under a signature: 2-6 words, each a capital
 * letter followed by small ones. */
static int name_line(const doc *d, size_t fa, size_t fb)
{
	size_t oa = d->map[fa], ob = d->map[fb];
	int words = 0, at_start = 1, ok = 1;
	while (oa < ob) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
						      (utf8proc_ssize_t)(ob - oa), &c);
		if (k <= 0)
			return 0;
		oa += (size_t)k;
		if (c == ' ') {
			at_start = 1;
			continue;
		}
		if (at_start) {
			words++;
			if (!utf8proc_isupper(c))
				ok = 0;
			at_start = 0;
		} else if (!utf8proc_islower(c)) {
			ok = 0;
		}
	}
	return ok && words >= 2 && words <= 6;
}

/* Letters (Unicode category L) in folded range [fa, fb) of the original:
 * OCR noise such as '‹' or '„' is not a letter. */
static int count_letters(const doc *d, size_t fa, size_t fb)
{
	size_t oa = d->map[fa], ob = d->map[fb];
	int n = 0;
	while (oa < ob) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
						      (utf8proc_ssize_t)(ob - oa), &c);
		if (k <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(c);
		n += cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		oa += (size_t)k;
	}
	return n;
}

/* A line of the "Nơi nhận" (recipients) list: "Nơi nhận:", "- Như trên;",
 * "- Lưu: VT" (OCR may read the dash as '~' or a bullet). */
static int recipient_item(const doc *d, size_t l)
{
	const char *f = d->f + d->ls[l];
	size_t n = d->le[l] - d->ls[l];
	if (n == 0)
		return 0;
	if (strchr("-~+*", f[0]) || !strncmp(f, "noi nhan", n < 8 ? n : 8) ||
	    !strncmp(f, "luu", n < 3 ? n : 3))
		return 1;
	/* '•' U+2022, '–' U+2013, '—' U+2014 */
	return n >= 3 && (!memcmp(f, "\xe2\x80\xa2", 3) || !memcmp(f, "\xe2\x80\x93", 3) ||
			  !memcmp(f, "\xe2\x80\x94", 3));
}

static int is_signer_prefix(const char *f, size_t n)
{
	static const char *const prefixes[] = {"tm", "kt", "tl", "tuq", "q", "t/m"};
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t pl = strlen(prefixes[i]);
		if (n >= pl + 1 && !memcmp(f, prefixes[i], pl) && (f[pl] == '.' || f[pl] == ' '))
			return 1;
	}
	return 0;
}

/* Start (folded offset) of the upper-case tail of line l — the right
 * column when OCR put "Nơi nhận:" items on the same line — or (size_t)-1.
 * The tail has a word of three letters or more and no ',', ';', ':'. */
static size_t upper_tail(const doc *d, size_t l)
{
	size_t a = d->ls[l], e = d->le[l], start = (size_t)-1;
	int long_word = 0;
	size_t we = e;
	while (we > a) {
		size_t ws = we;
		while (ws > a && d->f[ws - 1] != ' ')
			ws--;
		if (upper_share_range(d, ws, we) != 100)
			break;
		int letters = count_letters(d, ws, we), bad = 0;
		for (size_t i = ws; i < we; i++)
			bad |= strchr(",;:", d->f[i]) != NULL;
		/* "VP." ends the left column's text; "KT." starts a title */
		if (bad || (d->f[we - 1] == '.' && we != e && !is_signer_prefix(d->f + ws, we - ws)))
			break;
		long_word |= letters >= 3;
		start = ws;
		we = ws > a ? ws - 1 : a;
	}
	if (!long_word)
		return (size_t)-1;
	/* a value after a label ("- Lưu: VTVP") is not a title, except the
	 * right column after "Nơi nhận:"; the archive line has none */
	if (start > a + 1 && d->f[start - 2] == ':' && strncmp(d->f + a, "noi nhan", 8))
		return (size_t)-1;
	size_t b = a;
	while (b < e && !is_alnum_ascii((unsigned char)d->f[b]))
		b++;
	if (b > a && word_at(d->f, e, b, "luu")) {
		/* only a known position beside the archive line: "- Lưu: VT, VP
		 * PHÓ CHỦ TỊCH", not "- Lưu: VT VPB" */
		for (size_t i = start; i < e; i++) {
			if (i != start && d->f[i - 1] != ' ')
				continue;
			for (size_t p = 0; p < d->k->positions.n; p++)
				if (strlen(d->k->positions.fold[p]) == e - i &&
				    !memcmp(d->k->positions.fold[p], d->f + i, e - i))
					return i;
		}
		return (size_t)-1;
	}
	/* a left-column abbreviation that lost its '.' ("VT, VP PHÓ CHỦ
	 * TỊCH"): titles have no words of one or two letters but prefixes */
	while (start < e) {
		size_t we2 = start;
		while (we2 < e && d->f[we2] != ' ')
			we2++;
		if (count_letters(d, start, we2) > 2 || we2 >= e ||
		    is_signer_prefix(d->f + start, we2 - start))
			break;
		start = we2 + 1;
	}
	return start;
}

/* Start of a signer's name at the end of line l: the whole line, or the
 * tail after a "Nơi nhận" item ("- Lưu: VT. Nguyễn Văn An"); (size_t)-1. */
static size_t name_tail(const doc *d, size_t l, size_t *end)
{
	/* stray marks after the name ("Hoàng Thu Trang .") are not part of it */
	size_t e = d->le[l];
	while (e > d->ls[l] && !is_wordc((unsigned char)d->f[e - 1]))
		e--;
	*end = e;
	if (e > d->ls[l] && name_line(d, d->ls[l], e))
		return d->ls[l];
	if (!recipient_item(d, l))
		return (size_t)-1;
	size_t best = (size_t)-1;
	for (size_t i = e; i-- > d->ls[l];)
		if (d->f[i] == ' ' && name_line(d, i + 1, e))
			best = i + 1;
	return best;
}

/* A signer's title as printed, or — when it is printed in capitals and
 * folds to a catalogue position — that position's spelling (OCR misreads
 * "PHÓ" as "PHỎ"); a "Q. " prefix is kept. */
static char *position_value(doc *d, size_t a, size_t e)
{
	size_t p = a;
	if (e - a > 3 && !memcmp(d->f + a, "q.", 2)) {
		p = a + 2;
		while (p < e && d->f[p] == ' ')
			p++;
	}
	if (upper_share_range(d, a, e) == 100) {
		for (size_t i = 0; i < d->k->positions.n; i++) {
			const char *pf = d->k->positions.fold[i];
			if (strlen(pf) == e - p && !memcmp(pf, d->f + p, e - p)) {
				char *r = p > a ? sh_asprintf("Q. %s", d->k->positions.orig[i])
						: sh_strdup(d->k->positions.orig[i]);
				if (!r)
					d->oom = 1;
				return r;
			}
		}
	}
	return orig_range(d, a, e, NULL);
}

static void find_signer(doc *d, char **signer, char **title)
{
	*signer = *title = NULL;
	size_t seen = 0;
	for (size_t l = d->nl; l-- > 0 && seen < 30;) {
		if (line_empty(d, l))
			continue;
		seen++;
		size_t ne;
		size_t na = name_tail(d, l, &ne);
		if (na == (size_t)-1)
			continue;
		/* the title block: upper-case lines (or right-column tails)
		 * right above; a gap of at most one line (signature, "(Đã
		 * ký)") allowed */
		size_t t = l, gap = 0, n = 0, walked = 0;
		size_t last = 0, last_a = 0;
		while (t-- > 0 && n < 3 && walked++ < 12) {
			if (line_empty(d, t))
				continue;
			size_t ta = upper_tail(d, t);
			if (ta != (size_t)-1) {
				if (!n) {
					last = t;
					last_a = ta;
				}
				n++;
				if (is_signer_prefix(d->f + ta, d->le[t] - ta))
					break;
				continue;
			}
			/* "Nơi nhận" items beside the block are not gaps */
			if (recipient_item(d, t))
				continue;
			if (n || ++gap > 1)
				break;
		}
		if (!n)
			return;
		*title = position_value(d, last_a, d->le[last]);
		*signer = orig_range(d, na, ne, NULL);
		return;
	}
}

/* ---- labelled facts ----------------------------------------------------- */

typedef int (*value_fn)(doc *d, size_t a, size_t e, void *out);

/* The value line for a label with nothing after it: the next line, or,
 * when labels were printed as a column ("A:\nB:\nC:\nvA\nvB\nvC"), the
 * line in the same place of the value column. */
static long value_line(const doc *d, size_t l)
{
	size_t s = l, e = l;
	/* columns are short: looking further costs time on hostile text */
	for (int guard = 0; guard < 16; guard++) {
		size_t p = s;
		while (p > 0 && line_empty(d, p - 1))
			p--;
		if (p == 0 || d->le[p - 1] == d->ls[p - 1] || d->f[d->le[p - 1] - 1] != ':')
			break;
		s = p - 1;
	}
	size_t pos = 0;
	for (size_t x = s; x < l; x++)
		pos += !line_empty(d, x);
	for (int guard = 0; guard < 16; guard++) {
		size_t n = e + 1;
		while (n < d->nl && line_empty(d, n))
			n++;
		if (n >= d->nl || d->f[d->le[n] - 1] != ':')
			break;
		e = n;
	}
	size_t x = e + 1;
	for (;; x++) {
		while (x < d->nl && line_empty(d, x))
			x++;
		if (x >= d->nl)
			return -1;
		if (!pos)
			break;
		pos--;
	}
	if (d->f[d->le[x] - 1] == ':')
		return -1;
	return (long)x;
}

/* Try each occurrence of each label (at a line start or after ", "/"; ")
 * and hand the value range to fn until it accepts one. */
static int by_label(doc *d, const paper_strs *labels, value_fn fn, void *out)
{
	for (size_t l = 0; l < d->nl; l++) {
		for (size_t t = 0; t < labels->n; t++) {
			const char *lab = labels->fold[t];
			size_t ln = strlen(lab);
			for (size_t i = d->ls[l]; i + ln <= d->le[l]; i++) {
				if (i != d->ls[l]) {
					size_t j = i;
					while (j > d->ls[l] && d->f[j - 1] == ' ')
						j--;
					if (j == i || j == d->ls[l] || !strchr(",;", d->f[j - 1]))
						continue;
				}
				if (memcmp(d->f + i, lab, ln) ||
				    (i + ln < d->le[l] && is_wordc((unsigned char)d->f[i + ln])))
					continue;
				size_t a = i + ln;
				while (a < d->le[l] && (d->f[a] == ' ' || d->f[a] == ':' || d->f[a] == '.'))
					a++;
				/* bilingual cards: "Họ và tên / Full name: ..." (OCR
				 * may read the '/' as '7', '|', 'l') */
				if (a < d->le[l] && strchr("/7|l1i", d->f[a])) {
					size_t c = a + 1, letters = 0;
					while (c < d->le[l] && c < a + 40 &&
					       ((d->f[c] >= 'a' && d->f[c] <= 'z') || d->f[c] == ' ' ||
						d->f[c] == '.')) {
						letters += d->f[c] >= 'a' && d->f[c] <= 'z';
						c++;
					}
					if (c < d->le[l] && d->f[c] == ':' && letters >= 3 &&
					    (d->f[a] == '/' || d->f[a + 1] == ' ')) {
						a = c;
						while (a < d->le[l] && (d->f[a] == ' ' || d->f[a] == ':'))
							a++;
					}
				}
				/* "Họ, chữ đệm, tên người cha:" is another label */
				size_t colon = a;
				while (colon < d->le[l] && d->f[colon] != ':')
					colon++;
				if (colon < d->le[l] && !value_before(d, a, colon))
					continue;
				if (a < d->le[l]) {
					if (fn(d, a, d->le[l], out))
						return 1;
				} else {
					long v = value_line(d, l);
					if (v >= 0 && fn(d, d->ls[v], d->le[v], out))
						return 1;
				}
				if (d->oom)
					return 0;
			}
		}
	}
	return 0;
}

typedef struct id_out {
	int family;
	char id[16];
} id_out;

static const char *const provinces =
	"001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
	"035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
	"070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096";

static int person_id_ok(const char *id)
{
	char p[4] = {id[0], id[1], id[2], 0};
	return strlen(id) == 12 && strstr(provinces, p) != NULL;
}

/* Digits of an id at f[a..e): digit groups with single spaces, OCR slips
 * o→0, l/i→1 (at most one), one '-' before a branch suffix. */
static int id_value(doc *d, size_t a, size_t e, void *out)
{
	id_out *io = out;
	char dg[20];
	size_t n = 0, i = a;
	int slips = 0;
	while (i < e && n < 16) {
		char c = d->f[i];
		if (c >= '0' && c <= '9')
			dg[n++] = c;
		else if (c == 'o' || c == 'l' || c == 'i' || c == '|') {
			if (i + 1 < e && is_alnum_ascii((unsigned char)d->f[i + 1]) &&
			    !isdigit((unsigned char)d->f[i + 1]) && d->f[i + 1] != 'o' &&
			    d->f[i + 1] != 'l' && d->f[i + 1] != 'i')
				break;
			dg[n++] = c == 'o' ? '0' : '1';
			slips++;
		} else if (c == ' ' && n > 0 && i + 1 < e && isdigit((unsigned char)d->f[i + 1])) {
			/* a space inside a digit run */
		} else if (c == '-' && n == 10) {
			dg[n++] = '-';
		} else {
			break;
		}
		i++;
	}
	if (i < e && is_wordc((unsigned char)d->f[i]))
		return 0;
	dg[n] = 0;
	if (slips > 1 || n == 0)
		return 0;
	int kind = 0;
	char norm[16];
	if (sh_id_owner_check(&kind, norm, dg) != SH_OK) {
		sh_error_clear();
		return 0;
	}
	if (io->family == PAPER_COMPANY && kind == SH_OWNER_PERSON)
		return 0;
	if (io->family != PAPER_COMPANY && kind != SH_OWNER_PERSON)
		return 0;
	if (kind == SH_OWNER_PERSON && !person_id_ok(norm))
		return 0;
	snprintf(io->id, sizeof io->id, "%s", norm);
	return 1;
}

/* Only one distinct well-formed id of the family in the whole text. */
static int id_anywhere(doc *d, id_out *io)
{
	char found[16] = "";
	size_t want1 = io->family == PAPER_COMPANY ? 10 : 12;
	for (size_t i = 0; i < d->flen; i++) {
		if (!isdigit((unsigned char)d->f[i]) || (i > 0 && (is_wordc((unsigned char)d->f[i - 1]) ||
								   d->f[i - 1] == '/' || d->f[i - 1] == '-')))
			continue;
		size_t j = i;
		while (j < d->flen && isdigit((unsigned char)d->f[j]))
			j++;
		if (j - i == want1 && !(j < d->flen && (is_wordc((unsigned char)d->f[j]) ||
							  d->f[j] == '/' || d->f[j] == '-'))) {
			id_out t = {io->family, ""};
			if (id_value(d, i, j, &t)) {
				if (*found && strcmp(found, t.id))
					return 0;
				snprintf(found, sizeof found, "%s", t.id);
			}
		}
		i = j;
	}
	if (!*found)
		return 0;
	snprintf(io->id, sizeof io->id, "%s", found);
	return 1;
}

typedef struct str_out {
	char *s;
	int company;
} str_out;

static int name_value(doc *d, size_t a, size_t e, void *out)
{
	str_out *so = out;
	size_t end = a;
	while (end < e && !strchr(",;(", d->f[end]))
		end++;
	/* "LÊ VĂN BÌNH sinh năm 1970" */
	for (size_t i = a; i < end; i++)
		if (starts_word(d->f, i) && word_at(d->f, end, i, "sinh")) {
			end = i;
			break;
		}
	while (end > a && d->f[end - 1] == ' ')
		end--;
	if (end <= a)
		return 0;
	/* a person's name: letters only, 2-7 words; a company's: also digits */
	int words = 1;
	for (size_t i = a; i < end; i++) {
		char c = d->f[i];
		if (c == ' ')
			words++;
		else if (!(is_wordc((unsigned char)c) && (so->company || !isdigit((unsigned char)c))) &&
			 !(so->company && strchr("&.-'", c)))
			return 0;
	}
	if (words < 2 || words > (so->company ? 20 : 7))
		return 0;
	/* a company name wrapped onto the next line (upper case, no label) */
	size_t l = line_of(d, a);
	size_t fb = end;
	if (so->company && end == d->le[l] && upper_share_range(d, a, end) >= 90 && l + 1 < d->nl &&
	    !line_empty(d, l + 1)) {
		size_t n = l + 1;
		const char *nf = d->f + d->ls[n];
		size_t nn = d->le[n] - d->ls[n];
		int ok = upper_share(d, n) >= 90 && nn <= 40 && !memchr(nf, ':', nn) &&
			 !isdigit((unsigned char)nf[0]);
		for (size_t i = 0; ok && i < nn; i++)
			if (!is_wordc((unsigned char)nf[i]) && nf[i] != ' ')
				ok = 0;
		if (ok)
			fb = d->le[n];
	}
	if (fb != end) {
		char *p1 = orig_range(d, a, end, NULL);
		char *p2 = orig_range(d, d->ls[l + 1], fb, NULL);
		if (p1 && p2)
			so->s = sh_asprintf("%s %s", p1, p2);
		if (!so->s)
			d->oom = 1;
		sh_free(p1);
		sh_free(p2);
	} else {
		so->s = orig_range(d, a, end, NULL);
	}
	return so->s != NULL;
}

typedef struct date_out {
	char date[11];
	int never;
	int allow_never;
} date_out;

static int date_value(doc *d, size_t a, size_t e, void *out)
{
	date_out *dout = out;
	if (dout->allow_never && (word_at(d->f, e, a, "khong thoi han") ||
				  word_at(d->f, e, a, "khong xac dinh thoi han"))) {
		dout->never = 1;
		return 1;
	}
	size_t win = e - a < 48 ? e - a : 48;
	/* the date may continue on the next line ("năm\n2010") */
	size_t lim = a + win;
	if (lim == e && e < d->flen)
		lim = e + 1 + (d->flen - e - 1 < 8 ? d->flen - e - 1 : 8);
	return date_near(d->f, lim, a, lim - a, dout->date);
}

static int sex_value(doc *d, size_t a, size_t e, void *out)
{
	const char **s = out;
	if (word_at(d->f, e, a, "nam"))
		*s = "Nam";
	else if (word_at(d->f, e, a, "nu"))
		*s = "Nữ";
	else
		return 0;
	return 1;
}

/* ---- the whole ---------------------------------------------------------- */

void sh_paper_facts_free(sh_paper_facts **facts)
{
	if (!facts || !*facts)
		return;
	sh_paper_facts *f = *facts;
	sh_free(f->slug);
	sh_free(f->code);
	for (int i = 0; i < SH_FACT_COUNT; i++)
		sh_free(f->v[i]);
	sh_free(f);
	*facts = NULL;
}

static void set_fact(doc *d, sh_paper_facts *pf, int fact, const char *s)
{
	if (!s || pf->v[fact])
		return;
	if (!(pf->v[fact] = sh_strdup(s)))
		d->oom = 1;
}

static int birth_matches_id(const char *id, const char *birth, const char *sex)
{
	int cs = id[3] - '0';
	if (birth) {
		int year = atoi(birth);
		int century = 20 + cs / 2; /* 0/1: 1900s, 2/3: 2000s, ... */
		if ((year / 100) + 1 != century || year % 100 != (id[4] - '0') * 10 + (id[5] - '0'))
			return 0;
	}
	if (sex && ((cs % 2 == 0) != !strcmp(sex, "Nam")))
		return 0;
	return 1;
}

static void extract_facts(doc *d, const paper_kind *pk, const number_info *ni, sh_paper_facts *pf)
{
	unsigned want = pk->facts;
	if (want & (1u << SH_FACT_NUMBER) && ni->found) {
		char *v = number_value(d, ni, pk);
		set_fact(d, pf, SH_FACT_NUMBER, v);
		sh_free(v);
	}
	if (want & (1u << SH_FACT_DOC_TYPE)) {
		if (pk->doc_type) {
			set_fact(d, pf, SH_FACT_DOC_TYPE, pk->doc_type);
		} else if (ni->found) {
			const char *canon = known_symbol(d->k, ni->sym, strlen(ni->sym));
			if (canon && strlen(ni->sym) <= 8)
				set_fact(d, pf, SH_FACT_DOC_TYPE, canon);
		}
	}
	if (want & (1u << SH_FACT_DATE)) {
		date_out dt = {"", 0, 0};
		if (pk->labels[SH_FACT_DATE].n) {
			if (by_label(d, &pk->labels[SH_FACT_DATE], date_value, &dt))
				set_fact(d, pf, SH_FACT_DATE, dt.date);
		} else {
			char *v = find_place_date(d);
			set_fact(d, pf, SH_FACT_DATE, v);
			sh_free(v);
		}
	}
	if (want & (1u << SH_FACT_ISSUER)) {
		char *v = find_issuer(d, ni->found ? line_of(d, ni->a) : d->nl);
		set_fact(d, pf, SH_FACT_ISSUER, v);
		sh_free(v);
	}
	if (want & (1u << SH_FACT_TITLE)) {
		char *v = find_title(d, pk);
		set_fact(d, pf, SH_FACT_TITLE, v);
		sh_free(v);
	}
	if (want & ((1u << SH_FACT_SIGNER) | (1u << SH_FACT_SIGNER_TITLE))) {
		char *s = NULL, *t = NULL;
		find_signer(d, &s, &t);
		s = lex_restore(d, s, 1);
		if (s && t) {
			if (want & (1u << SH_FACT_SIGNER))
				set_fact(d, pf, SH_FACT_SIGNER, s);
			if (want & (1u << SH_FACT_SIGNER_TITLE))
				set_fact(d, pf, SH_FACT_SIGNER_TITLE, t);
		}
		sh_free(s);
		sh_free(t);
	}
	if (want & (1u << SH_FACT_OWNER_NAME)) {
		str_out so = {NULL, pk->family == PAPER_COMPANY};
		if (by_label(d, &pk->labels[SH_FACT_OWNER_NAME], name_value, &so)) {
			/* a person's name from the lexicon; a company's fixed
			 * phrases from the corrections */
			if (pk->family == PAPER_COMPANY)
				so.s = apply_corrections(d, so.s);
			else
				so.s = lex_restore(d, so.s, 1);
			set_fact(d, pf, SH_FACT_OWNER_NAME, so.s);
		}
		sh_free(so.s);
	}
	if (want & (1u << SH_FACT_BIRTH_DATE)) {
		date_out dt = {"", 0, 0};
		if (by_label(d, &pk->labels[SH_FACT_BIRTH_DATE], date_value, &dt))
			set_fact(d, pf, SH_FACT_BIRTH_DATE, dt.date);
	}
	if (want & (1u << SH_FACT_SEX)) {
		const char *s = NULL;
		if (by_label(d, &pk->labels[SH_FACT_SEX], sex_value, &s))
			set_fact(d, pf, SH_FACT_SEX, s);
	}
	if (want & (1u << SH_FACT_VALID_UNTIL)) {
		date_out dt = {"", 0, 1};
		if (by_label(d, &pk->labels[SH_FACT_VALID_UNTIL], date_value, &dt)) {
			if (dt.never)
				pf->never_expires = 1;
			else
				set_fact(d, pf, SH_FACT_VALID_UNTIL, dt.date);
		}
	}
	if (want & (1u << SH_FACT_OWNER_ID)) {
		id_out io = {pk->family, ""};
		/* an unlabelled personal id is taken only when a birth date can
		 * vouch for it (a parent's id may be the one that was read) */
		int anywhere = pk->family == PAPER_COMPANY || pf->v[SH_FACT_BIRTH_DATE];
		if (by_label(d, &pk->labels[SH_FACT_OWNER_ID], id_value, &io) ||
		    (anywhere && id_anywhere(d, &io))) {
			/* a personal id states the birth century, sex and year:
			 * when they disagree with the paper, one was misread */
			if (strlen(io.id) != 12 ||
			    birth_matches_id(io.id, pf->v[SH_FACT_BIRTH_DATE], pf->v[SH_FACT_SEX]))
				set_fact(d, pf, SH_FACT_OWNER_ID, io.id);
		}
	}
}

int sh_paper_extract(sh_paper_facts **out, const sh_kinds *kinds, const char *text)
{
	*out = NULL;
	if (!kinds || !text)
		return sh_error_set(SH_EINVAL, "paper extraction needs a kind catalogue and a text");
	size_t len = strlen(text);
	if (len > SH_PAPER_TEXT_MAX)
		return sh_error_set(SH_ELIMIT, "OCR text of %zu bytes is over the limit of %zu bytes",
				    len, SH_PAPER_TEXT_MAX);
	doc d = {0};
	d.k = kinds;
	sh_paper_facts *pf = NULL;
	int rc = sh_text_nfc(&d.text, text, len);
	if (rc)
		goto out;
	d.tlen = strlen(d.text);
	if ((rc = paper_fold(&d.f, &d.map, &d.flen, d.text, d.tlen)))
		goto out;
	if ((rc = split_lines(&d)))
		goto out;
	number_info ni;
	find_number(&d, &ni);
	kind_pick kp;
	pick_kind(&d, &ni, &kp);
	d.heading = kp.heading;
	const paper_kind *pk = &kinds->v[kp.kind];
	if (!(pf = sh_calloc(1, sizeof *pf))) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (!(pf->slug = sh_strdup(pk->slug)) || !(pf->code = sh_strdup(pk->code))) {
		rc = SH_ENOMEM;
		goto out;
	}
	extract_facts(&d, pk, &ni, pf);
	if (d.oom) {
		rc = sh_error_set(SH_ENOMEM, "out of memory while extracting facts");
		goto out;
	}
	int want = 0, got = 0;
	for (int f = 0; f < SH_FACT_COUNT; f++) {
		if (f == SH_FACT_DOC_TYPE || !(pk->facts & (1u << f)))
			continue;
		want++;
		got += pf->v[f] != NULL || (f == SH_FACT_VALID_UNTIL && pf->never_expires);
	}
	double share = want ? (double)got / want : 1.0;
	pf->confidence = floor(kp.evidence * (0.5 + 0.5 * share) * 100 + 0.5) / 100;
	*out = pf;
	pf = NULL;
out:
	if (rc == SH_ENOMEM && sh_error_last() != SH_ENOMEM)
		sh_error_set(SH_ENOMEM, "out of memory while extracting facts");
	sh_paper_facts_free(&pf);
	sh_free(d.text);
	sh_free(d.f);
	sh_free(d.map);
	sh_free(d.ls);
	sh_free(d.le);
	return rc;
}

/* ---- accessors and JSON ------------------------------------------------- */

const char *sh_paper_kind(const sh_paper_facts *f)
{
	return f->slug;
}

const char *sh_paper_kind_code(const sh_paper_facts *f)
{
	return f->code;
}

const char *sh_paper_doc_type(const sh_paper_facts *f)
{
	return f->v[SH_FACT_DOC_TYPE];
}

const char *sh_paper_owner_id(const sh_paper_facts *f)
{
	return f->v[SH_FACT_OWNER_ID];
}

const char *sh_paper_fact(const sh_paper_facts *f, enum sh_paper_fact fact)
{
	if ((int)fact < 0 || fact >= SH_FACT_COUNT)
		return NULL;
	return f->v[fact];
}

int sh_paper_never_expires(const sh_paper_facts *f)
{
	return f->never_expires;
}

double sh_paper_confidence(const sh_paper_facts *f)
{
	return f->confidence;
}

static int put_json_string(sh_buf *b, const char *s)
{
	int rc = sh_buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		if (*p == '"' || *p == '\\')
			rc = sh_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			rc = sh_buf_printf(b, "\\u%04x", *p);
		else
			rc = sh_buf_put(b, p, 1);
	}
	return rc ? rc : sh_buf_puts(b, "\"");
}

static int put_fields(sh_buf *b, const sh_paper_facts *f)
{
	int rc = sh_buf_puts(b, "{");
	int first = 1;
	for (int i = 0; i < SH_FACT_COUNT && !rc; i++) {
		int never = i == SH_FACT_VALID_UNTIL && f->never_expires && !f->v[i];
		if (!f->v[i] && !never)
			continue;
		rc = sh_buf_printf(b, "%s\"%s\":", first ? "" : ",", sh_paper_fact_name(i));
		if (!rc)
			rc = never ? sh_buf_puts(b, "null") : put_json_string(b, f->v[i]);
		first = 0;
	}
	return rc ? rc : sh_buf_puts(b, "}");
}

char *sh_paper_facts_json(const sh_paper_facts *f)
{
	sh_buf b = SH_BUF_INIT;
	if (put_fields(&b, f)) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_detach(&b);
}

char *sh_paper_result_json(const sh_paper_facts *f, const char *file)
{
	sh_buf b = SH_BUF_INIT;
	int rc = sh_buf_puts(&b, "{");
	if (!rc && file) {
		rc = sh_buf_puts(&b, "\"file\":");
		if (!rc)
			rc = put_json_string(&b, file);
		if (!rc)
			rc = sh_buf_puts(&b, ",");
	}
	if (!rc)
		rc = sh_buf_puts(&b, "\"kind\":");
	if (!rc)
		rc = put_json_string(&b, f->slug);
	if (!rc)
		rc = sh_buf_puts(&b, ",\"fields\":");
	if (!rc)
		rc = put_fields(&b, f);
	if (!rc)
		rc = sh_buf_printf(&b, ",\"confidence\":%.2f}", f->confidence);
	if (rc) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_detach(&b);
}
