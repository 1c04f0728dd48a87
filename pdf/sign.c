/* pdf/sign.c — PAdES baseline B-B signatures with GnuTLS: a detached CMS
 * (content-type, message-digest and ESS signing-certificate-v2 as signed
 * attributes; no signing-time: PAdES puts the claimed time in /M) over the
 * ByteRange, by a key on a PKCS#11 token (p11-kit) or in a PKCS#12 file. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "pdf_int.h"
#include "sh_pdf.h"

struct sh_pdf_signer {
	gnutls_privkey_t key;
	gnutls_x509_crt_t *chain; /* signer first */
	unsigned nchain;
	char *pin;
};

#define OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"

static int gt_fail(int code, int err, const char *what)
{
	return sh_error_set(code, "%s: %s", what, gnutls_strerror(err));
}

static int pin_cb(void *user, int attempt, const char *token_url, const char *token_label,
		  unsigned flags, char *pin, size_t pin_max)
{
	const char *p = user;
	if (!p || attempt > 0 || strlen(p) + 1 > pin_max)
		return -1; /* one try: a wrong PIN must not lock the token */
	memcpy(pin, p, strlen(p) + 1);
	return 0;
}

void sh_pdf_signer_free(sh_pdf_signer **ps)
{
	if (!ps || !*ps)
		return;
	sh_pdf_signer *s = *ps;
	if (s->key)
		gnutls_privkey_deinit(s->key);
	for (unsigned i = 0; i < s->nchain; i++)
		gnutls_x509_crt_deinit(s->chain[i]);
	gnutls_free(s->chain);
	if (s->pin) {
		memset(s->pin, 0, strlen(s->pin));
		sh_free(s->pin);
	}
	sh_free(s);
	*ps = NULL;
}

static int chain_load(const char *path, gnutls_x509_crt_t **out, unsigned *n)
{
	uint8_t *b = NULL;
	size_t len = 0;
	int rc = sh_file_read(&b, &len, path, 4u << 20);
	if (rc)
		return rc;
	gnutls_datum_t d = {b, (unsigned)len};
	int err = gnutls_x509_crt_list_import2(out, n, &d, GNUTLS_X509_FMT_PEM,
					       GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED);
	sh_free(b);
	if (err < 0 || *n == 0)
		return sh_error_set(SH_EINVAL, "%s: not a PEM certificate chain, signer first (%s)",
				    path, err < 0 ? gnutls_strerror(err) : "empty");
	return SH_OK;
}

