/*
 * The FastCGI floor plus one signature verification of a given JWS
 * algorithm, made with the library directly: what a token check of
 * that algorithm cannot skip.  bench/algs measures nv-fcgi against it.
 *
 *	floor_alg ALG [message-length]
 *
 * ALG is EdDSA, ES256, ES384, RS256, RS384, RS512, PS256, PS384 or
 * PS512; message-length (default 300) is that of a token's signing
 * input.  At start-up: one key (Ed25519 from a fixed seed; P-256 or
 * P-384; RSA of 2048 bits), NSIG messages of printable bytes from a
 * fixed seed, and their signatures.  Then per FastCGI request: read
 * the body, verify the next signature (cycling, as in floor_sig.c:
 * nv-fcgi checks a different token every time), answer the fixed 200.
 *
 * Per request, as any one-shot verification with OpenSSL's EVP: a new
 * EVP_MD_CTX, EVP_DigestVerifyInit_ex by digest name with the ready
 * public EVP_PKEY (for PSS, then the padding and a salt as long as the
 * digest, RFC 7518 3.5), one EVP_DigestVerify, the free.  ECDSA takes
 * the signature in JOSE's R||S form and re-encodes it as DER
 * (ECDSA_SIG_set0, i2d_ECDSA_SIG) on every request, because a worker
 * receives R||S and OpenSSL verifies DER: that conversion is part of
 * the floor.  EdDSA is libsodium's crypto_sign_verify_detached.
 *
 * Keys and messages come from a fixed seed, so every run checks the
 * same messages with the same key (and, but for ECDSA's random nonces
 * and PSS's random salts, the same signatures): start-up must cost the
 * same in every run for bench/worker_ir.py's difference of two runs to
 * cancel it, and an RSA key made by OpenSSL's random generator does not
 * (its prime search varies by hundreds of millions of instructions).
 * The RSA primes are therefore found by a plain search upwards from
 * seeded odd numbers; the P-256 and P-384 keys come from seeded scalars.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>

#define BODY_MAX	4096
#define MSG_MAX		8192
#define NSIG		64
#define SIG_MAX		512	/* RSA of 4096 bits; 2048 are made here */

enum kind { K_EDDSA, K_ECDSA, K_RSA };

static const struct alg {
	const char	*name;
	enum kind	 kind;
	const char	*digest;	/* NULL for EdDSA */
	const char	*group;		/* ECDSA */
	size_t		 coord;		/* ECDSA: R and S each this long */
	int		 pss;
} algs[] = {
	{ "EdDSA", K_EDDSA, NULL, NULL, 0, 0 },
	{ "ES256", K_ECDSA, "SHA256", "P-256", 32, 0 },
	{ "ES384", K_ECDSA, "SHA384", "P-384", 48, 0 },
	{ "RS256", K_RSA, "SHA256", NULL, 0, 0 },
	{ "RS384", K_RSA, "SHA384", NULL, 0, 0 },
	{ "RS512", K_RSA, "SHA512", NULL, 0, 0 },
	{ "PS256", K_RSA, "SHA256", NULL, 0, 1 },
	{ "PS384", K_RSA, "SHA384", NULL, 0, 1 },
	{ "PS512", K_RSA, "SHA512", NULL, 0, 1 },
};

static const char answer[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "Content-Length: 34\r\n"
    "\r\n"
    "{\"devicePhoneNumberVerified\":true}";

static const char failed[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static unsigned char	 sigs[NSIG][SIG_MAX];
static size_t		 siglens[NSIG];

/* PSS with MGF1 of the same digest and a salt as long as the digest. */
static int
set_pss(EVP_PKEY_CTX *pctx)
{
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) ==
	    1 && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
	    RSA_PSS_SALTLEN_DIGEST) == 1;
}

/* One signature by the private key, in JOSE's form (R||S for ECDSA). */
static int
sign(const struct alg *a, EVP_PKEY *key, const unsigned char *m,
    size_t len, unsigned char *out, size_t *outlen)
{
	unsigned char	 der[SIG_MAX];
	const unsigned char *p = der;
	const BIGNUM	*r, *s;
	EVP_MD_CTX	*mctx;
	EVP_PKEY_CTX	*pctx = NULL;
	ECDSA_SIG	*es;
	size_t		 n = sizeof(der);
	int		 ok;

	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestSignInit_ex(mctx, &pctx, a->digest, NULL, NULL, key,
	    NULL) == 1 && (!a->pss || set_pss(pctx)) &&
	    EVP_DigestSign(mctx, der, &n, m, len) == 1;
	EVP_MD_CTX_free(mctx);
	if (!ok)
		return -1;
	if (a->kind == K_RSA) {
		memcpy(out, der, n);
		*outlen = n;
		return 0;
	}
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)n)) == NULL)
		return -1;
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, out, (int)a->coord) == (int)a->coord &&
	    BN_bn2binpad(s, out + a->coord, (int)a->coord) == (int)a->coord;
	ECDSA_SIG_free(es);
	*outlen = 2 * a->coord;
	return ok ? 0 : -1;
}

