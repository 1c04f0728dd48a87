/* sohoa witness (run a witness over a directory), sohoa witnesses (the
 * office's witnesses), sohoa checkpoint (have them cosign the log). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh_wit.h"

static const char *const witness_help = N_(
	"usage: sohoa witness init DIR [--name NAME]\n"
	"       sohoa witness key DIR\n"
	"       sohoa witness add-log DIR ORIGIN VKEY\n"
	"       sohoa witness latest DIR ORIGIN\n"
	"       sohoa witness add-checkpoint DIR < REQUEST\n\n"
	"A witness of other offices' logs (C2SP tlog-witness): it keeps, in DIR,\n"
	"its own key and for each log it trusts the latest checkpoint it cosigned,\n"
	"and cosigns a new one only after checking a consistency proof from it.\n"
	"init creates DIR and prints the witness's key (give it to the offices:\n"
	"sohoa witnesses add URL|DIR --key KEY); add-log trusts an office's log key\n"
	"(printed there by `sohoa witnesses vkey`); latest prints the checkpoint\n"
	"last cosigned for ORIGIN; add-checkpoint answers one request read from\n"
	"standard input (exit 0 on 200; the status on standard error otherwise).\n"
	"Serve it over HTTP with `sohoa serve --witness DIR`.\n");

static int witness_fail(const char *what, int rc)
{
	return cli_fail(what, rc);
}

int cmd_witness(int argc, char **argv)
{
	const char *name = NULL;
	const cli_option opts[] = {{"--name", 0, CLI_STR, &name}, {NULL}};
	const cli_spec spec = {"witness", witness_help, opts, .max_pos = 4,
			       .too_many = "unexpected argument '%s'"};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	const char *sub = a.npos > 0 ? a.pos[0] : NULL, *dir = a.npos > 1 ? a.pos[1] : NULL;
	int ex = EXIT_OK;
	sh_wit *w = NULL;
	if (!sub || !dir) {
		ex = cli_usage("witness", "give init, key, add-log, latest or add-checkpoint and DIR");
		goto out;
	}
	if (!strcmp(sub, "init")) {
		if (a.npos != 2) {
			ex = cli_usage("witness", "init takes DIR only");
			goto out;
		}
		char host[128] = "witness";
		if (!name && !gethostname(host, sizeof host - 1))
			host[sizeof host - 1] = 0;
		char *nm = name ? NULL : sh_asprintf("%s/sohoa-witness", host);
		int rc = sh_wit_create(dir, name ? name : nm);
		sh_free(nm);
		if (rc) {
			ex = witness_fail("witness", rc);
			goto out;
		}
	} else if (strcmp(sub, "key") && strcmp(sub, "add-log") && strcmp(sub, "latest") &&
		   strcmp(sub, "add-checkpoint")) {
		ex = cli_usage("witness", "unknown subcommand '%s'", sub);
		goto out;
	}
	int rc = sh_wit_open(&w, dir);
	if (rc) {
		ex = witness_fail("witness", rc);
		goto out;
	}
	if (!strcmp(sub, "init") || !strcmp(sub, "key")) {
		char *vk = NULL;
		if ((rc = sh_wit_own_vkey(w, &vk)))
			ex = witness_fail("witness", rc);
		else
			printf("%s\n", vk);
		sh_free(vk);
	} else if (!strcmp(sub, "add-log")) {
		if (a.npos != 4)
			ex = cli_usage("witness", "add-log takes DIR ORIGIN VKEY");
		else if ((rc = sh_wit_log_add(w, a.pos[2], a.pos[3])))
			ex = witness_fail("witness", rc);
		else
			printf("trusting %s for the log %s\n", a.pos[3], a.pos[2]);
	} else if (!strcmp(sub, "latest")) {
		sh_buf b = SH_BUF_INIT;
		if (a.npos != 3)
			ex = cli_usage("witness", "latest takes DIR ORIGIN");
		else if ((rc = sh_wit_latest(w, a.pos[2], &b)))
			ex = witness_fail("witness", rc);
		else
			fwrite(b.data, 1, b.len, stdout);
		sh_buf_free(&b);
	} else { /* add-checkpoint: one request on stdin */
		sh_buf req = SH_BUF_INIT, resp = SH_BUF_INIT;
		char chunk[4096];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0 &&
		       req.len <= SH_WIT_NOTE_MAX + 64 * SH_WIT_PROOF_MAX)
			if (sh_buf_put(&req, chunk, got)) {
				rc = SH_ENOMEM;
				break;
			}
		unsigned st = 0;
		if (!rc)
			rc = sh_wit_add_checkpoint(w, req.data ? req.data : (uint8_t *)"", req.len, &st,
						   &resp);
		if (st == 200) {
			fwrite(resp.data, 1, resp.len, stdout);
		} else {
			cli_note("witness", "HTTP %u: %s", st, sh_error_message());
			if (st == 409 && resp.len)
				fwrite(resp.data, 1, resp.len, stdout);
			ex = cli_exit_code(rc ? rc : SH_ERROR);
		}
		sh_buf_free(&req);
		sh_buf_free(&resp);
	}
