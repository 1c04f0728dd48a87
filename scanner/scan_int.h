/* scan_int.h - private to scanner/: what capture needs from batches. */
#ifndef SH_SCAN_INT_H
#define SH_SCAN_INT_H

#include "sh_scan.h"

/* fsync a directory so renames in it are durable. */
int sh_scan__fsync_dir(const char *dir);
/* Capture lifecycle on a batch. begin: refuses committed (SH_EPERM) and
 * records device and settings, state SCANNING, saved. end: rc == SH_OK ->
 * COMPLETE, fault cleared; otherwise INTERRUPTED with status and the current
 * error message as the fault. Returns rc (or a save error if rc was OK). */
int sh_scan__capture_begin(sh_scan_batch *b, const char *device, const char *make,
			   const char *model, const sh_scan_options *o, int dpi);
int sh_scan__capture_end(sh_scan_batch *b, int rc, const char *status);
/* Sheets already recorded (highest sheet number). */
unsigned sh_scan__sheets(const sh_scan_batch *b);
/* Add a page recorded at capture (sheet number given). */
int sh_scan__add(sh_scan_batch *b, unsigned *out_id, PIX *pix, sh_scan_source source, int back,
		 unsigned sheet, int dpi, sh_scan_mode mode, const char *make, const char *model);
/* Silence Leptonica and libtiff diagnostics (the library never prints). */
void sh_scan__quiet(void);

#endif
