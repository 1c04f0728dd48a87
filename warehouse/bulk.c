/* Many dossiers in one write transaction (sh_wh_dossiers_put, sh_wh.h):
 * the bulk path of the benchmark (bench/warehouse) and of loading a large
 * batch. Records, codes, indexes and log entries are the same as
 * sh_wh_dossier_put's (dossier.c); only the order of the writes differs. */
#include "wh_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- many dossiers in one transaction ---------------------------------------------------- */

/* The bulk path prepares everything it can outside the write transaction
 * (checks, SHA-256, NFC, folding, tokenising), then writes each table in
 * key order: paper, dossier and rdate keys grow with receipt time and are
 * appended (MDB_APPEND, falling back to an ordinary put when a key is not
 * the largest), blob, owner and word entries are sorted first so that the
 * puts walk each B-tree once instead of dirtying pages at random. */

struct bpage {
	uint8_t sha[SH_SHA256_LEN], hocr_sha[SH_SHA256_LEN];
	char *text; /* NFC */
	int remote; /* image and hOCR in the object store (store_blob_upload) */
};

/* A word entry: a distinct folded word of the batch (interned) in a paper. */
struct bword {
	uint32_t wid, paper;
};

struct wref {
	size_t off; /* in the arena */
	uint32_t len;
};

struct wslot {
	uint64_t hash;
	uint32_t wid;
	int used;
};

/* A folded token: folding is per code point, so a token (NFC) folds the same
 * wherever it stands; each distinct token of a batch is folded once. */
struct fslot {
	uint64_t hash;
	size_t tok, fold; /* arena offsets */
	uint32_t tlen, flen;
	uint32_t wid;     /* the word, when single */
	int used, single; /* single: the folded token is one whole word */
	uint32_t xwid;    /* its accented lower-cased word (exact index), when xn == 1 */
	int xn;           /* how many it has (> 1: redone each time) */
};

struct bprep {
	size_t nd, np;
	char (*owner)[16];    /* normalised, per dossier */
	size_t *paper0;       /* first paper index of each dossier */
	const sh_wh_paper_in **paper; /* per paper */
	struct bpage **pages; /* per paper */
	sh_buf arena;         /* tokens and folded words */
	struct bword *w;
	size_t nw, wcap;
	struct wref *words; /* distinct folded words, by wid */
	size_t nwords, wordcap;
	struct wslot *wtab;
	size_t wtcap;
	struct fslot *memo;
	size_t mcap, mn;
	sh_nfc_cache *nfc;    /* the batch's words in NFC */
	/* while tokenising one page */
	const char *text;
	size_t prev_end;
	uint32_t cur;
	int nonascii_gap, err;
	const char *deflt; /* the kind of a paper given without one */
};

/* A kind code: 1 to 12 of A-Z 0-9. */
static int kind_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 12)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
	return h;
}

static int wtab_grow(struct bprep *b)
{
	size_t nc = b->wtcap ? b->wtcap * 2 : 8192;
	struct wslot *nt = sh_calloc(nc, sizeof *nt);
	if (!nt)
		return SH_ENOMEM;
	for (size_t i = 0; i < b->wtcap; i++) {
		if (!b->wtab[i].used)
			continue;
		size_t j = b->wtab[i].hash & (nc - 1);
		while (nt[j].used)
			j = (j + 1) & (nc - 1);
		nt[j] = b->wtab[i];
	}
	sh_free(b->wtab);
	b->wtab = nt;
	b->wtcap = nc;
	return SH_OK;
}

/* The id of the folded word at off (len bytes, cut to WORD_MAX) in the
 * arena; an exact word starts with byte 1 (and has WORD_MAX bytes after it). */
static int word_intern(struct bprep *b, size_t off, size_t len, uint32_t *wid)
{
	size_t max = WORD_MAX + (len && b->arena.data[off] == 1);
	if (len > max)
		len = max;
	if (b->nwords * 2 >= b->wtcap) {
		int rc = wtab_grow(b);
		if (rc)
			return rc;
	}
	const char *w = (const char *)b->arena.data + off;
	uint64_t h = fnv1a(w, len);
	size_t j = h & (b->wtcap - 1);
	for (; b->wtab[j].used; j = (j + 1) & (b->wtcap - 1)) {
		const struct wref *r = &b->words[b->wtab[j].wid];
		if (b->wtab[j].hash == h && r->len == len &&
		    !memcmp((const char *)b->arena.data + r->off, w, len)) {
			*wid = b->wtab[j].wid;
			return SH_OK;
		}
	}
	if (b->nwords == b->wordcap) {
		size_t nc = b->wordcap ? b->wordcap * 2 : 4096;
		struct wref *nw = sh_realloc(b->words, nc * sizeof *nw);
		if (!nw)
			return SH_ENOMEM;
		b->words = nw;
		b->wordcap = nc;
	}
	b->words[b->nwords] = (struct wref){off, (uint32_t)len};
	b->wtab[j] = (struct wslot){h, (uint32_t)b->nwords, 1};
	*wid = (uint32_t)b->nwords++;
	return SH_OK;
}