int sh_pdf_signer_open(sh_pdf_signer **out, const char *key, const char *pin, const char *chain)
{
	*out = NULL;
	sh_pdf_signer *s = sh_calloc(1, sizeof *s);
	if (!s)
		return SH_ENOMEM;
	int rc = SH_OK, err;
	if (pin && !(s->pin = sh_strdup(pin))) {
		rc = SH_ENOMEM;
		goto out;
	}
	if ((err = gnutls_privkey_init(&s->key)) < 0) {
		rc = gt_fail(SH_ENOMEM, err, "signing key");
		goto out;
	}
	if (!strncmp(key, "pkcs11:", 7)) {
		if ((err = gnutls_pkcs11_init(GNUTLS_PKCS11_FLAG_AUTO, NULL)) < 0) {
			rc = gt_fail(SH_ERROR, err, "PKCS#11");
			goto out;
		}
		gnutls_privkey_set_pin_function(s->key, pin_cb, s->pin);
		if ((err = gnutls_privkey_import_url(s->key, key, 0)) < 0) {
			rc = gt_fail(err == GNUTLS_E_PKCS11_PIN_ERROR ? SH_EPERM : SH_ENOTFOUND, err,
				     "the key on the token");
			goto out;
		}
		if (!chain) {
			rc = sh_error_set(SH_ENOTFOUND, "no certificate for the token's key: register it "
							"with `sohoa certs add`");
			goto out;
		}
		if ((rc = chain_load(chain, &s->chain, &s->nchain)))
			goto out;
	} else {
		uint8_t *b = NULL;
		size_t len = 0;
		if ((rc = sh_file_read(&b, &len, key, 16u << 20)))
			goto out;
		gnutls_pkcs12_t p12 = NULL;
		gnutls_x509_privkey_t xk = NULL;
		gnutls_datum_t d = {b, (unsigned)len};
		err = gnutls_pkcs12_init(&p12);
		if (err >= 0)
			err = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0);
		/* The MAC first: simple_parse does not check it, and a wrong password
		 * decrypts a bag into garbage that, about once in 256, passes the
		 * padding check and fails later as an ASN.1 error, not as a wrong
		 * password. A file without a MAC is left to simple_parse. */
		if (err >= 0 && gnutls_pkcs12_verify_mac(p12, s->pin ? s->pin : "") ==
				    GNUTLS_E_MAC_VERIFY_FAILED)
			err = GNUTLS_E_MAC_VERIFY_FAILED;
		if (err >= 0)
			err = gnutls_pkcs12_simple_parse(p12, s->pin ? s->pin : "", &xk, &s->chain,
							 &s->nchain, NULL, NULL, NULL, 0);
		if (p12)
			gnutls_pkcs12_deinit(p12);
		sh_free(b);
		if (err < 0) {
			if (err == GNUTLS_E_MAC_VERIFY_FAILED || err == GNUTLS_E_DECRYPTION_FAILED)
				rc = sh_error_set(SH_EPERM, "%s: wrong password (%s)", key,
						  gnutls_strerror(err));
			else
				rc = gt_fail(SH_EINVAL, err, key);
			goto out;
		}
		if ((err = gnutls_privkey_import_x509(s->key, xk, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE)) < 0) {
			gnutls_x509_privkey_deinit(xk);
			rc = gt_fail(SH_EINVAL, err, key);
			goto out;
		}
		if (chain) { /* the registered chain replaces the file's */
			for (unsigned i = 0; i < s->nchain; i++)
				gnutls_x509_crt_deinit(s->chain[i]);
			gnutls_free(s->chain);
			s->chain = NULL;
			s->nchain = 0;
			if ((rc = chain_load(chain, &s->chain, &s->nchain)))
				goto out;
		}
		if (!s->nchain) {
			rc = sh_error_set(SH_EINVAL, "%s holds no certificate for its key", key);
			goto out;
		}
	}
	/* the certificate must be the key's */
	gnutls_pubkey_t pub = NULL;
	uint8_t id1[64], id2[64];
	size_t l1 = sizeof id1, l2 = sizeof id2;
	err = gnutls_pubkey_init(&pub);
	if (err >= 0)
		err = gnutls_pubkey_import_privkey(pub, s->key, 0, 0);
	if (err >= 0)
		err = gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, id1, &l1);
	if (err >= 0)
		err = gnutls_x509_crt_get_key_id(s->chain[0], GNUTLS_KEYID_USE_SHA256, id2, &l2);
	if (pub)
		gnutls_pubkey_deinit(pub);
	if (err < 0 || l1 != l2 || memcmp(id1, id2, l1)) {
		rc = sh_error_set(SH_EINVAL, "the certificate is not the signing key's");
		goto out;
	}
	/* Thông tư 15/2025/TT-BKHCN: RSA >= 2048 bits or ECDSA >= 256 */
	unsigned bits = 0;
	/* bits from the certificate: a token may not say its key's size */
	int alg = gnutls_x509_crt_get_pk_algorithm(s->chain[0], &bits);
	if (!((alg == GNUTLS_PK_RSA || alg == GNUTLS_PK_RSA_PSS) && bits >= 2048) &&
	    !(alg == GNUTLS_PK_ECDSA && bits >= 256)) {
		rc = sh_error_set(SH_EINVAL, "the key is %s of %u bits: use RSA >= 2048 or ECDSA >= 256",
				  gnutls_pk_get_name((gnutls_pk_algorithm_t)alg), bits);
		goto out;
	}
out:
	if (rc) {
		sh_pdf_signer_free(&s);
		return rc;
	}
	*out = s;
	return SH_OK;
}

/* ESS SigningCertificateV2 { certs { ESSCertIDv2 { certHash (SHA-256 default) } } } */
static int signing_cert_v2(gnutls_x509_crt_t crt, uint8_t out[40])
{
	gnutls_datum_t der = {NULL, 0};
	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) < 0)
		return sh_error_set(SH_EINVAL, "the certificate cannot be encoded");
	static const uint8_t head[8] = {0x30, 38, 0x30, 36, 0x30, 34, 0x04, 32};
	memcpy(out, head, 8);
	sh_sha256(out + 8, der.data, der.size);
	gnutls_free(der.data);
	return SH_OK;
}


/* PAdES B-T: the TSA's token over the signature value, as the unsigned
 * attribute signature-time-stamp (RFC 3161 Appendix A). */
