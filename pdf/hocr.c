/* pdf/hocr.c — the word boxes of a Tesseract hOCR page: the ocr_page bbox,
 * every ocr_line's bbox and the ocrx_word spans in it (title "bbox x0 y0 x1
 * y1; ..."), word text with tags removed and the five XML entities and
 * numeric references decoded. Anything else in the markup is skipped. The
 * input is stored data but parsed as untrusted (fuzz_pdf_hocr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_int.h"
#include "sh_common.h"
#include "sh_pdf.h"

void pdf_hocr_clear(pdf_hocr *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nwords; i++)
		sh_free(h->words[i].text);
	sh_free(h->words);
	memset(h, 0, sizeof *h);
}

/* The bbox in the title attribute of the tag that starts at tag (up to
 * end). 1 found, 0 none, <0 malformed. */
static int tag_bbox(const char *tag, const char *end, int box[4])
{
	const char *t = NULL;
	for (const char *p = tag; p + 6 < end; p++)
		if (!memcmp(p, "title=", 6)) {
			t = p + 6;
			break;
		}
	if (!t)
		return 0;
	const char *b = NULL;
	for (const char *p = t; p + 5 < end && *p != '>'; p++)
		if (!memcmp(p, "bbox ", 5)) {
			b = p + 5;
			break;
		}
	if (!b)
		return 0;
	for (int i = 0; i < 4; i++) {
		while (b < end && *b == ' ')
			b++;
		long v = 0;
		int digits = 0;
		while (b < end && *b >= '0' && *b <= '9' && digits < 7) {
			v = v * 10 + (*b++ - '0');
			digits++;
		}
		if (!digits)
			return sh_error_set(SH_EINVAL, "hOCR: malformed bbox");
		box[i] = (int)v;
	}
	if (box[2] < box[0] || box[3] < box[1])
		return sh_error_set(SH_EINVAL, "hOCR: bbox with negative size");
	return 1;
}

/* "baseline s b" in the tag's title: 1 found, 0 none. */
static int tag_baseline(const char *tag, const char *end, double *slope, double *base)
{
	for (const char *p = tag; p + 9 < end && *p != '>'; p++)
		if (!memcmp(p, "baseline ", 9)) {
			char buf[64];
			size_t n = (size_t)(end - p - 9) < sizeof buf - 1 ? (size_t)(end - p - 9)
									 : sizeof buf - 1;
			memcpy(buf, p + 9, n);
			buf[n] = 0;
			double a, b;
			if (sscanf(buf, "%lf %lf", &a, &b) != 2 || !(a > -1 && a < 1) ||
			    !(b > -10000 && b <= 0))
				return 0;
			*slope = a;
			*base = b;
			return 1;
		}
	return 0;
}

static const char *find(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	for (; p + n <= end; p++)
		if (*p == *s && !memcmp(p, s, n))
			return p;
	return NULL;
}

static int put_utf8(sh_buf *b, unsigned long c)
{
	char u[4];
	size_t n;
	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return sh_error_set(SH_EINVAL, "hOCR: bad character reference");
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	return sh_buf_put(b, u, n);
}

/* Word text between > and </span>, tags removed, entities decoded. */
static int word_text(char **out, const char *p, const char *end)
{
	sh_buf b = SH_BUF_INIT;
	int rc = SH_OK;
	while (p < end && !rc) {
		if (*p == '<') {
			const char *q = memchr(p, '>', (size_t)(end - p));
			if (!q)
				break;
			p = q + 1;
		} else if (*p == '&') {
			const char *q = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);
			if (!q) {
				rc = sh_error_set(SH_EINVAL, "hOCR: unterminated entity");
				break;
			}
			size_t n = (size_t)(q - p - 1);
			const char *e = p + 1;
			if (n == 3 && !memcmp(e, "amp", 3))
				rc = sh_buf_put(&b, "&", 1);
			else if (n == 2 && !memcmp(e, "lt", 2))
				rc = sh_buf_put(&b, "<", 1);
			else if (n == 2 && !memcmp(e, "gt", 2))
				rc = sh_buf_put(&b, ">", 1);
			else if (n == 4 && !memcmp(e, "quot", 4))
				rc = sh_buf_put(&b, "\"", 1);
			else if (n == 4 && !memcmp(e, "apos", 4))
				rc = sh_buf_put(&b, "'", 1);
			else if (n >= 2 && e[0] == '#') {
				unsigned long c = 0;
				int hex = e[1] == 'x' || e[1] == 'X';
				size_t k = hex ? 2 : 1;
				if (k >= n)
					rc = sh_error_set(SH_EINVAL, "hOCR: bad character reference");
				for (; k < n && !rc; k++) {
					int d = e[k] >= '0' && e[k] <= '9'	       ? e[k] - '0'
						: hex && e[k] >= 'a' && e[k] <= 'f' ? e[k] - 'a' + 10
						: hex && e[k] >= 'A' && e[k] <= 'F' ? e[k] - 'A' + 10
											: -1;
					if (d < 0)
						rc = sh_error_set(SH_EINVAL, "hOCR: bad character reference");
					c = c * (hex ? 16 : 10) + (unsigned long)d;
				}
				if (!rc)
					rc = put_utf8(&b, c);
			} else {
				rc = sh_error_set(SH_EINVAL, "hOCR: unknown entity");
			}
			p = q + 1;
		} else {
			rc = sh_buf_put(&b, p, 1);
			p++;
		}
	}
	if (!rc && b.len && !sh_text_valid((const char *)b.data, b.len))
		rc = sh_error_set(SH_EINVAL, "hOCR: word is not UTF-8");
	if (!rc)
		rc = sh_buf_put(&b, "", 1);
	if (rc) {
		sh_buf_free(&b);
		return rc;
	}
	*out = sh_buf_detach(&b);
	return *out ? SH_OK : SH_ENOMEM;
}

