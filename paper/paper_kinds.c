/* The kind catalogue: strict JSON loading (jansson) and text folding. */
#include "paper_int.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

static const char *const fact_names[SH_FACT_COUNT] = {
	"doc_type", "number", "date", "issuer", "title", "signer", "signer_title",
	"owner_id", "owner_name", "birth_date", "sex", "valid_until", "old_id", "address",
	"parcel", "map_sheet", "area", "holders", "event_date"};

const char *sh_paper_fact_name(enum sh_paper_fact fact)
{
	if ((int)fact < 0 || fact >= SH_FACT_COUNT)
		return NULL;
	return fact_names[fact];
}

const char *sh_kinds_default_path(void)
{
	return sh_data_file("kinds.json");
}

/* ---- folding ------------------------------------------------------------ */

static int is_space_cp(utf8proc_int32_t c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F ||
	       c == 0x3000 || c == 0xFEFF;
}

static int is_break_cp(utf8proc_int32_t c)
{
	return c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x2028 || c == 0x2029;
}

int paper_fold(char **out, size_t **map, size_t *out_len, const char *s, size_t len)
{
	*out = NULL;
	if (map)
		*map = NULL;
	if (out_len)
		*out_len = 0;
	/* A character folds to at most 4 code points of at most 4 bytes here;
	 * Vietnamese text folds to fewer bytes than it has. */
	size_t cap = len * 4 + 2;
	if (len > SIZE_MAX / 8)
		return sh_error_set(SH_ELIMIT, "text of %zu bytes is too long to fold", len);
	char *o = sh_malloc(cap);
	size_t *m = map ? sh_malloc(cap * sizeof *m) : NULL;
	if (!o || (map && !m)) {
		sh_free(o);
		sh_free(m);
		return SH_ENOMEM;
	}
	size_t n = 0, i = 0;
	int breaks = 0, space = 0; /* whitespace owed before the next character */
	size_t pend_at = 0;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &c);
		if (k <= 0 || c == 0) {
			sh_free(o);
			sh_free(m);
			return sh_error_set(SH_EINVAL, "text is not valid UTF-8 (byte %zu)", i);
		}
		if (is_break_cp(c) || is_space_cp(c)) {
			if (!breaks && !space)
				pend_at = i;
			if (is_break_cp(c)) {
				/* "\r\n" is one break */
				if (!(c == '\n' && i > 0 && s[i - 1] == '\r'))
					breaks++;
			} else {
				space = 1;
			}
			i += (size_t)k;
			continue;
		}
		if (n > 0 && breaks) {
			/* at most one empty line is kept: it separates blocks */
			for (int b = 0; b < (breaks > 2 ? 2 : breaks); b++) {
				if (m)
					m[n] = pend_at;
				o[n++] = '\n';
			}
		} else if (n > 0 && space && o[n - 1] != '\n') {
			if (m)
				m[n] = pend_at;
			o[n++] = ' ';
		}
		breaks = space = 0;
		utf8proc_int32_t dst[8];
		utf8proc_ssize_t nd;
		/* Đ đ, and the lookalikes OCR puts for them: Ð ð (eth), Ɖ ɖ */
		if (c == 0x110 || c == 0x111 || c == 0xD0 || c == 0xF0 || c == 0x189 || c == 0x256) {
			dst[0] = 'd';
			nd = 1;
		} else if (c == 0x2044 || c == 0x2215 || c == 0x29F8 || c == 0xFF0F) {
			/* the slashes OCR reads for "/" on italic and oblique faces
			 * ("V⁄v", "19⁄TLKT-BS": FRACTION SLASH), and their kin */
			dst[0] = '/';
			nd = 1;
		} else {
			utf8proc_int32_t last = 0;
			nd = utf8proc_decompose_char(c, dst, 8,
						     UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
							     UTF8PROC_STRIPMARK | UTF8PROC_STABLE,
						     &last);
			if (nd < 0 || nd > 8) {
				dst[0] = c;
				nd = 1;
			}
		}
		for (utf8proc_ssize_t j = 0; j < nd; j++) {
			utf8proc_uint8_t b[4];
			utf8proc_ssize_t eb = utf8proc_encode_char(dst[j], b);
			if (n + (size_t)eb + 2 > cap) {
				size_t ncap = cap * 2;
				char *no = sh_realloc(o, ncap);
				if (!no)
					goto oom;
				o = no;
				if (m) {
					size_t *nm = sh_realloc(m, ncap * sizeof *m);
					if (!nm)
						goto oom;
					m = nm;
				}
				cap = ncap;
			}
			for (utf8proc_ssize_t q = 0; q < eb; q++) {
				if (m)
					m[n] = i;
				o[n++] = (char)b[q];
			}
		}
		i += (size_t)k;
	}
	o[n] = 0;
	if (m)
		m[n] = breaks || space ? pend_at : len; /* trailing whitespace is not text */
	*out = o;
	if (map)
		*map = m;
	if (out_len)
		*out_len = n;
	return SH_OK;
oom:
	sh_free(o);
	sh_free(m);
	return SH_ENOMEM;
}

