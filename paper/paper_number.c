/* A second reading of a paper's number (issue 18 and 23, docs/PAPERS.md
 * "numbers read again"): the digits of "Số: 1914/QĐ-UBND" read again,
 * digits only, on the page image (the caller's reader, the same passes as
 * dates and ids). Passes that agree among themselves on other digits than
 * the page correct them (the number "reread", as read kept); passes that
 * disagree among themselves leave the number as read, flagged "unsure"
 * for review. Never a number nobody read. */
#include "paper_hocr.h"
#include "paper_int.h"

#include <string.h>

/* The first run of 2..SH_PAPER_DIGITS_MAX-1 digits in s: start and length,
 * 0 when none. */
static size_t digit_run(const char *s, size_t *at)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		size_t n = 0;
		while (s[i + n] >= '0' && s[i + n] <= '9')
			n++;
		if (n >= 2 && n < SH_PAPER_DIGITS_MAX) {
			*at = i;
			return n;
		}
		i += n - 1;
	}
	return 0;
}

/* Characters (UTF-8 code points) of s[0..n). */
static size_t glyphs(const char *s, size_t n)
{
	size_t g = 0;
	for (size_t i = 0; i < n; i++)
		g += ((unsigned char)s[i] & 0xC0) != 0x80;
	return g;
}

/* Is w the folded word want ("so"; "Số:", "SỐ", "So")? */
static int is_word(const char *w, const char *want)
{
	char *f = NULL;
	size_t fl = 0;
	if (paper_fold(&f, NULL, &fl, w, strlen(w)))
		return 0;
	while (fl && strchr(".,:", f[fl - 1]))
		fl--;
	int ok = fl == strlen(want) && !memcmp(f, want, fl);
	sh_free(f);
	return ok;
}

/* Glyphs OCR reads for a 1 at the start of a number. */
#define LOOKALIKES "JIl|!"

/* The number's word: the first word after a "Số" (or "Số hiệu") label
 * on its line that holds a run of digits; its digits (dg) and the box of
 * the run, cut from the word's box by its share of the word's glyphs.
 * *lead: the run follows a 1-lookalike that opens the word and the slash
 * follows the run ("J25/TLKT-BS": an agency number's place, digits before
 * the slash); the box then takes the lookalike in. */
/* A capital glued after the run and before the slash ('/' or the
 * fraction slash italic faces read): "19X⁄TLKT-BS", FreeSerif Bold's 3. */
static int letter_before_slash(const char *t)
{
	return t[0] >= 'A' && t[0] <= 'Z' && (t[1] == '/' || !strncmp(t + 1, "\xE2\x81\x84", 3));
}

static int number_word(sh_paper_box *out, char dg[SH_PAPER_DIGITS_MAX], int *lead, const char *hocr)
{
	paper_hword *v = NULL;
	size_t nv = 0, at = 0, n = 0;
	if (!hocr || paper_hocr_words(&v, &nv, NULL, hocr, 64, 0))
		return 0;
	int found = 0;
	for (size_t i = 0; i + 1 < nv && !found; i++) {
		if (!is_word(v[i].t, "so"))
			continue;
		const paper_hword *w = &v[i + 1];
		/* a diploma's "Số hiệu: QH-468891" */
		if (i + 2 < nv && is_word(w->t, "hieu"))
			w++;
		if (w->line != v[i].line || !(n = digit_run(w->t, &at)))
			continue;
		*lead = at == 1 && strchr(LOOKALIKES, w->t[0]) && w->t[at + n] == '/';
		/* 2: a letter for the run's last digit, taken into the box */
		int trail = !*lead && letter_before_slash(w->t + at + n);
		if (trail)
			*lead = 2;
		size_t all = glyphs(w->t, strlen(w->t)), before = *lead == 1 ? 0 : glyphs(w->t, at);
		int width = w->b.x1 - w->b.x0;
		if (!all || width <= 0)
			continue;
		*out = w->b;
		out->x0 = w->b.x0 + (int)((long)width * (long)before / (long)all);
		out->x1 = w->b.x0 + (int)((long)width * (long)(glyphs(w->t, at) + n + (size_t)trail) / (long)all);
		memcpy(dg, w->t + at, n);
		dg[n] = 0;
		found = out->x1 > out->x0;
	}
	sh_free(v);
	return found;
}

