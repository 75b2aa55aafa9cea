/*
 * The introspection client's side of the exchange: the form encoding,
 * the Basic header and the private_key_jwt assertion, from the
 * credentials read at start-up.  What comes back is introspect.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "b64.h"
#include "introspect_client.h"
#include "jparse.h"
#include "secret.h"

#define ASSERTION_LIFETIME	60	/* seconds: one exchange */
#define KEY_FILE_MAX		4096

long
introspect_form_escape(char *out, size_t cap, const char *in, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	size_t			 i, o = 0;

	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '*' || c == ' ') {
			if (o + 1 >= cap)
				return -1;
			out[o++] = c == ' ' ? '+' : (char)c;
			continue;
		}
		if (o + 3 >= cap)
			return -1;
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	if (o >= cap)
		return -1;
	out[o] = '\0';
	return (long)o;
}

/*
 * RFC 6749 section 2.3.1: id and secret are each form-encoded, then
 * joined by ":" and encoded in base64 as RFC 7617 says.
 */
char *
introspect_basic_header(const char *id, const char *secret, size_t slen)
{
	static const char	 prefix[] = "Authorization: Basic ";
	size_t			 idlen = strlen(id), cap, b64len;
	char			*pair = NULL, *hdr = NULL;
	long			 a, b;

	cap = 3 * (idlen + slen) + 2;
	if ((pair = malloc(cap)) == NULL)
		goto out;
	if ((a = introspect_form_escape(pair, cap, id, idlen)) < 0)
		goto out;
	pair[a] = ':';
	if ((b = introspect_form_escape(pair + a + 1, cap - (size_t)a - 1,
	    secret, slen)) < 0)
		goto out;
	b64len = sodium_base64_ENCODED_LEN((size_t)(a + 1 + b),
	    sodium_base64_VARIANT_ORIGINAL);
	if ((hdr = malloc(sizeof(prefix) - 1 + b64len)) == NULL)
		goto out;
	memcpy(hdr, prefix, sizeof(prefix) - 1);
	sodium_bin2base64(hdr + sizeof(prefix) - 1, b64len,
	    (const unsigned char *)pair, (size_t)(a + 1 + b),
	    sodium_base64_VARIANT_ORIGINAL);
out:
	if (pair != NULL) {
		sodium_memzero(pair, cap);
		free(pair);
	}
	return hdr;
}

