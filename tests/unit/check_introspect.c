/*
 * The introspection client's pure parts: the form encoding, the Basic
 * header of RFC 6749 section 2.3.1 (vector from Python's
 * urllib.parse.quote_plus and base64), the credentials files, the
 * private_key_jwt assertion (verified with libsodium), and the claims
 * checker on introspection answers (claims_check_object).  The whole
 * exchange against an HTTPS endpoint is tests/introspect.test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "b64.h"
#include "claims.h"
#include "introspect_client.h"
#include "jparse.h"
#include "secret.h"
#include "unit.h"

static char	 err[512];

START_TEST(form_escape)
{
	char	 out[64];

	ck_assert_int_eq(introspect_form_escape(out, sizeof(out),
	    "a b&c=d/\xc3\xa9~*-._", 15), 27);
	ck_assert_str_eq(out, "a+b%26c%3Dd%2F%C3%A9%7E*-._");
	ck_assert_int_eq(introspect_form_escape(out, sizeof(out), "", 0), 0);
	ck_assert_str_eq(out, "");
	/* A NUL inside is a byte like any other. */
	ck_assert_int_eq(introspect_form_escape(out, sizeof(out), "a\0b", 3),
	    5);
	ck_assert_str_eq(out, "a%00b");
	/* Exactly full (with its NUL), then one byte short. */
	ck_assert_int_eq(introspect_form_escape(out, 4, "a%", 2), -1);
	ck_assert_int_eq(introspect_form_escape(out, 5, "a%", 2), 4);
	ck_assert_int_eq(introspect_form_escape(out, 3, "abc", 3), -1);
	ck_assert_int_eq(introspect_form_escape(out, 4, "abc", 3), 3);
}
END_TEST

START_TEST(basic_header)
{
	char	*h;

	h = introspect_basic_header("nv client/1", "s3cret:with%odd+chars",
	    21);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h, "Authorization: Basic "
	    "bnYrY2xpZW50JTJGMTpzM2NyZXQlM0F3aXRoJTI1b2RkJTJCY2hhcnM=");
	free(h);
	h = introspect_basic_header("id", "pw", 2);
	ck_assert_str_eq(h, "Authorization: Basic aWQ6cHc=");
	free(h);
}
END_TEST

static char *
secret_file(const char *dir, const char *name, const char *text, int mode)
{
	char	*p = unit_write(dir, name, text);

	chmod(p, (mode_t)mode);
	return p;
}

