/* Where a warehouse's blobs live (sh_wh.h, sh_wh_blobs_*): the permission
 * checks in front of the store's object-store calls (store/blobs.c). */
#include "wh_int.h"

int sh_wh_blobs_status(sh_store *s, sh_store_blobs_info *out)
{
	int rc = sh_wh_may(s, SH_WH_PERM_CHECK);
	return rc ? rc : sh_store_blobs_status(s, out);
}

int sh_wh_blobs_drain(sh_store *s, size_t *uploaded, size_t *left, size_t *bad)
{
	int rc = sh_wh_may(s, SH_WH_PERM_INGEST);
	return rc ? rc : sh_store_blobs_drain(s, uploaded, left, bad);
}

int sh_wh_blobs_migrate(sh_store *s, const char *to, void (*progress)(void *, uint64_t, uint64_t),
			void *arg, uint64_t *moved)
{
	if (moved)
		*moved = 0;
	int rc = sh_wh_may(s, SH_WH_PERM_ADMIN);
	return rc ? rc : sh_store_blobs_migrate(s, to, progress, arg, moved);
}
