/*
 * The request pipeline.  The first failing check answers, in this
 * order: path (404), method (405), x-correlator under v2 (400), Accept
 * (406), token (401, then 403 for scope, amr and phone number),
 * Content-Type (415), body (400).  The token is checked before the
 * body is read, so an unauthenticated client cannot make the worker
 * parse anything of its choosing.
 *
 * With single_use, a token is used up by the first call it
 * authenticates: it is recorded once its signature and 401-class
 * claims pass, before the 403 checks, so a call refused for scope,
 * amr, number, media type or body has still spent it ("restricted to
 * a single API call").  A token that fails authentication is not
 * recorded, so only tokens the issuer signed can take room in the store.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "handlers.h"
#include "headers.h"
#include "jwe.h"
#include "router.h"
#include "service.h"
#include "token.h"

static const char *const body_errors[] = {
	[BODY_OK] = NULL,
	[BODY_TOO_LARGE] = "request body is larger than 4096 bytes",
	[BODY_SHORT] = "request body is shorter than its Content-Length",
	[BODY_BAD_LENGTH] = "Content-Length is not a number",
	[BODY_READ_ERROR] = "request body could not be read",
	[BODY_TIMEOUT] = "request body was not received in time",
};

/*
 * The name of a token in the single-use store: its jti, else the
 * SHA-256 of the signed token (the JWS inside a JWE, so that the same
 * token encrypted again is still the same token).
 */
static void
service_token_key(unsigned char key[REPLAY_KEY_BYTES], const char *tok,
    size_t len, const struct claims *c)
{
	if (c->has_jti)
		memcpy(key, c->jti_hash, REPLAY_KEY_BYTES);
	else
		replay_key_token(key, tok, len);
}

/* Spends the token in the shared store until it would expire. */
static enum replay_err
service_single_use(const struct service *svc,
    const unsigned char key[REPLAY_KEY_BYTES], const struct claims *c,
    time_t now)
{
	double		 until = c->exp + (double)svc->cfg->leeway;
	int64_t		 expires;

	/* Remembered for as long as the token would be accepted. */
	if (until >= 9.2e18)
		expires = INT64_MAX;
	else if ((double)(expires = (int64_t)until) < until)
		expires++;
	return replay_use(svc->replay, key, expires, (int64_t)now);
}

/*
 * A compact JWS has three segments, a compact JWE five.  The JWE's
 * plaintext then goes through token_verify like any signed token:
 * decrypting proves nothing about who issued it.
 */
static int
service_token_check(const struct service *svc, const char *tok, size_t len,
    time_t now, struct token_result *tr, const char **detail,
    unsigned char key[REPLAY_KEY_BYTES])
{
	char		 inner[TOKEN_MAX + 1];
	size_t		 ilen;
	enum jwe_err	 je;
	int		 rc = -1;

	switch (jwe_segments(tok, len)) {
	case JWE_SEGMENTS:
		if (svc->deckeys == NULL) {
			*detail = "encrypted token, but no decryption key";
			return -1;
		}
		if ((je = jwe_decrypt(svc->deckeys, tok, len, inner,
		    sizeof(inner), &ilen)) != JWE_OK) {
			*detail = jwe_strerror(je);
			return -1;
		}
		tok = inner;
		len = ilen;
		break;
	case JWS_SEGMENTS:
		if (svc->cfg->require_encrypted) {
			*detail = "token not encrypted (require_encrypted)";
			return -1;
		}
		break;
	default:
		break;		/* token_verify says it is malformed */
	}
	if (token_verify(svc->cfg, svc->keys, tok, len, now, tr) ==
	    TOKEN_OK) {
		if (svc->replay != NULL)
			service_token_key(key, tok, len, &tr->claims);
		rc = 0;
	} else
		*detail = tr->err == TOKEN_BAD_CLAIMS ?
		    claims_strerror(tr->claims_err) : token_strerror(tr->err);
	if (tok == inner)
		sodium_memzero(inner, sizeof(inner));
	return rc;
}

/* The 401s and 403s of the token, with their WWW-Authenticate. */
static int
service_token(const struct service *svc, const struct request *req,
    const struct route_def *route, enum api_version v, time_t now,
    struct token_result *tr, struct response *resp,
    struct service_outcome *out)
{
	unsigned char	 key[REPLAY_KEY_BYTES];
	const char	*tok;
	size_t		 len;

