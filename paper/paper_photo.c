/* After OCR of a phone photo (issue 23): a kind told by its form's labels
 * when its heading was lost, stray glyphs (the desk's edge, a seal's
 * lettering, specks) kept out of facts, label positions that tolerate
 * them. Geometry is ocr/'s; this is the guard after it. */
#include "paper_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- glyph tokens ------------------------------------------------------- */

/* Letters a vertical edge, a fold or a speck is read as: a stroke with or
 * without a mark. None is a Vietnamese word on its own. */
static int stroke_letter(utf8proc_int32_t c)
{
	static const utf8proc_int32_t v[] = {'l', 'I', 'i', 'j', 'J', 0x1EC9, 0x1EC8, 0x1ECB, 0x1ECA,
					     0xEC, 0xCC, 0xED, 0xCD, 0x129, 0x128, 0x131};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		if (c == v[i])
			return 1;
	return 0;
}

/* Punctuation a real fact may hold as a token of its own. */
static int fact_punct(utf8proc_int32_t c)
{
	return c == '-' || c == '&' || c == '/' || c == '+' || c == 0x2013 || c == 0x2014 || c == '(' ||
	       c == ')' || c == ',' || c == '.';
}

/* Kind of the token s[0..n) (UTF-8, no spaces): 2 a glyph, no letter or
 * digit at all ("|", "]", ":", "ˆ"); 1 a lone stroke letter ("l", "Ỉ",
 * "ị"); 0 anything else. Fact punctuation alone ("-", "&") is 0. */
static int glyph_kind(const char *s, size_t n)
{
	size_t chars = 0;
	int alnum = 0, stroke = 0, punct = 1;
	for (size_t o = 0; o < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + o, (utf8proc_ssize_t)(n - o), &c);
		if (k <= 0)
			return 0;
		o += (size_t)k;
		chars++;
		utf8proc_category_t cat = utf8proc_category(c);
		/* a modifier letter ("ˆ") is no letter of a word */
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO && cat != UTF8PROC_CATEGORY_LM &&
		    cat != UTF8PROC_CATEGORY_MN && cat != UTF8PROC_CATEGORY_MC && cat != UTF8PROC_CATEGORY_ME)
			alnum = 1;
		stroke = stroke_letter(c);
		punct &= fact_punct(c);
	}
	if (!alnum)
		return punct ? 0 : (chars <= 3 ? 2 : 0);
	return chars == 1 && stroke;
}

/* One letter that is a given name of the lexicon ("Ý", "Y"). Without a
 * lexicon no lone letter is taken out (the caller checks). */
static int lone_given_name(const sh_kinds *k, const char *s, size_t n)
{
	const paper_lextab *t = &k->lex[LEX_GIVEN];
	char *lw = NULL;
	if (sh_text_lower(&lw, s, n))
		return 1; /* out of memory: keep the token */
	int hit = 0;
	for (size_t i = 0; i < t->n && !hit; i++) {
		char *x = NULL;
		if (sh_text_lower(&x, t->word[i], strlen(t->word[i]))) {
			hit = 1;
			break;
		}
		hit = !strcmp(x, lw);
		sh_free(x);
	}
	sh_free(lw);
	return hit;
}

/* A lone capital or marked vowel letter ("Ệ", "Á"): one character, a letter. */
static int lone_letter(const char *s, size_t n)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
	if (k <= 0 || (size_t)k != n)
		return 0;
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL;
}

enum { GUARD_NAME, GUARD_COMPANY, GUARD_TEXT };

static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* Every letter of s[0..n) a capital, and one at least. */
static int all_caps(const char *s, size_t n)
{
	int letters = 0;
	for (size_t o = 0; o < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + o, (utf8proc_ssize_t)(n - o), &c);
		if (k <= 0)
			return 0;
		o += (size_t)k;
		if (utf8proc_islower(c))
			return 0;
		letters += utf8proc_isupper(c);
	}
	return letters > 0;
}

/* Is the token s (n bytes, a space after it) a listed surname in title
 * case ("Vi", "Lê")? Then it is put in capitals, in place, when that keeps
 * its length; 1 when it is so (and now in capitals). */
static int caps_surname_first(const sh_kinds *k, char *s, size_t n)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k0 = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
	if (k0 <= 0 || !utf8proc_isupper(c) || (size_t)k0 >= n || !paper_surname_listed(k, s))
		return 0;
	char up[64];
	size_t un = 0;
	for (size_t o = 0; o < n;) {
		utf8proc_ssize_t kk = utf8proc_iterate((const utf8proc_uint8_t *)s + o, (utf8proc_ssize_t)(n - o), &c);
		if (kk <= 0 || (o && !utf8proc_islower(c)) || un + 4 > sizeof up)
			return 0;
		un += (size_t)utf8proc_encode_char(utf8proc_toupper(c), (utf8proc_uint8_t *)up + un);
		o += (size_t)kk;
	}
	if (un != n)
		return 0;
	memcpy(s, up, n);
	return 1;
}

/* Fact s without its stray glyph tokens: glyphs anywhere, and stroke
 * letters — for a person's name also a lone letter that is no given name
 * — at either end (a company name's lone "l"; a title keeps "I", "Quý I").
 * In place. */
