/*
 * A bounded append buffer.  A piece that does not fit whole is dropped
 * and the buffer marked over: a caller that must not send half an
 * answer checks it, one that logs writes what fitted.  One byte is
 * always kept for the terminating NUL.
 */
#include <string.h>

#include "sbuf.h"

void
sbuf_init(struct sbuf *b, char *p, size_t max)
{
	b->p = p;
	b->len = 0;
	b->max = max;
	b->over = max == 0;
}

void
sbuf_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->over || n >= b->max - b->len) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void
sbuf_str(struct sbuf *b, const char *s)
{
	sbuf_put(b, s, strlen(s));
}

void
sbuf_num(struct sbuf *b, unsigned long long v)
{
	char	 d[24];
	size_t	 i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sbuf_put(b, d + i, sizeof(d) - i);
}

/* NUL-terminates what was written; returns its length. */
size_t
sbuf_end(struct sbuf *b)
{
	if (b->max > 0)
		b->p[b->len] = '\0';
	return b->len;
}
