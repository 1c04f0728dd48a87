/* Unit tests of store/ (sh_store.h) on a real LMDB warehouse in a
 * temporary folder: create/open, dossier put/get, codes and sequences,
 * blobs, find, check, record decoding of garbage. Fault injection and
 * concurrency live in test_store_faults.c. Run one with
 * `ctest -R store.<name>` or `test_store <name>`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "helpers.h"
#include "store_int.h"

typedef struct fixture {
	char *dir;
	sh_store *s;
} fixture;

static int setup(void **state)
{
	setenv("TZ", "ICT-7", 1); /* UTC+7 without tzdata: codes carry the local day */
	tzset();
	unsetenv("SOHOA_MAPSIZE");
	unsetenv("SOHOA_MAPLIMIT");
	fixture *f = calloc(1, sizeof *f);
	f->dir = tmp_dir("store");
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
	sh_store_close(&f->s);
	rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Put a fake dossier; returns its code in code (SH_STORE_CODE_MAX). */
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
		fail_msg("check: %s", sh_error_message());
	assert_int_equal(n, 0);
}

/* ---- create / open ------------------------------------------------------ */

static void create_open(void **state)
{
	fixture *f = *state;
	assert_string_equal(sh_store_agency(f->s), AGENCY);
	assert_string_equal(sh_store_dir(f->s), f->dir);
	assert_int_equal(sh_store_create(f->dir, AGENCY), SH_EEXISTS);
	assert_non_null(strstr(sh_error_message(), "already holds"));

	char *d2 = tmp_dir("store2");
	char *sub = NULL;
	assert_true(asprintf(&sub, "%s/a/b/c", d2) > 0);
	sh_store *s = (sh_store *)0x1;
	assert_int_equal(sh_store_open(&s, sub, 0), SH_ENOTFOUND);
	assert_null(s);
	assert_non_null(strstr(sh_error_message(), "sohoa init"));
	assert_int_equal(sh_store_create(sub, "h23.12"), SH_EINVAL);
	assert_int_equal(sh_store_create(sub, AGENCY), SH_OK); /* folders made as needed */
	assert_int_equal(sh_store_open(&s, sub, SH_STORE_RDONLY), SH_OK);
	char code[SH_STORE_CODE_MAX];
	assert_int_equal(put_fake(s, "001184362297", 1, 1, 1, 100, NULL, DAY1, code), SH_EPERM);
	assert_int_equal(sh_wh_check(s, NULL, NULL, NULL), SH_OK);
	sh_store_close(&s);
	sh_store_close(&s); /* NULL-safe */
	assert_int_equal(sh_store_create("/proc/sohoa-cannot-be-here", AGENCY), SH_EIO);

	/* a warehouse from a newer sohoa is refused */
	assert_int_equal(raw_put(sub, "meta", "schema", 6, "99", 2), 0);
	assert_int_equal(sh_store_open(&s, sub, 0), SH_EVERSION);
	assert_null(s);
	rm_rf(d2);
	free(sub);
	free(d2);
}

/* ---- put / get ---------------------------------------------------------- */

