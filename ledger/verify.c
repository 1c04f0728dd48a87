/* Verification for archivists: every hash recomputed from the stored bytes,
 * every signature checked against its key's validity at the time the entry
 * reached the log, every entry's inclusion in the latest signed checkpoint,
 * and every checkpoint consistent with the entries before it. */
#include "ledger_int.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>

struct vctx {
	sh_store *s;
	sh_ledger_verify_fn report;
	void *arg;
	pthread_mutex_t mu;
	atomic_size_t problems;
	/* the latest checkpoint, verified once */
	int have_cp;
	sh_sign_checkpoint cp;
	/* caches (under mu): keys parsed and self-signature checked once; the
	 * log time of each checkpoint verified once */
	sh_sign_pubkey keys[16];
	size_t nkeys;
	struct { uint64_t size; int64_t time; } cps[64];
	size_t ncps;
	/* sh_ledger_check_paper: the content against what was signed, whatever
	 * became of the key since (a bundle of a paper whose key was revoked is
	 * still exported; it carries the key's status, docs/SIGNING.md §10) */
	int ignore_revocation;
};

static int cached_key(struct vctx *v, const char *kid, sh_sign_pubkey *out)
{
	pthread_mutex_lock(&v->mu);
	for (size_t i = 0; i < v->nkeys; i++)
		if (!strcmp(v->keys[i].key_id, kid)) {
			*out = v->keys[i];
			pthread_mutex_unlock(&v->mu);
			return SH_OK;
		}
	pthread_mutex_unlock(&v->mu);
	int rc = sh_ledger_key_get(v->s, kid, out, NULL);
	if (!rc && v->ignore_revocation)
		out->revoked_at = INT64_MAX;
	if (!rc) {
		pthread_mutex_lock(&v->mu);
		if (v->nkeys < sizeof v->keys / sizeof *v->keys)
			v->keys[v->nkeys++] = *out;
		pthread_mutex_unlock(&v->mu);
	}
	return rc;
}

static void problem(struct vctx *v, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct vctx *v, const char *code, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	atomic_fetch_add(&v->problems, 1);
	if (v->report) {
		pthread_mutex_lock(&v->mu);
		v->report(v->arg, code, msg);
		pthread_mutex_unlock(&v->mu);
	}
}

/* Verify a signed checkpoint document with its registered key. */
static int verify_checkpoint(struct vctx *v, const uint8_t *doc, size_t len,
			     sh_sign_checkpoint *out)
{
	char kid[SH_SIGN_KEYID_HEX + 1];
	sh_sign_pubkey pub;
	int rc = sh_sign_doc_key_id(kid, doc, len);
	if (!rc)
		rc = cached_key(v, kid, &pub);
	if (!rc)
		rc = sh_sign_checkpoint_verify(out, &pub, doc, len);
	return rc;
}

/* Facts in the record (JSON) and in the manifest must be the same set. */
static int facts_match(const char *json, const sh_sign_manifest *m)
{
	json_t *o = json ? json_loads(json, JSON_REJECT_DUPLICATES, NULL) : json_object();
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	size_t n = 0;
	const char *k;
	json_t *val;
	int ok = 1;
	json_object_foreach(o, k, val) {
		if (json_is_null(val))
			continue;
		n++;
		const char *want = json_is_string(val) ? json_string_value(val) : NULL;
		int found = 0;
		for (size_t i = 0; i < m->nfacts; i++)
			if (!strcmp(m->facts[i].name, k)) {
				found = want && !strcmp(m->facts[i].value, want);
				break;
			}
		if (!found)
			ok = 0;
	}
	json_decref(o);
	return ok && n == m->nfacts;
}

/* ---- one read transaction per paper ------------------------------------------
 * Everything about a paper is read in one snapshot: its record, its page
 * blobs (hashed in place), its signature index entries, its log entries,
 * the checkpoint that covers each, and the inclusion proof. */

struct src_ctx {
	sh_store *s;
	MDB_txn *txn;
};

static int node_get(void *arg, unsigned level, uint64_t index, uint8_t out[SH_SHA256_LEN])
{
	struct src_ctx *c = arg;
	uint8_t k[9];
	k[0] = (uint8_t)level;
	store_be64(k + 1, index);
	MDB_val key = {9, k}, val;
	int lrc = mdb_get(c->txn, c->s->lognode, &key, &val);
	if (lrc == MDB_NOTFOUND)
		return SH_ENOTFOUND;
	if (lrc)
		return store_lmdb_err(lrc, "log node");
	if (val.mv_size != SH_SHA256_LEN)
		return sh_error_set(SH_ECORRUPT, "log node %u/%llu has a wrong size", level,
				    (unsigned long long)index);
	memcpy(out, val.mv_data, SH_SHA256_LEN);
	return SH_OK;
}

static int leaf_get(void *arg, uint64_t index, uint8_t out[SH_SHA256_LEN])
{
	int rc = node_get(arg, 0, index, out);
	if (rc == SH_ENOTFOUND)
		return sh_error_set(SH_ECORRUPT, "log entry %llu is missing",
				    (unsigned long long)index);
	return rc;
}

/* A failure that is not a finding: allocation, I/O, a failing LMDB call. */
static int is_error(int rc)
{
	return rc == SH_ENOMEM || rc == SH_EIO || rc == SH_EFULL || rc == SH_ERROR;
}

/* The trusted time of entry index, in txn. SH_OK, a finding (reported,
 * SH_EBADSIG) or an error. */
