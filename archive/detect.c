/* Finding a separator's QR code on a page (ZBar) and printing separator
 * sheets (libqrencode, cairo). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <leptonica/allheaders.h>
#include <qrencode.h>
#include <zbar.h>

#include "sh_arch.h"

int sh_arch_detect_gray(int *found, sh_arch_sep *out, const unsigned char *gray, int w, int h,
			size_t stride)
{
	if (!found || !out || !gray || w <= 0 || h <= 0 || stride < (size_t)w || w > 30000 || h > 30000)
		return sh_error_set(SH_EINVAL, "separator detection: bad image");
	*found = 0;
	memset(out, 0, sizeof *out);
	unsigned char *buf = sh_malloc((size_t)w * (size_t)h);
	if (!buf)
		return SH_ENOMEM;
	for (int y = 0; y < h; y++)
		memcpy(buf + (size_t)y * (size_t)w, gray + (size_t)y * stride, (size_t)w);
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	if (!sc || !img) {
		if (sc)
			zbar_image_scanner_destroy(sc);
		if (img)
			zbar_image_destroy(img);
		sh_free(buf);
		return sh_error_set(SH_ENOMEM, "out of memory (ZBar)");
	}
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* the payload's bytes as written (UTF-8), never re-coded from a guessed
	 * charset (ZBar would read "Hộp" as Shift-JIS) */
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)w, (unsigned)h);
	zbar_image_set_data(img, buf, (unsigned long)w * (unsigned long)h, NULL);
	int rc = SH_OK;
	if (zbar_scan_image(sc, img) < 0)
		rc = sh_error_set(SH_ERROR, "ZBar could not scan the page");
	for (const zbar_symbol_t *sym = zbar_image_first_symbol(img); rc == SH_OK && sym;
	     sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		if (sh_arch_payload_parse(out, zbar_symbol_get_data(sym),
					  zbar_symbol_get_data_length(sym)) == SH_OK) {
			*found = 1;
			break;
		}
	}
	sh_error_clear();
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	sh_free(buf);
	return rc;
}

static int gray_of_pix(unsigned char **buf, int *pw, int *ph, PIX *p);

/* Page `page` of path as 8-bit grey, halved when wider than 2000 px.
 * *buf: caller sh_free. */
static int load_gray(unsigned char **buf, int *pw, int *ph, const char *path, int page)
{
	*buf = NULL;
	if (access(path, R_OK) != 0)
		return sh_error_set(SH_ENOTFOUND, "%s: %s", path, strerror(errno));
	setMsgSeverity(L_SEVERITY_NONE);
	l_int32 format = 0;
	findFileFormat(path, &format);
	PIX *p = format == IFF_TIFF || format == IFF_TIFF_G4 || format == IFF_TIFF_G3 ||
			 format == IFF_TIFF_LZW || format == IFF_TIFF_ZIP || format == IFF_TIFF_PACKBITS ||
			 format == IFF_TIFF_RLE || format == IFF_TIFF_JPEG
		     ? pixReadTiff(path, page)
		     : (page == 0 ? pixRead(path) : NULL);
	if (!p)
		return sh_error_set(SH_EINVAL, "%s: page %d cannot be read as an image", path, page + 1);
	int rc = gray_of_pix(buf, pw, ph, p);
	pixDestroy(&p);
	return rc;
}

/* A page's pixels (borrowed) as 8-bit grey, halved when wider than 2000 px.
 * *buf: caller sh_free. */
