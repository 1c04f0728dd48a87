/* Checkpoint notes, verifier keys, note signatures, cosignature/v1 and
 * add-checkpoint requests (C2SP signed-note, tlog-checkpoint,
 * tlog-cosignature, tlog-witness). Pure functions. */
#include "sh_wit.h"

#include <stdio.h>
#include <string.h>

#define DASH "\xe2\x80\x94" /* U+2014, opens a signature line */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sh_wit_b64_encode(sh_buf *out, const uint8_t *d, size_t len)
{
	char q[4];
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < len ? (uint32_t)d[i + 1] << 8 : 0) |
			     (i + 2 < len ? d[i + 2] : 0);
		q[0] = B64[v >> 18 & 63];
		q[1] = B64[v >> 12 & 63];
		q[2] = i + 1 < len ? B64[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? B64[v & 63] : '=';
		if (sh_buf_put(out, q, 4))
			return SH_ENOMEM;
	}
	return SH_OK;
}

static int b64v(char c)
{
	const char *p = c ? strchr(B64, c) : NULL;
	return p ? (int)(p - B64) : -1;
}

int sh_wit_b64_decode(uint8_t *out, size_t cap, size_t *out_len, const char *s, size_t len)
{
	*out_len = 0;
	if (len % 4)
		return sh_error_set(SH_EINVAL, "base64 of a length that is not a multiple of 4");
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64v(s[i + k])) < 0) {
				return sh_error_set(SH_EINVAL, "not base64");
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
			     (uint32_t)v[3];
		/* canonical: the bits padding leaves over are zero */
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
			return sh_error_set(SH_EINVAL, "base64 is not canonical");
		size_t k = 3 - (size_t)pad;
		if (o + k > cap)
			return sh_error_set(SH_EINVAL, "base64 value is too long");
		uint8_t b[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
		memcpy(out + o, b, k);
		o += k;
	}
	*out_len = o;
	return SH_OK;
}

/* A key name: non-empty, at most SH_WIT_NAME_MAX bytes of UTF-8 with no
 * space, '+' or control byte (signed-note). */
static int name_ok(const char *s, size_t n)
{
	if (!n || n > SH_WIT_NAME_MAX || !sh_text_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == '+' || s[i] == 0x7f)
			return 0;
	return 1;
}

static void key_id(uint8_t id[4], const char *name, uint8_t type, const uint8_t pub[32])
{
	uint8_t buf[SH_WIT_NAME_MAX + 2 + 32], h[SH_SHA256_LEN];
	size_t n = strlen(name);
	memcpy(buf, name, n);
	buf[n] = '\n';
	buf[n + 1] = type;
	memcpy(buf + n + 2, pub, 32);
	sh_sha256(h, buf, n + 2 + 32);
	memcpy(id, h, 4);
}

int sh_wit_vkey_format(char **out, const char *name, uint8_t type, const uint8_t pub[SH_SIGN_PUBLIC_LEN])
{
	*out = NULL;
	if (!name_ok(name, strlen(name)))
		return sh_error_set(SH_EINVAL, "'%.80s' cannot name a key (no spaces or '+')", name);
	uint8_t id[4], tp[33];
	key_id(id, name, type, pub);
	tp[0] = type;
	memcpy(tp + 1, pub, 32);
	sh_buf b = SH_BUF_INIT;
	int rc = sh_buf_printf(&b, "%s+%02x%02x%02x%02x+", name, id[0], id[1], id[2], id[3]);
	if (!rc)
		rc = sh_wit_b64_encode(&b, tp, sizeof tp);
	if (rc) {
		sh_buf_free(&b);
		return rc;
	}
	*out = sh_buf_detach(&b);
	return *out ? SH_OK : SH_ENOMEM;
}

