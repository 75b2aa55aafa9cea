/*
 * Strict JSON object parsing (jparse.c): what json-c lets through and
 * this module must refuse: NULs, trailing bytes, duplicated members,
 * deep nesting, invalid UTF-8, values that are not objects.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jparse.h"
#include "unit.h"

static enum jparse_err
parse(const char *s, size_t len)
{
	struct json_object	*o = NULL;
	enum jparse_err		 e;

	e = jparse_object(s, len, &o);
	if (e == JPARSE_OK)
		ck_assert_ptr_nonnull(o);
	else
		ck_assert_ptr_null(o);
	json_object_put(o);
	return e;
}

#define P(s)	parse((s), strlen(s))

START_TEST(objects_accepted)
{
	ck_assert_int_eq(P("{}"), JPARSE_OK);
	ck_assert_int_eq(P(" {\"a\":1}\r\n\t "), JPARSE_OK);
	ck_assert_int_eq(P("{\"a\":1,\"b\":[1,{\"c\":2}],\"d\":{\"e\":\"f\"}}"),
	    JPARSE_OK);
	/* ':' inside strings and escaped quotes do not count as members. */
	ck_assert_int_eq(P("{\"a:b\":\"c:d\",\"e\\\"f\":\"g\\\\\"}"),
	    JPARSE_OK);
	/* The same name at another depth is not a duplicate. */
	ck_assert_int_eq(P("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), JPARSE_OK);
	ck_assert_int_eq(P("{\"\\u00e9\":\"\xc3\xa9\"}"), JPARSE_OK);
	/* The edges of valid UTF-8: U+D7FF, U+E000, U+10FFFF, U+0800. */
	ck_assert_int_eq(P("{\"a\":\"\xed\x9f\xbf\xee\x80\x80\"}"), JPARSE_OK);
	ck_assert_int_eq(P("{\"a\":\"\xf4\x8f\xbf\xbf\xe0\xa0\x80\"}"), JPARSE_OK);
}
END_TEST

START_TEST(empty)
{
	ck_assert_int_eq(parse("", 0), JPARSE_EMPTY);
	ck_assert_int_eq(P(" \t\r\n"), JPARSE_EMPTY);
}
END_TEST

START_TEST(nul)
{
	ck_assert_int_eq(parse("{\"a\":1}\0", 8), JPARSE_NUL);
	ck_assert_int_eq(parse("{\"a\0\":1}", 8), JPARSE_NUL);
	ck_assert_int_eq(parse("\0{}", 3), JPARSE_NUL);
}
END_TEST

/*
 * json-c copies member names with strdup, so a name holding "\u0000"
 * would reach every reader cut at the NUL: "phoneNumber\u0000x" read
 * as "phoneNumber".  Refused at any depth; in values it stays allowed
 * (their readers compare over the JSON length).
 */
START_TEST(nul_in_names)
{
	ck_assert_int_eq(P("{\"phoneNumber\\u0000x\":\"+34600000001\"}"),
	    JPARSE_NAME_NUL);
	ck_assert_int_eq(P("{\"alg\\u0000\":\"EdDSA\"}"), JPARSE_NAME_NUL);
	ck_assert_int_eq(P("{\"\\u0000\":1}"), JPARSE_NAME_NUL);
	ck_assert_int_eq(P("{\"a\":{\"b\\u0000\" : 1}}"), JPARSE_NAME_NUL);
	ck_assert_int_eq(P("{\"a\":[{\"x\":1},{\"\\u0000b\":2}]}"),
	    JPARSE_NAME_NUL);
	ck_assert_int_eq(P("{\"a\":\"\\u0000\",\"b\\u0000\":1}"),
	    JPARSE_NAME_NUL);
	/* In a value, or an escaped backslash before "u0000": allowed. */
	ck_assert_int_eq(P("{\"a\":\"x\\u0000\"}"), JPARSE_OK);
	ck_assert_int_eq(P("{\"a\":[\"\\u0000\"],\"b\":1}"), JPARSE_OK);
	ck_assert_int_eq(P("{\"a\\\\u0000\":1}"), JPARSE_OK);
	ck_assert_int_eq(P("{\"a\\u0001\":1}"), JPARSE_OK);
}
END_TEST

START_TEST(syntax)
{
	ck_assert_int_eq(P("nope"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":1,}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xff\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xc3\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xed\xa0\x80\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\x80\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"\xc0\x80\":1}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xc1\xbf\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xe0\x80\x80\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xf0\x80\x80\x80\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xf4\x90\x80\x80\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xf5\x80\x80\x80\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":1,\xc3\xa9}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{/*c*/\"a\":1}"), JPARSE_SYNTAX);
}
END_TEST

/*
 * Sequences of the wrong length, which json-c's own UTF-8 check (off,
 * since jparse checks every byte itself) would have caught: a lead
 * byte without enough continuation bytes, before the closing quote,
 * before ASCII or before another lead byte; a continuation byte alone
 * or one too many; a lead byte at the very end of a name.
 */
START_TEST(utf8_lengths)
{
	ck_assert_int_eq(P("{\"a\":\"\xe4\xb8\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xc3\x28\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xe2\x82x\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xf0\x9f\x98\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xf0\x9f\x98\xc3\xa9\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xc3\xa9\xa9\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"x\xbf\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"\xe4\":1}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\xe0\xa0\xc0\"}"), JPARSE_SYNTAX);
	/* Whole sequences of every length, one after the other. */
	ck_assert_int_eq(P("{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x\"}"),
	    JPARSE_OK);
	ck_assert_int_eq(P("{\"\xf0\x9f\x98\x80\":\"\xc2\x80\xdf\xbf\"}"),
	    JPARSE_OK);
}
END_TEST

/* Every printable ASCII byte (and DEL) stands for itself in a string. */
START_TEST(ascii_in_strings)
{
	char	 buf[16];
	int	 c;

	for (c = 0x20; c <= 0x7f; c++) {
		if (c == '"' || c == '\\')
			continue;
		snprintf(buf, sizeof(buf), "{\"a\":\"%c\"}", c);
		ck_assert_msg(P(buf) == JPARSE_OK, "byte 0x%02x", c);
	}
	for (c = 0x01; c < 0x20; c++) {
		snprintf(buf, sizeof(buf), "{\"a\":\"%c\"}", c);
		ck_assert_msg(P(buf) == JPARSE_SYNTAX, "byte 0x%02x", c);
	}
}
END_TEST

/* What json-c's strict mode accepts although RFC 8259 does not. */
START_TEST(syntax_json_c_leniency)
{
	ck_assert_int_eq(P("{'a':1}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":NaN}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":Infinity}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":-Infinity}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":1.}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\t\"}"), JPARSE_SYNTAX);
	ck_assert_int_eq(P("{\"a\":\"\n\"}"), JPARSE_SYNTAX);
	/* The valid spellings next to them still parse. */
	ck_assert_int_eq(P("{\"a\":1.5e-3,\"b\":-0,\"c\":1E+2}"),
	    JPARSE_OK);
	ck_assert_int_eq(P("{\"a\":true,\"b\":false,\"c\":null}"),
	    JPARSE_OK);
	ck_assert_int_eq(P("{\"a\":\"\\t'NaN'\"}"), JPARSE_OK);
}
END_TEST

