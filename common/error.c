/* Per-thread error state and allocation with fault injection. */
#include "sh_common.h"

#include <errno.h>
#include <libintl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX 1024

static _Thread_local char tl_msg[MSG_MAX];
static _Thread_local int tl_code;

int sh_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tl_msg, sizeof tl_msg, dgettext(SH_TEXTDOMAIN, fmt), ap);
	va_end(ap);
	tl_code = code;
	return code;
}

int sh_error_wrap(int code, const char *fmt, ...)
{
	char prefix[MSG_MAX], old[MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, dgettext(SH_TEXTDOMAIN, fmt), ap);
	va_end(ap);
	memcpy(old, tl_msg, sizeof old);
	snprintf(tl_msg, sizeof tl_msg, "%s%s", prefix, old);
	tl_code = code;
	return code;
}

const char *sh_error_message(void)
{
	return tl_msg[0] ? tl_msg : "no error";
}

int sh_error_last(void) { return tl_code; }

void sh_error_clear(void)
{
	tl_msg[0] = 0;
	tl_code = 0;
}

const char *sh_error_name(int code)
{
	switch (code) {
	case SH_OK: return "OK";
	case SH_ERROR: return "ERROR";
	case SH_ENOMEM: return "ENOMEM";
	case SH_EINVAL: return "EINVAL";
	case SH_ENOTFOUND: return "ENOTFOUND";
	case SH_EIO: return "EIO";
	case SH_ECORRUPT: return "ECORRUPT";
	case SH_EFULL: return "EFULL";
	case SH_EBADSIG: return "EBADSIG";
	case SH_EEXISTS: return "EEXISTS";
	case SH_EBUSY: return "EBUSY";
	case SH_ELIMIT: return "ELIMIT";
	case SH_EDEVICE: return "EDEVICE";
	case SH_ECANCELED: return "ECANCELED";
	case SH_EPERM: return "EPERM";
	case SH_EVERSION: return "EVERSION";
	default: return "EUNKNOWN";
	}
}

/* ---- allocation -------------------------------------------------------- */

static atomic_long g_count;
static atomic_long g_live;
static atomic_long g_fail_at;   /* absolute count at which to fail; 0 = off */
static atomic_int g_persist;
static atomic_int g_env_read;

static void read_env(void)
{
	if (atomic_exchange(&g_env_read, 1))
		return;
	const char *e = getenv("SOHOA_FAIL_ALLOC");
	if (e && *e) {
		char *end;
		long n = strtol(e, &end, 10);
		if (n > 0) {
			atomic_store(&g_fail_at, n);
			atomic_store(&g_persist, *end == ':' && end[1] == '1');
		}
	}
}

void sh_alloc_fail_at(long n, int persist)
{
	atomic_store(&g_env_read, 1);
	atomic_store(&g_fail_at, n > 0 ? atomic_load(&g_count) + n : 0);
	atomic_store(&g_persist, persist);
}

long sh_alloc_count(void) { return atomic_load(&g_count); }
long sh_alloc_live(void) { return atomic_load(&g_live); }

static int should_fail(void)
{
	read_env();
	long c = atomic_fetch_add(&g_count, 1) + 1;
	long f = atomic_load(&g_fail_at);
	if (f == 0)
		return 0;
	return c == f || (atomic_load(&g_persist) && c > f);
}

static void *oom(size_t n)
{
	sh_error_set(SH_ENOMEM, "out of memory (allocating %zu bytes)", n);
	return NULL;
}

void *sh_malloc(size_t n)
{
	if (should_fail())
		return oom(n);
	void *p = malloc(n ? n : 1);
	if (!p)
		return oom(n);
	atomic_fetch_add(&g_live, 1);
	return p;
}

void *sh_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return oom(SIZE_MAX);
	if (should_fail())
		return oom(n * size);
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		return oom(n * size);
	atomic_fetch_add(&g_live, 1);
	return p;
}

void *sh_realloc(void *old, size_t n)
{
	if (!old)
		return sh_malloc(n);
	if (should_fail())
		return oom(n);
	void *p = realloc(old, n ? n : 1);
	if (!p)
		return oom(n);
	return p;
}

void sh_free(void *p)
{
	if (p) {
		atomic_fetch_sub(&g_live, 1);
		free(p);
	}
}

char *sh_strndup(const char *s, size_t n)
{
	char *d = sh_malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *sh_strdup(const char *s) { return sh_strndup(s, strlen(s)); }

char *sh_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = sh_malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- buffers ------------------------------------------------------------ */

int sh_buf_grow(sh_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return SH_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			return sh_error_set(SH_ENOMEM, "buffer too large");
		cap *= 2;
	}
	uint8_t *d = sh_realloc(b->data, cap);
	if (!d)
		return SH_ENOMEM;
	b->data = d;
	b->cap = cap;
	return SH_OK;
}

int sh_buf_put(sh_buf *b, const void *p, size_t n)
{
	int rc = sh_buf_grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return SH_OK;
}

int sh_buf_puts(sh_buf *b, const char *s) { return sh_buf_put(b, s, strlen(s)); }

int sh_buf_printf(sh_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return sh_error_set(SH_ERROR, "bad format");
	int rc = sh_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return SH_OK;
}

char *sh_buf_detach(sh_buf *b)
{
	char *s = (char *)b->data;
	if (!s)
		s = sh_strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void sh_buf_free(sh_buf *b)
{
	sh_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
