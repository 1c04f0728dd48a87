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

/* ---- capture: the worker process ------------------------------------------
 *
 * SANE backends are third-party code that can hang (SANE's own test backend
 * deadlocks in sane_cancel when its reader thread is cancelled inside malloc)
 * or crash. Capture therefore runs every SANE call in a forked worker that
 * streams frames to the caller over a socket; the caller converts and records
 * pages, runs the progress callback, and can give up on a worker that stays
 * silent or dies: the batch keeps its pages and can be resumed.
 *
 * Messages, worker -> caller: type byte, u32 payload length, payload.
 *   'E' i32 code, message       an error before or during capture
 *   'R' i32 dpi, make\0model\0  device open, options set: capture begins
 *   'D' bytes                   frame data (at most WORK_CHUNK)
 *   'F' i32 format, last_frame, bytes_per_line, pixels_per_line, lines, depth
 *                               the frame whose data came before ends
 *   'P'                         the page is complete; wait for a reply
 *   'S' i32 status, i32 at_start  SANE stopped the run with this status
 * Caller -> worker after 'P': 'c' scan the next sheet. Closing the socket
 * stops the worker (it cancels, closes the device and exits). */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WORK_CHUNK 65536
#define WORK_MAX_MSG (WORK_CHUNK + 4096)
#define CLOSE_GRACE_MS 10000 /* a worker still closing the device after this is killed */

