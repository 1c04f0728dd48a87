/* Private to ocr/: the worker context shared by pool.c and clean.c. */
#ifndef SH_OCR_INT_H
#define SH_OCR_INT_H

#include <tesseract/capi.h>

#include "sh_ocr.h"

typedef struct sh_ocr_worker {
	TessBaseAPI *api;    /* recognition engine (lang), created once */
	TessBaseAPI *osd;    /* orientation engine ("osd"), or NULL if unavailable */
	const sh_ocr_options *opts;
	sh_ocr_digits *digits; /* second readings (opts->digit_boxes), made when first needed */
	int digits_failed;     /* 1: no "eng" data: no second readings */
} sh_ocr_worker;

/* Clean pixs for recognition (orientation, deskew, background, borders,
 * seals, resolution). *out: a new PIX, caller destroys. rep filled.
 * Implemented in clean.c. */
int sh_ocr_clean(sh_ocr_worker *w, PIX *pixs, PIX **out, sh_clean_report *rep);

/* As sh_ocr_clean; when rectified is not NULL and pixs is a photo of a
 * page (SH_PAGE_PHOTO), *rectified receives the page cut out of it, colour
 * kept, upright (caller destroys); else *rectified = NULL. */
int sh_ocr_clean_ex(sh_ocr_worker *w, PIX *pixs, PIX **out, PIX **rectified,
		    sh_clean_report *rep);

/* Photo of a page: finds the page's four corners (TL, TR, BR, BL as x,y in
 * pixs) and cuts it out as a flat rectangle. *found = 0 when pixs does not
 * look like a page on a desk (then *out stays NULL). *true_dpi: the page's
 * resolution from its size when it is an A4 page or an ID card, else 0. */
int sh_ocr_photo_rectify(PIX *pixs, PIX **out, float corners[8], int *true_dpi, int *found);

/* The page's true resolution (photo.c): the tag when it agrees with the
 * page's size, else from the size, else a usual resolution. */
int sh_ocr_page_dpi(PIX *pixs);

/* The resolution at which the text of pixg (8 bpp) would be body text at
 * 300 dpi, from the median height of its letters (photo.c); 0 when fewer
 * than 40 letters are found. *letters (may be NULL): how many were. */
int sh_ocr_text_dpi(PIX *pixg, int *letters);

/* The resolution to read pixs at (photo.c): size_dpi (the page's size,
 * from sh_ocr_photo_rectify, or 0) or sh_ocr_page_dpi; unless a scanner's
 * tag agrees with the page (*trusted = 1), the text's own scale
 * (*text_dpi, 0 when unknown) wins when the two differ by more than 1.5x,
 * and always for a photo whose size is unknown (cut by the frame). */
int sh_ocr_scale_dpi(PIX *pixs, int size_dpi, int photo, int *text_dpi, int *trusted);

/* Step 1 of the clean-up (ink.c): an 8-bit grey page, paper colour made
 * white, stamps of any colour dropped and printed text of any colour kept;
 * *out owned by the caller. dpi: the page's true
 * resolution. Sets SH_PAGE_BILEVEL / SH_PAGE_SEAL in rep->flags. */
int sh_ocr_make_grey(PIX *pixs, unsigned steps, int dpi, PIX **out, sh_clean_report *rep);

#endif
