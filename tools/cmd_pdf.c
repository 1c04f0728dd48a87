/* tools/cmd_pdf.c — `sohoa export-pdf`: parse, call sh_pdf_export, print. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sh_pdf.h"

/* The officer's registered chain: $SOHOA_CERTS, else
 * $XDG_CONFIG_HOME/sohoa/signing-chain.pem, else ~/.config/sohoa/... Caller sh_free. */
static char *chain_path(void)
{
	const char *e = getenv("SOHOA_CERTS"), *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	if (e && *e)
		return sh_strdup(e);
	return x && *x ? sh_asprintf("%s/sohoa/signing-chain.pem", x)
		       : sh_asprintf("%s/.config/sohoa/signing-chain.pem", h ? h : ".");
}

/* The PIN or password: first line of the file (or of $SOHOA_SIGN_PIN_FILE). */
static int read_pin(char **out, const char *file)
{
	*out = NULL;
	if (!file)
		file = getenv("SOHOA_SIGN_PIN_FILE");
	if (!file || !*file)
		return SH_OK;
	uint8_t *b = NULL;
	size_t n = 0;
	int rc = sh_file_read(&b, &n, file, 4096);
	if (rc)
		return rc;
	size_t k = 0;
	while (k < n && b[k] != '\n' && b[k] != '\r')
		k++;
	*out = sh_strndup((const char *)b, k);
	memset(b, 0, n);
	sh_free(b);
	return *out ? SH_OK : SH_ENOMEM;
}

int cmd_certs(int argc, char **argv)
{
	if (argc >= 2 && cli_is_help(argv[1])) {
		fputs(_("usage: sohoa certs add CHAIN.pem [--json]\n\n"
		       "Register the officer's signing certificate and its issuers (PEM, the\n"
		       "officer's first) for `export-pdf --sign`: checked (each issued by the next,\n"
		       "valid now, allowed to sign) and copied to $SOHOA_CERTS, else\n"
		       "~/.config/sohoa/signing-chain.pem (next to the signing key, not in the\n"
		       "warehouse). --json: {\"subject\", \"path\"} (docs/FORMATS.md).\n"),
		      stdout);
		return EXIT_OK;
	}
	int json = argc == 4 && !strcmp(argv[3], "--json");
	if (argc == 4 && !json && argv[3][0] == '-')
		return cli_usage("certs", "unknown option '%s'", argv[3]);
	if ((argc != 3 && !json) || strcmp(argv[1], "add") || argv[2][0] == '-')
		return cli_usage("certs", "use: sohoa certs add CHAIN.pem [--json]");
	char *dest = chain_path(), subject[512] = "";
	if (!dest)
		return cli_fail("certs", SH_ENOMEM);
	char *dir = sh_strdup(dest), *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash) {
		*slash = 0;
		char *cmd = sh_asprintf("%s", dir);
		for (char *p = cmd + 1; cmd && *p; p++)
			if (*p == '/') {
				*p = 0;
				mkdir(cmd, 0700);
				*p = '/';
			}
		if (cmd)
			mkdir(cmd, 0700);
		sh_free(cmd);
	}
	sh_free(dir);
	int rc = sh_pdf_certs_add(argv[2], dest, subject, sizeof subject);
	int ex = rc ? cli_fail("certs", rc) : EXIT_OK;
	if (!rc && json)
		ex = cli_json_print(json_pack("{s:s, s:s}", "subject", subject, "path", dest));
	else if (!rc)
		printf("signing certificate %s\n  registered in %s\n", subject, dest);
	sh_free(dest);
	return ex;
}

/* The PAdES signer of --sign KEY: the chain is --cert, else the registered
 * one when there is one; the PIN from --pin-file. *pin and *chain are the
 * caller's to free, also on failure. */
static int open_signer(sh_pdf_signer **signer, char **pin, char **chain, const char *sign,
		       const char *cert, const char *pin_file)
{
	int rc = SH_OK;
	if (!cert && !(*chain = chain_path()))
		rc = SH_ENOMEM;
	if (!rc && !cert && access(*chain, R_OK) != 0) {
		sh_free(*chain);
		*chain = NULL;
	}
	if (!rc)
		rc = read_pin(pin, pin_file);
	if (!rc)
		rc = sh_pdf_signer_open(signer, sign, *pin, cert ? cert : *chain);
	return rc;
}

