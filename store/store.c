/* The LMDB warehouse: environment, schema, dossier writes, reads, find,
 * check. Schema in docs/ARCHITECTURE.md. */
#include "store_int.h"

#include <errno.h>
#include <stdarg.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAP_INITIAL ((size_t)1 << 30)          /* 1 GiB of address space */
#define MAP_LIMIT ((size_t)1 << 40)            /* grow up to 1 TiB */
#define WORD_MAX 64                            /* bytes of a folded word kept in the index */

struct sh_store {
	MDB_env *env;
	MDB_dbi meta, seq, dossier, paper, blob, word, owner, ikey;
	char *dir;
	char *agency;
	size_t map_limit;
	int rdonly;
};

/* ---- error translation ------------------------------------------------- */

static int lmdb_err(int rc, const char *what)
{
	switch (rc) {
	case MDB_NOTFOUND:
		return sh_error_set(SH_ENOTFOUND, "%s: not found", what);
	case MDB_MAP_FULL:
		return sh_error_set(SH_EFULL, "%s: the warehouse map is full and cannot grow further",
				    what);
	case ENOSPC:
		return sh_error_set(SH_EFULL, "%s: the disk is full: free space and retry "
					      "(nothing of this operation was stored)", what);
	case ENOMEM:
		return sh_error_set(SH_ENOMEM, "%s: out of memory", what);
	case EACCES: case EROFS: case EPERM:
		return sh_error_set(SH_EIO, "%s: permission denied (%s)", what, mdb_strerror(rc));
	case MDB_CORRUPTED: case MDB_PAGE_NOTFOUND: case MDB_INVALID:
		return sh_error_set(SH_ECORRUPT, "%s: the warehouse file is damaged (%s): restore "
						 "from backup", what, mdb_strerror(rc));
	case MDB_VERSION_MISMATCH:
		return sh_error_set(SH_EVERSION, "%s: %s", what, mdb_strerror(rc));
	case MDB_READERS_FULL: case EBUSY:
		return sh_error_set(SH_EBUSY, "%s: %s", what, mdb_strerror(rc));
	default:
		return sh_error_set(SH_EIO, "%s: %s", what, mdb_strerror(rc));
	}
}

/* ---- open / create ------------------------------------------------------ */

static int env_open(sh_store *s, const char *dir, int rdonly)
{
	int rc = mdb_env_create(&s->env);
	if (rc)
		return lmdb_err(rc, "warehouse");
	mdb_env_set_maxdbs(s->env, 16);
	mdb_env_set_maxreaders(s->env, 256);
	size_t map = MAP_INITIAL;
	const char *e = getenv("SOHOA_MAPSIZE"); /* tests: small maps to exercise growth */
	if (e && *e)
		map = (size_t)strtoull(e, NULL, 10);
	s->map_limit = MAP_LIMIT;
	e = getenv("SOHOA_MAPLIMIT");
	if (e && *e)
		s->map_limit = (size_t)strtoull(e, NULL, 10);
	mdb_env_set_mapsize(s->env, map);
	rc = mdb_env_open(s->env, dir, MDB_NOTLS | (rdonly ? MDB_RDONLY : 0), 0660);
	if (rc) {
		int r = rc == ENOENT ? sh_error_set(SH_ENOTFOUND, "%s: no warehouse here", dir)
				     : lmdb_err(rc, dir);
		mdb_env_close(s->env);
		s->env = NULL;
		return r;
	}
	int dead = 0;
	mdb_reader_check(s->env, &dead); /* clear slots of killed processes */
	return SH_OK;
}

