/*
 * JWS signature algorithms (RFC 7518 section 3, RFC 8037): one table,
 * each algorithm bound to the one key type that may verify it, so a
 * token's header can never choose how its key is used.
 */
#ifndef NV_SIG_H
#define NV_SIG_H

#include <stddef.h>

enum sig_alg {
	SIG_EDDSA = 0,		/* also "Ed25519" (RFC 9864) */
	SIG_ES256,
	SIG_ES384,
	SIG_RS256,
	SIG_RS384,
	SIG_RS512,
	SIG_PS256,
	SIG_PS384,
	SIG_PS512,
	SIG__MAX
};

#define SIG_BIT(a)	(1u << (a))
#define SIG_ALL		(SIG_BIT(SIG__MAX) - 1)

enum sig_kty {
	SIG_KEY_ED25519 = 0,
	SIG_KEY_P256,
	SIG_KEY_P384,
	SIG_KEY_RSA,
	SIG_KEY__MAX
};

#define SIG_ED25519_BYTES	32
#define SIG_RSA_MIN_BITS	2048
#define SIG_RSA_MAX_BITS	8192
#define SIG_MAX_BYTES		(SIG_RSA_MAX_BITS / 8)	/* longest signature */

/* A verification key, built once when the key set is loaded. */
struct sig_key {
	enum sig_kty	 type;
	unsigned char	 ed25519[SIG_ED25519_BYTES];
	void		*pkey;		/* EVP_PKEY for EC and RSA keys */
};

/* What each algorithm needs of its verifier (sig_eddsa.c and so on). */
struct sig_def {
	const char	*name;
	enum sig_kty	 kty;
	const char	*digest;	/* OpenSSL's name; NULL for EdDSA */
	int		 pss;		/* RSASSA-PSS, else PKCS#1 v1.5 */
	int		 (*verify)(const struct sig_key *,
			    const struct sig_def *, const unsigned char *msg,
			    size_t msglen, const unsigned char *sig,
			    size_t siglen);
};

const struct sig_def	*sig_def(enum sig_alg);
int			 sig_alg_by_name(const char *, size_t len,
			    enum sig_alg *);
/* The algorithms a key of this type may verify. */
unsigned		 sig_algs_of(enum sig_kty);
const char		*sig_kty_name(enum sig_kty);

/*
 * Loads libcrypto when algs (a SIG_BIT mask) names an RSA or ECDSA
 * algorithm: before the sandbox, which allows no dlopen(3).  -1 with
 * err when it cannot be loaded.  An EdDSA-only process never maps it.
 */
int			 sig_init(unsigned algs, char *err, size_t errlen);

/* 0 when sig is alg's signature of msg by key; -1 otherwise. */
int			 sig_verify(const struct sig_key *, enum sig_alg,
			    const unsigned char *msg, size_t msglen,
			    const unsigned char *sig, size_t siglen);

/*
 * Keys from their JWK members, decoded.  Each returns 0, or -1 with a
 * reason in err for a key that can verify nothing.
 */
int	sig_key_ed25519(struct sig_key *, const unsigned char *x, size_t xlen,
	    char *err, size_t errlen);
int	sig_key_ec(struct sig_key *, enum sig_kty, const unsigned char *x,
	    size_t xlen, const unsigned char *y, size_t ylen, char *err,
	    size_t errlen);
int	sig_key_rsa(struct sig_key *, const unsigned char *n, size_t nlen,
	    const unsigned char *e, size_t elen, char *err, size_t errlen);
void	sig_key_free(struct sig_key *);
/* For sig_ecdsa.c and sig_rsa.c: an OSSL_PARAM_BLD made into a key. */
struct ossl_param_bld_st;
int	sig_key_import(struct sig_key *, enum sig_kty, const char *name,
	    struct ossl_param_bld_st *, const char *bad, char *err,
	    size_t errlen);

/* The verifiers of the table. */
int	sig_eddsa_verify(const struct sig_key *, const struct sig_def *,
	    const unsigned char *, size_t, const unsigned char *, size_t);
int	sig_ecdsa_verify(const struct sig_key *, const struct sig_def *,
	    const unsigned char *, size_t, const unsigned char *, size_t);
int	sig_rsa_verify(const struct sig_key *, const struct sig_def *,
	    const unsigned char *, size_t, const unsigned char *, size_t);

#endif
