/*
 * What the fuzz targets share: a fixed configuration, a fixed Ed25519
 * key pair the targets can sign with (so inputs reach past the
 * signature check), and a fixed clock.
 */
#ifndef NV_FUZZ_COMMON_H
#define NV_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "deckeys.h"
#include "jwks.h"

#define FUZZ_NOW	((time_t)1700000000)
#define FUZZ_KID	"fuzz"
#define FUZZ_ISSUER	"https://issuer.example"
#define FUZZ_AUDIENCE	"https://nv.example"
#define FUZZ_ENC_KID	"fuzz-enc"	/* the decryption key JWEs name */
#define FUZZ_ENC_KID2	"fuzz-enc-2"	/* a second key, in the set of two */

struct fuzz_env {
	struct config	 cfg;
	struct jwks	 keys;
};

/* Built once, on the first call; never freed (the process ends). */
const struct fuzz_env	*fuzz_env(void);

/*
 * Signs header.payload (both given as JSON bytes) with the fixed key
 * into a compact JWS in out; returns its length, or 0 if it does not
 * fit.
 */
size_t	fuzz_sign(const char *header, size_t hlen, const uint8_t *payload,
	    size_t plen, char *out, size_t outmax);

/*
 * The decryption keys: X25519 private keys from fixed seeds (0x43 * 32
 * for FUZZ_ENC_KID, 0x44 * 32 for FUZZ_ENC_KID2).  n is 1 (the first
 * key only) or 2.  Built once; never freed.
 */
const struct deckeys	*fuzz_deckeys(size_t n);

/*
 * Encrypts plain (plen bytes) as a compact JWE whose protected header
 * is the JSON header (hlen bytes, base64url-encoded by this function),
 * to the key FUZZ_ENC_KID, with a fixed ephemeral key and IV and no
 * apu or apv: deterministic, so every crash reproduces.  The header
 * passes the checks when its epk is FUZZ_EPK_X.  Returns the length
 * written to out, or 0 if it does not fit.
 */
size_t	fuzz_seal(const char *header, size_t hlen, const uint8_t *plain,
	    size_t plen, char *out, size_t outmax);

/* The fixed ephemeral public key fuzz_seal uses (seed 0x45 * 32). */
#define FUZZ_EPK_X	"MoaJTNKEWm22oo-_BndgX4DlpiOFv04Qp5CuX942c2s"
#define FUZZ_SEAL_HEADER "{\"alg\":\"ECDH-ES\",\"enc\":\"A256GCM\"," \
			    "\"cty\":\"JWT\",\"kid\":\"" FUZZ_ENC_KID "\"," \
			    "\"epk\":{\"kty\":\"OKP\",\"crv\":\"X25519\"," \
			    "\"x\":\"" FUZZ_EPK_X "\"}}"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
