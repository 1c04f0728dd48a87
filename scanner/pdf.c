/* scanner/pdf.c — PDF files as page images (docs/PDF.md "PDF input").
 * Parsed with qpdf (C API); refused with the reason when encrypted, damaged
 * (qpdf had to repair it), holding JavaScript (a /JavaScript name tree, an
 * /OpenAction or /AA of JavaScript, a page /AA) or more pages than
 * SH_SCAN_MAX_PAGES. A page that is one 8-bit grey or RGB JPEG image drawn
 * over the page (what scanners and copiers write) gives that JPEG's bytes
 * as they are; any other page is rendered by poppler (cairo) at 300 dpi,
 * within the pixel limits, checked before rendering. Neither library is
 * thread-safe: every call goes through one lock. */
#include "image_int.h"

#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <poppler.h>
#include <pthread.h>
#include <qpdf/qpdf-c.h>
#include <string.h>
#include <tiffio.h>

#define RENDER_DPI 300

typedef struct pdf_page_info {
	int jpeg;            /* 1: the page is one JPEG, 2: one CCITT G4 image: bytes below
			      * (the JPEG file, or the G4 data in a one-strip TIFF) */
	uint8_t *bytes;
	size_t len;
	int w, h, dpi;
} pdf_page_info;

struct scan_pdf {
	PopplerDocument *doc; /* opened on first render */
	GBytes *gbytes;
	size_t pages;
	pdf_page_info *info;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void scan_pdf_free(scan_pdf **pp)
{
	if (!pp || !*pp)
		return;
	scan_pdf *p = *pp;
	pthread_mutex_lock(&lock);
	if (p->doc)
		g_object_unref(p->doc);
	pthread_mutex_unlock(&lock);
	if (p->gbytes)
		g_bytes_unref(p->gbytes);
	for (size_t i = 0; p->info && i < p->pages; i++)
		sh_free(p->info[i].bytes);
	sh_free(p->info);
	sh_free(p);
	*pp = NULL;
}

static int is_js_action(qpdf_data q, qpdf_oh a)
{
	if (qpdf_oh_is_dictionary(q, a)) {
		qpdf_oh s = qpdf_oh_get_key(q, a, "/S");
		return qpdf_oh_is_name_and_equals(q, s, "/JavaScript");
	}
	return 0;
}

/* Count whole tokens tok in PDF content. */
static size_t tokens(const unsigned char *c, size_t n, const char *tok)
{
	size_t k = strlen(tok), count = 0;
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(c + i, tok, k) && (i == 0 || strchr(" \t\r\n\f/])>", c[i - 1])) &&
		    (i + k == n || strchr(" \t\r\n\f/[(<", c[i + k])))
			count++;
	return count;
}

/* In-memory TIFF writing for g4_tiff. */
typedef struct memw {
	sh_buf b;
	size_t pos;
} memw;
static tmsize_t mw_read(thandle_t h, void *buf, tmsize_t n)
{
	memw *m = h;
	if (n < 0 || m->pos >= m->b.len)
		return 0;
	size_t k = (size_t)n < m->b.len - m->pos ? (size_t)n : m->b.len - m->pos;
	memcpy(buf, m->b.data + m->pos, k);
	m->pos += k;
	return (tmsize_t)k;
}
static tmsize_t mw_write(thandle_t h, void *buf, tmsize_t n)
{
	memw *m = h;
	if (n < 0)
		return 0;
	if (m->pos + (size_t)n > m->b.len) {
		size_t grow = m->pos + (size_t)n - m->b.len;
		if (sh_buf_grow(&m->b, grow))
			return 0;
		memset(m->b.data + m->b.len, 0, grow);
		m->b.len += grow;
	}
	memcpy(m->b.data + m->pos, buf, (size_t)n);
	m->pos += (size_t)n;
	return n;
}
static toff_t mw_seek(thandle_t h, toff_t off, int whence)
{
	memw *m = h;
	uint64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->b.len;
	m->pos = (size_t)(base + off);
	return m->pos;
}
static int mw_close(thandle_t h) { return 0; }
static toff_t mw_size(thandle_t h) { return ((memw *)h)->b.len; }
static int mw_map(thandle_t h, void **base, toff_t *size) { return 0; }
static void mw_unmap(thandle_t h, void *base, toff_t size) {}

