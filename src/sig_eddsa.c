/*
 * EdDSA over Ed25519 (RFC 8037), with libsodium.  A key must be a
 * canonical point of prime order: small-order points verify forged
 * signatures.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "sig.h"

int
sig_key_ed25519(struct sig_key *k, const unsigned char *x, size_t xlen,
    char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	if (xlen != SIG_ED25519_BYTES) {
		snprintf(err, errlen, "\"x\" is not an Ed25519 public key of "
		    "32 bytes");
		return -1;
	}
	if (!crypto_core_ed25519_is_valid_point(x)) {
		snprintf(err, errlen, "\"x\" is not a valid Ed25519 point "
		    "(small order or non-canonical)");
		return -1;
	}
	k->type = SIG_KEY_ED25519;
	memcpy(k->ed25519, x, SIG_ED25519_BYTES);
	return 0;
}

int
sig_eddsa_verify(const struct sig_key *k, const struct sig_def *d,
    const unsigned char *msg, size_t msglen, const unsigned char *sig,
    size_t siglen)
{
	(void)d;
	if (siglen != crypto_sign_BYTES)
		return -1;
	return crypto_sign_verify_detached(sig, msg, msglen, k->ed25519) == 0 ?
	    0 : -1;
}
