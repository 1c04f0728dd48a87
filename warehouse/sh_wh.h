/*
 * sh_wh.h — the warehouse of persons and organisations (Kho quản lý dữ
 * liệu điện tử của tổ chức, cá nhân): dossiers received and their
 * component papers, filed under their owner; validity, revocation, reuse in
 * later dossiers, search, reports, operators and their roles, the audit of
 * reads, consistency check, backup. Built on the storage engine (sh_store.h,
 * whose handle it uses) and the signed log (sh_ledger.h).
 *
 * Every write is one LMDB write transaction: a dossier is stored whole or not
 * at all, and codes are allocated inside that same transaction, so two
 * processes writing at once never share a code and an aborted write leaves
 * no gap. Schema: docs/ARCHITECTURE.md; record encoding: docs/FORMATS.md;
 * the domain: docs/WAREHOUSE.md.
 *
 * Conventions as in sh_store.h. Thread safety: as the sh_store handle.
 */
#ifndef SH_WH_H
#define SH_WH_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"
#include "sh_ledger.h"
#include "sh_sign.h"
#include "sh_store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_WH_SEQ_MAX 9999      /* dossiers per agency per day (4 digits) */

/* ---- writing a dossier -------------------------------------------------- */

/* One page as it enters the warehouse. All pointers borrowed for the call. */
typedef struct sh_wh_page_in {
	const uint8_t *image;  /* archival bytes (see sh_scan_file_page_bytes) */
	size_t image_len;
	const char *mime;      /* "image/png", "image/jpeg", "image/tiff" */
	const char *text;      /* OCR text, UTF-8 (stored NFC) */
	const char *hocr;      /* hOCR, or NULL */
	int width, height, dpi;
	int rotation;          /* degrees applied by clean-up */
	float confidence;      /* mean word confidence 0..100 */
	unsigned flags;        /* SH_PAGE_* from sh_ocr.h */
	const char *note;      /* why flagged, or NULL */
	const char *make;      /* scanner vendor and model, or NULL */
	const char *model;
	/* The bytes as received when image is not them (a phone photo whose
	 * image is the page rectified out of it, a page whose pixels were
	 * changed), or NULL: stored as a second blob of the page and signed
	 * with it (docs/FORMATS.md, docs/SIGNING.md §4). Never for a page
	 * stored as received or only turned losslessly. */
	const uint8_t *original;
	size_t original_len;
	const char *original_mime; /* "image/jpeg", "image/png", "image/tiff" */
} sh_wh_page_in;

/* One component paper. */
typedef struct sh_wh_paper_in {
	const char *file;      /* the name it arrived under (stored as given) */
	const char *kind;      /* kind code, ASCII [A-Z0-9]{1,12} ("GKS"); NULL: the kind
				* catalogue's "other" kind, "TL" */
	const char *facts;     /* extracted facts as a JSON object, or NULL */
	const sh_sign_fact *fact_list; /* the same facts as name/value pairs, signed */
	size_t nfacts;
	unsigned flags;        /* SH_PAPER_* */
	const char *search_text; /* more words to find the paper by (its kind's name,
				  * its facts), or NULL: indexed, not stored */
	const char *named_owner; /* the (valid) owner id the paper itself names, or
				  * NULL; when it differs from the dossier's owner the
				  * paper is also filed under it (a child's birth
				  * certificate in a parent's dossier) */
	size_t npages;
	const sh_wh_page_in *pages;
} sh_wh_paper_in;

enum sh_wh_paper_flag {
	SH_WH_PAPER_OWNER_MISMATCH = 1u << 0, /* names an owner id other than the dossier's */
	SH_WH_PAPER_REVIEW = 1u << 1,         /* some page flagged blank / rescan */
	SH_WH_PAPER_RESULT = 1u << 2,         /* a result of the procedure (KQ code) */
	SH_WH_PAPER_IMPORTED = 1u << 3        /* filed from another office's bag (sh_wh_import) */
};

typedef struct sh_wh_dossier_in {
	const char *owner;      /* checked with sh_id_owner_check */
	const char *procedure;  /* procedure code, e.g. "1.001193" */
	int64_t received;       /* receipt time (unix s); 0: now */
	const char *operator_id;/* who received it, or NULL */
	const sh_sign_key *key; /* signs every paper's manifest (borrowed); NULL: the
				 * papers are stored unsigned and `verify` says so */
	const char *idem_key;   /* idempotency key (e.g. "batch:<id>", "file:<sha256>"),
				 * or NULL: a put whose key was already stored stores
				 * nothing and returns that dossier's codes */
	int archive;            /* 1: an archive record of the backlog, coded
				 * <agency>-LT<YY>-NNNNNN (see "the backlog" below) */
	size_t npapers;
	const sh_wh_paper_in *papers;
} sh_wh_dossier_in;

/* Codes given to a stored dossier. */
typedef struct sh_wh_dossier_codes {
	char dossier[SH_STORE_CODE_MAX];
	size_t npapers;
	char (*papers)[SH_STORE_CODE_MAX]; /* npapers entries, same order as the input */
	int existing;                /* 1: idem_key was already stored; nothing new */
} sh_wh_dossier_codes;
void sh_wh_dossier_codes_free(sh_wh_dossier_codes **codes);

/* Store a dossier whole, allocating its code <agency>-YYMMDD-NNNN (receipt
 * date in local time) and one code per paper (docs/ARCHITECTURE.md).
 * *out: free with sh_wh_dossier_codes_free. Errors: SH_EINVAL (bad owner,
 * procedure, kind or UTF-8), SH_EFULL (disk full, or 9999 dossiers that
 * day), SH_EIO. On error nothing of the dossier is stored. */
int sh_wh_dossier_put(sh_store *store, const sh_wh_dossier_in *in, sh_wh_dossier_codes **out);

/* Store the result papers of a dossier (Nghị định 45/2020/NĐ-CP Điều 14),
 * each coded <dossier>-KQ<n>, n counting the dossier's results from 1; the
 * dossier record lists them. key signs each ("result" manifest). codes:
 * npapers entries filled. SH_ENOTFOUND (no such dossier). */
int sh_wh_result_put(sh_store *store, const char *dossier, const sh_wh_paper_in *papers,
			size_t npapers, const sh_sign_key *key, char (*codes)[SH_STORE_CODE_MAX]);
/* ---- finding ----------------------------------------------------------- */

typedef struct sh_wh_hit {
	char code[SH_STORE_CODE_MAX];
	double score;
} sh_wh_hit;

/* Papers whose text contains every word of query (folded: case and
 * diacritics ignored, đ = d), best first; exact (unfolded) matches rank
 * above folded ones. *out: caller sh_free; *n hits (at most limit; 0 = no
 * limit). */
int sh_wh_find(sh_store *store, const char *query, size_t limit, sh_wh_hit **out, size_t *n);

/* Page n (1, 2, ...) of paper code: its stored image, or with original = 1
 * the bytes as received kept beside it (a phone photo rectified;
 * SH_ENOTFOUND when the page has none). The bytes are hashed again and
 * must be the ones recorded: SH_ECORRUPT otherwise (run sohoa verify).
 * Needs SH_WH_PERM_READ; the caller audits the read (sh_wh_audit_read).
 * *out: caller sh_free; *mime: a static string ("image/png", "image/jpeg",
 * "image/tiff" or "application/octet-stream"). SH_ENOTFOUND for no such
 * paper or page. */
int sh_wh_page_image(sh_store *store, const char *code, size_t n, int original, uint8_t **out,
		     size_t *out_len, const char **mime);
/* ---- checking ---------------------------------------------------------- */

/* Verify every record decodes, every index entry points at a record and
 * every record is indexed, every blob matches its hash. report: called
 * once per problem found (may be NULL). Returns SH_OK or SH_ECORRUPT. */
