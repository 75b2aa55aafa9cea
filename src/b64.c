/*
 * base64url for JOSE.  libsodium does the work; these wrappers make
 * sure no padding, no standard-alphabet character and no ignored byte
 * slips through, so one token has exactly one encoding.
 */
#include <stdlib.h>

#include <sodium.h>

#include "b64.h"

size_t
b64url_decoded_max(size_t inlen)
{
	return inlen / 4 * 3 + 2;
}

int
b64url_decode(unsigned char *out, size_t outmax, size_t *outlen,
    const char *in, size_t inlen)
{
	const char	*end = NULL;

	/* A length of 1 mod 4 cannot come from any byte string. */
	if (inlen % 4 == 1)
		return -1;
	if (sodium_base642bin(out, outmax, in, inlen, NULL, outlen, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	if (end != in + inlen)
		return -1;
	return 0;
}

size_t
b64url_encode(char *out, size_t outmax, const unsigned char *in,
    size_t inlen)
{
	size_t	 need;

	need = sodium_base64_ENCODED_LEN(inlen,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (need > outmax)
		return 0;
	sodium_bin2base64(out, outmax, in, inlen,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return need - 1;
}

char *
b64url_dup(const unsigned char *in, size_t inlen)
{
	size_t	 max = sodium_base64_ENCODED_LEN(inlen,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char	*out;

	if ((out = malloc(max)) == NULL)
		return NULL;
	b64url_encode(out, max, in, inlen);
	return out;
}
