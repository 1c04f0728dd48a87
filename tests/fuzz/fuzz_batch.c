/* Fuzz target: the staged batch manifest (scanner/batch.c, read by
 * sh_scan_batch_open; the parser is static, so the input is written as
 * DIR/batch.json in a fresh folder per run, on tmpfs when there is one).
 *
 * The page files the manifest names (plain names, at most 64 KiB, at most
 * 256 of them) are created with the declared size, so that opening gets
 * past the file check and the review operations are reached. Properties:
 *  - any bytes open, or give SH_ECORRUPT / SH_EVERSION / SH_ENOMEM with
 *    no handle;
 *  - an open batch is consistent: a known state, owner and procedure, its
 *    components cover the pages exactly and in order, every page is found
 *    by its id at its position, rotations are 0/90/180/270;
 *  - review operations chosen from the input (rotate, move, delete, split,
 *    set_code, annotate, reorder, finish, commit) give OK or an expected
 *    error and keep the batch consistent;
 *  - what a batch saved, it opens again (same pages in the same order);
 *  - nothing is leaked (sh_alloc_live). */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILE (64u << 10)
#define MAX_TOTAL (1u << 20)
#define MAX_FILES 256
#define MAX_PAGES 4096

static char base[256];
static char dir[300];

static void setup(void)
{
	if (base[0])
		return;
	const char *t = getenv("FUZZ_TMPDIR");
	struct stat st;
	if (!t || !*t)
		t = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0
			    ? "/dev/shm"
			    : getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(base, sizeof base, "%s/sohoa-fuzz-batch-XXXXXX", t);
	if (!mkdtemp(base))
		abort();
	/* the batch id is the folder's base name */
	snprintf(dir, sizeof dir, "%s/B1", base);
}

static void clean(void)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[700];
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void put(const char *name, const void *d, size_t n)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return; /* a name the file system refuses: opening the batch must say so */
	if (n && write(fd, d, n) != (ssize_t)n)
		abort();
	close(fd);
}

/* Create the page files the manifest names, with their declared sizes. */
static void page_files(const uint8_t *data, size_t size)
{
	static uint8_t zeros[MAX_FILE];
	json_error_t err;
	json_t *root = json_loadb((const char *)data, size, 0, &err);
	json_t *pages = json_object_get(root, "pages");
	size_t total = 0, made = 0;
	for (size_t i = 0; i < json_array_size(pages) && made < MAX_FILES; i++) {
		json_t *p = json_array_get(pages, i);
		const char *f = json_string_value(json_object_get(p, "file"));
		json_t *b = json_object_get(p, "bytes");
		if (!f || !json_is_integer(b) || !*f || f[0] == '.' || strchr(f, '/') ||
		    strlen(f) > 200 || !strcmp(f, "batch.json"))
			continue;
		json_int_t n = json_integer_value(b);
		if (n < 0 || n > (json_int_t)MAX_FILE || total + (size_t)n > MAX_TOTAL)
			continue;
		put(f, zeros, (size_t)n);
		total += (size_t)n;
		made++;
	}
	json_decref(root);
}

static uint64_t hash(const uint8_t *d, size_t n)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211u;
	return h;
}

/* The page ids in order, or NULL for an empty batch (caller frees). */
static unsigned *ids_of(const sh_scan_batch *b, size_t *n)
{
	*n = sh_scan_batch_count(b);
	if (*n > MAX_PAGES)
		abort();
	unsigned *ids = calloc(*n ? *n : 1, sizeof *ids);
	if (!ids)
		abort();
	for (size_t i = 0; i < *n; i++) {
		sh_scan_page p;
		if (sh_scan_batch_page(b, i, &p))
			abort();
		ids[i] = p.id;
	}
	return ids;
}

static void consistent(const sh_scan_batch *b)
{
	sh_scan_state st = sh_scan_batch_state(b);
	if (st != SH_SCAN_STATE_SCANNING && st != SH_SCAN_STATE_INTERRUPTED &&
	    st != SH_SCAN_STATE_COMPLETE && st != SH_SCAN_STATE_COMMITTED)
		abort();
	if (st == SH_SCAN_STATE_SCANNING)
		abort(); /* opening turns a dead capture into INTERRUPTED */
	if (!sh_scan_batch_owner(b) || !sh_scan_batch_procedure(b) || !sh_scan_batch_id(b))
		abort();
	sh_scan_fault f;
	sh_scan_batch_fault(b, &f);
	if (!f.status || !f.message)
		abort();
	size_t n = sh_scan_batch_count(b), pos = 0, nc = sh_scan_batch_components(b);
	if ((n == 0) != (nc == 0))
		abort();
	for (size_t i = 0; i < n; i++) {
		sh_scan_page p;
		size_t at;
		if (sh_scan_batch_page(b, i, &p) || !p.file || !p.mime || !p.make || !p.model ||
		    !p.note || strlen(p.sha256) != 64)
			abort();
		if (p.rotation != 0 && p.rotation != 90 && p.rotation != 180 && p.rotation != 270)
			abort();
		if (sh_scan_batch_find(b, p.id, &at) || at != i)
			abort(); /* ids unique, found where they are */
	}
	sh_scan_page p;
	if (sh_scan_batch_page(b, n, &p) != SH_ENOTFOUND)
		abort();
	for (size_t k = 0; k < nc; k++) {
		const char *code = NULL;
		const unsigned *ids = NULL;
		size_t m = 0;
		if (sh_scan_batch_component(b, k, &code, &ids, &m) || !code || !ids || m == 0)
			abort();
		for (size_t j = 0; j < m; j++, pos++) {
			if (pos >= n || sh_scan_batch_page(b, pos, &p) || p.id != ids[j])
				abort(); /* components do not follow the page order */
		}
	}
	if (pos != n || sh_scan_batch_component(b, nc, NULL, NULL, NULL) != SH_ENOTFOUND)
		abort();
}

