/* The replication routes under /api/v1/replica/ (docs/REPLICATION.md):
 * what a province's `sohoa replicate` pulls from this office. Read-only;
 * only a replication token reaches them (SH_WH_PERM_REPLICATE, checked by
 * the library in every call). */
#include "srv_int.h"

#include <stdlib.h>
#include <string.h>

/* A decimal query value (absent: dflt). 0 and a 400 written when malformed. */
static int query_u64(srv_ctx *c, const char *name, uint64_t dflt, uint64_t *out)
{
	char *v = NULL, *end = NULL;
	if (srv_query(c, name, &v)) {
		srv_error(c, 400, "%s", sh_error_message());
		return 0;
	}
	*out = dflt;
	if (v) {
		unsigned long long n = v[0] >= '0' && v[0] <= '9' ? strtoull(v, &end, 10) : 0;
		if (!end || *end || strlen(v) > 19) {
			sh_free(v);
			srv_error(c, 400, "%s: a whole number", name);
			return 0;
		}
		*out = n;
	}
	sh_free(v);
	return 1;
}

static int text_reply(srv_ctx *c, char *json)
{
	return srv_bytes(c, 200, "application/json", (uint8_t *)json, strlen(json));
}

int srv_replica_checkpoint(srv_ctx *c)
{
	uint8_t *cp = NULL;
	size_t len = 0;
	uint64_t size = 0;
	int rc = sh_wh_replica_checkpoint(c->srv->s, &cp, &len, &size);
	if (rc)
		return srv_fail(c, rc);
	json_t *o = json_pack("{s:I, s:s%}", "size", (json_int_t)size, "checkpoint",
			      (const char *)cp, len);
	sh_free(cp);
	/* the latest note the office's witnesses cosigned (sohoa checkpoint) */
	char *wp = sh_asprintf("%s/witnessed/latest", sh_store_dir(c->srv->s));
	uint8_t *w = NULL;
	size_t wl = 0;
	if (o && wp && !sh_file_read(&w, &wl, wp, 65536) && sh_text_valid((const char *)w, wl))
		json_object_set_new(o, "witnessed", json_stringn((const char *)w, wl));
	sh_free(w);
	sh_free(wp);
	return o ? srv_json(c, 200, o) : srv_error(c, 500, "the checkpoint is not text");
}

int srv_replica_entries(srv_ctx *c)
{
	uint64_t from = 0, limit = 1000;
	if (!query_u64(c, "from", 0, &from) || !query_u64(c, "limit", 1000, &limit))
		return 0;
	char *json = NULL;
	int rc = sh_wh_replica_page(c->srv->s, from, limit > 10000 ? 10000 : (size_t)limit, &json);
	return rc ? srv_fail(c, rc) : text_reply(c, json);
}

int srv_replica_consistency(srv_ctx *c)
{
	uint64_t o = 0, n = 0;
	if (!query_u64(c, "old", 0, &o) || !query_u64(c, "new", 0, &n))
		return 0;
	uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
	size_t np = 0;
	int rc = sh_wh_replica_consistency(c->srv->s, o, n, path, &np);
	if (rc)
		return srv_fail(c, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < np; i++) {
		char h[2 * SH_SHA256_LEN + 1];
		sh_hex(h, path[i], SH_SHA256_LEN);
		json_array_append_new(arr, json_string(h));
	}
	return srv_json(c, 200, json_pack("{s:I, s:I, s:o}", "old", (json_int_t)o, "new",
					  (json_int_t)n, "proof", arr));
}

int srv_replica_keys(srv_ctx *c)
{
	char *json = NULL;
	int rc = sh_wh_replica_keys(c->srv->s, &json);
	return rc ? srv_fail(c, rc) : text_reply(c, json);
}

int srv_replica_blob(srv_ctx *c)
{
	const char *hex = c->param[0];
	uint8_t sha[SH_SHA256_LEN];
	if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64 ||
	    sh_unhex(sha, hex, sizeof sha))
		return srv_error(c, 400, "a blob is named by its SHA-256 (64 lower-case hex digits)");
	uint8_t *b = NULL;
	size_t len = 0;
	int rc = sh_wh_replica_blob(c->srv->s, sha, &b, &len);
	return rc ? srv_fail(c, rc) : srv_bytes(c, 200, "application/octet-stream", b, len);
}

/* An office's token (at the province): one replicated paper for reuse, and
 * its images (SH_WH_PERM_OFFICE, audited as the office's read). */
int srv_replica_paper(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code || strlen(code) >= SH_STORE_CODE_MAX || !sh_text_valid(code, strlen(code)))
		return srv_error(c, 400, "a paper code");
	char *json = NULL;
	int rc = sh_wh_replica_paper(c->srv->s, code, &json);
	return rc ? srv_fail(c, rc) : text_reply(c, json);
}

int srv_replica_paper_blob(srv_ctx *c)
{
	const char *code = c->param[0], *hex = c->param[1];
	uint8_t sha[SH_SHA256_LEN];
	if (!code || strlen(code) >= SH_STORE_CODE_MAX || !sh_text_valid(code, strlen(code)))
		return srv_error(c, 400, "a paper code");
	if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64 ||
	    sh_unhex(sha, hex, sizeof sha))
		return srv_error(c, 400, "a blob is named by its SHA-256 (64 lower-case hex digits)");
	uint8_t *b = NULL;
	size_t len = 0;
	int rc = sh_wh_replica_paper_blob(c->srv->s, code, sha, &b, &len);
	return rc ? srv_fail(c, rc) : srv_bytes(c, 200, "application/octet-stream", b, len);
}