int sh_paper_hocr_number_box(sh_paper_box *out, const char *hocr)
{
	char dg[SH_PAPER_DIGITS_MAX];
	int lead = 0;
	return out && number_word(out, dg, &lead, hocr);
}

/* A reading as the digits of the page's run dg: digits only. One digit
 * more is a glyph next to the run read at the crop's edge: the slash after
 * it (a 1, 4 or 7 at the end, when the word goes on after the run) or a
 * letter before it ("B967974" read "1967974", when the word has glyphs
 * before the run); a reading that is dg so is dg. 0 when it is no reading
 * of the run's length. */
static int as_run(char r[SH_PAPER_DIGITS_MAX], const char *s, const char *dg, int before, int after)
{
	size_t k = 0, n = strlen(dg);
	for (; *s && k + 1 < SH_PAPER_DIGITS_MAX; s++)
		if (*s >= '0' && *s <= '9')
			r[k++] = *s;
	r[k] = 0;
	/* the run's leading 1 lost (an italic 1 beside the crop's edge) and
	 * the slash after it read as a digit ("126/TB" read "267", "261"):
	 * the page's digits, shifted by one */
	if (k == n && after && n >= 2 && dg[0] == '1' && strchr("147", r[n - 1]) && !strncmp(r, dg + 1, n - 1)) {
		memcpy(r, dg, n + 1);
		return 1;
	}
	if (k != n + 1)
		return k == n;
	if ((before && !strcmp(r + 1, dg)) || (after && !strncmp(r, dg, n))) {
		memcpy(r, dg, n + 1);
		return 1;
	}
	if (before == after)
		return 0;
	if (before)
		memmove(r, r + 1, n + 1);
	else if (strchr("147", r[n]))
		r[n] = 0;
	else
		return 0;
	return 1;
}

/* "J25/TLKT-BS": the lookalike is a 1 when two or more readings of the
 * box give "1" and the run's digits, and none gives another number of
 * that length. */
static int lookalike_read(sh_paper_facts *f, const char *dg, char rd[][SH_PAPER_DIGITS_MAX], size_t nr)
{
	size_t n = strlen(dg), one = 0;
	for (size_t i = 0; i < nr && i < SH_PAPER_READS_MAX; i++) {
		char r[SH_PAPER_DIGITS_MAX];
		size_t k = 0;
		for (const char *s = rd[i]; *s && k + 1 < sizeof r; s++)
			if (*s >= '0' && *s <= '9')
				r[k++] = *s;
		r[k] = 0;
		if (k != n + 1)
			continue;
		if (r[0] != '1' || strcmp(r + 1, dg))
			return SH_OK;
		one++;
	}
	if (one < 2)
		return SH_OK;
	char *was = sh_strdup(f->v[SH_FACT_NUMBER]);
	if (!was)
		return sh_error_set(SH_ENOMEM, "out of memory reading a number again");
	f->v[SH_FACT_NUMBER][0] = '1';
	sh_free(f->as_read[SH_FACT_NUMBER]);
	f->as_read[SH_FACT_NUMBER] = was;
	f->reread |= 1u << SH_FACT_NUMBER;
	return SH_OK;
}

/* "19X/TLKT-BS": the letter glued between the run and the slash is the
 * digit two readings or more of the box give after the run's digits, when
 * every reading of that length agrees; else the number is left out (a
 * letter where a digit stands: no number rather than a wrong one). */
