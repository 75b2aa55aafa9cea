/*
 * One Redis connection per worker (see redis_conn.h).  The connection
 * is dropped on any failure and opened again on a later call, no
 * sooner than a backoff that doubles up to REDIS_CONN_BACKOFF_MAX_MS,
 * so that a Redis that is down is not hammered by every worker on
 * every request.  What a failure means is the caller's: the
 * single-use store fails closed (503), the introspection cache counts
 * it a miss.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <hiredis.h>
#include <sodium.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "redis_conn.h"
#include "redis_tls.h"
#include "secret.h"

#define REDIS_CONN_PORT			6379
#define REDIS_CONN_DB_MAX		65535
#define REDIS_CONN_PASSWORD_MAX		512
#define REDIS_CONN_BACKOFF_MIN_MS	50
#define REDIS_CONN_BACKOFF_MAX_MS	500

struct redis_conn {
	int		 holders;	/* redis_conn_hold(); closed at 0 */
	redisContext	*ctx;		/* redis://, unix: NULL: not connected */
	struct redis_tls *tls;		/* rediss://: the settings */
	struct redis_tls_conn *tconn;	/* rediss://: NULL: not connected */
	struct redis_url url;		/* host numeric after open */
	struct timeval	 timeout;
	char		*user;		/* NULL: AUTH with the password alone */
	char		*password;	/* NULL: no AUTH */
	int64_t		 retry_at;	/* monotonic ms: no attempt before */
	long		 backoff;	/* ms; 0 after a success */
	char		 why[REDIS_CONN_WHY_MAX];	/* the last failure */
	struct metrics	*metrics;	/* NULL: not counted */
};

int
redis_conn_url(struct redis_url *u, const char *url, char *err,
    size_t errlen)
{
	const char	*h, *end, *p;
	char		*e;
	long		 n;
	size_t		 hl;

	memset(u, 0, sizeof(*u));
	u->port = REDIS_CONN_PORT;
	if (strncmp(url, "unix:", 5) == 0) {
		p = url + 5;
		if (p[0] != '/' || strlen(p) >= sizeof(u->path)) {
			snprintf(err, errlen, "redis_url unix: needs an "
			    "absolute socket path shorter than %zu bytes",
			    sizeof(u->path));
			return -1;
		}
		u->unix_socket = 1;
		memcpy(u->path, p, strlen(p) + 1);
		return 0;
	}
	if (strncmp(url, "rediss://", 9) == 0) {
		u->tls = 1;
		h = url + 9;
	} else if (strncmp(url, "redis://", 8) == 0)
		h = url + 8;
	else {
		snprintf(err, errlen, "redis_url must start with redis://, "
		    "rediss:// or unix:");
		return -1;
	}
	if (strpbrk(h, "@?#") != NULL) {
		snprintf(err, errlen, "redis_url takes no user, password, "
		    "query or fragment: the password goes in "
		    "redis_password_file");
		return -1;
	}
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL) {
			snprintf(err, errlen, "redis_url: no ] after [");
			return -1;
		}
		h++;
		hl = (size_t)(end - h);
		p = end + 1;
	} else {
		hl = strcspn(h, ":/");
		p = h + hl;
	}
	if (hl == 0 || hl >= sizeof(u->host)) {
		snprintf(err, errlen, "redis_url names no host");
		return -1;
	}
	memcpy(u->host, h, hl);
	u->host[hl] = '\0';
	memcpy(u->name, u->host, hl + 1);
	if (*p == ':') {
		errno = 0;
		n = strtol(p + 1, &e, 10);
		if (e == p + 1 || errno != 0 || n < 1 || n > 65535 ||
		    (*e != '\0' && *e != '/')) {
			snprintf(err, errlen, "redis_url: the port must be "
			    "from 1 to 65535");
			return -1;
		}
		u->port = (int)n;
		p = e;
	}
	if (*p == '/' && p[1] != '\0') {
		errno = 0;
		n = strtol(p + 1, &e, 10);
		if (p[1] < '0' || p[1] > '9' || errno != 0 || *e != '\0' ||
		    n > REDIS_CONN_DB_MAX) {
			snprintf(err, errlen, "redis_url: the database must be "
			    "a number from 0 to %d", REDIS_CONN_DB_MAX);
			return -1;
		}
		u->db = n;
	} else if (*p != '\0' && strcmp(p, "/") != 0) {
		snprintf(err, errlen, "redis_url: unexpected `%.32s`", p);
		return -1;
	}
	return 0;
}

