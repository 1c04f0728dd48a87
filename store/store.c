/* The LMDB warehouse: environment, schema, dossier writes, reads, find,
 * check. Schema in docs/ARCHITECTURE.md. */
#include "store_int.h"

#include <errno.h>
#include <stdarg.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>





/* ---- error translation ------------------------------------------------- */

int store_lmdb_err(int rc, const char *what)
{
	switch (rc) {
	case MDB_NOTFOUND:
		return sh_error_set(SH_ENOTFOUND, "%s: not found", what);
	case MDB_MAP_FULL:
		return sh_error_set(SH_EMAPFULL, "%s: the warehouse map is full", what);
	case ENOSPC:
		return sh_error_set(SH_EFULL, "%s: the disk is full: free space and retry "
					      "(nothing of this operation was stored)", what);
	case ENOMEM:
		return sh_error_set(SH_ENOMEM, "%s: out of memory", what);
	case EACCES: case EROFS: case EPERM:
		return sh_error_set(SH_EIO, "%s: permission denied (%s)", what, mdb_strerror(rc));
	case MDB_CORRUPTED: case MDB_PAGE_NOTFOUND: case MDB_INVALID:
		return sh_error_set(SH_ECORRUPT, "%s: the warehouse file is damaged (%s): restore "
						 "from backup", what, mdb_strerror(rc));
	case MDB_VERSION_MISMATCH:
		return sh_error_set(SH_EVERSION, "%s: %s", what, mdb_strerror(rc));
	case MDB_READERS_FULL: case EBUSY:
		return sh_error_set(SH_EBUSY, "%s: %s", what, mdb_strerror(rc));
	default:
		return sh_error_set(SH_EIO, "%s: %s", what, mdb_strerror(rc));
	}
}

/* A failed write, named: LMDB reports a short write (disk full, file size
 * limit) as EIO, so look at the disk and the limit before calling it I/O. */
int store_write_err(sh_store *s, int lrc, const char *what)
{
	if (lrc == EIO || lrc == EFBIG || lrc == ENOSPC) {
		struct statvfs st;
		struct rlimit rl;
		if (lrc == ENOSPC || (statvfs(s->dir, &st) == 0 &&
				      (uint64_t)st.f_bavail * st.f_frsize < ((uint64_t)16 << 20)))
			return sh_error_set(SH_EFULL, "%s: the disk is full: free space and retry "
						      "(nothing of this operation was stored)", what);
		if (lrc == EFBIG || (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY))
			return sh_error_set(SH_EFULL, "%s: the file size limit (ulimit -f) was "
						      "reached (nothing of this operation was stored)",
					    what);
	}
	return store_lmdb_err(lrc, what);
}

/* ---- open / create ------------------------------------------------------ */

static int env_open(sh_store *s, const char *dir, int rdonly)
{
	int rc = mdb_env_create(&s->env);
	if (rc)
		return store_lmdb_err(rc, "warehouse");
	mdb_env_set_maxdbs(s->env, 32); /* 21 tables in use (and `word` of schema 1) */
	mdb_env_set_maxreaders(s->env, 256);
	size_t map = MAP_INITIAL;
	const char *e = getenv("SOHOA_MAPSIZE"); /* tests: small maps to exercise growth */
	if (e && *e)
		map = (size_t)strtoull(e, NULL, 10);
	s->map_limit = MAP_LIMIT;
	e = getenv("SOHOA_MAPLIMIT");
	if (e && *e)
		s->map_limit = (size_t)strtoull(e, NULL, 10);
	mdb_env_set_mapsize(s->env, map);
	rc = mdb_env_open(s->env, dir, MDB_NOTLS | (rdonly ? MDB_RDONLY : 0), 0660);
	if (rc) {
		int r = rc == ENOENT ? sh_error_set(SH_ENOTFOUND, "%s: no warehouse here", dir)
				     : store_lmdb_err(rc, dir);
		mdb_env_close(s->env);
		s->env = NULL;
		return r;
	}
	int dead = 0;
	mdb_reader_check(s->env, &dead); /* clear slots of killed processes */
	return SH_OK;
}

