/*
 * sh_paper.h — paper kinds and the facts they carry.
 *
 * A kind catalogue (paper/kinds.json, see docs/PAPERS.md) lists the kinds of
 * paper a reception desk sees: its slug ("quyet-dinh"), ASCII code used in
 * component codes ("QD"), the type abbreviation printed on it ("QĐ"), how it
 * is recognised (heading lines, number-symbol abbreviations, keywords), which
 * facts it carries and the labels those facts are printed after. The office
 * extends it without recompiling.
 *
 * sh_paper_extract reads OCR text (UTF-8, pages joined with "\f") and returns
 * the kind and facts. Identifiers are validated (12-digit personal id with a
 * province code and the century/sex digit matching the birth date and sex;
 * tax codes with their check digit): an id that fails is left out, never
 * guessed. Dates are ISO "YYYY-MM-DD" and real calendar dates.
 *
 * Thread safety: a loaded catalogue is read-only and may be shared by any
 * number of threads calling sh_paper_extract at once. Facts objects belong
 * to one thread at a time. Nothing here prints.
 */
#ifndef SH_PAPER_H
#define SH_PAPER_H

#include <stddef.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The facts a kind may carry; names are the keys of the corpus JSON
 * "fields" object (sh_paper_fact_name). */
enum sh_paper_fact {
	SH_FACT_DOC_TYPE = 0, /* type abbreviation: "QĐ", "KH", "CCCD", ... */
	SH_FACT_NUMBER,       /* number and symbol: "535/QĐ-UBND" */
	SH_FACT_DATE,         /* date of issue, YYYY-MM-DD */
	SH_FACT_ISSUER,       /* issuing body: "UBND huyện Thanh Hà" */
	SH_FACT_TITLE,        /* trích yếu, as printed, lines joined */
	SH_FACT_SIGNER,       /* person who signed */
	SH_FACT_SIGNER_TITLE, /* title signed under: "PHÓ CHỦ TỊCH", "Q. CHỦ TỊCH" */
	SH_FACT_OWNER_ID,     /* 12-digit personal id or 10/13-digit tax code */
	SH_FACT_OWNER_NAME,   /* as printed */
	SH_FACT_BIRTH_DATE,   /* YYYY-MM-DD */
	SH_FACT_SEX,          /* "Nam" or "Nữ" */
	SH_FACT_VALID_UNTIL,  /* YYYY-MM-DD; see sh_paper_never_expires */
	SH_FACT_OLD_ID,       /* 9-digit number of an old CMND (not an owner id) */
	SH_FACT_ADDRESS,      /* place of residence / of the parcel, as printed */
	SH_FACT_PARCEL,       /* land parcel number (thửa đất số), digits */
	SH_FACT_MAP_SHEET,    /* map sheet number (tờ bản đồ số), digits */
	SH_FACT_AREA,         /* area in m², "123.5" */
	SH_FACT_HOLDERS,      /* every holder / spouse named, "; "-separated */
	SH_FACT_EVENT_DATE,   /* YYYY-MM-DD of the event: death */
	SH_FACT_COUNT
};

/* Limits on a catalogue; a file beyond them is refused with SH_ELIMIT. */
#define SH_KINDS_FILE_MAX ((size_t)1 << 20) /* bytes */
#define SH_KINDS_MAX 256                    /* kinds */
#define SH_KINDS_LIST_MAX 512               /* entries in one list or map */
#define SH_KINDS_STRING_MAX 256             /* bytes in one string */
/* Longest OCR text sh_paper_extract accepts (SH_ELIMIT beyond). */
#define SH_PAPER_TEXT_MAX ((size_t)4 << 20)

typedef struct sh_kinds sh_kinds;
typedef struct sh_paper_facts sh_paper_facts;

/* ---- catalogue ---------------------------------------------------------- */

/* Load a kind catalogue from a JSON file. *out: release with sh_kinds_free.
 * Errors: SH_ENOTFOUND (no file), SH_EIO, SH_ELIMIT (over a limit above),
 * SH_EINVAL (not JSON, or a field is missing, mistyped, unknown or out of
 * form; the message names the line/column or the kind and field), SH_ENOMEM.
 * On error *out is NULL. */
