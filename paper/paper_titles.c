/* Title and company-name phrases put right (docs/PAPERS.md, catalogue
 * "corrections" and "phrases"; session 12): the catalogue's corrections,
 * digits' lookalikes in a word of digits, a quarter's numeral and the
 * phrases. Applied to titles and company names only, never to a person's
 * name. */
#include "paper_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Letter count and upper-case letters of s[a, b). */
static void count_case(const char *s, size_t a, size_t b, int *letters, int *upper)
{
	*letters = *upper = 0;
	while (a < b) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + a, (utf8proc_ssize_t)(b - a), &c);
		if (k <= 0)
			break;
		*letters += utf8proc_isupper(c) || utf8proc_islower(c);
		*upper += utf8proc_isupper(c);
		a += (size_t)k;
	}
}

/* s with [oa, ob) replaced by phrase ph, its first letter in the case of
 * the text replaced. Takes s. */
static char *put_phrase(doc *d, char *s, size_t oa, size_t ob, const char *ph)
{
	utf8proc_int32_t c0, p0;
	utf8proc_ssize_t k0 = utf8proc_iterate((const utf8proc_uint8_t *)s + oa, (utf8proc_ssize_t)(ob - oa), &c0);
	utf8proc_ssize_t kp = utf8proc_iterate((const utf8proc_uint8_t *)ph, -1, &p0);
	char *r = NULL;
	if (k0 > 0 && kp > 0) {
		utf8proc_uint8_t e[4];
		utf8proc_int32_t first = utf8proc_isupper(c0) ? utf8proc_toupper(p0) : utf8proc_tolower(p0);
		utf8proc_ssize_t en = utf8proc_encode_char(first, e);
		r = sh_asprintf("%.*s%.*s%s%s", (int)oa, s, (int)en, (const char *)e, ph + kp, s + ob);
		if (!r)
			d->oom = 1;
	}
	sh_free(s);
	return r;
}

/* s in capitals (NFC, utf8proc's case map); NULL on out of memory. */
static char *upper_dup(const char *s)
{
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	for (const char *p = s; *p && !rc;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
		if (k <= 0)
			break;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(utf8proc_toupper(c), e);
		rc = sh_buf_put(&b, e, (size_t)en);
		p += k;
	}
	if (rc) {
		sh_buf_free(&b);
		return NULL;
	}
	return b.len ? sh_buf_detach(&b) : sh_strdup("");
}

/* Put each catalogue phrase in where s holds its letters with other marks
 * ("Quy chê" -> "Quy chế", "CỐ PHẦN" -> "CỔ PHẦN"): whole words only,
 * whatever the words' confidence (the phrase is the context that makes it
 * safe); in capitals only where the whole phrase is (a phrase of two words
 * or more). Titles and company names only, never a person's name. */
static char *apply_phrases(doc *d, char *s)
{
	const sh_kinds *k = d->k;
	for (size_t i = 0; i < k->phrases.n && s; i++) {
		const char *pf = k->phrases.fold[i], *ph = k->phrases.orig[i];
		size_t pn = strlen(pf), fl = 0, *map = NULL;
		char *f = NULL;
		if (paper_fold(&f, &map, &fl, s, strlen(s))) {
			d->oom = 1;
			sh_free(s);
			return NULL;
		}
		for (char *hit = f; (hit = strstr(hit, pf)); hit++) {
			size_t a = (size_t)(hit - f), b = a + pn;
			if ((a && paper_is_wordc((unsigned char)f[a - 1])) ||
			    (b < fl && paper_is_wordc((unsigned char)f[b])))
				continue;
			size_t oa = map[a], ob = map[b];
			int letters, upper;
			count_case(s, oa, ob, &letters, &upper);
			/* a phrase in capitals ("CÔNG TY CỐ PHẦN") gets the
			 * phrase in capitals; mixed case is no phrase */
			int caps = upper > 1 && upper == letters && strchr(ph, ' ');
			if (upper > 1 && !caps)
				continue;
			char *want = caps ? upper_dup(ph) : NULL;
			if (caps && !want) {
				d->oom = 1;
				break;
			}
			const char *w = want ? want : ph;
			if (ob - oa == strlen(w) && !memcmp(s + oa, w, ob - oa)) {
				sh_free(want);
				continue;
			}
			s = put_phrase(d, s, oa, ob, w);
			sh_free(want);
			break; /* once per phrase: offsets changed */
		}
		sh_free(f);
		sh_free(map);
	}
	return s;
}

