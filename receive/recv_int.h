/* receive/: private to the module. A run is the pipeline's working state;
 * the public result is its first member, so sh_recv_result_free finds the
 * run again. */
#ifndef SH_RECV_INT_H
#define SH_RECV_INT_H

#include <pthread.h>

#include "sh_ocr.h"
#include "sh_recv.h"

typedef struct rv_page {
	sh_scan_file *file;       /* either a file page ... */
	size_t index;
	sh_scan_batch *batch;     /* ... or a staged batch page */
	unsigned batch_id;
	int want_bytes;           /* storing: produce the archival bytes */
	uint8_t *bytes;           /* archival bytes (owned) */
	size_t len;
	const char *mime;
	/* a photo rectified (issue 18): bytes/len/mime are the page cut out of
	 * it, these the photo as received (owned), kept and signed beside it */
	uint8_t *orig;
	size_t orig_len;
	const char *orig_mime;
	/* two pages on one scan (issue 18, sh_ocr_split_find): piece 1 or 2 of
	 * the scan, 0 a whole image. A piece's bytes are the piece cut out, its
	 * orig the scan as received (the evidence, kept and signed beside it) */
	sh_ocr_split split;
	int piece;
	int paired;               /* piece 1 whose piece 2 is in the run, or piece 2 */
	int width, height;        /* the stored image's size when it is not the source's */
	int dpi;                  /* the source's own resolution, 0 unknown */
	char make[64], model[64]; /* scanner, "" unknown */
	sh_ocr_page ocr;
} rv_page;

typedef struct rv_comp {
	char *name;               /* owned copy */
	const char *path;         /* borrowed from the input, or NULL */
	const char *kind_hint;    /* borrowed, or NULL */
	size_t first, npages;
	int status;
	char error[256];
	sh_paper_facts *facts;
	char *facts_json;
	char *text;
	sh_sign_fact fact_list[SH_FACT_COUNT + SH_RECV_EXTRA_FACTS]; /* borrowed from facts
								    * and the options' extra facts */
	size_t nfacts;
	char *search_text;
} rv_comp;

typedef struct rv_run {
	sh_recv_result res;       /* first: the public face */
	sh_scan_file **files;     /* owned, one per input (NULL when unreadable) */
	size_t nfiles;
	rv_page *pages;
	size_t npages;
	rv_comp *comps;
	size_t ncomps;
	sh_wh_paper_in *papers;      /* the store's input */
	sh_wh_page_in *pins;
	char (*codes)[SH_STORE_CODE_MAX];
	char warning[512];
	/* progress */
	const sh_recv_options *opts;
	int split;                /* 1: look for two pages on one scan (not with no_clean) */
	pthread_mutex_t lock;
	size_t started;
} rv_run;

int rv_from_source(rv_run *r, const sh_recv_source *src, const sh_recv_options *o, int storing);
int rv_read(rv_run *r, const sh_recv_options *o, int storing);
int rv_papers(rv_run *r, const char *owner);
int rv_publish(rv_run *r);
rv_run *rv_new(void);

#endif
