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


/* The words of folded f from a read as phrase pf (pn bytes, two words or
 * more) with one word of three letters or more read with one lookalike
 * glyph ("thuc bien" for "thuc hien") and every other word as printed:
 * the end of the words read, else 0. */
static size_t phrase_near(const char *f, size_t fl, size_t a, const char *pf, size_t pn)
{
	if (!memchr(pf, ' ', pn))
		return 0;
	int slips = 0;
	size_t x = a, p = 0, y = a;
	while (p < pn) {
		size_t q = p;
		while (q < pn && pf[q] != ' ')
			q++;
		if (x >= fl || f[x] == ' ')
			return 0;
		y = x;
		while (y < fl && f[y] != ' ')
			y++;
		size_t ye = y;
		if (q == pn) /* the last word: punctuation after it is none of it */
			while (ye > x && !paper_is_wordc((unsigned char)f[ye - 1]))
				ye--;
		if (ye - x != q - p || memcmp(f + x, pf + p, q - p)) {
			if (q - p < 3 || slips++ || paper_lookalike_cost(pf + p, q - p, f + x, ye - x) != 1)
				return 0;
		}
		y = ye;
		p = q + (q < pn);
		x = y + (y < fl && f[y] == ' ');
	}
	return slips == 1 ? y : 0;
}

