/* sohoa: the command-line program. Dispatch and shared helpers. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
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

/* s with control bytes (tab too), DEL and bytes that are not UTF-8 as \xNN,
 * so that a name or fact from a file or the warehouse cannot forge lines or
 * columns on stdout. Borrowed: valid for the next 15 calls on this thread. */
/* The strings cli_esc handed out: one ring for the process (callbacks of
 * worker threads, e.g. verify --all's findings, print through it too; they
 * are called one at a time), released at the end of each command. */
static char *esc_ring[16];
static unsigned esc_at;
static pthread_mutex_t esc_mu = PTHREAD_MUTEX_INITIALIZER;

static void cli_esc_flush(void)
{
	pthread_mutex_lock(&esc_mu);
	for (size_t i = 0; i < sizeof esc_ring / sizeof *esc_ring; i++) {
		sh_free(esc_ring[i]);
		esc_ring[i] = NULL;
	}
	pthread_mutex_unlock(&esc_mu);
}

const char *cli_esc(const char *s)
{
	if (!s)
		return "";
	size_t n = strlen(s), j = 0;
	char *o = sh_malloc(4 * n + 1);
	if (!o)
		return "?";
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = 1;
		if (c >= 0x80) {
			k = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
			if (k == 0 || i + k > n || !sh_text_valid(s + i, k))
				k = 0;
		}
		if (k == 0 || c < 0x20 || c == 0x7f) {
			snprintf(o + j, 5, "\\x%02x", c);
			j += 4;
			i++;
		} else {
			memcpy(o + j, s + i, k);
			j += k;
			i += k;
		}
	}
	o[j] = 0;
	pthread_mutex_lock(&esc_mu);
	esc_at = (esc_at + 1) % 16;
	sh_free(esc_ring[esc_at]);
	esc_ring[esc_at] = o;
	pthread_mutex_unlock(&esc_mu);
	return o;
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
	vsnprintf(msg, sizeof msg, _(fmt), ap);
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
	fprintf(stderr, _(" (see `sohoa %s --help`)\n"), cmd);
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
	{"init", cmd_init, N_("create the warehouse for an agency")},
	{"ingest", cmd_ingest, N_("receive a dossier from image files (OCR, codes, store)")},
	{"result", cmd_result, N_("store the result papers of a dossier (KQ codes)")},
	{"show", cmd_show, N_("show a dossier or a paper by its code")},
	{"find", cmd_search, N_("find papers by words (diacritics optional): search")},
	{"ocr", cmd_ocr, N_("OCR image files to text files, nothing stored")},
	{"extract", cmd_extract, N_("say what papers image files are and what they state (JSON)")},
	{"devices", cmd_devices, N_("list the scanners SANE can see")},
	{"scan", cmd_scan, N_("capture a batch from a scanner (ADF, duplex) into a dossier")},
	{"batch", cmd_batch, N_("review staged batches: delete, rotate, move, split, commit")},
	{"watch", cmd_watch, N_("scan-to-folder: ingest files dropped into a folder")},
	{"export-tiff", cmd_export_tiff, N_("write a paper's archival multi-page TIFF master")},
	{"export-pdf", cmd_export_pdf, N_("write a paper or dossier as a searchable PDF/A-1b")},
	{"certs", cmd_certs, N_("register the officer's certificate chain for PDF signing")},
	{"certified", cmd_certified, N_("the certified copies issued (export-pdf --certify)")},
	{"export-bag", cmd_export_bag, N_("write a dossier or paper as a BagIt transfer bag")},
	{"import-bag", cmd_import_bag, N_("file another office's bag: checked, verified, original codes")},
	{"keys", cmd_keys, N_("signing keys: new, list, rotate, revoke, export")},
	{"verify", cmd_verify, N_("verify signatures, hashes and the log (one code or --all)")},
	{"log", cmd_log, N_("the signed log: size, checkpoints, consistency proofs")},
	{"export-proof", cmd_export_proof, N_("write a self-contained proof bundle for a paper")},
	{"verify-bundle", cmd_verify_bundle, N_("check a proof bundle with trusted public keys only")},
	{"agency", cmd_agency, N_("the office's agency ids: successor after a merger, aliases")},
	{"check", cmd_check, N_("verify the warehouse's indexes and stored blobs")},
	{"blobs", cmd_blobs, N_("where page images live: status, drain the spool, migrate to S3 and back")},
	{"owner", cmd_owner, N_("an owner's papers with their validity and signature state")},
	{"revoke", cmd_revoke, N_("revoke a paper (signed; kept, never reused)")},
	{"validity", cmd_validity, N_("show or set (clerk, signed) a paper's validity")},
	{"reuse", cmd_reuse, N_("the owner's valid papers for each kind a procedure needs")},
	{"attach", cmd_attach, N_("put an earlier paper into a new dossier (signed reuse)")},
	{"corrections", cmd_corrections, N_("wrong facts reported by owners: list, apply (signed), reject")},
	{"search", cmd_search, N_("find with filters: --owner --kind --agency --from --to")},
	{"report", cmd_report, N_("monthly indicators: received, digitised, reused, ...")},
	{"user", cmd_user, N_("operators and their roles: add, del, list")},
	{"audit", cmd_audit, N_("the audit of reads of personal papers")},
	{"whoami", cmd_whoami, N_("the operator and their role")},
	{"backup", cmd_backup, N_("a consistent compacted copy while desks keep working")},
	{"restore", cmd_restore, N_("restore a checked backup")},
	{"archive", cmd_archive, N_("the backlog by the box: separator sheets, split scans")},
	{"serve", cmd_serve, N_("the office server: the warehouse over HTTPS (JSON API, pages)")},
	{"login", cmd_login, N_("log in to the office server (then --server URL for other commands)")},
	{"logout", cmd_logout, N_("end the saved session with the office server")},
	{"checkpoint", cmd_checkpoint, N_("have the witnesses cosign the log as it is now")},
	{"witnesses", cmd_witnesses, N_("the witnesses of this warehouse: add, list, vkey")},
	{"witness", cmd_witness, N_("be a witness of other offices' logs (a folder; serve --witness)")},
	{"station", cmd_station, N_("capture stations' tokens for the office server: add, list, revoke")},
	{"replicate", cmd_replicate, N_("the province's replica of an office: pull, check, replay its log")},
	{"office", cmd_office, N_("the offices a province replicates: add (trust a key), list, show")},
};

