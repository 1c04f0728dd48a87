/* Archival TIFF masters: pixel-exact round trip, tags, tiffinfo clean. */
#include "helpers.h"

#include <sys/wait.h>
#include <tiffio.h>
#include <time.h>

static PIX *load(const char *name)
{
	char *p = data_path(name);
	PIX *pix = pixRead(p);
	free(p);
	assert_non_null(pix);
	return pix;
}

static uint8_t *slurp(const char *name, size_t *n)
{
	char *p = data_path(name);
	uint8_t *d = NULL;
	OK(sh_file_read(&d, n, p, 1 << 24));
	free(p);
	return d;
}

/* tiffinfo -D (decode every strip) must exit 0 and print nothing on stderr. */
static void tiffinfo_clean(const char *path)
{
	char *cmd = NULL, *errp = NULL;
	assert_true(asprintf(&errp, "%s.err", path) > 0);
	assert_true(asprintf(&cmd, "tiffinfo -D '%s' >/dev/null 2>'%s'", path, errp) > 0);
	int st = system(cmd);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	struct stat sb;
	assert_int_equal(stat(errp, &sb), 0);
	if (sb.st_size != 0) {
		char buf[512] = "";
		FILE *f = fopen(errp, "r");
		size_t k = fread(buf, 1, sizeof buf - 1, f);
		buf[k] = 0;
		fclose(f);
		fail_msg("tiffinfo warned: %s", buf);
	}
	unlink(errp);
	free(cmd);
	free(errp);
}

static void test_roundtrip(void **state)
{
	(void)state;
	PIX *grey = load("clean300-crop.pgm");
	PIX *colour = load("color300-crop.ppm");
	PIX *bilevel = load("fax200.tif");
	assert_int_equal(pixGetDepth(bilevel), 1);
	assert_int_equal(pixGetDepth(colour), 32);
	sh_scan_master *m = NULL;
	sh_scan_master_info info = {"GKS", "Fujitsu", "fi-7160", 1700000000};
	OK(sh_scan_master_new(&m, &info));
	OK(sh_scan_master_add_pix(m, bilevel, 0));
	OK(sh_scan_master_add_pix(m, grey, 300));
	OK(sh_scan_master_add_pix(m, colour, 300));
	size_t jn = 0;
	uint8_t *jpeg = slurp("office200-crop.jpg", &jn);
	OK(sh_scan_master_add_bytes(m, jpeg, jn, 0));
	uint8_t *tif = NULL;
	size_t tn = 0;
	OK(sh_scan_master_finish(m, &tif, &tn));
	assert_int_equal(sh_scan_master_add_pix(m, grey, 300), SH_EINVAL);
	sh_scan_master_free(&m);

	PIX *want[3] = {bilevel, grey, colour};
	for (size_t i = 0; i < 3; i++) {
		PIX *got = NULL;
		size_t n = 0;
		OK(sh_scan_master_read(&got, &n, tif, tn, i));
		assert_int_equal(n, 4);
		l_int32 same = 0;
		pixEqual(want[i], got, &same);
		assert_true(same);
		assert_int_equal(pixGetXRes(got), i == 0 ? 200 : 300);
		pixDestroy(&got);
	}
	/* The JPEG page keeps its size and resolution (stored, not re-encoded). */
	PIX *jp = NULL;
	OK(sh_scan_master_read(&jp, NULL, tif, tn, 3));
	assert_int_equal(pixGetWidth(jp), 400);
	assert_int_equal(pixGetHeight(jp), 300);
	assert_int_equal(pixGetXRes(jp), 200);
	PIX *jref = pixReadMem(jpeg, jn);
	assert_non_null(jref);
	/* Decoded by another path: close, not necessarily identical. */
	PIX *g1 = pixConvertTo8(jp, 0), *g2 = pixConvertTo8(jref, 0);
	l_float32 diff = 0;
	pixCompareGrayOrRGB(g1, g2, L_COMPARE_ABS_DIFF, 0, NULL, &diff, NULL, NULL);
	assert_true(diff < 3.0f);
	pixDestroy(&g1);
	pixDestroy(&g2);
	pixDestroy(&jref);
	pixDestroy(&jp);
	PIX *none = NULL;
	assert_int_equal(sh_scan_master_read(&none, NULL, tif, tn, 4), SH_ENOTFOUND);
	assert_int_equal(sh_scan_master_read(&none, NULL, jpeg, jn, 0), SH_EINVAL);

	/* Tags, checked with libtiff on a file; tiffinfo reads it cleanly. */
	char *dir = tmpdir_new(), *path = path_of(dir, "m.tif");
	FILE *f = fopen(path, "wb");
	assert_int_equal(fwrite(tif, 1, tn, f), tn);
	fclose(f);
	tiffinfo_clean(path);
	TIFF *t = TIFFOpen(path, "r");
	assert_non_null(t);
	uint16_t comp[4] = {0};
	for (int i = 0; i < 4; i++) {
		char *s = NULL;
		TIFFGetField(t, TIFFTAG_COMPRESSION, &comp[i]);
		assert_true(TIFFGetField(t, TIFFTAG_IMAGEDESCRIPTION, &s));
		assert_string_equal(s, "GKS");
		assert_true(TIFFGetField(t, TIFFTAG_MAKE, &s));
		assert_string_equal(s, "Fujitsu");
		assert_true(TIFFGetField(t, TIFFTAG_MODEL, &s));
		assert_string_equal(s, "fi-7160");
		assert_true(TIFFGetField(t, TIFFTAG_DATETIME, &s));
		/* local time (TZ=Asia/Ho_Chi_Minh, main): 22:13:20 UTC + 7 h */
		assert_string_equal(s, "2023:11:15 05:13:20");
		uint16_t pg = 99, total = 99;
		assert_true(TIFFGetField(t, TIFFTAG_PAGENUMBER, &pg, &total));
		assert_int_equal(pg, i);
		assert_int_equal(total, 4);
		assert_true(TIFFGetField(t, TIFFTAG_SOFTWARE, &s));
		assert_non_null(strstr(s, "sohoa"));
		if (i < 3)
			assert_true(TIFFReadDirectory(t));
	}
	TIFFClose(t);
	assert_int_equal(comp[0], COMPRESSION_CCITTFAX4);
	assert_int_equal(comp[1], COMPRESSION_ADOBE_DEFLATE);
	assert_int_equal(comp[2], COMPRESSION_ADOBE_DEFLATE);
	assert_int_equal(comp[3], COMPRESSION_JPEG);

	/* Written through the atomic path; read by the image-file module. */
	OK(sh_scan_master_new(&m, &info));
	OK(sh_scan_master_add_pix(m, grey, 300));
	char *p2 = path_of(dir, "m2.tif");
	OK(sh_scan_master_write(m, p2));
	sh_scan_master_free(&m);
	tiffinfo_clean(p2);
	sh_scan_file *sf = NULL;
	OK(sh_scan_file_open(&sf, p2));
	assert_int_equal(sh_scan_file_pages(sf), 1);
	sh_scan_file_free(&sf);

	free(p2);
	free(path);
	rm_rf(dir);
	free(dir);
	sh_free(tif);
	sh_free(jpeg);
	pixDestroy(&grey);
	pixDestroy(&colour);
	pixDestroy(&bilevel);
}

