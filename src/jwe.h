/*
 * The encrypted access token: a compact JWE (RFC 7516) with ECDH-ES
 * over X25519 (RFC 7518 section 4.6, RFC 8037) and A256GCM, whose
 * plaintext is the signed token that token.c then verifies.
 */
#ifndef NV_JWE_H
#define NV_JWE_H

#include <stddef.h>

#include <sodium.h>

#include "deckeys.h"

#define JWE_MAX		16384	/* bytes of a compact JWE */
#define JWE_HEADER_MAX	1024	/* decoded protected header */
#define JWE_IV_BYTES	12	/* A256GCM: 96-bit IV */
#define JWE_TAG_BYTES	16	/* A256GCM: 128-bit tag */
#define JWE_CEK_BYTES	32	/* A256GCM: 256-bit key */
#define JWE_SEGMENTS	5	/* compact JWE */
#define JWS_SEGMENTS	3	/* compact JWS */

enum jwe_err {
	JWE_OK = 0,
	JWE_MALFORMED,		/* segments, base64url, JSON, lengths */
	JWE_TOO_LONG,
	JWE_BAD_ALG,		/* anything but ECDH-ES */
	JWE_BAD_ENC,		/* anything but A256GCM */
	JWE_BAD_CTY,		/* not a nested JWT */
	JWE_ZIP,
	JWE_CRIT,
	JWE_ENCRYPTED_KEY,	/* ECDH-ES carries no encrypted key */
	JWE_BAD_EPK,		/* not an X25519 public key */
	JWE_NO_KID,		/* no kid names the decryption key */
	JWE_UNKNOWN_KEY,
	JWE_WEAK_KEY,		/* the shared secret is all zero */
	JWE_DECRYPT,		/* the tag does not match */
	JWE_NO_AES,		/* the CPU lacks AES-GCM */
	JWE_NOMEM,
	JWE__MAX
};

const char	*jwe_strerror(enum jwe_err);

/* Counts the segments of a compact serialization: 3 JWS, 5 JWE. */
size_t		 jwe_segments(const char *, size_t);

/*
 * Decrypts a compact JWE into out (outmax bytes).  On any failure out
 * holds nothing.  The plaintext is a token still to be verified.
 */
enum jwe_err	 jwe_decrypt(const struct deckeys *, const char *tok,
		    size_t len, char *out, size_t outmax, size_t *outlen);

/* Encrypts plain to an X25519 public key with a fresh ephemeral key. */
enum jwe_err	 jwe_encrypt(char **out, const unsigned char
		    pk[crypto_scalarmult_BYTES], const char *kid,
		    const char *plain, size_t len);

/* X25519; -1 for an all-zero result (a small-order public key). */
int		 jwe_x25519(unsigned char z[crypto_scalarmult_BYTES],
		    const unsigned char sk[crypto_scalarmult_SCALARBYTES],
		    const unsigned char pk[crypto_scalarmult_BYTES]);

/* The Concat KDF of RFC 7518 section 4.6.2 with SHA-256. */
int		 jwe_concat_kdf(unsigned char *out, size_t outlen,
		    const unsigned char *z, size_t zlen, const char *alg_id,
		    const unsigned char *apu, size_t apulen,
		    const unsigned char *apv, size_t apvlen);

#endif
