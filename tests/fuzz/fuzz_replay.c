/* Plain replay driver for a fuzz target (no libFuzzer): runs every file of
 * the given folders (or files), then deterministic variants of each: every
 * truncation at 1/8 steps and single-byte changes at a few positions.
 * Exit 0 when every input ran; a bug aborts, as under libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long runs;

static void run_variants(const uint8_t *d, size_t n)
{
	LLVMFuzzerTestOneInput(d, n);
	runs++;
	uint8_t *m = malloc(n ? n : 1);
	for (int k = 1; k < 8 && n > 8; k++) {
		LLVMFuzzerTestOneInput(d, n * (size_t)k / 8);
		runs++;
	}
	for (int k = 0; k < 16 && n; k++) {
		size_t at = (size_t)k * 2654435761u % n;
		memcpy(m, d, n);
		m[at] ^= (uint8_t)(0x5a + k * 37);
		LLVMFuzzerTestOneInput(m, n);
		runs++;
	}
	free(m);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *d = malloc(n > 0 ? (size_t)n : 1);
	size_t got = fread(d, 1, (size_t)n, f);
	fclose(f);
	run_variants(d, got);
	free(d);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;
	long files = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			files++;
			continue;
		}
		struct dirent **ents;
		int n = scandir(argv[i], &ents, NULL, alphasort);
		for (int k = 0; k < n; k++) {
			char *p = NULL;
			if (ents[k]->d_name[0] != '.' && asprintf(&p, "%s/%s", argv[i], ents[k]->d_name) > 0) {
				if (!stat(p, &st) && S_ISREG(st.st_mode)) {
					bad |= run_file(p);
					files++;
				}
			}
			free(p);
			free(ents[k]);
		}
		free(ents);
	}
	printf("%ld files, %ld runs\n", files, runs);
	return bad || files == 0;
}