int sh_kinds_load(sh_kinds **out, const char *path);
/* The same from a buffer (need not be NUL-terminated); name is used in
 * messages (may be NULL). The buffer is not kept. */
int sh_kinds_parse(sh_kinds **out, const char *data, size_t len, const char *name);
/* Release a catalogue and set *kinds to NULL. NULL and *kinds == NULL are
 * fine. Every sh_paper_facts made with it stays valid. */
void sh_kinds_free(sh_kinds **kinds);
/* Number of kinds, and the slug / code / name of kind i (< count); borrowed,
 * valid until sh_kinds_free. NULL if i is out of range. */
size_t sh_kinds_count(const sh_kinds *kinds);
const char *sh_kinds_slug(const sh_kinds *kinds, size_t i);
const char *sh_kinds_code(const sh_kinds *kinds, size_t i);
const char *sh_kinds_name(const sh_kinds *kinds, size_t i);
/* The index of the catalogue's one "other" kind (family "other": the kind
 * of a paper nothing else fits, "TL"); 0 for NULL. */
size_t sh_kinds_other(const sh_kinds *kinds);
/* The one kind catalogue serves recognition and reuse: each kind also
 * states how long a paper of it stays valid ("validity" in kinds.json) and
 * whether it may be reused for another dossier. */
enum sh_paper_validity {
	SH_PAPER_VALID_NEVER = 0, /* valid for ever ("never" expires) */
	SH_PAPER_VALID_PRINTED,   /* until the valid_until fact printed on it */
	SH_PAPER_VALID_DAYS,      /* *days after the paper's date (else its receipt) */
	SH_PAPER_VALID_UNTIL      /* until a fixed day (*until, "YYYY-MM-DD"): CMND */
};
/* Name of the kind with code (e.g. "GKS" -> "Giấy khai sinh"); borrowed,
 * valid until sh_kinds_free; NULL when no kind has that code. */
const char *sh_paper_kind_name(const sh_kinds *kinds, const char *code);
/* Validity rule of the kind with code: *rule (enum sh_paper_validity),
 * *days (SH_PAPER_VALID_DAYS, else 0), *until (SH_PAPER_VALID_UNTIL,
 * borrowed like sh_paper_kind_name, else NULL), *reusable (0: asked for
 * every time). Any out pointer may be NULL. SH_ENOTFOUND when no kind has
 * that code. */
int sh_paper_kind_validity(const sh_kinds *kinds, const char *code, int *rule, int *days,
			   const char **until, int *reusable);
/* The shipped catalogue: sh_data_file("kinds.json") (installed
 * share/sohoa, or the build tree's). Static storage. */
const char *sh_kinds_default_path(void);

/* ---- facts -------------------------------------------------------------- */

/* Recognise the kind of the paper whose OCR text is text (UTF-8; any
 * normalisation, NFC is applied; pages separated by '\f') and extract the
 * facts that kind carries. The kind is the catalogue's "other" kind when no
 * kind is recognised. *out: release with sh_paper_facts_free; it copies
 * what it needs and does not refer to kinds or text afterwards.
 * Errors: SH_EINVAL (text is not UTF-8 or kinds is NULL), SH_ELIMIT (over
 * SH_PAPER_TEXT_MAX), SH_ENOMEM. Finding no facts is not an error. */
int sh_paper_extract(sh_paper_facts **out, const sh_kinds *kinds, const char *text);
/* OCR confidence of one word of the text: bytes [off, off + len) of the
 * text given to sh_paper_extract_words, confidence 0..100 (Tesseract's
 * x_wconf). */
typedef struct sh_paper_word {
	size_t off, len;
	int conf;
	/* 1: a lone glyph at the edge of its line (the desk's edge or a
	 * speck read as "|", "Ỉ", "l": sh_paper_hocr_words says so from the
	 * words' places); extraction reads the text without it */
	int edge;
	/* 1: the word's box is far taller than the page's printed words (a
	 * hand writes larger than print) or flat (the dots of the line under a
	 * hand read as letters): sh_paper_hocr_words says so from the hOCR
	 * boxes; with what OCR read of it, extraction leaves a value that
	 * looks handwritten out (sh_paper_fact_handwritten) */
	int hand;
} sh_paper_word;
/* Below this confidence a word is "weak": the name lexicon may put back
 * marks OCR dropped from it even when it is a valid syllable ("CONG" →
 * "CÔNG"), never change or remove a mark it read ("Doãn" stays: correct
 * rare names were read with confidences as low as 38). Tesseract (vie)
 * gives 93-96 to a name word it reads cleanly (docs/PAPERS.md). */
