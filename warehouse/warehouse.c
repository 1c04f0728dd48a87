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

/* ---- catalogue ------------------------------------------------------------ */

enum { RULE_NONE = 0, RULE_NEVER, RULE_PRINTED, RULE_DAYS };

struct wh_kind {
	char *code, *name;
	int rule, days, reusable;
};

struct wh_proc {
	char *code, *name;
	size_t nkinds;
	char **kinds;
};

struct sh_wh_proc_cat {
	size_t nkinds, nprocs;
	struct wh_kind *kinds;
	struct wh_proc *procs;
};

const char *sh_wh_proc_default_path(void)
{
	return sh_data_file("procedures.json");
}

void sh_wh_proc_cat_free(sh_wh_proc_cat **pc)
{
	sh_wh_proc_cat *c = pc ? *pc : NULL;
	if (!c)
		return;
	for (size_t i = 0; i < c->nkinds; i++) {
		sh_free(c->kinds[i].code);
		sh_free(c->kinds[i].name);
	}
	for (size_t i = 0; i < c->nprocs; i++) {
		sh_free(c->procs[i].code);
		sh_free(c->procs[i].name);
		for (size_t j = 0; j < c->procs[i].nkinds; j++)
			sh_free(c->procs[i].kinds[j]);
		sh_free(c->procs[i].kinds);
	}
	sh_free(c->kinds);
	sh_free(c->procs);
	sh_free(c);
	*pc = NULL;
}

static int code_ok(const char *s, size_t max, const char *punct)
{
	size_t n = strlen(s);
	if (!n || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
		      (punct && strchr(punct, ch))))
			return 0;
	}
	return 1;
}

static struct wh_kind *kind_slot(sh_wh_proc_cat *c, const char *code)
{
	for (size_t i = 0; i < c->nkinds; i++)
		if (!strcmp(c->kinds[i].code, code))
			return &c->kinds[i];
	return NULL;
}

static int load_kinds(sh_wh_proc_cat *c, json_t *kinds, const char *path)
{
	const char *code;
	json_t *k;
	json_object_foreach(kinds, code, k) {
		if (!code_ok(code, 12, NULL) || !json_is_object(k))
			return sh_error_set(SH_EINVAL, "%s: kind '%s' is not an A-Z0-9 code with an "
						       "object", path, code);
		json_t *name = json_object_get(k, "name"), *v = json_object_get(k, "validity"),
		       *re = json_object_get(k, "reusable");
		int rule = RULE_NONE, days = 0;
		if (!v) {
			rule = RULE_NONE;
		} else if (json_is_string(v) && !strcmp(json_string_value(v), "never")) {
			rule = RULE_NEVER;
		} else if (json_is_string(v) && !strcmp(json_string_value(v), "printed")) {
			rule = RULE_PRINTED;
		} else if (json_is_object(v) && json_is_integer(json_object_get(v, "days")) &&
			   json_integer_value(json_object_get(v, "days")) > 0 &&
			   json_integer_value(json_object_get(v, "days")) < 100000) {
			rule = RULE_DAYS;
			days = (int)json_integer_value(json_object_get(v, "days"));
		} else {
			return sh_error_set(SH_EINVAL, "%s: kind %s: validity must be \"never\", "
						       "\"printed\" or {\"days\": N}", path, code);
		}
		if ((name && !json_is_string(name)) || (re && !json_is_boolean(re)))
			return sh_error_set(SH_EINVAL, "%s: kind %s: name must be text and reusable "
						       "true or false", path, code);
		struct wh_kind *slot = kind_slot(c, code);
		if (!slot) {
			struct wh_kind *nk = sh_realloc(c->kinds, (c->nkinds + 1) * sizeof *nk);
			if (!nk)
				return SH_ENOMEM;
			c->kinds = nk;
			slot = &c->kinds[c->nkinds++];
			memset(slot, 0, sizeof *slot);
			if (!(slot->code = sh_strdup(code)))
				return SH_ENOMEM;
		}
		sh_free(slot->name);
		slot->name = sh_strdup(name ? json_string_value(name) : code);
		if (!slot->name)
			return SH_ENOMEM;
		slot->rule = rule;
		slot->days = days;
		slot->reusable = re ? json_is_true(re) : 1;
	}
	return SH_OK;
}

static int load_procs(sh_wh_proc_cat *c, json_t *procs, const char *path)
{
	size_t i;
	json_t *p;
	json_array_foreach(procs, i, p) {
		json_t *code = json_object_get(p, "code"), *name = json_object_get(p, "name"),
		       *kinds = json_object_get(p, "kinds");
		if (!json_is_string(code) || !code_ok(json_string_value(code), 40, ".-_") ||
		    !json_is_string(name) || !json_is_array(kinds))
			return sh_error_set(SH_EINVAL, "%s: procedure %zu needs a code (0-9 A-Z . - _), "
						       "a name and a list of kinds", path, i + 1);
		const char *cs = json_string_value(code);
		struct wh_proc *slot = NULL;
		for (size_t j = 0; j < c->nprocs && !slot; j++)
			if (!strcmp(c->procs[j].code, cs))
				slot = &c->procs[j];
		if (!slot) {
			struct wh_proc *np = sh_realloc(c->procs, (c->nprocs + 1) * sizeof *np);
			if (!np)
				return SH_ENOMEM;
			c->procs = np;
			slot = &c->procs[c->nprocs++];
			memset(slot, 0, sizeof *slot);
			if (!(slot->code = sh_strdup(cs)))
				return SH_ENOMEM;
		} else {
			for (size_t j = 0; j < slot->nkinds; j++)
				sh_free(slot->kinds[j]);
			sh_free(slot->kinds);
			slot->kinds = NULL;
			slot->nkinds = 0;
			sh_free(slot->name);
			slot->name = NULL;
		}
		if (!(slot->name = sh_strdup(json_string_value(name))))
			return SH_ENOMEM;
		size_t nk = json_array_size(kinds);
		if (nk && !(slot->kinds = sh_calloc(nk, sizeof *slot->kinds)))
			return SH_ENOMEM;
		size_t j;
		json_t *k;
		json_array_foreach(kinds, j, k) {
			if (!json_is_string(k) || !code_ok(json_string_value(k), 12, NULL))
				return sh_error_set(SH_EINVAL, "%s: procedure %s: kind %zu is not an "
							       "A-Z0-9 code", path, cs, j + 1);
			if (!(slot->kinds[slot->nkinds] = sh_strdup(json_string_value(k))))
				return SH_ENOMEM;
			slot->nkinds++;
		}
	}
	return SH_OK;
}

