/* tests/pdf/test_pdf.c — pdf/ units: the hOCR parser, image classes, and
 * every allocation failing in turn while a page is added and written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <leptonica/allheaders.h>

#include "pdf_int.h"
#include "sh_pdf.h"

static const char HOCR[] =
	"<div class='ocr_page' id='page_1' title='image \"\"; bbox 0 0 2000 3000; ppageno 0'>\n"
	"<span class='ocr_line' id='line_1_1' title=\"bbox 10 20 900 80; baseline 0.01 -12; x_size 50\">"
	"<span class='ocrx_word' id='word_1_1' title='bbox 10 20 300 70; x_wconf 90'>C&#7896;NG</span> "
	"<span class='ocrx_word' id='word_1_2' title='bbox 400 20 900 80; x_wconf 90'><em>a&lt;b&gt;&quot;&amp;</em></span>"
	"</span>\n"
	"<span class='ocr_line' id='line_1_2' title=\"bbox 10 100 900 160\">"
	"<span class='ocrx_word' id='word_1_3' title='bbox 10 100 90 160'>x</span>"
	"<span class='ocrx_word' id='word_1_4' title='bbox 100 100 200 160'></span>"
	"<span class='ocrx_word' id='word_1_5'>nobox</span>"
	"</span></div>";

static void hocr_words(void **state)
{
	pdf_hocr h;
	assert_int_equal(pdf_hocr_parse(&h, HOCR, strlen(HOCR)), SH_OK);
	assert_int_equal(h.page_w, 2000);
	assert_int_equal(h.page_h, 3000);
	assert_int_equal(h.nwords, 3); /* the empty word and the one without a box are left out */
	assert_string_equal(h.words[0].text, "C\xe1\xbb\x98NG");
	assert_string_equal(h.words[1].text, "a<b>\"&");
	assert_int_equal(h.words[1].x0, 400);
	assert_int_equal(h.words[1].ly1, 80);
	assert_true(h.words[0].base == -12 && h.words[0].slope > 0.009);
	assert_int_equal(h.words[0].line, h.words[1].line);
	assert_int_not_equal(h.words[1].line, h.words[2].line);
	assert_true(h.words[2].base == 0);
	pdf_hocr_clear(&h);
}

