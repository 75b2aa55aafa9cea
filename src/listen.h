/*
 * The listening sockets nv-fcgi opens itself: -s PATH (Unix) and
 * -b HOST:PORT (TCP), for servers that do not spawn their FastCGI
 * applications.
 */
#ifndef NV_LISTEN_H
#define NV_LISTEN_H

#include <stddef.h>

#define LISTEN_BACKLOG	128

int	listen_unix(const char *path, char *err, size_t errlen);
int	listen_tcp(const char *hostport, char *err, size_t errlen);

#endif
