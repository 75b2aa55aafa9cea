/*
 * Compact JWS verification (token.c): segments, base64url, the
 * protected header (alg, typ, crit, kid), key choice, the signature,
 * the size limit, and the RFC 8037 Appendix A Ed25519 test vector.
 * Tokens are signed here with libsodium from fixed seeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "jwks.h"
#include "token.h"
#include "unit.h"

static unsigned char	 pk1[crypto_sign_PUBLICKEYBYTES];
static unsigned char	 sk1[crypto_sign_SECRETKEYBYTES];
static unsigned char	 pk2[crypto_sign_PUBLICKEYBYTES];
static unsigned char	 sk2[crypto_sign_SECRETKEYBYTES];
static struct config	 cfg;
static struct jwks	 one;	/* k1 */
static struct jwks	 two;	/* k1, k2 */
static char		 payload[512];

static const char *const H_KID1 = "{\"alg\":\"EdDSA\",\"kid\":\"k1\"}";

static void
setup(void)
{
	unit_keypair(1, pk1, sk1);
	unit_keypair(2, pk2, sk2);
	unit_config(&cfg);
	memset(&one, 0, sizeof(one));
	memset(&two, 0, sizeof(two));
	unit_jwks_add(&one, pk1, "k1");
	unit_jwks_add(&two, pk1, "k1");
	unit_jwks_add(&two, pk2, "k2");
	snprintf(payload, sizeof(payload),
	    "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%ld,"
	    "\"scope\":\"number-verification:verify\",\"amr\":[\"nba\"],"
	    "\"phone_number\":\"+34600000000\"}",
	    UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW + 300);
}

static void
teardown(void)
{
	config_free(&cfg);
	jwks_free(&one);
	jwks_free(&two);
}

static enum token_err
verify_with(const struct jwks *set, const char *tok)
{
	struct token_result	 r;
	enum token_err		 e;

	e = token_verify(&cfg, set, tok, strlen(tok), UNIT_NOW, &r);
	ck_assert_int_eq(r.err, e);
	return e;
}

/* Signs header + the good payload with sk1, verifies against `one`. */
static enum token_err
verify_header(const char *header)
{
	char		*tok = unit_sign(sk1, header, payload);
	enum token_err	 e = verify_with(&one, tok);

	free(tok);
	return e;
}

START_TEST(valid_token)
{
	struct token_result	 r;
	char			*tok = unit_sign(sk1, H_KID1, payload);

	ck_assert_int_eq(token_verify(&cfg, &one, tok, strlen(tok), UNIT_NOW,
	    &r), TOKEN_OK);
	ck_assert_int_eq(r.claims_err, CLAIMS_OK);
	ck_assert(r.claims.phone_ok);
	ck_assert_str_eq(r.claims.phone, "+34600000000");
	ck_assert_uint_eq(r.claims.scopes, 1u << SCOPE_VERIFY);
	ck_assert(r.claims.network_auth);
	free(tok);
}
END_TEST

START_TEST(segments_count)
{
	char	*tok = unit_sign(sk1, H_KID1, payload), *dot, buf[2048];
	int	 i;

	ck_assert_int_eq(verify_with(&one, "abc"), TOKEN_MALFORMED);
	ck_assert_int_eq(verify_with(&one, ""), TOKEN_MALFORMED);
	/* Two segments: header.payload without the signature. */
	dot = strrchr(tok, '.');
	snprintf(buf, sizeof(buf), "%.*s", (int)(dot - tok), tok);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_MALFORMED);
	/* Four: a valid token with one more segment. */
	snprintf(buf, sizeof(buf), "%s.%s", tok, dot + 1);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s.", tok);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_MALFORMED);
	/* Nine, the shape of nothing JOSE knows. */
	snprintf(buf, sizeof(buf), "%s", tok);
	for (i = 0; i < 6; i++)
		strcat(buf, ".eyJ9");
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_MALFORMED);
	/* Five: the shape of a JWE, which a JWS verifier must refuse. */
	ck_assert_int_eq(verify_with(&one, "eyJ9.eyJ9.eyJ9.eyJ9.eyJ9"),
	    TOKEN_MALFORMED);
	free(tok);
}
END_TEST

