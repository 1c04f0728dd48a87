/* The page of an office's log as the province receives it (sh_repl.h):
 * network input, so every field is checked before anything is used. What
 * the fields mean is checked later against the office's signatures
 * (sh_wh_replica_apply); here only their form. */
#include "sh_repl.h"

#include <jansson.h>
#include <string.h>

static int bad(const char *what)
{
	return sh_error_set(SH_EINVAL, "the office sent a malformed page: %s", what);
}

/* A string field as a new C string (no NUL inside; max bytes), or NULL. */
static char *str_of(json_t *o, const char *k, size_t max)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_string(v))
		return NULL;
	size_t l = json_string_length(v);
	const char *s = json_string_value(v);
	if (l > max || memchr(s, 0, l))
		return NULL;
	return sh_strndup(s, l);
}

static int u64_of(json_t *o, const char *k, uint64_t *out)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return 0;
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

static long long int_of(json_t *o, const char *k, long long min, long long max, int *ok)
{
	json_t *v = json_object_get(o, k);
	if (!v) /* optional: 0 */
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		*ok = 0;
		return 0;
	}
	return (long long)json_integer_value(v);
}

static int sha_of(json_t *v, uint8_t out[SH_SHA256_LEN])
{
	return json_is_string(v) && json_string_length(v) == 2 * SH_SHA256_LEN &&
	       !sh_unhex(out, json_string_value(v), SH_SHA256_LEN);
}

static void paper_free(sh_repl_paper *p)
{
	if (!p)
		return;
	for (size_t j = 0; p->pages && j < p->npages; j++) {
		sh_free(p->pages[j].mime);
		sh_free(p->pages[j].text);
		sh_free(p->pages[j].original_mime);
	}
	sh_free(p->pages);
	sh_free(p->dossier);
	sh_free(p->agency);
	sh_free(p->procedure);
	sh_free(p->file);
	sh_free(p);
}

static int mime_ok(const char *m)
{
	return m && (!strcmp(m, "image/png") || !strcmp(m, "image/jpeg") || !strcmp(m, "image/tiff"));
}

static int paper_parse(json_t *o, sh_repl_paper **out)
{
	sh_repl_paper *p = sh_calloc(1, sizeof *p);
	if (!p)
		return SH_ENOMEM;
	int ok = 1, rc = SH_OK;
	p->dossier = str_of(o, "dossier", 64);
	p->agency = str_of(o, "agency", 64);
	p->procedure = str_of(o, "procedure", 64);
	if (json_object_get(o, "file") && !(p->file = str_of(o, "file", 4096)))
		ok = 0;
	p->received = int_of(o, "received", 0, INT64_MAX / 2, &ok);
	p->created = int_of(o, "created", 0, INT64_MAX / 2, &ok);
	p->flags = (unsigned)int_of(o, "flags", 0, 0xffff, &ok);
	json_t *pages = json_object_get(o, "pages");
	if (!ok || !p->dossier || !p->agency || !p->procedure || !json_is_array(pages) ||
	    !json_array_size(pages) || json_array_size(pages) > SH_SIGN_PAGES_MAX) {
		paper_free(p);
		return bad("a paper's dossier, agency, procedure or pages");
	}
	p->npages = json_array_size(pages);
	if (!(p->pages = sh_calloc(p->npages, sizeof *p->pages))) {
		paper_free(p);
		return SH_ENOMEM;
	}
	for (size_t j = 0; j < p->npages && !rc; j++) {
		json_t *g = json_array_get(pages, j);
		sh_repl_page_in *pg = &p->pages[j];
		json_t *c = json_object_get(g, "confidence");
		if (!json_is_object(g) || !sha_of(json_object_get(g, "sha256"), pg->sha) ||
		    !(pg->mime = str_of(g, "mime", 32)) || !mime_ok(pg->mime) ||
		    !(pg->text = str_of(g, "text", 16u << 20)) ||
		    !sh_text_valid(pg->text, strlen(pg->text)) || (c && !json_is_number(c))) {
			rc = bad("a page's sha256, mime or text");
			break;
		}
		pg->width = (int)int_of(g, "width", 0, 1 << 20, &ok);
		pg->height = (int)int_of(g, "height", 0, 1 << 20, &ok);
		pg->dpi = (int)int_of(g, "dpi", 0, 1 << 16, &ok);
		pg->rotation = (int)int_of(g, "rotation", -360, 360, &ok);
		pg->flags = (unsigned)int_of(g, "flags", 0, 0xffff, &ok);
		double cf = c ? json_number_value(c) : 0;
		pg->confidence = cf >= 0 && cf <= 100 ? (float)cf : 0;
		json_t *og = json_object_get(g, "original");
		if (ok && og) { /* a photo's original: its hash and type, both or none */
			if (!json_is_object(og) ||
			    !sha_of(json_object_get(og, "sha256"), pg->original_sha) ||
			    !(pg->original_mime = str_of(og, "mime", 32)) ||
			    !mime_ok(pg->original_mime)) {
				rc = bad("a page's original");
				break;
			}
			pg->has_original = 1;
		}
		if (!ok)
			rc = bad("a page's size, resolution or flags");
	}
	if (rc)
		paper_free(p);
	else
		*out = p;
	return rc;
}

