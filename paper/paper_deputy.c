/* A signer's block opened by "KT." (ký thay, issue 23 session 19;
 * docs/PAPERS.md "Session 19: photos"): the one who signs is the deputy
 * of the position the "KT." line names, and the deputy's own title is the
 * line under it ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"). On small photos that
 * line comes with letters off ("PHÔ KHỦ TỊCH", "PHÓ GIỦ TỊCH") and the
 * "KT." line garbled around its position ("5 -KT, CHỦ TỊCH",
 * "/Z7_KT†:CHỦ TỊCH"), and the principal's title was stored as the
 * signer's (WRONG). */
#include "paper_int.h"

#include <stdio.h>
#include <string.h>

/* The catalogue position a "KT." line names: a "kt" token (no letter or
 * digit either side) followed, after marks only, by exactly a catalogue
 * position up to the line's end; -1 when line l is no such line. */
long paper_kt_principal(const doc *d, size_t l)
{
	size_t a = d->ls[l], e = d->le[l];
	paper_trim_strays(d, &a, &e);
	while (e > a && !paper_is_alnum_ascii((unsigned char)d->f[e - 1]))
		e--;
	for (size_t i = a; i + 2 < e; i++) {
		if (d->f[i] != 'k' || d->f[i + 1] != 't')
			continue;
		if ((i > a && paper_is_alnum_ascii((unsigned char)d->f[i - 1])) ||
		    paper_is_alnum_ascii((unsigned char)d->f[i + 2]))
			continue;
		size_t s = i + 2;
		while (s < e && !paper_is_alnum_ascii((unsigned char)d->f[s]))
			s++;
		long p = s < e ? paper_position_at(d, s, e) : -1;
		if (p >= 0)
			return p;
	}
	return -1;
}

/* The deputy's title read with letters off on line l, right under the
 * "KT." line naming position principal: the line is "PHÓ" (as folded:
 * "PHÔ", "PHÒ" too; marks before it, quotes and brackets read through, the
 * space after it may be lost) and then the principal's
 * position at most a quarter of its letters off (one at least), and
 * "PHÓ" + that position is in the catalogue; that position, else -1. */
long paper_deputy_slip(const doc *d, size_t l, long principal)
{
	if (principal < 0 || (size_t)principal >= d->k->positions.n)
		return -1;
	size_t a = d->ls[l], e = d->le[l];
	paper_trim_strays(d, &a, &e);
	char s[128];
	size_t n = 0;
	for (size_t i = a; i < e && n + 1 < sizeof s; i++) {
		if (strchr("()[]{}|'`\"", d->f[i]))
			continue;
		/* ‘ ’ “ ” */
		if (i + 2 < e && (unsigned char)d->f[i] == 0xe2 && (unsigned char)d->f[i + 1] == 0x80 &&
		    strchr("\x98\x99\x9c\x9d", d->f[i + 2])) {
			i += 2;
			continue;
		}
		if (d->f[i] == ' ' && (!n || s[n - 1] == ' '))
			continue;
		s[n++] = d->f[i];
	}
	while (n && s[n - 1] == ' ')
		n--;
	s[n] = 0;
	/* marks before it ("/,PHÒKHỦ TỊCH", seed 7126) and the space
	 * after it lost are read through */
	size_t b = 0;
	while (b < n && !paper_is_alnum_ascii((unsigned char)s[b]))
		b++;
	if (strncmp(s + b, "pho", 3))
		return -1;
	b += 3;
	if (s[b] == ' ')
		b++;
	const paper_strs *ps = &d->k->positions;
	const char *pf = ps->fold[principal];
	size_t dist = paper_edit_distance(s + b, pf), most = strlen(pf) / 4;
	if (dist < 1 || dist > (most > 1 ? most : 1))
		return -1;
	char want[160];
	snprintf(want, sizeof want, "pho %s", pf);
	for (size_t p = 0; p < ps->n; p++)
		if (!strcmp(ps->fold[p], want))
			return (long)p;
	return -1;
}

/* Does folded word w[0..n) read as no syllable at all (no vowel, or not
 * pronounceable: "tlch")? */
static int no_syllable(const char *w, size_t n)
{
	return !paper_syllable_ok(w, n);
}

long paper_position_letter_off(const doc *d, const char *s)
{
	const paper_strs *ps = &d->k->positions;
	size_t sl = strlen(s);
	long hit = -1;
	for (size_t p = 0; p < ps->n; p++) {
		const char *pf = ps->fold[p];
		if (strlen(pf) != sl || !strchr(pf, ' '))
			continue;
		size_t at = sl, diff = 0;
		for (size_t i = 0; i < sl; i++)
			if (pf[i] != s[i]) {
				diff++;
				at = i;
			}
		/* one letter for one letter, never a space */
		if (diff != 1 || s[at] == ' ' || pf[at] == ' ' || (unsigned char)s[at] >= 0x80)
			continue;
		size_t ws = at, we = at;
		while (ws > 0 && s[ws - 1] != ' ')
			ws--;
		while (we < sl && s[we] != ' ')
			we++;
		if (!no_syllable(s + ws, we - ws))
			continue; /* "THỦ TỊCH": a word, maybe another title */
		if (hit >= 0)
			return -1; /* two positions so near: none */
		hit = (long)p;
	}
	return hit;
}
