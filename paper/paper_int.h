/* paper_int.h — private to paper/paper*.c: the catalogue's in-memory form and
 * the folding shared by the loader and the extractor. */
#ifndef SH_PAPER_INT_H
#define SH_PAPER_INT_H

#include "sh_paper.h"

enum paper_family { PAPER_AGENCY = 1, PAPER_PERSONAL, PAPER_COMPANY, PAPER_OTHER };

/* A list of strings with their folded forms (paper_fold). All owned. */
typedef struct paper_strs {
	char **orig;
	char **fold;
	size_t n;
	size_t cap; /* entries orig and fold have room for */
} paper_strs;

/* Lexicon of name words (paper/names.json): spellings with their folded
 * forms and how common each is in its position. */
enum { LEX_SURNAME, LEX_MIDDLE, LEX_GIVEN, LEX_PLACE_WORD, LEX_COMPANY, LEX_TABLES };
typedef struct paper_lextab {
	char **word; /* as written: "Đinh" */
	char **fold; /* "dinh" */
	unsigned long *weight;
	size_t n;
} paper_lextab;
/* Most entries in one lexicon table; a names file beyond is SH_ELIMIT. */
#define PAPER_LEX_MAX 8192

typedef struct paper_kind {
	char *slug, *code, *doc_type, *name; /* doc_type may be NULL */
	int family;
	paper_strs titles, symbols, keywords;
	/* labels printed on the kind's form: recognise it when its heading
	 * was lost (paper_kind_by_labels) */
	paper_strs form_labels;
	/* shapes of the kind's number ("@999999": '@' a capital letter, '9' a
	 * digit, the rest as printed): a digit read for a letter is put right
	 * where one shape fits (paper_number_shape) */
	paper_strs number_shapes;
	int padded_dates; /* prints day and month with two digits ("05/01") */
	unsigned facts;                      /* 1u << SH_FACT_* */
	int validity, days, reusable;        /* enum sh_paper_validity, ... */
	char until[11];                      /* SH_PAPER_VALID_UNTIL: YYYY-MM-DD */
	paper_strs labels[SH_FACT_COUNT];
} paper_kind;

struct sh_kinds {
	paper_kind *v;
	size_t n;
	size_t other;       /* index of the family "other" kind */
	paper_strs bodies;  /* orig: printed form (upper case); fold as usual */
	char **body_short;  /* what each body is written as in the issuer fact */
	paper_strs places;
	paper_strs phrases;   /* common title phrases as printed: "Quy chế" */
	paper_strs positions; /* signer titles as printed: "PHÓ CHỦ TỊCH" */
	paper_strs fix_from;  /* corrections: OCR misreading (orig) ... */
	char **fix_to;        /* ... and the printed phrase */
	char *lexicon_file;   /* "lexicon": names file, relative to the catalogue */
	paper_lextab lex[LEX_TABLES];
	paper_strs lex_places; /* the lexicon's place names */
	char *gazetteer_file;  /* "gazetteer": places file, relative to the catalogue */
	paper_strs gazetteer;  /* every administrative place name (places.json) */
	char *words_file;      /* "words": title words file, relative to the catalogue */
	paper_strs words;      /* words of titles, two syllables or more (words.json) */
};

/* Fold s (len bytes, valid UTF-8) for matching: NFC-decomposed, marks
 * stripped, case-folded, đ→d, every whitespace run one space. *out (caller
 * frees with sh_free) is NUL-terminated; if map is non-NULL, *map (caller
 * frees) holds for every byte of *out plus the end the offset in s of the
 * character it came from. */
int paper_fold(char **out, size_t **map, size_t *out_len, const char *s, size_t len);
/* Text of one hOCR span's content (up to '<'), entities decoded, into dst
 * (cap bytes); its length, or -1 if too long (paper_words.c). */
long paper_hocr_span_text(char *dst, size_t cap, const char *s);

/* Replace the catalogue's lexicon with the names file in data (len bytes;
 * name for messages). sh_kinds_load reads the file "lexicon" names;
 * sh_kinds_parse never reads files. Errors as sh_kinds_parse; on error the
 * catalogue keeps no lexicon. Not thread-safe: call before sharing. */
int paper_lexicon_parse(sh_kinds *k, const char *data, size_t len, const char *name);
/* Replace the catalogue's gazetteer with the places file in data
 * ({"format": "sohoa-places", "version": 1, "places": [...]}, at most
 * PAPER_GAZ_MAX names); as paper_lexicon_parse. */
