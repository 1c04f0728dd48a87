/* Previews of stored page images for screens (sh_scan.h "previews"). */
#include "sh_scan.h"

#include <stdlib.h>
#include <string.h>

int sh_scan_preview(uint8_t **out, size_t *out_len, const void *data, size_t len, int width)
{
	*out = NULL;
	*out_len = 0;
	if (width < SH_SCAN_PREVIEW_MIN || width > SH_SCAN_PREVIEW_MAX)
		return sh_error_set(SH_EINVAL, "a preview is %d to %d pixels wide",
				    SH_SCAN_PREVIEW_MIN, SH_SCAN_PREVIEW_MAX);
	sh_scan_file *f = NULL;
	PIX *pix = NULL, *gray = NULL, *small = NULL;
	int rc = sh_scan_file_open_mem(&f, data, len, "page");
	if (rc || (rc = sh_scan_file_page(f, 0, &pix)))
		goto out;
	int w = pixGetWidth(pix);
	float scale = w > width ? (float)width / (float)w : 1.0f;
	/* 1-bit pages scale to gray (readable when small); colour keeps colour */
	gray = pixGetDepth(pix) == 1 ? pixConvertTo8(pix, 0) : pixClone(pix);
	small = gray ? (scale < 1.0f ? pixScale(gray, scale, scale) : pixClone(gray)) : NULL;
	l_uint8 *buf = NULL;
	size_t n = 0;
	if (!small || pixWriteMemPng(&buf, &n, small, 0) || !buf) {
		rc = sh_error_set(SH_ENOMEM, "preview: the page could not be scaled");
		goto out;
	}
	if (!(*out = sh_malloc(n ? n : 1))) {
		free(buf);
		rc = SH_ENOMEM;
		goto out;
	}
	memcpy(*out, buf, n);
	*out_len = n;
	free(buf);
out:
	pixDestroy(&small);
	pixDestroy(&gray);
	pixDestroy(&pix);
	sh_scan_file_free(&f);
	return rc;
}
