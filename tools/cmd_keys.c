/* keys (new, list, rotate, revoke, export), verify, and the signing key
 * every storing command uses. */
#include "cli.h"
#include "sh_wit.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sh_sign.h"

static sh_sign_key *g_key;

/* Default private key file: $SOHOA_KEY, else $XDG_CONFIG_HOME/sohoa/signing.key,
 * else ~/.config/sohoa/signing.key. Never inside the warehouse. */
static char *key_path(const char *opt)
{
	if (opt && *opt)
		return sh_strdup(opt);
	const char *e = getenv("SOHOA_KEY");
	if (e && *e)
		return sh_strdup(e);
	e = getenv("XDG_CONFIG_HOME");
	if (e && *e)
		return sh_asprintf("%s/sohoa/signing.key", e);
	e = getenv("HOME");
	return sh_asprintf("%s/.config/sohoa/signing.key", e && *e ? e : ".");
}

/* The passphrase: first line of --passphrase-file / $SOHOA_PASSPHRASE_FILE,
 * else asked on the terminal without echo. */
static char *passphrase(const char *file_opt, const char *prompt, int confirm)
{
	const char *f = file_opt && *file_opt ? file_opt : getenv("SOHOA_PASSPHRASE_FILE");
	if (f && *f) {
		uint8_t *d = NULL;
		size_t n = 0;
		if (sh_file_read(&d, &n, f, 4096))
			return NULL;
		char *nl = memchr(d, '\n', n);
		if (nl)
			*nl = 0;
		if (!d[0]) {
			sh_free(d);
			sh_error_set(SH_EINVAL, "%s: the passphrase is empty", f);
			return NULL;
		}
		return (char *)d;
	}
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty) {
		sh_error_set(SH_EINVAL, "no passphrase: set SOHOA_PASSPHRASE_FILE or give "
					"--passphrase-file (no terminal to ask on)");
		return NULL;
	}
	char *res = NULL;
	for (int round = 0; round < (confirm ? 2 : 1); round++) {
		struct termios old, quiet;
		char buf[1024];
		fprintf(tty, "%s", round ? "again: " : prompt);
		fflush(tty);
		int have = tcgetattr(fileno(tty), &old) == 0;
		if (have) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
		}
		char *got = fgets(buf, sizeof buf, tty);
		if (have)
			tcsetattr(fileno(tty), TCSAFLUSH, &old);
		fprintf(tty, "\n");
		if (!got) {
			sh_error_set(SH_EINVAL, "no passphrase given");
			break;
		}
		buf[strcspn(buf, "\r\n")] = 0;
		if (!round) {
			res = sh_strdup(buf);
		} else if (strcmp(res, buf)) {
			sh_free(res);
			res = NULL;
			sh_error_set(SH_EINVAL, "the two passphrases differ");
		}
		memset(buf, 0, sizeof buf);
	}
	fclose(tty);
	return res;
}

static void wipe_free(char *p)
{
	if (p) {
		volatile char *v = p;
		while (*v)
			*v++ = 0;
		sh_free(p);
	}
}

int cli_signing_key(const sh_sign_key **out, const char *cmd)
{
	if (g_key) {
		*out = g_key;
		return SH_OK;
	}
	char *path = key_path(NULL);
	if (!path)
		return SH_ENOMEM;
	if (access(path, F_OK) != 0) {
		int rc = sh_error_set(SH_ENOTFOUND,
				      "no signing key at %s: every paper is signed when stored; create "
				      "a key with `sohoa keys new --signer NAME --title TITLE` (or set "
				      "SOHOA_KEY)",
				      path);
		sh_free(path);
		return rc;
	}
	char *pass = passphrase(NULL, "passphrase of the signing key: ", 0);
	if (!pass) {
		sh_free(path);
		return sh_error_last() ? sh_error_last() : SH_EINVAL;
	}
	int rc = sh_sign_key_load_file(&g_key, path, pass);
	wipe_free(pass);
	if (rc == SH_EBADSIG)
		rc = sh_error_set(SH_EINVAL, "signing key %s: wrong passphrase (or the key file is "
					     "damaged)", path);
	else if (rc)
		sh_error_wrap(rc, "signing key %s: ", path);
	sh_free(path);
	if (!rc)
		*out = g_key;
	(void)cmd;
	return rc;
}

