/* Slips OCR makes on scans of any face (issue 18, session 18; fresh tune5
 * and tune6 seeds 5516, 6608, 6609): a roman numeral's I read with a
 * diaeresis, the motto's first word cut to a letter, a place's apostrophe
 * lost, a name's word read in two, a month's digits read apart, an i's
 * dot read as a tone on a surname. Each rule with the cases it must leave
 * alone. Fixtures as `sohoa extract` read the tune pages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paper_int.h"

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

/* the confidence of a weak word (extract_conf) */
static int weak_conf = 40;

/* Extract text with word confidences: every word 95 but those listed in
 * weak (space-separated, as written), which get weak_conf (40). */
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
					c = weak_conf;
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

static void expect_fact(const sh_paper_facts *f, enum sh_paper_fact fact, const char *want, const char *what)
{
	const char *got = sh_paper_fact(f, fact);
	if (!want != !got || (got && strcmp(got, want)))
		fail_msg("%s: %s: want \"%s\", got \"%s\"", what, sh_paper_fact_name(fact), want ? want : "(none)",
			 got ? got : "(none)");
}

#define HEAD(place, motto2, date_line)                                                                     \
	"ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" place " " motto2 "\nSố: 2872/BC-UBND " date_line \
	", ngày 16 tháng 07 năm 2022\nBÁO CÁO\n\n"
#define TAIL "1. KẾT QUẢ ĐẠT ĐƯỢC\nTổng số hồ sơ tiếp nhận trong kỳ là 1.245 hồ sơ.\n\nTM. ỦY BAN NHÂN DÂN\n\n" \
	     "CHỦ TỊCH\n\nVàng Minh Kim Ngân\n"

/* A quarter's numeral "II" read "IÏ" (DejaVu Serif Bold Italic 180, tune6
 * 6603 and 6608 z002): before, the plain I went as the echo of the marked
 * one and the title said "quý I". Must stay: "quý II", "quý Ï" (one
 * glyph: I, as before), "quý IV". */
static void roman_diaeresis(void **state)
{
	(void)state;
	static const struct {
		const char *read, *want;
	} cases[] = {
		{"quý IÏ", "quý II"},
		{"quý ÏI", "quý II"},
		{"quý II", "quý II"},
		{"quý Ï", "quý I"},
		{"quý IV", "quý IV"},
		{"quý III", "quý III"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024], want[256];
		snprintf(text, sizeof text,
			 HEAD("XÃ CỐC ĐÁN", "Độc lập - Tự do - Hạnh phúc",
			      "Bắc Kạn") "Kết quả giải quyết thủ tục hành chính %s năm 2019\n" TAIL,
			 cases[i].read);
		snprintf(want, sizeof want, "Kết quả giải quyết thủ tục hành chính %s năm 2019", cases[i].want);
		sh_paper_facts *f = extract_conf(text, NULL);
		expect_fact(f, SH_FACT_TITLE, want, cases[i].read);
		sh_paper_facts_free(&f);
	}
	/* a name's Ĩ read with a diaeresis stays the name's (paper_names.c) */
	sh_paper_facts *f = extract_conf("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
					 "CĂN CƯỚC\n\nSố định danh cá nhân: 042171871473\n"
					 "Họ, chữ đệm và tên khai sinh: LÝ THỊ VÏ\nNgày, tháng, năm sinh: 05/11/1971\n",
					 NULL);
	expect_fact(f, SH_FACT_OWNER_NAME, "LÝ THỊ VĨ", "VÏ");
	sh_paper_facts_free(&f);
}

/* The motto's "Độc" read as one letter and put on the left column's line
 * ("HUYỆN IA GRAI Đ lập - Tự do", FreeSerif Italic 170, tune5 5516 y001):
 * the issuer was "UBND huyện Ia Grai Đ". Must stay: the motto read right,
 * a commune whose name ends in "Lập" beside the motto, read right or cut. */
