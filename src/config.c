/*
 * nv.conf: `key = value` lines, `#` comments, blank lines.  Unknown
 * keys and repeated keys are errors, so that a typo cannot silently
 * leave a check at its default.  Every error names file and line.
 */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_set.h"
#include "sig.h"

#define CONFIG_LINE_MAX	4096

enum config_key {
	KEY_JWKS_FILE = 0,
	KEY_ISSUER,
	KEY_AUDIENCE,
	KEY_LEEWAY,
	KEY_PHONE_CLAIM,
	KEY_NETWORK_AMR,
	KEY_API_VERSION,
	KEY_DECRYPTION_KEYS_FILE,
	KEY_REQUIRE_ENCRYPTED,
	KEY_SINGLE_USE,
	KEY_SINGLE_USE_FILE,
	KEY_SINGLE_USE_CAPACITY,
	KEY_SINGLE_USE_STORE,
	KEY_REDIS_URL,
	KEY_REDIS_PASSWORD_FILE,
	KEY_REDIS_TIMEOUT,
	KEY_REDIS_KEY_PREFIX,
	KEY_REDIS_CACHE_KEY_PREFIX,
	KEY_REDIS_KEY_SECRET_FILE,
	KEY_REDIS_CA_FILE,
	KEY_REDIS_CERT_FILE,
	KEY_REDIS_KEY_FILE,
	KEY_INTROSPECTION_ENDPOINT,
	KEY_INTROSPECTION_CLIENT_ID,
	KEY_INTROSPECTION_CLIENT_SECRET_FILE,
	KEY_INTROSPECTION_CLIENT_KEY_FILE,
	KEY_INTROSPECTION_CA_FILE,
	KEY_INTROSPECTION_TIMEOUT,
	KEY_INTROSPECT_JWTS,
	KEY_INTROSPECTION_CACHE_FILE,
	KEY_INTROSPECTION_CACHE_STORE,
	KEY_INTROSPECTION_CACHE_CAPACITY,
	KEY_INTROSPECTION_CACHE_TTL,
	KEY_INTROSPECTION_NEGATIVE_TTL,
	KEY_MAX_TOKEN_LIFETIME,
	KEY_USER,
	KEY_REQUEST_TIMEOUT,
	KEY_KEPT_CONNECTIONS,
	KEY_SIGNING_ALGORITHMS,
	KEY_SYSCALL_FILTER,
	KEY_METRICS_FILE,
	KEY_METRICS_PATH,
	KEY_JWKS_URI,
	KEY_JWKS_CA_FILE,
	KEY_JWKS_REFRESH_MIN,
	KEY_JWKS_REFRESH_MAX,
	KEY_JWKS_SIGNAL_FILE,
	KEY__MAX
};

/* How a key's value is read, and where it lands in struct config. */
enum key_kind {
	KIND_STRING,	/* a non-empty string */
	KIND_FILE,	/* a file name: relative to the configuration's folder */
	KIND_NUMBER,	/* a whole number from min to max, in unit */
	KIND_YES_NO,	/* yes or no, into an int */
	KIND_CUSTOM	/* its own setter */
};

struct key_def {
	const char	*name;
	int		 required;
	enum key_kind	 kind;
	size_t		 off;		/* offsetof(struct config, field) */
	long		 min, max;	/* KIND_NUMBER */
	const char	*unit;		/* KIND_NUMBER, named in the error */
	int		 (*set)(struct config *, const char *, char *, size_t);
};

#define OFF(f)		offsetof(struct config, f)
#define STRING(n, f)	{ n, 0, KIND_STRING, OFF(f), 0, 0, NULL, NULL }
#define FILE_NAME(n, f)	{ n, 0, KIND_FILE, OFF(f), 0, 0, NULL, NULL }
#define NUMBER(n, f, lo, hi, u)	{ n, 0, KIND_NUMBER, OFF(f), lo, hi, u, NULL }
#define YES_NO(n, f)	{ n, 0, KIND_YES_NO, OFF(f), 0, 0, NULL, NULL }
#define CUSTOM(n, fn)	{ n, 0, KIND_CUSTOM, 0, 0, 0, NULL, fn }