/* ---- loading ------------------------------------------------------------ */

static void strs_clear(paper_strs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		sh_free(l->orig[i]);
		sh_free(l->fold[i]);
	}
	sh_free(l->orig);
	sh_free(l->fold);
	l->orig = l->fold = NULL;
	l->n = l->cap = 0;
}

static void lexicon_clear(sh_kinds *k)
{
	for (int t = 0; t < LEX_TABLES; t++) {
		paper_lextab *x = &k->lex[t];
		for (size_t i = 0; i < x->n; i++) {
			sh_free(x->word[i]);
			sh_free(x->fold[i]);
		}
		sh_free(x->word);
		sh_free(x->fold);
		sh_free(x->weight);
		memset(x, 0, sizeof *x);
	}
	strs_clear(&k->lex_places);
}

void sh_kinds_free(sh_kinds **kinds)
{
	if (!kinds || !*kinds)
		return;
	sh_kinds *k = *kinds;
	for (size_t i = 0; i < k->n; i++) {
		paper_kind *p = &k->v[i];
		sh_free(p->slug);
		sh_free(p->code);
		sh_free(p->doc_type);
		sh_free(p->name);
		strs_clear(&p->titles);
		strs_clear(&p->symbols);
		strs_clear(&p->keywords);
		strs_clear(&p->form_labels);
		strs_clear(&p->number_shapes);
		for (int f = 0; f < SH_FACT_COUNT; f++)
			strs_clear(&p->labels[f]);
	}
	sh_free(k->v);
	if (k->body_short)
		for (size_t i = 0; i < k->bodies.n; i++)
			sh_free(k->body_short[i]);
	sh_free(k->body_short);
	strs_clear(&k->bodies);
	strs_clear(&k->places);
	strs_clear(&k->phrases);
	strs_clear(&k->positions);
	if (k->fix_to)
		for (size_t i = 0; i < k->fix_from.n; i++)
			sh_free(k->fix_to[i]);
	sh_free(k->fix_to);
	strs_clear(&k->fix_from);
	lexicon_clear(k);
	sh_free(k->lexicon_file);
	strs_clear(&k->gazetteer);
	sh_free(k->gazetteer_file);
	strs_clear(&k->words);
	sh_free(k->words_file);
	sh_free(k);
	*kinds = NULL;
}

/* Context for messages: "<name>: kinds[3] (\"ke-hoach\")". */
typedef struct ctx {
	const char *name;
	char where[96];
} ctx;

static int bad(const ctx *c, const char *field, const char *what)
{
	return sh_error_set(SH_EINVAL, "%s: %s%s\"%s\" %s", c->name, c->where, *c->where ? ": " : "",
			    field, what);
}

/* A catalogue string: non-empty, at most SH_KINDS_STRING_MAX bytes, no
 * control characters, and (when need_word) something left after folding. */
static int check_string(const ctx *c, const char *field, json_t *v, int need_word, const char **out)
{
	if (!json_is_string(v))
		return bad(c, field, "must be a string");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0)
		return bad(c, field, "must not be empty");
	if (n > SH_KINDS_STRING_MAX)
		return sh_error_set(SH_ELIMIT, "%s: %s%s\"%s\" is %zu bytes; at most %d allowed", c->name,
				    c->where, *c->where ? ": " : "", field, n, SH_KINDS_STRING_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return bad(c, field, "contains a control character (tab, newline or NUL)");
	if (need_word) {
		int word = 0;
		for (size_t i = 0; i < n && !word; i++)
			if ((unsigned char)s[i] >= 0x80 || (s[i] >= '0' && s[i] <= '9') ||
			    ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
				word = 1;
		if (!word)
			return bad(c, field, "must contain a letter or digit");
	}
	*out = s;
	return SH_OK;
}

static int strs_add(paper_strs *l, const char *s)
{
	if (l->n == l->cap) { /* doubling: the gazetteer has thousands of entries */
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **no = sh_realloc(l->orig, cap * sizeof *no);
		if (!no)
			return SH_ENOMEM;
		l->orig = no;
		char **nf = sh_realloc(l->fold, cap * sizeof *nf);
		if (!nf)
			return SH_ENOMEM;
		l->fold = nf;
		l->cap = cap;
	}
	char *o = sh_strdup(s);
	if (!o)
		return SH_ENOMEM;
	char *f = NULL;
	int rc = paper_fold(&f, NULL, NULL, s, strlen(s));
	if (rc) {
		sh_free(o);
		return rc;
	}
	l->orig[l->n] = o;
	l->fold[l->n] = f;
	l->n++;
	return SH_OK;
}

static int load_list_max(const ctx *c, const char *field, json_t *arr, paper_strs *l, size_t max)
{
	if (!json_is_array(arr))
		return bad(c, field, "must be an array of strings");
	size_t n = json_array_size(arr);
	if (n > max)
		return sh_error_set(SH_ELIMIT, "%s: %s%s\"%s\" has %zu entries; at most %zu allowed",
				    c->name, c->where, *c->where ? ": " : "", field, n, max);
	for (size_t i = 0; i < n; i++) {
		const char *s;
		char f[64];
		snprintf(f, sizeof f, "%s[%zu]", field, i);
		int rc = check_string(c, f, json_array_get(arr, i), 1, &s);
		if (rc)
			return rc;
		if ((rc = strs_add(l, s)))
			return rc;
	}
	return SH_OK;
}

static int load_list(const ctx *c, const char *field, json_t *arr, paper_strs *l)
{
	return load_list_max(c, field, arr, l, SH_KINDS_LIST_MAX);
}

static int fact_index(const char *name)
{
	for (int f = 0; f < SH_FACT_COUNT; f++)
		if (!strcmp(name, fact_names[f]))
			return f;
	return -1;
}

static int match_set(const char *s, const char *lo, const char *hi, const char *extra, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int ok = 0;
		for (size_t r = 0; lo[r]; r++)
			if (s[i] >= lo[r] && s[i] <= hi[r])
				ok = 1;
		if (extra && strchr(extra, s[i]))
			ok = 1;
		if (!ok)
			return 0;
	}
	return 1;
}