static void put_get(void **state)
{
	fixture *f = *state;
	long live = sh_alloc_live();
	fake_dossier fd;
	sh_wh_dossier_codes *c = NULL;
	/* NFD text goes in, NFC comes out */
	fake_init(&fd, "0820624125-001", 3, 2, 7, 3000, "Gia\xcc\x82\xcc\x81y khai sinh Đặng", DAY1);
	assert_int_equal(sh_wh_dossier_put(f->s, &fd.in, &c), SH_OK);
	assert_string_equal(c->dossier, AGENCY "-" DAY1_S "-0001");
	assert_int_equal(c->npapers, 3);
	assert_string_equal(c->papers[0], AGENCY "-" DAY1_S "-0001-01-GKS");
	assert_string_equal(c->papers[1], AGENCY "-" DAY1_S "-0001-02-TL");
	assert_string_equal(c->papers[2], AGENCY "-" DAY1_S "-0001-03-CCCD");

	sh_store_dossier_rec *d = NULL;
	assert_int_equal(sh_store_dossier_get(f->s, c->dossier, &d), SH_OK);
	assert_string_equal(d->code, c->dossier);
	assert_string_equal(d->agency, AGENCY);
	assert_string_equal(d->owner, "0820624125001"); /* canonical form */
	assert_string_equal(d->procedure, "1.001193");
	assert_string_equal(d->operator_id, "thu.nguyen");
	assert_int_equal(d->received, DAY1);
	assert_int_equal(d->npapers, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(d->papers[i], c->papers[i]);
	sh_store_dossier_rec_free(&d);
	assert_null(d);

	sh_store_paper_rec *p = NULL;
	assert_int_equal(sh_store_paper_get(f->s, c->papers[0], &p), SH_OK);
	assert_string_equal(p->dossier, c->dossier);
	assert_string_equal(p->owner, "0820624125001");
	assert_string_equal(p->kind, "GKS");
	assert_string_equal(p->file, "giấy khai sinh.jpg");
	assert_string_equal(p->facts, "{\"owner_name\":\"Đặng Văn An\"}");
	assert_int_equal(p->created, DAY1);
	assert_int_equal(p->npages, 2);
	for (size_t j = 0; j < 2; j++) {
		const sh_store_page_rec *g = &p->pages[j];
		uint8_t h[SH_SHA256_LEN];
		sh_sha256(h, fd.img[0][j], 3000);
		assert_memory_equal(g->image_sha, h, SH_SHA256_LEN);
		assert_int_equal(g->image_len, 3000);
		assert_string_equal(g->mime, "image/png");
		assert_string_equal(g->text, "Giấy khai sinh Đặng");
		assert_int_equal(g->width, 2480);
		assert_int_equal(g->height, 3508);
		assert_int_equal(g->dpi, 300);
		assert_float_equal(g->confidence, 87.25f, 0.006f);
		uint8_t *img = NULL;
		size_t n = 0;
		assert_int_equal(sh_store_blob_get(f->s, g->image_sha, &img, &n), SH_OK);
		assert_int_equal(n, 3000);
		assert_memory_equal(img, fd.img[0][j], 3000);
		sh_free(img);
	}
	assert_int_equal(p->pages[0].has_hocr, 1);
	assert_null(p->pages[0].note);
	assert_int_equal(p->pages[1].has_hocr, 0);
	assert_int_equal(p->pages[1].rotation, 270); /* -90 normalised */
	assert_string_equal(p->pages[1].note, "rotated");
	uint8_t *h = NULL;
	size_t hn = 0;
	assert_int_equal(sh_store_blob_get(f->s, p->pages[0].hocr_sha, &h, &hn), SH_OK);
	assert_string_equal((char *)h, "<div class='ocr_page'>hOCR</div>");
	sh_free(h);
	sh_store_paper_rec_free(&p);

	/* not found */
	assert_int_equal(sh_store_dossier_get(f->s, AGENCY "-" DAY1_S "-0002", &d), SH_ENOTFOUND);
	assert_null(d);
	assert_int_equal(sh_store_paper_get(f->s, c->dossier, &p), SH_ENOTFOUND);
	uint8_t zero[SH_SHA256_LEN] = {0};
	assert_int_equal(sh_store_blob_get(f->s, zero, &h, &hn), SH_ENOTFOUND);
	assert_null(h);
	sh_wh_dossier_codes_free(&c);
	fake_free(&fd);
	assert_int_equal(sh_alloc_live(), live);
	assert_check_ok(f->s);
}

static void put_refuses_bad_input(void **state)
{
	fixture *f = *state;
	fake_dossier fd;
	sh_wh_dossier_codes *c = NULL;
	struct { const char *what; int want; } cases[] = {
		{"owner lookalike", SH_EINVAL}, {"owner check digit", SH_EINVAL},
		{"procedure", SH_EINVAL},       {"kind", SH_EINVAL},
		{"no papers", SH_EINVAL},       {"no pages", SH_EINVAL},
		{"file utf8", SH_EINVAL},       {"facts utf8", SH_EINVAL},
		{"text utf8", SH_EINVAL},       {"no image", SH_EINVAL},
		{"path procedure", SH_EINVAL},  {"kind too long", SH_EINVAL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		fake_init(&fd, "001184362297", 2, 1, 3, 500, NULL, DAY1);
		switch (i) {
		case 0: fd.in.owner = "00118436229\xef\xbc\x97"; break;
		case 1: fd.in.owner = "0820624126"; break;
		case 2: fd.in.procedure = "1.00 1"; break;
		case 3: fd.papers[1].kind = "G/KS"; break;
		case 4: fd.in.npapers = 0; break;
		case 5: fd.papers[1].npages = 0; break;
		case 6: fd.papers[1].file = "bad\xff.png"; break;
		case 7: fd.papers[0].facts = "{\"x\":\"\xc3\"}"; break;
		case 8: fd.pages[1][0].text = "abc\xed\xa0\x80"; break;
		case 9: fd.pages[1][0].image_len = 0; break;
		case 10: fd.in.procedure = "../../etc"; break;
		case 11: fd.papers[0].kind = "ABCDEFGHIJKLM"; break;
		}
		int rc = sh_wh_dossier_put(f->s, &fd.in, &c);
		if (rc != cases[i].want)
			fail_msg("%s: got %s (%s)", cases[i].what, sh_error_name(rc), sh_error_message());
		assert_null(c);
		fake_free(&fd);
	}
	sh_store_close(&f->s);
	assert_int_equal(raw_count(f->dir, "dossier"), 0);
	assert_int_equal(raw_count(f->dir, "blob"), 0);
	assert_int_equal(raw_count(f->dir, "seq"), 0);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
}

/* ---- codes ---------------------------------------------------------------- */

static void codes_sequence(void **state)
{
	fixture *f = *state;
	char code[SH_STORE_CODE_MAX], want[SH_STORE_CODE_MAX];
	for (int i = 1; i <= 5; i++) {
		assert_int_equal(put_fake(f->s, "001184362297", 1, 1, (unsigned)i, 200, NULL,
					  DAY1 + i * 60, code), SH_OK);
		snprintf(want, sizeof want, AGENCY "-" DAY1_S "-%04d", i);
		assert_string_equal(code, want);
	}
	/* a new day starts at 0001, and the first day carries on where it was */
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 9, 200, NULL, DAY2, code), SH_OK);
	assert_string_equal(code, AGENCY "-" DAY2_S "-0001");
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 10, 200, NULL, DAY1, code), SH_OK);
	assert_string_equal(code, AGENCY "-" DAY1_S "-0006");
	/* the local day decides: 23:30 UTC is the next day at UTC+7 */
	int64_t late = DAY1 - (DAY1 % 86400) + 23 * 3600 + 1800;
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 11, 200, NULL, late, code), SH_OK);
	assert_string_equal(code, AGENCY "-" DAY2_S "-0002");
	/* received 0 means now (pinned with SOHOA_NOW) */
	setenv("SOHOA_NOW", "1718000000", 1);
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 12, 200, NULL, 0, code), SH_OK);
	unsetenv("SOHOA_NOW");
	assert_string_equal(code, AGENCY "-" DAY1_S "-0007");
	assert_check_ok(f->s);
}