static int open_dbis(sh_store *s, MDB_txn *txn, unsigned flags)
{
	struct { const char *name; MDB_dbi *dbi; unsigned f; } t[] = {
		{"meta", &s->meta, 0},       {"seq", &s->seq, 0},
		{"dossier", &s->dossier, 0}, {"paper", &s->paper, 0},
		{"blob", &s->blob, 0},
		{"post", &s->post, MDB_DUPSORT | MDB_DUPFIXED},
		{"exact", &s->exact, MDB_DUPSORT | MDB_DUPFIXED},
		{"pid", &s->pid, 0},
		{"owner", &s->owner, MDB_DUPSORT},
		{"ikey", &s->ikey, 0},
		{"log", &s->log, 0},
		{"lognode", &s->lognode, 0},
		{"sig", &s->sig, MDB_DUPSORT},
		{"checkpoint", &s->checkpoint, 0},
		{"key", &s->key, 0},
		{"state", &s->state, 0},
		{"attach", &s->attach, MDB_DUPSORT},
		{"attached", &s->attached, MDB_DUPSORT},
		{"rdate", &s->rdate, 0},
		{"user", &s->user, 0},
		{"audit", &s->audit, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		int rc = mdb_dbi_open(txn, t[i].name, t[i].f | flags, t[i].dbi);
		if (rc == MDB_NOTFOUND)
			return sh_error_set(SH_ENOTFOUND, "warehouse lacks table '%s': run sohoa init",
					    t[i].name);
		if (rc)
			return store_lmdb_err(rc, t[i].name);
	}
	return SH_OK;
}

static int put_str(MDB_txn *txn, MDB_dbi dbi, const char *k, const char *v, unsigned flags)
{
	MDB_val key = {strlen(k), (void *)k}, val = {strlen(v), (void *)v};
	return mdb_put(txn, dbi, &key, &val, flags);
}

static int mkdir_p(const char *dir)
{
	char *p = sh_strdup(dir);
	if (!p)
		return SH_ENOMEM;
	for (char *c = p + 1; *c; c++) {
		if (*c == '/') {
			*c = 0;
			if (mkdir(p, 0770) < 0 && errno != EEXIST) {
				int e = errno;
				sh_free(p);
				return sh_error_set(SH_EIO, "%s: cannot create folder: %s", dir,
						    strerror(e));
			}
			*c = '/';
		}
	}
	int rc = SH_OK;
	if (mkdir(p, 0770) < 0 && errno != EEXIST)
		rc = sh_error_set(SH_EIO, "%s: cannot create folder: %s", dir, strerror(errno));
	sh_free(p);
	return rc;
}

int sh_store_create(const char *dir, const char *agency)
{
	int rc = sh_id_agency_check(agency);
	if (rc)
		return rc;
	if ((rc = mkdir_p(dir)))
		return rc;
	char *probe = sh_asprintf("%s/data.mdb", dir);
	if (!probe)
		return SH_ENOMEM;
	struct stat st;
	int exists = stat(probe, &st) == 0 && st.st_size > 0;
	sh_free(probe);
	if (exists)
		return sh_error_set(SH_EEXISTS, "%s already holds a warehouse", dir);
	sh_store s = {0};
	if ((rc = env_open(&s, dir, 0)))
		return rc;
	MDB_txn *txn = NULL;
	int lrc = mdb_txn_begin(s.env, NULL, 0, &txn);
	if (lrc) {
		rc = store_lmdb_err(lrc, dir);
		goto out;
	}
	if ((rc = open_dbis(&s, txn, MDB_CREATE)))
		goto out;
	char ver[16], now[32], agency_key[64];
	snprintf(agency_key, sizeof agency_key, "agency_id|%s", agency);
	snprintf(ver, sizeof ver, "%d", SH_STORE_SCHEMA);
	snprintf(now, sizeof now, "%lld", (long long)sh_now());
	if ((lrc = put_str(txn, s.meta, "schema", ver, MDB_NOOVERWRITE)) ||
	    (lrc = put_str(txn, s.meta, "agency", agency, MDB_NOOVERWRITE)) ||
	    (lrc = put_str(txn, s.meta, agency_key, "current", MDB_NOOVERWRITE)) ||
	    (lrc = put_str(txn, s.meta, "created", now, MDB_NOOVERWRITE))) {
		rc = lrc == MDB_KEYEXIST ? sh_error_set(SH_EEXISTS, "%s already holds a warehouse", dir)
					 : store_lmdb_err(lrc, dir);
		goto out;
	}
	lrc = mdb_txn_commit(txn);
	txn = NULL;
	if (lrc)
		rc = store_lmdb_err(lrc, dir);
out:
	if (txn)
		mdb_txn_abort(txn);
	mdb_env_close(s.env);
	return rc == SH_EMAPFULL ? sh_error_set(SH_EFULL, "%s: the map is too small", dir) : rc;
}

char *store_get_meta(MDB_txn *txn, MDB_dbi dbi, const char *k)
{
	MDB_val key = {strlen(k), (void *)k}, val;
	sh_error_clear();
	if (mdb_get(txn, dbi, &key, &val))
		return NULL;
	return sh_strndup(val.mv_data, val.mv_size);
}

static int has_meta(MDB_txn *txn, MDB_dbi dbi, const char *k)
{
	MDB_val key = {strlen(k), (void *)k}, val;
	return mdb_get(txn, dbi, &key, &val) == 0;
}

void sh_store_close(sh_store **ps)
{
	sh_store *s = ps ? *ps : NULL;
	if (!s)
		return;
	if (s->env)
		mdb_env_close(s->env);
	store_objs_free(&s->objs);
	sh_free(s->dir);
	sh_free(s->agency);
	sh_free(s);
	*ps = NULL;
}

int sh_store_open(sh_store **out, const char *dir, unsigned flags)
{
	*out = NULL;
	struct stat st;
	char *probe = sh_asprintf("%s/data.mdb", dir);
	if (!probe)
		return SH_ENOMEM;
	int exists = stat(probe, &st) == 0;
	sh_free(probe);
	if (!exists)
		return sh_error_set(SH_ENOTFOUND,
				    "no warehouse at %s: create one with `sohoa init --agency ID`", dir);
	sh_store *s = sh_calloc(1, sizeof *s);
	if (!s)
		return SH_ENOMEM;
	s->rdonly = (flags & SH_STORE_RDONLY) != 0;
	s->dir = sh_strdup(dir);
	int rc = s->dir ? env_open(s, dir, 0) : SH_ENOMEM;
	if (rc)
		goto fail;
	MDB_txn *txn;
	int schema = SH_STORE_SCHEMA;
	int lrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
	if (lrc) {
		rc = store_lmdb_err(lrc, dir);
		goto fail;
	}
	rc = open_dbis(s, txn, 0);
	if (rc == SH_ENOTFOUND && has_meta(txn, s->meta, "schema")) {
		/* a table added since this warehouse was made: create it */
		mdb_txn_abort(txn);
		if ((lrc = mdb_txn_begin(s->env, NULL, 0, &txn))) {
			rc = store_lmdb_err(lrc, dir);
			goto fail;
		}
		rc = open_dbis(s, txn, MDB_CREATE);
	}
	if (!rc) {
		char *ver = store_get_meta(txn, s->meta, "schema");
		int nomem = !ver && sh_error_last() == SH_ENOMEM;
		s->agency = nomem ? NULL : store_get_meta(txn, s->meta, "agency");
		nomem = nomem || (!s->agency && sh_error_last() == SH_ENOMEM);
		if (nomem)
			rc = SH_ENOMEM;
		else if (!ver || !s->agency)
			rc = sh_error_set(SH_ECORRUPT, "%s: warehouse metadata missing", dir);
		else if (atoi(ver) > SH_STORE_SCHEMA)
			rc = sh_error_set(SH_EVERSION, "%s: warehouse schema %s is newer than this "
						       "sohoa (%d): upgrade sohoa", dir, ver,
					  SH_STORE_SCHEMA);
		if (ver)
			schema = atoi(ver);
		sh_free(ver);
		/* where the blobs live (blobs.c): the environment is read at first use */
		char *blobs = rc ? NULL : store_get_meta(txn, s->meta, "blobs");
		if (!rc && !blobs && sh_error_last() == SH_ENOMEM)
			rc = SH_ENOMEM;
		if (blobs && *blobs)
			rc = store_objs_new(&s->objs, dir, blobs);
		sh_free(blobs);
	}
	/* dbi handles opened in a read txn stay valid once it commits */
	if (rc)
		mdb_txn_abort(txn);
	else if ((lrc = mdb_txn_commit(txn)))
		rc = store_lmdb_err(lrc, dir);
	if (rc)
		goto fail;
	if (schema < 2) {
		/* schema 1 indexed words by paper code: renumber and re-index once
		 * (a write even for a read-only handle; one transaction) */
		int ro = s->rdonly;
		s->rdonly = 0;
		rc = store_index_upgrade(s);
		s->rdonly = ro;
		if (rc)
			goto fail;
	}
	*out = s;
	return SH_OK;
fail:
	sh_store_close(&s);
	return rc == SH_EMAPFULL ? sh_error_set(SH_EFULL, "%s: the map is too small", dir) : rc;
}

const char *sh_store_agency(const sh_store *s) { return s->agency; }
const char *sh_store_dir(const sh_store *s) { return s->dir; }

/* ---- transactions with map growth --------------------------------------- */

int store_txn_begin(sh_store *s, unsigned flags, MDB_txn **txn)
{
	if (!flags && s->rdonly)
		return sh_error_set(SH_EPERM, "warehouse opened read-only");
	int rc = mdb_txn_begin(s->env, NULL, flags, txn);
	if (rc == MDB_MAP_RESIZED) { /* another process grew the map */
		mdb_env_set_mapsize(s->env, 0);
		rc = mdb_txn_begin(s->env, NULL, flags, txn);
	}
	return rc ? store_lmdb_err(rc, "warehouse") : SH_OK;
}

/* After MDB_MAP_FULL: double the map if allowed. Must be called with no
 * transaction open in this process. */
int store_grow_map(sh_store *s)
{
	MDB_envinfo info;
	mdb_env_info(s->env, &info);
	size_t cur = info.me_mapsize;
	if (cur >= s->map_limit)
		return sh_error_set(SH_EFULL, "the warehouse is full (%zu MiB map, limit %zu MiB): "
					      "nothing of this operation was stored",
				    cur >> 20, s->map_limit >> 20);
	size_t next = cur * 2 > s->map_limit ? s->map_limit : cur * 2;
	int rc = mdb_env_set_mapsize(s->env, next);
	return rc ? store_lmdb_err(rc, "growing the warehouse map") : SH_OK;
}

/* ---- dossier write ------------------------------------------------------ */

/* ---- reads -------------------------------------------------------------- */

/* Another spelling of code under a known agency id (successor, predecessor,
 * alias) that exists in dbi, into alt. Agency ids change when provinces and
 * districts merge; codes already issued stay findable under either id. */
static int resolve_alias(sh_store *s, MDB_txn *txn, MDB_dbi dbi, const char *code, MDB_val *v,
			 char alt[SH_STORE_CODE_MAX])
{
	MDB_cursor *cur;
	if (mdb_cursor_open(txn, s->meta, &cur))
		return 0;
	char ids[16][40];
	int nids = 0, found = 0;
	MDB_val k = {10, "agency_id|"}, val;
	for (int lrc = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE);
	     lrc == 0 && k.mv_size > 10 && !memcmp(k.mv_data, "agency_id|", 10) && nids < 16;
	     lrc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
		size_t n = k.mv_size - 10;
		if (n < sizeof ids[0]) {
			memcpy(ids[nids], (char *)k.mv_data + 10, n);
			ids[nids++][n] = 0;
		}
	}
	mdb_cursor_close(cur);
	for (int a = 0; a < nids && !found; a++) {
		size_t al = strlen(ids[a]);
		if (strncmp(code, ids[a], al) || code[al] != '-')
			continue;
		for (int b = 0; b < nids && !found; b++) {
			if (a == b || snprintf(alt, SH_STORE_CODE_MAX, "%s%s", ids[b], code + al) >= SH_STORE_CODE_MAX)
				continue;
			MDB_val ak = {strlen(alt), alt};
			found = mdb_get(txn, dbi, &ak, v) == 0;
		}
	}
	return found;
}

