/* The warehouse of persons and organisations: the procedure and kind
 * catalogue, validity (facts, kind rules, clerk), revocation, reuse and
 * attachment of earlier papers, the receipt-date index, and bulk writes.
 * Tables and formats: docs/WAREHOUSE.md. */
#include "wh_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ---- dates ------------------------------------------------------------------ */

/* "YYYY-MM-DD" → local midnight starting that day, plus days. */
static int date_parse(int64_t *out, const char *s, int plus_days)
{
	int y, m, d;
	char tail;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1900 || y > 9999 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return SH_EINVAL;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + plus_days;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return SH_EINVAL;
	*out = (int64_t)t;
	return SH_OK;
}

/* ---- state records ------------------------------------------------------------ */

static void copy_field(char *dst, size_t cap, const uint8_t *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

static int state_decode(wh_state *st, const void *data, size_t len)
{
	memset(st, 0, sizeof *st);
	rec_r r;
	int rc = rec_open(&r, data, len, REC_STATE);
	if (rc)
		return rc;
	unsigned tag;
	const uint8_t *v;
	size_t n;
	uint64_t u;
	while ((rc = rec_next(&r, &tag, &v, &n)) == 1) {
		rc = SH_OK;
		switch (tag) {
		case V_UNTIL:
		case V_UNTIL_AT:
		case V_REVOKED_AT:
			if ((rc = rec_get_u64(v, n, &u)))
				return rc;
			int64_t t = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
			if (tag == V_UNTIL) {
				st->until = t;
				st->has_until = 1;
			} else if (tag == V_UNTIL_AT) {
				st->until_at = t;
			} else {
				st->revoked_at = t;
			}
			break;
		case V_UNTIL_BY: copy_field(st->until_by, sizeof st->until_by, v, n); break;
		case V_REASON: copy_field(st->reason, sizeof st->reason, v, n); break;
		case V_REVOKED_BY: copy_field(st->revoked_by, sizeof st->revoked_by, v, n); break;
		default: break;
		}
	}
	if (rc < 0)
		return rc;
	if (!st->has_until && !st->revoked_at)
		return sh_error_set(SH_ECORRUPT, "stored paper state holds neither a validity nor "
						 "a revocation");
	return SH_OK;
}

static int state_encode(rec_w *w, const wh_state *st)
{
	rec_begin(w, REC_STATE);
	if (st->has_until) {
		rec_i64(w, V_UNTIL, st->until);
		rec_str(w, V_UNTIL_BY, st->until_by[0] ? st->until_by : NULL);
		rec_i64(w, V_UNTIL_AT, st->until_at);
	}
	if (st->revoked_at) {
		rec_i64(w, V_REVOKED_AT, st->revoked_at);
		rec_str(w, V_REASON, st->reason);
		rec_str(w, V_REVOKED_BY, st->revoked_by[0] ? st->revoked_by : NULL);
	}
	return w->err;
}

int wh_state_get(sh_store *s, MDB_txn *txn, const char *code, wh_state *st)
{
	MDB_val k = {strlen(code), (void *)code}, v;
	int lrc = mdb_get(txn, s->state, &k, &v);
	if (lrc == MDB_NOTFOUND) {
		memset(st, 0, sizeof *st);
		return 0;
	}
	if (lrc)
		return store_lmdb_err(lrc, "paper state");
	int rc = state_decode(st, v.mv_data, v.mv_size);
	if (rc)
		return sh_error_wrap(rc, "paper %s: ", code);
	return 1;
}

/* ---- validity ------------------------------------------------------------------ */

const char *sh_wh_validity_status_name(int status)
{
	switch (status) {
	case SH_WH_VALID: return "valid";
	case SH_WH_EXPIRED: return "expired";
	case SH_WH_REVOKED: return "revoked";
	default: return "unknown";
	}
}

const char *sh_wh_validity_source_name(int source)
{
	switch (source) {
	case SH_WH_VSRC_FACTS: return "facts";
	case SH_WH_VSRC_RULE: return "rule";
	case SH_WH_VSRC_CLERK: return "clerk";
	default: return "none";
	}
}

static size_t dup_count(MDB_txn *txn, MDB_dbi dbi, const char *key)
{
	MDB_cursor *c;
	size_t cnt = 0;
	if (mdb_cursor_open(txn, dbi, &c))
		return 0;
	MDB_val k = {strlen(key), (void *)key}, v;
	if (!mdb_cursor_get(c, &k, &v, MDB_SET_KEY))
		mdb_cursor_count(c, &cnt);
	mdb_cursor_close(c);
	return cnt;
}

/* From the paper's own facts (valid_until: 0 absent, 1 null, 2 the string
 * vu; date: 0 absent, 2 the string date) and its kind's rule. */
static void validity_rule(const sh_wh_proc_cat *cat, const char *kind, int vuk, const char *vu,
			  int datek, const char *date, int64_t created, sh_wh_validity *out)
{
	out->source = SH_WH_VSRC_NONE;
	out->valid_until = SH_WH_NEVER;
	const struct wh_kind *k = wh_kind_get(cat, kind);
	int64_t t;
	if (vuk == 2 && !date_parse(&t, vu, 1)) {
		out->source = SH_WH_VSRC_FACTS;
		out->valid_until = t;
	} else if (vuk == 1) { /* "Không thời hạn" printed */
		out->source = SH_WH_VSRC_FACTS;
	} else if (k && k->rule == RULE_NEVER) {
		out->source = SH_WH_VSRC_RULE;
	} else if (k && k->rule == RULE_UNTIL) {
		out->source = SH_WH_VSRC_RULE;
		if (!date_parse(&t, k->until, 1))
			out->valid_until = t;
	} else if (k && k->rule == RULE_DAYS) {
		out->source = SH_WH_VSRC_RULE;
		if (datek == 2 && !date_parse(&t, date, k->days))
			out->valid_until = t;
		else
			out->valid_until = created + (int64_t)k->days * 86400;
	}
}

static void validity_of_paper(const sh_wh_proc_cat *cat, const char *kind, const char *facts,
			      int64_t created, sh_wh_validity *out)
{
	store_osum o;
	size_t n;
	uint8_t b[STORE_OSUM_MAX];
	/* the owner index keeps the same fields: one reading of the facts */
	if (store_osum_encode(b, &n, "x", 0, created, "x", facts) ||
	    store_osum_decode(b, n, &o))
		memset(&o, 0, sizeof o);
	validity_rule(cat, kind, o.vu, o.vu_s, o.date, o.date_s, created, out);
}

/* Clerk validity and revocation from the state table over the paper's own. */
static int validity_state(sh_store *s, MDB_txn *txn, const char *code, sh_wh_validity *out,
			  int64_t now)
{
	wh_state st;
	int rc = wh_state_get(s, txn, code, &st);
	if (rc < 0)
		return rc;
	if (rc == 1 && st.has_until) {
		out->source = SH_WH_VSRC_CLERK;
		out->valid_until = st.until;
		snprintf(out->by, sizeof out->by, "%s", st.until_by);
	}
	out->status = now < out->valid_until ? SH_WH_VALID : SH_WH_EXPIRED;
	if (rc == 1 && st.revoked_at) {
		out->status = SH_WH_REVOKED;
		out->revoked_at = st.revoked_at;
		snprintf(out->reason, sizeof out->reason, "%s", st.reason);
		snprintf(out->by, sizeof out->by, "%s", st.revoked_by);
	}
	return SH_OK;
}

int wh_validity_sum(sh_store *s, MDB_txn *txn, const sh_wh_proc_cat *cat, const store_osum *o,
			  int64_t now, sh_wh_validity *out)
{
	memset(out, 0, sizeof *out);
	validity_rule(cat, o->kind, o->vu, o->vu_s, o->date, o->date_s, o->created, out);
	return validity_state(s, txn, o->code, out, now);
}

/* The whole validity of a decoded paper inside txn. */
int wh_validity(sh_store *s, MDB_txn *txn, const sh_wh_proc_cat *cat, const char *code,
		      const char *kind, const char *facts, int64_t created, int64_t now,
		      sh_wh_validity *out)
{
	memset(out, 0, sizeof *out);
	validity_of_paper(cat, kind, facts, created, out);
	int rc = validity_state(s, txn, code, out, now);
	if (rc)
		return rc;
	/* "signed" only when what is shown matches the signature (issue 16) */
	out->nsigned = wh_signed_count(s, txn, code, kind, facts, created);
	return out->nsigned < 0 ? out->nsigned : SH_OK;
}

static int paper_in_txn(sh_store *s, MDB_txn *txn, const char *code, sh_store_paper_rec **out)
{
	*out = NULL;
	MDB_val k = {strlen(code), (void *)code}, v;
	int lrc = mdb_get(txn, s->paper, &k, &v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no paper has the code %s", code);
	if (lrc)
		return store_lmdb_err(lrc, code);
	int rc = store_decode_paper(v.mv_data, v.mv_size, out);
	return rc ? sh_error_wrap(rc, "paper %s: ", code) : SH_OK;
}

int sh_wh_validity_of(sh_store *s, const sh_wh_proc_cat *cat, const char *code, int64_t now,
		      sh_wh_validity *out)
{
	memset(out, 0, sizeof *out);
	MDB_txn *txn;
	/* a citizen: their own papers only (citizen.c) */
	int rc = sh_wh_may(s, sh_wh_citizen(s) ? SH_WH_PERM_OWN : SH_WH_PERM_READ);
	if (rc || (rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	sh_store_paper_rec *p = NULL;
	if (!(rc = paper_in_txn(s, txn, code, &p)) && sh_wh_citizen(s) &&
	    sh_wh_citizen_owns(s, p->owner))
		rc = sh_error_set(SH_ENOTFOUND, "no such paper among yours");
	if (!rc)
		rc = wh_validity(s, txn, cat, code, p->kind, p->facts, p->created,
				       now ? now : sh_now(), out);
	sh_store_paper_rec_free(&p);
	mdb_txn_abort(txn);
	return rc;
}

/* ---- an owner's papers ------------------------------------------------------------ */

void sh_wh_owner_papers_free(sh_wh_owner_paper **pp, size_t n)
{
	sh_wh_owner_paper *p = pp ? *pp : NULL;
	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		sh_free(p[i].facts);
	sh_free(p);
	*pp = NULL;
}

static int cmp_newest(const void *a, const void *b)
{
	const sh_wh_owner_paper *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? 1 : -1;
	return strcmp(y->code, x->code);
}

/* Papers of owner (normalised) in txn; kind (may be NULL) filters. */
int owner_papers_txn(sh_store *s, MDB_txn *txn, const sh_wh_proc_cat *cat, const char *owner,
			    const char *kind, int64_t now, sh_wh_owner_paper **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_cursor *c;
	int lrc = mdb_cursor_open(txn, s->owner, &c), rc = SH_OK;
	if (lrc)
		return store_lmdb_err(lrc, "owner index");
	sh_wh_owner_paper *arr = NULL;
	size_t cnt = 0, cap = 0;
	MDB_val k = {strlen(owner), (void *)owner}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); lrc == 0;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		store_osum os;
		if (store_osum_decode(v.mv_data, v.mv_size, &os))
			continue; /* damage: sohoa check names it */
		if (kind && os.has_sum && strcmp(os.kind, kind))
			continue;
		sh_store_paper_rec *p = NULL;
		if ((rc = paper_in_txn(s, txn, os.code, &p)))
			break;
		if (kind && strcmp(p->kind, kind)) {
			sh_store_paper_rec_free(&p);
			continue;
		}
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sh_wh_owner_paper *na = sh_realloc(arr, nc * sizeof *na);
			if (!na) {
				sh_store_paper_rec_free(&p);
				rc = SH_ENOMEM;
				break;
			}
			arr = na;
			cap = nc;
		}
		sh_wh_owner_paper *o = &arr[cnt];
		memset(o, 0, sizeof *o);
		snprintf(o->code, sizeof o->code, "%s", p->code);
		snprintf(o->dossier, sizeof o->dossier, "%s", p->dossier);
		snprintf(o->kind, sizeof o->kind, "%s", p->kind);
		o->created = p->created;
		if (p->facts) {
			o->facts = p->facts; /* taken over */
			p->facts = NULL;
		}
		cnt++;
		rc = wh_validity(s, txn, cat, o->code, o->kind, o->facts, o->created, now,
				       &o->validity);
		o->reused = dup_count(txn, s->attached, o->code);
		sh_store_paper_rec_free(&p);
		if (rc)
			break;
	}
	mdb_cursor_close(c);
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "owner index");
	if (rc) {
		sh_wh_owner_papers_free(&arr, cnt);
		return rc;
	}
	if (cnt > 1)
		qsort(arr, cnt, sizeof *arr, cmp_newest);
	*out = arr;
	*n = cnt;
	return SH_OK;
}

