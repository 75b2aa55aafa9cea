/*
 * A state file several workers share (the single-use store, the
 * metrics): opened in a folder only its owner can write, as the
 * service's user when started as root, and checked to be that user's
 * own regular file of mode 0600 with one name.
 */
#ifndef NV_STATEFILE_H
#define NV_STATEFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Opens or creates path (O_RDWR, mode 0600) as owner:group when they
 * are not (uid_t)-1 and the process is root, else as itself.  what
 * names the file in errors ("store", "metrics file").  Returns the
 * descriptor (close-on-exec), or -1 with err filled.
 */
int	statefile_open(const char *path, uid_t owner, gid_t group,
	    const char *what, char *err, size_t errlen);

/*
 * Takes (F_WRLCK) or gives back (F_UNLCK) the fcntl lock on the file's
 * first byte that serializes workers starting at once; waits for it.
 */
int	statefile_lock(int fd, short type);

#endif
