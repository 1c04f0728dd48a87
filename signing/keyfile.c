/* Private key files (scrypt + AES-256-GCM), public key files and the
 * key-validity rule (docs/SIGNING.md §3). */
#include "sign_int.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECKEY_MAGIC "sohoa-seckey-v1\n"
#define PUBKEY_MAGIC "sohoa-pubkey-v1\n"
#define SALT_LEN 16
#define NONCE_LEN 12
#define TAG_LEN 16
#define KDF_R 8 /* fixed by libgcrypt's GCRY_KDF_SCRYPT */

/* ---- validity rule --------------------------------------------------------- */

int sh_sign_key_usable(const sh_sign_pubkey *pub, int64_t t)
{
	if (t < pub->valid_from)
		return sh_error_set(SH_EBADSIG, "key %.16s… signed at %lld, before it became valid (%lld)",
				    pub->key_id, (long long)t, (long long)pub->valid_from);
	if (t >= pub->valid_until)
		return sh_error_set(SH_EBADSIG, "key %.16s… signed at %lld, after it expired (%lld)",
				    pub->key_id, (long long)t, (long long)pub->valid_until);
	if (t >= pub->revoked_at)
		return sh_error_set(SH_EBADSIG, "key %.16s… signed at %lld, after it was revoked (%lld)",
				    pub->key_id, (long long)t, (long long)pub->revoked_at);
	return SH_OK;
}

/* ---- public key files ---------------------------------------------------------- */

static int check_label(const char *s, const char *what)
{
	int rc = sign_check_text(s, SH_SIGN_NAME_MAX, 0, what);
	if (rc)
		return rc;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return sh_error_set(SH_EINVAL, "%s contains a control character", what);
	return SH_OK;
}

int sh_sign_pubkey_make(sh_sign_pubkey *out, const sh_sign_key *key, const char *name, const char *title,
			const char *agency, int64_t valid_from, int64_t valid_until)
{
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = check_label(name, "signer name")) || (rc = check_label(title, "signer title")) ||
	    (rc = sh_id_agency_check(agency)))
		return rc;
	if (valid_until <= valid_from)
		return sh_error_set(SH_EINVAL, "key validity ends (%lld) before it begins (%lld)",
				    (long long)valid_until, (long long)valid_from);
	sh_sign_key_public(out->pub, key);
	memcpy(out->key_id, sh_sign_key_id(key), sizeof out->key_id);
	strcpy(out->name, name);
	strcpy(out->title, title);
	strcpy(out->agency, agency);
	out->valid_from = valid_from;
	out->valid_until = valid_until;
	out->revoked_at = SH_SIGN_NEVER;
	return SH_OK;
}

static int put_time(sh_buf *b, const char *name, int64_t t)
{
	if (t == SH_SIGN_NEVER)
		return sh_buf_printf(b, "%s: never\n", name);
	return sh_buf_printf(b, "%s: %lld\n", name, (long long)t);
}

/* The signed part of a public key file. */
static int pubkey_body(sh_buf *out, const sh_sign_pubkey *p)
{
	int rc;
	if ((rc = sh_buf_puts(out, PUBKEY_MAGIC)) || (rc = sh_buf_printf(out, "key: %s\n", p->key_id)) ||
	    (rc = sign_put_hex(out, "public", p->pub, sizeof p->pub)) || (rc = sh_buf_puts(out, "name: ")) ||
	    (rc = sign_escape(out, p->name)) || (rc = sh_buf_puts(out, "\ntitle: ")) ||
	    (rc = sign_escape(out, p->title)) || (rc = sh_buf_printf(out, "\nagency: %s\n", p->agency)) ||
	    (rc = put_time(out, "valid-from", p->valid_from)))
		return rc;
	return put_time(out, "valid-until", p->valid_until);
}

int sh_sign_pubkey_export(sh_buf *out, const sh_sign_pubkey *pub, const sh_sign_key *key)
{
	sh_sign_pubkey check;
	size_t start = out->len;
	int rc = sh_sign_pubkey_make(&check, key, pub->name, pub->title, pub->agency, pub->valid_from,
				     pub->valid_until);
	if (rc)
		return rc;
	if (memcmp(check.pub, pub->pub, sizeof check.pub))
		return sh_error_set(SH_EINVAL, "public key record does not belong to the signing key");
	if ((rc = pubkey_body(out, &check)) || (rc = sign_doc_seal(out, start, key))) {
		out->len = start;
		if (out->data)
			out->data[start] = 0;
	}
	return rc;
}

