/* Fuzz target: the proof bundle archive the command line reads back from a
 * server (sh_client_tar_each, client/untar.c), prefix "P": every file
 * reported must lie inside the input and have a plain name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct span {
	const uint8_t *lo, *hi;
} span;

static int each(void *arg, const char *name, const uint8_t *d, size_t n)
{
	const span *s = arg;
	if (d < s->lo || d + n > s->hi || !name[0] || name[0] == '.' || strchr(name, '/'))
		abort();
	return SH_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	long live = sh_alloc_live();
	uint8_t *buf = malloc(size ? size : 1); /* exact size: ASan sees overreads */
	memcpy(buf, data, size);
	span s = {buf, buf + size};
	sh_client_tar_each(buf, size, "P", each, &s);
	free(buf);
	if (sh_alloc_live() != live)
		abort();
	return 0;
}