static int entry_time_txn(struct vctx *v, MDB_txn *txn, const char *code, uint64_t index,
			  int64_t *out)
{
	MDB_cursor *c;
	uint8_t kb[8];
	store_be64(kb, index + 1);
	MDB_val k = {8, kb}, val;
	int lrc = mdb_cursor_open(txn, v->s->checkpoint, &c);
	if (lrc)
		return store_lmdb_err(lrc, "checkpoints");
	lrc = mdb_cursor_get(c, &k, &val, MDB_SET_RANGE);
	mdb_cursor_close(c);
	if (lrc && lrc != MDB_NOTFOUND)
		return store_lmdb_err(lrc, "checkpoints");
	if (lrc || k.mv_size != 8) {
		problem(v, code, "log entry %llu: no signed checkpoint covers it",
			(unsigned long long)index);
		return SH_EBADSIG;
	}
	uint64_t size = store_rd64(k.mv_data);
	pthread_mutex_lock(&v->mu);
	for (size_t i = 0; i < v->ncps; i++)
		if (v->cps[i].size == size) {
			*out = v->cps[i].time;
			pthread_mutex_unlock(&v->mu);
			return SH_OK;
		}
	pthread_mutex_unlock(&v->mu);
	sh_sign_checkpoint cp;
	int rc = verify_checkpoint(v, val.mv_data, val.mv_size, &cp);
	if (is_error(rc))
		return rc;
	if (rc) {
		problem(v, code, "log entry %llu: the checkpoint of size %llu covering it does not "
				 "verify: %s",
			(unsigned long long)index, (unsigned long long)size, sh_error_message());
		return SH_EBADSIG;
	}
	*out = cp.time;
	pthread_mutex_lock(&v->mu);
	if (v->ncps == sizeof v->cps / sizeof *v->cps) /* keep the newest */
		memmove(v->cps, v->cps + 1, sizeof v->cps - sizeof *v->cps), v->ncps--;
	v->cps[v->ncps].size = size;
	v->cps[v->ncps++].time = cp.time;
	pthread_mutex_unlock(&v->mu);
	return SH_OK;
}

/* Verify one signed entry about code: signature, key validity at log time,
 * inclusion in the latest checkpoint. SH_OK and *out (may be NULL) the
 * manifest; SH_EBADSIG after reporting a finding; or an error. */
static int verify_entry(struct vctx *v, MDB_txn *txn, const char *code, uint64_t index,
			sh_sign_manifest **out)
{
	uint8_t kb[8];
	store_be64(kb, index);
	MDB_val key = {8, kb}, val;
	char kid[SH_SIGN_KEYID_HEX + 1];
	sh_sign_pubkey pub;
	sh_sign_manifest *m = NULL;
	int64_t when = SH_SIGN_WHEN_CLAIMED;
	int rc, lrc = mdb_get(txn, v->s->log, &key, &val);
	if (lrc == MDB_NOTFOUND) {
		problem(v, code, "log entry %llu is missing (the log was cut or altered)",
			(unsigned long long)index);
		return SH_EBADSIG;
	}
	if (lrc)
		return store_lmdb_err(lrc, "log");
	if ((rc = sh_sign_doc_key_id(kid, val.mv_data, val.mv_size))) {
		if (is_error(rc))
			return rc;
		problem(v, code, "log entry %llu: signed document is damaged: %s",
			(unsigned long long)index, sh_error_message());
		return SH_EBADSIG;
	}
	if ((rc = cached_key(v, kid, &pub))) {
		if (is_error(rc))
			return rc;
		problem(v, code, "log entry %llu: signed with key %.16s… which is not registered",
			(unsigned long long)index, kid);
		return SH_EBADSIG;
	}
	if ((rc = entry_time_txn(v, txn, code, index, &when)))
		return rc;
	if ((rc = sh_sign_manifest_verify(&m, &pub, when, val.mv_data, val.mv_size))) {
		if (is_error(rc))
			return rc;
		problem(v, code, "log entry %llu: signature does not hold: %s",
			(unsigned long long)index, sh_error_message());
		return SH_EBADSIG;
	}
	rc = SH_EBADSIG;
	if (strcmp(m->code, code)) {
		problem(v, code, "log entry %llu is about %s, not %s", (unsigned long long)index,
			m->code, code);
		goto out;
	}
	if (v->have_cp) {
		uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN], leaf[SH_SHA256_LEN],
			stored[SH_SHA256_LEN];
		size_t n = 0;
		struct src_ctx sc = {v->s, txn};
		sh_log_source src = {leaf_get, node_get, &sc};
		sh_log_leaf_hash(leaf, val.mv_data, val.mv_size);
		int prc = sh_log_inclusion_proof(path, &n, &src, index, v->cp.size);
		if (!prc)
			prc = leaf_get(&sc, index, stored);
		if (is_error(prc)) {
			rc = prc;
			goto out;
		}
		if (prc) {
			problem(v, code, "log entry %llu: no inclusion proof: %s",
				(unsigned long long)index, sh_error_message());
			goto out;
		}
		if (memcmp(leaf, stored, SH_SHA256_LEN) ||
		    sh_log_inclusion_verify(leaf, index, v->cp.size, (const uint8_t(*)[32])path, n,
					    v->cp.root)) {
			problem(v, code, "log entry %llu is not included in the signed checkpoint of "
					 "size %llu (log altered)",
				(unsigned long long)index, (unsigned long long)v->cp.size);
			goto out;
		}
	}
	rc = SH_OK;
out:
	if (!rc && out)
		*out = m;
	else
		sh_sign_manifest_free(&m);
	return rc;
}

/* Is code the code of a paper of dossier d ("<d>-...")? */
static int code_in_dossier(const char *code, const char *d)
{
	size_t n = strlen(d);
	return !strncmp(code, d, n) && code[n] == '-';
}