static int get_rec(sh_store *s, MDB_dbi dbi, const char *code, const char *what,
		   int (*decode)(const void *, size_t, void *), void *out)
{
	MDB_txn *txn;
	char alt[SH_STORE_CODE_MAX];
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	MDB_val k = {strlen(code), (void *)code}, v;
	int lrc = mdb_get(txn, dbi, &k, &v);
	if (lrc == MDB_NOTFOUND && resolve_alias(s, txn, dbi, code, &v, alt))
		lrc = 0;
	if (lrc == MDB_NOTFOUND)
		rc = sh_error_set(SH_ENOTFOUND, "no %s with code %s", what, code);
	else if (lrc)
		rc = store_lmdb_err(lrc, code);
	else if ((rc = decode(v.mv_data, v.mv_size, out)))
		sh_error_wrap(rc, "%s %s: ", what, code);
	mdb_txn_abort(txn);
	return rc;
}

struct agency_add {
	const char *id;
	int successor;
};

static int agency_add_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct agency_add *a = arg;
	char key[64];
	snprintf(key, sizeof key, "agency_id|%s", a->id);
	MDB_val k = {strlen(key), key}, v;
	int lrc = mdb_get(txn, s->meta, &k, &v);
	if (lrc == 0 && !a->successor)
		return sh_error_set(SH_EEXISTS, "agency id %s is already known here", a->id);
	if (!strcmp(a->id, s->agency))
		return sh_error_set(SH_EEXISTS, "%s is already this warehouse's agency id", a->id);
	char oldkey[64];
	snprintf(oldkey, sizeof oldkey, "agency_id|%s", s->agency);
	lrc = put_str(txn, s->meta, oldkey, a->successor ? "predecessor" : "current", 0);
	if (!lrc)
		lrc = put_str(txn, s->meta, key, a->successor ? "current" : "alias", 0);
	if (!lrc && a->successor)
		lrc = put_str(txn, s->meta, "agency", a->id, 0);
	return lrc ? store_write_err(s, lrc, "agency ids") : SH_OK;
}

