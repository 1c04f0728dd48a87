/* Fault tests of store/: allocation failure injected at every allocation
 * of an operation in turn, write failures (disk full on a small tmpfs,
 * file size limit), map full and map growth, concurrent writer and reader
 * processes, reader slots of killed processes. Each failure must give a
 * clean error, leak nothing and leave the warehouse as it was.
 * Run one with `ctest -R faults.<name>` or `test_store_faults <name>`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sh_sign.h"

#include <errno.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "helpers.h"
#include "store_int.h"

typedef struct fixture {
	char *dir;
	sh_store *s;
} fixture;

static int setup(void **state)
{
	setenv("TZ", "ICT-7", 1);
	tzset();
	unsetenv("SOHOA_MAPSIZE");
	unsetenv("SOHOA_MAPLIMIT");
	sh_alloc_fail_at(0, 0);
	fixture *f = calloc(1, sizeof *f);
	f->dir = tmp_dir("faults");
	if (sh_store_create(f->dir, AGENCY) || sh_store_open(&f->s, f->dir, 0)) {
		fprintf(stderr, "setup: %s\n", sh_error_message());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	sh_alloc_fail_at(0, 0);
	sh_store_close(&f->s);
	rm_rf(f->dir);
	free(f->dir);
	free(f);
	unsetenv("SOHOA_MAPSIZE");
	unsetenv("SOHOA_MAPLIMIT");
	return 0;
}

static int put_fake(sh_store *s, const char *owner, size_t npapers, size_t npages, unsigned seed,
		    size_t len, const char *text, int64_t when, char *code)
{
	fake_dossier fd;
	sh_wh_dossier_codes *c = NULL;
	fake_init(&fd, owner, npapers, npages, seed, len, text, when);
	int rc = sh_wh_dossier_put(s, &fd.in, &c);
	if (!rc) {
		if (code)
			strcpy(code, c->dossier);
		sh_wh_dossier_codes_free(&c);
	} else if (c) {
		fail_msg("put failed but returned codes");
	}
	fake_free(&fd);
	return rc;
}

static void problems_to_stderr(void *arg, const char *p)
{
	(void)arg;
	fprintf(stderr, "  check: %s\n", p);
}

static void assert_check_ok(sh_store *s)
{
	size_t n = 99;
	int rc = sh_wh_check(s, problems_to_stderr, NULL, &n);
	if (rc)
		fail_msg("check: %s: %s", sh_error_name(rc), sh_error_message());
	assert_int_equal(n, 0);
}

/* Is dossier code present and whole (record and every paper decode, every
 * page's image present with its recorded length)? */
static int dossier_whole(sh_store *s, const char *code)
{
	sh_store_dossier_rec *d = NULL;
	int rc = sh_store_dossier_get(s, code, &d);
	if (rc)
		return rc;
	for (size_t i = 0; i < d->npapers && !rc; i++) {
		sh_store_paper_rec *p = NULL;
		if ((rc = sh_store_paper_get(s, d->papers[i], &p)))
			break;
		if (strcmp(p->dossier, code))
			rc = SH_ECORRUPT;
		for (size_t j = 0; j < p->npages && !rc; j++) {
			uint8_t *b = NULL;
			size_t n = 0;
			rc = sh_store_blob_get(s, p->pages[j].image_sha, &b, &n);
			if (!rc && n != p->pages[j].image_len)
				rc = SH_ECORRUPT;
			sh_free(b);
		}
		sh_store_paper_rec_free(&p);
	}
	sh_store_dossier_rec_free(&d);
	return rc;
}

