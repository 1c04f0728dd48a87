/* Replication benchmark driver (not a test; docs/REPLICATION.md):
 *   repl_gen ingest -d OFFICE_STORE -k KEYFILE -p PASSFILE -n N [-s FIRST]
 *                   [-o OWNERS] [-r PER_SECOND] [-l LOG]
 *     N signed dossiers (one paper, one synthetic page each) stored in the
 *     office's warehouse one write transaction each, as a desk stores them
 *     (sh_wh_dossier_put with the office's key); LOG gets "CODE TIME" per
 *     commit (TIME: CLOCK_REALTIME seconds); prints the ingest rate.
 *   repl_gen watch -d PROVINCE_STORE -n TOTAL LOG...
 *     Follows the LOGs while they grow and polls the province's warehouse
 *     (read-only) every 5 ms until each dossier is there; prints the lag
 *     from the office's commit to the province answering for it (p50, p99,
 *     max) once TOTAL dossiers were seen.
 * Also used by tests/replicate to make many signed dossiers quickly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sh_wh.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void owner_id(char *out, size_t i)
{
	snprintf(out, 16, "%03zu%1zu%08zu", 1 + i % 96, (i / 96) % 4, i % 100000000);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int ingest(const char *dir, const char *keyf, const char *passf, size_t n, size_t first,
		  size_t owners, double rate, const char *logf)
{
	sh_store *s = NULL;
	sh_sign_key *key = NULL;
	uint8_t *pass = NULL;
	size_t pl = 0;
	if (sh_file_read(&pass, &pl, passf, 4096)) {
		fprintf(stderr, "repl_gen: %s\n", sh_error_message());
		return 1;
	}
	while (pl && (pass[pl - 1] == '\n' || pass[pl - 1] == '\r'))
		pass[--pl] = 0;
	if (sh_store_open(&s, dir, 0) || sh_sign_key_load_file(&key, keyf, (const char *)pass)) {
		fprintf(stderr, "repl_gen: %s\n", sh_error_message());
		return 1;
	}
	sh_free(pass);
	FILE *log = logf ? fopen(logf, "a") : NULL;
	static const char *const kinds[] = {"GKS", "CCCD", "QD", "HK", "GCN"};
	static const char *const words[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "xã",
					    "huyện", "tỉnh", "giấy", "chứng", "nhận", "khai",
					    "sinh", "quyết", "định", "Hà", "Nội", "Đồng", "Nai"};
	double t0 = now_s();
	for (size_t i = first; i < first + n; i++) {
		char owner[16], text[512], facts[128];
		uint8_t img[4096];
		owner_id(owner, (i * 7919) % (owners ? owners : 1));
		const char *kind = kinds[i % 5];
		size_t len = (size_t)snprintf(text, sizeof text,
					      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n%s số %zu\n", kind, i);
		for (size_t w = 0; w < 20; w++)
			len += (size_t)snprintf(text + len, sizeof text - len, "%s ",
						words[(i * 31 + w * 17) % 19]);
		snprintf(facts, sizeof facts, "{\"doc_type\":\"%s\",\"number\":\"%zu\"}", kind, i);
		sh_sign_fact fl[2] = {{"doc_type", kind}, {"number", text + 0}};
		char num[24];
		snprintf(num, sizeof num, "%zu", i);
		fl[1].value = num;
		memcpy(img, "\x89PNG\r\n\x1a\n", 8);
		for (size_t b = 8; b < sizeof img; b++)
			img[b] = (uint8_t)((i * 2654435761u + b * 40503u) >> 7);
		memcpy(img + 8, &i, sizeof i);
		sh_wh_page_in g = {.image = img, .image_len = sizeof img, .mime = "image/png",
				   .text = text, .width = 2480, .height = 3508, .dpi = 300,
				   .confidence = 90};
		sh_wh_paper_in p = {.file = "scan.png", .kind = kind, .facts = facts,
				    .fact_list = fl, .nfacts = 2, .npages = 1, .pages = &g};
		sh_wh_dossier_in d = {.owner = owner, .procedure = "1.000656", .key = key,
				      .npapers = 1, .papers = &p};
		sh_wh_dossier_codes *codes = NULL;
		if (rate > 0) { /* a steady stream, as desks receive */
			double due = t0 + (double)(i - first) / rate, w = due - now_s();
			if (w > 0)
				usleep((useconds_t)(w * 1e6));
		}
		if (sh_wh_dossier_put(s, &d, &codes)) {
			fprintf(stderr, "repl_gen: %s\n", sh_error_message());
			return 1;
		}
		if (log) {
			fprintf(log, "%s %.6f\n", codes->dossier, now_s());
			fflush(log);
		}
		sh_wh_dossier_codes_free(&codes);
	}
	double t = now_s() - t0;
	printf("ingest %s: %zu dossiers in %.2f s: %.0f dossiers/s (= log entries/s)\n", dir, n, t,
	       (double)n / t);
	if (log)
		fclose(log);
	sh_sign_key_free(&key);
	sh_store_close(&s);
	return 0;
}

