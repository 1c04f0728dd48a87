/* Fuzz target: the witness's inputs (witness/, sh_wit.h) — an
 * add-checkpoint request (sh_wit_request_parse), the checkpoint note in it
 * and any note or cosignature (sh_wit_note_parse), a verifier key
 * (sh_wit_vkey_parse), and the whole request handled by a real witness in a
 * temporary directory (sh_wit_add_checkpoint) that trusts the log key of
 * RFC 8032 TEST 1's seed for origin "sohoa/000.00.99.Z99". The input is in
 * a buffer of exactly its size. Accepted input must:
 *   - as a note whose body holds only origin, size, root and the sohoa
 *     sequence line, give back the same body bytes from sh_wit_note_body
 *     (one spelling per checkpoint);
 *   - as a verifier key, be formatted back to the same bytes;
 *   - as a request, get a status of the protocol (200 only with a valid
 *     log signature, and then a cosignature that verifies).
 * No allocation may be left behind. Seeds: tests/fuzz/corpus/witness/
 * (requests, notes and keys made as `sohoa checkpoint` makes them). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh_wit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t TEST1[32] = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
				  0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
				  0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
static char dir[64];
static sh_wit *wit;
static sh_wit_vkey wkey;

static void cleanup(void)
{
	char cmd[128];
	sh_wit_close(&wit);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
}

static void setup(void)
{
	if (wit)
		return;
	snprintf(dir, sizeof dir, "/tmp/sohoa-fuzz-witness.XXXXXX");
	sh_sign_key *k = NULL;
	char wd[80], *vk = NULL;
	uint8_t pub[32];
	if (!mkdtemp(dir) || (snprintf(wd, sizeof wd, "%s/w", dir), sh_wit_create(wd, "fuzz.example/w")) ||
	    sh_wit_open(&wit, wd) || sh_sign_key_from_seed(&k, TEST1))
		abort();
	sh_sign_key_public(pub, k);
	if (sh_wit_vkey_format(&vk, "sohoa/000.00.99.Z99", SH_WIT_TYPE_ED25519, pub) ||
	    sh_wit_log_add(wit, "sohoa/000.00.99.Z99", vk))
		abort();
	sh_free(vk);
	if (sh_wit_own_vkey(wit, &vk) || sh_wit_vkey_parse(&wkey, vk, strlen(vk)))
		abort();
	sh_free(vk);
	sh_sign_key_free(&k);
	atexit(cleanup);
}

static size_t count_lines(const uint8_t *d, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += d[i] == '\n';
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	long live = sh_alloc_live();
	sh_wit_note *n = malloc(sizeof *n);
	if (!n)
		return 0;
	/* as a note */
	if (sh_wit_note_parse(n, data, size) == SH_OK) {
		if (n->body_len > size || n->nsigs == 0)
			abort();
		if (count_lines(data, n->body_len) == 3u + (unsigned)n->has_seq) {
			sh_buf b = SH_BUF_INIT;
			if (sh_wit_note_body(&b, n->origin, n->size, n->root, n->has_seq ? n->seq_day : NULL,
					     n->seq) ||
			    b.len != n->body_len || memcmp(b.data, data, b.len))
				abort();
			sh_buf_free(&b);
		}
		uint64_t t;
		sh_wit_note_verify(n, data, &wkey, &t);
	}
	/* as a verifier key */
	sh_wit_vkey k;
	if (sh_wit_vkey_parse(&k, (const char *)data, size) == SH_OK) {
		char *s = NULL;
		if (sh_wit_vkey_format(&s, k.name, k.type, k.pub) || strlen(s) != size ||
		    memcmp(s, data, size))
			abort();
		sh_free(s);
	}
	/* as a request, parsed and then handled by the witness */
	uint64_t old;
	uint8_t (*proof)[SH_SHA256_LEN] = malloc(SH_WIT_PROOF_MAX * SH_SHA256_LEN);
	size_t np, off;
	if (proof && sh_wit_request_parse(&old, proof, &np, &off, data, size) == SH_OK) {
		if (off > size || np > SH_WIT_PROOF_MAX || (old == 0 && np))
			abort();
	}
	free(proof);
	unsigned st = 0;
	sh_buf resp = SH_BUF_INIT;
	int rc = sh_wit_add_checkpoint(wit, data, size, &st, &resp);
	if ((rc == SH_OK) != (st == 200) ||
	    (st != 200 && st != 400 && st != 403 && st != 404 && st != 409 && st != 422 && st != 413))
		abort();
	if (st == 200) { /* the answer verifies on the submitted note */
		sh_buf all = SH_BUF_INIT;
		const uint8_t *nl = memmem(data, size, "\n\n", 2);
		if (!nl || sh_buf_put(&all, nl + 2, size - (size_t)(nl + 2 - data)) ||
		    sh_buf_put(&all, resp.data, resp.len) || sh_wit_note_parse(n, all.data, all.len) ||
		    sh_wit_note_verify(n, all.data, &wkey, NULL))
			abort();
		sh_buf_free(&all);
	}
	sh_buf_free(&resp);
	free(n);
	if (sh_alloc_live() != live)
		abort();
	return 0;
}
