/*
 * nv-token: the operator's tool for keys and tokens.  keygen writes a
 * signing pair (Ed25519 here; EC or RSA in nvt-keys.c) or an X25519
 * (encryption) pair as JWKs, mint signs an access token of the form
 * nv-fcgi accepts with any of them and may encrypt it, inspect
 * (nvt-inspect.c) shows one, hash prints what hashedPhoneNumber
 * carries.  The files and tokens are plain JOSE, so any standard
 * library reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>

#include "b64.h"
#include "deckeys.h"
#include "jwe.h"
#include "jwks.h"
#include "nvt.h"
#include "nvt-keys.h"
#include "phone.h"

#define SET_MAX		32

static const char *const default_scope =
    "number-verification:verify number-verification:device-phone-number:read";

static void
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
fail(const char *fmt, ...)
{
	va_list	 ap;

	fputs("nv-token: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *
json_plain(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* RFC 7638 thumbprint of an OKP key: the default key id. */
static char *
thumbprint(const char *crv, const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		*x, *json, *out = NULL;

	if ((x = b64url_dup(pk, crypto_sign_PUBLICKEYBYTES)) == NULL)
		return NULL;
	if (asprintf(&json, "{\"crv\":\"%s\",\"kty\":\"OKP\",\"x\":\"%s\"}",
	    crv, x) != -1) {
		crypto_hash_sha256(h, (unsigned char *)json, strlen(json));
		out = b64url_dup(h, sizeof(h));
		free(json);
	}
	free(x);
	return out;
}

