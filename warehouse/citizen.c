/* The citizen's own warehouse (sh_wh.h "the citizen's own warehouse",
 * docs/CITIZEN.md): a citizen's reads of their own papers, who looked at
 * them, shares for reuse, corrections, and companies' delegations.
 *
 * Shares, corrections and delegations live in the table "citizen" (opened
 * on first use, so older warehouses need no migration), JSON values:
 *   "s" CODE                  a share
 *   "c" <8-byte big-endian>   a correction report
 *   "d" TAXCODE ":" PERSON    an employee the company's representative authorised
 * Every change to a share and every applied correction is a signed log
 * event in the same write transaction. */
#define _GNU_SOURCE
#include "wh_int.h"

#include <gcrypt.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table ------------------------------------------------------------ */

static pthread_mutex_t dbi_mu = PTHREAD_MUTEX_INITIALIZER;

/* The table in txn: 1 and *dbi, 0 when it does not exist yet (a read), <0. */
static int cit_dbi(MDB_txn *txn, int create, MDB_dbi *dbi)
{
	/* mdb_dbi_open must not run in two transactions at once */
	pthread_mutex_lock(&dbi_mu);
	int lrc = mdb_dbi_open(txn, "citizen", create ? MDB_CREATE : 0, dbi);
	pthread_mutex_unlock(&dbi_mu);
	if (lrc == MDB_NOTFOUND && !create)
		return 0;
	return lrc ? store_lmdb_err(lrc, "citizen table") : 1;
}

static int put_json(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, json_t *o,
		    unsigned flags)
{
	char *s = json_dumps(o, JSON_COMPACT);
	if (!s)
		return SH_ENOMEM;
	MDB_val k = {klen, (void *)key}, v = {strlen(s), s};
	int lrc = mdb_put(txn, dbi, &k, &v, flags);
	free(s);
	if (lrc == MDB_KEYEXIST)
		return SH_EEXISTS;
	return lrc ? store_lmdb_err(lrc, "citizen table") : SH_OK;
}

static json_t *get_json(const MDB_val *v)
{
	json_t *o = json_loadb(v->mv_data, v->mv_size, 0, NULL);
	if (o && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

static void jcopy(char *dst, size_t cap, json_t *o, const char *name)
{
	snprintf(dst, cap, "%s", json_string_value(json_object_get(o, name)) ?: "");
}

static int64_t jint(json_t *o, const char *name)
{
	return (int64_t)json_integer_value(json_object_get(o, name));
}

/* Write transactions, grown and retried when the map is full (store_write). */
static int write_txn(sh_store *s, int (*fn)(sh_store *, MDB_txn *, void *), void *arg)
{
	return store_write(s, 0, "citizen table", fn, arg);
}

/* Is code one of the session's owners' papers (filed under any of them)? */
static int session_holds(sh_store *s, MDB_txn *txn, const char *code)
{
	const char *own[SH_WH_CITIZEN_OWNERS];
	size_t n = sh_wh_citizen_owners(s, own, SH_WH_CITIZEN_OWNERS);
	for (size_t i = 0; i < n; i++)
		if (store_owner_has(txn, s->owner, own[i], code) == 1)
			return 1;
	return 0;
}

/* ---- reading one's own papers ------------------------------------------------ */

static void audit_refusal(sh_store *s, const char *code)
{
	/* only a well-formed code names a paper someone may own */
	if (sh_id_code_check(NULL, code, SH_CODE_PAPER | SH_CODE_RESULT) == SH_OK)
		(void)sh_wh_audit_read(s, sh_wh_operator(s), "refused", code, NULL, 0);
}

int wh_citizen_paper_get(sh_store *s, const char *code, sh_store_paper_rec **out)
{
	*out = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_OWN);
	if (rc)
		return rc;
	MDB_txn *txn;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	int held = code ? session_holds(s, txn, code) : 0;
	mdb_txn_abort(txn);
	if (!held) {
		char msg[256];
		rc = sh_store_paper_get(s, code, out);
		sh_store_paper_rec_free(out);
		/* the same answer for another's paper and for no paper: nothing
		 * is learnt about codes that are not yours */
		snprintf(msg, sizeof msg, "%s", "no such paper among yours");
		audit_refusal(s, code);
		return sh_error_set(rc == SH_OK || rc == SH_ENOTFOUND ? SH_ENOTFOUND : rc, "%s", msg);
	}
	if ((rc = sh_store_paper_get(s, code, out)))
		return rc;
	const char *c = (*out)->code;
	if ((rc = wh_audit_session(s, &c, 1, (*out)->dossier)))
		sh_store_paper_rec_free(out);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sh_wh_mine_reads(sh_store *s, const char *owner, sh_wh_audit_rec **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char norm[16];
	int rc = sh_id_owner_check(NULL, norm, owner);
	if (rc || (rc = sh_wh_citizen(s) ? sh_wh_citizen_owns(s, norm)
					  : sh_wh_may(s, SH_WH_PERM_AUDIT)))
		return rc;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	sh_wh_owner_paper *papers = NULL;
	size_t np = 0, cap = 0;
	const char **codes = NULL;
	rc = owner_papers_txn(s, txn, NULL, norm, NULL, sh_now(), &papers, &np);
	if (!rc && np && !(codes = sh_calloc(np, sizeof *codes)))
		rc = SH_ENOMEM;
	for (size_t i = 0; !rc && i < np; i++)
		codes[i] = papers[i].code;
	if (!rc && np)
		qsort(codes, np, sizeof *codes, cmp_str);
	int lrc = rc ? 0 : mdb_cursor_open(txn, s->audit, &c);
	if (lrc)
		rc = store_lmdb_err(lrc, "audit of reads");
	MDB_val k, v;
	for (lrc = rc || !np ? MDB_NOTFOUND : mdb_cursor_get(c, &k, &v, MDB_LAST); !rc && lrc == 0;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_PREV)) {
		sh_wh_audit_rec a;
		if (k.mv_size != 8 || wh_audit_decode(&a, v.mv_data, v.mv_size)) {
			rc = sh_error_set(SH_ECORRUPT, "the audit of reads is damaged: run sohoa check");
			break;
		}
		const char *key = a.code;
		if (!bsearch(&key, codes, np, sizeof *codes, cmp_str))
			continue;
		a.seq = store_rd64(k.mv_data);
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			sh_wh_audit_rec *na = sh_realloc(*out, nc * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				break;
			}
			*out = na;
			cap = nc;
		}
		(*out)[(*n)++] = a;
	}
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "audit of reads");
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	sh_free(codes);
	sh_wh_owner_papers_free(&papers, np);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- shares --------------------------------------------------------------------- */

