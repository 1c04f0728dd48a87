/* sohoa replicate and sohoa office: the province's replica of its offices'
 * warehouses by log shipping (docs/REPLICATION.md). Parsing and printing
 * only: the checks and the replay are the library's (sh_repl.h, sh_wh.h). */
#include "cli.h"
#include "sh_repl.h"
#include "sh_wit.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const replicate_help = N_(
	"usage: sohoa replicate --from URL --token-file FILE [--once] [--interval S]\n"
	"                       [--limit N] [--cacert FILE] [--json] [--store DIR]\n\n"
	"The province's replica of one office (run one per office, e.g. the\n"
	"systemd unit sohoa-replicate@.service): pull the office's signed log from\n"
	"its `sohoa serve` at URL with a replication token (made at the office with\n"
	"`sohoa station add NAME --replicate`; FILE holds it), check each new\n"
	"checkpoint against the office's keys trusted here (`sohoa office add`)\n"
	"and a consistency proof from the last one accepted, check every entry's\n"
	"signature and every page image's hash, and file the papers under their\n"
	"original codes with the replica's position, one page at a time, all or\n"
	"nothing. Re-running replays nothing twice; a stopped run resumes where it\n"
	"was. A fork (the office's log no longer extends what was accepted) is\n"
	"recorded and stops the replica for good: exit 6; so does a checkpoint\n"
	"signed by a key not trusted for the office (nothing recorded: trust the\n"
	"office's new key with `sohoa office add` after a rotation). Without\n"
	"--once it polls every S seconds (default 5) until SIGTERM, riding out an\n"
	"office that does not answer; one line per page replayed. --limit: entries\n"
	"asked per page (default 100; a page's images are held in memory).\n"
	"Role: admin (import); the papers are signed here with the signing key.\n");

static const char *const office_help = N_(
	"usage: sohoa office add AGENCY [--key PUBKEYFILE] [--witness VKEY|FILE]\n"
	"                        [--store DIR]\n"
	"       sohoa office list [--json] [--store DIR]\n"
	"       sohoa office show AGENCY [--json] [--store DIR]\n\n"
	"The offices this province replicates (docs/REPLICATION.md). add trusts\n"
	"the office's public key file (its `sohoa keys export`, brought by hand:\n"
	"never taken on first use); after the office rotates its key, add the new\n"
	"one too. --witness: the replica never goes past the office's latest\n"
	"checkpoint cosigned by this witness (its verifier key, or a file holding\n"
	"it), and a log that is not the one the witness cosigned is a fork.\n"
	"list and show give each office's position (entries replayed,\n"
	"the root and time of the last checkpoint accepted) and, after a fork, its\n"
	"evidence. Role: admin.\n");

static volatile sig_atomic_t g_stop;
static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

int cli_read_token(const char *file, char tok[65])
{
	uint8_t *b = NULL;
	size_t len = 0;
	int rc = sh_file_read(&b, &len, file, 4096);
	if (rc)
		return sh_error_wrap(rc, "%s: ", file);
	while (len && (b[len - 1] == '\n' || b[len - 1] == '\r' || b[len - 1] == ' '))
		len--;
	if (len != 64) {
		memset(b, 0, len);
		sh_free(b);
		return sh_error_set(SH_EINVAL, "%s: a token is 64 hex digits",
				    file);
	}
	memcpy(tok, b, 64);
	tok[64] = 0;
	memset(b, 0, len);
	sh_free(b);
	return SH_OK;
}

static void print_stats(const sh_repl_stats *st, int json, double secs)
{
	if (json) {
		cli_json_print(json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "office",
					 st->agency, "size", (json_int_t)st->size, "log_size",
					 (json_int_t)st->log_size, "entries", (json_int_t)st->entries,
					 "papers", (json_int_t)st->papers, "existing",
					 (json_int_t)st->existing, "blobs_fetched",
					 (json_int_t)st->blobs_fetched, "seconds", secs));
		return;
	}
	if (!st->entries)
		return;
	printf("office %s: %zu entries replayed (%zu papers filed, %zu already here), "
	       "replica at %llu of %llu\n",
	       st->agency, st->entries, st->papers, st->existing, (unsigned long long)st->size,
	       (unsigned long long)st->log_size);
	fflush(stdout);
}

