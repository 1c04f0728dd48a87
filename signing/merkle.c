/* The append-only Merkle log: RFC 6962 §2.1 trees, proofs and RFC 9162
 * §2.1.3.2 / §2.1.4.2 verification. Hashes come from a caller's source, so
 * the tree is never held in memory. */
#include "sign_int.h"

#include <gcrypt.h>
#include <string.h>

void sh_log_leaf_hash(uint8_t out[SH_SHA256_LEN], const void *entry, size_t len)
{
	gcry_md_hd_t h;
	sh_crypto_init();
	if (gcry_md_open(&h, GCRY_MD_SHA256, 0)) {
		memset(out, 0, SH_SHA256_LEN); /* only on libgcrypt out of memory */
		return;
	}
	static const uint8_t zero = 0x00;
	gcry_md_write(h, &zero, 1);
	gcry_md_write(h, entry, len);
	memcpy(out, gcry_md_read(h, GCRY_MD_SHA256), SH_SHA256_LEN);
	gcry_md_close(h);
}

void sh_log_node_hash(uint8_t out[SH_SHA256_LEN], const uint8_t left[SH_SHA256_LEN],
		      const uint8_t right[SH_SHA256_LEN])
{
	uint8_t buf[1 + 2 * SH_SHA256_LEN];
	buf[0] = 0x01;
	memcpy(buf + 1, left, SH_SHA256_LEN);
	memcpy(buf + 1 + SH_SHA256_LEN, right, SH_SHA256_LEN);
	sh_sha256(out, buf, sizeof buf);
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;
	while (k < n - k) /* k * 2 < n without overflow */
		k <<= 1;
	return k;
}

static int is_pow2(uint64_t n) { return n && !(n & (n - 1)); }

static unsigned log2u(uint64_t n)
{
	unsigned l = 0;
	while (n >>= 1)
		l++;
	return l;
}

/* MTH of entries [lo, lo + n), n >= 1. In RFC 6962 trees every perfect
 * subtree starts at a multiple of its size, so node() is asked by
 * (level, lo >> level). */
static int range_root(uint8_t out[SH_SHA256_LEN], const sh_log_source *src, uint64_t lo, uint64_t n)
{
	if (n == 1)
		return src->leaf(src->arg, lo, out);
	if (src->node && is_pow2(n)) {
		unsigned level = log2u(n);
		int rc = src->node(src->arg, level, lo >> level, out);
		if (rc != SH_ENOTFOUND)
			return rc;
	}
	uint64_t k = split_point(n);
	uint8_t l[SH_SHA256_LEN], r[SH_SHA256_LEN];
	int rc = range_root(l, src, lo, k);
	if (!rc)
		rc = range_root(r, src, lo + k, n - k);
	if (!rc)
		sh_log_node_hash(out, l, r);
	return rc;
}

int sh_log_root(uint8_t out[SH_SHA256_LEN], const sh_log_source *src, uint64_t size)
{
	if (size == 0) {
		sh_sha256(out, "", 0);
		return SH_OK;
	}
	if (!src || !src->leaf)
		return sh_error_set(SH_EINVAL, "log source has no leaf function");
	return range_root(out, src, 0, size);
}

static void reverse(uint8_t path[][SH_SHA256_LEN], size_t n)
{
	uint8_t t[SH_SHA256_LEN];
	for (size_t i = 0; i < n / 2; i++) {
		memcpy(t, path[i], sizeof t);
		memcpy(path[i], path[n - 1 - i], sizeof t);
		memcpy(path[n - 1 - i], t, sizeof t);
	}
}

