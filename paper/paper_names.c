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

void paper_marks_lost(doc *d)
{
	size_t words = 0, marked = 0;
	const char *t = d->text;
	for (size_t i = 0; i < d->tlen;) {
		while (i < d->tlen && !(isalpha((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80))
			i++;
		size_t s = i;
		int m = 0;
		while (i < d->tlen && (isalpha((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80))
			m |= (unsigned char)t[i++] >= 0x80;
		if (i > s) {
			words++;
			marked += m;
		}
	}
	d->marks_lost = words >= 12 && marked * 100 < words * 10;
}

/* ---- OCR word confidences ---------------------------------------------- */

int paper_word_conf(doc *d, const char *w, size_t n)
{
	if (!d->nwc)
		return -1;
	char *lw = NULL;
	if (sh_text_lower(&lw, w, n)) {
		d->oom = 1;
		return -1;
	}
	size_t lo = 0, hi = d->nwc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->wc[mid].w, lw) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the same word in other case elsewhere ("đăng ký" for the name
	 * "ĐĂNG") vouches only when the word is not read so cased */
	int conf = -1, cased = -1;
	for (; lo < d->nwc && !strcmp(d->wc[lo].w, lw); lo++) {
		if (d->wc[lo].conf > conf)
			conf = d->wc[lo].conf;
		const char *c = d->wc[lo].cased;
		if (c && strlen(c) == n && !memcmp(c, w, n) && d->wc[lo].conf > cased)
			cased = d->wc[lo].conf;
	}
	sh_free(lw);
	return cased >= 0 ? cased : conf;
}

static int digitish(unsigned char c)
{
	return isdigit(c) || c == 'o' || c == 'l' || c == 'i' || c == '|';
}

int paper_digits_conf(doc *d, const char *t)
{
	int best = -1;
	size_t n = strlen(t);
	if (!n)
		return -1;
	for (size_t i = 0; i < d->nwc; i++) {
		const char *w = d->wc[i].w;
		for (const char *q = strstr(w, t); q; q = strstr(q + 1, t)) {
			int whole = (q == w || !digitish((unsigned char)q[-1])) &&
				    !digitish((unsigned char)q[n]);
			if (whole && d->wc[i].conf > best)
				best = d->wc[i].conf;
		}
	}
	return best;
}

/* The Vietnamese marks of code point c, case aside: its base letter and
 * bits for the shape mark (breve, circumflex, horn, the stroke of đ) and
 * the tone mark it carries. */
enum { MK_BREVE = 1, MK_CIRC = 2, MK_HORN = 4, MK_STROKE = 8, MK_GRAVE = 16, MK_HOOK = 32,
       MK_TILDE = 64, MK_ACUTE = 128, MK_DOT = 256 };
static utf8proc_int32_t marks_of(utf8proc_int32_t c, unsigned *mk)
{
	*mk = 0;
	if (c == 0x0110 || c == 0x0111) {
		*mk = MK_STROKE;
		return 'd';
	}
	utf8proc_int32_t dec[8];
	utf8proc_ssize_t n = utf8proc_decompose_char(c, dec, 8, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD,
						     NULL);
	if (n < 1 || n > 8)
		return c;
	for (utf8proc_ssize_t i = 1; i < n; i++) {
		switch (dec[i]) {
		case 0x0306: *mk |= MK_BREVE; break;
		case 0x0302: *mk |= MK_CIRC; break;
		case 0x031B: *mk |= MK_HORN; break;
		case 0x0300: *mk |= MK_GRAVE; break;
		case 0x0309: *mk |= MK_HOOK; break;
		case 0x0303: *mk |= MK_TILDE; break;
		case 0x0301: *mk |= MK_ACUTE; break;
		case 0x0323: *mk |= MK_DOT; break;
		default: *mk |= 1u << 15; break;
		}
	}
	return dec[0];
}

/* Does spelling to only put back marks that the word read (w, n bytes)
 * lacks — letter by letter the same base letters, every mark read kept,
 * none changed? OCR drops marks (and the stroke of Đ) far more often than
 * it puts in wrong ones, so only a dropped mark is restored: "CONG" →
 * "CÔNG", "DỨC" → "ĐỨC", "Tran" → "Trần"; never "Doãn" → "Đoàn" (ã is
 * changed) or "Vỹ" → "Vy" (a mark removed). */
static int adds_marks_only(const char *w, size_t n, const char *to)
{
	const utf8proc_uint8_t *a = (const utf8proc_uint8_t *)w, *b = (const utf8proc_uint8_t *)to;
	utf8proc_ssize_t an = (utf8proc_ssize_t)n, bn = (utf8proc_ssize_t)strlen(to);
	while (an > 0 && bn > 0) {
		utf8proc_int32_t ca, cb;
		utf8proc_ssize_t la = utf8proc_iterate(a, an, &ca), lb = utf8proc_iterate(b, bn, &cb);
		if (la < 1 || lb < 1)
			return 0;
		unsigned ma, mb;
		if (marks_of(ca, &ma) != marks_of(cb, &mb) || (ma & ~mb))
			return 0;
		/* one tone only: a tone read stays that tone */
		a += la, an -= la, b += lb, bn -= lb;
	}
	return an == 0 && bn == 0;
}

/* May the lexicon touch word w (n bytes) of a person's or company's name?
 * Only when it is no Vietnamese syllable (OCR made it up), OCR was unsure
 * of it (confidence below SH_PAPER_WEAK_CONF), or the page was read with
 * (nearly) no diacritic at all and w has none; and then only to put back
 * marks OCR dropped (adds_marks_only, checked by the caller). Unknown
 * confidence counts as sure: a name read as a valid syllable is kept. */
static int may_restore(doc *d, const char *w, size_t n)
{
	if (!paper_syllable_ok(w, n))
		return 1;
	int marked = 0;
	for (size_t i = 0; i < n && !marked; i++)
		marked = (unsigned char)w[i] >= 0x80;
	if (d->marks_lost && !marked)
		return 1;
	int conf = paper_word_conf(d, w, n);
	return conf >= 0 && conf < SH_PAPER_WEAK_CONF;
}

/* ---- surnames and doubled marks (issue 18, session 13) ------------------- */

#define MK_TONES (MK_GRAVE | MK_HOOK | MK_TILDE | MK_ACUTE | MK_DOT)

/* PAPER_SURNAME_SURE (paper_int.h): the misread "Khống" for "Khổng" came
 * at 84 to 96 (9 of 11 below 95), correct surnames at 28 to 97: confidence
 * alone tells little, the closed set of surnames is the evidence
 * (surname_confused); the bound keeps what OCR read best. */

/* Do words a (an bytes) and b spell the same letters with the same shape
 * marks (breve, circumflex, horn, the stroke of đ), case and the place of
 * the tone mark aside? Their tones go to *ta and *tb (MK_* bits). */
static int same_letters(const char *a, size_t an, const char *b, unsigned *ta, unsigned *tb)
{
	const utf8proc_uint8_t *pa = (const utf8proc_uint8_t *)a, *pb = (const utf8proc_uint8_t *)b;
	utf8proc_ssize_t la = (utf8proc_ssize_t)an, lb = (utf8proc_ssize_t)strlen(b);
	*ta = *tb = 0;
	while (la > 0 && lb > 0) {
		utf8proc_int32_t ca, cb;
		utf8proc_ssize_t ka = utf8proc_iterate(pa, la, &ca), kb = utf8proc_iterate(pb, lb, &cb);
		if (ka < 1 || kb < 1)
			return 0;
		unsigned ma, mb;
		if (marks_of(ca, &ma) != marks_of(cb, &mb) || (ma & ~MK_TONES) != (mb & ~MK_TONES))
			return 0;
		*ta |= ma & MK_TONES;
		*tb |= mb & MK_TONES;
		pa += ka, la -= ka, pb += kb, lb -= kb;
	}
	return la == 0 && lb == 0;
}

/* Tones OCR takes for one another at 150-200 dpi: a hook for an acute, a
 * grave or a tilde (the hook's small curl), a dot below lost or added. */
static int tones_confused(unsigned a, unsigned b)
{
	static const unsigned pairs[] = {MK_HOOK | MK_ACUTE, MK_HOOK | MK_GRAVE, MK_HOOK | MK_TILDE, MK_DOT};
	if (a == b || (a & (a - 1)) || (b & (b - 1)))
		return 0;
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		if ((a | b) == pairs[i])
			return 1;
	return 0;
}

/* Word p (n bytes) has its one tone mark, a hook or a tilde, on a small
 * i: at 150-300 dpi OCR takes the i's dot for such a mark ("Đỉnh" for
 * "Đinh", "Vĩ" for "Vi"). A capital I has no dot. */
static int i_dot_as_tone(const char *p, size_t n)
{
	/* ỉ U+1EC9, ĩ U+0129 */
	const char *hook = strstr(p, "\xe1\xbb\x89"), *tilde = strstr(p, "\xc4\xa9");
	const char *at = hook && hook < p + n ? hook : tilde && tilde < p + n ? tilde : NULL;
	if (!at)
		return 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &c);
		if (k < 1)
			return 0;
		unsigned mk;
		marks_of(c, &mk);
		if (p + i != at && (mk & MK_TONES))
			return 0; /* another tone too */
		i += (size_t)k;
	}
	return 1;
}

/* Does surname sn carry its one tone, a tilde or a hook, stacked over a
 * circumflex or a breve ("Nguyễn")? Over a capital the stacked mark is the
 * page's tallest glyph part, squeezed against the line above at 150-200
 * dpi: OCR reads "NGUYÊN", the tone lost whole (tune6 6602 and 6612 z013
 * at 96; photos 7116 dev13). */
static int stacked_tone(const char *sn)
{
	int stacked = 0;
	for (size_t i = 0; sn[i];) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)sn + i, -1, &c);
		if (k < 1)
			return 0;
		unsigned mk;
		marks_of(c, &mk);
		if (mk & MK_TONES)
			stacked = (mk & MK_TONES) != mk && (mk & (MK_TILDE | MK_HOOK)) && (mk & (MK_CIRC | MK_BREVE));
		i += (size_t)k;
	}
	return stacked;
}

