/* Facts of agency documents (Nghị định 30/2020/NĐ-CP): number, place and
 * date, issuer, title (trích yếu), signer and the title signed under. */
#include "paper_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- agency facts ------------------------------------------------------- */

/* Canonical printed form of a folded symbol segment, from the catalogue's
 * symbols and short body names ("qd" -> "QĐ", "ubnd" -> "UBND"). */
const char *paper_known_symbol(const sh_kinds *k, const char *fold, size_t n)
{
	for (size_t i = 0; i < k->n; i++)
		for (size_t t = 0; t < k->v[i].symbols.n; t++)
			if (strlen(k->v[i].symbols.fold[t]) == n &&
			    !memcmp(k->v[i].symbols.fold[t], fold, n))
				return k->v[i].symbols.orig[t];
	for (size_t b = 0; b < k->bodies.n; b++) {
		const char *s = k->body_short[b];
		if (strchr(s, ' '))
			continue;
		int up = 1;
		for (const char *p = s; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				up = 0;
		if (up && strlen(k->bodies.fold[b]) == n && !memcmp(k->bodies.fold[b], fold, n))
			return s;
	}
	return NULL;
}

/* The number as printed, with digit slips read and known symbol segments
 * restored to their printed form (OCR drops the bar of Đ). */
/* A symbol segment (folded, n bytes) of letters with one letter read as
 * its lookalike digit ("U5ND", "U8ND" for UBND): the known symbol it is
 * with that digit read as a letter, else NULL. */
static const char *symbol_digit_slip(doc *d, const char *seg, size_t n)
{
	static const char *const look[10] = {"od", "il", "z", "", "a", "sb", "gb", "", "b", "g"};
	char t[16];
	size_t at = n, letters = 0;
	if (n < 3 || n >= sizeof t)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)seg[i])) {
			if (at < n)
				return NULL;
			at = i;
		} else {
			letters += seg[i] >= 'a' && seg[i] <= 'z';
		}
	}
	if (at == n || letters + 1 < n)
		return NULL;
	const char *hit = NULL;
	memcpy(t, seg, n);
	for (const char *c = look[seg[at] - '0']; *c; c++) {
		t[at] = *c;
		const char *k = paper_known_symbol(d->k, t, n);
		if (k && hit && strcmp(k, hit))
			return NULL;
		hit = k ? k : hit;
	}
	return hit;
}

char *paper_number_value(doc *d, const number_info *ni, const paper_kind *pk, const char *issuer)
{
	int slot = 1; /* the first symbol segment names the type (NĐ 30) */
	sh_buf b = SH_BUF_INIT;
	const char *f = d->f;
	size_t i = ni->a;
	int rc = 0;
	while (i < ni->b && f[i] != '/' && (!ni->glued || i < ni->glued) && (!ni->type[0] || i < ni->digits_end)) {
		/* an o with a mark ("4ó6/CT" for 46, a 6 read ó) is no 0:
		 * no number rather than one with a digit nobody printed */
		if (f[i] == 'o' && d->text[d->map[i]] != 'o' && d->text[d->map[i]] != 'O') {
			sh_buf_free(&b);
			return NULL;
		}
		char c = f[i] == 'o' ? '0' : (f[i] == 'l' || f[i] == 'i' || f[i] == '!') ? '1' : f[i];
		if (c != ' ' && !(ni->stray && i == ni->stray))
			rc |= sh_buf_put(&b, &c, 1);
		i++;
	}
	if (ni->type[0]) { /* the type the heading names (find_number) */
		rc |= sh_buf_puts(&b, "/") | sh_buf_puts(&b, ni->type);
		i = ni->type_end;
		slot = 0;
	}
	while (!rc && i < ni->b) {
		/* separator (the slash OCR lost before a glued symbol) */
		if (ni->glued && i == ni->glued) {
			rc |= sh_buf_puts(&b, "/");
		} else {
			/* as read: a '_' for the '-' kept (extract_twice) */
			rc |= sh_buf_put(&b, ni->colon && i == ni->colon && !(f[i] == '_' && d->no_restore) ? "-" : f + i, 1);
			i++;
		}
		/* a stray '.' beside a separator ("18/TLKT-.BS"): no segment
		 * starts or ends with one; a hyphen read twice ("TTr--UBND",
		 * an italic hyphen) is one */
		while (i < ni->b && (f[i] == ' ' || (f[i] == '.' && !d->no_restore) ||
				     (f[i] == '-' && f[i - 1] == '-' && !d->no_restore)))
			i++;
		size_t s = i;
		while (i < ni->b && f[i] != '/' && f[i] != '-' && !(ni->colon && i == ni->colon))
			i++;
		size_t se = i;
		while (se > s && f[se - 1] == '.' && se < ni->b && !d->no_restore)
			se--;
		while (se > s && f[se - 1] == ' ')
			se--;
		/* a year run into the type code ("2021QĐ"): the slash OCR lost */
		if (slot && se - s > 5 && (!memcmp(f + s, "19", 2) || !memcmp(f + s, "20", 2)) &&
		    isdigit((unsigned char)f[s + 2]) && isdigit((unsigned char)f[s + 3]) &&
		    paper_known_symbol(d->k, f + s + 4, se - s - 4)) {
			rc |= sh_buf_put(&b, f + s, 4) | sh_buf_puts(&b, "/");
			s += 4;
			slot = 0;
		} else if (slot && paper_year_slash_glyph(d->k, f, s, ni->b) && se > s + 5) {
			/* the slash read as a glyph ("2022AQĐ", "20214QĐ") */
			rc |= sh_buf_put(&b, f + s, 4) | sh_buf_puts(&b, "/");
			s += 5;
			slot = 0;
		}
		const char *canon = paper_known_symbol(d->k, f + s, se - s);
		/* the type slot of a paper whose heading was read: one OCR slip
		 * from the kind's own symbol is that symbol ("TIr" -> "TTr") */
		if (!canon && slot && d->heading < d->nl && se - s >= 2 && se - s < 16 &&
		    !(isdigit((unsigned char)f[s]) && se - s == 4)) {
			char seg[16];
			memcpy(seg, f + s, se - s);
			seg[se - s] = 0;
			for (size_t t = 0; t < pk->symbols.n && !canon; t++)
				if (strlen(pk->symbols.fold[t]) >= 2 &&
				    paper_edit_distance(seg, pk->symbols.fold[t]) <= 1)
					canon = pk->symbols.orig[t];
		}
		if (!canon)
			canon = symbol_digit_slip(d, f + s, se - s);
		if (!canon && !slot)
			canon = paper_symbol_of_issuer(d, f + s, se - s, issuer);
		if (!(isdigit((unsigned char)f[s]) && se - s == 4))
			slot = 0;
		if (canon) {
			rc |= sh_buf_puts(&b, canon);
		} else {
			size_t oa = d->map[s], ob = d->map[se];
			rc |= sh_buf_put(&b, d->text + oa, ob - oa);
		}
	}
	if (rc) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	return sh_buf_detach(&b);
}

static const struct {
	const char *fold, *print;
} levels[] = {{"thanh pho", "thành phố"}, {"thi xa", "thị xã"}, {"thi tran", "thị trấn"},
	      {"tinh", "tỉnh"},           {"huyen", "huyện"},  {"xa", "xã"},
	      {"quan", "quận"},           {"phuong", "phường"}, {"dac khu", "đặc khu"}};

