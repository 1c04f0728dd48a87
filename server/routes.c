/* The JSON API under /api/v1 (docs/SERVER.md): the route table and one
 * handler per route. A handler checks its inputs' form (codes with the
 * same sh_id_* checks as the command line), calls the library once or
 * twice, records the reads of personal papers in the audit, and writes
 * JSON. The session, the CSRF token and the role (sh_wh_session_may with
 * the route's permission) are checked before it runs (server.c). */
#define _GNU_SOURCE
#include "sh_repl.h"
#include "sh_wit.h"
#include "srv_int.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sh_arch.h"
#include "sh_scan.h"

#define PAPER_CODES (SH_CODE_PAPER | SH_CODE_RESULT)

/* ---- helpers -------------------------------------------------------------- */

json_t *srv_when_json(int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
	return json_string(buf);
}

static json_t *day_json(int64_t t)
{
	char buf[16];
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return json_string(buf);
}

static json_t *facts_json(const char *facts)
{
	json_t *f = facts ? json_loads(facts, 0, NULL) : NULL;
	if (f && !json_is_object(f)) {
		json_decref(f);
		f = NULL;
	}
	return f ? f : json_object();
}

/* A code from the URL: the command line's check, 400 when malformed. */
static int code_ok(srv_ctx *c, const char *code, unsigned want)
{
	if (sh_id_code_check(NULL, code, want) == SH_OK)
		return 1;
	srv_error(c, 400, "%s", sh_error_message());
	return 0;
}

static int audit(srv_ctx *c, const char *cmd, const char *const *codes, size_t n,
		 const char *dossier)
{
	return sh_wh_audit_group_reads(c->srv->audit, c->user, cmd, codes, n, dossier, 0);
}

static json_t *validity_json(const sh_wh_validity *v)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "status", sh_wh_validity_status_name(v->status),
			      "source", sh_wh_validity_source_name(v->source), "signature",
			      v->nsigned ? "signed" : "unsigned");
	json_object_set_new(o, "valid_until",
			    v->valid_until == SH_WH_NEVER ? json_null() : day_json(v->valid_until - 1));
	if (v->status == SH_WH_REVOKED) {
		json_object_set_new(o, "revoked", srv_when_json(v->revoked_at));
		json_object_set_new(o, "reason", srv_str(v->reason));
		json_object_set_new(o, "by", srv_str(v->by));
	}
	return o;
}

static json_t *owner_paper_json(const sh_wh_owner_paper *p)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I}", "code", srv_str(p->code), "kind",
			      srv_str(p->kind), "dossier", srv_str(p->dossier), "received",
			      day_json(p->created), "validity", validity_json(&p->validity),
			      "reused", (json_int_t)p->reused);
	json_object_set_new(o, "facts", facts_json(p->facts));
	return o;
}

/* ---- session routes ----------------------------------------------------------- */

static int login(srv_ctx *c)
{
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *user = json_string_value(json_object_get(b, "user"));
	const char *pw = json_string_value(json_object_get(b, "password"));
	size_t pwlen = json_string_length(json_object_get(b, "password"));
	if (!user || !pw || strlen(user) != json_string_length(json_object_get(b, "user"))) {
		json_decref(b);
		return srv_error(c, 400, "give \"user\" and \"password\"");
	}
	int64_t now = sh_now();
	/* the name as counted and audited: a well-formed operator name or "-" */
	int named = sh_wh_user_role(c->srv->s, user, &(int){0}) != SH_EINVAL;
	const char *who = named ? user : "-";
	int64_t wait = sh_auth_throttle_wait(c->srv->thr, named ? user : NULL, c->addr, now);
	if (wait > 0) {
		sh_wh_audit_read(c->srv->s, who, "login-throttled", c->addr, NULL, 0);
		snprintf(c->retry_after, sizeof c->retry_after, "%lld", (long long)wait);
		json_decref(b);
		return srv_error(c, 429, "too many failed logins: wait %lld s", (long long)wait);
	}
	int role = 0;
	int rc = c->srv->auth_pam ? sh_auth_login_pam(c->srv->s, c->srv->pam_service,
						      c->srv->pam_confdir, user, pw, pwlen, &role)
				  : sh_auth_login(c->srv->s, user, pw, pwlen, &role);
	if (rc == SH_EPERM) {
		sh_auth_throttle_fail(c->srv->thr, named ? user : NULL, c->addr, sh_now());
		sh_wh_audit_read(c->srv->s, who, "login-failed", c->addr, NULL, 0);
		json_decref(b);
		return srv_error(c, 401, "wrong user name or password");
	}
	if (rc) {
		json_decref(b);
		return srv_fail(c, rc);
	}
	sh_auth_throttle_ok(c->srv->thr, user, c->addr);
	char token[SH_AUTH_TOKEN_HEX], csrf[SH_AUTH_TOKEN_HEX];
	if ((rc = sh_auth_session_new(c->srv->sess, user, role, now, token, csrf))) {
		json_decref(b);
		return srv_fail(c, rc);
	}
	sh_wh_audit_read(c->srv->s, user, "login", c->addr, NULL, 0);
	snprintf(c->cookie, sizeof c->cookie,
		 "sohoa_session=%s; HttpOnly; SameSite=Strict; Path=/%s", token,
		 c->srv->tls ? "; Secure" : "");
	memset(token, 0, sizeof token);
	json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "csrf", csrf, "user", user, "role",
			      sh_wh_role_name(role), "today", day_json((int64_t)time(NULL)));
	json_decref(b);
	return srv_json(c, 200, o);
}

static int logout(srv_ctx *c)
{
	const char *tok = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, "sohoa_session");
	sh_auth_session_end(c->srv->sess, tok);
	sh_wh_audit_read(c->srv->s, c->user, "logout", c->addr, NULL, 0);
	snprintf(c->cookie, sizeof c->cookie,
		 "sohoa_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
		 c->srv->tls ? "; Secure" : "");
	return srv_json(c, 200, json_pack("{s:b}", "ok", 1));
}