int sh_wh_owner_papers(sh_store *s, const sh_wh_proc_cat *cat, const char *owner, int64_t now,
			  sh_wh_owner_paper **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char norm[16];
	/* a citizen reads the papers of the owners the session holds (citizen.c) */
	int rc = sh_wh_citizen(s) ? SH_OK : sh_wh_may(s, SH_WH_PERM_READ_OWNER);
	if (rc || (rc = sh_id_owner_check(NULL, norm, owner)) ||
	    (sh_wh_citizen(s) && (rc = sh_wh_citizen_owns(s, norm))))
		return rc;
	MDB_txn *txn;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	rc = owner_papers_txn(s, txn, cat, norm, NULL, now ? now : sh_now(), out, n);
	mdb_txn_abort(txn);
	if (rc || !*n)
		return rc;
	const char **codes = sh_calloc(*n, sizeof *codes);
	for (size_t i = 0; codes && i < *n; i++)
		codes[i] = (*out)[i].code;
	rc = codes ? wh_audit_session(s, codes, *n, NULL) : SH_ENOMEM;
	sh_free(codes);
	if (rc) {
		sh_wh_owner_papers_free(out, *n);
		*n = 0;
	}
	return rc;
}

/* ---- reuse --------------------------------------------------------------------- */

void sh_wh_reuse_free(sh_wh_reuse **pr)
{
	sh_wh_reuse *r = pr ? *pr : NULL;
	if (!r)
		return;
	for (size_t i = 0; i < r->nneeds; i++)
		sh_wh_owner_papers_free(&r->needs[i].papers, r->needs[i].npapers);
	sh_free(r->needs);
	sh_free(r);
	*pr = NULL;
}

