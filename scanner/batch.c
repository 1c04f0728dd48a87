/* Staged batches: page files plus an atomically rewritten JSON manifest. */
#include "scan_int.h"

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

struct page {
	unsigned id;
	char *file, *mime, *make, *model, *note;
	char sha256[65];
	uint64_t bytes;
	sh_scan_source source;
	int back;
	unsigned sheet;
	int dpi, width, height, depth;
	sh_scan_mode mode;
	int64_t time;
	int rotation;
	unsigned flags;
	int starts;  /* first page of a component */
	char *code;  /* component code when starts (owned, may be NULL) */
};

struct comp {
	const char *code;
	unsigned *ids;
	size_t n;
};

struct sh_scan_batch {
	char *dir, *id, *owner, *procedure, *dossier;
	int lock_fd;
	sh_scan_state state;
	int64_t created, updated;
	unsigned next_id;
	/* capture settings and device of the last capture */
	char *device, *make, *model;
	char **extra; /* backend options "name=value", NULL-terminated, or NULL */
	sh_scan_source source;
	int duplex, dpi;
	sh_scan_mode mode;
	/* last fault */
	char *fault_status, *fault_message;
	unsigned fault_pages;
	int64_t fault_time;
	struct page *pages;
	size_t n, cap;
	struct comp *comps; /* derived from pages[].starts */
	size_t ncomps;
	int broken; /* in-memory state diverged from disk and reload failed */
};

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

static int code_ok(const char *c)
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

static void page_clear(struct page *p)
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

static void extra_free(char ***e)
{
	for (char **p = *e; p && *p; p++)
		sh_free(*p);
	sh_free(*e);
	*e = NULL;
}

/* A copy of a NULL-terminated option list; NULL when empty. */
static int extra_dup(char ***out, const char *const *e)
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
			extra_free(&c);
			return SH_ENOMEM;
		}
	*out = c;
	return c ? SH_OK : SH_ENOMEM;
}

static int extra_same(char *const *a, const char *const *b)
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
		page_clear(&b->pages[i]);
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
	extra_free(&b->extra);
	sh_free(b->fault_status);
	sh_free(b->fault_message);
	b->owner = b->procedure = b->dossier = b->device = b->make = b->model = NULL;
	b->fault_status = b->fault_message = NULL;
}

/* Rebuild the component view from page start markers. */
static int comps_build(sh_scan_batch *b)
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

static int dup_or_null(char **dst, const char *s)
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