/* The PDF's G4 data as the one strip of a TIFF (no re-coding): white runs
 * are white (MinIsWhite) unless BlackIs1 / Decode [1 0] invert them. */
static int g4_tiff(pdf_page_info *out, const unsigned char *g4, size_t len, int invert)
{
	memw m = {SH_BUF_INIT, 0};
	TIFF *t = TIFFClientOpen("page.tif", "w", &m, mw_read, mw_write, mw_seek, mw_close, mw_size,
				 mw_map, mw_unmap);
	if (!t)
		return sh_error_set(SH_ENOMEM, "cannot make a TIFF");
	int ok = TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)out->w) &&
		 TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)out->h) &&
		 TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1) && TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1) &&
		 TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4) &&
		 TIFFSetField(t, TIFFTAG_PHOTOMETRIC,
			      invert ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_MINISWHITE) &&
		 TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)out->h) &&
		 TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB) &&
		 TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	if (ok && out->dpi > 0)
		ok = TIFFSetField(t, TIFFTAG_XRESOLUTION, (float)out->dpi) &&
		     TIFFSetField(t, TIFFTAG_YRESOLUTION, (float)out->dpi) &&
		     TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	if (ok)
		ok = TIFFWriteRawStrip(t, 0, (void *)g4, (tmsize_t)len) == (tmsize_t)len;
	if (ok)
		ok = TIFFWriteDirectory(t);
	TIFFClose(t);
	if (!ok) {
		sh_buf_free(&m.b);
		return sh_error_set(SH_EINVAL, "cannot wrap the G4 data in a TIFF");
	}
	out->len = m.b.len;
	out->bytes = m.b.data;
	return SH_OK;
}

/* The page's one JPEG or CCITT G4 image, when that is all it shows. */
/* Whether the image dictionary d is one the page keeps as is: a baseline
 * JPEG (grey or RGB) or a pure 2-D CCITT G4 (1 bit), no mask; *out_g4 and
 * *out_invert say which and whether its samples read inverted. */
