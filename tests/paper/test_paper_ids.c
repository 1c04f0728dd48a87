/* Owner ids lost on scans nobody tuned on (issue 18, session 18): a birth
 * date garbled in its day and month still vouches by its year, a point
 * inside an id's digits is read through (the id then read again), and a
 * pass that reads no id of the paper at all does not stop three exact
 * passes. Never a wrong id: each rule has cases that must stay missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sh_paper.h"

static sh_kinds *kinds;

static int setup(void **state)
{
	(void)state;
	return sh_kinds_load(&kinds, sh_kinds_default_path()) == SH_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sh_kinds_free(&kinds);
	return 0;
}

/* Extract text; every word read at 95 but the word weak (if any) at 40. */
static sh_paper_facts *extract_weak(const char *text, const char *weak)
{
	sh_paper_word w[256];
	size_t n = 0;
	for (const char *p = text; *p && n < 256;) {
		size_t sp = strcspn(p, " \n\f:,");
		if (sp)
			w[n++] = (sh_paper_word){(size_t)(p - text), sp,
						 weak && strlen(weak) == sp && !strncmp(p, weak, sp) ? 40 : 95, 0, 0};
		p += sp;
		p += *p != 0;
	}
	sh_paper_facts *f = NULL;
	assert_int_equal(sh_paper_extract_words(&f, kinds, text, w, n), SH_OK);
	assert_non_null(f);
	return f;
}

static const char *const kt = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
			      "TRÍCH LỤC KHAI TỬ\nSố: 25/TLKT-BS\nHọ, chữ đệm, tên: QUAN THU THIÊM\n"
			      "Ngày, tháng, năm sinh: %s\nGiới tính: Nữ Dân tộc: Kinh\n"
			      "Số định danh cá nhân: %s\nNơi chết: tại nhà\n";

static sh_paper_facts *death(const char *birth, const char *id, const char *weak)
{
	char text[512];
	snprintf(text, sizeof text, kt, birth, id);
	return extract_weak(text, weak);
}

/* FreeSerif Italic at 170 dpi reads 16/08/1966 as "!16A)8/1966": three
 * glyphs in the day and month, which used to leave no year to vouch for
 * an id read unsurely (tune5 seed 5515: no candidate for a second
 * reading). Three glyphs are allowed within a date's day and month (8
 * bytes); farther, or four glyphs, or a year that disagrees with the id:
 * nothing vouches, no candidate. */
static void birth_year_garbled_day_month(void **state)
{
	(void)state;
	const char *id = "040166349564";
	sh_paper_facts *f = death("!16A)8/1966", id, id);
	assert_null(sh_paper_fact(f, SH_FACT_BIRTH_DATE));
	assert_null(sh_paper_owner_id(f));
	assert_string_equal(sh_paper_id_unsure(f, NULL), id);
	const char *agree[] = {id, id, id, id};
	assert_int_equal(sh_paper_id_confirm(f, agree, 4), 1);
	assert_string_equal(sh_paper_owner_id(f), id);
	sh_paper_facts_free(&f);
	/* must not: the year says 1967, the id 1966 */
	f = death("!16A)8/1967", id, id);
	assert_null(sh_paper_id_unsure(f, NULL));
	sh_paper_facts_free(&f);
	/* must not: four glyphs, or three farther than a day and month */
	static const char *const far[] = {"A!16A)8/1966", "!16A)8/2/ 1966", "!1 6A)8/ 01/1966"};
	for (size_t i = 0; i < sizeof far / sizeof *far; i++) {
		f = death(far[i], id, id);
		if (sh_paper_id_unsure(f, NULL))
			fail_msg("%s: a candidate", far[i]);
		sh_paper_facts_free(&f);
	}
	/* two glyphs as before, up to 12 bytes */
	f = death("2341/ 01/1966", id, id);
	assert_string_equal(sh_paper_id_unsure(f, NULL), id);
	sh_paper_facts_free(&f);
	/* read surely, an id under its label needs no year (as before) */
	f = death("A!16A)8/1966", id, NULL);
	assert_string_equal(sh_paper_owner_id(f), id);
	sh_paper_facts_free(&f);
}

