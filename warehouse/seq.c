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

struct seq_raise {
	const char *day;
	unsigned seq;
};

static int seq_raise_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const struct seq_raise *r = arg;
	char key[9];
	snprintf(key, sizeof key, "D|%s", r->day);
	MDB_val k = {8, key}, v;
	unsigned have = 0;
	int lrc = mdb_get(txn, s->seq, &k, &v);
	if (lrc == 0 && v.mv_size == 4) {
		const uint8_t *b = v.mv_data;
		have = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	} else if (lrc && lrc != MDB_NOTFOUND) {
		return store_lmdb_err(lrc, "sequences");
	}
	if (have >= r->seq)
		return SH_OK;
	uint8_t b[4] = {(uint8_t)(r->seq >> 24), (uint8_t)(r->seq >> 16), (uint8_t)(r->seq >> 8),
			(uint8_t)r->seq};
	v.mv_size = 4;
	v.mv_data = b;
	lrc = mdb_put(txn, s->seq, &k, &v, 0);
	return lrc ? store_write_err(s, lrc, "sequences") : SH_OK;
}

int sh_wh_seq_raise(sh_store *s, const char *day, unsigned seq)
{
	if (strlen(day) != 6 || strspn(day, "0123456789") != 6)
		return sh_error_set(SH_EINVAL, "bad sequence day '%s'", day);
	struct seq_raise r = {day, seq};
	return store_write(s, 0, "sequences", seq_raise_fn, &r);
}
