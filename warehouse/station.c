/* Capture stations (sh_wh.h "stations"): a station's token is kept only as
 * its SHA-256, in the meta table: "station|<name>" = hash (64 hex digits)
 * and "stationh|<hash>" = name, written and removed together. No schema
 * change; older programs ignore these keys. */
#include "wh_int.h"

#include <stdio.h>
#include <string.h>

static int name_ok(const char *n)
{
	size_t len = n ? strlen(n) : 0;
	if (!len || len > 32)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '.' ||
		      n[i] == '_' || n[i] == '-'))
			return 0;
	return 1;
}

static int hash_ok(const char *h)
{
	return h && strlen(h) == 64 && strspn(h, "0123456789abcdef") == 64;
}

static int bad_name(const char *n)
{
	return sh_error_set(SH_EINVAL, "station name '%.40s': use 1 to 32 of a-z 0-9 . _ -",
			    n ? n : "");
}

struct station_w {
	const char *name, *hash;
	int replica;
	const char *office; /* an office's token at the province: its agency */
};

static int station_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const char *name = ((const struct station_w *)arg)->name;
	const char *hash = ((const struct station_w *)arg)->hash;
	char k1[48], k2[80], old[65] = "";
	snprintf(k1, sizeof k1, "station|%s", name);
	MDB_val k = {strlen(k1), k1}, v;
	int lrc = mdb_get(txn, s->meta, &k, &v);
	if (!lrc && v.mv_size == 64)
		memcpy(old, v.mv_data, 64);
	if (lrc && lrc != MDB_NOTFOUND)
		return store_lmdb_err(lrc, "stations");
	if (hash && !lrc)
		return sh_error_set(SH_EEXISTS, "station %s exists: revoke it first", name);
	if (!hash && lrc)
		return sh_error_set(SH_ENOTFOUND, "no station named %s", name);
	/* "stationr|<name>": the token is a province's replication token */
	char k3[48];
	snprintf(k3, sizeof k3, "stationr|%s", name);
	MDB_val kk3 = {strlen(k3), k3}, v3 = {1, "1"};
	lrc = hash && ((const struct station_w *)arg)->replica ? mdb_put(txn, s->meta, &kk3, &v3, 0)
							       : mdb_del(txn, s->meta, &kk3, NULL);
	if (lrc && lrc != MDB_NOTFOUND)
		return store_write_err(s, lrc, "stations");
	/* "stationo|<name>" = agency: an office's token at the province */
	const char *office = ((const struct station_w *)arg)->office;
	char k4[48];
	snprintf(k4, sizeof k4, "stationo|%s", name);
	MDB_val kk4 = {strlen(k4), k4}, v4 = {office ? strlen(office) : 0, (void *)office};
	lrc = hash && office ? mdb_put(txn, s->meta, &kk4, &v4, 0) : mdb_del(txn, s->meta, &kk4, NULL);
	if (lrc && lrc != MDB_NOTFOUND)
		return store_write_err(s, lrc, "stations");
	if (hash) {
		snprintf(k2, sizeof k2, "stationh|%s", hash);
		MDB_val v1 = {64, (void *)hash}, kk2 = {strlen(k2), k2},
			v2 = {strlen(name), (void *)name};
		lrc = mdb_put(txn, s->meta, &k, &v1, 0);
		if (!lrc)
			lrc = mdb_put(txn, s->meta, &kk2, &v2, 0);
	} else {
		snprintf(k2, sizeof k2, "stationh|%s", old);
		MDB_val kk2 = {strlen(k2), k2};
		lrc = mdb_del(txn, s->meta, &k, NULL);
		if (!lrc && old[0]) {
			lrc = mdb_del(txn, s->meta, &kk2, NULL);
			if (lrc == MDB_NOTFOUND)
				lrc = 0;
		}
	}
	return lrc ? store_write_err(s, lrc, "stations") : SH_OK;
}

/* One write transaction: add (hash != NULL) or remove station name. */
static int station_write(sh_store *s, const char *name, const char *hash, int replica,
			 const char *office)
{
	struct station_w w = {name, hash, replica, office};
	return store_write(s, 0, "stations", station_fn, &w);
}

static int station_add(sh_store *s, const char *name, const char *hash_hex, int replica,
		       const char *office)
{
	int prc = sh_wh_may(s, SH_WH_PERM_ADMIN); /* deny by default: the admin's */
	if (prc)
		return prc;
	if (!name_ok(name))
		return bad_name(name);
	if (!hash_ok(hash_hex))
		return sh_error_set(SH_EINVAL, "a station token hash is 64 lower-case hex digits");
	if (office && (strlen(office) > SH_SIGN_AGENCY_MAX || sh_id_agency_check(office)))
		return sh_error_set(SH_EINVAL, "'%.40s' is not an agency id", office);
	return station_write(s, name, hash_hex, replica, office);
}

