/*
 * A file shared by the workers of a pool through mmap (the single-use
 * store, the introspection cache): opened safely, as its user, in a
 * folder nobody else can write.  mapfile.c owns only the opening.
 */
#ifndef NV_MAPFILE_H
#define NV_MAPFILE_H

#include <sys/types.h>

/*
 * Opens the folder of path (O_DIRECTORY) after checking that only its
 * owner, root or user, can write in it; *base is the file's name.
 */
int	 mapfile_open_folder(const char *path, uid_t user, const char **base,
	    char *err, size_t errlen);
/* openat(dfd, base) O_RDWR|O_CREAT 0600, as owner:group when root. */
int	 mapfile_open_as_user(int dfd, const char *base, uid_t owner,
	    gid_t group);
/* An fcntl lock (F_WRLCK, F_UNLCK) on the first byte: start-up only. */
int	 mapfile_lock_init(int fd, short type);

#endif
