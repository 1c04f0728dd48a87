/* The citizen's own warehouse on the office server (docs/CITIZEN.md):
 * login through the identity service (oidc/, sh_oidc.h), the citizen's
 * session (its own cookie and table: an officer's session never serves
 * here and a citizen's never serves an officer's route), and the routes
 * under /api/v1/me/. Every check of the owner is in the library
 * (sh_wh_session_citizen, then the sh_wh_* calls); a handler checks the
 * form of its inputs, calls the library and writes JSON. */
#define _GNU_SOURCE
#include "srv_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sh_arch.h"
#include "sh_oidc.h"
#include "sh_pdf.h"
#include "sh_scan.h"

#define PENDING_MAX 512       /* logins begun and not finished */
#define PENDING_TTL 600       /* seconds a login may take at the provider */
#define PAPER_CODES (SH_CODE_PAPER | SH_CODE_RESULT)

typedef struct pending {
	sh_oidc_login l;
	int used;
} pending;

struct srv_citizen {
	pthread_mutex_t mu;
	sh_oidc_config cfg;       /* strings below */
	char *issuer, *client, *secret, *redirect, *claim, *company_claim;
	sh_oidc *oidc;            /* made on first login (the port is known then) */
	sh_auth_sessions *sess;
	pending pend[PENDING_MAX];
	sh_pdf_signer *signer;    /* signs PDF downloads, or NULL (PDF/A unsigned) */
};

int srv_citizen_new(sh_srv *srv, const sh_srv_options *o)
{
	if (!o->oidc)
		return SH_OK;
	struct srv_citizen *c = sh_calloc(1, sizeof *c);
	if (!c)
		return SH_ENOMEM;
	pthread_mutex_init(&c->mu, NULL);
	srv->cit = c;
	const sh_oidc_config *g = o->oidc;
	c->cfg = *g;
	c->cfg.issuer = c->issuer = g->issuer ? sh_strdup(g->issuer) : NULL;
	c->cfg.client_id = c->client = g->client_id ? sh_strdup(g->client_id) : NULL;
	c->cfg.client_secret = c->secret = g->client_secret ? sh_strdup(g->client_secret) : NULL;
	c->cfg.redirect_uri = c->redirect = g->redirect_uri ? sh_strdup(g->redirect_uri) : NULL;
	c->cfg.claim = c->claim = g->claim ? sh_strdup(g->claim) : NULL;
	c->cfg.company_claim = c->company_claim =
		g->company_claim ? sh_strdup(g->company_claim) : NULL;
	c->cfg.scope = NULL;
	/* checked now so a mistake stops `sohoa serve` at once */
	sh_oidc_config probe = c->cfg;
	if (!probe.redirect_uri)
		probe.redirect_uri = "http://127.0.0.1/api/v1/me/callback";
	sh_oidc *t = NULL;
	int rc = sh_oidc_new(&t, &probe);
	sh_oidc_free(&t);
	if (!rc)
		rc = sh_auth_sessions_new(&c->sess, o->session_idle_s ? o->session_idle_s : 1800,
					  o->session_max_s ? o->session_max_s : 43200, 65536);
	if (!rc && o->pdf_sign_key)
		rc = sh_pdf_signer_open(&c->signer, o->pdf_sign_key, o->pdf_sign_pin,
					o->pdf_sign_chain);
	return rc;
}

void srv_citizen_free(sh_srv *srv)
{
	struct srv_citizen *c = srv->cit;
	if (!c)
		return;
	sh_oidc_free(&c->oidc);
	sh_auth_sessions_free(&c->sess);
	sh_pdf_signer_free(&c->signer);
	if (c->secret)
		memset(c->secret, 0, strlen(c->secret));
	sh_free(c->issuer);
	sh_free(c->client);
	sh_free(c->secret);
	sh_free(c->redirect);
	sh_free(c->claim);
	sh_free(c->company_claim);
	memset(c->pend, 0, sizeof c->pend);
	pthread_mutex_destroy(&c->mu);
	sh_free(c);
	srv->cit = NULL;
}

