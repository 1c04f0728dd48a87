/* Test helper: damage a warehouse on purpose, through LMDB itself, to check
 * that verification notices.
 *   tamper STORE flip TABLE KEY OFFSET   flip one bit of a value's byte (OFFSET < 0: from the end)
 *   tamper STORE find TABLE KEY TEXT     print the offset of TEXT in the value
 *   tamper STORE del TABLE KEY           delete a record
 *   tamper STORE swap TABLE KEY1 KEY2    exchange two values
 * KEY: text, or "hex:..." for binary keys, or "log:N" for the log's 8-byte index,
 * or "first" for the first key of the table. */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char kbuf[2][256];

static int parse_key(MDB_txn *txn, MDB_dbi dbi, const char *s, MDB_val *k, int slot)
{
	if (!strcmp(s, "first")) {
		MDB_cursor *c;
		MDB_val v;
		mdb_cursor_open(txn, dbi, &c);
		int rc = mdb_cursor_get(c, k, &v, MDB_FIRST);
		memcpy(kbuf[slot], k->mv_data, k->mv_size);
		k->mv_data = kbuf[slot];
		mdb_cursor_close(c);
		return rc;
	}
	if (!strncmp(s, "log:", 4)) {
		unsigned long long n = strtoull(s + 4, NULL, 10);
		for (int i = 7; i >= 0; i--, n >>= 8)
			kbuf[slot][i] = (unsigned char)n;
		k->mv_size = 8;
		k->mv_data = kbuf[slot];
		return 0;
	}
	if (!strncmp(s, "hex:", 4)) {
		size_t n = strlen(s + 4) / 2;
		for (size_t i = 0; i < n; i++)
			sscanf(s + 4 + 2 * i, "%2hhx", &kbuf[slot][i]);
		k->mv_size = n;
		k->mv_data = kbuf[slot];
		return 0;
	}
	k->mv_size = strlen(s);
	k->mv_data = (void *)s;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v, k2, v2;
	void *a = NULL, *b = NULL;
	int rc = 0, commit = 0;
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 32);
	mdb_env_set_mapsize(env, (size_t)1 << 30);
	if (mdb_env_open(env, argv[1], 0, 0660) || mdb_txn_begin(env, NULL, 0, &txn)) {
		fprintf(stderr, "tamper: cannot open %s\n", argv[1]);
		mdb_env_close(env);
		return 1;
	}
	if (mdb_dbi_open(txn, argv[3], 0, &dbi) || parse_key(txn, dbi, argv[4], &k, 0)) {
		fprintf(stderr, "tamper: no table or key %s/%s\n", argv[3], argv[4]);
		rc = 1;
	} else if (!strcmp(argv[2], "del")) {
		rc = mdb_del(txn, dbi, &k, NULL);
		commit = 1;
	} else if ((rc = mdb_get(txn, dbi, &k, &v))) {
		fprintf(stderr, "tamper: no such key\n");
	} else if (!strcmp(argv[2], "flip") && argc == 6) {
		long off = strtol(argv[5], NULL, 10);
		if (off < 0)
			off += (long)v.mv_size;
		a = malloc(v.mv_size);
		memcpy(a, v.mv_data, v.mv_size);
		((unsigned char *)a)[off] ^= 0x01;
		v.mv_data = a;
		rc = mdb_put(txn, dbi, &k, &v, 0);
		commit = 1;
	} else if (!strcmp(argv[2], "find") && argc == 6) {
		const char *t = argv[5];
		size_t n = strlen(t);
		long at = -1;
		for (size_t i = 0; i + n <= v.mv_size; i++)
			if (!memcmp((char *)v.mv_data + i, t, n)) {
				at = (long)i;
				break;
			}
		printf("%ld\n", at);
		rc = at < 0;
	} else if (!strcmp(argv[2], "swap") && argc == 6) {
		parse_key(txn, dbi, argv[5], &k2, 1);
		if ((rc = mdb_get(txn, dbi, &k2, &v2)) == 0) {
			a = malloc(v.mv_size);
			b = malloc(v2.mv_size);
			memcpy(a, v.mv_data, v.mv_size);
			memcpy(b, v2.mv_data, v2.mv_size);
			MDB_val va = {v.mv_size, a}, vb = {v2.mv_size, b};
			rc = mdb_put(txn, dbi, &k, &vb, 0) || mdb_put(txn, dbi, &k2, &va, 0);
		}
		commit = 1;
	} else {
		rc = 2;
	}
	if (rc || !commit) {
		mdb_txn_abort(txn);
		if (rc && commit)
			fprintf(stderr, "tamper: failed (%d)\n", rc);
	} else {
		mdb_txn_commit(txn);
	}
	mdb_env_close(env);
	free(a);
	free(b);
	return rc ? 1 : 0;
}
