/* The warehouse's blobs in an object store (store/blobs.c), through the
 * library: every write path (a dossier, results, the bulk path) leaves only
 * stubs in LMDB and the bytes in the store; reads from many threads at once
 * (one handle per thread from the pool); and, with no server, a store that
 * cannot be reached: the dossier refused with nothing stored, or spooled.
 *   test_wh_s3 NAME...   wh_offline needs nothing; the others run under
 *                        swift.sh (SOHOA_S3_* set) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "../store/helpers.h"
#include "sh_store.h"

typedef struct fixture {
	char *dir;
	sh_store *s;
} fixture;

static int setup(void **state)
{
	setenv("TZ", "ICT-7", 1);
	tzset();
	fixture *f = calloc(1, sizeof *f);
	f->dir = tmp_dir("whs3");
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

/* A warehouse whose blobs go to url (the bucket made as init does). */
static void make(fixture *f, const char *url)
{
	if (getenv("SWIFT_PROXY_PID") && sh_store_blobs_probe(f->dir, url))
		fail_msg("probe: %s", sh_error_message());
	assert_int_equal(sh_store_create(f->dir, AGENCY), SH_OK);
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	if (sh_store_blobs_set(f->s, url))
		fail_msg("blobs_set: %s", sh_error_message());
	assert_string_equal(sh_store_blobs(f->s), url);
}

static void status(sh_store *s, sh_store_blobs_info *in)
{
	if (sh_store_blobs_status(s, in))
		fail_msg("status: %s", sh_error_message());
}

/* Every page of fd reads back as its bytes. */
static void reads_back(sh_store *s, const fake_dossier *fd)
{
	for (size_t i = 0; i < fd->in.npapers; i++)
		for (size_t j = 0; j < fd->papers[i].npages; j++) {
			const sh_wh_page_in *g = &fd->papers[i].pages[j];
			uint8_t sha[SH_SHA256_LEN], *b = NULL;
			size_t n = 0;
			sh_sha256(sha, g->image, g->image_len);
			if (sh_store_blob_get(s, sha, &b, &n))
				fail_msg("blob_get: %s", sh_error_message());
			assert_int_equal(n, g->image_len);
			assert_memory_equal(b, g->image, n);
			assert_int_equal(b[n], 0);
			sh_free(b);
		}
}

static void check_ok(sh_store *s)
{
	size_t problems = 99;
	if (sh_wh_check(s, NULL, NULL, &problems))
		fail_msg("check: %s", sh_error_message());
	assert_int_equal(problems, 0);
}

/* No server at all: refused without a spool, acknowledged with one. */
static void wh_offline(void **state)
{
	fixture *f = *state;
	setenv("SOHOA_S3_ENDPOINT", "http://127.0.0.1:1", 1);
	setenv("SOHOA_S3_ACCESS_KEY", "test:tester", 1);
	setenv("SOHOA_S3_SECRET_KEY", "testing", 1);
	setenv("SOHOA_S3_ATTEMPTS", "1", 1);
	setenv("SOHOA_S3_CONNECT_TIMEOUT_MS", "200", 1);
	/* malformed addresses */
	assert_int_equal(sh_store_blobs_probe(f->dir, "s3:/x"), SH_EINVAL);
	assert_int_equal(sh_store_blobs_probe(f->dir, "s3://AB"), SH_EINVAL);
	assert_int_equal(sh_store_blobs_probe(f->dir, "s3://bucket/a//b"), SH_EINVAL);
	assert_int_equal(sh_store_blobs_probe(f->dir, "s3://bucket/p"), SH_EIO);

	setenv("SOHOA_BLOB_SPOOL", "off", 1);
	make(f, "s3://sohoa-off/o1");
	fake_dossier fd;
	sh_wh_dossier_codes *c = NULL;
	fake_init(&fd, "001184362297", 2, 2, 1, 3000, NULL, DAY1);
	assert_int_equal(sh_wh_dossier_put(f->s, &fd.in, &c), SH_EIO);
	assert_null(c);
	sh_store_blobs_info in;
	status(f->s, &in);
	assert_int_equal(in.local_count + in.remote_count, 0);
	sh_store_dossier_rec *d = NULL;
	assert_int_equal(sh_store_dossier_get(f->s, AGENCY "-" DAY1_S "-0001", &d), SH_ENOTFOUND);
	sh_store_close(&f->s);

	/* with the spool: durable there, readable, counted present by check */
	unsetenv("SOHOA_BLOB_SPOOL");
	assert_int_equal(sh_store_open(&f->s, f->dir, 0), SH_OK);
	assert_int_equal(sh_wh_dossier_put(f->s, &fd.in, &c), SH_OK);
	sh_wh_dossier_codes_free(&c);
	status(f->s, &in);
	assert_int_equal(in.local_count, 0);
	assert_int_equal(in.remote_count, 5); /* 4 images + 1 hOCR (the same in both papers) */
	assert_int_equal(in.spool_count, 5);
	reads_back(f->s, &fd);
	check_ok(f->s);
	/* a warehouse with images cannot be pointed elsewhere */
	assert_int_equal(sh_store_blobs_set(f->s, "s3://other/x"), SH_EEXISTS);
	size_t up = 9, left = 0, bad = 9;
	assert_int_equal(sh_store_blobs_drain(f->s, &up, &left, &bad), SH_EIO);
	assert_int_equal(up, 0);
	assert_int_equal(left, 5);
	fake_free(&fd);
}