static int save(sh_scan_batch *b)
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
	if (dup_or_null(&p->file, file) || dup_or_null(&p->mime, mime) ||
	    dup_or_null(&p->make, gets_(o, "make")) || dup_or_null(&p->model, gets_(o, "model")) ||
	    dup_or_null(&p->note, gets_(o, "note")))
		return SH_ENOMEM;
	return SH_OK;
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
	if (dup_or_null(&b->owner, owner) || dup_or_null(&b->procedure, proc) ||
	    dup_or_null(&b->dossier, gets_(root, "dossier"))) {
		rc = SH_ENOMEM;
		goto out;
	}
	json_t *dev = json_object_get(root, "device");
	if (json_is_object(dev) &&
	    (dup_or_null(&b->device, gets_(dev, "name")) || dup_or_null(&b->make, gets_(dev, "make")) ||
	     dup_or_null(&b->model, gets_(dev, "model")))) {
		rc = SH_ENOMEM;
		goto out;
	}
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
		extra_free(&b->extra);
		if (ne && !(b->extra = sh_calloc(ne + 1, sizeof *b->extra))) {
			rc = SH_ENOMEM;
			goto out;
		}
		for (size_t i = 0, k = 0; i < ne; i++) {
			const char *v = json_string_value(json_array_get(ex, i));
			if (v && !(b->extra[k++] = sh_strdup(v))) {
				rc = SH_ENOMEM;
				goto out;
			}
		}
	}
	json_t *fault = json_object_get(root, "fault");
	if (json_is_object(fault)) {
		json_int_t pb = 0, t = 0;
		geti(fault, "pages_before", &pb);
		geti(fault, "time", &t);
		b->fault_pages = (unsigned)pb;
		b->fault_time = t;
		if (dup_or_null(&b->fault_status, gets_(fault, "status")) ||
		    dup_or_null(&b->fault_message, gets_(fault, "message"))) {
			rc = SH_ENOMEM;
			goto out;
		}
	}
	json_t *pages = json_object_get(root, "pages"), *comps = json_object_get(root, "components");
	if (!json_is_array(pages) || !json_is_array(comps)) {
		rc = corrupt(b, "pages or components missing");
		goto out;
	}
	size_t n = json_array_size(pages);
	if (n) {
		b->pages = sh_calloc(n, sizeof *b->pages);
		if (!b->pages) {
			rc = SH_ENOMEM;
			goto out;
		}
		b->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		b->n = i + 1;
		rc = load_page(b, json_array_get(pages, i), &b->pages[i]);
		if (rc)
			goto out;
		for (size_t j = 0; j < i; j++)
			if (b->pages[j].id == b->pages[i].id) {
				rc = corrupt(b, "a page id appears twice");
				goto out;
			}
	}
	/* Components must cover the page order exactly, in order. */
	size_t pos = 0;
	for (size_t k = 0; k < json_array_size(comps); k++) {
		json_t *c = json_array_get(comps, k), *ids = json_object_get(c, "pages");
		const char *code = gets_(c, "code");
		if (!json_is_array(ids) || json_array_size(ids) == 0 || !code) {
			rc = corrupt(b, "a component is malformed");
			goto out;
		}
		for (size_t j = 0; j < json_array_size(ids); j++, pos++) {
			json_t *v = json_array_get(ids, j);
			if (pos >= n || !json_is_integer(v) ||
			    (unsigned)json_integer_value(v) != b->pages[pos].id) {
				rc = corrupt(b, "components do not follow the page order");
				goto out;
			}
			if (j == 0) {
				b->pages[pos].starts = 1;
				if (*code && dup_or_null(&b->pages[pos].code, code)) {
					rc = SH_ENOMEM;
					goto out;
				}
			}
		}
	}
	if (pos != n) {
		rc = corrupt(b, "components do not cover every page");
		goto out;
	}
	rc = comps_build(b);
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
	if ((rc = save(b)))
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
		if ((rc = save(b)))
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
static int commit_change(sh_scan_batch *b)
{
	int rc = comps_build(b);
	if (rc == SH_OK)
		rc = save(b);
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

static int writable(const sh_scan_batch *b)
{
	if (b->broken)
		return sh_error_set(SH_EIO, "batch %s: an earlier write failed; close and reopen it",
				    b->id);
	if (b->state == SH_SCAN_STATE_COMMITTED)
		return sh_error_set(SH_EPERM,
				    "batch %s is already committed as dossier %s; it cannot change",
				    b->id, b->dossier ? b->dossier : "?");
	return SH_OK;
}

static int reviewable(const sh_scan_batch *b)
{
	int rc = writable(b);
	if (rc)
		return rc;
	if (b->state == SH_SCAN_STATE_SCANNING)
		return sh_error_set(SH_EBUSY, "batch %s is still being scanned; wait for the scan to end",
				    b->id);
	return SH_OK;
}

int sh_scan__add(sh_scan_batch *b, unsigned *out_id, PIX *pix, sh_scan_source source, int back,
		 unsigned sheet, int dpi, sh_scan_mode mode, const char *make, const char *model)
{
	int rc = writable(b);
	if (rc)
		return rc;
	if (!pix)
		return sh_error_set(SH_EINVAL, "batch %s: no page image given", b->id);
	sh_scan__quiet();
	PIX *p = NULL;
	l_uint8 *enc = NULL;
	size_t enc_len = 0;
	char *name = NULL, *path = NULL;
	int d = pixGetDepth(pix);
	if (pixGetColormap(pix))
		p = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
	else if (d == 1 || d == 8 || d == 32)
		p = pixClone(pix);
	else if (d == 16)
		p = pixConvert16To8(pix, L_MS_BYTE);
	else
		p = pixConvertTo8(pix, 0);
	if (!p)
		return sh_error_set(SH_ENOMEM, "batch %s: cannot convert the page", b->id);
	d = pixGetDepth(p);
	if (dpi <= 0)
		dpi = pixGetXRes(p) > 0 ? pixGetXRes(p) : SH_SCAN_DEFAULT_DPI;
	pixSetResolution(p, dpi, dpi);
	if (d == 32)
		pixSetSpp(p, 3);
	int tiff = d == 1;
	if (pixWriteMem(&enc, &enc_len, p, tiff ? IFF_TIFF_G4 : IFF_PNG) || !enc) {
		rc = sh_error_set(SH_ENOMEM, "batch %s: cannot encode the page", b->id);
		goto out;
	}
	unsigned id = b->next_id;
	name = sh_asprintf("p%04u.%s", id, tiff ? "tif" : "png");
	path = name ? sh_asprintf("%s/%s", b->dir, name) : NULL;
	if (!path) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct page *np = sh_realloc(b->pages, cap * sizeof *np);
		if (!np) {
			rc = SH_ENOMEM;
			goto out;
		}
		b->pages = np;
		b->cap = cap;
	}
	if ((rc = sh_file_write(path, enc, enc_len)))
		goto out;
	struct page *pg = &b->pages[b->n];
	memset(pg, 0, sizeof *pg);
	uint8_t h[SH_SHA256_LEN];
	sh_sha256(h, enc, enc_len);
	sh_hex(pg->sha256, h, SH_SHA256_LEN);
	pg->id = id;
	pg->bytes = enc_len;
	pg->source = source;
	pg->back = back != 0;
	pg->sheet = sheet;
	pg->dpi = dpi;
	pg->width = pixGetWidth(p);
	pg->height = pixGetHeight(p);
	pg->depth = d == 32 ? 24 : d;
	pg->mode = mode;
	pg->time = sh_now();
	if (dup_or_null(&pg->mime, tiff ? "image/tiff" : "image/png") ||
	    dup_or_null(&pg->make, make) || dup_or_null(&pg->model, model)) {
		page_clear(pg);
		unlink(path);
		rc = SH_ENOMEM;
		goto out;
	}
	pg->file = name;
	name = NULL;
	b->n++;
	b->next_id++;
	if ((rc = commit_change(b))) {
		unlink(path);
		goto out;
	}
	if (out_id)
		*out_id = id;
out:
	if (enc)
		lept_free(enc);
	pixDestroy(&p);
	sh_free(name);
	sh_free(path);
	return rc;
}

