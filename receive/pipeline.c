/* The page pipeline: sources → decode → OCR → kinds and facts → store input. */
#include "recv_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JPEG quality of a page rectified out of a phone photo: its source is a
 * JPEG of quality 70-90, and the photo itself is kept as evidence. */
#define RECTIFIED_QUALITY 90

static sh_kinds *g_kinds;
static pthread_mutex_t g_kinds_lock = PTHREAD_MUTEX_INITIALIZER;

int sh_recv_kinds(const sh_kinds **out)
{
	int rc = SH_OK;
	pthread_mutex_lock(&g_kinds_lock);
	if (!g_kinds) {
		const char *path = getenv("SOHOA_KINDS");
		rc = sh_kinds_load(&g_kinds, path && *path ? path : sh_kinds_default_path());
	}
	pthread_mutex_unlock(&g_kinds_lock);
	*out = g_kinds;
	return rc;
}

rv_run *rv_new(void)
{
	rv_run *r = sh_calloc(1, sizeof *r);
	if (r)
		pthread_mutex_init(&r->lock, NULL);
	return r;
}

void sh_recv_result_free(sh_recv_result **res)
{
	if (!res || !*res)
		return;
	rv_run *r = (rv_run *)*res; /* res is the run's first member */
	for (size_t i = 0; i < r->npages; i++) {
		sh_free(r->pages[i].bytes);
		sh_free(r->pages[i].orig);
		sh_ocr_page_clear(&r->pages[i].ocr);
	}
	for (size_t i = 0; i < r->ncomps; i++) {
		sh_free(r->comps[i].name);
		sh_paper_facts_free(&r->comps[i].facts);
		sh_free(r->comps[i].facts_json);
		sh_free(r->comps[i].text);
		sh_free(r->comps[i].search_text);
	}
	for (size_t i = 0; i < r->nfiles; i++)
		sh_scan_file_free(&r->files[i]);
	sh_free(r->files);
	sh_free(r->pages);
	sh_free(r->comps);
	sh_free(r->papers);
	sh_free(r->pins);
	sh_free(r->codes);
	sh_free(r->res.papers);
	sh_free(r->res.pages);
	pthread_mutex_destroy(&r->lock);
	sh_free(r);
	*res = NULL;
}

static int open_input(sh_scan_file **f, const sh_recv_input *in)
{
	if (in->path)
		return sh_scan_file_open(f, in->path);
	if (!in->data)
		return sh_error_set(SH_EINVAL, "%s: no bytes given", in->name ? in->name : "upload");
	return sh_scan_file_open_mem(f, in->data, in->len, in->name ? in->name : "upload");
}

/* Each input one component (all opened and checked before anything is read). */
static int from_inputs(rv_run *r, const sh_recv_input *in, size_t n, int keep_going, int storing)
{
	r->files = sh_calloc(n ? n : 1, sizeof *r->files);
	r->comps = sh_calloc(n ? n : 1, sizeof *r->comps);
	if (!r->files || !r->comps)
		return SH_ENOMEM;
	r->nfiles = n;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		rv_comp *c = &r->comps[r->ncomps++];
		const char *name = in[i].name, *base = in[i].path ? strrchr(in[i].path, '/') : NULL;
		if (!name)
			name = base ? base + 1 : in[i].path ? in[i].path : "upload";
		c->path = in[i].path;
		c->kind_hint = in[i].kind_hint && *in[i].kind_hint ? in[i].kind_hint : NULL;
		if (!(c->name = sh_strdup(name)))
			return SH_ENOMEM;
		int rc = open_input(&r->files[i], &in[i]);
		if (rc && !keep_going)
			return rc;
		if (rc) { /* recorded; the other inputs go on */
			c->status = rc;
			snprintf(c->error, sizeof c->error, "%s", sh_error_message());
			continue;
		}
		total += sh_scan_file_pages(r->files[i]);
	}
	r->pages = sh_calloc(total ? total : 1, sizeof *r->pages);
	if (!r->pages)
		return SH_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		rv_comp *c = &r->comps[i];
		c->first = r->npages;
		if (!r->files[i])
			continue;
		c->npages = sh_scan_file_pages(r->files[i]);
		for (size_t p = 0; p < c->npages; p++) {
			rv_page *pg = &r->pages[r->npages++];
			pg->file = r->files[i];
			pg->index = p;
			pg->want_bytes = storing;
			int w, h;
			if (sh_scan_file_page_info(r->files[i], p, &w, &h, &pg->dpi))
				pg->dpi = 0;
		}
	}
	return SH_OK;
}

/* The components of a staged batch, in order. */
static int from_batch(rv_run *r, sh_scan_batch *b, int storing)
{
	size_t nc = sh_scan_batch_components(b), total = sh_scan_batch_count(b);
	if (total == 0)
		return sh_error_set(SH_EINVAL, "batch %s has no pages", sh_scan_batch_id(b));
	r->comps = sh_calloc(nc ? nc : 1, sizeof *r->comps);
	r->pages = sh_calloc(total, sizeof *r->pages);
	if (!r->comps || !r->pages)
		return SH_ENOMEM;
	for (size_t k = 0; k < nc; k++) {
		const char *code;
		const unsigned *ids;
		size_t n;
		int rc = sh_scan_batch_component(b, k, &code, &ids, &n);
		if (rc)
			return rc;
		if (n == 0)
			continue;
		rv_comp *c = &r->comps[r->ncomps++];
		if (!(c->name = sh_strdup(sh_scan_batch_id(b))))
			return SH_ENOMEM;
		c->kind_hint = code && *code ? code : NULL;
		c->first = r->npages;
		c->npages = n;
		for (size_t i = 0; i < n; i++) {
			rv_page *pg = &r->pages[r->npages++];
			pg->batch = b;
			pg->batch_id = ids[i];
			pg->want_bytes = storing;
		}
	}
	r->res.batch = sh_scan_batch_id(b);
	return SH_OK;
}

