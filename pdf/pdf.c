/* pdf/pdf.c — a document: pages (image + invisible text), metadata, XMP. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <leptonica/allheaders.h>

#include "pdf_int.h"
#include "sh_pdf.h"

#define SIG_SPACE 16384 /* bytes kept for the CMS: chain of a few certificates */

static int load(uint8_t **out, size_t *len, const char *env, const char *def, const char *what)
{
	const char *path = getenv(env);
	if (!path || !*path)
		path = def;
	int rc = sh_file_read(out, len, path, 16u << 20);
	if (rc)
		return sh_error_wrap(rc, "the %s for PDF/A (%s; install %s or set %s)", what, path,
				     !strcmp(env, "SOHOA_PDF_ICC") ? "icc-profiles-free" : "libtesseract5", env);
	return SH_OK;
}

int sh_pdf_new(sh_pdf **out, const sh_pdf_meta *meta)
{
	*out = NULL;
	pdf_quiet();
	sh_pdf *d = sh_calloc(1, sizeof *d);
	uint8_t *icc = NULL, *font = NULL;
	size_t icc_len = 0, font_len = 0;
	if (!d)
		return SH_ENOMEM;
	int rc = load(&icc, &icc_len, "SOHOA_PDF_ICC", SH_PDF_ICC_PATH, "sRGB colour profile");
	if (!rc)
		rc = load(&font, &font_len, "SOHOA_PDF_FONT", SH_PDF_FONT_PATH, "text layer font");
	if (!rc && (icc_len < 128 || memcmp(icc + 36, "acsp", 4) || memcmp(icc + 16, "RGB ", 4)))
		rc = sh_error_set(SH_EINVAL, "the sRGB colour profile is not an RGB ICC profile");
	if (!rc)
		rc = pdfw_new(&d->w, icc, icc_len, font, font_len);
	sh_free(icc);
	sh_free(font);
	if (!rc && meta) {
		const char *src[4] = {meta->title, meta->author, meta->subject, meta->keywords};
		char **dst[4] = {&d->title, &d->author, &d->subject, &d->keywords};
		for (int i = 0; i < 4 && !rc; i++)
			if (src[i] && !sh_text_valid(src[i], strlen(src[i])))
				rc = sh_error_set(SH_EINVAL, "PDF metadata is not UTF-8");
			else if (src[i] && !(*dst[i] = sh_strdup(src[i])))
				rc = SH_ENOMEM;
		d->created = meta->created;
	}
	if (rc) {
		sh_pdf_free(&d);
		return rc;
	}
	*out = d;
	return SH_OK;
}

void sh_pdf_free(sh_pdf **pdf)
{
	if (!pdf || !*pdf)
		return;
	sh_pdf *d = *pdf;
	pdfw_free(&d->w);
	sh_free(d->title);
	sh_free(d->author);
	sh_free(d->subject);
	sh_free(d->keywords);
	sh_free(d->sig_name);
	sh_free(d->sig_reason);
	sh_free(d);
	*pdf = NULL;
}

size_t sh_pdf_pages(const sh_pdf *pdf) { return pdf->pages; }
const char *sh_pdf_last_encoding(const sh_pdf *pdf) { return pdf->last_enc ? pdf->last_enc : ""; }

/* Next code point of UTF-8 (already validated). */
static unsigned long next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned long c;
	int n;
	if (p[0] < 0x80) {
		c = p[0];
		n = 1;
	} else if (p[0] < 0xE0) {
		c = p[0] & 0x1F;
		n = 2;
	} else if (p[0] < 0xF0) {
		c = p[0] & 0x0F;
		n = 3;
	} else {
		c = p[0] & 0x07;
		n = 4;
	}
	for (int i = 1; i < n && p[i]; i++)
		c = (c << 6) | (p[i] & 0x3F);
	*s += n;
	return c;
}

/* <hex> of a word's UTF-16 units (BMP only; others dropped); *n units. */
static int put_hex(sh_buf *b, const char *s, int space, size_t *n)
{
	int rc = sh_buf_put(b, "<", 1);
	*n = 0;
	while (*s && !rc) {
		unsigned long c = next_cp(&s);
		if (c > 0xFFFF || c < 0x20)
			continue;
		rc = sh_buf_printf(b, "%04lX", c);
		(*n)++;
	}
	if (!rc && space)
		rc = sh_buf_puts(b, "0020");
	if (!rc)
		rc = sh_buf_puts(b, "> Tj\n");
	return rc;
}

