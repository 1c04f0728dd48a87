/* Ingesting a box (sh_arch.h): pages read, separators found, papers made
 * into multi-page TIFFs in memory and stored through receive/. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "sh_arch.h"
#include "sh_recv.h"
#include "sh_scan.h"
#include "sh_wh.h"

void sh_arch_box_free(sh_arch_box **pb)
{
	if (!pb || !*pb)
		return;
	sh_arch_box *b = *pb;
	for (size_t i = 0; i < b->npapers; i++)
		sh_free((void *)b->papers[i].facts_json);
	for (size_t i = 0; i < b->nresults; i++)
		sh_recv_result_free(&b->results[i]);
	sh_free(b->results);
	sh_free(b->papers);
	sh_free(b);
	*pb = NULL;
}

/* A page of the box: page `page` of file, or page id of a staged batch
 * (file NULL) in its component comp. */
typedef struct page_ref {
	const char *file;
	int page;
	unsigned id;
	size_t comp;
	sh_arch_sep sep;
} page_ref;

/* Where the box's pages come from: files, or a staged batch (reviewed). */
typedef struct box_src {
	const char *const *files;
	size_t nfiles;
	sh_scan_batch *batch;
} box_src;

static PIX *read_page(const char *path, int page)
{
	l_int32 format = 0;
	findFileFormat(path, &format);
	if (format == IFF_TIFF || format == IFF_TIFF_G4 || format == IFF_TIFF_G3 ||
	    format == IFF_TIFF_LZW || format == IFF_TIFF_ZIP || format == IFF_TIFF_PACKBITS ||
	    format == IFF_TIFF_RLE || format == IFF_TIFF_JPEG)
		return pixReadTiff(path, page);
	return page == 0 ? pixRead(path) : NULL;
}

/* The part's pages as one multi-page TIFF (lossless, resolution kept). */
static PIX *ref_pix(const box_src *src, const page_ref *r)
{
	if (r->file)
		return read_page(r->file, r->page);
	PIX *x = NULL;
	return sh_scan_batch_page_pix(src->batch, r->id, &x) ? NULL : x;
}

static int part_tiff(unsigned char **data, size_t *len, const box_src *src, const page_ref *pages,
		     const int *kinds, const sh_arch_part *p)
{
	PIXA *pa = pixaCreate((l_int32)p->npages);
	if (!pa)
		return SH_ENOMEM;
	int rc = SH_OK;
	for (size_t i = p->first; rc == SH_OK && i < p->first + p->npages; i++) {
		if (kinds[i] == SH_ARCH_PAGE_BLANK) /* a blank back inside the paper */
			continue;
		PIX *x = ref_pix(src, &pages[i]);
		if (!x && pages[i].file)
			rc = sh_error_set(SH_EINVAL, "%s: page %d cannot be read", pages[i].file,
					  pages[i].page + 1);
		else if (!x)
			rc = sh_error_set(SH_ECORRUPT, "batch %s: page %u cannot be read",
					  sh_scan_batch_id(src->batch), pages[i].id);
		else
			pixaAddPix(pa, x, L_INSERT);
	}
	if (rc == SH_OK && pixaWriteMemMultipageTiff(data, len, pa))
		rc = sh_error_set(SH_ENOMEM, "a paper's pages could not be joined");
	pixaDestroy(&pa);
	return rc;
}

/* The owner id a part names (read through the pipeline, nothing stored),
 * or "" when it names none. */
static int named_owner(char named[16], const box_src *src, const page_ref *pages, const int *kinds,
		       const sh_arch_part *p, const sh_arch_ingest_options *opts)
{
	named[0] = 0;
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc = part_tiff(&buf, &len, src, pages, kinds, p);
	if (rc)
		return rc;
	sh_recv_input in = {.data = buf, .len = len, .name = "part.tif"};
	sh_recv_source rs = {.inputs = &in, .ninputs = 1};
	sh_recv_options ro = {.workers = opts->workers};
	sh_recv_result *res = NULL;
	rc = sh_recv_read(&res, &rs, &ro);
	lept_free(buf);
	if (rc)
		return rc;
	const char *o = res->npapers && res->papers[0].facts ? sh_paper_owner_id(res->papers[0].facts)
							     : NULL;
	if (o)
		snprintf(named, 16, "%s", o);
	sh_recv_result_free(&res);
	return SH_OK;
}