static void print_key(const sh_sign_pubkey *k, const char *reason)
{
	char from[32], until[32] = "never", rev[32] = "";
	time_t t = (time_t)k->valid_from;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(from, sizeof from, "%Y-%m-%d %H:%M", &tm);
	if (k->valid_until != SH_SIGN_NEVER) {
		t = (time_t)k->valid_until;
		localtime_r(&t, &tm);
		strftime(until, sizeof until, "%Y-%m-%d %H:%M", &tm);
	}
	if (k->revoked_at != SH_SIGN_NEVER) {
		t = (time_t)k->revoked_at;
		localtime_r(&t, &tm);
		strftime(rev, sizeof rev, "%Y-%m-%d %H:%M", &tm);
	}
	int revoked = rev[0] != 0;
	printf("%s  %s, %s (%s)  valid %s .. %s%s%s%s%s\n", k->key_id, k->name, k->title, k->agency,
	       from, until, revoked ? "  REVOKED from " : "", rev, revoked && reason ? ": " : "",
	       revoked && reason ? reason : "");
}

/* new: a key made, saved encrypted at KEYFILE and registered. */
static int keys_new(sh_store *s, const char *out, const char *pfile, const char *signer,
		    const char *title, long long days)
{
	int rc = SH_OK;
	char *path = key_path(out);
	char *pass = path ? passphrase(pfile, "passphrase for the new key: ", 1) : NULL;
	sh_sign_key *key = NULL;
	sh_sign_pubkey pub;
	if (!path)
		rc = SH_ENOMEM;
	else if (!pass)
		rc = sh_error_last() ? sh_error_last() : SH_EINVAL;
	else
		rc = sh_ledger_key_new(s, path, pass, signer, title, (long)days, &key, &pub);
	wipe_free(pass);
	if (!rc) {
		printf("key %s\n  for %s, %s (%s)\n  private key: %s\n", pub.key_id, pub.name,
		       pub.title, pub.agency, path);
		sh_sign_key_free(&key);
	}
	sh_free(path);
	return rc;
}

/* rotate: sh_ledger_key_rotate with the passphrase asked for here. */
static int keys_rotate(sh_store *s, const char *out, const char *pfile)
{
	const sh_sign_key *old;
	char *path = key_path(out), *pass = NULL, *oldpath = NULL;
	sh_sign_pubkey oldpub, pub;
	int rc = path ? cli_signing_key(&old, "keys") : SH_ENOMEM;
	if (!rc && !(pass = passphrase(pfile, "passphrase for the new key: ", 1)))
		rc = sh_error_last() ? sh_error_last() : SH_EINVAL;
	if (!rc)
		rc = sh_ledger_key_rotate(s, old, path, pass, &pub, &oldpub, &oldpath);
	if (!rc)
		printf("key %s replaces %s (kept as %s)\n", pub.key_id, oldpub.key_id, oldpath);
	wipe_free(pass);
	sh_free(path);
	sh_free(oldpath);
	return rc;
}

static const char *const keys_help = N_(
	"usage: sohoa keys new --signer NAME --title TITLE [--valid-days N]\n"
	"                     [--passphrase-file F] [--out KEYFILE]\n"
	"       sohoa keys list [--json]\n"
	"       sohoa keys rotate [--passphrase-file F]\n"
	"       sohoa keys revoke KEYID --reason TEXT [--at UNIXTIME]\n"
	"       sohoa keys export KEYID FILE\n\n"
	"Ed25519 keys of officers or desks. The private key is encrypted with a\n"
	"passphrase (scrypt, AES-256-GCM) in KEYFILE (default $SOHOA_KEY, else\n"
	"~/.config/sohoa/signing.key), never in the warehouse; the public key is\n"
	"registered in the warehouse. Storing commands sign with that key (the\n"
	"passphrase from $SOHOA_PASSPHRASE_FILE, else asked). rotate: a new key\n"
	"for the same signer; the old one stops signing, its signatures stay\n"
	"valid. revoke: signatures made from then on are rejected. export: the\n"
	"public key file archivists trust (`sohoa verify-bundle --trust`).\n");

