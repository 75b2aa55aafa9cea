/*
 * Leaving root and confining the worker, each step checked and fatal
 * on failure, in the order that keeps each possible: groups, group,
 * user (with a check that root cannot be regained), no new privileges,
 * then the system call filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "log.h"
#include "sandbox.h"

int
sandbox_user(const char *name, struct sandbox_user *u, char *err,
    size_t errlen)
{
	struct passwd	*pw;

	memset(u, 0, sizeof(*u));
	u->uid = (uid_t)-1;
	u->gid = (gid_t)-1;
	if (geteuid() != 0 || name == NULL)
		return 0;
	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		snprintf(err, errlen, "user `%s`: %s", name,
		    errno != 0 ? strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user `%s` is root", name);
		return -1;
	}
	u->drop = 1;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

static int
drop_root(const char *name, const struct sandbox_user *u, char *err,
    size_t errlen)
{
	if (initgroups(name, u->gid) == -1 || setgid(u->gid) == -1 ||
	    setuid(u->uid) == -1) {
		snprintf(err, errlen, "cannot switch to user `%s`: %s", name,
		    strerror(errno));
		return -1;
	}
	/* Belt and braces: root must be gone for good. */
	if (getuid() != u->uid || geteuid() != u->uid ||
	    getgid() != u->gid || getegid() != u->gid ||
	    setuid(0) != -1 || seteuid(0) != -1) {
		snprintf(err, errlen, "switch to user `%s` did not hold",
		    name);
		return -1;
	}
	return 0;
}

int
sandbox_enter(const char *name, const struct sandbox_user *u, int filter,
    int net, char *err, size_t errlen)
{
	if (u->drop && drop_root(name, u, err, errlen) == -1)
		return -1;
#ifdef __linux__
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "cannot set no-new-privileges: %s",
		    strerror(errno));
		return -1;
	}
#endif
	if (!filter) {
		snprintf(err, errlen, "system call filter off: "
		    "syscall_filter = no in the configuration");
		return 1;
	}
	return sandbox_filter_install(net, err, errlen);
}

void
sandbox_selftest(const char *what)
{
	char *const	 argv[] = { NULL };
	int		 rc = 0;

	if (what == NULL || *what == '\0')
		return;
	linfo("sandbox self-test: %s", what);
	/* Each call below is one the filter forbids. */
	if (strcmp(what, "execve") == 0)
		rc = (int)syscall(SYS_execve, "/", argv, argv);
	else if (strcmp(what, "open-write") == 0)
		rc = (int)syscall(SYS_openat, AT_FDCWD, "/", O_WRONLY);
	else if (strcmp(what, "socket") == 0)
		rc = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	else if (strcmp(what, "socket-netlink") == 0)
		rc = (int)syscall(SYS_socket, AF_NETLINK, SOCK_RAW, 0);
	else {
		lerr("sandbox self-test: unknown call `%s`", what);
		_exit(2);
	}
	if (rc >= 0)
		close(rc);
	lerr("sandbox self-test: %s was not stopped", what);
	_exit(3);
}

#ifndef HAVE_SECCOMP
int
sandbox_filter_install(int net, char *err, size_t errlen)
{
	snprintf(err, errlen, "system call filter off: built without "
	    "libseccomp");
	return 1;
}

size_t
sandbox_filter_size(void)
{
	return 0;
}
#endif
