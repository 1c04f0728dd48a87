/*
 * sh_scan.h — capture: paper to page images. Image files (PNG, JPEG, PNM,
 * TIFF incl. multi-page and CCITT G4), SANE scanners, staged batches,
 * archival TIFF masters.
 *
 * Limits (refused before any pixel buffer is allocated, SH_ELIMIT):
 *   SH_SCAN_MAX_SIDE pixels per side, SH_SCAN_MAX_PIXELS per page,
 *   SH_SCAN_MAX_PAGES per file, SH_FILE_MAX bytes per file.
 */
#ifndef SH_SCAN_H
#define SH_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <leptonica/allheaders.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_SCAN_MAX_SIDE 30000
#define SH_SCAN_MAX_PIXELS (120L * 1000 * 1000) /* A3 at 600 dpi is 70 Mpx */
#define SH_SCAN_MAX_PAGES 2000

/* ---- image files --------------------------------------------------------- */

typedef enum sh_image_type {
	SH_IMAGE_UNKNOWN = 0,
	SH_IMAGE_PNG,
	SH_IMAGE_JPEG,
	SH_IMAGE_PNM,
	SH_IMAGE_TIFF,
	SH_IMAGE_PDF     /* scanner/pdf.c: one-JPEG pages as they are, others rendered at 300 dpi */
} sh_image_type;

/* An image file read into memory and checked: type sniffed from its bytes
 * (not its name), pages counted, every page's header within the limits.
 * Immutable after open: sh_scan_file_page may be called from several
 * threads at once. */
typedef struct sh_scan_file sh_scan_file;

/* Open and check a file. *out: free with sh_scan_file_free.
 * Errors: SH_ENOTFOUND, SH_EIO, SH_EINVAL (not an image, truncated or
 * corrupt), SH_ELIMIT. The message names the file. */
int sh_scan_file_open(sh_scan_file **out, const char *path);
/* The same from bytes in memory; name is used in messages only.
 * data is copied. */
int sh_scan_file_open_mem(sh_scan_file **out, const void *data, size_t len, const char *name);
void sh_scan_file_free(sh_scan_file **f);

size_t sh_scan_file_pages(const sh_scan_file *f);
sh_image_type sh_scan_file_type(const sh_scan_file *f);
const char *sh_scan_file_name(const sh_scan_file *f); /* borrowed */
/* Size of page i in pixels and its resolution (0 when the file has none). */
int sh_scan_file_page_info(const sh_scan_file *f, size_t i, int *w, int *h, int *dpi);

/* Decode page i. *out: new PIX, caller pixDestroy. Thread-safe.
 * Errors: SH_EINVAL (corrupt data), SH_ENOMEM. */
int sh_scan_file_page(const sh_scan_file *f, size_t i, PIX **out);

/* The archival bytes of page i, as stored in the warehouse: a single-page
 * PNG or JPEG file's own bytes unchanged; otherwise the page re-encoded
 * losslessly (TIFF G4 for 1-bit pages, PNG for the rest). pix: page i
 * decoded (borrowed), or NULL to decode here. *out: caller sh_free.
 * *mime: static string ("image/png", "image/jpeg", "image/tiff"). */
int sh_scan_file_page_bytes(const sh_scan_file *f, size_t i, PIX *pix, uint8_t **out,
			    size_t *out_len, const char **mime);

/* ---- staged batches ------------------------------------------------------ */

/* A staged batch is a directory holding captured page files and a manifest,
 * batch.json (format documented in docs/CAPTURE.md, "sohoa-batch" version
 * 1). Pages live there until desk staff have reviewed them and the batch is
 * committed into a dossier; nothing in it is stored in the warehouse yet.
 * Every change rewrites the manifest atomically (temp + fsync + rename), so
 * after a crash or a scanner fault the batch is exactly its last manifest;
 * page files the manifest does not name are removed when it is next opened.
 *
 * A handle holds an exclusive lock on the directory (flock on .lock): a
 * second open, from this or another process, fails with SH_EBUSY. A handle
 * is not thread-safe; use it from one thread at a time. */
typedef struct sh_scan_batch sh_scan_batch;

#define SH_SCAN_BATCH_VERSION 1
#define SH_SCAN_MIN_DPI 200      /* capture never goes below this */
#define SH_SCAN_DEFAULT_DPI 300

