/* Ids read again (issue 18, 23; docs/PAPERS.md "owner ids"): an id read
 * unsurely or misread is taken on second readings of its place only when
 * they settle on one number that passes every check; an id read surely is
 * left out when the readings agree on another. Never a wrong id: "not
 * found" rather than a guess. */
#include "paper_int.h"

#include <stdio.h>
#include <string.h>

/* Does r pass every check an id of this paper can have: kind of id (tax
 * code's check digit), province, century, birth year and sex against the
 * paper? */
static int id_checks_pass(const sh_paper_facts *f, const char *r)
{
	int kind = 0;
	char norm[16];
	if (sh_id_owner_check(&kind, norm, r) != SH_OK) {
		sh_error_clear();
		return 0;
	}
	if (strcmp(norm, r) || (kind == SH_OWNER_PERSON) != (f->family != PAPER_COMPANY))
		return 0;
	if (kind != SH_OWNER_PERSON)
		return 1;
	const char *birth = f->v[SH_FACT_BIRTH_DATE];
	if (!birth && *f->birth_year)
		birth = f->birth_year;
	return paper_person_id_ok(r) && birth && paper_birth_matches_id(r, birth, f->v[SH_FACT_SEX]);
}

/* Is a the digits v with one digit lost, and zeros of v read as 6, 8 or 9
 * (at most a third of the digits) aside? */
static int one_digit_lost(const char *a, const char *v)
{
	size_t n = strlen(v);
	if (strlen(a) + 1 != n)
		return 0;
	for (size_t k = 0; k < n; k++) {
		size_t diff = 0, i = 0, j = 0;
		for (; j < n; j++) {
			if (j == k)
				continue;
			if (a[i] != v[j]) {
				if (v[j] != '0' || !strchr("689", a[i]))
					break;
				diff++;
			}
			i++;
		}
		if (j == n && diff * 3 <= n)
			return 1;
	}
	return 0;
}

/* A misread id's second reading: every check passed (kind of id, province,
 * century, birth year and sex against the paper), and the first reading
 * the same but for zeros it read as 6, 8 or 9 (a face whose zero has a
 * dot or a slash), at most a third of the digits, or but for one digit
 * the first reading has too many, or but for one digit it lost (a blurred
 * photo's "92231026216" for 022310262163). Any other difference leaves the id out: readings of one crop by one
 * model agree too easily to outvote the page's reading on their own (a
 * wrong id was taken so on the held-out split, 2026-12-06). */
static int misread_confirmed(const sh_paper_facts *f, const char *r)
{
	size_t n = strlen(r), diff = 0, m = strlen(f->id_unsure);
	if (m + 1 == n) {
		if (!one_digit_lost(f->id_unsure, r))
			return 0;
	} else if (n + 1 == m) {
		/* one digit more on the page ("03145274943": a glyph read as
		 * two), which no id has: the readings are the page's digits but
		 * that one, nothing else changed */
		size_t i = 0;
		while (i < n && r[i] == f->id_unsure[i])
			i++;
		if (strcmp(r + i, f->id_unsure + i + 1))
			return 0;
	} else {
		if (n != m)
			return 0;
		for (size_t i = 0; i < n; i++) {
			if (r[i] == f->id_unsure[i])
				continue;
			if (r[i] != '0' || !strchr("689", f->id_unsure[i]))
				return 0;
			diff++;
		}
		if (diff * 3 > n)
			return 0;
	}
	return id_checks_pass(f, r);
}

/* The digits of a reading (spaces between groups dropped) into dg (16
 * bytes); 0 when it holds anything else or is too long. */
static int reading_digits(char *dg, const char *r)
{
	size_t k = 0;
	for (; r && *r; r++) {
		if (*r == ' ')
			continue;
		if (*r < '0' || *r > '9' || k + 1 >= 16)
			return 0;
		dg[k++] = *r;
	}
	dg[k] = 0;
	return r != NULL && k > 0;
}

/* Is b the digits v but for zeros of v read as 6, 8 or 9 (one or more,
 * at most a third)? */
