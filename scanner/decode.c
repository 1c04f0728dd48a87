/* Quiet decoders for PNG and JPEG. Leptonica's readers leave libpng's and
 * libjpeg's default handlers in place, which print to stderr and, for JPEG,
 * fill damaged rows with grey; these report through sh_error instead and
 * refuse damaged data. */
#include "image_int.h"

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>

/* ---- JPEG --------------------------------------------------------------- */

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jmp;
	char msg[JMSG_LENGTH_MAX];
};

static void jpeg_fail(j_common_ptr c)
{
	struct jerr *e = (struct jerr *)c->err;
	(*c->err->format_message)(c, e->msg);
	longjmp(e->jmp, 1);
}

static void jpeg_warn(j_common_ptr c, int level)
{
	/* level -1 is a warning about corrupt data: treat it as an error */
	if (level < 0) {
		struct jerr *e = (struct jerr *)c->err;
		(*c->err->format_message)(c, e->msg);
		longjmp(e->jmp, 1);
	}
}

static void jpeg_quiet(j_common_ptr c) { (void)c; }

int scan_decode_jpeg(const uint8_t *data, size_t len, const char *name, PIX **out)
{
	struct jpeg_decompress_struct cinfo;
	struct jerr err;
	PIX *volatile pix = NULL;
	*out = NULL;
	cinfo.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = jpeg_fail;
	err.pub.emit_message = jpeg_warn;
	err.pub.output_message = jpeg_quiet;
	err.msg[0] = 0;
	if (setjmp(err.jmp)) {
		jpeg_destroy_decompress(&cinfo);
		pixDestroy((PIX **)&pix);
		return sh_error_set(SH_EINVAL, "%s: JPEG data is damaged (%s): rescan or re-export",
				    name, err.msg);
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	if (cinfo.num_components == 1) {
		cinfo.out_color_space = JCS_GRAYSCALE;
	} else if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
		jpeg_destroy_decompress(&cinfo);
		return sh_error_set(SH_EINVAL, "%s: CMYK JPEG is not a scan: save it as RGB or grey",
				    name);
	} else {
		cinfo.out_color_space = JCS_RGB;
	}
	jpeg_start_decompress(&cinfo);
	int w = (int)cinfo.output_width, h = (int)cinfo.output_height;
	int gray = cinfo.output_components == 1;
	pix = pixCreate(w, h, gray ? 8 : 32);
	if (!pix) {
		jpeg_destroy_decompress(&cinfo);
		return sh_error_set(SH_ENOMEM, "%s: out of memory for a %d x %d page", name, w, h);
	}
	if (cinfo.density_unit == 1)
		pixSetResolution(pix, cinfo.X_density, cinfo.Y_density);
	else if (cinfo.density_unit == 2)
		pixSetResolution(pix, (l_int32)(cinfo.X_density * 2.54 + 0.5),
				 (l_int32)(cinfo.Y_density * 2.54 + 0.5));
	JSAMPLE *row = sh_malloc((size_t)w * (size_t)cinfo.output_components);
	if (!row) {
		jpeg_destroy_decompress(&cinfo);
		pixDestroy((PIX **)&pix);
		return SH_ENOMEM;
	}
	l_uint32 *pdata = pixGetData(pix);
	int wpl = pixGetWpl(pix);
	while (cinfo.output_scanline < cinfo.output_height) {
		int y = (int)cinfo.output_scanline;
		JSAMPROW rp = row;
		if (setjmp(err.jmp)) {
			sh_free(row);
			jpeg_destroy_decompress(&cinfo);
			pixDestroy((PIX **)&pix);
			return sh_error_set(SH_EINVAL, "%s: JPEG data is damaged at row %d (%s): "
						       "rescan or re-export",
					    name, y, err.msg);
		}
		jpeg_read_scanlines(&cinfo, &rp, 1);
		l_uint32 *line = pdata + (size_t)y * (size_t)wpl;
		if (gray)
			for (int x = 0; x < w; x++)
				SET_DATA_BYTE(line, x, row[x]);
		else
			for (int x = 0; x < w; x++)
				composeRGBPixel(row[3 * x], row[3 * x + 1], row[3 * x + 2], line + x);
	}
	sh_free(row);
	if (setjmp(err.jmp)) {
		jpeg_destroy_decompress(&cinfo);
		pixDestroy((PIX **)&pix);
		return sh_error_set(SH_EINVAL, "%s: JPEG data is damaged (%s)", name, err.msg);
	}
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	*out = pix;
	return SH_OK;
}

/* Resolution from the pHYs chunk (pixels per metre), 0 if absent. */
static int png_dpi(const uint8_t *d, size_t len)
{
	size_t off = 8;
	while (off + 12 <= len) {
		uint32_t n = (uint32_t)d[off] << 24 | (uint32_t)d[off + 1] << 16 |
			     (uint32_t)d[off + 2] << 8 | d[off + 3];
		const uint8_t *type = d + off + 4;
		if (!memcmp(type, "IDAT", 4) || n > len - off - 12)
			break;
		if (!memcmp(type, "pHYs", 4) && n == 9 && d[off + 16] == 1) {
			uint32_t ppm = (uint32_t)d[off + 8] << 24 | (uint32_t)d[off + 9] << 16 |
				       (uint32_t)d[off + 10] << 8 | d[off + 11];
			return (int)(ppm * 0.0254 + 0.5);
		}
		off += 12 + n;
	}
	return 0;
}

/* ---- PNG (libpng's simplified API: never prints, reports in .message) ---- */

int scan_decode_png(const uint8_t *data, size_t len, const char *name, PIX **out)
{
	png_image img;
	*out = NULL;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		return sh_error_set(SH_EINVAL, "%s: PNG is damaged (%s)", name, img.message);
	int gray = !(img.format & PNG_FORMAT_FLAG_COLOR);
	/* alpha is composed onto white: a scan has no transparency */
	img.format = gray ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
	png_color white = {255, 255, 255};
	size_t stride = PNG_IMAGE_ROW_STRIDE(img);
	size_t bytes = PNG_IMAGE_BUFFER_SIZE(img, stride);
	uint8_t *buf = sh_malloc(bytes);
	if (!buf) {
		png_image_free(&img);
		return SH_ENOMEM;
	}
	if (!png_image_finish_read(&img, &white, buf, (png_int_32)stride, NULL)) {
		sh_free(buf);
		return sh_error_set(SH_EINVAL, "%s: PNG is damaged (%s): rescan or re-export", name,
				    img.message);
	}
	int w = (int)img.width, h = (int)img.height;
	PIX *pix = pixCreate(w, h, gray ? 8 : 32);
	if (!pix) {
		sh_free(buf);
		return sh_error_set(SH_ENOMEM, "%s: out of memory for a %d x %d page", name, w, h);
	}
	l_uint32 *pdata = pixGetData(pix);
	int wpl = pixGetWpl(pix);
	for (int y = 0; y < h; y++) {
		const uint8_t *r = buf + (size_t)y * stride;
		l_uint32 *line = pdata + (size_t)y * (size_t)wpl;
		if (gray)
			for (int x = 0; x < w; x++)
				SET_DATA_BYTE(line, x, r[x]);
		else
			for (int x = 0; x < w; x++)
				composeRGBPixel(r[3 * x], r[3 * x + 1], r[3 * x + 2], line + x);
	}
	sh_free(buf);
	int dpi = png_dpi(data, len);
	if (dpi > 0)
		pixSetResolution(pix, dpi, dpi);
	*out = pix;
	return SH_OK;
}
