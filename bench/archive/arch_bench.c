/* What finding separator sheets costs per page (not a test; prints figures):
 * sh_arch_detect_file on separator sheets (200 and 300 dpi, skewed) and on
 * paper pages of the corpus (no QR: ZBar scans the whole page in vain, the
 * common case in a box). Usage: arch_bench [ROUNDS] (default 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <leptonica/allheaders.h>

#include "sh_arch.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void run(const char *label, const char *path, int rounds, int want)
{
	double t0 = now();
	int ok = 0;
	for (int i = 0; i < rounds; i++) {
		int found = 0;
		sh_arch_sep s;
		if (sh_arch_detect_file(&found, &s, path, 0) == SH_OK && found == want)
			ok++;
	}
	double ms = (now() - t0) * 1000 / rounds;
	printf("%-34s %8.1f ms/page %8.0f pages/min  right %d/%d\n", label, ms, 60000 / ms, ok, rounds);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	if (rounds < 1)
		rounds = 1;
	char dir[] = "/tmp/arch_bench.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char p300[256], p200[256], skew[256];
	snprintf(p300, sizeof p300, "%s/s300.png", dir);
	snprintf(p200, sizeof p200, "%s/s200.png", dir);
	snprintf(skew, sizeof skew, "%s/skew.png", dir);
	sh_arch_sep s = {0};
	snprintf(s.owner, sizeof s.owner, "001099012345");
	snprintf(s.book, sizeof s.book, "Hộp 7");
	if (sh_arch_separators_write(p300, &s, 1, 1, 300) || sh_arch_separators_write(p200, &s, 1, 1, 200)) {
		fprintf(stderr, "arch_bench: %s\n", sh_error_message());
		return 1;
	}
	PIX *p = pixRead(p200), *g = p ? pixConvertTo8(p, 0) : NULL;
	PIX *r = g ? pixRotate(g, 0.07f, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0) : NULL;
	if (!r || pixWrite(skew, r, IFF_PNG))
		return 1;
	pixDestroy(&r);
	pixDestroy(&g);
	pixDestroy(&p);
	printf("separator detection (ZBar), %d rounds, one core\n", rounds);
	run("separator 300 dpi", p300, rounds, 1);
	run("separator 200 dpi", p200, rounds, 1);
	run("separator 200 dpi, 4 deg skew", skew, rounds, 1);
	const char *papers[] = {"dev01-quyet-dinh-clean300.png", "dev03-giay-khai-sinh-office200.jpg",
				"dev04-can-cuoc-color300.jpg", "dev05-dang-ky-doanh-nghiep-fax200.tif"};
	for (size_t i = 0; i < sizeof papers / sizeof *papers; i++) {
		char path[512], label[64];
		snprintf(path, sizeof path, "%s/tests/data/papers/%s", SOHOA_SOURCE_DIR, papers[i]);
		snprintf(label, sizeof label, "paper %.26s", papers[i]);
		run(label, path, rounds, 0);
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) != 0;
}
