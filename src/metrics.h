/*
 * The pool's counters in one shared file (metrics_file): every worker
 * adds to them with atomic adds, without a lock, and any worker
 * renders all of them in the Prometheus text format (0.0.4) for
 * metrics_path.  Labels come from fixed tables only: API version,
 * operation, status and CAMARA code, rejection reason, key type, the
 * introspection error's kind.
 */
#ifndef NV_METRICS_H
#define NV_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "auth.h"
#include "errors.h"
#include "jwks.h"

#define METRICS_TEXT_MAX	32768	/* the exposition, all series counting */
#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* The operation label: the route, or other for what matched none. */
enum metrics_op {
	METRICS_OP_VERIFY = 0,
	METRICS_OP_SHARE,		/* device_phone_number */
	METRICS_OP_OTHER,
	METRICS_OP__MAX
};

/*
 * Plain counters of the pool.  A new one is a name here and a line in
 * metrics.c's counter table; the layout version (METRICS_LAYOUT) goes
 * up with it.
 */
enum metrics_counter {
	METRICS_WORKER_STARTS = 0,	/* nv_worker_starts_total */
	METRICS_KEYSET_RELOAD_FAILURES,	/* nv_keyset_reload_failures_total */
	METRICS_REDIS_ERRORS,		/* nv_redis_errors_total */
	METRICS_REDIS_COMMANDS,		/* nv_redis_commands_total */
	METRICS_INTROSPECTION_REQUESTS,	/* nv_introspection_requests_total */
	METRICS_INTROSPECTION_CACHE_HITS, /* ..._cache_hits_total */
	METRICS_COUNTER__MAX
};

/* nv_introspection_errors_total's kind: the endpoint's fault, or ours. */
enum metrics_ierr {
	METRICS_IERR_UNAVAILABLE = 0,	/* connect, timeout, not 200, not JSON */
	METRICS_IERR_REFUSED,		/* 401/403: our credentials refused */
	METRICS_IERR__MAX
};

/* The exchanges timed in their own histograms (no labels). */
enum metrics_timer {
	METRICS_TIMER_INTROSPECTION = 0,  /* nv_introspection_duration_seconds */
	METRICS_TIMER_REDIS,		  /* nv_redis_duration_seconds */
	METRICS_TIMER__MAX
};

/* What the worker answering a scrape knows of its own, not shared. */
struct metrics_gauges {
	long long	 single_use_entries;	/* -1: no file store */
	long long	 single_use_capacity;
};

struct metrics;

/*
 * Opens or creates the file (as owner:group when not (uid_t)-1 and
 * started as root), like the single-use store: mode 0600, the
 * service's user's, one name, in a folder only its owner can write;
 * reserved with posix_fallocate.  A file of another size, magic or
 * layout is refused.  Before the sandbox: nothing later opens a file.
 */
int	 metrics_open(struct metrics **, const char *path, uid_t owner,
	    gid_t group, char *err, size_t errlen);
void	 metrics_close(struct metrics *);

/* Every call below does nothing with a NULL struct metrics. */
void	 metrics_add(struct metrics *, enum metrics_counter, uint64_t);
/*
 * One answered request: e is its error, or NVE__MAX for a success;
 * reason why its token was turned away (AUTH_REASON_NONE: it was not);
 * nsec how long it took.
 */
void	 metrics_request(struct metrics *, enum api_version, enum metrics_op,
	    enum nv_error e, enum auth_reason reason, uint64_t nsec);
/* One failed exchange with the introspection endpoint. */
void	 metrics_introspection_error(struct metrics *, enum metrics_ierr);
/* One exchange of t that took nsec (clock_ns()). */
void	 metrics_time(struct metrics *, enum metrics_timer, uint64_t nsec);
/* CLOCK_MONOTONIC in nanoseconds: differences are what metrics_time takes. */
/* A key set now in force (at start-up or reload), loaded at now. */
void	 metrics_keyset(struct metrics *, const struct jwks *, time_t now);

/*
 * The exposition, in a buffer of the struct's own (valid until the
 * next call): *len bytes.  -1 when it does not fit (cannot happen with
 * the fixed label tables; said rather than cut).
 */
int	 metrics_render(struct metrics *, const struct metrics_gauges *,
	    const char **text, size_t *len);

#endif