static void motto_first_word(void **state)
{
	(void)state;
	static const struct {
		const char *place, *motto, *want;
	} cases[] = {
		{"HUYỆN IA GRAI", "Đ lập - Tự do - Hạnh phúc", "UBND huyện Ia Grai"},
		{"HUYỆN IA GRAI", "Đệ lập - Tự do - Hạnh phúc", "UBND huyện Ia Grai"},
		{"HUYỆN IA GRAI", "Độc lập - Tự do - Hạnh phúc", "UBND huyện Ia Grai"},
		{"XÃ TÂN LẬP", "Độc lập - Tự do - Hạnh phúc", "UBND xã Tân Lập"},
		{"XÃ TÂN LẬP", "Đ lập - Tự do - Hạnh phúc", "UBND xã Tân Lập"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024];
		snprintf(text, sizeof text, "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n%s %s\n"
			 "Số: 2758 /TB-UBND Gia Lai, ngày 16 tháng 07 năm 2022\nTHÔNG BÁO\n\n"
			 "Về việc tiếp nhận hồ sơ thủ tục hành chính qua dịch vụ bưu chính công ích\n"
			 "Thực hiện chỉ đạo của cấp trên, cơ quan thông báo như sau:\n\nTRƯỞNG PHÒNG\n\nLa Kiều Ty\n",
			 cases[i].place, cases[i].motto);
		sh_paper_facts *f = extract_conf(text, NULL);
		expect_fact(f, SH_FACT_ISSUER, cases[i].want, cases[i].motto);
		sh_paper_facts_free(&f);
	}
}

/* A place whose apostrophe OCR lost ("HUYỆN EA HLEO", FreeSans Semi-Bold
 * Oblique 250, tune6 6609 z004): the listed place it is without its
 * apostrophes. Must stay: a place read with it, a listed place with none,
 * a place no listed one is so. */
static void place_apostrophe(void **state)
{
	(void)state;
	static const struct {
		const char *place, *want;
	} cases[] = {
		{"HUYỆN EA HLEO", "UBND huyện Ea H'leo"},
		{"HUYỆN CƯ MGAR", "UBND huyện Cư M'gar"},
		{"HUYỆN EA H'LEO", "UBND huyện Ea H'leo"},
		{"HUYỆN EA SÚP", "UBND huyện Ea Súp"},
		{"HUYỆN KRÔNG PẮC", "UBND huyện Krông Pắc"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024];
		snprintf(text, sizeof text, HEAD("%s", "Độc lập - Tự do - Hạnh phúc", "Đắk Lắk") "Kết quả năm 2024\n" TAIL,
			 cases[i].place);
		sh_paper_facts *f = extract_conf(text, NULL);
		expect_fact(f, SH_FACT_ISSUER, cases[i].want, cases[i].place);
		sh_paper_facts_free(&f);
	}
}

#define CCCD(name, until)                                                                                   \
	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nCĂN CƯỚC\n\n"                       \
	"Số định danh cá nhân: 042171871473\nHọ, chữ đệm và tên khai sinh: " name "\n"                         \
	"Ngày, tháng, năm sinh: 05/11/1971\nGiới tính: Nữ — Quốc tịch: Việt Nam\n"                              \
	"Nơi cư trú: xã Thái Sơn, huyện Sơn Dương, tỉnh Tuyên Quang\nCó giá trị đến: " until "\n"

/* A name's word read in two ("TỪ THỊ QU YỀN", FreeSerif Italic 170, tune5
 * 5516 y029): a part that is no syllable joined to the next is one word
 * when they make a syllable. Must stay: a part that is a syllable ("A",
 * "QUY ỀN"), two parts that make no syllable ("KSOR Y"). */
