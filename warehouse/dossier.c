/* Writing dossiers: codes, blobs, records and indexes in one transaction. */
#include "wh_int.h"

#include <errno.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct page_prep {
	uint8_t sha[SH_SHA256_LEN];
	uint8_t hocr_sha[SH_SHA256_LEN];
	uint8_t orig_sha[SH_SHA256_LEN]; /* when the page has an original */
	char *text; /* NFC */
	int remote; /* image and hOCR are in the object store (or its spool) */
	int orig_remote; /* the original is too */
} page_prep;

/* Before the write transaction: a paper's page images and hOCR to the
 * object store when the warehouse keeps its blobs there, so that nothing
 * is acknowledged with a blob that is not durable (store_blob_upload). */
static int prep_upload(sh_store *s, const sh_wh_paper_in *p, page_prep *prep)
{
	for (size_t j = 0; j < p->npages; j++) {
		const sh_wh_page_in *pg = &p->pages[j];
		int r1 = 0, r2 = 1;
		int rc = store_blob_upload(s, prep[j].sha, pg->image, pg->image_len, &r1);
		if (!rc && pg->hocr)
			rc = store_blob_upload(s, prep[j].hocr_sha, pg->hocr, strlen(pg->hocr), &r2);
		if (rc)
			return rc;
		prep[j].remote = r1 && r2;
		if (pg->original &&
		    (rc = store_blob_upload(s, prep[j].orig_sha, pg->original, pg->original_len,
					    &prep[j].orig_remote)))
			return rc;
	}
	return SH_OK;
}

static int check_code_part(const char *what, const char *v, size_t max, const char *allowed_punct)
{
	if (!v || !*v)
		return sh_error_set(SH_EINVAL, "%s is empty", what);
	size_t n = strlen(v);
	if (n > max)
		return sh_error_set(SH_EINVAL, "%s '%.20s...' is longer than %zu characters", what, v,
				    max);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (allowed_punct && c && strchr(allowed_punct, c))))
			return sh_error_set(SH_EINVAL, "%s '%s': character '%c' not allowed", what, v,
					    c);
	}
	return SH_OK;
}

void sh_wh_dossier_codes_free(sh_wh_dossier_codes **pc)
{
	sh_wh_dossier_codes *c = pc ? *pc : NULL;
	if (!c)
		return;
	sh_free(c->papers);
	sh_free(c);
	*pc = NULL;
}

/* The codes of a dossier stored earlier under the same idempotency key. */
static int existing_codes(MDB_txn *txn, sh_store *s, MDB_val code, sh_wh_dossier_codes *codes)
{
	MDB_val v;
	int lrc = mdb_get(txn, s->dossier, &code, &v);
	if (lrc)
		return store_lmdb_err(lrc, "dossier of an idempotency key");
	sh_store_dossier_rec *d = NULL;
	int rc = store_decode_dossier(v.mv_data, v.mv_size, &d);
	if (rc)
		return rc;
	snprintf(codes->dossier, sizeof codes->dossier, "%s", d->code);
	size_t n = d->npapers < codes->npapers ? d->npapers : codes->npapers;
	for (size_t i = 0; i < n; i++)
		snprintf(codes->papers[i], SH_STORE_CODE_MAX, "%s", d->papers[i]);
	codes->npapers = n;
	codes->existing = 1;
	sh_store_dossier_rec_free(&d);
	return SH_OK;
}

/* The signed manifest of a paper: code, owner, kind, facts, the SHA-256 of
 * every page image and page text, time, agency (docs/SIGNING.md). */
static int sign_paper(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const sh_sign_key *key,
		      const char *code, const char *owner, const char *kind, const sh_wh_paper_in *p,
		      const page_prep *prep, int64_t t, const char *type)
{
	sh_sign_page *pages = sh_calloc(p->npages, sizeof *pages);
	if (!pages)
		return SH_ENOMEM;
	for (size_t j = 0; j < p->npages; j++) {
		memcpy(pages[j].image, prep[j].sha, SH_SHA256_LEN);
		pages[j].has_text = prep[j].text[0] != 0;
		if (pages[j].has_text)
			sh_sha256(pages[j].text, prep[j].text, strlen(prep[j].text));
		if ((pages[j].has_original = p->pages[j].original != NULL))
			memcpy(pages[j].original, prep[j].orig_sha, SH_SHA256_LEN);
	}
	sh_sign_manifest m;
	memset(&m, 0, sizeof m);
	m.type = type;
	m.code = code;
	m.owner = owner;
	m.kind = kind;
	m.facts = p->fact_list;
	m.nfacts = p->nfacts;
	m.pages = pages;
	m.npages = p->npages;
	m.time = t;
	m.agency = s->agency;
	int rc = ledger_sign_append(s, txn, f, key, &m, NULL);
	sh_free(pages);
	return rc;
}

