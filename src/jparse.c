/*
 * One strict JSON object from untrusted bytes.  json-c parses; this
 * file adds what json-c lets through: embedded NULs, trailing bytes
 * and, above all, duplicated member names, which json-c resolves by
 * silently keeping the last one.  A client could otherwise send
 * {"phoneNumber":"+1…","phoneNumber":"+2…"} and have two parsers
 * (a gateway's and ours) disagree about what was asked.
 */
#include <limits.h>
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
 * Counts the members of the outermost object in the raw text: every
 * ':' outside a string at depth 1 starts one.  The text has already
 * parsed, but json-c takes single-quoted strings even in strict mode,
 * which JSON (RFC 8259) does not: a quote outside a string returns -1.
 */
static long
count_top_members(const char *s, size_t len)
{
	size_t	 i;
	long	 n = 0;
	int	 depth = 0, in_str = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			break;
		case '\'':
			return -1;
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
	if ((tok = json_tokener_new_ex(JPARSE_DEPTH_MAX)) == NULL)
		return JPARSE_NOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, s, (int)len);
	jerr = json_tokener_get_error(tok);
	if (obj == NULL || jerr != json_tokener_success) {
		rc = jerr == json_tokener_error_depth ? JPARSE_DEPTH :
		    JPARSE_SYNTAX;
		goto out;
	}
	end = json_tokener_get_parse_end(tok);
	for (i = end; i < len && is_space(s[i]); i++)
		continue;
	if (i != len) {
		rc = JPARSE_TRAILING;
		goto out;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		rc = JPARSE_NOT_OBJECT;
		goto out;
	}
	if ((members = count_top_members(s, end)) == -1) {
		rc = JPARSE_SYNTAX;
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
	json_tokener_free(tok);
	return rc;
}