static int oidc_get(sh_srv *srv, sh_oidc **out)
{
	struct srv_citizen *c = srv->cit;
	int rc = SH_OK;
	pthread_mutex_lock(&c->mu);
	if (!c->oidc) {
		sh_oidc_config cfg = c->cfg;
		char *r = NULL;
		if (!cfg.redirect_uri) {
			r = sh_asprintf("%s://127.0.0.1:%u/api/v1/me/callback",
					srv->tls ? "https" : "http", srv->port);
			cfg.redirect_uri = r;
		}
		rc = r || cfg.redirect_uri ? sh_oidc_new(&c->oidc, &cfg) : SH_ENOMEM;
		sh_free(r);
	}
	*out = c->oidc;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

/* ---- the citizen's session ---------------------------------------------------- */

/* The session's user: "citizen:<personal id>[:<tax code>]". */
static void user_split(const char *user, char person[16], char company[16])
{
	person[0] = company[0] = 0;
	if (strncmp(user, "citizen:", 8))
		return;
	const char *p = user + 8, *colon = strchr(p, ':');
	size_t n = colon ? (size_t)(colon - p) : strlen(p);
	if (n < 16) {
		memcpy(person, p, n);
		person[n] = 0;
	}
	if (colon && strlen(colon + 1) < 16)
		snprintf(company, 16, "%s", colon + 1);
}

void srv_citizen_run(srv_ctx *c, const srv_route *rt)
{
	if (!c->srv->cit) {
		srv_error(c, 503, "citizens cannot log in to this server (sohoa serve --oidc-issuer)");
		return;
	}
	if (rt->flags & SRV_PUBLIC) {
		rt->fn(c);
		return;
	}
	const char *tok = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, "sohoa_citizen");
	if (!tok || sh_auth_session_get(c->srv->cit->sess, tok, sh_now(), &c->sess)) {
		srv_error(c, 401, "log in with VNeID first (no session, or it expired)");
		return;
	}
	c->authed = 1;
	c->user = c->sess.user;
	if (strcmp(c->method, "GET") && strcmp(c->method, "HEAD") &&
	    !sh_auth_csrf_ok(&c->sess, MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
								    "X-CSRF-Token"))) {
		srv_error(c, 403, "missing or wrong X-CSRF-Token header");
		return;
	}
	char person[16], company[16];
	user_split(c->sess.user, person, company);
	/* the library's citizen session: OWN only, the owners it may read */
	int rc = sh_wh_session_citizen(c->srv->s, person, company[0] ? company : NULL, rt->perm);
	if (!rc)
		rc = sh_wh_may(c->srv->s, sh_wh_action_perm(rt->perm));
	if (rc == SH_EPERM)
		srv_error(c, 403, "%s", sh_error_message());
	else if (rc)
		srv_fail(c, rc);
	else
		rt->fn(c);
}

/* ---- login ------------------------------------------------------------------------ */

int srv_me_login(srv_ctx *c)
{
	struct srv_citizen *ct = c->srv->cit;
	sh_oidc *o;
	sh_oidc_login l;
	char *url = NULL;
	int rc = oidc_get(c->srv, &o);
	if (!rc)
		rc = sh_oidc_login_begin(o, &l, &url);
	if (rc)
		return srv_error(c, 502, "%s", sh_error_message());
	int64_t now = sh_now();
	pthread_mutex_lock(&ct->mu);
	size_t slot = 0, oldest = 0;
	for (; slot < PENDING_MAX; slot++) {
		if (!ct->pend[slot].used || ct->pend[slot].l.created + PENDING_TTL < now)
			break;
		if (ct->pend[slot].l.created < ct->pend[oldest].l.created)
			oldest = slot;
	}
	if (slot == PENDING_MAX)
		slot = oldest; /* the oldest login in progress gives way */
	ct->pend[slot].l = l;
	ct->pend[slot].used = 1;
	pthread_mutex_unlock(&ct->mu);
	/* the login is bound to this browser: the callback must bring the same state */
	snprintf(c->cookie, sizeof c->cookie,
		 "sohoa_login=%s; HttpOnly; SameSite=Lax; Path=/api/v1/me/; Max-Age=%d%s", l.state,
		 PENDING_TTL, c->srv->tls ? "; Secure" : "");
	memset(&l, 0, sizeof l);
	c->location = url;
	return srv_json(c, 302, json_pack("{s:s}", "location", url));
}