/* Write one paper in txn: page blobs (content-addressed), its record, its
 * words and owner index entries, and (with a key) its signed manifest of
 * `type`. Returns an sh_error, or SH_OK with *lrc set to a failing LMDB
 * code (the caller makes it an sh_error with store_write_err). */
static int write_paper(sh_store *s, MDB_txn *txn, const char *code, const char *dossier,
		       const char *owner, const char *kind, const sh_wh_paper_in *p,
		       const page_prep *prep, int64_t t, const sh_sign_key *key,
		       sh_log_frontier *frontier, const char *type, unsigned extra_flags, int *lrc)
{
	rec_w w;
	uint32_t id = 0;
	for (size_t j = 0; j < p->npages; j++)
		if (p->pages[j].original && (!p->pages[j].original_len || !p->pages[j].original_mime))
			return sh_error_set(SH_EINVAL, "%s page %zu: original without its length or type",
					    code, j + 1);
	int rc = store_pid_alloc(s, txn, 1, &id, lrc);
	if (rc || *lrc)
		return rc;
	rec_begin(&w, REC_PAPER);
	rec_str(&w, P_CODE, code);
	rec_str(&w, P_DOSSIER, dossier);
	rec_str(&w, P_OWNER, owner);
	rec_str(&w, P_FILE, p->file);
	rec_str(&w, P_KIND, kind);
	rec_str(&w, P_FACTS, p->facts);
	rec_u64(&w, P_FLAGS, p->flags | extra_flags);
	rec_i64(&w, P_CREATED, t);
	rec_u64(&w, P_ID, id);
	for (size_t j = 0; j < p->npages; j++) {
		const sh_wh_page_in *pg = &p->pages[j];
		const page_prep *pp = &prep[j];
		rec_w gw;
		rec_begin(&gw, REC_PAGE);
		rec_bytes(&gw, G_IMAGE, pp->sha, SH_SHA256_LEN);
		rec_str(&gw, G_MIME, pg->mime);
		rec_u64(&gw, G_IMAGE_LEN, pg->image_len);
		rec_str(&gw, G_TEXT, pp->text);
		if (pg->hocr)
			rec_bytes(&gw, G_HOCR, pp->hocr_sha, SH_SHA256_LEN);
		rec_u64(&gw, G_WIDTH, (uint64_t)(pg->width > 0 ? pg->width : 0));
		rec_u64(&gw, G_HEIGHT, (uint64_t)(pg->height > 0 ? pg->height : 0));
		rec_u64(&gw, G_DPI, (uint64_t)(pg->dpi > 0 ? pg->dpi : 0));
		rec_u64(&gw, G_ROTATION, (uint64_t)((pg->rotation % 360 + 360) % 360));
		rec_f32(&gw, G_CONF, pg->confidence);
		rec_u64(&gw, G_FLAGS, pg->flags);
		rec_str(&gw, G_NOTE, pg->note);
		rec_str(&gw, G_MAKE, pg->make && *pg->make ? pg->make : NULL);
		rec_str(&gw, G_MODEL, pg->model && *pg->model ? pg->model : NULL);
		if (pg->original) {
			rec_bytes(&gw, G_ORIGINAL, pp->orig_sha, SH_SHA256_LEN);
			rec_str(&gw, G_ORIGINAL_MIME, pg->original_mime);
			rec_u64(&gw, G_ORIGINAL_LEN, pg->original_len);
		}
		if (gw.err) {
			rc = gw.err;
			sh_buf_free(&gw.b);
			goto out;
		}
		rec_bytes(&w, P_PAGE, gw.b.data, gw.b.len);
		sh_buf_free(&gw.b);

		/* content-addressed: stored once however often it appears */
		if ((*lrc = store_blob_row(s, txn, NULL, pp->sha, pg->image, pg->image_len,
					   pp->remote)))
			goto out;
		if (pg->hocr && (*lrc = store_blob_row(s, txn, NULL, pp->hocr_sha, pg->hocr,
						       strlen(pg->hocr), pp->remote)))
			goto out;
		/* the photo as received, beside the page rectified */
		if (pg->original && (*lrc = store_blob_row(s, txn, NULL, pp->orig_sha, pg->original,
							   pg->original_len, pp->orig_remote)))
			goto out;
		if ((rc = store_index_text(s, txn, id, pp->text, lrc)) || *lrc)
			goto out;
	}
	/* found by what it is and what it states too, not only by its OCR text */
	if (p->search_text && ((rc = store_index_text(s, txn, id, p->search_text, lrc)) || *lrc))
		goto out;
	if (w.err) {
		rc = w.err;
		goto out;
	}
	MDB_val pk = {strlen(code), (void *)code}, pv = {w.b.len, w.b.data};
	if ((*lrc = mdb_put(txn, s->paper, &pk, &pv, MDB_NOOVERWRITE)))
		goto out;
	uint8_t ib[4];
	store_be32(ib, id);
	MDB_val ik = {4, ib};
	if ((*lrc = mdb_put(txn, s->pid, &ik, &pk, MDB_APPEND)))
		goto out;
	if (key && (rc = sign_paper(s, txn, frontier, key, code, owner, kind, p, prep, t, type)))
		goto out;
	if ((rc = store_owner_put(s, txn, NULL, owner, code, id, t, kind, p->facts, lrc)) || *lrc)
		goto out;
	char named[16];
	if (p->named_owner && !sh_id_owner_check(NULL, named, p->named_owner) &&
	    strcmp(named, owner))
		rc = store_owner_put(s, txn, NULL, named, code, id, t, kind, p->facts, lrc);
out:
	sh_buf_free(&w.b);
	return rc;
}

