/*
 * The request (request.c): CGI variables from an environment block,
 * and the bounded body reader with and without Content-Length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "unit.h"

/* A body source: data handed out at most `chunk` bytes at a time. */
struct src {
	const char	*data;
	size_t		 len, off, chunk;
	size_t		 asked;		/* bytes asked for in total */
	int		 fail_at;	/* read number that fails, or 0 */
	int		 eintr_at;	/* read number that gets EINTR */
	int		 reads;
};

static ssize_t
src_read(void *ctx, char *buf, size_t len)
{
	struct src	*s = ctx;
	size_t		 n;

	s->reads++;
	s->asked += len;
	if (s->reads == s->fail_at) {
		errno = EIO;
		return -1;
	}
	if (s->reads == s->eintr_at) {
		errno = EINTR;
		return -1;
	}
	n = s->len - s->off;
	if (n > len)
		n = len;
	if (s->chunk != 0 && n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->data + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static struct request	 req;
static struct src	 src;
static char		 buf[BODY_MAX + 1];

static void
body_setup(const char *data, size_t len, const char *cl, int until_eof)
{
	memset(&req, 0, sizeof(req));
	memset(&src, 0, sizeof(src));
	src.data = data;
	src.len = len;
	req.read = src_read;
	req.read_ctx = &src;
	req.body_until_eof = until_eof;
	req.var[RV_CONTENT_LENGTH] = cl;
}

/* A writable environment block from string literals (NULL-ended). */
static char **
envdup(const char *const *v)
{
	static char	*env[32], text[32][128];
	size_t		 i;

	for (i = 0; v[i] != NULL; i++) {
		ck_assert_uint_lt(i, 31);
		ck_assert_uint_lt(strlen(v[i]), sizeof(text[i]));
		env[i] = strcpy(text[i], v[i]);
	}
	env[i] = NULL;
	return env;
}

START_TEST(from_env)
{
	static const char *const lit[] = {
		"REQUEST_METHOD=POST",
		"SCRIPT_NAME=/number-verification/v0",
		"PATH_INFO=/verify",
		"REQUEST_URI=/number-verification/v0/verify?x",
		"HTTP_AUTHORIZATION=Bearer a.b.c",
		"HTTP_ACCEPT=application/json",
		"HTTP_ACCEPT_LANGUAGE=es",
		"CONTENT_TYPE=application/json",
		"CONTENT_LENGTH=31",
		"HTTP_X_CORRELATOR=abc",
		"HTTP_X_CORRELATOR=second",
		"PATH_INFOX=/nope",
		"REQUEST_METHODS=GET",
		"PATH=/usr/bin",
		NULL,
	};

	request_from_env(&req, envdup(lit));
	ck_assert_str_eq(req.var[RV_METHOD], "POST");
	ck_assert_str_eq(req.var[RV_SCRIPT_NAME], "/number-verification/v0");
	ck_assert_str_eq(req.var[RV_PATH_INFO], "/verify");
	ck_assert_str_eq(req.var[RV_REQUEST_URI],
	    "/number-verification/v0/verify?x");
	ck_assert_str_eq(req.var[RV_AUTHORIZATION], "Bearer a.b.c");
	ck_assert_str_eq(req.var[RV_ACCEPT], "application/json");
	ck_assert_str_eq(req.var[RV_CONTENT_TYPE], "application/json");
	ck_assert_str_eq(req.var[RV_CONTENT_LENGTH], "31");
	/* The first of two wins, as with getenv(3), and the repeat is
	 * known: lighttpd passes X_Correlator as HTTP_X_CORRELATOR too. */
	ck_assert_str_eq(req.var[RV_CORRELATOR], "abc");
	ck_assert_uint_eq(req.repeated, 1u << RV_CORRELATOR);
}
END_TEST

START_TEST(from_env_repeated)
{
	static const char *const lit[] = {
		"HTTP_AUTHORIZATION=Bearer a", "HTTP_X_CORRELATOR=a",
		"HTTP_AUTHORIZATION=Bearer b", "PATH_INFO=/verify", NULL,
	};
	static const char *const once[] = {
		"HTTP_X_CORRELATOR=a", "HTTP_X_CORRELATORS=b",
		"X_CORRELATOR=c", NULL,
	};

	request_from_env(&req, envdup(lit));
	ck_assert_uint_eq(req.repeated, 1u << RV_AUTHORIZATION);
	request_from_env(&req, envdup(once));
	ck_assert_uint_eq(req.repeated, 0);
	ck_assert_str_eq(req.var[RV_CORRELATOR], "a");
}
END_TEST

START_TEST(from_env_absent)
{
	static const char *const lit[] = {
		"REQUEST_METHOD=GET", "PATH_INFO=", NULL,
	};

	request_from_env(&req, envdup(lit));
	ck_assert_str_eq(req.var[RV_METHOD], "GET");
	ck_assert_str_eq(req.var[RV_PATH_INFO], "");
	ck_assert_ptr_null(req.var[RV_AUTHORIZATION]);
	ck_assert_ptr_null(req.var[RV_CORRELATOR]);
	ck_assert_ptr_null(req.var[RV_SCRIPT_NAME]);
	request_from_env(&req, NULL);
	ck_assert_ptr_null(req.var[RV_METHOD]);
}
END_TEST

START_TEST(body_with_length)
{
	const char	*b = "{\"phoneNumber\":\"+34600000000\"}";
	size_t		 len;

	body_setup(b, strlen(b), "30", 0);
	src.chunk = 7;
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, 30);
	ck_assert_mem_eq(buf, b, 30);
	/* Only Content-Length bytes are read, even if more are there. */
	body_setup(b, strlen(b), "10", 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, 10);
	ck_assert_uint_eq(src.asked, 10);
	body_setup(b, strlen(b), "0", 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(body_limits)
{
	static char	 big[BODY_MAX + 100];
	size_t		 len;

	memset(big, 'x', sizeof(big));
	/* Exactly the limit is fine. */
	body_setup(big, BODY_MAX, "4096", 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, BODY_MAX);
	/* Over it: refused before reading a byte. */
	body_setup(big, sizeof(big), "4097", 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len),
	    BODY_TOO_LARGE);
	ck_assert_int_eq(src.reads, 0);
	/* Digits past SIZE_MAX are a number, a too large one. */
	body_setup(big, sizeof(big), "99999999999999999999999", 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len),
	    BODY_TOO_LARGE);
	ck_assert_int_eq(src.reads, 0);
	/* Streamed (FastCGI without Content-Length): one byte past the
	 * limit is read to know, no more. */
	body_setup(big, sizeof(big), NULL, 1);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len),
	    BODY_TOO_LARGE);
	ck_assert_uint_le(src.off, BODY_MAX + 1);
	body_setup(big, BODY_MAX, NULL, 1);
	src.chunk = 1000;
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, BODY_MAX);
}
END_TEST