/* Put each catalogue phrase in where s holds its letters with other marks
 * ("Quy chê" -> "Quy chế", "CỐ PHẦN" -> "CỔ PHẦN"), or, for a phrase of two
 * words or more, with one word read with one lookalike glyph ("thực biện"
 * -> "thực hiện", phrase_near): whole words only, whatever the words'
 * confidence (the phrase is the context that makes it safe); in capitals
 * only where the whole phrase is (a phrase of two words or more). Titles
 * and company names only, never a person's name. */
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
		for (size_t a = 0; a < fl; a++) {
			if (a && paper_is_wordc((unsigned char)f[a - 1]))
				continue;
			size_t b = a + pn;
			if (b > fl || memcmp(f + a, pf, pn) || (b < fl && paper_is_wordc((unsigned char)f[b])))
				b = paper_is_wordc((unsigned char)f[a]) ? phrase_near(f, fl, a, pf, pn) : 0;
			if (!b)
				continue;
			size_t oa = map[a], ob = map[b];
			int letters, upper;
			count_case(s, oa, ob, &letters, &upper);
			/* a phrase in capitals ("CÔNG TY CỐ PHẦN") gets the
			 * phrase in capitals; mixed case is no phrase */
			int caps = upper > 1 && upper == letters && strchr(ph, ' ');
			if ((upper > 1 && !caps) || (!caps && paper_phrase_over_name(s, oa, ob, ph)))
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

/* The glyph at s standing for a roman numeral's letters in a numeral
 * read with lookalikes: its letters ("I", "II" for 'H', "V") and *len its
 * bytes, or NULL. quarter: after "quý", where 'T' and '1' are I too. */
static const char *numeral_glyph(const char *s, int quarter, size_t *len)
{
	static const struct {
		const char *g, *is;
		int quarter_only;
	} glyphs[] = {{"I", "I", 0},  {"l", "I", 0},      {"|", "I", 0},      {"!", "I", 0},
		      {"V", "V", 0},  {"\u00ef", "I", 0}, {"\u00cf", "I", 0}, {"\u00ec", "I", 0},
		      {"\u00cc", "I", 0}, {"\u00ed", "I", 0}, {"\u00cd", "I", 0}, {"H", "II", 1},
		      {"1", "I", 1},  {"T", "I", 1}};
	for (size_t i = 0; i < sizeof glyphs / sizeof *glyphs; i++) {
		size_t n = strlen(glyphs[i].g);
		if ((!glyphs[i].quarter_only || quarter) && !strncmp(s, glyphs[i].g, n)) {
			*len = n;
			return glyphs[i].is;
		}
	}
	return NULL;
}

/* The words before a roman numeral (folded, with the spelling the word
 * must have as read, or NULL for any): a quarter, a stage, a term. */
static const struct numeral_ctx {
	const char *fold, *read1, *read2;
	int quarter;
} numeral_ctxs[] = {
	{"quy ", NULL, NULL, 1},
	{"giai doan ", NULL, NULL, 0},
	{"khoa ", "khóa", "khoá", 0},
	{"ky ", "kỳ", NULL, 0},
};

/* 1 when the word s[oa, ob) read is ctx's word (case aside on the first
 * letter). */
static int ctx_word_fits(const struct numeral_ctx *c, const char *s, size_t oa, size_t ob)
{
	const char *r[2] = {c->read1, c->read2};
	if (!r[0])
		return 1;
	for (int i = 0; i < 2; i++) {
		if (!r[i] || strlen(r[i]) != ob - oa)
			continue;
		/* first letter: k / K */
		if ((s[oa] == r[i][0] || s[oa] == r[i][0] - 32) && !memcmp(s + oa + 1, r[i] + 1, ob - oa - 1))
			return 1;
	}
	return 0;
}

/* In place: the roman numeral after "quý" (a quarter), "giai đoạn",
 * "khóa", "kỳ" read with its lookalikes ("quý l!", "quý H", "quý 1I",
 * "giai đoạn ï", "quỷ Tï") before the end, a comma, a stop or (a quarter)
 * "năm" or a dash; (others) any word: I, l, |, !, ï, Ï, ì, í are I; after
 * "quý" H is II, 1 and T are I too. Only I to IV; a numeral read right
 * stays. "quỷ", "quỳ"... before a quarter's numeral is "quý". Takes and
 * gives s (the numeral may grow: "H" -> "II"); NULL on out of memory. */
static char *quarter_numeral(doc *d, char *s)
{
	for (size_t ci = 0; ci < sizeof numeral_ctxs / sizeof *numeral_ctxs && s; ci++) {
		const struct numeral_ctx *c = &numeral_ctxs[ci];
		size_t cn = strlen(c->fold);
		char *f = NULL;
		size_t fl = 0, *map = NULL;
		if (paper_fold(&f, &map, &fl, s, strlen(s))) {
			d->oom = 1;
			sh_free(s);
			return NULL;
		}
		for (size_t a = 0; a + cn < fl; a++) {
			if (memcmp(f + a, c->fold, cn) || (a && paper_is_wordc((unsigned char)f[a - 1])))
				continue;
			/* the word before the numeral: s[wa, wb) */
			const char *last = strrchr(c->fold, ' ');
			while (last > c->fold && last[-1] != ' ')
				last--;
			size_t wa = map[a + (size_t)(last - c->fold)], wb = map[a + cn - 1];
			if (!ctx_word_fits(c, s, wa, wb))
				continue;
			size_t oa = map[a + cn], ob = oa, gl;
			char want[8] = "";
			size_t wn = 0;
			const char *add;
			while ((add = numeral_glyph(s + ob, c->quarter, &gl)) && wn + strlen(add) + 1 < sizeof want) {
				memcpy(want + wn, add, strlen(add) + 1);
				wn += strlen(add);
				ob += gl;
			}
			const char *after = s + ob;
			int end_ok = c->quarter ? (!*after || *after == ',' || *after == '.' ||
						   (*after == ' ' && (!strncmp(after + 1, "năm", 4) || after[1] == '-')))
						: (!*after || strchr(" ,.;:)", *after));
			if (ob == oa || ob - oa > 6 ||
			    (strcmp(want, "I") && strcmp(want, "II") && strcmp(want, "III") && strcmp(want, "IV")) ||
			    !end_ok)
				continue;
			int same = ob - oa == wn && !memcmp(s + oa, want, wn);
			/* a quarter's word read with another tone ("quỷ") */
			const char *qw = NULL;
			if (c->quarter && s[wa + 1] != 'U' &&
			    (wb - wa != strlen("quý") || memcmp(s + wa + 1, "uý", strlen("uý"))))
				qw = s[wa] == 'Q' ? "Quý" : "quý";
			if (same && !qw)
				continue;
			char *r = sh_asprintf("%.*s%s%.*s%s%s", (int)wa, s, qw ? qw : "", qw ? 0 : (int)(wb - wa),
					      s + wa, "", "");
			if (r) {
				char *r2 = sh_asprintf("%s%.*s%s%s", r, (int)(oa - wb), s + wb, same ? "" : want,
						       same ? s + oa : after);
				sh_free(r);
				r = r2;
			}
			sh_free(s);
			s = r;
			if (!s)
				d->oom = 1;
			break; /* once per context: offsets changed */
		}
		sh_free(f);
		sh_free(map);
	}
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

/* ---- a company's legal form read with lookalike glyphs (session 13) ---- */

/* The legal forms printed after "CÔNG TY", and those after a form of
 * limited liability (docs/PAPERS.md "Issue 23: session 13"). Closed sets:
 * the Law on Enterprises has no others. */
static const char *const forms_first[] = {"TNHH", "CỔ PHẦN", "TRÁCH NHIỆM HỮU HẠN", "HỢP DANH", NULL};
static const char *const forms_then[] = {"MTV", "MỘT THÀNH VIÊN", "HAI THÀNH VIÊN TRỞ LÊN", NULL};

/* Glyphs a printed letter (folded) is read as: one glyph (each string: the
 * letter, then its lookalikes), or two ("HH" read "I1": an H's two bars
 * apart; a one-letter entry names the letter the pairs after it read). */
static const char *const look_one[] = {"hbil1|!k", "il1|!j", "li1|!", "o0qcd", "c(eo", "ec", "uv", "vu",
				       "t7", "b6h", "g9", "a4", "s5", "z2", "nh", NULL};
static const char *const look_two[] = {"h", "ii", "i1", "1i", "11", "il", "li", "ll", "ih", "hi", "|i", "i|",
				       "m", "rn", "nn", "iii", "n", "ii", "ri", "d", "cl", "u", "li", "ii", "ll", NULL};

static int looks_like_one(char f, char r)
{
	for (size_t i = 0; look_one[i]; i++)
		if (look_one[i][0] == f && strchr(look_one[i] + 1, r) && r)
			return 1;
	return 0;
}

static int looks_like_two(char f, const char *r, size_t rn)
{
	if (rn < 2)
		return 0;
	char letter = 0;
	for (size_t i = 0; look_two[i]; i++) {
		if (!look_two[i][1]) {
			letter = look_two[i][0];
			continue;
		}
		if (letter == f && look_two[i][0] == r[0] && look_two[i][1] == r[1])
			return 1;
	}
	return 0;
}

/* Lookalike glyphs needed to read folded word f (fn bytes) as r (rn
 * bytes): each letter of f read as itself, as one lookalike glyph or as
 * two; -1 when r is not f so read, or either is over 24 bytes. */
int paper_lookalike_cost(const char *f, size_t fn, const char *r, size_t rn)
{
	enum { MAXW = 24 };
	int c[MAXW + 1][MAXW + 1];
	if (fn > MAXW || rn > MAXW)
		return -1;
	for (size_t i = 0; i <= fn; i++)
		for (size_t j = 0; j <= rn; j++)
			c[i][j] = -1;
	c[0][0] = 0;
	for (size_t i = 0; i < fn; i++)
		for (size_t j = 0; j < rn; j++) {
			if (c[i][j] < 0)
				continue;
			int one = f[i] == r[j] ? 0 : looks_like_one(f[i], r[j]) ? 1 : -1;
			if (one >= 0 && (c[i + 1][j + 1] < 0 || c[i][j] + one < c[i + 1][j + 1]))
				c[i + 1][j + 1] = c[i][j] + one;
			if (looks_like_two(f[i], r + j, rn - j) &&
			    (c[i + 1][j + 2] < 0 || c[i][j] + 1 < c[i + 1][j + 2]))
				c[i + 1][j + 2] = c[i][j] + 1;
		}
	return c[fn][rn];
}

typedef struct {
	size_t a, b; /* bytes of the word in s */
	char f[32];  /* folded; "" when too long */
} form_word;

/* Glyphs to read form fm as the nw words at w: the sum over its words, -1
 * when a word is not that word so read. A word read otherwise than its
 * letters must be no Vietnamese syllable (a real word read well is never
 * taken for a form), and at most half of its letters and two of them
 * lookalikes. */
static int form_cost(doc *d, const char *s, const form_word *w, size_t nw, const char *fm)
{
	char *ff = NULL;
	size_t fl = 0;
	if (paper_fold(&ff, NULL, &fl, fm, strlen(fm))) {
		d->oom = 1;
		return -1;
	}
	int total = 0;
	size_t k = 0;
	for (const char *p = ff; *p && total >= 0; k++) {
		size_t n = strcspn(p, " ");
		if (k >= nw || !w[k].f[0]) {
			total = -1;
			break;
		}
		int c = paper_lookalike_cost(p, n, w[k].f, strlen(w[k].f));
		if (c < 0 || (c && (paper_syllable_ok(s + w[k].a, w[k].b - w[k].a) || 2 * (size_t)c > n || c > 2)))
			total = -1;
		else
			total += c;
		p += n;
		p += *p == ' ';
	}
	sh_free(ff);
	return total;
}

/* The form of list fl whose words are at w (nw words on): its index when
 * exactly one form is read there with the fewest lookalikes, *cost set;
 * -1 otherwise. */
static int form_at(doc *d, const char *s, const form_word *w, size_t nw, const char *const *fl, int *cost)
{
	int best = -1, bc = -1, ties = 0;
	for (int i = 0; fl[i]; i++) {
		int c = form_cost(d, s, w, nw, fl[i]);
		if (c < 0)
			continue;
		if (bc < 0 || c < bc)
			best = i, bc = c, ties = 0;
		else if (c == bc)
			ties++;
	}
	*cost = bc;
	return ties ? -1 : best;
}

static size_t words_of(const char *fm)
{
	size_t n = 1;
	for (; *fm; fm++)
		n += *fm == ' ';
	return n;
}

/* form in small letters (a form of words read in small letters); NULL with
 * d->oom on out of memory. */
static char *lower_dup(doc *d, const char *fm)
{
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	for (const char *p = fm; *p && !rc;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &c);
		if (n <= 0)
			break;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(utf8proc_tolower(c), e);
		rc = sh_buf_put(&b, e, (size_t)en);
		p += n;
	}
	char *r = rc ? NULL : sh_buf_detach(&b);
	if (!r) {
		sh_buf_free(&b);
		d->oom = 1;
	}
	return r;
}

/* One form put back in *s (company_forms): 1 when one was, 0 when none, -1
 * on out of memory. */
static int company_form_once(doc *d, char **sp)
{
	enum { MAXW = 48 };
	form_word w[MAXW];
	size_t nw = 0;
	char *s = *sp;
	for (size_t i = 0; s[i] && nw < MAXW;) {
		i += strspn(s + i, " ");
		if (!s[i])
			break;
		size_t n = strcspn(s + i, " ");
		char *f = NULL;
		size_t fl = 0;
		w[nw].a = i, w[nw].b = i + n, w[nw].f[0] = 0;
		if (paper_fold(&f, NULL, &fl, s + i, n))
			return -1;
		if (fl < sizeof w[nw].f)
			memcpy(w[nw].f, f, fl + 1);
		sh_free(f);
		nw++;
		i += n;
	}
	size_t at = 0;
	while (at + 1 < nw && (strcmp(w[at].f, "cong") || strcmp(w[at + 1].f, "ty")))
		at++;
	at += 2;
	const char *const *lists[2] = {forms_first, forms_then};
	for (int level = 0; level < 2 && at < nw; level++) {
		int cost;
		int i = form_at(d, s, w + at, nw - at, lists[level], &cost);
		if (d->oom)
			return -1;
		if (i < 0)
			return 0;
		const char *fm = lists[level][i];
		size_t k = words_of(fm);
		if (cost > 0) {
			int letters, upper;
			count_case(s, w[at].a, w[at + k - 1].b, &letters, &upper);
			/* an abbreviation stays in capitals */
			char *low = strchr(fm, ' ') && 2 * upper < letters ? lower_dup(d, fm) : NULL;
			if (d->oom)
				return -1;
			size_t oa = w[at].a, ob = w[at + k - 1].b;
			char *r = sh_asprintf("%.*s%s%s", (int)oa, s, low ? low : fm, s + ob);
			sh_free(low);
			if (!r)
				return -1;
			sh_free(s);
			*sp = r;
			return 1;
		}
		at += k;
		if (strcmp(fm, "TNHH") && strcmp(fm, "TRÁCH NHIỆM HỮU HẠN"))
			break;
	}
	return 0;
}

/* In a company name, the legal form after "CÔNG TY" (and a second form
 * after a form of limited liability: "TNHH MTV") read with lookalike
 * glyphs ("TNI1", "TNHI", "C0 PHẦN") is put back when exactly one form
 * reads so with the fewest; a form read as printed, a real word and two
 * forms as near stay as read. The caller keeps the reading (as_read).
 * Takes s, returns the result (NULL with d->oom on out of memory). */
char *paper_company_forms(doc *d, char *s)
{
	if (!s || d->no_restore)
		return s;
	for (int pass = 0; pass < 2; pass++) {
		int rc = company_form_once(d, &s);
		if (rc < 0) {
			d->oom = 1;
			sh_free(s);
			return NULL;
		}
		if (!rc)
			break;
	}
	return s;
}

/* ---- a small letter read as its capital in a title (session 20) -------- */

/* Does code point c carry a tone mark (grave, acute, tilde, hook, dot
 * below)? Its base letter (ASCII, upper case) in *base, 0 when none. */
static int toned(utf8proc_int32_t c, char *base)
{
	utf8proc_int32_t dc[8];
	int opt = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(c, dc, 8, UTF8PROC_DECOMPOSE, &opt);
	*base = n > 0 && dc[0] < 128 ? (char)utf8proc_toupper(dc[0]) : 0;
	for (utf8proc_ssize_t i = 1; i < n; i++)
		if (dc[i] == 0x300 || dc[i] == 0x301 || dc[i] == 0x303 || dc[i] == 0x309 || dc[i] == 0x323)
			return 1;
	return 0;
}

/* Word s[a, b): 2 all capitals with a tone mark, its letters after the
 * first of shapes whose small form is the capital made smaller (C, O, S,
 * U, V, W, X, Z with any marks); 1 another word with a small letter; 0
 * else (all capitals otherwise, no letters). */
static int caps_kind(const char *s, size_t a, size_t b)
{
	int lower = 0, upper = 0, tone = 0, shapes = 1, k = 0;
	for (size_t i = a; i < b;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(b - i), &c);
		if (n <= 0)
			return 0;
		i += (size_t)n;
		if (utf8proc_islower(c)) {
			lower = 1;
		} else if (utf8proc_isupper(c)) {
			char base;
			upper++;
			tone |= toned(c, &base);
			if (k++ && (!base || !strchr("COSUVWXZ", base)))
				shapes = 0;
		}
	}
	if (lower)
		return 1;
	return upper >= 2 && tone && shapes ? 2 : 0;
}

