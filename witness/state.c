/* The witness: its key and, per log origin, the trusted log keys and the
 * latest cosigned checkpoint, in its own directory (docs/FORMATS.md
 * "Witness directory"):
 *   witness.key          "sohoa-witness-v1", "name: N", "seed: <64 hex>" (0600)
 *   logs/<h>.keys        the origin, then one trusted verifier key a line
 *   logs/<h>.note        the latest cosigned checkpoint note
 * where <h> is the hex SHA-256 of the origin. Every add-checkpoint is
 * checked and recorded under an exclusive flock on dir/lock. */
#define _GNU_SOURCE
#include "sh_wit.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct sh_wit {
	char *dir;
	char name[SH_WIT_NAME_MAX + 1];
	sh_sign_key *key;
};

#define KEY_MAGIC "sohoa-witness-v1\n"

int sh_wit_create(const char *dir, const char *name)
{
	char *vk = NULL;
	uint8_t zero[32] = {0};
	int rc = sh_wit_vkey_format(&vk, name, SH_WIT_TYPE_COSIG, zero); /* name check */
	sh_free(vk);
	if (rc)
		return rc;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return sh_error_set(SH_EIO, "%s: cannot create folder: %s", dir, strerror(errno));
	char *kp = sh_asprintf("%s/witness.key", dir), *lp = sh_asprintf("%s/logs", dir);
	sh_sign_key *key = NULL;
	sh_buf b = SH_BUF_INIT;
	int fd = -1;
	if (!kp || !lp) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (mkdir(lp, 0700) < 0 && errno != EEXIST) {
		rc = sh_error_set(SH_EIO, "%s: cannot create folder: %s", lp, strerror(errno));
		goto out;
	}
	/* the seed is kept (the witness signs unattended), so it is drawn here */
	uint8_t seed[SH_SIGN_SEED_LEN];
	if ((rc = sh_crypto_init()))
		goto out;
	gcry_randomize(seed, sizeof seed, GCRY_VERY_STRONG_RANDOM);
	if ((rc = sh_sign_key_from_seed(&key, seed)))
		goto out;
	char hex[2 * SH_SIGN_SEED_LEN + 1];
	sh_hex(hex, seed, sizeof seed);
	memset(seed, 0, sizeof seed);
	rc = sh_buf_printf(&b, KEY_MAGIC "name: %s\nseed: %s\n", name, hex);
	memset(hex, 0, sizeof hex);
	if (rc)
		goto out;
	fd = open(kp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? sh_error_set(SH_EEXISTS, "%s already holds a witness", dir)
				     : sh_error_set(SH_EIO, "%s: cannot create: %s", kp, strerror(errno));
		goto out;
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) < 0) {
		rc = sh_error_set(SH_EIO, "%s: write failed: %s", kp, strerror(errno));
		unlink(kp);
	}
out:
	if (fd >= 0)
		close(fd);
	if (b.data)
		memset(b.data, 0, b.len);
	sh_buf_free(&b);
	sh_sign_key_free(&key);
	sh_free(kp);
	sh_free(lp);
	return rc;
}

