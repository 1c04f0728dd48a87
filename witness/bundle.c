/* What a proof bundle (docs/SIGNING.md §9) carries beyond the paper's own
 * proof: the status of the paper and of its signing key as of the export
 * (every signed log entry about them, each with its inclusion proof in the
 * latest signed checkpoint) and the witnessed checkpoint with its
 * cosignatures; and the checks of verify-bundle over the whole folder,
 * where a file the manifest does not name is a failure. */
#define _GNU_SOURCE
#include "sh_wit.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh_ledger.h"

static int put(const char *dir, const char *name, const void *d, size_t n)
{
	char *p = sh_asprintf("%s/%s", dir, name);
	int rc = p ? sh_file_write(p, d, n) : SH_ENOMEM;
	sh_free(p);
	return rc;
}

static int get(const char *dir, const char *name, uint8_t **d, size_t *n)
{
	char *p = sh_asprintf("%s/%s", dir, name);
	int rc = p ? sh_file_read(d, n, p, SH_SIGN_DOC_MAX) : SH_ENOMEM;
	sh_free(p);
	return rc;
}

static int proof_text(sh_buf *b, uint64_t index, uint64_t size, const uint8_t path[][SH_SHA256_LEN],
		      size_t n)
{
	char hex[2 * SH_SHA256_LEN + 1];
	int rc = sh_buf_printf(b, "sohoa-proof-v1\nindex: %llu\nsize: %llu\n",
			       (unsigned long long)index, (unsigned long long)size);
	for (size_t i = 0; !rc && i < n; i++) {
		sh_hex(hex, path[i], SH_SHA256_LEN);
		rc = sh_buf_printf(b, "path: %s\n", hex);
	}
	return rc;
}

/* event-<index>.sig and .proof for one log entry, proven in the tree of size. */
static int put_event(sh_store *s, const char *dir, uint64_t e, uint64_t size,
		     uint8_t path[][SH_SHA256_LEN])
{
	uint8_t *doc = NULL;
	size_t len = 0, n = 0;
	sh_buf b = SH_BUF_INIT;
	char name[64];
	int rc = sh_ledger_entry(s, e, &doc, &len);
	if (!rc)
		rc = sh_ledger_inclusion(s, e, size, path, &n, NULL);
	if (!rc)
		rc = proof_text(&b, e, size, (const uint8_t(*)[SH_SHA256_LEN])path, n);
	if (!rc) {
		snprintf(name, sizeof name, "event-%llu.sig", (unsigned long long)e);
		rc = put(dir, name, doc, len);
	}
	if (!rc) {
		snprintf(name, sizeof name, "event-%llu.proof", (unsigned long long)e);
		rc = put(dir, name, b.data, b.len);
	}
	sh_free(doc);
	sh_buf_free(&b);
	return rc;
}