static int add_ref(page_ref **pages, int **kinds, size_t n, size_t *cap)
{
	if (n < *cap)
		return SH_OK;
	size_t nc = *cap ? 2 * *cap : 64;
	page_ref *t = sh_realloc(*pages, nc * sizeof *t);
	if (!t)
		return SH_ENOMEM;
	*pages = t;
	int *k = sh_realloc(*kinds, nc * sizeof *k);
	if (!k)
		return SH_ENOMEM;
	*kinds = k;
	*cap = nc;
	return SH_OK;
}

/* Classifying the pages of files on every core: each thread takes the next
 * page; the first failure (lowest page) is the run's. */
typedef struct classify_job {
	pthread_mutex_t mu;
	page_ref *pages;
	int *kinds;
	size_t n, next, done, fail_at;
	int rc;
	char msg[512];
	const sh_arch_ingest_options *opts;
} classify_job;

static void *classify_worker(void *arg)
{
	classify_job *j = arg;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		size_t i = j->next < j->n && !j->rc ? j->next++ : j->n;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->n)
			return NULL;
		int kind = 0, rc = sh_arch_classify_file(&kind, &j->pages[i].sep, j->pages[i].file,
							 j->pages[i].page);
		pthread_mutex_lock(&j->mu);
		if (rc && (!j->rc || i < j->fail_at)) {
			j->rc = rc;
			j->fail_at = i;
			snprintf(j->msg, sizeof j->msg, "%s", sh_error_message());
		}
		j->kinds[i] = kind;
		j->done++;
		if (!rc && j->opts->progress)
			j->opts->progress(j->opts->progress_arg, "detect", j->done, 0);
		pthread_mutex_unlock(&j->mu);
	}
}

static int classify_files(page_ref *pages, int *kinds, size_t n,
			  const sh_arch_ingest_options *opts)
{
	classify_job j = {.pages = pages, .kinds = kinds, .n = n, .opts = opts};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = opts->workers > 0 ? (size_t)opts->workers : cores > 0 ? (size_t)cores : 1;
	if (nt > 16)
		nt = 16;
	if (nt > n)
		nt = n;
	pthread_t th[16];
	size_t started = 0;
	pthread_mutex_init(&j.mu, NULL);
	for (size_t t = 1; t < nt; t++)
		if (!pthread_create(&th[started], NULL, classify_worker, &j))
			started++;
	classify_worker(&j); /* this thread too */
	for (size_t t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&j.mu);
	return j.rc ? sh_error_set(j.rc, "%s", j.msg) : SH_OK;
}

/* Every page of the source in order, classified (separator, blank,
 * content). */
static int box_pages(page_ref **pages, int **kinds, sh_arch_box *b, const box_src *src,
		     const sh_arch_ingest_options *opts)
{
	size_t cap = 0;
	int rc = SH_OK;
	for (size_t f = 0; !src->batch && f < src->nfiles; f++) {
		int n = 0;
		if ((rc = sh_arch_file_pages(&n, src->files[f])))
			return rc;
		for (int p = 0; p < n; p++) {
			if ((rc = add_ref(pages, kinds, b->npages, &cap)))
				return rc;
			page_ref *r = &(*pages)[b->npages];
			memset(r, 0, sizeof *r);
			r->file = src->files[f];
			r->page = p;
			(*kinds)[b->npages++] = SH_ARCH_PAGE_CONTENT;
		}
	}
	if (!src->batch && b->npages) {
		if ((rc = classify_files(*pages, *kinds, b->npages, opts)))
			return rc;
		for (size_t i = 0; i < b->npages; i++)
			b->nseparators += (*kinds)[i] == SH_ARCH_PAGE_SEPARATOR;
	}
	size_t nc = src->batch ? sh_scan_batch_components(src->batch) : 0;
	for (size_t k = 0; k < nc; k++) {
		const char *code = NULL;
		const unsigned *ids = NULL;
		size_t n = 0;
		if ((rc = sh_scan_batch_component(src->batch, k, &code, &ids, &n)))
			return rc;
		for (size_t i = 0; i < n; i++) {
			if ((rc = add_ref(pages, kinds, b->npages, &cap)))
				return rc;
			page_ref *r = &(*pages)[b->npages];
			memset(r, 0, sizeof *r);
			r->id = ids[i];
			r->comp = k;
			PIX *x = NULL;
			if ((rc = sh_scan_batch_page_pix(src->batch, ids[i], &x)))
				return rc;
			int kind = 0;
			rc = sh_arch_classify_pix(&kind, &r->sep, x);
			pixDestroy(&x);
			if (rc)
				return rc;
			(*kinds)[b->npages++] = kind;
			b->nseparators += kind == SH_ARCH_PAGE_SEPARATOR;
			if (opts->progress)
				opts->progress(opts->progress_arg, "detect", b->npages, 0);
		}
	}
	return SH_OK;
}

