/* SANE devices and capture into staged batches. */
#define _GNU_SOURCE /* strcasestr */
#include "scan_int.h"

#include <sane/sane.h>
#include <sane/saneopts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* SANE 1.1 codes, defined by sane.h only for frontends that opt in. */
#define ST_WARMING_UP 12
#define ST_HW_LOCKED 13

/* ---- status names and what to tell the operator -------------------------- */

static const char *status_name(SANE_Status s)
{
	switch ((int)s) {
	case SANE_STATUS_GOOD: return "SANE_STATUS_GOOD";
	case SANE_STATUS_UNSUPPORTED: return "SANE_STATUS_UNSUPPORTED";
	case SANE_STATUS_CANCELLED: return "SANE_STATUS_CANCELLED";
	case SANE_STATUS_DEVICE_BUSY: return "SANE_STATUS_DEVICE_BUSY";
	case SANE_STATUS_INVAL: return "SANE_STATUS_INVAL";
	case SANE_STATUS_EOF: return "SANE_STATUS_EOF";
	case SANE_STATUS_JAMMED: return "SANE_STATUS_JAMMED";
	case SANE_STATUS_NO_DOCS: return "SANE_STATUS_NO_DOCS";
	case SANE_STATUS_COVER_OPEN: return "SANE_STATUS_COVER_OPEN";
	case SANE_STATUS_IO_ERROR: return "SANE_STATUS_IO_ERROR";
	case SANE_STATUS_NO_MEM: return "SANE_STATUS_NO_MEM";
	case SANE_STATUS_ACCESS_DENIED: return "SANE_STATUS_ACCESS_DENIED";
	case ST_WARMING_UP: return "SANE_STATUS_WARMING_UP";
	case ST_HW_LOCKED: return "SANE_STATUS_HW_LOCKED";
	default: return "SANE_STATUS_UNKNOWN";
	}
}

/* A fault during capture: error code and message naming the status, what
 * was kept and how to continue. */
static int fault(const sh_scan_batch *b, const char *dev, SANE_Status s, unsigned run_pages)
{
	const char *what, *todo;
	int code = SH_EDEVICE;
	switch ((int)s) {
	case SANE_STATUS_JAMMED:
		what = "paper jam";
		todo = "clear the feeder, put back the sheet that jammed and those after it";
		break;
	case SANE_STATUS_COVER_OPEN:
		what = "scanner cover is open";
		todo = "close the cover, put back the sheet that was being scanned";
		break;
	case SANE_STATUS_NO_DOCS:
		what = "no paper in the document feeder";
		todo = "load the papers into the feeder";
		break;
	case SANE_STATUS_IO_ERROR:
		what = "scanner I/O error";
		todo = "check the scanner's cable and power, put back the sheet that was being "
		       "scanned";
		break;
	case SANE_STATUS_DEVICE_BUSY:
	case ST_WARMING_UP:
		code = SH_EBUSY;
		what = s == SANE_STATUS_DEVICE_BUSY ? "scanner is busy (in use by another program)"
						    : "scanner lamp is warming up";
		todo = "wait a moment";
		break;
	case SANE_STATUS_CANCELLED:
		code = SH_ECANCELED;
		what = "scan cancelled at the scanner";
		todo = "to scan the rest, put back the sheets not yet scanned";
		break;
	case SANE_STATUS_NO_MEM:
		what = "scanner ran out of memory";
		todo = "choose a lower resolution or grey instead of colour";
		break;
	case SANE_STATUS_ACCESS_DENIED:
		what = "access to the scanner was denied";
		todo = "give the sohoa user access (group \"scanner\")";
		break;
	case ST_HW_LOCKED:
		what = "scanner's transport lock is closed";
		todo = "open the transport lock";
		break;
	default:
		what = "scanner reported an unexpected error";
		todo = "switch the scanner off and on, put back the sheet that was being scanned";
		break;
	}
	return sh_error_set(code,
			    "scanner %s: %s (%s) after %u new page%s; batch %s keeps its %zu "
			    "page%s: %s and run `sohoa scan --resume %s`",
			    dev, what, status_name(s), run_pages, run_pages == 1 ? "" : "s",
			    sh_scan_batch_id(b), sh_scan_batch_count(b),
			    sh_scan_batch_count(b) == 1 ? "" : "s", todo, sh_scan_batch_id(b));
}

