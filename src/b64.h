/*
 * base64url without padding (RFC 7515 section 2), as JOSE uses it.
 * Thin wrappers over libsodium that refuse anything but the exact form.
 */
#ifndef NV_B64_H
#define NV_B64_H

#include <stddef.h>

int	b64url_decode(unsigned char *out, size_t outmax, size_t *outlen,
	    const char *in, size_t inlen);
/* Returns the encoded length, or 0 when out is too small. */
size_t	b64url_encode(char *out, size_t outmax,
	    const unsigned char *in, size_t inlen);
size_t	b64url_decoded_max(size_t inlen);
/* A new NUL-terminated encoding of in, or NULL without memory. */
char	*b64url_dup(const unsigned char *in, size_t inlen);

#endif