/* The listed surname spelt with word p's letters and shape marks and no
 * tone, or NULL. */
static const char *untoned_surname(const paper_lextab *x, const char *p, size_t n)
{
	for (size_t i = 0; i < x->n; i++) {
		unsigned tr, tl;
		if (same_letters(p, n, x->word[i], &tr, &tl) && !tl)
			return x->word[i];
	}
	return NULL;
}

/* The surname for the first word p (n bytes) of a person's name read as a
 * valid syllable that is no surname ("Khống"), or NULL to keep it.
 * Surnames are a nearly closed set (names.json lists the real ones, rare
 * ones included), so a syllable that is none is no valid reading of a
 * surname; it is put right only when exactly one surname has its letters
 * (other tone only, "Khổng"), that tone is one OCR confuses with the one
 * read (tones_confused), and OCR's confidence is known and below
 * PAPER_SURNAME_SURE. A surname read as a surname is never touched. */
static const char *surname_confused(doc *d, const char *p, size_t n)
{
	const paper_lextab *x = &d->k->lex[LEX_SURNAME];
	if (!paper_syllable_ok(p, n))
		return NULL;
	const char *hit = NULL;
	size_t same = 0;
	int lost = 0;
	for (size_t i = 0; i < x->n; i++) {
		unsigned tr, tl;
		if (!same_letters(p, n, x->word[i], &tr, &tl))
			continue;
		if (tr == tl)
			return NULL; /* a surname */
		if (!same++ && (tones_confused(tr, tl) || (!tr && stacked_tone(x->word[i])))) {
			hit = x->word[i];
			lost = !tr && stacked_tone(x->word[i]) && x->weight && x->weight[i] >= PAPER_SURNAME_COMMON;
		}
	}
	/* a stacked tone lost whole in capitals, the one surname of these
	 * letters and a common one: no confidence makes "NGUYÊN" a surname
	 * (OCR reads it at 96). In small letters the tone has room ("Nguyên
	 * Văn Huy" read at 95 stays); a rare surname ("Lỗ", "Thẩm") stays
	 * under the bound below */
	if (lost && same == 1 && word_case(p, n) == CASE_UPPER)
		return hit;
	/* an i's dot read as a hook or a tilde ("Đỉnh", "Vĩ"): the one
	 * surname of these letters with no tone, whatever others share them */
	const char *bare = i_dot_as_tone(p, n) ? untoned_surname(x, p, n) : NULL;
	if (bare)
		hit = bare;
	else if (same != 1 || !hit)
		return NULL;
	int conf = paper_word_conf(d, p, n);
	return conf >= 0 && conf < PAPER_SURNAME_SURE ? hit : NULL;
}

