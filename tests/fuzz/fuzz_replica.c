/* Fuzz target: a page of an office's log as the province receives it
 * (replica/parse.c, sh_repl_page_parse). Whatever parses is consistent:
 * entries lead from `from` to `size`, indexes in order, every paper has
 * pages. */
#include <stdint.h>
#include <stdlib.h>

#include "sh_repl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sh_repl_page *p = NULL;
	if (sh_repl_page_parse(&p, (const char *)data, size) != SH_OK)
		return 0;
	if (p->size && p->n != p->size - p->from)
		abort();
	for (size_t i = 0; i < p->n; i++) {
		if (p->entries[i].index != p->from + i || !p->entries[i].len)
			abort();
		if (p->entries[i].paper && !p->entries[i].paper->npages)
			abort();
	}
	sh_repl_page_free(&p);
	return 0;
}