int rv_from_source(rv_run *r, const sh_recv_source *src, const sh_recv_options *o, int storing)
{
	int n = (src->inputs != NULL) + (src->batch != NULL) + (src->watched != NULL);
	if (n != 1)
		return sh_error_set(SH_EINVAL, "give one source: files, a batch or a watched file");
	if (src->batch)
		return from_batch(r, src->batch, storing);
	if (src->watched) {
		sh_recv_input in = {.path = src->watched->path, .name = src->watched->name};
		return from_inputs(r, &in, 1, 0, storing);
	}
	if (!src->ninputs)
		return sh_error_set(SH_EINVAL, "give the image files of the dossier's papers");
	return from_inputs(r, src->inputs, src->ninputs, !storing && o->keep_going, storing);
}

/* A page turned at review is kept as it reads: re-encoded losslessly. */
static int encode_turned(rv_page *p, PIX *pix)
{
	l_uint8 *d = NULL;
	size_t n = 0;
	int rc = SH_OK, d1 = pixGetDepth(pix) == 1;
	if ((d1 ? pixWriteMemTiff(&d, &n, pix, IFF_TIFF_G4) : pixWriteMemPng(&d, &n, pix, 0.0f)) ||
	    !d) {
		rc = sh_error_set(SH_ENOMEM, "cannot encode a rotated page");
	} else if ((p->bytes = sh_malloc(n))) {
		memcpy(p->bytes, d, n);
		p->len = n;
		p->mime = d1 ? "image/tiff" : "image/png";
	} else {
		rc = SH_ENOMEM;
	}
	if (d)
		lept_free(d);
	return rc;
}

static int load_batch_page(rv_page *p, PIX **out)
{
	sh_scan_page info;
	size_t pos;
	int rc = sh_scan_batch_find(p->batch, p->batch_id, &pos);
	if (!rc)
		rc = sh_scan_batch_page(p->batch, pos, &info);
	if (rc)
		return rc;
	snprintf(p->make, sizeof p->make, "%s", info.make ? info.make : "");
	snprintf(p->model, sizeof p->model, "%s", info.model ? info.model : "");
	p->dpi = info.dpi;
	if ((rc = sh_scan_batch_page_pix(p->batch, p->batch_id, out)) || !p->want_bytes)
		return rc;
	if (info.rotation)
		return encode_turned(p, *out);
	/* the captured file as it is (its hash is in the manifest) */
	char *path = NULL;
	rc = sh_scan_batch_page_path(p->batch, p->batch_id, &path);
	if (!rc)
		rc = sh_file_read(&p->bytes, &p->len, path, SH_FILE_MAX);
	sh_free(path);
	p->mime = info.mime && !strcmp(info.mime, "image/tiff") ? "image/tiff" : "image/png";
	return rc;
}

/* Two pages on one scan (issue 18; ocr/split.c): page p's image is cut
 * to its piece (looked for on the first pass, p->piece 0; the second piece
 * is a page of its own made after it, p->piece 2). The piece is what is
 * read, stored and shown: JPEG q 90 when the scan came as a JPEG, else
 * losslessly; the scan as received becomes the page's original, kept and
 * signed beside it as a photo is. An image that is one page is left as
 * it is. */
static int page_piece(rv_run *r, rv_page *p, PIX **pix)
{
	if (!r->split)
		return SH_OK;
	int rc = SH_OK;
	if (p->piece == 0) {
		if ((rc = sh_ocr_split_find(*pix, &p->split)) || p->split.n < 2)
			return rc;
		p->piece = 1;
	}
	PIX *cut = NULL;
	if ((rc = sh_ocr_split_piece(&cut, *pix, &p->split, p->piece - 1)))
		return rc;
	pixDestroy(pix);
	*pix = cut;
	p->width = pixGetWidth(cut);
	p->height = pixGetHeight(cut);
	if (!p->bytes)
		return SH_OK;
	uint8_t *orig = p->bytes;
	size_t orig_len = p->len;
	const char *orig_mime = p->mime;
	p->bytes = NULL;
	if (!strcmp(orig_mime, "image/jpeg") && pixGetDepth(cut) >= 8 && !pixGetColormap(cut)) {
		l_uint8 *d = NULL;
		size_t n = 0;
		if (pixWriteMemJpeg(&d, &n, cut, RECTIFIED_QUALITY, 0) || !d)
			rc = sh_error_set(SH_ENOMEM, "cannot encode a page cut from a scan");
		else if (!(p->bytes = sh_malloc(n)))
			rc = SH_ENOMEM;
		else {
			memcpy(p->bytes, d, n);
			p->len = n;
			p->mime = "image/jpeg";
		}
		if (d)
			lept_free(d);
	} else {
		rc = encode_turned(p, cut); /* PNG, or TIFF G4 for 1 bit */
	}
	p->orig = orig;
	p->orig_len = orig_len;
	p->orig_mime = orig_mime;
	return rc;
}

