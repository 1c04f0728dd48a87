/* Receiving papers: sources → OCR → kinds and facts → store input. */
#include "pipeline.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sh_kinds *g_kinds;

int pl_kinds(const sh_kinds **out)
{
	if (!g_kinds) {
		const char *path = getenv("SOHOA_KINDS");
		int rc = sh_kinds_load(&g_kinds, path && *path ? path : sh_kinds_default_path());
		if (rc)
			return rc;
	}
	*out = g_kinds;
	return SH_OK;
}

void pl_free(pl_run *r)
{
	for (size_t i = 0; i < r->npages; i++) {
		sh_free(r->pages[i].bytes);
		sh_ocr_page_clear(&r->pages[i].ocr);
	}
	for (size_t i = 0; i < r->ncomps; i++) {
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
	memset(r, 0, sizeof *r);
}

int pl_from_files(pl_run *r, char **paths, size_t n, int *skipped)
{
	memset(r, 0, sizeof *r);
	r->files = sh_calloc(n, sizeof *r->files);
	r->comps = sh_calloc(n, sizeof *r->comps);
	if (!r->files || !r->comps)
		return SH_ENOMEM;
	r->nfiles = n;
	r->ncomps = n;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		int rc = sh_scan_file_open(&r->files[i], paths[i]);
		if (rc && !skipped)
			return rc;
		if (rc) { /* report and go on with the other files */
			cli_print_error(NULL, sh_error_message());
			(*skipped)++;
			continue;
		}
		total += sh_scan_file_pages(r->files[i]);
	}
	r->pages = sh_calloc(total ? total : 1, sizeof *r->pages);
	if (!r->pages)
		return SH_ENOMEM;
	r->ncomps = 0;
	for (size_t i = 0; i < n; i++) {
		if (!r->files[i])
			continue;
		pl_component *c = &r->comps[r->ncomps++];
		c->path = paths[i];
		const char *base = strrchr(paths[i], '/');
		c->file = base ? base + 1 : paths[i];
		c->first = r->npages;
		c->npages = sh_scan_file_pages(r->files[i]);
		for (size_t p = 0; p < c->npages; p++) {
			r->pages[r->npages].file = r->files[i];
			r->pages[r->npages].index = p;
			r->npages++;
		}
	}
	return SH_OK;
}

int pl_from_batch(pl_run *r, sh_scan_batch *b)
{
	memset(r, 0, sizeof *r);
	size_t nc = sh_scan_batch_components(b), total = sh_scan_batch_count(b);
	if (total == 0)
		return sh_error_set(SH_EINVAL, "batch %s has no pages", sh_scan_batch_id(b));
	r->comps = sh_calloc(nc, sizeof *r->comps);
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
		pl_component *c = &r->comps[r->ncomps++];
		c->file = sh_scan_batch_id(b);
		c->kind_hint = code && *code ? code : NULL;
		c->first = r->npages;
		c->npages = n;
		for (size_t i = 0; i < n; i++) {
			r->pages[r->npages].batch = b;
			r->pages[r->npages].batch_id = ids[i];
			r->npages++;
		}
	}
	return SH_OK;
}