/* The skew the OCR clean-up corrected (ocr/clean.c step 8), measured the
 * same way on the stored page: grey, turned upright, reduced to about 150
 * dpi, thresholded, Leptonica's sweep-and-search over +-7 degrees. */
static double skew_estimate(const sh_pdf_page *pg, double idpi)
{
	int factor = (int)((idpi + 75) / 150);
	PIX *p = NULL, *g = NULL, *r = NULL, *s = NULL, *b = NULL;
	float angle = 0, conf = 0;
	if (pg->image_len > 2 && pg->image[0] == 0xFF && pg->image[1] == 0xD8 &&
	    (factor == 2 || factor == 4)) {
		/* libjpeg decodes the luminance straight at the reduced size */
		p = pixReadMemJpeg(pg->image, pg->image_len, 0, factor, NULL, L_JPEG_READ_LUMINANCE);
		if (p)
			factor = 1;
	}
	if (!p)
		p = pixReadMem(pg->image, pg->image_len);
	if (p)
		g = pixConvertTo8(p, 0);
	if (g)
		r = pg->rotation ? pixRotateOrth(g, pg->rotation / 90) : pixClone(g);
	if (r)
		s = factor <= 1	  ? pixClone(r)
		    : factor == 2 ? pixScaleAreaMap2(r)
				  : pixScaleAreaMap(r, 1.0f / (float)factor, 1.0f / (float)factor);
	if (s)
		b = pixThresholdToBinary(s, 128);
	if (!b || pixFindSkewSweepAndSearch(b, &angle, &conf, 2, 1, 7.0f, 1.0f, 0.01f) ||
	    conf < 3.0f || fabsf(angle) < 0.1f)
		angle = 0;
	pixDestroy(&b);
	pixDestroy(&s);
	pixDestroy(&r);
	pixDestroy(&g);
	pixDestroy(&p);
	return angle;
}

static int text_layer(sh_buf *c, const pdf_hocr *h, const sh_pdf_page *pg, double wpt,
		      double hpt, double wr, double hr, double skew)
{
	int rc = sh_buf_puts(c, "q\n");
	switch (pg->rotation) {
	case 90:
		rc = rc ? rc : sh_buf_printf(c, "0 1 -1 0 %.3f 0 cm\n", wpt);
		break;
	case 180:
		rc = rc ? rc : sh_buf_printf(c, "-1 0 0 -1 %.3f %.3f cm\n", wpt, hpt);
		break;
	case 270:
		rc = rc ? rc : sh_buf_printf(c, "0 -1 1 0 0 %.3f cm\n", hpt);
		break;
	default:
		break;
	}
	if (skew != 0) {
		/* the words were found on the page turned clockwise by skew
		 * about its centre: turn them back */
		double t = skew * M_PI / 180, co = cos(t), si = sin(t), cx = wr / 2, cy = hr / 2;
		rc = rc ? rc : sh_buf_printf(c, "%.6f %.6f %.6f %.6f %.3f %.3f cm\n", co, si, -si, co,
					     cx - co * cx + si * cy, cy - si * cx - co * cy);
	}
	rc = rc ? rc : sh_buf_puts(c, "BT\n3 Tr\n");
	if (h && h->nwords) {
		double sx = wr / h->page_w, sy = hr / h->page_h;
		for (size_t i = 0; i < h->nwords && !rc; i++) {
			const pdf_word *w = &h->words[i];
			/* glyphs from the baseline (Tesseract's, in the line's
			 * title) up to the top of the line's box */
			double by = w->ly1 + w->base + w->slope * (w->x0 - w->lx0);
			if (by <= w->ly0)
				by = w->ly1;
			double fs = (by - w->ly0) * sy;
			if (fs < 1)
				fs = 1;
			double x = w->x0 * sx, y = hr - by * sy, ww = (w->x1 - w->x0) * sx;
			int space = i + 1 < h->nwords && h->words[i + 1].line == w->line;
			sh_buf word = SH_BUF_INIT;
			size_t n = 0;
			rc = put_hex(&word, w->text, space, &n);
			if (!rc && n > 0) {
				double tz = 100.0 * ww / ((double)n * fs * 0.5);
				if (tz < 1)
					tz = 1;
				rc = sh_buf_printf(c, "/F1 %.2f Tf %.2f Tz 1 0 0 1 %.3f %.3f Tm ", fs, tz, x, y);
				if (!rc)
					rc = sh_buf_put(c, word.data, word.len);
			}
			sh_buf_free(&word);
		}
	} else if (pg->text && *pg->text) {
		/* no positions: the lines from the top, 10 pt, so the words can
		 * still be found and copied */
		const char *s = pg->text;
		double y = hr - 20;
		while (*s && !rc && y > 0) {
			const char *e = strchr(s, '\n');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			char *ln = sh_strndup(s, len);
			if (!ln)
				return SH_ENOMEM;
			size_t n = 0;
			rc = sh_buf_printf(c, "/F1 10 Tf 100 Tz 1 0 0 1 20 %.3f Tm ", y);
			if (!rc)
				rc = put_hex(c, ln, 0, &n);
			sh_free(ln);
			y -= 12;
			s += len + (e ? 1 : 0);
		}
	}
	if (!rc)
		rc = sh_buf_puts(c, "ET\nQ\n");
	return rc;
}