static int me(srv_ctx *c)
{
	/* "today" is the office's date (the server's zone): a desk PC whose clock
	 * keeps another zone must not make the report miss the day's dossiers */
	return srv_json(c, 200, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "user", c->user, "role",
					  sh_wh_role_name(c->sess.role), "csrf", c->sess.csrf,
					  "login", srv_when_json(c->sess.created), "last",
					  srv_when_json(c->sess.last), "today",
					  day_json((int64_t)time(NULL))));
}

static int openapi(srv_ctx *c)
{
	size_t n;
	const char *doc = sh_srv_openapi(&n);
	uint8_t *d = sh_malloc(n + 1);
	if (!d)
		return srv_error(c, 500, "out of memory");
	memcpy(d, doc, n);
	return srv_bytes(c, 200, "application/json", d, n);
}

/* ---- dossiers and papers ----------------------------------------------------- */

static int dossier_get(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, SH_CODE_DOSSIER))
		return 0;
	sh_store_dossier_rec *d = NULL;
	char (*att)[SH_STORE_CODE_MAX] = NULL;
	size_t natt = 0;
	int rc = sh_store_dossier_get(c->srv->s, code, &d);
	if (!rc)
		rc = sh_wh_attached(c->srv->s, d->code, &att, &natt);
	if (!rc)
		rc = audit(c, "show", (const char *const *)d->papers, d->npapers, d->code);
	if (!rc)
		rc = audit(c, "show", (const char *const *)d->results, d->nresults, d->code);
	if (rc) {
		sh_store_dossier_rec_free(&d);
		sh_free(att);
		return srv_fail(c, rc);
	}
	json_t *papers = json_array(), *results = json_array(), *attached = json_array();
	for (size_t i = 0; i < d->npapers; i++) {
		sh_store_paper_rec *p = NULL;
		if (sh_store_paper_get(c->srv->s, d->papers[i], &p)) {
			json_array_append_new(papers, json_pack("{s:o}", "code", srv_str(d->papers[i])));
			continue;
		}
		json_array_append_new(papers, json_pack("{s:o, s:o, s:o, s:I}", "code",
							srv_str(p->code), "kind", srv_str(p->kind),
							"file", srv_str(p->file), "pages",
							(json_int_t)p->npages));
		sh_store_paper_rec_free(&p);
	}
	for (size_t i = 0; i < d->nresults; i++)
		json_array_append_new(results, srv_str(d->results[i]));
	for (size_t i = 0; i < natt; i++)
		json_array_append_new(attached, srv_str(att[i]));
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "code",
			      srv_str(d->code), "agency", srv_str(d->agency), "owner",
			      srv_str(d->owner), "procedure", srv_str(d->procedure), "operator",
			      srv_str(d->operator_id), "received", srv_when_json(d->received), "papers",
			      papers, "results", results, "attached", attached);
	sh_store_dossier_rec_free(&d);
	sh_free(att);
	return srv_json(c, 200, o);
}

static int paper_get(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, PAPER_CODES))
		return 0;
	sh_store_paper_rec *p = NULL;
	sh_wh_validity v;
	int rc = sh_store_paper_get(c->srv->s, code, &p);
	if (!rc)
		rc = sh_wh_validity_of(c->srv->s, c->srv->cat, p->code, 0, &v);
	if (!rc)
		rc = audit(c, "show", (const char *const *)&p->code, 1, p->dossier);
	if (rc) {
		sh_store_paper_rec_free(&p);
		return srv_fail(c, rc);
	}
	json_t *pages = json_array();
	for (size_t i = 0; i < p->npages; i++) {
		const sh_store_page_rec *g = &p->pages[i];
		json_t *pg = json_pack("{s:I, s:o, s:I, s:i, s:i, s:i, s:i, s:f, s:I, s:o, s:o}", "n",
				       (json_int_t)(i + 1), "mime", srv_str(g->mime), "bytes",
				       (json_int_t)g->image_len, "width", g->width, "height",
				       g->height, "dpi", g->dpi, "rotation", g->rotation, "confidence",
				       (double)g->confidence, "flags", (json_int_t)g->flags, "note",
				       srv_str(g->note), "text", srv_str(g->text));
		if (g->has_original) /* the photo as received: ?original=1 */
			json_object_set_new(pg, "original",
					    json_pack("{s:o, s:I}", "mime", srv_str(g->original_mime),
						      "bytes", (json_int_t)g->original_len));
		json_array_append_new(pages, pg);
	}
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o, s:o}",
			      "code", srv_str(p->code), "dossier", srv_str(p->dossier), "owner",
			      srv_str(p->owner), "file", srv_str(p->file), "kind", srv_str(p->kind),
			      "facts", facts_json(p->facts), "created", srv_when_json(p->created),
			      "owner_mismatch", (p->flags & SH_WH_PAPER_OWNER_MISMATCH) != 0, "review",
			      (p->flags & SH_WH_PAPER_REVIEW) != 0, "result",
			      (p->flags & SH_WH_PAPER_RESULT) != 0, "validity", validity_json(&v),
			      "pages", pages);
	sh_store_paper_rec_free(&p);
	return srv_json(c, 200, o);
}

/* A whole number in [min, max] from a query or path value; -1 if not. */
static long long number(const char *s, long long min, long long max)
{
	long long v = 0;
	if (!s || !*s || strlen(s) > 12)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v < min || v > max ? -1 : v;
}

