/* export-pdf speed and size (not a test): pdf_bench STORE CODE OUT.pdf [RUNS]
 * Prints the time of each sh_pdf_export run (one thread), the PDF's size and
 * the size of the stored page images it holds. bench/pdf/run.sh drives it. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "sh_pdf.h"

static double now(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: pdf_bench STORE CODE OUT.pdf [RUNS]\n");
		return 2;
	}
	int runs = argc > 4 ? atoi(argv[4]) : 5;
	if (runs < 1 || runs > 100)
		runs = 5;
	sh_store *s = NULL;
	if (sh_store_open(&s, argv[1], 0)) {
		fprintf(stderr, "pdf_bench: %s\n", sh_error_message());
		return 1;
	}
	/* the stored images' bytes */
	size_t stored = 0, pages = 0;
	sh_store_dossier_rec *d = NULL;
	if (sh_store_dossier_get(s, argv[2], &d) == SH_OK) {
		for (size_t i = 0; i < d->npapers; i++) {
			sh_store_paper_rec *p = NULL;
			if (sh_store_paper_get(s, d->papers[i], &p))
				continue;
			for (size_t k = 0; k < p->npages; k++)
				stored += p->pages[k].image_len;
			sh_store_paper_rec_free(&p);
		}
		sh_store_dossier_rec_free(&d);
	}
	double t[100], cpu[100];
	for (int i = 0; i < runs; i++) {
		double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		if (sh_pdf_export(s, argv[2], argv[3], NULL, &pages)) {
			fprintf(stderr, "pdf_bench: %s\n", sh_error_message());
			return 1;
		}
		t[i] = now(CLOCK_MONOTONIC) - t0;
		cpu[i] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	qsort(t, (size_t)runs, sizeof *t, cmp);
	qsort(cpu, (size_t)runs, sizeof *cpu, cmp);
	struct stat st;
	stat(argv[3], &st);
	printf("export-pdf: %zu pages, %d runs: CPU min %.3f s, median %.3f s; wall min %.3f s, "
	       "median %.3f s\n",
	       pages, runs, cpu[0], cpu[runs / 2], t[0], t[runs / 2]);
	printf("PDF %lld bytes; stored images %zu bytes; PDF/stored %.3f (+%.1f %%)\n",
	       (long long)st.st_size, stored, (double)st.st_size / (double)stored,
	       100.0 * ((double)st.st_size - (double)stored) / (double)stored);
	sh_store_close(&s);
	return 0;
}
