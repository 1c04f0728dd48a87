/* Load generator for `sohoa serve` (a benchmark, not a test; docs/SERVER.md
 * "Benchmark"): C clients on keep-alive connections driven by one libcurl
 * multi handle, each sending reuse lookups and searches in turn for the
 * warehouse wh_bench fills (its owners and its vocabulary), and the same
 * lookups done by the local command line for comparison.
 *
 *   srv_load -u URL -U USER -P PWFILE [-c CLIENTS] [-n REQUESTS] [-w FILE]
 *            [-o OWNERS] [-m reuse|search|mixed] [-r RATE]
 *   srv_load -L SOHOA [-n RUNS] [-o OWNERS] [-m reuse|search|mixed]
 *
 * -w FILE: keep every client going (past -n) until FILE exists (the end of
 * a concurrent upload stream). -L: run the command line N times instead
 * (`SOHOA reuse --owner ID --procedure P` / `SOHOA search WORD`, its
 * environment naming the warehouse and the operator) and time each run.
 * Prints p50, p99, max latency, requests/s and errors (a status other than
 * 200, a transfer error, a non-zero exit). Each client's first request,
 * which opens its connection, is checked but not in the latencies.
 * -r RATE: each client sends RATE requests a second at most (a person at a
 * desk, not a loop): its requests are due at fixed intervals from a random
 * start, and a latency counts from when the request was due, not from when
 * it could be sent (a slow answer delays the next: that wait counts too).
 * Without -r each client sends its next request as soon as it has an answer
 * (a closed loop: the latency is then CLIENTS / throughput, whatever the
 * server). */
#include <curl/curl.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the warehouse wh_bench made (bench/warehouse/wh_bench.c) ---------- */

