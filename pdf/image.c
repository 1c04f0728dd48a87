/* pdf/image.c — archival page bytes to PDF image data without recompression:
 * JPEG as DCT (baseline or progressive, grey or YCbCr/RGB), a single-strip
 * CCITT G4 TIFF as CCITTFax, a non-interlaced PNG of grey, RGB or palette
 * samples of up to 8 bits as its own IDAT data (Flate, PNG predictors). Any
 * other image (16-bit, alpha, interlaced, CMYK, other TIFF codings) is
 * decoded by Leptonica and given as samples the writer Flate-compresses:
 * lossless except that 16-bit samples keep their high byte and alpha is
 * dropped (PDF/A-1 has neither; docs/PDF.md). */
#include <pthread.h>
#include <string.h>
#include <tiffio.h>
#include <leptonica/allheaders.h>

#include "pdf_int.h"
#include "sh_common.h"
#include "sh_scan.h"

static void pdf_quiet_once(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
	TIFFSetWarningHandler(NULL);
	TIFFSetErrorHandler(NULL);
}

void pdf_img_clear(pdf_img *img)
{
	if (!img)
		return;
	sh_free(img->data);
	sh_free(img->palette);
	memset(img, 0, sizeof *img);
}

static int check_size(int w, int h)
{
	if (w <= 0 || h <= 0)
		return sh_error_set(SH_EINVAL, "image has no pixels");
	if (w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE ||
	    (long long)w * h > SH_SCAN_MAX_PIXELS)
		return sh_error_set(SH_ELIMIT, "image %dx%d is over the pixel limit", w, h);
	return SH_OK;
}

static int copy_bytes(pdf_img *out, const uint8_t *b, size_t len)
{
	if (!(out->data = sh_malloc(len ? len : 1)))
		return SH_ENOMEM;
	memcpy(out->data, b, len);
	out->len = len;
	return SH_OK;
}

/* ---- JPEG ---- */

