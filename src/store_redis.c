/*
 * The single-use store in Redis.  A token is spent by one atomic
 * command, SET <prefix><hex> 1 NX EXAT <exp + leeway>: the first
 * worker, on whichever machine, gets OK, every later one nil.  The name
 * is an HMAC of the token's 32-byte store name keyed with
 * redis_key_secret_file, so that whoever reads Redis cannot tell which
 * token, jti or number a key stands for.
 *
 * Fail closed: no connection, a timeout or an error reply is
 * STORE_UNAVAILABLE (503), never a pass.  The connection is dropped on
 * any error and opened again on a later request, no sooner than a
 * backoff that doubles up to STORE_REDIS_BACKOFF_MAX_MS, so that a
 * Redis that is down is not hammered by every worker on every request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis.h>
#include <sodium.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "redis_tls.h"
#include "secret.h"
#include "store_redis.h"

#define STORE_REDIS_PORT		6379
#define STORE_REDIS_DB_MAX		65535
#define STORE_REDIS_PASSWORD_MAX	512
#define STORE_REDIS_BACKOFF_MIN_MS	50
#define STORE_REDIS_BACKOFF_MAX_MS	500
#define STORE_REDIS_WHY_MAX		256
/* EXAT's bound: Redis refuses seconds whose milliseconds overflow. */
#define STORE_REDIS_EXAT_MAX		(INT64_C(1) << 40)

struct store_redis {
	redisContext	*ctx;		/* redis://, unix: NULL: not connected */
	struct redis_tls *tls;		/* rediss://: the settings */
	struct redis_tls_conn *tconn;	/* rediss://: NULL: not connected */
	struct redis_url url;		/* host numeric after open */
	struct timeval	 timeout;
	char		*user;		/* NULL: AUTH with the password alone */
	char		*password;	/* NULL: no AUTH */
	unsigned char	 secret[STORE_REDIS_SECRET_MAX + 1];
	size_t		 secretlen;
	char		 prefix[CONFIG_REDIS_KEY_PREFIX_MAX + 1];
	int64_t		 retry_at;	/* monotonic ms: no attempt before */
	long		 backoff;	/* ms; 0 after a success */
	char		 why[STORE_REDIS_WHY_MAX];	/* the last failure */
	struct metrics	*metrics;	/* NULL: not counted */
};

int
store_redis_url(struct redis_url *u, const char *url, char *err,
    size_t errlen)
{
	const char	*h, *end, *p;
	char		*e;
	long		 n;
	size_t		 hl;

	memset(u, 0, sizeof(*u));
	u->port = STORE_REDIS_PORT;
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
		    n > STORE_REDIS_DB_MAX) {
			snprintf(err, errlen, "redis_url: the database must be "
			    "a number from 0 to %d", STORE_REDIS_DB_MAX);
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
store_redis_key(char *out, const unsigned char *secret, size_t secretlen,
    const char *prefix, const unsigned char name[STORE_KEY_BYTES])
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];
	size_t				 pl = strlen(prefix);

	crypto_auth_hmacsha256_init(&st, secret, secretlen);
	crypto_auth_hmacsha256_update(&st, name, STORE_KEY_BYTES);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, prefix, pl);
	sodium_bin2hex(out + pl, STORE_REDIS_KEY_MAX - pl, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
}

/* user:password, or the password alone; one final newline ignored. */
static int
store_redis_password(struct store_redis *r, const char *path, char *err,
    size_t errlen)
{
	unsigned char	 buf[STORE_REDIS_PASSWORD_MAX + 1];	/* + NUL */
	size_t		 len = 0;
	char		*colon;
	int		 rc = -1;

	if (secret_read(path, "redis_password_file", 1, buf,
	    sizeof(buf), &len, err, errlen) == -1)
		return -1;
	if (buf[len - 1] == '\n')
		len--;
	if (len == 0 || memchr(buf, '\0', len) != NULL ||
	    memchr(buf, '\n', len) != NULL) {
		snprintf(err, errlen, "redis_password_file %s: one line, "
		    "user:password or the password", path);
		goto out;
	}
	buf[len] = '\0';
	if ((r->password = strdup((char *)buf)) == NULL) {
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
store_redis_resolve(struct redis_url *u, char *err, size_t errlen)
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
store_redis_drop(struct store_redis *r)
{
	if (r->ctx != NULL)
		redisFree(r->ctx);
	redis_tls_close(r->tconn);
	r->ctx = NULL;
	r->tconn = NULL;
	r->backoff = r->backoff == 0 ? STORE_REDIS_BACKOFF_MIN_MS :
	    r->backoff * 2;
	if (r->backoff > STORE_REDIS_BACKOFF_MAX_MS)
		r->backoff = STORE_REDIS_BACKOFF_MAX_MS;
	r->retry_at = clock_ms() + r->backoff;
}

/*
 * One command over whichever connection is open; NULL with r->why
 * saying what failed on the way.
 */
static redisReply *
store_redis_command(struct store_redis *r, const char *what,
    const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*rep;
	char		 why[STORE_REDIS_WHY_MAX] = "";

	va_start(ap, fmt);
	if (r->tconn != NULL)
		rep = redis_tls_vcommand(r->tconn, why, sizeof(why), fmt, ap);
	else
		rep = redisvCommand(r->ctx, fmt, ap);
	va_end(ap);
	if (rep == NULL)
		snprintf(r->why, sizeof(r->why), "redis %s: %s", what,
		    r->tconn != NULL ? why : r->ctx->errstr[0] != '\0' ?
		    r->ctx->errstr : "no reply");
	return rep;
}

/* A reply that must be +OK; else why says what Redis answered. */
static int
store_redis_ok(struct store_redis *r, redisReply *rep, const char *what)
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
store_redis_connect(struct store_redis *r)
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
		    store_redis_command(r, "AUTH", "AUTH %s %s", r->user,
		    r->password) :
		    store_redis_command(r, "AUTH", "AUTH %s", r->password);
		if (store_redis_ok(r, rep, "AUTH") == -1)
			goto fail;
	}
	if (r->url.db != 0) {
		rep = store_redis_command(r, "SELECT", "SELECT %ld",
		    r->url.db);
		if (store_redis_ok(r, rep, "SELECT") == -1)
			goto fail;
	}
	r->backoff = 0;
	return 0;
fail:
	store_redis_drop(r);
	return -1;
}