/* Where the page images and hOCR live (docs/OBJSTORE.md; sh_store.h
 * "blobs in an object store"). status: SH_WH_PERM_CHECK; drain (upload the
 * spool): SH_WH_PERM_INGEST; migrate to s3://BUCKET[/PREFIX] (to) or back
 * into LMDB (to == NULL), resumable: SH_WH_PERM_ADMIN (sh_store_blobs_migrate
 * for the rest of the contract). SH_EPERM when the role does not allow it. */
int sh_wh_blobs_status(sh_store *store, sh_store_blobs_info *out);
int sh_wh_blobs_drain(sh_store *store, size_t *uploaded, size_t *left, size_t *bad);
int sh_wh_blobs_migrate(sh_store *store, const char *to,
			void (*progress)(void *arg, uint64_t done, uint64_t total), void *arg,
			uint64_t *moved);

int sh_wh_check(sh_store *store, void (*report)(void *arg, const char *problem),
		   void *arg, size_t *out_problems);
/* The tables that answer questions against the signed log (part of
 * `verify --all`, also run by sh_wh_check): every owner index entry files
 * a paper under its signed owner (or the owner id it names) with the
 * signed kind and time; every signed paper is filed under its signed owner
 * and listed by its dossier, whose owner and receipt time are the signed
 * ones; every day's sequence is past the codes issued; clerk validity,
 * revocation and reuse match their signed events; the operator table is
 * the replay of the audit trail's operator rows. report(arg, "tables",
 * problem) once per finding. Needs SH_WH_PERM_VERIFY. SH_OK, SH_EBADSIG
 * (findings), or an error. */
int sh_wh_verify_tables(sh_store *store, sh_ledger_verify_fn report, void *arg,
			size_t *out_problems);

/* ---- the warehouse of persons and organisations (warehouse.c, report.c,
 * access.c, backup.c; docs/WAREHOUSE.md) ---------------------------------
 * Papers are filed under their owner. Paper records are immutable; what
 * changes later (a clerk-set validity, a revocation, a reuse in another
 * dossier) lives in separate tables and is a signed log event. */

#define SH_WH_NEVER INT64_MAX /* valid_until of a paper that never expires */

/* The catalogue of procedures (code, name, required paper kinds) and of
 * kinds (name, validity rule, reusable): procedures from
 * warehouse/procedures.json, extended by the office's own file; kinds from
 * the one kind catalogue, paper/kinds.json or $SOHOA_KINDS (sh_paper.h).
 * Opaque; read-only once loaded, so it may be shared by threads. */
typedef struct sh_wh_proc_cat sh_wh_proc_cat;

/* warehouse/procedures.json of the source tree (static storage). */
const char *sh_wh_proc_default_path(void);
/* Load the kind catalogue, path, then (if extra is not NULL and the file
 * exists) the office's additions from extra: procedures there replace those
 * of the same code (so do kinds of an older file's "kinds" object). A
 * procedure asking for a kind the catalogue does not know is refused.
 * *out: release with sh_wh_proc_cat_free. SH_ENOTFOUND (no path),
 * SH_EINVAL (not the format, an unknown kind, with where), SH_ENOMEM. */
int sh_wh_proc_cat_load(sh_wh_proc_cat **out, const char *path, const char *extra);
/* The same from len bytes in memory (name: for messages). */
int sh_wh_proc_cat_parse(sh_wh_proc_cat **out, const void *data, size_t len, const char *name);
void sh_wh_proc_cat_free(sh_wh_proc_cat **cat);
size_t sh_wh_proc_cat_count(const sh_wh_proc_cat *cat);
/* Procedure i (< count) or by code: its name and required kinds. All
 * borrowed, valid while cat lives. SH_ENOTFOUND for an unknown code. */
int sh_wh_proc_get(const sh_wh_proc_cat *cat, size_t i, const char **code, const char **name,
		const char *const **kinds, size_t *nkinds);
int sh_wh_proc_find(const sh_wh_proc_cat *cat, const char *code, const char **name,
		 const char *const **kinds, size_t *nkinds);
/* A kind's name ("Giấy khai sinh"), or the code itself when unknown. Borrowed. */
const char *sh_wh_kind_name(const sh_wh_proc_cat *cat, const char *kind);

/* ---- validity ---- */

enum sh_wh_validity_status { SH_WH_VALID = 1, SH_WH_EXPIRED = 2, SH_WH_REVOKED = 3 };
enum sh_wh_validity_source {
	SH_WH_VSRC_NONE = 0,  /* no rule and no printed date: valid */
	SH_WH_VSRC_FACTS = 1, /* the date printed on the paper (valid_until fact) */
	SH_WH_VSRC_RULE = 2,  /* the kind's rule (e.g. GKS never expires) */
	SH_WH_VSRC_CLERK = 3  /* set by a clerk (signed log event) */
};
typedef struct sh_wh_validity {
	int status;          /* sh_wh_validity_status */
	int source;          /* sh_wh_validity_source */
	int64_t valid_until; /* first second no longer valid, or SH_WH_NEVER */
	int64_t revoked_at;  /* 0 when not revoked */
	char reason[512];    /* revocation reason, or "" */
	char by[64];         /* who revoked or set the validity, or "" */
	int nsigned;         /* signed log entries about the paper (0: unsigned) */
} sh_wh_validity;
/* Names for printing: "valid", "expired", "revoked"; "facts", "rule",
 * "clerk", "none". Static storage. */
const char *sh_wh_validity_status_name(int status);
const char *sh_wh_validity_source_name(int source);

/* The validity of paper code at time now (0: now). cat: the kind rules
 * (NULL: facts and clerk only). SH_ENOTFOUND. */
int sh_wh_validity_of(sh_store *store, const sh_wh_proc_cat *cat, const char *code, int64_t now,
		      sh_wh_validity *out);

/* One of an owner's papers. */
typedef struct sh_wh_owner_paper {
	char code[SH_STORE_CODE_MAX];
	char dossier[SH_STORE_CODE_MAX]; /* received in */
	char kind[16];
	char *facts;               /* JSON object text, or NULL; owned */
	int64_t created;
	sh_wh_validity validity;
	size_t reused;             /* dossiers it was attached to later */
} sh_wh_owner_paper;
/* Every paper filed under owner (checked with sh_id_owner_check), newest
 * first. *out: release with sh_wh_owner_papers_free(out, n). No papers is not
 * an error (*n = 0). SH_EINVAL for a malformed id. */
int sh_wh_owner_papers(sh_store *store, const sh_wh_proc_cat *cat, const char *owner,
			  int64_t now, sh_wh_owner_paper **out, size_t *n);
void sh_wh_owner_papers_free(sh_wh_owner_paper **papers, size_t n);

/* Revoke paper code (Nghị định 45/2020/NĐ-CP Điều 15) at when (0: now):
 * a signed "revocation" log event (key, borrowed) with the reason and
 * operator_id, and its state recorded in the same transaction. The paper
 * stays archived and findable, shown as revoked, never offered for reuse.
 * SH_EINVAL (empty reason), SH_ENOTFOUND, SH_EEXISTS (already revoked).
 * *out_index (may be NULL): the log index of the event. */
int sh_wh_revoke(sh_store *store, const sh_sign_key *key, const char *code,
		    const char *reason, const char *operator_id, int64_t when,
		    uint64_t *out_index);
/* A clerk sets the validity of code: valid_until (SH_WH_NEVER: never expires),
 * a signed "validity" log event. SH_EINVAL for a revoked paper. */
int sh_wh_validity_set(sh_store *store, const sh_sign_key *key, const char *code,
			  int64_t valid_until, const char *operator_id, int64_t when,
			  uint64_t *out_index);

/* ---- reuse ---- */

typedef struct sh_wh_reuse_need {
	const char *kind;        /* borrowed from the catalogue */
	const char *kind_name;
	size_t npapers;          /* 0: missing — must be submitted */
	sh_wh_owner_paper *papers;  /* the owner's valid papers of this kind, newest first */
} sh_wh_reuse_need;
typedef struct sh_wh_reuse {
	const char *procedure, *name; /* borrowed from the catalogue */
	size_t nneeds;
	sh_wh_reuse_need *needs;
} sh_wh_reuse;
/* For each kind procedure requires, the owner's valid papers (never revoked
 * or expired ones). *out: release with sh_wh_reuse_free (before cat).
 * SH_ENOTFOUND for a procedure not in the catalogue, SH_EINVAL. */
