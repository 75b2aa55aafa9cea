/*
 * The FastCGI + Ed25519 floor: the FastCGI floor plus the one thing a
 * token check cannot skip, one crypto_sign_verify_detached over a
 * message as long as a token's signing input (argument 1, in bytes).
 * nv-fcgi is measured against this.
 *
 * Ed25519 verification takes a time that depends on the signature, by
 * a few per cent.  nv-fcgi checks a different token on every request,
 * so this floor cycles through NSIG signatures over as many messages
 * rather than checking one (whose cost would be one draw, a different
 * one in every worker and every run).  Keys and messages come from a
 * fixed seed, so every run checks the same signatures.
 */
#include <stdio.h>
#include <stdlib.h>

#include <fcgiapp.h>
#include <sodium.h>

#define BODY_MAX	4096
#define MSG_MAX		8192
#define NSIG		64

static const char answer[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "Content-Length: 34\r\n"
    "\r\n"
    "{\"devicePhoneNumberVerified\":true}";

static const char failed[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static unsigned char	 sigs[NSIG][crypto_sign_BYTES];

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	 seed[randombytes_SEEDBYTES];
	unsigned char	*msgs, *m;
	char		 body[BODY_MAX];
	size_t		 len = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
	size_t		 i, j, next = 0;

	if (len == 0 || len > MSG_MAX || sodium_init() < 0 ||
	    (msgs = malloc(NSIG * len)) == NULL) {
		fprintf(stderr, "usage: floor_sig [message-length <= %d]\n",
		    MSG_MAX);
		return 64;
	}
	crypto_hash_sha256(seed, (const unsigned char *)"nv-bench-floor",
	    14);
	crypto_sign_seed_keypair(pk, sk, seed);
	for (i = 0; i < NSIG; i++) {
		/* base64url-like printable bytes, as a token's signing input. */
		m = msgs + i * len;
		seed[0] ^= (unsigned char)(i + 1);
		randombytes_buf_deterministic(m, len, seed);
		for (j = 0; j < len; j++)
			m[j] = (unsigned char)('A' + m[j] % 26);
		crypto_sign_detached(sigs[i], NULL, m, len, sk);
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		while (FCGX_GetStr(body, sizeof(body), r.in) > 0)
			continue;
		if (crypto_sign_verify_detached(sigs[next], msgs + next * len,
		    len, pk) == 0)
			FCGX_PutStr(answer, sizeof(answer) - 1, r.out);
		else
			FCGX_PutStr(failed, sizeof(failed) - 1, r.out);
		next = (next + 1) % NSIG;
		FCGX_Finish_r(&r);
	}
	return 0;
}
