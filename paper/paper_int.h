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
} paper_strs;

/* Lexicon of name words (paper/names.json): spellings with their folded
 * forms and how common each is in its position. */
enum { LEX_SURNAME, LEX_MIDDLE, LEX_GIVEN, LEX_PLACE_WORD, LEX_TABLES };
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
	unsigned facts;                      /* 1u << SH_FACT_* */
	paper_strs labels[SH_FACT_COUNT];
} paper_kind;

struct sh_kinds {
	paper_kind *v;
	size_t n;
	size_t other;       /* index of the family "other" kind */
	paper_strs bodies;  /* orig: printed form (upper case); fold as usual */
	char **body_short;  /* what each body is written as in the issuer fact */
	paper_strs places;
	paper_strs positions; /* signer titles as printed: "PHÓ CHỦ TỊCH" */
	paper_strs fix_from;  /* corrections: OCR misreading (orig) ... */
	char **fix_to;        /* ... and the printed phrase */
	char *lexicon_file;   /* "lexicon": names file, relative to the catalogue */
	paper_lextab lex[LEX_TABLES];
	paper_strs lex_places; /* the lexicon's place names */
};

/* Fold s (len bytes, valid UTF-8) for matching: NFC-decomposed, marks
 * stripped, case-folded, đ→d, every whitespace run one space. *out (caller
 * frees with sh_free) is NUL-terminated; if map is non-NULL, *map (caller
 * frees) holds for every byte of *out plus the end the offset in s of the
 * character it came from. */
int paper_fold(char **out, size_t **map, size_t *out_len, const char *s, size_t len);

/* Replace the catalogue's lexicon with the names file in data (len bytes;
 * name for messages). sh_kinds_load reads the file "lexicon" names;
 * sh_kinds_parse never reads files. Errors as sh_kinds_parse; on error the
 * catalogue keeps no lexicon. Not thread-safe: call before sharing. */
int paper_lexicon_parse(sh_kinds *k, const char *data, size_t len, const char *name);

#endif
