/* Replication of offices into a province (sh_wh.h "replication";
 * docs/REPLICATION.md): the office side serves its signed log, checkpoints,
 * keys and blobs to a replication token; the province side trusts an
 * office's keys (set by an admin, never on first use), checks each new
 * checkpoint (signature, consistency with the last accepted one, the entries
 * against its root) and files the papers, with its position, in one write
 * transaction.
 *
 * The province's copy of an office lives in the meta table (no schema
 * change), under "repl|<agency>|":
 *   k|<key id>   the office's public key file, as trusted by the admin
 *   s            state: size (8 BE) ‖ root (32) ‖ checkpoint time (8 BE) ‖
 *                the Merkle frontier (sh_log_frontier, plain data)
 *   c            the last accepted signed checkpoint
 *   e|<8 BE>     entry i of the office's log, its signed document as is
 *   p|<code>     8 BE: the entry of that paper's manifest (reuse elsewhere)
 *   f            fork evidence (text): nothing more is replayed */
#include "wh_int.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_LEN (8 + SH_SHA256_LEN + 8 + sizeof(sh_log_frontier))
#define PAGE_HARD_MAX 10000 /* entries in one page, whatever the caller asks */

typedef struct rstate {
	uint64_t size;
	uint8_t root[SH_SHA256_LEN];
	int64_t time;
	sh_log_frontier f;
} rstate;

static size_t rkey(char *out, size_t cap, const char *agency, const char *what)
{
	int n = snprintf(out, cap, "repl|%s|%s", agency, what);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static int state_get(sh_store *s, MDB_txn *txn, const char *agency, rstate *st, int *known)
{
	char k[64];
	MDB_val kv = {rkey(k, sizeof k, agency, "s"), k}, v;
	memset(st, 0, sizeof *st);
	sh_log_frontier_init(&st->f);
	sh_sha256(st->root, "", 0);
	int lrc = mdb_get(txn, s->meta, &kv, &v);
	*known = !lrc;
	if (lrc == MDB_NOTFOUND)
		return SH_OK;
	if (lrc)
		return store_lmdb_err(lrc, "replication state");
	if (v.mv_size != STATE_LEN)
		return sh_error_set(SH_ECORRUPT, "the replication state of office %s is damaged",
				    agency);
	const uint8_t *p = v.mv_data;
	st->size = store_rd64(p);
	memcpy(st->root, p + 8, SH_SHA256_LEN);
	st->time = (int64_t)store_rd64(p + 8 + SH_SHA256_LEN);
	memcpy(&st->f, p + 16 + SH_SHA256_LEN, sizeof st->f);
	if (st->f.size != st->size)
		return sh_error_set(SH_ECORRUPT, "the replication state of office %s is damaged",
				    agency);
	return SH_OK;
}

static int state_put(sh_store *s, MDB_txn *txn, const char *agency, const rstate *st)
{
	char k[64];
	uint8_t buf[STATE_LEN];
	store_be64(buf, st->size);
	memcpy(buf + 8, st->root, SH_SHA256_LEN);
	store_be64(buf + 8 + SH_SHA256_LEN, (uint64_t)st->time);
	memcpy(buf + 16 + SH_SHA256_LEN, &st->f, sizeof st->f);
	MDB_val kv = {rkey(k, sizeof k, agency, "s"), k}, v = {sizeof buf, buf};
	int lrc = mdb_put(txn, s->meta, &kv, &v, 0);
	return lrc ? store_write_err(s, lrc, "replication state") : SH_OK;
}

static int agency_ok(const char *agency)
{
	if (!agency || strlen(agency) > SH_SIGN_AGENCY_MAX || sh_id_agency_check(agency))
		return sh_error_set(SH_EINVAL, "'%.40s' is not an agency id", agency ? agency : "");
	return SH_OK;
}

/* ---- the office side -------------------------------------------------------- */

int sh_wh_replica_checkpoint(sh_store *s, uint8_t **out, size_t *len, uint64_t *size)
{
	*out = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_REPLICATE);
	return rc ? rc : sh_ledger_checkpoint(s, 0, out, len, size);
}

int sh_wh_replica_consistency(sh_store *s, uint64_t old_size, uint64_t new_size,
			      uint8_t path[][SH_SHA256_LEN], size_t *n)
{
	*n = 0;
	int rc = sh_wh_may(s, SH_WH_PERM_REPLICATE);
	return rc ? rc : sh_ledger_consistency(s, old_size, new_size, path, n);
}

int sh_wh_replica_blob(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
		       size_t *len)
{
	*out = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_REPLICATE);
	return rc ? rc : sh_store_blob_get(s, sha, out, len);
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
	char h[2 * SH_SHA256_LEN + 1];
	sh_hex(h, b, n);
	return json_string(h);
}

