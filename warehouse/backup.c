/* Backup (a consistent, compacted copy while desks keep working) and
 * restore (checked before it replaces anything). */
#include "wh_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int has_warehouse(const char *dir)
{
	char *p = sh_asprintf("%s/data.mdb", dir);
	struct stat st;
	int r = p && stat(p, &st) == 0 && st.st_size > 0;
	sh_free(p);
	return r;
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0770) < 0 && errno != EEXIST)
		return sh_error_set(SH_EIO, "%s: cannot create folder: %s", dir, strerror(errno));
	return SH_OK;
}

/* Progress of a copy: the size of the file being written, polled. */
struct copy_watch {
	const char *path;
	size_t total;
	sh_progress_fn fn;
	void *arg;
	atomic_int stop;
};

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
}

static void *watch_copy(void *p)
{
	struct copy_watch *w = p;
	const struct timespec tick = {0, 100 * 1000 * 1000};
	while (!atomic_load(&w->stop)) {
		size_t n = file_size(w->path);
		w->fn(w->arg, n < w->total ? n : w->total - 1, w->total);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

int sh_wh_backup(sh_store *s, const char *dest)
{
	return sh_wh_backup_progress(s, dest, NULL, NULL);
}

int sh_wh_backup_progress(sh_store *s, const char *dest, sh_progress_fn progress, void *arg)
{
	int rc = sh_wh_may(s, SH_WH_PERM_BACKUP);
	if (rc)
		return rc;
	if (has_warehouse(dest))
		return sh_error_set(SH_EEXISTS, "%s already holds a warehouse: back up into a new "
						"folder", dest);
	rc = make_dir(dest);
	if (rc)
		return rc;
	/* A backup is the whole warehouse: owner-only whatever the umask (0700
	 * folder before the copy, so the file is never readable by others even
	 * while LMDB creates it 0666 & ~umask; then 0600 file). */
	if (chmod(dest, 0700) < 0)
		return sh_error_set(SH_EIO, "%s: cannot make the backup folder private: %s", dest,
				    strerror(errno));
	char *p = sh_asprintf("%s/data.mdb", dest);
	if (!p)
		return SH_ENOMEM;
	/* progress: the copy's size against the pages in use (an upper bound) */
	struct copy_watch w = {.path = p, .fn = progress, .arg = arg};
	pthread_t th;
	int watching = 0;
	if (progress) {
		MDB_envinfo info;
		MDB_stat st;
		if (!mdb_env_info(s->env, &info) && !mdb_env_stat(s->env, &st))
			w.total = (info.me_last_pgno + 1) * (size_t)st.ms_psize;
		if (w.total < 2)
			w.total = 2;
		progress(arg, 0, w.total);
		watching = pthread_create(&th, NULL, watch_copy, &w) == 0;
	}
	/* mdb_env_copy2 copies from one read transaction: writers go on. */
	int lrc = mdb_env_copy2(s->env, dest, MDB_CP_COMPACT);
	if (watching) {
		atomic_store(&w.stop, 1);
		pthread_join(th, NULL);
	}
	if (!lrc && progress) {
		size_t n = file_size(p);
		progress(arg, n, n);
	}
	if (lrc) {
		unlink(p);
		sh_free(p);
		return store_lmdb_err(lrc, dest);
	}
	if (chmod(p, 0600) < 0) {
		rc = sh_error_set(SH_EIO, "%s: cannot make the backup private: %s", p,
				  strerror(errno));
		unlink(p);
	}
	sh_free(p);
	return rc;
}

static void count_problem(void *arg, const char *msg)
{
	(void)msg;
	++*(size_t *)arg;
}

int sh_wh_restore(const char *src, const char *dir, int replace)
{
	if (!has_warehouse(src))
		return sh_error_set(SH_ENOTFOUND, "%s holds no backup (no data.mdb)", src);
	sh_store *b = NULL;
	int rc = sh_store_open(&b, src, SH_STORE_RDONLY);
	if (rc)
		return sh_error_wrap(rc, "backup %s: ", src);
	size_t problems = 0, seen = 0;
	rc = wh_check(b, count_problem, &seen, &problems); /* no operator on a backup yet */
	if (rc) {
		sh_store_close(&b);
		return rc == SH_ECORRUPT
			       ? sh_error_set(SH_ECORRUPT, "backup %s fails its check (%zu problems): "
							   "run `sohoa check --store %s`; nothing restored",
					      src, problems, src)
			       : rc;
	}
	char *aside = NULL;
	if (has_warehouse(dir)) {
		if (!replace) {
			sh_store_close(&b);
			return sh_error_set(SH_EEXISTS, "%s already holds a warehouse: use --replace "
							"(it is kept aside) or restore elsewhere", dir);
		}
		aside = sh_asprintf("%s/replaced-%lld", dir, (long long)sh_now());
		char *d = sh_asprintf("%s/data.mdb", dir), *l = sh_asprintf("%s/lock.mdb", dir),
		     *ad = aside ? sh_asprintf("%s/data.mdb", aside) : NULL;
		if (!aside || !d || !l || !ad)
			rc = SH_ENOMEM;
		else if (!(rc = make_dir(aside)) && rename(d, ad) < 0)
			rc = sh_error_set(SH_EIO, "%s: cannot move the old warehouse aside: %s", dir,
					  strerror(errno));
		if (!rc)
			unlink(l); /* readers of the old file keep their mapping */
		sh_free(d);
		sh_free(l);
		sh_free(ad);
	} else {
		rc = make_dir(dir);
	}
	if (!rc) {
		int lrc = mdb_env_copy2(b->env, dir, MDB_CP_COMPACT);
		if (lrc)
			rc = store_lmdb_err(lrc, dir);
	}
	sh_store_close(&b);
	sh_free(aside);
	return rc;
}
