/* The audit chain: the `audit` table (reads of personal papers, operator
 * changes) hashed row by row into a chain, and the chain's head sealed in
 * the signed log by every signed write transaction (docs/SIGNING.md
 * "Threat model"). A row deleted, rewritten or reordered after a seal
 * changes the head the seal signed; `verify --all` recomputes it.
 *
 * head(0) = 32 zero bytes; head(i + 1) = SHA-256("sohoa-audit-v1\n" ‖
 * head(i) ‖ 8-byte BE row key ‖ row value). meta "audit_chain" keeps the
 * running size and head (40 bytes) so that appending and sealing cost
 * O(1); it is a cache, never trusted by verification. */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAIN_META "audit_chain"
#define CHAIN_TAG "sohoa-audit-v1\n"

int ledger_audit_step(uint8_t head[SH_SHA256_LEN], uint64_t seq, const void *val, size_t len)
{
	uint8_t stack[1024], *b = stack;
	size_t n = sizeof CHAIN_TAG - 1 + SH_SHA256_LEN + 8 + len;
	if (n > sizeof stack && !(b = sh_malloc(n)))
		return SH_ENOMEM;
	memcpy(b, CHAIN_TAG, sizeof CHAIN_TAG - 1);
	memcpy(b + sizeof CHAIN_TAG - 1, head, SH_SHA256_LEN);
	store_be64(b + sizeof CHAIN_TAG - 1 + SH_SHA256_LEN, seq);
	if (len)
		memcpy(b + sizeof CHAIN_TAG - 1 + SH_SHA256_LEN + 8, val, len);
	sh_sha256(head, b, n);
	if (b != stack)
		sh_free(b);
	return SH_OK;
}

/* The running head: from the meta cache, or (a warehouse written before
 * the chain existed, or a cache that disagrees with the table's size)
 * recomputed from every row. */
static int chain_get(sh_store *s, MDB_txn *txn, uint64_t *size, uint8_t head[SH_SHA256_LEN])
{
	MDB_val k = {sizeof CHAIN_META - 1, CHAIN_META}, v;
	MDB_stat st;
	int lrc = mdb_stat(txn, s->audit, &st);
	if (lrc)
		return store_lmdb_err(lrc, "audit trail");
	lrc = mdb_get(txn, s->meta, &k, &v);
	if (lrc && lrc != MDB_NOTFOUND)
		return store_lmdb_err(lrc, "audit chain");
	if (!lrc && v.mv_size == 8 + SH_SHA256_LEN && store_rd64(v.mv_data) == st.ms_entries) {
		*size = store_rd64(v.mv_data);
		memcpy(head, (uint8_t *)v.mv_data + 8, SH_SHA256_LEN);
		return SH_OK;
	}
	/* upgrade in place: chain every row there is */
	MDB_cursor *c;
	MDB_val rk, rv;
	memset(head, 0, SH_SHA256_LEN);
	*size = 0;
	if ((lrc = mdb_cursor_open(txn, s->audit, &c)))
		return store_lmdb_err(lrc, "audit trail");
	while ((lrc = mdb_cursor_get(c, &rk, &rv, MDB_NEXT)) == 0) {
		if (rk.mv_size != 8)
			continue;
		if (ledger_audit_step(head, store_rd64(rk.mv_data), rv.mv_data, rv.mv_size)) {
			mdb_cursor_close(c);
			return SH_ENOMEM;
		}
		(*size)++;
	}
	mdb_cursor_close(c);
	return lrc == MDB_NOTFOUND ? SH_OK : store_lmdb_err(lrc, "audit trail");
}

static int chain_put(sh_store *s, MDB_txn *txn, uint64_t size, const uint8_t head[SH_SHA256_LEN])
{
	uint8_t b[8 + SH_SHA256_LEN];
	store_be64(b, size);
	memcpy(b + 8, head, SH_SHA256_LEN);
	MDB_val k = {sizeof CHAIN_META - 1, CHAIN_META}, v = {sizeof b, b};
	return mdb_put(txn, s->meta, &k, &v, 0);
}