START_TEST(body_bad_length)
{
	static const char *const bad[] = { "-1", "abc", "1 ", " 1", "+1",
	    "1e3", "0x10", "3.0" };
	size_t	 i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		body_setup("abc", 3, bad[i], 0);
		ck_assert_msg(request_body(&req, buf, BODY_MAX, &len) ==
		    BODY_BAD_LENGTH, "Content-Length \"%s\"", bad[i]);
	}
}
END_TEST

START_TEST(body_short_and_errors)
{
	size_t	 len;

	body_setup("abc", 3, "10", 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_SHORT);
	ck_assert_uint_eq(len, 3);
	body_setup("abcdef", 6, "6", 0);
	src.chunk = 2;
	src.fail_at = 2;
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len),
	    BODY_READ_ERROR);
	/* EINTR is retried. */
	body_setup("abcdef", 6, "6", 0);
	src.chunk = 2;
	src.eintr_at = 2;
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, 6);
	ck_assert_mem_eq(buf, "abcdef", 6);
}
END_TEST

START_TEST(body_cgi_without_length)
{
	size_t	 len;

	/* CGI: no Content-Length means no body (RFC 3875 4.2). */
	body_setup("abc", 3, NULL, 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(src.reads, 0);
	body_setup("abc", 3, "", 0);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, 0);
	/* FastCGI: read to the end of the stream. */
	body_setup("abc", 3, NULL, 1);
	ck_assert_int_eq(request_body(&req, buf, BODY_MAX, &len), BODY_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(buf, "abc", 3);
}
END_TEST

static Suite *
request_suite(void)
{
	Suite	*s = suite_create("request");
	TCase	*tc = tcase_create("request");

	tcase_add_test(tc, from_env);
	tcase_add_test(tc, from_env_absent);
	tcase_add_test(tc, from_env_repeated);
	tcase_add_test(tc, body_with_length);
	tcase_add_test(tc, body_limits);
	tcase_add_test(tc, body_bad_length);
	tcase_add_test(tc, body_short_and_errors);
	tcase_add_test(tc, body_cgi_without_length);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(request_suite());
}
