/* The office side of witnessing: which witnesses the warehouse trusts
 * (<warehouse>/witnesses), obtaining their cosignatures on a checkpoint
 * note of the log (stored in <warehouse>/witnessed/), and the rollback
 * checks of verify --all and restore. Both files live beside data.mdb, not
 * in it, so restoring an older data.mdb keeps them. */
#define _GNU_SOURCE
#include "sh_wit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sh_client.h"
#include "sh_ledger.h"
#include "sh_wh.h"

#define CONF_MAGIC "sohoa-witnesses-v1\n"

static void say(sh_wit_report_fn report, void *arg, size_t *count, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void say(sh_wit_report_fn report, void *arg, size_t *count, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (count)
		(*count)++;
	if (report)
		report(arg, msg);
}

static int is_url(const char *where)
{
	return !strncmp(where, "http://", 7) || !strncmp(where, "https://", 8);
}

static int origin_of(const char *agency, char **out)
{
	*out = sh_asprintf("sohoa/%s", agency);
	return *out ? SH_OK : SH_ENOMEM;
}

int sh_wit_origin(sh_store *s, char **out)
{
	return origin_of(sh_store_agency(s), out);
}

int sh_wit_office_vkey(sh_store *s, const sh_sign_key *key, char **out)
{
	char *origin = NULL;
	int rc = sh_wit_origin(s, &origin);
	if (rc)
		return rc;
	uint8_t pub[SH_SIGN_PUBLIC_LEN];
	sh_sign_key_public(pub, key);
	rc = sh_wit_vkey_format(out, origin, SH_WIT_TYPE_ED25519, pub);
	sh_free(origin);
	return rc;
}

/* ---- talking to a witness: a directory or a URL -------------------------- */

static int http_status_err(long st, const sh_buf *b, const char *where)
{
	char msg[300] = "";
	size_t n = b->len < sizeof msg - 1 ? b->len : sizeof msg - 1;
	for (size_t i = 0; i < n; i++) /* one line of printable text */
		msg[i] = b->data[i] < 0x20 || b->data[i] == 0x7f ? ' ' : (char)b->data[i];
	msg[n] = 0;
	int rc = st == 404 ? SH_ENOTFOUND : st == 409 || st == 422 || st == 403 ? SH_EBADSIG
		 : st == 400 ? SH_EINVAL : SH_EIO;
	return sh_error_set(rc, "witness %s answered HTTP %ld: %s", where, st, msg);
}

static int wit_get(const char *where, const char *what, const char *origin, sh_buf *out)
{
	if (!is_url(where)) {
		sh_wit *w = NULL;
		int rc = sh_wit_open(&w, where);
		if (!rc) {
			if (!strcmp(what, "key")) {
				char *vk = NULL;
				if (!(rc = sh_wit_own_vkey(w, &vk)))
					rc = sh_buf_printf(out, "%s\n", vk);
				sh_free(vk);
			} else {
				rc = sh_wit_latest(w, origin, out);
			}
		}
		sh_wit_close(&w);
		return rc;
	}
	char *esc = NULL, *url = NULL;
	int rc = SH_OK;
	if (origin && (rc = sh_client_escape(&esc, origin)))
		return rc;
	url = origin ? sh_asprintf("%s/%s?origin=%s", where, what, esc)
		     : sh_asprintf("%s/%s", where, what);
	sh_free(esc);
	if (!url)
		return SH_ENOMEM;
	long st = 0;
	sh_buf b = SH_BUF_INIT;
	rc = sh_client_plain(url, NULL, 0, NULL, &st, NULL, 0, &b);
	sh_free(url);
	if (!rc && st != 200)
		rc = http_status_err(st, &b, where);
	if (!rc)
		rc = sh_buf_put(out, b.data, b.len);
	sh_buf_free(&b);
	return rc;
}

/* POST add-checkpoint. *status: the HTTP status; resp: its body. SH_OK
 * whenever an answer came. */
static int wit_post(const char *where, const sh_buf *req, long *status, char *ct, size_t ctn,
		    sh_buf *resp)
{
	if (!is_url(where)) {
		sh_wit *w = NULL;
		int rc = sh_wit_open(&w, where);
		if (rc)
			return rc;
		unsigned st = 0;
		rc = sh_wit_add_checkpoint(w, req->data, req->len, &st, resp);
		sh_wit_close(&w);
		*status = st;
		/* as a server answers: the size on a size mismatch, else the message */
		snprintf(ct, ctn, "%s", st == 409 && resp->len ? "text/x.tlog.size" : "text/plain");
		if (st != 200 && st != 500) {
			if (st != 409 || !resp->len)
				sh_buf_printf(resp, "%s", sh_error_message());
			return SH_OK;
		}
		return rc;
	}
	char *url = sh_asprintf("%s/add-checkpoint", where);
	if (!url)
		return SH_ENOMEM;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_client_plain(url, req->data, req->len, "text/plain", status, ct, ctn, &b);
	sh_free(url);
	if (!rc)
		rc = sh_buf_put(resp, b.data, b.len);
	sh_buf_free(&b);
	return rc;
}

/* ---- configuration ------------------------------------------------------- */

static int conf_read(const char *dir, char ***where, char ***vkeys, size_t *n)
{
	*where = *vkeys = NULL;
	*n = 0;
	char *p = sh_asprintf("%s/witnesses", dir);
	if (!p)
		return SH_ENOMEM;
	uint8_t *d = NULL;
	size_t len = 0;
	int rc = sh_file_read(&d, &len, p, 1 << 20);
	sh_free(p);
	if (rc == SH_ENOTFOUND)
		return SH_OK;
	if (rc)
		return rc;
	const char *t = (const char *)d, *end = t + len;
	if (len < sizeof CONF_MAGIC - 1 || memcmp(t, CONF_MAGIC, sizeof CONF_MAGIC - 1)) {
		sh_free(d);
		return sh_error_set(SH_ECORRUPT, "%s/witnesses is not a witness list", dir);
	}
	size_t cap = 0;
	for (const char *l = t + sizeof CONF_MAGIC - 1, *e; l < end; l = e + 1) {
		if (!(e = memchr(l, '\n', (size_t)(end - l))))
			break;
		const char *sp = memchr(l, ' ', (size_t)(e - l));
		if (!sp)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 4;
			char **nw = sh_realloc(*where, cap * sizeof *nw),
			     **nv = nw ? sh_realloc(*vkeys, cap * sizeof *nv) : NULL;
			if (nw)
				*where = nw;
			if (nv)
				*vkeys = nv;
			if (!nw || !nv) {
				rc = SH_ENOMEM;
				break;
			}
		}
		(*where)[*n] = sh_strndup(l, (size_t)(sp - l));
		(*vkeys)[*n] = sh_strndup(sp + 1, (size_t)(e - sp - 1));
		(*n)++;
		if (!(*where)[*n - 1] || !(*vkeys)[*n - 1]) {
			rc = SH_ENOMEM;
			break;
		}
	}
	sh_free(d);
	if (rc)
		sh_wit_office_list_free(where, vkeys, *n);
	return rc;
}

