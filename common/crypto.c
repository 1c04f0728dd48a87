/* libgcrypt initialisation and SHA-256. */
#include "sh_common.h"

#include <gcrypt.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;

static void do_init(void)
{
	if (!gcry_check_version(GCRYPT_VERSION)) {
		init_rc = sh_error_set(SH_ERROR, "libgcrypt version mismatch (need %s)", GCRYPT_VERSION);
		return;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM_WARN);
	gcry_control(GCRYCTL_INIT_SECMEM, 1 << 16, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}

int sh_crypto_init(void)
{
	pthread_once(&once, do_init);
	return init_rc;
}

void sh_sha256(uint8_t out[SH_SHA256_LEN], const void *data, size_t len)
{
	sh_crypto_init();
	gcry_md_hash_buffer(GCRY_MD_SHA256, out, data, len);
}

void sh_hex(char *out, const uint8_t *b, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[b[i] >> 4];
		out[2 * i + 1] = hx[b[i] & 15];
	}
	out[2 * n] = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int sh_unhex(uint8_t *out, const char *hex, size_t n)
{
	if (strlen(hex) != 2 * n)
		return sh_error_set(SH_EINVAL, "expected %zu hex digits", 2 * n);
	for (size_t i = 0; i < n; i++) {
		int a = hexval(hex[2 * i]), b = hexval(hex[2 * i + 1]);
		if (a < 0 || b < 0)
			return sh_error_set(SH_EINVAL, "not a hex digit in '%s'", hex);
		out[i] = (uint8_t)(a << 4 | b);
	}
	return SH_OK;
}