/* One line a key: adding a key is a field, an enum name and a line here. */
static const struct key_def keys[KEY__MAX] = {
	[KEY_JWKS_FILE] = { "jwks_file", 1, KIND_FILE, OFF(jwks_file), 0, 0,
	    NULL, NULL },
	[KEY_ISSUER] = { "issuer", 1, KIND_STRING, OFF(issuer), 0, 0, NULL,
	    NULL },
	[KEY_AUDIENCE] = { "audience", 1, KIND_STRING, OFF(audience), 0, 0,
	    NULL, NULL },
	[KEY_LEEWAY] =		NUMBER("leeway", leeway, 0, 3600, "seconds"),
	[KEY_PHONE_CLAIM] =	STRING("phone_claim", phone_claim),
	[KEY_NETWORK_AMR] =	CUSTOM("network_amr", config_set_network_amr),
	[KEY_API_VERSION] =	CUSTOM("api_version", config_set_api_version),
	[KEY_DECRYPTION_KEYS_FILE] = FILE_NAME("decryption_keys_file",
				    decryption_keys_file),
	[KEY_REQUIRE_ENCRYPTED] = YES_NO("require_encrypted",
				    require_encrypted),
	[KEY_SINGLE_USE] =	YES_NO("single_use", single_use),
	[KEY_SINGLE_USE_FILE] =	FILE_NAME("single_use_file", single_use_file),
	[KEY_SINGLE_USE_CAPACITY] = NUMBER("single_use_capacity",
				    single_use_capacity, 1,
				    CONFIG_SINGLE_USE_CAPACITY_MAX, "tokens"),
	[KEY_SINGLE_USE_STORE] = CUSTOM("single_use_store",
				    config_set_single_use_store),
	[KEY_REDIS_URL] =	CUSTOM("redis_url", config_set_redis_url),
	[KEY_REDIS_PASSWORD_FILE] = FILE_NAME("redis_password_file",
				    redis_password_file),
	/* The worker waits this long for Redis, then answers 503. */
	[KEY_REDIS_TIMEOUT] =	NUMBER("redis_timeout", redis_timeout, 1,
				    60000, "milliseconds"),
	[KEY_REDIS_KEY_PREFIX] = CUSTOM("redis_key_prefix",
				    config_set_redis_key_prefix),
	[KEY_REDIS_CACHE_KEY_PREFIX] = CUSTOM("redis_cache_key_prefix",
				    config_set_redis_cache_key_prefix),
	[KEY_REDIS_KEY_SECRET_FILE] = FILE_NAME("redis_key_secret_file",
				    redis_key_secret_file),
	[KEY_REDIS_CA_FILE] =	FILE_NAME("redis_ca_file", redis_ca_file),
	[KEY_REDIS_CERT_FILE] =	FILE_NAME("redis_cert_file", redis_cert_file),
	[KEY_REDIS_KEY_FILE] =	FILE_NAME("redis_key_file", redis_key_file),
	[KEY_INTROSPECTION_ENDPOINT] = CUSTOM("introspection_endpoint",
				    config_set_introspection_endpoint),
	[KEY_INTROSPECTION_CLIENT_ID] = STRING("introspection_client_id",
				    introspection_client_id),
	[KEY_INTROSPECTION_CLIENT_SECRET_FILE] = FILE_NAME(
				    "introspection_client_secret_file",
				    introspection_client_secret_file),
	[KEY_INTROSPECTION_CLIENT_KEY_FILE] = FILE_NAME(
				    "introspection_client_key_file",
				    introspection_client_key_file),
	[KEY_INTROSPECTION_CA_FILE] = FILE_NAME("introspection_ca_file",
				    introspection_ca_file),
	/* The whole exchange, connection included; then 503. */
	[KEY_INTROSPECTION_TIMEOUT] = NUMBER("introspection_timeout",
				    introspection_timeout, 1, 60000,
				    "milliseconds"),
	[KEY_INTROSPECT_JWTS] =	YES_NO("introspect_jwts", introspect_jwts),
	[KEY_INTROSPECTION_CACHE_FILE] = FILE_NAME("introspection_cache_file",
				    introspection_cache_file),
	[KEY_INTROSPECTION_CACHE_STORE] = CUSTOM("introspection_cache_store",
				    config_set_introspection_cache_store),
	[KEY_INTROSPECTION_CACHE_CAPACITY] = NUMBER(
				    "introspection_cache_capacity",
				    introspection_cache_capacity, 1,
				    CONFIG_SINGLE_USE_CAPACITY_MAX, "answers"),
	[KEY_INTROSPECTION_CACHE_TTL] = NUMBER("introspection_cache_ttl",
				    introspection_cache_ttl, 0, 86400,
				    "seconds"),
	[KEY_INTROSPECTION_NEGATIVE_TTL] = NUMBER(
				    "introspection_negative_ttl",
				    introspection_negative_ttl, 0, 3600,
				    "seconds"),
	[KEY_MAX_TOKEN_LIFETIME] = NUMBER("max_token_lifetime",
				    max_token_lifetime, 1, 86400, "seconds"),
	[KEY_USER] =		STRING("user", user),
	[KEY_REQUEST_TIMEOUT] =	NUMBER("request_timeout", request_timeout, 1,
				    3600, "seconds"),
	/*
	 * Each idle kept connection holds a descriptor of the worker: the
	 * bound stays well under the usual limit of 1024.
	 */
	[KEY_KEPT_CONNECTIONS] = NUMBER("kept_connections", kept_connections,
				    1, CONFIG_KEPT_CONNECTIONS_MAX, "idle connections"),
	[KEY_SIGNING_ALGORITHMS] = CUSTOM("signing_algorithms",
				    config_set_signing_algorithms),
	/*
	 * The one way to run without the seccomp filter in a build that
	 * has it: written in the configuration, so that nothing in the
	 * environment (an LD_PRELOAD, a variable) can turn it off.  For
	 * valgrind, whose own system calls the filter would kill.
	 */
	[KEY_SYSCALL_FILTER] =	YES_NO("syscall_filter", syscall_filter),
	[KEY_METRICS_FILE] =	FILE_NAME("metrics_file", metrics_file),
	[KEY_METRICS_PATH] =	CUSTOM("metrics_path", config_set_metrics_path),
	/* nv-keysync(8)'s keys; nv-fcgi reads jwks_signal_file only. */
	[KEY_JWKS_URI] =	CUSTOM("jwks_uri", config_set_jwks_uri),
	[KEY_JWKS_CA_FILE] =	FILE_NAME("jwks_ca_file", jwks_ca_file),
	[KEY_JWKS_REFRESH_MIN] = NUMBER("jwks_refresh_min", jwks_refresh_min,
				    1, CONFIG_JWKS_REFRESH_LIMIT, "seconds"),
	[KEY_JWKS_REFRESH_MAX] = NUMBER("jwks_refresh_max", jwks_refresh_max,
				    1, CONFIG_JWKS_REFRESH_LIMIT, "seconds"),
	[KEY_JWKS_SIGNAL_FILE] = FILE_NAME("jwks_signal_file",
				    jwks_signal_file),
};