static int bword_push(struct bprep *b, uint32_t wid)
{
	if (b->nw == b->wcap) {
		size_t nc = b->wcap ? b->wcap * 2 : 4096;
		struct bword *nw = sh_realloc(b->w, nc * sizeof *nw);
		if (!nw)
			return SH_ENOMEM;
		b->w = nw;
		b->wcap = nc;
	}
	b->w[b->nw++] = (struct bword){wid, b->cur};
	return SH_OK;
}

static int bword_add(struct bprep *b, size_t off, size_t len)
{
	uint32_t wid;
	int rc = word_intern(b, off, len, &wid);
	return rc ? rc : bword_push(b, wid);
}

struct wspan {
	const char *base;
	struct bprep *b;
	size_t base_off, n, first_len;
	int emit;
};

static int fold_word(void *arg, const char *w, size_t n)
{
	struct wspan *x = arg;
	if (!x->n++)
		x->first_len = (size_t)(w - x->base) == 0 ? n : (size_t)-1;
	if (x->emit && (x->b->err = bword_add(x->b, x->base_off + (size_t)(w - x->base), n)))
		return 1;
	return 0;
}

struct xspan {
	struct bprep *b;
	int push, n;
	uint32_t wid;
};

/* One word of a lower-cased text: an exact word. */
static int exact_word(void *arg, const char *w, size_t n)
{
	struct xspan *x = arg;
	struct bprep *b = x->b;
	if (n > WORD_MAX)
		n = WORD_MAX;
	size_t off = b->arena.len;
	if ((b->err = sh_buf_put(&b->arena, "\1", 1)) || (b->err = sh_buf_put(&b->arena, w, n)) ||
	    (b->err = word_intern(b, off, n + 1, &x->wid)) ||
	    (x->push && (b->err = bword_push(b, x->wid))))
		return 1;
	x->n++;
	return 0;
}

/* The exact words of text (n bytes, NFC), pushed for the current paper
 * when push; x->n of them, the last in x->wid. */
static int exact_words(struct bprep *b, const char *text, size_t n, int push, struct xspan *x)
{
	char *low = NULL;
	*x = (struct xspan){b, push, 0, 0};
	int rc = sh_text_lower(&low, text, n);
	if (rc)
		return rc;
	b->err = 0;
	sh_text_words(low, strlen(low), exact_word, x);
	sh_free(low);
	return b->err;
}

static int memo_grow(struct bprep *b)
{
	size_t nc = b->mcap ? b->mcap * 2 : 8192;
	struct fslot *nm = sh_calloc(nc, sizeof *nm);
	if (!nm)
		return SH_ENOMEM;
	for (size_t i = 0; i < b->mcap; i++) {
		if (!b->memo[i].used)
			continue;
		size_t j = b->memo[i].hash & (nc - 1);
		while (nm[j].used)
			j = (j + 1) & (nc - 1);
		nm[j] = b->memo[i];
	}
	sh_free(b->memo);
	b->memo = nm;
	b->mcap = nc;
	return SH_OK;
}

