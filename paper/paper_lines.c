/* A second reading of names (issue 18, docs/PAPERS.md "names read
 * again"): at 150-200 dpi OCR reads a name's marks as another valid name
 * ("Thuỷ" for "Thuỳ", "KHỐNG" for "KHỔNG"), which the name lexicon rightly
 * never touches. The line of the owner's name and the signer's is read
 * again on the page image (the caller's reader: upscaled, one line), and
 * a word the readings give otherwise is
 *   - taken only when the first reading was a guess (read below
 *     PAPER_REREAD_FIRST) and every reading (two or more) gives the same
 *     valid syllable of the same letters (only its marks differ), read at
 *     PAPER_REREAD_CONF or more: the first reading is kept beside it
 *     (as_read) and the fact flagged "reread", for review;
 *   - else, when a reading gives another valid spelling of the same
 *     letters, left as read and the fact flagged "unsure", for review;
 *     a reading of other letters (a letter lost at the crop's edge) says
 *     nothing.
 * Never a name the letters read do not support, never a word read with
 * good confidence changed, no lexicon or commonness involved: a citizen's
 * rare name read well stays. */
#include "paper_hocr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* the facts read again: names printed on one line */
static const enum sh_paper_fact name_facts[] = {SH_FACT_OWNER_NAME, SH_FACT_SIGNER};

/* ---- hOCR words ---------------------------------------------------------- */

typedef paper_hword lword;

/* Every ocrx_word of hocr: box, page, line, confidence, text (trailing
 * ".,;:" cut, at most SH_PAPER_WORD_MAX bytes). *out: caller sh_free. */
static int scan(lword **out, size_t *n, const char *hocr)
{
	return paper_hocr_words(out, n, NULL, hocr, SH_PAPER_WORD_MAX, 1);
}

/* The words of value (split at spaces) as consecutive words of one line:
 * the index of the first, or -1. */
static long find_value(const lword *v, size_t nv, const char *value, size_t *nwords)
{
	char w[SH_PAPER_LINE_WORDS][SH_PAPER_WORD_MAX];
	size_t k = 0;
	for (const char *p = value; *p && k < SH_PAPER_LINE_WORDS;) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (!l)
			break;
		if (l >= SH_PAPER_WORD_MAX)
			return -1;
		memcpy(w[k], p, l);
		w[k++][l] = 0;
		p += l;
	}
	if (!k || k == SH_PAPER_LINE_WORDS)
		return -1;
	for (size_t i = 0; i + k <= nv; i++) {
		size_t j = 0;
		while (j < k && v[i + j].line == v[i].line && !strcmp(v[i + j].t, w[j]))
			j++;
		if (j == k) {
			*nwords = k;
			return (long)i;
		}
	}
	return -1;
}

static sh_paper_box box_of(const lword *v, size_t k)
{
	sh_paper_box b = v[0].b;
	for (size_t i = 1; i < k; i++) {
		b.x0 = v[i].b.x0 < b.x0 ? v[i].b.x0 : b.x0;
		b.y0 = v[i].b.y0 < b.y0 ? v[i].b.y0 : b.y0;
		b.x1 = v[i].b.x1 > b.x1 ? v[i].b.x1 : b.x1;
		b.y1 = v[i].b.y1 > b.y1 ? v[i].b.y1 : b.y1;
	}
	return b;
}

/* The text of hOCR: words of a line joined by a space, lines by a newline
 * (Tesseract's text, as near as extraction needs). */
static char *hocr_text(const lword *v, size_t nv)
{
	sh_buf b = SH_BUF_INIT;
	int rc = SH_OK;
	for (size_t i = 0; i < nv && !rc; i++) {
		if (i)
			rc = sh_buf_puts(&b, v[i].line == v[i - 1].line ? " " : "\n");
		if (!rc)
			rc = sh_buf_puts(&b, v[i].t);
	}
	if (!rc)
		rc = sh_buf_puts(&b, "\n");
	if (rc) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_detach(&b);
}

/* The value of a name fact as OCR read it, or NULL. */
static const char *as_read_value(const sh_paper_facts *f, enum sh_paper_fact k)
{
	if (!f->v[k] || (f->handwritten >> k & 1u))
		return NULL;
	return f->as_read[k] ? f->as_read[k] : f->v[k];
}

