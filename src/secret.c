/*
 * Secret files named in the configuration (a Redis password, the
 * introspection client's secret or key): read whole, refused unless
 * they are regular files only their owner can read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "secret.h"

/*
 * A secret file: a regular file no one but its owner can read or
 * write, of min to size - 1 bytes (one byte more tells a file that is
 * too long).  Read whole into buf; *len its length.
 */
int
secret_read(const char *path, const char *key, size_t min,
    unsigned char *buf, size_t size, size_t *len, char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 got = 0, max = size - 1;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s %s: %s", key, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", key, path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s %s: mode %03o, must be 0600 (no "
		    "access for group or others)", key, path,
		    (unsigned)(st.st_mode & 0777));
		goto out;
	}
	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s %s: %s", key, path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got < min || got > max) {
		snprintf(err, errlen, "%s %s: %zu bytes, must be %zu to %zu",
		    key, path, got, min, max);
		goto out;
	}
	*len = got;
	rc = 0;
out:
	if (rc == -1)
		sodium_memzero(buf, size);
	close(fd);
	return rc;
}

/*
 * A password file: one non-empty line, its final newline (if any)
 * dropped, no NUL or other newline; NUL-terminated in buf.  The file
 * may hold size - 2 bytes, so that the NUL always fits.
 */
int
secret_read_line(const char *path, const char *key, char *buf, size_t size,
    size_t *len, char *err, size_t errlen)
{
	size_t	 n = 0;

	if (secret_read(path, key, 1, (unsigned char *)buf, size - 1, &n, err,
	    errlen) == -1)
		return -1;
	if (buf[n - 1] == '\n')
		n--;
	if (n == 0 || memchr(buf, '\n', n) != NULL ||
	    memchr(buf, '\0', n) != NULL) {
		snprintf(err, errlen, "%s %s: the secret is one non-empty "
		    "line", key, path);
		sodium_memzero(buf, size);
		return -1;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}
