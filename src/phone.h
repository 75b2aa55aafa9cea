/*
 * Phone numbers: the E.164 pattern of the spec, the hashedPhoneNumber
 * form, and constant-time comparison of a request's number with the
 * token's.
 */
#ifndef NV_PHONE_H
#define NV_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#define PHONE_MAX	16	/* '+' and at most 15 digits */
#define PHONE_HASH_HEX	64

bool	phone_valid(const char *, size_t);
bool	phone_hash_valid(const char *, size_t);
void	phone_hash_hex(char out[PHONE_HASH_HEX + 1], const char *, size_t);
bool	phone_equal(const char *token_phone, const char *, size_t);
bool	phone_hash_equal(const char *token_phone, const char *hex, size_t);

#endif
