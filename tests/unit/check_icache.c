/*
 * The introspection cache (icache.c): seal and open, a token's answer
 * found by that token alone, expiry, claims, eviction of the oldest
 * when a bucket is full, two handles on one file (two workers), a
 * tampered entry refused, and the file holding no plain answer.  The
 * sealing both forms share (iseal.c): a round trip, a tampered byte,
 * another token, name or expiry refused; and the Redis form's key.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "icache.h"
#include "icache_redis.h"
#include "iseal.h"
#include "redis_conn.h"
#include "unit.h"

#define NOW	1700000000LL
#define ANSWER	"{\"active\":true,\"phone_number\":\"+34600000001\"}"

static char	*dir;
static char	 path[512], err[512];

static void
setup(void)
{
	dir = unit_tmpdir();
	chmod(dir, 0700);
	snprintf(path, sizeof(path), "%s/icache", dir);
}

static void
teardown(void)
{
	unit_rmtree(dir);
	free(dir);
}

static struct icache *
open_cache(size_t capacity)
{
	struct icache	*c = NULL;

	ck_assert_msg(icache_open(&c, path, capacity, (uid_t)-1, (gid_t)-1,
	    err, sizeof(err)) == 0, "%s", err);
	return c;
}

/* get without a claim; the answer, NUL-terminated, in buf. */
static enum icache_err
get(struct icache *c, const char *tok, int64_t now, char *buf, size_t cap)
{
	size_t		 n = 0;
	enum icache_err	 e;

	e = icache_get(c, tok, strlen(tok), now, 0, buf, cap - 1, &n);
	buf[n] = '\0';
	return e;
}

static enum icache_err
put(struct icache *c, const char *tok, int64_t until, int64_t now,
    const char *data)
{
	return icache_put(c, tok, strlen(tok), until, now, data, strlen(data));
}

START_TEST(seal_open)
{
	struct icache	*c = open_cache(64);
	char		 buf[ICACHE_DATA_MAX + 1];
	struct stat	 st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(icache_capacity(c), 64);
	ck_assert_int_eq(get(c, "tok-a", NOW, buf, sizeof(buf)), ICACHE_MISS);
	ck_assert_int_eq(put(c, "tok-a", NOW + 60, NOW, ANSWER), ICACHE_OK);
	ck_assert_int_eq(get(c, "tok-a", NOW, buf, sizeof(buf)), ICACHE_OK);
	ck_assert_str_eq(buf, ANSWER);
	/* Another token, even one byte longer, finds nothing. */
	ck_assert_int_eq(get(c, "tok-b", NOW, buf, sizeof(buf)), ICACHE_MISS);
	ck_assert_int_eq(get(c, "tok-a ", NOW, buf, sizeof(buf)), ICACHE_MISS);
	/* A new answer replaces the old one. */
	ck_assert_int_eq(put(c, "tok-a", NOW + 60, NOW, "{\"active\":false}"),
	    ICACHE_OK);
	ck_assert_int_eq(get(c, "tok-a", NOW, buf, sizeof(buf)), ICACHE_OK);
	ck_assert_str_eq(buf, "{\"active\":false}");
	icache_close(c);
}
END_TEST

START_TEST(expiry)
{
	struct icache	*c = open_cache(64);
	char		 buf[ICACHE_DATA_MAX + 1];

	ck_assert_int_eq(put(c, "tok", NOW + 10, NOW, ANSWER), ICACHE_OK);
	ck_assert_int_eq(get(c, "tok", NOW + 9, buf, sizeof(buf)), ICACHE_OK);
	ck_assert_int_eq(get(c, "tok", NOW + 10, buf, sizeof(buf)),
	    ICACHE_MISS);
	/* Already dead, or too big: not kept. */
	ck_assert_int_eq(put(c, "old", NOW, NOW, ANSWER), ICACHE_MISS);
	memset(buf, 'x', ICACHE_DATA_MAX + 1);
	ck_assert_int_eq(icache_put(c, "big", 3, NOW + 10, NOW, buf,
	    ICACHE_DATA_MAX + 1), ICACHE_TOO_BIG);
	ck_assert_int_eq(icache_put(c, "max", 3, NOW + 10, NOW, buf,
	    ICACHE_DATA_MAX), ICACHE_OK);
	icache_close(c);
}
END_TEST