START_TEST(trailing)
{
	ck_assert_int_eq(P("{}x"), JPARSE_TRAILING);
	ck_assert_int_eq(P("{} {}"), JPARSE_TRAILING);
	ck_assert_int_eq(P("{\"a\":1} ,"), JPARSE_TRAILING);
}
END_TEST

START_TEST(not_object)
{
	ck_assert_int_eq(P("[]"), JPARSE_NOT_OBJECT);
	ck_assert_int_eq(P("\"s\""), JPARSE_NOT_OBJECT);
	ck_assert_int_eq(P("1"), JPARSE_NOT_OBJECT);
	ck_assert_int_eq(P("-12.5 "), JPARSE_NOT_OBJECT);
	ck_assert_int_eq(P("null"), JPARSE_NOT_OBJECT);
	ck_assert_int_eq(P("true"), JPARSE_NOT_OBJECT);
}
END_TEST

START_TEST(duplicate)
{
	ck_assert_int_eq(P("{\"a\":1,\"a\":1}"), JPARSE_DUPLICATE);
	ck_assert_int_eq(P("{\"a\":1,\"b\":2,\"a\":3}"), JPARSE_DUPLICATE);
	/* The same name spelled with an escape is the same name. */
	ck_assert_int_eq(P("{\"a\":1,\"\\u0061\":2}"), JPARSE_DUPLICATE);
}
END_TEST

