/*
 * sh_web.h — the web pages (issue 15) built into the program: every file
 * under web/assets/ and the JavaScript message table made from web/vi.po
 * (/i18n.js), embedded at build time by web/embed.cmake. No allocation, no state:
 * safe from any thread.
 */
#ifndef SH_WEB_H
#define SH_WEB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sh_web_asset {
	const char *path;          /* "/app.js": absolute, as in a URL */
	const char *mime;          /* "text/javascript; charset=utf-8" */
	const unsigned char *data; /* the file's bytes (NUL after the last one) */
	size_t len;                /* bytes, without that NUL */
} sh_web_asset;

/* The asset served at path ("/app.js", "/index.html"), or NULL. Static
 * storage: never freed. path NULL: NULL. */
const sh_web_asset *sh_web_asset_find(const char *path);
/* Asset i (0 ≤ i < count) in path order, for tests and listings; NULL past the end. */
const sh_web_asset *sh_web_asset_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif
