/*
 * The FastCGI connections one worker holds: the connection in hand and
 * the kept ones (nginx's fastcgi_keep_conn, Apache's enablereuse)
 * waiting, idle, for their next request, each with its own libfcgi
 * request, watched by the worker's epoll set.
 */
#ifndef NV_CONNS_H
#define NV_CONNS_H

#include <poll.h>
#include <stddef.h>

#include <fcgiapp.h>

struct conn {
	FCGX_Request		 fr;
	unsigned long long	 used;	/* when it last had a request */
	int			 fd;	/* -1: a free slot */
	int			 watched; /* in the epoll set */
};

struct conns {
	struct conn		**slot;	/* each allocated once: never moves,
					   as epoll's data.ptr names it */
	struct pollfd		*pfd;	/* scratch, one per slot */
	size_t			 nslot;
	size_t			 open;
	size_t			 max_idle;
	unsigned long long	 clock;	/* counts requests: the LRU order */
	int			 ep;
};

/* Empty: slots are made as connections come. */
void		 conns_init(struct conns *, int ep, size_t max_idle);
/* A slot for a connection just accepted; NULL when out of memory. */
struct conn	*conns_open(struct conns *, int fd);
/*
 * After a request, or for a connection with none yet: a connection
 * libfcgi closed frees its slot, one still open waits in the epoll
 * set, and beyond max_idle the least recently used with nothing to
 * read is closed.
 * 0, or -1 (errno) when epoll refused to watch it (then closed).
 */
int		 conns_idle(struct conns *, struct conn *);
void		 conns_close(struct conns *, struct conn *);
/* Closes every connection still open. */
void		 conns_free(struct conns *);

#endif
