/* Shared by the store tests: temporary warehouses, fake dossiers with real
 * bytes, and raw LMDB access to the warehouse's tables (used only while no
 * sh_store handle is open in this process: LMDB forbids opening one
 * environment twice in a process). */
#ifndef TEST_STORE_HELPERS_H
#define TEST_STORE_HELPERS_H

#include <ftw.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh_wh.h"

#define AGENCY "000.00.99.Z99"
#define DAY1 ((int64_t)1718000000) /* 2024-06-10 13:13 at UTC+7 */
#define DAY1_S "240610"
#define DAY2 (DAY1 + 86400)
#define DAY2_S "240611"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static inline void rm_rf(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

/* A new empty directory; caller frees with free(). */
static inline char *tmp_dir(const char *tag)
{
	const char *root = getenv("TMPDIR");
	char *d = NULL;
	if (asprintf(&d, "%s/sohoa-%s-XXXXXX", root && *root ? root : "/tmp", tag) < 0)
		abort();
	if (!mkdtemp(d))
		abort();
	return d;
}

/* A fake dossier whose pages hold deterministic bytes (any bytes work for
 * the store). Everything lives in the struct. */
#define FD_MAX_PAPERS 4
#define FD_MAX_PAGES 3
typedef struct fake_dossier {
	sh_wh_dossier_in in;
	sh_wh_paper_in papers[FD_MAX_PAPERS];
	sh_wh_page_in pages[FD_MAX_PAPERS][FD_MAX_PAGES];
	uint8_t *img[FD_MAX_PAPERS][FD_MAX_PAGES];
} fake_dossier;

static inline uint8_t *fake_bytes(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		b[i] = (uint8_t)x;
	}
	if (n >= 8)
		memcpy(b, "\x89PNG\r\n\x1a\n", 8);
	return b;
}

/* npapers papers of npages pages, image bytes from seed (same seed, same
 * bytes), image_len bytes each, text given (NULL: a default). */
static inline void fake_init(fake_dossier *f, const char *owner, size_t npapers, size_t npages,
			     unsigned seed, size_t image_len, const char *text, int64_t received)
{
	static const char *kinds[] = {"GKS", NULL, "CCCD", "QD"};
	memset(f, 0, sizeof *f);
	f->in.owner = owner;
	f->in.procedure = "1.001193";
	f->in.received = received;
	f->in.operator_id = "thu.nguyen";
	f->in.npapers = npapers;
	f->in.papers = f->papers;
	for (size_t i = 0; i < npapers; i++) {
		sh_wh_paper_in *p = &f->papers[i];
		p->file = i == 0 ? "giấy khai sinh.jpg" : "page.png";
		p->kind = kinds[i % 4];
		p->facts = i == 0 ? "{\"owner_name\":\"Đặng Văn An\"}" : NULL;
		p->npages = npages;
		p->pages = f->pages[i];
		for (size_t j = 0; j < npages; j++) {
			sh_wh_page_in *g = &f->pages[i][j];
			f->img[i][j] = fake_bytes(image_len, seed * 100 + (unsigned)(i * 10 + j));
			g->image = f->img[i][j];
			g->image_len = image_len;
			g->mime = "image/png";
			g->text = text ? text : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nGiấy khai sinh";
			g->hocr = j == 0 ? "<div class='ocr_page'>hOCR</div>" : NULL;
			g->width = 2480;
			g->height = 3508;
			g->dpi = 300;
			g->rotation = j == 1 ? -90 : 0;
			g->confidence = 87.25f;
			g->flags = 0;
			g->note = j == 1 ? "rotated" : NULL;
		}
	}
}

static inline void fake_free(fake_dossier *f)
{
	for (size_t i = 0; i < FD_MAX_PAPERS; i++)
		for (size_t j = 0; j < FD_MAX_PAGES; j++)
			free(f->img[i][j]);
	memset(f, 0, sizeof *f);
}

/* ---- raw LMDB ------------------------------------------------------------ */

static inline int raw_open(MDB_env **env, const char *dir)
{
	int rc = mdb_env_create(env);
	if (rc)
		return rc;
	mdb_env_set_maxdbs(*env, 16);
	mdb_env_set_maxreaders(*env, 256);
	rc = mdb_env_open(*env, dir, MDB_NOTLS, 0660);
	if (rc)
		mdb_env_close(*env);
	return rc;
}

/* Entries in a table; -1 on error. */
static inline long raw_count(const char *dir, const char *table)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat st;
	long n = -1;
	if (raw_open(&env, dir))
		return -1;
	if (!mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) {
		if (!mdb_dbi_open(txn, table, 0, &dbi) && !mdb_stat(txn, dbi, &st))
			n = (long)st.ms_entries;
		mdb_txn_abort(txn);
	}
	mdb_env_close(env);
	return n;
}

/* Put (or with val NULL delete) one key. 0 or an LMDB code. */
static inline int raw_put(const char *dir, const char *table, const void *k, size_t klen,
			  const void *v, size_t vlen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	int rc = raw_open(&env, dir);
	if (rc)
		return rc;
	if (!(rc = mdb_txn_begin(env, NULL, 0, &txn))) {
		MDB_val key = {klen, (void *)k}, val = {vlen, (void *)v};
		if (!(rc = mdb_dbi_open(txn, table, 0, &dbi)))
			rc = v ? mdb_put(txn, dbi, &key, &val, 0) : mdb_del(txn, dbi, &key, NULL);
		rc = rc ? (mdb_txn_abort(txn), rc) : mdb_txn_commit(txn);
	}
	mdb_env_close(env);
	return rc;
}

/* Copy of the value of key (first key when k is NULL, its key copied to
 * *key_out if given). malloc'd; NULL if absent. */
static inline void *raw_get(const char *dir, const char *table, const void *k, size_t klen,
			    size_t *vlen, void **key_out, size_t *key_len)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *c;
	void *res = NULL;
	if (raw_open(&env, dir))
		return NULL;
	if (!mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) {
		if (!mdb_dbi_open(txn, table, 0, &dbi) && !mdb_cursor_open(txn, dbi, &c)) {
			MDB_val key = {klen, (void *)k}, val;
			if (!mdb_cursor_get(c, &key, &val, k ? MDB_SET_KEY : MDB_FIRST)) {
				res = malloc(val.mv_size ? val.mv_size : 1);
				memcpy(res, val.mv_data, val.mv_size);
				*vlen = val.mv_size;
				if (key_out) {
					*key_out = malloc(key.mv_size + 1);
					memcpy(*key_out, key.mv_data, key.mv_size);
					((char *)*key_out)[key.mv_size] = 0;
					*key_len = key.mv_size;
				}
			}
			mdb_cursor_close(c);
		}
		mdb_txn_abort(txn);
	}
	mdb_env_close(env);
	return res;
}

#endif
