/* Certified copies (chứng thực bản sao từ bản chính, Nghị định 23/2015/NĐ-CP;
 * docs/PDF.md "Certified copies"): the number of each copy in its book for
 * the year, given in the same write transaction as the signed
 * "certification" log event and the record of the copy, so a number is
 * never given twice and a failed copy leaves no gap. Kept in the meta table
 * (no schema change): "certno|<year>|<book>" → the last number given
 * (decimal), "certrec|<year>|<book>|<number, 10 digits>" → the copy's record
 * as lines: code, time, log index, SHA-256 of the file issued, officer,
 * title, operator. */
#include "wh_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NO_PREFIX "certno|"
#define REC_PREFIX "certrec|"

static int book_ok(const char *b)
{
	size_t n = b ? strlen(b) : 0;
	if (!n || n > 16)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'A' && b[i] <= 'Z') ||
		      (b[i] >= 'a' && b[i] <= 'z') || b[i] == '-'))
			return 0;
	return 1;
}

static int text_ok(const char *t, size_t max)
{
	size_t n = t ? strlen(t) : 0;
	if (!n || n > max || !sh_text_valid(t, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20)
			return 0;
	return 1;
}

struct certify {
	const sh_wh_cert_in *in;
	sh_wh_cert_issue_fn issue;
	void *arg;
	const sh_sign_key *key;
	sh_wh_cert *out;
};

/* The owner of a paper, result or dossier code. *owner: caller sh_free. */
static int owner_of(sh_store *s, MDB_txn *txn, const char *code, char **owner)
{
	int kind = 0, rc = sh_id_code_check(&kind, code, 0);
	if (rc)
		return rc;
	MDB_val k = {strlen(code), (void *)code}, v;
	int lrc = mdb_get(txn, kind == SH_CODE_DOSSIER ? s->dossier : s->paper, &k, &v);
	if (lrc == MDB_NOTFOUND)
		return sh_error_set(SH_ENOTFOUND, "no %s has the code %s",
				    kind == SH_CODE_DOSSIER ? "dossier" : "paper", code);
	if (lrc)
		return store_lmdb_err(lrc, code);
	if (kind == SH_CODE_DOSSIER) {
		sh_store_dossier_rec *d = NULL;
		if ((rc = store_decode_dossier(v.mv_data, v.mv_size, &d)))
			return sh_error_wrap(rc, "dossier %s: ", code);
		*owner = sh_strdup(d->owner);
		sh_store_dossier_rec_free(&d);
	} else {
		sh_store_paper_rec *p = NULL;
		if ((rc = store_decode_paper(v.mv_data, v.mv_size, &p)))
			return sh_error_wrap(rc, "paper %s: ", code);
		*owner = sh_strdup(p->owner);
		sh_store_paper_rec_free(&p);
	}
	return *owner ? SH_OK : SH_ENOMEM;
}

static int certify_fn(sh_store *s, MDB_txn *txn, void *arg)
{
	struct certify *c = arg;
	sh_wh_cert *o = c->out;
	char *owner = NULL, key[64], val[32];
	sh_buf rec = SH_BUF_INIT;
	int rc = owner_of(s, txn, o->code, &owner);
	if (rc)
		return rc;
	/* the next number of the book this year */
	snprintf(key, sizeof key, NO_PREFIX "%04d|%s", o->year, o->book);
	MDB_val k = {strlen(key), key}, v;
	unsigned long last = 0;
	int lrc = mdb_get(txn, s->meta, &k, &v);
	if (lrc == 0) {
		char *end = NULL;
		snprintf(val, sizeof val, "%.*s", (int)(v.mv_size < 31 ? v.mv_size : 31),
			 (const char *)v.mv_data);
		last = strtoul(val, &end, 10);
		if (!end || *end || v.mv_size > 10) {
			rc = sh_error_set(SH_ECORRUPT, "the numbering of book %s/%d is damaged", o->book,
					  o->year);
			goto out;
		}
	} else if (lrc != MDB_NOTFOUND) {
		rc = store_lmdb_err(lrc, "certification numbers");
		goto out;
	}
	if (last >= SH_WH_CERT_MAX) {
		rc = sh_error_set(SH_EFULL, "book %s of %d is full (%u copies): open a new book",
				  o->book, o->year, SH_WH_CERT_MAX);
		goto out;
	}
	o->number = (uint32_t)last + 1;
	/* the copy itself, with its number */
	uint8_t sha[SH_SHA256_LEN];
	if (c->issue && (rc = c->issue(c->arg, o, sha)))
		goto out;
	if (c->issue)
		sh_hex(o->sha256, sha, SH_SHA256_LEN);
	char num[16], year[8];
	snprintf(num, sizeof num, "%u", o->number);
	snprintf(year, sizeof year, "%04d", o->year);
	sh_sign_fact facts[8];
	size_t nf = 0;
	facts[nf++] = (sh_sign_fact){"book", o->book};
	facts[nf++] = (sh_sign_fact){"year", year};
	facts[nf++] = (sh_sign_fact){"number", num};
	facts[nf++] = (sh_sign_fact){"officer", o->officer};
	facts[nf++] = (sh_sign_fact){"title", o->title};
	if (*o->place)
		facts[nf++] = (sh_sign_fact){"place", o->place};
	if (*o->sha256)
		facts[nf++] = (sh_sign_fact){"copy_sha256", o->sha256};
	if (*o->operator_id)
		facts[nf++] = (sh_sign_fact){"operator", o->operator_id};
	if ((rc = ledger_event(s, txn, c->key, "certification", o->code, owner, facts, nf, o->when,
			       &o->index)))
		goto out;
	snprintf(val, sizeof val, "%u", o->number);
	v = (MDB_val){strlen(val), val};
	if ((lrc = mdb_put(txn, s->meta, &k, &v, 0))) {
		rc = store_lmdb_err(lrc, "certification numbers");
		goto out;
	}
	snprintf(key, sizeof key, REC_PREFIX "%04d|%s|%010u", o->year, o->book, o->number);
	k = (MDB_val){strlen(key), key};
	if ((rc = sh_buf_printf(&rec, "%s\n%lld\n%llu\n%s\n%s\n%s\n%s\n", o->code,
				(long long)o->when, (unsigned long long)o->index, o->sha256,
				o->officer, o->title, o->operator_id)))
		goto out;
	v = (MDB_val){rec.len, rec.data};
	if ((lrc = mdb_put(txn, s->meta, &k, &v, MDB_NOOVERWRITE)))
		rc = lrc == MDB_KEYEXIST ? sh_error_set(SH_ECORRUPT, "certification %u of book %s/%d "
								     "is already recorded",
							o->number, o->book, o->year)
					 : store_lmdb_err(lrc, "certified copies");
out:
	sh_buf_free(&rec);
	sh_free(owner);
	return rc;
}


int sh_wh_certify(sh_store *s, const sh_sign_key *key, const sh_wh_cert_in *in,
		  sh_wh_cert_issue_fn issue, void *arg, sh_wh_cert *out)
{
	memset(out, 0, sizeof *out);
	int rc = sh_wh_may(s, SH_WH_PERM_CERTIFY);
	if (rc)
		return rc;
	if (!key)
		return sh_error_set(SH_EINVAL, "a certified copy is a signed log event: a signing key "
					       "is needed");
	if (!in->code || strlen(in->code) >= sizeof out->code)
		return sh_error_set(SH_EINVAL, "no code to certify");
	if (!book_ok(in->book))
		return sh_error_set(SH_EINVAL, "book (quyển số) '%.20s': use 1 to 16 of 0-9 A-Z a-z -",
				    in->book ? in->book : "");
	if (!text_ok(in->officer, 255) || !text_ok(in->title, 255))
		return sh_error_set(SH_EINVAL, "a certified copy needs the officer's name and title "
					       "(UTF-8, one line, at most 255 bytes each)");
	if (in->place && *in->place && !text_ok(in->place, 255))
		return sh_error_set(SH_EINVAL, "the place of certification is not one line of UTF-8");
	snprintf(out->code, sizeof out->code, "%s", in->code);
	snprintf(out->book, sizeof out->book, "%s", in->book);
	snprintf(out->officer, sizeof out->officer, "%s", in->officer);
	snprintf(out->title, sizeof out->title, "%s", in->title);
	snprintf(out->place, sizeof out->place, "%s", in->place ? in->place : "");
	const char *op = wh_operator_or(s, NULL);
	snprintf(out->operator_id, sizeof out->operator_id, "%s", op ? op : "");
	out->when = in->when ? in->when : sh_now();
	time_t t = (time_t)out->when;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return sh_error_set(SH_EINVAL, "certification time out of range");
	out->year = tm.tm_year + 1900;
	struct certify c = {in, issue, arg, key, out};
	/* store_write reruns certify_fn whole after growing the map: the number is
	 * read again and the copy made and signed again, so an attempt that is not
	 * committed uses no number. */
	rc = store_write(s, 0, "certified copies", certify_fn, &c);
	if (rc) {
		sh_wh_cert keep = *out;
		memset(out, 0, sizeof *out);
		snprintf(out->code, sizeof out->code, "%s", keep.code);
	}
	return rc;
}

static int rec_decode(sh_wh_cert *o, const char *key, size_t klen, const char *val, size_t vlen)
{
	char k[64], *v = sh_strndup(val, vlen);
	if (!v)
		return SH_ENOMEM;
	snprintf(k, sizeof k, "%.*s", (int)(klen < 63 ? klen : 63), key);
	memset(o, 0, sizeof *o);
	char *f[7] = {0}, *p = v;
	int n = 0;
	while (n < 7 && p) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = 0;
		f[n++] = p;
		p = nl + 1;
	}
	char book[24] = "";
	unsigned num = 0;
	int year = 0, rc = SH_OK;
	if (n != 7 || sscanf(k, REC_PREFIX "%d|%23[^|]|%u", &year, book, &num) != 3) {
		rc = sh_error_set(SH_ECORRUPT, "certified copy record %s is damaged", k);
	} else {
		snprintf(o->code, sizeof o->code, "%s", f[0]);
		o->when = strtoll(f[1], NULL, 10);
		o->index = strtoull(f[2], NULL, 10);
		snprintf(o->sha256, sizeof o->sha256, "%s", f[3]);
		snprintf(o->officer, sizeof o->officer, "%s", f[4]);
		snprintf(o->title, sizeof o->title, "%s", f[5]);
		snprintf(o->operator_id, sizeof o->operator_id, "%s", f[6]);
		snprintf(o->book, sizeof o->book, "%s", book);
		o->year = year;
		o->number = num;
	}
	sh_free(v);
	return rc;
}

