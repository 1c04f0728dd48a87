/* Tests of witness/ (sh_wit.h): base64, verifier keys, checkpoint notes,
 * cosignature/v1, and the witness's answers to add-checkpoint (200, 400,
 * 403, 404, 409 stale and fork, 422, shrink) over a real directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sh_wit.h"

#define ORIGIN "sohoa/000.00.99.Z99"

static uint8_t leaves[64][SH_SHA256_LEN];
static int fork_at = -1; /* the other branch: entry fork_at differs */

static int leaf_of(void *arg, uint64_t i, uint8_t out[SH_SHA256_LEN])
{
	(void)arg;
	char e[32];
	int n = snprintf(e, sizeof e, "entry %llu%s", (unsigned long long)i,
			 (int)i == fork_at ? " (forked)" : "");
	sh_log_leaf_hash(out, e, (size_t)n);
	memcpy(leaves[i], out, SH_SHA256_LEN);
	return SH_OK;
}

static const sh_log_source src = {leaf_of, NULL, NULL};

/* A signed checkpoint note of the first size entries. */
static void note_of(sh_buf *out, const sh_sign_key *key, uint64_t size)
{
	uint8_t root[SH_SHA256_LEN];
	sh_buf body = SH_BUF_INIT;
	assert_int_equal(sh_log_root(root, &src, size), SH_OK);
	assert_int_equal(sh_wit_note_body(&body, ORIGIN, size, root, "261206", 7), SH_OK);
	assert_int_equal(sh_buf_put(out, body.data, body.len), SH_OK);
	assert_int_equal(sh_buf_puts(out, "\n"), SH_OK);
	assert_int_equal(sh_wit_note_sign(out, key, ORIGIN, body.data, body.len), SH_OK);
	sh_buf_free(&body);
}

/* An add-checkpoint request from old to size (proof computed, or none). */
static void request(sh_buf *out, const sh_sign_key *key, uint64_t old, uint64_t size, int proof)
{
	uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
	size_t n = 0;
	if (proof && old && old < size)
		assert_int_equal(sh_log_consistency_proof(path, &n, &src, old, size), SH_OK);
	sh_buf note = SH_BUF_INIT;
	note_of(&note, key, size);
	assert_int_equal(sh_wit_request_make(out, old, (const uint8_t(*)[SH_SHA256_LEN])path, n,
					     note.data, note.len),
			 SH_OK);
	sh_buf_free(&note);
}