static int letter_read(sh_paper_facts *f, size_t at, const char *dg, char rd[][SH_PAPER_DIGITS_MAX], size_t nr)
{
	size_t n = strlen(dg), yes = 0;
	char got = 0;
	for (size_t i = 0; i < nr && i < SH_PAPER_READS_MAX; i++) {
		char r[SH_PAPER_DIGITS_MAX];
		size_t k = 0;
		for (const char *s = rd[i]; *s && k + 1 < sizeof r; s++)
			if (*s >= '0' && *s <= '9')
				r[k++] = *s;
		r[k] = 0;
		if (k != n + 1)
			continue;
		if (strncmp(r, dg, n) || (got && r[n] != got)) {
			got = 0;
			yes = 0;
			break;
		}
		got = r[n];
		yes++;
	}
	char *was = sh_strdup(f->v[SH_FACT_NUMBER]);
	if (!was)
		return sh_error_set(SH_ENOMEM, "out of memory reading a number again");
	sh_free(f->as_read[SH_FACT_NUMBER]);
	f->as_read[SH_FACT_NUMBER] = was;
	if (yes < 2) {
		sh_free(f->v[SH_FACT_NUMBER]);
		f->v[SH_FACT_NUMBER] = NULL;
		f->doubted |= 1u << SH_FACT_NUMBER;
		return SH_OK;
	}
	f->v[SH_FACT_NUMBER][at + n] = got;
	f->reread |= 1u << SH_FACT_NUMBER;
	return SH_OK;
}

/* The number extraction took with a 1 for the lookalike before run dg:
 * kept when two passes or more give "1" and dg, else left out
 * (doubted). */
static int glyph_one_read(sh_paper_facts *f, const char *dg, sh_paper_digits_fn fn, void *arg, const sh_paper_box *b)
{
	char rd[SH_PAPER_READS_MAX][SH_PAPER_DIGITS_MAX];
	size_t nr = fn(arg, b, rd, SH_PAPER_READS_MAX), one = 0;
	for (size_t i = 0; i < nr && i < SH_PAPER_READS_MAX; i++) {
		char r[SH_PAPER_DIGITS_MAX];
		size_t k = 0;
		for (const char *s = rd[i]; *s && k + 1 < sizeof r; s++)
			if (*s >= '0' && *s <= '9')
				r[k++] = *s;
		r[k] = 0;
		one += r[0] == '1' && !strcmp(r + 1, dg);
	}
	if (one >= 2)
		return SH_OK;
	char *was = sh_strdup(f->v[SH_FACT_NUMBER]);
	if (!was)
		return sh_error_set(SH_ENOMEM, "out of memory reading a number again");
	sh_free(f->as_read[SH_FACT_NUMBER]);
	f->as_read[SH_FACT_NUMBER] = was;
	sh_free(f->v[SH_FACT_NUMBER]);
	f->v[SH_FACT_NUMBER] = NULL;
	f->doubted |= 1u << SH_FACT_NUMBER;
	return SH_OK;
}

/* Does reading r change a 9 of the page's run dg into a 5 (and no other
 * digit but such)? */
static int nine_read_five(const char *dg, const char *r)
{
	size_t n = strlen(dg), k = 0;
	if (strlen(r) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (dg[i] == r[i])
			continue;
		if (dg[i] != '9' || r[i] != '5')
			return 0;
		k++;
	}
	return k > 0;
}

