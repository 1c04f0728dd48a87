/* Private to server/: the request context handlers work on. */
#ifndef SH_SRV_INT_H
#define SH_SRV_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "sh_auth.h"
#include "sh_srv.h"

/* One connection, watched for slow clients (server.c). */
typedef struct srv_conn {
	struct srv_conn *prev, *next;
	int fd;
	int64_t start;     /* when the request being received began */
	size_t received;   /* body bytes of that request so far */
	int busy;          /* 1: handling or answering, not watched */
} srv_conn;

struct sh_srv {
	struct MHD_Daemon *d;
	int ocr_nice; /* SRV_OCR_NICE, or SOHOA_OCR_NICE (0..19) from the environment */
	sh_store *s;
	const sh_sign_key *key;
	sh_wh_proc_cat *cat;
	sh_auth_sessions *sess;
	sh_auth_throttle *thr;
	sh_wh_audit_group *audit; /* reads audited at once share one commit */
	struct sh_wit *wit;       /* the witness served under /witness/, or NULL */
	size_t max_upload;
	unsigned timeout_s;
	int tls;
	int auth_pam;          /* passwords checked by PAM */
	char *pam_service, *pam_confdir;
	unsigned port;
	char *cert_pem, *key_pem;
	atomic_int inflight;   /* requests begun and not completed */
	atomic_int nconn;      /* connections open */
	unsigned max_conn;     /* refused beyond this many (accept_policy) */
	atomic_size_t buffered; /* body bytes held in memory, all requests */
	size_t max_buffered;
	pthread_mutex_t cmu;   /* the connection list */
	srv_conn *conns;
	pthread_t watchdog;
	int watchdog_on;
	atomic_int stopping;
	pthread_mutex_t amu;   /* held answers: orders a suspend before its resume */
	atomic_int no_hold;    /* stopping: wait for the audit in the thread instead */
	atomic_int draining;   /* stopping: accept_policy turns every new connection away */
	pthread_cond_t offcv;  /* under amu: an offloaded request ended */
	int offloads;          /* offloaded requests running (server.c "slow requests") */
	pthread_mutex_t jmu;   /* job */
	struct srv_job *job;   /* the warehouse verification (verifyjob.c), or NULL */
	struct srv_citizen *cit; /* citizens' login and sessions (citizen.c), or NULL */
	char *province_url, *province_token; /* attach through the province, or NULL */
};

/* One request (MHD's con_cls). */
typedef struct srv_req {
	char *uri;         /* raw, as received */
	sh_buf body;
	int started;
	int refused;       /* a response was queued before the body */
	size_t counted;    /* bytes of body counted in sh_srv.buffered */
	/* an answer held until the audit of its reads is durable (server.c
	 * "held answers"); under sh_srv.amu */
	struct sh_srv *srv;
	struct MHD_Connection *conn;
	struct srv_ctx *held; /* the answer, or NULL */
	int suspended;        /* the connection is suspended, waiting for it */
	int audit_rc;         /* the audit's result once settled */
	char audit_msg[200];
} srv_req;

#define SRV_MAX_PARAMS 3
/* OCR of uploads runs this much below the request threads' priority: a
 * lookup is answered between OCR slices instead of waiting for a core
 * (docs/SERVER.md "Benchmark") */
#define SRV_OCR_NICE 10

/* What a handler sees and fills. */
typedef struct srv_ctx {
	sh_srv *srv;
	struct MHD_Connection *conn;
	srv_req *r;
	const char *method;
	const char *param[SRV_MAX_PARAMS]; /* "{...}" segments of the route, decoded */
	char addr[64];                     /* client address */
	int authed;
	sh_auth_session sess;              /* when authed */
	const char *user;                  /* sess.user, "station:NAME", or NULL */
	int station;                       /* 1: a capture station (bearer token) */
	char station_user[48];             /* "station:NAME" when station */
	/* the response */
	unsigned status;
	uint8_t *out;                      /* body, sh_malloc'd */
	size_t out_len;
	const char *mime;
	char cookie[256];                  /* Set-Cookie, or "" */
	char retry_after[24];              /* Retry-After, or "" */
	char disposition[160];             /* Content-Disposition, or "" */
	char *location;                    /* Location of a redirect (sh_malloc'd), or NULL */
	int asset;                         /* a static page (cacheable, revalidated) */
} srv_ctx;

typedef int (*srv_handler)(srv_ctx *c);

/* The route table (routes.c). perm: the command name given to
 * sh_wh_session_may, NULL for routes without one (login, me, logout,
 * openapi). flags: SRV_PUBLIC (no session needed). */
enum { SRV_PUBLIC = 1, SRV_CITIZEN = 2 /* a citizen's route (citizen.c) */ };
typedef struct srv_route {
	const char *method;
	const char *pattern;
	const char *perm;
	unsigned flags;
	srv_handler fn;
} srv_route;
extern const srv_route srv_routes[];
extern const size_t srv_nroutes;
/* The witness's routes under /witness/ (served with sh_srv_options.witness_dir). */
extern const srv_route srv_witness_routes[];
extern const size_t srv_nwitness_routes;