int paper_surname_listed(const sh_kinds *k, const char *name)
{
	if (!k || !name)
		return 0;
	size_t n = strcspn(name, " ");
	const paper_lextab *x = &k->lex[LEX_SURNAME];
	for (size_t i = 0; n && name[n] == ' ' && i < x->n; i++) {
		unsigned tr, tl;
		if (same_letters(name, n, x->word[i], &tr, &tl) && tr == tl)
			return 1;
	}
	return 0;
}

/* Vowels carrying a mark, the places a doubled mark shows on. */
static int marked_vowel(utf8proc_int32_t c)
{
	unsigned mk;
	utf8proc_int32_t b = marks_of(c, &mk);
	return mk && !(mk & MK_STROKE) && b < 0x80 && strchr("aeiouy", (int)b);
}

/* c without its tone mark (shape mark and case kept), or -1. */
static utf8proc_int32_t untoned(utf8proc_int32_t c)
{
	utf8proc_int32_t dec[8], keep[8];
	utf8proc_ssize_t n = utf8proc_decompose_char(c, dec, 8, UTF8PROC_DECOMPOSE, NULL);
	if (n < 1 || n > 8)
		return -1;
	utf8proc_ssize_t k = 0;
	for (utf8proc_ssize_t i = 0; i < n; i++)
		if (dec[i] != 0x0300 && dec[i] != 0x0301 && dec[i] != 0x0303 && dec[i] != 0x0309 &&
		    dec[i] != 0x0323)
			keep[k++] = dec[i];
	if (k == 1)
		return keep[0];
	if (utf8proc_normalize_utf32(keep, k, UTF8PROC_COMPOSE) != 1)
		return -1;
	return keep[0];
}

static const char *restore_word(doc *d, const char *p, size_t n, size_t wi, size_t nw, int mode);

/* The lexicon's spelling of person's word cand (n bytes, word wi of nw),
 * no syllable, with marks added only (adds_marks_only), in cand's case,
 * into out (cap bytes): 1; else 0. */
static int lex_fit(doc *d, char *out, size_t cap, const char *cand, size_t n, size_t wi, size_t nw)
{
	const char *r = restore_word(d, cand, n, wi, nw, PAPER_NAME_PERSON);
	if (!r || !adds_marks_only(cand, n, r))
		return 0;
	sh_buf b = SH_BUF_INIT;
	int rc = put_case(&b, r, word_case(cand, n));
	char *w = rc ? NULL : sh_buf_detach(&b);
	sh_buf_free(&b);
	int ok = w && strlen(w) < cap;
	if (ok)
		memcpy(out, w, strlen(w) + 1);
	if (!w)
		d->oom = 1;
	sh_free(w);
	return ok;
}

