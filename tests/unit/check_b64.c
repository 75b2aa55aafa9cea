/*
 * base64url (b64.c): exactly one encoding per byte string is accepted,
 * no padding, no standard-alphabet or ignored characters, no length of
 * 1 mod 4, no non-zero trailing bits.
 */
#include <string.h>

#include "b64.h"
#include "unit.h"

static int
dec(const char *in, unsigned char *out, size_t outmax, size_t *outlen)
{
	return b64url_decode(out, outmax, outlen, in, strlen(in));
}

START_TEST(decode_canonical)
{
	unsigned char	 out[16];
	size_t		 n;

	ck_assert_int_eq(dec("Zm9v", out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(out, "foo", 3);
	ck_assert_int_eq(dec("Zm9vYg", out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(out, "foob", 4);
	ck_assert_int_eq(dec("Zm9vYmE", out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(out, "fooba", 5);
	/* The URL-safe characters themselves: 0xfb 0xff -> "-_8". */
	ck_assert_int_eq(dec("-_8", out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[0], 0xfb);
	ck_assert_uint_eq(out[1], 0xff);
}
END_TEST

START_TEST(decode_empty)
{
	unsigned char	 out[4];
	size_t		 n = 99;

	ck_assert_int_eq(b64url_decode(out, sizeof(out), &n, "", 0), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(decode_padding_refused)
{
	unsigned char	 out[16];
	size_t		 n;

	ck_assert_int_eq(dec("Zm9vYg==", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9vYmE=", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm8=", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("====", out, sizeof(out), &n), -1);
}
END_TEST

START_TEST(decode_standard_alphabet_refused)
{
	unsigned char	 out[16];
	size_t		 n;

	/* "+_8" and "-/8" are 0xfb 0xff in the standard alphabet. */
	ck_assert_int_eq(dec("+_8", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("-/8", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("+/8", out, sizeof(out), &n), -1);
}
END_TEST

START_TEST(decode_ignored_chars_refused)
{
	unsigned char	 out[16];
	size_t		 n;

	ck_assert_int_eq(dec("Zm9v Yg", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9v\nYg", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9v\r\n", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec(" Zm9v", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9v\t", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9v.", out, sizeof(out), &n), -1);
	/* An embedded NUL inside the given length is not an end. */
	ck_assert_int_eq(b64url_decode(out, sizeof(out), &n, "Zm\0v", 4), -1);
}
END_TEST

START_TEST(decode_length_1_mod_4_refused)
{
	unsigned char	 out[16];
	size_t		 n;

	ck_assert_int_eq(dec("Z", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9vY", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9vYmFyZ", out, sizeof(out), &n), -1);
}
END_TEST

START_TEST(decode_noncanonical_trailing_bits_refused)
{
	unsigned char	 out[16];
	size_t		 n;

	/* "Zg" is "f"; "Zh".."Zv" carry non-zero unused low bits. */
	ck_assert_int_eq(dec("Zg", out, sizeof(out), &n), 0);
	ck_assert_int_eq(dec("Zh", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zv", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9vYh", out, sizeof(out), &n), -1);
	/* "Zm8" is "fo"; its last character's low 2 bits must be 0. */
	ck_assert_int_eq(dec("Zm8", out, sizeof(out), &n), 0);
	ck_assert_int_eq(dec("Zm9", out, sizeof(out), &n), -1);
	ck_assert_int_eq(dec("Zm9vYmF", out, sizeof(out), &n), -1);
}
END_TEST

START_TEST(decode_output_too_small)
{
	unsigned char	 out[4];
	size_t		 n;

	ck_assert_int_eq(dec("Zm9vYmE", out, 4, &n), -1);
	ck_assert_int_eq(dec("Zm9vYg", out, 4, &n), 0);
}
END_TEST

START_TEST(roundtrip_all_lengths)
{
	unsigned char	 in[64], out[64];
	char		 enc[100];
	size_t		 len, n, e, i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 250);
	for (len = 0; len <= sizeof(in); len++) {
		e = b64url_encode(enc, sizeof(enc), in, len);
		ck_assert_uint_eq(e, (len * 4 + 2) / 3);
		ck_assert_uint_eq(strlen(enc), e);
		ck_assert_ptr_null(strpbrk(enc, "=+/"));
		ck_assert_uint_ge(b64url_decoded_max(e), len);
		ck_assert_int_eq(b64url_decode(out, sizeof(out), &n, enc, e),
		    0);
		ck_assert_uint_eq(n, len);
		ck_assert_mem_eq(out, in, len);
	}
}
END_TEST

START_TEST(encode_output_too_small)
{
	char	 enc[5];

	/* "foo" needs 4 characters and the NUL. */
	ck_assert_uint_eq(b64url_encode(enc, sizeof(enc),
	    (const unsigned char *)"foo", 3), 4);
	ck_assert_str_eq(enc, "Zm9v");
	ck_assert_uint_eq(b64url_encode(enc, 4,
	    (const unsigned char *)"foo", 3), 0);
}
END_TEST

static Suite *
b64_suite(void)
{
	Suite	*s = suite_create("b64");
	TCase	*tc = tcase_create("b64url");

	tcase_add_test(tc, decode_canonical);
	tcase_add_test(tc, decode_empty);
	tcase_add_test(tc, decode_padding_refused);
	tcase_add_test(tc, decode_standard_alphabet_refused);
	tcase_add_test(tc, decode_ignored_chars_refused);
	tcase_add_test(tc, decode_length_1_mod_4_refused);
	tcase_add_test(tc, decode_noncanonical_trailing_bits_refused);
	tcase_add_test(tc, decode_output_too_small);
	tcase_add_test(tc, roundtrip_all_lengths);
	tcase_add_test(tc, encode_output_too_small);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(b64_suite());
}
