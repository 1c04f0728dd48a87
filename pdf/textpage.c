/* pdf/textpage.c — a page of visible text (the certification statement)
 * in an embedded TrueType font. FreeType gives each character's glyph and
 * advance; the page's text is shown by glyph id (a CIDFontType2 with
 * Identity-H and CIDToGIDMap /Identity), the widths of the glyphs used go
 * into /W and a ToUnicode CMap maps each glyph back to its character, so
 * the text can be copied and searched. The font is embedded as a subset
 * (tt_subset: the glyphs used, glyph ids kept) with a CIDSet, as PDF/A-1
 * wants for a CIDFont subset. */
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_TRUETYPE_TABLES_H

#include "pdf_int.h"
#include "sh_pdf.h"

#define PAGE_W 595.276 /* A4 */
#define PAGE_H 841.890
#define MARGIN 70.0
#define MAX_GLYPHS 65536

typedef struct glyphs {
	FT_Face face;
	double scale;            /* font units -> 1/1000 em */
	double adv[MAX_GLYPHS];  /* 0: unused */
	uint32_t uni[MAX_GLYPHS];
} glyphs;

static unsigned long cp_next(const char **s)
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

/* The glyph of c (recorded as used), its width in 1/1000 em. */
static int glyph(glyphs *g, unsigned long c, unsigned *gid, double *w)
{
	if (c > 0xFFFF)
		return sh_error_set(SH_EINVAL, "character U+%05lX is outside the BMP", c);
	FT_UInt id = FT_Get_Char_Index(g->face, c);
	if (!id || id >= MAX_GLYPHS)
		return sh_error_set(SH_EINVAL, "the statement font has no glyph for U+%04lX", c);
	if (g->adv[id] == 0) {
		FT_Fixed a = 0;
		if (FT_Get_Advance(g->face, id, FT_LOAD_NO_SCALE, &a))
			return sh_error_set(SH_EINVAL, "the statement font's glyph %u has no width", id);
		g->adv[id] = a > 0 ? (double)a * g->scale : 0.001;
		g->uni[id] = (uint32_t)c;
	}
	*gid = id;
	*w = g->adv[id];
	return SH_OK;
}

/* Width of n bytes of s at size. */
static int measure(glyphs *g, const char *s, size_t n, double size, double *out)
{
	const char *e = s + n;
	double w = 0;
	while (s < e) {
		unsigned gid = 0;
		double gw = 0;
		int rc = glyph(g, cp_next(&s), &gid, &gw);
		if (rc)
			return rc;
		w += gw;
	}
	*out = w * size / 1000.0;
	return SH_OK;
}

static int show(sh_buf *c, glyphs *g, const char *s, size_t n, double x, double y, double size,
		int bold)
{
	const char *e = s + n;
	int rc = sh_buf_printf(c, "BT %s/F1 %.2f Tf %.2f %.2f Td <", bold ? "2 Tr 0.35 w " : "",
			       size, x, y);
	while (!rc && s < e) {
		unsigned gid = 0;
		double w = 0;
		if (!(rc = glyph(g, cp_next(&s), &gid, &w)))
			rc = sh_buf_printf(c, "%04X", gid);
	}
	return rc ? rc : sh_buf_puts(c, "> Tj ET\n");
}

/* Lay out the lines, wrapping at spaces within the margins. */
static int layout(sh_buf *c, glyphs *g, const sh_pdf_line *lines, size_t n)
{
	double y = PAGE_H - MARGIN, width = PAGE_W - 2 * MARGIN;
	int rc = SH_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		const sh_pdf_line *l = &lines[i];
		double size = l->size > 0 ? l->size : 12;
		if (size > 48)
			return sh_error_set(SH_EINVAL, "statement text of %.0f points is too large", size);
		y -= l->gap_before;
		const char *s = l->text ? l->text : "";
		size_t len = strlen(s);
		if (!sh_text_valid(s, len))
			return sh_error_set(SH_EINVAL, "statement text is not UTF-8");
		do {
			/* the longest run of whole words that fits */
			size_t take = len, last_space = 0;
			double w = 0;
			for (size_t k = 0; k <= len && !rc; k++) {
				if (k < len && s[k] != ' ')
					continue;
				if ((rc = measure(g, s, k, size, &w)))
					break;
				if (w > width) {
					take = last_space ? last_space : k;
					break;
				}
				last_space = k;
			}
			if (rc)
				break;
			if ((rc = measure(g, s, take, size, &w)))
				break;
			y -= size * 1.35;
			if (y < MARGIN)
				return sh_error_set(SH_ELIMIT, "the statement does not fit on one page");
			double x = l->align == 1 ? MARGIN + (width - w) / 2
				   : l->align == 2 ? PAGE_W - MARGIN - w
						   : MARGIN;
			if (take && (rc = show(c, g, s, take, x, y, size, l->bold)))
				break;
			s += take;
			len -= take;
			while (len && *s == ' ') {
				s++;
				len--;
			}
		} while (len);
	}
	return rc;
}

