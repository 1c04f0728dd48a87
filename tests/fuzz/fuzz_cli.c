/* Fuzz target: the sohoa program's command line, in-process. The input is
 * split on NUL bytes into the arguments after "sohoa" (at most 64) and run
 * through cli_main (tools/sohoa.c): the same dispatch, option parsing,
 * checks and module calls as the program, against a fresh copy of a small
 * warehouse made at start (two dossiers of real papers, a result, a reuse, a
 * revocation, an alias agency id, no operator yet; codes pinned by
 * SOHOA_NOW, see tests/fuzz/cli.dict).
 *
 * Every input must:
 *   - end with a documented exit code (README "Exit codes"), never 1 (an
 *     unexpected internal failure) and never a crash or sanitizer report;
 *   - write to stderr only whole lines starting with "sohoa";
 *   - leave every warehouse in the work folder passing `sohoa check`
 *     (wh_check: no operator needed), the one the input started with included;
 *   - leave no allocation behind (sh_alloc_live; the signing key and kind
 *     catalogue cached for the process are loaded before the first input).
 *
 * Sandbox: each input runs in its own folder (cwd) under $FUZZ_TMPDIR or
 * /dev/shm, with HOME, XDG_*, SOHOA_STORE, SOHOA_KEY and the passphrase file
 * inside it, and no SANE backend. Inputs with a '/' in an argument are
 * skipped, so every relative path a command writes stays in that folder
 * (".." is the input's own parent, also ours). Skipped too: `watch` and `serve` (a
 * service; it runs until stopped) unless asked for --help. The image
 * pipeline is not reached (no image file can be named), nor a scanner.
 * FUZZ_CLI_SHOW=1 prints each command and its exit code.
 * Seeds: tests/fuzz/corpus/cli/ (one command line per file). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, asprintf */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "wh_int.h" /* wh_check: the file's consistency, whoever its operators are */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXARGS 64
#define AG "000.00.99.Z99"
#define NOW "1795669200" /* 2026-11-26 12:00 in Hà Nội: codes AG-261126-NNNN */

static char root[256], work[300], keyfile[300], tmpl[300], tmplkey[300];
static long live0;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_cli: %s: %s\n", what, errno ? strerror(errno) : sh_error_message());
	abort();
}

static void rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *p = NULL;
			if (asprintf(&p, "%s/%s", path, e->d_name) > 0)
				rm_rf(p);
			free(p);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void copy_file(const char *from, const char *to)
{
	uint8_t *d = NULL;
	size_t n = 0;
	if (sh_file_read(&d, &n, from, SH_FILE_MAX))
		die(from);
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, d, n) != (ssize_t)n || close(fd))
		die(to);
	sh_free(d);
}

/* Run one command line quietly; returns its exit code. err (may be NULL)
 * receives what it wrote on stderr (NUL-terminated, caller frees). */
static int run(int argc, char **argv, char **err)
{
	fflush(stdout);
	fflush(stderr);
	int out_fd = dup(1), err_fd = dup(2), null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC),
	    cap = memfd_create("fuzz_cli_stderr", MFD_CLOEXEC);
	if (out_fd < 0 || err_fd < 0 || null_fd < 0 || cap < 0)
		die("redirect");
	dup2(null_fd, 1);
	dup2(cap, 2);
	int ex = cli_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	close(out_fd);
	close(err_fd);
	close(null_fd);
	off_t n = lseek(cap, 0, SEEK_END);
	if (err) {
		*err = calloc(1, (size_t)n + 1);
		if (pread(cap, *err, (size_t)n, 0) != (ssize_t)n)
			die("stderr capture");
	}
	close(cap);
	return ex;
}

static void setup_run(const char *what, int argc, char **argv)
{
	char *err = NULL;
	int ex = run(argc, argv, &err);
	if (ex) {
		fprintf(stderr, "fuzz_cli: setup `%s` exited %d: %s\n", what, ex, err);
		abort();
	}
	free(err);
}

static void cleanup(void)
{
	rm_rf(root);
}

