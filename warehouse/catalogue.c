/* The procedure catalogue (sh_wh.h): procedures and the paper kinds they
 * ask for. Kinds — name, validity rule, reusable — come from the one kind
 * catalogue of paper/ (paper/kinds.json, or $SOHOA_KINDS; sh_paper.h);
 * procedures from warehouse/procedures.json and the office's own file. An
 * office file written before the kinds moved may still hold a "kinds"
 * object: its entries replace the catalogue's of the same code. */
#include "wh_int.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sh_paper.h"

struct wh_proc {
	char *code, *name;
	size_t nkinds;
	char **kinds;
};

struct sh_wh_proc_cat {
	size_t nkinds, nprocs;
	struct wh_kind *kinds;
	struct wh_proc *procs;
};

/* ---- the kind catalogue ---------------------------------------------------- */

static int kinds_load(sh_kinds **out)
{
	const char *path = getenv("SOHOA_KINDS");
	int rc = sh_kinds_load(out, path && *path ? path : sh_kinds_default_path());
	return rc ? sh_error_wrap(rc, "the kind catalogue: ") : SH_OK;
}

static pthread_mutex_t g_default_lock = PTHREAD_MUTEX_INITIALIZER;
static char g_default[16]; /* the "other" kind's code, once read */

int wh_kind_default(const char **out)
{
	int rc = SH_OK;
	pthread_mutex_lock(&g_default_lock);
	if (!g_default[0]) {
		sh_kinds *k = NULL;
		if (!(rc = kinds_load(&k)))
			snprintf(g_default, sizeof g_default, "%s",
				 sh_kinds_code(k, sh_kinds_other(k)));
		sh_kinds_free(&k);
	}
	*out = rc ? NULL : g_default;
	pthread_mutex_unlock(&g_default_lock);
	return rc;
}

/* ---- loading ----------------------------------------------------------------- */

const char *sh_wh_proc_default_path(void)
{
	return sh_data_file("procedures.json");
}

void sh_wh_proc_cat_free(sh_wh_proc_cat **pc)
{
	sh_wh_proc_cat *c = pc ? *pc : NULL;
	if (!c)
		return;
	for (size_t i = 0; i < c->nkinds; i++) {
		sh_free(c->kinds[i].code);
		sh_free(c->kinds[i].name);
	}
	for (size_t i = 0; i < c->nprocs; i++) {
		sh_free(c->procs[i].code);
		sh_free(c->procs[i].name);
		for (size_t j = 0; j < c->procs[i].nkinds; j++)
			sh_free(c->procs[i].kinds[j]);
		sh_free(c->procs[i].kinds);
	}
	sh_free(c->kinds);
	sh_free(c->procs);
	sh_free(c);
	*pc = NULL;
}

static int code_ok(const char *s, size_t max, const char *punct)
{
	size_t n = strlen(s);
	if (!n || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
		      (punct && strchr(punct, ch))))
			return 0;
	}
	return 1;
}

/* The kind of code, added (empty but for its code) when new. */
static int kind_slot(sh_wh_proc_cat *c, const char *code, struct wh_kind **out)
{
	for (size_t i = 0; i < c->nkinds; i++)
		if (!strcmp(c->kinds[i].code, code)) {
			*out = &c->kinds[i];
			return SH_OK;
		}
	struct wh_kind *nk = sh_realloc(c->kinds, (c->nkinds + 1) * sizeof *nk);
	if (!nk)
		return SH_ENOMEM;
	c->kinds = nk;
	struct wh_kind *slot = &c->kinds[c->nkinds++];
	memset(slot, 0, sizeof *slot);
	*out = slot;
	slot->code = sh_strdup(code);
	return slot->code ? SH_OK : SH_ENOMEM;
}

static int kind_set(struct wh_kind *slot, const char *name, int rule, int days,
		    const char *until, int reusable)
{
	sh_free(slot->name);
	if (!(slot->name = sh_strdup(name)))
		return SH_ENOMEM;
	slot->rule = rule;
	slot->days = days;
	slot->reusable = reusable;
	snprintf(slot->until, sizeof slot->until, "%s", until ? until : "");
	return SH_OK;
}

/* Every kind of the kind catalogue (paper/kinds.json). */
static int load_kind_catalogue(sh_wh_proc_cat *c)
{
	sh_kinds *k = NULL;
	int rc = kinds_load(&k);
	for (size_t i = 0; !rc && i < sh_kinds_count(k); i++) {
		const char *code = sh_kinds_code(k, i);
		int vrule = 0, days = 0, reusable = 1;
		const char *until = NULL;
		struct wh_kind *slot;
		if ((rc = sh_paper_kind_validity(k, code, &vrule, &days, &until, &reusable)) ||
		    (rc = kind_slot(c, code, &slot)))
			break;
		int rule = vrule == SH_PAPER_VALID_PRINTED ? RULE_PRINTED
			   : vrule == SH_PAPER_VALID_DAYS  ? RULE_DAYS
			   : vrule == SH_PAPER_VALID_UNTIL ? RULE_UNTIL
							   : RULE_NEVER;
		rc = kind_set(slot, sh_paper_kind_name(k, code), rule, days, until, reusable);
	}
	sh_kinds_free(&k);
	return rc;
}