/* "validity": "never" (default) | "printed" | {"days": N} | {"until":
 * "YYYY-MM-DD"}; "reusable": true (default) | false. */
static int load_validity(const ctx *c, paper_kind *p, json_t *o)
{
	json_t *v = json_object_get(o, "validity"), *r = json_object_get(o, "reusable");
	p->reusable = 1;
	if (r) {
		if (!json_is_boolean(r))
			return bad(c, "reusable", "must be true or false");
		p->reusable = json_is_true(r);
	}
	if (!v || (json_is_string(v) && !strcmp(json_string_value(v), "never"))) {
		p->validity = SH_PAPER_VALID_NEVER;
		return SH_OK;
	}
	if (json_is_string(v) && !strcmp(json_string_value(v), "printed")) {
		p->validity = SH_PAPER_VALID_PRINTED;
		return SH_OK;
	}
	json_t *days = json_is_object(v) ? json_object_get(v, "days") : NULL;
	json_t *until = json_is_object(v) ? json_object_get(v, "until") : NULL;
	if (json_is_object(v) && json_object_size(v) == 1 && json_is_integer(days) &&
	    json_integer_value(days) > 0 && json_integer_value(days) <= 36600) {
		p->validity = SH_PAPER_VALID_DAYS;
		p->days = (int)json_integer_value(days);
		return SH_OK;
	}
	int y, m, dd;
	char tail;
	if (json_is_object(v) && json_object_size(v) == 1 && json_is_string(until) &&
	    strlen(json_string_value(until)) == 10 &&
	    sscanf(json_string_value(until), "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && y >= 1900 &&
	    m >= 1 && m <= 12 && dd >= 1 && dd <= 31) {
		p->validity = SH_PAPER_VALID_UNTIL;
		memcpy(p->until, json_string_value(until), 11);
		return SH_OK;
	}
	return bad(c, "validity", "must be \"never\", \"printed\", {\"days\": N} (1..36600) or "
				  "{\"until\": \"YYYY-MM-DD\"}");
}

static int load_kind(sh_kinds *k, size_t idx, json_t *o, const char *name)
{
	ctx c = {name, ""};
	snprintf(c.where, sizeof c.where, "kinds[%zu]", idx);
	if (!json_is_object(o))
		return sh_error_set(SH_EINVAL, "%s: %s must be an object", name, c.where);
	paper_kind *p = &k->v[idx];
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		static const char *const known[] = {"slug", "code", "doc_type", "name", "family",
						    "titles", "symbols", "keywords", "facts", "labels",
						    "validity", "reusable", "form_labels", "number_shapes",
						    "padded_dates"};
		int ok = 0;
		for (size_t i = 0; i < sizeof known / sizeof *known; i++)
			if (!strcmp(key, known[i]))
				ok = 1;
		if (!ok)
			return sh_error_set(SH_EINVAL, "%s: %s: unknown field \"%.64s\" (known: slug, code, "
						       "doc_type, name, family, titles, symbols, keywords, "
						       "facts, labels, validity, reusable, form_labels, number_shapes, "
						       "padded_dates)", name, c.where, key);
	}
	const char *s;
	int rc;
	if ((rc = check_string(&c, "slug", json_object_get(o, "slug"), 1, &s)))
		return rc;
	if (!match_set(s, "a0", "z9", "-", 40))
		return bad(&c, "slug", "must be 1-40 lower-case letters, digits or '-', like \"quyet-dinh\"");
	if (!(p->slug = sh_strdup(s)))
		return SH_ENOMEM;
	snprintf(c.where, sizeof c.where, "kinds[%zu] (\"%s\")", idx, p->slug);
	if ((rc = check_string(&c, "code", json_object_get(o, "code"), 1, &s)))
		return rc;
	if (!match_set(s, "A0", "Z9", NULL, 12))
		return bad(&c, "code", "must match ^[A-Z0-9]{1,12}$, like \"QD\"");
	if (!(p->code = sh_strdup(s)))
		return SH_ENOMEM;
	if ((rc = check_string(&c, "name", json_object_get(o, "name"), 1, &s)))
		return rc;
	if (!(p->name = sh_strdup(s)))
		return SH_ENOMEM;
	v = json_object_get(o, "doc_type");
	if (v && !json_is_null(v)) {
		if ((rc = check_string(&c, "doc_type", v, 1, &s)))
			return rc;
		if (strlen(s) > 32)
			return bad(&c, "doc_type", "must be at most 32 bytes (an abbreviation like \"QĐ\")");
		if (!(p->doc_type = sh_strdup(s)))
			return SH_ENOMEM;
	}
	if ((rc = check_string(&c, "family", json_object_get(o, "family"), 1, &s)))
		return rc;
	if (!strcmp(s, "agency"))
		p->family = PAPER_AGENCY;
	else if (!strcmp(s, "personal"))
		p->family = PAPER_PERSONAL;
	else if (!strcmp(s, "company"))
		p->family = PAPER_COMPANY;
	else if (!strcmp(s, "other"))
		p->family = PAPER_OTHER;
	else
		return bad(&c, "family", "must be one of \"agency\", \"personal\", \"company\", \"other\"");
	static const char *const lists[] = {"titles", "symbols", "keywords", "form_labels", "number_shapes"};
	paper_strs *dst[] = {&p->titles, &p->symbols, &p->keywords, &p->form_labels, &p->number_shapes};
	for (int i = 0; i < 5; i++) {
		v = json_object_get(o, lists[i]);
		if (v && (rc = load_list(&c, lists[i], v, dst[i])))
			return rc;
	}
	v = json_object_get(o, "padded_dates");
	if (v && !json_is_boolean(v))
		return bad(&c, "padded_dates", "must be true or false");
	p->padded_dates = v && json_is_true(v);
	v = json_object_get(o, "facts");
	if (!v)
		return bad(&c, "facts", "is missing: list the facts this kind carries, e.g. [\"doc_type\"]");
	if (!json_is_array(v))
		return bad(&c, "facts", "must be an array of fact names");
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		int f = json_is_string(e) ? fact_index(json_string_value(e)) : -1;
		if (f < 0)
			return sh_error_set(SH_EINVAL, "%s: %s: \"facts[%zu]\" is not a fact name (known: "
						       "doc_type, number, date, issuer, title, signer, "
						       "signer_title, owner_id, owner_name, birth_date, sex, "
						       "valid_until, old_id, address, parcel, map_sheet, "
						       "area, holders, event_date)", name, c.where, i);
		if (p->facts & (1u << f))
			return sh_error_set(SH_EINVAL, "%s: %s: fact \"%s\" is listed twice", name, c.where,
					    fact_names[f]);
		p->facts |= 1u << f;
	}
	if ((rc = load_validity(&c, p, o)))
		return rc;
	v = json_object_get(o, "labels");
	if (v) {
		if (!json_is_object(v))
			return bad(&c, "labels", "must be an object of fact name to array of labels");
		json_t *lv;
		json_object_foreach(v, key, lv)
		{
			int f = fact_index(key);
			if (f < 0)
				return sh_error_set(SH_EINVAL, "%s: %s: \"labels\" has unknown fact \"%.64s\"",
						    name, c.where, key);
			char field[48];
			snprintf(field, sizeof field, "labels.%s", key);
			if ((rc = load_list(&c, field, lv, &p->labels[f])))
				return rc;
		}
	}
	return SH_OK;
}

