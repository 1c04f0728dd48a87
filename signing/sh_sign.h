/*
 * sh_sign.h — keys, Ed25519 signatures, canonical manifests, signed
 * checkpoints and the append-only Merkle log (RFC 6962 / RFC 9162 hashing).
 *
 * Every byte format written or read here is specified in docs/SIGNING.md so
 * that an independent program can check a signature, a manifest, an
 * inclusion proof or a consistency proof without this code.
 *
 * Conventions (see sh_common.h): functions return SH_OK or a negative
 * sh_error code with a message (sh_error_message); output parameters come
 * first; sh_buf outputs are appended to (start from SH_BUF_INIT, release with
 * sh_buf_free). Nothing here prints. Call sh_crypto_init() once before any
 * function here (each function also calls it, so forgetting is harmless).
 *
 * Thread safety: functions keep no global state. An sh_sign_key may be used
 * for signing by several threads at once; sh_log_* and the encoders are
 * reentrant.
 *
 * Expected errors: SH_EINVAL (malformed input: bad field, non-canonical
 * encoding, wrong length), SH_EBADSIG (a signature, tag, proof or key
 * validity check fails, or a wrong passphrase), SH_ELIMIT (beyond a
 * documented size), SH_EVERSION (a file of an unknown format version),
 * SH_ENOMEM. SH_ERROR means an unexpected libgcrypt failure.
 */
#ifndef SH_SIGN_H
#define SH_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_SIGN_PUBLIC_LEN 32   /* Ed25519 public key (RFC 8032 encoding) */
#define SH_SIGN_SEED_LEN 32     /* Ed25519 private key (RFC 8032 "secret key") */
#define SH_SIGN_SIG_LEN 64      /* Ed25519 signature R || S */
#define SH_SIGN_KEYID_HEX 64    /* key id: lower-case hex SHA-256(public key) */
#define SH_SIGN_NAME_MAX 255    /* bytes of a signer's name or title (UTF-8) */
#define SH_SIGN_AGENCY_MAX 35   /* bytes of an agency electronic id */
#define SH_SIGN_VALUE_MAX 4096  /* bytes of one manifest value before escaping */
#define SH_SIGN_FACTS_MAX 256   /* facts per manifest */
#define SH_SIGN_PAGES_MAX 10000 /* pages per manifest */
#define SH_SIGN_DOC_MAX (4u << 20) /* bytes of any signed document or key file */

/* A time that never comes: valid_until / revoked_at of a key that has none. */
#define SH_SIGN_NEVER INT64_MAX

/* ---- keys ----------------------------------------------------------------- */

/* An Ed25519 private key with its public half. Opaque; the seed is wiped
 * when the key is freed. */
typedef struct sh_sign_key sh_sign_key;

/* Generate a new key from libgcrypt's GCRY_VERY_STRONG_RANDOM.
 * *out: release with sh_sign_key_free. */
int sh_sign_key_generate(sh_sign_key **out);
/* Make the key for a given 32-byte RFC 8032 secret (tests, recovery).
 * *out: release with sh_sign_key_free. */
int sh_sign_key_from_seed(sh_sign_key **out, const uint8_t seed[SH_SIGN_SEED_LEN]);
/* Wipe and release; sets *key to NULL. NULL-safe. */
void sh_sign_key_free(sh_sign_key **key);
/* The 32-byte public key. */
void sh_sign_key_public(uint8_t out[SH_SIGN_PUBLIC_LEN], const sh_sign_key *key);
/* The key id (64 lower-case hex chars). Borrowed; valid while key lives. */
const char *sh_sign_key_id(const sh_sign_key *key);
/* key id of a public key: out receives 64 hex chars and a NUL. */
void sh_sign_key_id_of(char out[SH_SIGN_KEYID_HEX + 1], const uint8_t pub[SH_SIGN_PUBLIC_LEN]);

/* scrypt cost of a private key file (docs/SIGNING.md). r is fixed at 8 by
 * libgcrypt. Limits accepted on load: n a power of two in [2^10, 2^20],
 * p in [1, 16]. */
