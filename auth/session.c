/* Login throttling and server-side sessions (sh_auth.h). Small tables
 * searched linearly under one mutex: an office has tens of people, and the
 * limits (65536 counts, `max` sessions) bound the work per call. */
#include "sh_auth.h"

#include <gcrypt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- throttle ---------------------------------------------------------- */

#define THR_MAX 65536
#define THR_FORGET (24 * 3600)

typedef struct thr_ent {
	char key[72]; /* "u:<name>" or "a:<address>" */
	unsigned fails;
	int64_t last;
} thr_ent;

struct sh_auth_throttle {
	pthread_mutex_t mu;
	thr_ent *e;
	size_t n, cap;
};

int sh_auth_throttle_new(sh_auth_throttle **out)
{
	*out = sh_calloc(1, sizeof **out);
	if (!*out)
		return SH_ENOMEM;
	pthread_mutex_init(&(*out)->mu, NULL);
	return SH_OK;
}

void sh_auth_throttle_free(sh_auth_throttle **t)
{
	if (!t || !*t)
		return;
	pthread_mutex_destroy(&(*t)->mu);
	sh_free((*t)->e);
	sh_free(*t);
	*t = NULL;
}

static thr_ent *thr_find(sh_auth_throttle *t, char kind, const char *v, int create, int64_t now)
{
	char key[72];
	snprintf(key, sizeof key, "%c:%s", kind, v);
	size_t oldest = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (!strcmp(t->e[i].key, key))
			return &t->e[i];
		if (t->e[i].last < t->e[oldest].last)
			oldest = i;
	}
	if (!create)
		return NULL;
	thr_ent *e;
	if (t->n < t->cap) {
		e = &t->e[t->n++];
	} else if (t->cap < THR_MAX) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		thr_ent *ne = sh_realloc(t->e, nc * sizeof *ne);
		if (!ne)
			return t->n ? &t->e[oldest] : NULL; /* reuse rather than forget to count */
		t->e = ne;
		t->cap = nc;
		e = &t->e[t->n++];
	} else {
		e = &t->e[oldest];
	}
	memset(e, 0, sizeof *e);
	snprintf(e->key, sizeof e->key, "%s", key);
	e->last = now;
	return e;
}

static int64_t thr_wait_of(const thr_ent *e, int64_t now)
{
	if (!e || e->fails < SH_AUTH_FREE_TRIES || now - e->last >= THR_FORGET)
		return 0;
	unsigned k = e->fails - SH_AUTH_FREE_TRIES;
	int64_t w = k >= 10 ? SH_AUTH_WAIT_MAX : (int64_t)SH_AUTH_WAIT_BASE << k;
	if (w > SH_AUTH_WAIT_MAX)
		w = SH_AUTH_WAIT_MAX;
	int64_t left = e->last + w - now;
	return left > 0 ? left : 0;
}

int64_t sh_auth_throttle_wait(sh_auth_throttle *t, const char *user, const char *addr,
			      int64_t now)
{
	pthread_mutex_lock(&t->mu);
	int64_t a = user ? thr_wait_of(thr_find(t, 'u', user, 0, now), now) : 0;
	int64_t b = addr ? thr_wait_of(thr_find(t, 'a', addr, 0, now), now) : 0;
	pthread_mutex_unlock(&t->mu);
	return a > b ? a : b;
}

void sh_auth_throttle_fail(sh_auth_throttle *t, const char *user, const char *addr, int64_t now)
{
	pthread_mutex_lock(&t->mu);
	const char *v[2] = {user, addr};
	for (int i = 0; i < 2; i++) {
		thr_ent *e = v[i] ? thr_find(t, i ? 'a' : 'u', v[i], 1, now) : NULL;
		if (!e)
			continue;
		if (now - e->last >= THR_FORGET)
			e->fails = 0;
		if (e->fails < 1000)
			e->fails++;
		e->last = now;
	}
	pthread_mutex_unlock(&t->mu);
}

void sh_auth_throttle_ok(sh_auth_throttle *t, const char *user, const char *addr)
{
	pthread_mutex_lock(&t->mu);
	const char *v[2] = {user, addr};
	for (int i = 0; i < 2; i++) {
		thr_ent *e = v[i] ? thr_find(t, i ? 'a' : 'u', v[i], 0, 0) : NULL;
		if (e)
			*e = t->e[--t->n];
	}
	pthread_mutex_unlock(&t->mu);
}

/* ---- sessions ------------------------------------------------------------ */

typedef struct sess_ent {
	uint8_t hash[SH_SHA256_LEN]; /* SHA-256 of the token */
	sh_auth_session s;
} sess_ent;

struct sh_auth_sessions {
	pthread_mutex_t mu;
	int64_t idle, absolute;
	size_t max, n;
	sess_ent *e;
};

