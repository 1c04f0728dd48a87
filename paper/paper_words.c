/* Word confidences from hOCR (Tesseract's ocrx_word spans with x_wconf),
 * located in the page text. A small scanner, not an HTML parser: it reads
 * only what Tesseract writes, and skips anything else. */
#include "paper_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text of one span's content (up to '<'), entities &amp; &lt; &gt; &quot;
 * &#39; decoded, into dst (cap bytes); its length, or -1 if too long. */
long paper_hocr_span_text(char *dst, size_t cap, const char *s)
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
	unsigned char *edges = NULL; /* per ocrx_word, in order */
	size_t nedges = 0, widx = 0;
	unsigned char *hand = NULL; /* per ocrx_word: tall for the page's print */
	size_t nhand = 0;
	if (paper_hocr_edges(&edges, &nedges, hocr) || paper_hocr_hand(&hand, &nhand, hocr)) {
		sh_free(edges);
		return sh_error_set(SH_ENOMEM, "out of memory reading hOCR words");
	}
	while ((p = strstr(p, "ocrx_word"))) {
		p += 9;
		size_t wi = widx++;
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
		long wl = paper_hocr_span_text(w, sizeof w, c);
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
				sh_free(edges);
				sh_free(hand);
				return sh_error_set(SH_ENOMEM, "out of memory reading hOCR words");
			}
			v = nvv;
			cap = nc;
		}
		v[nv++] = (sh_paper_word){(size_t)(hit - text), (size_t)wl, conf, wi < nedges && edges[wi],
					  wi < nhand && hand[wi]};
		at = (size_t)(hit - text) + (size_t)wl;
	}
	sh_free(edges);
	sh_free(hand);
	*out = v;
	*n = nv;
	return SH_OK;
}

/* o/O read as 0, l/I/|/! as 1: the digit OCR meant, or -1. */
static int digit_of(char c)
{
	if (c >= '0' && c <= '9')
		return c;
	if (c == 'o' || c == 'O')
		return '0';
	if (c == 'l' || c == 'I' || c == '|' || c == '!')
		return '1';
	return -1;
}

/* The digit OCR meant at t[i]: digit_of, or a 1 read "]" right after a
 * digit ("013]", as paper_id_value reads it), or -1. */
static int digit_at(const char *t, long i)
{
	if (t[i] == ']' && i > 0 && t[i - 1] >= '0' && t[i - 1] <= '9')
		return '1';
	return digit_of(t[i]);
}

/* Does t[0..n) hold a digit 0-9 (no lookalike)? */
static int has_real_digit(const char *t, long n)
{
	for (long i = 0; i < n; i++)
		if (t[i] >= '0' && t[i] <= '9')
			return 1;
	return 0;
}

typedef struct hword {
	int page, x0, y0, x1, y1;
	const char *line; /* the ocr_line it is in: words in a row share it */
	char dg[32];      /* its digits (the digit tail of the first word) */
	int lead;         /* chars before the digit tail (a glued label) */
	int chars;
	char pt[32];      /* a word of digits with one point between two of
			   * them ("355.35"), its digits; else empty */
	int look;         /* letters, then lookalikes only ("No": its o) */
} hword;

/* The next ocrx_word from *pp: its box, page, line and digits. 0 at the end. */
static int next_word(const char **pp, int *page, const char **line, hword *w)
{
	const char *p = *pp;
	for (;;) {
		const char *wd = strstr(p, "ocrx_word");
		if (!wd)
			return 0;
		/* pages and lines opened before this word */
		for (const char *q = p; (q = strstr(q, "class='ocr_page'")) && q < wd; q += 16)
			(*page)++;
		for (const char *q = p; (q = strstr(q, "id='line_")) && q < wd; q += 8)
			*line = q;
		const char *tag_end = strchr(wd, '>');
		if (!tag_end)
			return 0;
		p = tag_end + 1;
		const char *bb = strstr(wd, "bbox ");
		if (!bb || bb > tag_end ||
		    sscanf(bb + 5, "%d %d %d %d", &w->x0, &w->y0, &w->x1, &w->y1) != 4)
			continue;
		const char *c = p;
		while (*c == '<') {
			const char *e = strchr(c, '>');
			if (!e)
				return 0;
			c = e + 1;
		}
		char t[256];
		long tl = paper_hocr_span_text(t, sizeof t, c);
		p = c;
		if (tl <= 0)
			continue;
		/* trailing punctuation is no part of the number */
		while (tl > 0 && strchr(".,;:", t[tl - 1]))
			t[--tl] = 0;
		long s = tl;
		while (s > 0 && digit_at(t, s - 1) >= 0)
			s--;
		/* one point inside an id's digits ("02506.3169366", as
		 * paper_id_value reads through it): an id's digits, 9 or more
		 * (never a date's "12.05.2020") */
		long s2 = s - 1;
		while (s > 1 && t[s - 1] == '.' && s < tl && s2 > 0 && t[s2 - 1] >= '0' && t[s2 - 1] <= '9')
			s2--;
		/* two real digits before it at least: "No.0400…" is a label */
		if (s2 + 1 < s - 1 && tl - s + (s - 1 - s2) >= 9)
			s = s2;
		size_t n = 0;
		for (long i = s; i < tl && n + 1 < sizeof w->dg; i++)
			if (t[i] != '.')
				w->dg[n++] = (char)digit_at(t, i);
		w->dg[n] = 0;
		/* the whole word digits but one point between two: the rest of
		 * an id OCR split at a gap ("0792166 355.35", as paper_id_value
		 * reads it), joined after the id's first word only */
		size_t np = 0, pts = 0;
		for (long i = 0; i < tl && np + 1 < sizeof w->pt; i++) {
			if (t[i] == '.' && i > 0 && i + 1 < tl && t[i - 1] >= '0' && t[i - 1] <= '9' &&
			    t[i + 1] >= '0' && t[i + 1] <= '9')
				pts++;
			else if (digit_at(t, i) >= 0)
				w->pt[np++] = (char)digit_at(t, i);
			else
				pts = 2;
		}
		if (pts != 1)
			np = 0;
		w->pt[np] = 0;
		w->lead = (int)s;
		w->chars = (int)tl;
		w->look = s > 0 && !has_real_digit(t + s, tl - s);
		w->page = *page;
		w->line = *line;
		*pp = p;
		return 1;
	}
}

