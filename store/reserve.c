/* Reserving the whole map up front (sh_store.h, sh_store_map_reserve). */
#include "store_int.h"

int sh_store_map_reserve(sh_store *s)
{
	MDB_envinfo info;
	mdb_env_info(s->env, &info);
	if (info.me_mapsize >= s->map_limit)
		return SH_OK;
	int rc = mdb_env_set_mapsize(s->env, s->map_limit);
	return rc ? store_lmdb_err(rc, "reserving the warehouse map") : SH_OK;
}