static int
write_new_file(const char *path, mode_t mode, const char *text)
{
	size_t	 len = strlen(text);
	int	 fd;

	/* Never overwrite a key: O_EXCL. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode))
	    == -1) {
		fail("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) == -1 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1 || close(fd) == -1) {
		fail("%s: write failed", path);
		unlink(path);
		return -1;
	}
	return 0;
}

/* What keygen writes for each --use. */
static const struct key_kind {
	const char	*use, *crv, *alg;
} key_kinds[] = {
	{ "sig", "Ed25519", "EdDSA" },
	{ "enc", "X25519", "ECDH-ES" },
};

static struct json_object *
jwk_public(const struct key_kind *kk, const char *x, const char *kid)
{
	struct json_object *k = json_object_new_object();

	json_object_object_add(k, "kty", json_object_new_string("OKP"));
	json_object_object_add(k, "crv", json_object_new_string(kk->crv));
	json_object_object_add(k, "x", json_object_new_string(x));
	json_object_object_add(k, "kid", json_object_new_string(kid));
	json_object_object_add(k, "use", json_object_new_string(kk->use));
	json_object_object_add(k, "alg", json_object_new_string(kk->alg));
	return k;
}

/* An OKP pair as two JWKs; both private keys are 32 random bytes as
 * "d" (RFC 8037).  EC and RSA pairs come from nvt_keygen(). */
static int
okp_pair(struct json_object **priv, struct json_object **pub,
    const struct key_kind *kk, const char *kid)
{
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	char		*x = NULL, *d = NULL, *tp = NULL;
	int		 rc = -1;

	if (strcmp(kk->use, "enc") == 0) {
		randombytes_buf(sk, crypto_scalarmult_SCALARBYTES);
		crypto_scalarmult_base(pk, sk);
	} else
		crypto_sign_keypair(pk, sk);
	if ((x = b64url_dup(pk, sizeof(pk))) == NULL ||
	    (d = b64url_dup(sk, crypto_sign_SEEDBYTES)) == NULL ||
	    (tp = thumbprint(kk->crv, pk)) == NULL) {
		fail("out of memory");
		goto out;
	}
	if (kid == NULL)
		kid = tp;
	*priv = jwk_public(kk, x, kid);
	json_object_object_add(*priv, "d", json_object_new_string(d));
	*pub = jwk_public(kk, x, kid);
	rc = 0;
out:
	sodium_memzero(sk, sizeof(sk));
	if (d != NULL)
		sodium_memzero(d, strlen(d));
	free(x);
	free(d);
	free(tp);
	return rc;
}

static enum cmd_rc
cmd_keygen(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "kid", required_argument, NULL, 'i' },
		{ "use", required_argument, NULL, 'u' },
		{ "alg", required_argument, NULL, 'a' },
		{ "bits", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct key_kind *kk = &key_kinds[0];
	const struct nvt_alg *alg = NULL;
	struct json_object *priv = NULL, *pub = NULL, *set = NULL, *arr;
	const char	*prefix = NULL, *kid = NULL;
	char		*kpath = NULL, *jpath = NULL, *end, err[512];
	enum cmd_rc	 rc = RC_FAIL;
	long		 bits = 0;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': prefix = optarg; break;
		case 'i': kid = optarg; break;
		case 'u':
			if (strcmp(optarg, "sig") != 0 &&
			    strcmp(optarg, "enc") != 0) {
				fail("--use takes sig or enc");
				return RC_USAGE;
			}
			kk = &key_kinds[strcmp(optarg, "enc") == 0];
			break;
		case 'a':
			if ((alg = nvt_alg_find(optarg)) == NULL) {
				fail("--alg takes " NVT_ALG_NAMES);
				return RC_USAGE;
			}
			break;
		case 'b':
			errno = 0;
			bits = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    bits < NVT_RSA_BITS_MIN || bits > NVT_RSA_BITS_MAX) {
				fail("--bits takes %d to %d",
				    NVT_RSA_BITS_MIN, NVT_RSA_BITS_MAX);
				return RC_USAGE;
			}
			break;
		case 'h':
			printf("usage: nv-token keygen -o PREFIX [--kid KID] "
			    "[--use sig|enc] [--alg ALG] [--bits N]\n"
			    "  writes PREFIX.key (private JWK, mode 0600) and "
			    "PREFIX.jwks (public key set)\n"
			    "  sig (default): a key to sign tokens with ALG, "
			    "EdDSA (Ed25519) by default,\n"
			    "  ES256 or ES384 (EC P-256, P-384), RS256, RS384, "
			    "RS512, PS256, PS384 or\n"
			    "  PS512 (RSA of N bits, %d to %d, %d by default)\n"
			    "  enc: X25519, to encrypt tokens to\n",
			    NVT_RSA_BITS_MIN, NVT_RSA_BITS_MAX,
			    NVT_RSA_BITS_DEFAULT);
			return RC_OK;
		default:
			fail("see nv-token keygen --help");
			return RC_USAGE;
		}
	}
	if (prefix == NULL || optind != argc) {
		fail("keygen needs -o PREFIX (see nv-token keygen --help)");
		return RC_USAGE;
	}
	if (kid != NULL && (*kid == '\0' || strlen(kid) > JWKS_KID_MAX)) {
		fail("--kid must be 1 to %d bytes", JWKS_KID_MAX);
		return RC_USAGE;
	}
	if (alg != NULL && strcmp(kk->use, "enc") == 0) {
		fail("--alg is for signing keys, not --use enc");
		return RC_USAGE;
	}
	if (bits != 0 && (alg == NULL || alg->kty != NVT_RSA)) {
		fail("--bits is for RSA keys (--alg RS* or PS*)");
		return RC_USAGE;
	}
	if (asprintf(&kpath, "%s.key", prefix) == -1 ||
	    asprintf(&jpath, "%s.jwks", prefix) == -1) {
		fail("out of memory");
		goto out;
	}
	if (alg != NULL && alg->kty != NVT_OKP) {
		if (nvt_keygen(&priv, &pub, alg, (int)bits, kid, err,
		    sizeof(err)) == -1) {
			fail("%s", err);
			goto out;
		}
	} else if (okp_pair(&priv, &pub, kk, kid) == -1)
		goto out;
	/* The kid given, else the thumbprint; the set will hold it. */
	kid = json_object_get_string(json_object_object_get(pub, "kid"));
	set = json_object_new_object();
	arr = json_object_new_array();
	json_object_array_add(arr, pub);
	pub = NULL;
	json_object_object_add(set, "keys", arr);
	if (write_new_file(kpath, 0600, json_plain(priv)) == -1)
		goto out;
	if (write_new_file(jpath, 0644, json_plain(set)) == -1) {
		unlink(kpath);
		goto out;
	}
	printf("%s\n", kid);
	rc = RC_OK;
