/* Progress lines for long work, on stderr and only on a terminal, never
 * with --json: done of total, the rate and the time left (cli.h). */
#include "cli.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void cli_meter_start(cli_meter *m, const char *cmd, const char *unit, int json)
{
	memset(m, 0, sizeof *m);
	m->cmd = cmd;
	m->unit = unit;
	m->on = !json && isatty(STDERR_FILENO);
	m->start = now_s();
}

sh_progress_fn cli_meter_fn(const cli_meter *m) { return m->on ? cli_meter_cb : NULL; }

/* "1 h 05 min", "3 min 07 s", "12 s" */
static void duration(char *out, size_t n, double s)
{
	long v = s < 0 ? 0 : s > 359999 ? 359999 : (long)(s + 0.5);
	if (v >= 3600)
		snprintf(out, n, _("%ld h %02ld min"), v / 3600, v / 60 % 60);
	else if (v >= 60)
		snprintf(out, n, _("%ld min %02ld s"), v / 60, v % 60);
	else
		snprintf(out, n, _("%ld s"), v);
}

void cli_meter_cb(void *arg, size_t done, size_t total)
{
	cli_meter *m = arg;
	if (!m || !m->on || m->ended)
		return;
	double t = now_s(), el = t - m->start;
	/* at most ten lines a second, but always the first and the last */
	if (m->shown && done < total && t - m->last < 0.1)
		return;
	m->last = t;
	m->shown = 1;
	int bytes = !strcmp(m->unit, "bytes");
	/* bytes in MiB, or KiB below 10 MiB */
	double scale = total >= 10 << 20 ? 1048576.0 : 1024.0;
	const char *bu = total >= 10 << 20 ? "MiB" : "KiB";
	char what[128], rate[64] = "", left[96] = "", d[48];
	if (bytes)
		snprintf(what, sizeof what, _("%.1f of %.1f %s"), (double)done / scale,
			 (double)total / scale, bu);
	else
		snprintf(what, sizeof what, _("%zu of %zu %s"), done, total, _(m->unit));
	if (done && el > 0.05) {
		double r = (double)done / el;
		if (bytes)
			snprintf(rate, sizeof rate, _(", %.1f %s/s"), r / scale, bu);
		else
			snprintf(rate, sizeof rate, _(", %.1f/s"), r);
		if (done < total) {
			duration(d, sizeof d, (double)(total - done) / r);
			snprintf(left, sizeof left, _(", %s left"), d);
		}
	}
	/* \r and erase to the end of the line: one line, rewritten */
	fprintf(stderr, "\rsohoa %s: %s%s%s\033[K", m->cmd, what, rate, left);
	if (done >= total) {
		fputc('\n', stderr);
		m->ended = 1;
	}
	fflush(stderr);
}

/* ingest, scan and batch commit: sh_recv's per-page callback */
static cli_meter recv_meter;

void cli_progress(sh_recv_options *o, const char *cmd, int json)
{
	cli_meter_start(&recv_meter, cmd, N_("pages"), json);
	o->progress = cli_meter_fn(&recv_meter);
	o->progress_arg = &recv_meter;
}
