/* Private to store/: the record encoding (docs/FORMATS.md). */
#ifndef SH_STORE_INT_H
#define SH_STORE_INT_H

#include <lmdb.h>

#include "sh_store.h"

#define MAP_INITIAL ((size_t)1 << 30)          /* 1 GiB of address space */
#define MAP_LIMIT ((size_t)1 << 40)            /* grow up to 1 TiB */
#define WORD_MAX 64                            /* bytes of a folded word kept in the index */

struct sh_store {
	MDB_env *env;
	MDB_dbi meta, seq, dossier, paper, blob, word, owner, ikey;
	char *dir;
	char *agency;
	size_t map_limit;
	int rdonly;
};

/* Translate an LMDB or errno code into an sh_error with a message. */
int store_lmdb_err(int rc, const char *what);
/* Begin a transaction (flags 0 or MDB_RDONLY), following a map grown by
 * another process. SH_EPERM for a write on a read-only handle. */
int store_txn_begin(sh_store *s, unsigned flags, MDB_txn **txn);
/* After MDB_MAP_FULL, with no transaction open in this process: double the
 * map up to its limit (SH_EFULL beyond). */
int store_grow_map(sh_store *s);
/* A meta value as a new string (sh_free), or NULL. */
char *store_get_meta(MDB_txn *txn, MDB_dbi dbi, const char *k);

/* A record: 'S','H', type byte, version byte, then fields:
 * varint tag, varint length, length bytes. Unknown tags are skipped, so
 * later versions can add fields; a field may repeat (lists). */
enum { REC_DOSSIER = 'D', REC_PAPER = 'P', REC_PAGE = 'g', REC_META = 'M' };
#define REC_VERSION 1

/* Field tags: dossier (D_), paper (P_), page (G_). Never renumber. */
enum { D_CODE = 1, D_AGENCY, D_OWNER, D_PROCEDURE, D_RECEIVED, D_OPERATOR, D_PAPER };
enum { P_CODE = 1, P_DOSSIER, P_OWNER, P_FILE, P_KIND, P_FACTS, P_FLAGS, P_CREATED, P_PAGE };
enum { G_IMAGE = 1, G_MIME, G_IMAGE_LEN, G_TEXT, G_HOCR, G_WIDTH, G_HEIGHT, G_DPI, G_ROTATION,
       G_CONF, G_FLAGS, G_NOTE, G_MAKE, G_MODEL };

typedef struct rec_w {
	sh_buf b;
	int err;
} rec_w;

void rec_begin(rec_w *w, int type);
void rec_bytes(rec_w *w, unsigned tag, const void *p, size_t n);
void rec_str(rec_w *w, unsigned tag, const char *s); /* skipped if NULL */
void rec_u64(rec_w *w, unsigned tag, uint64_t v);
void rec_i64(rec_w *w, unsigned tag, int64_t v);
void rec_f32(rec_w *w, unsigned tag, float v);

typedef struct rec_r {
	const uint8_t *p, *end;
	int type, version;
} rec_r;

/* Start reading; SH_ECORRUPT if the header is wrong or type differs
 * (type 0: any). */
int rec_open(rec_r *r, const void *data, size_t len, int type);
/* Next field: 1 and tag/value set, 0 at the end, SH_ECORRUPT on damage. */
int rec_next(rec_r *r, unsigned *tag, const uint8_t **val, size_t *len);
int rec_get_u64(const uint8_t *val, size_t len, uint64_t *out);
char *rec_dup_str(const uint8_t *val, size_t len); /* NULL on ENOMEM or embedded NUL */

/* Record decoders used by the store and by the fuzz target. */
int store_decode_dossier(const void *data, size_t len, sh_dossier_rec **out);
int store_decode_paper(const void *data, size_t len, sh_paper_rec **out);

#endif
