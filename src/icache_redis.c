/*
 * The introspection cache in Redis.  An entry is one key,
 * redis_cache_key_prefix + hex(HMAC-SHA256(secret, BLAKE2b(label ||
 * token))), whose value is what the file form's entry holds: the
 * expiry, the nonce and the box sealed by iseal.c, with the key and
 * the expiry as the associated data.  It is written with SET ... PXAT
 * at the entry's expiry, so Redis drops it then by itself.  Redis
 * learns neither the token nor the answer: the key is keyed with a
 * secret, the box with the token.
 *
 * A miss leaves a claim, SET key <claim> NX PX <a few seconds>: the
 * other workers, on any machine, find it and wait (ICACHE_PENDING)
 * rather than ask the endpoint too; the answer's SET replaces it.
 * When there is no answer to keep (the endpoint failed), the claim is
 * deleted by a small script only while it is still ours, so that
 * waiting workers ask at once rather than after their timeout; the
 * claim's value is random, so one worker cannot delete another's
 * claim (or its answer) that came after its own expired.
 *
 * The cache is no security state: Redis unreachable, slow or failing
 * is a miss (the endpoint is asked), logged once when it starts and
 * once when it ends, and counted in nv_redis_errors_total.  A value
 * that is neither a claim nor an entry sealed for this token, key and
 * expiry is a miss too.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis.h>
#include <sodium.h>

#include "icache_redis.h"
#include "iseal.h"
#include "log.h"
#include "metrics.h"
#include "redis_conn.h"

#define ICACHE_REDIS_NAME_LABEL	"nv-introspection-name-1:"
#define ICACHE_REDIS_CLAIM_TAG	"nv-icache-claim:"
#define ICACHE_REDIS_CLAIM_RANDOM 16	/* bytes, written in hex */
#define ICACHE_REDIS_CLAIM_MAX	(sizeof(ICACHE_REDIS_CLAIM_TAG) - 1 + \
	2 * ICACHE_REDIS_CLAIM_RANDOM + 1)
/* PXAT's bound, as the single-use store's EXAT. */
#define ICACHE_REDIS_PXAT_MAX	(INT64_C(1) << 50)
/* Deletes KEYS[1] only while it holds ARGV[1]: our own claim. */
#define ICACHE_REDIS_RELEASE \
	"if redis.call('GET', KEYS[1]) == ARGV[1] then " \
	"return redis.call('DEL', KEYS[1]) else return 0 end"

struct icache_redis {
	struct redis_conn *conn;
	unsigned char	 secret[REDIS_CONN_SECRET_MAX + 1];
	size_t		 secretlen;
	char		 prefix[CONFIG_REDIS_KEY_PREFIX_MAX + 1];
	struct metrics	*metrics;	/* NULL: not counted */
	int		 down;		/* the last call failed: said once */
	/* This worker's claim, while it asks (one request at a time). */
	char		 claim_key[REDIS_CONN_KEY_MAX];
	char		 claim[ICACHE_REDIS_CLAIM_MAX];
};

_Static_assert(REDIS_CONN_KEY_MAX - 1 <= ISEAL_NAME_MAX,
    "a key is the seal's associated data");

void
icache_redis_key(char *out, const unsigned char *secret, size_t secretlen,
    const char *prefix, const char *tok, size_t len)
{
	crypto_generichash_state	 st;
	unsigned char			 h[32];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st,
	    (const unsigned char *)ICACHE_REDIS_NAME_LABEL,
	    sizeof(ICACHE_REDIS_NAME_LABEL) - 1);
	crypto_generichash_update(&st, (const unsigned char *)tok, len);
	crypto_generichash_final(&st, h, sizeof(h));
	redis_conn_key(out, secret, secretlen, prefix, h, sizeof(h));
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(h, sizeof(h));
}

int
icache_redis_open(struct icache_redis **out, const struct config *c,
    struct redis_conn *shared, char *err, size_t errlen)
{
	struct icache_redis	*r;
	int			 rc = -1;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (redis_conn_secret(c->redis_key_secret_file, r->secret,
	    &r->secretlen, err, errlen) == -1)
		goto out;
	snprintf(r->prefix, sizeof(r->prefix), "%s", c->redis_cache_key_prefix);
	if (shared != NULL)
		r->conn = redis_conn_hold(shared);
	else if (redis_conn_open(&r->conn, c, err, errlen) == -1)
		goto out;
	*out = r;
	r = NULL;
	rc = 0;
out:
	if (r != NULL) {
		sodium_memzero(r->secret, sizeof(r->secret));
		free(r);
	}
	return rc;
}

/*
 * A call that Redis did not serve: a miss for the caller, counted,
 * and said in the log when the cache was working until now.  drop: no
 * reply came, the connection's state is unknown, so it is dropped and
 * opened again after its backoff (redis_conn_why() says why).  An
 * error reply (out of memory, a refused script) leaves the connection
 * as it is, in step: fmt says why.
 */