typedef struct sh_sign_kdf {
	unsigned long n; /* CPU/memory cost; 128 * n * 8 bytes of memory */
	unsigned long p; /* parallelism */
} sh_sign_kdf;
#define SH_SIGN_KDF_DEFAULT_N 131072ul /* 2^17: 128 MiB, about 0.4 s (was 2^15; old files
					     * record their own n and still open) */
#define SH_SIGN_KDF_DEFAULT_P 1ul

/* A new passphrase has at least this many characters (UTF-8 code points). */
#define SH_SIGN_PASSPHRASE_MIN 12
/* Encrypt the private key under passphrase (scrypt -> AES-256-GCM) and
 * append the private key file text to out. kdf: NULL for the defaults.
 * SH_EINVAL for a passphrase shorter than SH_SIGN_PASSPHRASE_MIN characters
 * or not UTF-8, SH_ELIMIT for a kdf out of range. Loading is not limited:
 * keys saved under older rules still open. */
int sh_sign_key_save(sh_buf *out, const sh_sign_key *key, const char *passphrase,
		     const sh_sign_kdf *kdf);
/* Same, written atomically to path with mode 0600 (the file must not exist
 * yet: SH_EEXISTS). SH_EIO on write failure. */
int sh_sign_key_save_file(const char *path, const sh_sign_key *key, const char *passphrase,
			  const sh_sign_kdf *kdf);
/* Decrypt a private key file (bytes, len). *out: release with
 * sh_sign_key_free. SH_EBADSIG: wrong passphrase or altered file;
 * SH_EINVAL: not a key file; SH_EVERSION: unknown version; SH_ELIMIT: kdf
 * cost beyond the limits above. */
int sh_sign_key_load(sh_sign_key **out, const void *file, size_t len, const char *passphrase);
/* Same, reading path. SH_ENOTFOUND if missing. */
int sh_sign_key_load_file(sh_sign_key **out, const char *path, const char *passphrase);

/* ---- public key records ---------------------------------------------------- */

/* What the warehouse registers for a signer. Plain data, no pointers. */
typedef struct sh_sign_pubkey {
	uint8_t pub[SH_SIGN_PUBLIC_LEN];
	char key_id[SH_SIGN_KEYID_HEX + 1];
	char name[SH_SIGN_NAME_MAX + 1];     /* officer or desk, UTF-8 */
	char title[SH_SIGN_NAME_MAX + 1];    /* e.g. "Công chức một cửa" */
	char agency[SH_SIGN_AGENCY_MAX + 1]; /* sh_id_agency_check */
	int64_t valid_from;  /* first second it may sign */
	int64_t valid_until; /* first second it may no longer sign, or SH_SIGN_NEVER */
	int64_t revoked_at;  /* signatures from this second on are rejected, or
			      * SH_SIGN_NEVER. Not part of the public key file: the
			      * store sets it from its revocation records. */
} sh_sign_pubkey;

/* Fill *out for key with the given identity and validity (revoked_at =
 * SH_SIGN_NEVER). Strings are copied. SH_EINVAL: empty or over-long name or
 * title, control characters or bad UTF-8 in them, bad agency id,
 * valid_until <= valid_from. */
int sh_sign_pubkey_make(sh_sign_pubkey *out, const sh_sign_key *key, const char *name,
			const char *title, const char *agency, int64_t valid_from,
			int64_t valid_until);
/* Append the public key file of pub (self-signed with key, which must be the
 * key of pub: else SH_EINVAL) to out. */
int sh_sign_pubkey_export(sh_buf *out, const sh_sign_pubkey *pub, const sh_sign_key *key);
/* Parse a public key file and check its self-signature and key id. Sets
 * out->revoked_at = SH_SIGN_NEVER. SH_EINVAL, SH_EBADSIG, SH_EVERSION. */
int sh_sign_pubkey_parse(sh_sign_pubkey *out, const void *file, size_t len);

/* The key-validity rule: may a signature made at time t by this key be
 * accepted? SH_OK when valid_from <= t < valid_until and t < revoked_at;
 * SH_EBADSIG (saying which bound failed) otherwise. Rotation is expressed
 * with these bounds: the old key's valid_until is set to the new key's
 * valid_from, so what the old key signed before stays acceptable. */
