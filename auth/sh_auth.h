/*
 * sh_auth.h — accounts of the office server: password hashing (Argon2id
 * through libgcrypt), logging in against the warehouse's operators, login
 * throttling and server-side sessions with their CSRF token.
 *
 * Password hashes use Argon2id (RFC 9106) with t = SH_AUTH_T passes,
 * m = SH_AUTH_M_KIB KiB of memory, p = SH_AUTH_P lane, a 16-byte random
 * salt and a 32-byte tag, stored in the PHC string format of the reference
 * implementation: "$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>" (base64
 * without padding). Verification reads m, t and p from the string, so
 * stronger parameters later still verify older hashes.
 *
 * Conventions: int return, SH_OK or an sh_error code with
 * sh_error_message() set; the module never prints. The throttle and the
 * session table are thread-safe (one mutex each); everything else is
 * stateless. Expected errors: SH_EINVAL (malformed input or hash),
 * SH_EPERM (wrong password, disabled or unknown account: one message for
 * all, so a caller cannot tell which), SH_ENOTFOUND (session unknown or
 * expired), SH_ENOMEM, SH_EIO.
 */
#ifndef SH_AUTH_H
#define SH_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"
#include "sh_wh.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_AUTH_T 3           /* Argon2id passes */
#define SH_AUTH_M_KIB 65536   /* Argon2id memory: 64 MiB */
#define SH_AUTH_P 1           /* Argon2id lanes */
#define SH_AUTH_SALT_LEN 16
#define SH_AUTH_TAG_LEN 32
#define SH_AUTH_ENCODED_MAX 192 /* an encoded hash with its NUL */
#define SH_AUTH_PASSWORD_MAX 1024 /* bytes of a password */

/* Hash password (len bytes, any bytes but NUL) with a fresh random salt into
 * out as the encoded string. SH_EINVAL for an empty or over-long password. */
int sh_auth_hash(char out[SH_AUTH_ENCODED_MAX], const char *password, size_t len);
/* The same with given parameters and salt (tests, known-answer vectors). */
int sh_auth_hash_with(char out[SH_AUTH_ENCODED_MAX], const char *password, size_t len,
		      unsigned t, unsigned m_kib, unsigned p, const uint8_t *salt, size_t salt_len);
/* Does password match encoded? The tags are compared in constant time.
 * SH_OK, SH_EPERM (no match), SH_EINVAL (encoded is not an Argon2id string
 * this module accepts: m from 8 to 4 GiB, t 1..64, p 1..16). */
int sh_auth_verify(const char *encoded, const char *password, size_t len);

/* Read a password file: its first line, without the line end; at most
 * SH_AUTH_PASSWORD_MAX bytes, not empty. *out: release with
 * sh_auth_wipe_free (the bytes are overwritten first). */
int sh_auth_password_file(char **out, const char *path);
void sh_auth_wipe_free(char *p);

/* ---- accounts in the warehouse (store/cred.c keeps the hash) ---------- */

/* Set operator name's password (the operator must exist: SH_ENOTFOUND). */
int sh_auth_set_password(sh_store *s, const char *name, const char *password, size_t len);
/* Log in: the operator exists, is not disabled, has a password and it
 * matches. *out_role: the role. Always runs one Argon2id computation, also
 * for an unknown name, so the time taken does not say whether the name
 * exists. SH_EPERM "wrong user name or password" for every refusal; other
 * codes for a failing warehouse. */
int sh_auth_login(sh_store *s, const char *name, const char *password, size_t len,
		  int *out_role);

/* ---- PAM (pam.c; optional: `sohoa serve --auth pam`) ------------------- */
/* Check name's password with the PAM stack of service (pam_authenticate,
 * then pam_acct_mgmt), answering the stack's password prompts with pw; a
 * module's failure delay is not slept (the throttle above does that).
 * confdir: where service's file is, or NULL for /etc/pam.d. SH_EPERM
 * "wrong user name or password" when PAM refuses; SH_EIO when the stack
 * cannot run (a module missing, its directory service down); SH_EINVAL
 * when built without PAM. Thread-safe (one PAM handle per call). */
int sh_auth_pam_check(const char *service, const char *confdir, const char *name,
		      const char *password, size_t len);
/* 1 when built with PAM. */
int sh_auth_pam_available(void);
/* Log in through PAM: the password is PAM's, the role the warehouse's.
 * Refused (SH_EPERM, the same message as sh_auth_login) when PAM refuses,
 * when the name is not an operator of the warehouse (deny by default: a
 * directory account without a role gets nothing) or when it is disabled.
 * PAM is asked also for names the warehouse does not know, so the time
 * taken does not say which names have a role. */
int sh_auth_login_pam(sh_store *s, const char *service, const char *confdir, const char *name,
		      const char *password, size_t len, int *out_role);

