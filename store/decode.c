/* Decoding stored records into the public structs. Hostile-input safe:
 * this is also the fuzz target's entry point. */
#include "store_int.h"

#include <string.h>

void sh_store_dossier_rec_free(sh_store_dossier_rec **pr)
{
	sh_store_dossier_rec *r = pr ? *pr : NULL;
	if (!r)
		return;
	sh_free(r->code);
	sh_free(r->agency);
	sh_free(r->owner);
	sh_free(r->procedure);
	sh_free(r->operator_id);
	for (size_t i = 0; i < r->npapers; i++)
		sh_free(r->papers[i]);
	sh_free(r->papers);
	for (size_t i = 0; i < r->nresults; i++)
		sh_free(r->results[i]);
	sh_free(r->results);
	sh_free(r);
	*pr = NULL;
}

void sh_store_paper_rec_free(sh_store_paper_rec **pr)
{
	sh_store_paper_rec *r = pr ? *pr : NULL;
	if (!r)
		return;
	sh_free(r->code);
	sh_free(r->dossier);
	sh_free(r->owner);
	sh_free(r->file);
	sh_free(r->kind);
	sh_free(r->facts);
	for (size_t i = 0; i < r->npages; i++) {
		sh_free(r->pages[i].mime);
		sh_free(r->pages[i].text);
		sh_free(r->pages[i].note);
		sh_free(r->pages[i].make);
		sh_free(r->pages[i].model);
		sh_free(r->pages[i].original_mime);
	}
	sh_free(r->pages);
	sh_free(r);
	*pr = NULL;
}

static int set_str(char **dst, const uint8_t *v, size_t n)
{
	if (*dst)
		return sh_error_set(SH_ECORRUPT, "stored record repeats a single field");
	*dst = rec_dup_str(v, n);
	return *dst ? SH_OK : sh_error_last();
}

static int set_int(int *dst, const uint8_t *v, size_t n)
{
	uint64_t u;
	int rc = rec_get_u64(v, n, &u);
	if (rc)
		return rc;
	if (u > 0x7fffffff)
		return sh_error_set(SH_ECORRUPT, "stored number out of range");
	*dst = (int)u;
	return SH_OK;
}

static int get_i64(int64_t *dst, const uint8_t *v, size_t n)
{
	uint64_t u;
	int rc = rec_get_u64(v, n, &u);
	if (rc)
		return rc;
	*dst = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return SH_OK;
}

static int push_str(char ***list, size_t *n, size_t *cap, const uint8_t *v, size_t len)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		char **nl = sh_realloc(*list, nc * sizeof *nl);
		if (!nl)
			return SH_ENOMEM;
		*list = nl;
		*cap = nc;
	}
	if (!((*list)[*n] = rec_dup_str(v, len)))
		return sh_error_last() ? sh_error_last() : SH_ENOMEM;
	(*n)++;
	return SH_OK;
}

int store_decode_dossier(const void *data, size_t len, sh_store_dossier_rec **out)
{
	*out = NULL;
	rec_r r;
	int rc = rec_open(&r, data, len, REC_DOSSIER);
	if (rc)
		return rc;
	sh_store_dossier_rec *d = sh_calloc(1, sizeof *d);
	if (!d)
		return SH_ENOMEM;
	size_t cap = 0, rcap = 0;
	unsigned tag;
	const uint8_t *v;
	size_t n;
	while ((rc = rec_next(&r, &tag, &v, &n)) == 1) {
		rc = SH_OK;
		switch (tag) {
		case D_CODE: rc = set_str(&d->code, v, n); break;
		case D_AGENCY: rc = set_str(&d->agency, v, n); break;
		case D_OWNER: rc = set_str(&d->owner, v, n); break;
		case D_PROCEDURE: rc = set_str(&d->procedure, v, n); break;
		case D_OPERATOR: rc = set_str(&d->operator_id, v, n); break;
		case D_RECEIVED: rc = get_i64(&d->received, v, n); break;
		case D_RESULT:
			rc = push_str(&d->results, &d->nresults, &rcap, v, n);
			break;
		case D_PAPER:
			if (d->npapers == cap) {
				size_t nc = cap ? cap * 2 : 8;
				char **np = sh_realloc(d->papers, nc * sizeof *np);
				if (!np) {
					rc = SH_ENOMEM;
					break;
				}
				d->papers = np;
				cap = nc;
			}
			d->papers[d->npapers] = rec_dup_str(v, n);
			if (!d->papers[d->npapers])
				rc = sh_error_last() ? sh_error_last() : SH_ENOMEM;
			else
				d->npapers++;
			break;
		default: break; /* a later version's field */
		}
		if (rc)
			break;
	}
	if (!rc && (!d->code || !d->owner || !d->procedure || !d->agency))
		rc = sh_error_set(SH_ECORRUPT, "stored dossier lacks a required field");
	if (rc) {
		sh_store_dossier_rec_free(&d);
		return rc;
	}
	*out = d;
	return SH_OK;
}