/* Allocate the next dossier code for receipt time t in txn: the office's
 * sequence for that local day (one sequence across the agency ids it has
 * had, so a code re-spelled under another id never names another dossier),
 * skipping codes already taken (restored data), recorded in `seq`. Returns
 * an sh_error, or SH_OK with *lrc a failing LMDB code (0 when done). */
int wh_next_dossier_code(sh_store *s, MDB_txn *txn, int64_t t, char code[SH_STORE_CODE_MAX], int *lrc)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char day[8], seqkey[16];
	localtime_r(&tt, &tm);
	snprintf(day, sizeof day, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
	snprintf(seqkey, sizeof seqkey, "D|%s", day);
	MDB_val k = {strlen(seqkey), seqkey}, v;
	unsigned seq = 0;
	*lrc = mdb_get(txn, s->seq, &k, &v);
	if (*lrc == 0 && v.mv_size == 4) {
		const uint8_t *b = v.mv_data;
		seq = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	} else if (*lrc && *lrc != MDB_NOTFOUND) {
		return SH_OK;
	}
	*lrc = 0;
	for (;;) {
		if (++seq > SH_WH_SEQ_MAX)
			return sh_error_set(SH_EFULL, "agency %s has received %d dossiers on %s: the "
						      "day's 4-digit sequence is exhausted",
					    s->agency, SH_WH_SEQ_MAX, day);
		snprintf(code, SH_STORE_CODE_MAX, "%s-%s-%04u", s->agency, day, seq);
		MDB_val dk = {strlen(code), code};
		*lrc = mdb_get(txn, s->dossier, &dk, &v);
		if (*lrc == MDB_NOTFOUND)
			break;
		if (*lrc)
			return SH_OK;
	}
	uint8_t seqb[4] = {(uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
			   (uint8_t)seq};
	v.mv_size = 4;
	v.mv_data = seqb;
	*lrc = mdb_put(txn, s->seq, &k, &v, 0);
	return SH_OK;
}

/* The dossier's write transaction (run again by store_write when the map
 * fills): everything it writes comes from in, prep and owner; codes are
 * set afresh each time. */
struct put_args {
	const sh_wh_dossier_in *in;
	page_prep **prep;
	const char *owner;
	sh_wh_dossier_codes *codes;
	const char *deflt; /* kind of a paper given without one */
};

static int put_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct put_args *a = arg;
	const sh_wh_dossier_in *in = a->in;
	sh_wh_dossier_codes *codes = a->codes;
	int rc = SH_OK, lrc = 0;
	rec_w dw = {0};

	if (in->idem_key) {
		MDB_val ik = {strlen(in->idem_key), (void *)in->idem_key}, iv;
		lrc = mdb_get(txn, s->ikey, &ik, &iv);
		if (lrc == 0)
			return existing_codes(txn, s, iv, codes);
		if (lrc != MDB_NOTFOUND)
			goto lmdb_fail;
		lrc = 0;
	}

	int64_t t = in->received ? in->received : sh_now();
	if ((rc = in->archive ? wh_next_archive_code(s, txn, t, codes->dossier, &lrc)
			      : wh_next_dossier_code(s, txn, t, codes->dossier, &lrc)))
		goto out;
	if (lrc)
		goto lmdb_fail;

	sh_log_frontier frontier;
	if (in->key && (rc = ledger_begin(s, txn, &frontier)))
		goto out;
	rec_begin(&dw, REC_DOSSIER);
	rec_str(&dw, D_CODE, codes->dossier);
	rec_str(&dw, D_AGENCY, s->agency);
	rec_str(&dw, D_OWNER, a->owner);
	rec_str(&dw, D_PROCEDURE, in->procedure);
	rec_i64(&dw, D_RECEIVED, t);
	rec_str(&dw, D_OPERATOR, wh_operator_or(s, in->operator_id));

	for (size_t i = 0; i < in->npapers; i++) {
		const sh_wh_paper_in *p = &in->papers[i];
		const char *kind = p->kind ? p->kind : a->deflt;
		snprintf(codes->papers[i], SH_STORE_CODE_MAX, "%s-%02zu-%s", codes->dossier, i + 1, kind);
		rec_str(&dw, D_PAPER, codes->papers[i]);

		rc = write_paper(s, txn, codes->papers[i], codes->dossier, a->owner, kind, p,
				 a->prep[i], t, in->key, &frontier, "component", 0, &lrc);
		if (lrc)
			goto lmdb_fail;
		if (rc)
			goto out;
	}
	if ((rc = dw.err))
		goto out;
	MDB_val dk = {strlen(codes->dossier), codes->dossier}, dv = {dw.b.len, dw.b.data};
	if ((lrc = mdb_put(txn, s->dossier, &dk, &dv, MDB_NOOVERWRITE)))
		goto lmdb_fail;
	if (in->idem_key) {
		MDB_val ik = {strlen(in->idem_key), (void *)in->idem_key};
		if ((lrc = mdb_put(txn, s->ikey, &ik, &dk, MDB_NOOVERWRITE)))
			goto lmdb_fail;
	}
	if ((rc = wh_dossier_added(s, txn, codes->dossier, t)))
		goto out;
	if (in->key)
		rc = ledger_commit(s, txn, &frontier, in->key, t);
	goto out;

lmdb_fail:
	rc = store_write_err(s, lrc, "storing the dossier");
out:
	sh_buf_free(&dw.b);
	return rc;
}

