/* Handwritten values on filled forms (issue 18, "handwritten, not read").
 *
 * A citizen fills a form in by hand (name, birth date, id, address in
 * ballpoint); Tesseract reads such a value as garbage or, worse, as a
 * plausible wrong value. A wrong id or name is much worse than a missing
 * one, so a value that looks handwritten is not taken: the fact is left
 * out and the paper says so ("handwritten" in the JSON), for the desk to
 * type it from the page.
 *
 * Evidence per word of the value, from the hOCR: its box of another size
 * than the page's printed words (a hand writes larger than 10-12 pt print,
 * with loops above and below; the dots of the line written on, read as
 * letters under it, are flat), OCR's confidence, and what was read: in a
 * name, address or sex no valid Vietnamese syllable, in an id or date
 * letters among the digits, and glyphs no printed form has ("¬", "⁄",
 * "{"). Print read badly (a noisy 150 dpi fax) is low in confidence, but
 * its words are the page's size and read as words: a value is called
 * handwritten only when half its words are of another size and it was read
 * below SH_PAPER_WEAK_CONF or holds non-words, or when nearly everything
 * in it is unreadable (mean confidence under 50, two thirds of the words
 * read below 60, a third no words or of another size). */
#include "paper_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- words of another size than the page's print (from hOCR) --------- */

typedef struct hbox {
	int h, conf, letters, digits;
} hbox;

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int paper_hocr_hand(unsigned char **out, size_t *n, const char *hocr)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0, nb = 0;
	hbox *b = NULL;
	for (const char *p = hocr; (p = strstr(p, "ocrx_word"));) {
		p += 9;
		const char *tag_end = strchr(p, '>');
		if (!tag_end)
			break;
		hbox w = {0, -1, 0, 0};
		const char *bb = strstr(p, "bbox ");
		int x0, y0, x1, y1;
		if (bb && bb < tag_end && sscanf(bb + 5, "%d %d %d %d", &x0, &y0, &x1, &y1) == 4 && y1 > y0 &&
		    y1 - y0 < 100000)
			w.h = y1 - y0;
		const char *wc = strstr(p, "x_wconf ");
		if (wc && wc < tag_end)
			w.conf = atoi(wc + 8);
		const char *c = tag_end + 1;
		while (*c == '<') {
			const char *e = strchr(c, '>');
			if (!e)
				break;
			c = e + 1;
		}
		char t[256];
		long tl = paper_hocr_span_text(t, sizeof t, c);
		for (long i = 0; i < tl; i++) {
			w.digits += t[i] >= '0' && t[i] <= '9';
			w.letters += (t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
				     (unsigned char)t[i] >= 0xc3;
		}
		if (nb == cap) {
			size_t nc = cap ? 2 * cap : 256;
			hbox *g = sh_realloc(b, nc * sizeof *g);
			if (!g) {
				sh_free(b);
				return SH_ENOMEM;
			}
			b = g;
			cap = nc;
		}
		b[nb++] = w;
		p = tag_end;
	}
	if (!nb)
		return SH_OK;
	/* the page's print: the median height of words of three letters or
	 * more read with good confidence (labels and printed lines) */
	int *hs = sh_calloc(nb, sizeof *hs);
	unsigned char *f = sh_calloc(nb, 1);
	if (!hs || !f) {
		sh_free(hs);
		sh_free(f);
		sh_free(b);
		return SH_ENOMEM;
	}
	size_t nh = 0;
	for (size_t i = 0; i < nb; i++)
		if (b[i].h > 0 && b[i].conf >= 85 && b[i].letters >= 3)
			hs[nh++] = b[i].h;
	if (nh >= 8) {
		qsort(hs, nh, sizeof *hs, int_cmp);
		int med = hs[nh / 2];
		for (size_t i = 0; i < nb; i++)
			f[i] = b[i].h * 100 > med * PAPER_HAND_TALL ||
			       (b[i].letters + b[i].digits > 0 && b[i].h > 0 && b[i].h * 100 < med * PAPER_HAND_FLAT);
	}
	sh_free(hs);
	sh_free(b);
	*out = f;
	*n = nb;
	return SH_OK;
}

/* ---- a value's words ---------------------------------------------------- */

/* The folded range of a fact's value after its first label. */
typedef struct range_out {
	size_t a, e;
} range_out;

static int value_range(doc *d, size_t a, size_t e, void *out)
{
	while (a < e && d->f[a] == ' ')
		a++;
	while (e > a && d->f[e - 1] == ' ')
		e--;
	if (e <= a)
		return 0;
	((range_out *)out)->a = a;
	((range_out *)out)->e = e;
	return 1;
}