int sh_wh_reuse_plan(sh_store *store, const sh_wh_proc_cat *cat, const char *owner,
		   const char *procedure, int64_t now, sh_wh_reuse **out);
void sh_wh_reuse_free(sh_wh_reuse **reuse);

/* Put earlier paper code into dossier without re-scanning: a signed "reuse"
 * log event and the attach tables, in one transaction. Refused: a revoked
 * or expired paper, another owner's paper (SH_EINVAL), a paper already in
 * the dossier (SH_EEXISTS), SH_ENOTFOUND. cat: kind rules (may be NULL). */
int sh_wh_attach(sh_store *store, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		    const char *dossier, const char *code, const char *operator_id,
		    int64_t when, uint64_t *out_index);
/* The papers attached to dossier (reused), in code order. *out: caller
 * sh_free; no attachments: *n = 0. */
int sh_wh_attached(sh_store *store, const char *dossier, char (**out)[SH_STORE_CODE_MAX],
		      size_t *n);

/* ---- search with filters (find.c) ---- */

typedef struct sh_wh_filter {
	const char *owner;   /* papers filed under this owner, or NULL */
	const char *kind;    /* kind code in the paper code ("GKS"), or NULL */
	const char *agency;  /* receiving agency (dossier code prefix), or NULL */
	const char *from;    /* received on or after YYYY-MM-DD, or NULL */
	const char *to;      /* received on or before YYYY-MM-DD, or NULL */
} sh_wh_filter;
/* sh_wh_find with filters (filter may be NULL). The words are joined
 * starting from the rarest; exact (unfolded) forms rank first among the
 * SH_WH_FIND_SCORED newest matches, older matches follow by date. */
#define SH_WH_FIND_SCORED 2000
int sh_wh_search(sh_store *store, const char *query, const sh_wh_filter *filter,
		    size_t limit, sh_wh_hit **out, size_t *n);

/* ---- reports (report.c) ---- */

typedef struct sh_wh_report_row {
	char group[SH_STORE_CODE_MAX];  /* agency or procedure code; "" for the total */
	size_t dossiers;          /* received in the period */
	size_t papers;            /* component papers digitised (scanned) */
	size_t dossiers_full;     /* every paper has its images and none needs review */
	size_t results;           /* results issued electronically (<dossier>-KQn) */
	size_t reused;            /* earlier papers attached instead of re-submitted */
	size_t dossiers_reusing;  /* dossiers that reused at least one paper */
	size_t owners;            /* distinct owners served */
	size_t owners_not_asked;  /* owners asked for no kind of paper already held valid */
} sh_wh_report_row;
enum sh_wh_report_by { SH_WH_REPORT_TOTAL = 0, SH_WH_REPORT_AGENCY = 1, SH_WH_REPORT_PROCEDURE = 2 };
/* Indicators for dossiers received from..to (YYYY-MM-DD, both included,
 * local dates as in the dossier code). rows[0] is the total, then one row
 * per group in code order. *out: caller sh_free. cat: kind rules for
 * "already held" (NULL: the shipped catalogue). SH_EINVAL for malformed
 * dates. */
int sh_wh_report(sh_store *store, const sh_wh_proc_cat *cat, const char *from, const char *to,
		    int by, sh_wh_report_row **out, size_t *n);

/* ---- operators, roles and the audit of reads (access.c) ---- */

enum sh_wh_role {
	SH_WH_ROLE_DESK = 1,      /* scan and receive */
	SH_WH_ROLE_CLERK = 2,     /* search and reuse */
	SH_WH_ROLE_ARCHIVIST = 4, /* verify and export */
	SH_WH_ROLE_ADMIN = 8,     /* keys and users */
	SH_WH_ROLE_HEAD = 16      /* head of office (lãnh đạo): the indicators */
};
/* "desk", "clerk", "archivist", "admin", "head" ↔ role; 0 when unknown. */
int sh_wh_role_parse(const char *name);
const char *sh_wh_role_name(int role);
/* Operator names: 1..32 of [a-z0-9._-]. Add: SH_EEXISTS; del: SH_ENOTFOUND. */
int sh_wh_user_add(sh_store *store, const char *name, int role);
int sh_wh_user_del(sh_store *store, const char *name);
/* Role of name: SH_ENOTFOUND when not an operator. */
int sh_wh_user_role(sh_store *store, const char *name, int *out_role);
typedef struct sh_wh_user { char name[40]; int role; } sh_wh_user;
/* All operators in name order. *out: caller sh_free. */
int sh_wh_user_list(sh_store *store, sh_wh_user **out, size_t *n);

/* ---- permissions and the session ----
 * The library decides who may do what. A front end says once per handle
 * who operates it (sh_wh_session_begin); every warehouse call then checks
 * its permission itself, records that operator in the events it signs, and
 * audits the personal papers it returns (owner papers, reuse offers,
 * search hits, sh_wh_dossier_get / sh_wh_paper_get). Deny by default: a
 * call made on a handle without a session is refused (SH_EPERM) as soon as
 * the warehouse has an operator.
 *
 * Bootstrap rule: while the warehouse has no operator at all, every call is
 * allowed (so `init` and the first `user add --role admin` work); reads are
 * audited only on a handle with a session. (Issue 16 hardens this.)
 *
 * Permission of each call: INGEST sh_wh_dossier_put, _dossiers_put,
 * _result_put; READ sh_wh_dossier_get, _paper_get, _validity_of, _attached;
 * READ_OWNER (audited) sh_wh_owner_papers, _reuse_plan, _search, _find
 * (REUSE stands for READ_OWNER in a session begun for "reuse");
 * ATTACH sh_wh_attach; REVOKE sh_wh_revoke, _validity_set; REPORT
 * sh_wh_report; CHECK sh_wh_check; BACKUP sh_wh_backup; AUDIT
 * sh_wh_audit_list; ADMIN sh_wh_user_add, _user_del, _cred_set (user
 * passwd), _user_disable, _station_add, _station_revoke, _station_list.
 * None: the catalogue, sh_wh_user_role, _user_list, sh_wh_cred_get and
 * sh_wh_station_find (what a login or a station's token is checked with,
 * before there is a session), sh_wh_audit_read(s) (explicit records),
 * sh_wh_restore (no open handle). The engine (sh_store.h) and the ledger
 * (sh_ledger.h) check nothing: front ends reach personal data through
 * sh_wh.h, and guard ledger calls with sh_wh_may (VERIFY, ADMIN for keys).
 * Where a call takes an operator_id, a session's operator replaces it. */
