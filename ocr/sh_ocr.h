/*
 * sh_ocr.h — page images to text: clean-up (Leptonica) and recognition
 * (Tesseract C API, `vie`) on every core.
 *
 * A pool holds one worker thread per core; each worker owns one Tesseract
 * recognition engine and one orientation (osd) engine, created once when the
 * pool is made and reused for every page. Tesseract's own OpenMP threading is
 * limited to one thread so workers do not fight (sh_ocr_pool_new sets
 * OMP_THREAD_LIMIT=1 unless the caller has set it).
 *
 * Thread safety: a pool may be used by one thread at a time.
 */
#ifndef SH_OCR_H
#define SH_OCR_H

#include <stddef.h>
#include <leptonica/allheaders.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Page flags: set by clean-up and recognition, stored with the page. */
enum sh_page_flag {
	SH_PAGE_BLANK = 1u << 0,     /* no text found: kept, marked for review */
	SH_PAGE_RESCAN = 1u << 1,    /* recognition confidence poor: rescan suggested */
	SH_PAGE_ROTATED = 1u << 2,   /* orientation corrected (90/180/270) */
	SH_PAGE_DESKEWED = 1u << 3,  /* skew corrected */
	SH_PAGE_SEAL = 1u << 4,      /* red seal / coloured stamp dropped out */
	SH_PAGE_LOWRES = 1u << 5,    /* scanned below 200 dpi */
	SH_PAGE_BORDER = 1u << 6,    /* dark scanner border / binding shadow removed */
	SH_PAGE_BILEVEL = 1u << 7,   /* source was 1 bit per pixel */
	SH_PAGE_PHOTO = 1u << 8,     /* a photo: page found, perspective rectified, desk cropped
				      * (a page on a dark surround whose real tag, 100 dpi or
				      * more, agrees with its size is a scan: left as scanned) */
	SH_PAGE_ORIENT_READ = 1u << 9, /* orientation evidence weak: decided by reading both ways */
	SH_PAGE_SPLIT = 1u << 12     /* one of two pages cut from one scan (sh_ocr_split_find;
				      * set by receive/): the scan as received is its original */
};

/* Clean-up steps (all on by default). */
enum sh_clean_step {
	SH_CLEAN_ORIENT = 1u << 0,
	SH_CLEAN_DESKEW = 1u << 1,
	SH_CLEAN_BACKGROUND = 1u << 2,
	SH_CLEAN_BORDER = 1u << 3,
	SH_CLEAN_SEAL = 1u << 4,
	SH_CLEAN_UPSCALE = 1u << 5,
	SH_CLEAN_PHOTO = 1u << 6,    /* find the page in a photo and rectify it */
	SH_CLEAN_READ_ORIENT = 1u << 7, /* weak orientation evidence: read both ways */
	SH_CLEAN_ALL = 0xffffu
};

typedef struct sh_clean_report {
	int rotation;      /* degrees clockwise applied to the page: 0, 90, 180, 270 */
	float skew;        /* degrees of skew corrected */
	int dpi;           /* resolution the page was recognised at */
	unsigned flags;    /* SH_PAGE_* set by clean-up */
	int tag_dpi;       /* resolution written in the file (0: none) */
	int true_dpi;      /* resolution of the page as received, measured from the page
			    * (its size when it is an A4 page or an ID card) when the tag
			    * is missing or disagrees; else the tag. For a photo: the
			    * rectified page's resolution before any upscaling. */
	float corners[8];  /* SH_PAGE_PHOTO: the page's corners in the received image
			    * (pixels, sub-pixel, the image's top-left corner at 0,0),
			    * x,y of top-left, top-right,
			    * bottom-right, bottom-left as the page lies in the photo
			    * (before any quarter turn); zeros otherwise */
} sh_clean_report;

#define SH_OCR_DIGIT_PASSES 4 /* readings per box: scales and binarisations */
#define SH_OCR_DIGITS_MAX 32  /* bytes per reading, NUL included */
#define SH_OCR_DIGIT_BOXES 18 /* boxes read again per page, at most */
#define SH_OCR_LINE_PASSES 2  /* readings per line box: 2x and 3x */
#define SH_OCR_LINE_WORDS 12  /* words kept per reading of a line */
#define SH_OCR_WORD_MAX 48    /* bytes per word, NUL included */

/* A box of the page OCR read (pixels, x0,y0 top-left, x1,y1 bottom-right,
 * as in the page's hOCR) to read again with digits only, and what each
 * pass of sh_ocr_digits_read read there; or, text set, to read again as
 * one line of words in the page's language (a name: issue 18), upscaled
 * 2x and 3x (smooth, linear interpolation), with the page's engine. */
