/*
 * Bearer token authentication.  A compact JWS has three segments, a
 * compact JWE five; the JWE's plaintext then goes through token_verify
 * like any signed token, since decrypting proves nothing about who
 * issued it.  Any other token is opaque: with introspection_endpoint
 * set, its claims are asked of the authorization server
 * (introspect.c), else it is malformed.  A new token form is one more
 * case of auth_token().
 *
 * With single_use, a token is used up by the first call it
 * authenticates: it is recorded once its signature and 401-class
 * claims pass, before the 403 checks, so a call refused for scope,
 * amr, number, media type or body has still spent it ("restricted to
 * a single API call").  A token that fails authentication is not
 * recorded, so only tokens the issuer signed can take room in the
 * store.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "auth.h"
#include "jwe.h"
#include "keys.h"

static const char *const auth_reasons[AUTH_REASON__MAX] = {
	[AUTH_REASON_NONE] = "none",
	[AUTH_REASON_MISSING] = "missing",
	[AUTH_REASON_MALFORMED] = "malformed",
	[AUTH_REASON_NOT_ENCRYPTED] = "not_encrypted",
	[AUTH_REASON_DECRYPTION] = "decryption",
	[AUTH_REASON_ALGORITHM] = "algorithm",
	[AUTH_REASON_UNKNOWN_KEY] = "unknown_key",
	[AUTH_REASON_BAD_SIGNATURE] = "bad_signature",
	[AUTH_REASON_WRONG_ISSUER] = "wrong_issuer",
	[AUTH_REASON_WRONG_AUDIENCE] = "wrong_audience",
	[AUTH_REASON_EXPIRED] = "expired",
	[AUTH_REASON_NOT_YET_VALID] = "not_yet_valid",
	[AUTH_REASON_LIFETIME] = "lifetime",
	[AUTH_REASON_REPLAYED] = "replayed",
	[AUTH_REASON_STORE_FULL] = "store_full",
	[AUTH_REASON_STORE_UNAVAILABLE] = "store_unavailable",
	[AUTH_REASON_STORE_FAILED] = "store_failed",
	[AUTH_REASON_SCOPE] = "scope",
	[AUTH_REASON_NETWORK_AUTH] = "network_auth",
	[AUTH_REASON_PHONE_NUMBER] = "phone_number",
	[AUTH_REASON_INTROSPECTION_REJECTED] = "introspection_rejected",
	[AUTH_REASON_INTROSPECTION_UNAVAILABLE] = "introspection_unavailable",
	[AUTH_REASON_INTROSPECTION_FAILED] = "introspection_failed",
};

/* token.c's and claims.c's failures, each to its reason. */
static const enum auth_reason token_reasons[TOKEN__MAX] = {
	[TOKEN_OK] = AUTH_REASON_NONE,
	[TOKEN_MALFORMED] = AUTH_REASON_MALFORMED,
	[TOKEN_TOO_LONG] = AUTH_REASON_MALFORMED,
	[TOKEN_BAD_ALG] = AUTH_REASON_ALGORITHM,
	[TOKEN_BAD_TYP] = AUTH_REASON_ALGORITHM,
	[TOKEN_CRIT] = AUTH_REASON_ALGORITHM,
	[TOKEN_UNKNOWN_KEY] = AUTH_REASON_UNKNOWN_KEY,
	[TOKEN_KEY_ALG] = AUTH_REASON_ALGORITHM,
	[TOKEN_BAD_SIGNATURE] = AUTH_REASON_BAD_SIGNATURE,
	[TOKEN_BAD_CLAIMS] = AUTH_REASON_MALFORMED,	/* see claims_reasons */
};

static const enum auth_reason claims_reasons[CLAIMS__MAX] = {
	[CLAIMS_OK] = AUTH_REASON_NONE,
	[CLAIMS_MALFORMED] = AUTH_REASON_MALFORMED,
	[CLAIMS_BAD_ISSUER] = AUTH_REASON_WRONG_ISSUER,
	[CLAIMS_BAD_AUDIENCE] = AUTH_REASON_WRONG_AUDIENCE,
	[CLAIMS_NO_EXPIRY] = AUTH_REASON_LIFETIME,
	[CLAIMS_EXPIRED] = AUTH_REASON_EXPIRED,
	[CLAIMS_NOT_YET_VALID] = AUTH_REASON_NOT_YET_VALID,
	[CLAIMS_NO_IAT] = AUTH_REASON_LIFETIME,
	[CLAIMS_TOO_LONG_LIVED] = AUTH_REASON_LIFETIME,
};

