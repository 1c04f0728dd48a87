/* Tests of objstore/ (sh_obj.h) against a real OpenStack Swift with s3api,
 * started by swift.sh (SOHOA_S3_* and SWIFT_*_PID in the environment), and
 * offline tests (configuration, unreachable store) that need no server.
 *   test_objstore            every test that can run here
 *   test_objstore NAME...    the named tests */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh_obj.h"

static char g_tmp[256];
static int g_bucket_made;

/* A store to talk to (swift.sh, or any S3 store by hand: docs/OBJSTORE.md);
 * the tests that stop servers need swift.sh's PIDs too. */
static int have_store(const char *test)
{
	if (!getenv("SOHOA_S3_ENDPOINT"))
		return 0;
	if (!strcmp(test, "store_down_spool") || !strcmp(test, "storm_503"))
		return getenv("SWIFT_PROXY_PID") && getenv("SWIFT_OBJECT_PID");
	return 1;
}

static void rmrf(const char *p)
{
	char *cmd = sh_asprintf("rm -rf '%s'", p);
	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
	sh_free(cmd);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(g_tmp, sizeof g_tmp, "%s/objstore.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(g_tmp))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rmrf(g_tmp);
	return 0;
}

/* A client on the Swift of swift.sh; spool/cache NULL or sub-folders of g_tmp. */
static sh_obj *client(const char *spool, const char *cache, const char *secret, int attempts, long timeout_ms)
{
	sh_obj_config cfg;
	char *strings = NULL;
	assert_int_equal(sh_obj_config_env(&cfg, &strings), SH_OK);
	char sp[300], ca[300];
	cfg.bucket = "sohoa-test";
	cfg.prefix = "office1";
	if (secret)
		cfg.secret_key = secret;
	if (spool) {
		snprintf(sp, sizeof sp, "%s/%s", g_tmp, spool);
		cfg.spool_dir = sp;
	}
	if (cache) {
		snprintf(ca, sizeof ca, "%s/%s", g_tmp, cache);
		cfg.cache_dir = ca;
		cfg.cache_limit = 3000;
	}
	cfg.max_attempts = attempts;
	cfg.timeout_ms = timeout_ms;
	cfg.backoff_ms = 50;
	cfg.backoff_max_ms = 400;
	cfg.multipart_threshold = 64 * 1024;
	cfg.part_size = 16 * 1024;
	sh_obj *o = NULL;
	int rc = sh_obj_open(&o, &cfg);
	if (rc != SH_OK)
		print_error("%s\n", sh_error_message());
	assert_int_equal(rc, SH_OK);
	sh_free(strings);
	if (!g_bucket_made) {
		rc = sh_obj_bucket_create(o);
		if (rc != SH_OK)
			print_error("%s\n", sh_error_message());
		assert_int_equal(rc, SH_OK);
		g_bucket_made = 1;
	}
	return o;
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *p = sh_malloc(n ? n : 1);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 2654435761u + seed * 40503u) >> 13);
	return p;
}

static void expect_object(sh_obj *o, const uint8_t *data, size_t n, const uint8_t hash[32])
{
	uint8_t *got = NULL;
	size_t len = 0;
	int rc = sh_obj_get(o, &got, &len, hash);
	if (rc != SH_OK)
		print_error("%s\n", sh_error_message());
	assert_int_equal(rc, SH_OK);
	assert_int_equal(len, n);
	assert_memory_equal(got, data, n);
	sh_free(got);
}

static pid_t pid_env(const char *name)
{
	const char *v = getenv(name);
	assert_non_null(v);
	return (pid_t)atol(v);
}

/* put, put again, head, get with a real SigV4 signature; empty object; key layout */
static void round_trip(void **state)
{
	(void)state;
	sh_obj *o = client(NULL, NULL, NULL, 3, 10000);
	uint8_t *data = pattern(5000, 1), h[32], h2[32];
	int where = 0;
	assert_int_equal(sh_obj_put(o, h, &where, data, 5000), SH_OK);
	assert_int_equal(where, SH_OBJ_STORED);
	assert_int_equal(sh_obj_put(o, h2, &where, data, 5000), SH_OK);
	assert_int_equal(where, SH_OBJ_EXISTED);
	assert_memory_equal(h, h2, 32);
	uint64_t size = 0;
	assert_int_equal(sh_obj_head(o, &size, h), SH_OK);
	assert_int_equal(size, 5000);
	expect_object(o, data, 5000, h);
	char key[256], hex[65];
	sh_hex(hex, h, 32);
	assert_int_equal(sh_obj_key(key, sizeof key, o, h), SH_OK);
	char want[256];
	snprintf(want, sizeof want, "office1/sha256/%.2s/%.2s/%s", hex, hex + 2, hex);
	assert_string_equal(key, want);
	assert_int_equal(sh_obj_put(o, h, &where, "", 0), SH_OK);
	expect_object(o, (const uint8_t *)"", 0, h);
	sh_obj_stats st;
	sh_obj_stats_get(o, &st);
	assert_int_equal(st.retries, 0);
	sh_free(data);
	sh_obj_close(&o);
}