enum sh_wh_perm {
	SH_WH_PERM_INGEST = 1u << 0,     /* store dossiers and results (desk) */
	SH_WH_PERM_READ = 1u << 1,       /* a dossier or paper by its code (desk, clerk, archivist) */
	SH_WH_PERM_READ_OWNER = 1u << 2, /* search, an owner's papers, reuse offers (clerk) */
	SH_WH_PERM_ATTACH = 1u << 3,     /* attach an earlier paper to a dossier (clerk) */
	SH_WH_PERM_REVOKE = 1u << 4,     /* revoke, set validity (clerk) */
	SH_WH_PERM_REPORT = 1u << 5,     /* indicators (clerk, archivist, admin, head) */
	SH_WH_PERM_CHECK = 1u << 6,      /* consistency check (archivist, admin) */
	SH_WH_PERM_VERIFY = 1u << 7,     /* verify signatures, export proofs and images (archivist) */
	SH_WH_PERM_BACKUP = 1u << 8,     /* backup (archivist, admin) */
	SH_WH_PERM_AUDIT = 1u << 9,      /* the audit of reads, the log (archivist, admin) */
	SH_WH_PERM_ADMIN = 1u << 10,     /* operators, keys, agency ids, restore (admin) */
	SH_WH_PERM_RECOGNISE = 1u << 11, /* OCR and fact extraction, nothing stored (desk, clerk) */
	SH_WH_PERM_REUSE = 1u << 12,     /* the reuse view of one owner, for the dossier being
					  * received: READ_OWNER for sh_wh_reuse_plan only, in a
					  * session begun for the action "reuse" (desk, clerk) */
	SH_WH_PERM_CERTIFY = 1u << 13,   /* issue certified copies (clerk) */
	SH_WH_PERM_IMPORT = 1u << 14,    /* file papers from another office's bag (admin) */
	SH_WH_PERM_OWN = 1u << 15,       /* a citizen's own papers (docs/CITIZEN.md): only in a
					  * session begun with sh_wh_session_citizen, which
					  * has nothing else */
	SH_WH_PERM_REPLICATE = 1u << 16, /* read the signed log, checkpoints, keys and blobs
					  * for a province's replica (docs/REPLICATION.md):
					  * only a replication token (sh_wh_station_add with
					  * replicate set), which has nothing else */
	SH_WH_PERM_OFFICE = 1u << 17,    /* at the province: one replicated paper for reuse at
					  * another office, read by paper code and audited as
					  * that office's read (docs/REPLICATION.md): only an
					  * office token (sh_wh_station_add_office), which has
					  * nothing else */
	SH_WH_PERM_ALL = (1u << 18) - 1  /* what an unknown action needs: nobody has it */
};
/* The permissions of a role (0 for an unknown one). */
unsigned sh_wh_role_perms(int role);
/* "ingest", "read", "read-owner", ... for one permission. Static storage. */
const char *sh_wh_perm_name(unsigned perm);
/* The permission a front-end action needs: the command line's command names
 * and the office server's route labels ("show", "search", "export-proof",
 * ...). Deny by default: an unknown action gives SH_WH_PERM_ALL, which no
 * role has; help, version, whoami, verify-bundle and me need none (0). */
unsigned sh_wh_action_perm(const char *action);
/* sh_wh_session_begin(s, operator, action), then sh_wh_may with the
 * action's permission: what a front end calls once per command or request.
 * SH_EPERM (unknown operator, or a role without the permission). */
int sh_wh_session_may(sh_store *store, const char *operator, const char *action);
/* A session for capture station name (sh_wh_station_add, not revoked): the
 * operator recorded is "station:NAME" and its only permission is
 * SH_WH_PERM_INGEST. SH_EPERM for an unknown station. */
int sh_wh_session_station(sh_store *store, const char *name);

/* Begin the session of operator on this handle, replacing any earlier one.
 * via (may be NULL: "-"): what the front end is doing, written with each
 * audited read ("show", "search", an HTTP route); copied, at most 23 bytes.
 * SH_EPERM when the warehouse has operators and operator is NULL, empty or
 * not one of them (the handle then has no session). Not thread-safe: begin
 * the session before sharing the handle. */
int sh_wh_session_begin(sh_store *store, const char *operator, const char *via);
/* The session's operator (borrowed, valid until the next session_begin or
 * close), or NULL (no session, or bootstrap without a name). */
const char *sh_wh_operator(const sh_store *store);
/* SH_OK when the session's operator holds every permission in perm (0:
 * nothing asked); SH_EPERM with the reason (role, the roles that hold it).
 * For front ends that must refuse before doing work of their own. */
int sh_wh_may(sh_store *store, unsigned perm);

/* A dossier or a paper by its code (sh_store_dossier_get, sh_store_paper_get)
 * for an operator: SH_WH_PERM_READ, and the read is audited (a dossier: each
 * of its papers and results, in its context). *out: free with the matching
 * sh_store_*_rec_free. SH_ENOTFOUND, SH_EPERM. */
int sh_wh_dossier_get(sh_store *store, const char *code, sh_store_dossier_rec **out);
int sh_wh_paper_get(sh_store *store, const char *code, sh_store_paper_rec **out);

/* The audit of reads: append-only, monotonic sequence. */
typedef struct sh_wh_audit_rec {
	uint64_t seq;
	int64_t when;
	char user[40];
	char command[24];
	char code[SH_STORE_CODE_MAX];    /* paper read */
	char dossier[SH_STORE_CODE_MAX]; /* in the context of this dossier, or "" */
} sh_wh_audit_rec;
/* Record that user read paper code (in dossier, may be NULL) with command,
 * at when (0: now). Its own write transaction. */
int sh_wh_audit_read(sh_store *store, const char *user, const char *command,
			const char *code, const char *dossier, int64_t when);
/* The same for n codes in one transaction. */
int sh_wh_audit_reads(sh_store *store, const char *user, const char *command,
			 const char *const *codes, size_t n, const char *dossier, int64_t when);
/* Audit records, oldest first, filtered by user and/or code (NULL: any).
 * *out: caller sh_free. */
int sh_wh_audit_list(sh_store *store, const char *user, const char *code,
			sh_wh_audit_rec **out, size_t *n);
/* Seal the audit trail in the signed log now (sh_ledger_audit_seal), with
 * key. Every signed write seals it too. Needs SH_WH_PERM_AUDIT. */
int sh_wh_audit_seal(sh_store *store, const sh_sign_key *key);

/* ---- backup and restore (backup.c) ---- */

/* A consistent, compacted copy of the warehouse into dest (created; must
 * not hold a warehouse: SH_EEXISTS), taken in one read transaction while
 * writers keep working (mdb_env_copy2 with MDB_CP_COMPACT). */
int sh_wh_backup(sh_store *store, const char *dest);
/* The same, reporting progress (sh_progress_fn; may be NULL) in bytes
 * written of the warehouse's used size (an upper bound: the copy is
 * compacted), from a second thread while the copy runs, about 10 times a
 * second; the last call has done == total. */
int sh_wh_backup_progress(sh_store *store, const char *dest, sh_progress_fn progress,
			  void *arg);
/* Restore the backup in src into dir: src is opened and checked
 * (sh_wh_check) first; dir must hold no warehouse unless replace is set,
 * then the old one is kept as <dir>/replaced-<time>/ . SH_ECORRUPT when the
 * backup fails its check. */
int sh_wh_restore(const char *src, const char *dir, int replace);

/* ---- writing many dossiers at once (warehouse.c; scale benchmark, bulk
 * imports) ---- */

/* Store n dossiers in as few write transactions as possible (one unless the
 * map must grow), with the same codes, records, indexes as
 * sh_wh_dossier_put (unsigned: in[i].key is ignored). out: an array of n
 * pointers, each released with sh_wh_dossier_codes_free. All or nothing. */
int sh_wh_dossiers_put(sh_store *store, const sh_wh_dossier_in *in, size_t n,
			  sh_wh_dossier_codes **out);

/* ---- operators' credentials (cred.c): the office server's accounts ----
 * Kept in the meta table under "cred|<name>" (no schema change): the
 * password hash (an encoded Argon2id string made by auth/) and a disabled
 * flag. The warehouse treats the hash as an opaque string. */

/* Set operator name's password hash (encoded: ASCII, 1..255 bytes). The
 * operator must exist (SH_ENOTFOUND); a disabled flag is kept. This and
 * sh_wh_user_disable need SH_WH_PERM_ADMIN (SH_EPERM otherwise). */
int sh_wh_cred_set(sh_store *store, const char *name, const char *encoded);
/* Disable (1) or enable (0) operator name: a disabled operator cannot log
 * in to the server. SH_ENOTFOUND. */
int sh_wh_user_disable(sh_store *store, const char *name, int disabled);
/* The operator's role, password hash and disabled flag.
 * *out_encoded: caller sh_free, NULL when no password is set
 * (out_encoded may be NULL). SH_ENOTFOUND (no such operator), SH_EINVAL
 * (malformed name). */