static int image_as_is(qpdf_data q, qpdf_oh d, int *out_g4, int *out_invert)
{
	qpdf_oh f = qpdf_oh_get_key(q, d, "/Filter");
	if (qpdf_oh_is_array(q, f) && qpdf_oh_get_array_n_items(q, f) == 1)
		f = qpdf_oh_get_array_item(q, f, 0);
	qpdf_oh cs = qpdf_oh_get_key(q, d, "/ColorSpace");
	qpdf_oh bpc = qpdf_oh_get_key(q, d, "/BitsPerComponent");
	qpdf_oh ow = qpdf_oh_get_key(q, d, "/Width"), oh = qpdf_oh_get_key(q, d, "/Height");
	if (!qpdf_oh_is_integer(q, bpc) || !qpdf_oh_is_integer(q, ow) || !qpdf_oh_is_integer(q, oh))
		return 0;
	int g4 = *out_g4 = qpdf_oh_is_name_and_equals(q, f, "/CCITTFaxDecode"), invert = 0;
	/* an ICC-based grey or RGB space (img2pdf writes one) counts as
	 * DeviceGray/RGB: the samples are kept, the profile is not */
	if (qpdf_oh_is_array(q, cs) && qpdf_oh_get_array_n_items(q, cs) == 2 &&
	    qpdf_oh_is_name_and_equals(q, qpdf_oh_get_array_item(q, cs, 0), "/ICCBased")) {
		qpdf_oh prof = qpdf_oh_get_array_item(q, cs, 1);
		qpdf_oh nn = qpdf_oh_is_stream(q, prof) ? qpdf_oh_get_key(q, qpdf_oh_get_dict(q, prof), "/N")
							: 0;
		int ncomp = nn && qpdf_oh_is_integer(q, nn) ? qpdf_oh_get_int_value_as_int(q, nn) : 0;
		if (ncomp == 1)
			cs = qpdf_oh_new_name(q, "/DeviceGray");
		else if (ncomp == 3)
			cs = qpdf_oh_new_name(q, "/DeviceRGB");
	}
	if (!(g4 || qpdf_oh_is_name_and_equals(q, f, "/DCTDecode")) ||
	    !qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"), "/Image") ||
	    qpdf_oh_get_int_value_as_int(q, bpc) != (g4 ? 1 : 8) ||
	    !(qpdf_oh_is_name_and_equals(q, cs, "/DeviceGray") ||
	      (!g4 && qpdf_oh_is_name_and_equals(q, cs, "/DeviceRGB"))) ||
	    qpdf_oh_has_key(q, d, "/SMask") || qpdf_oh_has_key(q, d, "/Mask") ||
	    qpdf_oh_has_key(q, d, "/ImageMask"))
		return 0;
	qpdf_oh dec = qpdf_oh_get_key(q, d, "/Decode");
	if (qpdf_oh_is_array(q, dec)) {
		/* [1 0] inverts a 1-bit image; anything else is not taken as is */
		if (!g4 || qpdf_oh_get_array_n_items(q, dec) != 2 ||
		    !qpdf_oh_is_number(q, qpdf_oh_get_array_item(q, dec, 0)) ||
		    qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, dec, 0)) != 1)
			return 0;
		invert = 1;
	} else if (!qpdf_oh_is_null(q, dec)) {
		return 0;
	}
	if (g4) {
		/* pure 2-D G4 (K < 0), no byte alignment, no EOB games */
		qpdf_oh dp = qpdf_oh_get_key(q, d, "/DecodeParms");
		if (qpdf_oh_is_array(q, dp) && qpdf_oh_get_array_n_items(q, dp) == 1)
			dp = qpdf_oh_get_array_item(q, dp, 0);
		if (!qpdf_oh_is_dictionary(q, dp))
			return 0;
		qpdf_oh k = qpdf_oh_get_key(q, dp, "/K"), cols = qpdf_oh_get_key(q, dp, "/Columns");
		qpdf_oh b1 = qpdf_oh_get_key(q, dp, "/BlackIs1");
		qpdf_oh al = qpdf_oh_get_key(q, dp, "/EncodedByteAlign");
		if (!qpdf_oh_is_integer(q, k) || qpdf_oh_get_int_value_as_int(q, k) >= 0 ||
		    !qpdf_oh_is_integer(q, cols) ||
		    qpdf_oh_get_int_value_as_int(q, cols) != qpdf_oh_get_int_value_as_int(q, ow) ||
		    (qpdf_oh_is_bool(q, al) && qpdf_oh_get_bool_value(q, al)))
			return 0;
		if (qpdf_oh_is_bool(q, b1) && qpdf_oh_get_bool_value(q, b1))
			invert = !invert;
	}
	*out_invert = invert;
	return 1;
}