static int is_letter_or_digit(const unsigned char *s, size_t n, size_t *k)
{
	*k = 1;
	if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9'))
		return 1;
	if (s[0] < 0x80)
		return 0;
	/* a multi-byte character: Latin letters with marks (U+00C0..U+027F,
	 * U+1E00..U+1EFF) are letters; anything else ("¬", "⁄", "‹") is not */
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n)
		len = n;
	*k = len;
	if (len == 2) /* and combining marks, U+0300..U+036F: a text not in NFC */
		return (s[0] >= 0xc3 && s[0] <= 0xc9 && !(s[0] == 0xc3 && (s[1] == 0x97 || s[1] == 0xb7))) ||
		       s[0] == 0xcc || (s[0] == 0xcd && s[1] < 0xb0);
	if (len == 3)
		return s[0] == 0xe1 && (s[1] == 0xb8 || s[1] == 0xb9 || s[1] == 0xba || s[1] == 0xbb);
	return 0;
}

/* Printed punctuation that may stand around a value's word. */
static int plain_punct(unsigned char c)
{
	return c && strchr(".,:;-/()'\"", c) != NULL;
}

/* What OCR read of one word, judged: 1 when no printed value of the fact
 * would read so. digits: an id or a date. */
static int word_bad(const char *w, size_t n, int digits)
{
	const unsigned char *s = (const unsigned char *)w;
	size_t a = 0, e = n, k;
	while (a < e && plain_punct(s[a]))
		a++;
	while (e > a && plain_punct(s[e - 1]))
		e--;
	if (a == e)
		return 0;
	size_t letters = 0, nums = 0;
	for (size_t i = a; i < e; i += k) {
		if (digits && s[i] && strchr("Il|oO", s[i])) {
			k = 1; /* a printed digit misread (day "11" read "I" or "|"):
				* the dates' second reading settles it, no hand */
			nums++;
			continue;
		}
		if (!is_letter_or_digit(s + i, e - i, &k)) {
			if (!plain_punct(s[i]))
				return 1; /* a glyph no printed value has */
			continue;
		}
		if (s[i] >= '0' && s[i] <= '9')
			nums++;
		else
			letters++;
	}
	if (digits)
		return letters > 1 || (letters && !nums);
	if (nums)
		return letters > 0; /* "số 12" is fine, "S4" is not */
	return !paper_syllable_ok(w + a, e - a);
}

/* A word of the print's size read as a valid word but for one stray
 * glyph after it ("Nữ°", bold italic 260: a mark's speck read after the
 * word): the glyph says nothing of a hand. Names, places and sex only. */
static int stray_glyph_after(const char *w, size_t n)
{
	const unsigned char *s = (const unsigned char *)w;
	size_t e = n, k;
	while (e && plain_punct(s[e - 1]))
		e--;
	size_t g = e;
	while (g && (s[g - 1] & 0xc0) == 0x80)
		g--;
	if (!g)
		return 0;
	g--;
	if (is_letter_or_digit(s + g, e - g, &k) || plain_punct(s[g]) || g + k != e)
		return 0;
	return g && !word_bad(w, g, 0);
}

/* A word of the print's size read as a valid word but for one letter read
 * twice ("Nừử" for Nữ, a photo's ư read twice with another mark): the
 * double says nothing of a hand. Two letters side by side folding alike,
 * with the word valid without either. Names, places and sex only. */
static int letter_read_twice(const char *w, size_t n)
{
	size_t a = 0, e = n, k;
	while (a < e && plain_punct((unsigned char)w[a]))
		a++;
	while (e > a && plain_punct((unsigned char)w[e - 1]))
		e--;
	if (e - a > 32)
		return 0;
	for (size_t i = a; i < e; i += k) {
		if (!is_letter_or_digit((const unsigned char *)w + i, e - i, &k))
			return 0;
		size_t k2;
		if (i + k >= e || !is_letter_or_digit((const unsigned char *)w + i + k, e - i - k, &k2))
			continue;
		char *f1 = NULL, *f2 = NULL;
		size_t n1 = 0, n2 = 0;
		int same = paper_fold(&f1, NULL, &n1, w + i, k) == SH_OK &&
			   paper_fold(&f2, NULL, &n2, w + i + k, k2) == SH_OK && n1 == 1 && n2 == 1 && f1[0] == f2[0] &&
			   f1[0] >= 'a' && f1[0] <= 'z';
		sh_free(f1);
		sh_free(f2);
		if (!same)
			continue;
		char t[64];
		/* without the first of the two, then without the second */
		size_t o = i - a;
		memcpy(t, w + a, o);
		memcpy(t + o, w + i + k, e - i - k);
		if (paper_syllable_ok(t, e - a - k))
			return 1;
		memcpy(t + o, w + i, k);
		memcpy(t + o + k, w + i + k + k2, e - i - k - k2);
		if (paper_syllable_ok(t, e - a - k2))
			return 1;
	}
	return 0;
}

/* Handwriting evidence of the words in d->words that make up the value at
 * text offsets [ta, te) of d->text: 1 when the value looks handwritten. */
