/* Scale benchmark of the warehouse of owners (not a test; docs/WAREHOUSE.md).
 *
 *   wh_bench -d DIR [-p PAPERS] [-o OWNERS] [-b DOSSIERS_PER_TXN] [-q QUERIES] [-s SEED] [-w WORDS] [-g PAGES] [-S] [-R]
 *
 * Fills a new warehouse in DIR with synthetic dossiers (1-4 papers of one
 * small page each, Vietnamese-like text, facts) for OWNERS owners through
 * sh_wh_dossiers_put, then prints: ingest papers/s, reuse lookup p50/p99,
 * search latency for 1, 2 and 3 folded words, report time, store size per
 * paper. Deterministic for a seed. -S: the same papers also go into SQLite
 * with FTS5 (DIR.sqlite), batch by batch, and the same lookups and searches
 * run there: what an office would otherwise build (wh_sqlite.c). -R: DIR
 * holds a warehouse this benchmark filled before (same -p and -o): only the
 * lookups, searches and report run (a second pass over a warm cache).
 * -w: words of text per page (default 24; a real birth certificate reads
 * ~150-250 words), -g: pages per paper (default 1; each its own image and
 * text), for the size per paper of docs/SCALE.md.
 * -B s3://BUCKET[/PREFIX]: the new warehouse keeps its page images in that
 * object store (SOHOA_S3_*; bench/objstore/warehouse.sh compares). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <math.h>

#include "sh_wh.h"
#ifdef WH_SQLITE
#include "wh_sqlite.h"
#endif

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static double urand(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- vocabulary: syllables with tones, NFC after the store normalises ---- */

static const char *initials[] = {"b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m",
				 "n", "ng", "nh", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"};
static const char *rimes[] = {"a", "ai", "an", "ang", "anh", "ao", "at", "ay", "e", "em",
			      "en", "eo", "i", "im", "in", "inh", "o", "oi", "om", "on",
			      "ong", "u", "ua", "ui", "um", "un", "ung", "uy", "ư", "ưa",
			      "ơ", "ơi", "ân", "âu", "ê", "ênh", "ô", "ông", "iêt", "uôn"};
static const char *tones[] = {"", "\xcc\x80", "\xcc\x81", "\xcc\x83", "\xcc\x89", "\xcc\xa3"};
#define NVOCAB 4000
static char vocab[NVOCAB][24];

static void make_vocab(void)
{
	for (int i = 0; i < NVOCAB; i++) {
		const char *in = initials[rnd() % (sizeof initials / sizeof *initials)];
		const char *ri = rimes[rnd() % (sizeof rimes / sizeof *rimes)];
		const char *to = tones[rnd() % 6];
		/* tone mark after the rime's first letter (a combining mark) */
		size_t first = ((unsigned char)ri[0] < 0x80) ? 1 : 2;
		snprintf(vocab[i], sizeof vocab[i], "%s%.*s%s%s", in, (int)first, ri, to, ri + first);
	}
}

/* Zipf-like: rank log-uniform over the vocabulary (rank 1 most common). */
static const char *word(void)
{
	int r = (int)pow((double)NVOCAB, urand());
	return vocab[(r - 1) % NVOCAB];
}

static const char *kinds[] = {"GKS", "CCCD", "DON", "GCNQSDD", "GCNDKDN", "TL"};
static const char *procs[] = {"1.001193", "1.000656", "1.004873", "1.004227", "2.001610"};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void pr_lat(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_d);
	printf("%-28s p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms  (%zu runs)\n", what,
	       v[n / 2] * 1e3, v[n * 99 / 100] * 1e3, v[n - 1] * 1e3, n);
}

