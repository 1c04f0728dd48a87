/* sohoa: the command-line program. Dispatch and shared helpers. */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_exit_code(int rc)
{
	switch (rc) {
	case SH_OK: return EXIT_OK;
	case SH_EINVAL: case SH_ELIMIT: case SH_EEXISTS: return EXIT_INPUT;
	case SH_ENOTFOUND: return EXIT_NOTFOUND;
	case SH_EIO: case SH_EFULL: case SH_ECORRUPT: case SH_EVERSION: case SH_EBUSY:
		return EXIT_STORE;
	case SH_EBADSIG: return EXIT_VERIFY;
	case SH_EDEVICE: case SH_ECANCELED: return EXIT_DEVICE;
	case SH_EPERM: return EXIT_PERM;
	default: return EXIT_INTERNAL;
	}
}

/* One line on stderr whatever the message holds: control bytes and bytes
 * that are not UTF-8 (from hostile arguments echoed back) as \xNN. */
static void put_line(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = 1;
		if (c >= 0x80) { /* a valid UTF-8 sequence goes out as it is */
			k = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
			if (k == 0 || i + k > n || !sh_text_valid(s + i, k))
				k = 0;
		}
		if (k == 0 || (c < 0x20 && c != '\t') || c == 0x7f) {
			fprintf(stderr, "\\x%02x", c);
			i++;
		} else {
			fwrite(s + i, 1, k, stderr);
			i += k;
		}
	}
}

void cli_print_error(const char *cmd, const char *msg)
{
	fprintf(stderr, cmd ? "sohoa %s: " : "sohoa: ", cmd);
	put_line(msg);
	fputc('\n', stderr);
}

int cli_fail(const char *cmd, int rc)
{
	cli_print_error(cmd, sh_error_message());
	return cli_exit_code(rc);
}

void cli_note(const char *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cli_print_error(cmd, msg);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, _(fmt), ap);
	va_end(ap);
	fprintf(stderr, "sohoa %s: ", cmd);
	put_line(msg);
	fprintf(stderr, " (see `sohoa %s --help`)\n", cmd);
	return EXIT_USAGE;
}

int cli_number(const char *cmd, const char *what, const char *s, long long min, long long max,
	       long long *out)
{
	const char *d = s + (min < 0 && *s == '-');
	long long v = 0;
	int ok = *d != 0;
	for (; ok && *d; d++) {
		if (*d < '0' || *d > '9' || v > (LLONG_MAX - (*d - '0')) / 10)
			ok = 0;
		else
			v = v * 10 + (*d - '0');
	}
	if (ok && *s == '-')
		v = -v;
	if (!ok || v < min || v > max)
		return cli_usage(cmd, "%s takes a number from %lld to %lld, not '%s'", what, min, max, s);
	*out = v;
	return EXIT_OK;
}

char *cli_store_dir(const char *opt)
{
	if (opt && *opt)
		return sh_strdup(opt);
	const char *e = getenv("SOHOA_STORE");
	if (e && *e)
		return sh_strdup(e);
	e = getenv("XDG_DATA_HOME");
	if (e && *e)
		return sh_asprintf("%s/sohoa", e);
	e = getenv("HOME");
	return sh_asprintf("%s/.local/share/sohoa", e && *e ? e : ".");
}

int cli_store_open(sh_store **out, const char *cmd, const char *opt, unsigned flags)
{
	char *dir = cli_store_dir(opt);
	if (!dir)
		return cli_fail(cmd, SH_ENOMEM);
	int rc = sh_store_open(out, dir, flags);
	sh_free(dir);
	/* the operator, given once: the library checks and records it (the
	 * server begins a session per request, for the account logged in) */
	if (!rc && strcmp(cmd, "serve") && (rc = sh_wh_session_begin(*out, cli_user(), cmd)))
		sh_store_close(out);
	return rc ? cli_fail(cmd, rc) : EXIT_OK;
}

int cli_code(const char *cmd, const char *code, unsigned want)
{
	int rc = sh_id_code_check(NULL, code, want);
	return rc ? cli_fail(cmd, rc) : EXIT_OK;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
	} else if (a[n] != 0) {
		return 0;
	} else {
		if (*i + 1 >= argc)
			return -1;
		*val = argv[++*i];
	}
	/* an empty value is a missing one (`--store=` must not mean the default) */
	return **val ? 1 : -1;
}


