/* Owner ids (personal id, tax code), agency ids, time, files. */
#include "sh_common.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int sh_id_taxcode_ok(const char *d)
{
	static const int w[9] = {31, 29, 23, 19, 17, 13, 7, 5, 3};
	int sum = 0;
	for (int i = 0; i < 9; i++)
		sum += (d[i] - '0') * w[i];
	int r = sum % 11;
	if (r == 0)
		return 0;
	int check = 10 - r;
	if (check == 10) /* remainder 1 gives no single digit: invalid */
		return 0;
	return d[9] - '0' == check;
}

int sh_id_owner_check(int *out_kind, char *norm, const char *id)
{
	if (!id || !*id)
		return sh_error_set(SH_EINVAL, "owner id is empty: give a 12-digit personal id "
					       "or a 10/13-digit tax code");
	size_t n = strlen(id);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c >= 0x80)
			return sh_error_set(SH_EINVAL, "owner id '%s' contains a non-ASCII character "
						       "(a lookalike digit?): use digits 0-9 only", id);
	}
	char digits[16];
	int kind;
	if (n == 12 && all_digits(id, 12)) {
		kind = SH_OWNER_PERSON;
		memcpy(digits, id, 13);
	} else if (n == 10 && all_digits(id, 10)) {
		if (!sh_id_taxcode_ok(id))
			return sh_error_set(SH_EINVAL, "tax code '%s' has a wrong check digit "
						       "(10th digit); check the number", id);
		kind = SH_OWNER_ORG;
		memcpy(digits, id, 11);
	} else if ((n == 13 && all_digits(id, 13)) ||
		   (n == 14 && id[10] == '-' && all_digits(id, 10) && all_digits(id + 11, 3))) {
		if (!sh_id_taxcode_ok(id))
			return sh_error_set(SH_EINVAL, "branch tax code '%s' has a wrong check digit "
						       "(10th digit); check the number", id);
		kind = SH_OWNER_BRANCH;
		memcpy(digits, id, 10);
		memcpy(digits + 10, id + (n == 14 ? 11 : 10), 3);
		digits[13] = 0;
		if (!strcmp(digits + 10, "000"))
			return sh_error_set(SH_EINVAL, "branch code '%s': suffix 000 is not a branch; "
						       "give the 10-digit tax code", id);
	} else {
		if (all_digits(id, n))
			return sh_error_set(SH_EINVAL, "owner id '%s' has %zu digits: a personal id has "
						       "12, a tax code 10, a branch code 13", id, n);
		return sh_error_set(SH_EINVAL, "owner id '%s' is not a number: a personal id has "
					       "12 digits, a tax code 10, a branch code 13 "
					       "(NNNNNNNNNN-NNN)", id);
	}
	if (out_kind)
		*out_kind = kind;
	if (norm)
		strcpy(norm, digits);
	return SH_OK;
}

int sh_id_procedure_check(const char *code)
{
	if (!code || !*code)
		return sh_error_set(SH_EINVAL, "procedure code is empty");
	size_t n = strlen(code);
	if (n > 40)
		return sh_error_set(SH_EINVAL, "procedure code '%.20s...' is longer than 40 "
					       "characters", code);
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '.' || c == '-' || c == '_'))
			return sh_error_set(SH_EINVAL, "procedure code '%s': character '%c' not "
						       "allowed (letters, digits, '.', '-', '_'; e.g. "
						       "1.001193)", code, c);
	}
	return SH_OK;
}

int sh_id_agency_check(const char *id)
{
	if (!id || !*id)
		return sh_error_set(SH_EINVAL, "agency id is empty");
	size_t n = strlen(id);
	if (n > 35)
		return sh_error_set(SH_EINVAL, "agency id '%.40s...' is longer than 35 characters", id);
	int has_letter_group = 0;
	const char *g = id;
	for (;;) {
		const char *e = strchr(g, '.');
		size_t gl = e ? (size_t)(e - g) : strlen(g);
		if (gl == 0)
			return sh_error_set(SH_EINVAL, "agency id '%s' has an empty group "
						       "(leading, trailing or double dot)", id);
		for (size_t i = 0; i < gl; i++) {
			char c = g[i];
			if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
				return sh_error_set(SH_EINVAL, "agency id '%s': character '%c' not allowed "
							       "(only 0-9, A-Z and dots)", id, c);
		}
		if (gl == 3 && g[0] >= 'A' && g[0] <= 'Z' && isdigit((unsigned char)g[1]) &&
		    isdigit((unsigned char)g[2]))
			has_letter_group = 1;
		if (!e)
			break;
		g = e + 1;
	}
	if (!has_letter_group)
		return sh_error_set(SH_EINVAL, "agency id '%s' has no group of a capital letter and "
					       "two digits (like H23)", id);
	return SH_OK;
}