int sh_wh_cred_get(sh_store *store, const char *name, int *out_role, char **out_encoded,
		   int *out_disabled);

/* ---- capture stations (station.c) ---------------------------------------- */
/* A station's token is kept only as its SHA-256 (64 lower-case hex digits).
 * name: 1..32 of a-z 0-9 . _ -. add: SH_EEXISTS when the name is taken;
 * revoke: SH_ENOTFOUND. find: the station whose token has hash_hex
 * (SH_ENOTFOUND). list: *out caller sh_free, names in order. add, revoke
 * and list need SH_WH_PERM_ADMIN (SH_EPERM); find needs none (it is how a
 * station's token is checked, before there is a session). */
int sh_wh_station_add(sh_store *store, const char *name, const char *hash_hex);
/* The same for a province's replication token: a session begun for it
 * (sh_wh_session_station) has SH_WH_PERM_REPLICATE only, recorded as
 * "replica:NAME". */
int sh_wh_station_add_replica(sh_store *store, const char *name, const char *hash_hex);
/* At the province: an office's token (SH_WH_PERM_OFFICE only; its reads
 * recorded as "office:AGENCY"). SH_EINVAL for a malformed agency id. */
int sh_wh_station_add_office(sh_store *store, const char *name, const char *hash_hex,
			     const char *agency);
/* The agency of office token name into agency (""; 0 when not one). */
int sh_wh_station_office(sh_store *store, const char *name, char agency[SH_SIGN_AGENCY_MAX + 1]);
/* 1 when station name is a replication token, 0 when not (or unknown). */
int sh_wh_station_is_replica(sh_store *store, const char *name);
int sh_wh_station_revoke(sh_store *store, const char *name);
int sh_wh_station_find(sh_store *store, const char *hash_hex, char name[33]);
int sh_wh_station_list(sh_store *store, char (**out)[33], size_t *n);

/* ---- certified copies (certify.c; docs/PDF.md "Certified copies") -------
 * Chứng thực bản sao từ bản chính (Nghị định 23/2015/NĐ-CP, forms of Thông
 * tư 01/2020/TT-BTP): every certified copy takes the next number of its book
 * (quyển số) for the year, and is a signed "certification" log event about
 * the code (facts: book, year, number, officer, title, place, copy_sha256,
 * operator), recorded with the number in one write transaction: a number is
 * never given twice and a copy that fails leaves no gap. */
#define SH_WH_CERT_MAX 999999u /* copies per book per year */
typedef struct sh_wh_cert_in {
	const char *code;    /* the paper, result or dossier copied */
	const char *book;    /* quyển số: 1..16 of 0-9 A-Z a-z - */
	const char *officer; /* người thực hiện chứng thực: one line of UTF-8 */
	const char *title;   /* the officer's title (chức danh) */
	const char *place;   /* where (the agency's name), or NULL */
	int64_t when;        /* 0: now; the year is its local year */
} sh_wh_cert_in;
typedef struct sh_wh_cert {
	char code[SH_STORE_CODE_MAX];
	char book[24];
	int year;
	uint32_t number;     /* số chứng thực, from 1 in each book and year */
	int64_t when;
	uint64_t index;      /* the log entry of the event */
	char sha256[65];     /* of the copy issued (lower-case hex), or "" */
	char officer[256], title[256], place[256], operator_id[64];
} sh_wh_cert;
/* Called inside the write transaction once cert->number is given: make
 * the copy (it may not touch the warehouse) and give its SHA-256. A
 * non-zero return aborts everything (no number is used). */
typedef int (*sh_wh_cert_issue_fn)(void *arg, const sh_wh_cert *cert,
				   uint8_t sha256[SH_SHA256_LEN]);
/* Certify: SH_WH_PERM_CERTIFY; key (borrowed) signs the event; issue may be
 * NULL. out filled on success (its code only on error). SH_ENOTFOUND,
 * SH_EINVAL (book, officer, title), SH_EFULL (book full), SH_EPERM. */
int sh_wh_certify(sh_store *store, const sh_sign_key *key, const sh_wh_cert_in *in,
		  sh_wh_cert_issue_fn issue, void *arg, sh_wh_cert *out);
/* Every certified copy recorded (year 0: all years), by year, book and
 * number. SH_WH_PERM_AUDIT. *out: caller sh_free. */
int sh_wh_certified_list(sh_store *store, int year, sh_wh_cert **out, size_t *n);

/* ---- imports from another office (dossier.c; docs/PDF.md "import-bag") ----
 * Papers another office exported in a bag, already verified against keys
 * this office trusts (pdf/ checks the bag), filed under their original
 * codes: each paper record flagged SH_WH_PAPER_IMPORTED, signed here again
 * as a "component"/"result" manifest of the same content (so `verify`
 * checks it with this office's keys) plus a signed "import" event naming
 * the source office, the source's key and the SHA-256 of its signed
 * manifest; each new dossier record made with the source's agency,
 * procedure and receipt time. One write transaction: all or nothing. A
 * paper already here with the same page images is skipped (re-importing a
 * bag is harmless); with other content the whole import is refused
 * (SH_EEXISTS), as is filing into a dossier of this office's own. */
typedef struct sh_wh_import_paper {
	sh_wh_paper_in in;     /* kind, facts (JSON and list), file, flags, pages (borrowed) */
	const char *code;      /* the original paper or result code */
	const char *dossier;   /* its dossier code */
	const char *agency;    /* the dossier's agency */
	const char *owner;
	const char *procedure;
	int64_t received;      /* the dossier's receipt time */
	int64_t created;       /* the paper's */
	int result;            /* a KQ result */
	const char *source_key;             /* key id that signed it at the source */
	const char *source_manifest_sha256; /* of the source's signed manifest (hex) */
} sh_wh_import_paper;
typedef struct sh_wh_import_stats {
	size_t papers;   /* filed now */
	size_t existing; /* already here, identical: skipped */
	size_t dossiers; /* dossier records made */
} sh_wh_import_stats;
/* SH_WH_PERM_IMPORT. from: the source office's agency id. key signs here. */
int sh_wh_import(sh_store *store, const sh_sign_key *key, const char *from,
		 const sh_wh_import_paper *papers, size_t n, sh_wh_import_stats *out);

/* ---- selections for transfer bags (select.c) ---- */
/* The papers of owner (every paper filed under the id, code order), or of
 * the dossiers received from..to (YYYY-MM-DD local dates, both included,
 * either may be NULL; each dossier's papers then results). Exactly one of
 * owner and from/to. SH_WH_PERM_VERIFY (an export). *out: caller sh_free.
 * SH_ENOTFOUND when nothing is selected, SH_EINVAL. */
int sh_wh_select(sh_store *store, const char *owner, const char *from, const char *to,
		 char (**out)[SH_STORE_CODE_MAX], size_t *n);

/* ---- audit groups (audit_batch.c) ------------------------------------------ */
/* Group commit of the audit of reads for a multi-threaded front end (the
 * office server): sh_wh_audit_group_reads records the same entries as
 * sh_wh_audit_reads and returns once they are durable, but threads calling
 * it at the same moment share one write transaction (one fsync). The group
 * handle borrows store; free it after the last call, before closing store.
 * While a group exists for store (one per handle: SH_EEXISTS for a second),
 * the library's own audit of a session's reads (sh_wh_search, _find,
 * _owner_papers, _reuse_plan, _dossier_get, _paper_get) goes through it
 * too: every entry is still durable before the call returns (so before a
 * front end answers), grouped with the entries of other threads. */
typedef struct sh_wh_audit_group sh_wh_audit_group;
int sh_wh_audit_group_new(sh_wh_audit_group **out, sh_store *store);
void sh_wh_audit_group_free(sh_wh_audit_group **g);
int sh_wh_audit_group_reads(sh_wh_audit_group *g, const char *user, const char *command,
			    const char *const *codes, size_t n, const char *dossier, int64_t when);
