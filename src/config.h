/*
 * The service's configuration (nv.conf): `key = value` lines.  This is
 * the one global state of a worker, loaded once at start-up.
 */
#ifndef NV_CONFIG_H
#define NV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

#define CONFIG_AMR_MAX		8
#define CONFIG_ERR_MAX		512
#define CONFIG_DEFAULT_LEEWAY	30

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
	bool			 require_encrypted;
};

int	config_load(struct config *, const char *path, char *err, size_t);
void	config_free(struct config *);

#endif