/* dossier, results, bulk: stubs in LMDB, bytes in Swift */
static void wh_paths(void **state)
{
	fixture *f = *state;
	make(f, "s3://sohoa-paths/office1");
	sh_store_blobs_info in;
	fake_dossier fd, rd, bd[3];
	sh_wh_dossier_codes *c = NULL;
	fake_init(&fd, "001184362297", 2, 2, 2, 5000, NULL, DAY1);
	if (sh_wh_dossier_put(f->s, &fd.in, &c))
		fail_msg("put: %s", sh_error_message());
	status(f->s, &in);
	assert_int_equal(in.local_count, 0);
	assert_int_equal(in.remote_count, 5);
	assert_int_equal(in.spool_count, 0);
	reads_back(f->s, &fd);

	fake_init(&rd, "001184362297", 1, 1, 3, 4000, NULL, DAY1);
	char codes[1][SH_STORE_CODE_MAX];
	if (sh_wh_result_put(f->s, c->dossier, rd.papers, 1, NULL, codes))
		fail_msg("result: %s", sh_error_message());
	sh_wh_dossier_codes_free(&c);
	status(f->s, &in);
	assert_int_equal(in.local_count, 0);
	assert_int_equal(in.remote_count, 6);
	reads_back(f->s, &rd);

	sh_wh_dossier_in bin[3];
	sh_wh_dossier_codes *bc[3];
	for (int i = 0; i < 3; i++) {
		fake_init(&bd[i], "001184362297", 1, 2, 10 + (unsigned)i, 2000, NULL, DAY2);
		bin[i] = bd[i].in;
	}
	if (sh_wh_dossiers_put(f->s, bin, 3, bc))
		fail_msg("bulk: %s", sh_error_message());
	for (int i = 0; i < 3; i++)
		sh_wh_dossier_codes_free(&bc[i]);
	status(f->s, &in);
	assert_int_equal(in.local_count, 0);
	assert_int_equal(in.remote_count, 12);
	for (int i = 0; i < 3; i++) {
		reads_back(f->s, &bd[i]);
		fake_free(&bd[i]);
	}
	check_ok(f->s);
	fake_free(&fd);
	fake_free(&rd);
}

struct reader {
	sh_store *s;
	const fake_dossier *fd;
	int bad;
};

static void *read_many(void *p)
{
	struct reader *r = p;
	for (int k = 0; k < 20; k++)
		for (size_t i = 0; i < r->fd->in.npapers; i++)
			for (size_t j = 0; j < r->fd->papers[i].npages; j++) {
				const sh_wh_page_in *g = &r->fd->papers[i].pages[j];
				uint8_t sha[SH_SHA256_LEN], *b = NULL;
				size_t n = 0;
				sh_sha256(sha, g->image, g->image_len);
				if (sh_store_blob_get(r->s, sha, &b, &n) || n != g->image_len ||
				    memcmp(b, g->image, n))
					r->bad++;
				sh_free(b);
			}
	return NULL;
}

/* a multi-threaded server's reads: each thread its own handle */
static void wh_threads(void **state)
{
	fixture *f = *state;
	setenv("SOHOA_BLOB_CACHE_MB", "0", 1); /* every read a GET */
	make(f, "s3://sohoa-threads/office1");
	fake_dossier fd;
	sh_wh_dossier_codes *c = NULL;
	fake_init(&fd, "001184362297", 2, 2, 4, 3000, NULL, DAY1);
	assert_int_equal(sh_wh_dossier_put(f->s, &fd.in, &c), SH_OK);
	sh_wh_dossier_codes_free(&c);
	struct reader r[6];
	pthread_t t[6];
	for (int i = 0; i < 6; i++) {
		r[i] = (struct reader){f->s, &fd, 0};
		assert_int_equal(pthread_create(&t[i], NULL, read_many, &r[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].bad, 0);
	}
	unsetenv("SOHOA_BLOB_CACHE_MB");
	fake_free(&fd);
}

int main(int argc, char **argv)
{
	struct CMUnitTest all[] = {
		cmocka_unit_test_setup_teardown(wh_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(wh_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(wh_threads, setup, teardown),
	};
	size_t n = sizeof all / sizeof all[0];
	struct CMUnitTest run[sizeof all / sizeof all[0]];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (int a = 1; a < argc; a++)
			if (!strcmp(argv[a], all[i].name))
				run[k++] = all[i];
	if (argc > 1 && !k)
		return 2;
	return argc > 1 ? _cmocka_run_group_tests("wh_s3", run, k, NULL, NULL)
			: _cmocka_run_group_tests("wh_s3", all, n, NULL, NULL);
}
