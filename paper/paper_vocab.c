/* Title words put right (docs/PAPERS.md, issue 18 session 13): a syllable
 * of a title read with a wrong mark ("đôn đếc", "giao bạn", "Tình hinh",
 * "Kể toán") next to a neighbour with which one spelling of it makes a
 * word of the title words file (paper/words.json). Titles only, never a
 * person's or a company's name. */
#include "paper_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* one syllable of the title: a run of letters */
typedef struct syl {
	size_t a, b;     /* bytes of s */
	int joined;      /* one space only before it, from the syllable before */
	int proper;      /* capitalised inside a title in small letters: a name */
	int suspect;     /* read unsurely, or no syllable */
	int garbled;     /* no syllable, or read under PAPER_TITLE_LETTER_CONF */
	int valid;       /* a Vietnamese syllable */
	char fold[64];   /* paper_fold */
	char key[64];    /* lower case, tone mark taken out (hats kept) */
	int tone;        /* the tone mark's code point, 0 without */
} syl;

#define VOCAB_SYL_MAX 96
#define VOCAB_WIN_MAX 4

/* Key (lower case NFC without the tone mark) and tone of w[0, n): the same
 * syllable whichever vowel carries the tone ("hòa", "hoà"). 0, or -1 when
 * it does not fit. */
static int syl_key(const char *w, size_t n, char *key, size_t cap, int *tone)
{
	utf8proc_uint8_t *dec = NULL;
	utf8proc_ssize_t dn = utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &dec,
					   UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (dn < 0)
		return -1;
	utf8proc_int32_t cp[64];
	size_t ncp = 0;
	*tone = 0;
	for (utf8proc_ssize_t i = 0; i < dn;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(dec + i, dn - i, &c);
		if (k <= 0 || ncp >= 63) {
			free(dec);
			return -1;
		}
		i += k;
		if (c == 0x300 || c == 0x301 || c == 0x309 || c == 0x303 || c == 0x323)
			*tone = c;
		else
			cp[ncp++] = c;
	}
	free(dec);
	utf8proc_ssize_t cn = utf8proc_normalize_utf32(cp, (utf8proc_ssize_t)ncp, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	size_t o = 0;
	for (utf8proc_ssize_t i = 0; i < cn; i++) {
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(cp[i], e);
		if (o + (size_t)en + 1 > cap)
			return -1;
		memcpy(key + o, e, (size_t)en);
		o += (size_t)en;
	}
	key[o] = 0;
	return cn < 0 ? -1 : 0;
}

/* Base letters OCR mistakes for each other under a mark ("đếc" for
 * "đốc"): taken only for a word that is no syllable. */
static int look_pair(char x, char y)
{
	return (x == 'e' && y == 'o') || (x == 'o' && y == 'e') || (x == 'a' && y == 'o') ||
	       (x == 'o' && y == 'a');
}

/* Folded syllable r (as read) fits folded e (a word's): the same letters,
 * or (look) one pair of lookalike base letters apart, or (letter) any one
 * base letter apart. */
static int fold_fits(const char *r, const char *e, int look, int letter)
{
	if (!strcmp(r, e))
		return 1;
	if (!(look || letter) || strlen(r) != strlen(e))
		return 0;
	int diff = 0;
	for (size_t i = 0; r[i]; i++)
		if (r[i] != e[i] && ((!letter && !look_pair(r[i], e[i])) || ++diff > 1))
			return 0;
	return diff == 1;
}

/* Folded syllable r (as read) is e but for its first letter, an h read for
 * e's b ("công hố" for "công bố": the bowl of a small b lost, phone
 * photos, issue 23 session 15). */
static int onset_glyph(const char *r, const char *e)
{
	return r[0] == 'h' && e[0] == 'b' && r[1] && !strcmp(r + 1, e + 1);
}

/* Syllables of s: runs of letters (with marks). *n of them, at most cap. */
static size_t split_syllables(const char *s, syl *v, size_t cap)
{
	size_t n = 0, i = 0, len = strlen(s), prev_end = (size_t)-1;
	while (i < len && n < cap) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
		if (k <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(c);
		int letter = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) || cat == UTF8PROC_CATEGORY_MN;
		if (!letter) {
			i += (size_t)k;
			continue;
		}
		syl *y = &v[n];
		memset(y, 0, sizeof *y);
		y->a = i;
		while (i < len) {
			k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
			if (k <= 0)
				break;
			cat = utf8proc_category(c);
			if (!((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) || cat == UTF8PROC_CATEGORY_MN))
				break;
			i += (size_t)k;
		}
		y->b = i;
		y->joined = n && prev_end + 1 == y->a && s[prev_end] == ' ';
		prev_end = y->b;
		n++;
	}
	return n;
}

