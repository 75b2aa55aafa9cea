/*
 * The connection set of one FastCGI worker (conns.h).
 *
 * A web server that keeps its FastCGI connections (nginx
 * fastcgi_keep_conn with an upstream keepalive, Apache's enablereuse)
 * holds several open to each worker at once, and sends a request on
 * any of them.  Each has its own FCGX_Request here: libfcgi 2.4's
 * FCGX_Accept_r() reads the next request on req->ipcFd when that is
 * open and the last request kept the connection, which is how libfcgi
 * itself keeps one connection; the worker gives it the one epoll found
 * readable.  A request's listen_sock is -1: at the end of a connection
 * FCGX_Accept_r() then fails (EBADF) instead of accepting a new one
 * behind the loop's back.
 *
 * A connection is closed by close() alone, which also takes it out of
 * the epoll set: the worker never forks or dups a connection, so that
 * descriptor is the only reference to it.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "conns.h"

int
conns_init(struct conns *cs, int ep, size_t max_idle)
{
	size_t	 i;

	memset(cs, 0, sizeof(*cs));
	cs->ep = ep;
	cs->nslot = max_idle + 1;
	if ((cs->slot = calloc(cs->nslot, sizeof(*cs->slot))) == NULL)
		return -1;
	for (i = 0; i < cs->nslot; i++)
		cs->slot[i].fd = -1;
	return 0;
}

struct conn *
conns_open(struct conns *cs, int fd)
{
	struct conn	*c;
	size_t		 i;

	for (i = 0; i < cs->nslot; i++) {
		c = &cs->slot[i];
		if (c->fd >= 0)
			continue;
		FCGX_InitRequest(&c->fr, -1, 0);
		c->fr.ipcFd = fd;
		/*
		 * FCGX_Accept_r() first ends the request before, and closes
		 * the connection unless that request kept it: as if one had.
		 */
		c->fr.keepConnection = 1;
		c->fd = fd;
		c->watched = 0;
		c->used = ++cs->clock;
		cs->open++;
		return c;
	}
	return NULL;
}

void
conns_close(struct conns *cs, struct conn *c)
{
	if (c->fd < 0)
		return;
	/* Nothing is pending on an idle connection: no lingering close. */
	FCGX_Free(&c->fr, 0);
	close(c->fd);
	c->fr.ipcFd = -1;
	c->fd = -1;
	c->watched = 0;
	cs->open--;
}

/* The least recently used connection other than keep, or NULL. */
static struct conn *
conns_oldest(struct conns *cs, const struct conn *keep)
{
	struct conn	*c, *old = NULL;
	size_t		 i;

	for (i = 0; i < cs->nslot; i++) {
		c = &cs->slot[i];
		if (c->fd < 0 || c == keep)
			continue;
		if (old == NULL || c->used < old->used)
			old = c;
	}
	return old;
}

int
conns_idle(struct conns *cs, struct conn *c)
{
	struct epoll_event	 ev;
	struct conn		*old;
	int			 e;

	if (c->fr.ipcFd < 0) {
		/* libfcgi closed it: the peer's choice, an end, an error. */
		c->fd = -1;
		c->watched = 0;
		cs->open--;
		return 0;
	}
	c->used = ++cs->clock;
	if (!c->watched) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(cs->ep, EPOLL_CTL_ADD, c->fd, &ev) == -1) {
			e = errno;
			conns_close(cs, c);
			errno = e;
			return -1;
		}
		c->watched = 1;
	}
	/* The web server finds it closed and opens another. */
	while (cs->open > cs->nslot - 1 &&
	    (old = conns_oldest(cs, c)) != NULL)
		conns_close(cs, old);
	return 0;
}

void
conns_free(struct conns *cs)
{
	size_t	 i;

	for (i = 0; cs->slot != NULL && i < cs->nslot; i++)
		conns_close(cs, &cs->slot[i]);
	free(cs->slot);
	cs->slot = NULL;
}