/* Word p (n bytes), no valid syllable, with a mark read twice: two marked
 * vowels ("NGỊỰ", "Thuỷỳ", "HUẤĂN") where one marked vowel dropped, or
 * one tone mark dropped, gives a valid syllable. The one such syllable into
 * out (cap bytes, case as read): 1; 0 when none or more than one ("Thuỷỳ":
 * "Thuỷ" and "Thuỳ" both) — then the word stays as read. A drop that gives
 * no syllable but a name of the lexicon with marks added only is one too
 * ("PHUỐÓC": PHUỐC, and PHUÓC, the lexicon's PHƯỚC; tune7 7702 — which
 * mark was read twice only the image tells). */
static int undouble_word(doc *d, char *out, size_t cap, const char *p, size_t n, size_t wi, size_t nw)
{
	utf8proc_int32_t cp[SH_PAPER_WORD_MAX];
	size_t k = 0, marked = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &c);
		if (m < 1 || k == SH_PAPER_WORD_MAX)
			return 0;
		cp[k++] = c;
		marked += (size_t)marked_vowel(c);
		i += (size_t)m;
	}
	if (marked < 2 || paper_syllable_ok(p, n))
		return 0;
	int found = 0;
	for (size_t j = 0; j < k; j++) {
		if (!marked_vowel(cp[j]))
			continue;
		for (int drop = 0; drop < 2; drop++) {
			utf8proc_int32_t u = drop ? -1 : untoned(cp[j]);
			if (!drop && (u < 0 || u == cp[j]))
				continue;
			char cand[SH_PAPER_WORD_MAX * 2];
			size_t o = 0;
			for (size_t i = 0; i < k; i++) {
				utf8proc_int32_t c = i == j ? u : cp[i];
				if (c < 0)
					continue;
				if (o + 4 >= sizeof cand)
					return 0;
				o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)cand + o);
			}
			cand[o] = 0;
			if (!paper_syllable_ok(cand, o)) {
				char lf[SH_PAPER_WORD_MAX * 2];
				if (!lex_fit(d, lf, sizeof lf, cand, o, wi, nw))
					continue;
				memcpy(cand, lf, strlen(lf) + 1);
				o = strlen(cand);
			}
			if (found && !strcmp(out, cand))
				continue;
			if (found || o >= cap)
				return 0;
			memcpy(out, cand, o + 1);
			found = 1;
		}
	}
	return found;
}

/* Word p (n bytes), no valid syllable, with a vowel echoed (issue 23): two
 * neighbouring vowels of the same letter and shape mark, one of them with
 * a tone and the other without ("PHÂẦN": a photo's letter read twice, once
 * without its tone). The word with the toneless one dropped into out (cap
 * bytes) when that is a valid syllable: 1; else 0. In a person's name (d
 * given: word wi of nw) a bare letter beside its marked one is an echo too
 * ("KHUƠONG", Cursor 240, tune7 7702), and a drop that is no syllable may
 * be filled by the lexicon with marks added only (lex_fit: KHƯƠNG). */
static int echoed_vowel(doc *d, char *out, size_t cap, const char *p, size_t n, size_t wi, size_t nw)
{
	utf8proc_int32_t cp[SH_PAPER_WORD_MAX];
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &c);
		if (m < 1 || k == SH_PAPER_WORD_MAX)
			return 0;
		cp[k++] = c;
		i += (size_t)m;
	}
	if (paper_syllable_ok(p, n))
		return 0;
	size_t drop = k;
	for (size_t j = 0; j + 1 < k; j++) {
		unsigned ma, mb;
		utf8proc_int32_t ba = marks_of(cp[j], &ma), bb = marks_of(cp[j + 1], &mb);
		if (ba != bb || ba >= 0x80 || !strchr("aeiouy", (int)ba))
			continue;
		/* the echo is the same letter without its tone, or (a
		 * person's name) the bare letter beside its marked one */
		int toneless = (ma & ~MK_TONES) == (mb & ~MK_TONES) && !(ma & MK_TONES) != !(mb & MK_TONES);
		int bare = d && !ma != !mb;
		if (!toneless && !bare)
			continue;
		if (drop != k)
			return 0; /* two echoes: leave it */
		drop = toneless ? ((ma & MK_TONES) ? j + 1 : j) : (ma ? j + 1 : j);
	}
	if (drop == k)
		return 0;
	char cand[SH_PAPER_WORD_MAX * 2];
	size_t o = 0;
	for (size_t i = 0; i < k; i++) {
		if (i == drop)
			continue;
		if (o + 4 >= sizeof cand)
			return 0;
		o += (size_t)utf8proc_encode_char(cp[i], (utf8proc_uint8_t *)cand + o);
	}
	cand[o] = 0;
	/* no syllable yet: a person's name the lexicon fills with marks
	 * added only ("KHUƠNG": KHƯƠNG) */
	if (!paper_syllable_ok(cand, o) && (!d || !lex_fit(d, cand, sizeof cand, cand, o, wi, nw)))
		return 0;
	o = strlen(cand);
	if (o >= cap)
		return 0;
	memcpy(out, cand, o + 1);
	return 1;
}

/* Word p (n bytes) of a name in capitals, no syllable, with letters echoed
 * in flickering case ("kHhHANG": a photo's letter read two or three times):
 * each run of one letter, case aside, is one capital; 1 with the result in
 * out (cap bytes) when a run was collapsed, the word had both cases and the
 * result is a valid syllable. ASCII letters only. */
