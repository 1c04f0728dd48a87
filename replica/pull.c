/* Pulling an office's log (sh_repl.h): pages of entries over HTTP, the page
 * images by their SHA-256 (from this warehouse when already here), then one
 * sh_wh_replica_apply per page. */
#include "sh_repl.h"
#include "sh_wit.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct rconn {
	CURL *curl;
	struct curl_slist *hdr;
	const sh_repl_options *o;
	sh_buf body;
	int over;    /* the answer passed SH_REPL_BODY_MAX */
	long status; /* of the last answer */
	int province;      /* 0: an office (replication); 1: the province (reuse) */
	char blobs[160];   /* path of the blobs, up to the hash */
} rconn;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	rconn *c = arg;
	size_t n = size * nmemb;
	if (c->body.len + n > SH_REPL_BODY_MAX) {
		c->over = 1;
		return 0;
	}
	return sh_buf_put(&c->body, ptr, n) ? 0 : n;
}

/* GET path: the answer in c->body (NUL-terminated). */
static int rget(rconn *c, const char *path)
{
	char *url = sh_asprintf("%s%s", c->o->url, path);
	if (!url)
		return SH_ENOMEM;
	sh_buf_free(&c->body);
	c->over = 0;
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	CURLcode cc = curl_easy_perform(c->curl);
	sh_free(url);
	long status = 0;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	c->status = status;
	if (sh_buf_grow(&c->body, 1))
		return SH_ENOMEM;
	c->body.data[c->body.len] = 0;
	if (c->over)
		return c->province ? sh_error_set(SH_EINVAL, "the province's answer to %s is too large",
						  path)
				   : sh_error_set(SH_EINVAL, "the office's answer to %s is too large", path);
	if (cc != CURLE_OK)
		return c->province ? sh_error_set(SH_EIO, "the province at %s does not answer: %s",
						  c->o->url, curl_easy_strerror(cc))
				   : sh_error_set(SH_EIO, "the office at %s does not answer: %s",
						  c->o->url, curl_easy_strerror(cc));
	if (status == 200)
		return SH_OK;
	/* the server's one-line {"error": ...} */
	json_t *j = json_loadb((const char *)c->body.data, c->body.len, 0, NULL);
	const char *msg = json_string_value(json_object_get(j, "error"));
	char m[300];
	snprintf(m, sizeof m, "%s", msg ? msg : "no message");
	json_decref(j);
	int rc = status == 401 || status == 403 ? SH_EPERM
		 : status == 404		 ? SH_ENOTFOUND
		 : status == 409		 ? SH_EBADSIG
		 : status == 400		 ? SH_EINVAL
						 : SH_EIO;
	return c->province ? sh_error_set(rc, "the province answered %ld to %s: %s", status, path, m)
			   : sh_error_set(rc, "the office answered %ld to %s: %s", status, path, m);
}

/* curl_global_init is not thread-safe: once per process (the office
 * server's threads attach through the province at the same time). */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int rconn_open(rconn *c, const sh_repl_options *o)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	snprintf(c->blobs, sizeof c->blobs, "/api/v1/replica/blobs/");
	if (!o->url || strncmp(o->url, "http", 4))
		return sh_error_set(SH_EINVAL, "--from: the office server's URL, http(s)://HOST:PORT");
	if (!o->token || strlen(o->token) != 64 || strspn(o->token, "0123456789abcdef") != 64)
		return sh_error_set(SH_EINVAL, "a replication token is 64 lower-case hex digits "
					       "(sohoa station add NAME --replicate at the office)");
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK || !(c->curl = curl_easy_init()))
		return SH_ENOMEM;
	char h[100];
	snprintf(h, sizeof h, "Authorization: Bearer %s", o->token);
	struct curl_slist *l = curl_slist_append(NULL, h);
	memset(h, 0, sizeof h);
	if (!l)
		return SH_ENOMEM;
	c->hdr = l;
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->hdr);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 60L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (o->cacert)
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, o->cacert);
	return SH_OK;
}

static void rconn_close(rconn *c)
{
	if (c->curl)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->hdr);
	sh_buf_free(&c->body);
}

/* What one paper of the page needs besides its form: images, the facts
 * from its manifest as JSON and as a list. */
typedef struct rpaper {
	sh_wh_import_paper ip;
	sh_wh_page_in *pages;
	uint8_t **images;    /* npages each, fetched */
	uint8_t **originals; /* npages each, NULL for a page without an original */
	size_t npages;
	sh_sign_manifest *m;
	sh_sign_fact *facts;
	char *facts_json;
	char key_id[SH_SIGN_KEYID_HEX + 1];
	char msha[2 * SH_SHA256_LEN + 1];
} rpaper;

