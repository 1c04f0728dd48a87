/* S3 client by content address (sh_obj.h): requests, retries, multipart,
 * spool and read cache. */
#define _GNU_SOURCE
#include "sh_obj.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct sh_obj {
	CURL *curl;
	char *endpoint, *region, *bucket, *prefix, *access, *secret;
	char *sigv4;
	char *spool, *cache;
	uint64_t cache_limit, cache_bytes;
	int cache_scanned;
	uint64_t mp_threshold, part_size;
	int max_attempts;
	long timeout_ms, connect_ms, backoff_ms, backoff_max_ms;
	unsigned int seed;
	sh_obj_stats st;
};

/* One HTTP exchange. */
struct resp {
	long status;
	sh_buf body;
	size_t body_limit;
	char etag[128];
	char upload_id[256];
	uint64_t length;
	int have_length;
	int too_long; /* the body passed body_limit */
	CURLcode cc;
	char cerr[CURL_ERROR_SIZE];
};

static int g_curl_init;

static int mkdir_p(const char *dir)
{
	char *d = sh_strdup(dir);
	if (!d)
		return SH_ENOMEM;
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(d, 0700) != 0 && errno != EEXIST) {
			int e = errno;
			sh_free(d);
			return sh_error_set(SH_EIO, "cannot create folder %s: %s", dir, strerror(e));
		}
		*p = '/';
	}
	int rc = SH_OK;
	if (mkdir(d, 0700) != 0 && errno != EEXIST)
		rc = sh_error_set(SH_EIO, "cannot create folder %s: %s", dir, strerror(errno));
	sh_free(d);
	return rc;
}