static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */

/* "abcd efgh", "ABCD-EFGH", with O for 0 and I, L for 1 → "ABCD-EFGH";
 * 0 when it is not 8 such characters. */
static int share_code_norm(const char *in, char out[16])
{
	size_t k = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		char ch = *p;
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == 'O')
			ch = '0';
		else if (ch == 'I' || ch == 'L')
			ch = '1';
		if (!strchr(b32, ch) || !ch || k == 8)
			return 0;
		out[k < 4 ? k : k + 1] = ch;
		k++;
	}
	if (k != 8)
		return 0;
	out[4] = '-';
	out[9] = 0;
	return 1;
}

int sh_wh_share_code_parse(const char *typed, char out[16])
{
	if (share_code_norm(typed, out))
		return SH_OK;
	out[0] = 0;
	return sh_error_set(SH_EINVAL, "a share code is 8 letters and digits (XXXX-XXXX)");
}

static void share_code_new(char out[16])
{
	unsigned char r[5];
	gcry_randomize(r, sizeof r, GCRY_STRONG_RANDOM);
	uint64_t v = 0;
	for (int i = 0; i < 5; i++)
		v = v << 8 | r[i];
	for (int i = 0, k = 0; i < 8; i++) {
		out[k++] = b32[(v >> (35 - 5 * i)) & 31];
		if (i == 3)
			out[k++] = '-';
	}
	out[9] = 0;
}