START_TEST(segments_empty)
{
	char	*tok = unit_sign(sk1, H_KID1, payload), buf[2048];
	char	*d1 = strchr(tok, '.'), *d2 = strrchr(tok, '.');

	ck_assert_int_eq(verify_with(&one, ".."), TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%s", d1);		/* .p.s */
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%.*s.%s", (int)(d1 - tok), tok,
	    d2);					/* h..s */
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_MALFORMED);
	snprintf(buf, sizeof(buf), "%.*s", (int)(d2 + 1 - tok), tok);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_MALFORMED); /* h.p. */
	free(tok);
}
END_TEST

START_TEST(bad_base64url)
{
	char	*h64, *p64, *tok, buf[2048];

	/* Header with padding, and with a standard-alphabet character. */
	h64 = unit_b64(H_KID1, strlen(H_KID1));
	p64 = unit_b64(payload, strlen(payload));
	snprintf(buf, sizeof(buf), "%s=", h64);
	tok = unit_sign_raw(sk1, buf, p64);
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_MALFORMED);
	free(tok);
	snprintf(buf, sizeof(buf), "+%s", h64 + 1);
	tok = unit_sign_raw(sk1, buf, p64);
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_MALFORMED);
	free(tok);
	/* A payload that does not decode, under a good signature. */
	snprintf(buf, sizeof(buf), "%s/", p64);
	tok = unit_sign_raw(sk1, h64, buf);
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_MALFORMED);
	free(tok);
	snprintf(buf, sizeof(buf), "%sA", p64);	/* 1 mod 4 or bad bits */
	if (strlen(buf) % 4 == 1) {
		tok = unit_sign_raw(sk1, h64, buf);
		ck_assert_int_eq(verify_with(&one, tok), TOKEN_MALFORMED);
		free(tok);
	}
	/* A signature segment with a character out of the alphabet. */
	tok = unit_sign_raw(sk1, h64, p64);
	tok[strlen(tok) - 10] = '+';
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_MALFORMED);
	free(tok);
	free(h64);
	free(p64);
}
END_TEST

START_TEST(header_not_json)
{
	ck_assert_int_eq(verify_header("alg=EdDSA"), TOKEN_MALFORMED);
	ck_assert_int_eq(verify_header(""), TOKEN_MALFORMED);
	ck_assert_int_eq(verify_header("[\"EdDSA\"]"), TOKEN_MALFORMED);
	ck_assert_int_eq(verify_header("\"EdDSA\""), TOKEN_MALFORMED);
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}x"),
	    TOKEN_MALFORMED);
	/* A second alg after a good one: json-c would keep the last. */
	ck_assert_int_eq(verify_header(
	    "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"alg\":\"none\"}"),
	    TOKEN_MALFORMED);
	ck_assert_int_eq(verify_header(
	    "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"kid\":\"k1\"}"),
	    TOKEN_MALFORMED);
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":1}"),
	    TOKEN_MALFORMED);
}
END_TEST

/* A protected header larger than TOKEN_HEADER_MAX, otherwise valid. */
START_TEST(header_too_large)
{
	char	 h[TOKEN_HEADER_MAX + 128];
	int	 n;

	n = snprintf(h, sizeof(h), "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"x\":\"");
	memset(h + n, 'x', TOKEN_HEADER_MAX);
	strcpy(h + n + TOKEN_HEADER_MAX, "\"}");
	ck_assert_uint_gt(strlen(h), TOKEN_HEADER_MAX);
	ck_assert_int_eq(verify_header(h), TOKEN_MALFORMED);
	/* The same header well under the limit passes. */
	strcpy(h + n + 100, "\"}");
	ck_assert_int_eq(verify_header(h), TOKEN_OK);
}
END_TEST

