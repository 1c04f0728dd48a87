/* The ID token check (oidc/, sh_oidc_id_token_check) against hostile
 * tokens made here with librhonabwy: the right token passes, and a wrong
 * algorithm, alg "none", HS256, an expired token, a wrong iss, aud, azp or
 * nonce, a kid the key set lacks, a key that is not the kid's, a changed
 * payload, a missing or malformed personal id, and key sets holding private
 * or symmetric keys are refused. With --seeds DIR it writes the fuzz seeds
 * (tests/fuzz/corpus/oidc). */
#include <jansson.h>
#include <rhonabwy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh_oidc.h"

#define ISS "http://127.0.0.1:1/api/vneid"
#define CLIENT "sohoa"
#define NONCE "n-0123456789"

static int failures;
static const char *seeds; /* --seeds DIR: long-lived tokens written there */


#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);               \
			fprintf(stderr, __VA_ARGS__);                                      \
			fprintf(stderr, "\n");                                             \
			failures++;                                                        \
		}                                                                          \
	} while (0)

static char *mk(jwa_alg alg, jwk_t *key, const char *kid, json_t *claims)
{
	jwt_t *jwt;
	r_jwt_init(&jwt);
	char *c = json_dumps(claims, JSON_COMPACT);
	r_jwt_set_full_claims_json_str(jwt, c);
	free(c);
	r_jwt_set_sign_alg(jwt, alg);
	if (kid)
		r_jwt_set_header_str_value(jwt, "kid", kid);
	char *t = alg == R_JWA_ALG_NONE ? r_jwt_serialize_signed_unsecure(jwt, NULL, 0)
					 : r_jwt_serialize_signed(jwt, key, 0);
	r_jwt_free(jwt);
	json_decref(claims);
	if (!t) {
		fprintf(stderr, "cannot make a token (alg %d)\n", (int)alg);
		exit(1);
	}
	return t;
}

static json_t *claims(int64_t now)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "iss", ISS, "sub", "abc",
			 "aud", CLIENT, "exp", (json_int_t)(now + (seeds ? 3000000000 : 600)), "iat", (json_int_t)now,
			 "nonce", NONCE, "personal_id", "001085012345", "name", "Nguyễn Văn An");
}

static int seedn;
static void seed(const char *t)
{
	if (!seeds)
		return;
	char p[1024];
	snprintf(p, sizeof p, "%s/token%02d", seeds, ++seedn);
	FILE *f = fopen(p, "wb");
	if (f) {
		fputc(0, f); /* selector: a token */
		fputs(t, f);
		fclose(f);
	}
}

