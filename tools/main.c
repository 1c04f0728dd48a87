/* sohoa: main. Everything else is cli_main (sohoa.c), which the command-line
 * fuzz target calls in-process. */
#include "cli.h"
#include "sh_common.h"

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* Tesseract's OpenMP runtime reads OMP_THREAD_LIMIT when it loads, before
	 * main: our workers are the parallelism, so restart once with it set. */
	if (!getenv("OMP_THREAD_LIMIT")) {
		setenv("OMP_THREAD_LIMIT", "1", 1);
		execv("/proc/self/exe", argv);
		/* if that fails, run on: slower, still correct */
	}
	/* messages in the user's language (LANG=vi_VN.UTF-8: Vietnamese); the
	 * catalogue is found next to the program (sh_locale_dir), never via the
	 * source path; numbers stay in the C locale (JSON, TIFF tags) */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(SH_TEXTDOMAIN, sh_locale_dir());
	bind_textdomain_codeset(SH_TEXTDOMAIN, "UTF-8");
	return cli_main(argc, argv);
}
