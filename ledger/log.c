/* The signed log in the warehouse: signed manifests and events appended to
 * an RFC 6962 Merkle tree inside the write transaction that stores what
 * they describe, with a signed checkpoint after each transaction.
 *
 * Tables: log (8-byte big-endian index → signed document), lognode (1-byte
 * level ‖ 8-byte BE index → 32-byte hash; level 0 = leaf hashes, level ≥ 1 =
 * completed perfect subtrees), sig (DUPSORT code → 8-byte BE index of every
 * entry about it), checkpoint (8-byte BE tree size → signed checkpoint),
 * key (key id → key record), meta "log_frontier" (the right edge). */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>

/* ---- LMDB-backed log source --------------------------------------------- */

struct src_ctx {
	sh_store *s;
	MDB_txn *txn;
};

static int node_get(void *arg, unsigned level, uint64_t index, uint8_t out[SH_SHA256_LEN])
{
	struct src_ctx *c = arg;
	uint8_t k[9];
	k[0] = (uint8_t)level;
	store_be64(k + 1, index);
	MDB_val key = {9, k}, val;
	int lrc = mdb_get(c->txn, c->s->lognode, &key, &val);
	if (lrc == MDB_NOTFOUND)
		return SH_ENOTFOUND;
	if (lrc)
		return store_lmdb_err(lrc, "log node");
	if (val.mv_size != SH_SHA256_LEN)
		return sh_error_set(SH_ECORRUPT, "log node %u/%llu has a wrong size", level,
				    (unsigned long long)index);
	memcpy(out, val.mv_data, SH_SHA256_LEN);
	return SH_OK;
}

static int leaf_get(void *arg, uint64_t index, uint8_t out[SH_SHA256_LEN])
{
	int rc = node_get(arg, 0, index, out);
	if (rc == SH_ENOTFOUND)
		return sh_error_set(SH_ECORRUPT, "log entry %llu is missing",
				    (unsigned long long)index);
	return rc;
}

static int node_put(void *arg, unsigned level, uint64_t index, const uint8_t hash[SH_SHA256_LEN])
{
	struct src_ctx *c = arg;
	uint8_t k[9];
	k[0] = (uint8_t)level;
	store_be64(k + 1, index);
	MDB_val key = {9, k}, val = {SH_SHA256_LEN, (void *)hash};
	int lrc = mdb_put(c->txn, c->s->lognode, &key, &val, 0);
	return lrc ? store_lmdb_err(lrc, "log node") : SH_OK;
}

static int frontier_get(sh_store *s, MDB_txn *txn, sh_log_frontier *f)
{
	MDB_val k = {12, "log_frontier"}, v;
	int lrc = mdb_get(txn, s->meta, &k, &v);
	if (lrc == MDB_NOTFOUND) {
		sh_log_frontier_init(f);
		return SH_OK;
	}
	if (lrc)
		return store_lmdb_err(lrc, "log frontier");
	if (v.mv_size != sizeof *f)
		return sh_error_set(SH_ECORRUPT, "log frontier has a wrong size");
	memcpy(f, v.mv_data, sizeof *f);
	return SH_OK;
}

static int frontier_put(sh_store *s, MDB_txn *txn, const sh_log_frontier *f)
{
	MDB_val k = {12, "log_frontier"}, v = {sizeof *f, (void *)f};
	int lrc = mdb_put(txn, s->meta, &k, &v, 0);
	return lrc ? store_lmdb_err(lrc, "log frontier") : SH_OK;
}

/* Append one signed document about code. */
static int log_append(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const char *code,
		      const uint8_t *doc, size_t len, uint64_t *out_index)
{
	uint64_t index = f->size;
	uint8_t k[8], leaf[SH_SHA256_LEN];
	store_be64(k, index);
	MDB_val key = {8, k}, val = {len, (void *)doc};
	int lrc = mdb_put(txn, s->log, &key, &val, MDB_NOOVERWRITE | MDB_APPEND);
	if (lrc)
		return store_lmdb_err(lrc, "log");
	sh_log_leaf_hash(leaf, doc, len);
	struct src_ctx c = {s, txn};
	int rc = node_put(&c, 0, index, leaf);
	if (!rc)
		rc = sh_log_frontier_append(f, leaf, node_put, &c);
	if (rc)
		return rc;
	if (code) {
		MDB_val ck = {strlen(code), (void *)code}, cv = {8, k};
		if ((lrc = mdb_put(txn, s->sig, &ck, &cv, MDB_NODUPDATA)))
			return store_lmdb_err(lrc, "signature index");
	}
	if (out_index)
		*out_index = index;
	return SH_OK;
}