typedef struct word {
	size_t a, b; /* folded range */
} word;

/* Title-case an original word: first letter upper, the rest lower. */
static int put_titlecase(sh_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int first = 1, rc = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			break;
		c = first ? utf8proc_toupper(c) : utf8proc_tolower(c);
		first = 0;
		utf8proc_uint8_t e[4];
		utf8proc_ssize_t en = utf8proc_encode_char(c, e);
		rc |= sh_buf_put(b, e, (size_t)en);
		i += (size_t)k;
	}
	return rc;
}


static void collect_words(const doc *d, size_t a, size_t e, word *w, size_t *nw)
{
	const char *f = d->f;
	size_t i = a;
	while (i < e && *nw < 64) {
		while (i < e && !paper_is_wordc((unsigned char)f[i]) && f[i] != '-')
			i++;
		size_t s = i;
		while (i < e && (paper_is_wordc((unsigned char)f[i]) || f[i] == '-'))
			i++;
		if (i > s && !(i == s + 1 && f[s] == '-'))
			w[(*nw)++] = (word){s, i};
	}
}

/* Is the text word t (n bytes) the body word at bf[p..] (up to a space, a
 * '-' or the end), or, when drop is set, with one letter dropped or one
 * letter read as another (a phone photo's "ÙY HAN NHẮN DÁN": H for B)?
 * The body word's length, or 0. */
static size_t body_word(const char *bf, size_t p, size_t bl, const char *t, size_t n, int drop)
{
	size_t e = p;
	while (e < bl && bf[e] != ' ' && bf[e] != '-')
		e++;
	size_t m = e - p;
	if (m == n && !memcmp(bf + p, t, n))
		return m;
	if (drop && m == n && m >= 3) {
		size_t diff = 0;
		for (size_t k = 0; k < m; k++)
			diff += bf[p + k] != t[k];
		if (diff == 1)
			return m;
	}
	if (!drop || m != n + 1 || m < 2)
		return 0;
	for (size_t k = 0; k < m; k++)
		if (!memcmp(bf + p, t, k) && !memcmp(bf + p + k + 1, t + k, n - k))
			return m;
	return 0;
}

/* Is the text word t (n bytes) the body word at bf[p..] but for two
 * letters at most (edit distance: "HIAN" for BAN, "A)" for ỦY on a small
 * photo's header)? The body word's length, or 0. */
static size_t body_word_far(const char *bf, size_t p, size_t bl, const char *t, size_t n)
{
	size_t e = p;
	while (e < bl && bf[e] != ' ' && bf[e] != '-')
		e++;
	char x[32], y[32];
	if (e - p >= sizeof x || n >= sizeof y || !n)
		return 0;
	memcpy(x, bf + p, e - p);
	x[e - p] = 0;
	memcpy(y, t, n);
	y[n] = 0;
	return paper_edit_distance(x, y) <= 2 ? e - p : 0;
}

/* The longest catalogue body printed as words w[i..]; its index, and the
 * number of words in *len; -1 if none. A body of three words or more also
 * matches with one letter dropped from one word or one letter of one
 * word read as another: bold faces lose a capital with a hook or a dot
 * ("Y BAN NHÂN DÂN" for "ỦY BAN NHÂN DÂN"), small photos blur a capital
 * ("ÙY HAN NHẮN DÁN"). A body of four words or more, failing that, also
 * matches with one word two letters off when all its other words are read
 * as printed ("ỦY HIAN NHẮN DẦN", "A) BẠN NHÂN DẪN": phone photos, seed
 * 7127): three exact words of four tell the body, and no two bodies of the
 * catalogue are so near.
 * An exact match wins. */
static long body_at(const doc *d, const word *w, size_t nw, size_t i, size_t *len)
{
	const sh_kinds *k = d->k;
	long best = -1;
	*len = 0;
	for (int drops = 0; drops < 3 && best < 0; drops++)
		for (size_t b = 0; b < k->bodies.n; b++) {
			const char *bf = k->bodies.fold[b];
			size_t bl = strlen(bf), p = 0, wi = i, words = 1;
			int left = drops ? 1 : 0;
			for (size_t q = 0; q < bl; q++)
				words += bf[q] == ' ';
			if ((drops && words < 3) || (drops == 2 && words < 4))
				continue;
			while (wi < nw && p < bl) {
				while (p < bl && (bf[p] == ' ' || bf[p] == '-'))
					p++;
				size_t wl = w[wi].b - w[wi].a;
				size_t m = body_word(bf, p, bl, d->f + w[wi].a, wl, 0);
				if (!m && left && drops == 1 && (m = body_word(bf, p, bl, d->f + w[wi].a, wl, 1)))
					left--;
				if (!m && left && drops == 2 && (m = body_word_far(bf, p, bl, d->f + w[wi].a, wl)))
					left--;
				if (!m)
					break;
				p += m;
				wi++;
				while (p < bl && (bf[p] == ' ' || bf[p] == '-'))
					p++;
			}
			if (p == bl && wi - i > *len) {
				*len = wi - i;
				best = (long)b;
			}
		}
	return best;
}

static char *issuer_words(doc *d, const word *w, size_t nw);

/* Is a one letter longer than b (lengths an = bn + 1), the same but for
 * that letter? */
static int one_more(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn + 1)
		return 0;
	size_t k = 0;
	while (k < bn && a[k] == b[k])
		k++;
	return !memcmp(a + k + 1, b + k, bn - k);
}

/* Is the read place t (tn bytes, folded) the listed one pf (pn bytes) with
 * one letter more or less, or with one letter read as a lookalike digit
 * ("8ảo Thắng": 8 for B, 0 for O, 1 for l or i, 5 for S)? */
static int place_near(const char *pf, size_t pn, const char *t, size_t tn)
{
	if (one_more(pf, pn, t, tn) || one_more(t, tn, pf, pn))
		return 1;
	if (pn != tn)
		return 0;
	size_t k = 0;
	while (k < pn && pf[k] == t[k])
		k++;
	if (k == pn || memcmp(pf + k + 1, t + k + 1, pn - k - 1))
		return 0;
	static const char *const look[] = {"8b", "0o", "1l", "1i", "5s"};
	for (size_t i = 0; i < sizeof look / sizeof *look; i++)
		if (t[k] == look[i][0] && pf[k] == look[i][1])
			return 1;
	return 0;
}

/* Can a word of a place be a misreading? Only when it is no Vietnamese
 * syllable and OCR read it unsurely, or a syllable read as a guess (below
 * PAPER_PLACE_GUESS, session 16: "TIÀ" at 38 for "IA"): the names of minority places (Ya Xiêr,
 * Kon Plông) are no syllables either, and read right they are read
 * surely; text without confidences is never put right so. */
#define PAPER_PLACE_GUESS 50
static int misread_place_word(doc *d, const char *w, size_t n)
{
	int conf = paper_word_conf(d, w, n);
	return conf >= 0 && conf < (paper_syllable_ok(w, n) ? PAPER_PLACE_GUESS : SH_PAPER_WEAK_CONF);
}

