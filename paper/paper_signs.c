/* The signer's name line and the issuer's place checked against the date
 * line (issue 18, docs/PAPERS.md "Session 17: scans"): bold oblique faces
 * read a name's last small letter as its capital ("Nguyễn Seo MỶ") and a
 * header's place with a mark doubled or a space lost ("MÙ CANG CHẲẢT",
 * "NAM TRÀMY"), while the same page prints the place again, right, in its
 * date line ("Mù Cang Chải, ngày 10 tháng 1 năm 2022"). */
#include "paper_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Is the original word s (n bytes) a name's word read with capitals after
 * its first letter ("MỶ", "LỀnh": a bold face's small ề read as its
 * capital): letters only, two to seven of them, a capital after the
 * first, and a Vietnamese syllable ("MỶ"; not "VT", "UBND")? */
static int caps_syllable(const char *s, size_t n)
{
	size_t i = 0;
	int letters = 0, caps = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0 || !(utf8proc_isupper(c) || utf8proc_islower(c)) || (!letters && !utf8proc_isupper(c)))
			return 0;
		caps += letters && utf8proc_isupper(c);
		letters++;
		i += (size_t)k;
	}
	return caps && letters >= 2 && letters <= 7 && paper_syllable_ok(s, n);
}

/* Is the original word s (n bytes) a listed surname printed in capitals
 * before a name in title case ("VI Ngọc Bình": DejaVu Serif Bold Italic and
 * Sans Bold read the small i of "Vi" as a capital I)? Every letter a
 * capital, a syllable, and a surname of the lexicon as read, case aside. */
static int caps_surname(const doc *d, const char *s, size_t n)
{
	char w[64];
	if (n + 2 > sizeof w || !caps_syllable(s, n) || !d->k)
		return 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0 || !utf8proc_isupper(c))
			return 0;
		i += (size_t)k;
	}
	memcpy(w, s, n);
	w[n] = ' ';
	w[n + 1] = '\0';
	return paper_surname_listed(d->k, w);
}

/* Is the original word s (n bytes) a listed surname in title case with
 * one stroke glyph read inside it ("V1i": FreeMono Bold 280 reads the
 * small i's dot and stem apart, tune6 6611 z047)? A capital, small letters,
 * one '1', '|' or '!' past the first letter; no word has a digit, so the
 * glyph is a misreading, and the rest must be a surname as listed. The
 * glyph's place in *at. */
static int glyph_surname(const doc *d, const char *s, size_t n, size_t *at)
{
	char w[64];
	size_t wn = 0, g = n;
	if (n + 2 > sizeof w || n < 3 || !d->k)
		return 0;
	for (size_t i = 0; i < n;) {
		if (i && strchr("1|!", s[i])) {
			if (g < n)
				return 0;
			g = i++;
			continue;
		}
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0 || (i ? !utf8proc_islower(c) : !utf8proc_isupper(c)))
			return 0;
		memcpy(w + wn, s + i, (size_t)k);
		wn += (size_t)k;
		i += (size_t)k;
	}
	if (g == n || g + 1 == n)
		return 0;
	w[wn] = ' ';
	w[wn + 1] = '\0';
	if (!paper_syllable_ok(w, wn) || !paper_surname_listed(d->k, w))
		return 0;
	*at = g;
	return 1;
}