typedef enum sh_scan_state {
	SH_SCAN_STATE_SCANNING = 1,   /* capture running (or the process died mid-capture) */
	SH_SCAN_STATE_INTERRUPTED,    /* a fault or cancel stopped capture: resume possible */
	SH_SCAN_STATE_COMPLETE,       /* captured; under review */
	SH_SCAN_STATE_COMMITTED       /* turned into a dossier; read-only */
} sh_scan_state;

typedef enum sh_scan_mode {
	SH_SCAN_GRAY = 0, /* default */
	SH_SCAN_COLOR,
	SH_SCAN_LINEART
} sh_scan_mode;

typedef enum sh_scan_source {
	SH_SCAN_FLATBED = 0, /* default */
	SH_SCAN_ADF,
	SH_SCAN_FILE         /* page added from an image file (sh_scan_batch_add_pix) */
} sh_scan_source;

/* Short stable names: "gray", "color", "lineart"; "flatbed", "adf",
 * "file"; "scanning", "interrupted", "complete", "committed". Static. */
const char *sh_scan_mode_name(sh_scan_mode m);
const char *sh_scan_source_name(sh_scan_source s);
const char *sh_scan_state_name(sh_scan_state s);
/* Parse those names back. SH_EINVAL with the accepted names otherwise. */
int sh_scan_mode_parse(sh_scan_mode *out, const char *name);
int sh_scan_source_parse(sh_scan_source *out, const char *name);

/* One page as recorded in the manifest. Strings are borrowed from the batch
 * handle and valid until the next call that changes the batch or frees it. */
typedef struct sh_scan_page {
	unsigned id;          /* stable within the batch, never reused; 1, 2, ... */
	const char *file;     /* file name inside the batch directory */
	const char *mime;     /* "image/png" or "image/tiff" */
	char sha256[65];      /* of the file's bytes, lower-case hex */
	sh_scan_source source;
	int back;             /* 1: back side of a duplex sheet */
	unsigned sheet;       /* sheet number within the batch, 1-based */
	int dpi, width, height, depth;
	sh_scan_mode mode;
	const char *make, *model; /* scanner vendor and model ("" unknown) */
	int64_t time;         /* capture time, seconds since the epoch */
	int rotation;         /* 0/90/180/270 clockwise, applied on read */
	unsigned flags;       /* SH_PAGE_* bits from the OCR clean-up (sh_ocr.h) */
	const char *note;     /* why flagged, for people ("" none) */
} sh_scan_page;

/* The last fault that stopped capture (status "" when none). */
typedef struct sh_scan_fault {
	const char *status;   /* "SANE_STATUS_JAMMED", "CANCELLED" ... borrowed */
	const char *message;  /* what happened and what to do; borrowed */
	unsigned pages_before;/* pages the batch held when it happened */
	int64_t time;
} sh_scan_fault;

/* Create a new batch in directory dir (which must not exist; its parent
 * must). owner and procedure are checked (sh_id_owner_check; procedure code
 * 1..64 chars of [0-9A-Za-z.-_]). *out: close with sh_scan_batch_close.
 * Errors: SH_EEXISTS, SH_EINVAL, SH_EIO, SH_EFULL, SH_ENOMEM. */
int sh_scan_batch_create(sh_scan_batch **out, const char *dir, const char *owner,
			 const char *procedure);
/* Open an existing batch (any state). Errors: SH_ENOTFOUND, SH_EBUSY (open
 * elsewhere), SH_ECORRUPT (manifest unreadable, or a page file missing or
 * of another size; hashes are checked when a page is read), SH_EVERSION,
 * SH_EIO, SH_ENOMEM. A batch found SCANNING (its capture died) is made
 * INTERRUPTED with fault status "STOPPED". */
int sh_scan_batch_open(sh_scan_batch **out, const char *dir);
/* Release the handle and its lock; NULL-safe; sets *b = NULL. */
void sh_scan_batch_close(sh_scan_batch **b);
/* Remove a batch nothing was ever captured into (just created, no page, no
 * capture begun: e.g. the scanner refused its options) - its manifest, lock
 * and folder - and close the handle (*b = NULL, also on error). SH_EINVAL
 * (and the batch is kept) once it holds pages or a capture has begun: those
 * are resumed, never thrown away. SH_EIO when the folder cannot be removed
 * (it is no longer a batch then: no batch.json). */
