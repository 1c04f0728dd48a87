/* Staged batches: page edits (add, delete, rotate, move, reorder, annotate),
 * components (split, codes), finishing and committing, and the capture
 * bookkeeping. Each edit is saved at once (batch.c). */
#include "batch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int writable(const sh_scan_batch *b)
{
	if (b->broken)
		return sh_error_set(SH_EIO, "batch %s: an earlier write failed; close and reopen it",
				    b->id);
	if (b->state == SH_SCAN_STATE_COMMITTED)
		return sh_error_set(SH_EPERM,
				    "batch %s is already committed as dossier %s; it cannot change",
				    b->id, b->dossier ? b->dossier : "?");
	return SH_OK;
}

static int reviewable(const sh_scan_batch *b)
{
	int rc = writable(b);
	if (rc)
		return rc;
	if (b->state == SH_SCAN_STATE_SCANNING)
		return sh_error_set(SH_EBUSY, "batch %s is still being scanned; wait for the scan to end",
				    b->id);
	return SH_OK;
}

int sh_scan__add(sh_scan_batch *b, unsigned *out_id, PIX *pix, sh_scan_source source, int back,
		 unsigned sheet, int dpi, sh_scan_mode mode, const char *make, const char *model)
{
	int rc = writable(b);
	if (rc)
		return rc;
	if (!pix)
		return sh_error_set(SH_EINVAL, "batch %s: no page image given", b->id);
	sh_scan__quiet();
	PIX *p = NULL;
	l_uint8 *enc = NULL;
	size_t enc_len = 0;
	char *name = NULL, *path = NULL;
	int d = pixGetDepth(pix);
	if (pixGetColormap(pix))
		p = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
	else if (d == 1 || d == 8 || d == 32)
		p = pixClone(pix);
	else if (d == 16)
		p = pixConvert16To8(pix, L_MS_BYTE);
	else
		p = pixConvertTo8(pix, 0);
	if (!p)
		return sh_error_set(SH_ENOMEM, "batch %s: cannot convert the page", b->id);
	d = pixGetDepth(p);
	if (dpi <= 0)
		dpi = pixGetXRes(p) > 0 ? pixGetXRes(p) : SH_SCAN_DEFAULT_DPI;
	pixSetResolution(p, dpi, dpi);
	if (d == 32)
		pixSetSpp(p, 3);
	int tiff = d == 1;
	if (pixWriteMem(&enc, &enc_len, p, tiff ? IFF_TIFF_G4 : IFF_PNG) || !enc) {
		rc = sh_error_set(SH_ENOMEM, "batch %s: cannot encode the page", b->id);
		goto out;
	}
	unsigned id = b->next_id;
	name = sh_asprintf("p%04u.%s", id, tiff ? "tif" : "png");
	path = name ? sh_asprintf("%s/%s", b->dir, name) : NULL;
	if (!path) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct page *np = sh_realloc(b->pages, cap * sizeof *np);
		if (!np) {
			rc = SH_ENOMEM;
			goto out;
		}
		b->pages = np;
		b->cap = cap;
	}
	if ((rc = sh_file_write(path, enc, enc_len)))
		goto out;
	struct page *pg = &b->pages[b->n];
	memset(pg, 0, sizeof *pg);
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, enc, enc_len);
	sh_hex(pg->sha256, h, SH_SHA256_LEN);
	pg->id = id;
	pg->bytes = enc_len;
	pg->source = source;
	pg->back = back != 0;
	pg->sheet = sheet;
	pg->dpi = dpi;
	pg->width = pixGetWidth(p);
	pg->height = pixGetHeight(p);
	pg->depth = d == 32 ? 24 : d;
	pg->mode = mode;
	pg->time = sh_now();
	if (sh_scan__dup_or_null(&pg->mime, tiff ? "image/tiff" : "image/png") ||
	    sh_scan__dup_or_null(&pg->make, make) || sh_scan__dup_or_null(&pg->model, model)) {
		sh_scan__page_clear(pg);
		unlink(path);
		rc = SH_ENOMEM;
		goto out;
	}
	pg->file = name;
	name = NULL;
	b->n++;
	b->next_id++;
	if ((rc = sh_scan__commit_change(b))) {
		unlink(path);
		goto out;
	}
	if (out_id)
		*out_id = id;
