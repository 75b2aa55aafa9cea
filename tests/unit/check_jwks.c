/*
 * The key set (jwks.c): Ed25519 keys with and without kid, keys of
 * other types skipped, malformed and small-order keys skipped with a
 * warning naming them, a set with no usable key refused, duplicate
 * kids, lookup by kid, loading from a file.  RSA and EC keys:
 * check_sig.c.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jwks.h"
#include "unit.h"

static unsigned char	 pk1[32], pk2[32], sk[64];
static char		*x1, *x2;
static struct jwks	 set;
static char		 err[512];

static void
setup(void)
{
	unit_keypair(1, pk1, sk);
	unit_keypair(2, pk2, sk);
	x1 = unit_b64(pk1, 32);
	x2 = unit_b64(pk2, 32);
	memset(&set, 0, sizeof(set));
	err[0] = '\0';
}

static void
teardown(void)
{
	jwks_free(&set);
	free(x1);
	free(x2);
}

static int
parse(const char *fmt, ...)
{
	char	 text[4096];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return jwks_parse(&set, text, strlen(text), SIG_ALL, err, sizeof(err));
}

static void
parse_fails(const char *why, const char *fmt, ...)
{
	char	 text[4096];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ck_assert_int_eq(jwks_parse(&set, text, strlen(text), SIG_ALL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, why);
	ck_assert_ptr_null(set.keys);
	ck_assert_uint_eq(set.n, 0);
}

#define NO_KEY	"key set has no usable signature key (RSA, EC P-256 or " \
	"P-384, OKP Ed25519, for an algorithm of signing_algorithms)"

/*
 * Parses a set that must keep exactly the key "good" and skip the
 * other with the warning line want on stderr.
 */
static void
parse_skips(const char *want, const char *fmt, ...)
{
	char	 text[4096], got[1024], path[] = "/tmp/nv-jwks.XXXXXX";
	va_list	 ap;
	ssize_t	 n;
	int	 fd, saved;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ck_assert_int_ne(fd = mkstemp(path), -1);
	unlink(path);
	saved = dup(2);
	dup2(fd, 2);
	ck_assert_int_eq(jwks_parse(&set, text, strlen(text), SIG_ALL, err,
	    sizeof(err)), 0);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, got, sizeof(got) - 1, 0);
	close(fd);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_msg(strstr(got, want) != NULL, "warning \"%s\" not in \"%s\"",
	    want, got);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_str_eq(set.keys[0].kid, "good");
	jwks_free(&set);
}

#define OKP(kid, x) "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"" kid \
	"\",\"x\":\"" x "\"}"

START_TEST(ed25519_with_kid)
{
	const struct jwk	*k;

	ck_assert_int_eq(parse("{\"keys\":[" OKP("k1", "%s") ","
	    OKP("k2", "%s") "]}", x1, x2), 0);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_ptr_nonnull(k = jwks_find(&set, "k1", 2));
	ck_assert_mem_eq(k->key.ed25519, pk1, 32);
	ck_assert_str_eq(k->kid, "k1");
	ck_assert_ptr_nonnull(k = jwks_find(&set, "k2", 2));
	ck_assert_mem_eq(k->key.ed25519, pk2, 32);
	ck_assert_ptr_null(jwks_find(&set, "k3", 2));
	ck_assert_ptr_null(jwks_find(&set, "k", 1));
	ck_assert_ptr_null(jwks_find(&set, "k12", 3));
	ck_assert_ptr_null(jwks_find(&set, "", 0));
	/* Without a kid, two keys leave the choice open: none. */
	ck_assert_ptr_null(jwks_find(&set, NULL, 0));
}
END_TEST

START_TEST(one_key_without_kid)
{
	const struct jwk	*k;

	ck_assert_int_eq(parse("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"%s\",\"use\":\"sig\",\"alg\":\"EdDSA\"}]}",
	    x1), 0);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_int_eq(set.keys[0].has_kid, 0);
	ck_assert_ptr_nonnull(k = jwks_find(&set, NULL, 0));
	ck_assert_mem_eq(k->key.ed25519, pk1, 32);
	/* A kid in the token never matches a key that has none. */
	ck_assert_ptr_null(jwks_find(&set, "k1", 2));
}
END_TEST

