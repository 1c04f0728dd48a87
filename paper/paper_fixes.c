/* OCR slips of hard scans put right where the shape of the value leaves
 * one reading (issue 18, tune3): an address's punctuation, "la" for the
 * "Ia" of highland places and level words with a wrong tone; a number's
 * year run into its type code. Every rule keeps what it cannot be sure of
 * as read. */
#include "paper_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

/* Is the folded name f (n bytes) a listed place (any list)? */
static int place_listed(const doc *d, const char *f, size_t n)
{
	for (int l = 0; l < paper_place_lists(); l++) {
		const paper_strs *p = paper_place_list(d->k, l);
		for (size_t i = 0; i < p->n; i++)
			if (strlen(p->fold[i]) == n && !memcmp(p->fold[i], f, n))
				return 1;
	}
	return 0;
}

static const struct {
	const char *fold, *print;
} level_words[] = {{"thanh pho ", "thành phố"}, {"thi xa ", "thị xã"}, {"thi tran ", "thị trấn"},
		   {"tinh ", "tỉnh"},            {"huyen ", "huyện"},  {"xa ", "xã"},
		   {"quan ", "quận"},            {"phuong ", "phường"}, {"dac khu ", "đặc khu"}};

/* The level word folded part f (n bytes) starts with, or -1. */
static long level_at(const char *f, size_t n)
{
	for (size_t t = 0; t < sizeof level_words / sizeof *level_words; t++) {
		size_t ln = strlen(level_words[t].fold);
		if (n > ln && !memcmp(f, level_words[t].fold, ln))
			return (long)t;
	}
	return -1;
}

/* Fold s[a, b) into a fresh string (*out), its length in *n. */
static int fold_range(char **out, size_t *n, const char *s, size_t a, size_t b)
{
	while (a < b && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	return paper_fold(out, NULL, n, s + a, b - a);
}

/* Is s[a, b) a place part: a level word and a name, or a listed place? */
static int place_part(doc *d, const char *s, size_t a, size_t b)
{
	char *f = NULL;
	size_t n = 0;
	if (fold_range(&f, &n, s, a, b)) {
		d->oom = 1;
		return 0;
	}
	int r = level_at(f, n) >= 0 || place_listed(d, f, n);
	sh_free(f);
	return r;
}

/* One part of an address (between commas) put right into b: a level word
 * read with other marks ("tính") before a listed place, when the part as
 * read is no listed place ("Tịnh Biên" stays), is the level word as
 * printed; "la" before a name that is no listed place while "Ia" and that
 * name is ("la Grai" → "Ia Grai": the capital I of the highland names read
 * as a small l) is "Ia". */
static int address_part(doc *d, sh_buf *b, const char *p, size_t n)
{
	size_t sp = 0;
	while (sp < n && p[sp] == ' ')
		sp++;
	int rc = sh_buf_put(b, p, sp);
	p += sp, n -= sp;
	char *f = NULL, *lw = NULL;
	size_t *map = NULL, fn = 0, w = 0, fa = 0; /* w: bytes of p written */
	if (!n)
		return rc;
	if (paper_fold(&f, &map, &fn, p, n))
		return -1;
	while (fn && f[fn - 1] == ' ')
		fn--;
	long lv = level_at(f, fn);
	if (lv >= 0) {
		size_t ln = strlen(level_words[lv].fold);
		const char *pr = level_words[lv].print;
		size_t ob = map[ln - 1];
		if (sh_text_lower(&lw, p, ob)) {
			rc = -1;
			goto out;
		}
		if (strcmp(lw, pr) && place_listed(d, f + ln, fn - ln) && !place_listed(d, f, fn)) {
			utf8proc_int32_t c;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)ob, &c);
			if (k > 0 && utf8proc_isupper(c))
				rc |= sh_buf_printf(b, "%c%s", pr[0] - 'a' + 'A', pr + 1);
			else
				rc |= sh_buf_puts(b, pr);
			w = ob;
		}
		fa = ln;
	}
	/* "la X" after any level word */
	if (fn - fa > 3 && !memcmp(f + fa, "la ", 3) && !memcmp(p + map[fa], "la ", 3) &&
	    !place_listed(d, f + fa, fn - fa)) {
		f[fa] = 'i';
		if (place_listed(d, f + fa, fn - fa)) {
			rc |= sh_buf_put(b, p + w, map[fa] - w) | sh_buf_puts(b, "I");
			w = map[fa] + 1;
		}
	}
	rc |= sh_buf_put(b, p + w, n - w);