/* ---- devices ------------------------------------------------------------ */

static int sane_up(void)
{
	SANE_Int ver = 0;
	SANE_Status s = sane_init(&ver, NULL);
	if (s != SANE_STATUS_GOOD)
		return sh_error_set(SH_EDEVICE, "scanner support (SANE) failed to start: %s",
				    sane_strstatus(s));
	return SH_OK;
}

void sh_scan_devices_free(sh_scan_device **plist, size_t n)
{
	sh_scan_device *l = plist ? *plist : NULL;
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		sh_free(l[i].name);
		sh_free(l[i].vendor);
		sh_free(l[i].model);
		sh_free(l[i].type);
	}
	sh_free(l);
	*plist = NULL;
}

int sh_scan_devices(sh_scan_device **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int rc = sane_up();
	if (rc)
		return rc;
	const SANE_Device **list = NULL;
	SANE_Status s = sane_get_devices(&list, SANE_FALSE);
	if (s != SANE_STATUS_GOOD) {
		sane_exit();
		return sh_error_set(SH_EDEVICE, "cannot list scanners: %s", sane_strstatus(s));
	}
	size_t k = 0;
	while (list && list[k])
		k++;
	sh_scan_device *d = sh_calloc(k ? k : 1, sizeof *d);
	if (!d) {
		sane_exit();
		return SH_ENOMEM;
	}
	for (size_t i = 0; i < k; i++) {
		d[i].name = sh_strdup(list[i]->name ? list[i]->name : "");
		d[i].vendor = sh_strdup(list[i]->vendor ? list[i]->vendor : "");
		d[i].model = sh_strdup(list[i]->model ? list[i]->model : "");
		d[i].type = sh_strdup(list[i]->type ? list[i]->type : "");
		if (!d[i].name || !d[i].vendor || !d[i].model || !d[i].type) {
			sh_scan_devices_free(&d, i + 1);
			sane_exit();
			return SH_ENOMEM;
		}
	}
	sane_exit();
	*out = d;
	*n = k;
	return SH_OK;
}

/* ---- options ------------------------------------------------------------ */