typedef struct sh_ocr_digit_read {
	int x0, y0, x1, y1;
	int text; /* set by the caller: a line of words, not digits */
	size_t n; /* passes made */
	char read[SH_OCR_DIGIT_PASSES][SH_OCR_DIGITS_MAX];
	/* text boxes: pass i's words (NFC, as read) and their confidences */
	size_t nw[SH_OCR_LINE_PASSES];
	char word[SH_OCR_LINE_PASSES][SH_OCR_LINE_WORDS][SH_OCR_WORD_MAX];
	int conf[SH_OCR_LINE_PASSES][SH_OCR_LINE_WORDS];
} sh_ocr_digit_read;

/* Called on a worker thread with a page's hOCR right after recognition:
 * fill *out (sh_malloc'ed array the pool frees; x0..y1 and text set) with
 * the boxes to read again, digits only or (text) as a line of words, on
 * the image OCR read (gone afterwards).
 * Must be thread-safe. Returns SH_OK or an error (the page then has no
 * second readings; not an error of the page). */
/* A digit of the page as its reading had it (issue 18): its box (as in
 * the hOCR), the word it is in (counted over the page), the digit and its
 * confidence (0..100), and, for a digit read unsurely in a word of 9 or
 * more digits, how far its image is from the page's digits read surely
 * (near[k]: the least distance, 0..1000, to a digit k of the same height
 * read at SH_OCR_GLYPH_SURE or more; -1: no such digit on the page), and
 * how far that nearest digit k is from its own nearest other sure k of
 * the height (spread[k]; -1: none): how alike the page prints a k. */
#define SH_OCR_GLYPHS_MAX 256 /* digits kept per page, at most */
#define SH_OCR_GLYPH_SURE 99
typedef struct sh_ocr_glyph {
	int x0, y0, x1, y1;
	int word;
	char digit;
	int conf;
	int long_word; /* in a word of 9 or more digits */
	int near[10], spread[10];
} sh_ocr_glyph;

typedef int (*sh_ocr_digit_boxes_fn)(void *arg, const char *hocr, sh_ocr_digit_read **out,
				     size_t *n);

typedef struct sh_ocr_options {
	int workers;          /* 0: one per online CPU */
	const char *datapath; /* tessdata directory; NULL: Tesseract's default */
	const char *lang;     /* NULL: "vie" */
	unsigned clean;       /* SH_CLEAN_* steps; 0 means SH_CLEAN_ALL */
	int no_clean;         /* 1: recognise the page as given (benchmarks) */
	int want_hocr;        /* 1: also produce hOCR with word boxes */
	int keep_images;      /* 1: keep the received image and the rectified page in
			       * each sh_ocr_page (original, rectified) for storage */
	int keep_rectified;   /* 1: keep only the rectified page of a photo (rectified;
			       * original stays NULL): what a store needs, since it
			       * has the received bytes already */
	/* with want_hocr: the boxes of each page to read again, digits only
	 * (ids: issue 18), on the image OCR read; the readings go to
	 * sh_ocr_page.digits. NULL: none. Needs Tesseract's "eng" data; without
	 * it pages simply have no second readings. */
	sh_ocr_digit_boxes_fn digit_boxes;
	void *digit_boxes_arg;
	int nice;             /* 1..19: each worker thread runs this much below
			       * the caller's priority (Linux per-thread nice), so
			       * that a server's requests are not queued behind
			       * OCR; 0: same priority. Best effort: a refusal is
			       * ignored (the OCR still runs). */
} sh_ocr_options;

/* The result of one page. Strings and images owned by the struct; release
 * with sh_ocr_page_clear (which destroys original and rectified: a caller
 * that keeps one takes it with pixClone, or sets the field to NULL after
 * taking it over). */
typedef struct sh_ocr_page {
	int status;         /* SH_OK, or the error that stopped this page */
	char *text;         /* recognised text, UTF-8 NFC; never NULL when status == SH_OK */
	char *hocr;         /* hOCR page fragment, or NULL */
	float confidence;   /* mean word confidence, 0..100 (0 when no words) */
	int words;          /* number of words recognised */
	int weak_words;     /* words with confidence below 60 */
	int width, height;  /* source image size in pixels */
	unsigned flags;     /* SH_PAGE_* */
	sh_clean_report clean;
	char reason[160];   /* why the page is flagged, for people ("" if not) */
	/* opts.keep_images only, else NULL. original: the image as decoded
	 * (the evidence, store it as received). rectified: SH_PAGE_PHOTO pages
	 * only: the page cut out of the photo and flattened to a rectangle, in
	 * colour, upright, at true_dpi (its resolution is set): the page to
	 * show and to store beside the photo. */
	PIX *original;
	PIX *rectified;
	/* opts.digit_boxes only: the boxes it asked for, read again */
	sh_ocr_digit_read *digits;
	size_t ndigits;
	/* opts.digit_boxes only: the digits of long numbers as the page's
	 * reading had them, with the model's choices (sh_ocr_glyph) */
	sh_ocr_glyph *glyphs;
	size_t nglyphs;
} sh_ocr_page;

typedef struct sh_ocr_pool sh_ocr_pool;

