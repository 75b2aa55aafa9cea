/*
 * Fuzz target: the decryption key set parser (deckeys_parse), read
 * both as a set and with DECKEYS_SINGLE (a set, or one bare JWK), and
 * the lookup by key id over whatever it accepted.
 *
 * Checked: a failure says why and leaves an empty set; every key's
 * public half is its private half's; every key with a kid is found by
 * it, and no kid finds a key only in a set of one; whatever parses as
 * a set parses the same with DECKEYS_SINGLE.
 */
#include <string.h>

#include <sodium.h>

#include "common.h"
#include "deckeys.h"

static int
parse(struct deckeys *set, const uint8_t *data, size_t size, int flags)
{
	unsigned char	 pk[crypto_scalarmult_BYTES];
	char		 err[256];
	size_t		 i;

	err[0] = '\0';
	if (deckeys_parse(set, (const char *)data, size, flags, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || set->keys != NULL || set->n != 0)
			__builtin_trap();	/* silent, or not empty */
		return -1;
	}
	if (set->n == 0 || set->n > DECKEYS_MAX || set->keys == NULL)
		__builtin_trap();
	for (i = 0; i < set->n; i++) {
		crypto_scalarmult_base(pk, set->keys[i].sk);
		if (memcmp(pk, set->keys[i].pk, sizeof(pk)) != 0)
			__builtin_trap();
		if (set->keys[i].has_kid && deckeys_find(set,
		    set->keys[i].kid, strlen(set->keys[i].kid)) !=
		    &set->keys[i])
			__builtin_trap();	/* a key it cannot find */
	}
	/* A JWE must name its key, even in a set of one (issue 12, 7). */
	if (deckeys_find(set, NULL, 0) != NULL)
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deckeys	 set, single;
	int		 rc;
	size_t		 i;

	(void)fuzz_env();	/* sodium_init */
	rc = parse(&set, data, size, 0);
	if (parse(&single, data, size, DECKEYS_SINGLE) == 0) {
		if (rc == 0) {
			if (single.n != set.n)
				__builtin_trap();
			for (i = 0; i < set.n; i++)
				if (memcmp(&set.keys[i], &single.keys[i],
				    sizeof(set.keys[i])) != 0)
					__builtin_trap();
		}
		deckeys_free(&single);
	} else if (rc == 0)
		__builtin_trap();	/* a set refused as a set-or-key */
	if (rc == 0)
		deckeys_free(&set);
	return 0;
}
