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
 *
 * The set grows as connections come (a web server opens more while its
 * kept ones are busy, and closes them after); only idle ones, with
 * nothing to read, count against max_idle and are closed beyond it: a
 * connection with a request waiting is never closed, as the web server
 * would not send a POST again (nginx answers 502).
 */

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "conns.h"

#define CONNS_FIRST	8	/* slots made at first */

void
conns_init(struct conns *cs, int ep, size_t max_idle)
{
	memset(cs, 0, sizeof(*cs));
	cs->ep = ep;
	cs->max_idle = max_idle;
}

/* Room for twice as many; the slots made so far stay where they are. */
static int
conns_grow(struct conns *cs)
{
	struct conn	**slot;
	struct pollfd	 *pfd;
	size_t		  i, n = cs->nslot == 0 ? CONNS_FIRST : cs->nslot * 2;

	if ((slot = realloc(cs->slot, n * sizeof(*slot))) == NULL)
		return -1;
	cs->slot = slot;
	if ((pfd = realloc(cs->pfd, n * sizeof(*pfd))) == NULL)
		return -1;
	cs->pfd = pfd;
	for (i = cs->nslot; i < n; i++) {
		if ((slot[i] = calloc(1, sizeof(*slot[i]))) == NULL)
			return -1;
		slot[i]->fd = -1;
		cs->nslot = i + 1;
	}
	return 0;
}

struct conn *
conns_open(struct conns *cs, int fd)
{
	struct conn	*c;
	size_t		 i;

	if (cs->open == cs->nslot && conns_grow(cs) == -1)
		return NULL;
	for (i = 0; i < cs->nslot; i++) {
		c = cs->slot[i];
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

/*
 * Beyond max_idle connections with nothing to read (keep, just served,
 * is one), closes the least recently used of them.  One poll() tells
 * the idle from those with a request waiting.
 */
static void
conns_trim(struct conns *cs, const struct conn *keep)
{
	struct conn	*c, *old;
	size_t		 i, oi = 0, idle = 1;

	for (i = 0; i < cs->nslot; i++) {
		c = cs->slot[i];
		cs->pfd[i].fd = c->fd >= 0 && c != keep ? c->fd : -1;
		cs->pfd[i].events = POLLIN;
		cs->pfd[i].revents = 0;
	}
	if (poll(cs->pfd, (nfds_t)cs->nslot, 0) == -1)
		return;
	for (i = 0; i < cs->nslot; i++)
		if (cs->pfd[i].fd >= 0 && cs->pfd[i].revents == 0)
			idle++;
	while (idle > cs->max_idle) {
		old = NULL;
		for (i = 0; i < cs->nslot; i++) {
			c = cs->slot[i];
			if (cs->pfd[i].fd < 0 || cs->pfd[i].revents != 0)
				continue;
			if (old == NULL || c->used < old->used) {
				old = c;
				oi = i;
			}
		}
		if (old == NULL)
			break;
		/* The web server finds it closed and opens another. */
		conns_close(cs, old);
		cs->pfd[oi].fd = -1;
		idle--;
	}
}

int
conns_idle(struct conns *cs, struct conn *c)
{
	struct epoll_event	 ev;
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
	if (cs->open > cs->max_idle)
		conns_trim(cs, c);
	return 0;
}

void
conns_free(struct conns *cs)
{
	size_t	 i;

	for (i = 0; i < cs->nslot; i++) {
		conns_close(cs, cs->slot[i]);
		free(cs->slot[i]);
	}
	free(cs->slot);
	free(cs->pfd);
	memset(cs, 0, sizeof(*cs));
}
