/* Receiving a dossier (or a dossier's results) from an upload: the one
 * place the server hands pages to the receiving module (receive/,
 * sh_recv.h). One upload is read at a time: the OCR already runs on every
 * core, a second one would only share them. */
#include "srv_int.h"

#include <malloc.h>
#include <string.h>

#include "sh_recv.h"

static pthread_mutex_t recv_mu = PTHREAD_MUTEX_INITIALIZER;

/* Idempotency-Key header: a client's retry of the same upload stores
 * nothing new and answers with the first dossier's codes. */
static int idem_key(srv_ctx *c, char *out, size_t n)
{
	const char *k = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Idempotency-Key");
	out[0] = 0;
	if (!k)
		return 1;
	size_t l = strlen(k);
	if (!l || l > 64 || strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != l) {
		srv_error(c, 400, "Idempotency-Key: 1 to 64 of A-Z a-z 0-9 _ -");
		return 0;
	}
	snprintf(out, n, "upload:%s:%s", c->user, k);
	return 1;
}

int srv_receive(srv_ctx *c, const srv_upload *u)
{
	if (!c->srv->key)
		return srv_error(c, 503, "the server was started without the office's signing key: "
					 "receiving is not available");
	char idem[128];
	if (!idem_key(c, idem, sizeof idem))
		return 0;
	sh_recv_input *in = sh_calloc(u->nfiles, sizeof *in);
	if (!in)
		return srv_error(c, 500, "out of memory");
	for (size_t i = 0; i < u->nfiles; i++) {
		in[i].data = u->files[i]->data;
		in[i].len = u->files[i]->len;
		in[i].name = u->files[i]->filename;
	}
	sh_recv_source src = {.inputs = in, .ninputs = u->nfiles};
	sh_recv_options o = {.owner = u->owner, .procedure = u->procedure,
			     .operator_id = c->user, .key = c->srv->key,
			     .result_of = u->result_of, .idem_key = idem[0] ? idem : NULL,
			     .ocr_nice = c->srv->ocr_nice};
	sh_recv_result *res = NULL;
	pthread_mutex_lock(&recv_mu);
	int rc = sh_recv_store(&res, c->srv->s, &src, &o);
	malloc_trim(0); /* the OCR engines' memory back to the system, not kept in this thread's arena */
	pthread_mutex_unlock(&recv_mu);
	sh_free(in);
	if (rc) {
		sh_recv_result_free(&res);
		return srv_fail(c, rc);
	}
	/* the JSON of `sohoa ingest --json` (of `sohoa result add --json`) */
	json_t *arr = json_array();
	for (size_t i = 0; i < res->npapers; i++) {
		const sh_recv_paper *p = &res->papers[i];
		json_t *o2 = u->result_of
				     ? json_pack("{s:o, s:o, s:o, s:i}", "code", srv_str(p->code), "kind",
						 srv_str(p->kind ? p->kind : "TL"), "file",
						 srv_str(u->files[i]->filename), "pages", (int)p->npages)
				     : json_pack("{s:o, s:o, s:i}", "code", srv_str(p->code), "file",
						 srv_str(u->files[i]->filename), "pages", (int)p->npages);
		json_array_append_new(arr, o2);
	}
	json_t *out = json_pack("{s:o, s:o}", "dossier", srv_str(res->dossier),
				u->result_of ? "results" : "components", arr);
	/* the receipt prints when the office received the dossier, in the
	 * office's zone, not the desk PC's clock */
	sh_store_dossier_rec *d = NULL;
	if (out && !sh_store_dossier_get(c->srv->s, res->dossier, &d))
		json_object_set_new(out, "received", srv_when_json(d->received));
	sh_store_dossier_rec_free(&d);
	int existing = res->existing;
	sh_recv_result_free(&res);
	return srv_json(c, existing ? 200 : 201, out);
}

int srv_recv_locked(sh_recv_result **out, sh_store *s, const sh_recv_source *src,
		    const sh_recv_options *o)
{
	pthread_mutex_lock(&recv_mu);
	int rc = sh_recv_store(out, s, src, o);
	malloc_trim(0);
	pthread_mutex_unlock(&recv_mu);
	return rc;
}