/* a wrong secret is refused with a clear message and never spooled */
static void wrong_secret(void **state)
{
	(void)state;
	sh_obj *good = client(NULL, NULL, NULL, 3, 10000); /* makes the bucket first */
	sh_obj_close(&good);
	sh_obj *o = client("spool-ws", NULL, "not-the-secret", 3, 10000);
	uint8_t *data = pattern(100, 2), h[32];
	int rc = sh_obj_put(o, h, NULL, data, 100);
	assert_int_equal(rc, SH_EPERM);
	assert_non_null(strstr(sh_error_message(), "the object store refused the credentials"));
	size_t n = 99;
	assert_int_equal(sh_obj_spool_count(o, &n), SH_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sh_obj_head(o, NULL, h), SH_EPERM);
	sh_free(data);
	sh_obj_close(&o);
}

/* the proxy stopped mid-run: put spools (fsynced), a cached object and a
 * spooled one still read; once back, the spool drains and the store has it */
static void store_down_spool(void **state)
{
	(void)state;
	sh_obj *o = client("spool", "cache", NULL, 2, 1500);
	uint8_t *a = pattern(1000, 3), *b = pattern(1200, 4), ha[32], hb[32];
	int where = 0;
	assert_int_equal(sh_obj_put(o, ha, &where, a, 1000), SH_OK);
	assert_int_equal(where, SH_OBJ_STORED);
	expect_object(o, a, 1000, ha); /* now cached */
	pid_t proxy = pid_env("SWIFT_PROXY_PID");
	assert_int_equal(kill(proxy, SIGSTOP), 0);
	int rc = sh_obj_put(o, hb, &where, b, 1200);
	if (rc != SH_OK)
		print_error("%s\n", sh_error_message());
	assert_int_equal(rc, SH_OK);
	assert_int_equal(where, SH_OBJ_SPOOLED);
	size_t n = 0;
	assert_int_equal(sh_obj_spool_count(o, &n), SH_OK);
	assert_int_equal(n, 1);
	sh_obj_stats st0, st1;
	sh_obj_stats_get(o, &st0);
	expect_object(o, a, 1000, ha); /* from the cache: no request */
	expect_object(o, b, 1200, hb); /* from the spool */
	sh_obj_stats_get(o, &st1);
	assert_int_equal(st1.requests, st0.requests);
	assert_true(st1.cache_hits > st0.cache_hits);
	size_t up = 9, left = 9, bad = 9;
	assert_int_equal(sh_obj_spool_drain(o, &up, &left, &bad), SH_EIO); /* still down */
	assert_int_equal(up, 0);
	assert_int_equal(left, 1);
	assert_int_equal(kill(proxy, SIGCONT), 0);
	rc = sh_obj_spool_drain(o, &up, &left, &bad);
	if (rc != SH_OK)
		print_error("%s\n", sh_error_message());
	assert_int_equal(rc, SH_OK);
	assert_int_equal(up, 1);
	assert_int_equal(left, 0);
	assert_int_equal(bad, 0);
	uint64_t size = 0;
	assert_int_equal(sh_obj_head(o, &size, hb), SH_OK);
	assert_int_equal(size, 1200);
	sh_obj *plain = client(NULL, NULL, NULL, 3, 10000); /* no cache, no spool: from the store */
	expect_object(plain, b, 1200, hb);
	sh_obj_close(&plain);
	sh_free(a);
	sh_free(b);
	sh_obj_close(&o);
}

