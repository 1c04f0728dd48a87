/* tools/cmd_pdf.c — `sohoa export-pdf`: parse, call sh_pdf_export, print. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sh_pdf.h"

int cmd_export_pdf(int argc, char **argv)
{
	const char *store = NULL, *code = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		int m;
		if (cli_is_help(argv[i])) {
			printf("usage: sohoa export-pdf CODE FILE [--store DIR]\n\n"
			       "Write a paper, a result or a whole dossier as one searchable PDF/A-1b\n"
			       "file: the stored page images as they are (JPEG, CCITT G4, PNG data not\n"
			       "recompressed) at their own resolution, an invisible text layer placed\n"
			       "word by word from the stored OCR, and the code, kinds, agency,\n"
			       "procedure and received date as metadata (docs/PDF.md).\n");
			return EXIT_OK;
		} else if ((m = cli_opt(argc, argv, &i, "--store", &store))) {
			if (m < 0)
				return cli_usage("export-pdf", "--store needs a value");
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
	sh_store *s = NULL;
	int ex = cli_code("export-pdf", code, 0);
	if (!ex)
		ex = cli_store_open(&s, "export-pdf", store, 0);
	if (ex)
		return ex;
	size_t pages = 0;
	sh_pdf_export_opts o = {.user = cli_user(), .command = "export-pdf"};
	int rc = sh_pdf_export(s, code, out, &o, &pages);
	if (rc)
		ex = cli_fail("export-pdf", rc);
	else
		printf("%s: %zu page%s written to %s (PDF/A-1b)\n", code, pages, pages == 1 ? "" : "s",
		       out);
	sh_store_close(&s);
	return ex;
}