/* The words' syllables (folded and keyed) of entry e, up to max; their
 * count, 0 when one does not fit. */
static size_t entry_syllables(const char *e, syl *v, size_t max)
{
	size_t n = 0;
	for (const char *p = e; *p && n < max;) {
		size_t w = strcspn(p, " ");
		char *f = NULL;
		if (!w || w >= sizeof v->fold || syl_key(p, w, v[n].key, sizeof v[n].key, &v[n].tone) ||
		    paper_fold(&f, NULL, NULL, p, w))
			return 0;
		snprintf(v[n].fold, sizeof v[n].fold, "%s", f);
		sh_free(f);
		n++;
		p += w;
		p += *p == ' ';
	}
	return n;
}

static int same_syl(const syl *x, const syl *y)
{
	return x->tone == y->tone && !strcmp(x->key, y->key);
}

/* Does a listed word read as printed (every syllable, marks and all) hold
 * syllable j (not i) and reach outside the window [st, st + len)? Then j
 * belongs to that word already, and a window that borrows it is no evidence
 * for syllable i ("thủ tục hành chính quý": "chính quy" is listed, but
 * "chính" ends "hành chính"). */
static int held_outside(const sh_kinds *k, const syl *v, size_t n, size_t i, size_t j, size_t st, size_t len)
{
	for (size_t e = 0; e < k->words.n; e++) {
		syl es[VOCAB_WIN_MAX];
		size_t m = entry_syllables(k->words.orig[e], es, VOCAB_WIN_MAX);
		if (m < 2)
			continue;
		for (size_t s0 = j + 1 >= m ? j + 1 - m : 0; s0 <= j && s0 + m <= n; s0++) {
			if (s0 >= st && s0 + m <= st + len)
				continue; /* inside the window */
			int ok = 1;
			for (size_t q = s0; q < s0 + m && ok; q++)
				ok = q != i && (q == s0 || v[q].joined) && !v[q].proper && same_syl(&v[q], &es[q - s0]);
			if (ok)
				return 1;
		}
	}
	return 0;
}

/* The one spelling of syllable i (v, n of them) that makes a title word
 * with its neighbours as read, into out (its entry's words, syllable at
 * *at): 1; 0 when the reading makes a word already, none does, or
 * several (two spellings, or one with each neighbour) do. */
static int one_spelling(const sh_kinds *k, const syl *v, size_t n, size_t i, char *out,
			size_t cap, int sure)
{
	int found = 0;
	for (size_t len = 2; len <= VOCAB_WIN_MAX; len++) {
		for (size_t st = i + 1 >= len ? i + 1 - len : 0; st <= i && st + len <= n; st++) {
			int ok = 1;
			for (size_t j = st; j < st + len && ok; j++)
				ok = (j == st || v[j].joined) && (j == i || !v[j].proper);
			if (!ok)
				continue;
			for (size_t e = 0; e < k->words.n; e++) {
				const char *ef = k->words.fold[e];
				/* quick: as many words, each folded alike but i */
				size_t nw = 1;
				for (const char *p = ef; *p; p++)
					nw += *p == ' ';
				if (nw != len)
					continue;
				syl es[VOCAB_WIN_MAX];
				int fits = 1;
				const char *p = ef;
				for (size_t j = st; j < st + len && fits; j++) {
					size_t w = strcspn(p, " ");
					char ew[64];
					if (w >= sizeof ew) {
						fits = 0;
						break;
					}
					memcpy(ew, p, w);
					ew[w] = 0;
					/* another letter only for a syllable no
					 * one could read (no syllable, or under
					 * PAPER_TITLE_LETTER_CONF) inside the word:
					 * a neighbour read right on each side */
					fits = j == i ? fold_fits(v[j].fold, ew, !v[j].valid,
								  v[j].garbled && st < i && i + 1 < st + len) ||
								onset_glyph(v[j].fold, ew)
						      : !strcmp(v[j].fold, ew);
					p += w;
					p += *p == ' ';
				}
				if (!fits || entry_syllables(k->words.orig[e], es, VOCAB_WIN_MAX) != len)
					continue;
				/* the onset's glyph only: every mark as read */
				const syl *ei = &es[i - st];
				if (onset_glyph(v[i].fold, ei->fold) &&
				    (v[i].tone != ei->tone || strcmp(v[i].key + 1, ei->key + 1)))
					continue;
				for (size_t j = st; j < st + len && fits; j++)
					fits = j == i || same_syl(&v[j], &es[j - st]);
				if (!fits)
					continue;
				if (same_syl(&v[i], &es[i - st]))
					return 0; /* the reading is a word */
				/* a syllable read surely: marks only, and no
				 * neighbour owed to another listed word */
				for (size_t j = st; j < st + len && fits && sure; j++)
					fits = j == i ? !strcmp(v[j].fold, es[j - st].fold) ||
								onset_glyph(v[j].fold, es[j - st].fold)
						      : !held_outside(k, v, n, i, j, st, len);
				if (!fits)
					continue;
				/* the spelling: syllable i - st of the entry */
				const char *q = k->words.orig[e];
				for (size_t j = st; j < i; j++)
					q += strcspn(q, " ") + 1;
				size_t qn = strcspn(q, " ");
				if (found && (strlen(out) != qn || memcmp(out, q, qn)))
					return 0; /* two spellings */
				if (qn >= cap)
					return 0;
				memcpy(out, q, qn);
				out[qn] = 0;
				found = 1;
			}
		}
	}
	return found;
}