int cmd_keys(int argc, char **argv)
{
	const char *store = NULL, *signer = NULL, *title = NULL, *pfile = NULL, *out = NULL,
		   *reason = NULL, *days_s = NULL, *at_s = NULL;
	int json = 0;
	const char *pos[4] = {0};
	int npos = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{"--signer", 0, CLI_STR, &signer},
		{"--title", 0, CLI_STR, &title},
		{"--passphrase-file", 0, CLI_STR, &pfile},
		{"--out", 0, CLI_STR, &out},
		{"--reason", 0, CLI_STR, &reason},
		{"--valid-days", 0, CLI_STR, &days_s},
		{"--at", 0, CLI_STR, &at_s},
		{NULL}};
	const cli_spec spec = {"keys", keys_help, opts, .dash_positional = 1, .max_pos = 4};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	for (size_t i = 0; i < a.npos; i++)
		pos[npos++] = a.pos[i];
	cli_args_free(&a);
	const char *verb = npos ? pos[0] : "";
	sh_store *s = NULL;
	int ex, rc = SH_OK;
	if (!strcmp(verb, "new")) {
		if (!signer || !title)
			return cli_usage("keys", "new needs --signer NAME and --title TITLE");
		long long days = 0;
		if (days_s && (ex = cli_number("keys", "--valid-days", days_s, 1, 1000000, &days)))
			return ex;
		if ((ex = cli_store_open(&s, "keys", store, 0)))
			return ex;
		rc = keys_new(s, out, pfile, signer, title, days);
		sh_store_close(&s);
		return rc ? cli_fail("keys", rc) : EXIT_OK;
	}
	long long at = 0;
	if (at_s && (ex = cli_number("keys", "--at", at_s, 0, LLONG_MAX, &at)))
		return ex;
	if ((ex = cli_store_open(&s, "keys", store, 0)))
		return ex;
	if (!strcmp(verb, "list")) {
		sh_sign_pubkey *keys = NULL;
		size_t n = 0;
		if (!(rc = sh_ledger_key_list(s, &keys, &n))) {
			json_t *arr = json ? json_array() : NULL;
			for (size_t i = 0; i < n; i++) {
				char *why = NULL;
				sh_sign_pubkey k;
				if (sh_ledger_key_get(s, keys[i].key_id, &k, &why))
					continue;
				if (json)
					json_array_append_new(
						arr, json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o}",
							       "key", k.key_id, "signer", k.name, "title",
							       k.title, "agency", k.agency, "valid_from",
							       (json_int_t)k.valid_from, "valid_until",
							       k.valid_until == SH_SIGN_NEVER
								       ? json_null()
								       : json_integer(k.valid_until),
							       "revoked_at",
							       k.revoked_at == SH_SIGN_NEVER
								       ? json_null()
								       : json_integer(k.revoked_at),
							       "reason", why ? json_string(why) : json_null()));
				else
					print_key(&k, why);
				sh_free(why);
			}
			if (json) {
				cli_json_print(arr);
			}
			sh_free(keys);
		}
	} else if (!strcmp(verb, "revoke") && npos == 2) {
		const sh_sign_key *actor;
		if (!reason)
			rc = sh_error_set(SH_EINVAL, "say why with --reason TEXT");
		else if (!(rc = cli_signing_key(&actor, "keys")))
			rc = sh_ledger_key_revoke(s, actor, pos[1], (int64_t)at, reason);
		if (!rc)
			printf("key %s revoked: signatures made from then on are rejected\n", pos[1]);
	} else if (!strcmp(verb, "rotate") && npos == 1) {
		rc = keys_rotate(s, out, pfile);
	} else if (!strcmp(verb, "export") && npos == 3) {
		uint8_t *file = NULL;
		size_t len = 0;
		if (!(rc = sh_ledger_key_file(s, pos[1], &file, &len)))
			rc = sh_file_write(pos[2], file, len);
		sh_free(file);
		if (!rc)
			printf("public key %s written to %s\n", pos[1], pos[2]);
	} else {
		sh_store_close(&s);
		return cli_usage("keys", "unknown or incomplete keys command");
	}
	sh_store_close(&s);
	return rc ? cli_fail("keys", rc) : EXIT_OK;
}

