/*
 * The service's configuration (nv.conf): `key = value` lines.  This is
 * the one global state of a worker, loaded once at start-up.
 */
#ifndef NV_CONFIG_H
#define NV_CONFIG_H

#include <stddef.h>

#include "errors.h"

#define CONFIG_AMR_MAX		8
#define CONFIG_ERR_MAX		512
#define CONFIG_DEFAULT_LEEWAY	30
#define CONFIG_DEFAULT_SINGLE_USE_CAPACITY	65536
#define CONFIG_SINGLE_USE_CAPACITY_MAX		1048576
#define CONFIG_DEFAULT_REQUEST_TIMEOUT		10
#define CONFIG_DEFAULT_KEPT_CONNECTIONS		256
#define CONFIG_KEPT_CONNECTIONS_MAX		4096
#define CONFIG_DEFAULT_REDIS_TIMEOUT_MS		200
#define CONFIG_DEFAULT_REDIS_KEY_PREFIX		"nv:used:"
#define CONFIG_DEFAULT_REDIS_CACHE_KEY_PREFIX	"nv:icache:"
#define CONFIG_REDIS_KEY_PREFIX_MAX		64
#define CONFIG_METRICS_PATH_MAX			256
#define CONFIG_DEFAULT_JWKS_REFRESH_MIN		60	/* seconds */
#define CONFIG_DEFAULT_JWKS_REFRESH_MAX		3600
#define CONFIG_JWKS_REFRESH_LIMIT		86400	/* a day */
#define CONFIG_DEFAULT_INTROSPECTION_TIMEOUT_MS	2000
#define CONFIG_DEFAULT_INTROSPECTION_CACHE_TTL	60
#define CONFIG_DEFAULT_INTROSPECTION_NEGATIVE_TTL 10
#define CONFIG_DEFAULT_INTROSPECTION_CACHE_CAPACITY 4096

/* Where shared state lives: the single-use store, the introspection cache. */
enum config_store {
	CONFIG_STORE_FILE = 0,	/* the mapped file of one machine */
	CONFIG_STORE_REDIS,	/* one Redis for every machine */
	CONFIG_STORE__MAX
};

struct config {
	char			*jwks_file;
	char			*issuer;
	char			*audience;
	long			 leeway;
	char			*phone_claim;
	char			*network_amr[CONFIG_AMR_MAX];
	size_t			 n_amr;
	enum api_version	 api_version;
	char			*decryption_keys_file;	/* NULL: none */
	int			 require_encrypted;
	int			 single_use;	/* a token is good for one call */
	char			*single_use_file; /* the shared seen-set */
	long			 single_use_capacity;
	enum config_store	 single_use_store;
	char			*redis_url;	/* redis://, unix: */
	char			*redis_password_file; /* NULL: no AUTH */
	long			 redis_timeout;	/* milliseconds */
	char			*redis_key_prefix;	/* the store's */
	char			*redis_cache_key_prefix; /* the cache's */
	char			*redis_key_secret_file;
	char			*redis_ca_file;	/* rediss://; NULL: system CAs */
	char			*redis_cert_file; /* rediss:// client certificate */
	char			*redis_key_file;
	char			*introspection_endpoint; /* NULL: none */
	char			*introspection_client_id;
	char			*introspection_client_secret_file;
	char			*introspection_client_key_file;
	char			*introspection_ca_file;	/* NULL: system CAs */
	long			 introspection_timeout;	/* milliseconds */
	int			 introspect_jwts; /* signed tokens asked too */
	char			*introspection_cache_file; /* NULL: no cache */
	enum config_store	 introspection_cache_store; /* file or redis */
	long			 introspection_cache_capacity;	/* answers */
	long			 introspection_cache_ttl;	/* seconds */
	long			 introspection_negative_ttl;	/* seconds */
	long			 max_token_lifetime; /* exp - iat; 0: any */
	char			*user;		/* to switch to from root */
	long			 request_timeout; /* seconds per request */
	long			 kept_connections; /* idle, per worker */
	unsigned		 signing_algs;	/* SIG_BIT()s accepted */
	int			 syscall_filter; /* 0: seccomp left off */
	char			*metrics_file;	/* the pool's counters */
	char			*metrics_path;	/* NULL: no metrics route */
	/* nv-keysync's: nv-fcgi reads only jwks_signal_file. */
	char			*jwks_uri;	/* https://…, "discover", NULL */
	char			*jwks_ca_file;	/* NULL: the system's CAs */
	long			 jwks_refresh_min; /* seconds */
	long			 jwks_refresh_max;
	char			*jwks_signal_file; /* unknown kid: NULL, none */
};

/* jwks_uri = discover: the issuer's discovery document names it. */
#define CONFIG_JWKS_DISCOVER	"discover"

int	config_load(struct config *, const char *path, char *err, size_t);
void	config_free(struct config *);

#endif
