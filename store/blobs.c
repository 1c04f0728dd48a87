/* Page images and hOCR in an S3-compatible object store (docs/OBJSTORE.md):
 * the warehouse's `meta` table names it ("blobs" = s3://BUCKET[/PREFIX]);
 * the blob table then holds a 9-byte stub per blob ('S' + size, u64 BE)
 * instead of the bytes. Handles of objstore/ (one per thread) come from a
 * small pool guarded by a mutex; the spool and the cache are folders of the
 * warehouse (DIR/blob-spool, DIR/blob-cache). */
#include "store_int.h"
#include "sh_obj.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define POOL_IDLE 16 /* idle handles kept; more threads open and close their own */

struct store_objs {
	pthread_mutex_t mu;
	int ready;   /* cfg filled from the environment */
	int err;     /* the configuration failed: every use fails with its message */
	char errmsg[300];
	sh_obj_config cfg;
	char *url, *bucket, *prefix, *spool, *cache, *strings;
	sh_obj *idle[3][POOL_IDLE]; /* per kind of handle (objs_get's plain) */
	size_t nidle[3];
};

/* ---- s3://BUCKET[/PREFIX] --------------------------------------------------- */

int store_blobs_url_parse(const char *url, char **bucket, char **prefix)
{
	*bucket = *prefix = NULL;
	if (!url || strncmp(url, "s3://", 5))
		return sh_error_set(SH_EINVAL, "blobs '%.60s': expected s3://BUCKET[/PREFIX]",
				    url ? url : "");
	const char *b = url + 5, *slash = strchr(b, '/');
	size_t bl = slash ? (size_t)(slash - b) : strlen(b);
	if (bl < 3 || bl > 63)
		return sh_error_set(SH_EINVAL, "blobs '%.60s': a bucket name has 3 to 63 characters",
				    url);
	for (size_t i = 0; i < bl; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9') || b[i] == '-' ||
		      b[i] == '.'))
			return sh_error_set(SH_EINVAL, "blobs '%.60s': a bucket name has a-z, 0-9, "
						       "'-' and '.' only", url);
	const char *p = slash ? slash + 1 : "";
	size_t pl = strlen(p);
	while (pl && p[pl - 1] == '/')
		pl--;
	if (pl > 120)
		return sh_error_set(SH_EINVAL, "blobs '%.60s...': the prefix is too long", url);
	for (size_t i = 0; i < pl; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9') || strchr("-._", p[i]) ||
		      (p[i] == '/' && i && p[i - 1] != '/')))
			return sh_error_set(SH_EINVAL, "blobs '%.60s': a prefix has A-Z a-z 0-9 - . _ "
						       "and single slashes only", url);
	*bucket = sh_strndup(b, bl);
	*prefix = sh_strndup(p, pl);
	if (!*bucket || !*prefix) {
		sh_free(*bucket);
		sh_free(*prefix);
		*bucket = *prefix = NULL;
		return SH_ENOMEM;
	}
	return SH_OK;
}

static long env_num(const char *name, long dflt, long min, long max)
{
	const char *e = getenv(name);
	if (!e || !*e)
		return dflt;
	char *end;
	errno = 0;
	long v = strtol(e, &end, 10);
	if (errno || *end || v < min || v > max)
		return dflt;
	return v;
}

int store_objs_new(struct store_objs **out, const char *dir, const char *url)
{
	*out = NULL;
	struct store_objs *p = sh_calloc(1, sizeof *p);
	if (!p)
		return SH_ENOMEM;
	pthread_mutex_init(&p->mu, NULL);
	int rc = store_blobs_url_parse(url, &p->bucket, &p->prefix);
	if (rc) {
		store_objs_free(&p);
		return rc;
	}
	const char *sp = getenv("SOHOA_BLOB_SPOOL");
	int nospool = sp && !strcmp(sp, "off");
	long cache_mb = env_num("SOHOA_BLOB_CACHE_MB", 1024, 0, 1L << 30);
	p->url = sh_strdup(url);
	p->spool = nospool ? NULL : sh_asprintf("%s/blob-spool", dir);
	p->cache = cache_mb ? sh_asprintf("%s/blob-cache", dir) : NULL;
	if (!p->url || (!nospool && !p->spool) || (cache_mb && !p->cache)) {
		store_objs_free(&p);
		return SH_ENOMEM;
	}
	p->cfg.cache_limit = (uint64_t)cache_mb << 20;
	*out = p;
	return SH_OK;
}

