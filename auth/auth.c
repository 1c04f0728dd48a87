/* Password hashing (Argon2id via libgcrypt) and logging in (sh_auth.h). */
#include "sh_auth.h"

#include <errno.h>
#include <gcrypt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- base64 without padding (the PHC string format) ------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_enc(char *out, const uint8_t *in, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = b64[v & 63];
	}
	out[o] = 0;
	return o;
}

/* Decode exactly n chars; -1 when malformed or over cap bytes. */
static long b64_dec(uint8_t *out, size_t cap, const char *in, size_t n)
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *p = in[i] ? strchr(b64, in[i]) : NULL;
		if (!p)
			return -1;
		acc = (acc << 6) | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1)) /* non-canonical trailing bits */
		return -1;
	return (long)o;
}

/* ---- Argon2id ----------------------------------------------------------- */

/* At most two hashes at once: each holds m KiB (64 MiB), so a burst of
 * logins cannot take the server's memory. */
static pthread_mutex_t kdf_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kdf_cv = PTHREAD_COND_INITIALIZER;
static int kdf_running;
#define KDF_MAX_PARALLEL 2

static int argon2id(uint8_t *tag, size_t tag_len, const char *pw, size_t len, unsigned t,
		    unsigned m, unsigned p, const uint8_t *salt, size_t salt_len)
{
	int rc = sh_crypto_init();
	if (rc)
		return rc;
	unsigned long param[4] = {tag_len, t, m, p};
	pthread_mutex_lock(&kdf_mu);
	while (kdf_running >= KDF_MAX_PARALLEL)
		pthread_cond_wait(&kdf_cv, &kdf_mu);
	kdf_running++;
	pthread_mutex_unlock(&kdf_mu);
	gcry_kdf_hd_t hd;
	gcry_error_t e = gcry_kdf_open(&hd, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, param, 4, pw, len,
				       salt, salt_len, NULL, 0, NULL, 0);
	if (!e) {
		e = gcry_kdf_compute(hd, NULL);
		if (!e)
			e = gcry_kdf_final(hd, tag_len, tag);
		gcry_kdf_close(hd);
	}
	pthread_mutex_lock(&kdf_mu);
	kdf_running--;
	pthread_cond_signal(&kdf_cv);
	pthread_mutex_unlock(&kdf_mu);
	if (e)
		return gcry_err_code(e) == GPG_ERR_ENOMEM
			       ? sh_error_set(SH_ENOMEM, "Argon2id: out of memory")
			       : sh_error_set(SH_ERROR, "Argon2id: %s", gcry_strerror(e));
	return SH_OK;
}

int sh_auth_hash_with(char out[SH_AUTH_ENCODED_MAX], const char *pw, size_t len, unsigned t,
		      unsigned m, unsigned p, const uint8_t *salt, size_t salt_len)
{
	out[0] = 0;
	if (!len || len > SH_AUTH_PASSWORD_MAX || memchr(pw, 0, len))
		return sh_error_set(SH_EINVAL, "a password is 1 to %d bytes, no NUL",
				    SH_AUTH_PASSWORD_MAX);
	if (salt_len < 8 || salt_len > 64 || t < 1 || t > 64 || p < 1 || p > 16 || m < 8 * p ||
	    m > (1u << 22))
		return sh_error_set(SH_EINVAL, "Argon2id parameters out of range");
	uint8_t tag[SH_AUTH_TAG_LEN];
	int rc = argon2id(tag, sizeof tag, pw, len, t, m, p, salt, salt_len);
	if (rc)
		return rc;
	char s64[96], t64[64];
	b64_enc(s64, salt, salt_len);
	b64_enc(t64, tag, sizeof tag);
	snprintf(out, SH_AUTH_ENCODED_MAX, "$argon2id$v=19$m=%u,t=%u,p=%u$%s$%s", m, t, p, s64, t64);
	memset(tag, 0, sizeof tag);
	return SH_OK;
}

int sh_auth_hash(char out[SH_AUTH_ENCODED_MAX], const char *pw, size_t len)
{
	uint8_t salt[SH_AUTH_SALT_LEN];
	int rc = sh_crypto_init();
	if (rc)
		return rc;
	gcry_randomize(salt, sizeof salt, GCRY_STRONG_RANDOM);
	return sh_auth_hash_with(out, pw, len, SH_AUTH_T, SH_AUTH_M_KIB, SH_AUTH_P, salt,
				 sizeof salt);
}

static int bad_hash(void)
{
	return sh_error_set(SH_EINVAL, "not an Argon2id password hash this program accepts");
}

/* A decimal number up to max, ending at stop. */
static int num(const char **s, char stop, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;
	const char *p = *s;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] != stop))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (unsigned)(*p - '0')) > max)
			return -1;
	if (*p != stop || v < min)
		return -1;
	*out = (unsigned)v;
	*s = p + 1;
	return 0;
}

