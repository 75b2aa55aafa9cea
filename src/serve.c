/*
 * The serving loops: FastCGI (accept, the request deadline, signals,
 * the key set's reload between requests) and one CGI request.  Each
 * request is handed to service_handle(); the answer is written and
 * logged here.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "clock.h"
#include "conns.h"
#include "log.h"
#include "serve.h"

#define DEADLINE_NUDGE_USEC	100000	/* SIGALRM again after the deadline */

extern char **environ;

static volatile sig_atomic_t shutdown_requested;
static volatile sig_atomic_t deadline_passed;
/* Lock-free, so safe in a handler; taken with one exchange. */
static atomic_int reload_requested;

static void
on_signal(int sig)
{
	(void)sig;
	shutdown_requested = 1;
	FCGX_ShutdownPending();
}

static void
on_alarm(int sig)
{
	(void)sig;
	deadline_passed = 1;
}

/* Only a flag: the reload itself runs in the loop, between requests. */
static void
on_hangup(int sig)
{
	(void)sig;
	atomic_store(&reload_requested, 1);
}

/*
 * No SA_RESTART: a blocked accept() must return so the loop can end,
 * and a read or write blocked past the deadline must fail.
 */
void
serve_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	/* SIGHUP only asks for a reload: what it interrupts goes on. */
	sa.sa_handler = on_hangup;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * The request deadline.  SIGALRM interrupts whatever call the worker
 * is blocked in (libfcgi's reads of a stalled peer, its lingering
 * close, a CGI read of stdin); after the deadline it fires every
 * DEADLINE_NUDGE_USEC, so a call entered just after one signal is
 * interrupted by the next.
 */
static void
deadline_arm(long seconds)
{
	struct itimerval	 it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = seconds;
	it.it_interval.tv_usec = DEADLINE_NUDGE_USEC;
	deadline_passed = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void
deadline_disarm(void)
{
	struct itimerval	 it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	deadline_passed = 0;
}

static long long
now_usec(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static ssize_t
read_fcgx(void *ctx, char *buf, size_t len)
{
	int	 n = FCGX_GetStr(buf, (int)len, (FCGX_Stream *)ctx);

	/* libfcgi ends the stream on the interrupted read. */
	if (n <= 0 && deadline_passed) {
		errno = ETIMEDOUT;
		return -1;
	}
	return n < 0 ? -1 : (ssize_t)n;
}

static ssize_t
read_fd(void *ctx, char *buf, size_t len)
{
	ssize_t	 n = read(*(const int *)ctx, buf, len);

	if (n == -1 && errno == EINTR && deadline_passed)
		errno = ETIMEDOUT;
	return n;
}

static int
write_fd(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR && !deadline_passed)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Handles one request; writes the answer into out, returns its length. */
static size_t
handle(const struct service *svc, const struct request *req, char *out,
    size_t outmax)
{
	struct response		 resp;
	struct service_outcome	 oc;
	struct log_request	 lr;
	long long		 t0 = now_usec();
	size_t			 n;

	service_handle(svc, req, time(NULL), &resp, &oc);
	n = response_serialize(&resp, out, outmax);
	memset(&lr, 0, sizeof(lr));
	lr.method = req->var[RV_METHOD];
	lr.path = req->var[RV_PATH_INFO] != NULL &&
	    *req->var[RV_PATH_INFO] != '\0' ? req->var[RV_PATH_INFO] :
	    req->var[RV_REQUEST_URI] != NULL ? req->var[RV_REQUEST_URI] :
	    req->var[RV_SCRIPT_NAME];
	lr.status = resp.status;
	lr.code = resp.is_error ? resp.code : NULL;
	lr.detail = oc.detail;
	lr.correlator = req->var[RV_CORRELATOR];
	lr.usec = now_usec() - t0;
	log_request_line(&lr);
	response_wipe(&resp);
	return n;
}

int
serve_cgi(const struct service *svc, long timeout)
{
	struct request	 req;
	char		 out[RESPONSE_MAX];
	int		 fd = STDIN_FILENO, rc;
	size_t		 n;

	deadline_arm(timeout);
	request_from_env(&req, environ);
	req.read = read_fd;
	req.read_ctx = &fd;
	req.body_until_eof = 0;
	n = handle(svc, &req, out, sizeof(out));
	rc = n > 0 && write_fd(STDOUT_FILENO, out, n) == 0 ? 0 : 1;
	deadline_disarm();
	/* An answer that did not fit left part of itself behind. */
	sodium_memzero(out, n > 0 ? n : sizeof(out));
	return rc;
}

/*
 * Whether a SIGTERM or SIGINT came while they were blocked, taken from
 * the pending set without waiting.  epoll_pwait() does not do: with a
 * connection ready it returns that, and leaves the signal pending.
 */
static int
stop_pending(const sigset_t *stop)
{
	static const struct timespec	 zero = { 0, 0 };

	return sigtimedwait(stop, NULL, &zero) > 0;
}

/*
 * The worker's one epoll instance: the listening socket, with
 * EPOLLEXCLUSIVE so that a connection wakes one idle worker of the
 * pool (poll() on a socket the workers share wakes every one of them,
 * and all but one then find nothing to accept), and every kept
 * connection waiting for its next request (conns.c), whose data.ptr
 * is its struct conn; the listening socket's is NULL.  -1, with errno,
 * when it cannot be made.
 */
static int
listen_waiter(int sock)
{
	struct epoll_event	 ev;
	int			 ep, e;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sock, &ev) == -1) {
		e = errno;
		close(ep);
		errno = e;
		return -1;
	}
	return ep;
}