/* The warehouse every input starts from, made with the program itself. */
static void setup(void)
{
	const char *base = getenv("FUZZ_TMPDIR");
	struct stat st;
	if (!base || !*base)
		base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, sizeof root, "%s/fuzz_cli.XXXXXX", base);
	if (!mkdtemp(root))
		die(root);
	atexit(cleanup); /* a crash leaves it, for a look */
	char p[400];
	static const char *const dirs[] = {"home", "config", "data", "sane", "template", "run"};
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
		if (mkdir(p, 0700))
			die(p);
	}
	snprintf(work, sizeof work, "%s/run/w", root);
	snprintf(keyfile, sizeof keyfile, "%s/run/desk.key", root);
	snprintf(tmpl, sizeof tmpl, "%s/template/store", root);
	snprintf(tmplkey, sizeof tmplkey, "%s/template/desk.key", root);
	snprintf(p, sizeof p, "%s/pass", root);
	FILE *f = fopen(p, "w");
	if (!f || fputs("mật khẩu thử nghiệm\n", f) < 0 || fclose(f))
		die(p);
	setenv("SOHOA_PASSPHRASE_FILE", p, 1);
	snprintf(p, sizeof p, "%s/home", root);
	setenv("HOME", p, 1);
	snprintf(p, sizeof p, "%s/config", root);
	setenv("XDG_CONFIG_HOME", p, 1);
	snprintf(p, sizeof p, "%s/data", root);
	setenv("XDG_DATA_HOME", p, 1);
	snprintf(p, sizeof p, "%s/sane", root); /* no scanner backends */
	setenv("SANE_CONFIG_DIR", p, 1);
	setenv("SOHOA_NOW", NOW, 1);
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	setenv("OMP_THREAD_LIMIT", "1", 1);
	unsetenv("SOHOA_KINDS");
	unsetenv("SOHOA_PROCEDURES");
	unsetenv("SOHOA_STORE");
	/* the operator, read once per process (cli_user); with no operator in the
	 * warehouse every command is allowed, and an input may add some */
	setenv("SOHOA_USER", "binh", 1);
	setenv("SOHOA_STORE", tmpl, 1);
	setenv("SOHOA_KEY", tmplkey, 1);

	const char *papers = SOHOA_SOURCE_DIR "/tests/data/papers";
	char gks[300], cccd[300], qd[300];
	snprintf(gks, sizeof gks, "%s/dev03-giay-khai-sinh-office200.jpg", papers);
	snprintf(cccd, sizeof cccd, "%s/dev04-can-cuoc-color300.jpg", papers);
	snprintf(qd, sizeof qd, "%s/dev01-quyet-dinh-clean300.png", papers);
	char *c1[] = {"sohoa", "init", "--agency", AG};
	setup_run("init", 4, c1);
	char *c2[] = {"sohoa", "keys", "new", "--signer", "Nguyễn Thị Bình", "--title", "Công chức"};
	setup_run("keys new", 7, c2);
	char *c3[] = {"sohoa", "ingest", "--workers", "1", "--owner", "033317490435", "--procedure",
		      "1.001193", gks, cccd};
	setup_run("ingest 1", 10, c3); /* AG-261126-0001: -01-GKS, -02-CCCD */
	char *c4[] = {"sohoa", "ingest", "--workers", "1", "--owner", "033317490435", "--procedure",
		      "1.000656", qd};
	setup_run("ingest 2", 9, c4); /* AG-261126-0002-01-QD */
	char *c5[] = {"sohoa", "result", "add", "--workers", "1", AG "-261126-0001", qd};
	setup_run("result add", 7, c5); /* AG-261126-0001-KQ1 */
	char *c6[] = {"sohoa", "attach", AG "-261126-0002", AG "-261126-0001-01-GKS"};
	setup_run("attach", 4, c6);
	char *c7[] = {"sohoa", "revoke", AG "-261126-0001-02-CCCD", "--reason", "mất, đã cấp lại"};
	setup_run("revoke", 5, c7);
	char *c8[] = {"sohoa", "agency", "alias", "H23.12"};
	setup_run("agency alias", 4, c8);
	char *c10[] = {"sohoa", "check"};
	setup_run("check", 2, c10);
	/* the process caches (signing key, kinds) are loaded now */
	snprintf(p, sizeof p, "%s/store", work);
	setenv("SOHOA_STORE", p, 1);
	setenv("SOHOA_KEY", keyfile, 1);
	live0 = sh_alloc_live();
}

