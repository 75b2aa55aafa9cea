/*
 * Unit tests of the encrypted token: X25519 and the Concat KDF against
 * the published RFC values, JWE decryption and each of its refusals,
 * and the decryption key set with its 0600 rule.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "b64.h"
#include "deckeys.h"
#include "jwe.h"

static void
hex(unsigned char *out, size_t n, const char *h)
{
	size_t	 len;

	ck_assert_int_eq(sodium_hex2bin(out, n, h, strlen(h), NULL, &len,
	    NULL), 0);
	ck_assert_uint_eq(len, n);
}

static void
b64(unsigned char *out, size_t n, const char *s)
{
	size_t	 len;

	ck_assert_int_eq(b64url_decode(out, n, &len, s, strlen(s)), 0);
	ck_assert_uint_eq(len, n);
}

static char *
b64s(const void *in, size_t len)
{
	static char	 buf[4][2048];
	static int	 i;

	i = (i + 1) % 4;
	ck_assert_uint_ne(b64url_encode(buf[i], sizeof(buf[i]), in, len), 0);
	return buf[i];
}

/*
 * RFC 8037 appendix A.6: the ephemeral secret key, its public key (the
 * epk's "x") and the shared secret with Bob's public key ("x" of the
 * JWK with kid "Bob").
 */
START_TEST(rfc8037_a6_x25519)
{
	unsigned char	 esk[32], epk[32], bob[32], z[32], want[32], got[32];

	hex(esk, 32, "77076d0a7318a57d3c16c17251b26645"
	    "df4c2f87ebc0992ab177fba51db92c2a");
	b64(bob, 32, "3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08");
	b64(epk, 32, "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo");
	hex(want, 32, "4a5d9d5ba4ce2de1728e3bf480350f25"
	    "e07e21c947d19e3376f09b3c1e161742");
	crypto_scalarmult_base(got, esk);
	ck_assert_mem_eq(got, epk, 32);
	ck_assert_int_eq(jwe_x25519(z, esk, bob), 0);
	ck_assert_mem_eq(z, want, 32);
}
END_TEST

/* The other side (Bob's secret from RFC 7748 section 6.1) agrees. */
START_TEST(rfc8037_a6_recipient_side)
{
	unsigned char	 bsk[32], epk[32], z[32], want[32];

	hex(bsk, 32, "5dab087e624a8a4b79e17f8b83800ee6"
	    "6f3bb1292618b6fd1c2f8b27ff88e0eb");
	b64(epk, 32, "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo");
	hex(want, 32, "4a5d9d5ba4ce2de1728e3bf480350f25"
	    "e07e21c947d19e3376f09b3c1e161742");
	ck_assert_int_eq(jwe_x25519(z, bsk, epk), 0);
	ck_assert_mem_eq(z, want, 32);
}
END_TEST

/* Small-order points give an all-zero secret: refused, z cleared. */
START_TEST(x25519_all_zero_refused)
{
	static const char *const small[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	};
	unsigned char	 sk[32], pk[32], z[32];
	size_t		 i;

	randombytes_buf(sk, sizeof(sk));
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		hex(pk, 32, small[i]);
		memset(z, 0xaa, sizeof(z));
		ck_assert_int_eq(jwe_x25519(z, sk, pk), -1);
		ck_assert(sodium_is_zero(z, sizeof(z)));
	}
}
END_TEST

static const unsigned char rfc7518_z[32] = {
	158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132,
	38, 156, 251, 49, 110, 163, 218, 128, 106, 72, 246, 218, 167, 121,
	140, 254, 144, 196,
};

/* RFC 7518 appendix C: ECDH-ES with P-256 and A128GCM, 128-bit key. */
START_TEST(rfc7518_c_concat_kdf)
{
	static const unsigned char want[16] = {
		86, 170, 141, 234, 248, 35, 109, 32, 92, 34, 40, 205, 113,
		167, 16, 26,
	};
	unsigned char	 k[16];

	ck_assert_int_eq(jwe_concat_kdf(k, sizeof(k), rfc7518_z, 32,
	    "A128GCM", (const unsigned char *)"Alice", 5,
	    (const unsigned char *)"Bob", 3), 0);
	ck_assert_mem_eq(k, want, 16);
	ck_assert_str_eq(b64s(k, 16), "VqqN6vgjbSBcIijNcacQGg");
}
END_TEST