START_TEST(claims)
{
	struct icache	*c = open_cache(64);
	char		 buf[ICACHE_DATA_MAX + 1];
	size_t		 n;

	/* A miss with a claim: the next asker is told to wait. */
	ck_assert_int_eq(icache_get(c, "t", 1, NOW, NOW + 2, buf, sizeof(buf),
	    &n), ICACHE_MISS);
	ck_assert_int_eq(icache_get(c, "t", 1, NOW, NOW + 2, buf, sizeof(buf),
	    &n), ICACHE_PENDING);
	/* The answer replaces the claim. */
	ck_assert_int_eq(put(c, "t", NOW + 60, NOW, ANSWER), ICACHE_OK);
	ck_assert_int_eq(get(c, "t", NOW, buf, sizeof(buf)), ICACHE_OK);
	ck_assert_str_eq(buf, ANSWER);
	/* Released, or expired (its asker died): a miss again. */
	ck_assert_int_eq(icache_get(c, "u", 1, NOW, NOW + 2, buf, sizeof(buf),
	    &n), ICACHE_MISS);
	icache_release(c, "u", 1, NOW);
	ck_assert_int_eq(icache_get(c, "u", 1, NOW, NOW + 2, buf, sizeof(buf),
	    &n), ICACHE_MISS);
	ck_assert_int_eq(get(c, "u", NOW + 2, buf, sizeof(buf)), ICACHE_MISS);
	/* Releasing never drops an answer. */
	icache_release(c, "t", 1, NOW);
	ck_assert_int_eq(get(c, "t", NOW, buf, sizeof(buf)), ICACHE_OK);
	icache_close(c);
}
END_TEST

/* One bucket of ICACHE_WAYS entries: the oldest goes first. */
START_TEST(eviction)
{
	struct icache	*c = open_cache(ICACHE_WAYS);
	char		 buf[ICACHE_DATA_MAX + 1], tok[16];
	int		 i;

	ck_assert_int_eq(icache_capacity(c), ICACHE_WAYS);
	for (i = 0; i <= ICACHE_WAYS; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		ck_assert_int_eq(put(c, tok, NOW + 100 - i, NOW, ANSWER),
		    ICACHE_OK);
	}
	ck_assert_int_eq(get(c, "t0", NOW, buf, sizeof(buf)), ICACHE_MISS);
	for (i = 1; i <= ICACHE_WAYS; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		ck_assert_int_eq(get(c, tok, NOW, buf, sizeof(buf)), ICACHE_OK);
	}
	/* An expired entry is taken before the oldest live one. */
	ck_assert_int_eq(put(c, "short", NOW + 1, NOW, ANSWER), ICACHE_OK);
	ck_assert_int_eq(put(c, "next", NOW + 50, NOW + 1, ANSWER), ICACHE_OK);
	ck_assert_int_eq(get(c, "t2", NOW + 1, buf, sizeof(buf)), ICACHE_OK);
	ck_assert_int_eq(get(c, "next", NOW + 1, buf, sizeof(buf)), ICACHE_OK);
	icache_close(c);
}
END_TEST

/* Two workers: two handles on one file see each other's answers. */
START_TEST(shared)
{
	struct icache	*a = open_cache(64), *b = open_cache(64), *c;
	char		 buf[ICACHE_DATA_MAX + 1];

	ck_assert_int_eq(put(a, "tok", NOW + 60, NOW, ANSWER), ICACHE_OK);
	ck_assert_int_eq(get(b, "tok", NOW, buf, sizeof(buf)), ICACHE_OK);
	ck_assert_str_eq(buf, ANSWER);
	/* Another capacity while in use: refused, nothing lost. */
	ck_assert_int_eq(icache_open(&c, path, 128, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "stop them first"));
	icache_close(a);
	icache_close(b);
	/* Reopened alone with the same capacity: still there. */
	a = open_cache(64);
	ck_assert_int_eq(get(a, "tok", NOW, buf, sizeof(buf)), ICACHE_OK);
	icache_close(a);
}
END_TEST

