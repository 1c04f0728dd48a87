/* Capture through real SANE backends: pnm (real scans from the corpus) and
 * test (flatbed, ADF of 10 sheets, every error status). */
#include "helpers.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#define OWNER "001090123456"

static const char *const SMALL[] = {"br-x=20", "br-y=15", "test-picture=Grid", NULL};

static sh_scan_batch *fresh(char **root)
{
	*root = tmpdir_new();
	char *dir = path_of(*root, "B7");
	sh_scan_batch *b = NULL;
	OK(sh_scan_batch_create(&b, dir, OWNER, "1.001234"));
	free(dir);
	return b;
}

static void done(sh_scan_batch **b, char *root)
{
	sh_scan_batch_close(b);
	rm_rf(root);
	free(root);
	/* Every library allocation is released (leaks inside SANE backends,
	 * which the library cannot free, are not counted here). */
	assert_int_equal(sh_alloc_live(), 0);
}

static void test_devices(void **state)
{
	(void)state;
	sh_scan_device *d = NULL;
	size_t n = 0;
	OK(sh_scan_devices(&d, &n));
	int test = 0, pnm = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(d[i].name, "test:0")) {
			test = 1;
			assert_string_equal(d[i].model, "frontend-tester");
			assert_string_equal(d[i].type, "virtual device");
		}
		if (!strcmp(d[i].name, "pnm:0"))
			pnm = 1;
	}
	assert_true(test && pnm);
	sh_scan_devices_free(&d, n);
	assert_null(d);
}

static void capture_file(const char *file, int want_depth)
{
	char *root;
	sh_scan_batch *b = fresh(&root);
	char *img = data_path(file), *opt = NULL;
	assert_true(asprintf(&opt, "filename=%s", img) > 0);
	const char *extra[] = {opt, NULL};
	sh_scan_options o = {.device = "pnm:0", .dpi = 150, .mode = SH_SCAN_GRAY, .extra = extra};
	if (want_depth == 24)
		o.mode = SH_SCAN_COLOR;
	OK(sh_scan_capture(b, &o));
	assert_int_equal(sh_scan_batch_count(b), 1);
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMPLETE);
	sh_scan_page pg;
	OK(sh_scan_batch_page(b, 0, &pg));
	assert_true(pg.dpi >= 200); /* 150 asked: never below 200 */
	assert_int_equal(pg.depth, want_depth);
	assert_int_equal(pg.source, SH_SCAN_FLATBED);
	assert_string_equal(pg.model, "PNM file reader");
	assert_int_equal(pg.sheet, 1);
	/* The scanned pixels are the file's pixels. */
	PIX *want = pixRead(img), *got = NULL;
	OK(sh_scan_batch_page_pix(b, pg.id, &got));
	l_int32 same = 0;
	pixEqual(want, got, &same);
	assert_true(same);
	pixDestroy(&want);
	pixDestroy(&got);
	sh_scan_options s = {0};
	sh_scan_batch_settings(b, &s);
	assert_string_equal(s.device, "pnm:0");
	assert_int_equal(s.dpi, pg.dpi);
	free(opt);
	free(img);
	done(&b, root);
}

static void test_pnm_grey(void **state) { (void)state; capture_file("clean300-crop.pgm", 8); }
static void test_pnm_colour(void **state) { (void)state; capture_file("color300-crop.ppm", 24); }

static void test_adf_until_empty(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = fresh(&root);
	sh_scan_options o = {.device = "test:0", .source = SH_SCAN_ADF, .extra = SMALL};
	OK(sh_scan_capture(b, &o));
	assert_int_equal(sh_scan_batch_count(b), 10);
	for (size_t i = 0; i < 10; i++) {
		sh_scan_page pg;
		OK(sh_scan_batch_page(b, i, &pg));
		assert_int_equal(pg.id, i + 1);
		assert_int_equal(pg.sheet, i + 1);
		assert_int_equal(pg.source, SH_SCAN_ADF);
		assert_int_equal(pg.dpi, 300);
		assert_int_equal(pg.width, 236); /* 20 mm at 300 dpi */
		assert_string_equal(pg.mime, "image/png");
	}
	done(&b, root);
}

static void test_lineart(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = fresh(&root);
	sh_scan_options o = {.device = "test:0", .mode = SH_SCAN_LINEART, .dpi = 200,
			     .extra = SMALL};
	OK(sh_scan_capture(b, &o));
	sh_scan_page pg;
	OK(sh_scan_batch_page(b, 0, &pg));
	assert_int_equal(pg.depth, 1);
	assert_int_equal(pg.mode, SH_SCAN_LINEART);
	assert_string_equal(pg.mime, "image/tiff");
	PIX *p = NULL;
	OK(sh_scan_batch_page_pix(b, pg.id, &p));
	/* Grid picture: both black and white pixels present. */
	l_int32 black = 0;
	pixCountPixels(p, &black, NULL);
	assert_true(black > 0 && black < pixGetWidth(p) * pixGetHeight(p));
	pixDestroy(&p);
	done(&b, root);
}

