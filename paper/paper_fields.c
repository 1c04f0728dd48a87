/* Labelled facts of personal and company papers: ids, names, dates, sex. */
#include "paper_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* ---- labelled facts ----------------------------------------------------- */


/* The value line for a label with nothing after it: the next line, or,
 * when labels were printed as a column ("A:\nB:\nC:\nvA\nvB\nvC"), the
 * line in the same place of the value column. */
static long value_line(const doc *d, size_t l)
{
	size_t s = l, e = l;
	/* columns are short: looking further costs time on hostile text */
	for (int guard = 0; guard < 16; guard++) {
		size_t p = s;
		while (p > 0 && paper_line_empty(d, p - 1))
			p--;
		if (p == 0 || d->le[p - 1] == d->ls[p - 1] || d->f[d->le[p - 1] - 1] != ':')
			break;
		s = p - 1;
	}
	size_t pos = 0;
	for (size_t x = s; x < l; x++)
		pos += !paper_line_empty(d, x);
	for (int guard = 0; guard < 16; guard++) {
		size_t n = e + 1;
		while (n < d->nl && paper_line_empty(d, n))
			n++;
		if (n >= d->nl || d->f[d->le[n] - 1] != ':')
			break;
		e = n;
	}
	size_t x = e + 1;
	for (;; x++) {
		while (x < d->nl && paper_line_empty(d, x))
			x++;
		if (x >= d->nl)
			return -1;
		if (!pos)
			break;
		pos--;
	}
	if (d->f[d->le[x] - 1] == ':')
		return -1;
	return (long)x;
}

/* Try each occurrence of each label (at a line start or after ", "/"; ")
 * and hand the value range to fn until it accepts one. */
/* Does folded text t start with label lab (n bytes)? OCR reads a label's
 * comma as a full stop ("Ngày. tháng, năm sinh"): the two match. */
static int label_eq(const char *t, const char *lab, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] != lab[i] && !((t[i] == '.' || t[i] == ',') && (lab[i] == '.' || lab[i] == ',')) &&
		    !(t[i] == '$' && lab[i] == 's')) /* "$ố định danh" (italic S) */
			return 0;
	return 1;
}

/* Does folded text t (up to e) start with label lab (n bytes)? The number
 * of text bytes it takes, or 0. A label "Số <words>" also matches when OCR
 * read "Số" as "S", "S6", "S0", "Sd" or "5o" (bold and mono faces), if the
 * words after it are long enough to say what the label is. */
/* As label_eq, but one letter of a long label may be read as another
 * ("Đã chốt vào lúc" for "Đã chết vào lúc"); a label of 15 letters or
 * more, two in two different words (a small phone photo's "DÓng Àý lần
 * đầu" for "Đăng ký lần đầu"). */
static int label_near(const char *t, const char *lab, size_t n)
{
	if (n < 12)
		return 0;
	int slips = 0, most = n >= 15 ? 2 : 1;
	size_t slip_word = (size_t)-1, word = 0;
	for (size_t i = 0; i < n; i++) {
		word += lab[i] == ' ';
		if (t[i] != lab[i] && !((t[i] == '.' || t[i] == ',') && (lab[i] == '.' || lab[i] == ','))) {
			if (++slips > most || word == slip_word || t[i] < 'a' || t[i] > 'z' || lab[i] < 'a' ||
			    lab[i] > 'z')
				return 0;
			slip_word = word;
		}
	}
	return 1;
}

/* A label of two words or more whose last word lost its first letters
 * before the colon ("Giới nh:" for "Giới tính:", a dotted i and its
 * neighbour lost): the bytes up to the colon, or 0. */
static size_t label_clipped(const char *t, const char *e, const char *lab, size_t n)
{
	size_t head = n;
	while (head > 0 && lab[head - 1] != ' ')
		head--;
	if (head < 4 || (size_t)(e - t) <= head || !label_eq(t, lab, head))
		return 0;
	size_t k = head, wn = n - head;
	while (t + k < e && t[k] >= 'a' && t[k] <= 'z')
		k++;
	size_t tn = k - head;
	if (tn < 2 || tn >= wn || t + k >= e || t[k] != ':' || memcmp(lab + n - tn, t + head, tn))
		return 0;
	return k;
}

/* A long label (12+ bytes) with one glyph no label holds read after one
 * of its letters ("Họ, chữ? đệm, tên người yêu cầu:", an italic face's
 * mark): the bytes it takes, or 0. */
static size_t label_glyph_more(const char *t, const char *e, const char *lab, size_t n)
{
	if (n < 12 || (size_t)(e - t) < n + 1)
		return 0;
	size_t i = 0;
	while (i < n && label_eq(t + i, lab + i, 1))
		i++;
	if (i == 0 || i == n || t[i - 1] < 'a' || t[i - 1] > 'z' || !t[i] || !strchr("?'`\"*^~", t[i]))
		return 0;
	return label_eq(t + i + 1, lab + i, n - i) ? n + 1 : 0;
}

/* A label of six words or more read as printed but one inner word (not
 * the first two, not the last) garbled beyond one letter ("Tên công ty viết
 * bằng Hếng Việt:", a photo's "tiếng"), the label's colon right after: the
 * bytes it takes up to the colon, or 0. The garbled word is letters only;
 * another form's label of the same words but its last ("... tiếng nước
 * ngoài") never matches. */
