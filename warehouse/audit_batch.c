/* Group commit of the audit of reads (sh_wh.h "audit groups"): threads that
 * audit reads at the same moment share one LMDB write transaction, one
 * fsync. Each caller still returns only after its own entries are durable
 * (or with the error of the transaction that held them): a group is what
 * arrived while the previous one was being written. sh_wh_audit_reads
 * (access.c) writes a list of one through the same wh_audit_write. */
#include "wh_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef wh_audit_node audit_node;

struct sh_wh_audit_group {
	sh_store *s;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	audit_node *head, *tail; /* waiting to be written */
	int busy;                /* a leader is writing a group */
	size_t commits, entries; /* written so far */
};

void sh_wh_audit_group_stats(sh_wh_audit_group *g, size_t *commits, size_t *entries)
{
	pthread_mutex_lock(&g->mu);
	*commits = g->commits;
	*entries = g->entries;
	pthread_mutex_unlock(&g->mu);
}

/* The group of each store handle that has one: the library's own audit of
 * a session's reads (wh_audit_session) finds it here. */
#define GROUPS_MAX 16
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static sh_wh_audit_group *reg[GROUPS_MAX];

sh_wh_audit_group *wh_audit_group_of(const sh_store *s)
{
	sh_wh_audit_group *g = NULL;
	pthread_mutex_lock(&reg_mu);
	for (size_t i = 0; !g && i < GROUPS_MAX; i++)
		if (reg[i] && reg[i]->s == s)
			g = reg[i];
	pthread_mutex_unlock(&reg_mu);
	return g;
}

int sh_wh_audit_group_new(sh_wh_audit_group **out, sh_store *s)
{
	*out = NULL;
	if (wh_audit_group_of(s))
		return sh_error_set(SH_EEXISTS, "this warehouse handle has an audit group already");
	sh_wh_audit_group *g = sh_calloc(1, sizeof *g);
	if (!g)
		return SH_ENOMEM;
	g->s = s;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	size_t i;
	pthread_mutex_lock(&reg_mu);
	for (i = 0; i < GROUPS_MAX && reg[i]; i++)
		;
	if (i < GROUPS_MAX)
		reg[i] = g;
	pthread_mutex_unlock(&reg_mu);
	if (i == GROUPS_MAX) {
		sh_wh_audit_group_free(&g);
		return sh_error_set(SH_ENOMEM, "more than %d audit groups at once", GROUPS_MAX);
	}
	*out = g;
	return SH_OK;
}

void sh_wh_audit_group_free(sh_wh_audit_group **g)
{
	if (!g || !*g)
		return;
	pthread_mutex_lock(&reg_mu);
	for (size_t i = 0; i < GROUPS_MAX; i++)
		if (reg[i] == *g)
			reg[i] = NULL;
	pthread_mutex_unlock(&reg_mu);
	pthread_mutex_destroy(&(*g)->mu);
	pthread_cond_destroy(&(*g)->cv);
	sh_free(*g);
	*g = NULL;
}

static int audit_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	const audit_node *list = arg;
	MDB_cursor *c = NULL;
	rec_w w;
	memset(&w, 0, sizeof w);
	int rc = SH_OK, lrc;
	if ((lrc = mdb_cursor_open(txn, s->audit, &c)))
		goto lfail;
	for (const audit_node *e = list; e; e = e->next)
		for (size_t i = 0; i < e->n; i++) {
			rec_begin(&w, REC_AUDIT);
			rec_i64(&w, A_WHEN, e->when);
			rec_str(&w, A_USER, e->user && *e->user ? e->user : "-");
			rec_str(&w, A_COMMAND, e->command);
			rec_str(&w, A_CODE, e->codes[i]);
			rec_str(&w, A_DOSSIER, e->dossier && *e->dossier ? e->dossier : NULL);
			if ((rc = w.err))
				goto out;
			/* a row of the audit chain (ledger/audit.c): hashed into its
			 * head, which the next signed write seals */
			if ((rc = ledger_audit_append(s, txn, c, w.b.data, w.b.len, &lrc)))
				goto out;
			if (lrc)
				goto lfail;
			sh_buf_free(&w.b);
		}
	goto out;
lfail:
	rc = store_write_err(s, lrc, "audit of reads");
out:
	sh_buf_free(&w.b);
	if (c)
		mdb_cursor_close(c);
	return rc;
}

int wh_audit_write(sh_store *s, const wh_audit_node *list)
{
	return store_write(s, 0, "audit of reads", audit_fn, (void *)list);
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
		int rc = wh_audit_write(g->s, list);
		const char *msg = rc ? sh_error_message() : "";
		pthread_mutex_lock(&g->mu);
		g->commits += !rc;
		for (audit_node *e = list, *nx; e; e = nx) {
			nx = e->next;
			g->entries += rc ? 0 : e->n;
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
