/*
 * nv-fcgi: the Number Verification service as a FastCGI application.
 * Owns start-up (options, configuration, key set), the accept loop and
 * signals.  Started by a web server, spawn-fcgi or systemd it finds its
 * listening socket on fd 0; with -s or -b it opens its own; with
 * neither and no socket on fd 0 it answers one CGI request and exits.
 * Once set up it confines itself (sandbox.c), and every request runs
 * against a deadline of request_timeout seconds.
 * Before each FastCGI request it lets the key set pick up a replaced
 * file, and re-reads it after SIGHUP.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "log.h"
#include "config.h"
#include "deckeys.h"
#include "keys.h"
#include "listen.h"
#include "replay.h"
#include "sandbox.h"
#include "service.h"

#define EX_USAGE_CODE	64
#define EX_CONFIG_CODE	78
#define EX_SOFTWARE_CODE 70
#define DEADLINE_NUDGE_USEC	100000	/* SIGALRM again after the deadline */

extern char **environ;

static volatile sig_atomic_t shutdown_requested;
static volatile sig_atomic_t deadline_passed;
static volatile sig_atomic_t reload_requested;

static void
usage(FILE *f)
{
	fprintf(f, "usage: nv-fcgi [-c config] [-s socket-path | -b host:port]\n"
	    "  -c FILE   configuration (else $NV_CONFIG, else %s)\n"
	    "  -s PATH   listen on a Unix socket\n"
	    "  -b H:P    listen on TCP host:port\n"
	    "  -h        this help\n"
	    "  -V        version\n", NV_DEFAULT_CONFIG);
}

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
	reload_requested = 1;
}

/*
 * No SA_RESTART: a blocked accept() must return so the loop can end,
 * and a read or write blocked past the deadline must fail.
 */
static void
install_signals(void)
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

static int
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

