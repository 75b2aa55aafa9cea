/*
 * nv-token's signing keys (nvt-keys.h): one table of the JWS algorithms
 * it signs with, EC and RSA pairs made and written as JWK members
 * (RFC 7518 section 6), private JWKs read back to sign with.  Ed25519
 * stays with libsodium, as nv-fcgi verifies it; EC and RSA use only
 * OpenSSL 3's EVP and parameter interfaces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "b64.h"
#include "jparse.h"
#include "jwks.h"
#include "nvt-keys.h"

/* An 8192-bit RSA private JWK is about 6.5 kB. */
#define NVT_KEYFILE_MAX	16384
#define EC_HALF_MAX	48
#define MEMBERS_MAX	8

struct nvt_key {
	const struct nvt_alg	*alg;	/* its "alg", else its type's first */
	char			*kid;
	EVP_PKEY		*pkey;	/* EC and RSA */
	unsigned char		 sk[crypto_sign_SECRETKEYBYTES]; /* Ed25519 */
};

static const char *const kty_names[] = { "OKP", "EC", "RSA" };

/* A key type's first algorithm is what its keys sign with by default. */
static const struct nvt_alg algs[] = {
	{ "EdDSA", NVT_OKP, "Ed25519", "Ed25519", NULL, 0, 0 },
	{ "ES256", NVT_EC, "P-256", "EC P-256", "SHA256", 0, 32 },
	{ "ES384", NVT_EC, "P-384", "EC P-384", "SHA384", 0, 48 },
	{ "RS256", NVT_RSA, NULL, "RSA", "SHA256", 0, 0 },
	{ "RS384", NVT_RSA, NULL, "RSA", "SHA384", 0, 0 },
	{ "RS512", NVT_RSA, NULL, "RSA", "SHA512", 0, 0 },
	{ "PS256", NVT_RSA, NULL, "RSA", "SHA256", 1, 0 },
	{ "PS384", NVT_RSA, NULL, "RSA", "SHA384", 1, 0 },
	{ "PS512", NVT_RSA, NULL, "RSA", "SHA512", 1, 0 },
	{ NULL, NVT_OKP, NULL, NULL, NULL, 0, 0 },
};

/* A JWK member and the libcrypto parameter that holds it. */
struct member {
	const char	*name;
	const char	*param;
	int		 priv;
};

/* Public members first, in the order the JWK shows them. */
static const struct member ec_members[] = {
	{ "x", OSSL_PKEY_PARAM_EC_PUB_X, 0 },
	{ "y", OSSL_PKEY_PARAM_EC_PUB_Y, 0 },
	{ "d", OSSL_PKEY_PARAM_PRIV_KEY, 1 },
	{ NULL, NULL, 0 },
};

