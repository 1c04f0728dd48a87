/* What arrives from the network, parsed strictly: URL paths and query
 * values (percent-decoding) and multipart/form-data bodies (RFC 7578). The
 * body is already in memory, bounded by the server's upload limit. */
#include "sh_srv.h"

#include <string.h>
#include <strings.h>

#define PATH_MAX_BYTES 2048
#define PATH_MAX_SEGS 16
#define HDR_LINE_MAX 1024

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Percent-decode raw[0..len) into a new string, refusing NUL, control
 * bytes, bad escapes and text that is not UTF-8. plus: '+' is a space. */
static int decode(char **out, const char *raw, size_t len, int plus)
{
	*out = NULL;
	char *d = sh_malloc(len + 1);
	if (!d)
		return SH_ENOMEM;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c == '%') {
			int a = i + 1 < len ? hexval(raw[i + 1]) : -1;
			int b = i + 2 < len ? hexval(raw[i + 2]) : -1;
			if (a < 0 || b < 0) {
				sh_free(d);
				return sh_error_set(SH_EINVAL, "a bad %%-escape in the URL");
			}
			int h = a * 16 + b;
			c = (unsigned char)h;
			i += 2;
		} else if (plus && c == '+') {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f) {
			sh_free(d);
			return sh_error_set(SH_EINVAL, "a NUL or control character in the URL");
		}
		d[o++] = (char)c;
	}
	d[o] = 0;
	if (!sh_text_valid(d, o)) {
		sh_free(d);
		return sh_error_set(SH_EINVAL, "the URL is not UTF-8");
	}
	*out = d;
	return SH_OK;
}

int sh_srv_query_decode(char **out, const char *raw, size_t len)
{
	if (len > PATH_MAX_BYTES)
		return sh_error_set(SH_EINVAL, "a query value over %d bytes", PATH_MAX_BYTES);
	return decode(out, raw, len, 1);
}

void sh_srv_path_free(char ***segs, size_t n)
{
	if (!segs || !*segs)
		return;
	for (size_t i = 0; i < n; i++)
		sh_free((*segs)[i]);
	sh_free(*segs);
	*segs = NULL;
}

int sh_srv_path_split(const char *raw, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t len = strcspn(raw, "?");
	if (len > PATH_MAX_BYTES)
		return sh_error_set(SH_EINVAL, "a path over %d bytes", PATH_MAX_BYTES);
	if (len == 0 || raw[0] != '/')
		return sh_error_set(SH_EINVAL, "a path must start with /");
	char **segs = sh_calloc(PATH_MAX_SEGS, sizeof *segs);
	if (!segs)
		return SH_ENOMEM;
	size_t k = 0, i = 1;
	int rc = SH_OK;
	while (i < len) {
		size_t j = i;
		while (j < len && raw[j] != '/')
			j++;
		if (j == i) { /* "//" */
			rc = sh_error_set(SH_EINVAL, "an empty path segment");
			break;
		}
		if (k == PATH_MAX_SEGS) {
			rc = sh_error_set(SH_EINVAL, "a path of more than %d segments", PATH_MAX_SEGS);
			break;
		}
		if ((rc = decode(&segs[k], raw + i, j - i, 0)))
			break;
		const char *s = segs[k++];
		if (!strcmp(s, ".") || !strcmp(s, "..") || strchr(s, '/') || strchr(s, '\\')) {
			rc = sh_error_set(SH_EINVAL, "a path may not hold '.', '..' or an encoded "
						     "slash");
			break;
		}
		i = j + 1; /* a trailing '/' ends the loop */
	}
	if (rc) {
		sh_srv_path_free(&segs, k);
		return rc;
	}
	*out = segs;
	*n = k;
	return SH_OK;
}

/* ---- multipart/form-data -------------------------------------------------- */