/* One NFC token of the page being prepared: its folded words. */
static int bulk_token(void *arg, const char *t, size_t n)
{
	struct bprep *b = arg;
	size_t start = (size_t)(t - b->text);
	for (size_t i = b->prev_end; i < start; i++)
		if ((uint8_t)b->text[i] >= 0x80)
			b->nonascii_gap = 1;
	b->prev_end = start + n;
	if (b->nonascii_gap)
		return 1; /* the caller folds the whole page instead */
	if (b->mn * 2 >= b->mcap && (b->err = memo_grow(b)))
		return 1;
	uint64_t h = fnv1a(t, n);
	size_t j = h & (b->mcap - 1);
	while (b->memo[j].used && !(b->memo[j].hash == h && b->memo[j].tlen == n &&
				    !memcmp((const char *)b->arena.data + b->memo[j].tok, t, n)))
		j = (j + 1) & (b->mcap - 1);
	struct fslot *f = &b->memo[j];
	if (!f->used) {
		char *folded = NULL;
		if ((b->err = sh_text_fold(&folded, t, n)))
			return 1;
		size_t fl = strlen(folded), tok = b->arena.len;
		if ((b->err = sh_buf_put(&b->arena, t, n)) ||
		    (b->err = sh_buf_put(&b->arena, folded, fl))) {
			sh_free(folded);
			return 1;
		}
		struct wspan x = {folded, b, 0, 0, 0, 0};
		sh_text_words(folded, fl, fold_word, &x);
		sh_free(folded);
		*f = (struct fslot){h, tok, tok + n, (uint32_t)n, (uint32_t)fl, 0, 1,
				    x.n == 1 && x.first_len == fl, 0, 0};
		b->mn++;
		if (f->single && (b->err = word_intern(b, f->fold, f->flen, &f->wid)))
			return 1;
		struct xspan xs;
		if ((b->err = exact_words(b, t, n, 0, &xs)))
			return 1;
		f->xn = xs.n;
		f->xwid = xs.wid;
	}
	if (f->xn == 1 && (b->err = bword_push(b, f->xwid)))
		return 1;
	if (f->xn > 1) {
		struct xspan xs;
		if ((b->err = exact_words(b, (const char *)b->arena.data + f->tok, f->tlen, 1, &xs)))
			return 1;
	}
	if (f->single)
		return (b->err = bword_push(b, f->wid)) != 0;
	struct wspan x = {(const char *)b->arena.data + f->fold, b, f->fold, 0, 0, 1};
	sh_text_words((const char *)b->arena.data + f->fold, f->flen, fold_word, &x);
	return b->err != 0;
}

/* The words of one page's NFC text, as sh_text_words(sh_text_fold(text)). */
static int bulk_page_words(struct bprep *b, const char *text)
{
	size_t nw0 = b->nw, len = strlen(text);
	b->text = text;
	b->prev_end = 0;
	b->nonascii_gap = 0;
	b->err = 0;
	sh_text_words(text, len, bulk_token, b);
	if (b->err)
		return b->err;
	for (size_t i = b->prev_end; i < len && !b->nonascii_gap; i++)
		if ((uint8_t)text[i] >= 0x80)
			b->nonascii_gap = 1;
	if (!b->nonascii_gap)
		return SH_OK;
	/* a separator outside ASCII: fold the page whole, as the index check does */
	b->nw = nw0;
	char *folded = NULL;
	int rc = sh_text_fold(&folded, text, len);
	if (rc)
		return rc;
	size_t fl = strlen(folded), off = b->arena.len;
	rc = sh_buf_put(&b->arena, folded, fl);
	sh_free(folded);
	if (rc)
		return rc;
	struct wspan x = {(const char *)b->arena.data + off, b, off, 0, 0, 1};
	sh_text_words((const char *)b->arena.data + off, fl, fold_word, &x);
	if (b->err)
		return b->err;
	struct xspan xs;
	return exact_words(b, text, len, 1, &xs);
}

static void bprep_free(struct bprep *b)
{
	for (size_t i = 0; b->pages && i < b->np; i++) {
		for (size_t j = 0; b->pages[i] && j < b->paper[i]->npages; j++)
			sh_free(b->pages[i][j].text);
		sh_free(b->pages[i]);
	}
	sh_free(b->pages);
	sh_free(b->paper);
	sh_free(b->owner);
	sh_free(b->paper0);
	sh_free(b->w);
	sh_free(b->words);
	sh_free(b->wtab);
	sh_free(b->memo);
	sh_nfc_cache_free(&b->nfc);
	sh_buf_free(&b->arena);
	memset(b, 0, sizeof *b);
}

