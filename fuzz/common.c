/*
 * The fixture of every fuzz target: configuration and key set built
 * in memory from constants, and a signer holding the private half of
 * the one key in the set.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "common.h"

static struct fuzz_env	 env;
static struct jwk	 key;
static unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
static int		 ready;

static char	 jwks_file[] = "/nonexistent/fuzz.jwks";
static char	 issuer[] = FUZZ_ISSUER;
static char	 audience[] = FUZZ_AUDIENCE;
static char	 phone_claim[] = "phone_number";
static char	 amr_nba[] = "nba";
static char	 amr_mnba[] = "mnba";

const struct fuzz_env *
fuzz_env(void)
{
	unsigned char	 seed[crypto_sign_SEEDBYTES];

	if (ready)
		return &env;
	if (sodium_init() < 0)
		abort();
	/* A fixed seed: every run, and every crash reproduction, alike. */
	memset(seed, 0x42, sizeof(seed));
	crypto_sign_seed_keypair(key.key.ed25519, sk, seed);
	key.key.type = SIG_KEY_ED25519;
	key.algs = SIG_BIT(SIG_EDDSA);
	memcpy(key.kid, FUZZ_KID, sizeof(FUZZ_KID));
	key.has_kid = 1;
	env.keys.keys = &key;
	env.keys.n = 1;
	env.cfg.jwks_file = jwks_file;
	env.cfg.issuer = issuer;
	env.cfg.audience = audience;
	env.cfg.leeway = CONFIG_DEFAULT_LEEWAY;
	env.cfg.phone_claim = phone_claim;
	env.cfg.network_amr[0] = amr_nba;
	env.cfg.network_amr[1] = amr_mnba;
	env.cfg.n_amr = 2;
	env.cfg.api_version = API_V0;
	env.cfg.signing_algs = SIG_ALL;
	ready = 1;
	return &env;
}

size_t
fuzz_sign(const char *header, size_t hlen, const uint8_t *payload,
    size_t plen, char *out, size_t outmax)
{
	unsigned char	 sig[crypto_sign_BYTES];
	size_t		 n, m, s;

	(void)fuzz_env();
	if ((n = b64url_encode(out, outmax, (const unsigned char *)header,
	    hlen)) == 0 || n + 1 >= outmax)
		return 0;
	out[n++] = '.';
	if ((m = b64url_encode(out + n, outmax - n, payload, plen)) == 0 &&
	    plen > 0)
		return 0;
	n += m;
	crypto_sign_detached(sig, NULL, (const unsigned char *)out, n, sk);
	if (n + 1 >= outmax)
		return 0;
	out[n++] = '.';
	if ((s = b64url_encode(out + n, outmax - n, sig, sizeof(sig))) == 0)
		return 0;
	return n + s;
}
