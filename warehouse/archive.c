/* The backlog (docs/ARCHIVE.md): archive record codes from their own
 * sequence, the registry totals of results in force, and the digitising
 * indicator against the first-year targets. */
#include "wh_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- codes ---------------------------------------------------------------- */

int sh_wh_code_is_archive(const char *code)
{
	const char *d = code ? strchr(code, '-') : NULL;
	return d && d[1] == 'L' && d[2] == 'T' && d[3] >= '0' && d[3] <= '9' && d[4] >= '0' &&
	       d[4] <= '9' && d[5] == '-';
}

int wh_next_archive_code(sh_store *s, MDB_txn *txn, int64_t t, char code[SH_STORE_CODE_MAX],
			 int *lrc)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char seqkey[8];
	localtime_r(&tt, &tm);
	int yy = tm.tm_year % 100;
	snprintf(seqkey, sizeof seqkey, "A|%02d", yy);
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
		if (++seq > SH_WH_ARCHIVE_SEQ_MAX)
			return sh_error_set(SH_EFULL, "agency %s has digitised %d archive records in "
						      "20%02d: the year's 6-digit sequence is exhausted",
					    s->agency, SH_WH_ARCHIVE_SEQ_MAX, yy);
		snprintf(code, SH_STORE_CODE_MAX, "%s-LT%02d-%06u", s->agency, yy, seq);
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

/* ---- levels and targets ----------------------------------------------------- */

static const struct {
	const char *name, *vi, *vi_ascii;
	int first_year; /* percent of the results in force, first year */
} levels[] = {
	{"province", "tỉnh", "tinh", 30},
	{"district", "huyện", "huyen", 20},
	{"commune", "xã", "xa", 15},
};

const char *sh_wh_level_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof levels / sizeof *levels; i++)
		if (!strcmp(name, levels[i].name) || !strcmp(name, levels[i].vi) ||
		    !strcmp(name, levels[i].vi_ascii))
			return levels[i].name;
	return NULL;
}

int sh_wh_backlog_target(const char *level, int year, int start_year)
{
	const char *l = sh_wh_level_parse(level);
	for (size_t i = 0; l && i < sizeof levels / sizeof *levels; i++)
		if (!strcmp(l, levels[i].name)) {
			if (!start_year || year < start_year)
				return levels[i].first_year;
			int t = levels[i].first_year + 20 * (year - start_year);
			return t > 100 ? 100 : t;
		}
	return 0;
}

/* ---- registry totals (meta: "archive.total|KIND|LEVEL" → decimal) ------- */

static int check_kind(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0;
	if (n < 1 || n > 12)
		return sh_error_set(SH_EINVAL, "kind code '%s': 1-12 capital letters or digits",
				    kind ? kind : "");
	for (size_t i = 0; i < n; i++)
		if (!((kind[i] >= 'A' && kind[i] <= 'Z') || (kind[i] >= '0' && kind[i] <= '9')))
			return sh_error_set(SH_EINVAL, "kind code '%s': 1-12 capital letters or digits",
					    kind);
	return SH_OK;
}

static int put_total(sh_store *s, MDB_txn *txn, const char *kind, const char *level, uint64_t n,
		     int *lrc)
{
	char key[64], val[24];
	snprintf(key, sizeof key, "archive.total|%s|%s", kind, level);
	snprintf(val, sizeof val, "%llu", (unsigned long long)n);
	MDB_val k = {strlen(key), key};
	if (n == 0) {
		*lrc = mdb_del(txn, s->meta, &k, NULL);
		if (*lrc == MDB_NOTFOUND)
			*lrc = 0;
		return SH_OK;
	}
	MDB_val v = {strlen(val), val};
	*lrc = mdb_put(txn, s->meta, &k, &v, 0);
	/* the first year of the plan: the year the first total was recorded */
	if (!*lrc) {
		MDB_val sk = {13, "archive.start"}, sv;
		if (mdb_get(txn, s->meta, &sk, &sv) == MDB_NOTFOUND) {
			time_t now = (time_t)sh_now();
			struct tm tm;
			char y[8];
			localtime_r(&now, &tm);
			snprintf(y, sizeof y, "%d", tm.tm_year + 1900);
			sv.mv_size = strlen(y);
			sv.mv_data = y;
			*lrc = mdb_put(txn, s->meta, &sk, &sv, 0);
		}
	}
	return SH_OK;
}

