/*
 * Loads libcurl with dlopen(3) the first time it is needed.  Linked,
 * libcurl and the libraries it needs added 27 shared objects and about
 * 4 MiB of resident memory to every worker, which no worker without an
 * introspection endpoint ever uses (bench/RESULTS.md).  The table is
 * filled once and never changes: the workers are single-threaded, and
 * nv-keysync loads it before its loop.
 */
#include "dlcurl.h"

#define DLCURL_SYM(f)	DLIB_SYM(struct dlcurl, f)

static const struct dlib_sym dlcurl_syms[] = {
	DLCURL_FNS(DLCURL_SYM)
};

int
dlcurl_open(struct dlcurl *t, const char *soname, char *err, size_t errlen)
{
	return dlib_open(soname, dlcurl_syms,
	    sizeof(dlcurl_syms) / sizeof(dlcurl_syms[0]), t, err, errlen);
}

const struct dlcurl *
dlcurl_load(char *err, size_t errlen)
{
	static struct dlcurl	table;
	static struct dlib	lib = { NV_LIBCURL_SONAME, dlcurl_syms,
				    sizeof(dlcurl_syms) / sizeof(dlcurl_syms[0]),
				    &table, 0 };

	return dlib_load(&lib, err, errlen);
}