static size_t label_word_off(const char *t, const char *e, const char *lab)
{
	size_t words = 1;
	for (const char *p = lab; *p; p++)
		words += *p == ' ';
	if (words < 6)
		return 0;
	const char *p = t, *q = lab;
	size_t w = 0, off = 0;
	while (*q) {
		size_t qn = strcspn(q, " ");
		size_t pn = 0;
		while (p + pn < e && p[pn] >= 'a' && p[pn] <= 'z')
			pn++;
		if (!pn)
			return 0;
		if (pn != qn || memcmp(p, q, qn)) {
			if (off++ || w < 2 || w + 1 == words)
				return 0;
		}
		p += pn;
		q += qn;
		w++;
		if (*q) {
			if (p >= e || *p != ' ')
				return 0;
			p++, q++;
		}
	}
	if (!off)
		return 0;
	const char *c = p;
	while (c < e && *c == ' ')
		c++;
	return c < e && *c == ':' ? (size_t)(p - t) : 0;
}

/* A label of two words or more read as printed but for one space lost
 * between its words, its colon right after ("Giớitính:Nữ", a semi-bold
 * face at 150 dpi): the bytes it takes, or 0. */
static size_t label_space_lost(const char *t, const char *e, const char *lab, size_t n)
{
	if (n < 6 || (size_t)(e - t) < n)
		return 0;
	for (size_t s = 1; s + 1 < n; s++) {
		if (lab[s] != ' ' || !label_eq(t, lab, s) || !label_eq(t + s, lab + s + 1, n - s - 1))
			continue;
		return t[n - 1] == ':' && t[s] != ' ' ? n - 1 : 0;
	}
	return 0;
}

/* A label of three words or more read as printed but for one of its
 * commas lost ("Ngày tháng, năm sinh:", an italic semi-condensed face),
 * its colon right after: the bytes it takes, or 0. */
static size_t label_comma_lost(const char *t, const char *e, const char *lab, size_t n)
{
	if (n < 12 || (size_t)(e - t) < n)
		return 0;
	for (size_t s = 1; s + 2 < n; s++) {
		if (lab[s] != ',' || lab[s + 1] != ' ' || !label_eq(t, lab, s) ||
		    !label_eq(t + s, lab + s + 1, n - s - 1))
			continue;
		return t[s] == ' ' && t[n - 1] == ':' ? n - 1 : 0;
	}
	return 0;
}

static size_t label_at(const char *t, const char *e, const char *lab, size_t n, int near)
{
	if ((size_t)(e - t) >= n && (near ? label_near(t, lab, n) : label_eq(t, lab, n)))
		return n;
	if (near) {
		size_t k = label_clipped(t, e, lab, n);
		if (!k)
			k = label_glyph_more(t, e, lab, n);
		if (!k)
			k = label_space_lost(t, e, lab, n);
		if (!k)
			k = label_comma_lost(t, e, lab, n);
		return k ? k : label_word_off(t, e, lab);
	}
	/* an italic S read as "S$", its tail a glyph of its own ("S$ó: 226",
	 * TeX Gyre Termes Italic 160, tune7 7702 s054) */
	if (lab[0] == 's' && (size_t)(e - t) >= n + 1 && t[0] == 's' && t[1] == '$' && label_eq(t + 2, lab + 1, n - 1))
		return n + 1;
	if (n < 3 + 8 || strncmp(lab, "so ", 3))
		return 0;
	static const char *const so[] = {"s ", "s6 ", "s0 ", "sd ", "5o ", "s5 "};
	for (size_t k = 0; k < sizeof so / sizeof *so; k++) {
		size_t m = strlen(so[k]);
		if ((size_t)(e - t) >= m + n - 3 && !strncmp(t, so[k], m) && label_eq(t + m, lab + 3, n - 3))
			return m + n - 3;
	}
	return 0;
}

/* paper_by_label's pass: labels as printed, or (near) with one letter
 * misread when no label was read as printed. */
static int by_label(doc *d, const paper_strs *labels, value_fn fn, void *out, int near)
{
	for (size_t l = 0; l < d->nl; l++) {
		for (size_t t = 0; t < labels->n; t++) {
			const char *lab = labels->fold[t];
			size_t ln = strlen(lab);
			size_t st = paper_line_after_glyphs(d, l), sq = d->ls[l];
			/* a quote mark read before the line's label ("\"Tên công ty") */
			while (sq < d->le[l] && sq < d->ls[l] + 2 && strchr("\"'`", d->f[sq]))
				sq++;
			for (size_t i = d->ls[l]; i < d->le[l]; i++) {
				if (i != d->ls[l] && i != st && i != sq) {
					size_t j = i;
					while (j > d->ls[l] && d->f[j - 1] == ' ')
						j--;
					if (j == i || j == d->ls[l] || !strchr(",;", d->f[j - 1]))
						continue;
				}
				size_t tn = label_at(d->f + i, d->f + d->le[l], lab, ln, near);
				if (!tn || (i + tn < d->le[l] && paper_is_wordc((unsigned char)d->f[i + tn])))
					continue;
				size_t a = i + tn;
				/* a colon read as a semicolon right after the label
				 * ("Họ, chữ đệm, tên; PHẠM THỊ LONG": a photo) */
				if (a < d->le[l] && d->f[a] == ';')
					a++;
				while (a < d->le[l] && (d->f[a] == ' ' || d->f[a] == ':' || d->f[a] == '.'))
					a++;
				/* bilingual cards: "Họ và tên / Full name: ..." (OCR
				 * may read the '/' as '7', '|', 'l') */
				/* or as '¡' (Liberation Sans Bold 150: "Giới tính ¡
				 * Sex:", tune4 4406, session 19) */
				int inv = a + 1 < d->le[l] && !memcmp(d->f + a, "\xc2\xa1", 2);
				if (a < d->le[l] && (strchr("/7|l1i", d->f[a]) || inv)) {
					size_t c = a + 1 + inv, letters = 0;
					while (c < d->le[l] && c < a + 40 &&
					       ((d->f[c] >= 'a' && d->f[c] <= 'z') || d->f[c] == ' ' ||
						d->f[c] == '.')) {
						letters += d->f[c] >= 'a' && d->f[c] <= 'z';
						c++;
					}
					if (c < d->le[l] && d->f[c] == ':' && letters >= 2 &&
					    (d->f[a] == '/' || inv || d->f[a + 1] == ' ')) {
						a = c;
						while (a < d->le[l] && (d->f[a] == ' ' || d->f[a] == ':'))
							a++;
					}
				}
				/* "Họ và tên / Full" + "name: BÙI THỊ HÙNG" (a photo) */
				size_t va, ve;
				if (paper_english_label_tail(d, l, a, &va, &ve)) {
					if (fn(d, va, ve, out))
						return 1;
					continue;
				}
				/* "Họ, chữ đệm, tên người cha:" is another label */
				size_t colon = a;
				while (colon < d->le[l] && d->f[colon] != ':')
					colon++;
				if (colon < d->le[l] && !paper_value_before(d, a, colon))
					continue;
				if (a < d->le[l]) {
					if (fn(d, a, d->le[l], out))
						return 1;
				} else {
					long v = value_line(d, l);
					if (v >= 0 && fn(d, d->ls[v], d->le[v], out))
						return 1;
				}
				if (d->oom)
					return 0;
			}
		}
	}
	return 0;
}

