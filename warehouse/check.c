/* sh_wh_check: every index against the records, every blob against its hash. */
#include "wh_int.h"

#include <errno.h>
#include <jansson.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- check -------------------------------------------------------------- */

struct checker {
	void (*report)(void *, const char *);
	void *arg;
	size_t problems;
	int nomem; /* an allocation failed: the check is incomplete, not the store */
	sh_ledger_verify_fn vreport; /* verify --all: (arg, "tables", problem) */
};

static void problem(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct checker *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->report)
		c->report(c->arg, buf);
	if (c->vreport)
		c->vreport(c->arg, "tables", buf);
}

static int has_pair(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t klen, const void *val,
		    size_t vlen)
{
	MDB_cursor *c;
	if (mdb_cursor_open(txn, dbi, &c))
		return 0;
	MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
	int ok = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH) == 0;
	mdb_cursor_close(c);
	return ok;
}

struct idx_check {
	MDB_txn *txn;
	MDB_dbi dbi[2];
	const char *code;
	uint8_t id[4];
	struct checker *c;
	int missing;
};

static int idx_word(void *arg, int table, const char *w, size_t n)
{
	struct idx_check *x = arg;
	if (!x->missing && !has_pair(x->txn, x->dbi[table], w, n, x->id, 4)) {
		x->missing = 1;
		problem(x->c, "paper %s: word '%.*s' missing from the %s index", x->code, (int)n, w,
			table ? "exact-form" : "search");
	}
	return 0;
}

static int exists(MDB_txn *txn, MDB_dbi dbi, const MDB_val *k)
{
	MDB_val v;
	return mdb_get(txn, dbi, (MDB_val *)k, &v) == 0;
}

/* The receipt-date index: each entry names a dossier at its receipt time,
 * and once indexed every dossier is. An LMDB code on a read failure, or 0. */