int sh_sign_key_usable(const sh_sign_pubkey *pub, int64_t t);

/* ---- raw signatures ---------------------------------------------------------- */

/* PureEdDSA Ed25519 signature of msg (RFC 8032 §5.1.6). */
int sh_sign_sign(uint8_t sig[SH_SIGN_SIG_LEN], const sh_sign_key *key, const void *msg,
		 size_t len);
/* Strict RFC 8032 §5.1.7 verification. SH_OK only if sig_len is 64, the
 * public key is a canonical encoding of a point that is not of small order,
 * R is a canonical point encoding, S < L, and the equation holds; SH_EBADSIG
 * otherwise (the message says which). */
int sh_sign_verify(const uint8_t pub[SH_SIGN_PUBLIC_LEN], const void *msg, size_t len,
		   const uint8_t *sig, size_t sig_len);

/* ---- canonical manifests ------------------------------------------------------- */

/* One fact: name ^[a-z0-9_.-]{1,64}$, value UTF-8 (may be empty). */
typedef struct sh_sign_fact {
	const char *name;
	const char *value;
} sh_sign_fact;

/* One page: SHA-256 of the stored image bytes and of the page's OCR text
 * (UTF-8 as stored); has_text = 0 when the page has no OCR text. A page
 * whose stored image is not the bytes as received (a phone photo
 * rectified) also has the SHA-256 of those bytes, the original
 * (has_original = 1): a third hash on its line, docs/SIGNING.md §4. */
typedef struct sh_sign_page {
	uint8_t image[SH_SHA256_LEN];
	uint8_t text[SH_SHA256_LEN];
	int has_text;
	int has_original;
	uint8_t original[SH_SHA256_LEN];
} sh_sign_page;

/* What is signed when a component, result or later change is stored.
 * Strings are UTF-8; NULL means absent where allowed. In a manifest given to
 * the encoder every pointer is borrowed for the call; in one returned by the
 * parser everything is owned by the manifest (sh_sign_manifest_free). */
typedef struct sh_sign_manifest {
	const char *type;   /* ^[a-z][a-z0-9-]{0,31}$: "component", "result", "change",
			     * "correction", "reuse", "revocation", "rotation" */
	const char *code;   /* dossier or component code; required */
	const char *owner;  /* owner id, or NULL */
	const char *kind;   /* paper kind code, or NULL */
	int has_ref;        /* ref is set: SHA-256 of the manifest this amends */
	uint8_t ref[SH_SHA256_LEN];
	const sh_sign_fact *facts; /* names unique; any order (encoded sorted) */
	size_t nfacts;
	const sh_sign_page *pages; /* in page order */
	size_t npages;
	int64_t time;       /* seconds since the epoch, as claimed by the signer */
	const char *agency; /* sh_id_agency_check */
	char key_id[SH_SIGN_KEYID_HEX + 1]; /* signer; filled in by _sign */
} sh_sign_manifest;

/* Append the canonical bytes of m (without signature) to out. SH_EINVAL for
 * a bad field or duplicate fact name; SH_ELIMIT beyond the limits above. */
int sh_sign_manifest_encode(sh_buf *out, const sh_sign_manifest *m);
/* Parse canonical manifest bytes (no signature line). Rejects anything the
 * encoder would not produce byte for byte. *out: release with
 * sh_sign_manifest_free; facts come back sorted by name. */
int sh_sign_manifest_parse(sh_sign_manifest **out, const void *bytes, size_t len);
/* Release a parsed manifest; sets *m to NULL. NULL-safe. Only for manifests
 * returned by this module. */
void sh_sign_manifest_free(sh_sign_manifest **m);

/* Append the signed manifest (canonical bytes + signature line) to out. The
 * key id written is key's, whatever m->key_id holds. */
int sh_sign_manifest_sign(sh_buf *out, const sh_sign_key *key, const sh_sign_manifest *m);

/* Use the time the manifest claims for the key-validity rule. */
#define SH_SIGN_WHEN_CLAIMED INT64_MIN

