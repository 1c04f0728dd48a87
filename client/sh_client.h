/*
 * sh_client.h — the command line as a client of the office server
 * (sohoa serve, docs/SERVER.md "The command line as a client"): a session
 * saved by login, or a capture station's token, and requests to the JSON
 * API over libcurl.
 *
 * Conventions: int return, SH_OK or an sh_error code with sh_error_message()
 * set (an HTTP error's one-line {"error"} becomes the message); the module
 * never prints. A handle is used from one thread.
 */
#ifndef SH_CLIENT_H
#define SH_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sh_client sh_client;

/* The session file: $XDG_CONFIG_HOME/sohoa/session or
 * ~/.config/sohoa/session (mode 0600): the server URL, the session cookie
 * and the CSRF token, one a line. *out: caller sh_free. */
int sh_client_session_path(char **out);

/* Log in: POST /api/v1/login, and save the session (0600, written to a
 * temporary file and renamed). url: "http(s)://host:port". Errors: SH_EPERM
 * (wrong user name or password, throttled), SH_EIO (no server), SH_EINVAL. */
int sh_client_login(const char *url, const char *user, const char *password, size_t len);
/* Forget the saved session (POST /api/v1/logout, then remove the file). */
int sh_client_logout(void);

/* A client for url (NULL: the saved session's). With $SOHOA_STATION_TOKEN
 * set, requests carry `Authorization: Bearer` instead of the session.
 * SH_ENOTFOUND: no saved session for that server and no station token
 * ("log in first"). *out: free with sh_client_free. */
int sh_client_open(sh_client **out, const char *url);
void sh_client_free(sh_client **c);
/* 1 when c authenticates as a capture station (bearer token). */
int sh_client_is_station(const sh_client *c);

/* One request. path: "/api/v1/..." with its query, already encoded.
 * json: a body (POST) or NULL. *status: the HTTP status; *body: the
 * response (caller sh_buf_free), NUL-terminated. A status >= 400 is
 * returned as the error its status maps to (400/415/422 SH_EINVAL, 401/403
 * SH_EPERM, 404 SH_ENOTFOUND, 409 SH_EEXISTS, 413 SH_ELIMIT, 503 SH_EBUSY,
 * 507 SH_EFULL, else SH_EIO) with the server's message; body still filled. */
int sh_client_get(sh_client *c, const char *path, long *status, sh_buf *body);
int sh_client_post(sh_client *c, const char *path, const char *json, long *status,
		   sh_buf *body);
/* Uploads (sh_client_upload) carry `Idempotency-Key: key` until this is
 * called again (NULL: none): the server stores a dossier once per key and
 * account, and answers a repeat with the first upload's result. key: 1..64
 * of A-Z a-z 0-9 _ - (SH_EINVAL). */
int sh_client_set_idempotency(sh_client *c, const char *key);
/* A multipart upload: fields (nfields name/value pairs, flat array) and
 * files (paths, each a part named "file"). */
int sh_client_upload(sh_client *c, const char *path, const char *const *fields, size_t nfields,
		     const char *const *files, size_t nfiles, long *status, sh_buf *body);
/* One request with no session (a public protocol such as a witness's,
 * docs/SIGNING.md "Witnesses"): POST body (len bytes, content_type) when
 * body is not NULL, else GET. Any HTTP status is returned in *status with
 * SH_OK; ctype_out (may be NULL) receives the response's Content-Type.
 * *resp: caller sh_buf_free, NUL-terminated. SH_EIO when no answer. */
int sh_client_plain(const char *url, const void *body, size_t len, const char *content_type,
		    long *status, char *ctype_out, size_t ctype_n, sh_buf *resp);
/* A flat ustar archive (a proof bundle from the server): call fn for each
 * regular file "<prefix>/<name>" (name: [A-Za-z0-9._-], not starting with
 * '.'; data borrowed from tar). fn NULL: check only. SH_EINVAL for anything
 * else (a path, a link, a bad checksum or size, truncated, empty); fn's
 * error stops the walk. */
int sh_client_tar_each(const uint8_t *tar, size_t len, const char *prefix,
		       int (*fn)(void *arg, const char *name, const uint8_t *data, size_t n),
		       void *arg);
/* Check the whole archive, then write its files into dir (created if
 * missing; an existing file is SH_EEXISTS, never overwritten). */
int sh_client_untar(const uint8_t *tar, size_t len, const char *prefix, const char *dir);
/* Percent-encode s for a query value or path segment. *out: caller sh_free. */
int sh_client_escape(char **out, const char *s);

#ifdef __cplusplus
}
#endif
#endif
