/* OpenID Connect relying party (sh_oidc.h): libcurl for the provider's
 * documents and the token request, librhonabwy for the JWS and the JWKS,
 * jansson for the claims. */
#define _GNU_SOURCE
#include "sh_oidc.h"

#include <curl/curl.h>
#include <gcrypt.h>
#include <jansson.h>
#include <pthread.h>
#include <rhonabwy.h>
#include <stdio.h>
#include <string.h>

#define DOC_MAX ((size_t)1 << 20) /* provider answers larger than this are refused */
#define TOKEN_MAX ((size_t)64 << 10)

struct sh_oidc {
	char *issuer, *client_id, *secret, *redirect, *claim, *company_claim, *scope;
	int64_t leeway;
	pthread_mutex_t mu;
	int discovered;            /* endpoints known */
	char *auth_ep, *token_ep, *jwks_uri;
	jwks_t *jwks;              /* NULL until fetched or set */
	int jwks_fixed;            /* set by sh_oidc_set_jwks: never re-fetched */
};

/* ---- small helpers -------------------------------------------------------- */

static int loopback_http(const char *url)
{
	static const char *const hosts[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};
	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
		size_t n = strlen(hosts[i]);
		if (!strncmp(url, hosts[i], n) && (url[n] == ':' || url[n] == '/' || !url[n]))
			return 1;
	}
	return 0;
}

static int url_ok(const char *url)
{
	return url && (!strncmp(url, "https://", 8) || loopback_http(url)) && !strpbrk(url, " \r\n\"<>");
}

static void b64url(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
		out[o++] = a[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
	}
	out[o] = 0;
}

int sh_oidc_random(char out[SH_OIDC_RANDOM_MAX])
{
	unsigned char r[32];
	gcry_randomize(r, sizeof r, GCRY_STRONG_RANDOM);
	b64url(r, sizeof r, out);
	return SH_OK;
}

int sh_oidc_challenge(const char *verifier, char out[SH_OIDC_RANDOM_MAX])
{
	unsigned char h[32];
	gcry_md_hash_buffer(GCRY_MD_SHA256, h, verifier, strlen(verifier));
	b64url(h, sizeof h, out);
	return SH_OK;
}

/* ---- HTTP ---------------------------------------------------------------- */

typedef struct body {
	sh_buf b;
	int over;
} body;

static size_t on_data(char *p, size_t sz, size_t n, void *arg)
{
	body *b = arg;
	if (b->b.len + sz * n > DOC_MAX) {
		b->over = 1;
		return 0;
	}
	return sh_buf_put(&b->b, p, sz * n) ? 0 : sz * n;
}

/* GET url (form: NULL) or POST form; the answer parsed as a JSON object.
 * what names the document in messages. */