/* An object holding k nested arrays: k + 1 levels in all. */
static enum jparse_err
nested(int k)
{
	char	 buf[256];
	int	 i, n;

	ck_assert_int_lt(2 * k + 8, (int)sizeof(buf));
	n = sprintf(buf, "{\"a\":");
	for (i = 0; i < k; i++)
		buf[n++] = '[';
	for (i = 0; i < k; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	return parse(buf, (size_t)n);
}

START_TEST(depth)
{
	ck_assert_int_eq(nested(JPARSE_DEPTH_MAX - 1), JPARSE_OK);
	ck_assert_int_eq(nested(JPARSE_DEPTH_MAX), JPARSE_DEPTH);
	ck_assert_int_eq(nested(100), JPARSE_DEPTH);
}
END_TEST

/* Whether the process's heap holds the n bytes at p anywhere. */
static int
heap_holds(const char *p, size_t n)
{
	FILE		*f;
	char		 line[512];
	uintptr_t	 lo, hi;
	int		 found = 0;

	ck_assert_ptr_nonnull(f = fopen("/proc/self/maps", "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "[heap]") == NULL ||
		    sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		if (memmem((const void *)lo, hi - lo, p, n) != NULL)
			found = 1;
	}
	fclose(f);
	return found;
}

/*
 * json-c builds every string in its tokener's buffer, which outlives
 * the parse, and copies it into the string object, which it frees
 * without clearing.  Once the caller has wiped its text and freed the
 * object, a secret parsed by jparse_object must be nowhere in the
 * heap.  The secret and the text are made on the stack, at run time,
 * so that no copy of them is in the heap but json-c's.
 */
START_TEST(secrets_not_left_in_heap)
{
	struct json_object	*o = NULL, *v;
	char			 secret[32], text[256];
	const char		*in;
	size_t			 n;
	int			 i;

	n = (size_t)snprintf(secret, sizeof(secret), "+%d%d", 3469,
	    87654321);
	ck_assert(!heap_holds(secret, n));
	for (i = 0; i < 2; i++) {
		/* A long string too, so the buffer has grown once. */
		snprintf(text, sizeof(text), i == 0 ?
		    "{\"phoneNumber\":\"%s\"}" :
		    "{\"d\":\"%s-%s-%s-%s\"}", secret, secret, secret, secret);
		ck_assert_int_eq(jparse_object(text, strlen(text), &o),
		    JPARSE_OK);
		ck_assert(json_object_object_get_ex(o, i == 0 ? "phoneNumber" :
		    "d", &v));
		in = json_object_get_string(v);
		ck_assert(memmem(in, strlen(in), secret, n) != NULL);
		json_object_put(o);
		sodium_memzero(text, sizeof(text));
		ck_assert_msg(!heap_holds(secret, n), "parse %d: the secret "
		    "is still in the heap", i);
	}
}
END_TEST

START_TEST(strerror_table)
{
	int	 e;

	for (e = 0; e < JPARSE__MAX; e++)
		ck_assert_ptr_nonnull(jparse_strerror((enum jparse_err)e));
	ck_assert_str_eq(jparse_strerror(JPARSE_DUPLICATE),
	    "has a duplicated member");
	ck_assert_str_eq(jparse_strerror(JPARSE__MAX), "?");
}
END_TEST

static Suite *
jparse_suite(void)
{
	Suite	*s = suite_create("jparse");
	TCase	*tc = tcase_create("object");

	tcase_add_test(tc, objects_accepted);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, nul);
	tcase_add_test(tc, nul_in_names);
	tcase_add_test(tc, syntax);
	tcase_add_test(tc, utf8_lengths);
	tcase_add_test(tc, ascii_in_strings);
	tcase_add_test(tc, syntax_json_c_leniency);
	tcase_add_test(tc, trailing);
	tcase_add_test(tc, not_object);
	tcase_add_test(tc, duplicate);
	tcase_add_test(tc, depth);
	tcase_add_test(tc, secrets_not_left_in_heap);
	tcase_add_test(tc, strerror_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(jparse_suite());
}