static void code_of(char *out, int64_t day, unsigned seq)
{
	char ymd[8];
	time_t t = (time_t)day;
	struct tm tm;
	localtime_r(&t, &tm);
	snprintf(ymd, sizeof ymd, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
	snprintf(out, SH_STORE_CODE_MAX, "%s-%s-%04u", AGENCY, ymd, seq);
}

/* ---- allocation failure -------------------------------------------------- */

/* Run op with the n-th allocation from now failing (persist: and all after
 * it), n = 1, 2, ... until op succeeds without meeting the failure. Each
 * failing run must return one of the allowed codes, leave no allocation
 * live and pass verify (may be NULL). op returns an sh_error and frees what
 * it made. Returns the number of failing runs. */
typedef int (*op_fn)(fixture *f, void *arg);
typedef void (*verify_fn)(fixture *f, void *arg, int failed);

static long torture(fixture *f, const char *name, op_fn op, verify_fn verify, void *arg,
		    int persist, const int *allowed)
{
	long fails = 0;
	for (long n = 1; n < 100000; n++) {
		long live = sh_alloc_live(), c0 = sh_alloc_count();
		sh_alloc_fail_at(n, persist);
		int rc = op(f, arg);
		long used = sh_alloc_count() - c0;
		sh_alloc_fail_at(0, 0);
		if (sh_alloc_live() != live)
			fail_msg("%s: allocation %ld failing leaks %ld allocation(s) (rc %s)", name, n,
				 sh_alloc_live() - live, sh_error_name(rc));
		int hit = used >= n;
		if (!hit) {
			if (rc)
				fail_msg("%s: fails without an injected failure: %s", name,
					 sh_error_message());
			if (verify)
				verify(f, arg, 0);
			return fails;
		}
		if (rc == SH_OK)
			fail_msg("%s: allocation %ld of %ld failed but the operation reported "
				 "success (failure swallowed)", name, n, used);
		int ok = 0;
		for (const int *a = allowed; *a; a++)
			ok |= rc == *a;
		if (!ok)
			fail_msg("%s: allocation %ld failing gives %s (%s), expected a clean error",
				 name, n, sh_error_name(rc), sh_error_message());
		if (!strlen(sh_error_message()))
			fail_msg("%s: no message", name);
		if (verify)
			verify(f, arg, 1);
		fails++;
	}
	fail_msg("%s: never succeeds", name);
	return fails;
}

static const int only_enomem[] = {SH_ENOMEM, 0};

struct put_arg {
	unsigned seq;   /* the code the successful put must get */
	unsigned seed;
	uint8_t sha[SH_SHA256_LEN]; /* first page image of the dossier */
};

static int op_put(fixture *f, void *arg)
{
	struct put_arg *a = arg;
	return put_fake(f->s, "0820624125-001", 3, 2, a->seed, 2000,
			"Giấy chứng nhận đăng ký doanh nghiệp CÔNG TY TNHH Đặng", DAY1, NULL);
}

static void verify_put(fixture *f, void *arg, int failed)
{
	struct put_arg *a = arg;
	char code[SH_STORE_CODE_MAX];
	code_of(code, DAY1, a->seq);
	sh_store_dossier_rec *d = NULL;
	uint8_t *b = NULL;
	size_t n;
	if (failed) {
		/* nothing of it: no record, no blob, no code used */
		assert_int_equal(sh_store_dossier_get(f->s, code, &d), SH_ENOTFOUND);
		assert_int_equal(sh_store_blob_get(f->s, a->sha, &b, &n), SH_ENOTFOUND);
	} else {
		assert_int_equal(dossier_whole(f->s, code), SH_OK);
		a->seq++;
	}
	assert_check_ok(f->s);
}

static void alloc_put(void **state)
{
	fixture *f = *state;
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 1, 500, "Giấy khai sinh", DAY1, NULL),
			 SH_OK);
	struct put_arg a = {2, 50, {0}};
	for (int persist = 0; persist <= 1; persist++) {
		fake_dossier fd;
		fake_init(&fd, "0820624125-001", 3, 2, a.seed, 2000, NULL, DAY1);
		sh_sha256(a.sha, fd.img[0][0], 2000);
		fake_free(&fd);
		long n = torture(f, persist ? "put (persistent)" : "put", op_put, verify_put, &a,
				 persist, only_enomem);
		assert_true(n >= 10);
		a.seed++;
	}
	assert_int_equal(a.seq, 4); /* no code lost to the failures */
}

struct get_arg {
	char code[SH_STORE_CODE_MAX];
	char paper[SH_STORE_CODE_MAX];
};

static int op_get(fixture *f, void *arg)
{
	struct get_arg *a = arg;
	sh_store_dossier_rec *d = (sh_store_dossier_rec *)0x1;
	sh_store_paper_rec *p = (sh_store_paper_rec *)0x1;
	int rc = sh_store_dossier_get(f->s, a->code, &d);
	if (rc) {
		assert_null(d);
		return rc;
	}
	rc = sh_store_paper_get(f->s, a->paper, &p);
	if (rc)
		assert_null(p);
	else
		assert_int_equal(p->npages, 3);
	sh_store_dossier_rec_free(&d);
	sh_store_paper_rec_free(&p);
	return rc;
}

static void alloc_get(void **state)
{
	fixture *f = *state;
	struct get_arg a;
	assert_int_equal(put_fake(f->s, "001184362297", 2, 3, 1, 500, "Giấy khai sinh", DAY1, a.code),
			 SH_OK);
	snprintf(a.paper, sizeof a.paper, "%s-02-TL", a.code);
	assert_true(torture(f, "get", op_get, NULL, &a, 0, only_enomem) >= 5);
	assert_true(torture(f, "get (persistent)", op_get, NULL, &a, 1, only_enomem) >= 5);
}

struct find_arg {
	sh_wh_hit *ref;
	size_t nref;
};

static int op_find(fixture *f, void *arg)
{
	struct find_arg *a = arg;
	sh_wh_hit *h = NULL;
	size_t n = 0;
	int rc = sh_wh_find(f->s, "Đặng khai sinh", 0, &h, &n);
	if (rc) {
		assert_null(h);
		return rc;
	}
	if (a->ref) { /* a success must be the true answer, not a degraded one */
		assert_int_equal(n, a->nref);
		for (size_t i = 0; i < n; i++)
			if (strcmp(h[i].code, a->ref[i].code) || h[i].score != a->ref[i].score)
				fail_msg("find: hit %zu is %s scored %g instead of %s scored %g: an "
					 "allocation failure was swallowed", i, h[i].code, h[i].score,
					 a->ref[i].code, a->ref[i].score);
	}
	sh_free(h);
	return rc;
}