int sh_wit_bundle_extend(sh_store *s, const char *code, const char *dir)
{
	uint64_t *idx = NULL, *kidx = NULL, size = 0, logsize = 0;
	size_t nidx = 0, nk = 0, n = 0;
	uint8_t *doc = NULL, *cp = NULL, *wn = NULL;
	size_t doclen = 0, cplen = 0, wnlen = 0;
	char kid[SH_SIGN_KEYID_HEX + 1], *reason = NULL, *wp = NULL;
	uint8_t(*path)[SH_SHA256_LEN] = sh_malloc(SH_LOG_PROOF_MAX * SH_SHA256_LEN);
	sh_wit_note *note = sh_malloc(sizeof *note);
	sh_buf b = SH_BUF_INIT;
	sh_sign_pubkey pub;
	int rc = path && note ? SH_OK : SH_ENOMEM;
	if (!rc && !(rc = sh_ledger_entries_of(s, code, &idx, &nidx)) && !nidx)
		rc = sh_error_set(SH_ENOTFOUND, "%s is not signed: nothing to prove", code);
	if (rc || (rc = sh_ledger_entry(s, idx[0], &doc, &doclen)) ||
	    (rc = sh_sign_doc_key_id(kid, doc, doclen)) ||
	    (rc = sh_ledger_entries_of(s, kid, &kidx, &nk)) ||
	    (rc = sh_ledger_checkpoint(s, 0, &cp, &cplen, &size)) ||
	    (rc = sh_ledger_size(s, &logsize)) ||
	    (rc = put(dir, "status-checkpoint.sig", cp, cplen)))
		goto out;
	/* the paper's later events, then the key's, as of the latest checkpoint */
	for (size_t i = 1; !rc && i < nidx; i++)
		if (idx[i] < size)
			rc = put_event(s, dir, idx[i], size, path);
	for (size_t i = 0; !rc && i < nk; i++)
		if (kidx[i] < size)
			rc = put_event(s, dir, kidx[i], size, path);
	if (rc || (rc = sh_ledger_key_get(s, kid, &pub, &reason)))
		goto out;
	char until[24] = "never", revoked[24] = "never";
	if (pub.valid_until != SH_SIGN_NEVER)
		snprintf(until, sizeof until, "%lld", (long long)pub.valid_until);
	if (pub.revoked_at != SH_SIGN_NEVER)
		snprintf(revoked, sizeof revoked, "%lld", (long long)pub.revoked_at);
	rc = sh_buf_printf(&b,
			   "key %s\nname: %s\nvalid-from: %lld\nvalid-until: %s\nrevoked-at: %s\n"
			   "reason: %s\nas-of-checkpoint: %llu\n",
			   kid, pub.name, (long long)pub.valid_from, until, revoked,
			   reason ? reason : "-", (unsigned long long)size);
	if (!rc)
		rc = put(dir, "key-status.txt", b.data, b.len);
	if (rc)
		goto out;
	/* the latest witnessed checkpoint, when it covers the paper */
	if (!(wp = sh_asprintf("%s/witnessed/latest", sh_store_dir(s)))) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (!sh_file_read(&wn, &wnlen, wp, SH_WIT_NOTE_MAX) && !sh_wit_note_parse(note, wn, wnlen) &&
	    note->size > idx[0] && note->size <= logsize) {
		b.len = 0;
		if (!(rc = sh_ledger_inclusion(s, idx[0], note->size, path, &n, NULL)) &&
		    !(rc = proof_text(&b, idx[0], note->size, (const uint8_t(*)[SH_SHA256_LEN])path, n)) &&
		    !(rc = put(dir, "checkpoint.note", wn, wnlen)))
			rc = put(dir, "witness-proof.txt", b.data, b.len);
	}
out:
	sh_free(idx);
	sh_free(kidx);
	sh_free(doc);
	sh_free(cp);
	sh_free(wn);
	sh_free(wp);
	sh_free(reason);
	sh_free(path);
	sh_free(note);
	sh_buf_free(&b);
	return rc;
}

/* ---- verify-bundle ----------------------------------------------------------- */

struct vb {
	sh_wit_report_fn problem, note;
	void *arg;
	size_t *problems;
};

static void vsay(struct vb *v, int bad, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void vsay(struct vb *v, int bad, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (bad) {
		(*v->problems)++;
		if (v->problem)
			v->problem(v->arg, msg);
	} else if (v->note) {
		v->note(v->arg, msg);
	}
}

static void when(char *buf, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static const sh_sign_pubkey *trusted(const sh_sign_pubkey *trust, size_t n, const void *doc, size_t len)
{
	char kid[SH_SIGN_KEYID_HEX + 1];
	if (sh_sign_doc_key_id(kid, doc, len))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(trust[i].key_id, kid))
			return &trust[i];
	return NULL;
}

static const char *fact(const sh_sign_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->nfacts; i++)
		if (!strcmp(m->facts[i].name, name))
			return m->facts[i].value;
	return NULL;
}

/* Is name one of the bundle's files? npages: pages the manifest names;
 * seen[]: image files found per page. 2: a page's hOCR (export-bag puts it
 * beside the bundle: known, but not signed). */