int sh_wit_open(sh_wit **out, const char *dir)
{
	*out = NULL;
	char *kp = sh_asprintf("%s/witness.key", dir);
	if (!kp)
		return SH_ENOMEM;
	uint8_t *d = NULL;
	size_t n = 0;
	int rc = sh_file_read(&d, &n, kp, 4096);
	sh_free(kp);
	if (rc == SH_ENOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "%s holds no witness (sohoa witness init %s)", dir,
				    dir);
	if (rc)
		return rc;
	sh_wit *w = sh_calloc(1, sizeof *w);
	const char *t = (const char *)d, *nm, *sd, *e1, *e2;
	if (!w) {
		rc = SH_ENOMEM;
		goto out;
	}
	if (n < sizeof KEY_MAGIC || memcmp(t, KEY_MAGIC, sizeof KEY_MAGIC - 1) ||
	    strncmp(nm = t + sizeof KEY_MAGIC - 1, "name: ", 6) || !(e1 = memchr(nm, '\n', n - (size_t)(nm - t))) ||
	    (size_t)(e1 - nm - 6) > SH_WIT_NAME_MAX || strncmp(sd = e1 + 1, "seed: ", 6) ||
	    (size_t)(t + n - sd) != 6 + 64 + 1 || !(e2 = memchr(sd, '\n', 72)) || e2 != sd + 70) {
		rc = sh_error_set(SH_ECORRUPT, "%s/witness.key is damaged", dir);
		goto out;
	}
	memcpy(w->name, nm + 6, (size_t)(e1 - nm - 6));
	uint8_t seed[SH_SIGN_SEED_LEN];
	char hx[2 * SH_SIGN_SEED_LEN + 1];
	memcpy(hx, sd + 6, 2 * SH_SIGN_SEED_LEN);
	hx[2 * SH_SIGN_SEED_LEN] = 0;
	int bad = sh_unhex(seed, hx, sizeof seed);
	memset(hx, 0, sizeof hx);
	if (bad) {
		rc = sh_error_set(SH_ECORRUPT, "%s/witness.key is damaged", dir);
		goto out;
	}
	rc = sh_sign_key_from_seed(&w->key, seed);
	memset(seed, 0, sizeof seed);
	if (!rc && !(w->dir = sh_strdup(dir)))
		rc = SH_ENOMEM;
out:
	if (d)
		memset(d, 0, n);
	sh_free(d);
	if (rc)
		sh_wit_close(&w);
	*out = w;
	return rc;
}

void sh_wit_close(sh_wit **w)
{
	if (!w || !*w)
		return;
	sh_sign_key_free(&(*w)->key);
	sh_free((*w)->dir);
	sh_free(*w);
	*w = NULL;
}

int sh_wit_own_vkey(const sh_wit *w, char **out)
{
	uint8_t pub[32];
	sh_sign_key_public(pub, w->key);
	return sh_wit_vkey_format(out, w->name, SH_WIT_TYPE_COSIG, pub);
}

static char *log_path(const sh_wit *w, const char *origin, const char *ext)
{
	uint8_t h[SH_SHA256_LEN];
	char hex[2 * SH_SHA256_LEN + 1];
	sh_sha256(h, origin, strlen(origin));
	sh_hex(hex, h, sizeof h);
	return sh_asprintf("%s/logs/%s.%s", w->dir, hex, ext);
}

static int lock_dir(const sh_wit *w)
{
	char *p = sh_asprintf("%s/lock", w->dir);
	if (!p)
		return SH_ENOMEM;
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	sh_free(p);
	if (fd < 0)
		return sh_error_set(SH_EIO, "%s/lock: %s", w->dir, strerror(errno));
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return sh_error_set(SH_EIO, "%s/lock: %s", w->dir, strerror(errno));
		}
	return fd;
}

