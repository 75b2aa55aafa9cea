/*
 * Log lines (log.c): the request line's fields, control bytes and
 * over-long client values neutralised, one line per call.  stderr is
 * sent to a temporary file inside each (forked) test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"

static char	*dir;
static char	*path;

static void
setup(void)
{
	int	 fd;

	dir = unit_tmpdir();
	ck_assert_int_ne(asprintf(&path, "%s/stderr", dir), -1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
}

static void
teardown(void)
{
	unit_rmtree(dir);
	free(dir);
	free(path);
}

static const char *
logged(void)
{
	static char	 buf[4096];
	FILE		*f;
	size_t		 n;

	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(request_line)
{
	struct log_request	 r = {
		.method = "POST", .path = "/number-verification/v0/verify",
		.status = 401, .code = "UNAUTHENTICATED",
		.detail = "expired", .correlator = "abc-1", .usec = 1234,
	};

	log_set_name("nv-fcgi");
	log_request_line(&r);
	r.status = 200;
	r.code = NULL;
	r.detail = NULL;
	r.correlator = NULL;
	r.usec = 7;
	log_request_line(&r);
	ck_assert_str_eq(logged(),
	    "nv-fcgi: request: POST /number-verification/v0/verify 401 "
	    "UNAUTHENTICATED (expired) correlator=abc-1 1234us\n"
	    "nv-fcgi: request: POST /number-verification/v0/verify 200 - "
	    "correlator=- 7us\n");
}
END_TEST

START_TEST(hostile_fields)
{
	struct log_request	 r = {
		.method = "GET\n", .path = "/a b\r\nnv-fcgi: forged",
		.status = 404, .code = "NOT_FOUND",
		.correlator = "x\ty\x7f\xc3\xa9", .usec = 0,
	};
	char			 longp[400], want[1024];

	log_set_name("nv");
	log_request_line(&r);
	memset(longp, 'p', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	r.method = NULL;
	r.path = longp;
	r.correlator = "";
	log_request_line(&r);
	snprintf(want, sizeof(want),
	    "nv: request: GET? /a?b??nv-fcgi:?forged 404 NOT_FOUND "
	    "correlator=x?y??? 0us\n"
	    "nv: request: - %.128s 404 NOT_FOUND correlator=- 0us\n", longp);
	ck_assert_str_eq(logged(), want);
}
END_TEST

START_TEST(plain_line)
{
	char	 big[3000];

	log_set_name("nv-token");
	lerr("%s:%d: %s", "/etc/nv.conf", 3, "unknown key `x`");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lwarn("%s", big);
	linfo("done");
	/* The over-long line is cut, and still ends in a newline. */
	ck_assert_str_eq(logged() + strlen(logged()) - 26,
	    "zzzz\nnv-token: info: done\n");
	ck_assert_int_eq(strncmp(logged(), "nv-token: error: /etc/nv.conf:3: "
	    "unknown key `x`\nnv-token: warning: zzz", 60), 0);
	ck_assert_uint_eq(strlen(logged()), 49 + 1023 + 21);
}
END_TEST

static int	 drain_fd = -1;

/* Empties the full pipe, so that the interrupted write can go on. */
static void
on_alarm_drain(int sig)
{
	char	 junk[4096];

	(void)sig;
	while (read(drain_fd, junk, sizeof(junk)) > 0)
		continue;
}

/*
 * The request deadline's SIGALRM (installed without SA_RESTART) lands
 * while a log line waits for room in a full pipe: the write fails with
 * EINTR, and the line must still be written.
 */
START_TEST(line_survives_eintr)
{
	struct sigaction	 sa;
	struct itimerval	 it;
	char			 junk[4096], got[256];
	int			 fds[2], fl;
	ssize_t			 n;

	ck_assert_int_eq(pipe(fds), 0);
	drain_fd = fds[0];
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	/* Filled to the last byte, then made blocking again. */
	fl = fcntl(fds[1], F_GETFL);
	ck_assert_int_eq(fcntl(fds[1], F_SETFL, fl | O_NONBLOCK), 0);
	memset(junk, 'x', sizeof(junk));
	while (write(fds[1], junk, sizeof(junk)) > 0 || errno == EINTR)
		continue;
	while (write(fds[1], junk, 1) > 0)
		continue;
	ck_assert_int_eq(fcntl(fds[1], F_SETFL, fl), 0);
	ck_assert_int_eq(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_alarm_drain;
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 100000;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	log_set_name("nv-fcgi");
	lerr("after the alarm");
	n = read(fds[0], got, sizeof(got) - 1);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_str_eq(got, "nv-fcgi: error: after the alarm\n");
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, request_line);
	tcase_add_test(tc, hostile_fields);
	tcase_add_test(tc, plain_line);
	tcase_add_test(tc, line_survives_eintr);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(log_suite());
}