typedef struct total_in {
	char kind[16];
	const char *level;
	uint64_t n;
} total_in;

struct totals {
	const total_in *t;
	size_t n;
	int start_year;
};

static int totals_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct totals *w = arg;
	int rc = SH_OK, lrc = 0;
	for (size_t i = 0; !rc && !lrc && i < w->n; i++)
		rc = put_total(s, txn, w->t[i].kind, w->t[i].level, w->t[i].n, &lrc);
	if (!rc && !lrc && w->start_year) {
		char y[8];
		snprintf(y, sizeof y, "%d", w->start_year);
		MDB_val sk = {13, "archive.start"}, sv = {strlen(y), y};
		lrc = mdb_put(txn, s->meta, &sk, &sv, 0);
	}
	if (!rc && lrc)
		rc = store_write_err(s, lrc, "storing the registry totals");
	return rc;
}

static int write_totals(sh_store *s, const total_in *t, size_t n, int start_year)
{
	int rc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	if (rc)
		return rc;
	struct totals w = {t, n, start_year};
	return store_write(s, 0, "storing the registry totals", totals_fn, &w);
}

int sh_wh_backlog_total_set(sh_store *s, const char *kind, const char *level, uint64_t n)
{
	const char *l = sh_wh_level_parse(level);
	int rc = check_kind(kind);
	if (rc)
		return rc;
	if (!l)
		return sh_error_set(SH_EINVAL, "level '%s': province, district or commune",
				    level ? level : "");
	if (n > SH_WH_BACKLOG_TOTAL_MAX)
		return sh_error_set(SH_ELIMIT, "a registry total is at most %llu",
				    (unsigned long long)SH_WH_BACKLOG_TOTAL_MAX);
	total_in t = {.level = l, .n = n};
	snprintf(t.kind, sizeof t.kind, "%s", kind);
	return write_totals(s, &t, 1, 0);
}

int sh_wh_backlog_start_set(sh_store *s, int year)
{
	if (year < 2000 || year > 2099)
		return sh_error_set(SH_EINVAL, "first year of the plan: 2000-2099");
	return write_totals(s, NULL, 0, year);
}

/* Field [b, e) trimmed into out (cap bytes); 0 when it does not fit. */
static int csv_field(const char *b, const char *e, char *out, size_t cap)
{
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if ((size_t)(e - b) >= cap)
		return 0;
	memcpy(out, b, (size_t)(e - b));
	out[e - b] = 0;
	return 1;
}

static int parse_csv(total_in **out, size_t *nout, const char *data, size_t len)
{
	*out = NULL;
	*nout = 0;
	if (!data && len)
		return sh_error_set(SH_EINVAL, "totals CSV: nothing given");
	if (len > SH_WH_BACKLOG_CSV_MAX)
		return sh_error_set(SH_ELIMIT, "totals CSV: at most %d bytes", SH_WH_BACKLOG_CSV_MAX);
	if (!sh_text_valid(data, len))
		return sh_error_set(SH_EINVAL, "totals CSV: not UTF-8 text");
	total_in *t = NULL;
	size_t n = 0, cap = 0, line = 0;
	int rc = SH_OK;
	const char *p = data, *end = data + len;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) /* a spreadsheet's BOM */
		p += 3;
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line++;
		char f[3][32];
		size_t nf = 0;
		int fits = 1, blank = 1;
		for (const char *c = p; c < le; c++)
			if (*c != ' ' && *c != '\t' && *c != '\r')
				blank = 0;
		const char *q = p;
		p = nl ? nl + 1 : end;
		if (blank || *q == '#')
			continue;
		for (;;) {
			const char *comma = memchr(q, ',', (size_t)(le - q));
			const char *fe = comma ? comma : le;
			if (nf < 3 && !csv_field(q, fe, f[nf], sizeof f[nf]))
				fits = 0;
			nf++;
			if (!comma)
				break;
			q = comma + 1;
		}
		if (nf != 3 || !fits) {
			rc = sh_error_set(SH_EINVAL, "totals CSV line %zu: write kind,level,count", line);
			break;
		}
		if (line == 1 && !strcmp(f[0], "kind") && !strcmp(f[1], "level"))
			continue; /* the header */
		const char *lv = sh_wh_level_parse(f[1]);
		char *e = NULL;
		unsigned long long v = f[2][0] >= '0' && f[2][0] <= '9' ? strtoull(f[2], &e, 10) : 0;
		if ((rc = check_kind(f[0]))) {
			sh_error_wrap(rc, "totals CSV line %zu: ", line);
			break;
		}
		if (!lv) {
			rc = sh_error_set(SH_EINVAL, "totals CSV line %zu: level '%s': province, "
						     "district or commune", line, f[1]);
			break;
		}
		if (!e || *e || v > SH_WH_BACKLOG_TOTAL_MAX) {
			rc = sh_error_set(SH_EINVAL, "totals CSV line %zu: count '%s': a whole number "
						     "0-%llu", line, f[2],
					  (unsigned long long)SH_WH_BACKLOG_TOTAL_MAX);
			break;
		}
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			total_in *nt = nc <= SH_WH_BACKLOG_CSV_ROWS ? sh_realloc(t, nc * sizeof *nt) : NULL;
			if (!nt) {
				rc = nc > SH_WH_BACKLOG_CSV_ROWS
					? sh_error_set(SH_ELIMIT, "totals CSV: at most %d rows",
						       SH_WH_BACKLOG_CSV_ROWS)
					: SH_ENOMEM;
				break;
			}
			t = nt;
			cap = nc;
		}
		snprintf(t[n].kind, sizeof t[n].kind, "%s", f[0]);
		t[n].level = lv;
		t[n].n = v;
		n++;
	}
	if (!rc && !n)
		rc = sh_error_set(SH_EINVAL, "totals CSV: no rows (kind,level,count)");
	if (rc) {
		sh_free(t);
		return rc;
	}
	*out = t;
	*nout = n;
	return SH_OK;
}

