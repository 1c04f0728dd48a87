/* Private to ocr/: the worker context shared by pool.c and clean.c. */
#ifndef SH_OCR_INT_H
#define SH_OCR_INT_H

#include <tesseract/capi.h>

#include "sh_ocr.h"

typedef struct sh_ocr_worker {
	TessBaseAPI *api;    /* recognition engine (lang), created once */
	TessBaseAPI *osd;    /* orientation engine ("osd"), or NULL if unavailable */
	const sh_ocr_options *opts;
} sh_ocr_worker;

/* Clean pixs for recognition (orientation, deskew, background, borders,
 * seals, resolution). *out: a new PIX, caller destroys. rep filled.
 * Implemented in clean.c. */
int sh_ocr_clean(sh_ocr_worker *w, PIX *pixs, PIX **out, sh_clean_report *rep);

#endif