/* Each stored page against the signed manifest: image, text and original
 * hashes (text_sha[i]: SHA-256 of page i's text). */
static void compare_pages(struct vctx *v, const char *code, const sh_sign_manifest *m,
			  const sh_store_paper_rec *p, uint8_t (*text_sha)[SH_SHA256_LEN])
{
	if (m->npages != p->npages) {
		problem(v, code, "%zu pages stored, %zu signed", p->npages, m->npages);
		return;
	}
	for (size_t i = 0; i < p->npages; i++) {
		const sh_sign_page *mp = &m->pages[i];
		const sh_store_page_rec *g = &p->pages[i];
		if (memcmp(mp->image, g->image_sha, SH_SHA256_LEN))
			problem(v, code, "page %zu: image is not the one signed", i + 1);
		if (mp->has_original != g->has_original ||
		    (mp->has_original && memcmp(mp->original, g->original_sha, SH_SHA256_LEN)))
			problem(v, code, "page %zu: original (the photo as received) is not the one "
					 "signed%s", i + 1,
				mp->has_original && !g->has_original ? " (removed from the record)" : "");
		int has_text = g->text[0] != 0;
		if (has_text != mp->has_text ||
		    (has_text && memcmp(mp->text, text_sha[i], SH_SHA256_LEN)))
			problem(v, code, "page %zu: text is not the one signed (altered)", i + 1);
	}
}

/* Page i's original (the photo as received) against its hash: missing or
 * altered is a finding; SH_OK or an LMDB error. */
static int verify_original(struct vctx *v, MDB_txn *txn, const char *code, size_t i,
			   const sh_store_page_rec *pg)
{
	uint8_t h[SH_SHA256_LEN];
	MDB_val k = {SH_SHA256_LEN, (void *)pg->original_sha}, b;
	int lrc = mdb_get(txn, v->s->blob, &k, &b);
	if (lrc == MDB_NOTFOUND) {
		problem(v, code, "page %zu: original (the photo as received) missing", i + 1);
		return SH_OK;
	}
	if (lrc)
		return store_lmdb_err(lrc, "page original");
	sh_sha256(h, b.mv_data, b.mv_size);
	if (memcmp(h, pg->original_sha, SH_SHA256_LEN))
		problem(v, code, "page %zu: original bytes do not match their SHA-256 (altered)",
			i + 1);
	return SH_OK;
}

/* One paper, in one read transaction. SH_OK (findings are reported) or an
 * error. */