static void codes_exhausted(void **state)
{
	fixture *f = *state;
	char code[SH_STORE_CODE_MAX];
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 1, 200, NULL, DAY1, code), SH_OK);
	sh_store_close(&f->s);
	/* jump the day's counter to 9998 */
	const char key[] = "D|" DAY1_S; /* one sequence per office and day */
	uint8_t v[4] = {0, 0, 9998 >> 8, 9998 & 0xff};
	assert_int_equal(raw_put(f->dir, "seq", key, sizeof key - 1, v, 4), 0);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 2, 200, NULL, DAY1, code), SH_OK);
	assert_string_equal(code, AGENCY "-" DAY1_S "-9999");
	long live = sh_alloc_live();
	/* once crashed: the write path freed an uninitialised record buffer when
	 * it failed before building the dossier record */
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 3, 200, NULL, DAY1, code), SH_EFULL);
	assert_non_null(strstr(sh_error_message(), "9999"));
	assert_int_equal(sh_alloc_live(), live);
	/* the next day is not affected */
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 3, 200, NULL, DAY2, code), SH_OK);
	assert_string_equal(code, AGENCY "-" DAY2_S "-0001");
	/* a code already taken (restored data) is skipped, never reused */
	sh_store_close(&f->s);
	void *rec = NULL;
	size_t rlen = 0;
	rec = raw_get(f->dir, "dossier", AGENCY "-" DAY2_S "-0001", strlen(AGENCY "-" DAY2_S "-0001"),
		      &rlen, NULL, NULL);
	assert_non_null(rec);
	assert_int_equal(raw_put(f->dir, "dossier", AGENCY "-" DAY2_S "-0002",
				 strlen(AGENCY "-" DAY2_S "-0002"), rec, rlen), 0);
	free(rec);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 4, 200, NULL, DAY2, code), SH_OK);
	assert_string_equal(code, AGENCY "-" DAY2_S "-0003");
	sh_store_close(&f->s);
	assert_int_equal(raw_count(f->dir, "dossier"), 5);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
}

