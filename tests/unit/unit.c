/*
 * Shared helpers of the check unit tests (see unit.h).  Tokens are
 * built here independently of src/token.c, with libsodium only, so a
 * test compares the module against a second implementation.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

void
unit_keypair(unsigned char seedbyte,
    unsigned char pk[crypto_sign_PUBLICKEYBYTES],
    unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char	 seed[crypto_sign_SEEDBYTES];

	memset(seed, seedbyte, sizeof(seed));
	ck_assert_int_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
}

char *
unit_b64(const void *in, size_t len)
{
	size_t	 n = sodium_base64_ENCODED_LEN(len,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char	*out = malloc(n);

	ck_assert_ptr_nonnull(out);
	sodium_bin2base64(out, n, in, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

char *
unit_sign_raw(const unsigned char sk[crypto_sign_SECRETKEYBYTES],
    const char *h64, const char *p64)
{
	unsigned char	 sig[crypto_sign_BYTES];
	char		*input, *s64, *tok;
	size_t		 n;

	n = strlen(h64) + 1 + strlen(p64);
	input = malloc(n + 1);
	ck_assert_ptr_nonnull(input);
	snprintf(input, n + 1, "%s.%s", h64, p64);
	crypto_sign_detached(sig, NULL, (const unsigned char *)input, n, sk);
	s64 = unit_b64(sig, sizeof(sig));
	tok = malloc(n + 1 + strlen(s64) + 1);
	ck_assert_ptr_nonnull(tok);
	sprintf(tok, "%s.%s", input, s64);
	free(input);
	free(s64);
	return tok;
}

char *
unit_sign(const unsigned char sk[crypto_sign_SECRETKEYBYTES],
    const char *header, const char *payload)
{
	char	*h64, *p64, *tok;

	h64 = unit_b64(header, strlen(header));
	p64 = unit_b64(payload, strlen(payload));
	tok = unit_sign_raw(sk, h64, p64);
	free(h64);
	free(p64);
	return tok;
}

void
unit_config(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->issuer = strdup(UNIT_ISSUER);
	c->audience = strdup(UNIT_AUDIENCE);
	c->leeway = CONFIG_DEFAULT_LEEWAY;
	c->phone_claim = strdup("phone_number");
	c->network_amr[0] = strdup("nba");
	c->network_amr[1] = strdup("mnba");
	c->n_amr = 2;
	c->api_version = API_V0;
	c->signing_algs = SIG_ALL;
	ck_assert(c->issuer != NULL && c->audience != NULL &&
	    c->phone_claim != NULL && c->network_amr[0] != NULL &&
	    c->network_amr[1] != NULL);
}

void
unit_jwks_add(struct jwks *set, const unsigned char *pk, const char *kid)
{
	struct jwk	*k;

	set->keys = realloc(set->keys, (set->n + 1) * sizeof(*set->keys));
	ck_assert_ptr_nonnull(set->keys);
	k = &set->keys[set->n++];
	memset(k, 0, sizeof(*k));
	k->key.type = SIG_KEY_ED25519;
	k->algs = SIG_BIT(SIG_EDDSA);
	memcpy(k->key.ed25519, pk, sizeof(k->key.ed25519));
	if (kid != NULL) {
		ck_assert_uint_le(strlen(kid), JWKS_KID_MAX);
		strcpy(k->kid, kid);
		k->has_kid = 1;
	}
}

char *
unit_tmpdir(void)
{
	const char	*base = getenv("TMPDIR");
	char		*dir;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	ck_assert_int_ne(asprintf(&dir, "%s/nv-unit.XXXXXX", base), -1);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

char *
unit_write(const char *dir, const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	ck_assert_int_ne(asprintf(&path, "%s/%s", dir, name), -1);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Removes the files of a folder made by unit_tmpdir, then the folder. */
void
unit_rmtree(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*p;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (asprintf(&p, "%s/%s", dir, e->d_name) == -1)
			break;
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

int
unit_run(Suite *s)
{
	SRunner	*sr;
	int	 failed;

	if (sodium_init() < 0)
		return EXIT_FAILURE;
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