/* The catalogue's top level, field by field in file order (~140 lines on
 * purpose: a flat list of independent checks, each a few lines, that reads
 * like the format in docs/PAPERS.md). */
static int load_top(sh_kinds *k, json_t *root, const char *name)
{
	ctx c = {name, ""};
	if (!json_is_object(root))
		return sh_error_set(SH_EINVAL, "%s: the catalogue must be a JSON object with \"format\", "
					       "\"version\" and \"kinds\"", name);
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "format") && strcmp(key, "version") && strcmp(key, "kinds") &&
		    strcmp(key, "bodies") && strcmp(key, "places") && strcmp(key, "positions") &&
		    strcmp(key, "corrections") && strcmp(key, "lexicon") && strcmp(key, "phrases") &&
		    strcmp(key, "gazetteer") && strcmp(key, "words"))
			return sh_error_set(SH_EINVAL, "%s: unknown top-level field \"%.64s\" (known: "
						       "format, version, bodies, places, positions, corrections, "
						       "phrases, lexicon, gazetteer, words, kinds)",
					    name, key);
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), "sohoa-kinds"))
		return bad(&c, "format", "must be \"sohoa-kinds\"");
	v = json_object_get(root, "version");
	if (!json_is_integer(v))
		return bad(&c, "version", "must be the integer 1");
	if (json_integer_value(v) != 1)
		return sh_error_set(SH_EVERSION, "%s: catalogue version %lld is not known to this "
						 "program (it reads version 1): update sohoa",
				    name, (long long)json_integer_value(v));
	int rc;
	static const char *const files[3] = {"lexicon", "gazetteer", "words"};
	for (int i = 0; i < 3; i++) {
		if (!(v = json_object_get(root, files[i])))
			continue;
		const char *s;
		if ((rc = check_string(&c, files[i], v, 1, &s)))
			return rc;
		if (s[0] == '/' || strstr(s, ".."))
			return bad(&c, files[i], "must be a file name beside the catalogue (no \"/\" "
						 "at the start, no \"..\")");
		char **slot = i == 2 ? &k->words_file : i ? &k->gazetteer_file : &k->lexicon_file;
		if (!(*slot = sh_strdup(s)))
			return SH_ENOMEM;
	}
	v = json_object_get(root, "places");
	if (v && (rc = load_list(&c, "places", v, &k->places)))
		return rc;
	v = json_object_get(root, "phrases");
	if (v && (rc = load_list(&c, "phrases", v, &k->phrases)))
		return rc;
	v = json_object_get(root, "positions");
	if (v && (rc = load_list(&c, "positions", v, &k->positions)))
		return rc;
	v = json_object_get(root, "bodies");
	if (v) {
		if (!json_is_object(v))
			return bad(&c, "bodies", "must be an object of printed name to written form");
		size_t n = json_object_size(v);
		if (n > SH_KINDS_LIST_MAX)
			return sh_error_set(SH_ELIMIT, "%s: \"bodies\" has %zu entries; at most %d allowed",
					    name, n, SH_KINDS_LIST_MAX);
		if (n && !(k->body_short = sh_calloc(n, sizeof *k->body_short)))
			return SH_ENOMEM;
		json_t *bv;
		json_object_foreach(v, key, bv)
		{
			const char *s;
			char field[300];
			snprintf(field, sizeof field, "bodies.%.200s", key);
			json_t *kv = json_string(key);
			if (!kv)
				return sh_error_set(SH_ENOMEM, "out of memory");
			rc = check_string(&c, field, kv, 1, &s);
			if (!rc)
				rc = strs_add(&k->bodies, s);
			json_decref(kv);
			if (rc)
				return rc;
			if ((rc = check_string(&c, field, bv, 1, &s)))
				return rc;
			if (!(k->body_short[k->bodies.n - 1] = sh_strdup(s)))
				return SH_ENOMEM;
		}
	}
	v = json_object_get(root, "corrections");
	if (v) {
		if (!json_is_object(v))
			return bad(&c, "corrections", "must be an object of OCR misreading to phrase");
		size_t n = json_object_size(v);
		if (n > SH_KINDS_LIST_MAX)
			return sh_error_set(SH_ELIMIT, "%s: \"corrections\" has %zu entries; at most %d "
						       "allowed", name, n, SH_KINDS_LIST_MAX);
		if (n && !(k->fix_to = sh_calloc(n, sizeof *k->fix_to)))
			return SH_ENOMEM;
		json_t *cv;
		json_object_foreach(v, key, cv)
		{
			const char *s;
			char field[300];
			snprintf(field, sizeof field, "corrections.%.200s", key);
			json_t *kv = json_string(key);
			if (!kv)
				return sh_error_set(SH_ENOMEM, "out of memory");
			rc = check_string(&c, field, kv, 1, &s);
			if (!rc)
				rc = strs_add(&k->fix_from, s);
			json_decref(kv);
			if (rc)
				return rc;
			if ((rc = check_string(&c, field, cv, 1, &s)))
				return rc;
			if (!(k->fix_to[k->fix_from.n - 1] = sh_strdup(s)))
				return SH_ENOMEM;
		}
	}
	v = json_object_get(root, "kinds");
	if (!json_is_array(v) || json_array_size(v) == 0)
		return bad(&c, "kinds", "must be a non-empty array of kinds");
	size_t n = json_array_size(v);
	if (n > SH_KINDS_MAX)
		return sh_error_set(SH_ELIMIT, "%s: %zu kinds; at most %d allowed", name, n, SH_KINDS_MAX);
	if (!(k->v = sh_calloc(n, sizeof *k->v)))
		return SH_ENOMEM;
	size_t others = 0;
	for (size_t i = 0; i < n; i++) {
		k->n = i + 1;
		if ((rc = load_kind(k, i, json_array_get(v, i), name)))
			return rc;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(k->v[j].slug, k->v[i].slug))
				return sh_error_set(SH_EINVAL, "%s: kinds[%zu] and kinds[%zu] have the same "
							       "slug \"%s\"", name, j, i, k->v[i].slug);
			if (!strcmp(k->v[j].code, k->v[i].code))
				return sh_error_set(SH_EINVAL, "%s: kinds[%zu] and kinds[%zu] have the same "
							       "code \"%s\"", name, j, i, k->v[i].code);
		}
		if (k->v[i].family == PAPER_OTHER) {
			others++;
			k->other = i;
		}
	}
	if (others != 1)
		return sh_error_set(SH_EINVAL, "%s: exactly one kind must have family \"other\" (the "
					       "fallback for unrecognised papers); found %zu",
				    name, others);
	return SH_OK;
}

