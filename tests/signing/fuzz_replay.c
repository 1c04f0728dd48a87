/* Replays the signing/ fuzz corpus (a directory of seed files) through
 * the fuzz target, then deterministic mutations of each seed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	DIR *d = opendir(argv[1]);
	if (!d) {
		fprintf(stderr, "%s: cannot open the corpus directory\n", argv[1]);
		return 1;
	}
	struct dirent *e;
	int files = 0;
	unsigned long runs = 0, seed = 9162;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		static uint8_t buf[1 << 16], mut[1 << 16];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		files++;
		LLVMFuzzerTestOneInput(buf, n);
		runs++;
		for (int i = 0; i < 3000 && n; i++) {
			memcpy(mut, buf, n);
			size_t len = n;
			for (int k = 0; k < 1 + i % 4; k++) {
				seed = seed * 6364136223846793005ul + 1442695040888963407ul;
				size_t at = (size_t)(seed >> 33) % len;
				uint8_t v = (uint8_t)(seed >> 17);
				if (i % 5 == 0 && len > 1) {
					memmove(mut + at, mut + at + 1, len - at - 1);
					len--;
				} else
					mut[at] = i % 2 ? v : (uint8_t)(mut[at] ^ (1u << (v % 8)));
			}
			LLVMFuzzerTestOneInput(mut, len);
			runs++;
		}
	}
	closedir(d);
	printf("replayed %d corpus files, %lu inputs\n", files, runs);
	return files ? 0 : 1;
}
