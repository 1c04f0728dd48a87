/* Worker pool: one Tesseract engine (and one osd engine) per worker thread,
 * created once; pages are handed out by an atomic counter so decoding,
 * clean-up and recognition of different pages overlap. */
#include "ocr_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

struct sh_ocr_pool {
	sh_ocr_options opts;
	char *datapath, *lang;
	int nworkers;
	pthread_t *threads;
	sh_ocr_worker *workers;
	int *init_rc;
	char (*init_msg)[256];

	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done;
	unsigned long generation; /* bumped for each run */
	int quit;
	int ready;                /* workers that finished init */
	int busy;                 /* workers inside the current run */

	/* the current run */
	size_t n;
	atomic_size_t next;
	sh_ocr_load_fn load;
	void *arg;
	sh_ocr_page *out;
};

const char *sh_ocr_flags_str(unsigned f)
{
	static _Thread_local char buf[200];
	static const char *names[] = {"blank", "rescan suggested", "rotated", "deskewed",
				      "seal removed", "low resolution", "border removed", "bilevel",
				      "photo rectified", "orientation read both ways", NULL, NULL,
				      "cut from one scan"};
	buf[0] = 0;
	for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
		if (names[i] && (f & (1u << i))) {
			if (buf[0])
				strcat(buf, ", ");
			strcat(buf, names[i]);
		}
	}
	return buf;
}

void sh_ocr_page_clear(sh_ocr_page *p)
{
	if (!p)
		return;
	sh_free(p->text);
	sh_free(p->hocr);
	pixDestroy(&p->original);
	pixDestroy(&p->rectified);
	sh_free(p->digits);
	sh_free(p->glyphs);
	memset(p, 0, sizeof *p);
}

static int engine_new(TessBaseAPI **out, const char *datapath, const char *lang, char *msg,
		      size_t msglen)
{
	TessBaseAPI *api = TessBaseAPICreate();
	if (!api) {
		snprintf(msg, msglen, "cannot create a Tesseract engine (out of memory?)");
		return SH_ENOMEM;
	}
	/* Tesseract reports to stderr by default; the library never prints. */
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(api, datapath, lang) != 0) {
		TessBaseAPIDelete(api);
		snprintf(msg, msglen,
			 "Tesseract language data '%s' not found%s%s: install tesseract-ocr-%s "
			 "(or set TESSDATA_PREFIX)",
			 lang, datapath ? " in " : "", datapath ? datapath : "", lang);
		return SH_ENOTFOUND;
	}
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	/* Every row proportional: Tesseract 5.3 otherwise tries each row as
	 * fixed pitch (tune_row_pitch, ~3 % of a page's CPU) and Vietnamese
	 * papers are set in proportional type (docs/OCR.md "Session 14") */
	TessBaseAPISetVariable(api, "textord_all_prop", "1");
	*out = api;
	return SH_OK;
}

TessBaseAPI *sh_ocr_worker_osd(sh_ocr_worker *w)
{
	if (w->osd || !w->osd_lazy)
		return w->osd;
	w->osd_lazy = 0;
	char ignore[256];
	if (engine_new(&w->osd, w->osd_datapath, "osd", ignore, sizeof ignore))
		w->osd = NULL; /* orientation then falls back to Leptonica */
	return w->osd;
}

static int has_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > ' ')
			return 1;
	return 0;
}

/* The boxes the caller asked for, read again with digits only (or, text
 * boxes, as a line of words) on pix (the image OCR read), before it is
 * gone. A failure leaves the page without those second readings: they can
 * only confirm or doubt a fact, never give one on their own. */