static int http_json(const char *url, const char *form, const char *what, json_t **out)
{
	*out = NULL;
	if (!url_ok(url))
		return sh_error_set(SH_EINVAL, "the provider's %s address '%.200s' is not https "
					       "(nor http on this machine)", what, url ? url : "");
	CURL *c = curl_easy_init();
	if (!c)
		return SH_ENOMEM;
	body b = {SH_BUF_INIT, 0};
	char err[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (form)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	CURLcode cc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	int rc = SH_OK;
	if (b.over)
		rc = sh_error_set(SH_ELIMIT, "the provider's %s is over 1 MiB", what);
	else if (cc != CURLE_OK)
		rc = sh_error_set(SH_EIO, "cannot fetch the provider's %s: %s", what,
				  err[0] ? err : curl_easy_strerror(cc));
	if (!rc) {
		json_error_t je;
		json_t *j = json_loadb(b.b.data ? (const char *)b.b.data : "", b.b.len, 0, &je);
		if (status != 200) {
			const char *e = j ? json_string_value(json_object_get(j, "error")) : NULL;
			rc = sh_error_set(SH_EIO, "the provider refused the %s request: HTTP %ld%s%.100s",
					  what, status, e ? " " : "", e ? e : "");
			json_decref(j);
		} else if (!json_is_object(j)) {
			json_decref(j);
			rc = sh_error_set(SH_EINVAL, "the provider's %s is not a JSON object", what);
		} else {
			*out = j;
		}
	}
	sh_buf_free(&b.b);
	return rc;
}

/* ---- setup ------------------------------------------------------------------ */

int sh_oidc_new(sh_oidc **out, const sh_oidc_config *cfg)
{
	*out = NULL;
	if (!cfg || !url_ok(cfg->issuer))
		return sh_error_set(SH_EINVAL, "--oidc-issuer must be an https URL (http only on "
					       "127.0.0.1 or localhost)");
	if (!cfg->client_id || !*cfg->client_id || strlen(cfg->client_id) > 200)
		return sh_error_set(SH_EINVAL, "give the client id registered at the provider "
					       "(--oidc-client)");
	if (!url_ok(cfg->redirect_uri))
		return sh_error_set(SH_EINVAL, "the callback address must be https (http only on "
					       "127.0.0.1 or localhost)");
	static int curl_ready;
	if (!__atomic_exchange_n(&curl_ready, 1, __ATOMIC_SEQ_CST))
		curl_global_init(CURL_GLOBAL_DEFAULT);
	sh_oidc *o = sh_calloc(1, sizeof *o);
	if (!o)
		return SH_ENOMEM;
	pthread_mutex_init(&o->mu, NULL);
	o->issuer = sh_strdup(cfg->issuer);
	o->client_id = sh_strdup(cfg->client_id);
	o->secret = cfg->client_secret ? sh_strdup(cfg->client_secret) : NULL;
	o->redirect = sh_strdup(cfg->redirect_uri);
	o->claim = sh_strdup(cfg->claim && *cfg->claim ? cfg->claim : "personal_id");
	o->company_claim = sh_strdup(cfg->company_claim && *cfg->company_claim ? cfg->company_claim
									     : "tax_code");
	o->scope = sh_strdup(cfg->scope && *cfg->scope ? cfg->scope : "openid");
	o->leeway = cfg->leeway_s > 0 ? cfg->leeway_s : 60;
	if (!o->issuer || !o->client_id || (cfg->client_secret && !o->secret) || !o->redirect ||
	    !o->claim || !o->company_claim || !o->scope) {
		sh_oidc_free(&o);
		return SH_ENOMEM;
	}
	*out = o;
	return SH_OK;
}

void sh_oidc_free(sh_oidc **po)
{
	sh_oidc *o = po ? *po : NULL;
	if (!o)
		return;
	if (o->secret) {
		gcry_create_nonce(o->secret, strlen(o->secret)); /* overwrite before freeing */
		sh_free(o->secret);
	}
	sh_free(o->issuer);
	sh_free(o->client_id);
	sh_free(o->redirect);
	sh_free(o->claim);
	sh_free(o->company_claim);
	sh_free(o->scope);
	sh_free(o->auth_ep);
	sh_free(o->token_ep);
	sh_free(o->jwks_uri);
	if (o->jwks)
		r_jwks_free(o->jwks);
	pthread_mutex_destroy(&o->mu);
	sh_free(o);
	*po = NULL;
}

/* A key set of public signature keys only (a provider that publishes a
 * private or symmetric key is misconfigured: refuse rather than use it). */
static int jwks_parse(const char *json, jwks_t **out)
{
	*out = NULL;
	jwks_t *k = NULL;
	if (r_jwks_init(&k) != RHN_OK)
		return SH_ENOMEM;
	if (!json || r_jwks_import_from_json_str(k, json) != RHN_OK || !r_jwks_size(k)) {
		r_jwks_free(k);
		return sh_error_set(SH_EINVAL, "the provider's key set (JWKS) is not a set of keys");
	}
	for (size_t i = 0; i < r_jwks_size(k); i++) {
		jwk_t *j = r_jwks_get_at(k, i);
		unsigned bits = 0;
		int t = j ? r_jwk_key_type(j, &bits, R_FLAG_IGNORE_REMOTE) : 0;
		r_jwk_free(j);
		if (!(t & R_KEY_TYPE_PUBLIC) || (t & (R_KEY_TYPE_PRIVATE | R_KEY_TYPE_SYMMETRIC))) {
			r_jwks_free(k);
			return sh_error_set(SH_EINVAL, "the provider's key set holds a key that is not "
						       "a public key (key %zu)", i + 1);
		}
	}
	*out = k;
	return SH_OK;
}

static int fetch_jwks(sh_oidc *o)
{
	json_t *j = NULL;
	int rc = http_json(o->jwks_uri, NULL, "key set (JWKS)", &j);
	if (rc)
		return rc;
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return SH_ENOMEM;
	jwks_t *k;
	rc = jwks_parse(s, &k);
	free(s);
	if (rc)
		return rc;
	if (o->jwks)
		r_jwks_free(o->jwks);
	o->jwks = k;
	return SH_OK;
}

static int discover_locked(sh_oidc *o)
{
	if (o->discovered)
		return SH_OK;
	size_t n = strlen(o->issuer);
	char *url = sh_asprintf("%s%s.well-known/openid-configuration", o->issuer,
				n && o->issuer[n - 1] == '/' ? "" : "/");
	if (!url)
		return SH_ENOMEM;
	json_t *d = NULL;
	int rc = http_json(url, NULL, "discovery document", &d);
	sh_free(url);
	if (rc)
		return rc;
	const char *iss = json_string_value(json_object_get(d, "issuer"));
	const char *ae = json_string_value(json_object_get(d, "authorization_endpoint"));
	const char *te = json_string_value(json_object_get(d, "token_endpoint"));
	const char *ju = json_string_value(json_object_get(d, "jwks_uri"));
	json_t *m = json_object_get(d, "code_challenge_methods_supported");
	int s256 = !m;
	for (size_t i = 0; json_is_array(m) && i < json_array_size(m); i++)
		s256 |= !strcmp(json_string_value(json_array_get(m, i)) ?: "", "S256");
	if (!iss || strcmp(iss, o->issuer))
		rc = sh_error_set(SH_EINVAL, "the provider calls itself '%.200s', not the configured "
					     "issuer %s", iss ? iss : "", o->issuer);
	else if (!url_ok(ae) || !url_ok(te) || !url_ok(ju))
		rc = sh_error_set(SH_EINVAL, "the provider's discovery document lacks an https "
					     "authorization, token or jwks address");
	else if (!s256)
		rc = sh_error_set(SH_EINVAL, "the provider does not offer PKCE with S256");
	else if (!(o->auth_ep = sh_strdup(ae)) || !(o->token_ep = sh_strdup(te)) ||
		 !(o->jwks_uri = sh_strdup(ju)))
		rc = SH_ENOMEM;
	json_decref(d);
	if (!rc && !o->jwks)
		rc = fetch_jwks(o);
	if (!rc)
		o->discovered = 1;
	return rc;
}

int sh_oidc_discover(sh_oidc *o)
{
	pthread_mutex_lock(&o->mu);
	int rc = discover_locked(o);
	pthread_mutex_unlock(&o->mu);
	return rc;
}

int sh_oidc_set_jwks(sh_oidc *o, const char *jwks_json)
{
	jwks_t *k;
	int rc = jwks_parse(jwks_json, &k);
	if (rc)
		return rc;
	pthread_mutex_lock(&o->mu);
	if (o->jwks)
		r_jwks_free(o->jwks);
	o->jwks = k;
	o->jwks_fixed = 1;
	pthread_mutex_unlock(&o->mu);
	return SH_OK;
}

/* ---- the flow ---------------------------------------------------------------- */

static void add_param(sh_buf *b, CURL *c, const char *name, const char *value)
{
	char *e = curl_easy_escape(c, value, 0);
	sh_buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, e ? e : "");
	curl_free(e);
}

