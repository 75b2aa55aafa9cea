/*
 * Compact JWE for nested access tokens.  Exactly one suite is
 * accepted: ECDH-ES (direct key agreement) with an X25519 ephemeral
 * key, the Concat KDF with SHA-256, and AES-256-GCM with the protected
 * header as additional data.  The header is checked in full before any
 * key is touched; every step uses libsodium.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "b64.h"
#include "jparse.h"
#include "jwe.h"

#define JWE_ALG		"ECDH-ES"
#define JWE_ENC		"A256GCM"
#define JWE_CTY		"JWT"	/* what nv-token writes */

/*
 * What providers write for a nested access token: RFC 7519 names JWT,
 * RFC 9068 at+jwt; media types compare without case (RFC 7515 4.1.10),
 * and "application/" may be left out.
 */
static const char *const jwe_ctys[] = {
	"JWT", "at+jwt", "application/at+jwt",
};

enum jwe_seg { SEG_HEADER = 0, SEG_KEY, SEG_IV, SEG_CIPHERTEXT, SEG_TAG };

static const char *const jwe_messages[JWE__MAX] = {
	[JWE_OK] = "ok",
	[JWE_MALFORMED] = "malformed encrypted token",
	[JWE_TOO_LONG] = "encrypted token too long",
	[JWE_BAD_ALG] = "JWE alg not accepted",
	[JWE_BAD_ENC] = "JWE enc not accepted",
	[JWE_BAD_CTY] = "JWE cty is not JWT or at+jwt",
	[JWE_ZIP] = "JWE zip not accepted",
	[JWE_CRIT] = "JWE crit not supported",
	[JWE_ENCRYPTED_KEY] = "JWE encrypted key must be empty for ECDH-ES",
	[JWE_BAD_EPK] = "JWE epk is not an X25519 public key",
	[JWE_NO_KID] = "JWE kid missing",
	[JWE_UNKNOWN_KEY] = "unknown decryption key",
	[JWE_WEAK_KEY] = "JWE key agreement gave an all-zero secret",
	[JWE_DECRYPT] = "JWE decryption failed",
	[JWE_NO_AES] = "AES-GCM not available on this CPU",
	[JWE_NOMEM] = "out of memory",
};

/* What the protected header says, once checked. */
struct jwe_header {
	char		 kid[JWKS_KID_MAX + 1];
	size_t		 kidlen;
	unsigned char	 epk[crypto_scalarmult_BYTES];
	unsigned char	 apu[JWE_HEADER_MAX];
	size_t		 apulen;
	unsigned char	 apv[JWE_HEADER_MAX];
	size_t		 apvlen;
};

const char *
jwe_strerror(enum jwe_err e)
{
	return (unsigned)e < JWE__MAX ? jwe_messages[e] : "?";
}

