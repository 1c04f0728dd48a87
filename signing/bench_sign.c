/* sh_sign_bench — prints SHA-256 throughput and Ed25519 sign and verify
 * rates on this machine. Usage: sh_sign_bench [seconds per figure, default 1] */
#include "sh_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double budget = argc > 1 ? atof(argv[1]) : 1.0;
	if (budget <= 0)
		budget = 1.0;
	if (sh_crypto_init()) {
		fprintf(stderr, "sh_sign_bench: %s\n", sh_error_message());
		return 1;
	}
	size_t blen = 1 << 20;
	unsigned char *buf = malloc(blen);
	if (!buf)
		return 1;
	for (size_t i = 0; i < blen; i++)
		buf[i] = (unsigned char)(i * 131);
	uint8_t h[SH_SHA256_LEN];
	double t0 = now(), t;
	long n = 0;
	do {
		sh_sha256(h, buf, blen);
		n++;
	} while ((t = now() - t0) < budget);
	printf("SHA-256: %.1f MB/s (1 MiB buffers)\n", (double)n * (double)blen / t / 1e6);

	sh_sign_key *key = NULL;
	if (sh_sign_key_generate(&key)) {
		fprintf(stderr, "sh_sign_bench: %s\n", sh_error_message());
		free(buf);
		return 1;
	}
	uint8_t sig[SH_SIGN_SIG_LEN], pub[SH_SIGN_PUBLIC_LEN];
	sh_sign_key_public(pub, key);
	const size_t mlen = 1024; /* about the size of a manifest */
	t0 = now();
	n = 0;
	do {
		buf[n % mlen]++;
		if (sh_sign_sign(sig, key, buf, mlen))
			break;
		n++;
	} while ((t = now() - t0) < budget);
	printf("Ed25519 sign: %.0f signatures/s (%zu-byte messages)\n", (double)n / t, mlen);
	t0 = now();
	n = 0;
	long bad = 0;
	do {
		bad += sh_sign_verify(pub, buf, mlen, sig, sizeof sig) != SH_OK;
		n++;
	} while ((t = now() - t0) < budget);
	printf("Ed25519 verify: %.0f verifications/s (strict checks included)\n", (double)n / t);
	sh_log_frontier f;
	sh_log_frontier_init(&f);
	t0 = now();
	n = 0;
	do {
		sh_log_leaf_hash(h, buf, 512);
		sh_log_frontier_append(&f, h, NULL, NULL);
		n++;
	} while ((t = now() - t0) < budget);
	printf("Merkle log append: %.0f entries/s (512-byte entries)\n", (double)n / t);
	sh_sign_key_free(&key);
	free(buf);
	return bad ? 1 : 0;
}