int sh_wh_dossier_put(sh_store *s, const sh_wh_dossier_in *in, sh_wh_dossier_codes **out)
{
	*out = NULL;
	char owner[16];
	int rc = sh_wh_may(s, SH_WH_PERM_INGEST);
	if (rc || (rc = sh_id_owner_check(NULL, owner, in->owner)))
		return rc;
	if ((rc = sh_id_procedure_check(in->procedure)))
		return rc;
	if (in->npapers == 0)
		return sh_error_set(SH_EINVAL, "a dossier needs at least one paper");
	if (in->npapers > 999)
		return sh_error_set(SH_ELIMIT, "a dossier holds at most 999 papers");
	for (size_t i = 0; i < in->npapers; i++) {
		const sh_wh_paper_in *p = &in->papers[i];
		if (p->kind && (rc = check_code_part("kind code", p->kind, 12, NULL)))
			return rc;
		for (const char *c = p->kind; c && *c; c++)
			if (*c >= 'a' && *c <= 'z')
				return sh_error_set(SH_EINVAL, "kind code '%s': capital letters only",
						    p->kind);
		if (p->npages == 0)
			return sh_error_set(SH_EINVAL, "paper %zu (%s) has no pages", i + 1,
					    p->file ? p->file : "?");
		if (p->file && !sh_text_valid(p->file, strlen(p->file)))
			return sh_error_set(SH_EINVAL, "paper %zu: file name is not valid UTF-8", i + 1);
		if (p->facts && !sh_text_valid(p->facts, strlen(p->facts)))
			return sh_error_set(SH_EINVAL, "paper %zu: facts are not valid UTF-8", i + 1);
		for (size_t j = 0; j < p->npages; j++)
			if (!p->pages[j].image || !p->pages[j].image_len || !p->pages[j].mime)
				return sh_error_set(SH_EINVAL, "paper %zu page %zu has no image", i + 1,
						    j + 1);
	}

	sh_wh_dossier_codes *codes = sh_calloc(1, sizeof *codes);
	page_prep **prep = sh_calloc(in->npapers, sizeof *prep);
	if (!codes || !prep) {
		rc = SH_ENOMEM;
		goto out;
	}
	codes->npapers = in->npapers;
	codes->papers = sh_calloc(in->npapers, sizeof *codes->papers);
	if (!codes->papers) {
		rc = SH_ENOMEM;
		goto out;
	}
	/* hashing and normalisation outside the write lock */
	for (size_t i = 0; i < in->npapers; i++) {
		const sh_wh_paper_in *p = &in->papers[i];
		prep[i] = sh_calloc(p->npages, sizeof **prep);
		if (!prep[i]) {
			rc = SH_ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < p->npages; j++) {
			const sh_wh_page_in *pg = &p->pages[j];
			sh_sha256(prep[i][j].sha, pg->image, pg->image_len);
			if (pg->hocr)
				sh_sha256(prep[i][j].hocr_sha, pg->hocr, strlen(pg->hocr));
			if (pg->original)
				sh_sha256(prep[i][j].orig_sha, pg->original, pg->original_len);
			const char *t = pg->text ? pg->text : "";
			if ((rc = sh_text_nfc(&prep[i][j].text, t, strlen(t)))) {
				sh_error_wrap(rc, "paper %zu page %zu: ", i + 1, j + 1);
				goto out;
			}
		}
		if ((rc = prep_upload(s, p, prep[i])))
			goto out;
	}
	struct put_args pa = {in, prep, owner, codes, NULL};
	if (!(rc = wh_kind_default(&pa.deflt)))
		rc = store_write(s, 0, "storing the dossier", put_fn, &pa);
out:
	if (prep) {
		for (size_t i = 0; i < in->npapers; i++) {
			if (!prep[i])
				continue;
			for (size_t j = 0; j < in->papers[i].npages; j++)
				sh_free(prep[i][j].text);
			sh_free(prep[i]);
		}
		sh_free(prep);
	}
	if (rc) {
		sh_wh_dossier_codes_free(&codes);
		return rc;
	}
	*out = codes;
	return SH_OK;
}


