/* pdf/export.c — the one place pdf/ reads the warehouse: a paper's or a
 * dossier's records, stored page images and hOCR, through sh_store.h. */
#include <string.h>
#include <time.h>

#include "sh_ocr.h"
#include "sh_pdf.h"
#include "sh_wh.h"

typedef struct papers {
	sh_store_dossier_rec *dossier;
	size_t n;
	sh_store_paper_rec **recs;
} papers;

static void papers_free(papers *p)
{
	for (size_t i = 0; i < p->n; i++)
		sh_store_paper_rec_free(&p->recs[i]);
	sh_free(p->recs);
	sh_store_dossier_rec_free(&p->dossier);
}

static int load_papers(sh_store *s, const char *code, papers *out)
{
	int kind = 0;
	int rc = sh_id_code_check(&kind, code, 0);
	if (rc)
		return rc;
	if (kind == SH_CODE_DOSSIER) {
		if ((rc = sh_store_dossier_get(s, code, &out->dossier)))
			return rc;
		size_t n = out->dossier->npapers + out->dossier->nresults;
		if (n == 0)
			return sh_error_set(SH_ENOTFOUND, "dossier %s holds no papers", code);
		if (!(out->recs = sh_calloc(n, sizeof *out->recs)))
			return SH_ENOMEM;
		for (size_t i = 0; i < n && !rc; i++) {
			const char *c = i < out->dossier->npapers
						? out->dossier->papers[i]
						: out->dossier->results[i - out->dossier->npapers];
			if (!(rc = sh_store_paper_get(s, c, &out->recs[i]))) {
				out->n++;
				rc = sh_ledger_check_paper(s, c); /* only what was signed */
			}
		}
		return rc;
	}
	if (!(out->recs = sh_calloc(1, sizeof *out->recs)))
		return SH_ENOMEM;
	if ((rc = sh_store_paper_get(s, code, &out->recs[0])))
		return rc;
	out->n = 1;
	if ((rc = sh_ledger_check_paper(s, code))) /* only what was signed */
		return rc;
	return sh_store_dossier_get(s, out->recs[0]->dossier, &out->dossier);
}

