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
 * The request line is built by appending, not with printf: it is
 * written for every request, and vsnprintf's format walk cost more
 * than the rest of the line together.
 */
struct log_buf {
	char	 b[LOG_LINE_MAX];
	size_t	 len;
};

static void
put_str(struct log_buf *lb, const char *s)
{
	size_t	 n = strlen(s), room = sizeof(lb->b) - 1 - lb->len;

	if (n > room)
		n = room;
	memcpy(lb->b + lb->len, s, n);
	lb->len += n;
}

/*
 * Printable ASCII of what a client sent, up to the end, a byte of stop
 * or LOG_FIELD_MAX bytes, anything else replaced with '?'; "-" when
 * there is nothing.
 */
static void
put_clean(struct log_buf *lb, const char *s, const char *stop)
{
	size_t	 i;

	if (s == NULL || *s == '\0') {
		put_str(lb, "-");
		return;
	}
	for (i = 0; s[i] != '\0' && i < LOG_FIELD_MAX &&
	    lb->len < sizeof(lb->b) - 1 && strchr(stop, s[i]) == NULL; i++)
		lb->b[lb->len++] = (unsigned char)s[i] > 0x20 &&
		    (unsigned char)s[i] < 0x7f ? s[i] : '?';
}

static void
put_num(struct log_buf *lb, long long v)
{
	char			 d[24];
	size_t			 i = sizeof(d);
	unsigned long long	 u = v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v;

	d[--i] = '\0';
	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		d[--i] = '-';
	put_str(lb, d + i);
}

void
log_request_line(const struct log_request *r)
{
	struct log_buf	 lb;

	lb.len = 0;
	put_str(&lb, log_name);
	put_str(&lb, ": request: ");
	put_clean(&lb, r->method, "");
	put_str(&lb, " ");
	/* The query is the client's to fill, with a number for all we
	 * know: only the path is logged. */
	put_clean(&lb, r->path, "?#");
	put_str(&lb, " ");
	put_num(&lb, r->status);
	put_str(&lb, " ");
	put_str(&lb, r->code != NULL ? r->code : "-");
	if (r->detail != NULL) {
		put_str(&lb, " (");
		put_str(&lb, r->detail);
		put_str(&lb, ")");
	}
	put_str(&lb, " correlator=");
	put_clean(&lb, r->correlator, "");
	put_str(&lb, " ");
	put_num(&lb, r->usec);
	put_str(&lb, "us");
	lb.b[lb.len++] = '\n';
	log_write(lb.b, lb.len);
}