static void guard_value(const sh_kinds *k, char *s, int mode)
{
	size_t n = strlen(s);
	/* token bounds */
	size_t ta[64], tb[64], nt = 0;
	for (size_t i = 0; i < n && nt < 64;) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		ta[nt] = i;
		tb[nt++] = j;
		i = j;
	}
	if (nt < 2 || nt == 64)
		return;
	unsigned char drop[64] = {0};
	size_t kept = nt;
	for (size_t t = 0; t < nt; t++)
		if (glyph_kind(s + ta[t], tb[t] - ta[t]) == 2 && kept > 1) {
			drop[t] = 1;
			kept--;
		}
	/* a name in capitals ("BÙI THỊ HÙNG"): a short token not in
	 * capitals at an end is noise ("ae BÙI THỊ HÙNG": a card's portrait) */
	int caps = 0;
	for (size_t t = 0; t < nt; t++)
		caps += !drop[t] && all_caps(s + ta[t], tb[t] - ta[t]);
	if (mode == GUARD_NAME && caps >= 2) {
		for (int side = 0; side < 2; side++) {
			size_t t = side ? nt - 1 : 0;
			while (drop[t] && (side ? t > 0 : t + 1 < nt))
				t += side ? (size_t)-1 : 1;
			/* but a listed surname first, in title case, before the
			 * capitals: the name's own word, its case misread ("Vĩ
			 * THỊ PÓ", the i's dot read as a tilde: session 19) */
			if (!side && !drop[t] && t + 1 < nt && caps_surname_first(k, s + ta[t], tb[t] - ta[t]))
				continue;
			if (!drop[t] && kept > 2 && !all_caps(s + ta[t], tb[t] - ta[t]) && utf8_chars(s + ta[t], tb[t] - ta[t]) <= 2) {
				drop[t] = 1;
				kept--;
			}
		}
	}
	/* the ends, inwards, while what is there is a stray letter */
	for (int side = 0; side < 2; side++) {
		for (size_t step = 0; step < nt && kept > 2; step++) {
			size_t t = side ? nt - 1 - step : step;
			if (drop[t])
				continue;
			const char *w = s + ta[t];
			size_t wn = tb[t] - ta[t];
			int stray = mode != GUARD_TEXT && glyph_kind(w, wn) == 1;
			if (mode == GUARD_TEXT && wn == 1 && *w == 'l')
				stray = 1;
			/* "Kiều Thị Dịu Ệ"; "Nguyễn Như Ý" stays */
			if (mode == GUARD_NAME && side && k->lex[LEX_GIVEN].n && lone_letter(w, wn) &&
			    !lone_given_name(k, w, wn))
				stray = 1;
			if (!stray)
				break;
			drop[t] = 1;
			kept--;
		}
	}
	if (kept == nt)
		return;
	size_t o = 0;
	for (size_t t = 0; t < nt; t++) {
		if (drop[t])
			continue;
		if (o)
			s[o++] = ' ';
		memmove(s + o, s + ta[t], tb[t] - ta[t]);
		o += tb[t] - ta[t];
	}
	s[o] = 0;
}

void paper_fact_guard(const sh_kinds *k, sh_paper_facts *pf, int company)
{
	static const struct {
		int fact, mode;
	} g[] = {{SH_FACT_SIGNER, GUARD_NAME},	   {SH_FACT_SIGNER_TITLE, GUARD_TEXT},
		 {SH_FACT_TITLE, GUARD_TEXT},	   {SH_FACT_ISSUER, GUARD_TEXT},
		 {SH_FACT_OWNER_NAME, GUARD_NAME}, {SH_FACT_ADDRESS, GUARD_TEXT}};
	for (size_t i = 0; i < sizeof g / sizeof *g; i++) {
		char *v = pf->v[g[i].fact];
		if (!v)
			continue;
		int mode = g[i].mode;
		if (g[i].fact == SH_FACT_OWNER_NAME && company)
			mode = GUARD_COMPANY;
		guard_value(k, v, mode);
	}
	/* holders: each name between "; " */
	char *h = pf->v[SH_FACT_HOLDERS];
	if (h) {
		char *out = h;
		for (char *p = h; *p;) {
			char *e = strstr(p, "; ");
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char one[512];
			if (n >= sizeof one) {
				memmove(out, p, n);
				out += n;
			} else {
				memcpy(one, p, n);
				one[n] = 0;
				guard_value(k, one, GUARD_NAME);
				size_t m = strlen(one);
				memmove(out, one, m);
				out += m;
			}
			p += n;
			if (e) {
				memmove(out, "; ", 2);
				out += 2;
				p += 2;
			}
		}
		*out = 0;
	}
}

/* ---- labels after stray glyphs ------------------------------------------ */

/* Folded offset on line l after the stray glyph tokens it starts with (at
 * most two: "| Họ và tên:", "ị Ngày sinh"); d->ls[l] when none. */
size_t paper_line_after_glyphs(const doc *d, size_t l)
{
	size_t a = d->ls[l], e = d->le[l];
	for (int t = 0; t < 2; t++) {
		size_t b = a;
		while (b < e && d->f[b] != ' ')
			b++;
		if (b >= e || b == a)
			break;
		size_t oa = d->map[a], ob = d->map[b];
		if (!glyph_kind(d->text + oa, ob - oa))
			break;
		a = b;
		while (a < e && d->f[a] == ' ')
			a++;
	}
	return a;
}

/* Folded range [*a, *e) without stray glyph tokens at its ends. */
void paper_trim_glyphs(const doc *d, size_t *a, size_t *e)
{
	for (int side = 0; side < 2; side++) {
		for (int guard = 0; guard < 3 && *a < *e; guard++) {
			size_t x, y;
			if (!side) {
				x = *a;
				y = x;
				while (y < *e && d->f[y] != ' ')
					y++;
			} else {
				y = *e;
				x = y;
				while (x > *a && d->f[x - 1] != ' ')
					x--;
			}
			if (x == *a && y == *e)
				return;
			if (glyph_kind(d->text + d->map[x], d->map[y] - d->map[x]) != 2)
				break;
			if (!side) {
				*a = y;
				while (*a < *e && d->f[*a] == ' ')
					(*a)++;
			} else {
				*e = x;
				while (*e > *a && d->f[*e - 1] == ' ')
					(*e)--;
			}
		}
	}
}