int sh_wh_replica_keys(sh_store *s, char **out)
{
	*out = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_REPLICATE);
	sh_sign_pubkey *keys = NULL;
	size_t n = 0;
	if (rc || (rc = sh_ledger_key_list(s, &keys, &n)))
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < n && !rc; i++) {
		uint8_t *f = NULL;
		size_t fl = 0;
		if ((rc = sh_ledger_key_file(s, keys[i].key_id, &f, &fl)))
			break;
		json_t *o = json_pack("{s:s, s:s%, s:I, s:I, s:I}", "key_id", keys[i].key_id, "file",
				      (const char *)f, fl, "valid_from", (json_int_t)keys[i].valid_from,
				      "valid_until", (json_int_t)keys[i].valid_until, "revoked_at",
				      (json_int_t)keys[i].revoked_at);
		sh_free(f);
		if (!o)
			rc = sh_error_set(SH_ECORRUPT, "a key file of this warehouse is not text");
		else
			json_array_append_new(arr, o);
	}
	sh_free(keys);
	json_t *top = json_pack("{s:s, s:o}", "agency", s->agency, "keys", arr);
	if (!rc && !(*out = json_dumps(top, JSON_COMPACT)))
		rc = SH_ENOMEM;
	json_decref(top);
	return rc;
}

/* The paper of a component/result manifest: what the province needs to
 * file it besides what was signed (dossier, agency, procedure, times,
 * file name, page formats and texts). */
json_t *wh_repl_paper_json(sh_store *s, const char *code)
{
	sh_store_paper_rec *p = NULL;
	sh_store_dossier_rec *d = NULL;
	if (sh_store_paper_get(s, code, &p) || sh_store_dossier_get(s, p->dossier, &d)) {
		sh_store_paper_rec_free(&p);
		return NULL;
	}
	json_t *pages = json_array();
	for (size_t j = 0; j < p->npages; j++) {
		const sh_store_page_rec *g = &p->pages[j];
		json_array_append_new(
			pages, json_pack("{s:o, s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:I}", "sha256",
					 hex_json(g->image_sha, SH_SHA256_LEN), "mime",
					 g->mime ? g->mime : "image/png", "text", g->text, "width",
					 g->width, "height", g->height, "dpi", g->dpi, "rotation",
					 g->rotation, "confidence", (double)g->confidence, "flags",
					 (json_int_t)g->flags));
		if (g->has_original) /* the photo as received: fetched like the page */
			json_object_set_new(
				json_array_get(pages, j), "original",
				json_pack("{s:o, s:s}", "sha256",
					  hex_json(g->original_sha, SH_SHA256_LEN), "mime",
					  g->original_mime ? g->original_mime : "image/jpeg"));
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o}", "dossier", d->code, "agency",
			      d->agency, "procedure", d->procedure, "received",
			      (json_int_t)d->received, "created", (json_int_t)p->created, "flags",
			      (json_int_t)p->flags, "pages", pages);
	if (o && p->file)
		json_object_set_new(o, "file", json_string(p->file));
	sh_store_paper_rec_free(&p);
	sh_store_dossier_rec_free(&d);
	return o;
}

/* The end of the page that starts at from: the largest checkpoint size in
 * (from, from + limit], else the first one past from. */
static uint64_t page_end(const uint64_t *sizes, size_t n, uint64_t from, size_t limit)
{
	uint64_t best = 0, first = 0;
	for (size_t i = 0; i < n; i++) {
		if (sizes[i] <= from)
			continue;
		if (!first)
			first = sizes[i];
		if (sizes[i] - from <= limit)
			best = sizes[i];
	}
	return best ? best : first;
}

static int page_entries(sh_store *s, json_t *arr, uint64_t from, uint64_t end)
{
	int rc = SH_OK;
	for (uint64_t i = from; i < end && !rc; i++) {
		uint8_t *doc = NULL;
		size_t len = 0;
		if ((rc = sh_ledger_entry(s, i, &doc, &len)))
			break;
		json_t *o = json_pack("{s:I, s:s%}", "index", (json_int_t)i, "doc", (const char *)doc,
				      len);
		sh_sign_manifest *m = NULL;
		if (o && !sh_sign_manifest_read(&m, doc, len) &&
		    (!strcmp(m->type, "component") || !strcmp(m->type, "result"))) {
			json_t *p = wh_repl_paper_json(s, m->code);
			if (p)
				json_object_set_new(o, "paper", p);
		}
		sh_sign_manifest_free(&m);
		sh_free(doc);
		if (!o)
			rc = sh_error_set(SH_ECORRUPT, "log entry %llu is not text",
					  (unsigned long long)i);
		else
			json_array_append_new(arr, o);
	}
	return rc;
}