/* Decode a page and produce its archival bytes, on an OCR worker thread. */
static int load_page(void *arg, size_t i, PIX **out)
{
	pl_run *r = arg;
	pl_page *p = &r->pages[i];
	int rc;
	if (p->file) {
		rc = sh_scan_file_page(p->file, p->index, out);
		if (!rc)
			rc = sh_scan_file_page_bytes(p->file, p->index, *out, &p->bytes, &p->len,
						     &p->mime);
	} else {
		sh_scan_page info;
		size_t pos;
		rc = sh_scan_batch_find(p->batch, p->batch_id, &pos);
		if (!rc)
			rc = sh_scan_batch_page(p->batch, pos, &info);
		if (!rc) {
			snprintf(p->make, sizeof p->make, "%s", info.make ? info.make : "");
			snprintf(p->model, sizeof p->model, "%s", info.model ? info.model : "");
			rc = sh_scan_batch_page_pix(p->batch, p->batch_id, out);
		}
		if (!rc && info.rotation == 0) {
			/* the captured file as it is (its hash is in the manifest) */
			char *path = NULL;
			rc = sh_scan_batch_page_path(p->batch, p->batch_id, &path);
			if (!rc)
				rc = sh_file_read(&p->bytes, &p->len, path, SH_FILE_MAX);
			sh_free(path);
			p->mime = info.mime && !strcmp(info.mime, "image/tiff") ? "image/tiff"
										: "image/png";
		} else if (!rc) {
			/* turned at review: keep the page as it reads */
			l_uint8 *d = NULL;
			size_t n = 0;
			int d1 = pixGetDepth(*out) == 1;
			if ((d1 ? pixWriteMemTiff(&d, &n, *out, IFF_TIFF_G4)
				: pixWriteMemPng(&d, &n, *out, 0.0f)) || !d) {
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
		}
	}
	if (rc && *out)
		pixDestroy(out);
	return rc;
}

int pl_read(pl_run *r, int workers, int no_clean)
{
	const sh_kinds *kinds;
	int rc = pl_kinds(&kinds);
	if (rc)
		return rc;
	sh_ocr_pool *pool = NULL;
	sh_ocr_options o = {.workers = workers, .want_hocr = 1, .no_clean = no_clean};
	sh_ocr_page *res = sh_calloc(r->npages ? r->npages : 1, sizeof *res);
	if (!res)
		return SH_ENOMEM;
	if ((rc = sh_ocr_pool_new(&pool, &o)))
		goto out;
	rc = sh_ocr_pool_run(pool, r->npages, load_page, r, res);
	for (size_t i = 0; i < r->npages; i++)
		r->pages[i].ocr = res[i]; /* ownership of the strings moves */
	if (rc)
		goto out;
	for (size_t k = 0; k < r->ncomps; k++) {
		pl_component *c = &r->comps[k];
		sh_buf b = SH_BUF_INIT;
		for (size_t i = 0; i < c->npages; i++) {
			if (i && (rc = sh_buf_puts(&b, "\f")))
				break;
			if ((rc = sh_buf_puts(&b, r->pages[c->first + i].ocr.text)))
				break;
		}
		if (rc) {
			sh_buf_free(&b);
			goto out;
		}
		c->text = sh_buf_detach(&b);
		if (!c->text) {
			rc = SH_ENOMEM;
			goto out;
		}
		if ((rc = sh_paper_extract(&c->facts, kinds, c->text)))
			goto out;
		if (!(c->facts_json = sh_paper_facts_json(c->facts))) {
			rc = SH_ENOMEM;
			goto out;
		}
	}
out:
	sh_free(res);
	sh_ocr_pool_free(&pool);
	return rc;
}

int pl_papers(pl_run *r, const char *owner)
{
	r->papers = sh_calloc(r->ncomps ? r->ncomps : 1, sizeof *r->papers);
	r->pins = sh_calloc(r->npages ? r->npages : 1, sizeof *r->pins);
	if (!r->papers || !r->pins)
		return SH_ENOMEM;
	char norm[16] = "";
	if (owner)
		sh_id_owner_check(NULL, norm, owner);
	for (size_t k = 0; k < r->ncomps; k++) {
		pl_component *c = &r->comps[k];
		sh_wh_paper_in *p = &r->papers[k];
		p->file = c->file;
		p->kind = c->kind_hint ? c->kind_hint : c->facts ? sh_paper_kind_code(c->facts) : NULL;
		p->facts = c->facts_json;
		c->nfacts = 0;
		for (int f = 0; c->facts && f < SH_FACT_COUNT; f++) {
			const char *v = sh_paper_fact(c->facts, (enum sh_paper_fact)f);
			if (v) {
				c->fact_list[c->nfacts].name = sh_paper_fact_name((enum sh_paper_fact)f);
				c->fact_list[c->nfacts].value = v;
				c->nfacts++;
			}
		}
		p->fact_list = c->fact_list;
		p->nfacts = c->nfacts;
		/* its kind's name and its facts, so "giay khai sinh" finds a birth
		 * certificate whose heading OCR misread */
		const sh_kinds *kinds = NULL;
		sh_buf st = SH_BUF_INIT;
		if (p->kind && !pl_kinds(&kinds))
			for (size_t k2 = 0; k2 < sh_kinds_count(kinds); k2++)
				if (!strcmp(sh_kinds_code(kinds, k2), p->kind))
					sh_buf_puts(&st, sh_kinds_name(kinds, k2));
		for (size_t f = 0; f < c->nfacts; f++) {
			sh_buf_puts(&st, " ");
			sh_buf_puts(&st, c->fact_list[f].value);
		}
		if (st.len)
			c->search_text = sh_buf_detach(&st);
		sh_buf_free(&st);
		p->search_text = c->search_text;
		p->pages = &r->pins[c->first];
		p->npages = c->npages;
		const char *named = c->facts ? sh_paper_owner_id(c->facts) : NULL;
		if (named && norm[0] && strcmp(named, norm))
			p->flags |= SH_WH_PAPER_OWNER_MISMATCH;
		p->named_owner = named;
		for (size_t i = 0; i < c->npages; i++) {
			pl_page *pg = &r->pages[c->first + i];
			sh_wh_page_in *pi = &r->pins[c->first + i];
			pi->image = pg->bytes;
			pi->image_len = pg->len;
			pi->mime = pg->mime;
			pi->text = pg->ocr.text;
			pi->hocr = pg->ocr.hocr;
			pi->width = pg->ocr.width;
			pi->height = pg->ocr.height;
			pi->dpi = pg->ocr.clean.dpi;
			pi->rotation = pg->ocr.clean.rotation;
			pi->confidence = pg->ocr.confidence;
			pi->flags = pg->ocr.flags;
			pi->note = pg->ocr.reason[0] ? pg->ocr.reason : NULL;
			pi->make = pg->make[0] ? pg->make : NULL;
			pi->model = pg->model[0] ? pg->model : NULL;
			if (pg->ocr.flags & (SH_PAGE_BLANK | SH_PAGE_RESCAN))
				p->flags |= SH_WH_PAPER_REVIEW;
		}
	}
	return SH_OK;
}