/* Check a signed manifest against the signer's record: canonical form, key
 * id equal to pub->key_id, signature, and sh_sign_key_usable(pub, when) —
 * pass when = the trusted time the entry reached the log (the time of the
 * first checkpoint covering it) when known, else SH_SIGN_WHEN_CLAIMED.
 * out: NULL, or receives the parsed manifest (release with
 * sh_sign_manifest_free) on success. */
int sh_sign_manifest_verify(sh_sign_manifest **out, const sh_sign_pubkey *pub, int64_t when,
			    const void *doc, size_t len);

/* Parse a signed manifest (canonical bytes + signature line) WITHOUT
 * checking its signature: for cross-checking indexes against the log, never
 * for trust (use sh_sign_manifest_verify). *out as for _parse. */
int sh_sign_manifest_read(sh_sign_manifest **out, const void *doc, size_t len);

/* The key id a signed manifest or checkpoint names, to look up its
 * sh_sign_pubkey before verifying. Does not verify anything. */
int sh_sign_doc_key_id(char out[SH_SIGN_KEYID_HEX + 1], const void *doc, size_t len);

/* ---- checkpoints ------------------------------------------------------------------ */

/* A signed statement of the log's state. */
typedef struct sh_sign_checkpoint {
	uint64_t size;                      /* number of entries */
	uint8_t root[SH_SHA256_LEN];        /* sh_log_root over them */
	int64_t time;                       /* when it was made */
	char agency[SH_SIGN_AGENCY_MAX + 1];
	char key_id[SH_SIGN_KEYID_HEX + 1]; /* filled in by _sign */
} sh_sign_checkpoint;

/* Append the signed checkpoint text to out. */
int sh_sign_checkpoint_sign(sh_buf *out, const sh_sign_key *key, const sh_sign_checkpoint *cp);
/* Parse and verify a signed checkpoint with the signer's record (key id,
 * signature, sh_sign_key_usable at cp->time). out may be NULL. */
int sh_sign_checkpoint_verify(sh_sign_checkpoint *out, const sh_sign_pubkey *pub,
			      const void *doc, size_t len);

/* ---- the Merkle log (RFC 6962 §2.1, RFC 9162 §2.1) ------------------------------- */

#define SH_LOG_PROOF_MAX 130 /* longest inclusion or consistency proof, in hashes */

/* leaf hash = SHA-256(0x00 || entry); the entry of a signed manifest or
 * event is its whole signed document. */
void sh_log_leaf_hash(uint8_t out[SH_SHA256_LEN], const void *entry, size_t len);
/* node hash = SHA-256(0x01 || left || right). */
void sh_log_node_hash(uint8_t out[SH_SHA256_LEN], const uint8_t left[SH_SHA256_LEN],
		      const uint8_t right[SH_SHA256_LEN]);

/* Where the log's hashes come from (e.g. the LMDB store). */
typedef struct sh_log_source {
	/* Required: the leaf hash of entry index (0-based). A non-zero return
	 * stops the computation and is returned. */
	int (*leaf)(void *arg, uint64_t index, uint8_t out[SH_SHA256_LEN]);
	/* Optional (NULL: always computed): the hash of the perfect subtree
	 * over entries [index << level, (index + 1) << level), level >= 1, if
	 * cached. Return SH_ENOTFOUND to have it computed from the leaves. */
	int (*node)(void *arg, unsigned level, uint64_t index, uint8_t out[SH_SHA256_LEN]);
	void *arg;
} sh_log_source;

/* Root of the first size entries (size 0: SHA-256 of nothing). Reads each
 * leaf once unless node() answers; memory O(log size). */
int sh_log_root(uint8_t out[SH_SHA256_LEN], const sh_log_source *src, uint64_t size);
/* Inclusion proof of entry index in the tree of the first size entries
 * (RFC 6962 PATH). path receives *out_n hashes (<= 64). SH_EINVAL if
 * index >= size. */
int sh_log_inclusion_proof(uint8_t path[][SH_SHA256_LEN], size_t *out_n,
			   const sh_log_source *src, uint64_t index, uint64_t size);
