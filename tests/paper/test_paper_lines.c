/* Issue 18 (paper/paper_lines.c): a name read as another valid name at
 * low resolution ("Thuỷ" for "Thuỳ", tune3) is read again on its line; a
 * word is taken only when every reading gives the same valid syllable of
 * the same letters, clearly more confident than an unsure first reading
 * (as read kept, "reread"); other readings leave the name as read and
 * flag it "unsure". A rare name read well is never changed. The readings
 * are given here (the real reader, sh_ocr_line_read, runs in the OCR
 * pool: receive.names_reread reads a real page). */
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

/* A word OCR read and its confidence. */
typedef struct cw {
	const char *w;
	int conf;
} cw;

/* A plan (kế hoạch) signed by the words of signer, each line's words
 * read at 95 but the signer's at their own confidence: its text and hOCR
 * (words 100 px apart, lines 50 px). */
static void page_of(char *text, size_t tn, char *hocr, size_t hn, const cw *signer, size_t ns)
{
	static const char *const lines[] = {"ỦY BAN NHÂN DÂN", "HUYỆN KIM SƠN", "Số: 7/KH-UBND", "KẾ HOẠCH",
					    "Tổ chức hội nghị", "I. MỤC ĐÍCH", "Nội dung.", "KT. CHỦ TỊCH",
					    "PHÓ CHỦ TỊCH"};
	size_t t = 0, h = (size_t)snprintf(hocr, hn, "<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>\n");
	size_t nl = sizeof lines / sizeof *lines;
	for (size_t l = 0; l <= nl; l++) {
		h += (size_t)snprintf(hocr + h, hn - h, "<span class='ocr_line' id='line_1_%zu' title=\"bbox 0 %zu 2400 %zu\">",
				      l + 1, 100 + 50 * l, 140 + 50 * l);
		char ws[12][48];
		int cs[12];
		size_t n = 0;
		if (l < nl) {
			for (const char *p = lines[l]; *p && n < 12;) {
				size_t k = strcspn(p, " ");
				snprintf(ws[n], sizeof ws[n], "%.*s", (int)k, p);
				cs[n++] = 95;
				p += k + (p[k] == ' ');
			}
		} else {
			for (; n < ns; n++) {
				snprintf(ws[n], sizeof ws[n], "%s", signer[n].w);
				cs[n] = signer[n].conf;
			}
		}
		for (size_t i = 0; i < n; i++) {
			h += (size_t)snprintf(hocr + h, hn - h,
					      "<span class='ocrx_word' id='word_1_%zu_%zu' title='bbox %zu %zu %zu %zu; "
					      "x_wconf %d'>%s</span> ",
					      l, i, 200 + 100 * i, 100 + 50 * l, 290 + 100 * i, 140 + 50 * l, cs[i], ws[i]);
			t += (size_t)snprintf(text + t, tn - t, "%s%s", i ? " " : "", ws[i]);
		}
		h += (size_t)snprintf(hocr + h, hn - h, "</span>\n");
		t += (size_t)snprintf(text + t, tn - t, "\n%s", l + 2 == nl + 1 ? "\n" : "");
	}
	snprintf(hocr + h, hn - h, "</div>\n");
}

/* The reader: the readings in arg (a NULL-terminated list of lines of
 * "word:conf" pairs), and the box it was asked for. */
typedef struct given {
	const char *const *lines;
	sh_paper_box asked;
	int calls;
} given;

static size_t from_list(void *arg, const sh_paper_box *b, sh_paper_reading *out, size_t max)
{
	given *g = arg;
	g->asked = *b;
	g->calls++;
	size_t n = 0;
	for (; g->lines[n] && n < max; n++) {
		out[n].n = 0;
		for (const char *p = g->lines[n]; *p;) {
			size_t k = strcspn(p, " ");
			const char *c = memchr(p, ':', k);
			assert_non_null(c);
			snprintf(out[n].w[out[n].n], SH_PAPER_WORD_MAX, "%.*s", (int)(c - p), p);
			out[n].conf[out[n].n++] = atoi(c + 1);
			p += k + (p[k] == ' ');
		}
	}
	return n;
}

