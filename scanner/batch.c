/* Staged batches: page files plus an atomically rewritten JSON manifest.
 * This file: the manifest (save, load), creating, opening, discarding and
 * reading a batch. Page edits and capture bookkeeping: batch_edit.c. */
#include "batch_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST "batch.json"
#define LOCKFILE ".lock"


/* ---- names -------------------------------------------------------------- */

static const char *const mode_names[] = {"gray", "color", "lineart"};
static const char *const source_names[] = {"flatbed", "adf", "file"};
static const char *const state_names[] = {"", "scanning", "interrupted", "complete", "committed"};

const char *sh_scan_mode_name(sh_scan_mode m)
{
	return (unsigned)m < 3 ? mode_names[m] : "?";
}

const char *sh_scan_source_name(sh_scan_source s)
{
	return (unsigned)s < 3 ? source_names[s] : "?";
}

const char *sh_scan_state_name(sh_scan_state s)
{
	return (unsigned)s < 5 && s ? state_names[s] : "?";
}

int sh_scan_mode_parse(sh_scan_mode *out, const char *name)
{
	for (int i = 0; i < 3; i++)
		if (name && !strcmp(name, mode_names[i])) {
			*out = (sh_scan_mode)i;
			return SH_OK;
		}
	if (name && (!strcmp(name, "grey") || !strcmp(name, "colour"))) {
		*out = name[2] == 'e' ? SH_SCAN_GRAY : SH_SCAN_COLOR;
		return SH_OK;
	}
	return sh_error_set(SH_EINVAL, "scan mode \"%s\": use gray, color or lineart",
			    name ? name : "");
}

int sh_scan_source_parse(sh_scan_source *out, const char *name)
{
	for (int i = 0; i < 3; i++)
		if (name && !strcmp(name, source_names[i])) {
			*out = (sh_scan_source)i;
			return SH_OK;
		}
	return sh_error_set(SH_EINVAL, "scan source \"%s\": use flatbed or adf", name ? name : "");
}

static int parse_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (s && !strcmp(s, names[i]))
			return i;
	return -1;
}

/* ---- helpers ------------------------------------------------------------ */

