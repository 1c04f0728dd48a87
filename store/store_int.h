/* Private to the storage engine and the two modules built on it (ledger/,
 * warehouse/): the LMDB handle and its tables, error translation, the
 * record encoding (docs/FORMATS.md), the search and owner indexes. Nothing
 * outside store/, ledger/, warehouse/ (and the fuzz targets of the record
 * decoders) includes it. */
#ifndef SH_STORE_INT_H
#define SH_STORE_INT_H

#include <lmdb.h>

#include "sh_store.h"

#define MAP_INITIAL ((size_t)1 << 30)          /* 1 GiB of address space */
#define MAP_LIMIT ((size_t)1 << 40)            /* grow up to 1 TiB */
#define WORD_MAX 64                            /* bytes of a folded word kept in the index */

struct sh_store {
	MDB_env *env;
	MDB_dbi meta, seq, dossier, paper, blob, owner, ikey;
	MDB_dbi post, exact, pid; /* the search index (index.c) */
	MDB_dbi log, lognode, sig, checkpoint, key; /* the signed log (log.c) */
	MDB_dbi state, attach, attached, rdate, user, audit; /* owners' warehouse (warehouse.c, access.c) */
	char *dir;
	char *agency;
	size_t map_limit;
	int rdonly;
	struct store_objs *objs; /* the object store of the blobs (blobs.c), NULL: blobs in LMDB */
};

/* The map is full (MDB_MAP_FULL): the engine's typed signal to grow the map
 * and run the write again. store_lmdb_err and store_write_err give it, with
 * a message, for MDB_MAP_FULL; store_write consumes it: no public call
 * returns it (at the map's limit they return SH_EFULL). */
#define SH_EMAPFULL (-64)

/* Translate an LMDB or errno code into an sh_error with a message
 * (SH_EMAPFULL for MDB_MAP_FULL). */
int store_lmdb_err(int rc, const char *what);
/* The same for a failed write: a full disk or file size limit reported by
 * LMDB as EIO becomes SH_EFULL saying so. */
int store_write_err(sh_store *s, int lrc, const char *what);
/* Begin a transaction (flags 0 or MDB_RDONLY), following a map grown by
 * another process. SH_EPERM for a write on a read-only handle. */
int store_txn_begin(sh_store *s, unsigned flags, MDB_txn **txn);
/* After MDB_MAP_FULL, with no transaction open in this process: double the
 * map up to its limit (SH_EFULL beyond). Only store_write calls it. */
int store_grow_map(sh_store *s);
/* The one write path: begin a write transaction (flags 0 or MDB_NOSYNC),
 * run fn(s, txn, arg), commit. fn returns SH_OK or an sh_error; an LMDB
 * failure it meets becomes one through store_lmdb_err / store_write_err,
 * so a full map comes back as SH_EMAPFULL. On any error the transaction is
 * aborted: nothing of it is stored. On SH_EMAPFULL (from fn or the commit)
 * the map is grown and fn runs again from the start in a new transaction,
 * so fn must redo everything it keeps in arg on each call. Returns SH_OK,
 * fn's error, SH_EFULL when the map is at its limit, SH_EPERM on a
 * read-only store; what names the operation in a failed commit's message. */
int store_write(sh_store *s, unsigned flags, const char *what,
		int (*fn)(sh_store *, MDB_txn *, void *), void *arg);
/* 8-byte big-endian keys (log indexes, tree sizes, audit sequence): they
 * sort in numeric order. */
static inline void store_be64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}
static inline uint64_t store_rd64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}


/* ---- blobs in an object store (blobs.c, migrate.c; docs/OBJSTORE.md) -------
 * With meta "blobs" = s3://BUCKET[/PREFIX], a blob row holds a stub: 'S' and
 * the size (u64 BE), STORE_STUB_LEN bytes, once the object is durable in the
 * object store or its spool. A row that hashes to its key is the bytes. */
#define STORE_STUB_LEN 9
struct store_objs;
struct sh_obj;
/* Split s3://BUCKET[/PREFIX] (checked); both: caller sh_free. SH_EINVAL. */
int store_blobs_url_parse(const char *url, char **bucket, char **prefix);
/* The pool of object-store handles for warehouse dir (spool and cache in
 * it); the environment (SOHOA_S3_*) is read at the first use. */