/* Transactions committed and entries written through g so far. */
void sh_wh_audit_group_stats(sh_wh_audit_group *g, size_t *commits, size_t *entries);
/* Wait until everything queued through g before this call is written and
 * its deferred callers called back (a server's stop before it closes its
 * connections; a thread that could not hold its answer). */
void sh_wh_audit_group_flush(sh_wh_audit_group *g);
/* A group writes from a committer thread of its own, started by _new and
 * joined by _free (after writing what is queued): each commit takes every
 * entry queued while the previous one was being written.
 *
 * Deferred audit, for a front end that answers from an event loop: between
 * sh_wh_audit_defer_begin(store) and sh_wh_audit_defer_end(store) on one
 * thread, the library's audit of that thread's session reads (the calls
 * listed above) is queued in store's group and not waited for; _defer_end
 * returns the ticket of what was queued, or NULL when nothing was (nothing
 * to wait for). The front end holds every answer that ticket covers until
 * sh_wh_audit_ticket_then reports it settled with rc SH_OK — entries
 * durable, so the guarantee above holds — and answers with an error
 * instead when rc is not SH_OK (the entries could not be written). Without
 * a group for store, or outside begin/end, reads are audited before the call
 * returns, as always. _defer_begin/_end: per thread, they never fail. */
typedef struct sh_wh_audit_ticket sh_wh_audit_ticket;
/* rc: SH_OK when every entry of the ticket is durable, else the error of
 * the commit that failed and msg its message (else NULL; borrowed for the
 * call). Called from the group's committer thread: do little (e.g. wake the
 * connection), and never call back into the group from it. */
typedef void (*sh_wh_audit_done_fn)(void *arg, int rc, const char *msg);
void sh_wh_audit_defer_begin(sh_store *store);
sh_wh_audit_ticket *sh_wh_audit_defer_end(sh_store *store);
/* Consume ticket t (from store's group g): 0 when it is settled already —
 * *rc is its result (with the message set when not SH_OK) and done is not
 * called; 1 when it is not — done(arg, rc, msg) will be called exactly once,
 * from the committer thread, possibly before this returns to the caller's
 * next line (hold a lock both take to order them). done may be NULL: forget
 * the ticket (a front end that failed to hold the answer answers nothing). */
int sh_wh_audit_ticket_then(sh_wh_audit_ticket *t, sh_wh_audit_group *g, int *rc,
			    sh_wh_audit_done_fn done, void *arg);

/* ---- the dossier code sequence (seq.c), bound to witnessed checkpoints ---- */
/* The last day (YYMMDD) a dossier code was issued and its highest number.
 * SH_ENOTFOUND when none was. */
int sh_wh_seq_last(sh_store *store, char day[7], unsigned *seq);
/* Make the next dossier code of day (YYMMDD) come after number seq (never
 * lowers it): after a rollback the witnessed log's codes are not issued
 * again (docs/SIGNING.md "Witnesses"). */
int sh_wh_seq_raise(sh_store *store, const char *day, unsigned seq);

/* ---- the backlog: archive records, registry totals, the indicator (archive.c) ----
 * Results an office issued before the warehouse existed, digitised from its
 * archive boxes and registry books (docs/ARCHIVE.md). Each run of papers is
 * an archive record coded <agency>-LT<YY>-NNNNNN (YY: the year digitised,
 * NNNNNN from the agency's own yearly sequence "A|YY"), its papers
 * <record>-NN-KIND; a reception code's second part is always six digits
 * (YYMMDD), an archive code's "LT" and two, so neither can be the other.
 * Archive records are left out of sh_wh_report (they were not received). */
#define SH_WH_ARCHIVE_SEQ_MAX 999999 /* archive records per agency per year */
#define SH_WH_BACKLOG_TOTAL_MAX 100000000ULL
#define SH_WH_BACKLOG_CSV_MAX (1 << 20) /* bytes of a totals CSV */
#define SH_WH_BACKLOG_CSV_ROWS 4096
/* 1 when code (a record or paper code) is an archive record's. */
int sh_wh_code_is_archive(const char *code);
/* "province", "district", "commune" for those names or Vietnamese "tỉnh"/
 * "tinh", "huyện"/"huyen", "xã"/"xa"; NULL for anything else. Static. */
const char *sh_wh_level_parse(const char *name);
/* The target (percent of results in force digitised) for level in year of
 * a plan whose first year is start_year (0: unknown, the first year's):
 * 30 / 20 / 15 % the first year, +20 points a year, at most 100. 0 for an
 * unknown level. */
int sh_wh_backlog_target(const char *level, int year, int start_year);
/* Record the registry total of results in force of kind at level (from the
 * office's registry books); 0 removes it. The first total recorded also
 * records this year as the plan's first year. SH_WH_PERM_ADMIN. SH_EINVAL
 * (kind, level), SH_ELIMIT. */
int sh_wh_backlog_total_set(sh_store *store, const char *kind, const char *level, uint64_t n);
/* Set the plan's first year (2000-2099). SH_WH_PERM_ADMIN. */
int sh_wh_backlog_start_set(sh_store *store, int year);
/* Import totals from CSV text (len bytes, UTF-8): lines kind,level,count,
 * an optional header "kind,level,count", blank lines and lines starting
 * with '#' skipped. All rows or none (the first bad line is named).
 * *out_rows: rows recorded (may be NULL). SH_EINVAL, SH_ELIMIT. */
int sh_wh_backlog_totals_csv(sh_store *store, const char *data, size_t len, size_t *out_rows);
/* The same parse and checks, nothing stored (*out_rows: rows it holds). */
int sh_wh_backlog_csv_check(const char *data, size_t len, size_t *out_rows);

typedef struct sh_wh_backlog_row {
	char month[8];     /* "YYYY-MM" (monthly rows), "" (to-date rows) */
	char kind[16];     /* kind code; "" the level's total */
	char level[12];    /* "province", "district", "commune"; "" not stated */
	size_t digitised;  /* archive papers digitised (to date: up to `to`) */
	uint64_t in_force; /* registry total (to-date rows; 0 unknown) */
	int target;        /* target percent for the row's year and level (0 unknown) */
} sh_wh_backlog_row;
typedef struct sh_wh_backlog_report_t {
	int year, start_year;        /* the year targets are for; the plan's first (0 unknown) */
	sh_wh_backlog_row *rows;     /* to date, by level then kind (the level's total last) */
	size_t nrows;
	sh_wh_backlog_row *months;   /* digitised per month from..to, by month, level, kind */
	size_t nmonths;
} sh_wh_backlog_report_t;
/* The digitising indicator: archive papers digitised up to month `to`
 * (YYYY-MM, NULL: now) against the registry totals, by kind and level, and
 * per month from..to (NULL: from the first). Level is each paper's signed
 * fact archive_level. SH_WH_PERM_REPORT. SH_EINVAL (a month). *out: free
 * with sh_wh_backlog_report_free. */
int sh_wh_backlog_report(sh_store *store, const char *from, const char *to,
			 sh_wh_backlog_report_t *out);
void sh_wh_backlog_report_free(sh_wh_backlog_report_t *r);
/* The report as one compact JSON object (docs/FORMATS.md "backlog"):
 * {"year", "start_year", "targets": {"province", "district", "commune",
 * "per_year"}, "to_date": [{"kind" ("total" for a level's total), "level",
 * "digitised", "in_force", "percent" (null: no total), "target",
 * "on_target"}], "months": [{"month", "kind", "level", "digitised"}]}.
 * Caller sh_free; NULL when out of memory. */
char *sh_wh_backlog_report_json(const sh_wh_backlog_report_t *r);