static int known_file(const char *name, const sh_sign_page *pages, size_t npages,
		      unsigned char *seen, int *dup)
{
	static const char *fixed[] = {"manifest.sig", "checkpoint.sig", "proof.txt", "signer.pub",
				      "checkpoint-signer.pub", "README.txt", "checkpoint.note",
				      "witness-proof.txt", "status-checkpoint.sig", "key-status.txt"};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		if (!strcmp(name, fixed[i]))
			return 1;
	/* what export-bag puts beside a bundle in a bag (pdf/bag.c): the
	 * paper's record and its PDF/A, both derived and not signed here (the
	 * bag's manifests cover them; the PDF carries its own signature) */
	if (!strcmp(name, "paper.json"))
		return 3;
	size_t nl = strlen(name);
	if (nl > 4 && !strcmp(name + nl - 4, ".pdf") && !strchr(name, '/'))
		return 3;
	unsigned long long v;
	char ext[8];
	int end = 0;
	if (sscanf(name, "event-%llu.%7[a-z]%n", &v, ext, &end) == 2 && !name[end] &&
	    (!strcmp(ext, "sig") || !strcmp(ext, "proof")) && name[6] >= '0' && name[6] <= '9')
		return 1;
	if (strlen(name) >= 9 && !strncmp(name, "page-", 5) && name[5] >= '0' && name[5] <= '9' &&
	    name[6] >= '0' && name[6] <= '9' && name[7] >= '0' && name[7] <= '9' && name[8] == '.') {
		size_t p = (size_t)((name[5] - '0') * 100 + (name[6] - '0') * 10 + (name[7] - '0'));
		const char *x = name + 9;
		if (p < 1 || p > npages)
			return 0;
		if (!strcmp(x, "txt"))
			return 1;
		if (!strcmp(x, "hocr"))
			return 2;
		if (!strcmp(x, "png") || !strcmp(x, "jpg") || !strcmp(x, "tif")) {
			*dup = (seen[p - 1] & 1) != 0;
			seen[p - 1] |= 1;
			return 1;
		}
	}
	/* original-NNN.*: the photo as received, only for a page signed with one */
	if (nl == 16 && !strncmp(name, "original-", 9) && name[9] >= '0' && name[9] <= '9' &&
	    name[10] >= '0' && name[10] <= '9' && name[11] >= '0' && name[11] <= '9' &&
	    name[12] == '.' &&
	    (!strcmp(name + 13, "png") || !strcmp(name + 13, "jpg") || !strcmp(name + 13, "tif"))) {
		size_t p = (size_t)((name[9] - '0') * 100 + (name[10] - '0') * 10 + (name[11] - '0'));
		if (p < 1 || p > npages || !pages[p - 1].has_original)
			return 0;
		*dup = (seen[p - 1] & 2) != 0;
		seen[p - 1] |= 2;
		return 1;
	}
	return 0;
}

/* An inclusion proof file for leaf at index in the tree (size, root). */
static int check_inclusion(const char *dir, const char *name, const uint8_t leaf[SH_SHA256_LEN],
			   uint64_t index, uint64_t size, const uint8_t root[SH_SHA256_LEN])
{
	uint8_t *d = NULL;
	size_t len = 0, n = 0;
	uint64_t pi, ps;
	uint8_t(*path)[SH_SHA256_LEN] = sh_malloc(SH_LOG_PROOF_MAX * SH_SHA256_LEN);
	int rc = path ? get(dir, name, &d, &len) : SH_ENOMEM;
	if (!rc)
		rc = sh_sign_proof_parse(&pi, &ps, path, &n, (const char *)d, len);
	if (!rc && (pi != index || ps != size))
		rc = sh_error_set(SH_EBADSIG, "%s is for entry %llu of %llu, not %llu of %llu", name,
				  (unsigned long long)pi, (unsigned long long)ps,
				  (unsigned long long)index, (unsigned long long)size);
	if (!rc)
		rc = sh_log_inclusion_verify(leaf, index, size, (const uint8_t(*)[SH_SHA256_LEN])path, n,
					     root);
	sh_free(d);
	sh_free(path);
	return rc;
}

/* Long on purpose: the bundle checks in the order of docs/SIGNING.md §10
 * (files named, signature, inclusion, status, cosignatures), each a step. */
