/*
 * Compact JWS verification.  The header names an algorithm of sig.c's
 * table (so neither "none" nor an HMAC keyed with a public key can be
 * slipped in) and a key of the configured set; the key must be one
 * bound to that algorithm, so a header cannot make an RSA key verify
 * an ECDSA signature or the like.  The signature is checked before any
 * claim is read.
 */
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "b64.h"
#include "jparse.h"
#include "token.h"

static const char *const token_messages[TOKEN__MAX] = {
	[TOKEN_OK] = "ok",
	[TOKEN_MALFORMED] = "malformed token",
	[TOKEN_TOO_LONG] = "token too long",
	[TOKEN_BAD_ALG] = "alg not accepted",
	[TOKEN_BAD_TYP] = "typ not accepted",
	[TOKEN_CRIT] = "crit not supported",
	[TOKEN_UNKNOWN_KEY] = "unknown key",
	[TOKEN_KEY_ALG] = "alg not permitted for the key",
	[TOKEN_BAD_SIGNATURE] = "bad signature",
	[TOKEN_BAD_CLAIMS] = "claims rejected",
};

static const char *const accepted_typs[] = {
	"at+jwt", "application/at+jwt", "JWT",
};

const char *
token_strerror(enum token_err e)
{
	return (unsigned)e < TOKEN__MAX ? token_messages[e] : "?";
}

static int
typ_accepted(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(accepted_typs) / sizeof(accepted_typs[0]); i++)
		if (strcasecmp(s, accepted_typs[i]) == 0)
			return 1;
	return 0;
}

/* Checks the protected header and picks the key and algorithm. */
static enum token_err
token_header(const struct config *cfg, const struct jwks *set,
    const char *seg, size_t seglen, const struct jwk **key,
    enum sig_alg *alg)
{
	char			 buf[TOKEN_HEADER_MAX];
	struct json_object	*h = NULL, *v;
	const char		*s, *kid = NULL;
	size_t			 len, slen, kidlen = 0;
	int			 present;
	enum token_err		 rc;

	if (b64url_decoded_max(seglen) > sizeof(buf))
		return TOKEN_MALFORMED;
	if (b64url_decode((unsigned char *)buf, sizeof(buf), &len, seg,
	    seglen) != 0 || jparse_object(buf, len, &h) != JPARSE_OK)
		return TOKEN_MALFORMED;
	if ((s = jparse_member(h, "alg", &slen, &present)) == NULL ||
	    sig_alg_by_name(s, slen, alg) == -1 ||
	    (cfg->signing_algs & SIG_BIT(*alg)) == 0) {
		rc = TOKEN_BAD_ALG;
		goto out;
	}
	s = jparse_member(h, "typ", &slen, &present);
	if (present && (s == NULL || !typ_accepted(s))) {
		rc = TOKEN_BAD_TYP;
		goto out;
	}
	/* No extension is understood, so any crit must be refused. */
	if (json_object_object_get_ex(h, "crit", NULL)) {
		rc = TOKEN_CRIT;
		goto out;
	}
	/* Taken with its NULs: jwks_find() compares every byte. */
	if (json_object_object_get_ex(h, "kid", &v)) {
		if (!json_object_is_type(v, json_type_string)) {
			rc = TOKEN_MALFORMED;
			goto out;
		}
		kid = json_object_get_string(v);
		kidlen = (size_t)json_object_get_string_len(v);
	}
	if ((*key = jwks_find(set, kid, kidlen)) == NULL)
		rc = TOKEN_UNKNOWN_KEY;
	else if (((*key)->algs & SIG_BIT(*alg)) == 0)
		rc = TOKEN_KEY_ALG;
	else
		rc = TOKEN_OK;
out:
	json_object_put(h);
	return rc;
}

enum token_err
token_verify(const struct config *cfg, const struct jwks *set,
    const char *tok, size_t len, time_t now, struct token_result *res)
{
	const char		*dot1, *dot2;
	const struct jwk	*key = NULL;
	enum sig_alg		 alg = SIG_EDDSA;
	unsigned char		 sig[SIG_MAX_BYTES];
	/* On the stack: the token's length is bounded, so is this. */
	unsigned char		 payload[TOKEN_MAX / 4 * 3 + 2];
	size_t			 siglen, plen, pmax = 0;
	enum token_err		 rc;

	memset(res, 0, sizeof(*res));
	if (len > TOKEN_MAX) {
		rc = TOKEN_TOO_LONG;
		goto out;
	}
	if ((dot1 = memchr(tok, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - tok)))
	    == NULL ||
	    memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - tok)) != NULL ||
	    dot1 == tok || dot2 == dot1 + 1 || dot2 + 1 == tok + len) {
		rc = TOKEN_MALFORMED;
		goto out;
	}
	/* A header accepted before chose the same key: see jwks.c. */
	if ((key = jwks_memo_get(set, tok, (size_t)(dot1 - tok), &alg)) ==
	    NULL) {
		if ((rc = token_header(cfg, set, tok, (size_t)(dot1 - tok),
		    &key, &alg)) != TOKEN_OK)
			goto out;
		jwks_memo_put(set, tok, (size_t)(dot1 - tok), key, alg);
	}
	if (b64url_decode(sig, sizeof(sig), &siglen, dot2 + 1,
	    len - (size_t)(dot2 + 1 - tok)) != 0) {
		rc = TOKEN_MALFORMED;
		goto out;
	}
	/* The signing input is the ASCII of header.payload as received. */
	if (sig_verify(&key->key, alg, (const unsigned char *)tok,
	    (size_t)(dot2 - tok), sig, siglen) != 0) {
		rc = TOKEN_BAD_SIGNATURE;
		goto out;
	}
	res->signed_len = (size_t)(dot2 - tok);
	/* Bytes decoded before a failure must be wiped too. */
	pmax = b64url_decoded_max((size_t)(dot2 - dot1 - 1));
	if (b64url_decode(payload, sizeof(payload), &plen, dot1 + 1,
	    (size_t)(dot2 - dot1 - 1)) != 0) {
		rc = TOKEN_MALFORMED;
		goto out;
	}
	res->claims_err = claims_check(cfg, (const char *)payload, plen, now,
	    &res->claims);
	rc = res->claims_err == CLAIMS_OK ? TOKEN_OK : TOKEN_BAD_CLAIMS;
out:
	sodium_memzero(payload, pmax);
	res->err = rc;
	return rc;
}