#define PAPER_GAZ_MAX 16384
int paper_gazetteer_parse(sh_kinds *k, const char *data, size_t len, const char *name);
/* Replace the catalogue's title words with the words file in data
 * ({"format": "sohoa-words", "version": 1, "words": [...]}: words of
 * titles of two syllables or more, lower case, at most PAPER_WORDS_MAX);
 * as paper_lexicon_parse. */
#define PAPER_WORDS_MAX 8192
int paper_words_parse(sh_kinds *k, const char *data, size_t len, const char *name);

/* ---- extraction (paper*.c) ---------------------------------------------- */

struct sh_paper_facts {
	char *slug, *code;
	char *v[SH_FACT_COUNT];
	char *as_read[SH_FACT_COUNT]; /* reading, when the lexicon or a correction changed it */
	int never_expires;
	double confidence;
	/* an id that passed every check but was read below SH_PAPER_ID_CONF:
	 * sh_paper_id_unsure / sh_paper_id_confirm */
	char id_unsure[16];
	int id_unsure_fact;
	int id_misread; /* id_unsure failed its checks: only readings that pass them count */
	/* the year on the birth date's line when the date itself was not
	 * read ("2005/1970"): vouches for a personal id as the date would */
	char birth_year[8];
	int family;
	unsigned reread; /* bit per fact: taken on a second reading */
	unsigned doubted; /* bit per fact: left out, a second reading disagreed */
	unsigned handwritten; /* bit per fact: written by hand, not read (paper_hand.c) */
	unsigned unsure; /* bit per fact: a name read twice otherwise (paper_lines.c) */
	unsigned surname_listed; /* bit per name fact: its first word is a listed surname as read */
	/* [0] the owner's name, [1] the signer's: when its first word is no
	 * listed surname as read, the listed surnames of its letters (marks
	 * aside), '\n' between ("Cam\nCầm" for "CẮM"); "" otherwise
	 * (paper_surname_alts, taken from a second reading: paper_lines.c) */
	char surname_alts[2][64];
};

/* An OCR word (NFC, lower case) and its confidence 0..100. */
typedef struct paper_wconf {
	char *w;
	char *cased; /* the word as read, NFC, case kept */
	int conf;
} paper_wconf;

typedef struct doc {
	const sh_kinds *k;
	char *text; /* NFC original */
	size_t tlen;
	char *f; /* folded */
	size_t flen;
	size_t *map; /* folded offset -> text offset */
	size_t *ls, *le; /* line i is f[ls[i], le[i]) */
	size_t nl;
	int oom;
	size_t heading; /* line of the kind's heading, or nl */
	const paper_wconf *wc; /* OCR word confidences, sorted by word; may be NULL */
	size_t nwc;
	int no_restore; /* 1: every value as read (no lexicon, no corrections) */
	int marks_lost; /* OCR read (nearly) no diacritic on the page */
	/* first id / CMND number that passed every check but OCR's
	 * confidence: the candidate for a second reading */
	char unsure_id[16], unsure_old[16], misread_id[16];
	/* the text as given and its OCR words (offsets into it): handwriting
	 * (paper_hand.c); NULL / 0 without hOCR */
	const char *orig;
	const sh_paper_word *words;
	size_t nwords;
} doc;

typedef struct number_info {
	size_t a, b;   /* folded range of the number token */
	char sym[64];  /* folded type segment: "qd" */
	size_t glued;  /* where a symbol glued to the digits starts ("1921TB"), or 0 */
	size_t colon;  /* a ':' read for the '-' after the type symbol ("KH:UBND"), or 0 */
	size_t stray;  /* a ':' ';' '.' read between the digits and the '/' ("2236:/QĐ"), or 0 */
	/* the slash lost or read as a glyph before a type named by the
	 * heading ("640 AT-UBND" above "CHỈ THỊ"): the digits end at
	 * digits_end, the misread type ends at type_end (the '-'), and type
	 * is the type as printed ("CT"); type[0] == 0 otherwise */
	size_t digits_end, type_end;
	char type[16];
	int found;
} number_info;

typedef int (*value_fn)(doc *d, size_t a, size_t e, void *out);

typedef struct id_out {
	int family;
	char id[16];
} id_out;

typedef struct str_out {
	char *s;
	int company;
} str_out;

typedef struct holders_out {
	char *v[8];
	size_t n;
} holders_out;