int sh_oidc_login_begin(sh_oidc *o, sh_oidc_login *out, char **url)
{
	*url = NULL;
	memset(out, 0, sizeof *out);
	int rc = sh_oidc_discover(o);
	if (rc)
		return rc;
	char challenge[SH_OIDC_RANDOM_MAX];
	sh_oidc_random(out->state);
	sh_oidc_random(out->nonce);
	sh_oidc_random(out->verifier);
	sh_oidc_challenge(out->verifier, challenge);
	out->created = sh_now();
	CURL *c = curl_easy_init();
	if (!c)
		return SH_ENOMEM;
	sh_buf q = SH_BUF_INIT;
	add_param(&q, c, "response_type", "code");
	add_param(&q, c, "client_id", o->client_id);
	add_param(&q, c, "redirect_uri", o->redirect);
	add_param(&q, c, "scope", o->scope);
	add_param(&q, c, "state", out->state);
	add_param(&q, c, "nonce", out->nonce);
	add_param(&q, c, "code_challenge", challenge);
	add_param(&q, c, "code_challenge_method", "S256");
	curl_easy_cleanup(c);
	if (!q.data)
		return SH_ENOMEM;
	*url = sh_asprintf("%s%s%.*s", o->auth_ep, strchr(o->auth_ep, '?') ? "&" : "?", (int)q.len,
			   (const char *)q.data);
	sh_buf_free(&q);
	return *url ? SH_OK : SH_ENOMEM;
}

