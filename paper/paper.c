/* Paper kinds and facts from OCR text (Nghị định 30/2020/NĐ-CP layouts for
 * agency documents; labelled forms for personal and company papers).
 *
 * Everything is matched on the folded text (no diacritics, lower case), so
 * OCR that lost diacritics still matches; values are cut from the original
 * text through the fold's offset map. Ids are validated and cross-checked;
 * a doubtful value is left out rather than guessed. */
#include "paper_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- kind recognition --------------------------------------------------- */


/* The initials of the paper's heading when it stands right under the
 * number's line l (a blank line between allowed): a line in capitals of two
 * to four words of letters ("CHỈ THỊ" -> "ct", "QUYẾT ĐỊNH" -> "qd"), as
 * Nghị định 30 forms the type symbol of a number. fold gets them folded,
 * up as printed ("QĐ"). 0 when there is no such line. */
static int heading_initials(const doc *d, size_t l, char fold[8], char up[16])
{
	size_t h = l + 1;
	while (h < d->nl && h < l + 3 && paper_line_empty(d, h))
		h++;
	if (h >= d->nl || h > l + 2 || paper_line_empty(d, h) || paper_upper_share(d, h) < 100)
		return 0;
	const char *f = d->f;
	size_t n = 0, u = 0;
	for (size_t i = d->ls[h]; i < d->le[h];) {
		if (f[i] == ' ') {
			i++;
			continue;
		}
		if (n == 4)
			return 0;
		size_t e = i;
		while (e < d->le[h] && f[e] != ' ') {
			if (f[e] < 'a' || f[e] > 'z')
				return 0;
			e++;
		}
		fold[n++] = f[i];
		/* Đ keeps its bar ("QĐ"); every other initial is a capital */
		if (f[i] == 'd' && !memcmp(d->text + d->map[i], "\xc4\x90", 2)) {
			memcpy(up + u, "\xc4\x90", 2);
			u += 2;
		} else {
			up[u++] = (char)(f[i] - 'a' + 'A');
		}
		i = e;
	}
	fold[n] = 0;
	up[u] = 0;
	return n >= 2;
}

/* Is folded segment seg (n bytes, 2 to 5 letters) the initials of the
 * first n words of a line above line l, each word of letters printed in
 * capitals ("SỞ TƯ PHÁP" -> "stp")? The symbol an office forms from its
 * own name for a công văn (NĐ 30). */
