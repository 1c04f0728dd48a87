/* Reports: the indicators the province's plans ask for monthly, over the
 * dossiers received in a period (docs/WAREHOUSE.md "Reports"). */
#include "wh_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int day_start(int64_t *out, const char *s, int plus)
{
	int y, m, d;
	char tail;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 2000 || y > 2099 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return sh_error_set(SH_EINVAL, "date '%s': write it YYYY-MM-DD (2000-2099)",
				    s ? s : "");
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + plus;
	tm.tm_isdst = -1;
	*out = (int64_t)mktime(&tm);
	return SH_OK;
}

struct own {
	size_t group;
	char owner[16];
	int asked; /* asked for a kind already held valid */
};

struct rep {
	sh_store *s;
	MDB_txn *txn;
	const sh_wh_proc_cat *cat;
	int by;
	sh_wh_report_row *rows;
	size_t nrows;
	struct own *owners;
	size_t nown, capown;
};

static size_t group_of(struct rep *r, const char *g, int *err)
{
	for (size_t i = 1; i < r->nrows; i++)
		if (!strcmp(r->rows[i].group, g))
			return i;
	sh_wh_report_row *nr = sh_realloc(r->rows, (r->nrows + 1) * sizeof *nr);
	if (!nr) {
		*err = SH_ENOMEM;
		return 0;
	}
	r->rows = nr;
	memset(&nr[r->nrows], 0, sizeof *nr);
	snprintf(nr[r->nrows].group, sizeof nr->group, "%s", g);
	return r->nrows++;
}


/* Did the owner already hold a valid paper of kind before t (other than
 * the dossier's own)? */
static int already_held(struct rep *r, const char *owner, const char *kind, const char *dossier,
			int64_t t)
{
	MDB_cursor *c;
	if (mdb_cursor_open(r->txn, r->s->owner, &c))
		return 0;
	MDB_val k = {strlen(owner), (void *)owner}, v;
	int held = 0;
	size_t dl = strlen(dossier);
	for (int lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); lrc == 0 && !held;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		store_osum o;
		if (store_osum_decode(v.mv_data, v.mv_size, &o) ||
		    (strlen(o.code) > dl && !memcmp(o.code, dossier, dl)))
			continue;
		sh_wh_validity val;
		if (o.has_sum) { /* the summary says all that is needed */
			if (!strcmp(o.kind, kind) && o.created < t &&
			    !wh_validity_sum(r->s, r->txn, r->cat, &o, t, &val) &&
			    (val.status == SH_WH_VALID ||
			     (val.status == SH_WH_REVOKED && val.revoked_at > t)))
				held = 1;
			continue;
		}
		MDB_val pk = {strlen(o.code), o.code}, pv;
		sh_store_paper_rec *p = NULL;
		if (mdb_get(r->txn, r->s->paper, &pk, &pv) ||
		    store_decode_paper(pv.mv_data, pv.mv_size, &p))
			continue;
		if (!strcmp(p->kind, kind) && p->created < t &&
		    !wh_validity(r->s, r->txn, r->cat, p->code, p->kind, p->facts, p->created, t,
				       &val) &&
		    (val.status == SH_WH_VALID || (val.status == SH_WH_REVOKED && val.revoked_at > t)))
			held = 1;
		sh_store_paper_rec_free(&p);
	}
	mdb_cursor_close(c);
	return held;
}

static int add_owner(struct rep *r, size_t group, const char *owner, int asked)
{
	if (r->nown == r->capown) {
		size_t nc = r->capown ? r->capown * 2 : 64;
		struct own *no = sh_realloc(r->owners, nc * sizeof *no);
		if (!no)
			return SH_ENOMEM;
		r->owners = no;
		r->capown = nc;
	}
	struct own *o = &r->owners[r->nown++];
	o->group = group;
	snprintf(o->owner, sizeof o->owner, "%s", owner);
	o->asked = asked;
	return SH_OK;
}

static int one_dossier(struct rep *r, const MDB_val *dv)
{
	sh_store_dossier_rec *d = NULL;
	int rc = store_decode_dossier(dv->mv_data, dv->mv_size, &d), err = 0;
	if (rc)
		return rc;
	if (sh_wh_code_is_archive(d->code)) { /* digitised backlog, not received */
		sh_store_dossier_rec_free(&d);
		return SH_OK;
	}
	size_t g = 0;
	if (r->by == SH_WH_REPORT_AGENCY)
		g = group_of(r, d->agency, &err);
	else if (r->by == SH_WH_REPORT_PROCEDURE)
		g = group_of(r, d->procedure, &err);
	if (err) {
		sh_store_dossier_rec_free(&d);
		return err;
	}
	size_t papers = 0, results = 0, reused = 0;
	int full = 1, asked = 0;
	for (size_t i = 0; i < d->npapers; i++) {
		MDB_val pk = {strlen(d->papers[i]), d->papers[i]}, pv;
		sh_store_paper_rec *p = NULL;
		if (mdb_get(r->txn, r->s->paper, &pk, &pv) ||
		    store_decode_paper(pv.mv_data, pv.mv_size, &p)) {
			full = 0;
			continue;
		}
		papers++;
		if (!p->npages || (p->flags & SH_WH_PAPER_REVIEW))
			full = 0;
		if (!asked && wh_kind_reusable(r->cat, p->kind) &&
		    already_held(r, d->owner, p->kind, d->code, d->received))
			asked = 1;
		sh_store_paper_rec_free(&p);
	}
	/* results issued electronically: <dossier>-KQn papers */
	char prefix[SH_STORE_CODE_MAX + 4];
	snprintf(prefix, sizeof prefix, "%s-KQ", d->code);
	MDB_cursor *c;
	if (!mdb_cursor_open(r->txn, r->s->paper, &c)) {
		MDB_val k = {strlen(prefix), prefix}, v;
		for (int lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		     lrc == 0 && k.mv_size >= strlen(prefix) && !memcmp(k.mv_data, prefix, strlen(prefix));
		     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
			results++;
		mdb_cursor_close(c);
	}
	if (!mdb_cursor_open(r->txn, r->s->attach, &c)) {
		MDB_val k = {strlen(d->code), d->code}, v;
		if (!mdb_cursor_get(c, &k, &v, MDB_SET_KEY))
			mdb_cursor_count(c, &reused);
		mdb_cursor_close(c);
	}
	size_t gs[2] = {0, g};
	for (int j = 0; j < (g ? 2 : 1); j++) {
		sh_wh_report_row *row = &r->rows[gs[j]];
		row->dossiers++;
		row->papers += papers;
		row->dossiers_full += full;
		row->results += results;
		row->reused += reused;
		row->dossiers_reusing += reused > 0;
	}
	rc = add_owner(r, 0, d->owner, asked);
	if (!rc && g)
		rc = add_owner(r, g, d->owner, asked);
	sh_store_dossier_rec_free(&d);
	return rc;
}

static int cmp_own(const void *a, const void *b)
{
	const struct own *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return strcmp(x->owner, y->owner);
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const sh_wh_report_row *)a)->group, ((const sh_wh_report_row *)b)->group);
}

