/*
 * The request pipeline (service.c) without any I/O: the order of the
 * checks (404, 405, v2 correlator 400, 406, 401, 403, 415, 400), the
 * headers each answer sets, and the per-version error vocabulary;
 * then the metrics: the route on metrics_path, and each answer counted
 * with its labels and its token's rejection reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "metrics.h"
#include "service.h"
#include "unit.h"

static unsigned char	 pk[32], sk[64];
static struct config	 cfg;
static struct jwks	 keys;
static struct service	 svc;
static struct request	 req;
static struct response	 resp;
static struct service_outcome out;
static char		*good;		/* both scopes, nba, a phone */

struct body { const char *p; size_t len, off; };
static struct body	 body;

static ssize_t
body_read(void *ctx, char *buf, size_t len)
{
	struct body	*b = ctx;
	size_t		 n = b->len - b->off;

	if (n > len)
		n = len;
	memcpy(buf, b->p + b->off, n);
	b->off += n;
	return (ssize_t)n;
}

static char *
token(const char *claims_extra)
{
	char	 p[1024];

	snprintf(p, sizeof(p), "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%ld%s}",
	    UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW + 300, claims_extra);
	return unit_sign(sk, "{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", p);
}

static void
setup(void)
{
	unit_keypair(7, pk, sk);
	unit_config(&cfg);
	memset(&keys, 0, sizeof(keys));
	unit_jwks_add(&keys, pk, "k1");
	svc.auth.cfg = &cfg;
	svc.auth.keys = &keys;
	good = token(",\"scope\":\"number-verification:verify "
	    "number-verification:device-phone-number:read\","
	    "\"amr\":[\"nba\"],\"phone_number\":\"+34600000000\"");
}

static void
teardown(void)
{
	config_free(&cfg);
	jwks_free(&keys);
	free(good);
}

static char	 authz[9000];
static char	 clen[32];

/* A request: method, PATH_INFO under SCRIPT_NAME "", the token (or
 * NULL for no Authorization header), and the body (or NULL). */
static void
request(const char *method, const char *path, const char *tok,
    const char *b)
{
	memset(&req, 0, sizeof(req));
	req.var[RV_METHOD] = method;
	req.var[RV_SCRIPT_NAME] = "";
	req.var[RV_PATH_INFO] = path;
	if (tok != NULL) {
		snprintf(authz, sizeof(authz), "Bearer %s", tok);
		req.var[RV_AUTHORIZATION] = authz;
	}
	if (b != NULL) {
		body.p = b;
		body.len = strlen(b);
		body.off = 0;
		snprintf(clen, sizeof(clen), "%zu", body.len);
		req.var[RV_CONTENT_LENGTH] = clen;
		req.var[RV_CONTENT_TYPE] = "application/json";
	}
	req.read = body_read;
	req.read_ctx = &body;
}

static void
handle(void)
{
	service_handle(&svc, &req, UNIT_NOW, &resp, &out);
}

static void
expect(int status, const char *code, const char *message)
{
	char	 want[RESPONSE_BODY_MAX];

	handle();
	ck_assert_int_eq(resp.status, status);
	if (code == NULL) {
		ck_assert_int_eq(resp.is_error, 0);
		ck_assert_str_eq(resp.body, message);
		return;
	}
	snprintf(want, sizeof(want),
	    "{\"status\":%d,\"code\":\"%s\",\"message\":\"%s\"}",
	    status, code, message);
	ck_assert_str_eq(resp.body, want);
}

#define V0 "/number-verification/v0"
#define V1 "/number-verification/v1"
#define V2 "/number-verification/v2"
#define PLAIN "{\"phoneNumber\":\"+34600000000\"}"
#define UNAUTH0 "Request not authenticated due to missing, invalid, or " \
	"expired credentials"
#define UNAUTH2 UNAUTH0 ". A new authentication is required."
#define DENIED0 "Client does not have sufficient permissions to perform " \
	"this action"

START_TEST(not_found_first)
{
	request("GET", V2 "/nope", NULL, NULL);
	req.var[RV_CORRELATOR] = "bad correlator";
	req.var[RV_ACCEPT] = "text/html";
	expect(404, "NOT_FOUND", "The specified resource is not found.");
	ck_assert_ptr_null(resp.correlator);
	request("POST", "/number-verification/v10/verify", good, PLAIN);
	expect(404, "NOT_FOUND", "The specified resource is not found.");
}
END_TEST