/* Create a pool and its engines. *out: destroy with sh_ocr_pool_free.
 * Errors: SH_ENOTFOUND (language data missing), SH_ENOMEM, SH_ERROR. */
int sh_ocr_pool_new(sh_ocr_pool **out, const sh_ocr_options *opts);
void sh_ocr_pool_free(sh_ocr_pool **pool);
int sh_ocr_pool_workers(const sh_ocr_pool *pool);

/* Loads page i for the pool. Called on worker threads, concurrently with
 * other indices, so it must be thread-safe. *out: a new PIX the pool
 * destroys. Returns SH_OK or an error (message set on that thread). */
typedef int (*sh_ocr_load_fn)(void *arg, size_t i, PIX **out);

/* Recognise pages 0..n-1: decoding (load), clean-up and recognition of
 * different pages overlap across workers. out[0..n-1] are filled (each
 * has its own status). Returns SH_OK when every page succeeded, else the
 * first failing page's error (message copied to the calling thread). */
int sh_ocr_pool_run(sh_ocr_pool *pool, size_t n, sh_ocr_load_fn load, void *arg,
		    sh_ocr_page *out);

/* Release a page result's strings and images; the struct may be reused. */
void sh_ocr_page_clear(sh_ocr_page *page);

/* ---- a second reading of digits (issue 18) ------------------------------
 * An engine of its own, reading one line of digits only (Tesseract PSM 7,
 * whitelist 0-9) in a box of a page image: for an id OCR read unsurely
 * (sh_paper_id_unsure, sh_paper_hocr_digits_box). One thread at a time per
 * object. */
typedef struct sh_ocr_digits sh_ocr_digits;
/* *out: free with sh_ocr_digits_free. lang NULL: "eng" (its model reads
 * digits far better than vie's: on the faces whose zero has a dot or a
 * slash, vie read 0 as 6, 8 or 9 where eng read every digit; tune2 split,
 * docs/PAPERS.md); datapath NULL:
 * Tesseract's default. Errors: SH_ENOTFOUND (language data), SH_ENOMEM. */
int sh_ocr_digits_new(sh_ocr_digits **out, const char *datapath, const char *lang);
void sh_ocr_digits_free(sh_ocr_digits **d);
/* Read the box x0,y0 (top-left) to x1,y1 (bottom-right, pixels) of page
 * (borrowed; any depth) SH_OCR_DIGIT_PASSES ways: cut with a margin,
 * as cut and upscaled 2-3x, binarised by Tesseract, Otsu and Sauvola.
 * out[i] gets the digits of pass i
 * (what else was read is dropped; "" when nothing), *n the number of
 * passes made (a pass whose image could not be made is left out).
 * Errors: SH_EINVAL (no engine or page, an empty box or one outside the
 * page). */
int sh_ocr_digits_read(sh_ocr_digits *d, PIX *page, int x0, int y0, int x1, int y1,
		       char out[][SH_OCR_DIGITS_MAX], size_t *n);

/* ---- two pages on one scan (issue 18, ocr/split.c) ----------------------
 * A scanned sheet that carries two pages: an ID card's front and back
 * photocopied on one A4 sheet, two A5 pages scanned side by side (or one
 * above the other), two small papers on the scanner's glass. Only a whole
 * scanned page (A4 or letter proportions, its tag agreeing with its size)
 * is looked at; a photo, a one-column page, a two-column header or a table
 * is never split. Under any doubt: n = 0. Thread-safe (no shared state). */
enum sh_ocr_split_kind {
	SH_SPLIT_NONE = 0,
	SH_SPLIT_CARD = 1,  /* the two sides of one ID card: one paper */
	SH_SPLIT_PAGES = 2  /* two pages (one paper or two: the reader decides) */
};
#define SH_OCR_SPLIT_MAX 2
typedef struct sh_ocr_split {
	int kind;  /* enum sh_ocr_split_kind */
	int n;     /* pieces, 0 (not split) or SH_OCR_SPLIT_MAX */
	int box[SH_OCR_SPLIT_MAX][4]; /* x, y, w, h in the image, in reading order
				       * (top to bottom, left to right) */
} sh_ocr_split;
/* Look for the pieces of pixs (borrowed, any depth). *out filled (n = 0
 * when the image is one page). Errors: SH_EINVAL (NULL), SH_ENOMEM. */
int sh_ocr_split_find(PIX *pixs, sh_ocr_split *out);
/* Piece i (0 <= i < s->n) of pixs, cut out with pixs's depth, colours and
 * resolution. *out: a new PIX, the caller destroys it. Errors: SH_EINVAL,
 * SH_ENOMEM. */
int sh_ocr_split_piece(PIX **out, PIX *pixs, const sh_ocr_split *s, int i);

/* Human description of page flags, e.g. "blank, rotated". Static buffer
 * per thread; borrowed until the next call on this thread. */
const char *sh_ocr_flags_str(unsigned flags);

#ifdef __cplusplus
}
#endif
#endif
