/* Finding papers by folded words, exact forms ranked first. */
#include "store_int.h"

#include <errno.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- find --------------------------------------------------------------- */

/* Is (key, val) present in a DUPSORT table? */
static int has_pair_val(MDB_txn *txn, MDB_dbi dbi, const char *key, MDB_val *val)
{
	MDB_cursor *c;
	if (mdb_cursor_open(txn, dbi, &c))
		return 0;
	MDB_val k = {strlen(key), (void *)key}, v = *val;
	int ok = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH) == 0;
	mdb_cursor_close(c);
	return ok;
}


struct qwords {
	char **w;
	size_t n, cap;
	int err;
};

static int collect_word(void *arg, const char *w, size_t n)
{
	struct qwords *q = arg;
	if (n > WORD_MAX)
		n = WORD_MAX;
	for (size_t i = 0; i < q->n; i++)
		if (strlen(q->w[i]) == n && !memcmp(q->w[i], w, n))
			return 0;
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 8;
		char **nw = sh_realloc(q->w, nc * sizeof *nw);
		if (!nw) {
			q->err = SH_ENOMEM;
			return 1;
		}
		q->w = nw;
		q->cap = nc;
	}
	if (!(q->w[q->n] = sh_strndup(w, n))) {
		q->err = SH_ENOMEM;
		return 1;
	}
	q->n++;
	return 0;
}

static void qwords_free(struct qwords *q)
{
	for (size_t i = 0; i < q->n; i++)
		sh_free(q->w[i]);
	sh_free(q->w);
}

static int cmp_hit(const void *a, const void *b)
{
	const sh_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(y->code, x->code); /* newer codes first */
}

/* Exact-form bonus: how many of the query's own (lower-cased, accented)
 * words occur in the paper's lower-cased text. */
static double exact_score(MDB_txn *txn, sh_store *s, const char *code, const struct qwords *lw)
{
	MDB_val k = {strlen(code), (void *)code}, v;
	if (mdb_get(txn, s->paper, &k, &v))
		return 0;
	sh_paper_rec *p = NULL;
	if (store_decode_paper(v.mv_data, v.mv_size, &p))
		return 0;
	double score = 0;
	for (size_t i = 0; i < p->npages; i++) {
		char *low = NULL;
		if (sh_text_lower(&low, p->pages[i].text, strlen(p->pages[i].text)))
			continue;
		for (size_t j = 0; j < lw->n; j++)
			for (const char *q = low; (q = strstr(q, lw->w[j])); q += strlen(lw->w[j]))
				score += 1.0;
		sh_free(low);
	}
	sh_paper_rec_free(&p);
	return score;
}

int sh_store_find(sh_store *s, const char *query, size_t limit, sh_hit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char *folded = NULL, *lower = NULL;
	struct qwords q = {0}, lw = {0};
	sh_hit *hits = NULL;
	size_t nh = 0, cap = 0;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	int rc = sh_text_fold(&folded, query, strlen(query));
	if (!rc)
		rc = sh_text_lower(&lower, query, strlen(query));
	if (rc)
		goto out;
	sh_text_words(folded, strlen(folded), collect_word, &q);
	sh_text_words(lower, strlen(lower), collect_word, &lw);
	if ((rc = q.err ? q.err : lw.err))
		goto out;
	if (q.n == 0) {
		rc = sh_error_set(SH_EINVAL, "the search has no words");
		goto out;
	}
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		goto out;
	int lrc = mdb_cursor_open(txn, s->word, &cur);
	if (lrc) {
		rc = store_lmdb_err(lrc, "search");
		goto out;
	}
	MDB_val k = {strlen(q.w[0]), q.w[0]}, v;
	for (lrc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY); lrc == 0;
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
		if (v.mv_size >= SH_CODE_MAX)
			continue;
		int all = 1;
		for (size_t i = 1; i < q.n && all; i++)
			all = has_pair_val(txn, s->word, q.w[i], &v);
		if (!all)
			continue;
		if (nh == cap) {
			size_t nc = cap ? cap * 2 : 16;
			sh_hit *nhits = sh_realloc(hits, nc * sizeof *nhits);
			if (!nhits) {
				rc = SH_ENOMEM;
				goto out;
			}
			hits = nhits;
			cap = nc;
		}
		memcpy(hits[nh].code, v.mv_data, v.mv_size);
		hits[nh].code[v.mv_size] = 0;
		hits[nh].score = 0;
		nh++;
	}
	if (lrc != MDB_NOTFOUND && lrc != 0) {
		rc = store_lmdb_err(lrc, "search");
		goto out;
	}
	for (size_t i = 0; i < nh; i++)
		hits[i].score = (double)q.n + exact_score(txn, s, hits[i].code, &lw);
	qsort(hits, nh, sizeof *hits, cmp_hit);
	if (limit && nh > limit)
		nh = limit;
	*out = hits;
	*n = nh;
	hits = NULL;
out:
	if (cur)
		mdb_cursor_close(cur);
	if (txn)
		mdb_txn_abort(txn);
	sh_free(hits);
	sh_free(folded);
	sh_free(lower);
	qwords_free(&q);
	qwords_free(&lw);
	return rc;
}