out:
	if (enc)
		lept_free(enc);
	pixDestroy(&p);
	sh_free(name);
	sh_free(path);
	return rc;
}

int sh_scan_batch_add_pix(sh_scan_batch *b, unsigned *out_id, PIX *pix, sh_scan_source source,
			  int back, int dpi, const char *make, const char *model)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (!pix)
		return sh_error_set(SH_EINVAL, "batch %s: no page image given", b->id);
	int d = pixGetDepth(pix);
	sh_scan_mode mode = d == 1 ? SH_SCAN_LINEART : d == 32 || pixGetColormap(pix) ? SH_SCAN_COLOR
										   : SH_SCAN_GRAY;
	return sh_scan__add(b, out_id, pix, source, back, sh_scan__sheets(b) + 1, dpi, mode, make,
			    model);
}

/* ---- review ------------------------------------------------------------- */

int sh_scan_batch_delete(sh_scan_batch *b, unsigned id)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	char *path = sh_asprintf("%s/%s", b->dir, b->pages[pos].file);
	if (!path)
		return SH_ENOMEM;
	struct page gone = b->pages[pos];
	memmove(&b->pages[pos], &b->pages[pos + 1], (b->n - pos - 1) * sizeof *b->pages);
	b->n--;
	/* The next page inherits the component start (and code). */
	if (gone.starts && pos < b->n && !b->pages[pos].starts) {
		b->pages[pos].starts = 1;
		b->pages[pos].code = gone.code;
		gone.code = NULL;
	}
	rc = sh_scan__commit_change(b);
	if (rc == SH_OK)
		unlink(path);
	sh_scan__page_clear(&gone);
	sh_free(path);
	return rc;
}

int sh_scan_batch_rotate(sh_scan_batch *b, unsigned id, int degrees)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	if (degrees % 90)
		return sh_error_set(SH_EINVAL, "rotate by %d degrees: use a multiple of 90", degrees);
	b->pages[pos].rotation = ((b->pages[pos].rotation + degrees % 360) % 360 + 360) % 360;
	return sh_scan__commit_change(b);
}

int sh_scan_batch_move(sh_scan_batch *b, unsigned id, size_t to)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	if (to >= b->n)
		return sh_error_set(SH_EINVAL, "move page %u to position %zu: the batch has %zu pages",
				    id, to + 1, b->n);
	if (to == pos)
		return SH_OK;
	struct page mv = b->pages[pos];
	memmove(&b->pages[pos], &b->pages[pos + 1], (b->n - pos - 1) * sizeof *b->pages);
	if (mv.starts && pos < b->n - 1 && !b->pages[pos].starts) {
		b->pages[pos].starts = 1;
		b->pages[pos].code = mv.code;
		mv.code = NULL;
	}
	memmove(&b->pages[to + 1], &b->pages[to], (b->n - 1 - to) * sizeof *b->pages);
	mv.starts = 0;
	if (to == 0) {
		/* It becomes the first page of the first component. */
		mv.starts = 1;
		sh_free(mv.code);
		mv.code = b->pages[1].code;
		b->pages[1].code = NULL;
		b->pages[1].starts = 0;
	} else {
		sh_free(mv.code);
		mv.code = NULL;
	}
	b->pages[to] = mv;
	return sh_scan__commit_change(b);
}

int sh_scan_batch_reorder(sh_scan_batch *b, const unsigned *ids, size_t n)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (n != b->n)
		return sh_error_set(SH_EINVAL, "reorder: %zu pages given, the batch has %zu", n, b->n);
	struct page *np = sh_calloc(n ? n : 1, sizeof *np);
	if (!np)
		return SH_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t pos = 0;
		if ((rc = sh_scan_batch_find(b, ids[i], &pos))) {
			sh_free(np);
			return rc;
		}
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i]) {
				sh_free(np);
				return sh_error_set(SH_EINVAL, "reorder: page %u given twice", ids[i]);
			}
		np[i] = b->pages[pos];
	}
	/* Component boundaries stay at the same positions. */
	for (size_t i = 0; i < n; i++) {
		np[i].starts = b->pages[i].starts;
		np[i].code = b->pages[i].code;
	}
	sh_free(b->pages);
	b->pages = np;
	b->cap = n ? n : 1;
	return sh_scan__commit_change(b);
}