static int check_rdate_index(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int lrc;
	MDB_stat st;
	if ((lrc = mdb_stat(txn, s->rdate, &st)))
		return lrc;
	if ((lrc = mdb_cursor_open(txn, s->rdate, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		MDB_val dk = {k.mv_size > 8 ? k.mv_size - 8 : 0, (uint8_t *)k.mv_data + 8}, dv;
		sh_store_dossier_rec *d = NULL;
		if (k.mv_size <= 8 || mdb_get(txn, s->dossier, &dk, &dv)) {
			problem(c, "receipt-date index: entry for missing dossier %.*s",
				(int)dk.mv_size, (char *)dk.mv_data);
			continue;
		}
		if (store_decode_dossier(dv.mv_data, dv.mv_size, &d)) {
			c->nomem |= sh_error_last() == SH_ENOMEM;
			continue; /* damage is reported with the dossiers */
		}
		uint8_t kb[8 + SH_STORE_CODE_MAX];
		size_t kl = wh_rdate_key(kb, d->code, d->received);
		if (kl != k.mv_size || memcmp(kb, k.mv_data, kl))
			problem(c, "receipt-date index: dossier %s filed under a wrong time",
				d->code);
		sh_store_dossier_rec_free(&d);
	}
	mdb_cursor_close(cur);
	if (st.ms_entries) { /* once indexed, every dossier must be */
		if ((lrc = mdb_cursor_open(txn, s->dossier, &cur)))
			return lrc;
		while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
			sh_store_dossier_rec *d = NULL;
			if (store_decode_dossier(v.mv_data, v.mv_size, &d)) {
				c->nomem |= sh_error_last() == SH_ENOMEM;
				continue;
			}
			uint8_t kb[8 + SH_STORE_CODE_MAX];
			MDB_val rk = {wh_rdate_key(kb, d->code, d->received), kb};
			if (!exists(txn, s->rdate, &rk))
				problem(c, "dossier %s: missing from the receipt-date index", d->code);
			sh_store_dossier_rec_free(&d);
		}
		mdb_cursor_close(cur);
	}
	return 0;
}

/* state, attach/attached, rdate, user, audit. Returns an LMDB code on a
 * read failure, 0 otherwise (problems are reported). */
static int check_owners_tables(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int lrc;

	if ((lrc = mdb_cursor_open(txn, s->state, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		rec_r r;
		unsigned tag;
		const uint8_t *fv;
		size_t fn;
		int ok = rec_open(&r, v.mv_data, v.mv_size, REC_STATE) == 0, more;
		while (ok && (more = rec_next(&r, &tag, &fv, &fn)) != 0)
			ok = more > 0;
		if (!ok)
			problem(c, "paper state %.*s: record cannot be decoded", (int)k.mv_size,
				(char *)k.mv_data);
		if (!exists(txn, s->paper, &k))
			problem(c, "paper state %.*s: no such paper", (int)k.mv_size,
				(char *)k.mv_data);
		else if (!exists(txn, s->sig, &k))
			problem(c, "paper state %.*s: the paper has no signed event", (int)k.mv_size,
				(char *)k.mv_data);
	}
	mdb_cursor_close(cur);

	MDB_dbi pair[2][2] = {{s->attach, s->attached}, {s->attached, s->attach}};
	const char *pname[2] = {"attach", "attached"};
	for (int t = 0; t < 2; t++) {
		if ((lrc = mdb_cursor_open(txn, pair[t][0], &cur)))
			return lrc;
		while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
			const MDB_val *dk = t == 0 ? &k : &v, *pk = t == 0 ? &v : &k;
			if (!exists(txn, s->dossier, dk))
				problem(c, "%s index: dossier %.*s is missing", pname[t],
					(int)dk->mv_size, (char *)dk->mv_data);
			if (!exists(txn, s->paper, pk))
				problem(c, "%s index: reused paper %.*s is missing", pname[t],
					(int)pk->mv_size, (char *)pk->mv_data);
			MDB_cursor *o;
			MDB_val ok = v, ov = k;
			if (!mdb_cursor_open(txn, pair[t][1], &o)) {
				if (mdb_cursor_get(o, &ok, &ov, MDB_GET_BOTH))
					problem(c, "%s index: %.*s → %.*s has no reverse entry", pname[t],
						(int)k.mv_size, (char *)k.mv_data, (int)v.mv_size,
						(char *)v.mv_data);
				mdb_cursor_close(o);
			}
		}
		mdb_cursor_close(cur);
	}

	if ((lrc = check_rdate_index(s, txn, c)))
		return lrc;

	if ((lrc = mdb_cursor_open(txn, s->user, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		char role[16];
		size_t n = v.mv_size < sizeof role ? v.mv_size : sizeof role - 1;
		memcpy(role, v.mv_data, n);
		role[n] = 0;
		if (!sh_wh_role_parse(role))
			problem(c, "operator %.*s: unknown role '%s'", (int)k.mv_size,
				(char *)k.mv_data, role);
	}
	mdb_cursor_close(cur);

	if ((lrc = mdb_cursor_open(txn, s->audit, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		sh_wh_audit_rec a;
		if (k.mv_size != 8)
			problem(c, "audit of reads: a %zu-byte key (expected 8)", k.mv_size);
		else if (wh_audit_decode(&a, v.mv_data, v.mv_size))
			problem(c, "audit of reads: record %zu cannot be decoded", c->problems);
		else if (strncmp(a.command, "user ", 5) &&
			 !exists(txn, s->paper, &(MDB_val){strlen(a.code), a.code}))
			problem(c, "audit of reads: names missing paper %s", a.code);
	}
	mdb_cursor_close(cur);
	return 0;
}

/* What the signed log says about one paper: its revocation, the last
 * validity a clerk set, the dossiers it was reused in. */
struct events {
	int revoked, has_until;
	int64_t revoked_at, until;
	char reason[512];
	char (*dossiers)[SH_STORE_CODE_MAX];
	size_t ndossiers, cap;
};

static const char *fact_of(const sh_sign_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nfacts; i++)
		if (!strcmp(m->facts[i].name, name))
			return m->facts[i].value;
	return NULL;
}

/* One log entry (index ix, listed under code) into e. SH_ENOMEM or SH_OK
 * (problems are reported). */
static int event_read(MDB_txn *txn, sh_store *s, struct checker *c, const char *code,
		      const MDB_val *ix, struct events *e)
{
	MDB_val lv;
	unsigned long long at = ix->mv_size == 8 ? (unsigned long long)store_rd64(ix->mv_data) : 0;
	if (ix->mv_size != 8) {
		problem(c, "signature index: an entry of %s is not a log index", code);
		return SH_OK;
	}
	if (mdb_get(txn, s->log, (MDB_val *)ix, &lv)) {
		problem(c, "signature index: entry %llu of %s is not in the log", at, code);
		return SH_OK;
	}
	sh_sign_manifest *m = NULL;
	int rc = sh_sign_manifest_read(&m, lv.mv_data, lv.mv_size);
	if (rc == SH_ENOMEM)
		return rc;
	if (rc) {
		problem(c, "log entry %llu (of %s) cannot be read: %s", at, code, sh_error_message());
		return SH_OK;
	}
	const char *f;
	if (strcmp(m->code, code)) {
		problem(c, "signature index: log entry %llu is about %s, not %s", at, m->code, code);
	} else if (!strcmp(m->type, "revocation")) {
		e->revoked = 1;
		e->revoked_at = m->time;
		f = fact_of(m, "reason");
		snprintf(e->reason, sizeof e->reason, "%s", f ? f : "");
	} else if (!strcmp(m->type, "validity")) {
		e->has_until = 1; /* the last one counts: dups come in log order */
		f = fact_of(m, "valid_until");
		e->until = !f ? INT64_MIN : !strcmp(f, "never") ? SH_WH_NEVER : strtoll(f, NULL, 10);
	} else if (!strcmp(m->type, "reuse") && (f = fact_of(m, "dossier")) != NULL) {
		if (!has_pair(txn, s->attach, f, strlen(f), code, strlen(code)))
			problem(c, "paper %s: its signed reuse in dossier %s (log entry %llu) is not "
				   "in the attachment index", code, f, at);
		if (e->ndossiers == e->cap) {
			size_t nc = e->cap ? e->cap * 2 : 4;
			void *np = sh_realloc(e->dossiers, nc * sizeof *e->dossiers);
			if (!np) {
				sh_sign_manifest_free(&m);
				return SH_ENOMEM;
			}
			e->dossiers = np;
			e->cap = nc;
		}
		snprintf(e->dossiers[e->ndossiers++], SH_STORE_CODE_MAX, "%s", f);
	}
	sh_sign_manifest_free(&m);
	return SH_OK;
}

/* The paper's state record and attachments against its events. */
static void events_compare(sh_store *s, MDB_txn *txn, MDB_cursor *ac, struct checker *c,
			   const char *code, const struct events *e)
{
	wh_state st;
	int r = wh_state_get(s, txn, code, &st);
	if (r == 0 && e->revoked)
		problem(c, "paper %s: revoked in the signed log but not in its state (it would be "
			   "offered for reuse)", code);
	else if (r == 0 && e->has_until)
		problem(c, "paper %s: a clerk's validity is in the signed log but not in its state",
			code);
	if (r == 1 && !e->revoked && st.revoked_at)
		problem(c, "paper %s: its state says revoked, the signed log has no revocation",
			code);
	else if (r == 1 && e->revoked &&
		 (st.revoked_at != e->revoked_at || strcmp(st.reason, e->reason)))
		problem(c, "paper %s: its state's revocation differs from the signed one", code);
	if (r == 1 && (st.has_until != e->has_until || (e->has_until && st.until != e->until)))
		problem(c, "paper %s: its state's validity differs from the signed log", code);
	MDB_val k = {strlen(code), (void *)code}, v;
	for (int lrc = mdb_cursor_get(ac, &k, &v, MDB_SET_KEY); !lrc;
	     lrc = mdb_cursor_get(ac, &k, &v, MDB_NEXT_DUP)) {
		size_t i = 0;
		while (i < e->ndossiers && (strlen(e->dossiers[i]) != v.mv_size ||
					    memcmp(e->dossiers[i], v.mv_data, v.mv_size)))
			i++;
		if (i == e->ndossiers)
			problem(c, "paper %s: attached to dossier %.*s without a signed reuse", code,
				(int)v.mv_size, (char *)v.mv_data);
	}
}

/* The state and attachment tables say what the signed log says: every
 * revocation, clerk validity and reuse of a paper is there, and nothing
 * there lacks its signed event. Returns an LMDB code on a read failure,
 * SH_ENOMEM, or 0 (problems are reported). */
static int check_events(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur, *ac;
	MDB_val k, v, pv;
	int lrc, rc = SH_OK;
	if ((lrc = mdb_cursor_open(txn, s->sig, &cur)))
		return lrc;
	if ((lrc = mdb_cursor_open(txn, s->attached, &ac))) {
		mdb_cursor_close(cur);
		return lrc;
	}
	struct events e = {0};
	for (lrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !lrc && !rc;
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
		char code[SH_STORE_CODE_MAX];
		if (k.mv_size >= sizeof code || mdb_get(txn, s->paper, &k, &pv))
			continue; /* a dossier's result, a key's rotation */
		memcpy(code, k.mv_data, k.mv_size);
		code[k.mv_size] = 0;
		char (*keep)[SH_STORE_CODE_MAX] = e.dossiers;
		size_t cap = e.cap;
		memset(&e, 0, sizeof e);
		e.dossiers = keep;
		e.cap = cap;
		/* every entry, the paper's own manifest too: a paper stored
		 * unsigned has only its events */
		for (int r = 0; !r && !rc;
		     r = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP))
			rc = event_read(txn, s, c, code, &v, &e);
		if (!rc)
			events_compare(s, txn, ac, c, code, &e);
	}
	sh_free(e.dossiers);
	mdb_cursor_close(ac);
	mdb_cursor_close(cur);
	if (rc)
		return rc;
	return lrc == MDB_NOTFOUND ? 0 : lrc;
}

/* ---- the tables that answer questions, against the signed log --------------
 * The log's content is authenticated by its signed checkpoints (verify
 * --all checks every entry's hash against them); here each derived table is
 * compared with what the entries say. */

static const char *fact_of(const sh_sign_manifest *m, const char *name);

/* The signed component or result manifest of paper code, read from the log
 * in txn: SH_OK and *out, SH_ENOTFOUND (none), or an error. */
int wh_signed_manifest(sh_store *s, MDB_txn *txn, const char *code, sh_sign_manifest **out)
{
	MDB_cursor *c;
	MDB_val k = {strlen(code), (void *)code}, v, lv;
	*out = NULL;
	int lrc = mdb_cursor_open(txn, s->sig, &c), rc = SH_ENOTFOUND;
	if (lrc)
		return store_lmdb_err(lrc, "signature index");
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); !lrc && rc == SH_ENOTFOUND;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		if (v.mv_size != 8 || mdb_get(txn, s->log, &v, &lv))
			continue;
		sh_sign_manifest *m = NULL;
		int r = sh_sign_manifest_read(&m, lv.mv_data, lv.mv_size);
		if (r == SH_ENOMEM) {
			rc = r;
			break;
		}
		if (!r && !strcmp(m->code, code) &&
		    (!strcmp(m->type, "component") || !strcmp(m->type, "result"))) {
			*out = m;
			rc = SH_OK;
		} else {
			sh_sign_manifest_free(&m);
		}
	}
	mdb_cursor_close(c);
	return rc;
}

/* May the owner index file this paper under owner (key k)? Its signed
 * owner, or the owner id the paper itself names (a signed fact). */
int wh_owner_allowed(const sh_sign_manifest *m, const MDB_val *k)
{
	char named[16];
	const char *f = fact_of(m, "owner_id");
	if (m->owner && strlen(m->owner) == k->mv_size && !memcmp(m->owner, k->mv_data, k->mv_size))
		return 1;
	return f && !sh_id_owner_check(NULL, named, f) && strlen(named) == k->mv_size &&
	       !memcmp(named, k->mv_data, k->mv_size);
}

/* Facts in a record (JSON) and a manifest are the same set (nulls are not
 * signed). */
static int facts_equal(const char *json, const sh_sign_manifest *m)
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
		const char *have = fact_of(m, k);
		if (!want || !have || strcmp(want, have))
			ok = 0;
	}
	json_decref(o);
	return ok && n == m->nfacts;
}