static int verify_paper(struct vctx *v, const char *code)
{
	sh_store_paper_rec *p = NULL;
	sh_sign_manifest *m = NULL;
	uint8_t (*text_sha)[SH_SHA256_LEN] = NULL;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	int rc = store_txn_begin(v->s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;
	MDB_val pk = {strlen(code), (void *)code}, pv;
	if ((lrc = mdb_get(txn, v->s->paper, &pk, &pv))) {
		if (lrc == MDB_NOTFOUND)
			problem(v, code, "no such paper (listed, but its record is gone)");
		else
			rc = store_lmdb_err(lrc, "paper");
		goto out;
	}
	if ((rc = store_decode_paper(pv.mv_data, pv.mv_size, &p))) {
		if (!is_error(rc)) {
			problem(v, code, "record cannot be decoded: %s", sh_error_message());
			rc = SH_OK;
		}
		goto out;
	}
	/* the bytes against their own hashes */
	if (!(text_sha = sh_calloc(p->npages ? p->npages : 1, SH_SHA256_LEN))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->npages; i++) {
		uint8_t h[SH_SHA256_LEN];
		MDB_val bk = {SH_SHA256_LEN, p->pages[i].image_sha}, bv;
		sh_sha256(text_sha[i], p->pages[i].text, strlen(p->pages[i].text));
		if ((lrc = mdb_get(txn, v->s->blob, &bk, &bv))) {
			if (lrc != MDB_NOTFOUND) {
				rc = store_lmdb_err(lrc, "page image");
				goto out;
			}
			problem(v, code, "page %zu: image missing", i + 1);
			continue;
		}
		if (store_blob_stub(&bk, &bv, NULL)) {
			/* in the object store: fetched past the cache and re-hashed */
			uint8_t *blob = NULL;
			size_t blen = 0;
			char hex[65];
			sh_hex(hex, p->pages[i].image_sha, SH_SHA256_LEN);
			int orc = store_blob_remote_fetch(v->s, p->pages[i].image_sha, &blob,
							  &blen, 1);
			sh_free(blob);
			if (orc == SH_ENOTFOUND)
				problem(v, code, "page %zu: image %s missing from the object store",
					i + 1, hex);
			else if (orc == SH_ECORRUPT)
				problem(v, code, "page %zu: image %s in the object store does not match "
						 "its SHA-256 (altered)", i + 1, hex);
			else if (orc) { /* the store unreachable or not configured: no finding */
				rc = orc;
				goto out;
			}
			continue;
		}
		sh_sha256(h, bv.mv_data, bv.mv_size);
		if (memcmp(h, p->pages[i].image_sha, SH_SHA256_LEN))
			problem(v, code, "page %zu: image bytes do not match their SHA-256 (altered)",
				i + 1);
		if (p->pages[i].has_original && (rc = verify_original(v, txn, code, i, &p->pages[i])))
			goto out;
	}
	if (!code_in_dossier(p->code, p->dossier))
		problem(v, code, "filed in dossier %s, which its signed code does not name",
			p->dossier);
	/* every signed entry about it */
	if ((lrc = mdb_cursor_open(txn, v->s->sig, &cur))) {
		rc = store_lmdb_err(lrc, "signature index");
		goto out;
	}
	MDB_val k = pk, iv;
	size_t nidx = 0;
	for (lrc = mdb_cursor_get(cur, &k, &iv, MDB_SET_KEY); !lrc;
	     lrc = mdb_cursor_get(cur, &k, &iv, MDB_NEXT_DUP)) {
		nidx++;
		if (iv.mv_size != 8) {
			problem(v, code, "signature index entry is damaged");
			continue;
		}
		sh_sign_manifest *em = NULL;
		rc = verify_entry(v, txn, code, store_rd64(iv.mv_data), &em);
		if (is_error(rc))
			goto out;
		rc = SH_OK;
		if (!em)
			continue;
		if (!m && (!strcmp(em->type, "component") || !strcmp(em->type, "result")))
			m = em;
		else
			sh_sign_manifest_free(&em);
	}
	if (lrc != MDB_NOTFOUND) {
		rc = store_lmdb_err(lrc, "signature index");
		goto out;
	}
	if (nidx == 0) {
		problem(v, code, "not signed: no manifest in the log");
		goto out;
	}
	if (!m) {
		problem(v, code, "no valid component or result manifest");
		goto out;
	}
	/* the manifest against the record */
	if (strcmp(m->owner ? m->owner : "", p->owner))
		problem(v, code, "owner %s differs from the signed owner %s", p->owner,
			m->owner ? m->owner : "(none)");
	if (strcmp(m->kind ? m->kind : "", p->kind))
		problem(v, code, "kind %s differs from the signed kind %s", p->kind,
			m->kind ? m->kind : "(none)");
	if (!facts_match(p->facts, m))
		problem(v, code, "facts differ from the signed facts (altered)");
	compare_pages(v, code, m, p, text_sha);
out:
	if (cur)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	sh_sign_manifest_free(&m);
	sh_free(text_sha);
	sh_store_paper_rec_free(&p);
	return rc;
}

/* The latest checkpoint, verified: SH_OK (also when there is none yet, or
 * it does not verify: a finding), or an error. */
static int latest_checkpoint(struct vctx *v)
{
	uint8_t *doc = NULL;
	size_t len = 0;
	int rc = sh_ledger_checkpoint(v->s, 0, &doc, &len, NULL);
	if (rc == SH_ENOTFOUND)
		return SH_OK; /* nothing signed yet: each signed paper says so */
	if (!rc) {
		rc = verify_checkpoint(v, doc, len, &v->cp);
		if (rc && !is_error(rc)) {
			problem(v, "log", "the latest checkpoint does not verify: %s", sh_error_message());
			rc = SH_OK;
		} else if (!rc) {
			v->have_cp = 1;
		}
	} else if (!is_error(rc)) {
		problem(v, "log", "the latest checkpoint cannot be read: %s", sh_error_message());
		rc = SH_OK;
	}
	sh_free(doc);
	return rc;
}

static int verify_result(struct vctx *v, int rc, size_t *out_problems)
{
	size_t n = atomic_load(&v->problems);
	if (out_problems)
		*out_problems = n;
	if (rc)
		return rc;
	return n ? sh_error_set(SH_EBADSIG, "%zu problem%s found", n, n == 1 ? "" : "s") : SH_OK;
}

int sh_ledger_verify(sh_store *s, const char *code, sh_ledger_verify_fn report, void *arg,
		    size_t *out_problems)
{
	struct vctx v = {.s = s, .report = report, .arg = arg};
	pthread_mutex_init(&v.mu, NULL);
	int rc = latest_checkpoint(&v);
	sh_store_dossier_rec *d = NULL;
	if (rc) {
		/* an error before anything was read */
	} else if (!(rc = sh_store_dossier_get(s, code, &d))) {
		for (size_t i = 0; !rc && i < d->npapers; i++)
			rc = verify_paper(&v, d->papers[i]);
		for (size_t i = 0; !rc && i < d->nresults; i++)
			rc = verify_paper(&v, d->results[i]);
		sh_store_dossier_rec_free(&d);
	} else if (rc == SH_ENOTFOUND) {
		rc = verify_paper(&v, code);
	}
	pthread_mutex_destroy(&v.mu);
	return verify_result(&v, rc, out_problems);
}

/* ---- before an export ---------------------------------------------------- */

struct first_problem {
	char msg[600];
	size_t n;
};

static void keep_first(void *arg, const char *code, const char *problem)
{
	struct first_problem *f = arg;
	(void)code;
	if (!f->n++)
		snprintf(f->msg, sizeof f->msg, "%s", problem);
}

int sh_ledger_check_paper(sh_store *s, const char *code)
{
	struct first_problem f = {"", 0};
	struct vctx v = {.s = s, .report = keep_first, .arg = &f, .ignore_revocation = 1};
	pthread_mutex_init(&v.mu, NULL);
	int rc = latest_checkpoint(&v);
	if (!rc)
		rc = verify_paper(&v, code);
	pthread_mutex_destroy(&v.mu);
	if (rc)
		return rc;
	if (f.n == 1 && !strcmp(f.msg, "not signed: no manifest in the log"))
		return SH_OK; /* stored without a key: its blobs are still re-hashed on read */
	if (f.n)
		return sh_error_set(SH_EBADSIG, "paper %s does not match what was signed (%s%s): "
						"nothing exported; run sohoa verify %s",
				    code, f.msg, f.n > 1 ? ", …" : "", code);
	return SH_OK;
}

/* ---- --all ----------------------------------------------------------------- */

struct all_job {
	struct vctx *v;
	char **codes;
	size_t n;
	atomic_size_t next;
	pthread_mutex_t mu;
	int rc; /* the first error (not a finding), and its message */
	char msg[512];
	sh_progress_fn progress;
	size_t done; /* under v->mu */
};

static void *all_worker(void *p)
{
	struct all_job *j = p;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		int stop = j->rc != 0;
		pthread_mutex_unlock(&j->mu);
		size_t i = atomic_fetch_add(&j->next, 1);
		if (stop || i >= j->n)
			break;
		int rc = verify_paper(j->v, j->codes[i]);
		if (rc) {
			pthread_mutex_lock(&j->mu);
			if (!j->rc) { /* messages are per thread: keep it for the caller's */
				j->rc = rc;
				snprintf(j->msg, sizeof j->msg, "%s: %s", j->codes[i],
					 sh_error_message());
			}
			pthread_mutex_unlock(&j->mu);
		}
		if (j->progress) {
			pthread_mutex_lock(&j->v->mu);
			j->progress(j->v->arg, ++j->done, j->n);
			pthread_mutex_unlock(&j->v->mu);
		}
	}
	return NULL;
}