int sh_wh_certified_list(sh_store *s, int year, sh_wh_cert **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	MDB_txn *txn;
	MDB_cursor *cur = NULL;
	int rc = sh_wh_may(s, SH_WH_PERM_AUDIT);
	if (rc || (rc = store_txn_begin(s, MDB_RDONLY, &txn)))
		return rc;
	char prefix[32];
	if (year)
		snprintf(prefix, sizeof prefix, REC_PREFIX "%04d|", year);
	else
		snprintf(prefix, sizeof prefix, REC_PREFIX);
	size_t plen = strlen(prefix), cap = 0;
	MDB_val k = {plen, prefix}, v;
	int lrc = mdb_cursor_open(txn, s->meta, &cur);
	if (lrc) {
		rc = store_lmdb_err(lrc, "certified copies");
		goto out;
	}
	for (lrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); !lrc && !rc;
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen))
			break;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			sh_wh_cert *np = sh_realloc(*out, nc * sizeof *np);
			if (!np) {
				rc = SH_ENOMEM;
				break;
			}
			*out = np;
			cap = nc;
		}
		if (!(rc = rec_decode(&(*out)[*n], k.mv_data, k.mv_size, v.mv_data, v.mv_size)))
			(*n)++;
	}
	if (!rc && lrc && lrc != MDB_NOTFOUND)
		rc = store_lmdb_err(lrc, "certified copies");
out:
	if (cur)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (rc) {
		sh_free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