int store_objs_new(struct store_objs **out, const char *dir, const char *url);
void store_objs_free(struct store_objs **p);
/* 1 (and *size, may be NULL) when row v of key k is a stub, else 0. */
int store_blob_stub(const MDB_val *k, const MDB_val *v, uint64_t *size);
/* Before the write transaction that references it: put a blob in the
 * object store when the warehouse keeps them there (*remote = 1: durable
 * in the store or the spool), else nothing (*remote = 0). Any error means
 * the operation must store nothing. */
int store_blob_upload(sh_store *s, const uint8_t sha[SH_SHA256_LEN], const void *data, size_t len,
		      int *remote);
/* The same for n blobs, by SOHOA_S3_UPLOADS threads (default 4), each
 * with its own handle: the bulk path's blobs. Each item's remote is set;
 * the first error is returned (with its message) and the rest not sent. */
typedef struct store_blob_item {
	const uint8_t *sha;
	const void *data;
	size_t len;
	int remote; /* out */
} store_blob_item;
int store_blob_upload_many(sh_store *s, store_blob_item *it, size_t n);
/* In txn: the row of a blob (cursor c of the blob table, or NULL): a stub
 * when remote and the warehouse, as txn sees it, keeps its blobs in the
 * object store; else the bytes. A row already there stays. Returns an LMDB
 * code (0 when done). */
int store_blob_row(sh_store *s, MDB_txn *txn, MDB_cursor *c, const uint8_t sha[SH_SHA256_LEN],
		   const void *data, size_t len, int remote);
/* The bytes of a stubbed blob from the object store (cache, spool, store),
 * re-hashed: SH_ECORRUPT, SH_ENOTFOUND, SH_EIO, SH_EPERM. *out: sh_free,
 * NUL after the bytes. Thread-safe. */
int store_blob_remote_get(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
			  size_t *out_len);
/* The same past the read cache (verify: the store's bytes, or the spool's
 * while not drained). */
int store_blob_remote_fetch(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint8_t **out,
			    size_t *out_len, int no_cache);
/* Is a stubbed blob in the object store (HEAD) or its spool (*spooled)?
 * SH_OK with its size (may be NULL), SH_ENOTFOUND, or another error. */
int store_blob_remote_head(sh_store *s, const uint8_t sha[SH_SHA256_LEN], uint64_t *size,
			   int *spooled);
/* A handle without spool and cache (migration), and its release. */
int store_objs_plain(sh_store *s, struct sh_obj **out);
void store_objs_plain_put(sh_store *s, struct sh_obj **o);

/* A meta value as a new string (sh_free), or NULL. */
char *store_get_meta(MDB_txn *txn, MDB_dbi dbi, const char *k);

/* A record: 'S','H', type byte, version byte, then fields:
 * varint tag, varint length, length bytes. Unknown tags are skipped, so
 * later versions can add fields; a field may repeat (lists). */
enum { REC_DOSSIER = 'D', REC_PAPER = 'P', REC_PAGE = 'g', REC_META = 'M', REC_KEY = 'K' };
#define REC_VERSION 1

/* Field tags: dossier (D_), paper (P_), page (G_). Never renumber. */
enum { D_CODE = 1, D_AGENCY, D_OWNER, D_PROCEDURE, D_RECEIVED, D_OPERATOR, D_PAPER, D_RESULT };
enum { P_CODE = 1, P_DOSSIER, P_OWNER, P_FILE, P_KIND, P_FACTS, P_FLAGS, P_CREATED, P_PAGE,
       P_ID };
enum { G_IMAGE = 1, G_MIME, G_IMAGE_LEN, G_TEXT, G_HOCR, G_WIDTH, G_HEIGHT, G_DPI, G_ROTATION,
       G_CONF, G_FLAGS, G_NOTE, G_MAKE, G_MODEL, G_ORIGINAL, G_ORIGINAL_MIME, G_ORIGINAL_LEN };

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
int store_decode_dossier(const void *data, size_t len, sh_store_dossier_rec **out);
int store_decode_paper(const void *data, size_t len, sh_store_paper_rec **out);
/* ---- the search index (index.c; docs/FORMATS.md "Search index") ----------
 * Every paper has a number, its paper id (1, 2, ... in storing order, kept
 * in the paper record as P_ID; the next one in `seq` under "P"). Tables:
 * post (DUPSORT|DUPFIXED): folded word -> 4-byte big-endian paper ids;
 * exact (same): lower-cased word as written (diacritics kept) -> ids;
 * pid: 4-byte BE id -> paper code. */