int wh_signed_count(sh_store *s, MDB_txn *txn, const char *code, const char *kind,
		    const char *facts, int64_t created)
{
	sh_sign_manifest *m = NULL;
	int rc = wh_signed_manifest(s, txn, code, &m);
	if (rc && rc != SH_ENOTFOUND)
		return rc;
	/* a paper stored without a key counts its signed events (verify says
	 * it is not signed); a signed one counts only while it says what was
	 * signed */
	int same = rc == SH_ENOTFOUND ||
		   (!strcmp(m->kind ? m->kind : "", kind ? kind : "") && m->time == created &&
		    facts_equal(facts, m));
	sh_sign_manifest_free(&m);
	if (!same)
		return 0;
	MDB_cursor *c;
	MDB_val k = {strlen(code), (void *)code}, v;
	size_t n = 0;
	if (mdb_cursor_open(txn, s->sig, &c))
		return rc ? 0 : 1;
	if (!mdb_cursor_get(c, &k, &v, MDB_SET_KEY))
		mdb_cursor_count(c, &n);
	mdb_cursor_close(c);
	return n ? (int)n : rc ? 0 : 1;
}

/* Owner index entries against the signed manifests: filed under the signed
 * owner, summary as signed. An LMDB code, SH_ENOMEM, or 0. */
