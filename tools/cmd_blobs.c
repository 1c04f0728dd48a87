/* `sohoa blobs status|drain|migrate`: where a warehouse's page images and
 * hOCR live (docs/OBJSTORE.md). Parsing and printing only: the work and
 * the permission checks are in the library (sh_wh_blobs_*). */
#include "cli.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "sh_wh.h"

static const char *const blobs_help = N_(
	"usage: sohoa blobs status [--json] [--store DIR]\n"
	"       sohoa blobs drain [--json] [--store DIR]\n"
	"       sohoa blobs migrate --to s3://BUCKET[/PREFIX] [--store DIR]\n"
	"       sohoa blobs migrate --back [--store DIR]\n\n"
	"Where the page images and hOCR live: in the warehouse's LMDB file (the\n"
	"default) or in an S3-compatible object store (sohoa init --blobs).\n"
	"status: where they are, how many are in LMDB and in the object store,\n"
	"the spool (waiting to be uploaded) and the read cache. drain: upload the\n"
	"spool now that the store is back. migrate --to: move the images out;\n"
	"--back: bring them back into LMDB (the objects stay in the bucket). Both\n"
	"are resumable: run again after an interruption. The object store comes\n"
	"from SOHOA_S3_ENDPOINT, SOHOA_S3_REGION, SOHOA_S3_ACCESS_KEY and\n"
	"SOHOA_S3_SECRET_KEY (or SOHOA_S3_CREDENTIALS=FILE). Role: status needs\n"
	"check, drain ingest, migrate admin.\n");

const char *cli_blobs_action(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--store") || !strcmp(argv[i], "--to")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (!strcmp(argv[i], "migrate"))
			return "blobs-migrate";
		if (!strcmp(argv[i], "drain"))
			return "blobs-drain";
		break;
	}
	return "blobs-status";
}

static void migrate_progress(void *arg, uint64_t done, uint64_t total)
{
	cli_meter_cb(arg, (size_t)done, (size_t)total);
}

static int blobs_status(sh_store *s, int json)
{
	sh_store_blobs_info in;
	int rc = sh_wh_blobs_status(s, &in);
	if (rc)
		return cli_fail("blobs", rc);
	if (json)
		return cli_json_print(json_pack(
			"{s:s, s:s?, s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I}}", "where",
			in.where, "migrating", in.migrating[0] ? in.migrating : NULL, "lmdb", "count",
			(json_int_t)in.local_count, "bytes", (json_int_t)in.local_bytes, "object_store",
			"count", (json_int_t)in.remote_count, "bytes", (json_int_t)in.remote_bytes,
			"spool", "count", (json_int_t)in.spool_count, "bytes",
			(json_int_t)in.spool_bytes, "cache", "bytes", (json_int_t)in.cache_bytes, "limit",
			(json_int_t)in.cache_limit));
	printf(_("blobs: %s\n"), cli_esc(in.where));
	if (in.migrating[0])
		printf(_("migration under way: %s (run `sohoa blobs migrate` again to finish)\n"),
		       cli_esc(in.migrating));
	printf(_("in LMDB: %llu blobs, %llu bytes\n"), (unsigned long long)in.local_count,
	       (unsigned long long)in.local_bytes);
	printf(_("in the object store: %llu blobs, %llu bytes\n"),
	       (unsigned long long)in.remote_count, (unsigned long long)in.remote_bytes);
	printf(_("spool: %llu objects, %llu bytes\n"), (unsigned long long)in.spool_count,
	       (unsigned long long)in.spool_bytes);
	printf(_("cache: %llu bytes (limit %llu)\n"), (unsigned long long)in.cache_bytes,
	       (unsigned long long)in.cache_limit);
	return EXIT_OK;
}

int cmd_blobs(int argc, char **argv)
{
	const char *store = NULL, *to = NULL;
	int json = 0, back = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--to", 0, CLI_STR, &to},
		{"--back", 0, CLI_FLAG, &back},
		{NULL}};
	const cli_spec spec = {"blobs", blobs_help, opts, .max_pos = 1,
			       .too_many = N_("give one of status, drain, migrate")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	const char *sub = a.npos ? a.pos[0] : "status";
	int ex = EXIT_OK;
	if (strcmp(sub, "status") && strcmp(sub, "drain") && strcmp(sub, "migrate"))
		ex = cli_usage("blobs", "unknown subcommand '%s': give status, drain or migrate", sub);
	else if (!strcmp(sub, "migrate") && !!to == !!back)
		ex = cli_usage("blobs", "migrate needs --to s3://BUCKET[/PREFIX] or --back");
	else if (strcmp(sub, "migrate") && (to || back))
		ex = cli_usage("blobs", "--to and --back go with migrate");
	sh_store *s = NULL;
	if (!ex)
		ex = cli_store_open(&s, "blobs", store, strcmp(sub, "migrate") ? SH_STORE_RDONLY : 0);
	if (ex) {
		cli_args_free(&a);
		return ex;
	}
	int rc;
	if (!strcmp(sub, "status")) {
		ex = blobs_status(s, json);
	} else if (!strcmp(sub, "drain")) {
		size_t up = 0, left = 0, bad = 0;
		rc = sh_wh_blobs_drain(s, &up, &left, &bad);
		if (json)
			ex = cli_json_print(json_pack("{s:b, s:I, s:I, s:I}", "ok", rc == SH_OK,
						      "uploaded", (json_int_t)up, "left",
						      (json_int_t)left, "damaged", (json_int_t)bad));
		else
			printf(_("spool: %zu uploaded, %zu left, %zu damaged (set aside)\n"), up, left,
			       bad);
		if (rc)
			ex = cli_fail("blobs", rc);
		else if (bad)
			ex = EXIT_VERIFY;
	} else {
		cli_meter m;
		cli_meter_start(&m, "blobs", N_("blobs"), 0);
		uint64_t moved = 0;
		rc = sh_wh_blobs_migrate(s, to, cli_meter_fn(&m) ? migrate_progress : NULL, &m,
					 &moved);
		if (rc)
			ex = cli_fail("blobs", rc);
		if (rc && moved)
			cli_note("blobs", "%llu blobs moved before the failure: run the same "
					  "command again to go on", (unsigned long long)moved);
		if (!rc)
			printf(_("%llu blobs moved; blobs: %s\n"), (unsigned long long)moved,
			       cli_esc(to ? to : "lmdb"));
	}
	sh_store_close(&s);
	cli_args_free(&a);
	return ex;
}