int sh_paper_hocr_name_boxes(sh_paper_box **out, size_t *n, const sh_kinds *kinds, const char *hocr)
{
	*out = NULL;
	*n = 0;
	if (!kinds || !hocr)
		return SH_OK;
	lword *v = NULL, *u = NULL;
	size_t nv = 0, nu = 0;
	if (scan(&v, &nv, hocr))
		return SH_ENOMEM;
	/* the text with its punctuation: labels end in ':' ("Họ, chữ đệm và
	 * tên:"), and without it no owner's name of a card is found */
	if (paper_hocr_words(&u, &nu, NULL, hocr, SH_PAPER_WORD_MAX, 0)) {
		sh_free(v);
		return SH_ENOMEM;
	}
	char *text = nu ? hocr_text(u, nu) : NULL;
	sh_free(u);
	sh_paper_facts *f = NULL;
	int rc = nu && !text ? SH_ENOMEM : SH_OK;
	if (text && strlen(text) <= SH_PAPER_TEXT_MAX && sh_paper_extract(&f, kinds, text) == SH_OK) {
		sh_paper_box *b = sh_calloc(sizeof name_facts / sizeof *name_facts, sizeof *b);
		for (size_t i = 0; b && i < sizeof name_facts / sizeof *name_facts; i++) {
			const char *val = as_read_value(f, name_facts[i]);
			size_t k = 0;
			long at = val ? find_value(v, nv, val, &k) : -1;
			if (at >= 0)
				b[(*n)++] = box_of(v + at, k);
		}
		if (!b)
			rc = SH_ENOMEM;
		else if (!*n)
			sh_free(b);
		else
			*out = b;
	}
	sh_error_clear();
	sh_paper_facts_free(&f);
	sh_free(text);
	sh_free(v);
	return rc;
}

/* ---- the rule ------------------------------------------------------------ */

/* s without its combining marks (tone, hat, breve, horn), case kept: the
 * letters read. 0 when it does not fit cap. */
static int letters_of(char *dst, size_t cap, const char *s)
{
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &d, UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
	if (n < 0)
		return 0;
	size_t o = 0;
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(d + i, n - i, &c);
		if (k <= 0) {
			free(d);
			return 0;
		}
		if (!(c >= 0x300 && c <= 0x36f)) {
			if (o + (size_t)k >= cap) {
				free(d);
				return 0;
			}
			memcpy(dst + o, d + i, (size_t)k);
			o += (size_t)k;
		}
		i += k;
	}
	free(d); /* utf8proc's malloc */
	dst[o] = 0;
	return 1;
}

/* Another spelling of word o with the same letters, only other marks. */
static int marks_only(const char *o, const char *r)
{
	char a[SH_PAPER_WORD_MAX * 2], b[SH_PAPER_WORD_MAX * 2];
	return strcmp(o, r) && letters_of(a, sizeof a, o) && letters_of(b, sizeof b, r) && !strcmp(a, b);
}

/* A reading's word i without trailing punctuation. */
static void word_of(char *dst, const sh_paper_reading *r, size_t i)
{
	snprintf(dst, SH_PAPER_WORD_MAX, "%s", r->w[i]);
	size_t l = strlen(dst);
	while (l && strchr(".,;:", dst[l - 1]))
		dst[--l] = 0;
}

enum { SAME, TAKE_IT, UNSURE };

/* What the readings say of the first reading's word o read at conf. A
 * reading of another spelling of the same letters that is a valid
 * syllable is evidence; any other difference (a letter cut at the crop's
 * edge, "3IANG" for "GIANG") says nothing. */
static int judge(const char *o, int conf, const sh_paper_reading *rd, size_t nr, size_t i, char *take)
{
	size_t other = 0;
	/* a word read as no syllable ("Hÿ" at 57) is no reading either,
	 * whatever OCR's confidence */
	int guess = (conf >= 0 && conf < PAPER_REREAD_FIRST) || !paper_syllable_ok(o, strlen(o));
	int confirmed = 0, repeated = 0, other_sure = 0;
	int sure = nr >= 2 && guess;
	char r[SH_PAPER_WORD_MAX];
	for (size_t p = 0; p < nr; p++) {
		word_of(r, &rd[p], i);
		if (!strcmp(r, o)) {
			sure = 0;
			repeated = 1;
			confirmed |= rd[p].conf[i] >= PAPER_REREAD_CONF;
			continue;
		}
		if (!marks_only(o, r) || !paper_syllable_ok(r, strlen(r))) {
			sure = 0;
			continue;
		}
		if (!other++)
			snprintf(take, SH_PAPER_WORD_MAX, "%s", r);
		else if (strcmp(take, r))
			sure = 0;
		if (rd[p].conf[i] < PAPER_REREAD_CONF)
			sure = 0;
		else
			other_sure = 1;
	}
	/* a guess no reading repeats surely (n5522 "THƯỜNG" at 37, read
	 * again at 77 and 61; "Thu" at 12, read again "Thuì" twice, for
	 * "Thuỳ") is no reading either: for review */
	if (!other)
		return guess && !confirmed ? UNSURE : SAME;
	/* a word the page read surely and a reading repeats, against other
	 * marks read unsurely, is outvoted by nothing ("CỔ PHẦN" at 92, read
	 * again "PHÂN" at 81 and "PHẦN" at 86: a company's name on a fax at
	 * 200 dpi; session 20's merge) */
	if (!guess && conf >= PAPER_REREAD_CONF && repeated && !other_sure)
		return SAME;
	return sure && other == nr ? TAKE_IT : UNSURE;
}

