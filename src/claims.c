/*
 * Claim checks on a token whose signature has already been verified.
 * The 401-class checks (issuer, audience, time) fail the whole token;
 * scope, amr and the phone number are only recorded here, because the
 * answer for them (403, and which 403) depends on the operation.
 */
#include <math.h>
#include <string.h>

#include <sodium.h>

#include "claims.h"
#include "jparse.h"

static const char *const scope_names[SCOPE__MAX] = {
	[SCOPE_VERIFY] = "number-verification:verify",
	[SCOPE_SHARE] = "number-verification:device-phone-number:read",
};

static const char *const claims_messages[CLAIMS__MAX] = {
	[CLAIMS_OK] = "ok",
	[CLAIMS_MALFORMED] = "malformed claims",
	[CLAIMS_BAD_ISSUER] = "wrong issuer",
	[CLAIMS_BAD_AUDIENCE] = "wrong audience",
	[CLAIMS_NO_EXPIRY] = "no exp",
	[CLAIMS_EXPIRED] = "expired",
	[CLAIMS_NOT_YET_VALID] = "not yet valid",
	[CLAIMS_NO_IAT] = "no iat to bound the lifetime",
	[CLAIMS_TOO_LONG_LIVED] = "lifetime over max_token_lifetime",
	[CLAIMS_INACTIVE] = "introspection: token not active",
};

const char *
scope_name(enum scope s)
{
	return (unsigned)s < SCOPE__MAX ? scope_names[s] : "";
}

const char *
claims_strerror(enum claims_err e)
{
	return (unsigned)e < CLAIMS__MAX ? claims_messages[e] : "?";
}

static bool
is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double);
}

/*
 * A NumericDate (RFC 7519 section 2) may carry a fraction, so it is
 * read as a double; anything not finite is malformed.
 */
static enum claims_err
check_time(struct json_object *o, const char *name, bool required,
    double *out)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, name, &v))
		return required ? CLAIMS_NO_EXPIRY : CLAIMS_OK;
	if (!is_number(v) || !isfinite(json_object_get_double(v)))
		return CLAIMS_MALFORMED;
	*out = json_object_get_double(v);
	return CLAIMS_OK;
}

/*
 * A JSON string equal to s, byte for byte over its whole length: a
 * "\u0000" inside the claim must not end the comparison early.
 */
static bool
string_is(struct json_object *v, const char *s)
{
	size_t	 len;

	if (!json_object_is_type(v, json_type_string))
		return false;
	len = (size_t)json_object_get_string_len(v);
	return len == strlen(s) &&
	    memcmp(json_object_get_string(v), s, len) == 0;
}

/*
 * aud is a string or an array of strings (RFC 7519 section 4.1.3).
 * An element of another type makes the whole claim malformed, even
 * beside the right audience, as for amr: skipping it would accept a
 * claim that a strict reader of the same token refuses.
 */
static enum claims_err
check_audience(struct json_object *o, const char *audience)
{
	struct json_object	*v, *e;
	enum claims_err		 rc = CLAIMS_BAD_AUDIENCE;
	size_t			 i, n;

	if (!json_object_object_get_ex(o, "aud", &v))
		return CLAIMS_BAD_AUDIENCE;
	if (json_object_is_type(v, json_type_string))
		return string_is(v, audience) ? CLAIMS_OK :
		    CLAIMS_BAD_AUDIENCE;
	if (!json_object_is_type(v, json_type_array))
		return CLAIMS_MALFORMED;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string))
			return CLAIMS_MALFORMED;
		if (string_is(e, audience))
			rc = CLAIMS_OK;
	}
	return rc;
}

/* scope is one space-separated string (RFC 9068 section 2.2.3). */
static enum claims_err
read_scopes(struct json_object *o, unsigned *scopes)
{
	struct json_object	*v;
	const char		*p, *q, *end;
	size_t			 len;
	int			 s;

	*scopes = 0;
	if (!json_object_object_get_ex(o, "scope", &v))
		return CLAIMS_OK;
	if (!json_object_is_type(v, json_type_string))
		return CLAIMS_MALFORMED;
	/* Over the whole JSON length: a "\u0000" is not an end. */
	end = json_object_get_string(v) + json_object_get_string_len(v);
	for (p = json_object_get_string(v); p < end; p = q) {
		while (p < end && *p == ' ')
			p++;
		for (q = p; q < end && *q != ' '; q++)
			continue;
		len = (size_t)(q - p);
		for (s = 0; s < SCOPE__MAX; s++)
			if (strlen(scope_names[s]) == len &&
			    memcmp(scope_names[s], p, len) == 0)
				*scopes |= 1u << s;
	}
	return CLAIMS_OK;
}

/* amr is an array of strings (RFC 8176). */
static enum claims_err
read_amr(struct json_object *o, const struct config *cfg, bool *network)
{
	struct json_object	*v, *e;
	size_t			 i, j, n;

	*network = cfg->n_amr == 0;
	if (!json_object_object_get_ex(o, "amr", &v))
		return CLAIMS_OK;
	if (!json_object_is_type(v, json_type_array))
		return CLAIMS_MALFORMED;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string))
			return CLAIMS_MALFORMED;
		for (j = 0; j < cfg->n_amr; j++)
			if (string_is(e, cfg->network_amr[j]))
				*network = true;
	}
	return CLAIMS_OK;
}

