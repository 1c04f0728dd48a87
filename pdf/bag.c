/* pdf/bag.c — a BagIt (RFC 8493) transfer bag of a dossier or a paper: per
 * paper its proof bundle (page images, texts, signed manifest, checkpoint,
 * inclusion proof, public keys: sh_ledger_export_proof) and hOCR, and the
 * whole as one PDF/A; bagit.txt, bag-info.txt, manifest-sha256.txt,
 * tagmanifest-sha256.txt. Built in a temporary sibling directory renamed
 * into place at the end, so a bag is there whole or not at all. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sh_pdf.h"

typedef struct walk {
	sh_buf manifest;
	unsigned long long bytes;
	size_t files;
} walk;

/* RFC 8493 2.1.3: CR, LF and % in a path are percent-encoded. */
static int put_path(sh_buf *b, const char *p)
{
	int rc = SH_OK;
	for (; *p && !rc; p++)
		rc = *p == '\r' ? sh_buf_puts(b, "%0D")
		     : *p == '\n' ? sh_buf_puts(b, "%0A")
		     : *p == '%'  ? sh_buf_puts(b, "%25")
				  : sh_buf_put(b, p, 1);
	return rc;
}

static int hash_line(sh_buf *m, const char *root, const char *rel, unsigned long long *bytes)
{
	char *path = sh_asprintf("%s/%s", root, rel);
	uint8_t *d = NULL;
	size_t len = 0;
	if (!path)
		return SH_ENOMEM;
	int rc = sh_file_read(&d, &len, path, SH_FILE_MAX);
	sh_free(path);
	if (rc)
		return rc;
	uint8_t sha[SH_SHA256_LEN];
	char hex[2 * SH_SHA256_LEN + 1];
	sh_sha256(sha, d, len);
	sh_free(d);
	sh_hex(hex, sha, sizeof sha);
	if (bytes)
		*bytes += len;
	rc = sh_buf_printf(m, "%s  ", hex);
	rc = rc ? rc : put_path(m, rel);
	return rc ? rc : sh_buf_puts(m, "\n");
}