void store_objs_free(struct store_objs **pp)
{
	struct store_objs *p = pp ? *pp : NULL;
	if (!p)
		return;
	for (int m = 0; m < 3; m++)
		for (size_t i = 0; i < p->nidle[m]; i++)
			sh_obj_close(&p->idle[m][i]);
	pthread_mutex_destroy(&p->mu);
	sh_free(p->url);
	sh_free(p->bucket);
	sh_free(p->prefix);
	sh_free(p->spool);
	sh_free(p->cache);
	sh_free(p->strings);
	sh_free(p);
	*pp = NULL;
}

/* Fill p->cfg from the environment once; under p->mu. */
static int objs_config(struct store_objs *p)
{
	if (p->ready)
		return p->err ? sh_error_set(p->err, "%s", p->errmsg) : SH_OK;
	uint64_t limit = p->cfg.cache_limit;
	int rc = sh_obj_config_env(&p->cfg, &p->strings);
	p->ready = 1;
	if (rc) {
		p->err = rc;
		snprintf(p->errmsg, sizeof p->errmsg, "this warehouse keeps its page images in %s: %s",
			 p->url, sh_error_message());
		return sh_error_set(rc, "%s", p->errmsg);
	}
	p->cfg.bucket = p->bucket;
	p->cfg.prefix = p->prefix;
	p->cfg.spool_dir = p->spool;
	p->cfg.cache_dir = p->cache;
	p->cfg.cache_limit = limit;
	/* a desk waits for its acknowledgement: a dead store spools within ~30 s */
	p->cfg.max_attempts = (int)env_num("SOHOA_S3_ATTEMPTS", 3, 1, 20);
	p->cfg.timeout_ms = env_num("SOHOA_S3_TIMEOUT_MS", 10000, 100, 3600000);
	p->cfg.connect_timeout_ms = env_num("SOHOA_S3_CONNECT_TIMEOUT_MS", 3000, 100, 600000);
	p->cfg.backoff_ms = env_num("SOHOA_S3_BACKOFF_MS", 200, 1, 60000);
	return SH_OK;
}

/* A handle for this thread: from the pool, or a new one. plain 0: spool
 * and cache; 1: no spool and no cache (migration: only the store itself
 * counts); 2: no cache (verify: the store's bytes, or the spool's before it
 * is drained). Give it back with objs_put and the same plain. */
static int objs_get(struct store_objs *p, sh_obj **out, int plain)
{
	*out = NULL;
	pthread_mutex_lock(&p->mu);
	int rc = objs_config(p);
	if (!rc && p->nidle[plain])
		*out = p->idle[plain][--p->nidle[plain]];
	sh_obj_config cfg = p->cfg;
	pthread_mutex_unlock(&p->mu);
	if (rc || *out)
		return rc;
	if (plain)
		cfg.cache_dir = NULL;
	if (plain == 1)
		cfg.spool_dir = NULL;
	return sh_obj_open(out, &cfg);
}

static void objs_put(struct store_objs *p, sh_obj **o, int plain)
{
	if (!*o)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->nidle[plain] < POOL_IDLE) {
		p->idle[plain][p->nidle[plain]++] = *o;
		*o = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	sh_obj_close(o); /* the pool was full */
}

const char *sh_store_blobs(const sh_store *s)
{
	return s->objs ? s->objs->url : NULL;
}

/* ---- the stub ---------------------------------------------------------------- */