/* A digit's lookalike in a run of digits ("O6", "2O24", "l5"): the digit,
 * else 0. */
static char digit_of_lookalike(char c)
{
	return c == 'O' || c == 'o' ? '0' : c == 'I' || c == 'l' || c == '|' ? '1' : 0;
}

/* In place: a word of digits and their lookalikes only, at least one of
 * each ("Đề án O6"), is a number: the lookalikes become digits. A word
 * with other letters ("CO2", "H2O") stays. */
static void lookalike_digits(char *s)
{
	for (char *w = s; *w;) {
		size_t n = strcspn(w, " ,;:()");
		size_t digits = 0, looks = 0;
		while (n && strchr(".", w[n - 1]))
			n--;
		for (size_t i = 0; i < n; i++) {
			if (w[i] >= '0' && w[i] <= '9')
				digits++;
			else if (digit_of_lookalike(w[i]))
				looks++;
			else
				digits = looks = 0, i = n;
		}
		if (digits && looks)
			for (size_t i = 0; i < n; i++)
				if (digit_of_lookalike(w[i]))
					w[i] = digit_of_lookalike(w[i]);
		w += n;
		w += strspn(w, " ,;:().");
	}
}

/* In place: the numeral after "quý" (a quarter: I to IV) read with its
 * lookalikes ("quý l!", "quý H", "quý 1I") before "năm", a comma or the
 * end: I, l, 1, |, ! are I, H is II. Returns s. Takes and gives s (the
 * numeral may grow: "H" -> "II"); NULL on out of memory. */
static char *quarter_numeral(doc *d, char *s)
{
	char *f = NULL;
	size_t fl = 0, *map = NULL;
	if (paper_fold(&f, &map, &fl, s, strlen(s))) {
		d->oom = 1;
		sh_free(s);
		return NULL;
	}
	for (size_t a = 0; a + 5 < fl; a++) {
		if (memcmp(f + a, "quy ", 4) || (a && paper_is_wordc((unsigned char)f[a - 1])))
			continue;
		size_t oa = map[a + 4], ob = oa;
		char want[8] = "";
		size_t wn = 0;
		while (s[ob] && strchr("IlH1|!V", s[ob]) && wn + 2 < sizeof want) {
			const char *add = s[ob] == 'H' ? "II" : s[ob] == 'V' ? "V" : "I";
			memcpy(want + wn, add, strlen(add) + 1);
			wn += strlen(add);
			ob++;
		}
		const char *after = s + ob;
		if (ob == oa || ob - oa > 3 ||
		    (strcmp(want, "I") && strcmp(want, "II") && strcmp(want, "III") && strcmp(want, "IV")) ||
		    !(!*after || *after == ',' || *after == '.' ||
		      (*after == ' ' && (!strncmp(after + 1, "năm", 4) || after[1] == '-'))) ||
		    (ob - oa == wn && !memcmp(s + oa, want, wn)))
			continue;
		char *r = sh_asprintf("%.*s%s%s", (int)oa, s, want, after);
		sh_free(s);
		s = r;
		if (!s)
			d->oom = 1;
		break; /* once: offsets changed */
	}
	sh_free(f);
	sh_free(map);
	return s;
}

/* The catalogue's corrections (whole words, as printed) then digits'
 * lookalikes, a quarter's numeral and the phrases, applied to s;
 * takes s, returns the result (NULL on out of memory, d->oom set). */
char *paper_apply_corrections(doc *d, char *s)
{
	const sh_kinds *k = d->k;
	if (!s || d->no_restore)
		return s;
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
	lookalike_digits(s);
	return apply_phrases(d, quarter_numeral(d, s));
}
