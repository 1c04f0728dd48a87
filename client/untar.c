/* A proof bundle from the server (GET /api/v1/papers/{code}/proof, a flat
 * ustar archive written by server/routes.c) read back into a folder: only
 * regular files named "<prefix>/<name>", name of [A-Za-z0-9._-] not
 * starting with '.', sizes inside the archive; anything else refuses the
 * whole archive before a byte is written. */
#include "sh_client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int bad(const char *why)
{
	return sh_error_set(SH_EINVAL, "the server's proof bundle is not a flat archive (%s)", why);
}

static int octal(const uint8_t *f, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;
	while (i < n && f[i] == ' ')
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != 0 && f[i] != ' ')
			return -1;
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

static int name_ok(const char *n)
{
	size_t len = strlen(n);
	if (!len || len > 96 || n[0] == '.')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
		      (n[i] >= '0' && n[i] <= '9') || n[i] == '.' || n[i] == '_' || n[i] == '-'))
			return 0;
	return 1;
}

int sh_client_tar_each(const uint8_t *tar, size_t len, const char *prefix,
		       int (*fn)(void *arg, const char *name, const uint8_t *data, size_t n),
		       void *arg)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	if (!plen || plen > 60)
		return bad("no prefix");
	size_t off = 0, files = 0;
	for (;;) {
		if (len - off < 512)
			return bad("truncated");
		const uint8_t *h = tar + off;
		int zero = 1;
		for (size_t i = 0; i < 512 && zero; i++)
			zero = h[i] == 0;
		if (zero)
			break; /* the end: two zero blocks (the second may be missing) */
		unsigned sum = 0;
		for (size_t i = 0; i < 512; i++)
			sum += i >= 148 && i < 156 ? ' ' : h[i];
		uint64_t want, size;
		if (octal(h + 148, 8, &want) || want != sum)
			return bad("checksum");
		if (h[156] != '0' && h[156] != 0)
			return bad("not a regular file");
		if (memchr(h, 0, 100) == NULL || h[345] != 0) /* no ustar prefix field */
			return bad("name");
		const char *full = (const char *)h;
		if (strncmp(full, prefix, plen) || full[plen] != '/' || !name_ok(full + plen + 1))
			return bad("name");
		if (octal(h + 124, 12, &size) || size > len - off - 512)
			return bad("size");
		const uint8_t *data = h + 512;
		int rc = fn ? fn(arg, full + plen + 1, data, (size_t)size) : SH_OK;
		if (rc)
			return rc;
		files++;
		uint64_t pad = (size + 511) / 512 * 512;
		if (pad > len - off - 512)
			return bad("size");
		off += 512 + (size_t)pad;
	}
	return files ? SH_OK : bad("empty");
}

typedef struct untar_arg {
	const char *dir;
	int written;
} untar_arg;

static int write_one(void *arg, const char *name, const uint8_t *data, size_t n)
{
	untar_arg *u = arg;
	char *path = sh_asprintf("%s/%s", u->dir, name);
	if (!path)
		return SH_ENOMEM;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), rc = SH_OK;
	if (fd < 0)
		rc = sh_error_set(errno == EEXIST ? SH_EEXISTS : SH_EIO, "%s: %s", path,
				  strerror(errno));
	for (size_t done = 0; !rc && done < n;) {
		ssize_t w = write(fd, data + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = sh_error_set(SH_EIO, "%s: %s", path, strerror(errno));
		else
			done += (size_t)w;
	}
	if (fd >= 0 && close(fd) && !rc)
		rc = sh_error_set(SH_EIO, "%s: %s", path, strerror(errno));
	sh_free(path);
	u->written++;
	return rc;
}

int sh_client_untar(const uint8_t *tar, size_t len, const char *prefix, const char *dir)
{
	int rc = sh_client_tar_each(tar, len, prefix, NULL, NULL); /* all checked first */
	if (rc)
		return rc;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return sh_error_set(SH_EIO, "%s: %s", dir, strerror(errno));
	untar_arg u = {dir, 0};
	return sh_client_tar_each(tar, len, prefix, write_one, &u);
}
