/* Receiving a dossier from an upload: the one place the server hands pages
 * to the receiving module. Until that module (receive/, sh_recv.h) offers
 * receiving from bytes in memory, the upload is parsed and checked in full
 * (routes.c) and then refused with 503: nothing is stored, nothing faked. */
#include "srv_int.h"

int srv_receive(srv_ctx *c, const srv_upload *u)
{
	(void)u;
	return srv_error(c, 503, "receiving uploads is not available in this build yet: use "
				 "sohoa ingest at the desk");
}