int sh_scan_batch_discard(sh_scan_batch **b);

const char *sh_scan_batch_id(const sh_scan_batch *b);      /* dir's base name; borrowed */
const char *sh_scan_batch_dir(const sh_scan_batch *b);     /* borrowed */
const char *sh_scan_batch_owner(const sh_scan_batch *b);   /* borrowed */
const char *sh_scan_batch_procedure(const sh_scan_batch *b); /* borrowed */
sh_scan_state sh_scan_batch_state(const sh_scan_batch *b);
/* Dossier id given at commit, or NULL. Borrowed. */
const char *sh_scan_batch_dossier(const sh_scan_batch *b);
void sh_scan_batch_fault(const sh_scan_batch *b, sh_scan_fault *out);

/* Pages in their current order. */
size_t sh_scan_batch_count(const sh_scan_batch *b);
/* Page at position pos (0-based). SH_ENOTFOUND past the end. */
int sh_scan_batch_page(const sh_scan_batch *b, size_t pos, sh_scan_page *out);
/* Position of page id. SH_ENOTFOUND if deleted or never existed. */
int sh_scan_batch_find(const sh_scan_batch *b, unsigned id, size_t *out_pos);
/* Full path of a page's file. *out: caller sh_free. */
int sh_scan_batch_page_path(const sh_scan_batch *b, unsigned id, char **out);
/* Decode a page with its rotation applied. *out: new PIX, caller pixDestroy.
 * SH_ENOTFOUND, SH_ECORRUPT (file changed since capture), SH_EIO. */
int sh_scan_batch_page_pix(const sh_scan_batch *b, unsigned id, PIX **out);

/* Add a page from pixels (1, 8 or 32 bpp; 2/4/16 and colormapped pages are
 * converted) - capture uses this, and so can image-file intake. The page is
 * written to the batch directory atomically (PNG; TIFF G4 for 1 bpp) before
 * the manifest names it. dpi <= 0: taken from the PIX, else 300. make and
 * model may be NULL. *out_id (may be NULL): the new page's id.
 * Errors: SH_EPERM (committed), SH_EINVAL, SH_EIO, SH_EFULL, SH_ENOMEM. */
int sh_scan_batch_add_pix(sh_scan_batch *b, unsigned *out_id, PIX *pix, sh_scan_source source,
			  int back, int dpi, const char *make, const char *model);

/* Review operations. Each is atomic: on error the manifest is unchanged.
 * All fail with SH_EPERM once the batch is committed, SH_ENOTFOUND for an
 * unknown page id and SH_EBUSY while the batch is SCANNING. */
/* Remove a page (its file is deleted after the manifest no longer names it). */
int sh_scan_batch_delete(sh_scan_batch *b, unsigned id);
/* Turn a page by degrees clockwise (multiple of 90, may be negative); adds to
 * its current rotation. The file is not rewritten. */
int sh_scan_batch_rotate(sh_scan_batch *b, unsigned id, int degrees);
/* Move page id to position pos (0-based, in the order after removal). */
int sh_scan_batch_move(sh_scan_batch *b, unsigned id, size_t pos);
/* Set the whole order at once: ids must be a permutation of the pages. */
int sh_scan_batch_reorder(sh_scan_batch *b, const unsigned *ids, size_t n);
/* Record what the page pipeline found: SH_PAGE_* flags, a note for people
 * (may be NULL) and the rotation it applied (-1: leave rotation as is). */
int sh_scan_batch_annotate(sh_scan_batch *b, unsigned id, unsigned flags, const char *note,
			   int rotation);

/* Components: the batch split into papers, each an ordered run of pages
 * with a paper-kind code ("" when not yet known). Until split, the batch is
 * one component holding every page in order. */
size_t sh_scan_batch_components(const sh_scan_batch *b);
/* Component k: its code (borrowed) and page ids (borrowed array of *n). */
int sh_scan_batch_component(const sh_scan_batch *b, size_t k, const char **code,
			    const unsigned **ids, size_t *n);