/* 1: kept as DCT; 0: needs decoding; <0 error. */
static int from_jpeg(pdf_img *out, const uint8_t *b, size_t len)
{
	if (len < 4 || b[0] != 0xFF || b[1] != 0xD8)
		return sh_error_set(SH_EINVAL, "not a JPEG file");
	size_t i = 2;
	int adobe_transform = -1;
	while (i + 4 <= len) {
		if (b[i] != 0xFF)
			return sh_error_set(SH_EINVAL, "JPEG: marker expected at byte %zu", i);
		uint8_t m = b[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
			i += 2;
			continue;
		}
		size_t seg = ((size_t)b[i + 2] << 8) | b[i + 3];
		if (seg < 2 || i + 2 + seg > len)
			return sh_error_set(SH_EINVAL, "JPEG: truncated segment");
		const uint8_t *p = b + i + 4;
		if (m == 0xEE && seg >= 14 && !memcmp(p, "Adobe", 5))
			adobe_transform = p[11];
		if ((m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (seg < 8)
				return sh_error_set(SH_EINVAL, "JPEG: short frame header");
			int bits = p[0], h = (p[1] << 8) | p[2], w = (p[3] << 8) | p[4], nc = p[5];
			int rc = check_size(w, h);
			if (rc)
				return rc;
			out->width = w;
			out->height = h;
			/* PDF 1.4 DCTDecode: baseline/extended (C0, C1) and progressive
			 * (C2) Huffman, 8-bit, 1 or 3 components */
			if (bits != 8 || (m != 0xC0 && m != 0xC1 && m != 0xC2) ||
			    (nc != 1 && nc != 3) || (nc == 3 && adobe_transform == 0))
				return 0;
			/* the data must be whole: a scan, then EOI (zero
			 * padding after it allowed) */
			size_t e = len;
			while (e > i && b[e - 1] == 0)
				e--;
			if (e < i + 4 || b[e - 2] != 0xFF || b[e - 1] != 0xD9)
				return sh_error_set(SH_EINVAL, "JPEG: truncated (no end of image)");
			int sos = 0;
			for (size_t k = i; k + 1 < e && !sos; k++)
				sos = b[k] == 0xFF && b[k + 1] == 0xDA;
			if (!sos)
				return sh_error_set(SH_EINVAL, "JPEG: no image data");
			out->filter = PDF_DCT;
			out->bpc = 8;
			out->colors = nc;
			out->encoding = "DCT";
			rc = copy_bytes(out, b, len);
			return rc ? rc : 1;
		}
		if (m == 0xDA)
			break;
		i += 2 + seg;
	}
	return sh_error_set(SH_EINVAL, "JPEG: no frame header");
}

/* ---- PNG ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int from_png(pdf_img *out, const uint8_t *b, size_t len)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (len < 33 || memcmp(b, sig, 8) || memcmp(b + 12, "IHDR", 4))
		return sh_error_set(SH_EINVAL, "not a PNG file");
	uint32_t w = be32(b + 16), h = be32(b + 20);
	int depth = b[24], ctype = b[25], interlace = b[28];
	if (w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE)
		return sh_error_set(SH_ELIMIT, "image %ux%u is over the pixel limit", w, h);
	int rc = check_size((int)w, (int)h);
	if (rc)
		return rc;
	out->width = (int)w;
	out->height = (int)h;
	if (interlace || depth > 8 || !(ctype == 0 || ctype == 2 || ctype == 3))
		return 0;
	sh_buf idat = SH_BUF_INIT;
	size_t pos = 8;
	int seen_end = 0;
	while (pos + 12 <= len) {
		uint32_t n = be32(b + pos);
		const uint8_t *type = b + pos + 4;
		if (n > len - pos - 12) {
			sh_buf_free(&idat);
			return sh_error_set(SH_EINVAL, "PNG: truncated chunk");
		}
		const uint8_t *d = b + pos + 8;
		if (!memcmp(type, "IDAT", 4)) {
			if ((rc = sh_buf_put(&idat, d, n))) {
				sh_buf_free(&idat);
				return rc;
			}
		} else if (!memcmp(type, "PLTE", 4)) {
			if (n % 3 || n == 0 || n > 768) {
				sh_buf_free(&idat);
				return sh_error_set(SH_EINVAL, "PNG: bad palette");
			}
			sh_free(out->palette);
			if (!(out->palette = sh_malloc(n))) {
				sh_buf_free(&idat);
				return SH_ENOMEM;
			}
			memcpy(out->palette, d, n);
			out->npalette = (int)(n / 3);
		} else if (!memcmp(type, "tRNS", 4) && ctype == 3) {
			/* transparency in the palette: PDF/A-1 has none, decode */
			sh_buf_free(&idat);
			return 0;
		} else if (!memcmp(type, "IEND", 4)) {
			seen_end = 1;
			break;
		}
		pos += 12 + (size_t)n;
	}
	if (!seen_end || idat.len == 0 || (ctype == 3 && !out->palette)) {
		sh_buf_free(&idat);
		return sh_error_set(SH_EINVAL, "PNG: missing %s", !seen_end ? "end" : idat.len ? "palette" : "image data");
	}
	if (ctype != 3) {
		sh_free(out->palette);
		out->palette = NULL;
		out->npalette = 0;
	}
	out->filter = PDF_FLATE_PNG;
	out->bpc = depth;
	out->colors = ctype == 2 ? 3 : 1;
	out->encoding = "Flate+PNG predictor";
	out->len = idat.len;
	out->data = (uint8_t *)sh_buf_detach(&idat);
	return out->data ? 1 : SH_ENOMEM;
}

/* ---- TIFF (CCITT G4, one strip) ---- */

typedef struct memtiff {
	const uint8_t *b;
	size_t len, pos;
} memtiff;

static tmsize_t mt_read(thandle_t h, void *buf, tmsize_t n)
{
	memtiff *m = h;
	if (n < 0 || m->pos >= m->len)
		return 0;
	size_t k = (size_t)n < m->len - m->pos ? (size_t)n : m->len - m->pos;
	memcpy(buf, m->b + m->pos, k);
	m->pos += k;
	return (tmsize_t)k;
}
static tmsize_t mt_write(thandle_t h, void *buf, tmsize_t n) { return 0; }
static toff_t mt_seek(thandle_t h, toff_t off, int whence)
{
	memtiff *m = h;
	uint64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->len;
	if (off > UINT64_MAX - base)
		return (toff_t)-1;
	m->pos = (size_t)(base + off);
	return m->pos;
}
static int mt_close(thandle_t h) { return 0; }
static toff_t mt_size(thandle_t h) { return ((memtiff *)h)->len; }
static int mt_map(thandle_t h, void **base, toff_t *size) { return 0; }
static void mt_unmap(thandle_t h, void *base, toff_t size) {}