int paper_by_label(doc *d, const paper_strs *labels, value_fn fn, void *out)
{
	return by_label(d, labels, fn, out, 0) || (!d->oom && by_label(d, labels, fn, out, 1));
}


static const char *const provinces =
	"001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
	"035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
	"070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096";

/* An id of the family's length under its label that fails its checks
 * (a digit misread), or one digit longer (a glyph read as two digits:
 * "03145274943"), or one digit short (a blurred photo lost one:
 * "92231026216", a tax code's "082062412"): the first one is a candidate for a second reading,
 * which must pass every check itself (sh_paper_id_confirm). */
static void misread(doc *d, const id_out *io, const char *dg)
{
	size_t n = strlen(dg), want = io->family == PAPER_COMPANY ? 10u : 12u;
	if (*d->misread_id || strspn(dg, "0123456789") != n || (n != want && n != want + 1 && n + 1 != want))
		return;
	snprintf(d->misread_id, sizeof d->misread_id, "%s", dg);
}

int paper_person_id_ok(const char *id)
{
	char p[4] = {id[0], id[1], id[2], 0};
	return strlen(id) == 12 && strstr(provinces, p) != NULL;
}

/* Was every digit group of the id at f[a..e) read with confidence
 * SH_PAPER_ID_CONF or more? A misread digit can still make a well-formed
 * id of the right province and century, which no check can see; an id
 * read unsurely is "not found" (the desk types it) rather than a wrong
 * number filed under another person. Unknown confidence counts as sure. */
static int id_read_surely(doc *d, size_t a, size_t e)
{
	while (a < e) {
		while (a < e && d->f[a] == ' ')
			a++;
		size_t b = a;
		while (b < e && d->f[b] != ' ')
			b++;
		if (b > a) {
			char g[24];
			size_t n = b - a < sizeof g - 1 ? b - a : sizeof g - 1;
			memcpy(g, d->f + a, n);
			g[n] = 0;
			int conf = paper_digits_conf(d, g);
			if (conf >= 0 && conf < SH_PAPER_ID_CONF)
				return 0;
		}
		a = b;
	}
	return 1;
}

/* Digits of an id at f[a..e): digit groups with single spaces, OCR slips
 * o→0, l/i/|/!→1 (one; "!", or a "|" or "!" between spaces, or two or
 * three o's for zeros, only as a candidate for a second reading), one '-'
 * before a branch suffix.
 * One point between two digits ("02506.3169366": a speck, or a digit
 * read as a point, "0520.3108873") is read through, the id only a
 * candidate for a second reading: no id prints a point. */