typedef struct date_out {
	char date[11];
	int never;
	int allow_never;
	int padded; /* the kind prints "05/01/1995": paper_date_near_padded */
} date_out;

/* Shared by paper.c, paper_text.c, paper_agency.c, paper_fields.c,
 * paper_names.c; contracts at their definitions. */
char *paper_apply_corrections(doc *d, char *s);
/* A title's syllables put right with the title words (paper_vocab.c,
 * k->words): a syllable read unsurely (below PAPER_TITLE_WORD_CONF) or that
 * is no syllable, capitalised only as a title's first, takes the one
 * spelling with the same letters (other marks; a lookalike vowel when it
 * is no syllable) that makes a listed word with its neighbours as read,
 * when the reading makes none; one that is no syllable or read under
 * PAPER_TITLE_LETTER_CONF also another base letter inside a listed word of
 * three syllables or more (a neighbour read right on each side), or "năm"
 * right before a year; a lone quote or bar ending the title goes.
 * Titles only. Takes s; on out of memory s as given, d->oom set. */
char *paper_title_words(doc *d, char *s);
/* A title in small letters whose lone word in capitals carries a tone
 * mark and has after its first letter only letters whose small form is the
 * capital made smaller ("thành lập TỔ công tác": FreeMono Bold 280 reads
 * ổ as Ổ) is that word in title case; no acronym carries a tone mark.
 * In place; s (session 20, paper_titles.c). */
char *paper_title_small_caps(doc *d, char *s);
/* A title's syllable under this confidence may take other marks from the
 * title words (above). Higher than SH_PAPER_WEAK_CONF (names): here a
 * listed word next to it vouches for the change. Tesseract (vie) gives
 * 93-96 to a title word it reads cleanly; the marks misread in tune5's
 * titles ("Kể toán", "giao bạn", "Tình hinh") scored 80, 84, 83. */
#define PAPER_TITLE_WORD_CONF 90
/* below it (or no syllable) a title syllable may take another base letter
 * inside a listed word (a neighbour read right on each side: "cơ chế tot
 * cửa" -> "một"), or be the "năm" before a year ("pảm 2022") */
#define PAPER_TITLE_LETTER_CONF 60
/* Lookalike glyphs needed to read folded f (fn bytes) as r (rn bytes):
 * each letter of f read as itself, as one lookalike glyph or as two ("h"
 * as "i1"); -1 when r is not f so read (paper_titles.c). */
int paper_lookalike_cost(const char *f, size_t fn, const char *r, size_t rn);
/* A company name's legal form read with lookalike glyphs put back (paper_titles.c). */
char *paper_company_forms(doc *d, char *s);
char *paper_dup_n(doc *d, const char *s, size_t n);
char *paper_find_issuer(doc *d, size_t number_line);
/* 1 when issuer (paper_find_issuer) names its unit: every catalogue body
 * is a local one ("UBND huyện X", "Sở Tư pháp tỉnh Y"), so a body's short
 * name alone ("UBND": the level and place lost, a photo) is half an
 * issuer, stored as "not found" (issue 23). */
int paper_issuer_whole(const doc *d, const char *issuer);
/* The kind's heading read with up to two slips ("kí HO%CH", "QLÝYET ĐINH"):
 * of the two lines after the number's line (the kind told by the number's
 * type symbol, the heading not found), the one in capitals (half of its
 * letters or more) whose letters are two edits or fewer from a title of
 * eight letters or more of pk; d->nl when none, or two (paper_photo.c). */
size_t paper_heading_near_number(const doc *d, const paper_kind *pk, size_t number_line);
char *paper_find_place_date(doc *d);
/* A province's name the header read past one letter off (t, tn folded:
 * "mung y kn"): the listed place the header's date line names ("Hưng Yên,
 * ngày 03 tháng 05 năm 2023") when t is at most a third of its letters
 * from it; NULL else, or when two date lines name two places
 * (paper_dateplace.c). */
const char *paper_province_by_date_line(const doc *d, const char *t, size_t tn);
/* The listed place the header's date line names right before ", ngày"
 * (original spelling), NULL when none or when two date lines name two
 * places (paper_dateplace.c). */
const char *paper_date_line_place(const doc *d);
char *paper_find_title(doc *d, const paper_kind *pk);
/* Line l (folded) starts with "Kính gửi", or a two-word label before a
 * colon one or two letters from it ("Kinh gửt:"). */