/* ---- lexicon (names file) ---------------------------------------------- */

static int lextab_add(paper_lextab *x, const char *w, unsigned long weight)
{
	char **nw = sh_realloc(x->word, (x->n + 1) * sizeof *nw);
	if (!nw)
		return SH_ENOMEM;
	x->word = nw;
	char **nf = sh_realloc(x->fold, (x->n + 1) * sizeof *nf);
	if (!nf)
		return SH_ENOMEM;
	x->fold = nf;
	unsigned long *nn = sh_realloc(x->weight, (x->n + 1) * sizeof *nn);
	if (!nn)
		return SH_ENOMEM;
	x->weight = nn;
	char *o = NULL, *f = NULL;
	if (sh_text_nfc(&o, w, strlen(w)) || paper_fold(&f, NULL, NULL, w, strlen(w))) {
		sh_free(o);
		return SH_ENOMEM;
	}
	x->word[x->n] = o;
	x->fold[x->n] = f;
	x->weight[x->n] = weight;
	x->n++;
	return SH_OK;
}

/* The words of every place name (catalogue and lexicon), counted: a word
 * of a place not listed is restored from them. */
static int place_words(sh_kinds *k)
{
	paper_lextab *x = &k->lex[LEX_PLACE_WORD];
	for (size_t i = 0; i < x->n; i++) {
		sh_free(x->word[i]);
		sh_free(x->fold[i]);
	}
	x->n = 0;
	const paper_strs *lists[2] = {&k->places, &k->lex_places};
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *p = lists[l]->orig[i];
			while (*p) {
				size_t n = strcspn(p, " -'");
				if (n) {
					char *w = sh_strndup(p, n);
					if (!w)
						return SH_ENOMEM;
					char *nf = NULL;
					int rc = sh_text_nfc(&nf, w, n);
					sh_free(w);
					if (rc)
						return SH_ENOMEM;
					size_t j = 0;
					while (j < x->n && strcmp(x->word[j], nf))
						j++;
					if (j < x->n)
						x->weight[j]++;
					else
						rc = lextab_add(x, nf, 1);
					sh_free(nf);
					if (rc)
						return rc;
				}
				p += n;
				while (*p == ' ' || *p == '-' || *p == '\'')
					p++;
			}
		}
	return SH_OK;
}

