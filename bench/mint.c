/*
 * Keys and tokens for the benchmarks.  Key i comes from the seed
 * SHA-256("nv-bench-key-i") and token i carries jti i, so the same
 * arguments always give the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "mint.h"

#define JWK_JSON_MAX	256

int
bench_keys_make(struct bench_keys *ks, size_t n)
{
	unsigned char	 seed[crypto_sign_SEEDBYTES], h[crypto_hash_sha256_BYTES];
	char		 label[64];
	size_t		 i;

	ks->n = 0;
	if ((ks->k = calloc(n, sizeof(*ks->k))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "nv-bench-key-%zu", i);
		crypto_hash_sha256(seed, (const unsigned char *)label,
		    strlen(label));
		crypto_sign_seed_keypair(ks->k[i].pk, ks->k[i].sk, seed);
		crypto_hash_sha256(h, ks->k[i].pk, sizeof(ks->k[i].pk));
		b64url_encode(ks->k[i].kid, sizeof(ks->k[i].kid), h, sizeof(h));
	}
	ks->n = n;
	return 0;
}

void
bench_keys_free(struct bench_keys *ks)
{
	if (ks->k != NULL)
		sodium_memzero(ks->k, ks->n * sizeof(*ks->k));
	free(ks->k);
	ks->k = NULL;
	ks->n = 0;
}

char *
bench_jwks_json(const struct bench_keys *ks)
{
	char	 x[64], *out, *p;
	size_t	 i, max = 32 + ks->n * JWK_JSON_MAX;
	int	 n;

	if ((out = malloc(max)) == NULL)
		return NULL;
	p = out;
	p += sprintf(p, "{\"keys\":[");
	for (i = 0; i < ks->n; i++) {
		b64url_encode(x, sizeof(x), ks->k[i].pk, sizeof(ks->k[i].pk));
		n = snprintf(p, JWK_JSON_MAX, "%s{\"kty\":\"OKP\",\"crv\":"
		    "\"Ed25519\",\"x\":\"%s\",\"kid\":\"%s\",\"use\":\"sig\","
		    "\"alg\":\"EdDSA\"}", i > 0 ? "," : "", x, ks->k[i].kid);
		p += n;
	}
	sprintf(p, "]}\n");
	return out;
}

void
bench_phone(char out[17], size_t i)
{
	snprintf(out, 17, "+336%08zu", i % 100000000);
}

/* Appends the base64url of len bytes at out + *at; -1 if it overflows. */
static int
put_b64(char *out, size_t max, size_t *at, const void *in, size_t len)
{
	size_t	 n;

	if ((n = b64url_encode(out + *at, max - *at, in, len)) == 0)
		return -1;
	*at += n;
	return 0;
}

size_t
bench_mint(char *out, size_t max, const struct bench_keys *ks, size_t i,
    long iat, long exp)
{
	const struct bench_key	*k = &ks->k[i % ks->n];
	unsigned char		 jti[16], sig[crypto_sign_BYTES];
	char			 hdr[128], pl[512], jti64[32], phone[17];
	size_t			 at = 0;

	memset(jti, 0, sizeof(jti));
	memcpy(jti, &i, sizeof(i));
	b64url_encode(jti64, sizeof(jti64), jti, sizeof(jti));
	bench_phone(phone, i);
	snprintf(hdr, sizeof(hdr),
	    "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"%s\"}", k->kid);
	snprintf(pl, sizeof(pl), "{\"iss\":\"%s\",\"aud\":\"%s\","
	    "\"sub\":\"nv-token\",\"iat\":%ld,\"exp\":%ld,\"jti\":\"%s\","
	    "\"scope\":\"number-verification:verify "
	    "number-verification:device-phone-number:read\","
	    "\"amr\":[\"nba\"],\"phone_number\":\"%s\"}",
	    BENCH_ISSUER, BENCH_AUDIENCE, iat, exp, jti64, phone);
	if (put_b64(out, max, &at, hdr, strlen(hdr)) == -1 || at + 1 >= max)
		return 0;
	out[at++] = '.';
	if (put_b64(out, max, &at, pl, strlen(pl)) == -1 || at + 1 >= max)
		return 0;
	crypto_sign_detached(sig, NULL, (const unsigned char *)out, at, k->sk);
	out[at++] = '.';
	if (put_b64(out, max, &at, sig, sizeof(sig)) == -1)
		return 0;
	return at;
}
