/* pdf/tsa.c — RFC 3161 time-stamps for PAdES B-T: the TimeStampReq (DER),
 * sent with libcurl (application/timestamp-query), the TimeStampResp
 * checked (status, message imprint, nonce, the token's signature by a
 * time-stamping certificate it carries), and the token added to the CMS
 * SignerInfo as an unsigned attribute. GnuTLS has no TSA client; the few
 * DER structures needed are read and written here, every length checked
 * against its enclosing element (fuzzed by tests/fuzz/fuzz_tsa.c). */
#include <string.h>

#include <curl/curl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "pdf_int.h"
#include "sh_pdf.h"

#define TSA_MAX_REPLY (256u << 10)

int pdf_der_put(sh_buf *b, int tag, const void *val, size_t len)
{
	uint8_t h[6];
	size_t n = 0;
	h[n++] = (uint8_t)tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else if (len <= 0xFF) {
		h[n++] = 0x81;
		h[n++] = (uint8_t)len;
	} else if (len <= 0xFFFF) {
		h[n++] = 0x82;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	} else if (len <= 0xFFFFFF) {
		h[n++] = 0x83;
		h[n++] = (uint8_t)(len >> 16);
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	} else {
		return sh_error_set(SH_ELIMIT, "DER element of %zu bytes", len);
	}
	int rc = sh_buf_put(b, h, n);
	return rc ? rc : len ? sh_buf_put(b, val, len) : SH_OK;
}

int pdf_der_next(pdf_der *out, const uint8_t **p, const uint8_t *end)
{
	const uint8_t *q = *p;
	memset(out, 0, sizeof *out);
	if (q >= end || end - q < 2)
		return sh_error_set(SH_EINVAL, "DER: element cut short");
	out->start = q;
	out->tag = *q++;
	if ((out->tag & 0x1F) == 0x1F)
		return sh_error_set(SH_EINVAL, "DER: multi-byte tag");
	size_t len = *q++;
	if (len & 0x80) {
		size_t k = len & 0x7F;
		if (k == 0 || k > 3)
			return sh_error_set(SH_EINVAL, "DER: %s length",
					    k ? "over-long" : "indefinite");
		if ((size_t)(end - q) < k)
			return sh_error_set(SH_EINVAL, "DER: length cut short");
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = (len << 8) | *q++;
		if (len < 0x80 || (k > 1 && len >> (8 * (k - 1)) == 0))
			return sh_error_set(SH_EINVAL, "DER: length not minimal");
	}
	if ((size_t)(end - q) < len)
		return sh_error_set(SH_EINVAL, "DER: element of %zu bytes overruns its container", len);
	out->val = q;
	out->len = len;
	out->end = q + len;
	*p = out->end;
	return SH_OK;
}

/* The one child of a constructed element with this tag at position want
 * (0-based) among its children. */
static int der_child(pdf_der *out, const pdf_der *parent, int want)
{
	const uint8_t *p = parent->val;
	for (int i = 0;; i++) {
		int rc = pdf_der_next(out, &p, parent->end);
		if (rc)
			return rc;
		if (i == want)
			return SH_OK;
	}
}

static int der_expect(const pdf_der *e, int tag, const char *what)
{
	return e->tag == tag ? SH_OK
			     : sh_error_set(SH_EINVAL, "DER: %s: tag 0x%02X, expected 0x%02X", what,
					    e->tag, tag);
}

/* ContentInfo → SignedData → signerInfos (the last SET) → its only
 * SignerInfo. path[0..3]: ContentInfo, [0], SignedData, SET, SignerInfo. */
static int cms_signer_info(const uint8_t *cms, size_t len, pdf_der path[5])
{
	const uint8_t *p = cms;
	int rc = pdf_der_next(&path[0], &p, cms + len);
	if (!rc && p != cms + len)
		rc = sh_error_set(SH_EINVAL, "CMS: bytes after the ContentInfo");
	if (!rc)
		rc = der_expect(&path[0], 0x30, "ContentInfo");
	if (!rc)
		rc = der_child(&path[1], &path[0], 1);
	if (!rc)
		rc = der_expect(&path[1], 0xA0, "ContentInfo content");
	if (!rc)
		rc = der_child(&path[2], &path[1], 0);
	if (!rc)
		rc = der_expect(&path[2], 0x30, "SignedData");
	if (rc)
		return rc;
	/* the last child of SignedData is signerInfos */
	const uint8_t *q = path[2].val;
	pdf_der e;
	int n = 0;
	while (q < path[2].end) {
		if ((rc = pdf_der_next(&e, &q, path[2].end)))
			return rc;
		path[3] = e;
		n++;
	}
	if (n < 4 || (rc = der_expect(&path[3], 0x31, "signerInfos")))
		return rc ? rc : sh_error_set(SH_EINVAL, "CMS: SignedData too short");
	q = path[3].val;
	if ((rc = pdf_der_next(&path[4], &q, path[3].end)) ||
	    (rc = der_expect(&path[4], 0x30, "SignerInfo")))
		return rc;
	if (q != path[3].end)
		return sh_error_set(SH_EINVAL, "CMS: more than one SignerInfo");
	return SH_OK;
}