static int echoed_letters(char *out, size_t cap, const char *p, size_t n)
{
	int lo = 0, up = 0, runs = 0;
	size_t o = 0;
	if (n >= cap || paper_syllable_ok(p, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80)
			return 0;
		if (!isalpha(c))
			return 0;
		lo |= islower(c) != 0;
		up |= isupper(c) != 0;
		if (o > 0 && toupper(c) == (unsigned char)out[o - 1]) {
			runs++;
			continue;
		}
		out[o++] = (char)toupper(c);
	}
	out[o] = 0;
	return lo && up && runs && paper_syllable_ok(out, o);
}

/* Is lower-case syllable w a syllable of a title word (words.json)? Those
 * are real words ("diện" of "diện tích"), not an Đ that lost its stroke. */
static int title_syllable(const sh_kinds *k, const char *w)
{
	size_t wn = strlen(w);
	for (size_t i = 0; i < k->words.n; i++)
		for (const char *q = k->words.orig[i]; *q;) {
			size_t sn = strcspn(q, " ");
			if (sn == wn && !memcmp(q, w, wn))
				return 1;
			q += sn;
			q += strspn(q, " ");
		}
	return 0;
}

/* A company name's word read with D for Đ (issue 23: "MINH DỨC"; the
 * stroke is lost at a photo's small sizes): the company word spelt Đ and
 * otherwise as read, when the word as read is in no lexicon table and no
 * title word's syllable (so no real word: "TOÀN DIỆN" stays) and exactly
 * one company word is so spelt. NULL: keep. */
static const char *company_stroke(doc *d, const char *p, size_t n)
{
	if (n < 2 || (p[0] != 'D' && p[0] != 'd') || lex_known(d, p, n))
		return NULL;
	char *lw = NULL;
	if (sh_text_lower(&lw, p, n)) {
		d->oom = 1;
		return NULL;
	}
	const char *r = NULL;
	int hits = 0;
	const paper_lextab *x = &d->k->lex[LEX_COMPANY];
	if (!title_syllable(d->k, lw))
		for (size_t i = 0; i < x->n && !d->oom; i++) {
			char *ll = NULL;
			if (sh_text_lower(&ll, x->word[i], strlen(x->word[i]))) {
				d->oom = 1;
				break;
			}
			/* "đ" is two bytes, "d" one */
			if (!strncmp(ll, "\xc4\x91", 2) && !strcmp(ll + 2, lw + 1))
				r = x->word[i], hits++;
			sh_free(ll);
		}
	sh_free(lw);
	return hits == 1 ? r : NULL;
}

/* The tone marks (MK_TONES bits) of word w (n bytes), or ~0u when it is
 * no UTF-8. */
static unsigned tones_of(const char *w, size_t n)
{
	unsigned t = 0;
	const utf8proc_uint8_t *a = (const utf8proc_uint8_t *)w;
	for (utf8proc_ssize_t an = (utf8proc_ssize_t)n; an > 0;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t l = utf8proc_iterate(a, an, &c);
		if (l < 1)
			return ~0u;
		unsigned mk;
		marks_of(c, &mk);
		t |= mk & MK_TONES;
		a += l, an -= l;
	}
	return t;
}

/* Does spelling to keep the tone word w (n bytes) was read with (any
 * tone when w has none)? */
static int tone_kept(const char *w, size_t n, const char *to)
{
	unsigned tw = tones_of(w, n);
	return !tw || tw == tones_of(to, strlen(to));
}

/* Shape marks a letter may be given back (case kept): a → ă, â; e → ê;
 * o → ô, ơ; u → ư; d → đ. Into alt (at most 2); how many. */
static int shapes_of(utf8proc_int32_t c, utf8proc_int32_t alt[2])
{
	static const utf8proc_int32_t combos[][2] = {{0x306, 0x302}, {0x302, 0}, {0x302, 0x31B}, {0x31B, 0}};
	utf8proc_int32_t dec[8];
	utf8proc_ssize_t k = utf8proc_decompose_char(c, dec, 8, UTF8PROC_DECOMPOSE, NULL);
	if (k < 1 || k > 6)
		return 0;
	if (k == 1 && (c == 'd' || c == 'D')) {
		alt[0] = c == 'd' ? 0x111 : 0x110;
		return 1;
	}
	for (utf8proc_ssize_t i = 1; i < k; i++)
		if (dec[i] == 0x306 || dec[i] == 0x302 || dec[i] == 0x31B)
			return 0; /* a shape mark read stays */
	const char *vow = "aeou";
	int b = dec[0] < 0x80 ? tolower((int)dec[0]) : 0;
	const char *at = b ? strchr(vow, b) : NULL;
	if (!at)
		return 0;
	int m = 0;
	for (int j = 0; j < 2 && combos[at - vow][j]; j++) {
		utf8proc_int32_t e[8];
		e[0] = dec[0];
		e[1] = combos[at - vow][j];
		for (utf8proc_ssize_t i = 1; i < k; i++)
			e[i + 1] = dec[i];
		if (utf8proc_normalize_utf32(e, k + 1, UTF8PROC_COMPOSE) != 1)
			continue;
		alt[m++] = e[0];
	}
	return m;
}

