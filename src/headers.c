/*
 * Header parsing.  Each function takes the raw value the web server
 * passed (or NULL when the header was absent) and never allocates.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "headers.h"

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* The characters of a compact JOSE serialization: base64url and '.'. */
static const char jose_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

/*
 * Authorization: Bearer <token> (RFC 6750 section 2.1).  The scheme is
 * case-insensitive (RFC 7235); spaces between scheme and token are
 * tolerated, trailing white space too, nothing else.
 */
enum bearer_err
headers_bearer(const char *v, const char **tok, size_t *len)
{
	const char	*p, *e, *tail;

	*tok = NULL;
	*len = 0;
	if (v == NULL)
		return BEARER_MISSING;
	if (strncasecmp(v, "Bearer", 6) != 0 || !is_ows(v[6]))
		return BEARER_MALFORMED;
	for (p = v + 6; is_ows(*p); p++)
		continue;
	e = p + strspn(p, jose_chars);
	if (e == p)
		return BEARER_MALFORMED;
	tail = e;
	while (is_ows(*tail))
		tail++;
	if (*tail != '\0')
		return BEARER_MALFORMED;
	/* Set only on success: a caller never sees half a token. */
	*tok = p;
	*len = (size_t)(e - p);
	return BEARER_OK;
}

/* Compares the media type at p (up to ';', ',' or white space). */
static bool
media_is(const char *p, size_t n, const char *type)
{
	return n == strlen(type) && strncasecmp(p, type, n) == 0;
}

/* Reads q= from a media range's parameters; 1 when absent. */
static double
accept_q(const char *p, const char *end)
{
	const char	*q;

	for (q = p; q < end; q++) {
		if (*q != ';')
			continue;
		q++;
		while (q < end && is_ows(*q))
			q++;
		if (end - q >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
			return strtod(q + 2, NULL);
	}
	return 1.0;
}

/*
 * Whether an Accept header admits application/json: absent, empty, or
 * a range application/json, application/ * or * / * with q above 0.
 */
bool
headers_accepts_json(const char *v)
{
	const char	*p = v, *end, *t;
	size_t		 n;

	if (v == NULL)
		return true;
	while (*p != '\0' && (is_ows(*p) || *p == ','))
		p++;
	if (*p == '\0')
		return true;
	while (*p != '\0') {
		while (is_ows(*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		for (t = p; t < end && *t != ';' && !is_ows(*t); t++)
			continue;
		n = (size_t)(t - p);
		if ((media_is(p, n, "application/json") ||
		    media_is(p, n, "application/*") ||
		    media_is(p, n, "*/*")) && accept_q(t, end) > 0)
			return true;
		p = end;
	}
	return false;
}

/* Content-Type: application/json, parameters such as charset allowed. */
bool
headers_is_json(const char *v)
{
	const char	*t;

	if (v == NULL)
		return false;
	while (is_ows(*v))
		v++;
	for (t = v; *t != '\0' && *t != ';' && !is_ows(*t); t++)
		continue;
	if (!media_is(v, (size_t)(t - v), "application/json"))
		return false;
	while (is_ows(*t))
		t++;
	return *t == '\0' || *t == ';';
}

/*
 * The Commonalities pattern ^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$, written
 * out: glibc's regcomp cannot take that bracket as the YAML spells it.
 */
bool
headers_correlator_valid(const char *v)
{
	size_t	 i;

	for (i = 0; v[i] != '\0'; i++) {
		char c = v[i];

		if (i == CORRELATOR_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_:;./<>{}", c) != NULL))
			return false;
	}
	return true;
}

/*
 * Whether a correlator may be echoed into a response header under the
 * versions without a pattern: printable ASCII only, so no CR, LF or
 * other control byte can split the response.
 */
bool
headers_correlator_safe(const char *v)
{
	size_t	 i;

	for (i = 0; v[i] != '\0'; i++)
		if (i == CORRELATOR_MAX || (unsigned char)v[i] < 0x20 ||
		    (unsigned char)v[i] > 0x7e)
			return false;
	return true;
}