/* A seal of the audit trail read from the log. */
struct seal {
	uint64_t index, size;
	uint8_t head[SH_SHA256_LEN];
	int ok;
};

struct logscan {
	struct seal *seals;
	size_t nseals, cap;
};

static const char *mfact(const sh_sign_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nfacts; i++)
		if (!strcmp(m->facts[i].name, name))
			return m->facts[i].value;
	return NULL;
}

/* What one log entry says must be in the warehouse: its signature index
 * entry; for a paper's manifest, the paper; for an audit seal, kept for
 * verify_audit. SH_OK or an error. */
static int entry_claims(struct vctx *v, MDB_txn *txn, uint64_t i, const MDB_val *val,
			struct logscan *ls)
{
	sh_sign_manifest *m = NULL;
	int rc = sh_sign_manifest_read(&m, val->mv_data, val->mv_size);
	if (rc == SH_ENOMEM)
		return rc;
	if (rc) {
		problem(v, "log", "entry %llu cannot be read as a signed manifest: %s",
			(unsigned long long)i, sh_error_message());
		return SH_OK;
	}
	uint8_t kb[8];
	store_be64(kb, i);
	MDB_val ck = {strlen(m->code), (void *)m->code}, cv = {8, kb}, pv;
	MDB_cursor *c;
	int lrc = mdb_cursor_open(txn, v->s->sig, &c);
	if (!lrc) {
		lrc = mdb_cursor_get(c, &ck, &cv, MDB_GET_BOTH);
		mdb_cursor_close(c);
	}
	if (lrc == MDB_NOTFOUND)
		problem(v, m->code, "log entry %llu (%s) is missing from the signature index (an "
				    "index entry was deleted)",
			(unsigned long long)i, m->type);
	else if (lrc)
		goto lfail;
	if (!strcmp(m->type, "component") || !strcmp(m->type, "result")) {
		MDB_val pk = {strlen(m->code), (void *)m->code};
		lrc = mdb_get(txn, v->s->paper, &pk, &pv);
		if (lrc == MDB_NOTFOUND)
			problem(v, m->code, "signed in log entry %llu (%s of owner %s) but missing from "
					    "the warehouse (deleted)",
				(unsigned long long)i, m->type, m->owner ? m->owner : "-");
		else if (lrc)
			goto lfail;
	} else if (!strcmp(m->type, "audit") && !strcmp(m->code, "audit")) {
		if (ls->nseals == ls->cap) {
			size_t nc = ls->cap ? ls->cap * 2 : 16;
			struct seal *ns = sh_realloc(ls->seals, nc * sizeof *ns);
			if (!ns) {
				sh_sign_manifest_free(&m);
				return SH_ENOMEM;
			}
			ls->seals = ns;
			ls->cap = nc;
		}
		struct seal *se = &ls->seals[ls->nseals++];
		const char *sz = mfact(m, "size"), *hd = mfact(m, "head");
		char *end = NULL;
		se->index = i;
		se->size = sz ? strtoull(sz, &end, 10) : 0;
		se->ok = sz && end && !*end && hd && strlen(hd) == 2 * SH_SHA256_LEN &&
			 sh_unhex(se->head, hd, SH_SHA256_LEN) == SH_OK;
		if (!se->ok)
			problem(v, "audit", "log entry %llu: a seal of the audit trail without a valid "
					    "size and head",
				(unsigned long long)i);
	}
	sh_sign_manifest_free(&m);
	return SH_OK;
lfail:
	sh_sign_manifest_free(&m);
	return store_lmdb_err(lrc, "verifying the log");
}

/* The whole log in one pass: every entry's leaf hash recomputed from its
 * bytes and compared with the recorded one, the roots rebuilt with a
 * frontier and compared at each checkpoint (signature checked), and each
 * checkpoint's consistency with the one before proven from the recorded
 * nodes. Every entry is also read for what it claims (entry_claims).
 * Long on purpose (~125 lines): one pass over the log that carries the
 * frontier, the last checkpoint and the position together (a state machine). */