int sh_store_agency_add(sh_store *s, const char *id, int successor)
{
	int rc = sh_id_agency_check(id);
	if (rc)
		return rc;
	struct agency_add a = {id, successor};
	if ((rc = store_write(s, 0, "agency ids", agency_add_fn, &a)))
		return rc;
	if (successor) {
		char *copy = sh_strdup(id);
		if (!copy)
			return SH_ENOMEM;
		sh_free(s->agency);
		s->agency = copy;
	}
	return SH_OK;
}

int sh_store_agency_ids(sh_store *s, char ***out, char ***roles, size_t *n)
{
	*out = *roles = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	if (mdb_cursor_open(txn, s->meta, &cur)) {
		mdb_txn_abort(txn);
		return sh_error_set(SH_EIO, "cannot read agency ids");
	}
	MDB_val k = {10, "agency_id|"}, v;
	size_t cap = 0;
	for (int lrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	     lrc == 0 && k.mv_size > 10 && !memcmp(k.mv_data, "agency_id|", 10);
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			char **a = sh_realloc(*out, nc * sizeof *a), **b;
			if (a)
				*out = a;
			b = a ? sh_realloc(*roles, nc * sizeof *b) : NULL;
			if (!b) {
				rc = SH_ENOMEM;
				break;
			}
			*roles = b;
			cap = nc;
		}
		(*out)[*n] = sh_strndup((char *)k.mv_data + 10, k.mv_size - 10);
		(*roles)[*n] = sh_strndup(v.mv_data, v.mv_size);
		if (!(*out)[*n] || !(*roles)[*n]) {
			sh_free((*out)[*n]);
			sh_free((*roles)[*n]);
			rc = SH_ENOMEM;
			break;
		}
		(*n)++;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

int sh_store_dossier_get(sh_store *s, const char *code, sh_store_dossier_rec **out)
{
	*out = NULL;
	return get_rec(s, s->dossier, code, "dossier",
		       (int (*)(const void *, size_t, void *))store_decode_dossier, out);
}

int sh_store_paper_get(sh_store *s, const char *code, sh_store_paper_rec **out)
{
	*out = NULL;
	return get_rec(s, s->paper, code, "paper",
		       (int (*)(const void *, size_t, void *))store_decode_paper, out);
}

int sh_store_blob_get(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
		      size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), remote = 0;
	if (rc)
		return rc;
	MDB_val k = {SH_SHA256_LEN, (void *)sha}, v;
	int lrc = mdb_get(txn, s->blob, &k, &v);
	if (lrc) {
		char hex[65];
		sh_hex(hex, sha, SH_SHA256_LEN);
		rc = lrc == MDB_NOTFOUND ? sh_error_set(SH_ENOTFOUND, "no blob %s", hex)
					 : store_lmdb_err(lrc, hex);
	} else if (store_blob_stub(&k, &v, NULL)) {
		remote = 1;
	} else {
		*out = sh_malloc(v.mv_size + 1);
		if (!*out) {
			rc = SH_ENOMEM;
		} else {
			memcpy(*out, v.mv_data, v.mv_size);
			(*out)[v.mv_size] = 0;
			*out_len = v.mv_size;
		}
	}
	mdb_txn_abort(txn);
	/* in the object store: fetched with no transaction held */
	return remote ? store_blob_remote_get(s, sha, out, out_len) : rc;
}

