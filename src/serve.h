/*
 * Serving requests once start-up is done: the FastCGI loop on a
 * listening socket, or one CGI request on the process's own
 * environment and standard input.
 */
#ifndef NV_SERVE_H
#define NV_SERVE_H

#include "keys.h"
#include "service.h"

/* SIGTERM, SIGINT, SIGALRM (the deadline), SIGHUP (reload), SIGPIPE. */
void	serve_signals(void);
/* Both return the process's exit status. */
int	serve_cgi(const struct service *, long timeout);
/* max_idle (at least 1): kept connections waiting, beyond which the
 * least recently used is closed. */
int	serve_fcgi(const struct service *, struct keys *, int sock,
	    long timeout, long max_idle);

#endif
