/*
 * sh_ledger.h — the signed log of the warehouse: the registry of signing
 * keys, an RFC 6962 Merkle log of signed documents (each stored paper's
 * manifest and later events about it: reuse, revocation, validity, key
 * rotation), signed checkpoints, inclusion and consistency proofs, and the
 * verification of stored papers against what was signed. Built on the
 * storage engine (sh_store.h) and signing/ (sh_sign.h); it shares the
 * sh_store handle and has no state of its own.
 *
 * Conventions as in sh_store.h. Expected errors: SH_ENOTFOUND, SH_EINVAL,
 * SH_EEXISTS, SH_EBADSIG (a signature or a verified paper failed),
 * SH_ECORRUPT, SH_ENOMEM, SH_EIO, SH_EFULL.
 */
#ifndef SH_LEDGER_H
#define SH_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"
#include "sh_sign.h"
#include "sh_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- keys and the signed log (log.c, verify.c) --------------------------
 * Every paper stored with a key gets a signed manifest (signing/sh_sign.h)
 * appended to an RFC 6962 Merkle log in the same transaction, and each
 * write transaction ends with a signed checkpoint. */

/* Register a public key file (sh_sign_pubkey_export). SH_EEXISTS, SH_EINVAL
 * (another agency), SH_EBADSIG (self-signature). */
int sh_ledger_key_register(sh_store *store, const void *file, size_t len);
/* A registered key with the store's retirement/revocation applied to its
 * validity. reason (may be NULL): revocation reason or NULL, caller sh_free. */
int sh_ledger_key_get(sh_store *store, const char *key_id, sh_sign_pubkey *out, char **reason);
/* The key's public key file as registered. *out: caller sh_free. */
int sh_ledger_key_file(sh_store *store, const char *key_id, uint8_t **out, size_t *out_len);
/* All registered keys. *out: caller sh_free. */
int sh_ledger_key_list(sh_store *store, sh_sign_pubkey **out, size_t *n);
/* Revoke key_id from time when (0: now): signatures made from then on are
 * rejected, earlier ones stay valid. A signed "revocation" event made with
 * actor. SH_EINVAL without a reason. */
int sh_ledger_key_revoke(sh_store *store, const sh_sign_key *actor, const char *key_id,
			int64_t when, const char *reason);
/* Retire key_id from when (rotation to a new key), as a signed "rotation" event. */
int sh_ledger_key_retire(sh_store *store, const sh_sign_key *actor, const char *key_id,
			int64_t when);

/* Make a key for signer (name, title) of this warehouse's agency, valid
 * for days (0: until retired), save it encrypted with pass at path (mode
 * 0600; folders above made; SH_EEXISTS if path exists) and register it;
 * the file is removed again when the registration fails. *out: the key
 * (sh_sign_key_free); *pub: its public record. (keys.c) */
int sh_ledger_key_new(sh_store *store, const char *path, const char *pass, const char *signer,
		      const char *title, long days, sh_sign_key **out, sh_sign_pubkey *pub);
/* Rotate the key old, whose file is path: a new key for the same signer is
 * made at path.new and registered, old is retired from now (a signed
 * "rotation" event made with old; its signatures stay valid), then old's
 * file becomes path.<key id>.retired and the new one path. *pub: the new
 * key, *oldpub: the old one; *retired_path: where old's file went (caller
 * sh_free). SH_EIO when only the swap of files failed (the message names
 * the new key's file). */
int sh_ledger_key_rotate(sh_store *store, const sh_sign_key *old, const char *path,
			 const char *pass, sh_sign_pubkey *pub, sh_sign_pubkey *oldpub,
			 char **retired_path);

/* Number of log entries. */
int sh_ledger_size(sh_store *store, uint64_t *out);
/* Entry index (a signed document). *out: caller sh_free. SH_ENOTFOUND. */
int sh_ledger_entry(sh_store *store, uint64_t index, uint8_t **out, size_t *out_len);
/* Indexes of every entry about code (its manifest, later events), oldest
 * first. *out: caller sh_free. */