/* ---- blobs ---------------------------------------------------------------- */

static void blobs_once(void **state)
{
	fixture *f = *state;
	/* 2 papers x 2 pages with distinct images, one hOCR text shared by all
	 * first pages: 4 images + 1 hOCR */
	assert_int_equal(put_fake(f->s, "001184362297", 2, 2, 5, 1000, NULL, DAY1, NULL), SH_OK);
	/* the same images again in another dossier: nothing new */
	assert_int_equal(put_fake(f->s, "033317490435", 2, 2, 5, 1000, NULL, DAY1, NULL), SH_OK);
	sh_store_close(&f->s);
	assert_int_equal(raw_count(f->dir, "blob"), 5);
	assert_int_equal(raw_count(f->dir, "dossier"), 2);
	assert_int_equal(raw_count(f->dir, "paper"), 4);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 6, 1000, NULL, DAY1, NULL), SH_OK);
	sh_store_close(&f->s);
	assert_int_equal(raw_count(f->dir, "blob"), 6);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	assert_check_ok(f->s);
}

/* ---- find ----------------------------------------------------------------- */

static size_t find(sh_store *s, const char *q, sh_wh_hit **hits)
{
	size_t n = 0;
	int rc = sh_wh_find(s, q, 0, hits, &n);
	if (rc)
		fail_msg("find '%s': %s", q, sh_error_message());
	return n;
}

static void find_folding_ranking(void **state)
{
	fixture *f = *state;
	char a[SH_STORE_CODE_MAX], b[SH_STORE_CODE_MAX], c[SH_STORE_CODE_MAX];
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 1, 300,
				  "GIẤY KHAI SINH\nHọ tên: Đặng Thị Hồng", DAY1, a), SH_OK);
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 2, 300,
				  "Giay khai sinh (ban sao)\nHo ten: Dang Thi Hong", DAY1, b), SH_OK);
	assert_int_equal(put_fake(f->s, "001184362297", 1, 1, 3, 300,
				  "Quyết định về việc bổ nhiệm", DAY1, c), SH_OK);
	sh_wh_hit *h = NULL;
	long live = sh_alloc_live();
	/* folded: both spellings found, the other paper not */
	assert_int_equal(find(f->s, "giay khai sinh", &h), 2);
	sh_free(h);
	/* exact ranking: the accented query ranks the accented paper first */
	assert_int_equal(find(f->s, "Đặng Thị Hồng", &h), 2);
	assert_true(strncmp(h[0].code, a, strlen(a)) == 0);
	assert_true(h[0].score > h[1].score);
	sh_free(h);
	/* and the plain query the plain paper */
	assert_int_equal(find(f->s, "dang thi hong", &h), 2);
	assert_true(strncmp(h[0].code, b, strlen(b)) == 0);
	assert_true(h[0].score > h[1].score);
	sh_free(h);
	/* NFD query */
	assert_int_equal(find(f->s, "Quye\xcc\x82\xcc\x81t \xc4\x91i\xcc\xa3nh", &h), 1);
	assert_true(strncmp(h[0].code, c, strlen(c)) == 0);
	sh_free(h);
	/* every word must be present */
	assert_int_equal(find(f->s, "khai sinh bổ nhiệm", &h), 0);
	assert_null(h);
	assert_int_equal(find(f->s, "zzzkhongco", &h), 0);
	/* limit */
	size_t n = 0;
	assert_int_equal(sh_wh_find(f->s, "sinh", 1, &h, &n), SH_OK);
	assert_int_equal(n, 1);
	sh_free(h);
	/* no words / bad UTF-8 */
	assert_int_equal(sh_wh_find(f->s, " ,. ", 0, &h, &n), SH_EINVAL);
	assert_int_equal(sh_wh_find(f->s, "gi\xff", 0, &h, &n), SH_EINVAL);
	assert_null(h);
	assert_int_equal(n, 0);
	assert_int_equal(sh_alloc_live(), live);
}