/* the object server stopped: the proxy answers 503; bounded retries, then the spool */
static void storm_503(void **state)
{
	(void)state;
	sh_obj *o = client("spool503", NULL, NULL, 3, 20000);
	uint8_t *c = pattern(700, 5), hc[32];
	pid_t obj = pid_env("SWIFT_OBJECT_PID");
	assert_int_equal(kill(obj, SIGSTOP), 0);
	int where = 0;
	int rc = sh_obj_put(o, hc, &where, c, 700);
	assert_int_equal(kill(obj, SIGCONT), 0);
	if (rc != SH_OK)
		print_error("%s\n", sh_error_message());
	assert_int_equal(rc, SH_OK);
	assert_int_equal(where, SH_OBJ_SPOOLED);
	sh_obj_stats st;
	sh_obj_stats_get(o, &st);
	assert_int_equal(st.requests, 3); /* one HEAD, tried 3 times: 5xx every time */
	assert_int_equal(st.retries, 2);
	size_t up = 0, left = 9;
	rc = sh_obj_spool_drain(o, &up, &left, NULL);
	if (rc != SH_OK)
		print_error("%s\n", sh_error_message());
	assert_int_equal(rc, SH_OK);
	assert_int_equal(up, 1);
	assert_int_equal(left, 0);
	sh_obj *plain = client(NULL, NULL, NULL, 3, 10000);
	expect_object(plain, c, 700, hc);
	sh_obj_close(&plain);
	sh_free(c);
	sh_obj_close(&o);
}

/* deleted behind sohoa's back: head and get say not found, naming the hash */
static void deleted_behind_back(void **state)
{
	(void)state;
	sh_obj *o = client(NULL, NULL, NULL, 3, 10000);
	uint8_t *d = pattern(333, 6), hd[32];
	char hex[65];
	assert_int_equal(sh_obj_put(o, hd, NULL, d, 333), SH_OK);
	sh_hex(hex, hd, 32);
	assert_int_equal(sh_obj_delete(o, hd), SH_OK);
	assert_int_equal(sh_obj_head(o, NULL, hd), SH_ENOTFOUND);
	uint8_t *got = NULL;
	size_t len = 0;
	assert_int_equal(sh_obj_get(o, &got, &len, hd), SH_ENOTFOUND);
	assert_null(got);
	assert_non_null(strstr(sh_error_message(), hex));
	sh_free(d);
	sh_obj_close(&o);
}

/* a bucket that does not exist: SH_ENOTFOUND saying so, nothing spooled */
static void no_bucket(void **state)
{
	(void)state;
	sh_obj_config cfg;
	char *strings = NULL, sp[300];
	sh_obj *o = NULL;
	assert_int_equal(sh_obj_config_env(&cfg, &strings), SH_OK);
	snprintf(sp, sizeof sp, "%s/spool-nb", g_tmp);
	cfg.bucket = "sohoa-no-such-bucket";
	cfg.spool_dir = sp;
	assert_int_equal(sh_obj_open(&o, &cfg), SH_OK);
	uint8_t h[32];
	assert_int_equal(sh_obj_put(o, h, NULL, "x", 1), SH_ENOTFOUND);
	assert_non_null(strstr(sh_error_message(), "bucket sohoa-no-such-bucket does not exist"));
	size_t n = 9;
	assert_int_equal(sh_obj_spool_count(o, &n), SH_OK);
	assert_int_equal(n, 0);
	sh_obj_close(&o);
	sh_free(strings);
}

struct body {
	const char *p;
	size_t n;
};

/* Replace an object's bytes in the store with libcurl directly (SigV4), as
 * a damaged or tampered store would. */
static void raw_put(const char *key, const char *bytes)
{
	char url[512], hdr[128], hex[65], sig[64];
	uint8_t h[32];
	snprintf(url, sizeof url, "%s/sohoa-test/%s", getenv("SOHOA_S3_ENDPOINT"), key);
	sh_sha256(h, bytes, strlen(bytes));
	sh_hex(hex, h, 32);
	snprintf(hdr, sizeof hdr, "x-amz-content-sha256: %s", hex);
	snprintf(sig, sizeof sig, "aws:amz:%s:s3", getenv("SOHOA_S3_REGION"));
	CURL *c = curl_easy_init();
	struct curl_slist *hl = curl_slist_append(NULL, hdr);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sig);
	curl_easy_setopt(c, CURLOPT_USERNAME, getenv("SOHOA_S3_ACCESS_KEY"));
	curl_easy_setopt(c, CURLOPT_PASSWORD, getenv("SOHOA_S3_SECRET_KEY"));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, bytes);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	long st = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	assert_int_equal(st, 200);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
}

