/*
 * Loading libcurl at run time (dlcurl.c): the configured library gives
 * a table whose functions work; a library that cannot be loaded, or one
 * without libcurl's functions, is an error that names it, and fills
 * nothing.
 */
#include <string.h>

#include "dlcurl.h"
#include "unit.h"

START_TEST(loads_libcurl)
{
	const struct dlcurl	*k;
	char			 err[256] = "";
	CURLU			*u;
	char			*host = NULL;

	k = dlcurl_load(err, sizeof(err));
	ck_assert_msg(k != NULL, "%s", err);
	/* The same table every time. */
	ck_assert_ptr_eq(dlcurl_load(err, sizeof(err)), k);
	ck_assert_ptr_nonnull(u = k->url());
	ck_assert_int_eq(k->url_set(u, CURLUPART_URL,
	    "https://as.example.net:8443/introspect", 0), CURLUE_OK);
	ck_assert_int_eq(k->url_get(u, CURLUPART_HOST, &host, 0), CURLUE_OK);
	ck_assert_str_eq(host, "as.example.net");
	k->free(host);
	k->url_cleanup(u);
}
END_TEST

START_TEST(missing_library)
{
	struct dlcurl	 t;
	char		 err[256] = "";

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(dlcurl_open(&t, "libnv-no-such-library.so.9", err,
	    sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "cannot load libnv-no-such-library.so.9: ",
	    40) == 0, "%s", err);
	ck_assert_ptr_null(t.easy_init);
}
END_TEST

START_TEST(not_libcurl)
{
	struct dlcurl	 t;
	char		 err[256] = "";

	memset(&t, 0, sizeof(t));
	/* libc is loaded and has none of libcurl's functions. */
	ck_assert_int_eq(dlcurl_open(&t, "libc.so.6", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "libc.so.6 has no curl_global_init");
}
END_TEST

static Suite *
dlcurl_suite(void)
{
	Suite	*s = suite_create("dlcurl");
	TCase	*tc = tcase_create("dlcurl");

	tcase_add_test(tc, loads_libcurl);
	tcase_add_test(tc, missing_library);
	tcase_add_test(tc, not_libcurl);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(dlcurl_suite());
}