static void name_read_in_two(void **state)
{
	(void)state;
	static const struct {
		const char *read, *want;
	} cases[] = {
		{"TỪ THỊ QU YỀN", "TỪ THỊ QUYỀN"},
		{"NG UYỄN VĂN AN", "NGUYỄN VĂN AN"},
		{"TỪ THỊ QUYỀN", "TỪ THỊ QUYỀN"},
		{"CẦM A ƠN", "CẦM A ƠN"},
		{"KSOR Y MOAN", "KSOR Y MOAN"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sh_paper_facts *f = extract_conf(i == 0 ? CCCD("TỪ THỊ QU YỀN", "05/11/2031")
						 : i == 1 ? CCCD("NG UYỄN VĂN AN", "05/11/2031")
						 : i == 2 ? CCCD("TỪ THỊ QUYỀN", "05/11/2031")
						 : i == 3 ? CCCD("CẦM A ƠN", "05/11/2031")
							  : CCCD("KSOR Y MOAN", "05/11/2031"),
						 NULL);
		expect_fact(f, SH_FACT_OWNER_NAME, cases[i].want, cases[i].read);
		sh_paper_facts_free(&f);
	}
}

/* A month's two digits read apart ("05/1 1/2031", tune5 5516 y029), as a
 * day's were ("1 1/05/2009", session 12). Must stay: no month 13, the date
 * read right, a day's lone digit on a padded card. */
static void month_read_apart(void **state)
{
	(void)state;
	static const struct {
		const char *read, *want;
	} cases[] = {
		{"05/1 1/2031", "2031-11-05"},
		{"05/1 2/2031", "2031-12-05"},
		{"05/l 0/2031", "2031-10-05"},
		{"05/11/2031", "2031-11-05"},
		{"05/1 3/2031", NULL},
		{"5/1 1/2031", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024];
		snprintf(text, sizeof text, CCCD("TỪ THỊ QUYỀN", "%s"), cases[i].read);
		sh_paper_facts *f = extract_conf(text, NULL);
		expect_fact(f, SH_FACT_VALID_UNTIL, cases[i].want, cases[i].read);
		sh_paper_facts_free(&f);
	}
}

/* A surname whose i's dot OCR read as a hook or a tilde ("Đỉnh" for
 * "Đinh", "Vĩ" for "Vi": DejaVu Sans Condensed Bold Oblique 300, tune6
 * 6601 and 6608): no surname as read, the listed one of its letters
 * without a tone. Must stay: read well (95), a listed surname ("Vì"), a
 * capital Ỉ (no dot), no surname of its letters ("Kỉnh"). */
static void surname_i_dot(void **state)
{
	(void)state;
	static const struct {
		const char *read, *weak, *want;
	} cases[] = {
		{"Đỉnh Xuân Ngân", "Đỉnh", "Đinh Xuân Ngân"},
		{"Vĩ Ngọc Ơn", "Vĩ", "Vi Ngọc Ơn"},
		{"Đỉnh Xuân Ngân", NULL, "Đỉnh Xuân Ngân"},
		{"Vì Ngọc Ơn", "Vì", "Vì Ngọc Ơn"},
		{"Kỉnh Văn An", "Kỉnh", "Kỉnh Văn An"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 HEAD("XÃ CỐC ĐÁN", "Độc lập - Tự do - Hạnh phúc", "Bắc Kạn") "Kết quả năm 2019\n"
			 "1. KẾT QUẢ ĐẠT ĐƯỢC\nTổng số hồ sơ tiếp nhận trong kỳ là 1.245 hồ sơ.\n\n"
			 "TM. ỦY BAN NHÂN DÂN\n\nCHỦ TỊCH\n\n%s\n",
			 cases[i].read);
		sh_paper_facts *f = extract_conf(text, cases[i].weak);
		expect_fact(f, SH_FACT_SIGNER, cases[i].want, cases[i].read);
		/* a change keeps the reading beside it, for review */
		const char *as_read = sh_paper_fact_as_read(f, SH_FACT_SIGNER);
		if (strcmp(cases[i].read, cases[i].want))
			assert_string_equal(as_read, cases[i].read);
		sh_paper_facts_free(&f);
	}
	/* an owner's name in capitals: I has no dot */
	sh_paper_facts *f = extract_conf(CCCD("ĐỈNH THỊ AN", "05/11/2031"), "ĐỈNH");
	expect_fact(f, SH_FACT_OWNER_NAME, "ĐỈNH THỊ AN", "ĐỈNH");
	sh_paper_facts_free(&f);
	f = extract_conf(CCCD("Đỉnh Thị An", "05/11/2031"), "Đỉnh");
	expect_fact(f, SH_FACT_OWNER_NAME, "Đinh Thị An", "Đỉnh");
	sh_paper_facts_free(&f);
}

/* Places read exactly right that extraction changed (a probe over the
 * 7708 places of places.json, each as a QĐ title's "trên địa bàn X" and as
 * a header's district and commune): a title's "Krông Búk" became "KRong
 * Búk" (the gazetteer's commune "KRong" one word shorter), "địa bàn Hạnh
 * Phúc" became "địa bàn hành Phúc" (the phrase "ban hành" over a name),
 * and 925 headers' places ("XÃ AN PHỤ", "HUYỆN BIỂN HỒ") became the
 * catalogue's or lexicon's place of the same letters (An Phú, Biên Hồ).
 * Must still change: a place read with marks no list has ("GIA LỌC"), a
 * phrase read with other marks in small letters ("ban hanh"). */
static void places_read_right(void **state)
{
	(void)state;
	static const struct {
		const char *where, *want;
	} titles[] = {
		{"Krông Búk", "Krông Búk"},
		{"Krông A Na", "Krông A Na"},
		{"Hạnh Phúc", "Hạnh Phúc"},
		{"Lãnh Ngọc", "Lãnh Ngọc"},
		{"Hành Thiện", "Hành Thiện"},
		{"Kon Plông", "Kon Plông"},
	};
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++) {
		char text[1024], want[256];
		snprintf(text, sizeof text,
			 "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN BA TRI Độc lập - Tự do - Hạnh phúc\n"
			 "Số: 1234/QĐ-UBND Bến Tre, ngày 16 tháng 07 năm 2022\n\nQUYẾT ĐỊNH\n"
			 "Về việc thành lập Tổ công tác triển khai Đề án 06 trên địa bàn %s\n\nCHỦ TỊCH ỦY BAN NHÂN DÂN\n"
			 "Điều 1. Thành lập Tổ.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn An\n",
			 titles[i].where);
		snprintf(want, sizeof want, "Về việc thành lập Tổ công tác triển khai Đề án 06 trên địa bàn %s",
			 titles[i].want);
		sh_paper_facts *f = extract_conf(text, NULL);
		expect_fact(f, SH_FACT_TITLE, want, titles[i].where);
		sh_paper_facts_free(&f);
	}
	/* a phrase in small letters read with other marks is still put right */
	sh_paper_facts *f = extract_conf("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
					 "HUYỆN BA TRI Độc lập - Tự do - Hạnh phúc\n"
					 "Số: 1234/QĐ-UBND Bến Tre, ngày 16 tháng 07 năm 2022\n\nQUYẾT ĐỊNH\n"
					 "Về việc ban hanh Quy chế hoạt động của Bộ phận Một cửa\n\n"
					 "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn An\n",
					 NULL);
	expect_fact(f, SH_FACT_TITLE, "Về việc ban hành Quy chế hoạt động của Bộ phận Một cửa", "ban hanh");
	sh_paper_facts_free(&f);
	/* ... and a phrase's word read with a capital (a case slip, "triển
	 * Khai", "thủ tục hành Chính": C, K, O, S, V... only bigger) */
	static const struct {
		const char *read, *want;
	} slips[] = {
		{"Về việc thành lập Tổ công tác triển Khai Đề án 06", "Về việc thành lập Tổ công tác triển khai Đề án 06"},
		{"Về việc thành lập Tổ công tác triển Khái Đề án 06", "Về việc thành lập Tổ công tác triển khai Đề án 06"},
		{"Về việc thành lập Tổ công tác, ban Hanh Đề án 06", "Về việc thành lập Tổ công tác, ban Hanh Đề án 06"},
	};
	for (size_t i = 0; i < sizeof slips / sizeof *slips; i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN BA TRI Độc lập - Tự do - Hạnh phúc\n"
			 "Số: 1234/QĐ-UBND Bến Tre, ngày 16 tháng 07 năm 2022\n\nQUYẾT ĐỊNH\n%s\n\n"
			 "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn An\n",
			 slips[i].read);
		f = extract_conf(text, NULL);
		expect_fact(f, SH_FACT_TITLE, slips[i].want, slips[i].read);
		sh_paper_facts_free(&f);
	}
	static const struct {
		const char *header, *weak, *want;
	} issuers[] = {
		{"XÃ AN PHỤ", NULL, "UBND xã An Phụ"},
		{"HUYỆN BIỂN HỒ", NULL, "UBND huyện Biển Hồ"},
		{"XÃ AN PHÚ", NULL, "UBND xã An Phú"},
		{"HUYỆN GIA LỌC", NULL, "UBND huyện Gia Lộc"},
		/* read unsurely: the marks may be wrong, the catalogue's as before */
		{"XÃ AN PHỤ", "PHỤ", "UBND xã An Phú"},
	};
	for (size_t i = 0; i < sizeof issuers / sizeof *issuers; i++) {
		char text[1024];
		snprintf(text, sizeof text, HEAD("%s", "Độc lập - Tự do - Hạnh phúc", "Hải Dương") "Kết quả năm 2024\n" TAIL,
			 issuers[i].header);
		f = extract_conf(text, issuers[i].weak);
		expect_fact(f, SH_FACT_ISSUER, issuers[i].want, issuers[i].header);
		sh_paper_facts_free(&f);
	}
}