	switch (headers_bearer(req->var[RV_AUTHORIZATION], &tok, &len)) {
	case BEARER_MISSING:
		out->detail = "no bearer token";
		snprintf(resp->www_authenticate,
		    sizeof(resp->www_authenticate), "Bearer");
		response_error(resp, v, NVE_UNAUTHENTICATED, NULL);
		return -1;
	case BEARER_MALFORMED:
		out->detail = "malformed authorization";
		goto invalid;
	case BEARER_OK:
		break;
	}
	if (service_token_check(svc, tok, len, now, tr, &out->detail, key)
	    != 0)
		goto invalid;
	if (svc->replay != NULL) {
		switch (service_single_use(svc, key, &tr->claims, now)) {
		case REPLAY_OK:
			break;
		case REPLAY_SEEN:
			out->detail = replay_strerror(REPLAY_SEEN);
			goto invalid;
		case REPLAY_FULL:
			/* Fail closed; the request log line says why. */
			out->detail = replay_strerror(REPLAY_FULL);
			goto invalid;
		default:
			out->detail = replay_strerror(REPLAY_FAILED);
			response_error(resp, v, NVE_INTERNAL, NULL);
			return -1;
		}
	}
	if ((tr->claims.scopes & (1u << route->scope)) == 0) {
		out->detail = "scope missing";
		snprintf(resp->www_authenticate,
		    sizeof(resp->www_authenticate),
		    "Bearer error=\"insufficient_scope\", scope=\"%s\"",
		    scope_name(route->scope));
		response_error(resp, v, NVE_PERMISSION_DENIED, NULL);
		return -1;
	}
	if (!tr->claims.network_auth) {
		out->detail = "amr without network authentication";
		response_error(resp, v, NVE_NOT_MOBILE_NETWORK, NULL);
		return -1;
	}
	if (!tr->claims.phone_ok) {
		out->detail = "no usable phone number claim";
		response_error(resp, v, NVE_INVALID_TOKEN_CONTEXT, NULL);
		return -1;
	}
	return 0;
invalid:
	snprintf(resp->www_authenticate, sizeof(resp->www_authenticate),
	    "Bearer error=\"invalid_token\"");
	response_error(resp, v, NVE_UNAUTHENTICATED, NULL);
	return -1;
}

static void
service_verify(const struct request *req, const struct claims *c,
    struct response *resp, enum api_version v)
{
	char			 body[BODY_MAX + 1];
	struct verify_body	 vb;
	enum body_err		 berr;
	const char		*msg;
	size_t			 len;

	if ((berr = request_body(req, body, BODY_MAX, &len)) != BODY_OK) {
		response_error(resp, v, berr == BODY_READ_ERROR ?
		    NVE_INTERNAL : NVE_INVALID_ARGUMENT, body_errors[berr]);
		goto out;
	}
	if (len == 0) {
		response_error(resp, v, NVE_INVALID_ARGUMENT,
		    "request body is missing");
		goto out;
	}
	if ((msg = verify_parse(body, len, &vb)) != NULL) {
		response_error(resp, v, NVE_INVALID_ARGUMENT, msg);
		goto out;
	}
	verify_answer(c, &vb, resp);
out:
	/* A failed read may have left bytes past len. */
	sodium_memzero(body, berr == BODY_OK ? len : sizeof(body));
	sodium_memzero(&vb, sizeof(vb));
}

static void
service_share(const struct request *req, const struct claims *c,
    struct response *resp, enum api_version v)
{
	share_answer(c, resp);
}

/* The handler of each route of the table in router.c. */
static void (*const route_handlers[ROUTE__MAX])(const struct request *,
    const struct claims *, struct response *, enum api_version) = {
	[ROUTE_VERIFY] = service_verify,
	[ROUTE_SHARE] = service_share,
};

void
service_handle(const struct service *svc, const struct request *req,
    time_t now, struct response *resp, struct service_outcome *out)
{
	const struct route_def	*route;
	const char		*corr = req->var[RV_CORRELATOR];
	struct route_match	 m;
	struct token_result	 tr;
	enum api_version	 v;

	response_init(resp);
	memset(out, 0, sizeof(*out));
	memset(&tr, 0, sizeof(tr));
	router_match(req->var[RV_SCRIPT_NAME], req->var[RV_PATH_INFO],
	    req->var[RV_REQUEST_URI], svc->cfg->api_version, &m);
	v = m.version;
	/*
	 * Echo the correlator only where it cannot split the response,
	 * and only when it came once (request.c): a repeated one is a
	 * v2 400 below.
	 */
	if (corr != NULL && !(req->repeated & 1u << RV_CORRELATOR) &&
	    (v == API_V2 ? headers_correlator_valid(corr) :
	    headers_correlator_safe(corr)))
		resp->correlator = corr;
	if (!m.found) {
		response_error(resp, v, NVE_NOT_FOUND, NULL);
		return;
	}
	route = router_def(m.route);
	if (req->var[RV_METHOD] == NULL ||
	    strcmp(req->var[RV_METHOD], route->method) != 0) {
		resp->allow = route->method;
		response_error(resp, v, NVE_METHOD_NOT_ALLOWED, NULL);
		return;
	}
	if (v == API_V2 && corr != NULL && resp->correlator == NULL) {
		response_error(resp, v, NVE_INVALID_ARGUMENT,
		    "x-correlator must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$");
		return;
	}
	if (!headers_accepts_json(req->var[RV_ACCEPT])) {
		response_error(resp, v, NVE_NOT_ACCEPTABLE, NULL);
		return;
	}
	if (service_token(svc, req, route, v, now, &tr, resp, out) == -1)
		goto out;
	if (route->has_body && !headers_is_json(req->var[RV_CONTENT_TYPE])) {
		response_error(resp, v, NVE_UNSUPPORTED_MEDIA_TYPE, NULL);
		goto out;
	}
	route_handlers[m.route](req, &tr.claims, resp, v);
out:
	sodium_memzero(&tr, sizeof(tr));
}