static int parse_time(int64_t *out, const char *v, size_t n, const char *what)
{
	if (n == 5 && !memcmp(v, "never", 5)) {
		*out = SH_SIGN_NEVER;
		return SH_OK;
	}
	int rc = sign_parse_i64(out, v, n, what);
	if (!rc && *out == SH_SIGN_NEVER)
		rc = sh_error_set(SH_EINVAL, "%s: write 'never', not its number", what);
	return rc;
}

int sh_sign_pubkey_parse(sh_sign_pubkey *out, const void *file, size_t len)
{
	sh_sign_pubkey p;
	uint8_t sig[SH_SIGN_SIG_LEN];
	size_t body, n;
	const char *v;
	memset(&p, 0, sizeof p);
	int rc = sign_doc_split(&body, sig, file, len);
	if (rc)
		return rc;
	if (memcmp(file, PUBKEY_MAGIC, sizeof PUBKEY_MAGIC - 1))
		return !memcmp(file, "sohoa-pubkey-", 13) ? sh_error_set(SH_EVERSION, "public key file of an unknown version")
							  : sh_error_set(SH_EINVAL, "not a sohoa public key file");
	if (memchr(file, 0, body) || memchr(file, '\r', body))
		return sh_error_set(SH_EINVAL, "public key file contains a NUL or CR byte");
	sign_lines l = {(const char *)file + sizeof PUBKEY_MAGIC - 1, (const char *)file + body};
	if ((rc = sign_line_take(&l, "key", 0, NULL, NULL, &v, &n)))
		return rc;
	if (n != SH_SIGN_KEYID_HEX)
		return sh_error_set(SH_EINVAL, "key id must be %d hex digits", SH_SIGN_KEYID_HEX);
	memcpy(p.key_id, v, n);
	if ((rc = sign_line_take(&l, "public", 0, NULL, NULL, &v, &n)) ||
	    (rc = sign_parse_hex(p.pub, sizeof p.pub, v, n, "public key")) ||
	    (rc = sign_line_take(&l, "name", 0, NULL, NULL, &v, &n)) ||
	    (rc = sign_unescape_fixed(p.name, sizeof p.name, v, n, "name")) ||
	    (rc = sign_line_take(&l, "title", 0, NULL, NULL, &v, &n)) ||
	    (rc = sign_unescape_fixed(p.title, sizeof p.title, v, n, "title")) ||
	    (rc = sign_line_take(&l, "agency", 0, NULL, NULL, &v, &n)))
		return rc;
	if (n > SH_SIGN_AGENCY_MAX)
		return sh_error_set(SH_EINVAL, "agency id longer than %d characters", SH_SIGN_AGENCY_MAX);
	memcpy(p.agency, v, n);
	if ((rc = sh_id_agency_check(p.agency)) || (rc = check_label(p.name, "signer name")) ||
	    (rc = check_label(p.title, "signer title")) ||
	    (rc = sign_line_take(&l, "valid-from", 0, NULL, NULL, &v, &n)) ||
	    (rc = parse_time(&p.valid_from, v, n, "valid-from")) ||
	    (rc = sign_line_take(&l, "valid-until", 0, NULL, NULL, &v, &n)) ||
	    (rc = parse_time(&p.valid_until, v, n, "valid-until")))
		return rc;
	if (l.p != l.end)
		return sh_error_set(SH_EINVAL, "unexpected line after 'valid-until' in a public key file");
	if (p.valid_from == SH_SIGN_NEVER || p.valid_until <= p.valid_from)
		return sh_error_set(SH_EINVAL, "key validity ends before it begins");
	char id[SH_SIGN_KEYID_HEX + 1];
	sh_sign_key_id_of(id, p.pub);
	if (strcmp(id, p.key_id))
		return sh_error_set(SH_EBADSIG, "key id does not match the public key");
	/* Canonical: the encoder gives back exactly these bytes. */
	sh_buf again = SH_BUF_INIT;
	rc = pubkey_body(&again, &p);
	if (!rc && (again.len != body || memcmp(again.data, file, body)))
		rc = sh_error_set(SH_EINVAL, "public key file is not in canonical form");
	sh_buf_free(&again);
	if (rc)
		return rc;
	if ((rc = sh_sign_verify(p.pub, file, body, sig, sizeof sig)))
		return sh_error_wrap(rc, "public key file self-signature: ");
	p.revoked_at = SH_SIGN_NEVER;
	*out = p;
	return SH_OK;
}