/* The OCR pool's decode callback, on a worker thread: decode page i and
 * produce its archival bytes. */
static int load_page(void *arg, size_t i, PIX **out)
{
	rv_run *r = arg;
	rv_page *p = &r->pages[i];
	int rc;
	if (r->opts->progress) {
		pthread_mutex_lock(&r->lock);
		r->opts->progress(r->opts->progress_arg, ++r->started, r->npages);
		pthread_mutex_unlock(&r->lock);
	}
	if (p->file) {
		rc = sh_scan_file_page(p->file, p->index, out);
		if (!rc && p->dpi <= 0) /* PNG, JPEG: read from the decoded page */
			p->dpi = pixGetXRes(*out);
		if (!rc && p->want_bytes)
			rc = sh_scan_file_page_bytes(p->file, p->index, *out, &p->bytes, &p->len,
						     &p->mime);
	} else {
		rc = load_batch_page(p, out);
	}
	if (!rc)
		rc = page_piece(r, p, out);
	if (rc && *out)
		pixDestroy(out);
	return rc;
}

/* sh_ocr_options.digit_boxes: every run of 9 to 13 digits on the page
 * (CMND 9, CCCD 12, tax codes 10 or 13) and every date's place, read again
 * before the image OCR read is gone; only an id extraction finds there is
 * looked up later, and every date. */
static int digit_boxes(void *arg, const char *hocr, sh_ocr_digit_read **out, size_t *n)
{
	(void)arg;
	sh_paper_box *b = NULL, *db = NULL;
	size_t nb = 0, ndb = 0;
	*out = NULL;
	*n = 0;
	sh_paper_box *lb = NULL;
	size_t nlb = 0;
	const sh_kinds *kinds = NULL;
	int rc = sh_paper_hocr_digit_runs(&b, &nb, hocr, 9, 13);
	if (!rc)
		rc = sh_paper_hocr_date_boxes(&db, &ndb, hocr);
	/* the name lines (issue 18), first: the pool reads at most
	 * SH_OCR_DIGIT_BOXES boxes */
	if (!rc && sh_recv_kinds(&kinds) == SH_OK)
		rc = sh_paper_hocr_name_boxes(&lb, &nlb, kinds, hocr);
	/* the number's digits (issue 18, 23), read again like the ids' */
	sh_paper_box nbx;
	if (!rc && sh_paper_hocr_number_box(&nbx, hocr)) {
		sh_paper_box *g = sh_realloc(b, (nb + 1) * sizeof *g);
		if (!g)
			rc = SH_ENOMEM;
		else {
			b = g;
			memmove(b + 1, b, nb * sizeof *b);
			b[0] = nbx;
			nb++;
		}
	}
	sh_error_clear();
	size_t all = nlb + nb + ndb;
	sh_ocr_digit_read *d = rc || !all ? NULL : sh_calloc(all, sizeof *d);
	if (!rc && all && !d)
		rc = SH_ENOMEM;
	for (size_t i = 0; d && i < all; i++) {
		const sh_paper_box *x = i < nlb ? &lb[i] : i < nlb + nb ? &b[i - nlb] : &db[i - nlb - nb];
		d[i].x0 = x->x0;
		d[i].y0 = x->y0;
		d[i].x1 = x->x1;
		d[i].y1 = x->y1;
		d[i].text = i < nlb;
	}
	sh_free(lb);
	sh_free(b);
	sh_free(db);
	if (d) {
		*out = d;
		*n = all;
	}
	return rc;
}

/* The second readings of the box where OCR put digits: those of the box
 * on page pg that overlaps it most (at least half of it). n = 0: none. */
static size_t digit_readings(const sh_ocr_page *pg, const sh_paper_box *b,
			     const char *r[SH_OCR_DIGIT_PASSES])
{
	long area = (long)(b->x1 - b->x0) * (b->y1 - b->y0), best = 0;
	const sh_ocr_digit_read *hit = NULL;
	for (size_t i = 0; i < pg->ndigits && area > 0; i++) {
		const sh_ocr_digit_read *d = &pg->digits[i];
		if (d->text)
			continue;
		int x0 = d->x0 > b->x0 ? d->x0 : b->x0, x1 = d->x1 < b->x1 ? d->x1 : b->x1;
		int y0 = d->y0 > b->y0 ? d->y0 : b->y0, y1 = d->y1 < b->y1 ? d->y1 : b->y1;
		long ov = x1 > x0 && y1 > y0 ? (long)(x1 - x0) * (y1 - y0) : 0;
		if (ov > best) {
			best = ov;
			hit = d;
		}
	}
	if (!hit || best * 2 < area)
		return 0;
	for (size_t i = 0; i < hit->n; i++)
		r[i] = hit->read[i];
	return hit->n;
}

/* The page's glyphs of the id v in box b (sh_ocr_page.glyphs): the digits
 * of one word whose centres lie in b, left to right, when they are v's
 * digits one for one; their distances into g. 0: none. */
