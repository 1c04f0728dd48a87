/*
 * sh_srv.h — the office server: the warehouse behind an HTTP(S) JSON API
 * (docs/SERVER.md), a thin front end over the library. libmicrohttpd with
 * its own thread pool and epoll; TLS through GnuTLS; accounts and sessions
 * from auth/ (sh_auth.h); every decision about data is the library's.
 *
 * Conventions: int return, SH_OK or an sh_error code with
 * sh_error_message() set; the module never prints (requests are not
 * logged to stderr: the audit is in the warehouse). Expected errors:
 * SH_EINVAL (bad options, plain HTTP on a non-loopback address, unreadable
 * TLS files), SH_EIO (cannot listen), SH_ENOMEM.
 */
#ifndef SH_SRV_H
#define SH_SRV_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"
#include "sh_sign.h"
#include "sh_wh.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sh_srv_options {
	const char *listen;        /* "ADDR:PORT", "[V6ADDR]:PORT"; PORT 0: any free one */
	const char *tls_cert;      /* PEM certificate chain file, or NULL ... */
	const char *tls_key;       /* ... and its PEM key: both or neither. Without
				    * them only a loopback address is accepted */
	const sh_sign_key *key;    /* the office's signing key (borrowed, lives
				    * until sh_srv_stop); NULL: writes that sign
				    * (attach, revoke, uploads) answer 503 */
	size_t max_upload;         /* bytes of a request body; 0: 64 MiB */
	unsigned timeout_s;        /* a connection idle this long is closed; 0: 30 */
	unsigned threads;          /* worker threads; 0: 16 (an audited read's answer
				    * waits on its suspended connection, not in a
				    * thread, until its audit commit is durable) */
	unsigned max_connections;  /* at once, in all; 0: 256 */
	unsigned per_ip;           /* at once from one address; 0: 64 */
	unsigned session_idle_s;   /* 0: 1800 (30 min) */
	unsigned session_max_s;    /* absolute session lifetime; 0: 43200 (12 h) */
	const char *witness_dir;   /* a witness (sh_wit.h) to serve under /witness/
				    * (no login: a public protocol), or NULL */
	int auth_pam;              /* 1: passwords are checked by PAM
				    * (sh_auth_login_pam), roles still the
				    * warehouse's; 0: the warehouse's hashes */
	const char *pam_service;   /* PAM service name; NULL: "sohoa" */
	const char *pam_confdir;   /* its directory; NULL: /etc/pam.d */
	/* The citizen's own warehouse (docs/CITIZEN.md): the identity service
	 * to log citizens in with (copied; NULL: /api/v1/me/... answer 404).
	 * redirect_uri NULL: http(s)://<listen>/api/v1/me/callback. */
	const struct sh_oidc_config *oidc;
	const char *pdf_sign_key;  /* sign citizens' PDF downloads (sh_pdf_signer_open), or NULL */
	const char *pdf_sign_pin;
	const char *pdf_sign_chain;
	/* The province (docs/REPLICATION.md "Reuse across offices"): attach
	 * asks it for a paper not here. URL and this office's token there
	 * (copied), or NULL. */
	const char *province_url;
	const char *province_token;
} sh_srv_options;

typedef struct sh_srv sh_srv;

/* Start serving store (borrowed: open read-write, lives until sh_srv_stop;
 * its map is reserved with sh_store_map_reserve) on opts->listen. Threads
 * are started here; the caller's signal mask is inherited by them, so block
 * SIGTERM/SIGINT/SIGPIPE first. *out: stop with sh_srv_stop. */
int sh_srv_start(sh_srv **out, sh_store *store, const sh_srv_options *opts);
/* The port listened on (the one chosen when PORT was 0). */
unsigned sh_srv_port(const sh_srv *srv);
/* Is TLS on? */
int sh_srv_tls(const sh_srv *srv);
/* Stop: accept no new connection, let requests in flight finish (up to
 * grace_s seconds; an upload under way and an answer held for its audit
 * always finish: their threads are waited for and the audit flushed before
 * the connections close), close every connection, join the threads, free.
 * NULL-safe. */
void sh_srv_stop(sh_srv **srv, unsigned grace_s);

/* ---- pieces exposed for tests and fuzzing ---------------------------- */

/* One part of a multipart/form-data body. Pointers borrow the body given
 * to sh_srv_multipart_parse (name, filename: NUL-terminated copies owned
 * by the part list). */
typedef struct sh_srv_part {
	char *name;            /* form field name */
	char *filename;        /* file name given, or NULL for a plain field */
	char *content_type;    /* the part's Content-Type, or NULL */
	const uint8_t *data;   /* its bytes, inside the body */
	size_t len;
} sh_srv_part;
#define SH_SRV_PARTS_MAX 256
/* Parse body (len bytes) as multipart/form-data with the boundary of
 * content_type (the request's Content-Type header). *out: free with
 * sh_srv_parts_free(out, n). SH_EINVAL with a one-line reason for anything
 * not well formed (no boundary, missing closing delimiter, a header line
 * over 1024 bytes, more than SH_SRV_PARTS_MAX parts, a part without a
 * name). */
int sh_srv_multipart_parse(const char *content_type, const uint8_t *body, size_t len,
			   sh_srv_part **out, size_t *n);
void sh_srv_parts_free(sh_srv_part **parts, size_t n);

/* Decode a URL path (before any '?') into segments: percent-decoding,
 * refusing (SH_EINVAL) "%00" or a NUL, control bytes, bad escapes, text
 * that is not UTF-8 (overlong forms included), "." and ".." segments, empty
 * segments (except a trailing '/'), more than 16 segments or 2048 bytes.
 * *out: array of *n strings, free with sh_srv_path_free. */
int sh_srv_path_split(const char *raw, char ***out, size_t *n);
void sh_srv_path_free(char ***segs, size_t n);
/* Decode one query-string value ('+' is a space) with the same checks as a
 * path segment except '/' and dots are allowed. *out: caller sh_free. */
int sh_srv_query_decode(char **out, const char *raw, size_t len);

/* The embedded OpenAPI document (server/openapi.json), static storage. */
const char *sh_srv_openapi(size_t *len);
/* The routes the server answers, for tests: method and pattern of route i
 * (pattern segments "{name}" are parameters). SH_ENOTFOUND past the end. */
int sh_srv_route(size_t i, const char **method, const char **pattern);

#ifdef __cplusplus
}
#endif
#endif