int paper_id_value(doc *d, size_t a, size_t e, void *out)
{
	id_out *io = out;
	char dg[20];
	a = paper_skip_glyphs_before_digits(d, a, e);
	size_t n = 0, i = a;
	int slips = 0, oh = 0, glyph = 0, point = 0;
	while (i < e && n < 16) {
		char c = d->f[i];
		if (c >= '0' && c <= '9')
			dg[n++] = c;
		else if (c == 'o' || c == 'l' || c == 'i' || c == '|' || c == '!') {
			if (i + 1 < e && paper_is_alnum_ascii((unsigned char)d->f[i + 1]) &&
			    !isdigit((unsigned char)d->f[i + 1]) && d->f[i + 1] != 'o' &&
			    d->f[i + 1] != 'l' && d->f[i + 1] != 'i')
				break;
			dg[n++] = c == 'o' ? '0' : '1';
			slips++;
			oh += c == 'o';
			/* "!" for 1, or a 1 read as a word of its own ("034086 !
			 * 12348"): the id is read again before it is taken */
			glyph |= c == '!' || (i > a && d->f[i - 1] == ' ');
		} else if (c == ' ' && n > 0 && i + 1 < e && isdigit((unsigned char)d->f[i + 1])) {
			/* a space inside a digit run */
		} else if (c == ' ' && n > 0 && i + 2 < e && (d->f[i + 1] == '!' || d->f[i + 1] == '|') &&
			   (isdigit((unsigned char)d->f[i + 2]) ||
			    (d->f[i + 2] == ' ' && i + 3 < e && isdigit((unsigned char)d->f[i + 3])))) {
			/* a 1 read "!" or "|" between spaces */
		} else if (c == ']' && i > a && isdigit((unsigned char)d->f[i - 1]) &&
			   ((i + 1 < e && isdigit((unsigned char)d->f[i + 1])) ||
			    (i + 2 < e && d->f[i + 1] == ' ' && isdigit((unsigned char)d->f[i + 2])))) {
			/* a 1 read "]" between digits ("013] 158294", FreeSerif
			 * Italic 170: the serif of a slanted 1): read again first */
			dg[n++] = '1';
			slips++;
			glyph = 1;
		} else if (c == '-' && n == 10) {
			dg[n++] = '-';
		} else if (c == '.' && n > 0 && !point && i + 1 < e && isdigit((unsigned char)d->f[i + 1]) &&
			   isdigit((unsigned char)d->f[i - 1])) {
			point = 1;
		} else {
			break;
		}
		i++;
	}
	if (i < e && paper_is_wordc((unsigned char)d->f[i]))
		return 0;
	dg[n] = 0;
	/* two or three O's for zeros ("O4OO55374580", a photo), one other
	 * slip at most: only a candidate */
	if (slips - oh > 1 || slips > 3 || n == 0)
		return 0;
	glyph |= slips > 1;
	int kind = 0;
	char norm[16];
	if (sh_id_owner_check(&kind, norm, dg) != SH_OK) {
		sh_error_clear();
		misread(d, io, dg);
		return 0;
	}
	if (io->family == PAPER_COMPANY && kind == SH_OWNER_PERSON) {
		if (strlen(norm) == 9)
			misread(d, io, norm); /* a tax code one digit short (issue 23) */
		return 0;
	}
	if (io->family != PAPER_COMPANY && kind != SH_OWNER_PERSON) {
		misread(d, io, dg); /* 13 digits: a personal id with a glyph read as two */
		return 0;
	}
	if (kind == SH_OWNER_PERSON && !paper_person_id_ok(norm)) {
		misread(d, io, norm);
		return 0;
	}
	if (glyph || point || !id_read_surely(d, a, i)) {
		if (!*d->unsure_id)
			snprintf(d->unsure_id, sizeof d->unsure_id, "%s", norm);
		return 0;
	}
	/* the first id under the label was read unsurely: another one after
	 * it is a second person's (a spouse, a parent), never the owner's */
	if (*d->unsure_id && strcmp(d->unsure_id, norm))
		return 0;
	snprintf(io->id, sizeof io->id, "%s", norm);
	return 1;
}

/* Only one distinct well-formed id of the family in the whole text. */
int paper_id_anywhere(doc *d, id_out *io)
{
	char found[16] = "";
	size_t want1 = io->family == PAPER_COMPANY ? 10 : 12;
	for (size_t i = 0; i < d->flen; i++) {
		if (!isdigit((unsigned char)d->f[i]) || (i > 0 && (paper_is_wordc((unsigned char)d->f[i - 1]) ||
								   d->f[i - 1] == '/' || d->f[i - 1] == '-')))
			continue;
		size_t j = i;
		while (j < d->flen && isdigit((unsigned char)d->f[j]))
			j++;
		if (j - i == want1 && !(j < d->flen && (paper_is_wordc((unsigned char)d->f[j]) ||
							  d->f[j] == '/' || d->f[j] == '-'))) {
			id_out t = {io->family, ""};
			if (paper_id_value(d, i, j, &t)) {
				if (*found && strcmp(found, t.id))
					return 0;
				snprintf(found, sizeof found, "%s", t.id);
			}
		}
		i = j;
	}
	if (!*found)
		return 0;
	snprintf(io->id, sizeof io->id, "%s", found);
	return 1;
}


/* Words of a form's labels that OCR leaves inside a garbled value
 * ("người rưœ Thị Lan" of "Họ, chữ đệm, tên người ..."): in small letters
 * they are the label, never a name. Folded. */
static const char *const label_words[] = {"nguoi", "ten", "chu", "dem", "ho", "sinh", "khai", "ngay",
					  "thang", "noi", "gioi", "tinh", "quoc", "dan", "toc", NULL};

/* May folded f[a, e) be a name (issue 23)? Not when a letter has no Latin
 * base (Vietnamese folds to ASCII: "œ", "ß", "ı" are a photo's noise read
 * as letters), nor, for a person, when a word in small letters is a word of
 * the labels (the label read into the value). A name left out is typed by
 * the desk; a garbled one would be filed. */
static int paper_name_letters_ok(doc *d, size_t a, size_t e, int company)
{
	for (size_t i = a; i < e; i++)
		if ((unsigned char)d->f[i] >= 0x80)
			return 0;
	if (company)
		return 1;
	for (size_t i = a; i < e; i++) {
		if (!paper_starts_word(d->f, i) || d->f[i] == ' ')
			continue;
		size_t j = i;
		while (j < e && d->f[j] != ' ')
			j++;
		if (paper_upper_share_range(d, i, j) == 0)
			for (const char *const *w = label_words; *w; w++)
				if (j - i == strlen(*w) && !memcmp(d->f + i, *w, j - i))
					return 0;
		i = j;
	}
	return 1;
}

/* Is the word "sinh" at folded offset i, as printed, without marks and
 * followed by "năm", "ngày" or a digit ("sinh năm 1970")? */
static int born_follows(const doc *d, size_t i)
{
	if (strncasecmp(d->text + d->map[i], "sinh", 4))
		return 0;
	size_t j = i + 4;
	while (j < d->flen && d->f[j] == ' ')
		j++;
	return j < d->flen && (isdigit((unsigned char)d->f[j]) || paper_word_at(d->f, d->flen, j, "nam") ||
			       paper_word_at(d->f, d->flen, j, "ngay"));
}