/* ---- throttling ------------------------------------------------------- */

#define SH_AUTH_FREE_TRIES 5     /* failures allowed before waits start */
#define SH_AUTH_WAIT_BASE 5      /* first wait, seconds */
#define SH_AUTH_WAIT_MAX 900     /* longest wait, seconds */

/* Failures are counted per account name and per client address; after
 * SH_AUTH_FREE_TRIES failures of either, each further attempt must wait
 * SH_AUTH_WAIT_BASE * 2^(failures - SH_AUTH_FREE_TRIES) seconds (5, 10, 20,
 * ... up to SH_AUTH_WAIT_MAX) from the last failure. A success clears the account's and the address's count.
 * Counts older than a day are forgotten; at most 65536 are kept (the oldest
 * go first). */
typedef struct sh_auth_throttle sh_auth_throttle;
int sh_auth_throttle_new(sh_auth_throttle **out);
void sh_auth_throttle_free(sh_auth_throttle **t);
/* Seconds to wait before user (may be NULL) from addr may try, 0: now. */
int64_t sh_auth_throttle_wait(sh_auth_throttle *t, const char *user, const char *addr,
			      int64_t now);
void sh_auth_throttle_fail(sh_auth_throttle *t, const char *user, const char *addr, int64_t now);
void sh_auth_throttle_ok(sh_auth_throttle *t, const char *user, const char *addr);

/* ---- sessions --------------------------------------------------------- */

#define SH_AUTH_TOKEN_HEX 65 /* 256-bit token as hex, with its NUL */

/* A session as the server sees it (a copy; the table keeps only the
 * SHA-256 of the token, never the token). */
typedef struct sh_auth_session {
	char user[40];
	int role;
	char csrf[SH_AUTH_TOKEN_HEX]; /* the synchronizer token given at login */
	int64_t created, last;
} sh_auth_session;

typedef struct sh_auth_sessions sh_auth_sessions;
/* idle_s: a session unused that long ends; absolute_s: every session ends
 * that long after login. max: most sessions at once (the oldest ends). */
int sh_auth_sessions_new(sh_auth_sessions **out, int64_t idle_s, int64_t absolute_s, size_t max);
void sh_auth_sessions_free(sh_auth_sessions **t);
/* New session: token and csrf receive 64 hex digits each (256 random bits,
 * gcry_randomize with GCRY_STRONG_RANDOM). */
int sh_auth_session_new(sh_auth_sessions *t, const char *user, int role, int64_t now,
			char token[SH_AUTH_TOKEN_HEX], char csrf[SH_AUTH_TOKEN_HEX]);
/* The session of token, touched (its idle time restarts). SH_ENOTFOUND
 * when unknown, ended or expired (an expired one is removed). */
int sh_auth_session_get(sh_auth_sessions *t, const char *token, int64_t now,
			sh_auth_session *out);
/* End the session of token (logout); SH_ENOTFOUND when there is none. */
int sh_auth_session_end(sh_auth_sessions *t, const char *token);
/* End every session of user (disabled, password changed). Returns how many. */
size_t sh_auth_session_end_user(sh_auth_sessions *t, const char *user);
size_t sh_auth_session_count(sh_auth_sessions *t);
/* Is given the session's CSRF token? Constant time; NULL is no. */
int sh_auth_csrf_ok(const sh_auth_session *sess, const char *given);

/* ---- capture stations ----------------------------------------------------- */
/* A new station: token receives 64 hex digits (256 random bits, strong),
 * shown once; the warehouse keeps only its SHA-256 (sh_wh_station_add).
 * Errors of sh_wh_station_add (SH_EEXISTS, SH_EINVAL). */
int sh_auth_station_add(sh_store *s, const char *name, char token[SH_AUTH_TOKEN_HEX]);
/* The same for a province's replication token (sh_wh_station_add_replica):
 * it may read the signed log, keys and blobs (SH_WH_PERM_REPLICATE), nothing
 * else. */
int sh_auth_station_add_replica(sh_store *s, const char *name, char token[SH_AUTH_TOKEN_HEX]);
/* At the province, the token of office agency (sh_wh_station_add_office):
 * it may fetch one replicated paper at a time for reuse (SH_WH_PERM_OFFICE),
 * nothing else; its reads are audited as "office:AGENCY". */
int sh_auth_station_add_office(sh_store *s, const char *name, const char *agency,
			       char token[SH_AUTH_TOKEN_HEX]);
/* The station a bearer token belongs to: name (1..32 chars). SH_ENOTFOUND
 * for a malformed, unknown or revoked token. */
int sh_auth_station_check(sh_store *s, const char *token, char name[33]);

#ifdef __cplusplus
}
#endif
#endif
