/*
 * Phone numbers (phone.c): the E.164 pattern ^\+[1-9][0-9]{4,14}$ at
 * its boundaries, the 64-hex-digit hash form, and the comparisons of
 * a request's number or hash with the token's number.
 */
#include <string.h>

#include "phone.h"
#include "unit.h"

/* SHA-256 of "+34600000000", computed outside this code base
 * (python3 hashlib). */
#define HASH_34600000000 \
	"32f67ab4e4312618b09cd23ed8ce41b13e095fe52b73b2e8da8ef49830e50dba"
#define HASH_34600000001 \
	"eb491b384e4fda4281634daa211e6e54a4cf7f82baa33a9f35980329e4ad95f3"
/* ...and of "34600000000", the number without its '+'. */
#define HASH_NO_PLUS \
	"4c6c2f0cc944bdc33e1317b1577521f646ba548be3aad24d62e990213942acbf"

static bool
valid(const char *s)
{
	return phone_valid(s, strlen(s));
}

static bool
hash_valid(const char *s)
{
	return phone_hash_valid(s, strlen(s));
}

START_TEST(pattern_lengths)
{
	ck_assert(!valid("+"));
	ck_assert(!valid("+1"));
	ck_assert(!valid("+1234"));		/* 4 digits */
	ck_assert(valid("+12345"));		/* 5 */
	ck_assert(valid("+34600000000"));
	ck_assert(valid("+123456789012345"));	/* 15 */
	ck_assert(!valid("+1234567890123456"));	/* 16 */
	ck_assert(!valid(""));
}
END_TEST

START_TEST(pattern_characters)
{
	ck_assert(!valid("+01234"));
	ck_assert(!valid("+012345"));
	ck_assert(valid("+90000"));
	ck_assert(!valid("34600000000"));
	ck_assert(!valid("0034600000000"));
	ck_assert(!valid("++34600000000"));
	ck_assert(!valid("+3460000000a"));
	ck_assert(!valid("+a4600000000"));
	ck_assert(!valid("+34 600000000"));
	ck_assert(!valid("+34-600000000"));
	ck_assert(!valid(" +34600000000"));
	ck_assert(!valid("+34600000000 "));
	ck_assert(!valid("+34600000000\n"));
	ck_assert(!valid("+\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7"));
	/* The length given is what counts, not a NUL inside it. */
	ck_assert(!phone_valid("+34600\0000000", 12));
	ck_assert(phone_valid("+34600000000xyz", 12));
}
END_TEST

START_TEST(hash_form)
{
	char	 h[80];

	ck_assert(hash_valid(HASH_34600000000));
	/* Upper case is allowed by ^[a-fA-F0-9]{64}$. */
	ck_assert(hash_valid(
	    "32F67AB4E4312618B09CD23ED8CE41B13E095FE52B73B2E8DA8EF49830E50DBA"));
	memcpy(h, HASH_34600000000, 65);
	h[63] = '\0';
	ck_assert(!hash_valid(h));			/* 63 */
	memcpy(h, HASH_34600000000 "0", 66);
	ck_assert(!hash_valid(h));			/* 65 */
	memcpy(h, HASH_34600000000, 65);
	h[10] = 'g';
	ck_assert(!hash_valid(h));
	h[10] = 'G';
	ck_assert(!hash_valid(h));
	h[10] = ' ';
	ck_assert(!hash_valid(h));
	h[10] = '-';
	ck_assert(!hash_valid(h));
	ck_assert(!hash_valid(""));
}
END_TEST

START_TEST(hash_hex)
{
	char	 out[PHONE_HASH_HEX + 1];

	phone_hash_hex(out, "+34600000000", 12);
	ck_assert_str_eq(out, HASH_34600000000);
	phone_hash_hex(out, "34600000000", 11);
	ck_assert_str_eq(out, HASH_NO_PLUS);
}
END_TEST

START_TEST(equal)
{
	ck_assert(phone_equal("+34600000000", "+34600000000", 12));
	ck_assert(!phone_equal("+34600000000", "+34600000001", 12));
	ck_assert(!phone_equal("+34600000000", "+3460000000", 11));
	ck_assert(!phone_equal("+34600000000", "+346000000000", 13));
	ck_assert(!phone_equal("+34600000000", "34600000000", 11));
	ck_assert(!phone_equal("+34600000000", "", 0));
	/* A NUL after the number, inside the length, is not the number. */
	ck_assert(!phone_equal("+34600000000", "+34600000000\0", 13));
	ck_assert(!phone_equal("+34600000000", "+34600000000000000", 18));
	/* A token without a number matches nothing. */
	ck_assert(!phone_equal("", "", 0));
}
END_TEST

START_TEST(hash_equal)
{
	const char	*up =
	    "32F67AB4E4312618B09CD23ED8CE41B13E095FE52B73B2E8DA8EF49830E50DBA";

	ck_assert(phone_hash_equal("+34600000000", HASH_34600000000, 64));
	ck_assert(phone_hash_equal("+34600000000", up, 64));
	ck_assert(!phone_hash_equal("+34600000001", HASH_34600000000, 64));
	ck_assert(phone_hash_equal("+34600000001", HASH_34600000001, 64));
	/* The hash is of the number with its '+'. */
	ck_assert(!phone_hash_equal("+34600000000", HASH_NO_PLUS, 64));
	ck_assert(!phone_hash_equal("+34600000000", HASH_34600000000, 63));
	ck_assert(!phone_hash_equal("+34600000000", "zz", 2));
	ck_assert(!phone_hash_equal("", HASH_34600000000, 64));
}
END_TEST

static Suite *
phone_suite(void)
{
	Suite	*s = suite_create("phone");
	TCase	*tc = tcase_create("phone");

	tcase_add_test(tc, pattern_lengths);
	tcase_add_test(tc, pattern_characters);
	tcase_add_test(tc, hash_form);
	tcase_add_test(tc, hash_hex);
	tcase_add_test(tc, equal);
	tcase_add_test(tc, hash_equal);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(phone_suite());
}