int sh_wh_backlog_csv_check(const char *data, size_t len, size_t *out_rows)
{
	total_in *t = NULL;
	size_t n = 0;
	int rc = parse_csv(&t, &n, data, len);
	if (out_rows)
		*out_rows = rc ? 0 : n;
	sh_free(t);
	return rc;
}

int sh_wh_backlog_totals_csv(sh_store *s, const char *data, size_t len, size_t *out_rows)
{
	if (out_rows)
		*out_rows = 0;
	total_in *t = NULL;
	size_t n = 0;
	int rc = parse_csv(&t, &n, data, len);
	if (!rc)
		rc = write_totals(s, t, n, 0);
	if (!rc && out_rows)
		*out_rows = n;
	sh_free(t);
	return rc;
}

/* ---- the report ------------------------------------------------------------ */

struct brep {
	sh_wh_backlog_row *rows;
	size_t n, cap;
};

static sh_wh_backlog_row *row_of(struct brep *b, const char *month, const char *kind,
				 const char *level)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->rows[i].month, month) && !strcmp(b->rows[i].kind, kind) &&
		    !strcmp(b->rows[i].level, level))
			return &b->rows[i];
	if (b->n == b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 16;
		sh_wh_backlog_row *nr = sh_realloc(b->rows, nc * sizeof *nr);
		if (!nr)
			return NULL;
		b->rows = nr;
		b->cap = nc;
	}
	sh_wh_backlog_row *r = &b->rows[b->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->month, sizeof r->month, "%s", month);
	snprintf(r->kind, sizeof r->kind, "%s", kind);
	snprintf(r->level, sizeof r->level, "%s", level);
	return r;
}

static int cmp_brow(const void *a, const void *b)
{
	const sh_wh_backlog_row *x = a, *y = b;
	int c = strcmp(x->month, y->month);
	if (!c)
		c = strcmp(x->level, y->level);
	if (!c) /* the level's total ("" kind) after its kinds */
		c = !x->kind[0] - !y->kind[0];
	if (!c)
		c = strcmp(x->kind, y->kind);
	return c;
}

static void level_of(const char *facts, char out[12])
{
	out[0] = 0;
	json_t *j = facts ? json_loads(facts, 0, NULL) : NULL;
	const char *v = j ? json_string_value(json_object_get(j, "archive_level")) : NULL;
	const char *l = sh_wh_level_parse(v);
	if (l)
		snprintf(out, 12, "%s", l);
	json_decref(j);
}

static int month_key(const char *s, int *y, int *m)
{
	char tail;
	if (!s)
		return 0;
	if (sscanf(s, "%4d-%2d%c", y, m, &tail) != 2 || *y < 2000 || *y > 2099 || *m < 1 || *m > 12 ||
	    strlen(s) != 7)
		return sh_error_set(SH_EINVAL, "month '%s': write it YYYY-MM", s);
	return 0;
}

