/*
 * micro: the in-process micro-benchmark.  Token validation alone
 * (token_verify: segments, header, key lookup, signature, claims)
 * against a bare crypto_sign_verify_detached on the same tokens, then
 * the body parser, the number comparisons and the whole pipeline
 * without FastCGI, in nanoseconds per call.  With -b, one benchmark
 * runs alone, counted by callgrind (--collect-atstart=no) and only it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

#include "b64.h"
#include "handlers.h"
#include "jparse.h"
#include "mint.h"
#include "service.h"
#include "token.h"

#define NTOKENS		256
#define REPEATS		9
#define NOW		1700000000L

struct sample {
	char		 tok[1024];
	size_t		 len;
	size_t		 siglen;	/* bytes of header.payload */
	unsigned char	 sig[crypto_sign_BYTES];
	const unsigned char *pk;
	char		 phone[17];
	char		 hex[PHONE_HASH_HEX + 1];
	char		 body[128];
	size_t		 body_len;
	char		 auth[1040];
	char		 clen[16];
	char		 hdr[256];	/* decoded header and payload */
	char		 payload[768];
};

static struct sample	 samples[NTOKENS];
static struct config	 cfg;
static struct jwks	 keys;
static volatile unsigned sink;

static double
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
run_token(size_t i)
{
	struct token_result	 tr;
	struct sample		*s = &samples[i % NTOKENS];

	sink += token_verify(&cfg, &keys, s->tok, s->len, NOW, &tr);
}

static void
run_bare(size_t i)
{
	struct sample	*s = &samples[i % NTOKENS];

	sink += (unsigned)crypto_sign_verify_detached(s->sig,
	    (const unsigned char *)s->tok, s->siglen, s->pk);
}

static void
run_parse(size_t i)
{
	struct verify_body	 vb;
	struct sample		*s = &samples[i % NTOKENS];

	sink += verify_parse(s->body, s->body_len, &vb) != NULL;
}

static void
run_hash(size_t i)
{
	struct sample	*s = &samples[i % NTOKENS];

	sink += phone_hash_equal(s->phone, s->hex, PHONE_HASH_HEX);
}

static void
run_plain(size_t i)
{
	struct sample	*s = &samples[i % NTOKENS];

	sink += phone_equal(s->phone, s->phone, strlen(s->phone));
}

/* The parts of token_verify around the signature, measured alone. */
static void
run_b64(size_t i)
{
	struct sample	*s = &samples[i % NTOKENS];
	unsigned char	 buf[1024];
	const char	*d1 = memchr(s->tok, '.', s->len);
	size_t		 n = 0;

	b64url_decode(buf, sizeof(buf), &n, s->tok, (size_t)(d1 - s->tok));
	sink += (unsigned)n;
	b64url_decode(buf, sizeof(buf), &n, d1 + 1, s->siglen -
	    (size_t)(d1 + 1 - s->tok));
	sink += (unsigned)n;
	b64url_decode(buf, sizeof(buf), &n, s->tok + s->siglen + 1,
	    s->len - s->siglen - 1);
	sink += (unsigned)n;
}

static void
run_json(size_t i)
{
	struct sample		*s = &samples[i % NTOKENS];
	struct json_object	*o;

	if (jparse_object(s->hdr, strlen(s->hdr), &o) == JPARSE_OK)
		sink++;
	json_object_put(o);
	if (jparse_object(s->payload, strlen(s->payload), &o) == JPARSE_OK)
		sink++;
	json_object_put(o);
}

/* Start-up's main work: the key set parsed and every key checked. */
static char	*jwks_json;

static void
run_jwks(size_t i)
{
	struct jwks	 set;
	char		 err[256];

	(void)i;
	if (jwks_parse(&set, jwks_json, strlen(jwks_json), SIG_ALL, err,
	    sizeof(err)) == 0)
		sink += (unsigned)set.n;
	jwks_free(&set);
}

struct mem_reader {
	const char	*p;
	size_t		 left;
};

static ssize_t
read_mem(void *ctx, char *buf, size_t len)
{
	struct mem_reader	*m = ctx;

	if (len > m->left)
		len = m->left;
	memcpy(buf, m->p, len);
	m->p += len;
	m->left -= len;
	return (ssize_t)len;
}