int sh_scan_batch_add_pix(sh_scan_batch *b, unsigned *out_id, PIX *pix, sh_scan_source source,
			  int back, int dpi, const char *make, const char *model)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (!pix)
		return sh_error_set(SH_EINVAL, "batch %s: no page image given", b->id);
	int d = pixGetDepth(pix);
	sh_scan_mode mode = d == 1 ? SH_SCAN_LINEART : d == 32 || pixGetColormap(pix) ? SH_SCAN_COLOR
										   : SH_SCAN_GRAY;
	return sh_scan__add(b, out_id, pix, source, back, sh_scan__sheets(b) + 1, dpi, mode, make,
			    model);
}

/* ---- review ------------------------------------------------------------- */

int sh_scan_batch_delete(sh_scan_batch *b, unsigned id)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	char *path = sh_asprintf("%s/%s", b->dir, b->pages[pos].file);
	if (!path)
		return SH_ENOMEM;
	struct page gone = b->pages[pos];
	memmove(&b->pages[pos], &b->pages[pos + 1], (b->n - pos - 1) * sizeof *b->pages);
	b->n--;
	/* The next page inherits the component start (and code). */
	if (gone.starts && pos < b->n && !b->pages[pos].starts) {
		b->pages[pos].starts = 1;
		b->pages[pos].code = gone.code;
		gone.code = NULL;
	}
	rc = commit_change(b);
	if (rc == SH_OK)
		unlink(path);
	page_clear(&gone);
	sh_free(path);
	return rc;
}

int sh_scan_batch_rotate(sh_scan_batch *b, unsigned id, int degrees)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	if (degrees % 90)
		return sh_error_set(SH_EINVAL, "rotate by %d degrees: use a multiple of 90", degrees);
	b->pages[pos].rotation = ((b->pages[pos].rotation + degrees % 360) % 360 + 360) % 360;
	return commit_change(b);
}

int sh_scan_batch_move(sh_scan_batch *b, unsigned id, size_t to)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	if (to >= b->n)
		return sh_error_set(SH_EINVAL, "move page %u to position %zu: the batch has %zu pages",
				    id, to + 1, b->n);
	if (to == pos)
		return SH_OK;
	struct page mv = b->pages[pos];
	memmove(&b->pages[pos], &b->pages[pos + 1], (b->n - pos - 1) * sizeof *b->pages);
	if (mv.starts && pos < b->n - 1 && !b->pages[pos].starts) {
		b->pages[pos].starts = 1;
		b->pages[pos].code = mv.code;
		mv.code = NULL;
	}
	memmove(&b->pages[to + 1], &b->pages[to], (b->n - 1 - to) * sizeof *b->pages);
	mv.starts = 0;
	if (to == 0) {
		/* It becomes the first page of the first component. */
		mv.starts = 1;
		sh_free(mv.code);
		mv.code = b->pages[1].code;
		b->pages[1].code = NULL;
		b->pages[1].starts = 0;
	} else {
		sh_free(mv.code);
		mv.code = NULL;
	}
	b->pages[to] = mv;
	return commit_change(b);
}