static int page_get(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, PAPER_CODES))
		return 0;
	long long n = number(c->param[1], 1, 100000);
	if (n < 0)
		return srv_error(c, 400, "a page number from 1");
	char *w_s = NULL;
	if (srv_query(c, "w", &w_s))
		return srv_error(c, 400, "%s", sh_error_message());
	long long w = w_s ? number(w_s, SH_SCAN_PREVIEW_MIN, SH_SCAN_PREVIEW_MAX) : 0;
	sh_free(w_s);
	if (w < 0)
		return srv_error(c, 400, "?w= takes a width from %d to %d pixels",
				 SH_SCAN_PREVIEW_MIN, SH_SCAN_PREVIEW_MAX);
	/* ?original=1: the photo as received, kept beside a page rectified
	 * out of it (same permission and audit as the page) */
	char *o_s = NULL;
	if (srv_query(c, "original", &o_s))
		return srv_error(c, 400, "%s", sh_error_message());
	int original = o_s && !strcmp(o_s, "1");
	int bad_o = o_s && !original && strcmp(o_s, "0");
	sh_free(o_s);
	if (bad_o)
		return srv_error(c, 400, "?original= takes 1 or 0");
	if (original && w)
		return srv_error(c, 400, "?original=1 gives the bytes as received: no ?w= preview");
	sh_store_paper_rec *p = NULL;
	uint8_t *img = NULL, *prev = NULL;
	size_t len = 0, plen = 0;
	const char *omime = NULL;
	int rc = sh_store_paper_get(c->srv->s, code, &p);
	if (!rc && (size_t)n > p->npages)
		rc = sh_error_set(SH_ENOTFOUND, "paper %s has %zu page%s", code, p->npages,
				  p->npages == 1 ? "" : "s");
	if (!rc && original)
		rc = sh_wh_page_image(c->srv->s, code, (size_t)n, 1, &img, &len, &omime);
	else if (!rc)
		rc = sh_store_blob_get(c->srv->s, p->pages[n - 1].image_sha, &img, &len);
	if (!rc && w)
		rc = sh_scan_preview(&prev, &plen, img, len, (int)w);
	if (!rc)
		rc = audit(c, "show", (const char *const *)&p->code, 1, p->dossier);
	if (rc) {
		sh_store_paper_rec_free(&p);
		sh_free(img);
		sh_free(prev);
		return srv_fail(c, rc);
	}
	static const char *mimes[] = {"image/png", "image/jpeg", "image/tiff"};
	const char *mime = "application/octet-stream";
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(p->pages[n - 1].mime, mimes[i]))
			mime = mimes[i];
	if (omime)
		mime = omime;
	sh_store_paper_rec_free(&p);
	if (w) {
		sh_free(img);
		return srv_bytes(c, 200, "image/png", prev, plen);
	}
	return srv_bytes(c, 200, mime, img, len);
}

/* ---- finding, owners, reuse ---------------------------------------------------- */

static int search(srv_ctx *c)
{
	char *q = NULL, *owner = NULL, *kind = NULL, *from = NULL, *to = NULL, *agency = NULL,
	     *lim_s = NULL;
	int rc;
	if ((rc = srv_query(c, "q", &q)) || (rc = srv_query(c, "owner", &owner)) ||
	    (rc = srv_query(c, "kind", &kind)) || (rc = srv_query(c, "from", &from)) ||
	    (rc = srv_query(c, "to", &to)) || (rc = srv_query(c, "agency", &agency)) ||
	    (rc = srv_query(c, "limit", &lim_s))) {
		srv_error(c, 400, "%s", sh_error_message());
		goto out;
	}
	long long limit = lim_s ? number(lim_s, 1, 1000) : 50;
	if (!q || !*q) {
		srv_error(c, 400, "give the words to look for: ?q=");
		goto out;
	}
	if (limit < 0) {
		srv_error(c, 400, "?limit= takes 1 to 1000");
		goto out;
	}
	sh_wh_filter f = {owner && *owner ? owner : NULL, kind && *kind ? kind : NULL,
			    agency && *agency ? agency : NULL, from && *from ? from : NULL,
			    to && *to ? to : NULL};
	sh_wh_hit *hits = NULL;
	size_t n = 0;
	if ((rc = sh_wh_search(c->srv->s, q, &f, (size_t)limit, &hits, &n))) {
		srv_fail(c, rc == SH_ENOTFOUND ? SH_EINVAL : rc);
		goto out;
	}
	/* every hit was audited by the library, in this request's session */
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		sh_store_paper_rec *p = NULL;
		if (sh_store_paper_get(c->srv->s, hits[i].code, &p))
			continue;
		const char *first = p->npages ? p->pages[0].text : "";
		char *line = sh_strndup(first, strcspn(first, "\n"));
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o, s:f, s:o, s:o}", "code",
						     srv_str(p->code), "dossier", srv_str(p->dossier),
						     "owner", srv_str(p->owner), "kind",
						     srv_str(p->kind), "score", hits[i].score,
						     "first_line", srv_str(line ? line : ""),
						     "received", day_json(p->created)));
		sh_free(line);
		sh_store_paper_rec_free(&p);
	}
	sh_free(hits);
	srv_json(c, 200, json_pack("{s:o, s:o}", "query", srv_str(q), "papers", arr));
out:
	sh_free(q);
	sh_free(owner);
	sh_free(kind);
	sh_free(from);
	sh_free(to);
	sh_free(agency);
	sh_free(lim_s);
	return 0;
}

static int owner_get(srv_ctx *c)
{
	const char *id = c->param[0];
	if (sh_id_owner_check(NULL, NULL, id))
		return srv_error(c, 400, "%s", sh_error_message());
	sh_wh_owner_paper *ps = NULL;
	size_t n = 0;
	int rc = sh_wh_owner_papers(c->srv->s, c->srv->cat, id, 0, &ps, &n);
	/* every paper listed was audited by the library */
	if (rc) {
		sh_wh_owner_papers_free(&ps, n);
		return srv_fail(c, rc);
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, owner_paper_json(&ps[i]));
	sh_wh_owner_papers_free(&ps, n);
	return srv_json(c, 200, json_pack("{s:o, s:o}", "owner", srv_str(id), "papers", arr));
}