static const char *const don = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
			       "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO GIẤY KHAI SINH\nKính gửi: Ủy ban nhân dân xã Ia Blang\n"
			       "Họ và tên người yêu cầu: DIỆP ĐỨC HƯỜNG\nNgày, tháng, năm sinh: 19/04/1963\n"
			       "Số định danh cá nhân: %s\nNơi cư trú: thôn Đông, xã Ia Sao, tỉnh Gia Lai\n";

static sh_paper_facts *request(const char *id)
{
	char text[512];
	snprintf(text, sizeof text, don, id);
	return extract_weak(text, NULL);
}

/* A point inside an id's digits ("02506.3169366", FreeSerif Italic, seed
 * 5515): no id prints one, so the id is never taken at once, but it is a
 * candidate for a second reading (12 digits and every check: unsure; 11:
 * a digit read as the point, misread). Two points, or a point not between
 * digits, end the id as before. */
static void point_inside_id(void **state)
{
	(void)state;
	sh_paper_facts *f = request("02506.3169366");
	assert_null(sh_paper_owner_id(f));
	assert_string_equal(sh_paper_id_unsure(f, NULL), "025063169366");
	const char *agree[] = {"025063169366", "025063169366", "025063169366"};
	assert_int_equal(sh_paper_id_confirm(f, agree, 3), 1);
	assert_string_equal(sh_paper_owner_id(f), "025063169366");
	sh_paper_facts_free(&f);
	/* must not: passes that read another id */
	f = request("02506.3169366");
	const char *other[] = {"025063169866", "025063169866", "025063169866"};
	assert_int_equal(sh_paper_id_confirm(f, other, 3), 0);
	assert_null(sh_paper_owner_id(f));
	sh_paper_facts_free(&f);
	/* 11 digits: a digit read as the point; a misread candidate */
	f = request("0250.3169366");
	assert_null(sh_paper_owner_id(f));
	assert_string_equal(sh_paper_id_unsure(f, NULL), "02503169366");
	sh_paper_facts_free(&f);
	/* must not: two points, a point at the end or glued to a space */
	static const char *const no[] = {"02506.316.9366", "02506. 3169366", "02506 .3169366"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		f = request(no[i]);
		if (sh_paper_owner_id(f) || (sh_paper_id_unsure(f, NULL) &&
					     !strcmp(sh_paper_id_unsure(f, NULL), "025063169366")))
			fail_msg("%s: taken or a candidate", no[i]);
		sh_paper_facts_free(&f);
	}
	/* read with no point: taken at once as before */
	f = request("025063169366");
	assert_string_equal(sh_paper_owner_id(f), "025063169366");
	sh_paper_facts_free(&f);
}

/* The id's box in hOCR through one point inside its digits; a date's
 * points and a label glued before the id ("No.") are not read through. */
static void hocr_box_through_point(void **state)
{
	(void)state;
	const char *hocr =
		"<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>"
		"<span class='ocr_line' id='line_1_1' title='bbox 100 200 900 240'>"
		"<span class='ocrx_word' id='word_1_1' title='bbox 100 200 160 240; x_wconf 95'>nhân:</span> "
		"<span class='ocrx_word' id='word_1_2' title='bbox 180 201 500 240; x_wconf 70'>02506.3169366</span>"
		"</span><span class='ocr_line' id='line_1_2' title='bbox 100 260 900 300'>"
		"<span class='ocrx_word' id='word_1_3' title='bbox 100 260 300 300; x_wconf 90'>12.05.2020</span>"
		"</span><span class='ocr_line' id='line_1_3' title='bbox 100 320 900 360'>"
		"<span class='ocrx_word' id='word_1_4' title='bbox 100 320 260 360; x_wconf 90'>No.040055374580</span>"
		"</span></div>";
	sh_paper_box b;
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, "025063169366"), 1);
	assert_int_equal(b.x0, 180);
	assert_int_equal(b.x1, 500);
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, "3169366"), 0);
	/* a date: its last group only, as before */
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, "2020"), 1);
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, "052020"), 0);
	/* "No." is the label: the id's digits after it */
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, "040055374580"), 1);
	assert_int_equal(b.x0, 100 + 160 * 3 / 15);
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, "0040055374580"), 0);
	sh_paper_box *runs = NULL;
	size_t n = 0;
	assert_int_equal(sh_paper_hocr_digit_runs(&runs, &n, hocr, 9, 13), SH_OK);
	assert_int_equal(n, 2); /* the id through its point, the card's number */
	assert_int_equal(runs[0].x0, 180);
	sh_free(runs);
}