static int
cred_secret(struct introspect_cred *c, const char *id, const char *path,
    char *err, size_t errlen)
{
	char	 buf[INTROSPECT_SECRET_MAX + 2];	/* + newline, NUL */
	size_t	 len = 0;
	int	 rc = -1;

	if (secret_read_line(path, "introspection_client_secret_file", buf,
	    sizeof(buf), &len, err, errlen) == -1)
		return -1;
	if ((c->basic = introspect_basic_header(id, buf, len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	c->kind = INTROSPECT_AUTH_BASIC;
	rc = 0;
out:
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/* An Ed25519 private JWK: "d" the seed; "x", when given, its key. */
static int
cred_key(struct introspect_cred *c, const char *path, char *err,
    size_t errlen)
{
	unsigned char		 buf[KEY_FILE_MAX + 1];
	unsigned char		 seed[crypto_sign_SEEDBYTES];
	unsigned char		 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char		 x[crypto_sign_PUBLICKEYBYTES];
	struct json_object	*o = NULL;
	const char		*kty, *crv, *d, *xs, *kid;
	size_t			 len = 0, n, klen;
	int			 present, rc = -1;

	if (secret_read(path, "introspection_client_key_file", 2, buf,
	    sizeof(buf), &len, err, errlen) == -1)
		return -1;
	if (jparse_object((const char *)buf, len, &o) != JPARSE_OK ||
	    (kty = jparse_string(o, "kty")) == NULL ||
	    strcmp(kty, "OKP") != 0 ||
	    (crv = jparse_string(o, "crv")) == NULL ||
	    strcmp(crv, "Ed25519") != 0 ||
	    (d = jparse_string(o, "d")) == NULL ||
	    b64url_decode(seed, sizeof(seed), &n, d, strlen(d)) != 0 ||
	    n != sizeof(seed)) {
		snprintf(err, errlen, "introspection_client_key_file %s: not "
		    "a private Ed25519 JWK (kty OKP, crv Ed25519, a 32-byte "
		    "\"d\")", path);
		goto out;
	}
	crypto_sign_seed_keypair(pk, c->sk, seed);
	if (json_object_object_get_ex(o, "x", NULL) &&
	    ((xs = jparse_string(o, "x")) == NULL ||
	    b64url_decode(x, sizeof(x), &n, xs, strlen(xs)) != 0 ||
	    n != sizeof(x) || memcmp(x, pk, sizeof(pk)) != 0)) {
		snprintf(err, errlen, "introspection_client_key_file %s: "
		    "\"x\" does not belong to \"d\"", path);
		goto out;
	}
	kid = jparse_member(o, "kid", &klen, &present);
	if (present && (kid == NULL || klen > INTROSPECT_KID_MAX)) {
		snprintf(err, errlen, "introspection_client_key_file %s: "
		    "\"kid\" must be a string of at most %d bytes", path,
		    INTROSPECT_KID_MAX);
		goto out;
	}
	if (kid != NULL)
		memcpy(c->kid, kid, klen + 1);
	c->kind = INTROSPECT_AUTH_JWT;
	rc = 0;
out:
	/* json-c kept copies of "d" in its strings: gone with o, but wipe. */
	if (o != NULL && (d = jparse_string(o, "d")) != NULL)
		sodium_memzero((void *)(uintptr_t)d, strlen(d));
	json_object_put(o);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int
introspect_cred_load(struct introspect_cred *c, const char *id,
    const char *secret_file, const char *key_file, char *err, size_t errlen)
{
	int	 rc;

	memset(c, 0, sizeof(*c));
	rc = secret_file != NULL ? cred_secret(c, id, secret_file, err, errlen) :
	    cred_key(c, key_file, err, errlen);
	if (rc == -1)
		introspect_cred_free(c);
	return rc;
}

/* b64url(json) into out at *o; -1 when it does not fit. */
static int
put_part(char *out, size_t cap, size_t *o, const char *s, size_t len)
{
	size_t	 n;

	if ((n = b64url_encode(out + *o, cap - *o,
	    (const unsigned char *)s, len)) == 0)
		return -1;
	*o += n;
	return 0;
}

int
introspect_assertion(const struct introspect_cred *c, const char *id,
    const char *endpoint, time_t now, char *out, size_t cap)
{
	struct json_object	*h = NULL, *p = NULL;
	unsigned char		 jti[16], sig[crypto_sign_BYTES];
	char			 jtihex[2 * sizeof(jti) + 1];
	const char		*s;
	size_t			 o = 0, n;
	int			 rc = -1;

	randombytes_buf(jti, sizeof(jti));
	sodium_bin2hex(jtihex, sizeof(jtihex), jti, sizeof(jti));
	if ((h = json_object_new_object()) == NULL ||
	    (p = json_object_new_object()) == NULL ||
	    json_object_object_add(h, "alg",
	    json_object_new_string("EdDSA")) != 0 ||
	    json_object_object_add(h, "typ", json_object_new_string("JWT")) ||
	    (c->kid[0] != '\0' && json_object_object_add(h, "kid",
	    json_object_new_string(c->kid)) != 0) ||
	    json_object_object_add(p, "iss", json_object_new_string(id)) ||
	    json_object_object_add(p, "sub", json_object_new_string(id)) ||
	    json_object_object_add(p, "aud",
	    json_object_new_string(endpoint)) ||
	    json_object_object_add(p, "jti", json_object_new_string(jtihex)) ||
	    json_object_object_add(p, "iat", json_object_new_int64(now)) ||
	    json_object_object_add(p, "exp",
	    json_object_new_int64((int64_t)now + ASSERTION_LIFETIME)))
		goto out;
	s = json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN);
	if (put_part(out, cap, &o, s, strlen(s)) == -1 || o + 1 >= cap)
		goto out;
	out[o++] = '.';
	s = json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN);
	if (put_part(out, cap, &o, s, strlen(s)) == -1 || o + 1 >= cap)
		goto out;
	crypto_sign_detached(sig, NULL, (const unsigned char *)out, o, c->sk);
	out[o++] = '.';
	if ((n = b64url_encode(out + o, cap - o, sig, sizeof(sig))) == 0)
		goto out;
	o += n;
	rc = 0;
out:
	json_object_put(h);
	json_object_put(p);
	return rc;
}

void
introspect_cred_free(struct introspect_cred *c)
{
	if (c->basic != NULL) {
		sodium_memzero(c->basic, strlen(c->basic));
		free(c->basic);
	}
	sodium_memzero(c, sizeof(*c));
}
