/* archive/ (sh_arch.h): separator payloads, sheets printed and found again
 * (300 and 200 dpi, skewed, upside down, in a multi-page TIFF, as PDF), a
 * paper's page is not a separator, splitting a box. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <leptonica/allheaders.h>

#include "sh_arch.h"

static char tmpdir[] = "/tmp/sh_arch_test.XXXXXX";

static void payload_roundtrip(void **st)
{
	(void)st;
	sh_arch_sep s = {0}, r;
	char buf[SH_ARCH_PAYLOAD_MAX];
	assert_int_equal(sh_arch_payload_format(buf, sizeof buf, &s), SH_OK);
	assert_string_equal(buf, "SOHOA-SEP:1");
	snprintf(s.owner, sizeof s.owner, "001099012345");
	snprintf(s.book, sizeof s.book, "Sổ khai sinh 2019 quyển 2");
	s.n = 17;
	assert_int_equal(sh_arch_payload_format(buf, sizeof buf, &s), SH_OK);
	assert_string_equal(buf, "SOHOA-SEP:1;owner=001099012345;book=Sổ khai sinh 2019 quyển 2;n=17");
	assert_int_equal(sh_arch_payload_parse(&r, buf, strlen(buf)), SH_OK);
	assert_string_equal(r.owner, s.owner);
	assert_string_equal(r.book, s.book);
	assert_int_equal(r.n, 17);
	/* a branch tax code is kept canonical (no dash) */
	const char *b = "SOHOA-SEP:1;n=3;owner=0100109106-001";
	int rc = sh_arch_payload_parse(&r, b, strlen(b));
	if (rc == SH_OK)
		assert_string_equal(r.owner, "0100109106001");
	/* unknown keys are skipped */
	const char *u = "SOHOA-SEP:1;page=12;book=A";
	assert_int_equal(sh_arch_payload_parse(&r, u, strlen(u)), SH_OK);
	assert_string_equal(r.book, "A");
	/* too small a buffer */
	assert_int_equal(sh_arch_payload_format(buf, 12, &s), SH_ELIMIT);
}

static void payload_rejects(void **st)
{
	(void)st;
	const char *bad[] = {
		"", "SOHOA", "SOHOA-SEP:2", "sohoa-sep:1", "SOHOA-SEP:1;", "SOHOA-SEP:1x",
		"SOHOA-SEP:1;owner=12", "SOHOA-SEP:1;owner=", "SOHOA-SEP:1;book=",
		"SOHOA-SEP:1;book=a;book=b", "SOHOA-SEP:1;n=0", "SOHOA-SEP:1;n=1234567",
		"SOHOA-SEP:1;n=1a", "SOHOA-SEP:1;n=1;n=2", "SOHOA-SEP:1;=x", "SOHOA-SEP:1;Owner=1",
		"SOHOA-SEP:1;book=a\x01", "SOHOA-SEP:1;book=\xc3", "SOHOA-SEP:1;x=\x02",
		"https://dichvucong.gov.vn/?q=SOHOA-SEP:1", NULL};
	sh_arch_sep r;
	for (int i = 0; bad[i]; i++) {
		r.n = 99;
		assert_int_equal(sh_arch_payload_parse(&r, bad[i], strlen(bad[i])), SH_EINVAL);
		assert_int_equal(r.n, 0);
		assert_string_equal(r.owner, "");
	}
	/* a NUL inside the bytes is not text */
	assert_int_equal(sh_arch_payload_parse(&r, "SOHOA-SEP:1;book=a\0b", 20), SH_EINVAL);
	char big[400];
	memset(big, 'a', sizeof big);
	memcpy(big, "SOHOA-SEP:1;zz=", 15);
	assert_int_equal(sh_arch_payload_parse(&r, big, sizeof big), SH_EINVAL);
	sh_arch_sep s = {0};
	snprintf(s.book, sizeof s.book, "a;b");
	char buf[SH_ARCH_PAYLOAD_MAX];
	assert_int_equal(sh_arch_payload_format(buf, sizeof buf, &s), SH_EINVAL);
	snprintf(s.book, sizeof s.book, "ok");
	snprintf(s.owner, sizeof s.owner, "12345");
	assert_int_equal(sh_arch_payload_format(buf, sizeof buf, &s), SH_EINVAL);
}