int sh_log_inclusion_proof(uint8_t path[][SH_SHA256_LEN], size_t *out_n, const sh_log_source *src,
			   uint64_t index, uint64_t size)
{
	*out_n = 0;
	if (index >= size)
		return sh_error_set(SH_EINVAL, "entry %llu is not in a log of %llu entries",
				    (unsigned long long)index, (unsigned long long)size);
	if (!src || !src->leaf)
		return sh_error_set(SH_EINVAL, "log source has no leaf function");
	/* Walk down from the root, collecting siblings; the proof lists them
	 * from the leaf up. */
	uint64_t lo = 0, n = size, m = index;
	size_t cnt = 0;
	while (n > 1) {
		uint64_t k = split_point(n);
		int rc;
		if (m < k) {
			rc = range_root(path[cnt++], src, lo + k, n - k);
			n = k;
		} else {
			rc = range_root(path[cnt++], src, lo, k);
			lo += k;
			m -= k;
			n -= k;
		}
		if (rc)
			return rc;
	}
	reverse(path, cnt);
	*out_n = cnt;
	return SH_OK;
}

int sh_log_consistency_proof(uint8_t path[][SH_SHA256_LEN], size_t *out_n, const sh_log_source *src,
			     uint64_t old_size, uint64_t new_size)
{
	*out_n = 0;
	if (old_size > new_size)
		return sh_error_set(SH_EINVAL, "old size %llu is larger than new size %llu",
				    (unsigned long long)old_size, (unsigned long long)new_size);
	if (old_size == 0 || old_size == new_size)
		return SH_OK;
	if (!src || !src->leaf)
		return sh_error_set(SH_EINVAL, "log source has no leaf function");
	/* RFC 6962 SUBPROOF(m, D[n], b), unrolled top-down. */
	uint64_t lo = 0, n = new_size, m = old_size;
	int b = 1, rc = SH_OK;
	size_t cnt = 0;
	for (;;) {
		if (m == n) {
			if (!b)
				rc = range_root(path[cnt++], src, lo, n);
			break;
		}
		uint64_t k = split_point(n);
		if (m <= k) {
			rc = range_root(path[cnt++], src, lo + k, n - k);
			n = k;
		} else {
			rc = range_root(path[cnt++], src, lo, k);
			lo += k;
			m -= k;
			n -= k;
			b = 0;
		}
		if (rc)
			break;
	}
	if (rc)
		return rc;
	reverse(path, cnt);
	*out_n = cnt;
	return SH_OK;
}