int paper_kinh_gui_line(const doc *d, size_t l);
/* The length of a garbled "V/v" at the start of folded f[0..n) ("va'",
 * "v#w": 'v', at most one letter, at least one mark, no digit; "và" is
 * none), or 0. */
size_t paper_vv_garbled(const char *f, size_t n);
enum { PAPER_NAME_PLACE = 0, PAPER_NAME_PERSON = 1, PAPER_NAME_COMPANY = 2 };
char *paper_lex_restore(doc *d, char *s, int mode);
/* Is the first word of name (two words or more) a listed surname as read
 * (its letters and marks, case aside)? A surname so read is never changed
 * by a second reading (paper_lines.c), as the lexicon never changes it. */
int paper_surname_listed(const sh_kinds *k, const char *name);
/* An address's places and level words put right (paper_agency.c): a level
 * word with a letter dropped ("tnh"), a place one letter off a listed one
 * when a word read unsurely is no syllable; the rest as read. Takes s;
 * NULL with d->oom on out of memory. */
char *paper_address_restore(doc *d, char *s);
/* An address's OCR slips where the shape leaves one reading
 * (paper_fixes.c): ". " between two place parts is a comma; a level word
 * read with other marks ("tính") before a listed place is the level word;
 * "la" before a name listed only as "Ia ..." is "Ia". The rest as read.
 * Takes s; NULL with d->oom on out of memory. */
char *paper_address_marks(doc *d, char *s);
/* A labelled number (a diploma's "B967974") that fits none of the kind's
 * number_shapes, read unsurely (below SH_PAPER_WEAK_CONF): a digit in a
 * letter's place read as the letter it looks like (8 → B, 0 → O or D, ...)
 * when that makes exactly one spelling fit a shape. Else as read. Takes s;
 * NULL with d->oom on out of memory. */
char *paper_number_shape(doc *d, const paper_kind *pk, char *s);
/* Is the '_' OCR read right after w[-1] (t .. w the text written so far,
 * next the text after the '_') a number's '-' between its type symbol and
 * the body ("Số: 1399/TB_PTP", bold italic faces)? 1 when the bytes before
 * it are capitals (A-Z, Đ) up to a '/' after a digit and a capital follows
 * it; then it is kept for find_number, which reads it as the '-'. */
int paper_type_underscore(const char *t, const char *w, const char *next);
/* Places an address is checked against (paper_names.c): the lists 0 ..
 * paper_place_lists() - 1 (catalogue, lexicon, gazetteer). A place read as
 * orig (on bytes), folded f (fn bytes): *listed is 1 when a list spells it
 * so (case aside); else *spellings counts the other spellings folding like
 * it, and the one of them is returned when there is exactly one. */
int paper_place_lists(void);
/* The listed spelling for a place read as orig (on bytes, folded f, fn
 * bytes), or NULL to keep the reading (paper_agency.c: the rule is at its
 * definition). */
const char *paper_place_fix(doc *d, const char *f, size_t fn, const char *orig, size_t on);
/* Places in a title ("... trên địa bàn Gio Linh", "xã Pải Lủng") put right
 * as an address's (paper_place_fix). Takes s; NULL with d->oom. */
char *paper_title_places(doc *d, char *s);
const paper_strs *paper_place_list(const sh_kinds *k, int l);
const char *paper_place_fold_pick(doc *d, const char *f, size_t fn, const char *orig, size_t on,
				  int *listed, int *spellings);
/* Put the listed spelling canon for the reading orig (on bytes) into b, in
 * capitals when orig was read in capitals. 0, or -1 out of memory. */
/* 1 when the place spelling cand is the reading orig (on bytes) but for
 * one letter changed, put in or left out, case aside: every other letter
 * and mark read is kept ("8ảo Thành" fits "Bảo Thành", not "Bảo Thanh"). */
int paper_place_marks_fit(const char *cand, const char *orig, size_t on);
int paper_put_place(sh_buf *b, const char *canon, const char *orig, size_t on);
char *paper_number_value(doc *d, const number_info *ni, const paper_kind *pk, const char *issuer);
/* Is f[q..e) a year followed by a glyph read for the slash (A, 4) and a
 * known type symbol up to a '-' ("2022aqd-", "20214qd-")? (paper.c) */
int paper_year_slash_glyph(const sh_kinds *k, const char *f, size_t q, size_t e);
/* A number's body segment one letter off the header's body (issuer, its
 * first word the body's short name), or with one letter read as two
 * lookalike glyphs ("LIBND"): that short name, else NULL (paper_photo.c). */
