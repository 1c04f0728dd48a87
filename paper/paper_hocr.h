/* Internal to paper/: the words of Tesseract's hOCR with their boxes, one
 * walk shared by the second readings of dates (paper_dates.c) and names
 * (paper_lines.c). Not installed. */
#ifndef PAPER_HOCR_H
#define PAPER_HOCR_H

#include "paper_int.h"

/* one OCR word: its box (page set), line, confidence, and where it lies in
 * the text */
typedef struct paper_hword {
	sh_paper_box b;
	const char *line; /* its line's opening in the hOCR (same line, same pointer) */
	int conf;         /* x_wconf, -1 when not given */
	size_t off, len;  /* in text; len 0: not found there (text NULL: len set, off 0) */
	char t[64];       /* the word, entities decoded */
} paper_hword;

/* Every ocrx_word of hocr with a box, in reading order: a word longer than
 * cap - 1 bytes (cap at most 64) is passed over; trim cuts ".,;:" at its
 * end (a word left empty is passed over). With text, each word is looked
 * for in text after the previous one found (off, len). *out: caller
 * sh_free; SH_ENOMEM (no message) or SH_OK. */
int paper_hocr_words(paper_hword **out, size_t *n, const char *text, const char *hocr, size_t cap, int trim);

#endif