/* ---- kind from the form's labels ---------------------------------------- */

/* Does form label lab (folded) start at folded offset i of line l, as a
 * label: followed by no more word letters? */
static int form_label_at(const doc *d, size_t l, size_t i, const char *lab)
{
	size_t n = strlen(lab), e = d->le[l];
	if (e - i < n || memcmp(d->f + i, lab, n))
		return 0;
	return i + n == e || !paper_is_wordc((unsigned char)d->f[i + n]);
}

/* Is label lab printed as a label on the page: at a line's start (after
 * stray glyphs), after a '/' (a card's English label), or after ", " or
 * "; " (labels printed on one line)? */
static int form_label_found(const doc *d, const char *lab)
{
	/* a form's labels are on its first lines; looking further costs
	 * time on hostile text */
	for (size_t l = 0; l < d->nl && l < 400; l++) {
		if (form_label_at(d, l, paper_line_after_glyphs(d, l), lab))
			return 1;
		for (size_t i = d->ls[l]; i < d->le[l] && i < d->ls[l] + 400; i++) {
			/* "Thửa đất số: 449, tờ bản đồ số: 46" */
			if (d->f[i] != '/' && d->f[i] != '|' && d->f[i] != ',' && d->f[i] != ';')
				continue;
			size_t j = i + 1;
			while (j < d->le[l] && d->f[j] == ' ')
				j++;
			if (form_label_at(d, l, j, lab))
				return 1;
		}
	}
	return 0;
}

/* Is long label lab (16 folded bytes or more) read with a few letters off
 * at a line's start (after stray glyphs): a stretch of the line ending
 * where a word ends, at most a sixth of the label's bytes from it
 * ("lo, chu dem, ten p#uoi me" for "ho, chu dem, ten nguoi me")? Short
 * labels are too near other words to be read so. */
static int form_label_near(const doc *d, const char *lab)
{
	size_t n = strlen(lab);
	if (n < 16 || n > 100)
		return 0;
	size_t k = n / 6;
	for (size_t l = 0; l < d->nl && l < 400; l++) {
		size_t i = paper_line_after_glyphs(d, l), e = d->le[l];
		for (size_t m = n - k; m <= n + k && i + m <= e; m++) {
			if (i + m < e && paper_is_wordc((unsigned char)d->f[i + m]))
				continue;
			char seg[128];
			memcpy(seg, d->f + i, m);
			seg[m] = 0;
			if (paper_edit_distance(seg, lab) <= k)
				return 1;
		}
	}
	return 0;
}

/* How many kinds list a label folding to lab. */
static size_t label_kinds(const sh_kinds *k, const char *lab)
{
	size_t n = 0;
	for (size_t ki = 0; ki < k->n; ki++) {
		const paper_strs *fl = &k->v[ki].form_labels;
		for (size_t t = 0; t < fl->n; t++)
			if (!strcmp(fl->fold[t], lab)) {
				n++;
				break;
			}
	}
	return n;
}

/* Signs of an agency's paper: "Kính gửi", "Nơi nhận", "Căn cứ" at a line's
 * start, or a number with a type symbol. */
static int agency_signs(const doc *d, int number_symbol)
{
	if (number_symbol)
		return 1;
	static const char *const w[] = {"kinh gui", "noi nhan", "can cu "};
	for (size_t l = 0; l < d->nl; l++)
		for (size_t i = 0; i < sizeof w / sizeof *w; i++)
			if (d->le[l] - d->ls[l] >= strlen(w[i]) && !memcmp(d->f + d->ls[l], w[i], strlen(w[i])))
				return 1;
	return 0;
}

int paper_kind_by_labels(const doc *d, int number_symbol, size_t *kind)
{
	const sh_kinds *k = d->k;
	double best = 0, second = 0;
	size_t best_n = 0, best_k = k->n;
	for (size_t ki = 0; ki < k->n; ki++) {
		const paper_kind *pk = &k->v[ki];
		if (pk->family == PAPER_OTHER || !pk->form_labels.n)
			continue;
		double score = 0, score_exact = 0;
		size_t found = 0, exact = 0;
		for (size_t t = 0; t < pk->form_labels.n; t++) {
			const char *lab = pk->form_labels.fold[t];
			int dup = 0;
			for (size_t u = 0; u < t; u++)
				dup |= !strcmp(pk->form_labels.fold[u], lab);
			if (dup)
				continue;
			int as_printed = form_label_found(d, lab);
			if (!as_printed && !form_label_near(d, lab))
				continue;
			found++;
			/* a label many kinds print says little */
			score += 1.0 / (double)label_kinds(k, lab);
			if (as_printed) {
				exact++;
				score_exact += 1.0 / (double)label_kinds(k, lab);
			}
		}
		/* labels read with letters off count beside two read as printed */
		if (exact < 2) {
			score = score_exact;
			found = exact;
		}
		if (score > best) {
			second = best;
			best = score;
			best_n = found;
			best_k = ki;
		} else if (score > second) {
			second = score;
		}
	}
	/* an agency's letter may quote a label or two of a citizen's paper */
	double need = agency_signs(d, number_symbol) ? 4.0 : 2.0;
	size_t need_n = agency_signs(d, number_symbol) ? 5 : 3;
	if (best_k == k->n || best < need || best_n < need_n || best - second < 1.0)
		return 0;
	*kind = best_k;
	return 1;
}

int paper_agency_signs(const doc *d, int number_symbol)
{
	return agency_signs(d, number_symbol);
}

