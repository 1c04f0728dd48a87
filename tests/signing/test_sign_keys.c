/* Key files, public key records and the validity rules: wrong passphrase,
 * altered files, rotation and revocation. */
#include "sh_sign.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static const sh_sign_kdf FAST = {1024, 1}; /* tests only: cheap scrypt */
#define AGENCY "000.00.15.H29"

static void test_key_file(void **state)
{
	(void)state;
	sh_sign_key *k = NULL, *back = NULL;
	sh_buf f = SH_BUF_INIT;
	assert_int_equal(sh_sign_key_generate(&k), SH_OK);
	assert_int_equal(sh_sign_key_save(&f, k, "mật khẩu đúng", &FAST), SH_OK);
	assert_non_null(strstr((char *)f.data, "sohoa-seckey-v1\n"));
	assert_non_null(strstr((char *)f.data, sh_sign_key_id(k)));
	assert_int_equal(sh_sign_key_load(&back, f.data, f.len, "mật khẩu đúng"), SH_OK);
	assert_string_equal(sh_sign_key_id(back), sh_sign_key_id(k));
	uint8_t pub[32], sig[64];
	sh_sign_key_public(pub, k);
	assert_int_equal(sh_sign_sign(sig, back, "x", 1), SH_OK);
	assert_int_equal(sh_sign_verify(pub, "x", 1, sig, 64), SH_OK);
	sh_sign_key_free(&back);

	/* Wrong passphrase. */
	assert_int_equal(sh_sign_key_load(&back, f.data, f.len, "mật khẩu sai"), SH_EBADSIG);
	assert_null(back);
	assert_non_null(strstr(sh_error_message(), "passphrase"));
	assert_int_equal(sh_sign_key_load(&back, f.data, f.len, ""), SH_EBADSIG);
	assert_int_equal(sh_sign_key_save(&f, k, "", &FAST), SH_EINVAL);
	sh_sign_kdf huge = {1ul << 21, 1};
	assert_int_equal(sh_sign_key_save(&f, k, "mật khẩu đúng", &huge), SH_ELIMIT);
	/* at least 12 characters, counted as characters: 11 Vietnamese letters
	 * (more than 12 bytes) are refused, 12 ASCII ones accepted */
	assert_int_equal(sh_sign_key_save(&f, k, "mật khẩu đú", &FAST), SH_EINVAL);
	assert_int_equal(sh_sign_key_save(&f, k, "abcdefghijk", &FAST), SH_EINVAL);
	sh_buf twelve = SH_BUF_INIT;
	assert_int_equal(sh_sign_key_save(&twelve, k, "abcdefghijkl", &FAST), SH_OK);
	sh_buf_free(&twelve);

	/* Every altered byte is caught (tag, parse or key check). */
	char *orig = sh_strndup((char *)f.data, f.len);
	for (size_t i = 0; i < f.len; i++) {
		memcpy(f.data, orig, f.len);
		f.data[i] = f.data[i] == 'a' ? 'b' : f.data[i] == '\n' ? ' ' : 'a';
		int rc = sh_sign_key_load(&back, f.data, f.len, "mật khẩu đúng");
		if (rc == SH_OK)
			fail_msg("altered byte %zu of the key file accepted", i);
		assert_null(back);
	}
	memcpy(f.data, orig, f.len);
	/* A costlier kdf than allowed is refused before any work. */
	char *p = strstr((char *)f.data, "kdf-n: 1024\n");
	assert_non_null(p);
	sh_buf g = SH_BUF_INIT;
	assert_int_equal(sh_buf_put(&g, f.data, (size_t)(p - (char *)f.data)), SH_OK);
	assert_int_equal(sh_buf_puts(&g, "kdf-n: 2097152\n"), SH_OK);
	assert_int_equal(sh_buf_puts(&g, p + strlen("kdf-n: 1024\n")), SH_OK);
	assert_int_equal(sh_sign_key_load(&back, g.data, g.len, "mật khẩu đúng"), SH_ELIMIT);
	sh_buf_free(&g);
	f.data[13] = '9'; /* sohoa-seckey-v9 */
	assert_int_equal(sh_sign_key_load(&back, f.data, f.len, "x"), SH_EVERSION);
	assert_int_equal(sh_sign_key_load(&back, "hello\n", 6, "x"), SH_EINVAL);
	sh_free(orig);
	sh_buf_free(&f);
	sh_sign_key_free(&k);
}