/* A schema-1 owner entry (a code alone): its summary from the record. */
static int osum_from_record(sh_store *s, MDB_txn *txn, store_osum *o)
{
	sh_store_paper_rec *p = NULL;
	uint8_t b[STORE_OSUM_MAX];
	size_t n;
	int rc = paper_in_txn(s, txn, o->code, &p);
	if (!rc)
		rc = store_osum_encode(b, &n, p->code, p->id, p->created, p->kind, p->facts);
	sh_store_paper_rec_free(&p);
	if (!rc && store_osum_decode(b, n, o))
		rc = sh_error_set(SH_ECORRUPT, "paper %s: cannot be summarised", o->code);
	return rc;
}

/* What is shown of a paper offered for reuse beyond its summary: dossier,
 * facts, signatures, reuses. */
static int offered_paper(sh_store *s, MDB_txn *txn, sh_wh_owner_paper *op)
{
	sh_store_paper_rec *p = NULL;
	int rc = paper_in_txn(s, txn, op->code, &p);
	if (rc)
		return rc;
	snprintf(op->dossier, sizeof op->dossier, "%s", p->dossier);
	/* "signed" only when what is shown matches the signature (issue 16) */
	op->validity.nsigned = wh_signed_count(s, txn, p->code, p->kind, p->facts, p->created);
	op->facts = p->facts; /* taken over */
	p->facts = NULL;
	sh_store_paper_rec_free(&p);
	if (op->validity.nsigned < 0)
		return op->validity.nsigned;
	op->reused = dup_count(txn, s->attached, op->code);
	return SH_OK;
}

