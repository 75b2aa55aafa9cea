/*
 * Fuzz target: the encrypted token, jwe_decrypt, with the fixed
 * decryption key FUZZ_ENC_KID (fuzz/common.c).  Two shapes of input:
 *
 *  - anything not starting with '{' is the compact JWE itself: split,
 *    base64url, the header parser, epk, apu and apv, the key lookup,
 *    X25519, the Concat KDF and the AES-GCM open;
 *  - '{' starts a protected header in JSON, up to the first newline;
 *    what follows is the plaintext.  The target encrypts it under that
 *    header (fuzz_seal: a fixed ephemeral key, FUZZ_EPK_X, no apu or
 *    apv), so mutations of the header itself reach past the tag when
 *    its checks pass.  (A compact JWE never starts with '{'.)
 *
 * Checked on every answer: success writes a NUL-terminated plaintext
 * that fits, and, in the second shape, is the plaintext sealed; a
 * failure leaves nothing in the output.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "jwe.h"
#include "token.h"

#define OUT_MAX	(TOKEN_MAX + 1)		/* what auth_token gives it */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct deckeys	*keys = fuzz_deckeys(1);
	static char		 out[OUT_MAX];
	char			*tok = NULL;
	const char		*in = (const char *)data;
	const uint8_t		*nl, *plain = NULL;
	size_t			 len = size, plen = 0, outlen = 1, i;
	enum jwe_err		 rc;

	if (size > 0 && data[0] == '{') {
		nl = memchr(data, '\n', size);
		len = nl != NULL ? (size_t)(nl - data) : size;
		plain = nl != NULL ? nl + 1 : data + size;
		plen = (size_t)(data + size - plain);
		if ((tok = malloc(JWE_MAX + 2)) == NULL)
			return 0;
		if ((len = fuzz_seal(in, len, plain, plen, tok,
		    JWE_MAX + 2)) == 0) {
			free(tok);
			return 0;
		}
		in = tok;
	}
	memset(out, 0, sizeof(out));
	rc = jwe_decrypt(keys, in, len, out, sizeof(out), &outlen);
	if ((unsigned)rc >= JWE__MAX || jwe_strerror(rc) == NULL)
		__builtin_trap();
	if (rc == JWE_OK) {
		if (outlen == 0 || outlen >= sizeof(out) || out[outlen] != '\0')
			__builtin_trap();
		if (tok != NULL && (outlen != plen ||
		    memcmp(out, plain, plen) != 0))
			__builtin_trap();	/* not what was sealed */
	} else {
		if (outlen != 0)
			__builtin_trap();
		for (i = 0; i < sizeof(out); i++)
			if (out[i] != '\0')
				__builtin_trap();	/* a failure left bytes */
	}
	free(tok);
	return 0;
}
