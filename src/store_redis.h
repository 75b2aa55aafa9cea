/*
 * The single-use store in Redis, shared by every machine: one
 * connection per worker, one atomic SET NX per token, under a name
 * keyed with a secret so that Redis learns nothing about tokens.
 */
#ifndef NV_STORE_REDIS_H
#define NV_STORE_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define STORE_REDIS_SECRET_MIN	32	/* redis_key_secret_file's bytes */
#define STORE_REDIS_SECRET_MAX	1024
#define STORE_REDIS_PATH_MAX	108	/* sun_path */
#define STORE_REDIS_HOST_MAX	256
/* The prefix, 64 hex digits of the keyed hash, NUL. */
#define STORE_REDIS_KEY_MAX	(CONFIG_REDIS_KEY_PREFIX_MAX + 64 + 1)

struct redis_url {
	int	 unix_socket;			/* unix:/path */
	int	 tls;				/* rediss:// */
	char	 name[STORE_REDIS_HOST_MAX];	/* the host as written */
	char	 path[STORE_REDIS_PATH_MAX];
	char	 host[STORE_REDIS_HOST_MAX];	/* redis://host:port/db */
	int	 port;
	long	 db;
};

struct store_redis;
struct metrics;

/* Reads redis_url; -1 with err naming what is wrong. */
int		 store_redis_url(struct redis_url *, const char *url,
		    char *err, size_t errlen);
/*
 * The Redis key of a token name: prefix, then the hex of HMAC-SHA256
 * keyed with the secret over the name.  out holds STORE_REDIS_KEY_MAX.
 */
void		 store_redis_key(char *out, const unsigned char *secret,
		    size_t secretlen, const char *prefix,
		    const unsigned char name[STORE_KEY_BYTES]);
/*
 * Reads the URL, the key secret and the password, resolves the host
 * once (the sandbox allows no name service), and connects.  A Redis
 * that cannot be reached, or refuses the password, is logged and
 * retried on the next request; a bad setting is an error.
 */
int		 store_redis_open(struct store_redis **,
		    const struct config *, char *err, size_t errlen);
enum store_err	 store_redis_use(struct store_redis *,
		    const unsigned char name[STORE_KEY_BYTES], int64_t expires,
		    int64_t now, const char **detail);
/* Counts the SET commands and their round trips in m (NULL: none). */
void		 store_redis_set_metrics(struct store_redis *, struct metrics *);
void		 store_redis_close(struct store_redis *);

#endif
