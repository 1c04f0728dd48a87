/* Fuzz target: pdf/'s parsers of stored data. Input starting with '<' is
 * hOCR (pdf_hocr_parse); anything else is a page image turned into PDF
 * image data (pdf_img_from_bytes) and, when small, a whole page written
 * (sh_pdf_add_page + sh_pdf_write_mem) whose output must be a PDF. Errors
 * must be the documented ones and leave no allocation behind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_int.h"
#include "sh_pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long live = sh_alloc_live();
	if (size && data[0] == '<') {
		pdf_hocr h;
		int rc = pdf_hocr_parse(&h, (const char *)data, size);
		if (rc && (rc != SH_EINVAL && rc != SH_ELIMIT && rc != SH_ENOMEM))
			abort();
		for (size_t i = 0; i < h.nwords; i++)
			if (h.words[i].x1 < h.words[i].x0 || h.words[i].y1 < h.words[i].y0 ||
			    !h.words[i].text || !h.words[i].text[0])
				abort();
		pdf_hocr_clear(&h);
		if (sh_alloc_live() != live)
			abort();
		return 0;
	}
	pdf_img img;
	int rc = pdf_img_from_bytes(&img, data, size, NULL);
	if (rc) {
		if (rc != SH_EINVAL && rc != SH_ELIMIT && rc != SH_ENOMEM)
			abort();
		if (img.data || sh_alloc_live() != live)
			abort();
		return 0;
	}
	if (img.width <= 0 || img.height <= 0 || !img.data || !img.len ||
	    (img.filter == PDF_RAW &&
	     img.len != (img.bpc == 1 ? ((size_t)img.width + 7) / 8 : (size_t)img.width * img.colors) *
				(size_t)img.height))
		abort();
	long px = (long)img.width * img.height;
	pdf_img_clear(&img);
	if (px <= 1000000) {
		sh_pdf *pdf = NULL;
		uint8_t *out = NULL;
		size_t n = 0;
		sh_pdf_page pg = {.image = data, .image_len = size, .dpi = 300};
		if (sh_pdf_new(&pdf, NULL) == SH_OK && sh_pdf_add_page(pdf, &pg) == SH_OK &&
		    (sh_pdf_write_mem(pdf, &out, &n) != SH_OK || n < 8 || memcmp(out, "%PDF-1.4", 8)))
			abort();
		sh_free(out);
		sh_pdf_free(&pdf);
	}
	if (sh_alloc_live() != live)
		abort();
	return 0;
}
