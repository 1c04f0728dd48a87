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

/* The next archive record code <agency>-LT<YY>-NNNNNN for digitising time
 * t (archive.c), as wh_next_dossier_code. */
int wh_next_archive_code(sh_store *s, MDB_txn *txn, int64_t t, char code[SH_STORE_CODE_MAX],
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
/* ---- the catalogue (catalogue.c) ----
 * A kind as the warehouse uses it: from the kind catalogue (paper/kinds.json)
 * or an office file's legacy "kinds" object. */
enum { RULE_NONE = 0, RULE_NEVER, RULE_PRINTED, RULE_DAYS, RULE_UNTIL };
struct wh_kind {
	char *code, *name;
	int rule, days, reusable;
	char until[16]; /* RULE_UNTIL: the last day, "YYYY-MM-DD" */
};
/* The kind of code in cat, or NULL (unknown kind or no catalogue). */
const struct wh_kind *wh_kind_get(const sh_wh_proc_cat *cat, const char *kind);
/* May a paper of kind be offered for reuse (the kind's "reusable"; an
 * unknown kind may)? */
int wh_kind_reusable(const sh_wh_proc_cat *cat, const char *kind);
/* The kind of a paper given without one: the kind catalogue's "other" kind
 * ("TL"), into *out (static storage). An sh_error when the kind catalogue
 * cannot be read. */
int wh_kind_default(const char **out);
/* Validity of a paper from its owner-index summary and its state, at now
 * (validity.nsigned is not filled). */
int wh_validity_sum(sh_store *s, MDB_txn *txn, const sh_wh_proc_cat *cat, const store_osum *o,
			  int64_t now, sh_wh_validity *out);

/* The signed component or result manifest of paper code, read from the
 * log in txn (check.c): SH_OK and *out (sh_sign_manifest_free), SH_ENOTFOUND
 * when there is none, or an error. */
int wh_signed_manifest(sh_store *s, MDB_txn *txn, const char *code, sh_sign_manifest **out);
/* May a paper with signed manifest m be filed under owner k: its signed
 * owner, or the owner id it names (a signed fact)? */
int wh_owner_allowed(const sh_sign_manifest *m, const MDB_val *k);

/* The number of signed log entries about paper code, 0 when its record
 * differs from its signed manifest (kind, facts, time: shown "unsigned"),
 * or SH_ENOMEM. */
int wh_signed_count(sh_store *s, MDB_txn *txn, const char *code, const char *kind,
		    const char *facts, int64_t created);

/* sh_wh_check without the permission check (restore checks a backup). */
int wh_check(sh_store *s, void (*report)(void *, const char *), void *arg,
	     size_t *out_problems);

/* ---- operators in the audit trail (access.c, cred.c) ---- */
/* Record an operator change in txn as an audit row (command "user add",
 * "user del", "user passwd", "user disable", "user enable"; name; role, or
 * for passwd the digest of the hash). A warehouse whose operators predate
 * the chain first gets "user import" rows. An sh_error, or SH_OK with *lrc
 * a failing LMDB code. */
int wh_user_event(sh_store *s, MDB_txn *txn, const char *command, const char *name,
		  const char *role, int *lrc);
/* name's credentials in txn: *disabled, and when a password is set *has = 1
 * and pw = the first 16 bytes of SHA-256(encoded hash) in hex. */
int wh_cred_digest(sh_store *s, MDB_txn *txn, const char *name, int *disabled, char pw[33],
		   int *has);

/* ---- the session (access.c) ---- */
/* The operator to record: the session's when one is begun, else given. */
const char *wh_operator_or(sh_store *s, const char *given);
/* Entries of the audit of reads: n codes read by user through command (in
 * dossier, may be NULL) at when; a list through next. done, rc, msg: for
 * the group commit (audit_batch.c). */
typedef struct wh_audit_node {
	struct wh_audit_node *next;
	const char *user, *command, *dossier;
	const char *const *codes;
	size_t n;
	int64_t when;
	int done, rc;
	char msg[256];
	struct sh_wh_audit_ticket *ticket; /* a deferred entry's (heap node), or NULL */
} wh_audit_node;
/* Write every entry of list in one transaction (audit_batch.c). */
int wh_audit_write(sh_store *s, const wh_audit_node *list);
/* Audit the read of n papers (in dossier, may be NULL) by the session's
 * operator; nothing without a session. */
int wh_audit_session(sh_store *s, const char *const *codes, size_t n, const char *dossier);

/* The audit group made for handle s (sh_wh_audit_group_new), or NULL. */
sh_wh_audit_group *wh_audit_group_of(const sh_store *s);
/* Audit n codes through g: queued on this thread's ticket while it defers
 * on s (sh_wh_audit_defer_begin), else written before this returns. */
int wh_audit_group_queue(sh_wh_audit_group *g, const sh_store *s, const char *user,
			 const char *command, const char *const *codes, size_t n,
			 const char *dossier);

/* sh_wh_station_list without the permission check (a station's session). */
int wh_station_names(sh_store *s, char (**out)[33], size_t *n);

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

/* sh_wh_import without the permission check, with hook (may be NULL) run
 * inside the same write transaction after the papers are filed and their
 * log entries committed (and again from the start when the map grows):
 * what a replica's position is recorded with (replica.c). */
/* A revocation (reason set) or a clerk's validity (until) of paper code in
 * txn, signed with key as sh_wh_revoke / sh_wh_validity_set do, no
 * permission check (warehouse.c): an office's event replayed at the
 * province. SH_EEXISTS when already revoked, SH_ENOTFOUND. */
int wh_change_txn(sh_store *s, MDB_txn *txn, const sh_sign_key *key, const char *code,
		  const char *reason, int64_t until, const char *op, int64_t when);
typedef int (*wh_import_hook)(sh_store *s, MDB_txn *txn, void *arg);
int wh_import(sh_store *s, const sh_sign_key *key, const char *from,
	      const sh_wh_import_paper *papers, size_t n, sh_wh_import_stats *out,
	      wh_import_hook hook, void *hook_arg);

/* attach_fn of sh_wh_attach in txn, no permission check: a paper fetched
 * from the province, attached in its import's transaction (repaper.c). */
int wh_attach_txn(sh_store *s, MDB_txn *txn, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		  const char *dossier, const char *code, const char *operator_id, int64_t when,
		  uint64_t *out_index);
/* replica.c for repaper.c: the key key_id trusted for office agency in txn
 * (SH_ENOTFOUND); the paper as sent against its verified manifest
 * (SH_EBADSIG); the replica's size (*known 0: office not trusted). */
int wh_office_key(sh_store *s, MDB_txn *txn, const char *agency, const char *key_id,
		  sh_sign_pubkey *out);
int wh_paper_check(const sh_sign_manifest *m, const sh_wh_import_paper *p);
int wh_repl_size(sh_store *s, MDB_txn *txn, const char *agency, uint64_t *size, int *known);
/* The "paper" object of a replica page for code (NULL when missing). */
struct json_t *wh_repl_paper_json(sh_store *s, const char *code);

#endif