/*
 * One loop serves every connection of the worker, one request at a
 * time: epoll_pwait() reports the kept connections with a request
 * waiting and the listening socket; each such connection has exactly
 * one request served, then a new connection is accepted.  So a web
 * server keeping many connections to few workers gets each of them
 * answered in turn, where a worker holding one kept connection until
 * it closed left the others waiting for a free worker.
 *
 * request_timeout seconds cover a request from its first byte to its
 * answer.  A peer that stalls half-way holds the worker, and with it
 * that worker's other connections, until then; then it is closed.
 *
 * SIGTERM and SIGINT are blocked all the time except inside
 * epoll_pwait(): the handler installs no SA_RESTART, and a signal
 * landing in a read() or write() of the request would make libfcgi
 * fail that stream, cutting the request in hand.  SIGALRM, the
 * deadline, is never blocked: cutting a stalled request is its
 * purpose.  A busy worker's epoll_pwait() returns at once with
 * connections ready and leaves a signal pending: it looks every
 * SIGNAL_LOOK_MS (stop_pending()).  The deadline is re-armed only
 * every DEADLINE_SLACK_MS and not disarmed between requests
 * (deadline_refresh()), so a busy worker makes nearly no setitimer().
 */
#define SIGNAL_LOOK_MS		100
#define DEADLINE_SLACK_MS	10
#define SERVE_EVENTS		64

/*
 * Out of file descriptors or memory, accept() fails with the
 * connection left waiting, so the socket stays ready: say so once per
 * burst and retry every ACCEPT_BACKOFF_MS (as OpenBSD's slowcgi does)
 * instead of spinning, or ending and shrinking the pool.  SIGTERM is
 * let in while waiting.  Returns 0 when e was such a failure.
 */
#define ACCEPT_BACKOFF_MS	250

static int
accept_starved(int e, int *starved, const sigset_t *waitmask)
{
	struct timespec	 ts = { 0, ACCEPT_BACKOFF_MS * 1000000L };

	if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
		return -1;
	if (!*starved)
		lerr("accept: %s; retrying every %d ms", strerror(e),
		    ACCEPT_BACKOFF_MS);
	*starved = 1;
	ppoll(NULL, 0, &ts, waitmask);
	return 0;
}

/*
 * Arms the deadline for the request about to be read, unless the
 * timer was armed less than DEADLINE_SLACK_MS ago (by the coarse
 * clock, which may lag by a tick) and has not run out: a busy worker
 * then makes nearly no setitimer(), and the deadline may come up to
 * some 20 ms early.  *armed_ms is -1 while no timer runs.
 */
static void
deadline_refresh(long timeout, long long now_ms, long long *armed_ms)
{
	if (*armed_ms < 0 || deadline_passed ||
	    now_ms - *armed_ms >= DEADLINE_SLACK_MS) {
		deadline_arm(timeout);
		*armed_ms = now_ms;
	}
}

/* What the loop carries from one request to the next. */
struct serve_loop {
	const struct service	*svc;
	struct keys		*keys;
	struct conns		 conns;
	sigset_t		 waitmask;
	long			 timeout;
	long long		 armed_ms;
	int			 sock;
	int			 starved;
};

/*
 * Serves one request on c (libfcgi reads it, blocking, under the
 * deadline), then leaves c idle in the set, or closed.
 */
static void
serve_one(struct serve_loop *sl, struct conn *c)
{
	struct request	 req;
	char		 out[RESPONSE_MAX];
	long long	 now_ms = clock_coarse_ms();
	size_t		 n;

	deadline_refresh(sl->timeout, now_ms, &sl->armed_ms);
	/* A peer that closed, stalled past the deadline or broke the
	 * protocol: libfcgi closed the connection. */
	if (FCGX_Accept_r(&c->fr) < 0)
		goto out;
	keys_maybe_reload(sl->keys, now_ms,
	    atomic_exchange(&reload_requested, 0));
	request_from_env(&req, c->fr.envp);
	req.read = read_fcgx;
	req.read_ctx = c->fr.in;
	req.body_until_eof = 1;
	n = handle(sl->svc, &req, out, sizeof(out));
	if (n > 0)
		FCGX_PutStr(out, (int)n, c->fr.out);
	sodium_memzero(out, n > 0 ? n : sizeof(out));
	FCGX_Finish_r(&c->fr);
out:
	if (conns_idle(&sl->conns, c) == -1)
		lerr("cannot keep a connection: %s", strerror(errno));
}