static int checkpoint_put(sh_store *s, MDB_txn *txn, const sh_sign_key *key,
			  const sh_log_frontier *f, int64_t when)
{
	sh_sign_checkpoint cp;
	memset(&cp, 0, sizeof cp);
	cp.size = f->size;
	sh_log_frontier_root(cp.root, f);
	cp.time = when;
	snprintf(cp.agency, sizeof cp.agency, "%s", s->agency);
	sh_buf b = SH_BUF_INIT;
	int rc = sh_sign_checkpoint_sign(&b, key, &cp);
	if (!rc) {
		uint8_t k[8];
		store_be64(k, f->size);
		MDB_val ck = {8, k}, cv = {b.len, b.data};
		int lrc = mdb_put(txn, s->checkpoint, &ck, &cv, 0);
		if (lrc)
			rc = store_lmdb_err(lrc, "checkpoint");
	}
	sh_buf_free(&b);
	return rc;
}

int ledger_begin(sh_store *s, MDB_txn *txn, sh_log_frontier *f)
{
	return frontier_get(s, txn, f);
}

int ledger_sign_append(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const sh_sign_key *key,
			  const sh_sign_manifest *m, uint64_t *out_index)
{
	sh_buf b = SH_BUF_INIT;
	int rc = sh_sign_manifest_sign(&b, key, m);
	if (!rc)
		rc = log_append(s, txn, f, m->code, b.data, b.len, out_index);
	sh_buf_free(&b);
	return rc;
}

int ledger_commit(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const sh_sign_key *key,
		     int64_t when)
{
	/* the audit trail's rows so far are sealed by this signed write */
	int rc = ledger_audit_seal(s, txn, f, key, when);
	if (!rc)
		rc = frontier_put(s, txn, f);
	if (!rc)
		rc = checkpoint_put(s, txn, key, f, when);
	return rc;
}

int ledger_event(sh_store *s, MDB_txn *txn, const sh_sign_key *key, const char *type,
		    const char *code, const char *owner, const sh_sign_fact *facts,
		    size_t nfacts, int64_t when, uint64_t *out_index)
{
	if (!key)
		return sh_error_set(SH_EINVAL, "a signing key is needed to record %s of %s", type,
				    code);
	sh_log_frontier f;
	int rc = frontier_get(s, txn, &f);
	if (rc)
		return rc;
	sh_sign_manifest m;
	memset(&m, 0, sizeof m);
	m.type = type;
	m.code = code;
	m.owner = owner;
	m.facts = facts;
	m.nfacts = nfacts;
	m.time = when ? when : sh_now();
	m.agency = s->agency;
	if ((rc = ledger_sign_append(s, txn, &f, key, &m, out_index)))
		return rc;
	return ledger_commit(s, txn, &f, key, m.time);
}

/* ---- keys ------------------------------------------------------------------ */

enum { K_FILE = 1, K_REGISTERED, K_RETIRED, K_REVOKED, K_REASON };

static int key_decode(const void *data, size_t len, sh_sign_pubkey *pub, char **reason)
{
	rec_r r;
	int rc = rec_open(&r, data, len, REC_KEY);
	if (rc)
		return rc;
	unsigned tag;
	const uint8_t *v;
	size_t n;
	int have = 0;
	int64_t retired = SH_SIGN_NEVER, revoked = SH_SIGN_NEVER;
	uint64_t u;
	if (reason)
		*reason = NULL;
	while ((rc = rec_next(&r, &tag, &v, &n)) == 1) {
		rc = SH_OK;
		switch (tag) {
		case K_FILE:
			rc = sh_sign_pubkey_parse(pub, v, n);
			have = !rc;
			break;
		case K_RETIRED:
			if (!(rc = rec_get_u64(v, n, &u)))
				retired = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
			break;
		case K_REVOKED:
			if (!(rc = rec_get_u64(v, n, &u)))
				revoked = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
			break;
		case K_REASON:
			if (reason && !*reason && !(*reason = rec_dup_str(v, n)))
				rc = SH_ENOMEM;
			break;
		default: break;
		}
		if (rc)
			break;
	}
	if (rc < 0 || !have) {
		if (reason) {
			sh_free(*reason);
			*reason = NULL;
		}
		return rc < 0 ? rc : sh_error_set(SH_ECORRUPT, "stored key record has no key");
	}
	if (retired < pub->valid_until)
		pub->valid_until = retired;
	pub->revoked_at = revoked;
	return SH_OK;
}

