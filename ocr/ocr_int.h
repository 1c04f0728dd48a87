/* Private to ocr/: the worker context shared by pool.c and clean.c. */
#ifndef SH_OCR_INT_H
#define SH_OCR_INT_H

#include <tesseract/capi.h>

#include "sh_ocr.h"

typedef struct sh_ocr_worker {
	TessBaseAPI *api;    /* recognition engine (lang), created once */
	TessBaseAPI *osd;    /* orientation engine ("osd"), or NULL if unavailable or
			      * not made yet (osd_lazy): use sh_ocr_worker_osd */
	int osd_lazy;        /* 1: osd made from osd_datapath when first needed */
	const char *osd_datapath; /* borrowed from the pool */
	const sh_ocr_options *opts;
	sh_ocr_digits *digits; /* second readings (opts->digit_boxes), made when first needed */
	int glyphs;            /* 1: the page's digits kept with their choices */
	int digits_failed;     /* 1: no "eng" data: no second readings */
	/* Orientation by the page's own reading (issue 18 speed, docs/OCR.md
	 * session 12). In, set by the caller of sh_ocr_clean_ex: 1 when it
	 * reads the whole page next and checks the reading itself, so weak
	 * up/down evidence on a portrait page is left to that reading. Out,
	 * set by sh_ocr_clean_ex: 1 when it did so; the caller then keeps the
	 * reading when it is good (SH_OCR_PAGE_SURE_*), else reads the page
	 * turned 180 degrees too and keeps the better; when both read under
	 * SH_OCR_PAGE_POOR_CONF it cleans the page again with orient_by_page
	 * = 0 (300 dpi scores, osd, a band read every way). */
	int orient_by_page;
	int orient_unsure;
} sh_ocr_worker;

/* A page reading that settles an unsure orientation: a mean word
 * confidence of at least SH_OCR_PAGE_SURE_CONF over at least
 * SH_OCR_PAGE_SURE_WORDS words. On the 72 tune3 pages upright pages read
 * 89-96, upside down at most 57. */
#define SH_OCR_PAGE_SURE_CONF 80.0f
#define SH_OCR_PAGE_SURE_WORDS 5
#define SH_OCR_PAGE_POOR_CONF 60.0f

/* 1: PNGs written on this thread (Tesseract's word images) are stored
 * uncompressed and unfiltered; 0 (every thread's default): as asked.
 * Implemented in fastpng.c (docs/OCR.md "Session 14: speed"). */
void sh_ocr_png_fast(int on);

/* 1: Tesseract's OpenMP regions (GOMP_parallel, GOMP_parallel_sections)
 * called on this thread run at once on it, a team of one, with no team
 * built; 0 (every thread's default): libgomp's. Implemented in fastomp.c
 * (docs/OCR.md "Session 17: speed on low-resolution scans"). */
void sh_ocr_omp_inline(int on);

/* pixs (8 bpp, no colormap) blurred by pixBlockconv(., 1, 1) passes times
 * (0-2), then scaled by pixScaleGrayLI(., f, f): *out the same bytes,
 * made faster (new PIX, caller destroys). Errors: SH_EINVAL where
 * Leptonica takes another path (a side under 3 px, f < 0.7 or 1, 2, 4:
 * the caller calls Leptonica), SH_ENOMEM. Implemented in upscale.c. */
int sh_ocr_blur_upscale(PIX *pixs, int passes, float f, PIX **out);

/* pixs (8 bpp, no colormap) by pixBackgroundNormSimple then pixGammaTRC(.,
 * 1.0, black_to, paper_to): *out the same bytes in one pass (new PIX,
 * caller destroys). Errors: SH_EINVAL when Leptonica makes no map (its
 * copy of pixs is then the caller's to make) or the arguments are not
 * 0 <= black_to < paper_to <= 255, SH_ENOMEM. Implemented in upscale.c. */
int sh_ocr_background_stretch(PIX *pixs, int black_to, int paper_to, PIX **out);

/* The worker's osd engine: w->osd, made first when w->osd_lazy (most pages
 * never need it: ~0.1 s of CPU per worker saved); NULL when unavailable.
 * Implemented in pool.c. */