static int load_buf(sh_wh_proc_cat *c, const void *data, size_t len, const char *path)
{
	json_error_t err;
	int rc = SH_OK;
	json_t *root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return sh_error_set(SH_EINVAL, "%s:%d: %s", path, err.line, err.text);
	json_t *fmt = json_object_get(root, "format"), *kinds = json_object_get(root, "kinds"),
	       *procs = json_object_get(root, "procedures");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "sohoa-procedures") ||
	    json_integer_value(json_object_get(root, "version")) != 1)
		rc = sh_error_set(SH_EINVAL, "%s: not a procedure catalogue (format "
					     "\"sohoa-procedures\", version 1)", path);
	else if ((kinds && !json_is_object(kinds)) || (procs && !json_is_array(procs)))
		rc = sh_error_set(SH_EINVAL, "%s: \"kinds\" must be an object and \"procedures\" "
					     "a list", path);
	if (!rc && kinds)
		rc = load_kinds(c, kinds, path);
	if (!rc && procs)
		rc = load_procs(c, procs, path);
	json_decref(root);
	return rc;
}

static int load_file(sh_wh_proc_cat *c, const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sh_file_read(&data, &len, path, 16u << 20);
	if (rc)
		return rc;
	rc = load_buf(c, data, len, path);
	sh_free(data);
	return rc;
}

