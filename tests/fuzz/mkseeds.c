/* Writes the seed corpus: stored records made by the real store, and small
 * images of every supported type (plus damaged and hostile ones).
 * Usage: fuzz_mkseeds CORPUS_DIR. Not a test; rerun when formats change. */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sh_scan.h"
#include "sh_wh.h"

static void put_file(const char *dir, const char *name, const void *d, size_t n)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f || fwrite(d, 1, n, f) != n) {
		perror(p);
		exit(1);
	}
	fclose(f);
}

static void records(const char *out)
{
	char tmp[] = "/tmp/sohoa-seeds-XXXXXX";
	if (!mkdtemp(tmp) || sh_store_create(tmp, "H23.12"))
		exit(1);
	sh_store *s;
	if (sh_store_open(&s, tmp, 0))
		exit(1);
	uint8_t img[64];
	for (int i = 0; i < 64; i++)
		img[i] = (uint8_t)i;
	sh_wh_page_in pg[2] = {
		{.image = img, .image_len = 64, .mime = "image/png", .text = "Giấy khai sinh Đặng",
		 .hocr = "<p>h</p>", .width = 100, .height = 200, .dpi = 300, .rotation = 90,
		 .confidence = 88.5f, .flags = 1, .note = "note"},
		{.image = img + 1, .image_len = 63, .mime = "image/tiff", .text = "", .width = 1,
		 .height = 1}};
	sh_wh_paper_in pp[2] = {
		{.file = "a.png", .kind = "GKS", .facts = "{\"a\":1}", .flags = 3, .npages = 2,
		 .pages = pg},
		{.file = "b.tif", .npages = 1, .pages = pg + 1}};
	sh_wh_dossier_in d = {.owner = "0820624125-001", .procedure = "1.001193",
			   .received = 1718000000, .operator_id = "op", .npapers = 2, .papers = pp};
	sh_wh_dossier_codes *c = NULL;
	if (sh_wh_dossier_put(s, &d, &c))
		exit(1);
	sh_wh_dossier_codes_free(&c);
	sh_store_close(&s);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 16);
	if (mdb_env_open(env, tmp, 0, 0660) || mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))
		exit(1);
	const char *tables[] = {"dossier", "paper"};
	int n = 0;
	for (int t = 0; t < 2; t++) {
		mdb_dbi_open(txn, tables[t], 0, &dbi);
		mdb_cursor_open(txn, dbi, &cur);
		while (!mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			char name[64];
			snprintf(name, sizeof name, "%s-%d.rec", tables[t], n++);
			put_file(out, name, v.mv_data, v.mv_size);
		}
		mdb_cursor_close(cur);
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd))
		exit(1);
}

static void write_pix(const char *dir, const char *name, PIX *pix, int fmt)
{
	l_uint8 *d = NULL;
	size_t n = 0;
	if (pixWriteMem(&d, &n, pix, fmt)) {
		fprintf(stderr, "%s: cannot encode\n", name);
		exit(1);
	}
	put_file(dir, name, d, n);
	/* truncated copy: half the bytes */
	char cut[128];
	snprintf(cut, sizeof cut, "cut-%s", name);
	put_file(dir, cut, d, n / 2);
	lept_free(d);
}

static void images(const char *out)
{
	PIX *g = pixCreate(40, 30, 8), *b, *c;
	for (int y = 0; y < 30; y++)
		for (int x = 0; x < 40; x++)
			pixSetPixel(g, x, y, (l_uint32)((x * 7 + y * 3) & 0xff));
	pixSetResolution(g, 300, 300);
	b = pixThresholdToBinary(g, 128);
	c = pixConvertTo32(g);
	write_pix(out, "grey.png", g, IFF_PNG);
	write_pix(out, "grey.jpg", g, IFF_JFIF_JPEG);
	write_pix(out, "colour.jpg", c, IFF_JFIF_JPEG);
	write_pix(out, "grey.pnm", g, IFF_PNM);
	write_pix(out, "bw.pbm", b, IFF_PNM);
	write_pix(out, "bw-g4.tif", b, IFF_TIFF_G4);
	write_pix(out, "grey-lzw.tif", g, IFF_TIFF_LZW);
	write_pix(out, "colour-zip.tif", c, IFF_TIFF_ZIP);
	/* two-page TIFF */
	l_uint8 *d = NULL;
	size_t n = 0;
	PIXA *pa = pixaCreate(2);
	pixaAddPix(pa, b, L_COPY);
	pixaAddPix(pa, g, L_COPY);
	char tmpf[] = "/tmp/sohoa-seed-XXXXXX";
	int fd = mkstemp(tmpf);
	close(fd);
	pixaWriteMultipageTiff(tmpf, pa);
	FILE *f = fopen(tmpf, "rb");
	fseek(f, 0, SEEK_END);
	n = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	d = malloc(n);
	if (fread(d, 1, n, f) != n)
		exit(1);
	fclose(f);
	unlink(tmpf);
	put_file(out, "two-pages.tif", d, n);
	put_file(out, "cut-two-pages.tif", d, n - 40);
	free(d);
	pixaDestroy(&pa);
	/* hostile: a PNG announcing 100000 x 100000, a TIFF announcing 60000 x 60000,
	 * an empty file, text */
	static const uint8_t bomb_png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
		0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 0, 0, 0, 0, 0x4c, 0x50, 0x9c, 0x3f,
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
	put_file(out, "bomb.png", bomb_png, sizeof bomb_png);
	static const uint8_t bomb_tif[] = {
		'I', 'I', 42, 0, 8, 0, 0, 0, 5, 0,
		0x00, 0x01, 4, 0, 1, 0, 0, 0, 0x60, 0xea, 0, 0,  /* width 60000 */
		0x01, 0x01, 4, 0, 1, 0, 0, 0, 0x60, 0xea, 0, 0,  /* height 60000 */
		0x02, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0,        /* 1 bit */
		0x11, 0x01, 4, 0, 1, 0, 0, 0, 8, 0, 0, 0,        /* strip at 8 */
		0x17, 0x01, 4, 0, 1, 0, 0, 0, 4, 0, 0, 0,        /* 4 bytes */
		0, 0, 0, 0};
	put_file(out, "bomb.tif", bomb_tif, sizeof bomb_tif);
	put_file(out, "empty.png", "", 0);
	put_file(out, "text.jpg", "not an image\n", 13);
	pixDestroy(&g);
	pixDestroy(&b);
	pixDestroy(&c);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_mkseeds CORPUS_DIR\n");
		return 2;
	}
	char p[4096];
	snprintf(p, sizeof p, "%s/record", argv[1]);
	mkdir(p, 0755);
	records(p);
	snprintf(p, sizeof p, "%s/image", argv[1]);
	mkdir(p, 0755);
	images(p);
	return 0;
}