int ledger_audit_append(sh_store *s, MDB_txn *txn, MDB_cursor *c, const void *val, size_t len,
			int *lrc)
{
	uint64_t size = 0, seq = 0;
	uint8_t head[SH_SHA256_LEN];
	MDB_val k, v;
	*lrc = 0;
	int rc = chain_get(s, txn, &size, head);
	if (rc)
		return rc;
	*lrc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (*lrc == 0 && k.mv_size == 8)
		seq = store_rd64(k.mv_data) + 1;
	else if (*lrc && *lrc != MDB_NOTFOUND)
		return SH_OK;
	*lrc = 0;
	uint8_t kb[8];
	store_be64(kb, seq);
	k.mv_size = 8;
	k.mv_data = kb;
	v.mv_size = len;
	v.mv_data = (void *)val;
	if ((*lrc = mdb_cursor_put(c, &k, &v, MDB_APPEND)))
		return SH_OK;
	if ((rc = ledger_audit_step(head, seq, val, len)))
		return rc;
	*lrc = chain_put(s, txn, size + 1, head);
	return SH_OK;
}

/* What the last seal in the log says: the rows it covers and the number of
 * operators there were (0 and 0 when there is none). */
static int last_seal(sh_store *s, MDB_txn *txn, uint64_t *sealed, uint64_t *users)
{
	MDB_cursor *c;
	MDB_val k = {5, "audit"}, v, lv;
	*sealed = 0;
	if (users)
		*users = 0;
	int lrc = mdb_cursor_open(txn, s->sig, &c);
	if (lrc)
		return store_lmdb_err(lrc, "signature index");
	lrc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
	if (!lrc)
		lrc = mdb_cursor_get(c, &k, &v, MDB_LAST_DUP);
	mdb_cursor_close(c);
	if (lrc == MDB_NOTFOUND)
		return SH_OK;
	if (lrc)
		return store_lmdb_err(lrc, "signature index");
	if (v.mv_size != 8 || mdb_get(txn, s->log, &v, &lv))
		return SH_OK; /* damaged: seal again; verify names the damage */
	sh_sign_manifest *m = NULL;
	int rc = sh_sign_manifest_read(&m, lv.mv_data, lv.mv_size);
	if (rc == SH_ENOMEM)
		return rc;
	for (size_t i = 0; !rc && i < m->nfacts; i++) {
		if (!strcmp(m->facts[i].name, "size"))
			*sealed = strtoull(m->facts[i].value, NULL, 10);
		else if (users && !strcmp(m->facts[i].name, "users"))
			*users = strtoull(m->facts[i].value, NULL, 10);
	}
	sh_sign_manifest_free(&m);
	return SH_OK;
}

int ledger_sealed_users(sh_store *s, MDB_txn *txn, uint64_t *users)
{
	uint64_t sealed = 0;
	return last_seal(s, txn, &sealed, users);
}

int ledger_audit_seal(sh_store *s, MDB_txn *txn, sh_log_frontier *f, const sh_sign_key *key,
		      int64_t when)
{
	uint64_t size = 0, sealed = 0;
	uint8_t head[SH_SHA256_LEN];
	int rc = chain_get(s, txn, &size, head);
	if (!rc)
		rc = last_seal(s, txn, &sealed, NULL);
	if (rc)
		return rc;
	int lrc = chain_put(s, txn, size, head); /* a recomputed head is kept */
	if (lrc)
		return store_write_err(s, lrc, "audit chain");
	if (size == sealed)
		return SH_OK;
	char hex[2 * SH_SHA256_LEN + 1], num[24], nusers[24];
	MDB_stat st;
	if ((lrc = mdb_stat(txn, s->user, &st)))
		return store_lmdb_err(lrc, "operators");
	sh_hex(hex, head, SH_SHA256_LEN);
	snprintf(num, sizeof num, "%llu", (unsigned long long)size);
	snprintf(nusers, sizeof nusers, "%llu", (unsigned long long)st.ms_entries);
	/* the number of operators: an emptied table is told from a new one even
	 * when the mark that operators existed is gone too */
	sh_sign_fact facts[3] = {{"head", hex}, {"size", num}, {"users", nusers}};
	sh_sign_manifest m;
	memset(&m, 0, sizeof m);
	m.type = "audit";
	m.code = "audit";
	m.facts = facts;
	m.nfacts = 3;
	m.time = when ? when : sh_now();
	m.agency = s->agency;
	return ledger_sign_append(s, txn, f, key, &m, NULL);
}

struct seal {
	const sh_sign_key *key;
	int64_t when;
};

static int seal_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct seal *a = arg;
	sh_log_frontier f;
	int rc = ledger_begin(s, txn, &f);
	return rc ? rc : ledger_commit(s, txn, &f, a->key, a->when ? a->when : sh_now());
}

int sh_ledger_audit_seal(sh_store *s, const sh_sign_key *key, int64_t when)
{
	struct seal a = {key, when};
	return store_write(s, 0, "sealing the audit trail", seal_fn, &a);
}