static int open_dbis(sh_store *s, MDB_txn *txn, unsigned flags)
{
	struct { const char *name; MDB_dbi *dbi; unsigned f; } t[] = {
		{"meta", &s->meta, 0},       {"seq", &s->seq, 0},
		{"dossier", &s->dossier, 0}, {"paper", &s->paper, 0},
		{"blob", &s->blob, 0},       {"word", &s->word, MDB_DUPSORT},
		{"owner", &s->owner, MDB_DUPSORT},
		{"ikey", &s->ikey, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		int rc = mdb_dbi_open(txn, t[i].name, t[i].f | flags, t[i].dbi);
		if (rc == MDB_NOTFOUND)
			return sh_error_set(SH_ENOTFOUND, "warehouse lacks table '%s': run sohoa init",
					    t[i].name);
		if (rc)
			return lmdb_err(rc, t[i].name);
	}
	return SH_OK;
}

static int put_str(MDB_txn *txn, MDB_dbi dbi, const char *k, const char *v, unsigned flags)
{
	MDB_val key = {strlen(k), (void *)k}, val = {strlen(v), (void *)v};
	return mdb_put(txn, dbi, &key, &val, flags);
}

static int mkdir_p(const char *dir)
{
	char *p = sh_strdup(dir);
	if (!p)
		return SH_ENOMEM;
	for (char *c = p + 1; *c; c++) {
		if (*c == '/') {
			*c = 0;
			if (mkdir(p, 0770) < 0 && errno != EEXIST) {
				int e = errno;
				sh_free(p);
				return sh_error_set(SH_EIO, "%s: cannot create folder: %s", dir,
						    strerror(e));
			}
			*c = '/';
		}
	}
	int rc = SH_OK;
	if (mkdir(p, 0770) < 0 && errno != EEXIST)
		rc = sh_error_set(SH_EIO, "%s: cannot create folder: %s", dir, strerror(errno));
	sh_free(p);
	return rc;
}

int sh_store_create(const char *dir, const char *agency)
{
	int rc = sh_id_agency_check(agency);
	if (rc)
		return rc;
	if ((rc = mkdir_p(dir)))
		return rc;
	char *probe = sh_asprintf("%s/data.mdb", dir);
	if (!probe)
		return SH_ENOMEM;
	struct stat st;
	int exists = stat(probe, &st) == 0 && st.st_size > 0;
	sh_free(probe);
	if (exists)
		return sh_error_set(SH_EEXISTS, "%s already holds a warehouse", dir);
	sh_store s = {0};
	if ((rc = env_open(&s, dir, 0)))
		return rc;
	MDB_txn *txn = NULL;
	int lrc = mdb_txn_begin(s.env, NULL, 0, &txn);
	if (lrc) {
		rc = lmdb_err(lrc, dir);
		goto out;
	}
	if ((rc = open_dbis(&s, txn, MDB_CREATE)))
		goto out;
	char ver[16], now[32];
	snprintf(ver, sizeof ver, "%d", SH_STORE_SCHEMA);
	snprintf(now, sizeof now, "%lld", (long long)sh_now());
	if ((lrc = put_str(txn, s.meta, "schema", ver, MDB_NOOVERWRITE)) ||
	    (lrc = put_str(txn, s.meta, "agency", agency, MDB_NOOVERWRITE)) ||
	    (lrc = put_str(txn, s.meta, "created", now, MDB_NOOVERWRITE))) {
		rc = lrc == MDB_KEYEXIST ? sh_error_set(SH_EEXISTS, "%s already holds a warehouse", dir)
					 : lmdb_err(lrc, dir);
		goto out;
	}
	lrc = mdb_txn_commit(txn);
	txn = NULL;
	if (lrc)
		rc = lmdb_err(lrc, dir);
out:
	if (txn)
		mdb_txn_abort(txn);
	mdb_env_close(s.env);
	return rc;
}

static char *get_meta(MDB_txn *txn, MDB_dbi dbi, const char *k)
{
	MDB_val key = {strlen(k), (void *)k}, val;
	if (mdb_get(txn, dbi, &key, &val))
		return NULL;
	return sh_strndup(val.mv_data, val.mv_size);
}

static int has_meta(MDB_txn *txn, MDB_dbi dbi, const char *k)
{
	MDB_val key = {strlen(k), (void *)k}, val;
	return mdb_get(txn, dbi, &key, &val) == 0;
}

void sh_store_close(sh_store **ps)
{
	sh_store *s = ps ? *ps : NULL;
	if (!s)
		return;
	if (s->env)
		mdb_env_close(s->env);
	sh_free(s->dir);
	sh_free(s->agency);
	sh_free(s);
	*ps = NULL;
}

int sh_store_open(sh_store **out, const char *dir, unsigned flags)
{
	*out = NULL;
	struct stat st;
	char *probe = sh_asprintf("%s/data.mdb", dir);
	if (!probe)
		return SH_ENOMEM;
	int exists = stat(probe, &st) == 0;
	sh_free(probe);
	if (!exists)
		return sh_error_set(SH_ENOTFOUND,
				    "no warehouse at %s: create one with `sohoa init --agency ID`", dir);
	sh_store *s = sh_calloc(1, sizeof *s);
	if (!s)
		return SH_ENOMEM;
	s->rdonly = (flags & SH_STORE_RDONLY) != 0;
	s->dir = sh_strdup(dir);
	int rc = s->dir ? env_open(s, dir, 0) : SH_ENOMEM;
	if (rc)
		goto fail;
	MDB_txn *txn;
	int lrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
	if (lrc) {
		rc = lmdb_err(lrc, dir);
		goto fail;
	}
	rc = open_dbis(s, txn, 0);
	if (rc == SH_ENOTFOUND && has_meta(txn, s->meta, "schema")) {
		/* a table added since this warehouse was made: create it */
		mdb_txn_abort(txn);
		if ((lrc = mdb_txn_begin(s->env, NULL, 0, &txn))) {
			rc = lmdb_err(lrc, dir);
			goto fail;
		}
		rc = open_dbis(s, txn, MDB_CREATE);
	}
	if (!rc) {
		char *ver = get_meta(txn, s->meta, "schema");
		s->agency = get_meta(txn, s->meta, "agency");
		if (!ver || !s->agency)
			rc = sh_error_set(SH_ECORRUPT, "%s: warehouse metadata missing", dir);
		else if (atoi(ver) > SH_STORE_SCHEMA)
			rc = sh_error_set(SH_EVERSION, "%s: warehouse schema %s is newer than this "
						       "sohoa (%d): upgrade sohoa", dir, ver,
					  SH_STORE_SCHEMA);
		sh_free(ver);
	}
	/* dbi handles opened in a read txn stay valid once it commits */
	if (rc)
		mdb_txn_abort(txn);
	else if ((lrc = mdb_txn_commit(txn)))
		rc = lmdb_err(lrc, dir);
	if (rc)
		goto fail;
	*out = s;
	return SH_OK;
fail:
	sh_store_close(&s);
	return rc;
}

const char *sh_store_agency(const sh_store *s) { return s->agency; }
const char *sh_store_dir(const sh_store *s) { return s->dir; }

/* ---- transactions with map growth --------------------------------------- */

static int txn_begin(sh_store *s, unsigned flags, MDB_txn **txn)
{
	if (!flags && s->rdonly)
		return sh_error_set(SH_EPERM, "warehouse opened read-only");
	int rc = mdb_txn_begin(s->env, NULL, flags, txn);
	if (rc == MDB_MAP_RESIZED) { /* another process grew the map */
		mdb_env_set_mapsize(s->env, 0);
		rc = mdb_txn_begin(s->env, NULL, flags, txn);
	}
	return rc ? lmdb_err(rc, "warehouse") : SH_OK;
}

/* After MDB_MAP_FULL: double the map if allowed. Must be called with no
 * transaction open in this process. */
static int grow_map(sh_store *s)
{
	MDB_envinfo info;
	mdb_env_info(s->env, &info);
	size_t cur = info.me_mapsize;
	if (cur >= s->map_limit)
		return sh_error_set(SH_EFULL, "the warehouse is full (%zu MiB map, limit %zu MiB): "
					      "nothing of this operation was stored",
				    cur >> 20, s->map_limit >> 20);
	size_t next = cur * 2 > s->map_limit ? s->map_limit : cur * 2;
	int rc = mdb_env_set_mapsize(s->env, next);
	return rc ? lmdb_err(rc, "growing the warehouse map") : SH_OK;
}

/* ---- dossier write ------------------------------------------------------ */

typedef struct page_prep {
	uint8_t sha[SH_SHA256_LEN];
	uint8_t hocr_sha[SH_SHA256_LEN];
	char *text; /* NFC */
} page_prep;

static int check_code_part(const char *what, const char *v, size_t max, const char *allowed_punct)
{
	if (!v || !*v)
		return sh_error_set(SH_EINVAL, "%s is empty", what);
	size_t n = strlen(v);
	if (n > max)
		return sh_error_set(SH_EINVAL, "%s '%.20s...' is longer than %zu characters", what, v,
				    max);
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (allowed_punct && c && strchr(allowed_punct, c))))
			return sh_error_set(SH_EINVAL, "%s '%s': character '%c' not allowed", what, v,
					    c);
	}
	return SH_OK;
}