int sh_wit_vkey_parse(sh_wit_vkey *out, const char *s, size_t len)
{
	memset(out, 0, sizeof *out);
	const char *p1 = memchr(s, '+', len);
	if (!p1)
		return sh_error_set(SH_EINVAL, "not a verifier key (name+id+key)");
	size_t nl = (size_t)(p1 - s);
	if (!name_ok(s, nl))
		return sh_error_set(SH_EINVAL, "verifier key has a bad name");
	const char *rest = p1 + 1, *end = s + len;
	if (end - rest < 10 || rest[8] != '+')
		return sh_error_set(SH_EINVAL, "verifier key id must be 8 hex digits");
	uint8_t id[4];
	for (int i = 0; i < 8; i++)
		if (!((rest[i] >= '0' && rest[i] <= '9') || (rest[i] >= 'a' && rest[i] <= 'f')))
			return sh_error_set(SH_EINVAL, "verifier key id must be 8 lower-case hex digits");
	char hx[9];
	memcpy(hx, rest, 8);
	hx[8] = 0;
	if (sh_unhex(id, hx, 4))
		return sh_error_set(SH_EINVAL, "verifier key id must be 8 hex digits");
	uint8_t tp[40];
	size_t n;
	if (sh_wit_b64_decode(tp, sizeof tp, &n, rest + 9, (size_t)(end - rest - 9)) || n != 33)
		return sh_error_set(SH_EINVAL, "verifier key must hold a type byte and a 32-byte key");
	if (tp[0] != SH_WIT_TYPE_ED25519 && tp[0] != SH_WIT_TYPE_COSIG)
		return sh_error_set(SH_EINVAL, "verifier key of unknown type %u", tp[0]);
	memcpy(out->name, s, nl);
	out->name[nl] = 0;
	out->type = tp[0];
	memcpy(out->pub, tp + 1, 32);
	key_id(out->id, out->name, out->type, out->pub);
	if (memcmp(out->id, id, 4))
		return sh_error_set(SH_EINVAL, "verifier key id does not match its key");
	return SH_OK;
}

static int canon_u64(uint64_t *out, const char *s, size_t n)
{
	uint64_t v = 0;
	if (!n || n > 20 || (n > 1 && s[0] == '0'))
		return SH_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SH_EINVAL;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return SH_EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return SH_OK;
}

int sh_wit_note_parse(sh_wit_note *out, const void *text, size_t len)
{
	memset(out, 0, sizeof *out);
	const char *t = text, *end = t + len, *p = t;
	if (len > SH_WIT_NOTE_MAX)
		return sh_error_set(SH_ELIMIT, "note longer than %d bytes", SH_WIT_NOTE_MAX);
	if (!len || memchr(t, 0, len) || t[len - 1] != '\n')
		return sh_error_set(SH_EINVAL, "a note is lines of text ending in a newline");
	/* the body: lines up to the empty line */
	const char *lines[3 + SH_WIT_EXT_MAX];
	size_t lens[3 + SH_WIT_EXT_MAX], nl = 0;
	for (;;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			return sh_error_set(SH_EINVAL, "note has no signatures");
		if (e == p)
			break;
		if (nl == 3 + SH_WIT_EXT_MAX)
			return sh_error_set(SH_EINVAL, "note body has too many lines");
		lines[nl] = p;
		lens[nl++] = (size_t)(e - p);
		p = e + 1;
	}
	out->body_len = (size_t)(p - t);
	p++; /* the empty line */
	if (nl < 3)
		return sh_error_set(SH_EINVAL, "checkpoint needs an origin, a size and a root");
	if (!sh_text_valid(lines[0], lens[0]) || lens[0] > SH_WIT_NAME_MAX)
		return sh_error_set(SH_EINVAL, "checkpoint origin is not UTF-8 or too long");
	for (size_t i = 0; i < lens[0]; i++)
		if ((unsigned char)lines[0][i] < 0x20 || lines[0][i] == 0x7f)
			return sh_error_set(SH_EINVAL, "checkpoint origin holds a control character");
	memcpy(out->origin, lines[0], lens[0]);
	if (canon_u64(&out->size, lines[1], lens[1]))
		return sh_error_set(SH_EINVAL, "checkpoint size is not a canonical number");
	size_t rl;
	if (sh_wit_b64_decode(out->root, sizeof out->root, &rl, lines[2], lens[2]) ||
	    rl != SH_SHA256_LEN)
		return sh_error_set(SH_EINVAL, "checkpoint root is not a base64 SHA-256 hash");
	for (size_t i = 3; i < nl; i++) {
		static const char X[] = "sohoa-dossier-seq ";
		const char *l = lines[i];
		size_t n = lens[i];
		uint64_t v;
		if (n > sizeof X - 1 && !memcmp(l, X, sizeof X - 1)) {
			if (out->has_seq || n < sizeof X - 1 + 8 || l[sizeof X - 1 + 6] != ' ')
				return sh_error_set(SH_EINVAL, "bad sohoa-dossier-seq line");
			const char *d = l + sizeof X - 1;
			for (int k = 0; k < 6; k++)
				if (d[k] < '0' || d[k] > '9')
					return sh_error_set(SH_EINVAL, "bad sohoa-dossier-seq day");
			if (canon_u64(&v, d + 7, (size_t)(l + n - d - 7)) || v > 99999999)
				return sh_error_set(SH_EINVAL, "bad sohoa-dossier-seq number");
			memcpy(out->seq_day, d, 6);
			out->seq = (unsigned)v;
			out->has_seq = 1;
		} else if (n >= 6 && !memcmp(l, "sohoa-", 6)) {
			return sh_error_set(SH_EINVAL, "unknown sohoa extension line in a checkpoint");
		} else if (!sh_text_valid(l, n)) {
			return sh_error_set(SH_EINVAL, "checkpoint extension line is not UTF-8");
		}
	}
	/* signature lines */
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(e - p);
		if (n < 4 || memcmp(p, DASH " ", 4))
			return sh_error_set(SH_EINVAL, "note signature line must start with '— '");
		const char *nm = p + 4, *sp = memchr(nm, ' ', (size_t)(e - nm));
		if (!sp || !name_ok(nm, (size_t)(sp - nm)))
			return sh_error_set(SH_EINVAL, "note signature line has a bad key name");
		if (out->nsigs == SH_WIT_SIGS_MAX)
			return sh_error_set(SH_ELIMIT, "note has more than %d signatures",
					    SH_WIT_SIGS_MAX);
		sh_wit_sig *g = &out->sigs[out->nsigs];
		uint8_t raw[4 + sizeof g->sig];
		size_t rn;
		if (sh_wit_b64_decode(raw, sizeof raw, &rn, sp + 1, (size_t)(e - sp - 1)) || rn < 5)
			return sh_error_set(SH_EINVAL, "note signature is not base64 of a key id and a "
						       "signature");
		memcpy(g->name, nm, (size_t)(sp - nm));
		memcpy(g->id, raw, 4);
		memcpy(g->sig, raw + 4, rn - 4);
		g->sig_len = rn - 4;
		out->nsigs++;
		p = e + 1;
	}
	if (!out->nsigs)
		return sh_error_set(SH_EINVAL, "note has no signatures");
	return SH_OK;
}

