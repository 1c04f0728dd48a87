/* Archival TIFF masters written and read with libtiff, in memory. */
#include "scan_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tiffio.h>

void sh_scan__quiet(void)
{
	static int done;
	if (!done) {
		done = 1;
		setMsgSeverity(L_SEVERITY_NONE);
		TIFFSetWarningHandler(NULL);
		TIFFSetErrorHandler(NULL);
	}
}

/* ---- a seekable memory file for libtiff --------------------------------- */

typedef struct memfile {
	uint8_t *data; /* owned (write) or borrowed (read) */
	size_t len, cap, pos;
	int writable;
} memfile;

static tmsize_t mf_read(thandle_t h, void *buf, tmsize_t n)
{
	memfile *m = h;
	if (m->pos >= m->len)
		return 0;
	size_t k = (size_t)n;
	if (k > m->len - m->pos)
		k = m->len - m->pos;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (tmsize_t)k;
}

static tmsize_t mf_write(thandle_t h, void *buf, tmsize_t n)
{
	memfile *m = h;
	if (!m->writable || n < 0)
		return -1;
	size_t need = m->pos + (size_t)n;
	if (need > m->cap) {
		size_t cap = m->cap ? m->cap : 65536;
		while (cap < need)
			cap *= 2;
		uint8_t *d = sh_realloc(m->data, cap);
		if (!d)
			return -1;
		m->data = d;
		m->cap = cap;
	}
	if (m->pos > m->len)
		memset(m->data + m->len, 0, m->pos - m->len);
	memcpy(m->data + m->pos, buf, (size_t)n);
	m->pos = need;
	if (need > m->len)
		m->len = need;
	return n;
}

static toff_t mf_seek(thandle_t h, toff_t off, int whence)
{
	memfile *m = h;
	uint64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->len;
	uint64_t np = base + off;
	if (whence != SEEK_SET && (int64_t)off < 0)
		np = base - (uint64_t)(-(int64_t)off);
	m->pos = (size_t)np;
	return np;
}

static int mf_close(thandle_t h) { (void)h; return 0; }
static toff_t mf_size(thandle_t h) { return ((memfile *)h)->len; }
static int mf_map(thandle_t h, void **base, toff_t *size)
{
	(void)h; (void)base; (void)size;
	return 0;
}
static void mf_unmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

static TIFF *mf_open(memfile *m, const char *mode)
{
	return TIFFClientOpen("master", mode, (thandle_t)m, mf_read, mf_write, mf_seek, mf_close,
			      mf_size, mf_map, mf_unmap);
}

/* ---- writer ------------------------------------------------------------- */

struct sh_scan_master {
	memfile mf;
	TIFF *tif;
	char *code, *make, *model;
	char datetime[20];
	unsigned pages;
	int turn; /* quarter turns clockwise that make the next page upright */
	int spent;
};

void sh_scan_master_free(sh_scan_master **pm)
{
	sh_scan_master *m = pm ? *pm : NULL;
	if (!m)
		return;
	if (m->tif)
		TIFFClose(m->tif);
	sh_free(m->mf.data);
	sh_free(m->code);
	sh_free(m->make);
	sh_free(m->model);
	sh_free(m);
	*pm = NULL;
}

int sh_scan_master_new(sh_scan_master **out, const sh_scan_master_info *info)
{
	*out = NULL;
	sh_scan__quiet();
	sh_scan_master *m = sh_calloc(1, sizeof *m);
	if (!m)
		return SH_ENOMEM;
	m->mf.writable = 1;
	const char *code = info && info->code ? info->code : "";
	m->code = sh_strdup(code);
	m->make = info && info->make && *info->make ? sh_strdup(info->make) : NULL;
	m->model = info && info->model && *info->model ? sh_strdup(info->model) : NULL;
	if (!m->code || (info && info->make && *info->make && !m->make) ||
	    (info && info->model && *info->model && !m->model)) {
		sh_scan_master_free(&m);
		return SH_ENOMEM;
	}
	time_t t = (time_t)(info && info->time ? info->time : sh_now());
	/* TIFF DateTime has no zone: local time by convention (TIFF 6.0, Exif);
	 * the services run with TZ=Asia/Ho_Chi_Minh */
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(m->datetime, sizeof m->datetime, "%Y:%m:%d %H:%M:%S", &tm);
	m->tif = mf_open(&m->mf, "w");
	if (!m->tif) {
		sh_scan_master_free(&m);
		return sh_error_set(SH_ENOMEM, "cannot start a TIFF master");
	}
	*out = m;
	return SH_OK;
}

