/* Facts after OCR of hard scans, issue 18 session 10 (tune3: faces at
 * 150-200 dpi, degraded): each rule of paper/paper_fixes.c and the others
 * added for them, with the case it must leave alone. Text fixtures
 * written as OCR read the tune3 pages. */
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

/* Extract text with word confidences: every word 95 but those listed in
 * weak (space-separated, as written), which get 40. */
static sh_paper_facts *extract_conf(const char *text, const char *weak)
{
	sh_paper_word w[512];
	size_t n = 0;
	for (const char *p = text; *p && n < 512;) {
		size_t sp = strcspn(p, " \n\f:,");
		if (sp) {
			int c = 95;
			for (const char *q = weak; q && *q;) {
				size_t ql = strcspn(q, " ");
				if (ql == sp && !strncmp(p, q, sp))
					c = 40;
				q += ql;
				q += *q == ' ';
			}
			w[n++] = (sh_paper_word){.off = (size_t)(p - text), .len = sp, .conf = c};
		}
		p += sp;
		p += *p != 0;
	}
	sh_paper_facts *f = NULL;
	assert_int_equal(sh_paper_extract_words(&f, kinds, text, w, n), SH_OK);
	assert_non_null(f);
	return f;
}

static void expect_fact(const sh_paper_facts *f, enum sh_paper_fact fact, const char *want, const char *read)
{
	const char *got = sh_paper_fact(f, fact), *as_read = sh_paper_fact_as_read(f, fact);
	if (!want != !got || (got && strcmp(got, want)))
		fail_msg("%s: want \"%s\", got \"%s\"", sh_paper_fact_name(fact), want ? want : "(none)",
			 got ? got : "(none)");
	if (!read != !as_read || (read && strcmp(read, as_read)))
		fail_msg("%s: as read \"%s\", want \"%s\"", sh_paper_fact_name(fact), as_read ? as_read : "(none)",
			 read ? read : "(none)");
}

#define MOTTO "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
#define XNCT(name, birth, addr)                                                                    \
	"CÔNG AN TỈNH GIA LAI\nCÔNG AN HUYỆN IA GRAI\n" MOTTO "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\n"       \
	"Họ, chữ đệm và tên: " name "\nNgày. tháng. năm sinh: " birth "\nGiới tính: Nam\n"          \
	"Nơi thường trú: " addr "\n"

/* An address: a period between two place parts is a comma; "la" before a
 * place listed only as "Ia ..." is "Ia"; a level word read with another
 * tone before a listed place is the level word. "La" of a listed place,
 * "Tịnh Biên" (a place, no level word) and a period inside a street stay. */
static void address(void **state)
{
	(void)state;
	sh_paper_facts *f = extract_conf(XNCT("LƯU VĂN AN", "02/03/1980",
					      "xã la Sao, huyện la Grai, tính Gia Lai"), NULL);
	expect_fact(f, SH_FACT_ADDRESS, "xã Ia Sao, huyện Ia Grai, tỉnh Gia Lai",
		    "xã la Sao, huyện la Grai, tính Gia Lai");
	sh_paper_facts_free(&f);
	f = extract_conf(XNCT("LƯU VĂN AN", "02/03/1980", "Xã Hồng Lạc. Chiêm Hóa, Tuyên Quang"), NULL);
	expect_fact(f, SH_FACT_ADDRESS, "Xã Hồng Lạc, Chiêm Hóa, Tuyên Quang",
		    "Xã Hồng Lạc. Chiêm Hóa, Tuyên Quang");
	sh_paper_facts_free(&f);
	f = extract_conf(XNCT("LƯU VĂN AN", "02/03/1980", "xã Ngọc Tố, huyện Kế Sách. tỉnh Sóc Trăng"), NULL);
	expect_fact(f, SH_FACT_ADDRESS, "xã Ngọc Tố, huyện Kế Sách, tỉnh Sóc Trăng",
		    "xã Ngọc Tố, huyện Kế Sách. tỉnh Sóc Trăng");
	sh_paper_facts_free(&f);
	/* left alone */
	f = extract_conf(XNCT("LƯU VĂN AN", "02/03/1980", "Tịnh Biên, An Giang"), NULL);
	expect_fact(f, SH_FACT_ADDRESS, "Tịnh Biên, An Giang", NULL);
	sh_paper_facts_free(&f);
	f = extract_conf(XNCT("LƯU VĂN AN", "02/03/1980", "Số 5 đường Lê Lợi. phường 2, thị xã La Gi"), NULL);
	expect_fact(f, SH_FACT_ADDRESS, "Số 5 đường Lê Lợi. phường 2, thị xã La Gi", NULL);
	sh_paper_facts_free(&f);
}