/* bytes in the store that are not the object: SH_ECORRUPT, never returned */
static void corrupt_in_store(void **state)
{
	(void)state;
	sh_obj *o = client(NULL, NULL, NULL, 3, 10000);
	uint8_t *d = pattern(400, 7), hd[32];
	assert_int_equal(sh_obj_put(o, hd, NULL, d, 400), SH_OK);
	char key[256];
	assert_int_equal(sh_obj_key(key, sizeof key, o, hd), SH_OK);
	raw_put(key, "not the page image");
	uint8_t *got = NULL;
	size_t len = 0;
	assert_int_equal(sh_obj_get(o, &got, &len, hd), SH_ECORRUPT);
	assert_null(got);
	sh_free(d);
	sh_obj_close(&o);
}

/* above the threshold (64 KiB here) the object goes up in 16 KiB parts */
static void multipart(void **state)
{
	(void)state;
	sh_obj *o = client(NULL, NULL, NULL, 3, 20000);
	size_t n = 100 * 1024 + 17;
	uint8_t *d = pattern(n, 8), h[32];
	int where = 0;
	int rc = sh_obj_put(o, h, &where, d, n);
	if (rc != SH_OK)
		print_error("%s\n", sh_error_message());
	assert_int_equal(rc, SH_OK);
	assert_int_equal(where, SH_OBJ_STORED);
	sh_obj_stats st;
	sh_obj_stats_get(o, &st);
	assert_int_equal(st.multipart_uploads, 1);
	/* HEAD + initiate + 7 parts + complete */
	assert_int_equal(st.requests, 10);
	uint64_t size = 0;
	assert_int_equal(sh_obj_head(o, &size, h), SH_OK);
	assert_int_equal(size, n);
	expect_object(o, d, n, h);
	assert_int_equal(sh_obj_put(o, h, &where, d, n), SH_OK);
	assert_int_equal(where, SH_OBJ_EXISTED);
	sh_free(d);
	sh_obj_close(&o);
}

static uint64_t dir_bytes(const char *sub, int *files)
{
	char p[300];
	snprintf(p, sizeof p, "%s/%s", g_tmp, sub);
	DIR *d = opendir(p);
	assert_non_null(d);
	uint64_t t = 0;
	*files = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat sb;
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &sb, 0) != 0)
			continue;
		t += (uint64_t)sb.st_size;
		(*files)++;
	}
	closedir(d);
	return t;
}

/* the read cache stays under its byte limit (3000 here), least recently read out first;
 * a damaged cache file is dropped and the store asked */
static void cache_limit(void **state)
{
	(void)state;
	sh_obj *o = client(NULL, "cachelim", NULL, 3, 10000);
	uint8_t *x[3], hx[3][32];
	for (int i = 0; i < 3; i++) {
		x[i] = pattern(1400, 20 + (unsigned)i);
		assert_int_equal(sh_obj_put(o, hx[i], NULL, x[i], 1400), SH_OK);
	}
	expect_object(o, x[0], 1400, hx[0]);
	usleep(20000);
	expect_object(o, x[1], 1400, hx[1]);
	usleep(20000);
	expect_object(o, x[0], 1400, hx[0]); /* hit: x[0] more recent than x[1] */
	usleep(20000);
	expect_object(o, x[2], 1400, hx[2]); /* evicts x[1] */
	int files = 0;
	assert_true(dir_bytes("cachelim", &files) <= 3000);
	assert_int_equal(files, 2);
	sh_obj_stats st;
	sh_obj_stats_get(o, &st);
	assert_int_equal(st.cache_hits, 1);
	assert_int_equal(st.cache_evictions, 1);
	char hex[65], p[400];
	sh_hex(hex, hx[0], 32);
	snprintf(p, sizeof p, "%s/cachelim/%s", g_tmp, hex);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0); /* x[0] kept */
	FILE *f = fopen(p, "r+");
	assert_non_null(f);
	fputs("damage", f);
	fclose(f);
	expect_object(o, x[0], 1400, hx[0]); /* from the store again */
	for (int i = 0; i < 3; i++)
		sh_free(x[i]);
	sh_obj_close(&o);
}

