/*
 * RSASSA-PKCS1-v1_5 (RS256/384/512) and RSASSA-PSS (PS256/384/512,
 * MGF1 with the same hash, salt as long as the hash: RFC 7518 3.5),
 * with OpenSSL's EVP.  Moduli of 2048 to 8192 bits only: shorter ones
 * are breakable, longer ones make each verification a denial of
 * service.
 */
#include <stdio.h>
#include <string.h>

#include "dlcrypto.h"
#include "sig.h"

int
sig_key_rsa(struct sig_key *k, const unsigned char *n, size_t nlen,
    const unsigned char *e, size_t elen, char *err, size_t errlen)
{
	const struct dlcrypto	*C;
	OSSL_PARAM_BLD		*bld = NULL;
	BIGNUM			*bn = NULL, *be = NULL;
	int			 bits, rc = -1;

	memset(k, 0, sizeof(*k));
	if ((C = dlcrypto_load(err, errlen)) == NULL)
		return -1;
	if ((bn = C->BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = C->BN_bin2bn(e, (int)elen, NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	bits = C->BN_num_bits(bn);
	if (bits < SIG_RSA_MIN_BITS || bits > SIG_RSA_MAX_BITS) {
		snprintf(err, errlen, "RSA modulus of %d bits (%d to %d "
		    "accepted)", bits, SIG_RSA_MIN_BITS, SIG_RSA_MAX_BITS);
		goto out;
	}
	if (C->BN_num_bits(be) < 2 || C->BN_num_bits(be) > 64 || !C->BN_is_odd(be)) {
		snprintf(err, errlen, "\"e\" is not an odd exponent of 2 to "
		    "64 bits");
		goto out;
	}
	if ((bld = C->OSSL_PARAM_BLD_new()) == NULL ||
	    !C->OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !C->OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
		snprintf(err, errlen, "out of memory");
	else
		rc = sig_key_import(k, SIG_KEY_RSA, "RSA", bld,
		    "\"n\" and \"e\" are not an RSA public key", err, errlen);
out:
	C->OSSL_PARAM_BLD_free(bld);
	C->BN_free(bn);
	C->BN_free(be);
	return rc;
}

int
sig_rsa_verify(const struct sig_key *k, const struct sig_def *d,
    const unsigned char *msg, size_t msglen, const unsigned char *sig,
    size_t siglen)
{
	const struct dlcrypto	*C = dlcrypto();
	EVP_MD_CTX		*mctx = NULL;
	EVP_PKEY_CTX		*pctx = NULL;
	EVP_PKEY		*pkey = k->pkey;
	int			 rc = -1;

	/* RFC 8017 8.2.2: the signature is exactly the modulus's length. */
	if (siglen != (size_t)C->EVP_PKEY_get_size(pkey))
		return -1;
	if ((mctx = C->EVP_MD_CTX_new()) == NULL ||
	    C->EVP_DigestVerifyInit_ex(mctx, &pctx, d->digest, NULL, NULL, pkey,
	    NULL) != 1)
		goto out;
	if (d->pss && (C->EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PSS_PADDING) != 1 ||
	    C->EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
		goto out;
	if (C->EVP_DigestVerify(mctx, sig, siglen, msg, msglen) == 1)
		rc = 0;
out:
	C->EVP_MD_CTX_free(mctx);
	return rc;
}
