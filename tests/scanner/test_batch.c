/* Staged batches: manifest, review operations, crash leftovers, locking. */
#include "helpers.h"

#include <fcntl.h>

#define OWNER "001090123456"

static PIX *page_pix(int w, int h, int d, unsigned seed)
{
	PIX *p = pixCreate(w, h, d);
	assert_non_null(p);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned v = (unsigned)(x * 7 + y * 13 + (int)seed * 31);
			if (d == 1)
				pixSetPixel(p, x, y, (v / 5) & 1);
			else if (d == 8)
				pixSetPixel(p, x, y, v & 0xff);
			else
				pixSetPixel(p, x, y, (v & 0xff) << 24 | ((v * 3) & 0xff) << 16 | ((v * 5) & 0xff) << 8);
		}
	return p;
}

static sh_scan_batch *new_batch(char **root, int pages)
{
	*root = tmpdir_new();
	char *dir = path_of(*root, "B1");
	sh_scan_batch *b = NULL;
	OK(sh_scan_batch_create(&b, dir, OWNER, "1.001234"));
	free(dir);
	for (int i = 0; i < pages; i++) {
		PIX *p = page_pix(40 + i, 30, i % 3 == 0 ? 8 : i % 3 == 1 ? 1 : 32, (unsigned)i);
		unsigned id = 0;
		OK(sh_scan_batch_add_pix(b, &id, p, SH_SCAN_FILE, 0, 300, "Maker", "M1"));
		assert_int_equal(id, (unsigned)i + 1);
		pixDestroy(&p);
	}
	return b;
}

static void order_is(const sh_scan_batch *b, const unsigned *ids, size_t n)
{
	assert_int_equal(sh_scan_batch_count(b), n);
	for (size_t i = 0; i < n; i++) {
		sh_scan_page pg;
		OK(sh_scan_batch_page(b, i, &pg));
		assert_int_equal(pg.id, ids[i]);
	}
}

static void test_create_and_reopen(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = new_batch(&root, 3);
	char *dir = strdup(sh_scan_batch_dir(b));
	/* Lossless pages read back equal. */
	for (unsigned id = 1; id <= 3; id++) {
		PIX *want = page_pix(40 + (int)id - 1, 30, (id - 1) % 3 == 0 ? 8 : (id - 1) % 3 == 1 ? 1 : 32,
				     id - 1);
		PIX *got = NULL;
		OK(sh_scan_batch_page_pix(b, id, &got));
		l_int32 same = 0;
		pixEqual(want, got, &same);
		assert_true(same);
		pixDestroy(&want);
		pixDestroy(&got);
	}
	sh_scan_page pg;
	OK(sh_scan_batch_page(b, 1, &pg));
	assert_string_equal(pg.mime, "image/tiff"); /* 1 bpp -> G4 */
	assert_int_equal(pg.depth, 1);
	assert_int_equal(pg.mode, SH_SCAN_LINEART);
	/* A second handle is refused while the first holds the lock. */
	sh_scan_batch *b2 = NULL;
	assert_int_equal(sh_scan_batch_open(&b2, dir), SH_EBUSY);
	sh_scan_batch_close(&b);
	assert_null(b);
	OK(sh_scan_batch_open(&b, dir));
	assert_int_equal(sh_scan_batch_count(b), 3);
	assert_string_equal(sh_scan_batch_owner(b), OWNER);
	assert_string_equal(sh_scan_batch_procedure(b), "1.001234");
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMPLETE);
	OK(sh_scan_batch_page(b, 2, &pg));
	assert_string_equal(pg.make, "Maker");
	assert_int_equal(pg.dpi, 300);
	assert_int_equal(pg.width, 42);
	/* Existing folder, bad owner, bad procedure. */
	sh_scan_batch *b3 = NULL;
	assert_int_equal(sh_scan_batch_create(&b3, dir, OWNER, "1.1"), SH_EEXISTS);
	char *d2 = path_of(root, "B2");
	assert_int_equal(sh_scan_batch_create(&b3, d2, "12345", "1.1"), SH_EINVAL);
	assert_int_equal(sh_scan_batch_create(&b3, d2, OWNER, "a b"), SH_EINVAL);
	assert_false(exists(root, "B2"));
	free(d2);
	sh_scan_batch_close(&b);
	rm_rf(root);
	free(root);
	free(dir);
}