static size_t id_glyphs(const sh_ocr_page *pg, const sh_paper_box *b, const char *v, sh_paper_glyph *g)
{
	size_t m = strlen(v), k = 0;
	int word = -1;
	for (size_t i = 0; i < pg->nglyphs; i++) {
		const sh_ocr_glyph *x = &pg->glyphs[i];
		int cx = (x->x0 + x->x1) / 2, cy = (x->y0 + x->y1) / 2;
		if (cx < b->x0 || cx > b->x1 || cy < b->y0 || cy > b->y1)
			continue;
		if (word >= 0 && x->word != word)
			return 0; /* two words: no one-for-one mapping */
		word = x->word;
		if (k >= m || x->digit != v[k] || (k && x->x0 < pg->glyphs[i - 1].x0))
			return 0;
		memcpy(g[k].near, x->near, sizeof g[k].near);
		memcpy(g[k].spread, x->spread, sizeof g[k].spread);
		k++;
	}
	return k == m ? m : 0;
}

/* Ids read again, digits only (issue 18; docs/PAPERS.md): an id taken at
 * once is left out when the second readings agree on other digits; an id
 * read unsurely is taken only when they all give it. Never a wrong id:
 * "not found" rather than a guess. */
static int comp_reread_ids(rv_run *r, rv_comp *c, const char *hocr)
{
	static const enum sh_paper_fact ids[] = {SH_FACT_OWNER_ID, SH_FACT_OLD_ID};
	const char *rd[SH_OCR_DIGIT_PASSES];
	sh_paper_box b;
	for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
		const char *v = sh_paper_fact(c->facts, ids[k]);
		size_t n;
		if (v && sh_paper_hocr_digits_box(&b, hocr, v) && (size_t)b.page < c->npages &&
		    (n = digit_readings(&r->pages[c->first + (size_t)b.page].ocr, &b, rd)))
			sh_paper_id_verify(c->facts, ids[k], rd, n);
	}
	const char *u = sh_paper_id_unsure(c->facts, NULL);
	char uu[SH_OCR_DIGITS_MAX];
	if (!u || strlen(u) >= sizeof uu)
		return SH_OK;
	memcpy(uu, u, strlen(u) + 1);
	size_t n;
	if (sh_paper_hocr_digits_box(&b, hocr, uu) && (size_t)b.page < c->npages &&
	    (n = digit_readings(&r->pages[c->first + (size_t)b.page].ocr, &b, rd))) {
		int rc = sh_paper_id_confirm(c->facts, rd, n);
		sh_paper_glyph g[SH_OCR_DIGITS_MAX];
		size_t ng;
		if (!rc && (ng = id_glyphs(&r->pages[c->first + (size_t)b.page].ocr, &b, uu, g)))
			rc = sh_paper_id_confirm_glyph(c->facts, rd, n, g, ng);
		if (rc < 0)
			return rc;
	}
	return SH_OK;
}

/* sh_paper_digits_fn over a component's pages: the readings made while
 * OCR had the page image (digit_boxes). */
typedef struct date_reads {
	rv_run *r;
	rv_comp *c;
} date_reads;

static size_t date_readings(void *arg, const sh_paper_box *b, char out[][SH_PAPER_DIGITS_MAX], size_t max)
{
	date_reads *d = arg;
	const char *rd[SH_OCR_DIGIT_PASSES];
	if (b->page < 0 || (size_t)b->page >= d->c->npages)
		return 0;
	size_t n = digit_readings(&d->r->pages[d->c->first + (size_t)b->page].ocr, b, rd);
	for (size_t i = 0; i < n && i < max; i++)
		snprintf(out[i], SH_PAPER_DIGITS_MAX, "%s", rd[i]);
	return n < max ? n : max;
}

/* Dates read again (docs/PAPERS.md "second reading of dates"): the facts
 * of the text the readings settled replace those of the text as read, the
 * dates that changed flagged ("reread", as read kept; "doubted"). The
 * text kept is the text as read. */
static int comp_reread_dates(rv_run *r, rv_comp *c, const sh_kinds *kinds, const char *hocr,
			     const sh_paper_word *words, size_t nwords)
{
	date_reads d = {r, c};
	char *t2 = NULL;
	size_t changed = 0;
	int rc = sh_paper_dates_reread(&t2, &changed, c->text, hocr, date_readings, &d);
	sh_paper_facts *g = NULL;
	if (!rc && changed)
		rc = nwords ? sh_paper_extract_words(&g, kinds, t2, words, nwords) : sh_paper_extract(&g, kinds, t2);
	sh_free(t2);
	if (!rc && g) {
		int n = sh_paper_dates_flag(g, c->facts);
		if (n < 0) {
			sh_paper_facts_free(&g);
			return n;
		}
		sh_paper_facts_free(&c->facts);
		c->facts = g;
	}
	return rc;
}

/* sh_paper_line_fn over a component's pages: the readings of the name
 * line made while OCR had the page image (digit_boxes, text boxes), of
 * the box that overlaps b most (at least half of it). */
