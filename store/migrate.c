/* Moving a warehouse's blobs to an object store and back (sh_store.h,
 * sh_store_blobs_migrate; docs/OBJSTORE.md "migrate"). Progress is the blob
 * table itself (bytes or stub per row), so there is no cursor file: a
 * killed migration finds what is left and goes on. */
#include "store_int.h"
#include "sh_obj.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_BLOBS 64
#define BATCH_BYTES ((size_t)32 << 20)
#define STUBS_LEFT (-65) /* private: a stub appeared, go round again */

struct batch {
	uint8_t key[BATCH_BLOBS][SH_SHA256_LEN];
	uint8_t *data[BATCH_BLOBS]; /* --to: the bytes read; back: the bytes fetched */
	size_t len[BATCH_BLOBS];
	size_t n, max;
	int to; /* 1: rows become stubs; 0: stubs become bytes */
};

static void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		sh_free(b->data[i]);
	b->n = 0;
}

/* The next rows still to move, after the key of the last batch (*after,
 * NULL at the start): --to copies the bytes, back only the keys. */
static int batch_fill(sh_store *s, struct batch *b, const uint8_t *after)
{
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	MDB_cursor *c = NULL;
	MDB_val k = {SH_SHA256_LEN, (void *)after}, v;
	size_t bytes = 0;
	int lrc = mdb_cursor_open(txn, s->blob, &c);
	if (!lrc)
		lrc = mdb_cursor_get(c, &k, &v, after ? MDB_SET_RANGE : MDB_FIRST);
	for (; !lrc && b->n < b->max && bytes < BATCH_BYTES;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != SH_SHA256_LEN || (after && !memcmp(k.mv_data, after, SH_SHA256_LEN)))
			continue;
		if (store_blob_stub(&k, &v, NULL) == b->to)
			continue;
		memcpy(b->key[b->n], k.mv_data, SH_SHA256_LEN);
		b->len[b->n] = v.mv_size;
		b->data[b->n] = NULL;
		if (b->to) {
			if (!(b->data[b->n] = sh_malloc(v.mv_size ? v.mv_size : 1))) {
				rc = SH_ENOMEM;
				break;
			}
			memcpy(b->data[b->n], v.mv_data, v.mv_size);
			bytes += v.mv_size;
		}
		b->n++;
	}
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "blob table");
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	return rc;
}

/* Replace each row of the batch that is still in its old form. */
static int swap_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct batch *b = arg;
	for (size_t i = 0; i < b->n; i++) {
		MDB_val k = {SH_SHA256_LEN, (void *)b->key[i]}, v;
		int lrc = mdb_get(txn, s->blob, &k, &v);
		if (lrc == MDB_NOTFOUND)
			continue;
		if (lrc)
			return store_write_err(s, lrc, "migrating blobs");
		if (store_blob_stub(&k, &v, NULL) == b->to)
			continue; /* done by another run */
		uint8_t stub[STORE_STUB_LEN];
		MDB_val nv = {b->len[i], b->data[i]};
		if (b->to) {
			if (v.mv_size != b->len[i])
				continue;
			stub[0] = 'S';
			store_be64(stub + 1, b->len[i]);
			nv.mv_size = sizeof stub;
			nv.mv_data = stub;
		}
		if ((lrc = mdb_put(txn, s->blob, &k, &nv, 0)))
			return store_write_err(s, lrc, "migrating blobs");
	}
	return SH_OK;
}

struct meta_set {
	const char *blobs;     /* new value of "blobs"; NULL: removed */
	const char *migrating; /* new value of "blobs_migrating"; NULL: removed */
	int check_no_stub;     /* back: only when no stub is left (else STUBS_LEFT) */
};

static int meta_put_or_del(sh_store *s, MDB_txn *txn, const char *key, const char *val)
{
	MDB_val k = {strlen(key), (void *)key}, v = {val ? strlen(val) : 0, (void *)val};
	int lrc = val ? mdb_put(txn, s->meta, &k, &v, 0) : mdb_del(txn, s->meta, &k, NULL);
	return lrc == MDB_NOTFOUND ? 0 : lrc;
}

static int meta_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct meta_set *m = arg;
	int lrc;
	if (m->check_no_stub) {
		MDB_cursor *c;
		MDB_val k, v;
		if ((lrc = mdb_cursor_open(txn, s->blob, &c)))
			return store_write_err(s, lrc, "migrating blobs");
		while (!(lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)))
			if (store_blob_stub(&k, &v, NULL))
				break;
		mdb_cursor_close(c);
		if (!lrc) /* a dossier stored meanwhile: one more round */
			return STUBS_LEFT;
		if (lrc != MDB_NOTFOUND)
			return store_write_err(s, lrc, "migrating blobs");
	}
	if ((lrc = meta_put_or_del(s, txn, "blobs", m->blobs)) ||
	    (lrc = meta_put_or_del(s, txn, "blobs_migrating", m->migrating)))
		return store_write_err(s, lrc, "migrating blobs");
	return SH_OK;
}

/* Test hook (tests/objstore): SOHOA_TEST_MIGRATE_KILL=N kills this process
 * after the N-th batch is uploaded and before its rows change, the worst
 * moment for a resume. */
static void test_kill(size_t batches)
{
	const char *e = getenv("SOHOA_TEST_MIGRATE_KILL");
	if (e && *e && (size_t)atol(e) == batches)
		raise(SIGKILL);
}

