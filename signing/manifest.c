/* Canonical manifests and checkpoints (docs/SIGNING.md §4, §5). */
#include "sign_int.h"

#include <stdlib.h>
#include <string.h>

#define MANIFEST_MAGIC "sohoa-manifest-v1\n"
#define CHECKPOINT_MAGIC "sohoa-checkpoint-v1\n"

static int check_token(const char *s, size_t max, const char *first, const char *rest,
		       const char *what)
{
	if (!s || !*s)
		return sh_error_set(SH_EINVAL, "%s is missing", what);
	size_t n = strlen(s);
	if (n > max)
		return sh_error_set(SH_EINVAL, "%s '%.40s' is longer than %zu characters", what, s, max);
	for (size_t i = 0; i < n; i++) {
		const char *set = i ? rest : first;
		if (!memchr(set, s[i], strlen(set)))
			return sh_error_set(SH_EINVAL, "%s '%.40s': character '%c' not allowed", what, s,
					    s[i] ? s[i] : '?');
	}
	return SH_OK;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGIT "0123456789"

static int check_type(const char *t) { return check_token(t, 32, LOWER, LOWER DIGIT "-", "manifest type"); }
static int check_fact_name(const char *n) { return check_token(n, 64, LOWER DIGIT "_.-", LOWER DIGIT "_.-", "fact name"); }

static int check_keyid(const char *k)
{
	if (strlen(k) != SH_SIGN_KEYID_HEX)
		return sh_error_set(SH_EINVAL, "key id must be %d hex digits", SH_SIGN_KEYID_HEX);
	return check_token(k, SH_SIGN_KEYID_HEX, DIGIT "abcdef", DIGIT "abcdef", "key id");
}

static int fact_cmp(const void *a, const void *b)
{
	const sh_sign_fact *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static int put_value(sh_buf *b, const char *name, const char *v)
{
	int rc = sh_buf_printf(b, "%s: ", name);
	if (!rc)
		rc = sign_escape(b, v);
	if (!rc)
		rc = sh_buf_put(b, "\n", 1);
	return rc;
}

int sh_sign_manifest_encode(sh_buf *out, const sh_sign_manifest *m)
{
	const sh_sign_fact **sorted = NULL;
	size_t start = out->len;
	int rc;
	if ((rc = check_type(m->type)) || (rc = sign_check_text(m->code, SH_SIGN_VALUE_MAX, 0, "code")) ||
	    (m->owner && (rc = sign_check_text(m->owner, SH_SIGN_VALUE_MAX, 1, "owner"))) ||
	    (m->kind && (rc = sign_check_text(m->kind, SH_SIGN_VALUE_MAX, 1, "kind"))) ||
	    (rc = sh_id_agency_check(m->agency)) || (rc = check_keyid(m->key_id)))
		return rc;
	if (m->nfacts > SH_SIGN_FACTS_MAX)
		return sh_error_set(SH_ELIMIT, "%zu facts, at most %d", m->nfacts, SH_SIGN_FACTS_MAX);
	if (m->npages > SH_SIGN_PAGES_MAX)
		return sh_error_set(SH_ELIMIT, "%zu pages, at most %d", m->npages, SH_SIGN_PAGES_MAX);
	if (m->nfacts && !m->facts)
		return sh_error_set(SH_EINVAL, "%zu facts but no array", m->nfacts);
	if (m->npages && !m->pages)
		return sh_error_set(SH_EINVAL, "%zu pages but no array", m->npages);
	if (m->nfacts) {
		sorted = sh_malloc(m->nfacts * sizeof *sorted);
		if (!sorted)
			return SH_ENOMEM;
		for (size_t i = 0; i < m->nfacts; i++) {
			sorted[i] = &m->facts[i];
			if ((rc = check_fact_name(m->facts[i].name)) ||
			    (rc = sign_check_text(m->facts[i].value, SH_SIGN_VALUE_MAX, 1, "fact value")))
				goto out;
		}
		qsort(sorted, m->nfacts, sizeof *sorted, fact_cmp);
		for (size_t i = 1; i < m->nfacts; i++)
			if (!strcmp(sorted[i - 1]->name, sorted[i]->name)) {
				rc = sh_error_set(SH_EINVAL, "fact '%s' given twice", sorted[i]->name);
				goto out;
			}
	}
	if ((rc = sh_buf_puts(out, MANIFEST_MAGIC)) || (rc = sh_buf_printf(out, "type: %s\n", m->type)) ||
	    (rc = put_value(out, "code", m->code)) || (m->owner && (rc = put_value(out, "owner", m->owner))) ||
	    (m->kind && (rc = put_value(out, "kind", m->kind))) ||
	    (m->has_ref && (rc = sign_put_hex(out, "ref", m->ref, SH_SHA256_LEN))))
		goto out;
	for (size_t i = 0; i < m->nfacts && !rc; i++) {
		rc = sh_buf_printf(out, "fact.%s: ", sorted[i]->name);
		if (!rc)
			rc = sign_escape(out, sorted[i]->value);
		if (!rc)
			rc = sh_buf_put(out, "\n", 1);
	}
	for (size_t i = 0; i < m->npages && !rc; i++) {
		char img[2 * SH_SHA256_LEN + 1], txt[2 * SH_SHA256_LEN + 1] = "-";
		char org[2 * SH_SHA256_LEN + 2] = "";
		sh_hex(img, m->pages[i].image, SH_SHA256_LEN);
		if (m->pages[i].has_text)
			sh_hex(txt, m->pages[i].text, SH_SHA256_LEN);
		if (m->pages[i].has_original) { /* the bytes as received, when not the image */
			org[0] = ' ';
			sh_hex(org + 1, m->pages[i].original, SH_SHA256_LEN);
		}
		rc = sh_buf_printf(out, "page.%zu: %s %s%s\n", i + 1, img, txt, org);
	}
	if (!rc)
		rc = sh_buf_printf(out, "time: %lld\nagency: %s\nkey: %s\n", (long long)m->time, m->agency,
				   m->key_id);
out:
	if (rc) {
		out->len = start;
		if (out->data)
			out->data[start] = 0;
	}
	sh_free(sorted);
	return rc;
}

/* A parsed manifest owns its strings and arrays. */
typedef struct owned_manifest {
	sh_sign_manifest m; /* first: sh_sign_manifest_free casts back */
	char *type, *code, *owner, *kind, *agency;
	sh_sign_fact *facts;
	sh_sign_page *pages;
	size_t nfacts;
} owned_manifest;

void sh_sign_manifest_free(sh_sign_manifest **mp)
{
	if (!mp || !*mp)
		return;
	owned_manifest *o = (owned_manifest *)*mp;
	for (size_t i = 0; i < o->nfacts; i++) {
		sh_free((char *)o->facts[i].name);
		sh_free((char *)o->facts[i].value);
	}
	sh_free(o->facts);
	sh_free(o->pages);
	sh_free(o->type);
	sh_free(o->code);
	sh_free(o->owner);
	sh_free(o->kind);
	sh_free(o->agency);
	sh_free(o);
	*mp = NULL;
}

static int take_string(sign_lines *l, const char *name, char **out)
{
	const char *v;
	size_t n;
	int rc = sign_line_take(l, name, 0, NULL, NULL, &v, &n);
	if (!rc)
		rc = sign_unescape(out, v, n, name);
	return rc;
}

/* A page line's optional third hash, the original (v, *n: the value after
 * "page.<n>: "): parsed into p and cut off *n when there. */
static int parse_original(sh_sign_page *p, const char *v, size_t *n, size_t page)
{
	const size_t H = 2 * SH_SHA256_LEN;
	if (*n != H + 2 + 1 + H && *n != 3 * H + 2)
		return SH_OK;
	int rc = sign_parse_hex(p->original, SH_SHA256_LEN, v + *n - H, H, "page original hash");
	if (rc)
		return rc;
	if (v[*n - H - 1] != ' ')
		return sh_error_set(SH_EINVAL, "page %zu: expected one space between the hashes", page);
	p->has_original = 1;
	*n -= H + 1;
	return SH_OK;
}

/* Long on purpose (~160 lines): a linear parser, one field after another in
 * the order docs/SIGNING.md gives them; each step is a few lines. */
int sh_sign_manifest_parse(sh_sign_manifest **out, const void *bytes, size_t len)
{
	owned_manifest *o = NULL;
	sh_buf again = SH_BUF_INIT;
	const char *v;
	size_t n;
	int rc;
	*out = NULL;
	if (len > SH_SIGN_DOC_MAX)
		return sh_error_set(SH_ELIMIT, "manifest of %zu bytes is over the %u-byte limit", len,
				    SH_SIGN_DOC_MAX);
	if (!bytes || len < sizeof MANIFEST_MAGIC - 1 || memcmp(bytes, MANIFEST_MAGIC, sizeof MANIFEST_MAGIC - 1)) {
		if (bytes && len >= 15 && !memcmp(bytes, "sohoa-manifest-", 15))
			return sh_error_set(SH_EVERSION, "manifest of an unknown version");
		return sh_error_set(SH_EINVAL, "not a sohoa manifest");
	}
	if (memchr(bytes, 0, len) || memchr(bytes, '\r', len))
		return sh_error_set(SH_EINVAL, "manifest contains a NUL or CR byte");
	sign_lines l = {(const char *)bytes + sizeof MANIFEST_MAGIC - 1, (const char *)bytes + len};
	o = sh_calloc(1, sizeof *o);
	if (!o)
		return SH_ENOMEM;
	if ((rc = take_string(&l, "type", &o->type)) || (rc = check_type(o->type)) ||
	    (rc = take_string(&l, "code", &o->code)))
		goto out;
	if (sign_line_peek(&l, "owner: ") && (rc = take_string(&l, "owner", &o->owner)))
		goto out;
	if (sign_line_peek(&l, "kind: ") && (rc = take_string(&l, "kind", &o->kind)))
		goto out;
	if (sign_line_peek(&l, "ref: ")) {
		if ((rc = sign_line_take(&l, "ref", 0, NULL, NULL, &v, &n)) ||
		    (rc = sign_parse_hex(o->m.ref, SH_SHA256_LEN, v, n, "ref")))
			goto out;
		o->m.has_ref = 1;
	}
	size_t cap = 0;
	while (sign_line_peek(&l, "fact.")) {
		const char *name;
		size_t nlen;
		if (o->nfacts == SH_SIGN_FACTS_MAX) {
			rc = sh_error_set(SH_ELIMIT, "more than %d facts", SH_SIGN_FACTS_MAX);
			goto out;
		}
		if (o->nfacts == cap) {
			size_t nc = cap ? cap * 2 : 8;
			sh_sign_fact *f = sh_realloc(o->facts, nc * sizeof *f);
			if (!f) {
				rc = SH_ENOMEM;
				goto out;
			}
			o->facts = f;
			cap = nc;
		}
		if ((rc = sign_line_take(&l, "fact.", 1, &name, &nlen, &v, &n)))
			goto out;
		sh_sign_fact *f = &o->facts[o->nfacts];
		f->name = f->value = NULL;
		char *fname = sh_strndup(name + 5, nlen - 5);
		if (!fname) {
			rc = SH_ENOMEM;
			goto out;
		}
		f->name = fname;
		o->nfacts++;
		char *fval = NULL;
		if ((rc = check_fact_name(fname)) || (rc = sign_unescape(&fval, v, n, "fact value")))
			goto out;
		f->value = fval;
	}
	size_t pcap = 0, npages = 0;
	while (sign_line_peek(&l, "page.")) {
		const char *name;
		size_t nlen;
		uint64_t num;
		if (npages == SH_SIGN_PAGES_MAX) {
			rc = sh_error_set(SH_ELIMIT, "more than %d pages", SH_SIGN_PAGES_MAX);
			goto out;
		}
		if ((rc = sign_line_take(&l, "page.", 1, &name, &nlen, &v, &n)) ||
		    (rc = sign_parse_u64(&num, name + 5, nlen - 5, "page number")))
			goto out;
		if (num != npages + 1) {
			rc = sh_error_set(SH_EINVAL, "page %llu out of order (expected %zu)",
					  (unsigned long long)num, npages + 1);
			goto out;
		}
		if (npages == pcap) {
			size_t nc = pcap ? pcap * 2 : 8;
			sh_sign_page *p = sh_realloc(o->pages, nc * sizeof *p);
			if (!p) {
				rc = SH_ENOMEM;
				goto out;
			}
			o->pages = p;
			pcap = nc;
		}
		sh_sign_page *p = &o->pages[npages];
		memset(p, 0, sizeof *p);
		/* '<image> <text or ->' then, for a page kept with its original,
		 * ' <original>' */
		size_t H = 2 * SH_SHA256_LEN;
		if ((rc = parse_original(p, v, &n, npages + 1)))
			goto out;
		if (n != H + 2 && n != 2 * H + 1) {
			rc = sh_error_set(SH_EINVAL, "page %zu: expected '<image hash> <text hash or ->'", npages + 1);
			goto out;
		}
		if ((rc = sign_parse_hex(p->image, SH_SHA256_LEN, v, H, "page image hash")))
			goto out;
		if (v[H] != ' ') {
			rc = sh_error_set(SH_EINVAL, "page %zu: expected one space between the hashes", npages + 1);
			goto out;
		}
		const char *t = v + H + 1;
		size_t tn = n - H - 1;
		if (tn == 1 && t[0] == '-')
			p->has_text = 0;
		else if ((rc = sign_parse_hex(p->text, SH_SHA256_LEN, t, tn, "page text hash")))
			goto out;
		else
			p->has_text = 1;
		npages++;
	}
	if ((rc = sign_line_take(&l, "time", 0, NULL, NULL, &v, &n)) ||
	    (rc = sign_parse_i64(&o->m.time, v, n, "time")) || (rc = take_string(&l, "agency", &o->agency)) ||
	    (rc = sign_line_take(&l, "key", 0, NULL, NULL, &v, &n)))
		goto out;
	if (n != SH_SIGN_KEYID_HEX) {
		rc = sh_error_set(SH_EINVAL, "key id must be %d hex digits", SH_SIGN_KEYID_HEX);
		goto out;
	}
	memcpy(o->m.key_id, v, n);
	o->m.key_id[n] = 0;
	if (l.p != l.end) {
		rc = sh_error_set(SH_EINVAL, "unexpected line after 'key': '%.40s'", l.p);
		goto out;
	}
	o->m.type = o->type;
	o->m.code = o->code;
	o->m.owner = o->owner;
	o->m.kind = o->kind;
	o->m.agency = o->agency;
	o->m.facts = o->facts;
	o->m.nfacts = o->nfacts;
	o->m.pages = o->pages;
	o->m.npages = npages;
	/* Canonical means: the encoder gives back exactly these bytes (sorted
	 * unique facts, escapes, fields checked alike). */
	if ((rc = sh_sign_manifest_encode(&again, &o->m)))
		goto out;
	if (again.len != len || memcmp(again.data, bytes, len)) {
		rc = sh_error_set(SH_EINVAL, "manifest is not in canonical form (facts unsorted or "
					     "repeated, or a value escaped differently)");
		goto out;
	}
	*out = &o->m;
	o = NULL;
out:
	sh_buf_free(&again);
	if (o) {
		sh_sign_manifest *m = &o->m;
		sh_sign_manifest_free(&m);
	}
	return rc;
}

int sh_sign_manifest_sign(sh_buf *out, const sh_sign_key *key, const sh_sign_manifest *m)
{
	sh_sign_manifest c = *m;
	size_t start = out->len;
	memcpy(c.key_id, sh_sign_key_id(key), SH_SIGN_KEYID_HEX + 1);
	int rc = sh_sign_manifest_encode(out, &c);
	if (!rc)
		rc = sign_doc_seal(out, start, key);
	if (rc) {
		out->len = start;
		if (out->data)
			out->data[start] = 0;
	}
	return rc;
}

static int check_signed(const sh_sign_pubkey *pub, const char *key_id, int64_t when, const void *doc,
			size_t body_len, const uint8_t sig[SH_SIGN_SIG_LEN])
{
	if (strcmp(key_id, pub->key_id))
		return sh_error_set(SH_EBADSIG, "signed by key %.16s…, not by the given key %.16s…", key_id,
				    pub->key_id);
	int rc = sh_sign_verify(pub->pub, doc, body_len, sig, SH_SIGN_SIG_LEN);
	if (!rc)
		rc = sh_sign_key_usable(pub, when);
	return rc;
}

int sh_sign_manifest_verify(sh_sign_manifest **out, const sh_sign_pubkey *pub, int64_t when,
			    const void *doc, size_t len)
{
	sh_sign_manifest *m = NULL;
	uint8_t sig[SH_SIGN_SIG_LEN];
	size_t body;
	if (out)
		*out = NULL;
	int rc = sign_doc_split(&body, sig, doc, len);
	if (!rc)
		rc = sh_sign_manifest_parse(&m, doc, body);
	if (!rc)
		rc = check_signed(pub, m->key_id, when == SH_SIGN_WHEN_CLAIMED ? m->time : when, doc, body,
				  sig);
	if (!rc && out) {
		*out = m;
		m = NULL;
	}
	sh_sign_manifest_free(&m);
	return rc;
}

int sh_sign_manifest_read(sh_sign_manifest **out, const void *doc, size_t len)
{
	uint8_t sig[SH_SIGN_SIG_LEN];
	size_t body;
	*out = NULL;
	int rc = sign_doc_split(&body, sig, doc, len);
	return rc ? rc : sh_sign_manifest_parse(out, doc, body);
}

int sh_sign_doc_key_id(char out[SH_SIGN_KEYID_HEX + 1], const void *doc, size_t len)
{
	uint8_t sig[SH_SIGN_SIG_LEN];
	size_t body;
	int rc = sign_doc_split(&body, sig, doc, len);
	if (rc)
		return rc;
	/* The key line is the last line of every signed body. */
	const char *d = doc;
	static const char K[] = "\nkey: ";
	size_t want = sizeof K - 1 + SH_SIGN_KEYID_HEX + 1;
	if (body < want || memcmp(d + body - want, K, sizeof K - 1))
		return sh_error_set(SH_EINVAL, "signed document has no 'key' line before its signature");
	uint8_t id[SH_SHA256_LEN];
	rc = sign_parse_hex(id, sizeof id, d + body - want + sizeof K - 1, SH_SIGN_KEYID_HEX, "key id");
	if (rc)
		return rc;
	sh_hex(out, id, sizeof id);
	return SH_OK;
}

/* ---- checkpoints ------------------------------------------------------------ */

static int checkpoint_encode(sh_buf *out, const sh_sign_checkpoint *cp, const char *key_id)
{
	int rc = sh_id_agency_check(cp->agency);
	if (rc)
		return rc;
	char root[2 * SH_SHA256_LEN + 1];
	sh_hex(root, cp->root, sizeof cp->root);
	return sh_buf_printf(out, CHECKPOINT_MAGIC "size: %llu\nroot: %s\ntime: %lld\nagency: %s\nkey: %s\n",
			     (unsigned long long)cp->size, root, (long long)cp->time, cp->agency, key_id);
}

int sh_sign_checkpoint_sign(sh_buf *out, const sh_sign_key *key, const sh_sign_checkpoint *cp)
{
	size_t start = out->len;
	int rc = checkpoint_encode(out, cp, sh_sign_key_id(key));
	if (!rc)
		rc = sign_doc_seal(out, start, key);
	if (rc) {
		out->len = start;
		if (out->data)
			out->data[start] = 0;
	}
	return rc;
}

int sh_sign_checkpoint_verify(sh_sign_checkpoint *out, const sh_sign_pubkey *pub, const void *doc,
			      size_t len)
{
	sh_sign_checkpoint cp;
	uint8_t sig[SH_SIGN_SIG_LEN];
	size_t body, n;
	const char *v;
	memset(&cp, 0, sizeof cp);
	int rc = sign_doc_split(&body, sig, doc, len);
	if (rc)
		return rc;
	if (body < sizeof CHECKPOINT_MAGIC - 1 || memcmp(doc, CHECKPOINT_MAGIC, sizeof CHECKPOINT_MAGIC - 1))
		return !memcmp(doc, "sohoa-checkpoint-", 17)
			       ? sh_error_set(SH_EVERSION, "checkpoint of an unknown version")
			       : sh_error_set(SH_EINVAL, "not a sohoa checkpoint");
	if (memchr(doc, 0, body) || memchr(doc, '\r', body))
		return sh_error_set(SH_EINVAL, "checkpoint contains a NUL or CR byte");
	sign_lines l = {(const char *)doc + sizeof CHECKPOINT_MAGIC - 1, (const char *)doc + body};
	if ((rc = sign_line_take(&l, "size", 0, NULL, NULL, &v, &n)) ||
	    (rc = sign_parse_u64(&cp.size, v, n, "size")) ||
	    (rc = sign_line_take(&l, "root", 0, NULL, NULL, &v, &n)) ||
	    (rc = sign_parse_hex(cp.root, sizeof cp.root, v, n, "root")) ||
	    (rc = sign_line_take(&l, "time", 0, NULL, NULL, &v, &n)) ||
	    (rc = sign_parse_i64(&cp.time, v, n, "time")) ||
	    (rc = sign_line_take(&l, "agency", 0, NULL, NULL, &v, &n)))
		return rc;
	if (n > SH_SIGN_AGENCY_MAX)
		return sh_error_set(SH_EINVAL, "agency id longer than %d characters", SH_SIGN_AGENCY_MAX);
	memcpy(cp.agency, v, n);
	cp.agency[n] = 0;
	if ((rc = sh_id_agency_check(cp.agency)) || (rc = sign_line_take(&l, "key", 0, NULL, NULL, &v, &n)))
		return rc;
	if (n != SH_SIGN_KEYID_HEX)
		return sh_error_set(SH_EINVAL, "key id must be %d hex digits", SH_SIGN_KEYID_HEX);
	memcpy(cp.key_id, v, n);
	if ((rc = check_keyid(cp.key_id)))
		return rc;
	if (l.p != l.end)
		return sh_error_set(SH_EINVAL, "unexpected line after 'key' in a checkpoint");
	rc = check_signed(pub, cp.key_id, cp.time, doc, body, sig);
	if (!rc && out)
		*out = cp;
	return rc;
}