static void usage(FILE *f)
{
	/* "commands:" and the two-space indented names are what the bash
	 * completion reads (it runs `LC_ALL=C sohoa --help`) */
	fputs(_("usage: sohoa <command> [options]\n\n"
		"sohoa digitises the paper dossiers received at a reception desk: capture,\n"
		"clean-up and Vietnamese OCR, codes, signatures and the LMDB warehouse.\n\n"
		"commands:\n"), f);
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, _(cmds[i].summary));
	fputs(_("\n`sohoa help <command>` (or `sohoa <command> --help`) describes each command.\n"
		"The warehouse is --store DIR, else $SOHOA_STORE, else $XDG_DATA_HOME/sohoa,\n"
		"else ~/.local/share/sohoa.\n"), f);
}

static int dispatch(int argc, char **argv);

int cli_main(int argc, char **argv)
{
	clearerr(stdout);
	int ex = dispatch(argc, argv);
	cli_esc_flush();
	/* what the command printed must have reached stdout (a full disk, a
	 * closed file): else one line and a failure, whatever was printed */
	errno = 0;
	int flushed = fflush(stdout) == 0, e = errno;
	if (!flushed || ferror(stdout)) {
		const char *cmd = NULL;
		for (size_t i = 0; argc > 1 && i < sizeof cmds / sizeof *cmds; i++)
			if (!strcmp(argv[1], cmds[i].name))
				cmd = cmds[i].name;
		if (!flushed && e)
			sh_error_set(SH_EIO, "cannot write the output: %s", strerror(e));
		else
			sh_error_set(SH_EIO, "cannot write the output");
		cli_fail(cmd, SH_EIO);
		clearerr(stdout);
		if (!ex)
			ex = EXIT_STORE;
	}
	return ex;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) { /* an error is one line, like every other */
		cli_note(NULL, "which command? (see `sohoa --help`)");
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