static int word_put(void *arg, const char *w, size_t n);

struct word_ctx {
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val code;
	int lrc;
};

static int word_put(void *arg, const char *w, size_t n)
{
	struct word_ctx *c = arg;
	if (n > WORD_MAX)
		n = WORD_MAX;
	MDB_val key = {n, (void *)w};
	int rc = mdb_put(c->txn, c->dbi, &key, &c->code, MDB_NODUPDATA);
	if (rc && rc != MDB_KEYEXIST) {
		c->lrc = rc;
		return 1;
	}
	return 0;
}

static int index_text(MDB_txn *txn, MDB_dbi dbi, const char *code, const char *text, int *lrc)
{
	char *folded = NULL;
	int rc = sh_text_fold(&folded, text, strlen(text));
	if (rc)
		return rc;
	struct word_ctx c = {txn, dbi, {strlen(code), (void *)code}, 0};
	sh_text_words(folded, strlen(folded), word_put, &c);
	sh_free(folded);
	*lrc = c.lrc;
	return SH_OK;
}

void sh_dossier_codes_free(sh_dossier_codes **pc)
{
	sh_dossier_codes *c = pc ? *pc : NULL;
	if (!c)
		return;
	sh_free(c->papers);
	sh_free(c);
	*pc = NULL;
}

/* The codes of a dossier stored earlier under the same idempotency key. */
static int existing_codes(MDB_txn *txn, sh_store *s, MDB_val code, sh_dossier_codes *codes)
{
	MDB_val v;
	int lrc = mdb_get(txn, s->dossier, &code, &v);
	if (lrc)
		return lmdb_err(lrc, "dossier of an idempotency key");
	sh_dossier_rec *d = NULL;
	int rc = store_decode_dossier(v.mv_data, v.mv_size, &d);
	if (rc)
		return rc;
	snprintf(codes->dossier, sizeof codes->dossier, "%s", d->code);
	size_t n = d->npapers < codes->npapers ? d->npapers : codes->npapers;
	for (size_t i = 0; i < n; i++)
		snprintf(codes->papers[i], SH_CODE_MAX, "%s", d->papers[i]);
	codes->npapers = n;
	codes->existing = 1;
	sh_dossier_rec_free(&d);
	return SH_OK;
}

/* One attempt at the write transaction. Returns SH_OK, an sh_error, or
 * a positive LMDB code when the map is full (caller grows and retries). */