/* Extract the plan signed signer, read again with readings. */
static sh_paper_facts *signed_by(const cw *signer, size_t ns, const char *const *readings, given *g)
{
	char text[2048], hocr[16384];
	page_of(text, sizeof text, hocr, sizeof hocr, signer, ns);
	sh_paper_facts *f = NULL;
	assert_int_equal(sh_paper_extract(&f, kinds, text), SH_OK);
	/* the box the pool is asked to read is the one looked up */
	sh_paper_box *b = NULL;
	size_t nb = 0;
	assert_int_equal(sh_paper_hocr_name_boxes(&b, &nb, kinds, hocr), SH_OK);
	assert_int_equal(nb, 1);
	*g = (given){readings, {0, 0, 0, 0, 0}, 0};
	assert_int_equal(sh_paper_names_reread(f, hocr, from_list, g), SH_OK);
	assert_int_equal(g->calls, 1);
	assert_memory_equal(&g->asked, b, sizeof *b);
	assert_int_equal(b->x0, 200);
	assert_int_equal(b->x1, 190 + 100 * (int)ns);
	sh_free(b);
	return f;
}

#define N(a) (sizeof(a) / sizeof *(a))

/* "Thuỷ" read at 35, both readings "Thuỳ" at 93 and 92: taken, the first
 * reading kept beside it, flagged reread (tune3 v007). */
static void marks_read_again_taken(void **state)
{
	(void)state;
	static const cw s[] = {{"Ngô", 96}, {"Thanh", 97}, {"Thuỷ", 35}, {"Thiêm", 96}};
	static const char *const rd[] = {"Ngô:96 Thanh:93 Thuỳ:93 Thiêm:96", "Ngô:96 Thanh:93 Thuỳ:92 Thiêm:96",
					 NULL};
	given g;
	sh_paper_facts *f = signed_by(s, N(s), rd, &g);
	assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Ngô Thanh Thuỳ Thiêm");
	assert_string_equal(sh_paper_fact_as_read(f, SH_FACT_SIGNER), "Ngô Thanh Thuỷ Thiêm");
	assert_int_equal(sh_paper_id_reread(f, SH_FACT_SIGNER), 1);
	assert_int_equal(sh_paper_fact_unsure(f, SH_FACT_SIGNER), 0);
	char *j = sh_paper_result_json(f, NULL);
	assert_non_null(strstr(j, "\"as_read\":{\"signer\":\"Ngô Thanh Thuỷ Thiêm\"}"));
	assert_non_null(strstr(j, "\"reread\":[\"signer\"]"));
	sh_free(j);
	sh_paper_facts_free(&f);
}

/* A rare name read well ("Tỵ" at 93) is never changed, whatever the
 * readings say ("Ty" at 96 and 97 twice): kept, flagged unsure. */
static void rare_name_read_well_kept(void **state)
{
	(void)state;
	static const cw s[] = {{"Mai", 95}, {"Quý", 94}, {"Tỵ", 93}};
	static const char *const rd[] = {"Mai:96 Quý:95 Ty:96", "Mai:96 Quý:95 Ty:97", NULL};
	given g;
	sh_paper_facts *f = signed_by(s, N(s), rd, &g);
	assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Mai Quý Tỵ");
	assert_null(sh_paper_fact_as_read(f, SH_FACT_SIGNER));
	assert_int_equal(sh_paper_id_reread(f, SH_FACT_SIGNER), 0);
	assert_int_equal(sh_paper_fact_unsure(f, SH_FACT_SIGNER), 1);
	char *j = sh_paper_result_json(f, NULL);
	assert_non_null(strstr(j, "\"unsure\":[\"signer\"]"));
	sh_free(j);
	sh_paper_facts_free(&f);
	/* the readings agreeing with it: nothing to flag */
	static const char *const same[] = {"Mai:96 Quý:95 Tỵ:90", "Mai:96 Quý:95 Tỵ:91", NULL};
	f = signed_by(s, N(s), same, &g);
	assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Mai Quý Tỵ");
	assert_int_equal(sh_paper_fact_unsure(f, SH_FACT_SIGNER), 0);
	j = sh_paper_result_json(f, NULL);
	assert_null(strstr(j, "unsure"));
	assert_null(strstr(j, "as_read"));
	sh_free(j);
	sh_paper_facts_free(&f);
}