/* Odd widths and tiny pages: padding bits must not leak into pixels. */
static void test_odd_sizes(void **state)
{
	(void)state;
	int sizes[][2] = {{1, 1}, {7, 3}, {33, 5}, {65, 2}};
	for (size_t k = 0; k < 4; k++)
		for (int di = 0; di < 3; di++) {
			int depth = di == 0 ? 1 : di == 1 ? 8 : 32;
			PIX *p = pixCreate(sizes[k][0], sizes[k][1], depth);
			for (int y = 0; y < sizes[k][1]; y++)
				for (int x = 0; x < sizes[k][0]; x++)
					pixSetPixel(p, x, y,
						    depth == 1 ? (unsigned)(x + y) & 1
						    : depth == 8 ? (unsigned)(x * 40 + y * 7) & 0xff
								 : ((unsigned)(x * 40 + y * 7) << 8) & 0xffffff00);
			sh_scan_master *m = NULL;
			OK(sh_scan_master_new(&m, NULL));
			OK(sh_scan_master_add_pix(m, p, 200));
			uint8_t *t = NULL;
			size_t n = 0;
			OK(sh_scan_master_finish(m, &t, &n));
			sh_scan_master_free(&m);
			PIX *g = NULL;
			OK(sh_scan_master_read(&g, NULL, t, n, 0));
			l_int32 same = 0;
			pixEqual(p, g, &same);
			assert_true(same);
			pixDestroy(&g);
			pixDestroy(&p);
			sh_free(t);
		}
}

static void test_alloc_failures(void **state)
{
	(void)state;
	PIX *grey = load("clean300-crop.pgm");
	for (long k = 1; k < 200; k++) {
		sh_scan_master *m = NULL;
		uint8_t *t = NULL;
		size_t n = 0;
		sh_alloc_fail_at(k, 0);
		int rc = sh_scan_master_new(&m, NULL);
		if (rc == SH_OK)
			rc = sh_scan_master_add_pix(m, grey, 300);
		if (rc == SH_OK)
			rc = sh_scan_master_finish(m, &t, &n);
		sh_alloc_fail_at(0, 0);
		sh_scan_master_free(&m);
		if (rc == SH_OK) {
			sh_free(t);
			break;
		}
		assert_int_equal(rc, SH_ENOMEM);
	}
	pixDestroy(&grey);
}

