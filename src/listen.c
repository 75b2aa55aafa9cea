/*
 * Opening the listening socket for -s and -b.  libfcgi's
 * FCGX_OpenSocket would do it, but it unlinks whatever file stands at
 * a Unix socket's path (a typo in -s could delete a real file) and
 * exits the whole process, with errno as its status, when it cannot
 * bind.  Here only a stale socket is replaced, and every failure comes
 * back as one line for the caller to log.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"

int
listen_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd = -1;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path longer than %zu bytes", path,
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a "
			    "socket; not replacing it", path);
			return -1;
		}
		/* A socket left by an earlier run. */
		if (unlink(path) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* HOST:PORT, or [HOST]:PORT for an IPv6 address; :PORT for any. */
int
listen_tcp(const char *hostport, char *err, size_t errlen)
{
	struct addrinfo		 hints, *res = NULL, *ai;
	char			 host[256];
	const char		*colon, *port, *h = hostport;
	size_t			 hlen;
	int			 fd = -1, on = 1, gai, saved = 0;

	if ((colon = strrchr(hostport, ':')) == NULL || colon[1] == '\0') {
		snprintf(err, errlen, "%s: expected HOST:PORT", hostport);
		return -1;
	}
	port = colon + 1;
	/* getaddrinfo would take 99999 and listen on 99999 mod 65536. */
	if (strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) < 1 || atoi(port) > 65535) {
		snprintf(err, errlen, "%s: the port must be 1 to 65535",
		    hostport);
		return -1;
	}
	hlen = (size_t)(colon - hostport);
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "%s: expected HOST:PORT", hostport);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	/* An empty host or "*" is every address, as with libfcgi. */
	if ((gai = getaddrinfo(hlen == 0 || strcmp(host, "*") == 0 ? NULL :
	    host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", hostport, gai_strerror(gai));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, LISTEN_BACKLOG) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errlen, "%s: %s", hostport, strerror(saved));
	return fd;
}
