/* Faults in a page of an office's log (replica/parse.c): every prefix of a
 * real page, every byte changed, fields of the wrong type or size, and every
 * allocation made to fail in turn (and the same for a province's answer for
 * one paper, sh_repl_remote_parse): each is refused with SH_EINVAL (or
 * SH_ENOMEM) or parses to a consistent page, never a crash or a leak. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh_repl.h"

static int fails;
#define CHECK(c, ...)                                                                             \
	do {                                                                                      \
		if (!(c)) {                                                                       \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                      \
			fprintf(stderr, __VA_ARGS__);                                             \
			fputc('\n', stderr);                                                      \
			fails++;                                                                  \
		}                                                                                 \
	} while (0)

static int parse(const char *s, size_t len)
{
	sh_repl_page *p = NULL;
	int rc = sh_repl_page_parse(&p, s, len);
	if (rc == SH_OK) {
		CHECK(p && (!p->size || p->n == p->size - p->from), "inconsistent page");
		sh_repl_page_free(&p);
	} else {
		CHECK(!p, "a page returned with an error");
		CHECK(rc == SH_EINVAL || rc == SH_ENOMEM, "rc %d: %s", rc, sh_error_message());
	}
	return rc;
}

static char *slurp(const char *path, size_t *len)
{
	uint8_t *b = NULL;
	if (sh_file_read(&b, len, path, 1u << 24)) {
		fprintf(stderr, "%s\n", sh_error_message());
		exit(1);
	}
	return (char *)b;
}

static void replace(const char *page, size_t len, const char *from, const char *to, int want)
{
	const char *at = strstr(page, from);
	CHECK(at, "seed lacks %s", from);
	if (!at)
		return;
	size_t fl = strlen(from), tl = strlen(to);
	char *b = malloc(len - fl + tl + 1);
	size_t k = (size_t)(at - page);
	memcpy(b, page, k);
	memcpy(b + k, to, tl);
	memcpy(b + k + tl, at + fl, len - k - fl);
	int rc = parse(b, len - fl + tl);
	CHECK(rc == want, "%s -> %s: %d, want %d (%s)", from, to, rc, want, sh_error_message());
	free(b);
}

/* The province's answer for one paper (sh_repl_remote_parse). */
static int rparse(const char *s, size_t len)
{
	sh_repl_remote *r = NULL;
	int rc = sh_repl_remote_parse(&r, s, len);
	if (rc == SH_OK) {
		CHECK(r && (strcmp(r->status, "valid") || (r->entry.paper && r->entry.index < r->size)),
		      "inconsistent answer");
		sh_repl_remote_free(&r);
	} else {
		CHECK(!r, "an answer returned with an error");
		CHECK(rc == SH_EINVAL || rc == SH_ENOMEM, "rc %d: %s", rc, sh_error_message());
	}
	return rc;
}

static void rreplace(const char *a, size_t len, const char *from, const char *to, int want)
{
	const char *at = strstr(a, from);
	CHECK(at, "seed lacks %s", from);
	if (!at)
		return;
	size_t fl = strlen(from), tl = strlen(to), k = (size_t)(at - a);
	char *b = malloc(len - fl + tl + 1);
	memcpy(b, a, k);
	memcpy(b + k, to, tl);
	memcpy(b + k + tl, at + fl, len - k - fl);
	int rc = rparse(b, len - fl + tl);
	CHECK(rc == want, "%s -> %s: %d, want %d (%s)", from, to, rc, want, sh_error_message());
	free(b);
}

