/* Staged capture over the network (docs/SERVER.md "Batches"): the desk page
 * and remote capture stations create a batch in the warehouse's batches
 * folder (sh_recv_batch_new), upload pages into it, review them (rotate,
 * move, split, delete, kind) and commit it as a dossier (sh_recv_store).
 * Batches live on the server, so a page reload loses nothing. Each batch
 * belongs to the account that created it (the file "operator" in its
 * folder): others get 404. One batch handle is open at a time (batch_mu):
 * a batch's lock is per process. */
#define _GNU_SOURCE
#include "srv_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh_recv.h"
#include "sh_scan.h"

static pthread_mutex_t batch_mu = PTHREAD_MUTEX_INITIALIZER;

#define THUMB_W 240

static int name_ok(const char *n)
{
	size_t l = strlen(n);
	return l >= 2 && l <= 32 && n[0] == 'B' &&
	       strspn(n + 1, "0123456789-") == l - 1;
}

static char *side_path(srv_ctx *c, const char *name, const char *file)
{
	return sh_asprintf("%s/batches/%s/%s", sh_store_dir(c->srv->s), name, file);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return sh_strdup(buf);
}

static int put_file(const char *path, const char *text)
{
	char *tmp = sh_asprintf("%s.tmp", path);
	if (!tmp)
		return SH_ENOMEM;
	FILE *f = fopen(tmp, "wb");
	int ok = f && fputs(text, f) >= 0;
	if (f && fclose(f))
		ok = 0;
	if (ok && rename(tmp, path))
		ok = 0;
	if (!ok)
		unlink(tmp);
	sh_free(tmp);
	return ok ? SH_OK : sh_error_set(SH_EIO, "cannot write %s", path);
}

/* Open batch c->param[0] of the logged-in account; 0 with the error written. */
static int open_mine(srv_ctx *c, sh_scan_batch **b)
{
	*b = NULL;
	const char *name = c->param[0];
	if (!name_ok(name))
		return srv_error(c, 400, "a batch name is B<YYMMDD>-<n>"), 0;
	char *op_path = side_path(c, name, "operator");
	char *op = op_path ? slurp(op_path) : NULL;
	sh_free(op_path);
	int mine = op && !strcmp(op, c->user);
	sh_free(op);
	if (!mine)
		return srv_error(c, 404, "no batch %s of yours", name), 0;
	int rc = sh_recv_batch_open(b, sh_store_dir(c->srv->s), name);
	if (rc)
		return srv_fail(c, rc), 0;
	return 1;
}

static json_t *flag_names(unsigned f)
{
	json_t *a = json_array();
	static const struct { unsigned bit; const char *name; } names[] = {
		{SH_PAGE_BLANK, "blank"}, {SH_PAGE_RESCAN, "rescan"}, {SH_PAGE_ROTATED, "rotated"},
		{SH_PAGE_DESKEWED, "deskewed"}, {SH_PAGE_SEAL, "seal"}, {SH_PAGE_LOWRES, "lowres"},
		{SH_PAGE_BORDER, "border"}, {SH_PAGE_BILEVEL, "bilevel"}, {SH_PAGE_PHOTO, "photo"},
		{SH_PAGE_SPLIT, "split"}};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (f & names[i].bit)
			json_array_append_new(a, json_string(names[i].name));
	return a;
}

/* The batch as JSON: its pages and papers, with what the last reading
 * found (read.json, written after each upload). */