static char **
key_string(struct config *c, const struct key_def *k)
{
	return (char **)(void *)((char *)c + k->off);
}

/* Sets one key from its table entry. */
static int
set_key(struct config *c, const struct key_def *k, const char *v, char *err,
    size_t errlen)
{
	char	*end;
	long	 n;

	switch (k->kind) {
	case KIND_STRING:
	case KIND_FILE:
		return config_set_string(key_string(c, k), v, 0, err, errlen);
	case KIND_NUMBER:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || n < k->min ||
		    n > k->max) {
			snprintf(err, errlen, "%s (%s) must be a whole number "
			    "from %ld to %ld", k->name, k->unit, k->min, k->max);
			return -1;
		}
		*(long *)(void *)((char *)c + k->off) = n;
		return 0;
	case KIND_YES_NO:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			snprintf(err, errlen, "%s must be yes or no", k->name);
			return -1;
		}
		*(int *)(void *)((char *)c + k->off) = strcmp(v, "yes") == 0;
		return 0;
	case KIND_CUSTOM:
		break;
	}
	return k->set(c, v, err, errlen);
}

static void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->leeway = CONFIG_DEFAULT_LEEWAY;
	c->api_version = API_V0;
	c->single_use_capacity = CONFIG_DEFAULT_SINGLE_USE_CAPACITY;
	c->request_timeout = CONFIG_DEFAULT_REQUEST_TIMEOUT;
	c->kept_connections = CONFIG_DEFAULT_KEPT_CONNECTIONS;
	c->redis_timeout = CONFIG_DEFAULT_REDIS_TIMEOUT_MS;
	c->introspection_timeout = CONFIG_DEFAULT_INTROSPECTION_TIMEOUT_MS;
	c->introspection_cache_capacity =
	    CONFIG_DEFAULT_INTROSPECTION_CACHE_CAPACITY;
	c->introspection_cache_ttl = CONFIG_DEFAULT_INTROSPECTION_CACHE_TTL;
	c->introspection_negative_ttl =
	    CONFIG_DEFAULT_INTROSPECTION_NEGATIVE_TTL;
	c->signing_algs = SIG_ALL;
	c->syscall_filter = 1;
	c->jwks_refresh_min = CONFIG_DEFAULT_JWKS_REFRESH_MIN;
	c->jwks_refresh_max = CONFIG_DEFAULT_JWKS_REFRESH_MAX;
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * A relative file name in the configuration is taken from the
 * configuration file's folder, not from the working directory, which
 * differs between spawn-fcgi, systemd and a web server.
 */