static int reuse(srv_ctx *c)
{
	char *owner = NULL, *proc = NULL;
	sh_wh_reuse *r = NULL;
	int rc;
	if ((rc = srv_query(c, "owner", &owner)) || (rc = srv_query(c, "procedure", &proc)))
		srv_error(c, 400, "%s", sh_error_message());
	else if (!owner || !proc)
		srv_error(c, 400, "give ?owner= and ?procedure=");
	else if (sh_id_owner_check(NULL, NULL, owner) || sh_id_procedure_check(proc))
		srv_error(c, 400, "%s", sh_error_message());
	else if ((rc = sh_wh_reuse_plan(c->srv->s, c->srv->cat, owner, proc, 0, &r)))
		srv_fail(c, rc);
	if (!r)
		goto out;
	json_t *needs = json_array();
	for (size_t i = 0; !rc && i < r->nneeds; i++) {
		json_t *arr = json_array();
		for (size_t j = 0; j < r->needs[i].npapers; j++) {
			/* audited by the library */
			json_array_append_new(arr, owner_paper_json(&r->needs[i].papers[j]));
		}
		json_array_append_new(needs, json_pack("{s:o, s:o, s:b, s:o}", "kind",
						       srv_str(r->needs[i].kind), "name",
						       srv_str(r->needs[i].kind_name), "missing",
						       r->needs[i].npapers == 0, "papers", arr));
	}
	if (rc) {
		json_decref(needs);
		srv_fail(c, rc);
		goto out;
	}
	srv_json(c, 200, json_pack("{s:o, s:o, s:o, s:o}", "owner", srv_str(owner), "procedure",
				   srv_str(proc), "name", srv_str(r->name), "kinds", needs));
out:
	sh_wh_reuse_free(&r);
	sh_free(owner);
	sh_free(proc);
	return 0;
}

/* ---- signed changes --------------------------------------------------------------- */

int srv_need_key(srv_ctx *c)
{
	if (c->srv->key)
		return 1;
	srv_error(c, 503, "the server was started without the office's signing key: changes "
			  "are not available");
	return 0;
}

static int attach(srv_ctx *c)
{
	const char *dossier = c->param[0];
	if (!code_ok(c, dossier, SH_CODE_DOSSIER))
		return 0;
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *paper = json_string_value(json_object_get(b, "paper"));
	if (!paper) {
		json_decref(b);
		return srv_error(c, 400, "give \"paper\": the code of the paper to attach");
	}
	if (!code_ok(c, paper, PAPER_CODES) || !srv_need_key(c)) {
		json_decref(b);
		return 0;
	}
	uint64_t index = 0;
	/* a paper not here is asked of the province, when one is set */
	sh_repl_options prov = {.url = c->srv->province_url, .token = c->srv->province_token,
				.timeout_s = 30};
	int rc = sh_repl_attach(c->srv->s, c->srv->key, c->srv->cat,
				c->srv->province_url ? &prov : NULL, dossier, paper, c->user, 0,
				&index);
	json_t *o = rc ? NULL
		       : json_pack("{s:o, s:o, s:I}", "dossier", srv_str(dossier), "paper",
				   srv_str(paper), "log_index", (json_int_t)index);
	json_decref(b);
	if (rc == SH_EIO || rc == SH_EBADSIG) /* the province: unreachable, or not believed */
		return srv_error(c, 502, "%s", sh_error_message());
	return rc ? srv_fail(c, rc) : srv_json(c, 200, o);
}

static int revoke_paper(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, PAPER_CODES))
		return 0;
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *reason = json_string_value(json_object_get(b, "reason"));
	if (!reason || !*reason) {
		json_decref(b);
		return srv_error(c, 400, "give \"reason\": why the paper is revoked");
	}
	if (!srv_need_key(c)) {
		json_decref(b);
		return 0;
	}
	uint64_t index = 0;
	int rc = sh_wh_revoke(c->srv->s, c->srv->key, code, reason, c->user, 0, &index);
	json_decref(b);
	if (rc)
		return srv_fail(c, rc);
	return srv_json(c, 200, json_pack("{s:o, s:b, s:I}", "code", srv_str(code), "revoked", 1,
					  "log_index", (json_int_t)index));
}

/* ---- verify, proof ------------------------------------------------------------------ */

static void on_problem(void *arg, const char *code, const char *problem)
{
	json_array_append_new(arg, json_pack("{s:o, s:o}", "code", srv_str(code), "problem",
					     srv_str(problem)));
}

/* What was signed about code, entry by entry (oldest first): the log
 * index, the manifest's type, claimed time and signer (key id, and the
 * name, title and agency registered for it), the operator who received
 * it (the dossier's), and the first signed checkpoint that includes it.
 * Read without trusting: the verification above says whether it holds. */
static json_t *signed_json(srv_ctx *c, const char *code)
{
	json_t *arr = json_array();
	uint64_t *idx = NULL;
	size_t n = 0;
	if (sh_ledger_entries_of(c->srv->s, code, &idx, &n))
		return arr;
	sh_store_paper_rec *p = NULL;
	sh_store_dossier_rec *d = NULL;
	if (!sh_store_paper_get(c->srv->s, code, &p))
		sh_store_dossier_get(c->srv->s, p->dossier, &d);
	for (size_t i = 0; i < n; i++) {
		uint8_t *doc = NULL, *cp = NULL;
		size_t len = 0, cplen = 0;
		uint64_t cpsize = 0;
		sh_sign_manifest *m = NULL;
		if (sh_ledger_entry(c->srv->s, idx[i], &doc, &len) ||
		    sh_sign_manifest_read(&m, doc, len)) {
			sh_free(doc);
			continue;
		}
		json_t *e = json_pack("{s:I, s:o, s:o, s:o}", "log_index", (json_int_t)idx[i], "type",
				      srv_str(m->type), "time", srv_when_json(m->time), "key_id",
				      srv_str(m->key_id));
		sh_sign_pubkey pub;
		if (!sh_ledger_key_get(c->srv->s, m->key_id, &pub, NULL)) {
			json_object_set_new(e, "signer", srv_str(pub.name));
			json_object_set_new(e, "title", srv_str(pub.title));
			json_object_set_new(e, "agency", srv_str(pub.agency));
		}
		if (d && !strcmp(m->type, "component"))
			json_object_set_new(e, "operator", srv_str(d->operator_id));
		if (!sh_ledger_checkpoint(c->srv->s, idx[i] + 1, &cp, &cplen, &cpsize))
			json_object_set_new(e, "checkpoint_size", json_integer((json_int_t)cpsize));
		json_array_append_new(arr, e);
		sh_free(cp);
		sh_free(doc);
		sh_sign_manifest_free(&m);
	}
	sh_store_dossier_rec_free(&d);
	sh_store_paper_rec_free(&p);
	sh_free(idx);
	return arr;
}