static int reuse_plan(sh_store *s, const sh_wh_proc_cat *cat, const char *owner,
		      const char *procedure, int64_t now, sh_wh_reuse **out);

int sh_wh_reuse_plan(sh_store *s, const sh_wh_proc_cat *cat, const char *owner, const char *procedure,
		   int64_t now, sh_wh_reuse **out)
{
	int rc = reuse_plan(s, cat, owner, procedure, now, out);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < (*out)->nneeds; i++)
		for (size_t j = 0; !rc && j < (*out)->needs[i].npapers; j++) {
			const char *code = (*out)->needs[i].papers[j].code;
			rc = wh_audit_session(s, &code, 1, NULL);
		}
	if (rc)
		sh_wh_reuse_free(out);
	return rc;
}

static int reuse_plan(sh_store *s, const sh_wh_proc_cat *cat, const char *owner,
		      const char *procedure, int64_t now, sh_wh_reuse **out)
{
	*out = NULL;
	char norm[16];
	const char *name;
	const char *const *kinds;
	size_t nkinds;
	int rc = sh_wh_may(s, SH_WH_PERM_READ_OWNER);
	if (!rc)
		rc = sh_id_owner_check(NULL, norm, owner);
	if (rc)
		return rc;
	if ((rc = sh_wh_proc_find(cat, procedure, &name, &kinds, &nkinds)))
		return rc;
	if (!now)
		now = sh_now();
	sh_wh_reuse *r = sh_calloc(1, sizeof *r);
	MDB_txn *txn = NULL;
	if (!r || (nkinds && !(r->needs = sh_calloc(nkinds, sizeof *r->needs)))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < sh_wh_proc_cat_count(cat); i++) {
		const char *c;
		sh_wh_proc_get(cat, i, &c, NULL, NULL, NULL);
		if (!strcmp(c, procedure)) {
			r->procedure = c;
			break;
		}
	}
	r->name = name;
	r->nneeds = nkinds;
	for (size_t i = 0; i < nkinds; i++) {
		r->needs[i].kind = kinds[i];
		r->needs[i].kind_name = sh_wh_kind_name(cat, kinds[i]);
	}
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		goto out;
	/* one walk of the owner's index entries: kind, date and validity come
	 * from their summaries; only the papers offered are read whole */
	MDB_cursor *c;
	int lrc = mdb_cursor_open(txn, s->owner, &c);
	if (lrc) {
		rc = store_lmdb_err(lrc, "owner index");
		goto out;
	}
	MDB_val k = {strlen(norm), norm}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); lrc == 0 && !rc;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		store_osum o;
		if (store_osum_decode(v.mv_data, v.mv_size, &o))
			continue; /* damage: sohoa check names it */
		if (!o.has_sum && (rc = osum_from_record(s, txn, &o)))
			break;
		sh_wh_validity val;
		int wanted = 0;
		for (size_t i = 0; i < nkinds && !wanted; i++) {
			const struct wh_kind *kd = wh_kind_get(cat, kinds[i]);
			wanted = !strcmp(o.kind, kinds[i]) && (!kd || kd->reusable);
		}
		if (!wanted)
			continue;
		if ((rc = wh_validity_sum(s, txn, cat, &o, now, &val)))
			break;
		if (val.status != SH_WH_VALID)
			continue;
		for (size_t i = 0; i < nkinds && !rc; i++) {
			if (strcmp(o.kind, kinds[i]))
				continue;
			sh_wh_reuse_need *nd = &r->needs[i];
			sh_wh_owner_paper *na = sh_realloc(nd->papers, (nd->npapers + 1) * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				break;
			}
			nd->papers = na;
			sh_wh_owner_paper *op = &na[nd->npapers];
			memset(op, 0, sizeof *op);
			snprintf(op->code, sizeof op->code, "%s", o.code);
			snprintf(op->kind, sizeof op->kind, "%s", o.kind);
			op->created = o.created;
			op->validity = val;
			nd->npapers++;
			rc = offered_paper(s, txn, op);
		}
	}
	mdb_cursor_close(c);
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "owner index");
	for (size_t i = 0; i < nkinds && !rc; i++)
		if (r->needs[i].npapers > 1)
			qsort(r->needs[i].papers, r->needs[i].npapers, sizeof *r->needs[i].papers,
			      cmp_newest);
