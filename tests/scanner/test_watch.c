/* Watch folder: complete files only, mapping rule, journal across restarts. */
#include "helpers.h"

#include <fcntl.h>

#define OWNER "001090123456"

typedef struct calls {
	int n, busy_left, fail_name_with;
	char keys[16][65];
	char owners[16][16];
	char procs[16][65];
} calls;

static int ingest(void *arg, const sh_scan_watch_item *it)
{
	calls *c = arg;
	if (c->busy_left > 0) {
		c->busy_left--;
		return SH_EBUSY;
	}
	if (c->fail_name_with && strstr(it->name, "reject"))
		return sh_error_set(SH_EINVAL, "%s: not a readable image", it->name);
	assert_non_null(strstr(it->path, "/processing/"));
	assert_true(c->n < 16);
	strcpy(c->keys[c->n], it->key);
	strcpy(c->owners[c->n], it->owner);
	strcpy(c->procs[c->n], it->procedure);
	c->n++;
	return SH_OK;
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = path_of(dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void poll_settled(sh_scan_watch *w, size_t *d, size_t *f)
{
	size_t dd = 0, ff = 0, a, b;
	for (int i = 0; i < 4; i++) {
		OK(sh_scan_watch_poll(w, 30, &a, &b));
		dd += a;
		ff += b;
		usleep(20000);
	}
	*d = dd;
	*f = ff;
}

static void test_parse_name(void **state)
{
	(void)state;
	char o[16], p[65];
	OK(sh_scan_watch_parse_name(o, p, OWNER "_1.001234_scan01.pdf"));
	assert_string_equal(o, OWNER);
	assert_string_equal(p, "1.001234");
	OK(sh_scan_watch_parse_name(o, p, "0100109106_2.002154.png"));
	assert_string_equal(p, "2.002154");
	assert_int_equal(sh_scan_watch_parse_name(o, p, "scan0001.pdf"), SH_EINVAL);
	assert_int_equal(sh_scan_watch_parse_name(o, p, "12_1.1_x.pdf"), SH_EINVAL);
	assert_int_equal(sh_scan_watch_parse_name(o, p, OWNER "_a b_x.pdf"), SH_EINVAL);
}

static void test_ingest_and_outcomes(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	calls c = {.fail_name_with = 1};
	sh_scan_watch_options o = {.settle_ms = 1, .mapping_wait_ms = 1, .ingest = ingest,
				   .ingest_arg = &c};
	sh_scan_watch *w = NULL;
	OK(sh_scan_watch_open(&w, dir, &o));
	sh_scan_watch *w2 = NULL;
	assert_int_equal(sh_scan_watch_open(&w2, dir, &o), SH_EBUSY);

	put(dir, OWNER "_1.001234_a.png", "AAAA");
	put(dir, "scan7.png", "BBBB");
	put(dir, "scan7.json", "{\"owner\": \"" OWNER "\", \"procedure\": \"2.000889\"}");
	put(dir, "scan8.pdf", "CCCC");
	put(dir, "scan8.txt", "owner = 0100109106\nprocedure: 1.000001\n");
	put(dir, "nomap.png", "DDDD");
	put(dir, OWNER "_1.1_reject.png", "EEEE");
	put(dir, ".hidden.png", "x");
	put(dir, "part.png.part", "x");
	size_t d, f;
	poll_settled(w, &d, &f);
	assert_int_equal(d, 3);
	assert_int_equal(f, 2);
	assert_int_equal(c.n, 3);
	assert_true(exists(dir, "done/" OWNER "_1.001234_a.png"));
	assert_true(exists(dir, "done/scan7.png"));
	assert_true(exists(dir, "done/scan7.png.json"));
	assert_true(exists(dir, "done/scan8.pdf.txt"));
	assert_true(exists(dir, "failed/nomap.png"));
	assert_true(exists(dir, "failed/nomap.png.reason"));
	assert_true(exists(dir, "failed/" OWNER "_1.1_reject.png.reason"));
	assert_true(exists(dir, ".hidden.png"));
	assert_true(exists(dir, "part.png.part"));
	assert_false(exists(dir, "nomap.png"));
	int saw7 = 0, saw8 = 0;
	for (int i = 0; i < c.n; i++) {
		if (!strcmp(c.procs[i], "2.000889"))
			saw7 = !strcmp(c.owners[i], OWNER);
		if (!strcmp(c.procs[i], "1.000001"))
			saw8 = !strcmp(c.owners[i], "0100109106");
	}
	assert_true(saw7 && saw8);
	char *rp = path_of(dir, "failed/" OWNER "_1.1_reject.png.reason");
	uint8_t *txt = NULL;
	size_t n = 0;
	OK(sh_file_read(&txt, &n, rp, 4096));
	assert_non_null(strstr((char *)txt, "not a readable image"));
	sh_free(txt);
	free(rp);

	/* The same name again lands beside the first, not over it. */
	put(dir, "nomap.png", "FFFF");
	poll_settled(w, &d, &f);
	assert_true(exists(dir, "failed/nomap-2.png"));

	/* A file still open for writing is left alone until closed. */
	char *wp = path_of(dir, OWNER "_1.2_slow.png");
	int fd = open(wp, O_WRONLY | O_CREAT, 0644);
	assert_true(write(fd, "half", 4) == 4);
	poll_settled(w, &d, &f);
	assert_int_equal(d, 0);
	assert_true(write(fd, "-rest", 5) == 5);
	close(fd);
	poll_settled(w, &d, &f);
	assert_int_equal(d, 1);
	uint8_t h[32];
	char key[65];
	sh_sha256(h, "half-rest", 9);
	sh_hex(key, h, 32);
	assert_string_equal(c.keys[c.n - 1], key);
	free(wp);

	/* Busy store: the file waits in processing/ and is retried. */
	c.busy_left = 2;
	put(dir, OWNER "_1.3_busy.png", "GGGG");
	int before = c.n;
	poll_settled(w, &d, &f);
	assert_int_equal(c.n, before + 1);
	assert_true(exists(dir, "done/" OWNER "_1.3_busy.png"));
	sh_scan_watch_free(&w);
	assert_null(w);
	rm_rf(dir);
	free(dir);
}

/* After a crash: a file moved into processing/ is ingested again with the
 * same key; one marked ingested is only moved on. Nothing is lost. */
static void test_restart(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	calls c = {0};
	sh_scan_watch_options o = {.settle_ms = 1, .mapping_wait_ms = 1, .ingest = ingest,
				   .ingest_arg = &c};
	sh_scan_watch *w = NULL;
	OK(sh_scan_watch_open(&w, dir, &o));
	sh_scan_watch_free(&w);
	put(dir, "processing/" OWNER "_1.5_midway.png", "HHHH");
	put(dir, "processing/" OWNER "_1.5_stored.png", "IIII");
	put(dir, "processing/" OWNER "_1.5_stored.png.ingested", "ingested\n");
	put(dir, OWNER "_1.5_waiting.png", "JJJJ");
	OK(sh_scan_watch_open(&w, dir, &o));
	assert_int_equal(c.n, 1); /* midway only */
	assert_true(exists(dir, "done/" OWNER "_1.5_midway.png"));
	assert_true(exists(dir, "done/" OWNER "_1.5_stored.png"));
	assert_false(exists(dir, "processing/" OWNER "_1.5_stored.png.ingested"));
	size_t d, f;
	poll_settled(w, &d, &f);
	assert_int_equal(c.n, 2); /* the startup rescan found the waiting file */
	assert_true(exists(dir, "done/" OWNER "_1.5_waiting.png"));
	sh_scan_watch_free(&w);
	OK(sh_scan_watch_open(&w, dir, &o));
	poll_settled(w, &d, &f);
	assert_int_equal(c.n, 2); /* nothing twice */
	sh_scan_watch_free(&w);
	rm_rf(dir);
	free(dir);
}

/* done/ (or failed/, processing/) a symbolic link out of the folder: refused
 * at open, and when put there while watching nothing is moved through it
 * (issue 19). */
static void test_symlink_refused(void **state)
{
	(void)state;
	const char *subs[] = {"done", "failed", "processing"};
	for (int k = 0; k < 3; k++) {
		char *dir = tmpdir_new(), *outside = tmpdir_new();
		char *link = path_of(dir, subs[k]);
		assert_int_equal(symlink(outside, link), 0);
		calls c = {0};
		sh_scan_watch_options o = {.settle_ms = 1, .mapping_wait_ms = 1, .ingest = ingest,
					   .ingest_arg = &c};
		sh_scan_watch *w = NULL;
		assert_int_equal(sh_scan_watch_open(&w, dir, &o), SH_EINVAL);
		assert_null(w);
		assert_non_null(strstr(sh_error_message(), "symbolic link"));
		free(link);
		rm_rf(outside);
		free(outside);
		rm_rf(dir);
		free(dir);
	}
	/* swapped for a link while watching */
	char *dir = tmpdir_new(), *outside = tmpdir_new();
	calls c = {0};
	sh_scan_watch_options o = {.settle_ms = 1, .mapping_wait_ms = 1, .ingest = ingest,
				   .ingest_arg = &c};
	sh_scan_watch *w = NULL;
	OK(sh_scan_watch_open(&w, dir, &o));
	char *done = path_of(dir, "done");
	assert_int_equal(rmdir(done), 0);
	assert_int_equal(symlink(outside, done), 0);
	put(dir, OWNER "_1.5_a.png", "AAAA");
	size_t a = 0, b = 0;
	for (int i = 0; i < 4; i++) {
		sh_scan_watch_poll(w, 30, &a, &b);
		usleep(20000);
	}
	assert_false(exists(outside, OWNER "_1.5_a.png"));
	sh_scan_watch_free(&w);
	free(done);
	rm_rf(outside);
	free(outside);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_parse_name),
		cmocka_unit_test(test_ingest_and_outcomes),
		cmocka_unit_test(test_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