static void read_digits(sh_ocr_pool *pool, sh_ocr_worker *w, sh_ocr_page *r, PIX *pix)
{
	sh_ocr_digit_read *b = NULL;
	size_t n = 0;
	sh_ocr_png_fast(0);
	sh_ocr_omp_inline(0);
	int rc = pool->opts.digit_boxes(pool->opts.digit_boxes_arg, r->hocr, &b, &n);
	sh_ocr_omp_inline(1);
	sh_ocr_png_fast(1);
	if (rc || !n) {
		sh_free(b);
		return;
	}
	if (n > SH_OCR_DIGIT_BOXES)
		n = SH_OCR_DIGIT_BOXES;
	size_t k = 0;
	for (size_t j = 0; j < n; j++) {
		b[k] = b[j];
		if (b[k].text) { /* a line of words: the page's own engine, idle now */
			if (sh_ocr_line_read(w->api, pix, &b[k]) == SH_OK && b[k].n)
				k++;
			continue;
		}
		if (!w->digits && !w->digits_failed && sh_ocr_digits_new(&w->digits, pool->datapath, NULL))
			w->digits_failed = 1; /* no "eng" data: no digit readings */
		if (w->digits_failed)
			continue;
		if (sh_ocr_digits_read(w->digits, pix, b[k].x0, b[k].y0, b[k].x1, b[k].y1, b[k].read,
				       &b[k].n) == SH_OK && b[k].n)
			k++;
	}
	sh_error_clear();
	if (!k) {
		sh_free(b);
		return;
	}
	r->digits = b;
	r->ndigits = k;
}

/* A photo's page small in its frame (under REREAD_BELOW_DPI as received:
 * letters 5-8 px high, cut out again at 300 dpi): its unsure lines are read
 * again one by one (reread.c). Scans and larger photos are read once. */
enum { REREAD_BELOW_DPI = 150 };

static int reread_wanted(const sh_ocr_page *r)
{
	return (r->clean.flags & SH_PAGE_PHOTO) && r->clean.true_dpi > 0 &&
	       r->clean.true_dpi < REREAD_BELOW_DPI;
}

/* One reading of a page: its text and hOCR (sh_malloc'ed, or NULL) and the
 * sum of its word confidences, its words and those under 60. */
typedef struct reading {
	char *raw, *hocr;
	sh_ocr_glyph *glyphs; /* want_hocr with digit boxes: sh_ocr_glyphs_capture */
	size_t nglyphs;
	long sum;
	int words, weak;
} reading;

static void reading_clear(reading *a)
{
	sh_free(a->raw);
	sh_free(a->hocr);
	sh_free(a->glyphs);
	memset(a, 0, sizeof *a);
}

/* The mean word confidence as the orientation rule weighs it (clean.c:
 * one or two words count half), -1 when nothing was read. */
static float reading_score(const reading *a)
{
	if (!a->words)
		return -1.0f;
	float m = (float)a->sum / (float)a->words;
	return a->words >= 3 ? m : m * 0.5f;
}

/* Recognises pix at dpi with w->api into *a (cleared first). Leaves the
 * engine holding the reading (the caller clears it). */
static int page_read(sh_ocr_worker *w, PIX *pix, int dpi, int want_hocr, size_t i, reading *a)
{
	reading_clear(a);
	TessBaseAPISetImage2(w->api, pix);
	TessBaseAPISetSourceResolution(w->api, dpi > 0 ? dpi : 300);
	if (TessBaseAPIRecognize(w->api, NULL) != 0) {
		TessBaseAPIClear(w->api);
		return sh_error_set(SH_ERROR, "Tesseract failed to recognise page %zu", i + 1);
	}
	char *t = TessBaseAPIGetUTF8Text(w->api);
	a->raw = t ? sh_strdup(t) : NULL;
	if (t)
		TessDeleteText(t);
	if (!a->raw)
		return sh_error_set(SH_ENOMEM, "no text");
	if (want_hocr) {
		/* page number 0 for every page: the same page gives the same hOCR,
		 * stored once, whatever run or position it came in */
		char *h = TessBaseAPIGetHOCRText(w->api, 0);
		if (h) {
			a->hocr = sh_strdup(h);
			TessDeleteText(h);
			if (!a->hocr)
				return SH_ENOMEM;
		}
		if (w->glyphs && sh_ocr_glyphs_capture(w->api, &a->glyphs, &a->nglyphs))
			sh_error_clear(); /* no choices: the ids need more readings */
	}
	int *conf = TessBaseAPIAllWordConfidences(w->api);
	if (conf) {
		for (int k = 0; conf[k] >= 0; k++) {
			a->sum += conf[k];
			a->words++;
			if (conf[k] < 60)
				a->weak++;
		}
		TessDeleteIntArray(conf);
	}
	return SH_OK;
}