/* want (lower case) in the case of the reading s[a, b): letter by letter
 * (the same count of code points), appended to b. 0, or -1. */
static int put_cased(sh_buf *b, const char *s, size_t a, size_t e, const char *want)
{
	const char *w = want;
	while (*w) {
		utf8proc_int32_t c, r = 0;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)w, -1, &c);
		if (k <= 0)
			return -1;
		w += k;
		if (a < e) {
			utf8proc_ssize_t rk = utf8proc_iterate((const utf8proc_uint8_t *)s + a, (utf8proc_ssize_t)(e - a), &r);
			a += rk > 0 ? (size_t)rk : e - a;
		}
		utf8proc_uint8_t out[4];
		utf8proc_ssize_t on = utf8proc_encode_char(utf8proc_isupper(r) ? utf8proc_toupper(c) : c, out);
		if (sh_buf_put(b, out, (size_t)on))
			return -1;
	}
	return 0;
}

/* Confidence of the syllable s[a, b), else of the token holding it (OCR's
 * word may carry a quote or a comma); -1 unknown. */
static int syl_conf(doc *d, const char *s, size_t a, size_t b)
{
	int c = paper_word_conf(d, s + a, b - a);
	if (c >= 0)
		return c;
	size_t ta = a, tb = b;
	while (ta && s[ta - 1] != ' ')
		ta--;
	while (s[tb] && s[tb] != ' ')
		tb++;
	return ta == a && tb == b ? -1 : paper_word_conf(d, s + ta, tb - ta);
}

/* Mark each syllable: proper (capitalised past the first, the title in
 * small letters), valid, suspect. 0 when the title is in capitals (no
 * name can be told apart there: leave it). */
static int mark_syllables(doc *d, const char *s, syl *v, size_t n)
{
	size_t caps = 0;
	for (size_t i = 0; i < n; i++) {
		utf8proc_int32_t c;
		utf8proc_iterate((const utf8proc_uint8_t *)s + v[i].a, (utf8proc_ssize_t)(v[i].b - v[i].a), &c);
		v[i].proper = i && utf8proc_isupper(c);
		caps += utf8proc_isupper(c) != 0;
	}
	if (n >= 2 && caps * 2 > n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t w = v[i].b - v[i].a;
		char *f = NULL;
		if (w >= sizeof v[i].fold || syl_key(s + v[i].a, w, v[i].key, sizeof v[i].key, &v[i].tone) ||
		    paper_fold(&f, NULL, NULL, s + v[i].a, w) || strlen(f) >= sizeof v[i].fold) {
			sh_free(f);
			v[i].proper = 1; /* leave it */
			continue;
		}
		snprintf(v[i].fold, sizeof v[i].fold, "%s", f);
		sh_free(f);
		v[i].valid = paper_syllable_ok(s + v[i].a, w);
		int conf = v[i].valid ? syl_conf(d, s, v[i].a, v[i].b) : 0;
		v[i].suspect = !v[i].valid || (conf >= 0 && conf < PAPER_TITLE_WORD_CONF);
		v[i].garbled = !v[i].valid || (conf >= 0 && conf < PAPER_TITLE_LETTER_CONF);
	}
	return 1;
}

