/*
 * Loads OpenSSL's libcrypto and libssl with dlopen(3) the first time
 * they are needed.  Each table is filled once and never changes after:
 * the workers are single-threaded and load before their sandbox.
 */
#include "dlcrypto.h"

#define DLCRYPTO_SYM(f)	DLIB_SYM(struct dlcrypto, f)
#define DLSSL_SYM(f)	DLIB_SYM(struct dlssl, f)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct dlib_sym dlcrypto_syms[] = {
	DLCRYPTO_FNS(DLCRYPTO_SYM)
};

static const struct dlib_sym dlssl_syms[] = {
	DLSSL_FNS(DLSSL_SYM)
};

static struct dlcrypto	dlcrypto_table;
static struct dlssl	dlssl_table;
static struct dlib	dlcrypto_lib = { NV_LIBCRYPTO_SONAME, dlcrypto_syms,
			    NELEM(dlcrypto_syms), &dlcrypto_table, 0 };
static struct dlib	dlssl_lib = { NV_LIBSSL_SONAME, dlssl_syms,
			    NELEM(dlssl_syms), &dlssl_table, 0 };

const struct dlcrypto *
dlcrypto_load(char *err, size_t errlen)
{
	return dlib_load(&dlcrypto_lib, err, errlen);
}

const struct dlcrypto *
dlcrypto(void)
{
	return dlib_loaded(&dlcrypto_lib);
}

const struct dlssl *
dlssl_load(char *err, size_t errlen)
{
	/* libssl needs libcrypto, and redis_tls.c calls both. */
	if (dlcrypto_load(err, errlen) == NULL)
		return NULL;
	return dlib_load(&dlssl_lib, err, errlen);
}

const struct dlssl *
dlssl(void)
{
	return dlib_loaded(&dlssl_lib);
}
