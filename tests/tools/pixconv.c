/* Test helper: convert an image with Leptonica (pixconv IN OUT pnm|png|tiff). */
#include <leptonica/allheaders.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	PIX *pix = pixRead(argv[1]);
	if (!pix)
		return 1;
	int fmt = !strcmp(argv[3], "pnm") ? IFF_PNM : !strcmp(argv[3], "png") ? IFF_PNG : IFF_TIFF_ZIP;
	int rc = pixWrite(argv[2], pix, fmt);
	pixDestroy(&pix);
	return rc ? 1 : 0;
}