static json_t *batch_json(srv_ctx *c, sh_scan_batch *b)
{
	const char *name = sh_scan_batch_id(b);
	char *rp = side_path(c, name, "read.json");
	char *rt = rp ? slurp(rp) : NULL;
	sh_free(rp);
	json_t *read = rt ? json_loads(rt, 0, NULL) : NULL;
	sh_free(rt);
	json_t *rpages = json_object_get(read, "pages");
	json_t *pages = json_array();
	size_t n = sh_scan_batch_count(b);
	for (size_t i = 0; i < n; i++) {
		sh_scan_page p;
		if (sh_scan_batch_page(b, i, &p))
			continue;
		char id[16], url[128];
		snprintf(id, sizeof id, "%u", p.id);
		snprintf(url, sizeof url, "/api/v1/batches/%s/pages/%u?w=%d", name, p.id, THUMB_W);
		json_t *rpg = json_object_get(rpages, id);
		json_t *o = json_pack("{s:I, s:I, s:s, s:i, s:i, s:i, s:i, s:o, s:b, s:b, s:o}",
				      "id", (json_int_t)p.id, "position", (json_int_t)i, "thumbnail", url,
				      "width", p.width, "height", p.height, "dpi", p.dpi, "rotation",
				      p.rotation, "flags", flag_names(p.flags), "blank",
				      !!(p.flags & SH_PAGE_BLANK), "rescan", !!(p.flags & SH_PAGE_RESCAN),
				      "note", srv_str(p.note ? p.note : ""));
		if (rpg)
			json_object_set(o, "text", json_object_get(rpg, "text"));
		json_array_append_new(pages, o);
	}
	json_t *papers = json_array();
	json_t *rpapers = json_object_get(read, "papers");
	size_t k = sh_scan_batch_components(b);
	for (size_t i = 0; i < k; i++) {
		const char *code = NULL;
		const unsigned *ids = NULL;
		size_t m = 0;
		if (sh_scan_batch_component(b, i, &code, &ids, &m))
			continue;
		json_t *a = json_array();
		for (size_t j = 0; j < m; j++)
			json_array_append_new(a, json_integer(ids[j]));
		json_t *o = json_pack("{s:o, s:o}", "kind", srv_str(code ? code : ""), "pages", a);
		/* what the reading found, when it read the same pages */
		json_t *rp2 = json_array_get(rpapers, i);
		if (rp2 && json_equal(json_object_get(rp2, "pages"), a)) {
			const char *keys[] = {"read_kind", "facts",       "confidence", "other_owner",
					      "review",    "handwritten", "as_read"};
			for (size_t q = 0; q < sizeof keys / sizeof *keys; q++)
				if (json_object_get(rp2, keys[q]))
					json_object_set(o, keys[q], json_object_get(rp2, keys[q]));
		}
		json_array_append_new(papers, o);
	}
	const char *dossier = sh_scan_batch_dossier(b);
	json_t *o = json_pack("{s:o, s:o, s:o, s:s, s:o, s:o, s:o}", "batch", srv_str(name), "owner",
			      srv_str(sh_scan_batch_owner(b)), "procedure",
			      srv_str(sh_scan_batch_procedure(b)), "state",
			      sh_scan_state_name(sh_scan_batch_state(b)), "dossier",
			      dossier ? srv_str(dossier) : json_null(), "pages", pages, "papers", papers);
	json_decref(read);
	return o;
}

/* Read every page of the batch through the page pipeline (no storing):
 * record the flags in the batch and what was found in read.json. */
static int read_batch(srv_ctx *c, sh_scan_batch *b)
{
	sh_recv_source src = {.batch = b};
	sh_recv_options o = {.operator_id = c->user, .keep_going = 1, .ocr_nice = c->srv->ocr_nice};
	sh_recv_result *res = NULL;
	int rc = sh_recv_read(&res, &src, &o);
	json_t *pages = json_object(), *papers = json_array();
	for (size_t i = 0; !rc && i < res->npages; i++) {
		const sh_recv_page *p = &res->pages[i];
		rc = sh_scan_batch_annotate(b, p->batch_id, p->flags, p->note[0] ? p->note : NULL, -1);
		char id[16];
		snprintf(id, sizeof id, "%u", p->batch_id);
		json_object_set_new(pages, id, json_pack("{s:o}", "text", srv_str(p->text)));
	}
	for (size_t i = 0; !rc && i < res->npapers; i++) {
		const sh_recv_paper *p = &res->papers[i];
		json_t *ids = json_array();
		for (size_t j = 0; j < p->npages; j++)
			json_array_append_new(ids, json_integer(res->pages[p->first + j].batch_id));
		json_t *o2 = json_pack("{s:o, s:o, s:b, s:b}", "pages", ids, "read_kind",
				       srv_str(p->kind ? p->kind : ""), "other_owner",
				       !!(p->flags & SH_WH_PAPER_OWNER_MISMATCH), "review",
				       !!(p->flags & SH_WH_PAPER_REVIEW));
		char *fj = p->facts ? sh_paper_result_json(p->facts, NULL) : NULL;
		json_t *f = fj ? json_loads(fj, 0, NULL) : NULL;
		sh_free(fj);
		if (f) {
			json_object_set(o2, "facts", json_object_get(f, "fields"));
			json_object_set(o2, "confidence", json_object_get(f, "confidence"));
			/* for the desk: values left out as handwritten, and what OCR
			 * read of a value that was corrected */
			const char *more[] = {"handwritten", "as_read"};
			for (size_t q = 0; q < 2; q++)
				if (json_object_get(f, more[q]))
					json_object_set(o2, more[q], json_object_get(f, more[q]));
			json_decref(f);
		}
		json_array_append_new(papers, o2);
	}
	sh_recv_result_free(&res);
	if (!rc) {
		json_t *all = json_pack("{s:o, s:o}", "pages", pages, "papers", papers);
		char *text = json_dumps(all, JSON_COMPACT);
		json_decref(all);
		char *path = side_path(c, sh_scan_batch_id(b), "read.json");
		rc = text && path ? put_file(path, text) : SH_ENOMEM;
		free(text);
		sh_free(path);
	} else {
		json_decref(pages);
		json_decref(papers);
	}
	return rc;
}

