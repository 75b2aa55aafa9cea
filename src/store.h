/*
 * The single-use store behind one call: the mapped file of one machine
 * (replay.c) or one Redis for every machine (store_redis.c), chosen by
 * single_use_store.  auth.c spends tokens here and knows neither.
 */
#ifndef NV_STORE_H
#define NV_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "replay.h"

#define STORE_KEY_BYTES	REPLAY_KEY_BYTES	/* the token's name */

enum store_err {
	STORE_OK = 0,		/* first use: now recorded */
	STORE_SEEN,		/* used before */
	STORE_FULL,		/* no room: refused, fail closed */
	STORE_UNAVAILABLE,	/* the store did not answer: 503, not a pass */
	STORE_FAILED,		/* the store is broken: 500 */
	STORE__MAX
};

struct store;
struct metrics;
struct redis_conn;

/*
 * Opens the configured store before the sandbox is entered: the file
 * (as owner:group when not (uid_t)-1) or the Redis connection.  A
 * Redis that cannot be reached yet is not an error here (the worker
 * answers 503 and tries again); a bad URL or key file is.
 */
int		 store_open(struct store **, const struct config *,
		    uid_t owner, gid_t group, char *err, size_t errlen);
/*
 * Spends key until expires (seconds since the epoch).  *detail, when
 * set, says for the log why the store failed.
 */
enum store_err	 store_use(struct store *,
		    const unsigned char key[STORE_KEY_BYTES], int64_t expires,
		    int64_t now, const char **detail);
/*
 * The file store's tokens held and capacity, for the metrics; -1 (both
 * -1) for Redis, whose size is Redis's own to report.
 */
int		 store_size(struct store *, long long *entries,
		    long long *capacity);
/* 1 when the store talks over a socket the sandbox must allow. */
int		 store_needs_network(const struct store *);
/* Redis: the worker's connection, for the introspection cache; else NULL. */
struct redis_conn *store_conn(const struct store *);
/* The store's own counters (Redis: its commands) go to m (NULL: none). */
void		 store_set_metrics(struct store *, struct metrics *);
void		 store_close(struct store *);
const char	*store_strerror(enum store_err);

#endif
