/* Group commit of the audit of reads (sh_wh.h "audit groups"): the entries
 * of reads audited at the same moment share one LMDB write transaction, one
 * pair of fsyncs. A committer thread per group writes everything queued as
 * soon as the previous commit is done (the batch is whatever arrived
 * meanwhile: no timer, no fixed size). A caller either waits for its own
 * entries (sh_wh_audit_group_reads, and the library's audit of a session's
 * reads) or, deferring on its thread (sh_wh_audit_defer_begin), gets a
 * ticket and is called back once they are durable: the office server then
 * holds the answer, not a thread. sh_wh_audit_reads (access.c) writes a
 * list of one through the same wh_audit_write. */
#include "wh_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef wh_audit_node audit_node;

/* What a deferring thread queued: settled when outstanding reaches 0. */
struct sh_wh_audit_ticket {
	size_t outstanding; /* queued lists not yet written */
	int rc;             /* the first failure among them */
	char msg[256];
	int armed;          /* done is set: call it when settled */
	sh_wh_audit_done_fn done;
	void *arg;
	sh_wh_audit_ticket *next_fire;
};

struct sh_wh_audit_group {
	sh_store *s;
	pthread_mutex_t mu;
	pthread_cond_t work;     /* the committer: something queued, or stop */
	pthread_cond_t cv;       /* waiters: a commit ended */
	audit_node *head, *tail; /* waiting to be written */
	int busy;                /* the committer is writing a group */
	int stop;
	pthread_t thread;
	size_t commits, entries; /* written so far */
	uint64_t queued, settled; /* lists queued; of them, written and called back */
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

/* Settle the lists of one commit (g->mu held): waiters' nodes are marked
 * done (they live on the waiters' stacks: not touched after the unlock);
 * deferred nodes are moved to *garbage and their tickets, once settled and
 * armed, to *fire. */
static void settle(sh_wh_audit_group *g, audit_node *list, int rc, const char *msg,
		   audit_node **garbage, sh_wh_audit_ticket **fire)
{
	g->commits += !rc;
	for (audit_node *e = list, *nx; e; e = nx) {
		nx = e->next;
		g->entries += rc ? 0 : e->n;
		sh_wh_audit_ticket *t = e->ticket;
		if (!t) {
			e->rc = rc;
			snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "");
			e->done = 1;
			continue;
		}
		if (rc && !t->rc) {
			t->rc = rc;
			snprintf(t->msg, sizeof t->msg, "%s", msg ? msg : "");
		}
		if (!--t->outstanding && t->armed) {
			t->next_fire = *fire;
			*fire = t;
		}
		e->next = *garbage;
		*garbage = e;
	}
}

static void *committer(void *arg)
{
	sh_wh_audit_group *g = arg;
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->head && !g->stop)
			pthread_cond_wait(&g->work, &g->mu);
		if (!g->head)
			break; /* stopping, and everything queued is written */
		audit_node *list = g->head, *garbage = NULL;
		uint64_t upto = g->queued;
		sh_wh_audit_ticket *fire = NULL;
		g->head = g->tail = NULL;
		g->busy = 1;
		pthread_mutex_unlock(&g->mu);
		int rc = wh_audit_write(g->s, list);
		const char *msg = rc ? sh_error_message() : "";
		pthread_mutex_lock(&g->mu);
		settle(g, list, rc, msg, &garbage, &fire);
		pthread_cond_broadcast(&g->cv); /* the waiters */
		pthread_mutex_unlock(&g->mu);
		for (audit_node *e = garbage, *nx; e; e = nx) {
			nx = e->next;
			sh_free(e);
		}
		for (sh_wh_audit_ticket *t = fire, *nx; t; t = nx) {
			nx = t->next_fire;
			if (t->done)
				t->done(t->arg, t->rc, t->rc ? t->msg : NULL);
			sh_free(t);
		}
		pthread_mutex_lock(&g->mu);
		g->busy = 0;
		g->settled = upto; /* only now: a flush returns after the calls back */
		pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
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
	pthread_cond_init(&g->work, NULL);
	if (pthread_create(&g->thread, NULL, committer, g)) {
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->cv);
		pthread_cond_destroy(&g->work);
		sh_free(g);
		return sh_error_set(SH_ENOMEM, "cannot start the audit's committer thread");
	}
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

void sh_wh_audit_group_flush(sh_wh_audit_group *g)
{
	pthread_mutex_lock(&g->mu);
	uint64_t upto = g->queued;
	while (g->settled < upto)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
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
	/* the committer writes what is queued, calls back, then ends */
	pthread_mutex_lock(&(*g)->mu);
	(*g)->stop = 1;
	pthread_cond_signal(&(*g)->work);
	pthread_mutex_unlock(&(*g)->mu);
	pthread_join((*g)->thread, NULL);
	pthread_mutex_destroy(&(*g)->mu);
	pthread_cond_destroy(&(*g)->cv);
	pthread_cond_destroy(&(*g)->work);
	sh_free(*g);
	*g = NULL;
}

