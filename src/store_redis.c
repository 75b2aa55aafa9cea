/*
 * The single-use store in Redis.  A token is spent by one atomic
 * command, SET <prefix><hex> 1 NX EXAT <exp + leeway>: the first
 * worker, on whichever machine, gets OK, every later one nil.  The name
 * is an HMAC of the token's 32-byte store name keyed with
 * redis_key_secret_file, so that whoever reads Redis cannot tell which
 * token, jti or number a key stands for.
 *
 * Fail closed: no connection, a timeout or an error reply is
 * STORE_UNAVAILABLE (503), never a pass.  The connection (redis_conn.c)
 * is dropped on any error and opened again on a later request, after
 * its backoff.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis.h>
#include <sodium.h>

#include "redis_conn.h"
#include "store_redis.h"

/* EXAT's bound: Redis refuses seconds whose milliseconds overflow. */
#define STORE_REDIS_EXAT_MAX		(INT64_C(1) << 40)

struct store_redis {
	struct redis_conn *conn;
	unsigned char	 secret[REDIS_CONN_SECRET_MAX + 1];
	size_t		 secretlen;
	char		 prefix[CONFIG_REDIS_KEY_PREFIX_MAX + 1];
};

int
store_redis_open(struct store_redis **rp, const struct config *c,
    char *err, size_t errlen)
{
	struct store_redis	*r;
	struct redis_url	 u;
	int			 rc = -1;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The URL's errors first, as they always came. */
	if (redis_conn_url(&u, c->redis_url, err, errlen) == -1)
		goto out;
	if (redis_conn_secret(c->redis_key_secret_file, r->secret,
	    &r->secretlen, err, errlen) == -1)
		goto out;
	snprintf(r->prefix, sizeof(r->prefix), "%s", c->redis_key_prefix);
	/* Down now is not fatal: requests get 503 until it is back. */
	if (redis_conn_open(&r->conn, c, err, errlen) == -1)
		goto out;
	*rp = r;
	r = NULL;
	rc = 0;
out:
	store_redis_close(r);
	return rc;
}

enum store_err
store_redis_use(struct store_redis *r,
    const unsigned char name[STORE_KEY_BYTES], int64_t expires, int64_t now,
    const char **detail)
{
	char		 key[REDIS_CONN_KEY_MAX];
	redisReply	*rep = NULL;
	enum store_err	 rc = STORE_UNAVAILABLE;

	if (redis_conn_ready(r->conn) == -1) {
		*detail = redis_conn_why(r->conn);
		return STORE_UNAVAILABLE;
	}
	/* An absurd exp is kept as long as Redis can say, not refused. */
	if (expires > STORE_REDIS_EXAT_MAX)
		expires = STORE_REDIS_EXAT_MAX;
	if (expires <= now)
		expires = now + 1;
	redis_conn_key(key, r->secret, r->secretlen, r->prefix, name,
	    STORE_KEY_BYTES);
	rep = redis_conn_command(r->conn, "SET", "SET %s 1 NX EXAT %lld", key,
	    (long long)expires);
	if (rep == NULL) {
		redis_conn_failed(r->conn, NULL);
		goto out;
	}
	switch (rep->type) {
	case REDIS_REPLY_STATUS:
		/* SET ... NX answers +OK when it wrote, nothing else. */
		if (rep->str != NULL && strcmp(rep->str, "OK") == 0)
			rc = STORE_OK;
		else
			redis_conn_failed(r->conn, "redis SET: status %.60s",
			    rep->str != NULL ? rep->str : "?");
		break;
	case REDIS_REPLY_NIL:
		rc = STORE_SEEN;
		break;
	case REDIS_REPLY_ERROR:
		redis_conn_failed(r->conn, "redis SET: %.160s",
		    rep->str != NULL ? rep->str : "error");
		break;
	default:
		redis_conn_failed(r->conn, "redis SET: unexpected reply");
		break;
	}
out:
	if (rep != NULL)
		freeReplyObject(rep);
	sodium_memzero(key, sizeof(key));
	/* The connection's state is unknown: dropped, started afresh. */
	if (rc == STORE_UNAVAILABLE)
		*detail = redis_conn_why(r->conn);
	return rc;
}

struct redis_conn *
store_redis_conn(struct store_redis *r)
{
	return r != NULL ? r->conn : NULL;
}

void
store_redis_set_metrics(struct store_redis *r, struct metrics *m)
{
	if (r != NULL)
		redis_conn_set_metrics(r->conn, m);
}

void
store_redis_close(struct store_redis *r)
{
	if (r == NULL)
		return;
	redis_conn_close(r->conn);
	sodium_memzero(r->secret, sizeof(r->secret));
	free(r);
}
