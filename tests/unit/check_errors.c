/*
 * The CAMARA error table (errors.c): complete for every version, the
 * status each error carries, the per-version differences (trailing
 * periods, INVALID_TOKEN_CONTEXT), reason phrases.  The strings
 * themselves are checked against the spec's YAML by errors-yaml.test.
 */
#include <string.h>

#include "errors.h"
#include "unit.h"

static const int statuses[NVE__MAX] = {
	[NVE_INVALID_ARGUMENT] = 400,
	[NVE_UNAUTHENTICATED] = 401,
	[NVE_PERMISSION_DENIED] = 403,
	[NVE_NOT_MOBILE_NETWORK] = 403,
	[NVE_INVALID_TOKEN_CONTEXT] = 403,
	[NVE_NOT_FOUND] = 404,
	[NVE_METHOD_NOT_ALLOWED] = 405,
	[NVE_NOT_ACCEPTABLE] = 406,
	[NVE_UNSUPPORTED_MEDIA_TYPE] = 415,
	[NVE_INTERNAL] = 500,
	[NVE_UNAVAILABLE] = 503,
};

START_TEST(table_complete)
{
	const struct error_info	*e;
	int			 v, i;

	for (v = 0; v < API__MAX; v++)
		for (i = 0; i < NVE__MAX; i++) {
			e = errors_get((enum api_version)v, (enum nv_error)i);
			ck_assert_ptr_nonnull(e);
			ck_assert_int_eq(e->status, statuses[i]);
			ck_assert_ptr_nonnull(e->code);
			ck_assert_ptr_nonnull(e->message);
			ck_assert_uint_gt(strlen(e->code), 0);
			ck_assert_uint_gt(strlen(e->message), 0);
			/* Codes are SCREAMING_SNAKE_CASE with an optional
			 * API prefix. */
			ck_assert_uint_eq(strspn(e->code,
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_."), strlen(e->code));
			/* Messages go into JSON and a log line as they are. */
			ck_assert_ptr_null(strpbrk(e->message, "\"\\\t\r\n"));
		}
}
END_TEST

START_TEST(codes_per_version)
{
	ck_assert_str_eq(errors_get(API_V0, NVE_INVALID_TOKEN_CONTEXT)->code,
	    "NUMBER_VERIFICATION.INVALID_TOKEN_CONTEXT");
	ck_assert_str_eq(errors_get(API_V1, NVE_INVALID_TOKEN_CONTEXT)->code,
	    "INVALID_TOKEN_CONTEXT");
	/* 2.1.0 has no INVALID_TOKEN_CONTEXT: its PERMISSION_DENIED. */
	ck_assert_str_eq(errors_get(API_V2, NVE_INVALID_TOKEN_CONTEXT)->code,
	    "PERMISSION_DENIED");
	ck_assert_str_eq(errors_get(API_V2, NVE_INVALID_TOKEN_CONTEXT)->message,
	    errors_get(API_V2, NVE_PERMISSION_DENIED)->message);
	ck_assert_str_eq(errors_get(API_V2, NVE_NOT_MOBILE_NETWORK)->code,
	    "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK");
	ck_assert_str_eq(errors_get(API_V0, NVE_UNAUTHENTICATED)->code,
	    "UNAUTHENTICATED");
	ck_assert_str_eq(errors_get(API_V1, NVE_NOT_FOUND)->code, "NOT_FOUND");
}
END_TEST

START_TEST(messages_per_version)
{
	/* 0.4.0-wip has no trailing periods; later versions do. */
	ck_assert_str_eq(errors_get(API_V0, NVE_UNAUTHENTICATED)->message,
	    "Request not authenticated due to missing, invalid, or expired "
	    "credentials");
	ck_assert_str_eq(errors_get(API_V1, NVE_UNAUTHENTICATED)->message,
	    "Request not authenticated due to missing, invalid, or expired "
	    "credentials.");
	ck_assert_str_eq(errors_get(API_V2, NVE_UNAUTHENTICATED)->message,
	    "Request not authenticated due to missing, invalid, or expired "
	    "credentials. A new authentication is required.");
	ck_assert_str_eq(errors_get(API_V0, NVE_PERMISSION_DENIED)->message,
	    "Client does not have sufficient permissions to perform this "
	    "action");
	ck_assert_str_eq(errors_get(API_V2, NVE_PERMISSION_DENIED)->message,
	    "Client does not have sufficient permissions to perform this "
	    "action.");
}
END_TEST

START_TEST(out_of_range)
{
	const struct error_info	*e;

	e = errors_get(API__MAX, NVE_NOT_FOUND);
	ck_assert_int_eq(e->status, 500);
	ck_assert_str_eq(e->code, "INTERNAL");
	e = errors_get(API_V1, NVE__MAX);
	ck_assert_int_eq(e->status, 500);
	e = errors_get((enum api_version)-1, NVE_NOT_FOUND);
	ck_assert_int_eq(e->status, 500);
}
END_TEST

START_TEST(version_names)
{
	ck_assert_str_eq(errors_version_name(API_V0), "v0");
	ck_assert_str_eq(errors_version_name(API_V1), "v1");
	ck_assert_str_eq(errors_version_name(API_V2), "v2");
	ck_assert_str_eq(errors_version_name(API__MAX), "?");
}
END_TEST

START_TEST(reasons)
{
	int	 i;

	ck_assert_str_eq(errors_reason(200), "OK");
	ck_assert_str_eq(errors_reason(400), "Bad Request");
	ck_assert_str_eq(errors_reason(401), "Unauthorized");
	ck_assert_str_eq(errors_reason(403), "Forbidden");
	ck_assert_str_eq(errors_reason(404), "Not Found");
	ck_assert_str_eq(errors_reason(405), "Method Not Allowed");
	ck_assert_str_eq(errors_reason(406), "Not Acceptable");
	ck_assert_str_eq(errors_reason(415), "Unsupported Media Type");
	ck_assert_str_eq(errors_reason(500), "Internal Server Error");
	ck_assert_str_eq(errors_reason(503), "Service Unavailable");
	ck_assert_str_eq(errors_reason(999), "Unknown");
	/* Every status of the table has its own phrase. */
	for (i = 0; i < NVE__MAX; i++)
		ck_assert_str_ne(errors_reason(statuses[i]), "Unknown");
}
END_TEST

static Suite *
errors_suite(void)
{
	Suite	*s = suite_create("errors");
	TCase	*tc = tcase_create("table");

	tcase_add_test(tc, table_complete);
	tcase_add_test(tc, codes_per_version);
	tcase_add_test(tc, messages_per_version);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, version_names);
	tcase_add_test(tc, reasons);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(errors_suite());
}