/* ---- results ------------------------------------------------------------- */

struct result_args {
	const char *dossier;
	const sh_wh_paper_in *papers;
	size_t n;
	page_prep **prep;
	const sh_sign_key *key;
	char (*codes)[SH_STORE_CODE_MAX];
	const char *deflt; /* kind of a paper given without one */
};

/* The results' write transaction (run again by store_write when the map
 * fills). */
static int result_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct result_args *a = arg;
	const char *dossier = a->dossier;
	sh_store_dossier_rec *d = NULL;
	rec_w dw = {0};
	int lrc = 0, rc = SH_OK;
	MDB_val dk = {strlen(dossier), (void *)dossier}, dv;
	if ((lrc = mdb_get(txn, s->dossier, &dk, &dv))) {
		if (lrc == MDB_NOTFOUND) {
			rc = sh_error_set(SH_ENOTFOUND, "no dossier with code %s", dossier);
			lrc = 0;
		}
		goto fail;
	}
	if ((rc = store_decode_dossier(dv.mv_data, dv.mv_size, &d)))
		goto fail;
	/* the dossier's result sequence, in this transaction */
	char seqkey[SH_STORE_CODE_MAX + 8];
	snprintf(seqkey, sizeof seqkey, "K|%s", dossier);
	MDB_val k = {strlen(seqkey), seqkey}, v;
	unsigned seq = 0;
	if ((lrc = mdb_get(txn, s->seq, &k, &v)) == 0 && v.mv_size == 4) {
		const uint8_t *b = v.mv_data;
		seq = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	} else if (lrc && lrc != MDB_NOTFOUND) {
		goto fail;
	}
	lrc = 0;
	int64_t t = sh_now();
	sh_log_frontier frontier;
	if (a->key && (rc = ledger_begin(s, txn, &frontier)))
		goto fail;
	/* the dossier record again, with the results added */
	rec_begin(&dw, REC_DOSSIER);
	rec_str(&dw, D_CODE, d->code);
	rec_str(&dw, D_AGENCY, d->agency);
	rec_str(&dw, D_OWNER, d->owner);
	rec_str(&dw, D_PROCEDURE, d->procedure);
	rec_i64(&dw, D_RECEIVED, d->received);
	rec_str(&dw, D_OPERATOR, d->operator_id);
	for (size_t i = 0; i < d->npapers; i++)
		rec_str(&dw, D_PAPER, d->papers[i]);
	for (size_t i = 0; i < d->nresults; i++)
		rec_str(&dw, D_RESULT, d->results[i]);
	for (size_t i = 0; i < a->n; i++) {
		snprintf(a->codes[i], SH_STORE_CODE_MAX, "%s-KQ%u", dossier, ++seq);
		rec_str(&dw, D_RESULT, a->codes[i]);
		const char *kind = a->papers[i].kind ? a->papers[i].kind : a->deflt;
		rc = write_paper(s, txn, a->codes[i], dossier, d->owner, kind, &a->papers[i],
				 a->prep[i], t, a->key, &frontier, "result", SH_WH_PAPER_RESULT, &lrc);
		if (rc || lrc)
			goto fail;
	}
	if ((rc = dw.err))
		goto fail;
	uint8_t seqb[4] = {(uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
			   (uint8_t)seq};
	v.mv_size = 4;
	v.mv_data = seqb;
	dv.mv_size = dw.b.len;
	dv.mv_data = dw.b.data;
	if ((lrc = mdb_put(txn, s->seq, &k, &v, 0)) || (lrc = mdb_put(txn, s->dossier, &dk, &dv, 0)))
		goto fail;
	if (a->key)
		rc = ledger_commit(s, txn, &frontier, a->key, t);
fail:
	if (!rc && lrc)
		rc = store_write_err(s, lrc, "storing the result");
	sh_buf_free(&dw.b);
	sh_store_dossier_rec_free(&d);
	return rc;
}