static void test_review_ops(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = new_batch(&root, 6);
	char *dir = strdup(sh_scan_batch_dir(b));
	OK(sh_scan_batch_rotate(b, 2, 90));
	OK(sh_scan_batch_rotate(b, 2, -180));
	assert_int_equal(sh_scan_batch_rotate(b, 2, 45), SH_EINVAL);
	sh_scan_page pg;
	OK(sh_scan_batch_page(b, 1, &pg));
	assert_int_equal(pg.rotation, 270);
	PIX *r = NULL;
	OK(sh_scan_batch_page_pix(b, 2, &r));
	assert_int_equal(pixGetWidth(r), 30); /* turned */
	assert_int_equal(pixGetHeight(r), 41);
	pixDestroy(&r);

	char *f3 = path_of(dir, "p0003.png");
	OK(sh_scan_batch_delete(b, 3));
	assert_false(access(f3, F_OK) == 0);
	free(f3);
	assert_int_equal(sh_scan_batch_delete(b, 3), SH_ENOTFOUND);
	unsigned o1[] = {1, 2, 4, 5, 6};
	order_is(b, o1, 5);

	OK(sh_scan_batch_move(b, 6, 0));
	unsigned o2[] = {6, 1, 2, 4, 5};
	order_is(b, o2, 5);
	assert_int_equal(sh_scan_batch_move(b, 6, 9), SH_EINVAL);

	size_t starts[] = {0, 2, 4};
	const char *codes[] = {"GKS", NULL, "CCCD"};
	OK(sh_scan_batch_split(b, starts, codes, 3));
	assert_int_equal(sh_scan_batch_components(b), 3);
	const char *code;
	const unsigned *ids;
	size_t n;
	OK(sh_scan_batch_component(b, 1, &code, &ids, &n));
	assert_string_equal(code, "");
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 4);
	OK(sh_scan_batch_set_code(b, 1, "QĐ"));
	size_t bad[] = {1};
	assert_int_equal(sh_scan_batch_split(b, bad, NULL, 1), SH_EINVAL);

	/* Deleting a component's first page passes the start on. */
	OK(sh_scan_batch_delete(b, 2));
	OK(sh_scan_batch_component(b, 1, &code, &ids, &n));
	assert_string_equal(code, "QĐ");
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 4);

	unsigned perm[] = {5, 4, 1, 6};
	OK(sh_scan_batch_reorder(b, perm, 4));
	order_is(b, perm, 4);
	unsigned dup[] = {5, 5, 1, 6};
	assert_int_equal(sh_scan_batch_reorder(b, dup, 4), SH_EINVAL);
	order_is(b, perm, 4);

	OK(sh_scan_batch_annotate(b, 1, 0x3, "trang trắng", 180));

	/* Everything survives a reopen. */
	sh_scan_batch_close(&b);
	OK(sh_scan_batch_open(&b, dir));
	order_is(b, perm, 4);
	assert_int_equal(sh_scan_batch_components(b), 3);
	OK(sh_scan_batch_component(b, 0, &code, &ids, &n));
	assert_string_equal(code, "GKS");
	assert_int_equal(n, 2);
	OK(sh_scan_batch_component(b, 2, &code, &ids, &n));
	assert_string_equal(code, "CCCD");
	size_t pos;
	OK(sh_scan_batch_find(b, 1, &pos));
	OK(sh_scan_batch_page(b, pos, &pg));
	assert_int_equal(pg.flags, 0x3);
	assert_string_equal(pg.note, "trang trắng");
	assert_int_equal(pg.rotation, 180);

	/* Commit, then nothing changes. */
	assert_int_equal(sh_scan_batch_commit(b, ""), SH_EINVAL);
	OK(sh_scan_batch_commit(b, "HS-0001"));
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_COMMITTED);
	assert_int_equal(sh_scan_batch_delete(b, 1), SH_EPERM);
	assert_int_equal(sh_scan_batch_rotate(b, 1, 90), SH_EPERM);
	sh_scan_batch_close(&b);
	OK(sh_scan_batch_open(&b, dir));
	assert_string_equal(sh_scan_batch_dossier(b), "HS-0001");
	sh_scan_batch_close(&b);
	rm_rf(root);
	free(root);
	free(dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	uint8_t *d = NULL;
	size_t n = 0;
	OK(sh_file_read(&d, &n, path, 1 << 20));
	char *s = strndup((char *)d, n);
	sh_free(d);
	return s;
}