int cmd_export_pdf(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *out = NULL, *sign = NULL, *cert = NULL,
		   *pin_file = NULL, *reason = NULL, *tsa = NULL, *book = NULL, *officer = NULL,
		   *title = NULL, *place = NULL;
	int certify = 0;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			fputs(_("usage: sohoa export-pdf CODE FILE [--sign KEY [--cert CHAIN.pem]\n"
			       "                 [--pin-file FILE] [--reason TEXT] [--tsa URL]]\n"
			       "                 [--certify --book BOOK [--officer NAME] [--title TITLE]\n"
			       "                  [--place PLACE]] [--store DIR]\n\n"
			       "Write a paper, a result or a whole dossier as one searchable PDF/A-1b\n"
			       "file: the stored page images as they are (JPEG, CCITT G4, PNG data not\n"
			       "recompressed) at their own resolution, an invisible text layer placed\n"
			       "word by word from the stored OCR, and the code, kinds, agency,\n"
			       "procedure and received date as metadata (docs/PDF.md).\n\n"
			       "--sign KEY: a PAdES baseline B-B signature by KEY, a PKCS#11 URI\n"
			       "(\"pkcs11:token=...;object=...\") or a PKCS#12 file; its PIN or password is\n"
			       "the first line of --pin-file or $SOHOA_SIGN_PIN_FILE. The certificate\n"
			       "chain is --cert, else the one `sohoa certs add` registered.\n"
			       "--tsa URL: add an RFC 3161 time-stamp from that authority (PAdES B-T).\n\n"
			       "--certify: a certified copy from the original presented (chứng thực bản\n"
			       "sao từ bản chính): a last page with the certification statement, the next\n"
			       "number of book BOOK for the year, recorded as a signed log event (the\n"
			       "warehouse signing key); needs --sign. Officer and title default to the\n"
			       "signing key's signer and title. `sohoa certified` lists the copies.\n"), stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--certify")) {
			certify = 1;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("export-pdf", "--store needs a value");
		} else if ((m = cli_opt(argc, argv, &i, "--sign", &sign)) ||
			   (m = cli_opt(argc, argv, &i, "--cert", &cert)) ||
			   (m = cli_opt(argc, argv, &i, "--pin-file", &pin_file)) ||
			   (m = cli_opt(argc, argv, &i, "--reason", &reason)) ||
			   (m = cli_opt(argc, argv, &i, "--tsa", &tsa)) ||
			   (m = cli_opt(argc, argv, &i, "--book", &book)) ||
			   (m = cli_opt(argc, argv, &i, "--officer", &officer)) ||
			   (m = cli_opt(argc, argv, &i, "--title", &title)) ||
			   (m = cli_opt(argc, argv, &i, "--place", &place))) {
			if (m < 0)
				return cli_usage("export-pdf", "%s needs a value", argv[i]);
		} else if (argv[i][0] == '-') {
			return cli_usage("export-pdf", "unknown option '%s'", argv[i]);
		} else if (!code) {
			code = argv[i];
		} else if (!out) {
			out = argv[i];
		} else {
			return cli_usage("export-pdf", "give a code and a file");
		}
	}
	if (!code || !out)
		return cli_usage("export-pdf", "give a paper, result or dossier code and the PDF file to write");
	if ((cert || pin_file || reason || tsa || certify) && !sign)
		return cli_usage("export-pdf", "--cert, --pin-file, --reason, --tsa and --certify go "
					       "with --sign");
	if ((book || officer || title || place) && !certify)
		return cli_usage("export-pdf", "--book, --officer, --title and --place go with --certify");
	if (certify && !book)
		return cli_usage("export-pdf", "--certify needs --book (the certification book, quyển số)");
	sh_store *s = NULL;
	int ex = cli_code("export-pdf", code, 0);
	if (!ex)
		ex = cli_store_open(&s, "export-pdf", store, 0);
	if (ex)
		return ex;
	size_t pages = 0;
	sh_pdf_signer *signer = NULL;
	char *pin = NULL, *chain = NULL;
	int rc = SH_OK;
	if (sign)
		rc = open_signer(&signer, &pin, &chain, sign, cert, pin_file);
	sh_pdf_export_opts o = {.user = cli_user(), .command = "export-pdf", .signer = signer,
				.sig_reason = reason, .tsa_url = tsa};
	sh_wh_cert_in ci = {.code = code, .book = book, .officer = officer, .title = title,
			    .place = place};
	sh_wh_cert cr;
	sh_sign_pubkey pub;
	if (!rc && certify) {
		const sh_sign_key *lk = NULL;
		rc = cli_signing_key(&lk, "export-pdf");
		if (!rc && (!officer || !title)) {
			memset(&pub, 0, sizeof pub);
			rc = sh_ledger_key_get(s, sh_sign_key_id(lk), &pub, NULL);
			if (!officer)
				ci.officer = pub.name;
			if (!title)
				ci.title = pub.title;
		}
		o.certify = &ci;
		o.log_key = lk;
		o.cert = &cr;
	}
	if (!rc)
		rc = sh_pdf_export(s, code, out, &o, &pages);
	if (rc)
		ex = cli_fail("export-pdf", rc);
	else if (certify)
		printf("%s: certified copy no. %u, book %s/%d (signed log entry %llu): %zu pages "
		       "written to %s (PDF/A-1b, signed PAdES %s)\n",
		       code, cr.number, cr.book, cr.year, (unsigned long long)cr.index, pages, out,
		       tsa ? "B-T" : "B-B");
	else
		printf("%s: %zu page%s written to %s (PDF/A-1b%s)\n", code, pages, pages == 1 ? "" : "s",
		       out, !signer ? "" : tsa ? ", signed PAdES B-T" : ", signed PAdES B-B");
	sh_pdf_signer_free(&signer);
	if (pin) {
		memset(pin, 0, strlen(pin));
		sh_free(pin);
	}
	sh_free(chain);
	sh_store_close(&s);
	return ex;
}