int sh_wh_result_put(sh_store *s, const char *dossier, const sh_wh_paper_in *papers,
			size_t npapers, const sh_sign_key *key, char (*codes)[SH_STORE_CODE_MAX])
{
	int prc = sh_wh_may(s, SH_WH_PERM_INGEST);
	if (prc)
		return prc;
	if (npapers == 0)
		return sh_error_set(SH_EINVAL, "give at least one result paper");
	page_prep **prep = sh_calloc(npapers, sizeof *prep);
	int rc = prep ? SH_OK : SH_ENOMEM;
	for (size_t i = 0; !rc && i < npapers; i++) {
		const sh_wh_paper_in *p = &papers[i];
		if (p->kind && (rc = check_code_part("kind code", p->kind, 12, NULL)))
			break;
		if (!p->npages) {
			rc = sh_error_set(SH_EINVAL, "result %zu has no pages", i + 1);
			break;
		}
		if (!(prep[i] = sh_calloc(p->npages, sizeof **prep))) {
			rc = SH_ENOMEM;
			break;
		}
		for (size_t j = 0; !rc && j < p->npages; j++) {
			const sh_wh_page_in *pg = &p->pages[j];
			if (!pg->image || !pg->image_len || !pg->mime) {
				rc = sh_error_set(SH_EINVAL, "result %zu page %zu has no image", i + 1,
						  j + 1);
				break;
			}
			sh_sha256(prep[i][j].sha, pg->image, pg->image_len);
			if (pg->hocr)
				sh_sha256(prep[i][j].hocr_sha, pg->hocr, strlen(pg->hocr));
			if (pg->original)
				sh_sha256(prep[i][j].orig_sha, pg->original, pg->original_len);
			const char *t = pg->text ? pg->text : "";
			rc = sh_text_nfc(&prep[i][j].text, t, strlen(t));
		}
		if (!rc)
			rc = prep_upload(s, p, prep[i]);
	}
	struct result_args ra = {dossier, papers, npapers, prep, key, codes, NULL};
	if (!rc)
		rc = wh_kind_default(&ra.deflt);
	if (!rc)
		rc = store_write(s, 0, "storing the result", result_fn, &ra);
	for (size_t i = 0; prep && i < npapers; i++) {
		for (size_t j = 0; prep[i] && j < papers[i].npages; j++)
			sh_free(prep[i][j].text);
		sh_free(prep[i]);
	}
	sh_free(prep);
	return rc;
}

/* ---- imports from another office's bag (sh_wh_import) --------------------- */

#define IMPORT_PREFIX "import|"

/* Is code (a paper or dossier) recorded as imported? */
static int imported(MDB_txn *txn, sh_store *s, const char *code)
{
	char key[8 + SH_STORE_CODE_MAX];
	snprintf(key, sizeof key, IMPORT_PREFIX "%s", code);
	MDB_val k = {strlen(key), key}, v;
	return mdb_get(txn, s->meta, &k, &v) == 0;
}

static int mark_imported(MDB_txn *txn, sh_store *s, const char *code, const char *from, int *lrc)
{
	char key[8 + SH_STORE_CODE_MAX];
	snprintf(key, sizeof key, IMPORT_PREFIX "%s", code);
	MDB_val k = {strlen(key), key}, v = {strlen(from), (void *)from};
	*lrc = mdb_put(txn, s->meta, &k, &v, 0);
	return SH_OK;
}

/* 1: code is stored with exactly these page images (an earlier import of
 * the same paper), 0: not stored, <0: stored with other content. */
static int same_paper(MDB_txn *txn, sh_store *s, const sh_wh_import_paper *ip,
		      const page_prep *prep)
{
	MDB_val k = {strlen(ip->code), (void *)ip->code}, v;
	if (mdb_get(txn, s->paper, &k, &v))
		return 0;
	sh_store_paper_rec *p = NULL;
	if (store_decode_paper(v.mv_data, v.mv_size, &p))
		return -1;
	int same = p->npages == ip->in.npages && !strcmp(p->owner, ip->owner);
	for (size_t j = 0; same && j < p->npages; j++)
		same = !memcmp(p->pages[j].image_sha, prep[j].sha, SH_SHA256_LEN);
	sh_store_paper_rec_free(&p);
	return same ? 1 : -1;
}

struct import {
	const sh_sign_key *key;
	const char *from;
	const sh_wh_import_paper *p;
	size_t n;
	page_prep **prep;
	sh_wh_import_stats *st;
	wh_import_hook hook; /* run in the same transaction after the papers, or NULL */
	void *hook_arg;
};

/* The dossier record of dossier with the imported papers added (made when
 * the dossier is not there; an imported dossier gains papers; a dossier of
 * this office's own is never changed). */