/* ---- private key files ---------------------------------------------------------- */

static int kdf_check(unsigned long n, unsigned long p)
{
	if (n < 1024 || n > (1ul << 20) || (n & (n - 1)))
		return sh_error_set(SH_ELIMIT, "scrypt n = %lu: must be a power of two from 1024 to 1048576", n);
	if (p < 1 || p > 16)
		return sh_error_set(SH_ELIMIT, "scrypt p = %lu: must be 1 to 16", p);
	return SH_OK;
}

static int derive(uint8_t key[32], const char *pass, const uint8_t salt[SALT_LEN], unsigned long n,
		  unsigned long p)
{
	gcry_error_t err = gcry_kdf_derive(pass, strlen(pass), GCRY_KDF_SCRYPT, (int)n, salt, SALT_LEN, p, 32, key);
	if (err)
		return sh_error_set(gcry_err_code(err) == GPG_ERR_ENOMEM ? SH_ENOMEM : SH_ERROR,
				    "scrypt: %s", gcry_strerror(err));
	return SH_OK;
}

/* AES-256-GCM over in (n bytes) with aad; encrypt writes out||tag, decrypt
 * checks tag. */
static int gcm(int enc, uint8_t *out, const uint8_t *in, size_t n, uint8_t tag[TAG_LEN],
	       const uint8_t key[32], const uint8_t nonce[NONCE_LEN], const void *aad, size_t aad_len)
{
	gcry_cipher_hd_t h = NULL;
	int rc = SH_OK;
	gcry_error_t err = gcry_cipher_open(&h, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, GCRY_CIPHER_SECURE);
	if (!err)
		err = gcry_cipher_setkey(h, key, 32);
	if (!err)
		err = gcry_cipher_setiv(h, nonce, NONCE_LEN);
	if (!err)
		err = gcry_cipher_authenticate(h, aad, aad_len);
	if (err) {
		rc = sh_error_set(SH_ERROR, "AES-256-GCM: %s", gcry_strerror(err));
		goto out;
	}
	if (enc) {
		err = gcry_cipher_encrypt(h, out, n, in, n);
		if (!err)
			err = gcry_cipher_gettag(h, tag, TAG_LEN);
		if (err)
			rc = sh_error_set(SH_ERROR, "AES-256-GCM: %s", gcry_strerror(err));
	} else {
		err = gcry_cipher_decrypt(h, out, n, in, n);
		if (!err)
			err = gcry_cipher_checktag(h, tag, TAG_LEN);
		if (err)
			rc = sh_error_set(SH_EBADSIG, "wrong passphrase, or the key file was altered");
	}
out:
	gcry_cipher_close(h);
	return rc;
}