/* Word p (n bytes), read with a tone, no valid syllable, that a shape mark
 * OCR lost (horn, circumflex, breve, the stroke of đ) would make one: the
 * one valid syllable so spelt, every letter and mark read kept, into out
 * (cap bytes): 1. None or two ("Uỏng": Ưởng and Uổng) — 0, the word stays
 * as read. OCR drops a mark far more often than it invents one, and a
 * horn is the smallest (Cursor, Termes Italic: "Uởng", "TRUỞNG"); the
 * tone read says the marks were seen. No lexicon: rare names fit as well
 * as common ones. */
static int shape_restored(char *out, size_t cap, const char *p, size_t n)
{
	utf8proc_int32_t alt[SH_PAPER_WORD_MAX][3];
	int na[SH_PAPER_WORD_MAX];
	size_t k = 0, combos = 1;
	unsigned t = tones_of(p, n);
	if (!t || t == ~0u || paper_syllable_ok(p, n))
		return 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &c);
		if (m < 1 || k == SH_PAPER_WORD_MAX)
			return 0;
		alt[k][0] = c;
		na[k] = 1 + shapes_of(c, alt[k] + 1);
		combos *= (size_t)na[k];
		if (combos > 1024)
			return 0; /* no syllable has so many vowels: garbage */
		k++;
		i += (size_t)m;
	}
	/* every choice of one alternative per letter (at most 3^k, k small) */
	size_t idx[SH_PAPER_WORD_MAX] = {0};
	int found = 0;
	for (;;) {
		size_t j = 0;
		while (j < k && ++idx[j] == (size_t)na[j])
			idx[j++] = 0;
		if (j == k)
			break;
		char cand[SH_PAPER_WORD_MAX * 2];
		size_t o = 0;
		for (size_t i = 0; i < k; i++) {
			if (o + 4 >= sizeof cand)
				return 0;
			o += (size_t)utf8proc_encode_char(alt[i][idx[i]], (utf8proc_uint8_t *)cand + o);
		}
		cand[o] = 0;
		if (!paper_syllable_ok(cand, o))
			continue;
		if (found || o >= cap)
			return 0;
		memcpy(out, cand, o + 1);
		found = 1;
	}
	return found;
}

/* The lexicon spelling for word p (n bytes) at word index wi of nw, for a
 * person's name (tables by position, then the others), a company name
 * (company words, then given and middle names), or a place. NULL: keep. */
static const char *restore_word(doc *d, const char *p, size_t n, size_t wi, size_t nw, int mode)
{
	const sh_kinds *k = d->k;
	const char *r = NULL;
	int miss = 1;
	if (mode == PAPER_NAME_PLACE) {
		/* a place word is put right only when what OCR read is no name
		 * or place word at all ("Nghị" of "Nghi Phong"); "Hùng Sơn"
		 * stays, though "Hưng" is the commoner place word */
		if (lex_known(d, p, n))
			return NULL;
		int conf = paper_word_conf(d, p, n);
		if (conf >= SH_PAPER_WEAK_CONF && paper_syllable_ok(p, n))
			return NULL;
		return lex_pick(d, &k->lex[LEX_PLACE_WORD], p, n, &miss);
	}
	if (mode == PAPER_NAME_PERSON && wi == 0 && nw >= 2 && (r = surname_confused(d, p, n)))
		return r;
	if (mode == PAPER_NAME_COMPANY && (r = company_stroke(d, p, n)))
		return r;
	if (!may_restore(d, p, n))
		return NULL;
	static const int company[] = {LEX_COMPANY, LEX_GIVEN, LEX_MIDDLE};
	int order[3];
	if (mode == PAPER_NAME_PERSON) {
		order[0] = wi == 0 ? LEX_SURNAME : wi == nw - 1 ? LEX_GIVEN : LEX_MIDDLE;
		order[1] = order[0] == LEX_SURNAME ? LEX_MIDDLE : LEX_SURNAME;
		order[2] = order[0] == LEX_GIVEN ? LEX_MIDDLE : LEX_GIVEN;
	} else {
		memcpy(order, company, sizeof order);
	}
	/* a word of another position (a given name as middle name) only
	 * when its own table has no spelling of it */
	for (int o = 0; o < 3 && miss && !r; o++)
		r = lex_pick(d, &k->lex[order[o]], p, n, &miss);
	/* a valid syllable gets only marks OCR dropped put back; a word that
	 * is no syllable at all may have a mark changed ("Đạng" → "Đặng") */
	if (r && paper_syllable_ok(p, n) && !adds_marks_only(p, n, r))
		r = NULL;
	/* ... but in a person's name never the tone it was read with: a name
	 * the lexicon lacks loses its horn, not its tone ("Uởng" is Ưởng, not
	 * the lexicon's Uông; "TRUỞNG" no TRƯƠNG; tune7 7701/7702, 6611) */
	if (r && mode == PAPER_NAME_PERSON && !tone_kept(p, n, r))
		r = NULL;
	return r;
}

/* A letter with a diaeresis (Ä, Ö, Ü, Ë, Ï, Ÿ) is in no Vietnamese word;
 * OCR prints it for the tilde its two dots stand for ("LÄ" for "LÃ").
 * Writes word p (n bytes) into out (cap bytes) with every such letter
 * given the tilde instead; 1 when a letter was changed and the result is a
 * Vietnamese syllable, else 0 (the word stays as read). */
