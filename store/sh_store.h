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
/* ---- blobs in an object store (docs/OBJSTORE.md) ---------------------------
 * A warehouse keeps its page images and hOCR in LMDB (the default) or, when
 * its meta names one (`sohoa init --blobs s3://BUCKET[/PREFIX]`, `sohoa
 * blobs migrate`), in an S3-compatible object store by SHA-256, with LMDB
 * holding a 9-byte row per blob. Credentials come from the environment
 * (SOHOA_S3_ENDPOINT, SOHOA_S3_REGION, SOHOA_S3_ACCESS_KEY,
 * SOHOA_S3_SECRET_KEY or SOHOA_S3_CREDENTIALS) and are never stored. The
 * write-ahead spool is DIR/blob-spool (SOHOA_BLOB_SPOOL=off: none), the
 * read cache DIR/blob-cache, SOHOA_BLOB_CACHE_MB (default 1024; 0: none).
 * sh_store_blob_get reads either form (the object re-hashed, SH_ECORRUPT
 * on a mismatch; SH_EIO/SH_EPERM when the store cannot be read); it is
 * thread-safe (one object-store handle per thread from a pool). */

/* "s3://BUCKET[/PREFIX]", or NULL when the blobs are in LMDB. Borrowed. */
const char *sh_store_blobs(const sh_store *store);
/* Check url's form, the SOHOA_S3_* environment and the credentials by
 * creating the bucket (or finding it ours), before a warehouse is made in
 * dir. SH_EINVAL, SH_EPERM (refused credentials), SH_EIO. */
int sh_store_blobs_probe(const char *dir, const char *url);
/* Record url as where this warehouse's blobs go (init): only while it has
 * no blob yet (SH_EEXISTS otherwise: use migrate). */
int sh_store_blobs_set(sh_store *store, const char *url);
typedef struct sh_store_blobs_info {
	char where[192];      /* "s3://..." or "lmdb" */
	char migrating[192];  /* a migration under way ("s3://..." or "back"), or "" */
	uint64_t local_count, local_bytes;   /* blobs whose bytes are in LMDB */
	uint64_t remote_count, remote_bytes; /* blobs in the object store */
	uint64_t spool_count, spool_bytes;   /* waiting in the spool */
	uint64_t cache_bytes, cache_limit;
} sh_store_blobs_info;
int sh_store_blobs_status(sh_store *store, sh_store_blobs_info *out);
/* Upload the spool (each object re-hashed; a damaged file set aside and
 * counted in *bad). SH_EIO when the store is still down (the rest stays).
 * Any output may be NULL. Nothing to do for an LMDB warehouse. */
int sh_store_blobs_drain(sh_store *store, size_t *uploaded, size_t *left, size_t *bad);
/* Move the blobs out to url (to != NULL) or back into LMDB (to == NULL),
 * resumable and idempotent: a blob's row changes only once its other copy
 * is durable (uploaded and found by HEAD; fetched and re-hashed), in
 * commits of a few dozen blobs, so a killed migration is finished by
 * running it again. progress(arg, done, total) after each commit (may be
 * NULL). *moved (may be NULL): blobs moved by this call. The objects stay
 * in the bucket after --back (another warehouse may share them). Needs a
 * writable store; permission checks are the caller's (sh_wh_blobs_migrate).
 * SH_EEXISTS for another target than the recorded one; SH_EIO, SH_EPERM,
 * SH_ECORRUPT (an object that fails its hash: named, its row kept). */
int sh_store_blobs_migrate(sh_store *store, const char *to,
			   void (*progress)(void *, uint64_t, uint64_t), void *arg, uint64_t *moved);

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