int sh_wh_proc_cat_parse(sh_wh_proc_cat **out, const void *data, size_t len, const char *name)
{
	*out = NULL;
	sh_wh_proc_cat *c = sh_calloc(1, sizeof *c);
	if (!c)
		return SH_ENOMEM;
	int rc = load_buf(c, data, len, name ? name : "catalogue");
	if (rc) {
		sh_wh_proc_cat_free(&c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

int sh_wh_proc_cat_load(sh_wh_proc_cat **out, const char *path, const char *extra)
{
	*out = NULL;
	sh_wh_proc_cat *c = sh_calloc(1, sizeof *c);
	if (!c)
		return SH_ENOMEM;
	int rc = load_file(c, path);
	struct stat st;
	if (!rc && extra && stat(extra, &st) == 0)
		rc = load_file(c, extra);
	if (rc) {
		sh_wh_proc_cat_free(&c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

size_t sh_wh_proc_cat_count(const sh_wh_proc_cat *c) { return c ? c->nprocs : 0; }

int sh_wh_proc_get(const sh_wh_proc_cat *c, size_t i, const char **code, const char **name,
		const char *const **kinds, size_t *nkinds)
{
	if (!c || i >= c->nprocs)
		return sh_error_set(SH_ENOTFOUND, "no procedure %zu in the catalogue", i);
	const struct wh_proc *p = &c->procs[i];
	if (code)
		*code = p->code;
	if (name)
		*name = p->name;
	if (kinds)
		*kinds = (const char *const *)p->kinds;
	if (nkinds)
		*nkinds = p->nkinds;
	return SH_OK;
}

int sh_wh_proc_find(const sh_wh_proc_cat *c, const char *code, const char **name,
		 const char *const **kinds, size_t *nkinds)
{
	for (size_t i = 0; c && i < c->nprocs; i++)
		if (!strcmp(c->procs[i].code, code))
			return sh_wh_proc_get(c, i, NULL, name, kinds, nkinds);
	return sh_error_set(SH_ENOTFOUND, "procedure %s is not in the catalogue: add it to the "
					  "office's procedures.json", code);
}

static const struct wh_kind *kind_get(const sh_wh_proc_cat *c, const char *kind)
{
	for (size_t i = 0; c && i < c->nkinds; i++)
		if (!strcmp(c->kinds[i].code, kind))
			return &c->kinds[i];
	return NULL;
}

int wh_kind_reusable(const sh_wh_proc_cat *c, const char *kind)
{
	const struct wh_kind *k = kind_get(c, kind);
	if (!k)
		return strcmp(kind, "TL") != 0 && strcmp(kind, "DON") != 0;
	return k->reusable;
}

const char *sh_wh_kind_name(const sh_wh_proc_cat *c, const char *kind)
{
	const struct wh_kind *k = kind_get(c, kind);
	return k ? k->name : kind;
}

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
	const struct wh_kind *k = kind_get(cat, kind);
	int64_t t;
	if (vuk == 2 && !date_parse(&t, vu, 1)) {
		out->source = SH_WH_VSRC_FACTS;
		out->valid_until = t;
	} else if (vuk == 1) { /* "Không thời hạn" printed */
		out->source = SH_WH_VSRC_FACTS;
	} else if (k && k->rule == RULE_NEVER) {
		out->source = SH_WH_VSRC_RULE;
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
	out->nsigned = (int)dup_count(txn, s->sig, code);
	return SH_OK;
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
	op->facts = p->facts; /* taken over */
	p->facts = NULL;
	sh_store_paper_rec_free(&p);
	op->validity.nsigned = (int)dup_count(txn, s->sig, op->code);
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
			const struct wh_kind *kd = kind_get(cat, kinds[i]);
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

/* A write transaction retried after the map grows. fn returns SH_OK, an
 * sh_error, or MDB_MAP_FULL (positive). */
static int write_txn_flags(sh_store *s, unsigned flags,
			   int (*fn)(sh_store *, MDB_txn *, void *), void *arg)
{
	if (s->rdonly)
		return sh_error_set(SH_EPERM, "warehouse opened read-only");
	for (;;) {
		MDB_txn *txn;
		int rc = store_txn_begin(s, flags, &txn);
		if (rc)
			return rc;
		rc = fn(s, txn, arg);
		if (rc) {
			mdb_txn_abort(txn);
		} else {
			int lrc = mdb_txn_commit(txn);
			rc = lrc == MDB_MAP_FULL ? MDB_MAP_FULL
			     : lrc		 ? store_lmdb_err(lrc, "warehouse")
						 : SH_OK;
		}
		if (rc == SH_EFULL && strstr(sh_error_message(), "map is full"))
			rc = MDB_MAP_FULL;
		if (rc != MDB_MAP_FULL)
			return rc;
		if ((rc = store_grow_map(s)))
			return rc;
	}
}

static int write_txn(sh_store *s, int (*fn)(sh_store *, MDB_txn *, void *), void *arg)
{
	return write_txn_flags(s, 0, fn, arg);
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
	if (strcmp(p->owner, d->owner) && !store_owner_has(txn, s->owner, d->owner, p->code)) {
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
		rc = lrc == MDB_MAP_FULL ? MDB_MAP_FULL : store_lmdb_err(lrc, "attaching");
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
	if (lrc == MDB_MAP_FULL)
		return MDB_MAP_FULL;
	return lrc ? store_lmdb_err(lrc, "receipt-date index") : SH_OK;
}

/* ---- many dossiers in one transaction ---------------------------------------------------- */

/* The bulk path prepares everything it can outside the write transaction
 * (checks, SHA-256, NFC, folding, tokenising), then writes each table in
 * key order: paper, dossier and rdate keys grow with receipt time and are
 * appended (MDB_APPEND, falling back to an ordinary put when a key is not
 * the largest), blob, owner and word entries are sorted first so that the
 * puts walk each B-tree once instead of dirtying pages at random. */

struct bpage {
	uint8_t sha[SH_SHA256_LEN], hocr_sha[SH_SHA256_LEN];
	char *text; /* NFC */
};

/* A word entry: a distinct folded word of the batch (interned) in a paper. */
struct bword {
	uint32_t wid, paper;
};

struct wref {
	size_t off; /* in the arena */
	uint32_t len;
};

struct wslot {
	uint64_t hash;
	uint32_t wid;
	int used;
};

/* A folded token: folding is per code point, so a token (NFC) folds the same
 * wherever it stands; each distinct token of a batch is folded once. */
struct fslot {
	uint64_t hash;
	size_t tok, fold; /* arena offsets */
	uint32_t tlen, flen;
	uint32_t wid;     /* the word, when single */
	int used, single; /* single: the folded token is one whole word */
	uint32_t xwid;    /* its accented lower-cased word (exact index), when xn == 1 */
	int xn;           /* how many it has (> 1: redone each time) */
};

struct bprep {
	size_t nd, np;
	char (*owner)[16];    /* normalised, per dossier */
	size_t *paper0;       /* first paper index of each dossier */
	const sh_wh_paper_in **paper; /* per paper */
	struct bpage **pages; /* per paper */
	sh_buf arena;         /* tokens and folded words */
	struct bword *w;
	size_t nw, wcap;
	struct wref *words; /* distinct folded words, by wid */
	size_t nwords, wordcap;
	struct wslot *wtab;
	size_t wtcap;
	struct fslot *memo;
	size_t mcap, mn;
	sh_nfc_cache *nfc;    /* the batch's words in NFC */
	/* while tokenising one page */
	const char *text;
	size_t prev_end;
	uint32_t cur;
	int nonascii_gap, err;
};

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
	return h;
}

static int wtab_grow(struct bprep *b)
{
	size_t nc = b->wtcap ? b->wtcap * 2 : 8192;
	struct wslot *nt = sh_calloc(nc, sizeof *nt);
	if (!nt)
		return SH_ENOMEM;
	for (size_t i = 0; i < b->wtcap; i++) {
		if (!b->wtab[i].used)
			continue;
		size_t j = b->wtab[i].hash & (nc - 1);
		while (nt[j].used)
			j = (j + 1) & (nc - 1);
		nt[j] = b->wtab[i];
	}
	sh_free(b->wtab);
	b->wtab = nt;
	b->wtcap = nc;
	return SH_OK;
}

/* The id of the folded word at off (len bytes, cut to WORD_MAX) in the
 * arena; an exact word starts with byte 1 (and has WORD_MAX bytes after it). */
static int word_intern(struct bprep *b, size_t off, size_t len, uint32_t *wid)
{
	size_t max = WORD_MAX + (len && b->arena.data[off] == 1);
	if (len > max)
		len = max;
	if (b->nwords * 2 >= b->wtcap) {
		int rc = wtab_grow(b);
		if (rc)
			return rc;
	}
	const char *w = (const char *)b->arena.data + off;
	uint64_t h = fnv1a(w, len);
	size_t j = h & (b->wtcap - 1);
	for (; b->wtab[j].used; j = (j + 1) & (b->wtcap - 1)) {
		const struct wref *r = &b->words[b->wtab[j].wid];
		if (b->wtab[j].hash == h && r->len == len &&
		    !memcmp((const char *)b->arena.data + r->off, w, len)) {
			*wid = b->wtab[j].wid;
			return SH_OK;
		}
	}
	if (b->nwords == b->wordcap) {
		size_t nc = b->wordcap ? b->wordcap * 2 : 4096;
		struct wref *nw = sh_realloc(b->words, nc * sizeof *nw);
		if (!nw)
			return SH_ENOMEM;
		b->words = nw;
		b->wordcap = nc;
	}
	b->words[b->nwords] = (struct wref){off, (uint32_t)len};
	b->wtab[j] = (struct wslot){h, (uint32_t)b->nwords, 1};
	*wid = (uint32_t)b->nwords++;
	return SH_OK;
}

static int bword_push(struct bprep *b, uint32_t wid)
{
	if (b->nw == b->wcap) {
		size_t nc = b->wcap ? b->wcap * 2 : 4096;
		struct bword *nw = sh_realloc(b->w, nc * sizeof *nw);
		if (!nw)
			return SH_ENOMEM;
		b->w = nw;
		b->wcap = nc;
	}
	b->w[b->nw++] = (struct bword){wid, b->cur};
	return SH_OK;
}

static int bword_add(struct bprep *b, size_t off, size_t len)
{
	uint32_t wid;
	int rc = word_intern(b, off, len, &wid);
	return rc ? rc : bword_push(b, wid);
}

struct wspan {
	const char *base;
	struct bprep *b;
	size_t base_off, n, first_len;
	int emit;
};

static int fold_word(void *arg, const char *w, size_t n)
{
	struct wspan *x = arg;
	if (!x->n++)
		x->first_len = (size_t)(w - x->base) == 0 ? n : (size_t)-1;
	if (x->emit && (x->b->err = bword_add(x->b, x->base_off + (size_t)(w - x->base), n)))
		return 1;
	return 0;
}

struct xspan {
	struct bprep *b;
	int push, n;
	uint32_t wid;
};

/* One word of a lower-cased text: an exact word. */
static int exact_word(void *arg, const char *w, size_t n)
{
	struct xspan *x = arg;
	struct bprep *b = x->b;
	if (n > WORD_MAX)
		n = WORD_MAX;
	size_t off = b->arena.len;
	if ((b->err = sh_buf_put(&b->arena, "\1", 1)) || (b->err = sh_buf_put(&b->arena, w, n)) ||
	    (b->err = word_intern(b, off, n + 1, &x->wid)) ||
	    (x->push && (b->err = bword_push(b, x->wid))))
		return 1;
	x->n++;
	return 0;
}

/* The exact words of text (n bytes, NFC), pushed for the current paper
 * when push; x->n of them, the last in x->wid. */
static int exact_words(struct bprep *b, const char *text, size_t n, int push, struct xspan *x)
{
	char *low = NULL;
	*x = (struct xspan){b, push, 0, 0};
	int rc = sh_text_lower(&low, text, n);
	if (rc)
		return rc;
	b->err = 0;
	sh_text_words(low, strlen(low), exact_word, x);
	sh_free(low);
	return b->err;
}

static int memo_grow(struct bprep *b)
{
	size_t nc = b->mcap ? b->mcap * 2 : 8192;
	struct fslot *nm = sh_calloc(nc, sizeof *nm);
	if (!nm)
		return SH_ENOMEM;
	for (size_t i = 0; i < b->mcap; i++) {
		if (!b->memo[i].used)
			continue;
		size_t j = b->memo[i].hash & (nc - 1);
		while (nm[j].used)
			j = (j + 1) & (nc - 1);
		nm[j] = b->memo[i];
	}
	sh_free(b->memo);
	b->memo = nm;
	b->mcap = nc;
	return SH_OK;
}

/* One NFC token of the page being prepared: its folded words. */
static int bulk_token(void *arg, const char *t, size_t n)
{
	struct bprep *b = arg;
	size_t start = (size_t)(t - b->text);
	for (size_t i = b->prev_end; i < start; i++)
		if ((uint8_t)b->text[i] >= 0x80)
			b->nonascii_gap = 1;
	b->prev_end = start + n;
	if (b->nonascii_gap)
		return 1; /* the caller folds the whole page instead */
	if (b->mn * 2 >= b->mcap && (b->err = memo_grow(b)))
		return 1;
	uint64_t h = fnv1a(t, n);
	size_t j = h & (b->mcap - 1);
	while (b->memo[j].used && !(b->memo[j].hash == h && b->memo[j].tlen == n &&
				    !memcmp((const char *)b->arena.data + b->memo[j].tok, t, n)))
		j = (j + 1) & (b->mcap - 1);
	struct fslot *f = &b->memo[j];
	if (!f->used) {
		char *folded = NULL;
		if ((b->err = sh_text_fold(&folded, t, n)))
			return 1;
		size_t fl = strlen(folded), tok = b->arena.len;
		if ((b->err = sh_buf_put(&b->arena, t, n)) ||
		    (b->err = sh_buf_put(&b->arena, folded, fl))) {
			sh_free(folded);
			return 1;
		}
		struct wspan x = {folded, b, 0, 0, 0, 0};
		sh_text_words(folded, fl, fold_word, &x);
		sh_free(folded);
		*f = (struct fslot){h, tok, tok + n, (uint32_t)n, (uint32_t)fl, 0, 1,
				    x.n == 1 && x.first_len == fl, 0, 0};
		b->mn++;
		if (f->single && (b->err = word_intern(b, f->fold, f->flen, &f->wid)))
			return 1;
		struct xspan xs;
		if ((b->err = exact_words(b, t, n, 0, &xs)))
			return 1;
		f->xn = xs.n;
		f->xwid = xs.wid;
	}
	if (f->xn == 1 && (b->err = bword_push(b, f->xwid)))
		return 1;
	if (f->xn > 1) {
		struct xspan xs;
		if ((b->err = exact_words(b, (const char *)b->arena.data + f->tok, f->tlen, 1, &xs)))
			return 1;
	}
	if (f->single)
		return (b->err = bword_push(b, f->wid)) != 0;
	struct wspan x = {(const char *)b->arena.data + f->fold, b, f->fold, 0, 0, 1};
	sh_text_words((const char *)b->arena.data + f->fold, f->flen, fold_word, &x);
	return b->err != 0;
}

/* The words of one page's NFC text, as sh_text_words(sh_text_fold(text)). */
static int bulk_page_words(struct bprep *b, const char *text)
{
	size_t nw0 = b->nw, len = strlen(text);
	b->text = text;
	b->prev_end = 0;
	b->nonascii_gap = 0;
	b->err = 0;
	sh_text_words(text, len, bulk_token, b);
	if (b->err)
		return b->err;
	for (size_t i = b->prev_end; i < len && !b->nonascii_gap; i++)
		if ((uint8_t)text[i] >= 0x80)
			b->nonascii_gap = 1;
	if (!b->nonascii_gap)
		return SH_OK;
	/* a separator outside ASCII: fold the page whole, as the index check does */
	b->nw = nw0;
	char *folded = NULL;
	int rc = sh_text_fold(&folded, text, len);
	if (rc)
		return rc;
	size_t fl = strlen(folded), off = b->arena.len;
	rc = sh_buf_put(&b->arena, folded, fl);
	sh_free(folded);
	if (rc)
		return rc;
	struct wspan x = {(const char *)b->arena.data + off, b, off, 0, 0, 1};
	sh_text_words((const char *)b->arena.data + off, fl, fold_word, &x);
	if (b->err)
		return b->err;
	struct xspan xs;
	return exact_words(b, text, len, 1, &xs);
}

static void bprep_free(struct bprep *b)
{
	for (size_t i = 0; b->pages && i < b->np; i++) {
		for (size_t j = 0; b->pages[i] && j < b->paper[i]->npages; j++)
			sh_free(b->pages[i][j].text);
		sh_free(b->pages[i]);
	}
	sh_free(b->pages);
	sh_free(b->paper);
	sh_free(b->owner);
	sh_free(b->paper0);
	sh_free(b->w);
	sh_free(b->words);
	sh_free(b->wtab);
	sh_free(b->memo);
	sh_nfc_cache_free(&b->nfc);
	sh_buf_free(&b->arena);
	memset(b, 0, sizeof *b);
}

/* Everything that needs no transaction. Errors name the dossier. */
static int bprep_make(struct bprep *b, const sh_wh_dossier_in *in, size_t n)
{
	memset(b, 0, sizeof *b);
	b->nd = n;
	for (size_t i = 0; i < n; i++)
		b->np += in[i].npapers;
	if (sh_nfc_cache_new(&b->nfc) ||
	    !(b->owner = sh_calloc(n ? n : 1, sizeof *b->owner)) ||
	    !(b->paper0 = sh_calloc(n + 1, sizeof *b->paper0)) ||
	    !(b->paper = sh_calloc(b->np ? b->np : 1, sizeof *b->paper)) ||
	    !(b->pages = sh_calloc(b->np ? b->np : 1, sizeof *b->pages)))
		return SH_ENOMEM;
	size_t p = 0;
	for (size_t d = 0; d < n; d++) {
		int rc = sh_id_owner_check(NULL, b->owner[d], in[d].owner);
		if (!rc && (!in[d].npapers || in[d].npapers > 999 || !in[d].procedure ||
			    !*in[d].procedure))
			rc = sh_error_set(SH_EINVAL, "a dossier needs a procedure and 1 to 999 "
						     "papers");
		if (rc)
			return sh_error_wrap(rc, "dossier %zu of the batch: ", d + 1);
		b->paper0[d] = p;
		for (size_t i = 0; i < in[d].npapers; i++, p++) {
			const sh_wh_paper_in *pi = &in[d].papers[i];
			b->paper[p] = pi;
			if (!code_ok(pi->kind ? pi->kind : "TL", 12, NULL) || !pi->npages)
				return sh_error_set(SH_EINVAL, "dossier %zu of the batch: paper %zu: "
							       "bad kind or no pages", d + 1, i + 1);
			if (!(b->pages[p] = sh_calloc(pi->npages, sizeof **b->pages)))
				return SH_ENOMEM;
			b->cur = (uint32_t)p;
			for (size_t j = 0; j < pi->npages; j++) {
				const sh_wh_page_in *pg = &pi->pages[j];
				struct bpage *bp = &b->pages[p][j];
				if (!pg->image || !pg->image_len || !pg->mime)
					return sh_error_set(SH_EINVAL, "dossier %zu of the batch: paper "
								       "%zu page %zu has no image",
							    d + 1, i + 1, j + 1);
				const char *t0 = pg->text ? pg->text : "";
				if ((rc = sh_text_nfc_cached(b->nfc, &bp->text, t0, strlen(t0))) ||
				    (rc = bulk_page_words(b, bp->text)))
					return sh_error_wrap(rc, "dossier %zu of the batch: ", d + 1);
				sh_sha256(bp->sha, pg->image, pg->image_len);
				if (pg->hocr)
					sh_sha256(bp->hocr_sha, pg->hocr, strlen(pg->hocr));
			}
		}
	}
	b->paper0[n] = p;
	return SH_OK;
}

struct bcode {
	const char *code;
	uint32_t paper;
};
struct bowner {
	const char *owner;
	uint32_t rank;
	uint32_t dossier;
};
struct bblob {
	const uint8_t *sha;
	const void *data;
	size_t len;
};

static int cmp_bcode(const void *a, const void *b)
{
	return strcmp(((const struct bcode *)a)->code, ((const struct bcode *)b)->code);
}

struct wsort {
	const char *w;
	uint32_t len, wid;
};

static int cmp_wsort(const void *a, const void *b)
{
	const struct wsort *x = a, *y = b;
	int c = memcmp(x->w, y->w, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/* Sort n keys (word rank << 32 | code rank, each below its bound) by
 * counting, code rank first then word rank (stable): two passes. */
static int sort_keys(uint64_t *k, size_t n, size_t nwords, size_t ncodes)
{
	size_t m = nwords > ncodes ? nwords : ncodes;
	uint64_t *tmp = sh_malloc((n ? n : 1) * sizeof *tmp);
	size_t *cnt = sh_malloc((m + 1) * sizeof *cnt);
	if (!tmp || !cnt) {
		sh_free(tmp);
		sh_free(cnt);
		return SH_ENOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		size_t bound = pass ? nwords : ncodes;
		int shift = pass ? 32 : 0;
		memset(cnt, 0, (bound + 1) * sizeof *cnt);
		for (size_t i = 0; i < n; i++)
			cnt[(uint32_t)(k[i] >> shift) + 1]++;
		for (size_t i = 1; i <= bound; i++)
			cnt[i] += cnt[i - 1];
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(uint32_t)(k[i] >> shift)]++] = k[i];
		memcpy(k, tmp, n * sizeof *k);
	}
	sh_free(tmp);
	sh_free(cnt);
	return SH_OK;
}

static int cmp_bowner(const void *a, const void *b)
{
	const struct bowner *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);
	return c ? c : (x->rank < y->rank ? -1 : x->rank > y->rank);
}

static int cmp_bblob(const void *a, const void *b)
{
	return memcmp(((const struct bblob *)a)->sha, ((const struct bblob *)b)->sha, SH_SHA256_LEN);
}

/* Put with MDB_APPEND when the key is the table's largest, else as flags. */
static int put_append(MDB_cursor *c, MDB_val *k, MDB_val *v, unsigned flags)
{
	int lrc = mdb_cursor_put(c, k, v, MDB_APPEND);
	if (lrc == MDB_KEYEXIST)
		lrc = mdb_cursor_put(c, k, v, flags);
	return lrc;
}

/* The dossier records, codes, papers, receipt-date index; no signatures, no
 * ikey (as dossier.c's put otherwise). */
static int bulk_dossier(sh_store *s, MDB_txn *txn, const struct bprep *b, size_t d,
			const sh_wh_dossier_in *in, sh_wh_dossier_codes *codes, MDB_cursor *pc,
			MDB_cursor *dc, MDB_cursor *rc_, MDB_cursor *ic, uint32_t first_id, int64_t t)
{
	const char *owner = b->owner[d];
	int rc = SH_OK, lrc = 0;
	rec_w w, dw;
	memset(&w, 0, sizeof w);
	memset(&dw, 0, sizeof dw);
	if ((rc = wh_next_dossier_code(s, txn, t, codes->dossier, &lrc)))
		return rc;
	if (lrc)
		goto lfail;
	rec_begin(&dw, REC_DOSSIER);
	rec_str(&dw, D_CODE, codes->dossier);
	rec_str(&dw, D_AGENCY, s->agency);
	rec_str(&dw, D_OWNER, owner);
	rec_str(&dw, D_PROCEDURE, in->procedure);
	rec_i64(&dw, D_RECEIVED, t);
	rec_str(&dw, D_OPERATOR, wh_operator_or(s, in->operator_id));
	for (size_t i = 0; i < in->npapers; i++) {
		const sh_wh_paper_in *p = &in->papers[i];
		const struct bpage *bp = b->pages[b->paper0[d] + i];
		const char *kind = p->kind ? p->kind : "TL";
		snprintf(codes->papers[i], SH_STORE_CODE_MAX, "%s-%02zu-%s", codes->dossier, i + 1, kind);
		rec_str(&dw, D_PAPER, codes->papers[i]);
		rec_begin(&w, REC_PAPER);
		rec_str(&w, P_CODE, codes->papers[i]);
		rec_str(&w, P_DOSSIER, codes->dossier);
		rec_str(&w, P_OWNER, owner);
		rec_str(&w, P_FILE, p->file);
		rec_str(&w, P_KIND, kind);
		rec_str(&w, P_FACTS, p->facts);
		rec_u64(&w, P_FLAGS, p->flags);
		rec_i64(&w, P_CREATED, t);
		uint32_t id = first_id + (uint32_t)(b->paper0[d] + i);
		rec_u64(&w, P_ID, id);
		for (size_t j = 0; j < p->npages; j++) {
			const sh_wh_page_in *pg = &p->pages[j];
			rec_w gw;
			rec_begin(&gw, REC_PAGE);
			rec_bytes(&gw, G_IMAGE, bp[j].sha, SH_SHA256_LEN);
			rec_str(&gw, G_MIME, pg->mime);
			rec_u64(&gw, G_IMAGE_LEN, pg->image_len);
			rec_str(&gw, G_TEXT, bp[j].text);
			if (pg->hocr)
				rec_bytes(&gw, G_HOCR, bp[j].hocr_sha, SH_SHA256_LEN);
			rec_u64(&gw, G_WIDTH, (uint64_t)(pg->width > 0 ? pg->width : 0));
			rec_u64(&gw, G_HEIGHT, (uint64_t)(pg->height > 0 ? pg->height : 0));
			rec_u64(&gw, G_DPI, (uint64_t)(pg->dpi > 0 ? pg->dpi : 0));
			rec_u64(&gw, G_ROTATION, (uint64_t)((pg->rotation % 360 + 360) % 360));
			rec_f32(&gw, G_CONF, pg->confidence);
			rec_u64(&gw, G_FLAGS, pg->flags);
			rec_str(&gw, G_NOTE, pg->note);
			rec_str(&gw, G_MAKE, pg->make && *pg->make ? pg->make : NULL);
			rec_str(&gw, G_MODEL, pg->model && *pg->model ? pg->model : NULL);
			if (!gw.err)
				rec_bytes(&w, P_PAGE, gw.b.data, gw.b.len);
			rc = gw.err;
			sh_buf_free(&gw.b);
			if (rc)
				goto out;
		}
		if ((rc = w.err))
			goto out;
		MDB_val pk = {strlen(codes->papers[i]), codes->papers[i]}, pv = {w.b.len, w.b.data};
		if ((lrc = put_append(pc, &pk, &pv, MDB_NOOVERWRITE)))
			goto lfail;
		uint8_t ib[4];
		store_be32(ib, id);
		MDB_val ik = {4, ib};
		if ((lrc = put_append(ic, &ik, &pk, MDB_NOOVERWRITE)))
			goto lfail;
		sh_buf_free(&w.b);
	}
	if ((rc = dw.err))
		goto out;
	MDB_val dk = {strlen(codes->dossier), codes->dossier}, dv = {dw.b.len, dw.b.data};
	if ((lrc = put_append(dc, &dk, &dv, MDB_NOOVERWRITE)))
		goto lfail;
	uint8_t kb[8 + SH_STORE_CODE_MAX];
	MDB_val rk = {wh_rdate_key(kb, codes->dossier, t), kb}, rv = {0, ""};
	if ((lrc = put_append(rc_, &rk, &rv, 0)))
		goto lfail;
	goto out;
lfail:
	rc = lrc == MDB_MAP_FULL ? MDB_MAP_FULL : store_lmdb_err(lrc, "storing dossiers");
out:
	sh_buf_free(&w.b);
	sh_buf_free(&dw.b);
	return rc;
}

struct bulk {
	const sh_wh_dossier_in *in;
	size_t n;
	sh_wh_dossier_codes **out;
	struct bprep *prep;
};

static int bulk_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct bulk *bk = arg;
	struct bprep *b = bk->prep;
	MDB_cursor *cur[8] = {0};
	MDB_dbi dbis[8] = {s->paper, s->dossier, s->rdate, s->blob, s->owner, s->post, s->exact, s->pid};
	struct bcode *codes = NULL;
	struct bowner *own = NULL;
	struct bblob *blobs = NULL;
	uint32_t *rank = NULL, *wrank = NULL;
	int64_t *when = NULL;
	struct wsort *ws = NULL;
	uint64_t *keys = NULL;
	size_t nblobs = 0;
	int rc = SH_OK, lrc = 0;
	uint32_t first_id = 0;
	for (size_t i = 0; i < 8; i++)
		if ((lrc = mdb_cursor_open(txn, dbis[i], &cur[i])))
			goto lfail;
	if (b->np > STORE_PID_MAX) {
		rc = sh_error_set(SH_EINVAL, "too many papers in one batch");
		goto out;
	}
	if ((rc = store_pid_alloc(s, txn, (uint32_t)b->np, &first_id, &lrc)))
		goto out;
	if (lrc)
		goto lfail;
	if (!(when = sh_calloc(bk->n ? bk->n : 1, sizeof *when))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t d = 0; d < bk->n; d++) {
		when[d] = bk->in[d].received ? bk->in[d].received : sh_now();
		rc = bulk_dossier(s, txn, b, d, &bk->in[d], bk->out[d], cur[0], cur[1], cur[2],
				  cur[7], first_id, when[d]);
		if (rc) {
			if (rc < 0)
				rc = sh_error_wrap(rc, "dossier %zu of the batch: ", d + 1);
			goto out;
		}
	}
	/* the codes' order: word and owner entries are put in (key, code) order */
	size_t npages = 0;
	for (size_t p = 0; p < b->np; p++)
		npages += b->paper[p]->npages;
	if (!(codes = sh_calloc(b->np ? b->np : 1, sizeof *codes)) ||
	    !(own = sh_calloc(b->np ? b->np : 1, sizeof *own)) ||
	    !(rank = sh_calloc(b->np ? b->np : 1, sizeof *rank)) ||
	    !(wrank = sh_calloc(b->nwords ? b->nwords : 1, sizeof *wrank)) ||
	    !(ws = sh_calloc(b->nwords ? b->nwords : 1, sizeof *ws)) ||
	    !(keys = sh_calloc(b->nw ? b->nw : 1, sizeof *keys)) ||
	    !(blobs = sh_calloc(npages ? 2 * npages : 1, sizeof *blobs))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t d = 0; d < bk->n; d++)
		for (size_t i = 0; i < bk->in[d].npapers; i++)
			codes[b->paper0[d] + i] =
				(struct bcode){bk->out[d]->papers[i], (uint32_t)(b->paper0[d] + i)};
	qsort(codes, b->np, sizeof *codes, cmp_bcode);
	for (size_t r = 0; r < b->np; r++)
		rank[codes[r].paper] = (uint32_t)r;
	/* (word, code) as one number: the words' order, then the codes' */
	for (size_t i = 0; i < b->nwords; i++)
		ws[i] = (struct wsort){(const char *)b->arena.data + b->words[i].off, b->words[i].len,
				       (uint32_t)i};
	qsort(ws, b->nwords, sizeof *ws, cmp_wsort);
	for (size_t i = 0; i < b->nwords; i++)
		wrank[ws[i].wid] = (uint32_t)i;
	/* (word, paper id) as one number: the words' order, then the papers' */
	for (size_t i = 0; i < b->nw; i++)
		keys[i] = (uint64_t)wrank[b->w[i].wid] << 32 | b->w[i].paper;
	for (size_t d = 0; d < bk->n; d++)
		for (size_t i = 0; i < bk->in[d].npapers; i++) {
			size_t p = b->paper0[d] + i;
			const sh_wh_paper_in *pi = b->paper[p];
			for (size_t j = 0; j < pi->npages; j++) {
				blobs[nblobs++] = (struct bblob){b->pages[p][j].sha, pi->pages[j].image,
								 pi->pages[j].image_len};
				if (pi->pages[j].hocr)
					blobs[nblobs++] = (struct bblob){b->pages[p][j].hocr_sha,
									 pi->pages[j].hocr,
									 strlen(pi->pages[j].hocr)};
			}
		}
	for (size_t r = 0; r < b->np; r++) {
		size_t p = codes[r].paper;
		/* the dossier of paper p: paper0 is ascending */
		size_t lo = 0, hi = bk->n;
		while (lo + 1 < hi) {
			size_t mid = (lo + hi) / 2;
			if (b->paper0[mid] <= p)
				lo = mid;
			else
				hi = mid;
		}
		own[r] = (struct bowner){b->owner[lo], (uint32_t)r, (uint32_t)lo};
	}
	qsort(blobs, nblobs, sizeof *blobs, cmp_bblob);
	qsort(own, b->np, sizeof *own, cmp_bowner);
	if ((rc = sort_keys(keys, b->nw, b->nwords, b->np)))
		goto out;
	for (size_t i = 0; i < nblobs; i++) {
		MDB_val k = {SH_SHA256_LEN, (void *)blobs[i].sha}, v = {blobs[i].len,
									(void *)blobs[i].data};
		if ((lrc = mdb_cursor_put(cur[3], &k, &v, MDB_NOOVERWRITE)) && lrc != MDB_KEYEXIST)
			goto lfail;
	}
	for (size_t i = 0; i < b->np; i++) {
		const struct bcode *bc = &codes[own[i].rank];
		const sh_wh_paper_in *pi = b->paper[bc->paper];
		if ((rc = store_owner_put(s, txn, cur[4], own[i].owner, bc->code,
					  first_id + bc->paper, when[own[i].dossier],
					  pi->kind ? pi->kind : "TL", pi->facts, &lrc)))
			goto out;
		if (lrc)
			goto lfail;
	}
	for (size_t i = 0; i < b->nw; i++) {
		if (i && keys[i - 1] == keys[i])
			continue; /* a word twice in a paper */
		const struct wsort *wd = &ws[keys[i] >> 32];
		int exact = wd->len && wd->w[0] == 1; /* marked: the exact index */
		uint8_t ib[4];
		store_be32(ib, first_id + (uint32_t)keys[i]);
		MDB_val k = {wd->len - (size_t)exact, (void *)(wd->w + exact)}, v = {4, ib};
		MDB_cursor *c = cur[5 + exact];
		/* the new ids are the largest: appended to each word's list */
		lrc = mdb_cursor_put(c, &k, &v, MDB_APPENDDUP);
		if (lrc == MDB_KEYEXIST)
			lrc = mdb_cursor_put(c, &k, &v, MDB_NODUPDATA);
		if (lrc && lrc != MDB_KEYEXIST)
			goto lfail;
	}
	lrc = 0;
	goto out;
lfail:
	rc = lrc == MDB_MAP_FULL ? MDB_MAP_FULL : store_lmdb_err(lrc, "storing dossiers");
out:
	for (size_t i = 0; i < 8; i++)
		if (cur[i])
			mdb_cursor_close(cur[i]);
	sh_free(codes);
	sh_free(own);
	sh_free(when);
	sh_free(blobs);
	sh_free(rank);
	sh_free(wrank);
	sh_free(ws);
	sh_free(keys);
	return rc;
}

int sh_wh_dossiers_put(sh_store *s, const sh_wh_dossier_in *in, size_t n, sh_wh_dossier_codes **out)
{
	memset(out, 0, n * sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_INGEST);
	for (size_t i = 0; i < n && !rc; i++) {
		out[i] = sh_calloc(1, sizeof **out);
		if (!out[i] || !in[i].npapers ||
		    !(out[i]->papers = sh_calloc(in[i].npapers, sizeof *out[i]->papers)))
			rc = out[i] && !in[i].npapers
				     ? sh_error_set(SH_EINVAL, "dossier %zu has no papers", i + 1)
				     : SH_ENOMEM;
		else
			out[i]->npapers = in[i].npapers;
	}
	struct bprep prep;
	memset(&prep, 0, sizeof prep);
	if (!rc)
		rc = bprep_make(&prep, in, n);
	struct bulk b = {in, n, out, &prep};
	/* SOHOA_BULK_NOSYNC=1: an import that can be run again asks for commits
	 * without fsync (docs/WAREHOUSE.md, "Scale"): a process crash loses
	 * nothing, an OS crash or power cut may lose the last batches */
	const char *ns = getenv("SOHOA_BULK_NOSYNC");
	if (!rc)
		rc = write_txn_flags(s, ns && !strcmp(ns, "1") ? MDB_NOSYNC : 0, bulk_fn, &b);
	bprep_free(&prep);
	if (rc)
		for (size_t i = 0; i < n; i++)
			sh_wh_dossier_codes_free(&out[i]);
	return rc;
}