static void alloc_find(void **state)
{
	fixture *f = *state;
	assert_int_equal(put_fake(f->s, "001184362297", 2, 2, 1, 500, "Giấy khai sinh Đặng Văn An",
				  DAY1, NULL), SH_OK);
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 2, 500, "giay khai sinh dang van an",
				  DAY1, NULL), SH_OK);
	struct find_arg a = {NULL, 0};
	assert_int_equal(sh_wh_find(f->s, "Đặng khai sinh", 0, &a.ref, &a.nref), SH_OK);
	assert_int_equal(a.nref, 3);
	/* KNOWN BUG (reported): exact_score() in store/store.c ignores a failed
	 * store_decode_paper / sh_text_lower and scores 0, so find succeeds with
	 * a wrong ranking under memory pressure instead of returning SH_ENOMEM. */
	torture(f, "find", op_find, NULL, &a, 0, only_enomem);
	torture(f, "find (persistent)", op_find, NULL, &a, 1, only_enomem);
	sh_free(a.ref);
}

static int op_check(fixture *f, void *arg)
{
	(void)arg;
	size_t n = 0;
	return sh_wh_check(f->s, NULL, NULL, &n);
}

static void alloc_check(void **state)
{
	fixture *f = *state;
	char code[SH_STORE_CODE_MAX], p0[SH_STORE_CODE_MAX + 8], p1[SH_STORE_CODE_MAX + 8];
	assert_int_equal(put_fake(f->s, "001184362297", 2, 2, 1, 500, "Giấy khai sinh", DAY1, code),
			 SH_OK);
	/* signed events for check to read: a revocation, a clerk's validity */
	sh_sign_key *key = NULL;
	uint8_t seed[SH_SIGN_SEED_LEN] = {9};
	assert_int_equal(sh_sign_key_from_seed(&key, seed), SH_OK);
	snprintf(p0, sizeof p0, "%s-01-GKS", code);
	snprintf(p1, sizeof p1, "%s-02-TL", code);
	assert_int_equal(sh_wh_revoke(f->s, key, p0, "QĐ 1", "an", DAY1 + 60, NULL), SH_OK);
	assert_int_equal(sh_wh_validity_set(f->s, key, p1, SH_WH_NEVER, "an", DAY1 + 61, NULL),
			 SH_OK);
	sh_sign_key_free(&key);
	assert_check_ok(f->s);
	/* KNOWN BUG (reported): sh_wh_check reports a record it cannot decode
	 * for lack of memory as damage and returns SH_ECORRUPT ("restore from
	 * backup"); it must return SH_ENOMEM. store/store.c sh_wh_check: when
	 * store_decode_* (or sh_text_fold) returns SH_ENOMEM, stop and return it. */
	torture(f, "check", op_check, NULL, NULL, 0, only_enomem);
}

/* verify --all (ledger and tables) under allocation failure: an error,
 * never a finding (issue 13 point 4, issue 16). */
static int op_verify(fixture *f, void *arg)
{
	(void)arg;
	sh_ledger_verify_stats st;
	size_t n = 0;
	int rc = sh_ledger_verify_all(f->s, 1, NULL, NULL, NULL, &st);
	if (!rc)
		rc = sh_wh_verify_tables(f->s, NULL, NULL, &n);
	if (!rc)
		rc = sh_ledger_verify_audit(f->s, NULL, NULL, &n);
	return rc;
}

static void findings_to_stderr(void *arg, const char *code, const char *p)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", code, p);
}

static void alloc_verify(void **state)
{
	fixture *f = *state;
	sh_sign_key *key = NULL;
	sh_sign_pubkey pub;
	sh_buf file = SH_BUF_INIT;
	uint8_t seed[SH_SIGN_SEED_LEN] = {7};
	assert_int_equal(sh_sign_key_from_seed(&key, seed), SH_OK);
	assert_int_equal(sh_sign_pubkey_make(&pub, key, "Nguyễn Thị Hoa", "Một cửa", AGENCY, 1,
					     SH_SIGN_NEVER), SH_OK);
	assert_int_equal(sh_sign_pubkey_export(&file, &pub, key), SH_OK);
	assert_int_equal(sh_ledger_key_register(f->s, file.data, file.len), SH_OK);
	sh_buf_free(&file);
	fake_dossier fd;
	sh_wh_dossier_codes *c = NULL;
	fake_init(&fd, "001184362297", 2, 2, 3, 700, "Giấy khai sinh", DAY1);
	fd.in.key = key;
	for (size_t i = 0; i < fd.in.npapers; i++) /* signed facts are the fact list: none here */
		fd.papers[i].facts = NULL, fd.papers[i].fact_list = NULL, fd.papers[i].nfacts = 0;
	assert_int_equal(sh_wh_dossier_put(f->s, &fd.in, &c), SH_OK);
	fake_free(&fd);
	/* audited reads, then a signed event that seals them */
	const char *codes[2] = {c->papers[0], c->papers[1]};
	assert_int_equal(sh_wh_audit_reads(f->s, "binh", "owner", codes, 2, NULL, DAY1), SH_OK);
	assert_int_equal(sh_wh_revoke(f->s, key, c->papers[0], "QĐ 1", "an", DAY1 + 60, NULL),
			 SH_OK);
	sh_wh_dossier_codes_free(&c);
	sh_sign_key_free(&key);
	sh_ledger_verify_stats st;
	size_t n = 0;
	assert_int_equal(sh_ledger_verify_all(f->s, 1, findings_to_stderr, NULL, NULL, &st), SH_OK);
	assert_int_equal(sh_wh_verify_tables(f->s, findings_to_stderr, NULL, &n), SH_OK);
	assert_int_equal(op_verify(f, NULL), SH_OK);
	torture(f, "verify", op_verify, NULL, NULL, 0, only_enomem);
}