static void test_crash_leftovers(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = new_batch(&root, 2);
	char *dir = strdup(sh_scan_batch_dir(b));
	sh_scan_batch_close(&b);
	/* A page written but never recorded, a temp file, and a manifest that
	 * says a capture was running. */
	char *orphan = path_of(dir, "p0003.png"), *tmp = path_of(dir, "p0004.png.tmp.99"),
	     *man = path_of(dir, "batch.json");
	write_file(orphan, "x");
	write_file(tmp, "x");
	char *m = read_text(man);
	char *s = strstr(m, "\"complete\"");
	assert_non_null(s);
	char *m2 = NULL;
	assert_true(asprintf(&m2, "%.*s\"scanning\"%s", (int)(s - m), m, s + 10) > 0);
	write_file(man, m2);
	OK(sh_scan_batch_open(&b, dir));
	assert_false(access(orphan, F_OK) == 0);
	assert_false(access(tmp, F_OK) == 0);
	assert_int_equal(sh_scan_batch_state(b), SH_SCAN_STATE_INTERRUPTED);
	sh_scan_fault f;
	sh_scan_batch_fault(b, &f);
	assert_string_equal(f.status, "STOPPED");
	assert_non_null(strstr(f.message, "--resume B1"));
	assert_int_equal(sh_scan_batch_commit(b, "D1"), SH_EINVAL);
	OK(sh_scan_batch_finish(b));
	OK(sh_scan_batch_commit(b, "D1"));
	sh_scan_batch_close(&b);

	/* Damaged and future manifests are refused with their own codes. */
	write_file(man, "{\"format\":\"sohoa-batch\",\"version\":2}");
	assert_int_equal(sh_scan_batch_open(&b, dir), SH_EVERSION);
	write_file(man, "{not json");
	assert_int_equal(sh_scan_batch_open(&b, dir), SH_ECORRUPT);
	write_file(man, m);
	char *p1 = path_of(dir, "p0001.png");
	write_file(p1, "changed");
	assert_int_equal(sh_scan_batch_open(&b, dir), SH_ECORRUPT);
	assert_null(b);
	free(p1);
	free(m);
	free(m2);
	free(orphan);
	free(tmp);
	free(man);
	rm_rf(root);
	free(root);
	free(dir);
}

/* Every allocation in a review operation fails in turn: the operation
 * reports it and the batch on disk stays as it was or fully changed. */
static void test_alloc_failures(void **state)
{
	(void)state;
	char *root;
	sh_scan_batch *b = new_batch(&root, 4);
	char *dir = strdup(sh_scan_batch_dir(b));
	sh_scan_batch_close(&b);
	for (long k = 1; k < 400; k++) {
		OK(sh_scan_batch_open(&b, dir));
		size_t before = sh_scan_batch_count(b);
		sh_alloc_fail_at(k, 0);
		int rc = sh_scan_batch_move(b, 4, 0);
		sh_alloc_fail_at(0, 0);
		sh_scan_batch_close(&b);
		OK(sh_scan_batch_open(&b, dir));
		assert_int_equal(sh_scan_batch_count(b), before);
		sh_scan_page pg;
		OK(sh_scan_batch_page(b, 0, &pg));
		if (rc == SH_OK) {
			assert_int_equal(pg.id, 4);
			sh_scan_batch_close(&b);
			break;
		}
		assert_int_equal(rc, SH_ENOMEM);
		assert_int_equal(pg.id, 1);
		sh_scan_batch_close(&b);
	}
	rm_rf(root);
	free(root);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_reopen),
		cmocka_unit_test(test_review_ops),
		cmocka_unit_test(test_crash_leftovers),
		cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
