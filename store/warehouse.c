/* The warehouse of persons and organisations: the procedure and kind
 * catalogue, validity (facts, kind rules, clerk), revocation, reuse and
 * attachment of earlier papers, the receipt-date index, and bulk writes.
 * Tables and formats: docs/WAREHOUSE.md. */
#include "store_int.h"

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

struct sh_proc_cat {
	size_t nkinds, nprocs;
	struct wh_kind *kinds;
	struct wh_proc *procs;
};

const char *sh_proc_default_path(void)
{
#ifdef SOHOA_SOURCE_DIR
	return SOHOA_SOURCE_DIR "/store/procedures.json";
#else
	return "store/procedures.json";
#endif
}

void sh_proc_cat_free(sh_proc_cat **pc)
{
	sh_proc_cat *c = pc ? *pc : NULL;
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

static struct wh_kind *kind_slot(sh_proc_cat *c, const char *code)
{
	for (size_t i = 0; i < c->nkinds; i++)
		if (!strcmp(c->kinds[i].code, code))
			return &c->kinds[i];
	return NULL;
}

static int load_kinds(sh_proc_cat *c, json_t *kinds, const char *path)
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

static int load_procs(sh_proc_cat *c, json_t *procs, const char *path)
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

static int load_file(sh_proc_cat *c, const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sh_file_read(&data, &len, path, 16u << 20);
	if (rc)
		return rc;
	json_error_t err;
	json_t *root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
	sh_free(data);
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

int sh_proc_cat_load(sh_proc_cat **out, const char *path, const char *extra)
{
	*out = NULL;
	sh_proc_cat *c = sh_calloc(1, sizeof *c);
	if (!c)
		return SH_ENOMEM;
	int rc = load_file(c, path);
	struct stat st;
	if (!rc && extra && stat(extra, &st) == 0)
		rc = load_file(c, extra);
	if (rc) {
		sh_proc_cat_free(&c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

size_t sh_proc_cat_count(const sh_proc_cat *c) { return c ? c->nprocs : 0; }

int sh_proc_get(const sh_proc_cat *c, size_t i, const char **code, const char **name,
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

int sh_proc_find(const sh_proc_cat *c, const char *code, const char **name,
		 const char *const **kinds, size_t *nkinds)
{
	for (size_t i = 0; c && i < c->nprocs; i++)
		if (!strcmp(c->procs[i].code, code))
			return sh_proc_get(c, i, NULL, name, kinds, nkinds);
	return sh_error_set(SH_ENOTFOUND, "procedure %s is not in the catalogue: add it to the "
					  "office's procedures.json", code);
}

static const struct wh_kind *kind_get(const sh_proc_cat *c, const char *kind)
{
	for (size_t i = 0; c && i < c->nkinds; i++)
		if (!strcmp(c->kinds[i].code, kind))
			return &c->kinds[i];
	return NULL;
}

int store_wh_kind_reusable(const sh_proc_cat *c, const char *kind)
{
	const struct wh_kind *k = kind_get(c, kind);
	if (!k)
		return strcmp(kind, "TL") != 0 && strcmp(kind, "DON") != 0;
	return k->reusable;
}

const char *sh_proc_kind_name(const sh_proc_cat *c, const char *kind)
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

typedef struct wh_state {
	int has_until;
	int64_t until; /* SH_NEVER: never */
	char until_by[64];
	int64_t until_at;
	int64_t revoked_at; /* 0: not revoked */
	char reason[512], revoked_by[64];
} wh_state;

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

/* 1 and *st filled when code has a state record, 0 when none, <0 error. */
static int state_get(sh_store *s, MDB_txn *txn, const char *code, wh_state *st)
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

const char *sh_validity_status_name(int status)
{
	switch (status) {
	case SH_VALID: return "valid";
	case SH_EXPIRED: return "expired";
	case SH_REVOKED: return "revoked";
	default: return "unknown";
	}
}

const char *sh_validity_source_name(int source)
{
	switch (source) {
	case SH_VSRC_FACTS: return "facts";
	case SH_VSRC_RULE: return "rule";
	case SH_VSRC_CLERK: return "clerk";
	default: return "none";
	}
}

/* From the paper's own facts and its kind's rule. */
static void validity_of_paper(const sh_proc_cat *cat, const char *kind, const char *facts,
			      int64_t created, sh_validity *out)
{
	out->source = SH_VSRC_NONE;
	out->valid_until = SH_NEVER;
	json_t *f = facts ? json_loads(facts, 0, NULL) : NULL;
	json_t *vu = f ? json_object_get(f, "valid_until") : NULL;
	const struct wh_kind *k = kind_get(cat, kind);
	int64_t t;
	if (vu && json_is_string(vu) && !date_parse(&t, json_string_value(vu), 1)) {
		out->source = SH_VSRC_FACTS;
		out->valid_until = t;
	} else if (vu && json_is_null(vu)) { /* "Không thời hạn" printed */
		out->source = SH_VSRC_FACTS;
	} else if (k && k->rule == RULE_NEVER) {
		out->source = SH_VSRC_RULE;
	} else if (k && k->rule == RULE_DAYS) {
		json_t *d = f ? json_object_get(f, "date") : NULL;
		out->source = SH_VSRC_RULE;
		if (d && json_is_string(d) && !date_parse(&t, json_string_value(d), k->days))
			out->valid_until = t;
		else
			out->valid_until = created + (int64_t)k->days * 86400;
	}
	json_decref(f);
}

/* The whole validity of a decoded paper inside txn. */
int store_wh_validity(sh_store *s, MDB_txn *txn, const sh_proc_cat *cat, const char *code,
		      const char *kind, const char *facts, int64_t created, int64_t now,
		      sh_validity *out)
{
	memset(out, 0, sizeof *out);
	validity_of_paper(cat, kind, facts, created, out);
	wh_state st;
	int rc = state_get(s, txn, code, &st);
	if (rc < 0)
		return rc;
	if (rc == 1 && st.has_until) {
		out->source = SH_VSRC_CLERK;
		out->valid_until = st.until;
		snprintf(out->by, sizeof out->by, "%s", st.until_by);
	}
	out->status = now < out->valid_until ? SH_VALID : SH_EXPIRED;
	if (rc == 1 && st.revoked_at) {
		out->status = SH_REVOKED;
		out->revoked_at = st.revoked_at;
		snprintf(out->reason, sizeof out->reason, "%s", st.reason);
		snprintf(out->by, sizeof out->by, "%s", st.revoked_by);
	}
	MDB_cursor *c;
	if (!mdb_cursor_open(txn, s->sig, &c)) {
		MDB_val k = {strlen(code), (void *)code}, v;
		size_t cnt = 0;
		if (!mdb_cursor_get(c, &k, &v, MDB_SET_KEY) && !mdb_cursor_count(c, &cnt))
			out->nsigned = (int)cnt;
		mdb_cursor_close(c);
	}
	return SH_OK;
}

static int paper_in_txn(sh_store *s, MDB_txn *txn, const char *code, sh_paper_rec **out)
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

int sh_store_validity(sh_store *s, const sh_proc_cat *cat, const char *code, int64_t now,
		      sh_validity *out)
{
	memset(out, 0, sizeof *out);
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	sh_paper_rec *p = NULL;
	if (!(rc = paper_in_txn(s, txn, code, &p)))
		rc = store_wh_validity(s, txn, cat, code, p->kind, p->facts, p->created,
				       now ? now : sh_now(), out);
	sh_paper_rec_free(&p);
	mdb_txn_abort(txn);
	return rc;
}

/* ---- an owner's papers ------------------------------------------------------------ */

void sh_owner_papers_free(sh_owner_paper **pp, size_t n)
{
	sh_owner_paper *p = pp ? *pp : NULL;
	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		sh_free(p[i].facts);
	sh_free(p);
	*pp = NULL;
}

static int cmp_newest(const void *a, const void *b)
{
	const sh_owner_paper *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? 1 : -1;
	return strcmp(y->code, x->code);
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

/* Papers of owner (normalised) in txn; kind (may be NULL) filters. */
static int owner_papers_txn(sh_store *s, MDB_txn *txn, const sh_proc_cat *cat, const char *owner,
			    const char *kind, int64_t now, sh_owner_paper **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_cursor *c;
	int lrc = mdb_cursor_open(txn, s->owner, &c), rc = SH_OK;
	if (lrc)
		return store_lmdb_err(lrc, "owner index");
	sh_owner_paper *arr = NULL;
	size_t cnt = 0, cap = 0;
	MDB_val k = {strlen(owner), (void *)owner}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); lrc == 0;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		char code[SH_CODE_MAX];
		if (v.mv_size >= SH_CODE_MAX)
			continue;
		memcpy(code, v.mv_data, v.mv_size);
		code[v.mv_size] = 0;
		sh_paper_rec *p = NULL;
		if ((rc = paper_in_txn(s, txn, code, &p)))
			break;
		if (kind && strcmp(p->kind, kind)) {
			sh_paper_rec_free(&p);
			continue;
		}
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sh_owner_paper *na = sh_realloc(arr, nc * sizeof *na);
			if (!na) {
				sh_paper_rec_free(&p);
				rc = SH_ENOMEM;
				break;
			}
			arr = na;
			cap = nc;
		}
		sh_owner_paper *o = &arr[cnt];
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
		rc = store_wh_validity(s, txn, cat, o->code, o->kind, o->facts, o->created, now,
				       &o->validity);
		o->reused = dup_count(txn, s->attached, o->code);
		sh_paper_rec_free(&p);
		if (rc)
			break;
	}
	mdb_cursor_close(c);
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "owner index");
	if (rc) {
		sh_owner_papers_free(&arr, cnt);
		return rc;
	}
	if (cnt > 1)
		qsort(arr, cnt, sizeof *arr, cmp_newest);
	*out = arr;
	*n = cnt;
	return SH_OK;
}

int sh_store_owner_papers(sh_store *s, const sh_proc_cat *cat, const char *owner, int64_t now,
			  sh_owner_paper **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char norm[16];
	int rc = sh_id_owner_check(NULL, norm, owner);
	if (rc)
		return rc;
	MDB_txn *txn;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	rc = owner_papers_txn(s, txn, cat, norm, NULL, now ? now : sh_now(), out, n);
	mdb_txn_abort(txn);
	return rc;
}

/* ---- reuse --------------------------------------------------------------------- */

void sh_reuse_free(sh_reuse **pr)
{
	sh_reuse *r = pr ? *pr : NULL;
	if (!r)
		return;
	for (size_t i = 0; i < r->nneeds; i++)
		sh_owner_papers_free(&r->needs[i].papers, r->needs[i].npapers);
	sh_free(r->needs);
	sh_free(r);
	*pr = NULL;
}

int sh_store_reuse(sh_store *s, const sh_proc_cat *cat, const char *owner, const char *procedure,
		   int64_t now, sh_reuse **out)
{
	*out = NULL;
	char norm[16];
	const char *name;
	const char *const *kinds;
	size_t nkinds, np = 0;
	int rc = sh_id_owner_check(NULL, norm, owner);
	if (rc)
		return rc;
	if ((rc = sh_proc_find(cat, procedure, &name, &kinds, &nkinds)))
		return rc;
	if (!now)
		now = sh_now();
	sh_reuse *r = sh_calloc(1, sizeof *r);
	sh_owner_paper *all = NULL;
	MDB_txn *txn = NULL;
	if (!r || (nkinds && !(r->needs = sh_calloc(nkinds, sizeof *r->needs)))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < sh_proc_cat_count(cat); i++) {
		const char *c;
		sh_proc_get(cat, i, &c, NULL, NULL, NULL);
		if (!strcmp(c, procedure)) {
			r->procedure = c;
			break;
		}
	}
	r->name = name;
	r->nneeds = nkinds;
	for (size_t i = 0; i < nkinds; i++) {
		r->needs[i].kind = kinds[i];
		r->needs[i].kind_name = sh_proc_kind_name(cat, kinds[i]);
	}
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		goto out;
	if ((rc = owner_papers_txn(s, txn, cat, norm, NULL, now, &all, &np)))
		goto out;
	/* all is newest first: hand each valid, reusable paper to its kind */
	for (size_t i = 0; i < nkinds; i++) {
		const struct wh_kind *k = kind_get(cat, kinds[i]);
		if (k && !k->reusable)
			continue;
		sh_reuse_need *nd = &r->needs[i];
		for (size_t j = 0; j < np; j++) {
			if (strcmp(all[j].kind, kinds[i]) || all[j].validity.status != SH_VALID)
				continue;
			sh_owner_paper *na = sh_realloc(nd->papers, (nd->npapers + 1) * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				goto out;
			}
			nd->papers = na;
			na[nd->npapers] = all[j];
			all[j].facts = NULL; /* moved */
			nd->npapers++;
		}
	}
out:
	if (txn)
		mdb_txn_abort(txn);
	sh_owner_papers_free(&all, np);
	if (rc) {
		sh_reuse_free(&r);
		return rc;
	}
	*out = r;
	return SH_OK;
}

/* ---- signed changes: revocation, validity, reuse ------------------------------------ */

static int paper_owner_kind(sh_store *s, MDB_txn *txn, const char *code, sh_paper_rec **p)
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
static int write_txn(sh_store *s, int (*fn)(sh_store *, MDB_txn *, void *), void *arg)
{
	for (;;) {
		MDB_txn *txn;
		int rc = store_txn_begin(s, 0, &txn);
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

struct change {
	const sh_sign_key *key;
	const sh_proc_cat *cat;
	const char *code, *dossier, *reason, *op;
	int64_t when, until;
	int revoke;
	uint64_t index;
};

static int revoke_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct change *c = arg;
	sh_paper_rec *p = NULL;
	wh_state st;
	int rc = paper_owner_kind(s, txn, c->code, &p);
	if (rc)
		return rc;
	if ((rc = state_get(s, txn, c->code, &st)) < 0)
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
		facts[nf++] = (sh_sign_fact){"valid_until", c->until == SH_NEVER ? "never" : until};
	}
	if (c->op && *c->op)
		facts[nf++] = (sh_sign_fact){"operator", c->op};
	if ((rc = store_log_event(s, txn, c->key, c->revoke ? "revocation" : "validity", c->code,
				  p->owner, facts, nf, c->when, &c->index)))
		goto out;
	rc = state_put(s, txn, c->code, &st);
out:
	sh_paper_rec_free(&p);
	return rc;
}

int sh_store_revoke(sh_store *s, const sh_sign_key *key, const char *code, const char *reason,
		    const char *operator_id, int64_t when, uint64_t *out_index)
{
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

int sh_store_validity_set(sh_store *s, const sh_sign_key *key, const char *code,
			  int64_t valid_until, const char *operator_id, int64_t when,
			  uint64_t *out_index)
{
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
	sh_paper_rec *p = NULL;
	sh_dossier_rec *d = NULL;
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
	if (strcmp(p->owner, d->owner)) {
		rc = sh_error_set(SH_EINVAL, "paper %s belongs to %s, dossier %s to %s: only the "
					     "owner's own papers can be reused", c->code, p->owner,
				  c->dossier, d->owner);
		goto out;
	}
	sh_validity v;
	if ((rc = store_wh_validity(s, txn, c->cat, p->code, p->kind, p->facts, p->created, c->when,
				    &v)))
		goto out;
	if (v.status != SH_VALID) {
		rc = sh_error_set(SH_EINVAL, "paper %s is %s%s%s: it cannot be reused; ask for a "
					     "new one", c->code, sh_validity_status_name(v.status),
				  v.reason[0] ? ": " : "", v.reason);
		goto out;
	}
	sh_sign_fact facts[3];
	size_t nf = 0;
	facts[nf++] = (sh_sign_fact){"dossier", c->dossier};
	if (c->op && *c->op)
		facts[nf++] = (sh_sign_fact){"operator", c->op};
	if ((rc = store_log_event(s, txn, c->key, "reuse", c->code, p->owner, facts, nf, c->when,
				  &c->index)))
		goto out;
	MDB_val pk = {strlen(c->code), (void *)c->code};
	if ((lrc = mdb_put(txn, s->attach, &dk, &pk, MDB_NODUPDATA)) ||
	    (lrc = mdb_put(txn, s->attached, &pk, &dk, MDB_NODUPDATA)))
		rc = lrc == MDB_MAP_FULL ? MDB_MAP_FULL : store_lmdb_err(lrc, "attaching");
out:
	sh_paper_rec_free(&p);
	sh_dossier_rec_free(&d);
	return rc;
}

int sh_store_attach(sh_store *s, const sh_sign_key *key, const sh_proc_cat *cat,
		    const char *dossier, const char *code, const char *operator_id, int64_t when,
		    uint64_t *out_index)
{
	struct change c = {key, cat, code, dossier, NULL, operator_id, when ? when : sh_now(), 0,
			   0, 0};
	int rc = write_txn(s, attach_fn, &c);
	if (!rc && out_index)
		*out_index = c.index;
	return rc;
}

int sh_store_attached(sh_store *s, const char *dossier, char (**out)[SH_CODE_MAX], size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;
	if ((lrc = mdb_cursor_open(txn, s->attach, &c))) {
		rc = store_lmdb_err(lrc, "attachments");
		goto out;
	}
	MDB_val k = {strlen(dossier), (void *)dossier}, v;
	size_t cap = 0;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); lrc == 0;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		if (v.mv_size >= SH_CODE_MAX)
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			char(*na)[SH_CODE_MAX] = sh_realloc(*out, nc * sizeof *na);
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

size_t store_wh_rdate_key(uint8_t *k, const char *dossier, int64_t received)
{
	uint64_t u = (uint64_t)received;
	for (int i = 7; i >= 0; i--, u >>= 8)
		k[i] = (uint8_t)u;
	size_t n = strlen(dossier);
	if (n >= SH_CODE_MAX)
		n = SH_CODE_MAX - 1;
	memcpy(k + 8, dossier, n);
	return 8 + n;
}

int store_wh_dossier_added(sh_store *s, MDB_txn *txn, const char *dossier, int64_t received)
{
	uint8_t kb[8 + SH_CODE_MAX];
	MDB_val k = {store_wh_rdate_key(kb, dossier, received), kb}, v = {0, ""};
	int lrc = mdb_put(txn, s->rdate, &k, &v, 0);
	if (lrc == MDB_MAP_FULL)
		return MDB_MAP_FULL;
	return lrc ? store_lmdb_err(lrc, "receipt-date index") : SH_OK;
}

/* ---- many dossiers in one transaction ---------------------------------------------------- */

struct wcollect {
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val code;
	int lrc;
};

static int bulk_word(void *arg, const char *w, size_t n)
{
	struct wcollect *c = arg;
	if (n > WORD_MAX)
		n = WORD_MAX;
	MDB_val key = {n, (void *)w};
	int rc = mdb_put(c->txn, c->dbi, &key, &c->code, MDB_NODUPDATA);
	if (rc && rc != MDB_KEYEXIST) {
		c->lrc = rc;
		return 1;
	}
	return 0;
}

/* Same records and indexes as dossier.c's put, no signatures, no ikey. */
static int bulk_one(sh_store *s, MDB_txn *txn, const sh_dossier_in *in, sh_dossier_codes *codes)
{
	char owner[16], day[8], seqkey[64];
	int rc = sh_id_owner_check(NULL, owner, in->owner), lrc = 0;
	rec_w w, dw;
	memset(&w, 0, sizeof w);
	memset(&dw, 0, sizeof dw);
	if (rc)
		return rc;
	if (!in->npapers || in->npapers > 999 || !in->procedure || !*in->procedure)
		return sh_error_set(SH_EINVAL, "a dossier needs a procedure and 1 to 999 papers");
	int64_t t = in->received ? in->received : sh_now();
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	snprintf(day, sizeof day, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
	snprintf(seqkey, sizeof seqkey, "D|%s", day); /* as dossier.c: one per office and day */
	MDB_val k = {strlen(seqkey), seqkey}, v;
	unsigned seq = 0;
	lrc = mdb_get(txn, s->seq, &k, &v);
	if (lrc == 0 && v.mv_size == 4) {
		const uint8_t *b = v.mv_data;
		seq = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	} else if (lrc && lrc != MDB_NOTFOUND) {
		goto lfail;
	}
	for (;;) {
		if (++seq > SH_SEQ_MAX)
			return sh_error_set(SH_EFULL, "agency %s has received %d dossiers on %s",
					    s->agency, SH_SEQ_MAX, day);
		snprintf(codes->dossier, sizeof codes->dossier, "%s-%s-%04u", s->agency, day, seq);
		MDB_val dk = {strlen(codes->dossier), codes->dossier};
		lrc = mdb_get(txn, s->dossier, &dk, &v);
		if (lrc == MDB_NOTFOUND)
			break;
		if (lrc)
			goto lfail;
	}
	uint8_t seqb[4] = {(uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
			   (uint8_t)seq};
	v.mv_size = 4;
	v.mv_data = seqb;
	if ((lrc = mdb_put(txn, s->seq, &k, &v, 0)))
		goto lfail;
	rec_begin(&dw, REC_DOSSIER);
	rec_str(&dw, D_CODE, codes->dossier);
	rec_str(&dw, D_AGENCY, s->agency);
	rec_str(&dw, D_OWNER, owner);
	rec_str(&dw, D_PROCEDURE, in->procedure);
	rec_i64(&dw, D_RECEIVED, t);
	rec_str(&dw, D_OPERATOR, in->operator_id);
	for (size_t i = 0; i < in->npapers; i++) {
		const sh_paper_in *p = &in->papers[i];
		const char *kind = p->kind ? p->kind : "TL";
		if (!code_ok(kind, 12, NULL) || !p->npages) {
			rc = sh_error_set(SH_EINVAL, "paper %zu: bad kind or no pages", i + 1);
			goto out;
		}
		snprintf(codes->papers[i], SH_CODE_MAX, "%s-%02zu-%s", codes->dossier, i + 1, kind);
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
		for (size_t j = 0; j < p->npages; j++) {
			const sh_page_in *pg = &p->pages[j];
			uint8_t sha[SH_SHA256_LEN];
			char *text = NULL;
			const char *t0 = pg->text ? pg->text : "";
			if (!pg->image || !pg->image_len || !pg->mime) {
				rc = sh_error_set(SH_EINVAL, "paper %zu page %zu has no image", i + 1,
						  j + 1);
				goto out;
			}
			if ((rc = sh_text_nfc(&text, t0, strlen(t0))))
				goto out;
			sh_sha256(sha, pg->image, pg->image_len);
			rec_w gw;
			rec_begin(&gw, REC_PAGE);
			rec_bytes(&gw, G_IMAGE, sha, SH_SHA256_LEN);
			rec_str(&gw, G_MIME, pg->mime);
			rec_u64(&gw, G_IMAGE_LEN, pg->image_len);
			rec_str(&gw, G_TEXT, text);
			rec_u64(&gw, G_WIDTH, (uint64_t)(pg->width > 0 ? pg->width : 0));
			rec_u64(&gw, G_HEIGHT, (uint64_t)(pg->height > 0 ? pg->height : 0));
			rec_u64(&gw, G_DPI, (uint64_t)(pg->dpi > 0 ? pg->dpi : 0));
			rec_u64(&gw, G_ROTATION, (uint64_t)((pg->rotation % 360 + 360) % 360));
			rec_f32(&gw, G_CONF, pg->confidence);
			rec_u64(&gw, G_FLAGS, pg->flags);
			rec_str(&gw, G_NOTE, pg->note);
			if (!gw.err)
				rec_bytes(&w, P_PAGE, gw.b.data, gw.b.len);
			rc = gw.err;
			sh_buf_free(&gw.b);
			MDB_val bk = {SH_SHA256_LEN, sha}, bv = {pg->image_len, (void *)pg->image};
			if (!rc) {
				lrc = mdb_put(txn, s->blob, &bk, &bv, MDB_NOOVERWRITE);
				if (lrc == MDB_KEYEXIST)
					lrc = 0;
			}
			if (!rc && !lrc) {
				char *folded = NULL;
				rc = sh_text_fold(&folded, text, strlen(text));
				if (!rc) {
					struct wcollect wc = {txn, s->word,
							      {strlen(codes->papers[i]),
							       codes->papers[i]},
							      0};
					sh_text_words(folded, strlen(folded), bulk_word, &wc);
					lrc = wc.lrc;
				}
				sh_free(folded);
			}
			sh_free(text);
			if (rc)
				goto out;
			if (lrc)
				goto lfail;
		}
		if ((rc = w.err))
			goto out;
		MDB_val pk = {strlen(codes->papers[i]), codes->papers[i]}, pv = {w.b.len, w.b.data};
		if ((lrc = mdb_put(txn, s->paper, &pk, &pv, MDB_NOOVERWRITE)))
			goto lfail;
		sh_buf_free(&w.b);
		MDB_val ok = {strlen(owner), owner};
		if ((lrc = mdb_put(txn, s->owner, &ok, &pk, MDB_NODUPDATA)))
			goto lfail;
	}
	if ((rc = dw.err))
		goto out;
	MDB_val dk = {strlen(codes->dossier), codes->dossier}, dv = {dw.b.len, dw.b.data};
	if ((lrc = mdb_put(txn, s->dossier, &dk, &dv, MDB_NOOVERWRITE)))
		goto lfail;
	rc = store_wh_dossier_added(s, txn, codes->dossier, t);
	goto out;
lfail:
	rc = lrc == MDB_MAP_FULL ? MDB_MAP_FULL : store_lmdb_err(lrc, "storing dossiers");
out:
	sh_buf_free(&w.b);
	sh_buf_free(&dw.b);
	return rc;
}

struct bulk {
	const sh_dossier_in *in;
	size_t n;
	sh_dossier_codes **out;
};

static int bulk_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct bulk *b = arg;
	for (size_t i = 0; i < b->n; i++) {
		int rc = bulk_one(s, txn, &b->in[i], b->out[i]);
		if (rc)
			return rc > 0 ? rc : sh_error_wrap(rc, "dossier %zu of the batch: ", i + 1);
	}
	return SH_OK;
}

int sh_store_dossiers_put(sh_store *s, const sh_dossier_in *in, size_t n, sh_dossier_codes **out)
{
	memset(out, 0, n * sizeof *out);
	int rc = SH_OK;
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
	struct bulk b = {in, n, out};
	if (!rc)
		rc = write_txn(s, bulk_fn, &b);
	if (rc)
		for (size_t i = 0; i < n; i++)
			sh_dossier_codes_free(&out[i]);
	return rc;
}
