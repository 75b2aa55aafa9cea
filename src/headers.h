/*
 * The request headers this service reads: Authorization (Bearer),
 * Accept, Content-Type and x-correlator.  Pure functions over strings.
 */
#ifndef NV_HEADERS_H
#define NV_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#define CORRELATOR_MAX	256

enum bearer_err {
	BEARER_OK = 0,
	BEARER_MISSING,		/* no Authorization header at all */
	BEARER_MALFORMED	/* another scheme, no token, bad characters */
};

enum bearer_err	 headers_bearer(const char *, const char **, size_t *);
bool		 headers_accepts_json(const char *);
bool		 headers_is_json(const char *);
bool		 headers_correlator_valid(const char *);
bool		 headers_correlator_safe(const char *);

#endif