#define SH_PAPER_WEAK_CONF 80
/* An owner id (or CMND number) whose digits OCR read with a confidence
 * below this is not taken: "not found" rather than a wrong number. Tesseract
 * (vie) gives 95-96 to every cleanly read id of the tune split (36 of 36);
 * the one misread id that passed every check (held-out, 2026-12-06) scored
 * 59. */
#define SH_PAPER_ID_CONF 85

/* sh_paper_extract with the OCR's word confidences (words may be NULL when
 * nwords is 0: then every word counts as read with good confidence). The
 * name lexicon changes a word of a name only when it is no valid
 * Vietnamese syllable, or its confidence is below SH_PAPER_WEAK_CONF and
 * the change only puts back marks OCR dropped; an id read below
 * SH_PAPER_ID_CONF is not taken. words
 * is not kept. Errors as sh_paper_extract, and SH_EINVAL when a word lies
 * outside the text or a confidence is not 0..100. */
int sh_paper_extract_words(sh_paper_facts **out, const sh_kinds *kinds, const char *text,
			   const sh_paper_word *words, size_t nwords);
/* Word confidences from hOCR (the ocrx_word spans' x_wconf, pages in the
 * order of the text's pages, concatenated), located in text in reading
 * order; a word not found in text is skipped. A word is marked edge (issue
 * 23) when it is a glyph without letter or digit ("|", "]") or a lone
 * stroke letter ("l", "Ỉ", "ị"; a lone letter read below 60) of 1-2
 * characters at the far left or right of its line, set apart from the
 * line's text by a gap over 3× the line's median word gap and over the
 * line's height, or beyond the page's text margin by a gap over 1.5× that
 * median; or such a glyph alone on its line. *out: caller frees with
 * sh_free (NULL when *n is 0). Errors: SH_EINVAL (NULL text or hocr),
 * SH_ELIMIT (over SH_PAPER_TEXT_MAX), SH_ENOMEM. */
int sh_paper_hocr_words(sh_paper_word **out, size_t *n, const char *text, const char *hocr);
/* Where OCR put a word of digits: the box (pixels of the page image given
 * to OCR, x0,y0 top-left, x1,y1 bottom-right) and the page (0-based, in
 * the order of the hOCR's ocr_page elements). */
typedef struct sh_paper_box {
	int page;
	int x0, y0, x1, y1;
} sh_paper_box;
/* Find digits (as sh_paper_id_unsure gives them) in hOCR: one or more
 * words in a row on a line whose digits, o/O read as 0 and l/I/| as 1, are
 * exactly digits (a label glued in front of the first word is cut off
 * the box by its share of letters). Returns 1 and fills *out, 0 when not
 * found (or either string is NULL or empty). Reads only what Tesseract
 * writes. */
int sh_paper_hocr_digits_box(sh_paper_box *out, const char *hocr, const char *digits);
/* Every run of digits in hOCR that sh_paper_hocr_digits_box could give for
 * an id: one or more words in a row on a line, joined the same way, with
 * min_digits..max_digits digits; the boxes to read again before the page
 * image is gone (sh_ocr_options.digit_boxes). *out: caller sh_free (NULL
 * when *n is 0). SH_OK (none found: *n = 0), SH_ENOMEM. */
int sh_paper_hocr_digit_runs(sh_paper_box **out, size_t *n, const char *hocr, size_t min_digits,
			     size_t max_digits);

/* ---- a second reading of an id (issue 18) ------------------------------
 * An owner id (or CMND number) that passed every check (length, province,
 * century/sex/birth year, tax-code check digit) but was read below
 * SH_PAPER_ID_CONF is not taken. The caller may read its place on the
 * image again, with digits only (sh_ocr_digits_read), and confirm it: it
 * is taken only when every reading given is exactly the same number. */

/* The unsure id, or NULL when there is none; *fact (may be NULL) gets
 * SH_FACT_OWNER_ID or SH_FACT_OLD_ID. Borrowed until sh_paper_id_confirm
 * or sh_paper_facts_free. */