START_TEST(method_not_allowed)
{
	request("GET", V0 "/verify", NULL, NULL);
	req.var[RV_ACCEPT] = "text/html";
	expect(405, "METHOD_NOT_ALLOWED",
	    "The requested method is not allowed/supported on the target");
	ck_assert_str_eq(resp.allow, "POST");
	request("POST", V1 "/device-phone-number", good, PLAIN);
	expect(405, "METHOD_NOT_ALLOWED", "The requested method is not "
	    "allowed/supported on the target resource.");
	ck_assert_str_eq(resp.allow, "GET, HEAD");
	request("HEAD", V1 "/verify", good, PLAIN);
	expect(405, "METHOD_NOT_ALLOWED", "The requested method is not "
	    "allowed/supported on the target resource.");
	ck_assert_str_eq(resp.allow, "POST");
	request(NULL, V1 "/device-phone-number", good, NULL);
	handle();
	ck_assert_int_eq(resp.status, 405);
}
END_TEST

/* HEAD: the same checks and headers as GET, and no body on the wire. */
START_TEST(head_as_get)
{
	static const char want[] = "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Length: 36\r\n\r\n";
	char	 wire[RESPONSE_MAX], tail[32];
	size_t	 n;

	request("HEAD", V1 "/device-phone-number", good, NULL);
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_int_eq(resp.head, 1);
	n = response_serialize(&resp, wire, sizeof(wire));
	ck_assert_uint_eq(n, strlen(want));
	ck_assert_mem_eq(wire, want, n);
	/* The token is checked all the same. */
	request("HEAD", V1 "/device-phone-number", NULL, NULL);
	handle();
	ck_assert_int_eq(resp.status, 401);
	ck_assert_uint_gt(resp.body_len, 0);
	n = response_serialize(&resp, wire, sizeof(wire));
	ck_assert_ptr_null(memchr(wire, '{', n));
	ck_assert_int_eq(snprintf(tail, sizeof(tail),
	    "Content-Length: %zu\r\n\r\n", resp.body_len), 23);
	ck_assert_mem_eq(wire + n - 23, tail, 23);
}
END_TEST

START_TEST(correlator)
{
	/* v2: the pattern is enforced before Accept and the token. */
	request("POST", V2 "/verify", NULL, NULL);
	req.var[RV_ACCEPT] = "text/html";
	req.var[RV_CORRELATOR] = "has space";
	expect(400, "INVALID_ARGUMENT",
	    "x-correlator must match ^[a-zA-Z0-9-_:;.\\\\/<>{}]{0,256}$");
	ck_assert_ptr_null(resp.correlator);
	request("GET", V2 "/device-phone-number", good, NULL);
	req.var[RV_CORRELATOR] = "a-b:c;d.e/f<g>{h}";
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_str_eq(resp.correlator, "a-b:c;d.e/f<g>{h}");
	/* v0: no pattern; echoed when printable, dropped otherwise. */
	request("GET", V0 "/device-phone-number", good, NULL);
	req.var[RV_CORRELATOR] = "has space";
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_str_eq(resp.correlator, "has space");
	req.var[RV_CORRELATOR] = "x\r\nSet-Cookie: a=b";
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_ptr_null(resp.correlator);
}
END_TEST

/*
 * HTTP_X_CORRELATOR given twice (lighttpd passes X_Correlator under
 * that name too, nginx a repeated header twice): no one can tell which
 * the client meant.  Under v2 a 400, under v0 and v1 nothing echoed.
 */
START_TEST(correlator_repeated)
{
	request("GET", V2 "/device-phone-number", good, NULL);
	req.var[RV_CORRELATOR] = "valid-one";
	req.repeated = 1u << RV_CORRELATOR;
	expect(400, "INVALID_ARGUMENT",
	    "x-correlator must match ^[a-zA-Z0-9-_:;.\\\\/<>{}]{0,256}$");
	ck_assert_ptr_null(resp.correlator);
	request("GET", V0 "/device-phone-number", good, NULL);
	req.var[RV_CORRELATOR] = "valid-one";
	req.repeated = 1u << RV_CORRELATOR;
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_ptr_null(resp.correlator);
	request("GET", V1 "/device-phone-number", good, NULL);
	req.var[RV_CORRELATOR] = "valid-one";
	req.repeated = 1u << RV_CORRELATOR;
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_ptr_null(resp.correlator);
	/* Another variable repeated leaves the correlator alone. */
	request("GET", V2 "/device-phone-number", good, NULL);
	req.var[RV_CORRELATOR] = "valid-one";
	req.repeated = 1u << RV_ACCEPT;
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_str_eq(resp.correlator, "valid-one");
}
END_TEST

