/* The office server: libmicrohttpd daemon, request life cycle, sessions,
 * CSRF, security headers, slow-client watchdog, static pages. Handlers are
 * in routes.c. */
#define _GNU_SOURCE
#include "sh_wit.h"
#include "srv_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef SOHOA_HAVE_WEB
#include "sh_web.h"
#endif

#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
#define JSON_BODY_MAX (64 * 1024)
#define HEADER_MEMORY (64 * 1024) /* MHD's per-connection buffer: headers beyond it: 431 */
#define MIN_RATE 16384            /* bytes/s a body must keep after the timeout */

/* ---- responses ------------------------------------------------------------- */

json_t *srv_str(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s);
	if (sh_text_valid(s, n))
		return json_stringn(s, n);
	sh_buf b = SH_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		size_t k = ch < 0x80 ? 1 : (ch & 0xe0) == 0xc0 ? 2 : (ch & 0xf0) == 0xe0 ? 3
					  : (ch & 0xf8) == 0xf0 ? 4 : 0;
		if (k && i + k <= n && sh_text_valid(s + i, k)) {
			sh_buf_put(&b, s + i, k);
			i += k - 1;
		} else {
			sh_buf_puts(&b, "\xef\xbf\xbd");
		}
	}
	json_t *o = json_stringn(b.data ? (char *)b.data : "", b.len);
	sh_buf_free(&b);
	return o;
}

int srv_bytes(srv_ctx *c, unsigned status, const char *mime, uint8_t *data, size_t len)
{
	sh_free(c->out);
	c->out = data;
	c->out_len = len;
	c->mime = mime;
	c->status = status;
	return 0;
}

int srv_json(srv_ctx *c, unsigned status, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!s)
		return srv_bytes(c, 500, "application/json",
				 (uint8_t *)sh_strdup("{\"error\":\"out of memory\"}"), 25);
	size_t n = strlen(s);
	uint8_t *d = sh_malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	free(s);
	if (!d)
		return srv_bytes(c, 500, "application/json", NULL, 0);
	return srv_bytes(c, status, "application/json", d, n);
}

int srv_error(srv_ctx *c, unsigned status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++) /* one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return srv_json(c, status, json_pack("{s:o}", "error", srv_str(msg)));
}

int srv_fail(srv_ctx *c, int rc)
{
	unsigned st;
	switch (rc) {
	case SH_EINVAL: st = 422; break;
	case SH_ENOTFOUND: st = 404; break;
	case SH_EEXISTS: st = 409; break;
	case SH_EPERM: st = 403; break;
	case SH_ELIMIT: st = 413; break;
	case SH_EFULL: st = 507; break;
	case SH_EBUSY: st = 503; break;
	default: st = 500; break;
	}
	return srv_error(c, st, "%s", sh_error_message());
}

/* ---- query and body ------------------------------------------------------- */

int srv_query(srv_ctx *c, const char *name, char **out)
{
	*out = NULL;
	const char *q = strchr(c->r->uri, '?');
	size_t nl = strlen(name);
	for (const char *p = q ? q + 1 : NULL; p && *p;) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const char *kend = eq ? eq : end;
		if ((size_t)(kend - p) == nl && !memcmp(p, name, nl)) {
			sh_free(*out); /* the last one counts */
			*out = NULL;
			int rc = sh_srv_query_decode(out, eq ? eq + 1 : end,
						     eq ? (size_t)(end - eq - 1) : 0);
			if (rc)
				return rc;
		}
		p = amp ? amp + 1 : NULL;
	}
	return SH_OK;
}

json_t *srv_body_json(srv_ctx *c)
{
	const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16)) {
		srv_error(c, 415, "send the body as application/json");
		return NULL;
	}
	json_error_t err;
	json_t *o = c->r->body.len ? json_loadb((const char *)c->r->body.data, c->r->body.len,
						JSON_REJECT_DUPLICATES, &err)
				   : NULL;
	if (!o || !json_is_object(o)) {
		json_decref(o);
		srv_error(c, 400, "the body is not a JSON object");
		return NULL;
	}
	return o;
}

/* ---- sessions --------------------------------------------------------------- */

/* A capture station's bearer token (Authorization: Bearer <64 hex>): 1 and
 * c->user "station:NAME" when one is given and known, -1 with 401 written
 * when one is given and unknown, 0 when there is none. */