int paper_name_line(const doc *d, size_t fa, size_t fb)
{
	size_t oa = d->map[fa], ob = d->map[fb], last = oa, wend = oa;
	int words = 0, at_start = 1, ok = 1, bad_word = 0, caps_first = 0;
	while (oa < ob) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
						      (utf8proc_ssize_t)(ob - oa), &c);
		if (k <= 0)
			return 0;
		if (c == ' ') {
			at_start = 1;
			oa += (size_t)k;
			continue;
		}
		if (at_start) {
			words++;
			/* a surname in capitals before a name in title case */
			size_t g;
			if (words == 2 && bad_word &&
			    (caps_surname(d, d->text + last, wend - last) ||
			     glyph_surname(d, d->text + last, wend - last, &g))) {
				caps_first = 1;
				bad_word = 0;
			}
			/* a word in other case before this one: that word was
			 * not the last */
			ok &= !bad_word;
			bad_word = 0;
			last = oa;
			if (!utf8proc_isupper(c))
				ok = 0;
			at_start = 0;
		} else if (!utf8proc_islower(c)) {
			bad_word = 1;
		}
		oa += (size_t)k;
		wend = oa;
	}
	/* only the last word in capitals, after two words or more in
	 * title case (the others were checked above) */
	if (bad_word && (caps_first || !(words >= 3 && caps_syllable(d->text + last, ob - last))))
		ok = 0;
	/* a surname in capitals: two words or more in title case after it */
	if (caps_first && words < 3)
		ok = 0;
	return ok && words >= 2 && words <= 6;
}

/* s with its first word in title case when that word is a surname in
 * capitals before words in title case (caps_surname: "VI Ngọc Bình" →
 * "Vi Ngọc Bình"); s itself otherwise, NULL (s freed) when out of memory. */
static char *first_recase(doc *d, char *s)
{
	size_t n = strcspn(s, " "), g;
	/* "V1i Minh A Bình": the glyph out (glyph_surname) */
	if (s[n] && glyph_surname(d, s, n, &g)) {
		memmove(s + g, s + g + 1, strlen(s + g + 1) + 1);
		return s;
	}
	int small = 0;
	for (const char *p = s + n; *p && !small;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
		if (k <= 0)
			return s;
		small = utf8proc_islower(c);
		p += k;
	}
	if (!s[n] || !small || !caps_surname(d, s, n))
		return s;
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < n && !rc;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			break;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(i ? utf8proc_tolower(c) : c, e);
		rc |= sh_buf_put(&b, e, (size_t)en);
		i += (size_t)k;
	}
	rc |= sh_buf_put(&b, s + n, strlen(s + n));
	char *r = rc ? NULL : sh_buf_detach(&b);
	sh_buf_free(&b);
	sh_free(s);
	if (!r)
		d->oom = 1;
	return r;
}

/* Is s (n bytes) one word in title case: a capital, then small letters
 * only (a lone capital too: the Hmong "A" of "Vi A Sáng")? */
static int title_word(const char *s, size_t n)
{
	size_t i = 0, letters = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0 || !(letters ? utf8proc_islower(c) : utf8proc_isupper(c)))
			return 0;
		letters++;
		i += (size_t)k;
	}
	return letters >= 1;
}

char *paper_owner_recase(doc *d, char *s)
{
	if (!s)
		return s;
	/* two words or more after the first, every one in title case (a
	 * name printed in title case, as diplomas print the holder's); a
	 * name in capitals is printed so and stays */
	size_t words = 0;
	for (const char *p = s + strcspn(s, " "); *p == ' ';) {
		p++;
		size_t n = strcspn(p, " ");
		if (!title_word(p, n))
			return s;
		words++;
		p += n;
	}
	return words >= 2 ? first_recase(d, s) : s;
}