static uint64_t rng = 88172645463325252ull; /* wh_bench's seed: its vocabulary */
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static double urand(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static const char *initials[] = {"b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m",
				 "n", "ng", "nh", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"};
static const char *rimes[] = {"a", "ai", "an", "ang", "anh", "ao", "at", "ay", "e", "em",
			      "en", "eo", "i", "im", "in", "inh", "o", "oi", "om", "on",
			      "ong", "u", "ua", "ui", "um", "un", "ung", "uy", "ư", "ưa",
			      "ơ", "ơi", "ân", "âu", "ê", "ênh", "ô", "ông", "iêt", "uôn"};
static const char *tones[] = {"", "\xcc\x80", "\xcc\x81", "\xcc\x83", "\xcc\x89", "\xcc\xa3"};
#define NVOCAB 4000
static char vocab[NVOCAB][24];
static const char *procs[] = {"1.001193", "1.000656", "1.004873", "1.004227", "2.001610"};

static void make_vocab(void)
{
	for (int i = 0; i < NVOCAB; i++) {
		const char *in = initials[rnd() % (sizeof initials / sizeof *initials)];
		const char *ri = rimes[rnd() % (sizeof rimes / sizeof *rimes)];
		const char *to = tones[rnd() % 6];
		size_t first = ((unsigned char)ri[0] < 0x80) ? 1 : 2;
		snprintf(vocab[i], sizeof vocab[i], "%s%.*s%s%s", in, (int)first, ri, to, ri + first);
	}
}

static const char *word(void)
{
	int r = (int)pow((double)NVOCAB, urand());
	return vocab[(r - 1) % NVOCAB];
}

static void owner_id(char *out, size_t i)
{
	snprintf(out, 16, "%03zu%1zu%08zu", 1 + i % 96, (i / 96) % 4, i);
}

/* ---- one request of the mix ------------------------------------------------ */

static size_t owners = 200000;
static int mode = 2; /* 0 reuse, 1 search, 2 both in turn */

/* The i-th request: *is_search, the owner, the procedure or the word. */
static void pick(size_t i, int *is_search, char owner[16], const char **what)
{
	*is_search = mode == 1 || (mode == 2 && (i & 1));
	owner_id(owner, rnd() % owners);
	*what = *is_search ? word() : procs[rnd() % 5];
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void summary(const char *what, double *lat, size_t n, double wall, size_t errors)
{
	if (!n) {
		printf("%s: no requests\n", what);
		return;
	}
	qsort(lat, n, sizeof *lat, cmp_d);
	printf("%s: %zu requests, %.0f req/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %zu\n",
	       what, n, (double)n / wall, lat[n / 2] * 1e3, lat[n * 99 / 100] * 1e3,
	       lat[n - 1] * 1e3, errors);
}

/* ---- the command line ------------------------------------------------------------- */

static int run_cli(const char *sohoa, size_t runs)
{
	double *lat[2] = {calloc(runs, sizeof(double)), calloc(runs, sizeof(double))};
	size_t n[2] = {0, 0}, errors = 0;
	double t0 = now_s();
	for (size_t i = 0; i < runs; i++) {
		int srch;
		char owner[16];
		const char *what;
		pick(i, &srch, owner, &what);
		double a = now_s();
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", 1);
			dup2(fd, 1);
			if (srch)
				execl(sohoa, sohoa, "search", what, (char *)NULL);
			else
				execl(sohoa, sohoa, "reuse", "--owner", owner, "--procedure", what,
				      (char *)NULL);
			_exit(127);
		}
		int st = 0;
		waitpid(pid, &st, 0);
		/* reuse of an owner with nothing held for the procedure: exit 0 too */
		errors += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
		lat[srch][n[srch]++] = now_s() - a;
	}
	double wall = now_s() - t0;
	summary("command line, reuse ", lat[0], n[0], wall, errors);
	summary("command line, search", lat[1], n[1], wall, errors);
	free(lat[0]);
	free(lat[1]);
	return errors ? 1 : 0;
}

/* ---- the server ------------------------------------------------------------------- */

typedef struct client {
	CURL *h;
	size_t done;
	int srch;
	int waiting;      /* paced: added to the multi handle when due */
	double due;       /* paced: when its request is due */
	char url[512];
} client;

static size_t discard(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static char cookie[128];

static int login(const char *url, const char *user, const char *pwfile)
{
	FILE *f = fopen(pwfile, "r");
	char pw[256] = "";
	if (!f || !fgets(pw, sizeof pw, f)) {
		fprintf(stderr, "srv_load: cannot read %s\n", pwfile);
		return -1;
	}
	fclose(f);
	pw[strcspn(pw, "\r\n")] = 0;
	char body[512], u[600];
	snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
	snprintf(u, sizeof u, "%s/api/v1/login", url);
	CURL *h = curl_easy_init();
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, u);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
	long st = 0;
	int ok = curl_easy_perform(h) == CURLE_OK &&
		 curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st) == CURLE_OK && st == 200;
	struct curl_slist *ck = NULL;
	curl_easy_getinfo(h, CURLINFO_COOKIELIST, &ck);
	for (struct curl_slist *c = ck; ok && c; c = c->next) {
		/* netscape format: 7 tab-separated fields, name and value last */
		const char *name = c->data;
		for (int k = 0; k < 5 && name; k++)
			name = strchr(name, '\t') ? strchr(name, '\t') + 1 : NULL;
		if (name && !strncmp(name, "sohoa_session\t", 14))
			snprintf(cookie, sizeof cookie, "sohoa_session=%s", name + 14);
	}
	curl_slist_free_all(ck);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	if (!ok || !cookie[0]) {
		fprintf(stderr, "srv_load: login of %s failed (%ld)\n", user, st);
		return -1;
	}
	return 0;
}

static void next_request(client *c, const char *base, size_t i)
{
	char owner[16];
	const char *what;
	pick(i, &c->srch, owner, &what);
	if (c->srch) {
		char *e = curl_easy_escape(c->h, what, 0);
		snprintf(c->url, sizeof c->url, "%s/api/v1/search?q=%s&limit=10", base, e);
		curl_free(e);
	} else {
		snprintf(c->url, sizeof c->url, "%s/api/v1/reuse?owner=%s&procedure=%s", base, owner,
			 what);
	}
	curl_easy_setopt(c->h, CURLOPT_URL, c->url);
}

int main(int argc, char **argv)
{
	const char *url = NULL, *user = NULL, *pwfile = NULL, *until = NULL, *cli = NULL;
	size_t nclients = 200, per = 100;
	double rate = 0;
	int opt;
	while ((opt = getopt(argc, argv, "u:U:P:c:n:w:o:m:L:r:")) != -1) {
		switch (opt) {
		case 'u': url = optarg; break;
		case 'U': user = optarg; break;
		case 'P': pwfile = optarg; break;
		case 'c': nclients = strtoull(optarg, NULL, 10); break;
		case 'n': per = strtoull(optarg, NULL, 10); break;
		case 'w': until = optarg; break;
		case 'o': owners = strtoull(optarg, NULL, 10); break;
		case 'm': mode = !strcmp(optarg, "reuse") ? 0 : !strcmp(optarg, "search") ? 1 : 2; break;
		case 'L': cli = optarg; break;
		case 'r': rate = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: srv_load -u URL -U USER -P PWFILE [-c CLIENTS] [-n REQUESTS] "
					"[-w FILE] [-o OWNERS] [-m reuse|search|mixed] [-r RATE]\n"
					"       srv_load -L SOHOA [-n RUNS] [-o OWNERS] [-m ...]\n");
			return 2;
		}
	}
	make_vocab();
	rng ^= 0x9e3779b97f4a7c15ull; /* the requests: another stream than the data */
	if (!owners)
		owners = 1;
	if (cli)
		return run_cli(cli, per);
	if (!url || !user || !pwfile || !nclients) {
		fprintf(stderr, "srv_load: -u URL -U USER -P PWFILE are required\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (login(url, user, pwfile))
		return 1;
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)nclients);
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)nclients);
	client *cs = calloc(nclients, sizeof *cs);
	size_t cap[2] = {nclients * per, nclients * per}, nlat[2] = {0, 0}, errors = 0, seq = 0;
	double *lat[2] = {calloc(cap[0], sizeof(double)), calloc(cap[1], sizeof(double))};
	for (size_t i = 0; i < nclients; i++) {
		cs[i].h = curl_easy_init();
		curl_easy_setopt(cs[i].h, CURLOPT_COOKIE, cookie);
		curl_easy_setopt(cs[i].h, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(cs[i].h, CURLOPT_PRIVATE, &cs[i]);
		curl_easy_setopt(cs[i].h, CURLOPT_TIMEOUT, 60L);
		next_request(&cs[i], url, seq++);
		curl_multi_add_handle(m, cs[i].h);
	}
	double t0 = now_s();
	int running = (int)nclients;
	size_t nwaiting = 0;
	while (running || nwaiting) {
		int added = 0;
		double tnow = now_s(), wake = tnow + 0.1;
		for (size_t i = 0; nwaiting && i < nclients; i++) {
			if (!cs[i].waiting)
				continue;
			if (cs[i].due <= tnow) {
				cs[i].waiting = 0;
				nwaiting--;
				curl_multi_add_handle(m, cs[i].h);
				running++;
				added = 1;
			} else if (cs[i].due < wake) {
				wake = cs[i].due;
			}
		}
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			client *c;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
			long st = 0;
			curl_off_t us = 0;
			curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &st);
			curl_easy_getinfo(c->h, CURLINFO_TOTAL_TIME_T, &us);
			if (msg->data.result != CURLE_OK || st != 200)
				errors++;
			/* a client's first request opens its connection: not counted */
			if (c->done++ == 0)
				goto next;
			if (nlat[c->srch] == cap[c->srch]) {
				double *nl = realloc(lat[c->srch], 2 * cap[c->srch] * sizeof(double));
				if (!nl)
					return 1;
				lat[c->srch] = nl;
				cap[c->srch] *= 2;
			}
			/* paced: from when it was due (it may have waited for the
			 * previous answer) */
			lat[c->srch][nlat[c->srch]++] =
				rate > 0 ? now_s() - c->due : (double)us / 1e6;
		next:
			curl_multi_remove_handle(m, c->h);
			int more = c->done <= per || (until && access(until, F_OK));
			if (more && rate > 0) {
				next_request(c, url, seq++);
				/* the first due time is random: the clients spread out */
				c->due = c->done == 1 ? now_s() + urand() / rate : c->due + 1.0 / rate;
				c->waiting = 1;
				nwaiting++;
				if (c->due < wake)
					wake = c->due;
			} else if (more) {
				next_request(c, url, seq++);
				curl_multi_add_handle(m, c->h);
				running++;
				added = 1;
			}
		}
		if ((running || nwaiting) && !added) { /* a new request starts at the next perform */
			int ms = (int)((wake - now_s()) * 1000);
			curl_multi_poll(m, NULL, 0, ms < 0 ? 0 : ms > 100 ? 100 : ms, NULL);
		}
	}
	double wall = now_s() - t0;
	printf("%zu clients, %zu requests in %.1f s (%.0f req/s)\n", nclients, nlat[0] + nlat[1], wall,
	       (double)(nlat[0] + nlat[1]) / wall);
	summary("server, reuse ", lat[0], nlat[0], wall, errors);
	summary("server, search", lat[1], nlat[1], wall, errors);
	for (size_t i = 0; i < nclients; i++)
		curl_easy_cleanup(cs[i].h);
	curl_multi_cleanup(m);
	curl_global_cleanup();
	free(cs);
	free(lat[0]);
	free(lat[1]);
	return errors ? 1 : 0;
}
