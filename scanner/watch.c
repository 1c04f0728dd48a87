/* Scan-to-folder: inotify plus rescans, a rename journal through
 * processing/, and done/ or failed/ with a reason. */
#include "scan_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct pending {
	char *name;
	int64_t size, mtime_ns;
	int64_t stable_since, first_seen; /* monotonic ms */
	int writing;                      /* inotify saw a change not yet closed */
	int seen;                         /* still present in the last rescan */
};

struct sh_scan_watch {
	char *dir, *proc, *done, *failed;
	int ifd, lock_fd;
	sh_scan_watch_options o;
	struct pending *p;
	size_t n, cap;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

static int is_sidecar(const char *name)
{
	return ends_with(name, ".json") || ends_with(name, ".txt");
}

/* Files that are never ingested: hidden, temporary, sidecars, journal. */
static int ignored(const char *name)
{
	return name[0] == '.' || strstr(name, ".tmp") || ends_with(name, ".part") ||
	       ends_with(name, ".crdownload") || ends_with(name, "~") || is_sidecar(name) ||
	       ends_with(name, ".ingested") || ends_with(name, ".reason");
}

/* ---- mapping ------------------------------------------------------------ */

int sh_scan_watch_parse_name(char *owner, char *procedure, const char *name)
{
	const char *u1 = strchr(name, '_');
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		dot = name + strlen(name);
	if (!u1 || u1 > dot)
		return sh_error_set(SH_EINVAL,
				    "%s: name does not say owner and procedure "
				    "(OWNER_PROCEDURE_anything.ext) and no sidecar NAME.json/NAME.txt",
				    name);
	const char *pe = strchr(u1 + 1, '_');
	if (!pe || pe > dot)
		pe = dot;
	char own[64], proc[65];
	size_t ol = (size_t)(u1 - name), pl = (size_t)(pe - u1 - 1);
	if (ol >= sizeof own || pl >= sizeof proc)
		return sh_error_set(SH_EINVAL, "%s: owner or procedure in the name is too long", name);
	memcpy(own, name, ol);
	own[ol] = 0;
	memcpy(proc, u1 + 1, pl);
	proc[pl] = 0;
	char norm[16];
	int rc = sh_id_owner_check(NULL, norm, own);
	if (rc)
		return sh_error_wrap(rc, "%s: ", name);
	if ((rc = sh_id_procedure_check(proc)))
		return sh_error_wrap(rc, "%s: ", name);
	strcpy(owner, norm);
	strcpy(procedure, proc);
	return SH_OK;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	size_t k = 0;
	while (s[k] == ' ' || s[k] == '\t')
		k++;
	memmove(s, s + k, n - k + 1);
}

static int sidecar_parse(char *owner, char *procedure, const char *path, const char *shown)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = sh_file_read(&data, &len, path, 64 * 1024);
	if (rc)
		return rc;
	char own[64] = "", proc[80] = "";
	if (ends_with(path, ".json")) {
		json_error_t e;
		json_t *j = json_loadb((const char *)data, len, 0, &e);
		json_t *o = json_object_get(j, "owner"), *p = json_object_get(j, "procedure");
		if (json_is_string(o) && json_is_string(p) && strlen(json_string_value(o)) < sizeof own &&
		    strlen(json_string_value(p)) < sizeof proc) {
			strcpy(own, json_string_value(o));
			strcpy(proc, json_string_value(p));
		}
		json_decref(j);
	} else {
		char *save = NULL;
		for (char *line = strtok_r((char *)data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *sep = strpbrk(line, "=:");
			if (!sep)
				continue;
			*sep = 0;
			trim(line);
			char *v = sep + 1;
			trim(v);
			if (!strcmp(line, "owner") && strlen(v) < sizeof own)
				strcpy(own, v);
			else if (!strcmp(line, "procedure") && strlen(v) < sizeof proc)
				strcpy(proc, v);
		}
	}
	sh_free(data);
	if (!*own || !*proc)
		return sh_error_set(SH_EINVAL, "sidecar %s: needs owner and procedure", shown);
	char norm[16];
	if ((rc = sh_id_owner_check(NULL, norm, own)))
		return sh_error_wrap(rc, "sidecar %s: ", shown);
	if ((rc = sh_id_procedure_check(proc)))
		return sh_error_wrap(rc, "sidecar %s: ", shown);
	strcpy(owner, norm);
	strcpy(procedure, proc);
	return SH_OK;
}

/* Find the sidecar of name in dir: FILE.json, STEM.json, FILE.txt, STEM.txt.
 * *side: its file name (caller sh_free) or NULL. */
static int sidecar_find(const char *dir, const char *name, char **side)
{
	*side = NULL;
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	static const char *const ext[] = {".json", ".txt"};
	for (int e = 0; e < 2; e++)
		for (int s = 0; s < 2; s++) {
			char *c = s == 0 ? sh_asprintf("%s%s", name, ext[e])
					 : sh_asprintf("%.*s%s", (int)stem, name, ext[e]);
			char *p = c ? sh_asprintf("%s/%s", dir, c) : NULL;
			if (!p) {
				sh_free(c);
				return SH_ENOMEM;
			}
			struct stat st;
			int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
			sh_free(p);
			if (ok) {
				*side = c;
				return SH_OK;
			}
			sh_free(c);
		}
	return SH_OK;
}

/* ---- moving files ------------------------------------------------------- */

/* A name in dir not yet taken: name, stem-2.ext, stem-3.ext ... */
static char *unique(const char *dir, const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	const char *ext = name + stem;
	for (int k = 1; k < 100000; k++) {
		char *n = k == 1 ? sh_strdup(name) : sh_asprintf("%.*s-%d%s", (int)stem, name, k, ext);
		char *p = n ? sh_asprintf("%s/%s", dir, n) : NULL;
		if (!p) {
			sh_free(n);
			return NULL;
		}
		struct stat st;
		int taken = lstat(p, &st) == 0;
		char *rj = sh_asprintf("%s.reason", p);
		if (rj && lstat(rj, &st) == 0)
			taken = 1;
		sh_free(rj);
		sh_free(p);
		if (!taken)
			return n;
		sh_free(n);
	}
	sh_error_set(SH_EFULL, "%s: no free name for %s", dir, name);
	return NULL;
}

static int move(const char *from_dir, const char *from, const char *to_dir, const char *to)
{
	char *a = sh_asprintf("%s/%s", from_dir, from), *b = sh_asprintf("%s/%s", to_dir, to);
	int rc = SH_OK;
	if (!a || !b)
		rc = SH_ENOMEM;
	else if (rename(a, b) < 0)
		rc = sh_error_set(errno == ENOSPC ? SH_EFULL : SH_EIO, "cannot move %s to %s: %s", a,
				  b, strerror(errno));
	sh_free(a);
	sh_free(b);
	return rc;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char *p = sh_asprintf("%s/%s", dir, name);
	if (!p)
		return SH_ENOMEM;
	int rc = sh_file_write(p, text, strlen(text));
	sh_free(p);
	return rc;
}

static int mkdir_p(const char *p);

/* Move the file (and sidecar) out of processing/ into done/ or failed/. */
static int finish(sh_scan_watch *w, const char *name, const char *side, const char *reason)
{
	const char *to = reason ? w->failed : w->done;
	/* checked again: the link may have been put there while watching */
	int rc = mkdir_p(to);
	if (rc)
		return rc;
	char *final = unique(to, name), *sname = NULL, *rname = NULL;
	rc = final ? SH_OK : SH_ENOMEM;
	if (rc == SH_OK && reason) {
		rname = sh_asprintf("%s.reason", final);
		char *nl = rname ? sh_asprintf("%s\n", reason) : NULL;
		rc = nl ? write_text(to, rname, nl) : SH_ENOMEM;
		sh_free(nl);
	}
	if (rc == SH_OK && side) {
		sname = sh_asprintf("%s%s", final, ends_with(side, ".json") ? ".json" : ".txt");
		rc = sname ? move(w->proc, side, to, sname) : SH_ENOMEM;
	}
	if (rc == SH_OK)
		rc = move(w->proc, name, to, final);
	if (rc == SH_OK) {
		char *m = sh_asprintf("%s/%s.ingested", w->proc, name);
		if (m)
			unlink(m);
		sh_free(m);
		rc = sh_scan__fsync_dir(to);
		if (rc == SH_OK)
			rc = sh_scan__fsync_dir(w->proc);
	}
	sh_free(final);
	sh_free(sname);
	sh_free(rname);
	return rc;
}

/* Handle one file already in processing/. *moved: 1 done, 2 failed, 0 left. */
static int run_one(sh_scan_watch *w, const char *name, int *moved)
{
	*moved = 0;
	char *side = NULL, *path = NULL, *marker = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	char owner[16], proc[65], reason_buf[600];
	const char *reason = NULL;
	int rc = sidecar_find(w->proc, name, &side);
	if (rc)
		goto out;
	path = sh_asprintf("%s/%s", w->proc, name);
	marker = sh_asprintf("%s/%s.ingested", w->proc, name);
	if (!path || !marker) {
		rc = SH_ENOMEM;
		goto out;
	}
	struct stat st;
	if (stat(marker, &st) == 0) {
		rc = finish(w, name, side, NULL);
		*moved = rc == SH_OK;
		goto out;
	}
	int mrc;
	if (side) {
		char *sp = sh_asprintf("%s/%s", w->proc, side);
		mrc = sp ? sidecar_parse(owner, proc, sp, side) : SH_ENOMEM;
		sh_free(sp);
	} else {
		mrc = sh_scan_watch_parse_name(owner, proc, name);
	}
	if (mrc == SH_ENOMEM) {
		rc = mrc;
		goto out;
	}
	if (mrc) {
		reason = sh_error_message();
	} else if ((rc = sh_file_read(&data, &len, path, SH_FILE_MAX))) {
		if (rc != SH_ELIMIT)
			goto out;
		reason = sh_error_message();
	} else {
		uint8_t h[SH_SHA256_LEN];
		char key[65];
		sh_sha256(h, data, len);
		sh_hex(key, h, SH_SHA256_LEN);
		sh_free(data);
		data = NULL;
		sh_scan_watch_item it = {path, name, owner, proc, key};
		sh_error_clear();
		int irc = w->o.ingest(w->o.ingest_arg, &it);
		if (irc == SH_EBUSY) {
			rc = SH_OK; /* retried on a later pass */
			goto out;
		}
		if (irc) {
			reason = sh_error_message();
		} else if ((rc = write_text(w->proc, strrchr(marker, '/') + 1, "ingested\n"))) {
			goto out;
		}
	}
	if (reason) {
		snprintf(reason_buf, sizeof reason_buf, "%s", reason);
		rc = finish(w, name, side, reason_buf);
		*moved = rc == SH_OK ? 2 : 0;
	} else {
		rc = finish(w, name, side, NULL);
		*moved = rc == SH_OK;
	}
out:
	sh_free(side);
	sh_free(path);
	sh_free(marker);
	sh_free(data);
	return rc;
}

/* Everything in processing/: leftovers of a crash and SH_EBUSY retries. */
static int run_processing(sh_scan_watch *w, size_t *done, size_t *failed)
{
	DIR *d = opendir(w->proc);
	if (!d)
		return sh_error_set(SH_EIO, "%s: cannot list: %s", w->proc, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = SH_OK;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (ignored(e->d_name))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char **nn = sh_realloc(names, nc * sizeof *nn);
			if (!nn) {
				rc = SH_ENOMEM;
				break;
			}
			names = nn;
			cap = nc;
		}
		if (!(names[n] = sh_strdup(e->d_name))) {
			rc = SH_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < n && rc == SH_OK; i++) {
		int moved = 0;
		rc = run_one(w, names[i], &moved);
		if (moved == 1 && done)
			(*done)++;
		if (moved == 2 && failed)
			(*failed)++;
	}
	for (size_t i = 0; i < n; i++)
		sh_free(names[i]);
	sh_free(names);
	return rc;
}

/* ---- pending files in the watched folder -------------------------------- */

static struct pending *pending_get(sh_scan_watch *w, const char *name, int add)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->p[i].name, name))
			return &w->p[i];
	if (!add)
		return NULL;
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 16;
		struct pending *np = sh_realloc(w->p, nc * sizeof *np);
		if (!np)
			return NULL;
		w->p = np;
		w->cap = nc;
	}
	struct pending *p = &w->p[w->n];
	memset(p, 0, sizeof *p);
	p->name = sh_strdup(name);
	if (!p->name)
		return NULL;
	p->size = p->mtime_ns = -1;
	p->stable_since = p->first_seen = now_ms();
	w->n++;
	return p;
}