/* The whole request pipeline and the serialized answer, no FastCGI. */
static void
run_service(size_t i)
{
	struct sample			*s = &samples[i % NTOKENS];
	struct service			 svc;
	struct request			 req;
	struct response			 resp;
	struct service_outcome		 oc;
	struct mem_reader		 m = { s->body, s->body_len };
	char				 out[RESPONSE_MAX];

	memset(&svc, 0, sizeof(svc));
	svc.auth.cfg = &cfg;
	svc.auth.keys = &keys;
	memset(&req, 0, sizeof(req));
	req.var[RV_METHOD] = "POST";
	req.var[RV_SCRIPT_NAME] = "/nv";
	req.var[RV_PATH_INFO] = "/verify";
	req.var[RV_REQUEST_URI] = "/nv/verify";
	req.var[RV_AUTHORIZATION] = s->auth;
	req.var[RV_ACCEPT] = "application/json";
	req.var[RV_CONTENT_TYPE] = "application/json";
	req.var[RV_CONTENT_LENGTH] = s->clen;
	req.read = read_mem;
	req.read_ctx = &m;
	req.body_until_eof = 1;
	service_handle(&svc, &req, NOW, &resp, &oc);
	sink += (unsigned)response_serialize(&resp, out, sizeof(out));
	if (resp.status != 200 || strstr(resp.body, "true") == NULL) {
		fprintf(stderr, "micro: service answered %d %s\n",
		    resp.status, resp.body);
		exit(1);
	}
}

static const struct bench {
	const char	*name;
	void		 (*run)(size_t);
	int		 heavy;	/* 1: a signature check, 2: many */
	const char	*what;
} benches[] = {
	{ "token", run_token, 1, "token_verify (parse, key, verify, claims)" },
	{ "bare", run_bare, 1, "crypto_sign_verify_detached alone" },
	{ "b64", run_b64, 0, "b64url_decode of the three segments" },
	{ "json", run_json, 0, "jparse_object of header and payload" },
	{ "parse", run_parse, 0, "verify_parse (POST /verify body)" },
	{ "hash", run_hash, 0, "phone_hash_equal (hashedPhoneNumber)" },
	{ "plain", run_plain, 0, "phone_equal (phoneNumber)" },
	{ "jwks", run_jwks, 2, "jwks_parse of the key set (start-up)" },
	{ "service", run_service, 1, "service_handle + response_serialize" },
};
#define NBENCH	(sizeof(benches) / sizeof(benches[0]))

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* n calls of b, in ns per call. */
static double
measure(const struct bench *b, size_t n)
{
	double	 t0 = now_ns();
	size_t	 i;

	for (i = 0; i < n; i++)
		b->run(i);
	return (now_ns() - t0) / (double)n;
}

static int
setup(size_t nkeys)
{
	struct bench_keys	 ks;
	struct token_result	 tr;
	struct verify_body	 vb;
	struct sample		*s;
	const char		*dot, *d1;
	char			*json, err[256];
	static char		 issuer[] = BENCH_ISSUER;
	static char		 audience[] = BENCH_AUDIENCE;
	static char		 claim[] = "phone_number";
	static char		 nba[] = "nba", mnba[] = "mnba";
	size_t			 i, n;

	memset(&cfg, 0, sizeof(cfg));
	cfg.issuer = issuer;
	cfg.audience = audience;
	cfg.leeway = 30;
	cfg.phone_claim = claim;
	cfg.network_amr[0] = nba;
	cfg.network_amr[1] = mnba;
	cfg.n_amr = 2;
	cfg.api_version = API_V0;
	cfg.signing_algs = SIG_ALL;
	if (bench_keys_make(&ks, nkeys) == -1 ||
	    (json = bench_jwks_json(&ks)) == NULL)
		return -1;
	if (jwks_parse(&keys, json, strlen(json), SIG_ALL, err, sizeof(err)) == -1) {
		fprintf(stderr, "micro: %s\n", err);
		return -1;
	}
	jwks_json = json;
	for (i = 0; i < NTOKENS; i++) {
		s = &samples[i];
		s->len = bench_mint(s->tok, sizeof(s->tok), &ks, i,
		    NOW - 10, NOW + 3600);
		dot = strrchr(s->tok, '.');
		s->siglen = (size_t)(dot - s->tok);
		if (s->len == 0 || b64url_decode(s->sig, sizeof(s->sig), &n,
		    dot + 1, strlen(dot + 1)) != 0)
			return -1;
		d1 = memchr(s->tok, '.', s->len);
		if (b64url_decode((unsigned char *)s->hdr, sizeof(s->hdr) - 1,
		    &n, s->tok, (size_t)(d1 - s->tok)) != 0)
			return -1;
		s->hdr[n] = '\0';
		if (b64url_decode((unsigned char *)s->payload,
		    sizeof(s->payload) - 1, &n, d1 + 1,
		    (size_t)(dot - d1 - 1)) != 0)
			return -1;
		s->payload[n] = '\0';
		s->pk = jwks_find(&keys, ks.k[i % nkeys].kid,
		    strlen(ks.k[i % nkeys].kid))->key.ed25519;
		bench_phone(s->phone, i);
		phone_hash_hex(s->hex, s->phone, strlen(s->phone));
		s->body_len = (size_t)snprintf(s->body, sizeof(s->body),
		    i % 2 == 0 ? "{\"phoneNumber\":\"%s\"}" :
		    "{\"hashedPhoneNumber\":\"%s\"}",
		    i % 2 == 0 ? s->phone : s->hex);
		snprintf(s->auth, sizeof(s->auth), "Bearer %.*s", (int)s->len,
		    s->tok);
		snprintf(s->clen, sizeof(s->clen), "%zu", s->body_len);
		/* Every sample must be one the service accepts. */
		if (token_verify(&cfg, &keys, s->tok, s->len, NOW, &tr) !=
		    TOKEN_OK || !tr.claims.phone_ok ||
		    verify_parse(s->body, s->body_len, &vb) != NULL ||
		    !phone_hash_equal(s->phone, s->hex, PHONE_HASH_HEX)) {
			fprintf(stderr, "micro: sample %zu not accepted\n", i);
			return -1;
		}
	}
	bench_keys_free(&ks);
	return 0;
}

