/*
 * The algorithm table (sig.c) and its verifiers: RFC 7515 appendix
 * A.2 (RS256) and A.3 (ES256) as published, every key type refusing
 * every algorithm not its own, fixed-length R||S, RSA modulus bounds,
 * points off the curve, and the key set binding keys to algorithms.
 * RFC 8037 A.4 (EdDSA) is in check_token.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "jwks.h"
#include "sig.h"
#include "token.h"
#include "unit.h"

/* RFC 7515 A.2.1: the RSA key's public part, and the example JWS. */
#define A2_N "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
#define A2_E "AQAB"
#define PAYLOAD "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define A2_JWS "eyJhbGciOiJSUzI1NiJ9." PAYLOAD ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
/* RFC 7515 A.3.1: the P-256 key's public part, and the example JWS. */
#define A3_X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define A3_Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
#define A3_JWS "eyJhbGciOiJFUzI1NiJ9." PAYLOAD ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

/* The order n of P-256, to make the twin (R, n - S) of a signature. */
static const unsigned char p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static struct sig_key	 rsa, p256;
static char		 err[256];

static size_t
dec(unsigned char *out, size_t max, const char *s)
{
	size_t	 n;

	ck_assert_int_eq(b64url_decode(out, max, &n, s, strlen(s)), 0);
	return n;
}

static void
setup(void)
{
	unsigned char	 a[600], b[64];
	size_t		 al, bl;

	al = dec(a, sizeof(a), A2_N);
	bl = dec(b, sizeof(b), A2_E);
	ck_assert_msg(sig_key_rsa(&rsa, a, al, b, bl, err, sizeof(err)) == 0,
	    "%s", err);
	al = dec(a, sizeof(a), A3_X);
	bl = dec(b, sizeof(b), A3_Y);
	ck_assert_msg(sig_key_ec(&p256, SIG_KEY_P256, a, al, b, bl, err,
	    sizeof(err)) == 0, "%s", err);
}

static void
teardown(void)
{
	sig_key_free(&rsa);
	sig_key_free(&p256);
}

/* Verifies JWS text with key and alg: sig_verify's answer. */
static int
check(const struct sig_key *k, enum sig_alg a, const char *jws)
{
	unsigned char	 s[SIG_MAX_BYTES];
	const char	*dot = strrchr(jws, '.');
	size_t		 n;

	ck_assert_int_eq(b64url_decode(s, sizeof(s), &n, dot + 1,
	    strlen(dot + 1)), 0);
	return sig_verify(k, a, (const unsigned char *)jws,
	    (size_t)(dot - jws), s, n);
}

START_TEST(rfc7515_a2_rs256)
{
	char	*t = strdup(A2_JWS);

	ck_assert_int_eq(check(&rsa, SIG_RS256, A2_JWS), 0);
	/* The same bytes under the other RSA algorithms: no. */
	ck_assert_int_eq(check(&rsa, SIG_RS384, A2_JWS), -1);
	ck_assert_int_eq(check(&rsa, SIG_RS512, A2_JWS), -1);
	ck_assert_int_eq(check(&rsa, SIG_PS256, A2_JWS), -1);
	/* One character of the payload changed. */
	t[30] = t[30] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(check(&rsa, SIG_RS256, t), -1);
	free(t);
}
END_TEST

START_TEST(rfc7515_a3_es256)
{
	unsigned char	 s[64], tw[64];
	char		 b[128], *t;
	unsigned	 borrow = 0, v;
	int		 i;

	ck_assert_int_eq(check(&p256, SIG_ES256, A3_JWS), 0);
	ck_assert_int_eq(check(&p256, SIG_ES384, A3_JWS), -1);
	/* Wrong lengths: one byte short, one more, and no signature. */
	ck_assert_uint_eq(dec(s, sizeof(s), strrchr(A3_JWS, '.') + 1), 64);
	const char *msg = A3_JWS;
	size_t mlen = (size_t)(strrchr(A3_JWS, '.') - A3_JWS);
	ck_assert_int_eq(sig_verify(&p256, SIG_ES256,
	    (const unsigned char *)msg, mlen, s, 63), -1);
	ck_assert_int_eq(sig_verify(&p256, SIG_ES256,
	    (const unsigned char *)msg, mlen, s, 0), -1);
	/* The twin (R, n - S) verifies too: ECDSA is malleable. */
	memcpy(tw, s, 32);
	for (i = 31; i >= 0; i--) {
		v = (unsigned)p256_n[i] - s[32 + i] - borrow;
		tw[32 + i] = (unsigned char)v;
		borrow = (v >> 8) & 1;
	}
	ck_assert_int_eq(sig_verify(&p256, SIG_ES256,
	    (const unsigned char *)msg, mlen, tw, 64), 0);
	b64url_encode(b, sizeof(b), tw, 64);
	ck_assert_int_ne(asprintf(&t, "%.*s.%s", (int)mlen, msg, b), -1);
	ck_assert_int_eq(check(&p256, SIG_ES256, t), 0);
	ck_assert_str_ne(t, A3_JWS);
	free(t);
}
END_TEST