/* The registry totals (archive.total|kind|level) into cum's in_force. */
static int backlog_totals(sh_store *s, MDB_txn *txn, struct brep *cum)
{
	MDB_cursor *c = NULL;
	int rc = SH_OK;
	const char *pfx = "archive.total|";
	size_t pl = strlen(pfx);
	if (!mdb_cursor_open(txn, s->meta, &c)) {
		MDB_val k = {pl, (void *)pfx}, v;
		for (int lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		     !rc && lrc == 0 && k.mv_size > pl && !memcmp(k.mv_data, pfx, pl);
		     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			char key[64], val[24], kind[16], level[16];
			if (k.mv_size >= sizeof key || v.mv_size >= sizeof val)
				continue;
			memcpy(key, k.mv_data, k.mv_size);
			key[k.mv_size] = 0;
			memcpy(val, v.mv_data, v.mv_size);
			val[v.mv_size] = 0;
			if (sscanf(key + pl, "%15[^|]|%15s", kind, level) != 2)
				continue;
			sh_wh_backlog_row *r = row_of(cum, "", kind, level);
			sh_wh_backlog_row *t = r ? row_of(cum, "", "", level) : NULL;
			if (!t) {
				rc = SH_ENOMEM;
				break;
			}
			r->in_force += strtoull(val, NULL, 10);
			t->in_force += strtoull(val, NULL, 10);
		}
		mdb_cursor_close(c);
	}
	return rc;
}

/* The archive records' papers, by digitising time (the receipt-date index):
 * up to month tok into cum, and from month fromk on into mon by month. */
static int backlog_digitised(sh_store *s, MDB_txn *txn, struct brep *cum, struct brep *mon,
			     const char *fromk, const char *tok)
{
	MDB_cursor *c = NULL;
	int rc = SH_OK;
	if (!mdb_cursor_open(txn, s->rdate, &c)) {
		MDB_val k, v;
		for (int lrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !rc && lrc == 0;
		     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size <= 8 || k.mv_size - 8 >= SH_STORE_CODE_MAX)
				continue;
			char code[SH_STORE_CODE_MAX];
			memcpy(code, (const char *)k.mv_data + 8, k.mv_size - 8);
			code[k.mv_size - 8] = 0;
			if (!sh_wh_code_is_archive(code))
				continue;
			MDB_val dk = {strlen(code), code}, dv;
			sh_store_dossier_rec *d = NULL;
			if (mdb_get(txn, s->dossier, &dk, &dv) ||
			    store_decode_dossier(dv.mv_data, dv.mv_size, &d))
				continue;
			time_t tt = (time_t)d->received;
			struct tm tm;
			char month[8];
			localtime_r(&tt, &tm);
			snprintf(month, sizeof month, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
			for (size_t i = 0; !rc && i < d->npapers && strcmp(month, tok) <= 0; i++) {
				MDB_val pk = {strlen(d->papers[i]), d->papers[i]}, pv;
				sh_store_paper_rec *p = NULL;
				if (mdb_get(txn, s->paper, &pk, &pv) ||
				    store_decode_paper(pv.mv_data, pv.mv_size, &p))
					continue;
				char level[12];
				level_of(p->facts, level);
				const char *kind = p->kind ? p->kind : "TL";
				sh_wh_backlog_row *r[4] = {row_of(cum, "", kind, level),
							   row_of(cum, "", "", level), NULL, NULL};
				int inmon = strcmp(month, fromk) >= 0;
				if (inmon) {
					r[2] = row_of(mon, month, kind, level);
					r[3] = row_of(mon, month, "", level);
				}
				for (int j = 0; j < (inmon ? 4 : 2); j++) {
					if (!r[j])
						rc = SH_ENOMEM;
					else
						r[j]->digitised++;
				}
				sh_store_paper_rec_free(&p);
			}
			sh_store_dossier_rec_free(&d);
		}
		mdb_cursor_close(c);
	}
	return rc;
}

