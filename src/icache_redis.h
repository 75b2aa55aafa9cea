/*
 * The introspection cache in Redis, shared by every machine: the file
 * form's entries (icache.c), sealed the same way (iseal.c), each a
 * Redis value that Redis expires at the entry's expiry, over the
 * worker's one Redis connection (redis_conn.c).
 */
#ifndef NV_ICACHE_REDIS_H
#define NV_ICACHE_REDIS_H

#include <stddef.h>

#include "config.h"
#include "icache.h"
#include "iseal.h"

/* A value: the expiry (8 bytes), the nonce and the box. */
#define ICACHE_REDIS_VALUE_BYTES	(8 + ISEAL_NONCE_BYTES + ISEAL_BOX_BYTES)

struct icache_redis;
struct redis_conn;

/*
 * Reads redis_key_secret_file and takes a hold on shared (the
 * single-use store's connection), or opens a connection of its own
 * when shared is NULL.  Redis down now is not an error: the cache
 * misses until it is back.
 */
int		 icache_redis_open(struct icache_redis **,
		    const struct config *, struct redis_conn *shared,
		    char *err, size_t errlen);
/*
 * The key of tok's entry: redis_cache_key_prefix, then the hex of
 * HMAC-SHA256 keyed with the secret over a labelled BLAKE2b of tok.
 * out holds REDIS_CONN_KEY_MAX.
 */
void		 icache_redis_key(char *out, const unsigned char *secret,
		    size_t secretlen, const char *prefix, const char *tok,
		    size_t len);

extern const struct icache_ops icache_redis_ops;

#endif
