/* Fuzz target: image files (sh_scan_file_open_mem, then every page decoded
 * and re-encoded to its archival bytes). Decompression bombs must be
 * refused with SH_ELIMIT before any pixel buffer is allocated: an
 * allocation over the limit aborts (libFuzzer's -malloc_limit_mb and
 * -rss_limit_mb catch it in fuzzing builds). */
#include <stdint.h>
#include <stdlib.h>

#include "sh_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGES_TRIED 4 /* enough to reach every page-handling path */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long live = sh_alloc_live();
	sh_scan_file *f = NULL;
	int rc = sh_scan_file_open_mem(&f, data, size, "fuzz.img");
	if (rc) {
		if (f || (rc != SH_EINVAL && rc != SH_ELIMIT && rc != SH_ENOMEM))
			abort();
		if (sh_alloc_live() != live)
			abort();
		return 0;
	}
	size_t n = sh_scan_file_pages(f);
	if (n == 0 || n > SH_SCAN_MAX_PAGES)
		abort();
	for (size_t i = 0; i < n && i < PAGES_TRIED; i++) {
		int w, h, dpi;
		if (sh_scan_file_page_info(f, i, &w, &h, &dpi))
			abort();
		if (w <= 0 || h <= 0 || w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE ||
		    (long)w * h > SH_SCAN_MAX_PIXELS)
			abort(); /* over the limit yet accepted */
		PIX *pix = NULL;
		if (sh_scan_file_page(f, i, &pix)) {
			if (pix)
				abort();
			continue;
		}
		if (pixGetWidth(pix) != w || pixGetHeight(pix) != h)
			abort();
		uint8_t *bytes = NULL;
		size_t len = 0;
		const char *mime = NULL;
		if (!sh_scan_file_page_bytes(f, i, pix, &bytes, &len, &mime) && (!bytes || !len || !mime))
			abort();
		sh_free(bytes);
		pixDestroy(&pix);
	}
	sh_scan_file_free(&f);
	if (sh_alloc_live() != live)
		abort();
	return 0;
}