static void pending_drop(sh_scan_watch *w, size_t i)
{
	sh_free(w->p[i].name);
	w->p[i] = w->p[--w->n];
}

static int read_events(sh_scan_watch *w, int timeout_ms)
{
	struct pollfd pfd = {w->ifd, POLLIN, 0};
	int r = poll(&pfd, 1, timeout_ms);
	if (r <= 0)
		return SH_OK;
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t len = read(w->ifd, buf, sizeof buf);
		if (len <= 0)
			break;
		for (char *q = buf; q < buf + len;) {
			struct inotify_event *ev = (struct inotify_event *)q;
			q += sizeof *ev + ev->len;
			if (!ev->len || ignored(ev->name))
				continue;
			struct pending *p = pending_get(w, ev->name, 1);
			if (!p)
				return SH_ENOMEM;
			if (ev->mask & (IN_CREATE | IN_MODIFY))
				p->writing = 1;
			if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
				p->writing = 0;
		}
	}
	return SH_OK;
}

static int rescan(sh_scan_watch *w)
{
	DIR *d = opendir(w->dir);
	if (!d)
		return sh_error_set(SH_EIO, "%s: cannot list the watched folder: %s", w->dir,
				    strerror(errno));
	for (size_t i = 0; i < w->n; i++)
		w->p[i].seen = 0;
	int64_t t = now_ms();
	struct dirent *e;
	int rc = SH_OK;
	while ((e = readdir(d))) {
		if (ignored(e->d_name))
			continue;
		char *path = sh_asprintf("%s/%s", w->dir, e->d_name);
		if (!path) {
			rc = SH_ENOMEM;
			break;
		}
		struct stat st;
		int ok = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
		sh_free(path);
		if (!ok)
			continue;
		struct pending *p = pending_get(w, e->d_name, 1);
		if (!p) {
			rc = SH_ENOMEM;
			break;
		}
		p->seen = 1;
		int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		if (p->size != (int64_t)st.st_size || p->mtime_ns != mt) {
			p->size = (int64_t)st.st_size;
			p->mtime_ns = mt;
			p->stable_since = t;
		}
	}
	closedir(d);
	for (size_t i = w->n; i-- > 0;)
		if (!w->p[i].seen)
			pending_drop(w, i);
	return rc;
}