char *paper_title_small_caps(doc *d, char *s)
{
	if (!s || d->no_restore)
		return s;
	size_t n = strlen(s), ws[32], we[32], nw = 0, small = 0;
	int kind[32];
	for (size_t i = 0; i < n && nw < 32;) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		ws[nw] = i;
		while (i < n && s[i] != ' ')
			i++;
		we[nw] = i;
		kind[nw] = caps_kind(s, ws[nw], we[nw]);
		small += kind[nw] == 1;
		nw++;
	}
	/* a title in small letters: most of its words have one */
	if (nw < 3 || small * 2 <= nw)
		return s;
	for (size_t w = 1; w < nw; w++) {
		if (kind[w] != 2 || kind[w - 1] != 1 || (w + 1 < nw && kind[w + 1] != 1))
			continue;
		char *lw = NULL;
		size_t fl = 0;
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + ws[w], (utf8proc_ssize_t)(we[w] - ws[w]), &c);
		if (k <= 0)
			continue;
		if (sh_text_lower(&lw, s + ws[w] + k, we[w] - ws[w] - (size_t)k)) {
			d->oom = 1;
			return s;
		}
		fl = strlen(lw);
		/* the small letters take as many bytes as the capitals */
		if (fl == we[w] - ws[w] - (size_t)k)
			memcpy(s + ws[w] + k, lw, fl);
		sh_free(lw);
	}
	return s;
}