int sh_scan_master_set_turn(sh_scan_master *m, int degrees)
{
	int d = ((degrees % 360) + 360) % 360;
	if (d % 90)
		return sh_error_set(SH_EINVAL, "TIFF master: a page turns by 0, 90, 180 or 270 degrees, not %d",
				    degrees);
	m->turn = d / 90;
	return SH_OK;
}

/* The Orientation tag of a page stored as it was scanned, which must be
 * turned by q quarter turns clockwise to be upright (as Exif 1/6/3/8). */
static uint16_t orientation_of(int q)
{
	static const uint16_t o[4] = {ORIENTATION_TOPLEFT, ORIENTATION_RIGHTTOP,
				      ORIENTATION_BOTRIGHT, ORIENTATION_LEFTBOT};
	return o[q & 3];
}

static void common_tags(sh_scan_master *m, int w, int h, int dpi, uint16_t orientation)
{
	TIFF *t = m->tif;
	TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)w);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)h);
	TIFFSetField(t, TIFFTAG_ORIENTATION, orientation);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	TIFFSetField(t, TIFFTAG_XRESOLUTION, (float)dpi);
	TIFFSetField(t, TIFFTAG_YRESOLUTION, (float)dpi);
	TIFFSetField(t, TIFFTAG_DATETIME, m->datetime);
	TIFFSetField(t, TIFFTAG_SOFTWARE, "sohoa " SOHOA_VERSION);
	TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, m->code);
	if (m->make)
		TIFFSetField(t, TIFFTAG_MAKE, m->make);
	if (m->model)
		TIFFSetField(t, TIFFTAG_MODEL, m->model);
	/* PageNumber's total is unknown while appending: set by finish
	 * (set_page_totals) */
	TIFFSetField(t, TIFFTAG_PAGENUMBER, (uint16_t)m->pages, (uint16_t)0);
}

static int usable(sh_scan_master *m)
{
	if (m->spent || !m->tif)
		return sh_error_set(SH_EINVAL, "TIFF master already finished");
	if (m->pages >= SH_SCAN_MAX_PAGES)
		return sh_error_set(SH_ELIMIT, "TIFF master: over %d pages", SH_SCAN_MAX_PAGES);
	return SH_OK;
}

int sh_scan_master_add_pix(sh_scan_master *m, PIX *pixs, int dpi)
{
	int rc = usable(m);
	if (rc)
		return rc;
	if (!pixs)
		return sh_error_set(SH_EINVAL, "TIFF master: no page given");
	PIX *p, *turned = NULL;
	if (m->turn) { /* written upright */
		turned = pixRotateOrth(pixs, m->turn);
		if (!turned)
			return sh_error_set(SH_ENOMEM, "TIFF master: cannot turn the page");
		if (pixGetXRes(pixs) > 0 && m->turn % 2)
			pixSetResolution(turned, pixGetYRes(pixs), pixGetXRes(pixs));
		pixs = turned;
	}
	int d = pixGetDepth(pixs);
	if (pixGetColormap(pixs))
		p = pixRemoveColormap(pixs, REMOVE_CMAP_BASED_ON_SRC);
	else if (d == 1 || d == 8 || d == 32)
		p = pixClone(pixs);
	else if (d == 16)
		p = pixConvert16To8(pixs, L_MS_BYTE);
	else
		p = pixConvertTo8(pixs, 0);
	pixDestroy(&turned);
	if (!p)
		return sh_error_set(SH_ENOMEM, "TIFF master: cannot convert the page");
	d = pixGetDepth(p);
	int w = pixGetWidth(p), h = pixGetHeight(p);
	if (dpi <= 0)
		dpi = pixGetXRes(p) > 0 ? pixGetXRes(p) : SH_SCAN_DEFAULT_DPI;
	TIFF *t = m->tif;
	common_tags(m, w, h, dpi, ORIENTATION_TOPLEFT);
	int spp = d == 32 ? 3 : 1;
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, (uint16_t)(d == 1 ? 1 : 8));
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)spp);
	if (d == 1) {
		TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
		TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
		TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)h);
	} else {
		TIFFSetField(t, TIFFTAG_PHOTOMETRIC, spp == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
		TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
		TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
		TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(t, 0));
	}
	size_t rowb = d == 1 ? ((size_t)w + 7) / 8 : (size_t)w * (size_t)spp;
	uint8_t *row = sh_malloc(rowb);
	if (!row) {
		pixDestroy(&p);
		return SH_ENOMEM;
	}
	l_uint32 *data = pixGetData(p);
	int wpl = pixGetWpl(p);
	for (int y = 0; y < h && rc == SH_OK; y++) {
		l_uint32 *line = data + (size_t)y * (size_t)wpl;
		if (d == 1) {
			for (size_t k = 0; k < rowb; k++)
				row[k] = (uint8_t)GET_DATA_BYTE(line, k);
			if (w % 8)
				row[rowb - 1] &= (uint8_t)(0xff << (8 - w % 8));
		} else if (d == 8) {
			for (int x = 0; x < w; x++)
				row[x] = (uint8_t)GET_DATA_BYTE(line, x);
		} else {
			for (int x = 0; x < w; x++) {
				l_int32 r, g, b;
				extractRGBValues(line[x], &r, &g, &b);
				row[3 * x] = (uint8_t)r;
				row[3 * x + 1] = (uint8_t)g;
				row[3 * x + 2] = (uint8_t)b;
			}
		}
		if (TIFFWriteScanline(t, row, (uint32_t)y, 0) < 0)
			rc = sh_error_set(SH_ENOMEM, "TIFF master: cannot encode page %u", m->pages + 1);
	}
	sh_free(row);
	pixDestroy(&p);
	if (rc == SH_OK && !TIFFWriteDirectory(t))
		rc = sh_error_set(SH_ENOMEM, "TIFF master: cannot finish page %u", m->pages + 1);
	if (rc) {
		m->spent = 1;
		return rc;
	}
	m->pages++;
	m->turn = 0;
	return SH_OK;
}

