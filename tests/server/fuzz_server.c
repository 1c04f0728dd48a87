/* Fuzz target: what the server parses from the network before any
 * handler runs. First byte selects: 0 a multipart/form-data body (the
 * boundary "b" and, when the input starts with "ct:", the Content-Type up
 * to the first newline), 1 a URL path, 2 a query value. Every part found
 * must lie inside the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sh_srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 1 << 20)
		return 0;
	long live = sh_alloc_live();
	const uint8_t *d = data + 1;
	size_t n = size - 1;
	if (data[0] % 3 == 0) {
		char ct[256] = "multipart/form-data; boundary=b";
		if (n > 3 && !memcmp(d, "ct:", 3)) {
			const uint8_t *nl = memchr(d, '\n', n);
			size_t l = nl ? (size_t)(nl - d) - 3 : 0;
			if (nl && l < sizeof ct) {
				memcpy(ct, d + 3, l);
				ct[l] = 0;
				n -= (size_t)(nl + 1 - d);
				d = nl + 1;
			}
		}
		uint8_t *body = malloc(n ? n : 1); /* exact size: ASan sees overreads */
		memcpy(body, d, n);
		sh_srv_part *parts = NULL;
		size_t np = 0;
		if (sh_srv_multipart_parse(ct, body, n, &parts, &np) == SH_OK) {
			for (size_t i = 0; i < np; i++)
				if (parts[i].data < body || parts[i].data + parts[i].len > body + n ||
				    !parts[i].name || !parts[i].name[0])
					abort();
		}
		sh_srv_parts_free(&parts, np);
		free(body);
	} else {
		char *s = malloc(n + 1);
		memcpy(s, d, n);
		s[n] = 0;
		if (data[0] % 3 == 1) {
			char **segs = NULL;
			size_t ns = 0;
			if (sh_srv_path_split(s, &segs, &ns) == SH_OK)
				for (size_t i = 0; i < ns; i++)
					if (!segs[i][0] || !strcmp(segs[i], "..") || !strcmp(segs[i], ".") ||
					    strchr(segs[i], '/') || !sh_text_valid(segs[i], strlen(segs[i])))
						abort();
			sh_srv_path_free(&segs, ns);
		} else {
			char *v = NULL;
			if (sh_srv_query_decode(&v, s, n) == SH_OK &&
			    (strlen(v) > n || !sh_text_valid(v, strlen(v))))
				abort();
			sh_free(v);
		}
		free(s);
	}
	if (sh_alloc_live() != live)
		abort(); /* a leak on some path */
	return 0;
}
