/*
 * Claim checks (claims.c) around each boundary: exp, nbf and iat
 * against now and the leeway, iss, aud, scope, amr, the phone claim.
 * The claim sets are JSON texts given straight to claims_check.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "claims.h"
#include "unit.h"

static struct config	 cfg;
static struct claims	 c;

static void
setup(void)
{
	unit_config(&cfg);
}

static void
teardown(void)
{
	config_free(&cfg);
}

/* Checks iss + aud + the given members (a JSON fragment, may be ""). */
static enum claims_err
check(const char *fmt, ...)
{
	char	 more[512], text[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(more, sizeof(more), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "{\"iss\":\"%s\",\"aud\":\"%s\"%s%s}",
	    UNIT_ISSUER, UNIT_AUDIENCE, *more != '\0' ? "," : "", more);
	return claims_check(&cfg, text, strlen(text), UNIT_NOW, &c);
}

/* The same with a valid exp in front. */
#define CHECK(fmt, ...)	check("\"exp\":%ld," fmt, UNIT_NOW + 60, ##__VA_ARGS__)

static enum claims_err
raw(const char *text)
{
	return claims_check(&cfg, text, strlen(text), UNIT_NOW, &c);
}

/*
 * jti names the token in the single-use store by its SHA-256 (with a
 * "jti:" prefix); without single_use no hash is made.  A jti that is
 * not a string is malformed either way.
 */
START_TEST(jti_hash)
{
	unsigned char	 want[CLAIMS_JTI_HASH_BYTES];
	const char	 in[] = "jti:abc-123";

	crypto_hash_sha256(want, (const unsigned char *)in, strlen(in));
	ck_assert_int_eq(CHECK("\"jti\":\"abc-123\""), CLAIMS_OK);
	ck_assert(!c.has_jti);
	ck_assert_int_eq(CHECK("\"jti\":7"), CLAIMS_MALFORMED);
	cfg.single_use = 1;
	ck_assert_int_eq(CHECK("\"jti\":\"abc-123\""), CLAIMS_OK);
	ck_assert(c.has_jti);
	ck_assert_mem_eq(c.jti_hash, want, sizeof(want));
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW + 60), CLAIMS_OK);
	ck_assert(!c.has_jti);
	ck_assert_int_eq(CHECK("\"jti\":[\"abc-123\"]"), CLAIMS_MALFORMED);
	ck_assert(!c.has_jti);
}
END_TEST

START_TEST(exp_boundaries)
{
	long	 l = cfg.leeway;

	/* Valid iff now < exp + leeway. */
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW + 300), CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW + l), CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW), CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW - l + 1), CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW - l), CLAIMS_EXPIRED);
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW - l - 1),
	    CLAIMS_EXPIRED);
	ck_assert_int_eq(check("\"exp\":0"), CLAIMS_EXPIRED);
	ck_assert_int_eq(check("\"exp\":-1"), CLAIMS_EXPIRED);
}
END_TEST

START_TEST(exp_without_leeway)
{
	cfg.leeway = 0;
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW + 1), CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld", UNIT_NOW), CLAIMS_EXPIRED);
	ck_assert_int_eq(check("\"exp\":%ld.5", UNIT_NOW), CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld.5", UNIT_NOW - 1),
	    CLAIMS_EXPIRED);
	ck_assert_int_eq(check("\"exp\":%ld,\"nbf\":%ld", UNIT_NOW + 60,
	    UNIT_NOW + 1), CLAIMS_NOT_YET_VALID);
	ck_assert_int_eq(check("\"exp\":%ld,\"nbf\":%ld", UNIT_NOW + 60,
	    UNIT_NOW), CLAIMS_OK);
}
END_TEST

START_TEST(exp_types)
{
	ck_assert_int_eq(check(""), CLAIMS_NO_EXPIRY);
	ck_assert_int_eq(check("\"exp\":\"%ld\"", UNIT_NOW + 60),
	    CLAIMS_MALFORMED);
	ck_assert_int_eq(check("\"exp\":null"), CLAIMS_MALFORMED);
	ck_assert_int_eq(check("\"exp\":[%ld]", UNIT_NOW + 60),
	    CLAIMS_MALFORMED);
	ck_assert_int_eq(check("\"exp\":{}"), CLAIMS_MALFORMED);
	ck_assert_int_eq(check("\"exp\":true"), CLAIMS_MALFORMED);
	ck_assert_int_eq(check("\"exp\":1e999"), CLAIMS_MALFORMED);
	/* A fractional NumericDate in the future is valid. */
	ck_assert_int_eq(check("\"exp\":%ld.25", UNIT_NOW + 10), CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld.5", UNIT_NOW - cfg.leeway),
	    CLAIMS_OK);
	ck_assert_int_eq(check("\"exp\":%ld.5", UNIT_NOW - cfg.leeway - 1),
	    CLAIMS_EXPIRED);
	ck_assert_int_eq(check("\"exp\":1.69e9"), CLAIMS_EXPIRED);
	ck_assert_int_eq(check("\"exp\":1.8e9"), CLAIMS_OK);
}
END_TEST

START_TEST(nbf_iat_boundaries)
{
	long	 l = cfg.leeway;
	int	 i;
	static const char *const names[] = { "nbf", "iat" };

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(CHECK("\"%s\":%ld", names[i], UNIT_NOW - 3600),
		    CLAIMS_OK);
		ck_assert_int_eq(CHECK("\"%s\":%ld", names[i], UNIT_NOW),
		    CLAIMS_OK);
		ck_assert_int_eq(CHECK("\"%s\":%ld", names[i], UNIT_NOW + l),
		    CLAIMS_OK);
		ck_assert_int_eq(CHECK("\"%s\":%ld", names[i],
		    UNIT_NOW + l + 1), CLAIMS_NOT_YET_VALID);
		ck_assert_int_eq(CHECK("\"%s\":%ld.5", names[i],
		    UNIT_NOW + l), CLAIMS_NOT_YET_VALID);
		ck_assert_int_eq(CHECK("\"%s\":\"%ld\"", names[i], UNIT_NOW),
		    CLAIMS_MALFORMED);
		ck_assert_int_eq(CHECK("\"%s\":null", names[i]),
		    CLAIMS_MALFORMED);
	}
}
END_TEST

START_TEST(issuer)
{
	char	 t[256];

	snprintf(t, sizeof(t), "{\"aud\":\"%s\",\"exp\":%ld}", UNIT_AUDIENCE,
	    UNIT_NOW + 60);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_ISSUER);
	snprintf(t, sizeof(t), "{\"iss\":\"%s/\",\"aud\":\"%s\",\"exp\":%ld}",
	    UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW + 60);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_ISSUER);
	snprintf(t, sizeof(t), "{\"iss\":\"https://evil.example\","
	    "\"aud\":\"%s\",\"exp\":%ld}", UNIT_AUDIENCE, UNIT_NOW + 60);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_ISSUER);
	snprintf(t, sizeof(t), "{\"iss\":[\"%s\"],\"aud\":\"%s\",\"exp\":%ld}",
	    UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW + 60);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_ISSUER);
	/* An issuer with a NUL after the configured one. */
	snprintf(t, sizeof(t), "{\"iss\":\"%s\\u0000x\",\"aud\":\"%s\","
	    "\"exp\":%ld}", UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW + 60);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_ISSUER);
	snprintf(t, sizeof(t), "{\"iss\":\"%s\",\"aud\":\"%s\\u0000x\","
	    "\"exp\":%ld}", UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW + 60);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_AUDIENCE);
	snprintf(t, sizeof(t), "{\"iss\":\"%s\",\"aud\":[\"%s\\u0000x\"],"
	    "\"exp\":%ld}", UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW + 60);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_AUDIENCE);
}
END_TEST