/* A reviewed batch: where the operator split a component, a paper ends
 * too (cut at the first content page of the next component; the new part
 * keeps the separator, so the owner, of the part it was cut from). */
static int cut_at_components(sh_arch_part **parts, size_t *nparts, const page_ref *pages,
			     const int *kinds)
{
	size_t extra = 0;
	for (size_t i = 0; i < *nparts; i++)
		for (size_t j = (*parts)[i].first + 1; j < (*parts)[i].first + (*parts)[i].npages; j++)
			extra += kinds[j] == SH_ARCH_PAGE_CONTENT && pages[j].comp != pages[j - 1].comp;
	if (!extra)
		return SH_OK;
	sh_arch_part *v = sh_calloc(*nparts + extra, sizeof *v);
	if (!v)
		return SH_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < *nparts; i++) {
		sh_arch_part p = (*parts)[i];
		size_t end = p.first + p.npages;
		v[n] = p;
		for (size_t j = p.first + 1; j < end; j++)
			if (kinds[j] == SH_ARCH_PAGE_CONTENT && pages[j].comp != pages[j - 1].comp) {
				v[n].npages = j - v[n].first;
				/* trailing blank pages belong to no paper */
				while (v[n].npages > 1 && kinds[v[n].first + v[n].npages - 1] != SH_ARCH_PAGE_CONTENT)
					v[n].npages--;
				n++;
				v[n] = p;
				v[n].first = j;
			}
		v[n].npages = end - v[n].first;
		n++;
	}
	sh_free(*parts);
	*parts = v;
	*nparts = n;
	return SH_OK;
}

/* Long on purpose: one pass over a box's pages (classify, split at
 * separators or blanks, store each run, progress, resume) kept in one place
 * so that no page is lost or stored twice on a resume. */
