/* The name lexicon (names.json): restores diacritics OCR lost in person,
 * company and place names, and never changes a name read correctly. */
#include "paper_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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
char *paper_lex_restore(doc *d, char *s, int person)
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
