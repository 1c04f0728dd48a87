/* The line syntax shared by every signing/ text format (docs/SIGNING.md §2):
 * "name: value\n" lines, canonical numbers, lower-case hex, escaped values. */
#include "sign_int.h"

#include <string.h>

int sign_line_peek(const sign_lines *l, const char *want)
{
	size_t n = strlen(want);
	return (size_t)(l->end - l->p) >= n && !memcmp(l->p, want, n);
}

int sign_line_take(sign_lines *l, const char *want, int prefix, const char **name, size_t *nlen,
		   const char **val, size_t *vlen)
{
	if (l->p >= l->end)
		return sh_error_set(SH_EINVAL, "expected a '%s' line, found the end", want);
	const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!nl)
		return sh_error_set(SH_EINVAL, "last line does not end in a newline");
	const char *sep = NULL;
	for (const char *q = l->p; q + 1 < nl; q++)
		if (q[0] == ':' && q[1] == ' ') {
			sep = q;
			break;
		}
	size_t wl = strlen(want);
	size_t ln = sep ? (size_t)(sep - l->p) : 0;
	if (!sep || ln < wl || memcmp(l->p, want, wl) || (!prefix && ln != wl) || (prefix && ln == wl))
		return sh_error_set(SH_EINVAL, "expected a '%s' line, found '%.*s'", want,
				    (int)((nl - l->p) > 60 ? 60 : (nl - l->p)), l->p);
	if (name)
		*name = l->p;
	if (nlen)
		*nlen = ln;
	*val = sep + 2;
	*vlen = (size_t)(nl - (sep + 2));
	l->p = nl + 1;
	return SH_OK;
}

int sign_parse_u64(uint64_t *out, const char *s, size_t n, const char *what)
{
	uint64_t v = 0;
	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return sh_error_set(SH_EINVAL, "%s: '%.*s' is not a canonical number", what, (int)(n > 24 ? 24 : n), s);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return sh_error_set(SH_EINVAL, "%s: '%.*s' is not a number", what, (int)(n > 24 ? 24 : n), s);
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return sh_error_set(SH_EINVAL, "%s: number out of range", what);
		v = v * 10 + d;
	}
	*out = v;
	return SH_OK;
}

int sign_parse_i64(int64_t *out, const char *s, size_t n, const char *what)
{
	int neg = n > 0 && s[0] == '-';
	uint64_t v;
	int rc = sign_parse_u64(&v, s + neg, n - (size_t)neg, what);
	if (rc)
		return rc;
	if (neg ? (v == 0 || v > (uint64_t)INT64_MAX + 1) : v > (uint64_t)INT64_MAX)
		return sh_error_set(SH_EINVAL, "%s: number out of range", what);
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return SH_OK;
}

int sign_parse_hex(uint8_t *out, size_t n, const char *s, size_t len, const char *what)
{
	if (len != 2 * n)
		return sh_error_set(SH_EINVAL, "%s: expected %zu hex digits, found %zu", what, 2 * n, len);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0)
			return sh_error_set(SH_EINVAL, "%s: '%c' is not a lower-case hex digit", what, c);
		if (i % 2)
			out[i / 2] = (uint8_t)(out[i / 2] | v);
		else
			out[i / 2] = (uint8_t)(v << 4);
	}
	return SH_OK;
}

/* Unescape s[0..n) into out (room for n bytes + NUL); *out_len set. The
 * escaping is canonical: only the escapes sign_escape writes are accepted. */
static int unescape(char *out, size_t *out_len, const char *s, size_t n, const char *what)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return sh_error_set(SH_EINVAL, "%s: raw control character 0x%02x", what, c);
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		if (i + 1 >= n)
			return sh_error_set(SH_EINVAL, "%s: value ends in a lone backslash", what);
		char e = s[++i];
		if (e == '\\')
			out[o++] = '\\';
		else if (e == 'n')
			out[o++] = '\n';
		else if (e == 'r')
			out[o++] = '\r';
		else if (e == 't')
			out[o++] = '\t';
		else if (e == 'x') {
			uint8_t b = 0;
			if (i + 2 >= n || sign_parse_hex(&b, 1, s + i + 1, 2, what))
				return sh_error_set(SH_EINVAL, "%s: bad \\x escape", what);
			if (b == 0 || !(b < 0x20 || b == 0x7f) || b == '\n' || b == '\r' || b == '\t')
				return sh_error_set(SH_EINVAL, "%s: non-canonical \\x%02x escape", what, b);
			out[o++] = (char)b;
			i += 2;
		} else
			return sh_error_set(SH_EINVAL, "%s: unknown escape '\\%c'", what, e);
	}
	out[o] = 0;
	*out_len = o;
	if (!sh_text_valid(out, o))
		return sh_error_set(SH_EINVAL, "%s: not valid UTF-8", what);
	return SH_OK;
}

