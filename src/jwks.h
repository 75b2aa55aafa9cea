/*
 * The key set (RFC 7517, RFC 7518 section 6, RFC 8037): signature keys
 * of type RSA, EC (P-256, P-384) and OKP (Ed25519), each bound to the
 * algorithms it may verify, looked up by key id.
 */
#ifndef NV_JWKS_H
#define NV_JWKS_H

#include <stddef.h>
#include <sys/stat.h>

#include <sodium.h>

#include "sig.h"

#define JWKS_KID_MAX	128
#define JWKS_KEYS_MAX	1024
#define JWKS_FILE_MAX	(1024 * 1024)

struct jwk {
	char		 kid[JWKS_KID_MAX + 1];
	int		 has_kid;
	unsigned	 algs;		/* the SIG_BIT()s it may verify */
	struct sig_key	 key;
};

#define JWKS_MEMO_SEG_MAX	256	/* longest header segment remembered */

struct jwks_memo_slot {
	const struct jwk	*key;
	enum sig_alg		 alg;
	size_t			 len;
	char			 seg[JWKS_MEMO_SEG_MAX];
};

struct jwks {
	struct jwk		*keys;
	size_t			 n;
	/* Header segments already judged; see jwks_memo_get(). */
	struct jwks_memo_slot	*memo;
	size_t			 memo_slots;	/* a power of two */
	unsigned char		 memo_hkey[crypto_shorthash_KEYBYTES];
};

/*
 * Only keys that may verify one of algs (SIG_BIT()s) are kept; a key
 * that cannot be used is skipped with a warning, and only a set with
 * no usable key left is an error.
 */
int			 jwks_load(struct jwks *, const char *path,
			    unsigned algs, char *err, size_t errlen);
int			 jwks_parse(struct jwks *, const char *buf, size_t len,
			    unsigned algs, char *err, size_t errlen);
const struct jwk	*jwks_find(const struct jwks *, const char *kid,
			    size_t kidlen);
void			 jwks_free(struct jwks *);
int			 jwks_kid_is(const char *stored, int has_kid,
			    const char *kid, size_t kidlen);

/*
 * The key and algorithm an accepted JWS header segment chose,
 * remembered with the set (so a new set starts empty): NULL when that
 * exact segment has not been put.  Only the token code decides what to
 * put.
 */
const struct jwk	*jwks_memo_get(const struct jwks *, const char *seg,
			    size_t len, enum sig_alg *);
void			 jwks_memo_put(const struct jwks *, const char *seg,
			    size_t len, const struct jwk *, enum sig_alg);

/* Reads a whole small file; shared with the other key files. */
int			 jwks_read_file(const char *path, size_t max,
			    char **buf, size_t *len, char *err, size_t errlen);
/* The same for a file already open and fstat'ed. */
int			 jwks_read_fd(int fd, const struct stat *,
			    const char *path, size_t max, char **buf,
			    size_t *len, char *err, size_t errlen);

#endif
