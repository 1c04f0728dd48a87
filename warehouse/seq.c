/* The dossier code sequence as a witnessed checkpoint records it
 * (docs/SIGNING.md "Witnesses"): the last day and number issued, and
 * raising it after a rollback so that no code is issued twice. */
#include "wh_int.h"

#include <stdio.h>
#include <string.h>

int sh_wh_seq_last(sh_store *s, char day[7], unsigned *seq)
{
	day[0] = 0;
	*seq = 0;
	MDB_txn *txn;
	MDB_cursor *cur;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	int lrc = mdb_cursor_open(txn, s->seq, &cur);
	if (lrc) {
		mdb_txn_abort(txn);
		return store_lmdb_err(lrc, "sequences");
	}
	/* "D|YYMMDD" keys sort by day; the last one before "D}" */
	MDB_val k = {2, "D}"}, v;
	lrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	lrc = lrc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV) : mdb_cursor_get(cur, &k, &v, MDB_LAST);
	rc = SH_ENOTFOUND;
	if (lrc == 0 && k.mv_size == 8 && !memcmp(k.mv_data, "D|", 2) && v.mv_size == 4) {
		const uint8_t *b = v.mv_data;
		memcpy(day, (const char *)k.mv_data + 2, 6);
		day[6] = 0;
		*seq = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
		rc = SH_OK;
	} else if (lrc && lrc != MDB_NOTFOUND) {
		rc = store_lmdb_err(lrc, "sequences");
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

int sh_wh_seq_raise(sh_store *s, const char *day, unsigned seq)
{
	if (strlen(day) != 6 || strspn(day, "0123456789") != 6)
		return sh_error_set(SH_EINVAL, "bad sequence day '%s'", day);
	for (;;) {
		MDB_txn *txn;
		int rc = store_txn_begin(s, 0, &txn);
		if (rc)
			return rc;
		char key[9];
		snprintf(key, sizeof key, "D|%s", day);
		MDB_val k = {8, key}, v;
		unsigned have = 0;
		int lrc = mdb_get(txn, s->seq, &k, &v);
		if (lrc == 0 && v.mv_size == 4) {
			const uint8_t *b = v.mv_data;
			have = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
		} else if (lrc && lrc != MDB_NOTFOUND) {
			mdb_txn_abort(txn);
			return store_lmdb_err(lrc, "sequences");
		}
		if (have >= seq) {
			mdb_txn_abort(txn);
			return SH_OK;
		}
		uint8_t b[4] = {(uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
				(uint8_t)seq};
		v.mv_size = 4;
		v.mv_data = b;
		lrc = mdb_put(txn, s->seq, &k, &v, 0);
		if (!lrc)
			lrc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
		if (lrc == MDB_MAP_FULL && !(rc = store_grow_map(s)))
			continue;
		return lrc ? store_write_err(s, lrc, "sequences") : SH_OK;
	}
}
