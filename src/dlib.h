/*
 * Libraries loaded with dlopen(3) when first needed instead of linked:
 * each fills a table of function pointers from a list of symbols.  A
 * linked library costs every process its mapping and relocation, used
 * or not (bench/RESULTS.md: libcurl's thirty libraries, OpenSSL's
 * twenty thousand relocations).
 */
#ifndef NV_DLIB_H
#define NV_DLIB_H

#include <stddef.h>

/* One function: its name in the library, its place in the table. */
struct dlib_sym {
	const char	*name;
	size_t		 off;
};

/* A table member with the library's own prototype, and its entry. */
#define DLIB_MEMBER(f)		__typeof__(f) *f;
#define DLIB_SYM(type, f)	{ #f, offsetof(type, f) },

/*
 * Loads soname (RTLD_NOW | RTLD_LOCAL) and writes the address of each
 * of the n symbols into table at its offset.  -1 with err naming the
 * library and what is missing; the library is then closed again.
 * Before the sandbox: it opens and maps files.
 */
int	dlib_open(const char *soname, const struct dlib_sym *, size_t n,
	    void *table, char *err, size_t errlen);

/* A library loaded once for the process: its table, filled or not. */
struct dlib {
	const char		*soname;
	const struct dlib_sym	*syms;
	size_t			 n;
	void			*table;
	int			 loaded;
};

/* d's table, loaded by dlib_open() on the first call; NULL with err. */
void	*dlib_load(struct dlib *d, char *err, size_t errlen);
/* d's table once loaded, else NULL: loads nothing. */
void	*dlib_loaded(const struct dlib *d);

#endif