/* Check t; expect rc. */
static void expect(sh_oidc *o, const char *what, char *t, const char *nonce, int want,
		   sh_oidc_identity *id)
{
	sh_oidc_identity tmp;
	int rc = sh_oidc_id_token_check(o, t, strlen(t), nonce, 0, id ? id : &tmp);
	CHECK(rc == want, "%s: got %d (%s), want %d", what, rc, rc ? sh_error_message() : "ok",
	      want);
	if (rc)
		printf("  %-28s refused: %s\n", what, sh_error_message());
	seed(t);
	r_free(t);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--seeds"))
		seeds = argv[2];
	int64_t now = (int64_t)time(NULL);
	jwk_t *ec, *ecpub, *rsa, *rsapub, *other, *otherpub, *hs;
	r_jwk_init(&ec), r_jwk_init(&ecpub), r_jwk_init(&rsa), r_jwk_init(&rsapub);
	r_jwk_init(&other), r_jwk_init(&otherpub), r_jwk_init(&hs);
	if (r_jwk_generate_key_pair(ec, ecpub, R_KEY_TYPE_EC, 256, "k-ec") ||
	    r_jwk_generate_key_pair(rsa, rsapub, R_KEY_TYPE_RSA, 2048, "k-rsa") ||
	    r_jwk_generate_key_pair(other, otherpub, R_KEY_TYPE_EC, 256, "k-ec") ||
	    r_jwk_import_from_json_str(hs, "{\"kty\":\"oct\",\"kid\":\"k-hs\",\"k\":"
					   "\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}")) {
		fprintf(stderr, "cannot make keys\n");
		return 1;
	}
	jwks_t *pub;
	r_jwks_init(&pub);
	r_jwks_append_jwk(pub, ecpub);
	r_jwks_append_jwk(pub, rsapub);
	char *pubs = r_jwks_export_to_json_str(pub, 0);

	sh_oidc_config cfg = {.issuer = ISS, .client_id = CLIENT, .client_secret = "s",
			      .redirect_uri = "http://127.0.0.1:2/api/v1/me/callback"};
	sh_oidc *o;
	if (sh_oidc_new(&o, &cfg) || sh_oidc_set_jwks(o, pubs)) {
		fprintf(stderr, "setup: %s\n", sh_error_message());
		return 1;
	}
	if (seeds) {
		char p[1024];
		snprintf(p, sizeof p, "%s/jwks", seeds);
		FILE *f = fopen(p, "wb");
		if (f) {
			fputc(1, f);
			fputs(pubs, f);
			fclose(f);
		}
	}

	/* key sets */
	sh_oidc_config bad = cfg;
	bad.issuer = "http://idp.example/";
	sh_oidc *o2;
	CHECK(sh_oidc_new(&o2, &bad) == SH_EINVAL, "a plain-http issuer off this machine accepted");
	jwks_t *priv;
	r_jwks_init(&priv);
	r_jwks_append_jwk(priv, ec);
	char *privs = r_jwks_export_to_json_str(priv, 0);
	CHECK(sh_oidc_set_jwks(o, privs) == SH_EINVAL, "a JWKS with a private key accepted");
	jwks_t *sym;
	r_jwks_init(&sym);
	r_jwks_append_jwk(sym, hs);
	char *syms = r_jwks_export_to_json_str(sym, 0);
	CHECK(sh_oidc_set_jwks(o, syms) == SH_EINVAL, "a JWKS with a symmetric key accepted");
	CHECK(sh_oidc_set_jwks(o, "{\"keys\":[]}") == SH_EINVAL, "an empty JWKS accepted");
	CHECK(sh_oidc_set_jwks(o, "not json") == SH_EINVAL, "garbage JWKS accepted");
	CHECK(sh_oidc_set_jwks(o, pubs) == SH_OK, "the public JWKS refused");

	sh_oidc_identity id;
	expect(o, "ES256 with kid", mk(R_JWA_ALG_ES256, ec, "k-ec", claims(now)), NONCE, SH_OK, &id);
	CHECK(!strcmp(id.personal_id, "001085012345") && !id.tax_code[0] &&
		      !strcmp(id.name, "Nguyễn Văn An"), "identity: '%s' '%s' '%s'", id.personal_id,
	      id.tax_code, id.name);
	expect(o, "RS256 with kid", mk(R_JWA_ALG_RS256, rsa, "k-rsa", claims(now)), NONCE, SH_OK,
	       NULL);
	json_t *c = claims(now);
	json_object_set_new(c, "tax_code", json_string("0100109106"));
	expect(o, "representative", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_OK, &id);
	CHECK(!strcmp(id.tax_code, "0100109106"), "tax code '%s'", id.tax_code);

	expect(o, "alg none", mk(R_JWA_ALG_NONE, NULL, "k-ec", claims(now)), NONCE, SH_EINVAL,
	       NULL);
	expect(o, "alg HS256", mk(R_JWA_ALG_HS256, hs, "k-ec", claims(now)), NONCE, SH_EBADSIG,
	       NULL);
	expect(o, "ES256 header, RSA key", mk(R_JWA_ALG_RS256, rsa, "k-ec", claims(now)), NONCE,
	       SH_EBADSIG, NULL);
	expect(o, "kid not in the set", mk(R_JWA_ALG_ES256, ec, "k-missing", claims(now)), NONCE,
	       SH_EBADSIG, NULL);
	expect(o, "another key, same kid", mk(R_JWA_ALG_ES256, other, "k-ec", claims(now)), NONCE,
	       SH_EBADSIG, NULL);
	c = claims(now - 7200);
	expect(o, "expired", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG, NULL);
	c = claims(now + 7200);
	json_object_set_new(c, "exp", json_integer(now + 9000));
	expect(o, "issued in the future", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG,
	       NULL);
	c = claims(now);
	json_object_del(c, "exp");
	expect(o, "no exp", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG, NULL);
	c = claims(now);
	json_object_set_new(c, "iss", json_string(ISS "/"));
	expect(o, "wrong iss", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG, NULL);
	c = claims(now);
	json_object_set_new(c, "aud", json_string("other"));
	expect(o, "wrong aud", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG, NULL);
	c = claims(now);
	json_object_set_new(c, "aud", json_pack("[s,s]", "other", CLIENT));
	expect(o, "two audiences, no azp", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG,
	       NULL);
	c = claims(now);
	json_object_set_new(c, "azp", json_string("other"));
	expect(o, "wrong azp", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG, NULL);
	expect(o, "wrong nonce", mk(R_JWA_ALG_ES256, ec, "k-ec", claims(now)), "n-other",
	       SH_EBADSIG, NULL);
	c = claims(now);
	json_object_del(c, "nonce");
	expect(o, "no nonce", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EBADSIG, NULL);
	c = claims(now);
	json_object_del(c, "personal_id");
	expect(o, "no personal id", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_ENOTFOUND, NULL);
	c = claims(now);
	json_object_set_new(c, "personal_id", json_string("0100109106"));
	expect(o, "a tax code as personal id", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE, SH_EINVAL,
	       NULL);
	c = claims(now);
	json_object_set_new(c, "personal_id", json_integer(1085012345));
	expect(o, "a number as personal id", mk(R_JWA_ALG_ES256, ec, "k-ec", c), NONCE,
	       SH_ENOTFOUND, NULL);

	/* a changed payload: the signature no longer verifies */
	char *t = mk(R_JWA_ALG_ES256, ec, "k-ec", claims(now));
	char *dot = strchr(t, '.');
	char *other_claims = NULL;
	{
		json_t *c2 = claims(now);
		json_object_set_new(c2, "personal_id", json_string("079190054321"));
		char *t2 = mk(R_JWA_ALG_ES256, ec, "k-ec", c2);
		/* header of t, payload of t2, signature of t */
		char *d2 = strchr(t2, '.'), *e2 = strchr(d2 + 1, '.'), *e1 = strchr(dot + 1, '.');
		other_claims = malloc(strlen(t) + strlen(t2) + 1);
		sprintf(other_claims, "%.*s%.*s%s", (int)(dot - t), t, (int)(e2 - d2), d2, e1);
		r_free(t2);
	}
	r_free(t);
	expect(o, "payload swapped", other_claims, NONCE, SH_EBADSIG, NULL);
	char junk[] = "eyJhbGciOiJFUzI1NiJ9.e30";
	sh_oidc_identity tmp;
	CHECK(sh_oidc_id_token_check(o, junk, strlen(junk), NONCE, 0, &tmp) == SH_EINVAL,
	      "two-part token accepted");
	CHECK(sh_oidc_id_token_check(o, "", 0, NONCE, 0, &tmp) == SH_EINVAL, "empty token");

	/* PKCE S256, against Python's hashlib for the same verifier */
	char ch[SH_OIDC_RANDOM_MAX];
	sh_oidc_challenge("dBjftJeZ4CVP-mJ92K9qkVMIJ5rKgc2YT5jM4s5gXrw", ch);
	CHECK(!strcmp(ch, "0E3WipNM0m6pHa8KMX6RgxLr8JL9eb6PE9niNwhhZ1o"), "S256 challenge %s", ch);
	char v[SH_OIDC_RANDOM_MAX], w[SH_OIDC_RANDOM_MAX];
	sh_oidc_random(v);
	sh_oidc_random(w);
	CHECK(strlen(v) == 43 && strcmp(v, w), "random values: '%s' '%s'", v, w);

	sh_oidc_free(&o);
	r_free(pubs), r_free(privs), r_free(syms);
	r_jwks_free(pub), r_jwks_free(priv), r_jwks_free(sym);
	r_jwk_free(ec), r_jwk_free(ecpub), r_jwk_free(rsa), r_jwk_free(rsapub);
	r_jwk_free(other), r_jwk_free(otherpub), r_jwk_free(hs);
	printf("%s\n", failures ? "FAILED" : "oidc: every hostile token refused");
	return failures && !seeds ? 1 : 0;
}
