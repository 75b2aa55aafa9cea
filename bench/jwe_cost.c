/*
 * bench/jwe_cost: the worker CPU an encrypted (nested) token costs
 * over a signed one, per request, measured in-process around
 * service_handle so that process start and I/O do not blur it.  Run by
 * hand (make bench-jwe), never by make check: timing is measured here,
 * not asserted.  Usage: bench/jwe_cost [-n REQUESTS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "b64.h"
#include "config.h"
#include "deckeys.h"
#include "jwe.h"
#include "jwks.h"
#include "service.h"
#include "token.h"

#define BENCH_DEFAULT_N	2000
#define BENCH_MAX_N	200000
#define BENCH_MAX_SEC	20.0	/* per measured loop, whatever -n says */

static double
cpu_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
b64(const void *in, size_t len)
{
	static char	 buf[4][2048];
	static int	 i;

	i = (i + 1) % 4;
	if (b64url_encode(buf[i], sizeof(buf[i]), in, len) == 0)
		abort();
	return buf[i];
}

/* A signed token as nv-token mints it: EdDSA, at+jwt, the usual claims. */
static char *
mint(const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char	 sig[crypto_sign_BYTES];
	char		 hdr[256], pl[512], *input, *tok;
	time_t		 now = time(NULL);

	snprintf(hdr, sizeof(hdr),
	    "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"sig1\"}");
	snprintf(pl, sizeof(pl), "{\"iss\":\"https://op.example\","
	    "\"aud\":\"nv\",\"sub\":\"bench\",\"iat\":%lld,\"exp\":%lld,"
	    "\"jti\":\"bench-1\",\"scope\":\"number-verification:verify "
	    "number-verification:device-phone-number:read\","
	    "\"amr\":[\"nba\"],\"phone_number\":\"+34600000001\"}",
	    (long long)now, (long long)now + 3600);
	if (asprintf(&input, "%s.%s", b64(hdr, strlen(hdr)),
	    b64(pl, strlen(pl))) == -1)
		abort();
	crypto_sign_detached(sig, NULL, (unsigned char *)input, strlen(input),
	    sk);
	if (asprintf(&tok, "%s.%s", input, b64(sig, sizeof(sig))) == -1)
		abort();
	free(input);
	return tok;
}

/* CPU seconds per service_handle of one GET with this token. */
static double
per_request(const struct service *svc, const char *tok, long n, long *done)
{
	struct request		 req;
	struct response		 resp;
	struct service_outcome	 oc;
	char			 auth[JWE_MAX + 16];
	double			 t0, t;
	long			 i;

	memset(&req, 0, sizeof(req));
	snprintf(auth, sizeof(auth), "Bearer %s", tok);
	req.var[RV_METHOD] = "GET";
	req.var[RV_SCRIPT_NAME] = "/number-verification/v0/device-phone-number";
	req.var[RV_AUTHORIZATION] = auth;
	req.var[RV_ACCEPT] = "application/json";
	t0 = cpu_now();
	for (i = 0; i < n; i++) {
		service_handle(svc, &req, time(NULL), &resp, &oc);
		if (resp.status != 200) {
			fprintf(stderr, "jwe_cost: status %d (%s)\n",
			    resp.status, oc.detail != NULL ? oc.detail : "-");
			exit(1);
		}
		if ((i & 63) == 0 && cpu_now() - t0 > BENCH_MAX_SEC) {
			i++;
			break;
		}
	}
	t = cpu_now() - t0;
	*done = i;
	return t / (double)i;
}

/* CPU seconds per call of one step alone, for the breakdown. */
static double
per_call_x25519(const unsigned char sk[32], const unsigned char pk[32],
    long n)
{
	unsigned char	 z[32];
	double		 t0 = cpu_now();
	long		 i;

	for (i = 0; i < n; i++)
		if (jwe_x25519(z, sk, pk) != 0)
			abort();
	return (cpu_now() - t0) / (double)n;
}

static double
per_call_verify(const struct service *svc, const char *tok, long n)
{
	struct token_result	 tr;
	double			 t0 = cpu_now();
	long			 i;

	for (i = 0; i < n; i++)
		if (token_verify(svc->auth.cfg, svc->auth.keys, tok, strlen(tok),
		    time(NULL), &tr) != TOKEN_OK)
			abort();
	return (cpu_now() - t0) / (double)n;
}