static void owner_id(char *out, size_t i)
{
	/* persons: 12 digits, province code 001..096, century/sex digit 0-3 */
	snprintf(out, 16, "%03zu%1zu%08zu", 1 + i % 96, (i / 96) % 4, i);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *blobs = NULL;
	size_t papers = 1000000, owners = 0, batch = 1000, queries = 2000;
	int opt, cmp = 0, again = 0, nwords = 24, npg = 1;
	while ((opt = getopt(argc, argv, "d:p:o:b:q:s:w:g:SRB:")) != -1) {
		switch (opt) {
		case 'd': dir = optarg; break;
		case 'p': papers = strtoull(optarg, NULL, 10); break;
		case 'o': owners = strtoull(optarg, NULL, 10); break;
		case 'b': batch = strtoull(optarg, NULL, 10); break;
		case 'q': queries = strtoull(optarg, NULL, 10); break;
		case 's': rng = strtoull(optarg, NULL, 10) * 2654435761ull + 1; break;
		case 'S': cmp = 1; break;
		case 'R': again = 1; break;
		case 'w': nwords = atoi(optarg); break;
		case 'g': npg = atoi(optarg); break;
		case 'B': blobs = optarg; break;
		default:
#ifdef WH_SQLITE
			fprintf(stderr, "usage: wh_bench -d DIR [-p PAPERS] [-o OWNERS] [-b BATCH] "
					"[-q QUERIES] [-s SEED] [-w WORDS] [-g PAGES] [-R] [-S]\n");
#else
			fprintf(stderr, "usage: wh_bench -d DIR [-p PAPERS] [-o OWNERS] [-b BATCH] "
					"[-q QUERIES] [-s SEED] [-w WORDS] [-g PAGES] [-R]\n");
#endif
			return 2;
		}
	}
	if (nwords < 1 || nwords > 5000) {
		fprintf(stderr, "wh_bench: -w WORDS: 1 to 5000\n");
		return 2;
	}
	if (npg < 1 || npg > 16 || (npg > 1 && cmp)) {
		/* the SQLite comparison stores the first page only */
		fprintf(stderr, "wh_bench: -g PAGES: 1 to 16, and 1 with -S\n");
		return 2;
	}
	if (!dir) {
		fprintf(stderr, "wh_bench: -d DIR (a new folder) is required\n");
		return 2;
	}
	if (!owners)
		owners = papers / 5 ? papers / 5 : 1;
	setenv("TZ", "Asia/Ho_Chi_Minh", 0);
	tzset();
	make_vocab();
	if (!again && ((blobs && sh_store_blobs_probe(dir, blobs)) ||
		       sh_store_create(dir, "000.00.99.Z99"))) {
		fprintf(stderr, "wh_bench: %s\n", sh_error_message());
		return 1;
	}
	sh_store *s = NULL;
	if (sh_store_open(&s, dir, 0) || (!again && blobs && sh_store_blobs_set(s, blobs))) {
		fprintf(stderr, "wh_bench: %s\n", sh_error_message());
		return 1;
	}
	double t_sql = 0;
#ifdef WH_SQLITE
	whsql *sq = NULL;
	char sqpath[4200];
	snprintf(sqpath, sizeof sqpath, "%s.sqlite", dir);
	if (cmp && whsql_open(&sq, sqpath))
		return 1;
#else
	if (cmp) {
		fprintf(stderr, "wh_bench: built without SQLite (libsqlite3-dev): no comparison\n");
		return 2;
	}
#endif
	/* days so that no day needs more than ~5000 dossiers */
	size_t ndossiers_est = papers / 2 + 1, days = ndossiers_est / 5000 + 1;
	if (days < 365)
		days = 365;
	int64_t t0 = 1704042000; /* 2024-01-01 00:00 +07 */
	sh_wh_dossier_in *din = calloc(batch, sizeof *din);
	sh_wh_paper_in *pin = calloc(batch * 4, sizeof *pin);
	sh_wh_page_in *gin = calloc(batch * 4 * (size_t)npg, sizeof *gin);
	/* a word is at most 23 bytes (vocab), plus a space */
	size_t text_max = 64 + (size_t)nwords * 24;
	char *textbuf = calloc(batch * 4 * (size_t)npg, text_max);
	char (*facts)[160] = calloc(batch * 4, sizeof *facts);
	uint8_t (*imgs)[48] = calloc(batch * 4 * (size_t)npg, sizeof *imgs);
	char (*oids)[16] = calloc(batch, sizeof *oids);
	sh_wh_dossier_codes **codes = calloc(batch, sizeof *codes);
	size_t stored = 0, serial = 0;
	double t_ing = 0, start = now_s();
	if (again) {
		cmp = 0;
		stored = papers;
	}
	while (stored < papers) {
		size_t nd = 0, np = 0;
		while (nd < batch && stored + np < papers) {
			size_t k = 1 + rnd() % 4;
			if (stored + np + k > papers)
				k = papers - stored - np;
			sh_wh_dossier_in *d = &din[nd];
			owner_id(oids[nd], rnd() % owners);
			d->owner = oids[nd];
			d->procedure = procs[rnd() % 5];
			/* receipts arrive in time order, as at a desk */
			d->received = t0 + (int64_t)((double)(stored + np) / (double)papers * (double)(days * 86400));
			d->operator_id = "bench";
			d->papers = &pin[np];
			d->npapers = k;
			for (size_t j = 0; j < k; j++, np++) {
				sh_wh_paper_in *p = &pin[np];
				sh_wh_page_in *g = &gin[np * (size_t)npg];
				const char *kind = kinds[rnd() % 6];
				/* page 0 draws in the order of the one-page bench, so that -g 1
				 * gives the same papers as before the option existed */
				for (int pg = 0; pg < npg; pg++) {
					size_t gi = np * (size_t)npg + (size_t)pg;
					char *text = textbuf + gi * text_max;
					size_t len = (size_t)snprintf(text, text_max,
								      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n%s\n",
								      kind);
					for (int w = 0; w < nwords && len < text_max - 30; w++)
						len += (size_t)snprintf(text + len, text_max - len,
									"%s ", word());
					if (pg == 0 && !strcmp(kind, "CCCD"))
						snprintf(facts[np], sizeof facts[np],
							 "{\"doc_type\":\"CCCD\",\"owner_id\":\"%s\","
							 "\"valid_until\":\"20%02d-06-30\"}",
							 oids[nd], (int)(20 + rnd() % 15));
					else if (pg == 0)
						snprintf(facts[np], sizeof facts[np],
							 "{\"doc_type\":\"%s\",\"owner_id\":\"%s\"}", kind,
							 oids[nd]);
					serial++;
					memcpy(imgs[gi], "\x89PNG\r\n\x1a\n", 8);
					memcpy(imgs[gi] + 8, &serial, sizeof serial);
					for (size_t b = 16; b < sizeof imgs[gi]; b++)
						imgs[gi][b] = (uint8_t)rnd();
					g[pg] = (sh_wh_page_in){.image = imgs[gi], .image_len = sizeof imgs[gi],
								.mime = "image/png", .text = text, .width = 2480,
								.height = 3508, .dpi = 300, .confidence = 90};
				}
				*p = (sh_wh_paper_in){.file = "scan.png", .kind = kind, .facts = facts[np],
						   .npages = (size_t)npg, .pages = g};
			}
			nd++;
		}
		double a = now_s();
		if (sh_wh_dossiers_put(s, din, nd, codes)) {
			fprintf(stderr, "wh_bench: %s\n", sh_error_message());
			return 1;
		}
		t_ing += now_s() - a;
#ifdef WH_SQLITE
		if (sq) {
			a = now_s();
			if (whsql_put(sq, din, nd, codes))
				return 1;
			t_sql += now_s() - a;
		}
#endif
		for (size_t i = 0; i < nd; i++)
			sh_wh_dossier_codes_free(&codes[i]);
		stored += np;
		if ((stored / np) % 100 == 0)
			fprintf(stderr, "\r%zu papers", stored);
	}
	fprintf(stderr, "\n");
	printf("papers %zu, owners %zu, batch %zu dossiers/txn, %zu days\n", papers, owners, batch,
	       days);
	if (!again)
		printf("ingest                       %.0f papers/s (store calls %.1f s, wall %.1f s)\n",
		       (double)papers / t_ing, t_ing, now_s() - start);
	if (cmp)
		printf("  SQLite+FTS5, same batches   %.0f papers/s (%.1f s)\n", (double)papers / t_sql,
		       t_sql);

	sh_wh_proc_cat *cat = NULL;
	char catpath[4096];
	snprintf(catpath, sizeof catpath, "%s", sh_wh_proc_default_path());
	if (sh_wh_proc_cat_load(&cat, catpath, NULL)) {
		fprintf(stderr, "wh_bench: %s\n", sh_error_message());
		return 1;
	}
	double *lat = calloc(queries, sizeof *lat);
	size_t found = 0;
	for (size_t i = 0; i < queries; i++) {
		char id[16];
		owner_id(id, rnd() % owners);
		sh_wh_reuse *r = NULL;
		double a = now_s();
		if (sh_wh_reuse_plan(s, cat, id, procs[i % 5], 0, &r)) {
			fprintf(stderr, "wh_bench: reuse: %s\n", sh_error_message());
			return 1;
		}
		lat[i] = now_s() - a;
		for (size_t j = 0; j < r->nneeds; j++)
			found += r->needs[j].npapers;
		sh_wh_reuse_free(&r);
	}
	pr_lat("reuse lookup", lat, queries);
	printf("  (%.2f valid papers offered per lookup)\n", (double)found / (double)queries);
#ifdef WH_SQLITE
	if (sq) { /* the same owners again: their papers by the owner index */
		uint64_t keep = rng;
		size_t rows = 0;
		for (size_t i = 0; i < queries; i++) {
			char id[16];
			owner_id(id, rnd() % owners);
			size_t nr = 0;
			double a = now_s();
			if (whsql_owner(sq, id, &nr))
				return 1;
			lat[i] = now_s() - a;
			rows += nr;
		}
		pr_lat("  SQLite, owner's papers", lat, queries);
		printf("  (%.2f papers per owner)\n", (double)rows / (double)queries);
		rng = keep;
	}
#endif

	for (int nw = 1; nw <= 3; nw++) {
		size_t nq = queries / 4 ? queries / 4 : 1, hits = 0;
		uint64_t qseed = rng; /* the same queries for SQLite */
		for (size_t i = 0; i < nq; i++) {
			char q[128] = "";
			for (int w = 0; w < nw; w++) {
				/* words a clerk would type: mid-frequency, without diacritics
				 * half the time (folded) */
				strcat(q, vocab[(10 + rnd() % 400) % NVOCAB]);
				strcat(q, " ");
			}
			sh_wh_hit *h = NULL;
			size_t n = 0;
			double a = now_s();
			if (sh_wh_search(s, q, NULL, 50, &h, &n)) {
				fprintf(stderr, "wh_bench: search: %s\n", sh_error_message());
				return 1;
			}
			lat[i] = now_s() - a;
			hits += n;
			sh_free(h);
		}
		char what[64];
		snprintf(what, sizeof what, "search, %d word%s", nw, nw > 1 ? "s" : "");
		pr_lat(what, lat, nq);
		printf("  (%.1f hits returned per query, limit 50)\n", (double)hits / (double)nq);
#ifdef WH_SQLITE
		if (sq) {
			uint64_t keep = rng;
			rng = qseed;
			hits = 0;
			for (size_t i = 0; i < nq; i++) {
				char q[128] = "";
				for (int w = 0; w < nw; w++) {
					strcat(q, vocab[(10 + rnd() % 400) % NVOCAB]);
					strcat(q, " ");
				}
				size_t nh = 0;
				double a = now_s();
				if (whsql_search(sq, q, 50, &nh))
					return 1;
				lat[i] = now_s() - a;
				hits += nh;
			}
			snprintf(what, sizeof what, "  SQLite FTS5, %d word%s", nw, nw > 1 ? "s" : "");
			pr_lat(what, lat, nq);
			printf("  (%.1f hits returned per query, newest first, limit 50)\n",
			       (double)hits / (double)nq);
			rng = keep;
		}
#endif
	}
	sh_wh_report_row *rows = NULL;
	size_t nr = 0;
	double a = now_s();
	if (sh_wh_report(s, cat, "2024-01-01", "2024-01-31", SH_WH_REPORT_PROCEDURE, &rows, &nr)) {
		fprintf(stderr, "wh_bench: report: %s\n", sh_error_message());
		return 1;
	}
	printf("report, one month by procedure %.3f s (%zu dossiers)\n", now_s() - a,
	       rows[0].dossiers);
	sh_free(rows);
	sh_wh_proc_cat_free(&cat);
	char bdir[4096];
	snprintf(bdir, sizeof bdir, "%s.backup", dir);
	a = now_s();
	if (sh_wh_backup(s, bdir)) {
		fprintf(stderr, "wh_bench: backup: %s\n", sh_error_message());
		return 1;
	}
	printf("backup (compacted copy)      %.1f s\n", now_s() - a);
	sh_store_close(&s);
	char bpath[4200];
	snprintf(bpath, sizeof bpath, "%s/data.mdb", bdir);
	struct stat bst;
	if (!stat(bpath, &bst))
		printf("store size, compacted        %.0f bytes/paper (%.1f MiB)\n",
		       (double)bst.st_size / (double)papers, (double)bst.st_size / 1048576.0);
	unlink(bpath);
	snprintf(bpath, sizeof bpath, "%s/lock.mdb", bdir);
	unlink(bpath);
	rmdir(bdir);
	char path[4096];
	snprintf(path, sizeof path, "%s/data.mdb", dir);
	struct stat st;
	if (!stat(path, &st))
		printf("store size, as written       %.0f bytes/paper (%.1f MiB on disk)\n",
		       (double)st.st_blocks * 512.0 / (double)papers,
		       (double)st.st_blocks * 512.0 / 1048576.0);
#ifdef WH_SQLITE
	if (sq) {
		printf("  SQLite+FTS5 size           %.0f bytes/paper\n", whsql_size(sq) / (double)papers);
		whsql_close(&sq);
		unlink(sqpath);
		char wal[4300];
		snprintf(wal, sizeof wal, "%s-wal", sqpath);
		unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", sqpath);
		unlink(wal);
	}
#endif
	free(lat);
	free(din);
	free(pin);
	free(gin);
	free(textbuf);
	free(facts);
	free(imgs);
	free(oids);
	free(codes);
	return 0;
}