/* Folded offset of an id's digits at [a, e): after glyph tokens and a
 * lone stroke letter ("ị 037084345678": the desk's edge, not a 1) that
 * stands apart before a run of nine digits or more. */
size_t paper_skip_glyphs_before_digits(const doc *d, size_t a, size_t e)
{
	size_t x = a;
	paper_trim_glyphs(d, &x, &e);
	/* "Số định danh cá nhân ? 0333…": a label read badly, not an edge */
	if (memchr(d->f + a, '?', x - a))
		x = a;
	size_t b = x;
	while (b < e && d->f[b] != ' ')
		b++;
	if (b < e && glyph_kind(d->text + d->map[x], d->map[b] - d->map[x]) == 1) {
		size_t c = b + 1, n = 0;
		while (c < e && d->f[c] >= '0' && d->f[c] <= '9')
			c++, n++;
		if (n >= 9)
			return b + 1;
	}
	return x;
}

/* The next non-empty line after l, or d->nl. */
static size_t next_line(const doc *d, size_t l)
{
	size_t n = l + 1;
	while (n < d->nl && paper_line_empty(d, n))
		n++;
	return n;
}

int paper_english_label_tail(const doc *d, size_t l, size_t a, size_t *va, size_t *ve)
{
	size_t e = d->le[l];
	/* right after the label, no colon between: "Họ và tên / Full" */
	if (a >= e || !(d->f[a] == '/' || (strchr("7|l1", d->f[a]) && a + 1 < e && d->f[a + 1] == ' ')))
		return 0;
	for (size_t b = a; b > d->ls[l] && (d->f[b - 1] == ' ' || d->f[b - 1] == ':'); b--)
		if (d->f[b - 1] == ':')
			return 0;
	size_t letters = 0;
	for (size_t i = a + 1; i < e; i++) {
		char c = d->f[i];
		if (c >= 'a' && c <= 'z')
			letters++;
		else if (c != ' ' && c != '.')
			return 0;
	}
	if (!letters || letters > 30)
		return 0;
	size_t n = next_line(d, l);
	if (n >= d->nl)
		return 0;
	size_t i = d->ls[n], c = i;
	while (c < d->le[n] && c < i + 24 && ((d->f[c] >= 'a' && d->f[c] <= 'z') || d->f[c] == ' '))
		c++;
	if (c == i || c >= d->le[n] || d->f[c] != ':')
		return 0;
	c++;
	while (c < d->le[n] && d->f[c] == ' ')
		c++;
	if (c < d->le[n]) {
		*va = c;
		*ve = d->le[n];
		return 1;
	}
	size_t v = next_line(d, n);
	if (v >= d->nl)
		return 0;
	*va = d->ls[v];
	*ve = d->le[v];
	return 1;
}

void paper_trim_strays(const doc *d, size_t *a, size_t *e)
{
	for (int guard = 0; guard < 4 && *a < *e; guard++) {
		size_t a0 = *a, e0 = *e;
		paper_trim_glyphs(d, a, e);
		/* a lone stroke letter at either end, apart from the rest */
		size_t y = *a;
		while (y < *e && d->f[y] != ' ')
			y++;
		if (y < *e && glyph_kind(d->text + d->map[*a], d->map[y] - d->map[*a]) == 1) {
			*a = y;
			while (*a < *e && d->f[*a] == ' ')
				(*a)++;
		}
		size_t x = *e;
		while (x > *a && d->f[x - 1] != ' ')
			x--;
		if (x > *a && glyph_kind(d->text + d->map[x], d->map[*e] - d->map[x]) == 1) {
			*e = x;
			while (*e > *a && d->f[*e - 1] == ' ')
				(*e)--;
		}
		if (*a == a0 && *e == e0)
			break;
	}
}

/* The catalogue position whose folded form is exactly s, or -1. */
static long position_of(const doc *d, const char *s)
{
	const paper_strs *ps = &d->k->positions;
	for (size_t p = 0; p < ps->n; p++)
		if (!strcmp(ps->fold[p], s))
			return (long)p;
	return -1;
}

/* The last code point of s[0..n), lower case; 0 when none. */
static utf8proc_int32_t last_lower(const char *s, size_t n)
{
	utf8proc_int32_t c = 0, last = 0;
	for (size_t o = 0; o < n;) {
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + o, (utf8proc_ssize_t)(n - o), &c);
		if (k <= 0)
			return 0;
		o += (size_t)k;
		last = c;
	}
	return utf8proc_tolower(last);
}

/* A position whose first word is read with its first letters garbled
 * ("ttủ TỊCH", "*tỦ TỊCH": a small photo's seal or signature over CHỦ):
 * the words after the first read exactly (capitals) as the catalogue's,
 * the first no syllable, of the catalogue word's length give or take one
 * letter, ending in its very letter and mark (ủ for CHỦ). Taken only when
 * one position reads so; else -1. */
static long position_first_word_slip(const doc *d, size_t a, size_t e)
{
	size_t w = a;
	while (w < e && d->f[w] != ' ')
		w++;
	if (w >= e || w == a || paper_upper_share_range(d, w + 1, e) != 100)
		return -1;
	const char *wt = d->text + d->map[a];
	size_t wn = d->map[w] - d->map[a], wc = utf8_chars(wt, wn);
	if (paper_syllable_ok(wt, wn))
		return -1;
	const paper_strs *ps = &d->k->positions;
	long hit = -1;
	for (size_t p = 0; p < ps->n; p++) {
		const char *pf = ps->fold[p], *sp = strchr(pf, ' ');
		if (!sp || strlen(sp + 1) != e - w - 1 || memcmp(sp + 1, d->f + w + 1, e - w - 1))
			continue;
		const char *po = ps->orig[p], *os = strchr(po, ' ');
		size_t fc = os ? utf8_chars(po, (size_t)(os - po)) : 0;
		if (!os || wc + 1 < fc || wc > fc + 1 || last_lower(wt, wn) != last_lower(po, (size_t)(os - po)))
			continue;
		if (hit >= 0)
			return -1; /* two positions read so: none */
		hit = (long)p;
	}
	return hit;
}

