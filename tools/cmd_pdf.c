/* tools/cmd_pdf.c — `sohoa export-pdf`: parse, call sh_pdf_export, print. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int cmd_export_pdf(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *out = NULL, *sign = NULL, *cert = NULL,
		   *pin_file = NULL, *reason = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			fputs(_("usage: sohoa export-pdf CODE FILE [--sign KEY [--cert CHAIN.pem]\n"
			       "                 [--pin-file FILE] [--reason TEXT]] [--store DIR]\n\n"
			       "Write a paper, a result or a whole dossier as one searchable PDF/A-1b\n"
			       "file: the stored page images as they are (JPEG, CCITT G4, PNG data not\n"
			       "recompressed) at their own resolution, an invisible text layer placed\n"
			       "word by word from the stored OCR, and the code, kinds, agency,\n"
			       "procedure and received date as metadata (docs/PDF.md).\n\n"
			       "--sign KEY: a PAdES baseline B-B signature by KEY, a PKCS#11 URI\n"
			       "(\"pkcs11:token=...;object=...\") or a PKCS#12 file; its PIN or password is\n"
			       "the first line of --pin-file or $SOHOA_SIGN_PIN_FILE. The certificate\n"
			       "chain is --cert, else the one `sohoa certs add` registered.\n"), stdout);
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("export-pdf", "--store needs a value");
		} else if ((m = cli_opt(argc, argv, &i, "--sign", &sign)) ||
			   (m = cli_opt(argc, argv, &i, "--cert", &cert)) ||
			   (m = cli_opt(argc, argv, &i, "--pin-file", &pin_file)) ||
			   (m = cli_opt(argc, argv, &i, "--reason", &reason))) {
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
	if ((cert || pin_file || reason) && !sign)
		return cli_usage("export-pdf", "--cert, --pin-file and --reason go with --sign");
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
	if (sign) {
		if (!cert && !(chain = chain_path()))
			rc = SH_ENOMEM;
		if (!rc && !cert && access(chain, R_OK) != 0) {
			sh_free(chain);
			chain = NULL;
		}
		if (!rc)
			rc = read_pin(&pin, pin_file);
		if (!rc)
			rc = sh_pdf_signer_open(&signer, sign, pin, cert ? cert : chain);
	}
	sh_pdf_export_opts o = {.user = cli_user(), .command = "export-pdf", .signer = signer,
				.sig_reason = reason};
	if (!rc)
		rc = sh_pdf_export(s, code, out, &o, &pages);
	if (rc)
		ex = cli_fail("export-pdf", rc);
	else
		printf("%s: %zu page%s written to %s (PDF/A-1b%s)\n", code, pages, pages == 1 ? "" : "s",
		       out, signer ? ", signed PAdES B-B" : "");
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
	const char *store = NULL, *code = NULL, *dir = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			fputs(_("usage: sohoa export-bag CODE DIR [--store DIR]\n\n"
			       "Write a dossier or a paper as a BagIt (RFC 8493) bag in the new folder DIR:\n"
			       "per paper its proof bundle (page images, text, signed manifest, checkpoint,\n"
			       "inclusion proof, public keys) and hOCR, the whole as a PDF/A, and\n"
			       "bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt (docs/PDF.md).\n"), stdout);
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("export-bag", "--store needs a value");
		} else if (argv[i][0] == '-') {
			return cli_usage("export-bag", "unknown option '%s'", argv[i]);
		} else if (!code) {
			code = argv[i];
		} else if (!dir) {
			dir = argv[i];
		} else {
			return cli_usage("export-bag", "give a code and a folder");
		}
	}
	if (!code || !dir)
		return cli_usage("export-bag", "give a dossier or paper code and the new bag folder");
	sh_store *s = NULL;
	int ex = cli_code("export-bag", code, 0);
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
	int rc = sh_pdf_export_bag(s, code, dir, &o, &n);
	if (rc)
		ex = cli_fail("export-bag", rc);
	else
		printf("%s: bag of %zu paper%s written to %s\n", code, n, n == 1 ? "" : "s", dir);
	sh_store_close(&s);
	return ex;
}