int sh_scan_batch_reorder(sh_scan_batch *b, const unsigned *ids, size_t n)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (n != b->n)
		return sh_error_set(SH_EINVAL, "reorder: %zu pages given, the batch has %zu", n, b->n);
	struct page *np = sh_calloc(n ? n : 1, sizeof *np);
	if (!np)
		return SH_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t pos = 0;
		if ((rc = sh_scan_batch_find(b, ids[i], &pos))) {
			sh_free(np);
			return rc;
		}
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i]) {
				sh_free(np);
				return sh_error_set(SH_EINVAL, "reorder: page %u given twice", ids[i]);
			}
		np[i] = b->pages[pos];
	}
	/* Component boundaries stay at the same positions. */
	for (size_t i = 0; i < n; i++) {
		np[i].starts = b->pages[i].starts;
		np[i].code = b->pages[i].code;
	}
	sh_free(b->pages);
	b->pages = np;
	b->cap = n ? n : 1;
	return commit_change(b);
}

int sh_scan_batch_annotate(sh_scan_batch *b, unsigned id, unsigned flags, const char *note,
			   int rotation)
{
	size_t pos = 0;
	int rc = reviewable(b);
	if (rc || (rc = sh_scan_batch_find(b, id, &pos)))
		return rc;
	if (rotation != -1 && (rotation % 90 || rotation < 0 || rotation >= 360))
		return sh_error_set(SH_EINVAL, "rotation %d: use 0, 90, 180 or 270", rotation);
	char *n = NULL;
	if (note && !(n = sh_strdup(note)))
		return SH_ENOMEM;
	struct page *p = &b->pages[pos];
	sh_free(p->note);
	p->note = n;
	p->flags = flags;
	if (rotation != -1)
		p->rotation = rotation;
	return commit_change(b);
}

size_t sh_scan_batch_components(const sh_scan_batch *b) { return b->ncomps; }

int sh_scan_batch_component(const sh_scan_batch *b, size_t k, const char **code,
			    const unsigned **ids, size_t *n)
{
	if (k >= b->ncomps)
		return sh_error_set(SH_ENOTFOUND, "batch %s has %zu components; no component %zu",
				    b->id, b->ncomps, k + 1);
	if (code)
		*code = b->comps[k].code;
	if (ids)
		*ids = b->comps[k].ids;
	if (n)
		*n = b->comps[k].n;
	return SH_OK;
}

int sh_scan_batch_split(sh_scan_batch *b, const size_t *starts, const char *const *codes,
			size_t n)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (n == 0 || starts[0] != 0)
		return sh_error_set(SH_EINVAL, "split: the first component must start at page 1");
	for (size_t i = 0; i < n; i++) {
		if (starts[i] >= b->n || (i && starts[i] <= starts[i - 1]))
			return sh_error_set(SH_EINVAL,
					    "split: component starts must increase and lie within "
					    "the %zu pages",
					    b->n);
		if (codes && codes[i] && !code_ok(codes[i]))
			return sh_error_set(SH_EINVAL, "split: component code \"%s\" is not valid",
					    codes[i]);
	}
	char **dup = sh_calloc(n, sizeof *dup);
	if (!dup)
		return SH_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (codes && codes[i] && *codes[i] && !(dup[i] = sh_strdup(codes[i]))) {
			for (size_t j = 0; j < i; j++)
				sh_free(dup[j]);
			sh_free(dup);
			return SH_ENOMEM;
		}
	for (size_t i = 0; i < b->n; i++) {
		b->pages[i].starts = 0;
		sh_free(b->pages[i].code);
		b->pages[i].code = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		b->pages[starts[i]].starts = 1;
		b->pages[starts[i]].code = dup[i];
	}
	sh_free(dup);
	return commit_change(b);
}

int sh_scan_batch_set_code(sh_scan_batch *b, size_t k, const char *code)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (k >= b->ncomps)
		return sh_error_set(SH_ENOTFOUND, "batch %s has no component %zu", b->id, k + 1);
	if (code && !code_ok(code))
		return sh_error_set(SH_EINVAL, "component code \"%s\" is not valid", code);
	size_t pos = 0;
	sh_scan_batch_find(b, b->comps[k].ids[0], &pos);
	char *c = NULL;
	if (code && *code && !(c = sh_strdup(code)))
		return SH_ENOMEM;
	sh_free(b->pages[pos].code);
	b->pages[pos].code = c;
	return commit_change(b);
}