const char *paper_symbol_of_issuer(const doc *d, const char *seg, size_t n, const char *issuer);
char *paper_orig_range(doc *d, size_t a, size_t b, const char *trim_right);
const char *paper_known_symbol(const sh_kinds *k, const char *fold, size_t n);
int paper_all_upper_ascii_or_marks(const char *orig);
int paper_by_label(doc *d, const paper_strs *labels, value_fn fn, void *out);
int paper_date_near(const char *f, size_t flen, size_t at, size_t window, char *out);
/* paper_date_near for a kind that prints day and month with two digits
 * (padded 1): a numeric date read with one is no date (a digit was lost). */
int paper_date_near_padded(const char *f, size_t flen, size_t at, size_t window, char *out, int padded);
int paper_date_value(doc *d, size_t a, size_t e, void *out);
int paper_date_words_at(const char *f, size_t flen, size_t at, char *out, size_t *end);
int paper_id_anywhere(doc *d, id_out *io);
/* 12 digits starting with a real province code. */
int paper_person_id_ok(const char *id);
/* Do a 12-digit personal id's century, birth year and sex digits agree
 * with birth (its year is all that is compared; NULL: not checked) and
 * sex ("Nam" or another; NULL: not checked)? (paper.c) */
int paper_birth_matches_id(const char *id, const char *birth, const char *sex);
int paper_id_value(doc *d, size_t a, size_t e, void *out);
int paper_birth_year_value(doc *d, size_t a, size_t e, void *out);
int paper_birth_year_said(doc *d, char y[5]);
int paper_is_alnum_ascii(int c);
int paper_is_wordc(unsigned char c);
int paper_line_empty(const doc *d, size_t i);
int paper_name_value(doc *d, size_t a, size_t e, void *out);
int paper_sex_value(doc *d, size_t a, size_t e, void *out);
/* The sex after a label read with letters off ("Ciới tia: Nữ"), nearer
 * the kind's sex label than any other of its labels, the value alone on
 * its line; one such line only. */
int paper_sex_label_off(doc *d, const paper_kind *pk, const char **out);
/* The birth date after its long label ("Ngày, tháng, năm sinh", 16
 * folded bytes or more) read with a few bytes off ("Ngày, thán§: năm
 * sinh: 07/02/2017"), at most a sixth of the label's bytes from it, none
 * lost, and nearer it than any other label of the kind; one such date
 * only (paper_photo.c). out as paper_date_value's. */
int paper_birth_label_off(doc *d, const paper_kind *pk, date_out *out);
/* The owner's name after its label read one folded byte off (glyphs
 * after it aside) with its colon lost ("Họ, chữ dễm, tẺ0' NGUYÊN THỊ
 * LONG"), nearer that label than any other of the kind, the name in
 * capitals ending the line; one such name only; persons' kinds
 * (paper_labeloff.c). out as paper_name_value's; 1 when found. */
int paper_name_label_off(doc *d, const paper_kind *pk, str_out *out);
int paper_split_lines(doc *d);
int paper_starts_word(const char *f, size_t at);
int paper_upper_share(const doc *d, size_t line);
int paper_upper_share_range(const doc *d, size_t fa, size_t fb);
int paper_value_before(const doc *d, size_t a, size_t b);
int paper_word_at(const char *f, size_t flen, size_t at, const char *w);
size_t paper_edit_distance(const char *a, const char *b);
size_t paper_line_of(const doc *d, size_t pos);
void paper_find_signer(doc *d, char **signer, char **title);
/* paper_signs.c. Folded range [fa, fb) a person's name as printed under a
 * signature: 2-6 words, each a capital letter followed by small ones; the
 * last word of three or more may hold capitals after its first letter if
 * it is a syllable (a bold face's "Nguyễn Seo MỶ", "Quàng Hồng LỀnh"). */
int paper_name_line(const doc *d, size_t fa, size_t fb);
/* Such a name (owned, consumed) with its last word's capitals after its
 * first letter put in small letters ("Nguyễn Seo Mỷ"); NULL on no memory. */
char *paper_name_recase(doc *d, char *s);
/* A person's (owner's) name whose first word is a listed surname in
 * capitals before two words or more in title case ("VI Kim Nhiều": the
 * small i read as a capital I): that word in title case. s itself
 * otherwise; NULL (s freed) when out of memory. paper/paper_signs.c */