int sh_scan_batch_annotate(sh_scan_batch *b, unsigned id, unsigned flags, const char *note,
			   int rotation)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	if (rotation != -1 && (rotation % 90 || rotation < 0 || rotation >= 360))
		return sh_error_set(SH_EINVAL, "rotation %d: use 0, 90, 180 or 270", rotation);
	char *n = NULL;
	if (note && !(n = sh_strdup(note)))
		return SH_ENOMEM;
	struct page *p = &b->pages[pos];
	sh_free(p->note);
	p->note = n;
	p->flags = flags;
	if (rotation != -1)
		p->rotation = rotation;
	return sh_scan__commit_change(b);
}

size_t sh_scan_batch_components(const sh_scan_batch *b) { return b->ncomps; }

int sh_scan_batch_component(const sh_scan_batch *b, size_t k, const char **code,
			    const unsigned **ids, size_t *n)
{
	if (k >= b->ncomps)
		return sh_error_set(SH_ENOTFOUND, "batch %s has %zu components; no component %zu",
				    b->id, b->ncomps, k + 1);
	if (code)
		*code = b->comps[k].code;
	if (ids)
		*ids = b->comps[k].ids;
	if (n)
		*n = b->comps[k].n;
	return SH_OK;
}

int sh_scan_batch_split(sh_scan_batch *b, const size_t *starts, const char *const *codes,
			size_t n)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (n == 0 || starts[0] != 0)
		return sh_error_set(SH_EINVAL, "split: the first component must start at page 1");
	for (size_t i = 0; i < n; i++) {
		if (starts[i] >= b->n || (i && starts[i] <= starts[i - 1]))
			return sh_error_set(SH_EINVAL,
					    "split: component starts must increase and lie within "
					    "the %zu pages",
					    b->n);
		if (codes && codes[i] && !sh_scan__code_ok(codes[i]))
			return sh_error_set(SH_EINVAL, "split: component code \"%s\" is not valid",
					    codes[i]);
	}
	char **dup = sh_calloc(n, sizeof *dup);
	if (!dup)
		return SH_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (codes && codes[i] && *codes[i] && !(dup[i] = sh_strdup(codes[i]))) {
			for (size_t j = 0; j < i; j++)
				sh_free(dup[j]);
			sh_free(dup);
			return SH_ENOMEM;
		}
	for (size_t i = 0; i < b->n; i++) {
		b->pages[i].starts = 0;
		sh_free(b->pages[i].code);
		b->pages[i].code = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		b->pages[starts[i]].starts = 1;
		b->pages[starts[i]].code = dup[i];
	}
	sh_free(dup);
	return sh_scan__commit_change(b);
}

int sh_scan_batch_set_code(sh_scan_batch *b, size_t k, const char *code)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (k >= b->ncomps)
		return sh_error_set(SH_ENOTFOUND, "batch %s has no component %zu", b->id, k + 1);
	if (code && !sh_scan__code_ok(code))
		return sh_error_set(SH_EINVAL, "component code \"%s\" is not valid", code);
	size_t pos = 0;
	sh_scan_batch_find(b, b->comps[k].ids[0], &pos);
	char *c = NULL;
	if (code && *code && !(c = sh_strdup(code)))
		return SH_ENOMEM;
	sh_free(b->pages[pos].code);
	b->pages[pos].code = c;
	return sh_scan__commit_change(b);
}

int sh_scan_batch_finish(sh_scan_batch *b)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (b->state != SH_SCAN_STATE_INTERRUPTED)
		return sh_error_set(SH_EINVAL, "batch %s is %s, not interrupted", b->id,
				    sh_scan_state_name(b->state));
	b->state = SH_SCAN_STATE_COMPLETE;
	rc = sh_scan__commit_change(b);
	return rc;
}

