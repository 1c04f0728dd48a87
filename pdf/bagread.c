/* pdf/bagread.c — reading a BagIt bag (RFC 8493): the checks bagit-python's
 * validate() makes (required files, bagit.txt version and encoding, no
 * unsafe paths, Payload-Oxum, completeness both ways, every checksum of the
 * manifest and the tag manifest), then `import-bag`: every paper's proof
 * bundle verified against keys the importer trusts and the papers filed
 * through sh_wh_import in one transaction. The tag-file and manifest parsers
 * work on memory and are fuzzed (tests/fuzz/fuzz_bag.c). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "pdf_int.h"
#include "sh_pdf.h"

#define BAG_MAX_TAGFILE (1u << 20)
#define BAG_MAX_MANIFEST (64u << 20)

void pdf_bag_tags_free(pdf_bag_tag *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++) {
		sh_free(t[i].label);
		sh_free(t[i].value);
	}
	sh_free(t);
}

/* RFC 8493 2.2.2: "Label: value" lines, a value continued on lines that
 * begin with whitespace. */
int pdf_bag_tags_parse(const char *text, size_t len, pdf_bag_tag **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!sh_text_valid(text, len))
		return sh_error_set(SH_EINVAL, "a tag file is not UTF-8");
	size_t cap = 0;
	int rc = SH_OK;
	const char *p = text, *end = text + len;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3; /* a BOM, as bagit-python allows */
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (memchr(p, '\0', ll)) {
			rc = sh_error_set(SH_EINVAL, "a tag file holds a NUL byte");
			break;
		}
		if (p[0] == ' ' || p[0] == '\t') {
			if (!*n) {
				rc = sh_error_set(SH_EINVAL, "a tag file begins with a continuation line");
				break;
			}
			pdf_bag_tag *t = &(*out)[*n - 1];
			size_t ol = strlen(t->value);
			const char *c = p;
			while (c < p + ll && (*c == ' ' || *c == '\t'))
				c++;
			char *nv = sh_realloc(t->value, ol + 2 + (size_t)(p + ll - c));
			if (!nv) {
				rc = SH_ENOMEM;
				break;
			}
			nv[ol] = ' ';
			memcpy(nv + ol + 1, c, (size_t)(p + ll - c));
			nv[ol + 1 + (p + ll - c)] = 0;
			t->value = nv;
		} else {
			const char *colon = memchr(p, ':', ll);
			if (!colon || colon == p) {
				rc = sh_error_set(SH_EINVAL, "tag line '%.*s' has no 'Label: value'", (int)(ll < 40 ? ll : 40), p);
				break;
			}
			if (*n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				pdf_bag_tag *nt = sh_realloc(*out, nc * sizeof *nt);
				if (!nt) {
					rc = SH_ENOMEM;
					break;
				}
				*out = nt;
				cap = nc;
			}
			const char *lab_end = colon;
			while (lab_end > p && (lab_end[-1] == ' ' || lab_end[-1] == '\t'))
				lab_end--;
			const char *v = colon + 1;
			while (v < p + ll && (*v == ' ' || *v == '\t'))
				v++;
			pdf_bag_tag *t = &(*out)[*n];
			t->label = sh_strndup(p, (size_t)(lab_end - p));
			t->value = sh_strndup(v, (size_t)(p + ll - v));
			(*n)++;
			if (!t->label || !t->value)
				rc = SH_ENOMEM;
		}
		p = nl ? nl + 1 : end;
	}
	if (rc) {
		pdf_bag_tags_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

const char *pdf_bag_tag_get(const pdf_bag_tag *t, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(t[i].label, label))
			return t[i].value;
	return NULL;
}

void pdf_bag_manifest_free(pdf_bag_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++)
		sh_free(e[i].path);
	sh_free(e);
}

/* bagit-python's _path_is_dangerous: absolute, "..", or (for the payload)
 * outside data/; also backslashes, empty components and control bytes,
 * which no bag we write holds and no file system path needs. */