char *paper_owner_recase(doc *d, char *s);
/* The issuer's place read at folded [fa, fb), no gazetteer place as read,
 * is the gazetteer place the page's date line prints, when the two differ
 * only by spaces and marks ("NAM TRÀMY", "MƯỜNG TẺ") or by one vowel read
 * twice with its marks and one letter ("MÙ CANG CHẲẢT"): that place
 * (the gazetteer's string), else NULL. */
const char *paper_issuer_place_dated(doc *d, size_t fa, size_t fb);
/* Of the places of lists[0..nl) folded as fold, the one with the most
 * words the same as the reading o (on bytes) but for case ("Đắk Đoa" for
 * "ĐẮK ĐÓOA", not the gazetteer's "Đak Đoa"); NULL when two tie or none
 * has a word so (paper_signs.c, session 19). */
const char *paper_place_most_as_printed(const doc *d, const paper_strs *const *lists, int nl, const char *fold,
					const char *o, size_t on);
/* Are a and b the same letters but for their case ("Ea H'leo", "Ea H'Leo";
 * paper_slips.c, session 19)? */
int paper_case_only(const char *a, const char *b);
/* A worded date's day or month read as one digit and one glyph no digit
 * reader gives ("ngày 2ó tháng 0ó": FreeSerif Italic 170 reads 6 as ó;
 * "tháng 0%": FreeSerif Bold 160 reads 5 or 6 as %): its digits in g, ó
 * as 6, % as '?' (a digit to learn from the passes); 0 when not so. The
 * glyphs make no number, so no date was read there: only the passes'
 * agreement (decide, glyphs_confirmed) can give one, never the glyph
 * (paper_slips.c, used by paper_dates.c). The first digit may be a 1
 * read "l", "I", "!" or "|" before the glyph ("ngày ló", session 20). */
int paper_date_glyph_digit(const char *t, size_t tl, char *g);
void paper_norm_heading(char *dst, size_t cap, const char *s, size_t n);

/* 1 when w (n bytes of UTF-8) is a valid Vietnamese syllable (any case). */
int paper_syllable_ok(const char *w, size_t n);
/* Set d->marks_lost: under a tenth of the page's words carry a diacritic. */
void paper_marks_lost(doc *d);
/* Confidence OCR gave word w (n bytes, NFC): the highest over its occurrences
 * read in its case (over every occurrence when none is),
 * or -1 when unknown (no confidences given, or the word is not among them). */
int paper_word_conf(doc *d, const char *w, size_t n);
/* The best OCR confidence of a word holding the digit run t (a string as
 * in the folded text: digits and the o/l/i slips) as a whole run, or -1
 * when no confidences were given or no word holds it. */
int paper_digits_conf(doc *d, const char *t);

int paper_by_label_anywhere(doc *d, const paper_strs *labels, value_fn fn, void *out);
int paper_text_value(doc *d, size_t a, size_t e, void *out);
int paper_digits_value(doc *d, size_t a, size_t e, void *out);
int paper_old_id_value(doc *d, size_t a, size_t e, void *out);
int paper_area_value(doc *d, size_t a, size_t e, void *out);
int paper_holders_value(doc *d, size_t a, size_t e, void *out);

/* ---- photos (paper_photo.c, issue 23) ----------------------------------- */

/* The kind a page's form labels name when no heading or symbol did: the
 * kind whose form_labels are printed as labels (at a line's start, or
 * after '/') with the most weight, a label counting 1/(kinds listing it).
 * Needs weight 2 from 3 labels and 1 more than any other kind — 4 from 5
 * on a page with an agency's signs (number_symbol: its number names a
 * type; "Kính gửi", "Nơi nhận", "Căn cứ"). 1 and *kind, or 0. */
int paper_kind_by_labels(const doc *d, int number_symbol, size_t *kind);
/* 1 when the page shows an agency's signs (above). */
int paper_agency_signs(const doc *d, int number_symbol);
/* Stray glyph tokens (no letter or digit: "|", "]", "ˆ"; or a lone stroke
 * letter "l", "Ỉ", "ị" at an end; a name's last lone letter that is no
 * given name of the lexicon) taken out of the string facts. company: the
 * owner name is a company's. */
void paper_fact_guard(const sh_kinds *k, sh_paper_facts *pf, int company);
/* Folded offset on line l after at most two glyph tokens it starts with. */
size_t paper_line_after_glyphs(const doc *d, size_t l);
/* Folded range [*a, *e) without glyph tokens at its ends. */
void paper_trim_glyphs(const doc *d, size_t *a, size_t *e);
/* Folded offset of an id's digits at [a, e) after glyphs and a lone stroke
 * letter standing apart before nine digits or more. */