/* Split the current page order into components starting at the given
 * positions: starts[0] must be 0, strictly increasing, < page count. codes
 * may be NULL or hold n strings (each NULL or a code of up to 32 chars of
 * [0-9A-Za-z.-_] or UTF-8 letters). Later page edits keep components in step:
 * a deleted page leaves its component, a moved page moves into the
 * component at its new position. */
int sh_scan_batch_split(sh_scan_batch *b, const size_t *starts, const char *const *codes,
			size_t n);
/* Set the code of component k. */
int sh_scan_batch_set_code(sh_scan_batch *b, size_t k, const char *code);

/* Mark an INTERRUPTED batch COMPLETE without resuming (the operator keeps
 * what was captured). SH_EINVAL from other states. */
int sh_scan_batch_finish(sh_scan_batch *b);
/* Record that the batch became dossier dossier_id, after the store has
 * committed it. Only from COMPLETE (SH_EINVAL otherwise, e.g. "interrupted:
 * resume or finish first"); SH_EINVAL if the batch has no pages. */
int sh_scan_batch_commit(sh_scan_batch *b, const char *dossier_id);

/* ---- SANE devices and capture ------------------------------------------- */

typedef struct sh_scan_device {
	char *name, *vendor, *model, *type; /* owned by the list */
} sh_scan_device;

/* List the scanners SANE knows (honours SANE_CONFIG_DIR). *out: array of
 * *n, free with sh_scan_devices_free (NULL when n is 0). SANE runs in a
 * forked worker process, as for capture, so listings and captures may
 * overlap and a driver that hangs or crashes cannot take the caller along.
 * Errors: SH_EDEVICE (SANE failed to start, a driver silent for
 * SH_SCAN_DEFAULT_TIMEOUT_MS or crashed), SH_ENOMEM. */
int sh_scan_devices(sh_scan_device **out, size_t *n);
void sh_scan_devices_free(sh_scan_device **list, size_t n);

/* Called after each page is recorded in the manifest; return non-zero to
 * cancel the capture (the batch is kept, INTERRUPTED, SH_ECANCELED). */
typedef int (*sh_scan_progress_fn)(void *arg, const sh_scan_page *page);

typedef struct sh_scan_options {
	const char *device;   /* SANE device name, e.g. "fujitsu:fi-7160:1234" */
	sh_scan_source source;/* FLATBED: one sheet; ADF: until the feeder is empty */
	int duplex;           /* 1: both sides (needs a duplex ADF) */
	int dpi;              /* 0: 300; raised to 200 if lower; nearest the device offers */
	sh_scan_mode mode;
	/* Backend options set after the above, "name=value" (NULL-terminated
	 * list or NULL), e.g. {"filename=/x.pnm", NULL} for the pnm backend or
	 * "br-x=50" (mm) to scan a smaller area. Unknown names: SH_EINVAL. */
	const char *const *extra;
	sh_scan_progress_fn progress;
	void *progress_arg;
	/* How long the scanner may stay silent (opening, warming up, between
	 * data) before capture gives up on it, in ms; 0: SH_SCAN_DEFAULT_TIMEOUT_MS.
	 * It also bounds (with at most 10 s) the wait for the driver to close the
	 * device after a fault or a cancel. */
	int timeout_ms;
} sh_scan_options;
#define SH_SCAN_DEFAULT_TIMEOUT_MS 120000

/* Capture into batch b (state COMPLETE or INTERRUPTED becomes SCANNING while
 * it runs; a new batch is SCANNING from creation). Every SANE call runs in a
 * forked worker process (the caller's process only records pages and runs
 * the progress callback), so a driver that hangs or crashes cannot take the
 * caller with it: a worker silent for opts->timeout_ms is killed and the
 * fault is TIMEOUT; one that dies is DRIVER_CRASHED. Fork from a program
 * with other threads only if they hold no locks the worker needs (the
 * worker calls malloc and dlopen; glibc makes these safe after fork). Pages are appended after
 * those already in the batch, so after a fault the same call resumes it.
 * ADF: sheets until the feeder reports empty; flatbed: one sheet (two frames
 * with duplex is refused). Each page is recorded as soon as it is complete;
 * a page cut short by a fault is dropped (re-feed that sheet).
 * On success the batch is COMPLETE.
 * Errors (batch left INTERRUPTED with every recorded page and the fault in
 * the manifest, message says what to do next):
 *   SH_EDEVICE   jam, cover open, empty feeder at the start, I/O error,
 *                device refused options, driver silent or crashed;
 *   SH_EBUSY     device busy or locked;
 *   SH_ECANCELED cancelled at the scanner or by the progress callback;
 *   SH_ENOTFOUND no such device; SH_EINVAL bad options (no feeder, no
 *   duplex, device cannot reach 200 dpi); SH_EPERM committed batch;
 *   SH_EIO/SH_EFULL writing pages; SH_ENOMEM. */
