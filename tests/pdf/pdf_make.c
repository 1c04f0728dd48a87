/* tests/pdf/pdf_make.c — build a PDF through sh_pdf.h for the shell tests:
 *   pdf_make OUT.pdf IMAGE|blank:WxH HOCR|- DPI ROTATION [SKEW]
 * blank:WxH is a white 1-bit PNG made here. Prints the image encoding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <leptonica/allheaders.h>

#include "sh_pdf.h"

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: pdf_make OUT IMAGE|blank:WxH HOCR|- DPI ROTATION [SKEW]\n");
		return 2;
	}
	uint8_t *img = NULL, *hocr = NULL;
	size_t img_len = 0, hocr_len = 0;
	int w = 0, h = 0, rc;
	if (sscanf(argv[2], "blank:%dx%d", &w, &h) == 2) {
		PIX *p = pixCreate(w, h, 1);
		l_uint8 *d = NULL;
		size_t n = 0;
		if (!p || pixWriteMemPng(&d, &n, p, 0.0f))
			return 1;
		img = malloc(n);
		memcpy(img, d, n);
		img_len = n;
		lept_free(d);
		pixDestroy(&p);
	} else if ((rc = sh_file_read(&img, &img_len, argv[2], SH_FILE_MAX))) {
		fprintf(stderr, "pdf_make: %s\n", sh_error_message());
		return 1;
	}
	if (strcmp(argv[3], "-") && (rc = sh_file_read(&hocr, &hocr_len, argv[3], SH_FILE_MAX))) {
		fprintf(stderr, "pdf_make: %s\n", sh_error_message());
		return 1;
	}
	sh_pdf_meta meta = {.title = "Thử nghiệm", .author = "000.00.99.Z99",
			    .subject = "pdf_make", .keywords = "test", .created = 1764979200};
	sh_pdf_page pg = {.image = img, .image_len = img_len, .dpi = atoi(argv[4]),
			  .rotation = atoi(argv[5]), .hocr = (const char *)hocr,
			  .hocr_len = hocr_len, .skew = argc > 6 ? atof(argv[6]) : 0};
	sh_pdf *pdf = NULL;
	rc = sh_pdf_new(&pdf, &meta);
	if (!rc)
		rc = sh_pdf_add_page(pdf, &pg);
	if (!rc)
		printf("%s\n", sh_pdf_last_encoding(pdf));
	if (!rc)
		rc = sh_pdf_write(pdf, argv[1]);
	if (rc)
		fprintf(stderr, "pdf_make: %s\n", sh_error_message());
	sh_pdf_free(&pdf);
	if (w)
		free(img);
	else
		sh_free(img);
	sh_free(hocr);
	return rc ? (rc == SH_EINVAL || rc == SH_ELIMIT ? 3 : 1) : 0;
}