static size_t name_readings(void *arg, const sh_paper_box *b, sh_paper_reading *out, size_t max)
{
	date_reads *d = arg;
	if (b->page < 0 || (size_t)b->page >= d->c->npages)
		return 0;
	const sh_ocr_page *pg = &d->r->pages[d->c->first + (size_t)b->page].ocr;
	long area = (long)(b->x1 - b->x0) * (b->y1 - b->y0), best = 0;
	const sh_ocr_digit_read *hit = NULL;
	for (size_t i = 0; i < pg->ndigits && area > 0; i++) {
		const sh_ocr_digit_read *x = &pg->digits[i];
		int x0 = x->x0 > b->x0 ? x->x0 : b->x0, x1 = x->x1 < b->x1 ? x->x1 : b->x1;
		int y0 = x->y0 > b->y0 ? x->y0 : b->y0, y1 = x->y1 < b->y1 ? x->y1 : b->y1;
		long ov = x->text && x1 > x0 && y1 > y0 ? (long)(x1 - x0) * (y1 - y0) : 0;
		if (ov > best) {
			best = ov;
			hit = x;
		}
	}
	if (!hit || best * 2 < area)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < hit->n && i < SH_OCR_LINE_PASSES && n < max; i++, n++) {
		out[n].n = hit->nw[i] < SH_PAPER_LINE_WORDS ? hit->nw[i] : SH_PAPER_LINE_WORDS;
		for (size_t k = 0; k < out[n].n; k++) {
			snprintf(out[n].w[k], SH_PAPER_WORD_MAX, "%s", hit->word[i][k]);
			out[n].conf[k] = hit->conf[i][k];
		}
	}
	return n;
}

/* Join a component's pages and extract its kind and facts. */
static int comp_extract(rv_run *r, rv_comp *c, const sh_kinds *kinds)
{
	sh_buf b = SH_BUF_INIT, h = SH_BUF_INIT;
	int rc = SH_OK;
	for (size_t i = 0; i < c->npages && !rc; i++) {
		const sh_ocr_page *pg = &r->pages[c->first + i].ocr;
		if (pg->status) { /* keep_going: the paper is unreadable */
			c->status = pg->status;
			snprintf(c->error, sizeof c->error, "%s", pg->reason);
			sh_buf_free(&b);
			sh_buf_free(&h);
			return SH_OK;
		}
		if (i)
			rc = sh_buf_puts(&b, "\f");
		if (!rc)
			rc = sh_buf_puts(&b, pg->text);
		if (!rc && pg->hocr)
			rc = sh_buf_puts(&h, pg->hocr);
	}
	if (!rc && !(c->text = sh_buf_detach(&b)))
		rc = SH_ENOMEM;
	sh_buf_free(&b);
	/* per-word OCR confidences: a name read with good confidence is never
	 * "corrected" into another valid name (docs/PAPERS.md) */
	sh_paper_word *words = NULL;
	size_t nwords = 0;
	if (!rc && h.len) /* sh_buf keeps its bytes NUL-terminated */
		rc = sh_paper_hocr_words(&words, &nwords, c->text, (const char *)h.data);
	if (!rc)
		rc = nwords ? sh_paper_extract_words(&c->facts, kinds, c->text, words, nwords)
			    : sh_paper_extract(&c->facts, kinds, c->text);
	if (!rc && h.len)
		rc = comp_reread_dates(r, c, kinds, (const char *)h.data, words, nwords);
	sh_free(words);
	if (!rc && h.len)
		rc = comp_reread_ids(r, c, (const char *)h.data);
	if (!rc && h.len) { /* the number read again (docs/PAPERS.md "numbers read again") */
		date_reads d = {r, c};
		rc = sh_paper_number_reread(c->facts, (const char *)h.data, date_readings, &d);
	}
	if (!rc && h.len) { /* names read again (docs/PAPERS.md "names read again") */
		date_reads d = {r, c};
		rc = sh_paper_names_reread(c->facts, (const char *)h.data, name_readings, &d);
	}
	sh_buf_free(&h);
	if (!rc && !(c->facts_json = sh_paper_facts_json(c->facts)))
		rc = SH_ENOMEM;
	return rc;
}

/* A photo of a page (issue 18): the page rectified out of it is the page
 * stored, shown and exported (JPEG: it comes from a JPEG photo and the
 * evidence is kept anyway), and the photo as received is kept beside it as
 * its original, both signed. A page stored as received, or only turned
 * losslessly, has no original. */
static int page_rectified(rv_page *p)
{
	PIX *pix = p->ocr.rectified;
	if (!pix || !p->bytes)
		return SH_OK;
	l_uint8 *d = NULL;
	size_t n = 0;
	PIX *p32 = pixGetDepth(pix) == 32 || pixGetDepth(pix) == 8 ? pixClone(pix)
								    : pixConvertTo32(pix);
	int bad = !p32 || pixWriteMemJpeg(&d, &n, p32, RECTIFIED_QUALITY, 0) || !d;
	pixDestroy(&p32);
	uint8_t *b = bad ? NULL : sh_malloc(n);
	if (b)
		memcpy(b, d, n);
	if (d)
		lept_free(d);
	if (!b)
		return bad ? sh_error_set(SH_ENOMEM, "cannot encode a rectified page") : SH_ENOMEM;
	p->orig = p->bytes;
	p->orig_len = p->len;
	p->orig_mime = p->mime;
	p->bytes = b;
	p->len = n;
	p->mime = "image/jpeg";
	p->width = pixGetWidth(pix);
	p->height = pixGetHeight(pix);
	pixDestroy(&p->ocr.rectified);
	return SH_OK;
}

/* The second pieces of split scans, read on a second pass of the pool:
 * pass index j is page idx[j]. */
typedef struct piece_pass {
	rv_run *r;
	size_t *idx;
} piece_pass;

static int load_piece(void *arg, size_t j, PIX **out)
{
	piece_pass *pp = arg;
	return load_page(pp->r, pp->idx[j], out);
}