static int box_run(sh_arch_box **out, sh_store *s, const box_src *src,
		   const sh_arch_ingest_options *opts)
{
	if (!out || !s || !src || (!src->batch && (!src->files || !src->nfiles)) || !opts)
		return sh_error_set(SH_EINVAL, "archive ingest: nothing given");
	*out = NULL;
	const char *box = opts->box ? opts->box : src->batch ? sh_scan_batch_id(src->batch) : "box";
	if (!box[0] || strlen(box) > SH_ARCH_BOOK_MAX)
		return sh_error_set(SH_EINVAL, "box label: 1-%d bytes", SH_ARCH_BOOK_MAX);
	char fallback[16] = "";
	int rc;
	if (opts->owner && (rc = sh_id_owner_check(NULL, fallback, opts->owner)))
		return rc;
	const char *proc = opts->procedure ? opts->procedure : SH_ARCH_PROCEDURE;
	if ((rc = sh_id_procedure_check(proc)))
		return rc;
	if (opts->level && !sh_wh_level_parse(opts->level))
		return sh_error_set(SH_EINVAL, "level '%s': province, district or commune", opts->level);
	setMsgSeverity(L_SEVERITY_NONE);
	sh_arch_box *b = sh_calloc(1, sizeof *b);
	page_ref *pages = NULL;
	int *kinds = NULL;
	sh_arch_part *parts = NULL;
	size_t nparts = 0;
	if (!b)
		return SH_ENOMEM;
	if ((rc = box_pages(&pages, &kinds, b, src, opts)))
		goto out;
	if ((rc = sh_arch_split(&parts, &nparts, kinds, b->npages, opts->blank_split)))
		goto out;
	if (src->batch && (rc = cut_at_components(&parts, &nparts, pages, kinds)))
		goto out;
	if (!(b->papers = sh_calloc(nparts ? nparts : 1, sizeof *b->papers)) ||
	    !(b->results = sh_calloc(nparts ? nparts : 1, sizeof *b->results))) {
		rc = SH_ENOMEM;
		goto out;
	}
	b->npapers = nparts;
	for (size_t i = 0; i < nparts; i++) {
		sh_arch_paper *ap = &b->papers[i];
		ap->first = parts[i].first;
		ap->npages = parts[i].npages;
		ap->flags = parts[i].flags;
		const sh_arch_sep *sp = parts[i].sep_page != (size_t)-1 ? &pages[parts[i].sep_page].sep
									: NULL;
		if (sp) {
			snprintf(ap->owner, sizeof ap->owner, "%s", sp->owner[0] ? sp->owner : fallback);
			snprintf(ap->book, sizeof ap->book, "%s", sp->book);
		} else if (parts[i].flags & SH_ARCH_PART_BLANK_SPLIT) {
			/* a separator is missing: the owner the paper names, else
			 * the run it follows (flagged for review either way) */
			char named[16] = "";
			if ((rc = named_owner(named, src, pages, kinds, &parts[i], opts)))
				goto out;
			snprintf(ap->owner, sizeof ap->owner, "%s", named[0] ? named : b->papers[i - 1].owner);
			snprintf(ap->book, sizeof ap->book, "%s", b->papers[i - 1].book);
		} else {
			snprintf(ap->owner, sizeof ap->owner, "%s", fallback);
		}
	}
	char today[16] = "";
	{
		time_t now = (time_t)sh_now();
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
	}
	const char *by = sh_wh_operator(s) ? sh_wh_operator(s) : opts->operator_id;
	const char *level = opts->level ? sh_wh_level_parse(opts->level) : NULL;
	size_t nstored = 0;
	/* one archive dossier per run of papers under one owner */
	for (size_t i = 0; i < nparts;) {
		size_t j = i + 1;
		while (j < nparts && !strcmp(b->papers[j].owner, b->papers[i].owner) &&
		       !strcmp(b->papers[j].book, b->papers[i].book))
			j++;
		if (!b->papers[i].owner[0]) {
			for (size_t k = i; k < j; k++)
				b->papers[k].flags |= SH_ARCH_PART_REVIEW;
			i = j;
			continue;
		}
		size_t n = j - i;
		sh_recv_input *in = sh_calloc(n, sizeof *in);
		unsigned char **bufs = sh_calloc(n, sizeof *bufs);
		char **names = sh_calloc(n, sizeof *names);
		if (!in || !bufs || !names)
			rc = SH_ENOMEM;
		for (size_t k = 0; rc == SH_OK && k < n; k++) {
			size_t len = 0;
			if ((rc = part_tiff(&bufs[k], &len, src, pages, kinds, &parts[i + k])))
				break;
			names[k] = sh_asprintf("%s p%zu-%zu.tif", box, parts[i + k].first + 1,
					       parts[i + k].first + parts[i + k].npages);
			if (!names[k]) {
				rc = SH_ENOMEM;
				break;
			}
			in[k].data = bufs[k];
			in[k].len = len;
			in[k].name = names[k];
			/* a reviewed batch: the kind the operator gave the component */
			const char *code = NULL;
			const unsigned *ids = NULL;
			size_t nid = 0;
			if (src->batch &&
			    !sh_scan_batch_component(src->batch, pages[parts[i + k].first].comp, &code,
						     &ids, &nid) &&
			    code && *code && strlen(code) <= 12 &&
			    strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(code))
				in[k].kind_hint = code;
		}
		/* the same papers ingested again (a box re-run after a kill or a
		 * jam) are the same dossier: the key is the hash of its papers'
		 * hashes, the box label and where they begin in the box */
		char idem[8 + 2 * SH_SHA256_LEN + 1] = "archive:";
		if (rc == SH_OK) {
			uint8_t *hs = sh_malloc(n * SH_SHA256_LEN), h[SH_SHA256_LEN];
			if (!hs) {
				rc = SH_ENOMEM;
			} else {
				for (size_t k = 0; k < n; k++)
					sh_sha256(hs + k * SH_SHA256_LEN, in[k].data, in[k].len);
				/* with the box and the pages' places in it: two copies of
				 * one paper in a box are two papers */
				char *key = sh_asprintf("%s\n%zu\n%zu", box, parts[i].first, n);
				uint8_t *all = key ? sh_malloc(n * SH_SHA256_LEN + strlen(key)) : NULL;
				if (!all) {
					rc = SH_ENOMEM;
				} else {
					memcpy(all, hs, n * SH_SHA256_LEN);
					memcpy(all + n * SH_SHA256_LEN, key, strlen(key));
					sh_sha256(h, all, n * SH_SHA256_LEN + strlen(key));
				}
				sh_free(all);
				sh_free(key);
				sh_free(hs);
				for (size_t k = 0; k < SH_SHA256_LEN; k++)
					snprintf(idem + 8 + 2 * k, 3, "%02x", h[k]);
			}
		}
		if (rc == SH_OK) {
			sh_recv_source rs = {.inputs = in, .ninputs = n};
			/* provenance, signed with each paper's facts */
			sh_sign_fact ex[5];
			size_t nex = 0;
			ex[nex++] = (sh_sign_fact){"archive_box", box};
			if (b->papers[i].book[0])
				ex[nex++] = (sh_sign_fact){"archive_book", b->papers[i].book};
			ex[nex++] = (sh_sign_fact){"archive_digitised", today};
			if (by && *by)
				ex[nex++] = (sh_sign_fact){"archive_by", by};
			if (level)
				ex[nex++] = (sh_sign_fact){"archive_level", level};
			sh_recv_options ro = {.owner = b->papers[i].owner, .procedure = proc,
					      .operator_id = opts->operator_id, .key = opts->key,
					      .idem_key = idem, .archive = 1,
					      .extra_facts = ex, .nextra_facts = nex,
					      .workers = opts->workers};
			sh_recv_result *res = NULL;
			rc = sh_recv_store(&res, s, &rs, &ro);
			if (rc == SH_OK) {
				b->results[b->nresults++] = res;
				for (size_t k = 0; k < n && k < res->npapers; k++) {
					sh_arch_paper *ap = &b->papers[i + k];
					const sh_recv_paper *rp = &res->papers[k];
					ap->stored = rp->code != NULL;
					ap->existing = res->existing;
					ap->code = rp->code;
					ap->dossier = res->dossier;
					/* copied: a batch's kind is borrowed from the batch */
					if (rp->kind) {
						snprintf(ap->kind_buf, sizeof ap->kind_buf, "%s", rp->kind);
						ap->kind = ap->kind_buf;
					}
					/* the facts as stored and signed (with the provenance) */
					sh_store_paper_rec *pr = NULL;
					if (rp->code && !sh_store_paper_get(s, rp->code, &pr) && pr->facts)
						ap->facts_json = sh_strdup(pr->facts);
					else
						ap->facts_json = rp->facts ? sh_paper_facts_json(rp->facts) : NULL;
					sh_store_paper_rec_free(&pr);
					if (rp->flags)
						ap->flags |= SH_ARCH_PART_REVIEW;
				}
			} else {
				sh_recv_result_free(&res);
			}
		}
		for (size_t k = 0; bufs && names && k < n; k++) {
			if (bufs[k])
				lept_free(bufs[k]);
			sh_free(names[k]);
		}
		sh_free(in);
		sh_free(bufs);
		sh_free(names);
		if (rc)
			goto out;
		nstored += n;
		if (opts->progress)
			opts->progress(opts->progress_arg, "store", nstored, nparts);
		i = j;
	}
out:
	sh_free(pages);
	sh_free(kinds);
	sh_free(parts);
	*out = b;
	return rc;
}

