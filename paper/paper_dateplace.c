/* The header's place-and-date line ("Thanh Hà, ngày 05 tháng 08 năm 2023"):
 * its date (paper_find_place_date, moved here from paper_agency.c), and its
 * place as a second reading of a province's name (issue 23, session 17): a
 * phone photo garbles the issuer's place in the header ("TỈNH MƯNG Y KN")
 * while the same name in the date line beside it is read as printed ("Hưng
 * Yên, ngày 03 tháng 05 năm 2023"). */
#include "paper_int.h"

#include <string.h>

char *paper_find_place_date(doc *d)
{
	char date[11];
	size_t first_any = (size_t)-1;
	char any[11] = "";
	for (size_t i = 1; i + 4 < d->flen; i++) {
		if (!paper_word_at(d->f, d->flen, i, "ngay") || !paper_starts_word(d->f, i))
			continue;
		size_t j = i;
		while (j > 0 && (d->f[j - 1] == ' ' || d->f[j - 1] == '\n'))
			j--;
		/* "Thanh Hà, ngày"; OCR may read the comma as a full stop */
		if (j < 2 || (d->f[j - 1] != ',' && !(d->f[j - 1] == '.' && paper_is_wordc((unsigned char)d->f[j - 2]))))
			continue;
		if (!paper_date_words_at(d->f, d->flen, i, date, NULL))
			continue;
		size_t l = paper_line_of(d, i);
		if (d->heading < d->nl && l <= d->heading)
			return paper_dup_n(d, date, 10);
		if (first_any == (size_t)-1) {
			first_any = i;
			memcpy(any, date, 11);
		}
	}
	return *any ? paper_dup_n(d, any, 10) : NULL;
}

/* Edit distance of a and b (folded, spaces left out); 99 when long. */
static int letters_apart(const char *a, size_t an, const char *b, size_t bn)
{
	char x[48], y[48];
	size_t xn = 0, yn = 0;
	for (size_t i = 0; i < an && xn < sizeof x; i++)
		if (a[i] != ' ')
			x[xn++] = a[i];
	for (size_t i = 0; i < bn && yn < sizeof y; i++)
		if (b[i] != ' ')
			y[yn++] = b[i];
	if (xn >= sizeof x || yn >= sizeof y)
		return 99;
	int prev[48], row[48];
	for (size_t j = 0; j <= yn; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= xn; i++) {
		row[0] = (int)i;
		for (size_t j = 1; j <= yn; j++) {
			int c = prev[j - 1] + (x[i - 1] != y[j - 1]);
			int e = (prev[j] < row[j - 1] ? prev[j] : row[j - 1]) + 1;
			row[j] = c < e ? c : e;
		}
		memcpy(prev, row, sizeof row);
	}
	return prev[yn];
}

/* The listed place (catalogue, lexicon or gazetteer) that the words
 * ending at the comma of a date line in the header name exactly (the
 * longest, of one to four words: "Số: 821/KH Hưng Yên, ngày"); NULL when
 * none, or when the header has two such lines naming different places. */
static const char *date_line_place(const doc *d)
{
	const char *found = NULL;
	for (size_t i = 2; i + 4 < d->flen; i++) {
		if (!paper_starts_word(d->f, i) || !paper_word_at(d->f, d->flen, i, "ngay") ||
		    d->f[i - 1] != ' ' || d->f[i - 2] != ',')
			continue;
		/* the date itself may be left out (its digits doubted: "ngày --
		 * tháng -- năm ----"); "tháng" after it on the line will do */
		size_t l = paper_line_of(d, i), end = i - 2, m = i + 4;
		while (m < d->le[l] && !(paper_starts_word(d->f, m) && paper_word_at(d->f, d->le[l], m, "thang")))
			m++;
		if (m >= d->le[l])
			continue;
		if (d->heading < d->nl ? l > d->heading : l > 6)
			continue;
		const char *best = NULL;
		size_t s = end;
		for (int words = 0; words < 4 && s > d->ls[l]; words++) {
			while (s > d->ls[l] && d->f[s - 1] != ' ')
				s--;
			/* of places folded alike ("Hải Dương", "Hải Đường"), the
			 * one spelt as printed */
			int as_printed = 0;
			size_t oa = d->map[s], on = d->map[end] - oa;
			for (int li = 0; li < paper_place_lists(); li++) {
				const paper_strs *list = paper_place_list(d->k, li);
				for (size_t p = 0; p < list->n; p++)
					if (strlen(list->fold[p]) == end - s && !memcmp(list->fold[p], d->f + s, end - s)) {
						int exact = strlen(list->orig[p]) == on &&
							    !memcmp(list->orig[p], d->text + oa, on);
						if (exact || !as_printed)
							best = list->orig[p];
						as_printed |= exact;
					}
			}
			while (s > d->ls[l] && d->f[s - 1] == ' ')
				s--;
		}
		if (best && found && strcmp(best, found))
			return NULL;
		if (best)
			found = best;
	}
	return found;
}

const char *paper_date_line_place(const doc *d)
{
	return date_line_place(d);
}

const char *paper_province_by_date_line(const doc *d, const char *t, size_t tn)
{
	const char *p = date_line_place(d);
	if (!p)
		return NULL;
	char *f = NULL;
	size_t fn = 0;
	if (paper_fold(&f, NULL, &fn, p, strlen(p)))
		return NULL;
	size_t letters = 0;
	for (size_t i = 0; i < fn; i++)
		letters += f[i] != ' ';
	int apart = letters_apart(f, fn, t, tn);
	sh_free(f);
	/* a third of its letters at most, its first letters aside ("Mưng") */
	return apart >= 1 && (size_t)apart * 3 <= letters ? p : NULL;
}
