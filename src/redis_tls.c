/*
 * rediss:// for the Redis store.  hiredis 0.14, Debian 12's, reads
 * and writes its socket itself and has no TLS, so this file owns the
 * connection instead: a non-blocking socket, OpenSSL's TLS over it
 * with the peer's certificate and name verified, and hiredis's
 * formatter and reply reader on either side.  Every wait is bounded
 * by the store's timeout, as hiredis's own connections are.
 *
 * The SSL_CTX (CAs, the client certificate) is built at start-up,
 * before the sandbox; a reconnect after it only makes socket, connect
 * and the reads and writes of the handshake.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "clock.h"
#include "dlcrypto.h"
#include "redis_tls.h"

#define REDIS_TLS_NAME_MAX	256
#define REDIS_TLS_READ_CHUNK	4096

struct redis_tls {
	SSL_CTX		*ctx;
	char		 name[REDIS_TLS_NAME_MAX];
	int		 name_is_ip;
};

struct redis_tls_conn {
	int		 fd;
	SSL		*ssl;
	redisReader	*reader;
	int		 timeout_ms;
	int64_t		 deadline;	/* monotonic ms, this exchange's */
};

/* The first error of OpenSSL's queue, and the queue emptied. */
static void
redis_tls_why(char *why, size_t whylen, const char *what)
{
	const struct dlcrypto	*C = dlcrypto();
	unsigned long		 e = C->ERR_get_error();
	char			 buf[200];

	if (e == 0)
		snprintf(why, whylen, "redis TLS %s failed", what);
	else {
		C->ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(why, whylen, "redis TLS %s: %s", what, buf);
	}
	C->ERR_clear_error();
}

int
redis_tls_new(struct redis_tls **tp, const struct redis_tls_opts *o,
    char *err, size_t errlen)
{
	const struct dlcrypto	*C;
	const struct dlssl	*S;
	struct redis_tls	*t;
	const char		*ca;
	unsigned char		 addr[16];
	int			 rc = -1;

	*tp = NULL;
	/* Before the sandbox: OpenSSL is loaded now, once. */
	if ((S = dlssl_load(err, errlen)) == NULL)
		return -1;
	C = dlcrypto();
	if ((o->cert_file == NULL) != (o->key_file == NULL)) {
		snprintf(err, errlen, "redis_cert_file and redis_key_file "
		    "go together");
		return -1;
	}
	if (strlen(o->name) >= REDIS_TLS_NAME_MAX) {
		snprintf(err, errlen, "redis_url: host name too long");
		return -1;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(t->name, sizeof(t->name), "%s", o->name);
	t->name_is_ip = inet_pton(AF_INET, o->name, addr) == 1 ||
	    inet_pton(AF_INET6, o->name, addr) == 1;
	/* SSL_CTX_set_min_proto_version(), a macro over SSL_CTX_ctrl(). */
	if ((t->ctx = S->SSL_CTX_new(S->TLS_client_method())) == NULL ||
	    S->SSL_CTX_ctrl(t->ctx, SSL_CTRL_SET_MIN_PROTO_VERSION,
	    TLS1_2_VERSION, NULL) != 1) {
		redis_tls_why(err, errlen, "set-up");
		goto out;
	}
	S->SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	/*
	 * The system's CAs as one file, read whole now: OpenSSL's CA
	 * folder is searched at each handshake (opendir, getdents),
	 * which the sandbox does not allow a reconnect to make.
	 */
	if ((ca = o->ca_file) == NULL &&
	    (ca = getenv(C->X509_get_default_cert_file_env())) == NULL)
		ca = C->X509_get_default_cert_file();
	if (S->SSL_CTX_load_verify_file(t->ctx, ca) != 1) {
		redis_tls_why(err, errlen, o->ca_file != NULL ?
		    "redis_ca_file" : "system CAs (set redis_ca_file)");
		goto out;
	}
	if (o->cert_file != NULL &&
	    (S->SSL_CTX_use_certificate_chain_file(t->ctx, o->cert_file) != 1 ||
	    S->SSL_CTX_use_PrivateKey_file(t->ctx, o->key_file,
	    SSL_FILETYPE_PEM) != 1 || S->SSL_CTX_check_private_key(t->ctx) != 1)) {
		redis_tls_why(err, errlen, "redis_cert_file/redis_key_file");
		goto out;
	}
	*tp = t;
	t = NULL;
	rc = 0;
out:
	redis_tls_free(t);
	return rc;
}

void
redis_tls_free(struct redis_tls *t)
{
	const struct dlssl	*S = dlssl();

	if (t == NULL)
		return;
	S->SSL_CTX_free(t->ctx);
	free(t);
}

/* Waits for fd to be ready for events, up to the exchange's deadline. */
static int
redis_tls_wait(struct redis_tls_conn *c, short events)
{
	struct pollfd	 pfd = { c->fd, events, 0 };
	int64_t		 left;
	int		 n;

	for (;;) {
		if ((left = c->deadline - clock_ms()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&pfd, 1, (int)left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		return 0;
	}
}

/* After an SSL call returned r <= 0: wait as it asks, or fail. */
static int
redis_tls_retry(struct redis_tls_conn *c, int r)
{
	const struct dlssl	*S = dlssl();

	switch (S->SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		return redis_tls_wait(c, POLLIN);
	case SSL_ERROR_WANT_WRITE:
		return redis_tls_wait(c, POLLOUT);
	default:
		return -1;
	}
}

static int
redis_tls_tcp(struct redis_tls_conn *c, const char *host, int port,
    char *why, size_t whylen)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)(void *)&ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)(void *)&ss;
	socklen_t		 sl, el = sizeof(int);
	int			 e = 0;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*s6);
	} else {
		snprintf(why, whylen, "redis connect: `%s` is no address",
		    host);
		return -1;
	}
	if ((c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		goto fail;
	if (connect(c->fd, (struct sockaddr *)&ss, sl) == -1) {
		if (errno != EINPROGRESS || redis_tls_wait(c, POLLOUT) == -1)
			goto fail;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1)
			goto fail;
		if (e != 0) {
			errno = e;
			goto fail;
		}
	}
	return 0;
fail:
	snprintf(why, whylen, "redis connect: %s", strerror(errno));
	return -1;
}

