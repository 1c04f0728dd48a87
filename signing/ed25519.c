/* Ed25519 keys, signing and strict verification on libgcrypt. */
#include "sign_int.h"

#include <gcrypt.h>
#include <string.h>

struct sh_sign_key {
	uint8_t seed[SH_SIGN_SEED_LEN];
	uint8_t pub[SH_SIGN_PUBLIC_LEN];
	char key_id[SH_SIGN_KEYID_HEX + 1];
	gcry_sexp_t skey; /* private-key s-expression, built once */
};

void sign_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}

const uint8_t *sign_key_seed(const sh_sign_key *key) { return key->seed; }

static int gcry_fail(gcry_error_t err, const char *what)
{
	return sh_error_set(SH_ERROR, "libgcrypt %s: %s", what, gcry_strerror(err));
}

void sh_sign_key_id_of(char out[SH_SIGN_KEYID_HEX + 1], const uint8_t pub[SH_SIGN_PUBLIC_LEN])
{
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, pub, SH_SIGN_PUBLIC_LEN);
	sh_hex(out, h, sizeof h);
}

/* Public key of seed via libgcrypt's "q@eddsa" (RFC 8032 §5.1.5). */
static int derive_public(uint8_t pub[SH_SIGN_PUBLIC_LEN], const uint8_t seed[SH_SIGN_SEED_LEN])
{
	gcry_sexp_t sk = NULL;
	gcry_ctx_t ctx = NULL;
	gcry_mpi_t q = NULL;
	int rc = SH_OK;
	gcry_error_t err = gcry_sexp_build(&sk, NULL, "(private-key(ecc(curve Ed25519)(flags eddsa)(d %b)))",
					   (int)SH_SIGN_SEED_LEN, seed);
	if (!err)
		err = gcry_mpi_ec_new(&ctx, sk, NULL);
	if (err) {
		rc = gcry_fail(err, "Ed25519 context");
		goto out;
	}
	q = gcry_mpi_ec_get_mpi("q@eddsa", ctx, 1);
	if (!q) {
		rc = sh_error_set(SH_ERROR, "libgcrypt: cannot derive the public key");
		goto out;
	}
	unsigned int nbits = 0;
	const uint8_t *qb = gcry_mpi_get_opaque(q, &nbits);
	if (!qb || nbits != SH_SIGN_PUBLIC_LEN * 8) {
		rc = sh_error_set(SH_ERROR, "libgcrypt: public key of %u bits", nbits);
		goto out;
	}
	memcpy(pub, qb, SH_SIGN_PUBLIC_LEN);
out:
	gcry_mpi_release(q);
	gcry_ctx_release(ctx);
	gcry_sexp_release(sk);
	return rc;
}

int sh_sign_key_from_seed(sh_sign_key **out, const uint8_t seed[SH_SIGN_SEED_LEN])
{
	int rc = sh_crypto_init();
	sh_sign_key *k = NULL;
	*out = NULL;
	if (rc)
		return rc;
	k = sh_calloc(1, sizeof *k);
	if (!k)
		return SH_ENOMEM;
	memcpy(k->seed, seed, SH_SIGN_SEED_LEN);
	rc = derive_public(k->pub, seed);
	if (rc)
		goto out;
	sh_sign_key_id_of(k->key_id, k->pub);
	gcry_error_t err = gcry_sexp_build(&k->skey, NULL,
					   "(private-key(ecc(curve Ed25519)(flags eddsa)(q %b)(d %b)))",
					   (int)SH_SIGN_PUBLIC_LEN, k->pub, (int)SH_SIGN_SEED_LEN, k->seed);
	if (err) {
		rc = gcry_fail(err, "building the private key");
		goto out;
	}
	*out = k;
	k = NULL;
out:
	sh_sign_key_free(&k);
	return rc;
}

