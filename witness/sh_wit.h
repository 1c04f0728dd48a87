/*
 * sh_wit.h — witnesses of the warehouse's log (docs/SIGNING.md
 * "Witnesses"), after C2SP tlog-checkpoint, signed-note, tlog-witness and
 * tlog-cosignature: the office's checkpoint as a signed note, a witness
 * that cosigns a new checkpoint only after checking a consistency proof
 * from the size it last cosigned (refusing forks and shrinks), and the
 * office side: which witnesses it trusts, obtaining and storing their
 * cosignatures, and catching a warehouse whose log is shorter than or
 * inconsistent with what a witness cosigned (rollback).
 *
 * Three parts:
 *   - notes (note.c): pure parsing and formatting of checkpoint notes,
 *     verifier keys, note signatures, cosignature/v1 and add-checkpoint
 *     requests; no I/O, no global state, reentrant;
 *   - the witness (state.c): its own key and, per log origin, the trusted
 *     log keys and the latest cosigned checkpoint, in its own directory;
 *     check-and-update under an exclusive lock (flock), files written
 *     atomically;
 *   - the office (office.c): configuration in <warehouse>/witnesses,
 *     cosigned checkpoints in <warehouse>/witnessed/, requests to witnesses
 *     by directory or over HTTP (client/).
 *
 * Conventions as in sh_sign.h: int return, SH_OK or an sh_error code with a
 * message; the module never prints. Expected errors: SH_EINVAL (malformed
 * note, key or request), SH_EBADSIG (a signature or proof fails, a fork or
 * a rollback), SH_ENOTFOUND (unknown origin, no witness state), SH_EEXISTS,
 * SH_ELIMIT, SH_EIO, SH_ENOMEM.
 */
#ifndef SH_WIT_H
#define SH_WIT_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"
#include "sh_sign.h"
#include "sh_store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_WIT_NAME_MAX 255    /* bytes of a key name or origin */
#define SH_WIT_SIGS_MAX 32     /* signature lines read from one note */
#define SH_WIT_NOTE_MAX 16384  /* bytes of a note or request */
#define SH_WIT_EXT_MAX 8       /* extension lines in a checkpoint body */
#define SH_WIT_PROOF_MAX 63    /* consistency proof lines in a request */

/* signed-note signature types (first byte of a verifier key) */
#define SH_WIT_TYPE_ED25519 0x01 /* a log's Ed25519 note signature */
#define SH_WIT_TYPE_COSIG 0x04   /* cosignature/v1 (Ed25519) */

/* A verifier key, "<name>+<8 hex key id>+<base64(type ‖ public key)>". */
typedef struct sh_wit_vkey {
	char name[SH_WIT_NAME_MAX + 1];
	uint8_t id[4];     /* SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4] */
	uint8_t type;      /* SH_WIT_TYPE_* */
	uint8_t pub[SH_SIGN_PUBLIC_LEN];
} sh_wit_vkey;

/* One signature line "— <name> <base64(key id ‖ signature bytes)>". */
typedef struct sh_wit_sig {
	char name[SH_WIT_NAME_MAX + 1];
	uint8_t id[4];
	uint8_t sig[80]; /* after the key id: 64 (note) or 72 (cosignature) bytes */
	size_t sig_len;
} sh_wit_sig;

/* A parsed checkpoint note (C2SP tlog-checkpoint): the body is the origin
 * line, the tree size, the base64 root hash and extension lines; then an
 * empty line and the signature lines. */
typedef struct sh_wit_note {
	char origin[SH_WIT_NAME_MAX + 1];
	uint64_t size;
	uint8_t root[SH_SHA256_LEN];
	size_t body_len;   /* bytes of the body, its last '\n' included */
	int has_seq;       /* extension "sohoa-dossier-seq YYMMDD N" present */
	char seq_day[7];   /* its day, YYMMDD */
	unsigned seq;      /* the highest dossier sequence issued that day */
	size_t nsigs;
	sh_wit_sig sigs[SH_WIT_SIGS_MAX];
} sh_wit_note;

/* ---- notes (note.c) ------------------------------------------------------ */

/* Parse a checkpoint note of len bytes. Refuses: no signature line, more
 * than SH_WIT_SIGS_MAX, lines not ending in '\n', an empty origin, a
 * non-canonical size, a root that is not 32 bytes of canonical base64, an
 * unknown extension line (except ones not starting with "sohoa-"), bytes
 * below 0x20 or not UTF-8 in names. */
