/*
 * A secret file: a regular file of mode 0600 (nothing for group or
 * others), read whole.
 */
#ifndef NV_SECRET_H
#define NV_SECRET_H

#include <stddef.h>

/*
 * Reads path (named key in errors) into buf: min to size - 1 bytes,
 * one more tells a file that is too long; *len its length.  buf is
 * wiped on failure.
 */
int	secret_read(const char *path, const char *key, size_t min,
	    unsigned char *buf, size_t size, size_t *len, char *err,
	    size_t errlen);

/*
 * The same for a file of one non-empty line (a password): the final
 * newline dropped, NUL-terminated in buf; *len the line's length.
 */
int	secret_read_line(const char *path, const char *key, char *buf,
	    size_t size, size_t *len, char *err, size_t errlen);

#endif
