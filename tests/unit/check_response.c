/*
 * Answers (response.c): the exact bytes of a serialized 200, 401, 405
 * and 400, error bodies built from the table, escaping, and buffers
 * too small.
 */
#include <stdio.h>
#include <string.h>

#include "response.h"
#include "unit.h"

static struct response	 r;
static char		 out[RESPONSE_MAX];

static const char *
serialize(void)
{
	size_t	 n = response_serialize(&r, out, sizeof(out));

	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(n, strlen(out));
	return out;
}

START_TEST(ok_200)
{
	response_init(&r);
	ck_assert_int_eq(r.status, 500);
	response_json(&r, "{\"devicePhoneNumberVerified\":%s}", "true");
	ck_assert_str_eq(serialize(),
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Length: 34\r\n"
	    "\r\n"
	    "{\"devicePhoneNumberVerified\":true}");
}
END_TEST

START_TEST(ok_200_correlator)
{
	response_init(&r);
	r.correlator = "b4333c46-49c0-4f62-80d7-f0ef930f1c46";
	response_json(&r, "{\"devicePhoneNumber\":\"%s\"}", "+34600000000");
	ck_assert_str_eq(serialize(),
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "x-correlator: b4333c46-49c0-4f62-80d7-f0ef930f1c46\r\n"
	    "Content-Length: 36\r\n"
	    "\r\n"
	    "{\"devicePhoneNumber\":\"+34600000000\"}");
}
END_TEST

/* A fixed body; an empty correlator is still echoed, as sent. */
START_TEST(ok_literal)
{
	response_init(&r);
	r.correlator = "";
	response_ok(&r, "{\"devicePhoneNumberVerified\":false}");
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.is_error, 0);
	ck_assert_str_eq(serialize(),
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "x-correlator: \r\n"
	    "Content-Length: 35\r\n"
	    "\r\n"
	    "{\"devicePhoneNumberVerified\":false}");
}
END_TEST

START_TEST(unauthenticated_401)
{
	response_init(&r);
	r.correlator = "abc-123";
	strcpy(r.www_authenticate, "Bearer error=\"invalid_token\"");
	response_error(&r, API_V2, NVE_UNAUTHENTICATED, NULL);
	ck_assert_int_eq(r.status, 401);
	ck_assert_int_eq(r.is_error, 1);
	ck_assert_str_eq(r.code, "UNAUTHENTICATED");
	ck_assert_str_eq(serialize(),
	    "Status: 401 Unauthorized\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "WWW-Authenticate: Bearer error=\"invalid_token\"\r\n"
	    "x-correlator: abc-123\r\n"
	    "Content-Length: 160\r\n"
	    "\r\n"
	    "{\"status\":401,\"code\":\"UNAUTHENTICATED\",\"message\":"
	    "\"Request not authenticated due to missing, invalid, or expired "
	    "credentials. A new authentication is required.\"}");
}
END_TEST

START_TEST(unauthenticated_401_v0)
{
	response_init(&r);
	strcpy(r.www_authenticate, "Bearer");
	response_error(&r, API_V0, NVE_UNAUTHENTICATED, NULL);
	ck_assert_str_eq(serialize(),
	    "Status: 401 Unauthorized\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "WWW-Authenticate: Bearer\r\n"
	    "Content-Length: 125\r\n"
	    "\r\n"
	    "{\"status\":401,\"code\":\"UNAUTHENTICATED\",\"message\":"
	    "\"Request not authenticated due to missing, invalid, or expired "
	    "credentials\"}");
}
END_TEST

START_TEST(method_405)
{
	response_init(&r);
	r.allow = "POST";
	response_error(&r, API_V1, NVE_METHOD_NOT_ALLOWED, NULL);
	ck_assert_str_eq(serialize(),
	    "Status: 405 Method Not Allowed\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "Allow: POST\r\n"
	    "Content-Length: 124\r\n"
	    "\r\n"
	    "{\"status\":405,\"code\":\"METHOD_NOT_ALLOWED\",\"message\":"
	    "\"The requested method is not allowed/supported on the target "
	    "resource.\"}");
}
END_TEST

START_TEST(invalid_argument_400)
{
	const char	*body;

	response_init(&r);
	response_error(&r, API_V2, NVE_INVALID_ARGUMENT,
	    "phoneNumber must match ^\\+[1-9][0-9]{4,14}$");
	ck_assert_int_eq(r.status, 400);
	body = "{\"status\":400,\"code\":\"INVALID_ARGUMENT\",\"message\":"
	    "\"phoneNumber must match ^\\\\+[1-9][0-9]{4,14}$\"}";
	ck_assert_str_eq(r.body, body);
	ck_assert_uint_eq(r.body_len, strlen(body));
	/* A message cannot break out of its JSON string. */
	response_init(&r);
	response_error(&r, API_V0, NVE_INVALID_ARGUMENT,
	    "a \"quoted\"\nline / </script>");
	ck_assert_str_eq(r.body, "{\"status\":400,\"code\":\"INVALID_ARGUMENT\","
	    "\"message\":\"a \\\"quoted\\\"\\nline / </script>\"}");
}
END_TEST

START_TEST(every_error_body)
{
	char	 want[RESPONSE_BODY_MAX];
	int	 v, e;

	for (v = 0; v < API__MAX; v++)
		for (e = 0; e < NVE__MAX; e++) {
			const struct error_info *i = errors_get(
			    (enum api_version)v, (enum nv_error)e);

			response_init(&r);
			response_error(&r, (enum api_version)v,
			    (enum nv_error)e, NULL);
			snprintf(want, sizeof(want), "{\"status\":%d,\"code\":"
			    "\"%s\",\"message\":\"%s\"}", i->status, i->code,
			    i->message);
			ck_assert_str_eq(r.body, want);
			ck_assert_int_eq(r.status, i->status);
		}
}
END_TEST

START_TEST(too_small)
{
	size_t	 n;

	response_init(&r);
	response_json(&r, "{\"devicePhoneNumberVerified\":false}");
	ck_assert_uint_eq(response_serialize(&r, out, 40), 0);
	ck_assert_uint_gt(n = response_serialize(&r, out, sizeof(out)), 0);
	/* Exactly the bytes and the NUL fit; one less does not. */
	ck_assert_uint_eq(response_serialize(&r, out, n), 0);
	ck_assert_uint_eq(response_serialize(&r, out, n + 1), n);
}
END_TEST

START_TEST(json_truncated)
{
	char	 big[RESPONSE_BODY_MAX * 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	response_init(&r);
	response_json(&r, "%s", big);
	ck_assert_uint_eq(r.body_len, RESPONSE_BODY_MAX - 1);
	ck_assert_uint_eq(strlen(r.body), RESPONSE_BODY_MAX - 1);
}
END_TEST

static Suite *
response_suite(void)
{
	Suite	*s = suite_create("response");
	TCase	*tc = tcase_create("serialize");

	tcase_add_test(tc, ok_200);
	tcase_add_test(tc, ok_200_correlator);
	tcase_add_test(tc, ok_literal);
	tcase_add_test(tc, unauthenticated_401);
	tcase_add_test(tc, unauthenticated_401_v0);
	tcase_add_test(tc, method_405);
	tcase_add_test(tc, invalid_argument_400);
	tcase_add_test(tc, every_error_body);
	tcase_add_test(tc, too_small);
	tcase_add_test(tc, json_truncated);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(response_suite());
}
