/*
 * Loads libcurl with dlopen(3) the first time it is needed.  Linked,
 * libcurl and the libraries it needs added 27 shared objects and about
 * 4 MiB of resident memory to every worker, which no worker without an
 * introspection endpoint ever uses (bench/RESULTS.md).  The table is
 * filled once and never changes: the workers are single-threaded, and
 * nv-keysync loads it before its loop.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dlcurl.h"

/* Each entry: a symbol and where its address goes in the table. */
#define DLCURL_FN(f, sym)	{ sym, offsetof(struct dlcurl, f) }

static const struct {
	const char	*sym;
	size_t		 off;
} dlcurl_fns[] = {
	DLCURL_FN(global_init, "curl_global_init"),
	DLCURL_FN(global_cleanup, "curl_global_cleanup"),
	DLCURL_FN(easy_init, "curl_easy_init"),
	DLCURL_FN(easy_cleanup, "curl_easy_cleanup"),
	DLCURL_FN(easy_reset, "curl_easy_reset"),
	DLCURL_FN(easy_setopt, "curl_easy_setopt"),
	DLCURL_FN(easy_perform, "curl_easy_perform"),
	DLCURL_FN(easy_getinfo, "curl_easy_getinfo"),
	DLCURL_FN(slist_append, "curl_slist_append"),
	DLCURL_FN(slist_free_all, "curl_slist_free_all"),
	DLCURL_FN(url, "curl_url"),
	DLCURL_FN(url_set, "curl_url_set"),
	DLCURL_FN(url_get, "curl_url_get"),
	DLCURL_FN(url_cleanup, "curl_url_cleanup"),
	DLCURL_FN(free, "curl_free"),
};

_Static_assert(sizeof(dlcurl_fns) / sizeof(dlcurl_fns[0]) *
    sizeof(void (*)(void)) == sizeof(struct dlcurl),
    "every member of struct dlcurl has its symbol");

int
dlcurl_open(struct dlcurl *t, const char *soname, char *err, size_t errlen)
{
	void		*lib, *fn;
	const char	*why;
	size_t		 i;

	/* RTLD_LOCAL: its symbols stay out of the way of ours. */
	if ((lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		why = dlerror();
		snprintf(err, errlen, "cannot load %s: %s", soname,
		    why != NULL ? why : "unknown error");
		return -1;
	}
	for (i = 0; i < sizeof(dlcurl_fns) / sizeof(dlcurl_fns[0]); i++) {
		if ((fn = dlsym(lib, dlcurl_fns[i].sym)) == NULL) {
			snprintf(err, errlen, "%s has no %s", soname,
			    dlcurl_fns[i].sym);
			dlclose(lib);
			return -1;
		}
		/* POSIX: a function's address fits in a data pointer. */
		memcpy((char *)t + dlcurl_fns[i].off, &fn, sizeof(fn));
	}
	return 0;
}

const struct dlcurl *
dlcurl_load(char *err, size_t errlen)
{
	static struct dlcurl	 table;
	static int		 loaded;

	if (!loaded) {
		if (dlcurl_open(&table, NV_LIBCURL_SONAME, err, errlen) == -1)
			return NULL;
		loaded = 1;
	}
	return &table;
}
