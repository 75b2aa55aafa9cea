/*
 * Log lines.  Each is formatted whole and written with one write(2),
 * so lines of workers sharing one error log never interleave.  What a
 * client sent (path, correlator) is cut short and stripped of control
 * bytes, so it cannot forge log lines; the token, the number and its
 * hash are never given to these functions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	1024
#define LOG_FIELD_MAX	128

static const char *log_name = "nv-fcgi";

void
log_set_name(const char *name)
{
	log_name = name;
}

static void
log_write(const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(STDERR_FILENO, buf, len);
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void
log_line(const char *level, const char *fmt, ...)
{
	char	 buf[LOG_LINE_MAX];
	va_list	 ap;
	int	 n, m;

	n = snprintf(buf, sizeof(buf), "%s: %s: ", log_name, level);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	log_write(buf, (size_t)n);
}

/*
 * Copies printable ASCII up to the end or a byte of stop, replacing
 * anything else with '?'.
 */
static const char *
clean(char out[LOG_FIELD_MAX + 1], const char *s, const char *stop)
{
	size_t	 i;

	if (s == NULL || *s == '\0')
		return "-";
	for (i = 0; s[i] != '\0' && i < LOG_FIELD_MAX &&
	    strchr(stop, s[i]) == NULL; i++)
		out[i] = (unsigned char)s[i] > 0x20 &&
		    (unsigned char)s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	return out;
}

void
log_request_line(const struct log_request *r)
{
	char	 method[LOG_FIELD_MAX + 1], path[LOG_FIELD_MAX + 1];
	char	 corr[LOG_FIELD_MAX + 1];

	log_line("request", "%s %s %d %s%s%s%s correlator=%s %lldus",
	    clean(method, r->method, ""),
	    /* The query is the client's to fill, with a number for all
	     * we know: only the path is logged. */
	    clean(path, r->path, "?#"), r->status,
	    r->code != NULL ? r->code : "-",
	    r->detail != NULL ? " (" : "", r->detail != NULL ? r->detail : "",
	    r->detail != NULL ? ")" : "",
	    clean(corr, r->correlator, ""), r->usec);
}
