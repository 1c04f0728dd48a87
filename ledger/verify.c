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

/* The trusted time an entry reached the log: that of the first checkpoint
 * covering it (its signature checked, once per checkpoint). */
static int entry_time(struct vctx *v, uint64_t index, int64_t *out)
{
	uint8_t *doc = NULL;
	size_t len = 0;
	uint64_t size = 0;
	sh_sign_checkpoint cp;
	int rc = sh_ledger_checkpoint(v->s, index + 1, &doc, &len, &size);
	if (rc)
		return rc;
	pthread_mutex_lock(&v->mu);
	for (size_t i = 0; i < v->ncps; i++)
		if (v->cps[i].size == size) {
			*out = v->cps[i].time;
			pthread_mutex_unlock(&v->mu);
			sh_free(doc);
			return SH_OK;
		}
	pthread_mutex_unlock(&v->mu);
	rc = verify_checkpoint(v, doc, len, &cp);
	sh_free(doc);
	if (rc)
		return rc;
	*out = cp.time;
	pthread_mutex_lock(&v->mu);
	if (v->ncps == sizeof v->cps / sizeof *v->cps) /* keep the newest */
		memmove(v->cps, v->cps + 1, sizeof v->cps - sizeof *v->cps), v->ncps--;
	v->cps[v->ncps].size = size;
	v->cps[v->ncps++].time = cp.time;
	pthread_mutex_unlock(&v->mu);
	return SH_OK;
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

/* Verify one signed entry about code: signature, key validity at log time,
 * inclusion in the latest checkpoint. *out (may be NULL) gets the manifest. */
static int verify_entry(struct vctx *v, const char *code, uint64_t index, sh_sign_manifest **out)
{
	uint8_t *doc = NULL;
	size_t len = 0;
	char kid[SH_SIGN_KEYID_HEX + 1];
	sh_sign_pubkey pub;
	sh_sign_manifest *m = NULL;
	int64_t when = SH_SIGN_WHEN_CLAIMED;
	int ok = 0;
	if (sh_ledger_entry(v->s, index, &doc, &len)) {
		problem(v, code, "log entry %llu: %s", (unsigned long long)index, sh_error_message());
		goto out;
	}
	if (sh_sign_doc_key_id(kid, doc, len)) {
		problem(v, code, "log entry %llu: signed document is damaged: %s",
			(unsigned long long)index, sh_error_message());
		goto out;
	}
	if (cached_key(v, kid, &pub)) {
		problem(v, code, "log entry %llu: signed with key %.16s… which is not registered",
			(unsigned long long)index, kid);
		goto out;
	}
	if (entry_time(v, index, &when)) {
		problem(v, code, "log entry %llu: no valid checkpoint covers it: %s",
			(unsigned long long)index, sh_error_message());
		goto out;
	}
	if (sh_sign_manifest_verify(&m, &pub, when, doc, len)) {
		problem(v, code, "log entry %llu: signature does not hold: %s",
			(unsigned long long)index, sh_error_message());
		goto out;
	}
	if (strcmp(m->code, code)) {
		problem(v, code, "log entry %llu is about %s, not %s", (unsigned long long)index,
			m->code, code);
		goto out;
	}
	if (v->have_cp) {
		uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN], leaf[SH_SHA256_LEN],
			stored[SH_SHA256_LEN];
		size_t n = 0;
		sh_log_leaf_hash(leaf, doc, len);
		if (sh_ledger_inclusion(v->s, index, v->cp.size, path, &n, stored)) {
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
	ok = 1;
out:
	sh_free(doc);
	if (ok && out)
		*out = m;
	else
		sh_sign_manifest_free(&m);
	return ok ? SH_OK : SH_EBADSIG;
}

static void verify_paper(struct vctx *v, const char *code)
{
	sh_store_paper_rec *p = NULL;
	uint64_t *idx = NULL;
	size_t nidx = 0;
	sh_sign_manifest *m = NULL;
	if (sh_store_paper_get(v->s, code, &p)) {
		problem(v, code, "%s", sh_error_message());
		return;
	}
	/* the bytes against their own hashes */
	uint8_t (*text_sha)[SH_SHA256_LEN] = sh_calloc(p->npages ? p->npages : 1, SH_SHA256_LEN);
	if (!text_sha) {
		problem(v, code, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p->npages; i++) {
		uint8_t *blob = NULL, h[SH_SHA256_LEN];
		size_t len = 0;
		if (sh_store_blob_get(v->s, p->pages[i].image_sha, &blob, &len)) {
			problem(v, code, "page %zu: image missing", i + 1);
			continue;
		}
		sh_sha256(h, blob, len);
		sh_free(blob);
		if (memcmp(h, p->pages[i].image_sha, SH_SHA256_LEN))
			problem(v, code, "page %zu: image bytes do not match their SHA-256 (altered)",
				i + 1);
		sh_sha256(text_sha[i], p->pages[i].text, strlen(p->pages[i].text));
	}
	if (sh_ledger_entries_of(v->s, code, &idx, &nidx)) {
		problem(v, code, "%s", sh_error_message());
		goto out;
	}
	if (nidx == 0) {
		problem(v, code, "not signed: no manifest in the log");
		goto out;
	}
	for (size_t e = 0; e < nidx; e++) {
		sh_sign_manifest *em = NULL;
		if (verify_entry(v, code, idx[e], &em))
			continue;
		if (!m && (!strcmp(em->type, "component") || !strcmp(em->type, "result")))
			m = em;
		else
			sh_sign_manifest_free(&em);
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
	if (m->npages != p->npages) {
		problem(v, code, "%zu pages stored, %zu signed", p->npages, m->npages);
	} else {
		for (size_t i = 0; i < p->npages; i++) {
			if (memcmp(m->pages[i].image, p->pages[i].image_sha, SH_SHA256_LEN))
				problem(v, code, "page %zu: image is not the one signed", i + 1);
			int has_text = p->pages[i].text[0] != 0;
			if (has_text != m->pages[i].has_text ||
			    (has_text && memcmp(m->pages[i].text, text_sha[i], SH_SHA256_LEN)))
				problem(v, code, "page %zu: text is not the one signed (altered)", i + 1);
		}
	}
out:
	sh_sign_manifest_free(&m);
	sh_free(text_sha);
	sh_free(idx);
	sh_store_paper_rec_free(&p);
}

static int latest_checkpoint(struct vctx *v)
{
	uint8_t *doc = NULL;
	size_t len = 0;
	int rc = sh_ledger_checkpoint(v->s, 0, &doc, &len, NULL);
	if (rc == SH_ENOTFOUND)
		return SH_OK; /* nothing signed yet */
	if (!rc) {
		rc = verify_checkpoint(v, doc, len, &v->cp);
		if (rc)
			problem(v, "log", "the latest checkpoint does not verify: %s", sh_error_message());
		else
			v->have_cp = 1;
	}
	sh_free(doc);
	return rc;
}

int sh_ledger_verify(sh_store *s, const char *code, sh_ledger_verify_fn report, void *arg,
		    size_t *out_problems)
{
	struct vctx v = {.s = s, .report = report, .arg = arg};
	pthread_mutex_init(&v.mu, NULL);
	latest_checkpoint(&v);
	sh_store_dossier_rec *d = NULL;
	if (!sh_store_dossier_get(s, code, &d)) {
		for (size_t i = 0; i < d->npapers; i++)
			verify_paper(&v, d->papers[i]);
		sh_store_dossier_rec_free(&d);
	} else {
		verify_paper(&v, code);
	}
	pthread_mutex_destroy(&v.mu);
	size_t n = atomic_load(&v.problems);
	if (out_problems)
		*out_problems = n;
	return n ? sh_error_set(SH_EBADSIG, "%zu problem%s found", n, n == 1 ? "" : "s") : SH_OK;
}

/* ---- --all ----------------------------------------------------------------- */

struct all_job {
	struct vctx *v;
	char **codes;
	size_t n;
	atomic_size_t next;
	sh_progress_fn progress;
	size_t done; /* under v->mu */
};

static void *all_worker(void *p)
{
	struct all_job *j = p;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		verify_paper(j->v, j->codes[i]);
		if (j->progress) {
			pthread_mutex_lock(&j->v->mu);
			j->progress(j->v->arg, ++j->done, j->n);
			pthread_mutex_unlock(&j->v->mu);
		}
	}
	return NULL;
}

/* The whole log in one pass: every entry's leaf hash recomputed from its
 * bytes and compared with the recorded one, the roots rebuilt with a
 * frontier and compared at each checkpoint (signature checked), and each
 * checkpoint's consistency with the one before proven from the recorded
 * nodes. */
static void verify_log(struct vctx *v, uint64_t *entries)
{
	sh_store *s = v->s;
	MDB_txn *txn = NULL;
	MDB_cursor *lc = NULL, *cc = NULL;
	uint64_t size = 0;
	if (sh_ledger_size(s, &size)) {
		problem(v, "log", "%s", sh_error_message());
		return;
	}
	*entries = size;
	if (store_txn_begin(s, MDB_RDONLY, &txn) || mdb_cursor_open(txn, s->log, &lc) ||
	    mdb_cursor_open(txn, s->checkpoint, &cc)) {
		problem(v, "log", "cannot read the log: %s", sh_error_message());
		goto out;
	}
	sh_log_frontier f;
	sh_log_frontier_init(&f);
	MDB_val ck, cv, k, val;
	int have_c = mdb_cursor_get(cc, &ck, &cv, MDB_FIRST) == 0;
	uint64_t prev_size = 0, i = 0;
	uint8_t prev_root[SH_SHA256_LEN] = {0};
	int lrc = mdb_cursor_get(lc, &k, &val, MDB_FIRST);
	for (;;) {
		/* checkpoints due at the current size */
		while (have_c && ck.mv_size == 8) {
			uint64_t csize = store_rd64(ck.mv_data);
			if (csize > f.size)
				break;
			sh_sign_checkpoint cp;
			uint8_t root[SH_SHA256_LEN];
			if (verify_checkpoint(v, cv.mv_data, cv.mv_size, &cp)) {
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
					if (sh_ledger_consistency(s, prev_size, cp.size, path, &n) ||
					    sh_log_consistency_verify(prev_size, prev_root, cp.size, cp.root,
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
		if (mdb_get(txn, s->lognode, &nkey, &nval) || nval.mv_size != SH_SHA256_LEN ||
		    memcmp(nval.mv_data, leaf, SH_SHA256_LEN))
			problem(v, "log", "entry %llu does not match its recorded hash (altered)",
				(unsigned long long)i);
		sh_log_frontier_append(&f, leaf, NULL, NULL);
		i++;
		lrc = mdb_cursor_get(lc, &k, &val, MDB_NEXT);
	}
	if (have_c || (prev_size && prev_size != size))
		problem(v, "log", "%llu entries follow the last good checkpoint (size %llu)",
			(unsigned long long)(size - prev_size), (unsigned long long)prev_size);
out:
	if (lc)
		mdb_cursor_close(lc);
	if (cc)
		mdb_cursor_close(cc);
	if (txn)
		mdb_txn_abort(txn);
}

int sh_ledger_verify_all(sh_store *s, int workers, sh_ledger_verify_fn report, void *arg,
			sh_progress_fn progress, sh_ledger_verify_stats *stats)
{
	struct vctx v = {.s = s, .report = report, .arg = arg};
	pthread_mutex_init(&v.mu, NULL);
	struct all_job j = {.v = &v, .progress = progress};
	uint64_t entries = 0;
	int rc = SH_OK;
	latest_checkpoint(&v);
	verify_log(&v, &entries);

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
out:
	if (stats) {
		stats->papers = j.n;
		stats->log_entries = entries;
		stats->problems = atomic_load(&v.problems);
	}
	for (size_t i = 0; i < j.n; i++)
		sh_free(j.codes[i]);
	sh_free(j.codes);
	pthread_mutex_destroy(&v.mu);
	if (rc)
		return rc;
	size_t n = atomic_load(&v.problems);
	return n ? sh_error_set(SH_EBADSIG, "%zu problem%s found", n, n == 1 ? "" : "s") : SH_OK;
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
		const char *ext = !strcmp(mime, "image/jpeg") ? "jpg"
				  : !strcmp(mime, "image/tiff") ? "tif" : "png";
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
	}
	sh_buf readme = SH_BUF_INIT;
	sh_buf_printf(&readme,
		      "Proof bundle for paper %s (dossier %s, owner %s, kind %s).\n\n"
		      "manifest.sig        the signed manifest: code, owner, kind, facts, SHA-256 of\n"
		      "                    every page image and page text, time, agency, key\n"
		      "page-NNN.*          the page images as stored; page-NNN.txt their OCR text\n"
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
