/* Word confidences from hOCR (Tesseract's ocrx_word spans with x_wconf),
 * located in the page text. A small scanner, not an HTML parser: it reads
 * only what Tesseract writes, and skips anything else. */
#include "paper_int.h"

#include <stdlib.h>
#include <string.h>

/* Text of one span's content (up to '<'), entities &amp; &lt; &gt; &quot;
 * &#39; decoded, into dst (cap bytes); its length, or -1 if too long. */
static long span_text(char *dst, size_t cap, const char *s)
{
	static const struct {
		const char *ent, *ch;
	} ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}};
	size_t o = 0;
	while (*s && *s != '<') {
		const char *put = s;
		size_t pn = 1, adv = 1;
		if (*s == '&')
			for (size_t e = 0; e < sizeof ents / sizeof *ents; e++)
				if (!strncmp(s, ents[e].ent, strlen(ents[e].ent))) {
					put = ents[e].ch;
					adv = strlen(ents[e].ent);
					break;
				}
		if (o + pn >= cap)
			return -1;
		memcpy(dst + o, put, pn);
		o += pn;
		s += adv;
	}
	dst[o] = 0;
	return (long)o;
}

int sh_paper_hocr_words(sh_paper_word **out, size_t *n, const char *text, const char *hocr)
{
	*out = NULL;
	*n = 0;
	if (!text || !hocr)
		return sh_error_set(SH_EINVAL, "hOCR words need a text and an hOCR");
	size_t tlen = strlen(text), hlen = strlen(hocr);
	if (tlen > SH_PAPER_TEXT_MAX || hlen > 8 * SH_PAPER_TEXT_MAX)
		return sh_error_set(SH_ELIMIT, "text or hOCR over the limit");
	sh_paper_word *v = NULL;
	size_t nv = 0, cap = 0, at = 0;
	const char *p = hocr;
	while ((p = strstr(p, "ocrx_word"))) {
		p += 9;
		const char *tag_end = strchr(p, '>');
		if (!tag_end)
			break;
		const char *wc = strstr(p, "x_wconf ");
		if (!wc || wc > tag_end)
			continue;
		int conf = atoi(wc + 8);
		if (conf < 0 || conf > 100)
			continue;
		/* the word's text: after the tag and any inner tags (<strong>) */
		const char *c = tag_end + 1;
		while (*c == '<') {
			const char *e = strchr(c, '>');
			if (!e)
				break;
			c = e + 1;
		}
		char w[256];
		long wl = span_text(w, sizeof w, c);
		p = c;
		if (wl <= 0)
			continue;
		const char *hit = strstr(text + at, w);
		if (!hit)
			continue;
		if (nv == cap) {
			size_t nc = cap ? cap * 2 : 64;
			sh_paper_word *nvv = sh_realloc(v, nc * sizeof *nvv);
			if (!nvv) {
				sh_free(v);
				return sh_error_set(SH_ENOMEM, "out of memory reading hOCR words");
			}
			v = nvv;
			cap = nc;
		}
		v[nv++] = (sh_paper_word){(size_t)(hit - text), (size_t)wl, conf};
		at = (size_t)(hit - text) + (size_t)wl;
	}
	*out = v;
	*n = nv;
	return SH_OK;
}
