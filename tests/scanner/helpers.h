/* Shared helpers for the scanner tests. */
#ifndef SCAN_TEST_HELPERS_H
#define SCAN_TEST_HELPERS_H

#define _GNU_SOURCE
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sh_scan.h"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static inline void rm_rf(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

/* A fresh temporary folder; caller free()s the name. */
static inline char *tmpdir_new(void)
{
	char *t = strdup("/tmp/sohoa-scan-test-XXXXXX");
	assert_non_null(t);
	assert_non_null(mkdtemp(t));
	return t;
}

static inline char *path_of(const char *dir, const char *name)
{
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static inline int exists(const char *dir, const char *name)
{
	char *p = path_of(dir, name);
	struct stat st;
	int r = stat(p, &st) == 0;
	free(p);
	return r;
}

static inline char *data_path(const char *name)
{
	return path_of(SOHOA_TEST_DATA "/scanner", name);
}

#define OK(expr)                                                                   \
	do {                                                                       \
		int rc_ = (expr);                                                  \
		if (rc_ != SH_OK)                                                  \
			fail_msg("%s -> %s: %s", #expr, sh_error_name(rc_),        \
				 sh_error_message());                              \
	} while (0)

#endif
