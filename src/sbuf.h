/*
 * Appending to a fixed buffer without printf, for what is written on
 * every request (the answer, the request's log line).
 */
#ifndef NV_SBUF_H
#define NV_SBUF_H

#include <stddef.h>

struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 max;
	int	 over;		/* a piece did not fit and was dropped */
};

void	sbuf_init(struct sbuf *, char *, size_t);
void	sbuf_put(struct sbuf *, const char *, size_t);
void	sbuf_str(struct sbuf *, const char *);
void	sbuf_num(struct sbuf *, unsigned long long);
size_t	sbuf_end(struct sbuf *);

#endif
