/*
 * The Redis store's pure parts (store_redis.c): redis_url as read, and
 * the name of a token in Redis (prefix + HMAC-SHA256 hex, vectors from
 * Python's hmac module).  The store against a real redis-server is
 * tests/redis.test.
 */
#include <string.h>

#include "redis_conn.h"
#include "store_redis.h"
#include "unit.h"

static char	 err[256];

/* Expects url refused with an error that contains why. */
static void
url_fails(const char *url, const char *why)
{
	struct redis_url	 u;

	err[0] = '\0';
	ck_assert_int_eq(redis_conn_url(&u, url, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, why) != NULL, "%s: %s", url, err);
}

START_TEST(url_tcp)
{
	struct redis_url	 u;

	ck_assert_int_eq(redis_conn_url(&u, "redis://127.0.0.1", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(u.unix_socket, 0);
	ck_assert_str_eq(u.host, "127.0.0.1");
	ck_assert_int_eq(u.port, 6379);
	ck_assert_int_eq(u.db, 0);
	ck_assert_int_eq(redis_conn_url(&u, "redis://redis.example:6380/3",
	    err, sizeof(err)), 0);
	ck_assert_str_eq(u.host, "redis.example");
	ck_assert_int_eq(u.port, 6380);
	ck_assert_int_eq(u.db, 3);
	ck_assert_int_eq(redis_conn_url(&u, "redis://[::1]:7000/", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(u.host, "::1");
	ck_assert_int_eq(u.port, 7000);
	ck_assert_int_eq(u.db, 0);
	ck_assert_int_eq(redis_conn_url(&u, "redis://[fe80::1]", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(u.host, "fe80::1");
	ck_assert_int_eq(u.port, 6379);
}
END_TEST

START_TEST(url_unix)
{
	struct redis_url	 u;

	ck_assert_int_eq(redis_conn_url(&u, "unix:/run/redis/redis.sock",
	    err, sizeof(err)), 0);
	ck_assert_int_eq(u.unix_socket, 1);
	ck_assert_int_eq(u.tls, 0);
	ck_assert_str_eq(u.path, "/run/redis/redis.sock");
	/* rediss://: TLS, and the name as written kept for the certificate. */
	ck_assert_int_eq(redis_conn_url(&u, "rediss://redis.example.net:6380/2",
	    err, sizeof(err)), 0);
	ck_assert_int_eq(u.tls, 1);
	ck_assert_str_eq(u.host, "redis.example.net");
	ck_assert_str_eq(u.name, "redis.example.net");
	ck_assert_int_eq(u.port, 6380);
	ck_assert_int_eq(u.db, 2);
	url_fails("unix:redis.sock", "absolute socket path");
	url_fails("unix:/0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789", "shorter than 108 bytes");
}
END_TEST

START_TEST(url_refused)
{
	url_fails("rediss://", "names no host");
	url_fails("rediss://u:p@r", "the password goes in redis_password_file");
	url_fails("http://r", "must start with redis://");
	url_fails("redis://", "names no host");
	url_fails("redis://:6379", "names no host");
	url_fails("redis://u:p@r", "the password goes in redis_password_file");
	url_fails("redis://r?db=1", "no user, password, query or fragment");
	url_fails("redis://r:0", "the port must be from 1 to 65535");
	url_fails("redis://r:65536", "the port must be from 1 to 65535");
	url_fails("redis://r:12ab", "the port must be from 1 to 65535");
	url_fails("redis://r:", "the port must be from 1 to 65535");
	url_fails("redis://r/x", "the database must be a number");
	url_fails("redis://r/-1", "the database must be a number");
	url_fails("redis://r/65536", "the database must be a number");
	url_fails("redis://r/1/2", "the database must be a number");
	url_fails("redis://[::1", "no ] after [");
	url_fails("redis://[::1]x", "unexpected `x`");
}
END_TEST

START_TEST(key_naming)
{
	unsigned char	 secret[100], name[STORE_KEY_BYTES];
	char		 key[REDIS_CONN_KEY_MAX];
	size_t		 i;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (unsigned char)i;
	memset(name, 0xab, sizeof(name));
	redis_conn_key(key, secret, 32, "nv:used:", name,
	    STORE_KEY_BYTES);
	ck_assert_str_eq(key, "nv:used:"
	    "de295e728712be63b6352907b1f77cbb4437e815c00c17a7fcf86670b2141af1");
	/* A secret longer than a block is used as it is (HMAC hashes it). */
	memset(name, 0, sizeof(name));
	redis_conn_key(key, secret, 100, "", name,
	    STORE_KEY_BYTES);
	ck_assert_str_eq(key,
	    "82dfe3d4b5cdf9f164f86d7a7926841dcc8d1c58dbf6847868fab1fca58b54c6");
	/* Another secret, another name: nothing shared between deployments. */
	secret[0] ^= 1;
	redis_conn_key(key, secret, 100, "", name,
	    STORE_KEY_BYTES);
	ck_assert_str_ne(key,
	    "82dfe3d4b5cdf9f164f86d7a7926841dcc8d1c58dbf6847868fab1fca58b54c6");
	/* The longest prefix fits. */
	redis_conn_key(key, secret, 32, "0123456789012345678901234567890123"
	    "456789012345678901234567890123", name, STORE_KEY_BYTES);
	ck_assert_uint_eq(strlen(key), 64 + 64);
}
END_TEST

static Suite *
store_redis_suite(void)
{
	Suite	*s = suite_create("store_redis");
	TCase	*tc = tcase_create("pure");

	tcase_add_test(tc, url_tcp);
	tcase_add_test(tc, url_unix);
	tcase_add_test(tc, url_refused);
	tcase_add_test(tc, key_naming);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(store_redis_suite());
}
