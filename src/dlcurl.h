/*
 * libcurl, loaded when first needed rather than linked: only nv-fcgi
 * with an introspection endpoint, and nv-keysync, talk HTTP, and
 * libcurl brings some thirty libraries (GnuTLS, Kerberos, LDAP, ...)
 * that every other worker would map, relocate and keep for nothing.
 */
#ifndef NV_DLCURL_H
#define NV_DLCURL_H

#include <stddef.h>

#include <curl/curl.h>

/* The functions http.c calls, with libcurl's own prototypes. */
struct dlcurl {
	__typeof__(curl_global_init)	*global_init;
	__typeof__(curl_global_cleanup)	*global_cleanup;
	__typeof__(curl_easy_init)	*easy_init;
	__typeof__(curl_easy_cleanup)	*easy_cleanup;
	__typeof__(curl_easy_reset)	*easy_reset;
	__typeof__(curl_easy_setopt)	*easy_setopt;
	__typeof__(curl_easy_perform)	*easy_perform;
	__typeof__(curl_easy_getinfo)	*easy_getinfo;
	__typeof__(curl_slist_append)	*slist_append;
	__typeof__(curl_slist_free_all)	*slist_free_all;
	__typeof__(curl_url)		*url;
	__typeof__(curl_url_set)	*url_set;
	__typeof__(curl_url_get)	*url_get;
	__typeof__(curl_url_cleanup)	*url_cleanup;
	__typeof__(curl_free)		*free;
};

/*
 * The table, loading NV_LIBCURL_SONAME on the first call; NULL with err
 * saying why when the library or one of its functions is missing.  Call
 * it before the sandbox: it opens and maps files.  The library stays
 * loaded for the process's life.
 */
const struct dlcurl	*dlcurl_load(char *err, size_t errlen);
/* Fills t from the library named soname: dlcurl_load's one step. */
int			 dlcurl_open(struct dlcurl *t, const char *soname,
			    char *err, size_t errlen);

#endif