int sh_sign_key_save(sh_buf *out, const sh_sign_key *key, const char *passphrase, const sh_sign_kdf *kdf)
{
	unsigned long n = kdf ? kdf->n : SH_SIGN_KDF_DEFAULT_N, p = kdf ? kdf->p : SH_SIGN_KDF_DEFAULT_P;
	uint8_t salt[SALT_LEN], nonce[NONCE_LEN], k[32], sealed[SH_SIGN_SEED_LEN + TAG_LEN], pub[32];
	size_t start = out->len;
	int rc;
	if (!passphrase || !*passphrase)
		return sh_error_set(SH_EINVAL, "an empty passphrase would leave the private key unprotected");
	size_t chars = 0;
	for (const unsigned char *c = (const unsigned char *)passphrase; *c; c++)
		chars += (*c & 0xC0) != 0x80; /* count lead bytes: code points */
	if (chars < SH_SIGN_PASSPHRASE_MIN)
		return sh_error_set(SH_EINVAL, "passphrase of %zu characters: at least %d are needed",
				    chars, SH_SIGN_PASSPHRASE_MIN);
	if ((rc = kdf_check(n, p)) || (rc = sh_crypto_init()))
		return rc;
	gcry_randomize(salt, sizeof salt, GCRY_STRONG_RANDOM);
	gcry_create_nonce(nonce, sizeof nonce);
	sh_sign_key_public(pub, key);
	if ((rc = sh_buf_puts(out, SECKEY_MAGIC)) || (rc = sh_buf_printf(out, "key: %s\n", sh_sign_key_id(key))) ||
	    (rc = sign_put_hex(out, "public", pub, sizeof pub)) ||
	    (rc = sh_buf_printf(out, "kdf: scrypt\nkdf-n: %lu\nkdf-r: %d\nkdf-p: %lu\n", n, KDF_R, p)) ||
	    (rc = sign_put_hex(out, "salt", salt, sizeof salt)) ||
	    (rc = sign_put_hex(out, "nonce", nonce, sizeof nonce)))
		goto out;
	if ((rc = derive(k, passphrase, salt, n, p)))
		goto out;
	/* The header lines are the GCM associated data: changing the key id,
	 * kdf cost, salt or nonce breaks the tag. */
	rc = gcm(1, sealed, sign_key_seed(key), SH_SIGN_SEED_LEN, sealed + SH_SIGN_SEED_LEN, k, nonce,
		 out->data + start, out->len - start);
	if (!rc)
		rc = sign_put_hex(out, "sealed", sealed, sizeof sealed);
out:
	sign_wipe(k, sizeof k);
	sign_wipe(sealed, sizeof sealed);
	if (rc) {
		out->len = start;
		if (out->data)
			out->data[start] = 0;
	}
	return rc;
}

