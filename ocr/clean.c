/* Page clean-up before recognition. Minimal first version: grey
 * conversion and resolution bookkeeping; see issue 3 for the full pipeline. */
#include "ocr_int.h"

#include <string.h>

int sh_ocr_clean(sh_ocr_worker *w, PIX *pixs, PIX **out, sh_clean_report *rep)
{
	(void)w;
	memset(rep, 0, sizeof *rep);
	int dpi = pixGetXRes(pixs);
	if (dpi <= 0)
		dpi = 300;
	rep->dpi = dpi;
	if (pixGetDepth(pixs) == 1)
		rep->flags |= SH_PAGE_BILEVEL;
	if (dpi < 200)
		rep->flags |= SH_PAGE_LOWRES;
	PIX *pixd = pixGetDepth(pixs) == 1 ? pixClone(pixs) : pixConvertTo8(pixs, 0);
	if (!pixd)
		return sh_error_set(SH_ENOMEM, "cannot convert page to grey");
	*out = pixd;
	return SH_OK;
}