int srv_batch_create(srv_ctx *c)
{
	json_t *body = srv_body_json(c);
	if (!body)
		return 0;
	const char *owner = json_string_value(json_object_get(body, "owner"));
	const char *proc = json_string_value(json_object_get(body, "procedure"));
	if (!owner || !proc) {
		json_decref(body);
		return srv_error(c, 400, "give \"owner\" and \"procedure\"");
	}
	if (sh_id_owner_check(NULL, NULL, owner) || sh_id_procedure_check(proc)) {
		json_decref(body);
		return srv_error(c, 422, "%s", sh_error_message());
	}
	if (sh_wh_proc_find(c->srv->cat, proc, NULL, NULL, NULL)) {
		/* proc points into body: answer before releasing it */
		int r = srv_error(c, 422, "procedure %s is not in the catalogue", proc);
		json_decref(body);
		return r;
	}
	sh_scan_batch *b = NULL;
	pthread_mutex_lock(&batch_mu);
	int rc = sh_recv_batch_new(&b, sh_store_dir(c->srv->s), owner, proc);
	char *op = rc ? NULL : side_path(c, sh_scan_batch_id(b), "operator");
	if (!rc)
		rc = op ? put_file(op, c->user) : SH_ENOMEM;
	json_t *o = rc ? NULL : json_pack("{s:o}", "batch", srv_str(sh_scan_batch_id(b)));
	if (rc && b)
		sh_scan_batch_discard(&b);
	sh_scan_batch_close(&b);
	pthread_mutex_unlock(&batch_mu);
	sh_free(op);
	json_decref(body);
	return rc ? srv_fail(c, rc) : srv_json(c, 201, o);
}

int srv_batch_list(srv_ctx *c)
{
	char *dir = NULL;
	json_t *arr = json_array();
	pthread_mutex_lock(&batch_mu);
	int rc = sh_recv_batches_dir(&dir, sh_store_dir(c->srv->s));
	DIR *d = rc ? NULL : opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!name_ok(e->d_name))
			continue;
		char *opp = side_path(c, e->d_name, "operator");
		char *op = opp ? slurp(opp) : NULL;
		sh_free(opp);
		int mine = op && !strcmp(op, c->user);
		/* a capture station's staged batch: offered to the desk (take) */
		int station = op && !c->station && !strncmp(op, "station:", 8);
		json_t *from = station ? srv_str(op + 8) : NULL;
		sh_free(op);
		sh_scan_batch *b = NULL;
		if ((!mine && !station) || sh_recv_batch_open(&b, sh_store_dir(c->srv->s), e->d_name)) {
			json_decref(from);
			continue;
		}
		if (sh_scan_batch_state(b) != SH_SCAN_STATE_COMMITTED) {
			json_t *o = json_pack("{s:o, s:o, s:o, s:s, s:I}", "batch", srv_str(e->d_name),
					      "owner", srv_str(sh_scan_batch_owner(b)), "procedure",
					      srv_str(sh_scan_batch_procedure(b)), "state",
					      sh_scan_state_name(sh_scan_batch_state(b)), "pages",
					      (json_int_t)sh_scan_batch_count(b));
			json_object_set_new(o, "station", from ? from : json_null());
			from = NULL;
			json_array_append_new(arr, o);
		}
		json_decref(from);
		sh_scan_batch_close(&b);
	}
	if (d)
		closedir(d);
	pthread_mutex_unlock(&batch_mu);
	sh_free(dir);
	if (rc) {
		json_decref(arr);
		return srv_fail(c, rc);
	}
	return srv_json(c, 200, json_pack("{s:o}", "batches", arr));
}

int srv_batch_get(srv_ctx *c)
{
	sh_scan_batch *b = NULL;
	pthread_mutex_lock(&batch_mu);
	json_t *o = open_mine(c, &b) ? batch_json(c, b) : NULL;
	sh_scan_batch_close(&b);
	pthread_mutex_unlock(&batch_mu);
	return o ? srv_json(c, 200, o) : 0;
}