/* Over one hash: the round counter goes on (value from Python hashlib). */
START_TEST(concat_kdf_two_rounds)
{
	unsigned char	 k[48], want[48];

	hex(want, 48, "d00d6bda18c168025bb7d78244e16b57290924edf7df6ee5"
	    "bb9386603858c4cd6d51f2fa296e924fcc4b484072e4df82");
	ck_assert_int_eq(jwe_concat_kdf(k, sizeof(k), rfc7518_z, 32,
	    "A256GCM", (const unsigned char *)"Alice", 5,
	    (const unsigned char *)"Bob", 3), 0);
	ck_assert_mem_eq(k, want, 48);
	ck_assert_int_eq(jwe_concat_kdf(k, 0, rfc7518_z, 32, "A256GCM",
	    NULL, 0, NULL, 0), -1);
}
END_TEST

/* A recipient key set of two keys, kids "old" and "new". */
static struct deckeys	 set;
static unsigned char	 sk_old[32], pk_old[32], sk_new[32], pk_new[32];

static void
setup_keys(void)
{
	char	 json[1024], err[256];

	randombytes_buf(sk_old, 32);
	randombytes_buf(sk_new, 32);
	crypto_scalarmult_base(pk_old, sk_old);
	crypto_scalarmult_base(pk_new, sk_new);
	snprintf(json, sizeof(json), "{\"keys\":["
	    "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"old\",\"x\":\"%s\","
	    "\"d\":\"%s\",\"use\":\"enc\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"new\",\"d\":\"%s\"}"
	    "]}", b64s(pk_old, 32), b64s(sk_old, 32), b64s(sk_new, 32));
	ck_assert_msg(deckeys_parse(&set, json, strlen(json), 0, err,
	    sizeof(err)) == 0, "%s", err);
}

static void
teardown_keys(void)
{
	deckeys_free(&set);
}

/*
 * Builds a JWE with any protected header, encrypted the standard way
 * (independently of jwe_encrypt): esk against pk, the KDF with apu/apv,
 * AES-256-GCM with the header segment as AAD.
 */
static char *
craft(const char *header, const unsigned char pk[32], const char *apu,
    const char *apv, const char *plain)
{
	unsigned char	 esk[32], z[32], cek[32], iv[12], tag[16];
	unsigned char	 ct[2048];
	char		*h, *out;
	size_t		 plen = strlen(plain);

	hex(esk, 32, "77076d0a7318a57d3c16c17251b26645"
	    "df4c2f87ebc0992ab177fba51db92c2a");
	if (jwe_x25519(z, esk, pk) != 0)
		memset(z, 0, sizeof(z));
	ck_assert_int_eq(jwe_concat_kdf(cek, 32, z, 32, "A256GCM",
	    (const unsigned char *)apu, apu != NULL ? strlen(apu) : 0,
	    (const unsigned char *)apv, apv != NULL ? strlen(apv) : 0), 0);
	randombytes_buf(iv, sizeof(iv));
	h = strdup(b64s(header, strlen(header)));
	crypto_aead_aes256gcm_encrypt_detached(ct, tag, NULL,
	    (const unsigned char *)plain, plen, (unsigned char *)h, strlen(h),
	    NULL, iv, cek);
	ck_assert_int_ne(asprintf(&out, "%s..%s.%s.%s", h, b64s(iv, 12),
	    b64s(ct, plen), b64s(tag, 16)), -1);
	free(h);
	return out;
}

#define EPK_A6	"{\"kty\":\"OKP\",\"crv\":\"X25519\"," \
		"\"x\":\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}"

static enum jwe_err
try(const char *tok, char *out, size_t outmax)
{
	size_t	 n;

	return jwe_decrypt(&set, tok, strlen(tok), out, outmax, &n);
}