/* A card's English label broken over two lines: at folded a of line l
 * "/ Full" ends the line and the next starts "name:". 1 and the value's
 * range [*va, *ve) (after that colon, else the line after), or 0. */
int paper_english_label_tail(const doc *d, size_t l, size_t a, size_t *va, size_t *ve);
/* Folded range [*a, *e) without glyph tokens or lone stroke letters at
 * its ends (a signature block's lines). */
void paper_trim_strays(const doc *d, size_t *a, size_t *e);
/* Signer blocks of photos (paper_photo.c, session 16): is folded f[a, e)
 * only the last words of a catalogue position ("TỊCH")? The one position the
 * line f[a, e) is but for one word that lost its last letter ("PHÓ ch
 * TỊCH"), or -1. */
int paper_position_tail_only(const doc *d, size_t a, size_t e);
long paper_position_word_cut(const doc *d, size_t a, size_t e);

/* The catalogue position folded f[a, e) is (exactly, or one letter
 * dropped from a position of two words or more), or -1. */
long paper_position_at(const doc *d, size_t a, size_t e);
/* The signer's title among a signature block's upper-case lines (line[i]
 * with its tail from folded tail[i], lowest first): the lowest line, or
 * two lines joined ("PHÓ CHỦ" / "TỊCH"), that is a catalogue position in
 * capitals, as the catalogue writes it ("Q. " kept); lines between it and
 * the name (a seal's lettering) are passed over. NULL when none is (or
 * out of memory: d->oom). */
char *paper_block_position(doc *d, const size_t *line, const size_t *tail, size_t n);
/* A "KT." line (paper_deputy.c, issue 23 session 19): the catalogue
 * position a "kt" token on line l is followed by, up to the line's end
 * (the principal; "5 -KT, CHỦ TỊCH"), or -1. */
long paper_kt_principal(const doc *d, size_t l);
/* Line l, right under a "KT." line naming principal, read as "PHÓ" and the
 * principal's position with a few letters off ("PHÔ KHỦ TỊCH"): the
 * catalogue's "PHÓ ..." position, or -1. */
long paper_deputy_slip(const doc *d, size_t l, long principal);
/* The one catalogue position of two words or more that folded s is with
 * one letter read as another, where the word so read is no syllable ("chu
 * tlch" for CHỦ TỊCH, a small photo, issue 23 session 20); -1 if none or
 * two. */
long paper_position_letter_off(const doc *d, const char *s);
/* For each ocrx_word of hocr in order (*n of them), 1 when it is an edge
 * glyph: a glyph or stroke letter of 1-2 characters at the far left or
 * right of its line, apart from the line's text by a gap much wider than
 * its word gaps or beyond the text block's margin; or alone on its line.
 * *out: sh_free. SH_ENOMEM. */
int paper_hocr_edges(unsigned char **out, size_t *n, const char *hocr);
/* A bare a/e/i/u/y right before the same letter with marks ("PHAẠM",
 * a photo's echo) is dropped: no Vietnamese syllable has them twice. In
 * place; NFC text. */
void paper_undouble_vowels(char *t);
/* Lines holding only glyph tokens are emptied (page breaks kept). In
 * place; NFC text. */
void paper_blank_glyph_lines(char *t);
size_t paper_skip_glyphs_before_digits(const doc *d, size_t a, size_t e);

/* ---- names read again (paper_lines.c, issue 18) ------------------------ */

/* a name's word is taken from its second readings (paper_lines.c) only
 * when the first reading was a guess (below PAPER_REREAD_FIRST) and every
 * second reading gives the same spelling at PAPER_REREAD_CONF or more.
 * tune3: "Khổng" read at 13, read again "Khống" at 81 twice (wrong); "Thuỷ"
 * at 35, "Thuỳ" at 93 twice (right); one reading gave "Khái" at 96 for
 * "Khải": hence two readings, both very sure, after a guess. */
#define PAPER_REREAD_FIRST 50
/* A surname word read at this confidence or more is kept even when it is
 * no surname: Tesseract's top readings (95-97: 189 of the 355 surnames of
 * the tune splits, 150-300 dpi; paper_names.c surname_confused, and a
 * surname read again, paper_lines.c). */