static int zeros_read_as(const char *b, const char *v)
{
	size_t n = strlen(v), diff = 0;
	if (strlen(b) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (b[i] != v[i] && (diff++, v[i] != '0' || !strchr("689", b[i])))
			return 0;
	return diff && diff * 3 <= n;
}

/* For an id read one digit short (a personal id's 11 digits, a tax code's
 * 9): two or more readings the same want digits (12, 10), and every other
 * one empty, those digits with one lost, or those digits with zeros read
 * as 6, 8 or 9 (zeros_read_as): the page's reading and the passes
 * agree on every digit but the one the page lost, which two passes read
 * alike (misread_confirmed then holds it to every check). Two 12-digit
 * readings that disagree, or a reading of anything else, settle nothing. */
static int short_settle(const char *const *readings, size_t n, char *out, size_t want)
{
	char b[16];
	for (size_t i = 0; i < n; i++) {
		if (!reading_digits(out, readings[i]) || strlen(out) != want)
			continue;
		size_t same = 0, ok = 1;
		for (size_t j = 0; j < n && ok; j++) {
			if (!reading_digits(b, readings[j]))
				continue;
			if (!strcmp(b, out))
				same++;
			else if (!one_digit_lost(b, out) && !zeros_read_as(b, out))
				ok = 0;
		}
		/* the first such reading may be one with a zero read 9
		 * ("9820624125" beside two "0820624125"): the next is tried */
		if (ok && same >= 2)
			return 1;
	}
	return 0;
}

/* The number the second readings settle on, into out (16 bytes): every
 * reading the same digits (the spaces OCR puts between groups do not
 * count); for a misread id, three or more readings the same digits and
 * every other one empty; or, for a misread id one digit too long, three
 * or more readings the same id-long digits while every other one is of
 * another length (a pass that split a glyph again: "031494574943" beside
 * three "0314574943"), never two id-long readings that disagree. */
static int readings_settle(const sh_paper_facts *f, const char *const *readings, size_t n, char *out)
{
	char b[16];
	size_t i = 1;
	if (!reading_digits(out, readings[0]))
		i = 0;
	else
		while (i < n && reading_digits(b, readings[i]) && !strcmp(b, out))
			i++;
	if (i == n)
		return 1;
	/* a misread id: passes that read nothing say nothing, three or more
	 * the same digits and no other reading settle it as well */
	if (f->id_misread) {
		size_t same = 0, other = 0;
		*out = 0;
		for (size_t j = 0; j < n; j++) {
			if (!*readings[j])
				continue;
			if (!reading_digits(b, readings[j]) || (*out && strcmp(b, out)))
				other++;
			else if (!*out)
				memcpy(out, b, sizeof b);
			same += !other && !strcmp(b, out);
		}
		if (!other && same >= 3)
			return 1;
	}
	size_t want = strlen(f->id_unsure) - 1;
	/* one digit short: a personal id's 11, a tax code's 9 (whose check
	 * digit then holds the digit the passes give) */
	if (f->id_misread && strlen(f->id_unsure) == (f->family == PAPER_COMPANY ? 9u : 11u))
		return short_settle(readings, n, out, want + 2);
	if (!f->id_misread || n < 4)
		return 0;
	for (i = 0; i < n; i++) {
		size_t same = 0, apart = 0;
		if (!reading_digits(out, readings[i]) || strlen(out) != want)
			continue;
		for (size_t j = 0; j < n; j++) {
			int ok = reading_digits(b, readings[j]);
			if (ok && !strcmp(b, out))
				same++;
			else if (ok && strlen(b) == want)
				apart++;
		}
		return same >= 3 && !apart;
	}
	return 0;
}

static int zero_read_as_lookalike(const sh_paper_facts *f, const char *a, const char *v);

/* Is b the digits a with one digit put in, every digit of a kept in order
 * ("0352311072123" for 052311072123: a glyph read as two)? Such a pass
 * reads no digit of a otherwise: it is no other id. */
static int digit_put_in(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (strlen(b) != n + 1)
		return 0;
	size_t k = 0;
	while (k < n && a[k] == b[k])
		k++;
	return !strcmp(a + k, b + k + 1);
}

/* Is reading a the id v with one to four digits cut off at its ends, every
 * other digit read alike ("201738663" for 008201738663, tune5 5515: a
 * crop that cut into the id)? Such a pass reads no digit of v otherwise:
 * it is no other id. */
static int ends_cut(const char *a, const char *v)
{
	size_t m = strlen(a), n = strlen(v);
	return m >= 8 && m < n && n - m <= 4 && strstr(v, a) != NULL;
}

/* Is a the digits v but for one digit, both of the round ones 0, 6, 8, 9
 * (TeX Gyre Bonum Bold 190, tune7 7702 s034: "006064727787" beside three
 * passes and the page reading 008064727787)? A bold face's closed loops
 * blur into each other; one pass reading so is the pass's slip when three
 * others read the page's digit. */
static int loop_digit_slip(const char *a, const char *v)
{
	size_t n = strlen(v), diff = 0;
	if (strlen(a) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] != v[i] && (diff++, !strchr("0689", a[i]) || !strchr("0689", v[i])))
			return 0;
	return diff == 1;
}