/* A page scanned turned (the clean-up rotated it 90/180/270 degrees
 * clockwise) is exported upright: pixels turned, or for a JPEG kept as
 * scanned the Orientation tag, which the reader applies (issue 19). */
static void test_turned_pages(void **state)
{
	(void)state;
	PIX *grey = load("clean300-crop.pgm");
	PIX *bilevel = load("fax200.tif");
	size_t jn = 0;
	uint8_t *jpeg = slurp("office200-crop.jpg", &jn);
	PIX *jref = pixReadMem(jpeg, jn);
	assert_non_null(jref);
	static const uint16_t want_tag[4] = {1, 6, 3, 8};
	for (int q = 0; q < 4; q++) {
		/* the page as the scanner gave it: upright turned back by q quarters */
		PIX *sg = pixRotateOrth(grey, (4 - q) % 4), *sb = pixRotateOrth(bilevel, (4 - q) % 4);
		PIX *sj = pixRotateOrth(jref, (4 - q) % 4);
		l_int32 jw, jh;
		pixGetDimensions(sj, &jw, &jh, NULL);
		uint8_t *jbytes = NULL;
		size_t jlen = 0;
		assert_int_equal(pixWriteMemJpeg(&jbytes, &jlen, sj, 95, 0), 0);
		sh_scan_master *m = NULL;
		OK(sh_scan_master_new(&m, NULL));
		OK(sh_scan_master_set_turn(m, 90 * q));
		OK(sh_scan_master_add_pix(m, sg, 300));
		OK(sh_scan_master_add_pix(m, grey, 300)); /* the turn was for one page only */
		OK(sh_scan_master_set_turn(m, q == 3 ? -90 : 90 * q));
		OK(sh_scan_master_add_pix(m, sb, 0));
		OK(sh_scan_master_set_turn(m, 90 * q));
		OK(sh_scan_master_add_bytes(m, jbytes, jlen, 200));
		assert_int_equal(sh_scan_master_set_turn(m, 45), SH_EINVAL);
		uint8_t *tif = NULL;
		size_t tn = 0;
		OK(sh_scan_master_finish(m, &tif, &tn));
		sh_scan_master_free(&m);
		PIX *want[3] = {grey, grey, bilevel};
		for (size_t i = 0; i < 3; i++) {
			PIX *got = NULL;
			OK(sh_scan_master_read(&got, NULL, tif, tn, i));
			l_int32 same = 0;
			pixEqual(want[i], got, &same);
			assert_true(same);
			pixDestroy(&got);
		}
		/* JPEG: stored as scanned with the tag; read back upright */
		PIX *got = NULL;
		OK(sh_scan_master_read(&got, NULL, tif, tn, 3));
		assert_int_equal(pixGetWidth(got), pixGetWidth(jref));
		assert_int_equal(pixGetHeight(got), pixGetHeight(jref));
		PIX *g1 = pixConvertTo8(got, 0), *g2 = pixConvertTo8(jref, 0);
		l_float32 diff = 0;
		pixCompareGrayOrRGB(g1, g2, L_COMPARE_ABS_DIFF, 0, NULL, &diff, NULL, NULL);
		assert_true(diff < 4.0f);
		pixDestroy(&g1);
		pixDestroy(&g2);
		pixDestroy(&got);
		char *dir = tmpdir_new(), *path = path_of(dir, "t.tif");
		FILE *f = fopen(path, "wb");
		assert_int_equal(fwrite(tif, 1, tn, f), tn);
		fclose(f);
		tiffinfo_clean(path);
		TIFF *t = TIFFOpen(path, "r");
		assert_non_null(t);
		uint16_t o = 0;
		for (int i = 0; i < 3; i++) {
			assert_true(TIFFGetFieldDefaulted(t, TIFFTAG_ORIENTATION, &o));
			assert_int_equal(o, ORIENTATION_TOPLEFT);
			assert_true(TIFFReadDirectory(t));
		}
		uint32_t w = 0;
		assert_true(TIFFGetFieldDefaulted(t, TIFFTAG_ORIENTATION, &o));
		assert_int_equal(o, want_tag[q]);
		TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
		assert_int_equal(w, jw); /* the JPEG itself is not re-encoded */
		TIFFClose(t);
		rm_rf(dir);
		free(path);
		free(dir);
		free(jbytes);
		sh_free(tif);
		pixDestroy(&sg);
		pixDestroy(&sb);
		pixDestroy(&sj);
	}
	pixDestroy(&jref);
	pixDestroy(&grey);
	pixDestroy(&bilevel);
	sh_free(jpeg);
}

int main(void)
{
	/* DateTime is local time: pin the office's zone */
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turned_pages),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_odd_sizes),
		cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
