/* Unit tests of receive/ (sh_recv.h): the one page pipeline, read-only and
 * into a real warehouse, from files, uploaded bytes and a staged batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh_recv.h"

#define OK(x) assert_int_equal((x), SH_OK)
#define PAGE SOHOA_TEST_DATA "/pages/kh2024-f0-p01-clean300.png"
/* a short fax page: the faults below run its whole reading up to 40 times */
#define SHORT_PAGE SOHOA_TEST_DATA "/pages/pl2022-f0-p01-fax200.tif"
#define TIFF2 SOHOA_TEST_DATA "/pages/two-pages-g4.tif"
#define OWNER "001184362297"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static char *tmp_dir(void)
{
	const char *root = getenv("TMPDIR");
	char *d = NULL;
	if (asprintf(&d, "%s/sohoa-recv-XXXXXX", root && *root ? root : "/tmp") < 0 || !mkdtemp(d))
		abort();
	return d;
}

struct progress { size_t calls, last, total; };
static void on_progress(void *arg, size_t done, size_t total)
{
	struct progress *p = arg;
	p->calls++;
	p->last = done > p->last ? done : p->last;
	p->total = total;
}

/* text_only (sohoa ocr): no word boxes and no second readings, the same
 * text as a full reading of the same page. */
static void text_only(void **state)
{
	(void)state;
	sh_recv_input in[1] = {{.path = PAGE}};
	sh_recv_source src = {.inputs = in, .ninputs = 1};
	sh_recv_options o = {.workers = 1};
	sh_recv_result *full = NULL, *text = NULL;
	OK(sh_recv_read(&full, &src, &o));
	o.text_only = 1;
	OK(sh_recv_read(&text, &src, &o));
	assert_int_equal(text->npapers, 1);
	assert_int_equal(text->papers[0].status, SH_OK);
	assert_true(strlen(text->papers[0].text) > 100);
	assert_string_equal(text->papers[0].text, full->papers[0].text);
	sh_recv_result_free(&full);
	sh_recv_result_free(&text);
}

/* Read-only: files and uploaded bytes go through the same pipeline; an
 * unreadable input is recorded, not fatal, with keep_going; the page's own
 * resolution is reported. Nothing needs a warehouse. */
static void read_only(void **state)
{
	(void)state;
	uint8_t *bytes = NULL;
	size_t len = 0;
	OK(sh_file_read(&bytes, &len, TIFF2, SH_FILE_MAX));
	sh_recv_input in[3] = {{.path = PAGE},
			       {.data = bytes, .len = len, .name = "upload.tif"},
			       {.data = "junk", .len = 4, .name = "junk.png"}};
	sh_recv_source src = {.inputs = in, .ninputs = 3};
	struct progress pr = {0};
	sh_recv_options o = {.workers = 2, .keep_going = 1, .progress = on_progress,
			     .progress_arg = &pr};
	sh_recv_result *res = NULL;
	OK(sh_recv_read(&res, &src, &o));
	assert_int_equal(res->npapers, 3);
	assert_int_equal(res->npages, 3);
	assert_string_equal(res->papers[0].name, "kh2024-f0-p01-clean300.png");
	assert_int_equal(res->papers[0].status, SH_OK);
	assert_true(strlen(res->papers[0].text) > 100);
	assert_int_equal(res->papers[1].npages, 2);
	assert_non_null(strchr(res->papers[1].text, '\f'));
	assert_int_equal(res->papers[2].status, SH_EINVAL);
	assert_non_null(strstr(res->papers[2].error, "junk.png"));
	assert_null(res->papers[0].code);
	assert_string_equal(res->dossier, "");
	assert_int_equal(pr.total, 3);
	assert_int_equal(pr.last, 3);
	assert_int_equal(pr.calls, 4);
	sh_recv_result_free(&res);
	assert_null(res);
	/* without keep_going the bad input fails the call, nothing returned */
	o.keep_going = 0;
	assert_int_equal(sh_recv_read(&res, &src, &o), SH_EINVAL);
	assert_null(res);
	sh_free(bytes);
}

/* Into a warehouse: the operator given is recorded; owner and procedure are
 * checked before any reading; a batch commits once (idempotent) and is
 * marked committed; batches are named B<YYMMDD>-<n> under batches/. */