void sh_srv_parts_free(sh_srv_part **parts, size_t n)
{
	if (!parts || !*parts)
		return;
	for (size_t i = 0; i < n; i++) {
		sh_free((*parts)[i].name);
		sh_free((*parts)[i].filename);
		sh_free((*parts)[i].content_type);
	}
	sh_free(*parts);
	*parts = NULL;
}

/* A parameter's value in a header (boundary=..., name="...", filename="..."):
 * quoted (backslash escapes) or a token. NULL when absent. */
static int param(char **out, const char *h, size_t hlen, const char *want)
{
	*out = NULL;
	size_t wl = strlen(want);
	for (size_t i = 0; i < hlen; i++) {
		if (h[i] != ';')
			continue;
		size_t j = i + 1;
		while (j < hlen && (h[j] == ' ' || h[j] == '\t'))
			j++;
		if (hlen - j <= wl || strncasecmp(h + j, want, wl) || h[j + wl] != '=')
			continue;
		j += wl + 1;
		sh_buf b = SH_BUF_INIT;
		if (j < hlen && h[j] == '"') {
			for (j++; j < hlen && h[j] != '"'; j++) {
				if (h[j] == '\\' && j + 1 < hlen)
					j++;
				if (sh_buf_put(&b, h + j, 1))
					return SH_ENOMEM;
			}
			if (j >= hlen) {
				sh_buf_free(&b);
				return sh_error_set(SH_EINVAL, "an unterminated quoted %s", want);
			}
		} else {
			size_t k = j;
			while (k < hlen && h[k] != ';' && h[k] != ' ' && h[k] != '\t')
				k++;
			if (sh_buf_put(&b, h + j, k - j))
				return SH_ENOMEM;
		}
		if (sh_buf_put(&b, "", 1)) { /* a NUL even when empty */
			sh_buf_free(&b);
			return SH_ENOMEM;
		}
		*out = (char *)b.data;
		return SH_OK;
	}
	return SH_OK;
}

static const uint8_t *find(const uint8_t *h, size_t hl, const uint8_t *n, size_t nl)
{
	if (nl == 0 || hl < nl)
		return NULL;
	for (const uint8_t *p = h; (p = memchr(p, n[0], (size_t)(h + hl - p) - nl + 1)); p++)
		if (!memcmp(p, n, nl))
			return p;
	return NULL;
}

/* Parse one part's headers [h, end): Content-Disposition form-data with a
 * name, optional filename and Content-Type. */
static int part_headers(sh_srv_part *p, const uint8_t *h, const uint8_t *end)
{
	int disp = 0, rc;
	while (h < end) {
		const uint8_t *eol = find(h, (size_t)(end - h), (const uint8_t *)"\r\n", 2);
		size_t ll = eol ? (size_t)(eol - h) : (size_t)(end - h);
		if (ll > HDR_LINE_MAX)
			return sh_error_set(SH_EINVAL, "a part header over %d bytes", HDR_LINE_MAX);
		const char *l = (const char *)h;
		for (size_t i = 0; i < ll; i++)
			if ((unsigned char)l[i] < 0x20 && l[i] != '\t')
				return sh_error_set(SH_EINVAL, "a control byte in a part header");
		if (ll > 20 && !strncasecmp(l, "content-disposition:", 20)) {
			size_t i = 20;
			while (i < ll && (l[i] == ' ' || l[i] == '\t'))
				i++;
			if (ll - i < 9 || strncasecmp(l + i, "form-data", 9))
				return sh_error_set(SH_EINVAL, "a part that is not form-data");
			if (disp++)
				return sh_error_set(SH_EINVAL, "a part with two Content-Disposition");
			if ((rc = param(&p->name, l + i + 9, ll - i - 9, "name")) ||
			    (rc = param(&p->filename, l + i + 9, ll - i - 9, "filename")))
				return rc;
		} else if (ll > 13 && !strncasecmp(l, "content-type:", 13)) {
			size_t i = 13;
			while (i < ll && (l[i] == ' ' || l[i] == '\t'))
				i++;
			sh_free(p->content_type);
			if (!(p->content_type = sh_strndup(l + i, ll - i)))
				return SH_ENOMEM;
		} else if (ll && !memchr(l, ':', ll)) {
			return sh_error_set(SH_EINVAL, "a part header line without ':'");
		}
		h = eol ? eol + 2 : end;
	}
	if (!p->name || !*p->name)
		return sh_error_set(SH_EINVAL, "a part without a field name");
	if (!sh_text_valid(p->name, strlen(p->name)) ||
	    (p->filename && !sh_text_valid(p->filename, strlen(p->filename))))
		return sh_error_set(SH_EINVAL, "a part name that is not UTF-8");
	return SH_OK;
}

