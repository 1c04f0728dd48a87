/* Fuzz target: PDF input (scanner/pdf.c through sh_scan_file_open_mem):
 * refusals are the documented errors; an accepted file's pages decode to
 * the size opened said, and their archival bytes can be made. Pages over a
 * few megapixels are not rendered here (time, not safety: the limit is
 * checked at open). */
#include <stdint.h>
#include <stdlib.h>

#include "sh_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long live = sh_alloc_live();
	sh_scan_file *f = NULL;
	int rc = sh_scan_file_open_mem(&f, data, size, "fuzz.pdf");
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
	for (size_t i = 0; i < n && i < 2; i++) {
		int w, h, dpi;
		if (sh_scan_file_page_info(f, i, &w, &h, &dpi) || w <= 0 || h <= 0 ||
		    (long)w * h > SH_SCAN_MAX_PIXELS)
			abort();
		if ((long)w * h > 4000000)
			continue;
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