static int page_image(qpdf_data q, qpdf_oh page, double pw, pdf_page_info *out)
{
	qpdf_oh rot = qpdf_oh_get_key(q, page, "/Rotate");
	if (qpdf_oh_is_integer(q, rot) && qpdf_oh_get_int_value_as_int(q, rot) % 360 != 0)
		return 0;
	qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources");
	if (!qpdf_oh_is_dictionary(q, res))
		return 0;
	qpdf_oh xo = qpdf_oh_get_key(q, res, "/XObject");
	if (!qpdf_oh_is_dictionary(q, xo))
		return 0;
	int nx = 0;
	qpdf_oh img = 0;
	qpdf_oh_begin_dict_key_iter(q, xo);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *key = qpdf_oh_dict_next_key(q);
		img = qpdf_oh_get_key(q, xo, key);
		nx++;
	}
	if (nx != 1 || !qpdf_oh_is_stream(q, img))
		return 0;
	qpdf_oh d = qpdf_oh_get_dict(q, img);
	int g4 = 0, invert = 0;
	if (!image_as_is(q, d, &g4, &invert))
		return 0;
	qpdf_oh ow = qpdf_oh_get_key(q, d, "/Width"), oh = qpdf_oh_get_key(q, d, "/Height");
	unsigned char *c = NULL;
	size_t n = 0;
	if ((qpdf_oh_get_page_content_data(q, page, &c, &n) & QPDF_ERRORS) || !c) {
		free(c);
		return 0;
	}
	int one = tokens(c, n, "Do") == 1 && tokens(c, n, "BT") == 0 && tokens(c, n, "sh") == 0;
	free(c);
	if (!one)
		return 0;
	unsigned char *raw = NULL;
	size_t len = 0;
	QPDF_BOOL filtered = QPDF_FALSE;
	if ((qpdf_oh_get_stream_data(q, img, qpdf_dl_none, &filtered, &raw, &len) & QPDF_ERRORS) ||
	    !raw || len < 4 || (!g4 && (raw[0] != 0xFF || raw[1] != 0xD8))) {
		free(raw);
		return 0;
	}
	out->w = qpdf_oh_get_int_value_as_int(q, ow);
	out->h = qpdf_oh_get_int_value_as_int(q, oh);
	if (out->w <= 0 || out->h <= 0 || out->w > SH_SCAN_MAX_SIDE || out->h > SH_SCAN_MAX_SIDE) {
		free(raw);
		out->w = out->h = 0;
		return 0;
	}
	out->dpi = pw > 0 ? (int)lround(out->w * 72.0 / pw) : 0;
	int rc = g4 ? g4_tiff(out, raw, len, invert) : SH_OK;
	if (!g4 && !(out->bytes = sh_malloc(len)))
		rc = SH_ENOMEM;
	else if (!g4) {
		memcpy(out->bytes, raw, len);
		out->len = len;
	}
	free(raw);
	if (rc) {
		out->w = out->h = 0;
		return rc == SH_ENOMEM ? rc : 0;
	}
	out->jpeg = g4 ? 2 : 1;
	out->dpi = pw > 0 ? (int)lround(out->w * 72.0 / pw) : 0;
	return 1;
}

