/* image_int.h - private to scanner/: quiet decoders used by image.c. */
#ifndef SH_IMAGE_INT_H
#define SH_IMAGE_INT_H

#include "sh_scan.h"

/* Decode a whole PNG / JPEG file. *out: new PIX (8 bpp grey or 32 bpp RGB),
 * caller pixDestroy. SH_EINVAL (damaged, message names the file), SH_ENOMEM.
 * Never prints. */
int scan_decode_png(const uint8_t *data, size_t len, const char *name, PIX **out);
int scan_decode_jpeg(const uint8_t *data, size_t len, const char *name, PIX **out);

/* PDF files (pdf.c): refused when encrypted, damaged, holding JavaScript or
 * over SH_SCAN_MAX_PAGES pages. A page that is one JPEG keeps its bytes;
 * others are rendered at 300 dpi. data is copied. *out: scan_pdf_free. */
typedef struct scan_pdf scan_pdf;
int scan_pdf_open(scan_pdf **out, const uint8_t *data, size_t len, const char *name,
		  size_t *pages);
void scan_pdf_free(scan_pdf **p);
void scan_pdf_page_info(const scan_pdf *p, size_t i, int *w, int *h, int *dpi);
/* 1 and the page's image bytes (borrowed from p) and mime when it is one
 * JPEG ("image/jpeg", the stream as is) or one CCITT G4 image ("image/tiff",
 * the G4 data as is in a one-strip TIFF); else 0. */
int scan_pdf_page_image(const scan_pdf *p, size_t i, const uint8_t **bytes, size_t *len,
			const char **mime);
/* Decode or render page i. Thread-safe (one lock). */
int scan_pdf_page(scan_pdf *p, size_t i, const char *name, PIX **out);

#endif