int sh_auth_verify(const char *enc, const char *pw, size_t len)
{
	const char *s = enc;
	unsigned m, t, p;
	if (!enc || strncmp(s, "$argon2id$v=19$m=", 17))
		return bad_hash();
	s += 17;
	if (num(&s, ',', 8, 1u << 22, &m) || strncmp(s, "t=", 2) || (s += 2, num(&s, ',', 1, 64, &t)) ||
	    strncmp(s, "p=", 2) || (s += 2, num(&s, '$', 1, 16, &p)))
		return bad_hash();
	const char *d = strchr(s, '$');
	if (!d)
		return bad_hash();
	uint8_t salt[64], want[64], got[64];
	long sn = b64_dec(salt, sizeof salt, s, (size_t)(d - s));
	long tn = b64_dec(want, sizeof want, d + 1, strlen(d + 1));
	if (sn < 8 || tn < 16 || m < 8 * p)
		return bad_hash();
	if (!len || len > SH_AUTH_PASSWORD_MAX || memchr(pw, 0, len))
		return sh_error_set(SH_EPERM, "wrong user name or password");
	int rc = argon2id(got, (size_t)tn, pw, len, t, m, p, salt, (size_t)sn);
	if (rc)
		return rc;
	unsigned char diff = 0;
	for (long i = 0; i < tn; i++)
		diff |= got[i] ^ want[i];
	memset(got, 0, sizeof got);
	return diff ? sh_error_set(SH_EPERM, "wrong user name or password") : SH_OK;
}

/* ---- password files ------------------------------------------------------- */

void sh_auth_wipe_free(char *p)
{
	if (!p)
		return;
	volatile char *v = p;
	while (*v)
		*v++ = 0;
	sh_free(p);
}

int sh_auth_password_file(char **out, const char *path)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return sh_error_set(errno == ENOENT ? SH_ENOTFOUND : SH_EIO,
				    "password file %s: %s", path, strerror(errno));
	char *buf = sh_calloc(1, SH_AUTH_PASSWORD_MAX + 2);
	if (!buf) {
		fclose(f);
		return SH_ENOMEM;
	}
	size_t n = fread(buf, 1, SH_AUTH_PASSWORD_MAX + 1, f);
	fclose(f);
	size_t line = strcspn(buf, "\r\n");
	int rc = SH_OK;
	if (line < n) {
		memset(buf + line, 0, n - line);
		n = line;
	}
	if (memchr(buf, 0, n))
		rc = sh_error_set(SH_EINVAL, "password file %s holds a NUL byte", path);
	else if (n > SH_AUTH_PASSWORD_MAX)
		rc = sh_error_set(SH_EINVAL, "password file %s: a password is at most %d bytes", path,
				  SH_AUTH_PASSWORD_MAX);
	else if (!n)
		rc = sh_error_set(SH_EINVAL, "password file %s: the first line is empty", path);
	if (rc) {
		memset(buf, 0, SH_AUTH_PASSWORD_MAX + 2);
		sh_free(buf);
		return rc;
	}
	*out = buf;
	return SH_OK;
}

/* ---- accounts ---------------------------------------------------------------- */

int sh_auth_set_password(sh_store *s, const char *name, const char *pw, size_t len)
{
	char enc[SH_AUTH_ENCODED_MAX];
	int role, disabled, rc = sh_wh_cred_get(s, name, &role, NULL, &disabled);
	if (rc || (rc = sh_auth_hash(enc, pw, len)))
		return rc;
	return sh_wh_cred_set(s, name, enc);
}

/* Verified against when the name is unknown, so a refusal takes as long
 * either way (salt "sohoa-no-such-user", made with the same parameters). */
static const char dummy_hash[] =
	"$argon2id$v=19$m=65536,t=3,p=1$c29ob2Etbm8tc3VjaC11c2Vy$"
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

int sh_auth_login(sh_store *s, const char *name, const char *pw, size_t len, int *out_role)
{
	char *enc = NULL;
	int role = 0, disabled = 0;
	*out_role = 0;
	int rc = sh_wh_cred_get(s, name, &role, &enc, &disabled);
	if (rc && rc != SH_ENOTFOUND && rc != SH_EINVAL)
		return rc;
	int known = rc == SH_OK && enc && !disabled;
	int vrc = sh_auth_verify(known ? enc : dummy_hash, pw, len);
	sh_free(enc);
	if (vrc && vrc != SH_EPERM && known)
		return vrc == SH_EINVAL ? sh_error_set(SH_ECORRUPT, "operator %s has a damaged "
								    "password hash", name)
					: vrc;
	if (!known || vrc)
		return sh_error_set(SH_EPERM, "wrong user name or password");
	*out_role = role;
	return SH_OK;
}