int sh_wh_replica_page(sh_store *s, uint64_t from, size_t limit, char **out)
{
	*out = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_REPLICATE);
	uint64_t size = 0, *sizes = NULL, cpsize = 0;
	size_t nsizes = 0;
	uint8_t *cp = NULL, path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
	size_t cplen = 0, np = 0;
	json_t *top = NULL;
	if (rc || (rc = sh_ledger_size(s, &size)))
		return rc;
	if (!limit || limit > PAGE_HARD_MAX)
		limit = PAGE_HARD_MAX;
	if (from > size)
		return sh_error_set(SH_EEXISTS, "the replica is at %llu entries but this office's log "
						"has %llu: it was rolled back (a restore?) or forked",
				    (unsigned long long)from, (unsigned long long)size);
	if (!size) { /* nothing signed yet */
		top = json_pack("{s:s, s:I, s:I, s:I, s:s, s:[], s:[]}", "agency", s->agency, "from",
				(json_int_t)0, "size", (json_int_t)0, "log_size", (json_int_t)0,
				"checkpoint", "", "proof", "entries");
		*out = top ? json_dumps(top, JSON_COMPACT) : NULL;
		json_decref(top);
		return *out ? SH_OK : SH_ENOMEM;
	}
	if ((rc = sh_ledger_checkpoint_sizes(s, &sizes, &nsizes)))
		return rc;
	/* The log may grow between the reads above (each is its own snapshot):
	 * the page describes the log as it was at `size`, so checkpoints signed
	 * since are left for the next page, and a caught-up replica gets the
	 * checkpoint at its own size, not a newer one without its entries. */
	while (nsizes && sizes[nsizes - 1] > size)
		nsizes--;
	uint64_t end = from < size ? page_end(sizes, nsizes, from, limit)
				   : (nsizes && sizes[nsizes - 1] == size ? size : 0);
	if (from < size && !end) {
		rc = sh_error_set(SH_ENOTFOUND, "no signed checkpoint covers the log past %llu yet",
				  (unsigned long long)from);
		goto out;
	}
	if ((rc = sh_ledger_checkpoint(s, end, &cp, &cplen, &cpsize)))
		goto out;
	if (end && cpsize != end) {
		rc = sh_error_set(SH_ECORRUPT, "the checkpoint of size %llu is missing",
				  (unsigned long long)end);
		goto out;
	}
	if (from && cpsize > from && (rc = sh_ledger_consistency(s, from, cpsize, path, &np)))
		goto out;
	json_t *proof = json_array(), *entries = json_array();
	for (size_t i = 0; i < np; i++)
		json_array_append_new(proof, hex_json(path[i], SH_SHA256_LEN));
	top = json_pack("{s:s, s:I, s:I, s:I, s:s%, s:o, s:o}", "agency", s->agency, "from",
			(json_int_t)from, "size", (json_int_t)cpsize, "log_size", (json_int_t)size,
			"checkpoint", (const char *)cp, cplen, "proof", proof, "entries", entries);
	if (!top) {
		rc = sh_error_set(SH_ECORRUPT, "the latest checkpoint is not text");
		goto out;
	}
	if (end && (rc = page_entries(s, entries, from, cpsize)))
		goto out;
	if (!(*out = json_dumps(top, JSON_COMPACT)))
		rc = SH_ENOMEM;
out:
	json_decref(top);
	sh_free(sizes);
	sh_free(cp);
	return rc;
}

/* ---- the province side: trusted offices ------------------------------------- */

static int fork_refuse(sh_store *s, const char *agency, const uint8_t *cp, size_t cplen,
		       const char *why);

static int office_key_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const void *const *a = arg;
	const sh_sign_pubkey *pub = a[0];
	const sh_buf *file = a[1];
	char k[160], kk[96];
	snprintf(kk, sizeof kk, "k|%s", pub->key_id);
	MDB_val kv = {rkey(k, sizeof k, pub->agency, kk), k}, v = {file->len, file->data};
	int lrc = mdb_put(txn, s->meta, &kv, &v, 0);
	if (lrc)
		return store_write_err(s, lrc, "trusted offices");
	rstate st;
	int known = 0, rc = state_get(s, txn, pub->agency, &st, &known);
	return rc || known ? rc : state_put(s, txn, pub->agency, &st);
}

int sh_wh_office_add(sh_store *s, const char *agency, const void *keyfile, size_t len)
{
	int rc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	if (rc || (rc = agency_ok(agency)))
		return rc;
	sh_sign_pubkey pub;
	if ((rc = sh_sign_pubkey_parse(&pub, keyfile, len)))
		return sh_error_wrap(rc, "office %s: ", agency);
	if (strcmp(pub.agency, agency))
		return sh_error_set(SH_EINVAL, "the key %.16s is office %s's, not %s's", pub.key_id,
				    pub.agency, agency);
	if (s->agency && !strcmp(s->agency, agency))
		return sh_error_set(SH_EINVAL, "%s is this warehouse's own agency: an office to "
					       "replicate is another one",
				    agency);
	sh_buf file = {(uint8_t *)keyfile, len, len};
	const void *a[2] = {&pub, &file};
	return store_write(s, 0, "trusted offices", office_key_fn, a);
}

struct wit_w {
	const char *agency, *vkey;
};

static int office_wit_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct wit_w *w = arg;
	char k[SH_SIGN_AGENCY_MAX + 300], kk[280];
	uint8_t h[SH_SHA256_LEN];
	char hex[17];
	sh_sha256(h, w->vkey, strlen(w->vkey));
	sh_hex(hex, h, 8);
	snprintf(kk, sizeof kk, "w|%s", hex);
	MDB_val kv = {rkey(k, sizeof k, w->agency, kk), k}, v = {strlen(w->vkey), (void *)w->vkey};
	int lrc = mdb_put(txn, s->meta, &kv, &v, 0);
	return lrc ? store_write_err(s, lrc, "trusted offices") : SH_OK;
}