/* No verifier ever sees a key of another type. */
START_TEST(key_type_confusion)
{
	struct sig_key	 ed;
	unsigned char	 pk[32], sk[64];
	int		 a;

	unit_keypair(1, pk, sk);
	ck_assert_int_eq(sig_key_ed25519(&ed, pk, 32, err, sizeof(err)), 0);
	for (a = 0; a < SIG__MAX; a++) {
		if (sig_def(a)->kty != SIG_KEY_RSA)
			ck_assert_int_eq(check(&rsa, a, A2_JWS), -1);
		if (sig_def(a)->kty != SIG_KEY_P256)
			ck_assert_int_eq(check(&p256, a, A3_JWS), -1);
		if (a != SIG_EDDSA)
			ck_assert_int_eq(check(&ed, a, A3_JWS), -1);
	}
	ck_assert_uint_eq(sig_algs_of(SIG_KEY_RSA), SIG_BIT(SIG_RS256) |
	    SIG_BIT(SIG_RS384) | SIG_BIT(SIG_RS512) | SIG_BIT(SIG_PS256) |
	    SIG_BIT(SIG_PS384) | SIG_BIT(SIG_PS512));
	ck_assert_uint_eq(sig_algs_of(SIG_KEY_P256), SIG_BIT(SIG_ES256));
	ck_assert_uint_eq(sig_algs_of(SIG_KEY_P384), SIG_BIT(SIG_ES384));
	ck_assert_uint_eq(sig_algs_of(SIG_KEY_ED25519), SIG_BIT(SIG_EDDSA));
	sig_key_free(&ed);
}
END_TEST

START_TEST(alg_names)
{
	enum sig_alg	 a;

	ck_assert_int_eq(sig_alg_by_name("RS256", 5, &a), 0);
	ck_assert_int_eq(a, SIG_RS256);
	ck_assert_int_eq(sig_alg_by_name("Ed25519", 7, &a), 0);
	ck_assert_int_eq(a, SIG_EDDSA);
	ck_assert_int_eq(sig_alg_by_name("PS512", 5, &a), 0);
	ck_assert_int_eq(a, SIG_PS512);
	ck_assert_int_eq(sig_alg_by_name("none", 4, &a), -1);
	ck_assert_int_eq(sig_alg_by_name("HS256", 5, &a), -1);
	ck_assert_int_eq(sig_alg_by_name("ES512", 5, &a), -1);
	ck_assert_int_eq(sig_alg_by_name("rs256", 5, &a), -1);
	ck_assert_int_eq(sig_alg_by_name("RS256\0x", 7, &a), -1);
	ck_assert_int_eq(sig_alg_by_name("RS25", 4, &a), -1);
}
END_TEST