/* A "kinds" object of an office's procedures.json (the format before the
 * kinds moved to paper/kinds.json): replaces the kinds of the same code. */
static int load_kinds(sh_wh_proc_cat *c, json_t *kinds, const char *path)
{
	const char *code;
	json_t *k;
	json_object_foreach(kinds, code, k) {
		if (!code_ok(code, 12, NULL) || !json_is_object(k))
			return sh_error_set(SH_EINVAL, "%s: kind '%s' is not an A-Z0-9 code with an "
						       "object", path, code);
		json_t *name = json_object_get(k, "name"), *v = json_object_get(k, "validity"),
		       *re = json_object_get(k, "reusable");
		int rule = RULE_NONE, days = 0;
		if (!v) {
			rule = RULE_NONE;
		} else if (json_is_string(v) && !strcmp(json_string_value(v), "never")) {
			rule = RULE_NEVER;
		} else if (json_is_string(v) && !strcmp(json_string_value(v), "printed")) {
			rule = RULE_PRINTED;
		} else if (json_is_object(v) && json_is_integer(json_object_get(v, "days")) &&
			   json_integer_value(json_object_get(v, "days")) > 0 &&
			   json_integer_value(json_object_get(v, "days")) < 100000) {
			rule = RULE_DAYS;
			days = (int)json_integer_value(json_object_get(v, "days"));
		} else {
			return sh_error_set(SH_EINVAL, "%s: kind %s: validity must be \"never\", "
						       "\"printed\" or {\"days\": N}", path, code);
		}
		if ((name && !json_is_string(name)) || (re && !json_is_boolean(re)))
			return sh_error_set(SH_EINVAL, "%s: kind %s: name must be text and reusable "
						       "true or false", path, code);
		struct wh_kind *slot;
		int rc = kind_slot(c, code, &slot);
		if (rc || (rc = kind_set(slot, name ? json_string_value(name) : code, rule, days,
					 NULL, re ? json_is_true(re) : 1)))
			return rc;
	}
	return SH_OK;
}

/* The procedure of code, emptied (or added) to be filled again. */
static int proc_slot(sh_wh_proc_cat *c, const char *cs, struct wh_proc **out)
{
	struct wh_proc *slot = NULL;
	for (size_t j = 0; j < c->nprocs && !slot; j++)
		if (!strcmp(c->procs[j].code, cs))
			slot = &c->procs[j];
	if (!slot) {
		struct wh_proc *np = sh_realloc(c->procs, (c->nprocs + 1) * sizeof *np);
		if (!np)
			return SH_ENOMEM;
		c->procs = np;
		slot = &c->procs[c->nprocs++];
		memset(slot, 0, sizeof *slot);
		if (!(slot->code = sh_strdup(cs)))
			return SH_ENOMEM;
	} else {
		for (size_t j = 0; j < slot->nkinds; j++)
			sh_free(slot->kinds[j]);
		sh_free(slot->kinds);
		slot->kinds = NULL;
		slot->nkinds = 0;
		sh_free(slot->name);
		slot->name = NULL;
	}
	*out = slot;
	return SH_OK;
}

static int load_procs(sh_wh_proc_cat *c, json_t *procs, const char *path)
{
	size_t i;
	json_t *p;
	json_array_foreach(procs, i, p) {
		json_t *code = json_object_get(p, "code"), *name = json_object_get(p, "name"),
		       *kinds = json_object_get(p, "kinds");
		if (!json_is_string(code) || !code_ok(json_string_value(code), 40, ".-_") ||
		    !json_is_string(name) || !json_is_array(kinds))
			return sh_error_set(SH_EINVAL, "%s: procedure %zu needs a code (0-9 A-Z . - _), "
						       "a name and a list of kinds", path, i + 1);
		const char *cs = json_string_value(code);
		struct wh_proc *slot;
		int rc = proc_slot(c, cs, &slot);
		if (rc)
			return rc;
		if (!(slot->name = sh_strdup(json_string_value(name))))
			return SH_ENOMEM;
		size_t nk = json_array_size(kinds);
		if (nk && !(slot->kinds = sh_calloc(nk, sizeof *slot->kinds)))
			return SH_ENOMEM;
		size_t j;
		json_t *k;
		json_array_foreach(kinds, j, k) {
			if (!json_is_string(k) || !code_ok(json_string_value(k), 12, NULL))
				return sh_error_set(SH_EINVAL, "%s: procedure %s: kind %zu is not an "
							       "A-Z0-9 code", path, cs, j + 1);
			if (!(slot->kinds[slot->nkinds] = sh_strdup(json_string_value(k))))
				return SH_ENOMEM;
			slot->nkinds++;
		}
	}
	return SH_OK;
}