int sh_sign_key_generate(sh_sign_key **out)
{
	uint8_t seed[SH_SIGN_SEED_LEN];
	*out = NULL;
	int rc = sh_crypto_init();
	if (rc)
		return rc;
	gcry_randomize(seed, sizeof seed, GCRY_VERY_STRONG_RANDOM);
	rc = sh_sign_key_from_seed(out, seed);
	sign_wipe(seed, sizeof seed);
	return rc;
}

void sh_sign_key_free(sh_sign_key **key)
{
	if (!key || !*key)
		return;
	gcry_sexp_release((*key)->skey);
	sign_wipe(*key, sizeof **key);
	sh_free(*key);
	*key = NULL;
}

void sh_sign_key_public(uint8_t out[SH_SIGN_PUBLIC_LEN], const sh_sign_key *key)
{
	memcpy(out, key->pub, SH_SIGN_PUBLIC_LEN);
}

const char *sh_sign_key_id(const sh_sign_key *key) { return key->key_id; }

/* Copy the value of token name in sexp into out (exactly n bytes). */
static int sexp_bytes(uint8_t *out, size_t n, gcry_sexp_t sexp, const char *name)
{
	gcry_sexp_t t = gcry_sexp_find_token(sexp, name, 0);
	size_t len = 0;
	const char *d = t ? gcry_sexp_nth_data(t, 1, &len) : NULL;
	int rc = SH_OK;
	if (!d || len != n)
		rc = sh_error_set(SH_ERROR, "libgcrypt signature: '%s' has %zu bytes, expected %zu",
				  name, len, n);
	else
		memcpy(out, d, n);
	gcry_sexp_release(t);
	return rc;
}

int sh_sign_sign(uint8_t sig[SH_SIGN_SIG_LEN], const sh_sign_key *key, const void *msg, size_t len)
{
	gcry_sexp_t data = NULL, s = NULL;
	int rc = sh_crypto_init();
	if (rc)
		return rc;
	/* %b needs a non-NULL pointer even for an empty message. */
	gcry_error_t err = gcry_sexp_build(&data, NULL, "(data(flags eddsa)(hash-algo sha512)(value %b))",
					   (int)len, len ? msg : (const void *)"");
	if (err) {
		rc = len > INT32_MAX ? sh_error_set(SH_ELIMIT, "message of %zu bytes is too long to sign", len)
				     : gcry_fail(err, "building the message");
		goto out;
	}
	err = gcry_pk_sign(&s, data, key->skey);
	if (err) {
		rc = gcry_fail(err, "Ed25519 sign");
		goto out;
	}
	rc = sexp_bytes(sig, 32, s, "r");
	if (!rc)
		rc = sexp_bytes(sig + 32, 32, s, "s");
out:
	gcry_sexp_release(s);
	gcry_sexp_release(data);
	return rc;
}

/* ---- strict verification ---------------------------------------------------- */

/* L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t ORDER_L[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

/* Is the 32-byte little-endian a < b? */
static int le_less(const uint8_t *a, const uint8_t *b)
{
	for (int i = 31; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] < b[i];
	return 0;
}

/* RFC 8032 §5.1.3 canonical point encoding: y < p = 2^255 - 19, and no
 * sign bit on a point with x = 0 (y = 1 or y = p - 1). Whether y is on the
 * curve is left to libgcrypt. */