int srv_me_callback(srv_ctx *c)
{
	struct srv_citizen *ct = c->srv->cit;
	char *state = NULL, *code = NULL, *err = NULL;
	if (srv_query(c, "state", &state) || srv_query(c, "code", &code) ||
	    srv_query(c, "error", &err)) {
		sh_free(state), sh_free(code), sh_free(err);
		return srv_error(c, 400, "%s", sh_error_message());
	}
	const char *bound = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, "sohoa_login");
	sh_oidc_login l;
	int found = 0;
	int64_t now = sh_now();
	if (state && bound && !strcmp(state, bound)) {
		pthread_mutex_lock(&ct->mu);
		for (size_t i = 0; i < PENDING_MAX; i++)
			if (ct->pend[i].used && !strcmp(ct->pend[i].l.state, state)) {
				found = ct->pend[i].l.created + PENDING_TTL >= now;
				l = ct->pend[i].l;
				memset(&ct->pend[i], 0, sizeof ct->pend[i]); /* one use */
				break;
			}
		pthread_mutex_unlock(&ct->mu);
	}
	int rc = SH_OK;
	unsigned status = 200;
	sh_oidc_identity id;
	sh_oidc *o = NULL;
	if (err) {
		status = 401;
		rc = sh_error_set(SH_EPERM, "the identity service did not log you in (%.60s)", err);
	} else if (!found) {
		status = 400;
		rc = sh_error_set(SH_EINVAL, "this login is unknown, used or too old: start again");
	} else if ((rc = oidc_get(c->srv, &o)) || (rc = sh_oidc_login_finish(o, &l, code, 0, &id))) {
		status = rc == SH_EIO ? 502 : 401;
	}
	memset(&l, 0, sizeof l);
	sh_free(state), sh_free(code), sh_free(err);
	if (rc) {
		sh_wh_audit_read(c->srv->s, "-", "citizen-login-failed", c->addr, NULL, 0);
		return srv_error(c, status, "%s", sh_error_message());
	}
	char user[40], token[SH_AUTH_TOKEN_HEX], csrf[SH_AUTH_TOKEN_HEX];
	snprintf(user, sizeof user, "citizen:%s%s%s", id.personal_id, id.tax_code[0] ? ":" : "",
		 id.tax_code);
	if ((rc = sh_auth_session_new(ct->sess, user, 0, now, token, csrf)))
		return srv_fail(c, rc);
	sh_wh_audit_read(c->srv->s, user, "citizen-login", c->addr, NULL, 0);
	snprintf(c->cookie, sizeof c->cookie,
		 "sohoa_citizen=%s; HttpOnly; SameSite=Lax; Path=/%s", token,
		 c->srv->tls ? "; Secure" : "");
	memset(token, 0, sizeof token);
	c->location = sh_strdup("/kho-cua-toi.html");
	return srv_json(c, 303, json_pack("{s:s}", "location", "/kho-cua-toi.html"));
}

int srv_me_logout(srv_ctx *c)
{
	const char *tok = MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, "sohoa_citizen");
	sh_auth_session_end(c->srv->cit->sess, tok);
	snprintf(c->cookie, sizeof c->cookie, "sohoa_citizen=; HttpOnly; SameSite=Lax; Path=/; "
					      "Max-Age=0%s", c->srv->tls ? "; Secure" : "");
	return srv_json(c, 200, json_pack("{s:b}", "ok", 1));
}

