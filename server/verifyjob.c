/* Verify the whole warehouse with progress (docs/SERVER.md "Verify the
 * warehouse"): POST /api/v1/verify starts one job per server on a thread of
 * its own; GET /api/v1/verify answers how far it is. Phase "papers" verifies
 * each paper named in the log (sh_ledger_verify), counting; phase "log"
 * then checks the whole log and its checkpoints (sh_ledger_verify_all).
 * The ledger checks no permission (sh_wh.h): the route's permission
 * (verify) was checked by the request that started the job. */
#define _GNU_SOURCE
#include "srv_int.h"

#include <stdio.h>
#include <string.h>

#include "sh_ledger.h"

enum { JOB_PROBLEMS_MAX = 200 };

struct srv_job {
	pthread_mutex_t mu;
	pthread_t th;
	int running, joined;
	char phase[8];       /* "papers", "log", "done" */
	char by[40];
	int64_t started, finished;
	size_t done, total;  /* papers */
	uint64_t log_entries;
	size_t nproblems;
	json_t *problems;    /* the first JOB_PROBLEMS_MAX */
	int rc;
	char error[256];
};

static void job_problem(void *arg, const char *code, const char *problem)
{
	struct srv_job *j = arg;
	pthread_mutex_lock(&j->mu);
	j->nproblems++;
	if (json_array_size(j->problems) < JOB_PROBLEMS_MAX)
		json_array_append_new(j->problems, json_pack("{s:o, s:o}", "code", srv_str(code),
							     "problem", srv_str(problem)));
	pthread_mutex_unlock(&j->mu);
}

static void job_problem_log(void *arg, const char *code, const char *problem)
{
	if (code && !strcmp(code, "log"))
		job_problem(arg, code, problem);
}

/* The codes of the papers and results the log has manifests of. */
static int log_codes(sh_store *s, char (**out)[SH_STORE_CODE_MAX], size_t *n)
{
	*out = NULL;
	*n = 0;
	uint64_t size = 0;
	int rc = sh_ledger_size(s, &size);
	char(*codes)[SH_STORE_CODE_MAX] = NULL;
	size_t cnt = 0;
	for (uint64_t i = 0; !rc && i < size; i++) {
		uint8_t *doc = NULL;
		size_t len = 0;
		sh_sign_manifest *m = NULL;
		if (sh_ledger_entry(s, i, &doc, &len) || sh_sign_manifest_read(&m, doc, len)) {
			sh_free(doc);
			continue; /* damage: phase "log" names it */
		}
		if (!strcmp(m->type, "component") || !strcmp(m->type, "result")) {
			char(*nc)[SH_STORE_CODE_MAX] = sh_realloc(codes, (cnt + 1) * sizeof *codes);
			if (!nc)
				rc = SH_ENOMEM;
			else {
				codes = nc;
				snprintf(codes[cnt++], SH_STORE_CODE_MAX, "%s", m->code);
			}
		}
		sh_sign_manifest_free(&m);
		sh_free(doc);
	}
	if (rc) {
		sh_free(codes);
		return rc;
	}
	*out = codes;
	*n = cnt;
	return SH_OK;
}

