/* A second reading of digits (ocr/digits.c) on real Tesseract (eng): the id
 * line of a page in DejaVu Sans Mono Bold at 300 dpi, whose zeros the page
 * OCR (vie) read as 6 ("640655374580"), is read right by every pass, and
 * through sh_paper_id_confirm becomes the owner id; a box with no digits
 * gives none, and bad boxes are refused.
 *
 * Data: tests/data/ocr/id-mono-bold.png, rows 650-719 and columns 140-1139
 * of a tune2 page (bench/papers/make_extra.py --split tune2 --seed 2718,
 * u017). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sh_ocr.h"
#include "sh_paper.h"

#define LINE SOHOA_TEST_DATA "/ocr/id-mono-bold.png"
/* the id's box as the page OCR's hOCR gave it, in the cut's pixels */
enum { X0 = 678 - 140, Y0 = 671 - 650, X1 = 973 - 140, Y1 = 701 - 650 };

static void reads_the_id_every_pass(void **state)
{
	(void)state;
	setMsgSeverity(L_SEVERITY_NONE);
	PIX *line = pixRead(LINE);
	assert_non_null(line);
	sh_ocr_digits *d = NULL;
	assert_int_equal(sh_ocr_digits_new(&d, NULL, NULL), SH_OK);
	char rd[SH_OCR_DIGIT_PASSES][SH_OCR_DIGITS_MAX];
	size_t n = 0;
	assert_int_equal(sh_ocr_digits_read(d, line, X0, Y0, X1, Y1, rd, &n), SH_OK);
	assert_int_equal(n, SH_OCR_DIGIT_PASSES);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rd[i], "040055374580"))
			fail_msg("pass %zu read \"%s\"", i, rd[i]);

	/* the paper as the page OCR read it: the id fails its province
	 * check, so it is a candidate; the readings make it the owner id */
	sh_kinds *kinds = NULL;
	assert_int_equal(sh_kinds_load(&kinds, sh_kinds_default_path()), SH_OK);
	sh_paper_facts *f = NULL;
	assert_int_equal(sh_paper_extract(&f, kinds,
					  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
					  "TRÍCH LỤC KHAI TỬ\nSố: 206/TLKT-BS\nHọ, chữ đệm, tên: TỐNG HỮU NGỮ\n"
					  "Ngày, tháng, năm sinh: 01/67/1955\nGiới tính: Nam Dân tộc: Kinh\n"
					  "S định danh cá nhân: 640655374580\n"),
			 SH_OK);
	assert_null(sh_paper_owner_id(f));
	assert_string_equal(sh_paper_id_unsure(f, NULL), "640655374580");
	const char *r[SH_OCR_DIGIT_PASSES];
	for (size_t i = 0; i < n; i++)
		r[i] = rd[i];
	assert_int_equal(sh_paper_id_confirm(f, r, n), 1);
	assert_string_equal(sh_paper_owner_id(f), "040055374580");
	sh_paper_facts_free(&f);
	sh_kinds_free(&kinds);

	/* a box over words: no digits, nothing to confirm with */
	assert_int_equal(sh_ocr_digits_read(d, line, 187, 20, 282, 51, rd, &n), SH_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(strlen(rd[i]) < 4);
	/* empty, inverted or outside boxes are refused */
	assert_int_equal(sh_ocr_digits_read(d, line, 10, 10, 10, 20, rd, &n), SH_EINVAL);
	assert_int_equal(sh_ocr_digits_read(d, line, 50, 40, 10, 20, rd, &n), SH_EINVAL);
	assert_int_equal(sh_ocr_digits_read(d, line, 5000, 5000, 6000, 6000, rd, &n), SH_EINVAL);
	assert_int_equal(sh_ocr_digits_read(d, NULL, 0, 0, 10, 10, rd, &n), SH_EINVAL);
	sh_ocr_digits_free(&d);
	assert_null(d);
	sh_ocr_digits_free(&d);
	pixDestroy(&line);
}

/* A date's place (tests/data/ocr/date-mono-bold.png: rows 520-599, columns
 * 100-1099 of the tune2 page u067, the same face): the page OCR read
 * "06/16/1969", no date; read again, digits only, every pass gives
 * 06101969, and sh_paper_dates_reread puts the month right. */
#define DATE_LINE SOHOA_TEST_DATA "/ocr/date-mono-bold.png"

typedef struct line_reader {
	sh_ocr_digits *d;
	PIX *pix;
} line_reader;

static size_t read_line(void *arg, const sh_paper_box *b, char out[][SH_PAPER_DIGITS_MAX], size_t max)
{
	line_reader *lr = arg;
	char rd[SH_OCR_DIGIT_PASSES][SH_OCR_DIGITS_MAX];
	size_t n = 0;
	if (sh_ocr_digits_read(lr->d, lr->pix, b->x0, b->y0, b->x1, b->y1, rd, &n) != SH_OK)
		return 0;
	for (size_t i = 0; i < n && i < max; i++)
		snprintf(out[i], SH_PAPER_DIGITS_MAX, "%s", rd[i]);
	return n < max ? n : max;
}

static void reads_a_date_again(void **state)
{
	(void)state;
	setMsgSeverity(L_SEVERITY_NONE);
	line_reader lr = {NULL, pixRead(DATE_LINE)};
	assert_non_null(lr.pix);
	assert_int_equal(sh_ocr_digits_new(&lr.d, NULL, NULL), SH_OK);
	char rd[SH_OCR_DIGIT_PASSES][SH_OCR_DIGITS_MAX];
	size_t n = 0;
	assert_int_equal(sh_ocr_digits_read(lr.d, lr.pix, 628, 23, 872, 57, rd, &n), SH_OK);
	assert_int_equal(n, SH_OCR_DIGIT_PASSES);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rd[i], "06101969"))
			fail_msg("pass %zu read \"%s\"", i, rd[i]);
	const char *text = "Ngày, tháng, năm sinh: 06/16/1969";
	const char *hocr = "<div class='ocr_page' id='page_1' title='bbox 0 0 1000 80'>"
			   "<span class='ocr_line' id='line_1_1' title='bbox 0 0 1000 80'>"
			   "<span class='ocrx_word' id='word_1_1' title='bbox 628 23 872 57; x_wconf 71'>"
			   "06/16/1969</span></span></div>";
	char *out = NULL;
	size_t changed = 0;
	assert_int_equal(sh_paper_dates_reread(&out, &changed, text, hocr, read_line, &lr), SH_OK);
	assert_string_equal(out, "Ngày, tháng, năm sinh: 06/10/1969");
	assert_int_equal(changed, 1);
	sh_free(out);
	sh_ocr_digits_free(&lr.d);
	pixDestroy(&lr.pix);
}

static void missing_language_is_not_found(void **state)
{
	(void)state;
	sh_ocr_digits *d = NULL;
	assert_int_equal(sh_ocr_digits_new(&d, NULL, "xx-no-such-lang"), SH_ENOTFOUND);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_the_id_every_pass),
		cmocka_unit_test(reads_a_date_again),
		cmocka_unit_test(missing_language_is_not_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