const char *sh_paper_id_unsure(const sh_paper_facts *f, enum sh_paper_fact *fact);
/* Take the unsure id when n >= 2 readings are given and every one is the
 * same digits (spaces between digit groups aside), or two or more are and
 * every other is empty or the id but for zeros read as 6, 8 or 9 that fails
 * a check; a misread id one digit
 * too long ("03145274943") also when 3 or more of n >= 4 readings give the
 * page's digits but that one and no other reading is of an id's length; a
 * personal id one digit short when 2 or more of n >= 3 readings give the
 * same 12 digits passing every check, the page's digits and every other
 * reading those with one lost (or empty). Returns 1 when taken
 * (the fact is set and sh_paper_id_reread says so), 0 when not (nothing
 * changes; the id stays "not found"), SH_ENOMEM. */
int sh_paper_id_confirm(sh_paper_facts *f, const char *const *readings, size_t n);
/* What the page's pixels say of one glyph of the unsure id (the caller
 * compares its image with the page's digits read surely, of the same
 * height): near[k] how far it is from the nearest digit k read surely
 * (0..1000; -1: no such digit), spread[k] how far that digit k is from
 * its own nearest other sure k (-1: none). */
typedef struct sh_paper_glyph {
	int near[10], spread[10];
} sh_paper_glyph;
/* Take the unsure id as the second readings give it when they (n >= 3)
 * all give the same digits, which are the page's but for one and pass
 * every check, and the glyph there (g[i], one per digit of the unsure id,
 * ng of them) is clearly unlike the page's digit where it is printed
 * surely (SH_PAPER_GLYPH_FAR or more from the nearest, twice as far as
 * that one is from its own nearest) and like the readings' digit: the
 * page prints it surely somewhere, and the glyph is at most half as far
 * from that as from the page's digit. Returns 1 when
 * taken (flagged as sh_paper_id_confirm does), 0 when not, SH_ENOMEM. */
#define SH_PAPER_GLYPH_FAR 380
int sh_paper_id_confirm_glyph(sh_paper_facts *f, const char *const *readings, size_t n, const sh_paper_glyph *g,
			      size_t ng);
/* 1 when fact was taken on a second reading (sh_paper_id_confirm). */
int sh_paper_id_reread(const sh_paper_facts *f, enum sh_paper_fact fact);
/* An id taken at once (read surely) checked by a second reading of its
 * place: when three or more readings agree on other digits than fact's
 * value, the two readings contradict each other and the id is left out
 * ("not found", never a wrong id; sh_paper_id_doubted says so). A
 * reading that is fact's value with one or two digits more at its ends
 * (the label's last glyphs read as digits at the crop's edge), or with one
 * to four digits cut off at its ends (a crop that cut into it), is no
 * disagreement. fact is
 * SH_FACT_OWNER_ID or SH_FACT_OLD_ID. Returns 1 when left out, 0 when
 * kept (or nothing to check). */
int sh_paper_id_verify(sh_paper_facts *f, enum sh_paper_fact fact, const char *const *readings, size_t n);
/* 1 when fact was left out by sh_paper_id_verify. */
int sh_paper_id_doubted(const sh_paper_facts *f, enum sh_paper_fact fact);

/* ---- a second reading of dates (issue 18) -----------------------------
 * Every date's place on the page (a "DD/MM/YYYY" word, or the three
 * numbers of "ngày D tháng M năm YYYY") read again, digits only; the
 * readings confirm, correct or take back the date OCR read (docs/PAPERS.md
 * "second reading of dates"). Never a date nobody read: a date the
 * readings do not settle stays as read, or is left out when OCR's reading
 * was itself no date. */
#define SH_PAPER_READS_MAX 8   /* readings per box */
#define SH_PAPER_DIGITS_MAX 32 /* bytes per reading, NUL included */
/* Reads box b again (digits only, e.g. sh_ocr_digits_read): up to max
 * readings into out (digits, NUL-terminated); returns how many (0: none). */
typedef size_t (*sh_paper_digits_fn)(void *arg, const sh_paper_box *b, char out[][SH_PAPER_DIGITS_MAX],
				     size_t max);