/* The file: no plain answer, and a changed byte is a miss. */
START_TEST(sealed_file)
{
	struct icache	*c = open_cache(ICACHE_WAYS);
	char		 buf[ICACHE_DATA_MAX + 1];
	unsigned char	*data;
	FILE		*f;
	long		 len, i;

	ck_assert_int_eq(put(c, "tok", NOW + 60, NOW, ANSWER), ICACHE_OK);
	ck_assert_ptr_nonnull(f = fopen(path, "r+b"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	data = malloc((size_t)len);
	ck_assert_int_eq(fread(data, 1, (size_t)len, f), len);
	ck_assert_ptr_null(memmem(data, (size_t)len, "34600000001", 11));
	ck_assert_ptr_null(memmem(data, (size_t)len, "active", 6));
	ck_assert_ptr_null(memmem(data, (size_t)len, "tok", 3));
	/* Flip the last byte of the first entry holding anything. */
	for (i = len - 1; i > 256 && data[i] == 0; i--)
		continue;
	fseek(f, i, SEEK_SET);
	fputc(data[i] ^ 1, f);
	fclose(f);
	free(data);
	ck_assert_int_eq(get(c, "tok", NOW, buf, sizeof(buf)), ICACHE_MISS);
	icache_close(c);
}
END_TEST

START_TEST(refused_files)
{
	struct icache	*c;
	int		 fd;

	fd = open(path, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	fchmod(fd, 0644);
	close(fd);
	ck_assert_int_eq(icache_open(&c, path, 64, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "mode 0600"));
	ck_assert_int_eq(icache_open(&c, path, 0, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
}
END_TEST

#define NAME	"nv:icache:0123"
#define NAMELEN	(sizeof(NAME) - 1)

static enum iseal_err
open_box(const struct iseal_box *b, const char *tok, const char *name,
    int64_t expires, char *buf, size_t cap)
{
	size_t		 n = 7;
	enum iseal_err	 e;

	e = iseal_open(b, tok, strlen(tok), (const unsigned char *)name,
	    strlen(name), expires, buf, cap - 1, &n);
	buf[n] = '\0';
	if (e != ISEAL_OK)
		ck_assert_uint_eq(n, 0);	/* nothing out on a refusal */
	return e;
}

START_TEST(iseal_round_trip)
{
	struct iseal_box	 b, b2;
	char			 buf[ISEAL_DATA_MAX + 1], big[ISEAL_DATA_MAX + 1];

	ck_assert_int_eq(iseal_seal(&b, "tok-a", 5, (const unsigned char *)NAME,
	    NAMELEN, NOW + 60, ANSWER, strlen(ANSWER)), ISEAL_OK);
	ck_assert_int_eq(open_box(&b, "tok-a", NAME, NOW + 60, buf,
	    sizeof(buf)), ISEAL_OK);
	ck_assert_str_eq(buf, ANSWER);
	/* The box holds nothing of the answer, and a new nonce each time. */
	ck_assert_ptr_null(memmem(b.box, sizeof(b.box), "+34600000001", 12));
	ck_assert_int_eq(iseal_seal(&b2, "tok-a", 5, (const unsigned char *)NAME,
	    NAMELEN, NOW + 60, ANSWER, strlen(ANSWER)), ISEAL_OK);
	ck_assert_int_ne(memcmp(b.nonce, b2.nonce, sizeof(b.nonce)), 0);
	ck_assert_int_ne(memcmp(b.box, b2.box, sizeof(b.box)), 0);
	/* One size for every answer: the longest fits, one more does not. */
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(iseal_seal(&b, "t", 1, (const unsigned char *)NAME,
	    NAMELEN, NOW, big, ISEAL_DATA_MAX), ISEAL_OK);
	ck_assert_int_eq(open_box(&b, "t", NAME, NOW, buf, sizeof(buf)),
	    ISEAL_OK);
	ck_assert_uint_eq(strlen(buf), ISEAL_DATA_MAX);
	ck_assert_int_eq(iseal_seal(&b, "t", 1, (const unsigned char *)NAME,
	    NAMELEN, NOW, big, ISEAL_DATA_MAX + 1), ISEAL_TOO_BIG);
	/* An answer longer than the caller's room is not cut: refused. */
	ck_assert_int_eq(iseal_seal(&b, "t", 1, (const unsigned char *)NAME,
	    NAMELEN, NOW, ANSWER, strlen(ANSWER)), ISEAL_OK);
	ck_assert_int_eq(open_box(&b, "t", NAME, NOW, buf, 10), ISEAL_REFUSED);
	/* An empty answer is an answer. */
	ck_assert_int_eq(iseal_seal(&b, "t", 1, (const unsigned char *)NAME,
	    NAMELEN, NOW, "", 0), ISEAL_OK);
	ck_assert_int_eq(open_box(&b, "t", NAME, NOW, buf, sizeof(buf)),
	    ISEAL_OK);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(iseal_refused)
{
	struct iseal_box	 b, t;
	char			 buf[ISEAL_DATA_MAX + 1];
	size_t			 i;

	ck_assert_int_eq(iseal_seal(&b, "tok-a", 5, (const unsigned char *)NAME,
	    NAMELEN, NOW + 60, ANSWER, strlen(ANSWER)), ISEAL_OK);
	/* Another token, one byte longer or shorter. */
	ck_assert_int_eq(open_box(&b, "tok-b", NAME, NOW + 60, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	ck_assert_int_eq(open_box(&b, "tok-a ", NAME, NOW + 60, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	ck_assert_int_eq(open_box(&b, "tok-", NAME, NOW + 60, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	/* The expiry is associated data: made to live longer, refused. */
	ck_assert_int_eq(open_box(&b, "tok-a", NAME, NOW + 61, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	ck_assert_int_eq(open_box(&b, "tok-a", NAME, NOW + 59, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	/* So is the name: moved to another entry, refused. */
	ck_assert_int_eq(open_box(&b, "tok-a", "nv:icache:0124", NOW + 60, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	ck_assert_int_eq(open_box(&b, "tok-a", "nv:icache:012", NOW + 60, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	/* Any one byte changed, in the nonce or the box. */
	for (i = 0; i < sizeof(b.nonce) + sizeof(b.box); i += 37) {
		memcpy(&t, &b, sizeof(t));
		((unsigned char *)&t)[i] ^= 0x01;
		ck_assert_int_eq(open_box(&t, "tok-a", NAME, NOW + 60, buf,
		    sizeof(buf)), ISEAL_REFUSED);
	}
	memcpy(&t, &b, sizeof(t));
	t.box[sizeof(t.box) - 1] ^= 0x80;	/* the tag's last byte */
	ck_assert_int_eq(open_box(&t, "tok-a", NAME, NOW + 60, buf,
	    sizeof(buf)), ISEAL_REFUSED);
	/* The untouched box still opens. */
	ck_assert_int_eq(open_box(&b, "tok-a", NAME, NOW + 60, buf,
	    sizeof(buf)), ISEAL_OK);
}
END_TEST

/* The expiry's 8 bytes, least significant first, on any machine. */
START_TEST(iseal_expiry_bytes)
{
	unsigned char	 b[8];

	iseal_put64(b, INT64_C(0x0102030405060708));
	ck_assert_int_eq(b[0], 0x08);
	ck_assert_int_eq(b[7], 0x01);
	ck_assert(iseal_get64(b) == INT64_C(0x0102030405060708));
	iseal_put64(b, -2);
	ck_assert(iseal_get64(b) == -2);
}
END_TEST

/*
 * The Redis form's key: the prefix and 64 hex digits, a function of
 * the secret and the token that holds neither, and not the single-use
 * store's name of the same token.
 */
START_TEST(redis_key)
{
	unsigned char	 secret[32], other[32];
	char		 k1[REDIS_CONN_KEY_MAX], k2[REDIS_CONN_KEY_MAX];
	size_t		 i;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = other[i] = (unsigned char)i;
	other[0] ^= 1;
	icache_redis_key(k1, secret, sizeof(secret), "nv:icache:", "op-tok", 6);
	ck_assert_uint_eq(strlen(k1), 10 + 64);
	ck_assert_int_eq(strncmp(k1, "nv:icache:", 10), 0);
	for (i = 10; i < strlen(k1); i++)
		ck_assert(strchr("0123456789abcdef", k1[i]) != NULL);
	ck_assert_ptr_null(strstr(k1, "op-tok"));
	icache_redis_key(k2, secret, sizeof(secret), "nv:icache:", "op-tok", 6);
	ck_assert_str_eq(k1, k2);
	icache_redis_key(k2, other, sizeof(other), "nv:icache:", "op-tok", 6);
	ck_assert_str_ne(k1, k2);
	icache_redis_key(k2, secret, sizeof(secret), "nv:icache:", "op-toK", 6);
	ck_assert_str_ne(k1, k2);
	icache_redis_key(k2, secret, sizeof(secret), "", "op-tok", 6);
	ck_assert_str_eq(k2, k1 + 10);
	/* Not the HMAC of the token itself (the store keys a hash too). */
	redis_conn_key(k2, secret, sizeof(secret), "nv:icache:",
	    (const unsigned char *)"op-tok", 6);
	ck_assert_str_ne(k1, k2);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("icache");
	TCase	*tc = tcase_create("icache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, seal_open);
	tcase_add_test(tc, expiry);
	tcase_add_test(tc, claims);
	tcase_add_test(tc, eviction);
	tcase_add_test(tc, shared);
	tcase_add_test(tc, sealed_file);
	tcase_add_test(tc, refused_files);
	suite_add_tcase(s, tc);
	tc = tcase_create("iseal");
	tcase_add_test(tc, iseal_round_trip);
	tcase_add_test(tc, iseal_refused);
	tcase_add_test(tc, iseal_expiry_bytes);
	tcase_add_test(tc, redis_key);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
