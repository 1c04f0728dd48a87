/*
 * sh_store.h — the LMDB warehouse (Kho quản lý dữ liệu điện tử của tổ chức,
 * cá nhân): dossiers, their component papers, page images (content-addressed
 * by SHA-256), OCR text, and the indexes to find them again.
 *
 * Every write is one LMDB write transaction: a dossier is stored whole or not
 * at all, and codes are allocated inside that same transaction, so two
 * processes writing at once never share a code and an aborted write leaves
 * no gap. Schema: docs/ARCHITECTURE.md; record encoding: docs/FORMATS.md.
 *
 * Thread safety: an sh_store handle may be shared by threads for reads;
 * writes are serialised by LMDB (across processes too).
 */
#ifndef SH_STORE_H
#define SH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_STORE_SCHEMA 1       /* schema version written by this build */
#define SH_CODE_MAX 96          /* longest code incl. NUL */
#define SH_SEQ_MAX 9999         /* dossiers per agency per day (4 digits) */

typedef struct sh_store sh_store;

enum sh_store_flags {
	SH_STORE_RDONLY = 1u << 0
};

/* Create an empty warehouse in dir (created if missing) for the receiving
 * agency. SH_EEXISTS if dir already holds one; SH_EINVAL for a malformed
 * agency id; SH_EIO if dir cannot be written. */
int sh_store_create(const char *dir, const char *agency);

/* Open a warehouse. *out: close with sh_store_close. SH_ENOTFOUND when
 * dir holds none ("run sohoa init"), SH_EVERSION for a newer schema. */
int sh_store_open(sh_store **out, const char *dir, unsigned flags);
void sh_store_close(sh_store **store);

/* Borrowed, valid while the store is open. */
const char *sh_store_agency(const sh_store *store);
const char *sh_store_dir(const sh_store *store);

/* ---- writing a dossier -------------------------------------------------- */

/* One page as it enters the warehouse. All pointers borrowed for the call. */
typedef struct sh_page_in {
	const uint8_t *image;  /* archival bytes (see sh_scan_file_page_bytes) */
	size_t image_len;
	const char *mime;      /* "image/png", "image/jpeg", "image/tiff" */
	const char *text;      /* OCR text, UTF-8 (stored NFC) */
	const char *hocr;      /* hOCR, or NULL */
	int width, height, dpi;
	int rotation;          /* degrees applied by clean-up */
	float confidence;      /* mean word confidence 0..100 */
	unsigned flags;        /* SH_PAGE_* from sh_ocr.h */
	const char *note;      /* why flagged, or NULL */
	const char *make;      /* scanner vendor and model, or NULL */
	const char *model;
} sh_page_in;

/* One component paper. */
typedef struct sh_paper_in {
	const char *file;      /* the name it arrived under (stored as given) */
	const char *kind;      /* kind code, ASCII [A-Z0-9]{1,12} ("GKS"); NULL: "TL" */
	const char *facts;     /* extracted facts as a JSON object, or NULL */
	unsigned flags;        /* SH_PAPER_* */
	size_t npages;
	const sh_page_in *pages;
} sh_paper_in;

enum sh_paper_flag {
	SH_PAPER_OWNER_MISMATCH = 1u << 0, /* names an owner id other than the dossier's */
	SH_PAPER_REVIEW = 1u << 1          /* some page flagged blank / rescan */
};

typedef struct sh_dossier_in {
	const char *owner;      /* checked with sh_id_owner_check */
	const char *procedure;  /* procedure code, e.g. "1.001193" */
	int64_t received;       /* receipt time (unix s); 0: now */
	const char *operator_id;/* who received it, or NULL */
	const char *idem_key;   /* idempotency key (e.g. "batch:<id>", "file:<sha256>"),
				 * or NULL: a put whose key was already stored stores
				 * nothing and returns that dossier's codes */
	size_t npapers;
	const sh_paper_in *papers;
} sh_dossier_in;

/* Codes given to a stored dossier. */
typedef struct sh_dossier_codes {
	char dossier[SH_CODE_MAX];
	size_t npapers;
	char (*papers)[SH_CODE_MAX]; /* npapers entries, same order as the input */
	int existing;                /* 1: idem_key was already stored; nothing new */
} sh_dossier_codes;
void sh_dossier_codes_free(sh_dossier_codes **codes);

/* Store a dossier whole, allocating its code <agency>-YYMMDD-NNNN (receipt
 * date in local time) and one code per paper (docs/ARCHITECTURE.md).
 * *out: free with sh_dossier_codes_free. Errors: SH_EINVAL (bad owner,
 * procedure, kind or UTF-8), SH_EFULL (disk full, or 9999 dossiers that
 * day), SH_EIO. On error nothing of the dossier is stored. */
int sh_store_dossier_put(sh_store *store, const sh_dossier_in *in, sh_dossier_codes **out);

/* ---- reading ----------------------------------------------------------- */

typedef struct sh_page_rec {
	uint8_t image_sha[SH_SHA256_LEN];
	char *mime;
	size_t image_len;
	char *text;            /* never NULL */
	int has_hocr;
	uint8_t hocr_sha[SH_SHA256_LEN];
	int width, height, dpi, rotation;
	float confidence;
	unsigned flags;
	char *note;            /* may be NULL */
	char *make, *model;    /* scanner, may be NULL */
} sh_page_rec;

typedef struct sh_paper_rec {
	char *code;
	char *dossier;         /* dossier it was received in */
	char *owner;
	char *file;
	char *kind;
	char *facts;           /* JSON object text, or NULL */
	unsigned flags;
	int64_t created;
	size_t npages;
	sh_page_rec *pages;
} sh_paper_rec;

typedef struct sh_dossier_rec {
	char *code;
	char *agency;
	char *owner;
	char *procedure;
	char *operator_id;     /* may be NULL */
	int64_t received;
	size_t npapers;
	char **papers;         /* component codes, in order */
} sh_dossier_rec;

/* Look up by code. *out: free with the matching _free. SH_ENOTFOUND. */
int sh_store_dossier_get(sh_store *store, const char *code, sh_dossier_rec **out);
int sh_store_paper_get(sh_store *store, const char *code, sh_paper_rec **out);
void sh_dossier_rec_free(sh_dossier_rec **rec);
void sh_paper_rec_free(sh_paper_rec **rec);

/* A stored blob (page image, hOCR) by its SHA-256. *out: caller sh_free. */
int sh_store_blob_get(sh_store *store, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
		      size_t *out_len);

/* ---- finding ----------------------------------------------------------- */

typedef struct sh_hit {
	char code[SH_CODE_MAX];
	double score;
} sh_hit;

/* Papers whose text contains every word of query (folded: case and
 * diacritics ignored, đ = d), best first; exact (unfolded) matches rank
 * above folded ones. *out: caller sh_free; *n hits (at most limit; 0 = no
 * limit). */
int sh_store_find(sh_store *store, const char *query, size_t limit, sh_hit **out, size_t *n);

/* ---- checking ---------------------------------------------------------- */

/* Verify every record decodes, every index entry points at a record and
 * every record is indexed, every blob matches its hash. report: called
 * once per problem found (may be NULL). Returns SH_OK or SH_ECORRUPT. */
int sh_store_check(sh_store *store, void (*report)(void *arg, const char *problem),
		   void *arg, size_t *out_problems);

#ifdef __cplusplus
}
#endif
#endif