START_TEST(not_acceptable_before_token)
{
	request("POST", V0 "/verify", NULL, NULL);
	req.var[RV_ACCEPT] = "text/html";
	expect(406, "NOT_ACCEPTABLE", "The server can't produce a response "
	    "matching the content requested by the client through Accept-* "
	    "headers");
}
END_TEST

START_TEST(unauthenticated)
{
	request("POST", V0 "/verify", NULL, PLAIN);
	expect(401, "UNAUTHENTICATED", UNAUTH0);
	ck_assert_str_eq(resp.www_authenticate, "Bearer");
	request("POST", V2 "/verify", "not.a.token", PLAIN);
	expect(401, "UNAUTHENTICATED", UNAUTH2);
	ck_assert_str_eq(resp.www_authenticate,
	    "Bearer error=\"invalid_token\"");
	ck_assert_str_eq(out.detail, "malformed token");
	/* A bad token and a bad body: the token answers. */
	request("POST", V2 "/verify", "x.y.z", "not json");
	req.var[RV_CONTENT_TYPE] = "text/plain";
	expect(401, "UNAUTHENTICATED", UNAUTH2);
	/* Malformed header, expired token. */
	request("GET", V1 "/device-phone-number", NULL, NULL);
	req.var[RV_AUTHORIZATION] = "Basic dXNlcjpwYXNz";
	expect(401, "UNAUTHENTICATED", "Request not authenticated due to "
	    "missing, invalid, or expired credentials.");
	ck_assert_str_eq(resp.www_authenticate,
	    "Bearer error=\"invalid_token\"");
}
END_TEST

START_TEST(expired)
{
	char	*tok;

	tok = token(",\"scope\":\"number-verification:verify\","
	    "\"amr\":[\"nba\"],\"phone_number\":\"+34600000000\"");
	request("POST", V0 "/verify", tok, PLAIN);
	expect(200, NULL, "{\"devicePhoneNumberVerified\":true}");
	/* The same token an hour later. */
	request("POST", V0 "/verify", tok, PLAIN);
	service_handle(&svc, &req, UNIT_NOW + 3600, &resp, &out);
	ck_assert_int_eq(resp.status, 401);
	ck_assert_str_eq(out.detail, "expired");
	free(tok);
}
END_TEST

START_TEST(forbidden)
{
	char	*tok;

	/* Scope first... */
	tok = token(",\"scope\":\"number-verification:device-phone-number:"
	    "read\",\"amr\":[\"pwd\"]");
	request("POST", V0 "/verify", tok, PLAIN);
	expect(403, "PERMISSION_DENIED", DENIED0);
	ck_assert_str_eq(resp.www_authenticate, "Bearer error="
	    "\"insufficient_scope\", scope=\"number-verification:verify\"");
	free(tok);
	tok = token(",\"scope\":\"number-verification:verify\"");
	request("GET", V2 "/device-phone-number", tok, NULL);
	expect(403, "PERMISSION_DENIED", DENIED0 ".");
	ck_assert_str_eq(resp.www_authenticate, "Bearer error="
	    "\"insufficient_scope\", scope="
	    "\"number-verification:device-phone-number:read\"");
	free(tok);
	/* ...then amr... */
	tok = token(",\"scope\":\"number-verification:verify\","
	    "\"amr\":[\"pwd\",\"otp\"]");
	request("POST", V1 "/verify", tok, PLAIN);
	expect(403, "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_"
	    "NETWORK", "Client must authenticate via the mobile network to "
	    "use this service");
	ck_assert_str_eq(resp.www_authenticate, "");
	free(tok);
	/* ...then the phone number, per version. */
	tok = token(",\"scope\":\"number-verification:verify\","
	    "\"amr\":[\"mnba\"],\"phone_number\":\"600000000\"");
	request("POST", V0 "/verify", tok, PLAIN);
	expect(403, "NUMBER_VERIFICATION.INVALID_TOKEN_CONTEXT",
	    "Phone number cannot be deducted from access token context");
	request("POST", V1 "/verify", tok, PLAIN);
	expect(403, "INVALID_TOKEN_CONTEXT",
	    "Phone number cannot be deducted from access token context");
	request("POST", V2 "/verify", tok, PLAIN);
	expect(403, "PERMISSION_DENIED", DENIED0 ".");
	free(tok);
}
END_TEST