struct dec_arg {
	uint8_t *rec;
	size_t len;
	int paper;
};

static int op_decode(fixture *f, void *arg)
{
	(void)f;
	struct dec_arg *a = arg;
	if (a->paper) {
		sh_store_paper_rec *p = NULL;
		int rc = store_decode_paper(a->rec, a->len, &p);
		sh_store_paper_rec_free(&p);
		return rc;
	}
	sh_store_dossier_rec *d = NULL;
	int rc = store_decode_dossier(a->rec, a->len, &d);
	sh_store_dossier_rec_free(&d);
	return rc;
}

static void alloc_decode(void **state)
{
	fixture *f = *state;
	char code[SH_STORE_CODE_MAX], pcode[SH_STORE_CODE_MAX];
	assert_int_equal(put_fake(f->s, "001184362297", 3, 3, 1, 100, "Giấy khai sinh", DAY1, code),
			 SH_OK);
	sh_store_close(&f->s);
	snprintf(pcode, sizeof pcode, "%s-01-GKS", code);
	struct dec_arg d = {0}, p = {0};
	d.rec = raw_get(f->dir, "dossier", code, strlen(code), &d.len, NULL, NULL);
	p.rec = raw_get(f->dir, "paper", pcode, strlen(pcode), &p.len, NULL, NULL);
	p.paper = 1;
	assert_non_null(d.rec);
	assert_non_null(p.rec);
	assert_true(torture(f, "decode dossier", op_decode, NULL, &d, 0, only_enomem) >= 4);
	assert_true(torture(f, "decode paper", op_decode, NULL, &p, 0, only_enomem) >= 10);
	free(d.rec);
	free(p.rec);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
}

/* Opening and creating under allocation failure. */
static int op_open(fixture *f, void *arg)
{
	(void)arg;
	sh_store *s = (sh_store *)0x1;
	int rc = sh_store_open(&s, f->dir, SH_STORE_RDONLY);
	if (rc)
		assert_null(s);
	sh_store_close(&s);
	return rc;
}

static void alloc_open(void **state)
{
	fixture *f = *state;
	sh_store_close(&f->s);
	/* KNOWN BUG (reported) if this fails with ECORRUPT: sh_store_open turns
	 * a failed get_meta() allocation into "warehouse metadata missing". */
	torture(f, "open", op_open, NULL, NULL, 0, only_enomem);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
}

/* ---- map full and growth --------------------------------------------------- */

static size_t map_size(const char *dir)
{
	MDB_env *env;
	MDB_envinfo info;
	if (raw_open(&env, dir))
		return 0;
	mdb_env_info(env, &info);
	mdb_env_close(env);
	return info.me_mapsize;
}

static void map_grows_then_full(void **state)
{
	fixture *f = *state;
	sh_store_close(&f->s);
	rm_rf(f->dir);
	mkdir(f->dir, 0700);
	setenv("SOHOA_MAPSIZE", "65536", 1); /* 16 pages */
	assert_int_equal(sh_store_create(f->dir, AGENCY), SH_OK);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	char code[SH_STORE_CODE_MAX], want[SH_STORE_CODE_MAX];
	for (unsigned i = 1; i <= 12; i++) {
		int rc = put_fake(f->s, "001184362297", 2, 2, i, 12000, "Giấy khai sinh", DAY1, code);
		if (rc)
			fail_msg("put %u in a growing map: %s", i, sh_error_message());
		code_of(want, DAY1, i);
		assert_string_equal(code, want);
	}
	assert_check_ok(f->s);
	sh_store_close(&f->s);
	size_t grown = map_size(f->dir);
	assert_true(grown >= 12 * 4 * 12000);

	/* now the map may not grow beyond its size: a big dossier does not fit */
	char lim[32];
	snprintf(lim, sizeof lim, "%zu", grown);
	setenv("SOHOA_MAPLIMIT", lim, 1);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	long live = sh_alloc_live();
	fake_dossier fd;
	fake_init(&fd, "033317490435", 1, 1, 99, grown, NULL, DAY1);
	uint8_t sha[SH_SHA256_LEN];
	sh_sha256(sha, fd.img[0][0], grown);
	sh_wh_dossier_codes *c = NULL;
	int rc = sh_wh_dossier_put(f->s, &fd.in, &c);
	fake_free(&fd);
	assert_int_equal(rc, SH_EFULL);
	assert_null(c);
	assert_non_null(strstr(sh_error_message(), "full"));
	assert_int_equal(sh_alloc_live(), live);
	/* nothing of it, everything before it */
	uint8_t *b = NULL;
	size_t n;
	assert_int_equal(sh_store_blob_get(f->s, sha, &b, &n), SH_ENOTFOUND);
	code_of(want, DAY1, 13);
	sh_store_dossier_rec *d = NULL;
	assert_int_equal(sh_store_dossier_get(f->s, want, &d), SH_ENOTFOUND);
	for (unsigned i = 1; i <= 12; i++) {
		code_of(want, DAY1, i);
		assert_int_equal(dossier_whole(f->s, want), SH_OK);
	}
	assert_check_ok(f->s);
	/* a small one still fits, with the next code: no gap */
	assert_int_equal(put_fake(f->s, "033317490435", 1, 1, 98, 100, NULL, DAY1, code), SH_OK);
	code_of(want, DAY1, 13);
	assert_string_equal(code, want);
	sh_store_close(&f->s);
	assert_int_equal(map_size(f->dir), grown);
	unsetenv("SOHOA_MAPLIMIT");
	unsetenv("SOHOA_MAPSIZE");
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
}