static void *job_run(void *arg)
{
	sh_srv *srv = arg;
	struct srv_job *j = srv->job;
	char(*codes)[SH_STORE_CODE_MAX] = NULL;
	size_t n = 0;
	int rc = log_codes(srv->s, &codes, &n);
	pthread_mutex_lock(&j->mu);
	j->total = n;
	pthread_mutex_unlock(&j->mu);
	for (size_t i = 0; !rc && i < n && !atomic_load(&srv->stopping); i++) {
		size_t np = 0;
		int e = sh_ledger_verify(srv->s, codes[i], job_problem, j, &np);
		if (e && e != SH_EBADSIG && e != SH_ENOTFOUND)
			rc = e;
		else if (e == SH_ENOTFOUND)
			job_problem(j, codes[i], "signed in the log but not in the warehouse");
		pthread_mutex_lock(&j->mu);
		j->done = i + 1;
		pthread_mutex_unlock(&j->mu);
	}
	sh_free(codes);
	sh_ledger_verify_stats st;
	memset(&st, 0, sizeof st);
	if (!rc && !atomic_load(&srv->stopping)) {
		pthread_mutex_lock(&j->mu);
		snprintf(j->phase, sizeof j->phase, "log");
		pthread_mutex_unlock(&j->mu);
		/* the papers were reported in phase "papers": here only the log's own */
		int e = sh_ledger_verify_all(srv->s, 1, job_problem_log, j, NULL, &st);
		if (e && e != SH_EBADSIG)
			rc = e;
	}
	pthread_mutex_lock(&j->mu);
	j->log_entries = st.log_entries;
	j->rc = rc;
	if (rc)
		snprintf(j->error, sizeof j->error, "%s", sh_error_message());
	snprintf(j->phase, sizeof j->phase, "done");
	j->finished = sh_now();
	j->running = 0;
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

void srv_job_free(sh_srv *srv)
{
	struct srv_job *j = srv->job;
	if (!j)
		return;
	if (!j->joined)
		pthread_join(j->th, NULL);
	json_decref(j->problems);
	pthread_mutex_destroy(&j->mu);
	sh_free(j);
	srv->job = NULL;
}

int srv_verify_start(srv_ctx *c)
{
	sh_srv *srv = c->srv;
	pthread_mutex_lock(&srv->jmu);
	struct srv_job *j = srv->job;
	if (j) {
		pthread_mutex_lock(&j->mu);
		int running = j->running;
		pthread_mutex_unlock(&j->mu);
		if (running) {
			pthread_mutex_unlock(&srv->jmu);
			return srv_error(c, 409, "the warehouse is being verified already: follow "
						 "GET /api/v1/verify");
		}
		srv_job_free(srv);
	}
	j = sh_calloc(1, sizeof *j);
	if (!j || !(j->problems = json_array())) {
		sh_free(j);
		pthread_mutex_unlock(&srv->jmu);
		return srv_error(c, 500, "out of memory");
	}
	pthread_mutex_init(&j->mu, NULL);
	snprintf(j->phase, sizeof j->phase, "papers");
	snprintf(j->by, sizeof j->by, "%s", c->user);
	j->started = sh_now();
	j->running = 1;
	srv->job = j;
	if (pthread_create(&j->th, NULL, job_run, srv)) {
		j->running = 0;
		j->joined = 1;
		srv_job_free(srv);
		pthread_mutex_unlock(&srv->jmu);
		return srv_error(c, 503, "cannot start the verification now");
	}
	pthread_mutex_unlock(&srv->jmu);
	sh_wh_audit_read(srv->s, c->user, "verify-all", c->addr, NULL, 0);
	return srv_json(c, 202, json_pack("{s:s, s:s}", "state", "running", "follow",
					  "/api/v1/verify"));
}

int srv_verify_status(srv_ctx *c)
{
	sh_srv *srv = c->srv;
	pthread_mutex_lock(&srv->jmu);
	struct srv_job *j = srv->job;
	if (!j) {
		pthread_mutex_unlock(&srv->jmu);
		return srv_json(c, 200, json_pack("{s:s}", "state", "none"));
	}
	pthread_mutex_lock(&j->mu);
	json_t *o = json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:O, s:I}", "state",
			      j->running ? "running" : j->rc ? "failed" : "done", "phase", j->phase,
			      "by", srv_str(j->by), "papers_done", (json_int_t)j->done,
			      "papers_total", (json_int_t)j->total, "problems_count",
			      (json_int_t)j->nproblems, "problems", j->problems, "log_entries",
			      (json_int_t)j->log_entries);
	json_object_set_new(o, "ok", json_boolean(!j->running && !j->rc && !j->nproblems));
	json_object_set_new(o, "started", json_integer(j->started));
	if (!j->running)
		json_object_set_new(o, "finished", json_integer(j->finished));
	if (j->rc)
		json_object_set_new(o, "error", srv_str(j->error));
	pthread_mutex_unlock(&j->mu);
	pthread_mutex_unlock(&srv->jmu);
	return srv_json(c, 200, o);
}
