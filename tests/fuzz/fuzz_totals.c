/* Fuzz target: registry totals CSV (warehouse/archive.c,
 * sh_wh_backlog_csv_check). Whatever parses has at most one row a line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_wh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t rows = 0, lines = 1;
	if (sh_wh_backlog_csv_check((const char *)data, size, &rows) != SH_OK)
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rows == 0 || rows > lines)
		abort();
	return 0;
}