int sh_wit_bundle_verify(const char *dir, const sh_sign_pubkey *trust, size_t ntrust,
			 const sh_wit_vkey *witnesses, size_t nw, sh_wit_report_fn problem,
			 sh_wit_report_fn note, void *arg, size_t *problems)
{
	*problems = 0;
	struct vb v = {problem, note, arg, problems};
	size_t p0 = 0;
	int rc = sh_sign_bundle_verify(dir, trust, ntrust, problem, arg, &p0);
	*problems += p0;
	if (rc && rc != SH_EBADSIG)
		return rc;
	uint8_t *man = NULL, *cpd = NULL, *pf = NULL, *d = NULL;
	size_t manlen = 0, cplen = 0, pflen = 0, len = 0, n = 0;
	sh_sign_manifest *m = NULL;
	sh_sign_checkpoint logcp, st;
	sh_wit_note *wn = sh_malloc(sizeof *wn);
	uint8_t(*path)[SH_SHA256_LEN] = sh_malloc(SH_LOG_PROOF_MAX * SH_SHA256_LEN);
	unsigned char *seen = NULL;
	uint64_t index = 0, psize = 0;
	uint8_t leaf[SH_SHA256_LEN];
	char t1[40], t2[40];
	DIR *dp = NULL;
	memset(&logcp, 0, sizeof logcp);
	rc = wn && path ? SH_OK : SH_ENOMEM;
	/* what the rest rests on; sh_sign_bundle_verify has named their faults */
	if (rc || get(dir, "manifest.sig", &man, &manlen) || sh_sign_manifest_read(&m, man, manlen) ||
	    get(dir, "proof.txt", &pf, &pflen) ||
	    sh_sign_proof_parse(&index, &psize, path, &n, (const char *)pf, pflen)) {
		if (!*problems)
			vsay(&v, 1, "the bundle's manifest or proof cannot be read");
		goto out;
	}
	sh_log_leaf_hash(leaf, man, manlen);
	if (!get(dir, "checkpoint.sig", &cpd, &cplen)) {
		const sh_sign_pubkey *k = trusted(trust, ntrust, cpd, cplen);
		if (!k || sh_sign_checkpoint_verify(&logcp, k, cpd, cplen))
			memset(&logcp, 0, sizeof logcp);
	}

	/* every file is one the manifest names */
	if (!(seen = sh_calloc(m->npages + 1, 1))) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (!(dp = opendir(dir))) {
		vsay(&v, 1, "%s cannot be listed", dir);
		goto out;
	}
	for (struct dirent *e; (e = readdir(dp));) {
		int dup = 0, k;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((k = known_file(e->d_name, m->pages, m->npages, seen, &dup)) == 2)
			vsay(&v, 0, "%s: the page's word layout (hOCR), not signed", e->d_name);
		else if (k == 3)
			vsay(&v, 0, "%s: made from the paper by export-bag, not signed", e->d_name);
		else if (!k)
			vsay(&v, 1, "%s is not part of the bundle: the manifest names %zu page%s", e->d_name,
			     m->npages, m->npages == 1 ? "" : "s");
		else if (dup)
			vsay(&v, 1, "%s: a second image of a page the manifest names once", e->d_name);
	}
	closedir(dp);

	/* the status of the paper and of its key as of the export */
	uint8_t *sd = NULL;
	size_t slen = 0;
	if (get(dir, "status-checkpoint.sig", &sd, &slen)) {
		vsay(&v, 0, "the bundle carries no key or paper status (exported by an older sohoa)");
	} else {
		const sh_sign_pubkey *k = trusted(trust, ntrust, sd, slen);
		if (!k || sh_sign_checkpoint_verify(&st, k, sd, slen)) {
			vsay(&v, 1, "status-checkpoint.sig is not signed by a trusted key");
		} else {
			when(t1, sizeof t1, st.time);
			vsay(&v, 0, "status as of %s (signed log of %llu entries)", t1,
			     (unsigned long long)st.size);
			if (!(dp = opendir(dir)))
				goto out;
			for (struct dirent *e; (e = readdir(dp));) {
				unsigned long long ei;
				int end = 0;
				if (sscanf(e->d_name, "event-%llu.sig%n", &ei, &end) != 1 || e->d_name[end])
					continue;
				char pn[64];
				snprintf(pn, sizeof pn, "event-%llu.proof", ei);
				sh_sign_manifest *ev = NULL;
				const sh_sign_pubkey *ek;
				uint8_t el[SH_SHA256_LEN];
				sh_free(d);
				d = NULL;
				if (get(dir, e->d_name, &d, &len) || !(ek = trusted(trust, ntrust, d, len)) ||
				    sh_sign_manifest_verify(&ev, ek, SH_SIGN_WHEN_CLAIMED, d, len)) {
					vsay(&v, 1, "%s is not signed by a trusted key", e->d_name);
					continue;
				}
				sh_log_leaf_hash(el, d, len);
				if (check_inclusion(dir, pn, el, ei, st.size, st.root)) {
					vsay(&v, 1, "%s: %s", e->d_name, sh_error_message());
				} else if (!strcmp(ev->type, "revocation") && !strcmp(ev->code, m->code)) {
					const char *r = fact(ev, "reason");
					when(t1, sizeof t1, ev->time);
					vsay(&v, 1, "paper %s was revoked on %s (%s; log entry %llu)", m->code, t1,
					     r ? r : "no reason given", ei);
				} else if (!strcmp(ev->type, "revocation") && !strcmp(ev->code, m->key_id)) {
					const char *f = fact(ev, "effective"), *r = fact(ev, "reason");
					int64_t eff = f ? strtoll(f, NULL, 10) : ev->time;
					when(t1, sizeof t1, eff);
					if (logcp.size && logcp.time >= eff) {
						when(t2, sizeof t2, logcp.time);
						vsay(&v, 1, "the manifest was signed (logged %s) after its key was "
							    "revoked from %s (%s)", t2, t1, r ? r : "no reason");
					} else {
						vsay(&v, 0, "the signing key was revoked from %s (%s), after this "
							    "paper was signed: its signature stands", t1,
						     r ? r : "no reason");
					}
				}
				sh_sign_manifest_free(&ev);
			}
			closedir(dp);
		}
	}
	dp = NULL;
	sh_free(sd);

	/* the witnessed checkpoint and its cosignatures */
	sh_free(d);
	d = NULL;
	if (get(dir, "checkpoint.note", &d, &len)) {
		if (nw)
			vsay(&v, 1, "the bundle has no witnessed checkpoint (checkpoint.note)");
		goto out;
	}
	if (sh_wit_note_parse(wn, d, len)) {
		vsay(&v, 1, "checkpoint.note: %s", sh_error_message());
		goto out;
	}
	int signed_ok = 0;
	for (size_t i = 0; i < ntrust && !signed_ok; i++) {
		char *vk = NULL;
		sh_wit_vkey lk;
		if (!sh_wit_vkey_format(&vk, wn->origin, SH_WIT_TYPE_ED25519, trust[i].pub) &&
		    !sh_wit_vkey_parse(&lk, vk, strlen(vk)))
			signed_ok = !sh_wit_note_verify(wn, d, &lk, NULL);
		sh_free(vk);
	}
	if (!signed_ok)
		vsay(&v, 1, "checkpoint.note is not signed by a trusted key of the log %s", wn->origin);
	if (check_inclusion(dir, "witness-proof.txt", leaf, index, wn->size, wn->root))
		vsay(&v, 1, "the manifest is not in the witnessed checkpoint: %s", sh_error_message());
	size_t good = 0;
	for (size_t i = 0; i < nw; i++) {
		uint64_t t = 0;
		int r = sh_wit_note_verify(wn, d, &witnesses[i], &t);
		if (r == SH_OK) {
			good++;
			when(t1, sizeof t1, (int64_t)t);
			vsay(&v, 0, "cosigned by witness %s on %s (log of %llu entries)", witnesses[i].name,
			     t1, (unsigned long long)wn->size);
		} else if (r == SH_EBADSIG) {
			vsay(&v, 1, "checkpoint.note: %s", sh_error_message());
		}
	}
	if (nw && !good)
		vsay(&v, 1, "no trusted witness (--trust-witness) cosigned checkpoint.note");
	else if (!nw)
		vsay(&v, 0, "checkpoint.note carries %zu signature%s; give --trust-witness to check the "
			    "witnesses'", wn->nsigs, wn->nsigs == 1 ? "" : "s");
out:
	if (dp)
		closedir(dp);
	sh_sign_manifest_free(&m);
	sh_free(man);
	sh_free(cpd);
	sh_free(pf);
	sh_free(d);
	sh_free(wn);
	sh_free(path);
	sh_free(seen);
	if (rc && rc != SH_EBADSIG)
		return rc;
	return *problems ? SH_EBADSIG : SH_OK;
}
