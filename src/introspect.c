/*
 * The opaque branch of the token seam: ask the introspection endpoint
 * (RFC 7662 section 2.1) about a token, or find its answer in the
 * shared cache, then check that answer with claims.c as a JWT's claims
 * are checked.  Failures of the endpoint are not the client's: a
 * timeout, a refused connection, a 5xx or an answer that is not JSON
 * is a 503; our credentials refused (401, 403) a 500.  Nothing but an
 * answer with active:true passes.
 *
 * What is cached is the answer cut down to the members claims.c reads,
 * so that an entry fits a slot: an active answer until its exp or
 * introspection_cache_ttl, whichever comes first; any other answer for
 * introspection_negative_ttl.  The claims are checked again on each
 * hit, so an answer cached for 60 s stops passing at its exp.
 */
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "clock.h"
#include "http.h"
#include "icache.h"
#include "icache_redis.h"
#include "introspect.h"
#include "introspect_client.h"
#include "jparse.h"
#include "metrics.h"

#define INTROSPECT_FORM_MAX	(3 * 8192 + 1024)
#define INTROSPECT_WHY_MAX	320
#define ASSERTION_MAX		2048
#define ASSERTION_TYPE \
	"urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"

struct introspect {
	const struct config	*cfg;
	struct http_client	 http;
	int			 http_ok;
	struct introspect_cred	 cred;
	const struct icache_ops	*cops;		/* the cache's form */
	void			*cache;		/* NULL: no cache */
	struct metrics		*metrics;	/* NULL: not counted */
	char			 why[INTROSPECT_WHY_MAX]; /* the last detail */
};

/*
 * The cache's form, chosen here once: the rest of this file calls
 * in->cops and never asks which form it is.
 */
static int
introspect_cache_open(struct introspect *in, struct redis_conn *redis,
    uid_t owner, gid_t group, char *err, size_t errlen)
{
	const struct config	*cfg = in->cfg;
	struct icache		*file = NULL;
	struct icache_redis	*r = NULL;

	switch (cfg->introspection_cache_store) {
	case CONFIG_STORE_REDIS:
		if (icache_redis_open(&r, cfg, redis, err, errlen) == -1)
			return -1;
		in->cops = &icache_redis_ops;
		in->cache = r;
		return 0;
	case CONFIG_STORE_FILE:
	default:
		if (cfg->introspection_cache_file == NULL)
			return 0;	/* no cache */
		if (icache_open(&file, cfg->introspection_cache_file,
		    (size_t)cfg->introspection_cache_capacity, owner, group,
		    err, errlen) == -1)
			return -1;
		in->cops = &icache_file_ops;
		in->cache = file;
		return 0;
	}
}