static void hocr_refused(void **state)
{
	const char *bad[] = {
		"<span class='ocrx_word' title='bbox 10 10 5 5'>x</span>",      /* negative size */
		"<span class='ocrx_word' title='bbox 1 2 3'>x</span>",          /* short bbox */
		"<span class='ocrx_word' title='bbox 1 2 3 4'>x",               /* unterminated */
		"<span class='ocrx_word' title='bbox 1 2 3 4'>&bogus;</span>",   /* entity */
		"<span class='ocrx_word' title='bbox 1 2 3 4'>&#xD800;</span>",  /* surrogate */
		"<span class='ocrx_word' title='bbox 1 2 3 4'>&#0;</span>",
		"<span class='ocrx_word' title='bbox 1 2 3 4'>\xff</span>",      /* not UTF-8 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		pdf_hocr h;
		long live = sh_alloc_live();
		assert_int_equal(pdf_hocr_parse(&h, bad[i], strlen(bad[i])), SH_EINVAL);
		assert_int_equal(h.nwords, 0);
		assert_int_equal(sh_alloc_live(), live);
	}
	pdf_hocr h;
	assert_int_equal(pdf_hocr_parse(&h, "", 0), SH_OK);
	assert_int_equal(h.nwords, 0);
}

static uint8_t *png_of(PIX *p, size_t *len)
{
	l_uint8 *d = NULL;
	assert_int_equal(pixWriteMemPng(&d, len, p, 0.0f), 0);
	uint8_t *b = malloc(*len);
	memcpy(b, d, *len);
	lept_free(d);
	return b;
}

static void image_classes(void **state)
{
	struct {
		int depth, cmap;
		int filter;
	} cases[] = {{1, 0, PDF_FLATE_PNG}, {8, 0, PDF_FLATE_PNG}, {32, 0, PDF_FLATE_PNG},
		     {8, 1, PDF_FLATE_PNG}, {16, 0, PDF_RAW}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		PIX *p = pixCreate(64, 32, cases[i].depth);
		if (cases[i].cmap)
			pixSetColormap(p, pixcmapCreateRandom(8, 0, 0));
		if (cases[i].depth == 32)
			pixSetSpp(p, 3);
		size_t len;
		uint8_t *b = png_of(p, &len);
		pdf_img img;
		assert_int_equal(pdf_img_from_bytes(&img, b, len, "image/png"), SH_OK);
		assert_int_equal(img.filter, cases[i].filter);
		assert_int_equal(img.width, 64);
		assert_int_equal(img.height, 32);
		if (cases[i].cmap)
			assert_true(img.npalette > 0);
		pdf_img_clear(&img);
		free(b);
		pixDestroy(&p);
	}
	/* G4 TIFF kept as CCITT */
	PIX *p = pixCreate(100, 50, 1);
	l_uint8 *d = NULL;
	size_t n = 0;
	assert_int_equal(pixWriteMemTiff(&d, &n, p, IFF_TIFF_G4), 0);
	pdf_img img;
	assert_int_equal(pdf_img_from_bytes(&img, d, n, "image/tiff"), SH_OK);
	assert_int_equal(img.filter, PDF_CCITT);
	pdf_img_clear(&img);
	lept_free(d);
	/* LZW TIFF decoded */
	assert_int_equal(pixWriteMemTiff(&d, &n, p, IFF_TIFF_LZW), 0);
	assert_int_equal(pdf_img_from_bytes(&img, d, n, "image/tiff"), SH_OK);
	assert_int_equal(img.filter, PDF_RAW);
	assert_int_equal(img.invert, 1);
	pdf_img_clear(&img);
	lept_free(d);
	pixDestroy(&p);
	/* refused */
	assert_int_equal(pdf_img_from_bytes(&img, (const uint8_t *)"junk", 4, NULL), SH_EINVAL);
	assert_int_equal(pdf_img_from_bytes(&img, (const uint8_t *)"\xff\xd8\xff", 3, NULL), SH_EINVAL);
}

/* Every allocation made through sh_malloc failing in turn: an error, no leak. */
static void faults(void **state)
{
	PIX *p = pixCreate(200, 100, 8);
	size_t len;
	uint8_t *b = png_of(p, &len);
	pixDestroy(&p);
	sh_pdf_page pg = {.image = b, .image_len = len, .dpi = 300, .hocr = HOCR,
			  .hocr_len = strlen(HOCR)};
	sh_pdf_meta meta = {.title = "t", .author = "a", .subject = "s", .keywords = "k",
			    .created = 1};
	int done = 0;
	for (long n = 1; n < 10000 && !done; n++) {
		long live = sh_alloc_live(), c0 = sh_alloc_count();
		sh_alloc_fail_at(n, 0);
		sh_pdf *pdf = NULL;
		uint8_t *out = NULL;
		size_t out_len = 0;
		int rc = sh_pdf_new(&pdf, &meta);
		if (!rc)
			rc = sh_pdf_add_page(pdf, &pg);
		if (!rc)
			rc = sh_pdf_write_mem(pdf, &out, &out_len);
		long used = sh_alloc_count() - c0;
		sh_alloc_fail_at(0, 0);
		if (used < n) {
			assert_int_equal(rc, SH_OK);
			assert_true(out_len > 1000 && !memcmp(out, "%PDF-1.4", 8));
			done = 1;
		} else {
			assert_int_not_equal(rc, SH_OK);
		}
		sh_free(out);
		sh_pdf_free(&pdf);
		assert_int_equal(sh_alloc_live(), live);
	}
	assert_true(done);
	free(b);
}

/* The statement page (an embedded TrueType subset): every allocation
 * failing in turn, then the file, which holds the subset font and CIDSet. */
static void text_page(void **state)
{
	(void)state;
	if (access(SH_PDF_TEXT_FONT_PATH, R_OK) != 0) {
		fail_msg("no %s (Debian fonts-dejavu-core)", SH_PDF_TEXT_FONT_PATH);
		return;
	}
	const sh_pdf_line lines[] = {{"LỜI CHỨNG CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH", 14, 1, 1, 0},
				     {"Chứng thực bản sao đúng với bản chính. Số chứng thực: 7, "
				      "quyển số: 01/2026-SCT/BS; ngày 06 tháng 12 năm 2026.",
				      12, 0, 0, 12},
				     {"Nguyễn Thị Bình", 12, 1, 2, 24}};
	int done = 0;
	for (long n = 1; n < 10000 && !done; n++) {
		long live = sh_alloc_live(), c0 = sh_alloc_count();
		sh_alloc_fail_at(n, 0);
		sh_pdf *pdf = NULL;
		uint8_t *out = NULL;
		size_t out_len = 0;
		int rc = sh_pdf_new(&pdf, NULL);
		if (!rc)
			rc = sh_pdf_add_text_page(pdf, lines, 3);
		if (!rc)
			rc = sh_pdf_write_mem(pdf, &out, &out_len);
		long used = sh_alloc_count() - c0;
		sh_alloc_fail_at(0, 0);
		if (used < n) {
			assert_int_equal(rc, SH_OK);
			assert_true(out_len > 1000 && !memcmp(out, "%PDF-1.4", 8));
			assert_non_null(memmem(out, out_len, "/CIDSet", 7));
			assert_non_null(memmem(out, out_len, "+DejaVuSerif", 12));
			assert_true(out_len < 120000); /* the subset, not the 380 KB font */
			done = 1;
		} else {
			assert_int_not_equal(rc, SH_OK);
		}
		sh_free(out);
		sh_pdf_free(&pdf);
		assert_int_equal(sh_alloc_live(), live);
	}
	assert_true(done);
	/* a character the font lacks, a page that overflows */
	sh_pdf *pdf = NULL;
	assert_int_equal(sh_pdf_new(&pdf, NULL), SH_OK);
	const sh_pdf_line bad = {"\xF0\x9F\x98\x80", 12, 0, 0, 0};
	assert_int_equal(sh_pdf_add_text_page(pdf, &bad, 1), SH_EINVAL);
	sh_pdf_line many[80];
	for (int i = 0; i < 80; i++)
		many[i] = (sh_pdf_line){"dòng", 12, 0, 0, 0};
	assert_int_equal(sh_pdf_add_text_page(pdf, many, 80), SH_ELIMIT);
	assert_int_equal(sh_pdf_pages(pdf), 0);
	sh_pdf_free(&pdf);
}

/* A real RFC 3161 reply (openssl ts -reply for imprint 01 02 03 0..., nonce
 * 40 01 0...; tests/fuzz/corpus/bag/reply-ok.R after its first byte): taken
 * as it is, refused for another imprint, another nonce, a changed byte. */
static void tsa_reply(void **state)
{
	(void)state;
	uint8_t *b = NULL;
	size_t n = 0;
	assert_int_equal(sh_file_read(&b, &n, BAG_CORPUS "/reply-ok.R", 1u << 20), SH_OK);
	assert_true(n > 100);
	uint8_t hash[32] = {1, 2, 3}, nonce[PDF_TSA_NONCE_LEN] = {0x40, 1};
	const uint8_t *tok = NULL;
	size_t tl = 0;
	assert_int_equal(pdf_tsa_reply_check(b + 1, n - 1, hash, nonce, &tok, &tl), SH_OK);
	assert_true(tok > b && tl > 100 && tok[0] == 0x30);
	hash[31] = 1;
	assert_int_equal(pdf_tsa_reply_check(b + 1, n - 1, hash, nonce, &tok, &tl), SH_EBADSIG);
	assert_non_null(strstr(sh_error_message(), "imprint"));
	hash[31] = 0;
	nonce[7] = 9;
	assert_int_equal(pdf_tsa_reply_check(b + 1, n - 1, hash, nonce, &tok, &tl), SH_EBADSIG);
	assert_non_null(strstr(sh_error_message(), "nonce"));
	nonce[7] = 0;
	/* a byte of the token's signature changed: the token no longer verifies */
	b[n - 5] ^= 0x20;
	assert_int_not_equal(pdf_tsa_reply_check(b + 1, n - 1, hash, nonce, &tok, &tl), SH_OK);
	sh_free(b);
}

/* BagIt tag files: labels, continuations, CRLF, a BOM; refusals. */
static void bag_tags(void **state)
{
	(void)state;
	static const char t[] = "\xEF\xBB\xBF" "BagIt-Version: 1.0\r\nSource-Organization:  UBND\n"
				"  xã Thử\nPayload-Oxum: 12.3\n";
	pdf_bag_tag *tags = NULL;
	size_t n = 0;
	assert_int_equal(pdf_bag_tags_parse(t, sizeof t - 1, &tags, &n), SH_OK);
	assert_int_equal(n, 3);
	assert_string_equal(pdf_bag_tag_get(tags, n, "bagit-version"), "1.0");
	assert_string_equal(pdf_bag_tag_get(tags, n, "Source-Organization"), "UBND xã Thử");
	assert_string_equal(pdf_bag_tag_get(tags, n, "Payload-Oxum"), "12.3");
	pdf_bag_tags_free(tags, n);
	static const char *bad[] = {"  continued first\n", "no colon here\n", ": no label\n",
				    "A: \xff\n"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(pdf_bag_tags_parse(bad[i], strlen(bad[i]), &tags, &n), SH_EINVAL);
		assert_null(tags);
	}
}

/* Manifests: percent-decoding, unsafe paths, duplicates. */
static void bag_manifest(void **state)
{
	(void)state;
	char h[65];
	memset(h, 'a', 64);
	h[64] = 0;
	char t[512];
	snprintf(t, sizeof t, "%s  data/a%%25b c.txt\n%s\tdata/x/y\n", h, h);
	pdf_bag_entry *e = NULL;
	size_t n = 0;
	assert_int_equal(pdf_bag_manifest_parse(t, strlen(t), 1, &e, &n), SH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].path, "data/a%b c.txt");
	assert_string_equal(e[1].path, "data/x/y");
	assert_int_equal(e[0].sha[0], 0xaa);
	pdf_bag_manifest_free(e, n);
	static const char *bad[] = {"data/../etc/passwd", "/etc/passwd", "data/a/../../x",
				    "bagit.txt", "data//x", "data/./x", "data/a\\b", "~/x",
				    "data/a%0Ab"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(t, sizeof t, "%s  %s\n", h, bad[i]);
		int rc = pdf_bag_manifest_parse(t, strlen(t), 1, &e, &n);
		if (rc == SH_OK)
			fail_msg("unsafe path accepted: %s", bad[i]);
		assert_int_equal(rc, SH_EINVAL);
	}
	snprintf(t, sizeof t, "%s  data/x\n%s  data/x\n", h, h);
	assert_int_equal(pdf_bag_manifest_parse(t, strlen(t), 1, &e, &n), SH_EINVAL);
	snprintf(t, sizeof t, "%s  data/x\n", h);
	assert_int_equal(pdf_bag_manifest_parse(t, strlen(t), 0, &e, &n), SH_EINVAL); /* tag manifest */
	snprintf(t, sizeof t, "%.63sg  data/x\n", h);
	assert_int_equal(pdf_bag_manifest_parse(t, strlen(t), 1, &e, &n), SH_EINVAL);
}

