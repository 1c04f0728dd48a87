/*
 * sh_common.h — the base every sohoa module stands on: error codes and the
 * per-thread error message, counted allocation (with fault injection),
 * SHA-256, Vietnamese text normalisation and folding, and identifier checks.
 *
 * Conventions (see docs/ARCHITECTURE.md):
 *  - every fallible function returns int: SH_OK (0) or a negative sh_error code,
 *    and sets a human message readable with sh_error_message() on the same thread;
 *  - output parameters come first and are named out;
 *  - "caller frees with sh_free" / "borrowed" is stated for every pointer.
 * Nothing here prints.
 */
#ifndef SH_COMMON_H
#define SH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

enum sh_error {
	SH_OK = 0,
	SH_ERROR = -1,     /* unexpected failure (bug or unknown library error) */
	SH_ENOMEM = -2,    /* out of memory */
	SH_EINVAL = -3,    /* bad input: malformed argument, id, file or record */
	SH_ENOTFOUND = -4, /* no such code, file, key or store */
	SH_EIO = -5,       /* read/write failure (errno translated) */
	SH_ECORRUPT = -6,  /* stored data fails its own checks */
	SH_EFULL = -7,     /* disk, map or sequence space exhausted */
	SH_EBADSIG = -8,   /* signature or hash does not verify */
	SH_EEXISTS = -9,   /* already exists */
	SH_EBUSY = -10,    /* resource busy (device, lock) */
	SH_ELIMIT = -11,   /* beyond a documented limit (pixels, pages, sizes) */
	SH_EDEVICE = -12,  /* scanner reported a fault (jam, cover open, ...) */
	SH_ECANCELED = -13,/* operation cancelled */
	SH_EPERM = -14,    /* operator's role does not allow this */
	SH_EVERSION = -15  /* stored data from an unknown schema version */
};

/* Set the calling thread's last error. Returns code, so callers can write
 * `return sh_error_set(SH_EINVAL, "owner id %s: ...", id);`. */