/* JPEG: find SOF to learn size and components, then store the stream as the
 * page's single strip (JPEG-in-TIFF, TIFF technote 2). */
static int jpeg_info(const uint8_t *d, size_t n, int *w, int *h, int *ncomp, int *hs, int *vs)
{
	if (n < 4 || d[0] != 0xff || d[1] != 0xd8)
		return -1;
	size_t i = 2;
	while (i + 4 <= n) {
		if (d[i] != 0xff)
			return -1;
		uint8_t mk = d[i + 1];
		if (mk == 0xff) {
			i++;
			continue;
		}
		size_t seg = ((size_t)d[i + 2] << 8) | d[i + 3];
		if (mk == 0xc0 || mk == 0xc1) {
			if (i + 4 + seg - 2 > n || seg < 8)
				return -1;
			const uint8_t *s = d + i + 4;
			*h = (s[1] << 8) | s[2];
			*w = (s[3] << 8) | s[4];
			*ncomp = s[5];
			if (*ncomp != 1 && *ncomp != 3)
				return -1;
			if (seg < 8 + 3 * (size_t)*ncomp)
				return -1;
			*hs = s[7] >> 4;
			*vs = s[7] & 15;
			return 0;
		}
		if ((mk >= 0xc2 && mk <= 0xcf && mk != 0xc4 && mk != 0xc8 && mk != 0xcc) || mk == 0xda)
			return -1; /* progressive/lossless/arithmetic, or no frame header */
		i += 2 + seg;
	}
	return -1;
}

int sh_scan_master_add_bytes(sh_scan_master *m, const uint8_t *data, size_t len, int dpi)
{
	int rc = usable(m);
	if (rc)
		return rc;
	int w, h, nc, hs, vs;
	if (data && jpeg_info(data, len, &w, &h, &nc, &hs, &vs) == 0 && w > 0 && h > 0) {
		if (w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE || (long)w * h > SH_SCAN_MAX_PIXELS)
			return sh_error_set(SH_ELIMIT, "TIFF master: JPEG page too large");
		if (dpi <= 0) {
			PIX *tmp = NULL;
			l_int32 xr = 0, yr = 0;
			(void)tmp;
			FILE *fp = fmemopen((void *)data, len, "rb");
			if (fp) {
				fgetJpegResolution(fp, &xr, &yr);
				fclose(fp);
			}
			dpi = xr > 0 ? xr : SH_SCAN_DEFAULT_DPI;
		}
		TIFF *t = m->tif;
		/* stored as scanned (not re-encoded): the tag says how to show it */
		common_tags(m, w, h, dpi, orientation_of(m->turn));
		TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, (uint16_t)8);
		TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)nc);
		TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
		TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)h);
		if (nc == 3) {
			TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
			TIFFSetField(t, TIFFTAG_YCBCRSUBSAMPLING, (uint16_t)hs, (uint16_t)vs);
		} else {
			TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
		}
		if (TIFFWriteRawStrip(t, 0, (void *)data, (tmsize_t)len) < 0 ||
		    !TIFFWriteDirectory(t)) {
			m->spent = 1;
			return sh_error_set(SH_ENOMEM, "TIFF master: cannot store JPEG page %u",
					    m->pages + 1);
		}
		m->pages++;
		m->turn = 0;
		return SH_OK;
	}
	sh_scan__quiet();
	PIX *p = data && len ? pixReadMem(data, len) : NULL;
	if (!p)
		return sh_error_set(SH_EINVAL, "TIFF master: page %u is not a readable image",
				    m->pages + 1);
	rc = sh_scan_master_add_pix(m, p, dpi);
	pixDestroy(&p);
	return rc;
}