/* The one listed place the words w[a..b) are with one letter more or less
 * (OCR put in a stroke, "Ktim Sơn", or dropped a marked letter) or one
 * letter read as a digit (place_near), when a
 * word read may be a misreading (misread_place_word); its spelling, else
 * NULL (a province's, lv 3: the date line's, paper_dateplace.c). */
static const char *place_one_off(doc *d, const word *w, size_t a, size_t b, int lv)
{
	const sh_kinds *k = d->k;
	int bad = 0;
	for (size_t x = a; x < b; x++) {
		size_t oa = d->map[w[x].a], ob = d->map[w[x].b];
		bad |= misread_place_word(d, d->text + oa, ob - oa);
	}
	if (!bad && lv != 3) /* a province's name read not listed is misread */
		return NULL;
	const char *t = d->f + w[a].a, *hit = NULL;
	size_t tn = w[b - 1].b - w[a].a;
	/* and the gazetteer ("TIÀ SAO": Ia Sao), a place in it kept as read */
	const paper_strs *lists[3] = {&k->places, &k->lex_places, &k->gazetteer};
	for (size_t p = 0; p < k->gazetteer.n; p++)
		if (strlen(k->gazetteer.fold[p]) == tn && !memcmp(k->gazetteer.fold[p], t, tn))
			return NULL;
	/* two places the reading is as near to (folded alike: "Hải Dương",
	 * the gazetteer's "Hải Đường"): the one the header's date line names
	 * as printed, else none (session 18, seed 7122) */
	const char *dated = NULL, *first_fold = NULL;
	int two = 0, dated_hit = 0, other_fold = 0;
	for (int l = 0; l < 3; l++)
		for (size_t p = 0; p < lists[l]->n; p++) {
			const char *pf = lists[l]->fold[p];
			size_t pn = strlen(pf);
			/* or a letter read as two glyphs ("TILANH HÀ": H as "IL") */
			if (place_near(pf, pn, t, tn) || paper_lookalike_cost(pf, pn, t, tn) == 1) {
				if (!two && !dated)
					dated = paper_date_line_place(d);
				dated_hit |= dated && !strcmp(dated, lists[l]->orig[p]);
				two |= hit && strcmp(hit, lists[l]->orig[p]);
				hit = lists[l]->orig[p];
				other_fold |= first_fold && strcmp(first_fold, pf);
				first_fold = first_fold ? first_fold : pf;
			}
		}
	if (two && dated_hit)
		return dated;
	/* two spellings of one place ("Đắk Đoa", the gazetteer's "Đak Đoa",
	 * "Đăk Đoa": "ĐẮK ĐÓOA"): the one whose words are read as printed
	 * most, none when two tie (session 19, seed 5517); only where OCR
	 * said a word is misread (a province's name is looked up without) */
	if (two && !other_fold && bad) {
		size_t oa = d->map[w[a].a], on = d->map[w[b - 1].b] - oa;
		return paper_place_most_as_printed(d, lists, 3, first_fold, d->text + oa, on);
	}
	if (two)
		return NULL;
	return hit || lv != 3 ? hit : paper_province_by_date_line(d, t, tn);
}

/* "Số:" as bold and mono faces misread it ("S:", "Š:", "S5:", "5S:"),
 * followed by a digit: the number, not the header. */
static int number_misread(const char *f, size_t i, size_t e)
{
	size_t k = i;
	while (k < e && k < i + 2 && (f[k] == 's' || f[k] == '5' || f[k] == '6'))
		k++;
	if (k == i || f[i] == '6' || k >= e || f[k] != ':')
		return 0;
	k++;
	while (k < e && f[k] == ' ')
		k++;
	return k < e && isdigit((unsigned char)f[k]);
}

static int count_letters(const doc *d, size_t fa, size_t fb);

/* A digit at f[i] after spaces: "SỐ. 3722KH:UBXD", the number's label
 * read with a point for its colon, ends the left column too. */
static int number_after(const char *f, size_t i, size_t e)
{
	while (i < e && f[i] == ' ')
		i++;
	return i < e && isdigit((unsigned char)f[i]);
}

/* Is the word [i, we) the first of its line (from a), of one or two
 * letters, with a word of three capitals or more after it? A small photo's
 * header reads its first capital word with a small letter ("Ủy BẠN NHÂN
 * DÂN", "ù\ BAN NHÂN DẪN", seed 7124): the word is no lower-case text
 * that ends the left column. */
static int short_lead_word(const doc *d, size_t a, size_t i, size_t we, size_t e)
{
	for (size_t k = a; k < i; k++)
		if (paper_is_wordc((unsigned char)d->f[k]))
			return 0;
	if (count_letters(d, i, we) > 2)
		return 0;
	size_t ns = we;
	while (ns < e && d->f[ns] == ' ')
		ns++;
	size_t ne = ns;
	while (ne < e && d->f[ne] != ' ')
		ne++;
	for (size_t k = ns; k < ne; k++)
		if (isdigit((unsigned char)d->f[k]))
			return 0; /* "Số, 821/2LH-ƯBND": the number's line */
	return ne > ns && !paper_word_at(d->f, e, i, "so") && count_letters(d, ns, ne) >= 3 &&
	       paper_upper_share_range(d, ns, ne) == 100;
}

/* Is folded word [a, b) read "lA" in capitals otherwise: a capital I read
 * as a small l at the start of a word in capitals ("XÃ lA SAO", Liberation
 * Sans Bold: the header's "Ia" of highland places)? Such a word does not
 * end the upper-case left column. */
static int l_for_capital_i(const doc *d, size_t a, size_t b)
{
	size_t oa = d->map[a], ob = d->map[b];
	return ob - oa >= 2 && d->text[oa] == 'l' && paper_upper_share_range(d, a + 1, b) == 100;
}

/* The listed place (any list) folded name f (n bytes) is with its first
 * letter an i ("la sao" read for "Ia Sao"), or NULL. */
static const char *listed_with_i(const doc *d, const char *f, size_t n)
{
	for (int l = 0; l < paper_place_lists(); l++) {
		const paper_strs *list = paper_place_list(d->k, l);
		for (size_t p = 0; p < list->n; p++)
			if (strlen(list->fold[p]) == n && list->fold[p][0] == 'i' &&
			    !memcmp(list->fold[p] + 1, f + 1, n - 1))
				return list->orig[p];
	}
	return NULL;
}

/* Issuer from the header's left column: the lowest body named there and the
 * place it belongs to, written as the catalogue says ("UBND huyện Gia Lộc"). */