/* Everything that needs no transaction. Errors name the dossier. */
static int bprep_make(struct bprep *b, const sh_wh_dossier_in *in, size_t n)
{
	memset(b, 0, sizeof *b);
	b->nd = n;
	for (size_t i = 0; i < n; i++)
		b->np += in[i].npapers;
	if (sh_nfc_cache_new(&b->nfc) ||
	    !(b->owner = sh_calloc(n ? n : 1, sizeof *b->owner)) ||
	    !(b->paper0 = sh_calloc(n + 1, sizeof *b->paper0)) ||
	    !(b->paper = sh_calloc(b->np ? b->np : 1, sizeof *b->paper)) ||
	    !(b->pages = sh_calloc(b->np ? b->np : 1, sizeof *b->pages)))
		return SH_ENOMEM;
	int drc = wh_kind_default(&b->deflt);
	if (drc)
		return drc;
	size_t p = 0;
	for (size_t d = 0; d < n; d++) {
		int rc = sh_id_owner_check(NULL, b->owner[d], in[d].owner);
		if (!rc && (!in[d].npapers || in[d].npapers > 999 || !in[d].procedure ||
			    !*in[d].procedure))
			rc = sh_error_set(SH_EINVAL, "a dossier needs a procedure and 1 to 999 "
						     "papers");
		if (rc)
			return sh_error_wrap(rc, "dossier %zu of the batch: ", d + 1);
		b->paper0[d] = p;
		for (size_t i = 0; i < in[d].npapers; i++, p++) {
			const sh_wh_paper_in *pi = &in[d].papers[i];
			b->paper[p] = pi;
			if (!kind_ok(pi->kind ? pi->kind : b->deflt) || !pi->npages)
				return sh_error_set(SH_EINVAL, "dossier %zu of the batch: paper %zu: "
							       "bad kind or no pages", d + 1, i + 1);
			if (!(b->pages[p] = sh_calloc(pi->npages, sizeof **b->pages)))
				return SH_ENOMEM;
			b->cur = (uint32_t)p;
			for (size_t j = 0; j < pi->npages; j++) {
				const sh_wh_page_in *pg = &pi->pages[j];
				struct bpage *bp = &b->pages[p][j];
				if (!pg->image || !pg->image_len || !pg->mime)
					return sh_error_set(SH_EINVAL, "dossier %zu of the batch: paper "
								       "%zu page %zu has no image",
							    d + 1, i + 1, j + 1);
				if (pg->original) /* the desk's path (sh_wh_dossier_put) keeps those */
					return sh_error_set(SH_EINVAL, "dossier %zu of the batch: paper "
								       "%zu page %zu has an original: store "
								       "it with sh_wh_dossier_put",
							    d + 1, i + 1, j + 1);
				const char *t0 = pg->text ? pg->text : "";
				if ((rc = sh_text_nfc_cached(b->nfc, &bp->text, t0, strlen(t0))) ||
				    (rc = bulk_page_words(b, bp->text)))
					return sh_error_wrap(rc, "dossier %zu of the batch: ", d + 1);
				sh_sha256(bp->sha, pg->image, pg->image_len);
				if (pg->hocr)
					sh_sha256(bp->hocr_sha, pg->hocr, strlen(pg->hocr));
			}
		}
	}
	b->paper0[n] = p;
	return SH_OK;
}

struct bcode {
	const char *code;
	uint32_t paper;
};
struct bowner {
	const char *owner;
	uint32_t rank;
	uint32_t dossier;
};
struct bblob {
	const uint8_t *sha;
	const void *data;
	size_t len;
	int remote;
};

static int cmp_bcode(const void *a, const void *b)
{
	return strcmp(((const struct bcode *)a)->code, ((const struct bcode *)b)->code);
}

struct wsort {
	const char *w;
	uint32_t len, wid;
};

static int cmp_wsort(const void *a, const void *b)
{
	const struct wsort *x = a, *y = b;
	int c = memcmp(x->w, y->w, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/* Sort n keys (word rank << 32 | code rank, each below its bound) by
 * counting, code rank first then word rank (stable): two passes. */
static int sort_keys(uint64_t *k, size_t n, size_t nwords, size_t ncodes)
{
	size_t m = nwords > ncodes ? nwords : ncodes;
	uint64_t *tmp = sh_malloc((n ? n : 1) * sizeof *tmp);
	size_t *cnt = sh_malloc((m + 1) * sizeof *cnt);
	if (!tmp || !cnt) {
		sh_free(tmp);
		sh_free(cnt);
		return SH_ENOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		size_t bound = pass ? nwords : ncodes;
		int shift = pass ? 32 : 0;
		memset(cnt, 0, (bound + 1) * sizeof *cnt);
		for (size_t i = 0; i < n; i++)
			cnt[(uint32_t)(k[i] >> shift) + 1]++;
		for (size_t i = 1; i <= bound; i++)
			cnt[i] += cnt[i - 1];
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(uint32_t)(k[i] >> shift)]++] = k[i];
		memcpy(k, tmp, n * sizeof *k);
	}
	sh_free(tmp);
	sh_free(cnt);
	return SH_OK;
}

static int cmp_bowner(const void *a, const void *b)
{
	const struct bowner *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);
	return c ? c : (x->rank < y->rank ? -1 : x->rank > y->rank);
}