static int station_auth(srv_ctx *c)
{
	const char *h = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Authorization");
	if (!h)
		return 0;
	char name[33];
	if (strncmp(h, "Bearer ", 7) || sh_auth_station_check(c->srv->s, h + 7, name))
		return srv_error(c, 401, "unknown or revoked station token"), -1;
	snprintf(c->station_user, sizeof c->station_user, "station:%s", name);
	c->user = c->station_user;
	c->station = 1;
	return 1;
}

/* What a station may do: create batches, add pages, say where each paper
 * starts (split: a station sends each paper as its own file), commit. */
static int station_route(const srv_route *rt)
{
	return !strcmp(rt->method, "POST") &&
	       (!strcmp(rt->pattern, "/api/v1/batches") ||
		!strcmp(rt->pattern, "/api/v1/batches/{name}/pages") ||
		!strcmp(rt->pattern, "/api/v1/batches/{name}/split") ||
		!strcmp(rt->pattern, "/api/v1/batches/{name}/commit"));
}

/* The session of a bearer token: a capture station (batches only) or a
 * province's replication token (the replica routes only); the library
 * gives each its one permission and refuses the rest. */
static int station_session(srv_ctx *c, const srv_route *rt)
{
	int replica = !strncmp(rt->pattern, "/api/v1/replica/", 16);
	if (!station_route(rt) && !replica)
		return sh_error_set(SH_EPERM, "a capture station may only create batches, add "
					      "pages, split and commit");
	int rc = sh_wh_session_station(c->srv->s, c->user + 8);
	return rc ? rc : sh_wh_may(c->srv->s, sh_wh_action_perm(rt->perm));
}

static int authenticate(srv_ctx *c)
{
	int st = station_auth(c);
	if (st)
		return st < 0 ? -1 : 0;
	const char *tok = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, "sohoa_session");
	if (!tok || sh_auth_session_get(c->srv->sess, tok, sh_now(), &c->sess))
		return srv_error(c, 401, "log in first (no session, or it expired)"), -1;
	/* the account as it is now: removed or disabled since login ends it */
	int role = 0, disabled = 0;
	int rc = sh_wh_cred_get(c->srv->s, c->sess.user, &role, NULL, &disabled);
	if (rc == SH_ENOTFOUND || rc == SH_EINVAL || disabled) {
		sh_auth_session_end_user(c->srv->sess, c->sess.user);
		return srv_error(c, 401, "this account can no longer log in"), -1;
	}
	if (rc)
		return srv_fail(c, rc), -1;
	c->sess.role = role;
	c->user = c->sess.user;
	c->authed = 1;
	return 0;
}

/* ---- routing ------------------------------------------------------------------ */

/* Split a route pattern and match it against segments; params filled. */
static int match(const char *pattern, char **segs, size_t n, const char **param)
{
	size_t k = 0, np = 0;
	const char *p = pattern + 1;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (k == n)
			return 0;
		if (p[0] == '{') {
			if (np < SRV_MAX_PARAMS)
				param[np++] = segs[k];
		} else if (strlen(segs[k]) != l || memcmp(segs[k], p, l)) {
			return 0;
		}
		k++;
		p += l + (e ? 1 : 0);
	}
	return k == n;
}

static void serve_static(srv_ctx *c, char **segs, size_t n)
{
	if (strcmp(c->method, "GET") && strcmp(c->method, "HEAD")) {
		srv_error(c, 405, "pages are read with GET");
		return;
	}
	sh_buf path = SH_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		sh_buf_printf(&path, "/%s", segs[i]);
	const char *p = n ? (const char *)path.data : "/index.html";
#ifdef SOHOA_HAVE_WEB
	const sh_web_asset *a = p ? sh_web_asset_find(p) : NULL;
	if (a) {
		uint8_t *d = sh_malloc(a->len ? a->len : 1);
		if (d) {
			memcpy(d, a->data, a->len);
			srv_bytes(c, 200, a->mime, d, a->len);
			c->asset = 1;
		} else {
			srv_error(c, 500, "out of memory");
		}
		sh_buf_free(&path);
		return;
	}
#endif
	(void)p;
	sh_buf_free(&path);
	srv_error(c, 404, "no such page");
}

