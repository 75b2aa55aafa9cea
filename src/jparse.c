/*
 * One strict JSON object from untrusted bytes.  json-c parses; this
 * file adds what json-c lets through: embedded NULs, trailing bytes
 * and, above all, duplicated member names, which json-c resolves by
 * silently keeping the last one.  A client could otherwise send
 * {"phoneNumber":"+1…","phoneNumber":"+2…"} and have two parsers
 * (a gateway's and ours) disagree about what was asked.  It also
 * refuses what json-c's strict mode still accepts: single quotes, NaN,
 * raw control bytes, overlong or surrogate UTF-8, and member names
 * holding "\u0000", which json-c would cut there.
 */
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

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
	[JPARSE_NAME_NUL] = "has a member name holding U+0000",
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
 * The length of the UTF-8 sequence at p, or 0 when RFC 3629 forbids
 * it: a stray continuation byte, a lead byte without its continuation
 * bytes, an overlong form (C0, C1, E0 80-9F, F0 80-8F), a surrogate
 * (ED A0-BF) or a code point past U+10FFFF (F4 90-, F5-).  json-c's
 * own check only counts continuation bytes and lets most of these
 * through, so it is off and this one decides.
 */
static size_t
utf8_len(const unsigned char *p, size_t left)
{
	unsigned char	 c = p[0], lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * What each byte is outside a string.  JSON has only white space,
 * punctuation, numbers and the letters of true, false, null and
 * exponents there; 0 is anything else.  Inside a string, S_PLAIN
 * marks the bytes that need no look: printable ASCII but '"' and '\'.
 */
enum {
	T_BAD = 0, T_OK, T_QUOTE, T_DOT, T_OPEN, T_CLOSE, T_COLON,
	S_PLAIN = 0x10,
};

static const unsigned char byte_class[256] = {
	['\t'] = T_OK, ['\n'] = T_OK, ['\r'] = T_OK, [' '] = T_OK | S_PLAIN,
	['!'] = S_PLAIN, ['"'] = T_QUOTE,
	['#'] = S_PLAIN, ['$'] = S_PLAIN, ['%'] = S_PLAIN, ['&'] = S_PLAIN,
	['\''] = S_PLAIN, ['('] = S_PLAIN, [')'] = S_PLAIN, ['*'] = S_PLAIN,
	['+'] = T_OK | S_PLAIN, [','] = T_OK | S_PLAIN,
	['-'] = T_OK | S_PLAIN, ['.'] = T_DOT | S_PLAIN, ['/'] = S_PLAIN,
	['0'] = T_OK | S_PLAIN, ['1'] = T_OK | S_PLAIN,
	['2'] = T_OK | S_PLAIN, ['3'] = T_OK | S_PLAIN,
	['4'] = T_OK | S_PLAIN, ['5'] = T_OK | S_PLAIN,
	['6'] = T_OK | S_PLAIN, ['7'] = T_OK | S_PLAIN,
	['8'] = T_OK | S_PLAIN, ['9'] = T_OK | S_PLAIN,
	[':'] = T_COLON | S_PLAIN, [';'] = S_PLAIN, ['<'] = S_PLAIN,
	['='] = S_PLAIN, ['>'] = S_PLAIN, ['?'] = S_PLAIN, ['@'] = S_PLAIN,
	['A'] = S_PLAIN, ['B'] = S_PLAIN, ['C'] = S_PLAIN, ['D'] = S_PLAIN,
	['E'] = T_OK | S_PLAIN, ['F'] = S_PLAIN, ['G'] = S_PLAIN,
	['H'] = S_PLAIN, ['I'] = S_PLAIN, ['J'] = S_PLAIN, ['K'] = S_PLAIN,
	['L'] = S_PLAIN, ['M'] = S_PLAIN, ['N'] = S_PLAIN, ['O'] = S_PLAIN,
	['P'] = S_PLAIN, ['Q'] = S_PLAIN, ['R'] = S_PLAIN, ['S'] = S_PLAIN,
	['T'] = S_PLAIN, ['U'] = S_PLAIN, ['V'] = S_PLAIN, ['W'] = S_PLAIN,
	['X'] = S_PLAIN, ['Y'] = S_PLAIN, ['Z'] = S_PLAIN,
	['['] = T_OPEN | S_PLAIN, [']'] = T_CLOSE | S_PLAIN,
	['^'] = S_PLAIN, ['_'] = S_PLAIN, ['`'] = S_PLAIN,
	['a'] = T_OK | S_PLAIN, ['b'] = S_PLAIN, ['c'] = S_PLAIN,
	['d'] = S_PLAIN, ['e'] = T_OK | S_PLAIN, ['f'] = T_OK | S_PLAIN,
	['g'] = S_PLAIN, ['h'] = S_PLAIN, ['i'] = S_PLAIN, ['j'] = S_PLAIN,
	['k'] = S_PLAIN, ['l'] = T_OK | S_PLAIN, ['m'] = S_PLAIN,
	['n'] = T_OK | S_PLAIN, ['o'] = S_PLAIN, ['p'] = S_PLAIN,
	['q'] = S_PLAIN, ['r'] = T_OK | S_PLAIN, ['s'] = T_OK | S_PLAIN,
	['t'] = T_OK | S_PLAIN, ['u'] = T_OK | S_PLAIN, ['v'] = S_PLAIN,
	['w'] = S_PLAIN, ['x'] = S_PLAIN, ['y'] = S_PLAIN, ['z'] = S_PLAIN,
	['{'] = T_OPEN | S_PLAIN, ['|'] = S_PLAIN, ['}'] = T_CLOSE | S_PLAIN,
	['~'] = S_PLAIN, [0x7f] = S_PLAIN,
};

/*
 * One pass over the raw text of a value json-c has accepted: counts
 * the members of the outermost object (every ':' outside a string at
 * depth 1 starts one), and refuses what json-c's strict mode still
 * lets through but RFC 8259 does not: single-quoted names, NaN and
 * Infinity, a number ending in '.', raw control bytes in strings, and
 * UTF-8 that is not.  Returns the member count, or -1.
 *
 * It also returns -2 for a member name holding "\u0000" at any depth.
 * json-c copies names with strdup, so "phoneNumber\u0000x" would be
 * read as "phoneNumber" by every lookup.  The last string before a
 * ':' is always a name, so a string's escapes are remembered until
 * the next one.
 */
static long
scan_text(const char *text, size_t len)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i = 0, n;
	long			 members = 0;
	int			 depth = 0, nul = 0;

	while (i < len) {
		switch (byte_class[s[i]] & 0x0f) {
		case T_BAD:
			return -1;
		case T_QUOTE:
			/* The string, up to its closing quote. */
			for (nul = 0, i++; i < len; ) {
				if (byte_class[s[i]] & S_PLAIN)
					i++;
				else if (s[i] == '"')
					break;
				else if (s[i] == '\\') {
					/* json-c checked the escape. */
					if (len - i >= 6 &&
					    memcmp(s + i + 1, "u0000", 5) == 0)
						nul = 1;
					i += 2;
				} else if (s[i] < 0x80 ||
				    (n = utf8_len(s + i, len - i)) == 0)
					return -1;
				else
					i += n;
			}
			break;
		case T_DOT:
			if (i + 1 == len || s[i + 1] < '0' || s[i + 1] > '9')
				return -1;
			break;
		case T_OPEN:
			depth++;
			break;
		case T_CLOSE:
			depth--;
			break;
		case T_COLON:
			if (nul)
				return -2;
			if (depth == 1)
				members++;
			break;
		default:
			break;
		}
		i++;
	}
	return members;
}

