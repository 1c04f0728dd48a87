/* Slips OCR makes on scans of any face (issue 18, session 18, found on
 * fresh tune5 and tune6 seeds): a glyph read twice or apart, a mark for
 * an apostrophe lost, the motto's first word cut to one letter. Each rule
 * undoes one such slip where the text allows no other reading. Session 19
 * adds helpers for a place spelt in other case and a date's glyph for a
 * digit (paper_agency.c, paper_dates.c). */
#include "paper_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- a roman numeral's I read with a diaeresis ------------------------- */

/* Ï and ï (U+00CF, U+00EF) in UTF-8 */
static int diaeresis_i(const char *p)
{
	return (unsigned char)p[0] == 0xC3 && ((unsigned char)p[1] == 0x8F || (unsigned char)p[1] == 0xAF);
}

void paper_roman_diaeresis(char *t)
{
	for (char *p = t; *p;) {
		if (p != t && p[-1] != ' ' && p[-1] != '\n') {
			p++;
			continue;
		}
		size_t n = 0, dia = 0, glyphs = 0;
		while (p[n] && p[n] != ' ' && p[n] != '\n') {
			if (p[n] == 'I') {
				n++;
			} else if (diaeresis_i(p + n)) {
				/* only after a plain I, the order the echo rule
				 * takes for a letter read twice ("ÏI" is left to
				 * the quarter's numeral, paper_titles.c) */
				dia += n && p[n - 1] == 'I';
				n += 2;
			} else {
				break;
			}
			glyphs++;
		}
		int end = !p[n] || p[n] == ' ' || p[n] == '\n' || p[n] == ',' || p[n] == '.';
		if (!end || !dia || glyphs < 2) {
			p += n ? n : 1;
			continue;
		}
		/* in place: each two-byte Ï becomes the one byte I */
		char *w = p;
		for (size_t i = 0; i < n;) {
			if (diaeresis_i(p + i)) {
				*w++ = 'I';
				i += 2;
			} else {
				*w++ = p[i++];
			}
		}
		memmove(w, p + n, strlen(p + n) + 1);
		p = w;
	}
}

/* ---- the motto's first word cut to a letter ---------------------------- */

int paper_motto_word_at(const char *f, size_t e, size_t i)
{
	size_t j = i;
	while (j < e && f[j] != ' ')
		j++;
	if (f[i] != 'd' || j - i > 4)
		return 0;
	while (j < e && f[j] == ' ')
		j++;
	if (!paper_word_at(f, e, j, "lap"))
		return 0;
	/* "lập - Tự do" right after: "TÂN LẬP Độc lập" is a place, then
	 * the motto */
	j += 3;
	while (j < e && (f[j] == ' ' || f[j] == '-'))
		j++;
	return paper_word_at(f, e, j, "tu do");
}

/* ---- a place's apostrophe lost ----------------------------------------- */

/* folded a (an bytes) is b without its apostrophes, b holding one */
static int without_apostrophes(const char *a, size_t an, const char *b)
{
	size_t i = 0;
	int dropped = 0;
	for (; *b; b++) {
		if (*b == '\'') {
			dropped = 1;
			continue;
		}
		if (i >= an || a[i] != *b)
			return 0;
		i++;
	}
	return dropped && i == an;
}

const char *paper_place_apostrophe(const doc *d, const char *t, size_t tn)
{
	if (memchr(t, '\'', tn))
		return NULL;
	const paper_strs *lists[3] = {&d->k->places, &d->k->lex_places, &d->k->gazetteer};
	for (int l = 0; l < 3; l++) {
		const char *hit = NULL;
		for (size_t p = 0; p < lists[l]->n; p++) {
			if (!without_apostrophes(t, tn, lists[l]->fold[p]))
				continue;
			if (hit && strcmp(hit, lists[l]->orig[p]))
				return NULL; /* two places, or two spellings: which? */
			hit = lists[l]->orig[p];
		}
		if (hit)
			return hit;
	}
	return NULL;
}

/* ---- a name's word read in two ----------------------------------------- */

