/* Fuzz target: proof.txt of a proof bundle (sh_sign_proof_parse,
 * signing/bundle.c) and the Merkle checks it feeds. The input is the file's
 * bytes, in a buffer of exactly that size (a parser reading past the end is
 * an AddressSanitizer report). Accepted input must:
 *   - be canonical (docs/SIGNING.md §2): written out again it is the same
 *     bytes, so one proof has one spelling;
 *   - have index < size and at most SH_LOG_PROOF_MAX hashes;
 *   - verify against a real tree only when it is that tree's proof: for
 *     sizes up to 64, a log of that many entries is built, and the parsed
 *     path must pass sh_log_inclusion_verify for entry `index` exactly when
 *     it equals sh_log_inclusion_proof (the real proof always passes), and
 *     sh_log_consistency_verify between the trees of `index` and `size`
 *     entries exactly when it equals sh_log_consistency_proof.
 * Larger trees run the verifiers for the crash-freedom of their loops.
 * No allocation may be left behind. Seeds: tests/fuzz/corpus/proof/ (the
 * proof.txt of real `sohoa export-proof` bundles, cut and damaged ones). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh_sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SMALL 64

static int leaf_of(void *arg, uint64_t index, uint8_t out[SH_SHA256_LEN])
{
	(void)arg;
	uint8_t e[8];
	for (int i = 0; i < 8; i++)
		e[i] = (uint8_t)(index >> (56 - 8 * i));
	sh_log_leaf_hash(out, e, sizeof e);
	return SH_OK;
}

static const sh_log_source src = {leaf_of, NULL, NULL};

static int same_path(const uint8_t a[][SH_SHA256_LEN], size_t na, const uint8_t b[][SH_SHA256_LEN],
		     size_t nb)
{
	return na == nb && (na == 0 || !memcmp(a, b, na * SH_SHA256_LEN));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long live = sh_alloc_live();
	char *text = malloc(size ? size : 1); /* exactly size bytes: no NUL after them */
	if (!text)
		return 0;
	memcpy(text, data, size);
	static uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
	uint64_t index = 0, tsize = 0;
	size_t n = 0;
	int rc = sh_sign_proof_parse(&index, &tsize, path, &n, text, size);
	if (rc != SH_OK && rc != SH_EINVAL)
		abort();
	if (rc != SH_OK) {
		if (n != 0)
			abort(); /* nothing half-parsed is handed out */
		goto out;
	}
	if (index >= tsize || n > SH_LOG_PROOF_MAX)
		abort();
	/* canonical: the same bytes again */
	{
		sh_buf b = SH_BUF_INIT;
		char hex[2 * SH_SHA256_LEN + 1];
		sh_buf_printf(&b, "sohoa-proof-v1\nindex: %llu\nsize: %llu\n", (unsigned long long)index,
			      (unsigned long long)tsize);
		for (size_t i = 0; i < n; i++) {
			sh_hex(hex, path[i], SH_SHA256_LEN);
			sh_buf_printf(&b, "path: %s\n", hex);
		}
		if (b.len != size || memcmp(b.data, data, size))
			abort(); /* accepted a non-canonical spelling */
		sh_buf_free(&b);
	}
	uint8_t leaf[SH_SHA256_LEN], root[SH_SHA256_LEN], old_root[SH_SHA256_LEN];
	leaf_of(NULL, index, leaf);
	if (tsize <= SMALL) {
		uint8_t real[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
		size_t rn = 0;
		if (sh_log_root(root, &src, tsize) || sh_log_inclusion_proof(real, &rn, &src, index, tsize))
			abort();
		if (sh_log_inclusion_verify(leaf, index, tsize, (const uint8_t(*)[SH_SHA256_LEN])real, rn,
					    root))
			abort(); /* the real proof must pass */
		int ok = sh_log_inclusion_verify(leaf, index, tsize, (const uint8_t(*)[SH_SHA256_LEN])path,
						 n, root) == SH_OK;
		if (ok != same_path((const uint8_t(*)[SH_SHA256_LEN])path, n,
				    (const uint8_t(*)[SH_SHA256_LEN])real, rn))
			abort(); /* a forged inclusion proof passed, or the real one failed */
		/* the same path read as a consistency proof from index to size entries */
		if (sh_log_root(old_root, &src, index) ||
		    sh_log_consistency_proof(real, &rn, &src, index, tsize))
			abort();
		if (sh_log_consistency_verify(index, old_root, tsize, root,
					      (const uint8_t(*)[SH_SHA256_LEN])real, rn))
			abort();
		ok = sh_log_consistency_verify(index, old_root, tsize, root,
					       (const uint8_t(*)[SH_SHA256_LEN])path, n) == SH_OK;
		if (ok != same_path((const uint8_t(*)[SH_SHA256_LEN])path, n,
				    (const uint8_t(*)[SH_SHA256_LEN])real, rn))
			abort(); /* a forged consistency proof passed, or the real one failed */
	} else {
		/* huge trees: only that the loops end and read inside the path */
		memset(root, 0, sizeof root);
		rc = sh_log_inclusion_verify(leaf, index, tsize, (const uint8_t(*)[SH_SHA256_LEN])path, n,
					     root);
		if (rc != SH_OK && rc != SH_EBADSIG)
			abort();
		rc = sh_log_consistency_verify(index, root, tsize, root,
					       (const uint8_t(*)[SH_SHA256_LEN])path, n);
		if (rc != SH_OK && rc != SH_EBADSIG)
			abort();
	}
out:
	free(text);
	if (sh_alloc_live() != live)
		abort(); /* leak on some path */
	return 0;
}
