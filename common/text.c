/* Vietnamese text: NFC, folding for diacritic-free search, tokenising.
 * All normalisation is utf8proc's; the one addition is đ/Đ → d, which
 * Unicode does not decompose (it is a letter of its own, not d + mark). */
#include "sh_common.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int sh_text_valid(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n <= 0 || cp < 0)
			return 0;
		p += n;
		left -= n;
	}
	return 1;
}

static utf8proc_int32_t fold_d(utf8proc_int32_t c, void *data)
{
	(void)data;
	if (c == 0x0110 || c == 0x0111)
		return 'd';
	return c;
}

static int map(char **out, const char *s, size_t len, utf8proc_option_t opt,
	       utf8proc_custom_func fn)
{
	utf8proc_uint8_t *r = NULL;
	utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)s,
						 (utf8proc_ssize_t)len, &r, opt, fn, NULL);
	if (n < 0) {
		if (n == UTF8PROC_ERROR_NOMEM)
			return sh_error_set(SH_ENOMEM, "out of memory normalising text");
		return sh_error_set(SH_EINVAL, "text is not valid UTF-8 (%s)",
				    utf8proc_errmsg(n));
	}
	*out = sh_strndup((const char *)r, (size_t)n);
	free(r);
	return *out ? SH_OK : SH_ENOMEM;
}

int sh_text_nfc(char **out, const char *s, size_t len)
{
	return map(out, s, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE, NULL);
}

int sh_text_fold(char **out, const char *s, size_t len)
{
	return map(out, s, len,
		   UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
			   UTF8PROC_CASEFOLD,
		   fold_d);
}

int sh_text_lower(char **out, const char *s, size_t len)
{
	return map(out, s, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD,
		   NULL);
}

static int is_word_cp(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

int sh_text_words(const char *s, size_t len,
		  int (*fn)(void *arg, const char *w, size_t wlen), void *arg)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0, start = 0;
	int in = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) { /* invalid byte: treat as a separator */
			n = 1;
			cp = ' ';
		}
		int w = is_word_cp(cp);
		if (w && !in) {
			start = i;
			in = 1;
		} else if (!w && in) {
			int rc = fn(arg, s + start, i - start);
			if (rc)
				return rc;
			in = 0;
		}
		i += (size_t)n;
	}
	if (in)
		return fn(arg, s + start, len - start);
	return 0;
}

/* ---- NFC of many texts of one vocabulary (bulk imports) ---------------------- */

struct nfc_slot {
	uint64_t hash;
	size_t raw, nfc; /* arena offsets */
	uint32_t rlen, nlen;
	int used;
};

struct sh_nfc_cache {
	sh_buf arena;
	struct nfc_slot *t;
	size_t cap, n;
};

#define NFC_CACHE_MAX (1u << 20) /* distinct words kept before starting over */

int sh_nfc_cache_new(sh_nfc_cache **out)
{
	*out = sh_calloc(1, sizeof **out);
	return *out ? SH_OK : SH_ENOMEM;
}

void sh_nfc_cache_free(sh_nfc_cache **pc)
{
	sh_nfc_cache *c = pc ? *pc : NULL;
	if (!c)
		return;
	sh_buf_free(&c->arena);
	sh_free(c->t);
	sh_free(c);
	*pc = NULL;
}

static uint64_t nfc_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
	return h;
}

static int nfc_grow(sh_nfc_cache *c)
{
	if (c->n >= NFC_CACHE_MAX) { /* start over rather than grow without end */
		memset(c->t, 0, c->cap * sizeof *c->t);
		c->n = 0;
		c->arena.len = 0;
		return SH_OK;
	}
	size_t nc = c->cap ? c->cap * 2 : 4096;
	struct nfc_slot *nt = sh_calloc(nc, sizeof *nt);
	if (!nt)
		return SH_ENOMEM;
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->t[i].used)
			continue;
		size_t j = c->t[i].hash & (nc - 1);
		while (nt[j].used)
			j = (j + 1) & (nc - 1);
		nt[j] = c->t[i];
	}
	sh_free(c->t);
	c->t = nt;
	c->cap = nc;
	return SH_OK;
}

struct nfc_walk {
	sh_nfc_cache *c;
	const char *s;
	size_t prev_end;
	sh_buf out;
	int whole, err; /* whole: normalise the text in one piece instead */
};

static int ascii_gap(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)p[i] >= 0x80)
			return 0;
	return 1;
}

static int nfc_word(void *arg, const char *w, size_t n)
{
	struct nfc_walk *x = arg;
	sh_nfc_cache *c = x->c;
	size_t start = (size_t)(w - x->s);
	/* a word starting with a mark could compose with what precedes it */
	utf8proc_int32_t cp;
	utf8proc_category_t cat = UTF8PROC_CATEGORY_CN;
	if (utf8proc_iterate((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &cp) > 0)
		cat = utf8proc_category(cp);
	if (!ascii_gap(x->s + x->prev_end, start - x->prev_end) ||
	    cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
	    cat == UTF8PROC_CATEGORY_ME) {
		x->whole = 1;
		return 1;
	}
	if ((x->err = sh_buf_put(&x->out, x->s + x->prev_end, start - x->prev_end)))
		return 1;
	x->prev_end = start + n;
	if (c->n * 2 >= c->cap && (x->err = nfc_grow(c)))
		return 1;
	uint64_t h = nfc_hash(w, n);
	size_t j = h & (c->cap - 1);
	while (c->t[j].used && !(c->t[j].hash == h && c->t[j].rlen == n &&
				 !memcmp(c->arena.data + c->t[j].raw, w, n)))
		j = (j + 1) & (c->cap - 1);
	struct nfc_slot *sl = &c->t[j];
	if (!sl->used) {
		char *nfc = NULL;
		if ((x->err = sh_text_nfc(&nfc, w, n)))
			return 1;
		size_t raw = c->arena.len, nl = strlen(nfc);
		if ((x->err = sh_buf_put(&c->arena, w, n)) ||
		    (x->err = sh_buf_put(&c->arena, nfc, nl))) {
			sh_free(nfc);
			return 1;
		}
		sh_free(nfc);
		*sl = (struct nfc_slot){h, raw, raw + n, (uint32_t)n, (uint32_t)nl, 1};
		c->n++;
	}
	x->err = sh_buf_put(&x->out, c->arena.data + sl->nfc, sl->nlen);
	return x->err != 0;
}

int sh_text_nfc_cached(sh_nfc_cache *c, char **out, const char *s, size_t len)
{
	*out = NULL;
	if (!c || memchr(s, 0, len) || len > UINT32_MAX)
		return sh_text_nfc(out, s, len);
	struct nfc_walk x = {c, s, 0, {0}, 0, 0};
	sh_text_words(s, len, nfc_word, &x);
	if (!x.whole && !x.err && !ascii_gap(s + x.prev_end, len - x.prev_end))
		x.whole = 1;
	if (!x.whole && !x.err)
		x.err = sh_buf_put(&x.out, s + x.prev_end, len - x.prev_end);
	if (!x.whole && !x.err && !(*out = sh_buf_detach(&x.out)))
		x.err = SH_ENOMEM;
	sh_buf_free(&x.out);
	if (x.whole)
		return sh_text_nfc(out, s, len);
	return x.err;
}