/* ---- verify ------------------------------------------------------------------ */

struct vout {
	json_t *arr;
	cli_meter meter; /* verify --all: papers verified */
};

static void on_progress(void *arg, size_t done, size_t total)
{
	cli_meter_cb(&((struct vout *)arg)->meter, done, total);
}

static void on_problem(void *arg, const char *code, const char *msg)
{
	struct vout *o = arg;
	if (o->meter.shown && !o->meter.ended)
		fputs("\r\033[K", stderr); /* the progress line makes way */
	if (o->arr)
		json_array_append_new(o->arr, json_pack("{s:s, s:s}", "code", code, "problem", msg));
	else
		printf("FAIL %s: %s\n", cli_esc(code), cli_esc(msg));
}

static void on_witness_problem(void *arg, const char *msg)
{
	on_problem(arg, "log", msg);
}

static const char *const verify_help = N_(
	"usage: sohoa verify CODE [--json]\n"
	"       sohoa verify --all [--json] [--workers N] [--witness URL|DIR --witness-key VKEY]\n\n"
	"Recompute every hash from the stored bytes, check every signature and its\n"
	"key's validity when the paper was logged, inclusion in the signed log and\n"
	"the log's consistency with every checkpoint. --all also proves both\n"
	"directions (every paper is in the log, every signed paper is in the\n"
	"warehouse), the audit trail against its seals, every table that answers\n"
	"a question (owner index, dossiers, state, attachments, sequences,\n"
	"operators) against the signed log, and that the log is at least as long\n"
	"as, and consistent with, the latest checkpoint its witnesses cosigned\n"
	"(rollback); --witness names one yourself, with the key its operator gave\n"
	"you, whatever the warehouse's list says. Each failure names the paper or\n"
	"the table and the reason; exit 0 only when everything holds (6 otherwise).\n");

int cmd_verify(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *workers_s = NULL, *wwhere = NULL, *wkey = NULL;
	int json = 0, all = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--all", 0, CLI_FLAG, &all},
		{"--witness", 0, CLI_STR, &wwhere},
		{"--witness-key", 0, CLI_STR, &wkey},
		{"--store", 0, CLI_STR, &store},
		{"--workers", 0, CLI_STR, &workers_s},
		{NULL}};
	const cli_spec spec = {"verify", verify_help, opts, .max_pos = 1, .too_many = N_("give one code, or --all")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	code = a.npos ? a.pos[0] : NULL;
	cli_args_free(&a);
	if (!all == !code)
		return cli_usage("verify", "give a dossier or paper code, or --all");
	if (!wwhere != !wkey || (wwhere && !all))
		return cli_usage("verify", "--witness URL|DIR and --witness-key VKEY go together, with --all");
	sh_store *s;
	long long workers = 0;
	int ex = code ? cli_code("verify", code, 0) : EXIT_OK;
	if (!ex && workers_s)
		ex = cli_number("verify", "--workers", workers_s, 0, 64, &workers);
	if (!ex)
		ex = cli_store_open(&s, "verify", store, SH_STORE_RDONLY);
	if (ex)
		return ex;
	struct vout o = {json ? json_array() : NULL};
	cli_meter_start(&o.meter, "verify", N_("papers"), json);
	sh_ledger_verify_stats st = {0};
	size_t problems = 0;
	int rc;
	if (all) {
		rc = sh_ledger_verify_all(s, (int)workers, on_problem, &o,
					  cli_meter_fn(&o.meter) ? on_progress : NULL, &st);
		problems = st.problems;
		/* rollback: the log against what its witnesses cosigned */
		size_t wp = 0;
		/* after an error (the object store unreachable ...) its message is the one to print */
		int wrc = rc && rc != SH_EBADSIG
				  ? SH_OK
				  : sh_wit_office_check(s, wwhere, wkey, on_witness_problem, &o, &wp);
		problems += wp;
		if (!rc && wrc)
			rc = wrc == SH_EBADSIG || wp ? SH_EBADSIG : wrc;
		/* the tables that answer questions, against the signed log */
		size_t tp = 0;
		if (!rc || rc == SH_EBADSIG) {
			int trc = sh_wh_verify_tables(s, on_problem, &o, &tp);
			problems += tp;
			if (trc && trc != SH_EBADSIG)
				rc = trc;
			else if (trc)
				rc = SH_EBADSIG;
		}
		/* a province: every office's replica with that office's keys */
		size_t rp = 0;
		if (!rc || rc == SH_EBADSIG) {
			int rrc = sh_wh_replica_verify(s, on_problem, &o, &rp);
			problems += rp;
			if (rrc && rrc != SH_EBADSIG)
				rc = rrc;
			else if (rrc)
				rc = SH_EBADSIG;
		}
	} else {
		sh_store_dossier_rec *d = NULL;
		sh_store_paper_rec *p = NULL;
		if (sh_store_dossier_get(s, code, &d) && sh_store_paper_get(s, code, &p)) {
			sh_store_close(&s);
			json_decref(o.arr);
			sh_error_set(SH_ENOTFOUND, "no dossier or paper has the code %s", code);
			return cli_fail("verify", SH_ENOTFOUND);
		}
		sh_store_dossier_rec_free(&d);
		sh_store_paper_rec_free(&p);
		rc = sh_ledger_verify(s, code, on_problem, &o, &problems);
	}
	if (json) {
		json_t *res = json_pack("{s:b, s:o}", "ok", rc == SH_OK, "problems", o.arr);
		if (all) {
			json_object_set_new(res, "papers", json_integer((json_int_t)st.papers));
			json_object_set_new(res, "log_entries", json_integer((json_int_t)st.log_entries));
		}
		cli_json_print(res);
	} else if (!rc) {
		if (all)
			printf("OK: %zu papers and %llu log entries verified\n", st.papers,
			       (unsigned long long)st.log_entries);
		else
			printf("OK: %s verified\n", code);
	}
	sh_store_close(&s);
	if (rc == SH_EBADSIG) {
		if (!json)
			cli_note("verify", dngettext(SH_TEXTDOMAIN, "%zu problem found",
						     "%zu problems found", problems), problems);
		return EXIT_VERIFY;
	}
	return rc ? cli_fail("verify", rc) : EXIT_OK;
}