/* Position of one block line's tail [a, e): "Q. " noted in *q; brackets
 * and bars between its words are read through. */
static long line_position(const doc *d, size_t a, size_t e, int *q)
{
	paper_trim_strays(d, &a, &e);
	*q = 0;
	if (e > a && paper_upper_share_range(d, a, e) != 100)
		return position_first_word_slip(d, a, e);
	if (e <= a)
		return -1;
	if (e - a > 3 && !memcmp(d->f + a, "q.", 2)) {
		a += 2;
		while (a < e && d->f[a] == ' ')
			a++;
		*q = 1;
	}
	long p = paper_position_at(d, a, e);
	if (p >= 0 || e - a >= 128)
		return p;
	/* a bracket, bar or quote read between its words ("PHO (CHỦ TỊCH",
	 * "PHÓ CHU 'TỊCH", small photos): the position without them */
	char s[128];
	size_t n = 0;
	for (size_t i = a; i < e; i++) {
		if (strchr("()[]{}|'`\"", d->f[i]))
			continue;
		/* ‘ ’ “ ” */
		if (i + 2 < e && (unsigned char)d->f[i] == 0xe2 && (unsigned char)d->f[i + 1] == 0x80 &&
		    strchr("\x98\x99\x9c\x9d", d->f[i + 2])) {
			i += 2;
			continue;
		}
		if (d->f[i] == ' ' && (!n || s[n - 1] == ' '))
			continue;
		s[n++] = d->f[i];
	}
	while (n && s[n - 1] == ' ')
		n--;
	s[n] = 0;
	long p2 = n < e - a ? position_of(d, s) : -1;
	if (p2 < 0)
		p2 = paper_position_letter_off(d, s); /* "CHỦ 'TLCH" */
	return p2 >= 0 ? p2 : position_first_word_slip(d, a, e);
}

char *paper_block_position(doc *d, const size_t *line, const size_t *tail, size_t n)
{
	/* a "KT." line (paper_deputy.c): the position it names is the
	 * principal's, never the signer's; the line right under it may be
	 * the deputy's read with letters off */
	size_t kt = n;
	long principal = -1;
	for (size_t i = 0; i < n && kt == n; i++)
		if ((principal = paper_kt_principal(d, line[i])) >= 0)
			kt = i;
	for (size_t i = 0; i < n && i < kt; i++) {
		int q = 0;
		long p = line_position(d, tail[i], d->le[line[i]], &q);
		if (p < 0 && kt < n && i + 1 == kt)
			p = paper_deputy_slip(d, line[i], principal);
		if (p < 0 && tail[i] > d->ls[line[i]] + 1) {
			/* the upper tail stopped at a garbled first word
			 * ("*tỦ TỊCH": the tail is "TỊCH") */
			size_t w = tail[i] - 1, e = d->le[line[i]], a = d->ls[line[i]], e2 = e;
			while (w > d->ls[line[i]] && d->f[w - 1] != ' ')
				w--;
			paper_trim_strays(d, &w, &e);
			paper_trim_strays(d, &a, &e2);
			/* the first word of the line: "PHÓ ttủ TỊCH" is no CHỦ TỊCH */
			if (w == a && w < tail[i] && e > tail[i])
				p = position_first_word_slip(d, w, e);
		}
		if (p < 0 && i + 1 < n) {
			/* the title over two lines: upper line i+1, then line i */
			size_t a1 = tail[i + 1], e1 = d->le[line[i + 1]], a0 = tail[i], e0 = d->le[line[i]];
			paper_trim_strays(d, &a1, &e1);
			paper_trim_strays(d, &a0, &e0);
			char j[256];
			if (e1 > a1 && e0 > a0 && (e1 - a1) + (e0 - a0) + 2 < sizeof j &&
			    paper_upper_share_range(d, a1, e1) == 100 && paper_upper_share_range(d, a0, e0) == 100) {
				snprintf(j, sizeof j, "%.*s %.*s", (int)(e1 - a1), d->f + a1, (int)(e0 - a0), d->f + a0);
				p = position_of(d, j);
			}
		}
		if (p < 0)
			continue;
		char *r = q ? sh_asprintf("Q. %s", d->k->positions.orig[p]) : sh_strdup(d->k->positions.orig[p]);
		if (!r)
			d->oom = 1;
		return r;
	}
	return NULL;
}

/* A body segment (folded, n bytes; not the type slot) one letter off the
 * short name of the body the header names (issuer, "UBND tỉnh ..."): that
 * short name ("URND" under "ỦY BAN NHÂN DÂN" is UBND); else NULL. Only
 * names of four letters or more, only the page's own body. */
/* Is seg (n bytes, folded) all letters a to z and bf with one letter put in? */
static int letters_one_more(const char *seg, size_t n, const char *bf)
{
	for (size_t i = 0; i < n; i++)
		if (seg[i] < 'a' || seg[i] > 'z')
			return 0;
	size_t k = 0;
	while (k < n - 1 && seg[k] == bf[k])
		k++;
	return !memcmp(seg + k + 1, bf + k, n - 1 - k);
}

