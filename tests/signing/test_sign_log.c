/* The Merkle log: RFC 6962 known answers, proofs for every index and size
 * pair checked against a naive tree, and tampering detected. */
#include "sh_sign.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define MAXN 80

/* A log held in memory: the leaf hashes, plus a node cache. */
struct mem_log {
	uint8_t leaf[MAXN][32];
	long leaf_reads;
	int use_cache;
	uint8_t cache[8][MAXN][32]; /* [level][index] */
	int cached[8][MAXN];
};

static int mem_leaf(void *arg, uint64_t i, uint8_t out[32])
{
	struct mem_log *l = arg;
	if (i >= MAXN)
		return SH_EINVAL;
	memcpy(out, l->leaf[i], 32);
	l->leaf_reads++;
	return SH_OK;
}

static int mem_node(void *arg, unsigned level, uint64_t index, uint8_t out[32])
{
	struct mem_log *l = arg;
	if (!l->use_cache || level >= 8 || index >= MAXN || !l->cached[level][index])
		return SH_ENOTFOUND;
	memcpy(out, l->cache[level][index], 32);
	return SH_OK;
}

static int mem_completed(void *arg, unsigned level, uint64_t index, const uint8_t h[32])
{
	struct mem_log *l = arg;
	if (level < 8 && index < MAXN) {
		memcpy(l->cache[level][index], h, 32);
		l->cached[level][index] = 1;
	}
	return SH_OK;
}

/* Naive RFC 6962 MTH, written from the RFC's definition. */
static void naive_mth(uint8_t out[32], uint8_t leaf[][32], uint64_t lo, uint64_t n)
{
	if (n == 0) {
		sh_sha256(out, "", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaf[lo], 32);
		return;
	}
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	uint8_t a[32], b[32];
	naive_mth(a, leaf, lo, k);
	naive_mth(b, leaf, lo + k, n - k);
	sh_log_node_hash(out, a, b);
}

static void hexeq(const uint8_t h[32], const char *hex)
{
	char s[65];
	sh_hex(s, h, 32);
	assert_string_equal(s, hex);
}