int sh_scan_batch_commit(sh_scan_batch *b, const char *dossier_id)
{
	int rc = writable(b);
	if (rc)
		return rc;
	if (b->state != SH_SCAN_STATE_COMPLETE)
		return sh_error_set(SH_EINVAL,
				    "batch %s is %s: resume the scan (`sohoa scan --resume %s`) or "
				    "finish it before committing",
				    b->id, sh_scan_state_name(b->state), b->id);
	if (b->n == 0)
		return sh_error_set(SH_EINVAL, "batch %s has no pages to commit", b->id);
	if (!dossier_id || !*dossier_id)
		return sh_error_set(SH_EINVAL, "commit batch %s: no dossier id", b->id);
	char *d = sh_strdup(dossier_id);
	if (!d)
		return SH_ENOMEM;
	sh_free(b->dossier);
	b->dossier = d;
	b->state = SH_SCAN_STATE_COMMITTED;
	return sh_scan__commit_change(b);
}

/* ---- capture lifecycle -------------------------------------------------- */

int sh_scan__capture_begin(sh_scan_batch *b, const char *device, const char *make,
			   const char *model, const sh_scan_options *o, int dpi)
{
	int rc = writable(b);
	if (rc)
		return rc;
	char *dv = NULL, *mk = NULL, *md = NULL, **ex = NULL;
	/* the device and options a resume took from sh_scan_batch_settings are
	 * b's own strings, still in use by the caller: kept, not replaced */
	int same_dev = device && b->device && !strcmp(device, b->device),
	    same_ex = sh_scan__extra_same(b->extra, o->extra);
	if ((!same_dev && sh_scan__dup_or_null(&dv, device)) || sh_scan__dup_or_null(&mk, make) ||
	    sh_scan__dup_or_null(&md, model) || (!same_ex && sh_scan__extra_dup(&ex, o->extra))) {
		sh_free(dv);
		sh_free(mk);
		sh_free(md);
		return SH_ENOMEM;
	}
	if (same_dev) {
		dv = b->device;
		b->device = NULL;
	}
	if (!same_ex) {
		sh_scan__extra_free(&b->extra);
		b->extra = ex;
	}
	sh_free(b->device);
	sh_free(b->make);
	sh_free(b->model);
	b->device = dv;
	b->make = mk;
	b->model = md;
	b->source = o->source;
	b->duplex = o->duplex;
	b->dpi = dpi;
	b->mode = o->mode;
	b->state = SH_SCAN_STATE_SCANNING;
	return sh_scan__commit_change(b);
}

int sh_scan__capture_end(sh_scan_batch *b, int rc, const char *status)
{
	if (b->broken)
		return rc ? rc : writable(b);
	char *msg = rc ? sh_strdup(sh_error_message()) : NULL;
	sh_free(b->fault_status);
	sh_free(b->fault_message);
	b->fault_status = b->fault_message = NULL;
	if (rc) {
		b->state = SH_SCAN_STATE_INTERRUPTED;
		b->fault_status = sh_strdup(status ? status : sh_error_name(rc));
		b->fault_message = msg;
		b->fault_pages = (unsigned)b->n;
		b->fault_time = sh_now();
		msg = NULL;
	} else {
		b->state = SH_SCAN_STATE_COMPLETE;
	}
	char *keep = rc ? sh_strdup(sh_error_message()) : NULL;
	int src = sh_scan__comps_build(b);
	if (src == SH_OK)
		src = sh_scan__save(b);
	if (rc) {
		if (keep)
			sh_error_set(rc, "%s", keep);
		sh_free(keep);
		return rc;
	}
	return src;
}

void sh_scan_batch_settings(const sh_scan_batch *b, sh_scan_options *out)
{
	out->device = b->device;
	if (b->extra)
		out->extra = (const char *const *)b->extra;
	out->source = b->source;
	out->duplex = b->duplex;
	out->dpi = b->dpi;
	out->mode = b->mode;
}