int srv_batch_pages(srv_ctx *c)
{
	const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Content-Type");
	sh_srv_part *parts = NULL;
	size_t n = 0;
	if (sh_srv_multipart_parse(ct, c->r->body.data, c->r->body.len, &parts, &n))
		return srv_error(c, 400, "%s", sh_error_message());
	/* every file is decoded and checked before any page is added */
	sh_scan_file **files = sh_calloc(n ? n : 1, sizeof *files);
	size_t nf = 0;
	int rc = files ? 0 : (srv_error(c, 500, "out of memory"), 1);
	for (size_t i = 0; i < n && !rc; i++) {
		if (strcmp(parts[i].name, "file") || !parts[i].filename) {
			rc = srv_error(c, 400, "unexpected part '%s': send parts named \"file\"",
				       parts[i].name) + 1;
		} else if (!parts[i].len) {
			rc = srv_error(c, 422, "file part %zu is empty", nf + 1) + 1;
		} else if (sh_scan_file_open_mem(&files[nf], parts[i].data, parts[i].len,
						 parts[i].filename)) {
			rc = srv_error(c, 422, "%s", sh_error_message()) + 1;
		} else {
			nf++;
		}
	}
	if (!rc && !nf)
		rc = srv_error(c, 422, "no file part: send the pages as parts named \"file\"") + 1;
	sh_scan_batch *b = NULL;
	json_t *o = NULL;
	pthread_mutex_lock(&batch_mu);
	if (!rc && !open_mine(c, &b))
		rc = 1;
	if (!rc && sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED)
		rc = srv_error(c, 409, "batch %s is already committed", sh_scan_batch_id(b)) + 1;
	for (size_t i = 0; i < nf && !rc; i++)
		for (size_t pg = 0; pg < sh_scan_file_pages(files[i]) && !rc; pg++) {
			PIX *pix = NULL;
			int w, h, dpi = 0;
			int e = sh_scan_file_page_info(files[i], pg, &w, &h, &dpi);
			if (!e)
				e = sh_scan_file_page(files[i], pg, &pix);
			if (!e)
				e = sh_scan_batch_add_pix(b, NULL, pix, SH_SCAN_FILE, 0, dpi, NULL, NULL);
			pixDestroy(&pix);
			if (e)
				rc = srv_fail(c, e) + 1;
		}
	if (!rc) {
		int e = read_batch(c, b);
		if (e)
			rc = srv_fail(c, e) + 1;
	}
	if (!rc)
		o = batch_json(c, b);
	sh_scan_batch_close(&b);
	pthread_mutex_unlock(&batch_mu);
	for (size_t i = 0; i < nf; i++)
		sh_scan_file_free(&files[i]);
	sh_free(files);
	sh_srv_parts_free(&parts, n);
	return o ? srv_json(c, 201, o) : 0;
}