TessBaseAPI *sh_ocr_worker_osd(sh_ocr_worker *w);
/* Read box b (b->text) of page again as one line of words with api (the
 * worker's engine, idle: its page segmentation mode is restored), cut
 * with a margin and upscaled 2x and 3x: fills b->n, b->nw, b->word and
 * b->conf. Errors: SH_EINVAL (an empty box or one outside the page),
 * SH_ENOMEM. Implemented in digits.c. */
int sh_ocr_line_read(TessBaseAPI *api, PIX *page, sh_ocr_digit_read *b);

/* Clean pixs for recognition (orientation, deskew, background, borders,
 * seals, resolution). *out: a new PIX, caller destroys. rep filled.
 * Implemented in clean.c. */
int sh_ocr_clean(sh_ocr_worker *w, PIX *pixs, PIX **out, sh_clean_report *rep);

/* As sh_ocr_clean; when rectified is not NULL and pixs is a photo of a
 * page (SH_PAGE_PHOTO), *rectified receives the page cut out of it, colour
 * kept, upright (caller destroys); else *rectified = NULL. */
int sh_ocr_clean_ex(sh_ocr_worker *w, PIX *pixs, PIX **out, PIX **rectified,
		    sh_clean_report *rep);

/* Where a photo's page lies: its corners in the photo (TL, TR, BR, BL) and
 * the rectangle they map to (w x h, cut inset inside each edge), as
 * sh_ocr_photo_rectify found them. */
typedef struct sh_photo_geom {
	float c[8];
	int w, h, inset;
} sh_photo_geom;

/* Photo of a page: finds the page's four corners (TL, TR, BR, BL as x,y in
 * pixs) and cuts it out as a flat rectangle. *found = 0 when pixs does not
 * look like a page on a desk (then *out stays NULL). *true_dpi: the page's
 * resolution from its size when it is an A4 page or an ID card, else 0.
 * geom (may be NULL): where the page lies, for sh_ocr_photo_warp. */
int sh_ocr_photo_rectify(PIX *pixs, PIX **out, float corners[8], int *true_dpi, int *found,
			 sh_photo_geom *geom);

/* The page of photo pixs cut out again as sh_ocr_photo_rectify did (g: its
 * geom), scale times larger, sampled by cubic convolution: sharper than
 * the rectified page scaled up. *out: new PIX, caller destroys. SH_OK,
 * SH_EINVAL (pixs not 8 or 32 bpp, nor colour-mapped) or SH_ENOMEM. */
int sh_ocr_photo_warp(PIX *pixs, const sh_photo_geom *g, float scale, PIX **out);

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

/* What sh_ocr_reread_lines changed: lines read again and kept, and the
 * change in the page's sum of word confidences, words and words under 60. */
typedef struct sh_reread_stats {
	int tried, kept;
	long dsum;
	int dwords, dweak;
} sh_reread_stats;

/* Lines of the page api has just recognised (pix at dpi: the image it
 * read) whose mean word confidence is low, read again one by one, cut out
 * as they are and scaled down (reread.c). *text (and *hocr when hocr and *hocr are not
 * NULL), sh_malloc'ed, are replaced together by new strings where a line
 * read again is more confident; both hold the same words. Leaves api
 * cleared, its page segmentation mode as it was. On an error (SH_ENOMEM)
 * *text and *hocr are left as they were. */
int sh_ocr_reread_lines(TessBaseAPI *api, PIX *pix, int dpi, char **text, char **hocr,
			sh_reread_stats *st);

/* The digits of the page api holds, with their boxes and confidences
 * (glyphs.c). *out: sh_malloc'ed, NULL when none. SH_OK or SH_ENOMEM. */
int sh_ocr_glyphs_capture(TessBaseAPI *api, sh_ocr_glyph **out, size_t *n);
/* near[] of each digit read unsurely in a long word of g, on pix (the
 * image the page's reading was made of). */
void sh_ocr_glyphs_match(PIX *pix, sh_ocr_glyph *g, size_t n);

#endif