/* The share's name in the log: the first 16 hex digits of SHA-256(code). */
static void share_tag(const char *code, char out[17])
{
	unsigned char h[32];
	gcry_md_hash_buffer(GCRY_MD_SHA256, h, code, strlen(code));
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static json_t *share_json(const sh_wh_share *sh)
{
	json_t *p = json_array();
	for (size_t i = 0; i < sh->npapers; i++)
		json_array_append_new(p, json_string(sh->papers[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o}", "code", sh->code, "owner",
			 sh->owner, "procedure", sh->procedure, "by", sh->by, "created",
			 (json_int_t)sh->created, "expires", (json_int_t)sh->expires, "revoked",
			 (json_int_t)sh->revoked, "uses", (json_int_t)sh->uses, "papers", p);
}

static int share_from(json_t *o, sh_wh_share *sh)
{
	memset(sh, 0, sizeof *sh);
	if (!o)
		return sh_error_set(SH_ECORRUPT, "a stored share is damaged: run sohoa check");
	jcopy(sh->code, sizeof sh->code, o, "code");
	jcopy(sh->owner, sizeof sh->owner, o, "owner");
	jcopy(sh->procedure, sizeof sh->procedure, o, "procedure");
	jcopy(sh->by, sizeof sh->by, o, "by");
	sh->created = jint(o, "created");
	sh->expires = jint(o, "expires");
	sh->revoked = jint(o, "revoked");
	sh->uses = (size_t)jint(o, "uses");
	json_t *p = json_object_get(o, "papers");
	for (size_t i = 0; i < json_array_size(p) && i < SH_WH_SHARE_PAPERS; i++)
		snprintf(sh->papers[sh->npapers++], SH_STORE_CODE_MAX, "%s",
			 json_string_value(json_array_get(p, i)) ?: "");
	return SH_OK;
}

/* One signed event per paper of the share. */
static int share_events(sh_store *s, MDB_txn *txn, const sh_sign_key *key, const char *type,
			const sh_wh_share *sh, const char *extra_name, const char *extra)
{
	char tag[17], exp[24];
	share_tag(sh->code, tag);
	snprintf(exp, sizeof exp, "%lld", (long long)sh->expires);
	const char *op = sh_wh_operator(s);
	for (size_t i = 0; i < sh->npapers; i++) {
		sh_sign_fact f[5];
		size_t nf = 0;
		f[nf++] = (sh_sign_fact){"share", tag};
		f[nf++] = (sh_sign_fact){"procedure", sh->procedure};
		f[nf++] = (sh_sign_fact){"expires", exp};
		f[nf++] = (sh_sign_fact){"operator", op ? op : "-"};
		if (extra && *extra)
			f[nf++] = (sh_sign_fact){extra_name, extra};
		int rc = ledger_event(s, txn, key, type, sh->papers[i], sh->owner, f, nf, sh_now(),
				      NULL);
		if (rc)
			return rc;
	}
	return SH_OK;
}

struct share_op {
	const sh_sign_key *key;
	sh_wh_share *sh;
	const char *dossier;
	int use;
};

static int share_create_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct share_op *o = arg;
	MDB_dbi dbi;
	int rc = cit_dbi(txn, 1, &dbi);
	if (rc < 0)
		return rc;
	json_t *j = NULL;
	for (int tries = 0; tries < 8; tries++) {
		share_code_new(o->sh->code);
		char key[16];
		key[0] = 's';
		memcpy(key + 1, o->sh->code, 9);
		json_decref(j);
		j = share_json(o->sh);
		rc = put_json(txn, dbi, key, 10, j, MDB_NOOVERWRITE);
		if (rc != SH_EEXISTS)
			break;
	}
	json_decref(j);
	if (rc == SH_EEXISTS)
		rc = sh_error_set(SH_EFULL, "no free share code: try again");
	return rc ? rc : share_events(s, txn, o->key, "share", o->sh, NULL, NULL);
}

int sh_wh_share_create(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		       const char *owner, const char *procedure, const char *const *papers,
		       size_t n, int days, sh_wh_share *out)
{
	memset(out, 0, sizeof *out);
	char norm[16];
	const char *pname;
	const char *const *kinds;
	size_t nk;
	int rc = sh_id_owner_check(NULL, norm, owner);
	if (rc || (rc = sh_wh_citizen_owns(s, norm)))
		return rc;
	if (!procedure || strlen(procedure) >= sizeof out->procedure ||
	    (cat && sh_wh_proc_find(cat, procedure, &pname, &kinds, &nk)))
		return sh_error_set(SH_ENOTFOUND, "no procedure '%.31s' in the catalogue",
				    procedure ? procedure : "");
	if (!n || n > SH_WH_SHARE_PAPERS)
		return sh_error_set(SH_EINVAL, "share 1 to %d papers", SH_WH_SHARE_PAPERS);
	if (days < 1 || days > SH_WH_SHARE_DAYS_MAX)
		return sh_error_set(SH_EINVAL, "a share lasts 1 to %d days", SH_WH_SHARE_DAYS_MAX);
	MDB_txn *txn;
	sh_wh_owner_paper *mine = NULL;
	size_t nm = 0;
	int64_t now = sh_now();
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	rc = owner_papers_txn(s, txn, cat, norm, NULL, now, &mine, &nm);
	mdb_txn_abort(txn);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t j = 0;
		while (j < nm && strcmp(mine[j].code, papers[i] ? papers[i] : ""))
			j++;
		if (j == nm)
			rc = sh_error_set(SH_ENOTFOUND, "no paper %.40s among yours",
					  papers[i] ? papers[i] : "");
		else if (mine[j].validity.status != SH_WH_VALID)
			rc = sh_error_set(SH_EINVAL, "paper %s is %s: it cannot be shared for reuse",
					  mine[j].code,
					  sh_wh_validity_status_name(mine[j].validity.status));
		else if (!wh_kind_reusable(cat, mine[j].kind))
			rc = sh_error_set(SH_EINVAL, "paper %s (%s) is not reused in other "
						     "procedures", mine[j].code, mine[j].kind);
		for (size_t k = 0; !rc && k < out->npapers; k++)
			if (!strcmp(out->papers[k], mine[j].code))
				rc = sh_error_set(SH_EINVAL, "paper %s is named twice", mine[j].code);
		if (!rc)
			snprintf(out->papers[out->npapers++], SH_STORE_CODE_MAX, "%s", mine[j].code);
	}
	sh_wh_owner_papers_free(&mine, nm);
	if (rc) {
		memset(out, 0, sizeof *out);
		return rc;
	}
	snprintf(out->owner, sizeof out->owner, "%s", norm);
	snprintf(out->procedure, sizeof out->procedure, "%s", procedure);
	snprintf(out->by, sizeof out->by, "%s", sh_wh_operator(s) ?: "-");
	out->created = now;
	out->expires = now + (int64_t)days * 86400;
	struct share_op o = {key, out, NULL, 0};
	if ((rc = write_txn(s, share_create_fn, &o)))
		memset(out, 0, sizeof *out);
	return rc;
}