int store_blob_stub(const MDB_val *k, const MDB_val *v, uint64_t *size)
{
	if (v->mv_size != STORE_STUB_LEN || ((const uint8_t *)v->mv_data)[0] != 'S' ||
	    k->mv_size != SH_SHA256_LEN)
		return 0;
	/* nine bytes that hash to their own key are a tiny blob, not a stub */
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, v->mv_data, v->mv_size);
	if (!memcmp(h, k->mv_data, SH_SHA256_LEN))
		return 0;
	if (size)
		*size = store_rd64((const uint8_t *)v->mv_data + 1);
	return 1;
}

/* Does the warehouse keep its blobs in the object store, as txn sees it? */
static int remote_in_txn(sh_store *s, MDB_txn *txn)
{
	MDB_val k = {5, "blobs"}, v;
	return mdb_get(txn, s->meta, &k, &v) == 0 && v.mv_size > 0;
}

/* ---- writing ----------------------------------------------------------------- */

int store_blob_upload(sh_store *s, const uint8_t sha[SH_SHA256_LEN], const void *data, size_t len,
		      int *remote)
{
	*remote = 0;
	if (!s->objs)
		return SH_OK;
	sh_obj *o = NULL;
	int rc = objs_get(s->objs, &o, 0);
	uint8_t h[SH_SHA256_LEN];
	if (!rc)
		rc = sh_obj_put(o, h, NULL, data, len);
	objs_put(s->objs, &o, 0);
	if (rc) {
		char hex[65];
		sh_hex(hex, sha, SH_SHA256_LEN);
		return sh_error_wrap(rc, "blob %.16s... not stored: ", hex);
	}
	if (memcmp(h, sha, SH_SHA256_LEN))
		return sh_error_set(SH_EINVAL, "blob: the bytes do not hash to their address");
	*remote = 1;
	return SH_OK;
}

int store_blob_row(sh_store *s, MDB_txn *txn, MDB_cursor *c, const uint8_t sha[SH_SHA256_LEN],
		   const void *data, size_t len, int remote)
{
	uint8_t stub[STORE_STUB_LEN];
	MDB_val k = {SH_SHA256_LEN, (void *)sha}, v = {len, (void *)data};
	if (remote && remote_in_txn(s, txn)) {
		stub[0] = 'S';
		store_be64(stub + 1, len);
		v.mv_size = sizeof stub;
		v.mv_data = stub;
	}
	int lrc = c ? mdb_cursor_put(c, &k, &v, MDB_NOOVERWRITE)
		    : mdb_put(txn, s->blob, &k, &v, MDB_NOOVERWRITE);
	return lrc == MDB_KEYEXIST ? 0 : lrc;
}

/* ---- reading ----------------------------------------------------------------- */

static int no_store(sh_store *s, const uint8_t sha[SH_SHA256_LEN])
{
	char hex[65];
	sh_hex(hex, sha, SH_SHA256_LEN);
	(void)s;
	return sh_error_set(SH_EINVAL, "blob %s is in an object store this process does not know: "
				       "restart it if the warehouse was migrated since it started, "
				       "else run `sohoa blobs migrate --to s3://...` again", hex);
}

int store_blob_remote_get(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
			  size_t *out_len)
{
	return store_blob_remote_fetch(s, sha, out, out_len, 0);
}

int store_blob_remote_fetch(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
			    size_t *out_len, int no_cache)
{
	int mode = no_cache ? 2 : 0;
	*out = NULL;
	*out_len = 0;
	if (!s->objs)
		return no_store(s, sha);
	sh_obj *o = NULL;
	uint8_t *b = NULL;
	size_t n = 0;
	int rc = objs_get(s->objs, &o, mode);
	if (!rc)
		rc = sh_obj_get(o, &b, &n, sha);
	objs_put(s->objs, &o, mode);
	if (rc)
		return rc;
	/* callers may read an hOCR as a string: one NUL after the bytes */
	uint8_t *z = sh_malloc(n + 1);
	if (!z) {
		sh_free(b);
		return SH_ENOMEM;
	}
	if (n)
		memcpy(z, b, n);
	z[n] = 0;
	sh_free(b);
	*out = z;
	*out_len = n;
	return SH_OK;
}