/* An unsure id (every check passed) read exactly so by two or more passes,
 * every other pass empty or the id but for zeros read as 6, 8 or 9 where
 * that reading fails a check the id passes ("933317490435" beside
 * "033317490435": no province 933), or (with three exact passes) the id
 * with one digit put in (digit_put_in), or (with three exact passes, one
 * such pass) a number of the id's length that is no id of the paper at
 * all ("223093444091" beside three "022303444091", FreeMono: no province
 * 223), or the id with digits cut off at its ends (ends_cut, as an
 * empty pass), or (with three exact passes, one such pass) the id with
 * one round digit read as another (loop_digit_slip): no pass read
 * another id. */
static int unsure_settles(const sh_paper_facts *f, const char *const *readings, size_t n, char *out)
{
	char b[16];
	size_t same = 0, more = 0, no_id = 0, slip = 0;
	for (size_t i = 0; i < n; i++) {
		if (!*readings[i])
			continue;
		if (!reading_digits(b, readings[i]))
			return 0;
		if (!strcmp(b, f->id_unsure))
			same++;
		else if (digit_put_in(f->id_unsure, b))
			more++;
		else if (ends_cut(b, f->id_unsure))
			continue;
		else if (strlen(b) == strlen(f->id_unsure) && !id_checks_pass(f, b) && id_checks_pass(f, f->id_unsure))
			no_id += !zero_read_as_lookalike(f, b, f->id_unsure);
		else if (loop_digit_slip(b, f->id_unsure))
			slip++;
		else
			return 0;
	}
	/* a pass with a digit more, one that is no id, or one round digit
	 * read as another, needs three exact ones beside it; one such pass */
	if (same < 2 || ((more || no_id || slip) && same < 3) || no_id + slip > 1)
		return 0;
	snprintf(out, 16, "%s", f->id_unsure);
	return 1;
}

int sh_paper_id_confirm(sh_paper_facts *f, const char *const *readings, size_t n)
{
	if (!*f->id_unsure || n < (f->id_misread ? 3u : 2u) || !readings)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!readings[i])
			return 0;
	/* the unsure id itself, or for a misread one, one number that passes
	 * every check */
	char first[16] = "";
	if (!readings_settle(f, readings, n, first) && (f->id_misread || !unsure_settles(f, readings, n, first)))
		return 0;
	if (f->id_misread ? !misread_confirmed(f, first) : strcmp(first, f->id_unsure) != 0)
		return 0;
	int fact = f->id_unsure_fact;
	if (f->v[fact])
		return 0;
	if (!(f->v[fact] = sh_strdup(first)))
		return sh_error_set(SH_ENOMEM, "out of memory taking a confirmed id");
	f->reread |= 1u << fact;
	f->handwritten &= ~(1u << fact); /* printed after all: read alike */
	*f->id_unsure = 0;
	return 1;
}

/* The glyph's image against the page's sure digits (sh_paper_glyph): far
 * from every sure d (the page's reading there), twice as far as that d is
 * from its own nearest, and (evidence for e, not only against d) a sure
 * e on the page at most half as far as the nearest sure d. */
static int glyph_not_read_digit(const sh_paper_glyph *g, int d, int e)
{
	if (g->near[d] < SH_PAPER_GLYPH_FAR || g->spread[d] < 0 || g->near[d] < 2 * g->spread[d])
		return 0;
	/* evidence for e, not only against d: a sure e on the page, the glyph
	 * at most half as far from it as from the nearest sure d */
	return g->near[e] >= 0 && 2 * g->near[e] <= g->near[d];
}

