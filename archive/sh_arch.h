/*
 * sh_arch.h — digitising the backlog by the box: separator sheets (printed
 * QR codes) that split an archive box's scans into papers.
 *
 * A separator sheet carries a QR code whose payload is
 *
 *     SOHOA-SEP:1[;owner=<id>][;book=<text>][;n=<number>]
 *
 * (docs/ARCHIVE.md "Separator payload"): the magic and version, then
 * optional fields in any order, each at most once. owner is an owner id as
 * sh_id_owner_check accepts it (stored in canonical form), book a registry
 * book or box label (UTF-8, 1-64 bytes, no control bytes, no ';' '=' '%'),
 * n the sheet's sequence number in the print run (1-999999). Unknown keys
 * of the form [a-z]{1,16}=... are skipped (a newer printer's sheets still
 * split the box); anything else is not our payload.
 *
 * Conventions: int return, SH_OK or an sh_error code with sh_error_message()
 * set; the module never prints. No global state: every call may run on any
 * thread. Expected errors: SH_EINVAL (not our payload, bad owner/book,
 * unreadable image), SH_ENOTFOUND (file), SH_EIO (write), SH_ENOMEM,
 * SH_ELIMIT (payload or count beyond the stated limits).
 */
#ifndef SH_ARCH_H
#define SH_ARCH_H

#include <stddef.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_ARCH_MAGIC "SOHOA-SEP:1"
enum {
	SH_ARCH_PAYLOAD_MAX = 256, /* bytes of a payload, with its NUL */
	SH_ARCH_BOOK_MAX = 64,     /* bytes of book, without its NUL */
	SH_ARCH_COUNT_MAX = 1000   /* sheets per sh_arch_separators_write */
};

/* What a separator sheet says. Empty strings and n 0: not stated. */
typedef struct sh_arch_sep {
	char owner[16];                    /* canonical owner id, or "" */
	char book[SH_ARCH_BOOK_MAX + 1];   /* registry book / box, or "" */
	unsigned n;                        /* sequence number, or 0 */
} sh_arch_sep;

/* ---- receipt QR codes (qr.c) ---- */

enum { SH_ARCH_QR_TEXT_MAX = 256 }; /* bytes of text in a receipt's QR code */

/* A QR code (error correction M, 8-bit mode, 4-module quiet zone) of text
 * as a standalone SVG document: a white square and one path of dark
 * modules, one unit per module. The text is not written into the SVG (only
 * numbers and fixed markup), so it is safe to serve or inline as is.
 * *out: NUL-terminated, caller sh_free; *out_len (may be NULL) its length.
 * SH_EINVAL (empty), SH_ELIMIT (over SH_ARCH_QR_TEXT_MAX), SH_ENOMEM. */
int sh_arch_qr_svg(char **out, size_t *out_len, const char *text);

/* Write sep's payload into out (cap bytes, SH_ARCH_PAYLOAD_MAX is enough).
 * SH_EINVAL on a bad owner or book, SH_ELIMIT when cap is too small. */
int sh_arch_payload_format(char *out, size_t cap, const sh_arch_sep *sep);

/* Parse len bytes (not NUL-terminated) of a decoded QR symbol. SH_OK and
 * *out filled when it is our payload; SH_EINVAL (with the reason) when not:
 * another QR code on a paper (a land certificate's own QR) is not a
 * separator. *out is zeroed on every return. */
int sh_arch_payload_parse(sh_arch_sep *out, const char *data, size_t len);

/* Write count separator sheets (A4, a QR code 80 mm wide carrying sep's
 * payload with n = first_n + i, and "TỜ PHÂN CÁCH — SOHOA" with the owner
 * and book in large letters). A path ending in ".pdf" (any case) gets one
 * PDF of count pages (vector QR); any other path a PNG at dpi (100-600):
 * with count 1 the path itself, else <path without .png>-NNN.png, NNN from
 * 001. first_n 0: no sequence number on the sheets. Whole or nothing: a
 * failed run removes what it wrote. */
int sh_arch_separators_write(const char *path, const sh_arch_sep *sep, unsigned first_n,
			     unsigned count, int dpi);

/* Look for a separator's QR code in an 8-bit grey image (w x h pixels,
 * stride bytes a row; borrowed for the call). Any rotation and a moderate
 * skew are found (ZBar finds QR codes in any orientation). *found: 1 and
 * *out filled when one of the image's QR codes is our payload, else 0 (a
 * page with other QR codes or none). SH_EINVAL on a bad size, SH_ENOMEM. */
