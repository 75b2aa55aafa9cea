/*
 * mint_many: writes a key set and many distinct access tokens for the
 * HTTP benchmark in one process (nv-token mint would take one exec per
 * token).  Each line of the tokens file is a token, a tab and the
 * POST /verify body that must be answered true: every other request
 * carries hashedPhoneNumber instead of phoneNumber.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mint.h"
#include "phone.h"
#include "token.h"

static int
write_file(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		perror(path);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct bench_keys	 ks = { NULL, 0 };
	const char		*jwks_path = NULL, *tok_path = NULL;
	char			 tok[TOKEN_MAX], phone[17];
	char			 hex[PHONE_HASH_HEX + 1];
	char			*jwks = NULL;
	size_t			 nkeys = 1, ntok = 10000, i, len;
	long			 ttl = 7200;
	time_t			 now = time(NULL);
	FILE			*f = NULL;
	int			 ch, rc = 1;

	while ((ch = getopt(argc, argv, "j:k:n:o:t:")) != -1) {
		switch (ch) {
		case 'j': jwks_path = optarg; break;
		case 'k': nkeys = strtoul(optarg, NULL, 10); break;
		case 'n': ntok = strtoul(optarg, NULL, 10); break;
		case 'o': tok_path = optarg; break;
		case 't': ttl = strtol(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (jwks_path == NULL || tok_path == NULL || nkeys == 0 ||
	    optind != argc)
		goto usage;
	if (sodium_init() < 0 || bench_keys_make(&ks, nkeys) == -1 ||
	    (jwks = bench_jwks_json(&ks)) == NULL) {
		fprintf(stderr, "mint_many: cannot make keys\n");
		goto out;
	}
	if (write_file(jwks_path, jwks) == -1)
		goto out;
	if ((f = fopen(tok_path, "w")) == NULL) {
		perror(tok_path);
		goto out;
	}
	for (i = 0; i < ntok; i++) {
		if ((len = bench_mint(tok, sizeof(tok), &ks, i, (long)now,
		    (long)now + ttl)) == 0)
			goto out;
		bench_phone(phone, i);
		if (i % 2 == 0)
			fprintf(f, "%.*s\t{\"phoneNumber\":\"%s\"}\n", (int)len,
			    tok, phone);
		else {
			phone_hash_hex(hex, phone, strlen(phone));
			fprintf(f, "%.*s\t{\"hashedPhoneNumber\":\"%s\"}\n",
			    (int)len, tok, hex);
		}
	}
	if (fclose(f) == EOF) {
		f = NULL;
		perror(tok_path);
		goto out;
	}
	f = NULL;
	rc = 0;
	goto out;
usage:
	fprintf(stderr, "usage: mint_many -j JWKS -o TOKENS [-k keys] "
	    "[-n tokens] [-t ttl]\n");
	rc = 64;
out:
	if (f != NULL)
		fclose(f);
	free(jwks);
	bench_keys_free(&ks);
	return rc;
}
