/* Fuzz target for every signing/ parser: manifests, signed documents,
 * checkpoints, public and private key files. Built as a libFuzzer binary
 * with -DSOHOA_FUZZ=ON (clang); replayed by sign_fuzz_replay in CTest. */
#define _GNU_SOURCE /* memmem */
#include "sh_sign.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sh_sign_pubkey pub;
	static int ready;
	if (!ready) {
		sh_crypto_init();
		ready = 1;
	}
	sh_sign_manifest *m = NULL;
	if (sh_sign_manifest_parse(&m, data, size) == SH_OK) {
		sh_buf b = SH_BUF_INIT;
		if (sh_sign_manifest_encode(&b, m) != SH_OK || b.len != size || memcmp(b.data, data, size))
			__builtin_trap(); /* accepted but not canonical */
		sh_buf_free(&b);
	}
	sh_sign_manifest_free(&m);
	char id[SH_SIGN_KEYID_HEX + 1];
	(void)sh_sign_doc_key_id(id, data, size);
	sh_sign_checkpoint cp;
	(void)sh_sign_checkpoint_verify(&cp, &pub, data, size);
	(void)sh_sign_manifest_verify(NULL, &pub, SH_SIGN_WHEN_CLAIMED, data, size);
	sh_sign_pubkey p;
	(void)sh_sign_pubkey_parse(&p, data, size);
	/* Private key files only up to the kdf: a valid cost would make every
	 * input take scrypt time, so refuse ones that would get that far. */
	if (size < 4096 && !memmem(data, size, "kdf-n: ", 7)) {
		sh_sign_key *k = NULL;
		(void)sh_sign_key_load(&k, data, size, "fuzz");
		sh_sign_key_free(&k);
	}
	return 0;
}
