/*
 * POST /verify body validation (verify_parse) with its exact 400
 * messages, and the answers of both handlers (verify_answer,
 * share_answer).
 */
#include <string.h>

#include "handlers.h"
#include "unit.h"

#define M_EMPTY		"request body is empty"
#define M_NUL		"request body contains a NUL byte"
#define M_SYNTAX	"request body is not valid JSON"
#define M_DEPTH		"request body is nested too deeply"
#define M_TRAILING	"request body has bytes after the JSON object"
#define M_NOT_OBJECT	"request body is not a JSON object"
#define M_DUPLICATE	"request body has a duplicated member"
#define M_UNKNOWN	"request body has an unknown member: only " \
			"phoneNumber or hashedPhoneNumber is allowed"
#define M_NEITHER	"request body must contain phoneNumber or " \
			"hashedPhoneNumber"
#define M_BOTH		"request body must contain only one of " \
			"phoneNumber and hashedPhoneNumber"
#define M_PLAIN_TYPE	"phoneNumber must be a string"
#define M_HASH_TYPE	"hashedPhoneNumber must be a string"
#define M_PLAIN_PAT	"phoneNumber must match ^\\+[1-9][0-9]{4,14}$"
#define M_HASH_PAT	"hashedPhoneNumber must match ^[a-fA-F0-9]{64}$"

#define HASH	"32f67ab4e4312618b09cd23ed8ce41b13e095fe52b73b2e8da8ef49830e50dba"

static struct verify_body	 vb;

static const char *
parse_len(const char *body, size_t len)
{
	return verify_parse(body, len, &vb);
}

/* The message for body, "" when it is accepted. */
static const char *
parse(const char *body)
{
	const char	*m = parse_len(body, strlen(body));

	return m == NULL ? "" : m;
}

START_TEST(accepted)
{
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\"}"), "");
	ck_assert_int_eq(vb.kind, VERIFY_PLAIN);
	ck_assert_str_eq(vb.value, "+34600000000");
	ck_assert_uint_eq(vb.len, 12);
	ck_assert_str_eq(parse(" {\n \"hashedPhoneNumber\" : \"" HASH "\" }\n"),
	    "");
	ck_assert_int_eq(vb.kind, VERIFY_HASHED);
	ck_assert_str_eq(vb.value, HASH);
	ck_assert_uint_eq(vb.len, 64);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":"
	    "\"32F67AB4E4312618B09CD23ED8CE41B13E095FE52B73B2E8DA8EF49830E50DBA\"}"),
	    "");
	ck_assert_int_eq(vb.kind, VERIFY_HASHED);
	/* An escaped '+' is still the same string. */
	ck_assert_str_eq(parse("{\"phoneNumber\":\"\\u002b34600000000\"}"), "");
	ck_assert_str_eq(vb.value, "+34600000000");
}
END_TEST

START_TEST(empty)
{
	ck_assert_str_eq(parse(""), M_EMPTY);
	ck_assert_str_eq(parse(" "), M_EMPTY);
	ck_assert_str_eq(parse("\r\n\t \n"), M_EMPTY);
}
END_TEST

START_TEST(not_json)
{
	ck_assert_str_eq(parse("phoneNumber=+34600000000"), M_SYNTAX);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\""), M_SYNTAX);
	ck_assert_str_eq(parse("{phoneNumber:\"+34600000000\"}"), M_SYNTAX);
	ck_assert_str_eq(parse("{'phoneNumber':\"+34600000000\"}"), M_SYNTAX);
	ck_assert_str_eq(parse("{\"phoneNumber\":'+34600000000'}"), M_SYNTAX);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\",}"),
	    M_SYNTAX);
}
END_TEST

START_TEST(not_object)
{
	ck_assert_str_eq(parse("[\"+34600000000\"]"), M_NOT_OBJECT);
	ck_assert_str_eq(parse("[]"), M_NOT_OBJECT);
	ck_assert_str_eq(parse("\"+34600000000\""), M_NOT_OBJECT);
	ck_assert_str_eq(parse("34600000000"), M_NOT_OBJECT);
	ck_assert_str_eq(parse("null"), M_NOT_OBJECT);
	ck_assert_str_eq(parse("true"), M_NOT_OBJECT);
}
END_TEST

START_TEST(members)
{
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\","
	    "\"hashedPhoneNumber\":\"" HASH "\"}"), M_BOTH);
	ck_assert_str_eq(parse("{}"), M_NEITHER);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\","
	    "\"extra\":1}"), M_UNKNOWN);
	ck_assert_str_eq(parse("{\"phonenumber\":\"+34600000000\"}"),
	    M_UNKNOWN);
	ck_assert_str_eq(parse("{\"phoneNumber \":\"+34600000000\"}"),
	    M_UNKNOWN);
	ck_assert_str_eq(parse("{\"\":\"+34600000000\"}"), M_UNKNOWN);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\","
	    "\"phoneNumber\":\"+34600000001\"}"), M_DUPLICATE);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":\"" HASH "\","
	    "\"hashedPhoneNumber\":\"" HASH "\"}"), M_DUPLICATE);
}
END_TEST