/* A page id or position from a JSON body: 0 with 400 written when absent. */
static int get_uint(srv_ctx *c, json_t *body, const char *key, long long max, long long *out)
{
	json_t *v = json_object_get(body, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return srv_error(c, 400, "give \"%s\": a whole number from 0 to %lld", key, max), 0;
	*out = json_integer_value(v);
	return 1;
}

enum { OP_ROTATE, OP_MOVE, OP_SPLIT, OP_DELETE, OP_KIND };

static int review(srv_ctx *c, int op)
{
	json_t *body = srv_body_json(c);
	if (!body)
		return 0;
	sh_scan_batch *b = NULL;
	long long page = 0, x = 0;
	int rc = 0, done = 0;
	size_t *starts = NULL;
	pthread_mutex_lock(&batch_mu);
	if (!open_mine(c, &b)) {
		done = 1;
	} else if (sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED) {
		done = 1;
		srv_error(c, 409, "batch %s is already committed", sh_scan_batch_id(b));
	} else if (op == OP_ROTATE) {
		json_t *d = json_object_get(body, "degrees");
		if (!get_uint(c, body, "page", 1000000, &page))
			done = 1;
		else if (!json_is_integer(d) || json_integer_value(d) % 90 ||
			 llabs(json_integer_value(d)) > 270)
			done = 1, srv_error(c, 400, "give \"degrees\": -270, -180, -90, 0, 90, 180 or 270");
		else
			rc = sh_scan_batch_rotate(b, (unsigned)page, (int)json_integer_value(d));
	} else if (op == OP_MOVE) {
		if (!get_uint(c, body, "page", 1000000, &page) ||
		    !get_uint(c, body, "position", 1000000, &x))
			done = 1;
		else if ((size_t)x >= sh_scan_batch_count(b))
			done = 1, srv_error(c, 400, "position %lld is past the last page", x);
		else
			rc = sh_scan_batch_move(b, (unsigned)page, (size_t)x);
	} else if (op == OP_DELETE) {
		if (!get_uint(c, body, "page", 1000000, &page))
			done = 1;
		else
			rc = sh_scan_batch_delete(b, (unsigned)page);
	} else if (op == OP_KIND) {
		const char *kind = json_string_value(json_object_get(body, "kind"));
		if (!get_uint(c, body, "paper", 10000, &x) || !kind)
			done = 1, kind ? 0 : srv_error(c, 400, "give \"paper\" and \"kind\"");
		else if ((size_t)x >= sh_scan_batch_components(b))
			done = 1, srv_error(c, 404, "the batch has %zu papers (from 0)",
					    sh_scan_batch_components(b));
		else
			rc = sh_scan_batch_set_code(b, (size_t)x, kind);
	} else { /* OP_SPLIT */
		json_t *p = json_object_get(body, "positions");
		size_t n = json_array_size(p);
		if (!json_is_array(p) || !n || n > SH_SCAN_MAX_PAGES)
			done = 1, srv_error(c, 400, "give \"positions\": where each paper starts, from 0");
		else if (!(starts = sh_calloc(n, sizeof *starts)))
			done = 1, srv_error(c, 500, "out of memory");
		for (size_t i = 0; !done && i < n; i++) {
			json_t *v = json_array_get(p, i);
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > SH_SCAN_MAX_PAGES)
				done = 1, srv_error(c, 400, "positions are whole numbers from 0");
			else
				starts[i] = (size_t)json_integer_value(v);
		}
		if (!done)
			rc = sh_scan_batch_split(b, starts, NULL, n);
	}
	/* the papers changed (or a page turned): read them again, so kind,
	 * facts and flags shown match the papers as they now are */
	if (!done && !rc && op != OP_KIND)
		rc = read_batch(c, b);
	json_t *o = !done && !rc ? batch_json(c, b) : NULL;
	sh_scan_batch_close(&b);
	pthread_mutex_unlock(&batch_mu);
	sh_free(starts);
	json_decref(body);
	if (done)
		return 0;
	if (rc == SH_EINVAL)
		return srv_error(c, 422, "%s", sh_error_message());
	return rc ? srv_fail(c, rc) : srv_json(c, 200, o);
}

int srv_batch_rotate(srv_ctx *c) { return review(c, OP_ROTATE); }
int srv_batch_move(srv_ctx *c) { return review(c, OP_MOVE); }
int srv_batch_split(srv_ctx *c) { return review(c, OP_SPLIT); }
int srv_batch_delete(srv_ctx *c) { return review(c, OP_DELETE); }
int srv_batch_kind(srv_ctx *c) { return review(c, OP_KIND); }

int srv_batch_page(srv_ctx *c)
{
	char *end = NULL;
	unsigned long id = strtoul(c->param[1], &end, 10);
	if (!c->param[1][0] || *end || !id || id > 1000000)
		return srv_error(c, 400, "a page id from 1");
	char *w_s = NULL;
	if (srv_query(c, "w", &w_s))
		return srv_error(c, 400, "%s", sh_error_message());
	long w = w_s ? strtol(w_s, &end, 10) : THUMB_W;
	int bad = w_s && (!w_s[0] || *end || w < SH_SCAN_PREVIEW_MIN || w > SH_SCAN_PREVIEW_MAX);
	sh_free(w_s);
	if (bad)
		return srv_error(c, 400, "?w= takes a width from %d to %d pixels",
				 SH_SCAN_PREVIEW_MIN, SH_SCAN_PREVIEW_MAX);
	sh_scan_batch *b = NULL;
	PIX *pix = NULL;
	l_uint8 *png = NULL;
	size_t len = 0;
	uint8_t *prev = NULL;
	size_t plen = 0;
	int rc = 0;
	pthread_mutex_lock(&batch_mu);
	int ok = open_mine(c, &b);
	if (ok)
		rc = sh_scan_batch_page_pix(b, (unsigned)id, &pix);
	sh_scan_batch_close(&b);
	pthread_mutex_unlock(&batch_mu);
	if (!ok)
		return 0;
	if (!rc && pixWriteMemPng(&png, &len, pix, 0))
		rc = sh_error_set(SH_ENOMEM, "cannot encode the page");
	pixDestroy(&pix);
	if (!rc)
		rc = sh_scan_preview(&prev, &plen, png, len, (int)w);
	free(png);
	return rc ? srv_fail(c, rc) : srv_bytes(c, 200, "image/png", prev, plen);
}