/*
 * A prime of bits bits from a seed: the first one upwards of a seeded
 * odd number with its two top bits set, p - 1 prime to e = 65537.
 * Trial division by the odd primes under 2^14, then Fermat's test to
 * base 2: unlike BN_check_prime, whose Miller-Rabin rounds draw random
 * bases, that costs the same in every run.  A composite passing it is
 * improbable enough for a benchmark, and would make a key whose
 * signatures fail main's check at start-up.
 */
static BIGNUM *
seeded_prime(const unsigned char seed[randombytes_SEEDBYTES], int bits,
    BN_CTX *bctx)
{
	static unsigned short	 small[2000];
	static size_t		 nsmall;
	unsigned char		 b[512];
	size_t			 n = (size_t)bits / 8, i;
	BIGNUM			*p, *p1 = BN_new(), *two = BN_new();
	BIGNUM			*r = BN_new();
	unsigned		 c, d;

	if (nsmall == 0)
		for (c = 3; c < 1 << 14 && nsmall < 2000; c += 2) {
			for (d = 3; d * d <= c && c % d != 0; d += 2)
				continue;
			if (d * d > c)
				small[nsmall++] = (unsigned short)c;
		}
	p = NULL;
	if (n > sizeof(b) || p1 == NULL || two == NULL || r == NULL ||
	    !BN_set_word(two, 2))
		goto out;
	randombytes_buf_deterministic(b, n, seed);
	b[0] |= 0xc0;
	b[n - 1] |= 1;
	if ((p = BN_bin2bn(b, (int)n, NULL)) == NULL)
		goto out;
	for (;; ) {
		for (i = 0; i < nsmall; i++)
			if (BN_mod_word(p, small[i]) == 0)
				break;
		if (i == nsmall && BN_mod_word(p, 65537) != 1) {
			if (!BN_sub(p1, p, BN_value_one()) ||
			    !BN_mod_exp(r, two, p1, p, bctx))
				break;
			if (BN_is_one(r))
				goto out;
		}
		if (!BN_add_word(p, 2))
			break;
	}
	BN_free(p);
	p = NULL;
out:
	BN_free(p1);
	BN_free(two);
	BN_free(r);
	return p;
}

/* An RSA key of bits bits, e = 65537, from a fixed seed. */
static EVP_PKEY *
seeded_rsa(const unsigned char seed[randombytes_SEEDBYTES], int bits)
{
	unsigned char	 s[randombytes_SEEDBYTES];
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*key = NULL;
	BN_CTX		*bctx = BN_CTX_new();
	BIGNUM		*p = NULL, *q = NULL, *n = BN_new(), *e = BN_new();
	BIGNUM		*d = BN_new(), *p1 = BN_new(), *q1 = BN_new();
	BIGNUM		*phi = BN_new(), *dp = BN_new(), *dq = BN_new();
	BIGNUM		*qi = BN_new();

	memcpy(s, seed, sizeof(s));
	s[1] ^= 'p';
	if (bctx == NULL || qi == NULL ||
	    (p = seeded_prime(s, bits / 2, bctx)) == NULL)
		goto out;
	s[1] ^= 'p' ^ 'q';
	if ((q = seeded_prime(s, bits / 2, bctx)) == NULL ||
	    !BN_set_word(e, 65537) || !BN_mul(n, p, q, bctx) ||
	    !BN_sub(p1, p, BN_value_one()) || !BN_sub(q1, q, BN_value_one()) ||
	    !BN_mul(phi, p1, q1, bctx) ||
	    BN_mod_inverse(d, e, phi, bctx) == NULL ||
	    !BN_mod(dp, d, p1, bctx) || !BN_mod(dq, d, q1, bctx) ||
	    BN_mod_inverse(qi, q, p, bctx) == NULL)
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	    qi) || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) != 1)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_CTX_free(bctx);
	BN_clear_free(p);
	BN_clear_free(q);
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	BN_clear_free(p1);
	BN_clear_free(q1);
	BN_clear_free(phi);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(qi);
	return key;
}

/* A P-256 or P-384 key whose private scalar comes from a fixed seed. */
static EVP_PKEY *
seeded_ec(const unsigned char seed[randombytes_SEEDBYTES], const char *group,
    size_t coord)
{
	unsigned char	 b[48];
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*key = NULL;
	EC_GROUP	*g = NULL;
	EC_POINT	*pt = NULL;
	BIGNUM		*priv = NULL;
	unsigned char	 pub[1 + 2 * 48];
	size_t		 publen;

	randombytes_buf_deterministic(b, coord, seed);
	b[0] &= 0x7f;	/* below the group's order */
	b[coord - 1] |= 1;	/* not zero */
	if ((priv = BN_bin2bn(b, (int)coord, NULL)) == NULL ||
	    (g = EC_GROUP_new_by_curve_name(coord == 32 ? NID_X9_62_prime256v1 :
	    NID_secp384r1)) == NULL || (pt = EC_POINT_new(g)) == NULL ||
	    !EC_POINT_mul(g, pt, priv, NULL, NULL, NULL) ||
	    (publen = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED,
	    pub, sizeof(pub), NULL)) == 0)
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub,
	    publen) || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) != 1)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	BN_clear_free(priv);
	sodium_memzero(b, sizeof(b));
	return key;
}