static int tounicode(sh_buf *b, const glyphs *g)
{
	int rc = sh_buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
				"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
				"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
				"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	size_t used = 0;
	for (size_t i = 0; i < MAX_GLYPHS; i++)
		used += g->adv[i] != 0;
	size_t done = 0;
	for (size_t i = 0; i < MAX_GLYPHS && !rc; i++) {
		if (g->adv[i] == 0)
			continue;
		if (done % 100 == 0) {
			size_t k = used - done < 100 ? used - done : 100;
			rc = sh_buf_printf(b, "%s%zu beginbfchar\n", done ? "endbfchar\n" : "", k);
		}
		if (!rc)
			rc = sh_buf_printf(b, "<%04zX> <%04X>\n", i, (unsigned)g->uni[i]);
		done++;
	}
	if (!rc && done)
		rc = sh_buf_puts(b, "endbfchar\n");
	return rc ? rc
		  : sh_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

static int widths(sh_buf *b, const glyphs *g)
{
	int rc = sh_buf_puts(b, "[");
	for (size_t i = 0; i < MAX_GLYPHS && !rc; i++)
		if (g->adv[i] != 0)
			rc = sh_buf_printf(b, " %zu [%.3f]", i, g->adv[i]);
	return rc ? rc : sh_buf_puts(b, " ]");
}


/* ---- subsetting: the glyphs used, with the same glyph ids -------------------
 * A TrueType font of the same tables minus those a PDF reader never uses
 * (layout, kerning, glyph names): glyf holds only the glyphs used (and the
 * components of composite ones, and .notdef); every other glyph is empty,
 * so glyph ids, hmtx and the /W widths stay as they are. */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void wr16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t tt_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i += 4) {
		uint8_t b[4] = {0, 0, 0, 0};
		memcpy(b, p + i, n - i < 4 ? n - i : 4);
		s += rd32(b);
	}
	return s;
}

typedef struct tt_table {
	char tag[5];
	const uint8_t *data;
	size_t len;
	uint8_t *own; /* a rewritten table */
} tt_table;

static int tt_find(const tt_table *t, size_t n, const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(t[i].tag, tag, 4))
			return (int)i;
	return -1;
}

/* Long on purpose: a linear walk of the TrueType tables (glyf/loca
 * rewritten for the glyphs used, the others copied), in file order. */
