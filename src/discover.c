/*
 * The discovery document's checks.  Its issuer must equal the
 * configured one byte for byte (OIDC Discovery section 4.3, RFC 8414
 * section 3.3): otherwise whoever answers at that address could name a
 * key set of another issuer's.  The jwks_uri it names obeys the same
 * rule as a configured one (http.c's http_url_check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "http.h"
#include "jparse.h"

static const char *const discover_messages[DISCOVER__MAX] = {
	[DISCOVER_OK] = "ok",
	[DISCOVER_NOT_JSON] = "discovery document is not a JSON object",
	[DISCOVER_NO_ISSUER] = "discovery document has no issuer",
	[DISCOVER_ISSUER] = "discovery document's issuer is not the "
	    "configured issuer",
	[DISCOVER_NO_JWKS_URI] = "discovery document has no jwks_uri",
	[DISCOVER_BAD_JWKS_URI] = "discovery document's jwks_uri is not "
	    "https:// (nor http:// to a loopback host)",
	[DISCOVER_NOMEM] = "out of memory",
};

const char *
discover_strerror(enum discover_err e)
{
	return (unsigned)e < DISCOVER__MAX ? discover_messages[e] : "?";
}

char *
discover_url(const char *issuer)
{
	char	*url;
	size_t	 n = strlen(issuer);

	/* "https://a.example/" and "https://a.example" find one document. */
	if (n > 0 && issuer[n - 1] == '/')
		n--;
	if (asprintf(&url, "%.*s%s", (int)n, issuer, DISCOVER_PATH) == -1)
		return NULL;
	return url;
}

enum discover_err
discover_check(const char *doc, size_t len, const char *issuer,
    char **jwks_uri)
{
	struct json_object	*o = NULL;
	const char		*iss, *uri;
	char			 why[128];
	size_t			 ilen, ulen;
	enum discover_err	 rc;

	*jwks_uri = NULL;
	if (jparse_object(doc, len, &o) != JPARSE_OK) {
		rc = DISCOVER_NOT_JSON;
		goto out;
	}
	if ((iss = jparse_member(o, "issuer", &ilen, NULL)) == NULL) {
		rc = DISCOVER_NO_ISSUER;
		goto out;
	}
	if (ilen != strlen(issuer) || memcmp(iss, issuer, ilen) != 0) {
		rc = DISCOVER_ISSUER;
		goto out;
	}
	if ((uri = jparse_member(o, "jwks_uri", &ulen, NULL)) == NULL) {
		rc = DISCOVER_NO_JWKS_URI;
		goto out;
	}
	if (http_url_check(uri, why, sizeof(why)) == -1) {
		rc = DISCOVER_BAD_JWKS_URI;
		goto out;
	}
	if ((*jwks_uri = strdup(uri)) == NULL) {
		rc = DISCOVER_NOMEM;
		goto out;
	}
	rc = DISCOVER_OK;
out:
	json_object_put(o);
	return rc;
}