static void unlock_dir(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/* The trusted keys of origin: the file's lines after the first. */
static int keys_read(const sh_wit *w, const char *origin, sh_wit_vkey **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	char *p = log_path(w, origin, "keys");
	if (!p)
		return SH_ENOMEM;
	uint8_t *d = NULL;
	size_t len = 0;
	int rc = sh_file_read(&d, &len, p, 1 << 20);
	sh_free(p);
	if (rc == SH_ENOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "this witness does not know the log %s", origin);
	if (rc)
		return rc;
	const char *t = (const char *)d, *end = t + len, *e = memchr(t, '\n', len);
	size_t cap = 0;
	for (const char *l = e ? e + 1 : end; !rc && l < end; l = e + 1) {
		e = memchr(l, '\n', (size_t)(end - l));
		if (!e)
			break;
		if (*n == cap) {
			cap = cap ? 2 * cap : 4;
			sh_wit_vkey *nk = sh_realloc(*out, cap * sizeof *nk);
			if (!nk) {
				rc = SH_ENOMEM;
				break;
			}
			*out = nk;
		}
		if (!sh_wit_vkey_parse(&(*out)[*n], l, (size_t)(e - l)))
			(*n)++;
	}
	sh_free(d);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int sh_wit_log_add(sh_wit *w, const char *origin, const char *vkey)
{
	sh_wit_vkey k;
	int rc = sh_wit_vkey_parse(&k, vkey, strlen(vkey));
	if (rc)
		return rc;
	if (k.type != SH_WIT_TYPE_ED25519 || strcmp(k.name, origin))
		return sh_error_set(SH_EINVAL, "a log's key must be an Ed25519 note key named %s",
				    origin);
	int fd = lock_dir(w);
	if (fd < 0)
		return fd;
	char *p = log_path(w, origin, "keys");
	uint8_t *d = NULL;
	size_t len = 0;
	sh_buf b = SH_BUF_INIT;
	if (!p) {
		rc = SH_ENOMEM;
		goto out;
	}
	rc = sh_file_read(&d, &len, p, 1 << 20);
	if (rc == SH_ENOTFOUND) {
		rc = sh_buf_printf(&b, "%s\n", origin);
	} else if (!rc) {
		if (memmem(d, len, vkey, strlen(vkey))) {
			rc = sh_error_set(SH_EEXISTS, "the witness already trusts that key for %s",
					  origin);
			goto out;
		}
		rc = sh_buf_put(&b, d, len);
	}
	if (!rc)
		rc = sh_buf_printf(&b, "%s\n", vkey);
	if (!rc)
		rc = sh_file_write(p, b.data, b.len);
out:
	unlock_dir(fd);
	sh_free(p);
	sh_free(d);
	sh_buf_free(&b);
	return rc;
}

static int latest_locked(const sh_wit *w, const char *origin, uint8_t **d, size_t *len)
{
	char *p = log_path(w, origin, "note");
	if (!p)
		return SH_ENOMEM;
	int rc = sh_file_read(d, len, p, SH_WIT_NOTE_MAX);
	sh_free(p);
	if (rc == SH_ENOTFOUND)
		sh_error_set(SH_ENOTFOUND, "this witness has cosigned no checkpoint of %s", origin);
	return rc;
}

int sh_wit_latest(sh_wit *w, const char *origin, sh_buf *out)
{
	int fd = lock_dir(w);
	if (fd < 0)
		return fd;
	uint8_t *d = NULL;
	size_t len = 0;
	int rc = latest_locked(w, origin, &d, &len);
	unlock_dir(fd);
	if (!rc)
		rc = sh_buf_put(out, d, len);
	sh_free(d);
	return rc;
}

static int answer(unsigned *status, unsigned st, int rc)
{
	*status = st;
	return rc;
}

/* Long on purpose (~140 lines): the add-checkpoint steps of the witness
 * protocol (C2SP tlog-witness) in order, each with its own HTTP status. */
int sh_wit_add_checkpoint(sh_wit *w, const void *req, size_t len, unsigned *status, sh_buf *resp)
{
	uint64_t old;
	uint8_t proof[SH_WIT_PROOF_MAX][SH_SHA256_LEN];
	size_t np, off;
	sh_wit_note *note = sh_malloc(sizeof *note), *prev = sh_malloc(sizeof *prev);
	sh_wit_vkey *keys = NULL;
	size_t nkeys = 0;
	uint8_t *pd = NULL;
	size_t plen = 0;
	sh_buf st = SH_BUF_INIT, cos = SH_BUF_INIT;
	int fd = -1, rc;
	const uint8_t *text = (const uint8_t *)req;
	if (!note || !prev) {
		rc = answer(status, 500, SH_ENOMEM);
		goto out;
	}
	if ((rc = sh_wit_request_parse(&old, proof, &np, &off, req, len)) ||
	    (rc = sh_wit_note_parse(note, text + off, len - off))) {
		rc = answer(status, 400, rc);
		goto out;
	}
	text += off;
	if (old > note->size) {
		rc = answer(status, 400, sh_error_set(SH_EINVAL, "old size %llu is larger than the "
								 "checkpoint's %llu",
						      (unsigned long long)old,
						      (unsigned long long)note->size));
		goto out;
	}
	if ((fd = lock_dir(w)) < 0) {
		rc = answer(status, 500, fd);
		goto out;
	}
	if ((rc = keys_read(w, note->origin, &keys, &nkeys))) {
		rc = answer(status, rc == SH_ENOTFOUND ? 404 : 500, rc);
		goto out;
	}
	/* a signature by a trusted log key; a failing one is a malformed note */
	int good = 0;
	for (size_t i = 0; i < nkeys && !good; i++) {
		int r = sh_wit_note_verify(note, text, &keys[i], NULL);
		if (r == SH_EBADSIG) {
			rc = answer(status, 403, r);
			goto out;
		}
		good = r == SH_OK;
	}
	if (!good) {
		rc = answer(status, 403, sh_error_set(SH_EBADSIG, "the checkpoint of %s is not signed "
								  "by a key this witness trusts",
						      note->origin));
		goto out;
	}
	uint64_t have = 0;
	rc = latest_locked(w, note->origin, &pd, &plen);
	if (rc == SH_OK) {
		if ((rc = sh_wit_note_parse(prev, pd, plen))) {
			rc = answer(status, 500, sh_error_set(SH_ECORRUPT, "the witness's record of %s "
									   "is damaged",
							      note->origin));
			goto out;
		}
		have = prev->size;
	} else if (rc != SH_ENOTFOUND) {
		rc = answer(status, 500, rc);
		goto out;
	}
	if (old != have) {
		sh_buf_printf(resp, "%llu\n", (unsigned long long)have);
		rc = answer(status, 409,
			    sh_error_set(SH_EBADSIG, "the witness cosigned %llu entries of %s, the "
						     "request starts from %llu",
					 (unsigned long long)have, note->origin,
					 (unsigned long long)old));
		goto out;
	}
	if (have && old == note->size && memcmp(prev->root, note->root, SH_SHA256_LEN)) {
		rc = answer(status, 409, sh_error_set(SH_EBADSIG, "fork: a different tree of %llu "
								  "entries than the one cosigned",
						      (unsigned long long)old));
		goto out;
	}
	if (have && old < note->size &&
	    sh_log_consistency_verify(old, prev->root, note->size, note->root,
				      (const uint8_t(*)[SH_SHA256_LEN])proof, np)) {
		rc = answer(status, 422, sh_error_set(SH_EBADSIG, "the tree of %llu entries is not "
								  "consistent with the cosigned one "
								  "of %llu",
						      (unsigned long long)note->size,
						      (unsigned long long)old));
		goto out;
	}
	uint64_t t = (uint64_t)sh_now();
	if ((rc = sh_wit_cosign(&cos, w->key, w->name, text, note->body_len, t))) {
		rc = answer(status, 500, rc);
		goto out;
	}
	/* the record: the body, the trusted log signatures, the cosignature */
	rc = sh_buf_put(&st, text, note->body_len);
	if (!rc)
		rc = sh_buf_puts(&st, "\n");
	for (size_t i = 0; !rc && i < note->nsigs; i++)
		for (size_t k = 0; !rc && k < nkeys; k++)
			if (!strcmp(note->sigs[i].name, keys[k].name) &&
			    !memcmp(note->sigs[i].id, keys[k].id, 4)) {
				uint8_t raw[4 + sizeof note->sigs[i].sig];
				memcpy(raw, note->sigs[i].id, 4);
				memcpy(raw + 4, note->sigs[i].sig, note->sigs[i].sig_len);
				rc = sh_buf_printf(&st, "\xe2\x80\x94 %s ", note->sigs[i].name);
				if (!rc)
					rc = sh_wit_b64_encode(&st, raw, 4 + note->sigs[i].sig_len);
				if (!rc)
					rc = sh_buf_puts(&st, "\n");
				break;
			}
	if (!rc)
		rc = sh_buf_put(&st, cos.data, cos.len);
	char *p = rc ? NULL : log_path(w, note->origin, "note");
	if (!rc && !p)
		rc = SH_ENOMEM;
	if (!rc)
		rc = sh_file_write(p, st.data, st.len);
	sh_free(p);
	if (rc) {
		rc = answer(status, 500, rc);
		goto out;
	}
	rc = sh_buf_put(resp, cos.data, cos.len);
	rc = answer(status, rc ? 500 : 200, rc);
out:
	unlock_dir(fd);
	sh_free(note);
	sh_free(prev);
	sh_free(keys);
	sh_free(pd);
	sh_buf_free(&st);
	sh_buf_free(&cos);
	return rc;
}