int sh_wh_report(sh_store *s, const sh_wh_proc_cat *cat, const char *from, const char *to,
		    int by, sh_wh_report_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int64_t t0, t1;
	int rc = sh_wh_may(s, SH_WH_PERM_REPORT);
	if (!rc)
		rc = day_start(&t0, from, 0);
	if (!rc)
		rc = day_start(&t1, to, 1);
	if (rc)
		return rc;
	if (t1 <= t0)
		return sh_error_set(SH_EINVAL, "the period %s to %s is empty: --from must not be "
					       "after --to", from, to);
	sh_wh_proc_cat *own = NULL; /* no catalogue given: the shipped one */
	if (!cat && (rc = sh_wh_proc_cat_load(&own, sh_wh_proc_default_path(), NULL)))
		return rc;
	struct rep r;
	memset(&r, 0, sizeof r);
	r.s = s;
	r.cat = cat ? cat : own;
	r.by = by;
	MDB_cursor *c = NULL;
	int lrc;
	if (!(r.rows = sh_calloc(1, sizeof *r.rows))) {
		sh_wh_proc_cat_free(&own);
		return SH_ENOMEM;
	}
	r.nrows = 1;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &r.txn)))
		goto out;
	MDB_stat sd, sr;
	if ((lrc = mdb_stat(r.txn, s->dossier, &sd)) || (lrc = mdb_stat(r.txn, s->rdate, &sr)))
		goto lfail;
	if (sr.ms_entries >= sd.ms_entries) {
		/* the receipt-date index covers every dossier */
		if ((lrc = mdb_cursor_open(r.txn, s->rdate, &c)))
			goto lfail;
		uint8_t kb[8 + SH_STORE_CODE_MAX];
		MDB_val k = {wh_rdate_key(kb, "", t0), kb}, v;
		for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); lrc == 0;
		     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size <= 8)
				continue;
			const uint8_t *p = k.mv_data;
			uint64_t u = 0;
			for (int i = 0; i < 8; i++)
				u = u << 8 | p[i];
			if ((int64_t)u >= t1)
				break;
			MDB_val dk = {k.mv_size - 8, (uint8_t *)k.mv_data + 8}, dv;
			if (mdb_get(r.txn, s->dossier, &dk, &dv))
				continue; /* sohoa check reports it */
			if ((rc = one_dossier(&r, &dv)))
				goto out;
		}
	} else {
		/* a warehouse written before the index: every dossier, by its time */
		if ((lrc = mdb_cursor_open(r.txn, s->dossier, &c)))
			goto lfail;
		MDB_val k, v;
		while ((lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
			sh_store_dossier_rec *d = NULL;
			if (store_decode_dossier(v.mv_data, v.mv_size, &d))
				continue;
			int in = d->received >= t0 && d->received < t1;
			sh_store_dossier_rec_free(&d);
			if (in && (rc = one_dossier(&r, &v)))
				goto out;
		}
	}
	if (lrc != MDB_NOTFOUND && lrc != 0)
		goto lfail;
	/* distinct owners per row */
	if (r.nown)
		qsort(r.owners, r.nown, sizeof *r.owners, cmp_own);
	for (size_t i = 0; i < r.nown;) {
		size_t j = i;
		int asked = 0;
		while (j < r.nown && r.owners[j].group == r.owners[i].group &&
		       !strcmp(r.owners[j].owner, r.owners[i].owner))
			asked |= r.owners[j++].asked;
		r.rows[r.owners[i].group].owners++;
		r.rows[r.owners[i].group].owners_not_asked += !asked;
		i = j;
	}
	if (r.nrows > 2)
		qsort(r.rows + 1, r.nrows - 1, sizeof *r.rows, cmp_row);
	*out = r.rows;
	*n = r.nrows;
	r.rows = NULL;
	goto out;
lfail:
	rc = store_lmdb_err(lrc, "report");
out:
	if (c)
		mdb_cursor_close(c);
	if (r.txn)
		mdb_txn_abort(r.txn);
	sh_free(r.rows);
	sh_free(r.owners);
	sh_wh_proc_cat_free(&own);
	return rc;
}