static void dispatch(srv_ctx *c)
{
	char **segs = NULL;
	size_t n = 0;
	if (sh_srv_path_split(c->r->uri, &segs, &n)) {
		srv_error(c, 400, "%s", sh_error_message());
		return;
	}
	if (!n || (strcmp(segs[0], "api") && (strcmp(segs[0], "witness") || !c->srv->wit))) {
		serve_static(c, segs, n);
		sh_srv_path_free(&segs, n);
		return;
	}
	const srv_route *rt = NULL, *tbl = srv_routes;
	size_t ntbl = srv_nroutes;
	if (strcmp(segs[0], "api")) { /* /witness/ */
		tbl = srv_witness_routes;
		ntbl = srv_nwitness_routes;
	}
	int other_method = 0;
	for (size_t i = 0; i < ntbl; i++) {
		const char *prm[SRV_MAX_PARAMS] = {0};
		if (!match(tbl[i].pattern, segs, n, prm))
			continue;
		if (strcmp(tbl[i].method, c->method) &&
		    !(!strcmp(c->method, "HEAD") && !strcmp(tbl[i].method, "GET"))) {
			other_method = 1;
			continue;
		}
		rt = &tbl[i];
		memcpy(c->param, prm, sizeof prm);
		break;
	}
	if (!rt) {
		if (other_method)
			srv_error(c, 405, "method %s not allowed here", c->method);
		else
			srv_error(c, 404, "no such API route");
	} else if (rt->flags & SRV_CITIZEN) {
		srv_citizen_run(c, rt); /* its own session and checks (citizen.c) */
	} else if (!(rt->flags & SRV_PUBLIC) && authenticate(c)) {
		/* 401 written */
	} else if (strcmp(c->method, "GET") && strcmp(c->method, "HEAD") && c->authed &&
		   !sh_auth_csrf_ok(&c->sess, MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
									    "X-CSRF-Token"))) {
		srv_error(c, 403, "missing or wrong X-CSRF-Token header");
	} else {
		/* the session of this request, on this thread, and the route's
		 * permission, both from the library (deny by default); a capture
		 * station may only bring papers in */
		int rc = c->station ? station_session(c, rt)
			 : rt->perm ? sh_wh_session_may(c->srv->s, c->user, rt->perm) : SH_OK;
		if (rc == SH_EPERM)
			srv_error(c, 403, "%s", sh_error_message());
		else if (rc)
			srv_fail(c, rc);
		else
			rt->fn(c);
	}
	sh_srv_path_free(&segs, n);
}

/* ---- MHD callbacks --------------------------------------------------------------- */

static enum MHD_Result send_ctx(srv_ctx *c)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		c->out_len, c->out ? c->out : (void *)"", MHD_RESPMEM_MUST_COPY);
	sh_free(c->out);
	c->out = NULL;
	if (!resp) {
		sh_free(c->location);
		c->location = NULL;
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", c->mime ? c->mime : "application/json");
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	if (c->srv->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	/* personal data is never cached; the pages themselves are revalidated */
	MHD_add_response_header(resp, "Cache-Control", c->asset ? "no-cache" : "no-store");
	if (c->cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", c->cookie);
	if (c->retry_after[0])
		MHD_add_response_header(resp, "Retry-After", c->retry_after);
	if (c->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", c->disposition);
	if (c->location) {
		MHD_add_response_header(resp, "Location", c->location);
		sh_free(c->location);
		c->location = NULL;
	}
	enum MHD_Result r = MHD_queue_response(c->conn, c->status ? c->status : 500, resp);
	MHD_destroy_response(resp);
	return r;
}

static srv_conn *conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? (srv_conn *)ci->socket_context : NULL;
}

static void client_addr(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "-");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

/* Uploads (multipart page files) may be up to max_upload; every other
 * body is a small JSON object. */
static size_t body_limit(const sh_srv *srv, const char *uri)
{
	size_t n = strcspn(uri, "?");
	int upload = (n == 16 && !strncmp(uri, "/api/v1/dossiers", 16)) ||
		     (n > 17 && !strncmp(uri, "/api/v1/dossiers/", 17) &&
		      !strncmp(uri + n - 8, "/results", 8)) ||
		     (n > 22 && !strncmp(uri, "/api/v1/batches/", 16) &&
		      !strncmp(uri + n - 6, "/pages", 6));
	return upload ? srv->max_upload : JSON_BODY_MAX;
}

/* Before an upload's body is read: a session and its CSRF token, so that
 * nobody without an account can make the server hold megabytes. 1 when a
 * refusal was written to c. */
static int early_refusal(srv_ctx *c)
{
	sh_auth_session sess;
	char sname[33];
	const char *bearer = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Authorization");
	if (bearer) /* a station: no cookie, no CSRF (the token is not ambient) */
		return strncmp(bearer, "Bearer ", 7) || sh_auth_station_check(c->srv->s, bearer + 7, sname)
			       ? (srv_error(c, 401, "unknown or revoked station token"), 1)
			       : 0;
	const char *tok = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, "sohoa_session");
	if (!tok || sh_auth_session_get(c->srv->sess, tok, sh_now(), &sess))
		return srv_error(c, 401, "log in first (no session, or it expired)"), 1;
	if (!sh_auth_csrf_ok(&sess, MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
								"X-CSRF-Token")))
		return srv_error(c, 403, "missing or wrong X-CSRF-Token header"), 1;
	return 0;
}