/* RFC 3161 request bytes; DER reading; an unsigned attribute added to a
 * minimal SignedData keeps the rest and the signature. */
static void tsa_der(void **state)
{
	(void)state;
	uint8_t hash[32], nonce[PDF_TSA_NONCE_LEN] = {0x40, 1, 2, 3, 4, 5, 6, 7};
	for (int i = 0; i < 32; i++)
		hash[i] = (uint8_t)i;
	sh_buf req = SH_BUF_INIT;
	assert_int_equal(pdf_tsa_request(&req, hash, nonce), SH_OK);
	/* SEQ { INT 1, SEQ { SEQ { OID sha256, NULL }, OCTET STRING[32] }, INT nonce, BOOL TRUE } */
	static const uint8_t head[] = {0x30, 0x43, 0x02, 0x01, 0x01, 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09,
				       0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
				       0x00, 0x04, 0x20};
	assert_int_equal(req.len, 0x45);
	assert_memory_equal(req.data, head, sizeof head);
	assert_memory_equal(req.data + sizeof head, hash, 32);
	assert_memory_equal(req.data + sizeof head + 32, "\x02\x08", 2);
	assert_memory_equal(req.data + sizeof head + 34, nonce, 8);
	assert_memory_equal(req.data + sizeof head + 42, "\x01\x01\xff", 3);
	sh_buf_free(&req);
	/* ContentInfo { OID, [0] { SignedData { INT 1, SET {}, SEQ {}, SET { SignerInfo {
	 * INT 1, SEQ {}, SEQ {}, OCTET STRING "sig" } } } } } */
	static const uint8_t cms[] = {0x30, 0x1E, 0x06, 0x01, 0x2A, 0xA0, 0x19, 0x30, 0x17, 0x02,
				      0x01, 0x01, 0x31, 0x00, 0x30, 0x00, 0x31, 0x0E, 0x30, 0x0C,
				      0x02, 0x01, 0x01, 0x30, 0x00, 0x30, 0x00, 0x04, 0x03, 's',
				      'i', 'g'};
	const uint8_t *sig = NULL;
	size_t sl = 0;
	uint8_t c[sizeof cms];
	memcpy(c, cms, sizeof cms);
	assert_int_equal(pdf_cms_signature(c, 0x20, &sig, &sl), SH_OK);
	assert_int_equal(sl, 3);
	assert_memory_equal(sig, "sig", 3);
	static const uint8_t attr[] = {0x30, 0x03, 0x06, 0x01, 0x2B};
	uint8_t *out = NULL;
	size_t ol = 0;
	assert_int_equal(pdf_cms_add_unsigned(c, 0x20, attr, sizeof attr, &out, &ol), SH_OK);
	assert_int_equal(ol, 0x20 + 2 + sizeof attr);
	const uint8_t *p = out;
	pdf_der top;
	assert_int_equal(pdf_der_next(&top, &p, out + ol), SH_OK);
	assert_int_equal(top.len, ol - 2);
	assert_memory_equal(out + ol - sizeof attr - 2, "\xA1\x05", 2);
	assert_memory_equal(out + ol - sizeof attr, attr, sizeof attr);
	assert_int_equal(pdf_cms_signature(out, ol, &sig, &sl), SH_OK);
	assert_memory_equal(sig, "sig", 3);
	/* a second attribute goes into the same [1] */
	uint8_t *out2 = NULL;
	size_t ol2 = 0;
	assert_int_equal(pdf_cms_add_unsigned(out, ol, attr, sizeof attr, &out2, &ol2), SH_OK);
	assert_int_equal(ol2, ol + sizeof attr);
	sh_free(out);
	sh_free(out2);
	/* DER refusals */
	static const uint8_t longlen[] = {0x30, 0x81, 0x05, 0, 0, 0, 0, 0}, over[] = {0x30, 0x09, 0};
	p = longlen;
	assert_int_equal(pdf_der_next(&top, &p, longlen + sizeof longlen), SH_EINVAL);
	p = over;
	assert_int_equal(pdf_der_next(&top, &p, over + sizeof over), SH_EINVAL);
	assert_int_equal(pdf_cms_signature(c, 0x1F, &sig, &sl), SH_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hocr_words),
		cmocka_unit_test(hocr_refused),
		cmocka_unit_test(image_classes),
		cmocka_unit_test(faults),
		cmocka_unit_test(text_page),
		cmocka_unit_test(tsa_reply),
		cmocka_unit_test(bag_tags),
		cmocka_unit_test(bag_manifest),
		cmocka_unit_test(tsa_der),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