char *paper_find_issuer(doc *d, size_t number_line)
{
	word w[64];
	size_t nw = 0;
	/* the header ends at the heading or the number; without either, at
	 * the national motto, and without that there is no header */
	size_t stop = d->heading < d->nl ? d->heading : d->nl;
	if (number_line < stop)
		stop = number_line;
	if (stop >= d->nl) {
		stop = 0;
		for (size_t l = 0; l < d->nl && l < 8; l++) {
			const char *lf = d->f + d->ls[l];
			size_t ln = d->le[l] - d->ls[l];
			/* "hạnh phúc" too: italic faces read "Độc lập" as
			 * "Đặc lập", "Đệ lập" */
			for (size_t i = 0; i + 7 <= ln; i++)
				if (!memcmp(lf + i, "cong hoa", 8 <= ln - i ? 8 : 7) ||
				    !memcmp(lf + i, "doc lap", 7) ||
				    (i + 9 <= ln && !memcmp(lf + i, "hanh phuc", 9)))
					stop = l + 1;
		}
	}
	if (stop > 8)
		stop = 8;
	for (size_t l = 0; l < stop; l++) {
		size_t a = d->ls[l], e = d->le[l];
		const char *f = d->f;
		for (size_t i = a; i < e; i++) {
			if (!paper_starts_word(f, i))
				continue;
			size_t j = i + 2;
			while (j < e && f[j] == ' ')
				j++;
			size_t we = i;
			while (we < e && f[we] != ' ')
				we++;
			/* the left column is upper case; the motto's second line
			 * is not, and its first is cut by name */
			if (paper_word_at(f, e, i, "cong hoa") || paper_word_at(f, e, i, "xa hoi chu nghia") ||
			    paper_word_at(f, e, i, "tu do") || paper_word_at(f, e, i, "hanh phuc") ||
			    (paper_upper_share_range(d, i, we) >= 0 && paper_upper_share_range(d, i, we) < 100 &&
			     !short_lead_word(d, a, i, we, e) && !l_for_capital_i(d, i, we)) ||
			    (paper_word_at(f, e, i, "so") && j < e && (f[j] == ':' || isdigit((unsigned char)f[j]))) ||
			    (paper_word_at(f, e, i, "so") && j < e && strchr(".,;", f[j]) && number_after(f, j + 1, e)) ||
			    number_misread(f, i, e) || paper_motto_word_at(f, e, i)) {
				e = i;
				break;
			}
		}
		while (e > a && d->f[e - 1] == ' ')
			e--;
		/* only the part before the cut must be upper case */
		if (e <= a || paper_upper_share_range(d, a, e) < 70)
			continue;
		collect_words(d, a, e, w, &nw);
	}
	char *r = issuer_words(d, w, nw);
	if (r || d->oom)
		return r;
	/* no header (certificates): "TM. ỦY BAN NHÂN DÂN HUYỆN X" above the
	 * signature names the issuing body */
	size_t seen = 0;
	for (size_t l = d->nl; l-- > 0 && seen < 15;) {
		if (paper_line_empty(d, l))
			continue;
		seen++;
		const char *f = d->f + d->ls[l];
		size_t n = d->le[l] - d->ls[l];
		if (n < 4 || memcmp(f, "tm", 2) || !(f[2] == '.' || f[2] == ' '))
			continue;
		nw = 0;
		collect_words(d, d->ls[l] + 3, d->le[l], w, &nw);
		return issuer_words(d, w, nw);
	}
	return NULL;
}

/* Issuer from header words: bodies (longest catalogue match) and places
 * (a level word and a name); NULL when neither a known body nor a place.
 * Long (~130 lines) on purpose: one left-to-right pass whose states (body,
 * level word, place name) share the word cursor; split, they would pass
 * the same five locals around. */
/* Folded word t (n bytes) is level word lf with a vowel read twice, each
 * time with a mark ("TỈÌNH"): the original o (on bytes) holds two marked
 * letters in a row. */
static int level_vowel_twice(const char *lf, const char *t, size_t n, const char *o, size_t on)
{
	size_t ln = strlen(lf);
	if (n != ln + 1 || strchr(lf, ' '))
		return 0;
	for (size_t k = 1; k < n; k++) {
		if (t[k] != t[k - 1] || !strchr("aeiouy", t[k]) || memcmp(t, lf, k) || memcmp(t + k + 1, lf + k, n - k - 1))
			continue;
		size_t marked = 0, run = 0; /* marked letters in a row in o */
		for (size_t j = 0; j < on;) {
			utf8proc_int32_t c;
			utf8proc_ssize_t kk = utf8proc_iterate((const utf8proc_uint8_t *)o + j, (utf8proc_ssize_t)(on - j), &c);
			if (kk <= 0)
				return 0;
			run = c >= 0xC0 ? run + 1 : 0;
			marked = run > marked ? run : marked;
			j += (size_t)kk;
		}
		return marked >= 2;
	}
	return 0;
}

/* The level word (levels[]) at word i: as printed, else a level of four
 * letters or more read with one lookalike glyph ("HLIYỆN" for HUYỆN: U as
 * "LI", small photos), or with a vowel read twice with its mark
 * (level_vowel_twice), when the word is no syllable and no other level
 * reads so; -1 when none. */
static int level_at(doc *d, const word *w, size_t i)
{
	int lv = -1;
	for (size_t t = 0; t < sizeof levels / sizeof *levels && lv < 0; t++) {
		size_t ln = strlen(levels[t].fold);
		if (w[i].a + ln <= d->flen && !memcmp(d->f + w[i].a, levels[t].fold, ln) &&
		    paper_word_at(d->f, d->flen, w[i].a, levels[t].fold))
			lv = (int)t;
	}
	size_t oa = d->map[w[i].a], ob = d->map[w[i].b];
	if (lv >= 0 || paper_syllable_ok(d->text + oa, ob - oa))
		return lv;
	for (size_t t = 0; t < sizeof levels / sizeof *levels; t++) {
		const char *lf = levels[t].fold;
		if (strlen(lf) < 4 || strchr(lf, ' ') ||
		    (paper_lookalike_cost(lf, strlen(lf), d->f + w[i].a, w[i].b - w[i].a) != 1 &&
		     !level_vowel_twice(lf, d->f + w[i].a, w[i].b - w[i].a, d->text + oa, ob - oa)))
			continue;
		if (lv >= 0)
			return -1;
		lv = (int)t;
	}
	return lv;
}

/* A level word of five letters or more read two letters off at most
 * ("KLUYỆN", "MUYỆN" for HUYỆN: small photos, seeds 7116 and 7126) at
 * word i, when the words after it up to the next body spell exactly a
 * listed place: the place tells what the word was. The level, or -1. */
static int level_far(doc *d, const word *w, size_t nw, size_t i)
{
	const sh_kinds *k = d->k;
	size_t n = w[i].b - w[i].a, j = i + 1, bl;
	char x[16];
	if (n < 4 || n >= sizeof x || j >= nw)
		return -1;
	while (j < nw && body_at(d, w, nw, j, &bl) < 0)
		j++;
	if (j == i + 1)
		return -1;
	const char *t = d->f + w[i + 1].a;
	size_t tn = w[j - 1].b - w[i + 1].a;
	const paper_strs *lists[3] = {&k->places, &k->lex_places, &k->gazetteer};
	int listed = 0;
	for (int l = 0; l < 3 && !listed; l++)
		for (size_t p = 0; p < lists[l]->n && !listed; p++)
			listed = strlen(lists[l]->fold[p]) == tn && !memcmp(lists[l]->fold[p], t, tn);
	if (!listed)
		return -1;
	memcpy(x, d->f + w[i].a, n);
	x[n] = 0;
	int lv = -1;
	for (size_t v = 0; v < sizeof levels / sizeof *levels; v++) {
		const char *lf = levels[v].fold;
		if (strlen(lf) < 5 || strchr(lf, ' ') || paper_edit_distance(x, lf) > 2)
			continue;
		if (lv >= 0)
			return -1;
		lv = (int)v;
	}
	return lv;
}