/* ---- the citizen's own warehouse (citizen.c; docs/CITIZEN.md) -------------
 * A person logged in through the identity service (oidc/) gets a citizen
 * session: the permission SH_WH_PERM_OWN and nothing else, whatever the
 * warehouse's operators (the bootstrap rule does not apply), and the list of
 * owners whose papers they may read: themselves, the company whose tax code
 * the identity service vouches for (its representative), and the companies
 * whose representative authorised them. Every call below checks the owner
 * against that list in the library; a refusal of a paper by code is itself
 * recorded in the audit of reads (command "refused:<via>"), so the owner
 * sees the attempt. In a citizen session sh_wh_owner_papers works for the
 * session's owners only and sh_wh_paper_get for their papers only (SH_EPERM
 * otherwise; SH_ENOTFOUND for a code that does not exist, also audited). */
#define SH_WH_CITIZEN_OWNERS 16
/* Begin a citizen session on this thread: person (12-digit personal id)
 * and company (tax code the identity service gives a representative, or
 * NULL). via: the front end's action, as in sh_wh_session_begin. The
 * operator recorded is "citizen:<person>". SH_EPERM for a malformed id. */
int sh_wh_session_citizen(sh_store *store, const char *person, const char *company,
			  const char *via);
/* The person of a citizen session (borrowed), or NULL for any other session. */
const char *sh_wh_citizen(const sh_store *store);
/* The company the person represents (borrowed), or NULL. */
const char *sh_wh_citizen_company(const sh_store *store);
/* The session's owners (borrowed; [0] the person): at most max into out. */
size_t sh_wh_citizen_owners(const sh_store *store, const char **out, size_t max);
/* SH_OK when owner is one of the citizen session's owners, else SH_EPERM. */
int sh_wh_citizen_owns(sh_store *store, const char *owner);

/* Who looked at owner's papers: every audited read of them, newest first
 * (the reads of the owner themself included). For the owner in a citizen
 * session (OWN), or an auditor (AUDIT). *out: caller sh_free. */
int sh_wh_mine_reads(sh_store *store, const char *owner, sh_wh_audit_rec **out, size_t *n);

/* Shares for reuse: the owner picks papers and a procedure and gets a short
 * code (XXXX-XXXX, Crockford base32 without I L O U: 40 random bits) that a
 * desk types to be offered exactly those papers, until the share expires
 * or is revoked. Creating, using and revoking a share are signed log
 * events ("share", "share-use", "share-revoke") per paper, naming the
 * share by the first 16 hex digits of the SHA-256 of its code (the code
 * itself is a bearer secret and is not logged). */
#define SH_WH_SHARE_PAPERS 32
#define SH_WH_SHARE_DAYS_MAX 90
typedef struct sh_wh_share {
	char code[16];         /* "XXXX-XXXX" */
	char owner[16];
	char procedure[32];
	char by[40];           /* who made it ("citizen:<id>") */
	int64_t created, expires, revoked; /* revoked: 0 when not */
	size_t uses;
	size_t npapers;
	char papers[SH_WH_SHARE_PAPERS][SH_STORE_CODE_MAX];
} sh_wh_share;
/* A share code as typed (case, dashes and spaces ignored; O read as 0, I
 * and L as 1) into its canonical form "XXXX-XXXX". SH_EINVAL otherwise. */
int sh_wh_share_code_parse(const char *typed, char out[16]);
/* Share n papers of owner (each must be owner's, valid, reusable) for
 * procedure (a catalogue code) for days (1..SH_WH_SHARE_DAYS_MAX). Citizen
 * session holding owner. key signs the events (borrowed). *out filled.
 * SH_EINVAL, SH_EPERM, SH_ENOTFOUND (paper or procedure). */
int sh_wh_share_create(sh_store *store, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		       const char *owner, const char *procedure, const char *const *papers,
		       size_t n, int days, sh_wh_share *out);
/* The shares of the session's owners, newest first. *out: caller sh_free. */
int sh_wh_share_list(sh_store *store, sh_wh_share **out, size_t *n);
/* Revoke share code (one of the session's owners'). SH_ENOTFOUND,
 * SH_EEXISTS (already revoked). */
int sh_wh_share_revoke(sh_store *store, const sh_sign_key *key, const char *code);
/* At the desk (REUSE): the share behind code, if it is live (not expired,
 * not revoked), with its papers still valid. A signed "share-use" event and
 * an audited read of each paper by the session's operator, in the context
 * of dossier (the one being received, or NULL: the share itself).
 * SH_ENOTFOUND for an unknown, expired or revoked code (one message for
 * all three: the desk learns nothing about other codes). */
int sh_wh_share_use(sh_store *store, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		    const char *code, const char *dossier, sh_wh_share *out);
/* At the desk (REUSE; the desk has no ATTACH of its own): attach paper, one
 * of the live share code's papers, to dossier, as sh_wh_attach does (a
 * signed "reuse" event; the dossier's owner must be the paper's). The
 * share is what the owner allowed: nothing outside it. SH_ENOTFOUND
 * (no such live share, or the paper is not in it), SH_EEXISTS. */
int sh_wh_share_attach(sh_store *store, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		       const char *code, const char *dossier, const char *paper,
		       uint64_t *out_index);

/* Corrections: the owner reports a wrong fact of one of their papers; a
 * clerk applies it as a signed "correction" event (the original reading
 * stays in the paper and the log) or rejects it. */
typedef struct sh_wh_correction {
	uint64_t id;
	char paper[SH_STORE_CODE_MAX];
	char owner[16];
	char fact[48];          /* the fact's name ("name", "birth_date", ...) */
	char value[256];        /* what the owner says it should read, or "" */
	char note[512];
	char by[40];            /* who reported */
	int64_t created;
	int state;              /* 0 open, 1 applied, 2 rejected */
	char clerk[40];
	int64_t done;
	uint64_t log_index;     /* the correction event, when applied */
} sh_wh_correction;
/* Report (citizen session; the paper must be theirs): SH_EINVAL for an
 * empty fact name or note over 500 bytes. *out_id (may be NULL). */
int sh_wh_correction_report(sh_store *store, const char *paper, const char *fact,
			    const char *value, const char *note, uint64_t *out_id);
/* The queue: a clerk (REVOKE) sees every correction (open_only: the open
 * ones); a citizen the ones about their papers. *out: caller sh_free. */
int sh_wh_correction_list(sh_store *store, int open_only, sh_wh_correction **out, size_t *n);
/* A clerk (REVOKE) applies (value: the corrected reading, NULL: the one
 * reported) or rejects (reject = 1) correction id. Applying is a signed
 * "correction" event about the paper. SH_ENOTFOUND, SH_EEXISTS (done). */
int sh_wh_correction_apply(sh_store *store, const sh_sign_key *key, uint64_t id,
			   const char *value, int reject, sh_wh_correction *out);

/* Companies: the representative (a citizen session with a company) lets
 * an employee (personal id) read the company's papers, or stops that.
 * SH_EPERM outside a representative's session. */
int sh_wh_delegate(sh_store *store, const char *employee, int allow);
/* The employees the representative's company has authorised. *out: caller
 * sh_free (16-byte ids). */
int sh_wh_delegate_list(sh_store *store, char (**out)[16], size_t *n);

/* ---- replication: offices → the province (replica.c; docs/REPLICATION.md) ----
 * Log shipping, never copies of LMDB files. The office serves its signed
 * log to a replication token (SH_WH_PERM_REPLICATE); the province trusts
 * each office's keys as an admin sets them (never on first use), checks
 * every new checkpoint of the office (its signature by a trusted key, a
 * consistency proof from the last accepted one, the entries against its
 * root, each entry's signature) and files the papers under their original
 * codes (as sh_wh_import: signed again here, with an "import" event naming
 * the office's key and manifest), the entries and its position in one
 * write transaction. A fork (a checkpoint that does not extend the
 * accepted one, or signed by a key not trusted for the office) is recorded
 * as evidence and stops the office's replay for good. */