/* Upload a batch with a handle that has no spool, and see each object in
 * the store with its size: only then may its row become a stub. */
static int batch_upload(sh_store *s, struct batch *b)
{
	sh_obj *o = NULL;
	int rc = store_objs_plain(s, &o);
	for (size_t i = 0; !rc && i < b->n; i++) {
		uint8_t h[SH_SHA256_LEN];
		uint64_t size = 0;
		rc = sh_obj_put(o, h, NULL, b->data[i], b->len[i]);
		if (!rc && memcmp(h, b->key[i], SH_SHA256_LEN)) {
			char hex[65];
			sh_hex(hex, b->key[i], SH_SHA256_LEN);
			rc = sh_error_set(SH_ECORRUPT, "blob %s in LMDB does not match its SHA-256 "
						       "(damaged): not moved; run sohoa check", hex);
		}
		if (!rc)
			rc = sh_obj_head(o, &size, b->key[i]);
		if (!rc && size != b->len[i])
			rc = sh_error_set(SH_EIO, "the object store holds %llu bytes for a %zu-byte "
						  "blob: not moved",
					  (unsigned long long)size, b->len[i]);
	}
	store_objs_plain_put(s, &o);
	return rc;
}

static int batch_fetch(sh_store *s, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		int rc = store_blob_remote_get(s, b->key[i], &b->data[i], &b->len[i]);
		if (rc)
			return rc;
	}
	return SH_OK;
}

static int count_left(sh_store *s, int to, uint64_t *total)
{
	sh_store_blobs_info in;
	int rc = sh_store_blobs_status(s, &in);
	*total = to ? in.local_count : in.remote_count;
	return rc;
}

int sh_store_blobs_migrate(sh_store *s, const char *to,
			   void (*progress)(void *, uint64_t, uint64_t), void *arg, uint64_t *moved)
{
	if (moved)
		*moved = 0;
	if (s->rdonly)
		return sh_error_set(SH_EPERM, "warehouse opened read-only");
	int rc;
	if (to) {
		char *bk = NULL, *px = NULL;
		if ((rc = store_blobs_url_parse(to, &bk, &px)))
			return rc;
		sh_free(bk);
		sh_free(px);
		if (s->objs && strcmp(sh_store_blobs(s), to))
			return sh_error_set(SH_EEXISTS, "this warehouse keeps its page images in %s: "
							"move them back first (--back)",
					    sh_store_blobs(s));
		/* the store and the credentials before the warehouse changes */
		if ((rc = sh_store_blobs_probe(s->dir, to)))
			return rc;
		if (!s->objs && (rc = store_objs_new(&s->objs, s->dir, to)))
			return rc;
		struct meta_set m = {to, to, 0};
		if ((rc = store_write(s, 0, "migrating blobs", meta_fn, &m)))
			return rc;
	} else {
		uint64_t left = 0;
		if ((rc = count_left(s, 0, &left)))
			return rc;
		if (!s->objs && !left)
			return SH_OK; /* already in LMDB */
		if (!s->objs)
			return sh_error_set(SH_EINVAL, "blobs are in an object store this warehouse "
						       "no longer names: run `sohoa blobs migrate "
						       "--to s3://...` with its address first");
		struct meta_set m = {sh_store_blobs(s), "back", 0};
		if ((rc = store_write(s, 0, "migrating blobs", meta_fn, &m)))
			return rc;
	}
	struct batch *b = sh_calloc(1, sizeof *b);
	if (!b)
		return SH_ENOMEM;
	b->to = to != NULL;
	/* SOHOA_BLOBS_BATCH: blobs per commit, 1 to 64 (tests: small steps) */
	const char *e = getenv("SOHOA_BLOBS_BATCH");
	b->max = e && atoi(e) >= 1 && atoi(e) <= BATCH_BLOBS ? (size_t)atoi(e) : BATCH_BLOBS;
	uint64_t total = 0, done = 0;
	size_t batches = 0;
	uint8_t after[SH_SHA256_LEN];
	int have_after = 0;
	rc = count_left(s, b->to, &total);
	for (;;) {
		if (!rc)
			rc = batch_fill(s, b, have_after ? after : NULL);
		if (rc)
			break;
		if (!b->n) {
			if (b->to) {
				struct meta_set m = {to, NULL, 0};
				rc = store_write(s, 0, "migrating blobs", meta_fn, &m);
				break;
			}
			struct meta_set m = {NULL, NULL, 1};
			rc = store_write(s, 0, "migrating blobs", meta_fn, &m);
			if (rc == STUBS_LEFT) { /* new stubs: from the start again */
				rc = SH_OK;
				have_after = 0;
				continue;
			}
			if (!rc)
				store_objs_free(&s->objs);
			break;
		}
		rc = b->to ? batch_upload(s, b) : batch_fetch(s, b);
		test_kill(++batches);
		if (!rc)
			rc = store_write(s, 0, "migrating blobs", swap_fn, b);
		if (rc)
			break;
		memcpy(after, b->key[b->n - 1], SH_SHA256_LEN);
		have_after = 1;
		done += b->n;
		if (moved)
			*moved = done;
		batch_clear(b);
		if (progress)
			progress(arg, done, total > done ? total : done);
	}
	batch_clear(b);
	sh_free(b);
	return rc;
}