int sh_oidc_login_finish(sh_oidc *o, const sh_oidc_login *login, const char *code, int64_t now,
			 sh_oidc_identity *out)
{
	memset(out, 0, sizeof *out);
	if (!code || !*code || strlen(code) > 2048)
		return sh_error_set(SH_EINVAL, "the provider's answer has no authorization code");
	int rc = sh_oidc_discover(o);
	if (rc)
		return rc;
	CURL *c = curl_easy_init();
	if (!c)
		return SH_ENOMEM;
	sh_buf f = SH_BUF_INIT;
	add_param(&f, c, "grant_type", "authorization_code");
	add_param(&f, c, "code", code);
	add_param(&f, c, "redirect_uri", o->redirect);
	add_param(&f, c, "client_id", o->client_id);
	if (o->secret)
		add_param(&f, c, "client_secret", o->secret);
	add_param(&f, c, "code_verifier", login->verifier);
	curl_easy_cleanup(c);
	if (sh_buf_put(&f, "", 1)) {
		sh_buf_free(&f);
		return SH_ENOMEM;
	}
	json_t *t = NULL;
	rc = http_json(o->token_ep, (const char *)f.data, "token", &t);
	gcry_create_nonce(f.data, f.len); /* the secret and the code */
	sh_buf_free(&f);
	if (rc)
		return rc;
	const char *idt = json_string_value(json_object_get(t, "id_token"));
	if (!idt)
		rc = sh_error_set(SH_EINVAL, "the provider's token answer has no ID token");
	else
		rc = sh_oidc_id_token_check(o, idt, strlen(idt), login->nonce, now, out);
	json_decref(t);
	return rc;
}

/* ---- the ID token ------------------------------------------------------------ */

static int alg_ok(jwa_alg a)
{
	switch (a) {
	case R_JWA_ALG_RS256: case R_JWA_ALG_RS384: case R_JWA_ALG_RS512:
	case R_JWA_ALG_ES256: case R_JWA_ALG_ES384: case R_JWA_ALG_ES512:
	case R_JWA_ALG_PS256: case R_JWA_ALG_PS384: case R_JWA_ALG_PS512:
	case R_JWA_ALG_EDDSA:
		return 1;
	default:
		return 0;
	}
}

/* The key that signs jwt: by kid, or the only key. A new reference. */
static jwk_t *key_for(sh_oidc *o, const char *kid)
{
	if (!o->jwks)
		return NULL;
	if (kid)
		return r_jwks_get_by_kid(o->jwks, kid);
	return r_jwks_size(o->jwks) == 1 ? r_jwks_get_at(o->jwks, 0) : NULL;
}

static int claim_int(json_t *cl, const char *name, int64_t *v)
{
	json_t *j = json_object_get(cl, name);
	if (json_is_integer(j)) {
		*v = (int64_t)json_integer_value(j);
		return 1;
	}
	if (json_is_real(j)) {
		*v = (int64_t)json_real_value(j);
		return 1;
	}
	return 0;
}

static int aud_has(json_t *aud, const char *client)
{
	if (json_is_string(aud))
		return !strcmp(json_string_value(aud), client);
	for (size_t i = 0; json_is_array(aud) && i < json_array_size(aud); i++)
		if (!strcmp(json_string_value(json_array_get(aud, i)) ?: "", client))
			return 1;
	return 0;
}

static int copy_claim(json_t *cl, const char *name, char *dst, size_t cap)
{
	const char *v = json_string_value(json_object_get(cl, name));
	if (!v || strlen(v) >= cap)
		return 0;
	memcpy(dst, v, strlen(v) + 1);
	return 1;
}