static int put_attempt(sh_store *s, const sh_dossier_in *in, page_prep **prep,
		       const char *owner, sh_dossier_codes *codes)
{
	MDB_txn *txn = NULL;
	int rc = txn_begin(s, 0, &txn), lrc = 0;
	rec_w w = {0}, dw = {0};
	if (rc)
		return rc;

	if (in->idem_key) {
		MDB_val ik = {strlen(in->idem_key), (void *)in->idem_key}, iv;
		lrc = mdb_get(txn, s->ikey, &ik, &iv);
		if (lrc == 0) {
			rc = existing_codes(txn, s, iv, codes);
			mdb_txn_abort(txn);
			return rc;
		}
		if (lrc != MDB_NOTFOUND)
			goto lmdb_fail;
		lrc = 0;
	}

	int64_t t = in->received ? in->received : sh_now();
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	char day[8];
	snprintf(day, sizeof day, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);

	/* the day's sequence, allocated in this transaction */
	char seqkey[64];
	snprintf(seqkey, sizeof seqkey, "D|%s|%s", s->agency, day);
	MDB_val k = {strlen(seqkey), seqkey}, v;
	unsigned seq = 0;
	lrc = mdb_get(txn, s->seq, &k, &v);
	if (lrc == 0 && v.mv_size == 4) {
		const uint8_t *b = v.mv_data;
		seq = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
	} else if (lrc && lrc != MDB_NOTFOUND) {
		goto lmdb_fail;
	}
	lrc = 0;
	for (;;) {
		if (++seq > SH_SEQ_MAX) {
			rc = sh_error_set(SH_EFULL, "agency %s has received %d dossiers on %s: the "
						    "day's 4-digit sequence is exhausted",
					  s->agency, SH_SEQ_MAX, day);
			goto out;
		}
		snprintf(codes->dossier, sizeof codes->dossier, "%s-%s-%04u", s->agency, day, seq);
		MDB_val dk = {strlen(codes->dossier), codes->dossier};
		lrc = mdb_get(txn, s->dossier, &dk, &v);
		if (lrc == MDB_NOTFOUND)
			break;
		if (lrc)
			goto lmdb_fail;
		/* a code taken (e.g. restored data): never reuse it, move on */
	}
	lrc = 0;
	uint8_t seqb[4] = {(uint8_t)(seq >> 24), (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
			   (uint8_t)seq};
	v.mv_size = 4;
	v.mv_data = seqb;
	if ((lrc = mdb_put(txn, s->seq, &k, &v, 0)))
		goto lmdb_fail;

	rec_begin(&dw, REC_DOSSIER);
	rec_str(&dw, D_CODE, codes->dossier);
	rec_str(&dw, D_AGENCY, s->agency);
	rec_str(&dw, D_OWNER, owner);
	rec_str(&dw, D_PROCEDURE, in->procedure);
	rec_i64(&dw, D_RECEIVED, t);
	rec_str(&dw, D_OPERATOR, in->operator_id);

	for (size_t i = 0; i < in->npapers; i++) {
		const sh_paper_in *p = &in->papers[i];
		const char *kind = p->kind ? p->kind : "TL";
		snprintf(codes->papers[i], SH_CODE_MAX, "%s-%02zu-%s", codes->dossier, i + 1, kind);
		rec_str(&dw, D_PAPER, codes->papers[i]);

		rec_begin(&w, REC_PAPER);
		rec_str(&w, P_CODE, codes->papers[i]);
		rec_str(&w, P_DOSSIER, codes->dossier);
		rec_str(&w, P_OWNER, owner);
		rec_str(&w, P_FILE, p->file);
		rec_str(&w, P_KIND, kind);
		rec_str(&w, P_FACTS, p->facts);
		rec_u64(&w, P_FLAGS, p->flags);
		rec_i64(&w, P_CREATED, t);
		for (size_t j = 0; j < p->npages; j++) {
			const sh_page_in *pg = &p->pages[j];
			page_prep *pp = &prep[i][j];
			rec_w gw;
			rec_begin(&gw, REC_PAGE);
			rec_bytes(&gw, G_IMAGE, pp->sha, SH_SHA256_LEN);
			rec_str(&gw, G_MIME, pg->mime);
			rec_u64(&gw, G_IMAGE_LEN, pg->image_len);
			rec_str(&gw, G_TEXT, pp->text);
			if (pg->hocr)
				rec_bytes(&gw, G_HOCR, pp->hocr_sha, SH_SHA256_LEN);
			rec_u64(&gw, G_WIDTH, (uint64_t)(pg->width > 0 ? pg->width : 0));
			rec_u64(&gw, G_HEIGHT, (uint64_t)(pg->height > 0 ? pg->height : 0));
			rec_u64(&gw, G_DPI, (uint64_t)(pg->dpi > 0 ? pg->dpi : 0));
			rec_u64(&gw, G_ROTATION, (uint64_t)((pg->rotation % 360 + 360) % 360));
			rec_f32(&gw, G_CONF, pg->confidence);
			rec_u64(&gw, G_FLAGS, pg->flags);
			rec_str(&gw, G_NOTE, pg->note);
			rec_str(&gw, G_MAKE, pg->make && *pg->make ? pg->make : NULL);
			rec_str(&gw, G_MODEL, pg->model && *pg->model ? pg->model : NULL);
			if (gw.err) {
				rc = gw.err;
				sh_buf_free(&gw.b);
				goto out;
			}
			rec_bytes(&w, P_PAGE, gw.b.data, gw.b.len);
			sh_buf_free(&gw.b);

			/* content-addressed: stored once however often it appears */
			MDB_val bk = {SH_SHA256_LEN, pp->sha}, bv = {pg->image_len, (void *)pg->image};
			lrc = mdb_put(txn, s->blob, &bk, &bv, MDB_NOOVERWRITE);
			if (lrc && lrc != MDB_KEYEXIST)
				goto lmdb_fail;
			if (pg->hocr) {
				MDB_val hk = {SH_SHA256_LEN, pp->hocr_sha},
					hv = {strlen(pg->hocr), (void *)pg->hocr};
				lrc = mdb_put(txn, s->blob, &hk, &hv, MDB_NOOVERWRITE);
				if (lrc && lrc != MDB_KEYEXIST)
					goto lmdb_fail;
			}
			lrc = 0;
			if ((rc = index_text(txn, s->word, codes->papers[i], pp->text, &lrc)))
				goto out;
			if (lrc)
				goto lmdb_fail;
		}
		if (w.err) {
			rc = w.err;
			goto out;
		}
		MDB_val pk = {strlen(codes->papers[i]), codes->papers[i]},
			pv = {w.b.len, w.b.data};
		if ((lrc = mdb_put(txn, s->paper, &pk, &pv, MDB_NOOVERWRITE)))
			goto lmdb_fail;
		sh_buf_free(&w.b);
		MDB_val ok = {strlen(owner), (void *)owner};
		if ((lrc = mdb_put(txn, s->owner, &ok, &pk, MDB_NODUPDATA)))
			goto lmdb_fail;
	}
	if (dw.err) {
		rc = dw.err;
		sh_buf_free(&dw.b);
		goto out;
	}
	MDB_val dk = {strlen(codes->dossier), codes->dossier}, dv = {dw.b.len, dw.b.data};
	lrc = mdb_put(txn, s->dossier, &dk, &dv, MDB_NOOVERWRITE);
	sh_buf_free(&dw.b);
	if (lrc)
		goto lmdb_fail;
	if (in->idem_key) {
		MDB_val ik = {strlen(in->idem_key), (void *)in->idem_key};
		if ((lrc = mdb_put(txn, s->ikey, &ik, &dk, MDB_NOOVERWRITE)))
			goto lmdb_fail;
	}
	lrc = mdb_txn_commit(txn);
	txn = NULL;
	if (lrc)
		goto lmdb_fail;
	return SH_OK;

lmdb_fail:
	if (lrc == MDB_MAP_FULL)
		rc = MDB_MAP_FULL;
	else
		rc = lmdb_err(lrc, "storing the dossier");
out:
	sh_buf_free(&w.b);
	sh_buf_free(&dw.b);
	if (txn)
		mdb_txn_abort(txn);
	return rc;
}

int sh_store_dossier_put(sh_store *s, const sh_dossier_in *in, sh_dossier_codes **out)
{
	*out = NULL;
	char owner[16];
	int rc = sh_id_owner_check(NULL, owner, in->owner);
	if (rc)
		return rc;
	if ((rc = check_code_part("procedure code", in->procedure, 40, ".-_")))
		return rc;
	if (in->npapers == 0)
		return sh_error_set(SH_EINVAL, "a dossier needs at least one paper");
	if (in->npapers > 999)
		return sh_error_set(SH_ELIMIT, "a dossier holds at most 999 papers");
	for (size_t i = 0; i < in->npapers; i++) {
		const sh_paper_in *p = &in->papers[i];
		if (p->kind && (rc = check_code_part("kind code", p->kind, 12, NULL)))
			return rc;
		if (p->npages == 0)
			return sh_error_set(SH_EINVAL, "paper %zu (%s) has no pages", i + 1,
					    p->file ? p->file : "?");
		if (p->file && !sh_text_valid(p->file, strlen(p->file)))
			return sh_error_set(SH_EINVAL, "paper %zu: file name is not valid UTF-8", i + 1);
		if (p->facts && !sh_text_valid(p->facts, strlen(p->facts)))
			return sh_error_set(SH_EINVAL, "paper %zu: facts are not valid UTF-8", i + 1);
		for (size_t j = 0; j < p->npages; j++)
			if (!p->pages[j].image || !p->pages[j].image_len || !p->pages[j].mime)
				return sh_error_set(SH_EINVAL, "paper %zu page %zu has no image", i + 1,
						    j + 1);
	}

	sh_dossier_codes *codes = sh_calloc(1, sizeof *codes);
	page_prep **prep = sh_calloc(in->npapers, sizeof *prep);
	if (!codes || !prep) {
		rc = SH_ENOMEM;
		goto out;
	}
	codes->npapers = in->npapers;
	codes->papers = sh_calloc(in->npapers, sizeof *codes->papers);
	if (!codes->papers) {
		rc = SH_ENOMEM;
		goto out;
	}
	/* hashing and normalisation outside the write lock */
	for (size_t i = 0; i < in->npapers; i++) {
		const sh_paper_in *p = &in->papers[i];
		prep[i] = sh_calloc(p->npages, sizeof **prep);
		if (!prep[i]) {
			rc = SH_ENOMEM;
			goto out;
		}
		for (size_t j = 0; j < p->npages; j++) {
			const sh_page_in *pg = &p->pages[j];
			sh_sha256(prep[i][j].sha, pg->image, pg->image_len);
			if (pg->hocr)
				sh_sha256(prep[i][j].hocr_sha, pg->hocr, strlen(pg->hocr));
			const char *t = pg->text ? pg->text : "";
			if ((rc = sh_text_nfc(&prep[i][j].text, t, strlen(t)))) {
				sh_error_wrap(rc, "paper %zu page %zu: ", i + 1, j + 1);
				goto out;
			}
		}
	}
	for (;;) {
		rc = put_attempt(s, in, prep, owner, codes);
		if (rc != MDB_MAP_FULL)
			break;
		if ((rc = grow_map(s)))
			break;
	}
out:
	if (prep) {
		for (size_t i = 0; i < in->npapers; i++) {
			if (!prep[i])
				continue;
			for (size_t j = 0; j < in->papers[i].npages; j++)
				sh_free(prep[i][j].text);
			sh_free(prep[i]);
		}
		sh_free(prep);
	}
	if (rc) {
		sh_dossier_codes_free(&codes);
		return rc;
	}
	*out = codes;
	return SH_OK;
}

/* ---- reads -------------------------------------------------------------- */

static int get_rec(sh_store *s, MDB_dbi dbi, const char *code, const char *what,
		   int (*decode)(const void *, size_t, void *), void *out)
{
	MDB_txn *txn;
	int rc = txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	MDB_val k = {strlen(code), (void *)code}, v;
	int lrc = mdb_get(txn, dbi, &k, &v);
	if (lrc == MDB_NOTFOUND)
		rc = sh_error_set(SH_ENOTFOUND, "no %s with code %s", what, code);
	else if (lrc)
		rc = lmdb_err(lrc, code);
	else if ((rc = decode(v.mv_data, v.mv_size, out)))
		sh_error_wrap(rc, "%s %s: ", what, code);
	mdb_txn_abort(txn);
	return rc;
}

int sh_store_dossier_get(sh_store *s, const char *code, sh_dossier_rec **out)
{
	*out = NULL;
	return get_rec(s, s->dossier, code, "dossier",
		       (int (*)(const void *, size_t, void *))store_decode_dossier, out);
}

int sh_store_paper_get(sh_store *s, const char *code, sh_paper_rec **out)
{
	*out = NULL;
	return get_rec(s, s->paper, code, "paper",
		       (int (*)(const void *, size_t, void *))store_decode_paper, out);
}

int sh_store_blob_get(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
		      size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	MDB_txn *txn;
	int rc = txn_begin(s, MDB_RDONLY, &txn);
	if (rc)
		return rc;
	MDB_val k = {SH_SHA256_LEN, (void *)sha}, v;
	int lrc = mdb_get(txn, s->blob, &k, &v);
	if (lrc) {
		char hex[65];
		sh_hex(hex, sha, SH_SHA256_LEN);
		rc = lrc == MDB_NOTFOUND ? sh_error_set(SH_ENOTFOUND, "no blob %s", hex)
					 : lmdb_err(lrc, hex);
	} else {
		*out = sh_malloc(v.mv_size + 1);
		if (!*out) {
			rc = SH_ENOMEM;
		} else {
			memcpy(*out, v.mv_data, v.mv_size);
			(*out)[v.mv_size] = 0;
			*out_len = v.mv_size;
		}
	}
	mdb_txn_abort(txn);
	return rc;
}

/* ---- find --------------------------------------------------------------- */

/* Is (key, val) present in a DUPSORT table? */
static int has_pair_val(MDB_txn *txn, MDB_dbi dbi, const char *key, MDB_val *val)
{
	MDB_cursor *c;
	if (mdb_cursor_open(txn, dbi, &c))
		return 0;
	MDB_val k = {strlen(key), (void *)key}, v = *val;
	int ok = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH) == 0;
	mdb_cursor_close(c);
	return ok;
}


