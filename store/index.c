/* The search index: paper ids, postings of folded and accented words, and
 * reading a word's postings newest first a page at a time (docs/FORMATS.md,
 * "Search index"). */
#include "store_int.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paper ids -------------------------------------------------------------- */

int store_pid_alloc(sh_store *s, MDB_txn *txn, uint32_t n, uint32_t *first, int *lrc)
{
	MDB_val k = {1, "P"}, v;
	uint32_t next = 1;
	*lrc = mdb_get(txn, s->seq, &k, &v);
	if (*lrc == 0 && v.mv_size == 4)
		next = store_rd32(v.mv_data);
	else if (*lrc && *lrc != MDB_NOTFOUND)
		return SH_OK;
	*lrc = 0;
	if (next == 0 || n > STORE_PID_MAX || next > STORE_PID_MAX - n + 1)
		return sh_error_set(SH_EFULL, "the warehouse has numbered %u papers: no paper "
					      "ids are left (split the warehouse)",
				    STORE_PID_MAX);
	*first = next;
	uint8_t b[4];
	store_be32(b, next + n);
	v.mv_size = 4;
	v.mv_data = b;
	*lrc = mdb_put(txn, s->seq, &k, &v, 0);
	return SH_OK;
}

uint32_t store_paper_id(const void *rec, size_t len)
{
	rec_r r;
	unsigned tag;
	const uint8_t *val;
	size_t n;
	uint64_t id = 0;
	if (rec_open(&r, rec, len, REC_PAPER))
		return 0;
	while (rec_next(&r, &tag, &val, &n) == 1)
		if (tag == P_ID && !rec_get_u64(val, n, &id) && id <= STORE_PID_MAX)
			return (uint32_t)id;
	return 0;
}

/* ---- terms of a text ------------------------------------------------------------ */

struct terms {
	int (*fn)(void *, int, const char *, size_t);
	void *arg;
	int table;
	int stopped;
};

static int term_word(void *arg, const char *w, size_t n)
{
	struct terms *t = arg;
	if (n > WORD_MAX)
		n = WORD_MAX;
	if (t->fn(t->arg, t->table, w, n)) {
		t->stopped = 1;
		return 1;
	}
	return 0;
}

int store_text_terms(const char *text, int (*fn)(void *, int, const char *, size_t), void *arg)
{
	struct terms t = {fn, arg, 0, 0};
	char *folded = NULL, *lower = NULL;
	size_t len = strlen(text);
	int rc = sh_text_fold(&folded, text, len);
	if (rc)
		return rc;
	sh_text_words(folded, strlen(folded), term_word, &t);
	sh_free(folded);
	if (t.stopped)
		return SH_OK;
	if ((rc = sh_text_lower(&lower, text, len)))
		return rc;
	t.table = 1;
	sh_text_words(lower, strlen(lower), term_word, &t);
	sh_free(lower);
	return SH_OK;
}

struct iput {
	MDB_txn *txn;
	MDB_dbi dbi[2];
	uint8_t id[4];
	int lrc;
};

static int index_put(void *arg, int table, const char *w, size_t n)
{
	struct iput *c = arg;
	MDB_val key = {n, (void *)w}, val = {4, c->id};
	int rc = mdb_put(c->txn, c->dbi[table], &key, &val, MDB_NODUPDATA);
	if (rc && rc != MDB_KEYEXIST) {
		c->lrc = rc;
		return 1;
	}
	return 0;
}

int store_index_text(sh_store *s, MDB_txn *txn, uint32_t id, const char *text, int *lrc)
{
	struct iput c = {txn, {s->post, s->exact}, {0}, 0};
	store_be32(c.id, id);
	int rc = store_text_terms(text, index_put, &c);
	*lrc = c.lrc;
	return rc;
}

/* ---- postings, newest first --------------------------------------------------------- */

