/*
 * Key rotation in one worker (src/keys.c): a replaced key set file is
 * picked up after at most a second, an unchanged one is not re-read, a
 * bad one is reported and the old keys stay, SIGHUP forces a re-read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "b64.h"
#include "keys.h"

static char	 dir[64];
static char	 path[128];

/* Writes a key set of the given key ids to path, aside then renamed. */
static void
write_set(const char *const *kids, size_t n)
{
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	char		 x[64], tmp[160];
	FILE		*f;
	size_t		 i;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	ck_assert_ptr_nonnull(f = fopen(tmp, "w"));
	fputs("{\"keys\":[", f);
	for (i = 0; i < n; i++) {
		crypto_sign_keypair(pk, sk);
		ck_assert_uint_gt(b64url_encode(x, sizeof(x), pk, sizeof(pk)),
		    0);
		fprintf(f, "%s{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
		    "\"kid\":\"%s\",\"x\":\"%s\"}", i > 0 ? "," : "",
		    kids[i], x);
	}
	fputs("]}\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
}

static void
write_text(const char *text)
{
	char	 tmp[160];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	ck_assert_ptr_nonnull(f = fopen(tmp, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
}

static int
has(const struct keys *k, const char *kid)
{
	return jwks_find(&k->set, kid, strlen(kid)) != NULL;
}

static void
setup(void)
{
	static const char *const a[] = { "key-a" };

	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/check_reload.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/keys.jwks", dir);
	write_set(a, 1);
}

static void
teardown(void)
{
	char	 tmp[160];

	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	rmdir(dir);
}

static void
open_keys(struct keys *k, long long t)
{
	char	 err[512];

	ck_assert_msg(keys_open(k, path, SIG_ALL, t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(k->set.n, 1);
	ck_assert(has(k, "key-a"));
}

START_TEST(unchanged_not_reread)
{
	struct keys	 k;

	open_keys(&k, 0);
	ck_assert_int_eq(keys_maybe_reload(&k, 500, 0), KEYS_UNCHANGED);
	ck_assert_int_eq(keys_maybe_reload(&k, 1000, 0), KEYS_UNCHANGED);
	ck_assert_int_eq(keys_maybe_reload(&k, 5000, 0), KEYS_UNCHANGED);
	ck_assert_uint_eq(k.reads, 1);
	ck_assert(has(&k, "key-a"));
	keys_close(&k);
}
END_TEST

START_TEST(rename_picked_up_after_a_second)
{
	static const char *const ab[] = { "key-a", "key-b" };
	static const char *const b[] = { "key-b" };
	struct keys	 k;

	open_keys(&k, 10000);
	write_set(ab, 2);
	/* Within the second nothing is looked at, not even stat(2). */
	ck_assert_int_eq(keys_maybe_reload(&k, 10999, 0), KEYS_UNCHANGED);
	ck_assert_uint_eq(k.reads, 1);
	ck_assert(!has(&k, "key-b"));
	ck_assert_int_eq(keys_maybe_reload(&k, 11000, 0), KEYS_RELOADED);
	ck_assert_uint_eq(k.reads, 2);
	ck_assert(has(&k, "key-a"));
	ck_assert(has(&k, "key-b"));
	write_set(b, 1);
	ck_assert_int_eq(keys_maybe_reload(&k, 11500, 0), KEYS_UNCHANGED);
	ck_assert_int_eq(keys_maybe_reload(&k, 12000, 0), KEYS_RELOADED);
	ck_assert(!has(&k, "key-a"));
	ck_assert(has(&k, "key-b"));
	ck_assert_int_eq(keys_maybe_reload(&k, 13000, 0), KEYS_UNCHANGED);
	ck_assert_uint_eq(k.reads, 3);
	keys_close(&k);
}
END_TEST

START_TEST(bad_file_keeps_old_keys)
{
	static const char *const b[] = { "key-b" };
	struct keys	 k;

	open_keys(&k, 0);
	write_text("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":1}]}");
	ck_assert_int_eq(keys_maybe_reload(&k, 1000, 0), KEYS_KEPT);
	ck_assert(has(&k, "key-a"));
	ck_assert_uint_eq(k.set.n, 1);
	/* Reported once: the same bad file is not read again. */
	ck_assert_int_eq(keys_maybe_reload(&k, 2000, 0), KEYS_UNCHANGED);
	ck_assert_uint_eq(k.reads, 2);
	write_text("not json");
	ck_assert_int_eq(keys_maybe_reload(&k, 3000, 0), KEYS_KEPT);
	ck_assert(has(&k, "key-a"));
	write_set(b, 1);
	ck_assert_int_eq(keys_maybe_reload(&k, 4000, 0), KEYS_RELOADED);
	ck_assert(has(&k, "key-b"));
	ck_assert(!has(&k, "key-a"));
	keys_close(&k);
}
END_TEST

START_TEST(missing_file_keeps_old_keys)
{
	static const char *const b[] = { "key-b" };
	struct keys	 k;

	open_keys(&k, 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(keys_maybe_reload(&k, 1000, 0), KEYS_UNCHANGED);
	ck_assert(has(&k, "key-a"));
	write_set(b, 1);
	ck_assert_int_eq(keys_maybe_reload(&k, 2000, 0), KEYS_RELOADED);
	ck_assert(has(&k, "key-b"));
	keys_close(&k);
}
END_TEST

START_TEST(in_place_change_caught_by_size)
{
	struct keys	 k;
	FILE		*f;

	open_keys(&k, 0);
	/* Same inode, another size: an editor that writes in place. */
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("{\"keys\":[]}", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(keys_maybe_reload(&k, 1000, 0), KEYS_KEPT);
	ck_assert(has(&k, "key-a"));
	keys_close(&k);
}
END_TEST

START_TEST(hangup_forces_a_read)
{
	static const char *const b[] = { "key-b" };
	struct keys	 k;

	open_keys(&k, 0);
	/* Forced: read now, even the same file, even within the second. */
	ck_assert_int_eq(keys_maybe_reload(&k, 10, 1), KEYS_RELOADED);
	ck_assert_uint_eq(k.reads, 2);
	ck_assert(has(&k, "key-a"));
	write_set(b, 1);
	ck_assert_int_eq(keys_maybe_reload(&k, 20, 1), KEYS_RELOADED);
	ck_assert(has(&k, "key-b"));
	write_text("[]");
	ck_assert_int_eq(keys_maybe_reload(&k, 30, 1), KEYS_KEPT);
	ck_assert(has(&k, "key-b"));
	keys_close(&k);
}
END_TEST

START_TEST(open_fails_on_bad_file)
{
	struct keys	 k;
	char		 err[512];

	write_text("{\"keys\":[]}");
	ck_assert_int_eq(keys_open(&k, path, SIG_ALL, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "no usable signature key"));
	keys_close(&k);
}
END_TEST

/*
 * A FIFO at the key set's path: opening it for reading would wait for
 * a writer that never comes.  Refused at once, at open and at reload
 * (the old keys stay); the test's timeout catches a wait.
 */
START_TEST(fifo_refused_at_once)
{
	struct keys	 k;
	char		 err[512];

	open_keys(&k, 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	ck_assert_int_eq(keys_maybe_reload(&k, 1000, 0), KEYS_KEPT);
	ck_assert(has(&k, "key-a"));
	ck_assert_int_eq(keys_maybe_reload(&k, 1010, 1), KEYS_KEPT);
	ck_assert(has(&k, "key-a"));
	keys_close(&k);
	ck_assert_int_eq(keys_open(&k, path, SIG_ALL, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	keys_close(&k);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("reload");
	TCase	*tc = tcase_create("keys");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unchanged_not_reread);
	tcase_add_test(tc, rename_picked_up_after_a_second);
	tcase_add_test(tc, bad_file_keeps_old_keys);
	tcase_add_test(tc, missing_file_keeps_old_keys);
	tcase_add_test(tc, in_place_change_caught_by_size);
	tcase_add_test(tc, hangup_forces_a_read);
	tcase_add_test(tc, open_fails_on_bad_file);
	tcase_add_test(tc, fifo_refused_at_once);
	tcase_set_timeout(tc, 5);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
