/* pdf/textpage.c — a page of visible text (the certification statement)
 * in an embedded TrueType font. FreeType gives each character's glyph and
 * advance; the page's text is shown by glyph id (a CIDFontType2 with
 * Identity-H and CIDToGIDMap /Identity), the widths of the glyphs used go
 * into /W and a ToUnicode CMap maps each glyph back to its character, so
 * the text can be copied and searched. The whole font file is embedded
 * (PDF/A-1 wants every font embedded; a whole font needs no CIDSet). */
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
	const TT_OS2 *os2 = FT_Get_Sfnt_Table(g->face, FT_SFNT_OS2);
	const char *ps = FT_Get_Postscript_Name(g->face);
	char fname[64];
	size_t k = 0;
	for (const char *p = ps ? ps : "Font"; *p && k + 1 < sizeof fname; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-')
			fname[k++] = *p;
	fname[k] = 0;
	double s = g->scale;
	pdfw_font f = {.file = file,
		       .file_len = file_len,
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
	sh_buf_free(&c);
	sh_buf_free(&w);
	sh_buf_free(&tu);
	return rc;
}