static int verify(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, PAPER_CODES))
		return 0;
	sh_store_paper_rec *p = NULL;
	int rc = sh_store_paper_get(c->srv->s, code, &p);
	sh_store_paper_rec_free(&p);
	if (rc)
		return srv_fail(c, rc);
	json_t *problems = json_array();
	size_t n = 0;
	rc = sh_ledger_verify(c->srv->s, code, on_problem, problems, &n);
	if (rc && rc != SH_EBADSIG) {
		json_decref(problems);
		return srv_fail(c, rc);
	}
	json_t *o = json_pack("{s:o, s:b, s:o}", "code", srv_str(code), "ok", n == 0, "problems",
			      problems);
	json_object_set_new(o, "signed", signed_json(c, code));
	uint64_t size = 0;
	uint8_t *cp = NULL;
	size_t cplen = 0;
	if (!sh_ledger_checkpoint(c->srv->s, 0, &cp, &cplen, &size))
		json_object_set_new(o, "log_size", json_integer((json_int_t)size));
	sh_free(cp);
	return srv_json(c, 200, o);
}

/* A ustar archive of the regular files of dir (flat, names < 100 bytes). */
int srv_tar_dir(const char *dir, const char *prefix, sh_buf *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return sh_error_set(SH_EIO, "proof bundle: cannot read it back");
	struct dirent *e;
	int rc = SH_OK;
	char **names = NULL;
	size_t n = 0;
	while ((e = readdir(d)) && !rc) {
		if (e->d_name[0] == '.')
			continue;
		char **nn = sh_realloc(names, (n + 1) * sizeof *nn);
		if (!nn || !(nn[n] = sh_strdup(e->d_name)))
			rc = SH_ENOMEM;
		if (nn)
			names = nn;
		if (!rc)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, (int (*)(const void *, const void *))strcmp);
	for (size_t i = 0; i < n && !rc; i++) {
		char *path = sh_asprintf("%s/%s", dir, names[i]);
		uint8_t *data = NULL;
		size_t len = 0;
		if (!path || (rc = sh_file_read(&data, &len, path, SH_FILE_MAX))) {
			sh_free(path);
			rc = rc ? rc : SH_ENOMEM;
			break;
		}
		sh_free(path);
		uint8_t h[512];
		memset(h, 0, sizeof h);
		if (snprintf((char *)h, 100, "%s/%s", prefix, names[i]) >= 100) {
			sh_free(data);
			rc = sh_error_set(SH_ELIMIT, "proof bundle: a file name is too long");
			break;
		}
		snprintf((char *)h + 100, 8, "%07o", 0644);
		snprintf((char *)h + 108, 8, "%07o", 0);
		snprintf((char *)h + 116, 8, "%07o", 0);
		snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)len);
		snprintf((char *)h + 136, 12, "%011llo", (unsigned long long)sh_now());
		memset(h + 148, ' ', 8);
		h[156] = '0';
		memcpy(h + 257, "ustar", 6);
		memcpy(h + 263, "00", 2);
		unsigned sum = 0;
		for (size_t k = 0; k < sizeof h; k++)
			sum += h[k];
		snprintf((char *)h + 148, 8, "%06o", sum);
		static const uint8_t zero[512];
		if (sh_buf_put(out, h, sizeof h) || sh_buf_put(out, data, len) ||
		    (len % 512 && sh_buf_put(out, zero, 512 - len % 512)))
			rc = SH_ENOMEM;
		sh_free(data);
	}
	static const uint8_t end[1024];
	if (!rc && sh_buf_put(out, end, sizeof end))
		rc = SH_ENOMEM;
	for (size_t i = 0; i < n; i++)
		sh_free(names[i]);
	sh_free(names);
	return rc;
}

void srv_rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = sh_asprintf("%s/%s", dir, e->d_name);
		if (p)
			unlink(p);
		sh_free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int proof(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, PAPER_CODES))
		return 0;
	sh_store_paper_rec *p = NULL;
	int rc = sh_store_paper_get(c->srv->s, code, &p);
	if (rc)
		return srv_fail(c, rc);
	const char *tmp = getenv("TMPDIR");
	char *base = sh_asprintf("%s/sohoa-proof-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *dir = base && mkdtemp(base) ? sh_asprintf("%s/bundle", base) : NULL;
	sh_buf tar = SH_BUF_INIT;
	if (!dir)
		rc = sh_error_set(SH_EIO, "proof bundle: no temporary folder");
	if (!rc)
		rc = sh_ledger_export_proof(c->srv->s, p->code, dir);
	if (!rc) /* the status as of now and the witnesses' cosignatures, as the CLI */
		rc = sh_wit_bundle_extend(c->srv->s, p->code, dir);
	if (!rc)
		rc = srv_tar_dir(dir, p->code, &tar);
	if (!rc)
		rc = audit(c, "export-proof", (const char *const *)&p->code, 1, p->dossier);
	if (dir)
		srv_rm_dir(dir);
	if (base)
		rmdir(base);
	sh_free(dir);
	sh_free(base);
	if (rc) {
		sh_store_paper_rec_free(&p);
		sh_buf_free(&tar);
		return srv_fail(c, rc);
	}
	snprintf(c->disposition, sizeof c->disposition, "attachment; filename=\"%s-proof.tar\"",
		 p->code);
	sh_store_paper_rec_free(&p);
	size_t len = tar.len;
	return srv_bytes(c, 200, "application/x-tar", (uint8_t *)sh_buf_detach(&tar), len);
}