int sh_ledger_entries_of(sh_store *store, const char *code, uint64_t **out, size_t *n);
/* The signed checkpoint of the log at size (0: the latest; otherwise the
 * first checkpoint whose size is at least size). *out: caller sh_free;
 * *out_size (may be NULL) its tree size. */
int sh_ledger_checkpoint(sh_store *store, uint64_t size, uint8_t **out, size_t *out_len,
			uint64_t *out_size);
/* Sizes of every checkpoint, ascending. *out: caller sh_free. */
int sh_ledger_checkpoint_sizes(sh_store *store, uint64_t **out, size_t *n);
/* Inclusion proof of entry index in the tree of size entries (path holds
 * up to SH_LOG_PROOF_MAX hashes), and the entry's stored leaf hash. */
int sh_ledger_inclusion(sh_store *store, uint64_t index, uint64_t size,
			   uint8_t path[][SH_SHA256_LEN], size_t *n, uint8_t leaf[SH_SHA256_LEN]);
int sh_ledger_consistency(sh_store *store, uint64_t old_size, uint64_t new_size,
			     uint8_t path[][SH_SHA256_LEN], size_t *n);
/* Root of the first size entries from the stored hashes (from_entries: from
 * the leaf hashes only, ignoring cached subtrees). */
int sh_ledger_root(sh_store *store, uint64_t size, int from_entries,
		      uint8_t root[SH_SHA256_LEN]);

/* Called once per problem found: code (a paper code, or "log"), message. */
typedef void (*sh_ledger_verify_fn)(void *arg, const char *code, const char *problem);

/* Verify a dossier's papers or one paper: image bytes against their hashes,
 * the signed manifest (signature; key valid when the entry reached the log)
 * against the record (owner, kind, facts, page images, text), and inclusion
 * in the latest signed checkpoint. SH_OK, or SH_EBADSIG when any problem
 * was reported. */
int sh_ledger_verify(sh_store *store, const char *code, sh_ledger_verify_fn report, void *arg,
		    size_t *out_problems);

/* Before an export: paper code's page bytes re-hashed, and its record and
 * page hashes compared with its signed manifest (as sh_ledger_verify).
 * SH_OK, or SH_EBADSIG naming the paper and the first difference. A paper
 * stored without a key (no manifest) passes. */
int sh_ledger_check_paper(sh_store *store, const char *code);

typedef struct sh_ledger_verify_stats {
	size_t papers;
	uint64_t log_entries;
	size_t problems;
} sh_ledger_verify_stats;

/* Everything: the whole log (each entry against its recorded hash, each
 * checkpoint's root recomputed from the entries, signature, consistency with
 * the previous checkpoint) and every paper as sh_ledger_verify does, on
 * `workers` threads (0: one per core). report may be called from any of
 * them, one call at a time. progress (may be NULL) is called with arg and
 * the papers verified / papers in all (sh_progress_fn), under the same
 * lock as report. */
int sh_ledger_verify_all(sh_store *store, int workers, sh_ledger_verify_fn report, void *arg,
			sh_progress_fn progress, sh_ledger_verify_stats *stats);

/* The audit trail against the seals listed in the signature index (the
 * part of sh_ledger_verify_all that sh_wh_check runs too). */
int sh_ledger_verify_audit(sh_store *store, sh_ledger_verify_fn report, void *arg,
			   size_t *out_problems);

/* Seal the audit trail now: a signed "audit" entry with the chain head of
 * every row so far (docs/SIGNING.md §8), and a checkpoint. Every signed
 * write seals it too; this is for an office that wants the reads of a day
 * sealed without storing anything (`sohoa audit seal`). */
int sh_ledger_audit_seal(sh_store *store, const sh_sign_key *key, int64_t when);

/* Write a proof bundle for paper code into dir (created if missing): its
 * page images and texts, signed manifest, the first checkpoint covering it,
 * the inclusion proof, the signers' public keys and a README. Checked by
 * sh_sign_bundle_verify with no warehouse. */
int sh_ledger_export_proof(sh_store *store, const char *code, const char *dir);
#ifdef __cplusplus
}
#endif
#endif