static int import_dossier(MDB_txn *txn, sh_store *s, const struct import *im, size_t first,
			  const char *dossier, int *lrc)
{
	MDB_val dk = {strlen(dossier), (void *)dossier}, dv;
	sh_store_dossier_rec *d = NULL;
	int rc = SH_OK, fresh = 0;
	*lrc = mdb_get(txn, s->dossier, &dk, &dv);
	if (*lrc == MDB_NOTFOUND) {
		*lrc = 0;
		fresh = 1;
	} else if (*lrc) {
		return SH_OK;
	} else if ((rc = store_decode_dossier(dv.mv_data, dv.mv_size, &d))) {
		return sh_error_wrap(rc, "dossier %s: ", dossier);
	} else if (!imported(txn, s, dossier)) {
		sh_store_dossier_rec_free(&d);
		return sh_error_set(SH_EEXISTS, "dossier %s is one of this office's own: papers of "
						"another office cannot be filed in it",
				    dossier);
	} else if (strcmp(d->owner, im->p[first].owner) ||
		   strcmp(d->procedure, im->p[first].procedure) ||
		   d->received != im->p[first].received) {
		sh_store_dossier_rec_free(&d);
		return sh_error_set(SH_EEXISTS, "dossier %s is already here with another owner, "
						"procedure or receipt time: nothing of the bag is filed",
				    dossier);
	}
	const sh_wh_import_paper *p0 = &im->p[first];
	rec_w dw;
	rec_begin(&dw, REC_DOSSIER);
	rec_str(&dw, D_CODE, dossier);
	rec_str(&dw, D_AGENCY, d ? d->agency : p0->agency);
	rec_str(&dw, D_OWNER, d ? d->owner : p0->owner);
	rec_str(&dw, D_PROCEDURE, d ? d->procedure : p0->procedure);
	rec_i64(&dw, D_RECEIVED, d ? d->received : p0->received);
	rec_str(&dw, D_OPERATOR, d ? d->operator_id : wh_operator_or(s, NULL));
	for (int pass = 0; pass < 2; pass++) { /* papers, then results */
		size_t nold = d ? (pass ? d->nresults : d->npapers) : 0;
		char **old = d ? (pass ? d->results : d->papers) : NULL;
		for (size_t i = 0; i < nold; i++)
			rec_str(&dw, pass ? D_RESULT : D_PAPER, old[i]);
		for (size_t i = first; i < im->n; i++) {
			const sh_wh_import_paper *p = &im->p[i];
			if (strcmp(p->dossier, dossier) || !!p->result != pass)
				continue;
			int have = 0;
			for (size_t j = 0; j < nold && !have; j++)
				have = !strcmp(old[j], p->code);
			for (size_t j = first; j < i && !have; j++)
				have = !strcmp(im->p[j].code, p->code) && !strcmp(im->p[j].dossier, dossier);
			if (!have)
				rec_str(&dw, pass ? D_RESULT : D_PAPER, p->code);
		}
	}
	if ((rc = dw.err))
		goto out;
	dv = (MDB_val){dw.b.len, dw.b.data};
	if ((*lrc = mdb_put(txn, s->dossier, &dk, &dv, 0)))
		goto out;
	if (fresh) {
		if ((rc = wh_dossier_added(s, txn, dossier, p0->received)))
			goto out;
		rc = mark_imported(txn, s, dossier, im->from, lrc);
		im->st->dossiers++;
	}
out:
	sh_buf_free(&dw.b);
	sh_store_dossier_rec_free(&d);
	return rc;
}

/* The bag's write transaction (run again whole by store_write when the map
 * fills: the counts start again from zero). */
static int import_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct import *im = arg;
	int rc, lrc = 0;
	memset(im->st, 0, sizeof *im->st);
	sh_log_frontier frontier;
	if ((rc = ledger_begin(s, txn, &frontier)))
		return rc;
	for (size_t i = 0; i < im->n && !rc && !lrc; i++) {
		const sh_wh_import_paper *p = &im->p[i];
		int same = same_paper(txn, s, p, im->prep[i]);
		if (same < 0) {
			rc = sh_error_set(SH_EEXISTS, "paper %s is already in this warehouse with other "
						      "content: nothing of the bag is filed",
					  p->code);
			break;
		}
		if (same) {
			im->st->existing++;
			continue;
		}
		rc = write_paper(s, txn, p->code, p->dossier, p->owner, p->in.kind, &p->in,
				 im->prep[i], p->created, im->key, &frontier,
				 p->result ? "result" : "component",
				 SH_WH_PAPER_IMPORTED | (p->result ? SH_WH_PAPER_RESULT : 0), &lrc);
		if (rc || lrc)
			break;
		/* the import itself, signed: from whom, verified against which key */
		sh_sign_fact facts[3] = {{"from", im->from},
					 {"source_key", p->source_key},
					 {"source_manifest_sha256", p->source_manifest_sha256}};
		sh_sign_manifest m;
		memset(&m, 0, sizeof m);
		m.type = "import";
		m.code = p->code;
		m.owner = p->owner;
		m.kind = p->in.kind;
		m.facts = facts;
		m.nfacts = 3;
		m.time = sh_now();
		m.agency = s->agency;
		if ((rc = ledger_sign_append(s, txn, &frontier, im->key, &m, NULL)))
			break;
		if ((rc = mark_imported(txn, s, p->code, im->from, &lrc)) || lrc)
			break;
		im->st->papers++;
		/* its dossier, once per dossier in the bag */
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(im->p[j].dossier, p->dossier);
		if (!seen)
			rc = import_dossier(txn, s, im, i, p->dossier, &lrc);
	}
	if (!rc && !lrc && im->st->papers)
		rc = ledger_commit(s, txn, &frontier, im->key, sh_now());
	if (!rc && !lrc && im->hook) /* after the commit: it may sign events of its own */
		rc = im->hook(s, txn, im->hook_arg);
	if (!rc && lrc)
		rc = store_write_err(s, lrc, "filing the bag");
	return rc;
}