START_TEST(other_types_skipped)
{
	ck_assert_int_eq(parse("{\"keys\":["
	    "{\"kty\":\"RSA\",\"kid\":\"r\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
	    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"e\",\"x\":\"AA\","
	    "\"y\":\"AA\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"x\",\"x\":\"%s\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"kid\":\"4\",\"x\":\"AA\"},"
	    "{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"enc\","
	    "\"use\":\"enc\",\"x\":\"%s\"},"
	    "{\"crv\":\"Ed25519\",\"kid\":\"nokty\",\"x\":\"%s\"},"
	    OKP("k1", "%s") "]}", x2, x2, x2, x1), 0);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_str_eq(set.keys[0].kid, "k1");
	ck_assert_ptr_null(jwks_find(&set, "x", 1));
	ck_assert_ptr_null(jwks_find(&set, "enc", 3));
	ck_assert_ptr_null(jwks_find(&set, "h", 1));
}
END_TEST

START_TEST(no_usable_key)
{
	char	 text[256];

	parse_fails(NO_KEY, "{\"keys\":[]}");
	parse_fails(NO_KEY, "{\"keys\":[{\"kty\":\"RSA\","
	    "\"n\":\"AQAB\",\"e\":\"AQAB\"}]}");
	parse_fails(NO_KEY, "{\"keys\":[\"%s\"]}", x1);
	/* signing_algorithms leaves this key nothing to verify. */
	snprintf(text, sizeof(text), "{\"keys\":[" OKP("k", "%s") "]}", x1);
	ck_assert_int_eq(jwks_parse(&set, text, strlen(text),
	    SIG_BIT(SIG_RS256) | SIG_BIT(SIG_ES256), err, sizeof(err)), -1);
	ck_assert_str_eq(err, NO_KEY);
}
END_TEST

START_TEST(no_keys_array)
{
	parse_fails("key set has no \"keys\" array", "{}");
	parse_fails("key set has no \"keys\" array", "{\"keys\":{}}");
	parse_fails("key set has no \"keys\" array", "{\"Keys\":[]}");
	parse_fails("key set has no \"keys\" array", OKP("k1", "%s"), x1);
	parse_fails("key set is not valid JSON", "{\"keys\":[}");
	parse_fails("key set is not a JSON object", "[" OKP("k1", "%s") "]",
	    x1);
	parse_fails("key set is empty", "");
	parse_fails("key set has a duplicated member",
	    "{\"keys\":[],\"keys\":[" OKP("k1", "%s") "]}", x1);
	parse_skips("key set: key 0 skipped: not a JSON object",
	    "{\"keys\":[\"%s\"," OKP("good", "%s") "]}", x1, x1);
	/* "kid\u0000" would be read as the key's kid. */
	parse_fails("key set has a member name holding U+0000",
	    "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"kid\\u0000\":\"k1\",\"x\":\"%s\"}]}", x1);
}
END_TEST

START_TEST(malformed_x)
{
	static const char why[] = "key set: key \"b\" skipped: ";
	char	 x[64];

	/* Cut short, one byte long, padded, missing, standard alphabet. */
	snprintf(x, sizeof(x), "%.42s", x1);
	parse_skips(why, "{\"keys\":[" OKP("good", "%s") "," OKP("b", "%s")
	    "]}", x2, x);
	snprintf(x, sizeof(x), "%sAA", x1);
	parse_skips(why, "{\"keys\":[" OKP("good", "%s") "," OKP("b", "%s")
	    "]}", x2, x);
	snprintf(x, sizeof(x), "%.40s", x1);
	parse_skips("key set: key \"b\" skipped: \"x\" is not an Ed25519 "
	    "public key of 32 bytes", "{\"keys\":[" OKP("good", "%s") ","
	    OKP("b", "%s") "]}", x2, x);
	snprintf(x, sizeof(x), "%s=", x1);
	parse_skips(why, "{\"keys\":[" OKP("good", "%s") "," OKP("b", "%s")
	    "]}", x2, x);
	parse_skips("key set: key \"b\" skipped: a coordinate is missing or "
	    "not base64url", "{\"keys\":[" OKP("good", "%s") ",{\"kty\":"
	    "\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"b\"}]}", x2);
	parse_skips(why, "{\"keys\":[" OKP("good", "%s") ",{\"kty\":\"OKP\","
	    "\"crv\":\"Ed25519\",\"kid\":\"b\",\"x\":32}]}", x2);
	snprintf(x, sizeof(x), "%s", x1);
	x[5] = '+';
	parse_skips(why, "{\"keys\":[" OKP("good", "%s") "," OKP("b", "%s")
	    "]}", x2, x);
}
END_TEST

