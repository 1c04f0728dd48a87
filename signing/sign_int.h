/* sign_int.h — private helpers shared by the signing/ sources. */
#ifndef SH_SIGN_INT_H
#define SH_SIGN_INT_H

#include "sh_sign.h"

#include <stddef.h>
#include <stdint.h>

/* Overwrite n bytes in a way the compiler keeps. */
void sign_wipe(void *p, size_t n);

/* Line reader over a document: every line ends in '\n'; no NUL and no '\r'
 * anywhere. */
typedef struct sign_lines {
	const char *p, *end;
} sign_lines;

/* Next line "name: value\n" where name is exactly want (or, with prefix set,
 * starts with want). val and vlen: the value bytes (borrowed); name and nlen:
 * the full name. SH_EINVAL (naming the expected line) when the next line is
 * not of that form or there is none. */
int sign_line_take(sign_lines *l, const char *want, int prefix, const char **name,
		   size_t *nlen, const char **val, size_t *vlen);
/* Peek: does the next line start with "want"? */
int sign_line_peek(const sign_lines *l, const char *want);

/* Decimal int64 in canonical form (no '+', no leading zeros, "-0" refused). */
int sign_parse_i64(int64_t *out, const char *s, size_t n, const char *what);
int sign_parse_u64(uint64_t *out, const char *s, size_t n, const char *what);
/* Exactly 2*n lower-case hex digits. */
int sign_parse_hex(uint8_t *out, size_t n, const char *s, size_t len, const char *what);
/* Copy a value into a fixed buffer (cap includes the NUL) after unescaping. */
int sign_unescape_fixed(char *out, size_t cap, const char *s, size_t n, const char *what);
/* Unescape into a new string (caller frees with sh_free). */
int sign_unescape(char **out, const char *s, size_t n, const char *what);
/* Append the escaped form of s (docs/SIGNING.md §2) to b. */
int sign_escape(sh_buf *b, const char *s);
/* Check a text value: valid UTF-8, at most max bytes (SH_ELIMIT). */
int sign_check_text(const char *s, size_t max, int allow_empty, const char *what);

/* Split "body || signature: <128 hex>\n". */
int sign_doc_split(size_t *body_len, uint8_t sig[SH_SIGN_SIG_LEN], const void *doc, size_t len);
/* Append "signature: <hex>\n" for body (already in b from offset start). */
int sign_doc_seal(sh_buf *b, size_t start, const sh_sign_key *key);

/* Append "<name>: <hex>\n". */
int sign_put_hex(sh_buf *b, const char *name, const uint8_t *bytes, size_t n);

/* Ed25519 private half (for the key file). */
const uint8_t *sign_key_seed(const sh_sign_key *key);

#endif
