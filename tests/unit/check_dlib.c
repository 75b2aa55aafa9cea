/*
 * Libraries loaded at run time (dlib.c, dlcurl.c, dlcrypto.c): each
 * configured library gives a table whose functions work; a library
 * that cannot be loaded, or one without the functions, is an error that
 * names it; OpenSSL is loaded only for the algorithms that need it.
 * check forks each test, so each starts with nothing loaded.
 */
#include <string.h>

#include "dlcrypto.h"
#include "dlcurl.h"
#include "sig.h"
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
	ck_assert_ptr_nonnull(u = k->curl_url());
	ck_assert_int_eq(k->curl_url_set(u, CURLUPART_URL,
	    "https://as.example.net:8443/introspect", 0), CURLUE_OK);
	ck_assert_int_eq(k->curl_url_get(u, CURLUPART_HOST, &host, 0), CURLUE_OK);
	ck_assert_str_eq(host, "as.example.net");
	k->curl_free(host);
	k->curl_url_cleanup(u);
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
	ck_assert_ptr_null(t.curl_easy_init);
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

START_TEST(loads_openssl)
{
	const struct dlcrypto	*c;
	const struct dlssl	*s;
	char			 err[256] = "";
	BIGNUM			*bn;
	unsigned char		 two[1] = { 2 };

	ck_assert_ptr_null(dlcrypto());
	ck_assert_ptr_null(dlssl());
	/* libssl brings libcrypto's table with it. */
	s = dlssl_load(err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_ptr_eq(dlssl(), s);
	ck_assert_ptr_nonnull(c = dlcrypto());
	ck_assert_ptr_eq(dlcrypto_load(err, sizeof(err)), c);
	ck_assert_ptr_nonnull(bn = c->BN_bin2bn(two, 1, NULL));
	ck_assert_int_eq(c->BN_num_bits(bn), 2);
	c->BN_free(bn);
	ck_assert_ptr_nonnull(s->TLS_client_method());
}
END_TEST

/* EdDSA alone needs no OpenSSL; any other algorithm loads libcrypto. */
START_TEST(sig_init_loads_for_openssl_algorithms)
{
	char	 err[256] = "";

	ck_assert_int_eq(sig_init(SIG_BIT(SIG_EDDSA), err, sizeof(err)), 0);
	ck_assert_ptr_null(dlcrypto());
	ck_assert_int_eq(sig_init(SIG_BIT(SIG_EDDSA) | SIG_BIT(SIG_PS512),
	    err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(dlcrypto());
	ck_assert_ptr_null(dlssl());
}
END_TEST

START_TEST(sig_init_es256)
{
	char	 err[256] = "";

	ck_assert_int_eq(sig_init(SIG_BIT(SIG_ES256), err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(dlcrypto());
}
END_TEST

static Suite *
dlib_suite(void)
{
	Suite	*s = suite_create("dlib");
	TCase	*tc = tcase_create("dlib");

	tcase_add_test(tc, loads_libcurl);
	tcase_add_test(tc, missing_library);
	tcase_add_test(tc, not_libcurl);
	tcase_add_test(tc, loads_openssl);
	tcase_add_test(tc, sig_init_loads_for_openssl_algorithms);
	tcase_add_test(tc, sig_init_es256);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(dlib_suite());
}
