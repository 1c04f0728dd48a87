/* Data files and message catalogues found relative to the running program
 * (never through the source path): see sh_data_file in sh_common.h. */
#include "sh_common.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SOHOA_DATADIR
#define SOHOA_DATADIR "/usr/share" /* ${prefix}/share, set by CMake */
#endif

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The folder holding the running program, or "" if /proc is missing. */
static void exe_dir(char *out, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	if (len <= 0) {
		out[0] = 0;
		return;
	}
	out[len] = 0;
	char *slash = strrchr(out, '/');
	if (slash)
		*slash = 0;
}

/* The share folder: <exe>/../share when it holds a sohoa folder (installed
 * anywhere, or the build tree's tools/), else the build tree's share
 * (a CMakeCache.txt at most 4 levels above the program: tests, fuzzers),
 * else the configured ${prefix}/share. */
static void find_share(char *out, size_t n)
{
	char dir[PATH_MAX], probe[PATH_MAX + 64];
	exe_dir(dir, sizeof dir);
	if (dir[0]) {
		snprintf(probe, sizeof probe, "%s/../share/sohoa", dir);
		if (exists(probe)) {
			snprintf(out, n, "%s/../share", dir);
			return;
		}
		for (int up = 0; up < 4 && dir[0]; up++) {
			snprintf(probe, sizeof probe, "%s/CMakeCache.txt", dir);
			if (exists(probe)) {
				snprintf(probe, sizeof probe, "%s/share/sohoa", dir);
				if (exists(probe)) {
					snprintf(out, n, "%s/share", dir);
					return;
				}
				break;
			}
			char *slash = strrchr(dir, '/');
			if (!slash)
				break;
			*slash = 0;
		}
	}
	snprintf(out, n, "%s", SOHOA_DATADIR);
}

#define MAX_NAMES 32
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static char g_share[PATH_MAX];
static struct {
	char *name, *path;
} g_cache[MAX_NAMES];

static const char *share_locked(void)
{
	if (!g_share[0])
		find_share(g_share, sizeof g_share);
	return g_share;
}

const char *sh_data_file(const char *name)
{
	if (!name || !*name || strchr(name, '/'))
		return NULL;
	const char *result = NULL;
	pthread_mutex_lock(&g_lock);
	int i;
	for (i = 0; i < MAX_NAMES && g_cache[i].name; i++)
		if (!strcmp(g_cache[i].name, name)) {
			result = g_cache[i].path;
			goto out;
		}
	char path[PATH_MAX + 256];
	const char *env = getenv("SOHOA_DATA_DIR");
	if (env && *env) {
		snprintf(path, sizeof path, "%s/%s", env, name);
		if (!exists(path))
			env = NULL;
	}
	if (!env || !*env)
		snprintf(path, sizeof path, "%s/sohoa/%s", share_locked(), name);
	if (i == MAX_NAMES)
		goto out;
	/* plain malloc: kept for the process's life, outside the counted
	 * allocations (fault injection must not make a data file vanish) */
	g_cache[i].name = strdup(name);
	g_cache[i].path = strdup(path);
	if (!g_cache[i].name || !g_cache[i].path) {
		free(g_cache[i].name);
		free(g_cache[i].path);
		g_cache[i].name = g_cache[i].path = NULL;
		goto out;
	}
	result = g_cache[i].path;
out:
	pthread_mutex_unlock(&g_lock);
	return result;
}

const char *sh_locale_dir(void)
{
	static char dir[PATH_MAX + 16];
	pthread_mutex_lock(&g_lock);
	if (!dir[0]) {
		const char *env = getenv("SOHOA_LOCALE_DIR");
		if (env && *env)
			snprintf(dir, sizeof dir, "%s", env);
		else
			snprintf(dir, sizeof dir, "%s/locale", share_locked());
	}
	pthread_mutex_unlock(&g_lock);
	return dir;
}