/* Readings that do not settle it leave the name as read, flagged unsure:
 * one reading only; readings that differ ("Thuỷ" and "Thuý"); below 90
 * ("Khống" at 81 twice for "Khổng" read at 13: tune3 v006, a wrong
 * reading); one reading as first read; a first reading that was no guess
 * (68: tune3 v020). */
static void unsettled_kept(void **state)
{
	(void)state;
	static const cw s[] = {{"Lưu", 96}, {"Thuy", 31}, {"Giỏi", 92}};
	static const cw s68[] = {{"Lưu", 96}, {"Thuy", 68}, {"Giỏi", 92}};
	static const char *const one[] = {"Lưu:96 Thuỳ:95 Giỏi:92", NULL};
	static const char *const differ[] = {"Lưu:96 Thuỷ:90 Giỏi:92", "Lưu:96 Thuý:91 Giỏi:92", NULL};
	static const char *const weak[] = {"Lưu:96 Thuỷ:81 Giỏi:92", "Lưu:96 Thuỷ:81 Giỏi:91", NULL};
	static const char *const half[] = {"Lưu:96 Thuỷ:95 Giỏi:92", "Lưu:96 Thuy:95 Giỏi:92", NULL};
	static const char *const sure[] = {"Lưu:96 Thuỳ:93 Giỏi:92", "Lưu:96 Thuỳ:92 Giỏi:92", NULL};
	static const char *const *const cases[] = {one, differ, weak, half, sure};
	for (size_t i = 0; i < N(cases); i++) {
		given g;
		sh_paper_facts *f = i == 4 ? signed_by(s68, N(s68), cases[i], &g) : signed_by(s, N(s), cases[i], &g);
		assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Lưu Thuy Giỏi");
		assert_null(sh_paper_fact_as_read(f, SH_FACT_SIGNER));
		assert_int_equal(sh_paper_fact_unsure(f, SH_FACT_SIGNER), 1);
		sh_paper_facts_free(&f);
	}
	/* readings of other letters ("3IANG", "Thu") or of another word
	 * count say nothing */
	static const char *const letters[] = {"Lưu:96 Thu:95 Giỏi:92", "Lưu:96 Thu:95 Giỏi:92", NULL};
	static const char *const other[] = {"Lưu:96 Thuỳ:95 Giỏi:92 x:10", "Lưu:96 Thuỳ:95:", NULL};
	static const char *const *const none[] = {letters, other};
	for (size_t i = 0; i < N(none); i++) {
		given g;
		/* after a guess (31) they leave it unconfirmed: unsure since
		 * session 20 (guess_unconfirmed_unsure); hence read at 68 */
		sh_paper_facts *f = signed_by(s68, N(s68), none[i], &g);
		assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Lưu Thuy Giỏi");
		assert_int_equal(sh_paper_fact_unsure(f, SH_FACT_SIGNER), 0);
		sh_paper_facts_free(&f);
	}
}

/* Bad arguments; a name not on the hOCR is not read again. */
static void arguments(void **state)
{
	(void)state;
	sh_paper_facts *f = NULL;
	assert_int_equal(sh_paper_extract(&f, kinds, "ỦY BAN NHÂN DÂN\nKẾ HOẠCH\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLê Văn Tám\n"),
			 SH_OK);
	static const char *const none[] = {NULL};
	given g = {none, {0, 0, 0, 0, 0}, 0};
	assert_int_equal(sh_paper_names_reread(NULL, "", from_list, &g), SH_EINVAL);
	assert_int_equal(sh_paper_names_reread(f, NULL, from_list, &g), SH_EINVAL);
	assert_int_equal(sh_paper_names_reread(f, "", NULL, &g), SH_EINVAL);
	assert_int_equal(sh_paper_names_reread(f, "<p>no words</p>", from_list, &g), SH_OK);
	assert_int_equal(g.calls, 0);
	assert_int_equal(sh_paper_fact_unsure(f, SH_FACT_COUNT), 0);
	assert_int_equal(sh_paper_fact_unsure(NULL, SH_FACT_SIGNER), 0);
	sh_paper_box *b = NULL;
	size_t n = 9;
	assert_int_equal(sh_paper_hocr_name_boxes(&b, &n, kinds, NULL), SH_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sh_paper_hocr_name_boxes(&b, &n, kinds, "<p>no words</p>"), SH_OK);
	assert_int_equal(n, 0);
	assert_null(b);
	sh_paper_facts_free(&f);
}