static int gray_of_pix(unsigned char **buf, int *pw, int *ph, PIX *p)
{
	*buf = NULL;
	PIX *g = pixConvertTo8(p, 0);
	if (g && pixGetColormap(g)) {
		PIX *t = pixRemoveColormap(g, REMOVE_CMAP_TO_GRAYSCALE);
		pixDestroy(&g);
		g = t;
	}
	/* A page over ~170 dpi A4 is halved first: the sheet's QR modules stay
	 * over 10 pixels and ZBar scans a quarter of the pixels (see
	 * bench/archive). */
	if (g && pixGetWidth(g) > 2000) {
		PIX *t = pixScaleAreaMap2(g);
		pixDestroy(&g);
		g = t;
	}
	if (!g)
		return sh_error_set(SH_ENOMEM, "out of memory (grey page)");
	int w = pixGetWidth(g), h = pixGetHeight(g);
	unsigned char *b = sh_malloc((size_t)w * (size_t)h);
	if (!b) {
		pixDestroy(&g);
		return SH_ENOMEM;
	}
	l_uint32 *data = pixGetData(g);
	int wpl = pixGetWpl(g);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * (size_t)wpl;
		for (int x = 0; x < w; x++)
			b[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)GET_DATA_BYTE(line, x);
	}
	pixDestroy(&g);
	*buf = b;
	*pw = w;
	*ph = h;
	return SH_OK;
}

int sh_arch_detect_file(int *found, sh_arch_sep *out, const char *path, int page)
{
	if (!found || !out || !path || page < 0)
		return sh_error_set(SH_EINVAL, "separator detection: nothing given");
	*found = 0;
	memset(out, 0, sizeof *out);
	unsigned char *buf = NULL;
	int w = 0, h = 0, rc = load_gray(&buf, &w, &h, path, page);
	if (rc)
		return rc;
	rc = sh_arch_detect_gray(found, out, buf, w, h, (size_t)w);
	sh_free(buf);
	return rc;
}

int sh_arch_blank_gray(const unsigned char *gray, int w, int h, size_t stride)
{
	if (!gray || w < 16 || h < 16)
		return 0;
	/* the inner page: scanner edges, punch holes and staples lie outside */
	int x0 = w * 8 / 100, x1 = w - x0, y0 = h * 6 / 100, y1 = h - y0;
	size_t dark = 0, all = (size_t)(x1 - x0) * (size_t)(y1 - y0);
	for (int y = y0; y < y1; y++) {
		const unsigned char *row = gray + (size_t)y * stride;
		for (int x = x0; x < x1; x++)
			dark += row[x] < 128;
	}
	return dark * 10000 < all * SH_ARCH_BLANK_INK;
}

static int classify(int *kind, sh_arch_sep *out, const char *path, int page, PIX *pix)
{
	if (!kind || !out || (!pix && (!path || page < 0)))
		return sh_error_set(SH_EINVAL, "page classification: nothing given");
	*kind = SH_ARCH_PAGE_CONTENT;
	memset(out, 0, sizeof *out);
	unsigned char *buf = NULL;
	int w = 0, h = 0, found = 0;
	int rc = pix ? gray_of_pix(&buf, &w, &h, pix) : load_gray(&buf, &w, &h, path, page);
	if (rc)
		return rc;
	if (!(rc = sh_arch_detect_gray(&found, out, buf, w, h, (size_t)w)))
		*kind = found ? SH_ARCH_PAGE_SEPARATOR
		      : sh_arch_blank_gray(buf, w, h, (size_t)w) ? SH_ARCH_PAGE_BLANK
								 : SH_ARCH_PAGE_CONTENT;
	sh_free(buf);
	return rc;
}

int sh_arch_classify_file(int *kind, sh_arch_sep *out, const char *path, int page)
{
	return classify(kind, out, path, page, NULL);
}

int sh_arch_classify_pix(int *kind, sh_arch_sep *out, struct Pix *pix)
{
	return classify(kind, out, NULL, 0, pix);
}

static int is_tiff(l_int32 f)
{
	return f == IFF_TIFF || f == IFF_TIFF_G4 || f == IFF_TIFF_G3 || f == IFF_TIFF_LZW ||
	       f == IFF_TIFF_ZIP || f == IFF_TIFF_PACKBITS || f == IFF_TIFF_RLE || f == IFF_TIFF_JPEG;
}