/* *out: the subset font (caller sh_free). SH_EINVAL for a font it cannot read. */
static int tt_subset(const uint8_t *f, size_t flen, const glyphs *g, uint8_t **out, size_t *out_len,
		     uint8_t **cidset, size_t *cidset_len)
{
	static const char *const keep[] = {"OS/2", "cmap", "cvt ", "fpgm", "gasp", "glyf", "head",
					   "hhea", "hmtx", "loca", "maxp", "name", "post", "prep"};
	enum { NKEEP = sizeof keep / sizeof *keep };
	tt_table t[NKEEP];
	size_t nt = 0;
	uint8_t *used = NULL, *glyf = NULL, *loca = NULL;
	int rc = SH_OK;
	*out = NULL;
	if (flen < 12 || (rd32(f) != 0x00010000 && memcmp(f, "true", 4)))
		return sh_error_set(SH_EINVAL, "the statement font is not a TrueType font");
	unsigned ntab = rd16(f + 4);
	if (12 + 16 * (size_t)ntab > flen)
		return sh_error_set(SH_EINVAL, "the statement font's table directory is cut short");
	for (unsigned i = 0; i < ntab; i++) {
		const uint8_t *e = f + 12 + 16 * i;
		uint32_t off = rd32(e + 8), len = rd32(e + 12);
		if (off > flen || len > flen - off)
			return sh_error_set(SH_EINVAL, "the statement font's table %.4s overruns it", e);
		for (size_t k = 0; k < NKEEP; k++)
			if (!memcmp(e, keep[k], 4) && nt < NKEEP) {
				memcpy(t[nt].tag, e, 4);
				t[nt].tag[4] = 0;
				t[nt].data = f + off;
				t[nt].len = len;
				t[nt].own = NULL;
				nt++;
			}
	}
	int ih = tt_find(t, nt, "head"), im = tt_find(t, nt, "maxp"), il = tt_find(t, nt, "loca"),
	    ig = tt_find(t, nt, "glyf"), ip = tt_find(t, nt, "post");
	if (ih < 0 || im < 0 || il < 0 || ig < 0 || t[ih].len < 54 || t[im].len < 6)
		return sh_error_set(SH_EINVAL, "the statement font lacks head, maxp, loca or glyf");
	int longloca = rd16(t[ih].data + 50) == 1;
	size_t ng = rd16(t[im].data + 4);
	if (t[il].len < (ng + 1) * (longloca ? 4 : 2) || ng == 0)
		return sh_error_set(SH_EINVAL, "the statement font's loca is cut short");
#define LOCA(i) (longloca ? rd32(t[il].data + 4 * (i)) : 2u * rd16(t[il].data + 2 * (i)))
	if (!(used = sh_calloc(ng, 1)))
		return SH_ENOMEM;
	used[0] = 1;
	for (size_t i = 0; i < ng && i < MAX_GLYPHS; i++)
		used[i] |= g->adv[i] != 0;
	/* composites: their components too, until nothing changes */
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < ng; i++) {
			if (!used[i])
				continue;
			uint32_t a = LOCA(i), b = LOCA(i + 1);
			if (b <= a || b > t[ig].len || b - a < 10 || (int16_t)rd16(t[ig].data + a) >= 0)
				continue;
			size_t q = a + 10;
			for (;;) {
				if (q + 4 > b)
					break;
				unsigned fl = rd16(t[ig].data + q), c = rd16(t[ig].data + q + 2);
				if (c < ng && !used[c]) {
					used[c] = 1;
					changed = 1;
				}
				q += 4 + ((fl & 1) ? 4 : 2) + ((fl & 8) ? 2 : (fl & 0x40) ? 4 : (fl & 0x80) ? 8 : 0);
				if (!(fl & 0x20))
					break;
			}
		}
	}
	/* the new glyf and loca */
	size_t gl = 0;
	for (size_t i = 0; i < ng; i++)
		if (used[i] && LOCA(i + 1) > LOCA(i) && LOCA(i + 1) <= t[ig].len)
			gl += ((LOCA(i + 1) - LOCA(i)) + 3) & ~(size_t)3;
	glyf = sh_calloc(gl ? gl : 4, 1);
	loca = sh_calloc(ng + 1, longloca ? 4 : 2);
	if (!glyf || !loca) {
		rc = SH_ENOMEM;
		goto out;
	}
	size_t at = 0;
	for (size_t i = 0; i <= ng; i++) {
		if (longloca)
			wr32(loca + 4 * i, (uint32_t)at);
		else
			wr16(loca + 2 * i, (unsigned)(at / 2));
		if (i == ng)
			break;
		uint32_t a = LOCA(i), b = LOCA(i + 1);
		if (used[i] && b > a && b <= t[ig].len) {
			memcpy(glyf + at, t[ig].data + a, b - a);
			at += ((b - a) + 3) & ~(size_t)3;
		}
	}
#undef LOCA
	t[ig].data = t[ig].own = glyf;
	t[ig].len = at;
	glyf = NULL;
	t[il].data = t[il].own = loca;
	t[il].len = (ng + 1) * (longloca ? 4 : 2);
	loca = NULL;
	if (ip >= 0 && t[ip].len >= 32) { /* post format 3: no glyph names */
		uint8_t *post = sh_malloc(32);
		if (!post) {
			rc = SH_ENOMEM;
			goto out;
		}
		memcpy(post, t[ip].data, 32);
		wr32(post, 0x00030000);
		t[ip].data = t[ip].own = post;
		t[ip].len = 32;
	}
	uint8_t *head = sh_malloc(t[ih].len);
	if (!head) {
		rc = SH_ENOMEM;
		goto out;
	}
	memcpy(head, t[ih].data, t[ih].len);
	wr32(head + 8, 0); /* checkSumAdjustment, set below */
	t[ih].data = t[ih].own = head;
	/* the file: directory, then each table padded to 4 */
	size_t total = 12 + 16 * nt;
	for (size_t i = 0; i < nt; i++)
		total += (t[i].len + 3) & ~(size_t)3;
	uint8_t *o = sh_calloc(total, 1);
	if (!o) {
		rc = SH_ENOMEM;
		goto out;
	}
	unsigned es = 0;
	while ((2u << es) <= nt)
		es++;
	wr32(o, 0x00010000);
	wr16(o + 4, (unsigned)nt);
	wr16(o + 6, 16u << es);
	wr16(o + 8, es);
	wr16(o + 10, (unsigned)(nt * 16 - (16u << es)));
	size_t off = 12 + 16 * nt;
	for (size_t i = 0; i < nt; i++) { /* tags are in ascending order as kept */
		uint8_t *e = o + 12 + 16 * i;
		memcpy(e, t[i].tag, 4);
		memcpy(o + off, t[i].data, t[i].len);
		wr32(e + 4, tt_sum(o + off, t[i].len));
		wr32(e + 8, (uint32_t)off);
		wr32(e + 12, (uint32_t)t[i].len);
		if (i == (size_t)ih)
			ih = (int)off; /* where head landed */
		off += (t[i].len + 3) & ~(size_t)3;
	}
	wr32(o + ih + 8, 0xB1B0AFBAu - tt_sum(o, total));
	/* CIDSet: one bit per CID (= glyph id) used, high bit first */
	size_t maxg = 0;
	for (size_t i = 0; i < ng; i++)
		if (used[i])
			maxg = i;
	*cidset_len = maxg / 8 + 1;
	if (!(*cidset = sh_calloc(*cidset_len, 1))) {
		sh_free(o);
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i <= maxg; i++)
		if (used[i])
			(*cidset)[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	*out = o;
	*out_len = total;
out:
	for (size_t i = 0; i < nt; i++)
		sh_free(t[i].own);
	sh_free(used);
	sh_free(glyf);
	sh_free(loca);
	return rc;
}

