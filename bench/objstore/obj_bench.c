/* Blob throughput to an S3 store with sh_obj (not a test; run through
 * bench/objstore/run.sh, which starts Swift and compares with boto3):
 *   obj_bench DIR PREFIX
 * uploads every file of DIR under PREFIX (fresh: sh_obj_put STORED), puts
 * them again (EXISTED: HEAD only), reads them back (GET + re-hash, no
 * cache), and prints one line per phase: files, MB, seconds, MB/s, objects/s. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sh_obj.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void line(const char *what, size_t n, double bytes, double s)
{
	printf("%-28s %5zu files %8.1f MB %7.2f s %8.1f MB/s %7.1f obj/s\n", what, n, bytes / 1e6, s,
	       bytes / 1e6 / s, (double)n / s);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: obj_bench DIR PREFIX (environment: SOHOA_S3_*)\n");
		return 2;
	}
	sh_obj_config cfg;
	char *strings = NULL;
	sh_obj *o = NULL;
	if (sh_obj_config_env(&cfg, &strings) != SH_OK) {
		fprintf(stderr, "obj_bench: %s\n", sh_error_message());
		return 1;
	}
	cfg.bucket = getenv("BENCH_BUCKET") ? getenv("BENCH_BUCKET") : "sohoa-bench";
	cfg.prefix = argv[2];
	if (sh_obj_open(&o, &cfg) != SH_OK || sh_obj_bucket_create(o) != SH_OK) {
		fprintf(stderr, "obj_bench: %s\n", sh_error_message());
		return 1;
	}
	DIR *d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 1;
	}
	size_t n = 0, cap = 0;
	uint8_t **data = NULL;
	size_t *len = NULL;
	double total = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", argv[1], de->d_name);
		FILE *f = fopen(p, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long sz = ftell(f);
		rewind(f);
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			data = realloc(data, cap * sizeof *data);
			len = realloc(len, cap * sizeof *len);
			if (!data || !len)
				return 1;
		}
		data[n] = malloc((size_t)sz + 1);
		if (!data[n] || fread(data[n], 1, (size_t)sz, f) != (size_t)sz)
			return 1;
		len[n] = (size_t)sz;
		total += (double)sz;
		n++;
		fclose(f);
	}
	closedir(d);
	uint8_t (*h)[SH_SHA256_LEN] = calloc(n ? n : 1, SH_SHA256_LEN);
	const char *phase[3] = {"sh_obj put (new)", "sh_obj put (exists: HEAD)", "sh_obj get (+ re-hash)"};
	for (int ph = 0; ph < 3; ph++) {
		double t0 = now();
		for (size_t i = 0; i < n; i++) {
			int rc, where = 0;
			if (ph < 2) {
				rc = sh_obj_put(o, h[i], &where, data[i], len[i]);
				if (rc == SH_OK && where != (ph == 0 ? SH_OBJ_STORED : SH_OBJ_EXISTED))
					rc = sh_error_set(SH_ERROR, "unexpected outcome %d", where);
			} else {
				uint8_t *b = NULL;
				size_t bl = 0;
				rc = sh_obj_get(o, &b, &bl, h[i]);
				sh_free(b);
			}
			if (rc != SH_OK) {
				fprintf(stderr, "obj_bench: %s: %s\n", phase[ph], sh_error_message());
				return 1;
			}
		}
		line(phase[ph], n, total, now() - t0);
	}
	sh_obj_stats st;
	sh_obj_stats_get(o, &st);
	printf("requests %llu, retries %llu, multipart uploads %llu\n", (unsigned long long)st.requests,
	       (unsigned long long)st.retries, (unsigned long long)st.multipart_uploads);
	for (size_t i = 0; i < n; i++)
		free(data[i]);
	free(data);
	free(len);
	free(h);
	sh_obj_close(&o);
	sh_free(strings);
	return 0;
}