int sh_wh_office_witness_add(sh_store *s, const char *agency, const char *vkey)
{
	int rc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	if (rc || (rc = agency_ok(agency)))
		return rc;
	sh_wh_office o;
	if ((rc = sh_wh_office_get(s, agency, &o)))
		return rc;
	if (!vkey || !*vkey || strlen(vkey) > 600 || !sh_text_valid(vkey, strlen(vkey)) ||
	    strchr(vkey, '\n'))
		return sh_error_set(SH_EINVAL, "a witness's verifier key is one line "
					       "NAME+ID+KEY");
	struct wit_w w = {agency, vkey};
	return store_write(s, 0, "trusted offices", office_wit_fn, &w);
}

int sh_wh_office_witnesses(sh_store *s, const char *agency, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	int rc = agency_ok(agency), lrc;
	if (rc || (rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	char pfx[SH_SIGN_AGENCY_MAX + 16];
	size_t pl = rkey(pfx, sizeof pfx, agency, "w|");
	lrc = mdb_cursor_open(txn, s->meta, &cur);
	MDB_val k = {pl, pfx}, v;
	for (int op = MDB_SET_RANGE; !lrc && !rc; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(cur, &k, &v, op)))
			break;
		if (k.mv_size < pl || memcmp(k.mv_data, pfx, pl))
			break;
		char **g = sh_realloc(*out, (*n + 1) * sizeof *g);
		if (!g || !(g[*n] = sh_strndup(v.mv_data, v.mv_size))) {
			if (g)
				*out = g;
			rc = SH_ENOMEM;
			break;
		}
		*out = g;
		(*n)++;
	}
	if (lrc && lrc != MDB_NOTFOUND && !rc)
		rc = store_lmdb_err(lrc, "trusted offices");
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc) {
		for (size_t i = 0; i < *n; i++)
			sh_free((*out)[i]);
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int wh_repl_size(sh_store *s, MDB_txn *txn, const char *agency, uint64_t *size, int *known)
{
	rstate st;
	int rc = state_get(s, txn, agency, &st, known);
	*size = st.size;
	return rc;
}

int sh_wh_office_fork(sh_store *s, const char *agency, const char *why, const char *evidence)
{
	int rc = sh_wh_may(s, SH_WH_PERM_IMPORT);
	if (rc || (rc = agency_ok(agency)))
		return rc;
	return fork_refuse(s, agency, (const uint8_t *)(evidence ? evidence : ""),
			   evidence ? strlen(evidence) : 0, why);
}

/* Trusted key key_id of agency, in txn. SH_ENOTFOUND when not trusted. */
int wh_office_key(sh_store *s, MDB_txn *txn, const char *agency, const char *key_id,
		      sh_sign_pubkey *out)
{
	char k[160], kk[96];
	snprintf(kk, sizeof kk, "k|%s", key_id);
	MDB_val kv = {rkey(k, sizeof k, agency, kk), k}, v;
	int lrc = mdb_get(txn, s->meta, &kv, &v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "key %.16s is not one the province trusts for "
						  "office %s (sohoa office add)",
				    key_id, agency);
	if (lrc)
		return store_lmdb_err(lrc, "trusted offices");
	return sh_sign_pubkey_parse(out, v.mv_data, v.mv_size);
}

static char *meta_str(MDB_txn *txn, sh_store *s, const char *agency, const char *what)
{
	char k[64];
	rkey(k, sizeof k, agency, what);
	return store_get_meta(txn, s->meta, k);
}

int sh_wh_office_list(sh_store *s, sh_wh_office **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;
	size_t cap = 0;
	lrc = mdb_cursor_open(txn, s->meta, &cur);
	MDB_val k = {5, "repl|"}, v;
	for (int op = MDB_SET_RANGE; !lrc && !rc; op = MDB_NEXT) {
		if ((lrc = mdb_cursor_get(cur, &k, &v, op)))
			break;
		const char *kp = k.mv_data;
		if (k.mv_size < 8 || memcmp(kp, "repl|", 5))
			break;
		if (memcmp(kp + k.mv_size - 2, "|s", 2) || k.mv_size - 7 > SH_SIGN_AGENCY_MAX)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			sh_wh_office *g = sh_realloc(*out, cap * sizeof *g);
			if (!g) {
				rc = SH_ENOMEM;
				break;
			}
			*out = g;
		}
		sh_wh_office *o = &(*out)[*n];
		memset(o, 0, sizeof *o);
		memcpy(o->agency, kp + 5, k.mv_size - 7);
		rstate st;
		int known;
		if ((rc = state_get(s, txn, o->agency, &st, &known)))
			break;
		o->size = st.size;
		o->time = st.time;
		sh_hex(o->root, st.root, SH_SHA256_LEN);
		char *fork = meta_str(txn, s, o->agency, "f");
		if (fork) {
			o->forked = 1;
			snprintf(o->fork, sizeof o->fork, "%s", fork);
			sh_free(fork);
		}
		(*n)++;
	}
	if (lrc && lrc != MDB_NOTFOUND && !rc)
		rc = store_lmdb_err(lrc, "trusted offices");
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int sh_wh_office_get(sh_store *s, const char *agency, sh_wh_office *out)
{
	sh_wh_office *all = NULL;
	size_t n = 0;
	int rc = sh_wh_office_list(s, &all, &n);
	for (size_t i = 0; !rc && i < n; i++)
		if (!strcmp(all[i].agency, agency)) {
			*out = all[i];
			sh_free(all);
			return SH_OK;
		}
	sh_free(all);
	return rc ? rc : sh_error_set(SH_ENOTFOUND, "office %s is not one this province trusts: "
						    "sohoa office add %s --key FILE",
				      agency, agency);
}

/* ---- the province side: replay ------------------------------------------------ */

struct fork_w {
	const char *agency, *evidence;
};

static int fork_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct fork_w *w = arg;
	char k[64];
	MDB_val kv = {rkey(k, sizeof k, w->agency, "f"), k},
		v = {strlen(w->evidence), (void *)w->evidence};
	int lrc = mdb_put(txn, s->meta, &kv, &v, 0);
	return lrc ? store_write_err(s, lrc, "fork evidence") : SH_OK;
}

