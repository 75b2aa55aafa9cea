/*
 * The key set: Ed25519 public keys from a JSON Web Key Set (RFC 7517,
 * RFC 8037), looked up by key id.
 */
#ifndef NV_JWKS_H
#define NV_JWKS_H

#include <stddef.h>
#include <sys/stat.h>

#include <sodium.h>

#define JWKS_KID_MAX	128
#define JWKS_KEYS_MAX	1024
#define JWKS_FILE_MAX	(1024 * 1024)

struct jwk {
	char		 kid[JWKS_KID_MAX + 1];
	size_t		 kidlen;	/* kept so a lookup need not strlen */
	int		 has_kid;
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
};

struct jwks {
	struct jwk	*keys;
	size_t		 n;
};

int			 jwks_load(struct jwks *, const char *path, char *err,
			    size_t errlen);
int			 jwks_parse(struct jwks *, const char *buf, size_t len,
			    char *err, size_t errlen);
const struct jwk	*jwks_find(const struct jwks *, const char *kid,
			    size_t kidlen);
void			 jwks_free(struct jwks *);

/* Reads a whole small file; shared with the other key files. */
int			 jwks_read_file(const char *path, size_t max,
			    char **buf, size_t *len, char *err, size_t errlen);
/* The same for a file already open and fstat'ed. */
int			 jwks_read_fd(int fd, const struct stat *,
			    const char *path, size_t max, char **buf,
			    size_t *len, char *err, size_t errlen);

#endif
