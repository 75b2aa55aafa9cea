/*
 * Fuzz target: the claim checks behind a valid signature.  The input
 * is the claim set (any bytes); the first byte picks one of a few
 * protected headers.  The target signs it with the key of the set,
 * so token_verify always gets to claims_check.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "token.h"

static const char *const headers[] = {
	"{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" FUZZ_KID "\"}",
	"{\"alg\":\"EdDSA\",\"kid\":\"" FUZZ_KID "\"}",
	"{\"alg\":\"Ed25519\",\"typ\":\"JWT\"}",
	"{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" FUZZ_KID
	    "\",\"crit\":[\"x\"]}",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_env	*e = fuzz_env();
	struct token_result	 tr;
	const char		*h;
	char			*tok;
	size_t			 n, max;

	if (size == 0)
		return 0;
	h = headers[data[0] % (sizeof(headers) / sizeof(headers[0]))];
	max = (size - 1) / 3 * 4 + strlen(h) * 2 + 200;
	if ((tok = malloc(max)) == NULL)
		return 0;
	n = fuzz_sign(h, strlen(h), data + 1, size - 1, tok, max);
	if (n > 0 && token_verify(&e->cfg, &e->keys, tok, n, FUZZ_NOW,
	    &tr) == TOKEN_BAD_SIGNATURE)
		__builtin_trap();	/* our own signature refused */
	free(tok);
	return 0;
}