/* The owner's name of a card, after a label ending in ':' ("Họ, chữ đệm
 * và tên:"): the page's hOCR text keeps its punctuation, so the name is
 * found and its line read again (session 13: no owner's name of a
 * residence paper or death extract was read again). */
static void card_owner_boxed(void **state)
{
	(void)state;
	static const char *const lines[] = {"CÔNG AN HUYỆN KẾ SÁCH", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
					    "Họ, chữ đệm và tên: KHỔNG HỮU TY", "Ngày, tháng, năm sinh: 12/12/1982",
					    "Giới tính: Nam", "Nơi thường trú: xã Ngọc Tố, huyện Kế Sách"};
	char hocr[8192];
	size_t h = (size_t)snprintf(hocr, sizeof hocr, "<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>\n");
	for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
		h += (size_t)snprintf(hocr + h, sizeof hocr - h,
				      "<span class='ocr_line' id='line_1_%zu' title=\"bbox 0 %zu 2400 %zu\">", l + 1,
				      100 + 50 * l, 140 + 50 * l);
		size_t i = 0;
		for (const char *p = lines[l]; *p; i++) {
			size_t k = strcspn(p, " ");
			h += (size_t)snprintf(hocr + h, sizeof hocr - h,
					      "<span class='ocrx_word' id='word_1_%zu_%zu' title='bbox %zu %zu %zu %zu; "
					      "x_wconf 95'>%.*s</span> ",
					      l, i, 200 + 100 * i, 100 + 50 * l, 290 + 100 * i, 140 + 50 * l, (int)k, p);
			p += k + (p[k] == ' ');
		}
		h += (size_t)snprintf(hocr + h, sizeof hocr - h, "</span>\n");
	}
	snprintf(hocr + h, sizeof hocr - h, "</div>\n");
	sh_paper_box *b = NULL;
	size_t nb = 0;
	assert_int_equal(sh_paper_hocr_name_boxes(&b, &nb, kinds, hocr), SH_OK);
	assert_int_equal(nb, 1);
	/* "KHỔNG HỮU TY": words 5 to 7 of the third line */
	assert_int_equal(b[0].x0, 700);
	assert_int_equal(b[0].x1, 990);
	assert_int_equal(b[0].y0, 200);
	sh_free(b);
}

/* Session 16 (tune5 seed 5540): a surname read as a listed surname
 * ("Khổng" at 30) is never changed by the readings, whatever they give
 * ("Khống" at 93 twice, no surname): kept, flagged unsure. A first word
 * that is no listed surname ("Ngồ" at 30) is still taken from readings
 * that agree ("Ngô" at 93 twice). */
static void listed_surname_kept(void **state)
{
	(void)state;
	static const cw s[] = {{"Khổng", 30}, {"Thanh", 96}, {"Huấn", 96}};
	static const char *const rd[] = {"Khống:93 Thanh:96 Huấn:96", "Khống:94 Thanh:96 Huấn:95", NULL};
	given g;
	sh_paper_facts *f = signed_by(s, N(s), rd, &g);
	assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Khổng Thanh Huấn");
	assert_null(sh_paper_fact_as_read(f, SH_FACT_SIGNER));
	assert_int_equal(sh_paper_id_reread(f, SH_FACT_SIGNER), 0);
	assert_int_equal(sh_paper_fact_unsure(f, SH_FACT_SIGNER), 1);
	sh_paper_facts_free(&f);
	static const cw s2[] = {{"Ngồ", 30}, {"Thanh", 96}, {"Huấn", 96}};
	static const char *const rd2[] = {"Ngô:93 Thanh:96 Huấn:96", "Ngô:94 Thanh:96 Huấn:95", NULL};
	f = signed_by(s2, N(s2), rd2, &g);
	assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Ngô Thanh Huấn");
	assert_string_equal(sh_paper_fact_as_read(f, SH_FACT_SIGNER), "Ngồ Thanh Huấn");
	assert_int_equal(sh_paper_id_reread(f, SH_FACT_SIGNER), 1);
	sh_paper_facts_free(&f);
}

