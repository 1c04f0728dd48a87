/* The command line as a client of the office server (sh_client.h). */
#define _GNU_SOURCE
#include "sh_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_MAX_ 2048

struct sh_client {
	CURL *h;
	char url[LINE_MAX_];
	char cookie[80];   /* "sohoa_session=<64 hex>" or "" */
	char csrf[80];
	char bearer[128];  /* "Authorization: Bearer <token>" or "" */
	char idem[96];     /* "Idempotency-Key: <key>" on uploads, or "" */
};

int sh_client_set_idempotency(sh_client *c, const char *key)
{
	c->idem[0] = 0;
	if (!key)
		return SH_OK;
	size_t l = strlen(key);
	if (!l || l > 64 ||
	    strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != l)
		return sh_error_set(SH_EINVAL, "an idempotency key is 1 to 64 of A-Z a-z 0-9 _ -");
	snprintf(c->idem, sizeof c->idem, "Idempotency-Key: %s", key);
	return SH_OK;
}

static int curl_ready(void)
{
	static int done;
	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return sh_error_set(SH_ERROR, "libcurl could not start");
		done = 1;
	}
	return SH_OK;
}

int sh_client_session_path(char **out)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	*out = x && *x ? sh_asprintf("%s/sohoa/session", x)
		       : sh_asprintf("%s/.config/sohoa/session", home ? home : ".");
	return *out ? SH_OK : SH_ENOMEM;
}

static int url_ok(const char *url)
{
	size_t l = url ? strlen(url) : 0;
	if (l < 8 || l >= LINE_MAX_ - 1 ||
	    (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) || strpbrk(url, " \r\n\t"))
		return sh_error_set(SH_EINVAL, "server '%.80s': give http(s)://HOST:PORT",
				    url ? url : "");
	return SH_OK;
}

static size_t on_data(char *p, size_t sz, size_t n, void *arg)
{
	return sh_buf_put(arg, p, sz * n) ? 0 : sz * n;
}

static int status_err(long st, const sh_buf *body)
{
	const char *msg = NULL;
	char tmp[512] = "";
	if (body->data) { /* {"error": "..."} */
		const char *e = strstr((const char *)body->data, "\"error\"");
		if (e && (e = strchr(e + 7, '"'))) {
			size_t i = 0;
			for (e++; *e && *e != '"' && i < sizeof tmp - 1; e++) {
				if (*e == '\\' && e[1])
					e++;
				tmp[i++] = *e;
			}
			tmp[i] = 0;
			msg = tmp;
		}
	}
	int rc = st == 400 || st == 415 || st == 422 ? SH_EINVAL
		 : st == 401 || st == 403 || st == 429 ? SH_EPERM
		 : st == 404 ? SH_ENOTFOUND : st == 409 ? SH_EEXISTS : st == 413 ? SH_ELIMIT
		 : st == 503 ? SH_EBUSY : st == 507 ? SH_EFULL : SH_EIO;
	return sh_error_set(rc, "server: %s (HTTP %ld)", msg && *msg ? msg : "request refused", st);
}