static int turn_180(PIX **pix)
{
	if (!*pix)
		return SH_OK;
	PIX *t = pixRotate180(NULL, *pix);
	if (!t)
		return sh_error_set(SH_ENOMEM, "out of memory turning a page");
	pixDestroy(pix);
	*pix = t;
	return SH_OK;
}

/* The page left to its own reading by clean-up (w->orient_unsure) read
 * poorly (*a): read turned 180 degrees as well and the better reading kept
 * (*pix, *rect, r->clean and *a follow it); when both read poorly, cleaned
 * again with the full orientation rule (300 dpi scores, osd, a band read
 * every way: a page lying sideways) and read again if that turns it
 * otherwise. *held: 1 when the engine still holds the kept reading. */
static int orient_check(sh_ocr_pool *pool, sh_ocr_worker *w, PIX *src, sh_ocr_page *r, PIX **pix,
			PIX **rect, reading *a, size_t i, int *held)
{
	int want_hocr = pool->opts.want_hocr;
	PIX *turned = pixRotate180(NULL, *pix);
	if (!turned)
		return sh_error_set(SH_ENOMEM, "out of memory turning a page");
	reading b = {0};
	int rc = page_read(w, turned, r->clean.dpi, want_hocr, i, &b);
	*held = 0;
	if (rc) {
		pixDestroy(&turned);
		reading_clear(&b);
		sh_error_clear(); /* a failure keeps the first reading */
		return SH_OK;
	}
	r->clean.flags |= SH_PAGE_ORIENT_READ;
	if (reading_score(&b) > reading_score(a) + 0.01f) {
		if ((rc = turn_180(rect))) {
			pixDestroy(&turned);
			reading_clear(&b);
			return rc;
		}
		reading_clear(a);
		*a = b;
		pixDestroy(pix);
		*pix = turned;
		*held = 1;
		r->clean.rotation = (r->clean.rotation + 180) % 360;
		if (r->clean.rotation)
			r->clean.flags |= SH_PAGE_ROTATED;
		else
			r->clean.flags &= ~(unsigned)SH_PAGE_ROTATED;
	} else {
		pixDestroy(&turned);
		reading_clear(&b);
	}
	if (reading_score(a) >= SH_OCR_PAGE_POOR_CONF)
		return SH_OK;

	PIX *pix2 = NULL, *rect2 = NULL;
	sh_clean_report rep2;
	w->orient_by_page = 0;
	rc = sh_ocr_clean_ex(w, src, &pix2,
			     pool->opts.keep_images || pool->opts.keep_rectified ? &rect2 : NULL, &rep2);
	w->orient_by_page = 1;
	*held = 0; /* a band may have been read */
	if (rc || rep2.rotation == r->clean.rotation) {
		sh_error_clear(); /* a failure keeps the better reading */
		pixDestroy(&pix2);
		pixDestroy(&rect2);
		return SH_OK;
	}
	rep2.flags |= SH_PAGE_ORIENT_READ;
	/* the full rule's turn is read and kept only when it reads better
	 * than the better of the two readings above: on a page of 60-80 dpi
	 * (a small photo, seed 7125 dev15-1) its scores turned an upright
	 * page read at 45 upside down, read at 30 (issue 23, session 19) */
	reading c = {0};
	rc = page_read(w, pix2, rep2.dpi, want_hocr, i, &c);
	if (rc || reading_score(&c) <= reading_score(a)) {
		sh_error_clear(); /* a failure keeps the better reading */
		reading_clear(&c);
		pixDestroy(&pix2);
		pixDestroy(&rect2);
		return SH_OK; /* *held stays 0: the engine holds c */
	}
	r->clean = rep2;
	pixDestroy(pix);
	*pix = pix2;
	pixDestroy(rect);
	*rect = rect2;
	*held = 1;
	reading_clear(a);
	*a = c;
	return SH_OK;
}

/* One page from load to report: load, clean, read, the orientation left
 * to the reading checked, second readings, verdict. */