int store_plist_open(store_plist *l, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen)
{
	memset(l, 0, sizeof *l);
	int lrc = mdb_cursor_open(txn, dbi, &l->c);
	if (lrc)
		return store_lmdb_err(lrc, "search index");
	l->key.mv_size = klen;
	l->key.mv_data = (void *)key;
	MDB_val v;
	lrc = mdb_cursor_get(l->c, &l->key, &v, MDB_SET_KEY);
	if (!lrc)
		lrc = mdb_cursor_count(l->c, &l->count);
	if (lrc) {
		store_plist_close(l);
		return lrc == MDB_NOTFOUND ? SH_ENOTFOUND : store_lmdb_err(lrc, "search index");
	}
	return SH_OK;
}

void store_plist_close(store_plist *l)
{
	if (l->c)
		mdb_cursor_close(l->c);
	l->c = NULL;
}

/* In the current block, the largest id <= x (the block's first is <= x). */
static uint32_t blk_le(const store_plist *l, uint32_t x)
{
	size_t lo = 0, hi = l->nblk; /* blk[lo] <= x; answer in [lo, hi) */
	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (store_rd32(l->blk + 4 * mid) <= x)
			lo = mid;
		else
			hi = mid;
	}
	return store_rd32(l->blk + 4 * lo);
}

static int blk_fits(const store_plist *l, uint32_t x)
{
	return l->nblk && store_rd32(l->blk) <= x;
}

/* The block around the cursor's position (pos: the id there). A key with
 * one id is not a sub-database: GET_MULTIPLE leaves the value untouched. */
static int blk_here(store_plist *l, const MDB_val *pos)
{
	MDB_val v = {0, NULL};
	int lrc = mdb_cursor_get(l->c, &l->key, &v, MDB_GET_MULTIPLE);
	if (lrc)
		return lrc;
	if (v.mv_size >= 4 && v.mv_size % 4 == 0) {
		l->blk = v.mv_data;
		l->nblk = v.mv_size / 4;
	} else {
		memcpy(l->one, pos->mv_data, 4);
		l->blk = l->one;
		l->nblk = 1;
	}
	return 0;
}

/* The page before the current block: 0, MDB_NOTFOUND at the first. */
static int blk_prev(store_plist *l)
{
	MDB_val v = {0, NULL};
	int lrc = mdb_cursor_get(l->c, &l->key, &v, MDB_PREV_MULTIPLE);
	if (!lrc && (v.mv_size < 4 || v.mv_size % 4))
		lrc = MDB_NOTFOUND;
	if (lrc) {
		l->nblk = 0;
		return lrc;
	}
	l->blk = v.mv_data;
	l->nblk = v.mv_size / 4;
	return 0;
}

int store_plist_le(store_plist *l, uint32_t x, uint32_t *out)
{
	if (blk_fits(l, x)) {
		*out = blk_le(l, x);
		return 0;
	}
	if (!l->c)
		return MDB_NOTFOUND;
	int lrc;
	if (l->nblk) { /* the usual step: the page before */
		lrc = blk_prev(l);
		if (lrc)
			return lrc; /* MDB_NOTFOUND: x is below the first id */
		if (blk_fits(l, x)) {
			*out = blk_le(l, x);
			return 0;
		}
	}
	/* a jump: the first id >= x, its page, else the last id */
	uint8_t xb[4];
	store_be32(xb, x);
	MDB_val v = {4, xb};
	lrc = mdb_cursor_get(l->c, &l->key, &v, MDB_GET_BOTH_RANGE);
	if (lrc == MDB_NOTFOUND) { /* every id is below x */
		if ((lrc = mdb_cursor_get(l->c, &l->key, &v, MDB_LAST_DUP)))
			return lrc;
		if (v.mv_size != 4)
			return MDB_CORRUPTED;
		memcpy(xb, v.mv_data, 4);
		v.mv_data = xb;
		/* re-seek it so that the cursor is not at the end (GET_MULTIPLE) */
		if ((lrc = mdb_cursor_get(l->c, &l->key, &v, MDB_GET_BOTH)))
			return lrc;
	} else if (lrc) {
		return lrc;
	}
	if (v.mv_size != 4)
		return MDB_CORRUPTED;
	if ((lrc = blk_here(l, &v)))
		return lrc;
	if (blk_fits(l, x)) {
		*out = blk_le(l, x);
		return 0;
	}
	if ((lrc = blk_prev(l)))
		return lrc;
	*out = store_rd32(l->blk + 4 * (l->nblk - 1));
	return 0;
}

