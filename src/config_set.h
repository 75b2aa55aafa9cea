/*
 * The values of nv.conf that need more than config.c's kinds of key
 * (a string, a file, a number, yes or no): each one's spelling and
 * checks, with the error a line of the file gets.
 */
#ifndef NV_CONFIG_SET_H
#define NV_CONFIG_SET_H

#include <stddef.h>

#include "config.h"

int	config_set_string(char **dst, const char *v, int allow_empty,
	    char *err, size_t errlen);
void	config_free_amr(struct config *);

/* Each: (configuration, value, error buffer); 0, or -1 with err. */
int	config_set_network_amr(struct config *, const char *, char *, size_t);
int	config_set_api_version(struct config *, const char *, char *, size_t);
int	config_set_single_use_store(struct config *, const char *, char *,
	    size_t);
int	config_set_introspection_cache_store(struct config *, const char *,
	    char *, size_t);
int	config_set_redis_url(struct config *, const char *, char *, size_t);
int	config_set_redis_key_prefix(struct config *, const char *, char *,
	    size_t);
int	config_set_redis_cache_key_prefix(struct config *, const char *,
	    char *, size_t);
int	config_set_metrics_path(struct config *, const char *, char *, size_t);
int	config_set_introspection_endpoint(struct config *, const char *,
	    char *, size_t);
int	config_set_signing_algorithms(struct config *, const char *, char *,
	    size_t);
int	config_set_jwks_uri(struct config *, const char *, char *, size_t);

#endif