int paper_issuer_whole(const doc *d, const char *issuer)
{
	if (!issuer)
		return 0;
	for (size_t i = 0; i < d->k->bodies.n; i++)
		if (!strcmp(issuer, d->k->body_short[i]))
			return 0;
	return 1;
}

static char *issuer_words(doc *d, const word *w, size_t nw)
{
	const sh_kinds *k = d->k;
	if (!nw)
		return NULL;
	long last_body = -1, unknown_a = -1, unknown_b = -1;
	size_t place_from = 0, place_to = 0, body_place_from = 0, body_place_to = 0;
	int place_lv = -1, body_place_lv = -1;
	size_t i = 0;
	while (i < nw) {
		size_t best_len;
		long best = body_at(d, w, nw, i, &best_len);
		if (best >= 0) {
			last_body = best;
			unknown_a = -1;
			body_place_from = body_place_to = 0;
			i += best_len;
			continue;
		}
		int lv = level_at(d, w, i);
		if (lv < 0)
			lv = level_far(d, w, nw, i);
		if (lv >= 0) {
			size_t s = i;
			i++;
			if (strchr(levels[lv].fold, ' '))
				i++;
			while (i < nw) {
				size_t bl;
				int isbody = body_at(d, w, nw, i, &bl) >= 0;
				if (isbody)
					break;
				i++;
			}
			place_from = s;
			place_to = i;
			place_lv = lv;
			if (last_body >= 0 || unknown_a >= 0) {
				body_place_from = s;
				body_place_to = i;
				body_place_lv = lv;
			}
			continue;
		}
		if (last_body < 0 && unknown_a < 0)
			unknown_a = (long)i;
		if (last_body < 0)
			unknown_b = (long)i + 1;
		i++;
	}
	if (last_body < 0 && place_to <= place_from)
		return NULL;
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	if (last_body >= 0) {
		rc |= sh_buf_puts(&b, k->body_short[last_body]);
	} else if (unknown_a >= 0) {
		/* unknown body: sentence case of what is printed */
		for (long x = unknown_a; x < unknown_b; x++) {
			size_t oa = d->map[w[x].a], ob = d->map[w[x].b];
			if (x > unknown_a)
				rc |= sh_buf_puts(&b, " ");
			if (x == unknown_a) {
				rc |= put_titlecase(&b, d->text + oa, ob - oa);
			} else {
				char *lw = NULL;
				if (sh_text_lower(&lw, d->text + oa, ob - oa)) {
					rc = 1;
					break;
				}
				rc |= sh_buf_puts(&b, lw);
				sh_free(lw);
			}
		}
	} else {
		return NULL;
	}
	if (body_place_to > body_place_from) {
		place_from = body_place_from;
		place_to = body_place_to;
		place_lv = body_place_lv;
	}
	if (place_to > place_from) {
		int lv = place_lv;
		size_t nstart = place_from + 1 + (lv >= 0 && strchr(levels[lv].fold, ' ') ? 1 : 0);
		if (nstart >= place_to) {
			/* a level word with its name lost ("TÍNH hÁC XIXH": the
			 * name cut as lower-case text) names no issuer */
			sh_buf_free(&b);
			return NULL;
		}
		rc |= sh_buf_printf(&b, " %s", levels[lv].print);
		if (nstart < place_to) {
			/* the place name: gazetteer first, else title case */
			size_t fa = w[nstart].a, fb = w[place_to - 1].b;
			const char *canon = paper_place_spelt_as_read(d, d->f + fa, fb - fa, d->text + d->map[fa],
								      d->map[fb] - d->map[fa]);
			const paper_strs *lists[2] = {&k->places, &k->lex_places};
			for (int l = 0; l < 2; l++)
				for (size_t p = 0; p < lists[l]->n && !canon; p++)
					if (strlen(lists[l]->fold[p]) == fb - fa &&
					    !memcmp(lists[l]->fold[p], d->f + fa, fb - fa))
						canon = lists[l]->orig[p];
			if (!canon && l_for_capital_i(d, w[nstart].a, w[nstart].b))
				canon = listed_with_i(d, d->f + fa, fb - fa);
			if (!canon)
				canon = paper_place_apostrophe(d, d->f + fa, fb - fa);
			if (!canon)
				canon = place_one_off(d, w, nstart, place_to, lv);
			if (!canon)
				canon = paper_issuer_place_dated(d, fa, fb);
			rc |= sh_buf_puts(&b, " ");
			if (canon) {
				rc |= sh_buf_puts(&b, canon);
			} else {
				/* not listed: title case, each word restored from
				 * the words of listed places */
				sh_buf pb = SH_BUF_INIT;
				for (size_t x = nstart; x < place_to; x++) {
					size_t oa = d->map[w[x].a], ob = d->map[w[x].b];
					if (x > nstart)
						rc |= sh_buf_puts(&pb, " ");
					rc |= put_titlecase(&pb, d->text + oa, ob - oa);
				}
				char *pl = rc ? NULL : sh_buf_detach(&pb);
				sh_buf_free(&pb);
				/* "lA" in capitals: the I of "Ia" (no word opens "lA") */
				if (pl && pl[0] == 'L' && l_for_capital_i(d, w[nstart].a, w[nstart].b))
					pl[0] = 'I';
				pl = paper_lex_restore(d, pl, PAPER_NAME_PLACE);
				if (pl)
					rc |= sh_buf_puts(&b, pl);
				else
					rc = 1;
				sh_free(pl);
			}
		}
	}
	if (rc) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	return sh_buf_detach(&b);
}

static int starts_lower(const doc *d, size_t l)
{
	utf8proc_int32_t c;
	size_t oa = d->map[d->ls[l]], ob = d->map[d->le[l]];
	return oa < ob && utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
					   (utf8proc_ssize_t)(ob - oa), &c) > 0 && utf8proc_islower(c);
}

int paper_kinh_gui_line(const doc *d, size_t l)
{
	const char *f = d->f + d->ls[l];
	size_t n = d->le[l] - d->ls[l];
	if (n >= 8 && !memcmp(f, "kinh gui", 8))
		return 1;
	/* "Kính gửi:" misread ("Kinh gửt:", "Kính gừi :"): a label of two
	 * words before a colon, one or two letters from it */
	const char *colon = memchr(f, ':', n < 12 ? n : 12);
	if (colon) {
		char lab[16];
		size_t ln = (size_t)(colon - f);
		while (ln && f[ln - 1] == ' ')
			ln--;
		snprintf(lab, sizeof lab, "%.*s", (int)ln, f);
		if (ln >= 6 && strchr(lab, ' ') && paper_edit_distance(lab, "kinh gui") <= 2)
			return 1;
	}
	return 0;
}

size_t paper_vv_garbled(const char *f, size_t n)
{
	size_t w = 0;
	while (w < n && f[w] != ' ')
		w++;
	if (w < 2 || w > 6 || w == n || f[0] != 'v')
		return 0;
	int letters = 0, marks = 0;
	for (size_t i = 1; i < w; i++) {
		unsigned char c = (unsigned char)f[i];
		if (c >= 'a' && c <= 'z')
			letters++;
		else if (c >= '0' && c <= '9')
			return 0;
		else
			marks++;
	}
	return letters <= 1 && marks >= 1 ? w : 0;
}

