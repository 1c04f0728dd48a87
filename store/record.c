/* The versioned, extensible record encoding (docs/FORMATS.md). */
#include "store_int.h"

#include <string.h>

static void put_varint(rec_w *w, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		tmp[n++] = c | (v ? 0x80 : 0);
	} while (v);
	if (!w->err)
		w->err = sh_buf_put(&w->b, tmp, n);
}

void rec_begin(rec_w *w, int type)
{
	uint8_t h[4] = {'S', 'H', (uint8_t)type, REC_VERSION};
	memset(w, 0, sizeof *w);
	w->err = sh_buf_put(&w->b, h, 4);
}

void rec_bytes(rec_w *w, unsigned tag, const void *p, size_t n)
{
	put_varint(w, tag);
	put_varint(w, n);
	if (!w->err && n)
		w->err = sh_buf_put(&w->b, p, n);
}

void rec_str(rec_w *w, unsigned tag, const char *s)
{
	if (s)
		rec_bytes(w, tag, s, strlen(s));
}

void rec_u64(rec_w *w, unsigned tag, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		tmp[n++] = c | (v ? 0x80 : 0);
	} while (v);
	rec_bytes(w, tag, tmp, n);
}

void rec_i64(rec_w *w, unsigned tag, int64_t v)
{
	/* zig-zag so small negative numbers stay short */
	rec_u64(w, tag, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void rec_f32(rec_w *w, unsigned tag, float v)
{
	/* stored as hundredths, an unsigned varint: confidences are 0..100 */
	if (v < 0)
		v = 0;
	rec_u64(w, tag, (uint64_t)(v * 100.0f + 0.5f));
}

static int get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (p >= end)
			return SH_ECORRUPT;
		uint8_t c = *p++;
		if (shift == 63 && (c & 0x7e))
			return SH_ECORRUPT;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*pp = p;
			*out = v;
			return SH_OK;
		}
	}
	return SH_ECORRUPT;
}

int rec_open(rec_r *r, const void *data, size_t len, int type)
{
	const uint8_t *d = data;
	if (len < 4 || d[0] != 'S' || d[1] != 'H' || (type && d[2] != type))
		return sh_error_set(SH_ECORRUPT, "stored record has a bad header");
	if (d[3] == 0 || d[3] > REC_VERSION)
		return sh_error_set(SH_EVERSION,
				    "stored record version %d is newer than this sohoa understands "
				    "(%d): upgrade sohoa",
				    d[3], REC_VERSION);
	r->p = d + 4;
	r->end = d + len;
	r->type = d[2];
	r->version = d[3];
	return SH_OK;
}

int rec_next(rec_r *r, unsigned *tag, const uint8_t **val, size_t *len)
{
	if (r->p == r->end)
		return 0;
	uint64_t t, n;
	if (get_varint(&r->p, r->end, &t) || get_varint(&r->p, r->end, &n) || t > 0xffff ||
	    n > (uint64_t)(r->end - r->p))
		return sh_error_set(SH_ECORRUPT, "stored record is truncated or damaged");
	*tag = (unsigned)t;
	*val = r->p;
	*len = (size_t)n;
	r->p += n;
	return 1;
}

int rec_get_u64(const uint8_t *val, size_t len, uint64_t *out)
{
	const uint8_t *p = val;
	if (get_varint(&p, val + len, out) || p != val + len)
		return sh_error_set(SH_ECORRUPT, "stored number is damaged");
	return SH_OK;
}

char *rec_dup_str(const uint8_t *val, size_t len)
{
	if (memchr(val, 0, len)) {
		sh_error_set(SH_ECORRUPT, "stored text contains a NUL byte");
		return NULL;
	}
	return sh_strndup((const char *)val, len);
}
