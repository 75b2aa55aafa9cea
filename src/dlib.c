/*
 * The one dlopen(3) loop behind dlcurl.c and dlcrypto.c.  A library
 * loaded here stays loaded for the process's life: OpenSSL and libcurl
 * keep state (their global init) that outlives any one caller.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dlib.h"

int
dlib_open(const char *soname, const struct dlib_sym *syms, size_t n,
    void *table, char *err, size_t errlen)
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
	for (i = 0; i < n; i++) {
		if ((fn = dlsym(lib, syms[i].name)) == NULL) {
			snprintf(err, errlen, "%s has no %s", soname,
			    syms[i].name);
			dlclose(lib);
			return -1;
		}
		/* POSIX: a function's address fits in a data pointer. */
		memcpy((char *)table + syms[i].off, &fn, sizeof(fn));
	}
	return 0;
}

void *
dlib_load(struct dlib *d, char *err, size_t errlen)
{
	if (!d->loaded) {
		if (dlib_open(d->soname, d->syms, d->n, d->table, err,
		    errlen) == -1)
			return NULL;
		d->loaded = 1;
	}
	return d->table;
}

void *
dlib_loaded(const struct dlib *d)
{
	return d->loaded ? d->table : NULL;
}