/* Every share, filtered by keep (NULL: all). */
static int share_scan(sh_store *s, int (*keep)(sh_store *, const sh_wh_share *),
		      sh_wh_share **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_dbi dbi;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc = 0;
	if (rc)
		return rc;
	size_t cap = 0;
	if ((rc = cit_dbi(txn, 0, &dbi)) <= 0)
		goto out;
	rc = SH_OK;
	if ((lrc = mdb_cursor_open(txn, dbi, &c))) {
		rc = store_lmdb_err(lrc, "citizen table");
		goto out;
	}
	MDB_val k = {1, "s"}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     lrc == 0 && k.mv_size && ((char *)k.mv_data)[0] == 's';
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		sh_wh_share sh;
		json_t *o = get_json(&v);
		rc = share_from(o, &sh);
		json_decref(o);
		if (rc)
			break;
		if (keep && !keep(s, &sh))
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sh_wh_share *na = sh_realloc(*out, nc * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				break;
			}
			*out = na;
			cap = nc;
		}
		(*out)[(*n)++] = sh;
	}
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int mine_share(sh_store *s, const sh_wh_share *sh)
{
	return sh_wh_citizen_owns(s, sh->owner) == SH_OK;
}

static int cmp_share_newest(const void *a, const void *b)
{
	const sh_wh_share *x = a, *y = b;
	return x->created != y->created ? (x->created < y->created ? 1 : -1)
					: strcmp(x->code, y->code);
}

int sh_wh_share_list(sh_store *s, sh_wh_share **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int rc = sh_wh_citizen(s) ? SH_OK : sh_error_set(SH_EPERM, "only the owner, logged in, "
									"sees their shares");
	if (rc || (rc = share_scan(s, mine_share, out, n)))
		return rc;
	if (*n > 1)
		qsort(*out, *n, sizeof **out, cmp_share_newest);
	return SH_OK;
}

static int share_change_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct share_op *o = arg;
	MDB_dbi dbi;
	int rc = cit_dbi(txn, 1, &dbi);
	if (rc < 0)
		return rc;
	char key[16];
	key[0] = 's';
	memcpy(key + 1, o->sh->code, 9);
	MDB_val k = {10, key}, v;
	int lrc = mdb_get(txn, dbi, &k, &v);
	char code[16];
	snprintf(code, sizeof code, "%s", o->sh->code);
	json_t *j = lrc ? NULL : get_json(&v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no share %s (or it has expired or was revoked)",
				    code);
	if (lrc)
		return store_lmdb_err(lrc, "citizen table");
	rc = share_from(j, o->sh);
	json_decref(j);
	if (rc)
		return rc;
	int64_t now = sh_now();
	if (o->use) {
		if (o->sh->revoked || o->sh->expires <= now)
			return sh_error_set(SH_ENOTFOUND, "no share %s (or it has expired or was "
							  "revoked)", code);
		o->sh->uses++;
	} else {
		if (sh_wh_citizen_owns(s, o->sh->owner))
			return sh_error_set(SH_ENOTFOUND, "no share %s among yours", code);
		if (o->sh->revoked)
			return sh_error_set(SH_EEXISTS, "share %s was already revoked", code);
		o->sh->revoked = now;
	}
	j = share_json(o->sh);
	rc = put_json(txn, dbi, key, 10, j, 0);
	json_decref(j);
	return rc ? rc : share_events(s, txn, o->key, o->use ? "share-use" : "share-revoke", o->sh,
				      "dossier", o->dossier);
}