/* ---- upgrade from schema 1 ------------------------------------------------------- */

/* Owner entries of schema 1 (a code alone) get their summaries: owner by
 * owner, the entries read, deleted and put again. */
static int upgrade_owners(sh_store *s, MDB_txn *txn, int *lrc)
{
	MDB_cursor *c;
	char owner[64];
	size_t ol = 0, n = 0, cap = 0;
	char (*codes)[SH_STORE_CODE_MAX] = NULL;
	int rc = SH_OK;
	if ((*lrc = mdb_cursor_open(txn, s->owner, &c)))
		return SH_OK;
	MDB_val k, v;
	MDB_cursor_op op = MDB_FIRST;
	while ((*lrc = mdb_cursor_get(c, &k, &v, op)) == 0) {
		if (k.mv_size >= sizeof owner) {
			op = MDB_NEXT_NODUP;
			continue;
		}
		ol = k.mv_size;
		memcpy(owner, k.mv_data, ol);
		n = 0;
		for (; !*lrc; *lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
			store_osum o;
			if (store_osum_decode(v.mv_data, v.mv_size, &o) || o.has_sum)
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				void *na = sh_realloc(codes, nc * sizeof *codes);
				if (!na) {
					rc = SH_ENOMEM;
					goto out;
				}
				codes = na;
				cap = nc;
			}
			memcpy(codes[n++], o.code, SH_STORE_CODE_MAX);
		}
		if (*lrc != MDB_NOTFOUND)
			goto out;
		*lrc = 0;
		for (size_t i = 0; i < n; i++) {
			MDB_val ok = {ol, owner}, cv = {strlen(codes[i]), codes[i]}, pv;
			if ((*lrc = mdb_del(txn, s->owner, &ok, &cv)))
				goto out;
			if ((*lrc = mdb_get(txn, s->paper, &cv, &pv))) {
				if (*lrc != MDB_NOTFOUND)
					goto out;
				*lrc = 0;
				continue; /* a stale entry: dropped */
			}
			sh_store_paper_rec *p = NULL;
			if ((rc = store_decode_paper(pv.mv_data, pv.mv_size, &p)))
				goto out;
			char on[64];
			memcpy(on, owner, ol);
			on[ol] = 0;
			rc = store_owner_put(s, txn, NULL, on, p->code, p->id, p->created, p->kind,
					     p->facts, lrc);
			sh_store_paper_rec_free(&p);
			if (rc || *lrc)
				goto out;
		}
		/* on to the next owner */
		MDB_val ok = {ol, owner};
		*lrc = mdb_cursor_get(c, &ok, &v, MDB_SET_RANGE);
		if (*lrc)
			break;
		op = MDB_NEXT_NODUP;
		if (ok.mv_size != ol || memcmp(ok.mv_data, owner, ol))
			op = MDB_GET_CURRENT; /* the owner's entries are all gone */
	}
	if (*lrc == MDB_NOTFOUND)
		*lrc = 0;
out:
	mdb_cursor_close(c);
	sh_free(codes);
	return rc;
}