static int cmp_bblob(const void *a, const void *b)
{
	return memcmp(((const struct bblob *)a)->sha, ((const struct bblob *)b)->sha, SH_SHA256_LEN);
}

/* Put with MDB_APPEND when the key is the table's largest, else as flags. */
static int put_append(MDB_cursor *c, MDB_val *k, MDB_val *v, unsigned flags)
{
	int lrc = mdb_cursor_put(c, k, v, MDB_APPEND);
	if (lrc == MDB_KEYEXIST)
		lrc = mdb_cursor_put(c, k, v, flags);
	return lrc;
}

/* The dossier records, codes, papers, receipt-date index; no signatures, no
 * ikey (as dossier.c's put otherwise). */
static int bulk_dossier(sh_store *s, MDB_txn *txn, const struct bprep *b, size_t d,
			const sh_wh_dossier_in *in, sh_wh_dossier_codes *codes, MDB_cursor *pc,
			MDB_cursor *dc, MDB_cursor *rc_, MDB_cursor *ic, uint32_t first_id, int64_t t)
{
	const char *owner = b->owner[d];
	int rc = SH_OK, lrc = 0;
	rec_w w, dw;
	memset(&w, 0, sizeof w);
	memset(&dw, 0, sizeof dw);
	if ((rc = wh_next_dossier_code(s, txn, t, codes->dossier, &lrc)))
		return rc;
	if (lrc)
		goto lfail;
	rec_begin(&dw, REC_DOSSIER);
	rec_str(&dw, D_CODE, codes->dossier);
	rec_str(&dw, D_AGENCY, s->agency);
	rec_str(&dw, D_OWNER, owner);
	rec_str(&dw, D_PROCEDURE, in->procedure);
	rec_i64(&dw, D_RECEIVED, t);
	rec_str(&dw, D_OPERATOR, wh_operator_or(s, in->operator_id));
	for (size_t i = 0; i < in->npapers; i++) {
		const sh_wh_paper_in *p = &in->papers[i];
		const struct bpage *bp = b->pages[b->paper0[d] + i];
		const char *kind = p->kind ? p->kind : b->deflt;
		snprintf(codes->papers[i], SH_STORE_CODE_MAX, "%s-%02zu-%s", codes->dossier, i + 1, kind);
		rec_str(&dw, D_PAPER, codes->papers[i]);
		rec_begin(&w, REC_PAPER);
		rec_str(&w, P_CODE, codes->papers[i]);
		rec_str(&w, P_DOSSIER, codes->dossier);
		rec_str(&w, P_OWNER, owner);
		rec_str(&w, P_FILE, p->file);
		rec_str(&w, P_KIND, kind);
		rec_str(&w, P_FACTS, p->facts);
		rec_u64(&w, P_FLAGS, p->flags);
		rec_i64(&w, P_CREATED, t);
		uint32_t id = first_id + (uint32_t)(b->paper0[d] + i);
		rec_u64(&w, P_ID, id);
		for (size_t j = 0; j < p->npages; j++) {
			const sh_wh_page_in *pg = &p->pages[j];
			rec_w gw;
			rec_begin(&gw, REC_PAGE);
			rec_bytes(&gw, G_IMAGE, bp[j].sha, SH_SHA256_LEN);
			rec_str(&gw, G_MIME, pg->mime);
			rec_u64(&gw, G_IMAGE_LEN, pg->image_len);
			rec_str(&gw, G_TEXT, bp[j].text);
			if (pg->hocr)
				rec_bytes(&gw, G_HOCR, bp[j].hocr_sha, SH_SHA256_LEN);
			rec_u64(&gw, G_WIDTH, (uint64_t)(pg->width > 0 ? pg->width : 0));
			rec_u64(&gw, G_HEIGHT, (uint64_t)(pg->height > 0 ? pg->height : 0));
			rec_u64(&gw, G_DPI, (uint64_t)(pg->dpi > 0 ? pg->dpi : 0));
			rec_u64(&gw, G_ROTATION, (uint64_t)((pg->rotation % 360 + 360) % 360));
			rec_f32(&gw, G_CONF, pg->confidence);
			rec_u64(&gw, G_FLAGS, pg->flags);
			rec_str(&gw, G_NOTE, pg->note);
			rec_str(&gw, G_MAKE, pg->make && *pg->make ? pg->make : NULL);
			rec_str(&gw, G_MODEL, pg->model && *pg->model ? pg->model : NULL);
			if (!gw.err)
				rec_bytes(&w, P_PAGE, gw.b.data, gw.b.len);
			rc = gw.err;
			sh_buf_free(&gw.b);
			if (rc)
				goto out;
		}
		if ((rc = w.err))
			goto out;
		MDB_val pk = {strlen(codes->papers[i]), codes->papers[i]}, pv = {w.b.len, w.b.data};
		if ((lrc = put_append(pc, &pk, &pv, MDB_NOOVERWRITE)))
			goto lfail;
		uint8_t ib[4];
		store_be32(ib, id);
		MDB_val ik = {4, ib};
		if ((lrc = put_append(ic, &ik, &pk, MDB_NOOVERWRITE)))
			goto lfail;
		sh_buf_free(&w.b);
	}
	if ((rc = dw.err))
		goto out;
	MDB_val dk = {strlen(codes->dossier), codes->dossier}, dv = {dw.b.len, dw.b.data};
	if ((lrc = put_append(dc, &dk, &dv, MDB_NOOVERWRITE)))
		goto lfail;
	uint8_t kb[8 + SH_STORE_CODE_MAX];
	MDB_val rk = {wh_rdate_key(kb, codes->dossier, t), kb}, rv = {0, ""};
	if ((lrc = put_append(rc_, &rk, &rv, 0)))
		goto lfail;
	goto out;
lfail:
	rc = store_write_err(s, lrc, "storing dossiers");
out:
	sh_buf_free(&w.b);
	sh_buf_free(&dw.b);
	return rc;
}