/* The first word, read at conf as no listed surname (alts: the listed
 * surnames of its letters, paper_surname_alts), is the surname a reading
 * gives at PAPER_REREAD_CONF or more, into take: 1. Not when the page read
 * it well (PAPER_SURNAME_SURE or more) or another reading gives another
 * listed surname; readings repeating the word as read say nothing: the
 * closed set of surnames is the evidence against it. */
static int surname_read_again(const char *alts, int conf, const sh_paper_reading *rd, size_t nr, char *take)
{
	if (!alts[0] || conf < 0 || conf >= PAPER_SURNAME_SURE)
		return 0;
	char r[SH_PAPER_WORD_MAX], got[SH_PAPER_WORD_MAX] = "";
	for (size_t p = 0; p < nr; p++) {
		word_of(r, &rd[p], 0);
		if (!paper_surname_alt_is(alts, r))
			continue;
		if (got[0] && strcmp(got, r))
			return 0; /* two surnames */
		if (rd[p].conf[0] >= PAPER_REREAD_CONF)
			snprintf(got, sizeof got, "%s", r);
	}
	if (!got[0])
		return 0;
	snprintf(take, SH_PAPER_WORD_MAX, "%s", got);
	return 1;
}

/* Letters (categories L*) and digits in s: *upper, *lower and *other
 * (digits) counted; 0 when s is no UTF-8. */
static int letter_counts(const char *s, int *upper, int *lower, int *other)
{
	*upper = *lower = *other = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	for (utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(s); n > 0;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, n, &c);
		if (k <= 0)
			return 0;
		utf8proc_category_t cat = utf8proc_category(c);
		*upper += cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
		*lower += cat == UTF8PROC_CATEGORY_LL;
		*other += cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_ND;
		p += k;
		n -= k;
	}
	return 1;
}

/* A reading without the words at its ends that hold no letter and no
 * digit: the label's colon or a speck at the crop's edge ("'" or ":"
 * before "KHỐNG VĂN ĐIỆP", "Nguyễn Quốc MỦ"; tune5 5522, tune6 6615) made
 * every reading of such a name one word longer than the name, so it said
 * nothing. */
static void trim_noise(sh_paper_reading *r)
{
	int u, l, o;
	size_t a = 0, e = r->n;
	while (a < e && letter_counts(r->w[a], &u, &l, &o) && !(u + l + o))
		a++;
	while (e > a && letter_counts(r->w[e - 1], &u, &l, &o) && !(u + l + o))
		e--;
	if (!a && e == r->n)
		return;
	for (size_t i = a; i < e; i++) {
		memmove(r->w[i - a], r->w[i], sizeof r->w[i]);
		r->conf[i - a] = r->conf[i];
	}
	r->n = e - a;
}

enum { CASE_OTHER, CASE_CAPS, CASE_TITLE };

/* Capitals (two letters or more, none small) or title case (a capital,
 * then one small letter or more, no other capital). */
static int word_case(const char *s)
{
	int u, l, o;
	if (!letter_counts(s, &u, &l, &o) || o)
		return CASE_OTHER;
	if (u >= 2 && !l)
		return CASE_CAPS;
	utf8proc_int32_t c;
	if (u == 1 && l >= 1 && utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c) > 0 &&
	    utf8proc_category(c) == UTF8PROC_CATEGORY_LU)
		return CASE_TITLE;
	return CASE_OTHER;
}

/* Word i of the name v[0..k) read in capitals among words all in title
 * case: no name is printed so, the word is misread (a small letter read
 * as a capital with its mark, "Nguyễn Quốc MỦ" for "Mỷ": FreeSans-like
 * condensed bold italic at 300 dpi, tune6 6615). */
static int case_slip(const lword *v, size_t k, size_t i)
{
	if (k < 2 || word_case(v[i].t) != CASE_CAPS)
		return 0;
	for (size_t j = 0; j < k; j++)
		if (j != i && word_case(v[j].t) != CASE_TITLE)
			return 0;
	return 1;
}