static int diaeresis_to_tilde(char *out, size_t cap, const char *p, size_t n)
{
	static const utf8proc_int32_t from[] = {0xC4, 0xE4, 0xCB, 0xEB, 0xCF, 0xEF,
						0xD6, 0xF6, 0xDC, 0xFC, 0x178, 0xFF};
	static const utf8proc_int32_t to[] = {0xC3,   0xE3,   0x1EBC, 0x1EBD, 0x128, 0x129,
					      0xD5,   0xF5,   0x168,  0x169,  0x1EF8, 0x1EF9};
	const utf8proc_uint8_t *a = (const utf8proc_uint8_t *)p;
	utf8proc_ssize_t an = (utf8proc_ssize_t)n;
	size_t o = 0;
	int changed = 0;
	while (an > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(a, an, &c);
		if (k < 1)
			return 0;
		for (size_t i = 0; i < sizeof from / sizeof *from; i++)
			if (c == from[i]) {
				c = to[i];
				changed = 1;
				break;
			}
		if (o + 4 >= cap)
			return 0;
		o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)out + o);
		a += k, an -= k;
	}
	out[o] = 0;
	return changed && paper_syllable_ok(out, o);
}

/* Restore misread diacritics in the words of s from the lexicon: a
 * person's name (surname first, given name last, middle names between), a
 * company name or a place name (mode PAPER_NAME_*). A word is touched only
 * when it is no valid syllable or OCR was unsure of it (may_restore), only
 * spellings folding exactly like the word OCR read are put in (the letters
 * read), a spelling only when far commoner than every other (lex_pick), and
 * the paper's case style is kept. Takes s; returns the result (NULL with
 * d->oom on out of memory). */
