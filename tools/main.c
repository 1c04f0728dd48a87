/* sohoa: main. Everything else is cli_main (sohoa.c), which the command-line
 * fuzz target calls in-process. */
#include "cli.h"

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
	return cli_main(argc, argv);
}