int store_blob_remote_head(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint64_t *size,
			   int *spooled)
{
	*spooled = 0;
	if (!s->objs)
		return no_store(s, sha);
	if (s->objs->spool) {
		/* acknowledged and waiting in the spool: present, not yet uploaded */
		char hex[65];
		sh_hex(hex, sha, SH_SHA256_LEN);
		char *path = sh_asprintf("%s/%s", s->objs->spool, hex);
		struct stat st;
		int there = path && stat(path, &st) == 0;
		sh_free(path);
		if (there) {
			*spooled = 1;
			if (size)
				*size = (uint64_t)st.st_size;
			return SH_OK;
		}
	}
	sh_obj *o = NULL;
	int rc = objs_get(s->objs, &o, 0);
	if (!rc)
		rc = sh_obj_head(o, size, sha);
	objs_put(s->objs, &o, 0);
	return rc;
}

/* ---- the spool, status ------------------------------------------------------- */

int sh_store_blobs_drain(sh_store *s, size_t *uploaded, size_t *left, size_t *bad)
{
	size_t u = 0, l = 0, b = 0;
	int rc = SH_OK;
	if (s->objs && s->objs->spool) {
		sh_obj *o = NULL;
		rc = objs_get(s->objs, &o, 0);
		if (!rc)
			rc = sh_obj_spool_drain(o, &u, &l, &b);
		objs_put(s->objs, &o, 0);
	}
	if (uploaded)
		*uploaded = u;
	if (left)
		*left = l;
	if (bad)
		*bad = b;
	return rc;
}

/* Files and bytes of a folder (regular files whose name is 64 hex digits). */
static void dir_usage(const char *dir, uint64_t *count, uint64_t *bytes)
{
	*count = *bytes = 0;
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strlen(e->d_name) != 2 * SH_SHA256_LEN ||
		    strspn(e->d_name, "0123456789abcdef") != 2 * SH_SHA256_LEN)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode)) {
			++*count;
			*bytes += (uint64_t)st.st_size;
		}
	}
	closedir(d);
}

int sh_store_blobs_status(sh_store *s, sh_store_blobs_info *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->where, sizeof out->where, "%s", s->objs ? s->objs->url : "lmdb");
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	int lrc = mdb_cursor_open(txn, s->blob, &c);
	while (!lrc && !(lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT))) {
		uint64_t size;
		if (store_blob_stub(&k, &v, &size)) {
			out->remote_count++;
			out->remote_bytes += size;
		} else {
			out->local_count++;
			out->local_bytes += v.mv_size;
		}
	}
	if (lrc == MDB_NOTFOUND)
		lrc = 0;
	if (c)
		mdb_cursor_close(c); /* a read-only transaction's cursor is freed by hand */
	char *m = store_get_meta(txn, s->meta, "blobs_migrating");
	if (m)
		snprintf(out->migrating, sizeof out->migrating, "%s", m);
	sh_free(m);
	mdb_txn_abort(txn);
	if (lrc)
		return store_lmdb_err(lrc, "blob table");
	if (s->objs) {
		dir_usage(s->objs->spool, &out->spool_count, &out->spool_bytes);
		uint64_t n;
		dir_usage(s->objs->cache, &n, &out->cache_bytes);
		out->cache_limit = s->objs->cfg.cache_limit;
	}
	return SH_OK;
}

/* ---- init --blobs ------------------------------------------------------------ */

