/*
 * Routing.  Web servers hand the path over in different ways: the
 * worker may be mounted at the API root (PATH_INFO is /verify), at the
 * server root (PATH_INFO is /number-verification/v0/verify), or behind
 * Apache's mod_proxy_fcgi, which sends the whole path as SCRIPT_NAME
 * and no PATH_INFO.  All three end up here as one operation and one
 * API version.
 */
#include <string.h>

#include "router.h"

#define API_PREFIX	"/number-verification/v"
#define PATH_MAX_LEN	1024

static const struct route_def routes[ROUTE__MAX] = {
	[ROUTE_VERIFY] = { "/verify", "POST", "POST", SCOPE_VERIFY, 1,
	    verify_handle },
	/* HEAD answers as GET, without the body (RFC 9110 9.3.2). */
	[ROUTE_SHARE] = { "/device-phone-number", "GET", "GET, HEAD",
	    SCOPE_SHARE, 0, share_handle },
};

const struct route_def *
router_def(enum route r)
{
	return (unsigned)r < ROUTE__MAX ? &routes[r] : NULL;
}

/*
 * Finds "/number-verification/vN" followed by '/' or the end, where it
 * stands in [s, s+len), N being one or more digits.  Returns its offset
 * or -1, and N in *v, or -1 for a version this service does not serve
 * (v3, v10, v01): such a path names a version, so it must not fall back
 * to the configured one.  *vlen gets the length of the whole prefix.
 */
static long
find_version(const char *s, size_t len, int *v, size_t *vlen)
{
	size_t	 plen = strlen(API_PREFIX), i, d;

	for (i = 0; i + plen < len; i++) {
		if (memcmp(s + i, API_PREFIX, plen) != 0)
			continue;
		for (d = i + plen; d < len && s[d] >= '0' && s[d] <= '9'; d++)
			continue;
		if (d == i + plen || (d < len && s[d] != '/'))
			continue;
		*v = d == i + plen + 1 && s[i + plen] < '0' + API__MAX ?
		    s[i + plen] - '0' : -1;
		*vlen = d - i;
		return (long)i;
	}
	return -1;
}

static int
route_by_path(const char *p, size_t len, enum route *r)
{
	int	 i;

	for (i = 0; i < ROUTE__MAX; i++)
		if (strlen(routes[i].path) == len &&
		    memcmp(routes[i].path, p, len) == 0) {
			*r = i;
			return 1;
		}
	return 0;
}

void
router_match(const char *script_name, const char *path_info,
    const char *request_uri, enum api_version fallback,
    struct route_match *m)
{
	char		 full[PATH_MAX_LEN];
	const char	*op;
	size_t		 oplen, len, vlen;
	long		 at;
	int		 v = -1;

	memset(m, 0, sizeof(*m));
	m->version = fallback;
	if (script_name == NULL)
		script_name = "";
	if (path_info != NULL && *path_info != '\0') {
		/* PATH_INFO is the operation, maybe after a version. */
		op = path_info;
		oplen = strlen(path_info);
		len = strlen(script_name);
		if (len >= sizeof(full) || oplen >= sizeof(full) - len)
			return;
		memcpy(full, script_name, len);
		memcpy(full + len, path_info, oplen + 1);
		if ((at = find_version(op, oplen, &v, &vlen)) == 0) {
			op += vlen;
			oplen -= vlen;
		}
	} else {
		/* No PATH_INFO: the last segment of the request's path. */
		const char *src = request_uri != NULL && *request_uri != '\0' ?
		    request_uri : script_name;

		len = strcspn(src, "?#");
		if (len >= sizeof(full))
			return;
		memcpy(full, src, len);
		full[len] = '\0';
		if ((op = strrchr(full, '/')) == NULL)
			return;
		oplen = strlen(op);
		/* Only a version right before the operation counts. */
		at = find_version(full, (size_t)(op - full), &v, &vlen);
		if (at >= 0 && (size_t)at + vlen != (size_t)(op - full))
			at = -1, v = -1;
	}
	len = strlen(full);
	if (at < 0 && path_info != NULL && *path_info != '\0')
		at = find_version(full, len, &v, &vlen);
	if (at >= 0) {
		if (v < 0)
			return;		/* a version not served: 404 */
		m->version = (enum api_version)v;
	}
	m->found = route_by_path(op, oplen, &m->route);
}