#define CCCD_HEAD "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nCĂN CƯỚC CÔNG DÂN\n"

static sh_paper_facts *card(const char *id, const char *birth, const char *sex, const char *weak)
{
	char text[512];
	snprintf(text, sizeof text, CCCD_HEAD "Số: %s\nHọ và tên: LA THỊ SƯƠNG\nNgày sinh: %s\nGiới tính: %s\n", id,
		 birth, sex);
	return extract_weak(text, weak);
}

/* An unsure id read exactly by three passes, the fourth a number of its
 * length that is no id of the paper ("223093444091": no province 223;
 * FreeMono, seed 5515): taken. Two exact passes beside it, two such
 * passes, one that is a valid id, or one of another length: not. */
static void pass_reading_no_id(void **state)
{
	(void)state;
	const char *u = "022303444091";
	static const struct {
		const char *r[4];
		int taken;
	} cases[] = {
		{{"022303444091", "022303444091", "022303444091", "223093444091"}, 1},
		{{"022303444091", "022303444091", "", "223093444091"}, 0},
		{{"022303444091", "022303444091", "223093444091", "223093444091"}, 0},
		{{"022303444091", "022303444091", "022303444091", "022303444097"}, 0}, /* a valid id */
		{{"022303444091", "022303444091", "022303444091", "012303444091"}, 0}, /* valid: province 012 */
		{{"022303444091", "022303444091", "022303444091", "022203444091"}, 1}, /* a man's: not hers */
		{{"022303444091", "022303444091", "022303444091", "22309344409"}, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sh_paper_facts *f = card(u, "12/05/2003", "Nữ", u);
		assert_null(sh_paper_owner_id(f));
		assert_string_equal(sh_paper_id_unsure(f, NULL), u);
		int rc = sh_paper_id_confirm(f, cases[i].r, 4);
		if (rc != cases[i].taken)
			fail_msg("case %zu: %d", i, rc);
		if (rc)
			assert_string_equal(sh_paper_owner_id(f), u);
		else
			assert_null(sh_paper_owner_id(f));
		sh_paper_facts_free(&f);
	}
}

/* An id read surely, read again by passes whose crop took two of the
 * label's glyphs as digits ("02092093658983" for 092093658983, tune6
 * 6606): kept, as with one. Three digits more, two inside, or a digit
 * of the id read otherwise: doubted, left out. */
static void sure_id_two_edge_digits(void **state)
{
	(void)state;
	const char *id = "092093658983";
	static const struct {
		const char *r;
		int doubted;
	} cases[] = {
		{"02092093658983", 0}, {"09209365898311", 0}, {"20920936589831", 0}, {"0092093658983", 0},
		{"102092093658983", 1}, {"09209336589883", 1}, {"02092093658989", 1}, {"02092093658983", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sh_paper_facts *f = card(id, "05/03/1993", "Nam", NULL);
		assert_string_equal(sh_paper_owner_id(f), id);
		const char *r[] = {cases[i].r, cases[i].r, cases[i].r, id};
		int rc = sh_paper_id_verify(f, SH_FACT_OWNER_ID, r, cases[i].doubted < 0 ? 2 : 4);
		if (rc != (cases[i].doubted > 0))
			fail_msg("%s: %d", cases[i].r, rc);
		if (rc)
			assert_null(sh_paper_owner_id(f));
		else
			assert_string_equal(sh_paper_owner_id(f), id);
		sh_paper_facts_free(&f);
	}
}

/* Passes whose crop cut into the id ("201738663" for 008201738663, tune5
 * 5515) read no digit otherwise: a sure id is kept beside three of them,
 * an unsure one is taken on two exact passes beside them (as beside empty
 * ones). A cut reading with a digit changed, five digits cut, or one exact
 * pass: as before (doubted; not taken). */
static void passes_that_cut_the_id(void **state)
{
	(void)state;
	const char *id = "008201738663";
	static const struct {
		const char *r;
		int doubted;
	} sure[] = {{"201738663", 0}, {"0082017386", 0}, {"82017386", 0}, {"201738669", 1}, {"1738663", 1}};
	for (size_t i = 0; i < sizeof sure / sizeof *sure; i++) {
		sh_paper_facts *f = card(id, "09/11/2001", "Nam", NULL);
		assert_string_equal(sh_paper_owner_id(f), id);
		const char *r[] = {sure[i].r, sure[i].r, sure[i].r, id};
		int rc = sh_paper_id_verify(f, SH_FACT_OWNER_ID, r, 4);
		if (rc != sure[i].doubted)
			fail_msg("sure %s: %d", sure[i].r, rc);
		sh_paper_facts_free(&f);
	}
	const struct {
		const char *r[4];
		int taken;
	} unsure[] = {
		{{id, id, "201738663", "201738663"}, 1},
		{{id, "201738663", "", "201738663"}, 0},
		{{id, id, "201738669", ""}, 0},
		{{id, id, "0082017386", "1738663"}, 0},
	};
	for (size_t i = 0; i < sizeof unsure / sizeof *unsure; i++) {
		sh_paper_facts *f = card(id, "09/11/2001", "Nam", id);
		assert_string_equal(sh_paper_id_unsure(f, NULL), id);
		int rc = sh_paper_id_confirm(f, unsure[i].r, 4);
		if (rc != unsure[i].taken)
			fail_msg("unsure case %zu: %d", i, rc);
		sh_paper_facts_free(&f);
	}
}

/* An id read with two or three O's for its zeros ("O4OO55374580": a round
 * zero) was no id at all: now a candidate for a second reading, never
 * taken at once. Four O's, or two slips of another glyph: none. */
static void zeros_read_as_o(void **state)
{
	(void)state;
	const char *id = "040055374580";
	sh_paper_facts *f = card("O4OO55374580", "02/03/1955", "Nam", NULL);
	assert_null(sh_paper_owner_id(f));
	assert_string_equal(sh_paper_id_unsure(f, NULL), id);
	const char *agree[] = {id, id, ""};
	assert_int_equal(sh_paper_id_confirm(f, agree, 3), 1);
	assert_string_equal(sh_paper_owner_id(f), id);
	sh_paper_facts_free(&f);
	f = card("O4OO55374580", "02/03/1955", "Nam", NULL);
	const char *other[] = {"040055374590", "040055374590", ""};
	assert_int_equal(sh_paper_id_confirm(f, other, 3), 0);
	assert_null(sh_paper_owner_id(f));
	sh_paper_facts_free(&f);
	static const char *const none[] = {"O4OO5537458O", "O4OO55374!8O", "04005537!58!"};
	for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
		f = card(none[i], "02/03/1955", "Nam", NULL);
		if (sh_paper_owner_id(f) || sh_paper_id_unsure(f, NULL))
			fail_msg("%s: taken or a candidate", none[i]);
		sh_paper_facts_free(&f);
	}
}

/* A misread id (no province 601) settles on three passes the same with a
 * fourth that read nothing, as four the same would (an empty pass says
 * nothing, as for an unsure id). Two the same beside empty ones, a fourth
 * that reads otherwise, or three that fail a check: not taken. */
static void misread_id_beside_empty_pass(void **state)
{
	(void)state;
	const char *g = "001184362297";
	const struct {
		const char *r[4];
		int taken;
	} cases[] = {
		{{g, g, g, ""}, 1},
		{{"", g, "001 184 362 297", g}, 1},
		{{g, g, "", ""}, 0},
		{{g, g, g, "001184362291"}, 0},
		{{g, g, g, "00118436229"}, 0},
		{{"001185362297", "001185362297", "001185362297", ""}, 0}, /* born 1985 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sh_paper_facts *f = card("601184362297", "26/01/1984", "Nữ", NULL);
		assert_string_equal(sh_paper_id_unsure(f, NULL), "601184362297");
		int rc = sh_paper_id_confirm(f, cases[i].r, 4);
		if (rc != cases[i].taken)
			fail_msg("case %zu: %d", i, rc);
		if (rc)
			assert_string_equal(sh_paper_owner_id(f), g);
		else
			assert_null(sh_paper_owner_id(f));
		sh_paper_facts_free(&f);
	}
}

#define DN_HEAD                                                                                   \
	"SỞ KẾ HOẠCH VÀ ĐẦU TƯ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"                               \
	"TỈNH CAO BẰNG Độc lập - Tự do - Hạnh phúc\nPHÒNG ĐĂNG KÝ KINH DOANH\n"                      \
	"GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nCÔNG TY TRÁCH NHIỆM HỮU HẠN\n"

static sh_paper_facts *company(const char *id)
{
	char text[512];
	snprintf(text, sizeof text, DN_HEAD "Mã số doanh nghiệp: %s\nĐăng ký lần đầu: ngày 09 tháng 06 năm 2009\n", id);
	return extract_weak(text, NULL);
}

/* A 1 read "]" right after a digit ("013] 158294", FreeSerif Italic 170,
 * tune5 5517 y050: the slanted 1's serif): the id ended there, so there
 * was no candidate at all. Now the "]" is a 1 between digits, the id only
 * a candidate for a second reading (never taken at once), its hOCR box
 * found through the "]". MUST stay no such id: a "]" not after a digit,
 * none after it, two of them, or passes reading other digits. */
static void bracket_for_one(void **state)
{
	(void)state;
	const char *id = "0131158294";
	const char *agree[] = {id, id, id, id};
	static const char *const yes[] = {"013] 158294", "013]158294"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		sh_paper_facts *f = company(yes[i]);
		assert_null(sh_paper_owner_id(f));
		assert_string_equal(sh_paper_id_unsure(f, NULL), id);
		assert_int_equal(sh_paper_id_confirm(f, agree, 4), 1);
		assert_string_equal(sh_paper_owner_id(f), id);
		sh_paper_facts_free(&f);
	}
	sh_paper_facts *f = company("013] 158294");
	const char *other[] = {"0131158394", "0131158394", "0131158394", "0131158394"};
	assert_int_equal(sh_paper_id_confirm(f, other, 4), 0);
	assert_null(sh_paper_owner_id(f));
	sh_paper_facts_free(&f);
	static const char *const no[] = {"013 ] 158294", "013]] 158294", "013] ABC", "013]"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		f = company(no[i]);
		if (sh_paper_owner_id(f) || (sh_paper_id_unsure(f, NULL) && !strcmp(sh_paper_id_unsure(f, NULL), id)))
			fail_msg("%s: taken or a candidate", no[i]);
		sh_paper_facts_free(&f);
	}
	/* read as printed: taken at once as before */
	f = company(id);
	assert_string_equal(sh_paper_owner_id(f), id);
	sh_paper_facts_free(&f);
	/* the box through the "]"; none for a "]" before the digits */
	const char *hocr =
		"<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>"
		"<span class='ocr_line' id='line_1_1' title='bbox 100 200 900 240'>"
		"<span class='ocrx_word' id='word_1_1' title='bbox 100 200 160 240; x_wconf 95'>nghiệp:</span> "
		"<span class='ocrx_word' id='word_1_2' title='bbox 180 201 260 240; x_wconf 70'>013]</span> "
		"<span class='ocrx_word' id='word_1_3' title='bbox 270 201 400 240; x_wconf 80'>158294</span>"
		"</span><span class='ocr_line' id='line_1_2' title='bbox 100 260 900 300'>"
		"<span class='ocrx_word' id='word_1_4' title='bbox 100 260 300 300; x_wconf 90'>]0131158294</span>"
		"</span></div>";
	sh_paper_box b;
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, id), 1);
	assert_int_equal(b.x0, 180);
	assert_int_equal(b.x1, 400);
	assert_int_equal(b.y0, 201);
	assert_int_equal(sh_paper_hocr_digits_box(&b, hocr, "10131158294"), 0);
}

/* An id OCR split at a gap with a point in its second word ("0792166
 * 355.35", FreeSerif Italic 170, tune5 5519 y057): paper_id_value reads
 * it through the point (an unsure candidate), but its box stopped at the
 * first word, so it was never read again. A word of digits with one point
 * between two now joins the run after the id's first word, for the box
 * and for the runs the digit passes read. MUST stay apart: two points, a
 * letter, a point at the word's end, a date's "12.05.2020". */
static void hocr_point_in_second_word(void **state)
{
	(void)state;
	static const struct {
		const char *second;
		int joined;
	} cases[] = {{"355.35", 1}, {"3.5535", 1}, {"355.3.5", 0}, {"35A.35", 0}, {"35535.", 1}, {".35535", 0}};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		char hocr[1024];
		snprintf(hocr, sizeof hocr,
			 "<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>"
			 "<span class='ocr_line' id='line_1_1' title='bbox 100 820 900 880'>"
			 "<span class='ocrx_word' id='word_1_1' title='bbox 127 832 267 865; x_wconf 11'>0792166</span> "
			 "<span class='ocrx_word' id='word_1_2' title='bbox 275 828 374 876; x_wconf 11'>%s</span>"
			 "</span></div>",
			 cases[k].second);
		sh_paper_box b;
		int got = sh_paper_hocr_digits_box(&b, hocr, "079216635535");
		if (got != cases[k].joined || (got && (b.x0 != 127 || b.x1 != 374 || b.y0 != 828)))
			fail_msg("%s: box %d", cases[k].second, got);
		sh_paper_box *runs = NULL;
		size_t n = 0;
		assert_int_equal(sh_paper_hocr_digit_runs(&runs, &n, hocr, 9, 13), SH_OK);
		if (n != (size_t)cases[k].joined)
			fail_msg("%s: %zu runs", cases[k].second, n);
		sh_free(runs);
	}
	/* a date after an id's first word is no part of it */
	const char *date = "<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>"
			   "<span class='ocr_line' id='line_1_1' title='bbox 100 820 900 880'>"
			   "<span class='ocrx_word' id='word_1_1' title='bbox 127 832 267 865; x_wconf 90'>0792166</span> "
			   "<span class='ocrx_word' id='word_1_2' title='bbox 275 828 474 876; x_wconf 90'>12.05.2020</span>"
			   "</span></div>";
	sh_paper_box b;
	assert_int_equal(sh_paper_hocr_digits_box(&b, date, "079216612052020"), 0);
	assert_int_equal(sh_paper_hocr_digits_box(&b, date, "07921662020"), 0);
}