int sh_pdf_add_page(sh_pdf *pdf, const sh_pdf_page *pg)
{
	if (pdf->pages >= SH_PDF_MAX_PAGES)
		return sh_error_set(SH_ELIMIT, "a PDF holds at most %d pages", SH_PDF_MAX_PAGES);
	if (pg->rotation != 0 && pg->rotation != 90 && pg->rotation != 180 && pg->rotation != 270)
		return sh_error_set(SH_EINVAL, "page rotation %d is not 0, 90, 180 or 270",
				    pg->rotation);
	if (pg->text && !sh_text_valid(pg->text, strlen(pg->text)))
		return sh_error_set(SH_EINVAL, "page text is not UTF-8");
	pdf_img img;
	pdf_hocr h;
	memset(&h, 0, sizeof h);
	sh_buf c = SH_BUF_INIT;
	int rc = pdf_img_from_bytes(&img, pg->image, pg->image_len, pg->mime);
	if (rc)
		return rc;
	if (pg->hocr && (rc = pdf_hocr_parse(&h, pg->hocr, pg->hocr_len)))
		goto out;
	int W = img.width, H = img.height;
	int Wr = pg->rotation % 180 ? H : W, Hr = pg->rotation % 180 ? W : H;
	if (h.page_w <= 0 || h.page_h <= 0) {
		h.page_w = Wr;
		h.page_h = Hr;
	}
	double idpi;
	/* the page's own resolution as stored (receive/ records the source's,
	 * not the clean-up's); the hOCR is placed by its own page size, so an
	 * upscaled recognition does not change the page's size */
	idpi = pg->dpi > 0 ? pg->dpi : img.dpi > 0 ? img.dpi : 300;
	if (idpi < 10 || idpi > 10000) {
		rc = sh_error_set(SH_EINVAL, "page resolution %.0f dpi is not plausible", idpi);
		goto out;
	}
	double wpt = W * 72.0 / idpi, hpt = H * 72.0 / idpi;
	double wr = Wr * 72.0 / idpi, hr = Hr * 72.0 / idpi;
	if (wpt > 14400 || hpt > 14400) {
		rc = sh_error_set(SH_ELIMIT, "page of %.0fx%.0f points is over PDF's 14400", wpt, hpt);
		goto out;
	}
	double skew = pg->skew;
	if (pg->skew_unknown && h.nwords)
		skew = skew_estimate(pg, idpi);
	if ((rc = text_layer(&c, &h, pg, wpt, hpt, wr, hr, skew)))
		goto out;
	if ((rc = pdfw_add_page(pdf->w, &img, wpt, hpt, pg->rotation, (const char *)c.data, c.len)))
		goto out;
	pdf->pages++;
	pdf->last_enc = img.encoding;
out:
	sh_buf_free(&c);
	pdf_hocr_clear(&h);
	pdf_img_clear(&img);
	return rc;
}