START_TEST(rsa_modulus_bounds)
{
	struct sig_key	 k;
	unsigned char	 n[1100], e[3] = { 1, 0, 1 };

	/* 1024, 2047 and 8193 bits: refused (2048, the RFC key, is taken). */
	memset(n, 0xc5, sizeof(n));
	ck_assert_int_eq(sig_key_rsa(&k, n, 128, e, 3, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "RSA modulus of 1024 bits (2048 to 8192 "
	    "accepted)");
	n[0] = 0x45;
	ck_assert_int_eq(sig_key_rsa(&k, n, 256, e, 3, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "RSA modulus of 2047 bits (2048 to 8192 "
	    "accepted)");
	n[0] = 0x01;
	ck_assert_int_eq(sig_key_rsa(&k, n, 1025, e, 3, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "RSA modulus of 8193 bits (2048 to 8192 "
	    "accepted)");
	n[0] = 0xc5;
	/* An even exponent, and e = 1. */
	e[2] = 2;
	ck_assert_int_eq(sig_key_rsa(&k, n + 1, 256, e, 3, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(sig_key_rsa(&k, n + 1, 256, e + 2, 1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_null(k.pkey);
}
END_TEST

START_TEST(ec_point_checked)
{
	struct sig_key	 k;
	unsigned char	 x[32], y[48];

	dec(x, sizeof(x), A3_X);
	dec(y, sizeof(y), A3_Y);
	y[31] ^= 1;		/* off the curve */
	ck_assert_int_eq(sig_key_ec(&k, SIG_KEY_P256, x, 32, y, 32, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "\"x\" and \"y\" are not a point on EC P-256");
	y[31] ^= 1;
	/* The P-256 point given as P-384, and coordinates of other sizes. */
	ck_assert_int_eq(sig_key_ec(&k, SIG_KEY_P384, x, 32, y, 32, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(sig_key_ec(&k, SIG_KEY_P256, x, 31, y, 32, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "\"x\" and \"y\" must be 32 bytes each");
	ck_assert_ptr_null(k.pkey);
}
END_TEST

#define RSA_JWK(kid, more) "{\"kty\":\"RSA\",\"kid\":\"" kid "\",\"n\":\"" \
	A2_N "\",\"e\":\"AQAB\"" more "}"
#define EC_JWK(kid, crv, more) "{\"kty\":\"EC\",\"crv\":\"" crv "\"," \
	"\"kid\":\"" kid "\",\"x\":\"" A3_X "\",\"y\":\"" A3_Y "\"" more "}"

/* A JWK's alg binds it; without one, every algorithm of its type. */
START_TEST(jwks_binds_algorithms)
{
	static const char set_text[] = "{\"keys\":["
	    RSA_JWK("r", "") ","
	    RSA_JWK("r256", ",\"alg\":\"RS256\"") ","
	    RSA_JWK("ps", ",\"alg\":\"PS384\",\"use\":\"sig\"") ","
	    RSA_JWK("renc", ",\"use\":\"enc\"") ","
	    RSA_JWK("res", ",\"alg\":\"ES256\"") ","
	    RSA_JWK("rhs", ",\"alg\":\"HS256\"") ","
	    EC_JWK("e", "P-256", "") ","
	    EC_JWK("e384", "P-384", "") ","
	    EC_JWK("e512", "P-521", "") "]}";
	struct jwks	 set;
	char		 e[256];

	ck_assert_msg(jwks_parse(&set, set_text, strlen(set_text), SIG_ALL, e,
	    sizeof(e)) == 0, "%s", e);
	ck_assert_uint_eq(set.n, 4);
	ck_assert_uint_eq(jwks_find(&set, "r", 1)->algs,
	    sig_algs_of(SIG_KEY_RSA));
	ck_assert_uint_eq(jwks_find(&set, "r256", 4)->algs, SIG_BIT(SIG_RS256));
	ck_assert_uint_eq(jwks_find(&set, "ps", 2)->algs, SIG_BIT(SIG_PS384));
	ck_assert_uint_eq(jwks_find(&set, "e", 1)->algs, SIG_BIT(SIG_ES256));
	ck_assert_ptr_null(jwks_find(&set, "renc", 4));
	ck_assert_ptr_null(jwks_find(&set, "res", 3));
	ck_assert_ptr_null(jwks_find(&set, "rhs", 3));
	/* The P-256 point claimed as P-384 is not on that curve. */
	ck_assert_ptr_null(jwks_find(&set, "e384", 4));
	ck_assert_ptr_null(jwks_find(&set, "e512", 4));
	jwks_free(&set);
	/* signing_algorithms narrows what each key may verify. */
	ck_assert_int_eq(jwks_parse(&set, set_text, strlen(set_text),
	    SIG_BIT(SIG_PS256) | SIG_BIT(SIG_ES256), e, sizeof(e)), 0);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_uint_eq(jwks_find(&set, "r", 1)->algs, SIG_BIT(SIG_PS256));
	ck_assert_ptr_null(jwks_find(&set, "r256", 4));
	jwks_free(&set);
}
END_TEST

/*
 * Through token_verify: a header naming an algorithm its key is not
 * bound to stops before any signature is checked; one its key may
 * verify gets to the signature (the RFC's signature, of another
 * header, fails).  The RFC examples pass their signature check whole
 * and stop at the claims, which are not ours.
 */
START_TEST(token_confusion)
{
	static const char set_text[] = "{\"keys\":["
	    RSA_JWK("r", "") "," RSA_JWK("r256", ",\"alg\":\"RS256\"") ","
	    EC_JWK("e", "P-256", "") "]}";
	static const struct {
		const char	*header;
		enum token_err	 want;
	} cases[] = {
		{ "{\"alg\":\"RS256\",\"kid\":\"r\"}", TOKEN_BAD_SIGNATURE },
		{ "{\"alg\":\"RS256\",\"kid\":\"r256\"}", TOKEN_BAD_SIGNATURE },
		{ "{\"alg\":\"PS256\",\"kid\":\"r\"}", TOKEN_BAD_SIGNATURE },
		{ "{\"alg\":\"ES256\",\"kid\":\"e\"}", TOKEN_BAD_SIGNATURE },
		{ "{\"alg\":\"ES256\",\"kid\":\"r\"}", TOKEN_KEY_ALG },
		{ "{\"alg\":\"EdDSA\",\"kid\":\"r\"}", TOKEN_KEY_ALG },
		{ "{\"alg\":\"PS256\",\"kid\":\"r256\"}", TOKEN_KEY_ALG },
		{ "{\"alg\":\"ES384\",\"kid\":\"e\"}", TOKEN_KEY_ALG },
		{ "{\"alg\":\"RS256\",\"kid\":\"e\"}", TOKEN_KEY_ALG },
		{ "{\"alg\":\"HS256\",\"kid\":\"r\"}", TOKEN_BAD_ALG },
		{ "{\"alg\":\"none\",\"kid\":\"r\"}", TOKEN_BAD_ALG },
		{ "{\"alg\":\"RS256\"}", TOKEN_UNKNOWN_KEY },
	};
	struct config		 cfg;
	struct jwks		 set;
	struct token_result	 tr;
	char			*t, h64[128], e[256];
	size_t			 i;

	unit_config(&cfg);
	ck_assert_msg(jwks_parse(&set, set_text, strlen(set_text), SIG_ALL, e,
	    sizeof(e)) == 0, "%s", e);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b64url_encode(h64, sizeof(h64),
		    (const unsigned char *)cases[i].header,
		    strlen(cases[i].header));
		ck_assert_int_ne(asprintf(&t, "%s%s", h64,
		    strchr(A2_JWS, '.')), -1);
		ck_assert_msg(token_verify(&cfg, &set, t, strlen(t), UNIT_NOW,
		    &tr) == cases[i].want, "%s: %s", cases[i].header,
		    token_strerror(tr.err));
		free(t);
	}
	jwks_free(&set);
	/* Each RFC key alone (no kid needed): signature good, iss "joe". */
	ck_assert_int_eq(jwks_parse(&set, "{\"keys\":[" RSA_JWK("r", "") "]}",
	    strlen("{\"keys\":[" RSA_JWK("r", "") "]}"), SIG_ALL, e,
	    sizeof(e)), 0);
	ck_assert_int_eq(token_verify(&cfg, &set, A2_JWS, strlen(A2_JWS),
	    UNIT_NOW, &tr), TOKEN_BAD_CLAIMS);
	ck_assert_int_eq(tr.claims_err, CLAIMS_BAD_ISSUER);
	jwks_free(&set);
	ck_assert_int_eq(jwks_parse(&set, "{\"keys\":[" EC_JWK("e", "P-256",
	    "") "]}", strlen("{\"keys\":[" EC_JWK("e", "P-256", "") "]}"),
	    SIG_ALL, e, sizeof(e)), 0);
	ck_assert_int_eq(token_verify(&cfg, &set, A3_JWS, strlen(A3_JWS),
	    UNIT_NOW, &tr), TOKEN_BAD_CLAIMS);
	ck_assert_int_eq(tr.claims_err, CLAIMS_BAD_ISSUER);
	jwks_free(&set);
	config_free(&cfg);
}
END_TEST

static Suite *
sig_suite(void)
{
	Suite	*s = suite_create("sig");
	TCase	*tc = tcase_create("sig");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rfc7515_a2_rs256);
	tcase_add_test(tc, rfc7515_a3_es256);
	tcase_add_test(tc, key_type_confusion);
	tcase_add_test(tc, alg_names);
	tcase_add_test(tc, rsa_modulus_bounds);
	tcase_add_test(tc, ec_point_checked);
	tcase_add_test(tc, jwks_binds_algorithms);
	tcase_add_test(tc, token_confusion);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(sig_suite());
}
