/* Fuzz target: the names lexicon (paper/names.json, paper_lexicon_parse in
 * paper/paper_kinds.c) and the name restoration it drives (paper/paper.c).
 * Input: a names file, optionally followed by a NUL byte and an OCR text.
 * The file is loaded into the shipped kind catalogue; then each sample
 * text (real OCR of tests/data/papers, one with every diacritic of its
 * names lost, and the text from the input) is read with it and with no
 * lexicon at all. Every input must:
 *   - load or give SH_EINVAL / SH_ELIMIT / SH_EVERSION, and on error leave
 *     the catalogue with no lexicon (reading is then exactly as without);
 *   - when loaded, hold only valid, non-empty NFC words with weights in
 *     1..100000000, at most PAPER_LEX_MAX a table;
 *   - change only diacritics and case: the same kind, and every fact folds
 *     (paper_fold) exactly like the fact read with no lexicon;
 *   - leave no allocation behind.
 * The same file is also loaded as a gazetteer (paper/places.json,
 * paper_gazetteer_parse) under the same rules: a refused one keeps no
 * name, and addresses and titles change only in diacritics and case; and
 * as a title words file (paper/words.json, paper_words_parse): a refused
 * one keeps no word, a loaded one at most PAPER_WORDS_MAX (parsed only:
 * the texts are read without it).
 * Seeds: tests/fuzz/corpus/names/ (paper/names.json, a small places file,
 * cut and damaged ones). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paper_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sh_kinds *plain, *k;
static const char *const samples[] = {"dev01-quyet-dinh-clean300", "dev03-giay-khai-sinh-office200",
				      "dev04-can-cuoc-color300", "dev05-dang-ky-doanh-nghiep-fax200"};
#define NTEXT (sizeof samples / sizeof *samples + 2)
static char *texts[NTEXT];
static sh_paper_facts *base[NTEXT]; /* the fixed texts read with no lexicon, once */
static int base_rc[NTEXT];
static const char stripped[] =
	"CONG HOA XA HOI CHU NGHIA VIET NAM\nDoc lap - Tu do - Hanh phuc\n\nGIẤY KHAI SINH\n"
	"Họ, chữ đệm, tên: NGUYEN THI BINH\nNgày, tháng, năm sinh: 07/02/2017\nGiới tính: Nữ\n"
	"Nơi sinh: Tram y te xa, huyen Kim Thanh, tinh Bac Ninh\nSố định danh cá nhân: 033317490435\n\n"
	"Ho, chu dem, ten nguoi cha: Pham Quang Dung\n\nBac Ninh, ngày 13 tháng 07 năm 2017\n\n"
	"TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nTran Huu Quyen\n";
/* A lexicon that holds nothing: loading it resets the catalogue. */
static const char empty[] = "{\"format\": \"sohoa-names\", \"version\": 1}";
static const char no_places[] = "{\"format\": \"sohoa-places\", \"version\": 1, \"places\": []}";
static const char no_words[] = "{\"format\": \"sohoa-words\", \"version\": 1, \"words\": []}";

static void setup(void)
{
	uint8_t *cat = NULL;
	size_t len = 0;
	if (sh_file_read(&cat, &len, sh_kinds_default_path(), SH_KINDS_FILE_MAX) ||
	    sh_kinds_parse(&plain, (const char *)cat, len, "kinds.json") ||
	    sh_kinds_parse(&k, (const char *)cat, len, "kinds.json"))
		abort(); /* the shipped catalogue must load */
	sh_free(cat);
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		char path[512];
		uint8_t *t = NULL;
		snprintf(path, sizeof path, "%s/tests/data/papers/%s.ocr.txt", SOHOA_SOURCE_DIR,
			 samples[i]);
		if (sh_file_read(&t, &len, path, SH_PAPER_TEXT_MAX))
			abort();
		texts[i] = (char *)t; /* NUL-terminated by sh_file_read */
	}
	texts[NTEXT - 2] = sh_strdup(stripped);
	for (size_t i = 0; i < NTEXT - 1; i++)
		base_rc[i] = sh_paper_extract(&base[i], plain, texts[i]);
}

static int valid_word(const char *w)
{
	char *nfc = NULL;
	size_t n = strlen(w);
	if (n == 0 || !sh_text_valid(w, n) || sh_text_nfc(&nfc, w, n))
		return 0;
	int same = !strcmp(nfc, w);
	sh_free(nfc);
	return same;
}

