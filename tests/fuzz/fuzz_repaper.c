/* Fuzz target: a province's answer for one paper as the attaching office
 * receives it (replica/parse.c, sh_repl_remote_parse). Whatever parses is
 * consistent: a valid paper has its entry, checkpoint and pages, the entry
 * inside the checkpoint's size; any other status carries nothing more. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_repl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sh_repl_remote *r = NULL;
	int rc = sh_repl_remote_parse(&r, (const char *)data, size);
	if (rc != SH_OK) {
		if (r)
			abort();
		return 0;
	}
	if (!r || !r->code || !r->agency || !r->status || !r->reason)
		abort();
	if (!strcmp(r->status, "valid")) {
		if (!r->entry.doc || !r->entry.len || !r->entry.paper || !r->entry.paper->npages ||
		    !r->checkpoint_len || r->entry.index >= r->size)
			abort();
	} else if (r->entry.doc || r->entry.paper || r->checkpoint) {
		abort();
	}
	sh_repl_remote_free(&r);
	return 0;
}