out:
	sh_free(lw);
	sh_free(f);
	sh_free(map);
	return rc;
}

char *paper_address_marks(doc *d, char *s)
{
	if (!s || d->no_restore)
		return s;
	/* ". " between two place parts is the comma OCR read as a period */
	size_t len = strlen(s), prev = 0;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == ',') {
			prev = i + 1;
			continue;
		}
		if (s[i] != '.' || s[i + 1] != ' ')
			continue;
		size_t e = i + 1;
		while (e < len && s[e] != ',' && s[e] != '.')
			e++;
		if (place_part(d, s, prev, i) && place_part(d, s, i + 1, e))
			s[i] = ',';
		prev = i + 1;
	}
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		rc |= address_part(d, &b, p, n);
		p += n;
		if (*p == ',')
			rc |= sh_buf_put(&b, p++, 1);
	}
	sh_free(s);
	if (rc || d->oom) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	return sh_buf_detach(&b);
}

/* Does s fit shape ('@' a capital letter, '9' a digit, the rest itself)? */
static int shape_fits(const char *s, const char *shape)
{
	for (; *s && *shape; s++, shape++) {
		if (*shape == '@' ? !(*s >= 'A' && *s <= 'Z')
		    : *shape == '9' ? !(*s >= '0' && *s <= '9')
				    : *s != *shape)
			return 0;
	}
	return !*s && !*shape;
}

/* The digit a letter in a digit's place was read for (I, l, | 1; O, o 0),
 * else 0. */
static char digit_for(char c)
{
	return c == 'O' || c == 'o' ? '0' : c == 'I' || c == 'l' || c == '|' ? '1' : 0;
}

/* In place: letters in digits' places of a number. The part before the
 * first '/' of "12/TLKT-BS" is digits ("I/TLKT-BS", "1O/QĐ": its
 * lookalikes are digits when it holds a digit or is one "I"); a number
 * that fits a shape ('9' a digit) once its lookalikes in digit places are
 * digits ("A93I060" for "@999999") is that number. */
static void number_lookalikes(char *s, const paper_strs *sh)
{
	size_t n = strlen(s), sl = strcspn(s, "/");
	if (sl < n && sl > 0 && sl <= 6) {
		size_t digits = 0, looks = 0;
		for (size_t i = 0; i < sl; i++) {
			digits += s[i] >= '0' && s[i] <= '9';
			looks += digit_for(s[i]) != 0;
		}
		if (looks && digits + looks == sl && (digits || (sl == 1 && s[0] != 'O' && s[0] != 'o')))
			for (size_t i = 0; i < sl; i++)
				if (digit_for(s[i]))
					s[i] = digit_for(s[i]);
	}
	for (size_t k = 0; k < sh->n; k++) {
		const char *shape = sh->orig[k];
		char t[32];
		if (n >= sizeof t || strlen(shape) != n || shape_fits(s, shape))
			continue;
		memcpy(t, s, n + 1);
		for (size_t i = 0; i < n; i++)
			if (shape[i] == '9' && digit_for(t[i]))
				t[i] = digit_for(t[i]);
		if (shape_fits(t, shape)) {
			memcpy(s, t, n + 1);
			return;
		}
	}
}

/* In place: a number read with a space inside ("A2071 13") that fits a
 * shape without it (letters in digits' places read as digits, as
 * number_lookalikes) is that number; "A93 060" (a digit lost) fits none
 * and stays. */
static void number_spaces(char *s, const paper_strs *sh)
{
	char t[32];
	size_t n = 0;
	if (!strchr(s, ' ') || strlen(s) >= sizeof t)
		return;
	for (const char *p = s; *p; p++)
		if (*p != ' ')
			t[n++] = *p;
	t[n] = 0;
	for (size_t k = 0; k < sh->n; k++) {
		const char *shape = sh->orig[k];
		char u[32];
		if (strlen(shape) != n)
			continue;
		memcpy(u, t, n + 1);
		for (size_t i = 0; i < n; i++)
			if (shape[i] == '9' && digit_for(u[i]))
				u[i] = digit_for(u[i]);
		if (shape_fits(u, shape)) {
			memcpy(s, t, n + 1);
			return;
		}
	}
}

/* In place: a number that fits a shape once one of the shape's own
 * letters, read as a round lookalike, is that letter ("OH-560971" for the
 * series "QH-999999": mono faces drop the Q's tail) is that number, when
 * exactly one shape fits so and the number fits none as read. */
