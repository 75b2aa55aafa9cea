/*
 * Fuzz target: raw bytes as a compact JWS, through token_verify (the
 * segment split, base64url, the protected header, the key lookup and
 * the signature check).  Without the key few inputs pass the
 * signature: fuzz_token_claims covers what lies beyond.
 */
#include "common.h"
#include "token.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_env	*e = fuzz_env();
	struct token_result	 tr;

	(void)token_verify(&e->cfg, &e->keys, (const char *)data, size,
	    FUZZ_NOW, &tr);
	return 0;
}