START_TEST(header_alg)
{
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":\"k1\"}"),
	    TOKEN_OK);
	ck_assert_int_eq(verify_header("{\"alg\":\"Ed25519\",\"kid\":\"k1\"}"),
	    TOKEN_OK);
	ck_assert_int_eq(verify_header("{\"alg\":\"none\",\"kid\":\"k1\"}"),
	    TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":\"HS256\",\"kid\":\"k1\"}"),
	    TOKEN_BAD_ALG);
	/* Algorithms of the table, but not of k1's type. */
	ck_assert_int_eq(verify_header("{\"alg\":\"RS256\",\"kid\":\"k1\"}"),
	    TOKEN_KEY_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":\"ES256\",\"kid\":\"k1\"}"),
	    TOKEN_KEY_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":\"PS512\",\"kid\":\"k1\"}"),
	    TOKEN_KEY_ALG);
	/* Exact bytes: a NUL tail is another name. */
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\\u0000junk\","
	    "\"kid\":\"k1\"}"), TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":\"k1\","
	    "\"typ\":\"JWT\\u0000junk\"}"), TOKEN_BAD_TYP);
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":"
	    "\"k1\\u0000junk\"}"), TOKEN_UNKNOWN_KEY);
	ck_assert_int_eq(verify_header("{\"alg\":\"eddsa\",\"kid\":\"k1\"}"),
	    TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":\"EDDSA\",\"kid\":\"k1\"}"),
	    TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":\"\",\"kid\":\"k1\"}"),
	    TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":null,\"kid\":\"k1\"}"),
	    TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{\"alg\":[\"EdDSA\"],\"kid\":\"k1\"}"),
	    TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{\"kid\":\"k1\"}"), TOKEN_BAD_ALG);
	ck_assert_int_eq(verify_header("{}"), TOKEN_BAD_ALG);
}
END_TEST

/* alg none with an empty signature: the classic bypass. */
START_TEST(alg_none_unsigned)
{
	char	*h64, *p64, buf[2048];

	h64 = unit_b64("{\"alg\":\"none\"}", 14);
	p64 = unit_b64(payload, strlen(payload));
	snprintf(buf, sizeof(buf), "%s.%s.", h64, p64);
	ck_assert_int_ne(verify_with(&one, buf), TOKEN_OK);
	free(h64);
	free(p64);
}
END_TEST

START_TEST(header_typ)
{
	static const char *const ok[] = {
		"at+jwt", "application/at+jwt", "JWT", "AT+JWT", "jwt",
	};
	static const char *const bad[] = {
		"", "JOSE", "JWE", "at+jwe", "application/jwt ", "id_token",
	};
	char	 h[128];
	size_t	 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(h, sizeof(h),
		    "{\"alg\":\"EdDSA\",\"typ\":\"%s\",\"kid\":\"k1\"}", ok[i]);
		ck_assert_msg(verify_header(h) == TOKEN_OK, "typ %s", ok[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(h, sizeof(h),
		    "{\"alg\":\"EdDSA\",\"typ\":\"%s\",\"kid\":\"k1\"}", bad[i]);
		ck_assert_msg(verify_header(h) == TOKEN_BAD_TYP, "typ %s",
		    bad[i]);
	}
	ck_assert_int_eq(verify_header(
	    "{\"alg\":\"EdDSA\",\"typ\":1,\"kid\":\"k1\"}"), TOKEN_BAD_TYP);
	ck_assert_int_eq(verify_header(
	    "{\"alg\":\"EdDSA\",\"typ\":null,\"kid\":\"k1\"}"), TOKEN_BAD_TYP);
}
END_TEST

START_TEST(header_crit)
{
	ck_assert_int_eq(verify_header(
	    "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"crit\":[\"exp\"],\"exp\":1}"),
	    TOKEN_CRIT);
	ck_assert_int_eq(verify_header(
	    "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"crit\":[]}"), TOKEN_CRIT);
	ck_assert_int_eq(verify_header(
	    "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"crit\":null}"), TOKEN_CRIT);
}
END_TEST

START_TEST(kid_choice)
{
	char	*tok;

	/* Unknown, empty and over-long kids. */
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":\"k9\"}"),
	    TOKEN_UNKNOWN_KEY);
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":\"\"}"),
	    TOKEN_UNKNOWN_KEY);
	ck_assert_int_eq(verify_header("{\"alg\":\"EdDSA\",\"kid\":\"K1\"}"),
	    TOKEN_UNKNOWN_KEY);
	/* No kid: usable with a one-key set only. */
	tok = unit_sign(sk1, "{\"alg\":\"EdDSA\"}", payload);
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_OK);
	ck_assert_int_eq(verify_with(&two, tok), TOKEN_UNKNOWN_KEY);
	free(tok);
	/* The kid picks the key of a two-key set... */
	tok = unit_sign(sk2, "{\"alg\":\"EdDSA\",\"kid\":\"k2\"}", payload);
	ck_assert_int_eq(verify_with(&two, tok), TOKEN_OK);
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_UNKNOWN_KEY);
	free(tok);
	/* ...and a token cannot name one key and be signed by another. */
	tok = unit_sign(sk2, "{\"alg\":\"EdDSA\",\"kid\":\"k1\"}", payload);
	ck_assert_int_eq(verify_with(&two, tok), TOKEN_BAD_SIGNATURE);
	free(tok);
}
END_TEST

