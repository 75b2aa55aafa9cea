/*
 * Loads OpenSSL's libcrypto and libssl with dlopen(3) the first time
 * they are needed.  Each table is filled once and never changes after:
 * the workers are single-threaded and load before their sandbox.
 */
#include "dlcrypto.h"

#define DLCRYPTO_SYM(f)	DLIB_SYM(struct dlcrypto, f)
#define DLSSL_SYM(f)	DLIB_SYM(struct dlssl, f)

static const struct dlib_sym dlcrypto_syms[] = {
	DLCRYPTO_FNS(DLCRYPTO_SYM)
};

static const struct dlib_sym dlssl_syms[] = {
	DLSSL_FNS(DLSSL_SYM)
};

static struct dlcrypto	dlcrypto_table;
static int		dlcrypto_loaded;

const struct dlcrypto *
dlcrypto_load(char *err, size_t errlen)
{
	if (!dlcrypto_loaded) {
		if (dlib_open(NV_LIBCRYPTO_SONAME, dlcrypto_syms,
		    sizeof(dlcrypto_syms) / sizeof(dlcrypto_syms[0]),
		    &dlcrypto_table, err, errlen) == -1)
			return NULL;
		dlcrypto_loaded = 1;
	}
	return &dlcrypto_table;
}

const struct dlcrypto *
dlcrypto(void)
{
	return dlcrypto_loaded ? &dlcrypto_table : NULL;
}

static struct dlssl	dlssl_table;
static int		dlssl_loaded;

const struct dlssl *
dlssl_load(char *err, size_t errlen)
{
	/* libssl needs libcrypto, and redis_tls.c calls both. */
	if (dlcrypto_load(err, errlen) == NULL)
		return NULL;
	if (!dlssl_loaded) {
		if (dlib_open(NV_LIBSSL_SONAME, dlssl_syms,
		    sizeof(dlssl_syms) / sizeof(dlssl_syms[0]), &dlssl_table,
		    err, errlen) == -1)
			return NULL;
		dlssl_loaded = 1;
	}
	return &dlssl_table;
}

const struct dlssl *
dlssl(void)
{
	return dlssl_loaded ? &dlssl_table : NULL;
}