/* Waits until fd is readable, with SIGTERM and SIGINT let in. */
static int
wait_ready(int fd, const sigset_t *waitmask)
{
	struct pollfd	 pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (ppoll(&pfd, 1, NULL, waitmask) == -1 && errno != EINTR) {
		lerr("ppoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Whether a SIGTERM or SIGINT came while they were blocked, taken from
 * the pending set without waiting.  A ppoll() with a zero timeout does
 * not do: with a connection ready it returns that, and leaves the
 * signal pending.
 */
static int
stop_pending(const sigset_t *stop)
{
	static const struct timespec	 zero = { 0, 0 };

	return sigtimedwait(stop, NULL, &zero) > 0;
}

/*
 * An epoll instance watching the listening socket with EPOLLEXCLUSIVE,
 * so that a connection wakes one idle worker of the pool: poll() on a
 * socket the workers share wakes every one of them, and all but one
 * then find nothing to accept (the floors' blocking accept() wakes one
 * too).  -1, with errno, when it cannot be made.
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
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sock, &ev) == -1) {
		e = errno;
		close(ep);
		errno = e;
		return -1;
	}
	return ep;
}

/* Waits for a connection on the listening socket, signals let in. */
static int
wait_listen(int ep, const sigset_t *waitmask)
{
	struct epoll_event	 ev;

	if (epoll_pwait(ep, &ev, 1, -1, waitmask) == -1 && errno != EINTR) {
		lerr("epoll_pwait: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Gives the accept, the parameters, the body and the answer
 * request_timeout seconds together.  The listening socket is
 * non-blocking, so a worker that lost the race for a connection to
 * another worker of the pool goes back to waiting.
 *
 * SIGTERM and SIGINT are blocked all the time except inside the waits
 * (ppoll(), epoll_pwait()):
 * the handler installs no SA_RESTART, and a signal landing in libfcgi's
 * accept or in a read() or write() of the request would make it drop
 * that connection or fail that stream, cutting the request in hand.
 * SIGALRM, the deadline, is never blocked: cutting a stalled request
 * is its purpose.
 *
 * Under load a connection is already waiting when a request ends, so
 * the worker accepts it at once.  It waits only when accept finds
 * nothing, in epoll_pwait() on the listening socket (listen_waiter())
 * or in ppoll() on a kept connection; and it looks every
 * SIGNAL_LOOK_MS for a SIGTERM blocked meanwhile (stop_pending()).
 * The deadline is re-armed only every DEADLINE_SLACK_MS and not
 * disarmed between requests (deadline_refresh()), so a busy worker
 * makes neither a poll nor a setitimer() for most requests.
 */
#define SIGNAL_LOOK_MS	100
#define DEADLINE_SLACK_MS	10

/*
 * Arms the deadline for the request about to be accepted, unless the
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

static int
serve_fcgi(const struct service *svc, struct keys *keys, int sock,
    long timeout)
{
	FCGX_Request	 fr;
	struct request	 req;
	sigset_t	 stop, waitmask;
	char		 out[RESPONSE_MAX];
	long long	 now_ms, looked_ms, armed_ms = -1;
	size_t		 n;
	int		 fl, rc, force, block, ep, idle = 1;

	if (FCGX_InitRequest(&fr, sock, 0) != 0) {
		lerr("cannot initialise the FastCGI request");
		return 1;
	}
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
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	looked_ms = keys_clock_ms();
	while (!shutdown_requested) {
		now_ms = keys_clock_ms();
		/* A kept connection waits for its next request, as before. */
		block = idle || fr.ipcFd >= 0;
		if (!block && now_ms - looked_ms >= SIGNAL_LOOK_MS) {
			looked_ms = now_ms;
			if (stop_pending(&stop)) {
				shutdown_requested = 1;
				break;
			}
		}
		if (block) {
			rc = fr.ipcFd >= 0 ? wait_ready(fr.ipcFd, &waitmask) :
			    wait_listen(ep, &waitmask);
			if (rc == -1)
				break;
			looked_ms = now_ms = keys_clock_ms();
			if (shutdown_requested)
				break;
			/*
			 * The timer of the last request is left running
			 * while the worker waits: if it ran out meanwhile,
			 * it only cut the wait short.  Stopped, it wakes
			 * the worker no more; then wait again.
			 */
			if (deadline_passed) {
				deadline_disarm();
				armed_ms = -1;
				continue;
			}
		}
		deadline_refresh(timeout, now_ms, &armed_ms);
		if ((rc = FCGX_Accept_r(&fr)) < 0) {
			/* Taken by another worker, or a peer that stalled. */
			if (rc == -EAGAIN || rc == -EWOULDBLOCK ||
			    rc == -EINTR) {
				idle = 1;
				continue;
			}
			break;
		}
		idle = 0;
		force = reload_requested;
		reload_requested = 0;
		keys_maybe_reload(keys, now_ms, force);
		request_from_env(&req, fr.envp);
		req.read = read_fcgx;
		req.read_ctx = fr.in;
		req.body_until_eof = 1;
		n = handle(svc, &req, out, sizeof(out));
		if (n > 0)
			FCGX_PutStr(out, (int)n, fr.out);
		sodium_memzero(out, n > 0 ? n : sizeof(out));
		FCGX_Finish_r(&fr);
	}
	deadline_disarm();
	close(ep);
	FCGX_Free(&fr, 1);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct keys	 keys;
	struct deckeys	 dec;
	struct service	 svc;
	struct sandbox_user su;
	const char	*conf = NULL, *sock_path = NULL, *bind_addr = NULL;
	const char	*selftest;
	char		 err[CONFIG_ERR_MAX];
	int		 ch, sock = 0, rc, cgi = 0;

	log_set_name("nv-fcgi");
	while ((ch = getopt(argc, argv, "b:c:hs:V")) != -1) {
		switch (ch) {
		case 'b':
			bind_addr = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 's':
			sock_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("nv-fcgi %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_CODE;
		}
	}
	if (optind != argc || (sock_path != NULL && bind_addr != NULL)) {
		usage(stderr);
		return EX_USAGE_CODE;
	}
	if (conf == NULL && (conf = getenv("NV_CONFIG")) == NULL)
		conf = NV_DEFAULT_CONFIG;
	if (sodium_init() < 0) {
		lerr("libsodium could not be initialised");
		return 1;
	}
	if (config_load(&cfg, conf, err, sizeof(err)) == -1) {
		lerr("%s", err);
		return EX_CONFIG_CODE;
	}
	if (keys_open(&keys, cfg.jwks_file, keys_clock_ms(), err,
	    sizeof(err)) == -1) {
		lerr("%s", err);
		config_free(&cfg);
		return EX_CONFIG_CODE;
	}
	memset(&dec, 0, sizeof(dec));
	svc.cfg = &cfg;
	svc.keys = &keys.set;
	svc.deckeys = NULL;
	svc.replay = NULL;
	if (cfg.decryption_keys_file != NULL) {
		/* Better no start than a worker that refuses every token. */
		if (!crypto_aead_aes256gcm_is_available()) {
			lerr("%s: decryption_keys_file is set, but this CPU "
			    "has no AES-GCM instructions libsodium can use "
			    "(crypto_aead_aes256gcm_is_available() is 0), so "
			    "encrypted tokens cannot be decrypted", conf);
			rc = EX_CONFIG_CODE;
			goto out;
		}
		if (deckeys_load(&dec, cfg.decryption_keys_file,
		    DECKEYS_PRIVATE, err, sizeof(err)) == -1) {
			lerr("%s", err);
			rc = EX_CONFIG_CODE;
			goto out;
		}
		svc.deckeys = &dec;
	}
	/* Read now: the environment is the test's, not a client's. */
	selftest = getenv("NV_SANDBOX_SELFTEST");
	if (sandbox_user(cfg.user, &su, err, sizeof(err)) == -1) {
		lerr("%s", err);
		rc = EX_CONFIG_CODE;
		goto out;
	}
	if (cfg.single_use && replay_open(&svc.replay, cfg.single_use_file,
	    (size_t)cfg.single_use_capacity, su.uid, su.gid, err,
	    sizeof(err)) == -1) {
		lerr("%s", err);
		rc = EX_CONFIG_CODE;
		goto out;
	}
	install_signals();
	if (FCGX_Init() != 0) {
		lerr("cannot initialise libfcgi");
		rc = 1;
		goto out;
	}
	if (sock_path != NULL || bind_addr != NULL) {
		sock = sock_path != NULL ?
		    listen_unix(sock_path, err, sizeof(err)) :
		    listen_tcp(bind_addr, err, sizeof(err));
		if (sock < 0) {
			lerr("cannot listen on %s", err);
			rc = 1;
			goto out;
		}
	} else
		cgi = FCGX_IsCGI();
	/*
	 * A CGI process runs as the web server makes it, once per request:
	 * only a long-lived worker left as root is worth a warning.
	 */
	if (!cgi && !su.drop && geteuid() == 0)
		lwarn("running as root: set `user` in the configuration");
	/* Everything opened: from here on the worker needs no more. */
	if ((rc = sandbox_enter(cfg.user, &su, cfg.syscall_filter, err,
	    sizeof(err))) == -1) {
		lerr("%s", err);
		rc = EX_SOFTWARE_CODE;
		goto out;
	}
	/* Said in CGI mode too, once per process: never off unseen. */
	if (rc == 1)
		lwarn("%s", err);
	sandbox_selftest(selftest);
	rc = cgi ? serve_cgi(&svc, cfg.request_timeout) :
	    serve_fcgi(&svc, &keys, sock, cfg.request_timeout);
out:
	deckeys_free(&dec);
	replay_close(svc.replay);
	keys_close(&keys);
	config_free(&cfg);
	return rc;
}
