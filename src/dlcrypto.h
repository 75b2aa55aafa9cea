/*
 * OpenSSL, loaded when first needed rather than linked.  Only RSA and
 * ECDSA keys (sig_rsa.c, sig_ecdsa.c, sig.c) need libcrypto, and only
 * rediss:// (redis_tls.c) needs libssl; a worker whose
 * signing_algorithms is EdDSA alone, as most of the benchmarks' are,
 * maps neither: their 24,000 relocations were most of its start-up
 * and 1.7 MiB of its memory.
 */
#ifndef NV_DLCRYPTO_H
#define NV_DLCRYPTO_H

#include <stddef.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "dlib.h"

/* libcrypto's functions the worker calls. */
#define DLCRYPTO_FNS(X) \
	X(BN_bin2bn) X(BN_free) X(BN_is_odd) X(BN_num_bits) X(CRYPTO_free) \
	X(ECDSA_SIG_free) X(ECDSA_SIG_new) X(ECDSA_SIG_set0) \
	X(ERR_clear_error) X(ERR_error_string_n) X(ERR_get_error) \
	X(EVP_DigestVerify) X(EVP_DigestVerifyInit_ex) X(EVP_MD_CTX_free) \
	X(EVP_MD_CTX_new) X(EVP_PKEY_CTX_free) X(EVP_PKEY_CTX_new_from_name) \
	X(EVP_PKEY_CTX_new_from_pkey) X(EVP_PKEY_CTX_set_rsa_padding) \
	X(EVP_PKEY_CTX_set_rsa_pss_saltlen) X(EVP_PKEY_free) \
	X(EVP_PKEY_fromdata) X(EVP_PKEY_fromdata_init) X(EVP_PKEY_get_size) \
	X(EVP_PKEY_public_check) X(OSSL_PARAM_BLD_free) X(OSSL_PARAM_BLD_new) \
	X(OSSL_PARAM_BLD_push_BN) X(OSSL_PARAM_BLD_push_octet_string) \
	X(OSSL_PARAM_BLD_push_utf8_string) X(OSSL_PARAM_BLD_to_param) \
	X(OSSL_PARAM_free) X(X509_VERIFY_PARAM_set1_ip_asc) \
	X(X509_get_default_cert_file) X(X509_get_default_cert_file_env) \
	X(i2d_ECDSA_SIG)

/* libssl's, for rediss:// (SSL_CTX_ctrl and SSL_ctrl carry macros). */
#define DLSSL_FNS(X) \
	X(SSL_CTX_check_private_key) X(SSL_CTX_ctrl) X(SSL_CTX_free) \
	X(SSL_CTX_load_verify_file) X(SSL_CTX_new) X(SSL_CTX_set_verify) \
	X(SSL_CTX_use_PrivateKey_file) X(SSL_CTX_use_certificate_chain_file) \
	X(SSL_connect) X(SSL_ctrl) X(SSL_free) X(SSL_get0_param) \
	X(SSL_get_error) X(SSL_new) X(SSL_read) X(SSL_set1_host) \
	X(SSL_set_fd) X(SSL_write) X(TLS_client_method)

struct dlcrypto {
	DLCRYPTO_FNS(DLIB_MEMBER)
};

struct dlssl {
	DLSSL_FNS(DLIB_MEMBER)
};

/*
 * The tables, loading NV_LIBCRYPTO_SONAME (and, for dlssl_load,
 * NV_LIBSSL_SONAME after it) on the first call; NULL with err saying
 * why.  Call them before the sandbox; afterwards they only return what
 * was loaded.
 */
const struct dlcrypto	*dlcrypto_load(char *err, size_t errlen);
const struct dlssl	*dlssl_load(char *err, size_t errlen);
/* The tables once loaded, else NULL: these load nothing. */
const struct dlcrypto	*dlcrypto(void);
const struct dlssl	*dlssl(void);

#endif
