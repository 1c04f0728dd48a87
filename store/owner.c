/* Owner index entries with a summary of the paper: what reuse, reports and
 * the owner filter need, read without the paper record (docs/FORMATS.md,
 * "Owner index"). */
#include "store_int.h"

#include <jansson.h>
#include <string.h>

static void put_str8(uint8_t *b, size_t *n, const char *s)
{
	size_t l = strlen(s);
	b[(*n)++] = (uint8_t)l;
	memcpy(b + *n, s, l);
	*n += l;
}

/* A fact as summary: 0 absent (or not a string that could be a date),
 * 1 null, 2 a string of at most STORE_OSUM_STR bytes. */
static int fact_kind(json_t *f, const char *name, char out[STORE_OSUM_STR + 1])
{
	json_t *v = f ? json_object_get(f, name) : NULL;
	out[0] = 0;
	if (v && json_is_null(v))
		return 1;
	if (v && json_is_string(v) && strlen(json_string_value(v)) <= STORE_OSUM_STR) {
		strcpy(out, json_string_value(v));
		return 2;
	}
	return 0;
}

int store_osum_encode(uint8_t *out, size_t *len, const char *code, uint32_t id, int64_t created,
		      const char *kind, const char *facts)
{
	size_t cl = strlen(code), kl = strlen(kind), n = 0;
	if (cl >= SH_STORE_CODE_MAX || kl > 15)
		return sh_error_set(SH_EINVAL, "paper code or kind too long for the owner index");
	char vu[STORE_OSUM_STR + 1] = "", date[STORE_OSUM_STR + 1] = "";
	int vuk = 0, datek = 0;
	/* only facts that name a validity or a date need parsing */
	if (facts && (strstr(facts, "\"valid_until\"") || strstr(facts, "\"date\""))) {
		json_t *f = json_loads(facts, 0, NULL);
		vuk = fact_kind(f, "valid_until", vu);
		datek = fact_kind(f, "date", date);
		json_decref(f);
	}
	memcpy(out, code, cl);
	n = cl;
	out[n++] = 0;
	out[n++] = 'S';
	store_be32(out + n, id);
	n += 4;
	store_be64(out + n, (uint64_t)created);
	n += 8;
	put_str8(out, &n, kind);
	out[n++] = (uint8_t)vuk;
	if (vuk == 2)
		put_str8(out, &n, vu);
	out[n++] = (uint8_t)(datek == 2 ? 2 : 0);
	if (datek == 2)
		put_str8(out, &n, date);
	*len = n;
	return SH_OK;
}

static int get_str8(const uint8_t **p, const uint8_t *end, char *out, size_t max)
{
	if (*p >= end)
		return -1;
	size_t l = **p;
	(*p)++;
	if (l > max || (size_t)(end - *p) < l || memchr(*p, 0, l))
		return -1;
	memcpy(out, *p, l);
	out[l] = 0;
	*p += l;
	return 0;
}

int store_osum_decode(const void *val, size_t len, store_osum *o)
{
	memset(o, 0, sizeof *o);
	const uint8_t *v = val, *z = memchr(v, 0, len), *end = v + len;
	size_t cl = z ? (size_t)(z - v) : len;
	if (!cl || cl >= SH_STORE_CODE_MAX)
		return -1;
	memcpy(o->code, v, cl);
	o->code[cl] = 0;
	if (!z)
		return 0; /* no summary */
	const uint8_t *p = z + 1;
	if (end - p < 13 || *p != 'S')
		return -1;
	o->id = store_rd32(p + 1);
	o->created = (int64_t)store_rd64(p + 5);
	p += 13;
	if (get_str8(&p, end, o->kind, sizeof o->kind - 1) || p >= end)
		return -1;
	o->vu = *p++;
	if (o->vu > 2 || (o->vu == 2 && get_str8(&p, end, o->vu_s, STORE_OSUM_STR)) || p >= end)
		return -1;
	o->date = *p++;
	if ((o->date != 0 && o->date != 2) ||
	    (o->date == 2 && get_str8(&p, end, o->date_s, STORE_OSUM_STR)) || p != end)
		return -1;
	o->has_sum = 1;
	return 0;
}

int store_owner_put(sh_store *s, MDB_txn *txn, MDB_cursor *c, const char *owner, const char *code,
		    uint32_t id, int64_t created, const char *kind, const char *facts, int *lrc)
{
	uint8_t b[STORE_OSUM_MAX];
	size_t n;
	*lrc = 0;
	int rc = store_osum_encode(b, &n, code, id, created, kind, facts);
	if (rc)
		return rc;
	MDB_val k = {strlen(owner), (void *)owner}, v = {n, b};
	*lrc = c ? mdb_cursor_put(c, &k, &v, MDB_NODUPDATA) : mdb_put(txn, s->owner, &k, &v, MDB_NODUPDATA);
	if (*lrc == MDB_KEYEXIST)
		*lrc = 0;
	return SH_OK;
}

int store_owner_has(MDB_txn *txn, MDB_dbi dbi, const char *owner, const char *code)
{
	MDB_cursor *c;
	if (mdb_cursor_open(txn, dbi, &c))
		return 0;
	size_t cl = strlen(code);
	MDB_val k = {strlen(owner), (void *)owner}, v = {cl, (void *)code};
	int ok = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH_RANGE) == 0 && v.mv_size >= cl &&
		 !memcmp(v.mv_data, code, cl) && (v.mv_size == cl || ((uint8_t *)v.mv_data)[cl] == 0);
	mdb_cursor_close(c);
	return ok;
}

uint32_t store_owner_entry_id(sh_store *s, MDB_txn *txn, const MDB_val *v)
{
	store_osum o;
	if (store_osum_decode(v->mv_data, v->mv_size, &o))
		return 0;
	if (o.has_sum)
		return o.id;
	MDB_val k = {strlen(o.code), o.code}, pv;
	if (mdb_get(txn, s->paper, &k, &pv))
		return 0;
	return store_paper_id(pv.mv_data, pv.mv_size);
}