/* Record the evidence of a fork and refuse (SH_EBADSIG with why). */
static int fork_refuse(sh_store *s, const char *agency, const uint8_t *cp, size_t cplen,
		       const char *why)
{
	char *ev = sh_asprintf("%s\n--- what the office sent:\n%.*s", why, (int)cplen,
			       (const char *)cp);
	if (ev) {
		struct fork_w w = {agency, ev};
		store_write(s, 0, "fork evidence", fork_fn, &w);
		sh_free(ev);
	}
	return sh_error_set(SH_EBADSIG, "office %s forked its log: %s; nothing more is "
					"replayed (evidence kept; sohoa office show %s)",
			    agency, why, agency);
}

struct apply {
	const sh_wh_replica_batch *b;
	const sh_sign_key *key;
	rstate old, next;
	const uint8_t *cp;
	size_t cplen;
};

static const char *fact_of(const sh_sign_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nfacts; i++)
		if (!strcmp(m->facts[i].name, name))
			return m->facts[i].value;
	return NULL;
}

/* An office's revocation or validity of one of its papers, made here too
 * (signed in the province's log, so verify --all's tables agree), after the
 * papers of the page are filed. Events about anything else (keys, reuse,
 * corrections, shares) stay in the office's log kept here. */
static int replay_change(sh_store *s, MDB_txn *txn, const struct apply *a,
			 const sh_wh_replica_entry *e)
{
	sh_sign_manifest *m = NULL;
	if (sh_sign_manifest_read(&m, e->doc, e->len))
		return SH_OK; /* verified before: cannot happen */
	int rc = SH_OK, rev = !strcmp(m->type, "revocation"), val = !strcmp(m->type, "validity");
	const char *reason = fact_of(m, "reason"), *until = fact_of(m, "valid_until");
	char op[64];
	const char *who = fact_of(m, "operator");
	snprintf(op, sizeof op, "%s:%.40s", a->b->agency, who ? who : "-");
	MDB_val k = {strlen(m->code), (void *)m->code}, v;
	if ((rev && reason && *reason) || (val && until)) {
		if (mdb_get(txn, s->paper, &k, &v) == 0) {
			int64_t u = val && strcmp(until, "never") ? strtoll(until, NULL, 10) : SH_WH_NEVER;
			rc = wh_change_txn(s, txn, a->key, m->code, rev ? reason : NULL, u, op, m->time);
			if (rc == SH_EEXISTS) /* already revoked here */
				rc = SH_OK;
		}
	}
	sh_sign_manifest_free(&m);
	return rc;
}

/* In the import's transaction: the entries, the new state, the checkpoint. */
static int apply_hook(sh_store *s, MDB_txn *txn, void *arg)
{
	struct apply *a = arg;
	const char *ag = a->b->agency;
	rstate cur;
	int known = 0, rc = state_get(s, txn, ag, &cur, &known), lrc = 0;
	if (rc)
		return rc;
	if (!known || cur.size != a->old.size)
		return sh_error_set(SH_EBUSY, "another replicate of office %s moved its position: "
					      "run one per office",
				    ag);
	for (size_t i = 0; i < a->b->n && !lrc; i++) {
		char k[80];
		uint8_t be[8];
		int kl = snprintf(k, sizeof k, "repl|%s|e|", ag);
		store_be64(be, a->b->first + i);
		memcpy(k + kl, be, 8);
		MDB_val kv = {(size_t)kl + 8, k},
			v = {a->b->entries[i].len, (void *)a->b->entries[i].doc};
		lrc = mdb_put(txn, s->meta, &kv, &v, 0);
		/* "p|<code>": the entry of a paper's manifest, for another office
		 * that fetches it to reuse it (repaper.c) */
		const sh_wh_import_paper *ip = a->b->entries[i].paper;
		char pk[SH_STORE_CODE_MAX + 80];
		int pl = ip ? snprintf(pk, sizeof pk, "repl|%s|p|%s", ag, ip->code) : 0;
		MDB_val pkv = {(size_t)pl, pk}, pv = {8, be};
		if (!lrc && ip && pl > 0 && (size_t)pl < sizeof pk)
			lrc = mdb_put(txn, s->meta, &pkv, &pv, 0);
	}
	if (!lrc) {
		char k[64];
		MDB_val kv = {rkey(k, sizeof k, ag, "c"), k}, v = {a->cplen, (void *)a->cp};
		lrc = mdb_put(txn, s->meta, &kv, &v, 0);
	}
	if (lrc)
		return store_write_err(s, lrc, "replica entries");
	for (size_t i = 0; i < a->b->n && !rc; i++)
		rc = replay_change(s, txn, a, &a->b->entries[i]);
	return rc ? rc : state_put(s, txn, ag, &a->next);
}