int pdf_hocr_parse(pdf_hocr *out, const char *s, size_t len)
{
	memset(out, 0, sizeof *out);
	if (len > SH_PDF_MAX_HOCR)
		return sh_error_set(SH_ELIMIT, "hOCR of %zu bytes is over the limit", len);
	const char *p = s, *end = s + len;
	int line[4] = {0, 0, 0, 0}, rc = SH_OK;
	double slope = 0, base = 0;
	size_t nline = 0, cap = 0;
	int have_line = 0;
	while (p < end && !rc) {
		const char *cls = find(p, end, "class=");
		if (!cls)
			break;
		const char *v = cls + 6;
		if (v < end && (*v == '\'' || *v == '"'))
			v++;
		/* the start of this tag, for its title */
		const char *tag = cls;
		while (tag > s && *tag != '<' && cls - tag < 4096)
			tag--;
		const char *tend = memchr(cls, '>', (size_t)(end - cls));
		if (!tend)
			break;
		int box[4];
		size_t rest = (size_t)(end - v);
		if (rest >= 8 && !memcmp(v, "ocr_page", 8)) {
			if ((rc = tag_bbox(tag, tend, box)) < 0)
				break;
			if (rc == 1) {
				out->page_w = box[2];
				out->page_h = box[3];
			}
			rc = SH_OK;
		} else if ((rest >= 8 && !memcmp(v, "ocr_line", 8)) ||
			   (rest >= 11 && !memcmp(v, "ocr_caption", 11)) ||
			   (rest >= 10 && !memcmp(v, "ocr_header", 10)) ||
			   (rest >= 11 && !memcmp(v, "ocr_textfloat", 11))) {
			if ((rc = tag_bbox(tag, tend, box)) < 0)
				break;
			if (rc == 1) {
				memcpy(line, box, sizeof line);
				if (!tag_baseline(tag, tend, &slope, &base))
					slope = base = 0;
				if (have_line)
					nline++;
				have_line = 1;
			}
			rc = SH_OK;
		} else if (rest >= 9 && !memcmp(v, "ocrx_word", 9)) {
			int has_box = tag_bbox(tag, tend, box);
			if (has_box < 0) {
				rc = has_box;
				break;
			}
			const char *close = find(tend, end, "</span>");
			if (!close) {
				rc = sh_error_set(SH_EINVAL, "hOCR: unterminated word");
				break;
			}
			char *text = NULL;
			if ((rc = word_text(&text, tend + 1, close)))
				break;
			if (!*text || !has_box) {
				sh_free(text);
			} else if (out->nwords >= SH_PDF_MAX_WORDS) {
				sh_free(text);
				rc = sh_error_set(SH_ELIMIT, "hOCR page has over %d words", SH_PDF_MAX_WORDS);
				break;
			} else {
				if (out->nwords == cap) {
					size_t nc = cap ? cap * 2 : 256;
					pdf_word *nw = sh_realloc(out->words, nc * sizeof *nw);
					if (!nw) {
						sh_free(text);
						rc = SH_ENOMEM;
						break;
					}
					out->words = nw;
					cap = nc;
				}
				pdf_word *w = &out->words[out->nwords++];
				w->x0 = box[0];
				w->y0 = box[1];
				w->x1 = box[2];
				w->y1 = box[3];
				if (have_line) {
					w->lx0 = line[0];
					w->ly0 = line[1];
					w->lx1 = line[2];
					w->ly1 = line[3];
					w->slope = slope;
					w->base = base;
				} else {
					w->lx0 = box[0];
					w->ly0 = box[1];
					w->lx1 = box[2];
					w->ly1 = box[3];
				}
				w->line = nline;
				w->text = text;
			}
			p = close + 7;
			continue;
		}
		p = tend + 1;
	}
	if (rc)
		pdf_hocr_clear(out);
	return rc;
}
