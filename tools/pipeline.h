/* tools/pipeline: receiving papers — pages from files or a staged batch,
 * through OCR and paper extraction, into the warehouse. Private to tools/;
 * it only strings module calls together. */
#ifndef SH_PIPELINE_H
#define SH_PIPELINE_H

#include "sh_ocr.h"
#include "sh_paper.h"
#include "sh_scan.h"
#include "sh_sign.h"
#include "sh_wh.h"

/* Where a page comes from. */
typedef struct pl_page {
	sh_scan_file *file;       /* either a file page ... */
	size_t index;
	sh_scan_batch *batch;     /* ... or a staged batch page */
	unsigned batch_id;
	/* filled by the run */
	uint8_t *bytes;           /* archival bytes (owned) */
	size_t len;
	const char *mime;
	char make[64], model[64]; /* scanner, "" unknown */
	sh_ocr_page ocr;
} pl_page;

typedef struct pl_component {
	const char *file;         /* name shown and stored */
	const char *path;         /* the path as given (files), or NULL */
	const char *kind_hint;    /* kind code chosen by a person, or NULL */
	size_t first, npages;     /* slice of pl_run.pages */
	/* filled by the run */
	sh_paper_facts *facts;
	char *facts_json;
	char *text;               /* all pages, joined with form feeds */
	sh_sign_fact fact_list[SH_FACT_COUNT]; /* borrowed from facts */
	char *search_text;        /* kind name and fact values, for find */
	size_t nfacts;
} pl_component;

typedef struct pl_run {
	sh_scan_file **files;     /* owned */
	size_t nfiles;
	pl_page *pages;
	size_t npages;
	pl_component *comps;
	size_t ncomps;
	sh_wh_paper_in *papers;      /* built by pl_papers */
	sh_wh_page_in *pins;
} pl_run;

/* Open files as one component each (all checked before anything else).
 * skipped NULL: the first bad file fails the run; else bad files are
 * reported on stderr, counted and left out. */
int pl_from_files(pl_run *r, char **paths, size_t n, int *skipped);
/* The components of a staged batch, in order. b borrowed for the run. */
int pl_from_batch(pl_run *r, sh_scan_batch *b);
/* OCR every page on every core (workers 0 = one per core) and extract the
 * kind and facts of every component. */
int pl_read(pl_run *r, int workers, int no_clean);
/* Build the store's input (papers[] / pins[]) from a read run. The dossier
 * owner (may be NULL) is compared with the owner each paper names. */
int pl_papers(pl_run *r, const char *owner);
void pl_free(pl_run *r);

/* Kinds catalogue, loaded once per process. Borrowed. */
int pl_kinds(const sh_kinds **out);

#endif