int pdf_cms_signature(const uint8_t *cms, size_t len, const uint8_t **sig, size_t *sig_len)
{
	pdf_der path[5], e = {0};
	int rc = cms_signer_info(cms, len, path);
	if (rc)
		return rc;
	const uint8_t *q = path[4].val;
	while (q < path[4].end) {
		if ((rc = pdf_der_next(&e, &q, path[4].end)))
			return rc;
		if (e.tag == 0x04) {
			*sig = e.val;
			*sig_len = e.len;
			return SH_OK;
		}
	}
	return sh_error_set(SH_EINVAL, "CMS: the SignerInfo has no signature");
}

int pdf_cms_add_unsigned(const uint8_t *cms, size_t len, const uint8_t *attr, size_t attr_len,
			 uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	pdf_der path[5], e;
	int rc = cms_signer_info(cms, len, path);
	if (rc)
		return rc;
	/* the new SignerInfo body: the old one with attr appended to [1] */
	sh_buf cur = SH_BUF_INIT, next = SH_BUF_INIT;
	const uint8_t *q = path[4].val, *ua = NULL;
	pdf_der uad;
	while (q < path[4].end && !rc) {
		if ((rc = pdf_der_next(&e, &q, path[4].end)))
			break;
		if (e.tag == 0xA1) {
			ua = e.start;
			uad = e;
		}
	}
	if (!rc && ua) { /* existing unsigned attributes: they are the last element */
		if (uad.end != path[4].end)
			rc = sh_error_set(SH_EINVAL, "CMS: unsigned attributes are not last");
		sh_buf set = SH_BUF_INIT;
		if (!rc)
			rc = sh_buf_put(&set, uad.val, uad.len);
		if (!rc)
			rc = sh_buf_put(&set, attr, attr_len);
		if (!rc)
			rc = sh_buf_put(&cur, path[4].val, (size_t)(ua - path[4].val));
		if (!rc)
			rc = pdf_der_put(&cur, 0xA1, set.data, set.len);
		sh_buf_free(&set);
	} else if (!rc) {
		rc = sh_buf_put(&cur, path[4].val, path[4].len);
		if (!rc)
			rc = pdf_der_put(&cur, 0xA1, attr, attr_len);
	}
	/* re-wrap every enclosing element, innermost first */
	for (int i = 4; i >= 0 && !rc; i--) {
		sh_buf_free(&next);
		if (i == 4) {
			rc = pdf_der_put(&next, path[4].tag, cur.data, cur.len);
		} else {
			sh_buf body = SH_BUF_INIT;
			const pdf_der *child = &path[i + 1];
			rc = sh_buf_put(&body, path[i].val, (size_t)(child->start - path[i].val));
			if (!rc)
				rc = sh_buf_put(&body, cur.data, cur.len);
			if (!rc && path[i].end > child->end)
				rc = sh_buf_put(&body, child->end, (size_t)(path[i].end - child->end));
			if (!rc)
				rc = pdf_der_put(&next, path[i].tag, body.data, body.len);
			sh_buf_free(&body);
		}
		sh_buf t = cur;
		cur = next;
		next = t;
	}
	sh_buf_free(&next);
	if (rc) {
		sh_buf_free(&cur);
		return rc;
	}
	*out = cur.data;
	*out_len = cur.len;
	return SH_OK;
}

/* ---- the request and the reply ---------------------------------------- */

static const uint8_t sha256_alg[] = {0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
				     0x03, 0x04, 0x02, 0x01, 0x05, 0x00};

/* MessageImprint ::= SEQUENCE { hashAlgorithm, hashedMessage OCTET STRING } */
static int imprint(sh_buf *b, const uint8_t hash[SH_SHA256_LEN])
{
	sh_buf body = SH_BUF_INIT;
	int rc = sh_buf_put(&body, sha256_alg, sizeof sha256_alg);
	if (!rc)
		rc = pdf_der_put(&body, 0x04, hash, SH_SHA256_LEN);
	if (!rc)
		rc = pdf_der_put(b, 0x30, body.data, body.len);
	sh_buf_free(&body);
	return rc;
}