/* Whether fd has something to read now. */
static int
readable_now(int fd)
{
	struct pollfd	 pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) > 0;
}

/*
 * Accepts one connection (the socket is non-blocking: another worker
 * of the pool may have taken it) and serves its first request at once
 * if it is there, as it nearly always is; a connection with nothing
 * sent yet waits in the set like a kept one, holding no one up.
 * 1 when one was accepted, 0 when none was, -1 on an error that ends
 * the worker.
 */
static int
serve_accept(struct serve_loop *sl)
{
	struct conn	*c;
	int		 fd, e;

	if ((fd = accept4(sl->sock, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		e = errno;
		if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR ||
		    e == ECONNABORTED || e == EPROTO)
			return 0;
		if (accept_starved(e, &sl->starved, &sl->waitmask) == 0)
			return 0;
		lerr("accept: %s", strerror(e));
		return -1;
	}
	if (sl->starved) {
		linfo("accept: connections are taken again");
		sl->starved = 0;
	}
	if ((c = conns_open(&sl->conns, fd)) == NULL) {
		lerr("accept: no memory for one more connection");
		close(fd);
		return 1;
	}
	if (readable_now(fd))
		serve_one(sl, c);
	else if (conns_idle(&sl->conns, c) == -1)
		lerr("cannot watch a connection: %s", strerror(errno));
	return 1;
}

int
serve_fcgi(const struct service *svc, struct keys *keys, int sock,
    long timeout, long max_idle)
{
	struct serve_loop	 sl;
	struct epoll_event	 ev[SERVE_EVENTS];
	struct conn		*c;
	sigset_t		 stop;
	long long		 now_ms, looked_ms;
	int			 fl, i, n, rc = 0, ep, listen_ready, status = 0;

	memset(&sl, 0, sizeof(sl));
	sl.svc = svc;
	sl.keys = keys;
	sl.timeout = timeout;
	sl.armed_ms = -1;
	sl.sock = sock;
	if ((fl = fcntl(sock, F_GETFL)) == -1 ||
	    fcntl(sock, F_SETFL, fl | O_NONBLOCK) == -1) {
		lerr("cannot make the listening socket non-blocking: %s",
		    strerror(errno));
		return 1;
	}
	if ((ep = listen_waiter(sock)) == -1) {
		lerr("cannot watch the listening socket: %s", strerror(errno));
		return 1;
	}
	conns_init(&sl.conns, ep, (size_t)max_idle);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &sl.waitmask);
	sigdelset(&sl.waitmask, SIGTERM);
	sigdelset(&sl.waitmask, SIGINT);
	looked_ms = clock_coarse_ms();
	while (!shutdown_requested) {
		now_ms = clock_coarse_ms();
		if (now_ms - looked_ms >= SIGNAL_LOOK_MS) {
			looked_ms = now_ms;
			if (stop_pending(&stop))
				break;
		}
		n = epoll_pwait(ep, ev, SERVE_EVENTS, -1, &sl.waitmask);
		if (n == -1 && errno != EINTR) {
			lerr("epoll_pwait: %s", strerror(errno));
			status = 1;
			break;
		}
		if (shutdown_requested)
			break;
		/* A SIGHUP while idle reloads now, not at the next
		 * request (epoll_pwait is never restarted). */
		if (atomic_exchange(&reload_requested, 0))
			keys_maybe_reload(keys, clock_coarse_ms(), 1);
		if (n <= 0) {
			looked_ms = clock_coarse_ms();
			/*
			 * The timer of the last request is left running
			 * while the worker waits: if it ran out meanwhile,
			 * it only cut the wait short.  Stopped, it wakes
			 * the worker no more; then wait again.
			 */
			if (deadline_passed) {
				deadline_disarm();
				sl.armed_ms = -1;
			}
			continue;
		}
		listen_ready = 0;
		for (i = 0; i < n; i++) {
			if ((c = ev[i].data.ptr) == NULL)
				listen_ready = 1;
			/* Not one closed since, as the least recently used. */
			else if (c->fd >= 0)
				serve_one(&sl, c);
		}
		/*
		 * New connections after the kept ones: a slot they free
		 * is reused only once no event of this round names it.  As
		 * many as the kept ones served, or those waiting would
		 * queue behind the kept ones round after round (a web
		 * server opens more when its kept ones are all busy).
		 */
		for (i = 0; listen_ready && i < SERVE_EVENTS; i++)
			if ((rc = serve_accept(&sl)) <= 0)
				break;
		if (rc == -1) {
			status = 1;
			break;
		}
	}
	deadline_disarm();
	conns_free(&sl.conns);
	close(ep);
	return status;
}
