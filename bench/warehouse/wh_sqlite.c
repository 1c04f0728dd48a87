/* The comparison for wh_bench: what an office would otherwise build, the
 * same papers in SQLite (WAL, synchronous=FULL as LMDB syncs every commit)
 * with an owner index and an FTS5 full-text table (unicode61 tokenizer,
 * diacritics removed), loaded batch by batch in the same run. */
#include "wh_sqlite.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct whsql {
	sqlite3 *db;
	sqlite3_stmt *ins, *ft, *own, *find;
	char path[4096];
};

static int ok(whsql *w, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "wh_bench: sqlite %s: %s\n", what, sqlite3_errmsg(w->db));
		return 0;
	}
	return 1;
}

int whsql_open(whsql **out, const char *path)
{
	whsql *w = calloc(1, sizeof *w);
	*out = NULL;
	if (!w)
		return -1;
	snprintf(w->path, sizeof w->path, "%s", path);
	if (sqlite3_open(path, &w->db) != SQLITE_OK)
		goto fail;
	const char *schema =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144;"
		"CREATE TABLE paper(id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL,"
		" owner TEXT NOT NULL, kind TEXT, created INTEGER, facts TEXT, image BLOB,"
		" text TEXT);"
		"CREATE INDEX paper_owner ON paper(owner, created);"
		"CREATE VIRTUAL TABLE ft USING fts5(text, content='paper', content_rowid='id',"
		" tokenize='unicode61 remove_diacritics 2');";
	if (!ok(w, sqlite3_exec(w->db, schema, NULL, NULL, NULL), "schema") ||
	    !ok(w, sqlite3_prepare_v2(w->db, "INSERT INTO paper(code, owner, kind, created, facts,"
					     " image, text) VALUES(?1,?2,?3,?4,?5,?6,?7)",
				  -1, &w->ins, NULL), "prepare") ||
	    !ok(w, sqlite3_prepare_v2(w->db, "INSERT INTO ft(rowid, text) VALUES(?1, ?2)", -1,
				  &w->ft, NULL), "prepare") ||
	    !ok(w, sqlite3_prepare_v2(w->db, "SELECT code, kind, created, facts FROM paper"
					     " WHERE owner = ?1 ORDER BY created DESC",
				  -1, &w->own, NULL), "prepare") ||
	    !ok(w, sqlite3_prepare_v2(w->db, "SELECT p.code FROM paper p WHERE p.id IN"
					     " (SELECT rowid FROM ft WHERE ft MATCH ?1"
					     " ORDER BY rowid DESC LIMIT ?2) ORDER BY p.id DESC",
				  -1, &w->find, NULL), "prepare"))
		goto fail;
	*out = w;
	return 0;
fail:
	whsql_close(&w);
	return -1;
}

int whsql_put(whsql *w, const sh_wh_dossier_in *in, size_t n, sh_wh_dossier_codes *const *codes)
{
	if (!ok(w, sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL), "begin"))
		return -1;
	for (size_t d = 0; d < n; d++)
		for (size_t i = 0; i < in[d].npapers; i++) {
			const sh_wh_paper_in *p = &in[d].papers[i];
			sqlite3_stmt *s = w->ins;
			sqlite3_reset(s);
			sqlite3_bind_text(s, 1, codes[d]->papers[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, in[d].owner, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, p->kind, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 4, in[d].received);
			sqlite3_bind_text(s, 5, p->facts, -1, SQLITE_STATIC);
			sqlite3_bind_blob(s, 6, p->pages[0].image, (int)p->pages[0].image_len,
					  SQLITE_STATIC);
			sqlite3_bind_text(s, 7, p->pages[0].text, -1, SQLITE_STATIC);
			if (!ok(w, sqlite3_step(s), "insert"))
				return -1;
			sqlite3_int64 id = sqlite3_last_insert_rowid(w->db);
			sqlite3_reset(w->ft);
			sqlite3_bind_int64(w->ft, 1, id);
			sqlite3_bind_text(w->ft, 2, p->pages[0].text, -1, SQLITE_STATIC);
			if (!ok(w, sqlite3_step(w->ft), "insert fts"))
				return -1;
		}
	return ok(w, sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL), "commit") ? 0 : -1;
}

int whsql_owner(whsql *w, const char *owner, size_t *rows)
{
	sqlite3_reset(w->own);
	sqlite3_bind_text(w->own, 1, owner, -1, SQLITE_STATIC);
	int rc;
	*rows = 0;
	while ((rc = sqlite3_step(w->own)) == SQLITE_ROW)
		(*rows)++;
	return ok(w, rc, "owner") ? 0 : -1;
}

int whsql_search(whsql *w, const char *query, size_t limit, size_t *hits)
{
	/* every word quoted: a phrase of one word each, all required */
	char q[512];
	size_t n = 0;
	const char *p = query;
	while (*p && n + 4 < sizeof q) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (n)
			q[n++] = ' ';
		q[n++] = '"';
		while (*p && *p != ' ' && n + 2 < sizeof q)
			q[n++] = *p++;
		q[n++] = '"';
	}
	q[n] = 0;
	sqlite3_reset(w->find);
	sqlite3_bind_text(w->find, 1, q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(w->find, 2, (sqlite3_int64)limit);
	int rc;
	*hits = 0;
	while ((rc = sqlite3_step(w->find)) == SQLITE_ROW)
		(*hits)++;
	return ok(w, rc, "search") ? 0 : -1;
}

double whsql_size(whsql *w)
{
	sqlite3_exec(w->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	struct stat st;
	return stat(w->path, &st) ? 0 : (double)st.st_size;
}

void whsql_close(whsql **pw)
{
	whsql *w = pw ? *pw : NULL;
	if (!w)
		return;
	sqlite3_finalize(w->ins);
	sqlite3_finalize(w->ft);
	sqlite3_finalize(w->own);
	sqlite3_finalize(w->find);
	sqlite3_close(w->db);
	free(w);
	*pw = NULL;
}