int sh_arch_file_pages(int *out, const char *path)
{
	if (!out || !path)
		return sh_error_set(SH_EINVAL, "pages: nothing given");
	*out = 0;
	if (access(path, R_OK) != 0)
		return sh_error_set(SH_ENOTFOUND, "%s: %s", path, strerror(errno));
	setMsgSeverity(L_SEVERITY_NONE);
	l_int32 format = IFF_UNKNOWN;
	if (findFileFormat(path, &format) || format == IFF_UNKNOWN)
		return sh_error_set(SH_EINVAL, "%s is not an image this program reads", path);
	if (!is_tiff(format)) {
		*out = 1;
		return SH_OK;
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		return sh_error_set(SH_EIO, "%s: %s", path, strerror(errno));
	l_int32 n = 0;
	int bad = tiffGetCount(f, &n);
	fclose(f);
	if (bad || n <= 0)
		return sh_error_set(SH_EINVAL, "%s: a TIFF without pages", path);
	*out = n;
	return SH_OK;
}

/* ---- printing ----------------------------------------------------------- */

/* A4 in points; the PNG surface is scaled to dpi. */
#define A4_W 595.2756
#define A4_H 841.8898
#define MM (72.0 / 25.4)

static void draw_sheet(cairo_t *cr, const QRcode *qr, const sh_arch_sep *sep)
{
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	/* 80 mm of code plus a 4-module quiet zone kept white */
	double side = 80 * MM, mod = side / qr->width;
	double x0 = (A4_W - side) / 2, y0 = 60 * MM;
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				cairo_rectangle(cr, x0 + x * mod, y0 + y * mod, mod, mod);
	cairo_fill(cr);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	const char *lines[4] = {"TỜ PHÂN CÁCH — SOHOA", NULL, NULL, NULL};
	char l3[64], l4[SH_ARCH_BOOK_MAX + 16];
	if (sep->owner[0]) {
		snprintf(l3, sizeof l3, "Chủ sở hữu: %s", sep->owner);
		lines[2] = l3;
	}
	if (sep->book[0] || sep->n) {
		if (sep->book[0] && sep->n)
			snprintf(l4, sizeof l4, "%s · %u", sep->book, sep->n);
		else if (sep->book[0])
			snprintf(l4, sizeof l4, "%s", sep->book);
		else
			snprintf(l4, sizeof l4, "%u", sep->n);
		lines[3] = l4;
	}
	double y = 18 * MM;
	double sizes[4] = {30, 30, 16, 16};
	for (int i = 0; i < 4; i++) {
		if (!lines[i])
			continue;
		if (i == 2)
			y = y0 + side + 20 * MM;
		cairo_set_font_size(cr, sizes[i]);
		cairo_text_extents_t te;
		cairo_text_extents(cr, lines[i], &te);
		cairo_move_to(cr, (A4_W - te.width) / 2 - te.x_bearing, y + sizes[i]);
		cairo_show_text(cr, lines[i]);
		y += sizes[i] * 1.4;
	}
	/* the same words at the foot, upside down: readable whichever way the
	 * sheet lies in the box */
	cairo_save(cr);
	cairo_translate(cr, A4_W / 2, A4_H - 30 * MM);
	cairo_rotate(cr, 3.14159265358979);
	cairo_set_font_size(cr, 30);
	cairo_text_extents_t te;
	cairo_text_extents(cr, "TỜ PHÂN CÁCH — SOHOA", &te);
	cairo_move_to(cr, -te.width / 2 - te.x_bearing, 0);
	cairo_show_text(cr, "TỜ PHÂN CÁCH — SOHOA");
	cairo_restore(cr);
}

static int ends_with_pdf(const char *p)
{
	size_t n = strlen(p);
	return n >= 4 && strcasecmp(p + n - 4, ".pdf") == 0;
}

int sh_arch_separators_write(const char *path, const sh_arch_sep *sep, unsigned first_n,
			     unsigned count, int dpi)
{
	if (!path || !path[0] || !sep)
		return sh_error_set(SH_EINVAL, "separators: no output file");
	if (count == 0 || count > SH_ARCH_COUNT_MAX)
		return sh_error_set(SH_ELIMIT, "separators: 1-%d sheets at a time", SH_ARCH_COUNT_MAX);
	if (dpi < 100 || dpi > 600)
		return sh_error_set(SH_EINVAL, "separators: resolution %d dpi: 100-600", dpi);
	if (first_n && (unsigned long)first_n + count - 1 > 999999)
		return sh_error_set(SH_ELIMIT, "separators: numbers beyond 999999");
	char payload[SH_ARCH_PAYLOAD_MAX];
	sh_arch_sep s = *sep;
	s.n = first_n;
	int rc = sh_arch_payload_format(payload, sizeof payload, &s); /* checks owner and book */
	if (rc != SH_OK)
		return rc;
	int pdf = ends_with_pdf(path);
	size_t plen = strlen(path);
	char *name = sh_malloc(plen + 16);
	if (!name)
		return SH_ENOMEM;
	cairo_surface_t *doc = NULL;
	if (pdf) {
		doc = cairo_pdf_surface_create(path, A4_W, A4_H);
		if (cairo_surface_status(doc) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(doc);
			sh_free(name);
			return sh_error_set(SH_EIO, "%s cannot be written", path);
		}
	}
	cairo_t *dcr = pdf ? cairo_create(doc) : NULL;
	unsigned written = 0;
	for (unsigned i = 0; i < count && rc == SH_OK; i++) {
		s.n = first_n ? first_n + i : 0;
		if ((rc = sh_arch_payload_format(payload, sizeof payload, &s)) != SH_OK)
			break;
		QRcode *qr = QRcode_encodeString8bit(payload, 0, QR_ECLEVEL_M);
		if (!qr) {
			rc = sh_error_set(errno == ENOMEM ? SH_ENOMEM : SH_ERROR,
					  "the QR code could not be made");
			break;
		}
		cairo_surface_t *surf = doc;
		if (!pdf) {
			int W = (int)(A4_W / 72.0 * dpi + 0.5), H = (int)(A4_H / 72.0 * dpi + 0.5);
			surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
		}
		cairo_t *cr = pdf ? dcr : cairo_create(surf);
		if (!pdf)
			cairo_scale(cr, dpi / 72.0, dpi / 72.0);
		draw_sheet(cr, qr, &s);
		QRcode_free(qr);
		if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
			rc = sh_error_set(SH_ENOMEM, "the separator sheet could not be drawn");
		if (pdf) {
			cairo_show_page(cr);
		} else {
			cairo_destroy(cr);
			if (count == 1) {
				memcpy(name, path, plen + 1);
			} else {
				size_t b = plen;
				if (b >= 4 && strcasecmp(path + b - 4, ".png") == 0)
					b -= 4;
				snprintf(name, plen + 16, "%.*s-%03u.png", (int)b, path, i + 1);
			}
			if (rc == SH_OK && cairo_surface_write_to_png(surf, name) != CAIRO_STATUS_SUCCESS)
				rc = sh_error_set(SH_EIO, "%s cannot be written", name);
			else if (rc == SH_OK)
				written++;
			cairo_surface_destroy(surf);
		}
	}
	if (pdf) {
		cairo_destroy(dcr);
		cairo_surface_finish(doc);
		if (rc == SH_OK && cairo_surface_status(doc) != CAIRO_STATUS_SUCCESS)
			rc = sh_error_set(SH_EIO, "%s cannot be written", path);
		cairo_surface_destroy(doc);
		if (rc != SH_OK)
			unlink(path);
	} else if (rc != SH_OK) {
		for (unsigned i = 0; i < written; i++) {
			if (count == 1) {
				unlink(path);
				break;
			}
			size_t b = plen;
			if (b >= 4 && strcasecmp(path + b - 4, ".png") == 0)
				b -= 4;
			snprintf(name, plen + 16, "%.*s-%03u.png", (int)b, path, i + 1);
			unlink(name);
		}
	}
	sh_free(name);
	return rc;
}