static int load_lextab(const ctx *c, const char *field, json_t *v, paper_lextab *x)
{
	if (!json_is_object(v))
		return bad(c, field, "must be an object of name word to how common it is (a "
				     "positive integer)");
	size_t n = json_object_size(v);
	if (n > PAPER_LEX_MAX)
		return sh_error_set(SH_ELIMIT, "%s: \"%s\" has %zu entries; at most %d allowed", c->name,
				    field, n, PAPER_LEX_MAX);
	const char *key;
	json_t *wv;
	json_object_foreach(v, key, wv)
	{
		char f[300];
		snprintf(f, sizeof f, "%s.%.200s", field, key);
		json_t *kv = json_string(key);
		if (!kv)
			return SH_ENOMEM;
		const char *s;
		int rc = check_string(c, f, kv, 1, &s);
		if (!rc && strpbrk(s, " ,.;:/0123456789"))
			rc = bad(c, f, "must be one word of letters (no spaces, digits or punctuation)");
		if (rc) {
			json_decref(kv);
			return rc;
		}
		if (!json_is_integer(wv) || json_integer_value(wv) < 1 ||
		    json_integer_value(wv) > 100000000) {
			json_decref(kv);
			return bad(c, f, "must be how common the word is: an integer from 1 to 100000000");
		}
		rc = lextab_add(x, s, (unsigned long)json_integer_value(wv));
		json_decref(kv);
		if (rc)
			return rc;
	}
	return SH_OK;
}

static int load_lexicon(sh_kinds *k, json_t *root, const char *name)
{
	ctx c = {name, ""};
	if (!json_is_object(root))
		return sh_error_set(SH_EINVAL, "%s: the lexicon must be a JSON object with \"format\": "
					       "\"sohoa-names\" and \"version\": 1", name);
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "format") && strcmp(key, "version") && strcmp(key, "surnames") &&
		    strcmp(key, "middle") && strcmp(key, "given") && strcmp(key, "places") &&
		    strcmp(key, "company"))
			return sh_error_set(SH_EINVAL, "%s: unknown top-level field \"%.64s\" (known: "
						       "format, version, surnames, middle, given, places, company)",
					    name, key);
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), "sohoa-names"))
		return bad(&c, "format", "must be \"sohoa-names\"");
	v = json_object_get(root, "version");
	if (!json_is_integer(v))
		return bad(&c, "version", "must be the integer 1");
	if (json_integer_value(v) != 1)
		return sh_error_set(SH_EVERSION, "%s: lexicon version %lld is not known to this "
						 "program (it reads version 1): update sohoa",
				    name, (long long)json_integer_value(v));
	static const char *const tabs[3] = {"surnames", "middle", "given"};
	int rc;
	for (int t = 0; t < 3; t++)
		if ((v = json_object_get(root, tabs[t])) && (rc = load_lextab(&c, tabs[t], v, &k->lex[t])))
			return rc;
	if ((v = json_object_get(root, "company")) &&
	    (rc = load_lextab(&c, "company", v, &k->lex[LEX_COMPANY])))
		return rc;
	v = json_object_get(root, "places");
	if (v && (rc = load_list_max(&c, "places", v, &k->lex_places, PAPER_LEX_MAX)))
		return rc;
	return place_words(k);
}