/* A header's place read with a slip (session 19, seeds 6613 and 5517):
 * "XÃ HA KLY" with "HA" read unsurely under the date line "Ea Kly, ngày"
 * is that place (one letter, a to z, in a word read below 80); "ĐẮK
 * ĐÓOA" (a vowel read twice), near three spellings of one place ("Đắk
 * Đoa", "Đak Đoa", "Đăk Đoa"), is the one whose words are read as printed.
 * Must stay: the word read surely, two letters off, a date line naming
 * another place; a reading whose words match no spelling (a tie). */
static void header_place_slips(void **state)
{
	(void)state;
	static const struct {
		const char *place, *weak, *date_line, *want;
	} cases[] = {
		{"XÃ HA KLY", "HA", "Ea Kly", "UBND xã Ea Kly"},
		{"XÃ HA KLY", NULL, "Ea Kly", "UBND xã Ha Kly"},
		{"XÃ HA KLA", "HA", "Ea Kly", "UBND xã Hà Kla"},
		{"XÃ HA KLY", "HA", "Krông Pắc", "UBND xã Hà Kly"},
		{"XÃ EA KLY", NULL, "Ea Kly", "UBND xã Ea Kly"},
		{"HUYỆN ĐẮK ĐÓOA", "ĐÓOA", "Gia Lai", "UBND huyện Đắk Đoa"},
		{"HUYỆN ĐAK ĐÓOA", "ĐÓOA", "Gia Lai", "UBND huyện Đak Đoa"},
		{"HUYỆN ĐẮK ĐOA", NULL, "Gia Lai", "UBND huyện Đắk Đoa"},
		{"HUYỆN ĐẤK ĐÓOA", "ĐÓOA", "Gia Lai", "UBND huyện Đắk Đóoa"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n%s Độc lập - Tự do - Hạnh phúc\n"
			 "Số: 2872/BC-UBND %s, ngày 16 tháng 07 năm 2022\nBÁO CÁO\n\nKết quả năm 2024\n" TAIL,
			 cases[i].place, cases[i].date_line);
		weak_conf = 74; /* as read on 6613 z040: a syllable, unsure */
		sh_paper_facts *f = extract_conf(text, cases[i].weak);
		weak_conf = 40;
		expect_fact(f, SH_FACT_ISSUER, cases[i].want, cases[i].place);
		sh_paper_facts_free(&f);
	}
}

