/*
 * Fuzz target: the key set parser (jwks_parse) and the lookup by key
 * id over whatever set it accepted.
 */
#include <string.h>

#include <sodium.h>

#include "common.h"
#include "jwks.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jwks	 set;
	char		 err[256];
	size_t		 i;

	if (sodium_init() < 0)
		return 0;
	err[0] = '\0';
	if (jwks_parse(&set, (const char *)data, size, SIG_ALL, err,
	    sizeof(err)) == 0) {
		for (i = 0; i < set.n; i++)
			if (set.keys[i].has_kid &&
			    jwks_find(&set, set.keys[i].kid,
			    strlen(set.keys[i].kid)) == NULL)
				__builtin_trap();	/* a key it cannot find */
		(void)jwks_find(&set, NULL, 0);
		jwks_free(&set);
	} else if (err[0] == '\0')
		__builtin_trap();	/* a failure must say why */
	return 0;
}
