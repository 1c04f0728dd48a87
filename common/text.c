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