static void test_bad_options(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = fresh(&root);
	sh_scan_options o = {.device = "pnm:0", .source = SH_SCAN_ADF};
	assert_int_equal(sh_scan_capture(b, &o), SH_EINVAL); /* no feeder */
	o.device = "nosuch:0";
	o.source = SH_SCAN_FLATBED;
	assert_int_equal(sh_scan_capture(b, &o), SH_ENOTFOUND);
	o.device = "test:0";
	o.duplex = 1;
	o.source = SH_SCAN_ADF;
	assert_int_equal(sh_scan_capture(b, &o), SH_EINVAL); /* no duplex */
	const char *bad[] = {"no-such-option=1", NULL};
	o.duplex = 0;
	o.extra = bad;
	assert_int_equal(sh_scan_capture(b, &o), SH_EINVAL);
	/* Option errors leave the batch untouched. */
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMPLETE);
	assert_int_equal(sh_scan_batch_count(b), 0);
	done(&b, root);
}

/* A fault keeps the pages already captured, names the status and says how
 * to resume; resuming appends without duplicates. */
static void fault_and_resume(const char *status, int want_rc)
{
	char *root;
	sh_scan_batch *b = fresh(&root);
	sh_scan_options o = {.device = "test:0", .source = SH_SCAN_FLATBED, .extra = SMALL};
	OK(sh_scan_capture(b, &o));
	OK(sh_scan_capture(b, &o));
	assert_int_equal(sh_scan_batch_count(b), 2);

	char *rv = NULL;
	assert_true(asprintf(&rv, "read-return-value=%s", status) > 0);
	const char *extra[] = {"br-x=20", "br-y=15", rv, NULL};
	sh_scan_options f = {.device = "test:0", .source = SH_SCAN_ADF, .extra = extra};
	int rc = sh_scan_capture(b, &f);
	assert_int_equal(rc, want_rc);
	const char *msg = sh_error_message();
	assert_non_null(strstr(msg, status));
	assert_non_null(strstr(msg, "sohoa scan --resume B7"));
	assert_non_null(strstr(msg, "keeps its 2 pages"));
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_INTERRUPTED);
	assert_int_equal(sh_scan_batch_count(b), 2);
	assert_int_equal(sh_scan_batch_commit(b, "D"), SH_EINVAL);

	/* The fault is on disk. */
	char *dir = strdup(sh_scan_batch_dir(b));
	sh_scan_batch_close(&b);
	OK(sh_scan_batch_open(&b, dir));
	sh_scan_fault fl;
	sh_scan_batch_fault(b, &fl);
	assert_string_equal(fl.status, status);
	assert_int_equal(fl.pages_before, 2);
	assert_non_null(strstr(fl.message, "--resume"));

	/* Resume with the same settings once the jam is cleared. */
	sh_scan_options r = {0};
	sh_scan_batch_settings(b, &r);
	assert_int_equal(r.source, SH_SCAN_ADF);
	r.extra = SMALL;
	OK(sh_scan_capture(b, &r));
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMPLETE);
	assert_int_equal(sh_scan_batch_count(b), 12);
	for (size_t i = 0; i < 12; i++) {
		sh_scan_page pg;
		OK(sh_scan_batch_page(b, i, &pg));
		assert_int_equal(pg.id, i + 1);
		assert_int_equal(pg.sheet, i + 1);
	}
	sh_scan_batch_fault(b, &fl);
	assert_string_equal(fl.status, "");
	free(dir);
	free(rv);
	done(&b, root);
}

static void test_jammed(void **s) { (void)s; fault_and_resume("SANE_STATUS_JAMMED", SH_EDEVICE); }
static void test_cover_open(void **s) { (void)s; fault_and_resume("SANE_STATUS_COVER_OPEN", SH_EDEVICE); }
static void test_io_error(void **s) { (void)s; fault_and_resume("SANE_STATUS_IO_ERROR", SH_EDEVICE); }
static void test_no_docs(void **s) { (void)s; fault_and_resume("SANE_STATUS_NO_DOCS", SH_EDEVICE); }
static void test_busy(void **s) { (void)s; fault_and_resume("SANE_STATUS_DEVICE_BUSY", SH_EBUSY); }
static void test_cancelled(void **s) { (void)s; fault_and_resume("SANE_STATUS_CANCELLED", SH_ECANCELED); }
static void test_no_mem(void **s) { (void)s; fault_and_resume("SANE_STATUS_NO_MEM", SH_EDEVICE); }
static void test_denied(void **s) { (void)s; fault_and_resume("SANE_STATUS_ACCESS_DENIED", SH_EDEVICE); }

