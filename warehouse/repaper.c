/* Reuse across offices through the province (sh_wh.h "reuse across
 * offices"; docs/REPLICATION.md): the province serves one replicated paper
 * with the original office's signed manifest, the checkpoint it accepted
 * and the entry's inclusion proof, to an office token, audited as that
 * office's read; the office checks all of it against the original office's
 * keys it trusts itself, files the paper and signs the reuse in one write
 * transaction. */
#define _GNU_SOURCE /* memmem */
#include "wh_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* ---- the province ----------------------------------------------------------- */

struct leaves {
	sh_store *s;
	MDB_txn *txn;
	const char *agency;
};

static int entry_get(sh_store *s, MDB_txn *txn, const char *agency, uint64_t i, MDB_val *v)
{
	char k[80];
	uint8_t be[8];
	int kl = snprintf(k, sizeof k, "repl|%s|e|", agency);
	store_be64(be, i);
	memcpy(k + kl, be, 8);
	MDB_val kv = {(size_t)kl + 8, k};
	int lrc = mdb_get(txn, s->meta, &kv, v);
	return lrc ? sh_error_set(SH_ECORRUPT, "entry %llu of office %s's replica is missing",
				  (unsigned long long)i, agency)
		   : SH_OK;
}

static int leaf_fn(void *arg, uint64_t i, uint8_t out[SH_SHA256_LEN])
{
	struct leaves *l = arg;
	MDB_val v;
	int rc = entry_get(l->s, l->txn, l->agency, i, &v);
	if (!rc)
		sh_log_leaf_hash(out, v.mv_data, v.mv_size);
	return rc;
}

/* The index of code's component/result manifest in the office's replicated
 * log (size entries): from the index replay keeps ("p|<code>"), else by
 * reading the log (replicas filed before it). SH_ENOTFOUND. */
static int find_entry(sh_store *s, MDB_txn *txn, const char *agency, uint64_t size,
		      const char *code, uint64_t *out)
{
	char pk[SH_STORE_CODE_MAX + 80];
	int pl = snprintf(pk, sizeof pk, "repl|%s|p|%s", agency, code);
	MDB_val pkv = {(size_t)pl, pk}, pv;
	if (pl > 0 && (size_t)pl < sizeof pk && !mdb_get(txn, s->meta, &pkv, &pv) &&
	    pv.mv_size == 8 && store_rd64(pv.mv_data) < size) {
		*out = store_rd64(pv.mv_data); /* checked by the office against the signed log */
		return SH_OK;
	}
	/* a replica filed before the index: read the log */
	char needle[SH_STORE_CODE_MAX + 4];
	int nl = snprintf(needle, sizeof needle, " %s", code);
	for (uint64_t i = 0; i < size; i++) {
		MDB_val v;
		int rc = entry_get(s, txn, agency, i, &v);
		if (rc)
			return rc;
		if (!memmem(v.mv_data, v.mv_size, needle, (size_t)nl))
			continue;
		sh_sign_manifest *m = NULL;
		int hit = !sh_sign_manifest_read(&m, v.mv_data, v.mv_size) &&
			  (!strcmp(m->type, "component") || !strcmp(m->type, "result")) &&
			  !strcmp(m->code, code);
		sh_sign_manifest_free(&m);
		if (hit) {
			*out = i;
			return SH_OK;
		}
	}
	return sh_error_set(SH_ENOTFOUND, "paper %s is not in office %s's replicated log", code,
			    agency);
}

/* The replicated office of paper code (its dossier's agency), checked. */
static int paper_office(sh_store *s, const char *code, char agency[SH_SIGN_AGENCY_MAX + 1])
{
	sh_store_paper_rec *p = NULL;
	sh_store_dossier_rec *d = NULL;
	int rc = sh_store_paper_get(s, code, &p);
	if (rc == SH_ENOTFOUND || (!rc && !(p->flags & SH_WH_PAPER_IMPORTED)))
		rc = sh_error_set(SH_ENOTFOUND, "no paper of a replicated office has the code %s",
				  code);
	if (!rc && !(rc = sh_store_dossier_get(s, p->dossier, &d)))
		snprintf(agency, SH_SIGN_AGENCY_MAX + 1, "%s", d->agency);
	sh_store_paper_rec_free(&p);
	sh_store_dossier_rec_free(&d);
	return rc;
}

static json_t *hexs(const uint8_t *b, size_t n)
{
	char h[2 * SH_SHA256_LEN + 1];
	sh_hex(h, b, n);
	return json_string(h);
}