int sh_arch_detect_gray(int *found, sh_arch_sep *out, const unsigned char *gray, int w, int h,
			size_t stride);

/* The same for page `page` (0-based) of an image file any format Leptonica
 * reads (multi-page TIFF: each page). SH_ENOTFOUND, SH_EINVAL (not an
 * image, no such page). */
int sh_arch_detect_file(int *found, sh_arch_sep *out, const char *path, int page);

/* How many pages an image file holds (a TIFF: its directories; any other
 * image Leptonica reads: 1). SH_ENOTFOUND, SH_EINVAL (not an image). */
int sh_arch_file_pages(int *out, const char *path);

/* ---- splitting a box into papers -------------------------------------- */

/* How a page of a box was classified (the caller decides: a separator from
 * sh_arch_detect_*, a blank page from the OCR's SH_PAGE_BLANK). */
enum sh_arch_page_kind {
	SH_ARCH_PAGE_CONTENT = 0,
	SH_ARCH_PAGE_SEPARATOR = 1,
	SH_ARCH_PAGE_BLANK = 2
};

/* Flags of a part (a paper found in the box). */
enum {
	SH_ARCH_PART_BLANK_SPLIT = 1u << 0, /* began at a blank page, not at a
					     * separator: a separator may be
					     * missing; review */
	SH_ARCH_PART_NO_SEPARATOR = 1u << 1,/* no separator before it (the box's
					     * first pages): review */
	SH_ARCH_PART_REVIEW = 1u << 2       /* any reason to review (set with
					     * every other flag) */
};

typedef struct sh_arch_part {
	size_t first, npages;   /* content pages [first, first + npages) of the box;
				 * pages skipped (blank, separators) lie between */
	size_t sep_page;        /* the separator page that opened it, or (size_t)-1 */
	unsigned flags;         /* SH_ARCH_PART_* */
} sh_arch_part;

/* 1 when an 8-bit grey page is blank: under SH_ARCH_BLANK_INK dark pixels
 * (< 128) per 10000 in the page without its margins (8 % left and right,
 * 6 % top and bottom: scanner edges, punch holes). A page with one short
 * line of text or a signature is not blank. */
enum { SH_ARCH_BLANK_INK = 5 };
int sh_arch_blank_gray(const unsigned char *gray, int w, int h, size_t stride);

/* Page `page` of an image file: *kind a separator (and *out filled), blank
 * or content (enum sh_arch_page_kind). Errors as sh_arch_detect_file. */
int sh_arch_classify_file(int *kind, sh_arch_sep *out, const char *path, int page);
/* The same for a decoded page (Leptonica's PIX, borrowed). */
struct Pix;
int sh_arch_classify_pix(int *kind, sh_arch_sep *out, struct Pix *pix);

/* Split a box of npages pages (kinds[i]: enum sh_arch_page_kind) into parts:
 * a separator opens a new paper and is not part of any; two separators in a
 * row (a double-fed or reprinted sheet) open one. When blank_split is 1 a
 * blank page between content pages also opens a new paper, flagged
 * BLANK_SPLIT (the fallback for a missing separator). A part begins and
 * ends with a content page; blank pages inside its range (the backs of
 * duplex pages when blank_split is 0) are the caller's to drop. A part is
 * never empty. *out: caller sh_free; *nout parts. */
int sh_arch_split(sh_arch_part **out, size_t *nout, const int *kinds, size_t npages,
		  int blank_split);

/* ---- ingesting a box (receive/) --------------------------------------- */

typedef struct sh_recv_result sh_recv_result;
typedef struct sh_store sh_store;
typedef struct sh_sign_key sh_sign_key;

typedef struct sh_arch_ingest_options {
	const char *box;         /* box or registry book label (1-64 bytes), recorded
				  * in each paper's stored name; NULL: "box" */
	const char *owner;       /* owner of parts whose separator names none, or NULL:
				  * such parts are not stored (listed, flagged) */
	const char *procedure;   /* reserved procedure code of archive dossiers;
				  * NULL: SH_ARCH_PROCEDURE */
	const char *operator_id; /* who digitised, or NULL */
	const sh_sign_key *key;  /* signs every paper (borrowed), or NULL */
	int workers;             /* OCR threads; 0: one per core */
	const char *level;       /* the digitising office's level ("province",
				  * "district", "commune", sh_wh_level_parse), signed as
				  * each paper's archive_level fact; NULL: not stated */
	int blank_split;         /* 1: a blank page between content pages also
				  * splits (a missing separator's fallback, flagged
				  * review; the paper goes under the owner it names,
				  * else the run it follows) */
	/* progress (may be NULL): stage "detect" once per page read, "store"
	 * once per paper stored; done of total */
	void (*progress)(void *arg, const char *stage, size_t done, size_t total);
	void *progress_arg;
} sh_arch_ingest_options;

