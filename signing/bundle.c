/* Proof bundles: everything an archivist needs to check one paper on a
 * machine with no warehouse (docs/SIGNING.md, "Proof bundles"). */
#include "sign_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int problem(sh_sign_report_fn report, void *arg, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int problem(sh_sign_report_fn report, void *arg, size_t *n, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(*n)++;
	if (report)
		report(arg, msg);
	return SH_EBADSIG;
}

static int read_in(uint8_t **out, size_t *len, const char *dir, const char *name)
{
	char *p = sh_asprintf("%s/%s", dir, name);
	if (!p)
		return SH_ENOMEM;
	int rc = sh_file_read(out, len, p, SH_FILE_MAX);
	sh_free(p);
	return rc;
}

/* proof.txt: "sohoa-proof-v1\nindex: N\nsize: M\n" then "path: <64 hex>\n"*, in
 * the line syntax of every signing/ text (docs/SIGNING.md §2): canonical
 * numbers, lower-case hex, '\n' only. Reads exactly len bytes. */
int sh_sign_proof_parse(uint64_t *index, uint64_t *size, uint8_t path[][SH_SHA256_LEN],
			size_t *n, const char *text, size_t len)
{
	static const char magic[] = "sohoa-proof-v1\n";
	*n = 0;
	if (!text || len > 65536 || memchr(text, 0, len) || memchr(text, '\r', len))
		return sh_error_set(SH_EINVAL, "proof file is malformed");
	if (len < sizeof magic - 1 || memcmp(text, magic, sizeof magic - 1))
		return sh_error_set(SH_EINVAL, "proof file: not a sohoa proof (first line "
					       "sohoa-proof-v1)");
	sign_lines l = {text + sizeof magic - 1, text + len};
	const char *v;
	size_t vl, count = 0;
	uint64_t a, b;
	int rc;
	if ((rc = sign_line_take(&l, "index", 0, NULL, NULL, &v, &vl)) ||
	    (rc = sign_parse_u64(&a, v, vl, "index")) ||
	    (rc = sign_line_take(&l, "size", 0, NULL, NULL, &v, &vl)) ||
	    (rc = sign_parse_u64(&b, v, vl, "size")))
		return sh_error_wrap(rc, "proof file: ");
	if (a >= b)
		return sh_error_set(SH_EINVAL, "proof file: index %llu is outside a tree of %llu "
					       "entries", (unsigned long long)a, (unsigned long long)b);
	while (l.p < l.end) {
		if (count >= SH_LOG_PROOF_MAX)
			return sh_error_set(SH_EINVAL, "proof file: more than %d path lines",
					    SH_LOG_PROOF_MAX);
		if ((rc = sign_line_take(&l, "path", 0, NULL, NULL, &v, &vl)) ||
		    (rc = sign_parse_hex(path[count], SH_SHA256_LEN, v, vl, "path")))
			return sh_error_wrap(rc, "proof file: ");
		count++;
	}
	*index = a;
	*size = b;
	*n = count;
	return SH_OK;
}

static const sh_sign_pubkey *trusted(const sh_sign_pubkey *keys, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i].key_id, id))
			return &keys[i];
	return NULL;
}

/* A page signed with its original (the bytes as received, a phone photo):
 * original-NNN.{png,jpg,tif} must be in the folder and hash as signed. */
static void bundle_original(const char *dir, size_t i, const uint8_t sha[SH_SHA256_LEN],
			    sh_sign_report_fn report, void *arg, size_t *bad)
{
	static const char *ext[] = {"jpg", "png", "tif"};
	uint8_t *b = NULL, h[SH_SHA256_LEN];
	size_t bl = 0;
	char name[64];
	for (size_t e = 0; e < 3 && !b; e++) {
		snprintf(name, sizeof name, "original-%03zu.%s", i + 1, ext[e]);
		if (read_in(&b, &bl, dir, name))
			b = NULL;
	}
	if (!b) {
		problem(report, arg, bad, "page %zu: original (the photo as received) missing", i + 1);
		return;
	}
	sh_sha256(h, b, bl);
	if (memcmp(h, sha, SH_SHA256_LEN))
		problem(report, arg, bad, "page %zu: original differs from the signed one", i + 1);
	sh_free(b);
}

