/*
 * Keys and tokens for the benchmarks: a deterministic Ed25519 key set
 * (so instruction counts repeat from run to run) and access tokens of
 * the form nv-token mints, signed in-process instead of one exec each.
 */
#ifndef NV_BENCH_MINT_H
#define NV_BENCH_MINT_H

#include <stddef.h>

#include <sodium.h>

#define BENCH_KID_LEN	43	/* a base64url SHA-256, as nv-token keygen */
#define BENCH_ISSUER	"https://issuer.bench.example"
#define BENCH_AUDIENCE	"number-verification-bench"

struct bench_key {
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	char		 kid[BENCH_KID_LEN + 1];
};

struct bench_keys {
	struct bench_key	*k;
	size_t			 n;
};

int	bench_keys_make(struct bench_keys *, size_t n);
void	bench_keys_free(struct bench_keys *);
/* The public key set as JWKS JSON; malloc'd, NULL when out of memory. */
char	*bench_jwks_json(const struct bench_keys *);
/* The number carried by token i: +336 and eight digits. */
void	bench_phone(char out[17], size_t i);
/*
 * Token i, signed by key i mod n, valid from iat to exp.  Writes the
 * compact JWS into out and returns its length, 0 if out is too small.
 */
size_t	bench_mint(char *out, size_t max, const struct bench_keys *,
	    size_t i, long iat, long exp);

#endif