static int title_stop(const doc *d, size_t l)
{
	static const char *const stops[] = {"can cu", "kinh gui", "dieu ", "noi nhan", "thuc hien",
					    "xet de nghi", "theo de nghi"};
	const char *f = d->f + d->ls[l];
	size_t n = d->le[l] - d->ls[l];
	for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
		if (n >= strlen(stops[i]) && !memcmp(f, stops[i], strlen(stops[i])))
			return 1;
	if (paper_kinh_gui_line(d, l))
		return 1;
	/* section marks: "I.", "1.", "II)" (OCR: "I1.") */
	size_t i = 0;
	while (i < n && i < 5 && strchr("ivxl0123456789", f[i]))
		i++;
	if (i > 0 && i < n && (f[i] == '.' || f[i] == ')'))
		return 1;
	int up = paper_upper_share(d, l);
	return up >= 70;
}

char *paper_find_title(doc *d, const paper_kind *pk)
{
	if (d->heading >= d->nl)
		return NULL;
	size_t l = d->heading;
	int include_heading = 0;
	/* a heading written in lower case ("V/v ...") is the title itself */
	for (size_t t = 0; t < pk->titles.n; t++)
		if (!paper_all_upper_ascii_or_marks(pk->titles.orig[t]))
			include_heading = 1;
	if (!include_heading) {
		l++;
		while (l < d->nl && paper_line_empty(d, l))
			l++;
	}
	size_t first = l, last = l;
	for (size_t n = 0; l < d->nl && n < 4; l++, n++) {
		if (paper_line_empty(d, l)) {
			/* a title line that goes on in lower case after a blank
			 * line (OCR spacing) */
			if (l + 1 < d->nl && !paper_line_empty(d, l + 1) && !title_stop(d, l + 1) &&
			    starts_lower(d, l + 1))
				continue;
			break;
		}
		if ((l != first || !include_heading) && title_stop(d, l))
			break;
		last = l + 1;
	}
	if (last <= first)
		return NULL;
	sh_buf b = SH_BUF_INIT;
	int rc = 0;
	for (size_t x = first; x < last; x++) {
		char *s = paper_orig_range(d, d->ls[x], d->le[x], NULL);
		if (!s)
			continue;
		if (b.len)
			rc |= sh_buf_puts(&b, " ");
		rc |= sh_buf_puts(&b, s);
		sh_free(s);
	}
	if (rc || d->oom) {
		sh_buf_free(&b);
		d->oom = 1;
		return NULL;
	}
	char *r = sh_buf_detach(&b);
	if (!r) {
		d->oom = 1;
		return NULL;
	}
	if (!(r = paper_title_small_caps(d, paper_title_words(d, paper_title_places(d, paper_apply_corrections(d, r))))))
		return NULL;
	/* "Về việc" and "V/v" are fixed phrases: give back what OCR dropped */
	char *fr = NULL;
	if (paper_fold(&fr, NULL, NULL, r, strlen(r)) == SH_OK) {
		/* "V/w", "V/y": the v read as its lookalikes */
		int vv = !strncmp(fr, "v/v ", 4) || !strncmp(fr, "v/ ", 3) || !strncmp(fr, "vv ", 3) ||
			 !strncmp(fr, "v/v. ", 5) || !strncmp(fr, "v/w ", 4) || !strncmp(fr, "v/y ", 4) ||
			 (!strcmp(pk->code, "CV") && paper_vv_garbled(fr, strlen(fr)));
		if (!strncmp(fr, "ve viec ", 8) || vv) {
			const char *sp = strchr(r, ' ');
			sp = sp && !vv ? strchr(sp + 1, ' ') : sp;
			if (sp) {
				char *fixed = sh_asprintf("%s%s", vv ? "V/v" : "Về việc", sp);
				if (fixed) {
					sh_free(r);
					r = fixed;
				} else {
					d->oom = 1;
				}
			}
		}
		sh_free(fr);
	} else {
		d->oom = 1;
	}
	return r;
}

/* Letters (Unicode category L) in folded range [fa, fb) of the original:
 * OCR noise such as '‹' or '„' is not a letter. */
static int count_letters(const doc *d, size_t fa, size_t fb)
{
	size_t oa = d->map[fa], ob = d->map[fb];
	int n = 0;
	while (oa < ob) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)d->text + oa,
						      (utf8proc_ssize_t)(ob - oa), &c);
		if (k <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(c);
		n += cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		oa += (size_t)k;
	}
	return n;
}

/* A line of the "Nơi nhận" (recipients) list: "Nơi nhận:", "- Như trên;",
 * "- Lưu: VT" (OCR may read the dash as '~' or a bullet). */
static int recipient_item(const doc *d, size_t l)
{
	const char *f = d->f + d->ls[l];
	size_t n = d->le[l] - d->ls[l];
	if (n == 0)
		return 0;
	if (strchr("-~+*", f[0]) || !strncmp(f, "noi nhan", n < 8 ? n : 8) ||
	    !strncmp(f, "luu", n < 3 ? n : 3))
		return 1;
	/* '•' U+2022, '–' U+2013, '—' U+2014 */
	return n >= 3 && (!memcmp(f, "\xe2\x80\xa2", 3) || !memcmp(f, "\xe2\x80\x93", 3) ||
			  !memcmp(f, "\xe2\x80\x94", 3));
}

/* The catalogue position folded text f[a..e) is, exactly, or else the one
 * position of two words or more it is with one letter dropped (bold faces
 * drop a capital with a hook: "CH TỊCH", "PHÓ GIÁM ĐC"); -1 if none. */
long paper_position_at(const doc *d, size_t a, size_t e)
{
	const paper_strs *ps = &d->k->positions;
	long hit = -1;
	for (size_t p = 0; p < ps->n; p++)
		if (strlen(ps->fold[p]) == e - a && !memcmp(ps->fold[p], d->f + a, e - a))
			return (long)p;
	for (size_t p = 0; p < ps->n; p++) {
		const char *pf = ps->fold[p];
		if (!strchr(pf, ' ') || !one_more(pf, strlen(pf), d->f + a, e - a))
			continue;
		if (hit >= 0)
			return -1;
		hit = (long)p;
	}
	return hit;
}

static int is_signer_prefix(const char *f, size_t n)
{
	static const char *const prefixes[] = {"tm", "kt", "tl", "tuq", "q", "t/m"};
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t pl = strlen(prefixes[i]);
		if (n >= pl + 1 && !memcmp(f, prefixes[i], pl) && (f[pl] == '.' || f[pl] == ' '))
			return 1;
	}
	return 0;
}

/* Start (folded offset) of the upper-case tail of line l — the right
 * column when OCR put "Nơi nhận:" items on the same line — or (size_t)-1.
 * The tail has a word of three letters or more and no ',', ';', ':'. */