int pdf_tsa_request(sh_buf *req, const uint8_t hash[SH_SHA256_LEN],
		    const uint8_t nonce[PDF_TSA_NONCE_LEN])
{
	static const uint8_t version[] = {0x02, 0x01, 0x01}, cert_req[] = {0x01, 0x01, 0xFF};
	sh_buf body = SH_BUF_INIT;
	int rc = sh_buf_put(&body, version, sizeof version);
	if (!rc)
		rc = imprint(&body, hash);
	if (!rc)
		rc = pdf_der_put(&body, 0x02, nonce, PDF_TSA_NONCE_LEN);
	if (!rc)
		rc = sh_buf_put(&body, cert_req, sizeof cert_req);
	if (!rc)
		rc = pdf_der_put(req, 0x30, body.data, body.len);
	sh_buf_free(&body);
	return rc;
}

/* TSTInfo: its messageImprint and nonce against ours. */
static int tstinfo_check(const uint8_t *der, size_t len, const uint8_t hash[SH_SHA256_LEN],
			 const uint8_t nonce[PDF_TSA_NONCE_LEN])
{
	const uint8_t *p = der;
	pdf_der tst, e;
	int rc = pdf_der_next(&tst, &p, der + len);
	if (!rc)
		rc = der_expect(&tst, 0x30, "TSTInfo");
	if (rc)
		return rc;
	sh_buf want = SH_BUF_INIT;
	if ((rc = imprint(&want, hash)))
		return rc;
	const uint8_t *q = tst.val;
	int i = 0, imprint_ok = 0, nonce_ok = 0;
	while (q < tst.end && !rc) {
		if ((rc = pdf_der_next(&e, &q, tst.end)))
			break;
		if (i == 2) /* version, policy, messageImprint */
			imprint_ok = (size_t)(e.end - e.start) == want.len &&
				     !memcmp(e.start, want.data, want.len);
		else if (i >= 5 && e.tag == 0x02) /* after serialNumber and genTime: the nonce */
			nonce_ok = e.len == PDF_TSA_NONCE_LEN && !memcmp(e.val, nonce, e.len);
		i++;
	}
	sh_buf_free(&want);
	if (rc)
		return sh_error_wrap(SH_EBADSIG, "time-stamp token: %s", sh_error_message());
	if (!imprint_ok)
		return sh_error_set(SH_EBADSIG, "the time-stamp is not over this signature (message "
						"imprint differs)");
	if (!nonce_ok)
		return sh_error_set(SH_EBADSIG, "the time-stamp reply does not carry our nonce "
						"(replayed or not for this request)");
	return SH_OK;
}

/* The token's own signature, by the certificate it carries, which must be
 * for time stamping (extendedKeyUsage id-kp-timeStamping). */
static int token_verify(gnutls_pkcs7_t p7)
{
	gnutls_datum_t raw = {NULL, 0};
	gnutls_x509_crt_t crt = NULL;
	int err = gnutls_pkcs7_get_crt_raw2(p7, 0, &raw);
	if (err >= 0)
		err = gnutls_x509_crt_init(&crt);
	if (err >= 0)
		err = gnutls_x509_crt_import(crt, &raw, GNUTLS_X509_FMT_DER);
	gnutls_free(raw.data);
	if (err < 0) {
		if (crt)
			gnutls_x509_crt_deinit(crt);
		return sh_error_set(SH_EBADSIG, "the time-stamp token carries no certificate (%s)",
				    gnutls_strerror(err));
	}
	int ts = 0;
	for (unsigned i = 0;; i++) {
		char oid[128];
		size_t olen = sizeof oid;
		unsigned crit = 0;
		if (gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &olen, &crit) < 0)
			break;
		if (!strcmp(oid, GNUTLS_KP_TIME_STAMPING))
			ts = 1;
	}
	int rc = SH_OK;
	if (!ts)
		rc = sh_error_set(SH_EBADSIG, "the time-stamp authority's certificate is not for time "
					      "stamping");
	else if ((err = gnutls_pkcs7_verify_direct(p7, crt, 0, NULL, 0)) < 0)
		rc = sh_error_set(SH_EBADSIG, "the time-stamp token's signature: %s",
				  gnutls_strerror(err));
	gnutls_x509_crt_deinit(crt);
	return rc;
}

