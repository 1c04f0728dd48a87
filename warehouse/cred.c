/* Operators' credentials for the office server (sh_wh.h "credentials"):
 * "cred|<name>" in the meta table holds "<disabled 0|1>\n<encoded hash>".
 * Kept apart from access.c on purpose: the user table's records (the role)
 * keep their format, so older programs read this warehouse unchanged. */
#include "wh_int.h"

#include <stdio.h>
#include <string.h>

#define CRED_PREFIX "cred|"

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

static int bad_name(const char *n)
{
	return sh_error_set(SH_EINVAL, "operator name '%.40s': use 1 to 32 of a-z 0-9 . _ -",
			    n ? n : "");
}

static int user_exists(sh_store *s, MDB_txn *txn, const char *name)
{
	MDB_val k = {strlen(name), (void *)name}, v;
	int lrc = mdb_get(txn, s->user, &k, &v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no operator named %s", name);
	return lrc ? store_lmdb_err(lrc, "operators") : SH_OK;
}

/* The stored value split: disabled flag and the hash (may be empty). */
static int cred_read(MDB_txn *txn, sh_store *s, const char *name, int *disabled,
		     char **encoded)
{
	char key[48];
	snprintf(key, sizeof key, CRED_PREFIX "%s", name);
	MDB_val k = {strlen(key), key}, v;
	*disabled = 0;
	if (encoded)
		*encoded = NULL;
	int lrc = mdb_get(txn, s->meta, &k, &v);
	if (lrc == MDB_NOTFOUND)
		return SH_OK;
	if (lrc)
		return store_lmdb_err(lrc, "operators' credentials");
	const char *d = v.mv_data;
	if (v.mv_size < 2 || (d[0] != '0' && d[0] != '1') || d[1] != '\n' || v.mv_size > 2 + 255)
		return sh_error_set(SH_ECORRUPT, "operator %s has damaged credentials", name);
	*disabled = d[0] == '1';
	if (encoded && v.mv_size > 2 && !(*encoded = sh_strndup(d + 2, v.mv_size - 2)))
		return SH_ENOMEM;
	return SH_OK;
}

struct cred_w {
	const char *name, *hash;
	int disabled;
};

static int cred_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct cred_w *c = arg;
	char *old = NULL;
	int od = 0, rc, lrc;
	if ((rc = user_exists(s, txn, c->name)) ||
	    (rc = cred_read(txn, s, c->name, &od, c->hash ? NULL : &old)))
		return rc;
	int disabled = c->disabled < 0 ? od : c->disabled;
	const char *h = c->hash ? c->hash : old ? old : "";
	char key[48];
	snprintf(key, sizeof key, CRED_PREFIX "%s", c->name);
	sh_buf b = SH_BUF_INIT;
	if (sh_buf_printf(&b, "%c\n%s", disabled ? '1' : '0', h)) {
		sh_free(old);
		return SH_ENOMEM;
	}
	sh_free(old);
	MDB_val k = {strlen(key), key}, v = {b.len, b.data};
	lrc = mdb_put(txn, s->meta, &k, &v, 0);
	sh_buf_free(&b);
	/* the change is a row of the audit trail (docs/SIGNING.md §8) */
	if (!lrc && c->hash) {
		uint8_t d[SH_SHA256_LEN];
		char pw[2 * 16 + 1];
		sh_sha256(d, c->hash, strlen(c->hash));
		sh_hex(pw, d, 16);
		if ((rc = wh_user_event(s, txn, "user passwd", c->name, pw, &lrc)))
			return rc;
	}
	if (!lrc && disabled != od) {
		char role[16] = "";
		MDB_val uk = {strlen(c->name), (void *)c->name}, uv;
		if (!mdb_get(txn, s->user, &uk, &uv))
			snprintf(role, sizeof role, "%.*s", (int)(uv.mv_size < 15 ? uv.mv_size : 15),
				 (char *)uv.mv_data);
		if ((rc = wh_user_event(s, txn, disabled ? "user disable" : "user enable", c->name,
					role, &lrc)))
			return rc;
	}
	return lrc ? store_write_err(s, lrc, "operators' credentials") : SH_OK;
}

/* Write "cred|name" = disabled + hash; hash NULL keeps the stored one. */
static int cred_write(sh_store *s, const char *name, const char *hash, int disabled)
{
	struct cred_w c = {name, hash, disabled};
	return store_write(s, 0, "operators' credentials", cred_fn, &c);
}

int wh_cred_digest(sh_store *s, MDB_txn *txn, const char *name, int *disabled, char pw[33],
		   int *has)
{
	char *enc = NULL;
	int rc = cred_read(txn, s, name, disabled, &enc);
	*has = 0;
	pw[0] = 0;
	if (!rc && enc && *enc) {
		uint8_t h[SH_SHA256_LEN];
		sh_sha256(h, enc, strlen(enc));
		sh_hex(pw, h, 16);
		*has = 1;
	}
	sh_free(enc);
	return rc;
}

int sh_wh_cred_set(sh_store *s, const char *name, const char *encoded)
{
	int prc = sh_wh_may(s, SH_WH_PERM_ADMIN); /* deny by default: the admin's */
	if (prc)
		return prc;
	if (!name_ok(name))
		return bad_name(name);
	size_t n = encoded ? strlen(encoded) : 0;
	if (!n || n > 255)
		return sh_error_set(SH_EINVAL, "a password hash of 1 to 255 bytes");
	for (size_t i = 0; i < n; i++)
		if (encoded[i] < 0x21 || encoded[i] > 0x7e)
			return sh_error_set(SH_EINVAL, "a password hash is printable ASCII");
	return cred_write(s, name, encoded, -1);
}

int sh_wh_user_disable(sh_store *s, const char *name, int disabled)
{
	int prc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	if (prc)
		return prc;
	if (!name_ok(name))
		return bad_name(name);
	return cred_write(s, name, NULL, disabled ? 1 : 0);
}

int sh_wh_cred_get(sh_store *s, const char *name, int *out_role, char **out_encoded,
		      int *out_disabled)
{
	if (out_encoded)
		*out_encoded = NULL;
	*out_disabled = 0;
	*out_role = 0;
	if (!name_ok(name))
		return bad_name(name);
	int rc = sh_wh_user_role(s, name, out_role);
	if (rc)
		return rc;
	MDB_txn *txn;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	rc = cred_read(txn, s, name, out_disabled, out_encoded);
	mdb_txn_abort(txn);
	return rc;
}
