/* Finding papers by folded words (a leapfrog join of the words' lists of
 * paper ids, newest first), with filters; exact forms ranked first. */
#include "wh_int.h"

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

struct cand {
	uint32_t id;
	double score;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* newer first */
}

/* The code of paper id into code (SH_STORE_CODE_MAX): 0, or an LMDB error
 * (MDB_NOTFOUND for an id nobody has). */
static int id_code(sh_store *s, MDB_txn *txn, uint32_t id, char code[SH_STORE_CODE_MAX])
{
	uint8_t ib[4];
	store_be32(ib, id);
	MDB_val k = {4, ib}, v;
	int lrc = mdb_get(txn, s->pid, &k, &v);
	if (lrc)
		return lrc;
	if (!v.mv_size || v.mv_size >= SH_STORE_CODE_MAX)
		return MDB_CORRUPTED;
	memcpy(code, v.mv_data, v.mv_size);
	code[v.mv_size] = 0;
	return 0;
}

static int cmp_be32(const void *a, const void *b)
{
	uint32_t x = store_rd32(a), y = store_rd32(b);
	return x < y ? -1 : x > y;
}

/* The owner's paper ids as an ascending array list (*arr: caller sh_free). */
static int owner_list(sh_store *s, MDB_txn *txn, const char *owner, store_plist *l, uint8_t **arr)
{
	MDB_cursor *c;
	size_t n = 0, cap = 0;
	*arr = NULL;
	int lrc = mdb_cursor_open(txn, s->owner, &c);
	if (lrc)
		return store_lmdb_err(lrc, "owner index");
	MDB_val k = {strlen(owner), (void *)owner}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); !lrc;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		uint32_t id = store_owner_entry_id(s, txn, &v);
		if (!id)
			continue; /* sohoa check reports it */
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			uint8_t *na = sh_realloc(*arr, nc * 4);
			if (!na) {
				mdb_cursor_close(c);
				return SH_ENOMEM;
			}
			*arr = na;
			cap = nc;
		}
		store_be32(*arr + 4 * n++, id);
	}
	mdb_cursor_close(c);
	if (lrc != MDB_NOTFOUND)
		return store_lmdb_err(lrc, "owner index");
	if (n > 1)
		qsort(*arr, n, 4, cmp_be32);
	memset(l, 0, sizeof *l);
	l->blk = *arr;
	l->nblk = l->count = n;
	return SH_OK;
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
	if (nd < 4)
		return 0;
	const char *d = code + dash[3] + 1;
	if (dash[2] - dash[3] == 5 && d[0] == 'L' && d[1] == 'T') /* archive record: its year */
		snprintf(date, 11, "20%.2s", d + 2);
	else if (dash[2] - dash[3] == 7)
		snprintf(date, 11, "20%.2s-%.2s-%.2s", d, d + 2, d + 4);
	else
		return 0;
	*agency_len = dash[3];
	*kind = code + dash[0] + 1;
	*kind_len = len - dash[0] - 1;
	return 1;
}

static int filter_pass(const sh_wh_filter *f, const char *code)
{
	size_t al, kl;
	char date[11];
	const char *kind;
	if (!code_parts(code, strlen(code), &al, date, &kind, &kl))
		return 0;
	if (f->kind && (strlen(f->kind) != kl || memcmp(f->kind, kind, kl)))
		return 0;
	if (f->agency && (strlen(f->agency) != al || memcmp(f->agency, code, al)))
		return 0;
	/* an archive record (dated by its year, "20YY") passes when its year
	 * meets the range */
	if (f->from && strlen(date) == 4 ? strncmp(date, f->from, 4) < 0
		     : f->from && strcmp(date, f->from) < 0)
		return 0;
	if (f->to && strlen(date) == 4 ? strncmp(date, f->to, 4) > 0 : f->to && strcmp(date, f->to) > 0)
		return 0;
	return 1;
}

static int cmp_plist(const void *a, const void *b)
{
	const store_plist *x = a, *y = b;
	return x->count < y->count ? -1 : x->count > y->count;
}

static int has_filter(const sh_wh_filter *f)
{
	return f && (f->kind || f->agency || f->from || f->to);
}

/* Matches found so far, newest first. */
struct hitlist {
	struct cand *v;
	size_t n, cap;
};

static int hit_push(struct hitlist *h, uint32_t id, double score)
{
	if (h->n == h->cap) {
		size_t nc = h->cap ? h->cap * 2 : 64;
		struct cand *nv = sh_realloc(h->v, nc * sizeof *nv);
		if (!nv)
			return SH_ENOMEM;
		h->v = nv;
		h->cap = nc;
	}
	h->v[h->n++] = (struct cand){id, score};
	return SH_OK;
}

/* The leapfrog join of nl lists of paper ids (shortest first), newest
 * (largest id) first: the ids on every list that pass the filter, each
 * scored base, into h; it stops after enough. */