static int point_canonical(const uint8_t e[32])
{
	uint8_t y[32];
	memcpy(y, e, 32);
	y[31] &= 0x7f;
	int sign = e[31] >> 7;
	static const uint8_t P[32] = {
		0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
	if (!le_less(y, P))
		return 0;
	if (sign) {
		static const uint8_t ONE[32] = {1};
		uint8_t pm1[32];
		memcpy(pm1, P, 32);
		pm1[0] -= 1;
		if (!memcmp(y, ONE, 32) || !memcmp(y, pm1, 32))
			return 0;
	}
	return 1;
}

/* Decode pub as a curve point and refuse points of small order ([8]A = 0),
 * which would let one signature verify for many messages. */
static int public_ok(const uint8_t pub[SH_SIGN_PUBLIC_LEN])
{
	gcry_ctx_t ctx = NULL;
	gcry_mpi_t q = NULL, eight = NULL, x = NULL, y = NULL;
	gcry_mpi_point_t a = NULL, r = NULL;
	int rc = SH_OK;
	if (!point_canonical(pub))
		return sh_error_set(SH_EBADSIG, "public key is not a canonical point encoding");
	if (gcry_mpi_ec_new(&ctx, NULL, "Ed25519")) {
		rc = sh_error_set(SH_ERROR, "libgcrypt: no Ed25519 context");
		goto out;
	}
	q = gcry_mpi_set_opaque_copy(NULL, pub, SH_SIGN_PUBLIC_LEN * 8);
	if (!q || gcry_mpi_ec_set_mpi("q", q, ctx)) {
		rc = sh_error_set(SH_EBADSIG, "public key is not a point on Ed25519");
		goto out;
	}
	a = gcry_mpi_ec_get_point("q", ctx, 1);
	if (!a) {
		rc = sh_error_set(SH_EBADSIG, "public key is not a point on Ed25519");
		goto out;
	}
	r = gcry_mpi_point_new(0);
	eight = gcry_mpi_set_ui(NULL, 8);
	x = gcry_mpi_new(0);
	y = gcry_mpi_new(0);
	gcry_mpi_ec_mul(r, eight, a, ctx);
	if (gcry_mpi_ec_get_affine(x, y, r, ctx) || !gcry_mpi_cmp_ui(x, 0))
		rc = sh_error_set(SH_EBADSIG, "public key is a point of small order");
out:
	gcry_mpi_release(x);
	gcry_mpi_release(y);
	gcry_mpi_release(eight);
	gcry_mpi_point_release(r);
	gcry_mpi_point_release(a);
	gcry_mpi_release(q);
	gcry_ctx_release(ctx);
	return rc;
}

int sh_sign_verify(const uint8_t pub[SH_SIGN_PUBLIC_LEN], const void *msg, size_t len,
		   const uint8_t *sig, size_t sig_len)
{
	gcry_sexp_t pk = NULL, data = NULL, s = NULL;
	int rc = sh_crypto_init();
	if (rc)
		return rc;
	if (!sig || sig_len != SH_SIGN_SIG_LEN)
		return sh_error_set(SH_EBADSIG, "signature has %zu bytes, not %d", sig ? sig_len : 0,
				    SH_SIGN_SIG_LEN);
	if (!le_less(sig + 32, ORDER_L))
		return sh_error_set(SH_EBADSIG, "signature scalar S is not below the group order "
				    "(non-canonical or malleated signature)");
	if (!point_canonical(sig))
		return sh_error_set(SH_EBADSIG, "signature point R is not canonically encoded");
	rc = public_ok(pub);
	if (rc)
		return rc;
	gcry_error_t err = gcry_sexp_build(&pk, NULL, "(public-key(ecc(curve Ed25519)(flags eddsa)(q %b)))",
					   (int)SH_SIGN_PUBLIC_LEN, pub);
	if (!err)
		err = gcry_sexp_build(&data, NULL, "(data(flags eddsa)(hash-algo sha512)(value %b))",
				      (int)len, len ? msg : (const void *)"");
	if (!err)
		err = gcry_sexp_build(&s, NULL, "(sig-val(eddsa(r %b)(s %b)))", 32, sig, 32, sig + 32);
	if (err) {
		rc = len > INT32_MAX ? sh_error_set(SH_ELIMIT, "message of %zu bytes is too long", len)
				     : gcry_fail(err, "building the verification input");
		goto out;
	}
	err = gcry_pk_verify(s, data, pk);
	if (err)
		rc = sh_error_set(SH_EBADSIG, "Ed25519 signature does not verify (%s)", gcry_strerror(err));
out:
	gcry_sexp_release(s);
	gcry_sexp_release(data);
	gcry_sexp_release(pk);
	return rc;
}
