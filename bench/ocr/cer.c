/*
 * cer — character and word error rates of OCR output against ground truth.
 *
 *   cer TRUTH.txt OUTPUT.txt
 *
 * Prints one line: "<char_edits> <truth_chars> <word_edits> <truth_words>".
 * Both texts are NFC-normalised and every run of white space is folded to
 * one space (leading/trailing space dropped) before comparing, so line
 * breaks do not count. Edits are Levenshtein distances over code points
 * (CER) and over space-separated words (WER). A missing OUTPUT counts as
 * empty text (every truth character an edit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh_common.h"

typedef struct seq {
	long *v; /* code points, or word hashes */
	size_t n;
} seq;

static char *fold_ws(const char *s)
{
	size_t n = strlen(s);
	char *d = sh_malloc(n + 1);
	size_t k = 0;
	int space = 0;
	if (!d)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			space = 1;
			continue;
		}
		if (space && k)
			d[k++] = ' ';
		space = 0;
		d[k++] = (char)c;
	}
	d[k] = 0;
	return d;
}

static int utf8_decode(seq *out, const char *s)
{
	size_t n = strlen(s);
	out->v = sh_calloc(n + 1, sizeof *out->v);
	out->n = 0;
	if (!out->v)
		return SH_ENOMEM;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		long c = *p;
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		if (more)
			c &= 0x3f >> more;
		p++;
		for (; more && (*p & 0xc0) == 0x80; more--, p++)
			c = (c << 6) | (*p & 0x3f);
		out->v[out->n++] = c;
	}
	return SH_OK;
}

static int words(seq *out, const char *s)
{
	size_t n = strlen(s);
	out->v = sh_calloc(n + 1, sizeof *out->v);
	out->n = 0;
	if (!out->v)
		return SH_ENOMEM;
	while (*s) {
		unsigned long h = 1469598103934665603ul;
		size_t len = strcspn(s, " ");
		for (size_t i = 0; i < len; i++)
			h = (h ^ (unsigned char)s[i]) * 1099511628211ul;
		if (len)
			out->v[out->n++] = (long)(h >> 1);
		s += len;
		if (*s)
			s++;
	}
	return SH_OK;
}

static long edits(const seq *a, const seq *b)
{
	long *row = malloc((b->n + 1) * sizeof *row);
	if (!row)
		return -1;
	for (size_t j = 0; j <= b->n; j++)
		row[j] = (long)j;
	for (size_t i = 1; i <= a->n; i++) {
		long diag = row[0];
		row[0] = (long)i;
		for (size_t j = 1; j <= b->n; j++) {
			long up = row[j];
			long best = diag + (a->v[i - 1] != b->v[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	long d = row[b->n];
	free(row);
	return d;
}

static char *load(const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	if (sh_file_read(&data, &len, path, SH_FILE_MAX))
		return sh_strdup("");
	char *nfc = NULL;
	int rc = sh_text_nfc(&nfc, (const char *)data, len);
	sh_free(data);
	if (rc)
		return NULL;
	char *f = fold_ws(nfc);
	sh_free(nfc);
	return f;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cer TRUTH.txt OUTPUT.txt\n");
		return 2;
	}
	char *t = load(argv[1]), *o = load(argv[2]);
	if (!t || !o) {
		fprintf(stderr, "cer: cannot read %s or %s as UTF-8 text\n", argv[1], argv[2]);
		return 1;
	}
	seq tc, oc, tw, ow;
	if (utf8_decode(&tc, t) || utf8_decode(&oc, o) || words(&tw, t) || words(&ow, o)) {
		fprintf(stderr, "cer: out of memory\n");
		return 1;
	}
	printf("%ld %zu %ld %zu\n", edits(&tc, &oc), tc.n, edits(&tw, &ow), tw.n);
	return 0;
}
