/*
 * Opaque access tokens: the claims asked of the authorization server's
 * introspection endpoint (RFC 7662), checked by claims.c like a JWT's,
 * and kept in the shared sealed cache for every worker: a mapped file
 * (icache.c) or Redis for every machine (icache_redis.c).
 */
#ifndef NV_INTROSPECT_H
#define NV_INTROSPECT_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "claims.h"
#include "config.h"

#define INTROSPECT_BODY_MAX	65536	/* bytes of an answer */

enum introspect_err {
	INTROSPECT_OK = 0,	/* active, and the 401-class claims pass */
	INTROSPECT_INVALID,	/* 401: inactive, or a claim refused */
	INTROSPECT_UNAVAILABLE,	/* 503: the endpoint failed, not the client */
	INTROSPECT_REFUSED,	/* 500: the endpoint refused our credentials */
	INTROSPECT_INTERNAL,	/* 500: out of memory, the cache's lock */
	INTROSPECT__MAX
};

struct introspect;
struct metrics;
struct redis_conn;

/*
 * Before the sandbox: the credentials, the HTTP client (its connection
 * is then kept from call to call) and the cache, when configured: its
 * file (as owner:group when not (uid_t)-1), or Redis over redis (the
 * single-use store's connection, shared; NULL: one of its own).  NULL
 * in *out when no introspection_endpoint is set.
 */
int		 introspect_open(struct introspect **out, const struct config *,
		    struct redis_conn *redis, uid_t owner, gid_t group,
		    char *err, size_t errlen);
/*
 * The claims of tok as the endpoint (or the cache) tells them.  With
 * INTROSPECT_OK, *c holds them as claims_check_object() read them;
 * scope, amr and the number are the caller's to judge.  *detail says
 * why for the log (never the token, never the number).
 */
enum introspect_err introspect_token(struct introspect *, const char *tok,
		    size_t len, time_t now, struct claims *c,
		    const char **detail);
/* Counts calls, cache hits, errors and time in m (NULL: none). */
void		 introspect_set_metrics(struct introspect *, struct metrics *);
void		 introspect_close(struct introspect *);

#endif