int sh_wh_share_revoke(sh_store *s, const sh_sign_key *key, const char *code)
{
	sh_wh_share sh;
	memset(&sh, 0, sizeof sh);
	int rc = sh_wh_citizen(s) ? SH_OK : sh_error_set(SH_EPERM, "only the owner revokes a share");
	if (rc)
		return rc;
	if (!share_code_norm(code, sh.code))
		return sh_error_set(SH_EINVAL, "a share code is 8 letters and digits (XXXX-XXXX)");
	struct share_op o = {key, &sh, NULL, 0};
	return write_txn(s, share_change_fn, &o);
}

int sh_wh_share_use(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		    const char *code, const char *dossier, sh_wh_share *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_citizen(s) ? sh_error_set(SH_EPERM, "a share code is used at a desk")
				  : sh_wh_may(s, SH_WH_PERM_REUSE);
	if (rc)
		return rc;
	if (!share_code_norm(code, out->code))
		return sh_error_set(SH_EINVAL, "a share code is 8 letters and digits (XXXX-XXXX)");
	if (dossier && *dossier && sh_id_code_check(NULL, dossier, SH_CODE_DOSSIER))
		return sh_error_set(SH_EINVAL, "%s", sh_error_message());
	struct share_op o = {key, out, dossier, 1};
	if ((rc = write_txn(s, share_change_fn, &o))) {
		if (rc == SH_ENOTFOUND) { /* guessing codes leaves a trace for the auditors */
			char tag[17], msg[512];
			share_tag(out->code, tag);
			snprintf(msg, sizeof msg, "%s", sh_error_message());
			(void)sh_wh_audit_read(s, sh_wh_operator(s), "share-refused", tag, NULL, 0);
			rc = sh_error_set(SH_ENOTFOUND, "%s", msg);
		}
		memset(out, 0, sizeof *out);
		return rc;
	}
	/* offer only what is still valid now */
	MDB_txn *txn;
	sh_wh_owner_paper *ps = NULL;
	size_t np = 0, keep = 0;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	rc = owner_papers_txn(s, txn, cat, out->owner, NULL, sh_now(), &ps, &np);
	mdb_txn_abort(txn);
	for (size_t i = 0; !rc && i < out->npapers; i++)
		for (size_t j = 0; j < np; j++)
			if (!strcmp(ps[j].code, out->papers[i]) &&
			    ps[j].validity.status == SH_WH_VALID) {
				memmove(out->papers[keep++], out->papers[i], SH_STORE_CODE_MAX);
				break;
			}
	sh_wh_owner_papers_free(&ps, np);
	out->npapers = keep;
	const char *codes[SH_WH_SHARE_PAPERS];
	for (size_t i = 0; i < keep; i++)
		codes[i] = out->papers[i];
	if (!rc)
		rc = wh_audit_session(s, codes, keep, dossier && *dossier ? dossier : NULL);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

int sh_wh_share_attach(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		       const char *code, const char *dossier, const char *paper,
		       uint64_t *out_index)
{
	int rc = sh_wh_citizen(s) ? sh_error_set(SH_EPERM, "a share code is used at a desk")
				  : sh_wh_may(s, SH_WH_PERM_REUSE);
	if (rc)
		return rc;
	char norm[16];
	if (!share_code_norm(code, norm))
		return sh_error_set(SH_EINVAL, "a share code is 8 letters and digits (XXXX-XXXX)");
	if (!dossier || sh_id_code_check(NULL, dossier, SH_CODE_DOSSIER) ||
	    !paper || sh_id_code_check(NULL, paper, SH_CODE_PAPER | SH_CODE_RESULT))
		return sh_error_set(SH_EINVAL, "give the dossier being received and the shared paper");
	sh_wh_share *all = NULL;
	size_t n = 0, i = 0;
	if ((rc = share_scan(s, NULL, &all, &n)))
		return rc;
	while (i < n && strcmp(all[i].code, norm))
		i++;
	int ok = i < n && !all[i].revoked && all[i].expires > sh_now();
	size_t j = 0;
	while (ok && j < all[i].npapers && strcmp(all[i].papers[j], paper))
		j++;
	ok = ok && j < all[i].npapers;
	sh_free(all);
	if (!ok)
		return sh_error_set(SH_ENOTFOUND, "paper %.40s is not in a live share %s", paper, norm);
	return wh_attach(s, key, cat, dossier, paper, NULL, 0, out_index);
}

/* ---- corrections ------------------------------------------------------------------ */

static int fact_name_ok(const char *f)
{
	size_t n = f ? strlen(f) : 0;
	if (!n || n > 40)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((f[i] >= 'a' && f[i] <= 'z') || (f[i] >= '0' && f[i] <= '9') || f[i] == '_'))
			return 0;
	return 1;
}