out:
	json_object_put(priv);
	json_object_put(pub);
	json_object_put(set);
	free(kpath);
	free(jpath);
	return rc;
}

/* NAME=VALUE: VALUE is taken as JSON when it parses, else as a string. */
static int
set_member(struct json_object *o, const char *arg)
{
	const char		*eq = strchr(arg, '=');
	struct json_object	*v;
	char			*name;

	if (eq == NULL || eq == arg) {
		fail("expected NAME=VALUE, got `%s`", arg);
		return -1;
	}
	if ((name = strndup(arg, (size_t)(eq - arg))) == NULL)
		return -1;
	if ((v = json_tokener_parse(eq + 1)) == NULL && strcmp(eq + 1, "null"))
		v = json_object_new_string(eq + 1);
	json_object_object_add(o, name, v);
	free(name);
	return 0;
}

static char *
b64_json(struct json_object *o)
{
	const char	*s = json_plain(o);

	return b64url_dup((const unsigned char *)s, strlen(s));
}

/* Replaces *tok by the nested token: a JWE with cty JWT around it. */
static int
encrypt_to(const char *path, const char *kid, char **tok)
{
	unsigned char	 pk[crypto_scalarmult_BYTES];
	char		 err[512], *keykid, *jwe;
	enum jwe_err	 je;

	if (deckeys_recipient(path, kid, pk, &keykid, err, sizeof(err)) ==
	    -1) {
		fail("%s", err);
		return -1;
	}
	je = jwe_encrypt(&jwe, pk, keykid, *tok, strlen(*tok));
	free(keykid);
	if (je != JWE_OK) {
		fail("%s: cannot encrypt: %s", path, jwe_strerror(je));
		return -1;
	}
	free(*tok);
	*tok = jwe;
	return 0;
}