int sh_scan_capture(sh_scan_batch *b, const sh_scan_options *opts);
/* The settings of the batch's last capture, for `sohoa scan --resume`:
 * fills device (borrowed from b; NULL if never captured), source, duplex,
 * dpi, mode, and extra when that capture was given backend options
 * (borrowed from b; saved in the manifest as settings.options). The
 * borrowed strings stay valid across a sh_scan_capture of b given them
 * back, until b is closed. progress is left as it is. */
void sh_scan_batch_settings(const sh_scan_batch *b, sh_scan_options *out);

/* ---- watch folder --------------------------------------------------------- */

/* Scan-to-folder intake. Files dropped into dir are ingested once each:
 *   ready    a regular file, not hidden (".x"), not a temporary ("*.tmp*",
 *            "*.part", "*~"), not a sidecar, whose size and mtime have not
 *            changed for settle_ms and which no writer holds open according
 *            to inotify (IN_CLOSE_WRITE / IN_MOVED_TO after the last change);
 *   mapping  owner and procedure from a sidecar FILE.json / STEM.json
 *            ({"owner": "...", "procedure": "..."}) or FILE.txt / STEM.txt
 *            ("owner=..." and "procedure=..." lines), else from the name
 *            OWNER_PROCEDURE[_anything].ext; a file with neither for
 *            mapping_wait_ms is failed;
 *   journal  the file (and sidecar) are renamed into processing/, ingest is
 *            called, then a marker processing/FILE.ingested is written and
 *            the files are renamed into done/; on failure into failed/ with
 *            FILE.reason (the error message). At open, files left in
 *            processing/ are finished: moved to done/ if marked, else
 *            ingested again with the same key.
 * Names colliding in done/ or failed/ get "-2", "-3"... before the extension. */
typedef struct sh_scan_watch sh_scan_watch;

typedef struct sh_scan_watch_item {
	const char *path;      /* the file, now under processing/; borrowed */
	const char *name;      /* its original name */
	const char *owner, *procedure;
	const char *key;       /* sha256 hex of the file: an idempotency key -
				* ingest may be called again with the same key
				* after a crash and must not store twice */
} sh_scan_watch_item;

/* Return SH_OK when the file is stored. SH_EBUSY: leave it and retry on a
 * later pass. Any other error: failed/ with sh_error_message() as reason. */
typedef int (*sh_scan_ingest_fn)(void *arg, const sh_scan_watch_item *item);

typedef struct sh_scan_watch_options {
	int settle_ms;        /* 0: 2000 */
	int mapping_wait_ms;  /* 0: 60000 */
	sh_scan_ingest_fn ingest;
	void *ingest_arg;
} sh_scan_watch_options;

/* Start watching dir (created subfolders processing/, done/, failed/),
 * finishing anything an earlier run left in processing/. *out: free with
 * sh_scan_watch_free. Errors: SH_ENOTFOUND, SH_EIO, SH_EINVAL (no ingest),
 * SH_EBUSY (another watcher holds dir/.watch.lock), SH_ENOMEM. */
int sh_scan_watch_open(sh_scan_watch **out, const char *dir, const sh_scan_watch_options *opts);
void sh_scan_watch_free(sh_scan_watch **w);
/* Wait up to timeout_ms for changes (0: do not wait), then ingest every
 * ready file. *out_done / *out_failed (may be NULL) count files moved this
 * pass. Returns SH_OK, or SH_EIO when the folder itself fails (a failing
 * file is not an error of the pass). */
