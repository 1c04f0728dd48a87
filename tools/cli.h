/* tools/: the sohoa program. Argument parsing and printing only; every
 * decision is made by the modules. Private to tools/. */
#ifndef SH_CLI_H
#define SH_CLI_H

#include <stdio.h>

#include "sh_client.h"
#include "sh_common.h"
#include "sh_recv.h"
#include "sh_wh.h"

/* The program: dispatch argv[1] to its command and return the exit code.
 * Never exits; everything it opens is closed again, except the signing key
 * and kind catalogue it caches for the process. main.c calls it; so does
 * the command-line fuzz target (tests/fuzz/fuzz_cli.c). */
int cli_main(int argc, char **argv);

/* Exit codes (README.md "Exit codes"). */
enum {
	EXIT_OK = 0,
	EXIT_INTERNAL = 1,  /* unexpected failure */
	EXIT_USAGE = 2,     /* unknown option, missing argument */
	EXIT_INPUT = 3,     /* bad input: file, id, code, limit */
	EXIT_NOTFOUND = 4,  /* no such code, file or warehouse */
	EXIT_STORE = 5,     /* warehouse cannot be read/written, full, damaged */
	EXIT_VERIFY = 6,    /* a signature or hash does not verify */
	EXIT_DEVICE = 7,    /* scanner fault */
	EXIT_PERM = 8       /* role does not allow the command */
};

/* Map an sh_error code to an exit code. */
int cli_exit_code(int rc);
/* Print "sohoa <cmd>: <message>" for the current error; returns the exit code. */
int cli_fail(const char *cmd, int rc);
/* Print "sohoa[ cmd]: msg" as one line, control and non-UTF-8 bytes as \xNN. */
void cli_print_error(const char *cmd, const char *msg);
/* Print "sohoa[ cmd]: <formatted>" as one line, as cli_print_error: for
 * every message that may hold what the user typed or a file name. fmt is
 * translated (gettext; po/update.sh extracts cli_note's and cli_usage's). */