static enum icache_err
unavailable(struct icache_redis *r, int drop, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum icache_err
unavailable(struct icache_redis *r, int drop, const char *fmt, ...)
{
	char	 why[REDIS_CONN_WHY_MAX];
	va_list	 ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	} else
		snprintf(why, sizeof(why), "%s", redis_conn_why(r->conn));
	if (drop)
		redis_conn_failed(r->conn, NULL);
	metrics_add(r->metrics, METRICS_REDIS_ERRORS, 1);
	if (!r->down)
		lwarn("introspection cache unavailable, asking the endpoint "
		    "instead: %s", why);
	r->down = 1;
	return ICACHE_UNAVAILABLE;
}

static void
served(struct icache_redis *r)
{
	if (r->down)
		linfo("introspection cache in Redis available again");
	r->down = 0;
}

/* What an unexpected reply says, for the log. */
static const char *
reply_why(const redisReply *rep)
{
	return rep->type == REDIS_REPLY_ERROR && rep->str != NULL ?
	    rep->str : "unexpected reply";
}

/* An error reply: a key of another type is a foreign value, a miss. */
static int
wrong_type(const redisReply *rep)
{
	return rep->str != NULL && strncmp(rep->str, "WRONGTYPE", 9) == 0;
}

/* Leaves this worker's claim on key until claim; a miss either way. */
static enum icache_err
claim_it(struct icache_redis *r, const char *key, int64_t now,
    int64_t claim)
{
	unsigned char	 rnd[ICACHE_REDIS_CLAIM_RANDOM];
	redisReply	*rep;
	enum icache_err	 rc;
	size_t		 tl = sizeof(ICACHE_REDIS_CLAIM_TAG) - 1;

	memcpy(r->claim, ICACHE_REDIS_CLAIM_TAG, tl);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(r->claim + tl, sizeof(r->claim) - tl, rnd, sizeof(rnd));
	rep = redis_conn_command(r->conn, "SET", "SET %s %s NX PX %lld", key,
	    r->claim, (long long)(claim - now) * 1000);
	if (rep == NULL)
		return unavailable(r, 1, NULL);
	if (rep->type == REDIS_REPLY_STATUS) {
		/* Ours: release() may drop it. */
		snprintf(r->claim_key, sizeof(r->claim_key), "%s", key);
		rc = ICACHE_MISS;
	} else if (rep->type == REDIS_REPLY_NIL)
		rc = ICACHE_PENDING;	/* another claim, or the answer, came */
	else {
		rc = unavailable(r, 0, "redis SET: %.160s",
		    reply_why(rep));
		freeReplyObject(rep);
		return rc;
	}
	freeReplyObject(rep);
	served(r);
	return rc;
}

/* What a value says: an answer for tok, a claim, or nothing usable. */
static enum icache_err
read_value(const redisReply *rep, const char *key, const char *tok,
    size_t len, int64_t now, char *out, size_t cap, size_t *outlen)
{
	struct iseal_box	 b;
	const unsigned char	*v = (const unsigned char *)rep->str;
	int64_t			 expires;
	enum icache_err		 rc = ICACHE_MISS;
	size_t			 tl = sizeof(ICACHE_REDIS_CLAIM_TAG) - 1;

	if (rep->len == ICACHE_REDIS_VALUE_BYTES) {
		expires = iseal_get64(v);
		memcpy(b.nonce, v + 8, sizeof(b.nonce));
		memcpy(b.box, v + 8 + sizeof(b.nonce), sizeof(b.box));
		if (expires > now && iseal_open(&b, tok, len,
		    (const unsigned char *)key, strlen(key), expires, out, cap,
		    outlen) == ISEAL_OK)
			rc = ICACHE_OK;
		sodium_memzero(&b, sizeof(b));
	} else if (rep->len == ICACHE_REDIS_CLAIM_MAX - 1 &&
	    memcmp(v, ICACHE_REDIS_CLAIM_TAG, tl) == 0)
		rc = ICACHE_PENDING;
	return rc;
}

