/*
 * Opening a file the workers of a pool share through mmap: the checks
 * on its folder and the creation as the service's user.  What is in
 * the file is replay.c's or icache.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mapfile.h"

int
mapfile_lock_init(int fd, short type)
{
	struct flock	 fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_len = 1;
	while (fcntl(fd, F_SETLKW, &fl) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

/*
 * The file's folder, opened so that the file is then opened relative
 * to what was checked.  Nobody but its owner may write in it, and its
 * owner is root or the file's user: anyone else who could write there
 * could swap the file for a link between our checks and our use.
 */
int
mapfile_open_folder(const char *path, uid_t user, const char **base, char *err,
    size_t errlen)
{
	struct stat	 st;
	const char	*slash = strrchr(path, '/');
	char		*dir;
	int		 dfd;

	*base = slash != NULL ? slash + 1 : path;
	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(dfd, &st) == -1) {
		snprintf(err, errlen, "%s: folder %s: %s", path, dir,
		    strerror(errno));
		goto fail;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (st.st_uid != 0 && st.st_uid != user)) {
		snprintf(err, errlen, "%s: folder %s (mode %04o, owner uid "
		    "%lu) must be writable by its owner alone, and belong to "
		    "root or to the file's user (uid %lu)", path, dir,
		    (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid,
		    (unsigned long)user);
		goto fail;
	}
	free(dir);
	return dfd;
fail:
	if (dfd != -1)
		close(dfd);
	free(dir);
	return -1;
}

/*
 * Opens or creates the file as the file's user when started as root
 * (effective ids only, given back at once): root's rights must not
 * open a file the user could not, such as a root-owned file linked in
 * by the user, nor create one the user would then not own.
 */
int
mapfile_open_as_user(int dfd, const char *base, uid_t owner, gid_t group)
{
	gid_t	 egid = getegid();
	int	 fd, e, switched = owner != (uid_t)-1 && geteuid() == 0;

	if (switched && setegid(group) == -1)
		return -1;
	if (switched && seteuid(owner) == -1) {
		/* Start-up fails either way; say the worse failure. */
		e = errno;
		if (setegid(egid) == -1)
			e = errno;
		errno = e;
		return -1;
	}
	fd = openat(dfd, base, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	e = errno;
	if (switched && (seteuid(0) == -1 || setegid(egid) == -1)) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	errno = e;
	return fd;
}