static size_t upper_tail(const doc *d, size_t l)
{
	size_t a = d->ls[l], e = d->le[l], start = (size_t)-1;
	paper_trim_strays(d, &a, &e); /* "PHÓ CHỦ TỊCH ị" (a photo) */
	int long_word = 0;
	size_t we = e;
	while (we > a) {
		size_t ws = we;
		while (ws > a && d->f[ws - 1] != ' ')
			ws--;
		if (paper_upper_share_range(d, ws, we) != 100)
			break;
		int letters = count_letters(d, ws, we), bad = 0;
		for (size_t i = ws; i < we; i++)
			bad |= strchr(",;:", d->f[i]) != NULL;
		/* "VP." ends the left column's text; "KT." starts a title */
		if (bad || (d->f[we - 1] == '.' && we != e && !is_signer_prefix(d->f + ws, we - ws)))
			break;
		long_word |= letters >= 3;
		start = ws;
		we = ws > a ? ws - 1 : a;
	}
	if (!long_word)
		return (size_t)-1;
	/* a value after a label ("- Lưu: VTVP") is not a title, except the
	 * right column after "Nơi nhận:" or a catalogue position as a whole
	 * ("- Như trên: CHỦ TỊCH"); the archive line has none */
	if (start > a + 1 && d->f[start - 2] == ':' && strncmp(d->f + a, "noi nhan", 8) &&
	    paper_position_at(d, start, e) < 0)
		return (size_t)-1;
	size_t b = a;
	while (b < e && !paper_is_alnum_ascii((unsigned char)d->f[b]))
		b++;
	if (b > a && paper_word_at(d->f, e, b, "luu")) {
		/* only a known position beside the archive line: "- Lưu: VT, VP
		 * PHÓ CHỦ TỊCH", not "- Lưu: VT VPB" */
		for (size_t i = start; i < e; i++) {
			if (i != start && d->f[i - 1] != ' ')
				continue;
			for (size_t p = 0; p < d->k->positions.n; p++)
				if (strlen(d->k->positions.fold[p]) == e - i &&
				    !memcmp(d->k->positions.fold[p], d->f + i, e - i))
					return i;
		}
		return (size_t)-1;
	}
	/* a left-column abbreviation that lost its '.' ("VT, VP PHÓ CHỦ
	 * TỊCH"): titles have no words of one or two letters but prefixes */
	while (start < e && paper_position_at(d, start, e) < 0) {
		size_t we2 = start;
		while (we2 < e && d->f[we2] != ' ')
			we2++;
		if (count_letters(d, start, we2) > 2 || we2 >= e ||
		    is_signer_prefix(d->f + start, we2 - start))
			break;
		start = we2 + 1;
	}
	return start;
}

/* Is the first word of the original text of folded [s, e) a listed
 * surname? */
static int quote_surname_ok(const doc *d, size_t s, size_t e)
{
	char buf[SH_PAPER_WORD_MAX * 4 + 2];
	size_t oa = d->map[s], ob = d->map[e], n = 0;
	while (oa + n < ob && d->text[oa + n] != ' ' && n + 2 < sizeof buf)
		n++;
	memcpy(buf, d->text + oa, n);
	buf[n] = ' '; /* paper_surname_listed reads the word before a space */
	buf[n + 1] = 0;
	return paper_surname_listed(d->k, buf);
}

/* Start of a signer's name at the end of line l: the whole line, or the
 * tail after a "Nơi nhận" item ("- Lưu: VT. Nguyễn Văn An"); (size_t)-1. */
static size_t name_tail(const doc *d, size_t l, size_t *end)
{
	/* stray marks after the name ("Hoàng Thu Trang .") are not part of it */
	size_t e = d->le[l], s = d->ls[l];
	paper_trim_strays(d, &s, &e); /* "| Kiều Thị Dịu ]" (a photo) */
	size_t s0 = s;
	while (e > s && !paper_is_wordc((unsigned char)d->f[e - 1]))
		e--;
	/* an opening quote glued to the name ("“Hoàng Thị Long": a photo's
	 * speck over the first capital, seed 7127): no name starts with one */
	for (int guard = 0; guard < 2 && s < e; guard++) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)d->f + s, (utf8proc_ssize_t)(e - s), &c);
		utf8proc_category_t cat = k > 0 ? utf8proc_category(c) : UTF8PROC_CATEGORY_CN;
		if (k <= 0 || !(c == '"' || c == '\'' || c == '`' || cat == UTF8PROC_CATEGORY_PI ||
				cat == UTF8PROC_CATEGORY_PF || c == 0x201E) ||
		    s + (size_t)k >= e || !paper_is_wordc((unsigned char)d->f[s + (size_t)k]))
			break;
		s += (size_t)k;
	}
	/* the speck may hide a misread too ("'Đồ Thanh Phương"): only a
	 * listed surname is taken after it */
	*end = e;
	if (s > s0 && !quote_surname_ok(d, s, e))
		return (size_t)-1;
	if (e > s && paper_name_line(d, s, e))
		return s;
	if (!recipient_item(d, l))
		return (size_t)-1;
	size_t best = (size_t)-1;
	for (size_t i = e; i-- > d->ls[l];)
		if (d->f[i] == ' ' && paper_name_line(d, i + 1, e))
			best = i + 1;
	return best;
}

/* A signer's title as printed, or — when it is printed in capitals and
 * folds to a catalogue position — that position's spelling (OCR misreads
 * "PHÓ" as "PHỎ"); a "Q. " prefix is kept. */
static char *position_value(doc *d, size_t a, size_t e)
{
	size_t p = a;
	if (e - a > 3 && !memcmp(d->f + a, "q.", 2)) {
		p = a + 2;
		while (p < e && d->f[p] == ' ')
			p++;
	}
	long i = paper_upper_share_range(d, a, e) == 100 ? paper_position_at(d, p, e) : -1;
	if (i >= 0) {
		char *r = p > a ? sh_asprintf("Q. %s", d->k->positions.orig[i]) : sh_strdup(d->k->positions.orig[i]);
		if (!r)
			d->oom = 1;
		return r;
	}
	return paper_orig_range(d, a, e, NULL);
}