START_TEST(small_order_refused)
{
	static const char why[] = "key set: key \"k\" skipped: \"x\" is not "
	    "a valid Ed25519 point (small order or non-canonical)";
	/* The identity (order 1), y = 0 (order 4), a point of order 8,
	 * and y = p, a non-canonical encoding of 0. */
	static const char *const hex[] = {
	    "0100000000000000000000000000000000000000000000000000000000000000",
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	unsigned char	 b[32];
	char		*x;
	size_t		 i;

	for (i = 0; i < sizeof(hex) / sizeof(hex[0]); i++) {
		ck_assert_int_eq(sodium_hex2bin(b, sizeof(b), hex[i], 64, NULL,
		    NULL, NULL), 0);
		x = unit_b64(b, sizeof(b));
		parse_skips(why, "{\"keys\":[" OKP("k", "%s") ","
		    OKP("good", "%s") "]}", x, x1);
		/* Alone, it leaves no key: start-up fails. */
		parse_fails(NO_KEY, "{\"keys\":[" OKP("k", "%s") "]}", x);
		free(x);
	}
}
END_TEST

START_TEST(bad_kid)
{
	static const char why[] = "key set: key 0 skipped: \"kid\" is not a "
	    "string of 1 to 128 bytes";
	char	 kid[200];

	parse_skips(why, "{\"keys\":[" OKP("", "%s") "," OKP("good", "%s")
	    "]}", x1, x2);
	parse_skips(why, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"kid\":7,\"x\":\"%s\"}," OKP("good", "%s") "]}", x1, x2);
	/* A NUL inside would make "k1\u0000x" the key "k1". */
	parse_skips(why, "{\"keys\":[" OKP("k1\\u0000x", "%s") ","
	    OKP("good", "%s") "]}", x1, x2);
	memset(kid, 'k', 129);
	kid[129] = '\0';
	parse_skips(why, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"kid\":\"%s\",\"x\":\"%s\"}," OKP("good", "%s") "]}", kid,
	    x1, x2);
	kid[128] = '\0';
	ck_assert_int_eq(parse("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"kid\":\"%s\",\"x\":\"%s\"}]}", kid, x1), 0);
	ck_assert_ptr_nonnull(jwks_find(&set, kid, 128));
}
END_TEST

START_TEST(duplicate_kid)
{
	parse_fails("key id \"k1\" is used twice",
	    "{\"keys\":[" OKP("k1", "%s") "," OKP("k2", "%s") ","
	    OKP("k1", "%s") "]}", x1, x2, x2);
	/* Keys without a kid do not collide with each other. */
	ck_assert_int_eq(parse("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
	    "\"Ed25519\",\"x\":\"%s\"},{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"%s\"}]}", x1, x2), 0);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_ptr_null(jwks_find(&set, NULL, 0));
}
END_TEST

START_TEST(load_file)
{
	char	*dir = unit_tmpdir(), *path, text[512], want[1024];

	snprintf(text, sizeof(text), "{\"keys\":[" OKP("k1", "%s") "]}\n", x1);
	path = unit_write(dir, "keys.jwks", text);
	ck_assert_int_eq(jwks_load(&set, path, SIG_ALL, err, sizeof(err)), 0);
	ck_assert_uint_eq(set.n, 1);
	jwks_free(&set);
	free(path);
	path = unit_write(dir, "bad.jwks", "{\"keys\":[]}");
	ck_assert_int_eq(jwks_load(&set, path, SIG_ALL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: " NO_KEY, path);
	ck_assert_str_eq(err, want);
	free(path);
	ck_assert_int_ne(asprintf(&path, "%s/none.jwks", dir), -1);
	ck_assert_int_eq(jwks_load(&set, path, SIG_ALL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	ck_assert_str_eq(err, want);
	free(path);
	ck_assert_int_eq(jwks_load(&set, dir, SIG_ALL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	ck_assert_str_eq(err, want);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *
jwks_suite(void)
{
	Suite	*s = suite_create("jwks");
	TCase	*tc = tcase_create("jwks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ed25519_with_kid);
	tcase_add_test(tc, one_key_without_kid);
	tcase_add_test(tc, other_types_skipped);
	tcase_add_test(tc, no_usable_key);
	tcase_add_test(tc, no_keys_array);
	tcase_add_test(tc, malformed_x);
	tcase_add_test(tc, small_order_refused);
	tcase_add_test(tc, bad_kid);
	tcase_add_test(tc, duplicate_kid);
	tcase_add_test(tc, load_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(jwks_suite());
}