/* ---- proof bundles ----------------------------------------------------------- */

static const char *const export_proof_help = N_(
	"usage: sohoa export-proof CODE DIR [--json] [--store DIR]\n\n"
	"Write a self-contained proof bundle for a paper: page images and text,\n"
	"signed manifest, signed checkpoint, inclusion proof, public keys; the\n"
	"paper's and its key's status as of now (signed revocations and other\n"
	"events, proven in the latest checkpoint) and the latest checkpoint the\n"
	"witnesses cosigned. Check it anywhere with\n"
	"`sohoa verify-bundle DIR --trust KEYFILE [--trust-witness VKEY]`. --json:\n"
	"{\"code\", \"dir\", \"files\": [name]} (docs/FORMATS.md).\n");


/* The names in folder dir, sorted: a JSON array (empty when unreadable). */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static json_t *dir_names(const char *dir)
{
	json_t *arr = json_array();
	DIR *d = opendir(dir);
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nv = sh_realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *nv);
			if (!nv)
				break;
			v = nv;
		}
		if (!(v[n] = sh_strdup(e->d_name)))
			break;
		n++;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(v, n, sizeof *v, name_cmp);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(arr, json_string(v[i]));
		sh_free(v[i]);
	}
	sh_free(v);
	return arr;
}

int cmd_export_proof(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *dir = NULL;
	int json = 0;
	const cli_option opts[] = {
		{"--store", 0, CLI_STR, &store},
		{"--json", 0, CLI_FLAG, &json},
		{NULL}};
	const cli_spec spec = {"export-proof", export_proof_help, opts, .max_pos = 2, .too_many = N_("give a paper code and a folder")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	code = a.npos ? a.pos[0] : NULL;
	dir = a.npos > 1 ? a.pos[1] : NULL;
	cli_args_free(&a);
	if (!code || !dir)
		return cli_usage("export-proof", "give a paper code and a folder");
	sh_store *s;
	int ex = cli_code("export-proof", code, CLI_PAPER);
	if (!ex)
		ex = cli_store_open(&s, "export-proof", store, 0);
	if (ex)
		return ex;
	sh_store_paper_rec *p = NULL;
	int rc = sh_wh_paper_get(s, code, &p); /* audited by the library */
	if (!rc)
		rc = sh_ledger_export_proof(s, p->code, dir);
	if (!rc) /* the status as of now and the witnesses' cosignatures */
		rc = sh_wit_bundle_extend(s, p->code, dir);
	sh_store_paper_rec_free(&p);
	sh_store_close(&s);
	if (rc)
		return cli_fail("export-proof", rc);
	if (json)
		return cli_json_print(json_pack("{s:s, s:s, s:o}", "code", code, "dir", dir, "files",
						dir_names(dir)));
	printf("proof bundle for %s written to %s\n", code, dir);
	return EXIT_OK;
}

static void on_bundle_problem(void *arg, const char *msg)
{
	if (arg)
		json_array_append_new(arg, json_string(msg));
	else
		printf("FAIL: %s\n", cli_esc(msg));
}

static void on_bundle_note(void *arg, const char *msg)
{
	if (!arg)
		printf("NOTE: %s\n", cli_esc(msg));
}

static const char *const verify_bundle_help = N_(
	"usage: sohoa verify-bundle DIR --trust KEYFILE... [--trust-witness VKEY...] [--json]\n\n"
	"Check a proof bundle (from `sohoa export-proof`) with no warehouse:\n"
	"signatures by the trusted public keys, the inclusion proof against the\n"
	"signed checkpoint, every page image and text against the signed\n"
	"hashes, no file the manifest does not name, the paper's and its key's\n"
	"status as of the export (a revoked paper, or a key revoked before the\n"
	"paper was logged, fails), and with --trust-witness (a witness's key, as\n"
	"`sohoa witness key` prints it, or a file holding it) a cosignature of\n"
	"the witnessed checkpoint that includes the paper. Exit 0 only when\n"
	"everything holds (6 otherwise). --json: {\"ok\", \"dir\", \"problems\":\n"
	"[string]} (docs/FORMATS.md), printed also when not ok.\n");

int cmd_verify_bundle(int argc, char **argv)
{
	const char *dir = NULL;
	sh_sign_pubkey *trust = sh_calloc((size_t)argc, sizeof *trust);
	size_t ntrust = 0;
	int rc = SH_OK;
	if (!trust)
		return cli_fail("verify-bundle", SH_ENOMEM);
	cli_list trusts = {0}, wtrusts = {0};
	int json = 0;
	const cli_option opts[] = {
		{"--trust", 0, CLI_LIST, &trusts, N_("--trust needs a public key file")},
		{"--trust-witness", 0, CLI_LIST, &wtrusts, N_("--trust-witness needs a witness key")},
		{"--json", 0, CLI_FLAG, &json},
		{NULL}};
	const cli_spec spec = {"verify-bundle", verify_bundle_help, opts, .max_pos = 1, .too_many = N_("give one bundle folder")};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex) {
		sh_free(trust);
		return CLI_DONE(pex);
	}
	for (size_t k = 0; k < trusts.n; k++) {
		uint8_t *d = NULL;
		size_t n = 0;
		const char *kf = trusts.v[k];
		if ((rc = sh_file_read(&d, &n, kf, 1 << 20)) ||
		    (rc = sh_sign_pubkey_parse(&trust[ntrust], d, n))) {
			sh_error_wrap(rc, "%s: ", kf);
			sh_free(d);
			sh_free(trust);
			cli_args_free(&a);
			return cli_fail("verify-bundle", rc);
		}
		sh_free(d);
		ntrust++;
	}
	sh_wit_vkey *wk = sh_calloc(wtrusts.n + 1, sizeof *wk);
	for (size_t k = 0; wk && k < wtrusts.n; k++) {
		const char *s = wtrusts.v[k];
		uint8_t *d = NULL;
		size_t n = 0;
		if (sh_wit_vkey_parse(&wk[k], s, strlen(s)) == SH_OK)
			continue;
		/* or a file holding the key on its first line */
		if ((rc = sh_file_read(&d, &n, s, 4096)) == SH_OK) {
			size_t l = 0;
			while (l < n && d[l] != '\n')
				l++;
			rc = sh_wit_vkey_parse(&wk[k], (const char *)d, l);
		}
		sh_free(d);
		if (rc == SH_ENOTFOUND)
			rc = sh_error_set(SH_EINVAL, "not a witness key (NAME+ID+KEY, as `sohoa "
						     "witness key` prints it) nor a file holding one");
		if (!rc && wk[k].type != SH_WIT_TYPE_COSIG)
			rc = sh_error_set(SH_EINVAL, "a witness key is a cosignature key (type 4)");
		if (rc) {
			sh_error_wrap(rc, "--trust-witness %s: ", s);
			sh_free(wk);
			sh_free(trust);
			cli_args_free(&a);
			return cli_fail("verify-bundle", rc);
		}
	}
	dir = a.npos ? a.pos[0] : NULL;
	size_t nw = wtrusts.n;
	cli_args_free(&a);
	if (!wk || !dir || !ntrust) {
		sh_free(trust);
		sh_free(wk);
		return !wk ? cli_fail("verify-bundle", SH_ENOMEM)
			   : cli_usage("verify-bundle", "give the bundle folder and at least one --trust KEYFILE");
	}
	size_t problems = 0;
	json_t *arr = json ? json_array() : NULL;
	rc = sh_wit_bundle_verify(dir, trust, ntrust, wk, nw, on_bundle_problem, on_bundle_note, arr,
				  &problems);
	sh_free(trust);
	sh_free(wk);
	if (json && (rc == SH_OK || rc == SH_EBADSIG)) {
		int jex = cli_json_print(json_pack("{s:b, s:s, s:o}", "ok", rc == SH_OK, "dir", dir,
						   "problems", arr));
		return rc ? EXIT_VERIFY : jex;
	}
	json_decref(arr);
	if (rc == SH_EBADSIG) {
		cli_note("verify-bundle", dngettext(SH_TEXTDOMAIN, "%zu problem found",
						    "%zu problems found", problems), problems);
		return EXIT_VERIFY;
	}
	if (rc)
		return cli_fail("verify-bundle", rc);
	printf("OK: the bundle in %s holds\n", dir);
	return EXIT_OK;
}