static void store_and_batch(void **state)
{
	(void)state;
	char *root = tmp_dir(), *wdir = NULL;
	assert_true(asprintf(&wdir, "%s/w", root) > 0);
	OK(sh_store_create(wdir, "000.00.99.Z99"));
	sh_store *s = NULL;
	OK(sh_store_open(&s, wdir, 0));

	sh_recv_input in = {.path = TIFF2, .kind_hint = "GKS"};
	sh_recv_source src = {.inputs = &in, .ninputs = 1};
	sh_recv_options o = {.owner = "0011843622", .procedure = "1.001193",
			     .operator_id = "desk-lan", .workers = 1};
	sh_recv_result *res = NULL;
	assert_int_equal(sh_recv_store(&res, s, &src, &o), SH_EINVAL); /* owner */
	o.owner = OWNER;
	OK(sh_recv_store(&res, s, &src, &o));
	assert_true(res->dossier[0]);
	assert_non_null(res->papers[0].code);
	assert_string_equal(res->papers[0].kind, "GKS");
	assert_string_equal(res->papers[0].name, "two-pages-g4.tif");
	sh_store_dossier_rec *d = NULL;
	OK(sh_store_dossier_get(s, res->dossier, &d));
	assert_string_equal(d->operator_id, "desk-lan");
	sh_store_dossier_rec_free(&d);
	sh_recv_result_free(&res);

	/* a staged batch */
	sh_scan_batch *b = NULL;
	OK(sh_recv_batch_new(&b, wdir, OWNER, "1.001193"));
	assert_int_equal(sh_scan_batch_id(b)[0], 'B');
	assert_non_null(strstr(sh_scan_batch_dir(b), "/batches/B"));
	/* a real 200-dpi page: the 300-dpi render scaled to 2/3 (a 300-dpi
	 * page merely tagged 200 would be measured as 300 by the clean-up) */
	PIX *pix300 = pixRead(PAGE);
	assert_non_null(pix300);
	PIX *pix = pixScale(pix300, 2.0f / 3.0f, 2.0f / 3.0f);
	pixDestroy(&pix300);
	assert_non_null(pix);
	pixSetResolution(pix, 200, 200);
	OK(sh_scan_batch_add_pix(b, NULL, pix, SH_SCAN_FILE, 0, 200, NULL, NULL));
	pixDestroy(&pix);
	sh_recv_source bs = {.batch = b};
	sh_recv_options bo = {.operator_id = "desk-lan", .workers = 1};
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMPLETE);
	OK(sh_recv_store(&res, s, &bs, &bo));
	assert_null(res->warning);
	assert_int_equal(res->pages[0].dpi, 200);
	char dossier[SH_STORE_CODE_MAX];
	snprintf(dossier, sizeof dossier, "%s", res->dossier);
	sh_recv_result_free(&res);
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMMITTED);
	assert_string_equal(sh_scan_batch_dossier(b), dossier);
	assert_int_equal(sh_recv_store(&res, s, &bs, &bo), SH_EEXISTS);
	char *id = strdup(sh_scan_batch_id(b));
	sh_scan_batch_close(&b);
	OK(sh_recv_batch_open(&b, wdir, id));
	sh_scan_batch_close(&b);
	free(id);
	sh_store_close(&s);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
	free(wdir);
}

/* Two pages on one scan (issue 18): a card's two sides photocopied on one
 * A4 sheet (drawn here, 150 dpi: no text to speak of, so OCR is quick)
 * become two pages of one paper, flagged SH_PAGE_SPLIT; stored, each page
 * is its piece and keeps the scan as received as its original. */
static void card_rect(PIX *p, int x, int y, int w, int h, l_uint32 v)
{
	BOX *b = boxCreate(x, y, w, h);
	pixSetInRectArbitrary(p, b, v);
	boxDestroy(&b);
}