struct qwords {
	char **w;
	size_t n, cap;
	int err;
};

static int collect_word(void *arg, const char *w, size_t n)
{
	struct qwords *q = arg;
	if (n > WORD_MAX)
		n = WORD_MAX;
	for (size_t i = 0; i < q->n; i++)
		if (strlen(q->w[i]) == n && !memcmp(q->w[i], w, n))
			return 0;
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 8;
		char **nw = sh_realloc(q->w, nc * sizeof *nw);
		if (!nw) {
			q->err = SH_ENOMEM;
			return 1;
		}
		q->w = nw;
		q->cap = nc;
	}
	if (!(q->w[q->n] = sh_strndup(w, n))) {
		q->err = SH_ENOMEM;
		return 1;
	}
	q->n++;
	return 0;
}

static void qwords_free(struct qwords *q)
{
	for (size_t i = 0; i < q->n; i++)
		sh_free(q->w[i]);
	sh_free(q->w);
}

static int cmp_hit(const void *a, const void *b)
{
	const sh_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(y->code, x->code); /* newer codes first */
}

/* Exact-form bonus: how many of the query's own (lower-cased, accented)
 * words occur in the paper's lower-cased text. */
static double exact_score(MDB_txn *txn, sh_store *s, const char *code, const struct qwords *lw)
{
	MDB_val k = {strlen(code), (void *)code}, v;
	if (mdb_get(txn, s->paper, &k, &v))
		return 0;
	sh_paper_rec *p = NULL;
	if (store_decode_paper(v.mv_data, v.mv_size, &p))
		return 0;
	double score = 0;
	for (size_t i = 0; i < p->npages; i++) {
		char *low = NULL;
		if (sh_text_lower(&low, p->pages[i].text, strlen(p->pages[i].text)))
			continue;
		for (size_t j = 0; j < lw->n; j++)
			for (const char *q = low; (q = strstr(q, lw->w[j])); q += strlen(lw->w[j]))
				score += 1.0;
		sh_free(low);
	}
	sh_paper_rec_free(&p);
	return score;
}