/* The paper to file for manifest m (verified) from what the office sent:
 * owner, kind and facts from what was signed; page images and texts checked
 * against their signed hashes. */
int wh_paper_check(const sh_sign_manifest *m, const sh_wh_import_paper *p)
{
	if (strcmp(p->code, m->code) || !m->owner || strcmp(p->owner, m->owner) || !m->kind ||
	    !p->in.kind || strcmp(p->in.kind, m->kind) || p->in.npages != m->npages ||
	    !!p->result != !strcmp(m->type, "result"))
		return sh_error_set(SH_EBADSIG, "paper %s as sent is not the one signed", m->code);
	for (size_t j = 0; j < m->npages; j++) {
		const sh_wh_page_in *g = &p->in.pages[j];
		uint8_t h[SH_SHA256_LEN];
		sh_sha256(h, g->image, g->image_len);
		if (memcmp(h, m->pages[j].image, SH_SHA256_LEN))
			return sh_error_set(SH_EBADSIG, "paper %s page %zu: the image is not the one "
							"signed",
					    m->code, j + 1);
		char *t = NULL;
		const char *tx = g->text ? g->text : "";
		int rc = sh_text_nfc(&t, tx, strlen(tx));
		if (rc)
			return rc;
		int has = t[0] != 0;
		sh_sha256(h, t, strlen(t));
		sh_free(t);
		if (has != m->pages[j].has_text ||
		    (has && memcmp(h, m->pages[j].text, SH_SHA256_LEN)))
			return sh_error_set(SH_EBADSIG, "paper %s page %zu: the text is not the one "
							"signed",
					    m->code, j + 1);
	}
	if (p->in.nfacts != m->nfacts)
		return sh_error_set(SH_EBADSIG, "paper %s as sent is not the one signed", m->code);
	for (size_t i = 0; i < m->nfacts; i++)
		if (strcmp(p->in.fact_list[i].name, m->facts[i].name) ||
		    strcmp(p->in.fact_list[i].value, m->facts[i].value))
			return sh_error_set(SH_EBADSIG, "paper %s as sent is not the one signed",
					    m->code);
	return SH_OK;
}

/* Every entry: signed by a key trusted for the office, its leaf appended to
 * next's frontier; component and result papers checked and collected. */
static int check_entries(sh_store *s, MDB_txn *txn, struct apply *a,
			 const sh_wh_import_paper **papers, size_t *np)
{
	const sh_wh_replica_batch *b = a->b;
	int rc = SH_OK;
	for (size_t i = 0; i < b->n && !rc; i++) {
		const sh_wh_replica_entry *e = &b->entries[i];
		char kid[SH_SIGN_KEYID_HEX + 1];
		sh_sign_pubkey pub;
		sh_sign_manifest *m = NULL;
		uint8_t leaf[SH_SHA256_LEN];
		if ((rc = sh_sign_doc_key_id(kid, e->doc, e->len)) ||
		    (rc = wh_office_key(s, txn, b->agency, kid, &pub)) ||
		    (rc = sh_sign_manifest_verify(&m, &pub, SH_SIGN_WHEN_CLAIMED, e->doc, e->len))) {
			rc = sh_error_wrap(SH_EBADSIG, "entry %llu: ",
					   (unsigned long long)(b->first + i));
			break;
		}
		if (strcmp(m->agency, b->agency))
			rc = sh_error_set(SH_EBADSIG, "entry %llu was signed for %s",
					  (unsigned long long)(b->first + i), m->agency);
		int paper = !strcmp(m->type, "component") || !strcmp(m->type, "result");
		if (!rc && paper && !e->paper)
			rc = sh_error_set(SH_EINVAL, "entry %llu: the office sent no paper for %s",
					  (unsigned long long)(b->first + i), m->code);
		if (!rc && paper && !(rc = wh_paper_check(m, e->paper)))
			papers[(*np)++] = e->paper;
		sh_sign_manifest_free(&m);
		sh_log_leaf_hash(leaf, e->doc, e->len);
		if (!rc)
			rc = sh_log_frontier_append(&a->next.f, leaf, NULL, NULL);
	}
	return rc;
}

/* The page's checkpoint against what was accepted: signed by a key trusted
 * for the office, extending the accepted one (a fork fills why instead of
 * failing: the caller records it), reached by the entries sent. */