static char *dup_or_null(const char *s, int *bad)
{
	if (!s)
		return NULL;
	char *d = sh_strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

static int read_cred_file(const char *path, char **acc, char **sec)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return sh_error_set(SH_EINVAL, "cannot read the credentials file %s (SOHOA_S3_CREDENTIALS): %s",
				    path, strerror(errno));
	char line[1024];
	int rc = SH_OK;
	while (rc == SH_OK && fgets(line, sizeof line, f)) {
		char *eq = strchr(line, '=');
		if (!eq || line[0] == '#' || line[0] == '[')
			continue;
		char *k = line, *v = eq + 1, *e = eq;
		while (e > k && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = 0;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\r\n")] = 0;
		for (size_t n = strlen(v); n && (v[n - 1] == ' ' || v[n - 1] == '\t'); n--)
			v[n - 1] = 0;
		char **dst = NULL;
		if (!strcmp(k, "access_key") || !strcmp(k, "aws_access_key_id"))
			dst = acc;
		else if (!strcmp(k, "secret_key") || !strcmp(k, "aws_secret_access_key"))
			dst = sec;
		if (dst) {
			sh_free(*dst);
			*dst = sh_strdup(v);
			if (!*dst)
				rc = SH_ENOMEM;
		}
	}
	fclose(f);
	if (rc == SH_OK && (!*acc || !*sec))
		rc = sh_error_set(SH_EINVAL, "the credentials file %s has no %s line", path,
				  !*acc ? "access_key" : "secret_key");
	return rc;
}

int sh_obj_config_env(sh_obj_config *cfg, char **strings)
{
	memset(cfg, 0, sizeof *cfg);
	*strings = NULL;
	cfg->endpoint = getenv("SOHOA_S3_ENDPOINT");
	if (!cfg->endpoint || !*cfg->endpoint)
		return sh_error_set(SH_EINVAL, "SOHOA_S3_ENDPOINT is not set (e.g. http://127.0.0.1:8080)");
	cfg->region = getenv("SOHOA_S3_REGION");
	if (!cfg->region || !*cfg->region)
		cfg->region = "us-east-1";
	cfg->access_key = getenv("SOHOA_S3_ACCESS_KEY");
	cfg->secret_key = getenv("SOHOA_S3_SECRET_KEY");
	if (cfg->access_key && cfg->secret_key)
		return SH_OK;
	const char *file = getenv("SOHOA_S3_CREDENTIALS");
	if (!file || !*file)
		return sh_error_set(SH_EINVAL, "SOHOA_S3_ACCESS_KEY and SOHOA_S3_SECRET_KEY are not set, "
				    "nor SOHOA_S3_CREDENTIALS (a credentials file)");
	char *acc = NULL, *sec = NULL;
	int rc = read_cred_file(file, &acc, &sec);
	if (rc == SH_OK) {
		/* one allocation holding both: "acc\0sec\0" */
		size_t la = strlen(acc), ls = strlen(sec);
		char *s = sh_malloc(la + ls + 2);
		if (!s) {
			rc = SH_ENOMEM;
		} else {
			memcpy(s, acc, la + 1);
			memcpy(s + la + 1, sec, ls + 1);
			cfg->access_key = s;
			cfg->secret_key = s + la + 1;
			*strings = s;
		}
	}
	sh_free(acc);
	sh_free(sec);
	return rc;
}

void sh_obj_close(sh_obj **op)
{
	if (!op || !*op)
		return;
	sh_obj *o = *op;
	if (o->curl)
		curl_easy_cleanup(o->curl);
	sh_free(o->endpoint);
	sh_free(o->region);
	sh_free(o->bucket);
	sh_free(o->prefix);
	sh_free(o->access);
	sh_free(o->secret);
	sh_free(o->sigv4);
	sh_free(o->spool);
	sh_free(o->cache);
	sh_free(o);
	*op = NULL;
}

static int bucket_ok(const char *b)
{
	size_t n = strlen(b);
	if (n < 3 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9') || b[i] == '-' || b[i] == '.'))
			return 0;
	return 1;
}

int sh_obj_open(sh_obj **out, const sh_obj_config *cfg)
{
	*out = NULL;
	if (!cfg->endpoint || strncmp(cfg->endpoint, "http", 4) != 0)
		return sh_error_set(SH_EINVAL, "object store endpoint %s: expected http://HOST:PORT or https://HOST",
				    cfg->endpoint ? cfg->endpoint : "(none)");
	if (!cfg->bucket || !bucket_ok(cfg->bucket))
		return sh_error_set(SH_EINVAL, "bucket name %s: 3 to 63 of a-z 0-9 . -",
				    cfg->bucket ? cfg->bucket : "(none)");
	if (!cfg->access_key || !cfg->secret_key || !*cfg->access_key)
		return sh_error_set(SH_EINVAL, "object store credentials missing (access key and secret key)");
	if (cfg->prefix && (strlen(cfg->prefix) > 128 || cfg->prefix[0] == '/' || strstr(cfg->prefix, "..") ||
			    strpbrk(cfg->prefix, "?#% \t\r\n")))
		return sh_error_set(SH_EINVAL, "object key prefix %s: at most 128 characters, no leading '/', "
				    "'..', spaces or ?#%%", cfg->prefix);
	if (cfg->multipart_threshold && cfg->part_size && cfg->part_size > cfg->multipart_threshold)
		return sh_error_set(SH_EINVAL, "part size above the multipart threshold");
	if (!g_curl_init) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return sh_error_set(SH_ERROR, "libcurl could not initialise");
		g_curl_init = 1;
	}
	sh_crypto_init();
	sh_obj *o = sh_calloc(1, sizeof *o);
	if (!o)
		return SH_ENOMEM;
	int bad = 0;
	o->endpoint = dup_or_null(cfg->endpoint, &bad);
	o->region = dup_or_null(cfg->region && *cfg->region ? cfg->region : "us-east-1", &bad);
	o->bucket = dup_or_null(cfg->bucket, &bad);
	o->prefix = dup_or_null(cfg->prefix && *cfg->prefix ? cfg->prefix : NULL, &bad);
	o->access = dup_or_null(cfg->access_key, &bad);
	o->secret = dup_or_null(cfg->secret_key, &bad);
	o->spool = dup_or_null(cfg->spool_dir, &bad);
	o->cache = dup_or_null(cfg->cache_dir, &bad);
	if (!bad && o->region) {
		o->sigv4 = sh_asprintf("aws:amz:%s:s3", o->region);
		bad = !o->sigv4;
	}
	if (bad) {
		sh_obj_close(&o);
		return SH_ENOMEM;
	}
	size_t el = strlen(o->endpoint);
	while (el > 0 && o->endpoint[el - 1] == '/')
		o->endpoint[--el] = 0;
	o->cache_limit = cfg->cache_limit ? cfg->cache_limit : (1ull << 30);
	o->mp_threshold = cfg->multipart_threshold ? cfg->multipart_threshold : SH_OBJ_MULTIPART_DEFAULT;
	o->part_size = cfg->part_size ? cfg->part_size : SH_OBJ_PART_DEFAULT;
	if (o->part_size > o->mp_threshold)
		o->part_size = o->mp_threshold;
	o->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 5;
	o->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000;
	o->connect_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 5000;
	o->backoff_ms = cfg->backoff_ms > 0 ? cfg->backoff_ms : 200;
	o->backoff_max_ms = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 5000;
	o->seed = (unsigned int)time(NULL) ^ ((unsigned int)getpid() << 16) ^ (unsigned int)(uintptr_t)o;
	int rc = SH_OK;
	if (o->spool)
		rc = mkdir_p(o->spool);
	if (rc == SH_OK && o->cache)
		rc = mkdir_p(o->cache);
	if (rc == SH_OK) {
		o->curl = curl_easy_init();
		if (!o->curl)
			rc = sh_error_set(SH_ENOMEM, "libcurl could not make a handle");
	}
	if (rc != SH_OK) {
		sh_obj_close(&o);
		return rc;
	}
	*out = o;
	return SH_OK;
}

void sh_obj_stats_get(const sh_obj *o, sh_obj_stats *out)
{
	*out = o->st;
}

int sh_obj_key(char *out, size_t n, const sh_obj *o, const uint8_t hash[SH_SHA256_LEN])
{
	char hex[2 * SH_SHA256_LEN + 1];
	sh_hex(hex, hash, SH_SHA256_LEN);
	int w = snprintf(out, n, "%s%ssha256/%.2s/%.2s/%s", o->prefix ? o->prefix : "", o->prefix ? "/" : "",
			 hex, hex + 2, hex);
	if (w < 0 || (size_t)w >= n)
		return sh_error_set(SH_ELIMIT, "object key longer than %zu bytes", n);
	return SH_OK;
}

/* ---- HTTP ---------------------------------------------------------------- */

static size_t on_body(char *p, size_t sz, size_t nm, void *arg)
{
	struct resp *r = arg;
	size_t n = sz * nm;
	if (r->body_limit && r->body.len + n > r->body_limit) {
		r->too_long = 1;
		return 0; /* aborts: CURLE_WRITE_ERROR */
	}
	if (sh_buf_put(&r->body, p, n) != SH_OK)
		return 0;
	return n;
}

static void header_value(char *dst, size_t cap, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

static size_t on_header(char *p, size_t sz, size_t nm, void *arg)
{
	struct resp *r = arg;
	size_t n = sz * nm;
	if (n > 5 && !strncasecmp(p, "ETag:", 5))
		header_value(r->etag, sizeof r->etag, p + 5, n - 5);
	return n;
}

static int transient(const struct resp *r)
{
	if (r->cc != CURLE_OK)
		return r->cc == CURLE_OPERATION_TIMEDOUT || r->cc == CURLE_COULDNT_CONNECT ||
		       r->cc == CURLE_COULDNT_RESOLVE_HOST || r->cc == CURLE_GOT_NOTHING ||
		       r->cc == CURLE_SEND_ERROR || r->cc == CURLE_RECV_ERROR || r->cc == CURLE_PARTIAL_FILE;
	return r->status >= 500 || r->status == 429;
}

static void backoff_sleep(sh_obj *o, int attempt)
{
	long cap = o->backoff_ms;
	for (int i = 0; i < attempt && cap < o->backoff_max_ms; i++)
		cap *= 2;
	if (cap > o->backoff_max_ms)
		cap = o->backoff_max_ms;
	/* full jitter in [cap/2, cap] */
	long ms = cap / 2 + (long)(rand_r(&o->seed) % (unsigned long)(cap / 2 + 1));
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The S3 error code in an XML error body ("SignatureDoesNotMatch"), or "". */
static void xml_tag(char *dst, size_t cap, const sh_buf *b, const char *tag)
{
	dst[0] = 0;
	if (!b->data)
		return;
	char open[64], close[64];
	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	const char *s = memmem(b->data, b->len, open, strlen(open));
	if (!s)
		return;
	s += strlen(open);
	const char *e = memmem(s, b->len - (size_t)(s - (const char *)b->data), close, strlen(close));
	if (!e)
		return;
	size_t n = (size_t)(e - s);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* One request with retries. method: "GET", "HEAD", "PUT", "POST", "DELETE".
 * path: "/KEY?query" relative to the bucket (or "" for the bucket itself).
 * body may be NULL (empty). r is filled (caller frees r->body). Returns
 * SH_OK when an HTTP answer came (any status): the caller judges r->status;
 * SH_EIO when every attempt failed transiently (message set). */
static int request(sh_obj *o, struct resp *r, const char *method, const char *path,
		   const void *body, size_t blen, size_t body_limit)
{
	uint8_t h[SH_SHA256_LEN];
	char hex[2 * SH_SHA256_LEN + 1], hdr[128];
	sh_sha256(h, body ? body : "", body ? blen : 0);
	sh_hex(hex, h, SH_SHA256_LEN);
	snprintf(hdr, sizeof hdr, "x-amz-content-sha256: %s", hex);
	char *url = sh_asprintf("%s/%s%s", o->endpoint, o->bucket, path);
	if (!url)
		return SH_ENOMEM;
	struct curl_slist *hl = NULL, *t;
	/* No "Header:" removals here: curl 7.88 signs them as empty headers
	 * the server never sees (SignatureDoesNotMatch). */
	const char *hs[] = {hdr, "Content-Type: application/octet-stream", NULL};
	for (int i = 0; hs[i]; i++) {
		t = curl_slist_append(hl, hs[i]);
		if (!t) {
			curl_slist_free_all(hl);
			sh_free(url);
			return sh_error_set(SH_ENOMEM, "out of memory");
		}
		hl = t;
	}
	int rc = SH_EIO;
	for (int attempt = 0; attempt < o->max_attempts; attempt++) {
		if (attempt) {
			o->st.retries++;
			backoff_sleep(o, attempt - 1);
		}
		sh_buf_free(&r->body);
		memset(r, 0, sizeof *r);
		r->body_limit = body_limit;
		CURL *c = o->curl;
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_AWS_SIGV4, o->sigv4);
		curl_easy_setopt(c, CURLOPT_USERNAME, o->access);
		curl_easy_setopt(c, CURLOPT_PASSWORD, o->secret);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_ms);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->cerr);
		if (!strcmp(method, "HEAD")) {
			curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		} else if (!strcmp(method, "PUT") || !strcmp(method, "POST")) {
			curl_easy_setopt(c, CURLOPT_POST, 1L);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? blen : 0));
			if (!strcmp(method, "PUT"))
				curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
		} else if (strcmp(method, "GET") != 0) {
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		}
		o->st.requests++;
		r->cc = curl_easy_perform(c);
		if (r->cc == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
			curl_off_t cl = -1;
			curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
			if (cl >= 0) {
				r->length = (uint64_t)cl;
				r->have_length = 1;
			}
		} else if (r->cc == CURLE_WRITE_ERROR) {
			rc = !r->too_long ? sh_error_set(SH_ENOMEM, "out of memory reading the object store's reply")
					  : sh_error_set(SH_ELIMIT, "object store reply to %s %s larger than %zu bytes",
					  method, path, body_limit);
			goto out;
		}
		if (!transient(r)) {
			if (r->cc != CURLE_OK) {
				rc = sh_error_set(SH_EIO, "object store %s: %s %s: %s", o->endpoint, method, path,
						  r->cerr[0] ? r->cerr : curl_easy_strerror(r->cc));
				goto out;
			}
			if (!strcmp(method, "PUT") || !strcmp(method, "POST"))
				o->st.bytes_up += blen;
			o->st.bytes_down += r->body.len;
			rc = SH_OK;
			goto out;
		}
	}
	if (r->cc != CURLE_OK)
		rc = sh_error_set(SH_EIO, "object store %s unavailable after %d attempts: %s %s: %s",
				  o->endpoint, o->max_attempts, method, path,
				  r->cerr[0] ? r->cerr : curl_easy_strerror(r->cc));
	else
		rc = sh_error_set(SH_EIO, "object store %s unavailable after %d attempts: %s %s: HTTP %ld",
				  o->endpoint, o->max_attempts, method, path, r->status);