const char *paper_symbol_of_issuer(const doc *d, const char *seg, size_t n, const char *issuer)
{
	if (!issuer || n < 4)
		return NULL;
	size_t in = strcspn(issuer, " ");
	const sh_kinds *k = d->k;
	for (size_t b = 0; b < k->bodies.n; b++) {
		const char *bf = k->bodies.fold[b];
		if (strlen(k->body_short[b]) != in || memcmp(k->body_short[b], issuer, in))
			continue;
		/* or one letter read as two lookalike glyphs ("LIBND": U as
		 * "LI", small photos, issue 23 session 15) */
		if (strlen(bf) + 1 == n && paper_lookalike_cost(bf, strlen(bf), seg, n) == 1)
			return k->body_short[b];
		/* or one letter more ("LUBND": FreeSerif Italic 170 reads the
		 * dash's end or a stroke as a letter, issue 18 session 19), a
		 * name of four letters or more, the segment all letters */
		if (strlen(bf) >= 4 && strlen(bf) + 1 == n && letters_one_more(seg, n, bf))
			return k->body_short[b];
		if (strlen(bf) != n)
			continue;
		size_t diff = 0;
		for (size_t i = 0; i < n; i++)
			diff += bf[i] != seg[i] || seg[i] < 'a' || seg[i] > 'z';
		if (diff == 1)
			return k->body_short[b];
	}
	return NULL;
}

/* ---- a heading read with two slips (issue 23, session 15) ---------------- */

size_t paper_heading_near_number(const doc *d, const paper_kind *pk, size_t number_line)
{
	char nh[512], th[512];
	size_t seen = 0, hit = d->nl;
	for (size_t l = number_line + 1; l < d->nl && seen < 2; l++) {
		if (paper_line_empty(d, l))
			continue;
		seen++;
		paper_norm_heading(nh, sizeof nh, d->f + d->ls[l], d->le[l] - d->ls[l]);
		size_t hn = strlen(nh);
		if (paper_upper_share(d, l) < 50)
			continue;
		for (size_t t = 0; t < pk->titles.n; t++) {
			paper_norm_heading(th, sizeof th, pk->titles.fold[t], strlen(pk->titles.fold[t]));
			size_t tn = strlen(th);
			if (tn < 8 || hn + 2 < tn || hn > tn + 2 || paper_edit_distance(nh, th) > 2)
				continue;
			if (hit < d->nl && hit != l)
				return d->nl; /* two lines read so: neither */
			hit = l;
		}
	}
	return hit;
}

/* ---- edge glyphs by their place on the page (hOCR) ---------------------- */

typedef struct eword {
	int page;
	const char *line;
	int x0, y0, x1, y1, conf;
	int kind;  /* glyph_kind of its text */
	int chars; /* characters in its text */
	int lone;  /* one letter */
} eword;

/* Text of a word's span (after the tag and inner tags, up to '<'), the
 * five XML entities decoded, into t (cap bytes); its length or -1. */
static long eword_text(char *t, size_t cap, const char *c)
{
	while (*c == '<') {
		const char *e = strchr(c, '>');
		if (!e)
			return -1;
		c = e + 1;
	}
	size_t o = 0;
	while (*c && *c != '<') {
		const char *put = c;
		size_t adv = 1;
		static const char *const ent[] = {"&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", "\"",
						  "&#39;", "'", "&apos;", "'"};
		if (*c == '&')
			for (size_t i = 0; i < sizeof ent / sizeof *ent; i += 2)
				if (!strncmp(c, ent[i], strlen(ent[i]))) {
					put = ent[i + 1];
					adv = strlen(ent[i]);
					break;
				}
		if (o + 2 >= cap)
			return -1;
		t[o++] = *put;
		c += adv;
	}
	t[o] = 0;
	return (long)o;
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v); 0 when n is 0. */
static int median(int *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, int_cmp);
	return v[n / 2];
}

/* Is word w (first or last of its line, its gap to the line's text gap)
 * an edge glyph? A glyph or a stroke letter (or a lone letter read
 * unsurely) set apart from its line by a gap much wider than the line's
 * word gaps, or beyond the text block's margin. */
static int edge_word(const eword *w, int gap, int med_gap, int height, int beyond)
{
	int cand = w->kind == 2 || w->kind == 1 || (w->lone && w->conf < 60);
	if (!cand || w->chars > 2)
		return 0;
	int wide = gap > 3 * med_gap && gap > height;
	return wide || (beyond && gap > med_gap + med_gap / 2 && gap > height / 2);
}

/* Mark flags[i] for each ocrx_word i (in the order of the hOCR) that is an
 * edge glyph; lines are taken from the words' ocr_line and pages in turn. */