char *paper_lex_restore(doc *d, char *s, int mode)
{
	const sh_kinds *k = d->k;
	if (!s || d->no_restore)
		return s;
	/* no lexicon loaded (sh_kinds_parse): every word as read */
	int any = k->lex_places.n > 0;
	for (int t = 0; t < LEX_TABLES; t++)
		any |= k->lex[t].n > 0;
	if (!any)
		return s;
	if (mode == PAPER_NAME_PERSON)
		s = paper_name_join_split(s);
	size_t nw = 0;
	for (const char *p = s; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		nw++;
		p += strcspn(p, " ");
	}
	if (mode == PAPER_NAME_PERSON && (nw < 2 || nw > 6))
		return s;
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	size_t wi = 0;
	/* a name printed in capitals (every word but one): the word in mixed
	 * case is a misreading */
	size_t not_upper = 0;
	for (const char *p = s; *p;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		not_upper += n && word_case(p, n) != CASE_UPPER;
		p += n;
	}
	int upper_name = nw >= 2 && not_upper <= 1;
	for (const char *p = s; *p;) {
		size_t sp = strspn(p, " ");
		rc |= sh_buf_put(&b, p, sp);
		p += sp;
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		const char *next = p + n;
		char tl[SH_PAPER_WORD_MAX * 2];
		if (diaeresis_to_tilde(tl, sizeof tl, p, n)) {
			p = tl;
			n = strlen(tl);
		}
		int cs = word_case(p, n);
		const char *r = cs != CASE_OTHER ? restore_word(d, p, n, wi, nw, mode) : NULL;
		char un[SH_PAPER_WORD_MAX * 2];
		if (r)
			rc |= put_case(&b, r, cs);
		else if (mode != PAPER_NAME_PLACE && cs == CASE_OTHER && upper_name &&
			 echoed_letters(un, sizeof un, p, n))
			rc |= sh_buf_puts(&b, un);
		else if (mode != PAPER_NAME_PLACE && cs != CASE_OTHER &&
			 echoed_vowel(mode == PAPER_NAME_PERSON ? d : NULL, un, sizeof un, p, n, wi, nw))
			rc |= sh_buf_puts(&b, un);
		else if (mode == PAPER_NAME_PERSON && cs != CASE_OTHER && undouble_word(d, un, sizeof un, p, n, wi, nw))
			rc |= sh_buf_puts(&b, un);
		else if (mode == PAPER_NAME_PERSON && cs != CASE_OTHER && shape_restored(un, sizeof un, p, n))
			rc |= sh_buf_puts(&b, un);
		else
			rc |= sh_buf_put(&b, p, n);
		p = next;
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

/* ---- places of addresses (issue 18) ------------------------------------ */

/* The place lists an address is checked against: the catalogue's, the
 * lexicon's and the gazetteer (places.json). */
static const paper_strs *place_list(const sh_kinds *k, int l)
{
	return l == 0 ? &k->places : l == 1 ? &k->lex_places : &k->gazetteer;
}

const char *paper_place_fold_pick(doc *d, const char *f, size_t fn, const char *orig, size_t on,
				  int *listed, int *spellings)
{
	char *lw = NULL;
	const char *hit = NULL;
	char *hit_low = NULL;
	*listed = *spellings = 0;
	if (sh_text_lower(&lw, orig, on)) {
		d->oom = 1;
		return NULL;
	}
	for (int l = 0; l < 3 && !*listed; l++) {
		const paper_strs *p = place_list(d->k, l);
		for (size_t i = 0; i < p->n && !*listed; i++) {
			if (strlen(p->fold[i]) != fn || memcmp(p->fold[i], f, fn))
				continue;
			char *ll = NULL;
			if (sh_text_lower(&ll, p->orig[i], strlen(p->orig[i]))) {
				d->oom = 1;
				break;
			}
			if (!strcmp(ll, lw)) {
				*listed = 1;
			} else if (!hit_low || strcmp(hit_low, ll)) {
				++*spellings;
				if (!hit) {
					hit = p->orig[i];
					hit_low = ll;
					ll = NULL;
				}
			}
			sh_free(ll);
		}
	}
	sh_free(lw);
	sh_free(hit_low);
	return *listed || *spellings != 1 ? NULL : hit;
}

int paper_place_lists(void)
{
	return 3;
}

const paper_strs *paper_place_list(const sh_kinds *k, int l)
{
	return place_list(k, l);
}

int paper_put_place(sh_buf *b, const char *canon, const char *orig, size_t on)
{
	int upper = 0, other = 0;
	for (size_t i = 0; i < on;) {
		size_t n = 0;
		while (i + n < on && orig[i + n] != ' ')
			n++;
		if (n) {
			int cs = word_case(orig + i, n);
			upper |= cs == CASE_UPPER;
			other |= cs != CASE_UPPER;
		}
		i += n + 1;
	}
	return upper && !other ? put_case(b, canon, CASE_UPPER) : sh_buf_puts(b, canon);
}

/* s (n bytes) as lower-case code points into cp (at most max); the count,
 * or -1 when longer or not UTF-8. */
static long lower_points(const char *s, size_t n, utf8proc_int32_t *cp, size_t max)
{
	size_t i = 0, k = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (m <= 0 || k == max)
			return -1;
		cp[k++] = utf8proc_tolower(c);
		i += (size_t)m;
	}
	return (long)k;
}

int paper_place_marks_fit(const char *cand, const char *orig, size_t on)
{
	utf8proc_int32_t a[64], b[64];
	long an = lower_points(cand, strlen(cand), a, 64), bn = lower_points(orig, on, b, 64);
	if (an < 0 || bn < 0)
		return 0;
	long k = 0;
	while (k < an && k < bn && a[k] == b[k])
		k++;
	if (an == bn)
		return k < an && !memcmp(a + k + 1, b + k + 1, (size_t)(an - k - 1) * sizeof *a);
	if (an == bn + 1)
		return !memcmp(a + k + 1, b + k, (size_t)(bn - k) * sizeof *a);
	if (bn == an + 1)
		return !memcmp(a + k, b + k + 1, (size_t)(an - k) * sizeof *a);
	return 0;
}

char *paper_title_places(doc *d, char *s)
{
	static const char *const anchors[] = {"dia ban ", "xa ", "huyen ", "tinh ", "phuong ", "thi tran ",
					      "thanh pho ", "thi xa ", "quan ", "dac khu "};
	if (!s || d->no_restore)
		return s;
	char *f = NULL;
	size_t *map = NULL, fn = 0;
	if (paper_fold(&f, &map, &fn, s, strlen(s))) {
		d->oom = 1;
		sh_free(s);
		return NULL;
	}
	size_t pa = 0, pb = 0; /* folded range of the place put right */
	const char *fix = NULL;
	for (size_t i = 0; i < fn && !fix; i++) {
		if (i && f[i - 1] != ' ')
			continue;
		for (size_t t = 0; t < sizeof anchors / sizeof *anchors && !fix; t++) {
			size_t an = strlen(anchors[t]);
			if (fn - i <= an || memcmp(f + i, anchors[t], an))
				continue;
			/* up to four words after the anchor, to a comma or the end;
			 * the longest span first */
			size_t ends[4], ne = 0, j = i + an;
			while (j < fn && ne < 4 && f[j] != ',') {
				while (j < fn && f[j] != ' ' && f[j] != ',')
					j++;
				ends[ne++] = j;
				if (j < fn && f[j] == ' ')
					j++;
			}
			for (size_t e = ne; e-- > 0 && !fix;) {
				size_t oa = map[i + an], ob = map[ends[e]];
				/* a place listed as read ("Krông Búk") is the
				 * place: none of its first words is another
				 * ("KRong", a commune of the gazetteer) */
				if (paper_place_listed_as_read(d, f + i + an, ends[e] - i - an, s + oa, ob - oa))
					break;
				fix = paper_place_fix(d, f + i + an, ends[e] - i - an, s + oa, ob - oa);
				pa = i + an, pb = ends[e];
			}
		}
	}
	char *r = s;
	if (fix) {
		sh_buf b = SH_BUF_INIT;
		size_t oa = map[pa], ob = map[pb];
		int rc = sh_buf_put(&b, s, oa) | paper_put_place(&b, fix, s + oa, ob - oa) | sh_buf_puts(&b, s + ob);
		sh_free(s);
		r = rc ? NULL : sh_buf_detach(&b);
		if (!r) {
			sh_buf_free(&b);
			d->oom = 1;
		}
	}
	sh_free(f);
	sh_free(map);
	return r;
}
