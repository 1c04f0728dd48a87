/*
 * sh_repl.h — the province's side of replication (docs/REPLICATION.md):
 * pull an office's signed log from its `sohoa serve` (/api/v1/replica/,
 * with a replication token), fetch the page images, and hand each page to
 * the warehouse (sh_wh_replica_apply), which checks it against the office's
 * trusted keys and replays it with its position in one transaction. Built
 * on warehouse/ (sh_wh.h) and libcurl.
 *
 * Conventions as in sh_store.h: int return, SH_OK or an sh_error with a
 * message; the module never prints. A call uses the store handle it is
 * given from one thread. Expected errors: SH_EBADSIG (a fork or a
 * signature that does not verify: stop, nothing more is replayed),
 * SH_EPERM (the office refused the token), SH_EIO (the office did not
 * answer: try again later), SH_EINVAL (the office sent malformed data),
 * SH_ENOTFOUND (the office is not trusted here), SH_ENOMEM.
 */
#ifndef SH_REPL_H
#define SH_REPL_H

#include <stddef.h>
#include <stdint.h>

#include "sh_wh.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_REPL_BODY_MAX ((size_t)512 << 20) /* bytes of one answer */
#define SH_REPL_ENTRIES_MAX 100000           /* entries of one page */

/* One page of the office's log as parsed from /api/v1/replica/entries
 * (sh_wh_replica_page's JSON). Everything owned by the page. */
typedef struct sh_repl_page_in {
	uint8_t sha[SH_SHA256_LEN];
	char *mime, *text;
	int width, height, dpi, rotation;
	float confidence;
	unsigned flags;
	int has_original;          /* a photo's original, kept beside the page */
	uint8_t original_sha[SH_SHA256_LEN];
	char *original_mime;       /* NULL when !has_original */
} sh_repl_page_in;
typedef struct sh_repl_paper {
	char *dossier, *agency, *procedure, *file; /* file may be NULL */
	int64_t received, created;
	unsigned flags;
	size_t npages;
	sh_repl_page_in *pages;
} sh_repl_paper;
typedef struct sh_repl_entry {
	uint64_t index;
	uint8_t *doc;
	size_t len;
	sh_repl_paper *paper; /* or NULL */
} sh_repl_entry;
typedef struct sh_repl_page {
	char *agency;
	uint64_t from, size, log_size;
	uint8_t *checkpoint;
	size_t checkpoint_len;
	uint8_t (*proof)[SH_SHA256_LEN];
	size_t nproof;
	sh_repl_entry *entries;
	size_t n;
} sh_repl_page;

/* Parse len bytes of a page (network input: every field checked: types,
 * hex, sizes, indexes in order from `from`, at most SH_REPL_ENTRIES_MAX
 * entries). *out: sh_repl_page_free. SH_EINVAL with what is wrong. */
int sh_repl_page_parse(sh_repl_page **out, const char *json, size_t len);
void sh_repl_page_free(sh_repl_page **page);

struct sh_repl_stats;
typedef struct sh_repl_options {
	const char *url;    /* the office server, "http(s)://host:port" */
	const char *token;  /* its replication token (64 hex digits) */
	size_t limit;       /* entries asked per page (0: 100): a page's images are held in
			     * memory until it is replayed */
	long timeout_s;     /* per request (0: 60) */
	const char *cacert; /* CA file for https (NULL: the system's) */
	/* called after each page replayed (may be NULL), with the totals so far */
	void (*progress)(void *arg, const struct sh_repl_stats *st);
	void *arg;
} sh_repl_options;

typedef struct sh_repl_stats {
	char agency[SH_SIGN_AGENCY_MAX + 1];
	size_t pages, entries, papers, existing;
	size_t blobs_fetched, blobs_local;
	uint64_t size;     /* the replica's size now */
	uint64_t log_size; /* the office's log size when last asked */
} sh_repl_stats;

/* Replicate the office at o->url into store until caught up with its log
 * as it was when asked (one page after another, each all or nothing).
 * SH_WH_PERM_IMPORT (the session's operator); key signs the papers filed
 * here. out filled with what was done, also on error (pages before the
 * failing one stay replayed). */
int sh_repl_pull(sh_store *store, const sh_sign_key *key, const sh_repl_options *o,
		 sh_repl_stats *out);

/* ---- reuse across offices: an office asks the province (pull.c) ----
 * The province's answer for one paper (sh_wh_replica_paper's JSON), parsed
 * as untrusted input: when status is not "valid" only code, agency, status
 * and reason are read (entry.doc NULL). *out: sh_repl_remote_free. */
typedef struct sh_repl_remote {
	char *code, *agency, *status, *reason;
	uint64_t size;             /* of the office's checkpoint */
	uint8_t *checkpoint;
	size_t checkpoint_len;
	uint8_t (*proof)[SH_SHA256_LEN]; /* inclusion of entry.index */
	size_t nproof;
	sh_repl_entry entry;       /* the office's signed manifest and its paper */
} sh_repl_remote;
int sh_repl_remote_parse(sh_repl_remote **out, const char *json, size_t len);
void sh_repl_remote_free(sh_repl_remote **r);

/* Attach paper code to dossier at this office (SH_WH_PERM_ATTACH): when
 * the paper is here, as sh_wh_attach; else, when province is set (url and
 * the office's token at the province, sohoa station add --office there),
 * fetched from the province with its page images, verified with the
 * original office's keys trusted here and filed with the reuse signed by
 * key, all in one transaction (sh_wh_attach_remote). Without a province:
 * SH_ENOTFOUND as sh_wh_attach. SH_EIO: the province did not answer
 * (nothing stored); SH_EBADSIG: its answer does not verify; SH_ENOTFOUND:
 * the province has no such paper, or its office is not trusted here. */
int sh_repl_attach(sh_store *store, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		   const sh_repl_options *province, const char *dossier, const char *code,
		   const char *operator_id, int64_t when, uint64_t *out_index);

#ifdef __cplusplus
}
#endif
#endif