static void tmp(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static void detect_expect(const char *path, int page, int want, const char *owner)
{
	int found = -1;
	sh_arch_sep r;
	assert_int_equal(sh_arch_detect_file(&found, &r, path, page), SH_OK);
	assert_int_equal(found, want);
	if (want)
		assert_string_equal(r.owner, owner);
}

static void sheets_found(void **st)
{
	(void)st;
	sh_arch_sep s = {0};
	snprintf(s.owner, sizeof s.owner, "001099012345");
	snprintf(s.book, sizeof s.book, "Hộp 7");
	char p300[512], p200[512], rot[512], tif[512];
	tmp(p300, sizeof p300, "sep300.png");
	tmp(p200, sizeof p200, "sep200.png");
	assert_int_equal(sh_arch_separators_write(p300, &s, 0, 1, 300), SH_OK);
	assert_int_equal(sh_arch_separators_write(p200, &s, 0, 1, 200), SH_OK);
	detect_expect(p300, 0, 1, "001099012345");
	detect_expect(p200, 0, 1, "001099012345");
	{
		int f0;
		sh_arch_sep r0;
		assert_int_equal(sh_arch_detect_file(&f0, &r0, p200, 0), SH_OK);
		assert_string_equal(r0.book, "Hộp 7"); /* UTF-8 kept (no charset guess) */
	}
	PIX *p = pixRead(p200);
	assert_non_null(p);
	PIX *g = pixConvertTo8(p, 0);
	tmp(tif, sizeof tif, "box.tif");
	const float angles[] = {3.0f, -7.0f, 180.0f, 0.0f};
	for (int i = 0; i < 4; i++) {
		PIX *r = angles[i] == 180.0f ? pixRotate180(NULL, g)
			 : angles[i] == 0.0f ? pixClone(g)
					      : pixRotate(g, angles[i] * 3.14159265f / 180.0f,
							  L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
		assert_non_null(r);
		tmp(rot, sizeof rot, "rot.png");
		assert_int_equal(pixWrite(rot, r, IFF_PNG), 0);
		detect_expect(rot, 0, 1, "001099012345");
		assert_int_equal(pixWriteTiff(tif, r, IFF_TIFF_ZIP, i ? "a" : "w"), 0);
		pixDestroy(&r);
	}
	/* a paper's page (no QR) between separators in the TIFF */
	PIX *paper = pixRead(SOHOA_TEST_DATA "/papers/dev01-quyet-dinh-clean300.png");
	assert_non_null(paper);
	assert_int_equal(pixWriteTiff(tif, paper, IFF_TIFF_ZIP, "a"), 0);
	pixDestroy(&paper);
	for (int i = 0; i < 4; i++)
		detect_expect(tif, i, 1, "001099012345");
	detect_expect(tif, 4, 0, NULL);
	int np = 0;
	assert_int_equal(sh_arch_file_pages(&np, tif), SH_OK);
	assert_int_equal(np, 5);
	assert_int_equal(sh_arch_file_pages(&np, p200), SH_OK);
	assert_int_equal(np, 1);
	int found;
	sh_arch_sep r;
	assert_int_equal(sh_arch_detect_file(&found, &r, tif, 5), SH_EINVAL);
	char nope[512];
	tmp(nope, sizeof nope, "missing.png");
	assert_int_equal(sh_arch_detect_file(&found, &r, nope, 0), SH_ENOTFOUND);
	pixDestroy(&g);
	pixDestroy(&p);
}

static void sheets_many_and_pdf(void **st)
{
	(void)st;
	sh_arch_sep s = {0};
	snprintf(s.book, sizeof s.book, "Sổ 3");
	char base[512], f[512], pdf[512];
	tmp(base, sizeof base, "run.png");
	assert_int_equal(sh_arch_separators_write(base, &s, 5, 3, 150), SH_OK);
	for (int i = 1; i <= 3; i++) {
		snprintf(f, sizeof f, "%s/run-%03d.png", tmpdir, i);
		int found;
		sh_arch_sep r;
		assert_int_equal(sh_arch_detect_file(&found, &r, f, 0), SH_OK);
		assert_int_equal(found, 1);
		assert_int_equal(r.n, 4 + i);
		assert_string_equal(r.book, "Sổ 3");
	}
	tmp(pdf, sizeof pdf, "seps.pdf");
	assert_int_equal(sh_arch_separators_write(pdf, &s, 0, 2, 300), SH_OK);
	FILE *fp = fopen(pdf, "rb");
	assert_non_null(fp);
	char head[5] = {0};
	assert_int_equal(fread(head, 1, 4, fp), 4);
	fclose(fp);
	assert_memory_equal(head, "%PDF", 4);
	/* bad arguments write nothing */
	char bad[512];
	tmp(bad, sizeof bad, "bad.png");
	assert_int_equal(sh_arch_separators_write(bad, &s, 0, 0, 300), SH_ELIMIT);
	assert_int_equal(sh_arch_separators_write(bad, &s, 0, 1, 50), SH_EINVAL);
	snprintf(s.owner, sizeof s.owner, "123");
	assert_int_equal(sh_arch_separators_write(bad, &s, 0, 1, 300), SH_EINVAL);
	assert_int_not_equal(access(bad, F_OK), 0);
	tmp(bad, sizeof bad, "no/such/dir/x.png");
	s.owner[0] = 0;
	assert_int_equal(sh_arch_separators_write(bad, &s, 0, 1, 300), SH_EIO);
}

enum { C = SH_ARCH_PAGE_CONTENT, S = SH_ARCH_PAGE_SEPARATOR, B = SH_ARCH_PAGE_BLANK };

static void split_box(void **st)
{
	(void)st;
	sh_arch_part *p;
	size_t n;
	/* S C C S S C B C B S C (two separators in a row; a duplex blank back) */
	const int k1[] = {S, C, C, S, S, C, B, C, B, S, C};
	assert_int_equal(sh_arch_split(&p, &n, k1, 11, 0), SH_OK);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].first, 1);
	assert_int_equal(p[0].npages, 2);
	assert_int_equal(p[0].sep_page, 0);
	assert_int_equal(p[0].flags, 0);
	assert_int_equal(p[1].first, 5);
	assert_int_equal(p[1].npages, 3);
	assert_int_equal(p[1].sep_page, 4);
	assert_int_equal(p[2].first, 10);
	assert_int_equal(p[2].npages, 1);
	sh_free(p);
	/* the same with the blank fallback: the blank splits, flagged */
	assert_int_equal(sh_arch_split(&p, &n, k1, 11, 1), SH_OK);
	assert_int_equal(n, 4);
	assert_int_equal(p[1].first, 5);
	assert_int_equal(p[1].npages, 1);
	assert_int_equal(p[2].first, 7);
	assert_int_equal(p[2].npages, 1);
	assert_int_equal(p[2].sep_page, (size_t)-1);
	assert_true(p[2].flags & SH_ARCH_PART_BLANK_SPLIT);
	assert_true(p[2].flags & SH_ARCH_PART_REVIEW);
	assert_int_equal(p[3].flags, 0);
	sh_free(p);
	/* no separator first: flagged */
	const int k2[] = {C, B, B, S, C};
	assert_int_equal(sh_arch_split(&p, &n, k2, 5, 1), SH_OK);
	assert_int_equal(n, 2);
	assert_true(p[0].flags & SH_ARCH_PART_NO_SEPARATOR);
	assert_int_equal(p[0].npages, 1);
	sh_free(p);
	/* only separators and blanks: no paper */
	const int k3[] = {S, B, S, S};
	assert_int_equal(sh_arch_split(&p, &n, k3, 4, 1), SH_OK);
	assert_int_equal(n, 0);
	sh_free(p);
	assert_int_equal(sh_arch_split(&p, &n, NULL, 0, 1), SH_OK);
	assert_int_equal(n, 0);
	sh_free(p);
	const int k4[] = {S, 7};
	assert_int_equal(sh_arch_split(&p, &n, k4, 2, 1), SH_EINVAL);
	assert_null(p);
}