static int find_opt(SANE_Handle h, const char *name, const SANE_Option_Descriptor **out)
{
	SANE_Int count = 0;
	*out = NULL;
	if (sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
		return -1;
	for (SANE_Int i = 1; i < count; i++) {
		const SANE_Option_Descriptor *d = sane_get_option_descriptor(h, i);
		if (d && d->name && !strcmp(d->name, name) && SANE_OPTION_IS_ACTIVE(d->cap) &&
		    SANE_OPTION_IS_SETTABLE(d->cap)) {
			*out = d;
			return (int)i;
		}
	}
	return -1;
}

static int set_raw(SANE_Handle h, int i, void *val, const char *dev, const char *name,
		   const char *shown)
{
	SANE_Int info = 0;
	SANE_Status s = sane_control_option(h, i, SANE_ACTION_SET_VALUE, val, &info);
	if (s != SANE_STATUS_GOOD)
		return sh_error_set(SH_EINVAL, "scanner %s refused %s = %s: %s", dev, name, shown,
				    sane_strstatus(s));
	return SH_OK;
}

static int set_string(SANE_Handle h, const char *dev, const char *name, const char *value)
{
	const SANE_Option_Descriptor *d;
	int i = find_opt(h, name, &d);
	if (i < 0)
		return sh_error_set(SH_EINVAL, "scanner %s has no option \"%s\"", dev, name);
	char *buf = sh_calloc(1, (size_t)d->size + strlen(value) + 1);
	if (!buf)
		return SH_ENOMEM;
	strcpy(buf, value);
	int rc = set_raw(h, i, buf, dev, name, value);
	sh_free(buf);
	return rc;
}

/* Pick from a string list: the first entry containing any of the words
 * (case-insensitive) and none of the excluded ones. */
static const char *pick(const SANE_Option_Descriptor *d, const char *const *words,
			const char *exclude)
{
	if (d->type != SANE_TYPE_STRING || d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
		return NULL;
	for (const char *const *w = words; *w; w++)
		for (const SANE_String_Const *s = d->constraint.string_list; *s; s++)
			if (strcasestr(*s, *w) && !(exclude && strcasestr(*s, exclude)))
				return *s;
	return NULL;
}

static int set_source(SANE_Handle h, const char *dev, const sh_scan_options *o)
{
	const SANE_Option_Descriptor *d;
	int i = find_opt(h, SANE_NAME_SCAN_SOURCE, &d);
	static const char *const flat[] = {"flatbed", "platen", "normal", NULL};
	static const char *const adf[] = {"adf", "feeder", NULL};
	static const char *const dup[] = {"duplex", NULL};
	const char *v = NULL;
	if (i < 0) {
		if (o->source == SH_SCAN_ADF)
			return sh_error_set(SH_EINVAL, "scanner %s has no document feeder; use "
						       "--source flatbed",
					    dev);
		if (o->duplex)
			return sh_error_set(SH_EINVAL, "scanner %s cannot scan both sides", dev);
		return SH_OK;
	}
	if (o->source == SH_SCAN_FLATBED) {
		if (o->duplex)
			return sh_error_set(SH_EINVAL, "duplex needs the document feeder (--source adf)");
		v = pick(d, flat, NULL);
		if (!v)
			return SH_OK; /* leave the device's default */
	} else {
		if (o->duplex) {
			v = pick(d, dup, NULL);
			if (!v) {
				/* Some backends have a separate "duplex" bool. */
				const SANE_Option_Descriptor *bd;
				int bi = find_opt(h, "duplex", &bd);
				if (bi < 0 || bd->type != SANE_TYPE_BOOL)
					return sh_error_set(SH_EINVAL,
							    "scanner %s cannot scan both sides; "
							    "leave out --duplex",
							    dev);
				SANE_Bool t = SANE_TRUE;
				int rc = set_raw(h, bi, &t, dev, "duplex", "yes");
				if (rc)
					return rc;
				v = pick(d, adf, "duplex");
			}
		} else {
			v = pick(d, adf, "duplex");
		}
		if (!v)
			return sh_error_set(SH_EINVAL, "scanner %s has no document feeder; use "
						       "--source flatbed",
					    dev);
	}
	return set_string(h, dev, SANE_NAME_SCAN_SOURCE, v);
}

static int set_mode(SANE_Handle h, const char *dev, sh_scan_mode mode)
{
	const SANE_Option_Descriptor *d;
	int i = find_opt(h, SANE_NAME_SCAN_MODE, &d);
	static const char *const gray[] = {"gray", "grey", NULL};
	static const char *const color[] = {"color", "colour", NULL};
	static const char *const line[] = {"lineart", "binary", "black", "halftone", NULL};
	if (i < 0)
		return SH_OK; /* fixed-mode device: the frame format says what came */
	const char *v = pick(d, mode == SH_SCAN_COLOR ? color : mode == SH_SCAN_LINEART ? line : gray,
			     mode == SH_SCAN_LINEART ? "color" : NULL);
	if (!v && mode == SH_SCAN_LINEART) {
		/* e.g. the test backend: grey at depth 1. */
		v = pick(d, gray, NULL);
		if (v) {
			int rc = set_string(h, dev, SANE_NAME_SCAN_MODE, v);
			if (rc)
				return rc;
			const SANE_Option_Descriptor *dd;
			int di = find_opt(h, SANE_NAME_BIT_DEPTH, &dd);
			if (di < 0 || dd->type != SANE_TYPE_INT)
				return sh_error_set(SH_EINVAL, "scanner %s has no black-and-white mode; "
							       "use --mode gray",
						    dev);
			SANE_Int one = 1;
			return set_raw(h, di, &one, dev, "depth", "1");
		}
	}
	if (!v)
		return sh_error_set(SH_EINVAL, "scanner %s has no %s mode", dev,
				    sh_scan_mode_name(mode));
	return set_string(h, dev, SANE_NAME_SCAN_MODE, v);
}

/* Set the resolution nearest want that is >= SH_SCAN_MIN_DPI; *got: the
 * value the device reports afterwards. */
static int set_dpi(SANE_Handle h, const char *dev, int want, int *got)
{
	const SANE_Option_Descriptor *d;
	*got = want;
	int i = find_opt(h, SANE_NAME_SCAN_RESOLUTION, &d);
	if (i < 0)
		return SH_OK;
	int fixed = d->type == SANE_TYPE_FIXED;
	if (!fixed && d->type != SANE_TYPE_INT)
		return SH_OK;
	double v = want, best = -1;
	if (d->constraint_type == SANE_CONSTRAINT_RANGE) {
		const SANE_Range *r = d->constraint.range;
		double lo = fixed ? SANE_UNFIX(r->min) : r->min, hi = fixed ? SANE_UNFIX(r->max) : r->max;
		double q = fixed ? SANE_UNFIX(r->quant) : r->quant;
		if (v > hi)
			v = hi;
		if (v < lo)
			v = lo;
		if (q > 0) {
			double k = (v - lo) / q;
			v = lo + q * (double)(long)(k + 0.5);
			while (v < SH_SCAN_MIN_DPI && v + q <= hi)
				v += q;
		}
		if (v >= SH_SCAN_MIN_DPI)
			best = v;
	} else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
		const SANE_Word *w = d->constraint.word_list;
		for (SANE_Word k = 1; k <= w[0]; k++) {
			double x = fixed ? SANE_UNFIX(w[k]) : w[k];
			if (x < SH_SCAN_MIN_DPI)
				continue;
			if (best < 0 || (x - want) * (x - want) < (best - want) * (best - want))
				best = x;
		}
	} else {
		best = v;
	}
	if (best < 0)
		return sh_error_set(SH_EINVAL,
				    "scanner %s cannot scan at %d dpi or more; use another scanner",
				    dev, SH_SCAN_MIN_DPI);
	SANE_Word val = fixed ? SANE_FIX(best) : (SANE_Word)best;
	char shown[32];
	snprintf(shown, sizeof shown, "%g dpi", best);
	int rc = set_raw(h, i, &val, dev, "resolution", shown);
	if (rc)
		return rc;
	if (sane_control_option(h, i, SANE_ACTION_GET_VALUE, &val, NULL) == SANE_STATUS_GOOD)
		*got = fixed ? (int)(SANE_UNFIX(val) + 0.5) : val;
	else
		*got = (int)best;
	if (*got < SH_SCAN_MIN_DPI)
		*got = (int)best;
	return SH_OK;
}

static int set_extra(SANE_Handle h, const char *dev, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return sh_error_set(SH_EINVAL, "scanner option \"%s\": write name=value", kv);
	char *name = sh_strndup(kv, (size_t)(eq - kv));
	if (!name)
		return SH_ENOMEM;
	const char *val = eq + 1;
	const SANE_Option_Descriptor *d;
	int rc, i = find_opt(h, name, &d);
	if (i < 0) {
		rc = sh_error_set(SH_EINVAL, "scanner %s has no settable option \"%s\"", dev, name);
		goto out;
	}
	char *end = NULL;
	switch (d->type) {
	case SANE_TYPE_STRING:
		rc = set_string(h, dev, name, val);
		break;
	case SANE_TYPE_BOOL: {
		SANE_Bool b = !strcmp(val, "yes") || !strcmp(val, "1") || !strcmp(val, "true");
		if (!b && strcmp(val, "no") && strcmp(val, "0") && strcmp(val, "false")) {
			rc = sh_error_set(SH_EINVAL, "scanner option %s: yes or no expected", name);
			break;
		}
		rc = set_raw(h, i, &b, dev, name, val);
		break;
	}
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED: {
		double x = strtod(val, &end);
		if (end == val || *end) {
			rc = sh_error_set(SH_EINVAL, "scanner option %s: a number expected, not \"%s\"",
					  name, val);
			break;
		}
		if (d->size != sizeof(SANE_Word)) {
			rc = sh_error_set(SH_EINVAL, "scanner option %s is a list; not supported",
					  name);
			break;
		}
		SANE_Word w = d->type == SANE_TYPE_FIXED ? SANE_FIX(x) : (SANE_Word)x;
		rc = set_raw(h, i, &w, dev, name, val);
		break;
	}
	default:
		rc = sh_error_set(SH_EINVAL, "scanner option %s cannot be set from text", name);
	}
out:
	sh_free(name);
	return rc;
}

/* ---- frames to pixels --------------------------------------------------- */

static unsigned sample(const uint8_t *line, int x, int depth, int spp, int c)
{
	size_t k = (size_t)x * (size_t)spp + (size_t)c;
	if (depth == 8)
		return line[k];
	if (depth == 16) {
		uint16_t v;
		memcpy(&v, line + 2 * k, 2);
		return v >> 8;
	}
	return (line[k / 8] >> (7 - k % 8)) & 1 ? 255 : 0;
}

/* Convert one frame's data into *pix (created on the first frame). */
static int frame_to_pix(PIX **pix, const SANE_Parameters *p, const uint8_t *data, size_t len,
			const char *dev)
{
	int w = p->pixels_per_line, bpl = p->bytes_per_line, depth = p->depth;
	if (w <= 0 || bpl <= 0 || (depth != 1 && depth != 8 && depth != 16))
		return sh_error_set(SH_EDEVICE, "scanner %s sent an image format sohoa cannot read "
						"(depth %d); choose another mode",
				    dev, depth);
	int h = (int)(len / (size_t)bpl);
	if (h <= 0)
		return sh_error_set(SH_EDEVICE, "scanner %s sent an empty page; scan it again", dev);
	if ((long)w * h > SH_SCAN_MAX_PIXELS || w > SH_SCAN_MAX_SIDE || h > SH_SCAN_MAX_SIDE)
		return sh_error_set(SH_ELIMIT, "scanner %s: page of %d x %d pixels is over the limit; "
					       "scan at a lower resolution",
				    dev, w, h);
	int rgb = p->format == SANE_FRAME_RGB, chan = -1;
	if (p->format == SANE_FRAME_RED)
		chan = 0;
	else if (p->format == SANE_FRAME_GREEN)
		chan = 1;
	else if (p->format == SANE_FRAME_BLUE)
		chan = 2;
	else if (!rgb && p->format != SANE_FRAME_GRAY)
		return sh_error_set(SH_EDEVICE, "scanner %s sent a compressed or unknown frame "
						"(format %d); choose another mode",
				    dev, (int)p->format);
	if (!*pix) {
		int d = rgb || chan >= 0 ? 32 : depth == 1 ? 1 : 8;
		*pix = pixCreate(w, h, d);
		if (!*pix)
			return sh_error_set(SH_ENOMEM, "out of memory for a %d x %d page", w, h);
		if (d == 32)
			pixSetAll(*pix);
	}
	PIX *px = *pix;
	if (pixGetWidth(px) != w)
		return sh_error_set(SH_EDEVICE, "scanner %s: colour frames differ in size", dev);
	if (h > pixGetHeight(px))
		h = pixGetHeight(px);
	l_uint32 *pd = pixGetData(px);
	int wpl = pixGetWpl(px);
	for (int y = 0; y < h; y++) {
		const uint8_t *line = data + (size_t)y * (size_t)bpl;
		l_uint32 *row = pd + (size_t)y * (size_t)wpl;
		if (pixGetDepth(px) == 1) {
			/* SANE and Leptonica agree: bit set = black. */
			for (int x = 0; x < w; x++)
				if ((line[x / 8] >> (7 - x % 8)) & 1)
					SET_DATA_BIT(row, x);
		} else if (pixGetDepth(px) == 8) {
			for (int x = 0; x < w; x++)
				SET_DATA_BYTE(row, x, sample(line, x, depth, 1, 0));
		} else if (rgb) {
			for (int x = 0; x < w; x++)
				composeRGBPixel((l_int32)sample(line, x, depth, 3, 0),
						(l_int32)sample(line, x, depth, 3, 1),
						(l_int32)sample(line, x, depth, 3, 2), row + x);
		} else {
			static const int shift[3] = {L_RED_SHIFT, L_GREEN_SHIFT, L_BLUE_SHIFT};
			for (int x = 0; x < w; x++) {
				l_uint32 v = row[x] & ~(0xffu << shift[chan]);
				row[x] = v | (sample(line, x, depth, 1, 0) << shift[chan]);
			}
		}
	}
	return SH_OK;
}

/* Read one frame to its end. *st: the status that ended it (EOF = good). */
static int read_frame(SANE_Handle h, const SANE_Parameters *p, sh_buf *buf, SANE_Status *st)
{
	uint8_t chunk[65536];
	size_t max = (size_t)SH_SCAN_MAX_PIXELS * 6;
	buf->len = 0;
	(void)p;
	for (;;) {
		SANE_Int got = 0;
		SANE_Status s = sane_read(h, chunk, (SANE_Int)sizeof chunk, &got);
		if (s == SANE_STATUS_EOF) {
			*st = SANE_STATUS_GOOD;
			return SH_OK;
		}
		if (s != SANE_STATUS_GOOD) {
			*st = s;
			return SH_OK;
		}
		if (got > 0) {
			if (buf->len + (size_t)got > max)
				return sh_error_set(SH_ELIMIT, "page is over the size limit; scan at a "
							       "lower resolution");
			int rc = sh_buf_put(buf, chunk, (size_t)got);
			if (rc)
				return rc;
		}
	}
}

/* ---- capture ------------------------------------------------------------ */

static void device_info(const char *dev, char **make, char **model)
{
	const SANE_Device **list = NULL;
	*make = *model = NULL;
	if (sane_get_devices(&list, SANE_FALSE) != SANE_STATUS_GOOD || !list)
		return;
	for (size_t i = 0; list[i]; i++)
		if (list[i]->name && !strcmp(list[i]->name, dev)) {
			*make = sh_strdup(list[i]->vendor ? list[i]->vendor : "");
			*model = sh_strdup(list[i]->model ? list[i]->model : "");
			return;
		}
}

int sh_scan_capture(sh_scan_batch *b, const sh_scan_options *o)
{
	if (!b || !o || !o->device || !*o->device)
		return sh_error_set(SH_EINVAL, "scan: no scanner given; list them with `sohoa devices`");
	if (sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED)
		return sh_error_set(SH_EPERM, "batch %s is already committed; start a new batch",
				    sh_scan_batch_id(b));
	if (o->source != SH_SCAN_FLATBED && o->source != SH_SCAN_ADF)
		return sh_error_set(SH_EINVAL, "scan: source must be flatbed or adf");
	const char *dev = o->device;
	int want = o->dpi > 0 ? o->dpi : SH_SCAN_DEFAULT_DPI;
	if (want < SH_SCAN_MIN_DPI)
		want = SH_SCAN_MIN_DPI;
	int rc = sane_up(), dpi = want, started = 0, begun = 0;
	if (rc)
		return rc;
	SANE_Handle h = NULL;
	char *make = NULL, *model = NULL;
	sh_buf buf = SH_BUF_INIT;
	PIX *pix = NULL;
	const char *status = NULL;
	unsigned run_pages = 0;
	device_info(dev, &make, &model);
	SANE_Status s = sane_open(dev, &h);
	if (s != SANE_STATUS_GOOD) {
		if (s == SANE_STATUS_DEVICE_BUSY)
			rc = sh_error_set(SH_EBUSY, "scanner %s is busy (used by another program); "
						    "wait and try again",
					  dev);
		else if (s == SANE_STATUS_INVAL)
			rc = sh_error_set(SH_ENOTFOUND, "no scanner named %s; list them with "
							"`sohoa devices`",
					  dev);
		else
			rc = sh_error_set(SH_EDEVICE, "scanner %s cannot be opened: %s; check that it "
						      "is on and connected",
					  dev, sane_strstatus(s));
		h = NULL;
		goto out;
	}
	/* Options: an error here leaves the batch untouched. */
	if ((rc = set_source(h, dev, o)) || (rc = set_mode(h, dev, o->mode)) ||
	    (rc = set_dpi(h, dev, want, &dpi)))
		goto out;
	for (const char *const *e = o->extra; e && *e; e++)
		if ((rc = set_extra(h, dev, *e)))
			goto out;
	if ((rc = sh_scan__capture_begin(b, dev, make, model, o, dpi)))
		goto out;
	begun = 1;
	unsigned base_sheet = sh_scan__sheets(b);
	for (;;) {
		s = sane_start(h);
		started = 1;
		if (s == SANE_STATUS_NO_DOCS && o->source == SH_SCAN_ADF && run_pages > 0)
			break; /* feeder empty: the batch is done */
		if (s != SANE_STATUS_GOOD) {
			status = status_name(s);
			rc = fault(b, dev, s, run_pages);
			goto out;
		}
		SANE_Parameters p;
		SANE_Status rs = SANE_STATUS_GOOD;
		for (;;) {
			if ((s = sane_get_parameters(h, &p)) != SANE_STATUS_GOOD) {
				status = status_name(s);
				rc = fault(b, dev, s, run_pages);
				goto out;
			}
			if ((rc = read_frame(h, &p, &buf, &rs)))
				goto out;
			if (rs != SANE_STATUS_GOOD)
				break;
			if ((rc = frame_to_pix(&pix, &p, buf.data, buf.len, dev)))
				goto out;
			if (p.last_frame)
				break;
			if ((s = sane_start(h)) != SANE_STATUS_GOOD) {
				rs = s;
				break;
			}
		}
		if (rs != SANE_STATUS_GOOD) {
			/* The page cut short is dropped; NO_DOCS mid-page means the
			 * feeder lost the sheet, which is a fault like a jam. */
			pixDestroy(&pix);
			status = status_name(rs);
			rc = fault(b, dev, rs, run_pages);
			goto out;
		}
		int back = o->duplex ? (int)(run_pages % 2) : 0;
		unsigned sheet = base_sheet + 1 + (o->duplex ? run_pages / 2 : run_pages);
		sh_scan_mode mode = pixGetDepth(pix) == 1 ? SH_SCAN_LINEART
				    : pixGetDepth(pix) == 32 ? SH_SCAN_COLOR
							     : SH_SCAN_GRAY;
		unsigned id = 0;
		rc = sh_scan__add(b, &id, pix, o->source, back, sheet, dpi, mode, make, model);
		pixDestroy(&pix);
		if (rc) {
			status = "WRITE_FAILED";
			goto out;
		}
		run_pages++;
		if (o->progress) {
			sh_scan_page pg;
			size_t pos = 0;
			sh_scan_batch_find(b, id, &pos);
			sh_scan_batch_page(b, pos, &pg);
			if (o->progress(o->progress_arg, &pg)) {
				status = "CANCELLED";
				rc = sh_error_set(SH_ECANCELED,
						  "scan cancelled after %u new page%s; batch %s keeps its "
						  "%zu page%s: run `sohoa scan --resume %s` for the rest",
						  run_pages, run_pages == 1 ? "" : "s",
						  sh_scan_batch_id(b), sh_scan_batch_count(b),
						  sh_scan_batch_count(b) == 1 ? "" : "s",
						  sh_scan_batch_id(b));
				goto out;
			}
		}
		if (o->source == SH_SCAN_FLATBED)
			break;
	}
out:
	pixDestroy(&pix);
	if (h) {
		if (started)
			sane_cancel(h);
		sane_close(h);
	}
	sane_exit();
	if (begun)
		rc = sh_scan__capture_end(b, rc, status);
	sh_buf_free(&buf);
	sh_free(make);
	sh_free(model);
	return rc;
}