int sh_scan_batch_finish(sh_scan_batch *b)
{
	int rc = reviewable(b);
	if (rc)
		return rc;
	if (b->state != SH_SCAN_STATE_INTERRUPTED)
		return sh_error_set(SH_EINVAL, "batch %s is %s, not interrupted", b->id,
				    sh_scan_state_name(b->state));
	b->state = SH_SCAN_STATE_COMPLETE;
	rc = commit_change(b);
	return rc;
}

int sh_scan_batch_commit(sh_scan_batch *b, const char *dossier_id)
{
	int rc = writable(b);
	if (rc)
		return rc;
	if (b->state != SH_SCAN_STATE_COMPLETE)
		return sh_error_set(SH_EINVAL,
				    "batch %s is %s: resume the scan (`sohoa scan --resume %s`) or "
				    "finish it before committing",
				    b->id, sh_scan_state_name(b->state), b->id);
	if (b->n == 0)
		return sh_error_set(SH_EINVAL, "batch %s has no pages to commit", b->id);
	if (!dossier_id || !*dossier_id)
		return sh_error_set(SH_EINVAL, "commit batch %s: no dossier id", b->id);
	char *d = sh_strdup(dossier_id);
	if (!d)
		return SH_ENOMEM;
	sh_free(b->dossier);
	b->dossier = d;
	b->state = SH_SCAN_STATE_COMMITTED;
	return commit_change(b);
}

/* ---- capture lifecycle -------------------------------------------------- */

int sh_scan__capture_begin(sh_scan_batch *b, const char *device, const char *make,
			   const char *model, const sh_scan_options *o, int dpi)
{
	int rc = writable(b);
	if (rc)
		return rc;
	char *dv = NULL, *mk = NULL, *md = NULL, **ex = NULL;
	/* the device and options a resume took from sh_scan_batch_settings are
	 * b's own strings, still in use by the caller: kept, not replaced */
	int same_dev = device && b->device && !strcmp(device, b->device),
	    same_ex = extra_same(b->extra, o->extra);
	if ((!same_dev && dup_or_null(&dv, device)) || dup_or_null(&mk, make) ||
	    dup_or_null(&md, model) || (!same_ex && extra_dup(&ex, o->extra))) {
		sh_free(dv);
		sh_free(mk);
		sh_free(md);
		return SH_ENOMEM;
	}
	if (same_dev) {
		dv = b->device;
		b->device = NULL;
	}
	if (!same_ex) {
		extra_free(&b->extra);
		b->extra = ex;
	}
	sh_free(b->device);
	sh_free(b->make);
	sh_free(b->model);
	b->device = dv;
	b->make = mk;
	b->model = md;
	b->source = o->source;
	b->duplex = o->duplex;
	b->dpi = dpi;
	b->mode = o->mode;
	b->state = SH_SCAN_STATE_SCANNING;
	return commit_change(b);
}

int sh_scan__capture_end(sh_scan_batch *b, int rc, const char *status)
{
	if (b->broken)
		return rc ? rc : writable(b);
	char *msg = rc ? sh_strdup(sh_error_message()) : NULL;
	sh_free(b->fault_status);
	sh_free(b->fault_message);
	b->fault_status = b->fault_message = NULL;
	if (rc) {
		b->state = SH_SCAN_STATE_INTERRUPTED;
		b->fault_status = sh_strdup(status ? status : sh_error_name(rc));
		b->fault_message = msg;
		b->fault_pages = (unsigned)b->n;
		b->fault_time = sh_now();
		msg = NULL;
	} else {
		b->state = SH_SCAN_STATE_COMPLETE;
	}
	char *keep = rc ? sh_strdup(sh_error_message()) : NULL;
	int src = comps_build(b);
	if (src == SH_OK)
		src = save(b);
	if (rc) {
		if (keep)
			sh_error_set(rc, "%s", keep);
		sh_free(keep);
		return rc;
	}
	return src;
}

void sh_scan_batch_settings(const sh_scan_batch *b, sh_scan_options *out)
{
	out->device = b->device;
	if (b->extra)
		out->extra = (const char *const *)b->extra;
	out->source = b->source;
	out->duplex = b->duplex;
	out->dpi = b->dpi;
	out->mode = b->mode;
}