/* A receipt's QR code (sh_arch_qr_svg): only fixed markup and path data,
 * and it reads back through ZBar (the separator detector) once drawn. */
static void qr_svg_reads_back(void **st)
{
	(void)st;
	char *svg = NULL;
	size_t len = 0;
	assert_int_equal(sh_arch_qr_svg(&svg, &len, ""), SH_EINVAL);
	assert_null(svg);
	char big[SH_ARCH_QR_TEXT_MAX + 2];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = 0;
	assert_int_equal(sh_arch_qr_svg(&svg, &len, big), SH_ELIMIT);
	const char *text = SH_ARCH_MAGIC ";n=4711;book=<b>&x";
	assert_int_equal(sh_arch_qr_svg(&svg, &len, text), SH_OK);
	assert_int_equal(strlen(svg), len);
	assert_null(strstr(svg, "4711"));
	assert_null(strstr(svg, "&"));
	int size = 0;
	assert_int_equal(sscanf(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d", &size), 1);
	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	/* draw the runs, 8 pixels a module, and look for the QR code */
	const int px = 8, W = size * px;
	unsigned char *g = malloc((size_t)W * W);
	assert_non_null(g);
	memset(g, 255, (size_t)W * W);
	int x, y, n, m, used, runs = 0;
	while (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) == 4 && n == m) {
		assert_true(x >= 0 && y >= 0 && x + n <= size && y < size);
		for (int yy = y * px; yy < (y + 1) * px; yy++)
			memset(g + (size_t)yy * W + (size_t)x * px, 0, (size_t)n * px);
		d += used;
		runs++;
	}
	assert_true(runs > 20);
	assert_string_equal(d, "\"/></svg>\n");
	int found = 0;
	sh_arch_sep sep;
	assert_int_equal(sh_arch_detect_gray(&found, &sep, g, W, W, (size_t)W), SH_OK);
	assert_int_equal(found, 1);
	assert_int_equal(sep.n, 4711);
	free(g);
	sh_free(svg);
}

/* Blank pages: white with scanner dust and a punch hole in the margin are
 * blank; one short line of text or a signature is not. And a sheet's page
 * classifies as a separator, a paper page as content. */
static void blank_pages(void **st)
{
	(void)st;
	int w = 1654, h = 2339;
	unsigned char *g = malloc((size_t)w * (size_t)h);
	assert_non_null(g);
	memset(g, 245, (size_t)w * (size_t)h);
	for (int k = 0; k < 300; k++) /* dust */
		g[(size_t)((k * 7919) % h) * (size_t)w + (size_t)((k * 104729) % w)] = 60;
	for (int y = 1100; y < 1160; y++) /* a punch hole in the left margin */
		for (int x = 40; x < 100; x++)
			g[(size_t)y * (size_t)w + (size_t)x] = 0;
	assert_int_equal(sh_arch_blank_gray(g, w, h, (size_t)w), 1);
	/* a signature: a stroke 300 px long, 8 px thick */
	for (int x = 900; x < 1200; x++)
		for (int y = 0; y < 8; y++)
			g[(size_t)(1800 + y + (x - 900) / 10) * (size_t)w + (size_t)x] = 20;
	assert_int_equal(sh_arch_blank_gray(g, w, h, (size_t)w), 0);
	assert_int_equal(sh_arch_blank_gray(NULL, w, h, (size_t)w), 0);
	free(g);
	int kind = -1;
	sh_arch_sep sep;
	char png[512];
	tmp(png, sizeof png, "blank-sep.png");
	sh_arch_sep want = {.owner = "001099012345"};
	assert_int_equal(sh_arch_separators_write(png, &want, 0, 1, 200), SH_OK);
	assert_int_equal(sh_arch_classify_file(&kind, &sep, png, 0), SH_OK);
	assert_int_equal(kind, SH_ARCH_PAGE_SEPARATOR);
	assert_string_equal(sep.owner, "001099012345");
	unlink(png);
	assert_int_equal(sh_arch_classify_file(&kind, &sep,
					       SOHOA_TEST_DATA "/papers/dev01-quyet-dinh-clean300.png", 0),
			 SH_OK);
	assert_int_equal(kind, SH_ARCH_PAGE_CONTENT);
	assert_int_equal(sh_arch_classify_file(&kind, &sep, "/nonexistent.png", 0), SH_ENOTFOUND);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payload_roundtrip), cmocka_unit_test(payload_rejects),
		cmocka_unit_test(sheets_found),      cmocka_unit_test(sheets_many_and_pdf),
		cmocka_unit_test(split_box),         cmocka_unit_test(qr_svg_reads_back),
		cmocka_unit_test(blank_pages),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