int sh_sign_key_load(sh_sign_key **out, const void *file, size_t len, const char *passphrase)
{
	uint8_t pub[32], salt[SALT_LEN], nonce[NONCE_LEN], sealed[SH_SIGN_SEED_LEN + TAG_LEN];
	uint8_t k[32], seed[SH_SIGN_SEED_LEN];
	char key_id[SH_SIGN_KEYID_HEX + 1], id[SH_SIGN_KEYID_HEX + 1];
	uint64_t n, r, p;
	const char *v;
	size_t vl;
	int rc;
	*out = NULL;
	if (!passphrase)
		return sh_error_set(SH_EINVAL, "no passphrase given");
	if (len > SH_SIGN_DOC_MAX)
		return sh_error_set(SH_ELIMIT, "key file of %zu bytes is too large", len);
	if (!file || len < sizeof SECKEY_MAGIC - 1 || memcmp(file, SECKEY_MAGIC, sizeof SECKEY_MAGIC - 1)) {
		if (file && len >= 13 && !memcmp(file, "sohoa-seckey-", 13))
			return sh_error_set(SH_EVERSION, "private key file of an unknown version");
		return sh_error_set(SH_EINVAL, "not a sohoa private key file");
	}
	if (memchr(file, 0, len) || memchr(file, '\r', len))
		return sh_error_set(SH_EINVAL, "private key file contains a NUL or CR byte");
	sign_lines l = {(const char *)file + sizeof SECKEY_MAGIC - 1, (const char *)file + len};
	if ((rc = sign_line_take(&l, "key", 0, NULL, NULL, &v, &vl)))
		return rc;
	if (vl != SH_SIGN_KEYID_HEX)
		return sh_error_set(SH_EINVAL, "key id must be %d hex digits", SH_SIGN_KEYID_HEX);
	memcpy(key_id, v, vl);
	key_id[vl] = 0;
	if ((rc = sign_line_take(&l, "public", 0, NULL, NULL, &v, &vl)) ||
	    (rc = sign_parse_hex(pub, sizeof pub, v, vl, "public key")) ||
	    (rc = sign_line_take(&l, "kdf", 0, NULL, NULL, &v, &vl)))
		return rc;
	if (vl != 6 || memcmp(v, "scrypt", 6))
		return sh_error_set(SH_EVERSION, "key file uses an unknown kdf '%.*s'", (int)(vl > 20 ? 20 : vl), v);
	if ((rc = sign_line_take(&l, "kdf-n", 0, NULL, NULL, &v, &vl)) || (rc = sign_parse_u64(&n, v, vl, "kdf-n")) ||
	    (rc = sign_line_take(&l, "kdf-r", 0, NULL, NULL, &v, &vl)) || (rc = sign_parse_u64(&r, v, vl, "kdf-r")) ||
	    (rc = sign_line_take(&l, "kdf-p", 0, NULL, NULL, &v, &vl)) || (rc = sign_parse_u64(&p, v, vl, "kdf-p")) ||
	    (rc = sign_line_take(&l, "salt", 0, NULL, NULL, &v, &vl)) ||
	    (rc = sign_parse_hex(salt, sizeof salt, v, vl, "salt")) ||
	    (rc = sign_line_take(&l, "nonce", 0, NULL, NULL, &v, &vl)) ||
	    (rc = sign_parse_hex(nonce, sizeof nonce, v, vl, "nonce")))
		return rc;
	size_t aad_len = (size_t)(l.p - (const char *)file);
	if ((rc = sign_line_take(&l, "sealed", 0, NULL, NULL, &v, &vl)) ||
	    (rc = sign_parse_hex(sealed, sizeof sealed, v, vl, "sealed key")))
		return rc;
	if (l.p != l.end)
		return sh_error_set(SH_EINVAL, "unexpected line after 'sealed' in a private key file");
	if (r != KDF_R)
		return sh_error_set(SH_EVERSION, "scrypt r = %llu is not supported (only 8)", (unsigned long long)r);
	if ((rc = kdf_check((unsigned long)(n > ULONG_MAX ? 0 : n), (unsigned long)(p > 16 ? 0 : p))))
		return rc;
	if ((rc = sh_crypto_init()) || (rc = derive(k, passphrase, salt, (unsigned long)n, (unsigned long)p)))
		goto out;
	rc = gcm(0, seed, sealed, SH_SIGN_SEED_LEN, sealed + SH_SIGN_SEED_LEN, k, nonce, file, aad_len);
	if (rc)
		goto out;
	if ((rc = sh_sign_key_from_seed(out, seed)))
		goto out;
	sh_sign_key_id_of(id, pub);
	uint8_t real[32];
	sh_sign_key_public(real, *out);
	if (memcmp(real, pub, sizeof pub) || strcmp(id, key_id)) {
		sh_sign_key_free(out);
		rc = sh_error_set(SH_ECORRUPT, "private key file: the decrypted key does not match its public key");
	}
out:
	sign_wipe(k, sizeof k);
	sign_wipe(seed, sizeof seed);
	return rc;
}

int sh_sign_key_save_file(const char *path, const sh_sign_key *key, const char *passphrase,
			  const sh_sign_kdf *kdf)
{
	sh_buf b = SH_BUF_INIT;
	char *tmp = NULL;
	int fd = -1, rc = sh_sign_key_save(&b, key, passphrase, kdf);
	if (rc)
		goto out;
	if (access(path, F_OK) == 0) {
		rc = sh_error_set(SH_EEXISTS, "%s already exists; a key file is never overwritten", path);
		goto out;
	}
	tmp = sh_asprintf("%s.tmp%ld", path, (long)getpid());
	if (!tmp) {
		rc = SH_ENOMEM;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = sh_error_set(SH_EIO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	for (size_t off = 0; off < b.len;) {
		ssize_t w = write(fd, b.data + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = sh_error_set(SH_EIO, "%s: %s", tmp, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		rc = sh_error_set(SH_EIO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	/* link() fails if path appeared meanwhile: never replace a key file. */
	if (link(tmp, path) != 0) {
		rc = sh_error_set(errno == EEXIST ? SH_EEXISTS : SH_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		sh_free(tmp);
	}
	sh_buf_free(&b);
	return rc;
}

int sh_sign_key_load_file(sh_sign_key **out, const char *path, const char *passphrase)
{
	uint8_t *data = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = sh_file_read(&data, &len, path, SH_SIGN_DOC_MAX);
	if (rc)
		return rc;
	rc = sh_sign_key_load(out, data, len, passphrase);
	if (rc)
		sh_error_wrap(rc, "%s: ", path);
	sh_free(data);
	return rc;
}