int pdf_tsa_reply_check(const uint8_t *reply, size_t len, const uint8_t hash[SH_SHA256_LEN],
			const uint8_t nonce[PDF_TSA_NONCE_LEN], const uint8_t **token,
			size_t *token_len)
{
	const uint8_t *p = reply;
	pdf_der resp, status, st, tok;
	int rc = pdf_der_next(&resp, &p, reply + len);
	if (!rc && p != reply + len)
		rc = sh_error_set(SH_EINVAL, "bytes after the reply");
	if (!rc)
		rc = der_expect(&resp, 0x30, "TimeStampResp");
	if (!rc)
		rc = der_child(&status, &resp, 0);
	if (!rc)
		rc = der_expect(&status, 0x30, "PKIStatusInfo");
	if (!rc)
		rc = der_child(&st, &status, 0);
	if (!rc)
		rc = der_expect(&st, 0x02, "PKIStatus");
	if (rc)
		return sh_error_wrap(SH_EBADSIG, "time-stamp reply: %s", sh_error_message());
	if (st.len != 1 || st.val[0] > 1)
		return sh_error_set(SH_EBADSIG, "the time-stamp authority refused (status %d)",
				    st.len == 1 ? st.val[0] : -1);
	if ((rc = der_child(&tok, &resp, 1)) || (rc = der_expect(&tok, 0x30, "TimeStampToken")))
		return sh_error_wrap(SH_EBADSIG, "time-stamp reply without a token: %s",
				     sh_error_message());
	gnutls_pkcs7_t p7 = NULL;
	gnutls_datum_t d = {(unsigned char *)tok.start, (unsigned)(tok.end - tok.start)}, tst = {0};
	int err = gnutls_pkcs7_init(&p7);
	if (err >= 0)
		err = gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER);
	if (err >= 0)
		err = gnutls_pkcs7_get_embedded_data(p7, 0, &tst);
	if (err < 0)
		rc = sh_error_set(SH_EBADSIG, "time-stamp token: %s", gnutls_strerror(err));
	if (!rc)
		rc = tstinfo_check(tst.data, tst.size, hash, nonce);
	if (!rc)
		rc = token_verify(p7);
	gnutls_free(tst.data);
	if (p7)
		gnutls_pkcs7_deinit(p7);
	if (!rc) {
		*token = tok.start;
		*token_len = (size_t)(tok.end - tok.start);
	}
	return rc;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	sh_buf *b = arg;
	size_t n = size * nmemb;
	if (b->len + n > TSA_MAX_REPLY || sh_buf_put(b, ptr, n))
		return 0;
	return n;
}

int pdf_tsa_token(const char *url, const uint8_t *data, size_t len, uint8_t **out,
		  size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	uint8_t hash[SH_SHA256_LEN], nonce[PDF_TSA_NONCE_LEN];
	sh_sha256(hash, data, len);
	if (gnutls_rnd(GNUTLS_RND_NONCE, nonce, sizeof nonce) < 0)
		return sh_error_set(SH_ERROR, "no random nonce for the time-stamp request");
	nonce[0] = (uint8_t)((nonce[0] & 0x7F) | 0x40); /* positive, minimal */
	sh_buf req = SH_BUF_INIT, reply = SH_BUF_INIT;
	int rc = pdf_tsa_request(&req, hash, nonce);
	if (rc)
		return rc;
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char ctype[128] = "";
	long status = 0;
	if (!c || !(h = curl_slist_append(NULL, "Content-Type: application/timestamp-query"))) {
		rc = SH_ENOMEM;
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)req.data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)req.len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		rc = sh_error_set(SH_EIO, "time-stamp authority %s: %s", url, curl_easy_strerror(cc));
		goto out;
	}
	char *ct = NULL;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	if (ct)
		snprintf(ctype, sizeof ctype, "%s", ct);
	if (status != 200 || strncmp(ctype, "application/timestamp-reply", 27)) {
		rc = sh_error_set(SH_EIO, "time-stamp authority %s answered HTTP %ld (%s), not a "
					  "time-stamp reply",
				  url, status, *ctype ? ctype : "no type");
		goto out;
	}
	const uint8_t *tok = NULL;
	size_t tok_len = 0;
	if ((rc = pdf_tsa_reply_check(reply.data, reply.len, hash, nonce, &tok, &tok_len)))
		goto out;
	if (!(*out = sh_malloc(tok_len))) {
		rc = SH_ENOMEM;
		goto out;
	}
	memcpy(*out, tok, tok_len);
	*out_len = tok_len;
out:
	if (h)
		curl_slist_free_all(h);
	if (c)
		curl_easy_cleanup(c);
	sh_buf_free(&req);
	sh_buf_free(&reply);
	return rc;
}
