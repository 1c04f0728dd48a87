/* Unit tests of common/ (sh_common.h): identifiers, text folding and
 * tokenising, errors, allocation with fault injection, buffers, hashing,
 * files. Run one with `ctest -R common.<name>` or `test_common <name>`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh_common.h"

/* ---- owner and agency ids --------------------------------------------- */

static void owner_valid(void **state)
{
	(void)state;
	int kind = 0;
	char norm[16];
	assert_int_equal(sh_id_owner_check(&kind, norm, "001184362297"), SH_OK);
	assert_int_equal(kind, SH_OWNER_PERSON);
	assert_string_equal(norm, "001184362297");
	/* tax codes from the corpus carry a valid check digit */
	assert_int_equal(sh_id_owner_check(&kind, norm, "0820624125"), SH_OK);
	assert_int_equal(kind, SH_OWNER_ORG);
	assert_string_equal(norm, "0820624125");
	assert_int_equal(sh_id_owner_check(&kind, norm, "0135381335"), SH_OK);
	/* branch: with or without the dash, canonical form without it */
	assert_int_equal(sh_id_owner_check(&kind, norm, "0820624125-001"), SH_OK);
	assert_int_equal(kind, SH_OWNER_BRANCH);
	assert_string_equal(norm, "0820624125001");
	assert_int_equal(sh_id_owner_check(&kind, norm, "0820624125001"), SH_OK);
	assert_string_equal(norm, "0820624125001");
	/* NULL outputs allowed */
	assert_int_equal(sh_id_owner_check(NULL, NULL, "033317490435"), SH_OK);
}

static void owner_invalid(void **state)
{
	(void)state;
	static const char *bad[] = {
		"",
		"00118436229",            /* 11 digits */
		"0011843622970",          /* 13 digits: branch with wrong check digit */
		"0820624126",             /* wrong check digit */
		"0000000000",             /* remainder 0: no valid check digit */
		"0820624125-000",         /* branch 000 is the head office */
		"0820624125000",
		"08206241250001",         /* 14 digits, no dash */
		"0820624125_001",
		"O01184362297",           /* capital letter O */
		"0011843622 7",
		"-1",
		"001184362297\n",
		"\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91\xef\xbc\x91\xef\xbc\x98\xef\xbc\x94"
		"\xef\xbc\x93\xef\xbc\x96\xef\xbc\x92\xef\xbc\x92\xef\xbc\x99\xef\xbc\x97",
		/* fullwidth ００１１８４３６２２９７ */
		"00118436229\xef\xbc\x97",  /* one fullwidth seven */
		"0011843622\xd9\xa9\x37",   /* Arabic-Indic nine */
		"\xd0\x9e" "01184362297",   /* Cyrillic capital O */
		"00118436229\xf0\x9d\x9f\x95", /* mathematical bold seven */
		"0011843622\xc0\xb9" "7",   /* overlong '9': not UTF-8 at all */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char norm[16] = "untouched";
		int kind = -1;
		int rc = sh_id_owner_check(&kind, norm, bad[i]);
		if (rc != SH_EINVAL)
			fail_msg("owner id #%zu '%s' gave %d, expected EINVAL", i, bad[i], rc);
		assert_int_equal(sh_error_last(), SH_EINVAL);
		assert_true(strlen(sh_error_message()) > 10);
		assert_string_equal(norm, "untouched");
		assert_int_equal(kind, -1);
	}
	assert_int_equal(sh_id_owner_check(NULL, NULL, NULL), SH_EINVAL);
	/* messages say what is wrong */
	sh_id_owner_check(NULL, NULL, "0820624126");
	assert_non_null(strstr(sh_error_message(), "check digit"));
	sh_id_owner_check(NULL, NULL, "00118436229\xef\xbc\x97");
	assert_non_null(strstr(sh_error_message(), "non-ASCII"));
	sh_id_owner_check(NULL, NULL, "00118436229");
	assert_non_null(strstr(sh_error_message(), "11 digits"));
}

