/*
 * The claims of a verified access token (RFC 9068) and the checks on
 * them: issuer, audience, validity window, scope, amr, phone number.
 */
#ifndef NV_CLAIMS_H
#define NV_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "config.h"
#include "phone.h"

enum scope {
	SCOPE_VERIFY = 0,	/* number-verification:verify */
	SCOPE_SHARE,		/* number-verification:device-phone-number:read */
	SCOPE__MAX
};

enum claims_err {
	CLAIMS_OK = 0,
	CLAIMS_MALFORMED,	/* not an object, or a claim of the wrong type */
	CLAIMS_BAD_ISSUER,
	CLAIMS_BAD_AUDIENCE,
	CLAIMS_NO_EXPIRY,
	CLAIMS_EXPIRED,
	CLAIMS_NOT_YET_VALID,
	CLAIMS_NO_IAT,		/* max_token_lifetime set, no iat to check */
	CLAIMS_TOO_LONG_LIVED,	/* exp - iat over max_token_lifetime */
	CLAIMS_INACTIVE,	/* an introspection answer without active:true */
	CLAIMS__MAX
};

#define CLAIMS_JTI_HASH_BYTES	32

struct claims {
	double		 exp;		/* for how long a use is remembered */
	bool		 has_jti;
	/* SHA-256 of "jti:" and the jti: the token's identity, unkept. */
	unsigned char	 jti_hash[CLAIMS_JTI_HASH_BYTES];
	unsigned	 scopes;	/* bit (1 << enum scope) */
	bool		 network_auth;	/* amr holds a network method */
	bool		 phone_ok;
	char		 phone[PHONE_MAX + 1];
};

/* Where the claims come from: what is required differs. */
enum claims_source {
	CLAIMS_JWT = 0,		/* iss and aud required */
	CLAIMS_INTROSPECTION	/* RFC 7662: active:true; iss, aud optional */
};

const char	*scope_name(enum scope);
enum claims_err	 claims_check(const struct config *, const char *payload,
		    size_t len, time_t now, struct claims *);
/* The same checks on claims already parsed, whatever their source. */
enum claims_err	 claims_check_object(const struct config *,
		    struct json_object *, enum claims_source, time_t now,
		    struct claims *);
const char	*claims_strerror(enum claims_err);

#endif