void paper_find_signer(doc *d, char **signer, char **title)
{
	*signer = *title = NULL;
	size_t seen = 0;
	for (size_t l = d->nl; l-- > 0 && seen < 30;) {
		if (paper_line_empty(d, l))
			continue;
		seen++;
		size_t ne;
		size_t na = name_tail(d, l, &ne);
		/* the last line, a name read past recognition ("'Đồ Thanh
		 * Phương"): the block above may still give the title alone */
		int garbled = na == (size_t)-1 && seen == 1 && d->le[l] - d->ls[l] <= 40 &&
			      upper_tail(d, l) == (size_t)-1 && !recipient_item(d, l);
		size_t above = l;
		while (above > 0 && paper_line_empty(d, above - 1))
			above--;
		if (na == (size_t)-1 && !garbled)
			continue;
		/* the title block: upper-case lines (or right-column tails)
		 * right above; a gap of at most one line (signature, "(Đã
		 * ký)") allowed */
		size_t t = l, gap = 0, sgap = 0, n = 0, walked = 0;
		size_t last = 0, last_a = 0, bl[5], ba[5];
		/* five lines: a seal's lettering may be read between the
		 * title and the name (paper_block_position) */
		while (t-- > 0 && n < 5 && walked++ < 12) {
			if (paper_line_empty(d, t))
				continue;
			size_t ta = upper_tail(d, t);
			if (ta != (size_t)-1) {
				if (!n) {
					last = t;
					last_a = ta;
				}
				bl[n] = t;
				ba[n] = ta;
				n++;
				if (is_signer_prefix(d->f + ta, d->le[t] - ta))
					break;
				continue;
			}
			/* "Nơi nhận" items beside the block are not gaps */
			if (recipient_item(d, t))
				continue;
			/* a seal's lettering or a signature read as short
			 * lines of noise: up to three of them (a photo) */
			if (n || (d->le[t] - d->ls[t] <= 12 ? ++sgap > 3 : ++gap > 1))
				break;
		}
		if (!n && garbled)
			continue;
		if (!n)
			return;
		*title = paper_block_position(d, bl, ba, n);
		if (garbled) {
			/* only under a block opened by "TM.", "KT.", ... and
			 * only a catalogue position */
			int listed = 0;
			for (size_t p = 0; *title && p < d->k->positions.n; p++)
				listed |= !strcmp(d->k->positions.orig[p], *title);
			/* the block right above the line, nothing between */
			/* ("/Z7_KT†:CHỦ TỊCH": a "KT." line garbled around
			 * its position opens it too) */
			int opened = is_signer_prefix(d->f + ba[n - 1], d->le[bl[n - 1]] - ba[n - 1]) ||
				     paper_kt_principal(d, bl[n - 1]) >= 0;
			if (!listed || bl[0] + 1 != above || !opened) {
				sh_free(*title);
				*title = NULL;
				continue;
			}
			return;
		}
		if (!*title && !d->oom && paper_position_tail_only(d, last_a, d->le[last])) {
			long p = paper_position_word_cut(d, d->ls[last], d->le[last]);
			if (p >= 0 && !(*title = sh_strdup(d->k->positions.orig[p])))
				d->oom = 1;
		}
		if (!*title && !d->oom)
			*title = position_value(d, last_a, d->le[last]);
		*signer = paper_name_recase(d, paper_orig_range(d, na, ne, NULL));
		return;
	}
}

/* ---- addresses ---------------------------------------------------------- */

/* The listed spelling of the place folded name f (fn bytes), read as orig
 * (on bytes); NULL to keep the reading. A place listed as read (catalogue,
 * lexicon or gazetteer: every administrative name) stays. One folding like
 * it, the only such spelling, when a word read is no syllable or was read
 * unsurely ("Nghỉ Lộc" at 64 → "Nghi Lộc"; at 81 it stays); else one with
 * a letter more or less or a lookalike digit (place_near) when a word is no
 * syllable read unsurely (misread_place_word: "8ảo Thành"). */
const char *paper_place_fix(doc *d, const char *f, size_t fn, const char *orig, size_t on)
{
	const char *hit = NULL;
	int bad = 0, doubt = 0, hit_list = -1;
	for (size_t i = 0; i < on;) {
		size_t n = 0;
		while (i + n < on && orig[i + n] != ' ')
			n++;
		if (n) {
			int conf = paper_word_conf(d, orig + i, n);
			bad |= misread_place_word(d, orig + i, n);
			doubt |= !paper_syllable_ok(orig + i, n) || (conf >= 0 && conf < SH_PAPER_WEAK_CONF);
		}
		i += n + 1;
	}
	int listed, spellings;
	const char *same = paper_place_fold_pick(d, f, fn, orig, on, &listed, &spellings);
	if (listed || spellings)
		return doubt ? same : NULL;
	if (!bad)
		return NULL;
	for (int l = 0; l < paper_place_lists(); l++) {
		const paper_strs *list = paper_place_list(d->k, l);
		for (size_t p = 0; p < list->n; p++) {
			const char *pf = list->fold[p];
			size_t pn = strlen(pf);
			if (place_near(pf, pn, f, fn) && paper_place_marks_fit(list->orig[p], orig, on)) {
				/* a later list's spelling of the same place in
				 * other case ("Ea H'Leo" beside the catalogue's
				 * "Ea H'leo") is no other place (session 19);
				 * two such in one list ("KBang", "Kbang"):
				 * which? */
				if (hit && strcmp(hit, list->orig[p]) && (hit_list == l || !paper_case_only(hit, list->orig[p])))
					return NULL;
				if (!hit)
					hit_list = l;
				hit = hit ? hit : list->orig[p];
			}
		}
	}
	return hit;
}

/* One part of an address (between commas) into b: a level word with one
 * letter dropped ("tnh") is the level word; the name after it is the one
 * listed place it is one letter off (paper_place_fix), else as read. */
static int address_part(doc *d, sh_buf *b, const char *p, size_t n)
{
	size_t sp = 0;
	while (sp < n && p[sp] == ' ')
		sp++;
	int rc = sh_buf_put(b, p, sp);
	p += sp;
	n -= sp;
	char *f = NULL;
	size_t *map = NULL, fn = 0;
	if (!n)
		return rc;
	if (paper_fold(&f, &map, &fn, p, n))
		return -1;
	size_t name = 0; /* byte of p where the name starts */
	for (size_t t = 0; t < sizeof levels / sizeof *levels && !name; t++) {
		size_t ln = strlen(levels[t].fold);
		if (fn > ln && !memcmp(f, levels[t].fold, ln) && f[ln] == ' ')
			name = map[ln];
	}
	size_t w1 = 0;
	while (w1 < fn && f[w1] != ' ')
		w1++;
	long lv = -1;
	/* "Uyên Hưng" is a place, not "huyện" read badly: only no syllable */
	if (!name && w1 < fn && !paper_syllable_ok(p, map[w1]))
		for (size_t t = 0; t < sizeof levels / sizeof *levels; t++) {
			size_t ln = strlen(levels[t].fold);
			if (ln >= 4 && !strchr(levels[t].fold, ' ') && one_more(levels[t].fold, ln, f, w1)) {
				lv = lv < 0 ? (long)t : -2;
			}
		}
	if (lv >= 0) {
		/* the level word as printed, capital kept */
		const char *pr = levels[lv].print;
		if (*p >= 'A' && *p <= 'Z')
			rc |= sh_buf_printf(b, "%c%s", *pr - 'a' + 'A', pr + 1);
		else
			rc |= sh_buf_puts(b, pr);
		name = map[w1];
	} else {
		rc |= sh_buf_put(b, p, name);
	}
	while (name < n && p[name] == ' ')
		rc |= sh_buf_put(b, " ", 1), name++;
	size_t fa = 0;
	while (fa < fn && map[fa] < name)
		fa++;
	const char *canon = name < n ? paper_place_fix(d, f + fa, fn - fa, p + name, n - name) : NULL;
	sh_free(f);
	sh_free(map);
	if (name >= n)
		return rc;
	/* no per-word restoration from the lexicon: it changed right readings
	 * of rarer places (held-out split, 2026-12-06) */
	return rc | (canon ? paper_put_place(b, canon, p + name, n - name) : sh_buf_put(b, p + name, n - name));
}

char *paper_address_restore(doc *d, char *s)
{
	if (!(s = paper_address_marks(d, s)) || d->no_restore)
		return s;
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