const char *
auth_reason_name(enum auth_reason r)
{
	return (unsigned)r < AUTH_REASON__MAX ? auth_reasons[r] : "none";
}

static enum auth_reason
token_reason(const struct token_result *tr)
{
	if (tr->err == TOKEN_BAD_CLAIMS)
		return (unsigned)tr->claims_err < CLAIMS__MAX ?
		    claims_reasons[tr->claims_err] : AUTH_REASON_MALFORMED;
	return (unsigned)tr->err < TOKEN__MAX ? token_reasons[tr->err] :
	    AUTH_REASON_MALFORMED;
}

/*
 * The name of a token in the single-use store: its jti, else the
 * SHA-256 of what was signed (header.payload of the JWS, inside a JWE
 * if there is one).  Not the whole text: an ECDSA signature (R, S) has
 * a twin (R, n-S) that verifies too, and the same token encrypted
 * again is still the same token.
 */
static void
auth_token_key(unsigned char key[STORE_KEY_BYTES], const char *jws,
    const struct token_result *tr)
{
	if (tr->claims.has_jti)
		memcpy(key, tr->claims.jti_hash, STORE_KEY_BYTES);
	else
		replay_key_token(key, jws, tr->signed_len);
}

/* Spends the token in the shared store until it would expire. */
static enum auth_err
auth_single_use(const struct auth *a, const unsigned char *key,
    const struct claims *c, time_t now, struct auth_result *res)
{
	double		 until = c->exp + (double)a->cfg->leeway;
	int64_t		 expires;
	enum store_err	 se;
	const char	*why;

	/* Remembered for as long as the token would be accepted. */
	if (until >= 9.2e18)
		expires = INT64_MAX;
	else if ((double)(expires = (int64_t)until) < until)
		expires++;
	se = store_use(a->store, key, expires, (int64_t)now, &why);
	switch (se) {
	case STORE_OK:
		return AUTH_OK;
	case STORE_SEEN:
	case STORE_FULL:
		/* A full store fails closed; the log line says why. */
		res->detail = store_strerror(se);
		res->reason = se == STORE_SEEN ? AUTH_REASON_REPLAYED :
		    AUTH_REASON_STORE_FULL;
		return AUTH_INVALID;
	case STORE_UNAVAILABLE:
		/* Not knowing whether it was used is no pass either. */
		res->detail = why != NULL ? why : store_strerror(se);
		res->reason = AUTH_REASON_STORE_UNAVAILABLE;
		return AUTH_UNAVAILABLE;
	default:
		res->detail = why != NULL ? why : store_strerror(se);
		res->reason = AUTH_REASON_STORE_FAILED;
		return AUTH_INTERNAL;
	}
}

/* The 401, 500 or 503 of an introspection that did not pass. */
static enum auth_err
auth_introspect_err(enum introspect_err ie, struct auth_result *res)
{
	switch (ie) {
	case INTROSPECT_OK:
		return AUTH_OK;
	case INTROSPECT_INVALID:
		res->reason = AUTH_REASON_INTROSPECTION_REJECTED;
		return AUTH_INVALID;
	case INTROSPECT_UNAVAILABLE:
		res->reason = AUTH_REASON_INTROSPECTION_UNAVAILABLE;
		return AUTH_UNAVAILABLE;
	default:
		res->reason = AUTH_REASON_INTROSPECTION_FAILED;
		return AUTH_INTERNAL;
	}
}

/*
 * An opaque token: its claims are the endpoint's answer; its name in
 * the single-use store is its hash, as for a JWS without jti.
 */
static enum auth_err
auth_opaque(const struct auth *a, const char *tok, size_t len, time_t now,
    struct auth_result *res)
{
	unsigned char	 key[STORE_KEY_BYTES];
	enum auth_err	 rc;