static void split_scan(void **state)
{
	(void)state;
	PIX *p = pixCreate(1240, 1754, 8); /* A4 at 150 dpi */
	assert_non_null(p);
	pixSetAll(p);
	pixSetResolution(p, 150, 150);
	for (int k = 0; k < 2; k++) { /* 85.6 x 54 mm: 506 x 319 px */
		int x = 200 + 40 * k, y = 180 + 500 * k;
		card_rect(p, x, y, 506, 319, 70);
		card_rect(p, x + 2, y + 2, 502, 315, 205);
		card_rect(p, x + 24, y + 100, 118, 154, 120);
		for (int l = 0; l < 8; l++)
			card_rect(p, x + 160, y + 30 + 32 * l, 300 - 20 * (l % 3), 14, 30);
	}
	char *root = tmp_dir(), *png = NULL, *wdir = NULL;
	assert_true(asprintf(&png, "%s/cccd-2-mat.png", root) > 0);
	assert_true(asprintf(&wdir, "%s/w", root) > 0);
	assert_int_equal(pixWrite(png, p, IFF_PNG), 0);
	pixDestroy(&p);

	sh_recv_input in = {.path = png, .kind_hint = "CCCD"};
	sh_recv_source src = {.inputs = &in, .ninputs = 1};
	sh_recv_options o = {.owner = OWNER, .procedure = "1.001193", .workers = 2};
	sh_recv_result *res = NULL;
	OK(sh_recv_read(&res, &src, &o));
	assert_int_equal(res->npapers, 1);
	assert_int_equal(res->npages, 2);
	assert_int_equal(res->papers[0].npages, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_true(res->pages[i].flags & SH_PAGE_SPLIT);
		assert_true(res->pages[i].width < 700 && res->pages[i].height < 500);
		assert_non_null(strstr(res->pages[i].note, "cut from one scan"));
		assert_int_equal(res->pages[i].dpi, 150); /* the scan's */
	}
	sh_recv_result_free(&res);
	/* one worker: the sheet is found split while it is read, its second
	 * piece read after (with two, before: both pieces at once) */
	o.workers = 1;
	OK(sh_recv_read(&res, &src, &o));
	assert_int_equal(res->npages, 2);
	assert_int_equal(res->papers[0].npages, 2);
	assert_true(res->pages[1].flags & SH_PAGE_SPLIT);
	assert_non_null(strstr(res->pages[1].note, "page 2 of 2"));
	sh_recv_result_free(&res);
	o.workers = 2;
	/* with no clean-up (pages recognised as given) nothing is cut */
	o.no_clean = 1;
	OK(sh_recv_read(&res, &src, &o));
	assert_int_equal(res->npages, 1);
	sh_recv_result_free(&res);
	o.no_clean = 0;

	OK(sh_store_create(wdir, "000.00.99.Z99"));
	sh_store *s = NULL;
	OK(sh_store_open(&s, wdir, 0));
	OK(sh_recv_store(&res, s, &src, &o));
	sh_store_paper_rec *pr = NULL;
	OK(sh_store_paper_get(s, res->papers[0].code, &pr));
	assert_int_equal(pr->npages, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_true(pr->pages[i].flags & SH_PAGE_SPLIT);
		assert_true(pr->pages[i].has_original);
		assert_string_equal(pr->pages[i].original_mime, "image/png");
		assert_string_equal(pr->pages[i].mime, "image/png");
		assert_true(pr->pages[i].width < 700);
	}
	/* one scan as received: the same blob behind both pages */
	assert_memory_equal(pr->pages[0].original_sha, pr->pages[1].original_sha, SH_SHA256_LEN);
	assert_memory_not_equal(pr->pages[0].image_sha, pr->pages[1].image_sha, SH_SHA256_LEN);
	sh_store_paper_rec_free(&pr);
	sh_recv_result_free(&res);
	sh_store_close(&s);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
	free(png);
	free(wdir);
}

/* Allocation failures anywhere in a read-only run: an error, never a crash,
 * and nothing left allocated. */
static void read_alloc_faults(void **state)
{
	(void)state;
	sh_recv_input in = {.path = SHORT_PAGE};
	sh_recv_source src = {.inputs = &in, .ninputs = 1};
	sh_recv_options o = {.workers = 1, .no_clean = 1};
	sh_recv_result *res = NULL;
	OK(sh_recv_read(&res, &src, &o)); /* loads the kind catalogue once */
	sh_recv_result_free(&res);
	long live = sh_alloc_live();
	for (long n = 1; n < 40; n++) {
		sh_alloc_fail_at(n, 0);
		int rc = sh_recv_read(&res, &src, &o);
		sh_alloc_fail_at(0, 0);
		if (rc)
			assert_null(res);
		sh_recv_result_free(&res);
		assert_int_equal(sh_alloc_live(), live);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_only),
		cmocka_unit_test(text_only),
		cmocka_unit_test(store_and_batch),
		cmocka_unit_test(read_alloc_faults),
		cmocka_unit_test(split_scan),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
