/* Fuzz target: the values people type on the command line and that reach
 * the warehouse as keys: owner ids, agency ids, search text (fold, lower,
 * NFC, word split). Input: a selector byte, then the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int word(void *arg, const char *w, size_t n)
{
	const char **end = arg;
	if (n == 0 || w + n > *end)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	long live = sh_alloc_live();
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	int kind = 0;
	char norm[16];
	if (sh_id_owner_check(&kind, norm, s) == SH_OK) {
		size_t n = strlen(norm);
		if (!(n == 10 || n == 12 || n == 13) || strspn(norm, "0123456789") != n)
			abort(); /* accepted id must be canonical digits */
		if (strspn(s, "0123456789-") != strlen(s))
			abort(); /* lookalike accepted */
	}
	if (sh_id_agency_check(s) == SH_OK && strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.") !=
						      strlen(s))
		abort();
	char *a = NULL, *b = NULL;
	int valid = sh_text_valid((const char *)data, size);
	int rc = sh_text_fold(&a, (const char *)data, size);
	if ((rc == SH_OK) != valid && memchr(data, 0, size) == NULL)
		abort();
	sh_free(a);
	a = NULL;
	if (!sh_text_nfc(&a, (const char *)data, size))
		sh_free(a);
	if (!sh_text_lower(&b, (const char *)data, size))
		sh_free(b);
	const char *end = (const char *)data + size;
	sh_text_words((const char *)data, size, word, &end);
	free(s);
	if (sh_alloc_live() != live)
		abort();
	return 0;
}