int sh_store_find(sh_store *s, const char *query, size_t limit, sh_hit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char *folded = NULL, *lower = NULL;
	struct qwords q = {0}, lw = {0};
	sh_hit *hits = NULL;
	size_t nh = 0, cap = 0;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	int rc = sh_text_fold(&folded, query, strlen(query));
	if (!rc)
		rc = sh_text_lower(&lower, query, strlen(query));
	if (rc)
		goto out;
	sh_text_words(folded, strlen(folded), collect_word, &q);
	sh_text_words(lower, strlen(lower), collect_word, &lw);
	if ((rc = q.err ? q.err : lw.err))
		goto out;
	if (q.n == 0) {
		rc = sh_error_set(SH_EINVAL, "the search has no words");
		goto out;
	}
	if ((rc = txn_begin(s, MDB_RDONLY, &txn)))
		goto out;
	int lrc = mdb_cursor_open(txn, s->word, &cur);
	if (lrc) {
		rc = lmdb_err(lrc, "search");
		goto out;
	}
	MDB_val k = {strlen(q.w[0]), q.w[0]}, v;
	for (lrc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY); lrc == 0;
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
		if (v.mv_size >= SH_CODE_MAX)
			continue;
		int all = 1;
		for (size_t i = 1; i < q.n && all; i++)
			all = has_pair_val(txn, s->word, q.w[i], &v);
		if (!all)
			continue;
		if (nh == cap) {
			size_t nc = cap ? cap * 2 : 16;
			sh_hit *nhits = sh_realloc(hits, nc * sizeof *nhits);
			if (!nhits) {
				rc = SH_ENOMEM;
				goto out;
			}
			hits = nhits;
			cap = nc;
		}
		memcpy(hits[nh].code, v.mv_data, v.mv_size);
		hits[nh].code[v.mv_size] = 0;
		hits[nh].score = 0;
		nh++;
	}
	if (lrc != MDB_NOTFOUND && lrc != 0) {
		rc = lmdb_err(lrc, "search");
		goto out;
	}
	for (size_t i = 0; i < nh; i++)
		hits[i].score = (double)q.n + exact_score(txn, s, hits[i].code, &lw);
	qsort(hits, nh, sizeof *hits, cmp_hit);
	if (limit && nh > limit)
		nh = limit;
	*out = hits;
	*n = nh;
	hits = NULL;