START_TEST(unsupported_media_type)
{
	request("POST", V0 "/verify", good, PLAIN);
	req.var[RV_CONTENT_TYPE] = "text/plain";
	expect(415, "UNSUPPORTED_MEDIA_TYPE", "The server refuses to accept "
	    "the request because the payload format is in an unsupported "
	    "format.");
	req.var[RV_CONTENT_TYPE] = NULL;
	handle();
	ck_assert_int_eq(resp.status, 415);
	req.var[RV_CONTENT_TYPE] = "application/json; charset=utf-8";
	expect(200, NULL, "{\"devicePhoneNumberVerified\":true}");
}
END_TEST

START_TEST(bad_bodies)
{
	static char	 big[BODY_MAX + 2];

	request("POST", V2 "/verify", good, NULL);
	req.var[RV_CONTENT_TYPE] = "application/json";
	expect(400, "INVALID_ARGUMENT", "request body is missing");
	request("POST", V2 "/verify", good, "");
	expect(400, "INVALID_ARGUMENT", "request body is missing");
	request("POST", V2 "/verify", good, "{\"phoneNumber\":\"+34600000000\","
	    "\"x\":1}");
	expect(400, "INVALID_ARGUMENT", "request body has an unknown member: "
	    "only phoneNumber or hashedPhoneNumber is allowed");
	request("POST", V0 "/verify", good, "{\"phoneNumber\":\"0034\"}");
	expect(400, "INVALID_ARGUMENT",
	    "phoneNumber must match ^\\\\+[1-9][0-9]{4,14}$");
	memset(big, ' ', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 2] = '}';
	request("POST", V0 "/verify", good, big);
	expect(400, "INVALID_ARGUMENT", "request body is larger than 4096 bytes");
	ck_assert_uint_eq(body.off, 0);
	request("POST", V0 "/verify", good, PLAIN);
	req.var[RV_CONTENT_LENGTH] = "12x";
	expect(400, "INVALID_ARGUMENT", "Content-Length is not a number");
}
END_TEST

START_TEST(answers)
{
	request("POST", V0 "/verify", good, PLAIN);
	expect(200, NULL, "{\"devicePhoneNumberVerified\":true}");
	request("POST", V1 "/verify", good, "{\"phoneNumber\":\"+34600000001\"}");
	expect(200, NULL, "{\"devicePhoneNumberVerified\":false}");
	request("POST", V2 "/verify", good, "{\"hashedPhoneNumber\":\"32f67ab4"
	    "e4312618b09cd23ed8ce41b13e095fe52b73b2e8da8ef49830e50dba\"}");
	expect(200, NULL, "{\"devicePhoneNumberVerified\":true}");
	request("GET", V2 "/device-phone-number", good, NULL);
	expect(200, NULL, "{\"devicePhoneNumber\":\"+34600000000\"}");
	/* Mounted at the API root, the configured version. */
	cfg.api_version = API_V2;
	request("GET", "/device-phone-number", good, NULL);
	req.var[RV_SCRIPT_NAME] = "/nv";
	req.var[RV_CORRELATOR] = "not ok";
	expect(400, "INVALID_ARGUMENT",
	    "x-correlator must match ^[a-zA-Z0-9-_:;.\\\\/<>{}]{0,256}$");
}
END_TEST


/* --- metrics: a file in a folder of the test's, metrics_path set --- */
static char		*mdir;

static void
metrics_setup(void)
{
	char	*p, err[512];

	setup();
	mdir = unit_tmpdir();
	ck_assert_int_ne(asprintf(&p, "%s/metrics", mdir), -1);
	if (metrics_open(&svc.metrics, p, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)) == -1)
		ck_abort_msg("metrics_open: %s", err);
	free(p);
	ck_assert_ptr_nonnull(cfg.metrics_path = strdup("/metrics"));
}