int sh_scan_watch_poll(sh_scan_watch *w, int timeout_ms, size_t *out_done, size_t *out_failed)
{
	size_t done = 0, failed = 0;
	int rc = read_events(w, timeout_ms);
	if (rc == SH_OK)
		rc = rescan(w);
	if (rc == SH_OK)
		rc = run_processing(w, &done, &failed);
	int64_t t = now_ms();
	for (size_t i = 0; rc == SH_OK && i < w->n;) {
		struct pending *p = &w->p[i];
		if (p->writing || t - p->stable_since < w->o.settle_ms) {
			i++;
			continue;
		}
		char owner[16], proc[65], *side = NULL;
		if ((rc = sidecar_find(w->dir, p->name, &side)))
			break;
		int mapped = side != NULL;
		if (!mapped)
			mapped = sh_scan_watch_parse_name(owner, proc, p->name) == SH_OK;
		if (!mapped && t - p->first_seen < w->o.mapping_wait_ms) {
			i++; /* the sidecar may still come */
			continue;
		}
		/* Journal step: into processing/ (sidecar first, so the file is
		 * never there without the mapping it was seen with). */
		if (side && (rc = move(w->dir, side, w->proc, side))) {
			sh_free(side);
			break;
		}
		sh_free(side);
		if ((rc = move(w->dir, p->name, w->proc, p->name)) ||
		    (rc = sh_scan__fsync_dir(w->proc)))
			break;
		int moved = 0;
		rc = run_one(w, p->name, &moved);
		if (moved == 1)
			done++;
		if (moved == 2)
			failed++;
		pending_drop(w, i);
	}
	if (out_done)
		*out_done = done;
	if (out_failed)
		*out_failed = failed;
	return rc;
}