int srv_me_session(srv_ctx *c)
{
	const char *own[SH_WH_CITIZEN_OWNERS];
	size_t n = sh_wh_citizen_owners(c->srv->s, own, SH_WH_CITIZEN_OWNERS);
	json_t *owners = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(owners, json_string(own[i]));
	const char *co = sh_wh_citizen_company(c->srv->s);
	return srv_json(c, 200, json_pack("{s:s, s:s, s:o, s:o}", "csrf", c->sess.csrf,
					  "personal_id", sh_wh_citizen(c->srv->s), "company",
					  co ? json_string(co) : json_null(), "owners", owners));
}

/* ---- papers ------------------------------------------------------------------------ */

static json_t *when_json(int64_t t)
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

static json_t *validity_json(const sh_wh_validity *v)
{
	json_t *o = json_pack("{s:s}", "status", sh_wh_validity_status_name(v->status));
	json_object_set_new(o, "valid_until",
			    v->valid_until == SH_WH_NEVER ? json_null() : day_json(v->valid_until - 1));
	if (v->status == SH_WH_REVOKED) {
		json_object_set_new(o, "revoked", when_json(v->revoked_at));
		json_object_set_new(o, "reason", srv_str(v->reason));
	}
	return o;
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

int srv_me_papers(srv_ctx *c)
{
	const char *own[SH_WH_CITIZEN_OWNERS];
	size_t no = sh_wh_citizen_owners(c->srv->s, own, SH_WH_CITIZEN_OWNERS);
	json_t *arr = json_array();
	for (size_t k = 0; k < no; k++) {
		sh_wh_owner_paper *p = NULL;
		size_t n = 0;
		int rc = sh_wh_owner_papers(c->srv->s, c->srv->cat, own[k], 0, &p, &n);
		if (rc) {
			json_decref(arr);
			return srv_fail(c, rc);
		}
		for (size_t i = 0; i < n; i++) {
			const char *dash = strrchr(p[i].code, '-');
			int result = dash && !strncmp(dash + 1, "KQ", 2) && strstr(p[i].code, "-KQ");
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:I, s:o}",
					       "owner", own[k], "code", p[i].code, "kind", p[i].kind,
					       "kind_name",
					       srv_str(sh_wh_kind_name(c->srv->cat, p[i].kind)),
					       "dossier", srv_str(p[i].dossier), "created",
					       when_json(p[i].created), "result", result, "validity",
					       validity_json(&p[i].validity), "reused",
					       (json_int_t)p[i].reused, "facts", facts_json(p[i].facts)));
		}
		sh_wh_owner_papers_free(&p, n);
	}
	return srv_json(c, 200, json_pack("{s:o}", "papers", arr));
}

/* The paper of the URL, through the library's owner check (404 for a code
 * that is not yours, malformed or not; the attempt is audited there). */
static int my_paper(srv_ctx *c, sh_store_paper_rec **p)
{
	int rc = sh_wh_paper_get(c->srv->s, c->param[0], p);
	if (rc)
		srv_fail(c, rc);
	return rc;
}

int srv_me_paper(srv_ctx *c)
{
	sh_store_paper_rec *p = NULL;
	sh_wh_validity v;
	if (my_paper(c, &p))
		return 0;
	int rc = sh_wh_validity_of(c->srv->s, c->srv->cat, p->code, 0, &v);
	if (rc) {
		sh_store_paper_rec_free(&p);
		return srv_fail(c, rc);
	}
	json_t *pages = json_array();
	for (size_t i = 0; i < p->npages; i++)
		json_array_append_new(pages, json_pack("{s:I, s:i, s:i}", "n", (json_int_t)(i + 1),
						       "width", p->pages[i].width, "height",
						       p->pages[i].height));
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "code",
			      srv_str(p->code), "dossier", srv_str(p->dossier), "owner",
			      srv_str(p->owner), "kind", srv_str(p->kind), "kind_name",
			      srv_str(sh_wh_kind_name(c->srv->cat, p->kind)), "facts",
			      facts_json(p->facts), "created", when_json(p->created), "validity",
			      validity_json(&v), "pages", pages);
	sh_store_paper_rec_free(&p);
	return srv_json(c, 200, o);
}

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

