/*
 * Building and serializing answers.  Every answer carries
 * Content-Type: application/json and Cache-Control: no-store: the
 * success bodies hold personal data, and the errors must not be
 * cached in their place.  Error bodies are built with json-c, so a
 * message can never break out of its string.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "response.h"

void
response_init(struct response *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 500;
}

void
response_json(struct response *r, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(r->body, sizeof(r->body), fmt, ap);
	va_end(ap);
	r->status = 200;
	r->is_error = 0;
	r->body_len = n < 0 ? 0 : (size_t)n >= sizeof(r->body) ?
	    sizeof(r->body) - 1 : (size_t)n;
}

/*
 * An ErrorInfo body: {"status":N,"code":"…","message":"…"}.  A NULL
 * message takes the table's; a 400 passes its own, saying exactly what
 * was wrong.
 */
void
response_error(struct response *r, enum api_version v, enum nv_error e,
    const char *message)
{
	const struct error_info	*info = errors_get(v, e);
	struct json_object	*o;
	const char		*s;
	size_t			 len;

	r->status = info->status;
	r->is_error = 1;
	r->error = e;
	r->code = info->code;
	o = json_object_new_object();
	if (o == NULL)
		goto fallback;
	json_object_object_add(o, "status", json_object_new_int(info->status));
	json_object_object_add(o, "code", json_object_new_string(info->code));
	json_object_object_add(o, "message", json_object_new_string(
	    message != NULL ? message : info->message));
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || len >= sizeof(r->body)) {
		json_object_put(o);
		goto fallback;
	}
	memcpy(r->body, s, len + 1);
	r->body_len = len;
	json_object_put(o);
	return;
fallback:
	/* Out of memory: still a well-formed answer of the right status. */
	r->body_len = (size_t)snprintf(r->body, sizeof(r->body),
	    "{\"status\":%d,\"code\":\"%s\",\"message\":\"%s\"}",
	    info->status, info->code, info->message);
}

size_t
response_serialize(const struct response *r, char *out, size_t outmax)
{
	int	 n;

	n = snprintf(out, outmax,
	    "Status: %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s%s%s"
	    "%s%s%s"
	    "%s%s%s"
	    "Content-Length: %zu\r\n"
	    "\r\n"
	    "%.*s",
	    r->status, errors_reason(r->status),
	    r->allow != NULL ? "Allow: " : "",
	    r->allow != NULL ? r->allow : "",
	    r->allow != NULL ? "\r\n" : "",
	    r->www_authenticate[0] != '\0' ? "WWW-Authenticate: " : "",
	    r->www_authenticate,
	    r->www_authenticate[0] != '\0' ? "\r\n" : "",
	    r->correlator != NULL ? "x-correlator: " : "",
	    r->correlator != NULL ? r->correlator : "",
	    r->correlator != NULL ? "\r\n" : "",
	    r->body_len, (int)r->body_len, r->body);
	if (n < 0 || (size_t)n >= outmax)
		return 0;
	return (size_t)n;
}