START_TEST(roundtrip_both_kids)
{
	char	*tok, out[256];
	size_t	 n;

	ck_assert_int_eq(jwe_encrypt(&tok, pk_old, "old", "a.b.c", 5),
	    JWE_OK);
	ck_assert_uint_eq(jwe_segments(tok, strlen(tok)), 5);
	ck_assert_int_eq(jwe_decrypt(&set, tok, strlen(tok), out,
	    sizeof(out), &n), JWE_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(out, "a.b.c");
	free(tok);
	ck_assert_int_eq(jwe_encrypt(&tok, pk_new, "new", "x.y.z", 5),
	    JWE_OK);
	ck_assert_int_eq(try(tok, out, sizeof(out)), JWE_OK);
	ck_assert_str_eq(out, "x.y.z");
	free(tok);
	/* Encrypted to "new" but labelled "old": the tag fails. */
	ck_assert_int_eq(jwe_encrypt(&tok, pk_new, "old", "x.y.z", 5),
	    JWE_OK);
	ck_assert_int_eq(try(tok, out, sizeof(out)), JWE_DECRYPT);
	free(tok);
}
END_TEST

/* apu and apv enter the KDF decoded; cty compares without case. */
START_TEST(apu_apv_and_cty_case)
{
	char	*tok, out[256];

	tok = craft("{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"jwt\","
	    "\"kid\":\"new\",\"apu\":\"QWxpY2U\",\"apv\":\"Qm9i\",\"epk\":"
	    EPK_A6 "}", pk_new, "Alice", "Bob", "h.p.s");
	ck_assert_int_eq(try(tok, out, sizeof(out)), JWE_OK);
	ck_assert_str_eq(out, "h.p.s");
	free(tok);
	/* The same, but the sender's KDF left apv out: a different key. */
	tok = craft("{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"apu\":\"QWxpY2U\",\"apv\":\"Qm9i\",\"epk\":"
	    EPK_A6 "}", pk_new, "Alice", NULL, "h.p.s");
	ck_assert_int_eq(try(tok, out, sizeof(out)), JWE_DECRYPT);
	ck_assert(sodium_is_zero((unsigned char *)out, 5));
	free(tok);
}
END_TEST

static const struct {
	const char	*header;
	enum jwe_err	 want;
} bad_headers[] = {
	{ "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_ALG },
	{ "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\"}", JWE_BAD_ALG },
	{ "{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"cty\":\"JWT\"}",
	    JWE_BAD_ALG },
	{ "{\"alg\":\"ecdh-es\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_ALG },
	{ "{\"enc\":\"A256GCM\",\"cty\":\"JWT\",\"kid\":\"new\",\"epk\":"
	    EPK_A6 "}", JWE_BAD_ALG },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A128GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_ENC },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256CBC-HS512\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_ENC },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"zip\":\"DEF\",\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_ZIP },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"crit\":[\"exp\"],\"kid\":\"new\",\"epk\":" EPK_A6 "}",
	    JWE_CRIT },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_CTY },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"json\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_CTY },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\"}", JWE_BAD_EPK },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0\","
	    "\"y\":\"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps\"}}",
	    JWE_BAD_EPK },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":{\"kty\":\"OKP\",\"crv\":\"X448\","
	    "\"x\":\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}}",
	    JWE_BAD_EPK },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"x\":\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066Spjqqb\"}}",
	    JWE_BAD_EPK },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"gone\",\"epk\":" EPK_A6 "}", JWE_UNKNOWN_KEY },
	/* Without a kid, no key is meant. */
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"epk\":" EPK_A6 "}", JWE_NO_KID },
	/* A "\u0000" tail is no end of the string. */
	{ "{\"alg\":\"ECDH-ES\\u0000x\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_ALG },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\\u0000\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_ENC },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\\u0000\","
	    "\"kid\":\"new\",\"epk\":" EPK_A6 "}", JWE_BAD_CTY },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\\u0000\",\"epk\":" EPK_A6 "}", JWE_MALFORMED },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"epk\":{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}}",
	    JWE_WEAK_KEY },
	{ "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\",\"cty\":\"JWT\","
	    "\"kid\":\"new\",\"apu\":\"Q\",\"epk\":" EPK_A6 "}",
	    JWE_MALFORMED },
	{ "{\"alg\":\"ECDH-ES\",\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\","
	    "\"cty\":\"JWT\",\"kid\":\"new\",\"epk\":" EPK_A6 "}",
	    JWE_MALFORMED },
	{ "[1]", JWE_MALFORMED },
};

START_TEST(header_refusals)
{
	char	*tok, out[256];

	tok = craft(bad_headers[_i].header, pk_new, NULL, NULL, "a.b.c");
	ck_assert_int_eq(try(tok, out, sizeof(out)), bad_headers[_i].want);
	free(tok);
}
END_TEST