/* The tone mark of s (U+0300, 0301, 0303, 0309 or 0323), or 0. */
static utf8proc_int32_t tone_of(const char *s)
{
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &d, UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
	utf8proc_int32_t t = 0;
	for (utf8proc_ssize_t i = 0; n > 0 && i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(d + i, n - i, &c);
		if (k <= 0)
			break;
		if (c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323)
			t = c;
		i += k;
	}
	free(d); /* utf8proc's malloc */
	return t;
}

/* A word read as a case slip (case_slip) at conf: the word the readings
 * give, when two readings or more give it in title case, each a valid
 * syllable read at PAPER_REREAD_CONF or more, all with the same letters,
 * and their marks agree, or those of the readings with the tone the page
 * read agree ("MỦ" read again "Mỷ" at 91 and "Mỹ" at 93: "Mỷ", the hook
 * twice of three). The first reading is surely wrong, but which letters
 * and marks are right only the image can tell: anything less leaves it
 * as read, unsure. */
static int slip_judge(const char *o, const sh_paper_reading *rd, size_t nr, size_t i, char *take)
{
	if (nr < 2)
		return UNSURE;
	char r[SH_PAPER_WORD_MAX], l0[SH_PAPER_WORD_MAX * 2] = "", l[SH_PAPER_WORD_MAX * 2];
	char all[SH_PAPER_WORD_MAX] = "", tone[SH_PAPER_WORD_MAX] = "";
	int all_same = 1, tone_same = 1;
	utf8proc_int32_t t = tone_of(o);
	for (size_t p = 0; p < nr; p++) {
		word_of(r, &rd[p], i);
		if (word_case(r) != CASE_TITLE || !paper_syllable_ok(r, strlen(r)) || rd[p].conf[i] < PAPER_REREAD_CONF ||
		    !letters_of(l, sizeof l, r))
			return UNSURE;
		if (!p)
			memcpy(l0, l, sizeof l);
		else if (strcmp(l0, l))
			return UNSURE;
		if (!all[0])
			snprintf(all, sizeof all, "%s", r);
		else if (strcmp(all, r))
			all_same = 0;
		if (tone_of(r) != t)
			continue;
		if (!tone[0])
			snprintf(tone, sizeof tone, "%s", r);
		else if (strcmp(tone, r))
			tone_same = 0;
	}
	if (all_same) {
		snprintf(take, SH_PAPER_WORD_MAX, "%s", all);
		return TAKE_IT;
	}
	if (tone[0] && tone_same) {
		snprintf(take, SH_PAPER_WORD_MAX, "%s", tone);
		return TAKE_IT;
	}
	return UNSURE;
}

/* In the holders' list, the item equal to was becomes now. */
static int holders_follow(sh_paper_facts *f, const char *was, const char *now)
{
	char *h = f->v[SH_FACT_HOLDERS];
	size_t wl = strlen(was);
	char *at = h ? strstr(h, was) : NULL;
	if (!at || (at != h && at[-1] != ' ') || (at[wl] && at[wl] != ';'))
		return SH_OK;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_buf_printf(&b, "%.*s%s%s", (int)(at - h), h, now, at + wl);
	char *nv = rc ? NULL : sh_buf_detach(&b);
	sh_buf_free(&b);
	if (!nv)
		return SH_ENOMEM;
	if (!f->as_read[SH_FACT_HOLDERS])
		f->as_read[SH_FACT_HOLDERS] = h;
	else
		sh_free(h);
	f->v[SH_FACT_HOLDERS] = nv;
	f->reread |= 1u << SH_FACT_HOLDERS;
	return SH_OK;
}

/* One fact: its words on the page (v[at..at+k)), the readings rd. cur:
 * NULL, or the fact as the lexicon corrected it (k words, as read kept in
 * as_read): then only a word the readings settle (TAKE_IT) replaces its
 * word, no doubt is flagged (the correction is for review already). */
