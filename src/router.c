/*
 * Routing.  Web servers hand the path over in different ways: the
 * worker may be mounted at the API root (PATH_INFO is /verify), at the
 * server root (PATH_INFO is /number-verification/v0/verify), or behind
 * Apache's mod_proxy_fcgi, which sends the whole path as SCRIPT_NAME
 * and no PATH_INFO.  All three end up here as one operation and one
 * API version, each read from one exact place: a path with anything
 * more is a 404.
 */
#include <string.h>

#include "router.h"

#define API_PREFIX	"/number-verification/v"
#define PATH_MAX_LEN	1024

static const struct route_def routes[ROUTE__MAX] = {
	[ROUTE_VERIFY] = { "/verify", "POST", "POST", SCOPE_VERIFY, 1,
	    verify_handle, NULL },
	/* HEAD answers as GET, without the body (RFC 9110 9.3.2). */
	[ROUTE_SHARE] = { "/device-phone-number", "GET", "GET, HEAD",
	    SCOPE_SHARE, 0, share_handle, NULL },
	/* For the local scraper only: the web server keeps others out. */
	[ROUTE_METRICS] = { NULL, "GET", "GET, HEAD", SCOPE__MAX, 0, NULL,
	    metrics_route_handle },
};

const struct route_def *
router_def(enum route r)
{
	return (unsigned)r < ROUTE__MAX ? &routes[r] : NULL;
}

/*
 * The length of "/number-verification/vN" at the start of [s, s+len),
 * N being one or more digits followed by '/' or the end; 0 when s
 * does not start so.  *v is N, or -1 for a version this service does
 * not serve (v3, v10, v01): such a path names a version, so it must
 * not fall back to the configured one.
 */
static size_t
version_prefix(const char *s, size_t len, int *v)
{
	size_t	 plen = strlen(API_PREFIX), d;

	if (len <= plen || memcmp(s, API_PREFIX, plen) != 0)
		return 0;
	for (d = plen; d < len && s[d] >= '0' && s[d] <= '9'; d++)
		continue;
	if (d == plen || (d < len && s[d] != '/'))
		return 0;
	*v = d == plen + 1 && s[plen] < '0' + API__MAX ? s[plen] - '0' : -1;
	return d;
}

/*
 * Whether the mount (SCRIPT_NAME) names a version: 1 when it ends
 * with "/number-verification/vN" (N in *v), 0 when it holds none, and
 * -1 when it holds one elsewhere, a mount that cannot be read.
 */
static int
mount_version(const char *s, size_t len, int *v)
{
	size_t	 i, n;

	for (i = 0; i < len; i++)
		if ((n = version_prefix(s + i, len - i, v)) > 0)
			return i + n == len ? 1 : -1;
	return 0;
}

static int
route_by_path(const char *p, size_t len, enum route *r)
{
	int	 i;

	for (i = 0; i < ROUTE__MAX; i++)
		if (routes[i].path != NULL && strlen(routes[i].path) == len &&
		    memcmp(routes[i].path, p, len) == 0) {
			*r = i;
			return 1;
		}
	return 0;
}

/*
 * A path relative to a mount that names no version: exactly
 * "/operation" (the configured version) or
 * "/number-verification/vN/operation".  Anything with more segments
 * names nothing: the version must not come from some later part of
 * the path.
 */
static void
match_relative(const char *p, size_t len, struct route_match *m)
{
	size_t	 vlen;
	int	 v;

	if ((vlen = version_prefix(p, len, &v)) > 0) {
		if (v < 0)
			return;		/* a version not served: 404 */
		m->version = (enum api_version)v;
		p += vlen;
		len -= vlen;
	}
	m->found = route_by_path(p, len, &m->route);
}

/*
 * With PATH_INFO, SCRIPT_NAME is the mount: when it names a version,
 * that is the version and PATH_INFO the operation alone; else
 * PATH_INFO is the path relative to it.  Without PATH_INFO (Apache's
 * mod_proxy_fcgi, nginx without fastcgi_split_path_info) the mount is
 * unknown, and the request's whole path, REQUEST_URI's (else
 * SCRIPT_NAME) without the query, must be the path relative to it.
 */
void
router_match(const char *script_name, const char *path_info,
    const char *request_uri, enum api_version fallback,
    struct route_match *m)
{
	const char	*path;
	size_t		 snlen, len;
	int		 v = -1;

	memset(m, 0, sizeof(*m));
	m->version = fallback;
	if (script_name == NULL)
		script_name = "";
	if (path_info == NULL || *path_info == '\0') {
		path = request_uri != NULL && *request_uri != '\0' ?
		    request_uri : script_name;
		if ((len = strcspn(path, "?#")) < PATH_MAX_LEN)
			match_relative(path, len, m);
		return;
	}
	snlen = strlen(script_name);
	len = strlen(path_info);
	if (snlen >= PATH_MAX_LEN || len >= PATH_MAX_LEN - snlen)
		return;
	switch (mount_version(script_name, snlen, &v)) {
	case 1:
		if (v < 0)
			return;		/* a version not served: 404 */
		m->version = (enum api_version)v;
		m->found = route_by_path(path_info, len, &m->route);
		break;
	case 0:
		match_relative(path_info, len, m);
		break;
	default:
		break;
	}
}

int
router_match_path(const char *path, const char *script_name,
    const char *path_info, const char *request_uri)
{
	size_t	 len, snlen;

	if (path == NULL)
		return 0;
	if (request_uri != NULL && *request_uri != '\0') {
		len = strcspn(request_uri, "?#");
		return len == strlen(path) && memcmp(request_uri, path, len) == 0;
	}
	if (script_name == NULL)
		script_name = "";
	if (path_info == NULL)
		path_info = "";
	snlen = strlen(script_name);
	len = strlen(path);
	return snlen <= len && memcmp(script_name, path, snlen) == 0 &&
	    strcmp(path_info, path + snlen) == 0;
}