/* Damage to each segment of a good token. */
START_TEST(segment_refusals)
{
	char	*tok, *t, out[256], *dot[4], *p;
	size_t	 i;

	ck_assert_int_eq(jwe_encrypt(&tok, pk_new, "new", "a.b.c", 5),
	    JWE_OK);
	for (p = tok, i = 0; i < 4; i++, p++)
		dot[i] = p = strchr(p, '.');
	/* An encrypted key where ECDH-ES has none. */
	ck_assert_int_ne(asprintf(&t, "%.*s.AAAA%s", (int)(dot[0] - tok), tok,
	    dot[1]), -1);
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_ENCRYPTED_KEY);
	free(t);
	/* Four segments: the tag cut off. */
	ck_assert_int_ne(asprintf(&t, "%.*s", (int)(dot[3] - tok), tok), -1);
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_MALFORMED);
	free(t);
	/* A tag of 15 bytes; an IV of 9. */
	ck_assert_int_ne(asprintf(&t, "%.*s", (int)strlen(tok) - 2, tok), -1);
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_MALFORMED);
	free(t);
	ck_assert_int_ne(asprintf(&t, "%.*s.AAAAAAAAAAAA%s",
	    (int)(dot[1] - tok), tok, dot[2]), -1);
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_MALFORMED);
	free(t);
	/* Empty ciphertext; six segments. */
	ck_assert_int_ne(asprintf(&t, "%.*s%s", (int)(dot[2] - tok + 1), tok,
	    dot[3]), -1);
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_MALFORMED);
	free(t);
	ck_assert_int_ne(asprintf(&t, "%s.AAAA", tok), -1);
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_MALFORMED);
	free(t);
	/* A flipped bit of the tag, of the ciphertext, of the header. */
	t = strdup(tok);
	p = t + strlen(t) - 3;
	*p = *p == 'A' ? 'B' : 'A';
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_DECRYPT);
	free(t);
	t = strdup(tok);
	p = t + (dot[2] - tok) + 1;
	*p = *p == 'A' ? 'B' : 'A';
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_DECRYPT);
	free(t);
	t = strdup(tok);
	t[1] = t[1] == 'A' ? 'B' : 'A';
	ck_assert_int_ne(try(t, out, sizeof(out)), JWE_OK);
	free(t);
	/* No room for the plaintext. */
	ck_assert_int_eq(jwe_encrypt(&t, pk_new, "new", "a.b.c", 5), JWE_OK);
	ck_assert_int_eq(try(t, out, 5), JWE_TOO_LONG);
	free(t);
	free(tok);
}
END_TEST

/* The same header in other bytes: the AAD differs, so does the tag. */
START_TEST(header_aad_bound)
{
	static const char *const h = "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\","
	    "\"cty\":\"JWT\",\"kid\":\"new\",\"epk\":" EPK_A6 "}";
	char	*tok, *t, out[256], spaced[1024];

	tok = craft(h, pk_new, NULL, NULL, "a.b.c");
	ck_assert_int_eq(try(tok, out, sizeof(out)), JWE_OK);
	snprintf(spaced, sizeof(spaced), " %s", h);
	ck_assert_int_ne(asprintf(&t, "%s%s", b64s(spaced, strlen(spaced)),
	    strchr(tok, '.')), -1);
	ck_assert_int_eq(try(t, out, sizeof(out)), JWE_DECRYPT);
	free(t);
	free(tok);
}
END_TEST

START_TEST(too_long)
{
	char	*big, out[256];

	big = malloc(JWE_MAX + 2);
	memset(big, 'A', JWE_MAX + 1);
	big[JWE_MAX + 1] = '\0';
	ck_assert_int_eq(try(big, out, sizeof(out)), JWE_TOO_LONG);
	free(big);
}
END_TEST

START_TEST(segments)
{
	ck_assert_uint_eq(jwe_segments("a.b.c", 5), 3);
	ck_assert_uint_eq(jwe_segments("a..b.c.d", 8), 5);
	ck_assert_uint_eq(jwe_segments("abc", 3), 1);
}
END_TEST

START_TEST(find_by_kid)
{
	ck_assert_ptr_eq(deckeys_find(&set, "old", 3), &set.keys[0]);
	ck_assert_ptr_eq(deckeys_find(&set, "new", 3), &set.keys[1]);
	ck_assert_ptr_null(deckeys_find(&set, "ne", 2));
	ck_assert_ptr_null(deckeys_find(&set, NULL, 0));
	ck_assert_mem_eq(set.keys[0].pk, pk_old, 32);
}
END_TEST

static const struct {
	const char	*json;
	const char	*err;
} bad_sets[] = {
	{ "{\"keys\":[]}", "key set must hold 1 to 64 keys" },
	{ "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"d\":"
	    "\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\"}",
	    "key set has no \"keys\" array" },
	{ "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":"
	    "\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\"}]}",
	    "key 0 is not an X25519 key (\"kty\":\"OKP\",\"crv\":\"X25519\")" },
	{ "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"x\":\"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08\"}]}",
	    "key 0: \"d\" is not a base64url X25519 private key of 32 bytes" },
	{ "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"use\":\"sig\","
	    "\"d\":\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\"}]}",
	    "key 0: \"use\" is not \"enc\"" },
	/* RFC 7748 Alice's secret with Bob's public key as "x". */
	{ "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"d\":\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\","
	    "\"x\":\"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08\"}]}",
	    "key 0: \"x\" does not belong to \"d\"" },
	{ "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"d\":\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\"}]}",
	    "key 0 has no \"kid\": encrypted tokens name their decryption "
	    "key by it" },
	{ "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"a\","
	    "\"d\":\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"a\","
	    "\"d\":\"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os\"}]}",
	    "key id \"a\" is used twice" },
};