int srv_me_page(srv_ctx *c)
{
	long long n = number(c->param[1], 1, 100000);
	char *w_s = NULL;
	if (n < 0)
		return srv_error(c, 400, "a page number from 1");
	if (srv_query(c, "w", &w_s))
		return srv_error(c, 400, "%s", sh_error_message());
	long long w = w_s ? number(w_s, SH_SCAN_PREVIEW_MIN, SH_SCAN_PREVIEW_MAX) : 480;
	sh_free(w_s);
	if (w < 0)
		return srv_error(c, 400, "?w= takes a width from %d to %d pixels",
				 SH_SCAN_PREVIEW_MIN, SH_SCAN_PREVIEW_MAX);
	sh_store_paper_rec *p = NULL;
	if (my_paper(c, &p))
		return 0;
	uint8_t *img = NULL, *prev = NULL;
	size_t len = 0, plen = 0;
	int rc = (size_t)n > p->npages ? sh_error_set(SH_ENOTFOUND, "paper %s has %zu page(s)",
						      p->code, p->npages)
				       : sh_store_blob_get(c->srv->s, p->pages[n - 1].image_sha,
							   &img, &len);
	if (!rc)
		rc = sh_scan_preview(&prev, &plen, img, len, (int)w);
	sh_store_paper_rec_free(&p);
	sh_free(img);
	if (rc)
		return srv_fail(c, rc);
	return srv_bytes(c, 200, "image/png", prev, plen);
}

static char *tmp_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *base = sh_asprintf("%s/sohoa-me-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (base && !mkdtemp(base)) {
		sh_free(base);
		base = NULL;
	}
	return base;
}

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return sh_error_set(SH_EIO, "cannot read the file made for you");
	sh_buf b = SH_BUF_INIT;
	char chunk[65536];
	size_t k;
	int rc = SH_OK;
	while (!rc && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = sh_buf_put(&b, chunk, k);
	fclose(f);
	if (rc) {
		sh_buf_free(&b);
		return rc;
	}
	*len = b.len;
	*out = (uint8_t *)sh_buf_detach(&b);
	return *out ? SH_OK : SH_ENOMEM;
}

int srv_me_pdf(srv_ctx *c)
{
	sh_store_paper_rec *p = NULL;
	if (my_paper(c, &p))
		return 0;
	char *dir = tmp_dir(), *path = dir ? sh_asprintf("%s/%s.pdf", dir, p->code) : NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = path ? SH_OK : sh_error_set(SH_EIO, "no temporary folder for the PDF");
	if (!rc) {
		sh_pdf_export_opts o = {.user = c->user, .command = "me-pdf",
					.signer = c->srv->cit->signer,
					.sig_name = sh_store_agency(c->srv->s),
					.sig_reason = "Bản sao điện tử từ Kho của tôi"};
		rc = sh_pdf_export(c->srv->s, p->code, path, &o, NULL);
	}
	if (!rc)
		rc = read_file(path, &data, &len);
	if (path)
		unlink(path);
	if (dir)
		rmdir(dir);
	sh_free(path);
	sh_free(dir);
	if (rc) {
		sh_store_paper_rec_free(&p);
		return srv_fail(c, rc);
	}
	snprintf(c->disposition, sizeof c->disposition, "attachment; filename=\"%s.pdf\"", p->code);
	sh_store_paper_rec_free(&p);
	return srv_bytes(c, 200, "application/pdf", data, len);
}

