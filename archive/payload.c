/* Separator payloads (sh_arch.h): format and parse. */
#include <stdio.h>
#include <string.h>

#include "sh_arch.h"

static int utf8_ok(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
		if (k == 9 || (k == 1 && c < 0xc2))
			return 0;
		for (size_t j = 1; j <= k; j++)
			if (i + j >= n || ((unsigned char)s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

static int book_ok(const char *b, size_t n)
{
	if (n == 0 || n > SH_ARCH_BOOK_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		if (c < 0x20 || c == 0x7f || c == ';' || c == '=' || c == '%')
			return 0;
	}
	return utf8_ok(b, n);
}

int sh_arch_payload_format(char *out, size_t cap, const sh_arch_sep *sep)
{
	char owner[16] = "";
	if (!out || !sep)
		return sh_error_set(SH_EINVAL, "separator payload: nothing given");
	if (sep->owner[0] && sh_id_owner_check(NULL, owner, sep->owner) != SH_OK)
		return sh_error_wrap(SH_EINVAL, "separator owner");
	if (sep->book[0] && !book_ok(sep->book, strlen(sep->book)))
		return sh_error_set(SH_EINVAL, "separator book: 1-%d bytes of UTF-8 text without "
				    "control characters, ';', '=' or '%%'", SH_ARCH_BOOK_MAX);
	if (sep->n > 999999)
		return sh_error_set(SH_ELIMIT, "separator number %u: at most 999999", sep->n);
	int k = snprintf(out, cap, "%s%s%s%s%s", SH_ARCH_MAGIC, owner[0] ? ";owner=" : "", owner,
			 sep->book[0] ? ";book=" : "", sep->book);
	if (k >= 0 && (size_t)k < cap && sep->n)
		k += snprintf(out + k, cap - (size_t)k, ";n=%u", sep->n);
	if (k < 0 || (size_t)k >= cap)
		return sh_error_set(SH_ELIMIT, "separator payload longer than %zu bytes", cap);
	return SH_OK;
}

int sh_arch_payload_parse(sh_arch_sep *out, const char *data, size_t len)
{
	const size_t ml = strlen(SH_ARCH_MAGIC);
	if (!out)
		return sh_error_set(SH_EINVAL, "separator payload: no output");
	memset(out, 0, sizeof *out);
	if (!data || len < ml || memcmp(data, SH_ARCH_MAGIC, ml) != 0)
		return sh_error_set(SH_EINVAL, "not a sohoa separator (no %s)", SH_ARCH_MAGIC);
	if (len >= SH_ARCH_PAYLOAD_MAX)
		return sh_error_set(SH_EINVAL, "separator payload over %d bytes", SH_ARCH_PAYLOAD_MAX - 1);
	int seen_owner = 0, seen_book = 0, seen_n = 0;
	size_t i = ml;
	while (i < len) {
		if (data[i] != ';')
			return sh_error_set(SH_EINVAL, "separator payload: ';' expected at byte %zu", i);
		i++;
		size_t ks = i;
		while (i < len && data[i] >= 'a' && data[i] <= 'z')
			i++;
		size_t kl = i - ks;
		if (kl == 0 || kl > 16 || i >= len || data[i] != '=')
			return sh_error_set(SH_EINVAL, "separator payload: bad key at byte %zu", ks);
		i++;
		size_t vs = i;
		while (i < len && data[i] != ';')
			i++;
		size_t vl = i - vs;
		const char *k = data + ks, *v = data + vs;
		if (kl == 5 && !memcmp(k, "owner", 5)) {
			char id[32];
			if (seen_owner++ || vl == 0 || vl >= sizeof id)
				return sh_error_set(SH_EINVAL, "separator payload: bad or repeated owner");
			memcpy(id, v, vl);
			id[vl] = 0;
			if (sh_id_owner_check(NULL, out->owner, id) != SH_OK) {
				memset(out, 0, sizeof *out);
				return sh_error_wrap(SH_EINVAL, "separator owner");
			}
		} else if (kl == 4 && !memcmp(k, "book", 4)) {
			if (seen_book++ || !book_ok(v, vl)) {
				memset(out, 0, sizeof *out);
				return sh_error_set(SH_EINVAL, "separator payload: bad or repeated book");
			}
			memcpy(out->book, v, vl);
			out->book[vl] = 0;
		} else if (kl == 1 && k[0] == 'n') {
			unsigned long n = 0;
			if (seen_n++ || vl == 0 || vl > 6) {
				memset(out, 0, sizeof *out);
				return sh_error_set(SH_EINVAL, "separator payload: bad or repeated n");
			}
			for (size_t j = 0; j < vl; j++) {
				if (v[j] < '0' || v[j] > '9') {
					memset(out, 0, sizeof *out);
					return sh_error_set(SH_EINVAL, "separator payload: n is not a number");
				}
				n = n * 10 + (unsigned long)(v[j] - '0');
			}
			if (n == 0) {
				memset(out, 0, sizeof *out);
				return sh_error_set(SH_EINVAL, "separator payload: n is 1-999999");
			}
			out->n = (unsigned)n;
		} else {
			for (size_t j = 0; j < vl; j++)
				if ((unsigned char)v[j] < 0x20) {
					memset(out, 0, sizeof *out);
					return sh_error_set(SH_EINVAL, "separator payload: control byte");
				}
		}
	}
	return SH_OK;
}

int sh_arch_split(sh_arch_part **out, size_t *nout, const int *kinds, size_t npages, int blank_split)
{
	if (!out || !nout || (!kinds && npages))
		return sh_error_set(SH_EINVAL, "split: nothing given");
	*out = NULL;
	*nout = 0;
	sh_arch_part *v = sh_calloc(npages ? npages : 1, sizeof *v);
	if (!v)
		return SH_ENOMEM;
	size_t n = 0, sep = (size_t)-1;
	unsigned next_flags = SH_ARCH_PART_NO_SEPARATOR | SH_ARCH_PART_REVIEW;
	int open = 0, blank_seen = 0;
	for (size_t i = 0; i < npages; i++) {
		switch (kinds[i]) {
		case SH_ARCH_PAGE_SEPARATOR:
			open = 0;
			blank_seen = 0;
			sep = i;
			next_flags = 0;
			break;
		case SH_ARCH_PAGE_BLANK:
			if (open)
				blank_seen = 1;
			break;
		case SH_ARCH_PAGE_CONTENT:
			if (open && blank_seen && blank_split) {
				open = 0;
				sep = (size_t)-1;
				next_flags = SH_ARCH_PART_BLANK_SPLIT | SH_ARCH_PART_REVIEW;
			}
			blank_seen = 0;
			if (!open) {
				v[n].first = i;
				v[n].npages = 0;
				v[n].sep_page = sep;
				v[n].flags = next_flags;
				n++;
				open = 1;
			}
			/* pages between first and i that were blank are not counted */
			v[n - 1].npages = i - v[n - 1].first + 1;
			break;
		default:
			sh_free(v);
			return sh_error_set(SH_EINVAL, "split: page %zu has an unknown kind %d", i, kinds[i]);
		}
	}
	*out = v;
	*nout = n;
	return SH_OK;
}