static void rpaper_clear(rpaper *p)
{
	for (size_t j = 0; j < p->npages; j++) {
		if (p->images)
			sh_free(p->images[j]);
		if (p->originals)
			sh_free(p->originals[j]);
	}
	sh_free(p->images);
	sh_free(p->originals);
	sh_free(p->pages);
	sh_free(p->facts);
	sh_free(p->facts_json);
	sh_sign_manifest_free(&p->m);
}

static int fetch_blob(rconn *c, sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
		      size_t *len, sh_repl_stats *st)
{
	if (sh_store_blob_get(s, sha, out, len) == SH_OK) {
		st->blobs_local++;
		return SH_OK;
	}
	char hex[2 * SH_SHA256_LEN + 1];
	sh_hex(hex, sha, SH_SHA256_LEN);
	char path[256];
	snprintf(path, sizeof path, "%s%s", c->blobs, hex);
	int rc = rget(c, path);
	if (rc)
		return rc;
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, c->body.data, c->body.len);
	if (memcmp(h, sha, SH_SHA256_LEN))
		return c->province ? sh_error_set(SH_EBADSIG, "the province sent blob %.16s with other "
								  "bytes",
						  hex)
				   : sh_error_set(SH_EBADSIG, "the office sent blob %.16s with other bytes",
						  hex);
	*out = c->body.data; /* taken */
	*len = c->body.len;
	c->body = (sh_buf){NULL, 0, 0};
	st->blobs_fetched++;
	return SH_OK;
}

static int rpaper_make(rpaper *p, rconn *c, sh_store *s, const sh_repl_entry *e,
		       sh_repl_stats *st)
{
	const sh_repl_paper *rp = e->paper;
	int rc = sh_sign_manifest_read(&p->m, e->doc, e->len);
	if (rc)
		return sh_error_wrap(rc, "entry %llu: ", (unsigned long long)e->index);
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, e->doc, e->len);
	sh_hex(p->msha, h, SH_SHA256_LEN);
	snprintf(p->key_id, sizeof p->key_id, "%s", p->m->key_id);
	if (rp->npages != p->m->npages)
		return sh_error_set(SH_EBADSIG, "paper %s as sent is not the one signed", p->m->code);
	p->pages = sh_calloc(rp->npages, sizeof *p->pages);
	p->images = sh_calloc(rp->npages, sizeof *p->images);
	p->npages = rp->npages;
	p->originals = sh_calloc(rp->npages, sizeof *p->originals);
	p->facts = sh_calloc(p->m->nfacts ? p->m->nfacts : 1, sizeof *p->facts);
	if (!p->pages || !p->images || !p->originals || !p->facts)
		return SH_ENOMEM;
	for (size_t j = 0; j < rp->npages && !rc; j++) {
		const sh_repl_page_in *g = &rp->pages[j];
		sh_wh_page_in *pg = &p->pages[j];
		if (memcmp(g->sha, p->m->pages[j].image, SH_SHA256_LEN))
			return sh_error_set(SH_EBADSIG, "paper %s as sent is not the one signed",
					    p->m->code);
		if (g->has_original != p->m->pages[j].has_original ||
		    (g->has_original &&
		     memcmp(g->original_sha, p->m->pages[j].original, SH_SHA256_LEN)))
			return sh_error_set(SH_EBADSIG, "paper %s as sent is not the one signed",
					    p->m->code);
		rc = fetch_blob(c, s, g->sha, &p->images[j], &pg->image_len, st);
		pg->image = p->images[j];
		if (!rc && g->has_original) {
			rc = fetch_blob(c, s, g->original_sha, &p->originals[j], &pg->original_len,
					st);
			pg->original = p->originals[j];
			pg->original_mime = g->original_mime;
		}
		pg->mime = g->mime;
		pg->text = g->text;
		pg->width = g->width;
		pg->height = g->height;
		pg->dpi = g->dpi;
		pg->rotation = g->rotation;
		pg->confidence = g->confidence;
		pg->flags = g->flags;
	}
	if (rc)
		return rc;
	json_t *fo = json_object();
	for (size_t i = 0; i < p->m->nfacts; i++) {
		p->facts[i] = p->m->facts[i];
		json_object_set_new(fo, p->m->facts[i].name, json_string(p->m->facts[i].value));
	}
	p->facts_json = p->m->nfacts ? json_dumps(fo, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(fo);
	if (p->m->nfacts && !p->facts_json)
		return SH_ENOMEM;
	p->ip.in.file = rp->file;
	p->ip.in.kind = p->m->kind;
	p->ip.in.facts = p->facts_json;
	p->ip.in.fact_list = p->facts;
	p->ip.in.nfacts = p->m->nfacts;
	p->ip.in.flags = rp->flags & ~(unsigned)(SH_WH_PAPER_IMPORTED | SH_WH_PAPER_RESULT);
	p->ip.in.npages = rp->npages;
	p->ip.in.pages = p->pages;
	p->ip.code = p->m->code;
	p->ip.dossier = rp->dossier;
	p->ip.agency = rp->agency;
	p->ip.owner = p->m->owner;
	p->ip.procedure = rp->procedure;
	p->ip.received = rp->received;
	p->ip.created = rp->created ? rp->created : p->m->time;
	p->ip.result = !strcmp(p->m->type, "result");
	p->ip.source_key = p->key_id;
	p->ip.source_manifest_sha256 = p->msha;
	return SH_OK;
}

