/* A QR code as SVG (sh_arch_qr_svg): the dossier code on a printed
 * receipt. The SVG holds numbers and fixed markup only — the text encoded
 * is never written into it — so it needs no escaping. */
#include "sh_arch.h"

#include <errno.h>
#include <string.h>

#include <qrencode.h>

int sh_arch_qr_svg(char **out, size_t *out_len, const char *text)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	size_t len = text ? strlen(text) : 0;
	if (!len)
		return sh_error_set(SH_EINVAL, "nothing to put in the QR code");
	if (len > SH_ARCH_QR_TEXT_MAX)
		return sh_error_set(SH_ELIMIT, "%zu bytes do not fit a receipt's QR code (at most %d)",
				    len, SH_ARCH_QR_TEXT_MAX);
	errno = 0;
	QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!qr)
		return sh_error_set(errno == ENOMEM ? SH_ENOMEM : SH_ERROR,
				    "the QR code could not be made");
	const int quiet = 4, w = qr->width, size = w + 2 * quiet;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_buf_printf(&b,
			       "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			       "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
			       "fill=\"#fff\"/><path fill=\"#000\" d=\"",
			       size, size, size, size);
	/* one horizontal run of dark modules per "M x y h n v1 h-n z" */
	for (int y = 0; !rc && y < w; y++)
		for (int x = 0; !rc && x < w;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			rc = sh_buf_printf(&b, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
			x += run;
		}
	if (!rc)
		rc = sh_buf_printf(&b, "\"/></svg>\n");
	QRcode_free(qr);
	if (rc) {
		sh_buf_free(&b);
		return SH_ENOMEM;
	}
	if (out_len)
		*out_len = b.len;
	*out = sh_buf_detach(&b);
	return SH_OK;
}