static int check_signed_owner_index(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v, pv;
	int lrc, rc;
	if ((lrc = mdb_cursor_open(txn, s->owner, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		store_osum o;
		if (store_osum_decode(v.mv_data, v.mv_size, &o))
			continue; /* reported by the index check */
		MDB_val pk = {strlen(o.code), o.code};
		if (mdb_get(txn, s->paper, &pk, &pv))
			continue; /* reported by the index check */
		sh_sign_manifest *m = NULL;
		sh_store_paper_rec *p = NULL;
		if ((rc = wh_signed_manifest(s, txn, o.code, &m)) == SH_ENOMEM ||
		    (rc != SH_ENOTFOUND && rc != SH_OK)) {
			mdb_cursor_close(cur);
			return rc == SH_ENOMEM ? rc : MDB_PANIC;
		}
		if (rc == SH_ENOTFOUND)
			continue; /* an unsigned paper: verify names it */
		if (!wh_owner_allowed(m, &k))
			problem(c, "owner index: paper %s is filed under '%.*s', but it was signed for "
				   "owner %s (entry added or altered)", o.code, (int)k.mv_size,
				(char *)k.mv_data, m->owner ? m->owner : "-");
		if ((rc = store_decode_paper(pv.mv_data, pv.mv_size, &p)) == SH_ENOMEM) {
			sh_sign_manifest_free(&m);
			mdb_cursor_close(cur);
			return rc;
		}
		if (!rc && o.has_sum) {
			uint8_t b[STORE_OSUM_MAX];
			size_t n;
			store_osum r;
			/* the summary as the signed data make it: kind signed, facts
			 * and time proven equal to the signed ones by verify */
			int erc = store_osum_encode(b, &n, p->code, p->id, m->time,
						    m->kind ? m->kind : "", p->facts);
			if (erc == SH_ENOMEM) {
				sh_store_paper_rec_free(&p);
				sh_sign_manifest_free(&m);
				mdb_cursor_close(cur);
				return erc;
			}
			if (erc || store_osum_decode(b, n, &r) || memcmp(&r, &o, sizeof r))
				problem(c, "owner index: the summary of %s under '%.*s' (kind, validity, "
					   "date or time) differs from the signed paper",
					o.code, (int)k.mv_size, (char *)k.mv_data);
		}
		if (!rc && p->created != m->time)
			problem(c, "paper %s: its stored time differs from the signed time", p->code);
		sh_store_paper_rec_free(&p);
		sh_sign_manifest_free(&m);
	}
	mdb_cursor_close(cur);
	return lrc == MDB_NOTFOUND ? 0 : lrc;
}

/* Every signed paper is filed under its signed owner, in a dossier that
 * lists it. An LMDB code, SH_ENOMEM, or 0. */
static int check_signed_filing(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int lrc, rc;
	if ((lrc = mdb_cursor_open(txn, s->paper, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		sh_store_paper_rec *p = NULL;
		sh_store_dossier_rec *d = NULL;
		sh_sign_manifest *m = NULL;
		if ((rc = store_decode_paper(v.mv_data, v.mv_size, &p))) {
			if (rc == SH_ENOMEM) {
				mdb_cursor_close(cur);
				return rc;
			}
			continue;
		}
		rc = wh_signed_manifest(s, txn, p->code, &m);
		if (rc == SH_ENOMEM) {
			sh_store_paper_rec_free(&p);
			mdb_cursor_close(cur);
			return rc;
		}
		if (!rc && m->owner && !store_owner_has(txn, s->owner, m->owner, p->code))
			problem(c, "paper %s: not in the owner index under its signed owner %s",
				p->code, m->owner);
		MDB_val dk = {strlen(p->dossier), p->dossier}, dv;
		if (!mdb_get(txn, s->dossier, &dk, &dv) &&
		    (rc = store_decode_dossier(dv.mv_data, dv.mv_size, &d)) == SH_OK) {
			int listed = 0;
			for (size_t i = 0; i < d->npapers; i++)
				listed |= !strcmp(d->papers[i], p->code);
			for (size_t i = 0; i < d->nresults; i++)
				listed |= !strcmp(d->results[i], p->code);
			if (!listed)
				problem(c, "dossier %s: its paper %s is missing from its list", d->code,
					p->code);
			if (m && !strcmp(m->type, "component") &&
			    strcmp(d->owner, m->owner ? m->owner : ""))
				problem(c, "dossier %s: owner %s, but its paper %s was signed for owner %s",
					d->code, d->owner, p->code, m->owner ? m->owner : "-");
			if (m && !strcmp(m->type, "component") && d->received != m->time)
				problem(c, "dossier %s: its receipt time differs from the signed time of "
					   "its paper %s", d->code, p->code);
		} else if (rc == SH_ENOMEM) {
			sh_store_paper_rec_free(&p);
			sh_sign_manifest_free(&m);
			mdb_cursor_close(cur);
			return rc;
		}
		sh_store_dossier_rec_free(&d);
		sh_sign_manifest_free(&m);
		sh_store_paper_rec_free(&p);
	}
	mdb_cursor_close(cur);
	return lrc == MDB_NOTFOUND ? 0 : lrc;
}

/* Dossier codes: the day's sequence is past every code issued, so a
 * rolled-back sequence never issues a code twice. An LMDB code or 0. */
static int check_dossier_sequences(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int lrc;
	if ((lrc = mdb_cursor_open(txn, s->dossier, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		/* <agency>-YYMMDD-NNNN */
		if (k.mv_size < 13)
			continue;
		const char *e = (const char *)k.mv_data + k.mv_size;
		if (e[-5] != '-' || e[-12] != '-')
			continue;
		/* only this office's own codes: a dossier imported from another
		 * office's bag (sh_wh_import) was numbered by that office */
		char ak[10 + SH_STORE_CODE_MAX];
		int al = (int)k.mv_size - 12;
		snprintf(ak, sizeof ak, "agency_id|%.*s", al, (const char *)k.mv_data);
		MDB_val akk = {strlen(ak), ak}, akv;
		if (mdb_get(txn, s->meta, &akk, &akv))
			continue;
		char day[7], seqkey[16];
		unsigned n = 0;
		memcpy(day, e - 11, 6);
		day[6] = 0;
		for (int i = 4; i > 0; i--)
			n = n * 10 + (unsigned)(e[-i] - '0');
		snprintf(seqkey, sizeof seqkey, "D|%s", day);
		MDB_val sk = {strlen(seqkey), seqkey}, sv;
		unsigned have = 0;
		if (!mdb_get(txn, s->seq, &sk, &sv) && sv.mv_size == 4) {
			const uint8_t *b = sv.mv_data;
			have = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
		}
		if (have < n)
			problem(c, "sequence of day %s is at %u, but dossier %.*s was issued (the next "
				   "code would be issued twice)", day, have, (int)k.mv_size,
				(char *)k.mv_data);
	}
	mdb_cursor_close(cur);
	return lrc == MDB_NOTFOUND ? 0 : lrc;
}

/* Owner index entries, paper records and dossier records against the signed
 * manifests. An LMDB code, SH_ENOMEM, or 0. */
static int check_signed_papers(sh_store *s, MDB_txn *txn, struct checker *c)
{
	int lrc = check_signed_owner_index(s, txn, c);
	if (!lrc)
		lrc = check_signed_filing(s, txn, c);
	return lrc ? lrc : check_dossier_sequences(s, txn, c);
}

/* The operator table is the replay of the user rows of the audit trail
 * (which the log seals). An LMDB code, SH_ENOMEM, or 0. */
static int check_users(sh_store *s, MDB_txn *txn, struct checker *c)
{
	struct urow {
		char name[40], role[16], pw[33];
		int disabled;
	} *u = NULL;
	size_t n = 0, cap = 0, rows = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int lrc;
	if ((lrc = mdb_cursor_open(txn, s->audit, &cur)))
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		sh_wh_audit_rec a;
		if (wh_audit_decode(&a, v.mv_data, v.mv_size) || strncmp(a.command, "user ", 5))
			continue;
		rows++;
		size_t i = 0;
		while (i < n && strcmp(u[i].name, a.code))
			i++;
		if (!strcmp(a.command, "user del")) {
			if (i < n)
				u[i] = u[--n];
			continue;
		}
		if (i < n && !strcmp(a.command, "user passwd")) {
			snprintf(u[i].pw, sizeof u[i].pw, "%s", a.dossier);
			continue;
		}
		if (i < n && (!strcmp(a.command, "user disable") || !strcmp(a.command, "user enable"))) {
			u[i].disabled = !strcmp(a.command, "user disable");
			continue;
		}
		if (strcmp(a.command, "user add") && strcmp(a.command, "user import"))
			continue;
		if (i == n) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct urow *nu = sh_realloc(u, nc * sizeof *nu);
				if (!nu) {
					mdb_cursor_close(cur);
					sh_free(u);
					return SH_ENOMEM;
				}
				u = nu;
				cap = nc;
			}
			n++;
		}
		memset(&u[i], 0, sizeof u[i]);
		snprintf(u[i].name, sizeof u[i].name, "%s", a.code);
		snprintf(u[i].role, sizeof u[i].role, "%s", a.dossier);
	}
	mdb_cursor_close(cur);
	if (lrc != MDB_NOTFOUND) {
		sh_free(u);
		return lrc;
	}
	MDB_val mk = {5, "users"}, mv;
	int marked = mdb_get(txn, s->meta, &mk, &mv) == 0;
	if (!rows && !marked) { /* operators from before the audit chain: upgraded on the next change */
		sh_free(u);
		return 0;
	}
	if (!rows)
		problem(c, "operators: the warehouse has had operators, but the audit trail holds no "
			   "operator change (audit rows deleted)");
	if ((lrc = mdb_cursor_open(txn, s->user, &cur))) {
		sh_free(u);
		return lrc;
	}
	size_t seen = 0;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		size_t i = 0;
		while (i < n && (strlen(u[i].name) != k.mv_size ||
				 memcmp(u[i].name, k.mv_data, k.mv_size)))
			i++;
		if (i == n) {
			problem(c, "operator %.*s: in the operator table, but never added in the audit "
				   "trail (table edited)", (int)k.mv_size, (char *)k.mv_data);
			continue;
		}
		seen++;
		if (strlen(u[i].role) != v.mv_size || memcmp(u[i].role, v.mv_data, v.mv_size))
			problem(c, "operator %s: role '%.*s' in the operator table, '%s' in the audit "
				   "trail (table edited)", u[i].name, (int)v.mv_size, (char *)v.mv_data,
				u[i].role);
		char pw[33];
		int dis = 0, has = 0, r = wh_cred_digest(s, txn, u[i].name, &dis, pw, &has);
		if (r == SH_ENOMEM) {
			mdb_cursor_close(cur);
			sh_free(u);
			return r;
		}
		if (!r && strcmp(has ? pw : "", u[i].pw))
			problem(c, "operator %s: the password differs from the one set in the audit "
				   "trail (credentials edited)", u[i].name);
		if (!r && dis != u[i].disabled)
			problem(c, "operator %s: %s in the credentials, %s in the audit trail "
				   "(credentials edited)", u[i].name, dis ? "disabled" : "enabled",
				u[i].disabled ? "disabled" : "enabled");
	}
	mdb_cursor_close(cur);
	if (seen < n)
		for (size_t i = 0; i < n; i++) {
			MDB_val uk = {strlen(u[i].name), u[i].name};
			if (mdb_get(txn, s->user, &uk, &v))
				problem(c, "operator %s (%s): added in the audit trail, missing from the "
					   "operator table (deleted)", u[i].name, u[i].role);
		}
	if (!marked && rows)
		problem(c, "operators: the mark that operators have existed is gone (an empty "
			   "operator table would allow everything)");
	sh_free(u);
	return lrc == MDB_NOTFOUND ? 0 : lrc;
}

/* Everything derived from signed data, in txn. An LMDB code, SH_ENOMEM or 0. */
static int check_signed(sh_store *s, MDB_txn *txn, struct checker *c)
{
	int rc = check_signed_papers(s, txn, c);
	if (!rc)
		rc = check_users(s, txn, c);
	return rc;
}

int sh_wh_verify_tables(sh_store *s, sh_ledger_verify_fn report, void *arg, size_t *out_problems)
{
	if (out_problems)
		*out_problems = 0;
	int rc = sh_wh_may(s, SH_WH_PERM_VERIFY);
	if (rc)
		return rc;
	struct checker c = {NULL, arg, 0, 0, report};
	MDB_txn *txn;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	int lrc = check_signed(s, txn, &c);
	if (!lrc)
		lrc = check_events(s, txn, &c);
	mdb_txn_abort(txn);
	if (out_problems)
		*out_problems = c.problems;
	if (lrc == SH_ENOMEM)
		return sh_error_set(SH_ENOMEM, "verifying the tables: out of memory");
	if (lrc == MDB_PANIC)
		return sh_error_last() ? sh_error_last() : SH_ERROR;
	if (lrc)
		return store_lmdb_err(lrc, "verifying the tables");
	if (c.nomem)
		return sh_error_set(SH_ENOMEM, "verifying the tables: out of memory");
	return c.problems ? sh_error_set(SH_EBADSIG, "%zu problem%s found in the tables",
					 c.problems, c.problems == 1 ? "" : "s")
			  : SH_OK;
}

static void audit_problem(void *arg, const char *code, const char *msg)
{
	problem(arg, "%s: %s", code, msg);
}

int sh_wh_check(sh_store *s, void (*report)(void *, const char *), void *arg,
		size_t *out_problems)
{
	int rc = sh_wh_may(s, SH_WH_PERM_CHECK);
	if (rc) {
		if (out_problems)
			*out_problems = 0;
		return rc;
	}
	return wh_check(s, report, arg, out_problems);
}

/* The passes of wh_check, each over one table in the check's one read
 * transaction: an LMDB code on a read failure, SH_ENOMEM, or 0 (problems are
 * reported). */

/* dossiers: decode, and every listed paper exists and points back */
static int check_dossiers(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, lrc = mdb_cursor_open(txn, s->dossier, &cur);
	if (lrc)
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		sh_store_dossier_rec *d = NULL;
		if ((rc = store_decode_dossier(v.mv_data, v.mv_size, &d))) {
			if (rc == SH_ENOMEM)
				break;
			problem(c, "dossier %.*s: record cannot be decoded: %s", (int)k.mv_size,
				(char *)k.mv_data, sh_error_message());
			continue;
		}
		if (strlen(d->code) != k.mv_size || memcmp(d->code, k.mv_data, k.mv_size))
			problem(c, "dossier %.*s: record names itself %s", (int)k.mv_size,
				(char *)k.mv_data, d->code);
		for (size_t i = 0; i < d->npapers; i++) {
			MDB_val pk = {strlen(d->papers[i]), d->papers[i]}, pv;
			if (mdb_get(txn, s->paper, &pk, &pv))
				problem(c, "dossier %s: paper %s is missing", d->code, d->papers[i]);
		}
		sh_store_dossier_rec_free(&d);
	}
	mdb_cursor_close(cur);
	return lrc == 0 ? SH_ENOMEM : 0;
}

/* A blob the warehouse keeps in its object store: there (HEAD) or in the
 * spool, with the size its stub and record say. */
static void check_remote(sh_store *s, struct checker *c, const sh_store_paper_rec *p, size_t i,
			 const char *what, const uint8_t sha[SH_SHA256_LEN], uint64_t stub_size,
			 uint64_t rec_size)
{
	char hex[65];
	uint64_t size = 0;
	int spooled = 0;
	sh_hex(hex, sha, SH_SHA256_LEN);
	int rc = store_blob_remote_head(s, sha, &size, &spooled);
	if (rc == SH_ENOTFOUND)
		problem(c, "paper %s page %zu: %s %s is missing from the object store %s", p->code,
			i + 1, what, hex, sh_store_blobs(s) ? sh_store_blobs(s) : "");
	else if (rc)
		problem(c, "paper %s page %zu: %s %s could not be checked in the object store: %s",
			p->code, i + 1, what, hex, sh_error_message());
	else if (size != stub_size || size != rec_size)
		problem(c, "paper %s page %zu: %s %s has %llu bytes in the object store%s, record "
			   "says %llu",
			p->code, i + 1, what, hex, (unsigned long long)size,
			spooled ? " (spool)" : "", (unsigned long long)rec_size);
}

/* One paper's pages: blobs exist, words indexed. SH_ENOMEM or 0. */
static int check_paper_pages(sh_store *s, MDB_txn *txn, struct checker *c,
			     const sh_store_paper_rec *p)
{
	for (size_t i = 0; i < p->npages; i++) {
		MDB_val bk = {SH_SHA256_LEN, p->pages[i].image_sha}, bv;
		char hex[65];
		uint64_t size = 0;
		sh_hex(hex, p->pages[i].image_sha, SH_SHA256_LEN);
		if (mdb_get(txn, s->blob, &bk, &bv))
			problem(c, "paper %s page %zu: image %s is missing", p->code, i + 1, hex);
		else if (store_blob_stub(&bk, &bv, &size))
			check_remote(s, c, p, i, "image", p->pages[i].image_sha, size,
				     p->pages[i].image_len);
		else if (bv.mv_size != p->pages[i].image_len)
			problem(c, "paper %s page %zu: image %s has %zu bytes, record says %zu",
				p->code, i + 1, hex, bv.mv_size, p->pages[i].image_len);
		if (p->pages[i].has_hocr) {
			MDB_val hk = {SH_SHA256_LEN, p->pages[i].hocr_sha};
			if (mdb_get(txn, s->blob, &hk, &bv))
				problem(c, "paper %s page %zu: hOCR is missing", p->code, i + 1);
			else if (store_blob_stub(&hk, &bv, &size))
				check_remote(s, c, p, i, "hOCR", p->pages[i].hocr_sha, size, size);
		}
		if (p->pages[i].has_original) { /* the photo as received (its bytes: check_blobs) */
			MDB_val ok = {SH_SHA256_LEN, p->pages[i].original_sha};
			sh_hex(hex, p->pages[i].original_sha, SH_SHA256_LEN);
			if (mdb_get(txn, s->blob, &ok, &bv))
				problem(c, "paper %s page %zu: original %s is missing", p->code, i + 1, hex);
			else if (bv.mv_size != p->pages[i].original_len)
				problem(c, "paper %s page %zu: original %s has %zu bytes, record says %zu",
					p->code, i + 1, hex, bv.mv_size, p->pages[i].original_len);
		}
		if (!p->id)
			continue;
		struct idx_check x = {txn, {s->post, s->exact}, p->code, {0}, c, 0};
		store_be32(x.id, p->id);
		if (store_text_terms(p->pages[i].text, idx_word, &x) == SH_ENOMEM)
			return SH_ENOMEM;
	}
	return 0;
}

/* papers: decode, dossier exists, blobs exist, indexed by owner and words */
static int check_papers(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, lrc = mdb_cursor_open(txn, s->paper, &cur);
	if (lrc)
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		sh_store_paper_rec *p = NULL;
		if ((rc = store_decode_paper(v.mv_data, v.mv_size, &p))) {
			if (rc == SH_ENOMEM)
				break;
			problem(c, "paper %.*s: record cannot be decoded: %s", (int)k.mv_size,
				(char *)k.mv_data, sh_error_message());
			continue;
		}
		MDB_val dk = {strlen(p->dossier), p->dossier}, dv;
		if (mdb_get(txn, s->dossier, &dk, &dv))
			problem(c, "paper %s: its dossier %s is missing", p->code, p->dossier);
		if (!store_owner_has(txn, s->owner, p->owner, p->code))
			problem(c, "paper %s: not in the owner index under %s", p->code, p->owner);
		if (check_paper_pages(s, txn, c, p)) {
			sh_store_paper_rec_free(&p);
			break;
		}
		/* numbered, and its number names it */
		if (!p->id) {
			problem(c, "paper %s: has no paper id (search index)", p->code);
		} else {
			uint8_t ib[4];
			store_be32(ib, p->id);
			MDB_val ik = {4, ib}, iv;
			if (mdb_get(txn, s->pid, &ik, &iv) || iv.mv_size != strlen(p->code) ||
			    memcmp(iv.mv_data, p->code, iv.mv_size))
				problem(c, "paper %s: paper id %u does not name it", p->code,
					(unsigned)p->id);
		}
		sh_store_paper_rec_free(&p);
	}
	mdb_cursor_close(cur);
	return lrc == 0 ? SH_ENOMEM : 0;
}