int sh_scan_watch_fd(const sh_scan_watch *w) { return w->ifd; }

void sh_scan_watch_free(sh_scan_watch **pw)
{
	sh_scan_watch *w = pw ? *pw : NULL;
	if (!w)
		return;
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->lock_fd >= 0)
		close(w->lock_fd);
	for (size_t i = 0; i < w->n; i++)
		sh_free(w->p[i].name);
	sh_free(w->p);
	sh_free(w->dir);
	sh_free(w->proc);
	sh_free(w->done);
	sh_free(w->failed);
	sh_free(w);
	*pw = NULL;
}

/* Create the folder p, or accept the one there: a real folder only. A
 * symbolic link (or anything else) in its place is refused, so files never
 * leave the watched folder (a "done" link to /etc, another desk's folder). */
static int mkdir_p(const char *p)
{
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return sh_error_set(SH_EIO, "%s: cannot create: %s", p, strerror(errno));
	struct stat st;
	if (lstat(p, &st) < 0)
		return sh_error_set(SH_EIO, "%s: %s", p, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return sh_error_set(SH_EINVAL, "%s is a symbolic link: files stay inside the watched "
					       "folder; replace it with a folder", p);
	if (!S_ISDIR(st.st_mode))
		return sh_error_set(SH_EINVAL, "%s is not a folder: move it away", p);
	return SH_OK;
}

int sh_scan_watch_open(sh_scan_watch **out, const char *dir, const sh_scan_watch_options *opts)
{
	*out = NULL;
	if (!dir || !opts || !opts->ingest)
		return sh_error_set(SH_EINVAL, "watch: a folder and an ingest function are required");
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return sh_error_set(SH_ENOTFOUND, "%s: no such folder to watch", dir);
	sh_scan_watch *w = sh_calloc(1, sizeof *w);
	if (!w)
		return SH_ENOMEM;
	w->ifd = w->lock_fd = -1;
	w->o = *opts;
	if (w->o.settle_ms <= 0)
		w->o.settle_ms = 2000;
	if (w->o.mapping_wait_ms <= 0)
		w->o.mapping_wait_ms = 60000;
	int rc = SH_ENOMEM;
	char *lock = NULL;
	w->dir = sh_strdup(dir);
	w->proc = sh_asprintf("%s/processing", dir);
	w->done = sh_asprintf("%s/done", dir);
	w->failed = sh_asprintf("%s/failed", dir);
	lock = sh_asprintf("%s/.watch.lock", dir);
	if (!w->dir || !w->proc || !w->done || !w->failed || !lock)
		goto fail;
	if ((rc = mkdir_p(w->proc)) || (rc = mkdir_p(w->done)) || (rc = mkdir_p(w->failed)))
		goto fail;
	w->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (w->lock_fd < 0) {
		rc = sh_error_set(SH_EIO, "%s: %s", lock, strerror(errno));
		goto fail;
	}
	if (flock(w->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		rc = sh_error_set(SH_EBUSY, "%s is already watched by another sohoa; stop it first",
				  dir);
		goto fail;
	}
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0 || inotify_add_watch(w->ifd, dir, IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE |
								 IN_MOVED_TO | IN_DELETE_SELF |
								 IN_MOVE_SELF) < 0) {
		rc = sh_error_set(SH_EIO, "%s: cannot watch for new files: %s (raise "
					  "fs.inotify.max_user_watches)",
				  dir, strerror(errno));
		goto fail;
	}
	/* Finish what an earlier run left half done. */
	if ((rc = run_processing(w, NULL, NULL)))
		goto fail;
	sh_free(lock);
	*out = w;
	return SH_OK;
fail:
	sh_free(lock);
	sh_scan_watch_free(&w);
	return rc;
}