/* The valid paper's proof part of the answer, in txn. */
static int proof_json(sh_store *s, MDB_txn *txn, const char *agency, const char *code,
		      json_t *o)
{
	uint64_t size = 0, idx = 0;
	int known = 0, rc = wh_repl_size(s, txn, agency, &size, &known);
	if (!rc && !known)
		rc = sh_error_set(SH_ENOTFOUND, "paper %s: office %s is not replicated here", code,
				  agency);
	if (rc || (rc = find_entry(s, txn, agency, size, code, &idx)))
		return rc;
	char k[64];
	snprintf(k, sizeof k, "repl|%s|c", agency);
	MDB_val kv = {strlen(k), k}, cp, ev;
	if (mdb_get(txn, s->meta, &kv, &cp))
		return sh_error_set(SH_ECORRUPT, "office %s: no accepted checkpoint", agency);
	struct leaves l = {s, txn, agency};
	sh_log_source src = {leaf_fn, NULL, &l};
	uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
	size_t np = 0;
	if ((rc = sh_log_inclusion_proof(path, &np, &src, idx, size)) ||
	    (rc = entry_get(s, txn, agency, idx, &ev)))
		return rc;
	json_t *paper = wh_repl_paper_json(s, code);
	if (!paper)
		return sh_error_set(SH_ECORRUPT, "paper %s: its replicated entry is not text", code);
	json_t *proof = json_array();
	for (size_t i = 0; proof && i < np; i++)
		json_array_append_new(proof, hexs(path[i], SH_SHA256_LEN));
	/* each set steals its value, also when it fails: nothing leaks */
	json_t *e = json_pack("{s:I, s:s%, s:o}", "index", (json_int_t)idx, "doc",
			      (const char *)ev.mv_data, ev.mv_size, "paper", paper);
	int bad = !e | !proof;
	bad |= json_object_set_new(o, "index", json_integer((json_int_t)idx));
	bad |= json_object_set_new(o, "size", json_integer((json_int_t)size));
	bad |= json_object_set_new(o, "checkpoint", json_stringn((const char *)cp.mv_data, cp.mv_size));
	bad |= json_object_set_new(o, "proof", proof);
	bad |= json_object_set_new(o, "entry", e);
	return bad ? sh_error_set(SH_ECORRUPT, "paper %s: its replicated entry is not text", code)
		   : SH_OK;
}

/* The paper's validity at the province now (revocations and clerks'
 * validities replayed from its office; the kinds' rules are the attaching
 * office's, checked there). */
static int paper_validity(sh_store *s, const char *code, sh_wh_validity *v)
{
	sh_store_paper_rec *p = NULL;
	MDB_txn *txn;
	int rc = sh_store_paper_get(s, code, &p);
	if (!rc && !(rc = store_txn_begin(s, MDB_RDONLY, &txn))) {
		rc = wh_validity(s, txn, NULL, code, p->kind, p->facts, p->created, sh_now(), v);
		mdb_txn_abort(txn);
	}
	sh_store_paper_rec_free(&p);
	return rc;
}

int sh_wh_replica_paper(sh_store *s, const char *code, char **out)
{
	*out = NULL;
	char agency[SH_SIGN_AGENCY_MAX + 1];
	int rc = sh_wh_may(s, SH_WH_PERM_OFFICE);
	if (rc || (rc = paper_office(s, code, agency)))
		return rc;
	sh_wh_validity v;
	if ((rc = paper_validity(s, code, &v)))
		return rc;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "agency", agency, "status",
			      sh_wh_validity_status_name(v.status), "reason", v.reason);
	if (!o)
		return sh_error_set(SH_EINVAL, "paper %s: not text", code);
	MDB_txn *txn = NULL;
	if (v.status == SH_WH_VALID && !(rc = store_txn_begin(s, MDB_RDONLY, &txn))) {
		rc = proof_json(s, txn, agency, code, o);
		mdb_txn_abort(txn);
	}
	/* the province's audit: this office read the paper (a citizen sees it) */
	if (!rc)
		rc = sh_wh_audit_read(s, sh_wh_operator(s), "office-fetch", code, NULL, 0);
	if (!rc && !(*out = json_dumps(o, JSON_COMPACT)))
		rc = SH_ENOMEM;
	json_decref(o);
	return rc;
}

int sh_wh_replica_paper_blob(sh_store *s, const char *code, const uint8_t sha[SH_SHA256_LEN],
			     uint8_t **out, size_t *len)
{
	*out = NULL;
	char agency[SH_SIGN_AGENCY_MAX + 1];
	int rc = sh_wh_may(s, SH_WH_PERM_OFFICE), mine = 0;
	if (rc || (rc = paper_office(s, code, agency)))
		return rc;
	sh_store_paper_rec *p = NULL;
	if ((rc = sh_store_paper_get(s, code, &p)))
		return rc;
	for (size_t j = 0; j < p->npages; j++)
		mine |= !memcmp(p->pages[j].image_sha, sha, SH_SHA256_LEN) ||
			(p->pages[j].has_original &&
			 !memcmp(p->pages[j].original_sha, sha, SH_SHA256_LEN));
	sh_store_paper_rec_free(&p);
	if (!mine)
		return sh_error_set(SH_ENOTFOUND, "paper %s has no image with that hash", code);
	return sh_store_blob_get(s, sha, out, len);
}

