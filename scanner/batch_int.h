/* batch_int.h - private to scanner/batch*.c: the staged batch in memory,
 * shared by its persistence and lifecycle (batch.c) and its page edits and
 * capture bookkeeping (batch_edit.c). */
#ifndef SH_BATCH_INT_H
#define SH_BATCH_INT_H

#include "scan_int.h"

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

/* A component code a batch may hold (1 when it may). */
int sh_scan__code_ok(const char *c);
/* Free what a page owns. */
void sh_scan__page_clear(struct page *p);
/* Backend options "name=value", NULL-terminated: free, copy, compare. */
void sh_scan__extra_free(char ***e);
int sh_scan__extra_dup(char ***out, const char *const *e);
int sh_scan__extra_same(char *const *a, const char *const *b);
/* Rebuild b->comps from pages[].starts. */
int sh_scan__comps_build(sh_scan_batch *b);
/* *dst = copy of s (NULL for NULL); SH_ENOMEM. */
int sh_scan__dup_or_null(char **dst, const char *s);
/* Write the manifest atomically (batch.json). */
int sh_scan__save(sh_scan_batch *b);
/* Save after an edit; after a failed save the manifest on disk is the truth:
 * it is loaded again. */
int sh_scan__commit_change(sh_scan_batch *b);

#endif
