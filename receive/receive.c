/* Receiving: the pipeline's result into the warehouse (the only calls into
 * store/ of the module), batches and where they live. */
#include "recv_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int sh_recv_read(sh_recv_result **out, const sh_recv_source *src, const sh_recv_options *opts)
{
	*out = NULL;
	rv_run *r = rv_new();
	if (!r)
		return SH_ENOMEM;
	int rc = rv_from_source(r, src, opts, 0);
	if (!rc)
		rc = rv_read(r, opts, 0);
	if (!rc)
		rc = rv_publish(r);
	if (rc) {
		sh_recv_result *res = &r->res;
		sh_recv_result_free(&res);
		return rc;
	}
	*out = &r->res;
	return SH_OK;
}

/* The dossier's identity and key, checked before any page is read: a typo
 * costs no OCR time. */
static int dossier_in(sh_wh_dossier_in *din, char *key, size_t keylen, sh_store *s,
		      const sh_recv_source *src, const sh_recv_options *o)
{
	memset(din, 0, sizeof *din);
	din->operator_id = o->operator_id;
	din->key = o->key;
	din->idem_key = o->idem_key;
	din->archive = o->archive;
	if (o->nextra_facts > SH_RECV_EXTRA_FACTS)
		return sh_error_set(SH_ELIMIT, "at most %d extra facts", SH_RECV_EXTRA_FACTS);
	for (size_t i = 0; i < o->nextra_facts; i++) {
		const char *n = o->extra_facts[i].name, *v = o->extra_facts[i].value;
		size_t nl = n ? strlen(n) : 0;
		if (!nl || nl > 32 || strspn(n, "abcdefghijklmnopqrstuvwxyz_") != nl || !v ||
		    !sh_text_valid(v, strlen(v)))
			return sh_error_set(SH_EINVAL, "extra fact %zu: a name [a-z_]{1,32} and a "
						       "UTF-8 value", i + 1);
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return sh_error_set(SH_EINVAL, "extra fact %s: control byte in its value", n);
	}
	if (src->batch) {
		sh_scan_batch *b = src->batch;
		if (sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED)
			return sh_error_set(SH_EEXISTS, "batch %s is already dossier %s",
					    sh_scan_batch_id(b), sh_scan_batch_dossier(b));
		if (sh_scan_batch_state(b) != SH_SCAN_STATE_COMPLETE)
			return sh_error_set(SH_EINVAL,
					    "batch %s is %s: resume it (`sohoa scan --resume %s`) "
					    "or accept it as it is (`sohoa batch finish %s`) first",
					    sh_scan_batch_id(b), sh_scan_state_name(sh_scan_batch_state(b)),
					    sh_scan_batch_id(b), sh_scan_batch_id(b));
		din->owner = sh_scan_batch_owner(b);
		din->procedure = sh_scan_batch_procedure(b);
		snprintf(key, keylen, "batch:%s:%s", sh_store_dir(s), sh_scan_batch_id(b));
		din->idem_key = key;
	} else if (src->watched) {
		din->owner = src->watched->owner;
		din->procedure = src->watched->procedure;
		snprintf(key, keylen, "file:%s", src->watched->key);
		din->idem_key = key;
	} else {
		din->owner = o->owner;
		din->procedure = o->procedure;
	}
	if (o->result_of)
		return SH_OK; /* the dossier's own owner, looked up */
	if (!din->owner || !din->procedure)
		return sh_error_set(SH_EINVAL, "a dossier needs its owner and procedure");
	int rc = sh_id_owner_check(NULL, NULL, din->owner);
	return rc ? rc : sh_id_procedure_check(din->procedure);
}

/* Store the read run: a new dossier, or result papers of an existing one. */
static int put(rv_run *r, sh_store *s, sh_wh_dossier_in *din, const sh_recv_options *o)
{
	int rc;
	if (o->result_of) {
		if (!(r->codes = sh_calloc(r->ncomps ? r->ncomps : 1, sizeof *r->codes)))
			return SH_ENOMEM;
		rc = sh_wh_result_put(s, o->result_of, r->papers, r->ncomps, o->key, r->codes);
		if (!rc)
			snprintf(r->res.dossier, sizeof r->res.dossier, "%s", o->result_of);
		return rc;
	}
	din->npapers = r->ncomps;
	din->papers = r->papers;
	sh_wh_dossier_codes *codes = NULL;
	if ((rc = sh_wh_dossier_put(s, din, &codes)))
		return rc;
	snprintf(r->res.dossier, sizeof r->res.dossier, "%s", codes->dossier);
	r->res.existing = codes->existing;
	r->codes = sh_calloc(r->ncomps ? r->ncomps : 1, sizeof *r->codes);
	if (r->codes)
		for (size_t i = 0; i < r->ncomps && i < codes->npapers; i++)
			memcpy(r->codes[i], codes->papers[i], SH_STORE_CODE_MAX);
	sh_wh_dossier_codes_free(&codes);
	return r->codes ? SH_OK : sh_error_set(SH_ENOMEM, "dossier %s is stored, but its codes "
							   "could not be listed", r->res.dossier);
}