int sh_scan__fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sh_error_set(SH_EIO, "%s: cannot open folder: %s", dir, strerror(errno));
	int rc = SH_OK;
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = sh_error_set(SH_EIO, "%s: cannot flush folder: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

int sh_scan__code_ok(const char *c)
{
	size_t n = strlen(c);
	if (n > 32 || !sh_text_valid(c, n))
		return 0;
	for (const unsigned char *p = (const unsigned char *)c; *p; p++)
		if (*p < 0x80 && !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
				   (*p >= 'A' && *p <= 'Z') || *p == '.' || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

void sh_scan__page_clear(struct page *p)
{
	sh_free(p->file);
	sh_free(p->mime);
	sh_free(p->make);
	sh_free(p->model);
	sh_free(p->note);
	sh_free(p->code);
	memset(p, 0, sizeof *p);
}

static void comps_clear(sh_scan_batch *b)
{
	for (size_t i = 0; i < b->ncomps; i++)
		sh_free(b->comps[i].ids);
	sh_free(b->comps);
	b->comps = NULL;
	b->ncomps = 0;
}

void sh_scan__extra_free(char ***e)
{
	for (char **p = *e; p && *p; p++)
		sh_free(*p);
	sh_free(*e);
	*e = NULL;
}

/* A copy of a NULL-terminated option list; NULL when empty. */
int sh_scan__extra_dup(char ***out, const char *const *e)
{
	size_t n = 0;
	*out = NULL;
	while (e && e[n])
		n++;
	if (!n)
		return SH_OK;
	char **c = sh_calloc(n + 1, sizeof *c);
	for (size_t i = 0; c && i < n; i++)
		if (!(c[i] = sh_strdup(e[i]))) {
			sh_scan__extra_free(&c);
			return SH_ENOMEM;
		}
	*out = c;
	return c ? SH_OK : SH_ENOMEM;
}

int sh_scan__extra_same(char *const *a, const char *const *b)
{
	size_t i = 0;
	for (; a && b && a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return (!a || !a[i]) && (!b || !b[i]);
}

static void state_clear(sh_scan_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		sh_scan__page_clear(&b->pages[i]);
	sh_free(b->pages);
	b->pages = NULL;
	b->n = b->cap = 0;
	comps_clear(b);
	sh_free(b->owner);
	sh_free(b->procedure);
	sh_free(b->dossier);
	sh_free(b->device);
	sh_free(b->make);
	sh_free(b->model);
	sh_scan__extra_free(&b->extra);
	sh_free(b->fault_status);
	sh_free(b->fault_message);
	b->owner = b->procedure = b->dossier = b->device = b->make = b->model = NULL;
	b->fault_status = b->fault_message = NULL;
}

/* Rebuild the component view from page start markers. */
int sh_scan__comps_build(sh_scan_batch *b)
{
	comps_clear(b);
	if (b->n == 0)
		return SH_OK;
	b->pages[0].starts = 1;
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++)
		k += b->pages[i].starts != 0;
	b->comps = sh_calloc(k, sizeof *b->comps);
	if (!b->comps)
		return SH_ENOMEM;
	b->ncomps = k;
	size_t c = (size_t)-1;
	for (size_t i = 0; i < b->n; i++) {
		if (b->pages[i].starts) {
			c++;
			size_t len = 1;
			while (i + len < b->n && !b->pages[i + len].starts)
				len++;
			b->comps[c].ids = sh_calloc(len, sizeof(unsigned));
			if (!b->comps[c].ids)
				return SH_ENOMEM;
			b->comps[c].code = b->pages[i].code ? b->pages[i].code : "";
		}
		b->comps[c].ids[b->comps[c].n++] = b->pages[i].id;
	}
	return SH_OK;
}

int sh_scan__dup_or_null(char **dst, const char *s)
{
	*dst = NULL;
	if (!s)
		return SH_OK;
	*dst = sh_strdup(s);
	return *dst ? SH_OK : SH_ENOMEM;
}

/* ---- manifest: write ---------------------------------------------------- */

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

static int set(json_t *o, const char *k, json_t *v)
{
	return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static json_t *page_json(const struct page *p)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
	bad |= set(o, "id", json_integer(p->id));
	bad |= set(o, "file", json_string(p->file));
	bad |= set(o, "mime", json_string(p->mime));
	bad |= set(o, "sha256", json_string(p->sha256));
	bad |= set(o, "bytes", json_integer((json_int_t)p->bytes));
	bad |= set(o, "source", json_string(sh_scan_source_name(p->source)));
	bad |= set(o, "side", json_string(p->back ? "back" : "front"));
	bad |= set(o, "sheet", json_integer(p->sheet));
	bad |= set(o, "dpi", json_integer(p->dpi));
	bad |= set(o, "width", json_integer(p->width));
	bad |= set(o, "height", json_integer(p->height));
	bad |= set(o, "depth", json_integer(p->depth));
	bad |= set(o, "mode", json_string(sh_scan_mode_name(p->mode)));
	bad |= set(o, "make", json_string(p->make ? p->make : ""));
	bad |= set(o, "model", json_string(p->model ? p->model : ""));
	bad |= set(o, "time", json_integer(p->time));
	bad |= set(o, "rotation", json_integer(p->rotation));
	bad |= set(o, "flags", json_integer(p->flags));
	bad |= set(o, "note", json_string(p->note ? p->note : ""));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int sh_scan__save(sh_scan_batch *b)
{
	int rc = SH_ENOMEM;
	char *text = NULL, *path = NULL;
	json_t *root = json_object(), *pages = json_array(), *comps = json_array();
	if (!root || !pages || !comps)
		goto oom;
	int bad = 0;
	b->updated = sh_now();
	bad |= set(root, "format", json_string("sohoa-batch"));
	bad |= set(root, "version", json_integer(SH_SCAN_BATCH_VERSION));
	bad |= set(root, "id", json_string(b->id));
	bad |= set(root, "owner", json_string(b->owner));
	bad |= set(root, "procedure", json_string(b->procedure));
	bad |= set(root, "state", json_string(sh_scan_state_name(b->state)));
	bad |= set(root, "created", json_integer(b->created));
	bad |= set(root, "updated", json_integer(b->updated));
	bad |= set(root, "next_id", json_integer(b->next_id));
	bad |= set(root, "dossier", jstr(b->dossier));
	json_t *dev = json_pack("{s:o,s:o,s:o}", "name", jstr(b->device), "make", jstr(b->make),
				"model", jstr(b->model));
	bad |= set(root, "device", dev);
	json_t *st = json_pack("{s:s,s:b,s:i,s:s}", "source", sh_scan_source_name(b->source),
			       "duplex", b->duplex, "dpi", b->dpi, "mode",
			       sh_scan_mode_name(b->mode));
	if (st && b->extra) { /* the backend options, for resume */
		json_t *ex = json_array();
		for (char **e = b->extra; *e; e++)
			json_array_append_new(ex, json_string(*e));
		json_object_set_new(st, "options", ex);
	}
	bad |= set(root, "settings", st);
	json_t *fault = json_null();
	if (b->fault_status)
		fault = json_pack("{s:s,s:s,s:i,s:I}", "status", b->fault_status, "message",
				  b->fault_message ? b->fault_message : "", "pages_before",
				  (int)b->fault_pages, "time", (json_int_t)b->fault_time);
	bad |= set(root, "fault", fault);
	if (bad)
		goto oom;
	for (size_t i = 0; i < b->n; i++) {
		json_t *p = page_json(&b->pages[i]);
		if (!p || json_array_append_new(pages, p))
			goto oom;
	}
	for (size_t k = 0; k < b->ncomps; k++) {
		json_t *ids = json_array();
		if (!ids)
			goto oom;
		for (size_t j = 0; j < b->comps[k].n; j++)
			if (json_array_append_new(ids, json_integer(b->comps[k].ids[j]))) {
				json_decref(ids);
				goto oom;
			}
		json_t *c = json_pack("{s:s,s:o}", "code", b->comps[k].code, "pages", ids);
		if (!c || json_array_append_new(comps, c))
			goto oom;
	}
	if (json_object_set(root, "pages", pages) || json_object_set(root, "components", comps))
		goto oom;
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text)
		goto oom;
	path = sh_asprintf("%s/" MANIFEST, b->dir);
	if (!path)
		goto out;
	rc = sh_file_write(path, text, strlen(text));
	if (rc == SH_OK)
		rc = sh_scan__fsync_dir(b->dir);
	goto out;
oom:
	rc = sh_error_set(SH_ENOMEM, "batch %s: out of memory writing the manifest", b->id);
out:
	free(text);
	sh_free(path);
	json_decref(root);
	json_decref(pages);
	json_decref(comps);
	return rc;
}

/* ---- manifest: read ----------------------------------------------------- */

static const char *gets_(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int geti(json_t *o, const char *k, json_int_t *out)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

static int corrupt(const sh_scan_batch *b, const char *what)
{
	return sh_error_set(SH_ECORRUPT,
			    "batch %s: manifest " MANIFEST " is damaged (%s); restore the batch "
			    "folder from a backup or scan the papers again",
			    b->id, what);
}

/* Page files are named by the batch: p<digits>.png or p<digits>.tif. */
static int page_file_name_ok(const char *f)
{
	if (f[0] != 'p' || !f[1])
		return 0;
	size_t i = 1;
	while (f[i] >= '0' && f[i] <= '9')
		i++;
	return i > 1 && i <= 11 && (!strcmp(f + i, ".png") || !strcmp(f + i, ".tif"));
}

static int load_page(sh_scan_batch *b, json_t *o, struct page *p)
{
	json_int_t id, bytes, sheet, dpi, w, h, depth, t, rot, flags;
	const char *file = gets_(o, "file"), *mime = gets_(o, "mime"), *sha = gets_(o, "sha256");
	const char *src = gets_(o, "source"), *side = gets_(o, "side"), *mode = gets_(o, "mode");
	if (!json_is_object(o) || geti(o, "id", &id) || geti(o, "bytes", &bytes) ||
	    geti(o, "sheet", &sheet) || geti(o, "dpi", &dpi) || geti(o, "width", &w) ||
	    geti(o, "height", &h) || geti(o, "depth", &depth) || geti(o, "time", &t) ||
	    geti(o, "rotation", &rot) || geti(o, "flags", &flags) || !file || !mime || !sha ||
	    !src || !side || !mode)
		return corrupt(b, "a page lacks a field");
	int si = parse_name(source_names, 3, src), mi = parse_name(mode_names, 3, mode);
	if (id <= 0 || id >= b->next_id || strlen(sha) != 64 || si < 0 || mi < 0 ||
	    !page_file_name_ok(file) || rot % 90 || rot < 0 || rot >= 360 || bytes < 0)
		return corrupt(b, "a page field is out of range");
	for (size_t q = 0; q < b->n; q++) /* two pages never share a file */
		if (b->pages[q].file && !strcmp(b->pages[q].file, file))
			return corrupt(b, "two pages name the same file");
	p->id = (unsigned)id;
	memcpy(p->sha256, sha, 65);
	p->bytes = (uint64_t)bytes;
	p->source = (sh_scan_source)si;
	p->back = !strcmp(side, "back");
	p->sheet = (unsigned)sheet;
	p->dpi = (int)dpi;
	p->width = (int)w;
	p->height = (int)h;
	p->depth = (int)depth;
	p->mode = (sh_scan_mode)mi;
	p->time = t;
	p->rotation = (int)rot;
	p->flags = (unsigned)flags;
	if (sh_scan__dup_or_null(&p->file, file) || sh_scan__dup_or_null(&p->mime, mime) ||
	    sh_scan__dup_or_null(&p->make, gets_(o, "make")) ||
	    sh_scan__dup_or_null(&p->model, gets_(o, "model")) ||
	    sh_scan__dup_or_null(&p->note, gets_(o, "note")))
		return SH_ENOMEM;
	return SH_OK;
}

/* The manifest's device, capture settings and last fault (all optional). */
static int load_capture(sh_scan_batch *b, json_t *root)
{
	json_t *dev = json_object_get(root, "device");
	if (json_is_object(dev) &&
	    (sh_scan__dup_or_null(&b->device, gets_(dev, "name")) ||
	     sh_scan__dup_or_null(&b->make, gets_(dev, "make")) ||
	     sh_scan__dup_or_null(&b->model, gets_(dev, "model"))))
		return SH_ENOMEM;
	json_t *st = json_object_get(root, "settings");
	if (json_is_object(st)) {
		json_int_t dpi = 0;
		int x = parse_name(source_names, 3, gets_(st, "source"));
		b->source = x >= 0 ? (sh_scan_source)x : SH_SCAN_FLATBED;
		x = parse_name(mode_names, 3, gets_(st, "mode"));
		b->mode = x >= 0 ? (sh_scan_mode)x : SH_SCAN_GRAY;
		b->duplex = json_is_true(json_object_get(st, "duplex"));
		b->dpi = geti(st, "dpi", &dpi) ? 0 : (int)dpi;
		json_t *ex = json_object_get(st, "options");
		size_t ne = json_is_array(ex) ? json_array_size(ex) : 0;
		sh_scan__extra_free(&b->extra);
		if (ne && !(b->extra = sh_calloc(ne + 1, sizeof *b->extra)))
			return SH_ENOMEM;
		for (size_t i = 0, k = 0; i < ne; i++) {
			const char *v = json_string_value(json_array_get(ex, i));
			if (v && !(b->extra[k++] = sh_strdup(v)))
				return SH_ENOMEM;
		}
	}
	json_t *fault = json_object_get(root, "fault");
	if (json_is_object(fault)) {
		json_int_t pb = 0, t = 0;
		geti(fault, "pages_before", &pb);
		geti(fault, "time", &t);
		b->fault_pages = (unsigned)pb;
		b->fault_time = t;
		if (sh_scan__dup_or_null(&b->fault_status, gets_(fault, "status")) ||
		    sh_scan__dup_or_null(&b->fault_message, gets_(fault, "message")))
			return SH_ENOMEM;
	}
	return SH_OK;
}

/* The manifest's pages, and its components covering the page order. */
static int load_pages(sh_scan_batch *b, json_t *root)
{
	json_t *pages = json_object_get(root, "pages"), *comps = json_object_get(root, "components");
	if (!json_is_array(pages) || !json_is_array(comps))
		return corrupt(b, "pages or components missing");
	size_t n = json_array_size(pages);
	if (n) {
		b->pages = sh_calloc(n, sizeof *b->pages);
		if (!b->pages)
			return SH_ENOMEM;
		b->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		b->n = i + 1;
		int rc = load_page(b, json_array_get(pages, i), &b->pages[i]);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (b->pages[j].id == b->pages[i].id)
				return corrupt(b, "a page id appears twice");
	}
	/* Components must cover the page order exactly, in order. */
	size_t pos = 0;
	for (size_t k = 0; k < json_array_size(comps); k++) {
		json_t *c = json_array_get(comps, k), *ids = json_object_get(c, "pages");
		const char *code = gets_(c, "code");
		if (!json_is_array(ids) || json_array_size(ids) == 0 || !code)
			return corrupt(b, "a component is malformed");
		for (size_t j = 0; j < json_array_size(ids); j++, pos++) {
			json_t *v = json_array_get(ids, j);
			if (pos >= n || !json_is_integer(v) ||
			    (unsigned)json_integer_value(v) != b->pages[pos].id)
				return corrupt(b, "components do not follow the page order");
			if (j == 0) {
				b->pages[pos].starts = 1;
				if (*code && sh_scan__dup_or_null(&b->pages[pos].code, code))
					return SH_ENOMEM;
			}
		}
	}
	if (pos != n)
		return corrupt(b, "components do not cover every page");
	return sh_scan__comps_build(b);
}

static int load(sh_scan_batch *b)
{
	int rc;
	char *path = sh_asprintf("%s/" MANIFEST, b->dir);
	uint8_t *data = NULL;
	size_t len = 0;
	json_t *root = NULL;
	if (!path)
		return SH_ENOMEM;
	state_clear(b);
	rc = sh_file_read(&data, &len, path, 64u << 20);
	if (rc == SH_ENOTFOUND) {
		rc = sh_error_set(SH_ENOTFOUND, "%s: not a scan batch (no " MANIFEST ")", b->dir);
		goto out;
	}
	if (rc)
		goto out;
	json_error_t jerr;
	root = json_loadb((const char *)data, len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		rc = corrupt(b, "not JSON");
		goto out;
	}
	json_int_t ver, created, updated, next_id;
	const char *fmt = gets_(root, "format");
	if (!fmt || strcmp(fmt, "sohoa-batch") || geti(root, "version", &ver)) {
		rc = corrupt(b, "not a sohoa batch manifest");
		goto out;
	}
	if (ver != SH_SCAN_BATCH_VERSION) {
		rc = sh_error_set(SH_EVERSION,
				  "batch %s: manifest version %lld, this program reads version %d; "
				  "use a newer sohoa",
				  b->id, (long long)ver, SH_SCAN_BATCH_VERSION);
		goto out;
	}
	const char *owner = gets_(root, "owner"), *proc = gets_(root, "procedure");
	const char *state = gets_(root, "state");
	int si = parse_name(state_names, 5, state);
	if (!owner || !proc || si <= 0 || geti(root, "created", &created) ||
	    geti(root, "updated", &updated) || geti(root, "next_id", &next_id) || next_id <= 0) {
		rc = corrupt(b, "header fields missing");
		goto out;
	}
	b->state = (sh_scan_state)si;
	b->created = created;
	b->updated = updated;
	b->next_id = (unsigned)next_id;
	if (sh_scan__dup_or_null(&b->owner, owner) || sh_scan__dup_or_null(&b->procedure, proc) ||
	    sh_scan__dup_or_null(&b->dossier, gets_(root, "dossier"))) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (!(rc = load_capture(b, root)))
		rc = load_pages(b, root);
out:
	json_decref(root);
	sh_free(data);
	sh_free(path);
	return rc;
}

/* ---- open / create ------------------------------------------------------ */

static int lock_dir(sh_scan_batch *b)
{
	char *path = sh_asprintf("%s/" LOCKFILE, b->dir);
	if (!path)
		return SH_ENOMEM;
	b->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	sh_free(path);
	if (b->lock_fd < 0)
		return sh_error_set(errno == ENOENT ? SH_ENOTFOUND : SH_EIO, "%s: cannot lock: %s",
				    b->dir, strerror(errno));
	if (flock(b->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return sh_error_set(SH_EBUSY,
				    "batch %s is open in another sohoa (scan or review running); "
				    "wait for it to finish",
				    b->id);
	return SH_OK;
}

static int new_handle(sh_scan_batch **out, const char *dir)
{
	*out = NULL;
	sh_scan_batch *b = sh_calloc(1, sizeof *b);
	if (!b)
		return SH_ENOMEM;
	b->lock_fd = -1;
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	b->dir = sh_strndup(dir, len);
	if (!b->dir) {
		sh_free(b);
		return SH_ENOMEM;
	}
	const char *slash = strrchr(b->dir, '/');
	b->id = sh_strdup(slash ? slash + 1 : b->dir);
	if (!b->id) {
		sh_free(b->dir);
		sh_free(b);
		return SH_ENOMEM;
	}
	*out = b;
	return SH_OK;
}

void sh_scan_batch_close(sh_scan_batch **pb)
{
	sh_scan_batch *b = pb ? *pb : NULL;
	if (!b)
		return;
	state_clear(b);
	if (b->lock_fd >= 0)
		close(b->lock_fd);
	sh_free(b->dir);
	sh_free(b->id);
	sh_free(b);
	*pb = NULL;
}

int sh_scan_batch_create(sh_scan_batch **out, const char *dir, const char *owner,
			 const char *procedure)
{
	*out = NULL;
	if (!dir || !*dir || !owner || !procedure)
		return sh_error_set(SH_EINVAL, "new batch: folder, owner and procedure are required");
	char norm[16];
	int rc = sh_id_owner_check(NULL, norm, owner);
	if (rc)
		return rc;
	if ((rc = sh_id_procedure_check(procedure)))
		return rc;
	if (mkdir(dir, 0755) < 0) {
		int e = errno;
		if (e == EEXIST)
			return sh_error_set(SH_EEXISTS, "%s: already exists; choose a new batch folder",
					    dir);
		return sh_error_set(e == ENOENT ? SH_ENOTFOUND : e == ENOSPC ? SH_EFULL : SH_EIO,
				    "%s: cannot create batch folder: %s", dir, strerror(e));
	}
	sh_scan_batch *b = NULL;
	rc = new_handle(&b, dir);
	if (rc)
		goto fail;
	if ((rc = lock_dir(b)))
		goto fail;
	b->owner = sh_strdup(norm);
	b->procedure = sh_strdup(procedure);
	if (!b->owner || !b->procedure) {
		rc = SH_ENOMEM;
		goto fail;
	}
	b->state = SH_SCAN_STATE_COMPLETE;
	b->created = sh_now();
	b->next_id = 1;
	b->dpi = SH_SCAN_DEFAULT_DPI;
	if ((rc = sh_scan__save(b)))
		goto fail;
	*out = b;
	return SH_OK;
fail:
	sh_scan_batch_close(&b);
	{
		/* Remove what we made so the folder name can be used again. */
		char *p = sh_asprintf("%s/" LOCKFILE, dir);
		if (p) {
			unlink(p);
			sh_free(p);
		}
		p = sh_asprintf("%s/" MANIFEST, dir);
		if (p) {
			unlink(p);
			sh_free(p);
		}
		rmdir(dir);
	}
	return rc;
}

int sh_scan_batch_discard(sh_scan_batch **pb)
{
	sh_scan_batch *b = pb ? *pb : NULL;
	if (!b)
		return sh_error_set(SH_EINVAL, "discard batch: no batch");
	int rc = SH_OK;
	if (b->n || b->next_id != 1 || b->device || b->fault_status ||
	    b->state == SH_SCAN_STATE_COMMITTED) {
		rc = sh_error_set(SH_EINVAL, "batch %s has been scanned into: it is kept (resume, "
					     "finish or commit it)", b->id);
		sh_scan_batch_close(pb);
		return rc;
	}
	/* the manifest first: from then on the folder is not a batch */
	static const char *const files[] = {MANIFEST, LOCKFILE};
	for (size_t i = 0; i < 2 && !rc; i++) {
		char *p = sh_asprintf("%s/%s", b->dir, files[i]);
		if (!p)
			rc = SH_ENOMEM;
		else if (unlink(p) < 0 && errno != ENOENT)
			rc = sh_error_set(SH_EIO, "%s: cannot remove: %s", p, strerror(errno));
		sh_free(p);
	}
	if (!rc && rmdir(b->dir) < 0)
		rc = sh_error_set(SH_EIO, "%s: cannot remove the empty batch folder: %s", b->dir,
				  strerror(errno));
	sh_scan_batch_close(pb);
	return rc;
}

static int named(const sh_scan_batch *b, const char *file)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->pages[i].file, file))
			return 1;
	return 0;
}

/* Page files the manifest does not name are leftovers of a capture cut
 * short between writing the file and the manifest: remove them. */
static int sweep(sh_scan_batch *b)
{
	DIR *d = opendir(b->dir);
	if (!d)
		return sh_error_set(SH_EIO, "%s: cannot list: %s", b->dir, strerror(errno));
	struct dirent *e;
	int rc = SH_OK;
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		int page_file = n[0] == 'p' && (strstr(n, ".png") || strstr(n, ".tif"));
		int tmp = strstr(n, ".tmp.") != NULL;
		if ((!page_file && !tmp) || named(b, n))
			continue;
		char *p = sh_asprintf("%s/%s", b->dir, n);
		if (!p) {
			rc = SH_ENOMEM;
			break;
		}
		unlink(p);
		sh_free(p);
	}
	closedir(d);
	return rc;
}

static int check_files(sh_scan_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		char *p = sh_asprintf("%s/%s", b->dir, b->pages[i].file);
		if (!p)
			return SH_ENOMEM;
		struct stat st;
		int ok = stat(p, &st) == 0 && (uint64_t)st.st_size == b->pages[i].bytes;
		sh_free(p);
		if (!ok)
			return sh_error_set(SH_ECORRUPT,
					    "batch %s: page %u (%s) is missing or changed on disk; "
					    "delete that page and rescan it",
					    b->id, b->pages[i].id, b->pages[i].file);
	}
	return SH_OK;
}

int sh_scan_batch_open(sh_scan_batch **out, const char *dir)
{
	*out = NULL;
	if (!dir || !*dir)
		return sh_error_set(SH_EINVAL, "open batch: no folder given");
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return sh_error_set(SH_ENOTFOUND, "%s: no such batch folder", dir);
	char *manifest = sh_asprintf("%s/batch.json", dir);
	if (!manifest)
		return SH_ENOMEM;
	int is_batch = stat(manifest, &st) == 0 && S_ISREG(st.st_mode);
	sh_free(manifest);
	if (!is_batch) /* never leave a lock file in a folder that is not a batch */
		return sh_error_set(SH_ENOTFOUND, "%s: not a batch (no batch.json)", dir);
	sh_scan_batch *b = NULL;
	int rc = new_handle(&b, dir);
	if (rc)
		return rc;
	if ((rc = lock_dir(b)) || (rc = load(b)))
		goto fail;
	/* The previous capture died without recording its end. */
	if (b->state == SH_SCAN_STATE_SCANNING) {
		b->state = SH_SCAN_STATE_INTERRUPTED;
		sh_free(b->fault_status);
		sh_free(b->fault_message);
		b->fault_status = sh_strdup("STOPPED");
		b->fault_message = sh_asprintf(
			"capture of batch %s stopped without finishing (program or computer "
			"stopped); check the pages and run `sohoa scan --resume %s` for the rest",
			b->id, b->id);
		b->fault_pages = (unsigned)b->n;
		b->fault_time = sh_now();
		if (!b->fault_status || !b->fault_message) {
			rc = SH_ENOMEM;
			goto fail;
		}
		if ((rc = sh_scan__save(b)))
			goto fail;
	}
	if ((rc = sweep(b)) || (rc = check_files(b)))
		goto fail;
	*out = b;
	return SH_OK;
fail:
	sh_scan_batch_close(&b);
	return rc;
}

/* After a failed save the manifest on disk is the truth: reload it. */
int sh_scan__commit_change(sh_scan_batch *b)
{
	int rc = sh_scan__comps_build(b);
	if (rc == SH_OK)
		rc = sh_scan__save(b);
	if (rc) {
		char *msg = sh_strdup(sh_error_message());
		if (load(b))
			b->broken = 1;
		if (msg) {
			sh_error_set(rc, "%s", msg);
			sh_free(msg);
		}
	}
	return rc;
}

/* ---- accessors ---------------------------------------------------------- */

const char *sh_scan_batch_id(const sh_scan_batch *b) { return b->id; }
const char *sh_scan_batch_dir(const sh_scan_batch *b) { return b->dir; }
const char *sh_scan_batch_owner(const sh_scan_batch *b) { return b->owner; }
const char *sh_scan_batch_procedure(const sh_scan_batch *b) { return b->procedure; }
sh_scan_state sh_scan_batch_state(const sh_scan_batch *b) { return b->state; }
const char *sh_scan_batch_dossier(const sh_scan_batch *b) { return b->dossier; }
size_t sh_scan_batch_count(const sh_scan_batch *b) { return b->n; }
unsigned sh_scan__sheets(const sh_scan_batch *b)
{
	unsigned s = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->pages[i].sheet > s)
			s = b->pages[i].sheet;
	return s;
}