/* A lone quote, bar or bracket at the very end of a title (an edge
 * glyph: '…điện tử"'): dropped with the spaces before it. A quote that
 * closes one opened in the title stays. In place. */
static void drop_end_glyph(char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	static const char *const quotes[] = {"\"", "'", "`", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb"};
	static const char *const bars[] = {"|", "\u00a6", "]", "[", "_", "~"};
	for (int q = 0; q < 2; q++) {
		const char *const *set = q ? bars : quotes;
		size_t m = q ? sizeof bars / sizeof *bars : sizeof quotes / sizeof *quotes;
		for (size_t i = 0; i < m; i++) {
			size_t gl = strlen(set[i]);
			if (n <= gl || memcmp(s + n - gl, set[i], gl))
				continue;
			/* a quote is lone when the title holds no other */
			int others = 0;
			for (size_t j = 0; q == 0 && j < m; j++)
				for (const char *h = s; (h = strstr(h, set[j])) && h < s + n - gl; h++)
					others++;
			if (!strcmp(set[i], "]") && memchr(s, '[', n))
				others = 1;
			if (others)
				return;
			n -= gl;
			while (n && s[n - 1] == ' ')
				n--;
			s[n] = 0;
			return;
		}
	}
}

/* Syllable y of s garbled, in small letters, right before a year (one
 * space, 19xx or 20xx, no digit after) and one lookalike first letter
 * from "nam" ("pảm 2022", "hăm 2021"): "năm", the only word a title puts
 * there. Not when it reads "năm" already. */
static int year_next(const char *s, const syl *y)
{
	static const char firsts[] = "nphrmu";
	const char *p = s + y->b;
	if (y->proper || !y->garbled || strlen(y->fold) != 3 || strcmp(y->fold + 1, "am") ||
	    !strchr(firsts, y->fold[0]) || !strcmp(y->key, "năm") || (unsigned char)s[y->a] < 'a' ||
	    (unsigned char)s[y->a] > 'z' || *p != ' ')
		return 0;
	p++;
	if (!((p[0] == '1' && p[1] == '9') || (p[0] == '2' && p[1] == '0')))
		return 0;
	return p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' && !(p[4] >= '0' && p[4] <= '9');
}

/* Is y the quarter's word before its roman numeral ("quý II năm 2023",
 * the numeral put right by paper_apply_corrections)? "chính quy" is a
 * listed word, but "quy" before a numeral is no word of a title: a "quý"
 * read unsurely there stays (session 18, FreeMono Oblique "quý Tï"). */
static int quarter_word(const char *s, const syl *y)
{
	const char *p = s + y->b;
	if (strcmp(y->fold, "quy") || *p != ' ')
		return 0;
	size_t n = strspn(++p, "IV");
	return n >= 1 && n <= 4 && (!p[n] || strchr(" ,.", p[n]));
}

char *paper_title_words(doc *d, char *s)
{
	if (!s || d->no_restore)
		return s;
	drop_end_glyph(s);
	if (!d->k->words.n)
		return s;
	syl v[VOCAB_SYL_MAX];
	size_t n = split_syllables(s, v, VOCAB_SYL_MAX);
	if (!mark_syllables(d, s, v, n))
		return s;
	/* every change found on the reading, then made */
	char want[VOCAB_SYL_MAX][64];
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		want[i][0] = 0;
		/* a syllable read surely (not suspect) only under the
		 * stricter rule of one_spelling's sure */
		if (!v[i].proper && !quarter_word(s, &v[i]) &&
		    one_spelling(d->k, v, n, i, want[i], sizeof want[i], !v[i].suspect)) {
			any = 1;
			continue;
		}
		/* one_spelling may have written a spelling it then gave up */
		want[i][0] = 0;
		if (year_next(s, &v[i])) {
			snprintf(want[i], sizeof want[i], "%s", "năm");
			any = 1;
		}
	}
	if (!any)
		return s;
	sh_buf b = SH_BUF_INIT;
	size_t at = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!want[i][0])
			continue;
		rc = sh_buf_put(&b, s + at, v[i].a - at) || put_cased(&b, s, v[i].a, v[i].b, want[i]);
		at = v[i].b;
	}
	if (!rc)
		rc = sh_buf_puts(&b, s + at);
	char *r = rc ? NULL : sh_buf_detach(&b);
	if (!r) {
		sh_buf_free(&b);
		d->oom = 1;
		return s;
	}
	sh_free(s);
	return r;
}