/* Responses (server.c). Each returns 0 so handlers can `return reply...`. */
int srv_json(srv_ctx *c, unsigned status, json_t *o);        /* steals o */
int srv_error(srv_ctx *c, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The library's current error, with the status its code maps to. */
int srv_fail(srv_ctx *c, int rc);
int srv_bytes(srv_ctx *c, unsigned status, const char *mime, uint8_t *data, size_t len); /* steals */
/* A JSON string from any bytes: not UTF-8 bytes become U+FFFD. Never NULL
 * (an empty string on allocation failure is not possible: jansson aborts
 * the response instead, see srv_json). */
json_t *srv_str(const char *s);
/* A query-string value, decoded (srv_query_get: *out NULL when absent).
 * Returns SH_EINVAL when malformed. *out: caller sh_free. */
int srv_query(srv_ctx *c, const char *name, char **out);
/* The request body as a JSON object (400 written to c on failure: returns
 * NULL). */
json_t *srv_body_json(srv_ctx *c);

/* Receiving a dossier from an upload (receive.c): the one place that calls
 * the receiving module. */
typedef struct srv_upload {
	const char *owner, *procedure; /* checked */
	const char *result_of;         /* a dossier code: store results, or NULL */
	size_t nfiles;
	const sh_srv_part *const *files;
} srv_upload;
int srv_receive(srv_ctx *c, const srv_upload *u);
/* sh_recv_store, one at a time with the uploads (receive.c). */
struct sh_recv_result;
struct sh_recv_source;
struct sh_recv_options;
int srv_recv_locked(struct sh_recv_result **out, sh_store *s, const struct sh_recv_source *src,
		    const struct sh_recv_options *o);

/* Staged batches over the network (batch.c). */
int srv_batch_create(srv_ctx *c);
int srv_batch_list(srv_ctx *c);
int srv_batch_get(srv_ctx *c);
int srv_batch_pages(srv_ctx *c);
int srv_batch_rotate(srv_ctx *c);
int srv_batch_move(srv_ctx *c);
int srv_batch_split(srv_ctx *c);
int srv_batch_delete(srv_ctx *c);
int srv_batch_kind(srv_ctx *c);
int srv_batch_page(srv_ctx *c);
int srv_batch_commit(srv_ctx *c);
int srv_batch_take(srv_ctx *c);

/* The citizen's own warehouse (citizen.c): its routes' handlers, run by
 * srv_citizen_run after the citizen session is checked. */
int srv_citizen_new(sh_srv *srv, const sh_srv_options *o);
void srv_citizen_free(sh_srv *srv);
void srv_citizen_run(srv_ctx *c, const srv_route *rt);
int srv_me_login(srv_ctx *c);
int srv_me_callback(srv_ctx *c);
int srv_me_logout(srv_ctx *c);
int srv_me_session(srv_ctx *c);
int srv_me_papers(srv_ctx *c);
int srv_me_paper(srv_ctx *c);
int srv_me_page(srv_ctx *c);
int srv_me_pdf(srv_ctx *c);
int srv_me_proof(srv_ctx *c);
int srv_me_reads(srv_ctx *c);
int srv_me_shares(srv_ctx *c);
int srv_me_share_new(srv_ctx *c);
int srv_me_share_revoke(srv_ctx *c);
int srv_me_share_qr(srv_ctx *c);
int srv_me_corrections(srv_ctx *c);
int srv_me_correct(srv_ctx *c);
int srv_me_delegates(srv_ctx *c);
int srv_me_delegate(srv_ctx *c);
int srv_share_use(srv_ctx *c);
int srv_share_attach(srv_ctx *c);
int srv_corrections(srv_ctx *c);
int srv_correction_apply(srv_ctx *c);
/* routes.c helpers shared with citizen.c */
int srv_tar_dir(const char *dir, const char *prefix, sh_buf *out);
void srv_rm_dir(const char *dir);

/* A province's replica of this office (replica.c). */
int srv_replica_checkpoint(srv_ctx *c);
int srv_replica_entries(srv_ctx *c);
int srv_replica_consistency(srv_ctx *c);
int srv_replica_keys(srv_ctx *c);
int srv_replica_blob(srv_ctx *c);
int srv_replica_paper(srv_ctx *c);
int srv_replica_paper_blob(srv_ctx *c);

/* Verifying the whole warehouse in the background (verifyjob.c). */
int srv_verify_start(srv_ctx *c);
int srv_verify_status(srv_ctx *c);
void srv_job_free(sh_srv *srv); /* joins the job's thread */


/* routes.c helpers shared with admin.c */
json_t *srv_when_json(int64_t t);
/* 1 when the server holds the office's signing key, else a 503 and 0. */
int srv_need_key(srv_ctx *c);
/* admin.c: operators and signing keys (routes "user" and "keys") */
int srv_users_get(srv_ctx *c);
int srv_users_add(srv_ctx *c);
int srv_users_disable(srv_ctx *c);
int srv_users_password(srv_ctx *c);
int srv_keys_get(srv_ctx *c);
int srv_keys_revoke(srv_ctx *c);
int srv_keys_rotate(srv_ctx *c);

#endif