#define SH_ARCH_PROCEDURE "LT.SOHOA" /* docs/ARCHIVE.md "Codes" */

/* One paper found in the box. Strings owned by the result. */
typedef struct sh_arch_paper {
	size_t first, npages;    /* box pages (0-based, over all files in order) */
	unsigned flags;          /* SH_ARCH_PART_* */
	char owner[16];          /* owner it is filed under, "" when not stored */
	char book[SH_ARCH_BOOK_MAX + 1]; /* registry book its separator names, or "" */
	int stored;              /* 1: stored (code set) */
	int existing;            /* 1: stored by an earlier run of the same box
				  * (idempotency key archive:<hash>): nothing new */
	const char *code;        /* paper code, or NULL */
	const char *dossier;     /* its archive dossier's code, or NULL */
	const char *kind;        /* kind code (recognised, or the reviewed batch's), or
				  * NULL; points into kind_buf */
	char kind_buf[16];
	const char *facts_json;  /* facts as a JSON object, or NULL */
} sh_arch_paper;

typedef struct sh_arch_box {
	size_t npages, nseparators;
	size_t npapers;
	sh_arch_paper *papers;
	/* the receive/ results, one per archive dossier stored */
	size_t nresults;
	sh_recv_result **results;
} sh_arch_box;

void sh_arch_box_free(sh_arch_box **b);

/* Read the box's files (each page of each file, in order), split them at
 * separator sheets (separator and blank pages are never stored), and store
 * the papers through receive/ (the one page pipeline: OCR, kind, facts,
 * signing, the log): the papers following each other under one owner and
 * book go into one archive record of that owner (sh_wh.h "the backlog":
 * coded <agency>-LT<YY>-NNNNNN, procedure opts->procedure), each paper
 * signed with its provenance facts archive_box, archive_book (when the
 * separator names one), archive_digitised (YYYY-MM-DD), archive_by (the
 * operator, when known) and archive_level (when given). Each
 * dossier is whole or not at all; a failure after some dossiers were
 * stored returns the error with *out listing what was stored; running the
 * same box again stores nothing twice (each dossier's idempotency key is
 * "archive:" and the SHA-256 of its papers' TIFF hashes, the box label and
 * its first page's place in the box). *out: free with
 * sh_arch_box_free. */
int sh_arch_ingest(sh_arch_box **out, sh_store *s, const char *const *files, size_t nfiles,
		   const sh_arch_ingest_options *opts);

/* ---- the review step: a box staged as a batch --------------------------- */

typedef struct sh_scan_batch sh_scan_batch;

/* Stage a box's files as one batch in the warehouse's batches folder
 * (sh_recv_batch_new: owner opts->owner, else the first separator's; its
 * procedure opts->procedure or SH_ARCH_PROCEDURE), every page in order,
 * separator sheets too, its components split where the papers begin (at
 * their separator sheets), for review with the batch verbs (delete,
 * rotate, move, split, kind) before sh_arch_commit. Nothing is stored in
 * the warehouse. *batch_id: the batch's name, caller sh_free. SH_EINVAL (no
 * owner anywhere), the errors of sh_arch_ingest and sh_scan_batch_*. */
int sh_arch_stage(char **batch_id, const char *store_dir, const char *const *files, size_t nfiles,
		  const sh_arch_ingest_options *opts);

/* Store a staged batch as a box (sh_arch_ingest over its pages in their
 * reviewed order, turned as reviewed): separators are found again; a paper
 * also ends where the operator split a component; a component's kind code
 * (batch kind) is the kind of its paper. The box label defaults to the
 * batch's name. When every paper was stored the batch is marked committed
 * (its first archive record's code); a second commit is SH_EEXISTS, an
 * interrupted commit is run again and stores nothing twice. The batch must
 * be COMPLETE (a scan after a jam: resume or finish it first). */
int sh_arch_commit(sh_arch_box **out, sh_store *s, sh_scan_batch *batch,
		   const sh_arch_ingest_options *opts);

#ifdef __cplusplus
}
#endif
#endif
