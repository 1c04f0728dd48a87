/* Fuzz target: the kind catalogue parser and fact extraction (sh_paper.h).
 * The first byte chooses: even — the rest is a catalogue for
 * sh_kinds_parse; odd — the rest is OCR text for sh_paper_extract with the
 * shipped catalogue; and when bit 1 is set too, "TEXT\0HOCR": word
 * confidences read by sh_paper_hocr_words, dates read again by
 * sh_paper_dates_reread, then sh_paper_extract_words. Every input must give facts or an expected error,
 * every id found must validate, and no allocation may be left behind.
 * Seeds: "\x00" + paper/kinds.json, "\x01" + each tests/data/papers NAME.ocr.txt,
 * "\x03" + a tune paper's OCR text, NUL, its hOCR; "\x03" + a form filled in by
 * hand (hocr-hand: make_hand.py), NUL, its hOCR.
 * Built as a replay program with tests/fuzz/fuzz_replay.c, or for libFuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh_paper.h"

/* a reader of name lines: two readings of the box's corner as words,
 * "Tỵ" or "Ty" read at 95 */
static size_t fuzz_lines(void *arg, const sh_paper_box *b, sh_paper_reading *out, size_t max)
{
	(void)arg;
	size_t n = 0;
	for (; n < 2 && n < max; n++) {
		out[n].n = (size_t)(b->x0 % 5 + 1);
		for (size_t k = 0; k < out[n].n; k++) {
			snprintf(out[n].w[k], SH_PAPER_WORD_MAX, "%s", (b->y0 + (int)k) % 2 ? "Tỵ" : "Ty");
			out[n].conf[k] = 95;
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sh_kinds *shipped;

/* a reader that gives the box's corner as digits, four times alike */
static size_t fuzz_reader(void *arg, const sh_paper_box *b, char out[][SH_PAPER_DIGITS_MAX], size_t max)
{
	(void)arg;
	size_t n = 0;
	for (; n < 4 && n < max; n++)
		snprintf(out[n], SH_PAPER_DIGITS_MAX, "%08d", (b->x0 % 28 + 1) * 1000000 + (b->y0 % 12 + 1) * 10000 + 2000);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (!shipped && sh_kinds_load(&shipped, sh_kinds_default_path()) != SH_OK)
		abort(); /* the shipped catalogue must load */
	long live = sh_alloc_live();
	if (!(data[0] & 1)) {
		sh_kinds *k = NULL;
		int rc = sh_kinds_parse(&k, (const char *)data + 1, size - 1, "fuzz");
		if (rc != SH_OK && rc != SH_EINVAL && rc != SH_ELIMIT && rc != SH_EVERSION)
			abort();
		if ((rc == SH_OK) != (k != NULL))
			abort();
		for (size_t i = 0; k && i < sh_kinds_count(k); i++) {
			const char *code = sh_kinds_code(k, i);
			size_t n = strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
			if (n == 0 || n > 12 || code[n])
				abort();
		}
		sh_kinds_free(&k);
	} else {
		char *text = malloc(size);
		if (!text)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = 0;
		sh_paper_facts *f = NULL;
		sh_paper_word *w = NULL;
		size_t nw = 0;
		int rc = SH_OK;
		const char *kept_hocr = NULL;
		if (data[0] & 2) {
			size_t tl = strlen(text);
			const char *hocr = tl + 1 < size - 1 ? text + tl + 1 : "";
			kept_hocr = hocr;
			/* the name lines to read again */
			sh_paper_box *lb = NULL;
			size_t nl = 0;
			if (sh_paper_hocr_name_boxes(&lb, &nl, shipped, hocr) != SH_OK || nl > 2 || (!nl) != (!lb))
				abort();
			sh_free(lb);
			rc = sh_paper_hocr_words(&w, &nw, text, hocr);
			if (rc != SH_OK && rc != SH_ELIMIT)
				abort();
			for (size_t i = 0; i < nw; i++)
				if (w[i].off + w[i].len > tl || w[i].conf < 0 || w[i].conf > 100)
					abort();
			/* the box of a number in the same hOCR (second readings) */
			sh_paper_box b;
			if (sh_paper_hocr_digits_box(&b, hocr, "12") && b.page < 0)
				abort();
			/* the places of dates, read again: the text keeps its length */
			sh_paper_box *db = NULL;
			size_t nd = 0;
			if (sh_paper_hocr_date_boxes(&db, &nd, hocr) != SH_OK)
				abort();
			for (size_t i = 0; i < nd; i++)
				if (db[i].page < 0)
					abort();
			sh_free(db);
			char *t2 = NULL;
			size_t ch = 0;
			int r2 = sh_paper_dates_reread(&t2, &ch, text, hocr, fuzz_reader, NULL);
			if (r2 == SH_OK ? !t2 || strlen(t2) != tl : r2 != SH_ELIMIT && r2 != SH_ENOMEM)
				abort();
			sh_free(t2);
		}
		if (rc == SH_OK)
			rc = sh_paper_extract_words(&f, shipped, text, w, nw);
		sh_free(w);
		if (rc != SH_OK && rc != SH_EINVAL && rc != SH_ELIMIT)
			abort();
		if (rc == SH_OK) {
			/* a second reading that agrees with an unsure id: still a
			 * valid id (or a 9-digit CMND number) */
			const char *u = sh_paper_id_unsure(f, NULL);
			if (u) {
				char again[16];
				snprintf(again, sizeof again, "%s", u);
				const char *r[3] = {again, again, again};
				if (sh_paper_id_confirm(f, r, 3) < 0)
					abort();
			}
			const char *id = sh_paper_owner_id(f);
			if (id && sh_id_owner_check(NULL, NULL, id) != SH_OK)
				abort();
			/* readings that agree with a taken id never leave it out */
			if (id) {
				const char *r[3] = {id, id, id};
				if (sh_paper_id_verify(f, SH_FACT_OWNER_ID, r, 3) != 0 || !sh_paper_owner_id(f))
					abort();
			}
			/* names read again: a name changed keeps its reading */
			char *was[SH_FACT_COUNT] = {0};
			for (int i = 0; i < SH_FACT_COUNT; i++)
				was[i] = sh_paper_fact(f, (enum sh_paper_fact)i) ? strdup(sh_paper_fact(f, (enum sh_paper_fact)i)) : NULL;
			if (kept_hocr && sh_paper_names_reread(f, kept_hocr, fuzz_lines, NULL) != SH_OK)
				abort();
			for (int i = 0; i < SH_FACT_COUNT; i++) {
				const char *now = sh_paper_fact(f, (enum sh_paper_fact)i);
				if ((!now) != (!was[i]) || (now && strcmp(now, was[i]) && !sh_paper_fact_as_read(f, (enum sh_paper_fact)i)))
					abort();
				free(was[i]);
			}
			/* a value written by hand is never taken */
			for (int i = 0; i < SH_FACT_COUNT; i++)
				if (sh_paper_fact_handwritten(f, (enum sh_paper_fact)i) && sh_paper_fact(f, (enum sh_paper_fact)i))
					abort();
			char *j = sh_paper_result_json(f, "fuzz");
			if (!j)
				abort();
			sh_free(j);
		}
		sh_paper_facts_free(&f);
		free(text);
	}
	if (sh_alloc_live() != live)
		abort(); /* leak on some path */
	return 0;
}
