/* image_int.h - private to scanner/: quiet decoders used by image.c. */
#ifndef SH_IMAGE_INT_H
#define SH_IMAGE_INT_H

#include "sh_scan.h"

/* Decode a whole PNG / JPEG file. *out: new PIX (8 bpp grey or 32 bpp RGB),
 * caller pixDestroy. SH_EINVAL (damaged, message names the file), SH_ENOMEM.
 * Never prints. */
int scan_decode_png(const uint8_t *data, size_t len, const char *name, PIX **out);
int scan_decode_jpeg(const uint8_t *data, size_t len, const char *name, PIX **out);

#endif