/* Session 18 (tune6 seed 6609 z010): a first word that is no listed
 * surname ("Cắm" at 31) is the listed surname of its letters a reading
 * gives at 90 or more ("Cầm"), though another reading repeats the page's
 * word. Must stay: the page's word read well (95), the surname read again
 * unsurely (85), two readings giving two surnames (Cam, Cầm), a listed
 * surname on the page ("Cam"). */
static void surname_read_again(void **state)
{
	(void)state;
	static const struct {
		const char *first;
		int conf;
		const char *rd1, *rd2, *want;
	} cases[] = {
		{"Cắm", 31, "Cầm:90 Thanh:96 Huấn:96", "Cắm:42 Thanh:96 Huấn:95", "Cầm Thanh Huấn"},
		{"Cắm", 96, "Cầm:90 Thanh:96 Huấn:96", "Cắm:42 Thanh:96 Huấn:95", "Cắm Thanh Huấn"},
		{"Cắm", 31, "Cầm:85 Thanh:96 Huấn:96", "Cắm:42 Thanh:96 Huấn:95", "Cắm Thanh Huấn"},
		{"Cắm", 31, "Cầm:93 Thanh:96 Huấn:96", "Cam:93 Thanh:96 Huấn:95", "Cắm Thanh Huấn"},
		{"Cam", 31, "Cầm:93 Thanh:96 Huấn:96", "Cam:42 Thanh:96 Huấn:95", "Cam Thanh Huấn"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const cw s[] = {{cases[i].first, cases[i].conf}, {"Thanh", 96}, {"Huấn", 96}};
		const char *const rd[] = {cases[i].rd1, cases[i].rd2, NULL};
		given g;
		sh_paper_facts *f = signed_by(s, N(s), rd, &g);
		const char *got = sh_paper_fact(f, SH_FACT_SIGNER);
		if (!got || strcmp(got, cases[i].want))
			fail_msg("%s at %d: want \"%s\", got \"%s\"", cases[i].first, cases[i].conf, cases[i].want,
				 got ? got : "(none)");
		assert_int_equal(sh_paper_id_reread(f, SH_FACT_SIGNER), i == 0);
		if (i == 0)
			assert_string_equal(sh_paper_fact_as_read(f, SH_FACT_SIGNER), "Cắm Thanh Huấn");
		sh_paper_facts_free(&f);
	}
}

/* Session 20: a word or more with no letter at a reading's ends (the
 * label's colon, a speck: "'" before "Nguyễn Quốc Mỷ", tune6 6615) is
 * no word of the name: the readings count again. Must stay saying
 * nothing: an extra word with a letter ("x"), noise between the words. */
static void noise_at_reading_ends(void **state)
{
	(void)state;
	static const cw s[] = {{"Ngô", 96}, {"Thanh", 97}, {"Thuỷ", 35}, {"Thiêm", 96}};
	static const char *const rd[] = {"':68 Ngô:96 Thanh:93 Thuỳ:93 Thiêm:96 .:20",
					 ":41 Ngô:96 Thanh:93 Thuỳ:92 Thiêm:96", NULL};
	given g;
	sh_paper_facts *f = signed_by(s, N(s), rd, &g);
	assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Ngô Thanh Thuỳ Thiêm");
	assert_string_equal(sh_paper_fact_as_read(f, SH_FACT_SIGNER), "Ngô Thanh Thuỷ Thiêm");
	sh_paper_facts_free(&f);
	static const char *const letter[] = {"x:68 Ngô:96 Thanh:93 Thuỳ:93 Thiêm:96",
					     "x:41 Ngô:96 Thanh:93 Thuỳ:92 Thiêm:96", NULL};
	static const char *const inside[] = {"Ngô:96 ':50 Thanh:93 Thuỳ:93 Thiêm:96",
					     "Ngô:96 ':50 Thanh:93 Thuỳ:92 Thiêm:96", NULL};
	static const char *const *const none[] = {letter, inside};
	for (size_t i = 0; i < N(none); i++) {
		f = signed_by(s, N(s), none[i], &g);
		assert_string_equal(sh_paper_fact(f, SH_FACT_SIGNER), "Ngô Thanh Thuỷ Thiêm");
		assert_null(sh_paper_fact_as_read(f, SH_FACT_SIGNER));
		sh_paper_facts_free(&f);
	}
}

/* A diploma (tune6 6615 z056) for the owner named name, its words read
 * at 95 but the last at last_conf, read again with readings: the facts. */
static sh_paper_facts *diploma_of(const char *name, int last_conf, const char *const *readings, given *g)
{
	char l7[128];
	snprintf(l7, sizeof l7, "Cho: Ông %s", name);
	const char *const lines[] = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
				     "HIỆU TRƯỞNG TRƯỜNG ĐẠI HỌC KINH TẾ", "cấp", "BẰNG TỐT NGHIỆP ĐẠI HỌC",
				     "Ngành đào tạo: Công nghệ thông tin", l7, "Ngày sinh: 17/06/2004",
				     "Xếp loại tốt nghiệp: Khá", "Số hiệu: A946760"};
	char text[2048], hocr[16384];
	size_t t = 0, h = (size_t)snprintf(hocr, sizeof hocr, "<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508'>\n");
	for (size_t l = 0; l < N(lines); l++) {
		h += (size_t)snprintf(hocr + h, sizeof hocr - h,
				      "<span class='ocr_line' id='line_1_%zu' title=\"bbox 0 %zu 2400 %zu\">", l + 1,
				      100 + 50 * l, 140 + 50 * l);
		size_t i = 0;
		for (const char *p = lines[l]; *p; i++) {
			size_t k = strcspn(p, " ");
			int last = l == 6 && !p[k];
			h += (size_t)snprintf(hocr + h, sizeof hocr - h,
					      "<span class='ocrx_word' id='word_1_%zu_%zu' title='bbox %zu %zu %zu %zu; "
					      "x_wconf %d'>%.*s</span> ",
					      l, i, 200 + 100 * i, 100 + 50 * l, 290 + 100 * i, 140 + 50 * l,
					      last ? last_conf : 95, (int)k, p);
			p += k + (p[k] == ' ');
		}
		h += (size_t)snprintf(hocr + h, sizeof hocr - h, "</span>\n");
		t += (size_t)snprintf(text + t, sizeof text - t, "%s\n", lines[l]);
	}
	snprintf(hocr + h, sizeof hocr - h, "</div>\n");
	sh_paper_facts *f = NULL;
	assert_int_equal(sh_paper_extract(&f, kinds, text), SH_OK);
	assert_string_equal(sh_paper_fact(f, SH_FACT_OWNER_NAME), name);
	*g = (given){readings, {0, 0, 0, 0, 0}, 0};
	assert_int_equal(sh_paper_names_reread(f, hocr, from_list, g), SH_OK);
	assert_int_equal(g->calls, 1);
	return f;
}