int sh_paper_id_confirm_glyph(sh_paper_facts *f, const char *const *readings, size_t n, const sh_paper_glyph *g,
			      size_t ng)
{
	size_t m = strlen(f->id_unsure), p = m;
	if (!m || n < 3 || !readings || !g || ng != m)
		return 0;
	/* every reading the same digits, the page's but for one */
	char r[16], b[16];
	for (size_t i = 0; i < n; i++)
		if (!readings[i] || !reading_digits(i ? b : r, readings[i]) || (i && strcmp(b, r)))
			return 0;
	if (strlen(r) != m)
		return 0;
	for (size_t i = 0; i < m; i++) {
		if (r[i] == f->id_unsure[i])
			continue;
		if (p < m)
			return 0;
		p = i;
	}
	if (p == m || f->id_unsure[p] < '0' || f->id_unsure[p] > '9')
		return 0;
	if (!glyph_not_read_digit(&g[p], f->id_unsure[p] - '0', r[p] - '0') || !id_checks_pass(f, r))
		return 0;
	int fact = f->id_unsure_fact;
	if (f->v[fact])
		return 0;
	if (!(f->v[fact] = sh_strdup(r)))
		return sh_error_set(SH_ENOMEM, "out of memory taking a confirmed id");
	f->reread |= 1u << fact;
	f->handwritten &= ~(1u << fact);
	*f->id_unsure = 0;
	return 1;
}

/* Is reading a the id v with one or two digits more at its ends? The
 * crop's edge: the label's last glyphs ("No.:", "số:" read as "02": tune6
 * 6606, "02092093658983" for 092093658983) read as digits, v's own digits
 * all read alike; no contradiction. */
static int edge_digit_more(const char *a, const char *v)
{
	size_t n = strlen(v), m = strlen(a);
	if (m <= n || m > n + 2)
		return 0;
	for (size_t front = 0; front <= m - n; front++)
		if (!strncmp(a + front, v, n))
			return 1;
	return 0;
}

/* Is reading a the id v but for zeros read as 6, 8 or 9 (a blurred photo's
 * zero: "933317490435" for "033317490435"), where v passes every check of
 * the paper and a fails one? The passes misread the zero; no
 * contradiction. A reading that differs so and passes too still doubts v. */
static int zero_read_as_lookalike(const sh_paper_facts *f, const char *a, const char *v)
{
	size_t n = strlen(v), diff = 0;
	if (strlen(a) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (a[i] == v[i])
			continue;
		if (v[i] != '0' || !strchr("689", a[i]))
			return 0;
		diff++;
	}
	return diff && diff * 3 <= n && !id_checks_pass(f, a) && id_checks_pass(f, v);
}

int sh_paper_id_verify(sh_paper_facts *f, enum sh_paper_fact fact, const char *const *readings, size_t n)
{
	if ((fact != SH_FACT_OWNER_ID && fact != SH_FACT_OLD_ID) || !f->v[fact] || !readings ||
	    (f->reread >> fact & 1u))
		return 0;
	/* the reading most passes agree on */
	for (size_t i = 0; i < n; i++) {
		char a[16], b[16];
		size_t same = 0;
		if (!reading_digits(a, readings[i]) || !strcmp(a, f->v[fact]) || edge_digit_more(a, f->v[fact]) ||
		    ends_cut(a, f->v[fact]) || zero_read_as_lookalike(f, a, f->v[fact]))
			continue;
		for (size_t j = 0; j < n; j++)
			same += reading_digits(b, readings[j]) && !strcmp(a, b);
		if (same >= 3) {
			sh_free(f->v[fact]);
			f->v[fact] = NULL;
			f->doubted |= 1u << fact;
			return 1;
		}
	}
	return 0;
}

int sh_paper_id_doubted(const sh_paper_facts *f, enum sh_paper_fact fact)
{
	return (int)fact >= 0 && fact < SH_FACT_COUNT && (f->doubted >> fact & 1u);
}

int sh_paper_id_reread(const sh_paper_facts *f, enum sh_paper_fact fact)
{
	return (int)fact >= 0 && fact < SH_FACT_COUNT && (f->reread >> fact & 1u);
}