static void mark_edges(const eword *w, size_t n, unsigned char *flags)
{
	int *tmp = sh_calloc(n ? n : 1, sizeof *tmp);
	if (!tmp)
		return; /* out of memory: no word is dropped */
	for (size_t p0 = 0; p0 < n;) {
		/* one page: the text block's margins from lines' inner words */
		size_t p1 = p0;
		while (p1 < n && w[p1].page == w[p0].page)
			p1++;
		size_t nl = 0;
		int *lx = tmp;
		for (size_t i = p0; i < p1; i++)
			if ((i == p0 || w[i - 1].line != w[i].line) && w[i].chars > 2)
				lx[nl++] = w[i].x0;
		int left = nl >= 5 ? (qsort(lx, nl, sizeof *lx, int_cmp), lx[nl / 10]) : -1;
		nl = 0;
		for (size_t i = p0; i < p1; i++)
			if ((i + 1 == p1 || w[i + 1].line != w[i].line) && w[i].chars > 2)
				lx[nl++] = w[i].x1;
		int right = nl >= 5 ? (qsort(lx, nl, sizeof *lx, int_cmp), lx[nl - 1 - nl / 10]) : -1;
		for (size_t a = p0; a < p1;) {
			size_t b = a;
			while (b < p1 && w[b].line == w[a].line)
				b++;
			size_t m = b - a;
			int hs[64], gs[64];
			size_t nh = 0, ng = 0;
			for (size_t i = a; i < b && nh < 64; i++)
				hs[nh++] = w[i].y1 - w[i].y0;
			int height = median(hs, nh);
			if (m == 1) {
				flags[a] = w[a].kind == 2 || (w[a].kind == 1 && w[a].conf < 70);
			} else if (m >= 2) {
				for (size_t i = a + 1; i + 1 < b - 1 && ng < 64; i++)
					gs[ng++] = w[i + 1].x0 - w[i].x1;
				int med = ng ? median(gs, ng) : height / 3;
				if (med < 1)
					med = 1;
				int gl = w[a + 1].x0 - w[a].x1, gr = w[b - 1].x0 - w[b - 2].x1;
				if (m == 2) {
					/* two words: only a wide gap tells */
					flags[a] = edge_word(&w[a], gl, height, height * 5 / 2, 0);
					flags[b - 1] = !flags[a] && edge_word(&w[b - 1], gr, height, height * 5 / 2, 0);
				} else {
					flags[a] = edge_word(&w[a], gl, med, height, left >= 0 && w[a].x1 < left);
					flags[b - 1] = edge_word(&w[b - 1], gr, med, height, right >= 0 && w[b - 1].x0 > right);
				}
			}
			a = b;
		}
		p0 = p1;
	}
	sh_free(tmp);
}

/* First needle in [p, end), or NULL: bounded, so that finding the
 * markers between words stays linear in the hOCR. */
static const char *find_before(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	while (p < end && (p = memchr(p, needle[0], (size_t)(end - p)))) {
		if ((size_t)(end - p) >= n && !memcmp(p, needle, n))
			return p;
		p++;
	}
	return NULL;
}

int paper_hocr_edges(unsigned char **out, size_t *n, const char *hocr)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0, nw = 0;
	eword *v = NULL;
	const char *line = NULL, *last = hocr;
	int page = -1;
	for (const char *p = hocr; (p = strstr(p, "ocrx_word"));) {
		const char *wd = p;
		p += 9;
		if (nw == cap) {
			size_t nc = cap ? 2 * cap : 256;
			eword *g = sh_realloc(v, nc * sizeof *g);
			if (!g) {
				sh_free(v);
				return SH_ENOMEM;
			}
			v = g;
			cap = nc;
		}
		eword *w = &v[nw++];
		memset(w, 0, sizeof *w);
		w->kind = -1; /* unreadable: never an edge */
		/* pages and lines opened since the last word */
		for (const char *q = last; (q = find_before(q, wd, "class='ocr_page'")); q += 16)
			page++;
		for (const char *q = last; (q = find_before(q, wd, "id='line_")); q += 9)
			line = q;
		last = wd;
		w->page = page;
		w->line = line;
		const char *tag_end = strchr(wd, '>');
		if (!tag_end)
			break;
		const char *bb = strstr(wd, "bbox ");
		const char *wc = strstr(wd, "x_wconf ");
		char t[256];
		if (!bb || bb > tag_end || sscanf(bb + 5, "%d %d %d %d", &w->x0, &w->y0, &w->x1, &w->y1) != 4 ||
		    !wc || wc > tag_end || eword_text(t, sizeof t, tag_end + 1) <= 0)
			continue;
		w->conf = atoi(wc + 8);
		size_t tl = strlen(t), chars = 0;
		for (size_t i = 0; i < tl; i++)
			chars += ((unsigned char)t[i] & 0xC0) != 0x80;
		w->chars = (int)chars;
		w->kind = glyph_kind(t, tl);
		w->lone = lone_letter(t, tl);
	}
	unsigned char *flags = sh_calloc(nw ? nw : 1, 1);
	if (!flags) {
		sh_free(v);
		return SH_ENOMEM;
	}
	mark_edges(v, nw, flags);
	for (size_t i = 0; i < nw; i++)
		if (v[i].kind < 0)
			flags[i] = 0;
	sh_free(v);
	*out = flags;
	*n = nw;
	return SH_OK;
}

/* ---- a vowel read twice ------------------------------------------------- */

/* The base letter of precomposed c (NFD's first code point), or c. */
static utf8proc_int32_t base_of(utf8proc_int32_t c)
{
	utf8proc_int32_t dec[4];
	int opt = UTF8PROC_DECOMPOSE;
	utf8proc_ssize_t n = utf8proc_decompose_char(c, dec, 4, (utf8proc_option_t)opt, NULL);
	return n >= 1 ? dec[0] : c;
}