/* credentials from a file when the variables are not set */
static void credentials_file(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/creds", g_tmp);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# sohoa\naccess_key = %s\nsecret_key = %s\n", getenv("SOHOA_S3_ACCESS_KEY"),
		getenv("SOHOA_S3_SECRET_KEY"));
	fclose(f);
	char *acc = sh_strdup(getenv("SOHOA_S3_ACCESS_KEY")), *sec = sh_strdup(getenv("SOHOA_S3_SECRET_KEY"));
	unsetenv("SOHOA_S3_ACCESS_KEY");
	unsetenv("SOHOA_S3_SECRET_KEY");
	setenv("SOHOA_S3_CREDENTIALS", path, 1);
	sh_obj *o = client(NULL, NULL, NULL, 3, 10000);
	uint8_t h[32];
	assert_int_equal(sh_obj_put(o, h, NULL, "from a file", 11), SH_OK);
	expect_object(o, (const uint8_t *)"from a file", 11, h);
	sh_obj_close(&o);
	setenv("SOHOA_S3_ACCESS_KEY", acc, 1);
	setenv("SOHOA_S3_SECRET_KEY", sec, 1);
	unsetenv("SOHOA_S3_CREDENTIALS");
	sh_free(acc);
	sh_free(sec);
}

/* ---- offline: no server needed -------------------------------------------- */

static void offline_config(void **state)
{
	(void)state;
	sh_obj_config cfg = {0};
	sh_obj *o = NULL;
	cfg.endpoint = "ftp://x";
	cfg.bucket = "b1x";
	cfg.access_key = "a";
	cfg.secret_key = "s";
	assert_int_equal(sh_obj_open(&o, &cfg), SH_EINVAL);
	cfg.endpoint = "http://127.0.0.1:1";
	cfg.bucket = "Bad_Bucket";
	assert_int_equal(sh_obj_open(&o, &cfg), SH_EINVAL);
	cfg.bucket = "good";
	cfg.prefix = "../up";
	assert_int_equal(sh_obj_open(&o, &cfg), SH_EINVAL);
	cfg.prefix = NULL;
	cfg.access_key = NULL;
	assert_int_equal(sh_obj_open(&o, &cfg), SH_EINVAL);
	assert_null(o);
	char *saved = getenv("SOHOA_S3_ENDPOINT") ? sh_strdup(getenv("SOHOA_S3_ENDPOINT")) : NULL;
	unsetenv("SOHOA_S3_ENDPOINT");
	char *strings = NULL;
	assert_int_equal(sh_obj_config_env(&cfg, &strings), SH_EINVAL);
	assert_non_null(strstr(sh_error_message(), "SOHOA_S3_ENDPOINT"));
	if (saved) {
		setenv("SOHOA_S3_ENDPOINT", saved, 1);
		sh_free(saved);
	}
}

/* nothing listens: bounded retries, then the spool; without a spool, SH_EIO */
static void offline_unreachable(void **state)
{
	(void)state;
	char sp[300];
	snprintf(sp, sizeof sp, "%s/spool-off", g_tmp);
	sh_obj_config cfg = {0};
	cfg.endpoint = "http://127.0.0.1:9"; /* discard port: refused */
	cfg.bucket = "sohoa-test";
	cfg.access_key = "test:tester";
	cfg.secret_key = "testing";
	cfg.max_attempts = 3;
	cfg.backoff_ms = 10;
	cfg.spool_dir = sp;
	sh_obj *o = NULL;
	assert_int_equal(sh_obj_open(&o, &cfg), SH_OK);
	uint8_t h[32];
	int where = 0;
	assert_int_equal(sh_obj_put(o, h, &where, "page", 4), SH_OK);
	assert_int_equal(where, SH_OBJ_SPOOLED);
	sh_obj_stats st;
	sh_obj_stats_get(o, &st);
	assert_int_equal(st.requests, 3);
	uint8_t *got = NULL;
	size_t len = 0;
	assert_int_equal(sh_obj_get(o, &got, &len, h), SH_OK);
	assert_int_equal(len, 4);
	sh_free(got);
	/* damaged spool file: set aside by the drain, counted */
	char hex[65], p[400];
	sh_hex(hex, h, 32);
	snprintf(p, sizeof p, "%s/%s", sp, hex);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("PAGE", f);
	fclose(f);
	size_t up = 9, left = 9, bad = 0;
	assert_int_equal(sh_obj_spool_drain(o, &up, &left, &bad), SH_OK);
	assert_int_equal(bad, 1);
	assert_int_equal(left, 0);
	sh_obj_close(&o);
	cfg.spool_dir = NULL;
	assert_int_equal(sh_obj_open(&o, &cfg), SH_OK);
	assert_int_equal(sh_obj_put(o, h, &where, "page", 4), SH_EIO);
	assert_non_null(strstr(sh_error_message(), "unavailable after 3 attempts"));
	sh_obj_close(&o);
}

