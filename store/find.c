/* Finding papers by folded words (a leapfrog join of the words' sorted
 * paper lists), with filters; exact forms ranked first. */
#include "store_int.h"

#include <errno.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- find --------------------------------------------------------------- */

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
 * words occur in the paper's lower-cased text. The page texts are read in
 * place from the stored record (no whole decode); -1 when out of memory. */
static double exact_score(MDB_txn *txn, sh_store *s, const char *code, const struct qwords *lw)
{
	MDB_val k = {strlen(code), (void *)code}, v;
	if (mdb_get(txn, s->paper, &k, &v))
		return 0;
	rec_r r, g;
	unsigned tag, gtag;
	const uint8_t *val, *gval;
	size_t len, glen;
	double score = 0;
	if (rec_open(&r, v.mv_data, v.mv_size, REC_PAPER))
		return 0; /* damage: check reports it */
	while (rec_next(&r, &tag, &val, &len) == 1) {
		if (tag != P_PAGE || rec_open(&g, val, len, REC_PAGE))
			continue;
		while (rec_next(&g, &gtag, &gval, &glen) == 1) {
			if (gtag != G_TEXT || memchr(gval, 0, glen))
				continue;
			char *low = NULL;
			int rc = sh_text_lower(&low, (const char *)gval, glen);
			if (rc == SH_ENOMEM)
				return -1;
			if (rc)
				continue;
			for (size_t j = 0; j < lw->n; j++)
				for (const char *q = low; (q = strstr(q, lw->w[j]));
				     q += strlen(lw->w[j]))
					score += 1.0;
			sh_free(low);
		}
	}
	return score;
}

/* The parts of a paper code <agency>-YYMMDD-NNNN-NN-KIND a filter needs:
 * agency length, the date as "20YY-MM-DD", the kind. 0 if malformed. */
static int code_parts(const char *code, size_t len, size_t *agency_len, char date[11],
		      const char **kind, size_t *kind_len)
{
	size_t dash[4], nd = 0;
	for (size_t i = len; i > 0 && nd < 4; i--)
		if (code[i - 1] == '-')
			dash[nd++] = i - 1;
	if (nd < 4 || dash[2] - dash[3] != 7)
		return 0;
	const char *d = code + dash[3] + 1;
	snprintf(date, 11, "20%.2s-%.2s-%.2s", d, d + 2, d + 4);
	*agency_len = dash[3];
	*kind = code + dash[0] + 1;
	*kind_len = len - dash[0] - 1;
	return 1;
}

static int filter_pass(const sh_find_filter *f, const MDB_val *v)
{
	if (!f || (!f->kind && !f->agency && !f->from && !f->to))
		return 1;
	size_t al, kl;
	char date[11];
	const char *kind;
	if (!code_parts(v->mv_data, v->mv_size, &al, date, &kind, &kl))
		return 0;
	if (f->kind && (strlen(f->kind) != kl || memcmp(f->kind, kind, kl)))
		return 0;
	if (f->agency && (strlen(f->agency) != al || memcmp(f->agency, v->mv_data, al)))
		return 0;
	if (f->from && strcmp(date, f->from) < 0)
		return 0;
	if (f->to && strcmp(date, f->to) > 0)
		return 0;
	return 1;
}

struct list {
	MDB_cursor *c;
	MDB_val key;
	size_t count;
};

static int cmp_list(const void *a, const void *b)
{
	const struct list *x = a, *y = b;
	return x->count < y->count ? -1 : x->count > y->count;
}

static int val_cmp(const MDB_val *a, const MDB_val *b)
{
	size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
	int c = memcmp(a->mv_data, b->mv_data, n);
	return c ? c : (a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size);
}

/* The list's largest code not above *v, into *v: 0, MDB_NOTFOUND when none
 * is left, or an LMDB error. The lists are walked newest (largest) first. */
static int seek_le(struct list *l, MDB_val *v)
{
	MDB_val want = *v, got = want;
	int lrc = mdb_cursor_get(l->c, &l->key, &got, MDB_GET_BOTH_RANGE);
	if (lrc == 0) {
		if (val_cmp(&got, &want) != 0)
			lrc = mdb_cursor_get(l->c, &l->key, &got, MDB_PREV_DUP);
	} else if (lrc == MDB_NOTFOUND) { /* every code is smaller: the last one */
		lrc = mdb_cursor_get(l->c, &l->key, &got, MDB_SET_KEY);
		if (!lrc)
			lrc = mdb_cursor_get(l->c, &l->key, &got, MDB_LAST_DUP);
	}
	if (!lrc)
		*v = got;
	return lrc;
}