/* ---- report, audit, users, keys ----------------------------------------------------- */

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static int report(srv_ctx *c)
{
	char *from = NULL, *to = NULL, *by_s = NULL;
	sh_wh_report_row *rows = NULL;
	size_t n = 0;
	int rc, by = SH_WH_REPORT_TOTAL;
	if ((rc = srv_query(c, "from", &from)) || (rc = srv_query(c, "to", &to)) ||
	    (rc = srv_query(c, "by", &by_s))) {
		srv_error(c, 400, "%s", sh_error_message());
		goto out;
	}
	if (!from || !to) {
		srv_error(c, 400, "give ?from=YYYY-MM-DD&to=YYYY-MM-DD");
		goto out;
	}
	if (by_s && !strcmp(by_s, "agency"))
		by = SH_WH_REPORT_AGENCY;
	else if (by_s && !strcmp(by_s, "procedure"))
		by = SH_WH_REPORT_PROCEDURE;
	else if (by_s && strcmp(by_s, "total")) {
		srv_error(c, 400, "?by= takes total, agency or procedure");
		goto out;
	}
	if ((rc = sh_wh_report(c->srv->s, c->srv->cat, from, to, by, &rows, &n))) {
		srv_fail(c, rc);
		goto out;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const sh_wh_report_row *r = &rows[i];
		json_array_append_new(
			arr, json_pack("{s:o, s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:f, s:I, s:I, s:f}",
				       "group", srv_str(i ? r->group : "total"), "dossiers",
				       (json_int_t)r->dossiers, "papers", (json_int_t)r->papers,
				       "dossiers_fully_digitised", (json_int_t)r->dossiers_full,
				       "share_fully_digitised", pct(r->dossiers_full, r->dossiers),
				       "results_electronic", (json_int_t)r->results, "papers_reused",
				       (json_int_t)r->reused, "dossiers_reusing",
				       (json_int_t)r->dossiers_reusing, "share_dossiers_reusing",
				       pct(r->dossiers_reusing, r->dossiers), "owners",
				       (json_int_t)r->owners, "owners_not_asked",
				       (json_int_t)r->owners_not_asked, "share_owners_not_asked",
				       pct(r->owners_not_asked, r->owners)));
	}
	/* the backlog's digitising indicator for the same months
	 * (docs/ARCHIVE.md), for the head of office's page */
	json_t *backlog = NULL;
	{
		char fm[8], tm[8];
		snprintf(fm, sizeof fm, "%.7s", from);
		snprintf(tm, sizeof tm, "%.7s", to);
		sh_wh_backlog_report_t bl;
		if (!sh_wh_backlog_report(c->srv->s, fm, tm, &bl)) {
			char *t = sh_wh_backlog_report_json(&bl);
			backlog = t ? json_loads(t, 0, NULL) : NULL;
			sh_free(t);
			sh_wh_backlog_report_free(&bl);
		}
	}
	srv_json(c, 200, json_pack("{s:o, s:o, s:s, s:o, s:o}", "from", srv_str(from), "to",
				   srv_str(to), "by",
				   by == SH_WH_REPORT_AGENCY ? "agency"
				   : by == SH_WH_REPORT_PROCEDURE ? "procedure" : "total",
				   "rows", arr, "backlog", backlog ? backlog : json_null()));
out:
	sh_free(rows);
	sh_free(from);
	sh_free(to);
	sh_free(by_s);
	return 0;
}

static int audit_get(srv_ctx *c)
{
	char *user = NULL, *code = NULL;
	sh_wh_audit_rec *a = NULL;
	size_t n = 0;
	int rc;
	if ((rc = srv_query(c, "user", &user)) || (rc = srv_query(c, "code", &code))) {
		srv_error(c, 400, "%s", sh_error_message());
	} else if ((rc = sh_wh_audit_list(c->srv->s, user, code, &a, &n))) {
		srv_fail(c, rc);
	} else {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "seq",
							     (json_int_t)a[i].seq, "when",
							     srv_when_json(a[i].when), "user",
							     srv_str(a[i].user), "command",
							     srv_str(a[i].command), "code",
							     srv_str(a[i].code), "dossier",
							     srv_str(a[i].dossier)));
		srv_json(c, 200, json_pack("{s:o}", "entries", arr));
	}
	sh_free(a);
	sh_free(user);
	sh_free(code);
	return 0;
}

static int upload(srv_ctx *c, const char *result_of)
{
	const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Content-Type");
	sh_srv_part *parts = NULL;
	size_t n = 0;
	int rc = sh_srv_multipart_parse(ct, c->r->body.data, c->r->body.len, &parts, &n);
	if (rc)
		return srv_error(c, 400, "%s", sh_error_message());
	char *owner = NULL, *proc = NULL;
	const sh_srv_part **files = n ? sh_calloc(n, sizeof *files) : NULL;
	size_t nf = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		sh_srv_part *p = &parts[i];
		char **dst = !strcmp(p->name, "owner") ? &owner
			     : !strcmp(p->name, "procedure") ? &proc : NULL;
		if (p->filename && !strcmp(p->name, "file")) {
			if (!p->len)
				rc = srv_error(c, 422, "file part %zu is empty", nf + 1) + 1;
			else if (files)
				files[nf++] = p;
		} else if (dst && !p->filename) {
			sh_free(*dst);
			if (!(*dst = sh_strndup((const char *)p->data, p->len)))
				rc = srv_error(c, 500, "out of memory") + 1;
			else if (strlen(*dst) != p->len)
				rc = srv_error(c, 400, "a NUL in field %s", p->name) + 1;
		} else {
			rc = srv_error(c, 400, "unexpected part '%s': send owner, procedure and file "
					       "parts", p->name) + 1;
		}
	}
	if (rc) {
		/* the error is written */
	} else if (n && !files) {
		srv_error(c, 500, "out of memory");
	} else if (!nf) {
		srv_error(c, 422, "no file part: send the pages as parts named \"file\"");
	} else if (!result_of && (!owner || !proc)) {
		srv_error(c, 422, "give the fields owner and procedure");
	} else if (!result_of && sh_id_owner_check(NULL, NULL, owner)) {
		srv_error(c, 422, "%s", sh_error_message());
	} else if (!result_of && sh_id_procedure_check(proc)) {
		srv_error(c, 422, "%s", sh_error_message());
	} else if (!result_of && sh_wh_proc_find(c->srv->cat, proc, NULL, NULL, NULL)) {
		srv_error(c, 422, "procedure %s is not in the catalogue", proc);
	} else {
		srv_upload u = {owner, proc, result_of, nf, files};
		srv_receive(c, &u);
	}
	sh_free(files);
	sh_free(owner);
	sh_free(proc);
	sh_srv_parts_free(&parts, n);
	return 0;
}

static int dossiers_post(srv_ctx *c) { return upload(c, NULL); }