int sh_srv_multipart_parse(const char *ctype, const uint8_t *body, size_t len, sh_srv_part **out,
			   size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!ctype || strncasecmp(ctype, "multipart/form-data", 19))
		return sh_error_set(SH_EINVAL, "the body must be multipart/form-data");
	char *bnd = NULL;
	size_t cl = strlen(ctype);
	int rc = param(&bnd, ctype + 19, cl - 19, "boundary");
	if (rc)
		return rc;
	size_t bl = bnd ? strlen(bnd) : 0;
	if (!bl || bl > 70) {
		sh_free(bnd);
		return sh_error_set(SH_EINVAL, "multipart/form-data without a boundary of 1 to 70 "
					       "characters");
	}
	/* delimiter "\r\n--boundary"; the first may start the body */
	uint8_t delim[76];
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, bnd, bl);
	sh_free(bnd);
	size_t dl = bl + 4;
	const uint8_t *p, *end = body + len;
	if (len >= dl - 2 && !memcmp(body, delim + 2, dl - 2))
		p = body + dl - 2;
	else if ((p = find(body, len, delim, dl)))
		p += dl;
	else
		return sh_error_set(SH_EINVAL, "multipart body without its boundary");
	sh_srv_part *parts = NULL;
	size_t k = 0;
	for (;;) {
		/* after a delimiter: "--" closes, else optional blanks and CRLF */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			rc = sh_error_set(SH_EINVAL, "multipart body cut short or malformed");
			goto fail;
		}
		p += 2;
		const uint8_t *hend = find(p, (size_t)(end - p), (const uint8_t *)"\r\n\r\n", 4);
		const uint8_t *hend0 = end - p >= 2 && p[0] == '\r' && p[1] == '\n' ? p : NULL;
		if (!hend && !hend0) {
			rc = sh_error_set(SH_EINVAL, "a part's headers do not end");
			goto fail;
		}
		if (k == SH_SRV_PARTS_MAX) {
			rc = sh_error_set(SH_EINVAL, "more than %d parts", SH_SRV_PARTS_MAX);
			goto fail;
		}
		sh_srv_part *np = sh_realloc(parts, (k + 1) * sizeof *np);
		if (!np) {
			rc = SH_ENOMEM;
			goto fail;
		}
		parts = np;
		memset(&parts[k], 0, sizeof parts[k]);
		k++;
		const uint8_t *data;
		if (hend0) { /* no headers at all */
			rc = part_headers(&parts[k - 1], p, p);
			data = p + 2;
		} else {
			rc = part_headers(&parts[k - 1], p, hend);
			data = hend + 4;
		}
		if (rc)
			goto fail;
		const uint8_t *next = find(data, (size_t)(end - data), delim, dl);
		if (!next) {
			rc = sh_error_set(SH_EINVAL, "multipart body without its closing boundary");
			goto fail;
		}
		parts[k - 1].data = data;
		parts[k - 1].len = (size_t)(next - data);
		p = next + dl;
	}
	*out = parts;
	*n = k;
	return SH_OK;
fail:
	sh_srv_parts_free(&parts, k);
	return rc;
}