/* Office side, SH_WH_PERM_REPLICATE: the latest checkpoint; a consistency
 * proof; a blob; the key files as JSON {"agency", "keys": [{"key_id",
 * "file", "valid_from", "valid_until", "revoked_at"}]}; a page of entries
 * from index from as JSON {"agency", "from", "size", "log_size",
 * "checkpoint" (signed, of size), "proof" (hex, from → size), "entries":
 * [{"index", "doc", "paper" (component/result: {"dossier", "agency",
 * "procedure", "received", "created", "file", "flags", "pages": [{"sha256",
 * "mime", "text", "width", "height", "dpi", "rotation", "confidence",
 * "flags"}]})}]}: entries from..size-1, size the largest checkpoint within
 * limit entries (else the next one; limit at most 10 000). SH_EEXISTS when
 * from is past the log (rolled back). *out: caller sh_free. */
int sh_wh_replica_checkpoint(sh_store *store, uint8_t **out, size_t *len, uint64_t *size);
int sh_wh_replica_consistency(sh_store *store, uint64_t old_size, uint64_t new_size,
			      uint8_t path[][SH_SHA256_LEN], size_t *n);
int sh_wh_replica_blob(sh_store *store, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
		       size_t *len);
int sh_wh_replica_keys(sh_store *store, char **out);
int sh_wh_replica_page(sh_store *store, uint64_t from, size_t limit, char **out);

/* Province side. Trust key file (sh_sign_pubkey_export) for office agency
 * (SH_WH_PERM_ADMIN): the first call makes the office's replica (empty);
 * a later one adds a key (after the office rotates). SH_EINVAL (another
 * agency's key, this warehouse's own agency), SH_EBADSIG. */
int sh_wh_office_add(sh_store *store, const char *agency, const void *keyfile, size_t len);
typedef struct sh_wh_office {
	char agency[SH_SIGN_AGENCY_MAX + 1];
	uint64_t size;  /* entries of its log replayed */
	int64_t time;   /* of the last accepted checkpoint (0: none yet) */
	char root[65];  /* its root (hex) */
	int forked;     /* 1: a fork was seen; fork says what */
	char fork[1024];
} sh_wh_office;
/* Require the cosignature of witness vkey (a note verifier key, one line
 * "NAME+ID+KEY", checked by the caller with sh_wit_vkey_parse) on the
 * office's witnessed checkpoint before anything is replayed from it (the
 * replica never goes past what every such witness cosigned;
 * docs/REPLICATION.md). SH_WH_PERM_ADMIN; the office must be trusted. */
int sh_wh_office_witness_add(sh_store *store, const char *agency, const char *vkey);
/* The witness keys required for agency. *out: n strings, each and the
 * array caller sh_free. */
int sh_wh_office_witnesses(sh_store *store, const char *agency, char ***out, size_t *n);
/* Record a fork of agency found outside sh_wh_replica_apply (the office's
 * log against what its witnesses cosigned): why and the evidence (text)
 * kept, nothing more replayed. SH_WH_PERM_IMPORT. Returns SH_EBADSIG with
 * the message, as sh_wh_replica_apply does for a fork. */
int sh_wh_office_fork(sh_store *store, const char *agency, const char *why,
		      const char *evidence);
/* The offices replicated here (no permission: no personal data). *out:
 * caller sh_free. get: SH_ENOTFOUND for an office not trusted. */
int sh_wh_office_list(sh_store *store, sh_wh_office **out, size_t *n);
int sh_wh_office_get(sh_store *store, const char *agency, sh_wh_office *out);

/* One page of an office's log as received (all borrowed for the call). */
typedef struct sh_wh_replica_entry {
	const uint8_t *doc;             /* the signed document */
	size_t len;
	const sh_wh_import_paper *paper; /* component/result: the paper with its pages; else NULL */
} sh_wh_replica_entry;
typedef struct sh_wh_replica_batch {
	const char *agency;
	const uint8_t *checkpoint;      /* the office's signed checkpoint at first + n */
	size_t checkpoint_len;
	const uint8_t (*proof)[SH_SHA256_LEN]; /* consistency: replica's size → checkpoint's */
	size_t nproof;
	uint64_t first;                 /* index of entries[0]: the replica's size */
	const sh_wh_replica_entry *entries;
	size_t n;
} sh_wh_replica_batch;
typedef struct sh_wh_replica_stats {
	size_t entries, papers, existing;
	uint64_t size;                  /* the replica's size now */
} sh_wh_replica_stats;
/* Check and replay a page (SH_WH_PERM_IMPORT; key signs here): all or
 * nothing, with the position. SH_EBADSIG: a fork (recorded; every later
 * call refuses too) or a signature or entry that does not verify;
 * SH_ENOTFOUND: office not trusted; SH_EINVAL: a page that does not start
 * at the replica's size; SH_EBUSY: another replay moved the position. */
int sh_wh_replica_apply(sh_store *store, const sh_sign_key *key, const sh_wh_replica_batch *b,
			sh_wh_replica_stats *out);
/* Part of `verify --all` (SH_WH_PERM_VERIFY): every office's replicated
 * log entry against that office's trusted keys, the accepted checkpoint
 * against the entries, and each paper filed against what the office
 * signed (pages re-hashed). report(arg, code or "log", problem).
 * SH_OK, SH_EBADSIG (problems), or an error. */
int sh_wh_replica_verify(sh_store *store, sh_ledger_verify_fn report, void *arg,
			 size_t *out_problems);

/* ---- reuse across offices through the province (repaper.c) ----
 * Province side, SH_WH_PERM_OFFICE (an office token): paper code of a
 * replicated office as JSON {"code", "agency" (the original office),
 * "status" ("valid", "revoked", "expired"), "reason", and when valid
 * "index", "size", "checkpoint" (the office's signed checkpoint of that
 * size, as accepted here), "proof" (hex inclusion proof of entry index),
 * "entry": {"index", "doc" (the office's signed manifest, as signed),
 * "paper" (as in sh_wh_replica_page)}}. The read is recorded in the audit
 * as the session's ("office:AGENCY", command "office-fetch"). SH_ENOTFOUND:
 * no such paper, or not one of a replicated office's. *out: caller sh_free.
 * The entry is found by the index the replay keeps (else by reading the
 * office's replicated log: replicas filed before the index). */
int sh_wh_replica_paper(sh_store *store, const char *code, char **out);
/* A page image or original (sha) of that paper, SH_WH_PERM_OFFICE;
 * SH_ENOTFOUND for a hash that is not the paper's. *out: caller sh_free. */
int sh_wh_replica_paper_blob(sh_store *store, const char *code, const uint8_t sha[SH_SHA256_LEN],
			     uint8_t **out, size_t *len);

/* Office side: the province's answer, parsed (replica/), all borrowed. */
typedef struct sh_wh_remote_paper {
	const char *agency;              /* the original office */
	const char *status, *reason;     /* at the province */
	uint64_t index, size;            /* the entry and the checkpoint's size */
	const uint8_t *doc;              /* the office's signed manifest */
	size_t len;
	const uint8_t *checkpoint;       /* the office's signed checkpoint */
	size_t checkpoint_len;
	const uint8_t (*proof)[SH_SHA256_LEN];
	size_t nproof;
	const sh_wh_import_paper *paper; /* with its pages (images fetched) */
} sh_wh_remote_paper;
/* Attach at this office a paper of another office fetched from the
 * province (SH_WH_PERM_ATTACH): the manifest and checkpoint verified with
 * keys this office trusts for the original office (sohoa office add: the
 * province's word is not enough), the entry's inclusion in the checkpoint,
 * the paper sent against the manifest; then, in one write transaction, the
 * paper filed as sh_wh_import does and the "reuse" event signed with key
 * (this office's). A paper revoked or expired at the province is refused as
 * a local one is (SH_EINVAL); SH_EBADSIG: what the province sent does not
 * verify; SH_ENOTFOUND: the original office is not trusted here. */
int sh_wh_attach_remote(sh_store *store, const sh_sign_key *key, const sh_wh_proc_cat *cat,
			const sh_wh_remote_paper *r, const char *dossier, const char *operator_id,
			int64_t when, uint64_t *out_index);

#ifdef __cplusplus
}
#endif
#endif
