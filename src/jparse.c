/*
 * One strict JSON object from untrusted bytes.  json-c parses; this
 * file adds what json-c lets through: embedded NULs, trailing bytes
 * and, above all, duplicated member names, which json-c resolves by
 * silently keeping the last one.  A client could otherwise send
 * {"phoneNumber":"+1…","phoneNumber":"+2…"} and have two parsers
 * (a gateway's and ours) disagree about what was asked.  It also
 * refuses what json-c's strict mode still accepts: single quotes, NaN,
 * raw control bytes, overlong or surrogate UTF-8.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "jparse.h"

static const char *const jparse_messages[JPARSE__MAX] = {
	[JPARSE_OK] = "ok",
	[JPARSE_EMPTY] = "is empty",
	[JPARSE_NUL] = "contains a NUL byte",
	[JPARSE_SYNTAX] = "is not valid JSON",
	[JPARSE_DEPTH] = "is nested too deeply",
	[JPARSE_TRAILING] = "has bytes after the JSON object",
	[JPARSE_NOT_OBJECT] = "is not a JSON object",
	[JPARSE_DUPLICATE] = "has a duplicated member",
	[JPARSE_NOMEM] = "could not be parsed: out of memory",
};

const char *
jparse_strerror(enum jparse_err e)
{
	return (unsigned)e < JPARSE__MAX ? jparse_messages[e] : "?";
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * json-c's UTF-8 check only counts continuation bytes; what it lets
 * through and RFC 3629 forbids is decided by the lead byte and the
 * byte after it: overlong forms (C0, C1, E0 80-9F, F0 80-8F),
 * surrogates (ED A0-BF) and code points past U+10FFFF (F4 90-, F5-).
 */
static int
utf8_lead_ok(const char *p, size_t left)
{
	unsigned char	 c = (unsigned char)p[0], d;

	if (c < 0x80)
		return 1;
	if (c == 0xc0 || c == 0xc1 || c >= 0xf5)
		return 0;
	if (left < 2)
		return c < 0xc0;	/* a continuation byte */
	d = (unsigned char)p[1];
	return !((c == 0xe0 && d < 0xa0) || (c == 0xed && d > 0x9f) ||
	    (c == 0xf0 && d < 0x90) || (c == 0xf4 && d > 0x8f));
}

/*
 * One pass over the raw text of a value json-c has accepted: counts
 * the members of the outermost object (every ':' outside a string at
 * depth 1 starts one), and refuses what json-c's strict mode still
 * lets through but RFC 8259 does not: single-quoted names, NaN and
 * Infinity, a number ending in '.', raw control bytes in strings.
 * Outside strings, JSON has only white space, punctuation, numbers
 * and the letters of true, false, null and exponents.  Returns the
 * member count, or -1.
 */
static long
scan_text(const char *s, size_t len)
{
	size_t	 i;
	long	 n = 0;
	int	 depth = 0, in_str = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if ((unsigned char)c < 0x20 ||
			    !utf8_lead_ok(s + i, len - i))
				return -1;
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (strchr(" \t\r\n{}[]:,\"0123456789+-.eEtrufalsn", c) == NULL)
			return -1;
		switch (c) {
		case '"':
			in_str = 1;
			break;
		case '.':
			if (i + 1 == len || s[i + 1] < '0' || s[i + 1] > '9')
				return -1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		case ':':
			if (depth == 1)
				n++;
			break;
		default:
			break;
		}
	}
	return n;
}

/*
 * One tokener for the process, reset before each parse: a new one per
 * parse costs four allocations on every request.  The worker handles
 * one request at a time, and nothing here is used from threads.
 */
static struct json_tokener	*jparse_tok;

static void
jparse_release(void)
{
	json_tokener_free(jparse_tok);
	jparse_tok = NULL;
}

static struct json_tokener *
jparse_tokener(void)
{
	if (jparse_tok != NULL) {
		json_tokener_reset(jparse_tok);
		return jparse_tok;
	}
	if ((jparse_tok = json_tokener_new_ex(JPARSE_DEPTH_MAX)) == NULL)
		return NULL;
	json_tokener_set_flags(jparse_tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS | JSON_TOKENER_VALIDATE_UTF8);
	atexit(jparse_release);
	return jparse_tok;
}

enum jparse_err
jparse_object(const char *s, size_t len, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*obj = NULL;
	enum json_tokener_error	 jerr;
	enum jparse_err		 rc;
	size_t			 i, end;
	long			 members;

	*out = NULL;
	for (i = 0; i < len && is_space(s[i]); i++)
		continue;
	if (i == len)
		return JPARSE_EMPTY;
	if (memchr(s, '\0', len) != NULL)
		return JPARSE_NUL;
	if (len > INT_MAX)
		return JPARSE_SYNTAX;
	if ((tok = jparse_tokener()) == NULL)
		return JPARSE_NOMEM;
	obj = json_tokener_parse_ex(tok, s, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	/* A number at the very end is complete only once json-c is told
	 * that the input ends: a NUL byte says so. */
	if (obj == NULL && jerr == json_tokener_continue) {
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	if (jerr != json_tokener_success) {
		rc = jerr == json_tokener_error_depth ? JPARSE_DEPTH :
		    JPARSE_SYNTAX;
		goto out;
	}
	if ((members = scan_text(s, end)) < 0) {
		rc = JPARSE_SYNTAX;
		goto out;
	}
	for (i = end; i < len && is_space(s[i]); i++)
		continue;
	if (i != len) {
		rc = JPARSE_TRAILING;
		goto out;
	}
	/* json-c returns a JSON null as NULL. */
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		rc = JPARSE_NOT_OBJECT;
		goto out;
	}
	if (members != json_object_object_length(obj)) {
		rc = JPARSE_DUPLICATE;
		goto out;
	}
	*out = obj;
	obj = NULL;
	rc = JPARSE_OK;
out:
	json_object_put(obj);
	/* Drops what a failed parse left half built. */
	json_tokener_reset(tok);
	return rc;
}

const char *
jparse_string(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