static void
metrics_teardown(void)
{
	metrics_close(svc.metrics);
	svc.metrics = NULL;
	unit_rmtree(mdir);
	free(mdir);
	teardown();
}

/* The exposition as a scrape now would have it. */
static const char *
scrape(void)
{
	request("GET", "/metrics", NULL, NULL);
	handle();
	ck_assert_int_eq(resp.status, 200);
	ck_assert_ptr_nonnull(resp.text);
	return resp.text;
}

static void
has_line(const char *line)
{
	const char	*text = scrape();
	char		 want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (strstr(text, want) == NULL)
		ck_abort_msg("no line %s in:\n%.1500s", line, text);
}

START_TEST(metrics_route)
{
	char	 wire[RESPONSE_MAX], want[128];
	size_t	 n;

	/* GET: the text type, its length, the body; nothing counted. */
	request("GET", "/metrics", NULL, NULL);
	handle();
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(resp.content_type, METRICS_CONTENT_TYPE);
	ck_assert_ptr_nonnull(strstr(resp.text, "# TYPE nv_requests_total "
	    "counter\n# HELP nv_token_rejections_total "));
	n = response_serialize(&resp, wire, sizeof(wire));
	ck_assert_uint_gt(n, resp.text_len);
	snprintf(want, sizeof(want), "Status: 200 OK\r\nContent-Type: "
	    METRICS_CONTENT_TYPE "\r\nCache-Control: no-store\r\n"
	    "Content-Length: %zu\r\n\r\n", resp.text_len);
	ck_assert_int_eq(strncmp(wire, want, strlen(want)), 0);
	ck_assert_str_eq(wire + strlen(want), resp.text);
	/* HEAD: the same headers, no body. */
	request("HEAD", "/metrics", NULL, NULL);
	handle();
	ck_assert_int_eq(resp.status, 200);
	ck_assert_int_eq(resp.head, 1);
	n = response_serialize(&resp, wire, sizeof(wire));
	ck_assert_str_eq(wire, want);
	/* Any other method: 405 with Allow, in the configured version. */
	request("POST", "/metrics", NULL, "{}");
	expect(405, "METHOD_NOT_ALLOWED", "The requested method is not "
	    "allowed/supported on the target");
	ck_assert_str_eq(resp.allow, "GET, HEAD");
	/* The whole path, from REQUEST_URI without its query... */
	request("GET", NULL, NULL, NULL);
	req.var[RV_REQUEST_URI] = "/metrics?name[]=x";
	handle();
	ck_assert_int_eq(resp.status, 200);
	/* ...or SCRIPT_NAME and PATH_INFO together; nothing longer. */
	request("GET", "", NULL, NULL);
	req.var[RV_SCRIPT_NAME] = "/metrics";
	handle();
	ck_assert_int_eq(resp.status, 200);
	request("GET", "/metrics/", NULL, NULL);
	expect(404, "NOT_FOUND", "The specified resource is not found.");
	request("GET", NULL, NULL, NULL);
	req.var[RV_REQUEST_URI] = "/metricsx";
	expect(404, "NOT_FOUND", "The specified resource is not found.");
	/* The two 404s were counted; no scrape, HEAD or 405 on it was. */
	ck_assert_ptr_null(strstr(scrape(), "status=\"200\""));
	ck_assert_ptr_null(strstr(scrape(), "status=\"405\""));
	has_line("nv_requests_total{version=\"v0\",operation=\"other\","
	    "status=\"404\",code=\"NOT_FOUND\"} 2");
}
END_TEST

/* Without a metrics file (unit tests, fuzzers) the path is no route. */
START_TEST(metrics_route_needs_file)
{
	struct metrics	*m = svc.metrics;

	svc.metrics = NULL;
	request("GET", "/metrics", NULL, NULL);
	expect(404, "NOT_FOUND", "The specified resource is not found.");
	svc.metrics = m;
}
END_TEST