struct bulk {
	const sh_wh_dossier_in *in;
	size_t n;
	sh_wh_dossier_codes **out;
	struct bprep *prep;
};

/* The batch's entries in key order: blobs by hash, owner entries by
 * (owner, code), word entries by (word, paper). */
struct bsorted {
	struct bcode *codes;
	struct bowner *own;
	struct bblob *blobs;
	uint32_t *rank, *wrank;
	struct wsort *ws;
	uint64_t *keys;
	size_t nblobs;
};

static void bsorted_free(struct bsorted *o)
{
	sh_free(o->codes);
	sh_free(o->own);
	sh_free(o->blobs);
	sh_free(o->rank);
	sh_free(o->wrank);
	sh_free(o->ws);
	sh_free(o->keys);
}

/* Sort what the batch puts in the blob, owner, post and exact tables. */
static int bulk_sort(const struct bulk *bk, struct bsorted *o)
{
	const struct bprep *b = bk->prep;
	/* the codes' order: word and owner entries are put in (key, code) order */
	size_t npages = 0;
	for (size_t p = 0; p < b->np; p++)
		npages += b->paper[p]->npages;
	if (!(o->codes = sh_calloc(b->np ? b->np : 1, sizeof *o->codes)) ||
	    !(o->own = sh_calloc(b->np ? b->np : 1, sizeof *o->own)) ||
	    !(o->rank = sh_calloc(b->np ? b->np : 1, sizeof *o->rank)) ||
	    !(o->wrank = sh_calloc(b->nwords ? b->nwords : 1, sizeof *o->wrank)) ||
	    !(o->ws = sh_calloc(b->nwords ? b->nwords : 1, sizeof *o->ws)) ||
	    !(o->keys = sh_calloc(b->nw ? b->nw : 1, sizeof *o->keys)) ||
	    !(o->blobs = sh_calloc(npages ? 2 * npages : 1, sizeof *o->blobs)))
		return SH_ENOMEM;
	for (size_t d = 0; d < bk->n; d++)
		for (size_t i = 0; i < bk->in[d].npapers; i++)
			o->codes[b->paper0[d] + i] =
				(struct bcode){bk->out[d]->papers[i], (uint32_t)(b->paper0[d] + i)};
	qsort(o->codes, b->np, sizeof *o->codes, cmp_bcode);
	for (size_t r = 0; r < b->np; r++)
		o->rank[o->codes[r].paper] = (uint32_t)r;
	/* (word, code) as one number: the words' order, then the codes' */
	for (size_t i = 0; i < b->nwords; i++)
		o->ws[i] = (struct wsort){(const char *)b->arena.data + b->words[i].off,
					  b->words[i].len, (uint32_t)i};
	qsort(o->ws, b->nwords, sizeof *o->ws, cmp_wsort);
	for (size_t i = 0; i < b->nwords; i++)
		o->wrank[o->ws[i].wid] = (uint32_t)i;
	/* (word, paper id) as one number: the words' order, then the papers' */
	for (size_t i = 0; i < b->nw; i++)
		o->keys[i] = (uint64_t)o->wrank[b->w[i].wid] << 32 | b->w[i].paper;
	for (size_t d = 0; d < bk->n; d++)
		for (size_t i = 0; i < bk->in[d].npapers; i++) {
			size_t p = b->paper0[d] + i;
			const sh_wh_paper_in *pi = b->paper[p];
			for (size_t j = 0; j < pi->npages; j++) {
				o->blobs[o->nblobs++] = (struct bblob){
					b->pages[p][j].sha, pi->pages[j].image, pi->pages[j].image_len,
					b->pages[p][j].remote};
				if (pi->pages[j].hocr)
					o->blobs[o->nblobs++] = (struct bblob){
						b->pages[p][j].hocr_sha, pi->pages[j].hocr,
						strlen(pi->pages[j].hocr), b->pages[p][j].remote};
			}
		}
	for (size_t r = 0; r < b->np; r++) {
		size_t p = o->codes[r].paper;
		/* the dossier of paper p: paper0 is ascending */
		size_t lo = 0, hi = bk->n;
		while (lo + 1 < hi) {
			size_t mid = (lo + hi) / 2;
			if (b->paper0[mid] <= p)
				lo = mid;
			else
				hi = mid;
		}
		o->own[r] = (struct bowner){b->owner[lo], (uint32_t)r, (uint32_t)lo};
	}
	qsort(o->blobs, o->nblobs, sizeof *o->blobs, cmp_bblob);
	qsort(o->own, b->np, sizeof *o->own, cmp_bowner);
	return sort_keys(o->keys, b->nw, b->nwords, b->np);
}