/* ---- a map that fills in the middle of a write --------------------------------- */

/* The engine's one write helper (store_write) meets a full map inside a
 * write transaction (SH_EMAPFULL, never a message): it aborts, grows the
 * map and runs the write again. Nothing of the failed attempt may be left
 * (no gap in dossier codes, paper ids or log entries), and when the map may
 * not grow, nothing of the write is stored at all. Real LMDB maps of 64 KiB,
 * filled by the writes themselves, and sh_store_fault_mapfull for the writes
 * too small to fill a map (as if the map filled at their last put). */
/* The map size of an open store (store_int.h). */
static size_t live_map(sh_store *s)
{
	MDB_envinfo info;
	mdb_env_info(s->env, &info);
	return info.me_mapsize;
}

static void map_fills_mid_write(void **state)
{
	fixture *f = *state;
	sh_store_close(&f->s);
	rm_rf(f->dir);
	mkdir(f->dir, 0700);
	setenv("SOHOA_MAPSIZE", "65536", 1); /* 16 pages */
	assert_int_equal(sh_store_create(f->dir, AGENCY), SH_OK);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	uint8_t seed[SH_SIGN_SEED_LEN] = {9};
	sh_sign_key *key = NULL;
	assert_int_equal(sh_sign_key_from_seed(&key, seed), SH_OK);

	/* signed dossiers whose images alone overflow the map: each fills it
	 * after its first blobs, before its log entries (once or more) */
	char want[SH_STORE_CODE_MAX];
	uint64_t logn = 0, before;
	for (unsigned i = 1; i <= 4; i++) {
		fake_dossier fd;
		sh_wh_dossier_codes *c = NULL;
		size_t grown = live_map(f->s);
		/* four pages of a third of the map each: more than the map */
		fake_init(&fd, "001184362297", 2, 2, i, grown / 3, "Giấy khai sinh", DAY1);
		fd.in.key = key;
		assert_int_equal(sh_ledger_size(f->s, &before), SH_OK);
		int rc = sh_wh_dossier_put(f->s, &fd.in, &c);
		fake_free(&fd);
		if (rc)
			fail_msg("dossier %u in a filling map: %s", i, sh_error_message());
		code_of(want, DAY1, i);
		assert_string_equal(c->dossier, want);
		sh_wh_dossier_codes_free(&c);
		assert_true(live_map(f->s) > grown); /* it did fill, and grew */
		assert_int_equal(sh_ledger_size(f->s, &logn), SH_OK);
		assert_true(logn > before);
		assert_int_equal(dossier_whole(f->s, want), SH_OK);
	}
	assert_check_ok(f->s);
	/* paper ids 1..8 in order: no id was used by a failed attempt */
	code_of(want, DAY1, 4);
	sh_store_dossier_rec *d = NULL;
	sh_store_paper_rec *p = NULL;
	assert_int_equal(sh_store_dossier_get(f->s, want, &d), SH_OK);
	assert_int_equal(sh_store_paper_get(f->s, d->papers[1], &p), SH_OK);
	assert_int_equal(p->id, 8);
	sh_store_paper_rec_free(&p);
	sh_store_dossier_rec_free(&d);

	/* small writes, each failing once as if the map filled at its end */
	code_of(want, DAY1, 1);
	assert_int_equal(sh_store_dossier_get(f->s, want, &d), SH_OK);
	sh_store_fault_mapfull(1);
	const char *codes[] = {d->papers[0], d->papers[1]};
	assert_int_equal(sh_wh_audit_reads(f->s, "lan", "show", codes, 2, want, DAY1), SH_OK);
	sh_wh_audit_rec *a = NULL;
	size_t na = 0;
	assert_int_equal(sh_wh_audit_list(f->s, "lan", NULL, &a, &na), SH_OK);
	assert_int_equal(na, 2); /* each entry once */
	sh_free(a);
	assert_int_equal(sh_ledger_size(f->s, &before), SH_OK);
	sh_store_fault_mapfull(2);
	assert_int_equal(sh_wh_revoke(f->s, key, d->papers[0], "Quyết định thu hồi số 1",
				      NULL, DAY1 + 60, NULL), SH_OK);
	assert_int_equal(sh_ledger_size(f->s, &logn), SH_OK);
	assert_true(logn > before); /* the revocation, and the seal of the audit rows above */
	sh_store_fault_mapfull(1);
	assert_int_equal(sh_wh_revoke(f->s, key, d->papers[1], "Quyết định thu hồi số 2",
				      NULL, DAY1 + 61, NULL), SH_OK);
	assert_int_equal(sh_ledger_size(f->s, &before), SH_OK);
	assert_int_equal(before - logn, 1); /* the retried attempt logged once (no audit row to seal) */
	sh_store_fault_mapfull(1);
	assert_int_equal(sh_store_agency_add(f->s, "000.00.99.Z98", 0), SH_OK);
	sh_store_dossier_rec_free(&d);
	assert_check_ok(f->s);

	/* at the map's limit: SH_EFULL (not the signal), nothing stored */
	char lim[32];
	snprintf(lim, sizeof lim, "%zu", live_map(f->s));
	sh_store_close(&f->s);
	setenv("SOHOA_MAPSIZE", lim, 1);
	setenv("SOHOA_MAPLIMIT", lim, 1);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	sh_store_fault_mapfull(1);
	int role = 0;
	assert_int_equal(sh_wh_user_add(f->s, "minh", SH_WH_ROLE_DESK), SH_EFULL);
	assert_non_null(strstr(sh_error_message(), "full"));
	assert_int_equal(sh_wh_user_role(f->s, "minh", &role), SH_ENOTFOUND);
	assert_int_equal(sh_ledger_size(f->s, &logn), SH_OK);
	sh_store_fault_mapfull(1);
	fake_dossier fd;
	sh_wh_dossier_codes *c = NULL;
	fake_init(&fd, "033317490435", 1, 1, 77, 100, NULL, DAY1);
	fd.in.key = key;
	assert_int_equal(sh_wh_dossier_put(f->s, &fd.in, &c), SH_EFULL);
	assert_null(c);
	assert_int_equal(sh_ledger_size(f->s, &before), SH_OK);
	assert_int_equal(before, logn);
	/* the fault spent, the same dossier fits with the next code: no gap */
	assert_int_equal(sh_wh_dossier_put(f->s, &fd.in, &c), SH_OK);
	code_of(want, DAY1, 5);
	assert_string_equal(c->dossier, want);
	sh_wh_dossier_codes_free(&c);
	fake_free(&fd);
	assert_check_ok(f->s);
	/* the limit lifted: an operator added in a retried write */
	sh_store_close(&f->s);
	unsetenv("SOHOA_MAPLIMIT");
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	sh_store_fault_mapfull(1);
	assert_int_equal(sh_wh_user_add(f->s, "lan", SH_WH_ROLE_CLERK), SH_OK);
	assert_int_equal(sh_wh_user_role(f->s, "lan", &role), SH_OK);
	assert_int_equal(role, SH_WH_ROLE_CLERK);
	sh_store_fault_mapfull(0);
	sh_sign_key_free(&key);
	unsetenv("SOHOA_MAPSIZE");
}