int paper_lexicon_parse(sh_kinds *k, const char *data, size_t len, const char *name)
{
	if (!name)
		name = "lexicon";
	lexicon_clear(k);
	if (!data)
		return sh_error_set(SH_EINVAL, "%s: no data", name);
	if (len > SH_KINDS_FILE_MAX)
		return sh_error_set(SH_ELIMIT, "%s: %zu bytes is over the limit of %zu bytes", name, len,
				    SH_KINDS_FILE_MAX);
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return sh_error_set(SH_EINVAL, "%s: line %d, column %d: %s", name, err.line, err.column,
				    err.text);
	int rc = load_lexicon(k, root, name);
	json_decref(root);
	if (rc) {
		if (rc == SH_ENOMEM && sh_error_last() != SH_ENOMEM)
			sh_error_set(SH_ENOMEM, "%s: out of memory while loading", name);
		lexicon_clear(k);
		place_words(k); /* the catalogue's own places; no allocation is kept on failure */
	}
	return rc;
}

/* ---- lists beside the catalogue: gazetteer (places file) and title
 * words (words file), one loader for both ------------------------------ */

/* what a list file is: its format name, list field and size, and its
 * messages (whole sentences for the translators) */
typedef struct list_file {
	const char *format, *field;
	size_t max;
	const char *not_object, *unknown_field, *version; /* formats: name; name, key; name, version */
} list_file;

static const list_file gazetteer_file = {
	"sohoa-places", "places", PAPER_GAZ_MAX,
	N_("%s: the gazetteer must be a JSON object with \"format\": \"sohoa-places\", \"version\": 1 and "
	   "\"places\""),
	N_("%s: unknown top-level field \"%.64s\" (known: format, version, source, places)"),
	N_("%s: gazetteer version %lld is not known to this program (it reads version 1): update sohoa")};
static const list_file words_file = {
	"sohoa-words", "words", PAPER_WORDS_MAX,
	N_("%s: the title words file must be a JSON object with \"format\": \"sohoa-words\", \"version\": 1 "
	   "and \"words\""),
	N_("%s: unknown top-level field \"%.64s\" (known: format, version, source, words)"),
	N_("%s: title words file version %lld is not known to this program (it reads version 1): update "
	   "sohoa")};

static int load_list_file(const list_file *lf, paper_strs *dst, json_t *root, const char *name)
{
	ctx c = {name, ""};
	if (!json_is_object(root))
		return sh_error_set(SH_EINVAL, lf->not_object, name);
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "format") && strcmp(key, "version") && strcmp(key, "source") &&
		    strcmp(key, lf->field))
			return sh_error_set(SH_EINVAL, lf->unknown_field, name, key);
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), lf->format)) {
		char want[48];
		snprintf(want, sizeof want, "must be \"%s\"", lf->format);
		return bad(&c, "format", want);
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v))
		return bad(&c, "version", "must be the integer 1");
	if (json_integer_value(v) != 1)
		return sh_error_set(SH_EVERSION, lf->version, name, (long long)json_integer_value(v));
	const char *s;
	int rc;
	if ((v = json_object_get(root, "source")) && (rc = check_string(&c, "source", v, 0, &s)))
		return rc;
	if (!(v = json_object_get(root, lf->field)))
		return bad(&c, lf->field, "is missing");
	return load_list_max(&c, lf->field, v, dst, lf->max);
}

static int list_file_parse(const list_file *lf, paper_strs *dst, const char *data, size_t len,
			   const char *name)
{
	if (!name)
		name = lf == &gazetteer_file ? "gazetteer" : "title words";
	strs_clear(dst);
	if (!data)
		return sh_error_set(SH_EINVAL, "%s: no data", name);
	if (len > SH_KINDS_FILE_MAX)
		return sh_error_set(SH_ELIMIT, "%s: %zu bytes is over the limit of %zu bytes", name, len,
				    SH_KINDS_FILE_MAX);
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return sh_error_set(SH_EINVAL, "%s: line %d, column %d: %s", name, err.line, err.column,
				    err.text);
	int rc = load_list_file(lf, dst, root, name);
	json_decref(root);
	if (rc) {
		if (rc == SH_ENOMEM && sh_error_last() != SH_ENOMEM)
			sh_error_set(SH_ENOMEM, "%s: out of memory while loading", name);
		strs_clear(dst);
	}
	return rc;
}

int paper_gazetteer_parse(sh_kinds *k, const char *data, size_t len, const char *name)
{
	return list_file_parse(&gazetteer_file, &k->gazetteer, data, len, name);
}

