/* Fuzz target: separator payloads (archive/, sh_arch_payload_parse). What
 * parses formats back to a payload that parses to the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_arch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sh_arch_sep a, b;
	if (sh_arch_payload_parse(&a, (const char *)data, size) != SH_OK)
		return 0;
	char buf[SH_ARCH_PAYLOAD_MAX];
	if (sh_arch_payload_format(buf, sizeof buf, &a) != SH_OK)
		abort();
	if (sh_arch_payload_parse(&b, buf, strlen(buf)) != SH_OK || memcmp(&a, &b, sizeof a) != 0)
		abort();
	return 0;
}