static int join(sh_store *s, MDB_txn *txn, store_plist *lists, size_t nl,
		const sh_wh_filter *f, size_t enough, double base, struct hitlist *h)
{
	uint32_t cand = 0, y = 0;
	int lrc = store_plist_le(&lists[0], STORE_PID_MAX, &cand);
	while (!lrc) {
		size_t i = 1;
		for (; i < nl; i++)
			if ((lrc = store_plist_le(&lists[i], cand, &y)) || y != cand)
				break;
		if (lrc)
			break;
		if (i < nl) { /* jump the shortest list down to the smaller id found */
			lrc = store_plist_le(&lists[0], y, &cand);
			continue;
		}
		int pass = 1;
		if (has_filter(f)) {
			char code[SH_STORE_CODE_MAX];
			int e = id_code(s, txn, cand, code);
			if (e && e != MDB_NOTFOUND) {
				lrc = e;
				break;
			}
			pass = !e && filter_pass(f, code);
		}
		if (pass) {
			if (hit_push(h, cand, base))
				return SH_ENOMEM;
			if (h->n >= enough)
				break;
		}
		if (cand == 1)
			break;
		lrc = store_plist_le(&lists[0], cand - 1, &cand);
	}
	return lrc && lrc != MDB_NOTFOUND ? store_lmdb_err(lrc, "search") : SH_OK;
}

/* Exact forms rank first among the newest SH_WH_FIND_SCORED matches: each
 * query word the paper holds as written (accents and all) adds one. The
 * hits are newest first, the order the exact lists are read in. */
static int rank_exact(sh_store *s, MDB_txn *txn, const struct qwords *lw, struct hitlist *h)
{
	for (size_t j = 0; j < lw->n && h->n; j++) {
		store_plist ex;
		uint32_t y;
		int lrc = 0, rc = store_plist_open(&ex, txn, s->exact, lw->w[j], strlen(lw->w[j]));
		if (rc == SH_ENOTFOUND)
			continue;
		if (rc)
			return rc;
		for (size_t i = 0; i < h->n && i < SH_WH_FIND_SCORED; i++) {
			if ((lrc = store_plist_le(&ex, h->v[i].id, &y)))
				break;
			if (y == h->v[i].id)
				h->v[i].score += 1.0;
		}
		store_plist_close(&ex);
		if (lrc && lrc != MDB_NOTFOUND)
			return store_lmdb_err(lrc, "search");
	}
	return SH_OK;
}

/* The best limit hits (0: all) with their codes: *out (caller sh_free), *n. */
static int hits_out(sh_store *s, MDB_txn *txn, struct hitlist *h, size_t limit,
		    sh_wh_hit **out, size_t *n)
{
	size_t nh = limit && h->n > limit ? limit : h->n;
	if (nh < h->n) {
		/* the best nh only, in order (a server's limit=10 among up to
		 * SH_WH_FIND_SCORED matches): the same as the head of the full
		 * sort, cmp_cand being a total order (ids are distinct) */
		qsort(h->v, nh, sizeof *h->v, cmp_cand);
		for (size_t i = nh; i < h->n; i++) {
			if (cmp_cand(&h->v[i], &h->v[nh - 1]) >= 0)
				continue;
			struct cand x = h->v[i];
			size_t j = nh - 1;
			for (; j > 0 && cmp_cand(&x, &h->v[j - 1]) < 0; j--)
				h->v[j] = h->v[j - 1];
			h->v[j] = x;
		}
	} else if (h->n > 1) {
		qsort(h->v, h->n, sizeof *h->v, cmp_cand);
	}
	sh_wh_hit *res = NULL;
	if (nh && !(res = sh_calloc(nh, sizeof *res)))
		return SH_ENOMEM;
	size_t nr = 0;
	for (size_t i = 0; i < nh; i++) {
		int e = id_code(s, txn, h->v[i].id, res[nr].code);
		if (e == MDB_NOTFOUND)
			continue; /* damage: sohoa check names it */
		if (e) {
			sh_free(res);
			return store_lmdb_err(e, "search");
		}
		res[nr++].score = h->v[i].score;
	}
	*out = res;
	*n = nr;
	return SH_OK;
}