int sh_wh_station_add(sh_store *s, const char *name, const char *hash_hex)
{
	return station_add(s, name, hash_hex, 0, NULL);
}

int sh_wh_station_add_replica(sh_store *s, const char *name, const char *hash_hex)
{
	return station_add(s, name, hash_hex, 1, NULL);
}

int sh_wh_station_add_office(sh_store *s, const char *name, const char *hash_hex,
			     const char *agency)
{
	if (!agency)
		return sh_error_set(SH_EINVAL, "an office token needs the office's agency id");
	return station_add(s, name, hash_hex, 0, agency);
}

int sh_wh_station_office(sh_store *s, const char *name, char agency[SH_SIGN_AGENCY_MAX + 1])
{
	agency[0] = 0;
	if (!name_ok(name))
		return 0;
	MDB_txn *txn;
	if (store_txn_begin(s, MDB_RDONLY, &txn))
		return 0;
	char key[48];
	snprintf(key, sizeof key, "stationo|%s", name);
	MDB_val k = {strlen(key), key}, v;
	int yes = mdb_get(txn, s->meta, &k, &v) == 0 && v.mv_size <= SH_SIGN_AGENCY_MAX;
	if (yes) {
		memcpy(agency, v.mv_data, v.mv_size);
		agency[v.mv_size] = 0;
	}
	mdb_txn_abort(txn);
	return yes;
}

int sh_wh_station_is_replica(sh_store *s, const char *name)
{
	if (!name_ok(name))
		return 0;
	MDB_txn *txn;
	if (store_txn_begin(s, MDB_RDONLY, &txn))
		return 0;
	char key[48];
	snprintf(key, sizeof key, "stationr|%s", name);
	MDB_val k = {strlen(key), key}, v;
	int yes = mdb_get(txn, s->meta, &k, &v) == 0;
	mdb_txn_abort(txn);
	return yes;
}

int sh_wh_station_revoke(sh_store *s, const char *name)
{
	int prc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	if (prc)
		return prc;
	if (!name_ok(name))
		return bad_name(name);
	return station_write(s, name, NULL, 0, NULL);
}

int sh_wh_station_find(sh_store *s, const char *hash_hex, char name[33])
{
	name[0] = 0;
	if (!hash_ok(hash_hex))
		return sh_error_set(SH_ENOTFOUND, "unknown station token");
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	char key[80];
	snprintf(key, sizeof key, "stationh|%s", hash_hex);
	MDB_val k = {strlen(key), key}, v;
	int lrc = mdb_get(txn, s->meta, &k, &v);
	if (lrc == MDB_NOTFOUND)
		rc = sh_error_set(SH_ENOTFOUND, "unknown station token");
	else if (lrc)
		rc = store_lmdb_err(lrc, "stations");
	else if (v.mv_size < 1 || v.mv_size > 32)
		rc = sh_error_set(SH_ECORRUPT, "a station record is damaged");
	else {
		memcpy(name, v.mv_data, v.mv_size);
		name[v.mv_size] = 0;
	}
	mdb_txn_abort(txn);
	return rc;
}

int sh_wh_station_list(sh_store *s, char (**out)[33], size_t *n)
{
	*out = NULL;
	*n = 0;
	int prc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	return prc ? prc : wh_station_names(s, out, n);
}

int wh_station_names(sh_store *s, char (**out)[33], size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	int lrc = mdb_cursor_open(txn, s->meta, &cur);
	MDB_val k = {8, "station|"}, v;
	size_t cap = 0;
	for (int op = MDB_SET_RANGE; !lrc && !rc; op = MDB_NEXT) {
		lrc = mdb_cursor_get(cur, &k, &v, op);
		if (lrc || k.mv_size < 9 || memcmp(k.mv_data, "station|", 8))
			break;
		if (k.mv_size - 8 > 32)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			char (*nw)[33] = sh_realloc(*out, cap * sizeof **out);
			if (!nw) {
				rc = SH_ENOMEM;
				break;
			}
			*out = nw;
		}
		memcpy((*out)[*n], (char *)k.mv_data + 8, k.mv_size - 8);
		(*out)[*n][k.mv_size - 8] = 0;
		(*n)++;
	}
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "stations");
	if (cur)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