/* Is w a word all digits but one point between two, whose digits after
 * the point are fewer than its digits ("036.31", the start of an id OCR
 * split at a gap after a speck read as a point)? Such a word's digits
 * before the point belong to the run too (session 20). */
static int pt_first(const hword *w)
{
	return w->pt[0] && strlen(w->pt) > strlen(w->dg);
}

int sh_paper_hocr_digits_box(sh_paper_box *out, const char *hocr, const char *digits)
{
	if (!hocr || !digits || !*digits)
		return 0;
	size_t dn = strlen(digits);
	const char *p = hocr, *line = NULL;
	int page = -1;
	hword w;
	while (next_word(&p, &page, &line, &w)) {
		/* a first word all digits but one point ("036.31 3906037"):
		 * the id starts at the word, not after its point */
		int whole = pt_first(&w);
		const char *wd = whole ? w.pt : w.dg;
		size_t wn = strlen(wd);
		if (!wn || wn > dn || strncmp(digits, wd, wn))
			continue;
		sh_paper_box b = {page < 0 ? 0 : page, w.x0, w.y0, w.x1, w.y1};
		if (!whole && w.lead > 0 && w.chars > 0)
			b.x0 = w.x0 + (w.x1 - w.x0) * w.lead / w.chars;
		size_t got = wn;
		const char *q = p, *ql = line;
		int qp = page;
		hword v;
		/* the rest in the next words of the same line, digits only */
		while (got < dn && next_word(&q, &qp, &ql, &v) && ql == w.line && (v.lead == 0 || v.pt[0])) {
			const char *vd = v.lead == 0 ? v.dg : v.pt;
			size_t vn = strlen(vd);
			if (!vn || got + vn > dn || strncmp(digits + got, vd, vn))
				break;
			got += vn;
			b.x1 = v.x1 > b.x1 ? v.x1 : b.x1;
			b.y0 = v.y0 < b.y0 ? v.y0 : b.y0;
			b.y1 = v.y1 > b.y1 ? v.y1 : b.y1;
		}
		if (got == dn) {
			*out = b;
			return 1;
		}
	}
	return 0;
}

int sh_paper_hocr_digit_runs(sh_paper_box **out, size_t *n, const char *hocr, size_t min_digits,
			     size_t max_digits)
{
	*out = NULL;
	*n = 0;
	if (!hocr)
		return SH_OK;
	const char *p = hocr, *line = NULL;
	int page = -1;
	hword w;
	size_t cap = 0;
	while (next_word(&p, &page, &line, &w)) {
		int whole = pt_first(&w);
		size_t got = strlen(whole ? w.pt : w.dg);
		if (!got)
			continue;
		sh_paper_box b = {page < 0 ? 0 : page, w.x0, w.y0, w.x1, w.y1};
		if (!whole && w.lead > 0 && w.chars > 0)
			b.x0 = w.x0 + (w.x1 - w.x0) * w.lead / w.chars;
		/* the rest in the next words of the same line, digits only (as
		 * sh_paper_hocr_digits_box joins them); the words joined are
		 * not the start of another run */
		const char *q = p, *ql = line;
		int qp = page;
		hword v;
		int next_x0 = -1;
		while (next_word(&q, &qp, &ql, &v) && ql == w.line && ((v.lead == 0 && v.dg[0]) || v.pt[0])) {
			if (next_x0 < 0)
				next_x0 = v.x0;
			got += strlen(v.lead == 0 ? v.dg : v.pt);
			b.x1 = v.x1 > b.x1 ? v.x1 : b.x1;
			b.y0 = v.y0 < b.y0 ? v.y0 : b.y0;
			b.y1 = v.y1 > b.y1 ? v.y1 : b.y1;
			p = q;
			line = ql;
			page = qp;
		}
		/* a label's lookalike ("No.:" folded to "No", its o taken
		 * for a 0) joined to the id after it makes one digit too
		 * many (tune5 5524 y029, "No.: 0010845481635": 14, so no pass
		 * read it): the run is the rest, its box from the next word
		 * (with the label's tail the passes read it "02…" again) */
		size_t own = strlen(whole ? w.pt : w.dg);
		if (got > max_digits && w.look && !whole && next_x0 >= 0 && got - own >= min_digits &&
		    got - own <= max_digits) {
			got -= own;
			b.x0 = next_x0;
		}
		if (got < min_digits || got > max_digits)
			continue;
		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 8;
			sh_paper_box *g = sh_realloc(*out, nc * sizeof *g);
			if (!g) {
				sh_free(*out);
				*out = NULL;
				*n = 0;
				return SH_ENOMEM;
			}
			*out = g;
			cap = nc;
		}
		(*out)[(*n)++] = b;
	}
	return SH_OK;
}