static int add_timestamp(const char *tsa, const uint8_t *cms, size_t len, uint8_t **out,
			 size_t *out_len)
{
	const uint8_t *sig = NULL;
	size_t sig_len = 0;
	uint8_t *tok = NULL;
	size_t tok_len = 0;
	int rc = pdf_cms_signature(cms, len, &sig, &sig_len);
	if (!rc)
		rc = pdf_tsa_token(tsa, sig, sig_len, &tok, &tok_len);
	if (rc)
		return rc;
	/* Attribute ::= SEQUENCE { attrType OID, attrValues SET { token } } */
	static const uint8_t oid[] = {0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
				      0x01, 0x09, 0x10, 0x02, 0x0E};
	sh_buf a = SH_BUF_INIT, set = SH_BUF_INIT;
	rc = pdf_der_put(&set, 0x31, tok, tok_len);
	sh_buf body = SH_BUF_INIT;
	if (!rc)
		rc = sh_buf_put(&body, oid, sizeof oid);
	if (!rc)
		rc = sh_buf_put(&body, set.data, set.len);
	if (!rc)
		rc = pdf_der_put(&a, 0x30, body.data, body.len);
	if (!rc)
		rc = pdf_cms_add_unsigned(cms, len, a.data, a.len, out, out_len);
	sh_buf_free(&a);
	sh_buf_free(&set);
	sh_buf_free(&body);
	sh_free(tok);
	return rc;
}

int pdf_cms_sign(const sh_pdf_signer *s, const uint8_t *data, size_t len, const char *tsa,
		 uint8_t **out, size_t *out_len)
{
	gnutls_pkcs7_t p7 = NULL;
	gnutls_pkcs7_attrs_t attrs = NULL;
	gnutls_datum_t cms = {NULL, 0};
	uint8_t sc[40];
	int rc = signing_cert_v2(s->chain[0], sc), err;
	if (rc)
		return rc;
	gnutls_datum_t scd = {sc, sizeof sc}, d = {(unsigned char *)data, (unsigned)len};
	err = gnutls_pkcs7_init(&p7);
	if (err >= 0)
		err = gnutls_pkcs7_add_attr(&attrs, OID_SIGNING_CERT_V2, &scd, 0);
	if (err >= 0)
		err = gnutls_pkcs7_sign(p7, s->chain[0], s->key, &d, attrs, NULL, GNUTLS_DIG_SHA256,
					GNUTLS_PKCS7_INCLUDE_CERT);
	for (unsigned i = 1; i < s->nchain && err >= 0; i++)
		err = gnutls_pkcs7_set_crt(p7, s->chain[i]);
	if (err >= 0)
		err = gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &cms);
	if (err < 0)
		rc = gt_fail(err == GNUTLS_E_PKCS11_PIN_ERROR ? SH_EPERM : SH_ERROR, err, "signing");
	else if (tsa)
		rc = add_timestamp(tsa, cms.data, cms.size, out, out_len);
	else if (!(*out = sh_malloc(cms.size)))
		rc = SH_ENOMEM;
	else {
		memcpy(*out, cms.data, cms.size);
		*out_len = cms.size;
	}
	gnutls_free(cms.data);
	gnutls_pkcs7_attrs_deinit(attrs);
	if (p7)
		gnutls_pkcs7_deinit(p7);
	return rc;
}

int sh_pdf_certs_add(const char *chain, const char *dest, char *subject, size_t subject_len)
{
	gnutls_x509_crt_t *c = NULL;
	unsigned n = 0;
	int rc = chain_load(chain, &c, &n);
	if (rc)
		return rc;
	time_t now = time(NULL);
	for (unsigned i = 0; i < n && !rc; i++) {
		if (gnutls_x509_crt_get_expiration_time(c[i]) < now ||
		    gnutls_x509_crt_get_activation_time(c[i]) > now)
			rc = sh_error_set(SH_EINVAL, "%s: certificate %u is not valid now", chain, i + 1);
		else if (i + 1 < n && !gnutls_x509_crt_check_issuer(c[i], c[i + 1]))
			rc = sh_error_set(SH_EINVAL, "%s: certificate %u is not issued by the next", chain,
					  i + 1);
	}
	unsigned usage = 0;
	if (!rc && gnutls_x509_crt_get_key_usage(c[0], &usage, NULL) >= 0 &&
	    !(usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)))
		rc = sh_error_set(SH_EINVAL, "%s: the first certificate may not sign documents", chain);
	sh_buf pem = SH_BUF_INIT;
	for (unsigned i = 0; i < n && !rc; i++) {
		gnutls_datum_t d = {NULL, 0};
		if (gnutls_x509_crt_export2(c[i], GNUTLS_X509_FMT_PEM, &d) < 0)
			rc = sh_error_set(SH_EINVAL, "%s: certificate %u cannot be encoded", chain, i + 1);
		else
			rc = sh_buf_put(&pem, d.data, d.size);
		gnutls_free(d.data);
	}
	if (!rc && subject) {
		size_t len = subject_len;
		if (gnutls_x509_crt_get_dn(c[0], subject, &len) < 0)
			snprintf(subject, subject_len, "?");
	}
	if (!rc)
		rc = sh_file_write(dest, pem.data, pem.len);
	sh_buf_free(&pem);
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(c[i]);
	gnutls_free(c);
	return rc;
}