out:
	curl_slist_free_all(hl);
	sh_free(url);
	return rc;
}

/* Translate a final non-2xx status into an error. */
static int status_error(sh_obj *o, const struct resp *r, const char *what)
{
	char code[96];
	xml_tag(code, sizeof code, &r->body, "Code");
	if (r->status == 403)
		return sh_error_set(SH_EPERM, "the object store refused the credentials (HTTP 403%s%s) for %s: "
				    "check SOHOA_S3_ACCESS_KEY / SOHOA_S3_SECRET_KEY and the bucket's owner",
				    code[0] ? " " : "", code, what);
	if (r->status == 404 && !strcmp(code, "NoSuchBucket"))
		return sh_error_set(SH_ENOTFOUND, "bucket %s does not exist in the object store at %s (%s): "
				    "create it first", o->bucket, o->endpoint, what);
	if (r->status == 404)
		return sh_error_set(SH_ENOTFOUND, "%s not found in the object store (bucket %s%s%s)", what,
				    o->bucket, code[0] ? ", " : "", code);
	return sh_error_set(SH_EIO, "object store answered HTTP %ld%s%s to %s", r->status,
			    code[0] ? " " : "", code, what);
}

static int obj_path(char *out, size_t n, const sh_obj *o, const uint8_t hash[SH_SHA256_LEN])
{
	out[0] = '/';
	return sh_obj_key(out + 1, n - 1, o, hash);
}