/* A day read as two ("I 1/12/1982", "1 1/05/2009") is one; a year's 1
 * read as ']' is a 1. */
static void dates(void **state)
{
	(void)state;
	sh_paper_facts *f = extract_conf(XNCT("LƯU VĂN AN", "I 1/12/1982", "xã Ia Sao, huyện Ia Grai"), NULL);
	expect_fact(f, SH_FACT_BIRTH_DATE, "1982-12-11", NULL);
	sh_paper_facts_free(&f);
	f = extract_conf(XNCT("LƯU VĂN AN", "1/12/1982", "xã Ia Sao, huyện Ia Grai"), NULL);
	expect_fact(f, SH_FACT_BIRTH_DATE, "1982-12-01", NULL);
	sh_paper_facts_free(&f);
	f = extract_conf(MOTTO "ĐƠN ĐỀ NGHỊ\nKính gửi: Ủy ban nhân dân xã Đại Hải\n"
			       "Tôi tên là: LƯU VĂN AN\nNgày, tháng, năm sinh: 02/03/1980\n"
			       "Số định danh cá nhân: 094080001234\nNội dung.\n"
			       "Sóc Trăng, ngày 02 tháng 03 năm 202]\nNGƯỜI LÀM ĐƠN\nLưu Văn An\n",
			 NULL);
	expect_fact(f, SH_FACT_DATE, "2021-03-02", NULL);
	sh_paper_facts_free(&f);
}

#define QD(number, title, block)                                                                   \
	"ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\n" MOTTO "Số: " number " Gia Lai, ngày 06 tháng 08 năm 2021\n" \
	"\nQUYẾT ĐỊNH\n" title "\n\nCăn cứ Luật Tổ chức chính quyền địa phương;\n" block

/* A year run into the type code gets its slash; a catalogue position after
 * a recipient's label is the signer's title; phrases of the catalogue. */
static void agency(void **state)
{
	(void)state;
#define BLOCK "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Như trên: CHỦ TỊCH\n- Lưu: VT. VP.\n\nHàn Thuỳ Đảm\n"
	sh_paper_facts *f = extract_conf(
		QD("2461 /2021QĐ-UBND", "Về việc thành lập Tố công tác trên địa bản Gia Lai", BLOCK), NULL);
	expect_fact(f, SH_FACT_NUMBER, "2461/2021/QĐ-UBND", NULL);
	expect_fact(f, SH_FACT_SIGNER_TITLE, "CHỦ TỊCH", NULL);
	expect_fact(f, SH_FACT_SIGNER, "Hàn Thuỳ Đảm", NULL);
	expect_fact(f, SH_FACT_TITLE, "Về việc thành lập Tổ công tác trên địa bàn Gia Lai",
		    "Về việc thành lập Tố công tác trên địa bản Gia Lai");
	sh_paper_facts_free(&f);
	/* a value after "- Lưu:" that is no position is no title; a number
	 * whose digits after the slash are no year stays */
	f = extract_conf(QD("2461/2021/QĐ-UBND", "Về việc phê duyệt danh mục",
			    "Nơi nhận: CHỦ TỊCH\n- Lưu: VT VPB\n\nHàn Văn Đảm\n"), NULL);
	expect_fact(f, SH_FACT_NUMBER, "2461/2021/QĐ-UBND", NULL);
	expect_fact(f, SH_FACT_SIGNER_TITLE, "CHỦ TỊCH", NULL);
	expect_fact(f, SH_FACT_TITLE, "Về việc phê duyệt danh mục", NULL);
	sh_paper_facts_free(&f);
}