int sh_auth_sessions_new(sh_auth_sessions **out, int64_t idle_s, int64_t absolute_s, size_t max)
{
	*out = NULL;
	if (idle_s < 1 || absolute_s < 1 || max < 1)
		return sh_error_set(SH_EINVAL, "session limits must be positive");
	sh_auth_sessions *t = sh_calloc(1, sizeof *t);
	if (!t || !(t->e = sh_calloc(max, sizeof *t->e))) {
		sh_free(t);
		return SH_ENOMEM;
	}
	pthread_mutex_init(&t->mu, NULL);
	t->idle = idle_s;
	t->absolute = absolute_s;
	t->max = max;
	*out = t;
	return SH_OK;
}

void sh_auth_sessions_free(sh_auth_sessions **t)
{
	if (!t || !*t)
		return;
	memset((*t)->e, 0, (*t)->max * sizeof *(*t)->e);
	pthread_mutex_destroy(&(*t)->mu);
	sh_free((*t)->e);
	sh_free(*t);
	*t = NULL;
}

static int expired(const sh_auth_sessions *t, const sess_ent *e, int64_t now)
{
	return now - e->s.last >= t->idle || now - e->s.created >= t->absolute || now < e->s.created;
}

static void drop(sh_auth_sessions *t, size_t i)
{
	t->e[i] = t->e[--t->n];
	memset(&t->e[t->n], 0, sizeof t->e[t->n]);
}

static void token_hash(uint8_t out[SH_SHA256_LEN], const char *token)
{
	sh_sha256(out, token, strlen(token));
}

int sh_auth_session_new(sh_auth_sessions *t, const char *user, int role, int64_t now,
			char token[SH_AUTH_TOKEN_HEX], char csrf[SH_AUTH_TOKEN_HEX])
{
	int rc = sh_crypto_init();
	if (rc)
		return rc;
	if (!user || strlen(user) >= sizeof t->e[0].s.user)
		return sh_error_set(SH_EINVAL, "operator name too long for a session");
	uint8_t r[64];
	gcry_randomize(r, sizeof r, GCRY_STRONG_RANDOM);
	sh_hex(token, r, 32);
	sh_hex(csrf, r + 32, 32);
	memset(r, 0, sizeof r);
	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < t->n;) /* expired ones go first */
		if (expired(t, &t->e[i], now))
			drop(t, i);
		else
			i++;
	if (t->n == t->max) { /* full: the least recently used ends */
		size_t old = 0;
		for (size_t i = 1; i < t->n; i++)
			if (t->e[i].s.last < t->e[old].s.last)
				old = i;
		drop(t, old);
	}
	sess_ent *e = &t->e[t->n++];
	memset(e, 0, sizeof *e);
	token_hash(e->hash, token);
	snprintf(e->s.user, sizeof e->s.user, "%s", user);
	e->s.role = role;
	memcpy(e->s.csrf, csrf, SH_AUTH_TOKEN_HEX);
	e->s.created = e->s.last = now;
	pthread_mutex_unlock(&t->mu);
	return SH_OK;
}

static long sess_find(sh_auth_sessions *t, const char *token)
{
	if (!token || strlen(token) != SH_AUTH_TOKEN_HEX - 1)
		return -1;
	uint8_t h[SH_SHA256_LEN];
	token_hash(h, token);
	for (size_t i = 0; i < t->n; i++)
		if (!memcmp(t->e[i].hash, h, sizeof h)) /* a hash: timing says nothing */
			return (long)i;
	return -1;
}

int sh_auth_session_get(sh_auth_sessions *t, const char *token, int64_t now, sh_auth_session *out)
{
	pthread_mutex_lock(&t->mu);
	long i = sess_find(t, token);
	int rc = SH_OK;
	if (i >= 0 && expired(t, &t->e[i], now)) {
		drop(t, (size_t)i);
		i = -1;
	}
	if (i < 0) {
		rc = sh_error_set(SH_ENOTFOUND, "no session, or it expired: log in");
	} else {
		t->e[i].s.last = now;
		*out = t->e[i].s;
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int sh_auth_session_end(sh_auth_sessions *t, const char *token)
{
	pthread_mutex_lock(&t->mu);
	long i = sess_find(t, token);
	if (i >= 0)
		drop(t, (size_t)i);
	pthread_mutex_unlock(&t->mu);
	return i >= 0 ? SH_OK : sh_error_set(SH_ENOTFOUND, "no such session");
}

size_t sh_auth_session_end_user(sh_auth_sessions *t, const char *user)
{
	size_t k = 0;
	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < t->n;)
		if (!strcmp(t->e[i].s.user, user)) {
			drop(t, i);
			k++;
		} else {
			i++;
		}
	pthread_mutex_unlock(&t->mu);
	return k;
}

size_t sh_auth_session_count(sh_auth_sessions *t)
{
	pthread_mutex_lock(&t->mu);
	size_t n = t->n;
	pthread_mutex_unlock(&t->mu);
	return n;
}

int sh_auth_csrf_ok(const sh_auth_session *sess, const char *given)
{
	if (!given || strlen(given) != SH_AUTH_TOKEN_HEX - 1)
		return 0;
	unsigned char d = 0;
	for (size_t i = 0; i < SH_AUTH_TOKEN_HEX - 1; i++)
		d |= (unsigned char)(sess->csrf[i] ^ given[i]);
	return d == 0;
}