static int value_handwritten(const doc *d, size_t ta, size_t te, int digits)
{
	/* the same line of the text as given (the doc's text keeps lines) */
	size_t line = 0;
	for (size_t i = 0; i < ta; i++)
		line += d->text[i] == '\n';
	const char *o = d->orig;
	size_t ol = 0, os = 0;
	for (; o[os] && ol < line; os++)
		ol += o[os] == '\n';
	size_t oe = os;
	while (o[oe] && o[oe] != '\n')
		oe++;
	char *val = sh_strndup(d->text + ta, te - ta);
	if (!val)
		return 0;
	size_t n = 0, odd = 0, bad = 0, low = 0, chars = 0, odd_chars = 0;
	long conf = 0;
	for (size_t i = 0; i < d->nwords; i++) {
		const sh_paper_word *w = &d->words[i];
		if (w->off < os || w->off + w->len > oe || w->edge || w->len >= 256)
			continue;
		char t[256];
		memcpy(t, o + w->off, w->len);
		t[w->len] = 0;
		size_t k, alnum = 0;
		for (size_t j = 0; j < w->len; j += k)
			alnum += is_letter_or_digit((const unsigned char *)t + j, w->len - j, &k);
		if (!alnum && !word_bad(t, w->len, digits))
			continue; /* the dotted line the value is written on */
		/* the word in the value, but for the dots and punctuation around
		 * it: a label's match may have taken the dots before a hand */
		size_t ka = 0, ke = w->len;
		while (ka < ke && plain_punct((unsigned char)t[ka]))
			ka++;
		while (ke > ka && plain_punct((unsigned char)t[ke - 1]))
			ke--;
		char kc = t[ke];
		t[ke] = 0;
		int inval = ka < ke ? strstr(val, t + ka) != NULL : strstr(val, t) != NULL;
		t[ke] = kc;
		if (!inval)
			continue;
		n++;
		odd += w->hand != 0;
		chars += alnum;
		odd_chars += w->hand ? alnum : 0;
		bad += (size_t)(word_bad(t, w->len, digits) && (digits || w->hand ||
					   !(stray_glyph_after(t, w->len) || letter_read_twice(t, w->len))));
		low += w->conf < 60;
		conf += w->conf;
	}
	sh_free(val);
	if (!n)
		return 0;
	long mean = conf / (long)n;
	/* an id or date read as clean digits is weighed by its digits, not
	 * its words: OCR splits a printed id at a gap ("025189504 327",
	 * FreeSerif Italic 170) and a speck beside the short part makes its
	 * box tall; a hand writes every digit so, not three of twelve. Never
	 * taken at once for that: read below SH_PAPER_WEAK_CONF, such an id
	 * is left to the second reading (sh_paper_id_confirm). */
	if (digits && !bad && chars)
		odd = odd_chars * 2 >= chars ? n : 0;
	/* letters of another size than the print (a hand's, or the dots of
	 * the line under it read as letters), read unsurely or as no word */
	if (odd * 2 >= n && (mean < SH_PAPER_WEAK_CONF || bad * 3 >= n))
		return 1;
	/* nearly everything unreadable: read below 60 but for a third, and a
	 * third no words or of another size (print read badly is low in
	 * confidence but of the page's size, and reads as words) */
	return mean < 50 && low * 3 >= n * 2 && (bad * 3 >= n || odd * 3 >= n);
}

/* The facts a citizen writes in on a form. */
static const int hand_facts[] = {SH_FACT_OWNER_NAME, SH_FACT_BIRTH_DATE, SH_FACT_OWNER_ID, SH_FACT_OLD_ID,
				 SH_FACT_SEX, SH_FACT_ADDRESS, SH_FACT_HOLDERS, SH_FACT_EVENT_DATE};

void paper_hand_check(doc *d, const paper_kind *pk, sh_paper_facts *pf)
{
	if (!d->words || !d->nwords || !d->orig || pk->family == PAPER_AGENCY)
		return;
	for (size_t i = 0; i < sizeof hand_facts / sizeof *hand_facts; i++) {
		int f = hand_facts[i];
		range_out r = {0, 0};
		if (!(pk->facts & (1u << f)) || !pk->labels[f].n ||
		    !paper_by_label(d, &pk->labels[f], value_range, &r))
			continue;
		int digits = f == SH_FACT_BIRTH_DATE || f == SH_FACT_OWNER_ID || f == SH_FACT_OLD_ID ||
			     f == SH_FACT_EVENT_DATE;
		if (!value_handwritten(d, d->map[r.a], d->map[r.e], digits))
			continue;
		pf->handwritten |= 1u << f;
		sh_free(pf->v[f]);
		pf->v[f] = NULL;
		sh_free(pf->as_read[f]);
		pf->as_read[f] = NULL;
		/* never read again: nothing printed there; but an id misread
		 * in digits only (a blurred photo's print, read below the page's
		 * size) stays a candidate: taken only on readings that settle on
		 * an id passing every check (sh_paper_id_confirm) */
		if (*pf->id_unsure && pf->id_unsure_fact == f && !pf->id_misread)
			*pf->id_unsure = 0;
	}
}

int sh_paper_fact_handwritten(const sh_paper_facts *f, enum sh_paper_fact fact)
{
	return f && (int)fact >= 0 && fact < SH_FACT_COUNT && (f->handwritten >> fact & 1u);
}
