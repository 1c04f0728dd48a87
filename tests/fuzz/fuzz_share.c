/* Fuzz target: a citizen's share code as typed at a desk (warehouse/
 * citizen.c, sh_wh_share_code_parse). Whatever the bytes: no crash; an
 * accepted code is canonical (XXXX-XXXX in Crockford base32 without I L O
 * U) and parsing it again gives itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_wh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	char out[16], again[16];
	if (sh_wh_share_code_parse(s, out) == SH_OK) {
		static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
		if (strlen(out) != 9 || out[4] != '-')
			abort();
		for (int i = 0; i < 9; i++)
			if (i != 4 && !strchr(b32, out[i]))
				abort();
		if (sh_wh_share_code_parse(out, again) != SH_OK || strcmp(out, again))
			abort();
	}
	free(s);
	return 0;
}