void cli_note(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a usage error and the hint to run --help; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A number given on the command line (what: "--workers", "OLD"): decimal
 * digits only, a '-' first when min < 0, from min to max. Sets *out and
 * returns EXIT_OK, or prints the usage error and returns EXIT_USAGE. */
int cli_number(const char *cmd, const char *what, const char *s, long long min, long long max,
	       long long *out);

/* Warehouse location: --store value, $SOHOA_STORE, $XDG_DATA_HOME/sohoa,
 * ~/.local/share/sohoa. Returns a string the caller frees with sh_free. */
char *cli_store_dir(const char *opt);
/* Open the warehouse for a command; prints the error itself. */
int cli_store_open(sh_store **out, const char *cmd, const char *opt, unsigned flags);
/* Check the form of a code given to cmd (sh_id_code_check; want: SH_CODE_*
 * kinds, 0 any) before anything is looked up: a malformed code is bad input
 * (exit 3), a well-formed one not there is not found (4). Prints the
 * refusal; returns the exit code. */
int cli_code(const char *cmd, const char *code, unsigned want);
#define CLI_PAPER (SH_CODE_PAPER | SH_CODE_RESULT)

/* The operator's signing key (loaded once: $SOHOA_KEY or
 * ~/.config/sohoa/signing.key, passphrase from $SOHOA_PASSPHRASE_FILE or the
 * terminal). Borrowed for the process. SH_ENOTFOUND with what to do. */
typedef struct sh_sign_key sh_sign_key;
/* s escaped for one line of stdout (control bytes, tab, DEL, bad UTF-8 as
 * \xNN): every name, file name, fact or message from input or the warehouse
 * printed on stdout goes through it. Borrowed (a ring of 16 per thread). */
const char *cli_esc(const char *s);
int cli_signing_key(const sh_sign_key **out, const char *cmd);

int cli_is_help(const char *a);
/* Is argv[i] "--name" or "--name=value"? Sets *val (next argv or after '=')
 * and advances *i. Returns 1 when matched, -1 when the value is missing.
 * Only for reading --store before dispatch; commands use cli_parse. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);
int cli_flag(char **argv, int i, const char *name);

/* ---- the option parser (getparam.c), after curl's tool_getparam.c ----
 * Every command describes its options in one table; cli_parse reads argv
 * against it. "--name value" and "--name=value"; an empty value is a
 * missing one (`--store=` must not mean the default warehouse). */
typedef enum cli_argkind {
	CLI_FLAG,   /* no value; target: int, set to 1 */
	CLI_STR,    /* one value; target: const char *, the last one given */
	CLI_LIST    /* repeatable value; target: cli_list */
} cli_argkind;

typedef struct cli_list {
	const char **v;  /* NULL-terminated, n entries; freed by cli_args_free */
	size_t n;
} cli_list;

typedef struct cli_option {
	const char *name;   /* "--store" */
	char letter;        /* short form ('j' for -j), 0 none */
	cli_argkind kind;
	void *target;
	const char *missing;/* usage message when the value is missing, or NULL:
			     * "<name> needs a value" */
} cli_option;

typedef struct cli_spec {
	const char *cmd;
	const char *help;        /* printed by --help, -h and `sohoa help CMD` */
	const cli_option *opts;  /* ends with {NULL} */
	const char *unknown;     /* "unknown option '%s'" (the default) or
				  * "unknown argument '%s'" */
	int no_positional;       /* 1: any other argument is unknown */
	int dash_positional;     /* 1: "-x" (one dash) is positional (e.g. -90) */
	int double_dash;         /* 1: "--" ends the options */
	size_t max_pos;          /* more positional arguments than this (0: no
				  * limit) is a usage error ... */
	const char *too_many;    /* ... saying this (may hold one %s: the argument) */
} cli_spec;

/* The positional arguments, in order; free with cli_args_free. */
typedef struct cli_args {
	const char **pos;        /* npos entries, NULL-terminated */
	size_t npos;
	cli_list *lists[4];      /* lists filled, to free */
	size_t nlists;
} cli_args;

enum { CLI_HELP = -1 };
/* Parse argv[1..argc) (argv[0] is the command). Returns EXIT_OK, CLI_HELP
 * after printing the help (a --help or -h anywhere before "--", even where a
 * value was expected: `scan --resume --help`), or EXIT_USAGE after printing
 * the usage error; EXIT_INTERNAL when out of memory. */
int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out);
void cli_args_free(cli_args *a);
/* The exit code for a cli_parse result that is not EXIT_OK. */
#define CLI_DONE(ex) ((ex) == CLI_HELP ? EXIT_OK : (ex))

/* Print one JSON document on stdout and release it (steals o; NULL prints
 * nothing and returns EXIT_INTERNAL): indented by 2 when stdout is a
 * terminal, one compact line otherwise (docs/FORMATS.md "JSON output").
 * EXIT_STORE when stdout cannot be written: cli_main then says so in one
 * line (for every command's output, JSON or not). */
struct json_t;
int cli_json_print(struct json_t *o);

/* Print the flagged pages of a received paper (cmd_ingest.c). */
void cli_print_pages(const sh_recv_result *res, const sh_recv_paper *p);
/* Progress of long work (progress.c): one line on stderr, rewritten, "sohoa
 * CMD: 12 of 40 pages, 3.1/s, 9 s left" (bytes: KiB or MiB), ended by a newline
 * when done reaches total; only when stderr is a terminal and never with
 * --json. */
typedef struct cli_meter {
	const char *cmd;
	const char *unit;  /* N_("pages"), N_("papers"), N_("parts"), or "bytes" */
	int on, shown, ended;
	double start, last;
} cli_meter;
void cli_meter_start(cli_meter *m, const char *cmd, const char *unit, int json);
/* The callback to give the library (arg: the meter), or NULL when off. */
sh_progress_fn cli_meter_fn(const cli_meter *m);
void cli_meter_cb(void *arg, size_t done, size_t total);
/* The per-page progress of ingest, scan and batch commit (sh_recv). */
void cli_progress(sh_recv_options *o, const char *cmd, int json);

