/* Prints the server's route table, "METHOD PATTERN" per line, for the
 * OpenAPI check (server_test.py openapi). */
#include <stdio.h>

#include "sh_srv.h"

int main(void)
{
	const char *m, *p;
	for (size_t i = 0; sh_srv_route(i, &m, &p) == SH_OK; i++)
		printf("%s %s\n", m, p);
	return 0;
}