static void recognise(sh_ocr_pool *pool, sh_ocr_worker *w, size_t i)
{
	sh_ocr_page *r = &pool->out[i];
	PIX *src = NULL, *pix = NULL, *rect = NULL;
	memset(r, 0, sizeof *r);
	sh_error_clear();
	sh_ocr_png_fast(0); /* the caller's loader writes what it likes */
	sh_ocr_omp_inline(0);
	int rc = pool->load(pool->arg, i, &src);
	sh_ocr_omp_inline(1);
	sh_ocr_png_fast(1);
	if (rc) {
		r->status = rc;
		snprintf(r->reason, sizeof r->reason, "%s", sh_error_message());
		return;
	}
	r->width = pixGetWidth(src);
	r->height = pixGetHeight(src);
	if (pool->opts.no_clean) {
		pix = pixClone(src);
		r->clean.dpi = pixGetXRes(src) > 0 ? pixGetXRes(src) : 300;
	} else {
		w->orient_by_page = 1;
		rc = sh_ocr_clean_ex(w, src, &pix,
				     pool->opts.keep_images || pool->opts.keep_rectified ? &rect : NULL,
				     &r->clean);
		if (rc) {
			pixDestroy(&src);
			r->status = rc;
			snprintf(r->reason, sizeof r->reason, "%s", sh_error_message());
			return;
		}
	}

	reading a = {0};
	rc = page_read(w, pix, r->clean.dpi, pool->opts.want_hocr, i, &a);
	if (!rc && !pool->opts.no_clean && w->orient_unsure &&
	    !(a.words >= SH_OCR_PAGE_SURE_WORDS &&
	      (float)a.sum >= SH_OCR_PAGE_SURE_CONF * (float)a.words)) {
		int held = 1;
		rc = orient_check(pool, w, src, r, &pix, &rect, &a, i, &held);
		/* the lines read again need the engine holding the page */
		if (!rc && !held && reread_wanted(r))
			rc = page_read(w, pix, r->clean.dpi, pool->opts.want_hocr, i, &a);
	}
	char *raw = a.raw;
	long sum = a.sum;
	r->hocr = a.hocr;
	r->glyphs = a.glyphs;
	r->nglyphs = a.nglyphs;
	r->words = a.words;
	r->weak_words = a.weak;
	if (pool->opts.keep_images) {
		r->original = src;
		r->rectified = rect;
		src = NULL;
	} else {
		r->rectified = rect; /* keep_rectified, else NULL */
	}
	pixDestroy(&src);
	r->flags = r->clean.flags;
	if (rc) {
		sh_free(raw);
		pixDestroy(&pix);
		r->status = rc;
		snprintf(r->reason, sizeof r->reason, "%s", sh_error_message());
		return;
	}
	if (!rc && reread_wanted(r)) {
		sh_reread_stats st;
		if (sh_ocr_reread_lines(w->api, pix, r->clean.dpi > 0 ? r->clean.dpi : 300, &raw,
					pool->opts.want_hocr ? &r->hocr : NULL, &st) == SH_OK) {
			sum += st.dsum;
			r->words += st.dwords;
			r->weak_words += st.dweak;
		}
		sh_error_clear(); /* a failure keeps the first reading */
	}
	r->confidence = r->words ? (float)sum / (float)r->words : 0.0f;
	if (!rc)
		rc = sh_text_nfc(&r->text, raw, strlen(raw));
	sh_free(raw);
	TessBaseAPIClear(w->api);
	if (!rc && r->hocr && pool->opts.digit_boxes) {
		read_digits(pool, w, r, pix);
		sh_ocr_glyphs_match(pix, r->glyphs, r->nglyphs);
	}
	pixDestroy(&pix);
	if (rc) {
		r->status = rc;
		snprintf(r->reason, sizeof r->reason, "%s", sh_error_message());
		return;
	}
	if (r->words == 0 || !has_text(r->text)) {
		r->flags |= SH_PAGE_BLANK;
		snprintf(r->reason, sizeof r->reason, "no text found: blank page? kept for review");
	} else if (r->flags & SH_PAGE_BLANK) { /* clean-up saw no marks; the words are noise */
		snprintf(r->reason, sizeof r->reason,
			 "blank page? (only specks found) kept for review");
	} else if (r->words >= 3 && (r->confidence < 70.0f || r->weak_words * 4 > r->words)) {
		r->flags |= SH_PAGE_RESCAN;
		snprintf(r->reason, sizeof r->reason,
			 "poor recognition: mean word confidence %.0f%%, %d of %d words below 60%%",
			 r->confidence, r->weak_words, r->words);
	}
	if ((r->flags & SH_PAGE_LOWRES) && !r->reason[0])
		snprintf(r->reason, sizeof r->reason, "scanned below 200 dpi");
}

