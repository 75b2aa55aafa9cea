/*
 * The algorithm table.  Adding an algorithm is one line here and, for
 * a new key type, one verifier file.  Never "none", never HMAC: a key
 * set holds public keys, and an HMAC keyed with one would let anyone
 * sign.
 */
#include <string.h>

#include <stdio.h>

#include "dlcrypto.h"
#include "sig.h"

static const struct sig_def sig_defs[SIG__MAX] = {
	[SIG_EDDSA] = { "EdDSA", SIG_KEY_ED25519, NULL, 0, sig_eddsa_verify },
	[SIG_ES256] = { "ES256", SIG_KEY_P256, "SHA256", 0, sig_ecdsa_verify },
	[SIG_ES384] = { "ES384", SIG_KEY_P384, "SHA384", 0, sig_ecdsa_verify },
	[SIG_RS256] = { "RS256", SIG_KEY_RSA, "SHA256", 0, sig_rsa_verify },
	[SIG_RS384] = { "RS384", SIG_KEY_RSA, "SHA384", 0, sig_rsa_verify },
	[SIG_RS512] = { "RS512", SIG_KEY_RSA, "SHA512", 0, sig_rsa_verify },
	[SIG_PS256] = { "PS256", SIG_KEY_RSA, "SHA256", 1, sig_rsa_verify },
	[SIG_PS384] = { "PS384", SIG_KEY_RSA, "SHA384", 1, sig_rsa_verify },
	[SIG_PS512] = { "PS512", SIG_KEY_RSA, "SHA512", 1, sig_rsa_verify },
};

static const char *const sig_kty_names[SIG_KEY__MAX] = {
	[SIG_KEY_ED25519] = "OKP Ed25519",
	[SIG_KEY_P256] = "EC P-256",
	[SIG_KEY_P384] = "EC P-384",
	[SIG_KEY_RSA] = "RSA",
};

const struct sig_def *
sig_def(enum sig_alg a)
{
	return (unsigned)a < SIG__MAX ? &sig_defs[a] : NULL;
}

/* Exact bytes, so "EdDSA\0junk" is no EdDSA. */
static int
sig_name_is(const char *name, const char *s, size_t len)
{
	return strlen(name) == len && memcmp(name, s, len) == 0;
}

int
sig_alg_by_name(const char *s, size_t len, enum sig_alg *out)
{
	int	 a;

	/* RFC 9864 names Ed25519 as a fully specified EdDSA. */
	if (sig_name_is("Ed25519", s, len)) {
		*out = SIG_EDDSA;
		return 0;
	}
	for (a = 0; a < SIG__MAX; a++)
		if (sig_name_is(sig_defs[a].name, s, len)) {
			*out = (enum sig_alg)a;
			return 0;
		}
	return -1;
}

unsigned
sig_algs_of(enum sig_kty t)
{
	unsigned	 m = 0;
	int		 a;

	for (a = 0; a < SIG__MAX; a++)
		if (sig_defs[a].kty == t)
			m |= SIG_BIT(a);
	return m;
}

const char *
sig_kty_name(enum sig_kty t)
{
	return (unsigned)t < SIG_KEY__MAX ? sig_kty_names[t] : "?";
}

/* The key's type is checked here too: no verifier sees a foreign key. */
int
sig_verify(const struct sig_key *key, enum sig_alg a,
    const unsigned char *msg, size_t msglen, const unsigned char *sig,
    size_t siglen)
{
	const struct sig_def	*d = sig_def(a);
	const struct dlcrypto	*C;
	int			 rc;

	if (d == NULL || key == NULL || key->type != d->kty)
		return -1;
	/* A failure leaves OpenSSL's reasons queued: drop them here. */
	if ((rc = d->verify(key, d, msg, msglen, sig, siglen)) != 0 &&
	    d->digest != NULL && (C = dlcrypto()) != NULL)
		C->ERR_clear_error();
	return rc;
}

int
sig_init(unsigned algs, char *err, size_t errlen)
{
	int	 a;

	for (a = 0; a < SIG__MAX; a++)
		if ((algs & SIG_BIT(a)) != 0 && sig_defs[a].digest != NULL)
			return dlcrypto_load(err, errlen) == NULL ? -1 : 0;
	return 0;
}

/*
 * The EVP public key of type name from the parameters in bld, checked
 * (a point on its curve, a usable modulus and exponent) before it is
 * taken: once per key set, never per request.
 */
int
sig_key_import(struct sig_key *k, enum sig_kty t, const char *name,
    OSSL_PARAM_BLD *bld, const char *bad, char *err, size_t errlen)
{
	const struct dlcrypto	*C = dlcrypto();
	OSSL_PARAM		*params = NULL;
	EVP_PKEY_CTX		*ctx = NULL, *chk = NULL;
	EVP_PKEY		*pkey = NULL;
	int			 rc = -1;

	if ((params = C->OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = C->EVP_PKEY_CTX_new_from_name(NULL, name, NULL)) == NULL ||
	    C->EVP_PKEY_fromdata_init(ctx) != 1) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (C->EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1 ||
	    (chk = C->EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL ||
	    C->EVP_PKEY_public_check(chk) != 1) {
		snprintf(err, errlen, "%s", bad);
		goto out;
	}
	k->type = t;
	k->pkey = pkey;
	pkey = NULL;
	rc = 0;
out:
	if (rc != 0)
		C->ERR_clear_error();
	C->EVP_PKEY_free(pkey);
	C->EVP_PKEY_CTX_free(chk);
	C->EVP_PKEY_CTX_free(ctx);
	C->OSSL_PARAM_free(params);
	return rc;
}

void
sig_key_free(struct sig_key *k)
{
	/* A key with an EVP_PKEY was made with libcrypto loaded. */
	if (k->pkey != NULL)
		dlcrypto()->EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
}