START_TEST(audience)
{
	char	 t[256];
	long	 e = UNIT_NOW + 60;

#define AUD(fmt) (snprintf(t, sizeof(t), "{\"iss\":\"%s\",\"aud\":" fmt \
    ",\"exp\":%ld}", UNIT_ISSUER, e), raw(t))
	ck_assert_int_eq(AUD("\"" UNIT_AUDIENCE "\""), CLAIMS_OK);
	ck_assert_int_eq(AUD("\"other\""), CLAIMS_BAD_AUDIENCE);
	ck_assert_int_eq(AUD("\"" UNIT_AUDIENCE "x\""), CLAIMS_BAD_AUDIENCE);
	ck_assert_int_eq(AUD("[\"a\",\"" UNIT_AUDIENCE "\"]"), CLAIMS_OK);
	ck_assert_int_eq(AUD("[\"a\",\"b\"]"), CLAIMS_BAD_AUDIENCE);
	ck_assert_int_eq(AUD("[]"), CLAIMS_BAD_AUDIENCE);
	ck_assert_int_eq(AUD("[[\"" UNIT_AUDIENCE "\"]]"),
	    CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("{\"" UNIT_AUDIENCE "\":1}"), CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("1"), CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("null"), CLAIMS_MALFORMED);
#undef AUD
	snprintf(t, sizeof(t), "{\"iss\":\"%s\",\"exp\":%ld}", UNIT_ISSUER, e);
	ck_assert_int_eq(raw(t), CLAIMS_BAD_AUDIENCE);
}
END_TEST

/*
 * RFC 7519 section 4.1.3: an array of strings.  An element of another
 * type makes the claim malformed wherever it stands, even beside the
 * right audience, as for amr.
 */
START_TEST(audience_element_types)
{
	char	 t[256];
	long	 e = UNIT_NOW + 60;

#define AUD(fmt) (snprintf(t, sizeof(t), "{\"iss\":\"%s\",\"aud\":" fmt \
    ",\"exp\":%ld}", UNIT_ISSUER, e), raw(t))
	ck_assert_int_eq(AUD("[\"" UNIT_AUDIENCE "\",null]"), CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("[1,{\"x\":1},\"" UNIT_AUDIENCE "\"]"),
	    CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("[\"" UNIT_AUDIENCE "\",[\"" UNIT_AUDIENCE "\"]]"),
	    CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("[1,null,\"" UNIT_AUDIENCE "\"]"),
	    CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("[\"" UNIT_AUDIENCE "\",true]"), CLAIMS_MALFORMED);
	ck_assert_int_eq(AUD("[\"a\",1.5]"), CLAIMS_MALFORMED);
#undef AUD
}
END_TEST

START_TEST(scope)
{
	ck_assert_int_eq(CHECK("\"scope\":\"number-verification:verify "
	    "number-verification:device-phone-number:read\""), CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, (1u << SCOPE_VERIFY) | (1u << SCOPE_SHARE));
	ck_assert_int_eq(CHECK("\"scope\":\"openid  "
	    "number-verification:device-phone-number:read \""), CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, 1u << SCOPE_SHARE);
	ck_assert_int_eq(CHECK("\"scope\":\"number-verification:verify\""),
	    CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, 1u << SCOPE_VERIFY);
	/* Look-alikes are not the scope. */
	ck_assert_int_eq(CHECK("\"scope\":\"number-verification:verifyx "
	    "number-verification number-verification:device-phone-number\""),
	    CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, 0);
	ck_assert_int_eq(CHECK("\"scope\":\"number-verification:verify\\u0000 "
	    "x\\u0000number-verification:device-phone-number:read\""),
	    CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, 0);
	ck_assert_int_eq(CHECK("\"scope\":\"a\\u0000 "
	    "number-verification:device-phone-number:read\""), CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, 1u << SCOPE_SHARE);
	ck_assert_int_eq(CHECK("\"scope\":\"\""), CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, 0);
	ck_assert_int_eq(CHECK("\"sub\":\"x\""), CLAIMS_OK);
	ck_assert_uint_eq(c.scopes, 0);
	ck_assert_int_eq(CHECK("\"scope\":[\"number-verification:verify\"]"),
	    CLAIMS_MALFORMED);
	ck_assert_int_eq(CHECK("\"scope\":null"), CLAIMS_MALFORMED);
	ck_assert_str_eq(scope_name(SCOPE_VERIFY), "number-verification:verify");
	ck_assert_str_eq(scope_name(SCOPE_SHARE),
	    "number-verification:device-phone-number:read");
}
END_TEST