static enum icache_err
icache_redis_get(void *p, const char *tok, size_t len, int64_t now,
    int64_t claim, char *out, size_t cap, size_t *outlen)
{
	struct icache_redis	*r = p;
	char			 key[REDIS_CONN_KEY_MAX];
	redisReply		*rep;
	enum icache_err		 rc;

	*outlen = 0;
	r->claim_key[0] = '\0';
	if (redis_conn_ready(r->conn) == -1)
		return unavailable(r, 0, NULL);
	icache_redis_key(key, r->secret, r->secretlen, r->prefix, tok, len);
	if ((rep = redis_conn_command(r->conn, "GET", "GET %s", key)) == NULL)
		return unavailable(r, 1, NULL);
	switch (rep->type) {
	case REDIS_REPLY_NIL:
		freeReplyObject(rep);
		served(r);
		return claim > now ? claim_it(r, key, now, claim) :
		    ICACHE_MISS;
	case REDIS_REPLY_STRING:
		rc = read_value(rep, key, tok, len, now, out, cap, outlen);
		break;
	case REDIS_REPLY_ERROR:
		if (wrong_type(rep)) {
			rc = ICACHE_MISS;
			break;
		}
		rc = unavailable(r, 0, "redis GET: %.160s", reply_why(rep));
		freeReplyObject(rep);
		return rc;
	default:
		rc = ICACHE_MISS;	/* nothing of ours */
		break;
	}
	/* The sealed value holds nothing readable, but it is gone now. */
	if (rep->type == REDIS_REPLY_STRING)
		sodium_memzero(rep->str, rep->len);
	freeReplyObject(rep);
	served(r);
	return rc;
}

static void
icache_redis_release(void *p, const char *tok, size_t len, int64_t now)
{
	struct icache_redis	*r = p;
	char			 key[REDIS_CONN_KEY_MAX];
	redisReply		*rep;

	(void)now;
	icache_redis_key(key, r->secret, r->secretlen, r->prefix, tok, len);
	if (r->claim_key[0] == '\0' || strcmp(key, r->claim_key) != 0)
		return;		/* no claim of ours on it */
	r->claim_key[0] = '\0';
	if (redis_conn_ready(r->conn) == -1) {
		(void)unavailable(r, 0, NULL);
		return;		/* it expires by itself, in seconds */
	}
	rep = redis_conn_command(r->conn, "EVAL", "EVAL %s 1 %s %s",
	    ICACHE_REDIS_RELEASE, key, r->claim);
	if (rep == NULL)
		(void)unavailable(r, 1, NULL);
	else if (rep->type != REDIS_REPLY_INTEGER)
		(void)unavailable(r, 0, "redis EVAL: %.160s",
		    reply_why(rep));
	else
		served(r);
	if (rep != NULL)
		freeReplyObject(rep);
}

static enum icache_err
icache_redis_put(void *p, const char *tok, size_t len, int64_t expires,
    int64_t now, const char *data, size_t dlen)
{
	struct icache_redis	*r = p;
	struct iseal_box	 b;
	unsigned char		 v[ICACHE_REDIS_VALUE_BYTES];
	char			 key[REDIS_CONN_KEY_MAX];
	redisReply		*rep;
	enum icache_err		 rc;

	if (dlen > ICACHE_DATA_MAX)
		return ICACHE_TOO_BIG;
	if (expires <= now)
		return ICACHE_MISS;	/* already dead: nothing to keep */
	if (expires > ICACHE_REDIS_PXAT_MAX / 1000)
		expires = ICACHE_REDIS_PXAT_MAX / 1000;
	icache_redis_key(key, r->secret, r->secretlen, r->prefix, tok, len);
	if (iseal_seal(&b, tok, len, (const unsigned char *)key, strlen(key),
	    expires, data, dlen) != ISEAL_OK)
		return ICACHE_TOO_BIG;
	iseal_put64(v, expires);
	memcpy(v + 8, b.nonce, sizeof(b.nonce));
	memcpy(v + 8 + sizeof(b.nonce), b.box, sizeof(b.box));
	/* The claim, ours or not, is replaced: an answer is an answer. */
	r->claim_key[0] = '\0';
	if (redis_conn_ready(r->conn) == -1)
		return unavailable(r, 0, NULL);
	rep = redis_conn_command(r->conn, "SET", "SET %s %b PXAT %lld", key,
	    (const char *)v, sizeof(v), (long long)expires * 1000);
	if (rep == NULL)
		rc = unavailable(r, 1, NULL);
	else if (rep->type != REDIS_REPLY_STATUS)
		rc = unavailable(r, 0, "redis SET: %.160s",
		    reply_why(rep));
	else {
		served(r);
		rc = ICACHE_OK;
	}
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

static void
icache_redis_set_metrics(void *p, struct metrics *m)
{
	struct icache_redis	*r = p;

	r->metrics = m;
	redis_conn_set_metrics(r->conn, m);
}

static void
icache_redis_close(void *p)
{
	struct icache_redis	*r = p;

	if (r == NULL)
		return;
	redis_conn_close(r->conn);
	sodium_memzero(r->secret, sizeof(r->secret));
	free(r);
}

const struct icache_ops icache_redis_ops = {
	.get = icache_redis_get,
	.release = icache_redis_release,
	.put = icache_redis_put,
	.set_metrics = icache_redis_set_metrics,
	.close = icache_redis_close,
};