/* ---- held answers ---------------------------------------------------------------
 * An answer that returns audited papers leaves only once the audit of those
 * reads is durable (docs/SERVER.md "Audited reads"). The library queues the
 * entries instead of waiting for their commit (sh_wh_audit_defer_begin),
 * the connection is suspended with its answer held, and the audit's
 * committer thread resumes it once the commit is done: the worker thread
 * serves its other connections meanwhile. srv->amu orders each suspend
 * before its resume (the callback may come at once). */

static void audit_settled(void *arg, int rc, const char *msg)
{
	srv_req *r = arg;
	sh_srv *srv = r->srv; /* r may be gone as soon as the connection resumes */
	pthread_mutex_lock(&srv->amu);
	r->audit_rc = rc;
	snprintf(r->audit_msg, sizeof r->audit_msg, "%s", msg ? msg : "");
	if (r->suspended) {
		r->suspended = 0;
		MHD_resume_connection(r->conn);
	}
	pthread_mutex_unlock(&srv->amu);
}

/* The answer in c must not leave before the audit's rc: an error instead. */
static void audit_failed(srv_ctx *c, int rc, const char *msg)
{
	sh_free(c->location);
	c->location = NULL;
	c->cookie[0] = c->disposition[0] = c->retry_after[0] = 0;
	c->asset = 0;
	srv_error(c, rc == SH_EFULL ? 507 : 500,
		  "the audit of this read could not be written, so nothing is shown: %s",
		  msg && *msg ? msg : "error");
}

/* After dispatch: MHD_YES with the connection suspended and c held in r
 * when the audit of its reads is not durable yet; else the answer is sent. */
static enum MHD_Result answer_after_audit(srv_ctx *c, sh_wh_audit_ticket *t)
{
	sh_srv *srv = c->srv;
	srv_req *r = c->r;
	if (!t)
		return send_ctx(c);
	srv_ctx *h = sh_malloc(sizeof *h);
	int arc = SH_OK;
	pthread_mutex_lock(&srv->amu);
	int pending = sh_wh_audit_ticket_then(t, srv->audit, &arc, audit_settled, r);
	if (pending && (!h || atomic_load(&srv->no_hold))) {
		/* sh_srv_stop has flushed the audit or is flushing it (no
		 * connection may stay suspended), or no memory to hold the
		 * answer: wait here, until the call back is done with r */
		pthread_mutex_unlock(&srv->amu);
		sh_wh_audit_group_flush(srv->audit);
		pthread_mutex_lock(&srv->amu);
		arc = r->audit_rc;
		pending = 0;
		if (arc)
			sh_error_set(arc, "%s", r->audit_msg);
	}
	if (pending) {
		*h = *c;
		h->param[0] = h->param[1] = h->param[2] = NULL; /* freed with the path */
		h->user = NULL;
		r->held = h;
		r->conn = c->conn;
		r->suspended = 1;
		MHD_suspend_connection(c->conn);
		pthread_mutex_unlock(&srv->amu);
		return MHD_YES;
	}
	pthread_mutex_unlock(&srv->amu);
	sh_free(h);
	if (arc)
		audit_failed(c, arc, sh_error_message());
	return send_ctx(c);
}

/* ---- slow requests ----------------------------------------------------------------
 * An upload (OCR of every page, seconds) or a batch commit would hold its
 * worker thread, and every other connection libmicrohttpd gave that thread
 * would wait behind it. Such a request runs in a thread of its own instead:
 * the connection is suspended, the thread dispatches it (the library's
 * session is per thread, so it is begun there), its audit is written before
 * it ends (not deferred), and it resumes the connection with the answer held
 * as above. sh_srv_stop waits for these threads before it stops MHD. */

static int slow_request(const sh_srv *srv, const srv_req *r, const char *method)
{
	size_t n = strcspn(r->uri, "?");
	return !strcmp(method, "POST") &&
	       (body_limit(srv, r->uri) > JSON_BODY_MAX ||
		(n > 23 && !strncmp(r->uri, "/api/v1/batches/", 16) &&
		 !strncmp(r->uri + n - 7, "/commit", 7)));
}