int sh_obj_bucket_create(sh_obj *o)
{
	struct resp r = {0};
	int rc = request(o, &r, "PUT", "", NULL, 0, 1 << 16);
	if (rc == SH_OK && r.status / 100 != 2) {
		char code[96];
		xml_tag(code, sizeof code, &r.body, "Code");
		if (r.status == 409 && !strcmp(code, "BucketAlreadyOwnedByYou"))
			rc = SH_OK;
		else
			rc = status_error(o, &r, "bucket creation");
	}
	sh_buf_free(&r.body);
	return rc;
}

int sh_obj_head(sh_obj *o, uint64_t *out_size, const uint8_t hash[SH_SHA256_LEN])
{
	char path[300], hex[2 * SH_SHA256_LEN + 1], what[100];
	int rc = obj_path(path, sizeof path, o, hash);
	if (rc != SH_OK)
		return rc;
	sh_hex(hex, hash, SH_SHA256_LEN);
	snprintf(what, sizeof what, "object sha256 %s", hex);
	struct resp r = {0};
	rc = request(o, &r, "HEAD", path, NULL, 0, 1 << 16);
	if (rc == SH_OK) {
		if (r.status / 100 == 2) {
			if (out_size)
				*out_size = r.length;
		} else {
			rc = status_error(o, &r, what);
		}
	}
	sh_buf_free(&r.body);
	return rc;
}