/* Session 20 (tune6 6615 z056): a word read in capitals in a name in
 * title case ("Nguyễn Quốc MỦ" at 85) is misread; it is the word two
 * readings or more give in title case, valid, at 90 or more, with the
 * same letters, when their marks agree or those with the tone the page
 * read do ("Mỷ" at 91, "Mỹ" at 93: the hook; as read kept, reread). Must
 * stay, flagged unsure: readings whose tones settle nothing ("Mỹ", "Mý"),
 * other letters ("Mỷ", "Mũ"), one below 90, one in capitals, one reading
 * only. Must stay unflagged: the name all in title case ("Mủ"). */
static void caps_word_in_title_name(void **state)
{
	(void)state;
	static const struct {
		const char *first, *rd1, *rd2, *want;
		int unsure;
	} cases[] = {
		{"MỦ", "Nguyễn:96 Quốc:93 Mỷ:91", "Nguyễn:96 Quốc:95 Mỹ:93", "Nguyễn Quốc Mỷ", 0},
		{"MỦ", "Nguyễn:96 Quốc:93 Mỹ:91", "Nguyễn:96 Quốc:95 Mỹ:93", "Nguyễn Quốc Mỹ", 0},
		{"MỦ", "Nguyễn:96 Quốc:93 Mỹ:91", "Nguyễn:96 Quốc:95 Mý:93", "Nguyễn Quốc MỦ", 1},
		{"MỦ", "Nguyễn:96 Quốc:93 Mỷ:91", "Nguyễn:96 Quốc:95 Mũ:93", "Nguyễn Quốc MỦ", 1},
		{"MỦ", "Nguyễn:96 Quốc:93 Mỷ:91", "Nguyễn:96 Quốc:95 Mỷ:85", "Nguyễn Quốc MỦ", 1},
		{"MỦ", "Nguyễn:96 Quốc:93 Mỷ:91", "Nguyễn:96 Quốc:95 MỶ:93", "Nguyễn Quốc MỦ", 1},
		{"MỦ", "Nguyễn:96 Quốc:93 Mỷ:91", NULL, "Nguyễn Quốc MỦ", 1},
		{"Mủ", "Nguyễn:96 Quốc:93 Mỷ:91", "Nguyễn:96 Quốc:95 Mỷ:93", "Nguyễn Quốc Mủ", 0},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char name[64];
		snprintf(name, sizeof name, "Nguyễn Quốc %s", cases[i].first);
		const char *const rd[] = {cases[i].rd1, cases[i].rd2, NULL};
		given g;
		sh_paper_facts *f = diploma_of(name, 85, rd, &g);
		const char *got = sh_paper_fact(f, SH_FACT_OWNER_NAME);
		if (!got || strcmp(got, cases[i].want) || sh_paper_fact_unsure(f, SH_FACT_OWNER_NAME) != cases[i].unsure)
			fail_msg("case %zu: want \"%s\" (unsure %d), got \"%s\" (unsure %d)", i, cases[i].want,
				 cases[i].unsure, got ? got : "(none)", sh_paper_fact_unsure(f, SH_FACT_OWNER_NAME));
		int taken = strcmp(cases[i].want, name) != 0;
		assert_int_equal(sh_paper_id_reread(f, SH_FACT_OWNER_NAME), taken);
		if (taken)
			assert_string_equal(sh_paper_fact_as_read(f, SH_FACT_OWNER_NAME), name);
		sh_paper_facts_free(&f);
	}
}