/* One line a page (not with --json): a service's journal shows it move. */
static void on_page(void *arg, const sh_repl_stats *st)
{
	(void)arg;
	printf("office %s: replica at %llu of %llu\n", st->agency, (unsigned long long)st->size,
	       (unsigned long long)st->log_size);
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_replicate(int argc, char **argv)
{
	const char *store = NULL, *from = NULL, *tokf = NULL, *interval = NULL, *limit = NULL,
		   *cacert = NULL;
	int once = 0, json = 0;
	const cli_option opts[] = {{"--store", 0, CLI_STR, &store},
				   {"--from", 0, CLI_STR, &from},
				   {"--token-file", 0, CLI_STR, &tokf},
				   {"--interval", 0, CLI_STR, &interval},
				   {"--limit", 0, CLI_STR, &limit},
				   {"--cacert", 0, CLI_STR, &cacert},
				   {"--once", 0, CLI_FLAG, &once},
				   {"--json", 0, CLI_FLAG, &json},
				   {NULL}};
	const cli_spec spec = {"replicate", replicate_help, opts, .no_positional = 1};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a);
	if (ex)
		return CLI_DONE(ex);
	cli_args_free(&a);
	long long iv = 5, lim = 100;
	if (!from || !tokf)
		return cli_usage("replicate", "give --from URL and --token-file FILE");
	if ((interval && (ex = cli_number("replicate", "--interval", interval, 0, 86400, &iv))) ||
	    (limit && (ex = cli_number("replicate", "--limit", limit, 1, 10000, &lim))))
		return ex;
	char tok[65];
	int rc = cli_read_token(tokf, tok);
	if (rc)
		return cli_fail("replicate", rc);
	sh_store *s = NULL;
	if ((ex = cli_store_open(&s, "replicate", store, 0)))
		return ex;
	const sh_sign_key *key = NULL;
	if ((rc = cli_signing_key(&key, "replicate"))) {
		sh_store_close(&s);
		return cli_fail("replicate", rc);
	}
	sh_repl_options o = {from, tok, (size_t)lim, 120, cacert, json ? NULL : on_page, NULL};
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	for (;;) {
		sh_repl_stats st;
		double t0 = now_s();
		rc = sh_repl_pull(s, key, &o, &st);
		if (!rc || st.entries)
			print_stats(&st, json, now_s() - t0);
		/* a service rides out an office that does not answer */
		if (rc && (once || (rc != SH_EIO && rc != SH_EBUSY)))
			break;
		if (rc)
			cli_fail("replicate", rc);
		if (once || g_stop)
			break;
		for (long long w = 0; w < iv * 10 && !g_stop; w++)
			nanosleep(&(struct timespec){0, 100000000L}, NULL);
		if (g_stop)
			break;
	}
	memset(tok, 0, sizeof tok);
	ex = rc ? cli_fail("replicate", rc) : EXIT_OK;
	sh_store_close(&s);
	return ex;
}

static json_t *office_json(const sh_wh_office *o)
{
	json_t *j = json_pack("{s:s, s:I, s:I, s:s, s:b}", "agency", o->agency, "size",
			      (json_int_t)o->size, "time", (json_int_t)o->time, "root", o->root,
			      "forked", o->forked);
	json_object_set_new(j, "fork", o->forked ? json_string(o->fork) : json_null());
	return j;
}