/* ---- check ---------------------------------------------------------------- */

struct problems {
	size_t n;
	char last[512];
	int saw[4];
};

static void collect_problem(void *arg, const char *p)
{
	struct problems *x = arg;
	x->n++;
	snprintf(x->last, sizeof x->last, "%s", p);
	if (strstr(p, "does not match its SHA-256"))
		x->saw[0] = 1;
	if (strstr(p, "cannot be decoded"))
		x->saw[1] = 1;
	if (strstr(p, "is missing"))
		x->saw[2] = 1;
	if (strstr(p, "missing from the search index"))
		x->saw[3] = 1;
}

static int run_check(fixture *f, struct problems *x)
{
	memset(x, 0, sizeof *x);
	assert_int_equal(sh_store_open(&f->s, f->dir, SH_STORE_RDONLY), SH_OK);
	size_t n = 0;
	int rc = sh_wh_check(f->s, collect_problem, x, &n);
	assert_int_equal(n, x->n);
	sh_store_close(&f->s);
	return rc;
}

static void check_detects_damage(void **state)
{
	fixture *f = *state;
	char code[SH_STORE_CODE_MAX];
	assert_int_equal(put_fake(f->s, "001184362297", 2, 1, 1, 4000, "Giấy khai sinh", DAY1, code),
			 SH_OK);
	assert_int_equal(put_fake(f->s, "033317490435", 1, 1, 2, 4000, "Căn cước", DAY1, NULL), SH_OK);
	assert_check_ok(f->s);
	sh_store_close(&f->s);
	struct problems x;

	/* 1. a blob's bytes changed under its key */
	void *key = NULL, *val;
	size_t klen = 0, vlen = 0;
	val = raw_get(f->dir, "blob", NULL, 0, &vlen, &key, &klen);
	assert_non_null(val);
	((uint8_t *)val)[vlen / 2] ^= 0x40;
	assert_int_equal(raw_put(f->dir, "blob", key, klen, val, vlen), 0);
	assert_int_equal(run_check(f, &x), SH_ECORRUPT);
	assert_int_equal(x.n, 1);
	assert_true(x.saw[0]);
	((uint8_t *)val)[vlen / 2] ^= 0x40; /* repair */
	assert_int_equal(raw_put(f->dir, "blob", key, klen, val, vlen), 0);
	assert_int_equal(run_check(f, &x), SH_OK);

	/* 2. a blob gone: every paper using it is reported */
	assert_int_equal(raw_put(f->dir, "blob", key, klen, NULL, 0), 0);
	assert_int_equal(run_check(f, &x), SH_ECORRUPT);
	assert_true(x.saw[2]);
	assert_int_equal(raw_put(f->dir, "blob", key, klen, val, vlen), 0);
	free(key);
	free(val);

	/* 3. a paper record overwritten with garbage */
	char pcode[SH_STORE_CODE_MAX];
	snprintf(pcode, sizeof pcode, "%s-01-GKS", code);
	val = raw_get(f->dir, "paper", pcode, strlen(pcode), &vlen, NULL, NULL);
	assert_non_null(val);
	assert_int_equal(raw_put(f->dir, "paper", pcode, strlen(pcode), "SHP\x01\x05\xff", 6), 0);
	assert_int_equal(run_check(f, &x), SH_ECORRUPT);
	assert_true(x.saw[1]);
	/* 4. the paper deleted: its dossier and index entries point at nothing */
	assert_int_equal(raw_put(f->dir, "paper", pcode, strlen(pcode), NULL, 0), 0);
	assert_int_equal(run_check(f, &x), SH_ECORRUPT);
	assert_true(x.saw[2]);
	assert_true(x.n >= 3); /* dossier, owner index, word index */
	assert_int_equal(raw_put(f->dir, "paper", pcode, strlen(pcode), val, vlen), 0);
	free(val);
	assert_int_equal(run_check(f, &x), SH_OK);

	/* 5. an owner index summary that says another kind than the paper */
	char pcode1[SH_STORE_CODE_MAX];
	snprintf(pcode1, sizeof pcode1, "%s-02-TL", code);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	MDB_txn *txn;
	assert_int_equal(mdb_txn_begin(f->s->env, NULL, 0, &txn), 0);
	uint8_t ob[STORE_OSUM_MAX];
	size_t on;
	assert_int_equal(store_osum_encode(ob, &on, pcode1, 2, DAY1, "TL", NULL), SH_OK);
	MDB_val ok = {12, "001184362297"}, ov = {on, ob};
	assert_int_equal(mdb_del(txn, f->s->owner, &ok, &ov), 0); /* the entry as written */
	assert_int_equal(store_osum_encode(ob, &on, pcode1, 2, DAY1, "GKS", NULL), SH_OK);
	ov = (MDB_val){on, ob};
	assert_int_equal(mdb_put(txn, f->s->owner, &ok, &ov, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	sh_store_close(&f->s);
	assert_int_equal(run_check(f, &x), SH_ECORRUPT);
	assert_non_null(strstr(x.last, "differs from the paper"));

	/* 6. a posting of a paper id nobody has */
	assert_int_equal(raw_put(f->dir, "post", "zzz", 3, "\x00\x0f\x42\x3f", 4), 0);
	assert_int_equal(run_check(f, &x), SH_ECORRUPT);
	assert_int_equal(x.n, 2); /* the owner summary above, and this */
	assert_non_null(strstr(x.last, "'zzz' holds an id no paper has"));
	assert_int_equal(raw_put(f->dir, "post", "zzz", 3, NULL, 0), 0);

	/* 7. a word missing from the index */
	const char *w = "khai";
	assert_int_equal(raw_put(f->dir, "post", w, 4, NULL, 0), 0);
	assert_int_equal(run_check(f, &x), SH_ECORRUPT);
	assert_true(x.saw[3]);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
}


/* ---- postings read newest first (store/index.c) ------------------------------ */

static uint64_t prng = 0x9e3779b97f4a7c15ull;
static uint32_t prand(void)
{
	prng ^= prng << 13;
	prng ^= prng >> 7;
	prng ^= prng << 17;
	return (uint32_t)prng;
}

/* Lists of 1 to 40 000 ids (a sub-page, one page, many pages) against a
 * sorted array: every "largest id <= x" for falling x, in small steps
 * (the page before) and jumps (a seek), and below the first id. */
static void postings_newest_first(void **state)
{
	fixture *f = *state;
	static const size_t sizes[] = {1, 2, 7, 600, 1100, 5000, 40000};
	enum { NL = sizeof sizes / sizeof *sizes };
	static uint32_t ids[NL][40000];
	MDB_txn *txn;
	assert_int_equal(mdb_txn_begin(f->s->env, NULL, 0, &txn), 0);
	for (size_t l = 0; l < NL; l++) {
		char key[16];
		snprintf(key, sizeof key, "w%zu", l);
		uint32_t id = 1 + prand() % 50;
		for (size_t i = 0; i < sizes[l]; i++) {
			ids[l][i] = id;
			uint8_t b[4];
			store_be32(b, id);
			MDB_val k = {strlen(key), key}, v = {4, b};
			assert_int_equal(mdb_put(txn, f->s->post, &k, &v, MDB_NODUPDATA), 0);
			id += 1 + (prand() % 4 ? prand() % 3 : prand() % 5000);
		}
	}
	assert_int_equal(mdb_txn_commit(txn), 0);
	assert_int_equal(mdb_txn_begin(f->s->env, NULL, MDB_RDONLY, &txn), 0);
	for (size_t l = 0; l < NL; l++) {
		char key[16];
		snprintf(key, sizeof key, "w%zu", l);
		for (int round = 0; round < 40; round++) {
			store_plist pl;
			assert_int_equal(store_plist_open(&pl, txn, f->s->post, key, strlen(key)),
					 SH_OK);
			assert_int_equal(pl.count, sizes[l]);
			uint32_t x = round % 2 ? STORE_PID_MAX : ids[l][sizes[l] - 1] + prand() % 3;
			size_t i = sizes[l];
			for (;;) {
				/* brute force (x only falls) */
				while (i > 0 && ids[l][i - 1] > x)
					i--;
				uint32_t got = 0;
				int lrc = store_plist_le(&pl, x, &got);
				if (i == 0) {
					assert_int_equal(lrc, MDB_NOTFOUND);
					break;
				}
				assert_int_equal(lrc, 0);
				assert_int_equal(got, ids[l][i - 1]);
				uint32_t step = round < 10 ? 1 : round < 20 ? 1 + prand() % 8
						: round < 30 ? 1 + prand() % 3000 : 1 + prand() % 200000;
				if (prand() % 3 == 0)
					step = x - got + 1; /* just below the one found */
				if (x < step)
					x = 0;
				else
					x -= step;
				if (x == 0) {
					assert_int_equal(store_plist_le(&pl, 0, &got), MDB_NOTFOUND);
					break;
				}
			}
			store_plist_close(&pl);
		}
	}
	/* a first query on a fresh list seeks: just below and at every id (so
	 * also just below each page's first id, found on the page before) */
	for (size_t l = 0; l < NL; l++) {
		char key[16];
		snprintf(key, sizeof key, "w%zu", l);
		for (size_t j = 0; j < sizes[l]; j++) {
			store_plist pl;
			uint32_t got = 0;
			assert_int_equal(store_plist_open(&pl, txn, f->s->post, key, strlen(key)),
					 SH_OK);
			int lrc = store_plist_le(&pl, ids[l][j] - 1, &got);
			if (j == 0 || ids[l][j - 1] == ids[l][j] - 1) {
				if (j == 0)
					assert_int_equal(lrc, MDB_NOTFOUND);
			} else {
				assert_int_equal(lrc, 0);
				assert_int_equal(got, ids[l][j - 1]);
			}
			store_plist_close(&pl);
			assert_int_equal(store_plist_open(&pl, txn, f->s->post, key, strlen(key)),
					 SH_OK);
			assert_int_equal(store_plist_le(&pl, ids[l][j], &got), 0);
			assert_int_equal(got, ids[l][j]);
			store_plist_close(&pl);
		}
	}
	store_plist pl;
	assert_int_equal(store_plist_open(&pl, txn, f->s->post, "nobody", 6), SH_ENOTFOUND);
	mdb_txn_abort(txn);
}

/* ---- record decoding ------------------------------------------------------ */

static void decode_one(const uint8_t *d, size_t n)
{
	long live = sh_alloc_live();
	sh_store_dossier_rec *dr = NULL;
	sh_store_paper_rec *pr = NULL;
	int rc = store_decode_dossier(d, n, &dr);
	if (rc) {
		assert_null(dr);
		assert_true(rc == SH_ECORRUPT || rc == SH_EVERSION || rc == SH_ENOMEM);
	}
	sh_store_dossier_rec_free(&dr);
	rc = store_decode_paper(d, n, &pr);
	if (rc) {
		assert_null(pr);
		assert_true(rc == SH_ECORRUPT || rc == SH_EVERSION || rc == SH_ENOMEM);
	} else {
		for (size_t i = 0; i < pr->npages; i++)
			assert_non_null(pr->pages[i].text);
	}
	sh_store_paper_rec_free(&pr);
	assert_int_equal(sh_alloc_live(), live);
}

static void decode_garbage(void **state)
{
	fixture *f = *state;
	char code[SH_STORE_CODE_MAX], pcode[SH_STORE_CODE_MAX];
	assert_int_equal(put_fake(f->s, "001184362297", 2, 3, 1, 100, "Giấy khai sinh", DAY1, code),
			 SH_OK);
	sh_store_close(&f->s);
	snprintf(pcode, sizeof pcode, "%s-01-GKS", code);
	size_t dlen = 0, plen = 0;
	uint8_t *drec = raw_get(f->dir, "dossier", code, strlen(code), &dlen, NULL, NULL);
	uint8_t *prec = raw_get(f->dir, "paper", pcode, strlen(pcode), &plen, NULL, NULL);
	assert_non_null(drec);
	assert_non_null(prec);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);

	sh_store_dossier_rec *d = NULL;
	sh_store_paper_rec *p = NULL;
	assert_int_equal(store_decode_dossier(drec, dlen, &d), SH_OK);
	assert_int_equal(d->npapers, 2);
	sh_store_dossier_rec_free(&d);
	assert_int_equal(store_decode_paper(prec, plen, &p), SH_OK);
	assert_int_equal(p->npages, 3);
	sh_store_paper_rec_free(&p);
	/* wrong type */
	assert_int_equal(store_decode_dossier(prec, plen, &d), SH_ECORRUPT);
	assert_int_equal(store_decode_paper(drec, dlen, &p), SH_ECORRUPT);
	/* newer version */
	uint8_t v2[4] = {'S', 'H', 'D', 9};
	assert_int_equal(store_decode_dossier(v2, 4, &d), SH_EVERSION);
	/* header only: lacks required fields */
	uint8_t h[4] = {'S', 'H', 'D', 1};
	assert_int_equal(store_decode_dossier(h, 4, &d), SH_ECORRUPT);
	assert_int_equal(store_decode_dossier(h, 0, &d), SH_ECORRUPT);

	/* every prefix, every single-byte change, random bytes */
	uint8_t *buf = malloc(plen + dlen);
	for (size_t n = 0; n <= plen; n++)
		decode_one(prec, n);
	for (size_t n = 0; n <= dlen; n++)
		decode_one(drec, n);
	for (size_t i = 0; i < plen; i++) {
		static const uint8_t flips[] = {0x01, 0x80, 0xff, 0x7f};
		for (size_t k = 0; k < sizeof flips; k++) {
			memcpy(buf, prec, plen);
			buf[i] ^= flips[k];
			decode_one(buf, plen);
		}
	}
	uint32_t x = 12345;
	for (int r = 0; r < 5000; r++) {
		size_t n = 4 + r % 200;
		buf[0] = 'S'; buf[1] = 'H'; buf[2] = r & 1 ? 'P' : 'D'; buf[3] = 1;
		for (size_t i = 4; i < n; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			buf[i] = (uint8_t)(x % 7 == 0 ? x >> 8 : x % 13);
		}
		decode_one(buf, n);
	}
	free(buf);
	free(drec);
	free(prec);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_open, setup, teardown),
		cmocka_unit_test_setup_teardown(put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(put_refuses_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(codes_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(codes_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(blobs_once, setup, teardown),
		cmocka_unit_test_setup_teardown(find_folding_ranking, setup, teardown),
		cmocka_unit_test_setup_teardown(check_detects_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(postings_newest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(decode_garbage, setup, teardown),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