int paper_name_value(doc *d, size_t a, size_t e, void *out)
{
	str_out *so = out;
	/* "Cho: Ông NGUYỄN VĂN AN": the honorific is no part of the name.
	 * But Ông is a surname too ("ÔNG HỮU PHÚC"): the word is dropped only
	 * when three words follow it, or two in another case than its own */
	if (!so->company && (paper_word_at(d->f, e, a, "ong") || paper_word_at(d->f, e, a, "ba")) &&
	    paper_value_before(d, a, a + 1)) {
		size_t he = a + (d->f[a] == 'o' ? 3 : 2), b = he;
		while (b < e && d->f[b] == ' ')
			b++;
		size_t sp = 0, we = b;
		for (size_t i = b; i < e && d->f[i] != ','; i++)
			sp += d->f[i] == ' ';
		while (we < e && d->f[we] != ' ' && d->f[we] != ',')
			we++;
		int other_case = (paper_upper_share_range(d, a, he) == 100) != (paper_upper_share_range(d, b, we) == 100);
		if (sp >= 2 || (sp >= 1 && other_case))
			a = b;
	}
	size_t end = a;
	while (end < e && !strchr(",;(", d->f[end]))
		end++;
	paper_trim_glyphs(d, &a, &end);
	/* "LÊ VĂN BÌNH sinh năm 1970"; not a given name Sính, nor Sinh at
	 * the name's end ("CẦM KIM SÍNH", "Lê Văn Sinh") */
	for (size_t i = a; i < end; i++)
		if (paper_starts_word(d->f, i) && paper_word_at(d->f, end, i, "sinh") && born_follows(d, i)) {
			end = i;
			break;
		}
	while (end > a && d->f[end - 1] == ' ')
		end--;
	if (end <= a)
		return 0;
	/* a person's name: letters only, 2-7 words; a company's: also digits */
	int words = 1;
	for (size_t i = a; i < end; i++) {
		char c = d->f[i];
		if (c == ' ')
			words++;
		else if (!(paper_is_wordc((unsigned char)c) && (so->company || !isdigit((unsigned char)c))) &&
			 !(so->company && strchr("&.-'", c)))
			return 0;
	}
	if (words < 2 || words > (so->company ? 20 : 7) || !paper_name_letters_ok(d, a, end, so->company))
		return 0;
	/* a company name wrapped onto the next line (upper case, no label);
	 * on a photo its last words may come as a block of their own, after
	 * an empty line ("… DỊCH VỤ AN", "", "KHANG", "", "2. Địa chỉ …"):
	 * then at most two words, and nothing but an empty line, the end or
	 * the next numbered item after them */
	size_t l = paper_line_of(d, a), n = l + 1;
	size_t fb = end;
	if (l + 2 < d->nl && paper_line_empty(d, l + 1) && !paper_line_empty(d, l + 2) &&
	    (l + 3 >= d->nl || paper_line_empty(d, l + 3) || isdigit((unsigned char)d->f[d->ls[l + 3]])))
		n = l + 2;
	if (so->company && end == d->le[l] && paper_upper_share_range(d, a, end) >= 90 && n < d->nl &&
	    !paper_line_empty(d, n)) {
		const char *nf = d->f + d->ls[n];
		size_t nn = d->le[n] - d->ls[n], sp = 0;
		int ok = paper_upper_share(d, n) >= 90 && nn <= 40 && !memchr(nf, ':', nn) &&
			 !isdigit((unsigned char)nf[0]);
		for (size_t i = 0; ok && i < nn; i++) {
			sp += nf[i] == ' ';
			if (!paper_is_wordc((unsigned char)nf[i]) && nf[i] != ' ')
				ok = 0;
		}
		if (ok && (n == l + 1 || sp <= 1))
			fb = d->le[n];
	}
	if (fb != end) {
		char *p1 = paper_orig_range(d, a, end, NULL);
		char *p2 = paper_orig_range(d, d->ls[n], fb, NULL);
		if (p1 && p2)
			so->s = sh_asprintf("%s %s", p1, p2);
		if (!so->s)
			d->oom = 1;
		sh_free(p1);
		sh_free(p2);
	} else {
		so->s = paper_orig_range(d, a, end, NULL);
	}
	return so->s != NULL;
}


/* A numeric date after its label with one of its two slashes read as a
 * space ("02 08/2003", "02/08 2003": a photo's thin slash lost): exactly
 * DD MM/YYYY or DD/MM YYYY, two-digit day and month, nothing but the end
 * of the line or a space after. The date with both slashes into out
 * (char[16]): 1; else 0. paper_date_near_padded still checks the
 * calendar. */
static int slash_as_space(const char *f, size_t n, char *out)
{
	while (n && *f == ' ')
		f++, n--;
	if (n < 10)
		return 0;
	for (size_t i = 0; i < 10; i++)
		if ((i == 2 || i == 5) ? !strchr(" /", f[i]) : !isdigit((unsigned char)f[i]))
			return 0;
	if ((f[2] == ' ') == (f[5] == ' ') || (n > 10 && f[10] != ' '))
		return 0;
	snprintf(out, 16, "%.2s/%.2s/%.4s", f, f + 3, f + 6);
	return 1;
}

/* A card's date after its label with both slashes lost ("Ngày sinh:
 * 22042000", "Có giá trị đến: _ 22042060": a phone photo of a card, issue
 * 23): exactly eight digits, one stray mark of punctuation before them
 * allowed, nothing but the end of the line or a space after. Only on kinds
 * that print DD/MM/YYYY padded (padded_dates), where eight digits split
 * one way. The date with its slashes into out (char[16]): 1; else 0. */