static int verify_log(struct vctx *v, uint64_t *entries, struct logscan *ls)
{
	sh_store *s = v->s;
	MDB_txn *txn = NULL;
	MDB_cursor *lc = NULL, *cc = NULL;
	uint64_t size = 0;
	int rc = sh_ledger_size(s, &size), lrc;
	if (rc) {
		if (is_error(rc))
			return rc;
		problem(v, "log", "%s", sh_error_message());
		return SH_OK;
	}
	*entries = size;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	if ((lrc = mdb_cursor_open(txn, s->log, &lc)) ||
	    (lrc = mdb_cursor_open(txn, s->checkpoint, &cc))) {
		rc = store_lmdb_err(lrc, "reading the log");
		goto out;
	}
	sh_log_frontier f;
	sh_log_frontier_init(&f);
	MDB_val ck, cv, k, val;
	int have_c = mdb_cursor_get(cc, &ck, &cv, MDB_FIRST) == 0;
	uint64_t prev_size = 0, i = 0;
	uint8_t prev_root[SH_SHA256_LEN] = {0};
	lrc = mdb_cursor_get(lc, &k, &val, MDB_FIRST);
	for (;;) {
		/* checkpoints due at the current size */
		while (have_c && ck.mv_size == 8) {
			uint64_t csize = store_rd64(ck.mv_data);
			if (csize > f.size)
				break;
			sh_sign_checkpoint cp;
			uint8_t root[SH_SHA256_LEN];
			int vrc = verify_checkpoint(v, cv.mv_data, cv.mv_size, &cp);
			if (is_error(vrc)) {
				rc = vrc;
				goto out;
			}
			if (vrc) {
				problem(v, "log", "checkpoint of size %llu does not verify: %s",
					(unsigned long long)csize, sh_error_message());
			} else if (cp.size != csize) {
				problem(v, "log", "checkpoint filed under size %llu names size %llu",
					(unsigned long long)csize, (unsigned long long)cp.size);
			} else {
				sh_log_frontier_root(root, &f);
				if (memcmp(root, cp.root, SH_SHA256_LEN)) {
					problem(v, "log", "entries 0..%llu do not hash to the root signed in "
							  "their checkpoint (an entry was removed, reordered "
							  "or altered)",
						(unsigned long long)cp.size - 1);
				} else if (prev_size) {
					uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
					size_t n = 0;
					struct src_ctx sc = {s, txn};
					sh_log_source src = {leaf_get, node_get, &sc};
					int crc = sh_log_consistency_proof(path, &n, &src, prev_size,
									   cp.size);
					if (is_error(crc)) {
						rc = crc;
						goto out;
					}
					if (crc || sh_log_consistency_verify(prev_size, prev_root, cp.size,
									     cp.root,
									     (const uint8_t(*)[32])path, n))
						problem(v, "log", "checkpoint %llu is not consistent with "
								  "checkpoint %llu",
							(unsigned long long)cp.size,
							(unsigned long long)prev_size);
				}
				prev_size = cp.size;
				memcpy(prev_root, cp.root, SH_SHA256_LEN);
			}
			have_c = mdb_cursor_get(cc, &ck, &cv, MDB_NEXT) == 0;
		}
		if (i >= size)
			break;
		/* entry i */
		if (lrc && lrc != MDB_NOTFOUND) {
			rc = store_lmdb_err(lrc, "reading the log");
			goto out;
		}
		uint64_t ki = lrc == 0 && k.mv_size == 8 ? store_rd64(k.mv_data) : 0;
		if (lrc != 0 || k.mv_size != 8 || ki != i) {
			problem(v, "log", "entry %llu is missing (log truncated or altered)",
				(unsigned long long)i);
			break; /* the roots after this point cannot match */
		}
		uint8_t leaf[SH_SHA256_LEN], nk[9];
		sh_log_leaf_hash(leaf, val.mv_data, val.mv_size);
		nk[0] = 0;
		store_be64(nk + 1, i);
		MDB_val nkey = {9, nk}, nval;
		int nrc = mdb_get(txn, s->lognode, &nkey, &nval);
		if (nrc && nrc != MDB_NOTFOUND) {
			rc = store_lmdb_err(nrc, "reading the log");
			goto out;
		}
		if (nrc || nval.mv_size != SH_SHA256_LEN ||
		    memcmp(nval.mv_data, leaf, SH_SHA256_LEN))
			problem(v, "log", "entry %llu does not match its recorded hash (altered)",
				(unsigned long long)i);
		if ((rc = entry_claims(v, txn, i, &val, ls)))
			goto out;
		sh_log_frontier_append(&f, leaf, NULL, NULL);
		i++;
		lrc = mdb_cursor_get(lc, &k, &val, MDB_NEXT);
	}
	if (have_c || (prev_size && prev_size != size))
		problem(v, "log", "%llu entries follow the last good checkpoint (size %llu)",
			(unsigned long long)(size - prev_size), (unsigned long long)prev_size);
	else if (!prev_size && size)
		problem(v, "log", "%llu entries and no signed checkpoint", (unsigned long long)size);
	if (lrc == 0 && i == size)
		problem(v, "log", "entries beyond the log's recorded size %llu (log altered)",
			(unsigned long long)size);
out:
	if (lc)
		mdb_cursor_close(lc);
	if (cc)
		mdb_cursor_close(cc);
	mdb_txn_abort(txn);
	return rc;
}

/* The audit trail against its seals: the chain recomputed over every row,
 * compared with the head each seal signed at its size. */