/*
 * rediss://: the TLS settings, made now (the CA file is read before
 * the sandbox).  The TLS files mean nothing to redis:// or unix:, so
 * they are refused there rather than left unread.
 */
static int
store_redis_tls(struct store_redis *r, const struct config *c, char *err,
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
store_redis_open(struct store_redis **rp, const struct config *c,
    char *err, size_t errlen)
{
	struct store_redis	*r;
	int			 rc = -1;

	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (store_redis_url(&r->url, c->redis_url, err, errlen) == -1 ||
	    (!r->url.unix_socket &&
	    store_redis_resolve(&r->url, err, errlen) == -1))
		goto out;
	if (secret_read(c->redis_key_secret_file,
	    "redis_key_secret_file", STORE_REDIS_SECRET_MIN, r->secret,
	    sizeof(r->secret), &r->secretlen, err, errlen) == -1)
		goto out;
	if (c->redis_password_file != NULL &&
	    store_redis_password(r, c->redis_password_file, err,
	    errlen) == -1)
		goto out;
	if (store_redis_tls(r, c, err, errlen) == -1)
		goto out;
	snprintf(r->prefix, sizeof(r->prefix), "%s", c->redis_key_prefix);
	r->timeout.tv_sec = c->redis_timeout / 1000;
	r->timeout.tv_usec = (c->redis_timeout % 1000) * 1000;
	/* Down now is not fatal: requests get 503 until it is back. */
	if (store_redis_connect(r) == -1)
		lwarn("%s (will retry on the next request)", r->why);
	*rp = r;
	r = NULL;
	rc = 0;
out:
	store_redis_close(r);
	return rc;
}

enum store_err
store_redis_use(struct store_redis *r,
    const unsigned char name[STORE_KEY_BYTES], int64_t expires, int64_t now,
    const char **detail)
{
	char		 key[STORE_REDIS_KEY_MAX];
	redisReply	*rep = NULL;
	enum store_err	 rc = STORE_UNAVAILABLE;
	uint64_t	 t0;

	if (r->ctx == NULL && r->tconn == NULL) {
		if (clock_ms() < r->retry_at) {
			*detail = r->why;
			return STORE_UNAVAILABLE;
		}
		if (store_redis_connect(r) == -1) {
			*detail = r->why;
			return STORE_UNAVAILABLE;
		}
	}
	/* An absurd exp is kept as long as Redis can say, not refused. */
	if (expires > STORE_REDIS_EXAT_MAX)
		expires = STORE_REDIS_EXAT_MAX;
	if (expires <= now)
		expires = now + 1;
	store_redis_key(key, r->secret, r->secretlen, r->prefix, name);
	metrics_add(r->metrics, METRICS_REDIS_COMMANDS, 1);
	t0 = (uint64_t)clock_ns();
	rep = store_redis_command(r, "SET", "SET %s 1 NX EXAT %lld", key,
	    (long long)expires);
	metrics_time(r->metrics, METRICS_TIMER_REDIS, (uint64_t)clock_ns() - t0);
	if (rep == NULL)
		goto out;
	switch (rep->type) {
	case REDIS_REPLY_STATUS:
		/* SET ... NX answers +OK when it wrote, nothing else. */
		if (rep->str != NULL && strcmp(rep->str, "OK") == 0)
			rc = STORE_OK;
		else
			snprintf(r->why, sizeof(r->why), "redis SET: status "
			    "%.60s", rep->str != NULL ? rep->str : "?");
		break;
	case REDIS_REPLY_NIL:
		rc = STORE_SEEN;
		break;
	case REDIS_REPLY_ERROR:
		snprintf(r->why, sizeof(r->why), "redis SET: %.160s",
		    rep->str != NULL ? rep->str : "error");
		break;
	default:
		snprintf(r->why, sizeof(r->why), "redis SET: unexpected "
		    "reply");
		break;
	}
out:
	if (rep != NULL)
		freeReplyObject(rep);
	sodium_memzero(key, sizeof(key));
	if (rc == STORE_UNAVAILABLE) {
		/* The connection's state is unknown: start afresh. */
		store_redis_drop(r);
		*detail = r->why;
	}
	return rc;
}

void
store_redis_set_metrics(struct store_redis *r, struct metrics *m)
{
	if (r != NULL)
		r->metrics = m;
}

void
store_redis_close(struct store_redis *r)
{
	if (r == NULL)
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
	sodium_memzero(r->secret, sizeof(r->secret));
	free(r);
}
