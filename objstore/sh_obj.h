/*
 * sh_obj.h — page images and hOCR in an S3-compatible object store, by
 * content address (docs/OBJSTORE.md).
 *
 * An object's key is PREFIX/sha256/ab/cd/<64 lower-case hex of its SHA-256>
 * in one bucket, addressed path-style (ENDPOINT/BUCKET/KEY) and signed with
 * AWS Signature V4 by libcurl (CURLOPT_AWS_SIGV4 "aws:amz:REGION:s3"); this
 * module sends x-amz-content-sha256 itself. Tested against OpenStack Swift's
 * s3api; written for Ceph RGW and AWS S3 too.
 *
 * Durability: sh_obj_put returns SH_OK only when the object is stored in the
 * object store or written and fsynced in the local spool directory
 * (write-ahead spool); sh_obj_spool_drain uploads the spool once the store is
 * back. Reads re-hash every object (from the store, the cache or the spool)
 * and go through an optional local cache bounded in bytes (least recently
 * read evicted first, by access time set on every read).
 *
 * Conventions (sh_common.h): int return, SH_OK or a negative sh_error code
 * with a message (sh_error_message); output parameters first; nothing prints.
 *
 * Thread safety: one sh_obj handle per thread (it owns one curl handle).
 * Several handles, in several processes, may share a spool and a cache
 * directory: files appear by atomic rename.
 *
 * Expected errors:
 *   SH_EPERM     the object store refused the credentials (HTTP 403)
 *   SH_ENOTFOUND no such object (HTTP 404), the message names its hash
 *   SH_ECORRUPT  bytes read do not hash to their address
 *   SH_EIO       the store is unreachable or failing (5xx, 429, timeouts)
 *                after the bounded retries, or a local file failed
 *   SH_EINVAL    bad configuration or a reply that cannot be understood
 *   SH_ENOMEM
 */
#ifndef SH_OBJ_H
#define SH_OBJ_H

#include <stddef.h>
#include <stdint.h>

#include "sh_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SH_OBJ_MULTIPART_DEFAULT (16u << 20) /* bytes: multipart above this */
#define SH_OBJ_PART_DEFAULT (8u << 20)       /* bytes per part */

typedef struct sh_obj_config {
	/* Borrowed strings, copied by sh_obj_open. */
	const char *endpoint;   /* "http://127.0.0.1:8080" (no trailing path) */
	const char *region;     /* "us-east-1" */
	const char *bucket;     /* path-style bucket name */
	const char *prefix;     /* key prefix without slashes at the ends; NULL or "" for none */
	const char *access_key; /* may contain ':' (Swift's "test:tester") */
	const char *secret_key;
	const char *spool_dir;  /* NULL: no spool, put fails when the store is down */
	const char *cache_dir;  /* NULL: no read cache */
	uint64_t cache_limit;   /* bytes in cache_dir; 0: 1 GiB */
	uint64_t multipart_threshold; /* 0: SH_OBJ_MULTIPART_DEFAULT */
	uint64_t part_size;     /* 0: SH_OBJ_PART_DEFAULT */
	int max_attempts;       /* per request, >= 1; 0: 5 */
	long timeout_ms;        /* per attempt (whole transfer); 0: 60000 */
	long connect_timeout_ms;/* 0: 5000 */
	long backoff_ms;        /* first back-off; doubles each retry, full jitter; 0: 200 */
	long backoff_max_ms;    /* cap of one back-off; 0: 5000 */
} sh_obj_config;

/* Fill the store fields of *cfg (zeroed first) from the environment:
 * SOHOA_S3_ENDPOINT, SOHOA_S3_REGION (default us-east-1),
 * SOHOA_S3_ACCESS_KEY, SOHOA_S3_SECRET_KEY, or, when the keys are not set,
 * the file named by SOHOA_S3_CREDENTIALS (lines "access_key = ..." and
 * "secret_key = ...", or AWS's aws_access_key_id / aws_secret_access_key).
 * The strings point into the environment or into *strings (caller frees
 * with sh_free after sh_obj_open). bucket and prefix are left to the caller.
 * SH_EINVAL naming the missing variable. */