/* ---- the office ------------------------------------------------------------- */

struct rattach {
	const sh_wh_proc_cat *cat;
	const sh_sign_key *key;
	const char *dossier, *code, *op;
	int64_t when;
	uint64_t index;
};

static int attach_hook(sh_store *s, MDB_txn *txn, void *arg)
{
	struct rattach *a = arg;
	return wh_attach_txn(s, txn, a->key, a->cat, a->dossier, a->code, a->op, a->when,
			     &a->index);
}

/* What the province sent against the original office's keys trusted here. */
static int remote_check(sh_store *s, const sh_wh_remote_paper *r, sh_sign_manifest **m)
{
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), known = 0;
	uint64_t size = 0;
	char kid[SH_SIGN_KEYID_HEX + 1] = "?";
	sh_sign_pubkey pub;
	sh_sign_checkpoint cp;
	uint8_t leaf[SH_SHA256_LEN];
	if (rc)
		return rc;
	if ((rc = wh_repl_size(s, txn, r->agency, &size, &known)))
		goto out;
	if (!known) {
		rc = sh_error_set(SH_ENOTFOUND, "office %s is not one this office trusts: sohoa "
						"office add %s --key FILE (its key, brought by hand)",
				  r->agency, r->agency);
		goto out;
	}
	if (sh_sign_doc_key_id(kid, r->doc, r->len) || wh_office_key(s, txn, r->agency, kid, &pub) ||
	    sh_sign_manifest_verify(m, &pub, SH_SIGN_WHEN_CLAIMED, r->doc, r->len) ||
	    strcmp((*m)->agency, r->agency)) {
		rc = sh_error_set(SH_EBADSIG, "the province's copy of paper %s: its manifest is not "
					      "signed by a key of office %s trusted here (%.16s)",
				  r->paper->code, r->agency, kid);
		goto out;
	}
	if (sh_sign_doc_key_id(kid, r->checkpoint, r->checkpoint_len) ||
	    wh_office_key(s, txn, r->agency, kid, &pub) ||
	    sh_sign_checkpoint_verify(&cp, &pub, r->checkpoint, r->checkpoint_len) ||
	    strcmp(cp.agency, r->agency) || cp.size != r->size) {
		rc = sh_error_set(SH_EBADSIG, "the province's copy of paper %s: office %s's "
					      "checkpoint does not verify with its keys trusted here",
				  r->paper->code, r->agency);
		goto out;
	}
	sh_log_leaf_hash(leaf, r->doc, r->len);
	if (sh_log_inclusion_verify(leaf, r->index, cp.size, r->proof, r->nproof, cp.root)) {
		rc = sh_error_set(SH_EBADSIG, "the province's copy of paper %s: the manifest is not "
					      "in office %s's signed log",
				  r->paper->code, r->agency);
		goto out;
	}
	if (strcmp((*m)->type, "component") && strcmp((*m)->type, "result"))
		rc = sh_error_set(SH_EBADSIG, "the province sent no paper's manifest");
	else
		rc = wh_paper_check(*m, r->paper);
out:
	mdb_txn_abort(txn);
	return rc;
}

int sh_wh_attach_remote(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat,
			const sh_wh_remote_paper *r, const char *dossier, const char *operator_id,
			int64_t when, uint64_t *out_index)
{
	int rc = sh_wh_may(s, SH_WH_PERM_ATTACH);
	if (rc)
		return rc;
	if (!r || !r->paper || !r->agency || !r->status)
		return sh_error_set(SH_EINVAL, "the province sent no paper");
	if (strcmp(r->status, "valid")) /* refused as sh_wh_attach refuses a local one */
		return sh_error_set(SH_EINVAL, "paper %s is %s%s%s: it cannot be reused; ask for a "
					       "new one",
				    r->paper->code, r->status, r->reason && *r->reason ? ": " : "",
				    r->reason ? r->reason : "");
	sh_sign_manifest *m = NULL;
	rc = remote_check(s, r, &m);
	sh_sign_manifest_free(&m);
	if (rc)
		return rc;
	struct rattach a = {cat, key, dossier, r->paper->code, wh_operator_or(s, operator_id),
			    when ? when : sh_now(), 0};
	sh_wh_import_stats st;
	if ((rc = wh_import(s, key, r->agency, r->paper, 1, &st, attach_hook, &a)))
		return rc;
	if (out_index)
		*out_index = a.index;
	return SH_OK;
}