/* A title's place with a glyph read in it ("Ea H'1leo": FreeMono Bold 280
 * reads the l twice, once as 1; tune6 6610 z026, the word at 39): the
 * listed place it is with one letter more was given up because the
 * gazetteer also spells it "Ea H'Leo" — a spelling in other case is the
 * same place, the first list's is taken. Must stay: the word read surely,
 * a place listed as read, two glyphs more. */
static void title_place_digit(void **state)
{
	(void)state;
	static const struct {
		const char *place, *weak, *want;
	} cases[] = {
		{"Ea H'1leo", "H'1leo", "Ea H'leo"},
		{"Ea H'leo", NULL, "Ea H'leo"},
		{"Ea H'1leo", NULL, "Ea H'1leo"},
		{"Ea H'17leo", "H'17leo", "Ea H'17leo"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024], want[256];
		snprintf(text, sizeof text,
			 "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN EA H'LEO Độc lập - Tự do - "
			 "Hạnh phúc\nSố: 587/QĐ-UBND Đắk Lắk, ngày 24 tháng 05 năm 2025\nQUYẾT ĐỊNH\n\n"
			 "Về việc thành lập Tổ công tác triển khai Đề án 06 trên địa bàn %s\n"
			 "CHỦ TỊCH ỦY BAN NHÂN DÂN\nĐiều 1. Thành lập Tổ công tác.\n" TAIL,
			 cases[i].place);
		snprintf(want, sizeof want, "Về việc thành lập Tổ công tác triển khai Đề án 06 trên địa bàn %s",
			 cases[i].want);
		weak_conf = 39;
		sh_paper_facts *f = extract_conf(text, cases[i].weak);
		weak_conf = 40;
		expect_fact(f, SH_FACT_TITLE, want, cases[i].place);
		sh_paper_facts_free(&f);
	}
}