int sh_wit_note_body(sh_buf *out, const char *origin, uint64_t size, const uint8_t root[SH_SHA256_LEN],
		     const char *day, unsigned seq)
{
	if (!*origin || strlen(origin) > SH_WIT_NAME_MAX || strchr(origin, '\n'))
		return sh_error_set(SH_EINVAL, "bad checkpoint origin");
	int rc = sh_buf_printf(out, "%s\n%llu\n", origin, (unsigned long long)size);
	if (!rc)
		rc = sh_wit_b64_encode(out, root, SH_SHA256_LEN);
	if (!rc)
		rc = sh_buf_puts(out, "\n");
	if (!rc && day)
		rc = sh_buf_printf(out, "sohoa-dossier-seq %.6s %u\n", day, seq);
	return rc;
}

static int sig_line(sh_buf *out, const char *name, const uint8_t *raw, size_t n)
{
	int rc = sh_buf_printf(out, DASH " %s ", name);
	if (!rc)
		rc = sh_wit_b64_encode(out, raw, n);
	if (!rc)
		rc = sh_buf_puts(out, "\n");
	return rc;
}

int sh_wit_note_sign(sh_buf *out, const sh_sign_key *key, const char *name, const void *body,
		     size_t body_len)
{
	if (!name_ok(name, strlen(name)))
		return sh_error_set(SH_EINVAL, "bad signer name");
	uint8_t pub[32], raw[4 + SH_SIGN_SIG_LEN];
	sh_sign_key_public(pub, key);
	key_id(raw, name, SH_WIT_TYPE_ED25519, pub);
	int rc = sh_sign_sign(raw + 4, key, body, body_len);
	return rc ? rc : sig_line(out, name, raw, sizeof raw);
}

static int cosig_msg(sh_buf *m, uint64_t t, const void *body, size_t body_len)
{
	int rc = sh_buf_printf(m, "cosignature/v1\ntime %llu\n", (unsigned long long)t);
	return rc ? rc : sh_buf_put(m, body, body_len);
}