/* One request on handle h; headers added as given. */
static int perform(sh_client *c, const char *path, const char *json, curl_mime *mime,
		   long *status, sh_buf *body, char *set_cookie, size_t set_cookie_n)
{
	*status = 0;
	*body = (sh_buf)SH_BUF_INIT;
	char *full = sh_asprintf("%s%s", c->url, path);
	if (!full)
		return SH_ENOMEM;
	CURL *h = c->h;
	curl_easy_reset(h);
	struct curl_slist *hd = NULL;
	char line[256];
	if (c->bearer[0])
		hd = curl_slist_append(hd, c->bearer);
	if (c->cookie[0]) {
		snprintf(line, sizeof line, "Cookie: %s", c->cookie);
		hd = curl_slist_append(hd, line);
		if (c->csrf[0] && (json || mime)) {
			snprintf(line, sizeof line, "X-CSRF-Token: %s", c->csrf);
			hd = curl_slist_append(hd, line);
		}
	}
	if (json)
		hd = curl_slist_append(hd, "Content-Type: application/json");
	if (mime && c->idem[0])
		hd = curl_slist_append(hd, c->idem);
	hd = curl_slist_append(hd, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, full);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (getenv("SOHOA_CA_FILE"))
		curl_easy_setopt(h, CURLOPT_CAINFO, getenv("SOHOA_CA_FILE"));
	if (json) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	} else if (mime) {
		curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	}
	if (set_cookie) {
		set_cookie[0] = 0;
		curl_easy_setopt(h, CURLOPT_COOKIEFILE, ""); /* the engine, for the cookie */
	}
	CURLcode cc = curl_easy_perform(h);
	int rc = SH_OK;
	if (cc != CURLE_OK) {
		rc = sh_error_set(SH_EIO, "server %s: %s", c->url, curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		if (sh_buf_put(body, "", 1))
			rc = SH_ENOMEM;
		else
			body->len--;
		if (!rc && set_cookie) {
			struct curl_slist *ck = NULL;
			curl_easy_getinfo(h, CURLINFO_COOKIELIST, &ck);
			for (struct curl_slist *p = ck; p; p = p->next) {
				/* netscape format: the last two tab-separated fields */
				const char *t = strrchr(p->data, '\t');
				const char *n = t ? t - 1 : NULL;
				while (n && n > p->data && *n != '\t')
					n--;
				if (t && n && !strncmp(n + 1, "sohoa_session\t", 14))
					snprintf(set_cookie, set_cookie_n, "sohoa_session=%s", t + 1);
			}
			curl_slist_free_all(ck);
		}
		if (!rc && *status >= 400)
			rc = status_err(*status, body);
	}
	curl_slist_free_all(hd);
	sh_free(full);
	return rc;
}

static int client_new(sh_client **out, const char *url)
{
	*out = NULL;
	int rc = url_ok(url);
	if (!rc)
		rc = curl_ready();
	if (rc)
		return rc;
	sh_client *c = sh_calloc(1, sizeof *c);
	if (!c || !(c->h = curl_easy_init())) {
		sh_free(c);
		return SH_ENOMEM;
	}
	snprintf(c->url, sizeof c->url, "%s", url);
	size_t l = strlen(c->url);
	while (l && c->url[l - 1] == '/')
		c->url[--l] = 0;
	*out = c;
	return SH_OK;
}

void sh_client_free(sh_client **c)
{
	if (!c || !*c)
		return;
	if ((*c)->h)
		curl_easy_cleanup((*c)->h);
	memset(*c, 0, sizeof **c);
	sh_free(*c);
	*c = NULL;
}

int sh_client_is_station(const sh_client *c)
{
	return c && c->bearer[0];
}

static int json_str_field(const char *json, const char *key, char *out, size_t n)
{
	char pat[32];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *p = strstr(json, pat);
	if (!p || !(p = strchr(p + strlen(pat), '"')))
		return 0;
	size_t i = 0;
	for (p++; *p && *p != '"' && i < n - 1; p++)
		out[i++] = *p;
	out[i] = 0;
	return *p == '"';
}