int sh_store_blobs_probe(const char *dir, const char *url)
{
	struct store_objs *p = NULL;
	int rc = store_objs_new(&p, dir, url);
	sh_obj *o = NULL;
	if (!rc)
		rc = objs_get(p, &o, 1);
	if (!rc && (rc = sh_obj_bucket_create(o)))
		sh_error_wrap(rc, "%s: ", url);
	objs_put(p, &o, 1);
	store_objs_free(&p);
	return rc;
}

/* Is the blob table empty? 1, 0, or an sh_error. */
static int blobs_empty(sh_store *s, MDB_txn *txn)
{
	MDB_cursor *c;
	MDB_val k, v;
	int lrc = mdb_cursor_open(txn, s->blob, &c);
	if (lrc)
		return store_lmdb_err(lrc, "blob table");
	lrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	mdb_cursor_close(c);
	if (lrc && lrc != MDB_NOTFOUND)
		return store_lmdb_err(lrc, "blob table");
	return lrc == MDB_NOTFOUND;
}

static int set_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const char *url = arg;
	int e = blobs_empty(s, txn);
	if (e < 0)
		return e;
	if (!e)
		return sh_error_set(SH_EEXISTS, "this warehouse already holds page images: move "
						"them with `sohoa blobs migrate --to %s`", url);
	MDB_val k = {5, "blobs"}, v = {strlen(url), (void *)url};
	int lrc = mdb_put(txn, s->meta, &k, &v, 0);
	return lrc ? store_write_err(s, lrc, "recording the object store") : SH_OK;
}

int sh_store_blobs_set(sh_store *s, const char *url)
{
	char *b = NULL, *p = NULL;
	int rc = store_blobs_url_parse(url, &b, &p);
	sh_free(b);
	sh_free(p);
	if (rc)
		return rc;
	if (s->objs && strcmp(s->objs->url, url))
		return sh_error_set(SH_EEXISTS, "this warehouse keeps its page images in %s",
				    s->objs->url);
	if ((rc = store_write(s, 0, "recording the object store", set_fn, (void *)url)))
		return rc;
	if (!s->objs)
		rc = store_objs_new(&s->objs, s->dir, url);
	return rc;
}

/* For migrate.c: a plain handle (no spool, no cache) of s's pool. */
int store_objs_plain(sh_store *s, sh_obj **out)
{
	return objs_get(s->objs, out, 1);
}

void store_objs_plain_put(sh_store *s, sh_obj **o)
{
	objs_put(s->objs, o, 1);
}

/* ---- many uploads at once (the bulk path) -------------------------------------- */

struct upload_job {
	sh_store *s;
	store_blob_item *it;
	size_t n, next;
	int rc;
	char msg[400];
	pthread_mutex_t mu;
};

static void *upload_worker(void *arg)
{
	struct upload_job *j = arg;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		size_t i = j->rc ? j->n : j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->n)
			return NULL;
		store_blob_item *b = &j->it[i];
		int rc = store_blob_upload(j->s, b->sha, b->data, b->len, &b->remote);
		if (rc) {
			pthread_mutex_lock(&j->mu);
			if (!j->rc) { /* messages are per thread: keep it for the caller's */
				j->rc = rc;
				snprintf(j->msg, sizeof j->msg, "%s", sh_error_message());
			}
			pthread_mutex_unlock(&j->mu);
		}
	}
}

int store_blob_upload_many(sh_store *s, store_blob_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++)
		it[i].remote = 0;
	if (!s->objs || !n)
		return SH_OK;
	long k = env_num("SOHOA_S3_UPLOADS", 4, 1, 32);
	if ((size_t)k > n)
		k = (long)n;
	struct upload_job j = {s, it, n, 0, 0, "", PTHREAD_MUTEX_INITIALIZER};
	pthread_t t[32];
	long started = 0;
	for (; started < k - 1; started++)
		if (pthread_create(&t[started], NULL, upload_worker, &j))
			break;
	upload_worker(&j); /* this thread is one of them */
	for (long i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&j.mu);
	return j.rc ? sh_error_set(j.rc, "%s", j.msg) : SH_OK;
}
