/*
 * The fixture of every fuzz target: configuration and key set built
 * in memory from constants, and a signer holding the private half of
 * the one key in the set; the decryption keys and a sealer that
 * encrypts to the first of them.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "common.h"
#include "jwe.h"

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

static struct deckey	 deckey[2];
static struct deckeys	 deckeys[2];
static int		 deckeys_ready;

const struct deckeys *
fuzz_deckeys(size_t n)
{
	static const char *const kids[2] = { FUZZ_ENC_KID, FUZZ_ENC_KID2 };
	size_t			 i;

	if (!deckeys_ready) {
		(void)fuzz_env();	/* sodium_init */
		for (i = 0; i < 2; i++) {
			memset(deckey[i].sk, 0x43 + (int)i,
			    sizeof(deckey[i].sk));
			crypto_scalarmult_base(deckey[i].pk, deckey[i].sk);
			memcpy(deckey[i].kid, kids[i], strlen(kids[i]) + 1);
			deckey[i].has_kid = 1;
			deckeys[i].keys = deckey;
			deckeys[i].n = i + 1;
		}
		deckeys_ready = 1;
	}
	return &deckeys[n >= 2 ? 1 : 0];
}

size_t
fuzz_seal(const char *header, size_t hlen, const uint8_t *plain, size_t plen,
    char *out, size_t outmax)
{
	unsigned char	 esk[crypto_scalarmult_SCALARBYTES];
	unsigned char	 z[crypto_scalarmult_BYTES], cek[JWE_CEK_BYTES];
	unsigned char	 iv[JWE_IV_BYTES], tag[JWE_TAG_BYTES], *ct;
	size_t		 n, m;

	(void)fuzz_deckeys(1);
	if ((n = b64url_encode(out, outmax, (const unsigned char *)header,
	    hlen)) == 0 || n + 2 >= outmax)
		return 0;
	memset(esk, 0x45, sizeof(esk));
	memset(iv, 0x46, sizeof(iv));
	if (jwe_x25519(z, esk, deckey[0].pk) != 0 ||
	    jwe_concat_kdf(cek, sizeof(cek), z, sizeof(z), "A256GCM", NULL,
	    0, NULL, 0) != 0)
		abort();
	if ((ct = malloc(plen + 1)) == NULL)
		return 0;
	/* The additional data is the header segment. */
	crypto_aead_aes256gcm_encrypt_detached(ct, tag, NULL, plain, plen,
	    (const unsigned char *)out, n, NULL, iv, cek);
	out[n++] = '.';
	out[n++] = '.';
	if ((m = b64url_encode(out + n, outmax - n, iv, sizeof(iv))) == 0)
		goto fail;
	n += m;
	if (n + 1 >= outmax)
		goto fail;
	out[n++] = '.';
	if ((m = b64url_encode(out + n, outmax - n, ct, plen)) == 0 &&
	    plen > 0)
		goto fail;
	n += m;
	if (n + 1 >= outmax)
		goto fail;
	out[n++] = '.';
	if ((m = b64url_encode(out + n, outmax - n, tag, sizeof(tag))) == 0)
		goto fail;
	free(ct);
	return n + m;
fail:
	free(ct);
	return 0;
}