void sh_scan_batch_fault(const sh_scan_batch *b, sh_scan_fault *out)
{
	out->status = b->fault_status ? b->fault_status : "";
	out->message = b->fault_message ? b->fault_message : "";
	out->pages_before = b->fault_pages;
	out->time = b->fault_time;
}

static void page_out(const struct page *p, sh_scan_page *o)
{
	o->id = p->id;
	o->file = p->file;
	o->mime = p->mime;
	memcpy(o->sha256, p->sha256, 65);
	o->source = p->source;
	o->back = p->back;
	o->sheet = p->sheet;
	o->dpi = p->dpi;
	o->width = p->width;
	o->height = p->height;
	o->depth = p->depth;
	o->mode = p->mode;
	o->make = p->make ? p->make : "";
	o->model = p->model ? p->model : "";
	o->time = p->time;
	o->rotation = p->rotation;
	o->flags = p->flags;
	o->note = p->note ? p->note : "";
}

int sh_scan_batch_page(const sh_scan_batch *b, size_t pos, sh_scan_page *out)
{
	if (pos >= b->n)
		return sh_error_set(SH_ENOTFOUND, "batch %s has %zu pages; no page at position %zu",
				    b->id, b->n, pos + 1);
	page_out(&b->pages[pos], out);
	return SH_OK;
}

