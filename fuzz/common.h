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
#include "jwks.h"

#define FUZZ_NOW	((time_t)1700000000)
#define FUZZ_KID	"fuzz"
#define FUZZ_ISSUER	"https://issuer.example"
#define FUZZ_AUDIENCE	"https://nv.example"

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

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