/*
 * One tokener for the process, reset before each parse: a new one per
 * parse costs four allocations on every request.  The worker handles
 * one request at a time, and nothing here is used from threads.
 */
static struct json_tokener	*jparse_tok;

/*
 * json-c parses numbers in the "C" locale whatever the thread's is: on
 * every parse it duplicates the thread's locale, makes a "C" one from
 * it, switches, and frees it after (an allocation and some 3,500
 * instructions, twice a request).  glibc answers all of that at once,
 * allocating nothing, when the thread already uses its built-in "C"
 * locale object.  No program here calls setlocale(3), so the locale is
 * "C" already: running the thread in the built-in object changes no
 * answer, only what json-c pays.
 */
static void
jparse_c_locale(void)
{
	locale_t	 c = newlocale(LC_ALL_MASK, "C", (locale_t)0);

	if (c != (locale_t)0)
		uselocale(c);
}

/*
 * json-c assembles every string and member name in the tokener's
 * buffer, keeps that buffer across resets and frees it without
 * clearing: a body's number, a claim set's, a decryption key's "d"
 * would stay there until a longer string overwrites them, and in freed
 * memory after.  json-c has no call for it, so the buffer is reached
 * through the tokener's fields, public in json_tokener.h.
 */
static void
jparse_wipe(struct json_tokener *tok)
{
	if (tok->pb != NULL && tok->pb->buf != NULL && tok->pb->size > 0)
		sodium_memzero(tok->pb->buf, (size_t)tok->pb->size);
}

/* Called by json-c as it frees a string the parse made: clears it. */
static void
jparse_wipe_string(struct json_object *o, void *unused)
{
	(void)unused;
	sodium_memzero((void *)(uintptr_t)json_object_get_string(o),
	    (size_t)json_object_get_string_len(o));
}

/*
 * json-c frees a string's copy without clearing it either, and the
 * callers cannot all reach every string (the claims' phone number, a
 * body's, a key's "d").  A delete hook on each string of the parsed
 * tree clears it whenever the tree is freed, by whoever frees it.  The
 * tree is a tree: each string is armed once (json-c would call an
 * earlier hook when a second is set).  Depth is bounded by the parse.
 */
static void
jparse_arm(struct json_object *o)
{
	size_t	 i, n;

	switch (json_object_get_type(o)) {
	case json_type_string:
		json_object_set_userdata(o, NULL, jparse_wipe_string);
		break;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			jparse_arm(json_object_array_get_idx(o, i));
		break;
	case json_type_object: {
		json_object_object_foreach(o, name, v) {
			(void)name;
			jparse_arm(v);
		}
		break;
	}
	default:
		break;
	}
}

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
	jparse_c_locale();
	json_tokener_set_flags(jparse_tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_ALLOW_TRAILING_CHARS);
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
		rc = members == -2 ? JPARSE_NAME_NUL : JPARSE_SYNTAX;
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
	jparse_arm(obj);
	*out = obj;
	obj = NULL;
	rc = JPARSE_OK;
out:
	json_object_put(obj);
	jparse_wipe(tok);
	/* Drops what a failed parse left half built. */
	json_tokener_reset(tok);
	return rc;
}

const char *
jparse_member(struct json_object *o, const char *name, size_t *len,
    int *present)
{
	struct json_object	*v;
	const char		*s;
	size_t			 n;
	int			 here;

	here = json_object_object_get_ex(o, name, &v);
	if (present != NULL)
		*present = here;
	if (!here || !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (strlen(s) != n)
		return NULL;
	if (len != NULL)
		*len = n;
	return s;
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
