/* Image files: sniff, count pages, check limits before decoding, decode. */
#include "image_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

struct sh_scan_file {
	char *name;
	uint8_t *data;
	size_t len;
	sh_image_type type;
	int lept_format;
	size_t pages;
	int *w, *h, *dpi; /* per page */
	scan_pdf *pdf;    /* SH_IMAGE_PDF (pdf.c) */
};

static void quiet(void)
{
	static int done;
	if (!done) {
		done = 1;
		setMsgSeverity(L_SEVERITY_NONE);
		TIFFSetWarningHandler(NULL);
		TIFFSetErrorHandler(NULL);
	}
}

void sh_scan_file_free(sh_scan_file **pf)
{
	sh_scan_file *f = pf ? *pf : NULL;
	if (!f)
		return;
	sh_free(f->name);
	sh_free(f->data);
	sh_free(f->w);
	sh_free(f->h);
	sh_free(f->dpi);
	scan_pdf_free(&f->pdf);
	sh_free(f);
	*pf = NULL;
}

static sh_image_type type_of(int fmt)
{
	switch (fmt) {
	case IFF_PNG: return SH_IMAGE_PNG;
	case IFF_JFIF_JPEG: return SH_IMAGE_JPEG;
	case IFF_PNM: return SH_IMAGE_PNM;
	case IFF_TIFF: case IFF_TIFF_PACKBITS: case IFF_TIFF_RLE: case IFF_TIFF_G3:
	case IFF_TIFF_G4: case IFF_TIFF_LZW: case IFF_TIFF_ZIP: case IFF_TIFF_JPEG:
		return SH_IMAGE_TIFF;
	default: return SH_IMAGE_UNKNOWN;
	}
}

static int check_dims(const sh_scan_file *f, size_t page, int w, int h)
{
	if (w <= 0 || h <= 0)
		return sh_error_set(SH_EINVAL, "%s: page %zu has no size (corrupt header)", f->name,
				    page + 1);
	if (w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE ||
	    (long)w * (long)h > SH_SCAN_MAX_PIXELS)
		return sh_error_set(SH_ELIMIT,
				    "%s: page %zu is %d x %d pixels, over the limit (%d per side, "
				    "%ld Mpx); scan at a lower resolution",
				    f->name, page + 1, w, h, SH_SCAN_MAX_SIDE,
				    SH_SCAN_MAX_PIXELS / 1000000);
	return SH_OK;
}

static int tiff_count(const sh_scan_file *f, size_t *out)
{
	FILE *fp = fmemopen(f->data, f->len, "rb");
	if (!fp)
		return sh_error_set(SH_ENOMEM, "%s: cannot open TIFF in memory", f->name);
	l_int32 n = 0;
	l_ok bad = tiffGetCount(fp, &n);
	fclose(fp);
	if (bad || n <= 0)
		return sh_error_set(SH_EINVAL, "%s: TIFF is corrupt or truncated (no readable page)",
				    f->name);
	*out = (size_t)n;
	return SH_OK;
}

/* Does the marker occur within the last `window` bytes? */
static int has_tail(const sh_scan_file *f, const uint8_t *m, size_t mlen, size_t window)
{
	size_t start = f->len > window ? f->len - window : 0;
	for (size_t i = f->len >= mlen ? f->len - mlen + 1 : 0; i-- > start;)
		if (!memcmp(f->data + i, m, mlen))
			return 1;
	return 0;
}

