/*
 * The unknown-kid counter (see kidwant.h).  The file only grows to
 * KIDWANT_FILE_SIZE, never shrinks, so a mapping of it stays valid;
 * the counter is read and written with atomic operations, since the
 * workers of a pool and nv-keysync share it.  Its value means nothing
 * but "moved": nothing secret is in it, and a process that can write
 * it can only ask for one fetch per jwks_refresh_min.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kidwant.h"

static int
kidwant_map(struct kidwant *w, const char *path, int writable, char *err,
    size_t errlen)
{
	struct stat	 st;
	void		*m;
	int		 fd, rc = -1, saved;

	memset(w, 0, sizeof(*w));
	w->last_ms = -1;
	fd = writable ?
	    open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644) :
	    open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		errno = EINVAL;
		goto out;
	}
	if (st.st_size < KIDWANT_FILE_SIZE) {
		/* Only the worker grows it; the reader waits for that. */
		if (!writable || ftruncate(fd, KIDWANT_FILE_SIZE) == -1) {
			snprintf(err, errlen, "%s: shorter than %d bytes%s%s",
			    path, KIDWANT_FILE_SIZE, writable ? ": " : "",
			    writable ? strerror(errno) : "");
			errno = writable ? errno : ENOENT;
			goto out;
		}
	}
	m = mmap(NULL, KIDWANT_FILE_SIZE, writable ? PROT_READ | PROT_WRITE :
	    PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		goto out;
	}
	w->counter = m;
	w->writable = writable;
	rc = 0;
out:
	saved = errno;
	close(fd);		/* the mapping holds the file */
	errno = saved;
	return rc;
}

int
kidwant_open(struct kidwant *w, const char *path, char *err, size_t errlen)
{
	return kidwant_map(w, path, 1, err, errlen);
}

int
kidwant_open_reader(struct kidwant *w, const char *path, char *err,
    size_t errlen)
{
	return kidwant_map(w, path, 0, err, errlen);
}

int
kidwant_bump(struct kidwant *w, long long now_ms)
{
	if (w == NULL || w->counter == NULL || !w->writable)
		return 0;
	/* A flood of made-up kids costs one store a second per worker. */
	if (w->last_ms >= 0 && now_ms - w->last_ms < KIDWANT_EVERY_MS)
		return 0;
	w->last_ms = now_ms;
	__atomic_fetch_add(w->counter, 1, __ATOMIC_RELAXED);
	return 1;
}

uint64_t
kidwant_read(const struct kidwant *w)
{
	if (w == NULL || w->counter == NULL)
		return 0;
	return __atomic_load_n(w->counter, __ATOMIC_RELAXED);
}

void
kidwant_close(struct kidwant *w)
{
	if (w->counter != NULL)
		munmap(w->counter, KIDWANT_FILE_SIZE);
	memset(w, 0, sizeof(*w));
}
