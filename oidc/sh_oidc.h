/*
 * sh_oidc.h — the citizen's login: an OpenID Connect relying party
 * (authorization-code flow with PKCE S256, state and nonce) against the
 * national identity service (VNeID in production; Glewlwyd in the tests).
 * docs/CITIZEN.md.
 *
 * The provider's discovery document and JWKS are fetched with libcurl; the
 * ID token is parsed and its signature checked with librhonabwy against a
 * key of that JWKS (asymmetric algorithms only: RS/PS/ES/EdDSA; "none" and
 * HS* are refused); then iss (the configured issuer, exactly), aud (the
 * client id), azp, exp, iat and the nonce of the login are checked, and the
 * person's id (12-digit personal id) and, for a company's representative,
 * the company's tax code are taken from the configured claims and checked
 * with sh_id_owner_check.
 *
 * Thread safety: one sh_oidc may be used by many threads at once (the
 * discovery and the key set are fetched once, under a lock, and fetched
 * again when a token names a kid the set does not hold).
 * Errors: SH_EINVAL (bad configuration, a malformed document or token),
 * SH_EBADSIG (signature, issuer, audience, expiry or nonce wrong: the token
 * is not accepted), SH_EIO (the provider cannot be reached or answers an
 * error), SH_ENOTFOUND (the token lacks the configured claim), SH_ENOMEM.
 */
#ifndef SH_OIDC_H
#define SH_OIDC_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sh_oidc_config {
	const char *issuer;        /* the provider's issuer URL; https, or http on loopback */
	const char *client_id;
	const char *client_secret; /* sent as client_secret_post; NULL: a public client */
	const char *redirect_uri;  /* this server's callback, registered at the provider */
	const char *claim;         /* the personal id claim; NULL: "personal_id" */
	const char *company_claim; /* the tax code claim of a representative; NULL: "tax_code" */
	const char *scope;         /* NULL: "openid" */
	int64_t leeway_s;          /* clock skew allowed on exp/iat; 0: 60 */
} sh_oidc_config;

typedef struct sh_oidc sh_oidc;

/* A relying party for cfg (copied). No network use here. SH_EINVAL when
 * the issuer is not https (or http on a loopback host), or a field is
 * missing. *out: free with sh_oidc_free. */
int sh_oidc_new(sh_oidc **out, const sh_oidc_config *cfg);
void sh_oidc_free(sh_oidc **o);

/* Fetch the discovery document (<issuer>/.well-known/openid-configuration:
 * its issuer must be the configured one) and the JWKS. Called by the
 * functions below when not done yet. */
int sh_oidc_discover(sh_oidc *o);
/* Use jwks_json as the key set and skip discovery for the keys (tests and
 * fuzzing: no network). SH_EINVAL when it is not a JWKS of public keys. */
int sh_oidc_set_jwks(sh_oidc *o, const char *jwks_json);

/* One login in progress, kept by the caller between begin and finish
 * (server side, keyed by state; never given to the browser except state). */
#define SH_OIDC_RANDOM_MAX 48
typedef struct sh_oidc_login {
	char state[SH_OIDC_RANDOM_MAX];    /* 256 random bits, base64url */
	char nonce[SH_OIDC_RANDOM_MAX];
	char verifier[SH_OIDC_RANDOM_MAX]; /* the PKCE code_verifier */
	int64_t created;
} sh_oidc_login;

/* Start a login: fresh state, nonce and verifier in *out, and the URL to
 * send the browser to (*url: caller sh_free). */
int sh_oidc_login_begin(sh_oidc *o, sh_oidc_login *out, char **url);

/* Who logged in. */
typedef struct sh_oidc_identity {
	char personal_id[16];  /* the person's 12-digit id (canonical) */
	char tax_code[16];     /* the company they represent (canonical), or "" */
	char name[128];        /* "name" claim, or "" */
	char sub[256];         /* the provider's subject */
	int64_t expires;       /* the ID token's exp */
} sh_oidc_identity;

/* Finish the login: exchange code (with the verifier) at the token
 * endpoint and check the ID token (sh_oidc_id_token_check with the login's
 * nonce). The caller has already matched the callback's state with
 * login->state. now: 0 = the clock. */
int sh_oidc_login_finish(sh_oidc *o, const sh_oidc_login *login, const char *code, int64_t now,
			 sh_oidc_identity *out);

/* Check an ID token (compact JWS, len bytes) against the key set: signature
 * (by the key its kid names, or the only key when it names none), iss, aud,
 * azp, exp, iat, nonce; then take the claims. Exposed for tests and
 * fuzzing; the key set must have been set or fetched. */
int sh_oidc_id_token_check(sh_oidc *o, const char *token, size_t len, const char *nonce,
			   int64_t now, sh_oidc_identity *out);

/* base64url of 32 random bytes (43 characters and a NUL) into out. */
int sh_oidc_random(char out[SH_OIDC_RANDOM_MAX]);
/* The PKCE S256 challenge of verifier: base64url(SHA-256(verifier)). */
int sh_oidc_challenge(const char *verifier, char out[SH_OIDC_RANDOM_MAX]);

#ifdef __cplusplus
}
#endif
#endif
