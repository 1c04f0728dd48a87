/*
 * sh_recv.h — receiving a dossier: the one path every front end (the sohoa
 * program, the office server, a watched folder) takes from page images to a
 * stored, signed dossier.
 *
 *   source (image files, uploaded buffers, a staged batch, a watched-folder
 *   item) → decode (scanner/) → clean-up and OCR on every core (ocr/) →
 *   kind and facts (sh_paper.h) → search text, owner-mismatch and review
 *   flags, archival bytes (pages turned at review re-encoded losslessly) →
 *   sh_wh_dossier_put / sh_wh_result_put (store/).
 *
 * sh_recv_read runs the same pipeline and stores nothing (sohoa ocr,
 * extract, previews); sh_recv_store runs it and stores.
 *
 * Conventions: int return, SH_OK or an sh_error code with sh_error_message()
 * set; the module never prints. Handles (sh_store, sh_scan_batch) are used
 * from the calling thread only; the OCR runs on a pool of worker threads the
 * call creates and joins. Expected errors: SH_EINVAL (bad owner, procedure,
 * image, batch state), SH_ELIMIT, SH_ENOTFOUND (file, dossier, language
 * data), SH_EEXISTS (batch already committed), SH_EIO, SH_EFULL, SH_ENOMEM.
 * On any error of sh_recv_store nothing of the dossier is stored.
 */
#ifndef SH_RECV_H
#define SH_RECV_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"
#include "sh_ocr.h"   /* SH_PAGE_* flags */
#include "sh_paper.h"
#include "sh_scan.h"
#include "sh_wh.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One input paper: a file, or bytes in memory (an upload). Borrowed for the
 * call. Each input is one component paper of the dossier. */
typedef struct sh_recv_input {
	const char *path;       /* a file to read, or NULL ... */
	const void *data;       /* ... bytes in memory (copied), len of them */
	size_t len;
	const char *name;       /* name stored; NULL: the path's base name */
	const char *kind_hint;  /* kind code chosen by a person, or NULL */
} sh_recv_input;

/* Where the pages come from: exactly one of inputs, batch, watched. */
typedef struct sh_recv_source {
	const sh_recv_input *inputs; /* ninputs papers (files, uploads) */
	size_t ninputs;
	sh_scan_batch *batch;        /* a staged batch; its components are the
				      * papers, owner and procedure its own */
	const sh_scan_watch_item *watched; /* a watched-folder file (one paper) */
} sh_recv_source;

/* Per-page progress: called once before any page is read (done 0) and
 * after each page's decoding has been handed to the OCR (done 1..total),
 * from worker threads but never two at once. Return value ignored. */
typedef void (*sh_recv_progress_fn)(void *arg, size_t done, size_t total);

typedef struct sh_recv_options {
	const char *owner;       /* inputs: the dossier owner (12-digit id, 10/13-digit
				  * tax code); batch/watched: NULL (their own) */
	const char *procedure;   /* inputs: procedure code; batch/watched: NULL */
	const char *operator_id; /* recorded as who received the dossier, or NULL:
				  * the front end's authenticated operator */
	const sh_sign_key *key;  /* signs every paper (borrowed); NULL: unsigned */
	const char *result_of;   /* store the inputs as result papers (KQ codes) of
				  * this dossier instead of a new dossier */
	const char *idem_key;    /* inputs: idempotency key, or NULL. A batch uses
				  * "batch:<warehouse dir>:<batch id>", a watched file
				  * "file:<sha256>"; an upload should use "upload:<key>" */
	int workers;             /* OCR threads; 0: one per core */
	int no_clean;            /* 1: recognise pages as given (no clean-up) */
	int ocr_nice;            /* sh_ocr_options.nice: OCR threads this much below
				  * the caller's priority (a server: 10); 0 none */
	int text_only;           /* sh_recv_read: only the pages' text is wanted
				  * (sohoa ocr): no word boxes (hOCR), so no second
				  * readings of digits, dates or names; the facts
				  * are read from the text alone */
	int keep_going;          /* sh_recv_read: an input that cannot be read is
				  * recorded in its paper (status, error) instead of
				  * failing the call */
	sh_recv_progress_fn progress;
	void *progress_arg;
	int archive;             /* 1: an archive record of the backlog
				  * (sh_wh_dossier_in.archive: <agency>-LT<YY>-NNNNNN) */
	const sh_sign_fact *extra_facts; /* added to every paper's facts (signed,
				  * in its facts JSON), e.g. archive_box; names
				  * [a-z_]{1,32}, values UTF-8 without control bytes */
	size_t nextra_facts;     /* at most SH_RECV_EXTRA_FACTS */
} sh_recv_options;
enum { SH_RECV_EXTRA_FACTS = 8 };