static int office_initials_above(const doc *d, size_t l, const char *seg, size_t n)
{
	const char *f = d->f;
	if (n < 2 || n > 5)
		return 0;
	for (size_t h = 0; h < l; h++) {
		size_t i = d->ls[h], k = 0;
		while (k < n && i < d->le[h]) {
			while (i < d->le[h] && f[i] == ' ')
				i++;
			size_t e = i;
			while (e < d->le[h] && f[e] >= 'a' && f[e] <= 'z')
				e++;
			if (e == i || (e < d->le[h] && f[e] != ' ') || f[i] != seg[k])
				break;
			int caps = 1; /* a word in capitals */
			for (size_t q = i; q < e && caps; q++) {
				utf8proc_int32_t c;
				caps = utf8proc_iterate((const utf8proc_uint8_t *)d->text + d->map[q], -1, &c) > 0 &&
				       utf8proc_isupper(c);
			}
			if (!caps)
				break;
			k++;
			i = e;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

/* A number whose slash OCR read as a glyph or lost, under a heading
 * (italic faces: "3387ACT-UBND", "640 AT-UBND" for 3387/CT-UBND and
 * 640/CT-UBND above "CHỈ THỊ"): the digits at [j, r) of line l, then an
 * "A" or spaces, then a type segment one letter from the heading's
 * initials, a '-' and the body's letters, and nothing else. The type is
 * the heading's (the symbol names the paper's type, NĐ 30); a number with
 * a real slash never comes here, and without such a heading it stays not
 * found. */
static int number_type_by_heading(const doc *d, size_t l, size_t j, size_t r, number_info *ni)
{
	const char *f = d->f;
	size_t k = r, le = d->le[l];
	while (k < le && f[k] == ' ')
		k++;
	if (k >= le || (k == r && f[k] != 'a'))
		return 0;
	size_t s = k, g = k;
	while (g < le && f[g] >= 'a' && f[g] <= 'z')
		g++;
	if (g >= le || f[g] != '-' || g - s < 2 || g - s > 5)
		return 0;
	size_t e = g + 1;
	while (e < le && paper_is_alnum_ascii((unsigned char)f[e]))
		e++;
	if (e == g + 1 || (e < le && f[e] != ' ' && f[e] != '_'))
		return 0;
	char ini[8], up[16], seg[8];
	if (!heading_initials(d, l, ini, up))
		return 0;
	memcpy(seg, f + s, g - s);
	seg[g - s] = 0;
	if (paper_edit_distance(seg, ini) > 1 || strlen(up) >= sizeof ni->type)
		return 0;
	memcpy(ni->sym, ini, strlen(ini) + 1);
	memcpy(ni->type, up, strlen(up) + 1);
	ni->a = j;
	ni->b = e;
	ni->digits_end = r;
	ni->type_end = g;
	ni->found = 1;
	return 1;
}

/* Is folded seg (n bytes) the initials of the heading under the number's
 * line l ("ct" over "CHỈ THỊ": a type the catalogue has no symbol for)? */
static int heading_symbol(const doc *d, size_t l, const char *seg, size_t n)
{
	char ini[8], up[16];
	return heading_initials(d, l, ini, up) && strlen(ini) == n && !memcmp(ini, seg, n);
}

/* The year of "465/2022AQĐ-UBND", "203/20214QĐ-UBND" at q: four digits,
 * then a glyph italic faces read for the slash (A, 4) and a known type
 * symbol up to the '-'. A year has four digits, so the fifth glyph is no
 * part of it. */
int paper_year_slash_glyph(const sh_kinds *k, const char *f, size_t q, size_t e)
{
	if (q + 6 > e || (memcmp(f + q, "19", 2) && memcmp(f + q, "20", 2)) || !isdigit((unsigned char)f[q + 2]) ||
	    !isdigit((unsigned char)f[q + 3]) || (f[q + 4] != 'a' && f[q + 4] != '4'))
		return 0;
	size_t g = q + 5;
	while (g < e && f[g] >= 'a' && f[g] <= 'z')
		g++;
	return g < e && f[g] == '-' && paper_known_symbol(k, f + q + 5, g - q - 5);
}

static int year_slash_glyph(const doc *d, const char *f, size_t q, size_t e)
{
	return paper_year_slash_glyph(d->k, f, q, e);
}

/* "Số:" misread at a line start i (line end le): "S6:", "Sé:", "Š:",
 * "5S:" (bold and mono faces), "$:", "$ð:", "$7:", "$ð'" (italic faces);
 * where the label's punctuation stands, or 0 when none. */
static size_t label_misread(const char *f, size_t i, size_t le)
{
	if ((f[i] != 's' && f[i] != '5' && f[i] != '$') || i + 3 >= le)
		return 0;
	int dollar = f[i] == '$', mid = paper_is_alnum_ascii((unsigned char)f[i + 1]);
	if (f[i] != '5' && (f[i + 1] == ':' || (dollar && f[i + 1] == '\'' && isdigit((unsigned char)f[i + 2]))))
		return i + 1;
	if (dollar && mid && f[i + 2] == '\'' && isdigit((unsigned char)f[i + 3]))
		return i + 2;
	if (f[i + 2] == ':' && !(f[i] == '5' && f[i + 1] != 's') && !(dollar && !mid))
		return i + 2;
	return 0;
}

/* Find "Số: 535/QĐ-UBND" near the top: "so" at a line start or followed by
 * ':' / '.', then the token. */
static void find_number(const doc *d, number_info *ni)
{
	memset(ni, 0, sizeof *ni);
	size_t lines = d->nl < 30 ? d->nl : 30;
	for (size_t l = 0; l < lines; l++) {
		const char *f = d->f;
		for (size_t i = d->ls[l]; i + 2 < d->le[l]; i++) {
			if (!paper_starts_word(f, i))
				continue;
			size_t j = i + 2;
			if (!paper_word_at(f, d->le[l], i, "so") &&
			    (i != d->ls[l] || !(j = label_misread(f, i, d->le[l]))))
				continue;
			int punct = 0;
			while (j < d->le[l] && (f[j] == ' ' || f[j] == ':' || f[j] == '.' || f[j] == ';' ||
						(f[j] == '\'' && d->f[i] == '$'))) {
				punct |= f[j] != ' ';
				j++;
			}
			if (!punct && i != d->ls[l])
				continue;
			/* the token; spaces next to '/' and '-' are part of it
			 * ("Số: 1914 /QĐ-UBND", a number typed into a blank) */
			size_t e = j;
			while (e < d->le[l]) {
				if (f[e] == ' ') {
					size_t q = e;
					while (q < d->le[l] && f[q] == ' ')
						q++;
					if (q < d->le[l] && (f[q] == '/' || f[q] == '-' ||
							     (e > j && (f[e - 1] == '/' || f[e - 1] == '-')))) {
						e = q;
						continue;
					}
					break;
				}
				e++;
			}
			while (e > j && strchr(".,;:_", f[e - 1]))
				e--;
			/* digits (with slips; "!904": a 1 in italic faces),
			 * optional /YYYY, then /SYMBOL */
			size_t p = j, nd = 0, real = 0;
			while (p < e && (isdigit((unsigned char)f[p]) || f[p] == 'o' || f[p] == 'l' ||
					 f[p] == 'i' || (f[p] == '!' && p == j))) {
				real += isdigit((unsigned char)f[p]) != 0;
				p++, nd++;
			}
			if (real && nd <= 6 && (p >= e || f[p] != '/') && number_type_by_heading(d, l, j, p, ni))
				return;
			/* the slash lost for a space ("Số: 1207 STP-HCTP", italic
			 * faces at 170 dpi): the digits, one space, a known
			 * symbol and its '-' are one token, the symbol glued */
			size_t spaced = 0;
			if (real && nd <= 6 && p == e && p == j + nd && e + 1 < d->le[l] && f[e] == ' ') {
				size_t g = e + 1;
				while (g < d->le[l] && f[g] >= 'a' && f[g] <= 'z')
					g++;
				if (g > e + 1 && g + 1 < d->le[l] && f[g] == '-' && paper_is_alnum_ascii((unsigned char)f[g + 1]) &&
				    (paper_known_symbol(d->k, f + e + 1, g - e - 1) ||
				     office_initials_above(d, l, f + e + 1, g - e - 1))) {
					spaced = e + 1;
					for (e = g; e < d->le[l] && f[e] != ' ';)
						e++;
					while (e > j && strchr(".,;:_", f[e - 1]))
						e--;
					p = spaced;
				}
			}
			/* a stray ':' ';' '.' between the digits and the slash
			 * ("2236:/QĐ-UBND", a small photo) */
			size_t stray = 0;
			if (p + 1 < e && p > j && strchr(":;.", f[p]) && f[p + 1] == '/')
				stray = p++;
			while (p < e && f[p] == ' ')
				p++;
			if (!real || nd > 6 || p >= e)
				continue;
			/* the slash lost between the digits and a known type
			 * symbol glued to them ("1921TB-UBND") */
			size_t glued = spaced;
			if (!spaced && f[p] != '/') {
				size_t g = p;
				while (g < e && f[g] >= 'a' && f[g] <= 'z')
					g++;
				if (p != j + nd || g == p || g >= e || f[g] != '-' ||
				    !paper_known_symbol(d->k, f + p, g - p))
					continue;
				glued = p;
			}
			size_t q = glued ? p : p + 1;
			while (q < e && f[q] == ' ')
				q++;
			if (q + 5 <= e && isdigit((unsigned char)f[q]) && isdigit((unsigned char)f[q + 3]) &&
			    (f[q + 4] == '/' || year_slash_glyph(d, f, q, e)))
				q += 5;
			while (q < e && f[q] == ' ')
				q++;
			size_t s = q;
			while (q < e && f[q] != '-' && f[q] != '/' && f[q] != ' ' && f[q] != ':' && f[q] != '_')
				q++;
			if (q == s || q - s >= sizeof ni->sym)
				continue;
			/* a ':' or '_' read for the '-' between a known type symbol
			 * and the body's letters ("3177/KH:UBND", a small photo;
			 * "1399/TB_PTP", bold italic) */
			size_t colon = 0;
			if (q + 1 < e && (f[q] == ':' || f[q] == '_') && f[q + 1] >= 'a' && f[q + 1] <= 'z' &&
			    (paper_known_symbol(d->k, f + s, q - s) || heading_symbol(d, l, f + s, q - s)))
				colon = q;
			int ok = 1;
			for (size_t t = j; t < e; t++)
				if (!(paper_is_alnum_ascii((unsigned char)f[t]) || strchr("/-. ", f[t]) || t == colon ||
				      (stray && t == stray) || (t == j && f[t] == '!')))
					ok = 0;
			if (!ok)
				continue;
			memcpy(ni->sym, f + s, q - s);
			ni->sym[q - s] = 0;
			ni->a = j;
			ni->b = e;
			ni->glued = glued;
			ni->colon = colon;
			ni->stray = stray;
			ni->found = 1;
			return;
		}
	}
}

typedef struct kind_pick {
	size_t kind;
	size_t heading; /* line, or nl */
	double evidence;
} kind_pick;

/* A công văn whose "V/v" OCR garbled ("VÁ' đôn đốc…", "V#w …" on italic
 * faces, tune5): among the first lines, a line led by a garbled "V/v" with
 * "Kính gửi" at most two lines below it (a title wraps). That line is the
 * heading. */
static int cong_van_by_shape(const doc *d, kind_pick *kp)
{
	const sh_kinds *k = d->k;
	size_t cv = k->n, rank = 0;
	for (size_t ki = 0; ki < k->n; ki++)
		if (!strcmp(k->v[ki].code, "CV"))
			cv = ki;
	if (cv == k->n)
		return 0;
	for (size_t l = 0; l < d->nl && rank < 15; l++) {
		if (paper_line_empty(d, l))
			continue;
		rank++;
		if (!paper_vv_garbled(d->f + d->ls[l], d->le[l] - d->ls[l]))
			continue;
		size_t n = l;
		for (int below = 0; below < 3; below++) {
			n++;
			while (n < d->nl && paper_line_empty(d, n))
				n++;
			if (n >= d->nl)
				break;
			if (paper_kinh_gui_line(d, n)) {
				kp->kind = cv;
				kp->heading = l;
				kp->evidence = 0.6;
				return 1;
			}
		}
	}
	return 0;
}

/* Does line l end in ':' (trailing spaces and marks aside)? */
enum { COLON_HEADING_COST = 200 };
static int ends_in_colon(const doc *d, size_t l)
{
	size_t e = d->le[l];
	while (e > d->ls[l] && d->f[e - 1] == ' ')
		e--;
	return e > d->ls[l] && d->f[e - 1] == ':';
}

static void pick_kind(doc *d, const number_info *ni, kind_pick *kp)
{
	const sh_kinds *k = d->k;
	long best = 0;
	kp->kind = k->other;
	kp->heading = d->nl;
	kp->evidence = 0.3;
	size_t rank = 0;
	int kw_best = 0;
	size_t kw_kind = 0;
	char nh[512];
	for (size_t ki = 0; ki < k->n; ki++) {
		const paper_kind *pk = &k->v[ki];
		if (pk->family == PAPER_OTHER)
			continue;
		long score = 0;
		size_t head = d->nl;
		double ev = 0;
		rank = 0;
		for (size_t l = 0; l < d->nl && rank < 40; l++) {
			if (paper_line_empty(d, l))
				continue;
			rank++;
			paper_norm_heading(nh, sizeof nh, d->f + d->ls[l], d->le[l] - d->ls[l]);
			if (!*nh)
				continue;
			int up = -2;
			for (size_t t = 0; t < pk->titles.n; t++) {
				char th[512];
				paper_norm_heading(th, sizeof th, pk->titles.fold[t], strlen(pk->titles.fold[t]));
				size_t tn = strlen(th);
				if (!tn)
					continue;
				if (paper_all_upper_ascii_or_marks(pk->titles.orig[t])) {
					if (up == -2)
						up = paper_upper_share(d, l);
					if (up < 70)
						continue;
				}
				long s = 0;
				double e = 0;
				if (!strcmp(nh, th))
					s = 1000, e = 1.0;
				else if (!strncmp(nh, th, tn) && nh[tn] == ' ')
					s = 700, e = 0.85;
				else if (tn >= 6 && strlen(nh) <= tn + tn / 8 && strlen(nh) + tn / 8 >= tn &&
					 paper_edit_distance(nh, th) <= tn / 8)
					s = 900, e = 0.9;
				if (!s)
					continue;
				s -= (long)rank * 5;
				/* a line ending in ':' is the body's "QUYẾT ĐỊNH:"
				 * (what is decided follows), not the heading: a
				 * heading near the top read with a slip ("QLUYET
				 * ĐỊNH", seed 7125) goes first; alone it still tells
				 * the kind (issue 23, session 19) */
				if (ends_in_colon(d, l))
					s -= COLON_HEADING_COST;
				if (s > score) {
					score = s;
					head = l;
					ev = e;
				}
			}
		}
		if (ni->found && *ni->sym) {
			for (size_t t = 0; t < pk->symbols.n; t++)
				if (!strcmp(ni->sym, pk->symbols.fold[t])) {
					score += 800;
					ev = ev > 0 ? 1.0 : 0.8;
				}
		}
		int kw = 0;
		for (size_t t = 0; t < pk->keywords.n && kw < 4; t++)
			if (strstr(d->f, pk->keywords.fold[t]))
				kw++;
		if (score > 0)
			score += (kw < 3 ? kw : 3) * 30;
		/* a form whose heading OCR lost (printed in red and dropped with
		 * the seals): its labels still say what it is */
		if (!score && kw >= 2 && (pk->family == PAPER_PERSONAL || pk->family == PAPER_COMPANY) &&
		    kw > kw_best) {
			kw_best = kw;
			kw_kind = ki;
		}
		if (score >= 500 && score > best) {
			best = score;
			kp->kind = ki;
			kp->heading = head;
			kp->evidence = ev;
		}
	}
	size_t lk;
	if (best && kp->heading == d->nl && ni->found) /* a heading with two slips */
		kp->heading = paper_heading_near_number(d, &k->v[kp->kind], paper_line_of(d, ni->a));
	if (!best && cong_van_by_shape(d, kp)) {
		/* the garbled "V/v" above "Kính gửi" */
	} else if (!best && paper_kind_by_labels(d, ni->found && *ni->sym, &lk)) {
		kp->kind = lk;
		kp->evidence = 0.6;
	} else if (!best && kw_best >= 3 && !paper_agency_signs(d, ni->found && *ni->sym)) {
		kp->kind = kw_kind;
		kp->evidence = 0.6;
	}
}

/* ---- the whole ---------------------------------------------------------- */

void sh_paper_facts_free(sh_paper_facts **facts)
{
	if (!facts || !*facts)
		return;
	sh_paper_facts *f = *facts;
	sh_free(f->slug);
	sh_free(f->code);
	for (int i = 0; i < SH_FACT_COUNT; i++) {
		sh_free(f->v[i]);
		sh_free(f->as_read[i]);
	}
	sh_free(f);
	*facts = NULL;
}

static void set_fact(doc *d, sh_paper_facts *pf, int fact, const char *s)
{
	if (!s || pf->v[fact])
		return;
	if (!(pf->v[fact] = sh_strdup(s)))
		d->oom = 1;
}

int paper_birth_matches_id(const char *id, const char *birth, const char *sex)
{
	int cs = id[3] - '0';
	if (birth) {
		int year = atoi(birth);
		int century = 20 + cs / 2; /* 0/1: 1900s, 2/3: 2000s, ... */
		if ((year / 100) + 1 != century || year % 100 != (id[4] - '0') * 10 + (id[5] - '0'))
			return 0;
	}
	if (sex && ((cs % 2 == 0) != !strcmp(sex, "Nam")))
		return 0;
	return 1;
}

/* Facts read after their labels only: land, residence, marriage and death
 * papers, diplomas (number and title printed after a label, not as an
 * agency's "Số:" and trích yếu). Runs first: set_fact keeps the first. */
static void labelled_facts(doc *d, const paper_kind *pk, sh_paper_facts *pf)
{
	const paper_strs *lab = pk->labels;
	unsigned want = pk->facts;
	static const int text_facts[] = {SH_FACT_NUMBER, SH_FACT_TITLE, SH_FACT_ADDRESS};
	for (size_t i = 0; i < sizeof text_facts / sizeof *text_facts; i++) {
		int f = text_facts[i];
		str_out so = {NULL, 0};
		if ((want & (1u << f)) && lab[f].n && paper_by_label(d, &lab[f], paper_text_value, &so))
			set_fact(d, pf, f,
				 f == SH_FACT_TITLE     ? (so.s = paper_title_words(d, paper_apply_corrections(d, so.s)))
				 : f == SH_FACT_ADDRESS ? (so.s = paper_address_restore(d, so.s))
							: (so.s = paper_number_shape(d, pk, so.s)));
		sh_free(so.s);
	}
	static const int digit_facts[] = {SH_FACT_PARCEL, SH_FACT_MAP_SHEET};
	for (size_t i = 0; i < 2; i++) {
		char v[16];
		int f = digit_facts[i];
		if ((want & (1u << f)) && paper_by_label_anywhere(d, &lab[f], paper_digits_value, v))
			set_fact(d, pf, f, v);
	}
	char v[24];
	if ((want & (1u << SH_FACT_AREA)) &&
	    paper_by_label_anywhere(d, &lab[SH_FACT_AREA], paper_area_value, v))
		set_fact(d, pf, SH_FACT_AREA, v);
	if ((want & (1u << SH_FACT_OLD_ID)) && paper_by_label(d, &lab[SH_FACT_OLD_ID], paper_old_id_value, v))
		set_fact(d, pf, SH_FACT_OLD_ID, v);
	else if ((want & (1u << SH_FACT_OLD_ID)) && *d->unsure_old && !*pf->id_unsure) {
		snprintf(pf->id_unsure, sizeof pf->id_unsure, "%s", d->unsure_old);
		pf->id_unsure_fact = SH_FACT_OLD_ID;
	}
	date_out dt = {"", 0, 0, 0};
	if ((want & (1u << SH_FACT_EVENT_DATE)) &&
	    paper_by_label_anywhere(d, &lab[SH_FACT_EVENT_DATE], paper_date_value, &dt))
		set_fact(d, pf, SH_FACT_EVENT_DATE, dt.date);
	if (want & (1u << SH_FACT_HOLDERS)) {
		holders_out ho = {{NULL}, 0};
		paper_by_label(d, &lab[SH_FACT_HOLDERS], paper_holders_value, &ho);
		sh_buf b = SH_BUF_INIT;
		int rc = 0;
		for (size_t i = 0; i < ho.n; i++) {
			rc |= sh_buf_printf(&b, "%s%s", i ? "; " : "", ho.v[i]);
			sh_free(ho.v[i]);
		}
		char *all = rc ? NULL : sh_buf_detach(&b);
		sh_buf_free(&b);
		if (rc)
			d->oom = 1;
		if (all && *all)
			set_fact(d, pf, SH_FACT_HOLDERS, all);
		sh_free(all);
	}
}

/* The issuer first: a body segment of the number one letter off the
 * header's body is that body (paper_number_value). */
static void number_and_issuer(doc *d, const paper_kind *pk, const number_info *ni, sh_paper_facts *pf)
{
	unsigned want = pk->facts;
	char *issuer = NULL;
	if (want & ((1u << SH_FACT_ISSUER) | (1u << SH_FACT_NUMBER)))
		issuer = paper_find_issuer(d, ni->found ? paper_line_of(d, ni->a) : d->nl);
	if (want & (1u << SH_FACT_ISSUER) && paper_issuer_whole(d, issuer))
		set_fact(d, pf, SH_FACT_ISSUER, issuer);
	if (want & (1u << SH_FACT_NUMBER) && ni->found) {
		char *v = paper_number_value(d, ni, pk, issuer);
		set_fact(d, pf, SH_FACT_NUMBER, v);
		sh_free(v);
	}
	sh_free(issuer);
}

static void extract_facts(doc *d, const paper_kind *pk, const number_info *ni, sh_paper_facts *pf)
{
	labelled_facts(d, pk, pf);
	unsigned want = pk->facts;
	number_and_issuer(d, pk, ni, pf);
	if (want & (1u << SH_FACT_DOC_TYPE)) {
		if (pk->doc_type) {
			set_fact(d, pf, SH_FACT_DOC_TYPE, pk->doc_type);
		} else if (ni->found) {
			const char *canon = paper_known_symbol(d->k, ni->sym, strlen(ni->sym));
			if (canon && strlen(ni->sym) <= 8)
				set_fact(d, pf, SH_FACT_DOC_TYPE, canon);
		}
	}
	if (want & (1u << SH_FACT_DATE)) {
		/* a date under its label on a kind that prints dates padded
		 * ("9/10/2019" for 19/10/2019 on a marriage certificate, TeX
		 * Gyre Termes Italic 160: the day's 1 lost) lost a digit: left
		 * out rather than a wrong day */
		date_out dt = {"", 0, 0, pk->labels[SH_FACT_DATE].n ? pk->padded_dates : 0};
		if (pk->labels[SH_FACT_DATE].n) {
			if (paper_by_label(d, &pk->labels[SH_FACT_DATE], paper_date_value, &dt))
				set_fact(d, pf, SH_FACT_DATE, dt.date);
		} else {
			char *v = paper_find_place_date(d);
			set_fact(d, pf, SH_FACT_DATE, v);
			sh_free(v);
		}
	}
	if (want & (1u << SH_FACT_TITLE)) {
		char *v = paper_find_title(d, pk);
		set_fact(d, pf, SH_FACT_TITLE, v);
		sh_free(v);
	}
	if (want & ((1u << SH_FACT_SIGNER) | (1u << SH_FACT_SIGNER_TITLE))) {
		char *s = NULL, *t = NULL;
		paper_find_signer(d, &s, &t);
		s = paper_lex_restore(d, s, PAPER_NAME_PERSON);
		/* a title alone when the name under it was read past
		 * recognition (paper_find_signer) */
		if (s && t && (want & (1u << SH_FACT_SIGNER)))
			set_fact(d, pf, SH_FACT_SIGNER, s);
		if (t && (want & (1u << SH_FACT_SIGNER_TITLE)))
			set_fact(d, pf, SH_FACT_SIGNER_TITLE, t);
		sh_free(s);
		sh_free(t);
	}
	if (want & (1u << SH_FACT_OWNER_NAME)) {
		str_out so = {NULL, pk->family == PAPER_COMPANY};
		if (paper_by_label(d, &pk->labels[SH_FACT_OWNER_NAME], paper_name_value, &so) ||
		    paper_name_label_off(d, pk, &so)) {
			/* a person's name from the lexicon; a company's fixed
			 * phrases from the corrections */
			if (pk->family == PAPER_COMPANY)
				so.s = paper_lex_restore(d, paper_company_forms(d, paper_apply_corrections(d, so.s)),
							 PAPER_NAME_COMPANY);
			else
				so.s = paper_lex_restore(d, paper_owner_recase(d, so.s), PAPER_NAME_PERSON);
			set_fact(d, pf, SH_FACT_OWNER_NAME, so.s);
		}
		sh_free(so.s);
	}
	if (want & (1u << SH_FACT_BIRTH_DATE)) {
		date_out dt = {"", 0, 0, pk->padded_dates};
		if (paper_by_label(d, &pk->labels[SH_FACT_BIRTH_DATE], paper_date_value, &dt) ||
		    paper_birth_label_off(d, pk, &dt))
			set_fact(d, pf, SH_FACT_BIRTH_DATE, dt.date);
	}
	if (want & (1u << SH_FACT_SEX)) {
		const char *s = NULL;
		if (paper_by_label(d, &pk->labels[SH_FACT_SEX], paper_sex_value, &s) ||
		    paper_sex_label_off(d, pk, &s))
			set_fact(d, pf, SH_FACT_SEX, s);
	}
	if (want & (1u << SH_FACT_VALID_UNTIL)) {
		date_out dt = {"", 0, 1, pk->padded_dates};
		if (paper_by_label(d, &pk->labels[SH_FACT_VALID_UNTIL], paper_date_value, &dt)) {
			if (dt.never)
				pf->never_expires = 1;
			else
				set_fact(d, pf, SH_FACT_VALID_UNTIL, dt.date);
		}
	}
	if (want & (1u << SH_FACT_OWNER_ID)) {
		id_out io = {pk->family, ""};
		/* a birth date OCR garbled still shows its year ("2005/1970"),
		 * which is all paper_birth_matches_id compares */
		const char *birth = pf->v[SH_FACT_BIRTH_DATE];
		if (!birth && pk->family != PAPER_COMPANY && (want & (1u << SH_FACT_BIRTH_DATE)) &&
		    paper_by_label(d, &pk->labels[SH_FACT_BIRTH_DATE], paper_birth_year_value, pf->birth_year))
			birth = pf->birth_year;
		/* a land paper states the year in words ("sinh năm 1968") */
		if (!birth && pk->family != PAPER_COMPANY && !(want & (1u << SH_FACT_BIRTH_DATE)) &&
		    paper_birth_year_said(d, pf->birth_year))
			birth = pf->birth_year;
		/* an unlabelled personal id is taken only when a birth date can
		 * vouch for it (a parent's id may be the one that was read) */
		int anywhere = pk->family == PAPER_COMPANY || birth;
		if (paper_by_label(d, &pk->labels[SH_FACT_OWNER_ID], paper_id_value, &io) ||
		    (anywhere && paper_id_anywhere(d, &io))) {
			/* a personal id states the birth century, sex and year:
			 * when they disagree with the paper, one was misread */
			if (strlen(io.id) != 12 || paper_birth_matches_id(io.id, birth, pf->v[SH_FACT_SEX]))
				set_fact(d, pf, SH_FACT_OWNER_ID, io.id);
		}
		const char *u = d->unsure_id;
		/* read unsurely: a candidate for a second reading, held to the
		 * same checks (a personal id without a birth date to vouch for
		 * it is no candidate) */
		int mis = !*u;
		if (mis)
			u = d->misread_id;
		if (!pf->v[SH_FACT_OWNER_ID] && *u && !*pf->id_unsure &&
		    (pk->family == PAPER_COMPANY
			     ? strlen(u) != 12 || mis
			     : birth && (mis || paper_birth_matches_id(u, birth, pf->v[SH_FACT_SEX])))) {
			snprintf(pf->id_unsure, sizeof pf->id_unsure, "%s", u);
			pf->id_unsure_fact = SH_FACT_OWNER_ID;
			pf->id_misread = mis;
			pf->family = pk->family;
		}
	}
	paper_fact_guard(d->k, pf, pk->family == PAPER_COMPANY);
}

static int wconf_cmp(const void *a, const void *b)
{
	const paper_wconf *x = a, *y = b;
	int c = strcmp(x->w, y->w);
	return c ? c : (x->conf > y->conf) - (x->conf < y->conf);
}

/* The caller's word confidences as (NFC lower-case word, confidence),
 * sorted for paper_word_conf. Words out of the text's bounds are refused. */
static int load_words(doc *d, const char *text, size_t len, const sh_paper_word *words, size_t n)
{
	if (!n)
		return SH_OK;
	if (!words)
		return sh_error_set(SH_EINVAL, "word confidences: %zu words but no array", n);
	if (n > SH_PAPER_TEXT_MAX / 2)
		return sh_error_set(SH_ELIMIT, "%zu word confidences is over the limit", n);
	paper_wconf *wc = sh_calloc(n, sizeof *wc);
	if (!wc)
		return SH_ENOMEM;
	d->wc = wc;
	for (size_t i = 0; i < n; i++) {
		const sh_paper_word *w = &words[i];
		if (w->off > len || w->len > len - w->off || w->conf < 0 || w->conf > 100)
			return sh_error_set(SH_EINVAL, "word confidence %zu: offset %zu + %zu is outside "
						       "the text of %zu bytes or confidence %d is not 0..100",
					    i, w->off, w->len, len, w->conf);
		char *nfc = NULL;
		int rc = sh_text_nfc(&nfc, text + w->off, w->len);
		if (!rc) {
			wc[i].cased = nfc;
			d->nwc = i + 1;
			rc = sh_text_lower(&wc[i].w, nfc, strlen(nfc));
		}
		if (rc)
			return rc;
		wc[i].conf = w->conf;
		d->nwc = i + 1;
	}
	qsort(wc, n, sizeof *wc, wconf_cmp);
	return SH_OK;
}

static void free_words(doc *d)
{
	paper_wconf *wc = (paper_wconf *)d->wc;
	for (size_t i = 0; i < d->nwc; i++) {
		sh_free(wc[i].w);
		sh_free(wc[i].cased);
	}
	sh_free(wc);
}

/* Facts as printed (no lexicon, no corrections) and as extracted: every
 * fact that differs keeps its reading in as_read (sh_paper_fact_as_read). */
static void extract_twice(doc *d, const paper_kind *pk, const number_info *ni, sh_paper_facts *pf)
{
	sh_paper_facts raw = {0};
	d->no_restore = 1;
	extract_facts(d, pk, ni, &raw);
	d->no_restore = 0;
	extract_facts(d, pk, ni, pf);
	for (int f = 0; f < SH_FACT_COUNT; f++) {
		if (raw.v[f] && (!pf->v[f] || strcmp(raw.v[f], pf->v[f]))) {
			pf->as_read[f] = raw.v[f];
			raw.v[f] = NULL;
		}
		sh_free(raw.v[f]);
	}
}

/* OCR sometimes reads one marked letter twice ("HUYỆỆN") or one mark
 * twice: no Vietnamese word has the same marked vowel twice in a row, so
 * the repeat goes; '_' (a filler OCR puts between columns) becomes a space.
 * In place; NFC text. */
static void undouble_marks(char *t)
{
	char *w = t;
	utf8proc_int32_t prev = -1;
	for (char *r = t; *r;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)r, -1, &c);
		if (k <= 0) {
			*w++ = *r++;
			prev = -1;
			continue;
		}
		utf8proc_category_t cat = utf8proc_category(c);
		int marked = c >= 0xC0 && c != 0xD7 && c != 0xF7 && (cat == UTF8PROC_CATEGORY_LU ||
			cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_MN);
		/* OCR's filler between columns ("QĐ-UBND_ Thái Nguyên"); kept
		 * for find_number where it stands for a number's '-' */
		if (c == '_' && !paper_type_underscore(t, w, r + 1))
			*r = ' ';
		if (!(marked && c == prev)) {
			memmove(w, r, (size_t)k);
			w += k;
		}
		prev = c;
		r += k;
	}
	*w = 0;
}

int sh_paper_extract(sh_paper_facts **out, const sh_kinds *kinds, const char *text)
{
	return sh_paper_extract_words(out, kinds, text, NULL, 0);
}

int sh_paper_extract_words(sh_paper_facts **out, const sh_kinds *kinds, const char *text,
			   const sh_paper_word *words, size_t nwords)
{
	*out = NULL;
	if (!kinds || !text)
		return sh_error_set(SH_EINVAL, "paper extraction needs a kind catalogue and a text");
	size_t len = strlen(text);
	if (len > SH_PAPER_TEXT_MAX)
		return sh_error_set(SH_ELIMIT, "OCR text of %zu bytes is over the limit of %zu bytes",
				    len, SH_PAPER_TEXT_MAX);
	doc d = {0};
	d.k = kinds;
	d.orig = text;
	d.words = words;
	d.nwords = nwords;
	sh_paper_facts *pf = NULL;
	int rc = load_words(&d, text, len, words, nwords);
	if (rc)
		goto out;
	char *bare = NULL; /* the text without its edge glyphs */
	for (size_t i = 0; i < nwords; i++) {
		if (!words[i].edge)
			continue;
		if (!bare && !(bare = sh_strndup(text, len))) {
			rc = SH_ENOMEM;
			goto out;
		}
		memset(bare + words[i].off, ' ', words[i].len);
	}
	rc = sh_text_nfc(&d.text, bare ? bare : text, len);
	sh_free(bare);
	if (rc)
		goto out;
	undouble_marks(d.text);
	paper_roman_diaeresis(d.text);
	paper_undouble_vowels(d.text);
	paper_blank_glyph_lines(d.text);
	d.tlen = strlen(d.text);
	paper_marks_lost(&d);
	if ((rc = paper_fold(&d.f, &d.map, &d.flen, d.text, d.tlen)))
		goto out;
	if ((rc = paper_split_lines(&d)))
		goto out;
	number_info ni;
	find_number(&d, &ni);
	kind_pick kp;
	pick_kind(&d, &ni, &kp);
	d.heading = kp.heading;
	const paper_kind *pk = &kinds->v[kp.kind];
	if (!(pf = sh_calloc(1, sizeof *pf))) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (!(pf->slug = sh_strdup(pk->slug)) || !(pf->code = sh_strdup(pk->code))) {
		rc = SH_ENOMEM;
		goto out;
	}
	extract_twice(&d, pk, &ni, pf);
	paper_hand_check(&d, pk, pf);
	if (paper_surname_listed(kinds, pf->v[SH_FACT_SIGNER]))
		pf->surname_listed |= 1u << SH_FACT_SIGNER;
	if (pk->family != PAPER_COMPANY && paper_surname_listed(kinds, pf->v[SH_FACT_OWNER_NAME]))
		pf->surname_listed |= 1u << SH_FACT_OWNER_NAME;
	if (pk->family != PAPER_COMPANY)
		paper_surname_alts(kinds, pf->v[SH_FACT_OWNER_NAME], pf->surname_alts[0], sizeof pf->surname_alts[0]);
	paper_surname_alts(kinds, pf->v[SH_FACT_SIGNER], pf->surname_alts[1], sizeof pf->surname_alts[1]);
	if (d.oom) {
		rc = sh_error_set(SH_ENOMEM, "out of memory while extracting facts");
		goto out;
	}
	int want = 0, got = 0;
	for (int f = 0; f < SH_FACT_COUNT; f++) {
		if (f == SH_FACT_DOC_TYPE || !(pk->facts & (1u << f)))
			continue;
		want++;
		got += pf->v[f] != NULL || (f == SH_FACT_VALID_UNTIL && pf->never_expires);
	}
	double share = want ? (double)got / want : 1.0;
	pf->confidence = floor(kp.evidence * (0.5 + 0.5 * share) * 100 + 0.5) / 100;
	*out = pf;
	pf = NULL;
out:
	if (rc == SH_ENOMEM && sh_error_last() != SH_ENOMEM)
		sh_error_set(SH_ENOMEM, "out of memory while extracting facts");
	sh_paper_facts_free(&pf);
	free_words(&d);
	sh_free(d.text);
	sh_free(d.f);
	sh_free(d.map);
	sh_free(d.ls);
	sh_free(d.le);
	return rc;
}

/* ---- accessors and JSON ------------------------------------------------- */

const char *sh_paper_kind(const sh_paper_facts *f)
{
	return f->slug;
}

const char *sh_paper_kind_code(const sh_paper_facts *f)
{
	return f->code;
}

const char *sh_paper_doc_type(const sh_paper_facts *f)
{
	return f->v[SH_FACT_DOC_TYPE];
}

const char *sh_paper_id_unsure(const sh_paper_facts *f, enum sh_paper_fact *fact)
{
	if (!*f->id_unsure)
		return NULL;
	if (fact)
		*fact = (enum sh_paper_fact)f->id_unsure_fact;
	return f->id_unsure;
}

const char *sh_paper_owner_id(const sh_paper_facts *f)
{
	return f->v[SH_FACT_OWNER_ID];
}

const char *sh_paper_fact(const sh_paper_facts *f, enum sh_paper_fact fact)
{
	if ((int)fact < 0 || fact >= SH_FACT_COUNT)
		return NULL;
	return f->v[fact];
}

const char *sh_paper_fact_as_read(const sh_paper_facts *f, enum sh_paper_fact fact)
{
	return (unsigned)fact < SH_FACT_COUNT ? f->as_read[fact] : NULL;
}

int sh_paper_never_expires(const sh_paper_facts *f)
{
	return f->never_expires;
}

double sh_paper_confidence(const sh_paper_facts *f)
{
	return f->confidence;
}

static int put_json_string(sh_buf *b, const char *s)
{
	int rc = sh_buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
		if (*p == '"' || *p == '\\')
			rc = sh_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			rc = sh_buf_printf(b, "\\u%04x", *p);
		else
			rc = sh_buf_put(b, p, 1);
	}
	return rc ? rc : sh_buf_puts(b, "\"");
}