int sh_store_search(sh_store *s, const char *query, const sh_find_filter *f, size_t limit,
		    sh_hit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char *folded = NULL, *lower = NULL, owner[16];
	struct qwords q = {0}, lw = {0};
	struct list *lists = NULL;
	size_t nl = 0;
	sh_hit *hits = NULL;
	size_t nh = 0, cap = 0;
	MDB_txn *txn = NULL;
	int lrc = 0, rc = SH_OK;
	if (f && f->owner && (rc = sh_id_owner_check(NULL, owner, f->owner)))
		return rc;
	if (f && ((f->from && strlen(f->from) != 10) || (f->to && strlen(f->to) != 10)))
		return sh_error_set(SH_EINVAL, "dates are written YYYY-MM-DD");
	rc = sh_text_fold(&folded, query, strlen(query));
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
	/* one sorted list of paper codes per word (and the owner's): a
	 * leapfrog join from the shortest */
	if (!(lists = sh_calloc(q.n + 1, sizeof *lists))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i <= q.n; i++) {
		if (i == q.n && !(f && f->owner))
			break;
		struct list *l = &lists[nl];
		MDB_dbi dbi = i < q.n ? s->word : s->owner;
		const char *key = i < q.n ? q.w[i] : owner;
		if ((lrc = mdb_cursor_open(txn, dbi, &l->c)))
			goto lfail;
		nl++;
		l->key.mv_size = strlen(key);
		l->key.mv_data = (void *)key;
		MDB_val v;
		lrc = mdb_cursor_get(l->c, &l->key, &v, MDB_SET_KEY);
		if (lrc == MDB_NOTFOUND)
			goto done; /* a word nobody has: no hits */
		if (lrc || (lrc = mdb_cursor_count(l->c, &l->count)))
			goto lfail;
	}
	qsort(lists, nl, sizeof *lists, cmp_list);
	/* newest first: with a limit within SH_FIND_SCORED, the matches older
	 * than the newest SH_FIND_SCORED cannot reach the answer (they score
	 * the base and follow by date), so the join stops there */
	size_t enough = limit && limit <= SH_FIND_SCORED ? SH_FIND_SCORED : (size_t)-1;
	MDB_val cand, v;
	if ((lrc = mdb_cursor_get(lists[0].c, &lists[0].key, &cand, MDB_LAST_DUP)))
		goto lfail;
	for (;;) {
		size_t i = 1;
		for (; i < nl; i++) {
			v = cand;
			lrc = seek_le(&lists[i], &v);
			if (lrc == MDB_NOTFOUND)
				goto done;
			if (lrc)
				goto lfail;
			if (val_cmp(&v, &cand) != 0)
				break;
		}
		if (i == nl) {
			if (cand.mv_size < SH_CODE_MAX && filter_pass(f, &cand)) {
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
				memcpy(hits[nh].code, cand.mv_data, cand.mv_size);
				hits[nh].code[cand.mv_size] = 0;
				hits[nh].score = (double)q.n;
				nh++;
				if (nh >= enough)
					goto done;
			}
			lrc = mdb_cursor_get(lists[0].c, &lists[0].key, &cand, MDB_PREV_DUP);
		} else {
			/* jump the shortest list down to the smaller code found */
			cand = v;
			lrc = seek_le(&lists[0], &cand);
		}
		if (lrc == MDB_NOTFOUND)
			break;
		if (lrc)
			goto lfail;
	}
done:
	lrc = 0;
	/* exact forms rank first among the newest SH_FIND_SCORED matches; the
	 * join found them newest first already */
	for (size_t i = 0; i < nh && i < SH_FIND_SCORED; i++) {
		double x = exact_score(txn, s, hits[i].code, &lw);
		if (x < 0) {
			rc = SH_ENOMEM;
			goto out;
		}
		hits[i].score += x;
	}
	if (nh > 1)
		qsort(hits, nh, sizeof *hits, cmp_hit);
	if (limit && nh > limit)
		nh = limit;
	*out = hits;
	*n = nh;
	hits = NULL;
	goto out;
lfail:
	rc = store_lmdb_err(lrc, "search");
out:
	for (size_t i = 0; i < nl; i++)
		mdb_cursor_close(lists[i].c);
	sh_free(lists);
	if (txn)
		mdb_txn_abort(txn);
	sh_free(hits);
	sh_free(folded);
	sh_free(lower);
	qwords_free(&q);
	qwords_free(&lw);
	return rc;
}

int sh_store_find(sh_store *s, const char *query, size_t limit, sh_hit **out, size_t *n)
{
	return sh_store_search(s, query, NULL, limit, out, n);
}
