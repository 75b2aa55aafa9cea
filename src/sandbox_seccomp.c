/*
 * The Linux system call filter (libseccomp): one table of the calls
 * the request loop and the key-set reload make, found with strace -f
 * over the request tests; any other call kills the whole process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox.h"

enum sc_arg {
	SC_ANY = 0,		/* any arguments */
	SC_READ_ONLY,		/* openat: no write, create or truncate */
	SC_NO_EXEC,		/* mmap, mprotect: no executable pages */
	SC_SELF,		/* kill, tgkill: this process only */
	SC_INET,		/* socket: AF_INET, AF_INET6, AF_UNIX */
	SC_UNIX,		/* socketpair: AF_UNIX */
};

struct sc_rule {
	const char	*name;
	enum sc_arg	 arg;
};

static const struct sc_rule sc_rules[] = {
	/* FastCGI and CGI I/O */
	{ "accept", SC_ANY },
	{ "accept4", SC_ANY },
	{ "read", SC_ANY },
	{ "readv", SC_ANY },
	{ "write", SC_ANY },
	{ "writev", SC_ANY },
	{ "poll", SC_ANY },
	{ "ppoll", SC_ANY },
	{ "epoll_create1", SC_ANY },
	{ "epoll_ctl", SC_ANY },
	{ "epoll_pwait", SC_ANY },
	{ "select", SC_ANY },
	{ "pselect6", SC_ANY },
	{ "close", SC_ANY },
	{ "shutdown", SC_ANY },
	{ "setsockopt", SC_ANY },
	{ "getsockopt", SC_ANY },
	{ "getsockname", SC_ANY },
	{ "getpeername", SC_ANY },
	{ "fcntl", SC_ANY },
	{ "lseek", SC_ANY },
	/* the key-set reload: stat the file, read it */
	{ "openat", SC_READ_ONLY },
	{ "stat", SC_ANY },
	{ "fstat", SC_ANY },
	{ "lstat", SC_ANY },
	{ "newfstatat", SC_ANY },
	{ "statx", SC_ANY },
	/* memory */
	{ "brk", SC_ANY },
	{ "mmap", SC_NO_EXEC },
	{ "mprotect", SC_NO_EXEC },
	{ "munmap", SC_ANY },
	{ "mremap", SC_ANY },
	{ "madvise", SC_ANY },
	/* time, signals, the request deadline, the shared store's lock */
	{ "clock_gettime", SC_ANY },
	{ "gettimeofday", SC_ANY },
	{ "time", SC_ANY },
	{ "setitimer", SC_ANY },
	{ "rt_sigaction", SC_ANY },
	{ "rt_sigprocmask", SC_ANY },
	{ "rt_sigtimedwait", SC_ANY },
	{ "rt_sigreturn", SC_ANY },
	{ "restart_syscall", SC_ANY },
	{ "futex", SC_ANY },
	{ "getpid", SC_ANY },
	{ "gettid", SC_ANY },
	{ "getrandom", SC_ANY },
	/* abort() on a failed assertion raises SIGABRT on itself */
	{ "kill", SC_SELF },
	{ "tgkill", SC_SELF },
	{ "exit", SC_ANY },
	{ "exit_group", SC_ANY },
};

/*
 * A Redis store reconnects after a failure, from inside the sandbox:
 * a new socket of the families a redis_url can name, and connect.
 * The introspection client (libcurl, found with strace over
 * tests/introspect.test) also sends and receives with sendto and
 * recvfrom, and makes one AF_UNIX socketpair, its wake-up pipe.  Only
 * with single_use_store = redis or introspection_endpoint set.  No
 * name-service call: the Redis address was resolved before the
 * filter, and libcurl takes an IP literal or "localhost" without one;
 * any other host name would make it start a resolver thread (clone),
 * which the filter kills (see README, "Opaque tokens").
 */
static const struct sc_rule sc_net_rules[] = {
	{ "socket", SC_INET },
	{ "socketpair", SC_UNIX },
	{ "connect", SC_ANY },
	{ "sendto", SC_ANY },
	{ "recvfrom", SC_ANY },
};

