/*
 * sh_store.h — the storage engine of the warehouse: one LMDB environment
 * holding every table of the schema (docs/ARCHITECTURE.md), the stored
 * records of dossiers and papers (docs/FORMATS.md), page images and hOCR
 * as blobs content-addressed by SHA-256, the search and owner indexes, and
 * the growth of the memory map. The signed log lives in ledger/
 * (sh_ledger.h), the domain (dossiers in, owners, validity, reuse, roles)
 * in warehouse/ (sh_wh.h); both are built on this handle.
 *
 * Conventions: int return, SH_OK or a negative sh_error code with a message
 * (sh_error_message()); *out pointers are owned by the caller and released
 * with the _free named beside them.
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

#define SH_STORE_SCHEMA 2       /* schema version written by this build (2: paper ids) */
#define SH_STORE_CODE_MAX 96    /* longest code (dossier, paper) incl. NUL */

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

/* Agency ids change when provinces and districts merge (1 July 2025).
 * successor = 1: id becomes this warehouse's agency id for new codes, the
 * old one is kept as its predecessor; successor = 0: id is an alias of the
 * current one. Codes already issued stay valid, and a code is found under
 * any known id of the office (lookups try each spelling). */
int sh_store_agency_add(sh_store *store, const char *id, int successor);
/* Every known id with its role ("current", "predecessor", "alias"). Both
 * arrays and their strings: caller sh_free. */
int sh_store_agency_ids(sh_store *store, char ***ids, char ***roles, size_t *n);
const char *sh_store_dir(const sh_store *store);
/* ---- reading ----------------------------------------------------------- */

typedef struct sh_store_page_rec {
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
	/* The bytes as received, kept beside a page whose image is not them
	 * (a phone photo rectified): a second blob, signed with the page.
	 * has_original = 0 for every other page and in records written
	 * before it existed. */
	int has_original;
	uint8_t original_sha[SH_SHA256_LEN];
	char *original_mime;   /* NULL when !has_original */
	size_t original_len;
} sh_store_page_rec;

typedef struct sh_store_paper_rec {
	char *code;
	char *dossier;         /* dossier it was received in */
	char *owner;
	char *file;
	char *kind;
	char *facts;           /* JSON object text, or NULL */
	unsigned flags;
	int64_t created;
	uint32_t id;           /* paper id: its number in the search index (0: none) */
	size_t npages;
	sh_store_page_rec *pages;
} sh_store_paper_rec;

typedef struct sh_store_dossier_rec {
	char *code;
	char *agency;
	char *owner;
	char *procedure;
	char *operator_id;     /* may be NULL */
	int64_t received;
	size_t npapers;
	char **papers;         /* component codes, in order */
	size_t nresults;
	char **results;        /* result codes <dossier>-KQ<n>, in order */
} sh_store_dossier_rec;

/* Look up by code. *out: free with the matching _free. SH_ENOTFOUND. */
int sh_store_dossier_get(sh_store *store, const char *code, sh_store_dossier_rec **out);
int sh_store_paper_get(sh_store *store, const char *code, sh_store_paper_rec **out);
void sh_store_dossier_rec_free(sh_store_dossier_rec **rec);
void sh_store_paper_rec_free(sh_store_paper_rec **rec);

/* A stored blob (page image, hOCR) by its SHA-256. *out: caller sh_free. */
int sh_store_blob_get(sh_store *store, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
		      size_t *out_len);
/* Make the map as large as its limit now, so it never has to grow while
 * threads of this process hold transactions (a multi-threaded server).
 * Address space only: the file grows with the data. Call right after
 * sh_store_open, before any other thread uses the store. */
int sh_store_map_reserve(sh_store *store);
/* Fault injection for tests: the next n write transactions of this process
 * fail as if the map had filled at their last write (the engine grows the
 * map and runs each again). 0 turns it off. Not thread-safe. */
void sh_store_fault_mapfull(long n);

#ifdef __cplusplus
}
#endif
#endif
