/*
 * One request as the web server handed it over: the CGI variables this
 * service reads, and a bounded reader for the body.
 */
#ifndef NV_REQUEST_H
#define NV_REQUEST_H

#include <stddef.h>
#include <sys/types.h>

#define BODY_MAX	4096

enum request_var {
	RV_METHOD = 0,
	RV_SCRIPT_NAME,
	RV_PATH_INFO,
	RV_REQUEST_URI,
	RV_AUTHORIZATION,
	RV_ACCEPT,
	RV_CONTENT_TYPE,
	RV_CONTENT_LENGTH,
	RV_CORRELATOR,
	RV__MAX
};

/* Reads up to len bytes; returns the count, 0 at end, -1 on error. */
typedef ssize_t (*request_reader)(void *ctx, char *buf, size_t len);

struct request {
	const char	*var[RV__MAX];
	unsigned	 repeated;	/* bit i: var[i] was given twice */
	request_reader	 read;
	void		*read_ctx;
	int		 body_until_eof; /* FastCGI: stdin ends with EOF */
};

enum body_err {
	BODY_OK = 0,
	BODY_TOO_LARGE,
	BODY_SHORT,		/* fewer bytes than Content-Length said */
	BODY_BAD_LENGTH,	/* Content-Length not a number */
	BODY_READ_ERROR,
	BODY_TIMEOUT		/* not all there within request_timeout */
};

void		 request_from_env(struct request *, char *const *envp);
/* buf must hold max + 1 bytes. */
enum body_err	 request_body(const struct request *, char *buf, size_t max,
		    size_t *len);

#endif
