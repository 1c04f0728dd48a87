/* Labels read with a few letters off and their colon lost, on small phone
 * photos (issue 23, session 20): "Họ, chữ dễm, tẺ0' NGUYÊN THỊ LONG" (a
 * birth certificate at 80-100 dpi, seed 7127). The label's fold is within
 * one byte of one of the fact's labels and farther from every other label
 * of the kind; the value is the name in capitals that ends the line. */
#include "paper_int.h"

#include <string.h>

/* Folded distance from s to the nearest label of l of min bytes or more;
 * (size_t)-1 when none. */
static size_t nearest_label(const char *s, const paper_strs *l, size_t min)
{
	size_t best = (size_t)-1;
	for (size_t t = 0; t < l->n; t++) {
		size_t e = strlen(l->fold[t]) < min ? (size_t)-1 : paper_edit_distance(s, l->fold[t]);
		best = e < best ? e : best;
	}
	return best;
}

/* Start of the run of two to five words in capitals (three letters or
 * more in all, a trailing ',' or '.' read through) that ends folded
 * [a, e), or (size_t)-1. */
static size_t capital_tail(const doc *d, size_t a, size_t *e)
{
	while (*e > a && strchr(" ,.", d->f[*e - 1]))
		(*e)--;
	size_t we = *e, start = (size_t)-1;
	int words = 0;
	while (we > a) {
		size_t ws = we;
		while (ws > a && d->f[ws - 1] != ' ')
			ws--;
		if (paper_upper_share_range(d, ws, we) != 100)
			break;
		for (size_t i = ws; i < we; i++)
			if (!paper_is_wordc((unsigned char)d->f[i]))
				return words >= 2 ? start : (size_t)-1;
		start = ws;
		words++;
		while (ws > a && d->f[ws - 1] == ' ')
			ws--;
		we = ws;
	}
	return words >= 2 && words <= 5 && start > a ? start : (size_t)-1;
}

int paper_name_label_off(doc *d, const paper_kind *pk, str_out *out)
{
	const paper_strs *nl = &pk->labels[SH_FACT_OWNER_NAME];
	int hits = 0;
	str_out got = {NULL, out->company};
	for (size_t l = 0; l < d->nl && nl->n && !out->company; l++) {
		size_t a = paper_line_after_glyphs(d, l), e = d->le[l];
		size_t v = capital_tail(d, a, &e);
		if (v == (size_t)-1)
			continue;
		/* the label's own letters off: glyphs after it are no letters
		 * ("tên;;" stays what session 16 left it) */
		size_t c = v;
		while (c > a && !paper_is_alnum_ascii((unsigned char)d->f[c - 1]))
			c--;
		if (c - a < 12 || c - a > 30)
			continue;
		char lab[32];
		memcpy(lab, d->f + a, c - a);
		lab[c - a] = 0;
		size_t db = nearest_label(lab, nl, 12);
		if (db != 1)
			continue;
		/* farther from every other label of the kind */
		int other = 0;
		for (size_t t = 0; t < pk->form_labels.n && !other; t++) {
			int own = 0;
			for (size_t u = 0; u < nl->n; u++)
				own |= !strcmp(pk->form_labels.fold[t], nl->fold[u]);
			other = !own && paper_edit_distance(lab, pk->form_labels.fold[t]) <= db;
		}
		for (int f = 0; f < SH_FACT_COUNT && !other; f++)
			other = f != SH_FACT_OWNER_NAME && nearest_label(lab, &pk->labels[f], 0) <= db;
		str_out so = {NULL, 0};
		if (other || !paper_name_value(d, v, e, &so) || !so.s) {
			sh_free(so.s);
			continue;
		}
		if (hits++) {
			int same = got.s && !strcmp(got.s, so.s);
			sh_free(so.s);
			if (!same) {
				sh_free(got.s);
				return 0;
			}
			continue;
		}
		got.s = so.s;
	}
	if (hits)
		out->s = got.s;
	return hits > 0;
}