static int check_checkpoint(sh_store *s, MDB_txn *txn, struct apply *a, sh_sign_checkpoint *cp,
			    char *why, size_t whylen)
{
	const sh_wh_replica_batch *b = a->b;
	char kid[SH_SIGN_KEYID_HEX + 1] = "?";
	sh_sign_pubkey pub;
	/* a key the province trusts for this office (an unknown one is refused,
	 * not recorded as a fork: after a rotation the admin adds the new key
	 * and the replica goes on) */
	if (sh_sign_doc_key_id(kid, b->checkpoint, b->checkpoint_len) ||
	    wh_office_key(s, txn, b->agency, kid, &pub))
		return sh_error_set(SH_EBADSIG, "office %s: its checkpoint is signed by key %.16s, "
						"which the province does not trust for it: nothing "
						"is replayed (a new key after a rotation: sohoa "
						"office add %s --key FILE)",
				    b->agency, kid, b->agency);
	if (sh_sign_checkpoint_verify(cp, &pub, b->checkpoint, b->checkpoint_len) ||
	    strcmp(cp->agency, b->agency))
		return sh_error_set(SH_EBADSIG, "office %s: the checkpoint's signature does not verify",
				    b->agency);
	if (cp->size < a->old.size ||
	    (cp->size == a->old.size && memcmp(cp->root, a->old.root, SH_SHA256_LEN)))
		snprintf(why, whylen, "a signed checkpoint of size %llu that does not extend the "
				      "accepted one of size %llu",
			 (unsigned long long)cp->size, (unsigned long long)a->old.size);
	else if (sh_log_consistency_verify(a->old.size, a->old.root, cp->size, cp->root, b->proof,
					   b->nproof))
		snprintf(why, whylen, "the checkpoint of size %llu is not consistent with the "
				      "accepted one of size %llu",
			 (unsigned long long)cp->size, (unsigned long long)a->old.size);
	else if (b->first != a->old.size || b->n != cp->size - a->old.size)
		return sh_error_set(SH_EINVAL, "office %s: entries %llu..%llu do not lead from the "
					       "replica's %llu to the checkpoint's %llu",
				    b->agency, (unsigned long long)b->first,
				    (unsigned long long)(b->first + b->n),
				    (unsigned long long)a->old.size, (unsigned long long)cp->size);
	return SH_OK;
}

int sh_wh_replica_apply(sh_store *s, const sh_sign_key *key, const sh_wh_replica_batch *b,
			sh_wh_replica_stats *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_IMPORT);
	if (rc || (rc = agency_ok(b->agency)))
		return rc;
	struct apply a = {.b = b, .key = key, .cp = b->checkpoint, .cplen = b->checkpoint_len};
	MDB_txn *txn;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	int known = 0;
	sh_sign_checkpoint cp;
	char *fork = NULL, why[320] = "";
	const sh_wh_import_paper **papers = NULL;
	size_t np = 0;
	if ((rc = state_get(s, txn, b->agency, &a.old, &known)))
		goto out;
	if (!known) {
		rc = sh_error_set(SH_ENOTFOUND, "office %s is not one this province trusts: "
						"sohoa office add %s --key FILE",
				  b->agency, b->agency);
		goto out;
	}
	if ((fork = meta_str(txn, s, b->agency, "f"))) {
		rc = sh_error_set(SH_EBADSIG, "office %s is marked as forked: nothing more is "
					      "replayed (sohoa office show %s)",
				  b->agency, b->agency);
		goto out;
	}
	if ((rc = check_checkpoint(s, txn, &a, &cp, why, sizeof why)) || why[0])
		goto out;
	a.next = a.old;
	papers = sh_calloc(b->n ? b->n : 1, sizeof *papers);
	if (!papers) {
		rc = SH_ENOMEM;
		goto out;
	}
	if ((rc = check_entries(s, txn, &a, papers, &np)))
		goto out;
	sh_log_frontier_root(a.next.root, &a.next.f);
	a.next.size = a.next.f.size;
	a.next.time = cp.time;
	if (memcmp(a.next.root, cp.root, SH_SHA256_LEN)) {
		rc = sh_error_set(SH_EBADSIG, "office %s: the entries sent are not the ones its "
					      "checkpoint of size %llu signs",
				  b->agency, (unsigned long long)cp.size);
		goto out;
	}
out:
	mdb_txn_abort(txn);
	sh_free(fork);
	if (!rc && why[0])
		rc = fork_refuse(s, b->agency, b->checkpoint, b->checkpoint_len, why);
	if (!rc) {
		sh_wh_import_paper *ip = sh_calloc(np ? np : 1, sizeof *ip);
		if (!ip)
			rc = SH_ENOMEM;
		for (size_t i = 0; ip && i < np; i++)
			ip[i] = *papers[i];
		sh_wh_import_stats st;
		if (!rc && !(rc = wh_import(s, key, b->agency, ip, np, &st, apply_hook, &a))) {
			out->entries = b->n;
			out->papers = st.papers;
			out->existing = st.existing;
			out->size = a.next.size;
		}
		sh_free(ip);
	}
	sh_free(papers);
	return rc;
}

/* ---- verify --all on the province: every office with its own keys --------- */

struct rverify {
	sh_store *s;
	MDB_txn *txn;
	const char *agency;
	sh_ledger_verify_fn report;
	void *arg;
	size_t problems;
};