out:
	if (txn)
		mdb_txn_abort(txn);
	if (rc) {
		sh_wh_reuse_free(&r);
		return rc;
	}
	*out = r;
	return SH_OK;
}

/* ---- signed changes: revocation, validity, reuse ------------------------------------ */

static int paper_owner_kind(sh_store *s, MDB_txn *txn, const char *code, sh_store_paper_rec **p)
{
	return paper_in_txn(s, txn, code, p);
}

static int state_put(sh_store *s, MDB_txn *txn, const char *code, const wh_state *st)
{
	rec_w w;
	int rc = state_encode(&w, st);
	if (!rc) {
		MDB_val k = {strlen(code), (void *)code}, v = {w.b.len, w.b.data};
		int lrc = mdb_put(txn, s->state, &k, &v, 0);
		if (lrc)
			rc = store_lmdb_err(lrc, "recording the paper's state");
	}
	sh_buf_free(&w.b);
	return rc;
}

static int write_txn(sh_store *s, int (*fn)(sh_store *, MDB_txn *, void *), void *arg)
{
	return store_write(s, 0, "warehouse", fn, arg);
}

struct change {
	const sh_sign_key *key;
	const sh_wh_proc_cat *cat;
	const char *code, *dossier, *reason, *op;
	int64_t when, until;
	int revoke;
	uint64_t index;
};

