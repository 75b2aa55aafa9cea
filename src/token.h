/*
 * The access token: a compact JWS (RFC 7515) signed with an algorithm
 * of sig.h's table, verified against the key set, then its claims
 * checked.
 */
#ifndef NV_TOKEN_H
#define NV_TOKEN_H

#include <stddef.h>
#include <time.h>

#include "claims.h"
#include "config.h"
#include "jwks.h"

#define TOKEN_MAX		8192	/* bytes of a compact token */
#define TOKEN_HEADER_MAX	1024	/* decoded protected header */

enum token_err {
	TOKEN_OK = 0,
	TOKEN_MALFORMED,	/* segments, base64url, JSON */
	TOKEN_TOO_LONG,
	TOKEN_BAD_ALG,
	TOKEN_BAD_TYP,
	TOKEN_CRIT,
	TOKEN_UNKNOWN_KEY,
	TOKEN_KEY_ALG,		/* the key is not bound to the header's alg */
	TOKEN_BAD_SIGNATURE,
	TOKEN_BAD_CLAIMS,	/* see the claims_err beside it */
	TOKEN__MAX
};

struct token_result {
	enum token_err	 err;
	enum claims_err	 claims_err;
	/* Bytes of header.payload: what was signed, whatever the signature. */
	size_t		 signed_len;
	struct claims	 claims;
};

enum token_err	 token_verify(const struct config *, const struct jwks *,
		    const char *, size_t, time_t now, struct token_result *);
const char	*token_strerror(enum token_err);

#endif
