/*
 * The values of nv.conf that are more than a string, a file, a number
 * or yes/no: lists (network_amr, signing_algorithms), names from a
 * table (api_version, single_use_store, introspection_cache_store),
 * URLs and paths with rules of their own.  config.c's table points here; each setter checks its
 * value whole, so that the error names the line it came from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_set.h"
#include "http.h"
#include "sig.h"

/*
 * The next blank-separated word of a list at or after p: its start,
 * with *end just past it; NULL when none is left.
 */
static const char *
config_word(const char *p, const char **end)
{
	const char	*q;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	for (q = p; *q != '\0' && *q != ' ' && *q != '\t'; q++)
		continue;
	*end = q;
	return p;
}

int
config_set_string(char **dst, const char *v, int allow_empty, char *err,
    size_t errlen)
{
	if (!allow_empty && *v == '\0') {
		snprintf(err, errlen, "value must not be empty");
		return -1;
	}
	free(*dst);
	if ((*dst = strdup(v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* file or redis, for the store or the cache named by key. */
static int
config_set_store_kind(enum config_store *dst, const char *key, const char *v,
    char *err, size_t errlen)
{
	if (strcmp(v, "file") == 0)
		*dst = CONFIG_STORE_FILE;
	else if (strcmp(v, "redis") == 0)
		*dst = CONFIG_STORE_REDIS;
	else {
		snprintf(err, errlen, "%s must be file or redis", key);
		return -1;
	}
	return 0;
}

int
config_set_single_use_store(struct config *c, const char *v, char *err,
    size_t errlen)
{
	return config_set_store_kind(&c->single_use_store, "single_use_store",
	    v, err, errlen);
}

int
config_set_introspection_cache_store(struct config *c, const char *v,
    char *err, size_t errlen)
{
	return config_set_store_kind(&c->introspection_cache_store,
	    "introspection_cache_store", v, err, errlen);
}

/*
 * Only the scheme is checked here, so that the error names the line;
 * store_redis.c reads the rest, and start-up stops on what it refuses.
 */
int
config_set_redis_url(struct config *c, const char *v, char *err, size_t errlen)
{
	if (strncmp(v, "redis://", 8) != 0 && strncmp(v, "rediss://", 9) != 0 &&
	    strncmp(v, "unix:", 5) != 0) {
		snprintf(err, errlen, "redis_url must start with redis://, "
		    "rediss:// or unix:");
		return -1;
	}
	return config_set_string(&c->redis_url, v, 0, err, errlen);
}

/* Printable, no blanks: the prefix is written into every key as it is. */
static int
config_set_prefix(char **dst, const char *key, const char *v, char *err,
    size_t errlen)
{
	const char	*p;

	for (p = v; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			break;
	if (*p != '\0' || strlen(v) > CONFIG_REDIS_KEY_PREFIX_MAX) {
		snprintf(err, errlen, "%s must be at most %d "
		    "printable characters without blanks", key,
		    CONFIG_REDIS_KEY_PREFIX_MAX);
		return -1;
	}
	return config_set_string(dst, v, 1, err, errlen);
}

int
config_set_redis_key_prefix(struct config *c, const char *v, char *err,
    size_t errlen)
{
	return config_set_prefix(&c->redis_key_prefix, "redis_key_prefix", v,
	    err, errlen);
}

int
config_set_redis_cache_key_prefix(struct config *c, const char *v,
    char *err, size_t errlen)
{
	return config_set_prefix(&c->redis_cache_key_prefix,
	    "redis_cache_key_prefix", v, err, errlen);
}

/*
 * An absolute path of printable characters, no blanks, no query: it is
 * compared with the request's path as it is.
 */
int
config_set_metrics_path(struct config *c, const char *v, char *err, size_t errlen)
{
	const char	*p;

	for (p = v; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || *p == '?' || *p == '#')
			break;
	if (*v != '/' || *p != '\0' || strlen(v) > CONFIG_METRICS_PATH_MAX) {
		snprintf(err, errlen, "metrics_path must be an absolute path "
		    "of at most %d printable characters, without blanks, `?` "
		    "or `#`", CONFIG_METRICS_PATH_MAX);
		return -1;
	}
	return config_set_string(&c->metrics_path, v, 0, err, errlen);
}

/*
 * discover, or an https:// or http:// URL.  Only the scheme is looked
 * at here: http.c's whole rule (http:// only to a loopback host) is
 * nv-keysync's to apply at start-up, so that the workers, which ignore
 * this key, do not link libcurl and all it loads.
 */
int
config_set_jwks_uri(struct config *c, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, CONFIG_JWKS_DISCOVER) != 0 &&
	    strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) {
		snprintf(err, errlen, "jwks_uri must be discover or an "
		    "https:// URL (http:// only to a loopback host)");
		return -1;
	}
	return config_set_string(&c->jwks_uri, v, 0, err, errlen);
}

void
config_free_amr(struct config *c)
{
	size_t	 i;

	for (i = 0; i < c->n_amr; i++)
		free(c->network_amr[i]);
	c->n_amr = 0;
}

int
config_set_network_amr(struct config *c, const char *v, char *err, size_t errlen)
{
	const char	*p = v, *q;

	config_free_amr(c);
	while ((p = config_word(p, &q)) != NULL) {
		if (c->n_amr == CONFIG_AMR_MAX) {
			snprintf(err, errlen,
			    "network_amr takes at most %d values",
			    CONFIG_AMR_MAX);
			return -1;
		}
		if ((c->network_amr[c->n_amr] = strndup(p, q - p)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		c->n_amr++;
		p = q;
	}
	return 0;
}

/* https://, or http:// to loopback: http.c's rule, said at start-up. */
int
config_set_introspection_endpoint(struct config *c, const char *v, char *err,
    size_t errlen)
{
	char	 why[128];

	if (http_url_check(v, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "introspection_endpoint: %s", why);
		return -1;
	}
	return config_set_string(&c->introspection_endpoint, v, 0, err, errlen);
}

/* Names from sig.c's table, space-separated; at least one. */
int
config_set_signing_algorithms(struct config *c, const char *v, char *err,
    size_t errlen)
{
	const char	*p = v, *q;
	enum sig_alg	 a;

	c->signing_algs = 0;
	while ((p = config_word(p, &q)) != NULL) {
		if (sig_alg_by_name(p, (size_t)(q - p), &a) == -1) {
			snprintf(err, errlen, "signing_algorithms: `%.*s` is "
			    "not one of EdDSA Ed25519 ES256 ES384 RS256 RS384 "
			    "RS512 PS256 PS384 PS512", (int)(q - p), p);
			return -1;
		}
		c->signing_algs |= SIG_BIT(a);
		p = q;
	}
	if (c->signing_algs == 0) {
		snprintf(err, errlen, "signing_algorithms names no algorithm");
		return -1;
	}
	return 0;
}

int
config_set_api_version(struct config *c, const char *v, char *err, size_t errlen)
{
	int	 i;

	for (i = 0; i < API__MAX; i++)
		if (strcmp(v, errors_version_name(i)) == 0) {
			c->api_version = i;
			return 0;
		}
	snprintf(err, errlen, "api_version must be v0, v1 or v2");
	return -1;
}