/* One page: papers made, then checked and replayed by the warehouse. */
static int apply_page(rconn *c, sh_store *s, const sh_sign_key *key, const sh_repl_page *pg,
		      sh_repl_stats *st)
{
	rpaper *papers = sh_calloc(pg->n ? pg->n : 1, sizeof *papers);
	sh_wh_replica_entry *en = sh_calloc(pg->n ? pg->n : 1, sizeof *en);
	int rc = papers && en ? SH_OK : SH_ENOMEM;
	for (size_t i = 0; i < pg->n && !rc; i++) {
		en[i].doc = pg->entries[i].doc;
		en[i].len = pg->entries[i].len;
		if (pg->entries[i].paper &&
		    !(rc = rpaper_make(&papers[i], c, s, &pg->entries[i], st)))
			en[i].paper = &papers[i].ip;
	}
	sh_wh_replica_batch b = {pg->agency, pg->checkpoint, pg->checkpoint_len,
				 (const uint8_t(*)[SH_SHA256_LEN])pg->proof, pg->nproof,
				 pg->from, en, pg->n};
	sh_wh_replica_stats ws;
	if (!rc && !(rc = sh_wh_replica_apply(s, key, &b, &ws))) {
		st->pages++;
		st->entries += ws.entries;
		st->papers += ws.papers;
		st->existing += ws.existing;
		st->size = ws.size;
	}
	for (size_t i = 0; papers && i < pg->n; i++)
		rpaper_clear(&papers[i]);
	sh_free(papers);
	sh_free(en);
	return rc;
}

/* The witness policy of the office: when the province requires witnesses
 * (sh_wh_office_witnesses), the office's latest witnessed note must carry
 * a valid cosignature of each; *on = 1 and its size and root are the most
 * the replica may accept. The note's text in *note (caller sh_free). */
typedef struct wlimit {
	int on;
	uint64_t size;
	uint8_t root[SH_SHA256_LEN];
	char *note;
} wlimit;

static int witness_limit(rconn *c, sh_store *s, const char *agency, wlimit *w)
{
	char **vk = NULL;
	size_t nv = 0;
	memset(w, 0, sizeof *w);
	int rc = sh_wh_office_witnesses(s, agency, &vk, &nv);
	if (rc || !nv)
		return rc;
	w->on = 1;
	json_t *j = NULL;
	const char *note = NULL;
	sh_wit_note n;
	if (!(rc = rget(c, "/api/v1/replica/checkpoint"))) {
		j = json_loadb((const char *)c->body.data, c->body.len, 0, NULL);
		note = json_string_value(json_object_get(j, "witnessed"));
	}
	char origin[SH_SIGN_AGENCY_MAX + 8];
	snprintf(origin, sizeof origin, "sohoa/%s", agency);
	if (!rc && (!note || sh_wit_note_parse(&n, note, strlen(note)) || strcmp(n.origin, origin)))
		rc = sh_error_set(SH_EBUSY, "office %s has no checkpoint cosigned by its witnesses: "
					    "nothing is replayed until it has (sohoa checkpoint at the "
					    "office)",
				  agency);
	for (size_t i = 0; i < nv && !rc; i++) {
		sh_wit_vkey k;
		if (sh_wit_vkey_parse(&k, vk[i], strlen(vk[i])) ||
		    sh_wit_note_verify(&n, note, &k, NULL))
			rc = sh_error_set(SH_EBUSY, "office %s: its latest witnessed checkpoint is not "
						    "cosigned by witness %.60s: nothing is replayed",
					  agency, vk[i]);
	}
	if (!rc) {
		w->size = n.size;
		memcpy(w->root, n.root, SH_SHA256_LEN);
		if (!(w->note = sh_strdup(note)))
			rc = SH_ENOMEM;
	}
	json_decref(j);
	for (size_t i = 0; i < nv; i++)
		sh_free(vk[i]);
	sh_free(vk);
	return rc;
}