static void *offloaded(void *arg)
{
	srv_ctx *h = arg;
	sh_srv *srv = h->srv;
	srv_req *r = h->r;
	dispatch(h);
	h->param[0] = h->param[1] = h->param[2] = NULL; /* freed with the path */
	h->user = NULL;
	pthread_mutex_lock(&srv->amu);
	r->held = h;
	r->audit_rc = 0;
	r->suspended = 0;
	MHD_resume_connection(r->conn);
	srv->offloads--;
	pthread_cond_broadcast(&srv->offcv);
	pthread_mutex_unlock(&srv->amu);
	return NULL;
}

/* 1 when c was handed to a thread of its own (the connection suspended),
 * 0 when it must be served here (stopping, or no thread). */
static int offload(srv_ctx *c)
{
	sh_srv *srv = c->srv;
	srv_ctx *h = sh_malloc(sizeof *h);
	if (!h)
		return 0;
	*h = *c;
	pthread_attr_t at;
	pthread_t th;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	/* the thread resumes only after the suspend; sh_srv_stop sets no_hold
	 * under the same lock, then waits for every thread started before */
	pthread_mutex_lock(&srv->amu);
	c->r->conn = c->conn;
	int ok = !atomic_load(&srv->no_hold) && pthread_create(&th, &at, offloaded, h) == 0;
	if (ok) {
		srv->offloads++;
		MHD_suspend_connection(c->conn);
	}
	pthread_mutex_unlock(&srv->amu);
	pthread_attr_destroy(&at);
	if (!ok)
		sh_free(h);
	return ok;
}

/* The access callback again, after audit_settled resumed the connection. */
static enum MHD_Result send_held(srv_req *r, struct MHD_Connection *conn)
{
	srv_ctx *h = r->held;
	r->held = NULL;
	h->conn = conn;
	if (r->audit_rc)
		audit_failed(h, r->audit_rc, r->audit_msg);
	enum MHD_Result rv = send_ctx(h);
	sh_free(h);
	return rv;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	sh_srv *srv = cls;
	srv_req *r = *con_cls;
	srv_conn *sc = conn_of(conn);
	if (!r)
		return MHD_NO; /* the URI callback failed to allocate */
	srv_ctx c;
	memset(&c, 0, sizeof c);
	c.srv = srv;
	c.conn = conn;
	c.r = r;
	c.method = method;
	if (r->refused) { /* a response is queued: drop the rest of the body */
		*upload_size = 0;
		return MHD_YES;
	}
	if (!r->started) {
		r->started = 1;
		int body = strcmp(method, "GET") && strcmp(method, "HEAD");
		if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST")) {
			srv_error(&c, 405, "method %s not allowed", method);
		} else {
			const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								     "Content-Length");
			unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
			size_t lim = body_limit(srv, r->uri);
			if (body && cl && len > lim) {
				srv_error(&c, 413, "the body is over the limit of %zu bytes", lim);
			} else if (body && lim > JSON_BODY_MAX && early_refusal(&c)) {
				/* an upload from no session is refused before it is read */
			} else if (body && cl && atomic_load(&srv->buffered) + len > srv->max_buffered) {
				snprintf(c.retry_after, sizeof c.retry_after, "10");
				srv_error(&c, 503, "too many uploads at once: retry shortly");
			} else if (!body && cl && len > 0)
				srv_error(&c, 400, "a %s request has no body", method);
			else
				return MHD_YES;
		}
		r->refused = 1;
		if (sc)
			sc->busy = 1;
		return send_ctx(&c);
	}
	if (*upload_size) {
		size_t lim = body_limit(srv, r->uri);
		if (r->body.len + *upload_size > lim)
			return MHD_NO; /* streamed past the limit: cut the connection */
		if (atomic_fetch_add(&srv->buffered, *upload_size) + *upload_size > srv->max_buffered) {
			atomic_fetch_sub(&srv->buffered, *upload_size);
			return MHD_NO; /* the server holds all the uploads it can */
		}
		r->counted += *upload_size;
		if (sh_buf_put(&r->body, upload_data, *upload_size))
			return MHD_NO;
		if (sc)
			sc->received += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->held)
		return send_held(r, conn);
	if (sc)
		sc->busy = 1;
	client_addr(conn, c.addr, sizeof c.addr);
	(void)url;
	(void)version;
	if (slow_request(srv, r, method) && offload(&c))
		return MHD_YES;
	sh_wh_audit_defer_begin(srv->s);
	dispatch(&c);
	return answer_after_audit(&c, sh_wh_audit_defer_end(srv->s));
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	srv_req *r = sh_calloc(1, sizeof *r);
	if (r && !(r->uri = sh_strdup(uri))) {
		sh_free(r);
		r = NULL;
	}
	sh_srv *srv = cls;
	if (r) {
		r->srv = srv;
		atomic_fetch_add(&srv->inflight, 1);
	}
	(void)conn;
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	sh_srv *srv = cls;
	srv_req *r = *con_cls;
	srv_conn *sc = conn_of(conn);
	if (sc) { /* keep-alive: the next request's clock starts now */
		sc->busy = 0;
		sc->received = 0;
		sc->start = sh_now();
	}
	if (r) {
		if (r->held) { /* not sent (the connection ended): nothing leaves */
			sh_free(r->held->out);
			sh_free(r->held->location);
			sh_free(r->held);
		}
		atomic_fetch_sub(&srv->buffered, r->counted);
		atomic_fetch_sub(&srv->inflight, 1);
		sh_buf_free(&r->body);
		sh_free(r->uri);
		sh_free(r);
		*con_cls = NULL;
	}
	(void)toe;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	sh_srv *srv = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&srv->nconn, 1);
		srv_conn *sc = sh_calloc(1, sizeof *sc);
		if (!sc)
			return;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		sc->fd = ci ? ci->connect_fd : -1;
		sc->start = sh_now();
		pthread_mutex_lock(&srv->cmu);
		sc->next = srv->conns;
		if (srv->conns)
			srv->conns->prev = sc;
		srv->conns = sc;
		pthread_mutex_unlock(&srv->cmu);
		*socket_context = sc;
		return;
	}
	atomic_fetch_sub(&srv->nconn, 1);
	if (*socket_context) {
		srv_conn *sc = *socket_context;
		pthread_mutex_lock(&srv->cmu);
		if (sc->prev)
			sc->prev->next = sc->next;
		else
			srv->conns = sc->next;
		if (sc->next)
			sc->next->prev = sc->prev;
		pthread_mutex_unlock(&srv->cmu);
		sh_free(sc);
		*socket_context = NULL;
	}
}