out:
	if (cur)
		mdb_cursor_close(cur);
	if (txn)
		mdb_txn_abort(txn);
	sh_free(hits);
	sh_free(folded);
	sh_free(lower);
	qwords_free(&q);
	qwords_free(&lw);
	return rc;
}

/* ---- check -------------------------------------------------------------- */

struct checker {
	void (*report)(void *, const char *);
	void *arg;
	size_t problems;
};

static void problem(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct checker *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->report)
		c->report(c->arg, buf);
}

static int has_pair(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t klen, const char *val)
{
	MDB_cursor *c;
	if (mdb_cursor_open(txn, dbi, &c))
		return 0;
	MDB_val k = {klen, (void *)key}, v = {strlen(val), (void *)val};
	int ok = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH) == 0;
	mdb_cursor_close(c);
	return ok;
}

struct idx_check {
	MDB_txn *txn;
	MDB_dbi dbi;
	const char *code;
	struct checker *c;
	int missing;
};

static int idx_word(void *arg, const char *w, size_t n)
{
	struct idx_check *x = arg;
	if (n > WORD_MAX)
		n = WORD_MAX;
	if (!x->missing && !has_pair(x->txn, x->dbi, w, n, x->code)) {
		x->missing = 1;
		problem(x->c, "paper %s: word '%.*s' missing from the search index", x->code, (int)n,
			w);
	}
	return 0;
}

