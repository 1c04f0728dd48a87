/* sohoa station: capture stations' tokens for the office server
 * (docs/SERVER.md "Capture stations"). */
#include "cli.h"
#include "sh_auth.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *const station_help = N_(
	"usage: sohoa station add NAME [--replicate | --office AGENCY] [--json] [--store DIR]\n"
	"       sohoa station list [--json] [--store DIR]\n"
	"       sohoa station revoke NAME [--store DIR]\n\n"
	"Capture stations (a scanner PC feeding the office server): add prints a\n"
	"new random 256-bit token ONCE; the warehouse keeps only its SHA-256. The\n"
	"station sends it as `Authorization: Bearer TOKEN` and may only create\n"
	"batches, add pages and commit them; it is recorded as station:NAME.\n"
	"With --replicate the token is a province's replication token instead: it\n"
	"may only read the signed log, checkpoints, keys and page images under\n"
	"/api/v1/replica/ (docs/REPLICATION.md) and is recorded as replica:NAME.\n"
	"With --office AGENCY (at the province) the token is that office's: it may\n"
	"only fetch one replicated paper at a time for reuse there\n"
	"(/api/v1/replica/papers/CODE), each read recorded as office:AGENCY.\n"
	"revoke ends the token at once. Role: admin. --json: add {\"station\",\n"
	"\"token\"}, list {\"stations\": [name]} (docs/FORMATS.md).\n");

int cmd_station(int argc, char **argv)
{
	const char *store = NULL;
	const char *office = NULL;
	int json = 0, replicate = 0;
	const cli_option opts[] = {{"--store", 0, CLI_STR, &store}, {"--json", 0, CLI_FLAG, &json},
				   {"--office", 0, CLI_STR, &office},
				   {"--replicate", 0, CLI_FLAG, &replicate}, {NULL}};
	const cli_spec spec = {"station", station_help, opts, .max_pos = 2,
			       .too_many = N_("unexpected argument '%s'")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	const char *verb = a.npos ? a.pos[0] : NULL, *name = a.npos > 1 ? a.pos[1] : NULL;
	int ok = verb && ((!strcmp(verb, "list") && !name) ||
			  ((!strcmp(verb, "add") || !strcmp(verb, "revoke")) && name));
	if (!ok) {
		cli_args_free(&a);
		return cli_usage("station", "use: station add NAME | station list | station revoke NAME");
	}
	if ((replicate || office) && strcmp(verb, "add")) {
		cli_args_free(&a);
		return cli_usage("station", "--replicate and --office go with add");
	}
	if (replicate && office) {
		cli_args_free(&a);
		return cli_usage("station", "--replicate or --office, not both");
	}
	if (json && !strcmp(verb, "revoke")) { /* prints no data */
		cli_args_free(&a);
		return cli_usage("station", "--json goes with add or list");
	}
	sh_store *s = NULL;
	int ex = cli_store_open(&s, "station", store, 0);
	if (!ex && (ex = cli_authorize(s, "user"))) /* the admin's permission */
		sh_store_close(&s);
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	int rc;
	if (!strcmp(verb, "add")) {
		char tok[SH_AUTH_TOKEN_HEX];
		rc = replicate ? sh_auth_station_add_replica(s, name, tok)
		     : office  ? sh_auth_station_add_office(s, name, office, tok)
			       : sh_auth_station_add(s, name, tok);
		if (!rc && json) {
			ex = cli_json_print(json_pack("{s:s, s:s}", "station", name, "token", tok));
		} else if (!rc) {
			printf("%s\n", tok);
			cli_note("station", "station %s added: give it this token now; it is not shown again",
				 name);
		}
		memset(tok, 0, sizeof tok);
	} else if (!strcmp(verb, "revoke")) {
		if (!(rc = sh_wh_station_revoke(s, name)))
			printf("station %s revoked\n", name);
	} else {
		char (*names)[33] = NULL;
		size_t n = 0;
		json_t *arr = json ? json_array() : NULL;
		if (!(rc = sh_wh_station_list(s, &names, &n))) {
			for (size_t i = 0; i < n; i++) {
				if (json)
					json_array_append_new(arr, json_string(names[i]));
				else
					printf("%s\n", names[i]);
			}
		}
		if (json && !rc)
			ex = cli_json_print(json_pack("{s:o}", "stations", arr));
		else
			json_decref(arr);
		sh_free(names);
	}
	cli_args_free(&a);
	if (rc)
		ex = cli_fail("station", rc);
	sh_store_close(&s);
	return ex;
}