int sh_client_login(const char *url, const char *user, const char *password, size_t len)
{
	sh_client *c = NULL;
	int rc = client_new(&c, url);
	if (rc)
		return rc;
	sh_buf req = SH_BUF_INIT, body = SH_BUF_INIT;
	/* the JSON body: user and password escaped */
	const char *vals[2] = {user, password};
	size_t lens[2] = {strlen(user), len};
	rc = sh_buf_puts(&req, "{");
	for (int k = 0; k < 2 && !rc; k++) {
		rc = sh_buf_puts(&req, k ? ",\"password\":\"" : "\"user\":\"");
		for (size_t i = 0; i < lens[k] && !rc; i++) {
			unsigned char ch = (unsigned char)vals[k][i];
			rc = ch == '"' || ch == '\\' ? sh_buf_printf(&req, "\\%c", ch)
			     : ch < 0x20 ? sh_buf_printf(&req, "\\u%04x", ch) : sh_buf_put(&req, &ch, 1);
		}
		if (!rc)
			rc = sh_buf_puts(&req, "\"");
	}
	if (!rc)
		rc = sh_buf_put(&req, "}", 2) ? SH_ENOMEM : SH_OK;
	long st = 0;
	char cookie[128] = "";
	if (!rc)
		rc = perform(c, "/api/v1/login", (const char *)req.data, NULL, &st, &body, cookie,
			     sizeof cookie);
	if (req.data)
		memset(req.data, 0, req.len);
	sh_buf_free(&req);
	char csrf[80] = "";
	if (!rc && (!cookie[0] || !json_str_field((const char *)body.data, "csrf", csrf, sizeof csrf)))
		rc = sh_error_set(SH_EIO, "server %s: the login answer has no session", url);
	sh_buf_free(&body);
	char *path = NULL, *tmp = NULL;
	if (!rc)
		rc = sh_client_session_path(&path);
	if (!rc) { /* the folder, then the file, 0600 through a temporary name */
		char *dir = sh_strdup(path);
		for (char *s = dir ? strchr(dir + 1, '/') : NULL; s; s = strchr(s + 1, '/')) {
			*s = 0;
			mkdir(dir, 0700);
			*s = '/';
		}
		sh_free(dir);
		tmp = sh_asprintf("%s.%d.tmp", path, (int)getpid());
		int fd = tmp ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f) {
			if (fd >= 0)
				close(fd);
			rc = sh_error_set(SH_EIO, "%s: %s", tmp ? tmp : path, strerror(errno));
		} else {
			int ok = fprintf(f, "%s\n%s\n%s\n", c->url, cookie, csrf) > 0;
			ok &= fclose(f) == 0;
			if (!ok || rename(tmp, path))
				rc = sh_error_set(SH_EIO, "%s: cannot save the session", path);
		}
		if (rc && tmp)
			unlink(tmp);
	}
	sh_free(tmp);
	sh_free(path);
	sh_client_free(&c);
	return rc;
}

int sh_client_open(sh_client **out, const char *url)
{
	*out = NULL;
	const char *tok = getenv("SOHOA_STATION_TOKEN");
	char saved[3][LINE_MAX_] = {{0}};
	char *path = NULL;
	int rc = sh_client_session_path(&path);
	if (rc)
		return rc;
	FILE *f = fopen(path, "r");
	for (int i = 0; f && i < 3; i++) {
		if (!fgets(saved[i], sizeof saved[i], f))
			break;
		saved[i][strcspn(saved[i], "\r\n")] = 0;
	}
	if (f)
		fclose(f);
	sh_free(path);
	if (!url)
		url = saved[0][0] ? saved[0] : NULL;
	if (!url)
		return sh_error_set(SH_ENOTFOUND, "which server? give --server URL (or SOHOA_SERVER) "
						  "and log in: sohoa login --server URL USER");
	if ((rc = client_new(out, url)))
		return rc;
	sh_client *c = *out;
	if (tok && *tok) {
		if (strlen(tok) != 64 || strspn(tok, "0123456789abcdef") != 64) {
			sh_client_free(out);
			return sh_error_set(SH_EINVAL, "SOHOA_STATION_TOKEN: 64 hex digits");
		}
		snprintf(c->bearer, sizeof c->bearer, "Authorization: Bearer %s", tok);
		return SH_OK;
	}
	char norm[LINE_MAX_];
	snprintf(norm, sizeof norm, "%s", saved[0]);
	size_t l = strlen(norm);
	while (l && norm[l - 1] == '/')
		norm[--l] = 0;
	if (strcmp(norm, c->url) || strncmp(saved[1], "sohoa_session=", 14) || !saved[2][0]) {
		sh_client_free(out);
		return sh_error_set(SH_EPERM, "not logged in to %s: sohoa login --server %s USER", url,
				    url);
	}
	snprintf(c->cookie, sizeof c->cookie, "%s", saved[1]);
	snprintf(c->csrf, sizeof c->csrf, "%s", saved[2]);
	return SH_OK;
}

