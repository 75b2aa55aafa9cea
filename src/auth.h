/*
 * The one seam every bearer token goes through: its format (compact
 * JWS, a JWE around one, or opaque: introspected), require_encrypted,
 * the signature and the 401-class claims, then the single-use store.  What comes out is the
 * token's claims or a typed error; the caller only answers.
 */
#ifndef NV_AUTH_H
#define NV_AUTH_H

#include <stddef.h>
#include <time.h>

#include "claims.h"
#include "config.h"
#include "deckeys.h"
#include "introspect.h"
#include "jwks.h"
#include "store.h"
#include "token.h"

struct auth {
	const struct config	*cfg;
	const struct jwks	*keys;
	const struct deckeys	*deckeys;	/* NULL: no decryption key */
	struct store		*store;		/* single_use = yes, else NULL */
	struct introspect	*introspect;	/* NULL: no endpoint */
};

enum auth_err {
	AUTH_OK = 0,
	AUTH_INVALID,		/* 401 invalid_token: detail says why */
	AUTH_INTERNAL,		/* 500: the store failed, not the token; or
				 * the introspection endpoint refused us */
	AUTH_UNAVAILABLE,	/* 503: the store or the introspection
				 * endpoint did not answer; no pass */
	AUTH__MAX
};

struct auth_result {
	/* The claims, valid with AUTH_OK only: filled in place, never
	 * copied, so that one wipe of the result leaves no number behind. */
	struct token_result	 tok;
	const char		*detail;	/* for the log: why it failed */
};

enum auth_err	 auth_token(const struct auth *, const char *tok, size_t len,
		    time_t now, struct auth_result *);

#endif
