/*
 * The decryption keys: X25519 private keys from a JSON Web Key Set
 * (RFC 7517, RFC 8037), looked up by key id; and the recipient's
 * public key that nv-token encrypts to.
 */
#ifndef NV_DECKEYS_H
#define NV_DECKEYS_H

#include <stddef.h>

#include <sodium.h>

#include "jwks.h"

#define DECKEYS_MAX		64
#define DECKEYS_FILE_MAX	(64 * 1024)

/* How deckeys_load reads its file. */
#define DECKEYS_PRIVATE	0x1	/* refuse a file group or others can use */
#define DECKEYS_SINGLE	0x2	/* also take one bare JWK, not only a set */

struct deckey {
	char		 kid[JWKS_KID_MAX + 1];
	int		 has_kid;
	unsigned char	 sk[crypto_scalarmult_SCALARBYTES];
	unsigned char	 pk[crypto_scalarmult_BYTES];
};

struct deckeys {
	struct deckey	*keys;
	size_t		 n;
};

int			 deckeys_load(struct deckeys *, const char *path,
			    int flags, char *err, size_t errlen);
int			 deckeys_parse(struct deckeys *, const char *buf,
			    size_t len, int flags, char *err, size_t errlen);
const struct deckey	*deckeys_find(const struct deckeys *, const char *kid,
			    size_t kidlen);
void			 deckeys_free(struct deckeys *);

/*
 * Reads the X25519 public key to encrypt to from a JWKS (or one JWK):
 * the key named kid, or the only X25519 key when kid is NULL.  *kidout
 * is the key's kid (malloc'd); a key without one is refused, since
 * nv-fcgi refuses a token that names no key.
 */
int			 deckeys_recipient(const char *path, const char *kid,
			    unsigned char pk[crypto_scalarmult_BYTES],
			    char **kidout, char *err, size_t errlen);

#endif