#define STORE_PID_MAX 0xfffffffeu
static inline void store_be32(uint8_t out[4], uint32_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}
static inline uint32_t store_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
/* Reserve n paper ids in txn: *first receives the first. An sh_error, or
 * SH_OK with *lrc a failing LMDB code. */
int store_pid_alloc(sh_store *s, MDB_txn *txn, uint32_t n, uint32_t *first, int *lrc);
/* Index one text of paper id: its folded words in post, its lower-cased
 * words in exact. An sh_error, or SH_OK with *lrc set. */
int store_index_text(sh_store *s, MDB_txn *txn, uint32_t id, const char *text, int *lrc);
/* Call fn(arg, table, word, len) for each index term of text: table 0 the
 * folded words (post), 1 the lower-cased words (exact); words cut
 * to WORD_MAX bytes; a word may repeat. Stops at fn's non-zero result.
 * SH_OK, SH_ENOMEM or another sh_error. */
int store_text_terms(const char *text, int (*fn)(void *, int, const char *, size_t), void *arg);
/* The paper id field of an encoded paper record (0 when absent or damaged). */
uint32_t store_paper_id(const void *rec, size_t len);
/* Upgrade a schema-1 warehouse in one write transaction: number every
 * paper, move the old `word` index into post and exact, drop it. */
int store_index_upgrade(sh_store *s);

/* ---- the owner index (owner.c) ---------------------------------------------
 * owner (DUPSORT): owner id -> paper code, byte 0, summary: 'S', paper id
 * (4 BE), created (8 BE), kind (length byte + bytes), the valid_until fact
 * (0 absent, 1 null, 2 + length byte + string) and the date fact (0 or 2 +
 * string). Byte 0 sorts below every code byte, so entries keep code order.
 * Schema-1 entries (code alone) are read too. */
#define STORE_OSUM_STR 32
#define STORE_OSUM_MAX (SH_STORE_CODE_MAX + 16 + 16 + 2 * (STORE_OSUM_STR + 2))
typedef struct store_osum {
	char code[SH_STORE_CODE_MAX];
	int has_sum;  /* 0: a code alone (the rest is unset) */
	uint32_t id;
	int64_t created;
	char kind[16];
	int vu, date; /* 0 absent, 1 null (vu only), 2 the string below */
	char vu_s[STORE_OSUM_STR + 1], date_s[STORE_OSUM_STR + 1];
} store_osum;
/* Encode an entry into out (STORE_OSUM_MAX bytes), *len its size. */
int store_osum_encode(uint8_t *out, size_t *len, const char *code, uint32_t id, int64_t created,
		      const char *kind, const char *facts);
/* Decode an entry: 0, or -1 when damaged. */
int store_osum_decode(const void *val, size_t len, store_osum *o);
/* File paper code under owner (through cursor c, or txn when c is NULL).
 * An sh_error, or SH_OK with *lrc a failing LMDB code (an entry already
 * there is not a failure). */
int store_owner_put(sh_store *s, MDB_txn *txn, MDB_cursor *c, const char *owner, const char *code,
		    uint32_t id, int64_t created, const char *kind, const char *facts, int *lrc);
/* Is code filed under owner in dbi? */
int store_owner_has(MDB_txn *txn, MDB_dbi dbi, const char *owner, const char *code);
/* The paper id of owner index entry v (0 when damaged or its paper missing). */
uint32_t store_owner_entry_id(sh_store *s, MDB_txn *txn, const MDB_val *v);
/* A list of paper ids read newest (largest) first: a word's postings
 * (cursor) or an array of 4-byte BE ids (the owner filter). */
typedef struct store_plist {
	MDB_cursor *c;      /* NULL: blk/nblk is the whole list */
	MDB_val key;
	size_t count;
	const uint8_t *blk; /* current block: ascending 4-byte BE ids */
	size_t nblk;
	uint8_t one[4];
} store_plist;
/* Open the postings of key in dbi: SH_OK, SH_ENOTFOUND (no such word) or
 * an sh_error. key must outlive the list. */
int store_plist_open(store_plist *l, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen);
void store_plist_close(store_plist *l);
/* The largest id <= x into *out: 0, MDB_NOTFOUND, or an LMDB error. The
 * calls on one list must ask for non-increasing x. */
int store_plist_le(store_plist *l, uint32_t x, uint32_t *out);

#endif
