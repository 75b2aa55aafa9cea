/*
 * Preloaded into nv-token by tests/requests/nv-token.test: strdup(3)
 * fails for the one string named by NV_TEST_FAIL_STRDUP, so that the
 * out-of-memory path after it runs (under valgrind, which then sees
 * anything it leaks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *
strdup(const char *s)
{
	const char	*fail = getenv("NV_TEST_FAIL_STRDUP");
	size_t		 n = strlen(s) + 1;
	char		*p;

	if (fail != NULL && strcmp(s, fail) == 0) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = malloc(n)) != NULL)
		memcpy(p, s, n);
	return p;
}