/* The connections open at once, all addresses together: one over
 * max_connections is closed as soon as it is accepted (a client sees the
 * refusal at once instead of waiting in the listen queue; MHD's own limit,
 * split between its threads, is set above ours). At most one connection
 * per worker thread may slip past while others are being set up. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	sh_srv *srv = cls;
	(void)addr;
	(void)len;
	if (atomic_load(&srv->draining))
		return MHD_NO; /* sh_srv_stop: no new connections */
	return atomic_load(&srv->nconn) >= (int)srv->max_conn ? MHD_NO : MHD_YES;
}

/* A client that sends its request too slowly (one byte a second keeps MHD's
 * idle timeout from firing) is cut off: the request must be received within
 * timeout_s, or keep MIN_RATE bytes a second of body after that. shutdown()
 * makes MHD see the connection end and close it in its own thread. */
static void *watchdog(void *arg)
{
	sh_srv *srv = arg;
	while (!atomic_load(&srv->stopping)) {
		struct timespec ts = {0, 250 * 1000 * 1000};
		nanosleep(&ts, NULL);
		int64_t now = sh_now();
		pthread_mutex_lock(&srv->cmu);
		for (srv_conn *sc = srv->conns; sc; sc = sc->next) {
			int64_t el = now - sc->start;
			if (!sc->busy && sc->fd >= 0 && el > (int64_t)srv->timeout_s &&
			    sc->received < (size_t)(el - srv->timeout_s) * MIN_RATE + 1) {
				shutdown(sc->fd, SHUT_RDWR);
				sc->fd = -1;
			}
		}
		pthread_mutex_unlock(&srv->cmu);
	}
	return NULL;
}

static size_t identity_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s); /* the raw URI is decoded by sh_srv_path_split */
}

/* ---- start and stop -------------------------------------------------------------- */

static int parse_listen(const char *l, struct sockaddr_storage *ss, socklen_t *len, int *loop)
{
	char host[64];
	const char *colon;
	memset(ss, 0, sizeof *ss);
	if (!l || !*l)
		return sh_error_set(SH_EINVAL, "--listen ADDR:PORT is needed");
	if (l[0] == '[') {
		const char *e = strchr(l, ']');
		if (!e || e[1] != ':' || (size_t)(e - l - 1) >= sizeof host)
			return sh_error_set(SH_EINVAL, "--listen: write IPv6 as [ADDR]:PORT");
		memcpy(host, l + 1, (size_t)(e - l - 1));
		host[e - l - 1] = 0;
		colon = e + 1;
	} else {
		colon = strrchr(l, ':');
		if (!colon || (size_t)(colon - l) >= sizeof host)
			return sh_error_set(SH_EINVAL, "--listen takes ADDR:PORT, not '%s'", l);
		memcpy(host, l, (size_t)(colon - l));
		host[colon - l] = 0;
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return sh_error_set(SH_EINVAL, "--listen: a port from 0 to 65535, not '%s'", colon + 1);
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof *s4;
		*loop = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof *s6;
		*loop = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	} else {
		return sh_error_set(SH_EINVAL, "--listen: '%s' is not an IP address", host);
	}
	return SH_OK;
}