static int key_write(sh_store *s, MDB_txn *txn, const char *id, const void *file, size_t len,
		     int64_t registered, int64_t retired, int64_t revoked, const char *reason)
{
	rec_w w;
	rec_begin(&w, REC_KEY);
	rec_bytes(&w, K_FILE, file, len);
	rec_i64(&w, K_REGISTERED, registered);
	if (retired != SH_SIGN_NEVER)
		rec_i64(&w, K_RETIRED, retired);
	if (revoked != SH_SIGN_NEVER)
		rec_i64(&w, K_REVOKED, revoked);
	rec_str(&w, K_REASON, reason);
	int rc = w.err;
	if (!rc) {
		MDB_val k = {strlen(id), (void *)id}, v = {w.b.len, w.b.data};
		int lrc = mdb_put(txn, s->key, &k, &v, 0);
		if (lrc)
			rc = store_lmdb_err(lrc, "key");
	}
	sh_buf_free(&w.b);
	return rc;
}

struct key_reg {
	const sh_sign_pubkey *pub;
	const void *file;
	size_t len;
};

static int key_register_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct key_reg *r = arg;
	MDB_val k = {strlen(r->pub->key_id), (void *)r->pub->key_id}, v;
	if (mdb_get(txn, s->key, &k, &v) == 0)
		return sh_error_set(SH_EEXISTS, "key %s is already registered", r->pub->key_id);
	return key_write(s, txn, r->pub->key_id, r->file, r->len, sh_now(), SH_SIGN_NEVER,
			 SH_SIGN_NEVER, NULL);
}

int sh_ledger_key_register(sh_store *s, const void *file, size_t len)
{
	sh_sign_pubkey pub;
	int rc = sh_sign_pubkey_parse(&pub, file, len);
	if (rc)
		return rc;
	if (strcmp(pub.agency, s->agency))
		return sh_error_set(SH_EINVAL, "key %.16s… is for agency %s, this warehouse is %s",
				    pub.key_id, pub.agency, s->agency);
	struct key_reg r = {&pub, file, len};
	return store_write(s, 0, "registering the key", key_register_fn, &r);
}