void sh_wit_office_list_free(char ***where, char ***vkeys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (*where)
			sh_free((*where)[i]);
		if (*vkeys)
			sh_free((*vkeys)[i]);
	}
	sh_free(*where);
	sh_free(*vkeys);
	*where = *vkeys = NULL;
}

int sh_wit_office_list(sh_store *s, char ***where, char ***vkeys, size_t *n)
{
	return conf_read(sh_store_dir(s), where, vkeys, n);
}

int sh_wit_office_add(sh_store *s, const char *where, const char *vkey, char **out_vkey)
{
	if (out_vkey)
		*out_vkey = NULL;
	if (!where || !*where || strpbrk(where, " \n\r\t"))
		return sh_error_set(SH_EINVAL, "give the witness as a folder or an http(s):// URL "
					       "without spaces");
	sh_buf got = SH_BUF_INIT;
	char *vk = NULL;
	int rc = SH_OK;
	if (vkey) {
		vk = sh_strdup(vkey);
	} else if (!(rc = wit_get(where, "key", NULL, &got))) {
		size_t l = got.len;
		while (l && (got.data[l - 1] == '\n' || got.data[l - 1] == '\r'))
			l--;
		vk = sh_strndup((const char *)got.data, l);
	}
	sh_buf_free(&got);
	if (rc)
		return rc;
	if (!vk)
		return SH_ENOMEM;
	sh_wit_vkey k;
	if ((rc = sh_wit_vkey_parse(&k, vk, strlen(vk))) ||
	    (k.type != SH_WIT_TYPE_COSIG &&
	     (rc = sh_error_set(SH_EINVAL, "a witness's key is a cosignature/v1 key (type 4)")))) {
		sh_free(vk);
		return rc;
	}
	char **ws = NULL, **vs = NULL;
	size_t n = 0;
	const char *dir = sh_store_dir(s);
	if ((rc = conf_read(dir, &ws, &vs, &n))) {
		sh_free(vk);
		return rc;
	}
	sh_buf b = SH_BUF_INIT;
	rc = sh_buf_puts(&b, CONF_MAGIC);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!strcmp(ws[i], where)) {
			rc = sh_error_set(SH_EEXISTS, "%s is already a witness of this warehouse", where);
			break;
		}
		rc = sh_buf_printf(&b, "%s %s\n", ws[i], vs[i]);
	}
	if (!rc)
		rc = sh_buf_printf(&b, "%s %s\n", where, vk);
	char *p = rc ? NULL : sh_asprintf("%s/witnesses", dir);
	if (!rc && !p)
		rc = SH_ENOMEM;
	if (!rc)
		rc = sh_file_write(p, b.data, b.len);
	sh_free(p);
	sh_buf_free(&b);
	sh_wit_office_list_free(&ws, &vs, n);
	if (!rc && out_vkey)
		*out_vkey = vk;
	else
		sh_free(vk);
	return rc;
}