static int read_pem(char **out, const char *path)
{
	uint8_t *d = NULL;
	size_t n = 0;
	int rc = sh_file_read(&d, &n, path, 1 << 20);
	if (rc)
		return sh_error_wrap(rc, "TLS: ");
	char *s = sh_malloc(n + 1);
	if (!s) {
		sh_free(d);
		return SH_ENOMEM;
	}
	memcpy(s, d, n);
	s[n] = 0;
	sh_free(d);
	*out = s;
	return SH_OK;
}

static void srv_free(sh_srv *srv)
{
	if (!srv)
		return;
	atomic_store(&srv->stopping, 1);
	srv_job_free(srv); /* waits for a verification under way (it stops at the next paper) */
	srv_citizen_free(srv);
	sh_wh_proc_cat_free(&srv->cat);
	sh_auth_sessions_free(&srv->sess);
	sh_auth_throttle_free(&srv->thr);
	sh_wh_audit_group_free(&srv->audit);
	sh_wit_close(&srv->wit);
	sh_free(srv->province_url);
	if (srv->province_token) {
		memset(srv->province_token, 0, strlen(srv->province_token));
		sh_free(srv->province_token);
	}
	if (srv->key_pem) {
		memset(srv->key_pem, 0, strlen(srv->key_pem));
		sh_free(srv->key_pem);
	}
	sh_free(srv->cert_pem);
	sh_free(srv->pam_service);
	sh_free(srv->pam_confdir);
	pthread_mutex_destroy(&srv->cmu);
	pthread_mutex_destroy(&srv->amu);
	pthread_cond_destroy(&srv->offcv);
	sh_free(srv);
}

