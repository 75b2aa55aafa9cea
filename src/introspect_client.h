/*
 * How nv-fcgi presents itself to the introspection endpoint: the form
 * it posts (application/x-www-form-urlencoded), and its client
 * authentication, HTTP Basic (RFC 6749 section 2.3.1) or a
 * private_key_jwt assertion (RFC 7523, signed with Ed25519).
 */
#ifndef NV_INTROSPECT_CLIENT_H
#define NV_INTROSPECT_CLIENT_H

#include <stddef.h>
#include <time.h>

#include <sodium.h>

#define INTROSPECT_SECRET_MAX	1024	/* bytes of a client secret */
#define INTROSPECT_KID_MAX	128

enum introspect_auth {
	INTROSPECT_AUTH_BASIC = 0,	/* introspection_client_secret_file */
	INTROSPECT_AUTH_JWT		/* introspection_client_key_file */
};

/* The client's credentials, read once at start-up, wiped at the end. */
struct introspect_cred {
	enum introspect_auth	 kind;
	char			*basic;		/* "Authorization: Basic ..." */
	unsigned char		 sk[crypto_sign_SECRETKEYBYTES];
	char			 kid[INTROSPECT_KID_MAX + 1]; /* "": none */
};

/*
 * in as application/x-www-form-urlencoded (the HTML form encoding RFC
 * 6749 appendix B names): ALPHA, DIGIT and "-._*" kept, space as "+",
 * every other byte %XX.  The length written (NUL added), or -1 when
 * out cannot hold it.
 */
long	 introspect_form_escape(char *out, size_t cap, const char *in,
	    size_t len);
/* "Authorization: Basic " base64(escape(id) ":" escape(secret)). */
char	*introspect_basic_header(const char *id, const char *secret,
	    size_t slen);
/*
 * Loads the configured credentials: the secret (mode 0600, one final
 * newline ignored) or the private Ed25519 JWK ("d", optional "x" and
 * "kid"; mode 0600), as nv-token keygen writes it.
 */
int	 introspect_cred_load(struct introspect_cred *, const char *id,
	    const char *secret_file, const char *key_file, char *err,
	    size_t errlen);
/*
 * A new client assertion (RFC 7523 section 3): iss = sub = client id,
 * aud = the endpoint, a random jti, iat now and exp a minute later,
 * signed EdDSA.  Written into out; -1 when it does not fit.
 */
int	 introspect_assertion(const struct introspect_cred *, const char *id,
	    const char *endpoint, time_t now, char *out, size_t cap);
void	 introspect_cred_free(struct introspect_cred *);

#endif