int cmd_export_bag(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *dir = NULL, *owner = NULL, *from = NULL,
		   *to = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			fputs(_("usage: sohoa export-bag CODE DIR [--store DIR]\n"
			       "       sohoa export-bag --owner ID DIR\n"
			       "       sohoa export-bag --from YYYY-MM-DD --to YYYY-MM-DD DIR\n\n"
			       "Write a dossier or a paper, an owner's papers, or the dossiers received\n"
			       "in a period as a BagIt (RFC 8493) bag in the new folder DIR: per paper its\n"
			       "proof bundle (page images, text, signed manifest, checkpoint, inclusion\n"
			       "proof, public keys), hOCR, paper.json and PDF/A, and bag-info.txt,\n"
			       "manifest-sha256.txt, tagmanifest-sha256.txt (docs/PDF.md). Another\n"
			       "warehouse files it with `sohoa import-bag`.\n"), stdout);
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--owner", &owner)) ||
			   (m = cli_opt(argc, argv, &i, "--from", &from)) ||
			   (m = cli_opt(argc, argv, &i, "--to", &to))) {
			if (m < 0)
				return cli_usage("export-bag", "%s needs a value", argv[i]);
		} else if (argv[i][0] == '-') {
			return cli_usage("export-bag", "unknown option '%s'", argv[i]);
		} else if (!code && !owner && !from && !to) {
			code = argv[i];
		} else if (!dir) {
			dir = argv[i];
		} else {
			return cli_usage("export-bag", "give a code (or --owner, or --from/--to) and a folder");
		}
	}
	int sel = owner || from || to;
	if (sel && code && !dir) {
		dir = code;
		code = NULL;
	}
	if ((!code && !sel) || !dir || (code && sel) || (owner && (from || to)))
		return cli_usage("export-bag", "give a dossier or paper code, --owner ID, or --from and "
					       "--to, and the new bag folder");
	sh_store *s = NULL;
	int ex = code ? cli_code("export-bag", code, 0) : 0;
	if (!ex)
		ex = cli_store_open(&s, "export-bag", store, 0);
	if (ex)
		return ex;
	size_t n = 0;
	sh_pdf_export_opts o = {.user = cli_user(), .command = "export-bag"};
	cli_meter m; /* the papers' bundles, then the PDF */
	cli_meter_start(&m, "export-bag", N_("parts"), 0);
	o.progress = cli_meter_fn(&m);
	o.progress_arg = &m;
	int rc = code ? sh_pdf_export_bag(s, code, dir, &o, &n)
		      : sh_pdf_export_bag_select(s, owner, from, to, dir, &o, &n);
	if (rc)
		ex = cli_fail("export-bag", rc);
	else
		printf("%s: bag of %zu paper%s written to %s\n", code ? code : owner ? owner : "period",
		       n, n == 1 ? "" : "s", dir);
	sh_store_close(&s);
	return ex;
}

static void print_problem(void *arg, const char *problem)
{
	(void)arg;
	fprintf(stderr, "  %s\n", problem);
}