static int slashes_lost(const char *f, size_t n, char *out)
{
	while (n && *f == ' ')
		f++, n--;
	if (n >= 2 && strchr("_-.,~'", f[0]) && f[1] == ' ')
		f += 2, n -= 2;
	if (n < 8 || (n > 8 && f[8] != ' '))
		return 0;
	for (size_t i = 0; i < 8; i++)
		if (!isdigit((unsigned char)f[i]))
			return 0;
	snprintf(out, 16, "%.2s/%.2s/%.4s", f, f + 2, f + 4);
	return 1;
}

int paper_date_value(doc *d, size_t a, size_t e, void *out)
{
	date_out *dout = out;
	if (dout->allow_never && (paper_word_at(d->f, e, a, "khong thoi han") ||
				  paper_word_at(d->f, e, a, "khong xac dinh thoi han"))) {
		dout->never = 1;
		return 1;
	}
	char fixed[16];
	if (slash_as_space(d->f + a, e - a, fixed) || (dout->padded && slashes_lost(d->f + a, e - a, fixed)))
		return paper_date_near_padded(fixed, strlen(fixed), 0, strlen(fixed), dout->date, dout->padded);
	size_t win = e - a < 48 ? e - a : 48;
	/* the date may continue on the next line ("năm\n2010") */
	size_t lim = a + win;
	if (lim == e && e < d->flen)
		lim = e + 1 + (d->flen - e - 1 < 8 ? d->flen - e - 1 : 8);
	return paper_date_near_padded(d->f, lim, a, lim - a, dout->date, dout->padded);
}

/* The year of a birth date OCR garbled ("2005/1970" for 20/05/1970,
 * "2341/1934"): 1900-2099 after at most 12 bytes of digits and date
 * separators (two other glyphs allowed; three within a date's day and
 * month, 8 bytes: "!16A)8/1966" for 16/08/1966, FreeSerif Italic), or
 * after "nam "; followed by the end or a space. out: char[8]. Only to
 * vouch for a personal id's birth year (paper.c), never a fact. */
int paper_birth_year_value(doc *d, size_t a, size_t e, void *out)
{
	char *y = out;
	while (a < e && d->f[a] == ' ')
		a++;
	size_t others = 0;
	for (size_t p = a; p < e && p <= a + 12; p++) {
		int sep = p == a || strchr("/-. ", d->f[p - 1]) != NULL;
		if (sep && p + 4 <= e && (d->f[p] == '1' || d->f[p] == '2') &&
		    (d->f[p + 1] == '9' || d->f[p + 1] == '0') && isdigit((unsigned char)d->f[p + 2]) &&
		    isdigit((unsigned char)d->f[p + 3]) && (p + 4 == e || d->f[p + 4] == ' ' || d->f[p + 4] == ',') &&
		    !(d->f[p] == '1' && d->f[p + 1] == '0') && !(d->f[p] == '2' && d->f[p + 1] == '9') &&
		    (others <= 2 || p - a <= 8)) {
			memcpy(y, d->f + p, 4);
			y[4] = 0;
			return 1;
		}
		char c = d->f[p];
		if (p + 4 <= e && paper_word_at(d->f, e, p, "nam") && d->f[p + 3] == ' ') {
			p += 3;
			continue;
		}
		if (!isdigit((unsigned char)c) && !strchr("/-. ", c) && ++others > 3)
			return 0;
	}
	return 0;
}

/* Does folded f[at..e) hold word w and then one glyph that is no letter
 * or digit, ending the word ("Nữ°": a speck read after it)? */
static int word_and_glyph(const char *f, size_t e, size_t at, const char *w)
{
	size_t n = strlen(w);
	if (at + n >= e || memcmp(f + at, w, n) || (unsigned char)f[at + n] < 0x80)
		return 0;
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)f + at + n, (utf8proc_ssize_t)(e - at - n), &c);
	if (k <= 0)
		return 0;
	utf8proc_category_t cat = utf8proc_category(c);
	if (cat <= UTF8PROC_CATEGORY_NO) /* letters, marks, numbers */
		return 0;
	return at + n + (size_t)k == e || f[at + n + (size_t)k] == ' ';
}

/* The owner's birth year where a paper states it in words ("Ông: THÁI VĂN
 * NGỰ, sinh năm 1968, CCCD số: ...": land papers, which have no birth
 * date): the one year after "sinh năm" in the text; 0 when none or two
 * different ones (two holders: whose id is it?). */
int paper_birth_year_said(doc *d, char y[5])
{
	char found[5] = "";
	for (size_t i = 0; i + 13 <= d->flen; i++) {
		if ((i > 0 && paper_is_wordc((unsigned char)d->f[i - 1])) || memcmp(d->f + i, "sinh nam", 8))
			continue;
		size_t p = i + 8;
		while (p < d->flen && (d->f[p] == ' ' || d->f[p] == ':'))
			p++;
		if (p + 4 > d->flen || !(!memcmp(d->f + p, "19", 2) || !memcmp(d->f + p, "20", 2)) ||
		    !isdigit((unsigned char)d->f[p + 2]) || !isdigit((unsigned char)d->f[p + 3]) ||
		    (p + 4 < d->flen && paper_is_wordc((unsigned char)d->f[p + 4])))
			continue;
		if (*found && memcmp(found, d->f + p, 4))
			return 0;
		memcpy(found, d->f + p, 4);
		found[4] = 0;
	}
	if (!*found)
		return 0;
	memcpy(y, found, 5);
	return 1;
}

/* Is the word at folded a (before e) "Nữ" as a bold face garbles its ữ
 * ("Nf" at 15, "NŒœ": FreeSerif Bold 160, Liberation Sans Bold 150, tune4
 * 4406)? An N and one or two glyphs, no syllable, none of them a letter of
 * "Nam" (a, m, n in any marks) nor a digit: OCR keeps Nam's plain letters,
 * it is the marked ữ it cannot read. */