/* ---- obtaining cosignatures ----------------------------------------------- */

/* The size of the largest stored witnessed checkpoint (0: none). */
static uint64_t stored_size(const char *dir)
{
	char *p = sh_asprintf("%s/witnessed/latest", dir);
	uint8_t *d = NULL;
	size_t len = 0;
	uint64_t v = 0;
	if (p && !sh_file_read(&d, &len, p, SH_WIT_NOTE_MAX)) {
		sh_wit_note *n = sh_malloc(sizeof *n);
		if (n && !sh_wit_note_parse(n, d, len))
			v = n->size;
		sh_free(n);
	}
	sh_free(p);
	sh_free(d);
	return v;
}

/* One witness: submit note for the log of size entries, starting from
 * guess, once more from the size a 409 names. Appends the witness's valid
 * cosignature lines to cos. */
static int cosign_one(sh_store *s, const char *where, const sh_wit_vkey *wk, const sh_buf *note,
		      uint64_t size, uint64_t guess, sh_buf *cos)
{
	uint8_t(*path)[SH_SHA256_LEN] = sh_malloc(SH_LOG_PROOF_MAX * SH_SHA256_LEN);
	sh_wit_note *parsed = sh_malloc(sizeof *parsed);
	int rc = path && parsed ? SH_OK : SH_ENOMEM;
	uint64_t old = guess <= size ? guess : 0;
	for (int attempt = 0; !rc && attempt < 2; attempt++) {
		size_t n = 0;
		if (old && old < size && (rc = sh_ledger_consistency(s, old, size, path, &n)))
			break;
		if (n > SH_WIT_PROOF_MAX) {
			rc = sh_error_set(SH_ELIMIT, "consistency proof too long");
			break;
		}
		sh_buf req = SH_BUF_INIT, resp = SH_BUF_INIT;
		long st = 0;
		char ct[64] = "";
		rc = sh_wit_request_make(&req, old, (const uint8_t(*)[SH_SHA256_LEN])path, n, note->data,
					 note->len);
		if (!rc)
			rc = wit_post(where, &req, &st, ct, sizeof ct, &resp);
		sh_buf_free(&req);
		if (!rc && st == 409 && !strncmp(ct, "text/x.tlog.size", 16) && attempt == 0) {
			uint64_t have = 0;
			const char *p = (const char *)resp.data;
			size_t i = 0;
			for (; p && i < resp.len && p[i] >= '0' && p[i] <= '9' && i < 20; i++)
				have = have * 10 + (uint64_t)(p[i] - '0');
			sh_buf_free(&resp);
			if (!i) {
				rc = sh_error_set(SH_EIO, "witness %s answered 409 without a size", where);
			} else if (have > size) {
				rc = sh_error_set(SH_EBADSIG, "witness %s has cosigned %llu entries of this "
							      "log, the warehouse has only %llu: it was "
							      "rolled back",
						  where, (unsigned long long)have,
						  (unsigned long long)size);
			} else {
				old = have;
				continue;
			}
			break;
		}
		if (!rc && st != 200)
			rc = http_status_err(st, &resp, where);
		if (!rc) {
			/* the answer's lines on the note, checked with the witness's key */
			sh_buf all = SH_BUF_INIT;
			uint64_t t;
			rc = sh_buf_put(&all, note->data, note->len);
			if (!rc)
				rc = sh_buf_put(&all, resp.data, resp.len);
			if (!rc && !(rc = sh_wit_note_parse(parsed, all.data, all.len)) &&
			    !(rc = sh_wit_note_verify(parsed, all.data, wk, &t)))
				for (size_t i = 0; !rc && i < parsed->nsigs; i++)
					if (!strcmp(parsed->sigs[i].name, wk->name) &&
					    !memcmp(parsed->sigs[i].id, wk->id, 4)) {
						uint8_t raw[4 + sizeof parsed->sigs[i].sig];
						memcpy(raw, parsed->sigs[i].id, 4);
						memcpy(raw + 4, parsed->sigs[i].sig, parsed->sigs[i].sig_len);
						rc = sh_buf_printf(cos, "\xe2\x80\x94 %s ", wk->name);
						if (!rc)
							rc = sh_wit_b64_encode(cos, raw, 4 + parsed->sigs[i].sig_len);
						if (!rc)
							rc = sh_buf_puts(cos, "\n");
					}
			if (rc == SH_ENOTFOUND || rc == SH_EBADSIG)
				rc = sh_error_set(SH_EBADSIG, "witness %s answered without a valid "
							      "cosignature by its key", where);
			sh_buf_free(&all);
		}
		sh_buf_free(&resp);
		break;
	}
	sh_free(path);
	sh_free(parsed);
	return rc;
}

