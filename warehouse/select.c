/* Selections for transfer bags (sh_wh_select): an owner's papers, or the
 * papers of the dossiers received between two dates, from the owner and
 * receipt-date indexes. */
#include "wh_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int parse_day(const char *d, int end, int64_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	char extra;
	if (!d || strlen(d) != 10 ||
	    sscanf(d, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &extra) != 3 ||
	    tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return sh_error_set(SH_EINVAL, "date '%.20s': write YYYY-MM-DD", d ? d : "");
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_mday += end; /* the day after: the range is [from, to + 1) */
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return sh_error_set(SH_EINVAL, "date '%s' is out of range", d);
	*out = (int64_t)t;
	return SH_OK;
}

static int push(char (**codes)[SH_STORE_CODE_MAX], size_t *n, size_t *cap, const char *code,
		size_t len)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *np = sh_realloc(*codes, nc * sizeof **codes);
		if (!np)
			return SH_ENOMEM;
		*codes = np;
		*cap = nc;
	}
	if (len >= SH_STORE_CODE_MAX)
		return sh_error_set(SH_ECORRUPT, "an index holds an over-long code");
	memcpy((*codes)[*n], code, len);
	(*codes)[*n][len] = 0;
	(*n)++;
	return SH_OK;
}

/* The papers then results of dossier, in order. */
static int dossier_papers(MDB_txn *txn, sh_store *s, const char *code,
			  char (**codes)[SH_STORE_CODE_MAX], size_t *n, size_t *cap)
{
	MDB_val k = {strlen(code), (void *)code}, v;
	int lrc = mdb_get(txn, s->dossier, &k, &v);
	if (lrc)
		return lrc == MDB_NOTFOUND ? SH_OK : store_lmdb_err(lrc, code);
	sh_store_dossier_rec *d = NULL;
	int rc = store_decode_dossier(v.mv_data, v.mv_size, &d);
	if (rc)
		return sh_error_wrap(rc, "dossier %s: ", code);
	for (size_t i = 0; i < d->npapers && !rc; i++)
		rc = push(codes, n, cap, d->papers[i], strlen(d->papers[i]));
	for (size_t i = 0; i < d->nresults && !rc; i++)
		rc = push(codes, n, cap, d->results[i], strlen(d->results[i]));
	sh_store_dossier_rec_free(&d);
	return rc;
}

int sh_wh_select(sh_store *s, const char *owner, const char *from, const char *to,
		 char (**out)[SH_STORE_CODE_MAX], size_t *n)
{
	*out = NULL;
	*n = 0;
	int rc = sh_wh_may(s, SH_WH_PERM_VERIFY);
	if (rc)
		return rc;
	if (!owner == !(from || to))
		return sh_error_set(SH_EINVAL, "select papers by an owner or by receipt dates, not both");
	char id[16];
	int64_t t0 = INT64_MIN, t1 = INT64_MAX;
	if (owner && (rc = sh_id_owner_check(NULL, id, owner)))
		return rc;
	if (from && (rc = parse_day(from, 0, &t0)))
		return rc;
	if (to && (rc = parse_day(to, 1, &t1)))
		return rc;
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	size_t cap = 0;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	int lrc = mdb_cursor_open(txn, owner ? s->owner : s->rdate, &cur);
	if (lrc) {
		rc = store_lmdb_err(lrc, "indexes");
		goto out;
	}
	MDB_val k, v;
	if (owner) {
		k = (MDB_val){strlen(id), id};
		for (lrc = mdb_cursor_get(cur, &k, &v, MDB_SET); !lrc && !rc;
		     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
			store_osum o;
			if (store_osum_decode(v.mv_data, v.mv_size, &o))
				rc = sh_error_set(SH_ECORRUPT, "owner index: a damaged entry of %s", id);
			else
				rc = push(out, n, &cap, o.code, strlen(o.code));
		}
	} else {
		uint8_t kb[8 + SH_STORE_CODE_MAX];
		size_t kl = wh_rdate_key(kb, "", t0 < 0 ? 0 : t0);
		k = (MDB_val){kl, kb};
		for (lrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !lrc && !rc;
		     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			if (k.mv_size <= 8 || k.mv_size >= 8 + SH_STORE_CODE_MAX)
				continue;
			uint64_t u = 0;
			for (int i = 0; i < 8; i++)
				u = u << 8 | ((const uint8_t *)k.mv_data)[i];
			if ((int64_t)u >= t1)
				break;
			char code[SH_STORE_CODE_MAX];
			memcpy(code, (const char *)k.mv_data + 8, k.mv_size - 8);
			code[k.mv_size - 8] = 0;
			rc = dossier_papers(txn, s, code, out, n, &cap);
		}
	}
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "indexes");
out:
	if (cur)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (!rc && !*n)
		rc = sh_error_set(SH_ENOTFOUND, owner ? "no papers are filed under owner %s"
						      : "no dossiers were received from %s to %s",
				  owner ? id : from ? from : "the start", to ? to : "now");
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