#define BANG(number, name)                                                                         \
	MOTTO "HIỆU TRƯỞNG TRƯỜNG ĐẠI HỌC KINH TẾ\ncấp\nBẰNG CỬ NHÂN\nNgành đào tạo: Kế toán\n"      \
	      "Cho: Ông " name "\nNgày sinh: 03/04/1990\nXếp loại tốt nghiệp: Khá\nSố hiệu: " number "\n"

/* A diploma number read unsurely with a digit for its letter; read surely,
 * or fitting a shape, it stays. */
static void number_shape(void **state)
{
	(void)state;
	sh_paper_facts *f = extract_conf(BANG("8967974", "LƯU VĂN AN"), "8967974");
	expect_fact(f, SH_FACT_NUMBER, "B967974", "8967974");
	sh_paper_facts_free(&f);
	f = extract_conf(BANG("8967974", "LƯU VĂN AN"), NULL);
	expect_fact(f, SH_FACT_NUMBER, "8967974", NULL);
	sh_paper_facts_free(&f);
	f = extract_conf(BANG("QH-126302", "LƯU VĂN AN"), "QH-126302");
	expect_fact(f, SH_FACT_NUMBER, "QH-126302", NULL);
	sh_paper_facts_free(&f);
}

#define KT(label, name)                                                                            \
	MOTTO "TRÍCH LỤC KHAI TỬ\nSố: 235/TLKT-BS\nHọ, chữ đệm, tên: " name "\n"                      \
	      "Ngày, tháng, năm sinh: 12/02/1958\n" label ": Nam Dân tộc: Kinh\n"                       \
	      "Số định danh cá nhân: 008058278664\nĐã chốt vào lúc: 19 giờ 00 phút, ngày 20/10/2024\n" \
	      "Ngày, tháng, năm đăng ký: 22/10/2024\n"

/* Labels with a letter misread ("Đã chốt vào lúc") or a last word clipped
 * ("Giới nh:") when no label was read as printed; "Giới" alone before the
 * colon is no clipped label. */
static void labels(void **state)
{
	(void)state;
	sh_paper_facts *f = extract_conf(KT("Giới nh", "LƯU ĐỨC OANH"), NULL);
	expect_fact(f, SH_FACT_EVENT_DATE, "2024-10-20", NULL);
	expect_fact(f, SH_FACT_SEX, "Nam", NULL);
	sh_paper_facts_free(&f);
	f = extract_conf(KT("Giới", "LƯU ĐỨC OANH"), NULL);
	expect_fact(f, SH_FACT_SEX, NULL, NULL);
	sh_paper_facts_free(&f);
	/* a company's name after a quote read before its label */
	f = extract_conf("SỞ KẾ HOẠCH VÀ ĐẦU TƯ\nTỈNH QUẢNG NGÃI\n" MOTTO "PHÒNG ĐĂNG KÝ KINH DOANH\n\n"
			 "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nCÔNG TY CỔ PHẦN\n\n"
			 "Mã số doanh nghiệp: 0419375864\n1. Tên công ty\n"
			 "\"Tên công ty viết bằng tiếng Việt: CÔNG TY CỔ PHẦN DỊCH VỤ VIỆT HƯNG\n",
			 NULL);
	expect_fact(f, SH_FACT_OWNER_NAME, "CÔNG TY CỔ PHẦN DỊCH VỤ VIỆT HƯNG", NULL);
	sh_paper_facts_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address),      cmocka_unit_test(dates),
		cmocka_unit_test(agency),       cmocka_unit_test(number_shape),
		cmocka_unit_test(labels),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