/* Each split scan's second piece becomes a page of its own right after
 * the first, in the same paper (a card's back is a page of the card; two
 * A5 pages are one paper's two pages, as a file's pages are). *idx (caller
 * sh_free, NULL when none): the new pages' indices, *m their number. */
static int insert_pieces(rv_run *r, size_t **idx, size_t *m)
{
	*idx = NULL;
	*m = 0;
	for (size_t i = 0; i < r->npages; i++)
		*m += r->pages[i].piece == 1 && !r->pages[i].paired;
	if (!*m)
		return SH_OK;
	rv_page *pages = sh_calloc(r->npages + *m, sizeof *pages);
	size_t *at = sh_calloc(r->npages + 1, sizeof *at);
	*idx = sh_calloc(*m, sizeof **idx);
	if (!pages || !at || !*idx) {
		sh_free(pages);
		sh_free(at);
		sh_free(*idx);
		*idx = NULL;
		return SH_ENOMEM;
	}
	size_t n = 0, k = 0;
	for (size_t i = 0; i < r->npages; i++) {
		at[i] = n;
		rv_page *p = &pages[n++];
		*p = r->pages[i];
		if (p->piece != 1 || p->paired)
			continue;
		p->paired = 1;
		rv_page *q = &pages[n];
		q->file = p->file;
		q->index = p->index;
		q->batch = p->batch;
		q->batch_id = p->batch_id;
		q->want_bytes = p->want_bytes;
		q->dpi = p->dpi;
		q->split = p->split;
		q->piece = 2;
		q->paired = 1;
		(*idx)[k++] = n++;
	}
	at[r->npages] = n;
	for (size_t c = 0; c < r->ncomps; c++) {
		rv_comp *cp = &r->comps[c];
		size_t end = at[cp->first + cp->npages];
		cp->first = at[cp->first];
		cp->npages = end - cp->first;
	}
	sh_free(at);
	sh_free(r->pages);
	r->pages = pages;
	r->npages = n;
	return SH_OK;
}

/* A small run (fewer pages than workers: a desk's one CCCD photocopy)
 * looks for split scans before reading, so that both pieces are read at
 * once; it costs a decoding of each page on the calling thread. Larger
 * runs find them while reading and read the second pieces after. A page
 * that cannot be decoded here fails later, when it is read. */
static int find_pieces_first(rv_run *r, int workers)
{
	if (!r->split || r->npages >= (size_t)workers)
		return SH_OK;
	for (size_t i = 0; i < r->npages; i++) {
		rv_page *p = &r->pages[i];
		PIX *pix = NULL;
		int rc = p->file ? sh_scan_file_page(p->file, p->index, &pix)
				 : sh_scan_batch_page_pix(p->batch, p->batch_id, &pix);
		if (!rc && !sh_ocr_split_find(pix, &p->split) && p->split.n == 2)
			p->piece = 1;
		pixDestroy(&pix);
	}
	return SH_OK;
}

/* After a pass: the second pieces of the scans found split while reading
 * are read in a pass of their own. rc: the first pass's result (kept
 * unless this fails). */
static int read_pieces(rv_run *r, sh_ocr_pool *pool, int rc)
{
	size_t *idx = NULL, m = 0;
	int rc2 = insert_pieces(r, &idx, &m);
	sh_ocr_page *res = !rc2 && m ? sh_calloc(m, sizeof *res) : NULL;
	if (!rc2 && m && !res)
		rc2 = SH_ENOMEM;
	if (!rc2 && m) {
		piece_pass pp = {r, idx};
		rc2 = sh_ocr_pool_run(pool, m, load_piece, &pp, res);
		for (size_t j = 0; j < m; j++)
			r->pages[idx[j]].ocr = res[j];
	}
	sh_free(idx);
	sh_free(res);
	return rc ? rc : rc2;
}

/* A piece of a split scan says so (flag and note; the note is the page's
 * as stored). A piece is a scan: a photo's rectified page is not used. */
static void piece_note(rv_page *p)
{
	if (!p->piece)
		return;
	pixDestroy(&p->ocr.rectified);
	p->ocr.flags |= SH_PAGE_SPLIT;
	size_t l = strlen(p->ocr.reason);
	snprintf(p->ocr.reason + l, sizeof p->ocr.reason - l, "%spage %d of 2 cut from one scan (%s)",
		 l ? "; " : "", p->piece,
		 p->split.kind == SH_SPLIT_CARD ? "a card's two sides" : "two pages side by side");
}