int sh_log_inclusion_verify(const uint8_t leaf[SH_SHA256_LEN], uint64_t index, uint64_t size,
			    const uint8_t path[][SH_SHA256_LEN], size_t n, const uint8_t root[SH_SHA256_LEN])
{
	if (index >= size)
		return sh_error_set(SH_EBADSIG, "inclusion proof: index %llu outside a tree of %llu",
				    (unsigned long long)index, (unsigned long long)size);
	uint64_t fn = index, sn = size - 1;
	uint8_t r[SH_SHA256_LEN];
	memcpy(r, leaf, sizeof r);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return sh_error_set(SH_EBADSIG, "inclusion proof is too long");
		if ((fn & 1) || fn == sn) {
			sh_log_node_hash(r, path[i], r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			sh_log_node_hash(r, r, path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return sh_error_set(SH_EBADSIG, "inclusion proof is too short");
	if (memcmp(r, root, sizeof r))
		return sh_error_set(SH_EBADSIG, "inclusion proof does not lead to the root");
	return SH_OK;
}

int sh_log_consistency_verify(uint64_t old_size, const uint8_t old_root[SH_SHA256_LEN], uint64_t new_size,
			      const uint8_t new_root[SH_SHA256_LEN], const uint8_t path[][SH_SHA256_LEN],
			      size_t n)
{
	if (old_size > new_size)
		return sh_error_set(SH_EBADSIG, "consistency: the log shrank from %llu to %llu entries",
				    (unsigned long long)old_size, (unsigned long long)new_size);
	if (old_size == 0)
		return n == 0 ? SH_OK : sh_error_set(SH_EBADSIG, "consistency proof from an empty log must be empty");
	if (old_size == new_size) {
		if (n != 0)
			return sh_error_set(SH_EBADSIG, "consistency proof between equal sizes must be empty");
		if (memcmp(old_root, new_root, SH_SHA256_LEN))
			return sh_error_set(SH_EBADSIG, "two checkpoints of %llu entries have different roots",
					    (unsigned long long)old_size);
		return SH_OK;
	}
	if (n == 0)
		return sh_error_set(SH_EBADSIG, "consistency proof is empty");
	/* If old_size is a power of two its root is the first node. */
	size_t i = 0;
	uint8_t fr[SH_SHA256_LEN], sr[SH_SHA256_LEN];
	if (is_pow2(old_size)) {
		memcpy(fr, old_root, sizeof fr);
	} else {
		memcpy(fr, path[0], sizeof fr);
		i = 1;
	}
	memcpy(sr, fr, sizeof sr);
	uint64_t fn = old_size - 1, sn = new_size - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return sh_error_set(SH_EBADSIG, "consistency proof is too long");
		if ((fn & 1) || fn == sn) {
			sh_log_node_hash(fr, path[i], fr);
			sh_log_node_hash(sr, path[i], sr);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			sh_log_node_hash(sr, sr, path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return sh_error_set(SH_EBADSIG, "consistency proof is too short");
	if (memcmp(fr, old_root, sizeof fr))
		return sh_error_set(SH_EBADSIG, "consistency proof does not lead to the old root: "
				    "entries were changed, removed or reordered");
	if (memcmp(sr, new_root, sizeof sr))
		return sh_error_set(SH_EBADSIG, "consistency proof does not lead to the new root");
	return SH_OK;
}

/* ---- frontier -------------------------------------------------------------------- */

void sh_log_frontier_init(sh_log_frontier *f) { memset(f, 0, sizeof *f); }

int sh_log_frontier_append(sh_log_frontier *f, const uint8_t leaf[SH_SHA256_LEN],
			   int (*completed)(void *arg, unsigned level, uint64_t index,
					    const uint8_t hash[SH_SHA256_LEN]),
			   void *arg)
{
	if (f->size == UINT64_MAX)
		return sh_error_set(SH_EFULL, "the log holds 2^64 - 1 entries");
	uint8_t h[SH_SHA256_LEN];
	uint64_t s = f->size;
	unsigned level = 0;
	int rc = SH_OK;
	memcpy(h, leaf, sizeof h);
	while ((s >> level) & 1) {
		sh_log_node_hash(h, f->node[level], h);
		level++;
		if (completed && !rc)
			rc = completed(arg, level, ((s + 1) >> level) - 1, h);
	}
	memcpy(f->node[level], h, sizeof h);
	f->size = s + 1;
	return rc;
}

void sh_log_frontier_root(uint8_t out[SH_SHA256_LEN], const sh_log_frontier *f)
{
	if (f->size == 0) {
		sh_sha256(out, "", 0);
		return;
	}
	unsigned i = 0;
	while (!((f->size >> i) & 1))
		i++;
	uint8_t r[SH_SHA256_LEN];
	memcpy(r, f->node[i], sizeof r);
	for (i++; i < 64; i++)
		if ((f->size >> i) & 1)
			sh_log_node_hash(r, f->node[i], r);
	memcpy(out, r, sizeof r);
}

int sh_log_frontier_load(sh_log_frontier *f, const sh_log_source *src, uint64_t size)
{
	sh_log_frontier t;
	sh_log_frontier_init(&t);
	uint64_t lo = 0;
	if (size && (!src || !src->leaf))
		return sh_error_set(SH_EINVAL, "log source has no leaf function");
	for (int i = 63; i >= 0; i--) {
		if (!((size >> i) & 1))
			continue;
		int rc = range_root(t.node[i], src, lo, (uint64_t)1 << i);
		if (rc)
			return rc;
		lo += (uint64_t)1 << i;
	}
	t.size = size;
	*f = t;
	return SH_OK;
}
