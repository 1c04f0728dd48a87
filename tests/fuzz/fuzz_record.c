/* Fuzz target: stored record decoding (store_decode_dossier,
 * store_decode_paper and the owner index entries, store_osum_decode;
 * store/store_int.h). Any bytes must decode or give SH_ECORRUPT /
 * SH_EVERSION (-1 for an owner entry), and leave no allocation behind; a
 * decoded owner entry encodes back to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long live = sh_alloc_live();
	sh_store_dossier_rec *d = NULL;
	sh_store_paper_rec *p = NULL;
	int rc = store_decode_dossier(data, size, &d);
	if (rc != SH_OK && rc != SH_ECORRUPT && rc != SH_EVERSION)
		abort();
	if (rc == SH_OK && (!d || !d->code || !d->owner || !d->agency || !d->procedure))
		abort();
	if (rc != SH_OK && d)
		abort();
	sh_store_dossier_rec_free(&d);
	rc = store_decode_paper(data, size, &p);
	if (rc != SH_OK && rc != SH_ECORRUPT && rc != SH_EVERSION)
		abort();
	if (rc == SH_OK) {
		for (size_t i = 0; i < p->npages; i++)
			if (!p->pages[i].text || !p->pages[i].mime ||
			    p->pages[i].has_original != (p->pages[i].original_mime != NULL))
				abort();
	} else if (p) {
		abort();
	}
	sh_store_paper_rec_free(&p);
	store_osum o;
	rc = store_osum_decode(data, size, &o);
	if (rc != 0 && rc != -1)
		abort();
	if (!rc && (!o.code[0] || memchr(o.code, 0, sizeof o.code) == NULL))
		abort();
	if (!rc && o.has_sum) { /* the facts that made it, as JSON */
		char facts[160];
		snprintf(facts, sizeof facts, "{\"valid_until\":%s%s%s,\"date\":%s%s%s}",
			 o.vu == 2 ? "\"" : "", o.vu == 2 ? o.vu_s : "null", o.vu == 2 ? "\"" : "",
			 o.date == 2 ? "\"" : "", o.date == 2 ? o.date_s : "0", o.date == 2 ? "\"" : "");
		uint8_t b[STORE_OSUM_MAX];
		size_t n = 0;
		/* strings with quotes or control bytes are not JSON as written here */
		int plain = !strpbrk(o.vu_s, "\"\\") && !strpbrk(o.date_s, "\"\\");
		for (const char *c = o.vu_s; *c; c++)
			plain &= (uint8_t)*c >= 0x20 && (uint8_t)*c < 0x80;
		for (const char *c = o.date_s; *c; c++)
			plain &= (uint8_t)*c >= 0x20 && (uint8_t)*c < 0x80;
		if (o.vu == 0)
			plain = 0;
		if (plain && !store_osum_encode(b, &n, o.code, o.id, o.created, o.kind, facts) &&
		    (n != size || memcmp(b, data, n)))
			abort();
	}
	if (sh_alloc_live() != live)
		abort(); /* leak on some path */
	return 0;
}
