/*
 * E.164 numbers as the spec writes them: ^\+[1-9][0-9]{4,14}$, checked
 * by hand (no regex on the request path).  Comparisons with the
 * token's number run in constant time so the answer's timing tells a
 * caller nothing about how much of a guess was right.
 */
#include <string.h>

#include <sodium.h>

#include "phone.h"

bool
phone_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len < 6 || len > PHONE_MAX || s[0] != '+' ||
	    s[1] < '1' || s[1] > '9')
		return false;
	for (i = 2; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
phone_hash_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len != PHONE_HASH_HEX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

void
phone_hash_hex(char out[PHONE_HASH_HEX + 1], const char *phone, size_t len)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)phone, len);
	sodium_bin2hex(out, PHONE_HASH_HEX + 1, h, sizeof(h));
}

/*
 * Both sides are copied into zeroed buffers of one fixed size, so the
 * comparison's time does not depend on where they first differ nor on
 * the length of the guess.
 */
bool
phone_equal(const char *token_phone, const char *s, size_t len)
{
	unsigned char	 a[PHONE_MAX + 1], b[PHONE_MAX + 1];
	size_t		 tlen = strlen(token_phone);
	bool		 eq;

	if (tlen > PHONE_MAX || len > PHONE_MAX)
		return false;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memcpy(a, token_phone, tlen);
	memcpy(b, s, len);
	/* Zero padding alone would make "+1…" equal "+1…\0": the
	 * lengths must match too, and an empty number matches nothing. */
	eq = (sodium_memcmp(a, b, sizeof(a)) == 0) & (tlen == len) &
	    (tlen != 0);
	sodium_memzero(a, sizeof(a));
	sodium_memzero(b, sizeof(b));
	return eq;
}

bool
phone_hash_equal(const char *token_phone, const char *hex, size_t len)
{
	unsigned char	 want[crypto_hash_sha256_BYTES];
	unsigned char	 got[crypto_hash_sha256_BYTES];
	size_t		 n = 0;
	bool		 eq = false;

	if (!phone_hash_valid(hex, len))
		return false;
	if (sodium_hex2bin(got, sizeof(got), hex, len, NULL, &n, NULL) != 0 ||
	    n != sizeof(got))
		goto out;
	crypto_hash_sha256(want, (const unsigned char *)token_phone,
	    strlen(token_phone));
	eq = sodium_memcmp(want, got, sizeof(want)) == 0;
out:
	sodium_memzero(want, sizeof(want));
	return eq;
}
