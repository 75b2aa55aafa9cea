/*
 * Unit tests of the single-use store (src/replay.c): first use and
 * reuse, expiry, full means refused, the file shared between processes,
 * a capacity change, and a random run checked against a plain model.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

/* The module itself, so a test can die holding its lock. */
#include "replay.c"

static char	 dir[64];
static char	 path[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_replay.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static void
key_of(unsigned char key[REPLAY_KEY_BYTES], unsigned n)
{
	char	 s[32];

	snprintf(s, sizeof(s), "token-%u", n);
	replay_key_token(key, s, strlen(s));
}

static struct replay *
open_store(size_t capacity)
{
	struct replay	*r;
	char		 err[256];

	if (replay_open(&r, path, capacity, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)) == -1)
		ck_abort_msg("replay_open: %s", err);
	return r;
}

START_TEST(first_use_then_seen)
{
	struct replay	*r = open_store(16);
	unsigned char	 a[REPLAY_KEY_BYTES], b[REPLAY_KEY_BYTES];

	key_of(a, 1);
	key_of(b, 2);
	ck_assert_int_eq(replay_use(r, a, 1000, 10), REPLAY_OK);
	ck_assert_int_eq(replay_use(r, a, 1000, 11), REPLAY_SEEN);
	ck_assert_int_eq(replay_use(r, b, 1000, 12), REPLAY_OK);
	ck_assert_int_eq(replay_use(r, b, 1000, 13), REPLAY_SEEN);
	ck_assert_uint_eq(replay_count(r), 2);
	replay_close(r);
}
END_TEST

START_TEST(forgotten_after_expiry)
{
	struct replay	*r = open_store(16);
	unsigned char	 a[REPLAY_KEY_BYTES];

	key_of(a, 1);
	ck_assert_int_eq(replay_use(r, a, 100, 10), REPLAY_OK);
	ck_assert_int_eq(replay_use(r, a, 100, 99), REPLAY_SEEN);
	/* At 100 the token itself is no longer accepted: entry gone. */
	ck_assert_int_eq(replay_use(r, a, 200, 100), REPLAY_OK);
	ck_assert_uint_eq(replay_count(r), 1);
	replay_close(r);
}
END_TEST

START_TEST(full_fails_closed_then_purges)
{
	struct replay	*r = open_store(4);
	unsigned char	 k[REPLAY_KEY_BYTES];
	unsigned	 i;

	for (i = 0; i < 4; i++) {
		key_of(k, i);
		ck_assert_int_eq(replay_use(r, k, 100, 10), REPLAY_OK);
	}
	key_of(k, 4);
	ck_assert_int_eq(replay_use(r, k, 100, 10), REPLAY_FULL);
	/* Refused, not recorded: still refused while full. */
	ck_assert_int_eq(replay_use(r, k, 100, 50), REPLAY_FULL);
	key_of(k, 2);
	ck_assert_int_eq(replay_use(r, k, 100, 50), REPLAY_SEEN);
	/* Once the four expire, the whole table is swept for room. */
	key_of(k, 4);
	ck_assert_int_eq(replay_use(r, k, 300, 100), REPLAY_OK);
	ck_assert_uint_eq(replay_count(r), 1);
	replay_close(r);
}
END_TEST