/* The public half alone, as a worker builds it from a JWK. */
static EVP_PKEY *
public_only(EVP_PKEY *key)
{
	unsigned char	*der = NULL;
	const unsigned char *p;
	EVP_PKEY	*pub;
	int		 n;

	if ((n = i2d_PUBKEY(key, &der)) <= 0)
		return NULL;
	p = der;
	pub = d2i_PUBKEY(NULL, &p, n);
	OPENSSL_free(der);
	return pub;
}

/* What every request does: one verification, 0 if it holds. */
static int
verify(const struct alg *a, EVP_PKEY *pub, const unsigned char *epk,
    const unsigned char *m, size_t len, const unsigned char *sig,
    size_t siglen)
{
	unsigned char	*der = NULL;
	const unsigned char *vs = sig;
	EVP_MD_CTX	*mctx = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r = NULL, *s = NULL;
	size_t		 vlen = siglen;
	int		 derlen, rc = -1;

	if (a->kind == K_EDDSA)
		return crypto_sign_verify_detached(sig, m, len, epk);
	if (a->kind == K_ECDSA) {
		if ((r = BN_bin2bn(sig, (int)a->coord, NULL)) == NULL ||
		    (s = BN_bin2bn(sig + a->coord, (int)a->coord, NULL)) ==
		    NULL || (es = ECDSA_SIG_new()) == NULL ||
		    ECDSA_SIG_set0(es, r, s) != 1)
			goto out;
		r = s = NULL;
		if ((derlen = i2d_ECDSA_SIG(es, &der)) <= 0)
			goto out;
		vs = der;
		vlen = (size_t)derlen;
	}
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit_ex(mctx, &pctx, a->digest, NULL, NULL, pub,
	    NULL) != 1 || (a->pss && !set_pss(pctx)))
		goto out;
	if (EVP_DigestVerify(mctx, vs, vlen, m, len) == 1)
		rc = 0;
out:
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	return rc;
}

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	const struct alg *a = NULL;
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	 seed[randombytes_SEEDBYTES];
	unsigned char	*msgs, *m;
	char		 body[BODY_MAX];
	EVP_PKEY	*key = NULL, *pub = NULL;
	size_t		 len = argc > 2 ? strtoul(argv[2], NULL, 10) : 300;
	size_t		 i, j, next = 0;

	for (i = 0; argc > 1 && i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(argv[1], algs[i].name) == 0)
			a = &algs[i];
	if (a == NULL || argc > 3 || len == 0 || len > MSG_MAX ||
	    sodium_init() < 0 || (msgs = malloc(NSIG * len)) == NULL) {
		fprintf(stderr, "usage: floor_alg EdDSA|ES256|ES384|RS256|"
		    "RS384|RS512|PS256|PS384|PS512 [message-length <= %d]\n",
		    MSG_MAX);
		return 64;
	}
	crypto_hash_sha256(seed, (const unsigned char *)"nv-bench-floor",
	    14);
	switch (a->kind) {
	case K_EDDSA:
		crypto_sign_seed_keypair(pk, sk, seed);
		break;
	case K_ECDSA:
		key = seeded_ec(seed, a->group, a->coord);
		break;
	case K_RSA:
		key = seeded_rsa(seed, 2048);
		break;
	}
	if (a->kind != K_EDDSA && (key == NULL ||
	    (pub = public_only(key)) == NULL)) {
		fprintf(stderr, "floor_alg: cannot make a %s key\n", a->name);
		return 1;
	}
	for (i = 0; i < NSIG; i++) {
		/* base64url-like printable bytes, as a token's signing input. */
		m = msgs + i * len;
		seed[0] ^= (unsigned char)(i + 1);
		randombytes_buf_deterministic(m, len, seed);
		for (j = 0; j < len; j++)
			m[j] = (unsigned char)('A' + m[j] % 26);
		if (a->kind == K_EDDSA) {
			crypto_sign_detached(sigs[i], NULL, m, len, sk);
			siglens[i] = crypto_sign_BYTES;
		} else if (sign(a, key, m, len, sigs[i], &siglens[i]) == -1) {
			fprintf(stderr, "floor_alg: cannot sign with %s\n",
			    a->name);
			return 1;
		}
		if (verify(a, pub, pk, m, len, sigs[i], siglens[i]) != 0) {
			fprintf(stderr, "floor_alg: %s signature %zu does not "
			    "verify\n", a->name, i);
			return 1;
		}
	}
	EVP_PKEY_free(key);
	sodium_memzero(sk, sizeof(sk));
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		while (FCGX_GetStr(body, sizeof(body), r.in) > 0)
			continue;
		if (verify(a, pub, pk, msgs + next * len, len, sigs[next],
		    siglens[next]) == 0)
			FCGX_PutStr(answer, sizeof(answer) - 1, r.out);
		else
			FCGX_PutStr(failed, sizeof(failed) - 1, r.out);
		next = (next + 1) % NSIG;
		FCGX_Finish_r(&r);
	}
	EVP_PKEY_free(pub);
	return 0;
}