static int
config_resolve(char **file, const char *conf_path, char *err, size_t errlen)
{
	const char	*slash;
	char		*joined;
	int		 dirlen;

	if (*file == NULL || (*file)[0] == '/' ||
	    (slash = strrchr(conf_path, '/')) == NULL)
		return 0;
	dirlen = (int)(slash - conf_path);
	if (asprintf(&joined, "%.*s/%s", dirlen, conf_path, *file) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(*file);
	*file = joined;
	return 0;
}

/*
 * The Redis keys, taken together: each user of Redis (the single-use
 * store, the introspection cache) has what it needs, and no key is
 * given that nothing reads, so that a line meant for Redis cannot sit
 * unread beside a file store.
 */
static int
config_redis_check(const struct config *c, const int seen[KEY__MAX],
    char *err, size_t errlen)
{
	static const enum config_key redis_keys[] = { KEY_REDIS_URL,
	    KEY_REDIS_PASSWORD_FILE, KEY_REDIS_TIMEOUT, KEY_REDIS_KEY_PREFIX,
	    KEY_REDIS_CACHE_KEY_PREFIX, KEY_REDIS_KEY_SECRET_FILE,
	    KEY_REDIS_CA_FILE, KEY_REDIS_CERT_FILE, KEY_REDIS_KEY_FILE };
	int	 store = c->single_use_store == CONFIG_STORE_REDIS;
	int	 cache = c->introspection_cache_store == CONFIG_STORE_REDIS;
	size_t	 i;

	if (!store && !cache) {
		for (i = 0; i < sizeof(redis_keys) / sizeof(redis_keys[0]); i++)
			if (seen[redis_keys[i]]) {
				snprintf(err, errlen, "%s needs single_use_store "
				    "= redis or introspection_cache_store = "
				    "redis", keys[redis_keys[i]].name);
				return -1;
			}
		return 0;
	}
	if (!store && seen[KEY_REDIS_KEY_PREFIX]) {
		snprintf(err, errlen, "redis_key_prefix needs single_use_store "
		    "= redis (the cache's is redis_cache_key_prefix)");
		return -1;
	}
	if (!cache && seen[KEY_REDIS_CACHE_KEY_PREFIX]) {
		snprintf(err, errlen, "redis_cache_key_prefix needs "
		    "introspection_cache_store = redis");
		return -1;
	}
	if (c->redis_url == NULL || c->redis_key_secret_file == NULL) {
		snprintf(err, errlen, "%s = redis needs %s",
		    store ? "single_use_store" : "introspection_cache_store",
		    c->redis_url == NULL ? "redis_url" :
		    "redis_key_secret_file");
		return -1;
	}
	return 0;
}

/*
 * The single-use store's keys, taken together: the file store needs
 * its file, Redis needs single use on and no file.
 */
static int
config_store_check(const struct config *c, char *err, size_t errlen)
{
	if (c->single_use_store == CONFIG_STORE_FILE) {
		/* The seen-set must be one file every worker opens. */
		if (c->single_use && c->single_use_file == NULL) {
			snprintf(err, errlen, "single_use = yes needs "
			    "single_use_file");
			return -1;
		}
		return 0;
	}
	if (!c->single_use) {
		snprintf(err, errlen, "single_use_store = redis needs "
		    "single_use = yes");
		return -1;
	}
	if (c->single_use_file != NULL) {
		snprintf(err, errlen, "single_use_file is not used with "
		    "single_use_store = redis");
		return -1;
	}
	return 0;
}

/*
 * The cache in Redis: Redis keeps and bounds it (its maxmemory), so the
 * file and its capacity mean nothing there.
 */
static int
config_icache_redis_check(const struct config *c, const int seen[KEY__MAX],
    char *err, size_t errlen)
{
	if (c->introspection_cache_file != NULL) {
		snprintf(err, errlen, "introspection_cache_file is not used "
		    "with introspection_cache_store = redis");
		return -1;
	}
	if (seen[KEY_INTROSPECTION_CACHE_CAPACITY]) {
		snprintf(err, errlen, "introspection_cache_capacity is not "
		    "used with introspection_cache_store = redis (Redis's "
		    "maxmemory bounds it)");
		return -1;
	}
	return 0;
}

/*
 * The introspection keys, taken together: none without the endpoint,
 * and with it a client id and exactly one way to authenticate.  The
 * cache's own keys need its file.
 */
static int
config_introspection_check(const struct config *c, const int seen[KEY__MAX],
    char *err, size_t errlen)
{
	static const enum config_key cache_keys[] = {
	    KEY_INTROSPECTION_CACHE_CAPACITY, KEY_INTROSPECTION_CACHE_TTL,
	    KEY_INTROSPECTION_NEGATIVE_TTL };
	int	 i;
	size_t	 j;

	if (c->introspection_endpoint == NULL) {
		for (i = KEY_INTROSPECTION_CLIENT_ID;
		    i <= KEY_INTROSPECTION_NEGATIVE_TTL; i++)
			if (seen[i]) {
				snprintf(err, errlen, "%s needs "
				    "introspection_endpoint", keys[i].name);
				return -1;
			}
		return 0;
	}
	if (c->introspection_client_id == NULL) {
		snprintf(err, errlen, "introspection_endpoint needs "
		    "introspection_client_id");
		return -1;
	}
	if ((c->introspection_client_secret_file == NULL) ==
	    (c->introspection_client_key_file == NULL)) {
		snprintf(err, errlen, "introspection_endpoint needs exactly "
		    "one of introspection_client_secret_file and "
		    "introspection_client_key_file");
		return -1;
	}
	if (c->introspection_cache_store == CONFIG_STORE_REDIS)
		return config_icache_redis_check(c, seen, err, errlen);
	for (j = 0; j < sizeof(cache_keys) / sizeof(cache_keys[0]); j++)
		if (seen[cache_keys[j]] && c->introspection_cache_file == NULL) {
			snprintf(err, errlen, "%s needs introspection_cache_file "
			    "or introspection_cache_store = redis",
			    keys[cache_keys[j]].name);
			return -1;
		}
	return 0;
}

/* Parses one non-blank, non-comment line; fills err on failure. */
static int
config_line(struct config *c, char *line, int seen[KEY__MAX], char *err,
    size_t errlen)
{
	char	*eq, *k, *v;
	int	 i;

	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(err, errlen, "expected `key = value`");
		return -1;
	}
	*eq = '\0';
	k = trim(line);
	v = trim(eq + 1);
	for (i = 0; i < KEY__MAX; i++)
		if (strcmp(k, keys[i].name) == 0)
			break;
	if (i == KEY__MAX) {
		snprintf(err, errlen, "unknown key `%.64s`", k);
		return -1;
	}
	if (seen[i]) {
		snprintf(err, errlen, "key `%s` given twice", k);
		return -1;
	}
	seen[i] = 1;
	return set_key(c, &keys[i], v, err, errlen);
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE	*f = NULL;
	char	 line[CONFIG_LINE_MAX], why[CONFIG_ERR_MAX];
	int	 seen[KEY__MAX] = { 0 };
	int	 lineno = 0, i, rc = -1;
	char	*p;

	config_defaults(c);
	if (config_set_string(&c->phone_claim, "phone_number", 0, why,
	    sizeof(why)) == -1 ||
	    config_set_network_amr(c, "nba mnba", why, sizeof(why)) == -1 ||
	    config_set_string(&c->redis_key_prefix, CONFIG_DEFAULT_REDIS_KEY_PREFIX,
	    0, why, sizeof(why)) == -1 ||
	    config_set_string(&c->redis_cache_key_prefix,
	    CONFIG_DEFAULT_REDIS_CACHE_KEY_PREFIX, 0, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes",
			    path, lineno, CONFIG_LINE_MAX - 2);
			goto out;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if (config_line(c, p, seen, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	for (i = 0; i < KEY__MAX; i++)
		if (keys[i].required && !seen[i]) {
			snprintf(err, errlen, "%s: required key `%s` is missing",
			    path, keys[i].name);
			goto out;
		}
	/* Refusing every token is no way to run: say so at start-up. */
	if (c->require_encrypted && c->decryption_keys_file == NULL) {
		snprintf(err, errlen, "%s: require_encrypted = yes needs "
		    "decryption_keys_file", path);
		goto out;
	}
	if (c->jwks_refresh_min > c->jwks_refresh_max) {
		snprintf(err, errlen, "%s: jwks_refresh_min (%ld) is more than "
		    "jwks_refresh_max (%ld)", path, c->jwks_refresh_min,
		    c->jwks_refresh_max);
		goto out;
	}
	/* A route with nothing to show would answer every scrape 404. */
	if (c->metrics_path != NULL && c->metrics_file == NULL) {
		snprintf(err, errlen, "%s: metrics_path needs metrics_file",
		    path);
		goto out;
	}
	if (config_store_check(c, why, sizeof(why)) == -1 ||
	    config_introspection_check(c, seen, why, sizeof(why)) == -1 ||
	    config_redis_check(c, seen, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	for (i = 0; i < KEY__MAX; i++)
		if (keys[i].kind == KIND_FILE &&
		    config_resolve(key_string(c, &keys[i]), path, why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto out;
		}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	if (rc == -1)
		config_free(c);
	return rc;
}

void
config_free(struct config *c)
{
	int	 i;

	for (i = 0; i < KEY__MAX; i++)
		if (keys[i].kind == KIND_STRING || keys[i].kind == KIND_FILE)
			free(*key_string(c, &keys[i]));
	free(c->redis_url);
	free(c->redis_key_prefix);
	free(c->redis_cache_key_prefix);
	free(c->metrics_path);
	free(c->jwks_uri);
	free(c->introspection_endpoint);
	config_free_amr(c);
	memset(c, 0, sizeof(*c));
}
