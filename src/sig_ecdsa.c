/*
 * ECDSA on P-256 and P-384 (RFC 7518 section 3.4) with OpenSSL's EVP.
 * JOSE sends R||S, each the curve's size; OpenSSL verifies DER, so the
 * pair is re-encoded.  The public point is checked on the curve when
 * the key is built, once per key set.
 */
#include <stdio.h>
#include <string.h>

#include "dlcrypto.h"
#include "sig.h"

#define EC_COORD_MAX	48

/* The curve's coordinate size and OpenSSL's name for it. */
static size_t
ec_coord(enum sig_kty t, const char **group)
{
	switch (t) {
	case SIG_KEY_P256:
		*group = "prime256v1";
		return 32;
	case SIG_KEY_P384:
		*group = "secp384r1";
		return 48;
	default:
		return 0;
	}
}

int
sig_key_ec(struct sig_key *k, enum sig_kty t, const unsigned char *x,
    size_t xlen, const unsigned char *y, size_t ylen, char *err,
    size_t errlen)
{
	const struct dlcrypto	*C;
	unsigned char		 pt[1 + 2 * EC_COORD_MAX];
	const char		*group = NULL;
	char			 bad[64];
	OSSL_PARAM_BLD		*bld = NULL;
	size_t			 n = ec_coord(t, &group);
	int			 rc = -1;

	memset(k, 0, sizeof(*k));
	if (n == 0 || xlen != n || ylen != n) {
		snprintf(err, errlen, "\"x\" and \"y\" must be %zu bytes each",
		    n);
		return -1;
	}
	if ((C = dlcrypto_load(err, errlen)) == NULL)
		return -1;
	/* The uncompressed point: 0x04, x, y (SEC 1 2.3.3). */
	pt[0] = 0x04;
	memcpy(pt + 1, x, n);
	memcpy(pt + 1 + n, y, n);
	snprintf(bad, sizeof(bad), "\"x\" and \"y\" are not a point on %s",
	    sig_kty_name(t));
	if ((bld = C->OSSL_PARAM_BLD_new()) == NULL ||
	    !C->OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0) ||
	    !C->OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
	    1 + 2 * n))
		snprintf(err, errlen, "out of memory");
	else
		rc = sig_key_import(k, t, "EC", bld, bad, err, errlen);
	C->OSSL_PARAM_BLD_free(bld);
	return rc;
}

int
sig_ecdsa_verify(const struct sig_key *k, const struct sig_def *d,
    const unsigned char *msg, size_t msglen, const unsigned char *sig,
    size_t siglen)
{
	const struct dlcrypto	*C = dlcrypto();
	unsigned char		*der = NULL;
	const char		*group;
	ECDSA_SIG		*es = NULL;
	BIGNUM			*r = NULL, *s = NULL;
	EVP_MD_CTX		*mctx = NULL;
	size_t			 n = ec_coord(k->type, &group);
	int			 derlen, rc = -1;

	/* Fixed length: a DER signature or a short R||S is no JWS. */
	if (n == 0 || siglen != 2 * n)
		return -1;
	if ((r = C->BN_bin2bn(sig, (int)n, NULL)) == NULL ||
	    (s = C->BN_bin2bn(sig + n, (int)n, NULL)) == NULL ||
	    (es = C->ECDSA_SIG_new()) == NULL)
		goto out;
	if (C->ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;
	if ((derlen = C->i2d_ECDSA_SIG(es, &der)) <= 0 ||
	    (mctx = C->EVP_MD_CTX_new()) == NULL ||
	    C->EVP_DigestVerifyInit_ex(mctx, NULL, d->digest, NULL, NULL,
	    (EVP_PKEY *)k->pkey, NULL) != 1)
		goto out;
	if (C->EVP_DigestVerify(mctx, der, (size_t)derlen, msg, msglen) == 1)
		rc = 0;
out:
	C->EVP_MD_CTX_free(mctx);
	/* OPENSSL_free(), which is a macro over CRYPTO_free(). */
	C->CRYPTO_free(der, OPENSSL_FILE, OPENSSL_LINE);
	C->ECDSA_SIG_free(es);
	C->BN_free(r);
	C->BN_free(s);
	return rc;
}