/* Every page's PageNumber total (unknown while appending) patched in place
 * in the finished file: the entry (SHORT, count 2) holds both values inline. */
static int set_page_totals(uint8_t *d, size_t n, unsigned total)
{
	if (n < 8 || (d[0] != d[1]) || (d[0] != 'I' && d[0] != 'M'))
		return -1;
	int le = d[0] == 'I';
#define U16(o) (le ? (unsigned)d[o] | (unsigned)d[(o) + 1] << 8 : (unsigned)d[o] << 8 | d[(o) + 1])
#define U32(o) (le ? (uint32_t)U16(o) | (uint32_t)U16((o) + 2) << 16 : (uint32_t)U16(o) << 16 | U16((o) + 2))
	uint64_t ifd = U32(4);
	for (unsigned dirs = 0; ifd && dirs <= SH_SCAN_MAX_PAGES; dirs++) {
		if (ifd + 2 > n)
			return -1;
		unsigned k = U16(ifd);
		if (ifd + 2 + 12ull * k + 4 > n)
			return -1;
		for (unsigned e = 0; e < k; e++) {
			size_t o = (size_t)ifd + 2 + 12u * e;
			if (U16(o) == TIFFTAG_PAGENUMBER && U16(o + 2) == TIFF_SHORT && U32(o + 4) == 2) {
				size_t v = o + 10; /* the second SHORT of the value field */
				d[v + !le] = (uint8_t)(total & 0xff);
				d[v + le] = (uint8_t)(total >> 8);
			}
		}
		ifd = U32((size_t)ifd + 2 + 12u * k);
	}
#undef U16
#undef U32
	return 0;
}

int sh_scan_master_finish(sh_scan_master *m, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (m->spent || !m->tif)
		return sh_error_set(SH_EINVAL, "TIFF master already finished or failed");
	if (m->pages == 0)
		return sh_error_set(SH_EINVAL, "TIFF master has no pages");
	m->spent = 1;
	TIFFClose(m->tif);
	m->tif = NULL;
	if (set_page_totals(m->mf.data, m->mf.len, m->pages))
		return sh_error_set(SH_ERROR, "TIFF master: cannot set the page count");
	*out = m->mf.data;
	*out_len = m->mf.len;
	m->mf.data = NULL;
	m->mf.len = m->mf.cap = 0;
	return SH_OK;
}

int sh_scan_master_write(sh_scan_master *m, const char *path)
{
	uint8_t *d = NULL;
	size_t n = 0;
	int rc = sh_scan_master_finish(m, &d, &n);
	if (rc == SH_OK)
		rc = sh_file_write(path, d, n);
	sh_free(d);
	return rc;
}

/* ---- reader ------------------------------------------------------------- */

/* Long on purpose (~120 lines): one linear decode of a TIFF page: read the
 * tags, check each against the limits, then decode rows for its photometric. */