#define SC_RULES	(sizeof(sc_rules) / sizeof(sc_rules[0]))
#define SC_NET_RULES	(sizeof(sc_net_rules) / sizeof(sc_net_rules[0]))

size_t
sandbox_filter_size(void)
{
	return SC_RULES;
}

/*
 * The comparisons are spelled out whole rather than with SCMP_A0():
 * that macro leaves datum_b unset, which clang's -Wextra refuses.
 */
static int
sc_add(scmp_filter_ctx ctx, const struct sc_rule *r, int nr)
{
	struct scmp_arg_cmp	 cmp;
	static const int	 families[] = { AF_INET, AF_INET6, AF_UNIX };
	size_t			 i;
	int			 e;

	switch (r->arg) {
	case SC_INET:
		for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
			cmp = (struct scmp_arg_cmp){ 0, SCMP_CMP_EQ,
			    (scmp_datum_t)families[i], 0 };
			if ((e = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW,
			    nr, 1, &cmp)) != 0)
				return e;
		}
		return 0;
	case SC_UNIX:
		cmp = (struct scmp_arg_cmp){ 0, SCMP_CMP_EQ,
		    (scmp_datum_t)AF_UNIX, 0 };
		break;
	case SC_READ_ONLY:
		cmp = (struct scmp_arg_cmp){ 2, SCMP_CMP_MASKED_EQ,
		    O_ACCMODE | O_CREAT | O_TRUNC, O_RDONLY };
		break;
	case SC_NO_EXEC:
		cmp = (struct scmp_arg_cmp){ 2, SCMP_CMP_MASKED_EQ,
		    PROT_EXEC, 0 };
		break;
	case SC_SELF:
		cmp = (struct scmp_arg_cmp){ 0, SCMP_CMP_EQ,
		    (scmp_datum_t)getpid(), 0 };
		break;
	case SC_ANY:
	default:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
}

/*
 * AddressSanitizer's leak check at exit forks a tracer, which the
 * filter would kill: a sanitizer build (./configure
 * --enable-sanitizers, an explicit choice) runs without it.  Nothing
 * in the environment turns the filter off; valgrind, whose own calls
 * it would kill too, is given syscall_filter = no in the
 * configuration (see sandbox.c).
 */
static int
sc_unfilterable(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#endif
#endif
	return 0;
}

/* Adds each rule of the table; a call this architecture lacks is none. */
static int
sc_add_table(scmp_filter_ctx ctx, const struct sc_rule *rules, size_t n,
    char *err, size_t errlen)
{
	size_t	 i;
	int	 nr, e;

	for (i = 0; i < n; i++) {
		if ((nr = seccomp_syscall_resolve_name(rules[i].name)) ==
		    __NR_SCMP_ERROR || nr < 0)
			continue;
		if ((e = sc_add(ctx, &rules[i], nr)) != 0) {
			snprintf(err, errlen, "seccomp: rule for %s: %s",
			    rules[i].name, strerror(-e));
			return -1;
		}
	}
	return 0;
}

int
sandbox_filter_install(int net, char *err, size_t errlen)
{
	scmp_filter_ctx	 ctx;
	int		 rc = -1, e;

	if (sc_unfilterable()) {
		snprintf(err, errlen, "system call filter off: sanitizer "
		    "build");
		return 1;
	}
	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL) {
		snprintf(err, errlen, "seccomp: cannot initialise");
		return -1;
	}
	if (sc_add_table(ctx, sc_rules, SC_RULES, err, errlen) == -1 ||
	    (net && sc_add_table(ctx, sc_net_rules, SC_NET_RULES, err,
	    errlen) == -1))
		goto out;
	if ((e = seccomp_load(ctx)) != 0) {
		snprintf(err, errlen, "seccomp: cannot load the filter: %s",
		    strerror(-e));
		goto out;
	}
	rc = 0;
out:
	seccomp_release(ctx);
	return rc;
}