static int decode_page(sh_store_page_rec *pg, const uint8_t *data, size_t len)
{
	rec_r r;
	int rc = rec_open(&r, data, len, REC_PAGE);
	if (rc)
		return rc;
	unsigned tag;
	const uint8_t *v;
	size_t n;
	int have_image = 0, conf = 0;
	uint64_t u;
	while ((rc = rec_next(&r, &tag, &v, &n)) == 1) {
		rc = SH_OK;
		switch (tag) {
		case G_IMAGE:
			if (n != SH_SHA256_LEN)
				return sh_error_set(SH_ECORRUPT, "stored page hash has a wrong length");
			memcpy(pg->image_sha, v, n);
			have_image = 1;
			break;
		case G_HOCR:
			if (n != SH_SHA256_LEN)
				return sh_error_set(SH_ECORRUPT, "stored hOCR hash has a wrong length");
			memcpy(pg->hocr_sha, v, n);
			pg->has_hocr = 1;
			break;
		case G_ORIGINAL:
			if (n != SH_SHA256_LEN || pg->has_original)
				return sh_error_set(SH_ECORRUPT, "stored page original hash is damaged");
			memcpy(pg->original_sha, v, n);
			pg->has_original = 1;
			break;
		case G_ORIGINAL_MIME: rc = set_str(&pg->original_mime, v, n); break;
		case G_ORIGINAL_LEN:
			rc = rec_get_u64(v, n, &u);
			pg->original_len = (size_t)u;
			break;
		case G_MIME: rc = set_str(&pg->mime, v, n); break;
		case G_TEXT: rc = set_str(&pg->text, v, n); break;
		case G_NOTE: rc = set_str(&pg->note, v, n); break;
		case G_MAKE: rc = set_str(&pg->make, v, n); break;
		case G_MODEL: rc = set_str(&pg->model, v, n); break;
		case G_IMAGE_LEN:
			rc = rec_get_u64(v, n, &u);
			pg->image_len = (size_t)u;
			break;
		case G_WIDTH: rc = set_int(&pg->width, v, n); break;
		case G_HEIGHT: rc = set_int(&pg->height, v, n); break;
		case G_DPI: rc = set_int(&pg->dpi, v, n); break;
		case G_ROTATION: rc = set_int(&pg->rotation, v, n); break;
		case G_CONF:
			rc = set_int(&conf, v, n);
			pg->confidence = (float)conf / 100.0f;
			break;
		case G_FLAGS:
			rc = rec_get_u64(v, n, &u);
			pg->flags = (unsigned)u;
			break;
		default: break;
		}
		if (rc)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (!have_image || !pg->mime)
		return sh_error_set(SH_ECORRUPT, "stored page lacks its image hash");
	if (pg->has_original != (pg->original_mime != NULL))
		return sh_error_set(SH_ECORRUPT, "stored page original lacks its hash or type");
	if (!pg->text && !(pg->text = sh_strdup("")))
		return SH_ENOMEM;
	return SH_OK;
}

int store_decode_paper(const void *data, size_t len, sh_store_paper_rec **out)
{
	*out = NULL;
	rec_r r;
	int rc = rec_open(&r, data, len, REC_PAPER);
	if (rc)
		return rc;
	sh_store_paper_rec *p = sh_calloc(1, sizeof *p);
	if (!p)
		return SH_ENOMEM;
	size_t cap = 0;
	unsigned tag;
	const uint8_t *v;
	size_t n;
	uint64_t u;
	while ((rc = rec_next(&r, &tag, &v, &n)) == 1) {
		rc = SH_OK;
		switch (tag) {
		case P_CODE: rc = set_str(&p->code, v, n); break;
		case P_DOSSIER: rc = set_str(&p->dossier, v, n); break;
		case P_OWNER: rc = set_str(&p->owner, v, n); break;
		case P_FILE: rc = set_str(&p->file, v, n); break;
		case P_KIND: rc = set_str(&p->kind, v, n); break;
		case P_FACTS: rc = set_str(&p->facts, v, n); break;
		case P_FLAGS:
			rc = rec_get_u64(v, n, &u);
			p->flags = (unsigned)u;
			break;
		case P_CREATED: rc = get_i64(&p->created, v, n); break;
		case P_ID: {
			uint64_t id = 0;
			rc = rec_get_u64(v, n, &id);
			if (!rc && id > STORE_PID_MAX)
				rc = sh_error_set(SH_ECORRUPT, "paper id out of range");
			p->id = (uint32_t)id;
			break;
		}
		case P_PAGE:
			if (p->npages == cap) {
				size_t nc = cap ? cap * 2 : 4;
				sh_store_page_rec *np = sh_realloc(p->pages, nc * sizeof *np);
				if (!np) {
					rc = SH_ENOMEM;
					break;
				}
				p->pages = np;
				cap = nc;
			}
			memset(&p->pages[p->npages], 0, sizeof p->pages[0]);
			p->npages++; /* counted first so a half-decoded page is freed */
			rc = decode_page(&p->pages[p->npages - 1], v, n);
			break;
		default: break;
		}
		if (rc)
			break;
	}
	if (!rc && (!p->code || !p->dossier || !p->owner || !p->kind))
		rc = sh_error_set(SH_ECORRUPT, "stored paper lacks a required field");
	if (rc) {
		sh_store_paper_rec_free(&p);
		return rc;
	}
	*out = p;
	return SH_OK;
}