int sh_store_check(sh_store *s, void (*report)(void *, const char *), void *arg,
		   size_t *out_problems)
{
	struct checker c = {report, arg, 0};
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int rc = txn_begin(s, MDB_RDONLY, &txn), lrc;
	if (rc)
		return rc;

	/* dossiers: decode, and every listed paper exists and points back */
	if ((lrc = mdb_cursor_open(txn, s->dossier, &cur)))
		goto lfail;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		sh_dossier_rec *d = NULL;
		if (store_decode_dossier(v.mv_data, v.mv_size, &d)) {
			problem(&c, "dossier %.*s: record cannot be decoded: %s", (int)k.mv_size,
				(char *)k.mv_data, sh_error_message());
			continue;
		}
		if (strlen(d->code) != k.mv_size || memcmp(d->code, k.mv_data, k.mv_size))
			problem(&c, "dossier %.*s: record names itself %s", (int)k.mv_size,
				(char *)k.mv_data, d->code);
		for (size_t i = 0; i < d->npapers; i++) {
			MDB_val pk = {strlen(d->papers[i]), d->papers[i]}, pv;
			if (mdb_get(txn, s->paper, &pk, &pv))
				problem(&c, "dossier %s: paper %s is missing", d->code, d->papers[i]);
		}
		sh_dossier_rec_free(&d);
	}
	mdb_cursor_close(cur);
	cur = NULL;

	/* papers: decode, dossier exists, blobs exist, indexed by owner and words */
	if ((lrc = mdb_cursor_open(txn, s->paper, &cur)))
		goto lfail;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		sh_paper_rec *p = NULL;
		if (store_decode_paper(v.mv_data, v.mv_size, &p)) {
			problem(&c, "paper %.*s: record cannot be decoded: %s", (int)k.mv_size,
				(char *)k.mv_data, sh_error_message());
			continue;
		}
		MDB_val dk = {strlen(p->dossier), p->dossier}, dv;
		if (mdb_get(txn, s->dossier, &dk, &dv))
			problem(&c, "paper %s: its dossier %s is missing", p->code, p->dossier);
		if (!has_pair(txn, s->owner, p->owner, strlen(p->owner), p->code))
			problem(&c, "paper %s: not in the owner index under %s", p->code, p->owner);
		for (size_t i = 0; i < p->npages; i++) {
			MDB_val bk = {SH_SHA256_LEN, p->pages[i].image_sha}, bv;
			char hex[65];
			sh_hex(hex, p->pages[i].image_sha, SH_SHA256_LEN);
			if (mdb_get(txn, s->blob, &bk, &bv))
				problem(&c, "paper %s page %zu: image %s is missing", p->code, i + 1,
					hex);
			else if (bv.mv_size != p->pages[i].image_len)
				problem(&c, "paper %s page %zu: image %s has %zu bytes, record says %zu",
					p->code, i + 1, hex, bv.mv_size, p->pages[i].image_len);
			if (p->pages[i].has_hocr) {
				MDB_val hk = {SH_SHA256_LEN, p->pages[i].hocr_sha};
				if (mdb_get(txn, s->blob, &hk, &bv))
					problem(&c, "paper %s page %zu: hOCR is missing", p->code, i + 1);
			}
			char *folded = NULL;
			if (!sh_text_fold(&folded, p->pages[i].text, strlen(p->pages[i].text))) {
				struct idx_check x = {txn, s->word, p->code, &c, 0};
				sh_text_words(folded, strlen(folded), idx_word, &x);
				sh_free(folded);
			}
		}
		sh_paper_rec_free(&p);
	}
	mdb_cursor_close(cur);
	cur = NULL;

	/* index entries point at existing papers */
	MDB_dbi idx[2] = {s->word, s->owner};
	const char *idxname[2] = {"search", "owner"};
	for (int t = 0; t < 2; t++) {
		if ((lrc = mdb_cursor_open(txn, idx[t], &cur)))
			goto lfail;
		while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
			MDB_val pv;
			if (mdb_get(txn, s->paper, &v, &pv))
				problem(&c, "%s index: '%.*s' points at missing paper %.*s", idxname[t],
					(int)k.mv_size, (char *)k.mv_data, (int)v.mv_size,
					(char *)v.mv_data);
		}
		mdb_cursor_close(cur);
		cur = NULL;
	}

	/* blobs match their hashes */
	if ((lrc = mdb_cursor_open(txn, s->blob, &cur)))
		goto lfail;
	while ((lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		uint8_t h[SH_SHA256_LEN];
		char hex[65];
		if (k.mv_size != SH_SHA256_LEN) {
			problem(&c, "blob with a %zu-byte key (expected 32)", k.mv_size);
			continue;
		}
		sh_sha256(h, v.mv_data, v.mv_size);
		if (memcmp(h, k.mv_data, SH_SHA256_LEN)) {
			sh_hex(hex, k.mv_data, SH_SHA256_LEN);
			problem(&c, "blob %s: content does not match its SHA-256 (damaged)", hex);
		}
	}
	mdb_cursor_close(cur);
	cur = NULL;
	mdb_txn_abort(txn);
	if (out_problems)
		*out_problems = c.problems;
	if (c.problems)
		return sh_error_set(SH_ECORRUPT, "%zu problem%s found in the warehouse", c.problems,
				    c.problems == 1 ? "" : "s");
	return SH_OK;
lfail:
	if (lrc == MDB_NOTFOUND) {
		if (cur)
			mdb_cursor_close(cur);
		mdb_txn_abort(txn);
		return SH_ERROR;
	}
	rc = lmdb_err(lrc, "checking the warehouse");
	if (cur)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}