int sh_wh_backlog_report(sh_store *s, const char *from, const char *to, sh_wh_backlog_report_t *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_REPORT);
	if (rc)
		return rc;
	int fy = 0, fm = 0, ty = 0, tm_ = 0;
	if ((rc = month_key(from, &fy, &fm)) || (rc = month_key(to, &ty, &tm_)))
		return rc;
	char fromk[8] = "", tok[8] = "9999-99";
	if (from)
		snprintf(fromk, sizeof fromk, "%04d-%02d", fy, fm);
	if (to)
		snprintf(tok, sizeof tok, "%04d-%02d", ty, tm_);
	MDB_txn *txn = NULL;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	struct brep cum = {0}, mon = {0};
	if (!(rc = backlog_totals(s, txn, &cum))) {
		char *start = store_get_meta(txn, s->meta, "archive.start");
		out->start_year = start ? atoi(start) : 0;
		sh_free(start);
		rc = backlog_digitised(s, txn, &cum, &mon, fromk, tok);
	}
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(cum.rows);
		sh_free(mon.rows);
		return rc;
	}
	/* targets: the year of `to` (else now) in the plan that began at start */
	int year = ty;
	if (!year) {
		time_t now = (time_t)sh_now();
		struct tm tm;
		localtime_r(&now, &tm);
		year = tm.tm_year + 1900;
	}
	out->year = year;
	for (size_t i = 0; i < cum.n; i++)
		cum.rows[i].target = sh_wh_backlog_target(cum.rows[i].level, year, out->start_year);
	for (size_t i = 0; i < mon.n; i++) {
		int y = atoi(mon.rows[i].month);
		mon.rows[i].target = sh_wh_backlog_target(mon.rows[i].level, y, out->start_year);
	}
	if (cum.n > 1)
		qsort(cum.rows, cum.n, sizeof *cum.rows, cmp_brow);
	if (mon.n > 1)
		qsort(mon.rows, mon.n, sizeof *mon.rows, cmp_brow);
	out->rows = cum.rows;
	out->nrows = cum.n;
	out->months = mon.rows;
	out->nmonths = mon.n;
	return SH_OK;
}

void sh_wh_backlog_report_free(sh_wh_backlog_report_t *r)
{
	if (!r)
		return;
	sh_free(r->rows);
	sh_free(r->months);
	memset(r, 0, sizeof *r);
}

char *sh_wh_backlog_report_json(const sh_wh_backlog_report_t *r)
{
	json_t *top = json_object(), *rows = json_array(), *months = json_array();
	if (!top || !rows || !months) {
		json_decref(top);
		json_decref(rows);
		json_decref(months);
		return NULL;
	}
	for (size_t i = 0; i < r->nrows; i++) {
		const sh_wh_backlog_row *w = &r->rows[i];
		json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:i}", "kind", w->kind[0] ? w->kind : "total",
				      "level", w->level, "digitised", (json_int_t)w->digitised,
				      "in_force", (json_int_t)w->in_force, "target", w->target);
		if (o) {
			json_object_set_new(o, "percent",
					    w->in_force ? json_real(100.0 * (double)w->digitised /
								    (double)w->in_force)
							: json_null());
			json_object_set_new(o, "on_target",
					    w->in_force && w->target
						? json_boolean(100 * (uint64_t)w->digitised >=
							       (uint64_t)w->target * w->in_force)
						: json_null());
		}
		json_array_append_new(rows, o);
	}
	for (size_t i = 0; i < r->nmonths; i++) {
		const sh_wh_backlog_row *w = &r->months[i];
		json_array_append_new(months, json_pack("{s:s,s:s,s:s,s:I}", "month", w->month, "kind",
							w->kind[0] ? w->kind : "total", "level",
							w->level, "digitised",
							(json_int_t)w->digitised));
	}
	json_object_set_new(top, "year", json_integer(r->year));
	json_object_set_new(top, "start_year", r->start_year ? json_integer(r->start_year) : json_null());
	json_object_set_new(top, "targets", json_pack("{s:i,s:i,s:i,s:i}", "province",
						      sh_wh_backlog_target("province", r->year, r->start_year),
						      "district",
						      sh_wh_backlog_target("district", r->year, r->start_year),
						      "commune",
						      sh_wh_backlog_target("commune", r->year, r->start_year),
						      "per_year", 20));
	json_object_set_new(top, "to_date", rows);
	json_object_set_new(top, "months", months);
	char *txt = json_dumps(top, JSON_COMPACT);
	json_decref(top);
	char *out = txt ? sh_strdup(txt) : NULL;
	free(txt);
	return out;
}