static int verify_audit(struct vctx *v, const struct logscan *ls)
{
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_val k, val;
	uint8_t head[SH_SHA256_LEN] = {0};
	uint64_t n = 0, last = 0;
	size_t next = 0;
	int rc = store_txn_begin(v->s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;
	if ((lrc = mdb_cursor_open(txn, v->s->audit, &c))) {
		rc = store_lmdb_err(lrc, "audit trail");
		goto out;
	}
	for (size_t i = 1; i < ls->nseals; i++)
		if (ls->seals[i].ok && ls->seals[i - 1].ok && ls->seals[i].size < ls->seals[i - 1].size)
			problem(v, "audit", "log entry %llu seals %llu rows, fewer than the %llu sealed "
					    "before it",
				(unsigned long long)ls->seals[i].index,
				(unsigned long long)ls->seals[i].size,
				(unsigned long long)ls->seals[i - 1].size);
	for (;;) {
		/* seals due at n rows */
		while (next < ls->nseals && (!ls->seals[next].ok || ls->seals[next].size <= n)) {
			const struct seal *se = &ls->seals[next++];
			if (se->ok && se->size == n && memcmp(se->head, head, SH_SHA256_LEN))
				problem(v, "audit", "rows 0..%llu differ from what log entry %llu sealed "
						    "(a row was deleted, rewritten or inserted)",
					(unsigned long long)n - 1, (unsigned long long)se->index);
		}
		if ((lrc = mdb_cursor_get(c, &k, &val, MDB_NEXT)))
			break;
		uint64_t seq = k.mv_size == 8 ? store_rd64(k.mv_data) : UINT64_MAX;
		if (seq != (n ? last + 1 : 0) && n < (ls->nseals ? ls->seals[ls->nseals - 1].size : 0))
			problem(v, "audit", "row %llu follows row %llu (a sealed row is missing)",
				(unsigned long long)seq, (unsigned long long)last);
		if ((rc = ledger_audit_step(head, seq, val.mv_data, val.mv_size)))
			goto out;
		last = seq;
		n++;
	}
	if (lrc != MDB_NOTFOUND) {
		rc = store_lmdb_err(lrc, "audit trail");
		goto out;
	}
	for (; next < ls->nseals; next++)
		if (ls->seals[next].ok)
			problem(v, "audit", "log entry %llu sealed %llu rows of the audit trail; %llu "
					    "are there (rows deleted)",
				(unsigned long long)ls->seals[next].index,
				(unsigned long long)ls->seals[next].size, (unsigned long long)n);
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_verify_audit(sh_store *s, sh_ledger_verify_fn report, void *arg,
			   size_t *out_problems)
{
	struct vctx v = {.s = s, .report = report, .arg = arg};
	struct logscan ls = {0};
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	pthread_mutex_init(&v.mu, NULL);
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc;
	if (rc)
		goto done;
	MDB_val k = {5, "audit"}, iv, lv;
	if ((lrc = mdb_cursor_open(txn, s->sig, &c))) {
		rc = store_lmdb_err(lrc, "signature index");
		goto out;
	}
	for (lrc = mdb_cursor_get(c, &k, &iv, MDB_SET_KEY); !lrc;
	     lrc = mdb_cursor_get(c, &k, &iv, MDB_NEXT_DUP)) {
		if (iv.mv_size != 8 || mdb_get(txn, s->log, &iv, &lv))
			continue; /* verify --all names it */
		if ((rc = entry_claims(&v, txn, store_rd64(iv.mv_data), &lv, &ls)))
			goto out;
	}
	if (lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "signature index");
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (!rc)
		rc = verify_audit(&v, &ls);
done:
	sh_free(ls.seals);
	pthread_mutex_destroy(&v.mu);
	return verify_result(&v, rc, out_problems);
}

int sh_ledger_verify_all(sh_store *s, int workers, sh_ledger_verify_fn report, void *arg,
			sh_progress_fn progress, sh_ledger_verify_stats *stats)
{
	struct vctx v = {.s = s, .report = report, .arg = arg};
	pthread_mutex_init(&v.mu, NULL);
	struct all_job j = {.v = &v, .progress = progress};
	pthread_mutex_init(&j.mu, NULL);
	struct logscan ls = {0};
	uint64_t entries = 0;
	int rc = latest_checkpoint(&v);
	if (!rc)
		rc = verify_log(&v, &entries, &ls);
	if (!rc)
		rc = verify_audit(&v, &ls);
	if (rc)
		goto out;

	/* every paper code */
	MDB_txn *txn;
	MDB_cursor *cur;
	size_t cap = 0;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		goto out;
	int lrc = mdb_cursor_open(txn, s->paper, &cur);
	if (lrc) {
		mdb_txn_abort(txn);
		rc = store_lmdb_err(lrc, "papers");
		goto out;
	}
	MDB_val k, val;
	while ((lrc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) == 0) {
		if (j.n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			char **np = sh_realloc(j.codes, nc * sizeof *np);
			if (!np) {
				rc = SH_ENOMEM;
				break;
			}
			j.codes = np;
			cap = nc;
		}
		if (!(j.codes[j.n] = sh_strndup(k.mv_data, k.mv_size))) {
			rc = SH_ENOMEM;
			break;
		}
		j.n++;
	}
	if (!rc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "papers");
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc)
		goto out;
	if (workers <= 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		workers = c > 0 ? (int)c : 1;
	}
	if (workers > 64)
		workers = 64;
	if (progress)
		progress(arg, 0, j.n);
	pthread_t th[64];
	int started = 0;
	for (int i = 0; i < workers; i++)
		if (pthread_create(&th[i], NULL, all_worker, &j) == 0)
			started++;
	if (!started)
		all_worker(&j);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (j.rc)
		rc = sh_error_set(j.rc, "verifying %s", j.msg);
out:
	if (stats) {
		stats->papers = j.n;
		stats->log_entries = entries;
		stats->problems = atomic_load(&v.problems);
	}
	for (size_t i = 0; i < j.n; i++)
		sh_free(j.codes[i]);
	sh_free(j.codes);
	sh_free(ls.seals);
	pthread_mutex_destroy(&j.mu);
	pthread_mutex_destroy(&v.mu);
	return verify_result(&v, rc, NULL);
}

/* ---- export-proof ---------------------------------------------------------- */

static int put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = sh_asprintf("%s/%s", dir, name);
	if (!p)
		return SH_ENOMEM;
	int rc = sh_file_write(p, data, len);
	sh_free(p);
	return rc;
}

/* The file name extension of a stored image's MIME type. */
static const char *image_ext(const char *mime)
{
	return !strcmp(mime, "image/jpeg") ? "jpg" : !strcmp(mime, "image/tiff") ? "tif" : "png";
}

