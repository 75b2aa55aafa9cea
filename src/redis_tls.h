/*
 * rediss://: a TLS connection to Redis.  Debian's hiredis (0.14) has
 * no hiredis_ssl, so OpenSSL's libssl carries the bytes and hiredis
 * only formats the commands and parses the replies.
 */
#ifndef NV_REDIS_TLS_H
#define NV_REDIS_TLS_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/time.h>

#include <hiredis.h>

struct redis_tls;		/* the settings: CAs, client certificate */
struct redis_tls_conn;		/* one connection */

struct redis_tls_opts {
	const char	*ca_file;	/* NULL: the system's CAs */
	const char	*cert_file;	/* a client certificate, or NULL */
	const char	*key_file;	/* its key, or NULL */
	const char	*name;		/* the name or address to verify */
};

int		 redis_tls_new(struct redis_tls **,
		    const struct redis_tls_opts *, char *err, size_t errlen);
void		 redis_tls_free(struct redis_tls *);
struct redis_tls_conn *redis_tls_connect(struct redis_tls *,
		    const char *numeric_host, int port,
		    const struct timeval *timeout, char *why, size_t whylen);
redisReply	*redis_tls_vcommand(struct redis_tls_conn *, char *why,
		    size_t whylen, const char *fmt, va_list);
void		 redis_tls_close(struct redis_tls_conn *);

#endif