/* Each answer under its labels; each refused token under its reason. */
START_TEST(metrics_counted)
{
	char	*tok;

	request("POST", V0 "/verify", good, PLAIN);
	expect(200, NULL, "{\"devicePhoneNumberVerified\":true}");
	request("GET", V2 "/device-phone-number", good, NULL);
	handle();
	request("POST", V0 "/verify", NULL, PLAIN);
	handle();
	ck_assert_int_eq(out.reason, AUTH_REASON_MISSING);
	request("POST", V0 "/verify", NULL, PLAIN);
	req.var[RV_AUTHORIZATION] = "Basic dXNlcjpwYXNz";
	handle();
	ck_assert_int_eq(out.reason, AUTH_REASON_MALFORMED);
	request("POST", V0 "/verify", good, PLAIN);
	service_handle(&svc, &req, UNIT_NOW + 3600, &resp, &out);
	ck_assert_int_eq(out.reason, AUTH_REASON_EXPIRED);
	tok = unit_sign(sk, "{\"alg\":\"EdDSA\",\"kid\":\"nope\"}", "{}");
	request("POST", V0 "/verify", tok, PLAIN);
	handle();
	ck_assert_int_eq(out.reason, AUTH_REASON_UNKNOWN_KEY);
	free(tok);
	tok = token(",\"scope\":\"number-verification:verify\"");
	request("GET", V2 "/device-phone-number", tok, NULL);
	handle();
	ck_assert_int_eq(out.reason, AUTH_REASON_SCOPE);
	free(tok);
	tok = token(",\"scope\":\"number-verification:verify\","
	    "\"amr\":[\"pwd\"]");
	request("POST", V1 "/verify", tok, PLAIN);
	handle();
	ck_assert_int_eq(out.reason, AUTH_REASON_NETWORK_AUTH);
	free(tok);
	tok = token(",\"scope\":\"number-verification:verify\","
	    "\"amr\":[\"mnba\"],\"phone_number\":\"600000000\"");
	request("POST", V2 "/verify", tok, PLAIN);
	handle();
	ck_assert_int_eq(out.reason, AUTH_REASON_PHONE_NUMBER);
	free(tok);
	request("GET", V0 "/verify", good, NULL);
	handle();
	ck_assert_int_eq(out.reason, AUTH_REASON_NONE);

	has_line("nv_requests_total{version=\"v0\",operation=\"verify\","
	    "status=\"401\",code=\"UNAUTHENTICATED\"} 4");
	has_line("nv_requests_total{version=\"v0\",operation=\"verify\","
	    "status=\"405\",code=\"METHOD_NOT_ALLOWED\"} 1");
	has_line("nv_requests_total{version=\"v0\",operation=\"verify\","
	    "status=\"200\",code=\"OK\"} 1");
	has_line("nv_requests_total{version=\"v2\",operation="
	    "\"device_phone_number\",status=\"200\",code=\"OK\"} 1");
	/* 2.1.0's scope and number 403s are one PERMISSION_DENIED series. */
	has_line("nv_requests_total{version=\"v2\",operation="
	    "\"device_phone_number\",status=\"403\",code="
	    "\"PERMISSION_DENIED\"} 1");
	has_line("nv_requests_total{version=\"v2\",operation=\"verify\","
	    "status=\"403\",code=\"PERMISSION_DENIED\"} 1");
	has_line("nv_requests_total{version=\"v1\",operation=\"verify\","
	    "status=\"403\",code=\"NUMBER_VERIFICATION.USER_NOT_"
	    "AUTHENTICATED_BY_MOBILE_NETWORK\"} 1");
	has_line("nv_token_rejections_total{reason=\"missing\"} 1");
	has_line("nv_token_rejections_total{reason=\"malformed\"} 1");
	has_line("nv_token_rejections_total{reason=\"expired\"} 1");
	has_line("nv_token_rejections_total{reason=\"unknown_key\"} 1");
	has_line("nv_token_rejections_total{reason=\"scope\"} 1");
	has_line("nv_token_rejections_total{reason=\"network_auth\"} 1");
	has_line("nv_token_rejections_total{reason=\"phone_number\"} 1");
	has_line("nv_token_rejections_total{reason=\"bad_signature\"} 0");
	has_line("nv_request_duration_seconds_count{operation=\"verify\"} 8");
	has_line("nv_request_duration_seconds_count{operation="
	    "\"device_phone_number\"} 2");
	has_line("nv_request_duration_seconds_count{operation=\"other\"} 0");
}
END_TEST

/*
 * The Redis store on url (redis_timeout 200 ms, a key secret in mdir),
 * counted in the pool's metrics.
 */