static enum cmd_rc
cmd_mint(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "iss", required_argument, NULL, 'I' },
		{ "aud", required_argument, NULL, 'A' },
		{ "phone", required_argument, NULL, 'p' },
		{ "scope", required_argument, NULL, 's' },
		{ "amr", required_argument, NULL, 'm' },
		{ "ttl", required_argument, NULL, 't' },
		{ "kid", required_argument, NULL, 'i' },
		{ "claim", required_argument, NULL, 'c' },
		{ "header", required_argument, NULL, 'H' },
		{ "unset", required_argument, NULL, 'u' },
		{ "encrypt-to", required_argument, NULL, 'E' },
		{ "encrypt-kid", required_argument, NULL, 'K' },
		{ "alg", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*keyf = NULL, *iss = NULL, *aud = NULL, *phone = NULL;
	const char	*scope = default_scope, *amr = "nba", *kid = NULL;
	const char	*encto = NULL, *enckid = NULL, *algname = NULL;
	const char	*claims[SET_MAX], *headers[SET_MAX], *unsets[SET_MAX];
	size_t		 nclaims = 0, nheaders = 0, nunsets = 0, i;
	const struct nvt_alg *alg;
	struct nvt_key	*key = NULL;
	unsigned char	*sig = NULL, jti[16];
	size_t		 siglen = 0;
	struct json_object *hdr = NULL, *pl = NULL, *arr;
	const char	*keykid;
	char		*h64 = NULL, *p64 = NULL, *s64 = NULL, err[512];
	char		*input = NULL, *end, *list, *tok, *save, *jws = NULL;
	long		 ttl = 300;
	time_t		 now = time(NULL);
	enum cmd_rc	 rc = RC_USAGE;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'k': keyf = optarg; break;
		case 'I': iss = optarg; break;
		case 'A': aud = optarg; break;
		case 'p': phone = optarg; break;
		case 's': scope = optarg; break;
		case 'm': amr = optarg; break;
		case 'i': kid = optarg; break;
		case 'E': encto = optarg; break;
		case 'K': enckid = optarg; break;
		case 'a':
			if (nvt_alg_find(optarg) == NULL) {
				fail("--alg takes " NVT_ALG_NAMES);
				return RC_USAGE;
			}
			algname = optarg;
			break;
		case 't':
			errno = 0;
			ttl = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0) {
				fail("--ttl takes a number of seconds");
				return RC_USAGE;
			}
			/* exp = now + ttl must not wrap into the past. */
			if ((ttl > 0 && now > INT64_MAX - ttl) ||
			    (ttl < 0 && now < INT64_MIN - ttl)) {
				fail("--ttl %s: now + ttl overflows a 64-bit "
				    "time", optarg);
				return RC_USAGE;
			}
			break;
		case 'c':
		case 'H':
		case 'u':
			if ((ch == 'c' ? nclaims : ch == 'H' ? nheaders :
			    nunsets) == SET_MAX) {
				fail("too many --claim, --header or --unset");
				return RC_USAGE;
			}
			if (ch == 'c')
				claims[nclaims++] = optarg;
			else if (ch == 'H')
				headers[nheaders++] = optarg;
			else
				unsets[nunsets++] = optarg;
			break;
		case 'h':
			printf("usage: nv-token mint -k PREFIX.key --iss ISSUER "
			    "--aud AUDIENCE --phone +NUMBER\n"
			    "         [--scope S] [--amr a,b] [--ttl 300] "
			    "[--kid K] [--claim NAME=VALUE]...\n"
			    "         [--header NAME=VALUE]... [--unset NAME]...\n"
			    "         [--encrypt-to PREFIX.jwks [--encrypt-kid K]] "
			    "[--alg ALG]\n"
			    "  prints a signed access token (compact JWS) in the "
			    "key's alg, or ALG\n"
			    "  when the key's type allows it (an RSA key: RS256 "
			    "... PS512);\n"
			    "  with --encrypt-to, that JWS encrypted to the X25519 "
			    "key (nested JWT:\n"
			    "  compact JWE, ECDH-ES, A256GCM, cty JWT)\n"
			    "  --phone '' leaves the number out; --amr '' "
			    "leaves amr out; --kid '' leaves kid out\n"
			    "  VALUE is JSON when it parses as JSON, else a "
			    "string\n");
			return RC_OK;
		default:
			fail("see nv-token mint --help");
			return RC_USAGE;
		}
	}
	if (keyf == NULL || iss == NULL || aud == NULL || phone == NULL ||
	    optind != argc) {
		fail("mint needs -k, --iss, --aud and --phone "
		    "(see nv-token mint --help)");
		return RC_USAGE;
	}
	if (*phone != '\0' && !phone_valid(phone, strlen(phone))) {
		fail("--phone must match ^\\+[1-9][0-9]{4,14}$");
		return RC_USAGE;
	}
	rc = RC_FAIL;
	if ((key = nvt_key_load(keyf, err, sizeof(err))) == NULL) {
		fail("%s", err);
		goto out;
	}
	if ((alg = nvt_key_alg(key, algname, err, sizeof(err))) == NULL) {
		fail("%s", err);
		goto usage;
	}
	keykid = nvt_key_kid(key);
	hdr = json_object_new_object();
	json_object_object_add(hdr, "alg", json_object_new_string(alg->name));
	json_object_object_add(hdr, "typ", json_object_new_string("at+jwt"));
	if (kid == NULL)
		kid = keykid;
	if (kid != NULL && *kid != '\0')
		json_object_object_add(hdr, "kid", json_object_new_string(kid));
	pl = json_object_new_object();
	json_object_object_add(pl, "iss", json_object_new_string(iss));
	json_object_object_add(pl, "aud", json_object_new_string(aud));
	json_object_object_add(pl, "sub", json_object_new_string("nv-token"));
	json_object_object_add(pl, "iat", json_object_new_int64(now));
	json_object_object_add(pl, "exp", json_object_new_int64(now + ttl));
	randombytes_buf(jti, sizeof(jti));
	p64 = b64url_dup(jti, sizeof(jti));
	json_object_object_add(pl, "jti", json_object_new_string(p64));
	free(p64);
	p64 = NULL;
	json_object_object_add(pl, "scope", json_object_new_string(scope));
	if (*amr != '\0') {
		if ((list = strdup(amr)) == NULL) {
			fail("out of memory");
			goto out;
		}
		arr = json_object_new_array();
		for (tok = strtok_r(list, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save))
			json_object_array_add(arr, json_object_new_string(tok));
		free(list);
		json_object_object_add(pl, "amr", arr);
	}
	if (*phone != '\0')
		json_object_object_add(pl, "phone_number",
		    json_object_new_string(phone));
	for (i = 0; i < nclaims; i++)
		if (set_member(pl, claims[i]) == -1)
			goto usage;
	for (i = 0; i < nheaders; i++)
		if (set_member(hdr, headers[i]) == -1)
			goto usage;
	for (i = 0; i < nunsets; i++) {
		json_object_object_del(pl, unsets[i]);
		json_object_object_del(hdr, unsets[i]);
	}
	if ((h64 = b64_json(hdr)) == NULL || (p64 = b64_json(pl)) == NULL ||
	    asprintf(&input, "%s.%s", h64, p64) == -1) {
		fail("out of memory");
		goto out;
	}
	if (nvt_sign(&sig, &siglen, key, alg, (unsigned char *)input,
	    strlen(input), err, sizeof(err)) == -1) {
		fail("%s", err);
		goto out;
	}
	if ((s64 = b64url_dup(sig, siglen)) == NULL ||
	    asprintf(&jws, "%s.%s", input, s64) == -1) {
		jws = NULL;
		goto out;
	}
	if (encto != NULL && encrypt_to(encto, enckid, &jws) == -1)
		goto out;
	printf("%s\n", jws);
	rc = RC_OK;
	goto out;