static int revoke_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct change *c = arg;
	sh_store_paper_rec *p = NULL;
	wh_state st;
	int rc = paper_owner_kind(s, txn, c->code, &p);
	if (rc)
		return rc;
	if ((rc = wh_state_get(s, txn, c->code, &st)) < 0)
		goto out;
	if (st.revoked_at) {
		rc = sh_error_set(SH_EEXISTS, "paper %s was already revoked (%s)", c->code, st.reason);
		goto out;
	}
	if (c->revoke) {
		st.revoked_at = c->when;
		snprintf(st.reason, sizeof st.reason, "%s", c->reason);
		snprintf(st.revoked_by, sizeof st.revoked_by, "%s", c->op ? c->op : "");
	} else {
		st.has_until = 1;
		st.until = c->until;
		st.until_at = c->when;
		snprintf(st.until_by, sizeof st.until_by, "%s", c->op ? c->op : "");
	}
	char until[32];
	snprintf(until, sizeof until, "%lld", (long long)c->until);
	sh_sign_fact facts[3];
	size_t nf = 0;
	if (c->revoke) {
		facts[nf++] = (sh_sign_fact){"reason", c->reason};
	} else {
		facts[nf++] = (sh_sign_fact){"valid_until", c->until == SH_WH_NEVER ? "never" : until};
	}
	if (c->op && *c->op)
		facts[nf++] = (sh_sign_fact){"operator", c->op};
	if ((rc = ledger_event(s, txn, c->key, c->revoke ? "revocation" : "validity", c->code,
				  p->owner, facts, nf, c->when, &c->index)))
		goto out;
	rc = state_put(s, txn, c->code, &st);
out:
	sh_store_paper_rec_free(&p);
	return rc;
}

int wh_change_txn(sh_store *s, MDB_txn *txn, const sh_sign_key *key, const char *code,
		  const char *reason, int64_t until, const char *op, int64_t when)
{
	struct change c = {key, NULL, code, NULL, reason, op, when, until, reason != NULL, 0};
	return revoke_fn(s, txn, &c);
}

int sh_wh_revoke(sh_store *s, const sh_sign_key *key, const char *code, const char *reason,
		    const char *operator_id, int64_t when, uint64_t *out_index)
{
	int prc = sh_wh_may(s, SH_WH_PERM_REVOKE);
	if (prc)
		return prc;
	operator_id = wh_operator_or(s, operator_id);
	if (!reason || !*reason || !sh_text_valid(reason, strlen(reason)) || strlen(reason) > 500)
		return sh_error_set(SH_EINVAL, "a revocation needs a reason (at most 500 bytes of "
					       "UTF-8), e.g. the decision that revokes the paper");
	struct change c = {key, NULL, code, NULL, reason, operator_id, when ? when : sh_now(), 0,
			   1, 0};
	int rc = write_txn(s, revoke_fn, &c);
	if (!rc && out_index)
		*out_index = c.index;
	return rc;
}

