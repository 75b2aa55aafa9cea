/*
 * The introspection cache's sealing, one for both of its forms (the
 * mapped file, icache.c, and Redis, icache_redis.c): an answer sealed
 * with XChaCha20-Poly1305 under SHA-256 of a label and the token,
 * padded to one size, with the entry's name and expiry as associated
 * data.  Whoever holds an entry without the token learns when it
 * expires, never what it says.
 */
#ifndef NV_ISEAL_H
#define NV_ISEAL_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define ISEAL_DATA_MAX		1020	/* bytes of one answer, as kept */
/* What is sealed: the answer's length (4 bytes), the answer, zeros. */
#define ISEAL_PLAIN_BYTES	(ISEAL_DATA_MAX + 4)
#define ISEAL_NONCE_BYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ISEAL_BOX_BYTES		(ISEAL_PLAIN_BYTES + \
	crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define ISEAL_NAME_MAX		128	/* bytes of an entry's name */

enum iseal_err {
	ISEAL_OK = 0,
	ISEAL_TOO_BIG,		/* over ISEAL_DATA_MAX, or the name too long */
	ISEAL_REFUSED,		/* not sealed for this token, name and expiry */
	ISEAL__MAX
};

/* An answer as kept: its nonce and its box, of one size for all. */
struct iseal_box {
	unsigned char	 nonce[ISEAL_NONCE_BYTES];
	unsigned char	 box[ISEAL_BOX_BYTES];
};

/*
 * Seals data (dlen bytes) for tok into b, bound to the entry's name
 * (namelen bytes) and expires: a fresh random nonce each time.
 */
enum iseal_err	 iseal_seal(struct iseal_box *b, const char *tok, size_t len,
		    const unsigned char *name, size_t namelen, int64_t expires,
		    const char *data, size_t dlen);
/*
 * Opens b into out (cap bytes, *outlen written) when it was sealed for
 * tok, name and expires; else ISEAL_REFUSED and nothing in out.
 */
enum iseal_err	 iseal_open(const struct iseal_box *b, const char *tok,
		    size_t len, const unsigned char *name, size_t namelen,
		    int64_t expires, char *out, size_t cap, size_t *outlen);

/* An expiry as 8 bytes, least significant first, and back. */
void		 iseal_put64(unsigned char out[8], int64_t);
int64_t		 iseal_get64(const unsigned char in[8]);

#endif