/* Under a witness policy: the page's checkpoint (size, root as it states
 * them; its signature is checked when applied) must be consistent with the
 * witnessed one: else the office showed the province another log than its
 * witnesses cosigned, a fork. */
static int witness_check(rconn *c, sh_store *s, const sh_repl_page *pg, const wlimit *w)
{
	const char *r = strstr((const char *)pg->checkpoint, "\nroot: ");
	uint8_t root[SH_SHA256_LEN], path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
	size_t np = 0;
	char hex[2 * SH_SHA256_LEN + 1] = "";
	if (r)
		snprintf(hex, sizeof hex, "%s", r + 7);
	if (!r || strlen(hex) != 2 * SH_SHA256_LEN || sh_unhex(root, hex, SH_SHA256_LEN))
		return sh_error_set(SH_EINVAL, "the office sent a malformed page: %s", "checkpoint");
	int rc = SH_OK;
	if (pg->size < w->size) {
		char p[128];
		snprintf(p, sizeof p, "/api/v1/replica/consistency?old=%llu&new=%llu",
			 (unsigned long long)pg->size, (unsigned long long)w->size);
		json_t *j = NULL, *a = NULL;
		if ((rc = rget(c, p)))
			return rc;
		j = json_loadb((const char *)c->body.data, c->body.len, 0, NULL);
		a = json_object_get(j, "proof");
		np = json_is_array(a) ? json_array_size(a) : SH_LOG_PROOF_MAX + 1;
		for (size_t i = 0; i < np && np <= SH_LOG_PROOF_MAX; i++) {
			const char *h = json_string_value(json_array_get(a, i));
			if (!h || strlen(h) != 64 || sh_unhex(path[i], h, SH_SHA256_LEN))
				np = SH_LOG_PROOF_MAX + 1;
		}
		json_decref(j);
	}
	if (np > SH_LOG_PROOF_MAX ||
	    sh_log_consistency_verify(pg->size, root, w->size, w->root,
				      (const uint8_t(*)[SH_SHA256_LEN])path, np))
		rc = sh_wh_office_fork(s, pg->agency, "the log it serves is not the one its "
						     "witnesses cosigned",
				       w->note);
	return rc;
}

int sh_repl_pull(sh_store *s, const sh_sign_key *key, const sh_repl_options *o,
		 sh_repl_stats *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_IMPORT);
	if (rc)
		return rc;
	rconn c;
	if ((rc = rconn_open(&c, o))) {
		rconn_close(&c);
		return rc;
	}
	/* whose log: the office names its agency with its keys */
	json_t *j = NULL;
	if (!(rc = rget(&c, "/api/v1/replica/keys"))) {
		j = json_loadb((const char *)c.body.data, c.body.len, 0, NULL);
		const char *ag = json_string_value(json_object_get(j, "agency"));
		if (!ag || sh_id_agency_check(ag) || strlen(ag) > SH_SIGN_AGENCY_MAX)
			rc = sh_error_set(SH_EINVAL, "the office at %s names no agency", o->url);
		else
			snprintf(out->agency, sizeof out->agency, "%s", ag);
	}
	json_decref(j);
	sh_wh_office off;
	if (!rc)
		rc = sh_wh_office_get(s, out->agency, &off);
	if (!rc && off.forked)
		rc = sh_error_set(SH_EBADSIG, "office %s is marked as forked: nothing more is "
					      "replayed (sohoa office show %s)",
				  out->agency, out->agency);
	uint64_t pos = rc ? 0 : off.size;
	out->size = pos;
	wlimit w = {0};
	if (!rc)
		rc = witness_limit(&c, s, out->agency, &w);
	for (int more = !w.on || pos < w.size; !rc && more;) {
		char path[96];
		size_t lim = o->limit ? o->limit : 100;
		if (w.on && lim > w.size - pos)
			lim = (size_t)(w.size - pos); /* never past what the witnesses cosigned */
		snprintf(path, sizeof path, "/api/v1/replica/entries?from=%llu&limit=%zu",
			 (unsigned long long)pos, lim);
		sh_repl_page *pg = NULL;
		if ((rc = rget(&c, path)) && c.status == 409) {
			/* the office's log is shorter than what it signed before */
			char *ev = sh_strdup(sh_error_message());
			rc = sh_wh_office_fork(s, out->agency, "its log is shorter than the replica's "
							      "(rolled back)",
					       ev);
			sh_free(ev);
		}
		if (rc || (rc = sh_repl_page_parse(&pg, (const char *)c.body.data, c.body.len)))
			break;
		out->log_size = pg->log_size;
		if (strcmp(pg->agency, out->agency) || pg->from != pos)
			rc = sh_error_set(SH_EINVAL, "the office at %s sent a page of another log",
					  o->url);
		else if (w.on && pg->size > w.size)
			more = 0; /* the office's next checkpoint is past the witnessed one */
		else if ((pg->n || (pos && pg->size == pos)) &&
			 (!w.on || !(rc = witness_check(&c, s, pg, &w))))
			rc = apply_page(&c, s, key, pg, out);
		if (w.on && !rc && pg->size > w.size) {
			sh_repl_page_free(&pg);
			break;
		}
		if (!rc && pg->n && o->progress)
			o->progress(o->arg, out);
		if (!rc) {
			pos = out->size > pos ? out->size : pos;
			more = pg->n && pos < pg->log_size && (!w.on || pos < w.size);
		}
		sh_repl_page_free(&pg);
	}
	sh_free(w.note);
	rconn_close(&c);
	return rc;
}