START_TEST(bad_signature)
{
	unsigned char	 zero[crypto_sign_BYTES];
	char		*tok, *h64, *p64, *s64, buf[2048];
	size_t		 n;

	/* One character of the signature changed (not the last one,
	 * whose low bits must stay zero to remain canonical). */
	tok = unit_sign(sk1, H_KID1, payload);
	n = strlen(tok);
	tok[n - 20] = tok[n - 20] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_BAD_SIGNATURE);
	free(tok);
	/* The payload changed after signing: exp pushed a day later. */
	tok = unit_sign(sk1, H_KID1, payload);
	h64 = unit_b64(H_KID1, strlen(H_KID1));
	snprintf(buf, sizeof(buf), "%s", payload);
	memcpy(strstr(buf, "\"exp\":") + 6, "1800000000", 10);
	p64 = unit_b64(buf, strlen(buf));
	snprintf(buf, sizeof(buf), "%s.%s%s", h64, p64, strrchr(tok, '.'));
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_BAD_SIGNATURE);
	/* Sixty-four zero bytes. */
	memset(zero, 0, sizeof(zero));
	s64 = unit_b64(zero, sizeof(zero));
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(strrchr(tok, '.') + 1 - tok),
	    tok, s64);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_BAD_SIGNATURE);
	free(tok);
	free(h64);
	free(p64);
	free(s64);
}
END_TEST

/* A signature of another length is no EdDSA signature (a 401 all the same). */
START_TEST(signature_length)
{
	unsigned char	 sig[crypto_sign_BYTES + 1];
	char		*tok, *s64, buf[2048];
	int		 pre;

	tok = unit_sign(sk1, H_KID1, payload);
	pre = (int)(strrchr(tok, '.') + 1 - tok);
	ck_assert_int_eq(b64url_decode(sig, sizeof(sig), &(size_t){0},
	    tok + pre, strlen(tok + pre)), 0);
	sig[crypto_sign_BYTES] = 0;
	/* 63 bytes: the good signature cut short. */
	s64 = unit_b64(sig, crypto_sign_BYTES - 1);
	snprintf(buf, sizeof(buf), "%.*s%s", pre, tok, s64);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_BAD_SIGNATURE);
	free(s64);
	/* 65 bytes: the good signature and one more. */
	s64 = unit_b64(sig, crypto_sign_BYTES + 1);
	snprintf(buf, sizeof(buf), "%.*s%s", pre, tok, s64);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_BAD_SIGNATURE);
	free(s64);
	/* 1 byte. */
	snprintf(buf, sizeof(buf), "%.*sAA", pre, tok);
	ck_assert_int_eq(verify_with(&one, buf), TOKEN_BAD_SIGNATURE);
	free(tok);
}
END_TEST