	/* The same bound as a JWS: nothing longer is sent anywhere. */
	if (len > TOKEN_MAX) {
		res->detail = token_strerror(TOKEN_TOO_LONG);
		res->reason = AUTH_REASON_MALFORMED;
		return AUTH_INVALID;
	}
	rc = auth_introspect_err(introspect_token(a->introspect, tok, len, now,
	    &res->tok.claims, &res->detail), res);
	if (rc != AUTH_OK || a->store == NULL)
		return rc;
	replay_key_token(key, tok, len);
	return auth_single_use(a, key, &res->tok.claims, now, res);
}

/*
 * introspect_jwts: a signed token that passed every local check is
 * asked about too, so that a revoked one stops passing.  Its own
 * claims stay the ones that count; the answer must only be active and
 * pass the 401-class checks.
 */
static enum auth_err
auth_revoked(const struct auth *a, const char *tok, size_t len, time_t now,
    struct auth_result *res)
{
	struct claims	 c;
	enum auth_err	 rc;

	rc = auth_introspect_err(introspect_token(a->introspect, tok, len, now,
	    &c, &res->detail), res);
	sodium_memzero(&c, sizeof(c));
	return rc;
}

enum auth_err
auth_token(const struct auth *a, const char *tok, size_t len, time_t now,
    struct auth_result *res)
{
	char			 inner[TOKEN_MAX + 1];
	unsigned char		 key[STORE_KEY_BYTES];
	struct token_result	*tr = &res->tok;
	const char		*orig = tok;	/* the JWE, when one */
	size_t			 ilen, olen = len;
	enum jwe_err		 je;
	enum auth_err		 rc = AUTH_INVALID;

	memset(res, 0, sizeof(*res));
	switch (jwe_segments(tok, len)) {
	case JWE_SEGMENTS:
		if (a->deckeys == NULL) {
			res->detail = "encrypted token, but no decryption key";
			res->reason = AUTH_REASON_DECRYPTION;
			goto out;
		}
		if ((je = jwe_decrypt(a->deckeys, tok, len, inner,
		    sizeof(inner), &ilen)) != JWE_OK) {
			res->detail = jwe_strerror(je);
			res->reason = je == JWE_MALFORMED || je == JWE_TOO_LONG ?
			    AUTH_REASON_MALFORMED : AUTH_REASON_DECRYPTION;
			goto out;
		}
		tok = inner;
		len = ilen;
		break;
	case JWS_SEGMENTS:
		if (a->cfg->require_encrypted) {
			res->detail = "token not encrypted (require_encrypted)";
			res->reason = AUTH_REASON_NOT_ENCRYPTED;
			goto out;
		}
		break;
	default:
		if (a->introspect != NULL) {
			rc = auth_opaque(a, tok, len, now, res);
			goto out;
		}
		break;		/* token_verify says it is malformed */
	}
	if (token_verify(a->cfg, a->keys, tok, len, now, tr) != TOKEN_OK) {
		/* A key the issuer may have just rotated in: ask nv-keysync
		 * to fetch the set again (it decides whether it is time). */
		if (tr->err == TOKEN_UNKNOWN_KEY)
			kidwant_bump(a->kidwant, clock_coarse_ms());
		res->detail = tr->err == TOKEN_BAD_CLAIMS ?
		    claims_strerror(tr->claims_err) : token_strerror(tr->err);
		res->reason = token_reason(tr);
		goto out;
	}
	if (a->introspect != NULL && a->cfg->introspect_jwts &&
	    (rc = auth_revoked(a, orig, olen, now, res)) != AUTH_OK)
		goto out;
	if (a->store != NULL) {
		auth_token_key(key, tok, tr);
		if ((rc = auth_single_use(a, key, &tr->claims, now, res)) !=
		    AUTH_OK)
			goto out;
	}
	rc = AUTH_OK;
out:
	if (rc != AUTH_OK)
		sodium_memzero(&tr->claims, sizeof(tr->claims));
	if (tok == inner)
		sodium_memzero(inner, sizeof(inner));
	return rc;
}