/* Put the sorted entries through the cursors of the blob (cur[3]), owner
 * (cur[4]), post and exact (cur[5], cur[6]) tables. An sh_error, or SH_OK
 * with *lrc a failing LMDB code. */
static int bulk_put_sorted(sh_store *s, MDB_txn *txn, const struct bulk *bk,
			   const struct bsorted *o, MDB_cursor **cur, uint32_t first_id,
			   const int64_t *when, int *lrc)
{
	const struct bprep *b = bk->prep;
	for (size_t i = 0; i < o->nblobs; i++)
		if ((*lrc = store_blob_row(s, txn, cur[3], o->blobs[i].sha, o->blobs[i].data,
					   o->blobs[i].len, o->blobs[i].remote)))
			return SH_OK;
	for (size_t i = 0; i < b->np; i++) {
		const struct bcode *bc = &o->codes[o->own[i].rank];
		const sh_wh_paper_in *pi = b->paper[bc->paper];
		int rc = store_owner_put(s, txn, cur[4], o->own[i].owner, bc->code,
					 first_id + bc->paper, when[o->own[i].dossier],
					 pi->kind ? pi->kind : b->deflt, pi->facts, lrc);
		if (rc || *lrc)
			return rc;
	}
	for (size_t i = 0; i < b->nw; i++) {
		if (i && o->keys[i - 1] == o->keys[i])
			continue; /* a word twice in a paper */
		const struct wsort *wd = &o->ws[o->keys[i] >> 32];
		int exact = wd->len && wd->w[0] == 1; /* marked: the exact index */
		uint8_t ib[4];
		store_be32(ib, first_id + (uint32_t)o->keys[i]);
		MDB_val k = {wd->len - (size_t)exact, (void *)(wd->w + exact)}, v = {4, ib};
		MDB_cursor *c = cur[5 + exact];
		/* the new ids are the largest: appended to each word's list */
		*lrc = mdb_cursor_put(c, &k, &v, MDB_APPENDDUP);
		if (*lrc == MDB_KEYEXIST)
			*lrc = mdb_cursor_put(c, &k, &v, MDB_NODUPDATA);
		if (*lrc && *lrc != MDB_KEYEXIST)
			return SH_OK;
	}
	*lrc = 0;
	return SH_OK;
}

