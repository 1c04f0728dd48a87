/* Unit tests of auth/ (sh_auth.h) and of the server's parsers (sh_srv.h):
 * Argon2id against the reference implementation's vector, the encoded
 * format, throttling, sessions and CSRF, URL paths, multipart bodies, and
 * credentials in a real warehouse. One CTest per test: server.unit.<name>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh_auth.h"
#include "sh_srv.h"

/* argon2 reference implementation, test.c: Argon2id v=19, t=2, m=65536,
 * p=1, "password", "somesalt". */
static void argon2id_vector(void **state)
{
	char enc[SH_AUTH_ENCODED_MAX];
	assert_int_equal(sh_auth_hash_with(enc, "password", 8, 2, 65536, 1,
					   (const uint8_t *)"somesalt", 8), SH_OK);
	assert_string_equal(enc, "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
				 "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");
	assert_int_equal(sh_auth_verify(enc, "password", 8), SH_OK);
	assert_int_equal(sh_auth_verify(enc, "passwore", 8), SH_EPERM);
	(void)state;
}

static void hash_verify(void **state)
{
	char a[SH_AUTH_ENCODED_MAX], b[SH_AUTH_ENCODED_MAX];
	const char *pw = "mật khẩu";
	assert_int_equal(sh_auth_hash(a, pw, strlen(pw)), SH_OK);
	assert_int_equal(sh_auth_hash(b, pw, strlen(pw)), SH_OK);
	assert_string_not_equal(a, b); /* fresh salt each time */
	assert_true(!strncmp(a, "$argon2id$v=19$m=65536,t=3,p=1$", 31));
	assert_int_equal(sh_auth_verify(a, pw, strlen(pw)), SH_OK);
	assert_int_equal(sh_auth_verify(a, pw, strlen(pw) - 1), SH_EPERM);
	assert_int_equal(sh_auth_verify(a, "", 0), SH_EPERM);
	assert_int_equal(sh_auth_hash(a, "", 0), SH_EINVAL);
	static const char *bad[] = {"", "$argon2i$v=19$m=65536,t=3,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8",
				    "$argon2id$v=19$m=065536,t=3,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8",
				    "$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8",
				    "$argon2id$v=19$m=99999999,t=3,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8",
				    "$argon2id$v=19$m=65536,t=3,p=1$c29t!XNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8",
				    "$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHQ"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(sh_auth_verify(bad[i], "x", 1), SH_EINVAL);
	(void)state;
}

static void throttle(void **state)
{
	sh_auth_throttle *t;
	assert_int_equal(sh_auth_throttle_new(&t), SH_OK);
	int64_t now = 1000000;
	for (int i = 0; i < SH_AUTH_FREE_TRIES; i++) {
		assert_int_equal(sh_auth_throttle_wait(t, "an", "10.0.0.1", now), 0);
		sh_auth_throttle_fail(t, "an", "10.0.0.1", now);
	}
	assert_int_equal(sh_auth_throttle_wait(t, "an", "10.0.0.9", now), SH_AUTH_WAIT_BASE);
	assert_int_equal(sh_auth_throttle_wait(t, "binh", "10.0.0.1", now), SH_AUTH_WAIT_BASE);
	assert_int_equal(sh_auth_throttle_wait(t, "binh", "10.0.0.9", now), 0);
	assert_int_equal(sh_auth_throttle_wait(t, "an", NULL, now + SH_AUTH_WAIT_BASE), 0);
	sh_auth_throttle_fail(t, "an", NULL, now + 10);
	assert_int_equal(sh_auth_throttle_wait(t, "an", NULL, now + 10), 2 * SH_AUTH_WAIT_BASE);
	for (int i = 0; i < 40; i++)
		sh_auth_throttle_fail(t, "an", NULL, now + 20);
	assert_int_equal(sh_auth_throttle_wait(t, "an", NULL, now + 20), SH_AUTH_WAIT_MAX);
	assert_int_equal(sh_auth_throttle_wait(t, "an", NULL, now + 20 + 24 * 3600), 0);
	sh_auth_throttle_ok(t, "an", "10.0.0.1");
	assert_int_equal(sh_auth_throttle_wait(t, "an", "10.0.0.1", now + 20), 0);
	sh_auth_throttle_free(&t);
	assert_null(t);
	(void)state;
}

static void sessions(void **state)
{
	sh_auth_sessions *t;
	char tok[SH_AUTH_TOKEN_HEX], csrf[SH_AUTH_TOKEN_HEX], tok2[SH_AUTH_TOKEN_HEX];
	sh_auth_session s;
	assert_int_equal(sh_auth_sessions_new(&t, 1800, 43200, 2), SH_OK);
	assert_int_equal(sh_auth_session_new(t, "an", SH_WH_ROLE_CLERK, 1000, tok, csrf), SH_OK);
	assert_int_equal(strlen(tok), 64);
	assert_string_not_equal(tok, csrf);
	assert_int_equal(sh_auth_session_get(t, tok, 1001, &s), SH_OK);
	assert_string_equal(s.user, "an");
	assert_true(sh_auth_csrf_ok(&s, csrf));
	assert_false(sh_auth_csrf_ok(&s, tok));
	assert_false(sh_auth_csrf_ok(&s, NULL));
	assert_false(sh_auth_csrf_ok(&s, ""));
	/* idle expiry restarts with each use; absolute expiry does not */
	assert_int_equal(sh_auth_session_get(t, tok, 1000 + 1799, &s), SH_OK);
	assert_int_equal(sh_auth_session_get(t, tok, 1000 + 1799 + 1799, &s), SH_OK);
	assert_int_equal(sh_auth_session_get(t, tok, 1000 + 3 * 1799 + 1, &s), SH_ENOTFOUND);
	assert_int_equal(sh_auth_session_new(t, "an", SH_WH_ROLE_CLERK, 5000, tok, csrf), SH_OK);
	for (int64_t now = 5000; now < 5000 + 43200; now += 1000)
		assert_int_equal(sh_auth_session_get(t, tok, now, &s), SH_OK);
	assert_int_equal(sh_auth_session_get(t, tok, 5000 + 43200, &s), SH_ENOTFOUND);
	/* logout, end by user, a full table drops the least recently used */
	assert_int_equal(sh_auth_session_new(t, "an", 2, 9000, tok, csrf), SH_OK);
	assert_int_equal(sh_auth_session_end(t, tok), SH_OK);
	assert_int_equal(sh_auth_session_get(t, tok, 9001, &s), SH_ENOTFOUND);
	assert_int_equal(sh_auth_session_end(t, tok), SH_ENOTFOUND);
	assert_int_equal(sh_auth_session_new(t, "an", 2, 9000, tok, csrf), SH_OK);
	assert_int_equal(sh_auth_session_new(t, "binh", 2, 9001, tok2, csrf), SH_OK);
	assert_int_equal(sh_auth_session_count(t), 2);
	assert_int_equal(sh_auth_session_end_user(t, "an"), 1);
	assert_int_equal(sh_auth_session_get(t, tok2, 9002, &s), SH_OK);
	assert_int_equal(sh_auth_session_get(t, "zz", 9002, &s), SH_ENOTFOUND);
	sh_auth_sessions_free(&t);
	(void)state;
}

static void paths(void **state)
{
	char **s;
	size_t n;
	assert_int_equal(sh_srv_path_split("/api/v1/papers/a%2Db/pages/1?w=3", &s, &n), SH_OK);
	assert_int_equal(n, 6);
	assert_string_equal(s[3], "a-b");
	sh_srv_path_free(&s, n);
	assert_int_equal(sh_srv_path_split("/", &s, &n), SH_OK);
	assert_int_equal(n, 0);
	sh_srv_path_free(&s, n);
	assert_int_equal(sh_srv_path_split("/a/%E1%BB%87/", &s, &n), SH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(s[1], "\xe1\xbb\x87");
	sh_srv_path_free(&s, n);
	static const char *bad[] = {"", "a", "/a/../b", "/..", "/a/%2e%2E", "/a%00", "/a%2fb", "/a%5cb",
				    "//a", "/a//b", "/%C0%AF", "/%ff", "/%e1%bb", "/%zz", "/%4", "/a%0a",
				    "/\x01", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		s = NULL;
		assert_int_equal(sh_srv_path_split(bad[i], &s, &n), SH_EINVAL);
		assert_null(s);
	}
	char *v;
	assert_int_equal(sh_srv_query_decode(&v, "nguy%E1%BB%85n+van", 18), SH_OK);
	assert_string_equal(v, "nguyễn van");
	sh_free(v);
	assert_int_equal(sh_srv_query_decode(&v, "a%00", 4), SH_EINVAL);
	(void)state;
}

static void multipart(void **state)
{
	const char body[] = "--XyZ\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\n001184362297\r\n"
			    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".png\"\r\n"
			    "Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ\r\n--XyZ--\r\n\r\nepilogue";
	sh_srv_part *p;
	size_t n;
	const char *ct = "multipart/form-data; boundary=XyZ";
	/* "--XyZ\r\n--XyZ--": a part without headers is refused (no name) */
	assert_int_equal(sh_srv_multipart_parse(ct, (const uint8_t *)body, sizeof body - 1, &p, &n),
			 SH_EINVAL);
	const char ok[] = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\n"
			  "001184362297\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
			  "filename=\"a \\\"b\\\".png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\r\n"
			  "--XyZ--\r\n";
	assert_int_equal(sh_srv_multipart_parse(ct, (const uint8_t *)ok, sizeof ok - 1, &p, &n), SH_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].name, "owner");
	assert_null(p[0].filename);
	assert_int_equal(p[0].len, 12);
	assert_memory_equal(p[0].data, "001184362297", 12);
	assert_string_equal(p[1].filename, "a \"b\".png");
	assert_string_equal(p[1].content_type, "image/png");
	assert_int_equal(p[1].len, 6); /* "\x89PNG\r\n": the CRLF before the delimiter is not data */
	sh_srv_parts_free(&p, n);
	static const char *bad_ct[] = {NULL, "text/plain", "multipart/form-data",
				       "multipart/form-data; boundary=",
				       "multipart/form-data; boundary=\"unterminated"};
	for (size_t i = 0; i < sizeof bad_ct / sizeof *bad_ct; i++)
		assert_int_equal(sh_srv_multipart_parse(bad_ct[i], (const uint8_t *)ok, sizeof ok - 1,
							&p, &n), SH_EINVAL);
	/* cut anywhere: refused, never read past the end */
	for (size_t cut = 0; cut < sizeof ok - 3; cut++) {
		uint8_t *b = malloc(cut ? cut : 1);
		memcpy(b, ok, cut);
		assert_int_equal(sh_srv_multipart_parse(ct, b, cut, &p, &n), SH_EINVAL);
		free(b);
	}
	(void)state;
}

static void credentials(void **state)
{
	char dir[] = "/tmp/sohoa-cred-XXXXXX";
	assert_non_null(mkdtemp(dir));
	sh_store *s;
	assert_int_equal(sh_store_create(dir, "000.00.99.Z99"), SH_OK);
	assert_int_equal(sh_store_open(&s, dir, 0), SH_OK);
	assert_int_equal(sh_store_map_reserve(s), SH_OK);
	int role, dis;
	char *enc;
	assert_int_equal(sh_auth_set_password(s, "an", "pw", 2), SH_ENOTFOUND);
	/* the first operator is added under the bootstrap rule; then the
	 * warehouse needs a session (the library's permissions) */
	assert_int_equal(sh_wh_user_add(s, "quan", SH_WH_ROLE_ADMIN), SH_OK);
	assert_int_equal(sh_wh_session_begin(s, "quan", "user"), SH_OK);
	assert_int_equal(sh_wh_user_add(s, "an", SH_WH_ROLE_CLERK), SH_OK);
	assert_int_equal(sh_auth_login(s, "an", "pw", 2, &role), SH_EPERM); /* no password yet */
	assert_int_equal(sh_auth_set_password(s, "an", "pw", 2), SH_OK);
	assert_int_equal(sh_wh_cred_get(s, "an", &role, &enc, &dis), SH_OK);
	assert_int_equal(role, SH_WH_ROLE_CLERK);
	assert_int_equal(dis, 0);
	assert_true(!strncmp(enc, "$argon2id$", 10));
	sh_free(enc);
	assert_int_equal(sh_auth_login(s, "an", "pw", 2, &role), SH_OK);
	assert_int_equal(role, SH_WH_ROLE_CLERK);
	assert_int_equal(sh_auth_login(s, "an", "pX", 2, &role), SH_EPERM);
	assert_int_equal(sh_auth_login(s, "nobody", "pw", 2, &role), SH_EPERM);
	assert_int_equal(sh_auth_login(s, "BAD NAME", "pw", 2, &role), SH_EPERM);
	assert_int_equal(sh_wh_user_disable(s, "an", 1), SH_OK);
	assert_int_equal(sh_auth_login(s, "an", "pw", 2, &role), SH_EPERM);
	assert_int_equal(sh_auth_set_password(s, "an", "pw2", 3), SH_OK);
	assert_int_equal(sh_wh_cred_get(s, "an", &role, NULL, &dis), SH_OK);
	assert_int_equal(dis, 1); /* a new password does not enable */
	assert_int_equal(sh_wh_user_disable(s, "an", 0), SH_OK);
	assert_int_equal(sh_auth_login(s, "an", "pw2", 3, &role), SH_OK);
	assert_int_equal(sh_wh_cred_set(s, "an", "has space"), SH_EINVAL);
	assert_int_equal(sh_wh_user_disable(s, "nobody", 1), SH_ENOTFOUND);
	size_t problems = 0;
	assert_int_equal(sh_wh_check(s, NULL, NULL, &problems), SH_OK);
	sh_store_close(&s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	(void)state;
}

/* The library refuses account and station changes itself (deny by
 * default), whatever the front end: a clerk's session, or no session at
 * all, gets SH_EPERM from sh_wh_cred_set, _user_disable, _station_*. */
static void library_perms(void **state)
{
	char dir[] = "/tmp/sohoa-perm-XXXXXX";
	assert_non_null(mkdtemp(dir));
	sh_store *s;
	assert_int_equal(sh_store_create(dir, "000.00.99.Z99"), SH_OK);
	assert_int_equal(sh_store_open(&s, dir, 0), SH_OK);
	assert_int_equal(sh_store_map_reserve(s), SH_OK);
	assert_int_equal(sh_wh_user_add(s, "quan", SH_WH_ROLE_ADMIN), SH_OK);
	assert_int_equal(sh_wh_session_begin(s, "quan", "user"), SH_OK);
	assert_int_equal(sh_wh_user_add(s, "an", SH_WH_ROLE_CLERK), SH_OK);
	assert_int_equal(sh_auth_set_password(s, "an", "pw", 2), SH_OK);
	char tok[SH_AUTH_TOKEN_HEX], tok2[SH_AUTH_TOKEN_HEX], name[33];
	assert_int_equal(sh_auth_station_add(s, "desk1", tok), SH_OK);
	const char hash[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char (*names)[33] = NULL;
	size_t n = 0;
	for (int round = 0; round < 2; round++) {
		if (round == 0) /* a clerk: an operator without the admin's permission */
			assert_int_equal(sh_wh_session_begin(s, "an", "user"), SH_OK);
		else /* no session: a failed begin leaves none */
			assert_int_equal(sh_wh_session_begin(s, NULL, "user"), SH_EPERM);
		assert_int_equal(sh_wh_cred_set(s, "quan", "$argon2id$x"), SH_EPERM);
		assert_int_equal(sh_wh_cred_set(s, "an", "$argon2id$x"), SH_EPERM);
		assert_int_equal(sh_auth_set_password(s, "an", "new", 3), SH_EPERM);
		assert_int_equal(sh_wh_user_disable(s, "quan", 1), SH_EPERM);
		assert_int_equal(sh_wh_user_add(s, "eve", SH_WH_ROLE_ADMIN), SH_EPERM);
		assert_int_equal(sh_wh_user_del(s, "quan"), SH_EPERM);
		assert_int_equal(sh_wh_station_add(s, "rogue", hash), SH_EPERM);
		assert_int_equal(sh_auth_station_add(s, "rogue", tok2), SH_EPERM);
		assert_int_equal(sh_wh_station_revoke(s, "desk1"), SH_EPERM);
		assert_int_equal(sh_wh_station_list(s, &names, &n), SH_EPERM);
		assert_null(names);
	}
	/* nothing changed: an's password is still "pw", quan is enabled, the
	 * station desk1 still logs in and a station's session still begins */
	int role, dis;
	assert_int_equal(sh_auth_login(s, "an", "pw", 2, &role), SH_OK);
	assert_int_equal(sh_wh_cred_get(s, "quan", &role, NULL, &dis), SH_OK);
	assert_int_equal(dis, 0);
	assert_int_equal(sh_wh_user_role(s, "eve", &role), SH_ENOTFOUND);
	assert_int_equal(sh_wh_station_find(s, hash, name), SH_ENOTFOUND);
	assert_int_equal(sh_auth_station_check(s, tok, name), SH_OK);
	assert_string_equal(name, "desk1");
	assert_int_equal(sh_wh_session_station(s, "desk1"), SH_OK);
	assert_int_equal(sh_wh_station_list(s, &names, &n), SH_EPERM); /* a station neither */
	/* the admin may */
	assert_int_equal(sh_wh_session_begin(s, "quan", "user"), SH_OK);
	assert_int_equal(sh_wh_station_list(s, &names, &n), SH_OK);
	assert_int_equal(n, 1);
	sh_free(names);
	assert_int_equal(sh_wh_station_revoke(s, "desk1"), SH_OK);
	assert_int_equal(sh_wh_user_disable(s, "an", 1), SH_OK);
	sh_store_close(&s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	(void)state;
}

/* The library's own audit of a session's reads rides on the handle's audit
 * group: threads reading at once (each its own session on the shared
 * handle) get every read audited once, with distinct sequence numbers;
 * one group per handle; without the group the audit still works. */
typedef struct reader_arg {
	sh_store *s;
	int rc;
} reader_arg;

static void *reader(void *arg)
{
	reader_arg *a = arg;
	a->rc = sh_wh_session_begin(a->s, "an", "owner");
	for (int i = 0; !a->rc && i < 10; i++) {
		sh_wh_owner_paper *ps = NULL;
		size_t n = 0;
		a->rc = sh_wh_owner_papers(a->s, NULL, "001184362297", 0, &ps, &n);
		sh_wh_owner_papers_free(&ps, n);
		if (!a->rc && n != 2)
			a->rc = -1000;
	}
	return NULL;
}

static void audit_group_session(void **state)
{
	char dir[] = "/tmp/sohoa-agrp-XXXXXX";
	assert_non_null(mkdtemp(dir));
	sh_store *s;
	assert_int_equal(sh_store_create(dir, "000.00.99.Z99"), SH_OK);
	assert_int_equal(sh_store_open(&s, dir, 0), SH_OK);
	assert_int_equal(sh_store_map_reserve(s), SH_OK);
	/* stored before there is an operator (the bootstrap rule) */
	sh_wh_page_in pg = {.image = (const uint8_t *)"\x89PNG\r\n\x1a\nx", .image_len = 9,
			    .mime = "image/png", .text = "giấy khai sinh", .width = 10,
			    .height = 10, .dpi = 300};
	sh_wh_paper_in pp[2] = {{.file = "a.png", .kind = "GKS", .npages = 1, .pages = &pg},
				{.file = "b.png", .kind = "CCCD", .npages = 1, .pages = &pg}};
	sh_wh_dossier_in d = {.owner = "001184362297", .procedure = "1.001193",
			      .operator_id = "quan", .npapers = 2, .papers = pp};
	sh_wh_dossier_codes *codes = NULL;
	assert_int_equal(sh_wh_dossiers_put(s, &d, 1, &codes), SH_OK);
	sh_wh_dossier_codes_free(&codes);
	assert_int_equal(sh_wh_user_add(s, "quan", SH_WH_ROLE_ADMIN), SH_OK);
	assert_int_equal(sh_wh_session_begin(s, "quan", "user"), SH_OK);
	assert_int_equal(sh_wh_user_add(s, "an", SH_WH_ROLE_CLERK), SH_OK);
	sh_wh_audit_group *g = NULL, *g2 = NULL;
	assert_int_equal(sh_wh_audit_group_new(&g, s), SH_OK);
	assert_int_equal(sh_wh_audit_group_new(&g2, s), SH_EEXISTS); /* one per handle */
	assert_null(g2);
	enum { T = 8 };
	pthread_t th[T];
	reader_arg ra[T];
	for (int i = 0; i < T; i++) {
		ra[i] = (reader_arg){s, 0};
		assert_int_equal(pthread_create(&th[i], NULL, reader, &ra[i]), 0);
	}
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(ra[i].rc, SH_OK);
	}
	size_t commits = 0, entries = 0;
	sh_wh_audit_group_stats(g, &commits, &entries);
	assert_int_equal(entries, T * 10 * 2); /* every read went through the group */
	assert_true(commits >= 1 && commits <= T * 10);
	printf("# %zu entries in %zu commits\n", entries, commits);
	sh_wh_audit_group_free(&g);
	/* no group any more: the same read is audited by its own commit */
	reader_arg one = {s, 0};
	reader(&one);
	assert_int_equal(one.rc, SH_OK);
	assert_int_equal(sh_wh_session_begin(s, "quan", "audit"), SH_OK);
	sh_wh_audit_rec *recs = NULL;
	size_t n = 0;
	assert_int_equal(sh_wh_audit_list(s, "an", NULL, &recs, &n), SH_OK);
	assert_int_equal(n, (T + 1) * 10 * 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(recs[i].command, "owner");
		if (i)
			assert_true(recs[i].seq > recs[i - 1].seq);
	}
	sh_free(recs);
	sh_store_close(&s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	(void)state;
}

/* Deferred audit (sh_wh_audit_defer_begin): each read's entries are
 * queued on a ticket and the call returns without waiting; the ticket says
 * when they are durable, once, by a call back or at once. */
typedef struct deferred_arg {
	sh_store *s;
	sh_wh_audit_group *g;
	int rc;
	atomic_int *called, *failed;
	int settled_at_once;
} deferred_arg;

static void deferred_done(void *arg, int rc, const char *msg)
{
	deferred_arg *a = arg;
	atomic_fetch_add(a->called, 1);
	if (rc)
		atomic_fetch_add(a->failed, 1);
	(void)msg;
}

static void *deferred_reader(void *arg)
{
	deferred_arg *a = arg;
	a->rc = sh_wh_session_begin(a->s, "an", "owner");
	for (int i = 0; !a->rc && i < 10; i++) {
		sh_wh_owner_paper *ps = NULL;
		size_t n = 0;
		sh_wh_audit_defer_begin(a->s);
		a->rc = sh_wh_owner_papers(a->s, NULL, "001184362297", 0, &ps, &n);
		sh_wh_audit_ticket *t = sh_wh_audit_defer_end(a->s);
		sh_wh_owner_papers_free(&ps, n);
		if (!a->rc && (n != 2 || !t))
			a->rc = -1000;
		int rc = SH_OK;
		if (t && !sh_wh_audit_ticket_then(t, a->g, &rc, deferred_done, a)) {
			a->settled_at_once++;
			if (rc)
				a->rc = rc;
		}
	}
	return NULL;
}

static void audit_deferred(void **state)
{
	char dir[] = "/tmp/sohoa-adef-XXXXXX";
	assert_non_null(mkdtemp(dir));
	sh_store *s;
	assert_int_equal(sh_store_create(dir, "000.00.99.Z99"), SH_OK);
	assert_int_equal(sh_store_open(&s, dir, 0), SH_OK);
	assert_int_equal(sh_store_map_reserve(s), SH_OK);
	sh_wh_page_in pg = {.image = (const uint8_t *)"\x89PNG\r\n\x1a\nx", .image_len = 9,
			    .mime = "image/png", .text = "giấy khai sinh", .width = 10,
			    .height = 10, .dpi = 300};
	sh_wh_paper_in pp[2] = {{.file = "a.png", .kind = "GKS", .npages = 1, .pages = &pg},
				{.file = "b.png", .kind = "CCCD", .npages = 1, .pages = &pg}};
	sh_wh_dossier_in d = {.owner = "001184362297", .procedure = "1.001193",
			      .operator_id = "quan", .npapers = 2, .papers = pp};
	sh_wh_dossier_codes *codes = NULL;
	assert_int_equal(sh_wh_dossiers_put(s, &d, 1, &codes), SH_OK);
	sh_wh_dossier_codes_free(&codes);
	assert_int_equal(sh_wh_user_add(s, "quan", SH_WH_ROLE_ADMIN), SH_OK);
	assert_int_equal(sh_wh_session_begin(s, "quan", "user"), SH_OK);
	assert_int_equal(sh_wh_user_add(s, "an", SH_WH_ROLE_CLERK), SH_OK);
	sh_wh_audit_group *g = NULL;
	assert_int_equal(sh_wh_audit_group_new(&g, s), SH_OK);
	/* nothing audited while deferring: no ticket */
	sh_wh_audit_defer_begin(s);
	assert_null(sh_wh_audit_defer_end(s));
	enum { T = 8 };
	pthread_t th[T];
	deferred_arg da[T];
	atomic_int called = 0, failed = 0;
	for (int i = 0; i < T; i++) {
		da[i] = (deferred_arg){s, g, 0, &called, &failed, 0};
		assert_int_equal(pthread_create(&th[i], NULL, deferred_reader, &da[i]), 0);
	}
	int at_once = 0;
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(da[i].rc, SH_OK);
		at_once += da[i].settled_at_once;
	}
	sh_wh_audit_group_flush(g); /* every call back made */
	assert_int_equal(atomic_load(&called) + at_once, T * 10);
	assert_int_equal(atomic_load(&failed), 0);
	size_t commits = 0, entries = 0;
	sh_wh_audit_group_stats(g, &commits, &entries);
	assert_int_equal(entries, T * 10 * 2);
	printf("# %zu entries in %zu commits, %d tickets settled at once\n", entries, commits,
	       at_once);
	sh_wh_audit_group_free(&g);
	assert_int_equal(sh_wh_session_begin(s, "quan", "audit"), SH_OK);
	sh_wh_audit_rec *recs = NULL;
	size_t n = 0;
	assert_int_equal(sh_wh_audit_list(s, "an", NULL, &recs, &n), SH_OK);
	assert_int_equal(n, T * 10 * 2);
	sh_free(recs);
	sh_store_close(&s);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	(void)state;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test(argon2id_vector), cmocka_unit_test(hash_verify),
		cmocka_unit_test(throttle),        cmocka_unit_test(sessions),
		cmocka_unit_test(paths),           cmocka_unit_test(multipart),
		cmocka_unit_test(credentials),     cmocka_unit_test(library_perms),
		cmocka_unit_test(audit_group_session), cmocka_unit_test(audit_deferred),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(all, NULL, NULL);
}
