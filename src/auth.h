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
#include "kidwant.h"
#include "store.h"
#include "token.h"

struct auth {
	const struct config	*cfg;
	const struct jwks	*keys;
	const struct deckeys	*deckeys;	/* NULL: no decryption key */
	struct store		*store;		/* single_use = yes, else NULL */
	struct kidwant		*kidwant;	/* jwks_signal_file, else NULL */
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

/*
 * Why a token was turned away, from a fixed set: the metrics count by
 * it (nv_token_rejections_total{reason}), so it names a cause, never
 * anything of the token.  auth_token() gives the 401, 500 and 503
 * reasons; service.c the ones of the Authorization header and the
 * 403s.  Adding one is a name here and in auth.c's table.
 */
enum auth_reason {
	AUTH_REASON_NONE = 0,		/* not rejected */
	AUTH_REASON_MISSING,		/* no bearer token */
	AUTH_REASON_MALFORMED,		/* header, segments, base64, JSON */
	AUTH_REASON_NOT_ENCRYPTED,	/* a JWS under require_encrypted */
	AUTH_REASON_DECRYPTION,		/* a JWE that does not decrypt */
	AUTH_REASON_ALGORITHM,		/* alg, typ, crit, key's alg */
	AUTH_REASON_UNKNOWN_KEY,
	AUTH_REASON_BAD_SIGNATURE,
	AUTH_REASON_WRONG_ISSUER,
	AUTH_REASON_WRONG_AUDIENCE,
	AUTH_REASON_EXPIRED,
	AUTH_REASON_NOT_YET_VALID,
	AUTH_REASON_LIFETIME,		/* no exp, no iat, too long lived */
	AUTH_REASON_REPLAYED,		/* single use: spent before */
	AUTH_REASON_STORE_FULL,
	AUTH_REASON_STORE_UNAVAILABLE,	/* 503 */
	AUTH_REASON_STORE_FAILED,	/* 500 */
	AUTH_REASON_SCOPE,		/* 403: scope missing */
	AUTH_REASON_NETWORK_AUTH,	/* 403: amr without network auth */
	AUTH_REASON_PHONE_NUMBER,	/* 403: no usable number claim */
	AUTH_REASON_INTROSPECTION_REJECTED, /* inactive, or its claims */
	AUTH_REASON_INTROSPECTION_UNAVAILABLE, /* 503: the endpoint */
	AUTH_REASON_INTROSPECTION_FAILED, /* 500: our credentials refused */
	AUTH_REASON__MAX
};

struct auth_result {
	/* The claims, valid with AUTH_OK only: filled in place, never
	 * copied, so that one wipe of the result leaves no number behind. */
	struct token_result	 tok;
	const char		*detail;	/* for the log: why it failed */
	enum auth_reason	 reason;	/* for the metrics: the same */
};

/* The reason's label value: lower case, fixed, e.g. "bad_signature". */
const char	*auth_reason_name(enum auth_reason);
enum auth_err	 auth_token(const struct auth *, const char *tok, size_t len,
		    time_t now, struct auth_result *);

#endif