int sh_arch_ingest(sh_arch_box **out, sh_store *s, const char *const *files, size_t nfiles,
		   const sh_arch_ingest_options *opts)
{
	box_src src = {.files = files, .nfiles = nfiles};
	if (!files || !nfiles)
		return sh_error_set(SH_EINVAL, "archive ingest: nothing given");
	return box_run(out, s, &src, opts);
}

int sh_arch_commit(sh_arch_box **out, sh_store *s, sh_scan_batch *batch,
		   const sh_arch_ingest_options *opts)
{
	if (out)
		*out = NULL;
	if (!batch)
		return sh_error_set(SH_EINVAL, "archive commit: no batch");
	if (sh_scan_batch_state(batch) == SH_SCAN_STATE_COMMITTED)
		return sh_error_set(SH_EEXISTS, "batch %s is already committed (%s)",
				    sh_scan_batch_id(batch), sh_scan_batch_dossier(batch));
	if (sh_scan_batch_state(batch) != SH_SCAN_STATE_COMPLETE)
		return sh_error_set(SH_EINVAL,
				    "batch %s is %s: resume it (`sohoa scan --resume %s`) or accept it "
				    "as it is (`sohoa batch finish %s`) first",
				    sh_scan_batch_id(batch),
				    sh_scan_state_name(sh_scan_batch_state(batch)),
				    sh_scan_batch_id(batch), sh_scan_batch_id(batch));
	if (!sh_scan_batch_count(batch))
		return sh_error_set(SH_EINVAL, "batch %s holds no page", sh_scan_batch_id(batch));
	box_src src = {.batch = batch};
	int rc = box_run(out, s, &src, opts);
	if (rc || !*out)
		return rc;
	/* every paper stored (or listed for review): the batch is done; its
	 * first archive record names it. Papers not stored (no owner) keep
	 * the batch open. */
	const char *first = NULL;
	for (size_t i = 0; i < (*out)->npapers; i++) {
		if (!(*out)->papers[i].stored)
			return SH_OK;
		if (!first)
			first = (*out)->papers[i].dossier;
	}
	if (first && sh_scan_batch_commit(batch, first))
		return sh_error_wrap(sh_error_last(), "the box is stored, but batch %s could not be "
						      "marked committed (a retry stores nothing twice): ",
				     sh_scan_batch_id(batch));
	return SH_OK;
}