int sh_wh_validity_set(sh_store *s, const sh_sign_key *key, const char *code,
			  int64_t valid_until, const char *operator_id, int64_t when,
			  uint64_t *out_index)
{
	int prc = sh_wh_may(s, SH_WH_PERM_REVOKE);
	if (prc)
		return prc;
	operator_id = wh_operator_or(s, operator_id);
	struct change c = {key, NULL, code, NULL, NULL, operator_id, when ? when : sh_now(),
			   valid_until, 0, 0};
	int rc = write_txn(s, revoke_fn, &c);
	if (rc == SH_EEXISTS)
		rc = sh_error_set(SH_EINVAL, "paper %s is revoked: its validity cannot be set", code);
	if (!rc && out_index)
		*out_index = c.index;
	return rc;
}

static int has_dup(MDB_txn *txn, MDB_dbi dbi, const char *key, const char *val)
{
	MDB_cursor *c;
	if (mdb_cursor_open(txn, dbi, &c))
		return 0;
	MDB_val k = {strlen(key), (void *)key}, v = {strlen(val), (void *)val};
	int ok = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH) == 0;
	mdb_cursor_close(c);
	return ok;
}

static int attach_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct change *c = arg;
	sh_store_paper_rec *p = NULL;
	sh_store_dossier_rec *d = NULL;
	MDB_val dk = {strlen(c->dossier), (void *)c->dossier}, dv;
	int lrc = mdb_get(txn, s->dossier, &dk, &dv), rc;
	if (lrc)
		return lrc == MDB_NOTFOUND
			       ? sh_error_set(SH_ENOTFOUND, "no dossier has the code %s", c->dossier)
			       : store_lmdb_err(lrc, c->dossier);
	if ((rc = store_decode_dossier(dv.mv_data, dv.mv_size, &d)))
		return sh_error_wrap(rc, "dossier %s: ", c->dossier);
	if ((rc = paper_in_txn(s, txn, c->code, &p)))
		goto out;
	if (!strcmp(p->dossier, c->dossier) || has_dup(txn, s->attach, c->dossier, c->code)) {
		rc = sh_error_set(SH_EEXISTS, "paper %s is already in dossier %s", c->code,
				  c->dossier);
		goto out;
	}
	/* owners from the signed manifests, not from the indexes (issue 16) */
	sh_sign_manifest *pm = NULL, *dm = NULL;
	int signed_owner = -1;
	rc = wh_signed_manifest(s, txn, p->code, &pm);
	if (!rc && d->npapers)
		rc = wh_signed_manifest(s, txn, d->papers[0], &dm);
	if (!rc && pm && dm && dm->owner) {
		MDB_val ok = {strlen(dm->owner), (void *)dm->owner};
		signed_owner = wh_owner_allowed(pm, &ok);
	}
	sh_sign_manifest_free(&pm);
	sh_sign_manifest_free(&dm);
	if (rc && rc != SH_ENOTFOUND)
		goto out;
	rc = SH_OK;
	if (signed_owner == 0 ||
	    (signed_owner < 0 && strcmp(p->owner, d->owner) &&
	     !store_owner_has(txn, s->owner, d->owner, p->code))) {
		/* a paper is the owner's when filed under them: the dossier's owner,
		 * or the person the paper itself names */
		rc = sh_error_set(SH_EINVAL, "paper %s belongs to %s, dossier %s to %s: only the "
					     "owner's own papers can be reused", c->code, p->owner,
				  c->dossier, d->owner);
		goto out;
	}
	sh_wh_validity v;
	if ((rc = wh_validity(s, txn, c->cat, p->code, p->kind, p->facts, p->created, c->when,
				    &v)))
		goto out;
	if (v.status != SH_WH_VALID) {
		rc = sh_error_set(SH_EINVAL, "paper %s is %s%s%s: it cannot be reused; ask for a "
					     "new one", c->code, sh_wh_validity_status_name(v.status),
				  v.reason[0] ? ": " : "", v.reason);
		goto out;
	}
	sh_sign_fact facts[3];
	size_t nf = 0;
	facts[nf++] = (sh_sign_fact){"dossier", c->dossier};
	if (c->op && *c->op)
		facts[nf++] = (sh_sign_fact){"operator", c->op};
	if ((rc = ledger_event(s, txn, c->key, "reuse", c->code, p->owner, facts, nf, c->when,
				  &c->index)))
		goto out;
	MDB_val pk = {strlen(c->code), (void *)c->code};
	if ((lrc = mdb_put(txn, s->attach, &dk, &pk, MDB_NODUPDATA)) ||
	    (lrc = mdb_put(txn, s->attached, &pk, &dk, MDB_NODUPDATA)))
		rc = store_write_err(s, lrc, "attaching");