static void report(void *arg, const char *problem)
{
	fprintf(stderr, "fuzz_cli: %s: check: %s\n", (const char *)arg, problem);
}

/* Every warehouse in dir and its subfolders (one level) must check. */
static void check_all(const char *dir, int depth)
{
	char p[600];
	snprintf(p, sizeof p, "%s/data.mdb", dir);
	struct stat st;
	if (stat(p, &st) == 0) {
		sh_store *s = NULL;
		size_t problems = 0;
		int rc = sh_store_open(&s, dir, SH_STORE_RDONLY);
		if (rc == SH_OK)
			rc = wh_check(s, report, (void *)dir, &problems);
		sh_store_close(&s);
		if (rc != SH_OK) {
			fprintf(stderr, "fuzz_cli: %s: %s\n", dir, sh_error_message());
			abort();
		}
	}
	if (depth == 0)
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			check_all(p, depth - 1);
	}
	if (d)
		closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	if (!root[0])
		setup();
	/* the arguments: NUL-separated; a trailing NUL ends the last one */
	char *buf = malloc(size + 1), *argv[MAXARGS + 2];
	int argc = 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	argv[argc++] = "sohoa";
	for (size_t i = 0; i < size && argc <= MAXARGS;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	int help = 0;
	for (int i = 1; i < argc; i++) {
		help |= cli_is_help(argv[i]);
		if (strchr(argv[i], '/')) {
			free(buf);
			return 0; /* could name a path outside the sandbox */
		}
	}
	if (argc > 1 && (!strcmp(argv[1], "watch") || !strcmp(argv[1], "serve")) && !help) {
		free(buf);
		return 0;
	}
	/* a fresh work folder with a copy of the warehouse and key */
	char p[600];
	rm_rf(work);
	snprintf(p, sizeof p, "%s/store", work);
	if (mkdir(work, 0700) || mkdir(p, 0700))
		die(work);
	snprintf(p, sizeof p, "%s/store/data.mdb", work);
	char t[400];
	snprintf(t, sizeof t, "%s/data.mdb", tmpl);
	copy_file(t, p);
	copy_file(tmplkey, keyfile);
	if (chdir(work))
		die(work);
	long live = sh_alloc_live();
	char *err = NULL;
	int ex = run(argc, argv, &err);
	if (getenv("FUZZ_CLI_SHOW")) {
		for (int i = 1; i < argc; i++)
			fprintf(stderr, "%s'%s'", i > 1 ? " " : "", argv[i]);
		fprintf(stderr, " -> %d\n%s", ex, err);
	}
	if (ex < 0 || ex > 8 || ex == EXIT_INTERNAL) {
		fprintf(stderr, "fuzz_cli: exit %d: %s", ex, err);
		abort();
	}
	for (const char *l = err; *l;) {
		if (strncmp(l, "sohoa", 5)) {
			fprintf(stderr, "fuzz_cli: a line on stderr not from sohoa: %s", l);
			abort();
		}
		const char *nl = strchr(l, '\n');
		if (!nl) {
			fprintf(stderr, "fuzz_cli: stderr does not end in a newline: %s\n", l);
			abort();
		}
		l = nl + 1;
	}
	free(err);
	if (chdir(root))
		die(root);
	snprintf(p, sizeof p, "%s/store/data.mdb", work);
	struct stat st;
	if (stat(p, &st) < 0) {
		fprintf(stderr, "fuzz_cli: the warehouse is gone: %s\n", p);
		abort();
	}
	snprintf(p, sizeof p, "%s/run", root);
	check_all(p, 2); /* run/, run/w (cwd), run/w/<made by the command> */
	if (sh_alloc_live() != live || live != live0) {
		fprintf(stderr, "fuzz_cli: %ld allocations left behind\n", sh_alloc_live() - live);
		abort();
	}
	free(buf);
	return 0;
}