int sh_ledger_export_proof(sh_store *s, const char *code, const char *dir)
{
	sh_store_paper_rec *p = NULL;
	uint64_t *idx = NULL, cpsize = 0, index = 0;
	size_t nidx = 0, n = 0;
	uint8_t *doc = NULL, *cp = NULL, *blob = NULL, *kfile = NULL;
	size_t doclen = 0, cplen = 0, blen = 0, klen = 0;
	sh_buf proof = SH_BUF_INIT;
	uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
	char kid[SH_SIGN_KEYID_HEX + 1], hex[65];
	int rc = sh_store_paper_get(s, code, &p);
	if (rc)
		return rc;
	if ((rc = sh_ledger_check_paper(s, code))) /* the bundle holds what was signed */
		goto out;
	if ((rc = sh_ledger_entries_of(s, code, &idx, &nidx)))
		goto out;
	if (!nidx) {
		rc = sh_error_set(SH_ENOTFOUND, "%s is not signed: nothing to prove", code);
		goto out;
	}
	index = idx[0]; /* the component manifest is the first entry about it */
	if ((rc = sh_ledger_entry(s, index, &doc, &doclen)) ||
	    (rc = sh_ledger_checkpoint(s, index + 1, &cp, &cplen, &cpsize)) ||
	    (rc = sh_ledger_inclusion(s, index, cpsize, path, &n, NULL)))
		goto out;
	if (mkdir(dir, 0775) < 0 && errno != EEXIST) {
		rc = sh_error_set(SH_EIO, "%s: cannot create the bundle folder: %s", dir,
				  strerror(errno));
		goto out;
	}
	sh_buf_printf(&proof, "sohoa-proof-v1\nindex: %llu\nsize: %llu\n",
		      (unsigned long long)index, (unsigned long long)cpsize);
	for (size_t i = 0; i < n; i++) {
		sh_hex(hex, path[i], SH_SHA256_LEN);
		sh_buf_printf(&proof, "path: %s\n", hex);
	}
	if ((rc = put_file(dir, "manifest.sig", doc, doclen)) ||
	    (rc = put_file(dir, "checkpoint.sig", cp, cplen)) ||
	    (rc = put_file(dir, "proof.txt", proof.data, proof.len)))
		goto out;
	/* the public keys of both signers, for convenience: trust comes from
	 * the keys the archivist holds, not from these files */
	const uint8_t *docs[2] = {doc, cp};
	size_t lens[2] = {doclen, cplen};
	const char *names[2] = {"signer.pub", "checkpoint-signer.pub"};
	for (int k = 0; k < 2; k++) {
		if ((rc = sh_sign_doc_key_id(kid, docs[k], lens[k])) ||
		    (rc = sh_ledger_key_file(s, kid, &kfile, &klen)) ||
		    (rc = put_file(dir, names[k], kfile, klen)))
			goto out;
		sh_free(kfile);
		kfile = NULL;
	}
	for (size_t i = 0; i < p->npages; i++) {
		char name[64];
		const char *mime = p->pages[i].mime;
		const char *ext = image_ext(mime);
		if ((rc = sh_store_blob_get(s, p->pages[i].image_sha, &blob, &blen)))
			goto out;
		snprintf(name, sizeof name, "page-%03zu.%s", i + 1, ext);
		if ((rc = put_file(dir, name, blob, blen)))
			goto out;
		sh_free(blob);
		blob = NULL;
		snprintf(name, sizeof name, "page-%03zu.txt", i + 1);
		if ((rc = put_file(dir, name, p->pages[i].text, strlen(p->pages[i].text))))
			goto out;
		if (!p->pages[i].has_original)
			continue;
		/* the photo as received, signed beside the page rectified out of it */
		if ((rc = sh_store_blob_get(s, p->pages[i].original_sha, &blob, &blen)))
			goto out;
		snprintf(name, sizeof name, "original-%03zu.%s", i + 1,
			 image_ext(p->pages[i].original_mime));
		if ((rc = put_file(dir, name, blob, blen)))
			goto out;
		sh_free(blob);
		blob = NULL;
	}
	sh_buf readme = SH_BUF_INIT;
	sh_buf_printf(&readme,
		      "Proof bundle for paper %s (dossier %s, owner %s, kind %s).\n\n"
		      "manifest.sig        the signed manifest: code, owner, kind, facts, SHA-256 of\n"
		      "                    every page image and page text, time, agency, key\n"
		      "page-NNN.*          the page images as stored; page-NNN.txt their OCR text\n"
		      "original-NNN.*      for a photographed page: the photo as received, before\n"
		      "                    the page was cut out and flattened (its SHA-256 is the\n"
		      "                    third hash of the page's line in manifest.sig)\n"
		      "checkpoint.sig      the signed log checkpoint that first covered the manifest\n"
		      "proof.txt           the RFC 6962 inclusion proof of the manifest in that log\n"
		      "signer.pub, checkpoint-signer.pub  the signers' public key files\n\n"
		      "Check it with: sohoa verify-bundle DIR --trust KEYFILE...\n"
		      "(KEYFILE: public keys obtained from the office itself, not from this folder.)\n"
		      "Formats: docs/SIGNING.md of sohoa.\n",
		      p->code, p->dossier, p->owner, p->kind);
	rc = put_file(dir, "README.txt", readme.data, readme.len);
	sh_buf_free(&readme);
out:
	sh_buf_free(&proof);
	sh_free(idx);
	sh_free(doc);
	sh_free(cp);
	sh_free(blob);
	sh_free(kfile);
	sh_store_paper_rec_free(&p);
	return rc;
}
