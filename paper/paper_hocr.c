/* The words of Tesseract's hOCR with their boxes (paper_hocr.h). A small
 * scanner, not an HTML parser: it reads only what Tesseract writes. */
#include "paper_hocr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int paper_hocr_words(paper_hword **out, size_t *n, const char *text, const char *hocr, size_t cap, int trim)
{
	*out = NULL;
	*n = 0;
	paper_hword *v = NULL;
	size_t nv = 0, vcap = 0, at = 0;
	const char *p = hocr, *line = NULL;
	/* the next page and line openings, found once each (not per word) */
	const char *np = strstr(hocr, "class='ocr_page'"), *nl = strstr(hocr, "id='line_");
	int page = -1;
	if (cap > sizeof v->t)
		cap = sizeof v->t;
	for (const char *wd; (wd = strstr(p, "ocrx_word"));) {
		for (; np && np < wd; np = strstr(np + 16, "class='ocr_page'"))
			page++;
		for (; nl && nl < wd; nl = strstr(nl + 9, "id='line_"))
			line = nl;
		const char *tag_end = strchr(wd, '>');
		if (!tag_end)
			break;
		p = tag_end + 1;
		paper_hword w = {.b.page = page < 0 ? 0 : page, .line = line, .conf = -1};
		const char *bb = strstr(wd, "bbox "), *wc = strstr(wd, "x_wconf ");
		if (!bb || bb > tag_end || sscanf(bb + 5, "%d %d %d %d", &w.b.x0, &w.b.y0, &w.b.x1, &w.b.y1) != 4)
			continue;
		if (wc && wc < tag_end)
			w.conf = atoi(wc + 8);
		while (*p == '<') {
			const char *e = strchr(p, '>');
			if (!e)
				break;
			p = e + 1;
		}
		long tl = paper_hocr_span_text(w.t, cap, p);
		while (trim && tl > 0 && strchr(".,;:", w.t[tl - 1]))
			w.t[--tl] = 0;
		if (tl <= 0)
			continue;
		const char *hit = text ? strstr(text + at, w.t) : NULL;
		if (!text) { /* boxes only: every word counts as found */
			w.len = (size_t)tl;
		} else if (hit) {
			w.off = (size_t)(hit - text);
			w.len = (size_t)tl;
			at = w.off + w.len;
		}
		if (nv == vcap) {
			size_t nc = vcap ? 2 * vcap : 128;
			paper_hword *g = sh_realloc(v, nc * sizeof *g);
			if (!g) {
				sh_free(v);
				return SH_ENOMEM;
			}
			v = g;
			vcap = nc;
		}
		v[nv++] = w;
	}
	*out = v;
	*n = nv;
	return SH_OK;
}