static void rproblem(struct rverify *v, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void rproblem(struct rverify *v, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	v->problems++;
	if (v->report)
		v->report(v->arg, code, msg);
}

/* The paper filed at the province against the office's signed manifest. */
static void rverify_paper(struct rverify *v, const sh_sign_manifest *m)
{
	MDB_val k = {strlen(m->code), (void *)m->code}, val;
	sh_store_paper_rec *p = NULL;
	if (mdb_get(v->txn, v->s->paper, &k, &val) ||
	    store_decode_paper(val.mv_data, val.mv_size, &p)) {
		rproblem(v, m->code, "office %s signed this paper but the province does not hold it",
			 v->agency);
		return;
	}
	int same = p->npages == m->npages && p->owner && m->owner && !strcmp(p->owner, m->owner) &&
		   p->kind && m->kind && !strcmp(p->kind, m->kind);
	for (size_t j = 0; same && j < p->npages; j++) {
		uint8_t h[SH_SHA256_LEN];
		same = !memcmp(p->pages[j].image_sha, m->pages[j].image, SH_SHA256_LEN);
		sh_sha256(h, p->pages[j].text, strlen(p->pages[j].text));
		if (same && m->pages[j].has_text)
			same = !memcmp(h, m->pages[j].text, SH_SHA256_LEN);
		uint8_t *img = NULL;
		size_t il = 0;
		if (same && !sh_store_blob_get(v->s, p->pages[j].image_sha, &img, &il)) {
			sh_sha256(h, img, il);
			same = !memcmp(h, m->pages[j].image, SH_SHA256_LEN);
		}
		sh_free(img);
	}
	if (!same)
		rproblem(v, m->code, "the province's copy differs from what office %s signed",
			 v->agency);
	sh_store_paper_rec_free(&p);
}

static void rverify_office(struct rverify *v)
{
	rstate st, calc;
	int known = 0;
	if (state_get(v->s, v->txn, v->agency, &st, &known) || !known) {
		rproblem(v, "log", "office %s: %s", v->agency, sh_error_message());
		return;
	}
	sh_log_frontier_init(&calc.f);
	char k[80];
	int kl = snprintf(k, sizeof k, "repl|%s|e|", v->agency);
	for (uint64_t i = 0; i < st.size; i++) {
		uint8_t be[8], leaf[SH_SHA256_LEN];
		store_be64(be, i);
		memcpy(k + kl, be, 8);
		MDB_val kv = {(size_t)kl + 8, k}, val;
		if (mdb_get(v->txn, v->s->meta, &kv, &val)) {
			rproblem(v, "log", "office %s: entry %llu of its log is missing", v->agency,
				 (unsigned long long)i);
			return;
		}
		sh_log_leaf_hash(leaf, val.mv_data, val.mv_size);
		sh_log_frontier_append(&calc.f, leaf, NULL, NULL);
		char kid[SH_SIGN_KEYID_HEX + 1];
		sh_sign_pubkey pub;
		sh_sign_manifest *m = NULL;
		if (sh_sign_doc_key_id(kid, val.mv_data, val.mv_size) ||
		    wh_office_key(v->s, v->txn, v->agency, kid, &pub) ||
		    sh_sign_manifest_verify(&m, &pub, SH_SIGN_WHEN_CLAIMED, val.mv_data,
					    val.mv_size)) {
			rproblem(v, "log", "office %s: entry %llu does not verify with its keys: %s",
				 v->agency, (unsigned long long)i, sh_error_message());
			continue;
		}
		if (!strcmp(m->type, "component") || !strcmp(m->type, "result"))
			rverify_paper(v, m);
		sh_sign_manifest_free(&m);
	}
	sh_log_frontier_root(calc.root, &calc.f);
	char *cp = meta_str(v->txn, v->s, v->agency, "c");
	char kid[SH_SIGN_KEYID_HEX + 1];
	sh_sign_pubkey pub;
	sh_sign_checkpoint c;
	if (memcmp(calc.root, st.root, SH_SHA256_LEN))
		rproblem(v, "log", "office %s: the replicated entries do not give the accepted root",
			 v->agency);
	else if (st.size && (!cp || sh_sign_doc_key_id(kid, cp, strlen(cp)) ||
			     wh_office_key(v->s, v->txn, v->agency, kid, &pub) ||
			     sh_sign_checkpoint_verify(&c, &pub, cp, strlen(cp)) ||
			     c.size != st.size || memcmp(c.root, st.root, SH_SHA256_LEN)))
		rproblem(v, "log", "office %s: the accepted checkpoint does not verify", v->agency);
	sh_free(cp);
}

int sh_wh_replica_verify(sh_store *s, sh_ledger_verify_fn report, void *arg, size_t *out_problems)
{
	if (out_problems)
		*out_problems = 0;
	int rc = sh_wh_may(s, SH_WH_PERM_VERIFY);
	sh_wh_office *offices = NULL;
	size_t n = 0;
	if (rc || (rc = sh_wh_office_list(s, &offices, &n)))
		return rc;
	struct rverify v = {.s = s, .report = report, .arg = arg};
	if (n && !(rc = store_txn_begin(s, MDB_RDONLY, &v.txn))) {
		for (size_t i = 0; i < n; i++) {
			v.agency = offices[i].agency;
			rverify_office(&v);
		}
		mdb_txn_abort(v.txn);
	}
	sh_free(offices);
	if (out_problems)
		*out_problems = v.problems;
	return rc ? rc : v.problems ? SH_EBADSIG : SH_OK;
}
