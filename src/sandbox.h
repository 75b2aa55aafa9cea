/*
 * The worker's confinement after start-up: the switch away from root,
 * no new privileges, and (on Linux with libseccomp) a system call
 * filter that kills the process on any call the request loop does not
 * make.
 */
#ifndef NV_SANDBOX_H
#define NV_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct sandbox_user {
	int	 drop;		/* started as root with `user` set */
	uid_t	 uid;
	gid_t	 gid;
};

/* Looks the configured user up while the user database is readable. */
int	sandbox_user(const char *name, struct sandbox_user *, char *err,
	    size_t errlen);
/*
 * Drops root, sets no-new-privileges, installs the filter unless filter
 * is 0 (the configuration's syscall_filter = no); in order.  net is 1
 * when a store reconnects over a socket (Redis): the filter then also
 * allows socket (AF_INET, AF_INET6, AF_UNIX only) and connect.
 * Returns 0, -1 on failure, or 1 when this build or run has no filter
 * (the reason in err, for the caller to log).
 */
int	sandbox_enter(const char *name, const struct sandbox_user *,
	    int filter, int net, char *err, size_t errlen);
/* Number of system calls the filter allows; 0 when built without. */
size_t	sandbox_filter_size(void);

/*
 * Test hook: with NV_SANDBOX_SELFTEST=execve (or open-write, socket,
 * socket-netlink)
 * read at start-up, the worker makes that forbidden call right after
 * the filter is in place, and must die of SIGSYS.  Unfiltered, the
 * calls fail harmlessly (execve of "/", a write open of "/").
 */
void	sandbox_selftest(const char *what);

/* The filter itself (sandbox_seccomp.c): 0, -1, or 1 for none. */
int	sandbox_filter_install(int net, char *err, size_t errlen);

#endif