static json_t *corr_json(const sh_wh_correction *c)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:s, s:I, s:I}", "id",
			 (json_int_t)c->id, "paper", c->paper, "owner", c->owner, "fact", c->fact,
			 "value", c->value, "note", c->note, "by", c->by, "created",
			 (json_int_t)c->created, "state", c->state, "clerk", c->clerk, "done",
			 (json_int_t)c->done, "log_index", (json_int_t)c->log_index);
}

static void corr_from(json_t *o, sh_wh_correction *c)
{
	memset(c, 0, sizeof *c);
	c->id = (uint64_t)jint(o, "id");
	jcopy(c->paper, sizeof c->paper, o, "paper");
	jcopy(c->owner, sizeof c->owner, o, "owner");
	jcopy(c->fact, sizeof c->fact, o, "fact");
	jcopy(c->value, sizeof c->value, o, "value");
	jcopy(c->note, sizeof c->note, o, "note");
	jcopy(c->by, sizeof c->by, o, "by");
	jcopy(c->clerk, sizeof c->clerk, o, "clerk");
	c->created = jint(o, "created");
	c->state = (int)jint(o, "state");
	c->done = jint(o, "done");
	c->log_index = (uint64_t)jint(o, "log_index");
}

struct corr_op {
	const sh_wh_correction *in;
	sh_wh_correction *out;
	const sh_sign_key *key;
	const char *value;
	int reject;
	uint64_t id;
};

static int corr_report_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	(void)s;
	struct corr_op *o = arg;
	MDB_dbi dbi;
	MDB_cursor *c;
	int rc = cit_dbi(txn, 1, &dbi), lrc;
	if (rc < 0)
		return rc;
	if ((lrc = mdb_cursor_open(txn, dbi, &c)))
		return store_lmdb_err(lrc, "citizen table");
	/* the next id: one past the last "c" key */
	uint64_t id = 1;
	MDB_val k = {1, "d"}, v; /* the first key after every "c" key */
	lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	lrc = lrc == 0 ? mdb_cursor_get(c, &k, &v, MDB_PREV) : mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (lrc == 0 && k.mv_size == 9 && ((char *)k.mv_data)[0] == 'c')
		id = store_rd64((const uint8_t *)k.mv_data + 1) + 1;
	mdb_cursor_close(c);
	sh_wh_correction rec = *o->in;
	rec.id = id;
	uint8_t key[9];
	key[0] = 'c';
	store_be64(key + 1, id);
	json_t *j = corr_json(&rec);
	rc = put_json(txn, dbi, key, 9, j, MDB_NOOVERWRITE);
	json_decref(j);
	o->id = id;
	return rc;
}

int sh_wh_correction_report(sh_store *s, const char *paper, const char *fact,
			    const char *value, const char *note, uint64_t *out_id)
{
	sh_store_paper_rec *p = NULL;
	if (!fact_name_ok(fact))
		return sh_error_set(SH_EINVAL, "name the fact to correct (1 to 40 of a-z 0-9 _)");
	if (!note || !*note || strlen(note) > 500 || !sh_text_valid(note, strlen(note)))
		return sh_error_set(SH_EINVAL, "say what is wrong in a note (at most 500 bytes)");
	if (value && (strlen(value) > 250 || !sh_text_valid(value, strlen(value))))
		return sh_error_set(SH_EINVAL, "the corrected value is at most 250 bytes of text");
	int rc = sh_wh_citizen(s) ? SH_OK : sh_error_set(SH_EPERM, "the owner reports a correction");
	if (rc || (rc = wh_citizen_paper_get(s, paper, &p)))
		return rc;
	sh_wh_correction in;
	memset(&in, 0, sizeof in);
	snprintf(in.paper, sizeof in.paper, "%s", p->code);
	snprintf(in.owner, sizeof in.owner, "%s", p->owner);
	snprintf(in.fact, sizeof in.fact, "%s", fact);
	snprintf(in.value, sizeof in.value, "%s", value ? value : "");
	snprintf(in.note, sizeof in.note, "%s", note);
	snprintf(in.by, sizeof in.by, "%s", sh_wh_operator(s) ?: "-");
	in.created = sh_now();
	sh_store_paper_rec_free(&p);
	struct corr_op o = {&in, NULL, NULL, NULL, 0, 0};
	rc = write_txn(s, corr_report_fn, &o);
	if (!rc && out_id)
		*out_id = o.id;
	return rc;
}

