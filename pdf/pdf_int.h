/* pdf/: private interfaces between the C parts and the qpdf writer. */
#ifndef SH_PDF_INT_H
#define SH_PDF_INT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pdf_filter {
	PDF_RAW = 0,     /* samples; the writer Flate-compresses them */
	PDF_DCT,         /* a JPEG file as it is */
	PDF_CCITT,       /* CCITT G4 (K -1) data */
	PDF_FLATE_PNG    /* PNG IDAT data: Flate with PNG predictors */
};

/* A page image ready for an XObject. data and palette owned. */
typedef struct pdf_img {
	uint8_t *data;
	size_t len;
	int filter;           /* pdf_filter */
	int width, height, bpc, colors; /* colors 1 (DeviceGray) or 3 (DeviceRGB) */
	uint8_t *palette;     /* RGB triplets: Indexed over DeviceRGB */
	int npalette;
	int invert;           /* /Decode [1 0] */
	int dpi;              /* the file's own resolution, 0 when unknown */
	const char *encoding; /* for reports, static */
} pdf_img;

/* Turn archival bytes into an XObject image (image.c). *out cleared first;
 * release with pdf_img_clear. SH_EINVAL, SH_ELIMIT, SH_ENOMEM. */
int pdf_img_from_bytes(pdf_img *out, const uint8_t *bytes, size_t len, const char *mime);
void pdf_img_clear(pdf_img *img);
/* Silence Leptonica and libtiff (process-wide, once). */
void pdf_quiet(void);

/* One hOCR word (hocr.c): its box in the hOCR page's pixels, its line. */
typedef struct pdf_word {
	int x0, y0, x1, y1;
	int lx0, ly0, lx1, ly1; /* the line's box */
	double slope, base;     /* the line's baseline: y = ly1 + base + slope * (x - lx0) */
	size_t line;            /* line number, from 0 */
	char *text;             /* UTF-8, entities decoded; owned */
} pdf_word;

typedef struct pdf_hocr {
	int page_w, page_h;     /* ocr_page bbox size; 0 when absent */
	size_t nwords;
	pdf_word *words;
} pdf_hocr;

/* Parse Tesseract hOCR. SH_EINVAL (malformed bbox, bad UTF-8), SH_ELIMIT. */
int pdf_hocr_parse(pdf_hocr *out, const char *hocr, size_t len);
void pdf_hocr_clear(pdf_hocr *h);

/* The qpdf writer (writer.cpp). Strings UTF-8. */
typedef struct pdfw pdfw;
typedef struct pdfw_info {
	const char *title, *author, *subject, *keywords, *creator, *producer;
	const char *pdf_date;  /* D:YYYYMMDDHHmmSS+00'00' */
	const char *xmp;       /* the XMP packet, consistent with the above */
	size_t sig_space;      /* > 0: add a signature field whose /Contents holds
				* this many zero bytes and a ByteRange placeholder */
	const char *sig_name, *sig_reason; /* UTF-8, may be NULL */
} pdfw_info;
#define PDFW_BYTERANGE_PLACEHOLDER 9999999999LL

typedef struct sh_pdf_signer sh_pdf_signer;
/* Detached CMS (DER) over data (sign.c). *out: caller sh_free. */
int pdf_cms_sign(const sh_pdf_signer *s, const uint8_t *data, size_t len, uint8_t **out,
		 size_t *out_len);
int pdfw_new(pdfw **out, const uint8_t *icc, size_t icc_len, const uint8_t *font,
	     size_t font_len);
void pdfw_free(pdfw **w);
/* Adds a page of wpt x hpt points showing img over it all, then content
 * (text only; the writer draws the image first). img->data is copied. */
int pdfw_add_page(pdfw *w, const pdf_img *img, double wpt, double hpt, int rotate,
		  const char *content, size_t content_len);
int pdfw_write(pdfw *w, const pdfw_info *info, uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