static int send_all(int fd, const void *p, size_t n)
{
	const uint8_t *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_msg(int fd, char type, const void *a, size_t na, const void *b, size_t nb)
{
	uint8_t hdr[5];
	uint32_t len = (uint32_t)(na + nb);
	hdr[0] = (uint8_t)type;
	memcpy(hdr + 1, &len, 4);
	if (send_all(fd, hdr, 5) || (na && send_all(fd, a, na)) || (nb && send_all(fd, b, nb)))
		return -1;
	return 0;
}

static void send_error(int fd, int code)
{
	int32_t c = code;
	const char *m = sh_error_message();
	send_msg(fd, 'E', &c, 4, m, strlen(m) + 1);
}

typedef struct capture_job {
	const sh_scan_options *o;
	int want;
} capture_job;

/* The capture worker's side (in the child; returns to _exit).
 * Long on purpose (~125 lines): the SANE call sequence in the child
 * (open, options, start, read frames, next sheet), one linear protocol run. */
static void capture_worker(int fd, void *arg)
{
	const sh_scan_options *o = ((capture_job *)arg)->o;
	int want = ((capture_job *)arg)->want;
	const char *dev = o->device;
	SANE_Handle h = NULL;
	int dpi = want, started = 0, rc = sane_up();
	if (rc) {
		send_error(fd, rc);
		return;
	}
	const SANE_Device **list = NULL;
	const char *make = "", *model = "";
	if (sane_get_devices(&list, SANE_FALSE) == SANE_STATUS_GOOD && list)
		for (size_t i = 0; list[i]; i++)
			if (list[i]->name && !strcmp(list[i]->name, dev)) {
				make = list[i]->vendor ? list[i]->vendor : "";
				model = list[i]->model ? list[i]->model : "";
				break;
			}
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
		send_error(fd, rc);
		h = NULL;
		goto out;
	}
	if ((rc = set_source(h, dev, o)) || (rc = set_mode(h, dev, o->mode)) ||
	    (rc = set_dpi(h, dev, want, &dpi))) {
		send_error(fd, rc);
		goto out;
	}
	for (const char *const *e = o->extra; e && *e; e++)
		if ((rc = set_extra(h, dev, *e))) {
			send_error(fd, rc);
			goto out;
		}
	{
		int32_t d = dpi;
		sh_buf mm = SH_BUF_INIT;
		/* a driver's strings, bounded (a message holds at most WORK_MAX_MSG) */
		size_t nmk = strnlen(make, 1024), nmd = strnlen(model, 1024);
		if (sh_buf_put(&mm, make, nmk) || sh_buf_put(&mm, "", 1) ||
		    sh_buf_put(&mm, model, nmd) || sh_buf_put(&mm, "", 1)) {
			send_error(fd, SH_ENOMEM);
			sh_buf_free(&mm);
			goto out;
		}
		int bad = send_msg(fd, 'R', &d, 4, mm.data, mm.len);
		sh_buf_free(&mm);
		if (bad)
			goto out;
	}
	static uint8_t chunk[WORK_CHUNK];
	size_t max = (size_t)SH_SCAN_MAX_PIXELS * 6;
	for (;;) {
		/* one page: frames until the last */
		int at_start = 1;
		for (;;) {
			s = sane_start(h);
			started = 1;
			SANE_Parameters p;
			if (s == SANE_STATUS_GOOD)
				s = sane_get_parameters(h, &p);
			if (s != SANE_STATUS_GOOD) {
				int32_t v[2] = {(int32_t)s, at_start};
				send_msg(fd, 'S', v, sizeof v, NULL, 0);
				goto out;
			}
			at_start = 0;
			size_t len = 0;
			for (;;) {
				SANE_Int got = 0;
				s = sane_read(h, chunk, (SANE_Int)sizeof chunk, &got);
				if (s == SANE_STATUS_EOF)
					break;
				if (s != SANE_STATUS_GOOD) {
					int32_t v[2] = {(int32_t)s, 0};
					send_msg(fd, 'S', v, sizeof v, NULL, 0);
					goto out;
				}
				if (got <= 0)
					continue;
				len += (size_t)got;
				if (len > max) {
					send_error(fd, sh_error_set(SH_ELIMIT, "page is over the size limit; "
									       "scan at a lower resolution"));
					goto out;
				}
				if (send_msg(fd, 'D', chunk, (size_t)got, NULL, 0))
					goto out; /* the caller is gone */
			}
			int32_t f[6] = {(int32_t)p.format, p.last_frame, p.bytes_per_line,
					p.pixels_per_line, p.lines, p.depth};
			if (send_msg(fd, 'F', f, sizeof f, NULL, 0))
				goto out;
			if (p.last_frame)
				break;
		}
		char reply = 0;
		if (send_msg(fd, 'P', NULL, 0, NULL, 0))
			goto out;
		ssize_t r;
		do
			r = recv(fd, &reply, 1, 0);
		while (r < 0 && errno == EINTR);
		if (r != 1 || reply != 'c')
			goto out;
	}
out:
	if (h) {
		if (started)
			sane_cancel(h);
		sane_close(h);
	}
	sane_exit();
}

/* ---- capture: the caller's side ----------------------------------------- */

typedef struct work {
	pid_t pid;
	int fd;
	int timeout_ms;
	int reaped, wstatus;
} work;