struct redis_tls_conn *
redis_tls_connect(struct redis_tls *t, const char *host, int port,
    const struct timeval *timeout, char *why, size_t whylen)
{
	const struct dlcrypto	*C = dlcrypto();
	const struct dlssl	*S = dlssl();
	struct redis_tls_conn	*c;
	int			 r;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(why, whylen, "redis: out of memory");
		return NULL;
	}
	c->fd = -1;
	c->timeout_ms = (int)(timeout->tv_sec * 1000 + timeout->tv_usec / 1000);
	c->deadline = clock_ms() + c->timeout_ms;
	if (redis_tls_tcp(c, host, port, why, whylen) == -1)
		goto fail;
	if ((c->reader = redisReaderCreate()) == NULL ||
	    (c->ssl = S->SSL_new(t->ctx)) == NULL ||
	    S->SSL_set_fd(c->ssl, c->fd) != 1) {
		redis_tls_why(why, whylen, "set-up");
		goto fail;
	}
	/* The certificate must name the host of redis_url. */
	if (t->name_is_ip ?
	    C->X509_VERIFY_PARAM_set1_ip_asc(S->SSL_get0_param(c->ssl), t->name)
	    != 1 :
	    /* SSL_set_tlsext_host_name(), a macro over SSL_ctrl(). */
	    (S->SSL_ctrl(c->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
	    TLSEXT_NAMETYPE_host_name, t->name) != 1 ||
	    S->SSL_set1_host(c->ssl, t->name) != 1)) {
		redis_tls_why(why, whylen, "set-up");
		goto fail;
	}
	while ((r = S->SSL_connect(c->ssl)) != 1)
		if (redis_tls_retry(c, r) == -1) {
			if (errno == ETIMEDOUT)
				snprintf(why, whylen, "redis TLS handshake: "
				    "timed out");
			else
				redis_tls_why(why, whylen, "handshake");
			goto fail;
		}
	return c;
fail:
	redis_tls_close(c);
	return NULL;
}

/* Sends a formatted command whole. */
static int
redis_tls_send(struct redis_tls_conn *c, const char *cmd, size_t len,
    char *why, size_t whylen)
{
	const struct dlssl	*S = dlssl();
	size_t			 done = 0;
	int			 r;

	while (done < len) {
		r = S->SSL_write(c->ssl, cmd + done, (int)(len - done));
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (redis_tls_retry(c, r) == -1) {
			if (errno == ETIMEDOUT)
				snprintf(why, whylen, "redis: timed out");
			else
				redis_tls_why(why, whylen, "write");
			return -1;
		}
	}
	return 0;
}

/* Reads until the reader holds one whole reply. */
static redisReply *
redis_tls_reply(struct redis_tls_conn *c, char *why, size_t whylen)
{
	const struct dlssl	*S = dlssl();
	char			 buf[REDIS_TLS_READ_CHUNK];
	void			*reply = NULL;
	int			 r;

	for (;;) {
		if (redisReaderGetReply(c->reader, &reply) != REDIS_OK) {
			snprintf(why, whylen, "redis: %s", c->reader->errstr);
			return NULL;
		}
		if (reply != NULL)
			return reply;
		r = S->SSL_read(c->ssl, buf, sizeof(buf));
		if (r > 0) {
			if (redisReaderFeed(c->reader, buf, (size_t)r) !=
			    REDIS_OK) {
				snprintf(why, whylen, "redis: out of memory");
				return NULL;
			}
			continue;
		}
		if (S->SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN) {
			snprintf(why, whylen, "redis: connection closed");
			return NULL;
		}
		if (redis_tls_retry(c, r) == -1) {
			if (errno == ETIMEDOUT)
				snprintf(why, whylen, "redis: timed out");
			else
				redis_tls_why(why, whylen, "read");
			return NULL;
		}
	}
}

redisReply *
redis_tls_vcommand(struct redis_tls_conn *c, char *why, size_t whylen,
    const char *fmt, va_list ap)
{
	char		*cmd = NULL;
	redisReply	*rep = NULL;
	int		 len;

	len = redisvFormatCommand(&cmd, fmt, ap);
	if (len < 0) {
		snprintf(why, whylen, "redis: out of memory");
		return NULL;
	}
	c->deadline = clock_ms() + c->timeout_ms;
	if (redis_tls_send(c, cmd, (size_t)len, why, whylen) == 0)
		rep = redis_tls_reply(c, why, whylen);
	/* AUTH's command holds the password. */
	sodium_memzero(cmd, (size_t)len);
	free(cmd);
	return rep;
}

void
redis_tls_close(struct redis_tls_conn *c)
{
	const struct dlssl	*S = dlssl();

	if (c == NULL)
		return;
	if (c->ssl != NULL)
		S->SSL_free(c->ssl);
	if (c->reader != NULL)
		redisReaderFree(c->reader);
	if (c->fd != -1)
		close(c->fd);
	free(c);
}