int sh_oidc_id_token_check(sh_oidc *o, const char *token, size_t len, const char *nonce,
			   int64_t now, sh_oidc_identity *out)
{
	memset(out, 0, sizeof *out);
	if (!now)
		now = sh_now();
	if (!token || !len || len > TOKEN_MAX)
		return sh_error_set(SH_EINVAL, "the ID token is empty or over 64 KiB");
	jwt_t *jwt = NULL;
	jwk_t *key = NULL;
	json_t *cl = NULL;
	int rc = SH_OK;
	if (r_jwt_init(&jwt) != RHN_OK)
		return SH_ENOMEM;
	/* R_FLAG_IGNORE_REMOTE: never fetch a key a token points to (jku/x5u) */
	if (r_jwt_parsen(jwt, token, len, R_FLAG_IGNORE_REMOTE) != RHN_OK ||
	    r_jwt_get_type(jwt) != R_JWT_TYPE_SIGN) {
		rc = sh_error_set(SH_EINVAL, "the ID token is not a signed JWT");
		goto out;
	}
	jwa_alg alg = r_jwt_get_sign_alg(jwt);
	if (!alg_ok(alg)) {
		rc = sh_error_set(SH_EBADSIG, "the ID token's algorithm is not accepted (only RS, PS, "
					      "ES and EdDSA signatures)");
		goto out;
	}
	const char *kid = r_jwt_get_header_str_value(jwt, "kid");
	pthread_mutex_lock(&o->mu);
	key = key_for(o, kid);
	if (!key && kid && !o->jwks_fixed && o->jwks_uri && !fetch_jwks(o))
		key = key_for(o, kid); /* the provider may have rolled its keys */
	pthread_mutex_unlock(&o->mu);
	if (!key) {
		rc = sh_error_set(SH_EBADSIG, "the ID token is signed by a key the provider does not "
					      "publish%s%.64s", kid ? ": " : "", kid ? kid : "");
		goto out;
	}
	const char *kalg = r_jwk_get_property_str(key, "alg");
	if (kalg && r_str_to_jwa_alg(kalg) != alg) {
		rc = sh_error_set(SH_EBADSIG, "the ID token's algorithm is not the one of its key");
		goto out;
	}
	if (r_jwt_verify_signature(jwt, key, R_FLAG_IGNORE_REMOTE) != RHN_OK) {
		rc = sh_error_set(SH_EBADSIG, "the ID token's signature does not verify");
		goto out;
	}
	cl = r_jwt_get_full_claims_json_t(jwt);
	if (!json_is_object(cl)) {
		rc = sh_error_set(SH_EINVAL, "the ID token has no claims");
		goto out;
	}
	int64_t exp = 0, iat = 0;
	const char *iss = json_string_value(json_object_get(cl, "iss"));
	json_t *aud = json_object_get(cl, "aud");
	const char *azp = json_string_value(json_object_get(cl, "azp"));
	const char *tn = json_string_value(json_object_get(cl, "nonce"));
	if (!iss || strcmp(iss, o->issuer))
		rc = sh_error_set(SH_EBADSIG, "the ID token was issued by '%.100s', not %s",
				  iss ? iss : "", o->issuer);
	else if (!aud_has(aud, o->client_id))
		rc = sh_error_set(SH_EBADSIG, "the ID token is not meant for this client");
	else if (json_is_array(aud) && json_array_size(aud) > 1 &&
		 (!azp || strcmp(azp, o->client_id)))
		rc = sh_error_set(SH_EBADSIG, "the ID token names other audiences without azp");
	else if (azp && strcmp(azp, o->client_id))
		rc = sh_error_set(SH_EBADSIG, "the ID token was given to another client (azp)");
	else if (!claim_int(cl, "exp", &exp) || exp + o->leeway <= now)
		rc = sh_error_set(SH_EBADSIG, "the ID token has expired: log in again");
	else if (claim_int(cl, "iat", &iat) && iat > now + o->leeway)
		rc = sh_error_set(SH_EBADSIG, "the ID token was issued in the future: check the clock");
	else if (!nonce || !tn || strcmp(tn, nonce))
		rc = sh_error_set(SH_EBADSIG, "the ID token's nonce is not the one of this login");
	if (rc)
		goto out;
	char id[64] = "";
	if (!copy_claim(cl, "sub", out->sub, sizeof out->sub)) {
		rc = sh_error_set(SH_EINVAL, "the ID token has no subject");
		goto out;
	}
	if (!copy_claim(cl, o->claim, id, sizeof id)) {
		rc = sh_error_set(SH_ENOTFOUND, "the ID token carries no personal id (claim %s)",
				  o->claim);
		goto out;
	}
	int kind = 0;
	if (sh_id_owner_check(&kind, out->personal_id, id) || kind != SH_OWNER_PERSON) {
		rc = sh_error_set(SH_EINVAL, "the ID token's %s is not a 12-digit personal id",
				  o->claim);
		goto out;
	}
	id[0] = 0;
	if (copy_claim(cl, o->company_claim, id, sizeof id) && id[0] &&
	    (sh_id_owner_check(&kind, out->tax_code, id) || kind == SH_OWNER_PERSON)) {
		rc = sh_error_set(SH_EINVAL, "the ID token's %s is not a tax code", o->company_claim);
		goto out;
	}
	copy_claim(cl, "name", out->name, sizeof out->name);
	out->expires = exp;
out:
	json_decref(cl);
	if (key)
		r_jwk_free(key);
	r_jwt_free(jwt);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}