static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} cmds[] = {
	{"init", cmd_init, "create the warehouse for an agency"},
	{"ingest", cmd_ingest, "receive a dossier from image files (OCR, codes, store)"},
	{"result", cmd_result, "store the result papers of a dossier (KQ codes)"},
	{"show", cmd_show, "show a dossier or a paper by its code"},
	{"find", cmd_search, "find papers by words (diacritics optional): search"},
	{"ocr", cmd_ocr, "OCR image files to text files, nothing stored"},
	{"extract", cmd_extract, "say what papers image files are and what they state (JSON)"},
	{"devices", cmd_devices, "list the scanners SANE can see"},
	{"scan", cmd_scan, "capture a batch from a scanner (ADF, duplex) into a dossier"},
	{"batch", cmd_batch, "review staged batches: delete, rotate, move, split, commit"},
	{"watch", cmd_watch, "scan-to-folder: ingest files dropped into a folder"},
	{"export-tiff", cmd_export_tiff, "write a paper's archival multi-page TIFF master"},
	{"export-pdf", cmd_export_pdf, "write a paper or dossier as a searchable PDF/A-1b"},
	{"certs", cmd_certs, "register the officer's certificate chain for PDF signing"},
	{"export-bag", cmd_export_bag, "write a dossier or paper as a BagIt transfer bag"},
	{"keys", cmd_keys, "signing keys: new, list, rotate, revoke, export"},
	{"verify", cmd_verify, "verify signatures, hashes and the log (one code or --all)"},
	{"log", cmd_log, "the signed log: size, checkpoints, consistency proofs"},
	{"export-proof", cmd_export_proof, "write a self-contained proof bundle for a paper"},
	{"verify-bundle", cmd_verify_bundle, "check a proof bundle with trusted public keys only"},
	{"agency", cmd_agency, "the office's agency ids: successor after a merger, aliases"},
	{"check", cmd_check, "verify the warehouse's indexes and stored blobs"},
	{"owner", cmd_owner, "an owner's papers with their validity and signature state"},
	{"revoke", cmd_revoke, "revoke a paper (signed; kept, never reused)"},
	{"validity", cmd_validity, "show or set (clerk, signed) a paper's validity"},
	{"reuse", cmd_reuse, "the owner's valid papers for each kind a procedure needs"},
	{"attach", cmd_attach, "put an earlier paper into a new dossier (signed reuse)"},
	{"corrections", cmd_corrections, "wrong facts reported by owners: list, apply (signed), reject"},
	{"search", cmd_search, "find with filters: --owner --kind --agency --from --to"},
	{"report", cmd_report, "monthly indicators: received, digitised, reused, ..."},
	{"user", cmd_user, "operators and their roles: add, del, list"},
	{"audit", cmd_audit, "the audit of reads of personal papers"},
	{"whoami", cmd_whoami, "the operator and their role"},
	{"backup", cmd_backup, "a consistent compacted copy while desks keep working"},
	{"restore", cmd_restore, "restore a checked backup"},
	{"archive", cmd_archive, "the backlog by the box: separator sheets, split scans"},
	{"serve", cmd_serve, "the office server: the warehouse over HTTPS (JSON API, pages)"},
	{"login", cmd_login, "log in to the office server (then --server URL for other commands)"},
	{"logout", cmd_logout, "end the saved session with the office server"},
	{"station", cmd_station, "capture stations' tokens for the office server: add, list, revoke"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: sohoa <command> [options]\n\n"
		   "sohoa digitises the paper dossiers received at a reception desk: capture,\n"
		   "clean-up and Vietnamese OCR, codes, signatures and the LMDB warehouse.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\n`sohoa help <command>` (or `sohoa <command> --help`) describes each command.\n"
		   "The warehouse is --store DIR, else $SOHOA_STORE, else $XDG_DATA_HOME/sohoa,\n"
		   "else ~/.local/share/sohoa.\n");
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) { /* an error is one line, like every other */
		fprintf(stderr, "sohoa: which command? (see `sohoa --help`)\n");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") && argc > 2) { /* sohoa help CMD: that command's help */
		for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
			if (!strcmp(argv[2], cmds[i].name)) {
				char *hv[] = {argv[2], "--help", NULL};
				return cmds[i].fn(2, hv);
			}
		cli_note(NULL, "unknown command '%s' (see `sohoa --help`)", argv[2]);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("sohoa %s\n", SOHOA_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		int help = 0;
		for (int k = 2; k < argc; k++)
			help |= cli_is_help(argv[k]);
		/* --server URL (or $SOHOA_SERVER): the command asks the office server */
		int remote = 0;
		const char *server = strcmp(cmds[i].name, "login") ? cli_server_arg(&argc, argv) : NULL;
		if (server || getenv("SOHOA_STATION_TOKEN")) {
			int ex = cli_remote(cmds[i].name, server, argc - 1, argv + 1, &remote);
			if (remote)
				return ex;
		}
		if (!help && strcmp(cmds[i].name, "serve")) { /* every command against the
							       * operator's role; the server
							       * authenticates each request */
			int ex = cli_authorize_command(cli_action_of(cmds[i].name, argc - 1, argv + 1),
						       argc - 1, argv + 1);
			if (ex)
				return ex;
		}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	cli_note(NULL, "unknown command '%s' (see `sohoa --help`)", argv[1]);
	return EXIT_USAGE;
}