out:
	sh_wit_close(&w);
	cli_args_free(&a);
	return ex;
}

static const char *const witnesses_help = N_(
	"usage: sohoa witnesses add URL|DIR [--key VKEY] [--store DIR]\n"
	"       sohoa witnesses list [--store DIR]\n"
	"       sohoa witnesses vkey [--store DIR]\n\n"
	"The witnesses of this warehouse's log: other machines (the province, a\n"
	"second office) that cosign its checkpoints, so that a rollback of the\n"
	"warehouse is caught outside the office. add trusts a witness (a folder\n"
	"made by `sohoa witness init`, or the URL prefix of a `sohoa serve\n"
	"--witness` server, e.g. https://province.example:8443/witness) with its\n"
	"key (--key; without it the key is read from the folder or asked from the\n"
	"URL and printed: compare it with the witness's operator). vkey prints the\n"
	"log key of your signing key, for the witness's operator to trust with\n"
	"`sohoa witness add-log DIR ORIGIN VKEY`. Admin only.\n");

int cmd_witnesses(int argc, char **argv)
{
	const char *store = NULL, *key = NULL;
	const cli_option opts[] = {{"--store", 0, CLI_STR, &store}, {"--key", 0, CLI_STR, &key}, {NULL}};
	const cli_spec spec = {"witnesses", witnesses_help, opts, .max_pos = 2,
			       .too_many = "unexpected argument '%s'"};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	const char *sub = a.npos ? a.pos[0] : NULL;
	sh_store *s = NULL;
	int ex = EXIT_OK, rc;
	if (!sub || (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "vkey")) ||
	    (!strcmp(sub, "add") != (a.npos == 2))) {
		ex = cli_usage("witnesses", "give add URL|DIR, list or vkey");
		goto out;
	}
	if ((ex = cli_store_open(&s, "witnesses", store, SH_STORE_RDONLY)) ||
	    (ex = cli_authorize(s, "witnesses")))
		goto out;
	if (!strcmp(sub, "add")) {
		char *vk = NULL;
		if ((rc = sh_wit_office_add(s, a.pos[1], key, &vk)))
			ex = cli_fail("witnesses", rc);
		else
			printf("witness %s added with key %s\n", a.pos[1], vk);
		sh_free(vk);
	} else if (!strcmp(sub, "list")) {
		char **ws = NULL, **vs = NULL;
		size_t n = 0;
		if ((rc = sh_wit_office_list(s, &ws, &vs, &n)))
			ex = cli_fail("witnesses", rc);
		for (size_t i = 0; i < n; i++)
			printf("%s %s\n", ws[i], vs[i]);
		sh_wit_office_list_free(&ws, &vs, n);
	} else {
		const sh_sign_key *k = NULL;
		char *vk = NULL, *origin = NULL;
		if ((rc = cli_signing_key(&k, "witnesses")))
			ex = cli_fail("witnesses", rc);
		else if ((rc = sh_wit_office_vkey(s, k, &vk)) || (rc = sh_wit_origin(s, &origin)))
			ex = cli_fail("witnesses", rc);
		else
			printf("%s %s\n", origin, vk);
		sh_free(vk);
		sh_free(origin);
	}
out:
	sh_store_close(&s);
	cli_args_free(&a);
	return ex;
}

static const char *const checkpoint_help = N_(
	"usage: sohoa checkpoint [--store DIR]\n\n"
	"Sign a checkpoint of the log as it is now (C2SP checkpoint note) and have\n"
	"every witness of the warehouse cosign it after checking that it extends\n"
	"what they cosigned before; the cosigned note is kept in\n"
	"<warehouse>/witnessed/. Run it after each working day or from a timer.\n"
	"Exit 0 when every witness cosigned, 6 when one refused (a fork or a\n"
	"rollback: the message names the sizes), 5 when one could not be reached.\n");

static void print_problem(void *arg, const char *msg)
{
	(void)arg;
	cli_note("checkpoint", "%s", msg);
}

int cmd_checkpoint(int argc, char **argv)
{
	const char *store = NULL;
	const cli_option opts[] = {{"--store", 0, CLI_STR, &store}, {NULL}};
	const cli_spec spec = {"checkpoint", checkpoint_help, opts, "unknown argument '%s'",
			       .no_positional = 1};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	cli_args_free(&a);
	sh_store *s = NULL;
	const sh_sign_key *k = NULL;
	int ex = cli_store_open(&s, "checkpoint", store, SH_STORE_RDONLY), rc;
	if (ex)
		return ex;
	if ((ex = cli_authorize(s, "checkpoint")))
		goto out;
	if ((rc = cli_signing_key(&k, "checkpoint"))) {
		ex = cli_fail("checkpoint", rc);
		goto out;
	}
	size_t n = 0;
	uint64_t size = 0;
	rc = sh_wit_office_checkpoint(s, k, print_problem, NULL, &n);
	sh_ledger_size(s, &size);
	if (rc)
		ex = cli_fail("checkpoint", rc);
	else
		printf("checkpoint of %llu entries cosigned by %zu witness%s\n",
		       (unsigned long long)size, n, n == 1 ? "" : "es");
out:
	sh_store_close(&s);
	return ex;
}
