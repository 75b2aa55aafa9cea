/*
 * Request headers (headers.c): Authorization Bearer parsing, Accept,
 * Content-Type, and the x-correlator pattern and echo safety.
 */
#include <string.h>

#include "headers.h"
#include "unit.h"

static enum bearer_err
bearer(const char *v, const char *want)
{
	const char	*tok;
	size_t		 len;
	enum bearer_err	 e = headers_bearer(v, &tok, &len);

	if (e == BEARER_OK) {
		ck_assert_ptr_nonnull(want);
		ck_assert_uint_eq(len, strlen(want));
		ck_assert_mem_eq(tok, want, len);
	} else {
		ck_assert_ptr_null(tok);
		ck_assert_uint_eq(len, 0);
	}
	return e;
}

START_TEST(bearer_ok)
{
	ck_assert_int_eq(bearer("Bearer a.b.c", "a.b.c"), BEARER_OK);
	ck_assert_int_eq(bearer("bearer a.b.c", "a.b.c"), BEARER_OK);
	ck_assert_int_eq(bearer("BEARER a.b.c", "a.b.c"), BEARER_OK);
	ck_assert_int_eq(bearer("BeArEr a.b.c", "a.b.c"), BEARER_OK);
	ck_assert_int_eq(bearer("Bearer    a.b.c", "a.b.c"), BEARER_OK);
	ck_assert_int_eq(bearer("Bearer\ta.b.c", "a.b.c"), BEARER_OK);
	ck_assert_int_eq(bearer("Bearer a.b.c  ", "a.b.c"), BEARER_OK);
	ck_assert_int_eq(bearer("Bearer eyJ-_09.AZaz.x_-", "eyJ-_09.AZaz.x_-"),
	    BEARER_OK);
}
END_TEST

START_TEST(bearer_missing)
{
	ck_assert_int_eq(bearer(NULL, NULL), BEARER_MISSING);
}
END_TEST