static void number_series_letter(char *s, const paper_strs *sh)
{
	static const char *const round[][2] = {{"Q", "O0"}, {"O", "Q0D"}, {"D", "O0"}};
	size_t n = strlen(s), hits = 0;
	char hit[32];
	if (n >= sizeof hit)
		return;
	for (size_t k = 0; k < sh->n; k++)
		if (shape_fits(s, sh->orig[k]))
			return;
	for (size_t k = 0; k < sh->n; k++) {
		const char *shape = sh->orig[k];
		if (strlen(shape) != n)
			continue;
		for (size_t i = 0; i < n; i++) {
			for (size_t r = 0; r < sizeof round / sizeof *round; r++) {
				char t[32];
				if (shape[i] != round[r][0][0] || !strchr(round[r][1], s[i]))
					continue;
				memcpy(t, s, n + 1);
				t[i] = shape[i];
				if (shape_fits(t, shape) && (!hits || strcmp(hit, t))) {
					hits++;
					memcpy(hit, t, n + 1);
				}
			}
		}
	}
	if (hits == 1)
		memcpy(s, hit, n + 1);
}

/* The slashes italic faces are read with (FRACTION SLASH, DIVISION
 * SLASH) are the number's '/' ("19⁄TLKT-BS"), as the folded text has it. */
static void number_slashes(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		if (!strncmp(r, "\xE2\x81\x84", 3) || !strncmp(r, "\xE2\x88\x95", 3)) {
			*w++ = '/';
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
}

/* A '.' read beside a number's separator ("18/TLKT-.BS", "18/TLKT.-BS",
 * an italic face's stroke): no segment starts or ends with one. In place. */
static void number_stray_dots(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		int sep_before = w > s && (w[-1] == '-' || w[-1] == '/');
		int sep_after = r[1] == '-' || r[1] == '/';
		if (*r == '.' && w > s && r[1] && (sep_before || sep_after) && !(sep_before && sep_after))
			continue;
		*w++ = *r;
	}
	*w = 0;
}

char *paper_number_shape(doc *d, const paper_kind *pk, char *s)
{
	/* the capitals a digit is read for */
	static const char *const look[10] = {"OD", "I", "Z", "", "A", "S", "G", "", "B", ""};
	const paper_strs *sh = &pk->number_shapes;
	size_t n = s ? strlen(s) : 0;
	if (s && !d->no_restore) {
		number_slashes(s);
		number_stray_dots(s);
		number_spaces(s, sh);
		number_lookalikes(s, sh);
		number_series_letter(s, sh);
	}
	if (!s || d->no_restore || !sh->n || n >= 32 || strchr(s, ' '))
		return s;
	for (size_t i = 0; i < sh->n; i++)
		if (shape_fits(s, sh->orig[i]))
			return s;
	int conf = paper_word_conf(d, s, n);
	if (conf < 0 || conf >= SH_PAPER_WEAK_CONF)
		return s;
	char t[32], hit[32] = "";
	int hits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		for (const char *c = look[s[i] - '0']; *c; c++) {
			memcpy(t, s, n + 1);
			t[i] = *c;
			for (size_t k = 0; k < sh->n; k++)
				if (shape_fits(t, sh->orig[k]) && strcmp(hit, t)) {
					hits++;
					memcpy(hit, t, n + 1);
				}
		}
	}
	if (hits == 1)
		memcpy(s, hit, n + 1);
	return s;
}

/* a capital A-Z or Đ ending right before p (t the start): its length, or 0 */
static size_t capital_before(const char *t, const char *p)
{
	if (p > t && p[-1] >= 'A' && p[-1] <= 'Z')
		return 1;
	if (p - t >= 2 && (unsigned char)p[-2] == 0xC4 && (unsigned char)p[-1] == 0x90)
		return 2;
	return 0;
}

int paper_type_underscore(const char *t, const char *w, const char *next)
{
	if (!((*next >= 'A' && *next <= 'Z') || ((unsigned char)next[0] == 0xC4 && (unsigned char)next[1] == 0x90)))
		return 0;
	const char *p = w;
	size_t k, n = 0;
	while ((k = capital_before(t, p)) && n < 8) {
		p -= k;
		n++;
	}
	return n && n < 8 && p - t >= 2 && p[-1] == '/' && p[-2] >= '0' && p[-2] <= '9';
}