static void enqueue(sh_wh_audit_group *g, audit_node *e)
{
	if (g->tail)
		g->tail->next = e;
	else
		g->head = e;
	g->tail = e;
	g->queued++;
	if (!g->busy)
		pthread_cond_signal(&g->work); /* else the committer takes it next */
}

int sh_wh_audit_group_reads(sh_wh_audit_group *g, const char *user, const char *command,
			    const char *const *codes, size_t n, const char *dossier, int64_t when)
{
	if (!n)
		return SH_OK;
	audit_node me = {NULL, user, command, dossier, codes, n, when ? when : sh_now(), 0, 0,
			 "", NULL};
	pthread_mutex_lock(&g->mu);
	if (g->stop) {
		pthread_mutex_unlock(&g->mu);
		return sh_error_set(SH_EBUSY, "the audit of reads is stopping");
	}
	enqueue(g, &me);
	while (!me.done)
		pthread_cond_wait(&g->cv, &g->mu);
	int rc = me.rc;
	pthread_mutex_unlock(&g->mu);
	if (rc)
		sh_error_set(rc, "%s", me.msg[0] ? me.msg : "the audit of reads could not be written");
	return rc;
}

/* ---- deferred audit: a ticket instead of a wait ----------------------------- */

static _Thread_local struct {
	const sh_store *s;
	sh_wh_audit_ticket *t;
} tls_defer;

void sh_wh_audit_defer_begin(sh_store *s)
{
	tls_defer.s = s;
	tls_defer.t = NULL;
}

sh_wh_audit_ticket *sh_wh_audit_defer_end(sh_store *s)
{
	sh_wh_audit_ticket *t = tls_defer.s == s ? tls_defer.t : NULL;
	tls_defer.s = NULL;
	tls_defer.t = NULL;
	return t;
}

/* A copy of the entries in one allocation, tied to the thread's ticket;
 * NULL when out of memory (the caller then waits instead). */
static audit_node *deferred_node(const char *user, const char *command,
				 const char *const *codes, size_t n, const char *dossier)
{
	size_t len = sizeof(audit_node) + n * sizeof(char *);
	size_t lu = strlen(user ? user : "") + 1, lc = strlen(command ? command : "") + 1,
	       ld = dossier ? strlen(dossier) + 1 : 0;
	len += lu + lc + ld;
	for (size_t i = 0; i < n; i++)
		len += strlen(codes[i]) + 1;
	audit_node *e = sh_calloc(1, len);
	if (!e)
		return NULL;
	const char **cv = (const char **)(e + 1);
	char *p = (char *)(cv + n);
	e->user = memcpy(p, user ? user : "", lu);
	p += lu;
	e->command = memcpy(p, command ? command : "", lc);
	p += lc;
	if (dossier) {
		e->dossier = memcpy(p, dossier, ld);
		p += ld;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(codes[i]) + 1;
		cv[i] = memcpy(p, codes[i], l);
		p += l;
	}
	e->codes = cv;
	e->n = n;
	e->when = sh_now();
	return e;
}

int wh_audit_group_queue(sh_wh_audit_group *g, const sh_store *s, const char *user,
			 const char *command, const char *const *codes, size_t n,
			 const char *dossier)
{
	if (!n)
		return SH_OK;
	if (tls_defer.s != s)
		return sh_wh_audit_group_reads(g, user, command, codes, n, dossier, 0);
	sh_wh_audit_ticket *t = tls_defer.t;
	if (!t && !(t = sh_calloc(1, sizeof *t)))
		return sh_wh_audit_group_reads(g, user, command, codes, n, dossier, 0);
	tls_defer.t = t;
	audit_node *e = deferred_node(user, command, codes, n, dossier);
	if (!e) /* the ticket may stay empty: it settles at once */
		return sh_wh_audit_group_reads(g, user, command, codes, n, dossier, 0);
	e->ticket = t;
	pthread_mutex_lock(&g->mu);
	if (g->stop) {
		pthread_mutex_unlock(&g->mu);
		sh_free(e);
		return sh_error_set(SH_EBUSY, "the audit of reads is stopping");
	}
	t->outstanding++;
	enqueue(g, e);
	pthread_mutex_unlock(&g->mu);
	return SH_OK;
}

int sh_wh_audit_ticket_then(sh_wh_audit_ticket *t, sh_wh_audit_group *g, int *rc,
			    sh_wh_audit_done_fn done, void *arg)
{
	*rc = SH_OK;
	pthread_mutex_lock(&g->mu);
	if (t->outstanding) {
		t->done = done;
		t->arg = arg;
		t->armed = 1;
		pthread_mutex_unlock(&g->mu);
		return 1;
	}
	pthread_mutex_unlock(&g->mu);
	*rc = t->rc;
	if (t->rc)
		sh_error_set(t->rc, "%s", t->msg[0] ? t->msg : "the audit of reads could not be written");
	sh_free(t);
	return 0;
}
