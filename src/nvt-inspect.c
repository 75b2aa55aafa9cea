/*
 * nv-token inspect: shows a token's protected headers and, when it can
 * read them, its claims, for an operator working out why nv-fcgi
 * refused a token.  Phone numbers are masked unless asked; nothing is
 * verified here, which the help says.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "b64.h"
#include "deckeys.h"
#include "jparse.h"
#include "jwe.h"
#include "nvt.h"
#include "token.h"

#define INSPECT_READ_MAX	(JWE_MAX + 2)
#define INSPECT_MASK_MAX	64	/* longest string looked at for a number */

#define LOOKS_DIGITS_MIN	5	/* fewer is no phone number */
#define LOOKS_DIGITS_MAX	15	/* E.164's longest */

/*
 * Whether a string looks like a phone number, in whatever form a claim
 * may carry it: optional "tel:", optional '+', then 5 to 15 digits,
 * maybe grouped with spaces, dashes, dots or brackets.  Wider than
 * E.164 on purpose: masking a number that is not one costs little.
 */
static int
looks_like_number(const char *s, size_t len)
{
	size_t	 i = 0, digits = 0;

	if (len >= 4 && strncmp(s, "tel:", 4) == 0)
		i = 4;
	if (i < len && s[i] == '+')
		i++;
	for (; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (strchr(" -.()", s[i]) == NULL || s[i] == '\0')
			return 0;
	}
	return digits >= LOOKS_DIGITS_MIN && digits <= LOOKS_DIGITS_MAX;
}

/*
 * Keeps the country code's start and the last digits, whatever lies
 * between them: +34******001, tel:+34******001, 34******001.
 */
static void
mask_number(char *out, const char *s, size_t len)
{
	size_t	 digits = 0, head, tail, i, d;

	for (i = 0; i < len; i++)
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
	head = digits >= 8 ? 2 : 1;
	tail = digits >= 10 ? 3 : digits >= 7 ? 2 : 1;
	for (i = 0, d = 0; i < len; i++) {
		out[i] = s[i];
		if (s[i] < '0' || s[i] > '9')
			continue;
		if (d >= head && d < digits - tail)
			out[i] = '*';
		d++;
	}
	out[len] = '\0';
}

/*
 * Masks every string that looks like a phone number, at any depth:
 * a number nested in an object or an array (a custom claim, an `act`
 * or `cnf` member) is as personal as a top-level phone_number.
 */
static void
mask_claims(struct json_object *o)
{
	struct json_object_iterator it, end;
	char			 masked[INSPECT_MASK_MAX + 1];
	const char		*s;
	size_t			 len, i;

	switch (json_object_get_type(o)) {
	case json_type_object:
		end = json_object_iter_end(o);
		for (it = json_object_iter_begin(o);
		    !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			mask_claims(json_object_iter_peek_value(&it));
		break;
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			mask_claims(json_object_array_get_idx(o, i));
		break;
	case json_type_string:
		s = json_object_get_string(o);
		len = (size_t)json_object_get_string_len(o);
		if (len > INSPECT_MASK_MAX || !looks_like_number(s, len))
			break;
		mask_number(masked, s, len);
		json_object_set_string(o, masked);
		sodium_memzero(masked, sizeof(masked));
		break;
	default:
		break;
	}
}

/* Prints "label: JSON" for a base64url segment holding an object. */
static int
show_segment(const char *label, const char *seg, size_t len, int claims,
    int show)
{
	struct json_object	*o = NULL;
	unsigned char		*buf;
	size_t			 max = b64url_decoded_max(len), n = 0;
	int			 rc = -1;

	if ((buf = malloc(max)) == NULL)
		return -1;
	if (b64url_decode(buf, max, &n, seg, len) != 0 ||
	    jparse_object((const char *)buf, n, &o) != JPARSE_OK) {
		fprintf(stderr, "nv-token: the %s is not base64url of a "
		    "JSON object\n", label);
		goto out;
	}
	if (claims && !show)
		mask_claims(o);
	printf("%s: %s\n", label, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = 0;
out:
	json_object_put(o);
	sodium_memzero(buf, max);
	free(buf);
	return rc;
}

/* A compact JWS: its header and its claims, which anyone can read. */
static int
show_jws(const char *tok, size_t len, int show)
{
	const char	*d1, *d2;

	if (jwe_segments(tok, len) != JWS_SEGMENTS) {
		fprintf(stderr, "nv-token: not a compact JWS (three "
		    "segments)\n");
		return -1;
	}
	d1 = memchr(tok, '.', len);
	d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok));
	if (show_segment("JWS header", tok, (size_t)(d1 - tok), 0, show) ==
	    -1)
		return -1;
	return show_segment("claims", d1 + 1, (size_t)(d2 - d1 - 1), 1, show);
}