static int results_post(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, SH_CODE_DOSSIER))
		return 0;
	sh_store_dossier_rec *d = NULL;
	int rc = sh_store_dossier_get(c->srv->s, code, &d);
	sh_store_dossier_rec_free(&d);
	return rc ? srv_fail(c, rc) : upload(c, code);
}

/* ---- the catalogue, receipts --------------------------------------------------------- */

/* The office's catalogue (built in, extended by <store>/procedures.json):
 * each procedure with the kinds it requires, and the names of those kinds. */
static int procedures_get(srv_ctx *c)
{
	json_t *arr = json_array(), *kinds = json_object();
	for (size_t i = 0; i < sh_wh_proc_cat_count(c->srv->cat); i++) {
		const char *code = NULL, *name = NULL;
		const char *const *k = NULL;
		size_t nk = 0;
		if (sh_wh_proc_get(c->srv->cat, i, &code, &name, &k, &nk))
			continue;
		json_t *ka = json_array();
		for (size_t j = 0; j < nk; j++) {
			json_array_append_new(ka, srv_str(k[j]));
			if (!json_object_get(kinds, k[j]))
				json_object_set_new(kinds, k[j],
						    json_pack("{s:o}", "name",
							      srv_str(sh_wh_kind_name(c->srv->cat, k[j]))));
		}
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o}", "code", srv_str(code), "name",
						     srv_str(name ? name : ""), "kinds", ka));
	}
	return srv_json(c, 200, json_pack("{s:o, s:o}", "procedures", arr, "kinds", kinds));
}

/* The dossier code as a QR code (SVG) for the printed receipt. */
static int dossier_qr(srv_ctx *c)
{
	const char *code = c->param[0];
	if (!code_ok(c, code, SH_CODE_DOSSIER))
		return 0;
	sh_store_dossier_rec *d = NULL;
	int rc = sh_store_dossier_get(c->srv->s, code, &d);
	sh_store_dossier_rec_free(&d);
	char *svg = NULL;
	size_t len = 0;
	if (!rc)
		rc = sh_arch_qr_svg(&svg, &len, code);
	return rc ? srv_fail(c, rc) : srv_bytes(c, 200, "image/svg+xml", (uint8_t *)svg, len);
}

/* ---- the table ----------------------------------------------------------------------- */

/* ---- a witness (docs/SIGNING.md "Witnesses"): C2SP tlog-witness ---------- */

static int witness_add(srv_ctx *c)
{
	unsigned st = 0;
	sh_buf resp = SH_BUF_INIT;
	int rc = sh_wit_add_checkpoint(c->srv->wit, c->r->body.data ? c->r->body.data
								 : (const uint8_t *)"",
				       c->r->body.len, &st, &resp);
	if (rc && (st != 409 || !resp.len)) {
		sh_buf_free(&resp);
		if (st == 500)
			return srv_fail(c, rc);
		/* the refusal in plain text, as the protocol's clients read it */
		char *m = sh_asprintf("%s\n", sh_error_message());
		return srv_bytes(c, st, "text/plain; charset=utf-8", (uint8_t *)m, m ? strlen(m) : 0);
	}
	return srv_bytes(c, st, st == 409 && resp.len ? "text/x.tlog.size" : "text/plain; charset=utf-8",
			 resp.data, resp.len);
}

static int witness_latest(srv_ctx *c)
{
	char *origin = NULL;
	if (srv_query(c, "origin", &origin) || !origin) {
		sh_free(origin);
		return srv_error(c, 400, "give ?origin=");
	}
	sh_buf b = SH_BUF_INIT;
	int rc = sh_wit_latest(c->srv->wit, origin, &b);
	sh_free(origin);
	if (rc) {
		sh_buf_free(&b);
		return srv_fail(c, rc);
	}
	return srv_bytes(c, 200, "text/plain; charset=utf-8", b.data, b.len);
}

static int witness_key(srv_ctx *c)
{
	char *vk = NULL;
	int rc = sh_wit_own_vkey(c->srv->wit, &vk);
	if (rc)
		return srv_fail(c, rc);
	char *line = sh_asprintf("%s\n", vk);
	sh_free(vk);
	return line ? srv_bytes(c, 200, "text/plain; charset=utf-8", (uint8_t *)line, strlen(line))
		    : srv_fail(c, SH_ENOMEM);
}