struct start {
	sh_ocr_pool *pool;
	int idx;
};

static void *worker_run(void *p)
{
	struct start *st = p;
	sh_ocr_pool *pool = st->pool;
	int idx = st->idx;
	sh_ocr_worker *w = &pool->workers[idx];
	sh_free(st);
	if (pool->opts.nice > 0 && pool->opts.nice < 20) {
		/* Linux: nice is per thread; lowering one's own priority needs
		 * no privilege. A failure only leaves the default priority. */
		id_t tid = (id_t)syscall(SYS_gettid);
		errno = 0;
		int cur = getpriority(PRIO_PROCESS, tid);
		if (errno == 0)
			(void)setpriority(PRIO_PROCESS, tid, cur + pool->opts.nice > 19 ? 19 : cur + pool->opts.nice);
	}

	/* from here on this thread writes PNGs only for Tesseract's word
	 * images (fastpng.c); the loader and digit_boxes callbacks are
	 * given the default back; and runs Tesseract's OpenMP regions
	 * inline, a team of one (fastomp.c) */
	sh_ocr_png_fast(1);
	sh_ocr_omp_inline(1);
	int rc = engine_new(&w->api, pool->datapath, pool->lang, pool->init_msg[idx],
			    sizeof pool->init_msg[idx]);
	/* the digits of the page kept with their boxes, for the glyphs of
	 * ids read unsurely (glyphs.c) */
	w->glyphs = !rc && pool->opts.want_hocr && pool->opts.digit_boxes;
	if (!rc && !(pool->opts.no_clean)) {
		w->osd_lazy = 1; /* made when a page first needs it */
		w->osd_datapath = pool->datapath;
	}
	pthread_mutex_lock(&pool->mu);
	pool->init_rc[idx] = rc;
	pool->ready++;
	pthread_cond_broadcast(&pool->cv_done);
	unsigned long seen = 0;
	for (;;) {
		while (!pool->quit && pool->generation == seen)
			pthread_cond_wait(&pool->cv_work, &pool->mu);
		if (pool->quit)
			break;
		seen = pool->generation;
		pthread_mutex_unlock(&pool->mu);
		if (w->api) {
			for (;;) {
				size_t i = atomic_fetch_add(&pool->next, 1);
				if (i >= pool->n)
					break;
				recognise(pool, w, i);
			}
		}
		pthread_mutex_lock(&pool->mu);
		if (--pool->busy == 0)
			pthread_cond_broadcast(&pool->cv_done);
	}
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

int sh_ocr_pool_workers(const sh_ocr_pool *pool) { return pool->nworkers; }

void sh_ocr_pool_free(sh_ocr_pool **pp)
{
	sh_ocr_pool *pool = pp ? *pp : NULL;
	if (!pool)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->quit = 1;
	pthread_cond_broadcast(&pool->cv_work);
	pthread_mutex_unlock(&pool->mu);
	for (int i = 0; i < pool->nworkers; i++)
		if (pool->threads[i])
			pthread_join(pool->threads[i], NULL);
	for (int i = 0; i < pool->nworkers; i++) {
		if (pool->workers[i].api)
			TessBaseAPIDelete(pool->workers[i].api);
		if (pool->workers[i].osd)
			TessBaseAPIDelete(pool->workers[i].osd);
		sh_ocr_digits_free(&pool->workers[i].digits);
	}
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->cv_work);
	pthread_cond_destroy(&pool->cv_done);
	sh_free(pool->threads);
	sh_free(pool->workers);
	sh_free(pool->init_rc);
	sh_free(pool->init_msg);
	sh_free(pool->datapath);
	sh_free(pool->lang);
	sh_free(pool);
	*pp = NULL;
}