out:
	sh_store_paper_rec_free(&p);
	sh_store_dossier_rec_free(&d);
	return rc;
}

int sh_wh_attach(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		    const char *dossier, const char *code, const char *operator_id, int64_t when,
		    uint64_t *out_index)
{
	int prc = sh_wh_may(s, SH_WH_PERM_ATTACH);
	return prc ? prc : wh_attach(s, key, cat, dossier, code, operator_id, when, out_index);
}

int wh_attach(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat, const char *dossier,
	      const char *code, const char *operator_id, int64_t when, uint64_t *out_index)
{
	operator_id = wh_operator_or(s, operator_id);
	struct change c = {key, cat, code, dossier, NULL, operator_id, when ? when : sh_now(), 0,
			   0, 0};
	int rc = write_txn(s, attach_fn, &c);
	if (!rc && out_index)
		*out_index = c.index;
	return rc;
}

int wh_attach_txn(sh_store *s, MDB_txn *txn, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		  const char *dossier, const char *code, const char *operator_id, int64_t when,
		  uint64_t *out_index)
{
	operator_id = wh_operator_or(s, operator_id);
	struct change c = {key, cat, code, dossier, NULL, operator_id, when ? when : sh_now(), 0,
			   0, 0};
	int rc = attach_fn(s, txn, &c);
	if (!rc && out_index)
		*out_index = c.index;
	return rc;
}

int sh_wh_attached(sh_store *s, const char *dossier, char (**out)[SH_STORE_CODE_MAX], size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_READ), lrc;
	if (rc || (rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	if ((lrc = mdb_cursor_open(txn, s->attach, &c))) {
		rc = store_lmdb_err(lrc, "attachments");
		goto out;
	}
	MDB_val k = {strlen(dossier), (void *)dossier}, v;
	size_t cap = 0;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); lrc == 0;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		if (v.mv_size >= SH_STORE_CODE_MAX)
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			char(*na)[SH_STORE_CODE_MAX] = sh_realloc(*out, nc * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				goto out;
			}
			*out = na;
			cap = nc;
		}
		memcpy((*out)[*n], v.mv_data, v.mv_size);
		(*out)[*n][v.mv_size] = 0;
		(*n)++;
	}
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- receipt-date index --------------------------------------------------------------- */

size_t wh_rdate_key(uint8_t *k, const char *dossier, int64_t received)
{
	uint64_t u = (uint64_t)received;
	for (int i = 7; i >= 0; i--, u >>= 8)
		k[i] = (uint8_t)u;
	size_t n = strlen(dossier);
	if (n >= SH_STORE_CODE_MAX)
		n = SH_STORE_CODE_MAX - 1;
	memcpy(k + 8, dossier, n);
	return 8 + n;
}

int wh_dossier_added(sh_store *s, MDB_txn *txn, const char *dossier, int64_t received)
{
	uint8_t kb[8 + SH_STORE_CODE_MAX];
	MDB_val k = {wh_rdate_key(kb, dossier, received), kb}, v = {0, ""};
	int lrc = mdb_put(txn, s->rdate, &k, &v, 0);
	return lrc ? store_write_err(s, lrc, "receipt-date index") : SH_OK;
}