int srv_me_proof(srv_ctx *c)
{
	sh_store_paper_rec *p = NULL;
	if (my_paper(c, &p))
		return 0;
	char *base = tmp_dir(), *dir = base ? sh_asprintf("%s/bundle", base) : NULL;
	sh_buf tar = SH_BUF_INIT;
	int rc = dir ? SH_OK : sh_error_set(SH_EIO, "proof bundle: no temporary folder");
	if (!rc)
		rc = sh_ledger_export_proof(c->srv->s, p->code, dir);
	if (!rc)
		rc = srv_tar_dir(dir, p->code, &tar);
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

/* ---- who looked ------------------------------------------------------------------------ */

int srv_me_reads(srv_ctx *c)
{
	const char *own[SH_WH_CITIZEN_OWNERS];
	size_t no = sh_wh_citizen_owners(c->srv->s, own, SH_WH_CITIZEN_OWNERS);
	json_t *arr = json_array();
	const char *agency = sh_store_agency(c->srv->s);
	for (size_t k = 0; k < no; k++) {
		sh_wh_audit_rec *a = NULL;
		size_t n = 0;
		int rc = sh_wh_mine_reads(c->srv->s, own[k], &a, &n);
		if (rc) {
			json_decref(arr);
			return srv_fail(c, rc);
		}
		for (size_t i = 0; i < n; i++) {
			int citizen = !strncmp(a[i].user, "citizen:", 8);
			int self = citizen && !strncmp(a[i].user + 8, sh_wh_citizen(c->srv->s), 12);
			/* at the province, another office that fetched the paper for
			 * reuse there (docs/REPLICATION.md): that office's agency */
			int office = !strncmp(a[i].user, "office:", 7);
			const char *who = self	     ? "owner"
					  : citizen ? "citizen"
					  : office  ? "office"
						    : "officer";
			/* another citizen is shown only as such: their id is theirs */
			json_array_append_new(
				arr, json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:b}",
					       "owner", own[k], "when", when_json(a[i].when), "who",
					       who, "user",
					       citizen && !self ? json_string("citizen")
								: srv_str(a[i].user),
					       "agency",
					       office	  ? srv_str(a[i].user + 7)
					       : agency ? json_string(agency)
							: json_null(),
					       "action", srv_str(a[i].command), "paper",
					       srv_str(a[i].code), "dossier",
					       a[i].dossier[0] ? srv_str(a[i].dossier) : json_null(),
					       "refused", !strcmp(a[i].command, "refused")));
		}
		sh_free(a);
	}
	return srv_json(c, 200, json_pack("{s:o}", "reads", arr));
}

/* ---- shares -------------------------------------------------------------------------- */

static json_t *share_json(const sh_wh_share *s, int with_code)
{
	json_t *p = json_array();
	for (size_t i = 0; i < s->npapers; i++)
		json_array_append_new(p, json_string(s->papers[i]));
	int64_t now = sh_now();
	const char *state = s->revoked ? "revoked" : s->expires <= now ? "expired" : "active";
	return json_pack("{s:o, s:s, s:s, s:o, s:o, s:s, s:I, s:o}", "code",
			 with_code ? json_string(s->code) : json_null(), "owner", s->owner,
			 "procedure", s->procedure, "created", when_json(s->created), "expires",
			 when_json(s->expires), "state", state, "uses", (json_int_t)s->uses, "papers",
			 p);
}

int srv_me_shares(srv_ctx *c)
{
	sh_wh_share *s = NULL;
	size_t n = 0;
	int rc = sh_wh_share_list(c->srv->s, &s, &n);
	if (rc)
		return srv_fail(c, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, share_json(&s[i], 1));
	sh_free(s);
	return srv_json(c, 200, json_pack("{s:o}", "shares", arr));
}