/* Session 20 (tune5 5522): a guess no reading repeats at 90 or more
 * ("THƯỜNG" at 37 read again at 77 and 61, for "THƯỞNG"; "Thu" at 12
 * read again "Thuì" twice, for "Thuỳ") is kept, flagged unsure. Must stay
 * unflagged: a guess a reading repeats surely, a word read at 50 or more
 * that the readings repeat weakly. */
static void guess_unconfirmed_unsure(void **state)
{
	(void)state;
	static const struct {
		int conf;
		const char *word, *rd1, *rd2;
		int unsure;
	} cases[] = {
		{37, "Thường", "Lưu:96 Thường:77 Giỏi:92", "Lưu:96 Thường:61 Giỏi:92", 1},
		{12, "Thu", "Lưu:96 Thuì:86 Giỏi:92", "Lưu:96 Thuì:85 Giỏi:92", 1},
		{37, "Thường", "Lưu:96 Thường:91 Giỏi:92", "Lưu:96 Thường:61 Giỏi:92", 0},
		{60, "Thường", "Lưu:96 Thường:77 Giỏi:92", "Lưu:96 Thường:61 Giỏi:92", 0},
		/* a word read surely and repeated, against another mark read
		 * unsurely: no doubt (the merge of session 20: "PHẦN" at 92,
		 * "PHÂN" at 81, "PHẦN" at 86) */
		{92, "Thường", "Lưu:96 Thưởng:81 Giỏi:92", "Lưu:96 Thường:86 Giỏi:92", 0},
		/* MUST stay unsure: the other mark read surely, the page's
		 * word read unsurely, or no reading repeating it */
		{92, "Thường", "Lưu:96 Thưởng:91 Giỏi:92", "Lưu:96 Thường:86 Giỏi:92", 1},
		{85, "Thường", "Lưu:96 Thưởng:81 Giỏi:92", "Lưu:96 Thường:86 Giỏi:92", 1},
		{92, "Thường", "Lưu:96 Thưởng:81 Giỏi:92", "Lưu:96 Thưởng:80 Giỏi:92", 1},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const cw s[] = {{"Lưu", 96}, {cases[i].word, cases[i].conf}, {"Giỏi", 92}};
		const char *const rd[] = {cases[i].rd1, cases[i].rd2, NULL};
		given g;
		sh_paper_facts *f = signed_by(s, N(s), rd, &g);
		assert_null(sh_paper_fact_as_read(f, SH_FACT_SIGNER));
		if (sh_paper_fact_unsure(f, SH_FACT_SIGNER) != cases[i].unsure)
			fail_msg("case %zu: want unsure %d", i, cases[i].unsure);
		sh_paper_facts_free(&f);
	}
}