int sh_wh_correction_list(sh_store *s, int open_only, sh_wh_correction **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int citizen = sh_wh_citizen(s) != NULL;
	int rc = citizen ? SH_OK : sh_wh_may(s, SH_WH_PERM_REVOKE);
	if (rc)
		return rc;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_dbi dbi;
	size_t cap = 0;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	int lrc = 0;
	if ((rc = cit_dbi(txn, 0, &dbi)) <= 0)
		goto out;
	rc = SH_OK;
	if ((lrc = mdb_cursor_open(txn, dbi, &c))) {
		rc = store_lmdb_err(lrc, "citizen table");
		goto out;
	}
	MDB_val k = {1, "c"}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     lrc == 0 && k.mv_size == 9 && ((char *)k.mv_data)[0] == 'c';
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		json_t *o = get_json(&v);
		if (!o) {
			rc = sh_error_set(SH_ECORRUPT, "a stored correction is damaged");
			break;
		}
		sh_wh_correction rec;
		corr_from(o, &rec);
		json_decref(o);
		if ((open_only && rec.state) || (citizen && sh_wh_citizen_owns(s, rec.owner)))
			continue;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sh_wh_correction *na = sh_realloc(*out, nc * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				break;
			}
			*out = na;
			cap = nc;
		}
		(*out)[(*n)++] = rec;
	}
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int corr_apply_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct corr_op *o = arg;
	MDB_dbi dbi;
	int rc = cit_dbi(txn, 1, &dbi);
	if (rc < 0)
		return rc;
	uint8_t key[9];
	key[0] = 'c';
	store_be64(key + 1, o->id);
	MDB_val k = {9, key}, v;
	int lrc = mdb_get(txn, dbi, &k, &v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no correction %llu", (unsigned long long)o->id);
	if (lrc)
		return store_lmdb_err(lrc, "citizen table");
	json_t *j = get_json(&v);
	if (!j)
		return sh_error_set(SH_ECORRUPT, "correction %llu is damaged",
				    (unsigned long long)o->id);
	corr_from(j, o->out);
	json_decref(j);
	if (o->out->state)
		return sh_error_set(SH_EEXISTS, "correction %llu was already %s",
				    (unsigned long long)o->id,
				    o->out->state == 1 ? "applied" : "rejected");
	const char *op = sh_wh_operator(s);
	o->out->state = o->reject ? 2 : 1;
	o->out->done = sh_now();
	snprintf(o->out->clerk, sizeof o->out->clerk, "%s", op ? op : "-");
	if (o->value)
		snprintf(o->out->value, sizeof o->out->value, "%s", o->value);
	if (!o->reject) {
		if (!o->out->value[0])
			return sh_error_set(SH_EINVAL, "give the corrected value (--value)");
		/* the original reading stays in the paper and its manifest: the
		 * event records the new one beside it */
		sh_store_paper_rec *p = NULL;
		if ((rc = sh_store_paper_get(s, o->out->paper, &p)))
			return rc;
		char was[256] = "", id[24];
		json_t *facts = p->facts ? json_loads(p->facts, 0, NULL) : NULL;
		snprintf(was, sizeof was, "%s",
			 json_string_value(json_object_get(facts, o->out->fact)) ?: "");
		json_decref(facts);
		snprintf(id, sizeof id, "%llu", (unsigned long long)o->id);
		sh_sign_fact f[6] = {{"fact", o->out->fact},  {"value", o->out->value},
				     {"was", was},	      {"note", o->out->note},
				     {"operator", op ? op : "-"}, {"report", id}};
		rc = ledger_event(s, txn, o->key, "correction", p->code, p->owner, f, 6,
				  o->out->done, &o->out->log_index);
		sh_store_paper_rec_free(&p);
		if (rc)
			return rc;
	}
	j = corr_json(o->out);
	rc = put_json(txn, dbi, key, 9, j, 0);
	json_decref(j);
	return rc;
}

int sh_wh_correction_apply(sh_store *s, const sh_sign_key *key, uint64_t id, const char *value,
			   int reject, sh_wh_correction *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_citizen(s) ? sh_error_set(SH_EPERM, "a clerk applies corrections")
				  : sh_wh_may(s, SH_WH_PERM_REVOKE);
	if (rc)
		return rc;
	if (value && (strlen(value) > 250 || !sh_text_valid(value, strlen(value))))
		return sh_error_set(SH_EINVAL, "the corrected value is at most 250 bytes of text");
	struct corr_op o = {NULL, out, key, value, reject, id};
	return write_txn(s, corr_apply_fn, &o);
}

/* ---- companies ------------------------------------------------------------------- */