START_TEST(bearer_malformed)
{
	static const char *const bad[] = {
		"", "Bearer", "Bearer ", "Bearer    ", "Bearera.b.c",
		"Basic dXNlcjpwYXNz", "Token a.b.c", "Bearer: a.b.c",
		" Bearer a.b.c", "Bear a.b.c", "Bearer a.b.c d",
		"Bearer a.b.c,", "Bearer a+b.c", "Bearer a/b.c",
		"Bearer a.b.c=", "Bearer a.b.c\r\n", "Bearer a.b.c\n",
		"Bearer \"a.b.c\"", "Bearer a.b\x01.c", "Bearer a.b.c\xc3\xa9",
		"Bearer Bearer a.b.c",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(bearer(bad[i], NULL) == BEARER_MALFORMED,
		    "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(accept)
{
	ck_assert(headers_accepts_json(NULL));
	ck_assert(headers_accepts_json(""));
	ck_assert(headers_accepts_json(" "));
	ck_assert(headers_accepts_json("application/json"));
	ck_assert(headers_accepts_json("Application/JSON"));
	ck_assert(headers_accepts_json("*/*"));
	ck_assert(headers_accepts_json("application/*"));
	ck_assert(headers_accepts_json("application/json; charset=utf-8"));
	ck_assert(headers_accepts_json("application/json;q=0.5"));
	ck_assert(headers_accepts_json("application/json; q=1"));
	ck_assert(headers_accepts_json("text/html, application/json"));
	ck_assert(headers_accepts_json("text/html,application/json;q=0.1"));
	ck_assert(headers_accepts_json("text/html;q=0.9, */*;q=0.1"));
	ck_assert(headers_accepts_json("application/xml, application/*"));
	ck_assert(headers_accepts_json("application/json;q=0, */*"));

	ck_assert(!headers_accepts_json("text/html"));
	ck_assert(!headers_accepts_json("application/xml"));
	ck_assert(!headers_accepts_json("text/*"));
	ck_assert(!headers_accepts_json("application/json;q=0"));
	ck_assert(!headers_accepts_json("application/json; q=0.0"));
	ck_assert(!headers_accepts_json("*/*;q=0"));
	ck_assert(!headers_accepts_json("application/*;q=0"));
	ck_assert(!headers_accepts_json("text/html, application/xml"));
	ck_assert(!headers_accepts_json("application/jsonx"));
	ck_assert(!headers_accepts_json("application/json-patch+json"));
	ck_assert(!headers_accepts_json("text/html, application/json;q=0"));
}
END_TEST

START_TEST(content_type)
{
	ck_assert(headers_is_json("application/json"));
	ck_assert(headers_is_json("APPLICATION/JSON"));
	ck_assert(headers_is_json("application/json; charset=utf-8"));
	ck_assert(headers_is_json("application/json;charset=UTF-8"));
	ck_assert(headers_is_json("application/json ; charset=utf-8"));
	ck_assert(headers_is_json(" application/json"));

	ck_assert(!headers_is_json(NULL));
	ck_assert(!headers_is_json(""));
	ck_assert(!headers_is_json("text/plain"));
	ck_assert(!headers_is_json("application/x-www-form-urlencoded"));
	ck_assert(!headers_is_json("application/jsonx"));
	ck_assert(!headers_is_json("application/json-seq"));
	ck_assert(!headers_is_json("application/*"));
	ck_assert(!headers_is_json("*/*"));
	ck_assert(!headers_is_json("application/json, text/plain"));
	ck_assert(!headers_is_json("application/json x"));
}
END_TEST

START_TEST(correlator_pattern)
{
	char	 buf[300];

	ck_assert(headers_correlator_valid(""));
	ck_assert(headers_correlator_valid("b4333c46-49c0-4f62-80d7-f0ef930f1c46"));
	ck_assert(headers_correlator_valid("azAZ09-_:;./<>{}"));
	memset(buf, 'a', 256);
	buf[256] = '\0';
	ck_assert(headers_correlator_valid(buf));
	buf[256] = 'a';
	buf[257] = '\0';
	ck_assert(!headers_correlator_valid(buf));
	memset(buf, '-', 299);
	buf[299] = '\0';
	ck_assert(!headers_correlator_valid(buf));

	static const char *const bad[] = {
		"a b", "a\tb", "a\r\nSet-Cookie: x", "a\n", "a\r", "a,b",
		"a\"b", "a'b", "a\\b", "a=b", "a?b", "a#b", "a%0d", "a+b",
		"a@b", "a[b]", "a(b)", "a|b", "a!b", "a*b", "a~b", "a`b",
		"a^b", "a&b", "a$b", "\xc3\xa9", "\x7f",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!headers_correlator_valid(bad[i]),
		    "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(correlator_safe)
{
	char	 buf[300];

	ck_assert(headers_correlator_safe("any printable: \"x\" (y) ~!"));
	ck_assert(headers_correlator_safe(""));
	ck_assert(!headers_correlator_safe("a\r\nSet-Cookie: x=1"));
	ck_assert(!headers_correlator_safe("a\n"));
	ck_assert(!headers_correlator_safe("a\r"));
	ck_assert(!headers_correlator_safe("a\tb"));
	ck_assert(!headers_correlator_safe("\x7f"));
	ck_assert(!headers_correlator_safe("\xc3\xa9"));
	memset(buf, 'x', 256);
	buf[256] = '\0';
	ck_assert(headers_correlator_safe(buf));
	buf[256] = 'x';
	buf[257] = '\0';
	ck_assert(!headers_correlator_safe(buf));
}
END_TEST

static Suite *
headers_suite(void)
{
	Suite	*s = suite_create("headers");
	TCase	*tc = tcase_create("headers");

	tcase_add_test(tc, bearer_ok);
	tcase_add_test(tc, bearer_missing);
	tcase_add_test(tc, bearer_malformed);
	tcase_add_test(tc, accept);
	tcase_add_test(tc, content_type);
	tcase_add_test(tc, correlator_pattern);
	tcase_add_test(tc, correlator_safe);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(headers_suite());
}