const srv_route srv_routes[] = {
	{"POST", "/api/v1/login", NULL, SRV_PUBLIC, login},
	{"POST", "/api/v1/logout", NULL, 0, logout},
	{"GET", "/api/v1/me", NULL, 0, me},
	{"GET", "/api/v1/openapi.json", NULL, SRV_PUBLIC, openapi},
	{"POST", "/api/v1/dossiers", "ingest", 0, dossiers_post},
	{"GET", "/api/v1/procedures", "procedures", 0, procedures_get},
	{"GET", "/api/v1/dossiers/{code}", "show", 0, dossier_get},
	{"GET", "/api/v1/dossiers/{code}/qr.svg", "receipt", 0, dossier_qr},
	{"POST", "/api/v1/dossiers/{code}/attach", "attach", 0, attach},
	{"POST", "/api/v1/dossiers/{code}/results", "result", 0, results_post},
	{"GET", "/api/v1/papers/{code}", "show", 0, paper_get},
	{"GET", "/api/v1/papers/{code}/pages/{n}", "show", 0, page_get},
	{"POST", "/api/v1/papers/{code}/revoke", "revoke", 0, revoke_paper},
	{"GET", "/api/v1/papers/{code}/verify", "verify", 0, verify},
	{"GET", "/api/v1/papers/{code}/proof", "export-proof", 0, proof},
	{"POST", "/api/v1/verify", "verify", 0, srv_verify_start},
	{"GET", "/api/v1/verify", "verify", 0, srv_verify_status},
	{"GET", "/api/v1/search", "search", 0, search},
	{"GET", "/api/v1/owners/{id}", "owner", 0, owner_get},
	{"GET", "/api/v1/reuse", "reuse", 0, reuse},
	{"GET", "/api/v1/report", "report", 0, report},
	{"GET", "/api/v1/audit", "audit", 0, audit_get},
	{"GET", "/api/v1/users", "user", 0, srv_users_get},
	{"POST", "/api/v1/users", "user", 0, srv_users_add},
	{"POST", "/api/v1/users/{name}/disable", "user", 0, srv_users_disable},
	{"POST", "/api/v1/users/{name}/password", "user", 0, srv_users_password},
	{"GET", "/api/v1/keys", "keys", 0, srv_keys_get},
	{"GET", "/api/v1/replica/checkpoint", "replica-serve", 0, srv_replica_checkpoint},
	{"GET", "/api/v1/replica/entries", "replica-serve", 0, srv_replica_entries},
	{"GET", "/api/v1/replica/consistency", "replica-serve", 0, srv_replica_consistency},
	{"GET", "/api/v1/replica/keys", "replica-serve", 0, srv_replica_keys},
	{"GET", "/api/v1/replica/blobs/{sha256}", "replica-serve", 0, srv_replica_blob},
	{"GET", "/api/v1/replica/papers/{code}", "replica-paper", 0, srv_replica_paper},
	{"GET", "/api/v1/replica/papers/{code}/blobs/{sha256}", "replica-paper", 0,
	 srv_replica_paper_blob},
	{"POST", "/api/v1/keys/rotate", "keys", 0, srv_keys_rotate},
	{"POST", "/api/v1/keys/{id}/revoke", "keys", 0, srv_keys_revoke},
	{"POST", "/api/v1/batches", "ingest", 0, srv_batch_create},
	{"GET", "/api/v1/batches", "ingest", 0, srv_batch_list},
	{"GET", "/api/v1/batches/{name}", "ingest", 0, srv_batch_get},
	{"POST", "/api/v1/batches/{name}/take", "ingest", 0, srv_batch_take},
	{"POST", "/api/v1/batches/{name}/pages", "ingest", 0, srv_batch_pages},
	{"GET", "/api/v1/batches/{name}/pages/{id}", "ingest", 0, srv_batch_page},
	{"POST", "/api/v1/batches/{name}/rotate", "ingest", 0, srv_batch_rotate},
	{"POST", "/api/v1/batches/{name}/move", "ingest", 0, srv_batch_move},
	{"POST", "/api/v1/batches/{name}/split", "ingest", 0, srv_batch_split},
	{"POST", "/api/v1/batches/{name}/delete", "ingest", 0, srv_batch_delete},
	{"POST", "/api/v1/batches/{name}/kind", "ingest", 0, srv_batch_kind},
	{"POST", "/api/v1/batches/{name}/commit", "ingest", 0, srv_batch_commit},
	/* the citizen's own warehouse (citizen.c, docs/CITIZEN.md) */
	{"GET", "/api/v1/me/login", NULL, SRV_CITIZEN | SRV_PUBLIC, srv_me_login},
	{"GET", "/api/v1/me/callback", NULL, SRV_CITIZEN | SRV_PUBLIC, srv_me_callback},
	{"POST", "/api/v1/me/logout", "me-papers", SRV_CITIZEN, srv_me_logout},
	{"GET", "/api/v1/me/session", "me-papers", SRV_CITIZEN, srv_me_session},
	{"GET", "/api/v1/me/papers", "me-papers", SRV_CITIZEN, srv_me_papers},
	{"GET", "/api/v1/me/papers/{code}", "me-paper", SRV_CITIZEN, srv_me_paper},
	{"GET", "/api/v1/me/papers/{code}/pages/{n}", "me-page", SRV_CITIZEN, srv_me_page},
	{"GET", "/api/v1/me/papers/{code}/pdf", "me-pdf", SRV_CITIZEN, srv_me_pdf},
	{"GET", "/api/v1/me/papers/{code}/proof", "me-proof", SRV_CITIZEN, srv_me_proof},
	{"GET", "/api/v1/me/reads", "me-reads", SRV_CITIZEN, srv_me_reads},
	{"GET", "/api/v1/me/shares", "me-shares", SRV_CITIZEN, srv_me_shares},
	{"POST", "/api/v1/me/shares", "me-share", SRV_CITIZEN, srv_me_share_new},
	{"POST", "/api/v1/me/shares/{code}/revoke", "me-share-revoke", SRV_CITIZEN,
	 srv_me_share_revoke},
	{"GET", "/api/v1/me/shares/{code}/qr.svg", "me-shares", SRV_CITIZEN, srv_me_share_qr},
	{"GET", "/api/v1/me/corrections", "me-corrections", SRV_CITIZEN, srv_me_corrections},
	{"POST", "/api/v1/me/corrections", "me-correct", SRV_CITIZEN, srv_me_correct},
	{"GET", "/api/v1/me/delegates", "me-delegates", SRV_CITIZEN, srv_me_delegates},
	{"POST", "/api/v1/me/delegates", "me-delegate", SRV_CITIZEN, srv_me_delegate},
	{"GET", "/api/v1/shares/{code}", "share-use", 0, srv_share_use},
	{"POST", "/api/v1/shares/{code}/attach", "share-use", 0, srv_share_attach},
	{"GET", "/api/v1/corrections", "corrections", 0, srv_corrections},
	{"POST", "/api/v1/corrections/{id}", "corrections", 0, srv_correction_apply},
};
const size_t srv_nroutes = sizeof srv_routes / sizeof *srv_routes;

/* A witness (sohoa serve --witness DIR), apart from the JSON API: a public
 * protocol, no login (access.c action "witness-serve" needs nothing). */
const srv_route srv_witness_routes[] = {
	{"POST", "/witness/add-checkpoint", NULL, SRV_PUBLIC, witness_add},
	{"GET", "/witness/latest", NULL, SRV_PUBLIC, witness_latest},
	{"GET", "/witness/key", NULL, SRV_PUBLIC, witness_key},
};
const size_t srv_nwitness_routes = sizeof srv_witness_routes / sizeof *srv_witness_routes;

int sh_srv_route(size_t i, const char **method, const char **pattern)
{
	if (i >= srv_nroutes)
		return SH_ENOTFOUND;
	*method = srv_routes[i].method;
	*pattern = srv_routes[i].pattern;
	return SH_OK;
}