/* every allocation of the offline paths fails in turn: an error, no crash, no leak */
static void offline_alloc(void **state)
{
	(void)state;
	char sp[300], ca[300], cred[300];
	snprintf(sp, sizeof sp, "%s/spool-alloc", g_tmp);
	snprintf(ca, sizeof ca, "%s/cache-alloc", g_tmp);
	snprintf(cred, sizeof cred, "%s/cred-alloc", g_tmp);
	FILE *f = fopen(cred, "w");
	assert_non_null(f);
	fputs("[default]\naws_access_key_id = test:tester\naws_secret_access_key = testing\n", f);
	fclose(f);
	char *saved[3];
	const char *names[3] = {"SOHOA_S3_ENDPOINT", "SOHOA_S3_ACCESS_KEY", "SOHOA_S3_SECRET_KEY"};
	for (int i = 0; i < 3; i++) {
		saved[i] = getenv(names[i]) ? strdup(getenv(names[i])) : NULL;
		unsetenv(names[i]);
	}
	setenv("SOHOA_S3_ENDPOINT", "http://127.0.0.1:9", 1);
	setenv("SOHOA_S3_CREDENTIALS", cred, 1);
	int completed = 0, failed = 0;
	for (long n = 1; n < 400 && !completed; n++) {
		long live = sh_alloc_live();
		sh_alloc_fail_at(n, 0);
		sh_obj_config cfg;
		char *strings = NULL;
		sh_obj *o = NULL;
		uint8_t h[32], *got = NULL;
		size_t len = 0, up = 0;
		int where = 0;
		int rc = sh_obj_config_env(&cfg, &strings);
		if (rc == SH_OK) {
			cfg.bucket = "sohoa-test";
			cfg.spool_dir = sp;
			cfg.cache_dir = ca;
			cfg.max_attempts = 1;
			rc = sh_obj_open(&o, &cfg);
		}
		if (rc == SH_OK)
			rc = sh_obj_put(o, h, &where, "alloc", 5);
		if (rc == SH_OK)
			rc = sh_obj_get(o, &got, &len, h);
		sh_free(got);
		if (rc == SH_OK) {
			rc = sh_obj_spool_drain(o, &up, NULL, NULL);
			rc = rc == SH_EIO ? SH_OK : rc; /* nothing listens */
		}
		sh_obj_close(&o);
		sh_free(strings);
		sh_alloc_fail_at(0, 0);
		if (rc == SH_OK)
			completed = 1;
		else
			assert_true(rc == SH_ENOMEM || rc == SH_EIO), failed++;
		assert_int_equal(sh_alloc_live(), live);
	}
	assert_true(completed);
	assert_true(failed >= 10); /* the loop did reach the allocations */
	unsetenv("SOHOA_S3_CREDENTIALS");
	unsetenv("SOHOA_S3_ENDPOINT");
	for (int i = 0; i < 3; i++) {
		if (saved[i])
			setenv(names[i], saved[i], 1);
		free(saved[i]);
	}
}

int main(int argc, char **argv)
{
	struct CMUnitTest all[] = {
		cmocka_unit_test(offline_config),
		cmocka_unit_test(offline_unreachable),
		cmocka_unit_test(offline_alloc),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(wrong_secret),
		cmocka_unit_test(store_down_spool),
		cmocka_unit_test(storm_503),
		cmocka_unit_test(deleted_behind_back),
		cmocka_unit_test(no_bucket),
		cmocka_unit_test(corrupt_in_store),
		cmocka_unit_test(multipart),
		cmocka_unit_test(cache_limit),
		cmocka_unit_test(credentials_file),
	};
	size_t n = sizeof all / sizeof all[0];
	struct CMUnitTest run[sizeof all / sizeof all[0]];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int want = argc < 2;
		for (int a = 1; a < argc; a++)
			if (!strcmp(argv[a], all[i].name))
				want = 1;
		if (want && strncmp(all[i].name, "offline_", 8) != 0 && !have_store(all[i].name)) {
			if (argc >= 2) {
				fprintf(stderr, "%s needs a store (SOHOA_S3_*) or, to stop its servers, "
					"tests/objstore/swift.sh\n", all[i].name);
				return 2;
			}
			want = 0;
		}
		if (want)
			run[k++] = all[i];
	}
	if (k == 0) {
		fprintf(stderr, "no such test\n");
		return 2;
	}
	sh_crypto_init();
	return _cmocka_run_group_tests("objstore", run, k, setup, teardown);
}
