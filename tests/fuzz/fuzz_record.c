/* Fuzz target: stored record decoding (store_decode_dossier and
 * store_decode_paper, store/store_int.h). Any bytes must decode or give
 * SH_ECORRUPT / SH_EVERSION, and leave no allocation behind. */
#include <stdint.h>
#include <stdlib.h>

#include "store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long live = sh_alloc_live();
	sh_dossier_rec *d = NULL;
	sh_paper_rec *p = NULL;
	int rc = store_decode_dossier(data, size, &d);
	if (rc != SH_OK && rc != SH_ECORRUPT && rc != SH_EVERSION)
		abort();
	if (rc == SH_OK && (!d || !d->code || !d->owner || !d->agency || !d->procedure))
		abort();
	if (rc != SH_OK && d)
		abort();
	sh_dossier_rec_free(&d);
	rc = store_decode_paper(data, size, &p);
	if (rc != SH_OK && rc != SH_ECORRUPT && rc != SH_EVERSION)
		abort();
	if (rc == SH_OK) {
		for (size_t i = 0; i < p->npages; i++)
			if (!p->pages[i].text || !p->pages[i].mime)
				abort();
	} else if (p) {
		abort();
	}
	sh_paper_rec_free(&p);
	if (sh_alloc_live() != live)
		abort(); /* leak on some path */
	return 0;
}
