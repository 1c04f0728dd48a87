/* Fuzz target: the parsers of what another office sends (pdf/bagread.c,
 * pdf/tsa.c). The first byte chooses: 'T' a tag file (bagit.txt,
 * bag-info.txt), 'M' a payload manifest, 'm' a tag manifest, 'R' an RFC
 * 3161 time-stamp reply, 'C' a CMS SignedData to which an unsigned
 * attribute is added. Each input runs once plainly and then with every
 * allocation failing in turn (fault injection): errors must be the
 * documented ones and leave no allocation behind; what is accepted must be
 * consistent (safe paths; a re-parsable CMS). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_int.h"
#include "sh_pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one(int op, const uint8_t *d, size_t n)
{
	int rc = SH_OK;
	if (op == 'T') {
		pdf_bag_tag *t = NULL;
		size_t nt = 0;
		rc = pdf_bag_tags_parse((const char *)d, n, &t, &nt);
		for (size_t i = 0; !rc && i < nt; i++)
			if (!t[i].label || !t[i].value || !*t[i].label)
				abort();
		pdf_bag_tags_free(t, nt);
	} else if (op == 'M' || op == 'm') {
		pdf_bag_entry *e = NULL;
		size_t ne = 0;
		rc = pdf_bag_manifest_parse((const char *)d, n, op == 'M', &e, &ne);
		for (size_t i = 0; !rc && i < ne; i++)
			if (!e[i].path || e[i].path[0] == '/' || strstr(e[i].path, "..") == e[i].path ||
			    (op == 'M' && strncmp(e[i].path, "data/", 5)))
				abort();
		pdf_bag_manifest_free(e, ne);
	} else if (op == 'R') {
		static const uint8_t hash[32] = {1, 2, 3}, nonce[PDF_TSA_NONCE_LEN] = {0x40, 1};
		const uint8_t *tok = NULL;
		size_t tl = 0;
		rc = pdf_tsa_reply_check(d, n, hash, nonce, &tok, &tl);
		if (!rc && (tok < d || tok + tl > d + n))
			abort();
		if (rc == SH_EBADSIG || rc == SH_EINVAL)
			rc = SH_OK;
	} else if (op == 'C') {
		const uint8_t *sig = NULL;
		size_t sl = 0;
		rc = pdf_cms_signature(d, n, &sig, &sl);
		if (!rc && (sig < d || sig + sl > d + n))
			abort();
		static const uint8_t attr[] = {0x30, 0x05, 0x06, 0x01, 0x2A, 0x31, 0x00};
		uint8_t *out = NULL;
		size_t ol = 0;
		if (!rc && !(rc = pdf_cms_add_unsigned(d, n, attr, sizeof attr, &out, &ol))) {
			const uint8_t *s2 = NULL;
			size_t l2 = 0;
			if (pdf_cms_signature(out, ol, &s2, &l2) || l2 != sl || memcmp(s2, sig, sl))
				abort(); /* the result is a CMS with the same signature */
		}
		sh_free(out);
	}
	if (rc && rc != SH_EINVAL && rc != SH_ELIMIT && rc != SH_ENOMEM)
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	long live = sh_alloc_live();
	one(data[0], data + 1, size - 1);
	if (sh_alloc_live() != live)
		abort();
	if (size > 4096)
		return 0;
	/* every allocation failing in turn */
	long base = sh_alloc_count();
	one(data[0], data + 1, size - 1);
	long allocs = sh_alloc_count() - base;
	for (long k = 1; k <= allocs && k <= 64; k++) {
		sh_alloc_fail_at(k, 0);
		one(data[0], data + 1, size - 1);
		sh_alloc_fail_at(0, 0);
		if (sh_alloc_live() != live)
			abort();
	}
	return 0;
}
