/*
 * Strict parsing of one JSON object from untrusted bytes (request
 * bodies, JOSE headers and claim sets, key sets).
 */
#ifndef NV_JPARSE_H
#define NV_JPARSE_H

#include <stddef.h>

#include <json-c/json.h>

enum jparse_err {
	JPARSE_OK = 0,
	JPARSE_EMPTY,		/* no bytes, or only white space */
	JPARSE_NUL,		/* an embedded NUL byte */
	JPARSE_SYNTAX,		/* not JSON, or not UTF-8 */
	JPARSE_DEPTH,		/* nested deeper than allowed */
	JPARSE_TRAILING,	/* bytes after the value */
	JPARSE_NOT_OBJECT,	/* a JSON value, but not an object */
	JPARSE_DUPLICATE,	/* a member name given twice */
	JPARSE_NAME_NUL,	/* a member name holding \u0000 */
	JPARSE_NOMEM,
	JPARSE__MAX
};

#define JPARSE_DEPTH_MAX	16

enum jparse_err	 jparse_object(const char *, size_t, struct json_object **);
const char	*jparse_strerror(enum jparse_err);
/* A member's value when it is a string, else NULL. */
const char	*jparse_string(struct json_object *, const char *name);
/*
 * The same, exact: NULL also when the string holds a NUL (it would
 * read as a shorter one).  *len gets its length, *present whether the
 * member is there at all; either may be NULL.
 */
const char	*jparse_member(struct json_object *, const char *name,
		    size_t *len, int *present);

#endif