char *paper_name_recase(doc *d, char *s)
{
	if (!s || !(s = first_recase(d, s)))
		return s;
	char *sp = strrchr(s, ' ');
	if (!sp || sp == s)
		return s;
	size_t n = strlen(sp + 1);
	if (!caps_syllable(sp + 1, n))
		return s;
	/* the words before are in title case (paper_name_line): only a
	 * name whose last word alone is in capitals */
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
	if (k <= 0 || utf8proc_iterate((const utf8proc_uint8_t *)s + k, -1, &c) <= 0 || !utf8proc_islower(c))
		return s;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_buf_put(&b, s, (size_t)(sp + 1 - s));
	const char *w = sp + 1;
	for (size_t i = 0; i < n && !rc;) {
		k = utf8proc_iterate((const utf8proc_uint8_t *)w + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			break;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(i ? utf8proc_tolower(c) : c, e);
		rc |= sh_buf_put(&b, e, (size_t)en);
		i += (size_t)k;
	}
	char *r = rc ? NULL : sh_buf_detach(&b);
	sh_buf_free(&b);
	sh_free(s);
	if (!r)
		d->oom = 1;
	return r;
}

/* The place printed before ", ngày" in the page's date line, as printed and
 * listed in the gazetteer (spelling and marks), the longest such run of
 * one to four words; NULL when the line names none. Only the first date
 * line: a later one is a body's text. */
static const char *dated_place(const doc *d)
{
	const paper_strs *g = &d->k->gazetteer;
	for (size_t i = 1; i + 4 < d->flen; i++) {
		if (!paper_word_at(d->f, d->flen, i, "ngay") || !paper_starts_word(d->f, i))
			continue;
		size_t j = i;
		while (j > 0 && d->f[j - 1] == ' ')
			j--;
		if (j < 2 || d->f[j - 1] != ',')
			continue;
		size_t e = j - 1, s = e, ls = d->ls[paper_line_of(d, e)];
		const char *best = NULL;
		for (int words = 0; words < 4 && s > ls; words++) {
			s--; /* the space before the word found last */
			while (s > ls && d->f[s - 1] != ' ')
				s--;
			for (size_t p = 0; p < g->n; p++) {
				size_t on = d->map[e] - d->map[s];
				if (strlen(g->fold[p]) == e - s && !memcmp(g->fold[p], d->f + s, e - s) &&
				    strlen(g->orig[p]) == on && !memcmp(g->orig[p], d->text + d->map[s], on)) {
					best = g->orig[p];
					break;
				}
			}
			if (s > ls && d->f[s - 1] != ' ')
				break;
		}
		return best;
	}
	return NULL;
}

/* Original a (an bytes) and b (bn bytes) are the same letters but for
 * their case. */
static int lower_equal(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
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

/* How many words of place g are the words of the reading o (on bytes)
 * but for their case. */
static int words_as_printed(const char *g, const char *o, size_t on)
{
	int n = 0;
	size_t gn = strlen(g);
	for (size_t i = 0, j = 0; i < gn && j < on;) {
		size_t a = strcspn(g + i, " "), b = 0;
		while (j + b < on && o[j + b] != ' ')
			b++;
		n += lower_equal(g + i, a, o + j, b);
		i += a + (i + a < gn);
		j += b + (j + b < on);
	}
	return n;
}

/* Folded a (an bytes) is folded b with its spaces taken out. */
static int same_but_spaces(const char *a, size_t an, const char *b)
{
	size_t i = 0;
	for (; *b; b++) {
		if (*b == ' ')
			continue;
		if (i >= an || a[i] != *b)
			return 0;
		i++;
		while (i < an && a[i] == ' ')
			i++;
	}
	return i == an;
}

/* Is the original letter at text offset o marked (a code point past
 * Latin-1's letters: "ẳ", "ả", "ư")? */
static int marked_at(const doc *d, size_t o)
{
	utf8proc_int32_t c;
	return utf8proc_iterate((const utf8proc_uint8_t *)d->text + o, (utf8proc_ssize_t)(d->tlen - o), &c) > 0 &&
	       c >= 0xC0;
}

/* Folded [fa, fb) is folded g with one vowel read twice, each time with a
 * mark ("CHẲẢT": two marked letters folding alike, which no Vietnamese
 * word has), and at most one other letter read as another ("t" for "i"). */
static int vowel_twice_one_off(const doc *d, size_t fa, size_t fb, const char *g)
{
	const char *t = d->f + fa;
	size_t tn = fb - fa, gn = strlen(g);
	if (tn != gn + 1)
		return 0;
	for (size_t k = 1; k < tn; k++) {
		if (t[k] != t[k - 1] || !strchr("aeiouy", t[k]) || !marked_at(d, d->map[fa + k - 1]) ||
		    !marked_at(d, d->map[fa + k]))
			continue;
		size_t diff = 0;
		for (size_t x = 0, y = 0; x < tn; x++) {
			if (x == k)
				continue;
			diff += t[x] != g[y++];
		}
		if (diff <= 1)
			return 1;
	}
	return 0;
}

/* Folded [fa, fb) is folded g but for one letter, a to z for a to z, in a
 * word OCR read unsurely (below SH_PAPER_WEAK_CONF: "XÃ HA KLY" with "HA"
 * at 74 under "Ea Kly, ngày"; session 19, seed 6613). A word read surely
 * is what is printed: a header's place may differ from its date line's. */
static int letter_unsure(doc *d, size_t fa, size_t fb, const char *g)
{
	const char *t = d->f + fa;
	size_t tn = fb - fa, k = tn;
	if (strlen(g) != tn)
		return 0;
	for (size_t i = 0; i < tn; i++)
		if (t[i] != g[i]) {
			if (k < tn || t[i] < 'a' || t[i] > 'z' || g[i] < 'a' || g[i] > 'z')
				return 0;
			k = i;
		}
	if (k == tn)
		return 0;
	size_t ws = k, we = k;
	while (ws > 0 && t[ws - 1] != ' ')
		ws--;
	while (we < tn && t[we] != ' ')
		we++;
	size_t oa = d->map[fa + ws], ob = d->map[fa + we];
	int conf = paper_word_conf(d, d->text + oa, ob - oa);
	return conf >= 0 && conf < SH_PAPER_WEAK_CONF;
}

const char *paper_place_most_as_printed(const doc *d, const paper_strs *const *lists, int nl, const char *fold,
					const char *o, size_t on)
{
	(void)d;
	const char *hit = NULL;
	int best = -1, tie = 0;
	for (int l = 0; l < nl; l++)
		for (size_t p = 0; p < lists[l]->n; p++) {
			if (strcmp(lists[l]->fold[p], fold) || (hit && !strcmp(hit, lists[l]->orig[p])))
				continue;
			int same = words_as_printed(lists[l]->orig[p], o, on);
			if (same > best) {
				best = same;
				hit = lists[l]->orig[p];
				tie = 0;
			} else if (same == best) {
				tie = 1;
			}
		}
	return tie || best <= 0 ? NULL : hit;
}

const char *paper_issuer_place_dated(doc *d, size_t fa, size_t fb)
{
	if (d->no_restore || fb <= fa)
		return NULL;
	const char *t = d->f + fa, *o = d->text + d->map[fa];
	size_t tn = fb - fa, on = d->map[fb] - d->map[fa];
	/* a place the gazetteer lists as read (marks and all) stays */
	const paper_strs *gz = &d->k->gazetteer;
	for (size_t p = 0; p < gz->n; p++)
		if (strlen(gz->fold[p]) == tn && !memcmp(gz->fold[p], t, tn) &&
		    lower_equal(gz->orig[p], strlen(gz->orig[p]), o, on))
			return NULL;
	const char *g = dated_place(d);
	if (g) {
		char *gf = NULL;
		if (paper_fold(&gf, NULL, NULL, g, strlen(g))) {
			d->oom = 1;
			return NULL;
		}
		int near = same_but_spaces(t, tn, gf) || vowel_twice_one_off(d, fa, fb, gf) ||
			   letter_unsure(d, fa, fb, gf);
		sh_free(gf);
		if (near)
			return g;
	}
	/* a date line that names the province: the gazetteer place the
	 * reading is with a vowel read twice ("MÙ CANG CHẲẢT"), of those the
	 * one with the most words read as printed ("Mù Cang Chải", not "Mù
	 * Căng Chải"); none when two tie */
	const char *hit = NULL;
	int best = -1, tie = 0;
	for (size_t p = 0; p < gz->n; p++) {
		if (!vowel_twice_one_off(d, fa, fb, gz->fold[p]) || (hit && !strcmp(hit, gz->orig[p])))
			continue;
		int same = words_as_printed(gz->orig[p], o, on);
		if (same > best) {
			best = same;
			hit = gz->orig[p];
			tie = 0;
		} else if (same == best) {
			tie = 1;
		}
	}
	return tie ? NULL : hit;
}