static int xml_put(sh_buf *b, const char *s)
{
	int rc = SH_OK;
	for (; s && *s && !rc; s++) {
		switch (*s) {
		case '&': rc = sh_buf_puts(b, "&amp;"); break;
		case '<': rc = sh_buf_puts(b, "&lt;"); break;
		case '>': rc = sh_buf_puts(b, "&gt;"); break;
		case '"': rc = sh_buf_puts(b, "&quot;"); break;
		default:
			/* XML 1.0 has no control characters but tab and newlines */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
				rc = sh_buf_puts(b, " ");
			else
				rc = sh_buf_put(b, s, 1);
		}
	}
	return rc;
}

static int make_xmp(sh_buf *x, const sh_pdf *d, const char *iso, const char *creator,
		    const char *producer)
{
	int rc = sh_buf_puts(x,
		"<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
		"<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
		"<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\n"
		"</rdf:Description>\n"
		"<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
		"<dc:format>application/pdf</dc:format>\n");
	if (!rc && d->title) {
		rc = sh_buf_puts(x, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		rc = rc ? rc : xml_put(x, d->title);
		rc = rc ? rc : sh_buf_puts(x, "</rdf:li></rdf:Alt></dc:title>\n");
	}
	if (!rc && d->author) {
		rc = sh_buf_puts(x, "<dc:creator><rdf:Seq><rdf:li>");
		rc = rc ? rc : xml_put(x, d->author);
		rc = rc ? rc : sh_buf_puts(x, "</rdf:li></rdf:Seq></dc:creator>\n");
	}
	if (!rc && d->subject) {
		rc = sh_buf_puts(x, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		rc = rc ? rc : xml_put(x, d->subject);
		rc = rc ? rc : sh_buf_puts(x, "</rdf:li></rdf:Alt></dc:description>\n");
	}
	rc = rc ? rc : sh_buf_puts(x, "</rdf:Description>\n"
				   "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
				   "<pdf:Producer>");
	rc = rc ? rc : xml_put(x, producer);
	rc = rc ? rc : sh_buf_puts(x, "</pdf:Producer>\n");
	if (!rc && d->keywords) {
		rc = sh_buf_puts(x, "<pdf:Keywords>");
		rc = rc ? rc : xml_put(x, d->keywords);
		rc = rc ? rc : sh_buf_puts(x, "</pdf:Keywords>\n");
	}
	rc = rc ? rc : sh_buf_puts(x, "</rdf:Description>\n"
				   "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
				   "<xmp:CreatorTool>");
	rc = rc ? rc : xml_put(x, creator);
	rc = rc ? rc : sh_buf_printf(x, "</xmp:CreatorTool>\n<xmp:CreateDate>%s</xmp:CreateDate>\n"
				     "<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
				     "<xmp:MetadataDate>%s</xmp:MetadataDate>\n"
				     "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n",
				     iso, iso, iso);
	/* room for editing in place, as XMP asks */
	for (int i = 0; i < 20 && !rc; i++)
		rc = sh_buf_puts(x, "                                                                                                   \n");
	rc = rc ? rc : sh_buf_puts(x, "<?xpacket end=\"w\"?>");
	rc = rc ? rc : sh_buf_put(x, "", 1);
	return rc;
}

int sh_pdf_set_signer(sh_pdf *pdf, const sh_pdf_signer *signer, const char *name,
		      const char *reason)
{
	char *n = NULL, *r = NULL;
	if ((name && !sh_text_valid(name, strlen(name))) ||
	    (reason && !sh_text_valid(reason, strlen(reason))))
		return sh_error_set(SH_EINVAL, "signer name or reason is not UTF-8");
	if ((name && !(n = sh_strdup(name))) || (reason && !(r = sh_strdup(reason)))) {
		sh_free(n);
		return SH_ENOMEM;
	}
	sh_free(pdf->sig_name);
	sh_free(pdf->sig_reason);
	pdf->signer = signer;
	pdf->sig_name = n;
	pdf->sig_reason = r;
	return SH_OK;
}

int sh_pdf_set_tsa(sh_pdf *pdf, const char *url)
{
	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
		return sh_error_set(SH_EINVAL, "time-stamp authority '%.80s': give an http:// or "
					       "https:// URL",
				    url ? url : "");
	pdf->tsa_url = url;
	return SH_OK;
}

static const uint8_t *mem_find(const uint8_t *h, size_t hl, const char *n, size_t from)
{
	size_t nl = strlen(n);
	for (size_t i = from; i + nl <= hl; i++)
		if (h[i] == (uint8_t)n[0] && !memcmp(h + i, n, nl))
			return h + i;
	return NULL;
}

/* Fill the ByteRange and /Contents placeholders the writer left: the CMS
 * covers every byte but the hex string <...> itself. */
static int sign_file(const sh_pdf_signer *signer, const char *tsa, uint8_t *f, size_t n)
{
	const uint8_t *br = mem_find(f, n, "9999999999", 0);
	const uint8_t *c = br ? mem_find(f, n, "/Contents <", (size_t)(br - f)) : NULL;
	if (!c)
		c = mem_find(f, n, "/Contents <", 0);
	if (!br || !c)
		return sh_error_set(SH_ERROR, "signature placeholders not found in the PDF");
	size_t lt = (size_t)(c - f) + 10, gt = lt + 1;
	while (gt < n && f[gt] == '0')
		gt++;
	if (gt >= n || f[gt] != '>' || gt - lt - 1 != 2 * SIG_SPACE)
		return sh_error_set(SH_ERROR, "signature contents placeholder malformed");
	size_t open = (size_t)(br - f), close = open;
	while (open > 0 && f[open] != '[')
		open--;
	while (close < n && f[close] != ']')
		close++;
	if (close >= n)
		return sh_error_set(SH_ERROR, "ByteRange placeholder malformed");
	size_t b2 = gt + 1, l2 = n - b2;
	char r[80];
	int k = snprintf(r, sizeof r, "[0 %zu %zu %zu", lt, b2, l2);
	if (k < 0 || (size_t)k > close - open)
		return sh_error_set(SH_ERROR, "ByteRange does not fit");
	memset(f + open, ' ', close - open);
	memcpy(f + open, r, (size_t)k);
	uint8_t *data = sh_malloc(lt + l2 ? lt + l2 : 1), *cms = NULL;
	size_t cms_len = 0;
	if (!data)
		return SH_ENOMEM;
	memcpy(data, f, lt);
	memcpy(data + lt, f + b2, l2);
	int rc = pdf_cms_sign(signer, data, lt + l2, tsa, &cms, &cms_len);
	sh_free(data);
	if (rc)
		return rc;
	if (cms_len > SIG_SPACE) {
		sh_free(cms);
		return sh_error_set(SH_ELIMIT, "the signature (%zu bytes) is over the %d kept for it",
				    cms_len, SIG_SPACE);
	}
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < cms_len; i++) {
		f[lt + 1 + 2 * i] = (uint8_t)hex[cms[i] >> 4];
		f[lt + 2 + 2 * i] = (uint8_t)hex[cms[i] & 15];
	}
	sh_free(cms);
	return SH_OK;
}

int sh_pdf_write_mem(sh_pdf *pdf, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (!pdf->pages)
		return sh_error_set(SH_EINVAL, "a PDF needs at least one page");
	time_t t = (time_t)(pdf->created ? pdf->created : sh_now());
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return sh_error_set(SH_EINVAL, "creation time out of range");
	char date[40], iso[40];
	strftime(date, sizeof date, "D:%Y%m%d%H%M%S+00'00'", &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	const char *creator = "sohoa " SOHOA_VERSION;
	const char *producer = "sohoa " SOHOA_VERSION " with qpdf";
	sh_buf x = SH_BUF_INIT;
	int rc = make_xmp(&x, pdf, iso, creator, producer);
	if (!rc) {
		pdfw_info info = {pdf->title, pdf->author, pdf->subject, pdf->keywords,
				  creator, producer, date, (const char *)x.data,
				  pdf->signer ? SIG_SPACE : 0, pdf->sig_name, pdf->sig_reason};
		rc = pdfw_write(pdf->w, &info, out, out_len);
		if (!rc && pdf->signer && (rc = sign_file(pdf->signer, pdf->tsa_url, *out, *out_len))) {
			sh_free(*out);
			*out = NULL;
			*out_len = 0;
		}
	}
	sh_buf_free(&x);
	return rc;
}

int sh_pdf_write(sh_pdf *pdf, const char *path)
{
	uint8_t *b = NULL;
	size_t n = 0;
	int rc = sh_pdf_write_mem(pdf, &b, &n);
	if (!rc)
		rc = sh_file_write(path, b, n);
	sh_free(b);
	return rc;
}