/* ---- log -------------------------------------------------------------------- */

static const char *const log_help = N_(
	"usage: sohoa log [--json]                size and checkpoints of the signed log\n"
	"       sohoa log consistency OLD [NEW] [--json]\n"
	"                                        RFC 6962 consistency proof between the\n"
	"                                        checkpoints of sizes OLD and NEW (default:\n"
	"                                        the latest), checked against both\n\n"
	"--json: {\"entries\", \"checkpoints\"}, or for consistency {\"old\": {\"size\",\n"
	"\"root\"}, \"new\": {...}, \"path\", \"consistent\"} (docs/FORMATS.md).\n");

int cmd_log(int argc, char **argv)
{
	const char *store = NULL, *pos[3] = {0};
	int npos = 0, json = 0;
	const cli_option opts[] = {
		{"--json", 0, CLI_FLAG, &json},
		{"--store", 0, CLI_STR, &store},
		{NULL}};
	const cli_spec spec = {"log", log_help, opts, .max_pos = 3};
	cli_args a;
	int pex = cli_parse(&spec, argc, argv, &a);
	if (pex)
		return CLI_DONE(pex);
	for (size_t i = 0; i < a.npos; i++)
		pos[npos++] = a.pos[i];
	cli_args_free(&a);
	long long sz[2] = {0, 0};
	for (int k = 1; k < npos && k < 3; k++) {
		int ex = cli_number("log", k == 1 ? "OLD" : "NEW", pos[k], 0, LLONG_MAX, &sz[k - 1]);
		if (ex)
			return ex;
	}
	sh_store *s;
	int ex = cli_store_open(&s, "log", store, SH_STORE_RDONLY), rc = SH_OK;
	if (ex)
		return ex;
	uint64_t size = 0, *sizes = NULL;
	size_t ns = 0;
	if (npos == 0) {
		if (!(rc = sh_ledger_size(s, &size)) && !(rc = sh_ledger_checkpoint_sizes(s, &sizes, &ns)) &&
		    json) {
			json_t *cp = json_array();
			for (size_t i = 0; cp && i < ns; i++)
				json_array_append_new(cp, json_integer((json_int_t)sizes[i]));
			ex = cli_json_print(cp ? json_pack("{s:I, s:o}", "entries", (json_int_t)size,
							   "checkpoints", cp)
					       : NULL);
		} else if (!rc) {
			printf("log entries  %llu\ncheckpoints  %zu", (unsigned long long)size, ns);
			for (size_t i = 0; i < ns; i++)
				printf("%s%llu", i ? " " : ": ", (unsigned long long)sizes[i]);
			printf("\n");
		}
	} else if (!strcmp(pos[0], "consistency") && npos >= 2) {
		uint64_t old = (uint64_t)sz[0], neu = (uint64_t)sz[1];
		uint8_t *d1 = NULL, *d2 = NULL;
		size_t l1 = 0, l2 = 0;
		uint64_t s1 = 0, s2 = 0;
		sh_sign_checkpoint c1, c2;
		uint8_t path[SH_LOG_PROOF_MAX][SH_SHA256_LEN];
		size_t n = 0;
		char kid[SH_SIGN_KEYID_HEX + 1], hex[65];
		sh_sign_pubkey pub;
		rc = sh_ledger_checkpoint(s, old, &d1, &l1, &s1);
		if (!rc)
			rc = sh_ledger_checkpoint(s, neu, &d2, &l2, &s2);
		if (!rc && (s1 != old || (neu && s2 != neu)))
			rc = sh_error_set(SH_ENOTFOUND, "no checkpoint of exactly that size (see `sohoa log`)");
		if (!rc && !(rc = sh_sign_doc_key_id(kid, d1, l1)) && !(rc = sh_ledger_key_get(s, kid, &pub, NULL)))
			rc = sh_sign_checkpoint_verify(&c1, &pub, d1, l1);
		if (!rc && !(rc = sh_sign_doc_key_id(kid, d2, l2)) && !(rc = sh_ledger_key_get(s, kid, &pub, NULL)))
			rc = sh_sign_checkpoint_verify(&c2, &pub, d2, l2);
		if (!rc)
			rc = sh_ledger_consistency(s, s1, s2, path, &n);
		if (!rc && (rc = sh_log_consistency_verify(s1, c1.root, s2, c2.root,
							   (const uint8_t(*)[SH_SHA256_LEN])path, n)))
			sh_error_set(SH_EBADSIG, "the log of size %llu is not an extension of the log of "
						 "size %llu",
				     (unsigned long long)s2, (unsigned long long)s1);
		if (!rc && json) {
			char hex2[65];
			json_t *pa = json_array();
			for (size_t i = 0; pa && i < n; i++) {
				sh_hex(hex, path[i], SH_SHA256_LEN);
				json_array_append_new(pa, json_string(hex));
			}
			sh_hex(hex, c1.root, SH_SHA256_LEN);
			sh_hex(hex2, c2.root, SH_SHA256_LEN);
			ex = cli_json_print(pa ? json_pack("{s:{s:I, s:s}, s:{s:I, s:s}, s:o, s:b}", "old",
							   "size", (json_int_t)s1, "root", hex, "new",
							   "size", (json_int_t)s2, "root", hex2, "path", pa,
							   "consistent", 1)
					       : NULL);
		} else if (!rc) {
			sh_hex(hex, c1.root, SH_SHA256_LEN);
			printf("old: size %llu root %s\n", (unsigned long long)s1, hex);
			sh_hex(hex, c2.root, SH_SHA256_LEN);
			printf("new: size %llu root %s\n", (unsigned long long)s2, hex);
			for (size_t i = 0; i < n; i++) {
				sh_hex(hex, path[i], SH_SHA256_LEN);
				printf("path: %s\n", hex);
			}
			printf("OK: consistent (both checkpoints signed, proof checked)\n");
		}
		sh_free(d1);
		sh_free(d2);
	} else {
		sh_store_close(&s);
		return cli_usage("log", "unknown log command");
	}
	sh_free(sizes);
	sh_store_close(&s);
	return rc ? cli_fail("log", rc) : ex;
}
