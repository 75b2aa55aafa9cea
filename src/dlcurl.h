/*
 * libcurl, loaded when first needed rather than linked: only nv-fcgi
 * with an introspection endpoint, and nv-keysync, talk HTTP, and
 * libcurl brings some thirty libraries (GnuTLS, Kerberos, LDAP, ...)
 * that every other worker would map, relocate and keep for nothing.
 */
#ifndef NV_DLCURL_H
#define NV_DLCURL_H

#include <stddef.h>

/*
 * Its type-checking macros would expand the table's members of the same
 * names (k->curl_easy_setopt(...)); the prototypes stay.
 */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "dlib.h"

/* The functions http.c calls. */
#define DLCURL_FNS(X) \
	X(curl_global_init) X(curl_global_cleanup) X(curl_easy_init) \
	X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_setopt) \
	X(curl_easy_perform) X(curl_easy_getinfo) X(curl_slist_append) \
	X(curl_slist_free_all) X(curl_url) X(curl_url_set) X(curl_url_get) \
	X(curl_url_cleanup) X(curl_free)

struct dlcurl {
	DLCURL_FNS(DLIB_MEMBER)
};

/*
 * The table, loading NV_LIBCURL_SONAME on the first call; NULL with err
 * saying why when the library or one of its functions is missing.  Call
 * it before the sandbox.
 */
const struct dlcurl	*dlcurl_load(char *err, size_t errlen);
/* Fills t from the library named soname: dlcurl_load's one step. */
int			 dlcurl_open(struct dlcurl *t, const char *soname,
			    char *err, size_t errlen);

#endif
