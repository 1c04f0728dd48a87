/* verify --all throughput on a large signed warehouse, against the raw
 * speed of SHA-256 and Ed25519 verification measured in the same run.
 *   verify_bench DIR [PAPERS] [PAPERS_PER_DOSSIER]
 * Fills DIR (a new warehouse) with PAPERS signed papers (small page images
 * and texts), then times sh_ledger_verify_all on every core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sh_sign.h"
#include "sh_wh.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "verify_bench: %s: %s\n", what, sh_error_message());
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: verify_bench DIR [PAPERS] [PER_DOSSIER]\n");
		return 2;
	}
	const char *dir = argv[1];
	long papers = argc > 2 ? atol(argv[2]) : 100000;
	long per = argc > 3 ? atol(argv[3]) : 50;
	enum { IMG = 4096, TXT = 1024 };
	sh_crypto_init();

	/* raw speeds, this run */
	uint8_t *buf = malloc(1 << 20), h[32];
	for (int i = 0; i < (1 << 20); i++)
		buf[i] = (uint8_t)(i * 131);
	double t0 = now_s();
	int reps = 0;
	while (now_s() - t0 < 1.0) {
		sh_sha256(h, buf, 1 << 20);
		reps++;
	}
	double sha_mbs = reps / (now_s() - t0);
	sh_sign_key *key = NULL;
	if (sh_sign_key_generate(&key))
		die("key");
	uint8_t sig[64], pub[32];
	sh_sign_key_public(pub, key);
	sh_sign_sign(sig, key, buf, 1024);
	t0 = now_s();
	reps = 0;
	while (now_s() - t0 < 1.0) {
		if (sh_sign_verify(pub, buf, 1024, sig, sizeof sig))
			die("verify");
		reps++;
	}
	double ed_vs = reps / (now_s() - t0);
	printf("raw: SHA-256 %.0f MB/s, Ed25519 verify %.0f /s (1 thread)\n", sha_mbs, ed_vs);

	/* the warehouse */
	if (sh_store_create(dir, "000.00.99.Z99"))
		die("create");
	sh_store *s = NULL;
	if (sh_store_open(&s, dir, 0))
		die("open");
	sh_sign_pubkey pk;
	sh_buf pf = SH_BUF_INIT;
	if (sh_sign_pubkey_make(&pk, key, "Bench", "Desk", "000.00.99.Z99", 1, SH_SIGN_NEVER) ||
	    sh_sign_pubkey_export(&pf, &pk, key) || sh_ledger_key_register(s, pf.data, pf.len))
		die("register key");
	sh_wh_page_in *pages = calloc((size_t)per, sizeof *pages);
	sh_wh_paper_in *pin = calloc((size_t)per, sizeof *pin);
	uint8_t *imgs = malloc((size_t)per * IMG);
	char *texts = malloc((size_t)per * TXT);
	char files[64][32];
	long stored = 0, n = 0;
	t0 = now_s();
	while (stored < papers) {
		long k = papers - stored < per ? papers - stored : per;
		for (long i = 0; i < k; i++) {
			uint8_t *im = imgs + i * IMG;
			for (int b = 0; b < IMG; b++)
				im[b] = (uint8_t)((stored + i) * 7919 + b * 31);
			char *t = texts + i * TXT;
			int w = snprintf(t, TXT, "GIẤY KHAI SINH số %ld họ và tên NGUYỄN VĂN %ld ", stored + i,
					 n);
			memset(t + w, 'a', TXT - 1 - (size_t)w);
			t[TXT - 1] = 0;
			pages[i] = (sh_wh_page_in){.image = im, .image_len = IMG, .mime = "image/png",
						.text = t, .width = 100, .height = 100, .dpi = 300};
			snprintf(files[i % 64], sizeof files[0], "p%ld.png", stored + i);
			pin[i] = (sh_wh_paper_in){.file = files[i % 64], .kind = "GKS", .npages = 1,
					       .pages = &pages[i]};
		}
		char owner[16];
		snprintf(owner, sizeof owner, "0011%08ld", n % 100000000);
		sh_wh_dossier_in din = {.owner = owner, .procedure = "1.001193", .key = key,
				     .received = 1795000000 + n * 7, .npapers = (size_t)k,
				     .papers = pin};
		sh_wh_dossier_codes *c = NULL;
		if (sh_wh_dossier_put(s, &din, &c))
			die("put");
		sh_wh_dossier_codes_free(&c);
		stored += k;
		n++;
	}
	double fill = now_s() - t0;
	printf("filled: %ld papers in %ld dossiers, %.1f s (%.0f signed papers/s)\n", stored, n, fill,
	       stored / fill);

	long workers = sysconf(_SC_NPROCESSORS_ONLN);
	sh_ledger_verify_stats st;
	t0 = now_s();
	int rc = sh_ledger_verify_all(s, 0, NULL, NULL, NULL, &st);
	double el = now_s() - t0;
	double mb = (double)stored * (IMG + TXT) / 1e6;
	printf("verify --all: %zu papers, %llu log entries, %zu problems, %.2f s on %ld cores\n",
	       st.papers, (unsigned long long)st.log_entries, st.problems, el, workers);
	printf("  %.0f papers/s, %.1f MB/s of page bytes re-hashed\n", st.papers / el, mb / el);
	printf("  bound from raw speeds (%ld cores): SHA-256 alone %.0f MB/s; Ed25519 alone %.0f "
	       "papers/s at 1 verify each\n",
	       workers, sha_mbs * workers, ed_vs * workers);
	sh_store_close(&s);
	sh_sign_key_free(&key);
	return rc ? 1 : 0;
}