/* ---- write failures --------------------------------------------------------- */

/* After a failed write of the dossier whose first image hashes to sha:
 * dossiers 0001..0003 whole, nothing of the failed one, check passes, on
 * this handle and after reopening. */
static void assert_intact(fixture *f, const uint8_t sha[SH_SHA256_LEN])
{
	char want[SH_STORE_CODE_MAX];
	for (int round = 0; round < 2; round++) {
		for (unsigned i = 1; i <= 3; i++) {
			code_of(want, DAY1, i);
			assert_int_equal(dossier_whole(f->s, want), SH_OK);
		}
		uint8_t *b = NULL;
		size_t n;
		assert_int_equal(sh_store_blob_get(f->s, sha, &b, &n), SH_ENOTFOUND);
		code_of(want, DAY1, 4);
		sh_store_dossier_rec *d = NULL;
		assert_int_equal(sh_store_dossier_get(f->s, want, &d), SH_ENOTFOUND);
		assert_check_ok(f->s);
		sh_store_close(&f->s);
		assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	}
}

static void write_fail(fixture *f, int want_rc, const char *want_msg, size_t big)
{
	fake_dossier fd;
	fake_init(&fd, "033317490435", 1, 1, 77, big, NULL, DAY1);
	uint8_t sha[SH_SHA256_LEN];
	sh_sha256(sha, fd.img[0][0], big);
	sh_wh_dossier_codes *c = NULL;
	long live = sh_alloc_live();
	int rc = sh_wh_dossier_put(f->s, &fd.in, &c);
	fake_free(&fd);
	if (rc != want_rc || !strstr(sh_error_message(), want_msg))
		fail_msg("a write failure gave %s '%s', expected %s naming '%s'", sh_error_name(rc),
			 sh_error_message(), sh_error_name(want_rc), want_msg);
	assert_null(c);
	assert_int_equal(sh_alloc_live(), live);
	assert_intact(f, sha);
}

/* Disk full: the warehouse on a 1 MiB tmpfs (needs mount; skipped where
 * the test may not mount). */