int sh_scan_master_read(PIX **out, size_t *n_pages, const uint8_t *data, size_t len, size_t i)
{
	*out = NULL;
	sh_scan__quiet();
	memfile mf = {(uint8_t *)data, len, len, 0, 0};
	TIFF *t = data && len >= 8 ? mf_open(&mf, "rm") : NULL;
	if (!t)
		return sh_error_set(SH_EINVAL, "not a TIFF file (or damaged)");
	int rc = SH_OK;
	uint8_t *row = NULL;
	uint32_t *rgba = NULL;
	PIX *p = NULL;
	size_t n = TIFFNumberOfDirectories(t);
	if (n_pages)
		*n_pages = n;
	if (i >= n || !TIFFSetDirectory(t, (tdir_t)i)) {
		rc = sh_error_set(SH_ENOTFOUND, "TIFF has %zu pages; no page %zu", n, i + 1);
		goto out;
	}
	uint32_t w = 0, h = 0;
	uint16_t bps = 1, spp = 1, photo = 0, comp = 1, planar = PLANARCONFIG_CONTIG;
	uint16_t orient = ORIENTATION_TOPLEFT;
	float xr = 0;
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &planar);
	TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &comp);
	TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photo);
	TIFFGetField(t, TIFFTAG_XRESOLUTION, &xr);
	TIFFGetFieldDefaulted(t, TIFFTAG_ORIENTATION, &orient);
	if (w == 0 || h == 0 || w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE ||
	    (long)w * (long)h > SH_SCAN_MAX_PIXELS) {
		rc = sh_error_set(SH_ELIMIT, "TIFF page %zu: %u x %u pixels is empty or over the limit",
				  i + 1, w, h);
		goto out;
	}
	int simple = planar == PLANARCONFIG_CONTIG && comp != COMPRESSION_JPEG &&
		     ((bps == 1 && spp == 1 &&
		       (photo == PHOTOMETRIC_MINISWHITE || photo == PHOTOMETRIC_MINISBLACK)) ||
		      (bps == 8 && spp == 1 && photo == PHOTOMETRIC_MINISBLACK) ||
		      (bps == 8 && spp == 3 && photo == PHOTOMETRIC_RGB));
	if (comp == COMPRESSION_JPEG && spp == 1 && bps == 8)
		simple = 1;
	if (simple) {
		int d = bps == 1 ? 1 : spp == 3 ? 32 : 8;
		p = pixCreate((int)w, (int)h, d);
		tmsize_t sl = TIFFScanlineSize(t);
		row = sl > 0 ? sh_malloc((size_t)sl) : NULL;
		if (!p || !row) {
			rc = sh_error_set(SH_ENOMEM, "out of memory reading TIFF page %zu", i + 1);
			goto out;
		}
		l_uint32 *pd = pixGetData(p);
		int wpl = pixGetWpl(p);
		for (uint32_t y = 0; y < h; y++) {
			if (TIFFReadScanline(t, row, y, 0) < 0) {
				rc = sh_error_set(SH_EINVAL, "TIFF page %zu is damaged (row %u)", i + 1, y);
				goto out;
			}
			l_uint32 *line = pd + (size_t)y * (size_t)wpl;
			if (d == 1) {
				int inv = photo == PHOTOMETRIC_MINISBLACK;
				for (uint32_t k = 0; k < (w + 7) / 8; k++)
					SET_DATA_BYTE(line, k, inv ? (uint8_t)~row[k] : row[k]);
			} else if (d == 8) {
				for (uint32_t x = 0; x < w; x++)
					SET_DATA_BYTE(line, x, row[x]);
			} else {
				for (uint32_t x = 0; x < w; x++)
					composeRGBPixel(row[3 * x], row[3 * x + 1], row[3 * x + 2],
							line + x);
			}
		}
		if (d == 1 && w % 32) {
			/* Clear padding bits past the width so pixEqual compares pixels. */
			pixSetPadBits(p, 0);
		}
	} else {
		p = pixCreate((int)w, (int)h, 32);
		rgba = sh_malloc((size_t)w * h * sizeof *rgba);
		if (!p || !rgba) {
			rc = sh_error_set(SH_ENOMEM, "out of memory reading TIFF page %zu", i + 1);
			goto out;
		}
		if (!TIFFReadRGBAImageOriented(t, w, h, rgba, ORIENTATION_TOPLEFT, 0)) {
			rc = sh_error_set(SH_EINVAL, "TIFF page %zu is damaged or of an unsupported kind",
					  i + 1);
			goto out;
		}
		l_uint32 *pd = pixGetData(p);
		int wpl = pixGetWpl(p);
		for (uint32_t y = 0; y < h; y++)
			for (uint32_t x = 0; x < w; x++) {
				uint32_t v = rgba[(size_t)y * w + x];
				composeRGBPixel((l_int32)TIFFGetR(v), (l_int32)TIFFGetG(v),
						(l_int32)TIFFGetB(v), pd + (size_t)y * wpl + x);
			}
	}
	if (xr > 0)
		pixSetResolution(p, (l_int32)(xr + 0.5f), (l_int32)(xr + 0.5f));
	/* a page stored as scanned with its Orientation: given upright */
	int q = orient == ORIENTATION_RIGHTTOP ? 1 : orient == ORIENTATION_BOTRIGHT ? 2
		: orient == ORIENTATION_LEFTBOT ? 3 : 0;
	if (q) {
		PIX *r = pixRotateOrth(p, q);
		if (!r) {
			rc = sh_error_set(SH_ENOMEM, "out of memory turning TIFF page %zu", i + 1);
			goto out;
		}
		pixDestroy(&p);
		p = r;
	}
	*out = p;
	p = NULL;
out:
	pixDestroy(&p);
	sh_free(row);
	sh_free(rgba);
	TIFFClose(t);
	return rc;
}