static void
redis_store(const char *url)
{
	char	 err[512];

	ck_assert_ptr_nonnull(cfg.redis_key_secret_file = unit_write(mdir,
	    "secret", "0123456789abcdef0123456789abcdef"));
	ck_assert_int_eq(chmod(cfg.redis_key_secret_file, 0600), 0);
	ck_assert_ptr_nonnull(cfg.redis_url = strdup(url));
	ck_assert_ptr_nonnull(cfg.redis_key_prefix = strdup("nv:used:"));
	cfg.redis_timeout = 200;
	cfg.single_use = 1;
	cfg.single_use_store = CONFIG_STORE_REDIS;
	if (store_open(&svc.auth.store, &cfg, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)) == -1)
		ck_abort_msg("store_open: %s", err);
	store_set_metrics(svc.auth.store, svc.metrics);
}

/*
 * Redis that does not answer: the 503 under its labels, the reason
 * store_unavailable, one Redis error; no file store gauges.
 */
START_TEST(metrics_redis_errors)
{
	char	 url[600];

	snprintf(url, sizeof(url), "unix:%s/no-redis.sock", mdir);
	redis_store(url);
	request("POST", V0 "/verify", good, PLAIN);
	expect(503, "UNAVAILABLE", "Service unavailable");
	ck_assert_int_eq(out.reason, AUTH_REASON_STORE_UNAVAILABLE);
	has_line("nv_requests_total{version=\"v0\",operation=\"verify\","
	    "status=\"503\",code=\"UNAVAILABLE\"} 1");
	has_line("nv_token_rejections_total{reason=\"store_unavailable\"} 1");
	has_line("nv_redis_errors_total 1");
	/* No connection: no command sent, none timed. */
	has_line("nv_redis_commands_total 0");
	has_line("nv_redis_duration_seconds_count 0");
	ck_assert_ptr_null(strstr(scrape(), "nv_single_use_entries"));
	store_close(svc.auth.store);
	svc.auth.store = NULL;
}
END_TEST

/*
 * Redis that takes the connection and never answers (a socket that
 * listens, nothing accepting): the SET is sent, counted and timed,
 * its wait of redis_timeout (200 ms) in the buckets over 0.1 s.
 */
START_TEST(metrics_redis_silent)
{
	struct sockaddr_un	 sun;
	char			 url[600];
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_int_lt(snprintf(sun.sun_path, sizeof(sun.sun_path),
	    "%s/silent.sock", mdir), (int)sizeof(sun.sun_path));
	ck_assert_int_ge(fd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	snprintf(url, sizeof(url), "unix:%s", sun.sun_path);
	redis_store(url);
	request("POST", V0 "/verify", good, PLAIN);
	expect(503, "UNAVAILABLE", "Service unavailable");
	has_line("nv_redis_errors_total 1");
	has_line("nv_redis_commands_total 1");
	has_line("nv_redis_duration_seconds_bucket{le=\"0.1\"} 0");
	has_line("nv_redis_duration_seconds_bucket{le=\"+Inf\"} 1");
	has_line("nv_redis_duration_seconds_count 1");
	/* Not the introspection's: no endpoint here. */
	has_line("nv_introspection_requests_total 0");
	store_close(svc.auth.store);
	svc.auth.store = NULL;
	close(fd);
}
END_TEST

static Suite *
service_suite(void)
{
	Suite	*s = suite_create("service");
	TCase	*tc = tcase_create("pipeline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, not_found_first);
	tcase_add_test(tc, method_not_allowed);
	tcase_add_test(tc, head_as_get);
	tcase_add_test(tc, correlator);
	tcase_add_test(tc, correlator_repeated);
	tcase_add_test(tc, not_acceptable_before_token);
	tcase_add_test(tc, unauthenticated);
	tcase_add_test(tc, expired);
	tcase_add_test(tc, forbidden);
	tcase_add_test(tc, unsupported_media_type);
	tcase_add_test(tc, bad_bodies);
	tcase_add_test(tc, answers);
	suite_add_tcase(s, tc);
	tc = tcase_create("metrics");
	tcase_add_checked_fixture(tc, metrics_setup, metrics_teardown);
	tcase_add_test(tc, metrics_route);
	tcase_add_test(tc, metrics_route_needs_file);
	tcase_add_test(tc, metrics_counted);
	tcase_add_test(tc, metrics_redis_errors);
	tcase_add_test(tc, metrics_redis_silent);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(service_suite());
}