void sh_repl_page_free(sh_repl_page **page)
{
	sh_repl_page *p = page ? *page : NULL;
	if (!p)
		return;
	for (size_t i = 0; p->entries && i < p->n; i++) {
		sh_free(p->entries[i].doc);
		paper_free(p->entries[i].paper);
	}
	sh_free(p->entries);
	sh_free(p->proof);
	sh_free(p->checkpoint);
	sh_free(p->agency);
	sh_free(p);
	*page = NULL;
}

static int page_fill(sh_repl_page *p, json_t *top)
{
	json_t *cp = json_object_get(top, "checkpoint"), *proof = json_object_get(top, "proof"),
	       *entries = json_object_get(top, "entries");
	if (!(p->agency = str_of(top, "agency", SH_SIGN_AGENCY_MAX)) ||
	    sh_id_agency_check(p->agency))
		return bad("the agency");
	if (!u64_of(top, "from", &p->from) || !u64_of(top, "size", &p->size) ||
	    !u64_of(top, "log_size", &p->log_size) || p->size > p->log_size ||
	    (p->size && p->from > p->size))
		return bad("from, size, log_size");
	if (!json_is_string(cp) || (!json_string_length(cp) && p->log_size) ||
	    json_string_length(cp) > 65536)
		return bad("the checkpoint");
	p->checkpoint_len = json_string_length(cp);
	if (!(p->checkpoint = sh_malloc(p->checkpoint_len + 1)))
		return SH_ENOMEM;
	memcpy(p->checkpoint, json_string_value(cp), p->checkpoint_len + 1);
	if (!json_is_array(proof) || json_array_size(proof) > SH_LOG_PROOF_MAX)
		return bad("the proof");
	p->nproof = json_array_size(proof);
	if (!(p->proof = sh_calloc(p->nproof ? p->nproof : 1, sizeof *p->proof)))
		return SH_ENOMEM;
	for (size_t i = 0; i < p->nproof; i++)
		if (!sha_of(json_array_get(proof, i), p->proof[i]))
			return bad("a proof hash");
	if (!json_is_array(entries) || json_array_size(entries) > SH_REPL_ENTRIES_MAX ||
	    (p->size && json_array_size(entries) != p->size - p->from) ||
	    (!p->size && json_array_size(entries)))
		return bad("the entries do not lead from `from` to `size`");
	size_t n = json_array_size(entries);
	if (!(p->entries = sh_calloc(n ? n : 1, sizeof *p->entries)))
		return SH_ENOMEM;
	for (size_t i = 0; i < n; i++, p->n++) {
		json_t *e = json_array_get(entries, i), *doc = json_object_get(e, "doc"),
		       *paper = json_object_get(e, "paper");
		sh_repl_entry *en = &p->entries[i];
		if (!json_is_object(e) || !u64_of(e, "index", &en->index) ||
		    en->index != p->from + i || !json_is_string(doc) || !json_string_length(doc) ||
		    json_string_length(doc) > (1u << 20))
			return bad("an entry's index or document");
		en->len = json_string_length(doc);
		if (!(en->doc = sh_malloc(en->len)))
			return SH_ENOMEM;
		memcpy(en->doc, json_string_value(doc), en->len);
		if (paper) {
			int rc = json_is_object(paper) ? paper_parse(paper, &en->paper)
						       : bad("an entry's paper");
			if (rc) {
				p->n++; /* its doc is freed with the page */
				return rc;
			}
		}
	}
	return SH_OK;
}