static int make_dir(const char *p)
{
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return sh_error_set(SH_EIO, "%s: cannot create folder: %s", p, strerror(errno));
	return SH_OK;
}

int sh_wit_office_checkpoint(sh_store *s, const sh_sign_key *key, sh_wit_report_fn report, void *arg,
			     size_t *cosigned)
{
	*cosigned = 0;
	const char *dir = sh_store_dir(s);
	char **ws = NULL, **vs = NULL, *origin = NULL;
	size_t nw = 0;
	int rc = conf_read(dir, &ws, &vs, &nw);
	if (rc)
		return rc;
	if (!nw) {
		sh_wit_office_list_free(&ws, &vs, nw);
		return sh_error_set(SH_ENOTFOUND, "this warehouse has no witness (sohoa witness add "
						  "URL|DIR)");
	}
	uint64_t size = 0;
	uint8_t root[SH_SHA256_LEN];
	char day[7];
	unsigned seq = 0;
	sh_buf body = SH_BUF_INIT, note = SH_BUF_INIT, cos = SH_BUF_INIT, all = SH_BUF_INIT;
	if ((rc = sh_wit_origin(s, &origin)) || (rc = sh_ledger_size(s, &size)) ||
	    (rc = sh_ledger_root(s, size, 0, root)))
		goto out;
	int have_seq = sh_wh_seq_last(s, day, &seq) == SH_OK;
	if ((rc = sh_wit_note_body(&body, origin, size, root, have_seq ? day : NULL, seq)) ||
	    (rc = sh_buf_put(&note, body.data, body.len)) || (rc = sh_buf_puts(&note, "\n")) ||
	    (rc = sh_wit_note_sign(&note, key, origin, body.data, body.len)))
		goto out;
	uint64_t guess = stored_size(dir);
	int worst = SH_OK;
	for (size_t i = 0; i < nw; i++) {
		sh_wit_vkey wk;
		int r = sh_wit_vkey_parse(&wk, vs[i], strlen(vs[i]));
		if (!r)
			r = cosign_one(s, ws[i], &wk, &note, size, guess, &cos);
		if (r) {
			say(report, arg, NULL, "%s", sh_error_message());
			if (r == SH_EBADSIG || !worst)
				worst = r;
		} else {
			(*cosigned)++;
		}
	}
	if (*cosigned) {
		/* keep the cosigned note: witnessed/<size>.note and witnessed/latest */
		char *wd = sh_asprintf("%s/witnessed", dir),
		     *p = sh_asprintf("%s/witnessed/%020llu.note", dir, (unsigned long long)size),
		     *l = sh_asprintf("%s/witnessed/latest", dir);
		rc = wd && p && l ? make_dir(wd) : SH_ENOMEM;
		if (!rc)
			rc = sh_buf_put(&all, note.data, note.len);
		if (!rc)
			rc = sh_buf_put(&all, cos.data, cos.len);
		if (!rc)
			rc = sh_file_write(p, all.data, all.len);
		if (!rc)
			rc = sh_file_write(l, all.data, all.len);
		sh_free(wd);
		sh_free(p);
		sh_free(l);
	}
	if (!rc && worst)
		rc = sh_error_set(worst, "%zu of %zu witnesses cosigned the checkpoint of %llu entries",
				  *cosigned, nw, (unsigned long long)size);
out:
	sh_free(origin);
	sh_buf_free(&body);
	sh_buf_free(&note);
	sh_buf_free(&cos);
	sh_buf_free(&all);
	sh_wit_office_list_free(&ws, &vs, nw);
	return rc;
}