int cmd_import_bag(int argc, char **argv)
{
	const char *store = NULL, *dir = NULL;
	const char **trust = sh_calloc((size_t)argc + 1, sizeof *trust);
	size_t ntrust = 0;
	if (!trust)
		return cli_fail("import-bag", SH_ENOMEM);
	int ex = EXIT_OK;
	for (int i = 1; i < argc && !ex; i++) {
		int m;
		const char *tk = NULL;
		if (cli_is_help(argv[i])) {
			fputs(_("usage: sohoa import-bag DIR [--trust-key FILE]... [--store DIR]\n\n"
			       "File the papers of a bag another office wrote with `sohoa export-bag`:\n"
			       "the bag is checked as bagit-python's validate() does (files, paths,\n"
			       "Payload-Oxum, completeness, every checksum), every paper's signed\n"
			       "manifest, checkpoint and inclusion proof are verified against the keys\n"
			       "this warehouse has registered and the public key files given with\n"
			       "--trust-key (never the bag's own), and the papers are filed under their\n"
			       "original codes, marked as imported from the bag's Source-Organization,\n"
			       "signed again here. A bag that fails any check stores nothing;\n"
			       "importing the same bag again changes nothing. Role: admin.\n"), stdout);
			sh_free(trust);
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				ex = cli_usage("import-bag", "--store needs a value");
		} else if ((m = cli_opt(argc, argv, &i, "--trust-key", &tk))) {
			if (m < 0)
				ex = cli_usage("import-bag", "--trust-key needs a file");
			else
				trust[ntrust++] = tk;
		} else if (argv[i][0] == '-') {
			ex = cli_usage("import-bag", "unknown option '%s'", argv[i]);
		} else if (!dir) {
			dir = argv[i];
		} else {
			ex = cli_usage("import-bag", "give one bag folder");
		}
	}
	if (!ex && !dir)
		ex = cli_usage("import-bag", "give the bag folder");
	sh_store *s = NULL;
	if (!ex)
		ex = cli_store_open(&s, "import-bag", store, 0);
	if (ex) {
		sh_free(trust);
		return ex;
	}
	const sh_sign_key *key = NULL;
	sh_wh_import_stats st;
	memset(&st, 0, sizeof st);
	int rc = cli_signing_key(&key, "import-bag");
	if (!rc)
		rc = sh_pdf_import_bag(s, key, dir, trust, ntrust, print_problem, NULL, &st);
	if (rc)
		ex = cli_fail("import-bag", rc);
	else
		printf("%s: %zu paper%s filed, %zu already here, %zu dossier%s made\n", dir, st.papers,
		       st.papers == 1 ? "" : "s", st.existing, st.dossiers, st.dossiers == 1 ? "" : "s");
	sh_free(trust);
	sh_store_close(&s);
	return ex;
}

int cmd_certified(int argc, char **argv)
{
	const char *store = NULL, *year = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			fputs(_("usage: sohoa certified [--year YYYY] [--store DIR]\n\n"
			       "Every certified copy issued (export-pdf --certify): year, book, number,\n"
			       "code, date, officer, the signed log entry and the copy's SHA-256.\n"), stdout);
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store)) ||
			   (m = cli_opt(argc, argv, &i, "--year", &year))) {
			if (m < 0)
				return cli_usage("certified", "%s needs a value", argv[i]);
		} else {
			return cli_usage("certified", "unexpected argument '%s'", argv[i]);
		}
	}
	int y = 0;
	if (year) {
		char *end = NULL;
		long v = strtol(year, &end, 10);
		if (!end || *end || v < 1900 || v > 9999)
			return cli_usage("certified", "--year takes YYYY");
		y = (int)v;
	}
	sh_store *s = NULL;
	int ex = cli_store_open(&s, "certified", store, 0);
	if (ex)
		return ex;
	sh_wh_cert *c = NULL;
	size_t n = 0;
	int rc = sh_wh_certified_list(s, y, &c, &n);
	if (rc)
		ex = cli_fail("certified", rc);
	for (size_t i = 0; i < n; i++) {
		char day[32] = "";
		time_t t = (time_t)c[i].when;
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm);
		printf("%d %s no. %u  %s  %s  %s (%s)  log entry %llu  sha256 %s\n", c[i].year,
		       c[i].book, c[i].number, c[i].code, day, c[i].officer, c[i].title,
		       (unsigned long long)c[i].index, *c[i].sha256 ? c[i].sha256 : "-");
	}
	if (!rc && !n)
		printf("no certified copies\n");
	sh_free(c);
	sh_store_close(&s);
	return ex;
}