/* Leptonica and libtiff print by default; the library never does. Both
 * settings are process-wide, as in scanner/ (set once, never restored). */
void pdf_quiet(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, pdf_quiet_once);
}

static int from_tiff(pdf_img *out, const uint8_t *b, size_t len)
{
	memtiff m = {b, len, 0};
	TIFF *t = TIFFClientOpen("page", "rm", &m, mt_read, mt_write, mt_seek, mt_close, mt_size,
				 mt_map, mt_unmap);
	int rc = 0;
	if (!t) {
		rc = sh_error_set(SH_EINVAL, "TIFF: cannot be read");
		goto out;
	}
	uint32_t w = 0, h = 0;
	uint16_t comp = 0, photo = 0, fill = FILLORDER_MSB2LSB, bps = 1, spp = 1;
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &comp);
	TIFFGetFieldDefaulted(t, TIFFTAG_PHOTOMETRIC, &photo);
	TIFFGetFieldDefaulted(t, TIFFTAG_FILLORDER, &fill);
	TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
	if (w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE) {
		rc = sh_error_set(SH_ELIMIT, "image %ux%u is over the pixel limit", w, h);
		goto out;
	}
	if ((rc = check_size((int)w, (int)h)))
		goto out;
	out->width = (int)w;
	out->height = (int)h;
	if (comp != COMPRESSION_CCITTFAX4 || bps != 1 || spp != 1 || TIFFIsTiled(t) ||
	    TIFFNumberOfStrips(t) != 1 || (photo != PHOTOMETRIC_MINISWHITE &&
					   photo != PHOTOMETRIC_MINISBLACK))
		goto out; /* rc 0: decode */
	uint64_t *sizes = NULL;
	if (!TIFFGetField(t, TIFFTAG_STRIPBYTECOUNTS, &sizes) || !sizes || sizes[0] == 0 ||
	    sizes[0] > len) {
		rc = sh_error_set(SH_EINVAL, "TIFF: bad strip size");
		goto out;
	}
	size_t n = (size_t)sizes[0];
	if (!(out->data = sh_malloc(n))) {
		rc = SH_ENOMEM;
		goto out;
	}
	tmsize_t got = TIFFReadRawStrip(t, 0, out->data, (tmsize_t)n);
	if (got <= 0) {
		rc = sh_error_set(SH_EINVAL, "TIFF: strip cannot be read");
		goto out;
	}
	out->len = (size_t)got;
	if (fill == FILLORDER_LSB2MSB)
		TIFFReverseBits(out->data, (tmsize_t)out->len);
	out->filter = PDF_CCITT;
	out->bpc = 1;
	out->colors = 1;
	/* CCITT white runs give 1 bits in PDF (BlackIs1 false); in a
	 * MinIsBlack TIFF they are black */
	out->invert = photo == PHOTOMETRIC_MINISBLACK;
	out->encoding = "CCITTFax";
	rc = 1;
out:
	if (t)
		TIFFClose(t);
	return rc;
}

/* ---- anything else: decode, samples ---- */