/* The boxes of every date's place in hOCR (one per "DD/MM/YYYY" word,
 * three per "ngày D tháng M năm YYYY"): to read again before the page
 * image is gone. *out: caller sh_free (NULL when *n is 0). SH_OK, SH_ENOMEM. */
int sh_paper_hocr_date_boxes(sh_paper_box **out, size_t *n, const char *hocr);
/* A copy of text (*out, caller sh_free) with every date's place that fn's
 * readings settle changed byte for byte (word offsets stay true): a date
 * corrected, or its digits made '-' when left out; *changed counts them.
 * Errors: SH_EINVAL (a NULL argument), SH_ELIMIT, SH_ENOMEM. */
int sh_paper_dates_reread(char **out, size_t *changed, const char *text, const char *hocr,
			  sh_paper_digits_fn fn, void *arg);
/* Flag the dates of f (extracted from the text sh_paper_dates_reread gave)
 * that differ from before (extracted from the text as read): a changed
 * date is "reread" (sh_paper_id_reread) with the old value as read
 * (sh_paper_fact_as_read), a date left out "doubted". Returns how many,
 * or SH_ENOMEM. */
int sh_paper_dates_flag(sh_paper_facts *f, const sh_paper_facts *before);

/* ---- a second reading of the paper's number (issue 18, 23) -----------
 * The digits of the number ("Số: 1914/QĐ-UBND": the first run of two or
 * more digits of the word after the label "Số" or "Số hiệu" on its line) read again,
 * digits only (docs/PAPERS.md "numbers read again"). */
/* The box of those digits in hOCR (the word's box cut by their share of
 * its glyphs): to read again before the page image is gone. 1 and *out
 * filled, 0 when there is none. */
int sh_paper_hocr_number_box(sh_paper_box *out, const char *hocr);
/* Settle f's number (extracted from the text of hocr) with fn's readings
 * of that box: when two or more readings give the run's digits (one more,
 * a 1, 4 or 7 at the end, is the slash at the crop's edge), all of them the
 * same other digits (a reading of another length says nothing), they
 * replace the page's digits: the number is "reread" (sh_paper_id_reread),
 * the old value kept as read (sh_paper_fact_as_read). When no reading
 * gives the page's digits, three or more give digits of the run's length
 * and two of them the same, the number is left out ("doubted",
 * sh_paper_id_doubted; not found rather than wrong). When the readings
 * of the run disagree with each other and at most half give the page's
 * digits, the number stays as read and is flagged unsure
 * (sh_paper_fact_unsure). Nothing happens
 * when the word after "Số" is not the number extraction took. SH_OK,
 * SH_EINVAL (a NULL argument), SH_ENOMEM. */
int sh_paper_number_reread(sh_paper_facts *f, const char *hocr, sh_paper_digits_fn fn, void *arg);

/* ---- a second reading of names (issue 18) -----------------------------
 * The line of the owner's name and the signer's read again on the page
 * image (upscaled, one line: the caller's reader, e.g. the OCR pool's
 * sh_ocr_options.digit_boxes with text boxes). A word the readings give
 * otherwise is taken only when the first reading was a guess (confidence
 * under 50) and every reading (two or more) gives the same valid syllable
 * of the same letters, only its marks differing, read at 90 or more; the
 * first reading is kept as read (sh_paper_fact_as_read) and the fact is
 * "reread". A reading of another valid spelling of the same letters that
 * does not settle it leaves the name as read and flags it "unsure"
 * (sh_paper_fact_unsure); readings of other letters say nothing. Both are for review at the desk
 * (docs/PAPERS.md "names read again"). */
#define SH_PAPER_LINE_WORDS 12 /* words per reading of a line */
#define SH_PAPER_WORD_MAX 48   /* bytes per word, NUL included */
typedef struct sh_paper_reading {
	size_t n; /* words */
	char w[SH_PAPER_LINE_WORDS][SH_PAPER_WORD_MAX];
	int conf[SH_PAPER_LINE_WORDS]; /* 0..100 */
} sh_paper_reading;
/* Reads box b again as one line of words: up to max readings into out;
 * returns how many (0: none). */