START_TEST(shared_between_processes)
{
	struct replay	*r = open_store(64);
	unsigned char	 a[REPLAY_KEY_BYTES];
	pid_t		 pid;
	int		 st;

	key_of(a, 7);
	if ((pid = fork()) == 0) {
		struct replay	*c;
		char		 err[256];

		/* A worker of its own: opens the file by name. */
		if (replay_open(&c, path, 64, (uid_t)-1, (gid_t)-1, err,
		    sizeof(err)) == -1)
			_exit(2);
		_exit(replay_use(c, a, 1000, 10) == REPLAY_OK ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(replay_use(r, a, 1000, 11), REPLAY_SEEN);
	replay_close(r);
}
END_TEST

/* Four processes race over the same 2000 keys: each passes once. */
START_TEST(concurrent_first_use_once)
{
	enum { PROCS = 4, KEYS = 2000 };
	struct replay	*r = open_store(4096);
	unsigned char	 k[REPLAY_KEY_BYTES];
	pid_t		 pid[PROCS];
	int		 fds[2], st, i, total = 0, got;
	unsigned	 j;

	ck_assert_int_eq(pipe(fds), 0);
	for (i = 0; i < PROCS; i++) {
		if ((pid[i] = fork()) == 0) {
			struct replay	*c;
			char		 err[256];
			int		 ok = 0;

			if (replay_open(&c, path, 4096, (uid_t)-1, (gid_t)-1,
			    err, sizeof(err)) == -1)
				_exit(2);
			for (j = 0; j < KEYS; j++) {
				key_of(k, (j * 7 + (unsigned)i * 13) % KEYS);
				if (replay_use(c, k, 1000, 10) == REPLAY_OK)
					ok++;
			}
			if (write(fds[1], &ok, sizeof(ok)) != sizeof(ok))
				_exit(3);
			_exit(0);
		}
	}
	close(fds[1]);
	for (i = 0; i < PROCS; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	while (read(fds[0], &got, sizeof(got)) == sizeof(got))
		total += got;
	close(fds[0]);
	ck_assert_int_eq(total, KEYS);
	ck_assert_uint_eq(replay_count(r), KEYS);
	replay_close(r);
}
END_TEST

START_TEST(capacity_change_keeps_entries)
{
	struct replay	*r = open_store(4), *s;
	unsigned char	 a[REPLAY_KEY_BYTES];
	char		 err[256];

	key_of(a, 3);
	ck_assert_int_eq(replay_use(r, a, 1000, 10), REPLAY_OK);
	/* In use with another capacity: refused, named in the error. */
	ck_assert_int_eq(replay_open(&s, path, 8, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "single_use_capacity 4"));
	replay_close(r);
	/* Nobody uses it: resized, and the used token stays used. */
	r = open_store(8);
	ck_assert_uint_eq(replay_capacity(r), 8);
	ck_assert_int_eq(replay_use(r, a, 1000, 11), REPLAY_SEEN);
	replay_close(r);
}
END_TEST

START_TEST(refuses_open_file)
{
	struct replay	*r = open_store(4);
	char		 err[256];

	replay_close(r);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(replay_open(&r, path, 4, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "mode 0600"));
}
END_TEST

/*
 * A long random run against a plain list: uses, reuses and expiries
 * interleaved in a small table, so that the deletions that shift
 * entries back are exercised along every kind of probe chain.
 */
START_TEST(random_run_matches_model)
{
	enum { CAP = 32, POOL = 96, STEPS = 20000 };
	struct replay	*r = open_store(CAP);
	unsigned char	 k[REPLAY_KEY_BYTES];
	int64_t		 model[POOL] = { 0 };	/* expiry, 0: absent */
	int64_t		 now = 1;
	enum replay_err	 want, got;
	unsigned	 n, i, j, live;
	int64_t		 exp;

	for (i = 0; i < STEPS; i++) {
		if (randombytes_uniform(4) == 0)
			now++;
		n = randombytes_uniform(POOL);
		key_of(k, n);
		for (live = 0, j = 0; j < POOL; j++)
			if (model[j] > now)
				live++;
		if (model[n] > now)
			want = REPLAY_SEEN;
		else if (live >= CAP)
			want = REPLAY_FULL;
		else
			want = REPLAY_OK;
		exp = now + 1 + (int64_t)randombytes_uniform(20);
		got = replay_use(r, k, exp, now);
		ck_assert_msg(got == want, "step %u key %u: got %d want %d",
		    i, n, got, want);
		if (got == REPLAY_OK)
			model[n] = exp;
	}
	replay_close(r);
}
END_TEST

/*
 * A worker killed while holding the lock, mid-change (here: a count
 * that no longer matches the table): the next one takes the lock over,
 * rebuilds, and nothing recorded is lost.
 */
START_TEST(owner_died_mid_change)
{
	struct replay	*r = open_store(16);
	unsigned char	 a[REPLAY_KEY_BYTES], b[REPLAY_KEY_BYTES];
	unsigned char	 c[REPLAY_KEY_BYTES];
	pid_t		 pid;
	int		 st;

	key_of(a, 1);
	key_of(b, 2);
	key_of(c, 3);
	ck_assert_int_eq(replay_use(r, a, 1000, 10), REPLAY_OK);
	if ((pid = fork()) == 0) {
		struct replay	*w;
		char		 err[256];

		if (replay_open(&w, path, 16, (uid_t)-1, (gid_t)-1, err,
		    sizeof(err)) == -1 || replay_lock(w) == -1)
			_exit(2);
		slot_insert(w, b, 1000);
		w->h->count += 5;
		_exit(0);	/* the lock is never given back */
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(replay_use(r, c, 1000, 11), REPLAY_OK);
	ck_assert_int_eq(replay_use(r, a, 1000, 12), REPLAY_SEEN);
	ck_assert_int_eq(replay_use(r, b, 1000, 13), REPLAY_SEEN);
	ck_assert_uint_eq(replay_count(r), 3);
	replay_close(r);
}
END_TEST

/*
 * A table's header written over by another hand (any process of the
 * service's user can): a slot count that does not fit the file is
 * refused at open, and the file is left as it was, not wiped.
 */
START_TEST(corrupted_header_refused)
{
	struct replay	*r = open_store(16);
	unsigned char	 a[REPLAY_KEY_BYTES];
	uint64_t	 slots = (uint64_t)1 << 40, capacity = 3;
	struct stat	 before, after;
	char		 err[256];
	int		 fd;

	key_of(a, 1);
	ck_assert_int_eq(replay_use(r, a, 1000, 10), REPLAY_OK);
	replay_close(r);
	ck_assert_int_ge(fd = open(path, O_RDWR), 0);
	ck_assert_int_eq(pwrite(fd, &slots, sizeof(slots),
	    offsetof(struct replay_header, slots)), (ssize_t)sizeof(slots));
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(replay_open(&r, path, 16, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "header does not match"));
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_int_eq(after.st_size, before.st_size);
	/* A capacity the slot count was not made for: refused alike. */
	slots = 32;
	ck_assert_int_eq(pwrite(fd, &slots, sizeof(slots),
	    offsetof(struct replay_header, slots)), (ssize_t)sizeof(slots));
	ck_assert_int_eq(pwrite(fd, &capacity, sizeof(capacity),
	    offsetof(struct replay_header, capacity)),
	    (ssize_t)sizeof(capacity));
	ck_assert_int_eq(replay_open(&r, path, 16, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "header does not match"));
	close(fd);
	/* Put right, the table and what it holds are still there. */
	capacity = 16;
	ck_assert_int_ge(fd = open(path, O_RDWR), 0);
	ck_assert_int_eq(pwrite(fd, &capacity, sizeof(capacity),
	    offsetof(struct replay_header, capacity)),
	    (ssize_t)sizeof(capacity));
	close(fd);
	r = open_store(16);
	ck_assert_int_eq(replay_use(r, a, 1000, 11), REPLAY_SEEN);
	replay_close(r);
}
END_TEST

/*
 * The header changed under an open store: the slot count and capacity
 * taken at open still rule, so no probe leaves the mapping, and a
 * count reset again and again ends in "full", not in an endless probe.
 */
START_TEST(shared_header_not_followed)
{
	struct replay	*r = open_store(4);
	unsigned char	 k[REPLAY_KEY_BYTES];
	unsigned	 i;

	r->h->slots = (uint64_t)1 << 40;
	r->h->capacity = (uint64_t)1 << 40;
	for (i = 0; i < 4; i++) {
		key_of(k, i);
		ck_assert_int_eq(replay_use(r, k, 1000, 10), REPLAY_OK);
		ck_assert_int_eq(replay_use(r, k, 1000, 10), REPLAY_SEEN);
	}
	key_of(k, 4);
	ck_assert_int_eq(replay_use(r, k, 1000, 10), REPLAY_FULL);
	ck_assert_uint_eq(replay_capacity(r), 4);
	/* Eight slots: with the count zeroed each time, they fill up. */
	for (i = 4; i < 12; i++) {
		r->h->count = 0;
		key_of(k, i);
		(void)replay_use(r, k, 1000, 10);
	}
	r->h->count = 0;
	key_of(k, 12);
	ck_assert_int_eq(replay_use(r, k, 1000, 10), REPLAY_FULL);
	key_of(k, 0);
	ck_assert_int_eq(replay_use(r, k, 1000, 10), REPLAY_SEEN);
	replay_close(r);
}
END_TEST

/*
 * The table's blocks are reserved at open, not taken page by page as
 * slots are first written (a full file system then kills the worker
 * with SIGBUS); a sparse table left by an earlier version is filled.
 */
START_TEST(space_reserved_at_open)
{
	struct replay	*r = open_store(4096);
	struct stat	 st;
	int		 fd;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_ge((long long)st.st_blocks * 512, (long long)st.st_size);
	replay_close(r);
	/* Made sparse again, as ftruncate alone leaves it. */
	ck_assert_int_ge(fd = open(path, O_RDWR), 0);
	ck_assert_int_eq(fallocate(fd, FALLOC_FL_PUNCH_HOLE |
	    FALLOC_FL_KEEP_SIZE, 4096, st.st_size - 4096), 0);
	close(fd);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_lt((long long)st.st_blocks * 512, (long long)st.st_size);
	r = open_store(4096);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_ge((long long)st.st_blocks * 512, (long long)st.st_size);
	replay_close(r);
}
END_TEST

/* A second name for the store: refused, whoever made it. */
START_TEST(refuses_hard_link)
{
	struct replay	*r = open_store(4);
	char		 other[160], err[256];

	replay_close(r);
	snprintf(other, sizeof(other), "%s/other", dir);
	ck_assert_int_eq(link(path, other), 0);
	ck_assert_int_eq(replay_open(&r, path, 4, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "hard links"));
	ck_assert_int_eq(unlink(other), 0);
	r = open_store(4);
	replay_close(r);
}
END_TEST

/*
 * A folder others can write in (even with the sticky bit: its owner
 * is then still not the only one to create names there) is refused
 * before anything is opened or made in it.
 */
START_TEST(refuses_open_folder)
{
	static const mode_t	 modes[] = { 0777, 01777, 0775, 0757 };
	struct replay		*r;
	char			 err[256];
	size_t			 i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		ck_assert_int_eq(chmod(dir, modes[i]), 0);
		ck_assert_int_eq(replay_open(&r, path, 4, (uid_t)-1,
		    (gid_t)-1, err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "must be writable by its "
		    "owner alone"));
		ck_assert_int_eq(access(path, F_OK), -1);
	}
	ck_assert_int_eq(chmod(dir, 0700), 0);
	r = open_store(4);
	replay_close(r);
}
END_TEST

/*
 * Started as root with `user`: a root-owned file linked in at the
 * store's name by that user (it can write the folder) must come out
 * untouched, not truncated and handed over; a new store is made by
 * the user, and a folder the user cannot write is no place for one.
 */
START_TEST(as_root_opens_as_user)
{
	const uid_t	 uid = 65534;
	const gid_t	 gid = 65534;
	struct replay	*r;
	struct stat	 st;
	char		 victim[160], err[256];
	int		 fd;

	if (geteuid() != 0) {
		printf("as_root_opens_as_user: skipped, not root\n");
		return;
	}
	/* The root-owned folder: a root file linked in is refused. */
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	ck_assert_int_ge(fd = open(victim, O_WRONLY | O_CREAT, 0600), 0);
	ck_assert_int_eq(write(fd, "secret", 6), 6);
	close(fd);
	ck_assert_int_eq(link(victim, path), 0);
	ck_assert_int_eq(replay_open(&r, path, 4, uid, gid, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_size, 6);
	ck_assert_int_eq(st.st_uid, 0);
	/* Even with one name only: root's file is not the user's. */
	ck_assert_int_eq(unlink(victim), 0);
	ck_assert_int_eq(replay_open(&r, path, 4, uid, gid, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 6);
	ck_assert_int_eq(st.st_uid, 0);
	ck_assert_int_eq(unlink(path), 0);
	/* No file, a folder the user cannot write: not created by root. */
	ck_assert_int_eq(replay_open(&r, path, 4, uid, gid, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "Permission denied"));
	ck_assert_int_eq(access(path, F_OK), -1);
	/* The user's own folder: the store is made by, and for, the user. */
	ck_assert_int_eq(chown(dir, uid, gid), 0);
	ck_assert_int_eq(replay_open(&r, path, 4, uid, gid, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_uid, uid);
	ck_assert_int_eq(st.st_gid, gid);
	ck_assert_int_eq(geteuid(), 0);
	ck_assert_int_eq(getegid(), 0);
	replay_close(r);
}
END_TEST

static Suite *
replay_suite(void)
{
	Suite	*s = suite_create("replay");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, first_use_then_seen);
	tcase_add_test(tc, forgotten_after_expiry);
	tcase_add_test(tc, full_fails_closed_then_purges);
	tcase_add_test(tc, shared_between_processes);
	tcase_add_test(tc, concurrent_first_use_once);
	tcase_add_test(tc, capacity_change_keeps_entries);
	tcase_add_test(tc, refuses_open_file);
	tcase_add_test(tc, random_run_matches_model);
	tcase_add_test(tc, owner_died_mid_change);
	tcase_add_test(tc, corrupted_header_refused);
	tcase_add_test(tc, shared_header_not_followed);
	tcase_add_test(tc, space_reserved_at_open);
	tcase_add_test(tc, refuses_hard_link);
	tcase_add_test(tc, refuses_open_folder);
	tcase_add_test(tc, as_root_opens_as_user);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (sodium_init() < 0)
		return 99;
	sr = srunner_create(replay_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