/* ---- reuse across offices: the office asks the province ------------------- */

static int remote_attach(rconn *c, sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat,
			 const char *dossier, const char *code, const char *op, int64_t when,
			 uint64_t *out_index)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/replica/papers/%s", code);
	int rc = rget(c, path);
	sh_repl_remote *r = NULL;
	if (rc || (rc = sh_repl_remote_parse(&r, (const char *)c->body.data, c->body.len)))
		return rc;
	if (strcmp(r->code, code)) {
		rc = sh_error_set(SH_EBADSIG, "the province answered for paper %.40s, not %s",
				  r->code, code);
		goto out;
	}
	rpaper p;
	memset(&p, 0, sizeof p);
	sh_repl_stats st;
	memset(&st, 0, sizeof st);
	snprintf(c->blobs, sizeof c->blobs, "/api/v1/replica/papers/%s/blobs/", code);
	sh_wh_remote_paper wr = {r->agency, r->status, r->reason, r->entry.index, r->size,
				 r->entry.doc, r->entry.len, r->checkpoint, r->checkpoint_len,
				 (const uint8_t(*)[SH_SHA256_LEN])r->proof, r->nproof, NULL};
	sh_wh_import_paper refused = {.code = r->code};
	if (!strcmp(r->status, "valid")) {
		if (!(rc = rpaper_make(&p, c, s, &r->entry, &st)))
			wr.paper = &p.ip;
	} else {
		wr.paper = &refused;
	}
	if (!rc)
		rc = sh_wh_attach_remote(s, key, cat, &wr, dossier, op, when, out_index);
	rpaper_clear(&p);
out:
	sh_repl_remote_free(&r);
	return rc;
}

int sh_repl_attach(sh_store *s, const sh_sign_key *key, const sh_wh_proc_cat *cat,
		   const sh_repl_options *province, const char *dossier, const char *code,
		   const char *operator_id, int64_t when, uint64_t *out_index)
{
	sh_store_paper_rec *p = NULL;
	int here = sh_store_paper_get(s, code, &p) == SH_OK;
	sh_store_paper_rec_free(&p);
	if (here || !province || !province->url)
		return sh_wh_attach(s, key, cat, dossier, code, operator_id, when, out_index);
	/* nobody without the clerk's permission makes the province answer */
	int rc = sh_wh_may(s, SH_WH_PERM_ATTACH);
	if (rc)
		return rc;
	sh_store_dossier_rec *d = NULL;
	if ((rc = sh_store_dossier_get(s, dossier, &d)))
		return rc == SH_ENOTFOUND ? sh_error_set(rc, "no dossier has the code %s", dossier)
					  : rc;
	sh_store_dossier_rec_free(&d);
	rconn c;
	if (!province->token || strlen(province->token) != 64 ||
	    strspn(province->token, "0123456789abcdef") != 64)
		return sh_error_set(SH_EINVAL, "the province's token is 64 lower-case hex digits "
					       "(sohoa station add NAME --office AGENCY at the "
					       "province)");
	if ((rc = rconn_open(&c, province)) == SH_OK) {
		c.province = 1;
		rc = remote_attach(&c, s, key, cat, dossier, code, operator_id, when, out_index);
	}
	rconn_close(&c);
	return rc;
}