static int upgrade_txn(sh_store *s, MDB_txn *txn, MDB_dbi word)
{
	MDB_cursor *pc = NULL, *wc = NULL, *ic = NULL;
	MDB_val k, v;
	rec_w w = {0};
	int rc = SH_OK, lrc;
	uint32_t id = 0;
	if ((lrc = mdb_cursor_open(txn, s->paper, &pc)) || (lrc = mdb_cursor_open(txn, s->pid, &ic)))
		goto lfail;
	/* number the papers in code order; their accented words into exact */
	while ((lrc = mdb_cursor_get(pc, &k, &v, MDB_NEXT)) == 0) {
		if (store_paper_id(v.mv_data, v.mv_size))
			continue;
		char code[SH_STORE_CODE_MAX];
		if (k.mv_size >= SH_STORE_CODE_MAX) {
			rc = sh_error_set(SH_ECORRUPT, "a paper key of %zu bytes", k.mv_size);
			goto out;
		}
		memcpy(code, k.mv_data, k.mv_size); /* the page moves when written */
		k.mv_data = code;
		sh_store_paper_rec *p = NULL;
		if ((rc = store_decode_paper(v.mv_data, v.mv_size, &p)))
			goto out; /* damage: sohoa check names it; nothing is changed */
		if ((rc = store_pid_alloc(s, txn, 1, &id, &lrc)) || lrc) {
			sh_store_paper_rec_free(&p);
			goto lcheck;
		}
		sh_buf_free(&w.b);
		w.err = 0;
		if ((rc = sh_buf_put(&w.b, v.mv_data, v.mv_size))) {
			sh_store_paper_rec_free(&p);
			goto out;
		}
		rec_u64(&w, P_ID, id);
		MDB_val nv = {w.b.len, w.b.data};
		if (!(rc = w.err))
			lrc = mdb_cursor_put(pc, &k, &nv, MDB_CURRENT);
		uint8_t ib[4];
		store_be32(ib, id);
		MDB_val ik = {4, ib};
		if (!rc && !lrc)
			lrc = mdb_cursor_put(ic, &ik, &k, MDB_APPEND);
		for (size_t i = 0; !rc && !lrc && i < p->npages; i++)
			rc = store_index_text(s, txn, id, p->pages[i].text, &lrc);
		sh_store_paper_rec_free(&p);
		if (rc || lrc)
			goto lcheck;
	}
	if (lrc != MDB_NOTFOUND)
		goto lfail;
	/* the old postings (paper codes) become ids, kind names and facts too */
	if ((lrc = mdb_cursor_open(txn, word, &wc)))
		goto lfail;
	while ((lrc = mdb_cursor_get(wc, &k, &v, MDB_NEXT)) == 0) {
		MDB_val pv;
		if ((lrc = mdb_get(txn, s->paper, &v, &pv))) {
			if (lrc == MDB_NOTFOUND)
				continue; /* a stale entry: dropped */
			goto lfail;
		}
		uint32_t pid = store_paper_id(pv.mv_data, pv.mv_size);
		if (!pid)
			continue;
		uint8_t ib[4];
		store_be32(ib, pid);
		MDB_val iv = {4, ib};
		if ((lrc = mdb_put(txn, s->post, &k, &iv, MDB_NODUPDATA)) && lrc != MDB_KEYEXIST)
			goto lfail;
	}
	if (lrc != MDB_NOTFOUND)
		goto lfail;
	mdb_cursor_close(wc);
	wc = NULL;
	if ((lrc = mdb_drop(txn, word, 1)))
		goto lfail;
	if ((rc = upgrade_owners(s, txn, &lrc)) || lrc)
		goto lcheck;
	MDB_val sk = {6, "schema"}, sv = {1, "2"};
	if ((lrc = mdb_put(txn, s->meta, &sk, &sv, 0)))
		goto lfail;
	lrc = 0;
	goto out;
lcheck:
	if (!lrc)
		goto out;
lfail:
	rc = store_write_err(s, lrc, "upgrading the search index");
out:
	if (wc)
		mdb_cursor_close(wc);
	if (pc)
		mdb_cursor_close(pc);
	if (ic)
		mdb_cursor_close(ic);
	sh_buf_free(&w.b);
	return rc;
}

static int upgrade_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	(void)arg;
	MDB_dbi word;
	int lrc = mdb_dbi_open(txn, "word", MDB_DUPSORT | MDB_CREATE, &word);
	return lrc ? store_write_err(s, lrc, "word") : upgrade_txn(s, txn, word);
}

int store_index_upgrade(sh_store *s)
{
	int rc = store_write(s, 0, "upgrade", upgrade_fn, NULL);
	return rc ? sh_error_wrap(rc, "upgrading the warehouse to schema 2: ") : SH_OK;
}
