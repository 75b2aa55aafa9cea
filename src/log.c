/*
 * Log lines.  Each is formatted whole and written with one write(2),
 * so lines of workers sharing one error log never interleave.  What a
 * client sent (path, correlator) is cut short and stripped of control
 * bytes, so it cannot forge log lines; the token, the number and its
 * hash are never given to these functions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sbuf.h"

#define LOG_LINE_MAX	1024
#define LOG_FIELD_MAX	128

static const char *log_name = "nv-fcgi";

void
log_set_name(const char *name)
{
	log_name = name;
}

/*
 * An interrupted write is tried again: the request deadline's SIGALRM
 * comes without SA_RESTART, and a line lost to it is the very line
 * that says why a request was cut.  stderr is the server's, not a
 * client's, so waiting on it cannot be forced by a request.
 */
static void
log_write(const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(STDERR_FILENO, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
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
 * Printable ASCII of what a client sent, up to the end, a byte of stop
 * or LOG_FIELD_MAX bytes, anything else replaced with '?'; "-" when
 * there is nothing.
 */
static void
put_clean(struct sbuf *b, const char *s, const char *stop)
{
	char	 out[LOG_FIELD_MAX];
	size_t	 i;

	if (s == NULL || *s == '\0') {
		sbuf_put(b, "-", 1);
		return;
	}
	for (i = 0; s[i] != '\0' && i < LOG_FIELD_MAX &&
	    strchr(stop, s[i]) == NULL; i++)
		out[i] = (unsigned char)s[i] > 0x20 &&
		    (unsigned char)s[i] < 0x7f ? s[i] : '?';
	sbuf_put(b, out, i);
}

/*
 * Built by appending, not with printf: it is written for every
 * request, and vsnprintf's format walk cost more than the rest of the
 * line together.  The fields are bounded, so the line always fits.
 */
void
log_request_line(const struct log_request *r)
{
	char		 line[LOG_LINE_MAX];
	struct sbuf	 b;

	sbuf_init(&b, line, sizeof(line) - 1);	/* room for the newline */
	sbuf_str(&b, log_name);
	sbuf_str(&b, ": request: ");
	put_clean(&b, r->method, "");
	sbuf_put(&b, " ", 1);
	/* The query is the client's to fill, with a number for all we
	 * know: only the path is logged. */
	put_clean(&b, r->path, "?#");
	sbuf_put(&b, " ", 1);
	sbuf_num(&b, (unsigned)r->status);
	sbuf_put(&b, " ", 1);
	sbuf_str(&b, r->code != NULL ? r->code : "-");
	if (r->detail != NULL) {
		sbuf_str(&b, " (");
		sbuf_str(&b, r->detail);
		sbuf_put(&b, ")", 1);
	}
	sbuf_str(&b, " correlator=");
	put_clean(&b, r->correlator, "");
	sbuf_put(&b, " ", 1);
	sbuf_num(&b, r->usec > 0 ? (unsigned long long)r->usec : 0);
	sbuf_str(&b, "us");
	line[b.len++] = '\n';
	log_write(line, b.len);
}
