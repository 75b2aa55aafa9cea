/*
 * The FastCGI + Ed25519 floor: the FastCGI floor plus the one thing a
 * token check cannot skip, one crypto_sign_verify_detached over a
 * message as long as a token's signing input (argument 1, in bytes).
 * nv-fcgi is measured against this.
 */
#include <stdio.h>
#include <stdlib.h>

#include <fcgiapp.h>
#include <sodium.h>

#define BODY_MAX	4096
#define MSG_MAX		8192

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

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	 sig[crypto_sign_BYTES], msg[MSG_MAX];
	char		 body[BODY_MAX];
	size_t		 len = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;

	if (len == 0 || len > sizeof(msg) || sodium_init() < 0) {
		fprintf(stderr, "usage: floor_sig [message-length <= %d]\n",
		    MSG_MAX);
		return 64;
	}
	/* base64url-like printable bytes, as a token's signing input. */
	randombytes_buf(msg, len);
	for (size_t i = 0; i < len; i++)
		msg[i] = (unsigned char)('A' + msg[i] % 26);
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, len, sk);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		while (FCGX_GetStr(body, sizeof(body), r.in) > 0)
			continue;
		if (crypto_sign_verify_detached(sig, msg, len, pk) == 0)
			FCGX_PutStr(answer, sizeof(answer) - 1, r.out);
		else
			FCGX_PutStr(failed, sizeof(failed) - 1, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