/* owner index entries point at existing papers and summarise them */
static int check_owner_index(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, lrc = mdb_cursor_open(txn, s->owner, &cur);
	if (lrc)
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		store_osum o;
		MDB_val pv;
		if (store_osum_decode(v.mv_data, v.mv_size, &o)) {
			problem(c, "owner index: an entry of '%.*s' cannot be decoded",
				(int)k.mv_size, (char *)k.mv_data);
			continue;
		}
		MDB_val pk = {strlen(o.code), o.code};
		if (mdb_get(txn, s->paper, &pk, &pv)) {
			problem(c, "owner index: '%.*s' points at missing paper %s",
				(int)k.mv_size, (char *)k.mv_data, o.code);
			continue;
		}
		/* the summary says what the record says */
		sh_store_paper_rec *p = NULL;
		uint8_t b[STORE_OSUM_MAX];
		size_t n;
		store_osum r;
		if ((rc = store_decode_paper(pv.mv_data, pv.mv_size, &p))) {
			if (rc == SH_ENOMEM)
				break;
			continue; /* reported with the papers */
		}
		rc = store_osum_encode(b, &n, p->code, p->id, p->created, p->kind, p->facts);
		sh_store_paper_rec_free(&p);
		if (rc == SH_ENOMEM)
			break;
		if (o.has_sum && (rc || store_osum_decode(b, n, &r) || memcmp(&r, &o, sizeof r)))
			problem(c, "owner index: the entry of %s under '%.*s' differs from the paper",
				o.code, (int)k.mv_size, (char *)k.mv_data);
	}
	mdb_cursor_close(cur);
	return lrc == 0 ? SH_ENOMEM : 0;
}

