/*
 * ocrdrv — benchmark driver for the OCR pool until `sohoa ocr` exists.
 *
 *   ocrdrv [--workers N] [--no-clean] [--steps MASK] [--hocr] --out DIR FILE...
 *
 * Recognises every page of every FILE with one sh_ocr_pool and writes
 * DIR/<basename without extension>.txt (pages of a multi-page file are
 * joined with a form feed). Prints one line per page: name, page, flags,
 * rotation, skew, dpi, mean confidence, words, reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh_ocr.h"
#include "sh_scan.h"

typedef struct job {
	sh_scan_file *file;
	size_t page;
	size_t file_idx;
} job;

typedef struct run {
	job *jobs;
} run;

static int load(void *arg, size_t i, PIX **out)
{
	run *r = arg;
	return sh_scan_file_page(r->jobs[i].file, r->jobs[i].page, out);
}

static char *out_path(const char *dir, const char *file, const char *ext)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	const char *dot = strrchr(base, '.');
	int len = dot ? (int)(dot - base) : (int)strlen(base);
	return sh_asprintf("%s/%.*s%s", dir, len, base, ext);
}

int main(int argc, char **argv)
{
	sh_ocr_options opts = {0};
	const char *dir = NULL;
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--workers") && a + 1 < argc)
			opts.workers = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--no-clean"))
			opts.no_clean = 1;
		else if (!strcmp(argv[a], "--steps") && a + 1 < argc)
			opts.clean = (unsigned)strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--hocr"))
			opts.want_hocr = 1;
		else if (!strcmp(argv[a], "--out") && a + 1 < argc)
			dir = argv[++a];
		else {
			fprintf(stderr, "ocrdrv: unknown option %s\n", argv[a]);
			return 2;
		}
	}
	if (!dir || a >= argc) {
		fprintf(stderr, "usage: ocrdrv [--workers N] [--no-clean] [--steps MASK] [--hocr] "
				"--out DIR FILE...\n");
		return 2;
	}
	size_t nfiles = (size_t)(argc - a), njobs = 0;
	sh_scan_file **files = sh_calloc(nfiles, sizeof *files);
	for (size_t f = 0; f < nfiles; f++) {
		if (sh_scan_file_open(&files[f], argv[a + f])) {
			fprintf(stderr, "ocrdrv: %s\n", sh_error_message());
			return 1;
		}
		njobs += sh_scan_file_pages(files[f]);
	}
	run r = {sh_calloc(njobs, sizeof(job))};
	size_t k = 0;
	for (size_t f = 0; f < nfiles; f++)
		for (size_t p = 0; p < sh_scan_file_pages(files[f]); p++)
			r.jobs[k++] = (job){files[f], p, f};
	sh_ocr_page *pages = sh_calloc(njobs, sizeof *pages);
	sh_ocr_pool *pool = NULL;
	if (sh_ocr_pool_new(&pool, &opts)) {
		fprintf(stderr, "ocrdrv: %s\n", sh_error_message());
		return 1;
	}
	int rc = sh_ocr_pool_run(pool, njobs, load, &r, pages);
	if (rc)
		fprintf(stderr, "ocrdrv: %s\n", sh_error_message());
	for (size_t f = 0, j = 0; f < nfiles; f++) {
		char *path = out_path(dir, argv[a + f], ".txt");
		char *hpath = out_path(dir, argv[a + f], ".hocr");
		FILE *fp = fopen(path, "w"), *hp = opts.want_hocr ? fopen(hpath, "w") : NULL;
		for (size_t p = 0; p < sh_scan_file_pages(files[f]); p++, j++) {
			sh_ocr_page *pg = &pages[j];
			if (fp && pg->text)
				fprintf(fp, "%s%s", p ? "\f" : "", pg->text);
			if (hp && pg->hocr)
				fputs(pg->hocr, hp);
			const float *c = pg->clean.corners;
			printf("%s\t%zu\t[%s]\trot=%d\tskew=%.2f\tdpi=%d\tconf=%.1f\twords=%d\t%s"
			       "\ttrue_dpi=%d\tcorners=%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f\n",
			       argv[a + f], p + 1, sh_ocr_flags_str(pg->flags), pg->clean.rotation,
			       pg->clean.skew, pg->clean.dpi, pg->confidence, pg->words, pg->reason,
			       pg->clean.true_dpi, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
			sh_ocr_page_clear(pg);
		}
		if (fp)
			fclose(fp);
		if (hp)
			fclose(hp);
		sh_free(path);
		sh_free(hpath);
	}
	sh_ocr_pool_free(&pool);
	for (size_t f = 0; f < nfiles; f++)
		sh_scan_file_free(&files[f]);
	sh_free(files);
	sh_free(pages);
	sh_free(r.jobs);
	return rc ? 1 : 0;
}