typedef size_t (*sh_paper_line_fn)(void *arg, const sh_paper_box *b, sh_paper_reading *out, size_t max);
/* The boxes of the name lines of one page's hOCR (what extraction of its
 * text takes as owner name and signer, as read): to read again before the
 * page image is gone. *out: caller sh_free (NULL when *n is 0). SH_OK
 * (none: *n = 0), SH_ENOMEM. */
int sh_paper_hocr_name_boxes(sh_paper_box **out, size_t *n, const sh_kinds *kinds, const char *hocr);
/* Settle f's owner name and signer (as OCR read them; a fact the lexicon
 * corrected or a handwritten one is left alone) with fn's readings of
 * their lines in hocr (the hOCR f was extracted from). SH_OK, SH_EINVAL
 * (a NULL argument), SH_ENOMEM. */
int sh_paper_names_reread(sh_paper_facts *f, const char *hocr, sh_paper_line_fn fn, void *arg);
/* 1 when fact was read twice and the readings differ without a clear
 * winner: kept as first read, for review. */
int sh_paper_fact_unsure(const sh_paper_facts *f, enum sh_paper_fact fact);

/* Release and set *facts to NULL; NULL-safe. */
void sh_paper_facts_free(sh_paper_facts **facts);

/* Accessors; returned strings are borrowed and valid until
 * sh_paper_facts_free. */
const char *sh_paper_kind(const sh_paper_facts *f);      /* slug: "quyet-dinh", never NULL */
const char *sh_paper_kind_code(const sh_paper_facts *f); /* ^[A-Z0-9]{1,12}$: "QD", "TL" */
const char *sh_paper_doc_type(const sh_paper_facts *f);  /* "QĐ", or NULL */
const char *sh_paper_owner_id(const sh_paper_facts *f);  /* validated digits, or NULL */
/* A fact's value, or NULL when not found (or not carried by the kind). */
const char *sh_paper_fact(const sh_paper_facts *f, enum sh_paper_fact fact);
/* The fact as OCR read it when the name lexicon or the catalogue's
 * corrections changed it (the value of sh_paper_fact is then a correction
 * to be shown to the desk for review), else NULL. Borrowed like
 * sh_paper_fact. */
const char *sh_paper_fact_as_read(const sh_paper_facts *f, enum sh_paper_fact fact);
/* 1 when fact's value was written by hand on the form (issue 18): its
 * words are too tall for the page's print and read unsurely or as no
 * word, or nearly all unreadable (docs/PAPERS.md "handwritten fields").
 * The fact is then not taken (sh_paper_fact gives NULL: "handwritten, not
 * read", never a guess) and the desk types it from the page. Known only
 * with word confidences from hOCR (sh_paper_extract_words with
 * sh_paper_hocr_words); personal and company forms only. */
int sh_paper_fact_handwritten(const sh_paper_facts *f, enum sh_paper_fact fact);
/* 1 when the paper says it never expires ("Không thời hạn"): valid_until
 * is then NULL and printed as null. */
int sh_paper_never_expires(const sh_paper_facts *f);
/* How sure the extraction is, 0..1: kind evidence times the share of the
 * kind's facts found. For ranking and review flags, not a probability. */
double sh_paper_confidence(const sh_paper_facts *f);
/* JSON key of a fact ("owner_id"); static storage; NULL if out of range. */
const char *sh_paper_fact_name(enum sh_paper_fact fact);

/* The "fields" object as one line of compact JSON, keys in enum order,
 * facts not found left out (valid_until is null when the paper never
 * expires). Caller frees with sh_free; NULL on out of memory. */
char *sh_paper_facts_json(const sh_paper_facts *f);
/* One `sohoa extract --json` line (no newline):
 * {"file":file,"kind":...,"fields":{...},"confidence":0.93}, with
 * "as_read":{fact:reading,...} for corrected facts, "reread":[fact,...] for
 * ids taken on a second reading and "doubted":[fact,...] for ids left out
 * because it disagreed, "unsure":[fact,...] for names read twice
 * otherwise (sh_paper_fact_unsure) and "handwritten":[fact,...] for values written by
 * hand, not read (sh_paper_fact_handwritten; all for review) before
 * "confidence".
 * file may be NULL (then left out). Caller frees with sh_free; NULL on out
 * of memory. */
char *sh_paper_result_json(const sh_paper_facts *f, const char *file);

#ifdef __cplusplus
}
#endif
#endif
