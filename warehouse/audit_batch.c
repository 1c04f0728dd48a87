/* Group commit of the audit of reads (sh_wh.h "audit groups"): threads that
 * audit reads at the same moment share one LMDB write transaction, one
 * fsync. Each caller still returns only after its own entries are durable
 * (or with the error of the transaction that held them): a group is what
 * arrived while the previous one was being written. Entries are encoded
 * exactly as sh_wh_audit_reads writes them (access.c). */
#include "wh_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct audit_node {
	struct audit_node *next;
	const char *user, *command, *dossier;
	const char *const *codes;
	size_t n;
	int64_t when;
	int done, rc;
	char msg[256];  /* the transaction's error message (thread-local elsewhere) */
} audit_node;

struct sh_wh_audit_group {
	sh_store *s;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	audit_node *head, *tail; /* waiting to be written */
	int busy;                /* a leader is writing a group */
};

int sh_wh_audit_group_new(sh_wh_audit_group **out, sh_store *s)
{
	*out = NULL;
	sh_wh_audit_group *g = sh_calloc(1, sizeof *g);
	if (!g)
		return SH_ENOMEM;
	g->s = s;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	*out = g;
	return SH_OK;
}

void sh_wh_audit_group_free(sh_wh_audit_group **g)
{
	if (!g || !*g)
		return;
	pthread_mutex_destroy(&(*g)->mu);
	pthread_cond_destroy(&(*g)->cv);
	sh_free(*g);
	*g = NULL;
}

/* Write every entry of the list in one transaction. */
static int write_group(sh_store *s, audit_node *list)
{
	for (;;) {
		MDB_txn *txn;
		MDB_cursor *c = NULL;
		rec_w w;
		memset(&w, 0, sizeof w);
		int rc = store_txn_begin(s, 0, &txn), lrc;
		if (rc)
			return rc;
		if ((lrc = mdb_cursor_open(txn, s->audit, &c)))
			goto lfail;
		for (audit_node *e = list; e; e = e->next)
			for (size_t i = 0; i < e->n; i++) {
				rec_begin(&w, REC_AUDIT);
				rec_i64(&w, A_WHEN, e->when);
				rec_str(&w, A_USER, e->user && *e->user ? e->user : "-");
				rec_str(&w, A_COMMAND, e->command);
				rec_str(&w, A_CODE, e->codes[i]);
				rec_str(&w, A_DOSSIER, e->dossier && *e->dossier ? e->dossier : NULL);
				if ((rc = w.err))
					goto out;
				if ((rc = ledger_audit_append(s, txn, c, w.b.data, w.b.len, &lrc)))
					goto out;
				if (lrc)
					goto lfail;
				sh_buf_free(&w.b);
			}
		mdb_cursor_close(c);
		c = NULL;
		lrc = mdb_txn_commit(txn);
		txn = NULL;
		if (!lrc)
			return SH_OK;
	lfail:
		rc = lrc == MDB_MAP_FULL ? MDB_MAP_FULL : store_lmdb_err(lrc, "audit of reads");
	out:
		sh_buf_free(&w.b);
		if (c)
			mdb_cursor_close(c);
		if (txn)
			mdb_txn_abort(txn);
		if (rc != MDB_MAP_FULL)
			return rc;
		if ((rc = store_grow_map(s)))
			return rc;
	}
}

int sh_wh_audit_group_reads(sh_wh_audit_group *g, const char *user, const char *command,
			    const char *const *codes, size_t n, const char *dossier, int64_t when)
{
	if (!n)
		return SH_OK;
	audit_node me = {NULL, user, command, dossier, codes, n, when ? when : sh_now(), 0, 0, ""};
	pthread_mutex_lock(&g->mu);
	if (g->tail)
		g->tail->next = &me;
	else
		g->head = &me;
	g->tail = &me;
	while (!me.done) {
		if (g->busy) {
			pthread_cond_wait(&g->cv, &g->mu);
			continue;
		}
		/* the leader: write what is waiting, ours included */
		audit_node *list = g->head;
		g->head = g->tail = NULL;
		g->busy = 1;
		pthread_mutex_unlock(&g->mu);
		int rc = write_group(g->s, list);
		const char *msg = rc ? sh_error_message() : "";
		pthread_mutex_lock(&g->mu);
		for (audit_node *e = list, *nx; e; e = nx) {
			nx = e->next;
			e->rc = rc;
			snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "");
			e->done = 1;
		}
		g->busy = 0;
		pthread_cond_broadcast(&g->cv);
	}
	int rc = me.rc;
	pthread_mutex_unlock(&g->mu);
	if (rc)
		sh_error_set(rc, "%s", me.msg[0] ? me.msg : "the audit of reads could not be written");
	return rc;
}