static void test_key_file_default_cost_and_disk(void **state)
{
	(void)state;
	char dir[] = "/tmp/sh_sign_test_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/officer.key", dir);
	sh_sign_key *k = NULL, *back = NULL;
	assert_int_equal(sh_sign_key_generate(&k), SH_OK);
	assert_int_equal(sh_sign_key_save_file(path, k, "correct horse", NULL), SH_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* new keys: scrypt N = 2^17, recorded in the file (issue 16) */
	{
		char txt[1024] = "";
		FILE *kf = fopen(path, "r");
		assert_non_null(kf);
		size_t got = fread(txt, 1, sizeof txt - 1, kf);
		fclose(kf);
		txt[got] = 0;
		assert_non_null(strstr(txt, "\nkdf-n: 131072\n"));
	}
	assert_int_equal(sh_sign_key_save_file(path, k, "correct horse", NULL), SH_EEXISTS);
	assert_int_equal(sh_sign_key_load_file(&back, path, "correct horse"), SH_OK);
	assert_string_equal(sh_sign_key_id(back), sh_sign_key_id(k));
	sh_sign_key_free(&back);
	assert_int_equal(sh_sign_key_load_file(&back, path, "wrong"), SH_EBADSIG);
	snprintf(path, sizeof path, "%s/none.key", dir);
	assert_int_equal(sh_sign_key_load_file(&back, path, "x"), SH_ENOTFOUND);
	snprintf(path, sizeof path, "%s/officer.key", dir);
	unlink(path);
	rmdir(dir);
	sh_sign_key_free(&k);
}

static void test_pubkey_file(void **state)
{
	(void)state;
	sh_sign_key *k = NULL, *other = NULL;
	sh_sign_pubkey p, q;
	sh_buf f = SH_BUF_INIT;
	assert_int_equal(sh_sign_key_generate(&k), SH_OK);
	assert_int_equal(sh_sign_key_generate(&other), SH_OK);
	assert_int_equal(sh_sign_pubkey_make(&p, k, "Nguyễn Thị Hoa", "Công chức một cửa\\tầng 1", AGENCY,
					     1735689600, SH_SIGN_NEVER), SH_OK);
	assert_int_equal(sh_sign_pubkey_export(&f, &p, k), SH_OK);
	assert_non_null(strstr((char *)f.data, "title: Công chức một cửa\\\\tầng 1\n"));
	assert_non_null(strstr((char *)f.data, "valid-until: never\n"));
	assert_int_equal(sh_sign_pubkey_parse(&q, f.data, f.len), SH_OK);
	assert_memory_equal(&p, &q, sizeof p);
	/* Only the key itself can issue its record. */
	sh_buf g = SH_BUF_INIT;
	assert_int_equal(sh_sign_pubkey_export(&g, &p, other), SH_EINVAL);
	assert_int_equal(g.len, 0);
	/* Any altered byte: rejected. */
	for (size_t i = 0; i < f.len; i++) {
		uint8_t c = f.data[i];
		f.data[i] = c == 'a' ? 'b' : c == '\n' ? ' ' : 'a';
		if (sh_sign_pubkey_parse(&q, f.data, f.len) == SH_OK)
			fail_msg("altered byte %zu of the public key file accepted", i);
		f.data[i] = c;
	}
	/* Bad records. */
	assert_int_equal(sh_sign_pubkey_make(&q, k, "", "t", AGENCY, 0, 10), SH_EINVAL);
	assert_int_equal(sh_sign_pubkey_make(&q, k, "a\nb", "t", AGENCY, 0, 10), SH_EINVAL);
	assert_int_equal(sh_sign_pubkey_make(&q, k, "a", "t", "h29", 0, 10), SH_EINVAL);
	assert_int_equal(sh_sign_pubkey_make(&q, k, "a", "t", AGENCY, 10, 10), SH_EINVAL);
	assert_int_equal(sh_sign_pubkey_make(&q, k, "a", "\xff", AGENCY, 0, 10), SH_EINVAL);
	sh_buf_free(&f);
	sh_sign_key_free(&k);
	sh_sign_key_free(&other);
}