static int show;

static void expect(int rc)
{
	if (show)
		fprintf(stderr, "  -> %d %s\n", rc, rc ? sh_error_message() : "");
	switch (rc) {
	case SH_OK: case SH_EINVAL: case SH_ENOTFOUND: case SH_EPERM: case SH_EBUSY:
	case SH_ENOMEM:
		return;
	default:
		abort();
	}
}

/* A few review operations chosen by the input's hash. */
static void review(sh_scan_batch *b, uint64_t h)
{
	static const char *const codes[] = {"GKS", "", "CCCD.1", "bad code!", "Đ", "X/Y",
					    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
	for (int step = 0; step < 4; step++, h = h * 6364136223846793005u + 1442695040888963407u) {
		size_t n = 0;
		unsigned *ids = ids_of(b, &n);
		unsigned r = (unsigned)(h >> 33);
		unsigned id = n ? ids[r % n] : r % 7;
		size_t to = (r >> 8) % (n + 2);
		const char *code = codes[(r >> 16) % 7];
		if (show)
			fprintf(stderr, "op %u id %u to %zu code '%s' (%zu pages)\n",
				(unsigned)((h >> 60) % 10), id, to, code, n);
		switch ((h >> 60) % 10) {
		case 0: {
			/* small turns, and the extremes a command line can pass */
			static const int deg[] = {-90, -45, 0, 45, 90, 180, 270, 2147483610,
						  -2147483610, 2147483647};
			expect(sh_scan_batch_rotate(b, id, deg[(r >> 4) % 10]));
			break;
		}
		case 1: expect(sh_scan_batch_move(b, id, to)); break;
		case 2: expect(sh_scan_batch_delete(b, id)); break;
		case 3: {
			size_t starts[3] = {0, 1 + (r >> 4) % (n + 1), 2 + (r >> 12) % (n + 1)};
			const char *cs[3] = {code, codes[(r >> 20) % 7], NULL};
			expect(sh_scan_batch_split(b, starts, cs, 1 + (r >> 24) % 3));
			break;
		}
		case 4: expect(sh_scan_batch_set_code(b, to, code)); break;
		case 5: expect(sh_scan_batch_annotate(b, id, r & 7, code, (int)((r >> 4) % 6) * 90 - 90));
			break;
		case 6: {
			for (size_t i = 0; i < n / 2; i++) {
				unsigned t = ids[i];
				ids[i] = ids[n - 1 - i];
				ids[n - 1 - i] = t;
			}
			expect(sh_scan_batch_reorder(b, ids, n - (r & 1 && n)));
			break;
		}
		case 7: expect(sh_scan_batch_finish(b)); break;
		case 8: expect(sh_scan_batch_commit(b, r & 1 ? "000.00.99.Z99-261122-0001" : ""));
			break;
		default: {
			PIX *pix = NULL;
			if (id && sh_scan_batch_page_pix(b, id, &pix) == SH_OK && !pix)
				abort();
			pixDestroy(&pix);
			break;
		}
		}
		free(ids);
		consistent(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	clean();
	show = getenv("FUZZ_BATCH_SHOW") != NULL;
	if (mkdir(dir, 0755) < 0)
		abort();
	put("batch.json", data, size);
	page_files(data, size);
	long live = sh_alloc_live();
	sh_scan_batch *b = NULL;
	int rc = sh_scan_batch_open(&b, dir);
	if (getenv("FUZZ_BATCH_SHOW"))
		fprintf(stderr, "open: %s\n", rc ? sh_error_message() : "ok");
	if (rc) {
		if (b || (rc != SH_ECORRUPT && rc != SH_EVERSION && rc != SH_ENOMEM))
			abort();
	} else {
		consistent(b);
		review(b, hash(data, size));
		size_t n = 0;
		unsigned *before = ids_of(b, &n);
		sh_scan_batch_close(&b);
		/* what was saved must open again, with the same pages */
		rc = sh_scan_batch_open(&b, dir);
		if (rc && getenv("FUZZ_BATCH_SHOW"))
			fprintf(stderr, "reopen: %s\n", sh_error_message());
		if (rc)
			abort();
		consistent(b);
		size_t m = 0;
		unsigned *after = ids_of(b, &m);
		if (m != n || (n && memcmp(before, after, n * sizeof *before)))
			abort();
		free(before);
		free(after);
		sh_scan_batch_close(&b);
	}
	if (sh_alloc_live() != live)
		abort(); /* leak on some path */
	clean();
	return 0;
}