static int stop_after_3(void *arg, const sh_scan_page *pg)
{
	(void)arg;
	return pg->id == 3;
}

static void test_cancel_by_operator(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = fresh(&root);
	sh_scan_options o = {.device = "test:0", .source = SH_SCAN_ADF, .extra = SMALL,
			     .progress = stop_after_3};
	assert_int_equal(sh_scan_capture(b, &o), SH_ECANCELED);
	assert_int_equal(sh_scan_batch_count(b), 3);
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_INTERRUPTED);
	o.progress = NULL;
	OK(sh_scan_capture(b, &o));
	assert_int_equal(sh_scan_batch_count(b), 13);
	done(&b, root);
}

/* The scanner worker: the one child of this process (found in /proc). */
static pid_t worker_pid(void)
{
	pid_t me = getpid(), found = -1;
	DIR *d = opendir("/proc");
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = 0;
		char *rp = strrchr(buf, ')'); /* comm may hold spaces */
		int ppid = 0;
		char st;
		if (rp && sscanf(rp + 1, " %c %d", &st, &ppid) == 2 && ppid == me)
			found = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	return found;
}

/* After page 2 the driver freezes (SIGSTOP) or crashes (SIGSEGV). */
static int sabotage(void *arg, const sh_scan_page *pg)
{
	if (pg->id == 2) {
		pid_t w = worker_pid();
		assert_true(w > 0);
		assert_int_equal(kill(w, *(int *)arg), 0);
	}
	return 0;
}

/* A driver that hangs or crashes mid-feed cannot take the caller with it:
 * the capture gives up on it, the batch keeps the pages already recorded,
 * says what happened, and resumes. */
static void driver_fails(int sig, const char *status, const char *what)
{
	char *root;
	sh_scan_batch *b = fresh(&root);
	sh_scan_options o = {.device = "test:0", .source = SH_SCAN_ADF, .extra = SMALL,
			     .progress = sabotage, .progress_arg = &sig, .timeout_ms = 3000};
	int rc = sh_scan_capture(b, &o);
	assert_int_equal(rc, SH_EDEVICE);
	const char *msg = sh_error_message();
	if (!strstr(msg, what))
		fprintf(stderr, "message: %s\n", msg);
	assert_non_null(strstr(msg, what));
	assert_non_null(strstr(msg, status));
	assert_non_null(strstr(msg, "after 2 new pages"));
	assert_non_null(strstr(msg, "sohoa scan --resume B7"));
	assert_int_equal(sh_scan_batch_count(b), 2);
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_INTERRUPTED);
	sh_scan_fault fl;
	sh_scan_batch_fault(b, &fl);
	assert_string_equal(fl.status, status);
	/* no worker is left behind */
	assert_int_equal(worker_pid(), -1);
	o.progress = NULL;
	OK(sh_scan_capture(b, &o));
	assert_int_equal(sh_scan_batch_count(b), 12);
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMPLETE);
	done(&b, root);
}

static void test_driver_hangs(void **s) { (void)s; driver_fails(SIGSTOP, "TIMEOUT", "stopped responding for 3 s"); }
static void test_driver_crashes(void **s) { (void)s; driver_fails(SIGSEGV, "DRIVER_CRASHED", "crashed (signal 11)"); }

static void test_bad_timeout(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = fresh(&root);
	sh_scan_options o = {.device = "test:0", .extra = SMALL, .timeout_ms = -1};
	assert_int_equal(sh_scan_capture(b, &o), SH_EINVAL);
	assert_int_equal(sh_scan_batch_count(b), 0);
	done(&b, root);
}

int main(int argc, char **argv)
{
	/* one case per process (CTest runs each alone) */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_pnm_grey),
		cmocka_unit_test(test_pnm_colour),
		cmocka_unit_test(test_adf_until_empty),
		cmocka_unit_test(test_lineart),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_jammed),
		cmocka_unit_test(test_cover_open),
		cmocka_unit_test(test_io_error),
		cmocka_unit_test(test_no_docs),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_cancelled),
		cmocka_unit_test(test_no_mem),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_cancel_by_operator),
		cmocka_unit_test(test_driver_hangs),
		cmocka_unit_test(test_driver_crashes),
		cmocka_unit_test(test_bad_timeout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