int sh_arch_stage(char **batch_id, const char *store_dir, const char *const *files, size_t nfiles,
		  const sh_arch_ingest_options *opts)
{
	if (!batch_id || !store_dir || !files || !nfiles || !opts)
		return sh_error_set(SH_EINVAL, "archive stage: nothing given");
	*batch_id = NULL;
	char owner[16] = "";
	int rc;
	if (opts->owner && (rc = sh_id_owner_check(NULL, owner, opts->owner)))
		return rc;
	const char *proc = opts->procedure ? opts->procedure : SH_ARCH_PROCEDURE;
	if ((rc = sh_id_procedure_check(proc)))
		return rc;
	setMsgSeverity(L_SEVERITY_NONE);
	sh_arch_box b = {0};
	page_ref *pages = NULL;
	int *kinds = NULL;
	sh_arch_part *parts = NULL;
	size_t nparts = 0, *starts = NULL;
	sh_scan_batch *batch = NULL;
	box_src src = {.files = files, .nfiles = nfiles};
	if ((rc = box_pages(&pages, &kinds, &b, &src, opts)) ||
	    (rc = sh_arch_split(&parts, &nparts, kinds, b.npages, opts->blank_split)))
		goto out;
	/* the batch's owner: --owner, else the first separator's */
	for (size_t i = 0; !owner[0] && i < b.npages; i++)
		if (kinds[i] == SH_ARCH_PAGE_SEPARATOR && pages[i].sep.owner[0])
			snprintf(owner, sizeof owner, "%s", pages[i].sep.owner);
	if (!owner[0]) {
		rc = sh_error_set(SH_EINVAL, "no separator names an owner: give --owner");
		goto out;
	}
	if ((rc = sh_recv_batch_new(&batch, store_dir, owner, proc)))
		goto out;
	/* every page, separators too (the operator sees them; commit finds
	 * them again after review); a component begins at each paper's
	 * separator (or at the paper when it has none) */
	if (!(starts = sh_calloc(nparts + 1, sizeof *starts))) {
		rc = SH_ENOMEM;
		goto out;
	}
	size_t ns = 0;
	for (size_t i = 0; i < nparts; i++) {
		size_t st = parts[i].sep_page != (size_t)-1 ? parts[i].sep_page : parts[i].first;
		/* a double-fed separator: the component begins at the first sheet */
		while (st > 0 && kinds[st - 1] == SH_ARCH_PAGE_SEPARATOR)
			st--;
		if (i == 0 || ns == 0)
			st = 0;
		if (ns && st <= starts[ns - 1])
			continue;
		starts[ns++] = st;
	}
	for (size_t i = 0; i < b.npages; i++) {
		PIX *x = ref_pix(&src, &pages[i]);
		if (!x) {
			rc = sh_error_set(SH_EINVAL, "%s: page %d cannot be read", pages[i].file,
					  pages[i].page + 1);
			goto out;
		}
		int dpi = pixGetXRes(x);
		rc = sh_scan_batch_add_pix(batch, NULL, x, SH_SCAN_FILE, 0, dpi, NULL, NULL);
		pixDestroy(&x);
		if (rc)
			goto out;
		if (opts->progress)
			opts->progress(opts->progress_arg, "stage", i + 1, b.npages);
	}
	if (ns > 1 && (rc = sh_scan_batch_split(batch, starts, NULL, ns)))
		goto out;
	if (!(*batch_id = sh_strdup(sh_scan_batch_id(batch))))
		rc = SH_ENOMEM;
out:
	sh_scan_batch_close(&batch);
	sh_free(starts);
	sh_free(pages);
	sh_free(kinds);
	sh_free(parts);
	return rc;
}