int wh_delegations_of(sh_store *s, const char *person, char (*out)[16], size_t max, size_t *n)
{
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_dbi dbi;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc = 0;
	if (rc)
		return rc;
	if ((rc = cit_dbi(txn, 0, &dbi)) <= 0)
		goto out;
	rc = SH_OK;
	if ((lrc = mdb_cursor_open(txn, dbi, &c))) {
		rc = store_lmdb_err(lrc, "citizen table");
		goto out;
	}
	size_t pl = strlen(person);
	MDB_val k = {1, "d"}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     lrc == 0 && k.mv_size > 1 && ((char *)k.mv_data)[0] == 'd' && *n < max;
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *kd = k.mv_data;
		const char *colon = memchr(kd, ':', k.mv_size);
		if (!colon || (size_t)(kd + k.mv_size - colon - 1) != pl ||
		    memcmp(colon + 1, person, pl) || colon - kd - 1 >= 16 || colon - kd - 1 < 1)
			continue;
		memcpy(out[*n], kd + 1, (size_t)(colon - kd - 1));
		out[*n][colon - kd - 1] = 0;
		(*n)++;
	}
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	return rc;
}

struct dele_op {
	const char *company, *employee;
	int allow;
};

static int dele_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct dele_op *o = arg;
	MDB_dbi dbi;
	int rc = cit_dbi(txn, 1, &dbi);
	if (rc < 0)
		return rc;
	char key[40];
	int kl = snprintf(key, sizeof key, "d%s:%s", o->company, o->employee);
	if (!o->allow) {
		MDB_val k = {(size_t)kl, key};
		int lrc = mdb_del(txn, dbi, &k, NULL);
		if (lrc == MDB_NOTFOUND)
			return sh_error_set(SH_ENOTFOUND, "%s was not authorised", o->employee);
		return lrc ? store_lmdb_err(lrc, "citizen table") : SH_OK;
	}
	json_t *j = json_pack("{s:s, s:I}", "by", sh_wh_operator(s) ?: "-", "created",
			      (json_int_t)sh_now());
	rc = put_json(txn, dbi, key, (size_t)kl, j, MDB_NOOVERWRITE);
	json_decref(j);
	if (rc == SH_EEXISTS)
		rc = sh_error_set(SH_EEXISTS, "%s is already authorised", o->employee);
	return rc;
}

int sh_wh_delegate(sh_store *s, const char *employee, int allow)
{
	const char *co = sh_wh_citizen_company(s);
	int kind = 0;
	char norm[16];
	if (!co)
		return sh_error_set(SH_EPERM, "only a company's representative authorises employees");
	if (sh_id_owner_check(&kind, norm, employee) || kind != SH_OWNER_PERSON)
		return sh_error_set(SH_EINVAL, "an employee is named by a 12-digit personal id");
	if (!strcmp(norm, sh_wh_citizen(s)))
		return sh_error_set(SH_EINVAL, "the representative already sees the company's papers");
	struct dele_op o = {co, norm, allow};
	return write_txn(s, dele_fn, &o);
}

int sh_wh_delegate_list(sh_store *s, char (**out)[16], size_t *n)
{
	*out = NULL;
	*n = 0;
	const char *co = sh_wh_citizen_company(s);
	if (!co)
		return sh_error_set(SH_EPERM, "only a company's representative sees its employees");
	MDB_txn *txn;
	MDB_cursor *c = NULL;
	MDB_dbi dbi;
	size_t cap = 0;
	int rc = store_txn_begin(s, MDB_RDONLY, &txn), lrc = 0;
	if (rc)
		return rc;
	if ((rc = cit_dbi(txn, 0, &dbi)) <= 0)
		goto out;
	rc = SH_OK;
	if ((lrc = mdb_cursor_open(txn, dbi, &c))) {
		rc = store_lmdb_err(lrc, "citizen table");
		goto out;
	}
	char pre[24];
	int pl = snprintf(pre, sizeof pre, "d%s:", co);
	MDB_val k = {(size_t)pl, pre}, v;
	for (lrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     lrc == 0 && k.mv_size > (size_t)pl && !memcmp(k.mv_data, pre, (size_t)pl);
	     lrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char (*na)[16] = sh_realloc(*out, nc * sizeof *na);
			if (!na) {
				rc = SH_ENOMEM;
				break;
			}
			*out = na;
			cap = nc;
		}
		size_t m = k.mv_size - (size_t)pl < 15 ? k.mv_size - (size_t)pl : 15;
		memcpy((*out)[*n], (const char *)k.mv_data + pl, m);
		(*out)[(*n)++][m] = 0;
	}
out:
	if (c)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