static int settle(sh_paper_facts *f, enum sh_paper_fact fact, const lword *v, size_t k,
		  const sh_paper_reading *rd, size_t nr, const char *cur)
{
	char cw[SH_PAPER_LINE_WORDS][SH_PAPER_WORD_MAX];
	if (cur) {
		size_t m = 0;
		for (const char *p = cur; *p;) {
			p += strspn(p, " ");
			size_t l = strcspn(p, " ");
			if (!l)
				break;
			if (m == k || l >= SH_PAPER_WORD_MAX)
				return SH_OK;
			snprintf(cw[m++], SH_PAPER_WORD_MAX, "%.*s", (int)l, p);
			p += l;
		}
		if (m != k)
			return SH_OK;
	}
	size_t use = 0;
	sh_paper_reading ok[SH_PAPER_READS_MAX];
	for (size_t p = 0; p < nr && use < SH_PAPER_READS_MAX; p++) {
		ok[use] = rd[p];
		trim_noise(&ok[use]);
		if (ok[use].n == k) /* a reading of another word count says nothing */
			use++;
	}
	if (!use)
		return SH_OK;
	sh_buf b = SH_BUF_INIT;
	int rc = SH_OK, changed = 0, unsure = 0;
	for (size_t i = 0; i < k && !rc; i++) {
		char take[SH_PAPER_WORD_MAX] = "";
		int how = case_slip(v, k, i) ? slip_judge(v[i].t, ok, use, i, take)
					     : judge(v[i].t, v[i].conf, ok, use, i, take);
		/* a surname read as a listed one stays (paper_surname_listed):
		 * a reading of another is a doubt only */
		if (how == TAKE_IT && i == 0 && (f->surname_listed >> fact & 1u))
			how = UNSURE;
		/* a first word that is no listed surname, read again as one
		 * (session 18: "CẮM" at 31, read again "CẦM" at 90) */
		if (how != TAKE_IT && i == 0 &&
		    surname_read_again(f->surname_alts[fact == SH_FACT_SIGNER], v[i].conf, ok, use, take))
			how = TAKE_IT;
		const char *base = cur ? cw[i] : v[i].t;
		if (cur && how == UNSURE)
			how = SAME;
		if (how == TAKE_IT && !strcmp(take, base))
			how = SAME;
		changed += how == TAKE_IT;
		unsure += how == UNSURE;
		rc = sh_buf_printf(&b, "%s%s", i ? " " : "", how == TAKE_IT ? take : base);
	}
	if (unsure)
		f->unsure |= 1u << fact;
	if (rc || !changed) {
		sh_buf_free(&b);
		return rc;
	}
	char *now = sh_buf_detach(&b);
	sh_buf_free(&b);
	if (!now)
		return SH_ENOMEM;
	char *was = f->v[fact];
	rc = fact == SH_FACT_OWNER_NAME ? holders_follow(f, was, now) : SH_OK;
	if (rc) {
		sh_free(now);
		return rc;
	}
	f->v[fact] = now;
	if (f->as_read[fact])
		sh_free(was);
	else
		f->as_read[fact] = was;
	f->reread |= 1u << fact;
	return SH_OK;
}

int sh_paper_names_reread(sh_paper_facts *f, const char *hocr, sh_paper_line_fn fn, void *arg)
{
	if (!f || !hocr || !fn)
		return sh_error_set(SH_EINVAL, "a second reading of names needs facts, an hOCR and a reader");
	lword *v = NULL;
	size_t nv = 0;
	if (scan(&v, &nv, hocr))
		return sh_error_set(SH_ENOMEM, "out of memory reading names again");
	int rc = SH_OK;
	for (size_t i = 0; i < sizeof name_facts / sizeof *name_facts && !rc; i++) {
		enum sh_paper_fact fact = name_facts[i];
		/* a name the lexicon corrected is looked up as read: its
		 * guess gives way where the readings settle a word (session
		 * 20, tune7: "Hÿ" at 57 made "Hỹ", read again "Hỷ" at 91, 92) */
		if (!f->v[fact] || (f->handwritten >> fact & 1u))
			continue;
		size_t k = 0;
		long at = find_value(v, nv, f->as_read[fact] ? f->as_read[fact] : f->v[fact], &k);
		if (at < 0)
			continue;
		sh_paper_box b = box_of(v + at, k);
		sh_paper_reading rd[SH_PAPER_READS_MAX];
		memset(rd, 0, sizeof rd);
		size_t nr = fn(arg, &b, rd, SH_PAPER_READS_MAX);
		if (nr > SH_PAPER_READS_MAX)
			nr = SH_PAPER_READS_MAX;
		rc = settle(f, fact, v + at, k, rd, nr, f->as_read[fact] ? f->v[fact] : NULL);
	}
	sh_free(v);
	return rc ? sh_error_set(rc, "out of memory reading names again") : SH_OK;
}

int sh_paper_fact_unsure(const sh_paper_facts *f, enum sh_paper_fact fact)
{
	return f && (int)fact >= 0 && fact < SH_FACT_COUNT && (f->unsure >> fact & 1u);
}
