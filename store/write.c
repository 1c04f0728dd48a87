/* The one write path of the engine (store_int.h, store_write): a write
 * transaction that is run again in a grown map when the map fills. */
#include "store_int.h"

#include <stdlib.h>

static long fault_mapfull; /* test hook: attempts still to fail as a full map */

void sh_store_fault_mapfull(long n)
{
	fault_mapfull = n > 0 ? n : 0;
}

int store_write(sh_store *s, unsigned flags, const char *what,
		int (*fn)(sh_store *, MDB_txn *, void *), void *arg)
{
	if (s->rdonly)
		return sh_error_set(SH_EPERM, "warehouse opened read-only");
	for (;;) {
		MDB_txn *txn;
		int rc = store_txn_begin(s, flags, &txn);
		if (rc)
			return rc;
		rc = fn(s, txn, arg);
		if (!rc && fault_mapfull > 0) {
			/* as if the map filled at the last write of the transaction */
			fault_mapfull--;
			rc = store_lmdb_err(MDB_MAP_FULL, what);
		}
		if (rc) {
			mdb_txn_abort(txn);
		} else {
			int lrc = mdb_txn_commit(txn);
			if (lrc)
				rc = store_write_err(s, lrc, what);
		}
		if (rc != SH_EMAPFULL)
			return rc;
		if ((rc = store_grow_map(s)))
			return rc;
	}
}