int sh_wit_cosign(sh_buf *out, const sh_sign_key *key, const char *name, const void *body,
		  size_t body_len, uint64_t t)
{
	if (!name_ok(name, strlen(name)))
		return sh_error_set(SH_EINVAL, "bad witness name");
	uint8_t pub[32], raw[4 + 8 + SH_SIGN_SIG_LEN];
	sh_sign_key_public(pub, key);
	key_id(raw, name, SH_WIT_TYPE_COSIG, pub);
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (uint8_t)(t >> (56 - 8 * i));
	sh_buf m = SH_BUF_INIT;
	int rc = cosig_msg(&m, t, body, body_len);
	if (!rc)
		rc = sh_sign_sign(raw + 12, key, m.data, m.len);
	sh_buf_free(&m);
	return rc ? rc : sig_line(out, name, raw, sizeof raw);
}

int sh_wit_note_verify(const sh_wit_note *note, const void *text, const sh_wit_vkey *k, uint64_t *t)
{
	if (t)
		*t = 0;
	int seen = 0;
	for (size_t i = 0; i < note->nsigs; i++) {
		const sh_wit_sig *g = &note->sigs[i];
		if (strcmp(g->name, k->name) || memcmp(g->id, k->id, 4))
			continue;
		seen = 1;
		if (k->type == SH_WIT_TYPE_ED25519) {
			if (!sh_sign_verify(k->pub, text, note->body_len, g->sig, g->sig_len))
				return SH_OK;
		} else if (g->sig_len == 8 + SH_SIGN_SIG_LEN) {
			uint64_t when = 0;
			for (int b = 0; b < 8; b++)
				when = when << 8 | g->sig[b];
			sh_buf m = SH_BUF_INIT;
			int rc = cosig_msg(&m, when, text, note->body_len);
			if (!rc)
				rc = sh_sign_verify(k->pub, m.data, m.len, g->sig + 8, SH_SIGN_SIG_LEN);
			sh_buf_free(&m);
			if (!rc && when) {
				if (t)
					*t = when;
				return SH_OK;
			}
		}
	}
	return seen ? sh_error_set(SH_EBADSIG, "the signature of %s on the checkpoint of %llu "
					       "entries does not verify", k->name,
				   (unsigned long long)note->size)
		    : sh_error_set(SH_ENOTFOUND, "the checkpoint of %llu entries has no signature "
						 "by %s", (unsigned long long)note->size, k->name);
}

int sh_wit_request_make(sh_buf *out, uint64_t old, const uint8_t proof[][SH_SHA256_LEN], size_t n,
			const void *note, size_t note_len)
{
	int rc = sh_buf_printf(out, "old %llu\n", (unsigned long long)old);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = sh_wit_b64_encode(out, proof[i], SH_SHA256_LEN);
		if (!rc)
			rc = sh_buf_puts(out, "\n");
	}
	if (!rc)
		rc = sh_buf_puts(out, "\n");
	if (!rc)
		rc = sh_buf_put(out, note, note_len);
	return rc;
}

int sh_wit_request_parse(uint64_t *old, uint8_t proof[][SH_SHA256_LEN], size_t *n, size_t *note_off,
			 const void *body, size_t len)
{
	const char *b = body, *end = b + len, *p = b;
	*n = 0;
	*old = 0;
	*note_off = 0;
	if (len > SH_WIT_NOTE_MAX + 64 * SH_WIT_PROOF_MAX)
		return sh_error_set(SH_ELIMIT, "add-checkpoint request too long");
	const char *e = memchr(p, '\n', len);
	if (!e || e - p < 5 || memcmp(p, "old ", 4) || canon_u64(old, p + 4, (size_t)(e - p - 4)))
		return sh_error_set(SH_EINVAL, "add-checkpoint request must start with 'old <size>'");
	p = e + 1;
	for (;;) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			return sh_error_set(SH_EINVAL, "add-checkpoint request has no empty line before "
						       "the checkpoint");
		if (e == p)
			break;
		size_t hl;
		if (*n == SH_WIT_PROOF_MAX)
			return sh_error_set(SH_EINVAL, "consistency proof longer than %d hashes",
					    SH_WIT_PROOF_MAX);
		if (sh_wit_b64_decode(proof[*n], SH_SHA256_LEN, &hl, p, (size_t)(e - p)) ||
		    hl != SH_SHA256_LEN)
			return sh_error_set(SH_EINVAL, "consistency proof line is not a base64 hash");
		(*n)++;
		p = e + 1;
	}
	if (*old == 0 && *n)
		return sh_error_set(SH_EINVAL, "a consistency proof from size 0 must be empty");
	*note_off = (size_t)(e + 1 - b);
	return SH_OK;
}