int rv_read(rv_run *r, const sh_recv_options *o, int storing)
{
	const sh_kinds *kinds;
	int rc = sh_recv_kinds(&kinds);
	if (rc)
		return rc;
	sh_ocr_pool *pool = NULL;
	/* word boxes and confidences for the facts, and the boxes read again;
	 * a caller that wants the text alone pays for neither */
	int boxes = storing || !o->text_only;
	sh_ocr_options oo = {.workers = o->workers, .want_hocr = boxes, .no_clean = o->no_clean,
			     .keep_rectified = storing, .digit_boxes = boxes ? digit_boxes : NULL,
			     .nice = o->ocr_nice};
	sh_ocr_page *res = sh_calloc(r->npages ? r->npages : 1, sizeof *res);
	size_t *pre = NULL, npre = 0;
	if (!res)
		return SH_ENOMEM;
	r->opts = o;
	if (o->progress)
		o->progress(o->progress_arg, 0, r->npages);
	if ((rc = sh_ocr_pool_new(&pool, &oo)))
		goto out;
	r->split = !o->no_clean;
	if ((rc = find_pieces_first(r, sh_ocr_pool_workers(pool))) ||
	    (rc = insert_pieces(r, &pre, &npre)))
		goto out;
	sh_free(pre);
	if (npre) {
		sh_free(res);
		if (!(res = sh_calloc(r->npages, sizeof *res))) {
			rc = SH_ENOMEM;
			goto out;
		}
	}
	rc = sh_ocr_pool_run(pool, r->npages, load_page, r, res);
	for (size_t i = 0; i < r->npages; i++)
		r->pages[i].ocr = res[i]; /* ownership of the strings moves */
	if (!rc || (!storing && o->keep_going))
		rc = read_pieces(r, pool, rc);
	for (size_t i = 0; i < r->npages; i++)
		piece_note(&r->pages[i]);
	if (rc && (storing || !o->keep_going))
		goto out;
	for (size_t i = 0; i < r->npages && storing; i++)
		if ((rc = page_rectified(&r->pages[i])))
			goto out;
	rc = SH_OK;
	for (size_t k = 0; k < r->ncomps && !rc; k++)
		if (!r->comps[k].status)
			rc = comp_extract(r, &r->comps[k], kinds);
out:
	sh_free(res);
	sh_ocr_pool_free(&pool);
	return rc;
}

/* Its kind's name and its facts, so "giay khai sinh" finds a birth
 * certificate whose heading OCR misread. */
static void comp_facts(rv_run *r, rv_comp *c, sh_wh_paper_in *p)
{
	c->nfacts = 0;
	for (int f = 0; c->facts && f < SH_FACT_COUNT; f++) {
		const char *v = sh_paper_fact(c->facts, (enum sh_paper_fact)f);
		if (v) {
			c->fact_list[c->nfacts].name = sh_paper_fact_name((enum sh_paper_fact)f);
			c->fact_list[c->nfacts].value = v;
			c->nfacts++;
		}
	}
	/* the caller's extra facts (an archive record's provenance): signed
	 * with the others and kept in the facts JSON */
	const sh_recv_options *o = r->opts;
	if (o && o->nextra_facts && o->nextra_facts <= SH_RECV_EXTRA_FACTS) {
		sh_buf j = SH_BUF_INIT;
		const char *fj = c->facts_json && c->facts_json[0] == '{' ? c->facts_json : "{}";
		size_t fl = strlen(fj);
		while (fl > 1 && fj[fl - 1] != '}')
			fl--;
		sh_buf_put(&j, fj, fl - 1);
		int first = fl <= 2;
		for (size_t i = 0; i < o->nextra_facts; i++) {
			c->fact_list[c->nfacts++] = o->extra_facts[i];
			sh_buf_puts(&j, first ? "\"" : ",\"");
			first = 0;
			sh_buf_puts(&j, o->extra_facts[i].name);
			sh_buf_puts(&j, "\":\"");
			for (const char *v = o->extra_facts[i].value; *v; v++) {
				if (*v == '"' || *v == '\\')
					sh_buf_put(&j, "\\", 1);
				sh_buf_put(&j, v, 1);
			}
			sh_buf_puts(&j, "\"");
		}
		sh_buf_puts(&j, "}");
		char *nj = j.data ? sh_buf_detach(&j) : NULL;
		sh_buf_free(&j);
		if (nj) {
			sh_free(c->facts_json);
			c->facts_json = nj;
			p->facts = nj;
		}
	}
	p->fact_list = c->fact_list;
	p->nfacts = c->nfacts;
	const sh_kinds *kinds = NULL;
	sh_buf st = SH_BUF_INIT;
	if (p->kind && !sh_recv_kinds(&kinds))
		for (size_t k = 0; k < sh_kinds_count(kinds); k++)
			if (!strcmp(sh_kinds_code(kinds, k), p->kind))
				sh_buf_puts(&st, sh_kinds_name(kinds, k));
	for (size_t f = 0; f < c->nfacts; f++) {
		sh_buf_puts(&st, " ");
		sh_buf_puts(&st, c->fact_list[f].value);
		/* a number/symbol "125/QĐ-UBND" also as one word "125QĐUBND", so
		 * that sh_wh_search finds it exactly (docs/ARCHIVE.md) */
		const char *v = c->fact_list[f].value;
		if (!strcmp(c->fact_list[f].name, "number") && strpbrk(v, "/-.")) {
			sh_buf_puts(&st, " ");
			for (; *v; v++)
				if (!strchr("/-.", *v))
					sh_buf_put(&st, v, 1);
		}
	}
	if (st.len)
		c->search_text = sh_buf_detach(&st);
	sh_buf_free(&st);
	p->search_text = c->search_text;
}

/* The page's true resolution: measured from the page when its file's tag is
 * missing or lies (a phone photo's 72 dpi: ocr/ clean-up, true_dpi), else
 * the file's own, else the clean-up's working resolution. */
static int page_dpi(const rv_page *pg)
{
	/* a piece of a scan has the scan's resolution, which agreed with the
	 * sheet's size (sh_ocr_split_find looks at no other); the clean-up
	 * would take an A5 piece for an A4 page at 1/sqrt(2) of it */
	if (pg->piece && pg->dpi > 0)
		return pg->dpi;
	if (pg->ocr.clean.true_dpi > 0)
		return pg->ocr.clean.true_dpi;
	return pg->dpi > 0 ? pg->dpi : pg->ocr.clean.dpi;
}