size_t
jwe_segments(const char *s, size_t len)
{
	const char	*p = s, *end = s + len;
	size_t		 n = 1;

	while ((p = memchr(p, '.', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

static void
be32(unsigned char b[4], uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

/* Hashes a 32-bit big-endian length, then the data it counts. */
static void
hash_counted(crypto_hash_sha256_state *st, const unsigned char *p, size_t n)
{
	unsigned char	 l[4];

	be32(l, (uint32_t)n);
	crypto_hash_sha256_update(st, l, sizeof(l));
	if (n > 0)
		crypto_hash_sha256_update(st, p, n);
}

/*
 * RFC 7518 section 4.6.2 (NIST SP 800-56A Concat KDF): rounds of
 * SHA-256(counter || Z || OtherInfo), where OtherInfo is AlgorithmID,
 * PartyUInfo and PartyVInfo, each length-prefixed, then SuppPubInfo,
 * the key length in bits; SuppPrivInfo is empty.
 */
int
jwe_concat_kdf(unsigned char *out, size_t outlen, const unsigned char *z,
    size_t zlen, const char *alg_id, const unsigned char *apu, size_t apulen,
    const unsigned char *apv, size_t apvlen)
{
	crypto_hash_sha256_state st;
	unsigned char	 dig[crypto_hash_sha256_BYTES], b[4];
	size_t		 done, n;
	uint32_t	 round;

	if (outlen == 0 || outlen > UINT32_MAX / 8 || zlen > UINT32_MAX ||
	    strlen(alg_id) > UINT32_MAX || apulen > UINT32_MAX ||
	    apvlen > UINT32_MAX)
		return -1;
	for (done = 0, round = 1; done < outlen; done += n, round++) {
		crypto_hash_sha256_init(&st);
		be32(b, round);
		crypto_hash_sha256_update(&st, b, sizeof(b));
		crypto_hash_sha256_update(&st, z, zlen);
		hash_counted(&st, (const unsigned char *)alg_id,
		    strlen(alg_id));
		hash_counted(&st, apu, apulen);
		hash_counted(&st, apv, apvlen);
		be32(b, (uint32_t)(outlen * 8));
		crypto_hash_sha256_update(&st, b, sizeof(b));
		crypto_hash_sha256_final(&st, dig);
		n = outlen - done < sizeof(dig) ? outlen - done : sizeof(dig);
		memcpy(out + done, dig, n);
	}
	sodium_memzero(dig, sizeof(dig));
	sodium_memzero(&st, sizeof(st));
	return 0;
}

/*
 * A small-order public key makes every shared secret zero, which an
 * attacker could then compute too (RFC 7748 section 6.1).  libsodium
 * already refuses it; the explicit check keeps that visible here.
 */
int
jwe_x25519(unsigned char z[crypto_scalarmult_BYTES],
    const unsigned char sk[crypto_scalarmult_SCALARBYTES],
    const unsigned char pk[crypto_scalarmult_BYTES])
{
	if (crypto_scalarmult(z, sk, pk) != 0 ||
	    sodium_is_zero(z, crypto_scalarmult_BYTES)) {
		sodium_memzero(z, crypto_scalarmult_BYTES);
		return -1;
	}
	return 0;
}

static int
cty_accepted(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(jwe_ctys) / sizeof(jwe_ctys[0]); i++)
		if (strcasecmp(s, jwe_ctys[i]) == 0)
			return 1;
	return 0;
}

static int
decode_exact(unsigned char *out, size_t want, const char *s, size_t slen)
{
	size_t	 n;

	return b64url_decode(out, want, &n, s, slen) == 0 && n == want ?
	    0 : -1;
}

/* The epk: an OKP key on X25519 and nothing else (RFC 8037 section 2). */
static enum jwe_err
header_epk(struct json_object *h, struct jwe_header *out)
{
	struct json_object	*epk;
	const char		*kty, *crv, *x;
	int			 present;

	if (!json_object_object_get_ex(h, "epk", &epk) ||
	    !json_object_is_type(epk, json_type_object))
		return JWE_BAD_EPK;
	kty = jparse_member(epk, "kty", NULL, &present);
	crv = jparse_member(epk, "crv", NULL, &present);
	x = jparse_member(epk, "x", NULL, &present);
	if (kty == NULL || strcmp(kty, "OKP") != 0 || crv == NULL ||
	    strcmp(crv, "X25519") != 0 || x == NULL ||
	    decode_exact(out->epk, sizeof(out->epk), x, strlen(x)) != 0)
		return JWE_BAD_EPK;
	return JWE_OK;
}

/* apu and apv are base64url in the header, raw bytes in the KDF. */
static enum jwe_err
header_party(struct json_object *h, const char *name, unsigned char *out,
    size_t *outlen)
{
	const char	*s;
	int		 present;

	*outlen = 0;
	s = jparse_member(h, name, NULL, &present);
	if (!present)
		return JWE_OK;
	if (s == NULL || b64url_decode(out, JWE_HEADER_MAX, outlen, s,
	    strlen(s)) != 0)
		return JWE_MALFORMED;
	return JWE_OK;
}

static enum jwe_err
header_check(struct json_object *h, struct jwe_header *out)
{
	const char	*s;
	enum jwe_err	 rc;
	int		 present;

	if ((s = jparse_member(h, "alg", NULL, &present)) == NULL ||
	    strcmp(s, JWE_ALG) != 0)
		return JWE_BAD_ALG;
	if ((s = jparse_member(h, "enc", NULL, &present)) == NULL ||
	    strcmp(s, JWE_ENC) != 0)
		return JWE_BAD_ENC;
	/* Compression before encryption leaks the plaintext's length. */
	if (json_object_object_get_ex(h, "zip", NULL))
		return JWE_ZIP;
	if (json_object_object_get_ex(h, "crit", NULL))
		return JWE_CRIT;
	/* RFC 7519 section 5.2: a nested JWT says so in cty. */
	if ((s = jparse_member(h, "cty", NULL, &present)) == NULL ||
	    !cty_accepted(s))
		return JWE_BAD_CTY;
	if ((rc = header_epk(h, out)) != JWE_OK ||
	    (rc = header_party(h, "apu", out->apu, &out->apulen)) != JWE_OK ||
	    (rc = header_party(h, "apv", out->apv, &out->apvlen)) != JWE_OK)
		return rc;
	/*
	 * The kid is required, even with one key configured (the
	 * README's rule): otherwise tokens without one would pass until
	 * a rotation adds the second key, and fail from then on.
	 */
	s = jparse_member(h, "kid", NULL, &present);
	if (!present)
		return JWE_NO_KID;
	if (s == NULL)
		return JWE_MALFORMED;
	out->kidlen = strlen(s);
	if (out->kidlen == 0 || out->kidlen > JWKS_KID_MAX)
		return JWE_UNKNOWN_KEY;
	memcpy(out->kid, s, out->kidlen + 1);
	return JWE_OK;
}

static enum jwe_err
header_parse(const char *seg, size_t seglen, struct jwe_header *out)
{
	char			 buf[JWE_HEADER_MAX];
	struct json_object	*h = NULL;
	size_t			 len;
	enum jwe_err		 rc;

	if (b64url_decoded_max(seglen) > sizeof(buf) ||
	    b64url_decode((unsigned char *)buf, sizeof(buf), &len, seg,
	    seglen) != 0 || jparse_object(buf, len, &h) != JPARSE_OK)
		return JWE_MALFORMED;
	rc = header_check(h, out);
	json_object_put(h);
	return rc;
}

/* Exactly five segments; only the encrypted key may be empty. */
static int
split(const char *tok, size_t len, const char *seg[JWE_SEGMENTS],
    size_t seglen[JWE_SEGMENTS])
{
	const char	*p = tok, *dot, *end = tok + len;
	int		 i;

	for (i = 0; i < JWE_SEGMENTS; i++) {
		dot = memchr(p, '.', (size_t)(end - p));
		if ((dot == NULL) != (i == JWE_SEGMENTS - 1))
			return -1;
		if (dot == NULL)
			dot = end;
		seg[i] = p;
		seglen[i] = (size_t)(dot - p);
		if (seglen[i] == 0 && i != SEG_KEY)
			return -1;
		p = dot + 1;
	}
	return 0;
}

enum jwe_err
jwe_decrypt(const struct deckeys *set, const char *tok, size_t len,
    char *out, size_t outmax, size_t *outlen)
{
	const char		*seg[JWE_SEGMENTS];
	size_t			 seglen[JWE_SEGMENTS], ctlen = 0, ctmax = 0;
	struct jwe_header	 h;
	const struct deckey	*key;
	unsigned char		 iv[JWE_IV_BYTES], tag[JWE_TAG_BYTES];
	unsigned char		 z[crypto_scalarmult_BYTES];
	unsigned char		 cek[JWE_CEK_BYTES], *ct = NULL;
	enum jwe_err		 rc;

	*outlen = 0;
	memset(&h, 0, sizeof(h));
	if (len > JWE_MAX) {
		rc = JWE_TOO_LONG;
		goto out;
	}
	if (split(tok, len, seg, seglen) != 0) {
		rc = JWE_MALFORMED;
		goto out;
	}
	if ((rc = header_parse(seg[SEG_HEADER], seglen[SEG_HEADER], &h))
	    != JWE_OK)
		goto out;
	if (seglen[SEG_KEY] != 0) {
		rc = JWE_ENCRYPTED_KEY;
		goto out;
	}
	if (decode_exact(iv, sizeof(iv), seg[SEG_IV], seglen[SEG_IV]) != 0 ||
	    decode_exact(tag, sizeof(tag), seg[SEG_TAG],
	    seglen[SEG_TAG]) != 0) {
		rc = JWE_MALFORMED;
		goto out;
	}
	/* One byte of out stays free for the NUL after the plaintext. */
	if (seglen[SEG_CIPHERTEXT] / 4 * 3 >= outmax) {
		rc = JWE_TOO_LONG;
		goto out;
	}
	ctmax = b64url_decoded_max(seglen[SEG_CIPHERTEXT]);
	if ((ct = malloc(ctmax)) == NULL) {
		rc = JWE_NOMEM;
		goto out;
	}
	if (b64url_decode(ct, ctmax, &ctlen, seg[SEG_CIPHERTEXT],
	    seglen[SEG_CIPHERTEXT]) != 0 || ctlen == 0) {
		rc = JWE_MALFORMED;
		goto out;
	}
	if (ctlen >= outmax) {
		rc = JWE_TOO_LONG;
		goto out;
	}
	if ((key = deckeys_find(set, h.kid, h.kidlen)) == NULL) {
		rc = JWE_UNKNOWN_KEY;
		goto out;
	}
	if (!crypto_aead_aes256gcm_is_available()) {
		rc = JWE_NO_AES;
		goto out;
	}
	if (jwe_x25519(z, key->sk, h.epk) != 0) {
		rc = JWE_WEAK_KEY;
		goto out;
	}
	if (jwe_concat_kdf(cek, sizeof(cek), z, sizeof(z), JWE_ENC, h.apu,
	    h.apulen, h.apv, h.apvlen) != 0) {
		rc = JWE_MALFORMED;
		goto out;
	}
	/* The additional data is the header segment exactly as sent. */
	if (crypto_aead_aes256gcm_decrypt_detached((unsigned char *)out, NULL,
	    ct, ctlen, tag, (const unsigned char *)seg[SEG_HEADER],
	    seglen[SEG_HEADER], iv, cek) != 0) {
		sodium_memzero(out, ctlen);
		rc = JWE_DECRYPT;
		goto out;
	}
	out[ctlen] = '\0';
	*outlen = ctlen;
	rc = JWE_OK;
out:
	sodium_memzero(z, sizeof(z));
	sodium_memzero(cek, sizeof(cek));
	sodium_memzero(&h, sizeof(h));
	if (ct != NULL) {
		sodium_memzero(ct, ctmax);
		free(ct);
	}
	return rc;
}

static char *
b64_new(const unsigned char *in, size_t len)
{
	size_t	 max = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char	*s;

	if ((s = malloc(max)) != NULL)
		b64url_encode(s, max, in, len);
	return s;
}

/* The protected header, base64url-encoded: the AAD as well. */
static char *
header_new(const unsigned char epk[crypto_scalarmult_BYTES], const char *kid)
{
	struct json_object	*h, *e;
	const char		*s;
	char			*x, *out = NULL;

	if ((x = b64_new(epk, crypto_scalarmult_BYTES)) == NULL)
		return NULL;
	if ((h = json_object_new_object()) == NULL ||
	    (e = json_object_new_object()) == NULL) {
		json_object_put(h);
		free(x);
		return NULL;
	}
	json_object_object_add(h, "alg", json_object_new_string(JWE_ALG));
	json_object_object_add(h, "enc", json_object_new_string(JWE_ENC));
	json_object_object_add(h, "cty", json_object_new_string(JWE_CTY));
	if (kid != NULL)
		json_object_object_add(h, "kid", json_object_new_string(kid));
	json_object_object_add(e, "kty", json_object_new_string("OKP"));
	json_object_object_add(e, "crv", json_object_new_string("X25519"));
	json_object_object_add(e, "x", json_object_new_string(x));
	json_object_object_add(h, "epk", e);
	s = json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL)
		out = b64_new((const unsigned char *)s, strlen(s));
	json_object_put(h);
	free(x);
	return out;
}

enum jwe_err
jwe_encrypt(char **out, const unsigned char pk[crypto_scalarmult_BYTES],
    const char *kid, const char *plain, size_t len)
{
	unsigned char	 esk[crypto_scalarmult_SCALARBYTES];
	unsigned char	 epk[crypto_scalarmult_BYTES];
	unsigned char	 z[crypto_scalarmult_BYTES], cek[JWE_CEK_BYTES];
	unsigned char	 iv[JWE_IV_BYTES], tag[JWE_TAG_BYTES], *ct = NULL;
	char		*h64 = NULL, *iv64 = NULL, *c64 = NULL, *t64 = NULL;
	enum jwe_err	 rc = JWE_NOMEM;

	*out = NULL;
	if (!crypto_aead_aes256gcm_is_available())
		return JWE_NO_AES;
	if (len == 0 || len > JWE_MAX)
		return JWE_TOO_LONG;
	/* A fresh ephemeral key per token: no two tokens share a CEK. */
	randombytes_buf(esk, sizeof(esk));
	crypto_scalarmult_base(epk, esk);
	if (jwe_x25519(z, esk, pk) != 0) {
		rc = JWE_WEAK_KEY;
		goto out;
	}
	if (jwe_concat_kdf(cek, sizeof(cek), z, sizeof(z), JWE_ENC, NULL, 0,
	    NULL, 0) != 0 || (ct = malloc(len)) == NULL ||
	    (h64 = header_new(epk, kid)) == NULL)
		goto out;
	randombytes_buf(iv, sizeof(iv));
	crypto_aead_aes256gcm_encrypt_detached(ct, tag, NULL,
	    (const unsigned char *)plain, len, (const unsigned char *)h64,
	    strlen(h64), NULL, iv, cek);
	if ((iv64 = b64_new(iv, sizeof(iv))) == NULL ||
	    (c64 = b64_new(ct, len)) == NULL ||
	    (t64 = b64_new(tag, sizeof(tag))) == NULL ||
	    asprintf(out, "%s..%s.%s.%s", h64, iv64, c64, t64) == -1) {
		*out = NULL;
		goto out;
	}
	rc = JWE_OK;
out:
	sodium_memzero(esk, sizeof(esk));
	sodium_memzero(z, sizeof(z));
	sodium_memzero(cek, sizeof(cek));
	free(ct);
	free(h64);
	free(iv64);
	free(c64);
	free(t64);
	return rc;
}
