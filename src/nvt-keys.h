/*
 * nv-token's signing keys: the JWS algorithms it signs with, new EC and
 * RSA pairs as JWKs, and a private JWK (Ed25519, EC or RSA) loaded to
 * sign with.  Ed25519 goes through libsodium, EC and RSA through
 * OpenSSL 3's EVP interface.
 */
#ifndef NV_NVT_KEYS_H
#define NV_NVT_KEYS_H

#include <stddef.h>

#include <json-c/json.h>

#define NVT_RSA_BITS_MIN	2048
#define NVT_RSA_BITS_MAX	8192
#define NVT_RSA_BITS_DEFAULT	2048

/* For messages: every name nvt_alg_find() knows. */
#define NVT_ALG_NAMES \
	"EdDSA, ES256, ES384, RS256, RS384, RS512, PS256, PS384 or PS512"

enum nvt_kty { NVT_OKP, NVT_EC, NVT_RSA };

struct nvt_alg {
	const char	*name;	/* the JWS "alg" */
	enum nvt_kty	 kty;
	const char	*crv;	/* OKP and EC: the curve; RSA: NULL */
	const char	*kind;	/* the key it needs, for messages */
	const char	*md;	/* the digest; NULL for EdDSA */
	int		 pss;	/* RSA: PSS rather than PKCS #1 v1.5 */
	size_t		 half;	/* EC: octets of x, y, d, R and S each */
};

struct nvt_key;

const struct nvt_alg	*nvt_alg_find(const char *);

/*
 * A new EC or RSA pair for alg (bits: RSA only, 0 for the default) as
 * two new JWKs, the private one with every member of RFC 7518 section
 * 6; kid NULL means the RFC 7638 thumbprint.  Returns 0 or -1 with a
 * message in err.
 */
int			 nvt_keygen(struct json_object **priv,
			    struct json_object **pub, const struct nvt_alg *alg,
			    int bits, const char *kid, char *err, size_t errlen);

/*
 * Reads a private JWK and checks that its members make one key pair.
 * Returns NULL with a message in err.
 */
struct nvt_key		*nvt_key_load(const char *path, char *err,
			    size_t errlen);
/*
 * The algorithm to sign with: name, when the key's type allows it, else
 * (name NULL) the key's own "alg", else its type's first.  Returns NULL
 * with a message in err when the key cannot sign with name.
 */
const struct nvt_alg	*nvt_key_alg(const struct nvt_key *, const char *name,
			    char *err, size_t errlen);
/* The key's "kid", or NULL. */
const char		*nvt_key_kid(const struct nvt_key *);
/*
 * The JWS signature of msg in *sig (malloc'ed, *siglen octets): EC's is
 * R||S.  Returns 0 or -1 with a message in err.
 */
int			 nvt_sign(unsigned char **sig, size_t *siglen,
			    const struct nvt_key *, const struct nvt_alg *,
			    const unsigned char *msg, size_t len, char *err,
			    size_t errlen);
void			 nvt_key_free(struct nvt_key *);

#endif