/*
 * Tokens of exactly TOKEN_MAX bytes and of one more: a padding claim
 * grows the payload; two headers of different lengths make sure every
 * total length can be reached.
 */
static char *
token_of_length(size_t want)
{
	static const char *const headers[] = {
		"{\"alg\":\"EdDSA\",\"kid\":\"k1\"}",
		"{\"alg\":\"Ed25519\",\"kid\":\"k1\"}",
	};
	char	*p, *tok;
	size_t	 h, pad, base = strlen(payload), start;

	p = malloc(base + want + 16);
	ck_assert_ptr_nonnull(p);
	/* Start a little below the size that the base64url of the
	 * payload needs to fill the token. */
	start = (want - 300) / 4 * 3 - base;
	for (h = 0; h < 2; h++)
		for (pad = start; pad < want; pad++) {
			/* payload minus its '}' + ,"pad":"xxx"} */
			memcpy(p, payload, base - 1);
			memcpy(p + base - 1, ",\"pad\":\"", 8);
			memset(p + base + 7, 'x', pad);
			memcpy(p + base + 7 + pad, "\"}", 3);
			tok = unit_sign(sk1, headers[h], p);
			if (strlen(tok) == want) {
				free(p);
				return tok;
			}
			free(tok);
			if (strlen(p) * 4 / 3 > want + 8)
				break;
		}
	free(p);
	ck_abort_msg("no token of %zu bytes", want);
	return NULL;
}

START_TEST(size_limit)
{
	char	*tok;

	tok = token_of_length(TOKEN_MAX);
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_OK);
	free(tok);
	tok = token_of_length(TOKEN_MAX + 1);
	ck_assert_int_eq(verify_with(&one, tok), TOKEN_TOO_LONG);
	free(tok);
}
END_TEST

START_TEST(claims_rejected)
{
	struct token_result	 r;
	char			 p[512], *tok;

	snprintf(p, sizeof(p), "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%ld}",
	    UNIT_ISSUER, UNIT_AUDIENCE, UNIT_NOW - 3600);
	tok = unit_sign(sk1, H_KID1, p);
	ck_assert_int_eq(token_verify(&cfg, &one, tok, strlen(tok), UNIT_NOW,
	    &r), TOKEN_BAD_CLAIMS);
	ck_assert_int_eq(r.claims_err, CLAIMS_EXPIRED);
	ck_assert(!r.claims.phone_ok);
	free(tok);
}
END_TEST

START_TEST(strerror_table)
{
	int	 e;

	for (e = 0; e < TOKEN__MAX; e++)
		ck_assert_ptr_nonnull(token_strerror((enum token_err)e));
	ck_assert_str_eq(token_strerror(TOKEN_BAD_SIGNATURE), "bad signature");
	ck_assert_str_eq(token_strerror(TOKEN__MAX), "?");
}
END_TEST

/*
 * RFC 8037 Appendix A: A.1 the private key, A.2 its public key, A.4
 * the JWS of "Example of Ed25519 signing" with {"alg":"EdDSA"}.
 */
#define RFC8037_D	"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
#define RFC8037_X	"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define RFC8037_HEADER	"eyJhbGciOiJFZERTQSJ9"
#define RFC8037_PAYLOAD	"RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
#define RFC8037_SIG	"hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbh" \
			"ijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
#define RFC8037_JWS	RFC8037_HEADER "." RFC8037_PAYLOAD "." RFC8037_SIG