int sign_unescape(char **out, const char *s, size_t n, const char *what)
{
	size_t len = 0;
	*out = NULL;
	if (n > SH_SIGN_VALUE_MAX * 4)
		return sh_error_set(SH_ELIMIT, "%s: value longer than %d bytes", what, SH_SIGN_VALUE_MAX);
	char *b = sh_malloc(n + 1);
	if (!b)
		return SH_ENOMEM;
	int rc = unescape(b, &len, s, n, what);
	if (!rc && len > SH_SIGN_VALUE_MAX)
		rc = sh_error_set(SH_ELIMIT, "%s: value longer than %d bytes", what, SH_SIGN_VALUE_MAX);
	if (rc) {
		sh_free(b);
		return rc;
	}
	*out = b;
	return SH_OK;
}

int sign_unescape_fixed(char *out, size_t cap, const char *s, size_t n, const char *what)
{
	char *v = NULL;
	int rc = sign_unescape(&v, s, n, what);
	if (rc)
		return rc;
	size_t len = strlen(v);
	if (len + 1 > cap)
		rc = sh_error_set(SH_ELIMIT, "%s: longer than %zu bytes", what, cap - 1);
	else
		memcpy(out, v, len + 1);
	sh_free(v);
	return rc;
}

int sign_escape(sh_buf *b, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	const char *run = s;
	int rc = SH_OK;
	for (; *s && !rc; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f && c != '\\')
			continue;
		rc = sh_buf_put(b, run, (size_t)(s - run));
		char e[4] = {'\\', 0, 0, 0};
		size_t n = 2;
		switch (c) {
		case '\\': e[1] = '\\'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'x';
			e[2] = hx[c >> 4];
			e[3] = hx[c & 15];
			n = 4;
		}
		if (!rc)
			rc = sh_buf_put(b, e, n);
		run = s + 1;
	}
	if (!rc)
		rc = sh_buf_put(b, run, (size_t)(s - run));
	return rc;
}

int sign_check_text(const char *s, size_t max, int allow_empty, const char *what)
{
	if (!s)
		return sh_error_set(SH_EINVAL, "%s is missing", what);
	size_t n = strlen(s);
	if (!n && !allow_empty)
		return sh_error_set(SH_EINVAL, "%s is empty", what);
	if (n > max)
		return sh_error_set(SH_ELIMIT, "%s is longer than %zu bytes", what, max);
	if (!sh_text_valid(s, n))
		return sh_error_set(SH_EINVAL, "%s is not valid UTF-8", what);
	return SH_OK;
}

int sign_put_hex(sh_buf *b, const char *name, const uint8_t *bytes, size_t n)
{
	char hex[2 * 64 + 1];
	if (n > 64)
		return sh_error_set(SH_ERROR, "sign_put_hex: %zu bytes", n);
	sh_hex(hex, bytes, n);
	return sh_buf_printf(b, "%s: %s\n", name, hex);
}

#define SIG_LINE "signature: "
#define SIG_LINE_LEN (sizeof SIG_LINE - 1 + 2 * SH_SIGN_SIG_LEN + 1)

int sign_doc_split(size_t *body_len, uint8_t sig[SH_SIGN_SIG_LEN], const void *doc, size_t len)
{
	const char *d = doc;
	if (!doc || len < SIG_LINE_LEN + 1)
		return sh_error_set(SH_EINVAL, "document too short to be signed");
	if (len > SH_SIGN_DOC_MAX)
		return sh_error_set(SH_ELIMIT, "document of %zu bytes is over the %u-byte limit", len,
				    SH_SIGN_DOC_MAX);
	const char *line = d + len - SIG_LINE_LEN;
	if (line[-1] != '\n' || memcmp(line, SIG_LINE, sizeof SIG_LINE - 1) || d[len - 1] != '\n')
		return sh_error_set(SH_EINVAL, "document does not end in a 'signature:' line");
	int rc = sign_parse_hex(sig, SH_SIGN_SIG_LEN, line + sizeof SIG_LINE - 1, 2 * SH_SIGN_SIG_LEN,
				"signature");
	if (rc)
		return rc;
	*body_len = (size_t)(line - d);
	return SH_OK;
}

int sign_doc_seal(sh_buf *b, size_t start, const sh_sign_key *key)
{
	uint8_t sig[SH_SIGN_SIG_LEN];
	int rc = sh_sign_sign(sig, key, b->data + start, b->len - start);
	if (!rc)
		rc = sign_put_hex(b, "signature", sig, sizeof sig);
	return rc;
}