/* Commit: the batch becomes a dossier (sh_recv_store). A second commit
 * answers the same dossier. */
int srv_batch_commit(srv_ctx *c)
{
	if (!c->srv->key)
		return srv_error(c, 503, "the server was started without the office's signing key: "
					 "receiving is not available");
	sh_scan_batch *b = NULL;
	sh_recv_result *res = NULL;
	pthread_mutex_lock(&batch_mu);
	if (!open_mine(c, &b)) {
		pthread_mutex_unlock(&batch_mu);
		return 0;
	}
	int rc = 0, existing = 0;
	char dossier[SH_STORE_CODE_MAX] = "";
	if (sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED) {
		existing = 1;
		snprintf(dossier, sizeof dossier, "%s", sh_scan_batch_dossier(b));
	} else if (!sh_scan_batch_count(b)) {
		rc = sh_error_set(SH_EINVAL, "batch %s has no pages", sh_scan_batch_id(b));
	} else {
		sh_recv_source src = {.batch = b};
		sh_recv_options o = {.operator_id = c->user, .key = c->srv->key, .ocr_nice = c->srv->ocr_nice};
		rc = srv_recv_locked(&res, c->srv->s, &src, &o);
		if (!rc)
			snprintf(dossier, sizeof dossier, "%s", res->dossier);
	}
	sh_scan_batch_close(&b);
	pthread_mutex_unlock(&batch_mu);
	sh_recv_result_free(&res);
	if (rc)
		return srv_fail(c, rc);
	/* the JSON of an upload: {dossier, components:[{code, file, pages}], received} */
	sh_store_dossier_rec *d = NULL;
	rc = sh_store_dossier_get(c->srv->s, dossier, &d);
	if (rc)
		return srv_fail(c, rc);
	json_t *arr = json_array();
	for (size_t i = 0; i < d->npapers; i++) {
		sh_store_paper_rec *p = NULL;
		if (sh_store_paper_get(c->srv->s, d->papers[i], &p))
			continue;
		json_array_append_new(arr, json_pack("{s:o, s:o, s:I}", "code", srv_str(p->code),
						     "file", srv_str(p->file ? p->file : ""), "pages",
						     (json_int_t)p->npages));
		sh_store_paper_rec_free(&p);
	}
	json_t *o = json_pack("{s:o, s:o, s:o}", "dossier", srv_str(d->code), "components", arr,
			      "received", srv_when_json(d->received));
	sh_store_dossier_rec_free(&d);
	return srv_json(c, existing ? 200 : 201, o);
}

/* Take over a capture station's staged batch (not committed): it becomes
 * the account's, to review and commit at the desk. A batch of another
 * account stays 404; one already the account's is answered as it is. */
int srv_batch_take(srv_ctx *c)
{
	const char *name = c->param[0];
	if (!name_ok(name))
		return srv_error(c, 400, "a batch name is B<YYMMDD>-<n>");
	pthread_mutex_lock(&batch_mu);
	char *op_path = side_path(c, name, "operator");
	char *op = op_path ? slurp(op_path) : NULL;
	int rc = 0, ok = op && (!strcmp(op, c->user) || !strncmp(op, "station:", 8));
	sh_scan_batch *b = NULL;
	json_t *o = NULL;
	if (!ok) {
		srv_error(c, 404, "no batch %s of yours or of a capture station", name);
	} else if ((rc = sh_recv_batch_open(&b, sh_store_dir(c->srv->s), name))) {
		srv_fail(c, rc);
	} else if (sh_scan_batch_state(b) == SH_SCAN_STATE_COMMITTED) {
		srv_error(c, 409, "batch %s is already committed", name);
	} else if (strcmp(op, c->user) && (rc = put_file(op_path, c->user))) {
		srv_fail(c, rc);
	} else {
		sh_wh_audit_read(c->srv->s, c->user, "batch-take", name, NULL, 0);
		o = batch_json(c, b);
	}
	sh_scan_batch_close(&b);
	pthread_mutex_unlock(&batch_mu);
	sh_free(op);
	sh_free(op_path);
	return o ? srv_json(c, 200, o) : 0;
}