int sh_wh_import(sh_store *s, const sh_sign_key *key, const char *from,
		 const sh_wh_import_paper *papers, size_t n, sh_wh_import_stats *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_IMPORT);
	return rc ? rc : wh_import(s, key, from, papers, n, out, NULL, NULL);
}

int wh_import(sh_store *s, const sh_sign_key *key, const char *from,
	      const sh_wh_import_paper *papers, size_t n, sh_wh_import_stats *out,
	      wh_import_hook hook, void *hook_arg)
{
	int rc = SH_OK;
	memset(out, 0, sizeof *out);
	if (!key)
		return sh_error_set(SH_EINVAL, "imported papers are signed in this warehouse's log: a "
					       "signing key is needed");
	if (!from || sh_id_agency_check(from))
		return sh_error_set(SH_EINVAL, "the bag does not name the office it comes from");
	for (size_t i = 0; i < n; i++) {
		const sh_wh_import_paper *p = &papers[i];
		int kind = 0;
		char owner[16];
		if ((rc = sh_id_code_check(&kind, p->code, SH_CODE_PAPER | SH_CODE_RESULT)))
			return sh_error_wrap(rc, "imported paper: ");
		size_t dl = p->dossier ? strlen(p->dossier) : 0;
		if (!dl || strncmp(p->code, p->dossier, dl) || p->code[dl] != '-' ||
		    !!p->result != (kind == SH_CODE_RESULT))
			return sh_error_set(SH_EINVAL, "paper %s is not of dossier %s", p->code,
					    p->dossier ? p->dossier : "?");
		if ((rc = sh_id_owner_check(NULL, owner, p->owner)) || strcmp(owner, p->owner))
			return sh_error_set(SH_EINVAL, "paper %s: owner id '%s' is not valid", p->code,
					    p->owner ? p->owner : "");
		if (!p->in.kind || (rc = check_code_part("kind code", p->in.kind, 12, NULL)))
			return sh_error_set(SH_EINVAL, "paper %s has no valid kind", p->code);
		if (!p->agency || sh_id_agency_check(p->agency) ||
		    (rc = sh_id_procedure_check(p->procedure)))
			return sh_error_set(SH_EINVAL, "paper %s: its dossier's agency or procedure is "
						       "not valid",
					    p->code);
		if (!p->in.npages || p->in.npages > 9999)
			return sh_error_set(SH_EINVAL, "paper %s has no pages", p->code);
		for (size_t j = 0; j < p->in.npages; j++)
			if (!p->in.pages[j].image || !p->in.pages[j].image_len || !p->in.pages[j].mime)
				return sh_error_set(SH_EINVAL, "paper %s page %zu has no image", p->code,
						    j + 1);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(papers[j].code, p->code))
				return sh_error_set(SH_EINVAL, "paper %s is twice in the bag", p->code);
	}
	page_prep **prep = sh_calloc(n ? n : 1, sizeof *prep);
	if (!prep)
		return SH_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		const sh_wh_paper_in *p = &papers[i].in;
		if (!(prep[i] = sh_calloc(p->npages, sizeof **prep))) {
			rc = SH_ENOMEM;
			break;
		}
		for (size_t j = 0; j < p->npages && !rc; j++) {
			const sh_wh_page_in *pg = &p->pages[j];
			sh_sha256(prep[i][j].sha, pg->image, pg->image_len);
			if (pg->hocr)
				sh_sha256(prep[i][j].hocr_sha, pg->hocr, strlen(pg->hocr));
			if (pg->original)
				sh_sha256(prep[i][j].orig_sha, pg->original, pg->original_len);
			const char *t = pg->text ? pg->text : "";
			if ((rc = sh_text_nfc(&prep[i][j].text, t, strlen(t))))
				sh_error_wrap(rc, "paper %s page %zu: ", papers[i].code, j + 1);
		}
		if (!rc)
			rc = prep_upload(s, p, prep[i]);
	}
	struct import im = {key, from, papers, n, prep, out, hook, hook_arg};
	if (!rc)
		rc = store_write(s, 0, "filing the bag", import_fn, &im);
	if (rc)
		memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		if (!prep[i])
			continue;
		for (size_t j = 0; j < papers[i].in.npages; j++)
			sh_free(prep[i][j].text);
		sh_free(prep[i]);
	}
	sh_free(prep);
	return rc;
}