/* paper ids: each names the paper that holds it; a bitmap of the good
 * ones then checks the postings a page at a time */
static int check_paper_ids(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int lrc = mdb_cursor_open(txn, s->pid, &cur);
	if (lrc)
		return lrc;
	uint8_t *ids = NULL;
	size_t idcap = 0;
	if (!mdb_cursor_get(cur, &k, &v, MDB_LAST) && k.mv_size == 4) {
		idcap = (size_t)store_rd32(k.mv_data) / 8 + 1;
		if (!(ids = sh_calloc(idcap, 1))) {
			mdb_cursor_close(cur);
			return SH_ENOMEM;
		}
	}
	for (lrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); lrc == 0;
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		MDB_val pv;
		if (k.mv_size != 4 || mdb_get(txn, s->paper, &v, &pv) ||
		    store_paper_id(pv.mv_data, pv.mv_size) != store_rd32(k.mv_data)) {
			problem(c, "paper ids: '%.*s' is not the number of a paper",
				(int)v.mv_size, (char *)v.mv_data);
			continue;
		}
		uint32_t id = store_rd32(k.mv_data);
		if (id / 8 < idcap)
			ids[id / 8] |= (uint8_t)(1u << (id % 8));
	}
	mdb_cursor_close(cur);
	MDB_dbi idx[2] = {s->post, s->exact};
	const char *idxname[2] = {"search", "exact-form"};
	for (int t = 0; t < 2; t++) {
		if ((lrc = mdb_cursor_open(txn, idx[t], &cur)))
			break;
		for (lrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); !lrc;
		     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
			int bad = v.mv_size != 4;
			MDB_val blk = {0, NULL};
			int r = bad ? MDB_NOTFOUND : mdb_cursor_get(cur, &k, &blk, MDB_GET_MULTIPLE);
			if (!r && !blk.mv_size)
				blk = v; /* a word of one paper: no page of its own */
			while (!r && !bad) {
				if (blk.mv_size % 4) {
					bad = 1;
					break;
				}
				for (size_t i = 0; i < blk.mv_size && !bad; i += 4) {
					uint32_t id = store_rd32((const uint8_t *)blk.mv_data + i);
					bad = id / 8 >= idcap || !(ids[id / 8] & (1u << (id % 8)));
				}
				r = mdb_cursor_get(cur, &k, &blk, MDB_NEXT_MULTIPLE);
			}
			if (bad)
				problem(c, "%s index: '%.*s' holds an id no paper has", idxname[t],
					(int)k.mv_size, (char *)k.mv_data);
			if (r && r != MDB_NOTFOUND) {
				lrc = r;
				break;
			}
		}
		mdb_cursor_close(cur);
		if (lrc != MDB_NOTFOUND)
			break;
	}
	sh_free(ids);
	return lrc == MDB_NOTFOUND ? 0 : lrc;
}