int sh_obj_delete(sh_obj *o, const uint8_t hash[SH_SHA256_LEN])
{
	char path[300], hex[2 * SH_SHA256_LEN + 1], what[100];
	int rc = obj_path(path, sizeof path, o, hash);
	if (rc != SH_OK)
		return rc;
	sh_hex(hex, hash, SH_SHA256_LEN);
	snprintf(what, sizeof what, "deleting object sha256 %s", hex);
	struct resp r = {0};
	rc = request(o, &r, "DELETE", path, NULL, 0, 1 << 16);
	if (rc == SH_OK && r.status / 100 != 2 && r.status != 404)
		rc = status_error(o, &r, what);
	sh_buf_free(&r.body);
	return rc;
}

/* ---- upload ---------------------------------------------------------------- */

static void pct_encode(char *out, size_t cap, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t j = 0;
	for (; *s && j + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.' || c == '~') {
			out[j++] = (char)c;
		} else {
			out[j++] = '%';
			out[j++] = hexd[c >> 4];
			out[j++] = hexd[c & 15];
		}
	}
	out[j] = 0;
}

static int put_multipart(sh_obj *o, const char *path, const char *what, const uint8_t *data, size_t len)
{
	struct resp r = {0};
	char *q = NULL;
	sh_buf done = SH_BUF_INIT;
	char uid[256], euid[800];
	q = sh_asprintf("%s?uploads=", path);
	if (!q)
		return SH_ENOMEM;
	int rc = request(o, &r, "POST", q, NULL, 0, 1 << 16);
	sh_free(q);
	q = NULL;
	if (rc != SH_OK)
		goto out;
	if (r.status / 100 != 2) {
		rc = status_error(o, &r, what);
		goto out;
	}
	xml_tag(uid, sizeof uid, &r.body, "UploadId");
	if (!uid[0]) {
		rc = sh_error_set(SH_EINVAL, "object store gave no UploadId for a multipart upload of %s", what);
		goto out;
	}
	pct_encode(euid, sizeof euid, uid);
	rc = sh_buf_puts(&done, "<CompleteMultipartUpload>");
	size_t nparts = (len + o->part_size - 1) / o->part_size;
	for (size_t i = 0; rc == SH_OK && i < nparts; i++) {
		size_t off = i * o->part_size;
		size_t n = len - off < o->part_size ? len - off : o->part_size;
		q = sh_asprintf("%s?partNumber=%zu&uploadId=%s", path, i + 1, euid);
		if (!q) {
			rc = SH_ENOMEM;
			break;
		}
		rc = request(o, &r, "PUT", q, data + off, n, 1 << 16);
		sh_free(q);
		q = NULL;
		if (rc == SH_OK && r.status / 100 != 2)
			rc = status_error(o, &r, what);
		if (rc == SH_OK && !r.etag[0])
			rc = sh_error_set(SH_EINVAL, "object store gave no ETag for part %zu of %s", i + 1, what);
		if (rc == SH_OK)
			rc = sh_buf_printf(&done, "<Part><PartNumber>%zu</PartNumber><ETag>%s</ETag></Part>", i + 1,
					   r.etag);
	}
	if (rc == SH_OK)
		rc = sh_buf_puts(&done, "</CompleteMultipartUpload>");
	if (rc == SH_OK) {
		q = sh_asprintf("%s?uploadId=%s", path, euid);
		if (!q)
			rc = SH_ENOMEM;
	}
	if (rc == SH_OK)
		rc = request(o, &r, "POST", q, done.data, done.len, 1 << 20);
	/* A 200 may still carry an <Error> (S3 sends it after a long assembly). */
	if (rc == SH_OK && (r.status / 100 != 2 || memmem(r.body.data ? (void *)r.body.data : (void *)"", r.body.len,
							      "<Error>", 7)))
		rc = status_error(o, &r, what);
	if (rc == SH_OK) {
		o->st.multipart_uploads++;
	} else {
		/* abort so no parts linger; the original error stays */
		char *msg = sh_strdup(sh_error_message());
		char *a = sh_asprintf("%s?uploadId=%s", path, euid);
		if (a) {
			struct resp ra = {0};
			int save = o->max_attempts;
			o->max_attempts = 1;
			(void)request(o, &ra, "DELETE", a, NULL, 0, 1 << 16);
			o->max_attempts = save;
			sh_buf_free(&ra.body);
			sh_free(a);
		}
		if (msg) {
			sh_error_set(rc, "%s", msg);
			sh_free(msg);
		}
	}
out:
	sh_free(q);
	sh_buf_free(&done);
	sh_buf_free(&r.body);
	return rc;
}