static const struct member rsa_members[] = {
	{ "n", OSSL_PKEY_PARAM_RSA_N, 0 },
	{ "e", OSSL_PKEY_PARAM_RSA_E, 0 },
	{ "d", OSSL_PKEY_PARAM_RSA_D, 1 },
	{ "p", OSSL_PKEY_PARAM_RSA_FACTOR1, 1 },
	{ "q", OSSL_PKEY_PARAM_RSA_FACTOR2, 1 },
	{ "dp", OSSL_PKEY_PARAM_RSA_EXPONENT1, 1 },
	{ "dq", OSSL_PKEY_PARAM_RSA_EXPONENT2, 1 },
	{ "qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 1 },
	{ NULL, NULL, 0 },
};

const struct nvt_alg *
nvt_alg_find(const char *name)
{
	const struct nvt_alg	*a;

	for (a = algs; a->name != NULL; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

/* Whether a key made for alg b may sign with alg a. */
static int
alg_fits(const struct nvt_alg *a, const struct nvt_alg *b)
{
	return a->kty == b->kty &&
	    (a->crv == NULL || strcmp(a->crv, b->crv) == 0);
}

/* err gets what, and libcrypto's first queued reason if it has one. */
static void
crypto_err(char *err, size_t errlen, const char *what)
{
	char		 reason[256];
	unsigned long	 e = ERR_get_error();

	if (e == 0)
		snprintf(err, errlen, "%s", what);
	else {
		ERR_error_string_n(e, reason, sizeof(reason));
		snprintf(err, errlen, "%s: %s", what, reason);
	}
	ERR_clear_error();
}

/*
 * A number as base64url: EC's members have the curve's fixed length
 * (RFC 7518 section 6.2), RSA's are Base64urlUInt, without leading
 * zero octets (fixed 0).
 */
static char *
bn_b64(const BIGNUM *bn, size_t fixed)
{
	unsigned char	*buf;
	size_t		 len = fixed;
	char		*out = NULL;

	if (len == 0 && (len = (size_t)BN_num_bytes(bn)) == 0)
		len = 1;
	if ((buf = malloc(len)) == NULL)
		return NULL;
	if (BN_bn2binpad(bn, buf, (int)len) == (int)len)
		out = b64url_dup(buf, len);
	sodium_memzero(buf, len);
	free(buf);
	return out;
}

/* RFC 7638: SHA-256 over the required members in lexicographic order. */
static char *
thumbprint(const struct nvt_alg *alg, char *const v[])
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		*json, *out;
	int		 n;

	if (alg->kty == NVT_EC)
		n = asprintf(&json, "{\"crv\":\"%s\",\"kty\":\"EC\","
		    "\"x\":\"%s\",\"y\":\"%s\"}", alg->crv, v[0], v[1]);
	else
		n = asprintf(&json, "{\"e\":\"%s\",\"kty\":\"RSA\","
		    "\"n\":\"%s\"}", v[1], v[0]);
	if (n == -1)
		return NULL;
	crypto_hash_sha256(h, (unsigned char *)json, strlen(json));
	free(json);
	out = b64url_dup(h, sizeof(h));
	return out;
}

/* kty, crv, the public members, kid, use and alg, as keygen orders them. */
static struct json_object *
jwk_public(const struct nvt_alg *alg, const struct member *m,
    char *const v[], const char *kid)
{
	struct json_object	*k = json_object_new_object();
	size_t			 i;

	json_object_object_add(k, "kty",
	    json_object_new_string(kty_names[alg->kty]));
	if (alg->crv != NULL)
		json_object_object_add(k, "crv",
		    json_object_new_string(alg->crv));
	for (i = 0; m[i].name != NULL; i++)
		if (!m[i].priv)
			json_object_object_add(k, m[i].name,
			    json_object_new_string(v[i]));
	json_object_object_add(k, "kid", json_object_new_string(kid));
	json_object_object_add(k, "use", json_object_new_string("sig"));
	json_object_object_add(k, "alg", json_object_new_string(alg->name));
	return k;
}

int
nvt_keygen(struct json_object **priv, struct json_object **pub,
    const struct nvt_alg *alg, int bits, const char *kid, char *err,
    size_t errlen)
{
	const struct member *m = alg->kty == NVT_EC ? ec_members :
	    rsa_members;
	EVP_PKEY	*pkey;
	BIGNUM		*bn = NULL;
	char		*v[MEMBERS_MAX] = { NULL }, *tp = NULL;
	size_t		 i;
	int		 rc = -1;

	*priv = *pub = NULL;
	if (alg->kty == NVT_EC)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", alg->crv);
	else
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)(bits != 0 ? bits : NVT_RSA_BITS_DEFAULT));
	if (pkey == NULL) {
		crypto_err(err, errlen, "cannot make the key");
		goto out;
	}
	for (i = 0; m[i].name != NULL; i++) {
		if (EVP_PKEY_get_bn_param(pkey, m[i].param, &bn) != 1 ||
		    (v[i] = bn_b64(bn, alg->half)) == NULL) {
			crypto_err(err, errlen, "cannot read the new key");
			goto out;
		}
		BN_clear_free(bn);
		bn = NULL;
	}
	if (kid == NULL && (kid = tp = thumbprint(alg, v)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	*pub = jwk_public(alg, m, v, kid);
	*priv = jwk_public(alg, m, v, kid);
	for (i = 0; m[i].name != NULL; i++)
		if (m[i].priv)
			json_object_object_add(*priv, m[i].name,
			    json_object_new_string(v[i]));
	rc = 0;
out:
	BN_clear_free(bn);
	EVP_PKEY_free(pkey);
	for (i = 0; m[i].name != NULL; i++) {
		if (v[i] != NULL && m[i].priv)
			sodium_memzero(v[i], strlen(v[i]));
		free(v[i]);
	}
	free(tp);
	return rc;
}

/* The Ed25519 seed in "d"; an "x", when given, must be its public key. */
static int
load_ed25519(struct nvt_key *k, struct json_object *o, const char *path,
    char *err, size_t errlen)
{
	unsigned char	 seed[crypto_sign_SEEDBYTES];
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 xpk[crypto_sign_PUBLICKEYBYTES];
	const char	*d, *x;
	size_t		 n;
	int		 rc = -1;

	if ((d = jparse_string(o, "d")) == NULL ||
	    b64url_decode(seed, sizeof(seed), &n, d, strlen(d)) != 0 ||
	    n != sizeof(seed)) {
		snprintf(err, errlen, "%s: not a private Ed25519 JWK (no "
		    "32-byte \"d\")", path);
		goto out;
	}
	crypto_sign_seed_keypair(pk, k->sk, seed);
	if (json_object_object_get_ex(o, "x", NULL) &&
	    ((x = jparse_string(o, "x")) == NULL ||
	    b64url_decode(xpk, sizeof(xpk), &n, x, strlen(x)) != 0 ||
	    n != sizeof(xpk) || memcmp(xpk, pk, sizeof(pk)) != 0)) {
		snprintf(err, errlen, "%s: \"x\" does not belong to \"d\"",
		    path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* One member as a number; EC's must have the curve's length. */
static BIGNUM *
member_bn(struct json_object *o, const struct member *m, size_t fixed)
{
	unsigned char	*raw;
	const char	*s;
	size_t		 max, n;
	BIGNUM		*bn = NULL;

	if ((s = jparse_string(o, m->name)) == NULL || *s == '\0')
		return NULL;
	max = b64url_decoded_max(strlen(s));
	if ((raw = malloc(max)) == NULL)
		return NULL;
	if (b64url_decode(raw, max, &n, s, strlen(s)) == 0 &&
	    (fixed == 0 || n == fixed) &&
	    (bn = m->priv ? BN_secure_new() : BN_new()) != NULL &&
	    BN_bin2bn(raw, (int)n, bn) == NULL) {
		BN_clear_free(bn);
		bn = NULL;
	}
	sodium_memzero(raw, max);
	free(raw);
	return bn;
}

/*
 * An EC or RSA private JWK as an EVP_PKEY, then checked as a pair (the
 * point on the curve and d's, or n = pq and the exponents), so a key
 * file with mixed members fails here rather than in a verifier.
 */
static int
load_evp(struct nvt_key *k, struct json_object *o, const char *path,
    char *err, size_t errlen)
{
	const struct nvt_alg *a = k->alg;
	const struct member *m = a->kty == NVT_EC ? ec_members : rsa_members;
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	BIGNUM		*bn[MEMBERS_MAX] = { NULL };
	unsigned char	 pt[1 + 2 * EC_HALF_MAX];
	char		 what[512];
	size_t		 i;
	int		 rc = -1;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; m[i].name != NULL; i++)
		if ((bn[i] = member_bn(o, &m[i], a->half)) == NULL) {
			snprintf(err, errlen, "%s: not a private %s JWK (no "
			    "valid \"%s\")", path, a->kind, m[i].name);
			goto out;
		}
	if (a->kty == NVT_EC) {
		/* libcrypto takes the public point uncompressed: 04 x y. */
		pt[0] = 0x04;
		if (BN_bn2binpad(bn[0], pt + 1, (int)a->half) != (int)a->half ||
		    BN_bn2binpad(bn[1], pt + 1 + a->half, (int)a->half) !=
		    (int)a->half ||
		    !OSSL_PARAM_BLD_push_utf8_string(bld,
		    OSSL_PKEY_PARAM_GROUP_NAME, a->crv, 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld,
		    OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + 2 * a->half) ||
		    !OSSL_PARAM_BLD_push_BN(bld, m[2].param, bn[2])) {
			crypto_err(err, errlen, "cannot load the key");
			goto out;
		}
	} else
		for (i = 0; m[i].name != NULL; i++)
			if (!OSSL_PARAM_BLD_push_BN(bld, m[i].param, bn[i])) {
				crypto_err(err, errlen, "cannot load the key");
				goto out;
			}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, kty_names[a->kty],
	    NULL)) == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k->pkey, EVP_PKEY_KEYPAIR, params) != 1) {
		snprintf(what, sizeof(what), "%s: not a valid %s key", path,
		    a->kind);
		crypto_err(err, errlen, what);
		goto out;
	}
	EVP_PKEY_CTX_free(ctx);
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) == NULL ||
	    EVP_PKEY_pairwise_check(ctx) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, a->kty == NVT_EC ?
		    "%s: \"x\" and \"y\" do not belong to \"d\"" :
		    "%s: \"n\", \"e\", \"d\", \"p\", \"q\", \"dp\", \"dq\" "
		    "and \"qi\" do not make one RSA key", path);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	/* The private numbers were pushed from secure BIGNUMs, into the
	 * block OSSL_PARAM_free clears. */
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	for (i = 0; i < MEMBERS_MAX; i++)
		BN_clear_free(bn[i]);
	return rc;
}