/* Session 20 (5522 y057, FreeSerif Italic 170): "036.31 3906037", an id
 * split at a gap whose first word has a point between its digits: the box
 * and the run start at the word, not after its point. */
static void hocr_point_in_first_word(void **state)
{
	(void)state;
	static const struct {
		const char *first, *id;
		int joined;
	} cases[] = {{"036.31", "036313906037", 1}, {"0363.1", "036313906037", 1},
		     /* MUST NOT: two points, a letter, a comma; a label before the point */
		     {"03.6.31", "036313906037", 0}, {"036A.31", "036313906037", 0},
		     {"036,31", "036313906037", 0}, {"Số.31", "313906037", 1}};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		char hocr[1024];
		snprintf(hocr, sizeof hocr,
			 "<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>"
			 "<span class='ocr_line' id='line_1_1' title='bbox 100 820 900 880'>"
			 "<span class='ocrx_word' id='word_1_1' title='bbox 127 832 247 865; x_wconf 11'>%s</span> "
			 "<span class='ocrx_word' id='word_1_2' title='bbox 255 828 394 876; x_wconf 11'>3906037</span>"
			 "</span></div>",
			 cases[k].first);
		sh_paper_box b;
		int got = sh_paper_hocr_digits_box(&b, hocr, cases[k].id);
		if (got != cases[k].joined || (got && b.x1 != 394))
			fail_msg("%s: box %d", cases[k].first, got);
		/* the whole id from the word's start (a label before the point
		 * is cut off by its share of the glyphs, as before) */
		if (got && strchr("0123456789", cases[k].first[0]) && b.x0 != 127)
			fail_msg("%s: box from %d", cases[k].first, b.x0);
		if (!got && sh_paper_hocr_digits_box(&b, hocr, "036313906037"))
			fail_msg("%s: joined", cases[k].first);
		sh_paper_box *runs = NULL;
		size_t n = 0;
		assert_int_equal(sh_paper_hocr_digit_runs(&runs, &n, hocr, 12, 13), SH_OK);
		if (n != (size_t)(cases[k].joined && strlen(cases[k].id) == 12))
			fail_msg("%s: %zu runs", cases[k].first, n);
		if (n && runs[0].x0 != 127)
			fail_msg("%s: run from %d", cases[k].first, runs[0].x0);
		sh_free(runs);
	}
}