static int bulk_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct bulk *bk = arg;
	struct bprep *b = bk->prep;
	MDB_cursor *cur[8] = {0};
	MDB_dbi dbis[8] = {s->paper, s->dossier, s->rdate, s->blob, s->owner, s->post, s->exact, s->pid};
	struct bsorted o;
	memset(&o, 0, sizeof o);
	int64_t *when = NULL;
	int rc = SH_OK, lrc = 0;
	uint32_t first_id = 0;
	for (size_t i = 0; i < 8; i++)
		if ((lrc = mdb_cursor_open(txn, dbis[i], &cur[i])))
			goto lfail;
	if (b->np > STORE_PID_MAX) {
		rc = sh_error_set(SH_EINVAL, "too many papers in one batch");
		goto out;
	}
	if ((rc = store_pid_alloc(s, txn, (uint32_t)b->np, &first_id, &lrc)))
		goto out;
	if (lrc)
		goto lfail;
	if (!(when = sh_calloc(bk->n ? bk->n : 1, sizeof *when))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t d = 0; d < bk->n; d++) {
		when[d] = bk->in[d].received ? bk->in[d].received : sh_now();
		rc = bulk_dossier(s, txn, b, d, &bk->in[d], bk->out[d], cur[0], cur[1], cur[2],
				  cur[7], first_id, when[d]);
		if (rc) {
			if (rc < 0)
				rc = sh_error_wrap(rc, "dossier %zu of the batch: ", d + 1);
			goto out;
		}
	}
	if ((rc = bulk_sort(bk, &o)) ||
	    (rc = bulk_put_sorted(s, txn, bk, &o, cur, first_id, when, &lrc)) || !lrc)
		goto out;
lfail:
	rc = store_write_err(s, lrc, "storing dossiers");
out:
	for (size_t i = 0; i < 8; i++)
		if (cur[i])
			mdb_cursor_close(cur[i]);
	bsorted_free(&o);
	sh_free(when);
	return rc;
}

/* The batch's blobs durable in the object store before its transaction
 * (several at once: store_blob_upload_many); nothing when they go to LMDB. */
static int bulk_upload(sh_store *s, struct bprep *b)
{
	if (!sh_store_blobs(s))
		return SH_OK;
	size_t n = 0, k = 0;
	for (size_t p = 0; p < b->np; p++)
		n += 2 * b->paper[p]->npages;
	store_blob_item *it = sh_calloc(n ? n : 1, sizeof *it);
	if (!it)
		return SH_ENOMEM;
	for (size_t p = 0; p < b->np; p++)
		for (size_t j = 0; j < b->paper[p]->npages; j++) {
			const sh_wh_page_in *pg = &b->paper[p]->pages[j];
			struct bpage *bp = &b->pages[p][j];
			it[k++] = (store_blob_item){bp->sha, pg->image, pg->image_len, 0};
			if (pg->hocr)
				it[k++] = (store_blob_item){bp->hocr_sha, pg->hocr, strlen(pg->hocr), 0};
		}
	int rc = store_blob_upload_many(s, it, k);
	k = 0;
	for (size_t p = 0; !rc && p < b->np; p++)
		for (size_t j = 0; j < b->paper[p]->npages; j++) {
			struct bpage *bp = &b->pages[p][j];
			bp->remote = it[k++].remote;
			if (b->paper[p]->pages[j].hocr)
				bp->remote = bp->remote && it[k++].remote;
		}
	sh_free(it);
	return rc;
}

int sh_wh_dossiers_put(sh_store *s, const sh_wh_dossier_in *in, size_t n, sh_wh_dossier_codes **out)
{
	memset(out, 0, n * sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_INGEST);
	for (size_t i = 0; i < n && !rc; i++) {
		out[i] = sh_calloc(1, sizeof **out);
		if (!out[i] || !in[i].npapers ||
		    !(out[i]->papers = sh_calloc(in[i].npapers, sizeof *out[i]->papers)))
			rc = out[i] && !in[i].npapers
				     ? sh_error_set(SH_EINVAL, "dossier %zu has no papers", i + 1)
				     : SH_ENOMEM;
		else
			out[i]->npapers = in[i].npapers;
	}
	struct bprep prep;
	memset(&prep, 0, sizeof prep);
	if (!rc)
		rc = bprep_make(&prep, in, n);
	if (!rc)
		rc = bulk_upload(s, &prep);
	struct bulk b = {in, n, out, &prep};
	/* SOHOA_BULK_NOSYNC=1: an import that can be run again asks for commits
	 * without fsync (docs/WAREHOUSE.md, "Scale"): a process crash loses
	 * nothing, an OS crash or power cut may lose the last batches */
	const char *ns = getenv("SOHOA_BULK_NOSYNC");
	if (!rc)
		rc = store_write(s, ns && !strcmp(ns, "1") ? MDB_NOSYNC : 0, "storing dossiers",
				 bulk_fn, &b);
	bprep_free(&prep);
	if (rc)
		for (size_t i = 0; i < n; i++)
			sh_wh_dossier_codes_free(&out[i]);
	return rc;
}