struct nvt_key *
nvt_key_load(const char *path, char *err, size_t errlen)
{
	const struct nvt_alg	*a;
	struct nvt_key		*k = NULL;
	struct json_object	*o = NULL;
	const char		*kty, *crv, *name, *kid;
	char			*buf = NULL;
	size_t			 len = 0;
	int			 rc = -1;

	if (jwks_read_file(path, NVT_KEYFILE_MAX, &buf, &len, err, errlen)
	    == -1)
		return NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (jparse_object(buf, len, &o) != JPARSE_OK ||
	    (kty = jparse_string(o, "kty")) == NULL) {
		snprintf(err, errlen, "%s: not a private JWK (no \"kty\")",
		    path);
		goto out;
	}
	/* The type and curve name the key's first algorithm. */
	crv = jparse_string(o, "crv");
	for (a = algs; a->name != NULL; a++)
		if (strcmp(kty_names[a->kty], kty) == 0 && (a->crv == NULL ||
		    (crv != NULL && strcmp(a->crv, crv) == 0)))
			break;
	if (a->name == NULL) {
		snprintf(err, errlen, "%s: cannot sign with a kty %s key%s%s",
		    path, kty, crv != NULL ? " on crv " : "",
		    crv != NULL ? crv : "");
		goto out;
	}
	k->alg = a;
	if (json_object_object_get_ex(o, "alg", NULL)) {
		if ((name = jparse_string(o, "alg")) == NULL ||
		    (k->alg = nvt_alg_find(name)) == NULL ||
		    !alg_fits(k->alg, a)) {
			snprintf(err, errlen, "%s: its \"alg\" is not one an "
			    "%s key signs with", path, a->kind);
			goto out;
		}
	}
	if ((kid = jparse_string(o, "kid")) != NULL &&
	    (k->kid = strdup(kid)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (a->kty == NVT_OKP)
		rc = load_ed25519(k, o, path, err, errlen);
	else
		rc = load_evp(k, o, path, err, errlen);
out:
	if (buf != NULL)
		sodium_memzero(buf, len);
	free(buf);
	json_object_put(o);
	if (rc == -1) {
		nvt_key_free(k);
		k = NULL;
	}
	return k;
}

const struct nvt_alg *
nvt_key_alg(const struct nvt_key *k, const char *name, char *err,
    size_t errlen)
{
	const struct nvt_alg	*a;

	if (name == NULL)
		return k->alg;
	if ((a = nvt_alg_find(name)) == NULL) {
		snprintf(err, errlen, "--alg takes " NVT_ALG_NAMES);
		return NULL;
	}
	if (!alg_fits(a, k->alg)) {
		snprintf(err, errlen, "--alg %s needs an %s key; this one is "
		    "%s", a->name, a->kind, k->alg->kind);
		return NULL;
	}
	return a;
}

const char *
nvt_key_kid(const struct nvt_key *k)
{
	return k->kid;
}

/*
 * libcrypto's DER ECDSA-Sig-Value as JOSE's R||S, each number
 * left-padded to the curve's length (RFC 7518 section 3.4).
 */
static int
ecdsa_rs(unsigned char **sig, size_t *siglen, const unsigned char *der,
    size_t dlen, size_t half, char *err, size_t errlen)
{
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*es;
	int			 rc = -1;

	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)dlen)) == NULL) {
		crypto_err(err, errlen, "cannot read the ECDSA signature");
		return -1;
	}
	ECDSA_SIG_get0(es, &r, &s);
	if ((*sig = malloc(2 * half)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (BN_bn2binpad(r, *sig, (int)half) != (int)half ||
	    BN_bn2binpad(s, *sig + half, (int)half) != (int)half) {
		snprintf(err, errlen, "ECDSA signature longer than the curve");
		free(*sig);
		*sig = NULL;
		goto out;
	}
	*siglen = 2 * half;
	rc = 0;
out:
	ECDSA_SIG_free(es);
	return rc;
}

int
nvt_sign(unsigned char **sig, size_t *siglen, const struct nvt_key *k,
    const struct nvt_alg *a, const unsigned char *msg, size_t len,
    char *err, size_t errlen)
{
	EVP_MD_CTX	*mctx = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	unsigned char	*der = NULL;
	char		 what[64];
	size_t		 dlen = 0;
	int		 rc = -1;

	*sig = NULL;
	if (a->kty == NVT_OKP) {
		if ((*sig = malloc(crypto_sign_BYTES)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		crypto_sign_detached(*sig, NULL, msg, len, k->sk);
		*siglen = crypto_sign_BYTES;
		return 0;
	}
	/* PS*: salt as long as the hash, MGF1 with the same hash (RFC
	 * 7518 section 3.5). */
	if ((mctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(mctx, &pctx, a->md, NULL, NULL, k->pkey,
	    NULL) != 1 ||
	    (a->pss && (EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
	    RSA_PSS_SALTLEN_DIGEST) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, a->md, NULL) <= 0)) ||
	    EVP_DigestSign(mctx, NULL, &dlen, msg, len) != 1 ||
	    (der = malloc(dlen)) == NULL ||
	    EVP_DigestSign(mctx, der, &dlen, msg, len) != 1) {
		snprintf(what, sizeof(what), "cannot sign with %s", a->name);
		crypto_err(err, errlen, what);
		goto out;
	}
	if (a->kty == NVT_EC)
		rc = ecdsa_rs(sig, siglen, der, dlen, a->half, err, errlen);
	else {
		*sig = der;
		*siglen = dlen;
		der = NULL;
		rc = 0;
	}
out:
	EVP_MD_CTX_free(mctx);
	free(der);
	return rc;
}

void
nvt_key_free(struct nvt_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->kid);
	sodium_memzero(k->sk, sizeof(k->sk));
	free(k);
}
