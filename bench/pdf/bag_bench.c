/* BagIt round trip (not a test): bag_bench WORKDIR [PAPERS]
 * Office A stores PAPERS signed one-page papers (10 per dossier; synthetic
 * G4 pages made with Leptonica, distinct text), exports the dossiers
 * received today as one bag (sh_pdf_export_bag_select), the bag is checked
 * (sh_pdf_bag_validate), office B imports it trusting A's public key
 * (sh_pdf_import_bag), then verifies its whole warehouse
 * (sh_ledger_verify_all). Prints the time of each step and the problems
 * found; bench/pdf/bag.sh drives it and times bagcheck.py on the same bag. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <leptonica/allheaders.h>

#include "sh_pdf.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bag_bench: %s: %s\n", what, sh_error_message());
	exit(1);
}

static sh_sign_key *office(const char *dir, const char *agency, const char *pubpath, sh_store **s)
{
	if (sh_store_create(dir, agency) || sh_store_open(s, dir, 0))
		die(dir);
	sh_sign_key *key = NULL;
	sh_sign_pubkey pub;
	sh_buf f = SH_BUF_INIT;
	if (sh_sign_key_generate(&key) ||
	    sh_sign_pubkey_make(&pub, key, "Bench", "Bench", agency, sh_now() - 60, SH_SIGN_NEVER) ||
	    sh_sign_pubkey_export(&f, &pub, key) || sh_ledger_key_register(*s, f.data, f.len) ||
	    (pubpath && sh_file_write(pubpath, f.data, f.len)))
		die("key");
	sh_buf_free(&f);
	return key;
}

static void report(void *arg, const char *code, const char *problem)
{
	(void)arg;
	fprintf(stderr, "  %s: %s\n", code, problem);
}

static void bag_report(void *arg, const char *problem)
{
	(void)arg;
	fprintf(stderr, "  %s\n", problem);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bag_bench WORKDIR [PAPERS]\n");
		return 2;
	}
	setLeptDebugOK(0);
	size_t npapers = argc > 2 ? (size_t)atol(argv[2]) : 1000;
	if (npapers < 10 || npapers > 100000)
		npapers = 1000;
	char a[4096], b[4096], bag[4096], pubp[4096];
	snprintf(a, sizeof a, "%s/a", argv[1]);
	snprintf(b, sizeof b, "%s/b", argv[1]);
	snprintf(bag, sizeof bag, "%s/bag", argv[1]);
	snprintf(pubp, sizeof pubp, "%s/a.pub", argv[1]);
	sh_store *sa = NULL, *sb = NULL;
	sh_sign_key *ka = office(a, "000.00.99.Z99", pubp, &sa);
	sh_sign_key *kb = office(b, "000.00.98.Z98", NULL, &sb);
	/* A: dossiers of 10 papers, one G4 page each */
	double t0 = now();
	size_t per = 10, nd = npapers / per, bytes = 0;
	static const char *owners[] = {"033317490435", "001099012345"};
	for (size_t d = 0; d < nd; d++) {
		sh_wh_paper_in papers[10];
		sh_wh_page_in pages[10];
		uint8_t *imgs[10];
		char texts[10][128];
		for (size_t i = 0; i < per; i++) {
			size_t n = d * per + i;
			PIX *pix = pixCreate(850, 1100, 1);
			for (int y = 100; y < 1000; y += 40) /* lines of "text" */
				pixRasterop(pix, 80, y + (int)(n % 7), 300 + (int)((n * 37 + y) % 400), 12,
					    PIX_SET, NULL, 0, 0);
			size_t len = 0;
			if (pixWriteMemTiff(&imgs[i], &len, pix, IFF_TIFF_G4))
				die("page image");
			pixDestroy(&pix);
			bytes += len;
			snprintf(texts[i], sizeof texts[i],
				 "GIẤY KHAI SINH số %zu/2026 Họ và tên: Nguyễn Văn Thử %zu", n + 1, n + 1);
			pages[i] = (sh_wh_page_in){.image = imgs[i], .image_len = len,
						   .mime = "image/tiff", .text = texts[i],
						   .width = 850, .height = 1100, .dpi = 100};
			papers[i] = (sh_wh_paper_in){.kind = "GKS", .npages = 1, .pages = &pages[i]};
		}
		sh_wh_dossier_in in = {.owner = owners[d % 2], .procedure = "1.001193", .key = ka,
				       .npapers = per, .papers = papers};
		sh_wh_dossier_codes *codes = NULL;
		if (sh_wh_dossier_put(sa, &in, &codes))
			die("storing");
		sh_wh_dossier_codes_free(&codes);
		for (size_t i = 0; i < per; i++)
			free(imgs[i]);
	}
	double t1 = now();
	printf("A: %zu papers in %zu dossiers stored and signed: %.2f s (%zu bytes of G4 pages)\n",
	       nd * per, nd, t1 - t0, bytes);
	char day[16];
	time_t tt = time(NULL);
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	size_t n = 0;
	sh_pdf_export_opts o = {.command = "export-bag"};
	t0 = now();
	if (sh_pdf_export_bag_select(sa, NULL, day, day, bag, &o, &n))
		die("export-bag");
	t1 = now();
	printf("export-bag --from %s --to %s: %zu papers, %.2f s\n", day, day, n, t1 - t0);
	size_t problems = 0;
	t0 = now();
	int rc = sh_pdf_bag_validate(bag, bag_report, NULL, &problems);
	t1 = now();
	printf("bag checks (sh_pdf_bag_validate): %.2f s, %zu problems\n", t1 - t0, problems);
	if (rc)
		return 1;
	const char *trust[1] = {pubp};
	sh_wh_import_stats st;
	t0 = now();
	if (sh_pdf_import_bag(sb, kb, bag, trust, 1, bag_report, NULL, &st))
		die("import-bag");
	t1 = now();
	printf("import-bag into B: %zu papers filed, %zu dossiers, %.2f s\n", st.papers, st.dossiers,
	       t1 - t0);
	sh_ledger_verify_stats vs;
	t0 = now();
	rc = sh_ledger_verify_all(sb, 0, report, NULL, NULL, &vs);
	t1 = now();
	printf("verify --all on B: %zu papers, %llu log entries, %zu problems, %.2f s\n", vs.papers,
	       (unsigned long long)vs.log_entries, vs.problems, t1 - t0);
	sh_sign_key_free(&ka);
	sh_sign_key_free(&kb);
	sh_store_close(&sa);
	sh_store_close(&sb);
	return rc || vs.problems || st.papers != nd * per ? 1 : 0;
}
