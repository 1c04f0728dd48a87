/* Ed25519 through sh_sign_sign / sh_sign_verify: RFC 8032 §7.1 vectors,
 * Project Wycheproof's ed25519_test.json, and our own malformed and
 * malleated signatures. */
#include "sh_sign.h"

#include <gcrypt.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void unhex(uint8_t *out, const char *hex, size_t n)
{
	assert_int_equal(sh_unhex(out, hex, n), SH_OK);
}

/* L, little-endian. */
static const uint8_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
			      0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};

static void add_L(uint8_t s[32])
{
	unsigned c = 0;
	for (int i = 0; i < 32; i++) {
		c += (unsigned)s[i] + L[i];
		s[i] = (uint8_t)c;
		c >>= 8;
	}
}

struct rfc_vec {
	const char *seed, *pub, *msg, *sig;
};

/* RFC 8032 §7.1 TEST 1, 2, 3 (messages in hex). */
static const struct rfc_vec RFC[] = {
	{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	 "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	 "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	 "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	 "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	 "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

static void check_vec(const uint8_t seed[32], const uint8_t pub[32], const uint8_t *msg, size_t mlen,
		      const uint8_t want[64])
{
	sh_sign_key *k = NULL;
	uint8_t p[32], sig[64];
	assert_int_equal(sh_sign_key_from_seed(&k, seed), SH_OK);
	sh_sign_key_public(p, k);
	assert_memory_equal(p, pub, 32);
	assert_int_equal(sh_sign_sign(sig, k, msg, mlen), SH_OK);
	assert_memory_equal(sig, want, 64); /* Ed25519 is deterministic */
	assert_int_equal(sh_sign_verify(pub, msg, mlen, sig, 64), SH_OK);
	/* A flipped message bit or an extra byte breaks it. */
	uint8_t m2[130] = {0};
	if (mlen && mlen <= sizeof m2) {
		memcpy(m2, msg, mlen);
		m2[mlen - 1] ^= 1;
		assert_int_equal(sh_sign_verify(pub, m2, mlen, sig, 64), SH_EBADSIG);
	}
	assert_int_equal(sh_sign_verify(pub, "x", 1, sig, 64), SH_EBADSIG);
	char id[SH_SIGN_KEYID_HEX + 1];
	sh_sign_key_id_of(id, pub);
	assert_string_equal(id, sh_sign_key_id(k));
	assert_int_equal(strlen(id), 64);
	sh_sign_key_free(&k);
	assert_null(k);
}

static void test_rfc8032(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof RFC / sizeof RFC[0]; i++) {
		uint8_t seed[32], pub[32], sig[64], msg[8];
		size_t mlen = strlen(RFC[i].msg) / 2;
		unhex(seed, RFC[i].seed, 32);
		unhex(pub, RFC[i].pub, 32);
		unhex(sig, RFC[i].sig, 64);
		if (mlen)
			unhex(msg, RFC[i].msg, mlen);
		check_vec(seed, pub, msg, mlen, sig);
	}
	/* TEST SHA(abc): the message is SHA-512("abc"). */
	uint8_t seed[32], pub[32], sig[64], msg[64];
	unhex(seed, "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42", 32);
	unhex(pub, "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf", 32);
	unhex(sig, "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
		   "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704", 64);
	gcry_md_hash_buffer(GCRY_MD_SHA512, msg, "abc", 3);
	check_vec(seed, pub, msg, sizeof msg, sig);
}

/* Raw libgcrypt verification, without our checks: to document where
 * libgcrypt alone is lax. */
static int gcrypt_alone_accepts(const uint8_t *pub, const uint8_t *msg, size_t mlen, const uint8_t *sig,
				size_t slen)
{
	gcry_sexp_t pk = NULL, data = NULL, s = NULL;
	int ok = 0;
	if (slen != 64)
		return 0; /* cannot even be expressed as r, s halves */
	if (!gcry_sexp_build(&pk, NULL, "(public-key(ecc(curve Ed25519)(flags eddsa)(q %b)))", 32, pub) &&
	    !gcry_sexp_build(&data, NULL, "(data(flags eddsa)(hash-algo sha512)(value %b))", (int)mlen,
			     mlen ? (const void *)msg : "") &&
	    !gcry_sexp_build(&s, NULL, "(sig-val(eddsa(r %b)(s %b)))", 32, sig, 32, sig + 32))
		ok = gcry_pk_verify(s, data, pk) == 0;
	gcry_sexp_release(pk);
	gcry_sexp_release(data);
	gcry_sexp_release(s);
	return ok;
}

static uint8_t *json_hex(const char *hex, size_t *out_len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = sh_malloc(n + 1);
	assert_non_null(b);
	if (n)
		assert_int_equal(sh_unhex(b, hex, n), SH_OK);
	*out_len = n;
	return b;
}

static void test_wycheproof(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *root = json_load_file(SIGN_TEST_DATA "/ed25519_test.json", 0, &jerr);
	if (!root)
		fail_msg("ed25519_test.json: %s (line %d)", jerr.text, jerr.line);
	json_int_t expected = json_integer_value(json_object_get(root, "numberOfTests"));
	json_t *groups = json_object_get(root, "testGroups");
	assert_true(json_is_array(groups));
	int run = 0, valid = 0, lax = 0;
	size_t gi;
	json_t *g;
	json_array_foreach(groups, gi, g) {
		const char *pkhex = json_string_value(json_object_get(json_object_get(g, "publicKey"), "pk"));
		assert_non_null(pkhex);
		uint8_t pub[32];
		unhex(pub, pkhex, 32);
		size_t ti;
		json_t *t;
		json_array_foreach(json_object_get(g, "tests"), ti, t) {
			size_t mlen, slen;
			uint8_t *msg = json_hex(json_string_value(json_object_get(t, "msg")), &mlen);
			uint8_t *sig = json_hex(json_string_value(json_object_get(t, "sig")), &slen);
			const char *result = json_string_value(json_object_get(t, "result"));
			int id = (int)json_integer_value(json_object_get(t, "tcId"));
			int rc = sh_sign_verify(pub, msg, mlen, sig, slen);
			if (!strcmp(result, "valid")) {
				if (rc != SH_OK)
					fail_msg("tcId %d valid but rejected: %s", id, sh_error_message());
				valid++;
			} else {
				if (rc != SH_EBADSIG)
					fail_msg("tcId %d invalid but verify returned %d", id, rc);
				if (gcrypt_alone_accepts(pub, msg, mlen, sig, slen)) {
					print_message("  note: libgcrypt alone accepts Wycheproof tcId %d (%s)\n", id,
						      json_string_value(json_array_get(json_object_get(t, "flags"), 0)));
					lax++;
				}
			}
			run++;
			sh_free(msg);
			sh_free(sig);
		}
	}
	assert_int_equal(run, (int)expected);
	assert_int_equal(run, 151);
	print_message("  Wycheproof: %d vectors (%d valid) all answered right; libgcrypt alone "
		      "would accept %d invalid ones\n", run, valid, lax);
	json_decref(root);
}

static void test_malformed(void **state)
{
	(void)state;
	sh_sign_key *k = NULL;
	uint8_t pub[32], sig[64], bad[80];
	const char msg[] = "Biên nhận hồ sơ";
	assert_int_equal(sh_sign_key_generate(&k), SH_OK);
	sh_sign_key_public(pub, k);
	assert_int_equal(sh_sign_sign(sig, k, msg, sizeof msg - 1), SH_OK);
	assert_int_equal(sh_sign_verify(pub, msg, sizeof msg - 1, sig, 64), SH_OK);

	/* Wrong lengths. */
	memcpy(bad, sig, 64);
	bad[64] = 0;
	assert_int_equal(sh_sign_verify(pub, msg, sizeof msg - 1, bad, 65), SH_EBADSIG);
	assert_int_equal(sh_sign_verify(pub, msg, sizeof msg - 1, sig, 63), SH_EBADSIG);
	assert_int_equal(sh_sign_verify(pub, msg, sizeof msg - 1, sig, 0), SH_EBADSIG);
	assert_int_equal(sh_sign_verify(pub, msg, sizeof msg - 1, NULL, 64), SH_EBADSIG);

	/* Malleated: S + L and S + 2L describe the same scalar. */
	memcpy(bad, sig, 64);
	add_L(bad + 32);
	assert_int_equal(sh_sign_verify(pub, msg, sizeof msg - 1, bad, 64), SH_EBADSIG);
	assert_non_null(strstr(sh_error_message(), "group order"));
	add_L(bad + 32);
	assert_int_equal(sh_sign_verify(pub, msg, sizeof msg - 1, bad, 64), SH_EBADSIG);

	/* Every single-bit flip of the signature is detected. */
	for (int i = 0; i < 64 * 8; i++) {
		memcpy(bad, sig, 64);
		bad[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (sh_sign_verify(pub, msg, sizeof msg - 1, bad, 64) != SH_EBADSIG)
			fail_msg("bit %d of the signature flipped, still accepted", i);
	}
	/* ...and of the public key. */
	for (int i = 0; i < 32 * 8; i++) {
		uint8_t p2[32];
		memcpy(p2, pub, 32);
		p2[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (sh_sign_verify(p2, msg, sizeof msg - 1, sig, 64) != SH_EBADSIG)
			fail_msg("bit %d of the public key flipped, still accepted", i);
	}

	/* Small-order and non-canonical public keys. */
	static const char *weak[] = {
		"0100000000000000000000000000000000000000000000000000000000000000", /* identity */
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* order 2 */
		"0000000000000000000000000000000000000000000000000000000000000000", /* order 4 */
		"0000000000000000000000000000000000000000000000000000000000000080", /* order 4 */
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", /* order 8 */
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", /* order 8 */
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* y = p + 1 */
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* y = p */
		"0100000000000000000000000000000000000000000000000000000000000080", /* x = 0 with sign */
	};
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		uint8_t w[32];
		unhex(w, weak[i], 32);
		if (sh_sign_verify(w, msg, sizeof msg - 1, sig, 64) != SH_EBADSIG)
			fail_msg("weak public key %s accepted", weak[i]);
	}
	/* An all-zero "signature" with the identity as key: the classic
	 * forgery that a lax verifier accepts for every message. */
	uint8_t id[32] = {1}, zsig[64] = {1};
	assert_int_equal(sh_sign_verify(id, "anything", 8, zsig, 64), SH_EBADSIG);
	sh_sign_key_free(&k);
	sh_sign_key_free(&k); /* NULL-safe */
}

static void test_generate_distinct(void **state)
{
	(void)state;
	sh_sign_key *a = NULL, *b = NULL;
	assert_int_equal(sh_sign_key_generate(&a), SH_OK);
	assert_int_equal(sh_sign_key_generate(&b), SH_OK);
	assert_string_not_equal(sh_sign_key_id(a), sh_sign_key_id(b));
	uint8_t pa[32], sig[64];
	sh_sign_key_public(pa, a);
	assert_int_equal(sh_sign_sign(sig, b, "m", 1), SH_OK);
	assert_int_equal(sh_sign_verify(pa, "m", 1, sig, 64), SH_EBADSIG);
	sh_sign_key_free(&a);
	sh_sign_key_free(&b);
}

int main(void)
{
	assert_int_equal(sh_crypto_init(), SH_OK);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032),
		cmocka_unit_test(test_wycheproof),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_generate_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