static void taxcode_check_digit(void **state)
{
	(void)state;
	/* d10 = 10 - (sum mod 11), weights 31 29 23 19 17 13 7 5 3 */
	assert_true(sh_id_taxcode_ok("0100109106"));
	assert_false(sh_id_taxcode_ok("0100109105"));
	assert_true(sh_id_taxcode_ok("0000000017"));  /* sum 3 */
	assert_true(sh_id_taxcode_ok("0000000049"));  /* sum 12: remainder 1 gives 9 */
	assert_true(sh_id_taxcode_ok("0300000000"));  /* sum 87: remainder 10 gives 0 */
	for (char d = '0'; d <= '9'; d++) { /* remainder 0: no digit is right */
		char s[11] = "000000000";
		s[9] = d;
		s[10] = 0;
		assert_false(sh_id_taxcode_ok(s));
	}
}

static void agency_ids(void **state)
{
	(void)state;
	static const char *good[] = {"000.00.12.H23", "H23.12", "H23", "000.00.99.Z99",
				     "A00.B99.C12.000000000000000000000"};
	static const char *bad[] = {"", "h23.12", "H23..12", ".H23", "H23.", "ABC.DEF", "000.00.12",
				    "H23 12", "H23.12.000000000000000000000000000000", "H2", "H234",
				    "H23-12", ("\xd0\x9d" "23"), "H\xef\xbc\x92\x33"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (sh_id_agency_check(good[i]))
			fail_msg("agency '%s' refused: %s", good[i], sh_error_message());
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (sh_id_agency_check(bad[i]) != SH_EINVAL)
			fail_msg("agency '%s' accepted", bad[i]);
	assert_int_equal(sh_id_agency_check(NULL), SH_EINVAL);
	/* procedure codes: the one rule of ingest, scan, watch and the store */
	static const char *pgood[] = {"1.001193", "1.1", "2.002154-HCM", "noi_bo.01",
				      "1234567890123456789012345678901234567890"};
	static const char *pbad[] = {"", "1 001193", "1.001193/..", "../../etc", "%s%n",
				     ("1.00119" "\xe2\x80\x8b" "3"), ("\xef\xbc\x91" ".001193"),
				     "12345678901234567890123456789012345678901", "1.001193\n"};
	for (size_t i = 0; i < sizeof pgood / sizeof *pgood; i++)
		if (sh_id_procedure_check(pgood[i]))
			fail_msg("procedure '%s' refused: %s", pgood[i], sh_error_message());
	for (size_t i = 0; i < sizeof pbad / sizeof *pbad; i++)
		if (sh_id_procedure_check(pbad[i]) != SH_EINVAL)
			fail_msg("procedure '%s' accepted", pbad[i]);
	assert_int_equal(sh_id_procedure_check(NULL), SH_EINVAL);
}

static void codes(void **state)
{
	(void)state;
	static const struct {
		const char *code;
		int kind;
	} good[] = {
		{"000.00.12.H23-261122-0007", SH_CODE_DOSSIER},
		{"H23.12-010101-9999", SH_CODE_DOSSIER},
		{"000.00.12.H23-261122-0007-02-GKS", SH_CODE_PAPER},
		{"000.00.12.H23-261122-0007-999-TL", SH_CODE_PAPER},
		{"000.00.12.H23-261122-0007-100-ABCDEFGHIJ12", SH_CODE_PAPER},
		{"000.00.12.H23-261122-0007-KQ1", SH_CODE_RESULT},
		{"000.00.12.H23-261122-0007-KQ4294967295", SH_CODE_RESULT},
		/* archive records of the backlog (docs/ARCHIVE.md "Codes") */
		{"H23-LT26-000001", SH_CODE_DOSSIER},
		{"000.00.12.H23-LT26-999999-01-GKS", SH_CODE_PAPER},
	};
	static const char *bad[] = {
		"", "-", "--", "H23", "H23-261122", "h23-261122-0007", "H23-26112-0007",
		"H23-2611220-0007", "H23-261122-007", "H23-261122-00007", "H23-261122-0000",
		"H23-261122-0007-", "H23-261122-0007-1-GKS", "H23-261122-0007-00-GKS",
		"H23-261122-0007-099-GKS", "H23-261122-0007-1000-GKS", "H23-261122-0007-02-",
		"H23-261122-0007-02-gks", "H23-261122-0007-02-ABCDEFGHIJKLM", "H23-261122-0007-KQ",
		"H23-261122-0007-KQ0", "H23-261122-0007-KQ01", "H23-261122-0007-KQ12345678901",
		"H23-261122-0007-kq1", "H23-261122-0007-02-GKS-1", "H23-261122-0007-02-GKS-1-2",
		"../../etc/passwd", "/etc/passwd", "%s%n", "H23-261122-0007\n", "H23-2611\xff-0007",
		"H23-261122-0007 ", " H23-261122-0007", ("H23-\xef\xbc\x92" "61122-0007"),
		"000.00.12.H23.000000000000000000000000000-261122-0007",
		"H23-LT26-0001", "H23-LT26-000000", "H23-LT2-000001", "H23-LT261-000001",
		"H23-lt26-000001", "H23-LTAB-000001", "H23-LT26-0000001", "H23-XT26-000001",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int kind = 0;
		if (sh_id_code_check(&kind, good[i].code, 0))
			fail_msg("code '%s' refused: %s", good[i].code, sh_error_message());
		assert_int_equal(kind, good[i].kind);
		assert_int_equal(sh_id_code_check(NULL, good[i].code, (unsigned)good[i].kind), SH_OK);
		/* the wrong kind is bad input too, and says what was given */
		unsigned other = (SH_CODE_DOSSIER | SH_CODE_PAPER | SH_CODE_RESULT) & ~(unsigned)good[i].kind;
		assert_int_equal(sh_id_code_check(NULL, good[i].code, other), SH_EINVAL);
		assert_non_null(strstr(sh_error_message(), good[i].code));
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (sh_id_code_check(NULL, bad[i], 0) != SH_EINVAL)
			fail_msg("code '%s' accepted", bad[i]);
	assert_int_equal(sh_id_code_check(NULL, NULL, 0), SH_EINVAL);
}

/* ---- text -------------------------------------------------------------- */

static void expect_fold(const char *in, const char *want)
{
	char *out = NULL;
	int rc = sh_text_fold(&out, in, strlen(in));
	if (rc)
		fail_msg("fold '%s': %s", in, sh_error_message());
	if (strcmp(out, want))
		fail_msg("fold '%s' = '%s', expected '%s'", in, out, want);
	sh_free(out);
}

/* The cached NFC gives what sh_text_nfc gives, whatever the text: NFD
 * words, marks at a word's start (which may compose with the separator
 * before, as "<" + U+0338), non-ASCII separators, NUL, bad UTF-8, and
 * random mixes of those pieces. */
static void text_nfc_cached(void **state)
{
	(void)state;
	long live = sh_alloc_live();
	static const char *pieces[] = {
		"Gia\xcc\x82\xcc\x81y", " ", "khai", "\n", "sinh", "\xcc\x81", "<", "\xcc\xb8", "=",
		"\xe2\x80\x83", /* EM SPACE */ "\xc2\xa0", "\xff", "\xe1\xba\xa5", "D\xcc\xa3",
		"\xc4\x91", "-", "2024", "\xea\xb0\x80", "\xe1\x85\xa1", /* Hangul jamo */
		"\xe0\xaf\x86", "\xe0\xae\xbe", /* Tamil: composes with no mark category rule */
		"Q\xcc\x81", ".", "\t", "ABC", "\xcd\x85", "\xed\xa0\x80" /* surrogate */};
	sh_nfc_cache *c = NULL;
	assert_int_equal(sh_nfc_cache_new(&c), SH_OK);
	uint64_t r = 12345;
	for (int round = 0; round < 20000; round++) {
		char text[256];
		size_t len = 0;
		int np = 1 + (int)(r % 12);
		for (int i = 0; i < np; i++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			const char *p = pieces[(r >> 33) % (sizeof pieces / sizeof *pieces)];
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		if (round % 97 == 0)
			text[len++] = 0; /* an embedded NUL */
		char *a = NULL, *b = NULL;
		int ra = sh_text_nfc(&a, text, len), rb = sh_text_nfc_cached(c, &b, text, len);
		assert_int_equal(ra, rb);
		if (!ra)
			assert_string_equal(a, b);
		sh_free(a);
		sh_free(b);
	}
	sh_nfc_cache_free(&c);
	sh_nfc_cache_free(&c); /* twice is harmless */
	char *x = NULL;
	assert_int_equal(sh_text_nfc_cached(NULL, &x, "a\xcc\x80", 3), SH_OK);
	assert_string_equal(x, "\xc3\xa0");
	sh_free(x);
	assert_int_equal(sh_alloc_live(), live);
}

static void text_fold(void **state)
{
	(void)state;
	long live = sh_alloc_live();
	expect_fold("Giấy khai sinh", "giay khai sinh");
	expect_fold("GIẤY KHAI SINH", "giay khai sinh");
	expect_fold("Đặng", "dang");
	expect_fold("đường Điện Biên Phủ", "duong dien bien phu");
	expect_fold("Số: 535/QĐ-UBND", "so: 535/qd-ubnd");
	expect_fold("Ngô Minh Quyên", "ngo minh quyen");
	expect_fold("", "");
	/* NFD input (base letters + combining marks) folds the same as NFC */
	expect_fold("Gia\xcc\x82\xcc\x81y khai sinh", "giay khai sinh");
	expect_fold("D\xcc\x9b", "d"); /* D + horn: not a letter đ, still d */
	char *a = NULL, *b = NULL;
	const char *nfc = "Nguyễn Thị Hồng Nhung", *nfd = "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 "
							 "Ho\xcc\x82\xcc\x80ng Nhung";
	assert_int_equal(sh_text_fold(&a, nfc, strlen(nfc)), SH_OK);
	assert_int_equal(sh_text_fold(&b, nfd, strlen(nfd)), SH_OK);
	assert_string_equal(a, b);
	assert_string_equal(a, "nguyen thi hong nhung");
	sh_free(a);
	sh_free(b);
	/* NFC of NFD input is the NFC bytes */
	assert_int_equal(sh_text_nfc(&a, nfd, strlen(nfd)), SH_OK);
	assert_string_equal(a, nfc);
	sh_free(a);
	/* lower keeps the diacritics */
	assert_int_equal(sh_text_lower(&a, "GIẤY Khai SINH Đặng", strlen("GIẤY Khai SINH Đặng")),
			 SH_OK);
	assert_string_equal(a, "giấy khai sinh đặng");
	sh_free(a);
	/* len is honoured: no reading past it */
	assert_int_equal(sh_text_fold(&a, "ĐặngXYZ", strlen("Đặng")), SH_OK);
	assert_string_equal(a, "dang");
	sh_free(a);
	assert_int_equal(sh_alloc_live(), live);
}

static void text_invalid_utf8(void **state)
{
	(void)state;
	static const char *bad[] = {"\xff", "abc\xc3", "\xc0\xaf", "\xed\xa0\x80", "a\x80z",
				    "\xf4\x90\x80\x80"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *out = (char *)0x1;
		assert_false(sh_text_valid(bad[i], strlen(bad[i])));
		assert_int_equal(sh_text_fold(&out, bad[i], strlen(bad[i])), SH_EINVAL);
		assert_int_equal(sh_text_nfc(&out, bad[i], strlen(bad[i])), SH_EINVAL);
		assert_non_null(strstr(sh_error_message(), "UTF-8"));
	}
	assert_true(sh_text_valid("Giấy", strlen("Giấy")));
	assert_true(sh_text_valid("", 0));
}

struct words {
	char w[16][32];
	size_t n;
	size_t stop_after;
};

static int collect(void *arg, const char *w, size_t n)
{
	struct words *x = arg;
	assert_true(n > 0 && n < 32);
	if (x->n < 16) {
		memcpy(x->w[x->n], w, n);
		x->w[x->n][n] = 0;
	}
	x->n++;
	return x->stop_after && x->n == x->stop_after ? 42 : 0;
}

static void text_words(void **state)
{
	(void)state;
	struct words x = {0};
	const char *s = "Số: 535/QĐ-UBND, ngày 12 tháng 3";
	assert_int_equal(sh_text_words(s, strlen(s), collect, &x), 0);
	static const char *want[] = {"Số", "535", "QĐ", "UBND", "ngày", "12", "tháng", "3"};
	assert_int_equal(x.n, 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(x.w[i], want[i]);
	/* combining marks stay inside a word (NFD) */
	memset(&x, 0, sizeof x);
	s = "Gia\xcc\x82\xcc\x81y  khai";
	sh_text_words(s, strlen(s), collect, &x);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.w[0], "Gia\xcc\x82\xcc\x81y");
	/* invalid bytes separate words, never end the scan */
	memset(&x, 0, sizeof x);
	s = "abc\xff" "def\xc3";
	sh_text_words(s, strlen(s), collect, &x);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.w[1], "def");
	/* nothing */
	memset(&x, 0, sizeof x);
	assert_int_equal(sh_text_words(" ,.;\t\n", 6, collect, &x), 0);
	assert_int_equal(x.n, 0);
	assert_int_equal(sh_text_words("", 0, collect, &x), 0);
	/* fn's non-zero stops the scan and is returned */
	memset(&x, 0, sizeof x);
	x.stop_after = 2;
	assert_int_equal(sh_text_words("a b c d", 7, collect, &x), 42);
	assert_int_equal(x.n, 2);
}

/* ---- errors ------------------------------------------------------------ */

static void errors(void **state)
{
	(void)state;
	sh_error_clear();
	assert_int_equal(sh_error_last(), SH_OK);
	assert_string_equal(sh_error_message(), "no error");
	assert_int_equal(sh_error_set(SH_ENOTFOUND, "no dossier %s", "X-1"), SH_ENOTFOUND);
	assert_string_equal(sh_error_message(), "no dossier X-1");
	assert_int_equal(sh_error_last(), SH_ENOTFOUND);
	assert_int_equal(sh_error_wrap(SH_EIO, "file %d: ", 7), SH_EIO);
	assert_string_equal(sh_error_message(), "file 7: no dossier X-1");
	assert_int_equal(sh_error_last(), SH_EIO);
	/* a message longer than the buffer is cut, never overflows */
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	sh_error_set(SH_EINVAL, "%s", big);
	size_t n = strlen(sh_error_message());
	assert_true(n > 100 && n < sizeof big);
	sh_error_wrap(SH_EINVAL, "%s", big);
	assert_true(strlen(sh_error_message()) < sizeof big);
	/* every code has a stable name */
	static const struct { int c; const char *n; } names[] = {
		{SH_OK, "OK"}, {SH_ERROR, "ERROR"}, {SH_ENOMEM, "ENOMEM"}, {SH_EINVAL, "EINVAL"},
		{SH_ENOTFOUND, "ENOTFOUND"}, {SH_EIO, "EIO"}, {SH_ECORRUPT, "ECORRUPT"},
		{SH_EFULL, "EFULL"}, {SH_EBADSIG, "EBADSIG"}, {SH_EEXISTS, "EEXISTS"},
		{SH_EBUSY, "EBUSY"}, {SH_ELIMIT, "ELIMIT"}, {SH_EDEVICE, "EDEVICE"},
		{SH_ECANCELED, "ECANCELED"}, {SH_EPERM, "EPERM"}, {SH_EVERSION, "EVERSION"}};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		assert_string_equal(sh_error_name(names[i].c), names[i].n);
	assert_string_equal(sh_error_name(-999), "EUNKNOWN");
	sh_error_clear();
	assert_string_equal(sh_error_message(), "no error");
}

/* ---- allocation -------------------------------------------------------- */

static void alloc_injection(void **state)
{
	(void)state;
	long live = sh_alloc_live(), count = sh_alloc_count();
	void *a = sh_malloc(10);
	assert_non_null(a);
	assert_int_equal(sh_alloc_live(), live + 1);
	assert_int_equal(sh_alloc_count(), count + 1);
	sh_free(a);
	sh_free(NULL);
	assert_int_equal(sh_alloc_live(), live);

	sh_alloc_fail_at(2, 0); /* second from now fails, the third succeeds */
	a = sh_malloc(1);
	assert_non_null(a);
	sh_error_clear();
	assert_null(sh_malloc(1));
	assert_int_equal(sh_error_last(), SH_ENOMEM);
	void *c = sh_strdup("x");
	assert_non_null(c);
	sh_free(a);
	sh_free(c);

	sh_alloc_fail_at(1, 1); /* persistent */
	assert_null(sh_malloc(1));
	assert_null(sh_calloc(2, 2));
	assert_null(sh_strdup("abc"));
	assert_null(sh_asprintf("%d", 5));
	sh_alloc_fail_at(0, 0);
	a = sh_asprintf("%s-%04d", "H23", 7);
	assert_string_equal(a, "H23-0007");
	sh_free(a);

	/* realloc failure keeps the old block */
	a = sh_malloc(4);
	memcpy(a, "abc", 4);
	sh_alloc_fail_at(1, 0);
	assert_null(sh_realloc(a, 1 << 20));
	assert_string_equal((char *)a, "abc");
	sh_free(a);
	/* calloc size overflow */
	assert_null(sh_calloc(SIZE_MAX / 2, 4));
	assert_int_equal(sh_error_last(), SH_ENOMEM);
	assert_int_equal(sh_alloc_live(), live);
}

/* ---- buffers ----------------------------------------------------------- */

static const void *big_block(void)
{
	static uint8_t z[1 << 16];
	return z;
}

static void buffers(void **state)
{
	(void)state;
	long live = sh_alloc_live();
	sh_buf b = SH_BUF_INIT;
	assert_int_equal(sh_buf_puts(&b, "dossier "), SH_OK);
	assert_int_equal(sh_buf_printf(&b, "%s-%04u", "H23", 12u), SH_OK);
	assert_int_equal(b.len, strlen("dossier H23-0012"));
	assert_string_equal((char *)b.data, "dossier H23-0012");
	/* growth across many doublings, binary content */
	for (int i = 0; i < 1000; i++) {
		uint8_t z[3] = {0, (uint8_t)i, 0xff};
		assert_int_equal(sh_buf_put(&b, z, 3), SH_OK);
	}
	assert_int_equal(b.len, 16 + 3000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[b.len], 0);
	assert_int_equal(b.data[16 + 3 * 999 + 1], (uint8_t)999);
	/* a failed grow leaves the content as it was */
	size_t len = b.len;
	sh_alloc_fail_at(1, 0);
	assert_int_equal(sh_buf_put(&b, big_block(), 1 << 16), SH_ENOMEM);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, "dossier H23-0012", 16);
	char *s = sh_buf_detach(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_memory_equal(s, "dossier H23-0012", 16);
	sh_free(s);
	/* detach of an empty buffer gives "" */
	s = sh_buf_detach(&b);
	assert_string_equal(s, "");
	sh_free(s);
	assert_int_equal(sh_buf_put(&b, "", 0), SH_OK);
	assert_int_equal(b.len, 0);
	sh_buf_free(&b);
	sh_buf_free(&b);
	assert_int_equal(sh_alloc_live(), live);
}

/* ---- hashing ----------------------------------------------------------- */

static void hashing(void **state)
{
	(void)state;
	uint8_t h[SH_SHA256_LEN], back[SH_SHA256_LEN];
	char hex[65];
	assert_int_equal(sh_crypto_init(), SH_OK);
	sh_sha256(h, "abc", 3);
	sh_hex(hex, h, sizeof h);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(sh_unhex(back, hex, sizeof back), SH_OK);
	assert_memory_equal(back, h, sizeof h);
	assert_int_equal(sh_unhex(back, "BA78", 2), SH_OK);
	assert_int_equal(back[0], 0xba);
	assert_int_equal(sh_unhex(back, "zz", 1), SH_EINVAL);
	assert_int_equal(sh_unhex(back, "a", 1), SH_EINVAL);
}

/* ---- files ------------------------------------------------------------- */

static void files(void **state)
{
	(void)state;
	char dir[] = "/tmp/sohoa-common-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = sh_asprintf("%s/f.txt", dir);
	uint8_t *d = NULL;
	size_t n = 99;
	assert_int_equal(sh_file_read(&d, &n, path, 100), SH_ENOTFOUND);
	assert_null(d);
	assert_int_equal(n, 0);
	assert_int_equal(sh_file_write(path, "Giấy", strlen("Giấy")), SH_OK);
	assert_int_equal(sh_file_read(&d, &n, path, 100), SH_OK);
	assert_int_equal(n, strlen("Giấy"));
	assert_string_equal((char *)d, "Giấy");
	sh_free(d);
	assert_int_equal(sh_file_read(&d, &n, path, 3), SH_ELIMIT);
	assert_null(d);
	assert_int_equal(sh_file_read(&d, &n, dir, 100), SH_EINVAL);
	/* zero bytes is a file, not an error */
	assert_int_equal(sh_file_write(path, "", 0), SH_OK);
	assert_int_equal(sh_file_read(&d, &n, path, 100), SH_OK);
	assert_int_equal(n, 0);
	assert_string_equal((char *)d, "");
	sh_free(d);
	/* writing into a missing folder fails cleanly and leaves no temp file;
	 * it is "not found" (export-tiff CODE /nonexistent/x.tif: exit 4), as is
	 * a path through a file */
	char *bad = sh_asprintf("%s/missing/f.txt", dir);
	assert_int_equal(sh_file_write(bad, "x", 1), SH_ENOTFOUND);
	assert_non_null(strstr(sh_error_message(), "missing/f.txt"));
	char *through = sh_asprintf("%s/f.txt/g.txt", dir);
	assert_int_equal(sh_file_write(through, "x", 1), SH_ENOTFOUND);
	sh_free(through);
	/* a folder that is there but not writable stays an I/O failure */
	if (geteuid() != 0) {
		char *ro = sh_asprintf("%s/ro", dir), *rof = sh_asprintf("%s/ro/f.txt", dir);
		assert_int_equal(mkdir(ro, 0500), 0);
		assert_int_equal(sh_file_write(rof, "x", 1), SH_EIO);
		rmdir(ro);
		sh_free(ro);
		sh_free(rof);
	}
	unlink(path);
	rmdir(dir);
	sh_free(bad);
	sh_free(path);
}

static void now_pinned(void **state)
{
	(void)state;
	setenv("SOHOA_NOW", "1700000000", 1);
	assert_int_equal(sh_now(), 1700000000);
	setenv("SOHOA_NOW", "junk", 1);
	assert_true(sh_now() > 1700000000);
	unsetenv("SOHOA_NOW");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owner_valid),     cmocka_unit_test(owner_invalid),
		cmocka_unit_test(taxcode_check_digit), cmocka_unit_test(agency_ids),
		cmocka_unit_test(codes),
		cmocka_unit_test(text_fold),       cmocka_unit_test(text_invalid_utf8),
		cmocka_unit_test(text_nfc_cached),
		cmocka_unit_test(text_words),      cmocka_unit_test(errors),
		cmocka_unit_test(alloc_injection), cmocka_unit_test(buffers),
		cmocka_unit_test(hashing),         cmocka_unit_test(files),
		cmocka_unit_test(now_pinned),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