static void office_print(const sh_wh_office *o, int full)
{
	char when[32] = "-";
	time_t t = (time_t)o->time;
	struct tm tm;
	if (o->time && localtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s  %llu entries  checkpoint %s  root %.16s%s\n", cli_esc(o->agency),
	       (unsigned long long)o->size, when, o->root, o->forked ? "  FORKED" : "");
	if (full && o->forked)
		printf("%s\n", cli_esc(o->fork));
}

int cmd_office(int argc, char **argv)
{
	const char *store = NULL, *keyf = NULL, *wit = NULL;
	int json = 0;
	const cli_option opts[] = {{"--store", 0, CLI_STR, &store}, {"--key", 0, CLI_STR, &keyf},
				   {"--witness", 0, CLI_STR, &wit}, {"--json", 0, CLI_FLAG, &json},
				   {NULL}};
	const cli_spec spec = {"office", office_help, opts, .max_pos = 2,
			       .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int ex = cli_parse(&spec, argc, argv, &a);
	if (ex)
		return CLI_DONE(ex);
	const char *verb = a.npos ? a.pos[0] : NULL, *ag = a.npos > 1 ? a.pos[1] : NULL;
	int ok = verb && ((!strcmp(verb, "list") && !ag) || (!strcmp(verb, "show") && ag) ||
			  (!strcmp(verb, "add") && ag && (keyf || wit)));
	if (!ok) {
		cli_args_free(&a);
		return cli_usage("office", "use: office add AGENCY --key FILE [--witness VKEY] | "
					   "office list | office show AGENCY");
	}
	sh_store *s = NULL;
	if ((ex = cli_store_open(&s, "office", store, 0))) {
		cli_args_free(&a);
		return ex;
	}
	int rc = SH_OK;
	if (!strcmp(verb, "add")) {
		uint8_t *b = NULL;
		size_t len = 0;
		if (keyf && (rc = sh_file_read(&b, &len, keyf, 1u << 20)))
			sh_error_wrap(rc, "--key %s: ", keyf);
		else if (keyf && !(rc = sh_wh_office_add(s, ag, b, len)))
			printf("office %s: key from %s trusted\n", cli_esc(ag), cli_esc(keyf));
		sh_free(b);
		b = NULL;
		/* a witness: its verifier key, or a file whose first line it is */
		char vk[700] = "";
		FILE *f = wit && !rc ? fopen(wit, "r") : NULL;
		if (f) {
			if (!fgets(vk, sizeof vk, f))
				vk[0] = 0;
			fclose(f);
			vk[strcspn(vk, "\r\n")] = 0;
		} else if (wit) {
			snprintf(vk, sizeof vk, "%s", wit);
		}
		sh_wit_vkey k;
		if (wit && !rc && (rc = sh_wit_vkey_parse(&k, vk, strlen(vk))))
			sh_error_wrap(rc, "--witness: ");
		else if (wit && !rc && !(rc = sh_wh_office_witness_add(s, ag, vk)))
			printf("office %s: replicated only as far as witness %s cosigned\n", cli_esc(ag),
			       cli_esc(k.name));
	} else if (!strcmp(verb, "show")) {
		sh_wh_office o;
		if (!(rc = sh_wh_office_get(s, ag, &o))) {
			if (json)
				ex = cli_json_print(office_json(&o));
			else
				office_print(&o, 1);
		}
	} else {
		sh_wh_office *all = NULL;
		size_t n = 0;
		if (!(rc = sh_wh_office_list(s, &all, &n))) {
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++) {
				if (json)
					json_array_append_new(arr, office_json(&all[i]));
				else
					office_print(&all[i], 0);
			}
			if (json)
				ex = cli_json_print(json_pack("{s:o}", "offices", arr));
			else
				json_decref(arr);
			if (!n && !json)
				printf("no offices are replicated here\n");
		}
		sh_free(all);
	}
	cli_args_free(&a);
	if (rc)
		ex = cli_fail("office", rc);
	sh_store_close(&s);
	return ex;
}