/* Fork a worker running fn(fd, arg) in the child, which then exits. */
static int work_start(work *w, void (*fn)(int fd, void *arg), void *arg)
{
	w->pid = -1;
	w->fd = -1;
	w->reaped = w->wstatus = 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return sh_error_set(SH_EIO, "scan: cannot start the scanner worker: %s",
				    strerror(errno));
	pid_t parent = getpid();
	w->pid = fork();
	if (w->pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return sh_error_set(e == ENOMEM || e == EAGAIN ? SH_ENOMEM : SH_EIO,
				    "scan: cannot start the scanner worker: %s", strerror(e));
	}
	if (w->pid == 0) {
		/* Dies with the caller; the caller's handlers are not the
		 * worker's: a crashing driver must end the worker, not run them. */
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		static const int dfl[] = {SIGINT, SIGTERM, SIGHUP, SIGSEGV,
					  SIGBUS, SIGILL,  SIGFPE, SIGABRT};
		for (size_t i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
			signal(dfl[i], SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		fn(sv[1], arg);
		close(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	w->fd = sv[0];
	return SH_OK;
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Read exactly n bytes, waiting at most until deadline. 1 done, 0 the worker
 * closed the socket (at a message boundary only if n is a header), -1 timed
 * out, -2 read error. */
static int recv_exact(int fd, void *p, size_t n, int64_t deadline)
{
	uint8_t *c = p;
	while (n) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		int pr = poll(&pf, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return -2;
		if (pr == 0)
			return -1;
		ssize_t r = recv(fd, c, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -2;
		if (r == 0)
			return 0;
		c += r;
		n -= (size_t)r;
	}
	return 1;
}

/* Next message into *type and msg. 1 got one, 0 worker gone, -1 silent past
 * the timeout, -2 broken (read error, impossible length). */
static int recv_msg(work *w, char *type, sh_buf *msg)
{
	uint8_t hdr[5];
	int64_t deadline = now_ms() + w->timeout_ms;
	int r = recv_exact(w->fd, hdr, 5, deadline);
	if (r != 1)
		return r;
	uint32_t len;
	memcpy(&len, hdr + 1, 4);
	if (len > WORK_MAX_MSG)
		return -2;
	msg->len = 0;
	if (sh_buf_grow(msg, len + 1))
		return -3;
	if (len && (r = recv_exact(w->fd, msg->data, len, deadline)) != 1)
		return r == 0 ? -2 : r;
	msg->len = len;
	msg->data[len] = 0;
	*type = (char)hdr[0];
	return 1;
}

/* Stop the worker: closing the socket tells it to cancel and close the
 * device; one that is still at it after the grace (or kill_now) is killed. */
static void work_end(work *w, int kill_now)
{
	if (w->fd >= 0) {
		close(w->fd);
		w->fd = -1;
	}
	if (w->pid <= 0 || w->reaped)
		return;
	int grace = w->timeout_ms < CLOSE_GRACE_MS ? w->timeout_ms : CLOSE_GRACE_MS;
	int64_t deadline = now_ms() + (kill_now ? 0 : grace);
	for (unsigned nap = 1;;) {
		pid_t r = waitpid(w->pid, &w->wstatus, WNOHANG);
		if (r == w->pid || (r < 0 && errno != EINTR)) {
			if (r < 0) /* SIGCHLD ignored by the application: reaped already */
				w->wstatus = 0;
			w->reaped = 1;
			return;
		}
		if (r == 0 && now_ms() >= deadline) {
			kill(w->pid, SIGKILL);
			while (waitpid(w->pid, &w->wstatus, 0) < 0 && errno == EINTR)
				;
			w->reaped = 1;
			return;
		}
		struct timespec t = {0, (long)nap * 1000000L};
		nanosleep(&t, NULL);
		if (nap < 50)
			nap *= 2;
	}
}

/* A fault the worker could not report: it stopped answering or died. */
static int worker_fault(const sh_scan_batch *b, const char *dev, int silent_ms, int wstatus,
			unsigned run_pages, const char **status)
{
	char what[160];
	if (silent_ms) {
		*status = "TIMEOUT";
		snprintf(what, sizeof what, "scanner stopped responding for %d s", silent_ms / 1000);
	} else if (WIFSIGNALED(wstatus)) {
		*status = "DRIVER_CRASHED";
		snprintf(what, sizeof what, "scanner driver crashed (signal %d)", WTERMSIG(wstatus));
	} else {
		*status = "DRIVER_FAILED";
		snprintf(what, sizeof what, "scanner driver stopped without a reason");
	}
	return sh_error_set(SH_EDEVICE,
			    "scanner %s: %s (%s) after %u new page%s; batch %s keeps its %zu "
			    "page%s: switch the scanner off and on, put back the sheet that was "
			    "being scanned and run `sohoa scan --resume %s`",
			    dev, what, *status, run_pages, run_pages == 1 ? "" : "s",
			    sh_scan_batch_id(b), sh_scan_batch_count(b),
			    sh_scan_batch_count(b) == 1 ? "" : "s", sh_scan_batch_id(b));
}

static int32_t get32(const sh_buf *m, size_t i)
{
	int32_t v;
	memcpy(&v, m->data + 4 * i, 4);
	return v;
}

/* Long on purpose (~170 lines): the parent's side of the worker protocol is
 * one message loop, a state machine (ready, frame data, frame, page, status)
 * whose state (sheet, run, fault) all the arms share: split, that state
 * would be passed around. */
int sh_scan_capture(sh_scan_batch *b, const sh_scan_options *o)
{
	if (!b || !o || !o->device || !*o->device)
		return sh_error_set(SH_EINVAL, "scan: no scanner given; list them with `sohoa devices`");
	if (sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED)
		return sh_error_set(SH_EPERM, "batch %s is already committed; start a new batch",
				    sh_scan_batch_id(b));
	if (o->source != SH_SCAN_FLATBED && o->source != SH_SCAN_ADF)
		return sh_error_set(SH_EINVAL, "scan: source must be flatbed or adf");
	if (o->timeout_ms < 0)
		return sh_error_set(SH_EINVAL, "scan: timeout must not be negative");
	const char *dev = o->device;
	int want = o->dpi > 0 ? o->dpi : SH_SCAN_DEFAULT_DPI;
	if (want < SH_SCAN_MIN_DPI)
		want = SH_SCAN_MIN_DPI;

	work w = {.timeout_ms = o->timeout_ms ? o->timeout_ms : SH_SCAN_DEFAULT_TIMEOUT_MS};
	capture_job job = {o, want};
	int rc0 = work_start(&w, capture_worker, &job);
	if (rc0)
		return rc0;

	int rc = SH_OK, begun = 0, dpi = want, silent = 0, gone = 0;
	unsigned base_sheet = 0;
	char *make = NULL, *model = NULL;
	const char *status = NULL;
	unsigned run_pages = 0;
	sh_buf msg = SH_BUF_INIT, frame = SH_BUF_INIT;
	PIX *pix = NULL;
	size_t max = (size_t)SH_SCAN_MAX_PIXELS * 6;
	for (;;) {
		char type = 0;
		int r = recv_msg(&w, &type, &msg);
		if (r == -3) {
			rc = SH_ENOMEM;
			break;
		}
		if (r == -1)
			silent = w.timeout_ms;
		if (r != 1) {
			gone = 1;
			break;
		}
		if (type == 'E' && msg.len >= 5) {
			rc = sh_error_set(get32(&msg, 0), "%s", (const char *)msg.data + 4);
			if (rc >= 0) /* a worker never sends success as an error */
				rc = sh_error_set(SH_ERROR, "scan: scanner worker sent a bad error");
			break;
		}
		if (type == 'R' && !begun && msg.len >= 6) {
			dpi = get32(&msg, 0);
			/* make\0model\0; msg.data[msg.len] is 0 too */
			const char *mk = (const char *)msg.data + 4;
			size_t n = strlen(mk);
			const char *md = 4 + n + 1 < msg.len ? mk + n + 1 : "";
			if (dpi < SH_SCAN_MIN_DPI)
				dpi = want;
			if (!(make = sh_strdup(mk)) || !(model = sh_strdup(md))) {
				rc = SH_ENOMEM;
				break;
			}
			if ((rc = sh_scan__capture_begin(b, dev, make, model, o, dpi)))
				break;
			begun = 1;
			base_sheet = sh_scan__sheets(b);
			continue;
		}
		if (!begun) {
			gone = 1;
			break;
		}
		if (type == 'D') {
			if (frame.len + msg.len > max) {
				rc = sh_error_set(SH_ELIMIT, "page is over the size limit; scan at a "
							     "lower resolution");
				break;
			}
			if ((rc = sh_buf_put(&frame, msg.data, msg.len)))
				break;
			continue;
		}
		if (type == 'F' && msg.len == 24) {
			SANE_Parameters p = {.format = (SANE_Frame)get32(&msg, 0),
					     .last_frame = get32(&msg, 1),
					     .bytes_per_line = get32(&msg, 2),
					     .pixels_per_line = get32(&msg, 3),
					     .lines = get32(&msg, 4),
					     .depth = get32(&msg, 5)};
			rc = frame_to_pix(&pix, &p, frame.data, frame.len, dev);
			frame.len = 0;
			if (rc)
				break;
			continue;
		}
		if (type == 'S' && msg.len == 8) {
			SANE_Status s = (SANE_Status)get32(&msg, 0);
			int at_start = get32(&msg, 1);
			if (at_start && s == SANE_STATUS_NO_DOCS && o->source == SH_SCAN_ADF &&
			    run_pages > 0)
				break; /* feeder empty: the batch is done */
			/* The page cut short is dropped; NO_DOCS mid-page means the
			 * feeder lost the sheet, which is a fault like a jam. */
			status = status_name(s);
			rc = fault(b, dev, s, run_pages);
			break;
		}
		if (type == 'P' && pix) {
			int back = o->duplex ? (int)(run_pages % 2) : 0;
			unsigned sheet = base_sheet + 1 + (o->duplex ? run_pages / 2 : run_pages);
			sh_scan_mode mode = pixGetDepth(pix) == 1    ? SH_SCAN_LINEART
					    : pixGetDepth(pix) == 32 ? SH_SCAN_COLOR
								     : SH_SCAN_GRAY;
			unsigned id = 0;
			rc = sh_scan__add(b, &id, pix, o->source, back, sheet, dpi, mode, make, model);
			pixDestroy(&pix);
			if (rc) {
				status = "WRITE_FAILED";
				break;
			}
			run_pages++;
			if (o->progress) {
				sh_scan_page pg;
				size_t pos = 0;
				sh_scan_batch_find(b, id, &pos);
				sh_scan_batch_page(b, pos, &pg);
				if (o->progress(o->progress_arg, &pg)) {
					status = "CANCELLED";
					rc = sh_error_set(
					    SH_ECANCELED,
					    "scan cancelled after %u new page%s; batch %s keeps its "
					    "%zu page%s: run `sohoa scan --resume %s` for the rest",
					    run_pages, run_pages == 1 ? "" : "s", sh_scan_batch_id(b),
					    sh_scan_batch_count(b), sh_scan_batch_count(b) == 1 ? "" : "s",
					    sh_scan_batch_id(b));
					break;
				}
			}
			if (o->source == SH_SCAN_FLATBED)
				break;
			char c = 'c';
			if (send_all(w.fd, &c, 1)) {
				gone = 1;
				break;
			}
			continue;
		}
		gone = 1; /* a message out of order: treat the worker as broken */
		break;
	}
	pixDestroy(&pix);
	work_end(&w, silent);
	if (gone && !rc) {
		if (begun)
			rc = worker_fault(b, dev, silent, w.wstatus, run_pages, &status);
		else if (silent)
			rc = sh_error_set(SH_EDEVICE, "scanner %s did not answer for %d s; check that "
						      "it is on and connected",
					  dev, silent / 1000);
		else
			rc = sh_error_set(SH_EDEVICE, "scanner %s: its driver stopped before the scan "
						      "began%s; check that it is on and connected",
					  dev, WIFSIGNALED(w.wstatus) ? " (crashed)" : "");
	}
	if (begun)
		rc = sh_scan__capture_end(b, rc, status);
	sh_buf_free(&msg);
	sh_buf_free(&frame);
	sh_free(make);
	sh_free(model);
	return rc;
}

/* ---- devices ------------------------------------------------------------ */

/* The listing worker: one 'L' message per device (name, vendor, model, type,
 * each NUL-terminated), then 'Z'; or 'E'. */
static void devices_worker(int fd, void *arg)
{
	(void)arg;
	int rc = sane_up();
	if (rc) {
		send_error(fd, rc);
		return;
	}
	const SANE_Device **list = NULL;
	SANE_Status s = sane_get_devices(&list, SANE_FALSE);
	if (s != SANE_STATUS_GOOD) {
		send_error(fd, sh_error_set(SH_EDEVICE, "cannot list scanners: %s",
					    sane_strstatus(s)));
		sane_exit();
		return;
	}
	for (size_t i = 0; list && list[i]; i++) {
		const char *f[4] = {list[i]->name, list[i]->vendor, list[i]->model, list[i]->type};
		sh_buf m = SH_BUF_INIT;
		int bad = 0;
		for (int k = 0; k < 4 && !bad; k++) {
			const char *v = f[k] ? f[k] : "";
			size_t n = strnlen(v, 1024); /* a driver's strings, bounded */
			bad = sh_buf_put(&m, v, n) || sh_buf_put(&m, "", 1);
		}
		if (bad || send_msg(fd, 'L', m.data, m.len, NULL, 0)) {
			sh_buf_free(&m);
			sane_exit();
			return;
		}
		sh_buf_free(&m);
	}
	send_msg(fd, 'Z', NULL, 0, NULL, 0);
	sane_exit();
}

int sh_scan_devices(sh_scan_device **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	work w = {.timeout_ms = SH_SCAN_DEFAULT_TIMEOUT_MS};
	int rc = work_start(&w, devices_worker, NULL);
	if (rc)
		return rc;
	sh_scan_device *d = NULL;
	size_t k = 0, cap = 0;
	sh_buf msg = SH_BUF_INIT;
	int silent = 0;
	for (;;) {
		char type = 0;
		int r = recv_msg(&w, &type, &msg);
		if (r == -3) {
			rc = SH_ENOMEM;
			break;
		}
		if (r != 1) {
			silent = r == -1;
			if (silent)
				rc = sh_error_set(SH_EDEVICE, "scanner drivers did not answer for %d s "
							      "while listing scanners; check network "
							      "scanners and SANE's configuration",
						  w.timeout_ms / 1000);
			else
				rc = sh_error_set(SH_EDEVICE, "a scanner driver stopped while listing "
							      "scanners; check SANE's configuration");
			break;
		}
		if (type == 'Z')
			break;
		if (type == 'E' && msg.len >= 5) {
			rc = sh_error_set(get32(&msg, 0), "%s", (const char *)msg.data + 4);
			if (rc >= 0)
				rc = sh_error_set(SH_ERROR, "scan: scanner worker sent a bad error");
			break;
		}
		if (type != 'L') {
			rc = sh_error_set(SH_EDEVICE, "scanner worker sent a bad message");
			break;
		}
		const char *f[4], *p = (const char *)msg.data, *end = p + msg.len;
		int k4 = 0;
		for (; k4 < 4 && p < end; k4++) {
			f[k4] = p;
			p += strlen(p) + 1; /* msg.data[msg.len] is 0 */
		}
		if (k4 < 4) {
			rc = sh_error_set(SH_EDEVICE, "scanner worker sent a bad message");
			break;
		}
		if (k == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sh_scan_device *nd = sh_realloc(d, nc * sizeof *nd);
			if (!nd) {
				rc = SH_ENOMEM;
				break;
			}
			d = nd;
			cap = nc;
		}
		sh_scan_device *e = &d[k];
		e->name = sh_strdup(f[0]);
		e->vendor = sh_strdup(f[1]);
		e->model = sh_strdup(f[2]);
		e->type = sh_strdup(f[3]);
		k++;
		if (!e->name || !e->vendor || !e->model || !e->type) {
			rc = SH_ENOMEM;
			break;
		}
	}
	work_end(&w, silent);
	sh_buf_free(&msg);
	if (rc) {
		sh_scan_devices_free(&d, k);
		return rc;
	}
	*out = d;
	*n = k;
	return SH_OK;
}