/* Upload to the store if it is not there with this size. */
static int store_put(sh_obj *o, int *where, const uint8_t hash[SH_SHA256_LEN], const uint8_t *data, size_t len)
{
	char path[300], hex[2 * SH_SHA256_LEN + 1], what[100];
	int rc = obj_path(path, sizeof path, o, hash);
	if (rc != SH_OK)
		return rc;
	sh_hex(hex, hash, SH_SHA256_LEN);
	snprintf(what, sizeof what, "object sha256 %s", hex);
	uint64_t size = 0;
	rc = sh_obj_head(o, &size, hash);
	if (rc == SH_OK && size == len) {
		*where = SH_OBJ_EXISTED;
		return SH_OK;
	}
	if (rc != SH_OK && rc != SH_ENOTFOUND)
		return rc;
	if (len > o->mp_threshold) {
		rc = put_multipart(o, path, what, data, len);
	} else {
		struct resp r = {0};
		rc = request(o, &r, "PUT", path, data, len, 1 << 16);
		if (rc == SH_OK && r.status / 100 != 2)
			rc = status_error(o, &r, what);
		sh_buf_free(&r.body);
	}
	if (rc == SH_OK)
		*where = SH_OBJ_STORED;
	return rc;
}

/* ---- local files (spool, cache) -------------------------------------------- */

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return sh_error_set(SH_EIO, "cannot open folder %s: %s", dir, strerror(errno));
	int rc = fsync(fd) == 0 ? SH_OK : sh_error_set(SH_EIO, "cannot sync folder %s: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

/* Write dir/name atomically (temporary file, optional fsync, rename). */
static int write_file(const char *dir, const char *name, const void *data, size_t len, int durable)
{
	char *tmp = sh_asprintf("%s/.tmp.%s.%ld", dir, name, (long)getpid());
	char *dst = sh_asprintf("%s/%s", dir, name);
	int rc = SH_OK, fd = -1;
	if (!tmp || !dst) {
		rc = SH_ENOMEM;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = sh_error_set(SH_EIO, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	const uint8_t *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = sh_error_set(errno == ENOSPC ? SH_EFULL : SH_EIO, "cannot write %s: %s", tmp,
					  strerror(errno));
			goto out;
		}
		p += w;
		left -= (size_t)w;
	}
	if (durable && fsync(fd) != 0) {
		rc = sh_error_set(SH_EIO, "cannot sync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = sh_error_set(SH_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, dst) != 0) {
		rc = sh_error_set(SH_EIO, "cannot rename %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (durable)
		rc = fsync_dir(dir);
out:
	if (fd >= 0)
		close(fd);
	if (rc != SH_OK && tmp)
		unlink(tmp);
	sh_free(tmp);
	sh_free(dst);
	return rc;
}

/* Read dir/name whole. SH_ENOTFOUND if absent. */
static int read_file(uint8_t **out, size_t *out_len, const char *dir, const char *name, int touch)
{
	*out = NULL;
	*out_len = 0;
	char *path = sh_asprintf("%s/%s", dir, name);
	if (!path)
		return SH_ENOMEM;
	int rc = SH_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	uint8_t *buf = NULL;
	if (fd < 0) {
		rc = errno == ENOENT ? SH_ENOTFOUND : sh_error_set(SH_EIO, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0) {
		rc = sh_error_set(SH_EIO, "cannot stat %s: %s", path, strerror(errno));
		goto out;
	}
	buf = sh_malloc((size_t)sb.st_size + 1);
	if (!buf) {
		rc = SH_ENOMEM;
		goto out;
	}
	size_t got = 0;
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = sh_error_set(SH_EIO, "cannot read %s: %s", path, n ? strerror(errno) : "short file");
			goto out;
		}
		got += (size_t)n;
	}
	if (touch) {
		/* LRU by access time, whatever the mount's atime policy */
		struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
		(void)futimens(fd, ts);
	}
	*out = buf;
	*out_len = got;
	buf = NULL;
out:
	if (fd >= 0)
		close(fd);
	sh_free(buf);
	sh_free(path);
	return rc;
}

static int is_hex_name(const char *n)
{
	if (strlen(n) != 2 * SH_SHA256_LEN)
		return 0;
	for (int i = 0; n[i]; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return 0;
	return 1;
}

struct centry {
	char name[2 * SH_SHA256_LEN + 1];
	struct timespec atime;
	uint64_t size;
};

static int centry_cmp(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;
	if (x->atime.tv_sec != y->atime.tv_sec)
		return x->atime.tv_sec < y->atime.tv_sec ? -1 : 1;
	if (x->atime.tv_nsec != y->atime.tv_nsec)
		return x->atime.tv_nsec < y->atime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Scan the cache; if evict, remove the least recently read files until the
 * total is at most the limit. Sets o->cache_bytes. */
static int cache_scan(sh_obj *o, int evict)
{
	DIR *d = opendir(o->cache);
	if (!d)
		return sh_error_set(SH_EIO, "cannot read the cache folder %s: %s", o->cache, strerror(errno));
	struct centry *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	int rc = SH_OK;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!is_hex_name(de->d_name))
			continue;
		struct stat sb;
		if (fstatat(dirfd(d), de->d_name, &sb, 0) != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct centry *nv = sh_realloc(v, nc * sizeof *v);
			if (!nv) {
				rc = SH_ENOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		memcpy(v[n].name, de->d_name, sizeof v[n].name);
		v[n].atime = sb.st_atim;
		v[n].size = (uint64_t)sb.st_size;
		total += v[n].size;
		n++;
	}
	if (rc == SH_OK && evict && total > o->cache_limit) {
		qsort(v, n, sizeof *v, centry_cmp);
		for (size_t i = 0; i < n && total > o->cache_limit; i++) {
			if (unlinkat(dirfd(d), v[i].name, 0) == 0) {
				total -= v[i].size;
				o->st.cache_evictions++;
			}
		}
	}
	closedir(d);
	sh_free(v);
	if (rc == SH_OK) {
		o->cache_bytes = total;
		o->cache_scanned = 1;
	}
	return rc;
}

static void cache_insert(sh_obj *o, const char *hex, const uint8_t *data, size_t len)
{
	if (!o->cache || len > o->cache_limit)
		return;
	/* The cache is best effort: a failure to cache is not the caller's failure. */
	if (!o->cache_scanned && cache_scan(o, 0) != SH_OK)
		goto out;
	if (write_file(o->cache, hex, data, len, 0) != SH_OK)
		goto out;
	o->cache_bytes += len;
	if (o->cache_bytes > o->cache_limit)
		(void)cache_scan(o, 1);
out:
	sh_error_clear();
}

/* ---- public operations -------------------------------------------------------- */

int sh_obj_put(sh_obj *o, uint8_t out_hash[SH_SHA256_LEN], int *out_where, const void *data, size_t len)
{
	uint8_t hash[SH_SHA256_LEN];
	char hex[2 * SH_SHA256_LEN + 1];
	int where = 0;
	sh_sha256(hash, data, len);
	sh_hex(hex, hash, SH_SHA256_LEN);
	if (out_hash)
		memcpy(out_hash, hash, SH_SHA256_LEN);
	int rc = store_put(o, &where, hash, data, len);
	if (rc == SH_EIO && o->spool) {
		char *why = sh_strdup(sh_error_message());
		rc = write_file(o->spool, hex, data, len, 1);
		if (rc == SH_OK)
			where = SH_OBJ_SPOOLED;
		else if (why)
			sh_error_wrap(rc, "(object store: %s) spool", why);
		sh_free(why);
	}
	if (rc == SH_OK && out_where)
		*out_where = where;
	return rc;
}

static int check_hash(const uint8_t *data, size_t len, const uint8_t hash[SH_SHA256_LEN])
{
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, data, len);
	return memcmp(h, hash, SH_SHA256_LEN) == 0;
}

int sh_obj_get(sh_obj *o, uint8_t **out, size_t *out_len, const uint8_t hash[SH_SHA256_LEN])
{
	char hex[2 * SH_SHA256_LEN + 1];
	sh_hex(hex, hash, SH_SHA256_LEN);
	*out = NULL;
	*out_len = 0;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;
	if (o->cache) {
		rc = read_file(&buf, &len, o->cache, hex, 1);
		if (rc == SH_OK && check_hash(buf, len, hash)) {
			o->st.cache_hits++;
			*out = buf;
			*out_len = len;
			return SH_OK;
		}
		if (rc == SH_OK) { /* damaged cache file: drop it, ask the store */
			char *p = sh_asprintf("%s/%s", o->cache, hex);
			if (p)
				unlink(p);
			sh_free(p);
			o->cache_scanned = 0;
		}
		sh_free(buf);
		buf = NULL;
		o->st.cache_misses++;
		sh_error_clear();
	}
	if (o->spool) {
		rc = read_file(&buf, &len, o->spool, hex, 0);
		if (rc == SH_OK && check_hash(buf, len, hash)) {
			*out = buf;
			*out_len = len;
			return SH_OK;
		}
		sh_free(buf);
		buf = NULL;
		if (rc != SH_OK && rc != SH_ENOTFOUND)
			return rc;
		sh_error_clear();
	}
	char path[300], what[100];
	rc = obj_path(path, sizeof path, o, hash);
	if (rc != SH_OK)
		return rc;
	snprintf(what, sizeof what, "object sha256 %s", hex);
	struct resp r = {0};
	rc = request(o, &r, "GET", path, NULL, 0, 0);
	if (rc == SH_OK && r.status / 100 != 2)
		rc = status_error(o, &r, what);
	if (rc == SH_OK && !check_hash(r.body.data ? r.body.data : (const uint8_t *)"", r.body.len, hash))
		rc = sh_error_set(SH_ECORRUPT, "object sha256 %s from the object store does not hash to its address "
				  "(%zu bytes read): damaged or replaced in the store", hex, r.body.len);
	if (rc == SH_OK) {
		if (!r.body.data) { /* empty object */
			r.body.data = sh_malloc(1);
			if (!r.body.data)
				rc = SH_ENOMEM;
		}
	}
	if (rc == SH_OK) {
		cache_insert(o, hex, r.body.data, r.body.len);
		*out_len = r.body.len;
		*out = r.body.data;
		r.body.data = NULL;
	}
	sh_buf_free(&r.body);
	return rc;
}

int sh_obj_spool_count(sh_obj *o, size_t *out)
{
	*out = 0;
	if (!o->spool)
		return SH_OK;
	DIR *d = opendir(o->spool);
	if (!d)
		return sh_error_set(SH_EIO, "cannot read the spool folder %s: %s", o->spool, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)))
		if (is_hex_name(de->d_name))
			(*out)++;
	closedir(d);
	return SH_OK;
}

int sh_obj_spool_drain(sh_obj *o, size_t *out_uploaded, size_t *out_left, size_t *out_bad)
{
	size_t up = 0, bad = 0, left = 0;
	int rc = SH_OK;
	if (o->spool) {
		DIR *d = opendir(o->spool);
		if (!d)
			return sh_error_set(SH_EIO, "cannot read the spool folder %s: %s", o->spool, strerror(errno));
		struct dirent *de;
		while (rc == SH_OK && (de = readdir(d))) {
			if (!is_hex_name(de->d_name))
				continue;
			uint8_t hash[SH_SHA256_LEN], *buf = NULL;
			size_t len = 0;
			int where = 0;
			sh_unhex(hash, de->d_name, SH_SHA256_LEN);
			rc = read_file(&buf, &len, o->spool, de->d_name, 0);
			if (rc == SH_ENOTFOUND) { /* drained by another process */
				rc = SH_OK;
				continue;
			}
			if (rc == SH_OK && !check_hash(buf, len, hash)) {
				char *from = sh_asprintf("%s/%s", o->spool, de->d_name);
				char *to = sh_asprintf("%s/%s.corrupt", o->spool, de->d_name);
				if (from && to)
					(void)rename(from, to);
				sh_free(from);
				sh_free(to);
				bad++;
			} else if (rc == SH_OK) {
				rc = store_put(o, &where, hash, buf, len);
				if (rc == SH_OK) {
					char *p = sh_asprintf("%s/%s", o->spool, de->d_name);
					if (!p)
						rc = SH_ENOMEM;
					else if (unlink(p) != 0)
						rc = sh_error_set(SH_EIO, "cannot remove %s: %s", p, strerror(errno));
					sh_free(p);
					if (rc == SH_OK)
						up++;
				}
			}
			sh_free(buf);
		}
		closedir(d);
		if (up)
			(void)fsync_dir(o->spool);
		int rc2 = sh_obj_spool_count(o, &left);
		if (rc == SH_OK)
			rc = rc2;
	}
	if (out_uploaded)
		*out_uploaded = up;
	if (out_left)
		*out_left = left;
	if (out_bad)
		*out_bad = bad;
	return rc;
}