int sh_paper_number_reread(sh_paper_facts *f, const char *hocr, sh_paper_digits_fn fn, void *arg)
{
	if (!f || !hocr || !fn)
		return sh_error_set(SH_EINVAL, "a number read again needs facts, hOCR and a reader");
	const char *v = f->v[SH_FACT_NUMBER];
	sh_paper_box b;
	char dg[SH_PAPER_DIGITS_MAX], rd[SH_PAPER_READS_MAX][SH_PAPER_DIGITS_MAX];
	size_t at = 0, n;
	int lead = 0;
	/* the word after "Số" must be the number extraction took */
	if (!v || (f->reread >> SH_FACT_NUMBER & 1u) || !number_word(&b, dg, &lead, hocr) ||
	    !(n = digit_run(v, &at)))
		return SH_OK;
	/* "!1599/2021/QĐ" taken as 11599: a glyph that makes a run of four
	 * digits one of five (a number few papers reach) is a 1 only when
	 * two passes or more read it so; else the number is left out rather
	 * than given a digit nobody read (session 20). Shorter runs keep it
	 * as before: "!97/KH" is 197, whose thin 1 the passes lose. */
	if (lead == 1 && strlen(dg) >= 4 && n == strlen(dg) + 1 && v[at] == '1' && !memcmp(v + at + 1, dg, n - 1))
		return glyph_one_read(f, dg, fn, arg, &b);
	if (n != strlen(dg) || memcmp(v + at, dg, n))
		return SH_OK;
	if (lead == 1 && (at != 1 || !strchr(LOOKALIKES, v[0])))
		return SH_OK;
	if (lead == 2 && !letter_before_slash(v + at + n))
		return SH_OK;
	size_t nr = fn(arg, &b, rd, SH_PAPER_READS_MAX), good = 0, page = 0;
	if (lead == 1)
		return lookalike_read(f, dg, rd, nr);
	if (lead == 2)
		return letter_read(f, at, dg, rd, nr);
	char r[SH_PAPER_READS_MAX][SH_PAPER_DIGITS_MAX];
	for (size_t i = 0; i < nr && i < SH_PAPER_READS_MAX; i++)
		if (as_run(r[good], rd[i], dg, at > 0, v[at + n] != 0))
			page += !strcmp(r[good++], dg);
	if (good < 2 || page == good)
		return SH_OK;
	size_t same = 0;
	for (size_t i = 0; i < good; i++)
		same += !strcmp(r[i], r[0]);
	/* every reading of the run's length agrees on other digits (a pass
	 * that gave no such reading says nothing), but a page's 9 read 5:
	 * the digit reader's own slip on sans italics and photos ("289"
	 * read 285 four times, "2499" 2495: session 20), no evidence against
	 * the page; the number is left out (below) rather than changed */
	if (!page && same == good && !nine_read_five(dg, r[0])) {
		char *was = sh_strdup(v);
		if (!was)
			return sh_error_set(SH_ENOMEM, "out of memory reading a number again");
		memcpy(f->v[SH_FACT_NUMBER] + at, r[0], n);
		sh_free(f->as_read[SH_FACT_NUMBER]);
		f->as_read[SH_FACT_NUMBER] = was;
		f->reread |= 1u << SH_FACT_NUMBER;
		return SH_OK;
	}
	/* no pass reads the page's digits, two or more read the same other
	 * ones, three or more of the run's length ("3236" read again 2236,
	 * 2236, 2246: a phone photo, issue 23): the digits are no sure
	 * reading; the number is left out (doubted) rather than stored wrong */
	size_t most = 0;
	for (size_t i = 0; i < good; i++) {
		size_t m = 0;
		for (size_t j = 0; j < good; j++)
			m += !strcmp(r[i], r[j]);
		most = m > most ? m : most;
	}
	if (!page && (good >= 3 || nine_read_five(dg, r[0])) && most >= 2) {
		sh_free(f->v[SH_FACT_NUMBER]);
		f->v[SH_FACT_NUMBER] = NULL;
		sh_free(f->as_read[SH_FACT_NUMBER]);
		f->as_read[SH_FACT_NUMBER] = NULL;
		f->doubted |= 1u << SH_FACT_NUMBER;
		return SH_OK;
	}
	/* the passes disagree among themselves, most of them not with the
	 * page's digits: for review */
	if (same < good && page * 2 <= good)
		f->unsure |= 1u << SH_FACT_NUMBER;
	return SH_OK;
}