/* ---- the rollback checks ---------------------------------------------------- */

/* The latest checkpoint witness `where` cosigned for origin, checked with
 * its key. *t: the cosignature's time. */
static int witnessed_by(const char *where, const char *vkey, const char *origin, sh_wit_note *out,
			uint64_t *t)
{
	sh_wit_vkey wk;
	sh_buf b = SH_BUF_INIT;
	int rc = sh_wit_vkey_parse(&wk, vkey, strlen(vkey));
	if (!rc)
		rc = wit_get(where, "latest", origin, &b);
	if (!rc)
		rc = sh_wit_note_parse(out, b.data, b.len);
	if (!rc && strcmp(out->origin, origin))
		rc = sh_error_set(SH_EBADSIG, "witness %s answered with a checkpoint of another log",
				  where);
	if (!rc && (rc = sh_wit_note_verify(out, b.data, &wk, t)))
		rc = sh_error_set(SH_EBADSIG, "witness %s: its latest checkpoint has no valid "
					      "cosignature by its key", where);
	sh_buf_free(&b);
	return rc;
}

static void fmt_time(char *buf, size_t n, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int sh_wit_office_latest(const char *dir, const char *origin, sh_wit_note *out)
{
	char **ws = NULL, **vs = NULL;
	size_t nw = 0;
	int rc = conf_read(dir, &ws, &vs, &nw), found = 0, unreachable = SH_OK;
	char why[512] = "";
	sh_wit_note *n = sh_malloc(sizeof *n);
	if (!rc && !n)
		rc = SH_ENOMEM;
	for (size_t i = 0; !rc && i < nw; i++) {
		uint64_t t;
		int r = witnessed_by(ws[i], vs[i], origin, n, &t);
		if (r == SH_ENOTFOUND)
			continue;
		if (r) { /* the others, and the copy kept here, may still answer */
			unreachable = r;
			snprintf(why, sizeof why, "%s", sh_error_message());
			continue;
		}
		if (!found || n->size > out->size)
			*out = *n;
		found = 1;
	}
	/* the cosigned checkpoint kept beside the warehouse, when a configured
	 * witness's cosignature on it verifies */
	char *p = rc ? NULL : sh_asprintf("%s/witnessed/latest", dir);
	uint8_t *d = NULL;
	size_t len = 0;
	if (p && !sh_file_read(&d, &len, p, SH_WIT_NOTE_MAX) && !sh_wit_note_parse(n, d, len) &&
	    !strcmp(n->origin, origin)) {
		int ok = 0;
		for (size_t i = 0; i < nw && !ok; i++) {
			sh_wit_vkey wk;
			ok = !sh_wit_vkey_parse(&wk, vs[i], strlen(vs[i])) &&
			     !sh_wit_note_verify(n, d, &wk, NULL);
		}
		if (ok && (!found || n->size > out->size)) {
			*out = *n;
			found = 1;
		}
	}
	sh_free(p);
	sh_free(d);
	sh_free(n);
	sh_wit_office_list_free(&ws, &vs, nw);
	if (!rc && unreachable)
		rc = sh_error_set(unreachable, "%s", why);
	else if (!rc && !found)
		rc = sh_error_set(SH_ENOTFOUND, "no witness has cosigned a checkpoint of %s", origin);
	return rc;
}

/* Is the log of store s (size entries) at least as long as note and
 * consistent with it? Reports the problem naming the sizes. */
static int against(sh_store *s, uint64_t size, const sh_wit_note *w, const char *who, uint64_t t,
		   sh_wit_report_fn report, void *arg, size_t *problems)
{
	char when[40] = "";
	if (t)
		fmt_time(when, sizeof when, t);
	if (size < w->size) {
		say(report, arg, problems,
		    "the log has %llu entries but %s cosigned a checkpoint of %llu entries%s%s: "
		    "entries were removed or an older backup restored (rollback)",
		    (unsigned long long)size, who, (unsigned long long)w->size, t ? " on " : "", when);
		return SH_EBADSIG;
	}
	uint8_t root[SH_SHA256_LEN];
	int rc = sh_ledger_root(s, w->size, 1, root);
	if (rc) {
		say(report, arg, problems, "the first %llu entries of the log cannot be read: %s",
		    (unsigned long long)w->size, sh_error_message());
		return SH_EBADSIG;
	}
	if (memcmp(root, w->root, SH_SHA256_LEN)) {
		say(report, arg, problems,
		    "the log of %llu entries is not consistent with the checkpoint of %llu entries "
		    "%s cosigned%s%s: its first %llu entries were changed",
		    (unsigned long long)size, (unsigned long long)w->size, who, t ? " on " : "", when,
		    (unsigned long long)w->size);
		return SH_EBADSIG;
	}
	return SH_OK;
}

int sh_wit_office_check(sh_store *s, const char *where, const char *vkey, sh_wit_report_fn report,
			void *arg, size_t *problems)
{
	*problems = 0;
	const char *dir = sh_store_dir(s);
	char **ws = NULL, **vs = NULL, *origin = NULL;
	size_t nw = 0;
	uint64_t size = 0;
	sh_wit_note *n = sh_malloc(sizeof *n);
	sh_wit_vkey given;
	if (where && (!vkey || sh_wit_vkey_parse(&given, vkey, strlen(vkey)) ||
		      given.type != SH_WIT_TYPE_COSIG)) {
		sh_free(n);
		return sh_error_set(SH_EINVAL, "give the witness's cosignature key with the witness "
					       "(NAME+ID+KEY, as `sohoa witness key` prints it)");
	}
	int rc = n ? conf_read(dir, &ws, &vs, &nw) : SH_ENOMEM;
	if (!rc && where) { /* the verifier's own witness, first */
		char **nws = sh_realloc(ws, (nw + 1) * sizeof *nws), **nvs = NULL;
		if (nws)
			ws = nws;
		if (nws && (nvs = sh_realloc(vs, (nw + 1) * sizeof *nvs)))
			vs = nvs;
		if (!nws || !nvs) {
			rc = SH_ENOMEM;
		} else {
			ws[nw] = sh_strdup(where);
			vs[nw] = sh_strdup(vkey);
			nw++;
			if (!ws[nw - 1] || !vs[nw - 1])
				rc = SH_ENOMEM;
		}
	}
	if (!rc)
		rc = sh_wit_origin(s, &origin);
	if (!rc)
		rc = sh_ledger_size(s, &size);
	for (size_t i = 0; !rc && i < nw; i++) {
		uint64_t t = 0;
		int r = witnessed_by(ws[i], vs[i], origin, n, &t);
		if (r == SH_ENOTFOUND)
			continue; /* nothing cosigned yet */
		if (r) {
			say(report, arg, problems, "witness %s could not be asked: %s", ws[i],
			    sh_error_message());
			continue;
		}
		char who[600];
		snprintf(who, sizeof who, "witness %s", ws[i]);
		against(s, size, n, who, t, report, arg, problems);
	}
	/* the cosigned checkpoints kept here: cheap, and a rollback that
	 * left them is caught with no witness reachable */
	char *p = rc ? NULL : sh_asprintf("%s/witnessed/latest", dir);
	uint8_t *d = NULL;
	size_t len = 0;
	if (p && !sh_file_read(&d, &len, p, SH_WIT_NOTE_MAX) && !sh_wit_note_parse(n, d, len)) {
		int ok = 0;
		for (size_t i = 0; i < nw && !ok; i++) {
			sh_wit_vkey wk;
			ok = !sh_wit_vkey_parse(&wk, vs[i], strlen(vs[i])) &&
			     !sh_wit_note_verify(n, d, &wk, NULL);
		}
		if (ok)
			against(s, size, n, "a witness (kept in witnessed/latest)", 0, report, arg,
				problems);
	}
	sh_free(p);
	sh_free(d);
	sh_free(n);
	sh_free(origin);
	sh_wit_office_list_free(&ws, &vs, nw);
	if (rc)
		return rc;
	return *problems ? SH_EBADSIG : SH_OK;
}

/* ---- restore ------------------------------------------------------------------ */

int sh_wit_restore(const char *src, const char *dir, int replace, int accept_rollback)
{
	sh_store *b = NULL;
	char *origin = NULL;
	sh_wit_note *w = sh_malloc(sizeof *w);
	uint64_t size = 0;
	int rc = w ? SH_OK : SH_ENOMEM, rolled = 0;
	char *dp = rc ? NULL : sh_asprintf("%s/data.mdb", src);
	struct stat st;
	if (!rc && (!dp || stat(dp, &st) < 0)) {
		/* sh_wh_restore says what is wrong */
		sh_free(dp);
		sh_free(w);
		return sh_wh_restore(src, dir, replace);
	}
	sh_free(dp);
	if (!rc)
		rc = sh_store_open(&b, src, SH_STORE_RDONLY);
	if (!rc)
		rc = sh_wit_origin(b, &origin);
	if (!rc)
		rc = sh_ledger_size(b, &size);
	if (!rc) {
		int r = sh_wit_office_latest(dir, origin, w);
		if (r != SH_OK && r != SH_ENOTFOUND && accept_rollback) {
			/* restoring anyway: bind the codes to what is known here */
			char *p = sh_asprintf("%s/witnessed/latest", dir);
			uint8_t *d = NULL;
			size_t len = 0;
			r = p && !sh_file_read(&d, &len, p, SH_WIT_NOTE_MAX) && !sh_wit_note_parse(w, d, len)
				    ? SH_OK
				    : SH_ENOTFOUND;
			sh_free(p);
			sh_free(d);
		}
		if (r == SH_OK) {
			size_t problems = 0;
			rolled = against(b, size, w, "a witness", 0, NULL, NULL, &problems) != SH_OK;
			if (rolled && !accept_rollback)
				rc = sh_error_set(SH_EBADSIG,
						  "the backup's log has %llu entries and is not the witnessed "
						  "log of %llu entries (or not a prefix of it): restoring it "
						  "would roll the warehouse back. Nothing restored; "
						  "--accept-rollback restores it anyway (no dossier code is "
						  "issued twice)",
						  (unsigned long long)size, (unsigned long long)w->size);
		} else if (r != SH_ENOTFOUND) {
			rc = sh_error_wrap(r, "cannot ask the witnesses before restoring (nothing "
					      "restored; --accept-rollback restores without them): ");
		}
	}
	sh_store_close(&b); /* one LMDB environment per file and process */
	if (!rc)
		rc = sh_wh_restore(src, dir, replace);
	if (!rc && rolled && w->has_seq) {
		sh_store *r = NULL;
		rc = sh_store_open(&r, dir, 0);
		if (!rc)
			rc = sh_wh_seq_raise(r, w->seq_day, w->seq);
		sh_store_close(&r);
		if (rc)
			rc = sh_error_wrap(rc, "restored, but the dossier code sequence could not be "
					       "raised above the witnessed log's (%s %u): ",
					   w->seq_day, w->seq);
	}
	sh_free(origin);
	sh_free(w);
	return rc;
}