static int key_get_txn(sh_store *s, MDB_txn *txn, const char *id, sh_sign_pubkey *out,
		       char **reason, MDB_val *raw)
{
	MDB_val k = {strlen(id), (void *)id}, v;
	int lrc = mdb_get(txn, s->key, &k, &v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no key %s is registered in this warehouse", id);
	if (lrc)
		return store_lmdb_err(lrc, "key");
	if (raw)
		*raw = v;
	return key_decode(v.mv_data, v.mv_size, out, reason);
}

int sh_ledger_key_get(sh_store *s, const char *key_id, sh_sign_pubkey *out, char **reason)
{
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	rc = key_get_txn(s, txn, key_id, out, reason, NULL);
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_key_file(sh_store *s, const char *key_id, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	MDB_val raw = {0, NULL};
	sh_sign_pubkey pub;
	rc = key_get_txn(s, txn, key_id, &pub, NULL, &raw);
	if (!rc) {
		rec_r r;
		unsigned tag;
		const uint8_t *v;
		size_t n;
		rc = rec_open(&r, raw.mv_data, raw.mv_size, REC_KEY);
		while (!rc && rec_next(&r, &tag, &v, &n) == 1)
			if (tag == K_FILE) {
				*out = sh_malloc(n);
				if (!*out) {
					rc = SH_ENOMEM;
					break;
				}
				memcpy(*out, v, n);
				*out_len = n;
				break;
			}
	}
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_key_list(sh_store *s, sh_sign_pubkey **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	int lrc = mdb_cursor_open(txn, s->key, &cur);
	if (lrc) {
		mdb_txn_abort(txn);
		return store_lmdb_err(lrc, "keys");
	}
	MDB_val k, v;
	size_t cap = 0;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sh_sign_pubkey *np = sh_realloc(*out, nc * sizeof *np);
			if (!np) {
				rc = SH_ENOMEM;
				break;
			}
			*out = np;
			cap = nc;
		}
		if ((rc = key_decode(v.mv_data, v.mv_size, &(*out)[*n], NULL)))
			break;
		(*n)++;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Retire (rotation) or revoke a key from `when`, recorded as a signed event
 * made with the acting key. */
struct key_change {
	const sh_sign_key *actor;
	const char *id, *reason;
	int64_t when, now;
	int revoke;
};

static int key_change_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct key_change *c = arg;
	sh_sign_pubkey pub;
	char *old_reason = NULL;
	MDB_val raw = {0, NULL};
	int rc = key_get_txn(s, txn, c->id, &pub, &old_reason, &raw);
	if (rc)
		return rc;
	sh_free(old_reason);
	/* re-read the stored file bytes to rewrite the record */
	rec_r r;
	unsigned tag;
	const uint8_t *v = NULL;
	size_t n = 0, flen = 0;
	const uint8_t *file = NULL;
	int64_t registered = 0;
	uint64_t u;
	rec_open(&r, raw.mv_data, raw.mv_size, REC_KEY);
	while (rec_next(&r, &tag, &v, &n) == 1) {
		if (tag == K_FILE) {
			file = v;
			flen = n;
		} else if (tag == K_REGISTERED && !rec_get_u64(v, n, &u)) {
			registered = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
		}
	}
	uint8_t *copy = sh_malloc(flen ? flen : 1);
	if (!copy)
		return SH_ENOMEM;
	memcpy(copy, file, flen);
	int64_t retired = pub.valid_until, revoked = pub.revoked_at;
	if (c->revoke && c->when < revoked)
		revoked = c->when;
	if (!c->revoke && c->when < retired)
		retired = c->when;
	sh_sign_fact facts[3] = {{"key", c->id}, {"reason", c->reason ? c->reason : ""},
				 {NULL, NULL}};
	char at[32];
	snprintf(at, sizeof at, "%lld", (long long)c->when);
	facts[2].name = "effective";
	facts[2].value = at;
	rc = key_write(s, txn, c->id, copy, flen, registered, retired, revoked, c->reason);
	sh_free(copy);
	if (!rc)
		rc = ledger_event(s, txn, c->actor, c->revoke ? "revocation" : "rotation", c->id,
				  NULL, facts, 3, c->now, NULL);
	return rc;
}

static int key_change(sh_store *s, const sh_sign_key *actor, const char *id, int64_t when,
		      const char *reason, int revoke)
{
	if (!actor)
		return sh_error_set(SH_EINVAL, "a signing key is needed to change a key");
	/* one clock reading for the event; a retired key signs up to `when` - 1,
	 * so retirement is never earlier than the next second */
	int64_t now = sh_now();
	if (!revoke && when <= now)
		when = now + 1;
	struct key_change c = {actor, id, reason, when, now, revoke};
	return store_write(s, 0, "changing the key", key_change_fn, &c);
}

int sh_ledger_key_revoke(sh_store *s, const sh_sign_key *actor, const char *key_id, int64_t when,
			const char *reason)
{
	if (!reason || !*reason)
		return sh_error_set(SH_EINVAL, "say why the key is revoked (--reason)");
	return key_change(s, actor, key_id, when ? when : sh_now(), reason, 1);
}

int sh_ledger_key_retire(sh_store *s, const sh_sign_key *actor, const char *key_id, int64_t when)
{
	return key_change(s, actor, key_id, when ? when : sh_now(), "rotated", 0);
}

/* ---- reading the log ----------------------------------------------------- */

int sh_ledger_size(sh_store *s, uint64_t *out)
{
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	sh_log_frontier f;
	rc = frontier_get(s, txn, &f);
	*out = f.size;
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_entry(sh_store *s, uint64_t index, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	uint8_t k[8];
	store_be64(k, index);
	MDB_val key = {8, k}, val;
	int lrc = mdb_get(txn, s->log, &key, &val);
	if (lrc)
		rc = lrc == MDB_NOTFOUND ? sh_error_set(SH_ENOTFOUND, "no log entry %llu",
							(unsigned long long)index)
					 : store_lmdb_err(lrc, "log");
	else if (!(*out = sh_malloc(val.mv_size + 1)))
		rc = SH_ENOMEM;
	else {
		memcpy(*out, val.mv_data, val.mv_size);
		(*out)[val.mv_size] = 0;
		*out_len = val.mv_size;
	}
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_entries_of(sh_store *s, const char *code, uint64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	int lrc = mdb_cursor_open(txn, s->sig, &cur);
	if (lrc) {
		mdb_txn_abort(txn);
		return store_lmdb_err(lrc, "signature index");
	}
	MDB_val k = {strlen(code), (void *)code}, v;
	size_t cap = 0;
	for (lrc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY); lrc == 0;
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
		if (v.mv_size != 8) {
			rc = sh_error_set(SH_ECORRUPT, "signature index of %s is damaged", code);
			break;
		}
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			uint64_t *np = sh_realloc(*out, nc * sizeof *np);
			if (!np) {
				rc = SH_ENOMEM;
				break;
			}
			*out = np;
			cap = nc;
		}
		(*out)[(*n)++] = store_rd64(v.mv_data);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int sh_ledger_checkpoint(sh_store *s, uint64_t size, uint8_t **out, size_t *out_len,
			uint64_t *out_size)
{
	*out = NULL;
	*out_len = 0;
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	int lrc = mdb_cursor_open(txn, s->checkpoint, &cur);
	if (lrc) {
		mdb_txn_abort(txn);
		return store_lmdb_err(lrc, "checkpoints");
	}
	uint8_t kb[8];
	store_be64(kb, size);
	MDB_val k = {8, kb}, v;
	/* size 0: the latest; else the first checkpoint of at least size */
	lrc = size ? mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)
		   : mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (lrc == MDB_NOTFOUND)
		rc = sh_error_set(SH_ENOTFOUND, "no checkpoint covers log size %llu",
				  (unsigned long long)size);
	else if (lrc)
		rc = store_lmdb_err(lrc, "checkpoints");
	else if (k.mv_size != 8)
		rc = sh_error_set(SH_ECORRUPT, "checkpoint key is damaged");
	else if (!(*out = sh_malloc(v.mv_size + 1)))
		rc = SH_ENOMEM;
	else {
		memcpy(*out, v.mv_data, v.mv_size);
		(*out)[v.mv_size] = 0;
		*out_len = v.mv_size;
		if (out_size)
			*out_size = store_rd64(k.mv_data);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_checkpoint_sizes(sh_store *s, uint64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	int lrc = mdb_cursor_open(txn, s->checkpoint, &cur);
	if (lrc) {
		mdb_txn_abort(txn);
		return store_lmdb_err(lrc, "checkpoints");
	}
	MDB_val k, v;
	size_t cap = 0;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0 && k.mv_size == 8) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			uint64_t *np = sh_realloc(*out, nc * sizeof *np);
			if (!np) {
				rc = SH_ENOMEM;
				break;
			}
			*out = np;
			cap = nc;
		}
		(*out)[(*n)++] = store_rd64(k.mv_data);
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_inclusion(sh_store *s, uint64_t index, uint64_t size,
			   uint8_t path[][SH_SHA256_LEN], size_t *n, uint8_t leaf[SH_SHA256_LEN])
{
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	struct src_ctx c = {s, txn};
	sh_log_source src = {leaf_get, node_get, &c};
	rc = sh_log_inclusion_proof(path, n, &src, index, size);
	if (!rc && leaf)
		rc = leaf_get(&c, index, leaf);
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_consistency(sh_store *s, uint64_t old_size, uint64_t new_size,
			     uint8_t path[][SH_SHA256_LEN], size_t *n)
{
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	struct src_ctx c = {s, txn};
	sh_log_source src = {leaf_get, node_get, &c};
	rc = sh_log_consistency_proof(path, n, &src, old_size, new_size);
	mdb_txn_abort(txn);
	return rc;
}

int sh_ledger_root(sh_store *s, uint64_t size, int from_entries, uint8_t root[SH_SHA256_LEN])
{
	MDB_txn *txn;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	struct src_ctx c = {s, txn};
	sh_log_source src = {leaf_get, from_entries ? NULL : node_get, &c};
	rc = sh_log_root(root, &src, size);
	mdb_txn_abort(txn);
	return rc;
}