int paper_words_parse(sh_kinds *k, const char *data, size_t len, const char *name)
{
	return list_file_parse(&words_file, &k->words, data, len, name);
}

int sh_kinds_parse(sh_kinds **out, const char *data, size_t len, const char *name)
{
	*out = NULL;
	if (!name)
		name = "kind catalogue";
	if (!data)
		return sh_error_set(SH_EINVAL, "%s: no data", name);
	if (len > SH_KINDS_FILE_MAX)
		return sh_error_set(SH_ELIMIT, "%s: %zu bytes is over the limit of %zu bytes", name, len,
				    SH_KINDS_FILE_MAX);
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return sh_error_set(SH_EINVAL, "%s: line %d, column %d: %s", name, err.line, err.column,
				    err.text);
	int rc;
	sh_kinds *k = sh_calloc(1, sizeof *k);
	if (!k) {
		rc = SH_ENOMEM;
		goto out;
	}
	rc = load_top(k, root, name);
	if (!rc)
		rc = place_words(k);
out:
	json_decref(root);
	if (rc) {
		if (rc == SH_ENOMEM && sh_error_last() != SH_ENOMEM)
			sh_error_set(SH_ENOMEM, "%s: out of memory while loading", name);
		sh_kinds_free(&k);
		return rc;
	}
	*out = k;
	return SH_OK;
}

/* Parse the file the catalogue at path names (name, beside it) with
 * parse; what names the catalogue's field in messages. */
static int load_beside(sh_kinds *k, const char *path, const char *name, const char *what,
		       int (*parse)(sh_kinds *, const char *, size_t, const char *))
{
	const char *slash = strrchr(path, '/');
	char *lp = sh_asprintf("%.*s%s", slash ? (int)(slash - path + 1) : 0, path, name);
	if (!lp)
		return sh_error_set(SH_ENOMEM, "out of memory");
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sh_file_read(&data, &len, lp, SH_KINDS_FILE_MAX);
	if (rc == SH_ENOTFOUND)
		rc = sh_error_set(SH_ENOTFOUND, "%s: the %s \"%s\" it names is not there (%s): "
					       "restore it or remove \"%s\"",
				  path, what, name, lp, what);
	if (!rc)
		rc = parse(k, (const char *)data, len, lp);
	sh_free(data);
	sh_free(lp);
	return rc;
}

int sh_kinds_load(sh_kinds **out, const char *path)
{
	*out = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sh_file_read(&data, &len, path, SH_KINDS_FILE_MAX);
	if (rc)
		return rc;
	rc = sh_kinds_parse(out, (const char *)data, len, path);
	sh_free(data);
	if (rc)
		return rc;
	if ((*out)->lexicon_file)
		rc = load_beside(*out, path, (*out)->lexicon_file, "lexicon", paper_lexicon_parse);
	if (!rc && (*out)->gazetteer_file)
		rc = load_beside(*out, path, (*out)->gazetteer_file, "gazetteer", paper_gazetteer_parse);
	if (!rc && (*out)->words_file)
		rc = load_beside(*out, path, (*out)->words_file, "words", paper_words_parse);
	if (rc)
		sh_kinds_free(out);
	return rc;
}

static const paper_kind *kind_by_code(const sh_kinds *kinds, const char *code)
{
	if (!kinds || !code)
		return NULL;
	for (size_t i = 0; i < kinds->n; i++)
		if (!strcmp(kinds->v[i].code, code))
			return &kinds->v[i];
	return NULL;
}

const char *sh_paper_kind_name(const sh_kinds *kinds, const char *code)
{
	const paper_kind *p = kind_by_code(kinds, code);
	return p ? p->name : NULL;
}

int sh_paper_kind_validity(const sh_kinds *kinds, const char *code, int *rule, int *days,
			   const char **until, int *reusable)
{
	const paper_kind *p = kind_by_code(kinds, code);
	if (!p)
		return sh_error_set(SH_ENOTFOUND, "no kind with code \"%.32s\" in the kind catalogue",
				    code ? code : "(null)");
	if (rule)
		*rule = p->validity;
	if (days)
		*days = p->validity == SH_PAPER_VALID_DAYS ? p->days : 0;
	if (until)
		*until = p->validity == SH_PAPER_VALID_UNTIL ? p->until : NULL;
	if (reusable)
		*reusable = p->reusable;
	return SH_OK;
}

size_t sh_kinds_count(const sh_kinds *kinds)
{
	return kinds ? kinds->n : 0;
}

const char *sh_kinds_slug(const sh_kinds *kinds, size_t i)
{
	return kinds && i < kinds->n ? kinds->v[i].slug : NULL;
}

const char *sh_kinds_code(const sh_kinds *kinds, size_t i)
{
	return kinds && i < kinds->n ? kinds->v[i].code : NULL;
}

const char *sh_kinds_name(const sh_kinds *kinds, size_t i)
{
	return kinds && i < kinds->n ? kinds->v[i].name : NULL;
}

size_t sh_kinds_other(const sh_kinds *kinds)
{
	return kinds ? kinds->other : 0;
}