static void disk_full(void **state)
{
	fixture *f = *state;
	sh_store_close(&f->s);
	rm_rf(f->dir);
	mkdir(f->dir, 0700);
	if (mount("tmpfs", f->dir, "tmpfs", 0, "size=1m,mode=0700") < 0) {
		fprintf(stderr, "disk_full: cannot mount a tmpfs here (%s): skipped; "
				"write failures are covered by file_too_large\n", strerror(errno));
		assert_int_equal(sh_store_create(f->dir, AGENCY), SH_OK);
		assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
		skip();
	}
	assert_int_equal(sh_store_create(f->dir, AGENCY), SH_OK);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	for (unsigned i = 1; i <= 3; i++)
		assert_int_equal(put_fake(f->s, "001184362297", 1, 2, i, 20000, NULL, DAY1, NULL), SH_OK);
	/* KNOWN BUG (reported): LMDB turns the short write of a full disk into
	 * EIO, so the store says "Input/output error"; store.c must check free
	 * space (statvfs) when a commit fails with EIO and report SH_EFULL. */
	write_fail(f, SH_EFULL, "disk is full", 2u << 20);
	/* the space comes back: a small dossier fits, with the next code */
	char code[SH_STORE_CODE_MAX], want[SH_STORE_CODE_MAX];
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 9, 2000, NULL, DAY1, code), SH_OK);
	code_of(want, DAY1, 4);
	assert_string_equal(code, want);
	sh_store_close(&f->s);
	if (umount(f->dir) < 0)
		fail_msg("umount %s: %s", f->dir, strerror(errno));
	assert_int_equal(sh_store_create(f->dir, AGENCY), SH_OK);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
}

/* A file size limit (RLIMIT_FSIZE, SIGXFSZ ignored): writes fail with
 * EFBIG, which needs no privileges. Run in a child so the limit stays there. */
static void file_too_large(void **state)
{
	fixture *f = *state;
	for (unsigned i = 1; i <= 3; i++)
		assert_int_equal(put_fake(f->s, "001184362297", 1, 2, i, 20000, NULL, DAY1, NULL), SH_OK);
	char *data = NULL;
	assert_true(asprintf(&data, "%s/data.mdb", f->dir) > 0);
	struct stat st;
	assert_int_equal(stat(data, &st), 0);
	free(data);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sh_store *s = NULL;
		signal(SIGXFSZ, SIG_IGN);
		if (sh_store_open(&s, f->dir, 0))
			_exit(10);
		struct rlimit rl = {(rlim_t)st.st_size + 65536, (rlim_t)st.st_size + 65536};
		setrlimit(RLIMIT_FSIZE, &rl);
		fake_dossier fd;
		sh_wh_dossier_codes *c = NULL;
		fake_init(&fd, "033317490435", 1, 1, 77, 1u << 20, NULL, DAY1);
		int rc = sh_wh_dossier_put(s, &fd.in, &c);
		fprintf(stderr, "file_too_large: %s: %s\n", sh_error_name(rc), sh_error_message());
		/* LMDB reports the short write as EIO; the store must name the cause */
		int ok = rc == SH_EFULL && c == NULL &&
			 (strstr(sh_error_message(), "size limit") || strstr(sh_error_message(), "full"));
		sh_store_close(&s);
		_exit(ok ? 0 : 11);
	}
	int st2 = 0;
	waitpid(pid, &st2, 0);
	assert_true(WIFEXITED(st2));
	assert_int_equal(WEXITSTATUS(st2), 0);
	fake_dossier fd;
	uint8_t sha[SH_SHA256_LEN];
	fake_init(&fd, "033317490435", 1, 1, 77, 1u << 20, NULL, DAY1);
	sh_sha256(sha, fd.img[0][0], 1u << 20);
	fake_free(&fd);
	assert_intact(f, sha);
}

/* ---- concurrency -------------------------------------------------------------- */

#define WRITERS 4
#define PER_WRITER 8
#define READERS 3

static void writer(const char *dir, int id, int fd)
{
	sh_store *s = NULL;
	if (sh_store_open(&s, dir, 0))
		_exit(20);
	for (int i = 0; i < PER_WRITER; i++) {
		fake_dossier d;
		sh_wh_dossier_codes *c = NULL;
		fake_init(&d, "001184362297", 2, 1, (unsigned)(id * 100 + i), 3000,
			  "Giấy khai sinh Đặng", DAY1);
		int rc = sh_wh_dossier_put(s, &d.in, &c);
		fake_free(&d);
		if (rc) {
			fprintf(stderr, "writer %d: %s\n", id, sh_error_message());
			_exit(21);
		}
		char line[SH_STORE_CODE_MAX + 1];
		int n = snprintf(line, sizeof line, "%s\n", c->dossier);
		if (write(fd, line, (size_t)n) != n)
			_exit(22);
		sh_wh_dossier_codes_free(&c);
	}
	sh_store_close(&s);
	_exit(0);
}

/* Readers see whole dossiers or none: every hit's dossier has all its papers
 * and images. */