int sh_obj_config_env(sh_obj_config *cfg, char **strings);

/* Open a client. Creates spool_dir and cache_dir if missing. No request is
 * made. *out: release with sh_obj_close. */
typedef struct sh_obj sh_obj;
int sh_obj_open(sh_obj **out, const sh_obj_config *cfg);
void sh_obj_close(sh_obj **o);

/* Create the bucket (PUT /BUCKET). SH_OK if it already exists and is ours. */
int sh_obj_bucket_create(sh_obj *o);

/* The object key of a hash: "PREFIX/sha256/ab/cd/<hex>" into out (n bytes;
 * 256 is always enough). SH_ELIMIT if it does not fit. */
int sh_obj_key(char *out, size_t n, const sh_obj *o, const uint8_t hash[SH_SHA256_LEN]);

/* Where sh_obj_put left the object. */
enum sh_obj_where {
	SH_OBJ_STORED = 1,  /* uploaded now */
	SH_OBJ_EXISTED = 2, /* already in the store with this size (HEAD): not sent */
	SH_OBJ_SPOOLED = 3  /* store unavailable: fsynced in the spool, drain later */
};

/* Store len bytes by their SHA-256 (written to out_hash, may be NULL).
 * Idempotent. Objects larger than multipart_threshold go up in parts (an
 * interrupted multipart upload is aborted). When the store stays unavailable
 * after the retries (SH_EIO cases) and a spool is configured, the bytes are
 * spooled instead and SH_OK is returned with *out_where = SH_OBJ_SPOOLED.
 * SH_EPERM is never spooled (a configuration error must be seen).
 * out_where may be NULL. */
int sh_obj_put(sh_obj *o, uint8_t out_hash[SH_SHA256_LEN], int *out_where,
	       const void *data, size_t len);

/* Read an object: from the cache, else the spool, else the store (then
 * cached). The bytes are re-hashed: SH_ECORRUPT if they are not the object
 * (a damaged cache file is dropped and the store asked instead).
 * *out: caller frees with sh_free; *out_len its length. */
int sh_obj_get(sh_obj *o, uint8_t **out, size_t *out_len,
	       const uint8_t hash[SH_SHA256_LEN]);

/* Is the object in the store (not the spool, not the cache)? SH_OK and its
 * size (out_size may be NULL), or SH_ENOTFOUND. */
int sh_obj_head(sh_obj *o, uint64_t *out_size, const uint8_t hash[SH_SHA256_LEN]);

/* Delete the object from the store (tests and migration back only). The
 * cache and spool are not touched. SH_OK also when it was not there. */
int sh_obj_delete(sh_obj *o, const uint8_t hash[SH_SHA256_LEN]);

/* Upload every spooled object (re-hashed first; a damaged spool file is
 * renamed *.corrupt and counted in *out_bad) and remove it from the spool
 * once stored. Stops at the first failure to reach the store (SH_EIO, the
 * rest stays spooled). Any output pointer may be NULL. */
int sh_obj_spool_drain(sh_obj *o, size_t *out_uploaded, size_t *out_left, size_t *out_bad);

/* Number of objects waiting in the spool. */
int sh_obj_spool_count(sh_obj *o, size_t *out);

/* Counters since sh_obj_open (for tests and benchmarks). */
typedef struct sh_obj_stats {
	uint64_t requests;     /* HTTP requests sent, retries included */
	uint64_t retries;      /* requests repeated after a transient failure */
	uint64_t cache_hits, cache_misses, cache_evictions;
	uint64_t multipart_uploads;
	uint64_t bytes_up, bytes_down;
} sh_obj_stats;
void sh_obj_stats_get(const sh_obj *o, sh_obj_stats *out);

#ifdef __cplusplus
}
#endif
#endif