START_TEST(set_refusals)
{
	struct deckeys	 s;
	char		 err[256];

	ck_assert_int_eq(deckeys_parse(&s, bad_sets[_i].json,
	    strlen(bad_sets[_i].json), 0, err, sizeof(err)), -1);
	ck_assert_str_eq(err, bad_sets[_i].err);
	ck_assert_ptr_null(s.keys);
}
END_TEST

/* The matching "x" of RFC 7748's Alice is taken; one bare JWK too. */
START_TEST(set_single_and_x)
{
	static const char *const jwk = "{\"kty\":\"OKP\",\"crv\":\"X25519\","
	    "\"kid\":\"a\","
	    "\"d\":\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\","
	    "\"x\":\"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo\"}";
	struct deckeys	 s;
	char		 err[256];

	ck_assert_int_eq(deckeys_parse(&s, jwk, strlen(jwk), DECKEYS_SINGLE,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_ptr_eq(deckeys_find(&s, "a", 1), &s.keys[0]);
	/* A set of one key: still no key without a kid. */
	ck_assert_ptr_null(deckeys_find(&s, NULL, 0));
	deckeys_free(&s);
}
END_TEST

static char *
write_tmp(const char *text, mode_t mode)
{
	char	*path;
	int	 fd;

	path = strdup("/tmp/check_jwe.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

START_TEST(load_mode_0600)
{
	static const char *const text = "{\"keys\":[{\"kty\":\"OKP\","
	    "\"crv\":\"X25519\",\"kid\":\"k\","
	    "\"d\":\"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo\"}]}";
	static const mode_t bad[] = { 0644, 0640, 0604, 0610, 0601, 0660 };
	struct deckeys	 s;
	char		 err[512], want[512], *path;
	size_t		 i;

	path = write_tmp(text, 0600);
	ck_assert_msg(deckeys_load(&s, path, DECKEYS_PRIVATE, err,
	    sizeof(err)) == 0, "%s", err);
	deckeys_free(&s);
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(deckeys_load(&s, path, DECKEYS_PRIVATE, err,
	    sizeof(err)), 0);
	deckeys_free(&s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(chmod(path, bad[i]), 0);
		ck_assert_int_eq(deckeys_load(&s, path, DECKEYS_PRIVATE, err,
		    sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: mode %04o gives group or "
		    "others access to the decryption keys; it must be 0600 "
		    "(chmod 600 %s)", path, (unsigned)bad[i], path);
		ck_assert_str_eq(err, want);
	}
	/* Without DECKEYS_PRIVATE (nv-token inspect) the mode is not read. */
	ck_assert_int_eq(deckeys_load(&s, path, 0, err, sizeof(err)), 0);
	deckeys_free(&s);
	unlink(path);
	free(path);
}
END_TEST

static Suite *
jwe_suite(void)
{
	Suite	*s = suite_create("jwe");
	TCase	*tc;

	tc = tcase_create("rfc");
	tcase_add_test(tc, rfc8037_a6_x25519);
	tcase_add_test(tc, rfc8037_a6_recipient_side);
	tcase_add_test(tc, x25519_all_zero_refused);
	tcase_add_test(tc, rfc7518_c_concat_kdf);
	tcase_add_test(tc, concat_kdf_two_rounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("decrypt");
	tcase_add_checked_fixture(tc, setup_keys, teardown_keys);
	tcase_add_test(tc, roundtrip_both_kids);
	tcase_add_test(tc, apu_apv_and_cty_case);
	tcase_add_loop_test(tc, header_refusals, 0,
	    sizeof(bad_headers) / sizeof(bad_headers[0]));
	tcase_add_test(tc, segment_refusals);
	tcase_add_test(tc, header_aad_bound);
	tcase_add_test(tc, too_long);
	tcase_add_test(tc, segments);
	tcase_add_test(tc, find_by_kid);
	suite_add_tcase(s, tc);
	tc = tcase_create("keys");
	tcase_add_loop_test(tc, set_refusals, 0,
	    sizeof(bad_sets) / sizeof(bad_sets[0]));
	tcase_add_test(tc, set_single_and_x);
	tcase_add_test(tc, load_mode_0600);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (sodium_init() < 0)
		return 99;
	if (!crypto_aead_aes256gcm_is_available()) {
		fprintf(stderr, "check_jwe: no AES-GCM on this CPU\n");
		return 77;
	}
	sr = srunner_create(jwe_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