static void reader(const char *dir, const char *stop)
{
	sh_store *s = NULL;
	if (sh_store_open(&s, dir, SH_STORE_RDONLY))
		_exit(30);
	int rounds = 0;
	while (access(stop, F_OK) != 0 || rounds < 3) {
		sh_wh_hit *h = NULL;
		size_t n = 0;
		if (sh_wh_find(s, "khai sinh", 0, &h, &n))
			_exit(31);
		for (size_t i = 0; i < n; i++) {
			sh_store_paper_rec *p = NULL;
			if (sh_store_paper_get(s, h[i].code, &p))
				_exit(32);
			if (dossier_whole(s, p->dossier)) {
				fprintf(stderr, "reader: %s not whole: %s\n", p->dossier,
					sh_error_message());
				_exit(33);
			}
			sh_store_paper_rec_free(&p);
		}
		sh_free(h);
		rounds++;
	}
	sh_store_close(&s);
	_exit(0);
}

static void writers_and_readers(void **state)
{
	fixture *f = *state;
	sh_store_close(&f->s);
	char *stop = NULL;
	assert_true(asprintf(&stop, "%s.stop", f->dir) > 0);
	unlink(stop);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t w[WRITERS], r[READERS];
	fflush(NULL);
	for (int i = 0; i < READERS; i++)
		if ((r[i] = fork()) == 0) {
			close(pfd[0]);
			close(pfd[1]);
			reader(f->dir, stop);
		}
	for (int i = 0; i < WRITERS; i++)
		if ((w[i] = fork()) == 0) {
			close(pfd[0]);
			writer(f->dir, i, pfd[1]);
		}
	close(pfd[1]);
	char buf[8192];
	size_t got = 0;
	ssize_t k;
	while ((k = read(pfd[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)k;
	buf[got] = 0;
	close(pfd[0]);
	for (int i = 0; i < WRITERS; i++) {
		int st;
		waitpid(w[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fail_msg("writer %d failed (status %d)", i, st);
	}
	FILE *sf = fopen(stop, "w");
	fclose(sf);
	for (int i = 0; i < READERS; i++) {
		int st;
		waitpid(r[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fail_msg("reader %d failed (status %d)", i, st);
	}
	unlink(stop);
	free(stop);
	/* exactly 0001..WRITERS*PER_WRITER, each once */
	int seen[WRITERS * PER_WRITER + 1] = {0};
	int lines = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char want[SH_STORE_CODE_MAX];
		code_of(want, DAY1, 1);
		size_t pre = strlen(want) - 4;
		assert_memory_equal(line, want, pre);
		int seq = atoi(line + pre);
		assert_true(seq >= 1 && seq <= WRITERS * PER_WRITER);
		assert_int_equal(seen[seq], 0);
		seen[seq] = 1;
		lines++;
	}
	assert_int_equal(lines, WRITERS * PER_WRITER);
	assert_int_equal(raw_count(f->dir, "dossier"), WRITERS * PER_WRITER);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	assert_check_ok(f->s);
}

/* mdb_reader_list callback: count the slots held by pid *(pid_t *)arg. */
struct slot_count {
	pid_t pid;
	int n;
};

static int count_slot(const char *msg, void *arg)
{
	struct slot_count *c = arg;
	long pid;
	if (sscanf(msg, " %ld", &pid) == 1 && pid == (long)c->pid)
		c->n++;
	return 0;
}

/* In a child (this process has the warehouse open): slots held by pid. */
static int slots_of(const char *dir, pid_t pid)
{
	fflush(NULL);
	pid_t c = fork();
	if (c == 0) {
		MDB_env *env;
		struct slot_count sc = {pid, 0};
		if (raw_open(&env, dir))
			_exit(100);
		mdb_reader_list(env, count_slot, &sc);
		mdb_env_close(env);
		_exit(sc.n);
	}
	int st = 0;
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void killed_reader_slot_cleared(void **state)
{
	fixture *f = *state;
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 1, 100, NULL, DAY1, NULL), SH_OK);
	/* f->s stays open: the lock file lives on, as at a busy desk */
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	fflush(NULL);
	pid_t victim = fork();
	if (victim == 0) {
		MDB_env *env;
		MDB_txn *txn;
		if (raw_open(&env, f->dir) || mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))
			_exit(1);
		if (write(pfd[1], "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	char ch;
	assert_int_equal(read(pfd[0], &ch, 1), 1);
	close(pfd[0]);
	close(pfd[1]);
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	assert_int_equal(slots_of(f->dir, victim), 1); /* stale slot left behind */
	/* the next open anywhere clears it */
	fflush(NULL);
	pid_t opener = fork();
	if (opener == 0) {
		sh_store *s = NULL;
		int rc = sh_store_open(&s, f->dir, SH_STORE_RDONLY);
		sh_store_close(&s);
		_exit(rc ? 1 : 0);
	}
	int st = 0;
	waitpid(opener, &st, 0);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(slots_of(f->dir, victim), 0);
	/* and writing goes on */
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 2, 100, NULL, DAY1, NULL), SH_OK);
	assert_check_ok(f->s);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(alloc_put, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_get, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_find, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_check, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(alloc_open, setup, teardown),
		cmocka_unit_test_setup_teardown(map_grows_then_full, setup, teardown),
		cmocka_unit_test_setup_teardown(map_fills_mid_write, setup, teardown),
		cmocka_unit_test_setup_teardown(disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(file_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(writers_and_readers, setup, teardown),
		cmocka_unit_test_setup_teardown(killed_reader_slot_cleared, setup, teardown),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