void paper_undouble_vowels(char *t)
{
	char *w = t;
	for (char *r = t; *r;) {
		/* a, e, i, u, y never stand twice in a Vietnamese syllable: the
		 * bare one before its marked twin is the photo's echo ("PHAẠM") */
		if (strchr("aeiuyAEIUY", *r) && (unsigned char)r[1] >= 0x80) {
			utf8proc_int32_t c;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)r + 1, -1, &c);
			if (k > 0 && c != *r && base_of(c) == *r) {
				r++;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = 0;
}

/* Lines of glyphs only ("|", "] :"; the desk's edge or a fold read on a
 * line of its own) are emptied: a value "on the next line" is the next
 * line with text. In place; NFC text. */
void paper_blank_glyph_lines(char *t)
{
	char *w = t;
	for (char *r = t; *r;) {
		char *e = strchr(r, '\n');
		size_t n = e ? (size_t)(e - r) : strlen(r);
		int glyphs = 0, other = 0;
		for (size_t i = 0; i < n && !other;) {
			while (i < n && (r[i] == ' ' || r[i] == '\t' || r[i] == '\f' || r[i] == '\r'))
				i++;
			size_t j = i;
			while (j < n && r[j] != ' ' && r[j] != '\t' && r[j] != '\f' && r[j] != '\r')
				j++;
			if (j > i) {
				if (glyph_kind(r + i, j - i) == 2)
					glyphs++;
				else
					other = 1;
			}
			i = j;
		}
		if (glyphs && !other) {
			/* keep page breaks */
			for (size_t i = 0; i < n; i++)
				if (r[i] == '\f')
					*w++ = '\f';
		} else {
			memmove(w, r, n);
			w += n;
		}
		r += n;
		if (*r == '\n')
			*w++ = *r++;
	}
	*w = 0;
}

/* Is folded f[a, e) only the last words of a catalogue position, and no
 * position itself ("PHÓ ch TỊCH": the upper tail is "TỊCH", half a title,
 * a photo)? Then the whole line is read for a position with a word cut. */
int paper_position_tail_only(const doc *d, size_t a, size_t e)
{
	while (e > a && d->f[e - 1] == ' ')
		e--;
	if (e <= a || paper_position_at(d, a, e) >= 0)
		return 0;
	const paper_strs *ps = &d->k->positions;
	for (size_t p = 0; p < ps->n; p++) {
		size_t pn = strlen(ps->fold[p]);
		if (pn > e - a && ps->fold[p][pn - (e - a) - 1] == ' ' &&
		    !memcmp(ps->fold[p] + pn - (e - a), d->f + a, e - a))
			return 1;
	}
	return 0;
}

/* The one catalogue position the line f[a, e) reads as but for one word
 * that lost its last letter ("PHÓ ch TỊCH" for PHÓ CHỦ TỊCH, a photo): as
 * many words, the others as printed; -1 when none or two. */
long paper_position_word_cut(const doc *d, size_t a, size_t e)
{
	while (a < e && d->f[a] == ' ')
		a++;
	while (e > a && d->f[e - 1] == ' ')
		e--;
	const paper_strs *ps = &d->k->positions;
	long hit = -1;
	for (size_t p = 0; p < ps->n; p++) {
		const char *q = ps->fold[p], *r = d->f + a, *re = d->f + e;
		int cut = 0, ok = 1;
		while (ok && *q && r < re) {
			size_t qn = strcspn(q, " "), rn = 0;
			while (r + rn < re && r[rn] != ' ')
				rn++;
			if (rn != qn || memcmp(q, r, qn)) {
				ok = rn >= 2 && rn + 1 == qn && !memcmp(q, r, rn) && !cut++;
			}
			q += qn + (q[qn] == ' ');
			r += rn + (r + rn < re && r[rn] == ' ');
		}
		if (!ok || *q || r < re || !cut)
			continue;
		if (hit >= 0)
			return -1;
		hit = (long)p;
	}
	return hit;
}

/* Folded distance from s to the nearest label of l (of min bytes or
 * more); (size_t)-1 when none. *len: that label's length. */
static size_t nearest_of(const char *s, const paper_strs *l, size_t min, size_t *len)
{
	size_t best = (size_t)-1;
	for (size_t t = 0; t < l->n; t++) {
		size_t n = strlen(l->fold[t]), e = n < min ? (size_t)-1 : paper_edit_distance(s, l->fold[t]);
		if (e < best) {
			best = e;
			if (len)
				*len = n;
		}
	}
	return best;
}

int paper_birth_label_off(doc *d, const paper_kind *pk, date_out *out)
{
	const paper_strs *bl = &pk->labels[SH_FACT_BIRTH_DATE];
	char got[sizeof out->date] = "";
	int hits = 0;
	for (size_t l = 0; l < d->nl && bl->n; l++) {
		size_t a = paper_line_after_glyphs(d, l), e = d->le[l], c = e;
		/* the label ends at the last colon a digit follows */
		for (size_t i = a; i < e; i++) {
			size_t j = i + 1;
			while (j < e && d->f[j] == ' ')
				j++;
			if (d->f[i] == ':' && j < e && d->f[j] >= '0' && d->f[j] <= '9')
				c = i;
		}
		if (c >= e || c - a < 12 || c - a > 40)
			continue;
		char lab[48];
		memcpy(lab, d->f + a, c - a);
		lab[c - a] = 0;
		size_t n = 0, db = nearest_of(lab, bl, 16, &n);
		/* letters read wrong, not lost: a label with bytes lost
		 * ("Ngày tháng năm sinh", both commas) stays no label (session
		 * 16, test_paper_scans label_comma_lost) */
		if (!db || db == (size_t)-1 || db * 6 > n || c - a < n)
			continue;
		/* further from every other label of the kind */
		int other = 0;
		for (size_t t = 0; t < pk->form_labels.n && !other; t++) {
			int birth = 0;
			for (size_t u = 0; u < bl->n; u++)
				birth |= !strcmp(pk->form_labels.fold[t], bl->fold[u]);
			other = !birth && paper_edit_distance(lab, pk->form_labels.fold[t]) <= db;
		}
		for (int f = 0; f < SH_FACT_COUNT && !other; f++)
			other = f != SH_FACT_BIRTH_DATE && nearest_of(lab, &pk->labels[f], 0, NULL) <= db;
		date_out dt = *out;
		if (other || !paper_date_value(d, c + 1, e, &dt) || dt.never)
			continue;
		if (hits++ && strcmp(got, dt.date))
			return 0;
		memcpy(got, dt.date, sizeof got);
	}
	if (hits == 1)
		memcpy(out->date, got, sizeof got);
	return hits == 1;
}