/* the word at p (n bytes) is letters only */
static int letters_only(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x80 && !((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'))
			return 0;
	return n > 0;
}

char *paper_name_join_split(char *s)
{
	if (!s)
		return s;
	for (char *p = s; *p;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		char *q = p + n;
		if (*q != ' ' || !q[1] || q[1] == ' ') {
			p = q;
			continue;
		}
		size_t m = strcspn(q + 1, " ");
		char joined[SH_PAPER_WORD_MAX];
		if (n + m >= sizeof joined || !letters_only(p, n) || !letters_only(q + 1, m) ||
		    paper_syllable_ok(p, n)) {
			p = q;
			continue;
		}
		memcpy(joined, p, n);
		memcpy(joined + n, q + 1, m);
		joined[n + m] = 0;
		if (!paper_syllable_ok(joined, n + m)) {
			p = q;
			continue;
		}
		memmove(q, q + 1, strlen(q + 1) + 1);
		p += n + m;
	}
	return s;
}

/* ---- a title's place read right ---------------------------------------- */

int paper_place_listed_as_read(doc *d, const char *f, size_t fn, const char *orig, size_t on)
{
	int listed = 0, spellings = 0;
	paper_place_fold_pick(d, f, fn, orig, on, &listed, &spellings);
	return listed;
}

/* ---- a phrase over a name ---------------------------------------------- */

/* Capitals whose small letter has the same shape, only smaller: OCR
 * prints them for the small letter on some faces ("triển Khai", "hành
 * Chính"), so such a capital says nothing of a name. */
static int case_lookalike(utf8proc_int32_t c)
{
	utf8proc_uint8_t *d = NULL;
	utf8proc_uint8_t e[4];
	utf8proc_ssize_t en = utf8proc_encode_char(c, e);
	utf8proc_ssize_t n = utf8proc_map(e, en, &d, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	int r = n >= 1 && d[0] < 0x80 && strchr("ckosuvwxz", d[0]);
	free(d); /* utf8proc's malloc */
	return r;
}

int paper_phrase_over_name(const char *s, size_t oa, size_t ob, const char *ph)
{
	/* the phrase's letters and marks as read, only their case other: a
	 * case slip the phrase puts right, no name */
	char *ls = NULL, *lp = NULL;
	int same = 0;
	if (!sh_text_lower(&ls, s + oa, ob - oa) && !sh_text_lower(&lp, ph, strlen(ph)))
		same = !strcmp(ls, lp);
	sh_free(ls);
	sh_free(lp);
	if (same)
		return 0;
	const char *q = ph;
	for (size_t i = oa; i < ob; i++) {
		if (s[i] != ' ')
			continue;
		q = strchr(q, ' ');
		if (!q)
			return 0;
		q++;
		/* a word past the first in capitals where the phrase has a
		 * small letter: a name ("địa bàn Hạnh Phúc" is no "ban hành") */
		utf8proc_int32_t c, p;
		if (utf8proc_iterate((const utf8proc_uint8_t *)s + i + 1, (utf8proc_ssize_t)(ob - i - 1), &c) > 0 &&
		    utf8proc_iterate((const utf8proc_uint8_t *)q, -1, &p) > 0 && utf8proc_isupper(c) &&
		    !utf8proc_isupper(p) && !case_lookalike(c))
			return 1;
	}
	return 0;
}

/* ---- an issuer's place read as listed ----------------------------------- */

const char *paper_place_spelt_as_read(doc *d, const char *f, size_t fn, const char *orig, size_t on)
{
	for (size_t i = 0; i < on;) {
		size_t n = strcspn(orig + i, " ");
		if (n > on - i)
			n = on - i;
		int conf = n ? paper_word_conf(d, orig + i, n) : -1;
		if (conf >= 0 && conf < SH_PAPER_WEAK_CONF)
			return NULL; /* read unsurely: the marks may be wrong */
		i += n + 1;
	}
	char *lw = NULL;
	if (sh_text_lower(&lw, orig, on)) {
		d->oom = 1;
		return NULL;
	}
	const paper_strs *lists[3] = {&d->k->places, &d->k->lex_places, &d->k->gazetteer};
	const char *hit = NULL;
	for (int l = 0; l < 3 && !hit && !d->oom; l++)
		for (size_t p = 0; p < lists[l]->n && !hit; p++) {
			if (strlen(lists[l]->fold[p]) != fn || memcmp(lists[l]->fold[p], f, fn))
				continue;
			char *ll = NULL;
			if (sh_text_lower(&ll, lists[l]->orig[p], strlen(lists[l]->orig[p]))) {
				d->oom = 1;
				break;
			}
			if (!strcmp(ll, lw))
				hit = lists[l]->orig[p];
			sh_free(ll);
		}
	sh_free(lw);
	return hit;
}

/* ---- a surname read again ---------------------------------------------- */

void paper_surname_alts(const sh_kinds *k, const char *name, char *out, size_t cap)
{
	out[0] = 0;
	if (!k || !name || !cap)
		return;
	size_t n = strcspn(name, " ");
	if (!n || name[n] != ' ' || paper_surname_listed(k, name))
		return;
	char *f = NULL;
	size_t fl = 0;
	if (paper_fold(&f, NULL, &fl, name, n))
		return;
	const paper_lextab *x = &k->lex[LEX_SURNAME];
	size_t o = 0;
	for (size_t i = 0; i < x->n; i++) {
		size_t wl = strlen(x->word[i]);
		if (strcmp(x->fold[i], f) || o + wl + 2 > cap)
			continue;
		if (o)
			out[o++] = '\n';
		memcpy(out + o, x->word[i], wl);
		o += wl;
		out[o] = 0;
	}
	sh_free(f);
}

int paper_surname_alt_is(const char *alts, const char *w)
{
	char *lw = NULL;
	if (!alts || !*alts || !w || sh_text_lower(&lw, w, strlen(w)))
		return 0;
	int hit = 0;
	for (const char *p = alts; *p && !hit;) {
		size_t n = strcspn(p, "\n");
		char *la = NULL;
		if (!sh_text_lower(&la, p, n)) {
			hit = !strcmp(la, lw);
			sh_free(la);
		}
		p += n;
		p += *p == '\n';
	}
	sh_free(lw);
	return hit;
}

/* ---- session 19: a spelling in other case, a date's glyph for a digit ---- */

int paper_case_only(const char *a, const char *b)
{
	size_t an = strlen(a), bn = strlen(b), i = 0, j = 0;
	while (i < an && j < bn) {
		utf8proc_int32_t x, y;
		utf8proc_ssize_t kx = utf8proc_iterate((const utf8proc_uint8_t *)a + i, (utf8proc_ssize_t)(an - i), &x);
		utf8proc_ssize_t ky = utf8proc_iterate((const utf8proc_uint8_t *)b + j, (utf8proc_ssize_t)(bn - j), &y);
		if (kx <= 0 || ky <= 0 || utf8proc_tolower(x) != utf8proc_tolower(y))
			return 0;
		i += (size_t)kx;
		j += (size_t)ky;
	}
	return i == an && j == bn;
}

int paper_date_glyph_digit(const char *t, size_t tl, char *g)
{
	size_t n = 0, glyphs = 0;
	for (size_t i = 0; i < tl && n < 2;) {
		if (t[i] >= '0' && t[i] <= '9') {
			g[n++] = t[i++];
		} else if (tl - i >= 2 && !memcmp(t + i, "\xc3\xb3", 2)) {
			g[n++] = '6', glyphs++, i += 2;
		} else if (t[i] == '%') {
			g[n++] = '?', glyphs++, i++;
		} else if (!n && strchr("lI!|", t[i])) {
			/* a day's 1 read as its lookalike before such a glyph
			 * ("ngày ló tháng": FreeSerif Bold Italic 260) */
			g[n++] = '1', i++;
		} else {
			return 0;
		}
		if (i == tl) {
			g[n] = 0;
			return n == 2 && glyphs == 1;
		}
	}
	return 0;
}