int cmd_init(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_ocr(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_blobs(int argc, char **argv);
/* The action of a `blobs` command line (blobs-status, -drain, -migrate). */
const char *cli_blobs_action(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_archive(int argc, char **argv);
int cmd_result(int argc, char **argv);
int cmd_agency(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_export_proof(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_verify_bundle(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_export_tiff(int argc, char **argv);
int cmd_export_pdf(int argc, char **argv); /* cmd_pdf.c */
int cmd_certs(int argc, char **argv);      /* cmd_pdf.c */
int cmd_export_bag(int argc, char **argv); /* cmd_pdf.c */
int cmd_certified(int argc, char **argv);  /* cmd_pdf.c */
int cmd_import_bag(int argc, char **argv); /* cmd_pdf.c */

/* The warehouse of owners (cmd_warehouse.c). */
int cmd_owner(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_validity(int argc, char **argv);
int cmd_reuse(int argc, char **argv);
int cmd_attach(int argc, char **argv);
/* A token file's first 64 hex digits into tok (NUL-terminated). */
int cli_read_token(const char *file, char tok[65]);
int cmd_search(int argc, char **argv); /* also `find` */
int cmd_report(int argc, char **argv);
/* Print report rows (rows[0] the total) as text, CSV or JSON: the local
 * report and report --server print the same. backlog (borrowed, may be
 * NULL: left out) is the JSON's "backlog" object (docs/ARCHIVE.md). */
void cli_report_print(const sh_wh_report_row *rows, size_t n, const char *from, const char *to,
		      int by, int json, int csv, struct json_t *backlog);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_whoami(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_serve(int argc, char **argv); /* cmd_serve.c: the office server */
/* cmd_citizen.c: the office's side of the citizen's own warehouse */
int cmd_reuse_share(int argc, char **argv); /* reuse --share CODE */
int cmd_corrections(int argc, char **argv);
/* The action a command line needs (sh_wh_action_perm): "share-use" for
 * reuse --share, else cmd. */
const char *cli_action_of(const char *cmd, int argc, char **argv);
int cmd_login(int argc, char **argv);  /* cmd_client.c: the office server's client */
int cmd_logout(int argc, char **argv);
/* --server URL among argv[1..) (removed), else $SOHOA_SERVER; NULL: none. */
const char *cli_server_arg(int *argc, char **argv);
/* Run cmd against the server (argv[0] is the command) when it has a remote
 * form: *handled 1 and the exit code; else *handled 0. */
int cli_remote(const char *cmd, const char *server, int argc, char **argv, int *handled);
/* Remote forms used by other commands (cmd_client.c): a dossier of files
 * uploaded (a station through a staged batch), *out the server's JSON; and
 * that JSON printed as `ingest` prints it. */
int cli_remote_ingest(sh_client *c, const char *owner, const char *proc,
		      const char *const *files, size_t n, sh_buf *out);
void cli_remote_print_upload(const sh_buf *b, int json);
/* scan --server and watch --server (cmd_scan.c). */
int cli_remote_scan(sh_client *c, int argc, char **argv);
int cli_remote_watch(sh_client *c, int argc, char **argv);
int cmd_station(int argc, char **argv); /* cmd_station.c: capture stations' tokens */
int cmd_replicate(int argc, char **argv); /* cmd_replicate.c: a province's replica */
int cmd_office(int argc, char **argv);    /* cmd_replicate.c: the offices replicated */
/* cmd_witness.c: witnesses of the log (docs/SIGNING.md "Witnesses") */
int cmd_witness(int argc, char **argv);
int cmd_witnesses(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
/* The operator: $SOHOA_USER, else the first word of $XDG_CONFIG_HOME/sohoa/user
 * or ~/.config/sohoa/user; NULL when none. Static storage. */
const char *cli_user(void);
/* Begin the operator's session on an open warehouse (sh_wh_session_begin) and check the
 * permission cmd needs (sh_wh_may);
 * prints the refusal; returns an exit code. */
int cli_authorize(sh_store *s, const char *cmd);
/* The same before dispatch: opens the warehouse named by --store (or the
 * default) read-only; no warehouse yet is allowed (init). */
int cli_authorize_command(const char *cmd, int argc, char **argv);

#endif