int sh_wit_note_parse(sh_wit_note *out, const void *text, size_t len);
/* Append a checkpoint body: origin, size, root, then the sequence
 * extension when day is not NULL. */
int sh_wit_note_body(sh_buf *out, const char *origin, uint64_t size,
		     const uint8_t root[SH_SHA256_LEN], const char *day, unsigned seq);
/* Append the Ed25519 note signature line of key under name over body. */
int sh_wit_note_sign(sh_buf *out, const sh_sign_key *key, const char *name, const void *body,
		     size_t body_len);
/* Append a cosignature/v1 line of key under name over body at time t:
 * Ed25519 over "cosignature/v1\ntime <t>\n" ‖ body. */
int sh_wit_cosign(sh_buf *out, const sh_sign_key *key, const char *name, const void *body,
		  size_t body_len, uint64_t t);
/* Does note (parsed from text) carry a valid signature by k (of either
 * type)? SH_OK (t, may be NULL: the cosignature's time, 0 for a note
 * signature); SH_ENOTFOUND when no line names k; SH_EBADSIG when a line
 * names k and fails. */
int sh_wit_note_verify(const sh_wit_note *note, const void *text, const sh_wit_vkey *k,
		       uint64_t *t);

/* Parse a verifier key. */
int sh_wit_vkey_parse(sh_wit_vkey *out, const char *s, size_t len);
/* Format the verifier key of pub under name. *out: caller sh_free. */
int sh_wit_vkey_format(char **out, const char *name, uint8_t type,
		       const uint8_t pub[SH_SIGN_PUBLIC_LEN]);

/* An add-checkpoint request body (tlog-witness): "old N\n", one base64
 * hash per line (the consistency proof), an empty line, the note. */
int sh_wit_request_make(sh_buf *out, uint64_t old, const uint8_t proof[][SH_SHA256_LEN],
			size_t n, const void *note, size_t note_len);
/* Parse one. *note_off: where the note starts. SH_EINVAL when malformed
 * (more than SH_WIT_PROOF_MAX proof lines included). */
int sh_wit_request_parse(uint64_t *old, uint8_t proof[][SH_SHA256_LEN], size_t *n,
			 size_t *note_off, const void *body, size_t len);

/* Standard base64 (RFC 4648 §4) with padding. decode: SH_EINVAL unless
 * canonical; *out_len receives the length (at most cap). */
int sh_wit_b64_encode(sh_buf *out, const uint8_t *data, size_t len);
int sh_wit_b64_decode(uint8_t *out, size_t cap, size_t *out_len, const char *s, size_t len);

/* ---- the witness (state.c) ----------------------------------------------- */

typedef struct sh_wit sh_wit;

/* Create a witness in dir (created, mode 0700): a new Ed25519 key kept in
 * dir/witness.key (0600; the witness signs unattended) and its name.
 * SH_EEXISTS if dir already holds one. */
int sh_wit_create(const char *dir, const char *name);
/* Open the witness in dir. *out: sh_wit_close. SH_ENOTFOUND: none there. */
int sh_wit_open(sh_wit **out, const char *dir);
void sh_wit_close(sh_wit **w);
/* The witness's cosignature verifier key. *out: caller sh_free. */
int sh_wit_own_vkey(const sh_wit *w, char **out);
/* Trust vkey (an Ed25519 note key named origin) for the log origin. */
int sh_wit_log_add(sh_wit *w, const char *origin, const char *vkey);
/* Handle an add-checkpoint request: *status receives the HTTP status the
 * protocol gives (200, 400, 403, 404, 409, 422) and resp its body (the
 * cosignature line, or on 409 for a size mismatch the witnessed size and a
 * newline). SH_OK only with 200; otherwise the error, with a message
 * naming the sizes. Check and update are one step under the lock. */
int sh_wit_add_checkpoint(sh_wit *w, const void *req, size_t len, unsigned *status,
			  sh_buf *resp);
/* The latest checkpoint cosigned for origin, as a note with its
 * signatures. SH_ENOTFOUND if none. */
int sh_wit_latest(sh_wit *w, const char *origin, sh_buf *out);

/* ---- the office (office.c) ----------------------------------------------- */

typedef void (*sh_wit_report_fn)(void *arg, const char *problem);