int sh_pdf_add_text_page(sh_pdf *pdf, const sh_pdf_line *lines, size_t n)
{
	const char *path = getenv("SOHOA_PDF_TEXT_FONT");
	if (!path || !*path)
		path = SH_PDF_TEXT_FONT_PATH;
	uint8_t *file = NULL;
	size_t file_len = 0;
	int rc = sh_file_read(&file, &file_len, path, 32u << 20);
	if (rc)
		return sh_error_wrap(rc, "the statement font (%s; install fonts-dejavu-core or set "
					 "SOHOA_PDF_TEXT_FONT)",
				     path);
	FT_Library lib = NULL;
	glyphs *g = sh_calloc(1, sizeof *g);
	sh_buf c = SH_BUF_INIT, w = SH_BUF_INIT, tu = SH_BUF_INIT;
	uint8_t *sub = NULL, *cidset = NULL;
	size_t sub_len = 0, cidset_len = 0;
	if (!g) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (FT_Init_FreeType(&lib) || FT_New_Memory_Face(lib, file, (FT_Long)file_len, 0, &g->face) ||
	    !FT_IS_SFNT(g->face) || !g->face->units_per_EM) {
		rc = sh_error_set(SH_EINVAL, "%s is not a TrueType font", path);
		goto out;
	}
	if (FT_Select_Charmap(g->face, FT_ENCODING_UNICODE)) {
		rc = sh_error_set(SH_EINVAL, "%s has no Unicode character map", path);
		goto out;
	}
	g->scale = 1000.0 / g->face->units_per_EM;
	if ((rc = layout(&c, g, lines, n)) || (rc = widths(&w, g)) || (rc = tounicode(&tu, g)))
		goto out;
	if ((rc = tt_subset(file, file_len, g, &sub, &sub_len, &cidset, &cidset_len)))
		goto out;
	const TT_OS2 *os2 = FT_Get_Sfnt_Table(g->face, FT_SFNT_OS2);
	const char *ps = FT_Get_Postscript_Name(g->face);
	char fname[72];
	/* a subset's name: six capitals from the glyphs it holds, "+", the name */
	uint8_t tagh[SH_SHA256_LEN];
	sh_sha256(tagh, cidset, cidset_len);
	for (int i = 0; i < 6; i++)
		fname[i] = (char)('A' + tagh[i] % 26);
	fname[6] = '+';
	size_t k = 7;
	for (const char *p = ps ? ps : "Font"; *p && k + 1 < sizeof fname; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-')
			fname[k++] = *p;
	fname[k] = 0;
	double s = g->scale;
	pdfw_font f = {.file = sub,
		       .file_len = sub_len,
		       .cidset = cidset,
		       .cidset_len = cidset_len,
		       .name = fname,
		       .ascent = g->face->ascender * s,
		       .descent = g->face->descender * s,
		       .cap_height = (os2 && os2->version >= 2 ? os2->sCapHeight : g->face->ascender) * s,
		       .bbox = {g->face->bbox.xMin * s, g->face->bbox.yMin * s, g->face->bbox.xMax * s,
				g->face->bbox.yMax * s},
		       .widths = (const char *)w.data,
		       .widths_len = w.len,
		       .tounicode = (const char *)tu.data,
		       .tounicode_len = tu.len};
	if ((rc = pdfw_add_text_page(pdf->w, PAGE_W, PAGE_H, (const char *)c.data, c.len, &f)))
		goto out;
	pdf->pages++;
	pdf->last_enc = "text";
out:
	if (g && g->face)
		FT_Done_Face(g->face);
	if (lib)
		FT_Done_FreeType(lib);
	sh_free(g);
	sh_free(file);
	sh_free(sub);
	sh_free(cidset);
	sh_buf_free(&c);
	sh_buf_free(&w);
	sh_buf_free(&tu);
	return rc;
}