/* Every regular file under root/rel, sorted, into the manifest. */
static int walk_dir(walk *w, const char *root, const char *rel)
{
	char *dir = sh_asprintf("%s/%s", root, rel);
	if (!dir)
		return SH_ENOMEM;
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort), rc = SH_OK;
	if (n < 0) {
		rc = sh_error_set(SH_EIO, "%s: %s", dir, strerror(errno));
		sh_free(dir);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		if (rc || !strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		char *sub = sh_asprintf("%s/%s", rel, nm), *full = sh_asprintf("%s/%s", dir, nm);
		struct stat st;
		if (!sub || !full)
			rc = SH_ENOMEM;
		else if (lstat(full, &st))
			rc = sh_error_set(SH_EIO, "%s: %s", full, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk_dir(w, root, sub);
		else if (S_ISREG(st.st_mode)) {
			rc = hash_line(&w->manifest, root, sub, &w->bytes);
			w->files++;
		} else
			rc = sh_error_set(SH_ERROR, "%s: not a regular file in the bag", full);
		sh_free(sub);
		sh_free(full);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	sh_free(dir);
	return rc;
}

static void rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *sub = sh_asprintf("%s/%s", path, e->d_name);
			if (sub)
				rm_rf(sub);
			sh_free(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int write_text(const char *root, const char *name, const sh_buf *b)
{
	char *p = sh_asprintf("%s/%s", root, name);
	if (!p)
		return SH_ENOMEM;
	int rc = sh_file_write(p, b->data ? b->data : (const uint8_t *)"", b->len);
	sh_free(p);
	return rc;
}

/* JSON string (quotes included). */
static int json_str(sh_buf *b, const char *v)
{
	if (!v)
		return sh_buf_puts(b, "null");
	int rc = sh_buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)v; *p && !rc; p++)
		rc = *p == '"' || *p == '\\' ? sh_buf_printf(b, "\\%c", *p)
		     : *p < 0x20	      ? sh_buf_printf(b, "\\u%04x", *p)
					      : sh_buf_put(b, p, 1);
	return rc ? rc : sh_buf_puts(b, "\"");
}

/* data/<paper>/paper.json: what the signed manifest does not say and an
 * importer needs to file the paper as it was (its dossier, procedure and
 * receipt, the file it came from, each page's format and resolution).
 * Descriptive, not trusted: the signed manifest is. */
static int paper_json(sh_store *s, const sh_store_paper_rec *p, const char *path)
{
	sh_store_dossier_rec *d = NULL;
	int rc = sh_store_dossier_get(s, p->dossier, &d);
	if (rc)
		return rc;
	sh_buf b = SH_BUF_INIT;
	rc = sh_buf_puts(&b, "{\"format\": \"sohoa-bag-paper-1\", \"code\": ");
	rc = rc ? rc : json_str(&b, p->code);
	rc = rc ? rc : sh_buf_puts(&b, ", \"dossier\": ");
	rc = rc ? rc : json_str(&b, d->code);
	rc = rc ? rc : sh_buf_puts(&b, ", \"agency\": ");
	rc = rc ? rc : json_str(&b, d->agency);
	rc = rc ? rc : sh_buf_puts(&b, ", \"procedure\": ");
	rc = rc ? rc : json_str(&b, d->procedure);
	rc = rc ? rc : sh_buf_printf(&b, ", \"received\": %lld, \"created\": %lld, \"flags\": %u, \"file\": ",
				     (long long)d->received, (long long)p->created, p->flags);
	rc = rc ? rc : json_str(&b, p->file);
	rc = rc ? rc : sh_buf_puts(&b, ", \"pages\": [");
	for (size_t k = 0; k < p->npages && !rc; k++) {
		const sh_store_page_rec *g = &p->pages[k];
		rc = sh_buf_printf(&b, "%s{\"mime\": ", k ? ", " : "");
		rc = rc ? rc : json_str(&b, g->mime);
		rc = rc ? rc : sh_buf_printf(&b, ", \"width\": %d, \"height\": %d, \"dpi\": %d, "
					     "\"rotation\": %d, \"confidence\": %.2f, \"flags\": %u}",
					     g->width, g->height, g->dpi, g->rotation, g->confidence,
					     g->flags);
		if (!rc && g->has_original) { /* original-NNN.*: the photo as received */
			b.len--; /* reopen the page's object */
			rc = sh_buf_puts(&b, ", \"original\": {\"mime\": ");
			rc = rc ? rc : json_str(&b, g->original_mime);
			rc = rc ? rc : sh_buf_printf(&b, ", \"bytes\": %zu}}", g->original_len);
		}
	}
	rc = rc ? rc : sh_buf_puts(&b, "]}\n");
	if (!rc)
		rc = sh_file_write(path, b.data, b.len);
	sh_buf_free(&b);
	sh_store_dossier_rec_free(&d);
	return rc;
}

/* The bag of papers codes[0..n) (whole: `label` names it, `whole` is the
 * code whose PDF/A goes in data/<whole>.pdf, or NULL for a selection). */
static int write_bag(sh_store *s, char **codes, size_t n, const char *label, const char *whole,
		     const char *description, const char *dir, const sh_pdf_export_opts *opts)
{
	int rc = SH_OK;
	const char *code = label;
	char *tmp = sh_asprintf("%s.tmp-%ld", dir, (long)getpid());
	char *data = tmp ? sh_asprintf("%s/data", tmp) : NULL;
	walk w = {SH_BUF_INIT, 0, 0};
	sh_buf tag = SH_BUF_INIT, info = SH_BUF_INIT, bagit = SH_BUF_INIT;
	if (!rc && (!tmp || !data))
		rc = SH_ENOMEM;
	if (!rc && (mkdir(tmp, 0755) || mkdir(data, 0755)))
		rc = sh_error_set(SH_EIO, "%s: %s", tmp, strerror(errno));
	/* every paper's read recorded once, in one transaction */
	if (!rc)
		rc = sh_wh_audit_reads(s, opts ? opts->user : NULL,
				       opts && opts->command ? opts->command : "export-bag",
				       (const char *const *)codes, n, NULL, 0);
	sh_progress_fn progress = opts ? opts->progress : NULL;
	void *parg = opts ? opts->progress_arg : NULL;
	size_t parts = n + (whole ? 1 : 0);
	if (!rc && progress)
		progress(parg, 0, parts);
	for (size_t i = 0; i < n && !rc; i++) {
		char *pd = sh_asprintf("%s/%s", data, codes[i]);
		if (!pd) {
			rc = SH_ENOMEM;
			break;
		}
		rc = sh_ledger_export_proof(s, codes[i], pd);
		sh_store_paper_rec *p = NULL;
		if (!rc)
			rc = sh_store_paper_get(s, codes[i], &p);
		for (size_t k = 0; !rc && p && k < p->npages; k++) {
			if (!p->pages[k].has_hocr)
				continue;
			uint8_t *h = NULL;
			size_t hl = 0;
			rc = sh_store_blob_get(s, p->pages[k].hocr_sha, &h, &hl);
			char *hp = rc ? NULL : sh_asprintf("%s/page-%03zu.hocr", pd, k + 1);
			if (!rc && !hp)
				rc = SH_ENOMEM;
			if (!rc)
				rc = sh_file_write(hp, h, hl);
			sh_free(hp);
			sh_free(h);
		}
		char *pj = rc ? NULL : sh_asprintf("%s/paper.json", pd);
		if (!rc)
			rc = pj ? paper_json(s, p, pj) : SH_ENOMEM;
		sh_free(pj);
		if (!rc && !whole) { /* a selection: each paper's own PDF/A */
			char *pdf = sh_asprintf("%s/%s.pdf", pd, codes[i]);
			sh_pdf_export_opts o = {0};
			if (opts)
				o = *opts;
			o.signer = NULL;
			o.certify = NULL;
			o.tsa_url = NULL;
			o.audited = 1;
			o.progress = NULL;
			rc = pdf ? sh_pdf_export(s, codes[i], pdf, &o, NULL) : SH_ENOMEM;
			sh_free(pdf);
		}
		sh_store_paper_rec_free(&p);
		sh_free(pd);
		if (!rc && progress)
			progress(parg, i + 1, parts);
	}
	if (!rc && whole) {
		char *pdf = sh_asprintf("%s/%s.pdf", data, whole);
		sh_pdf_export_opts o = {0};
		if (opts)
			o = *opts;
		o.signer = NULL;
		o.certify = NULL;
		o.tsa_url = NULL;
		o.audited = 1;
		o.progress = NULL;
		rc = pdf ? sh_pdf_export(s, whole, pdf, &o, NULL) : SH_ENOMEM;
		sh_free(pdf);
		if (!rc && progress)
			progress(parg, parts, parts);
	}
	if (!rc)
		rc = walk_dir(&w, tmp, "data");
	time_t now = (time_t)(opts && opts->now ? opts->now : sh_now());
	struct tm tm;
	char day[16] = "";
	if (localtime_r(&now, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	const char *agency = sh_store_agency(s);
	rc = rc ? rc : sh_buf_puts(&bagit, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
	rc = rc ? rc : sh_buf_printf(&info,
				     "Source-Organization: %s\nBagging-Date: %s\n"
				     "External-Identifier: %s\nExternal-Description: %s, "
				     "%zu giấy tờ\nBag-Software-Agent: sohoa %s\n"
				     "Payload-Oxum: %llu.%zu\n",
				     agency ? agency : "", day, code, description, n, SOHOA_VERSION,
				     w.bytes, w.files);
	rc = rc ? rc : write_text(tmp, "bagit.txt", &bagit);
	rc = rc ? rc : write_text(tmp, "bag-info.txt", &info);
	rc = rc ? rc : write_text(tmp, "manifest-sha256.txt", &w.manifest);
	rc = rc ? rc : hash_line(&tag, tmp, "bagit.txt", NULL);
	rc = rc ? rc : hash_line(&tag, tmp, "bag-info.txt", NULL);
	rc = rc ? rc : hash_line(&tag, tmp, "manifest-sha256.txt", NULL);
	rc = rc ? rc : write_text(tmp, "tagmanifest-sha256.txt", &tag);
	if (!rc && rename(tmp, dir))
		rc = sh_error_set(SH_EIO, "%s: %s", dir, strerror(errno));
	if (rc && tmp)
		rm_rf(tmp);
	sh_free(tmp);
	sh_free(data);
	sh_buf_free(&w.manifest);
	sh_buf_free(&tag);
	sh_buf_free(&info);
	sh_buf_free(&bagit);
	return rc;
}

int sh_pdf_export_bag(sh_store *s, const char *code, const char *dir,
		      const sh_pdf_export_opts *opts, size_t *out_papers)
{
	if (out_papers)
		*out_papers = 0;
	struct stat st;
	if (!lstat(dir, &st))
		return sh_error_set(SH_EEXISTS, "%s already exists: a bag is written to a new folder", dir);
	int kind = 0, rc = sh_id_code_check(&kind, code, 0);
	if (rc)
		return rc;
	/* the papers */
	char **codes = NULL;
	size_t n = 0;
	char dossier[SH_STORE_CODE_MAX] = "";
	if (kind == SH_CODE_DOSSIER) {
		sh_store_dossier_rec *d = NULL;
		if ((rc = sh_store_dossier_get(s, code, &d)))
			return rc;
		n = d->npapers + d->nresults;
		codes = sh_calloc(n ? n : 1, sizeof *codes);
		for (size_t i = 0; codes && i < n; i++)
			if (!(codes[i] = sh_strdup(i < d->npapers ? d->papers[i]
								 : d->results[i - d->npapers])))
				rc = SH_ENOMEM;
		snprintf(dossier, sizeof dossier, "%s", d->code);
		sh_store_dossier_rec_free(&d);
		if (!codes)
			return SH_ENOMEM;
	} else {
		sh_store_paper_rec *p = NULL;
		if ((rc = sh_store_paper_get(s, code, &p)))
			return rc;
		n = 1;
		codes = sh_calloc(1, sizeof *codes);
		if (codes && !(codes[0] = sh_strdup(p->code)))
			rc = SH_ENOMEM;
		snprintf(dossier, sizeof dossier, "%s", p->dossier);
		sh_store_paper_rec_free(&p);
		if (!codes)
			return SH_ENOMEM;
	}
	char desc[SH_STORE_CODE_MAX + 16];
	snprintf(desc, sizeof desc, "Hồ sơ %s", dossier);
	if (!rc)
		rc = write_bag(s, codes, n, code, code, desc, dir, opts);
	if (!rc && out_papers)
		*out_papers = n;
	for (size_t i = 0; i < n; i++)
		sh_free(codes[i]);
	sh_free(codes);
	return rc;
}

int sh_pdf_export_bag_select(sh_store *s, const char *owner, const char *from, const char *to,
			     const char *dir, const sh_pdf_export_opts *opts, size_t *out_papers)
{
	if (out_papers)
		*out_papers = 0;
	struct stat st;
	if (!lstat(dir, &st))
		return sh_error_set(SH_EEXISTS, "%s already exists: a bag is written to a new folder", dir);
	char (*sel)[SH_STORE_CODE_MAX] = NULL;
	size_t n = 0;
	int rc = sh_wh_select(s, owner, from, to, &sel, &n);
	if (rc)
		return rc;
	char **codes = sh_calloc(n, sizeof *codes);
	for (size_t i = 0; codes && i < n && !rc; i++)
		if (!(codes[i] = sh_strdup(sel[i])))
			rc = SH_ENOMEM;
	if (!codes)
		rc = SH_ENOMEM;
	char label[64], desc[96];
	if (owner) {
		snprintf(label, sizeof label, "owner-%s", owner);
		snprintf(desc, sizeof desc, "Giấy tờ của %s", owner);
	} else {
		snprintf(label, sizeof label, "received-%s-%s", from ? from : "", to ? to : "");
		snprintf(desc, sizeof desc, "Hồ sơ tiếp nhận từ %s đến %s", from ? from : "đầu",
			 to ? to : "nay");
	}
	if (!rc)
		rc = write_bag(s, codes, n, label, NULL, desc, dir, opts);
	if (!rc && out_papers)
		*out_papers = n;
	for (size_t i = 0; codes && i < n; i++)
		sh_free(codes[i]);
	sh_free(codes);
	sh_free(sel);
	return rc;
}