START_TEST(amr)
{
	ck_assert_int_eq(CHECK("\"amr\":[\"nba\"]"), CLAIMS_OK);
	ck_assert(c.network_auth);
	ck_assert_int_eq(CHECK("\"amr\":[\"pwd\",\"mnba\"]"), CLAIMS_OK);
	ck_assert(c.network_auth);
	ck_assert_int_eq(CHECK("\"amr\":[\"pwd\"]"), CLAIMS_OK);
	ck_assert(!c.network_auth);
	ck_assert_int_eq(CHECK("\"amr\":[\"NBA\",\"nba \"]"), CLAIMS_OK);
	ck_assert(!c.network_auth);
	ck_assert_int_eq(CHECK("\"amr\":[\"nba\\u0000x\"]"), CLAIMS_OK);
	ck_assert(!c.network_auth);
	ck_assert_int_eq(CHECK("\"amr\":[]"), CLAIMS_OK);
	ck_assert(!c.network_auth);
	ck_assert_int_eq(CHECK("\"sub\":\"x\""), CLAIMS_OK);
	ck_assert(!c.network_auth);
	ck_assert_int_eq(CHECK("\"amr\":\"nba\""), CLAIMS_MALFORMED);
	ck_assert_int_eq(CHECK("\"amr\":[\"nba\",1]"), CLAIMS_MALFORMED);
}
END_TEST

START_TEST(amr_check_off)
{
	size_t	 i;

	for (i = 0; i < cfg.n_amr; i++)
		free(cfg.network_amr[i]);
	cfg.n_amr = 0;
	ck_assert_int_eq(CHECK("\"amr\":[\"pwd\"]"), CLAIMS_OK);
	ck_assert(c.network_auth);
	ck_assert_int_eq(CHECK("\"sub\":\"x\""), CLAIMS_OK);
	ck_assert(c.network_auth);
}
END_TEST

START_TEST(phone)
{
	ck_assert_int_eq(CHECK("\"phone_number\":\"+34600000000\""),
	    CLAIMS_OK);
	ck_assert(c.phone_ok);
	ck_assert_str_eq(c.phone, "+34600000000");
	ck_assert_int_eq(CHECK("\"phone_number\":\"+123456789012345\""),
	    CLAIMS_OK);
	ck_assert(c.phone_ok);
	ck_assert_str_eq(c.phone, "+123456789012345");
	/* Unusable numbers are recorded, not a 401: the 403 is later. */
	ck_assert_int_eq(CHECK("\"phone_number\":\"34600000000\""),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"phone_number\":\"+1234567890123456\""),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"phone_number\":\"+34600000000\\u0000\""),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"sub\":\"x\""), CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"phone_number\":34600000000"), CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"phone_number\":[\"+34600000000\"]"),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_str_eq(c.phone, "");
}
END_TEST