static double
per_call_decrypt(const struct deckeys *dk, const char *tok, long n)
{
	char		 out[TOKEN_MAX + 1];
	size_t		 len;
	double		 t0 = cpu_now();
	long		 i;

	for (i = 0; i < n; i++)
		if (jwe_decrypt(dk, tok, strlen(tok), out, sizeof(out), &len)
		    != JWE_OK)
			abort();
	return (cpu_now() - t0) / (double)n;
}

int
main(int argc, char *argv[])
{
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	 xsk[32], xpk[32];
	char		 json[1024], err[256], *jws, *jwe;
	char		*amr[] = { (char *)(uintptr_t)"nba" };
	struct config	 cfg;
	struct jwks	 keys;
	struct deckeys	 dk;
	struct service	 svc;
	double		 s, e, x, d, v;
	long		 n = BENCH_DEFAULT_N, ns, ne;
	int		 ch;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n' || (n = atol(optarg)) < 1 || n > BENCH_MAX_N) {
			fprintf(stderr, "usage: jwe_cost [-n 1..%d]\n",
			    BENCH_MAX_N);
			return 64;
		}
	}
	if (sodium_init() < 0 || !crypto_aead_aes256gcm_is_available()) {
		fprintf(stderr, "jwe_cost: libsodium or AES-GCM missing\n");
		return 1;
	}
	crypto_sign_keypair(pk, sk);
	randombytes_buf(xsk, sizeof(xsk));
	crypto_scalarmult_base(xpk, xsk);
	snprintf(json, sizeof(json), "{\"keys\":[{\"kty\":\"OKP\","
	    "\"crv\":\"Ed25519\",\"kid\":\"sig1\",\"x\":\"%s\"}]}",
	    b64(pk, sizeof(pk)));
	if (jwks_parse(&keys, json, strlen(json), SIG_ALL, err, sizeof(err)) == -1)
		goto fail;
	snprintf(json, sizeof(json), "{\"keys\":[{\"kty\":\"OKP\","
	    "\"crv\":\"X25519\",\"kid\":\"enc1\",\"d\":\"%s\"}]}",
	    b64(xsk, sizeof(xsk)));
	if (deckeys_parse(&dk, json, strlen(json), 0, err, sizeof(err)) == -1)
		goto fail;
	memset(&cfg, 0, sizeof(cfg));
	cfg.issuer = (char *)(uintptr_t)"https://op.example";
	cfg.audience = (char *)(uintptr_t)"nv";
	cfg.leeway = 30;
	cfg.phone_claim = (char *)(uintptr_t)"phone_number";
	cfg.network_amr[0] = amr[0];
	cfg.n_amr = 1;
	cfg.api_version = API_V0;
	cfg.signing_algs = SIG_ALL;
	memset(&svc, 0, sizeof(svc));
	svc.auth.cfg = &cfg;
	svc.auth.keys = &keys;
	svc.auth.deckeys = &dk;
	jws = mint(sk);
	if (jwe_encrypt(&jwe, xpk, "enc1", jws, strlen(jws)) != JWE_OK)
		goto fail;

	/* A warm-up of each, then the measured loops. */
	per_request(&svc, jws, n / 10 + 1, &ns);
	per_request(&svc, jwe, n / 10 + 1, &ne);
	s = per_request(&svc, jws, n, &ns);
	e = per_request(&svc, jwe, n, &ne);
	x = per_call_x25519(xsk, xpk, n);
	d = per_call_decrypt(&dk, jwe, n);
	v = per_call_verify(&svc, jws, n);
	printf("libsodium %s, AES-GCM %s\n", sodium_version_string(),
	    crypto_aead_aes256gcm_is_available() ? "yes" : "no");
	printf("signed token (%zu bytes):    %8.1f us CPU per request "
	    "(%ld requests)\n", strlen(jws), s * 1e6, ns);
	printf("encrypted token (%zu bytes): %8.1f us CPU per request "
	    "(%ld requests)\n", strlen(jwe), e * 1e6, ne);
	printf("extra per encrypted request: %8.1f us\n", (e - s) * 1e6);
	printf("ratio encrypted/signed:      %8.2f (goal < 1.50)\n", e / s);
	printf("of which jwe_decrypt:        %8.1f us (X25519 %.1f us)\n",
	    d * 1e6, x * 1e6);
	printf("token_verify (both kinds):   %8.1f us (Ed25519, claims)\n",
	    v * 1e6);
	free(jws);
	free(jwe);
	deckeys_free(&dk);
	jwks_free(&keys);
	return 0;
fail:
	fprintf(stderr, "jwe_cost: %s\n", err);
	return 1;
}
