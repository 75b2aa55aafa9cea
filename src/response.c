/*
 * Building and serializing answers.  Every API answer carries
 * Content-Type: application/json (the metrics their own text type)
 * and Cache-Control: no-store: the
 * success bodies hold personal data, and the errors must not be
 * cached in their place.  Error bodies are built with json-c, so a
 * message can never break out of its string.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "response.h"
#include "sbuf.h"

void
response_init(struct response *r)
{
	/* All but the body buffer, which only body_len bytes of count. */
	memset(r, 0, offsetof(struct response, body));
	r->body[0] = '\0';
	r->body_len = 0;
	r->status = 500;
}

/* The body may hold the number: wiped, as far as it was written. */
void
response_wipe(struct response *r)
{
	sodium_memzero(r->body, r->body_len < sizeof(r->body) ?
	    r->body_len + 1 : sizeof(r->body));
	r->body_len = 0;
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

/* A 200 answer whose body is a fixed JSON text. */
void
response_ok(struct response *r, const char *json)
{
	size_t	 n = strlen(json);

	if (n >= sizeof(r->body))
		n = sizeof(r->body) - 1;
	memcpy(r->body, json, n);
	r->body[n] = '\0';
	r->body_len = n;
	r->status = 200;
	r->is_error = 0;
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

static void
put_header(struct sbuf *o, const char *name, const char *value)
{
	if (value == NULL)
		return;
	sbuf_str(o, name);
	sbuf_str(o, value);
	sbuf_put(o, "\r\n", 2);
}

/*
 * The CGI answer, headers and body, NUL-terminated; 0 when it does not
 * fit in outmax bytes with the NUL.  Built by appending: it runs for
 * every request, and a printf of fourteen arguments cost more than the
 * rest of the answer together.
 */
size_t
response_serialize(const struct response *r, char *out, size_t outmax)
{
	struct sbuf	 o;

	sbuf_init(&o, out, outmax);
	sbuf_str(&o, "Status: ");
	sbuf_num(&o, (unsigned)r->status);
	sbuf_put(&o, " ", 1);
	sbuf_str(&o, errors_reason(r->status));
	sbuf_str(&o, "\r\nContent-Type: ");
	sbuf_str(&o, r->content_type != NULL ? r->content_type :
	    "application/json");
	sbuf_str(&o, "\r\nCache-Control: no-store\r\n");
	put_header(&o, "Allow: ", r->allow);
	put_header(&o, "WWW-Authenticate: ", r->www_authenticate[0] != '\0' ?
	    r->www_authenticate : NULL);
	put_header(&o, "x-correlator: ", r->correlator);
	sbuf_str(&o, "Content-Length: ");
	sbuf_num(&o, r->text != NULL ? r->text_len : r->body_len);
	sbuf_str(&o, "\r\n\r\n");
	if (!r->head)
		sbuf_put(&o, r->text != NULL ? r->text : r->body,
		    r->text != NULL ? r->text_len : r->body_len);
	return o.over ? 0 : sbuf_end(&o);
}