static void page_in(sh_wh_page_in *pi, const rv_page *pg)
{
	pi->image = pg->bytes;
	pi->image_len = pg->len;
	pi->mime = pg->mime;
	pi->text = pg->ocr.text;
	pi->hocr = pg->ocr.hocr;
	pi->width = pg->orig ? pg->width : pg->ocr.width;
	pi->height = pg->orig ? pg->height : pg->ocr.height;
	/* the file's own resolution: the clean-up may work at another */
	pi->dpi = page_dpi(pg);
	/* a rectified page is stored upright; a piece of a scan as cut */
	pi->rotation = pg->orig && !pg->piece ? 0 : pg->ocr.clean.rotation;
	pi->original = pg->orig;
	pi->original_len = pg->orig_len;
	pi->original_mime = pg->orig_mime;
	pi->confidence = pg->ocr.confidence;
	pi->flags = pg->ocr.flags;
	pi->note = pg->ocr.reason[0] ? pg->ocr.reason : NULL;
	pi->make = pg->make[0] ? pg->make : NULL;
	pi->model = pg->model[0] ? pg->model : NULL;
}

/* SH_WH_PAPER_REVIEW when the desk must look at a paper: a fact the lexicon
 * or the catalogue corrected or a second reading changed (shown beside the
 * reading as read), a name read twice otherwise (unsure), a value
 * written by hand (not read: typed), a blank page or one to rescan (issue 18).
 * Read and stored runs alike. */
static unsigned comp_review(const rv_run *r, const rv_comp *c)
{
	for (int f = 0; c->facts && f < SH_FACT_COUNT; f++)
		if (sh_paper_fact_as_read(c->facts, (enum sh_paper_fact)f) ||
		    sh_paper_fact_handwritten(c->facts, (enum sh_paper_fact)f) ||
		    sh_paper_fact_unsure(c->facts, (enum sh_paper_fact)f))
			return SH_WH_PAPER_REVIEW;
	for (size_t i = 0; i < c->npages; i++)
		if (r->pages[c->first + i].ocr.flags & (SH_PAGE_BLANK | SH_PAGE_RESCAN))
			return SH_WH_PAPER_REVIEW;
	return 0;
}

int rv_papers(rv_run *r, const char *owner)
{
	r->papers = sh_calloc(r->ncomps ? r->ncomps : 1, sizeof *r->papers);
	r->pins = sh_calloc(r->npages ? r->npages : 1, sizeof *r->pins);
	if (!r->papers || !r->pins)
		return SH_ENOMEM;
	char norm[16] = "";
	if (owner)
		sh_id_owner_check(NULL, norm, owner);
	for (size_t k = 0; k < r->ncomps; k++) {
		rv_comp *c = &r->comps[k];
		sh_wh_paper_in *p = &r->papers[k];
		p->file = c->name;
		p->kind = c->kind_hint ? c->kind_hint : c->facts ? sh_paper_kind_code(c->facts) : NULL;
		p->facts = c->facts_json;
		comp_facts(r, c, p);
		p->pages = &r->pins[c->first];
		p->npages = c->npages;
		const char *named = c->facts ? sh_paper_owner_id(c->facts) : NULL;
		if (named && norm[0] && strcmp(named, norm))
			p->flags |= SH_WH_PAPER_OWNER_MISMATCH;
		p->named_owner = named;
		p->flags |= comp_review(r, c);
		for (size_t i = 0; i < c->npages; i++)
			page_in(&r->pins[c->first + i], &r->pages[c->first + i]);
	}
	return SH_OK;
}

/* Fill the public result from the run. */
int rv_publish(rv_run *r)
{
	sh_recv_result *res = &r->res;
	res->papers = sh_calloc(r->ncomps ? r->ncomps : 1, sizeof *res->papers);
	res->pages = sh_calloc(r->npages ? r->npages : 1, sizeof *res->pages);
	if (!res->papers || !res->pages)
		return SH_ENOMEM;
	res->npapers = r->ncomps;
	res->npages = r->npages;
	res->warning = r->warning[0] ? r->warning : NULL;
	for (size_t k = 0; k < r->ncomps; k++) {
		const rv_comp *c = &r->comps[k];
		sh_recv_paper *p = &res->papers[k];
		p->status = c->status;
		p->error = c->error;
		p->name = c->name;
		p->path = c->path;
		p->kind = r->papers ? r->papers[k].kind
			: c->kind_hint ? c->kind_hint : c->facts ? sh_paper_kind_code(c->facts) : NULL;
		p->code = r->codes ? r->codes[k] : NULL;
		p->flags = r->papers ? r->papers[k].flags : comp_review(r, c);
		p->text = c->text ? c->text : "";
		p->facts = c->facts;
		p->first = c->first;
		p->npages = c->npages;
	}
	for (size_t i = 0; i < r->npages; i++) {
		const rv_page *pg = &r->pages[i];
		sh_recv_page *p = &res->pages[i];
		p->status = pg->ocr.status;
		p->text = pg->ocr.text ? pg->ocr.text : "";
		p->flags = pg->ocr.flags;
		p->note = pg->ocr.reason;
		p->width = pg->ocr.width;
		p->height = pg->ocr.height;
		p->dpi = page_dpi(pg);
		p->batch_id = pg->batch_id;
	}
	return SH_OK;
}