/* The RFC 6962 test leaves used by the certificate-transparency projects. */
static const char *const KAT_LEAVES[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f"};
static const char *const KAT_ROOTS[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

static void test_known_roots(void **state)
{
	(void)state;
	static struct mem_log l;
	memset(&l, 0, sizeof l);
	sh_log_source src = {mem_leaf, NULL, &l};
	sh_log_frontier f;
	sh_log_frontier_init(&f);
	uint8_t root[32];
	assert_int_equal(sh_log_root(root, &src, 0), SH_OK);
	hexeq(root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sh_log_frontier_root(root, &f);
	hexeq(root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	for (int i = 0; i < 8; i++) {
		uint8_t entry[16];
		size_t n = strlen(KAT_LEAVES[i]) / 2;
		if (n)
			assert_int_equal(sh_unhex(entry, KAT_LEAVES[i], n), SH_OK);
		sh_log_leaf_hash(l.leaf[i], entry, n);
		assert_int_equal(sh_log_frontier_append(&f, l.leaf[i], NULL, NULL), SH_OK);
		assert_int_equal(sh_log_root(root, &src, (uint64_t)i + 1), SH_OK);
		hexeq(root, KAT_ROOTS[i]);
		sh_log_frontier_root(root, &f);
		hexeq(root, KAT_ROOTS[i]);
	}
}

static void fill(struct mem_log *l, int n, const char *tag)
{
	for (int i = 0; i < n; i++) {
		char e[64];
		int len = snprintf(e, sizeof e, "%s entry %d", tag, i);
		sh_log_leaf_hash(l->leaf[i], e, (size_t)len);
	}
}

static void test_all_proofs(void **state)
{
	(void)state;
	static struct mem_log l;
	memset(&l, 0, sizeof l);
	fill(&l, MAXN, "log");
	sh_log_source src = {mem_leaf, NULL, &l};
	uint8_t path[SH_LOG_PROOF_MAX][32], root[32], want[32], bad[32];
	size_t n;
	for (uint64_t size = 1; size <= 40; size++) {
		naive_mth(want, l.leaf, 0, size);
		assert_int_equal(sh_log_root(root, &src, size), SH_OK);
		assert_memory_equal(root, want, 32);
		for (uint64_t i = 0; i < size; i++) {
			assert_int_equal(sh_log_inclusion_proof(path, &n, &src, i, size), SH_OK);
			assert_int_equal(sh_log_inclusion_verify(l.leaf[i], i, size, path, n, root), SH_OK);
			/* Wrong leaf, index, size, root, or a changed / shortened /
			 * lengthened path all fail. */
			assert_int_equal(sh_log_inclusion_verify(l.leaf[(i + 1) % MAXN], i, size, path, n, root),
					 SH_EBADSIG);
			if (size > 1)
				assert_int_equal(sh_log_inclusion_verify(l.leaf[i], (i + 1) % size, size, path, n, root),
						 SH_EBADSIG);
			assert_int_equal(sh_log_inclusion_verify(l.leaf[i], size, size, path, n, root), SH_EBADSIG);
			memcpy(bad, root, 32);
			bad[5] ^= 1;
			assert_int_equal(sh_log_inclusion_verify(l.leaf[i], i, size, path, n, bad), SH_EBADSIG);
			if (n) {
				path[n - 1][0] ^= 0x80;
				assert_int_equal(sh_log_inclusion_verify(l.leaf[i], i, size, path, n, root), SH_EBADSIG);
				path[n - 1][0] ^= 0x80;
				assert_int_equal(sh_log_inclusion_verify(l.leaf[i], i, size, path, n - 1, root), SH_EBADSIG);
			}
			memcpy(path[n], l.leaf[0], 32);
			assert_int_equal(sh_log_inclusion_verify(l.leaf[i], i, size, path, n + 1, root), SH_EBADSIG);
		}
		assert_int_equal(sh_log_inclusion_proof(path, &n, &src, size, size), SH_EINVAL);
	}
	for (uint64_t m = 0; m <= 40; m++) {
		uint8_t old[32];
		naive_mth(old, l.leaf, 0, m);
		for (uint64_t size = m; size <= 40; size++) {
			naive_mth(root, l.leaf, 0, size);
			assert_int_equal(sh_log_consistency_proof(path, &n, &src, m, size), SH_OK);
			if (sh_log_consistency_verify(m, old, size, root, path, n) != SH_OK)
				fail_msg("consistency %llu -> %llu: %s", (unsigned long long)m,
					 (unsigned long long)size, sh_error_message());
			if (m > 0 && m < size) {
				assert_true(n > 0);
				memcpy(bad, old, 32);
				bad[0] ^= 1;
				assert_int_equal(sh_log_consistency_verify(m, bad, size, root, path, n), SH_EBADSIG);
				assert_int_equal(sh_log_consistency_verify(m, old, size, bad, path, n), SH_EBADSIG);
				assert_int_equal(sh_log_consistency_verify(m, old, size, root, path, n - 1), SH_EBADSIG);
				path[0][31] ^= 1;
				assert_int_equal(sh_log_consistency_verify(m, old, size, root, path, n), SH_EBADSIG);
				path[0][31] ^= 1;
				memcpy(path[n], old, 32);
				assert_int_equal(sh_log_consistency_verify(m, old, size, root, path, n + 1), SH_EBADSIG);
				assert_int_equal(sh_log_consistency_verify(size, root, m, old, path, n), SH_EBADSIG);
			}
		}
	}
	assert_int_equal(sh_log_consistency_proof(path, &n, &src, 5, 4), SH_EINVAL);
	naive_mth(root, l.leaf, 0, 7);
	naive_mth(want, l.leaf, 0, 8);
	assert_int_equal(sh_log_consistency_verify(7, root, 7, want, path, 0), SH_EBADSIG);
}

/* Build a second log from the first with one change, and check that no
 * consistency proof from the tampered log reaches the genuine checkpoint. */
static void check_tampered(struct mem_log *good, struct mem_log *evil, uint64_t checkpoint, uint64_t evil_size,
			   const char *what)
{
	sh_log_source gsrc = {mem_leaf, NULL, good}, esrc = {mem_leaf, NULL, evil};
	uint8_t old[32], now[32], path[SH_LOG_PROOF_MAX][32];
	size_t n;
	assert_int_equal(sh_log_root(old, &gsrc, checkpoint), SH_OK);
	assert_int_equal(sh_log_root(now, &esrc, evil_size), SH_OK);
	assert_int_equal(sh_log_consistency_proof(path, &n, &esrc, checkpoint, evil_size), SH_OK);
	if (sh_log_consistency_verify(checkpoint, old, evil_size, now, path, n) != SH_EBADSIG)
		fail_msg("%s not detected", what);
	/* The genuine log, grown the same way, stays consistent. */
	assert_int_equal(sh_log_root(now, &gsrc, evil_size), SH_OK);
	assert_int_equal(sh_log_consistency_proof(path, &n, &gsrc, checkpoint, evil_size), SH_OK);
	assert_int_equal(sh_log_consistency_verify(checkpoint, old, evil_size, now, path, n), SH_OK);
}

static void test_tampering(void **state)
{
	(void)state;
	static struct mem_log good, evil;
	memset(&good, 0, sizeof good);
	fill(&good, 30, "real");
	for (uint64_t cp = 1; cp <= 20; cp++) {
		for (uint64_t victim = 0; victim < cp; victim++) {
			/* Removed entry: everything after it shifts down. */
			evil = good;
			memmove(evil.leaf[victim], evil.leaf[victim + 1], (size_t)(29 - victim) * 32);
			check_tampered(&good, &evil, cp, 25, "removed entry");
			/* Reordered: swapped with its neighbour. */
			evil = good;
			memcpy(evil.leaf[victim], good.leaf[victim + 1], 32);
			memcpy(evil.leaf[victim + 1], good.leaf[victim], 32);
			check_tampered(&good, &evil, cp, 25, "reordered entries");
			/* Changed entry. */
			evil = good;
			evil.leaf[victim][7] ^= 0x20;
			check_tampered(&good, &evil, cp, 25, "changed entry");
		}
	}
}

static void test_cache_and_frontier(void **state)
{
	(void)state;
	static struct mem_log l;
	memset(&l, 0, sizeof l);
	fill(&l, MAXN, "cached");
	sh_log_frontier f;
	sh_log_frontier_init(&f);
	sh_log_source plain = {mem_leaf, NULL, &l}, cached = {mem_leaf, mem_node, &l};
	uint8_t a[32], b[32], pa[SH_LOG_PROOF_MAX][32], pb[SH_LOG_PROOF_MAX][32];
	size_t na, nb;
	for (int i = 0; i < 70; i++) {
		assert_int_equal(sh_log_frontier_append(&f, l.leaf[i], mem_completed, &l), SH_OK);
		sh_log_frontier_root(a, &f);
		assert_int_equal(sh_log_root(b, &plain, (uint64_t)i + 1), SH_OK);
		assert_memory_equal(a, b, 32);
		sh_log_frontier g;
		assert_int_equal(sh_log_frontier_load(&g, &plain, (uint64_t)i + 1), SH_OK);
		assert_int_equal(g.size, f.size);
		sh_log_frontier_root(b, &g);
		assert_memory_equal(a, b, 32);
	}
	/* Cached subtrees give the same answers with far fewer leaf reads. */
	l.use_cache = 0;
	l.leaf_reads = 0;
	assert_int_equal(sh_log_inclusion_proof(pa, &na, &plain, 3, 70), SH_OK);
	long plain_reads = l.leaf_reads;
	l.use_cache = 1;
	l.leaf_reads = 0;
	assert_int_equal(sh_log_inclusion_proof(pb, &nb, &cached, 3, 70), SH_OK);
	assert_int_equal(na, nb);
	assert_memory_equal(pa, pb, na * 32);
	assert_true(l.leaf_reads < plain_reads / 4);
	assert_int_equal(sh_log_consistency_proof(pa, &na, &plain, 37, 70), SH_OK);
	assert_int_equal(sh_log_consistency_proof(pb, &nb, &cached, 37, 70), SH_OK);
	assert_int_equal(na, nb);
	assert_memory_equal(pa, pb, na * 32);
	/* A failing source stops the computation with its code. */
	assert_int_equal(sh_log_root(a, &plain, MAXN + 1), SH_EINVAL);
}

/* A signed manifest in the log: proof of inclusion of that exact paper. */
static void test_signed_entry(void **state)
{
	(void)state;
	static struct mem_log l;
	memset(&l, 0, sizeof l);
	fill(&l, 10, "other");
	sh_sign_key *k = NULL;
	assert_int_equal(sh_sign_key_generate(&k), SH_OK);
	sh_sign_manifest m;
	memset(&m, 0, sizeof m);
	m.type = "component";
	m.code = "000.00.15.H29-250301-0007";
	m.time = 1740787200;
	m.agency = "000.00.15.H29";
	sh_buf doc = SH_BUF_INIT;
	assert_int_equal(sh_sign_manifest_sign(&doc, k, &m), SH_OK);
	sh_log_leaf_hash(l.leaf[10], doc.data, doc.len);
	sh_log_source src = {mem_leaf, NULL, &l};
	uint8_t root[32], leaf[32], path[SH_LOG_PROOF_MAX][32];
	size_t n;
	assert_int_equal(sh_log_root(root, &src, 11), SH_OK);
	sh_sign_checkpoint cp = {.size = 11, .time = 1740787300, .agency = "000.00.15.H29"};
	memcpy(cp.root, root, 32);
	sh_buf cpdoc = SH_BUF_INIT;
	assert_int_equal(sh_sign_checkpoint_sign(&cpdoc, k, &cp), SH_OK);
	sh_sign_pubkey pub;
	assert_int_equal(sh_sign_pubkey_make(&pub, k, "Bàn tiếp nhận 1", "Bộ phận một cửa", "000.00.15.H29", 0,
					     SH_SIGN_NEVER), SH_OK);
	sh_sign_checkpoint got;
	assert_int_equal(sh_sign_checkpoint_verify(&got, &pub, cpdoc.data, cpdoc.len), SH_OK);
	assert_int_equal(sh_log_inclusion_proof(path, &n, &src, 10, 11), SH_OK);
	sh_log_leaf_hash(leaf, doc.data, doc.len);
	assert_int_equal(sh_log_inclusion_verify(leaf, 10, got.size, path, n, got.root), SH_OK);
	doc.data[20] ^= 1; /* the paper's manifest altered after logging */
	sh_log_leaf_hash(leaf, doc.data, doc.len);
	assert_int_equal(sh_log_inclusion_verify(leaf, 10, got.size, path, n, got.root), SH_EBADSIG);
	sh_buf_free(&doc);
	sh_buf_free(&cpdoc);
	sh_sign_key_free(&k);
}

int main(void)
{
	assert_int_equal(sh_crypto_init(), SH_OK);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_roots),
		cmocka_unit_test(test_all_proofs),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_cache_and_frontier),
		cmocka_unit_test(test_signed_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
