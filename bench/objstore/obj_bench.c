/* Blob throughput to an S3 store with sh_obj (not a test; run through
 * bench/objstore/run.sh, which starts Swift and compares with boto3 and the
 * swift command line on the same files in the same run):
 *   obj_bench [-j THREADS] [-l LABEL] DIR PREFIX
 * uploads every file of DIR under PREFIX (fresh: sh_obj_put STORED), puts
 * them again (EXISTED: HEAD only), reads them back (GET + re-hash, no
 * cache), and prints one line per phase: files, MB, seconds, MB/s,
 * objects/s. With -j N, N threads each with its own sh_obj handle (the
 * module's rule: one handle per thread) take every N-th file; a phase's
 * time is from the start of the first thread to the end of the last. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sh_obj.h"

enum { MAXJ = 64 };

static size_t n_files;
static uint8_t **data;
static size_t *len;
static uint8_t (*hashes)[SH_SHA256_LEN];

typedef struct worker {
	sh_obj *o;
	int index, nthreads, phase, failed;
	char msg[256];
} worker;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void line(const char *what, const char *label, size_t n, double bytes, double s)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s%s", what, *label ? " " : "", label);
	printf("%-36s %5zu files %8.1f MB %7.2f s %8.1f MB/s %7.1f obj/s\n", name, n, bytes / 1e6, s,
	       bytes / 1e6 / s, (double)n / s);
	fflush(stdout);
}

static void *run(void *arg)
{
	worker *w = arg;
	for (size_t i = (size_t)w->index; i < n_files && !w->failed; i += (size_t)w->nthreads) {
		int rc, where = 0;
		if (w->phase < 2) {
			rc = sh_obj_put(w->o, hashes[i], &where, data[i], len[i]);
			if (rc == SH_OK && where != (w->phase == 0 ? SH_OBJ_STORED : SH_OBJ_EXISTED))
				rc = sh_error_set(SH_ERROR, "unexpected outcome %d", where);
		} else {
			uint8_t *b = NULL;
			size_t bl = 0;
			rc = sh_obj_get(w->o, &b, &bl, hashes[i]);
			sh_free(b);
		}
		if (rc != SH_OK) {
			snprintf(w->msg, sizeof w->msg, "%s", sh_error_message());
			w->failed = 1;
		}
	}
	return NULL;
}

static int read_dir(const char *dir, double *total)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		FILE *f = fopen(p, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long sz = ftell(f);
		rewind(f);
		if (n_files == cap) {
			cap = cap ? 2 * cap : 256;
			data = realloc(data, cap * sizeof *data);
			len = realloc(len, cap * sizeof *len);
			if (!data || !len)
				return -1;
		}
		data[n_files] = malloc((size_t)sz + 1);
		if (!data[n_files] || fread(data[n_files], 1, (size_t)sz, f) != (size_t)sz)
			return -1;
		len[n_files] = (size_t)sz;
		*total += (double)sz;
		n_files++;
		fclose(f);
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	int nthreads = 1, opt;
	const char *label = "";
	while ((opt = getopt(argc, argv, "j:l:")) != -1) {
		if (opt == 'j')
			nthreads = atoi(optarg);
		else if (opt == 'l')
			label = optarg;
		else
			nthreads = 0;
	}
	if (argc - optind != 2 || nthreads < 1 || nthreads > MAXJ) {
		fprintf(stderr, "usage: obj_bench [-j THREADS (1-%d)] [-l LABEL] DIR PREFIX "
			"(environment: SOHOA_S3_*)\n", MAXJ);
		return 2;
	}
	const char *dir = argv[optind], *prefix = argv[optind + 1];
	sh_obj_config cfg;
	char *strings = NULL;
	if (sh_obj_config_env(&cfg, &strings) != SH_OK) {
		fprintf(stderr, "obj_bench: %s\n", sh_error_message());
		return 1;
	}
	cfg.bucket = getenv("BENCH_BUCKET") ? getenv("BENCH_BUCKET") : "sohoa-bench";
	cfg.prefix = prefix;
	/* Handles are opened here, one thread at a time: the first open runs
	 * curl_global_init, which is not thread-safe. */
	worker w[MAXJ];
	memset(w, 0, sizeof w);
	for (int t = 0; t < nthreads; t++) {
		if (sh_obj_open(&w[t].o, &cfg) != SH_OK || (t == 0 && sh_obj_bucket_create(w[t].o) != SH_OK)) {
			fprintf(stderr, "obj_bench: %s\n", sh_error_message());
			return 1;
		}
		w[t].index = t;
		w[t].nthreads = nthreads;
	}
	double total = 0;
	if (read_dir(dir, &total) != 0)
		return 1;
	hashes = calloc(n_files ? n_files : 1, SH_SHA256_LEN);
	const char *phase[3] = {"sh_obj put (new)", "sh_obj put (exists: HEAD)", "sh_obj get (+ re-hash)"};
	for (int ph = 0; ph < 3; ph++) {
		pthread_t tid[MAXJ];
		double t0 = now();
		for (int t = 0; t < nthreads; t++) {
			w[t].phase = ph;
			if (pthread_create(&tid[t], NULL, run, &w[t]) != 0)
				return 1;
		}
		int failed = 0;
		for (int t = 0; t < nthreads; t++) {
			pthread_join(tid[t], NULL);
			if (w[t].failed && !failed) {
				fprintf(stderr, "obj_bench: %s: %s\n", phase[ph], w[t].msg);
				failed = 1;
			}
		}
		if (failed)
			return 1;
		line(phase[ph], label, n_files, total, now() - t0);
	}
	unsigned long long req = 0, retries = 0, multi = 0;
	for (int t = 0; t < nthreads; t++) {
		sh_obj_stats st;
		sh_obj_stats_get(w[t].o, &st);
		req += st.requests;
		retries += st.retries;
		multi += st.multipart_uploads;
		sh_obj_close(&w[t].o);
	}
	printf("  requests %llu, retries %llu, multipart uploads %llu\n", req, retries, multi);
	for (size_t i = 0; i < n_files; i++)
		free(data[i]);
	free(data);
	free(len);
	free(hashes);
	sh_free(strings);
	return 0;
}