int sh_scan_watch_poll(sh_scan_watch *w, int timeout_ms, size_t *out_done, size_t *out_failed);
/* The inotify descriptor, for a caller's own poll loop (readable = poll). */
int sh_scan_watch_fd(const sh_scan_watch *w);
/* Parse the mapping rule for a file name alone (no sidecar): SH_EINVAL if
 * it does not follow OWNER_PROCEDURE[_anything].ext. owner (16 bytes) and
 * procedure (65 bytes) receive the values. */
int sh_scan_watch_parse_name(char *owner, char *procedure, const char *name);

/* ---- archival TIFF masters ------------------------------------------------- */

/* A multi-page TIFF master of one component: CCITT G4 for 1 bpp pages,
 * Deflate (horizontal predictor) for grey and RGB, JPEG-in-TIFF only for
 * pages given as JPEG bytes (copied unchanged). Each page carries X/Y
 * resolution in dpi, DateTime (local time, the TIFF convention: run with
 * TZ set to the office's zone), Software "sohoa VERSION", ImageDescription
 * (the component code), Make/Model when known, PageNumber (page, total).
 * Pages are upright: see sh_scan_master_set_turn. */
typedef struct sh_scan_master sh_scan_master;

typedef struct sh_scan_master_info {
	const char *code;   /* component code: ImageDescription */
	const char *make;   /* NULL or "": tag omitted */
	const char *model;
	int64_t time;       /* DateTime; 0: sh_now() */
} sh_scan_master_info;

/* Begin a master in memory. info is copied. */
int sh_scan_master_new(sh_scan_master **out, const sh_scan_master_info *info);
void sh_scan_master_free(sh_scan_master **m);
/* The next page added was scanned turned: degrees (0, 90, 180, 270, or
 * -90) clockwise make it upright (the clean-up's rotation, sh_page_rec's
 * rotation). Pixel pages are written upright; JPEG pages, stored as
 * scanned, carry the matching Orientation tag (6, 3, 8), and
 * sh_scan_master_read gives them upright. Applies to the next page only.
 * SH_EINVAL for other angles. */
int sh_scan_master_set_turn(sh_scan_master *m, int degrees);
/* Append a page from pixels (borrowed): 1 bpp -> G4, 8 bpp grey -> Deflate,
 * 32 bpp -> RGB Deflate, others converted to 8 or 32 bpp first (colormaps
 * resolved). dpi <= 0: the PIX's resolution, else 300. */
int sh_scan_master_add_pix(sh_scan_master *m, PIX *pix, int dpi);
/* Append a page from an encoded file: JPEG bytes are stored as-is
 * (JPEG-in-TIFF); PNG/TIFF/PNM are decoded and added as pixels. */
int sh_scan_master_add_bytes(sh_scan_master *m, const uint8_t *data, size_t len, int dpi);
/* Finish: *out: the TIFF bytes, caller sh_free; the master is spent (only
 * sh_scan_master_free may follow). */
int sh_scan_master_finish(sh_scan_master *m, uint8_t **out, size_t *out_len);
/* Finish and write to path atomically. */
int sh_scan_master_write(sh_scan_master *m, const char *path);

/* Read page i of a master (or any TIFF) back to pixels: 1 bpp pages as
 * 1 bpp (0 = white), grey as 8 bpp, RGB as 32 bpp, upright (turned as its
 * Orientation tag says, 1/6/3/8). *out: caller pixDestroy.
 * *n_pages (may be NULL): the file's page count. SH_EINVAL (not a TIFF,
 * corrupt), SH_ENOTFOUND (no page i), SH_ELIMIT, SH_ENOMEM. */
int sh_scan_master_read(PIX **out, size_t *n_pages, const uint8_t *data, size_t len, size_t i);

/* ---- previews ------------------------------------------------------------ */

#define SH_SCAN_PREVIEW_MIN 16
#define SH_SCAN_PREVIEW_MAX 4096
/* A PNG of the first page of the image file in data (len bytes), scaled
 * down to width pixels wide (never up), 1-bit pages as gray, for screens.
 * *out: caller sh_free. SH_EINVAL (width out of range, not an image),
 * SH_ELIMIT (as sh_scan_file_open_mem), SH_ENOMEM. */
int sh_scan_preview(uint8_t **out, size_t *out_len, const void *data, size_t len, int width);

#ifdef __cplusplus
}
#endif
#endif
