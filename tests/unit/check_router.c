/*
 * Routing (router.c): every way a web server hands the path over
 * (API-root mount, server-root mount, Apache mod_proxy_fcgi without
 * PATH_INFO), the API version found in it, unknown versions and paths,
 * and the api_version fallback.
 */
#include <string.h>

#include "router.h"
#include "unit.h"

enum { NF = -1 };	/* expected: not found */

struct rcase {
	const char	*script_name;
	const char	*path_info;
	const char	*request_uri;
	enum api_version fallback;
	int		 route;		/* enum route, or NF */
	enum api_version version;	/* when found */
};

static void
run(const struct rcase *cs, size_t n)
{
	struct route_match	 m;
	size_t			 i;

	for (i = 0; i < n; i++) {
		const struct rcase *c = &cs[i];

		router_match(c->script_name, c->path_info, c->request_uri,
		    c->fallback, &m);
		if (c->route == NF) {
			ck_assert_msg(!m.found, "case %zu: SCRIPT_NAME=%s "
			    "PATH_INFO=%s REQUEST_URI=%s found route %d", i,
			    c->script_name, c->path_info, c->request_uri,
			    (int)m.route);
			continue;
		}
		ck_assert_msg(m.found, "case %zu: SCRIPT_NAME=%s PATH_INFO=%s "
		    "REQUEST_URI=%s not found", i, c->script_name,
		    c->path_info, c->request_uri);
		ck_assert_msg((int)m.route == c->route, "case %zu: route %d, "
		    "want %d", i, (int)m.route, c->route);
		ck_assert_msg(m.version == c->version, "case %zu: version %d, "
		    "want %d", i, (int)m.version, (int)c->version);
	}
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(api_root_mount)
{
	static const struct rcase cs[] = {
		{ "/number-verification/v0", "/verify",
		    "/number-verification/v0/verify", API_V1, ROUTE_VERIFY,
		    API_V0 },
		{ "/number-verification/v1", "/device-phone-number",
		    "/number-verification/v1/device-phone-number", API_V0,
		    ROUTE_SHARE, API_V1 },
		{ "/number-verification/v2", "/verify", NULL, API_V0,
		    ROUTE_VERIFY, API_V2 },
		{ "/number-verification/v2", "/device-phone-number",
		    "/number-verification/v2/device-phone-number?x=1", API_V0,
		    ROUTE_SHARE, API_V2 },
		/* A mount without a version: the configured one. */
		{ "/nv", "/verify", "/nv/verify", API_V0, ROUTE_VERIFY,
		    API_V0 },
		{ "/nv", "/verify", "/nv/verify", API_V2, ROUTE_VERIFY,
		    API_V2 },
		{ "", "/verify", "/verify", API_V1, ROUTE_VERIFY, API_V1 },
		{ NULL, "/device-phone-number", NULL, API_V2, ROUTE_SHARE,
		    API_V2 },
		{ "/api/number-verification/v1", "/verify", NULL, API_V0,
		    ROUTE_VERIFY, API_V1 },
	};

	run(cs, N(cs));
}
END_TEST

START_TEST(server_root_mount)
{
	static const struct rcase cs[] = {
		{ "", "/number-verification/v0/verify",
		    "/number-verification/v0/verify", API_V2, ROUTE_VERIFY,
		    API_V0 },
		{ "", "/number-verification/v1/verify", NULL, API_V0,
		    ROUTE_VERIFY, API_V1 },
		{ "", "/number-verification/v2/device-phone-number", NULL,
		    API_V0, ROUTE_SHARE, API_V2 },
		{ NULL, "/number-verification/v2/verify", NULL, API_V0,
		    ROUTE_VERIFY, API_V2 },
		/* A script in front of the API path. */
		{ "/nv.fcgi", "/number-verification/v1/device-phone-number",
		    NULL, API_V0, ROUTE_SHARE, API_V1 },
	};

	run(cs, N(cs));
}
END_TEST

/*
 * Apache mod_proxy_fcgi with ProxyPass
 * "unix:/run/nv.sock|fcgi://localhost/number-verification/v0/":
 * the whole path in SCRIPT_NAME and no PATH_INFO.
 */
START_TEST(apache_without_path_info)
{
	static const struct rcase cs[] = {
		{ "/number-verification/v0/verify", NULL,
		    "/number-verification/v0/verify", API_V2, ROUTE_VERIFY,
		    API_V0 },
		{ "/number-verification/v0/verify", "",
		    "/number-verification/v0/verify", API_V2, ROUTE_VERIFY,
		    API_V0 },
		{ "/number-verification/v2/device-phone-number", NULL,
		    "/number-verification/v2/device-phone-number?a=b",
		    API_V0, ROUTE_SHARE, API_V2 },
		{ "/number-verification/v1/verify", NULL,
		    "/number-verification/v1/verify?x=/device-phone-number",
		    API_V0, ROUTE_VERIFY, API_V1 },
		{ "/number-verification/v1/verify", NULL,
		    "/number-verification/v1/verify#frag", API_V0,
		    ROUTE_VERIFY, API_V1 },
		/* No REQUEST_URI: SCRIPT_NAME alone. */
		{ "/number-verification/v2/verify", NULL, NULL, API_V0,
		    ROUTE_VERIFY, API_V2 },
		/* At the server root without a version: the fallback. */
		{ "/verify", NULL, "/verify", API_V1, ROUTE_VERIFY, API_V1 },
		{ NULL, NULL, "/device-phone-number?a=b", API_V2, ROUTE_SHARE,
		    API_V2 },
		/*
		 * Without PATH_INFO the mount is unknown: only the whole
		 * path, exactly [/number-verification/vN]/operation, names
		 * an operation.
		 */
		{ "/api/verify", NULL, "/api/verify", API_V1, NF, API_V1 },
		{ "/number-verification/v2/x/verify", NULL,
		    "/number-verification/v2/x/verify", API_V0, NF, API_V0 },
		{ "/api/number-verification/v1/verify", NULL,
		    "/api/number-verification/v1/verify", API_V0, NF, API_V0 },
		{ "/number-verification/v0/verify", NULL,
		    "/number-verification/v0/verify/", API_V0, NF, API_V0 },
		{ "/number-verification/v0/nope", NULL,
		    "/number-verification/v0/nope?verify", API_V0, NF,
		    API_V0 },
		{ NULL, NULL, NULL, API_V0, NF, API_V0 },
		{ "", NULL, "", API_V0, NF, API_V0 },
	};

	run(cs, N(cs));
}
END_TEST

START_TEST(unknown_versions)
{
	static const struct rcase cs[] = {
		{ "", "/number-verification/v3/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "/number-verification/v3", "/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "/number-verification/v3/verify", NULL,
		    "/number-verification/v3/verify", API_V0, NF, API_V0 },
		{ "", "/number-verification/v10/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "/number-verification/v10", "/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "/number-verification/v10/verify", NULL,
		    "/number-verification/v10/verify", API_V0, NF, API_V0 },
		{ "", "/number-verification/v01/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "/number-verification/v00/verify", NULL,
		    "/number-verification/v00/verify", API_V0, NF, API_V0 },
		{ "", "/number-verification/vx/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "", "/number-verification/v/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "", "/number-verification/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "", "/number-verification/V0/verify", NULL, API_V0, NF,
		    API_V0 },
	};

	run(cs, N(cs));
}
END_TEST

START_TEST(unknown_paths)
{
	static const struct rcase cs[] = {
		{ "/number-verification/v0", "/verify/", NULL, API_V0, NF,
		    API_V0 },
		{ "", "/number-verification/v0/verify/", NULL, API_V0, NF,
		    API_V0 },
		{ "", "/number-verification/v0/", NULL, API_V0, NF, API_V0 },
		{ "", "/number-verification/v0", NULL, API_V0, NF, API_V0 },
		{ "", "/", NULL, API_V0, NF, API_V0 },
		{ "/nv", "/verifyx", NULL, API_V0, NF, API_V0 },
		{ "/nv", "/Verify", NULL, API_V0, NF, API_V0 },
		{ "/nv", "/verify/x", NULL, API_V0, NF, API_V0 },
		{ "/nv", "//verify", NULL, API_V0, NF, API_V0 },
		{ "/nv", "/device-phone-number/", NULL, API_V0, NF, API_V0 },
		{ "/nv", "/device-phone-numbers", NULL, API_V0, NF, API_V0 },
		{ "/nv", "/x/verify", NULL, API_V0, NF, API_V0 },
		{ "", "/number-verification/v0/x/verify", NULL, API_V0, NF,
		    API_V0 },
	};

	run(cs, N(cs));
}
END_TEST

/*
 * Issue 12: the version and the operation come from where the mount
 * says, nowhere else.  Under a mount that names a version, PATH_INFO
 * is the operation alone; without PATH_INFO, the request's path is
 * exactly [/number-verification/vN]/operation.
 */
START_TEST(version_from_the_mount)
{
	static const struct rcase cs[] = {
		/* A v2 mount never serves v0 (nor skips v2's checks). */
		{ "/number-verification/v2",
		    "/number-verification/v0/device-phone-number",
		    "/number-verification/v2/number-verification/v0/"
		    "device-phone-number", API_V0, NF, API_V0 },
		{ "/number-verification/v2", "/number-verification/v2/verify",
		    NULL, API_V0, NF, API_V0 },
		/* A server mounting v0 and v2 cannot be made to serve v1. */
		{ "/number-verification/v0", "/number-verification/v1/verify",
		    NULL, API_V0, NF, API_V0 },
		{ "/number-verification/v0", "/x/number-verification/v1/verify",
		    NULL, API_V0, NF, API_V0 },
		/* A version inside the mount but not at its end. */
		{ "/number-verification/v2/x", "/verify", NULL, API_V0, NF,
		    API_V0 },
		/* PATH_INFO after a mount without version: exactly one. */
		{ "/nv", "/number-verification/v1/x/verify", NULL, API_V0, NF,
		    API_V0 },
		{ "/nv", "/x/number-verification/v1/verify", NULL, API_V0, NF,
		    API_V0 },
		/* REQUEST_URI alone. */
		{ NULL, NULL,
		    "/number-verification/v2/foo/bar/device-phone-number",
		    API_V0, NF, API_V0 },
		{ "", NULL, "/anything/at/all/device-phone-number", API_V0, NF,
		    API_V0 },
		{ NULL, NULL, "/number-verification/v9/x/device-phone-number",
		    API_V0, NF, API_V0 },
		{ NULL, NULL, "/x/number-verification/v1/verify", API_V0, NF,
		    API_V0 },
		{ NULL, NULL, "/number-verification/v1/verify", API_V0,
		    ROUTE_VERIFY, API_V1 },
		{ NULL, NULL, "//verify", API_V0, NF, API_V0 },
	};

	run(cs, N(cs));
}
END_TEST

START_TEST(long_paths)
{
	char			 big[3000];
	struct route_match	 m;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = '/';
	router_match(big, "/verify", NULL, API_V0, &m);
	ck_assert(!m.found);
	router_match(big, NULL, big, API_V0, &m);
	ck_assert(!m.found);
	router_match("", big, NULL, API_V0, &m);
	ck_assert(!m.found);
	/* SCRIPT_NAME and PATH_INFO together fill 1,023 bytes: served;
	 * one byte more and the path is too long for any route. */
	big[1023 - strlen("/verify")] = '\0';
	router_match(big, "/verify", NULL, API_V0, &m);
	ck_assert(m.found);
	ck_assert_int_eq(m.route, ROUTE_VERIFY);
	big[1023 - strlen("/verify")] = 'a';
	big[1024 - strlen("/verify")] = '\0';
	router_match(big, "/verify", NULL, API_V0, &m);
	ck_assert(!m.found);
}
END_TEST

START_TEST(fixed_path)
{
	ck_assert(router_match_path("/metrics", "", "/metrics", NULL));
	ck_assert(router_match_path("/metrics", "/metrics", "", NULL));
	ck_assert(router_match_path("/metrics", "/metrics", NULL, NULL));
	ck_assert(router_match_path("/metrics", "/x", "/y", "/metrics?a"));
	ck_assert(router_match_path("/metrics", NULL, NULL, "/metrics#f"));
	/* REQUEST_URI, when there, is the path: nothing else counts. */
	ck_assert(!router_match_path("/metrics", "", "/metrics", "/other"));
	ck_assert(!router_match_path("/metrics", "", "/metrics/", NULL));
	ck_assert(!router_match_path("/metrics", "/metrics", "/x", NULL));
	ck_assert(!router_match_path("/metrics", NULL, NULL, "/metric"));
	ck_assert(!router_match_path("/metrics", NULL, NULL, "/metricsx"));
	ck_assert(!router_match_path("/metrics", "", "/METRICS", NULL));
	ck_assert(!router_match_path(NULL, "", "/metrics", NULL));
	/* The /verify route is the API's, never a fixed path's. */
	ck_assert(!router_match_path("/metrics", "", "/verify", NULL));
}
END_TEST

START_TEST(route_table)
{
	const struct route_def	*d;

	ck_assert_ptr_nonnull(d = router_def(ROUTE_VERIFY));
	ck_assert_str_eq(d->path, "/verify");
	ck_assert_str_eq(d->method, "POST");
	ck_assert_int_eq(d->scope, SCOPE_VERIFY);
	ck_assert_int_eq(d->has_body, 1);
	ck_assert_ptr_nonnull(d = router_def(ROUTE_SHARE));
	ck_assert_str_eq(d->path, "/device-phone-number");
	ck_assert_str_eq(d->method, "GET");
	ck_assert_int_eq(d->scope, SCOPE_SHARE);
	ck_assert_int_eq(d->has_body, 0);
	/* The metrics: a configured path, no token, no API handler. */
	ck_assert_ptr_nonnull(d = router_def(ROUTE_METRICS));
	ck_assert_ptr_null(d->path);
	ck_assert_str_eq(d->method, "GET");
	ck_assert_str_eq(d->allow, "GET, HEAD");
	ck_assert_ptr_null(d->handle);
	ck_assert_ptr_nonnull(d->open);
	ck_assert_ptr_null(router_def(ROUTE__MAX));
}
END_TEST

static Suite *
router_suite(void)
{
	Suite	*s = suite_create("router");
	TCase	*tc = tcase_create("paths");

	tcase_add_test(tc, api_root_mount);
	tcase_add_test(tc, server_root_mount);
	tcase_add_test(tc, apache_without_path_info);
	tcase_add_test(tc, unknown_versions);
	tcase_add_test(tc, unknown_paths);
	tcase_add_test(tc, version_from_the_mount);
	tcase_add_test(tc, long_paths);
	tcase_add_test(tc, route_table);
	tcase_add_test(tc, fixed_path);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(router_suite());
}
