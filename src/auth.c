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

#include "auth.h"
#include "jwe.h"

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
		return AUTH_INVALID;
	case STORE_UNAVAILABLE:
		/* Not knowing whether it was used is no pass either. */
		res->detail = why != NULL ? why : store_strerror(se);
		return AUTH_UNAVAILABLE;
	default:
		res->detail = why != NULL ? why : store_strerror(se);
		return AUTH_INTERNAL;
	}
}

/* The 401, 500 or 503 of an introspection that did not pass. */
static enum auth_err
auth_introspect_err(enum introspect_err ie)
{
	switch (ie) {
	case INTROSPECT_OK:
		return AUTH_OK;
	case INTROSPECT_INVALID:
		return AUTH_INVALID;
	case INTROSPECT_UNAVAILABLE:
		return AUTH_UNAVAILABLE;
	default:
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
		return AUTH_INVALID;
	}
	rc = auth_introspect_err(introspect_token(a->introspect, tok, len, now,
	    &res->tok.claims, &res->detail));
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
	    &c, &res->detail));
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
			goto out;
		}
		if ((je = jwe_decrypt(a->deckeys, tok, len, inner,
		    sizeof(inner), &ilen)) != JWE_OK) {
			res->detail = jwe_strerror(je);
			goto out;
		}
		tok = inner;
		len = ilen;
		break;
	case JWS_SEGMENTS:
		if (a->cfg->require_encrypted) {
			res->detail = "token not encrypted (require_encrypted)";
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
		res->detail = tr->err == TOKEN_BAD_CLAIMS ?
		    claims_strerror(tr->claims_err) : token_strerror(tr->err);
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