int sh_ocr_pool_new(sh_ocr_pool **out, const sh_ocr_options *opts)
{
	*out = NULL;
	/* One OpenMP thread inside Tesseract per worker: workers are the
	 * parallelism. Must be set before the first engine starts OpenMP. */
	setenv("OMP_THREAD_LIMIT", "1", 0);
	setMsgSeverity(L_SEVERITY_NONE); /* Leptonica must not print either */

	sh_ocr_pool *pool = sh_calloc(1, sizeof *pool);
	if (!pool)
		return SH_ENOMEM;
	if (opts)
		pool->opts = *opts;
	int n = pool->opts.workers;
	if (n <= 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c > 0 ? (int)c : 1;
	}
	if (n > 64)
		n = 64;
	pool->nworkers = n;
	pool->lang = sh_strdup(pool->opts.lang ? pool->opts.lang : "vie");
	pool->datapath = pool->opts.datapath ? sh_strdup(pool->opts.datapath) : NULL;
	pool->opts.lang = pool->lang;
	pool->opts.datapath = pool->datapath;
	if (!pool->opts.clean)
		pool->opts.clean = SH_CLEAN_ALL;
	pool->threads = sh_calloc((size_t)n, sizeof *pool->threads);
	pool->workers = sh_calloc((size_t)n, sizeof *pool->workers);
	pool->init_rc = sh_calloc((size_t)n, sizeof *pool->init_rc);
	pool->init_msg = sh_calloc((size_t)n, sizeof *pool->init_msg);
	if (!pool->lang || (opts && opts->datapath && !pool->datapath) || !pool->threads ||
	    !pool->workers || !pool->init_rc || !pool->init_msg) {
		sh_free(pool->threads);
		sh_free(pool->workers);
		sh_free(pool->init_rc);
		sh_free(pool->init_msg);
		sh_free(pool->lang);
		sh_free(pool->datapath);
		sh_free(pool);
		return SH_ENOMEM;
	}
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->cv_work, NULL);
	pthread_cond_init(&pool->cv_done, NULL);
	int started = 0, rc = SH_OK;
	for (int i = 0; i < n; i++) {
		pool->workers[i].opts = &pool->opts;
		struct start *st = sh_malloc(sizeof *st);
		if (!st) {
			rc = SH_ENOMEM;
			break;
		}
		st->pool = pool;
		st->idx = i;
		if (pthread_create(&pool->threads[i], NULL, worker_run, st) != 0) {
			sh_free(st);
			rc = sh_error_set(SH_ERROR, "cannot start OCR worker thread");
			break;
		}
		started++;
	}
	pthread_mutex_lock(&pool->mu);
	while (pool->ready < started)
		pthread_cond_wait(&pool->cv_done, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
	for (int i = 0; i < started && !rc; i++)
		if (pool->init_rc[i])
			rc = sh_error_set(pool->init_rc[i], "%s", pool->init_msg[i]);
	if (rc) {
		pool->nworkers = started;
		sh_ocr_pool_free(&pool);
		return rc;
	}
	*out = pool;
	return SH_OK;
}

int sh_ocr_pool_run(sh_ocr_pool *pool, size_t n, sh_ocr_load_fn load, void *arg,
		    sh_ocr_page *out)
{
	if (n == 0)
		return SH_OK;
	pthread_mutex_lock(&pool->mu);
	pool->n = n;
	atomic_store(&pool->next, 0);
	pool->load = load;
	pool->arg = arg;
	pool->out = out;
	pool->busy = pool->nworkers;
	pool->generation++;
	pthread_cond_broadcast(&pool->cv_work);
	while (pool->busy > 0)
		pthread_cond_wait(&pool->cv_done, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
	for (size_t i = 0; i < n; i++)
		if (out[i].status)
			return sh_error_set(out[i].status, "%s", out[i].reason);
	return SH_OK;
}