/* The log's origin, "sohoa/<agency id>". *out: caller sh_free. */
int sh_wit_origin(sh_store *s, char **out);
/* The note verifier key of key for this warehouse's origin, for a
 * witness's operator to trust (sohoa witness add-log). *out: sh_free. */
int sh_wit_office_vkey(sh_store *s, const sh_sign_key *key, char **out);
/* Trust a witness: where is a directory or an http(s):// URL prefix (its
 * add-checkpoint is where/add-checkpoint); vkey its cosignature key, or
 * NULL to read it from the directory or ask the URL (where/key: trust on
 * first use, printed by the front end for comparison). Written to
 * <warehouse>/witnesses. *out_vkey (may be NULL): the key trusted. */
int sh_wit_office_add(sh_store *s, const char *where, const char *vkey, char **out_vkey);
/* The witnesses configured: where[i] and vkey[i]. Free with
 * sh_wit_office_list_free. */
int sh_wit_office_list(sh_store *s, char ***where, char ***vkeys, size_t *n);
void sh_wit_office_list_free(char ***where, char ***vkeys, size_t n);
/* Make a checkpoint note of the log as it is now, signed with key, have
 * every configured witness cosign it, and store it with the cosignatures
 * in <warehouse>/witnessed/. Each witness that refuses is reported (a fork
 * or a rollback is SH_EBADSIG). *cosigned: witnesses that cosigned. */
int sh_wit_office_checkpoint(sh_store *s, const sh_sign_key *key, sh_wit_report_fn report,
			     void *arg, size_t *cosigned);
/* The rollback check of verify --all: ask every configured witness, and
 * where (may be NULL: a witness the verifier names itself, whatever the
 * warehouse's list says) with its key vkey, for the latest checkpoint it
 * cosigned for this log (and read the stored ones) and check that the log
 * is at least that long and consistent with it. Each problem reported
 * naming the sizes. SH_OK or SH_EBADSIG; SH_EINVAL for a bad vkey. */
int sh_wit_office_check(sh_store *s, const char *where, const char *vkey, sh_wit_report_fn report,
			void *arg, size_t *problems);
/* The latest witnessed checkpoint of the store's origin from the witnesses
 * configured in dir (a warehouse folder, its witnesses file) with a valid
 * cosignature; SH_ENOTFOUND when none. */
int sh_wit_office_latest(const char *dir, const char *origin, sh_wit_note *out);
/* Restore backup src into dir as sh_wh_restore does, refusing a backup
 * whose log is shorter than or inconsistent with the latest witnessed
 * checkpoint (SH_EBADSIG naming the sizes) unless accept_rollback; then the
 * dossier code sequence is raised above the witnessed log's so that no
 * code is issued twice. */
int sh_wit_restore(const char *src, const char *dir, int replace, int accept_rollback);

/* ---- proof bundles (bundle.c) ---------------------------------------------- */

/* Add to the proof bundle of paper code in dir (made by
 * sh_ledger_export_proof) the status as of now: status-checkpoint.sig (the
 * latest signed checkpoint), event-<i>.sig and event-<i>.proof for every
 * later signed entry about the paper and about its signing key
 * (revocation, rotation, validity, reuse), key-status.txt (for people), and
 * the latest witnessed checkpoint covering the paper with its cosignatures
 * (checkpoint.note) and the manifest's inclusion proof in it
 * (witness-proof.txt). */
int sh_wit_bundle_extend(sh_store *s, const char *code, const char *dir);
/* Verify a bundle: sh_sign_bundle_verify, then every file of the folder is
 * one the bundle format names for the manifest's pages (a second image of a
 * page or an unlisted page is a problem), the status files (signed by
 * trusted keys, included in the signed status checkpoint): a revoked paper
 * is a problem, and so is a key revoked before the manifest reached the log
 * (a revocation after it is a note); the witnessed checkpoint: signed by a
 * trusted key for its origin, including the manifest, cosigned by at least
 * one of witnesses when nw > 0. problem and note (may be NULL) are called
 * per finding. SH_OK or SH_EBADSIG. */
int sh_wit_bundle_verify(const char *dir, const sh_sign_pubkey *trust, size_t ntrust,
			 const sh_wit_vkey *witnesses, size_t nw, sh_wit_report_fn problem,
			 sh_wit_report_fn note, void *arg, size_t *problems);

#ifdef __cplusplus
}
#endif
#endif
