/*
 * One Redis connection per worker, shared by whatever keeps state in
 * Redis (the single-use store, store_redis.c, and the introspection
 * cache, icache_redis.c): the URL, the host resolved once before the
 * sandbox, connect, AUTH, SELECT, TLS for rediss://, the timeout, a
 * backoff after a failure, one command's round trip, and the counting
 * of commands in the metrics.
 */
#ifndef NV_REDIS_CONN_H
#define NV_REDIS_CONN_H

#include <stddef.h>

#include <hiredis.h>

#include "config.h"

#define REDIS_CONN_PATH_MAX	108	/* sun_path */
#define REDIS_CONN_HOST_MAX	256
#define REDIS_CONN_WHY_MAX	256
#define REDIS_CONN_SECRET_MIN	32	/* redis_key_secret_file's bytes */
#define REDIS_CONN_SECRET_MAX	1024
/* A key: the prefix, 64 hex digits of the keyed hash, NUL. */
#define REDIS_CONN_KEY_MAX	(CONFIG_REDIS_KEY_PREFIX_MAX + 64 + 1)

struct redis_url {
	int	 unix_socket;			/* unix:/path */
	int	 tls;				/* rediss:// */
	char	 name[REDIS_CONN_HOST_MAX];	/* the host as written */
	char	 path[REDIS_CONN_PATH_MAX];
	char	 host[REDIS_CONN_HOST_MAX];	/* redis://host:port/db */
	int	 port;
	long	 db;
};

struct redis_conn;
struct metrics;

/* Reads redis_url; -1 with err naming what is wrong. */
int		 redis_conn_url(struct redis_url *, const char *url,
		    char *err, size_t errlen);
/*
 * A key in Redis: prefix, then the hex of HMAC-SHA256 keyed with the
 * secret (redis_key_secret_file) over name, so that the keys reveal
 * nothing of what they stand for.  out holds REDIS_CONN_KEY_MAX.
 */
void		 redis_conn_key(char *out, const unsigned char *secret,
		    size_t secretlen, const char *prefix,
		    const unsigned char *name, size_t namelen);
/* redis_key_secret_file, with its rules (0600, 32 bytes at least). */
int		 redis_conn_secret(const char *path,
		    unsigned char secret[REDIS_CONN_SECRET_MAX + 1],
		    size_t *secretlen, char *err, size_t errlen);
/*
 * Reads the URL, the password and the TLS files, resolves the host
 * once (the sandbox allows no name service), and connects.  A Redis
 * that cannot be reached, or refuses the password, is logged and
 * retried later; a bad setting is an error.  The connection starts
 * with one holder; redis_conn_hold() adds one, redis_conn_close()
 * takes one away and closes it with the last.
 */
int		 redis_conn_open(struct redis_conn **,
		    const struct config *, char *err, size_t errlen);
struct redis_conn *redis_conn_hold(struct redis_conn *);
/*
 * 0 when connected; else, when the backoff allows, one attempt to
 * connect.  -1: not connected, redis_conn_why() says why.
 */
int		 redis_conn_ready(struct redis_conn *);
/*
 * One command (ready first), counted and timed in the metrics.  NULL
 * when no reply came: redis_conn_why() says why, and the caller drops
 * the connection (redis_conn_failed()).  The reply is the caller's to
 * check and free.
 */
redisReply	*redis_conn_command(struct redis_conn *, const char *what,
		    const char *fmt, ...);
/*
 * The connection's state is unknown after a failure: it is dropped,
 * and opened again no sooner than a backoff.  fmt (NULL: keep the
 * reason redis_conn_command() wrote) says why, for redis_conn_why().
 */
void		 redis_conn_failed(struct redis_conn *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*redis_conn_why(const struct redis_conn *);
/* Counts the commands and their round trips in m (NULL: none). */
void		 redis_conn_set_metrics(struct redis_conn *, struct metrics *);
void		 redis_conn_close(struct redis_conn *);

#endif