static void remote_faults(void)
{
	size_t len;
	char *a = slurp(SOHOA_SOURCE_DIR "/tests/fuzz/corpus/repaper/answer-valid.json", &len);
	CHECK(rparse(a, len) == SH_OK, "the seed answer: %s", sh_error_message());
	for (size_t n = 0; n < len; n++) /* every prefix */
		CHECK(rparse(a, n) == SH_EINVAL, "prefix of %zu bytes parsed", n);
	char *b = malloc(len);
	for (size_t i = 0; i < len; i++)
		for (int d = 1; d < 256; d += 84) {
			memcpy(b, a, len);
			b[i] = (char)(b[i] + d);
			rparse(b, len);
		}
	free(b);
	rreplace(a, len, "\"size\":4", "\"size\":0", SH_EINVAL);   /* entry past the checkpoint */
	rreplace(a, len, "\"index\":0", "\"index\":-1", SH_EINVAL);
	rreplace(a, len, "\"agency\":\"000.00.91.T91\"", "\"agency\":\"../x\"", SH_EINVAL);
	rreplace(a, len, "\"proof\":[", "\"proof\":[\"00\",", SH_EINVAL);
	rreplace(a, len, "\"paper\":{", "\"paper\":[],\"x\":{", SH_EINVAL);
	rreplace(a, len, "\"status\":\"valid\"", "\"status\":\"revoked\"", SH_OK);
	CHECK(rparse("{\"code\":\"x\"}", 12) == SH_EINVAL, "an answer without agency");
	long live = sh_alloc_live();
	for (long k = 1; k < 400; k++) {
		sh_alloc_fail_at(k, 0);
		int rc = rparse(a, len);
		sh_alloc_fail_at(0, 0);
		if (rc == SH_OK)
			break;
		CHECK(rc == SH_ENOMEM || rc == SH_EINVAL, "allocation %ld: %d", k, rc);
	}
	CHECK(sh_alloc_live() == live, "%ld allocations leaked", sh_alloc_live() - live);
	sh_free(a);
}

int main(void)
{
	remote_faults();
	size_t len;
	char *page = slurp(SOHOA_SOURCE_DIR "/tests/fuzz/corpus/replica/page-from5.json", &len);
	CHECK(parse(page, len) == SH_OK, "the seed page: %s", sh_error_message());
	for (size_t n = 0; n < len; n++) /* every prefix */
		CHECK(parse(page, n) == SH_EINVAL, "prefix of %zu bytes parsed", n);
	char *b = malloc(len);
	for (size_t i = 0; i < len; i++) /* every byte changed */
		for (int d = 1; d < 256; d += 84) {
			memcpy(b, page, len);
			b[i] = (char)(b[i] + d);
			parse(b, len);
		}
	free(b);
	/* fields of the wrong form */
	replace(page, len, "\"from\":5", "\"from\":-5", SH_EINVAL);
	replace(page, len, "\"from\":5", "\"from\":\"5\"", SH_EINVAL);
	replace(page, len, "\"from\":5", "\"from\":4", SH_EINVAL);     /* entries do not lead */
	replace(page, len, "\"index\":6", "\"index\":7", SH_EINVAL);   /* out of order */
	replace(page, len, "\"mime\":\"image/png\"", "\"mime\":\"text/html\"", SH_EINVAL);
	replace(page, len, "\"sha256\":\"", "\"sha256\":\"zz", SH_EINVAL);
	replace(page, len, "\"agency\":\"000.00.97.Z97\"", "\"agency\":\"../../etc\"", SH_EINVAL);
	replace(page, len, "\"width\":2480", "\"width\":99999999999", SH_EINVAL);
	replace(page, len, "\"proof\":[", "\"proof\":[\"00\",", SH_EINVAL);
	replace(page, len, "\"pages\":[", "\"pages\":[],\"x\":[", SH_EINVAL);
	replace(page, len, "\"text\":\"", "\"text\":\"\\u0000", SH_EINVAL);
	CHECK(parse("{\"agency\":\"000.00.97.Z97\",\"agency\":\"000.00.97.Z97\"}", 53) == SH_EINVAL,
	      "duplicate keys");
	CHECK(parse("[]", 2) == SH_EINVAL, "an array");
	/* every allocation made to fail in turn: SH_ENOMEM or SH_OK, no leak */
	long live = sh_alloc_live();
	for (long k = 1; k < 400; k++) {
		sh_alloc_fail_at(k, 0);
		int rc = parse(page, len);
		sh_alloc_fail_at(0, 0);
		if (rc == SH_OK)
			break;
		CHECK(rc == SH_ENOMEM || rc == SH_EINVAL, "allocation %ld: %d", k, rc);
	}
	CHECK(sh_alloc_live() == live, "%ld allocations leaked", sh_alloc_live() - live);
	sh_free(page);
	printf("%s\n", fails ? "FAILED" : "ok");
	return fails != 0;
}
