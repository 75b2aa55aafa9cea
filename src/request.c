/*
 * The request: CGI variables picked from the environment block in one
 * pass, and the body read with a hard limit.  With a Content-Length
 * over the limit nothing is read at all; without one (FastCGI may
 * stream), one byte past the limit is read to know it was exceeded.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

#define VAR(s)	{ s, sizeof(s) - 1 }

static const struct {
	const char	*name;
	size_t		 len;
} vars[RV__MAX] = {
	[RV_METHOD] = VAR("REQUEST_METHOD"),
	[RV_SCRIPT_NAME] = VAR("SCRIPT_NAME"),
	[RV_PATH_INFO] = VAR("PATH_INFO"),
	[RV_REQUEST_URI] = VAR("REQUEST_URI"),
	[RV_AUTHORIZATION] = VAR("HTTP_AUTHORIZATION"),
	[RV_ACCEPT] = VAR("HTTP_ACCEPT"),
	[RV_CONTENT_TYPE] = VAR("CONTENT_TYPE"),
	[RV_CONTENT_LENGTH] = VAR("CONTENT_LENGTH"),
	[RV_CORRELATOR] = VAR("HTTP_X_CORRELATOR"),
};

/*
 * A web server passes thirty variables or so and this reads nine: the
 * first byte rules most pairs out before any string compare.
 */
void
request_from_env(struct request *r, char *const *envp)
{
	size_t	 n;
	int	 i;

	memset(r->var, 0, sizeof(r->var));
	r->repeated = 0;
	for (; envp != NULL && *envp != NULL; envp++)
		for (i = 0; i < RV__MAX; i++) {
			n = vars[i].len;
			if ((*envp)[0] == vars[i].name[0] &&
			    strncmp(*envp, vars[i].name, n) == 0 &&
			    (*envp)[n] == '=') {
				/*
				 * The first one wins, as with getenv(3), but
				 * a repeat is recorded: FastCGI parameters
				 * may repeat, and lighttpd passes both
				 * X-Correlator and X_Correlator as
				 * HTTP_X_CORRELATOR, so which one the
				 * client meant is unknown.
				 */
				if (r->var[i] == NULL)
					r->var[i] = *envp + n + 1;
				else
					r->repeated |= 1u << i;
				break;
			}
		}
}

/*
 * Digits only.  A number past SIZE_MAX is still a number: it saturates,
 * so that it is answered as too large rather than as not a number.
 */
static int
parse_length(const char *s, size_t *out)
{
	size_t	 n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (n > (SIZE_MAX - 9) / 10)
			n = SIZE_MAX;
		else
			n = n * 10 + (size_t)(*s - '0');
	}
	*out = n;
	return 0;
}

static enum body_err
read_upto(const struct request *r, char *buf, size_t want, size_t *got)
{
	ssize_t	 n;

	*got = 0;
	while (*got < want) {
		n = r->read(r->read_ctx, buf + *got, want - *got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == ETIMEDOUT)
			return BODY_TIMEOUT;
		if (n < 0)
			return BODY_READ_ERROR;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return BODY_OK;
}

enum body_err
request_body(const struct request *r, char *buf, size_t max, size_t *len)
{
	const char	*cl = r->var[RV_CONTENT_LENGTH];
	size_t		 want, got;
	enum body_err	 rc;

	*len = 0;
	if (cl != NULL && *cl != '\0') {
		if (parse_length(cl, &want) == -1)
			return BODY_BAD_LENGTH;
		if (want > max)
			return BODY_TOO_LARGE;
		if ((rc = read_upto(r, buf, want, &got)) != BODY_OK)
			return rc;
		*len = got;
		return got < want ? BODY_SHORT : BODY_OK;
	}
	/* CGI without Content-Length has no body (RFC 3875 4.2). */
	if (!r->body_until_eof || r->read == NULL)
		return BODY_OK;
	if ((rc = read_upto(r, buf, max + 1, &got)) != BODY_OK)
		return rc;
	if (got > max)
		return BODY_TOO_LARGE;
	*len = got;
	return BODY_OK;
}