static int inspect(scan_pdf *p, const uint8_t *data, size_t len, const char *name)
{
	qpdf_data q = qpdf_init();
	int rc = SH_OK;
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read_memory(q, name, (const char *)data, (unsigned long long)len, NULL) &
	    QPDF_ERRORS) {
		qpdf_error e = qpdf_get_error(q);
		enum qpdf_error_code_e code = e ? qpdf_get_error_code(q, e) : qpdf_e_damaged_pdf;
		if (code == qpdf_e_password)
			rc = sh_error_set(SH_EINVAL, "%s: the PDF is encrypted with a password: save it "
						     "without one or rescan the paper", name);
		else
			rc = sh_error_set(SH_EINVAL, "%s: not a readable PDF (damaged)", name);
		goto out;
	}
	if (qpdf_is_encrypted(q)) {
		rc = sh_error_set(SH_EINVAL, "%s: the PDF is encrypted: save it without a password "
					     "or rescan the paper", name);
		goto out;
	}
	int n = qpdf_get_num_pages(q);
	if (qpdf_has_error(q) || n < 0) {
		qpdf_get_error(q);
		rc = sh_error_set(SH_EINVAL, "%s: the PDF's page tree is damaged", name);
		goto out;
	}
	/* damage: qpdf had to reconstruct the file or its page tree */
	if (qpdf_more_warnings(q)) {
		rc = sh_error_set(SH_EINVAL, "%s: the PDF is damaged (it needed repair): re-export or "
					     "rescan it", name);
		goto out;
	}
	qpdf_push_inherited_attributes_to_page(q);
	qpdf_oh root = qpdf_get_root(q);
	qpdf_oh names = qpdf_oh_get_key(q, root, "/Names");
	if ((qpdf_oh_is_dictionary(q, names) && qpdf_oh_has_key(q, names, "/JavaScript")) ||
	    is_js_action(q, qpdf_oh_get_key(q, root, "/OpenAction")) ||
	    qpdf_oh_has_key(q, root, "/AA")) {
		rc = sh_error_set(SH_EINVAL, "%s: the PDF holds JavaScript or automatic actions: "
					     "refused", name);
		goto out;
	}
	if (n == 0) {
		rc = sh_error_set(SH_EINVAL, "%s: the PDF has no pages", name);
		goto out;
	}
	if (n > SH_SCAN_MAX_PAGES) {
		rc = sh_error_set(SH_ELIMIT, "%s: %d pages, over the limit of %d", name, n,
				  SH_SCAN_MAX_PAGES);
		goto out;
	}
	if (!(p->info = sh_calloc((size_t)n, sizeof *p->info))) {
		rc = SH_ENOMEM;
		goto out;
	}
	p->pages = (size_t)n;
	for (int i = 0; i < n && !rc; i++) {
		qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
		if (qpdf_oh_has_key(q, page, "/AA")) {
			rc = sh_error_set(SH_EINVAL, "%s: page %d has automatic actions: refused", name,
					  i + 1);
			break;
		}
		qpdf_oh box = qpdf_oh_get_key(q, page, "/MediaBox");
		double pw = 0, ph = 0;
		if (qpdf_oh_is_array(q, box) && qpdf_oh_get_array_n_items(q, box) == 4 &&
		    qpdf_oh_is_number(q, qpdf_oh_get_array_item(q, box, 0)) &&
		    qpdf_oh_is_number(q, qpdf_oh_get_array_item(q, box, 1)) &&
		    qpdf_oh_is_number(q, qpdf_oh_get_array_item(q, box, 2)) &&
		    qpdf_oh_is_number(q, qpdf_oh_get_array_item(q, box, 3))) {
			pw = fabs(qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, box, 2)) -
				  qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, box, 0)));
			ph = fabs(qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, box, 3)) -
				  qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, box, 1)));
		}
		int j = page_image(q, page, pw, &p->info[i]);
		if (j < 0) {
			rc = j;
			break;
		}
		if (!j) {
			/* rendered: the size poppler will give, checked now */
			if (!(pw > 0 && ph > 0 && pw < 1e5 && ph < 1e5)) {
				rc = sh_error_set(SH_EINVAL, "%s: page %d has no usable size", name, i + 1);
				break;
			}
			qpdf_oh rot = qpdf_oh_get_key(q, page, "/Rotate");
			int r = qpdf_oh_is_integer(q, rot) ? qpdf_oh_get_int_value_as_int(q, rot) : 0;
			double w = ceil(pw * RENDER_DPI / 72.0), h = ceil(ph * RENDER_DPI / 72.0);
			int swap = ((r % 360) + 360) % 180 == 90;
			p->info[i].w = (int)(swap ? h : w);
			p->info[i].h = (int)(swap ? w : h);
			p->info[i].dpi = RENDER_DPI;
		}
	}
out:
	while (qpdf_has_error(q))
		qpdf_get_error(q); /* else qpdf prints it at cleanup */
	qpdf_cleanup(&q);
	return rc;
}

int scan_pdf_open(scan_pdf **out, const uint8_t *data, size_t len, const char *name,
		  size_t *pages)
{
	*out = NULL;
	scan_pdf *p = sh_calloc(1, sizeof *p);
	if (!p)
		return SH_ENOMEM;
	pthread_mutex_lock(&lock);
	int rc = inspect(p, data, len, name);
	pthread_mutex_unlock(&lock);
	if (!rc && !(p->gbytes = g_bytes_new(data, len)))
		rc = SH_ENOMEM;
	if (rc) {
		scan_pdf_free(&p);
		return rc;
	}
	*pages = p->pages;
	*out = p;
	return SH_OK;
}