usage:
	rc = RC_USAGE;
out:
	nvt_key_free(key);
	free(sig);
	json_object_put(hdr);
	json_object_put(pl);
	free(h64);
	free(p64);
	free(s64);
	free(input);
	free(jws);
	return rc;
}

static enum cmd_rc
cmd_hash(int argc, char *argv[])
{
	char	 hex[PHONE_HASH_HEX + 1];

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: nv-token hash +NUMBER\n"
		    "  prints the lowercase SHA-256 hex of the number, as "
		    "hashedPhoneNumber carries it\n");
		return RC_OK;
	}
	if (argc != 2) {
		fail("hash takes one phone number (see nv-token hash --help)");
		return RC_USAGE;
	}
	if (!phone_valid(argv[1], strlen(argv[1]))) {
		fail("the number must match ^\\+[1-9][0-9]{4,14}$");
		return RC_USAGE;
	}
	phone_hash_hex(hex, argv[1], strlen(argv[1]));
	printf("%s\n", hex);
	return RC_OK;
}

static const struct {
	const char	*name;
	enum cmd_rc	 (*run)(int, char *[]);
	const char	*summary;
} commands[] = {
	{ "keygen", cmd_keygen, "make a signing or X25519 key pair (JWK files)" },
	{ "mint", cmd_mint, "sign an access token, and maybe encrypt it" },
	{ "inspect", cmd_inspect, "show a token's headers and claims" },
	{ "hash", cmd_hash, "print the hashedPhoneNumber of a number" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: nv-token COMMAND [options]\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "nv-token COMMAND --help shows each command's options\n");
}

int
main(int argc, char *argv[])
{
	static char	 progname[32];
	size_t		 i;

	if (argc < 2) {
		usage(stderr);
		return RC_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return RC_OK;
	}
	if (sodium_init() < 0) {
		fail("libsodium could not be initialised");
		return RC_FAIL;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			/* getopt names the program in its messages. */
			snprintf(progname, sizeof(progname), "nv-token %s",
			    commands[i].name);
			argv[1] = progname;
			return (int)commands[i].run(argc - 1, argv + 1);
		}
	fail("unknown command `%s`", argv[1]);
	usage(stderr);
	return RC_USAGE;
}