static int metadata(sh_buf *title, sh_buf *subject, sh_buf *keywords, const papers *p,
		    const char *code)
{
	char day[16] = "";
	time_t t = (time_t)p->dossier->received;
	struct tm tm;
	if (localtime_r(&t, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	int rc;
	if (p->n == 1 && strcmp(code, p->dossier->code))
		rc = sh_buf_printf(title, "%s %s", p->recs[0]->kind, p->recs[0]->code);
	else
		rc = sh_buf_printf(title, "Hồ sơ %s", p->dossier->code);
	rc = rc ? rc : sh_buf_printf(subject, "Hồ sơ %s; thủ tục %s; tiếp nhận %s; giấy tờ:",
				     p->dossier->code, p->dossier->procedure, day);
	for (size_t i = 0; i < p->n && !rc; i++) {
		rc = sh_buf_printf(subject, " %s", p->recs[i]->kind);
		rc = rc ? rc : sh_buf_printf(keywords, "%s%s", i ? ", " : "", p->recs[i]->code);
	}
	rc = rc ? rc : sh_buf_put(title, "", 1);
	rc = rc ? rc : sh_buf_put(subject, "", 1);
	rc = rc ? rc : sh_buf_put(keywords, "", 1);
	return rc;
}

/* The certification statement (lời chứng) as the copy's last page: what
 * the form of Thông tư 01/2020/TT-BTP asks (docs/PDF.md "Certified copies"). */
struct issue {
	sh_pdf *pdf;
	const papers *p;
	const char *code;
	const char *agency;
	uint8_t *file;
	size_t len;
};

static int issue_copy(void *arg, const sh_wh_cert *c, uint8_t sha[SH_SHA256_LEN])
{
	struct issue *is = arg;
	size_t pages = sh_pdf_pages(is->pdf);
	char what[512], number[160], day[256], log[256];
	time_t t = (time_t)c->when;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return sh_error_set(SH_EINVAL, "certification time out of range");
	const char *kind = is->p->n == 1 && strcmp(is->code, is->p->dossier->code)
				   ? is->p->recs[0]->kind
				   : NULL;
	if (kind)
		snprintf(what, sizeof what,
			 "Bản sao điện tử này gồm %zu trang trước trang lời chứng, được chụp từ bản "
			 "chính do người yêu cầu chứng thực xuất trình: giấy tờ loại %s, mã %s.",
			 pages, kind, is->code);
	else
		snprintf(what, sizeof what,
			 "Bản sao điện tử này gồm %zu trang trước trang lời chứng, được chụp từ bản "
			 "chính các giấy tờ do người yêu cầu chứng thực xuất trình, hồ sơ %s.",
			 pages, is->code);
	snprintf(number, sizeof number, "Số chứng thực: %u        Quyển số: %s/%04d-SCT/BS",
		 c->number, c->book, c->year);
	snprintf(day, sizeof day, "%s%sngày %02d tháng %02d năm %04d", c->place,
		 *c->place ? ", " : "", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
	snprintf(log, sizeof log,
		 "Tệp có chữ ký số PAdES của người thực hiện chứng thực; việc chứng thực được ghi "
		 "trong nhật ký có ký của kho dữ liệu %s (sự kiện \"certification\" về %s).",
		 is->agency ? is->agency : "", is->code);
	const sh_pdf_line lines[] = {
		{"LỜI CHỨNG CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH", 14, 1, 1, 0},
		{"(bản sao điện tử; Nghị định 23/2015/NĐ-CP, mẫu lời chứng của Thông tư "
		 "01/2020/TT-BTP)",
		 10, 0, 1, 2},
		{"Chứng thực bản sao đúng với bản chính.", 12, 1, 0, 24},
		{what, 12, 0, 0, 6},
		{number, 12, 0, 0, 10},
		{day, 12, 0, 2, 24},
		{"NGƯỜI THỰC HIỆN CHỨNG THỰC", 12, 1, 2, 6},
		{c->title, 12, 0, 2, 0},
		{"(Đã ký số)", 11, 0, 2, 4},
		{c->officer, 12, 1, 2, 24},
		{log, 9, 0, 0, 60},
	};
	int rc = sh_pdf_add_text_page(is->pdf, lines, sizeof lines / sizeof *lines);
	if (!rc)
		rc = sh_pdf_write_mem(is->pdf, &is->file, &is->len);
	if (!rc)
		sh_sha256(sha, is->file, is->len);
	return rc;
}

int sh_pdf_export(sh_store *s, const char *code, const char *path,
		  const sh_pdf_export_opts *opts, size_t *out_pages)
{
	papers p = {0};
	sh_pdf *pdf = NULL;
	sh_buf title = SH_BUF_INIT, subject = SH_BUF_INIT, keywords = SH_BUF_INIT;
	const char **codes = NULL;
	if (out_pages)
		*out_pages = 0;
	int rc = opts && opts->certify ? sh_wh_may(s, SH_WH_PERM_CERTIFY) : SH_OK;
	if (!rc)
		rc = load_papers(s, code, &p);
	if (!rc)
		rc = metadata(&title, &subject, &keywords, &p, code);
	if (rc)
		goto out;
	sh_pdf_meta meta = {.title = (const char *)title.data,
			    .author = p.dossier->agency,
			    .subject = (const char *)subject.data,
			    .keywords = (const char *)keywords.data,
			    .created = opts && opts->now ? opts->now : sh_now()};
	if ((rc = sh_pdf_new(&pdf, &meta)))
		goto out;
	if (opts && opts->signer &&
	    (rc = sh_pdf_set_signer(pdf, opts->signer, opts->sig_name, opts->sig_reason)))
		goto out;
	if (opts && opts->tsa_url && (rc = sh_pdf_set_tsa(pdf, opts->tsa_url)))
		goto out;
	for (size_t i = 0; i < p.n && !rc; i++) {
		const sh_store_paper_rec *r = p.recs[i];
		for (size_t k = 0; k < r->npages && !rc; k++) {
			const sh_store_page_rec *pg = &r->pages[k];
			uint8_t *img = NULL, *hocr = NULL;
			size_t img_len = 0, hocr_len = 0;
			rc = sh_store_blob_get(s, pg->image_sha, &img, &img_len);
			if (!rc && pg->has_hocr)
				rc = sh_store_blob_get(s, pg->hocr_sha, &hocr, &hocr_len);
			if (!rc) {
				sh_pdf_page in = {.image = img,
						  .image_len = img_len,
						  .mime = pg->mime,
						  .dpi = pg->dpi,
						  .rotation = pg->rotation,
						  .hocr = (const char *)hocr,
						  .hocr_len = hocr_len,
						  .text = pg->text,
						  .skew_unknown = !!(pg->flags & SH_PAGE_DESKEWED)};
				rc = sh_pdf_add_page(pdf, &in);
				if (rc)
					rc = sh_error_wrap(rc, "%s page %zu", r->code, k + 1);
			}
			sh_free(img);
			sh_free(hocr);
		}
	}
	if (rc)
		goto out;
	if (!(codes = sh_calloc(p.n, sizeof *codes))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p.n; i++)
		codes[i] = p.recs[i]->code;
	if (!(opts && opts->audited))
		rc = sh_wh_audit_reads(s, opts ? opts->user : NULL,
				  opts && opts->command ? opts->command : "export-pdf", codes, p.n,
				  p.dossier->code, 0);
	if (!rc && opts && opts->certify) {
		struct issue is = {pdf, &p, code, p.dossier->agency, NULL, 0};
		sh_wh_cert tmp, *c = opts->cert ? opts->cert : &tmp;
		if (!opts->signer)
			rc = sh_error_set(SH_EINVAL, "a certified copy must be signed (--sign)");
		if (!rc)
			rc = sh_wh_certify(s, opts->log_key, opts->certify, issue_copy, &is, c);
		if (!rc)
			rc = sh_file_write(path, is.file, is.len);
		sh_free(is.file);
	} else if (!rc) {
		rc = sh_pdf_write(pdf, path);
	}
	if (!rc && out_pages)
		*out_pages = sh_pdf_pages(pdf);
out:
	sh_free(codes);
	sh_pdf_free(&pdf);
	sh_buf_free(&title);
	sh_buf_free(&subject);
	sh_buf_free(&keywords);
	papers_free(&p);
	return rc;
}