static int from_pix(pdf_img *out, const uint8_t *b, size_t len)
{
	/* scanner/'s decoders: quiet, and the limits checked before decoding */
	sh_scan_file *f = NULL;
	PIX *p = NULL, *q = NULL;
	int rc = sh_scan_file_open_mem(&f, b, len, "page image");
	if (!rc && sh_scan_file_pages(f) != 1)
		rc = sh_error_set(SH_EINVAL, "page image holds %zu pages", sh_scan_file_pages(f));
	if (!rc)
		rc = sh_scan_file_page(f, 0, &p);
	sh_scan_file_free(&f);
	if (rc)
		return rc;
	rc = check_size(pixGetWidth(p), pixGetHeight(p));
	if (rc)
		goto out;
	if (pixGetColormap(p))
		q = pixRemoveColormap(p, REMOVE_CMAP_BASED_ON_SRC);
	else if (pixGetDepth(p) == 16)
		q = pixConvert16To8(p, L_MS_BYTE);
	else if (pixGetDepth(p) == 2 || pixGetDepth(p) == 4)
		q = pixConvertTo8(p, 0);
	else if (pixGetDepth(p) == 24)
		q = pixConvert24To32(p);
	else
		q = pixClone(p);
	if (!q) {
		rc = sh_error_set(SH_ENOMEM, "image cannot be converted");
		goto out;
	}
	if (pixGetDepth(q) == 16 || pixGetDepth(q) == 2 || pixGetDepth(q) == 4) {
		PIX *r = pixConvertTo8(q, 0);
		pixDestroy(&q);
		q = r;
	}
	int w = pixGetWidth(q), h = pixGetHeight(q), d = pixGetDepth(q);
	if (d != 1 && d != 8 && d != 32) {
		rc = sh_error_set(SH_EINVAL, "image of depth %d cannot be used", d);
		goto out;
	}
	int colors = d == 32 ? 3 : 1;
	size_t row = d == 1 ? ((size_t)w + 7) / 8 : (size_t)w * colors;
	if (!(out->data = sh_malloc(row * (size_t)h))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (int y = 0; y < h; y++) {
		const l_uint32 *line = pixGetData(q) + (size_t)y * pixGetWpl(q);
		uint8_t *o = out->data + row * (size_t)y;
		if (d == 1) {
			for (size_t x = 0; x < row; x++)
				o[x] = (uint8_t)(line[x / 4] >> (24 - 8 * (x % 4)));
		} else if (d == 8) {
			for (int x = 0; x < w; x++)
				o[x] = (uint8_t)GET_DATA_BYTE(line, x);
		} else {
			for (int x = 0; x < w; x++) {
				l_uint32 px = line[x];
				o[3 * x] = (uint8_t)(px >> L_RED_SHIFT);
				o[3 * x + 1] = (uint8_t)(px >> L_GREEN_SHIFT);
				o[3 * x + 2] = (uint8_t)(px >> L_BLUE_SHIFT);
			}
		}
	}
	out->len = row * (size_t)h;
	out->filter = PDF_RAW;
	out->width = w;
	out->height = h;
	out->bpc = d == 1 ? 1 : 8;
	out->colors = colors;
	out->invert = d == 1; /* Leptonica: 1 is black */
	out->encoding = "Flate (decoded)";
out:
	pixDestroy(&q);
	pixDestroy(&p);
	return rc;
}

static int image_dpi(const uint8_t *b, size_t len)
{
	l_int32 xres = 0, yres = 0;
	l_int32 fmt = 0;
	if (findFileFormatBuffer(b, &fmt))
		return 0;
	if (fmt == IFF_JFIF_JPEG || fmt == IFF_PNG || (fmt >= IFF_TIFF && fmt <= IFF_TIFF_JPEG)) {
		/* Leptonica reads resolution from the header only */
		PIX *p = NULL;
		(void)p;
		if (fmt == IFF_PNG && len > 33) {
			/* pHYs chunk, pixels per metre */
			size_t pos = 8;
			while (pos + 12 <= len) {
				uint32_t n = be32(b + pos);
				if (n > len - pos - 12)
					break;
				if (!memcmp(b + pos + 4, "pHYs", 4) && n >= 9 && b[pos + 16] == 1)
					return (int)(be32(b + pos + 8) * 254 / 10000);
				if (!memcmp(b + pos + 4, "IDAT", 4))
					break;
				pos += 12 + (size_t)n;
			}
			return 0;
		}
		if (fmt == IFF_JFIF_JPEG) {
			if (len > 18 && !memcmp(b + 6, "JFIF", 5) && b[13] == 1)
				return (b[14] << 8) | b[15];
			return 0;
		}
		(void)xres;
		(void)yres;
	}
	return 0;
}

int pdf_img_from_bytes(pdf_img *out, const uint8_t *b, size_t len, const char *mime)
{
	memset(out, 0, sizeof *out);
	pdf_quiet();
	int rc = 0;
	if (!b || len == 0)
		return sh_error_set(SH_EINVAL, "empty image");
	if (len >= 2 && b[0] == 0xFF && b[1] == 0xD8)
		rc = from_jpeg(out, b, len);
	else if (len >= 8 && b[0] == 0x89 && b[1] == 'P')
		rc = from_png(out, b, len);
	else if (len >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4)))
		rc = from_tiff(out, b, len);
	if (rc < 0) {
		pdf_img_clear(out);
		return rc;
	}
	if (rc == 0) {
		pdf_img_clear(out);
		if ((rc = from_pix(out, b, len))) {
			pdf_img_clear(out);
			return rc;
		}
	}
	out->dpi = image_dpi(b, len);
	(void)mime;
	return SH_OK;
}