int
introspect_open(struct introspect **out, const struct config *cfg,
    struct redis_conn *redis, uid_t owner, gid_t group, char *err,
    size_t errlen)
{
	struct introspect	*in;
	struct http_opts	 o;
	char			 why[256];
	int			 rc = -1;

	*out = NULL;
	if (cfg->introspection_endpoint == NULL)
		return 0;
	if ((in = calloc(1, sizeof(*in))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	in->cfg = cfg;
	if (introspect_cred_load(&in->cred, cfg->introspection_client_id,
	    cfg->introspection_client_secret_file,
	    cfg->introspection_client_key_file, err, errlen) == -1)
		goto out;
	/* libcurl loads TLS now, before the sandbox could refuse it. */
	memset(&o, 0, sizeof(o));
	o.ca_file = cfg->introspection_ca_file;
	o.timeout_ms = cfg->introspection_timeout;
	o.max_body = INTROSPECT_BODY_MAX;
	if (http_global_init(why, sizeof(why)) == -1) {
		snprintf(err, errlen, "introspection: %s", why);
		goto out;
	}
	if (http_init(&in->http, &o) == -1) {
		snprintf(err, errlen, "introspection: cannot initialise "
		    "libcurl");
		goto out;
	}
	in->http_ok = 1;
	/* No resolver inside the sandbox: the address is found now. */
	if (http_pin_host(&in->http, cfg->introspection_endpoint, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "introspection_endpoint: %s (its host "
		    "is resolved once, at start-up)", why);
		goto out;
	}
	if (introspect_cache_open(in, redis, owner, group, err, errlen) == -1)
		goto out;
	*out = in;
	in = NULL;
	rc = 0;
out:
	introspect_close(in);
	return rc;
}

void
introspect_set_metrics(struct introspect *in, struct metrics *m)
{
	if (in == NULL)
		return;
	in->metrics = m;
	if (in->cache != NULL)
		in->cops->set_metrics(in->cache, m);
}

void
introspect_close(struct introspect *in)
{
	if (in == NULL)
		return;
	if (in->http_ok)
		http_free(&in->http);
	introspect_cred_free(&in->cred);
	if (in->cache != NULL)
		in->cops->close(in->cache);
	free(in);
}

/* The form of section 2.1, with the client's assertion if it has one. */
static int
build_form(struct introspect *in, const char *tok, size_t len, time_t now,
    char *form, size_t cap)
{
	char	 jwt[ASSERTION_MAX];
	long	 n;
	size_t	 o;
	int	 w;

	memcpy(form, "token=", 6);
	if ((n = introspect_form_escape(form + 6, cap - 6, tok, len)) < 0)
		return -1;
	o = 6 + (size_t)n;
	w = snprintf(form + o, cap - o, "&token_type_hint=access_token");
	if (w < 0 || (size_t)w >= cap - o)
		return -1;
	o += (size_t)w;
	if (in->cred.kind != INTROSPECT_AUTH_JWT)
		return 0;
	if (introspect_assertion(&in->cred, in->cfg->introspection_client_id,
	    in->cfg->introspection_endpoint, now, jwt, sizeof(jwt)) == -1)
		return -1;
	/* base64url and dots: nothing of it needs escaping. */
	w = snprintf(form + o, cap - o, "&client_assertion_type=%s"
	    "&client_assertion=%s", ASSERTION_TYPE, jwt);
	/* A credential for a minute: not left on the stack. */
	sodium_memzero(jwt, sizeof(jwt));
	return w < 0 || (size_t)w >= cap - o ? -1 : 0;
}

/* The members claims.c reads, and nothing else of the answer. */
static struct json_object *
cut_down(const struct config *cfg, struct json_object *o)
{
	static const char *const names[] = { "active", "exp", "iat", "nbf",
	    "iss", "aud", "scope", "amr", "jti" };
	struct json_object	*k, *v;
	size_t			 i;

	if ((k = json_object_new_object()) == NULL)
		return NULL;
	for (i = 0; i <= sizeof(names) / sizeof(names[0]); i++) {
		const char *name = i < sizeof(names) / sizeof(names[0]) ?
		    names[i] : cfg->phone_claim;

		if (!json_object_object_get_ex(o, name, &v) ||
		    json_object_object_get_ex(k, name, NULL))
			continue;
		if (json_object_object_add(k, name, json_object_get(v)) != 0) {
			json_object_put(v);
			json_object_put(k);
			return NULL;
		}
	}
	return k;
}

/*
 * The number lives in json-c's strings; json_object_put() frees them
 * unwiped.  Wipe the phone member in place first.
 */
static void
wipe_put(const struct config *cfg, struct json_object *o)
{
	struct json_object	*v;

	if (o == NULL)
		return;
	if (json_object_object_get_ex(o, cfg->phone_claim, &v) &&
	    json_object_is_type(v, json_type_string))
		sodium_memzero((void *)(uintptr_t)json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
	json_object_put(o);
}

/* Until when an answer is kept: 0 for not at all. */
static int64_t
cache_until(const struct config *cfg, struct json_object *o, time_t now)
{
	struct json_object	*v;
	double			 exp;
	int64_t			 until;

	if (json_object_object_get_ex(o, "active", &v) &&
	    json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v)) {
		if (cfg->introspection_cache_ttl == 0 ||
		    !json_object_object_get_ex(o, "exp", &v) ||
		    !(json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double)) ||
		    !isfinite(exp = json_object_get_double(v)))
			return 0;
		until = (int64_t)now + cfg->introspection_cache_ttl;
		if (exp < (double)until)
			until = exp > 0 ? (int64_t)exp : 0;	/* whole seconds */
		return until > (int64_t)now ? until : 0;
	}
	return cfg->introspection_negative_ttl > 0 ?
	    (int64_t)now + cfg->introspection_negative_ttl : 0;
}

/* One exchange with the endpoint: the cut-down answer, or why not. */
static enum introspect_err
ask(struct introspect *in, const char *tok, size_t len, time_t now,
    struct json_object **answer)
{
	struct http_answer	 a;
	struct json_object	*o = NULL;
	const char		*hdrs[3] = { "Accept: application/json",
				    in->cred.basic, NULL };
	char			*form;
	char			 err[256];
	enum http_status	 st;
	enum introspect_err	 rc = INTROSPECT_UNAVAILABLE;
	uint64_t		 t0;
	int			 asked = 0;

	*answer = NULL;
	memset(&a, 0, sizeof(a));
	if ((form = malloc(INTROSPECT_FORM_MAX)) == NULL) {
		snprintf(in->why, sizeof(in->why), "out of memory");
		return INTROSPECT_INTERNAL;
	}
	if (build_form(in, tok, len, now, form, INTROSPECT_FORM_MAX) == -1) {
		snprintf(in->why, sizeof(in->why), "introspection: token too "
		    "long for the form");
		rc = INTROSPECT_INTERNAL;
		goto out;
	}
	metrics_add(in->metrics, METRICS_INTROSPECTION_REQUESTS, 1);
	asked = 1;
	t0 = (uint64_t)clock_ns();
	st = http_post_form(&in->http, in->cfg->introspection_endpoint, form,
	    hdrs, &a, err, sizeof(err));
	metrics_time(in->metrics, METRICS_TIMER_INTROSPECTION,
	    (uint64_t)clock_ns() - t0);
	if (st != HTTP_OK) {
		snprintf(in->why, sizeof(in->why), "introspection endpoint "
		    "unavailable: %s", err);
		rc = st == HTTP_ERR_INTERNAL ? INTROSPECT_INTERNAL :
		    INTROSPECT_UNAVAILABLE;
		goto out;
	}
	if (a.status == 401 || a.status == 403) {
		snprintf(in->why, sizeof(in->why), "introspection endpoint "
		    "refused our credentials (HTTP %ld): check "
		    "introspection_client_id and its secret or key", a.status);
		rc = INTROSPECT_REFUSED;
		goto out;
	}
	if (a.status != 200) {
		snprintf(in->why, sizeof(in->why), "introspection endpoint "
		    "unavailable: HTTP %ld", a.status);
		goto out;
	}
	if (jparse_object(a.body, a.len, &o) != JPARSE_OK) {
		snprintf(in->why, sizeof(in->why), "introspection endpoint "
		    "unavailable: its answer is not a JSON object");
		goto out;
	}
	if ((*answer = cut_down(in->cfg, o)) == NULL) {
		snprintf(in->why, sizeof(in->why), "out of memory");
		rc = INTROSPECT_INTERNAL;
		goto out;
	}
	rc = INTROSPECT_OK;
out:
	/* The endpoint's failures, not ours (out of memory, libcurl). */
	if (asked && rc == INTROSPECT_UNAVAILABLE)
		metrics_introspection_error(in->metrics,
		    METRICS_IERR_UNAVAILABLE);
	else if (asked && rc == INTROSPECT_REFUSED)
		metrics_introspection_error(in->metrics, METRICS_IERR_REFUSED);
	/* With an answer, its number is the answer's: wiped with it. */
	if (*answer != NULL)
		json_object_put(o);
	else
		wipe_put(in->cfg, o);
	http_answer_free(&a);
	sodium_memzero(form, INTROSPECT_FORM_MAX);
	free(form);
	return rc;
}

/*
 * The answer kept for tok.  While another worker is asking about it,
 * wait for its answer (up to introspection_timeout) rather than ask
 * too: a thousand calls at once cost one exchange.  A miss leaves this
 * worker's claim (*claimed); a cache that fails (a lock, Redis down
 * or slow) costs only a call: it is never a pass by itself.
 */
static struct json_object *
from_cache(struct introspect *in, const char *tok, size_t len,
    int *claimed)
{
	char			 buf[ICACHE_DATA_MAX];
	struct json_object	*o = NULL;
	enum icache_err		 e;
	int64_t			 deadline, now, claim;
	size_t			 n;

	*claimed = 0;
	if (in->cache == NULL)
		return NULL;
	deadline = clock_ms() + in->cfg->introspection_timeout;
	for (;;) {
		now = (int64_t)time(NULL);
		claim = now + in->cfg->introspection_timeout / 1000 + 1;
		e = in->cops->get(in->cache, tok, len, now, claim, buf,
		    sizeof(buf), &n);
		if (e == ICACHE_OK) {
			if (jparse_object(buf, n, &o) != JPARSE_OK)
				o = NULL;
			break;
		}
		if (e != ICACHE_PENDING) {
			*claimed = e == ICACHE_MISS;
			break;
		}
		if (clock_ms() >= deadline)
			break;		/* its asker is stuck: ask too */
		(void)poll(NULL, 0, 2);
	}
	sodium_memzero(buf, sizeof(buf));
	return o;
}

/* Keeps the answer; a claim not replaced by one is dropped. */
static void
to_cache(struct introspect *in, const char *tok, size_t len, time_t now,
    struct json_object *o, int claimed)
{
	const char	*s;
	size_t		 n;
	int64_t		 until;

	if (in->cache == NULL)
		return;
	if (o == NULL || (until = cache_until(in->cfg, o, now)) == 0) {
		if (claimed)
			in->cops->release(in->cache, tok, len, (int64_t)now);
		return;
	}
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	n = strlen(s);
	/* Too big, a failed lock, Redis down: the next call costs more. */
	if (in->cops->put(in->cache, tok, len, until, (int64_t)now, s, n) !=
	    ICACHE_OK && claimed)
		in->cops->release(in->cache, tok, len, (int64_t)now);
	sodium_memzero((void *)(uintptr_t)s, n);
}

enum introspect_err
introspect_token(struct introspect *in, const char *tok, size_t len,
    time_t now, struct claims *c, const char **detail)
{
	struct json_object	*o;
	enum introspect_err	 rc;
	enum claims_err		 ce;
	int			 claimed;

	memset(c, 0, sizeof(*c));
	in->why[0] = '\0';
	*detail = in->why;
	if ((o = from_cache(in, tok, len, &claimed)) != NULL)
		metrics_add(in->metrics, METRICS_INTROSPECTION_CACHE_HITS, 1);
	else {
		rc = ask(in, tok, len, now, &o);
		/* A failure is not kept: the next call asks again. */
		to_cache(in, tok, len, now, o, claimed);
		if (rc != INTROSPECT_OK)
			return rc;
	}
	if ((ce = claims_check_object(in->cfg, o, CLAIMS_INTROSPECTION, now,
	    c)) != CLAIMS_OK) {
		snprintf(in->why, sizeof(in->why), "%s", claims_strerror(ce));
		rc = INTROSPECT_INVALID;
	} else
		rc = INTROSPECT_OK;
	wipe_put(in->cfg, o);
	return rc;
}