static int nu_garbled(const doc *d, size_t a, size_t e)
{
	size_t w = a;
	while (w < e && d->f[w] != ' ')
		w++;
	if (d->f[a] != 'n' || w - a < 2)
		return 0;
	size_t oa = d->map[a], ob = d->map[w], glyphs = 0;
	if (paper_syllable_ok(d->text + oa, ob - oa))
		return 0;
	for (size_t i = a + 1; i < w;) {
		char c = d->f[i];
		if (strchr("amn0123456789", c))
			return 0;
		size_t k = 1;
		while (i + k < w && ((unsigned char)d->f[i + k] & 0xC0) == 0x80)
			k++;
		i += k;
		glyphs++;
	}
	return glyphs >= 1 && glyphs <= 2;
}

int paper_sex_value(doc *d, size_t a, size_t e, void *out)
{
	const char **s = out;
	paper_trim_glyphs(d, &a, &e);
	if (paper_word_at(d->f, e, a, "nam") || word_and_glyph(d->f, e, a, "nam"))
		*s = "Nam";
	else if (paper_word_at(d->f, e, a, "nu") || paper_word_at(d->f, e, a, "nuu") ||
		 word_and_glyph(d->f, e, a, "nu"))
		*s = "Nữ"; /* "Nừữ": a photo's ư read twice */
	else if (nu_garbled(d, a, e))
		*s = "Nữ";
	else
		return 0;
	return 1;
}

/* Folded distance from s to the nearest label of list l that is not in
 * list not (NULL: none). */
static size_t nearest_label(const char *s, const paper_strs *l, const paper_strs *not)
{
	size_t best = (size_t)-1;
	for (size_t t = 0; t < l->n; t++) {
		int skip = 0;
		for (size_t u = 0; not && u < not->n; u++)
			skip |= !strcmp(l->fold[t], not->fold[u]);
		size_t e = skip ? (size_t)-1 : paper_edit_distance(s, l->fold[t]);
		if (e < best)
			best = e;
	}
	return best;
}

int paper_sex_label_off(doc *d, const paper_kind *pk, const char **out)
{
	const paper_strs *sl = &pk->labels[SH_FACT_SEX];
	int hits = 0;
	for (size_t l = 0; l < d->nl && sl->n; l++) {
		size_t a = paper_line_after_glyphs(d, l), e = d->le[l], c = a;
		while (c < e && d->f[c] != ':')
			c++;
		if (c >= e || c - a < 5 || c - a > 16)
			continue;
		char lab[20];
		memcpy(lab, d->f + a, c - a);
		lab[c - a] = 0;
		/* nearer the sex label than any other label of the kind */
		size_t ds = nearest_label(lab, sl, NULL);
		if (ds > 4 || nearest_label(lab, &pk->form_labels, sl) <= ds)
			continue;
		for (int f = 0; f < SH_FACT_COUNT; f++)
			if (f != SH_FACT_SEX && nearest_label(lab, &pk->labels[f], sl) <= ds)
				ds = (size_t)-1;
		size_t va = c + 1, ve = e;
		paper_trim_glyphs(d, &va, &ve);
		while (va < ve && d->f[va] == ' ')
			va++;
		const char *v = NULL;
		/* the value alone to the line's end: "Nam" or "Nữ" */
		if (ds == (size_t)-1 || ve - va > 3 || !paper_sex_value(d, va, ve, &v) ||
		    (ve - va != 2 && ve - va != 3))
			continue;
		if (hits++ && strcmp(*out, v))
			return 0;
		*out = v;
	}
	return hits == 1;
}

/* ---- facts of land, residence, marriage and death papers ---------------- */

/* Free text to the end of the line (an address), trimmed. out: str_out. */
int paper_text_value(doc *d, size_t a, size_t e, void *out)
{
	str_out *so = out;
	while (e > a && strchr(" .,;", d->f[e - 1]))
		e--;
	/* a bilingual card's English label OCR misread ("/ Place o£
	 * residence:"): after the slash, words without digits or commas up to
	 * a colon are the label, not the value */
	size_t s = a;
	while (s < e && d->f[s] == ' ')
		s++;
	if (s < e && d->f[s] == '/') {
		size_t c = s + 1;
		while (c < e && c - s < 40 && d->f[c] != ':' && d->f[c] != ',' &&
		       !isdigit((unsigned char)d->f[c]))
			c++;
		if (c < e && d->f[c] == ':')
			a = c + 1;
	}
	if (e <= a || !paper_value_before(d, a, e))
		return 0;
	so->s = paper_orig_range(d, a, e, " .,;");
	return so->s != NULL;
}

/* Digits of one token, OCR's o/l read as 0/1 beside a real digit; up to
 * max digits. dst has at least max + 1 bytes. */
static size_t digits_at(const doc *d, size_t a, size_t e, char *dst, size_t max, int spaces)
{
	size_t n = 0, real = 0;
	for (size_t i = a; i < e && n <= max; i++) {
		char c = d->f[i];
		if (isdigit((unsigned char)c))
			dst[n++] = c, real++;
		else if ((c == 'o' || c == 'l') && n)
			dst[n++] = c == 'o' ? '0' : '1';
		else if (spaces && c == ' ' && n && i + 1 < e && isdigit((unsigned char)d->f[i + 1]))
			continue;
		else if (n || (c != ' ' && c != '#'))
			break;
	}
	dst[n] = 0;
	return real && n <= max ? n : 0;
}

/* A parcel or map-sheet number: 1-6 digits. out: char[16]. */
int paper_digits_value(doc *d, size_t a, size_t e, void *out)
{
	char *dst = out;
	return digits_at(d, a, e, dst, 6, 0) > 0;
}