/* "No.:" before an id (tune5 5524 y029, FreeSerif Italic 170: "$ố/ No.:
 * 0010845481635"): folded to "No", its o was taken for a 0 and the run
 * joined the id's 13 digits into 14, beyond the 13 read again, so no pass
 * read the id. A label's lookalike that makes a run one digit too many is
 * left out, the run's box from the id's word (with the label's tail the
 * passes read "02…"). A run of 13 with the o keeps its box (the label's
 * tail is the margin it is read with: cut, ids10 3036 v010 read worse). MUST NOT
 * change: "No" before twelve digits (a run of 13, as before), a lone "l"
 * before eleven digits (a 1), a label glued to real digits ("No.0..."),
 * fourteen digits after "No.:". */
static void hocr_label_o_no_digit(void **state)
{
	(void)state;
	static const struct {
		const char *first, *second;
		int runs, x0;
	} cases[] = {{"No.:", "0010845481635", 1, 274},
		     /* MUST NOT change */
		     {"No", "001084548165", 1, 232}, {"l", "23456789012", 1, 199}, {"No.0", "01084548165", 1, 249},
		     {"Số:", "0010845481635", 1, 274}, {"No.:", "00108454816355", 0, 0}};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		char hocr[1024];
		snprintf(hocr, sizeof hocr,
			 "<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>"
			 "<span class='ocr_line' id='line_1_5' title='bbox 127 392 522 430'>"
			 "<span class='ocrx_word' id='word_1_25' title='bbox 199 399 266 430; x_wconf 33'>%s</span> "
			 "<span class='ocrx_word' id='word_1_26' title='bbox 274 398 522 430; x_wconf 77'>%s</span>"
			 "</span></div>",
			 cases[k].first, cases[k].second);
		sh_paper_box *runs = NULL;
		size_t n = 0;
		assert_int_equal(sh_paper_hocr_digit_runs(&runs, &n, hocr, 9, 13), SH_OK);
		if (n != (size_t)cases[k].runs || (n && (runs[0].x0 != cases[k].x0 || runs[0].x1 != 522)))
			fail_msg("%s %s: %zu runs from %d", cases[k].first, cases[k].second, n, n ? runs[0].x0 : -1);
		sh_free(runs);
	}
}