static int
show_jwe(const char *tok, size_t len, const char *keyf, int show)
{
	struct deckeys	 dec;
	char		 inner[TOKEN_MAX + 1], err[512];
	size_t		 ilen = 0;
	enum jwe_err	 je;
	int		 rc;

	if (show_segment("JWE header", tok, (size_t)((const char *)memchr(tok,
	    '.', len) - tok), 0, show) == -1)
		return -1;
	if (keyf == NULL) {
		printf("claims: encrypted (give -k with the X25519 private "
		    "key to read them)\n");
		return 0;
	}
	if (deckeys_load(&dec, keyf, DECKEYS_SINGLE, err, sizeof(err)) == -1) {
		fprintf(stderr, "nv-token: %s\n", err);
		return -1;
	}
	je = jwe_decrypt(&dec, tok, len, inner, sizeof(inner), &ilen);
	deckeys_free(&dec);
	if (je != JWE_OK) {
		fprintf(stderr, "nv-token: cannot decrypt: %s\n",
		    jwe_strerror(je));
		return -1;
	}
	rc = show_jws(inner, ilen, show);
	sodium_memzero(inner, sizeof(inner));
	return rc;
}

/* The token from the argument, or from standard input for "-". */
static char *
read_token(const char *arg, size_t *len)
{
	char	*buf;
	size_t	 n;

	if (strcmp(arg, "-") != 0)
		buf = strdup(arg);
	else if ((buf = malloc(INSPECT_READ_MAX + 1)) != NULL) {
		n = fread(buf, 1, INSPECT_READ_MAX, stdin);
		buf[n] = '\0';
	}
	if (buf == NULL)
		return NULL;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		buf[--n] = '\0';
	*len = n;
	return buf;
}

enum cmd_rc
cmd_inspect(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "show", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*keyf = NULL;
	char		*tok;
	size_t		 len = 0;
	int		 ch, show = 0, rc;

	while ((ch = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'k': keyf = optarg; break;
		case 's': show = 1; break;
		case 'h':
			printf("usage: nv-token inspect TOKEN|- [-k KEY] "
			    "[--show]\n"
			    "  prints the protected headers, and the claims "
			    "when they can be read:\n"
			    "  a signed token's always, an encrypted token's "
			    "with -k KEY (PREFIX.key of\n"
			    "  keygen --use enc, or the decryption_keys_file)."
			    "  Phone numbers are masked\n"
			    "  unless --show.  Nothing is verified: no "
			    "signature, no expiry.\n");
			return RC_OK;
		default:
			return RC_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "nv-token: inspect takes one token, or - to "
		    "read it from standard input\n");
		return RC_USAGE;
	}
	if ((tok = read_token(argv[optind], &len)) == NULL) {
		fprintf(stderr, "nv-token: out of memory\n");
		return RC_FAIL;
	}
	switch (jwe_segments(tok, len)) {
	case JWS_SEGMENTS:
		rc = show_jws(tok, len, show);
		break;
	case JWE_SEGMENTS:
		rc = show_jwe(tok, len, keyf, show);
		break;
	default:
		fprintf(stderr, "nv-token: not a compact JWS (3 segments) or "
		    "JWE (5 segments)\n");
		rc = -1;
		break;
	}
	sodium_memzero(tok, len);
	free(tok);
	return rc == 0 ? RC_OK : RC_FAIL;
}
