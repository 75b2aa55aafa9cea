/*
 * Sealing an introspection answer (see iseal.h).  The key is SHA-256
 * of a label and the token; the entry's name is another function of
 * the token (keyed, by each form), so the name says nothing of the
 * key.  The name and the expiry are the associated data: an entry
 * moved to another name, or made to live longer by hand, fails to
 * open, and so does one torn by a worker that died mid-write.
 *
 * The plain text is padded with zeros to 1024 bytes, a whole number of
 * ChaCha20 blocks: libsodium copies a last partial block to a stack
 * buffer it does not clear, which would leave an answer's tail (the
 * number) behind.  Every box has one size, so it does not tell an
 * answer's length either.
 */
#include <string.h>

#include "iseal.h"

#define ISEAL_LABEL	"nv-introspection-seal-1:"

_Static_assert(ISEAL_PLAIN_BYTES % 64 == 0, "whole ChaCha20 blocks");

void
iseal_put64(unsigned char out[8], int64_t v)
{
	uint64_t	 u = (uint64_t)v;
	int		 i;

	for (i = 0; i < 8; i++)
		out[i] = (unsigned char)(u >> (8 * i));
}

int64_t
iseal_get64(const unsigned char in[8])
{
	uint64_t	 u = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		u = u << 8 | in[i];
	return (int64_t)u;
}

/* The seal key: a function of the token alone. */
static void
iseal_key(const char *tok, size_t len,
    unsigned char k[crypto_aead_xchacha20poly1305_ietf_KEYBYTES])
{
	crypto_hash_sha256_state	 st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)ISEAL_LABEL,
	    sizeof(ISEAL_LABEL) - 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)tok, len);
	crypto_hash_sha256_final(&st, k);
	sodium_memzero(&st, sizeof(st));
}

/*
 * Associated data: the name, then the expiry in 8 bytes, least
 * significant first, so that machines of either byte order agree.
 */
static size_t
iseal_ad(const unsigned char *name, size_t namelen, int64_t expires,
    unsigned char ad[ISEAL_NAME_MAX + sizeof(int64_t)])
{
	memcpy(ad, name, namelen);
	iseal_put64(ad + namelen, expires);
	return namelen + sizeof(expires);
}

enum iseal_err
iseal_seal(struct iseal_box *b, const char *tok, size_t len,
    const unsigned char *name, size_t namelen, int64_t expires,
    const char *data, size_t dlen)
{
	unsigned char		 k[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char		 ad[ISEAL_NAME_MAX + sizeof(int64_t)];
	unsigned char		 plain[ISEAL_PLAIN_BYTES];
	unsigned long long	 n;
	uint32_t		 l = (uint32_t)dlen;
	size_t			 adlen;

	if (dlen > ISEAL_DATA_MAX || namelen > ISEAL_NAME_MAX)
		return ISEAL_TOO_BIG;
	randombytes_buf(b->nonce, sizeof(b->nonce));
	iseal_key(tok, len, k);
	adlen = iseal_ad(name, namelen, expires, ad);
	memset(plain, 0, sizeof(plain));
	memcpy(plain, &l, sizeof(l));
	memcpy(plain + sizeof(l), data, dlen);
	crypto_aead_xchacha20poly1305_ietf_encrypt(b->box, &n, plain,
	    sizeof(plain), ad, adlen, NULL, b->nonce, k);
	sodium_memzero(k, sizeof(k));
	sodium_memzero(plain, sizeof(plain));
	return ISEAL_OK;
}

enum iseal_err
iseal_open(const struct iseal_box *b, const char *tok, size_t len,
    const unsigned char *name, size_t namelen, int64_t expires, char *out,
    size_t cap, size_t *outlen)
{
	unsigned char		 k[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char		 ad[ISEAL_NAME_MAX + sizeof(int64_t)];
	unsigned char		 plain[ISEAL_PLAIN_BYTES];
	unsigned long long	 n;
	uint32_t		 dlen;
	enum iseal_err		 rc = ISEAL_REFUSED;
	size_t			 adlen;

	*outlen = 0;
	if (namelen > ISEAL_NAME_MAX)
		return ISEAL_TOO_BIG;
	iseal_key(tok, len, k);
	adlen = iseal_ad(name, namelen, expires, ad);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &n, NULL,
	    b->box, sizeof(b->box), ad, adlen, b->nonce, k) != 0 ||
	    n != sizeof(plain))
		goto out;
	memcpy(&dlen, plain, sizeof(dlen));
	if (dlen > ISEAL_DATA_MAX || dlen > cap)
		goto out;
	memcpy(out, plain + sizeof(dlen), dlen);
	*outlen = dlen;
	rc = ISEAL_OK;
out:
	sodium_memzero(k, sizeof(k));
	sodium_memzero(plain, sizeof(plain));
	return rc;
}
