/* SQLite + FTS5 comparison for wh_bench (wh_sqlite.c). Returns 0 or -1
 * (the reason on stderr: a benchmark, not the library). */
#ifndef WH_SQLITE_H
#define WH_SQLITE_H
#include <stddef.h>

#include "sh_wh.h"

typedef struct whsql whsql;
int whsql_open(whsql **w, const char *path);
int whsql_put(whsql *w, const sh_wh_dossier_in *in, size_t n, sh_wh_dossier_codes *const *codes);
int whsql_owner(whsql *w, const char *owner, size_t *rows);
int whsql_search(whsql *w, const char *query, size_t limit, size_t *hits);
double whsql_size(whsql *w); /* bytes of the database file after a checkpoint */
void whsql_close(whsql **w);
#endif