int sh_srv_start(sh_srv **out, sh_store *s, const sh_srv_options *o)
{
	*out = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int loop = 0, rc = parse_listen(o->listen, &ss, &sl, &loop);
	if (rc)
		return rc;
	if (!o->tls_cert != !o->tls_key)
		return sh_error_set(SH_EINVAL, "give both --tls-cert and --tls-key, or neither");
	if (!o->tls_cert && !loop)
		return sh_error_set(SH_EINVAL, "plain HTTP is served on a loopback address only: "
					       "give --tls-cert and --tls-key to listen on %s",
				    o->listen);
	if (o->tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return sh_error_set(SH_EINVAL, "this libmicrohttpd was built without TLS");
	if (o->auth_pam && !sh_auth_pam_available())
		return sh_error_set(SH_EINVAL, "this sohoa was built without PAM (libpam0g-dev): "
					       "--auth pam is not available");
	sh_srv *srv = sh_calloc(1, sizeof *srv);
	if (!srv)
		return SH_ENOMEM;
	pthread_mutex_init(&srv->cmu, NULL);
	pthread_mutex_init(&srv->jmu, NULL);
	pthread_mutex_init(&srv->amu, NULL);
	pthread_cond_init(&srv->offcv, NULL);
	srv->s = s;
	srv->key = o->key;
	srv->max_upload = o->max_upload ? o->max_upload : (size_t)64 << 20;
	srv->timeout_s = o->timeout_s ? o->timeout_s : 30;
	/* bodies held at once, all connections together */
	srv->max_buffered = srv->max_upload * 4 > ((size_t)256 << 20) ? srv->max_upload * 4
									: (size_t)256 << 20;
	srv->tls = o->tls_cert != NULL;
	srv->auth_pam = o->auth_pam;
	srv->max_conn = o->max_connections ? o->max_connections : 256;
	/* the tests run several programs at once on two cores: there an
	 * upload's OCR at nice 10 starves behind them (SOHOA_OCR_NICE=0) */
	srv->ocr_nice = SRV_OCR_NICE;
	const char *on = getenv("SOHOA_OCR_NICE");
	if (on && *on && strspn(on, "0123456789") == strlen(on) && strlen(on) <= 2 && atoi(on) <= 19)
		srv->ocr_nice = atoi(on);
	const char *e = getenv("SOHOA_PROCEDURES");
	char *extra = sh_asprintf("%s/procedures.json", sh_store_dir(s));
	if (!extra)
		rc = SH_ENOMEM;
	if (!rc && o->auth_pam &&
	    (!(srv->pam_service = sh_strdup(o->pam_service ? o->pam_service : "sohoa")) ||
	     (o->pam_confdir && !(srv->pam_confdir = sh_strdup(o->pam_confdir)))))
		rc = SH_ENOMEM;
	if (!rc && o->province_url &&
	    (!(srv->province_url = sh_strdup(o->province_url)) ||
	     !(srv->province_token = sh_strdup(o->province_token ? o->province_token : ""))))
		rc = SH_ENOMEM;
	if (!rc && !(rc = sh_store_map_reserve(s)) &&
	    !(rc = sh_wh_proc_cat_load(&srv->cat, e && *e ? e : sh_wh_proc_default_path(), extra)) &&
	    !(rc = sh_auth_sessions_new(&srv->sess, o->session_idle_s ? o->session_idle_s : 1800,
					o->session_max_s ? o->session_max_s : 43200, 4096)) &&
	    !(rc = sh_auth_throttle_new(&srv->thr)) &&
	    !(rc = sh_wh_audit_group_new(&srv->audit, s)) && !(rc = srv_citizen_new(srv, o)) &&
	    !(rc = o->witness_dir ? sh_wit_open(&srv->wit, o->witness_dir) : SH_OK) && srv->tls &&
	    !(rc = read_pem(&srv->cert_pem, o->tls_cert)))
		rc = read_pem(&srv->key_pem, o->tls_key);
	sh_free(extra);
	if (rc) {
		srv_free(srv);
		return rc;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_ALLOW_SUSPEND_RESUME; /* held answers */
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (srv->tls)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem opts[] = {
		{MHD_OPTION_SOCK_ADDR, 0, &ss},
		{MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : 16, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, srv->timeout_s, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, srv->max_conn * 2 + 8, NULL}, /* accept_policy's is lower */
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip ? o->per_ip : 64, NULL},
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, HEADER_MEMORY, NULL},
		{MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, srv},
		{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv},
		{MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, srv},
		{MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)identity_unescape, NULL},
		{srv->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->cert_pem},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key_pem},
		{MHD_OPTION_END, 0, NULL},
	};
	srv->d = MHD_start_daemon(flags, 0, accept_policy, srv, on_request, srv, MHD_OPTION_ARRAY, opts,
				  MHD_OPTION_END);
	if (!srv->d) {
		rc = sh_error_set(SH_EIO, "cannot listen on %s (address in use, or not this "
					  "machine's%s)", o->listen, srv->tls ? "; or the TLS files are not "
									 "a PEM certificate and key" : "");
		srv_free(srv);
		return rc;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : 0;
	if (pthread_create(&srv->watchdog, NULL, watchdog, srv) == 0)
		srv->watchdog_on = 1;
	*out = srv;
	return SH_OK;
}

unsigned sh_srv_port(const sh_srv *srv) { return srv->port; }
int sh_srv_tls(const sh_srv *srv) { return srv->tls; }

void sh_srv_stop(sh_srv **p, unsigned grace_s)
{
	sh_srv *srv = p ? *p : NULL;
	if (!srv)
		return;
	/* No new connection from here on: each is turned away as it is
	 * accepted. Not MHD_quiesce_daemon: with a thread pool on epoll,
	 * libmicrohttpd 0.9.75 takes the listening socket out of each worker's
	 * epoll set from this thread while a worker that is awake does the
	 * same, and the loser of that race aborts the process (MHD_PANIC
	 * "Failed to remove listen FD from epoll set"): server.limits saw a
	 * SIGTERM exit -6 once, under load, just after its clients closed.
	 * MHD_stop_daemon closes the socket once its threads have ended. */
	atomic_store(&srv->draining, 1);
	for (unsigned i = 0; i < grace_s * 20 && atomic_load(&srv->inflight) > 0; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	/* every held answer's audit settled and its connection resumed: MHD
	 * must not stop with a connection suspended */
	pthread_mutex_lock(&srv->amu); /* slow requests finish (their connections resume) */
	atomic_store(&srv->no_hold, 1);
	while (srv->offloads)
		pthread_cond_wait(&srv->offcv, &srv->amu);
	pthread_mutex_unlock(&srv->amu);
	sh_wh_audit_group_flush(srv->audit);
	atomic_store(&srv->stopping, 1);
	if (srv->watchdog_on)
		pthread_join(srv->watchdog, NULL);
	MHD_stop_daemon(srv->d);
	srv_free(srv);
	*p = NULL;
}