/* One pass that reads a round digit of an unsure id as another (TeX Gyre
 * Bonum Bold 190, tune7 7702 s034: page and three passes 008064727787,
 * one pass 006064727787, an id of the paper too): with three exact passes
 * the id is taken. MUST NOT: two exact passes only, a slip of other
 * digits (7 read 1), two digits slipped, two such passes, a slip beside a
 * pass that is no id. */
static void one_pass_round_digit_slip(void **state)
{
	(void)state;
	const char *id = "008163727787";
	static const char *const cases[][5] = {
		{"008163727787", "008163727787", "008163727787", "006163727787", "1"},
		{"008163727787", "006163727787", "008163727787", "008163727787", "1"},
		{"008163727787", "008163727787", "008163727787", "008163727797", "1"},
		/* MUST NOT */
		{"008163727787", "008163727787", "", "006163727787", "0"},
		{"008163727787", "008163727787", "008163727787", "008163121787", "0"},
		{"008163727787", "008163727787", "008163727787", "008163127787", "0"},
		{"008163727787", "008163727787", "008163727787", "006163727797", "0"},
		{"008163727787", "006163727787", "008163727787", "008163727787", "0"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		sh_paper_facts *f = death("19/04/1963", id, id);
		assert_string_equal(sh_paper_id_unsure(f, NULL), id);
		const char *rd[5] = {cases[k][0], cases[k][1], cases[k][2], cases[k][3], "006163727787"};
		/* the fifth case's twin: two slipped passes */
		size_t n = k == 7 ? 5 : 4;
		int want = cases[k][4][0] - '0';
		if (sh_paper_id_confirm(f, rd, n) != want)
			fail_msg("case %zu: not %d", k, want);
		if (want)
			assert_string_equal(sh_paper_owner_id(f), id);
		else
			assert_null(sh_paper_owner_id(f));
		sh_paper_facts_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(birth_year_garbled_day_month),
		cmocka_unit_test(point_inside_id),
		cmocka_unit_test(hocr_box_through_point),
		cmocka_unit_test(pass_reading_no_id),
		cmocka_unit_test(sure_id_two_edge_digits),
		cmocka_unit_test(passes_that_cut_the_id),
		cmocka_unit_test(zeros_read_as_o),
		cmocka_unit_test(misread_id_beside_empty_pass),
		cmocka_unit_test(bracket_for_one),
		cmocka_unit_test(hocr_point_in_second_word),
		cmocka_unit_test(hocr_point_in_first_word),
		cmocka_unit_test(hocr_label_o_no_digit),
		cmocka_unit_test(one_pass_round_digit_slip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