/* blobs match their hashes */
static int check_blobs(sh_store *s, MDB_txn *txn, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int lrc = mdb_cursor_open(txn, s->blob, &cur);
	if (lrc)
		return lrc;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		uint8_t h[SH_SHA256_LEN];
		char hex[65];
		if (k.mv_size != SH_SHA256_LEN) {
			problem(c, "blob with a %zu-byte key (expected 32)", k.mv_size);
			continue;
		}
		if (store_blob_stub(&k, &v, NULL))
			continue; /* in the object store: checked with its paper */
		sh_sha256(h, v.mv_data, v.mv_size);
		if (memcmp(h, k.mv_data, SH_SHA256_LEN)) {
			sh_hex(hex, k.mv_data, SH_SHA256_LEN);
			problem(c, "blob %s: content does not match its SHA-256 (damaged)", hex);
		}
	}
	mdb_cursor_close(cur);
	return 0;
}

int wh_check(sh_store *s, void (*report)(void *, const char *), void *arg,
	     size_t *out_problems)
{
	struct checker c = {report, arg, 0, 0, NULL};
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;
	if ((lrc = check_dossiers(s, txn, &c)) || (lrc = check_papers(s, txn, &c)) ||
	    (lrc = check_owner_index(s, txn, &c)) || (lrc = check_paper_ids(s, txn, &c)))
		goto fail;
	/* the warehouse of owners: states, attachments, receipt dates, operators, audit */
	if ((lrc = check_owners_tables(s, txn, &c)))
		goto fail;
	/* ... and they say what the signed log says */
	if ((lrc = check_events(s, txn, &c)))
		goto fail;
	/* ... and so do the owner index, the papers, the dossiers, the
	 * sequences and the operators */
	if ((lrc = check_signed(s, txn, &c)) == MDB_PANIC) {
		mdb_txn_abort(txn);
		return sh_error_last() ? sh_error_last() : SH_ERROR;
	}
	if (lrc)
		goto fail;
	/* the audit trail against its seals in the signed log */
	size_t ap = 0;
	int arc = sh_ledger_verify_audit(s, audit_problem, &c, &ap);
	if (arc == SH_ENOMEM) {
		lrc = SH_ENOMEM;
		goto fail;
	}
	if (arc && arc != SH_EBADSIG) {
		mdb_txn_abort(txn);
		return arc;
	}
	if ((lrc = check_blobs(s, txn, &c)))
		goto fail;
	mdb_txn_abort(txn);
	if (out_problems)
		*out_problems = c.problems;
	if (c.nomem)
		return sh_error_set(SH_ENOMEM, "out of memory while checking: the check is incomplete");
	if (c.problems)
		return sh_error_set(SH_ECORRUPT, "%zu problem%s found in the warehouse", c.problems,
				    c.problems == 1 ? "" : "s");
	return SH_OK;
fail:
	mdb_txn_abort(txn);
	if (lrc == SH_ENOMEM)
		return sh_error_set(SH_ENOMEM, "checking the warehouse: out of memory");
	if (lrc == MDB_NOTFOUND)
		return SH_ERROR;
	return store_lmdb_err(lrc, "checking the warehouse");
}

