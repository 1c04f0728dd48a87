/* Private to warehouse/: the tables of the owners' warehouse. */
#ifndef SH_WH_INT_H
#define SH_WH_INT_H

#include "ledger_int.h"
#include "sh_wh.h"
#include "store_int.h"

/* The next dossier code for receipt time t (dossier.c): an sh_error, or
 * SH_OK with *lrc a failing LMDB code (0 when allocated). */
int wh_next_dossier_code(sh_store *s, MDB_txn *txn, int64_t t, char code[SH_STORE_CODE_MAX],
			 int *lrc);

/* ---- the warehouse of owners (warehouse.c, report.c, access.c) -----------
 * state: paper code → record 'V' (clerk validity, revocation); attach
 * (DUPSORT): dossier → reused paper code; attached (DUPSORT): paper code →
 * dossier it was reused in; rdate: 8-byte BE received time ‖ dossier code →
 * empty (receipt-date index); user: name → role (ASCII); audit: 8-byte BE
 * sequence → record 'A'. */
enum { REC_STATE = 'V', REC_AUDIT = 'A' };
enum { V_UNTIL = 1, V_UNTIL_BY, V_UNTIL_AT, V_REVOKED_AT, V_REASON, V_REVOKED_BY, V_LOG };
enum { A_WHEN = 1, A_USER, A_COMMAND, A_CODE, A_DOSSIER };
/* Index a dossier just written in txn by its receipt time (rdate). Called
 * by every dossier write. */
int wh_dossier_added(sh_store *s, MDB_txn *txn, const char *dossier, int64_t received);
/* rdate key of a dossier into k (at least 8 + SH_STORE_CODE_MAX bytes); its length. */
size_t wh_rdate_key(uint8_t *k, const char *dossier, int64_t received);
/* Validity of a paper (its code, kind, facts, created) at now, in txn. */
int wh_validity(sh_store *s, MDB_txn *txn, const sh_wh_proc_cat *cat, const char *code,
		      const char *kind, const char *facts, int64_t created, int64_t now,
		      sh_wh_validity *out);
/* Decode an audit record (seq left 0). */
/* A paper's clerk-set state (the `state` table): validity set by a clerk
 * and revocation, each also a signed log event. */
typedef struct wh_state {
	int has_until;
	int64_t until; /* SH_WH_NEVER: never */
	char until_by[64];
	int64_t until_at;
	int64_t revoked_at; /* 0: not revoked */
	char reason[512], revoked_by[64];
} wh_state;
/* 1 and *st filled when code has a state record, 0 when none, <0 error
 * (SH_ECORRUPT for a record that cannot be decoded). */
int wh_state_get(sh_store *s, MDB_txn *txn, const char *code, wh_state *st);
int wh_audit_decode(sh_wh_audit_rec *a, const void *data, size_t len);
/* May a paper of kind be offered for reuse (catalogue "reusable"; without
 * a catalogue: all but DON and TL)? */
int wh_kind_reusable(const sh_wh_proc_cat *cat, const char *kind);
/* Validity of a paper from its owner-index summary and its state, at now
 * (validity.nsigned is not filled). */
int wh_validity_sum(sh_store *s, MDB_txn *txn, const sh_wh_proc_cat *cat, const store_osum *o,
			  int64_t now, sh_wh_validity *out);

/* sh_wh_check without the permission check (restore checks a backup). */
int wh_check(sh_store *s, void (*report)(void *, const char *), void *arg,
	     size_t *out_problems);

/* ---- the session (access.c) ---- */
/* The operator to record: the session's when one is begun, else given. */
const char *wh_operator_or(sh_store *s, const char *given);
/* Audit the read of n papers (in dossier, may be NULL) by the session's
 * operator; nothing without a session. */
int wh_audit_session(sh_store *s, const char *const *codes, size_t n, const char *dossier);

/* ---- the citizen's own warehouse (citizen.c, warehouse.c) ---- */
/* Papers of owner (normalised) in txn, no permission check; kind (may be
 * NULL) filters. */
int owner_papers_txn(sh_store *s, MDB_txn *txn, const sh_wh_proc_cat *cat, const char *owner,
		     const char *kind, int64_t now, sh_wh_owner_paper **out, size_t *n);
/* The companies that authorised person (citizen.c): up to max tax codes
 * into out. */
/* sh_wh_attach without the permission check: a paper a citizen shared,
 * attached at the desk (citizen.c). */
int wh_attach(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat, const char *dossier,
	      const char *code, const char *operator_id, int64_t when, uint64_t *out_index);
/* sh_wh_paper_get in a citizen session: owner checked, refusals audited. */
int wh_citizen_paper_get(sh_store *s, const char *code, sh_store_paper_rec **out);
int wh_delegations_of(sh_store *s, const char *person, char (*out)[16], size_t max, size_t *n);

#endif
