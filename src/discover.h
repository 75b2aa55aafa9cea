/*
 * OpenID Connect Discovery 1.0 / RFC 8414 for nv-keysync: where the
 * issuer's metadata is, and what must hold in it before its jwks_uri
 * is believed.  Pure: no network here (nv-keysync fetches).
 */
#ifndef NV_DISCOVER_H
#define NV_DISCOVER_H

#include <stddef.h>

#define DISCOVER_PATH	"/.well-known/openid-configuration"

enum discover_err {
	DISCOVER_OK = 0,
	DISCOVER_NOT_JSON,	/* not one JSON object */
	DISCOVER_NO_ISSUER,	/* no issuer string */
	DISCOVER_ISSUER,	/* issuer differs from the configured one */
	DISCOVER_NO_JWKS_URI,	/* no jwks_uri string */
	DISCOVER_BAD_JWKS_URI,	/* not https:// (nor http:// to loopback) */
	DISCOVER_NOMEM,
	DISCOVER__MAX
};

/* issuer + DISCOVER_PATH, one trailing slash of the issuer dropped. */
char			*discover_url(const char *issuer);
/* The document's jwks_uri (malloc'ed) once its issuer is exactly ours. */
enum discover_err	 discover_check(const char *doc, size_t len,
			    const char *issuer, char **jwks_uri);
const char		*discover_strerror(enum discover_err);

#endif