static int search(sh_store *s, const char *query, const sh_wh_filter *f, size_t limit,
		  sh_wh_hit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char *folded = NULL, *lower = NULL, owner[16];
	struct qwords q = {0}, lw = {0};
	store_plist *lists = NULL;
	uint8_t *oarr = NULL;
	size_t nl = 0;
	struct hitlist h = {0};
	MDB_txn *txn = NULL;
	int rc = SH_OK;
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
	/* one list of paper ids per word (and the owner's): a leapfrog join
	 * from the shortest, newest (largest id) first */
	if (!(lists = sh_calloc(q.n + 1, sizeof *lists))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < q.n; i++) {
		rc = store_plist_open(&lists[nl], txn, s->post, q.w[i], strlen(q.w[i]));
		if (rc == SH_ENOTFOUND) {
			rc = SH_OK;
			goto done; /* a word nobody has: no hits */
		}
		if (rc)
			goto out;
		nl++;
	}
	if (f && f->owner) {
		if ((rc = owner_list(s, txn, owner, &lists[nl], &oarr)))
			goto out;
		if (!lists[nl++].count)
			goto done;
	}
	qsort(lists, nl, sizeof *lists, cmp_plist);
	/* with a limit within SH_WH_FIND_SCORED, the matches older than the newest
	 * SH_WH_FIND_SCORED cannot reach the answer (they score the base and follow
	 * by date), so the join stops there */
	size_t enough = limit && limit <= SH_WH_FIND_SCORED ? SH_WH_FIND_SCORED : (size_t)-1;
	if ((rc = join(s, txn, lists, nl, f, enough, (double)q.n, &h)) ||
	    (rc = rank_exact(s, txn, &lw, &h)))
		goto out;
done:
	rc = hits_out(s, txn, &h, limit, out, n);
out:
	for (size_t i = 0; i < nl; i++)
		store_plist_close(&lists[i]);
	sh_free(lists);
	sh_free(oarr);
	if (txn)
		mdb_txn_abort(txn);
	sh_free(h.v);
	sh_free(folded);
	sh_free(lower);
	qwords_free(&q);
	qwords_free(&lw);
	return rc;
}

int sh_wh_search(sh_store *s, const char *query, const sh_wh_filter *f, size_t limit,
		 sh_wh_hit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int rc = sh_wh_may(s, SH_WH_PERM_READ_OWNER);
	if (rc)
		return rc;
	/* an original number ("125/QĐ-UBND": no space, joined by / - .) is
	 * first looked up as the one word its papers are also indexed under
	 * (receive/ adds it), then, when none holds it, as its words */
	int joined = 0;
	if (query && strpbrk(query, "/-.") && !strpbrk(query, " \t\n") && strlen(query) < 128) {
		char j[128];
		size_t k = 0;
		for (const char *q = query; *q; q++)
			if (!strchr("/-.", *q))
				j[k++] = *q;
		j[k] = 0;
		if (k && !(rc = search(s, j, f, limit, out, n)) && *n)
			joined = 1;
		else if (rc == SH_EINVAL)
			rc = SH_OK;
		if (rc)
			return rc;
	}
	if (!joined) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
		if ((rc = search(s, query, f, limit, out, n)))
			return rc;
	}
	if (!*n)
		return rc;
	const char **codes = sh_calloc(*n, sizeof *codes);
	for (size_t i = 0; codes && i < *n; i++)
		codes[i] = (*out)[i].code;
	rc = codes ? wh_audit_session(s, codes, *n, NULL) : SH_ENOMEM;
	sh_free(codes);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int sh_wh_find(sh_store *s, const char *query, size_t limit, sh_wh_hit **out, size_t *n)
{
	return sh_wh_search(s, query, NULL, limit, out, n);
}

/* ---- one page's bytes ------------------------------------------------------ */

int sh_wh_page_image(sh_store *s, const char *code, size_t n, int original, uint8_t **out,
		     size_t *out_len, const char **mime)
{
	static const char *mimes[] = {"image/png", "image/jpeg", "image/tiff"};
	sh_store_paper_rec *p = NULL;
	*out = NULL;
	*out_len = 0;
	*mime = "application/octet-stream";
	int rc = sh_wh_may(s, SH_WH_PERM_READ);
	if (!rc)
		rc = sh_store_paper_get(s, code, &p);
	if (!rc && (n < 1 || n > p->npages))
		rc = sh_error_set(SH_ENOTFOUND, "paper %s has %zu page%s", code, p->npages,
				  p->npages == 1 ? "" : "s");
	const sh_store_page_rec *g = rc ? NULL : &p->pages[n - 1];
	if (g && original && !g->has_original)
		rc = sh_error_set(SH_ENOTFOUND, "page %zu of %s has no original: it is stored as "
						"received", n, code);
	const uint8_t *sha = g ? (original ? g->original_sha : g->image_sha) : NULL;
	uint8_t h[SH_SHA256_LEN];
	if (!rc && !(rc = sh_store_blob_get(s, sha, out, out_len))) {
		sh_sha256(h, *out, *out_len);
		if (memcmp(h, sha, SH_SHA256_LEN))
			rc = sh_error_set(SH_ECORRUPT, "page %zu of %s: the stored bytes do not match "
							"their SHA-256 (altered): run sohoa verify %s",
					  n, code, code);
	}
	for (size_t i = 0; !rc && i < 3; i++)
		if (!strcmp(original ? g->original_mime : g->mime, mimes[i]))
			*mime = mimes[i];
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*out_len = 0;
	}
	sh_store_paper_rec_free(&p);
	return rc;
}