static const char *path_danger(const char *p, int payload)
{
	if (!*p)
		return N_("an empty path");
	if (p[0] == '/' || p[0] == '~')
		return N_("an absolute path");
	if (strchr(p, '\\'))
		return N_("a backslash in the path");
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c < 0x20 || *c == 0x7F)
			return N_("a control character in the path");
	const char *s = p;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l == 0 || (l == 1 && s[0] == '.'))
			return N_("an empty or '.' path component");
		if (l == 2 && s[0] == '.' && s[1] == '.')
			return N_("'..' in the path");
		s += l;
		if (*s == '/')
			s++;
	}
	if (payload && strncmp(p, "data/", 5))
		return N_("a payload path outside data/");
	if (!payload && !strncmp(p, "data/", 5))
		return N_("a tag manifest naming a payload file");
	return NULL;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* "<64 hex>  <path>" lines (any run of spaces or tabs between, as
 * bagit-python splits); %0D %0A %25 decoded (RFC 8493 2.1.3). */
int pdf_bag_manifest_parse(const char *text, size_t len, int payload, pdf_bag_entry **out,
			   size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!sh_text_valid(text, len))
		return sh_error_set(SH_EINVAL, "a manifest is not UTF-8");
	size_t cap = 0;
	int rc = SH_OK;
	const char *p = text, *end = text + len;
	size_t line = 0;
	while (p < end && !rc) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		const char *next = nl ? nl + 1 : end;
		if (ll == 0) {
			p = next;
			continue;
		}
		if (ll < 2 * SH_SHA256_LEN + 2) {
			rc = sh_error_set(SH_EINVAL, "manifest line %zu is too short", line);
			break;
		}
		pdf_bag_entry e;
		memset(&e, 0, sizeof e);
		for (int i = 0; i < SH_SHA256_LEN && !rc; i++) {
			int h = hexval(p[2 * i]), l = hexval(p[2 * i + 1]);
			if (h < 0 || l < 0)
				rc = sh_error_set(SH_EINVAL, "manifest line %zu: not a SHA-256", line);
			else
				e.sha[i] = (uint8_t)(h << 4 | l);
		}
		if (rc)
			break;
		const char *q = p + 2 * SH_SHA256_LEN;
		if (*q != ' ' && *q != '\t') {
			rc = sh_error_set(SH_EINVAL, "manifest line %zu: not a SHA-256", line);
			break;
		}
		while (q < p + ll && (*q == ' ' || *q == '\t'))
			q++;
		if (q == p + ll) {
			rc = sh_error_set(SH_EINVAL, "manifest line %zu has no path", line);
			break;
		}
		char *path = sh_malloc((size_t)(p + ll - q) + 1);
		if (!path) {
			rc = SH_ENOMEM;
			break;
		}
		size_t k = 0;
		for (const char *c = q; c < p + ll; c++) {
			if (*c == '%' && (p + ll) - c >= 3 && hexval(c[1]) >= 0 && hexval(c[2]) >= 0) {
				int v = hexval(c[1]) << 4 | hexval(c[2]);
				if (v == '\r' || v == '\n' || v == '%') {
					path[k++] = (char)v;
					c += 2;
					continue;
				}
			}
			path[k++] = *c;
		}
		path[k] = 0;
		const char *why = k != strlen(path) ? N_("a NUL in the path") : path_danger(path, payload);
		if (why) {
			rc = sh_error_set(SH_EINVAL, "manifest line %zu: %s (%.60s)", line, _(why), path);
			sh_free(path);
			break;
		}
		for (size_t i = 0; i < *n && !rc; i++)
			if (!strcmp((*out)[i].path, path))
				rc = sh_error_set(SH_EINVAL, "manifest names %.60s twice", path);
		if (!rc && *n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			pdf_bag_entry *ne = sh_realloc(*out, nc * sizeof *ne);
			if (!ne)
				rc = SH_ENOMEM;
			else {
				*out = ne;
				cap = nc;
			}
		}
		if (rc) {
			sh_free(path);
			break;
		}
		e.path = path;
		(*out)[(*n)++] = e;
		p = next;
	}
	if (rc) {
		pdf_bag_manifest_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- validation on disk --------------------------------------------------- */

typedef struct vctx {
	const char *dir;
	sh_pdf_report_fn report;
	void *arg;
	size_t problems;
	char **files; /* payload files found on disk (relative paths) */
	size_t nfiles, cap;
	unsigned long long bytes;
} vctx;

static void problem(vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(vctx *v, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, _(fmt), ap);
	va_end(ap);
	v->problems++;
	if (v->report)
		v->report(v->arg, msg);
}

static int read_rel(const vctx *v, const char *rel, size_t max, uint8_t **out, size_t *len)
{
	char *p = sh_asprintf("%s/%s", v->dir, rel);
	if (!p)
		return SH_ENOMEM;
	struct stat st;
	int rc;
	if (lstat(p, &st))
		rc = sh_error_set(SH_ENOTFOUND, "%s is missing", rel);
	else if (!S_ISREG(st.st_mode))
		rc = sh_error_set(SH_EINVAL, "%s is not a regular file (a link?)", rel);
	else
		rc = sh_file_read(out, len, p, max);
	sh_free(p);
	return rc;
}

/* Every entry under rel (a directory), recursively: regular files are
 * recorded, anything else is a problem. */
static int scan(vctx *v, const char *rel, int depth)
{
	if (depth > 32) {
		problem(v, "%s: folders nested too deep", rel);
		return SH_OK;
	}
	char *d = sh_asprintf("%s/%s", v->dir, rel);
	if (!d)
		return SH_ENOMEM;
	DIR *dh = opendir(d);
	sh_free(d);
	if (!dh) {
		problem(v, "%s cannot be read (%s)", rel, strerror(errno));
		return SH_OK;
	}
	int rc = SH_OK;
	struct dirent *e;
	while (!rc && (e = readdir(dh))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = sh_asprintf("%s/%s", rel, e->d_name);
		char *full = sub ? sh_asprintf("%s/%s", v->dir, sub) : NULL;
		struct stat st;
		if (!sub || !full) {
			rc = SH_ENOMEM;
		} else if (lstat(full, &st)) {
			problem(v, "%s cannot be read (%s)", sub, strerror(errno));
		} else if (S_ISLNK(st.st_mode)) {
			problem(v, "%s is a symbolic link (unsafe in a bag)", sub);
		} else if (S_ISDIR(st.st_mode)) {
			rc = scan(v, sub, depth + 1);
		} else if (!S_ISREG(st.st_mode)) {
			problem(v, "%s is not a regular file", sub);
		} else {
			if (v->nfiles == v->cap) {
				size_t nc = v->cap ? v->cap * 2 : 256;
				char **nf = sh_realloc(v->files, nc * sizeof *nf);
				if (!nf)
					rc = SH_ENOMEM;
				else {
					v->files = nf;
					v->cap = nc;
				}
			}
			if (!rc) {
				v->files[v->nfiles++] = sub;
				sub = NULL;
				v->bytes += (unsigned long long)st.st_size;
			}
		}
		sh_free(sub);
		sh_free(full);
	}
	closedir(dh);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry of a manifest: the file there, regular, its SHA-256. */
static int check_entries(vctx *v, const char *name, const pdf_bag_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t *d = NULL;
		size_t len = 0;
		int rc = read_rel(v, e[i].path, SH_FILE_MAX, &d, &len);
		if (rc == SH_ENOMEM)
			return rc;
		if (rc) {
			problem(v, "%s: %s", name, sh_error_message());
			continue;
		}
		uint8_t sha[SH_SHA256_LEN];
		sh_sha256(sha, d, len);
		sh_free(d);
		if (memcmp(sha, e[i].sha, SH_SHA256_LEN))
			problem(v, "%s: %s does not match its SHA-256 (altered)", name, e[i].path);
	}
	return SH_OK;
}

/* Long on purpose: bagit-python's validate() steps in its order (bagit.txt,
 * bag-info, manifests, completeness both ways, Payload-Oxum, checksums). */
static int validate(vctx *v, pdf_bag_tag **info, size_t *ninfo, pdf_bag_entry **pm,
		    size_t *npm)
{
	uint8_t *b = NULL;
	size_t len = 0;
	pdf_bag_tag *t = NULL;
	size_t nt = 0;
	struct stat st;
	int rc;
	/* bagit.txt: the version and the encoding, nothing else */
	if ((rc = read_rel(v, "bagit.txt", BAG_MAX_TAGFILE, &b, &len))) {
		if (rc == SH_ENOMEM)
			return rc;
		problem(v, "bagit.txt: %s", sh_error_message());
	} else if ((rc = pdf_bag_tags_parse((const char *)b, len, &t, &nt))) {
		if (rc == SH_ENOMEM) {
			sh_free(b);
			return rc;
		}
		problem(v, "bagit.txt: %s", sh_error_message());
	} else {
		const char *ver = pdf_bag_tag_get(t, nt, "BagIt-Version");
		const char *enc = pdf_bag_tag_get(t, nt, "Tag-File-Character-Encoding");
		if (nt != 2 || !ver || !enc)
			problem(v, "bagit.txt must hold exactly BagIt-Version and "
				   "Tag-File-Character-Encoding");
		if (ver && strcmp(ver, "1.0") && strcmp(ver, "0.97"))
			problem(v, "bagit.txt: BagIt-Version %.20s is not 1.0 or 0.97", ver);
		if (enc && strcasecmp(enc, "UTF-8"))
			problem(v, "bagit.txt: tag files in %.20s, only UTF-8 is read", enc);
	}
	sh_free(b);
	b = NULL;
	pdf_bag_tags_free(t, nt);
	/* bag-info.txt (optional in RFC 8493) */
	if ((rc = read_rel(v, "bag-info.txt", BAG_MAX_TAGFILE, &b, &len)) == SH_OK) {
		if ((rc = pdf_bag_tags_parse((const char *)b, len, info, ninfo)) == SH_ENOMEM) {
			sh_free(b);
			return rc;
		}
		if (rc)
			problem(v, "bag-info.txt: %s", sh_error_message());
	} else if (rc == SH_ENOMEM) {
		return rc;
	} else if (rc != SH_ENOTFOUND) {
		problem(v, "bag-info.txt: %s", sh_error_message());
	}
	sh_free(b);
	b = NULL;
	/* the payload directory, what is in it */
	char *data = sh_asprintf("%s/data", v->dir);
	if (!data)
		return SH_ENOMEM;
	int have_data = !lstat(data, &st) && S_ISDIR(st.st_mode);
	sh_free(data);
	if (!have_data)
		problem(v, "the payload folder data/ is missing (or not a folder)");
	else if ((rc = scan(v, "data", 0)))
		return rc;
	qsort(v->files, v->nfiles, sizeof *v->files, cmp_str);
	/* top level: only tag files, no fetch.txt */
	DIR *dh = opendir(v->dir);
	struct dirent *e;
	int other_alg = 0;
	while (dh && (e = readdir(dh))) {
		const char *nm = e->d_name;
		if (!strcmp(nm, "fetch.txt"))
			problem(v, "fetch.txt: bags that fetch files from elsewhere are not taken");
		else if ((!strncmp(nm, "manifest-", 9) || !strncmp(nm, "tagmanifest-", 12)) &&
			 strcmp(nm, "manifest-sha256.txt") && strcmp(nm, "tagmanifest-sha256.txt"))
			other_alg++;
	}
	if (dh)
		closedir(dh);
	if (other_alg)
		problem(v, "a manifest of an algorithm other than SHA-256 (only sha256 is checked)");
	/* the payload manifest: every entry there and right, every file listed */
	if ((rc = read_rel(v, "manifest-sha256.txt", BAG_MAX_MANIFEST, &b, &len))) {
		if (rc == SH_ENOMEM)
			return rc;
		problem(v, "manifest-sha256.txt: %s (a bag needs a payload manifest)",
			sh_error_message());
	} else if ((rc = pdf_bag_manifest_parse((const char *)b, len, 1, pm, npm))) {
		sh_free(b);
		if (rc == SH_ENOMEM)
			return rc;
		problem(v, "manifest-sha256.txt: %s", sh_error_message());
		b = NULL;
	} else {
		for (size_t i = 0; i < v->nfiles; i++) {
			int listed = 0;
			for (size_t k = 0; k < *npm && !listed; k++)
				listed = !strcmp((*pm)[k].path, v->files[i]);
			if (!listed)
				problem(v, "%s is in the bag but not in manifest-sha256.txt", v->files[i]);
		}
		if ((rc = check_entries(v, "manifest-sha256.txt", *pm, *npm)))
			return rc;
	}
	sh_free(b);
	b = NULL;
	/* Payload-Oxum */
	const char *ox = *info ? pdf_bag_tag_get(*info, *ninfo, "Payload-Oxum") : NULL;
	if (ox) {
		unsigned long long oct = 0, cnt = 0;
		char extra;
		if (sscanf(ox, "%llu.%llu%c", &oct, &cnt, &extra) != 2 || ox[0] < '0' || ox[0] > '9')
			problem(v, "bag-info.txt: Payload-Oxum '%.40s' is not <octets>.<files>", ox);
		else if (oct != v->bytes || cnt != v->nfiles)
			problem(v, "Payload-Oxum says %llu bytes in %llu files, the payload has %llu in "
				   "%zu",
				oct, cnt, v->bytes, v->nfiles);
	}
	/* the tag manifest (optional): each tag file listed is there and right */
	if ((rc = read_rel(v, "tagmanifest-sha256.txt", BAG_MAX_MANIFEST, &b, &len)) == SH_OK) {
		pdf_bag_entry *tm = NULL;
		size_t ntm = 0;
		if ((rc = pdf_bag_manifest_parse((const char *)b, len, 0, &tm, &ntm)) == SH_ENOMEM) {
			sh_free(b);
			return rc;
		}
		if (rc)
			problem(v, "tagmanifest-sha256.txt: %s", sh_error_message());
		else
			rc = check_entries(v, "tagmanifest-sha256.txt", tm, ntm);
		pdf_bag_manifest_free(tm, ntm);
		if (rc == SH_ENOMEM) {
			sh_free(b);
			return rc;
		}
	} else if (rc == SH_ENOMEM) {
		return rc;
	} else if (rc != SH_ENOTFOUND) {
		problem(v, "tagmanifest-sha256.txt: %s", sh_error_message());
	}
	sh_free(b);
	return SH_OK;
}

static void vctx_clear(vctx *v)
{
	for (size_t i = 0; i < v->nfiles; i++)
		sh_free(v->files[i]);
	sh_free(v->files);
	v->files = NULL;
	v->nfiles = v->cap = 0;
}

int sh_pdf_bag_validate(const char *dir, sh_pdf_report_fn report, void *arg,
			size_t *out_problems)
{
	vctx v = {.dir = dir, .report = report, .arg = arg};
	pdf_bag_tag *info = NULL;
	size_t ninfo = 0, npm = 0;
	pdf_bag_entry *pm = NULL;
	int rc = validate(&v, &info, &ninfo, &pm, &npm);
	pdf_bag_tags_free(info, ninfo);
	pdf_bag_manifest_free(pm, npm);
	vctx_clear(&v);
	if (out_problems)
		*out_problems = v.problems;
	if (rc)
		return rc;
	return v.problems ? sh_error_set(SH_EBADSIG, "the bag %s fails its checks (%zu problems)",
					 dir, v.problems)
			  : SH_OK;
}

/* ---- import --------------------------------------------------------------- */

typedef struct ipaper {
	sh_wh_import_paper ip;
	sh_wh_page_in *pages;
	uint8_t **images, **origs; /* origs[j]: page j's original, or NULL */
	char **texts, **hocrs, **mimes;
	sh_sign_fact *facts;
	sh_sign_manifest *m;
	char *facts_json, *file, *dossier, *agency, *procedure, *code;
	char key_id[SH_SIGN_KEYID_HEX + 1];
	char msha[65];
} ipaper;

static void ipaper_clear(ipaper *p)
{
	for (size_t j = 0; j < p->ip.in.npages; j++) {
		if (p->images)
			sh_free(p->images[j]);
		if (p->origs)
			sh_free(p->origs[j]);
		if (p->texts)
			sh_free(p->texts[j]);
		if (p->hocrs)
			sh_free(p->hocrs[j]);
		if (p->mimes)
			sh_free(p->mimes[j]);
	}
	sh_free(p->images);
	sh_free(p->origs);
	sh_free(p->texts);
	sh_free(p->hocrs);
	sh_free(p->mimes);
	sh_free(p->pages);
	sh_free(p->facts);
	sh_sign_manifest_free(&p->m);
	sh_free(p->facts_json);
	sh_free(p->file);
	sh_free(p->dossier);
	sh_free(p->agency);
	sh_free(p->procedure);
	sh_free(p->code);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

struct collect {
	char *problems;
	size_t n;
};

static void keep_problem(void *arg, const char *problem)
{
	struct collect *c = arg;
	c->n++;
	if (!c->problems)
		c->problems = sh_strdup(problem);
}

/* Long on purpose: the checks of one paper folder in the order a reader
 * follows them (bundle verified, manifest read, pages, hOCR, paper.json),
 * each refusing with its own message. */
/* Page k of a photographed paper: the photo as received, original-NNN.*
 * (sh_sign_bundle_verify found it, and as signed). */
static int read_original(ipaper *p, const char *dir, const char *name, size_t k)
{
	static const struct {
		const char *ext, *mime;
	} kinds[] = {{"jpg", "image/jpeg"}, {"png", "image/png"}, {"tif", "image/tiff"}};
	sh_wh_page_in *pg = &p->pages[k];
	int rc = SH_OK;
	for (size_t e = 0; e < 3 && !rc && !pg->original; e++) {
		char *op = sh_asprintf("%s/original-%03zu.%s", dir, k + 1, kinds[e].ext);
		if (!op)
			rc = SH_ENOMEM;
		else if (!access(op, F_OK) &&
			 !(rc = sh_file_read(&p->origs[k], &pg->original_len, op, SH_FILE_MAX))) {
			pg->original = p->origs[k];
			pg->original_mime = kinds[e].mime;
		}
		sh_free(op);
	}
	if (!rc && !pg->original)
		rc = sh_error_set(SH_EINVAL, "data/%s: page %zu has no original", name, k + 1);
	return rc;
}

/* One paper folder: its bundle verified against trust, then read. */
static int read_paper(ipaper *p, const char *bag, const char *name, const sh_sign_pubkey *trust,
		      size_t ntrust)
{
	char *dir = sh_asprintf("%s/data/%s", bag, name);
	if (!dir)
		return SH_ENOMEM;
	int rc = SH_OK;
	struct collect col = {0};
	size_t np = 0;
	rc = sh_sign_bundle_verify(dir, trust, ntrust, keep_problem, &col, &np);
	if (rc) {
		rc = sh_error_set(SH_EBADSIG, "paper %s does not verify against the trusted keys: %s",
				  name, col.problems ? col.problems : sh_error_message());
		sh_free(col.problems);
		goto out;
	}
	sh_free(col.problems);
	uint8_t *b = NULL;
	size_t len = 0;
	char *path = sh_asprintf("%s/manifest.sig", dir);
	rc = path ? sh_file_read(&b, &len, path, 16u << 20) : SH_ENOMEM;
	sh_free(path);
	if (rc)
		goto out;
	uint8_t sha[SH_SHA256_LEN];
	sh_sha256(sha, b, len);
	sh_hex(p->msha, sha, sizeof sha);
	rc = sh_sign_manifest_read(&p->m, b, len);
	sh_free(b);
	if (rc)
		goto out;
	snprintf(p->key_id, sizeof p->key_id, "%s", p->m->key_id);
	if (strcmp(p->m->code, name) ||
	    (strcmp(p->m->type, "component") && strcmp(p->m->type, "result"))) {
		rc = sh_error_set(SH_EINVAL, "data/%s holds the %s manifest of %s", name, p->m->type,
				  p->m->code);
		goto out;
	}
	/* paper.json: the dossier and the pages' formats */
	path = sh_asprintf("%s/paper.json", dir);
	json_error_t je;
	json_t *j = path ? json_load_file(path, JSON_REJECT_DUPLICATES, &je) : NULL;
	sh_free(path);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		rc = sh_error_set(SH_EINVAL, "data/%s/paper.json is missing or not JSON", name);
		goto out;
	}
	json_t *pages = json_object_get(j, "pages");
	size_t n = p->m->npages;
	if (!json_is_array(pages) || json_array_size(pages) != n || !n) {
		json_decref(j);
		rc = sh_error_set(SH_EINVAL, "data/%s/paper.json does not describe the %zu signed pages",
				  name, n);
		goto out;
	}
	const char *dossier = jstr(j, "dossier"), *agency = jstr(j, "agency"),
		   *proc = jstr(j, "procedure"), *file = jstr(j, "file");
	p->code = sh_strdup(name);
	p->dossier = sh_strdup(dossier ? dossier : "");
	p->agency = sh_strdup(agency ? agency : "");
	p->procedure = sh_strdup(proc ? proc : "");
	p->file = file ? sh_strdup(file) : NULL;
	p->ip.received = jint(j, "received");
	p->ip.created = jint(j, "created");
	p->ip.in.flags = (unsigned)jint(j, "flags") & ~(unsigned)(SH_WH_PAPER_IMPORTED | SH_WH_PAPER_RESULT);
	p->pages = sh_calloc(n, sizeof *p->pages);
	p->images = sh_calloc(n, sizeof *p->images);
	p->origs = sh_calloc(n, sizeof *p->origs);
	p->texts = sh_calloc(n, sizeof *p->texts);
	p->hocrs = sh_calloc(n, sizeof *p->hocrs);
	p->mimes = sh_calloc(n, sizeof *p->mimes);
	p->ip.in.npages = n;
	if (!p->code || !p->dossier || !p->agency || !p->procedure || !p->pages || !p->images ||
	    !p->origs || !p->texts || !p->hocrs || !p->mimes)
		rc = SH_ENOMEM;
	static const struct {
		const char *ext, *mime;
	} kinds[] = {{"png", "image/png"}, {"jpg", "image/jpeg"}, {"tif", "image/tiff"}};
	for (size_t k = 0; k < n && !rc; k++) {
		json_t *g = json_array_get(pages, k);
		sh_wh_page_in *pg = &p->pages[k];
		for (size_t e = 0; e < 3 && !pg->image; e++) {
			char *ip = sh_asprintf("%s/page-%03zu.%s", dir, k + 1, kinds[e].ext);
			if (!ip) {
				rc = SH_ENOMEM;
				break;
			}
			if (!access(ip, F_OK)) {
				rc = sh_file_read(&p->images[k], &pg->image_len, ip, SH_FILE_MAX);
				pg->image = p->images[k];
				p->mimes[k] = sh_strdup(kinds[e].mime);
				pg->mime = p->mimes[k];
			}
			sh_free(ip);
		}
		if (!rc && !pg->image)
			rc = sh_error_set(SH_EINVAL, "data/%s: page %zu has no image", name, k + 1);
		if (!rc && p->m->pages[k].has_original)
			rc = read_original(p, dir, name, k);
		uint8_t *t = NULL;
		size_t tl = 0;
		char *tp = rc ? NULL : sh_asprintf("%s/page-%03zu.txt", dir, k + 1);
		if (tp && !access(tp, F_OK) && !(rc = sh_file_read(&t, &tl, tp, SH_FILE_MAX))) {
			p->texts[k] = sh_strndup((const char *)t, tl);
			if (!p->texts[k])
				rc = SH_ENOMEM;
		}
		sh_free(t);
		sh_free(tp);
		pg->text = p->texts[k];
		char *hp = rc ? NULL : sh_asprintf("%s/page-%03zu.hocr", dir, k + 1);
		t = NULL;
		if (hp && !access(hp, F_OK) && !(rc = sh_file_read(&t, &tl, hp, SH_PDF_MAX_HOCR))) {
			p->hocrs[k] = sh_strndup((const char *)t, tl);
			if (!p->hocrs[k])
				rc = SH_ENOMEM;
			else if (!sh_text_valid(p->hocrs[k], strlen(p->hocrs[k])))
				rc = sh_error_set(SH_EINVAL, "data/%s: page %zu hOCR is not UTF-8", name,
						  k + 1);
		}
		sh_free(t);
		sh_free(hp);
		pg->hocr = p->hocrs[k];
		pg->width = (int)jint(g, "width");
		pg->height = (int)jint(g, "height");
		pg->dpi = (int)jint(g, "dpi");
		pg->rotation = (int)jint(g, "rotation");
		json_t *c = json_object_get(g, "confidence");
		pg->confidence = json_is_number(c) ? (float)json_number_value(c) : 0;
		pg->flags = (unsigned)jint(g, "flags");
	}
	json_decref(j);
	if (rc)
		goto out;
	/* what was signed: owner, kind, facts */
	p->facts = sh_calloc(p->m->nfacts ? p->m->nfacts : 1, sizeof *p->facts);
	json_t *fo = json_object();
	if (!p->facts || !fo) {
		json_decref(fo);
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->m->nfacts; i++) {
		p->facts[i] = p->m->facts[i];
		json_object_set_new(fo, p->m->facts[i].name, json_string(p->m->facts[i].value));
	}
	p->facts_json = p->m->nfacts ? json_dumps(fo, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(fo);
	if (p->m->nfacts && !p->facts_json) {
		rc = SH_ENOMEM;
		goto out;
	}
	p->ip.in.file = p->file;
	p->ip.in.kind = p->m->kind;
	p->ip.in.facts = p->facts_json;
	p->ip.in.fact_list = p->facts;
	p->ip.in.nfacts = p->m->nfacts;
	p->ip.in.pages = p->pages;
	p->ip.code = p->code;
	p->ip.dossier = p->dossier;
	p->ip.agency = p->agency;
	p->ip.owner = p->m->owner;
	p->ip.procedure = p->procedure;
	p->ip.result = !strcmp(p->m->type, "result");
	p->ip.source_key = p->key_id;
	p->ip.source_manifest_sha256 = p->msha;
	if (!p->ip.created)
		p->ip.created = p->m->time;
out:
	sh_free(dir);
	return rc;
}

static int load_trust(sh_store *s, const char *const *files, size_t nfiles, sh_sign_pubkey **out,
		      size_t *n)
{
	sh_sign_pubkey *reg = NULL;
	size_t nreg = 0;
	int rc = sh_ledger_key_list(s, &reg, &nreg);
	if (rc)
		return rc;
	sh_sign_pubkey *t = sh_calloc(nreg + nfiles + 1, sizeof *t);
	if (!t) {
		sh_free(reg);
		return SH_ENOMEM;
	}
	if (nreg)
		memcpy(t, reg, nreg * sizeof *t);
	sh_free(reg);
	size_t k = nreg;
	for (size_t i = 0; i < nfiles && !rc; i++) {
		uint8_t *b = NULL;
		size_t len = 0;
		if (!(rc = sh_file_read(&b, &len, files[i], 1u << 20)) &&
		    (rc = sh_sign_pubkey_parse(&t[k], b, len)))
			rc = sh_error_wrap(rc, "%s: ", files[i]);
		sh_free(b);
		if (!rc)
			k++;
	}
	if (rc) {
		sh_free(t);
		return rc;
	}
	*out = t;
	*n = k;
	return SH_OK;
}

int sh_pdf_import_bag(sh_store *s, const sh_sign_key *key, const char *dir,
		      const char *const *trust_files, size_t ntrust_files, sh_pdf_report_fn report,
		      void *arg, sh_wh_import_stats *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_IMPORT);
	if (rc)
		return rc;
	vctx v = {.dir = dir, .report = report, .arg = arg};
	pdf_bag_tag *info = NULL;
	size_t ninfo = 0, npm = 0, ntrust = 0, n = 0;
	pdf_bag_entry *pm = NULL;
	sh_sign_pubkey *trust = NULL;
	ipaper *papers = NULL;
	char **names = NULL;
	size_t nnames = 0;
	if ((rc = validate(&v, &info, &ninfo, &pm, &npm)))
		goto out;
	if (v.problems) {
		rc = sh_error_set(SH_EBADSIG, "the bag %s fails its checks (%zu problems): nothing is "
					      "filed",
				  dir, v.problems);
		goto out;
	}
	const char *from = pdf_bag_tag_get(info, ninfo, "Source-Organization");
	if (!from || sh_id_agency_check(from)) {
		rc = sh_error_set(SH_EINVAL, "bag-info.txt names no Source-Organization agency id");
		goto out;
	}
	/* the paper folders: data/<code>/manifest.sig */
	if (!(names = sh_calloc(npm ? npm : 1, sizeof *names))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < npm; i++) {
		const char *pth = pm[i].path + 5, *sl = strchr(pth, '/');
		if (!sl || strcmp(sl, "/manifest.sig"))
			continue;
		if (!(names[nnames] = sh_strndup(pth, (size_t)(sl - pth)))) {
			rc = SH_ENOMEM;
			goto out;
		}
		nnames++;
	}
	if (!nnames) {
		rc = sh_error_set(SH_EINVAL, "the bag holds no paper (no data/<code>/manifest.sig)");
		goto out;
	}
	qsort(names, nnames, sizeof *names, cmp_str);
	if ((rc = load_trust(s, trust_files, ntrust_files, &trust, &ntrust)))
		goto out;
	if (!(papers = sh_calloc(nnames, sizeof *papers))) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (n = 0; n < nnames && !rc; n++)
		rc = read_paper(&papers[n], dir, names[n], trust, ntrust);
	if (rc)
		goto out;
	sh_wh_import_paper *ip = sh_calloc(n, sizeof *ip);
	if (!ip) {
		rc = SH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		ip[i] = papers[i].ip;
	rc = sh_wh_import(s, key, from, ip, n, out);
	sh_free(ip);
out:
	for (size_t i = 0; papers && i < n; i++)
		ipaper_clear(&papers[i]);
	sh_free(papers);
	for (size_t i = 0; i < nnames; i++)
		sh_free(names[i]);
	sh_free(names);
	sh_free(trust);
	pdf_bag_tags_free(info, ninfo);
	pdf_bag_manifest_free(pm, npm);
	vctx_clear(&v);
	return rc;
}