static void check_tables(void)
{
	for (int t = 0; t < LEX_TABLES; t++) {
		const paper_lextab *x = &k->lex[t];
		if (t != LEX_PLACE_WORD && x->n > PAPER_LEX_MAX)
			abort();
		for (size_t i = 0; i < x->n; i++)
			if (!valid_word(x->word[i]) || !x->fold[i] || x->weight[i] < 1 ||
			    (t != LEX_PLACE_WORD && x->weight[i] > 100000000))
				abort();
	}
	if (k->lex_places.n > PAPER_LEX_MAX)
		abort();
}

static char *folded(const char *s)
{
	char *f = NULL;
	if (!s)
		return NULL;
	if (paper_fold(&f, NULL, NULL, s, strlen(s)))
		abort();
	return f;
}

/* Read text with the fuzzed lexicon and with none: only diacritics and case
 * may differ; with no lexicon loaded (loaded = 0), nothing may. */
static void compare(size_t t, int loaded)
{
	const char *text = texts[t];
	sh_paper_facts *a = NULL, *b = base[t];
	int ra = sh_paper_extract(&a, k, text), rb = base_rc[t];
	if (t == NTEXT - 1)
		rb = sh_paper_extract(&b, plain, text);
	if (ra != rb || (ra != SH_OK && ra != SH_EINVAL && ra != SH_ELIMIT))
		abort();
	if (ra == SH_OK) {
		if (strcmp(sh_paper_kind(a), sh_paper_kind(b)))
			abort(); /* the lexicon changed what the paper is */
		for (int f = 0; f < SH_FACT_COUNT; f++) {
			const char *va = sh_paper_fact(a, f), *vb = sh_paper_fact(b, f);
			if (!va != !vb)
				abort(); /* a fact found or lost through the lexicon */
			if (!va)
				continue;
			if (!sh_text_valid(va, strlen(va)))
				abort();
			if (!loaded && strcmp(va, vb))
				abort(); /* no lexicon, yet a word was changed */
			char *fa = folded(va), *fb = folded(vb);
			if (strcmp(fa, fb))
				abort(); /* more than diacritics and case changed */
			sh_free(fa);
			sh_free(fb);
		}
		char *j = sh_paper_result_json(a, "fuzz");
		if (!j)
			abort();
		sh_free(j);
	}
	sh_paper_facts_free(&a);
	if (t == NTEXT - 1)
		sh_paper_facts_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!k)
		setup();
	const uint8_t *nul = memchr(data, 0, size);
	size_t flen = nul ? (size_t)(nul - data) : size;
	long live = sh_alloc_live();
	/* exactly flen bytes: a read past the file is an AddressSanitizer report */
	char *file = malloc(flen ? flen : 1);
	if (!file)
		return 0;
	memcpy(file, data, flen);
	int rc = paper_lexicon_parse(k, file, flen, "fuzz");
	int grc = paper_gazetteer_parse(k, file, flen, "fuzz");
	int wrc = paper_words_parse(k, file, flen, "fuzz");
	free(file);
	if (wrc != SH_OK && wrc != SH_EINVAL && wrc != SH_ELIMIT && wrc != SH_EVERSION)
		abort();
	if ((wrc != SH_OK && k->words.n) || k->words.n > PAPER_WORDS_MAX)
		abort(); /* a refused words file left some of itself behind */
	if (paper_words_parse(k, no_words, sizeof no_words - 1, "empty") || k->words.n)
		abort();
	if (grc != SH_OK && grc != SH_EINVAL && grc != SH_ELIMIT && grc != SH_EVERSION)
		abort();
	if ((grc != SH_OK && k->gazetteer.n) || k->gazetteer.n > PAPER_GAZ_MAX)
		abort(); /* a refused gazetteer left some of itself behind */
	if (rc != SH_OK && rc != SH_EINVAL && rc != SH_ELIMIT && rc != SH_EVERSION)
		abort();
	int loaded = rc == SH_OK || grc == SH_OK;
	if (rc != SH_OK && (k->lex[LEX_SURNAME].n || k->lex[LEX_MIDDLE].n || k->lex[LEX_GIVEN].n ||
			k->lex_places.n))
		abort(); /* a refused file left some of itself behind */
	check_tables();
	free(texts[NTEXT - 1]);
	texts[NTEXT - 1] = NULL;
	if (nul) {
		size_t tl = size - flen - 1;
		texts[NTEXT - 1] = malloc(tl + 1);
		memcpy(texts[NTEXT - 1], nul + 1, tl);
		texts[NTEXT - 1][tl] = 0;
	}
	for (size_t i = 0; i < NTEXT; i++)
		if (texts[i])
			compare(i, loaded);
	if (paper_lexicon_parse(k, empty, sizeof empty - 1, "empty") ||
	    paper_gazetteer_parse(k, no_places, sizeof no_places - 1, "empty"))
		abort();
	if (sh_alloc_live() != live)
		abort(); /* the lexicon, or something read with it, leaked */
	return 0;
}
