/* Fuzz target: the procedure catalogue (warehouse/procedures.json and an
 * office's own, sh_wh_proc_cat_parse). Any bytes must load or give SH_EINVAL
 * (SH_ENOMEM never here); a loaded catalogue answers every question about
 * its procedures and kinds with strings it owns; nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wh_int.h" /* wh_kind_reusable */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	long live = sh_alloc_live();
	sh_wh_proc_cat *c = NULL;
	int rc = sh_wh_proc_cat_parse(&c, data, size, "fuzz.json");
	if (rc != SH_OK && rc != SH_EINVAL)
		abort();
	if ((rc == SH_OK) != (c != NULL))
		abort();
	for (size_t i = 0; i < sh_wh_proc_cat_count(c); i++) {
		const char *code = NULL, *name = NULL;
		const char *const *kinds = NULL;
		size_t nk = 0;
		if (sh_wh_proc_get(c, i, &code, &name, &kinds, &nk) || !code || !name || (nk && !kinds))
			abort();
		const char *n2 = NULL;
		size_t nk2 = 0;
		if (sh_wh_proc_find(c, code, &n2, NULL, &nk2) || strlen(n2) != strlen(name))
			abort();
		for (size_t j = 0; j < nk; j++) {
			const char *kn = sh_wh_kind_name(c, kinds[j]);
			if (!kn || !*kn)
				abort();
			(void)wh_kind_reusable(c, kinds[j]);
		}
	}
	if (sh_wh_proc_get(c, sh_wh_proc_cat_count(c), NULL, NULL, NULL, NULL) != SH_ENOTFOUND)
		abort();
	sh_wh_proc_cat_free(&c);
	if (sh_alloc_live() != live)
		abort(); /* leak on some path */
	return 0;
}