/* Session 20 (tune7 7702): a word read as no syllable is no reading,
 * whatever its confidence, and a guess of ours made of it gives way to
 * readings that settle it. "Hÿ" at 57 (the lexicon read its two dots as a
 * tilde: "Hỹ"), read again "Hỷ" at 91 and 92: "Hỷ", as read kept; "Uỏng"
 * at 60 (Ưởng and Uổng both fit, left as read), read again "Ưởng" twice
 * at 93: "Ưởng". Must not change: readings that disagree, or read under
 * 90 (the lexicon's guess, or the word as read, stays); a valid syllable
 * read at 60. */
static void no_syllable_read_again(void **state)
{
	(void)state;
	static const struct {
		const char *word;
		int conf;
		const char *rd1, *rd2, *want, *as_read;
		int reread, unsure;
	} cases[] = {
		{"Hÿ", 57, "Phó:97 Huy:93 Hỷ:91", "Phó:97 Huy:93 Hỷ:92", "Phó Huy Hỷ", "Phó Huy Hÿ", 1, 0},
		{"Hÿ", 57, "Phó:97 Huy:93 Hỷ:91", "Phó:97 Huy:93 Hỹ:92", "Phó Huy Hỹ", "Phó Huy Hÿ", 0, 0},
		{"Hÿ", 57, "Phó:97 Huy:93 Hỷ:85", "Phó:97 Huy:93 Hỷ:92", "Phó Huy Hỹ", "Phó Huy Hÿ", 0, 0},
		{"Uỏng", 60, "Phó:97 Huy:93 Ưởng:93", "Phó:97 Huy:93 Ưởng:93", "Phó Huy Ưởng", "Phó Huy Uỏng", 1, 0},
		{"Uỏng", 60, "Phó:97 Huy:93 Ưởng:93", "Phó:97 Huy:93 Uổng:93", "Phó Huy Uỏng", NULL, 0, 1},
		{"Uổng", 60, "Phó:97 Huy:93 Ưởng:93", "Phó:97 Huy:93 Ưởng:93", "Phó Huy Uổng", NULL, 0, 1},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const cw s[] = {{"Phó", 96}, {"Huy", 93}, {cases[i].word, cases[i].conf}};
		const char *const rd[] = {cases[i].rd1, cases[i].rd2, NULL};
		given g;
		sh_paper_facts *f = signed_by(s, N(s), rd, &g);
		const char *got = sh_paper_fact(f, SH_FACT_SIGNER), *ar = sh_paper_fact_as_read(f, SH_FACT_SIGNER);
		if (strcmp(got, cases[i].want) || (ar ? !cases[i].as_read || strcmp(ar, cases[i].as_read)
						     : !!cases[i].as_read))
			fail_msg("case %zu: want %s (as read %s), got %s (as read %s)", i, cases[i].want,
				 cases[i].as_read ? cases[i].as_read : "-", got, ar ? ar : "-");
		if (sh_paper_id_reread(f, SH_FACT_SIGNER) != cases[i].reread ||
		    sh_paper_fact_unsure(f, SH_FACT_SIGNER) != cases[i].unsure)
			fail_msg("case %zu: want reread %d unsure %d", i, cases[i].reread, cases[i].unsure);
		sh_paper_facts_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(marks_read_again_taken),
		cmocka_unit_test(rare_name_read_well_kept),
		cmocka_unit_test(unsettled_kept),
		cmocka_unit_test(arguments),
		cmocka_unit_test(card_owner_boxed),
		cmocka_unit_test(listed_surname_kept),
		cmocka_unit_test(surname_read_again),
		cmocka_unit_test(noise_at_reading_ends),
		cmocka_unit_test(caps_word_in_title_name),
		cmocka_unit_test(guess_unconfirmed_unsure),
		cmocka_unit_test(no_syllable_read_again),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