/* A 9-digit CMND number; 12 digits are a CCCD number, not this. out:
 * char[16]. */
int paper_old_id_value(doc *d, size_t a, size_t e, void *out)
{
	char *dst = out;
	if (digits_at(d, a, e, dst, 12, 1) != 9)
		return 0;
	int conf = paper_digits_conf(d, dst);
	if (conf < 0 || conf >= SH_PAPER_ID_CONF)
		return 1;
	if (!*d->unsure_old)
		snprintf(d->unsure_old, sizeof d->unsure_old, "%s", dst);
	return 0;
}

/* An area: "123,4 m2", "1.234,5m²", "85.6 m2" -> "123.4", "1234.5", "85.6".
 * A '.' followed by exactly three digits groups thousands (the printed
 * convention); any other '.' or ',' is the decimal mark. out: char[24]. */
int paper_area_value(doc *d, size_t a, size_t e, void *out)
{
	char *dst = out;
	size_t n = 0, i = a;
	int dec = 0;
	while (i < e && d->f[i] == ' ')
		i++;
	if (i >= e || !isdigit((unsigned char)d->f[i]))
		return 0;
	for (; i < e && n < 20; i++) {
		char c = d->f[i];
		if (isdigit((unsigned char)c)) {
			dst[n++] = c;
		} else if ((c == '.' || c == ',') && i + 1 < e && isdigit((unsigned char)d->f[i + 1])) {
			size_t k = i + 1;
			while (k < e && isdigit((unsigned char)d->f[k]))
				k++;
			if (c == '.' && k - i - 1 == 3 && !dec)
				continue;
			if (dec)
				break;
			dst[n++] = '.';
			dec = 1;
		} else {
			break;
		}
	}
	dst[n] = 0;
	return n > 0 && n < 20;
}

/* Every holder's name, "; "-joined, each once: returns 0 so that
 * paper_by_label goes on to the next label. out: holders_out. */
int paper_holders_value(doc *d, size_t a, size_t e, void *out)
{
	holders_out *ho = out;
	str_out so = {NULL, 0};
	/* "Ông:"/"Bà:" label a holder with their colon; "Ông Thị Tuấn" under
	 * a signature is a name (Ông is a surname), not a holder */
	size_t c = a;
	while (c > 0 && d->f[c - 1] == ' ')
		c--;
	if (c >= 2 && d->f[c - 1] != ':' &&
	    ((c >= 3 && !memcmp(d->f + c - 3, "ong", 3) && paper_starts_word(d->f, c - 3)) ||
	     (!memcmp(d->f + c - 2, "ba", 2) && paper_starts_word(d->f, c - 2))))
		return 0;
	/* "Võ Hồng Yến" (a signer) folds like the label "Vợ": without a colon
	 * only "Vợ" itself labels a spouse */
	if (c >= 2 && !memcmp(d->f + c - 2, "vo", 2) && paper_starts_word(d->f, c - 2)) {
		size_t oa = d->map[c - 2], ob = d->map[c];
		const char *o = d->text + oa;
		if (!(ob - oa == 4 && (!memcmp(o, "Vợ", 4) || !memcmp(o, "vợ", 4) || !memcmp(o, "VỢ", 4))))
			return 0;
	}
	if (!paper_name_value(d, a, e, &so) || ho->n >= 8) {
		sh_free(so.s);
		return 0;
	}
	so.s = paper_lex_restore(d, so.s, PAPER_NAME_PERSON);
	if (!so.s)
		return 0;
	for (size_t i = 0; i < ho->n; i++)
		if (!strcmp(ho->v[i], so.s)) {
			sh_free(so.s);
			return 0;
		}
	ho->v[ho->n++] = so.s;
	return 0;
}

/* Like paper_by_label, but a label may stand anywhere in a line (at a word
 * start): for phrases that are never part of another label ("Thửa đất
 * số", "tờ bản đồ số", "Diện tích"), printed after other facts on one
 * line. The value is read to the end of the label's line. */
int paper_by_label_anywhere(doc *d, const paper_strs *labels, value_fn fn, void *out)
{
	for (size_t t = 0; t < labels->n; t++) {
		const char *lab = labels->fold[t];
		size_t ln = strlen(lab);
		for (const char *p = d->f; (p = strstr(p, lab)); p++) {
			size_t i = (size_t)(p - d->f);
			if (!paper_starts_word(d->f, i) ||
			    (i + ln < d->flen && paper_is_wordc((unsigned char)d->f[i + ln])))
				continue;
			size_t l = paper_line_of(d, i), a = i + ln;
			while (a < d->le[l] && (d->f[a] == ' ' || d->f[a] == ':' || d->f[a] == '.'))
				a++;
			if (a < d->le[l] && fn(d, a, d->le[l], out))
				return 1;
			if (d->oom)
				return 0;
		}
	}
	/* none read as printed: one letter misread (label_near) */
	for (size_t t = 0; t < labels->n; t++) {
		const char *lab = labels->fold[t];
		size_t ln = strlen(lab);
		for (size_t i = 0; i + ln <= d->flen; i++) {
			if (!paper_starts_word(d->f, i) || !label_near(d->f + i, lab, ln) ||
			    (i + ln < d->flen && paper_is_wordc((unsigned char)d->f[i + ln])))
				continue;
			size_t l = paper_line_of(d, i), a = i + ln;
			while (a < d->le[l] && (d->f[a] == ' ' || d->f[a] == ':' || d->f[a] == '.'))
				a++;
			if (a < d->le[l] && fn(d, a, d->le[l], out))
				return 1;
			if (d->oom)
				return 0;
		}
	}
	return 0;
}