int sh_recv_store(sh_recv_result **out, sh_store *s, const sh_recv_source *src,
		  const sh_recv_options *opts)
{
	*out = NULL;
	char key[600];
	sh_wh_dossier_in din;
	sh_store_dossier_rec *d = NULL;
	rv_run *r = rv_new();
	if (!r)
		return SH_ENOMEM;
	int rc = dossier_in(&din, key, sizeof key, s, src, opts);
	if (!rc && opts->result_of)
		rc = sh_store_dossier_get(s, opts->result_of, &d);
	if (!rc)
		rc = rv_from_source(r, src, opts, 1);
	if (!rc)
		rc = rv_read(r, opts, 1);
	if (!rc)
		rc = rv_papers(r, d ? d->owner : din.owner);
	if (!rc)
		rc = put(r, s, &din, opts);
	if (!rc && src->batch && sh_scan_batch_commit(src->batch, r->res.dossier))
		/* the dossier is safe; a retry returns the same code */
		snprintf(r->warning, sizeof r->warning,
			 "dossier %s is stored, but the batch could not be marked committed: %s",
			 r->res.dossier, sh_error_message());
	if (!rc)
		rc = rv_publish(r);
	sh_store_dossier_rec_free(&d);
	if (rc) {
		sh_recv_result *res = &r->res;
		sh_recv_result_free(&res);
		return rc;
	}
	*out = &r->res;
	return SH_OK;
}

int sh_recv_annotate(sh_scan_batch *b, const sh_recv_options *opts)
{
	sh_recv_source src = {.batch = b};
	sh_recv_result *res = NULL;
	int rc = sh_recv_read(&res, &src, opts);
	for (size_t i = 0; !rc && i < res->npages; i++) {
		/* a scan cut in two (SH_PAGE_SPLIT) is one batch page: the
		 * flags of its pieces together, the last piece's note */
		unsigned flags = res->pages[i].flags;
		while (i + 1 < res->npages && res->pages[i + 1].batch_id == res->pages[i].batch_id)
			flags |= res->pages[++i].flags;
		rc = sh_scan_batch_annotate(b, res->pages[i].batch_id, flags,
					    res->pages[i].note[0] ? res->pages[i].note : NULL, -1);
	}
	sh_recv_result_free(&res);
	return rc;
}

/* ---- batches ------------------------------------------------------------ */

int sh_recv_batches_dir(char **out, const char *store_dir)
{
	*out = sh_asprintf("%s/batches", store_dir);
	return *out ? SH_OK : SH_ENOMEM;
}

int sh_recv_batch_new(sh_scan_batch **out, const char *store_dir, const char *owner,
		      const char *procedure)
{
	*out = NULL;
	char *bdir = NULL, *dir = NULL, day[16];
	int rc = sh_recv_batches_dir(&bdir, store_dir);
	if (rc)
		return rc;
	if (mkdir(bdir, 0770) < 0 && errno != EEXIST) {
		rc = sh_error_set(SH_EIO, "%s: cannot create the batches folder: %s", bdir,
				  strerror(errno));
		sh_free(bdir);
		return rc;
	}
	/* B<YYMMDD>-<n>: the first free number; mkdir decides races */
	time_t now = (time_t)sh_now();
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(day, sizeof day, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
	for (int n = 1; n < 100000 && !*out; n++) {
		sh_free(dir);
		if (!(dir = sh_asprintf("%s/B%s-%d", bdir, day, n))) {
			rc = SH_ENOMEM;
			break;
		}
		struct stat st;
		if (stat(dir, &st) == 0)
			continue;
		rc = sh_scan_batch_create(out, dir, owner, procedure);
		if (rc != SH_EEXISTS)
			break;
	}
	if (!rc && !*out)
		rc = sh_error_set(SH_EFULL, "no free batch name left for today in %s", bdir);
	sh_free(dir);
	sh_free(bdir);
	return rc;
}

int sh_recv_batch_open(sh_scan_batch **out, const char *store_dir, const char *name)
{
	*out = NULL;
	char *dir = strchr(name, '/') ? sh_strdup(name) : sh_asprintf("%s/batches/%s", store_dir, name);
	if (!dir)
		return SH_ENOMEM;
	int rc = sh_scan_batch_open(out, dir);
	sh_free(dir);
	return rc;
}

/* ---- stored pages back to paper ----------------------------------------- */

static int master_page(sh_scan_master *m, sh_store *s, const sh_store_page_rec *pg, const char *code)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	/* the stored rotation is applied, so the master is upright (issue 19) */
	int rc = sh_scan_master_set_turn(m, pg->rotation);
	if (!rc)
		rc = sh_store_blob_get(s, pg->image_sha, &bytes, &len);
	if (rc)
		return rc;
	if (!strcmp(pg->mime, "image/jpeg")) {
		rc = sh_scan_master_add_bytes(m, bytes, len, pg->dpi);
	} else {
		sh_scan_file *f = NULL;
		PIX *pix = NULL;
		rc = sh_scan_file_open_mem(&f, bytes, len, code);
		if (!rc)
			rc = sh_scan_file_page(f, 0, &pix);
		if (!rc)
			rc = sh_scan_master_add_pix(m, pix, pg->dpi);
		pixDestroy(&pix);
		sh_scan_file_free(&f);
	}
	sh_free(bytes);
	return rc;
}

int sh_recv_export_tiff(sh_store *s, const sh_store_paper_rec *p, const char *path)
{
	sh_scan_master *m = NULL;
	sh_scan_master_info info = {.code = p->code, .time = p->created,
				    .make = p->npages ? p->pages[0].make : NULL,
				    .model = p->npages ? p->pages[0].model : NULL};
	/* what is written is what was signed (issue 16) */
	int rc = sh_ledger_check_paper(s, p->code);
	if (rc)
		return rc;
	rc = sh_scan_master_new(&m, &info);
	for (size_t i = 0; i < p->npages && !rc; i++)
		rc = master_page(m, s, &p->pages[i], p->code);
	if (!rc)
		rc = sh_scan_master_write(m, path);
	sh_scan_master_free(&m);
	return rc;
}