/* min..max digits at s, not all zero. */
static int number_ok(const char *s, size_t n, size_t min, size_t max)
{
	if (n < min || n > max || !all_digits(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '0')
			return 1;
	return 0;
}

static const char *code_kind_name(unsigned want)
{
	switch (want) {
	case SH_CODE_DOSSIER: return _("a dossier code (AGENCY-YYMMDD-NNNN)");
	case SH_CODE_PAPER | SH_CODE_RESULT: return _("a paper code (DOSSIER-NN-KIND or DOSSIER-KQn)");
	case SH_CODE_PAPER: return _("a paper code (DOSSIER-NN-KIND)");
	case SH_CODE_RESULT: return _("a result code (DOSSIER-KQn)");
	default: return _("a dossier or paper code (AGENCY-YYMMDD-NNNN, DOSSIER-NN-KIND or DOSSIER-KQn)");
	}
}

int sh_id_code_check(int *out_kind, const char *code, unsigned want)
{
	if (!want)
		want = SH_CODE_DOSSIER | SH_CODE_PAPER | SH_CODE_RESULT;
	if (!code || !*code)
		return sh_error_set(SH_EINVAL, "the code is empty: give %s", code_kind_name(want));
	/* dash-separated parts: agency, day, number[, position, kind | KQn] */
	const char *part[6];
	size_t len[6], np = 0;
	const char *p = code;
	for (;;) {
		const char *e = strchr(p, '-');
		if (np == 5)
			goto bad;
		part[np] = p;
		len[np++] = e ? (size_t)(e - p) : strlen(p);
		if (!e)
			break;
		p = e + 1;
	}
	if (np < 3)
		goto bad;
	{
		char agency[40];
		if (len[0] == 0 || len[0] >= sizeof agency)
			goto bad;
		memcpy(agency, part[0], len[0]);
		agency[len[0]] = 0;
		if (sh_id_agency_check(agency))
			goto bad;
	}
	/* a reception code's day YYMMDD and 4-digit number, or an archive
	 * record's LT<YY> and 6-digit number (docs/ARCHIVE.md "Codes") */
	if (len[1] == 4 && part[1][0] == 'L' && part[1][1] == 'T') {
		if (!all_digits(part[1] + 2, 2) || !number_ok(part[2], len[2], 6, 6))
			goto bad;
	} else if (len[1] != 6 || !all_digits(part[1], 6) || !number_ok(part[2], len[2], 4, 4)) {
		goto bad;
	}
	int kind;
	if (np == 3) {
		kind = SH_CODE_DOSSIER;
	} else if (np == 4) {
		if (len[3] < 3 || part[3][0] != 'K' || part[3][1] != 'Q' || part[3][2] == '0' ||
		    !number_ok(part[3] + 2, len[3] - 2, 1, 10))
			goto bad;
		kind = SH_CODE_RESULT;
	} else {
		/* NN: two digits below 100, three from 100 (as the store writes it) */
		if (!number_ok(part[3], len[3], 2, 3) || (len[3] == 3 && part[3][0] == '0') ||
		    len[4] < 1 || len[4] > 12)
			goto bad;
		for (size_t i = 0; i < len[4]; i++) {
			char c = part[4][i];
			if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
				goto bad;
		}
		kind = SH_CODE_PAPER;
	}
	if (!(want & (unsigned)kind))
		return sh_error_set(SH_EINVAL, "%s is %s; give %s", code,
				    kind == SH_CODE_DOSSIER ? _("a dossier code")
				    : kind == SH_CODE_PAPER ? _("a paper code")
							    : _("a result code"),
				    code_kind_name(want));
	if (out_kind)
		*out_kind = kind;
	return SH_OK;
bad:
	return sh_error_set(SH_EINVAL, "'%.120s%s' is not %s", code, strlen(code) > 120 ? "..." : "",
			    code_kind_name(want));
}

int64_t sh_now(void)
{
	const char *e = getenv("SOHOA_NOW");
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (*end == 0 && v > 0)
			return v;
	}
	return (int64_t)time(NULL);
}

int sh_file_read(uint8_t **out, size_t *out_len, const char *path, size_t max)
{
	*out = NULL;
	*out_len = 0;
	/* O_NONBLOCK: a FIFO must not hang us before the regular-file check */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return sh_error_set(SH_ENOTFOUND, "%s: no such file", path);
		if (errno == ELOOP || errno == ENAMETOOLONG || errno == EISDIR)
			return sh_error_set(SH_EINVAL, "%s: cannot open: %s", path, strerror(errno));
		return sh_error_set(SH_EIO, "%s: cannot open: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return sh_error_set(SH_EIO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return sh_error_set(SH_EINVAL, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return sh_error_set(SH_ELIMIT, "%s: %lld bytes is over the limit of %zu bytes", path,
				    (long long)st.st_size, max);
	}
	size_t n = (size_t)st.st_size;
	uint8_t *buf = sh_malloc(n + 1);
	if (!buf) {
		close(fd);
		return SH_ENOMEM;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : 0;
			close(fd);
			sh_free(buf);
			return sh_error_set(SH_EIO, "%s: read failed: %s", path,
					    e ? strerror(e) : _("file shrank while reading"));
		}
		got += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	*out = buf;
	*out_len = n;
	return SH_OK;
}

int sh_file_write(const char *path, const void *data, size_t len)
{
	char *tmp = sh_asprintf("%s.tmp.%ld", path, (long)getpid());
	if (!tmp)
		return SH_ENOMEM;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		sh_free(tmp);
		/* a folder that is not there is "not found" (exit 4), not a
		 * failing disk */
		if (e == ENOENT || e == ENOTDIR)
			return sh_error_set(SH_ENOTFOUND, "%s: no such folder: create it first", path);
		return sh_error_set(e == ENOSPC ? SH_EFULL : SH_EIO, "%s: cannot create: %s", path,
				    strerror(e));
	}
	const uint8_t *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			sh_free(tmp);
			return sh_error_set(e == ENOSPC ? SH_EFULL : SH_EIO, "%s: write failed: %s",
					    path, strerror(e));
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		int e = errno;
		unlink(tmp);
		sh_free(tmp);
		return sh_error_set(SH_EIO, "%s: cannot flush: %s", path, strerror(e));
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		sh_free(tmp);
		return sh_error_set(SH_EIO, "%s: cannot rename into place: %s", path, strerror(e));
	}
	sh_free(tmp);
	return SH_OK;
}
