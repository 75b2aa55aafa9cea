/*
 * POST /verify: the body names exactly one of phoneNumber and
 * hashedPhoneNumber, and the answer says whether it is the token's
 * number.  Every way a body can be wrong has its own 400 message.
 */
#include <string.h>

#include <sodium.h>

#include "handlers.h"
#include "jparse.h"

static const char *const read_errors[] = {
	[BODY_OK] = NULL,
	[BODY_TOO_LARGE] = "request body is larger than 4096 bytes",
	[BODY_SHORT] = "request body is shorter than its Content-Length",
	[BODY_BAD_LENGTH] = "Content-Length is not a number",
	[BODY_READ_ERROR] = "request body could not be read",
	[BODY_TIMEOUT] = "request body was not received in time",
};

static const char *const body_messages[JPARSE__MAX] = {
	[JPARSE_EMPTY] = "request body is empty",
	[JPARSE_NUL] = "request body contains a NUL byte",
	[JPARSE_SYNTAX] = "request body is not valid JSON",
	[JPARSE_DEPTH] = "request body is nested too deeply",
	[JPARSE_TRAILING] = "request body has bytes after the JSON object",
	[JPARSE_NOT_OBJECT] = "request body is not a JSON object",
	[JPARSE_DUPLICATE] = "request body has a duplicated member",
	[JPARSE_NAME_NUL] = "request body has a member name holding U+0000",
	[JPARSE_NOMEM] = "request body could not be parsed",
};

static const struct {
	const char	*name;
	const char	*not_string;
	const char	*bad_pattern;
	size_t		 max;
	bool		 (*valid)(const char *, size_t);
} members[] = {
	[VERIFY_PLAIN] = { "phoneNumber", "phoneNumber must be a string",
	    "phoneNumber must match ^\\+[1-9][0-9]{4,14}$", PHONE_MAX,
	    phone_valid },
	[VERIFY_HASHED] = { "hashedPhoneNumber",
	    "hashedPhoneNumber must be a string",
	    "hashedPhoneNumber must match ^[a-fA-F0-9]{64}$", PHONE_HASH_HEX,
	    phone_hash_valid },
};

const char *
verify_parse(const char *body, size_t len, struct verify_body *out)
{
	struct json_object	*o = NULL, *v = NULL;
	enum jparse_err		 jerr;
	const char		*msg = NULL, *s;
	size_t			 slen;
	int			 found = 0, k, kind = 0;

	memset(out, 0, sizeof(*out));
	if ((jerr = jparse_object(body, len, &o)) != JPARSE_OK)
		return body_messages[jerr];
	json_object_object_foreach(o, key, val) {
		for (k = 0; k < 2; k++)
			if (strcmp(key, members[k].name) == 0)
				break;
		if (k == 2) {
			msg = "request body has an unknown member: only "
			    "phoneNumber or hashedPhoneNumber is allowed";
			goto out;
		}
		kind = k;
		v = val;
		found++;
	}
	if (found == 0) {
		msg = "request body must contain phoneNumber or "
		    "hashedPhoneNumber";
		goto out;
	}
	if (found > 1) {
		msg = "request body must contain only one of phoneNumber "
		    "and hashedPhoneNumber";
		goto out;
	}
	if (!json_object_is_type(v, json_type_string)) {
		msg = members[kind].not_string;
		goto out;
	}
	s = json_object_get_string(v);
	slen = (size_t)json_object_get_string_len(v);
	/* strlen catches a \u0000 inside the string. */
	if (strlen(s) != slen || slen > members[kind].max ||
	    !members[kind].valid(s, slen)) {
		msg = members[kind].bad_pattern;
		goto out;
	}
	out->kind = (enum verify_kind)kind;
	memcpy(out->value, s, slen);
	out->value[slen] = '\0';
	out->len = slen;
out:
	json_object_put(o);
	return msg;
}

void
verify_answer(const struct claims *c, const struct verify_body *b,
    struct response *r)
{
	bool	 match;

	match = b->kind == VERIFY_HASHED ?
	    phone_hash_equal(c->phone, b->value, b->len) :
	    phone_equal(c->phone, b->value, b->len);
	response_ok(r, match ? "{\"devicePhoneNumberVerified\":true}" :
	    "{\"devicePhoneNumberVerified\":false}");
}

void
verify_handle(const struct request *req, const struct claims *c,
    struct response *resp, enum api_version v)
{
	char			 body[BODY_MAX + 1];
	struct verify_body	 vb;
	enum body_err		 berr;
	const char		*msg;
	size_t			 len;

	memset(&vb, 0, sizeof(vb));
	if ((berr = request_body(req, body, BODY_MAX, &len)) != BODY_OK) {
		response_error(resp, v, berr == BODY_READ_ERROR ?
		    NVE_INTERNAL : NVE_INVALID_ARGUMENT, read_errors[berr]);
		goto out;
	}
	if (len == 0) {
		response_error(resp, v, NVE_INVALID_ARGUMENT,
		    "request body is missing");
		goto out;
	}
	if ((msg = verify_parse(body, len, &vb)) != NULL) {
		response_error(resp, v, NVE_INVALID_ARGUMENT, msg);
		goto out;
	}
	verify_answer(c, &vb, resp);
out:
	/* A failed read may have left bytes past len. */
	sodium_memzero(body, berr == BODY_OK ? len : sizeof(body));
	sodium_memzero(&vb, sizeof(vb));
}