static uint32_t rd32(const uint8_t *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const uint8_t *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Walk a classic TIFF's directory chain: a next-directory offset or an
 * entry's data pointing past the end means the file was cut short, and a
 * reader would silently stop at the last whole page. Returns the number of
 * directories, or an error. BigTIFF is left to libtiff. */
static int tiff_walk(const sh_scan_file *f, size_t *out)
{
	const uint8_t *d = f->data;
	size_t len = f->len;
	*out = 0;
	if (len < 8)
		return sh_error_set(SH_EINVAL, "%s: TIFF is truncated", f->name);
	int be = d[0] == 'M';
	if (rd16(d + 2, be) != 42)
		return SH_OK; /* BigTIFF */
	uint64_t off = rd32(d + 4, be);
	size_t n = 0;
	while (off) {
		if (off & 1 || off + 2 > len)
			return sh_error_set(SH_EINVAL, "%s: TIFF is truncated or corrupt at page %zu "
						       "(directory beyond the end of the file)",
					    f->name, n + 1);
		uint16_t cnt = rd16(d + off, be);
		if (off + 2 + 12ull * cnt + 4 > len)
			return sh_error_set(SH_EINVAL, "%s: TIFF is truncated in page %zu's directory",
					    f->name, n + 1);
		uint64_t strip_off = 0, strip_len = 0;
		int nstrips = 0;
		for (unsigned e = 0; e < cnt; e++) {
			const uint8_t *ent = d + off + 2 + 12 * e;
			uint16_t tag = rd16(ent, be), type = rd16(ent + 2, be);
			uint32_t count = rd32(ent + 4, be);
			/* StripOffsets/TileOffsets and their byte counts, single-valued or
			 * pointing at arrays: check the arrays lie in the file and, for one
			 * strip, that the strip does. */
			if (tag == 273 || tag == 324 || tag == 279 || tag == 325) {
				unsigned sz = type == 3 ? 2 : 4;
				uint64_t bytes = (uint64_t)count * sz;
				uint64_t v;
				if (bytes > 4) {
					uint64_t at = rd32(ent + 8, be);
					if (at + bytes > len)
						return sh_error_set(SH_EINVAL, "%s: TIFF is truncated in page "
									       "%zu (strip table past the end)",
								    f->name, n + 1);
					v = 0;
				} else {
					v = sz == 2 ? rd16(ent + 8, be) : rd32(ent + 8, be);
				}
				if (tag == 273 || tag == 324) {
					strip_off = v;
					nstrips = (int)count;
				} else {
					strip_len = v;
				}
			}
		}
		if (nstrips == 1 && strip_off + strip_len > len)
			return sh_error_set(SH_EINVAL, "%s: TIFF is truncated in page %zu (image data "
						       "past the end of the file)",
					    f->name, n + 1);
		if (++n > SH_SCAN_MAX_PAGES)
			return sh_error_set(SH_ELIMIT, "%s: more than %d pages", f->name,
					    SH_SCAN_MAX_PAGES);
		off = rd32(d + off + 2 + 12ull * cnt, be);
	}
	*out = n;
	return SH_OK;
}

static int open_pdf(sh_scan_file *f)
{
	f->type = SH_IMAGE_PDF;
	int rc = scan_pdf_open(&f->pdf, f->data, f->len, f->name, &f->pages);
	if (rc)
		return rc;
	f->w = sh_calloc(f->pages, sizeof *f->w);
	f->h = sh_calloc(f->pages, sizeof *f->h);
	f->dpi = sh_calloc(f->pages, sizeof *f->dpi);
	if (!f->w || !f->h || !f->dpi)
		return SH_ENOMEM;
	for (size_t i = 0; i < f->pages && !rc; i++) {
		scan_pdf_page_info(f->pdf, i, &f->w[i], &f->h[i], &f->dpi[i]);
		rc = check_dims(f, i, f->w[i], f->h[i]);
	}
	return rc;
}

/* A binary PNM (P4, P5, P6) whose raster is shorter than its header says:
 * known from the header alone, before any page is read (a dossier with such
 * a file is refused before the others are read). Text PNMs (P1-P3) and
 * headers this does not follow are left to the decoder. */
static int pnm_short(const sh_scan_file *f)
{
	const uint8_t *d = f->data;
	size_t n = f->len, i = 2;
	if (n < 3 || d[0] != 'P' || d[1] < '4' || d[1] > '6')
		return 0;
	unsigned long long v[3] = {0, 0, 1};
	int nv = d[1] == '4' ? 2 : 3;
	for (int k = 0; k < nv; k++) {
		for (;;) { /* white space and # comments */
			while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
				i++;
			if (i < n && d[i] == '#') {
				while (i < n && d[i] != '\n')
					i++;
				continue;
			}
			break;
		}
		if (i >= n || d[i] < '0' || d[i] > '9')
			return 0;
		v[k] = 0;
		while (i < n && d[i] >= '0' && d[i] <= '9' && v[k] < (1ull << 32))
			v[k] = v[k] * 10 + (unsigned long long)(d[i++] - '0');
	}
	if (i >= n || v[0] == 0 || v[1] == 0 || v[0] >= (1ull << 32) || v[1] >= (1ull << 32) ||
	    v[2] == 0 || v[2] > 65535)
		return 0;
	i++; /* the single white space before the raster */
	unsigned long long row = d[1] == '4' ? (v[0] + 7) / 8
						: v[0] * (d[1] == '6' ? 3 : 1) * (v[2] > 255 ? 2 : 1);
	return row * v[1] > (unsigned long long)(n - i);
}

static int open_checked(sh_scan_file *f)
{
	if (f->len == 0)
		return sh_error_set(SH_EINVAL, "%s: file is empty (0 bytes): not an image", f->name);
	if (f->len >= 5 && !memcmp(f->data, "%PDF-", 5))
		return open_pdf(f);
	l_int32 fmt = IFF_UNKNOWN;
	if (f->len < 12 || findFileFormatBuffer(f->data, &fmt) || (f->type = type_of(fmt)) ==
								    SH_IMAGE_UNKNOWN)
		return sh_error_set(SH_EINVAL,
				    "%s: not a supported image (PNG, JPEG, PNM or TIFF expected)",
				    f->name);
	f->lept_format = fmt;
	/* Truncation shows at the end: check the end markers before any decoder
	 * sees the data (decoders may print, or fill missing rows with grey). */
	if (f->type == SH_IMAGE_PNG && !has_tail(f, (const uint8_t *)"IEND", 4, 64))
		return sh_error_set(SH_EINVAL, "%s: PNG is truncated (no IEND chunk): re-export or "
					       "rescan the file", f->name);
	if (f->type == SH_IMAGE_JPEG && !has_tail(f, (const uint8_t *)"\xff\xd9", 2, 1 << 16))
		return sh_error_set(SH_EINVAL, "%s: JPEG is truncated (no end-of-image marker): "
					       "re-export or rescan the file", f->name);
	if (f->type == SH_IMAGE_TIFF) {
		size_t walked = 0;
		int rc = tiff_walk(f, &walked);
		if (!rc)
			rc = tiff_count(f, &f->pages);
		if (rc)
			return rc;
		if (walked && walked != f->pages)
			return sh_error_set(SH_EINVAL, "%s: TIFF has %zu page directories but only %zu "
						       "can be read: the file is damaged",
					    f->name, walked, f->pages);
		if (f->pages > SH_SCAN_MAX_PAGES)
			return sh_error_set(SH_ELIMIT, "%s: %zu pages, over the limit of %d", f->name,
					    f->pages, SH_SCAN_MAX_PAGES);
	} else {
		f->pages = 1;
	}
	f->w = sh_calloc(f->pages, sizeof *f->w);
	f->h = sh_calloc(f->pages, sizeof *f->h);
	f->dpi = sh_calloc(f->pages, sizeof *f->dpi);
	if (!f->w || !f->h || !f->dpi)
		return SH_ENOMEM;
	for (size_t i = 0; i < f->pages; i++) {
		l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, pf = 0;
		l_ok bad;
		if (f->type == SH_IMAGE_TIFF)
			bad = readHeaderMemTiff(f->data, f->len, (l_int32)i, &w, &h, &bps, &spp, &res,
						&cmap, &pf);
		else
			bad = pixReadHeaderMem(f->data, f->len, &pf, &w, &h, &bps, &spp, &cmap);
		if (bad)
			return sh_error_set(SH_EINVAL, "%s: page %zu: corrupt or truncated image header",
					    f->name, i + 1);
		int rc = check_dims(f, i, w, h);
		if (rc)
			return rc;
		f->w[i] = w;
		f->h[i] = h;
		f->dpi[i] = res;
	}
	/* after the size limits: a header claiming a huge page is "over the limit" */
	if (f->type == SH_IMAGE_PNM && pnm_short(f))
		return sh_error_set(SH_EINVAL, "%s: PNM is truncated (shorter than its header says): "
					       "re-export or rescan the file", f->name);
	return SH_OK;
}

int sh_scan_file_open_mem(sh_scan_file **out, const void *data, size_t len, const char *name)
{
	*out = NULL;
	quiet();
	sh_scan_file *f = sh_calloc(1, sizeof *f);
	if (!f)
		return SH_ENOMEM;
	f->name = sh_strdup(name ? name : "(memory)");
	f->data = sh_malloc(len + 1);
	if (!f->name || !f->data) {
		sh_scan_file_free(&f);
		return SH_ENOMEM;
	}
	if (len)
		memcpy(f->data, data, len);
	f->data[len] = 0;
	f->len = len;
	int rc = open_checked(f);
	if (rc) {
		sh_scan_file_free(&f);
		return rc;
	}
	*out = f;
	return SH_OK;
}

int sh_scan_file_open(sh_scan_file **out, const char *path)
{
	*out = NULL;
	quiet();
	sh_scan_file *f = sh_calloc(1, sizeof *f);
	if (!f)
		return SH_ENOMEM;
	f->name = sh_strdup(path);
	if (!f->name) {
		sh_free(f);
		return SH_ENOMEM;
	}
	int rc = sh_file_read(&f->data, &f->len, path, SH_FILE_MAX);
	if (!rc)
		rc = open_checked(f);
	if (rc) {
		sh_scan_file_free(&f);
		return rc;
	}
	*out = f;
	return SH_OK;
}

size_t sh_scan_file_pages(const sh_scan_file *f) { return f->pages; }
sh_image_type sh_scan_file_type(const sh_scan_file *f) { return f->type; }
const char *sh_scan_file_name(const sh_scan_file *f) { return f->name; }

int sh_scan_file_page_info(const sh_scan_file *f, size_t i, int *w, int *h, int *dpi)
{
	if (i >= f->pages)
		return sh_error_set(SH_ENOTFOUND, "%s: no page %zu", f->name, i + 1);
	if (w) *w = f->w[i];
	if (h) *h = f->h[i];
	if (dpi) *dpi = f->dpi[i];
	return SH_OK;
}

int sh_scan_file_page(const sh_scan_file *f, size_t i, PIX **out)
{
	*out = NULL;
	if (i >= f->pages)
		return sh_error_set(SH_ENOTFOUND, "%s: no page %zu", f->name, i + 1);
	PIX *pix;
	if (f->type == SH_IMAGE_JPEG || f->type == SH_IMAGE_PNG) {
		int rc = f->type == SH_IMAGE_JPEG ? scan_decode_jpeg(f->data, f->len, f->name, &pix)
						  : scan_decode_png(f->data, f->len, f->name, &pix);
		if (rc)
			return rc;
	} else if (f->type == SH_IMAGE_PDF) {
		int rc = scan_pdf_page(f->pdf, i, f->name, &pix);
		if (rc)
			return rc;
	} else if (f->type == SH_IMAGE_TIFF) {
		pix = pixReadMemTiff(f->data, f->len, (l_int32)i);
	} else {
		pix = pixReadMem(f->data, f->len);
	}
	if (!pix)
		return sh_error_set(SH_EINVAL, "%s: page %zu cannot be decoded (truncated or corrupt "
					       "image data); rescan or re-export the file",
				    f->name, i + 1);
	if (pixGetWidth(pix) != f->w[i] || pixGetHeight(pix) != f->h[i]) {
		pixDestroy(&pix);
		return sh_error_set(SH_EINVAL, "%s: page %zu decodes to a size its header does not "
					       "state (corrupt file)",
				    f->name, i + 1);
	}
	*out = pix;
	return SH_OK;
}

int sh_scan_file_page_bytes(const sh_scan_file *f, size_t i, PIX *pix, uint8_t **out,
			    size_t *out_len, const char **mime)
{
	*out = NULL;
	*out_len = 0;
	if (f->pages == 1 && (f->type == SH_IMAGE_PNG || f->type == SH_IMAGE_JPEG)) {
		uint8_t *d = sh_malloc(f->len);
		if (!d)
			return SH_ENOMEM;
		memcpy(d, f->data, f->len);
		*out = d;
		*out_len = f->len;
		*mime = f->type == SH_IMAGE_PNG ? "image/png" : "image/jpeg";
		return SH_OK;
	}
	const uint8_t *jb = NULL;
	size_t jlen = 0;
	const char *jmime = NULL;
	if (f->type == SH_IMAGE_PDF && scan_pdf_page_image(f->pdf, i, &jb, &jlen, &jmime)) {
		uint8_t *d = sh_malloc(jlen);
		if (!d)
			return SH_ENOMEM;
		memcpy(d, jb, jlen);
		*out = d;
		*out_len = jlen;
		*mime = jmime;
		return SH_OK;
	}
	PIX *own = NULL;
	if (!pix) {
		int rc = sh_scan_file_page(f, i, &own);
		if (rc)
			return rc;
		pix = own;
	}
	l_uint8 *data = NULL;
	size_t size = 0;
	l_ok bad;
	if (pixGetDepth(pix) == 1) {
		bad = pixWriteMemTiff(&data, &size, pix, IFF_TIFF_G4);
		*mime = "image/tiff";
	} else {
		bad = pixWriteMemPng(&data, &size, pix, 0.0f);
		*mime = "image/png";
	}
	pixDestroy(&own);
	if (bad || !data)
		return sh_error_set(SH_ENOMEM, "%s: page %zu: cannot encode page image", f->name,
				    i + 1);
	uint8_t *d = sh_malloc(size);
	if (!d) {
		lept_free(data);
		return SH_ENOMEM;
	}
	memcpy(d, data, size);
	lept_free(data);
	*out = d;
	*out_len = size;
	return SH_OK;
}