int sh_repl_page_parse(sh_repl_page **out, const char *json, size_t len)
{
	*out = NULL;
	if (!json || len > SH_REPL_BODY_MAX)
		return bad("too large");
	json_error_t je;
	json_t *top = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(top)) {
		json_decref(top);
		return bad("not a JSON object");
	}
	sh_repl_page *p = sh_calloc(1, sizeof *p);
	int rc = p ? page_fill(p, top) : SH_ENOMEM;
	json_decref(top);
	if (rc)
		sh_repl_page_free(&p);
	*out = p;
	return rc;
}

/* ---- a province's answer for one paper (sh_repl_remote_parse) ------------- */

void sh_repl_remote_free(sh_repl_remote **r)
{
	sh_repl_remote *p = r ? *r : NULL;
	if (!p)
		return;
	sh_free(p->code);
	sh_free(p->agency);
	sh_free(p->status);
	sh_free(p->reason);
	sh_free(p->checkpoint);
	sh_free(p->proof);
	sh_free(p->entry.doc);
	paper_free(p->entry.paper);
	sh_free(p);
	*r = NULL;
}

static int remote_fill(sh_repl_remote *p, json_t *top)
{
	if (!(p->code = str_of(top, "code", SH_STORE_CODE_MAX)) ||
	    !(p->agency = str_of(top, "agency", SH_SIGN_AGENCY_MAX)) ||
	    sh_id_agency_check(p->agency) || !(p->status = str_of(top, "status", 16)) ||
	    !(p->reason = str_of(top, "reason", 512)) || !sh_text_valid(p->reason, strlen(p->reason)))
		return bad("code, agency, status or reason");
	if (strcmp(p->status, "valid"))
		return SH_OK; /* refused by the caller: nothing more is read */
	json_t *cp = json_object_get(top, "checkpoint"), *proof = json_object_get(top, "proof"),
	       *e = json_object_get(top, "entry"), *doc = json_object_get(e, "doc"),
	       *paper = json_object_get(e, "paper");
	uint64_t ei = 0;
	if (!u64_of(top, "size", &p->size) || !u64_of(top, "index", &p->entry.index) ||
	    p->entry.index >= p->size || !json_is_object(e) || !u64_of(e, "index", &ei) ||
	    ei != p->entry.index)
		return bad("index, size");
	if (!json_is_string(cp) || !json_string_length(cp) || json_string_length(cp) > 65536)
		return bad("the checkpoint");
	p->checkpoint_len = json_string_length(cp);
	if (!(p->checkpoint = sh_malloc(p->checkpoint_len + 1)))
		return SH_ENOMEM;
	memcpy(p->checkpoint, json_string_value(cp), p->checkpoint_len + 1);
	if (!json_is_array(proof) || json_array_size(proof) > SH_LOG_PROOF_MAX)
		return bad("the proof");
	p->nproof = json_array_size(proof);
	if (!(p->proof = sh_calloc(p->nproof ? p->nproof : 1, sizeof *p->proof)))
		return SH_ENOMEM;
	for (size_t i = 0; i < p->nproof; i++)
		if (!sha_of(json_array_get(proof, i), p->proof[i]))
			return bad("a proof hash");
	if (!json_is_string(doc) || !json_string_length(doc) || json_string_length(doc) > (1u << 20))
		return bad("the entry's document");
	p->entry.len = json_string_length(doc);
	if (!(p->entry.doc = sh_malloc(p->entry.len)))
		return SH_ENOMEM;
	memcpy(p->entry.doc, json_string_value(doc), p->entry.len);
	return json_is_object(paper) ? paper_parse(paper, &p->entry.paper) : bad("the paper");
}

int sh_repl_remote_parse(sh_repl_remote **out, const char *json, size_t len)
{
	*out = NULL;
	if (!json || len > SH_REPL_BODY_MAX)
		return bad("too large");
	json_error_t je;
	json_t *top = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(top)) {
		json_decref(top);
		return bad("not a JSON object");
	}
	sh_repl_remote *p = sh_calloc(1, sizeof *p);
	int rc = p ? remote_fill(p, top) : SH_ENOMEM;
	json_decref(top);
	if (rc)
		sh_repl_remote_free(&p);
	*out = p;
	return rc;
}
