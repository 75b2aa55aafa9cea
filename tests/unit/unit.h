/*
 * Shared helpers of the check unit tests: deterministic Ed25519 keys
 * and signed compact tokens built with libsodium, a test configuration
 * and key set, temporary files, and the suite runner.
 */
#ifndef NV_UNIT_H
#define NV_UNIT_H

#include <stddef.h>

#include <check.h>
#include <sodium.h>

#include "config.h"
#include "jwks.h"

#define UNIT_ISSUER	"https://auth.example.net"
#define UNIT_AUDIENCE	"number-verification"
#define UNIT_NOW	1700000000L	/* a fixed "now" for the claims */

/* A key pair from a seed of 32 bytes all equal to seedbyte. */
void	 unit_keypair(unsigned char seedbyte,
	    unsigned char pk[crypto_sign_PUBLICKEYBYTES],
	    unsigned char sk[crypto_sign_SECRETKEYBYTES]);
/* base64url without padding of len bytes; the caller frees. */
char	*unit_b64(const void *, size_t len);
/* A compact JWS of header and payload (JSON texts) signed with sk. */
char	*unit_sign(const unsigned char sk[crypto_sign_SECRETKEYBYTES],
	    const char *header, const char *payload);
/* The same from already encoded segments, as given. */
char	*unit_sign_raw(const unsigned char sk[crypto_sign_SECRETKEYBYTES],
	    const char *header_b64, const char *payload_b64);

/* The configuration the tests assume, with the defaults of nv.conf. */
void	 unit_config(struct config *);
/* Appends one key (kid may be NULL) to an in-memory set. */
void	 unit_jwks_add(struct jwks *, const unsigned char *pk,
	    const char *kid);

/* A fresh temporary folder, and a file written in it. */
char	*unit_tmpdir(void);
char	*unit_write(const char *dir, const char *name, const char *text);
void	 unit_rmtree(const char *dir);

/* Runs a suite; returns the exit status for main. */
int	 unit_run(Suite *);

#endif