START_TEST(secret_files)
{
	struct introspect_cred	 c;
	char			*dir = unit_tmpdir(), *p;

	/* One final newline is not part of the secret. */
	p = secret_file(dir, "s1", "pw\n", 0600);
	ck_assert_int_eq(introspect_cred_load(&c, "id", p, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.kind, INTROSPECT_AUTH_BASIC);
	ck_assert_str_eq(c.basic, "Authorization: Basic aWQ6cHc=");
	introspect_cred_free(&c);
	free(p);
	/* Without one, the same. */
	p = secret_file(dir, "s2", "pw", 0600);
	ck_assert_int_eq(introspect_cred_load(&c, "id", p, NULL, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(c.basic, "Authorization: Basic aWQ6cHc=");
	introspect_cred_free(&c);
	free(p);
	/* Two lines, an empty secret, a readable file: refused. */
	p = secret_file(dir, "s3", "pw\nmore\n", 0600);
	ck_assert_int_eq(introspect_cred_load(&c, "id", p, NULL, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "one non-empty line"));
	free(p);
	p = secret_file(dir, "s4", "\n", 0600);
	ck_assert_int_eq(introspect_cred_load(&c, "id", p, NULL, err,
	    sizeof(err)), -1);
	free(p);
	p = secret_file(dir, "s5", "pw\n", 0640);
	ck_assert_int_eq(introspect_cred_load(&c, "id", p, NULL, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "must be 0600"));
	free(p);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * secret_read_line(), which the Redis password shares: a file of up to
 * size - 2 bytes, the line NUL-terminated, a NUL inside refused.
 */
START_TEST(secret_line_bounds)
{
	char	 buf[6], *dir = unit_tmpdir(), *p;
	FILE	*f;
	size_t	 len = 9;

	p = secret_file(dir, "l1", "usr\n", 0600);	/* 4 bytes: fits */
	ck_assert_int_eq(secret_read_line(p, "k", buf, sizeof(buf), &len,
	    err, sizeof(err)), 0);
	ck_assert_str_eq(buf, "usr");
	ck_assert_uint_eq(len, 3);
	free(p);
	p = secret_file(dir, "l2", "user\n", 0600);	/* 5 bytes: no */
	ck_assert_int_eq(secret_read_line(p, "k", buf, sizeof(buf), &len,
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "5 bytes, must be 1 to 4"));
	free(p);
	p = unit_write(dir, "l3", "a");
	ck_assert_int_eq(chmod(p, 0600), 0);
	ck_assert_ptr_nonnull(f = fopen(p, "ab"));	/* "a\0b" */
	ck_assert_int_eq(fputc('\0', f), 0);
	ck_assert_int_eq(fputs("b", f), 1);
	fclose(f);
	ck_assert_int_eq(secret_read_line(p, "k", buf, sizeof(buf), &len,
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ": the secret is one non-empty "
	    "line"));
	free(p);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

/* A private JWK from seed byte 7, as nv-token keygen writes one. */
static char *
key_file(const char *dir, const char *kid, int with_x)
{
	unsigned char	 pk[32], sk[64];
	char		 text[512], *d, *x, *p;

	unit_keypair(7, pk, sk);
	d = unit_b64(sk, 32);
	x = unit_b64(pk, 32);
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"d\":\"%s\"%s%s%s%s%s}", d, with_x ? ",\"x\":\"" : "",
	    with_x ? x : "", with_x ? "\"" : "", kid ? ",\"kid\":" : "",
	    kid ? kid : "");
	p = secret_file(dir, "k.jwk", text, 0600);
	free(d);
	free(x);
	return p;
}

START_TEST(assertion)
{
	struct introspect_cred	 c;
	struct json_object	*o;
	unsigned char		 pk[32], sk[64], sig[64], part[512];
	char			*dir = unit_tmpdir(), *p, jwt[1024], *d1, *d2;
	size_t			 n;

	unit_keypair(7, pk, sk);
	p = key_file(dir, "\"c1\"", 1);
	ck_assert_msg(introspect_cred_load(&c, "nv", NULL, p, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(c.kind, INTROSPECT_AUTH_JWT);
	ck_assert_str_eq(c.kid, "c1");
	ck_assert_int_eq(introspect_assertion(&c, "nv",
	    "https://as.example/introspect", UNIT_NOW, jwt, sizeof(jwt)), 0);
	d1 = strchr(jwt, '.');
	d2 = strchr(d1 + 1, '.');
	ck_assert_int_eq(b64url_decode(sig, sizeof(sig), &n, d2 + 1,
	    strlen(d2 + 1)), 0);
	ck_assert_int_eq(n, 64);
	ck_assert_int_eq(crypto_sign_verify_detached(sig,
	    (unsigned char *)jwt, (size_t)(d2 - jwt), pk), 0);
	ck_assert_int_eq(b64url_decode(part, sizeof(part) - 1, &n, jwt,
	    (size_t)(d1 - jwt)), 0);
	part[n] = '\0';
	ck_assert_str_eq((char *)part,
	    "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"c1\"}");
	ck_assert_int_eq(b64url_decode(part, sizeof(part) - 1, &n, d1 + 1,
	    (size_t)(d2 - d1 - 1)), 0);
	ck_assert_int_eq(jparse_object((char *)part, n, &o), JPARSE_OK);
	ck_assert_str_eq(jparse_string(o, "iss"), "nv");
	ck_assert_str_eq(jparse_string(o, "sub"), "nv");
	ck_assert_str_eq(jparse_string(o, "aud"),
	    "https://as.example/introspect");
	ck_assert_int_eq(strlen(jparse_string(o, "jti")), 32);
	json_object_put(o);
	ck_assert_ptr_nonnull(strstr((char *)part, "\"exp\":1700000060"));
	/* Too small a buffer is refused, not cut. */
	ck_assert_int_eq(introspect_assertion(&c, "nv", "https://a/", UNIT_NOW,
	    jwt, 100), -1);
	introspect_cred_free(&c);
	free(p);
	/* An "x" of another key, a kid that is no string: refused. */
	p = secret_file(dir, "bad.jwk", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"d\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
	    "\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", 0600);
	ck_assert_int_eq(introspect_cred_load(&c, "nv", NULL, p, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not belong"));
	free(p);
	p = key_file(dir, "7", 0);
	ck_assert_int_eq(introspect_cred_load(&c, "nv", NULL, p, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "kid"));
	free(p);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

static enum claims_err
answer(const char *json, struct claims *c)
{
	struct config		 cfg;
	struct json_object	*o;
	enum claims_err		 e;

	unit_config(&cfg);
	ck_assert_int_eq(jparse_object(json, strlen(json), &o), JPARSE_OK);
	e = claims_check_object(&cfg, o, CLAIMS_INTROSPECTION, UNIT_NOW, c);
	json_object_put(o);
	config_free(&cfg);
	return e;
}

START_TEST(answers)
{
	struct claims	 c;

	ck_assert_int_eq(answer("{\"active\":true,\"exp\":1700000100,"
	    "\"scope\":\"number-verification:verify\",\"amr\":[\"nba\"],"
	    "\"phone_number\":\"+34600000001\"}", &c), CLAIMS_OK);
	ck_assert(c.phone_ok);
	ck_assert_str_eq(c.phone, "+34600000001");
	ck_assert(c.network_auth);
	ck_assert_uint_eq(c.scopes, 1u << SCOPE_VERIFY);
	ck_assert_int_eq(answer("{\"active\":false,\"exp\":1700000100}", &c),
	    CLAIMS_INACTIVE);
	ck_assert_int_eq(answer("{\"exp\":1700000100}", &c), CLAIMS_INACTIVE);
	ck_assert_int_eq(answer("{\"active\":1,\"exp\":1700000100}", &c),
	    CLAIMS_INACTIVE);
	ck_assert_int_eq(answer("{\"active\":\"true\",\"exp\":1700000100}",
	    &c), CLAIMS_INACTIVE);
	ck_assert_int_eq(answer("{\"active\":true}", &c), CLAIMS_NO_EXPIRY);
	ck_assert_int_eq(answer("{\"active\":true,\"exp\":1699999000}", &c),
	    CLAIMS_EXPIRED);
	ck_assert_int_eq(answer("{\"active\":true,\"exp\":1700000100,"
	    "\"iss\":\"https://evil\"}", &c), CLAIMS_BAD_ISSUER);
	ck_assert_int_eq(answer("{\"active\":true,\"exp\":1700000100,"
	    "\"iss\":\"" UNIT_ISSUER "\",\"aud\":[\"x\",\"" UNIT_AUDIENCE
	    "\"]}", &c), CLAIMS_OK);
	ck_assert_int_eq(answer("{\"active\":true,\"exp\":1700000100,"
	    "\"aud\":\"x\"}", &c), CLAIMS_BAD_AUDIENCE);
	ck_assert_int_eq(answer("{\"active\":true,\"exp\":1700000100,"
	    "\"aud\":7}", &c), CLAIMS_MALFORMED);
	/* A JWT must still carry iss and aud. */
	{
		struct config		 cfg;
		struct json_object	*o;
		const char		*j = "{\"exp\":1700000100}";

		unit_config(&cfg);
		ck_assert_int_eq(jparse_object(j, strlen(j), &o), JPARSE_OK);
		ck_assert_int_eq(claims_check_object(&cfg, o, CLAIMS_JWT,
		    UNIT_NOW, &c), CLAIMS_BAD_ISSUER);
		json_object_put(o);
		config_free(&cfg);
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("introspect");
	TCase	*tc = tcase_create("introspect");

	tcase_add_test(tc, form_escape);
	tcase_add_test(tc, basic_header);
	tcase_add_test(tc, secret_files);
	tcase_add_test(tc, secret_line_bounds);
	tcase_add_test(tc, assertion);
	tcase_add_test(tc, answers);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