static int put_fields(sh_buf *b, const sh_paper_facts *f)
{
	int rc = sh_buf_puts(b, "{");
	int first = 1;
	for (int i = 0; i < SH_FACT_COUNT && !rc; i++) {
		int never = i == SH_FACT_VALID_UNTIL && f->never_expires && !f->v[i];
		if (!f->v[i] && !never)
			continue;
		rc = sh_buf_printf(b, "%s\"%s\":", first ? "" : ",", sh_paper_fact_name(i));
		if (!rc)
			rc = never ? sh_buf_puts(b, "null") : put_json_string(b, f->v[i]);
		first = 0;
	}
	return rc ? rc : sh_buf_puts(b, "}");
}

char *sh_paper_facts_json(const sh_paper_facts *f)
{
	sh_buf b = SH_BUF_INIT;
	if (put_fields(&b, f)) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_detach(&b);
}

static int any_after(const sh_paper_facts *f, int i)
{
	for (int j = i + 1; j < SH_FACT_COUNT; j++)
		if (f->as_read[j])
			return 1;
	return 0;
}

/* ,"key":["fact",...] for the facts whose bits are set; nothing if none. */
static int put_fact_list(sh_buf *b, const char *key, unsigned bits)
{
	int rc = 0;
	for (int i = 0, first = 1; i < SH_FACT_COUNT && !rc; i++) {
		if (!(bits >> i & 1u))
			continue;
		rc = sh_buf_printf(b, first ? ",\"%s\":[\"%s\"" : "%.0s,\"%s\"", key, sh_paper_fact_name(i));
		first = 0;
		if (!rc && !(bits >> (i + 1)))
			rc = sh_buf_puts(b, "]");
	}
	return rc;
}