/* Consistency proof between the trees of old_size and new_size entries
 * (RFC 6962 PROOF). Empty when old_size is 0 or equal to new_size. SH_EINVAL
 * if old_size > new_size. */
int sh_log_consistency_proof(uint8_t path[][SH_SHA256_LEN], size_t *out_n,
			     const sh_log_source *src, uint64_t old_size, uint64_t new_size);

/* Pure checks (RFC 9162 §2.1.3.2 and §2.1.4.2). SH_OK or SH_EBADSIG. */
int sh_log_inclusion_verify(const uint8_t leaf[SH_SHA256_LEN], uint64_t index, uint64_t size,
			    const uint8_t path[][SH_SHA256_LEN], size_t n,
			    const uint8_t root[SH_SHA256_LEN]);
/* old_size 0 is consistent with anything (proof must be empty); equal sizes
 * need equal roots and an empty proof. */
int sh_log_consistency_verify(uint64_t old_size, const uint8_t old_root[SH_SHA256_LEN],
			      uint64_t new_size, const uint8_t new_root[SH_SHA256_LEN],
			      const uint8_t path[][SH_SHA256_LEN], size_t n);

/* The right edge of the tree: enough to append and compute the root in
 * O(log n) without reading old entries. Plain data (2 KiB): the store may
 * persist it as is within one machine, or rebuild it with
 * sh_log_frontier_load. */
typedef struct sh_log_frontier {
	uint64_t size;
	uint8_t node[64][SH_SHA256_LEN]; /* node[i]: perfect subtree of 2^i leaves, if bit i of size */
} sh_log_frontier;

/* Empty log. */
void sh_log_frontier_init(sh_log_frontier *f);
/* Rebuild the frontier of the first size entries of src. */
int sh_log_frontier_load(sh_log_frontier *f, const sh_log_source *src, uint64_t size);
/* Append one leaf hash. completed: NULL, or called with every perfect
 * subtree (level >= 1) the append completes, so that the caller can cache
 * them for sh_log_source.node; its non-zero return is returned (the leaf is
 * appended all the same). SH_EFULL at 2^64 - 1 entries. */
int sh_log_frontier_append(sh_log_frontier *f, const uint8_t leaf[SH_SHA256_LEN],
			   int (*completed)(void *arg, unsigned level, uint64_t index,
					    const uint8_t hash[SH_SHA256_LEN]),
			   void *arg);
/* Root of the entries appended so far. */
void sh_log_frontier_root(uint8_t out[SH_SHA256_LEN], const sh_log_frontier *f);

/* ---- proof bundles (bundle.c) -------------------------------------------------- */

/* Called once per problem found, with a message for people. */
typedef void (*sh_sign_report_fn)(void *arg, const char *problem);

/* Parse proof.txt ("sohoa-proof-v1", "index: N", "size: M", then one
 * "path: <64 hex>" line per hash, at most SH_LOG_PROOF_MAX), in the line
 * syntax of docs/SIGNING.md §2: canonical numbers, lower-case hex, every line
 * ending in '\n'; index < size. Reads exactly len bytes of text (no NUL
 * needed after them). SH_EINVAL when malformed; *n is then 0. */
int sh_sign_proof_parse(uint64_t *index, uint64_t *size, uint8_t path[][SH_SHA256_LEN],
			size_t *n, const char *text, size_t len);

/* Verify a proof bundle directory (manifest.sig, checkpoint.sig, proof.txt,
 * page-NNN.{png,jpg,tif}, page-NNN.txt and, for a page signed with an
 * original, original-NNN.{png,jpg,tif}) against trusted public keys
 * only: the checkpoint's signature, the manifest's signature by a key valid
 * at the checkpoint's time, the manifest's inclusion in the checkpoint's
 * tree, and every page image, text and original against the signed
 * hashes (a signed original missing from the folder is a problem). Each
 * problem is reported; SH_OK or SH_EBADSIG. */
int sh_sign_bundle_verify(const char *dir, const sh_sign_pubkey *trust, size_t ntrust,
			  sh_sign_report_fn report, void *arg, size_t *out_problems);

#ifdef __cplusplus
}
#endif
#endif
