/*
 * The request pipeline.  The first failing check answers, in this
 * order: path (404), method (405), x-correlator under v2 (400), Accept
 * (406), token (401, then 403 for scope, amr and phone number; 503
 * when the single-use store cannot answer), Content-Type (415), body
 * (400).  The token is checked before the body is read, so an
 * unauthenticated client cannot make the worker parse anything of its
 * choosing.  What a token is and how it is
 * checked is auth.c's; the route's handler is router.c's.
 *
 * Each answer is counted here (metrics.c), once its status and code
 * are known and before serve.c writes it, so an answered request is
 * never missing from the counters.  The metrics route itself is not
 * counted: scrapes are no traffic of the API.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "headers.h"
#include "metrics.h"
#include "router.h"
#include "service.h"

/* The 401s and 403s of the token, with their WWW-Authenticate. */
static int
service_token(const struct service *svc, const struct request *req,
    const struct route_def *route, enum api_version v, time_t now,
    struct auth_result *ar, struct response *resp,
    struct service_outcome *out)
{
	const char	*tok;
	size_t		 len;
	enum auth_err	 rc;

	switch (headers_bearer(req->var[RV_AUTHORIZATION], &tok, &len)) {
	case BEARER_MISSING:
		out->detail = "no bearer token";
		out->reason = AUTH_REASON_MISSING;
		snprintf(resp->www_authenticate,
		    sizeof(resp->www_authenticate), "Bearer");
		response_error(resp, v, NVE_UNAUTHENTICATED, NULL);
		return -1;
	case BEARER_MALFORMED:
		out->detail = "malformed authorization";
		out->reason = AUTH_REASON_MALFORMED;
		goto invalid;
	case BEARER_OK:
		break;
	}
	rc = auth_token(&svc->auth, tok, len, now, ar);
	out->reason = ar->reason;
	switch (rc) {
	case AUTH_OK:
		break;
	case AUTH_INVALID:
		out->detail = ar->detail;
		goto invalid;
	case AUTH_UNAVAILABLE:
		out->detail = ar->detail;
		response_error(resp, v, NVE_UNAVAILABLE, NULL);
		return -1;
	default:
		out->detail = ar->detail;
		response_error(resp, v, NVE_INTERNAL, NULL);
		return -1;
	}
	if ((ar->tok.claims.scopes & (1u << route->scope)) == 0) {
		out->detail = "scope missing";
		out->reason = AUTH_REASON_SCOPE;
		snprintf(resp->www_authenticate,
		    sizeof(resp->www_authenticate),
		    "Bearer error=\"insufficient_scope\", scope=\"%s\"",
		    scope_name(route->scope));
		response_error(resp, v, NVE_PERMISSION_DENIED, NULL);
		return -1;
	}
	if (!ar->tok.claims.network_auth) {
		out->detail = "amr without network authentication";
		out->reason = AUTH_REASON_NETWORK_AUTH;
		response_error(resp, v, NVE_NOT_MOBILE_NETWORK, NULL);
		return -1;
	}
	if (!ar->tok.claims.phone_ok) {
		out->detail = "no usable phone number claim";
		out->reason = AUTH_REASON_PHONE_NUMBER;
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

/* GET or HEAD on a route without a token (metrics_path). */
static void
service_open(const struct service *svc, const struct request *req,
    enum route r, struct response *resp)
{
	const struct route_def	*route = router_def(r);
	const char		*method = req->var[RV_METHOD];

	resp->head = method != NULL && strcmp(method, "HEAD") == 0;
	if (!resp->head && (method == NULL ||
	    strcmp(method, route->method) != 0)) {
		resp->allow = route->allow;
		response_error(resp, svc->auth.cfg->api_version,
		    NVE_METHOD_NOT_ALLOWED, NULL);
		return;
	}
	route->open(svc, req, resp);
}

/* One answer into the pool's counters: labels from fixed tables only. */
static void
service_count(const struct service *svc, enum api_version v,
    enum metrics_op op, const struct response *resp,
    const struct service_outcome *out, int64_t t0)
{
	metrics_request(svc->metrics, v, op, resp->is_error ? resp->error :
	    NVE__MAX, out->reason, (uint64_t)(clock_ns() - t0));
	if ((out->reason == AUTH_REASON_STORE_UNAVAILABLE ||
	    out->reason == AUTH_REASON_STORE_FAILED) &&
	    store_needs_network(svc->auth.store))
		metrics_add(svc->metrics, METRICS_REDIS_ERRORS, 1);
}

void
service_handle(const struct service *svc, const struct request *req,
    time_t now, struct response *resp, struct service_outcome *out)
{
	const struct route_def	*route;
	const char		*corr = req->var[RV_CORRELATOR];
	const char		*method;
	struct route_match	 m;
	struct auth_result	 ar;
	int64_t			 t0 = 0;
	enum api_version	 v;
	enum metrics_op		 op = METRICS_OP_OTHER;

	if (svc->metrics != NULL)
		t0 = clock_ns();
	response_init(resp);
	memset(out, 0, sizeof(*out));
	memset(&ar, 0, sizeof(ar));
	if (svc->metrics != NULL && router_match_path(
	    svc->auth.cfg->metrics_path, req->var[RV_SCRIPT_NAME],
	    req->var[RV_PATH_INFO], req->var[RV_REQUEST_URI])) {
		service_open(svc, req, ROUTE_METRICS, resp);
		return;
	}
	router_match(req->var[RV_SCRIPT_NAME], req->var[RV_PATH_INFO],
	    req->var[RV_REQUEST_URI], svc->auth.cfg->api_version, &m);
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
	if (!m.found || router_def(m.route)->handle == NULL) {
		response_error(resp, v, NVE_NOT_FOUND, NULL);
		goto done;
	}
	route = router_def(m.route);
	op = m.route == ROUTE_VERIFY ? METRICS_OP_VERIFY : METRICS_OP_SHARE;
	method = req->var[RV_METHOD];
	resp->head = method != NULL && strcmp(route->method, "GET") == 0 &&
	    strcmp(method, "HEAD") == 0;
	if (!resp->head && (method == NULL ||
	    strcmp(method, route->method) != 0)) {
		resp->allow = route->allow;
		response_error(resp, v, NVE_METHOD_NOT_ALLOWED, NULL);
		goto done;
	}
	if (v == API_V2 && corr != NULL && resp->correlator == NULL) {
		response_error(resp, v, NVE_INVALID_ARGUMENT,
		    "x-correlator must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$");
		goto done;
	}
	if (!headers_accepts_json(req->var[RV_ACCEPT])) {
		response_error(resp, v, NVE_NOT_ACCEPTABLE, NULL);
		goto done;
	}
	if (service_token(svc, req, route, v, now, &ar, resp, out) == -1)
		goto out;
	if (route->has_body && !headers_is_json(req->var[RV_CONTENT_TYPE])) {
		response_error(resp, v, NVE_UNSUPPORTED_MEDIA_TYPE, NULL);
		goto out;
	}
	route->handle(req, &ar.tok.claims, resp, v);
out:
	sodium_memzero(&ar, sizeof(ar));
done:
	if (svc->metrics != NULL)
		service_count(svc, v, op, resp, out, t0);
}