int srv_me_share_new(srv_ctx *c)
{
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *proc = json_string_value(json_object_get(b, "procedure"));
	const char *owner = json_string_value(json_object_get(b, "owner"));
	json_t *papers = json_object_get(b, "papers"), *days = json_object_get(b, "days");
	const char *codes[SH_WH_SHARE_PAPERS];
	size_t n = json_array_size(papers);
	if (!proc || !json_is_array(papers) || !n || n > SH_WH_SHARE_PAPERS ||
	    (days && !json_is_integer(days))) {
		json_decref(b);
		return srv_error(c, 400, "give \"procedure\", \"papers\" (1 to %d codes) and "
					 "\"days\"", SH_WH_SHARE_PAPERS);
	}
	for (size_t i = 0; i < n; i++)
		if (!(codes[i] = json_string_value(json_array_get(papers, i)))) {
			json_decref(b);
			return srv_error(c, 400, "\"papers\" holds paper codes");
		}
	long long d = days ? json_integer_value(days) : 30;
	sh_wh_share s;
	int rc = sh_wh_share_create(c->srv->s, c->srv->key, c->srv->cat,
				    owner ? owner : sh_wh_citizen(c->srv->s), proc, codes, n,
				    d < 0 || d > 1000 ? 0 : (int)d, &s);
	json_decref(b);
	if (rc)
		return srv_fail(c, rc);
	return srv_json(c, 201, share_json(&s, 1));
}

/* The share code as a QR code (SVG) for the desk's reader: one of mine only. */
int srv_me_share_qr(srv_ctx *c)
{
	sh_wh_share *s = NULL;
	size_t n = 0;
	int rc = sh_wh_share_list(c->srv->s, &s, &n), found = 0;
	for (size_t i = 0; !rc && i < n; i++)
		found |= !strcmp(s[i].code, c->param[0]);
	sh_free(s);
	if (rc)
		return srv_fail(c, rc);
	if (!found)
		return srv_error(c, 404, "no such share among yours");
	char *svg = NULL;
	size_t len = 0;
	rc = sh_arch_qr_svg(&svg, &len, c->param[0]);
	return rc ? srv_fail(c, rc) : srv_bytes(c, 200, "image/svg+xml", (uint8_t *)svg, len);
}

int srv_me_share_revoke(srv_ctx *c)
{
	int rc = sh_wh_share_revoke(c->srv->s, c->srv->key, c->param[0]);
	return rc ? srv_fail(c, rc) : srv_json(c, 200, json_pack("{s:b}", "revoked", 1));
}

/* At the desk: the papers a share code offers (the officer's route). */
int srv_share_use(srv_ctx *c)
{
	char *dossier = NULL;
	if (srv_query(c, "dossier", &dossier))
		return srv_error(c, 400, "%s", sh_error_message());
	sh_wh_share s;
	int rc = sh_wh_share_use(c->srv->s, c->srv->key, c->srv->cat, c->param[0], dossier, &s);
	sh_free(dossier);
	if (rc)
		return srv_fail(c, rc);
	json_t *papers = json_array();
	for (size_t i = 0; i < s.npapers; i++) {
		sh_store_paper_rec *p = NULL;
		if (sh_store_paper_get(c->srv->s, s.papers[i], &p))
			continue;
		json_array_append_new(papers, json_pack("{s:o, s:o, s:o, s:o}", "code",
							srv_str(p->code), "kind", srv_str(p->kind),
							"kind_name",
							srv_str(sh_wh_kind_name(c->srv->cat, p->kind)),
							"facts", facts_json(p->facts)));
		sh_store_paper_rec_free(&p);
	}
	return srv_json(c, 200, json_pack("{s:s, s:s, s:o, s:o}", "owner", s.owner, "procedure",
					  s.procedure, "expires", when_json(s.expires), "papers",
					  papers));
}

/* At the desk: attach one of a share's papers to the dossier being received. */
int srv_share_attach(srv_ctx *c)
{
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	uint64_t idx = 0;
	const char *dossier = json_string_value(json_object_get(b, "dossier"));
	const char *paper = json_string_value(json_object_get(b, "paper"));
	int rc = sh_wh_share_attach(c->srv->s, c->srv->key, c->srv->cat, c->param[0], dossier, paper,
				    &idx);
	json_t *o = rc ? NULL : json_pack("{s:s, s:s, s:I}", "dossier", dossier, "paper", paper,
					  "log_index", (json_int_t)idx);
	json_decref(b);
	return rc ? srv_fail(c, rc) : srv_json(c, 200, o);
}