#define PAPER_SURNAME_SURE 95
/* names.json weight from which a surname is common (Nguyễn 3840, Đỗ 140;
 * the rare ones of session 13 weigh 1 to 10): read with its stacked tone
 * lost it is put right whatever OCR's confidence (paper_names.c). */
#define PAPER_SURNAME_COMMON 100
#define PAPER_REREAD_CONF 90

/* ---- handwriting (paper_hand.c, issue 18) ------------------------------- */

/* A word is "tall" when its box is over this percentage of the height of
 * the page's printed words (the median of words of 3+ letters read at 85
 * or more). */
#define PAPER_HAND_TALL 150
/* ... and "flat" under this one: dots of the line written on, read as
 * letters or digits under a hand */
#define PAPER_HAND_FLAT 35
/* For each ocrx_word of hocr in order (*n), 1 when it is tall or flat
 * (above: a letter or digit in it);
 * all 0 when the page has under 8 printed words to measure. *out: sh_free.
 * SH_ENOMEM. */
int paper_hocr_hand(unsigned char **out, size_t *n, const char *hocr);
/* Leave out the facts of a personal or company form whose values look
 * handwritten (their words in d->words: tall, read unsurely or as no word)
 * and flag them in pf->handwritten. Needs d->words; no-op without. */
void paper_hand_check(doc *d, const paper_kind *pk, sh_paper_facts *pf);

/* ---- slips on scans of any face (paper_slips.c, issue 18, session 18) -- */

/* A word of two or more I's, one read with a diaeresis right after a
 * plain I ("IÏ": no Vietnamese word has one), gets plain I's: "quý IÏ" is
 * "quý II" (before paper_undouble_vowels, which would take "IÏ" for a
 * letter read twice). "VÏ" stays (a name's Ĩ, paper_names.c), "ÏI" too
 * (the quarter's numeral reads it). In place; NFC text. */
void paper_roman_diaeresis(char *t);
/* Is the word at folded f[i] (line end e) the motto's "Độc" read short
 * ("Đ lập - Tự do"): a d, at most 4 bytes, then "lap", then "tu do"
 * (after a dash or not)? A header's left column ends before it. */
int paper_motto_word_at(const char *f, size_t e, size_t i);
/* The listed place (catalogue's, lexicon's, then gazetteer's) the folded
 * place t (tn bytes, no apostrophe) is with its apostrophes dropped
 * ("ea hleo": Ea H'leo); NULL when none or two spellings. */
const char *paper_place_apostrophe(const doc *d, const char *t, size_t tn);
/* A name's word read in two ("QU YỀN"): a word of letters that is no
 * syllable, joined with the next word of letters, is one when the two make
 * a syllable. In place on s (it only shrinks); returns s. */
char *paper_name_join_split(char *s);
/* Is the place folded f (fn bytes), read orig (on bytes), listed as read
 * (paper_place_fold_pick)? A title's place so read is the place: none of
 * its first words is put right into another ("Krông Búk", not "KRong"). */
int paper_place_listed_as_read(doc *d, const char *f, size_t fn, const char *orig, size_t on);
/* Into out (cap bytes): the listed surnames with the letters of name's
 * first word, marks aside, '\n' between, when that word is no listed
 * surname as read (paper_surname_listed) and name has two words or more;
 * else "". Those that do not fit are left out. */
void paper_surname_alts(const sh_kinds *k, const char *name, char *out, size_t cap);
/* Is word w (any case) one of alts (paper_surname_alts), case aside? */
int paper_surname_alt_is(const char *alts, const char *w);
/* Does s[oa, ob), read where phrase ph (two words or more) fits its
 * letters, hold a word past the first with a capital where ph has a small
 * letter? A name then ("địa bàn Hạnh Phúc"), no phrase ("ban hành"). Not
 * when s differs from ph in case only, nor for a capital of the shape of
 * its small letter (C, K, O, S, U, V, W, X, Z and their marked forms: a
 * case slip, "triển Khai"). */
int paper_phrase_over_name(const char *s, size_t oa, size_t ob, const char *ph);
/* The listed spelling (catalogue's, lexicon's, then gazetteer's) of the
 * place folded f (fn bytes) read orig (on bytes) with the same letters
 * and marks, case aside, when no word of it was read unsurely (below
 * SH_PAPER_WEAK_CONF); else NULL. An issuer's place so read is that place,
 * not the catalogue's of the same letters ("AN PHỤ" is An Phụ, not An Phú). */
const char *paper_place_spelt_as_read(doc *d, const char *f, size_t fn, const char *orig, size_t on);

#endif
