/* Ingesting a box (sh_arch.h): pages read, separators found, papers made
 * into multi-page TIFFs in memory and stored through receive/. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>

#include "sh_arch.h"
#include "sh_recv.h"
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

typedef struct page_ref {
	const char *file;
	int page;
	sh_arch_sep sep;
} page_ref;

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
static int part_tiff(unsigned char **data, size_t *len, const page_ref *pages, const int *kinds,
		     const sh_arch_part *p)
{
	PIXA *pa = pixaCreate((l_int32)p->npages);
	if (!pa)
		return SH_ENOMEM;
	int rc = SH_OK;
	for (size_t i = p->first; rc == SH_OK && i < p->first + p->npages; i++) {
		if (kinds[i] == SH_ARCH_PAGE_BLANK) /* a blank back inside the paper */
			continue;
		PIX *x = read_page(pages[i].file, pages[i].page);
		if (!x)
			rc = sh_error_set(SH_EINVAL, "%s: page %d cannot be read", pages[i].file,
					  pages[i].page + 1);
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
static int named_owner(char named[16], const page_ref *pages, const int *kinds,
		       const sh_arch_part *p, const sh_arch_ingest_options *opts)
{
	named[0] = 0;
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc = part_tiff(&buf, &len, pages, kinds, p);
	if (rc)
		return rc;
	sh_recv_input in = {.data = buf, .len = len, .name = "part.tif"};
	sh_recv_source src = {.inputs = &in, .ninputs = 1};
	sh_recv_options ro = {.workers = opts->workers};
	sh_recv_result *res = NULL;
	rc = sh_recv_read(&res, &src, &ro);
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

int sh_arch_ingest(sh_arch_box **out, sh_store *s, const char *const *files, size_t nfiles,
		   const sh_arch_ingest_options *opts)
{
	if (!out || !s || !files || !nfiles || !opts)
		return sh_error_set(SH_EINVAL, "archive ingest: nothing given");
	*out = NULL;
	const char *box = opts->box ? opts->box : "box";
	if (!box[0] || strlen(box) > SH_ARCH_BOOK_MAX)
		return sh_error_set(SH_EINVAL, "box label: 1-%d bytes", SH_ARCH_BOOK_MAX);
	char fallback[16] = "";
	int rc;
	if (opts->owner && (rc = sh_id_owner_check(NULL, fallback, opts->owner)))
		return rc;
	const char *proc = opts->procedure ? opts->procedure : SH_ARCH_PROCEDURE;
	if ((rc = sh_id_procedure_check(proc)))
		return rc;
	setMsgSeverity(L_SEVERITY_NONE);
	sh_arch_box *b = sh_calloc(1, sizeof *b);
	page_ref *pages = NULL;
	int *kinds = NULL;
	sh_arch_part *parts = NULL;
	size_t nparts = 0, cap = 0;
	if (!b)
		return SH_ENOMEM;
	for (size_t f = 0; f < nfiles; f++) {
		int n = 0;
		if ((rc = sh_arch_file_pages(&n, files[f])))
			goto out;
		for (int p = 0; p < n; p++) {
			if (b->npages == cap) {
				size_t nc = cap ? 2 * cap : 64;
				page_ref *t = sh_realloc(pages, nc * sizeof *t);
				int *k = t ? sh_realloc(kinds, nc * sizeof *k) : NULL;
				if (t)
					pages = t;
				if (!t || !k) {
					rc = SH_ENOMEM;
					goto out;
				}
				kinds = k;
				cap = nc;
			}
			page_ref *r = &pages[b->npages];
			r->file = files[f];
			r->page = p;
			int kind = 0;
			if ((rc = sh_arch_classify_file(&kind, &r->sep, files[f], p)))
				goto out;
			kinds[b->npages++] = kind;
			b->nseparators += kind == SH_ARCH_PAGE_SEPARATOR;
			if (opts->progress)
				opts->progress(opts->progress_arg, "detect", b->npages, 0);
		}
	}
	if ((rc = sh_arch_split(&parts, &nparts, kinds, b->npages, opts->blank_split)))
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
			if ((rc = named_owner(named, pages, kinds, &parts[i], opts)))
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
			if ((rc = part_tiff(&bufs[k], &len, pages, kinds, &parts[i + k])))
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
			sh_recv_source src = {.inputs = in, .ninputs = n};
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
			rc = sh_recv_store(&res, s, &src, &ro);
			if (rc == SH_OK) {
				b->results[b->nresults++] = res;
				for (size_t k = 0; k < n && k < res->npapers; k++) {
					sh_arch_paper *ap = &b->papers[i + k];
					const sh_recv_paper *rp = &res->papers[k];
					ap->stored = rp->code != NULL;
					ap->existing = res->existing;
					ap->code = rp->code;
					ap->dossier = res->dossier;
					ap->kind = rp->kind;
					ap->facts_json = rp->facts ? sh_paper_facts_json(rp->facts) : NULL;
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