/* An owner's name printed in capitals whose surname OCR read in title
 * case ("Vĩ THỊ PÓ": the small i's dot read as a tilde, Liberation Serif
 * Bold Italic 165, tune6 6613 z034): the short word in other case at the
 * name's start was dropped as a card's noise ("ae BÙI THỊ HÙNG"); a listed
 * surname there is the name's, put in capitals. Must stay: noise in small
 * letters, a short word that is no surname, a name in title case. */
static void caps_name_surname_first(void **state)
{
	(void)state;
	static const struct {
		const char *read, *weak, *want;
	} cases[] = {
		{"Vĩ THỊ PÓ", "Vĩ", "VI THỊ PÓ"},
		{"Lê THỊ PÓ", NULL, "LÊ THỊ PÓ"},
		{"VI THỊ PÓ", NULL, "VI THỊ PÓ"},
		{"ae BÙI THỊ HÙNG", NULL, "BÙI THỊ HÙNG"},
		{"Xy THỊ PÓ", NULL, "THỊ PÓ"},
		{"Vĩ Thị Pó", "Vĩ", "Vi Thị Pó"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024];
		snprintf(text, sizeof text, CCCD("%s", "05/11/2031"), cases[i].read);
		sh_paper_facts *f = extract_conf(text, cases[i].weak);
		expect_fact(f, SH_FACT_OWNER_NAME, cases[i].want, cases[i].read);
		sh_paper_facts_free(&f);
	}
}

/* "Nữ" garbled by a bold face ("Giới tính: Nf", "¡ Sex:NŒœ": FreeSerif
 * Bold 160, Liberation Sans Bold 150, tune4 4406): an N and one or two
 * glyphs, no syllable, none a letter of "Nam" nor a digit. Must stay not
 * found: "Narn", "Nm", "N4" (Nam's letters or a digit), a syllable
 * ("Nơi"), three glyphs. */
static void sex_nu_garbled(void **state)
{
	(void)state;
	static const struct {
		const char *read, *want;
	} cases[] = {
		{"Nf", "Nữ"}, {"NŒœ", "Nữ"}, {"Nam", "Nam"}, {"Nữ", "Nữ"},
		{"Narn", NULL}, {"Nm", NULL}, {"N4", NULL}, {"Nơi", NULL}, {"Nfœj", NULL},
		/* a bilingual label's slash read '¡' (Liberation Sans Bold 150) */
		{"¡ Sex:NŒœ", "Nữ"}, {"¡ Sex: Nam", "Nam"}, {"/ Sex: Nam", "Nam"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[1024];
		snprintf(text, sizeof text,
			 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nCĂN CƯỚC\n\n"
			 "Số định danh cá nhân: 042171871473\nHọ, chữ đệm và tên khai sinh: TỪ THỊ QUYỀN\n"
			 "Ngày, tháng, năm sinh: 05/11/1971\nGiới tính%s%s Quốc tịch: Việt Nam\n"
			 "Nơi cư trú: xã Thái Sơn, huyện Sơn Dương, tỉnh Tuyên Quang\nCó giá trị đến: 05/11/2031\n",
			 cases[i].read[0] == '/' || cases[i].read[0] == '\xc2' ? " " : ": ", cases[i].read);
		sh_paper_facts *f = extract_conf(text, NULL);
		expect_fact(f, SH_FACT_SEX, cases[i].want, cases[i].read);
		sh_paper_facts_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roman_diaeresis),  cmocka_unit_test(motto_first_word),
		cmocka_unit_test(place_apostrophe), cmocka_unit_test(name_read_in_two),
		cmocka_unit_test(month_read_apart), cmocka_unit_test(surname_i_dot),
		cmocka_unit_test(places_read_right), cmocka_unit_test(header_place_slips),
		cmocka_unit_test(title_place_digit), cmocka_unit_test(caps_name_surname_first),
		cmocka_unit_test(sex_nu_garbled),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