char *sh_paper_result_json(const sh_paper_facts *f, const char *file)
{
	sh_buf b = SH_BUF_INIT;
	int rc = sh_buf_puts(&b, "{");
	if (!rc && file) {
		rc = sh_buf_puts(&b, "\"file\":");
		if (!rc)
			rc = put_json_string(&b, file);
		if (!rc)
			rc = sh_buf_puts(&b, ",");
	}
	if (!rc)
		rc = sh_buf_puts(&b, "\"kind\":");
	if (!rc)
		rc = put_json_string(&b, f->slug);
	if (!rc)
		rc = sh_buf_puts(&b, ",\"fields\":");
	if (!rc)
		rc = put_fields(&b, f);
	/* corrected facts as read: for review at the desk */
	for (int i = 0, first = 1; i < SH_FACT_COUNT && !rc; i++) {
		if (!f->as_read[i])
			continue;
		rc = sh_buf_printf(&b, "%s\"%s\":", first ? ",\"as_read\":{" : ",", sh_paper_fact_name(i));
		if (!rc)
			rc = put_json_string(&b, f->as_read[i]);
		first = 0;
		if (!rc && (i == SH_FACT_COUNT - 1 || !any_after(f, i)))
			rc = sh_buf_puts(&b, "}");
	}
	/* ids taken on a second reading, or left out because it disagreed:
	 * for review too */
	if (!rc)
		rc = put_fact_list(&b, "reread", f->reread);
	if (!rc)
		rc = put_fact_list(&b, "doubted", f->doubted);
	if (!rc)
		rc = put_fact_list(&b, "unsure", f->unsure);
	if (!rc)
		rc = put_fact_list(&b, "handwritten", f->handwritten);
	if (!rc)
		rc = sh_buf_printf(&b, ",\"confidence\":%.2f}", f->confidence);
	if (rc) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_detach(&b);
}