START_TEST(phone_claim_renamed)
{
	free(cfg.phone_claim);
	cfg.phone_claim = strdup("msisdn");
	ck_assert_int_eq(CHECK("\"msisdn\":\"+34600000001\","
	    "\"phone_number\":\"+34600000000\""), CLAIMS_OK);
	ck_assert(c.phone_ok);
	ck_assert_str_eq(c.phone, "+34600000001");
	ck_assert_int_eq(CHECK("\"phone_number\":\"+34600000000\""),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
}
END_TEST

/* CAMARA's tel: form, in sub or any phone claim; nothing else after it. */
START_TEST(phone_tel_uri)
{
	free(cfg.phone_claim);
	cfg.phone_claim = strdup("sub");
	ck_assert_int_eq(CHECK("\"sub\":\"tel:+34600000001\""), CLAIMS_OK);
	ck_assert(c.phone_ok);
	ck_assert_str_eq(c.phone, "+34600000001");
	ck_assert_int_eq(CHECK("\"sub\":\"+34600000002\""), CLAIMS_OK);
	ck_assert(c.phone_ok);
	ck_assert_str_eq(c.phone, "+34600000002");
	ck_assert_int_eq(CHECK("\"sub\":\"tel:34600000001\""), CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"sub\":\"tel:+34600000001;ext=1\""),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"sub\":\"tel:\""), CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"sub\":\"TEL:+34600000001\""), CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"sub\":\"tel:tel:+34600000001\""),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_int_eq(CHECK("\"sub\":\"tel:+34600000001\\u0000\""),
	    CLAIMS_OK);
	ck_assert(!c.phone_ok);
	ck_assert_str_eq(c.phone, "");
	free(cfg.phone_claim);
	cfg.phone_claim = strdup("phone_number");
	ck_assert_int_eq(CHECK("\"phone_number\":\"tel:+34600000003\""),
	    CLAIMS_OK);
	ck_assert(c.phone_ok);
	ck_assert_str_eq(c.phone, "+34600000003");
}
END_TEST

START_TEST(not_an_object)
{
	ck_assert_int_eq(raw("[]"), CLAIMS_MALFORMED);
	ck_assert_int_eq(raw("Example of Ed25519 signing"), CLAIMS_MALFORMED);
	ck_assert_int_eq(raw(""), CLAIMS_MALFORMED);
	ck_assert_int_eq(raw("{\"iss\":\"a\",\"iss\":\"" UNIT_ISSUER "\"}"),
	    CLAIMS_MALFORMED);
}
END_TEST

START_TEST(failure_clears_claims)
{
	/* A claim set rejected late leaves nothing usable behind. */
	ck_assert_int_eq(check("\"exp\":%ld,\"scope\":\"number-verification:"
	    "verify\",\"amr\":\"nba\",\"phone_number\":\"+34600000000\"",
	    UNIT_NOW + 60), CLAIMS_MALFORMED);
	ck_assert_uint_eq(c.scopes, 0);
	ck_assert(!c.phone_ok);
	ck_assert_str_eq(c.phone, "");
	ck_assert_str_eq(claims_strerror(CLAIMS_EXPIRED), "expired");
	ck_assert_str_eq(claims_strerror(CLAIMS__MAX), "?");
}
END_TEST

static Suite *
claims_suite(void)
{
	Suite	*s = suite_create("claims");
	TCase	*tc = tcase_create("claims");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, exp_boundaries);
	tcase_add_test(tc, exp_without_leeway);
	tcase_add_test(tc, exp_types);
	tcase_add_test(tc, nbf_iat_boundaries);
	tcase_add_test(tc, issuer);
	tcase_add_test(tc, audience);
	tcase_add_test(tc, audience_element_types);
	tcase_add_test(tc, scope);
	tcase_add_test(tc, amr);
	tcase_add_test(tc, amr_check_off);
	tcase_add_test(tc, phone);
	tcase_add_test(tc, phone_claim_renamed);
	tcase_add_test(tc, phone_tel_uri);
	tcase_add_test(tc, not_an_object);
	tcase_add_test(tc, failure_clears_claims);
	tcase_add_test(tc, jti_hash);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(claims_suite());
}