START_TEST(value_types)
{
	ck_assert_str_eq(parse("{\"phoneNumber\":34600000000}"), M_PLAIN_TYPE);
	ck_assert_str_eq(parse("{\"phoneNumber\":null}"), M_PLAIN_TYPE);
	ck_assert_str_eq(parse("{\"phoneNumber\":{\"n\":\"+34600000000\"}}"),
	    M_PLAIN_TYPE);
	ck_assert_str_eq(parse("{\"phoneNumber\":[\"+34600000000\"]}"),
	    M_PLAIN_TYPE);
	ck_assert_str_eq(parse("{\"phoneNumber\":true}"), M_PLAIN_TYPE);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":1}"), M_HASH_TYPE);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":null}"), M_HASH_TYPE);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":{}}"), M_HASH_TYPE);
}
END_TEST

START_TEST(nul)
{
	static const char raw[] = "{\"phoneNumber\":\"+34600000000\"}\0";

	ck_assert_str_eq(parse_len(raw, sizeof(raw) - 1), M_NUL);
	ck_assert_str_eq(parse_len("{\"phoneNumber\":\"+346\0000000000\"}",
	    30), M_NUL);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\\u0000\"}"),
	    M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+346\\u00000000000\"}"),
	    M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":\"" HASH "\\u0000\"}"),
	    M_HASH_PAT);
}
END_TEST

START_TEST(trailing)
{
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\"}x"),
	    M_TRAILING);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\"}{}"),
	    M_TRAILING);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\"} \n}"),
	    M_TRAILING);
	/* Trailing white space is fine. */
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\"}\r\n"), "");
}
END_TEST

START_TEST(bad_utf8)
{
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+346\xff\"}"), M_SYNTAX);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"\xc3\"}"), M_SYNTAX);
	ck_assert_str_eq(parse("{\"phone\xc0\xaeNumber\":\"+34600000000\"}"),
	    M_SYNTAX);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+34600000000\xed\xa0\x80\"}"),
	    M_SYNTAX);
	/* Valid UTF-8, but not the pattern. */
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+\xd9\xa3\xd9\xa4\xd9\xa5"
	    "\xd9\xa6\xd9\xa7\"}"), M_PLAIN_PAT);
}
END_TEST

START_TEST(deep)
{
	char	 buf[512];
	size_t	 n, i;

	n = (size_t)snprintf(buf, sizeof(buf), "{\"phoneNumber\":");
	for (i = 0; i < 100; i++)
		buf[n++] = '[';
	for (i = 0; i < 100; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	ck_assert_str_eq(parse_len(buf, n), M_DEPTH);
}
END_TEST

START_TEST(bad_pattern)
{
	ck_assert_str_eq(parse("{\"phoneNumber\":\"34600000000\"}"),
	    M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+1234\"}"), M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+12345\"}"), "");
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+1234567890123456\"}"),
	    M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+123456789012345\"}"), "");
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+034600000000\"}"),
	    M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"+3460000000O\"}"),
	    M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"phoneNumber\":\"\"}"), M_PLAIN_PAT);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":\"" HASH "0\"}"),
	    M_HASH_PAT);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":\"+34600000000\"}"),
	    M_HASH_PAT);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":\"g2f67ab4e4312618b09c"
	    "d23ed8ce41b13e095fe52b73b2e8da8ef49830e50dba\"}"), M_HASH_PAT);
	ck_assert_str_eq(parse("{\"hashedPhoneNumber\":\"\"}"), M_HASH_PAT);
}
END_TEST

START_TEST(answers)
{
	struct claims	 c;
	struct response	 r;

	memset(&c, 0, sizeof(c));
	strcpy(c.phone, "+34600000000");
	c.phone_ok = true;
#define ANSWER(in, want) do {						\
	ck_assert_str_eq(parse(in), "");				\
	response_init(&r);						\
	verify_answer(&c, &vb, &r);					\
	ck_assert_int_eq(r.status, 200);				\
	ck_assert_int_eq(r.is_error, 0);				\
	ck_assert_str_eq(r.body, want);					\
	ck_assert_uint_eq(r.body_len, strlen(want));			\
} while (0)
	ANSWER("{\"phoneNumber\":\"+34600000000\"}",
	    "{\"devicePhoneNumberVerified\":true}");
	ANSWER("{\"phoneNumber\":\"+34600000001\"}",
	    "{\"devicePhoneNumberVerified\":false}");
	ANSWER("{\"hashedPhoneNumber\":\"" HASH "\"}",
	    "{\"devicePhoneNumberVerified\":true}");
	ANSWER("{\"hashedPhoneNumber\":\"32F67AB4E4312618B09CD23ED8CE41B13E095"
	    "FE52B73B2E8DA8EF49830E50DBA\"}",
	    "{\"devicePhoneNumberVerified\":true}");
	ANSWER("{\"hashedPhoneNumber\":\"eb491b384e4fda4281634daa211e6e54a4cf7"
	    "f82baa33a9f35980329e4ad95f3\"}",
	    "{\"devicePhoneNumberVerified\":false}");
#undef ANSWER
	response_init(&r);
	share_answer(&c, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"devicePhoneNumber\":\"+34600000000\"}");
	ck_assert_uint_eq(r.body_len, strlen(r.body));
}
END_TEST

static Suite *
verify_suite(void)
{
	Suite	*s = suite_create("verify");
	TCase	*tc = tcase_create("body");

	tcase_add_test(tc, accepted);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, not_json);
	tcase_add_test(tc, not_object);
	tcase_add_test(tc, members);
	tcase_add_test(tc, value_types);
	tcase_add_test(tc, nul);
	tcase_add_test(tc, trailing);
	tcase_add_test(tc, bad_utf8);
	tcase_add_test(tc, deep);
	tcase_add_test(tc, bad_pattern);
	tcase_add_test(tc, answers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(verify_suite());
}