/* Calls per round: a signature check costs a lot, a key set more. */
static size_t
calls(const struct bench *b, size_t n, size_t nkeys)
{
	if (b->heavy == 2)
		return n / 400 / nkeys + 1;
	return b->heavy ? n / 4 : n;
}

int
main(int argc, char *argv[])
{
	const char	*only = NULL;
	double		 best[NBENCH], med[NBENCH], t[NBENCH][REPEATS];
	double		 ratio[REPEATS];
	size_t		 n = 20000, nkeys = 1, i, r;
	int		 ch, rc = 1;

	while ((ch = getopt(argc, argv, "b:k:n:")) != -1) {
		switch (ch) {
		case 'b': only = optarg; break;
		case 'k': nkeys = strtoul(optarg, NULL, 10); break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: micro [-b bench] [-k keys] "
			    "[-n calls]\n");
			return 64;
		}
	}
	if (nkeys == 0 || sodium_init() < 0 || setup(nkeys) == -1) {
		fprintf(stderr, "micro: set-up failed\n");
		goto out;
	}
	/* One run only, for callgrind: instructions, not time. */
	if (only != NULL) {
		for (i = 0; i < NBENCH; i++)
			if (strcmp(only, benches[i].name) == 0)
				break;
		if (i == NBENCH) {
			fprintf(stderr, "micro: no benchmark %s\n", only);
			goto out;
		}
		/* With --collect-atstart=no, only the calls are counted. */
		CALLGRIND_TOGGLE_COLLECT;
		for (size_t j = 0; j < n; j++)
			benches[i].run(j);
		CALLGRIND_TOGGLE_COLLECT;
		rc = 0;
		goto out;
	}
	/* Rounds interleave the benchmarks, so a busy moment of the
	 * machine touches all of them alike. */
	for (r = 0; r < REPEATS; r++)
		for (i = 0; i < NBENCH; i++)
			t[i][r] = measure(&benches[i],
			    calls(&benches[i], n, nkeys));
	printf("# micro: %zu calls (%zu for the heavy ones) x %d "
	    "interleaved rounds, %zu key(s); ns per call\n", n, n / 4,
	    REPEATS, nkeys);
	printf("%-8s %10s %10s  %s\n", "bench", "best", "median", "what");
	for (r = 0; r < REPEATS; r++)
		ratio[r] = t[0][r] / t[1][r];
	for (i = 0; i < NBENCH; i++) {
		qsort(t[i], REPEATS, sizeof(t[i][0]), cmp_double);
		best[i] = t[i][0];
		med[i] = t[i][REPEATS / 2];
		printf("%-8s %10.0f %10.0f  %s\n", benches[i].name, best[i],
		    med[i], benches[i].what);
	}
	/* Token and bare ran side by side in each round: their ratio
	 * round by round is steadier than a ratio of two medians. */
	qsort(ratio, REPEATS, sizeof(ratio[0]), cmp_double);
	printf("ratio token/bare (per-round median) %.3f  (best) %.3f  "
	    "(median) %.3f\n", ratio[REPEATS / 2], best[0] / best[1],
	    med[0] / med[1]);
	rc = 0;
out:
	jwks_free(&keys);
	free(jwks_json);
	return rc;
}
