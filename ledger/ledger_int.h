/* Private to ledger/ and warehouse/ (which signs events in its own write
 * transactions): appending to the signed log inside a caller's transaction. */
#ifndef SH_LEDGER_INT_H
#define SH_LEDGER_INT_H

#include "sh_ledger.h"
#include "store_int.h"

/* Append a signed event about `code` to the log inside the caller's write
 * transaction: a manifest of `type` ("reuse", "revocation", "validity",
 * "correction", ...) with the given facts, signed with key, its leaf added
 * to the Merkle tree and a new signed checkpoint written, all in txn.
 * *out_index (may be NULL) receives its log index. */
int ledger_event(sh_store *s, MDB_txn *txn, const sh_sign_key *key, const char *type,
		    const char *code, const char *owner, const sh_sign_fact *facts,
		    size_t nfacts, int64_t when, uint64_t *out_index);
/* Several entries in one transaction: begin (read the right edge), sign and
 * append each manifest, commit (save the edge, write a signed checkpoint). */
int ledger_begin(sh_store *s, MDB_txn *txn, sh_log_frontier *f);
int ledger_sign_append(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const sh_sign_key *key,
			  const sh_sign_manifest *m, uint64_t *out_index);
int ledger_commit(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const sh_sign_key *key,
		     int64_t when);

/* ---- the audit chain (audit.c) ----
 * One step of the chain over the audit table's rows: head ← SHA-256(
 * "sohoa-audit-v1\n" ‖ head ‖ 8-byte BE seq ‖ val). SH_OK or SH_ENOMEM. */
int ledger_audit_step(uint8_t head[SH_SHA256_LEN], uint64_t seq, const void *val, size_t len);
/* Append row val at the next sequence through cursor c (on s->audit, in
 * txn) and advance the running head. An sh_error, or SH_OK with *lrc a
 * failing LMDB code. */
int ledger_audit_append(sh_store *s, MDB_txn *txn, MDB_cursor *c, const void *val, size_t len,
			int *lrc);
/* Append a signed "audit" seal (code "audit", facts size and head) when
 * rows were added since the last seal. Called by ledger_commit. */
int ledger_audit_seal(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const sh_sign_key *key,
		      int64_t when);
/* The number of operators the last seal recorded (0: none or no seal). */
int ledger_sealed_users(sh_store *s, MDB_txn *txn, uint64_t *users);

#endif
