/* pdf/: private interfaces between the C parts and the qpdf writer. */
#ifndef SH_PDF_INT_H
#define SH_PDF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"

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
/* Detached CMS (DER) over data (sign.c); tsa (may be NULL): the URL of an
 * RFC 3161 TSA whose token over the signature is added unsigned. *out:
 * caller sh_free. */
int pdf_cms_sign(const sh_pdf_signer *s, const uint8_t *data, size_t len, const char *tsa,
		 uint8_t **out, size_t *out_len);
/* tsa.c: a time-stamp token (DER ContentInfo) from the TSA at url over
 * data (the signature value), checked. *out: caller sh_free. */
int pdf_tsa_token(const char *url, const uint8_t *data, size_t len, uint8_t **out,
		  size_t *out_len);
/* tsa.c: cms (a DER ContentInfo of SignedData with one SignerInfo) with
 * attr (a DER Attribute) added to its SignerInfo's unsigned attributes;
 * sig: the SignerInfo's signature value (borrowed from cms). *out: caller sh_free. */
/* DER (tsa.c): one element, single-byte tags, definite minimal lengths up
 * to 3 bytes. next reads the element at *p (not past end) and moves *p
 * after it. SH_EINVAL when malformed. */
typedef struct pdf_der {
	int tag;
	const uint8_t *start, *val, *end; /* header, value, one past the value */
	size_t len;
} pdf_der;
int pdf_der_next(pdf_der *out, const uint8_t **p, const uint8_t *end);
int pdf_der_put(sh_buf *b, int tag, const void *val, size_t len);
#define PDF_TSA_NONCE_LEN 8
/* The TimeStampReq (RFC 3161 §2.4.1: SHA-256 imprint, nonce, certReq). */
int pdf_tsa_request(sh_buf *req, const uint8_t hash[32], const uint8_t nonce[PDF_TSA_NONCE_LEN]);
/* Check a TimeStampResp for hash and nonce; *token: the TimeStampToken in
 * reply. SH_EBADSIG. */
int pdf_tsa_reply_check(const uint8_t *reply, size_t len, const uint8_t hash[32],
			const uint8_t nonce[PDF_TSA_NONCE_LEN], const uint8_t **token,
			size_t *token_len);
int pdf_cms_signature(const uint8_t *cms, size_t len, const uint8_t **sig, size_t *sig_len);
int pdf_cms_add_unsigned(const uint8_t *cms, size_t len, const uint8_t *attr, size_t attr_len,
			 uint8_t **out, size_t *out_len);
int pdfw_new(pdfw **out, const uint8_t *icc, size_t icc_len, const uint8_t *font,
	     size_t font_len);
void pdfw_free(pdfw **w);
/* Adds a page of wpt x hpt points showing img over it all, then content
 * (text only; the writer draws the image first). img->data is copied. */
int pdfw_add_page(pdfw *w, const pdf_img *img, double wpt, double hpt, int rotate,
		  const char *content, size_t content_len);
int pdfw_write(pdfw *w, const pdfw_info *info, uint8_t **out, size_t *out_len);

/* A TrueType font embedded whole as a CIDFontType2 (Identity-H, codes =
 * glyph ids). Borrowed for the call. Metrics in 1/1000 em. */
typedef struct pdfw_font {
	const uint8_t *file;
	size_t file_len;
	const char *name;       /* PostScript name, [A-Za-z0-9-] */
	double ascent, descent, cap_height, bbox[4];
	const char *widths;     /* the /W array text */
	size_t widths_len;
	const char *tounicode;  /* the ToUnicode CMap */
	size_t tounicode_len;
	const uint8_t *cidset;  /* a subset's CIDSet stream, or NULL */
	size_t cidset_len;
} pdfw_font;
/* Adds a page of wpt x hpt points with content drawn in font as /F1. */
int pdfw_add_text_page(pdfw *w, double wpt, double hpt, const char *content, size_t content_len,
		       const pdfw_font *font);

/* BagIt tag files and manifests (bagread.c), parsed from memory. */
typedef struct pdf_bag_tag {
	char *label, *value;
} pdf_bag_tag;
typedef struct pdf_bag_entry {
	uint8_t sha[32];
	char *path; /* decoded, checked safe */
} pdf_bag_entry;
/* "Label: value" lines with continuations. SH_EINVAL. *out: pdf_bag_tags_free. */
int pdf_bag_tags_parse(const char *text, size_t len, pdf_bag_tag **out, size_t *n);
void pdf_bag_tags_free(pdf_bag_tag *t, size_t n);
const char *pdf_bag_tag_get(const pdf_bag_tag *t, size_t n, const char *label);
/* "<sha256>  <path>" lines; payload: paths under data/, else tag files.
 * Unsafe paths (absolute, "..", control characters) and duplicates are
 * SH_EINVAL. *out: pdf_bag_manifest_free. */
int pdf_bag_manifest_parse(const char *text, size_t len, int payload, pdf_bag_entry **out,
			   size_t *n);
void pdf_bag_manifest_free(pdf_bag_entry *e, size_t n);

/* The document (pdf.c); pdf/ files other than pdf.c add pages to it. */
struct sh_pdf {
	pdfw *w;
	size_t pages;
	const char *last_enc;
	char *title, *author, *subject, *keywords;
	int64_t created;
	const sh_pdf_signer *signer; /* borrowed */
	char *sig_name, *sig_reason;
	const char *tsa_url;         /* borrowed; NULL: no time-stamp */
};

#ifdef __cplusplus
}
#endif
#endif