/* One page of the result. Strings owned by the result. */
typedef struct sh_recv_page {
	int status;          /* SH_OK, or why this page could not be read */
	const char *text;    /* recognised text ("" when status != SH_OK) */
	unsigned flags;      /* SH_PAGE_* (sh_ocr.h) */
	const char *note;    /* why flagged or failed, "" none */
	int width, height;   /* pixels */
	int dpi;             /* the source's own resolution (the clean-up's working
			      * one only when the source records none) */
	unsigned batch_id;   /* page id in the staged batch, 0 otherwise */
} sh_recv_page;

/* One component paper of the result. Strings owned by the result. */
typedef struct sh_recv_paper {
	int status;          /* SH_OK, or why this input could not be read */
	const char *error;   /* that reason ("" when status is SH_OK) */
	const char *name;    /* name shown and stored */
	const char *path;    /* the file as given, or NULL */
	const char *kind;    /* kind code (hint, else recognised), or NULL */
	const char *code;    /* paper code once stored, else NULL */
	unsigned flags;      /* SH_WH_PAPER_OWNER_MISMATCH, SH_WH_PAPER_REVIEW */
	const char *text;    /* all pages, joined with form feeds */
	const sh_paper_facts *facts; /* kind and facts (sh_paper.h), or NULL */
	size_t first, npages;/* its pages: result->pages[first .. first + npages) */
} sh_recv_paper;

typedef struct sh_recv_result {
	char dossier[SH_STORE_CODE_MAX]; /* stored: the dossier's code ("" read-only) */
	int existing;        /* 1: the idempotency key was stored before; nothing new */
	const char *batch;   /* the batch's id, or NULL */
	const char *warning; /* stored, but something after it failed (e.g. the
			      * batch could not be marked committed), or NULL */
	size_t npapers;
	sh_recv_paper *papers;
	size_t npages;
	sh_recv_page *pages;
} sh_recv_result;

/* Free a result; NULL-safe; sets *r = NULL. */
void sh_recv_result_free(sh_recv_result **r);

/* Read a source through the whole page pipeline, store nothing. *out: free
 * with sh_recv_result_free (also filled when keep_going recorded failures:
 * check each paper's status). */
int sh_recv_read(sh_recv_result **out, const sh_recv_source *src, const sh_recv_options *opts);

/* Read a source and store it as one dossier (or, with result_of, as result
 * papers), whole or not at all. owner and procedure are checked before any
 * page is read. A batch must be COMPLETE (SH_EEXISTS once committed,
 * SH_EINVAL while interrupted); after the dossier is stored it is marked
 * committed — if that fails the dossier stays stored, *out->warning says so
 * and a retry returns the same dossier (idempotency key). *out: free with
 * sh_recv_result_free. */
int sh_recv_store(sh_recv_result **out, sh_store *s, const sh_recv_source *src,
		  const sh_recv_options *opts);

/* Run the pipeline over a staged batch and record each page's flags and
 * notes in it, for review (sohoa scan --review). */
int sh_recv_annotate(sh_scan_batch *b, const sh_recv_options *opts);

/* ---- where batches live ----------------------------------------------- */

/* The folder of staged batches of a warehouse: <store_dir>/batches.
 * *out: caller sh_free. */
int sh_recv_batches_dir(char **out, const char *store_dir);
/* Create a new batch named B<YYMMDD>-<n> (local date, the first free n) in
 * the warehouse's batches folder (created if missing). *out: close with
 * sh_scan_batch_close. Errors as sh_scan_batch_create; SH_EFULL when no
 * number is free. */
int sh_recv_batch_new(sh_scan_batch **out, const char *store_dir, const char *owner,
		      const char *procedure);
/* Open a batch by name (in the batches folder) or by path (holds a '/'). */
int sh_recv_batch_open(sh_scan_batch **out, const char *store_dir, const char *name);

/* ---- stored pages back to paper -------------------------------------- */

/* Write a stored paper's pages as its archival multi-page TIFF master
 * (sh_scan_master) at path. p: the paper's record (sh_store_paper_get). */
int sh_recv_export_tiff(sh_store *s, const sh_store_paper_rec *p, const char *path);

/* The kind catalogue ($SOHOA_KINDS or the default), loaded once per
 * process; borrowed. */
int sh_recv_kinds(const sh_kinds **out);

#ifdef __cplusplus
}
#endif
#endif