static int load_buf(sh_wh_proc_cat *c, const void *data, size_t len, const char *path)
{
	json_error_t err;
	int rc = SH_OK;
	json_t *root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return sh_error_set(SH_EINVAL, "%s:%d: %s", path, err.line, err.text);
	json_t *fmt = json_object_get(root, "format"), *kinds = json_object_get(root, "kinds"),
	       *procs = json_object_get(root, "procedures");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "sohoa-procedures") ||
	    json_integer_value(json_object_get(root, "version")) != 1)
		rc = sh_error_set(SH_EINVAL, "%s: not a procedure catalogue (format "
					     "\"sohoa-procedures\", version 1)", path);
	else if ((kinds && !json_is_object(kinds)) || (procs && !json_is_array(procs)))
		rc = sh_error_set(SH_EINVAL, "%s: \"kinds\" must be an object and \"procedures\" "
					     "a list", path);
	if (!rc && kinds)
		rc = load_kinds(c, kinds, path);
	if (!rc && procs)
		rc = load_procs(c, procs, path);
	json_decref(root);
	return rc;
}

static int load_file(sh_wh_proc_cat *c, const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sh_file_read(&data, &len, path, 16u << 20);
	if (rc)
		return rc;
	rc = load_buf(c, data, len, path);
	sh_free(data);
	return rc;
}

/* Every kind a procedure asks for must be a known kind. */
static int procs_known(const sh_wh_proc_cat *c, const char *path)
{
	for (size_t i = 0; i < c->nprocs; i++)
		for (size_t j = 0; j < c->procs[i].nkinds; j++)
			if (!wh_kind_get(c, c->procs[i].kinds[j]))
				return sh_error_set(SH_EINVAL, "%s: procedure %s asks for kind %s, "
							       "which the kind catalogue does not "
							       "know", path, c->procs[i].code,
						    c->procs[i].kinds[j]);
	return SH_OK;
}

int sh_wh_proc_cat_parse(sh_wh_proc_cat **out, const void *data, size_t len, const char *name)
{
	*out = NULL;
	sh_wh_proc_cat *c = sh_calloc(1, sizeof *c);
	if (!c)
		return SH_ENOMEM;
	name = name ? name : "catalogue";
	int rc = load_kind_catalogue(c);
	if (!rc && !(rc = load_buf(c, data, len, name)))
		rc = procs_known(c, name);
	if (rc) {
		sh_wh_proc_cat_free(&c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

int sh_wh_proc_cat_load(sh_wh_proc_cat **out, const char *path, const char *extra)
{
	*out = NULL;
	sh_wh_proc_cat *c = sh_calloc(1, sizeof *c);
	if (!c)
		return SH_ENOMEM;
	int rc = load_kind_catalogue(c);
	if (!rc)
		rc = load_file(c, path);
	struct stat st;
	int has_extra = extra && stat(extra, &st) == 0;
	if (!rc && has_extra)
		rc = load_file(c, extra);
	if (!rc)
		rc = procs_known(c, has_extra ? extra : path);
	if (rc) {
		sh_wh_proc_cat_free(&c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

/* ---- questions ---------------------------------------------------------------- */

size_t sh_wh_proc_cat_count(const sh_wh_proc_cat *c) { return c ? c->nprocs : 0; }

int sh_wh_proc_get(const sh_wh_proc_cat *c, size_t i, const char **code, const char **name,
		const char *const **kinds, size_t *nkinds)
{
	if (!c || i >= c->nprocs)
		return sh_error_set(SH_ENOTFOUND, "no procedure %zu in the catalogue", i);
	const struct wh_proc *p = &c->procs[i];
	if (code)
		*code = p->code;
	if (name)
		*name = p->name;
	if (kinds)
		*kinds = (const char *const *)p->kinds;
	if (nkinds)
		*nkinds = p->nkinds;
	return SH_OK;
}

int sh_wh_proc_find(const sh_wh_proc_cat *c, const char *code, const char **name,
		 const char *const **kinds, size_t *nkinds)
{
	for (size_t i = 0; c && i < c->nprocs; i++)
		if (!strcmp(c->procs[i].code, code))
			return sh_wh_proc_get(c, i, NULL, name, kinds, nkinds);
	return sh_error_set(SH_ENOTFOUND, "procedure %s is not in the catalogue: add it to the "
					  "office's procedures.json", code);
}

const struct wh_kind *wh_kind_get(const sh_wh_proc_cat *c, const char *kind)
{
	for (size_t i = 0; c && kind && i < c->nkinds; i++)
		if (!strcmp(c->kinds[i].code, kind))
			return &c->kinds[i];
	return NULL;
}

int wh_kind_reusable(const sh_wh_proc_cat *c, const char *kind)
{
	const struct wh_kind *k = wh_kind_get(c, kind);
	return k ? k->reusable : 1;
}

const char *sh_wh_kind_name(const sh_wh_proc_cat *c, const char *kind)
{
	const struct wh_kind *k = wh_kind_get(c, kind);
	return k ? k->name : kind;
}
