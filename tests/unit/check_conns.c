/*
 * The connection set of a FastCGI worker (src/conns.c), on socket
 * pairs: it grows past its first slots without moving them, a kept
 * connection is watched by the epoll set, beyond max_idle the least
 * recently used idle one is closed, one with a request waiting never
 * is, and one libfcgi closed frees its slot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conns.h"
#include "unit.h"

#define N	20

static struct conns	 cs;
static int		 ep, peer[N];
static struct conn	*c[N];

/* Opens connection i: the worker's end in the set, the peer's kept. */
static void
open_one(int i)
{
	int	 sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	peer[i] = sv[1];
	c[i] = conns_open(&cs, sv[0]);
	ck_assert_ptr_nonnull(c[i]);
	ck_assert_int_eq(c[i]->fd, sv[0]);
	ck_assert_int_eq(c[i]->fr.ipcFd, sv[0]);
	ck_assert_int_eq(c[i]->fr.keepConnection, 1);
}

/* Whether the worker closed connection i: its peer reads an end. */
static int
closed(int i)
{
	char	 b;

	return recv(peer[i], &b, 1, MSG_DONTWAIT | MSG_PEEK) == 0;
}

static void
setup(void)
{
	int	 i;

	ck_assert_int_ge(ep = epoll_create1(EPOLL_CLOEXEC), 0);
	FCGX_Init();
	for (i = 0; i < N; i++)
		peer[i] = -1;
}

static void
teardown(void)
{
	int	 i;

	conns_free(&cs);
	for (i = 0; i < N; i++)
		if (peer[i] >= 0)
			close(peer[i]);
	close(ep);
}

/* Many more than the first slots: each stays where it was made. */
START_TEST(grows_in_place)
{
	int	 i;

	conns_init(&cs, ep, N);
	for (i = 0; i < N; i++) {
		open_one(i);
		ck_assert_int_eq(conns_idle(&cs, c[i]), 0);
		ck_assert_int_eq(c[i]->watched, 1);
	}
	ck_assert_uint_eq(cs.open, N);
	ck_assert_uint_ge(cs.nslot, N);
	for (i = 0; i < N; i++) {
		ck_assert_int_ge(c[i]->fd, 0);
		ck_assert(!closed(i));
	}
}
END_TEST

/* A request on a kept connection wakes the epoll set, naming it. */
START_TEST(watched)
{
	struct epoll_event	 ev;

	conns_init(&cs, ep, 4);
	open_one(0);
	open_one(1);
	ck_assert_int_eq(conns_idle(&cs, c[0]), 0);
	ck_assert_int_eq(conns_idle(&cs, c[1]), 0);
	ck_assert_int_eq(epoll_wait(ep, &ev, 1, 0), 0);
	ck_assert_int_eq(write(peer[1], "x", 1), 1);
	ck_assert_int_eq(epoll_wait(ep, &ev, 1, 1000), 1);
	ck_assert_ptr_eq(ev.data.ptr, c[1]);
}
END_TEST

/* Beyond max_idle the least recently used idle one goes, only it. */
START_TEST(least_recently_used_closed)
{
	int	 i;

	conns_init(&cs, ep, 3);
	for (i = 0; i < 3; i++) {
		open_one(i);
		ck_assert_int_eq(conns_idle(&cs, c[i]), 0);
	}
	/* 0 had a request since: 1 is now the least recently used. */
	ck_assert_int_eq(conns_idle(&cs, c[0]), 0);
	open_one(3);
	ck_assert_int_eq(conns_idle(&cs, c[3]), 0);
	ck_assert(closed(1));
	ck_assert_int_eq(c[1]->fd, -1);
	ck_assert(!closed(0) && !closed(2) && !closed(3));
	ck_assert_uint_eq(cs.open, 3);
	/* Its slot is taken again by the next connection. */
	open_one(4);
	ck_assert_ptr_eq(c[4], c[1]);
}
END_TEST

/* Connections with a request waiting are not idle: never closed, even
 * when they are the least recently used and the bound is passed. */
START_TEST(waiting_request_kept)
{
	int	 i;

	conns_init(&cs, ep, 2);
	for (i = 0; i < 4; i++) {
		open_one(i);
		ck_assert_int_eq(write(peer[i], "req", 3), 3);
		ck_assert_int_eq(conns_idle(&cs, c[i]), 0);
	}
	for (i = 0; i < 4; i++)
		ck_assert(!closed(i));
	ck_assert_uint_eq(cs.open, 4);
	/* Three idle ones more: one beyond the bound, and 4, the least
	 * recently used of the idle ones, goes. */
	for (i = 4; i < 7; i++) {
		open_one(i);
		ck_assert_int_eq(conns_idle(&cs, c[i]), 0);
	}
	ck_assert(closed(4));
	for (i = 0; i < 4; i++)
		ck_assert(!closed(i));
	ck_assert(!closed(5) && !closed(6));
	ck_assert_uint_eq(cs.open, 6);
}
END_TEST

/* A connection libfcgi closed (ipcFd -1) frees its slot. */
START_TEST(closed_by_libfcgi)
{
	conns_init(&cs, ep, 4);
	open_one(0);
	ck_assert_int_eq(conns_idle(&cs, c[0]), 0);
	close(c[0]->fr.ipcFd);
	c[0]->fr.ipcFd = -1;
	ck_assert_int_eq(conns_idle(&cs, c[0]), 0);
	ck_assert_int_eq(c[0]->fd, -1);
	ck_assert_uint_eq(cs.open, 0);
	ck_assert(closed(0));
}
END_TEST

/* epoll refuses a descriptor it cannot watch: closed, -1. */
START_TEST(unwatchable)
{
	int	 fd;

	conns_init(&cs, ep, 4);
	ck_assert_int_ge(fd = open("/dev/null", O_RDONLY | O_CLOEXEC), 0);
	c[0] = conns_open(&cs, fd);
	ck_assert_ptr_nonnull(c[0]);
	errno = 0;
	ck_assert_int_eq(conns_idle(&cs, c[0]), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(c[0]->fd, -1);
	ck_assert_uint_eq(cs.open, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
}
END_TEST

static Suite *
conns_suite(void)
{
	Suite	*s = suite_create("conns");
	TCase	*tc = tcase_create("conns");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, grows_in_place);
	tcase_add_test(tc, watched);
	tcase_add_test(tc, least_recently_used_closed);
	tcase_add_test(tc, waiting_request_kept);
	tcase_add_test(tc, closed_by_libfcgi);
	tcase_add_test(tc, unwatchable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(conns_suite());
}