/*
 * jti (RFC 7519 section 4.1.7) is a string.  Only its hash is kept: it
 * names the token in the single-use store, and the token itself is
 * never stored anywhere.  Without single_use nothing reads the hash,
 * so it is not made.
 */
static enum claims_err
read_jti(struct json_object *o, bool single_use, struct claims *c)
{
	crypto_hash_sha256_state	 st;
	struct json_object		*v;

	if (!json_object_object_get_ex(o, "jti", &v))
		return CLAIMS_OK;
	if (!json_object_is_type(v, json_type_string))
		return CLAIMS_MALFORMED;
	if (!single_use)
		return CLAIMS_OK;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"jti:", 4);
	crypto_hash_sha256_update(&st,
	    (const unsigned char *)json_object_get_string(v),
	    (size_t)json_object_get_string_len(v));
	crypto_hash_sha256_final(&st, c->jti_hash);
	c->has_jti = true;
	return CLAIMS_OK;
}

static void
read_phone(struct json_object *o, const char *name, struct claims *c)
{
	struct json_object	*v;
	const char		*s;
	size_t			 len;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	/* CAMARA writes subscribers as tel:+34... (login_hint, sub). */
	if (len >= 4 && memcmp(s, "tel:", 4) == 0) {
		s += 4;
		len -= 4;
	}
	if (strlen(s) != len || !phone_valid(s, len))
		return;
	memcpy(c->phone, s, len);
	c->phone[len] = '\0';
	c->phone_ok = true;
}

/*
 * An introspection answer (RFC 7662 section 2.2) must say active:true,
 * the JSON literal; iss and aud are optional there, but checked when
 * given.  A JWT must carry both.
 */
static enum claims_err
check_source(struct json_object *o, const struct config *cfg,
    enum claims_source src)
{
	struct json_object	*v;
	bool			 intro = src == CLAIMS_INTROSPECTION;

	if (intro && (!json_object_object_get_ex(o, "active", &v) ||
	    !json_object_is_type(v, json_type_boolean) ||
	    !json_object_get_boolean(v)))
		return CLAIMS_INACTIVE;
	if (!json_object_object_get_ex(o, "iss", &v)) {
		if (!intro)
			return CLAIMS_BAD_ISSUER;
	} else if (!string_is(v, cfg->issuer))
		return CLAIMS_BAD_ISSUER;
	if (intro && !json_object_object_get_ex(o, "aud", &v))
		return CLAIMS_OK;
	return check_audience(o, cfg->audience);
}

enum claims_err
claims_check(const struct config *cfg, const char *payload, size_t len,
    time_t now, struct claims *c)
{
	struct json_object	*o = NULL;
	enum claims_err		 rc;

	memset(c, 0, sizeof(*c));
	if (jparse_object(payload, len, &o) != JPARSE_OK)
		return CLAIMS_MALFORMED;
	rc = claims_check_object(cfg, o, CLAIMS_JWT, now, c);
	json_object_put(o);
	return rc;
}

enum claims_err
claims_check_object(const struct config *cfg, struct json_object *o,
    enum claims_source src, time_t now, struct claims *c)
{
	enum claims_err		 rc;
	double			 exp = 0, nbf = -INFINITY, iat = -INFINITY;
	double			 t = (double)now, leeway = (double)cfg->leeway;

	memset(c, 0, sizeof(*c));
	if (!json_object_is_type(o, json_type_object))
		return CLAIMS_MALFORMED;
	if ((rc = check_source(o, cfg, src)) != CLAIMS_OK ||
	    (rc = check_time(o, "exp", true, &exp)) != CLAIMS_OK ||
	    (rc = check_time(o, "nbf", false, &nbf)) != CLAIMS_OK ||
	    (rc = check_time(o, "iat", false, &iat)) != CLAIMS_OK)
		goto out;
	/* RFC 7519: the current time must be before exp. */
	if (t >= exp + leeway) {
		rc = CLAIMS_EXPIRED;
		goto out;
	}
	if (nbf > t + leeway || iat > t + leeway) {
		rc = CLAIMS_NOT_YET_VALID;
		goto out;
	}
	/*
	 * With a lifetime bound, a token must say when it was issued: one
	 * without iat could live for as long as its exp says.
	 */
	if (cfg->max_token_lifetime > 0) {
		if (isinf(iat)) {
			rc = CLAIMS_NO_IAT;
			goto out;
		}
		if (exp - iat > (double)cfg->max_token_lifetime) {
			rc = CLAIMS_TOO_LONG_LIVED;
			goto out;
		}
	}
	c->exp = exp;
	if ((rc = read_jti(o, cfg->single_use, c)) != CLAIMS_OK ||
	    (rc = read_scopes(o, &c->scopes)) != CLAIMS_OK ||
	    (rc = read_amr(o, cfg, &c->network_auth)) != CLAIMS_OK)
		goto out;
	read_phone(o, cfg->phone_claim, c);
out:
	if (rc != CLAIMS_OK)
		sodium_memzero(c, sizeof(*c));
	return rc;
}