static void test_validity_rule(void **state)
{
	(void)state;
	sh_sign_pubkey p;
	memset(&p, 0, sizeof p);
	p.valid_from = 1000;
	p.valid_until = 2000;
	p.revoked_at = SH_SIGN_NEVER;
	assert_int_equal(sh_sign_key_usable(&p, 999), SH_EBADSIG);
	assert_int_equal(sh_sign_key_usable(&p, 1000), SH_OK);
	assert_int_equal(sh_sign_key_usable(&p, 1999), SH_OK);
	assert_int_equal(sh_sign_key_usable(&p, 2000), SH_EBADSIG);
	p.revoked_at = 1500;
	assert_int_equal(sh_sign_key_usable(&p, 1499), SH_OK);
	assert_int_equal(sh_sign_key_usable(&p, 1500), SH_EBADSIG);
	assert_non_null(strstr(sh_error_message(), "revoked"));
	p.valid_until = SH_SIGN_NEVER;
	p.revoked_at = SH_SIGN_NEVER;
	assert_int_equal(sh_sign_key_usable(&p, INT64_MAX - 1), SH_OK);
}

static void sign_at(sh_buf *out, sh_sign_key *k, int64_t t, const char *code)
{
	sh_sign_manifest m;
	memset(&m, 0, sizeof m);
	m.type = "component";
	m.code = code;
	m.time = t;
	m.agency = AGENCY;
	assert_int_equal(sh_sign_manifest_sign(out, k, &m), SH_OK);
}

/* Rotation: the old key stops at the switch, what it signed before stays
 * valid; revocation: signatures from the revocation time on are refused. */
static void test_rotation_and_revocation(void **state)
{
	(void)state;
	const int64_t start = 1700000000, sw = 1750000000, rev = 1760000000;
	sh_sign_key *old = NULL, *new = NULL;
	sh_sign_pubkey po, pn;
	assert_int_equal(sh_sign_key_generate(&old), SH_OK);
	assert_int_equal(sh_sign_key_generate(&new), SH_OK);
	assert_int_equal(sh_sign_pubkey_make(&po, old, "Bàn 1", "Một cửa", AGENCY, start, sw), SH_OK);
	assert_int_equal(sh_sign_pubkey_make(&pn, new, "Bàn 1", "Một cửa", AGENCY, sw, SH_SIGN_NEVER), SH_OK);
	sh_buf a = SH_BUF_INIT, b = SH_BUF_INIT, c = SH_BUF_INIT, d = SH_BUF_INIT;
	sign_at(&a, old, sw - 1, "A");
	sign_at(&b, old, sw, "B");
	sign_at(&c, new, sw + 10, "C");
	sign_at(&d, new, rev + 10, "D");
	assert_int_equal(sh_sign_manifest_verify(NULL, &po, SH_SIGN_WHEN_CLAIMED, a.data, a.len), SH_OK);
	assert_int_equal(sh_sign_manifest_verify(NULL, &po, SH_SIGN_WHEN_CLAIMED, b.data, b.len), SH_EBADSIG);
	assert_int_equal(sh_sign_manifest_verify(NULL, &pn, SH_SIGN_WHEN_CLAIMED, c.data, c.len), SH_OK);
	/* Wrong key record for the document. */
	assert_int_equal(sh_sign_manifest_verify(NULL, &pn, SH_SIGN_WHEN_CLAIMED, a.data, a.len), SH_EBADSIG);
	char id[SH_SIGN_KEYID_HEX + 1];
	assert_int_equal(sh_sign_doc_key_id(id, a.data, a.len), SH_OK);
	assert_string_equal(id, po.key_id);

	/* Revoke the new key at rev: C (before) stays valid, D (after) fails;
	 * a back-dated claim is caught when the log time is passed. */
	pn.revoked_at = rev;
	assert_int_equal(sh_sign_manifest_verify(NULL, &pn, SH_SIGN_WHEN_CLAIMED, c.data, c.len), SH_OK);
	assert_int_equal(sh_sign_manifest_verify(NULL, &pn, SH_SIGN_WHEN_CLAIMED, d.data, d.len), SH_EBADSIG);
	assert_int_equal(sh_sign_manifest_verify(NULL, &pn, rev - 1, d.data, d.len), SH_OK);
	assert_int_equal(sh_sign_manifest_verify(NULL, &pn, rev + 5, c.data, c.len), SH_EBADSIG);
	sh_buf_free(&a);
	sh_buf_free(&b);
	sh_buf_free(&c);
	sh_buf_free(&d);
	sh_sign_key_free(&old);
	sh_sign_key_free(&new);
}

int main(void)
{
	assert_int_equal(sh_crypto_init(), SH_OK);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_key_file_default_cost_and_disk),
		cmocka_unit_test(test_pubkey_file),
		cmocka_unit_test(test_validity_rule),
		cmocka_unit_test(test_rotation_and_revocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