void scan_pdf_page_info(const scan_pdf *p, size_t i, int *w, int *h, int *dpi)
{
	*w = p->info[i].w;
	*h = p->info[i].h;
	*dpi = p->info[i].dpi;
}

int scan_pdf_page_image(const scan_pdf *p, size_t i, const uint8_t **bytes, size_t *len,
			const char **mime)
{
	if (!p->info[i].jpeg)
		return 0;
	*bytes = p->info[i].bytes;
	*len = p->info[i].len;
	*mime = p->info[i].jpeg == 1 ? "image/jpeg" : "image/tiff";
	return 1;
}

static int render(scan_pdf *p, size_t i, const char *name, PIX **out)
{
	GError *err = NULL;
	if (!p->doc && !(p->doc = poppler_document_new_from_bytes(p->gbytes, NULL, &err))) {
		int rc = sh_error_set(SH_EINVAL, "%s: poppler cannot open the PDF: %s", name,
				      err ? err->message : "?");
		if (err)
			g_error_free(err);
		return rc;
	}
	PopplerPage *pg = poppler_document_get_page(p->doc, (int)i);
	if (!pg)
		return sh_error_set(SH_EINVAL, "%s: page %zu cannot be read", name, i + 1);
	int w = p->info[i].w, h = p->info[i].h;
	double pw = 0, ph = 0;
	poppler_page_get_size(pg, &pw, &ph);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	int rc = SH_OK;
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		rc = sh_error_set(SH_ENOMEM, "%s: page %zu: no memory to render", name, i + 1);
		goto out;
	}
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	/* poppler's size is the page as shown; scale it onto w x h */
	if (pw > 0 && ph > 0)
		cairo_scale(cr, w / pw, h / ph);
	poppler_page_render_for_printing(pg, cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	PIX *pix = pixCreate(w, h, 32);
	if (!pix) {
		rc = sh_error_set(SH_ENOMEM, "%s: page %zu: no memory to render", name, i + 1);
		goto out;
	}
	const unsigned char *src = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s), grey = 1;
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(src + (size_t)y * stride);
		l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
		for (int x = 0; x < w; x++) {
			uint32_t v = row[x];
			uint32_t r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
			grey &= r == g && g == b;
			line[x] = (r << L_RED_SHIFT) | (g << L_GREEN_SHIFT) | (b << L_BLUE_SHIFT);
		}
	}
	pixSetResolution(pix, RENDER_DPI, RENDER_DPI);
	if (grey) {
		PIX *g = pixConvertRGBToGray(pix, 0.0f, 0.0f, 0.0f);
		pixDestroy(&pix);
		pix = g;
		if (pix)
			pixSetResolution(pix, RENDER_DPI, RENDER_DPI);
	}
	if (!pix)
		rc = sh_error_set(SH_ENOMEM, "%s: page %zu: no memory to render", name, i + 1);
	*out = pix;
out:
	cairo_surface_destroy(s);
	g_object_unref(pg);
	return rc;
}

int scan_pdf_page(scan_pdf *p, size_t i, const char *name, PIX **out)
{
	*out = NULL;
	if (p->info[i].jpeg == 1)
		return scan_decode_jpeg(p->info[i].bytes, p->info[i].len, name, out);
	if (p->info[i].jpeg == 2) {
		*out = pixReadMemTiff(p->info[i].bytes, p->info[i].len, 0);
		return *out ? SH_OK
			    : sh_error_set(SH_EINVAL, "%s: page %zu: the G4 image cannot be decoded",
					   name, i + 1);
	}
	pthread_mutex_lock(&lock);
	int rc = render(p, i, name, out);
	pthread_mutex_unlock(&lock);
	return rc;
}