int sh_scan_batch_find(const sh_scan_batch *b, unsigned id, size_t *out_pos)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->pages[i].id == id) {
			*out_pos = i;
			return SH_OK;
		}
	return sh_error_set(SH_ENOTFOUND, "batch %s has no page %u (deleted or never scanned)",
			    b->id, id);
}

int sh_scan_batch_page_path(const sh_scan_batch *b, unsigned id, char **out)
{
	size_t pos = 0;
	*out = NULL;
	int rc = sh_scan_batch_find(b, id, &pos);
	if (rc)
		return rc;
	*out = sh_asprintf("%s/%s", b->dir, b->pages[pos].file);
	return *out ? SH_OK : SH_ENOMEM;
}

int sh_scan_batch_page_pix(const sh_scan_batch *b, unsigned id, PIX **out)
{
	*out = NULL;
	char *path = NULL;
	uint8_t *data = NULL;
	size_t len = 0, pos = 0;
	int rc = sh_scan_batch_find(b, id, &pos);
	if (rc || (rc = sh_scan_batch_page_path(b, id, &path)))
		return rc;
	if ((rc = sh_file_read(&data, &len, path, SH_FILE_MAX)))
		goto out;
	uint8_t h[SH_SHA256_LEN];
	char hex[65];
	sh_sha256(h, data, len);
	sh_hex(hex, h, SH_SHA256_LEN);
	if (strcmp(hex, b->pages[pos].sha256)) {
		rc = sh_error_set(SH_ECORRUPT,
				  "batch %s: page %u changed on disk since it was scanned; delete it "
				  "and rescan that sheet",
				  b->id, id);
		goto out;
	}
	/* through the image-file checks: pixel limits before decoding */
	sh_scan_file *sf = NULL;
	PIX *pix = NULL;
	if ((rc = sh_scan_file_open_mem(&sf, data, len, b->pages[pos].file)) ||
	    (rc = sh_scan_file_page(sf, 0, &pix))) {
		sh_scan_file_free(&sf);
		sh_error_wrap(rc == SH_ELIMIT ? SH_ELIMIT : SH_ECORRUPT, "batch %s: page %u: ", b->id,
			      id);
		rc = rc == SH_ELIMIT ? SH_ELIMIT : SH_ECORRUPT;
		goto out;
	}
	sh_scan_file_free(&sf);
	int rot = b->pages[pos].rotation / 90;
	if (rot) {
		PIX *r = pixRotateOrth(pix, rot);
		pixDestroy(&pix);
		if (!r) {
			rc = sh_error_set(SH_ENOMEM, "out of memory rotating page %u", id);
			goto out;
		}
		pix = r;
	}
	*out = pix;
out:
	sh_free(path);
	sh_free(data);
	return rc;
}

/* ---- adding pages ------------------------------------------------------- */