int sh_sign_bundle_verify(const char *dir, const sh_sign_pubkey *trust, size_t ntrust,
			  sh_sign_report_fn report, void *arg, size_t *out_problems)
{
	uint8_t *man = NULL, *cpdoc = NULL, *proof = NULL;
	size_t manlen = 0, cplen = 0, prooflen = 0, bad = 0;
	sh_sign_manifest *m = NULL;
	sh_sign_checkpoint cp;
	char kid[SH_SIGN_KEYID_HEX + 1];
	const sh_sign_pubkey *pub;
	int rc;
	if ((rc = read_in(&man, &manlen, dir, "manifest.sig")) ||
	    (rc = read_in(&cpdoc, &cplen, dir, "checkpoint.sig")) ||
	    (rc = read_in(&proof, &prooflen, dir, "proof.txt")))
		goto out;
	/* the checkpoint, by a trusted key */
	if (sh_sign_doc_key_id(kid, cpdoc, cplen) || !(pub = trusted(trust, ntrust, kid))) {
		problem(report, arg, &bad, "checkpoint is not signed by a trusted key");
		goto out;
	}
	if (sh_sign_checkpoint_verify(&cp, pub, cpdoc, cplen)) {
		problem(report, arg, &bad, "checkpoint: %s", sh_error_message());
		goto out;
	}
	/* the manifest, by a trusted key valid when it was logged */
	if (sh_sign_doc_key_id(kid, man, manlen) || !(pub = trusted(trust, ntrust, kid))) {
		problem(report, arg, &bad, "manifest is not signed by a trusted key (%.16s…)", kid);
		goto out;
	}
	if (sh_sign_manifest_verify(&m, pub, cp.time, man, manlen)) {
		problem(report, arg, &bad, "manifest: %s", sh_error_message());
		goto out;
	}
	/* inclusion of the manifest in the checkpoint's tree */
	uint64_t index = 0, size = 0;
	uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN], leaf[SH_SHA256_LEN];
	size_t n = 0;
	if (sh_sign_proof_parse(&index, &size, path, &n, (const char *)proof, prooflen)) {
		problem(report, arg, &bad, "%s", sh_error_message());
	} else if (size != cp.size) {
		problem(report, arg, &bad, "proof is for a tree of %llu entries, checkpoint has %llu",
			(unsigned long long)size, (unsigned long long)cp.size);
	} else {
		sh_log_leaf_hash(leaf, man, manlen);
		if (sh_log_inclusion_verify(leaf, index, size, (const uint8_t(*)[SH_SHA256_LEN])path,
					    n, cp.root))
			problem(report, arg, &bad, "manifest is not in the signed log (inclusion proof "
						   "fails)");
	}
	/* every page image and text against the signed hashes */
	for (size_t i = 0; i < m->npages; i++) {
		static const char *ext[] = {"png", "jpg", "tif"};
		uint8_t *img = NULL, *txt = NULL, h[SH_SHA256_LEN];
		size_t il = 0, tl = 0;
		char name[64];
		for (size_t e = 0; e < 3 && !img; e++) {
			snprintf(name, sizeof name, "page-%03zu.%s", i + 1, ext[e]);
			if (read_in(&img, &il, dir, name))
				img = NULL;
		}
		if (!img) {
			problem(report, arg, &bad, "page %zu: image file missing", i + 1);
		} else {
			sh_sha256(h, img, il);
			if (memcmp(h, m->pages[i].image, SH_SHA256_LEN))
				problem(report, arg, &bad, "page %zu: image differs from the signed one",
					i + 1);
		}
		snprintf(name, sizeof name, "page-%03zu.txt", i + 1);
		if (read_in(&txt, &tl, dir, name)) {
			problem(report, arg, &bad, "page %zu: text file missing", i + 1);
		} else {
			sh_sha256(h, txt, tl);
			if (m->pages[i].has_text ? memcmp(h, m->pages[i].text, SH_SHA256_LEN) != 0
						 : tl != 0)
				problem(report, arg, &bad, "page %zu: text differs from the signed text",
					i + 1);
		}
		sh_free(img);
		sh_free(txt);
		if (m->pages[i].has_original)
			bundle_original(dir, i, m->pages[i].original, report, arg, &bad);
	}
	rc = SH_OK;
out:
	if (rc)
		problem(report, arg, &bad, "%s", sh_error_message());
	sh_sign_manifest_free(&m);
	sh_free(man);
	sh_free(cpdoc);
	sh_free(proof);
	if (out_problems)
		*out_problems = bad;
	return bad ? sh_error_set(SH_EBADSIG, "%zu problem%s in the bundle", bad, bad == 1 ? "" : "s")
		   : SH_OK;
}