/* ---- corrections ----------------------------------------------------------------------- */

static json_t *corr_json(const sh_wh_correction *r)
{
	static const char *const states[] = {"open", "applied", "rejected"};
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "id",
			 (json_int_t)r->id, "paper", r->paper, "owner", r->owner, "fact", r->fact,
			 "value", r->value, "note", srv_str(r->note), "created",
			 when_json(r->created), "state", states[r->state >= 0 && r->state < 3 ? r->state : 0],
			 "clerk", r->clerk[0] ? srv_str(r->clerk) : json_null(), "log_index",
			 r->state == 1 ? json_integer((json_int_t)r->log_index) : json_null());
}

static int corr_list(srv_ctx *c, int open_only)
{
	sh_wh_correction *r = NULL;
	size_t n = 0;
	int rc = sh_wh_correction_list(c->srv->s, open_only, &r, &n);
	if (rc)
		return srv_fail(c, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, corr_json(&r[i]));
	sh_free(r);
	return srv_json(c, 200, json_pack("{s:o}", "corrections", arr));
}

int srv_me_corrections(srv_ctx *c) { return corr_list(c, 0); }

int srv_me_correct(srv_ctx *c)
{
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	uint64_t id = 0;
	int rc = sh_wh_correction_report(c->srv->s, json_string_value(json_object_get(b, "paper")),
					 json_string_value(json_object_get(b, "fact")),
					 json_string_value(json_object_get(b, "value")),
					 json_string_value(json_object_get(b, "note")), &id);
	json_decref(b);
	return rc ? srv_fail(c, rc) : srv_json(c, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

int srv_corrections(srv_ctx *c)
{
	char *all = NULL;
	if (srv_query(c, "all", &all))
		return srv_error(c, 400, "%s", sh_error_message());
	int open_only = !all;
	sh_free(all);
	return corr_list(c, open_only);
}

int srv_correction_apply(srv_ctx *c)
{
	long long id = number(c->param[0], 1, (long long)1 << 50);
	if (id < 0)
		return srv_error(c, 400, "a correction is named by its number");
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	const char *action = json_string_value(json_object_get(b, "action"));
	int reject = action && !strcmp(action, "reject");
	if (!action || (!reject && strcmp(action, "apply"))) {
		json_decref(b);
		return srv_error(c, 400, "\"action\": \"apply\" or \"reject\"");
	}
	sh_wh_correction r;
	int rc = sh_wh_correction_apply(c->srv->s, c->srv->key, (uint64_t)id,
					json_string_value(json_object_get(b, "value")), reject, &r);
	json_decref(b);
	return rc ? srv_fail(c, rc) : srv_json(c, 200, corr_json(&r));
}

/* ---- companies -------------------------------------------------------------------------- */

int srv_me_delegates(srv_ctx *c)
{
	char (*ids)[16] = NULL;
	size_t n = 0;
	int rc = sh_wh_delegate_list(c->srv->s, &ids, &n);
	if (rc)
		return srv_fail(c, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(ids[i]));
	sh_free(ids);
	return srv_json(c, 200, json_pack("{s:o}", "employees", arr));
}

int srv_me_delegate(srv_ctx *c)
{
	json_t *b = srv_body_json(c);
	if (!b)
		return 0;
	json_t *allow = json_object_get(b, "allow");
	int rc = sh_wh_delegate(c->srv->s, json_string_value(json_object_get(b, "employee")),
				!json_is_false(allow));
	json_decref(b);
	return rc ? srv_fail(c, rc) : srv_json(c, 200, json_pack("{s:b}", "ok", 1));
}
