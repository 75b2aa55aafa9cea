/*
 * The single-use store in Redis, shared by every machine: one atomic
 * SET NX per token over the worker's connection (redis_conn.c), under
 * a name keyed with a secret so that Redis learns nothing about tokens.
 */
#ifndef NV_STORE_REDIS_H
#define NV_STORE_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "redis_conn.h"
#include "store.h"

struct store_redis;
struct metrics;

/*
 * Reads the key secret and opens the worker's connection (see
 * redis_conn_open()): a Redis that cannot be reached, or refuses the
 * password, is logged and retried on the next request; a bad setting
 * is an error.
 */
int		 store_redis_open(struct store_redis **,
		    const struct config *, char *err, size_t errlen);
enum store_err	 store_redis_use(struct store_redis *,
		    const unsigned char name[STORE_KEY_BYTES], int64_t expires,
		    int64_t now, const char **detail);
/* The connection, for the introspection cache to share (redis_conn_hold). */
struct redis_conn *store_redis_conn(struct store_redis *);
/* Counts the commands and their round trips in m (NULL: none). */
void		 store_redis_set_metrics(struct store_redis *, struct metrics *);
void		 store_redis_close(struct store_redis *);

#endif