typedef struct pend {
	char code[SH_STORE_CODE_MAX];
	double t;
} pend;

static int watch(const char *dir, size_t total, char **logs, int nlogs)
{
	FILE **f = calloc((size_t)nlogs, sizeof *f);
	pend *p = calloc(total + 1, sizeof *p);
	double *lag = calloc(total + 1, sizeof *lag);
	size_t np = 0, nl = 0, seen = 0;
	sh_store *s = NULL;
	if (!f || !p || !lag)
		return 1;
	for (double start = now_s(); seen < total; usleep(5000)) {
		for (int i = 0; i < nlogs; i++) {
			if (!f[i])
				f[i] = fopen(logs[i], "r");
			char line[128];
			long pos;
			while (f[i] && (pos = ftell(f[i])) >= 0 && fgets(line, sizeof line, f[i])) {
				if (!strchr(line, '\n')) { /* a line being written */
					fseek(f[i], pos, SEEK_SET);
					break;
				}
				if (np < total &&
				    sscanf(line, "%63s %lf", p[np].code, &p[np].t) == 2)
					np++, seen++;
			}
			if (f[i])
				clearerr(f[i]);
		}
		if (!s && sh_store_open(&s, dir, SH_STORE_RDONLY))
			s = NULL;
		for (size_t i = 0; s && i < np;) {
			sh_store_dossier_rec *d = NULL;
			if (sh_store_dossier_get(s, p[i].code, &d) == SH_OK) {
				lag[nl++] = now_s() - p[i].t;
				sh_store_dossier_rec_free(&d);
				p[i] = p[--np];
			} else {
				i++;
			}
		}
		if (now_s() - start > 3600) {
			fprintf(stderr, "repl_gen watch: gave up after an hour\n");
			return 1;
		}
	}
	while (np && s) { /* the last ones */
		for (size_t i = 0; i < np;) {
			sh_store_dossier_rec *d = NULL;
			if (sh_store_dossier_get(s, p[i].code, &d) == SH_OK) {
				lag[nl++] = now_s() - p[i].t;
				sh_store_dossier_rec_free(&d);
				p[i] = p[--np];
			} else {
				i++;
			}
		}
		usleep(5000);
	}
	qsort(lag, nl, sizeof *lag, cmp_d);
	printf("replication lag (office commit -> province has it): p50 %.3f s  p99 %.3f s  "
	       "max %.3f s  (%zu dossiers)\n",
	       lag[nl / 2], lag[nl * 99 / 100], lag[nl - 1], nl);
	sh_store_close(&s);
	for (int i = 0; i < nlogs; i++)
		if (f[i])
			fclose(f[i]);
	free(f);
	free(p);
	free(lag);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: repl_gen ingest|watch ... (see the source)\n");
		return 2;
	}
	const char *mode = argv[1], *dir = NULL, *keyf = NULL, *passf = NULL, *logf = NULL;
	size_t n = 0, first = 0, owners = 0;
	double rate = 0;
	int c;
	optind = 2;
	while ((c = getopt(argc, argv, "d:k:p:n:s:o:r:l:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'k': keyf = optarg; break;
		case 'p': passf = optarg; break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 's': first = strtoull(optarg, NULL, 10); break;
		case 'o': owners = strtoull(optarg, NULL, 10); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 'l': logf = optarg; break;
		default: return 2;
		}
	}
	if (!dir || !n)
		return 2;
	if (!strcmp(mode, "ingest") && keyf && passf)
		return ingest(dir, keyf, passf, n, first, owners ? owners : n / 3 + 1, rate, logf);
	if (!strcmp(mode, "watch") && optind < argc)
		return watch(dir, n, argv + optind, argc - optind);
	fprintf(stderr, "usage: repl_gen ingest|watch ... (see the source)\n");
	return 2;
}