int sh_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Prefix the current message with more context ("file a.png: " + msg). */
int sh_error_wrap(int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* The calling thread's last message; borrowed, valid until the next
 * sh_error_set on this thread. Never NULL. */
const char *sh_error_message(void);
/* Last code set on this thread (SH_OK if none). */
int sh_error_last(void);
void sh_error_clear(void);
/* Stable short name of a code: "EINVAL", ... Static storage. */
const char *sh_error_name(int code);

/* ---- allocation (all library allocations go through these) ------------- */

/* Standard semantics; sh_malloc & co set SH_ENOMEM's message on failure. */
void *sh_malloc(size_t n);
void *sh_calloc(size_t n, size_t size);
void *sh_realloc(void *p, size_t n);
char *sh_strdup(const char *s);
char *sh_strndup(const char *s, size_t n);
char *sh_asprintf(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
void sh_free(void *p);

/* Fault injection (tests): make the n-th allocation from now fail
 * (n >= 1), and if persist != 0 every one after it too. n = 0 disables.
 * Also read once from the environment: SOHOA_FAIL_ALLOC=n[:persist]. */
void sh_alloc_fail_at(long n, int persist);
/* Number of allocations made since process start (for torture loops). */
long sh_alloc_count(void);
/* Number of live allocations (for leak checks in tests). */
long sh_alloc_live(void);

/* ---- growable byte buffer ---------------------------------------------- */

typedef struct sh_buf {
	uint8_t *data; /* owned; NUL-terminated when len < cap */
	size_t len, cap;
} sh_buf;
#define SH_BUF_INIT {NULL, 0, 0}
int sh_buf_grow(sh_buf *b, size_t extra);
int sh_buf_put(sh_buf *b, const void *p, size_t n);
int sh_buf_puts(sh_buf *b, const char *s);
int sh_buf_printf(sh_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Take ownership of the bytes (NUL-terminated); b is reset. */
char *sh_buf_detach(sh_buf *b);
void sh_buf_free(sh_buf *b);

/* ---- hashing (libgcrypt) ----------------------------------------------- */

#define SH_SHA256_LEN 32
/* Initialise libgcrypt once (thread-safe, idempotent). */
int sh_crypto_init(void);
void sh_sha256(uint8_t out[SH_SHA256_LEN], const void *data, size_t len);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void sh_hex(char *out, const uint8_t *bytes, size_t n);
/* Parse exactly 2n hex chars. SH_EINVAL if malformed. */
int sh_unhex(uint8_t *out, const char *hex, size_t n);

/* ---- text (utf8proc) --------------------------------------------------- */

/* Is s (len bytes) valid UTF-8? */
int sh_text_valid(const char *s, size_t len);
/* NFC-normalise. *out: caller frees with sh_free. SH_EINVAL on bad UTF-8. */
int sh_text_nfc(char **out, const char *s, size_t len);
/* The same NFC through a cache of the words already seen, for many texts
 * of one vocabulary (bulk imports): a text whose separators are ASCII and
 * whose words do not start with a combining mark is normalised word by
 * word (NFC cannot join such words); others whole. c may be NULL.
 * Same results and errors as sh_text_nfc. The cache holds at most 2^20
 * words (then starts over); it is not thread-safe. */
typedef struct sh_nfc_cache sh_nfc_cache;
int sh_nfc_cache_new(sh_nfc_cache **out);
void sh_nfc_cache_free(sh_nfc_cache **c);
int sh_text_nfc_cached(sh_nfc_cache *c, char **out, const char *s, size_t len);
/* Search form: NFC, case-folded, diacritics stripped, đ/Đ → d.
 * "Giấy khai SINH" → "giay khai sinh". *out: caller frees with sh_free. */
int sh_text_fold(char **out, const char *s, size_t len);
/* Lower-case only (diacritics kept), NFC. For exact-match ranking. */
int sh_text_lower(char **out, const char *s, size_t len);
/* Tokenise text into words (runs of letters, digits, marks). Calls fn with
 * each word (not NUL-terminated). Stops early and returns fn's value if
 * non-zero. */
int sh_text_words(const char *s, size_t len,
		  int (*fn)(void *arg, const char *w, size_t wlen), void *arg);

/* ---- identifiers --------------------------------------------------------- */

enum sh_owner_kind {
	SH_OWNER_PERSON = 1,   /* 12-digit personal identification number */
	SH_OWNER_ORG = 2,      /* 10-digit enterprise / tax code */
	SH_OWNER_BRANCH = 3    /* 13-digit branch code (NNNNNNNNNN-NNN) */
};
/* Check an owner id. On success *out_kind (may be NULL) is set and *norm
 * (may be NULL; at least 16 bytes) receives the canonical form (branch
 * codes without the dash). SH_EINVAL with a reason otherwise. */
int sh_id_owner_check(int *out_kind, char *norm, const char *id);
/* Tax code check digit valid for the first 10 digits of s? */
int sh_id_taxcode_ok(const char *digits10);
/* Check an agency electronic id: <= 35 chars of [0-9A-Z.], dot-separated
 * non-empty groups, one group a capital letter followed by two digits. */
int sh_id_agency_check(const char *id);

/* Check a procedure code (the national catalogue's, e.g. 1.001193, or an
 * office's own): 1-40 chars of [0-9A-Za-z._-]. SH_EINVAL with a reason. */
int sh_id_procedure_check(const char *code);
/* The codes the warehouse gives (docs/ARCHITECTURE.md "Codes"). */
enum sh_code_kind {
	SH_CODE_DOSSIER = 1, /* <agency id>-YYMMDD-NNNN, or an archive record of the
			      * backlog <agency id>-LT<YY>-NNNNNN */
	SH_CODE_PAPER = 2,   /* <dossier code>-NN-KIND (NN 01-999, KIND [A-Z0-9]{1,12}) */
	SH_CODE_RESULT = 4   /* <dossier code>-KQn (n from 1, no leading zero) */
};
/* Check the form of a dossier, paper or result code (not whether it exists).
 * want: the SH_CODE_* kinds the caller accepts (0: any). On success
 * *out_kind (may be NULL) is the kind. SH_EINVAL with a reason when the
 * code is malformed or of a kind not wanted. */
int sh_id_code_check(int *out_kind, const char *code, unsigned want);

/* ---- time -------------------------------------------------------------- */

/* Current time, seconds since the epoch. Tests may pin it with the
 * environment variable SOHOA_NOW (seconds since the epoch). */
int64_t sh_now(void);

/* ---- files ------------------------------------------------------------- */

#define SH_FILE_MAX ((size_t)1 << 30) /* 1 GiB: largest input file read */
/* Read a whole file. *out: caller frees with sh_free. SH_ENOTFOUND,
 * SH_EIO, SH_ELIMIT (over max bytes). */
int sh_file_read(uint8_t **out, size_t *out_len, const char *path, size_t max);
/* Write atomically (temp file + fsync + rename). */
int sh_file_write(const char *path, const void *data, size_t len);

/* ---- data files and messages ------------------------------------------ */

/* Where the data file called name (a bare file name such as "kinds.json",
 * "names.json", "procedures.json") is, found by name, never through the
 * source path, first of:
 *  1. $SOHOA_DATA_DIR/name, if that file exists;
 *  2. <folder of the running program>/../share/sohoa/name (an installed
 *     program under any prefix; the build tree's tools/sohoa);
 *  3. <build tree>/share/sohoa/name, when the program runs from a build tree
 *     (a CMakeCache.txt at most 4 folders above it: tests, fuzzers);
 *  4. ${prefix}/share/sohoa/name (the prefix configured at build time).
 * The path may not exist (then the caller's open says so with the path).
 * Static storage, cached per name for the life of the process;
 * thread-safe. NULL if name is empty or holds a '/'. */
const char *sh_data_file(const char *name);
/* The message catalogues' folder (bindtextdomain's dirname): the share
 * folder found as above + "/locale", or $SOHOA_LOCALE_DIR. Static storage. */
const char *sh_locale_dir(void);

/* Progress of long work (verify --all, backup, export-bag, ...): called
 * with done 0 before the first unit and after each (done 1..total; total
 * may be an upper bound, the last call then has done == total), one call at
 * a time. The library never prints: front ends show it (on a terminal). */
typedef void (*sh_progress_fn)(void *arg, size_t done, size_t total);

/* Messages: the library's sh_error_set and sh_error_wrap translate their
 * format through the "sohoa" text domain (dgettext) before formatting, so
 * every library message is translatable; front ends mark theirs with _()
 * (translated now) and N_() (marked only, translated where used). The front
 * end calls setlocale and bindtextdomain(SH_TEXTDOMAIN, sh_locale_dir()). */
#define SH_TEXTDOMAIN "sohoa"
#include <libintl.h>
#ifndef _
#define _(s) dgettext(SH_TEXTDOMAIN, s)
#endif
#ifndef N_
#define N_(s) (s)
#endif

#ifdef __cplusplus
}
#endif
#endif
