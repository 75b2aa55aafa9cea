/*
 * Fuzz target: one whole request, in process, through service_handle
 * and response_serialize.  The input is a control byte, then CGI
 * variables as NAME=VALUE lines up to an empty line, then the body.
 * The control byte picks the API version, whether the body runs to
 * EOF (FastCGI) or to CONTENT_LENGTH (CGI), and how many bytes each
 * read returns.  An Authorization of "Bearer SIGN:<claims>" is replaced
 * by a token over <claims> signed with the key of the set, so inputs
 * reach the scope, amr, phone number and body checks.
 *
 * Built with FUZZ_DECRYPT, it is fuzz_request_jwe: the service also
 * holds the decryption keys of fuzz/common.c, a second byte after the
 * control byte picks the set (bit 0: one key or two) and
 * require_encrypted (bit 1), and "Bearer SEAL:<claims>" is replaced by
 * a token signed over <claims> and then encrypted to FUZZ_ENC_KID
 * (fuzz_seal), so inputs reach auth_token's JWE branch and past it.
 *
 * Checked on every answer: it fits, its header block has no bare CR
 * or LF (no response splitting) and its body is one JSON object.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"
#include "service.h"

#define ENV_MAX		64
#ifdef FUZZ_DECRYPT
#define CTL_BYTES	2	/* control byte, key byte */
#else
#define CTL_BYTES	1	/* control byte */
#endif
#define AUTH_PREFIX	"HTTP_AUTHORIZATION=Bearer "
#define SIGN_PREFIX	AUTH_PREFIX "SIGN:"
#define SEAL_PREFIX	AUTH_PREFIX "SEAL:"
#define SIGN_HEADER	"{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":\"" \
			    FUZZ_KID "\"}"

struct body {
	const uint8_t	*p;
	size_t		 len, off, chunk;
};

static ssize_t
read_body(void *ctx, char *buf, size_t len)
{
	struct body	*b = ctx;
	size_t		 n = b->len - b->off;

	if (n > len)
		n = len;
	if (n > b->chunk)
		n = b->chunk;
	memcpy(buf, b->p + b->off, n);
	b->off += n;
	return (ssize_t)n;
}

/* Replaces a "Bearer SIGN:<claims>" line by a signed token. */
static char *
sign_line(const char *line)
{
	const char	*claims = line + strlen(SIGN_PREFIX);
	size_t		 clen = strlen(claims), max, n, t;
	char		*out;

	max = strlen(AUTH_PREFIX) + clen / 3 * 4 + 400;
	if ((out = malloc(max)) == NULL)
		return NULL;
	n = strlen(AUTH_PREFIX);
	memcpy(out, AUTH_PREFIX, n);
	if ((t = fuzz_sign(SIGN_HEADER, strlen(SIGN_HEADER),
	    (const uint8_t *)claims, clen, out + n, max - n - 1)) == 0) {
		free(out);
		return NULL;
	}
	out[n + t] = '\0';
	return out;
}

#ifdef FUZZ_DECRYPT
/* Replaces a "Bearer SEAL:<claims>" line by a JWE around a JWS. */
static char *
seal_line(const char *line)
{
	char	*jws, *out;
	size_t	 n = strlen(AUTH_PREFIX), max, t;

	/* Signs "Bearer SIGN:<claims>": the same length as SEAL. */
	if ((jws = strdup(line)) == NULL)
		return NULL;
	memcpy(jws + strlen(AUTH_PREFIX), "SIGN", 4);
	out = sign_line(jws);
	free(jws);
	if ((jws = out) == NULL)
		return NULL;
	max = n + (strlen(jws) - n) / 3 * 4 + 600;
	if ((out = malloc(max)) == NULL) {
		free(jws);
		return NULL;
	}
	memcpy(out, AUTH_PREFIX, n);
	t = fuzz_seal(FUZZ_SEAL_HEADER, strlen(FUZZ_SEAL_HEADER),
	    (const uint8_t *)jws + n, strlen(jws) - n, out + n, max - n - 1);
	free(jws);
	if (t == 0) {
		free(out);
		return NULL;
	}
	out[n + t] = '\0';
	return out;
}
#endif

static void
check_answer(const char *out, size_t n)
{
	const char		*end, *p;
	struct json_object	*o;

	if (n == 0)
		__builtin_trap();	/* the answer did not fit */
	if ((end = strstr(out, "\r\n\r\n")) == NULL)
		__builtin_trap();
	for (p = out; p < end; p++)
		if ((*p == '\r' && p[1] != '\n') ||
		    (*p == '\n' && (p == out || p[-1] != '\r')))
			__builtin_trap();	/* a split header */
	o = json_tokener_parse(end + 4);
	if (o == NULL || !json_object_is_type(o, json_type_object))
		__builtin_trap();
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_env	*e = fuzz_env();
	struct config		 cfg;
	struct service		 svc;
	struct request		 req;
	struct response		 resp;
	struct service_outcome	 oc;
	struct body		 body;
	char			*text, *line, *next, *env[ENV_MAX + 1];
	char			*owned[ENV_MAX];
	char			 out[RESPONSE_MAX];
	size_t			 nenv = 0, nowned = 0, hlen, i;
	const uint8_t		*sep;

	if (size < CTL_BYTES)
		return 0;
	/* The variables end at the first empty line; the body follows. */
	sep = memmem(data + CTL_BYTES, size - CTL_BYTES, "\n\n", 2);
	hlen = sep != NULL ? (size_t)(sep - (data + CTL_BYTES)) :
	    size - CTL_BYTES;
	if ((text = malloc(hlen + 1)) == NULL)
		return 0;
	memcpy(text, data + CTL_BYTES, hlen);
	text[hlen] = '\0';
	for (line = text; line != NULL && nenv < ENV_MAX; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, SIGN_PREFIX, strlen(SIGN_PREFIX)) == 0 &&
		    (owned[nowned] = sign_line(line)) != NULL)
			line = owned[nowned++];
#ifdef FUZZ_DECRYPT
		else if (strncmp(line, SEAL_PREFIX, strlen(SEAL_PREFIX)) ==
		    0 && (owned[nowned] = seal_line(line)) != NULL)
			line = owned[nowned++];
#endif
		env[nenv++] = line;
	}
	env[nenv] = NULL;

	cfg = e->cfg;
	cfg.api_version = (enum api_version)((data[0] >> 1) % API__MAX);
	/* No single-use store: it stays NULL. */
	memset(&svc, 0, sizeof(svc));
	svc.auth.cfg = &cfg;
	svc.auth.keys = &e->keys;
#ifdef FUZZ_DECRYPT
	svc.auth.deckeys = fuzz_deckeys((data[1] & 1) + 1);
	cfg.require_encrypted = (data[1] & 2) != 0;
#endif
	body.p = sep != NULL ? sep + 2 : data + size;
	body.len = (size_t)(data + size - body.p);
	body.off = 0;
	body.chunk = (size_t)(data[0] >> 3) + 1;
	request_from_env(&req, env);
	req.read = read_body;
	req.read_ctx = &body;
	req.body_until_eof = data[0] & 1;

	service_handle(&svc, &req, FUZZ_NOW, &resp, &oc);
	check_answer(out, response_serialize(&resp, out, sizeof(out)));

	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(text);
	return 0;
}