START_TEST(rfc8037_vector_sodium)
{
	unsigned char	 seed[32], pk[32], sk[64], x[32], sig[64], again[64];
	unsigned char	 text[64];
	size_t		 n;
	const char	*input = RFC8037_HEADER "." RFC8037_PAYLOAD;

	ck_assert_int_eq(b64url_decode(seed, sizeof(seed), &n, RFC8037_D,
	    strlen(RFC8037_D)), 0);
	ck_assert_uint_eq(n, 32);
	ck_assert_int_eq(b64url_decode(x, sizeof(x), &n, RFC8037_X,
	    strlen(RFC8037_X)), 0);
	ck_assert_uint_eq(n, 32);
	ck_assert_int_eq(b64url_decode(sig, sizeof(sig), &n, RFC8037_SIG,
	    strlen(RFC8037_SIG)), 0);
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(b64url_decode(text, sizeof(text), &n,
	    RFC8037_PAYLOAD, strlen(RFC8037_PAYLOAD)), 0);
	ck_assert_uint_eq(n, 26);
	ck_assert_mem_eq(text, "Example of Ed25519 signing", 26);
	ck_assert_int_eq(b64url_decode(text, sizeof(text), &n,
	    RFC8037_HEADER, strlen(RFC8037_HEADER)), 0);
	ck_assert_uint_eq(n, 15);
	ck_assert_mem_eq(text, "{\"alg\":\"EdDSA\"}", 15);
	/* A.2 is the public key of A.1. */
	ck_assert_int_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
	ck_assert_mem_eq(pk, x, 32);
	/* A.4's signature verifies, and Ed25519 being deterministic,
	 * signing again gives the same bytes. */
	ck_assert_int_eq(crypto_sign_verify_detached(sig,
	    (const unsigned char *)input, strlen(input), x), 0);
	crypto_sign_detached(again, NULL, (const unsigned char *)input,
	    strlen(input), sk);
	ck_assert_mem_eq(again, sig, 64);
	sig[10] ^= 1;
	ck_assert_int_eq(crypto_sign_verify_detached(sig,
	    (const unsigned char *)input, strlen(input), x), -1);
}
END_TEST

START_TEST(rfc8037_vector_module)
{
	static const char jwk[] = "{\"keys\":[{\"kty\":\"OKP\","
	    "\"crv\":\"Ed25519\",\"x\":\"" RFC8037_X "\"}]}";
	struct jwks		 set;
	struct token_result	 r;
	char			 err[256], tok[] = RFC8037_JWS;

	ck_assert_int_eq(jwks_parse(&set, jwk, strlen(jwk), SIG_ALL, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(set.n, 1);
	/* The signature passes (the key is found without a kid in a
	 * one-key set); the payload, plain text, is then refused as
	 * claims: this is as far as a non-JWT JWS can go. */
	ck_assert_int_eq(token_verify(&cfg, &set, tok, strlen(tok), UNIT_NOW,
	    &r), TOKEN_BAD_CLAIMS);
	ck_assert_int_eq(r.claims_err, CLAIMS_MALFORMED);
	/* The same with one signature bit flipped fails at the signature. */
	tok[strlen(RFC8037_HEADER) + strlen(RFC8037_PAYLOAD) + 2 + 5] ^= 1;
	ck_assert_int_eq(token_verify(&cfg, &set, tok, strlen(tok), UNIT_NOW,
	    &r), TOKEN_BAD_SIGNATURE);
	/* And the right signature under another key fails too. */
	ck_assert_int_eq(verify_with(&one, RFC8037_JWS), TOKEN_BAD_SIGNATURE);
	jwks_free(&set);
}
END_TEST

static Suite *
token_suite(void)
{
	Suite	*s = suite_create("token");
	TCase	*tc = tcase_create("jws");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, valid_token);
	tcase_add_test(tc, segments_count);
	tcase_add_test(tc, segments_empty);
	tcase_add_test(tc, bad_base64url);
	tcase_add_test(tc, header_not_json);
	tcase_add_test(tc, header_too_large);
	tcase_add_test(tc, header_alg);
	tcase_add_test(tc, alg_none_unsigned);
	tcase_add_test(tc, header_typ);
	tcase_add_test(tc, header_crit);
	tcase_add_test(tc, kid_choice);
	tcase_add_test(tc, bad_signature);
	tcase_add_test(tc, signature_length);
	tcase_add_test(tc, size_limit);
	tcase_add_test(tc, claims_rejected);
	tcase_add_test(tc, strerror_table);
	tcase_add_test(tc, rfc8037_vector_sodium);
	tcase_add_test(tc, rfc8037_vector_module);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(token_suite());
}