static void test_b64(void **state)
{
	(void)state;
	const char *v[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *e[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (size_t i = 0; i < 7; i++) { /* RFC 4648 §10 */
		sh_buf b = SH_BUF_INIT;
		uint8_t d[8];
		size_t n;
		assert_int_equal(sh_wit_b64_encode(&b, (const uint8_t *)v[i], strlen(v[i])), SH_OK);
		assert_memory_equal(b.len ? (char *)b.data : "", e[i], strlen(e[i]));
		assert_int_equal(sh_wit_b64_decode(d, sizeof d, &n, e[i], strlen(e[i])), SH_OK);
		assert_int_equal(n, strlen(v[i]));
		sh_buf_free(&b);
	}
	uint8_t d[8];
	size_t n;
	assert_int_equal(sh_wit_b64_decode(d, sizeof d, &n, "Zh==", 4), SH_EINVAL); /* not canonical */
	assert_int_equal(sh_wit_b64_decode(d, sizeof d, &n, "Zg=a", 4), SH_EINVAL);
	assert_int_equal(sh_wit_b64_decode(d, sizeof d, &n, "Z===", 4), SH_EINVAL);
	assert_int_equal(sh_wit_b64_decode(d, 2, &n, "Zm9v", 4), SH_EINVAL); /* too long */
}

static void test_vkey(void **state)
{
	(void)state;
	uint8_t seed[32] = {1}, pub[32];
	sh_sign_key *k = NULL;
	assert_int_equal(sh_sign_key_from_seed(&k, seed), SH_OK);
	sh_sign_key_public(pub, k);
	char *s = NULL;
	assert_int_equal(sh_wit_vkey_format(&s, "example.com/w", SH_WIT_TYPE_COSIG, pub), SH_OK);
	sh_wit_vkey v;
	assert_int_equal(sh_wit_vkey_parse(&v, s, strlen(s)), SH_OK);
	assert_string_equal(v.name, "example.com/w");
	assert_int_equal(v.type, SH_WIT_TYPE_COSIG);
	assert_memory_equal(v.pub, pub, 32);
	s[15] ^= 1; /* the key id no longer matches */
	assert_int_not_equal(sh_wit_vkey_parse(&v, s, strlen(s)), SH_OK);
	sh_free(s);
	assert_int_equal(sh_wit_vkey_format(&s, "has space", SH_WIT_TYPE_COSIG, pub), SH_EINVAL);
	assert_int_equal(sh_wit_vkey_parse(&v, "x+0000+AA==", 11), SH_EINVAL);
	sh_sign_key_free(&k);
}

static void test_note(void **state)
{
	(void)state;
	uint8_t seed[32] = {2}, wseed[32] = {3}, pub[32], wpub[32];
	sh_sign_key *k = NULL, *w = NULL;
	assert_int_equal(sh_sign_key_from_seed(&k, seed), SH_OK);
	assert_int_equal(sh_sign_key_from_seed(&w, wseed), SH_OK);
	sh_sign_key_public(pub, k);
	sh_sign_key_public(wpub, w);
	sh_buf note = SH_BUF_INIT;
	note_of(&note, k, 5);
	sh_wit_note *n = malloc(sizeof *n);
	assert_int_equal(sh_wit_note_parse(n, note.data, note.len), SH_OK);
	assert_string_equal(n->origin, ORIGIN);
	assert_int_equal(n->size, 5);
	assert_true(n->has_seq);
	assert_string_equal(n->seq_day, "261206");
	assert_int_equal(n->seq, 7);
	/* the body is re-made byte for byte from what was parsed */
	sh_buf body = SH_BUF_INIT;
	assert_int_equal(sh_wit_note_body(&body, n->origin, n->size, n->root, n->seq_day, n->seq), SH_OK);
	assert_int_equal(body.len, n->body_len);
	assert_memory_equal(body.data, note.data, body.len);
	/* the log's signature, and a cosignature */
	char *s = NULL;
	sh_wit_vkey lk, wk;
	assert_int_equal(sh_wit_vkey_format(&s, ORIGIN, SH_WIT_TYPE_ED25519, pub), SH_OK);
	assert_int_equal(sh_wit_vkey_parse(&lk, s, strlen(s)), SH_OK);
	sh_free(s);
	assert_int_equal(sh_wit_vkey_format(&s, "w.example", SH_WIT_TYPE_COSIG, wpub), SH_OK);
	assert_int_equal(sh_wit_vkey_parse(&wk, s, strlen(s)), SH_OK);
	sh_free(s);
	assert_int_equal(sh_wit_note_verify(n, note.data, &lk, NULL), SH_OK);
	assert_int_equal(sh_wit_note_verify(n, note.data, &wk, NULL), SH_ENOTFOUND);
	assert_int_equal(sh_wit_cosign(&note, w, "w.example", note.data, n->body_len, 1765000000), SH_OK);
	assert_int_equal(sh_wit_note_parse(n, note.data, note.len), SH_OK);
	uint64_t t = 0;
	assert_int_equal(sh_wit_note_verify(n, note.data, &wk, &t), SH_OK);
	assert_int_equal(t, 1765000000);
	/* a changed body breaks both */
	note.data[strlen(ORIGIN) + 1] = '6';
	assert_int_equal(sh_wit_note_parse(n, note.data, note.len), SH_OK);
	assert_int_equal(sh_wit_note_verify(n, note.data, &lk, NULL), SH_EBADSIG);
	assert_int_equal(sh_wit_note_verify(n, note.data, &wk, NULL), SH_EBADSIG);
	/* malformed notes */
	const char *bad[] = {"o\n1\n", "o\n01\nAAAA\n\n— a AAAAAAA=\n", "o\n1\nAAAA\n\n— a AAAAAAA=\n",
			     "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n",
			     "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nsohoa-x 1\n\n— a AAAAAAA=\n",
			     "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n- a AAAAAA==\n"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_not_equal(sh_wit_note_parse(n, bad[i], strlen(bad[i])), SH_OK);
	const char *good = "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nother ext\n\n— a AAAAAAA=\n";
	assert_int_equal(sh_wit_note_parse(n, good, strlen(good)), SH_OK);
	free(n);
	sh_buf_free(&note);
	sh_buf_free(&body);
	sh_sign_key_free(&k);
	sh_sign_key_free(&w);
}

static unsigned add(sh_wit *w, const sh_buf *req, sh_buf *resp)
{
	unsigned st = 0;
	resp->len = 0;
	int rc = sh_wit_add_checkpoint(w, req->data, req->len, &st, resp);
	assert_true((rc == SH_OK) == (st == 200));
	return st;
}

static void test_witness(void **state)
{
	(void)state;
	char dir[] = "/tmp/sohoa-test-witness.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char wd[64];
	snprintf(wd, sizeof wd, "%s/w", dir);
	assert_int_equal(sh_wit_create(wd, "w.example/1"), SH_OK);
	assert_int_equal(sh_wit_create(wd, "w.example/1"), SH_EEXISTS);
	sh_wit *w = NULL;
	assert_int_equal(sh_wit_open(&w, wd), SH_OK);
	char *wv = NULL;
	assert_int_equal(sh_wit_own_vkey(w, &wv), SH_OK);
	sh_wit_vkey wk;
	assert_int_equal(sh_wit_vkey_parse(&wk, wv, strlen(wv)), SH_OK);
	sh_free(wv);

	uint8_t seed[32] = {4}, other[32] = {5}, pub[32];
	sh_sign_key *k = NULL, *stranger = NULL;
	assert_int_equal(sh_sign_key_from_seed(&k, seed), SH_OK);
	assert_int_equal(sh_sign_key_from_seed(&stranger, other), SH_OK);
	sh_sign_key_public(pub, k);
	sh_buf req = SH_BUF_INIT, resp = SH_BUF_INIT;

	request(&req, k, 0, 4, 1);
	assert_int_equal(add(w, &req, &resp), 404); /* unknown log */
	char *lv = NULL;
	assert_int_equal(sh_wit_vkey_format(&lv, ORIGIN, SH_WIT_TYPE_ED25519, pub), SH_OK);
	assert_int_equal(sh_wit_log_add(w, ORIGIN, "garbage"), SH_EINVAL);
	assert_int_equal(sh_wit_log_add(w, ORIGIN, lv), SH_OK);
	assert_int_equal(sh_wit_log_add(w, ORIGIN, lv), SH_EEXISTS);
	sh_free(lv);
	req.len = 0;
	request(&req, stranger, 0, 4, 1);
	assert_int_equal(add(w, &req, &resp), 403); /* not the log's key */
	req.len = 0;
	request(&req, k, 5, 4, 1);
	assert_int_equal(add(w, &req, &resp), 400); /* old > size */
	req.len = 0;
	request(&req, k, 0, 4, 1);
	assert_int_equal(add(w, &req, &resp), 200); /* first: trust on the log's key */
	/* the answer is a cosignature line that verifies with the witness's key */
	sh_buf note = SH_BUF_INIT, latest = SH_BUF_INIT;
	note_of(&note, k, 4);
	sh_buf_put(&note, resp.data, resp.len);
	sh_wit_note *n = malloc(sizeof *n);
	assert_int_equal(sh_wit_note_parse(n, note.data, note.len), SH_OK);
	assert_int_equal(sh_wit_note_verify(n, note.data, &wk, NULL), SH_OK);
	assert_int_equal(sh_wit_latest(w, ORIGIN, &latest), SH_OK);
	assert_int_equal(sh_wit_note_parse(n, latest.data, latest.len), SH_OK);
	assert_int_equal(n->size, 4);
	assert_int_equal(sh_wit_note_verify(n, latest.data, &wk, NULL), SH_OK);

	req.len = 0;
	request(&req, k, 0, 9, 1);
	assert_int_equal(add(w, &req, &resp), 409); /* stale old size: the witnessed one */
	assert_int_equal(resp.len, 2);
	assert_memory_equal(resp.data, "4\n", 2);
	req.len = 0;
	request(&req, k, 4, 9, 0);
	assert_int_equal(add(w, &req, &resp), 422); /* no proof */
	req.len = 0;
	request(&req, k, 4, 2, 1);
	assert_int_equal(add(w, &req, &resp), 400); /* a shrink */
	req.len = 0;
	request(&req, k, 2, 2, 1);
	assert_int_equal(add(w, &req, &resp), 409); /* a shrink, claiming old 2 */
	fork_at = 1;                                /* another branch from entry 1 */
	req.len = 0;
	request(&req, k, 4, 9, 1);
	assert_int_equal(add(w, &req, &resp), 422); /* not consistent */
	req.len = 0;
	request(&req, k, 4, 4, 1);
	assert_int_equal(add(w, &req, &resp), 409); /* a fork of the same size */
	fork_at = -1;
	req.len = 0;
	request(&req, k, 4, 9, 1);
	assert_int_equal(add(w, &req, &resp), 200); /* the real extension */
	req.len = 0;
	request(&req, k, 9, 9, 1);
	assert_int_equal(add(w, &req, &resp), 200); /* the same again: cosigned afresh */
	latest.len = 0;
	assert_int_equal(sh_wit_latest(w, ORIGIN, &latest), SH_OK);
	assert_int_equal(sh_wit_note_parse(n, latest.data, latest.len), SH_OK);
	assert_int_equal(n->size, 9);
	assert_int_equal(sh_wit_latest(w, "sohoa/other", &latest), SH_ENOTFOUND);

	free(n);
	sh_buf_free(&note);
	sh_buf_free(&latest);
	sh_buf_free(&req);
	sh_buf_free(&resp);
	sh_sign_key_free(&k);
	sh_sign_key_free(&stranger);
	sh_wit_close(&w);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_request(void **state)
{
	(void)state;
	uint64_t old;
	uint8_t proof[SH_WIT_PROOF_MAX][SH_SHA256_LEN];
	size_t n, off;
	const char *ok = "old 3\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\nnote";
	assert_int_equal(sh_wit_request_parse(&old, proof, &n, &off, ok, strlen(ok)), SH_OK);
	assert_int_equal(old, 3);
	assert_int_equal(n, 1);
	assert_string_equal(ok + off, "note");
	const char *bad[] = {"old 03\n\nx", "old 0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\nx",
			     "old 1\nAAAA\n\nx", "old 1\n", "new 1\n\nx", "old \n\nx",
			     "old 18446744073709551616\n\nx"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(sh_wit_request_parse(&old, proof, &n, &off, bad[i], strlen(bad[i])),
				 SH_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64),     cmocka_unit_test(test_vkey),
		cmocka_unit_test(test_note),    cmocka_unit_test(test_request),
		cmocka_unit_test(test_witness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
