/*
 * Preloaded into nv-fcgi by tests/jwe/keyfile.test: a CPU without
 * AES-GCM, as libsodium would report it, to test the start-up refusal.
 */
#include <sodium.h>

int
crypto_aead_aes256gcm_is_available(void)
{
	return 0;
}