void
redis_conn_key(char *out, const unsigned char *secret, size_t secretlen,
    const char *prefix, const unsigned char *name, size_t namelen)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];
	size_t				 pl = strlen(prefix);

	crypto_auth_hmacsha256_init(&st, secret, secretlen);
	crypto_auth_hmacsha256_update(&st, name, namelen);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, prefix, pl);
	sodium_bin2hex(out + pl, REDIS_CONN_KEY_MAX - pl, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

int
redis_conn_secret(const char *path,
    unsigned char secret[REDIS_CONN_SECRET_MAX + 1], size_t *secretlen,
    char *err, size_t errlen)
{
	return secret_read(path, "redis_key_secret_file", REDIS_CONN_SECRET_MIN,
	    secret, REDIS_CONN_SECRET_MAX + 1, secretlen, err, errlen);
}

/* user:password, or the password alone; one final newline ignored. */
static int
redis_conn_password(struct redis_conn *r, const char *path, char *err,
    size_t errlen)
{
	char	 buf[REDIS_CONN_PASSWORD_MAX + 2];	/* + newline, NUL */
	size_t	 len = 0;
	char	*colon;
	int	 rc = -1;

	if (secret_read_line(path, "redis_password_file", buf, sizeof(buf),
	    &len, err, errlen) == -1)
		return -1;
	if ((r->password = strdup(buf)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((colon = strchr(r->password, ':')) != NULL) {
		*colon = '\0';
		r->user = r->password;
		r->password = colon + 1;
		if (*r->user == '\0' || *r->password == '\0') {
			snprintf(err, errlen, "redis_password_file %s: empty "
			    "user or password", path);
			goto out;
		}
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

/*
 * The host as a numeric address, once, before the sandbox: a
 * reconnect then makes no name-service lookup (no /etc/hosts, no DNS
 * socket), only socket and connect.
 */
static int
redis_conn_resolve(struct redis_url *u, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res = NULL;
	char		 num[INET6_ADDRSTRLEN];
	const void	*a;
	int		 e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(u->host, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "redis_url: cannot resolve `%s`: %s",
		    u->host, gai_strerror(e));
		return -1;
	}
	a = res->ai_family == AF_INET6 ?
	    (const void *)&((struct sockaddr_in6 *)(void *)res->ai_addr)->
	    sin6_addr :
	    (const void *)&((struct sockaddr_in *)(void *)res->ai_addr)->
	    sin_addr;
	if (inet_ntop(res->ai_family, a, num, sizeof(num)) == NULL) {
		snprintf(err, errlen, "redis_url: cannot use `%s`", u->host);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	snprintf(u->host, sizeof(u->host), "%s", num);
	return 0;
}

/* Drops the connection and waits longer before the next attempt. */
static void
redis_conn_drop(struct redis_conn *r)
{
	if (r->ctx != NULL)
		redisFree(r->ctx);
	redis_tls_close(r->tconn);
	r->ctx = NULL;
	r->tconn = NULL;
	r->backoff = r->backoff == 0 ? REDIS_CONN_BACKOFF_MIN_MS :
	    r->backoff * 2;
	if (r->backoff > REDIS_CONN_BACKOFF_MAX_MS)
		r->backoff = REDIS_CONN_BACKOFF_MAX_MS;
	r->retry_at = clock_ms() + r->backoff;
}

/*
 * One command over whichever connection is open; NULL with r->why
 * saying what failed on the way.
 */
static redisReply *
redis_conn_vsend(struct redis_conn *r, const char *what, const char *fmt,
    va_list ap)
{
	redisReply	*rep;
	char		 why[REDIS_CONN_WHY_MAX] = "";

	if (r->tconn != NULL)
		rep = redis_tls_vcommand(r->tconn, why, sizeof(why), fmt, ap);
	else
		rep = redisvCommand(r->ctx, fmt, ap);
	if (rep == NULL)
		snprintf(r->why, sizeof(r->why), "redis %s: %s", what,
		    r->tconn != NULL ? why : r->ctx->errstr[0] != '\0' ?
		    r->ctx->errstr : "no reply");
	return rep;
}

/* The same, uncounted: AUTH and SELECT are the connection's own. */
static redisReply *
redis_conn_send(struct redis_conn *r, const char *what, const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*rep;

	va_start(ap, fmt);
	rep = redis_conn_vsend(r, what, fmt, ap);
	va_end(ap);
	return rep;
}

/* A reply that must be +OK; else why says what Redis answered. */
static int
redis_conn_ok(struct redis_conn *r, redisReply *rep, const char *what)
{
	if (rep == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_STATUS) {
		snprintf(r->why, sizeof(r->why), "redis %s: %.160s", what,
		    rep->type == REDIS_REPLY_ERROR && rep->str != NULL ?
		    rep->str : "unexpected reply");
		freeReplyObject(rep);
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

/* Connects, authenticates and selects the database; why on failure. */
static int
redis_conn_connect(struct redis_conn *r)
{
	redisReply	*rep;

	if (r->tls != NULL) {
		r->tconn = redis_tls_connect(r->tls, r->url.host, r->url.port,
		    &r->timeout, r->why, sizeof(r->why));
		if (r->tconn == NULL)
			goto fail;
		goto auth;
	}
	r->ctx = r->url.unix_socket ?
	    redisConnectUnixWithTimeout(r->url.path, r->timeout) :
	    redisConnectWithTimeout(r->url.host, r->url.port, r->timeout);
	if (r->ctx == NULL) {
		snprintf(r->why, sizeof(r->why), "redis: out of memory");
		goto fail;
	}
	if (r->ctx->err != 0) {
		snprintf(r->why, sizeof(r->why), "redis connect: %s",
		    r->ctx->errstr);
		goto fail;
	}
	if (redisSetTimeout(r->ctx, r->timeout) != REDIS_OK) {
		snprintf(r->why, sizeof(r->why), "redis: cannot set the "
		    "timeout");
		goto fail;
	}
auth:
	if (r->password != NULL) {
		rep = r->user != NULL ?
		    redis_conn_send(r, "AUTH", "AUTH %s %s", r->user,
		    r->password) :
		    redis_conn_send(r, "AUTH", "AUTH %s", r->password);
		if (redis_conn_ok(r, rep, "AUTH") == -1)
			goto fail;
	}
	if (r->url.db != 0) {
		rep = redis_conn_send(r, "SELECT", "SELECT %ld",
		    r->url.db);
		if (redis_conn_ok(r, rep, "SELECT") == -1)
			goto fail;
	}
	r->backoff = 0;
	return 0;
fail:
	redis_conn_drop(r);
	return -1;
}

/*
 * rediss://: the TLS settings, made now (the CA file is read before
 * the sandbox).  The TLS files mean nothing to redis:// or unix:, so
 * they are refused there rather than left unread.
 */
static int
redis_conn_tls(struct redis_conn *r, const struct config *c, char *err,
    size_t errlen)
{
	struct redis_tls_opts	 o;

	if (!r->url.tls) {
		if (c->redis_ca_file != NULL || c->redis_cert_file != NULL ||
		    c->redis_key_file != NULL) {
			snprintf(err, errlen, "redis_ca_file, redis_cert_file "
			    "and redis_key_file need a rediss:// redis_url");
			return -1;
		}
		return 0;
	}
	o.ca_file = c->redis_ca_file;
	o.cert_file = c->redis_cert_file;
	o.key_file = c->redis_key_file;
	o.name = r->url.name;
	return redis_tls_new(&r->tls, &o, err, errlen);
}

int
redis_conn_open(struct redis_conn **rp, const struct config *c, char *err,
    size_t errlen)
{
	struct redis_conn	*r;
	int			 rc = -1;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->holders = 1;
	if (redis_conn_url(&r->url, c->redis_url, err, errlen) == -1 ||
	    (!r->url.unix_socket &&
	    redis_conn_resolve(&r->url, err, errlen) == -1))
		goto out;
	if (c->redis_password_file != NULL &&
	    redis_conn_password(r, c->redis_password_file, err,
	    errlen) == -1)
		goto out;
	if (redis_conn_tls(r, c, err, errlen) == -1)
		goto out;
	r->timeout.tv_sec = c->redis_timeout / 1000;
	r->timeout.tv_usec = (c->redis_timeout % 1000) * 1000;
	/* Down now is not fatal: each user says what that means. */
	if (redis_conn_connect(r) == -1)
		lwarn("%s (will retry on the next request)", r->why);
	*rp = r;
	r = NULL;
	rc = 0;
out:
	redis_conn_close(r);
	return rc;
}

struct redis_conn *
redis_conn_hold(struct redis_conn *r)
{
	if (r != NULL)
		r->holders++;
	return r;
}

int
redis_conn_ready(struct redis_conn *r)
{
	if (r->ctx != NULL || r->tconn != NULL)
		return 0;
	if (clock_ms() < r->retry_at)
		return -1;	/* why: the last failure's */
	return redis_conn_connect(r);
}

redisReply *
redis_conn_command(struct redis_conn *r, const char *what, const char *fmt,
    ...)
{
	va_list		 ap;
	redisReply	*rep;
	uint64_t	 t0;

	if (redis_conn_ready(r) == -1)
		return NULL;
	metrics_add(r->metrics, METRICS_REDIS_COMMANDS, 1);
	t0 = (uint64_t)clock_ns();
	va_start(ap, fmt);
	rep = redis_conn_vsend(r, what, fmt, ap);
	va_end(ap);
	metrics_time(r->metrics, METRICS_TIMER_REDIS, (uint64_t)clock_ns() - t0);
	return rep;
}

void
redis_conn_failed(struct redis_conn *r, const char *fmt, ...)
{
	va_list	 ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(r->why, sizeof(r->why), fmt, ap);
		va_end(ap);
	}
	redis_conn_drop(r);
}

const char *
redis_conn_why(const struct redis_conn *r)
{
	return r->why;
}

void
redis_conn_set_metrics(struct redis_conn *r, struct metrics *m)
{
	if (r != NULL)
		r->metrics = m;
}

void
redis_conn_close(struct redis_conn *r)
{
	if (r == NULL || --r->holders > 0)
		return;
	if (r->ctx != NULL)
		redisFree(r->ctx);
	redis_tls_close(r->tconn);
	redis_tls_free(r->tls);
	if (r->password != NULL) {
		char	*whole = r->user != NULL ? r->user : r->password;

		sodium_memzero(whole, strlen(whole) + 1 + (r->user != NULL ?
		    strlen(r->password) + 1 : 0));
		free(whole);
	}
	free(r);
}