int sh_client_logout(void)
{
	sh_client *c = NULL;
	int rc = sh_client_open(&c, NULL);
	long st;
	sh_buf b = SH_BUF_INIT;
	if (!rc && !c->bearer[0])
		perform(c, "/api/v1/logout", "{}", NULL, &st, &b, NULL, 0);
	sh_buf_free(&b);
	sh_client_free(&c);
	char *path = NULL;
	if (sh_client_session_path(&path) == SH_OK && unlink(path) && errno != ENOENT)
		rc = sh_error_set(SH_EIO, "%s: %s", path, strerror(errno));
	sh_free(path);
	return rc == SH_ENOTFOUND || rc == SH_EPERM ? SH_OK : rc;
}

int sh_client_get(sh_client *c, const char *path, long *status, sh_buf *body)
{
	return perform(c, path, NULL, NULL, status, body, NULL, 0);
}

int sh_client_post(sh_client *c, const char *path, const char *json, long *status, sh_buf *body)
{
	return perform(c, path, json ? json : "{}", NULL, status, body, NULL, 0);
}

int sh_client_upload(sh_client *c, const char *path, const char *const *fields, size_t nfields,
		     const char *const *files, size_t nfiles, long *status, sh_buf *body)
{
	curl_mime *m = curl_mime_init(c->h);
	if (!m)
		return SH_ENOMEM;
	int rc = SH_OK;
	for (size_t i = 0; i < nfields && !rc; i++) {
		curl_mimepart *p = curl_mime_addpart(m);
		if (!p || curl_mime_name(p, fields[2 * i]) ||
		    curl_mime_data(p, fields[2 * i + 1], CURL_ZERO_TERMINATED))
			rc = SH_ENOMEM;
	}
	for (size_t i = 0; i < nfiles && !rc; i++) {
		curl_mimepart *p = curl_mime_addpart(m);
		if (access(files[i], R_OK))
			rc = sh_error_set(SH_ENOTFOUND, "%s: %s", files[i], strerror(errno));
		else if (!p || curl_mime_name(p, "file") || curl_mime_filedata(p, files[i]))
			rc = sh_error_set(SH_EIO, "%s: cannot be read", files[i]);
	}
	if (!rc)
		rc = perform(c, path, NULL, m, status, body, NULL, 0);
	curl_mime_free(m);
	return rc;
}

int sh_client_escape(char **out, const char *s)
{
	sh_buf b = SH_BUF_INIT;
	int rc = SH_OK;
	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++)
		rc = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			     strchr("-._~", *p)
			     ? sh_buf_put(&b, p, 1)
			     : sh_buf_printf(&b, "%%%02X", *p);
	if (!rc)
		rc = sh_buf_put(&b, "", 1);
	*out = rc ? NULL : (char *)b.data;
	if (rc)
		sh_buf_free(&b);
	return rc ? SH_ENOMEM : SH_OK;
}

int sh_client_plain(const char *url, const void *body, size_t len, const char *content_type,
		    long *status, char *ctype_out, size_t ctype_n, sh_buf *resp)
{
	*status = 0;
	*resp = (sh_buf)SH_BUF_INIT;
	if (ctype_out && ctype_n)
		ctype_out[0] = 0;
	int rc = url_ok(url);
	if (!rc)
		rc = curl_ready();
	if (rc)
		return rc;
	CURL *h = curl_easy_init();
	if (!h)
		return SH_ENOMEM;
	struct curl_slist *hd = NULL;
	char line[128];
	if (body) {
		snprintf(line, sizeof line, "Content-Type: %s", content_type ? content_type : "text/plain");
		hd = curl_slist_append(hd, line);
	}
	hd = curl_slist_append(hd, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (getenv("SOHOA_CA_FILE"))
		curl_easy_setopt(h, CURLOPT_CAINFO, getenv("SOHOA_CA_FILE"));
	if (body) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	CURLcode cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		rc = sh_error_set(SH_EIO, "%s: %s", url, curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		char *ct = NULL;
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
		if (ct && ctype_out && ctype_n)
			snprintf(ctype_out, ctype_n, "%s", ct);
		if (sh_buf_put(resp, "", 1))
			rc = SH_ENOMEM;
		else
			resp->len--;
	}
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return rc;
}
