/*
 * The metrics file: a fixed struct of 64-bit counters, mapped shared
 * by every worker of the pool.  A request adds with relaxed atomic
 * adds, no lock: each counter is exact on its own, and a scrape that
 * reads them while others add sees each one at some moment of its
 * own, which is all the text format promises.  The file outlives the
 * workers, so a worker that dies or is replaced takes nothing with
 * it: its requests were counted before they were answered.
 *
 * The counters' shape (API versions x operations x error codes, the
 * reasons, the buckets) is the layout: a file made for another one is
 * never read as this one; it is laid out afresh once no worker of the
 * other version holds it.  A file that is no metrics file is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "sbuf.h"
#include "sig.h"
#include "statefile.h"

#define METRICS_MAGIC		"nv-metrics"	/* in a 16-byte field */
#define METRICS_LAYOUT		2	/* up with any change of the struct */
#define METRICS_OUTCOMES	(NVE__MAX + 1)	/* the errors, then OK */
#define METRICS_OK		NVE__MAX
#define METRICS_BUCKETS		14	/* and +Inf after them */

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
    "the shared counters need lock-free 64-bit atomics");

enum metrics_kind {
	KIND_RSA = 0,
	KIND_EC,
	KIND_OKP,
	KIND__MAX
};

struct metrics_file {
	char			 magic[16];
	uint32_t		 layout;
	uint32_t		 bytes;		/* sizeof(struct metrics_file) */
	_Atomic uint64_t	 requests[API__MAX][METRICS_OP__MAX]
				    [METRICS_OUTCOMES];
	_Atomic uint64_t	 rejections[AUTH_REASON__MAX];
	_Atomic uint64_t	 buckets[METRICS_OP__MAX][METRICS_BUCKETS + 1];
	_Atomic uint64_t	 duration_ns[METRICS_OP__MAX];
	_Atomic uint64_t	 counters[METRICS_COUNTER__MAX];
	_Atomic uint64_t	 ierrors[METRICS_IERR__MAX];
	_Atomic uint64_t	 tbuckets[METRICS_TIMER__MAX][METRICS_BUCKETS + 1];
	_Atomic uint64_t	 tduration_ns[METRICS_TIMER__MAX];
	_Atomic uint64_t	 keyset_keys[KIND__MAX];
	_Atomic int64_t		 keyset_loaded;	/* seconds since the epoch */
};

struct metrics {
	int			 fd;
	struct metrics_file	*f;
	char			*text;		/* metrics_render()'s */
};

static const char *const op_names[METRICS_OP__MAX] = {
	[METRICS_OP_VERIFY] = "verify",
	[METRICS_OP_SHARE] = "device_phone_number",
	[METRICS_OP_OTHER] = "other",
};

static const char *const kind_names[KIND__MAX] = {
	[KIND_RSA] = "RSA", [KIND_EC] = "EC", [KIND_OKP] = "OKP",
};

static const struct {
	const char	*name;
	const char	*help;
} counter_defs[METRICS_COUNTER__MAX] = {
	[METRICS_WORKER_STARTS] = { "nv_worker_starts_total",
	    "FastCGI workers of the pool started." },
	[METRICS_KEYSET_RELOAD_FAILURES] = { "nv_keyset_reload_failures_total",
	    "Key set files that failed to load; the old keys stayed in force." },
	[METRICS_REDIS_ERRORS] = { "nv_redis_errors_total",
	    "Single-use checks (503, 500) and introspection cache calls (a "
	    "miss) that Redis did not answer or failed." },
	[METRICS_REDIS_COMMANDS] = { "nv_redis_commands_total",
	    "Commands sent to Redis: single-use SETs, introspection cache "
	    "reads and writes." },
	[METRICS_INTROSPECTION_REQUESTS] = { "nv_introspection_requests_total",
	    "Calls made to the introspection endpoint." },
	[METRICS_INTROSPECTION_CACHE_HITS] = {
	    "nv_introspection_cache_hits_total",
	    "Introspection answers, active or not, served from the shared "
	    "cache." },
};

static const char *const ierr_names[METRICS_IERR__MAX] = {
	[METRICS_IERR_UNAVAILABLE] = "unavailable",
	[METRICS_IERR_REFUSED] = "refused",
};

static const struct {
	const char	*name;
	const char	*help;
} timer_defs[METRICS_TIMER__MAX] = {
	[METRICS_TIMER_INTROSPECTION] = { "nv_introspection_duration_seconds",
	    "Time of each exchange with the introspection endpoint, failed "
	    "ones included." },
	[METRICS_TIMER_REDIS] = { "nv_redis_duration_seconds",
	    "Time of each command's round trip to Redis, failed ones "
	    "included." },
};

/* Upper bounds in nanoseconds, and as the le label writes them. */
static const uint64_t bucket_ns[METRICS_BUCKETS] = {
	50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
	25000000, 50000000, 100000000, 250000000, 500000000, 1000000000,
};
static const char *const bucket_le[METRICS_BUCKETS] = {
	"5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005",
	"0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
};

static void
header_init(struct metrics_file *f)
{
	f->layout = METRICS_LAYOUT;
	f->bytes = sizeof(*f);
	/* The magic last: a half-made file is never taken for one. */
	memcpy(f->magic, METRICS_MAGIC, sizeof(METRICS_MAGIC));
}

enum file_state {
	FILE_GOOD = 0,		/* this layout's */
	FILE_EMPTY,		/* new, or left before the magic was written */
	FILE_OTHER_LAYOUT,	/* ours, of another version */
	FILE_FOREIGN		/* not a metrics file: never touched */
};

static enum file_state
file_state(int fd, off_t size)
{
	static const char	 zero[16];
	struct metrics_file	 h;
	const size_t		 head = offsetof(struct metrics_file, requests);

	if (size == 0)
		return FILE_EMPTY;
	if (size < (off_t)head || pread(fd, &h, head, 0) != (ssize_t)head)
		return FILE_FOREIGN;
	if (memcmp(h.magic, METRICS_MAGIC, sizeof(METRICS_MAGIC)) != 0)
		return memcmp(h.magic, zero, sizeof(zero)) == 0 &&
		    size == (off_t)sizeof(h) ? FILE_EMPTY : FILE_FOREIGN;
	return h.layout == METRICS_LAYOUT && h.bytes == sizeof(h) &&
	    size == (off_t)sizeof(h) ? FILE_GOOD : FILE_OTHER_LAYOUT;
}

/*
 * A file another version laid out is laid out again, its counters
 * started from zero (which Prometheus takes as a reset), but only when
 * no worker has it open: each holds a shared flock for its life.
 */
static int
relayout(int fd, const char *path, char *err, size_t errlen)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "%s: in use by workers of another "
		    "version (another layout of the counters): stop them "
		    "first", path);
		return -1;
	}
	if (ftruncate(fd, 0) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The fcntl lock on the first byte serializes workers that start at
 * once, so one of them lays the header down and the others find it.
 */
int
metrics_open(struct metrics **out, const char *path, uid_t owner,
    gid_t group, char *err, size_t errlen)
{
	struct metrics	*m;
	struct stat	 st;
	void		*map;
	int		 e, locked = 0, rc = -1;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	m->fd = -1;
	if ((m->text = malloc(METRICS_TEXT_MAX)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((m->fd = statefile_open(path, owner, group, "metrics file", err,
	    errlen)) == -1)
		goto out;
	if (statefile_lock(m->fd, F_WRLCK) == -1 || fstat(m->fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	locked = 1;
	switch (file_state(m->fd, st.st_size)) {
	case FILE_GOOD:
	case FILE_EMPTY:
		break;
	case FILE_OTHER_LAYOUT:
		if (relayout(m->fd, path, err, errlen) == -1)
			goto out;
		break;
	default:
		snprintf(err, errlen, "%s: not a metrics file of this service "
		    "(%lld bytes, no header of ours): move it away", path,
		    (long long)st.st_size);
		goto out;
	}
	/* Reserved now: a page first touched mid-request could SIGBUS. */
	if ((e = posix_fallocate(m->fd, 0, (off_t)sizeof(*m->f))) != 0) {
		snprintf(err, errlen, "%s: cannot reserve its %zu bytes: %s",
		    path, sizeof(*m->f), strerror(e));
		goto out;
	}
	map = mmap(NULL, sizeof(*m->f), PROT_READ | PROT_WRITE, MAP_SHARED,
	    m->fd, 0);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		goto out;
	}
	m->f = map;
	if (file_state(m->fd, (off_t)sizeof(*m->f)) == FILE_EMPTY)
		header_init(m->f);
	/* Held for the worker's life: the file is in use, as it is. */
	if (flock(m->fd, LOCK_SH) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (locked)
		(void)statefile_lock(m->fd, F_UNLCK);
	if (rc == -1) {
		metrics_close(m);
		return -1;
	}
	*out = m;
	return 0;
}

void
metrics_close(struct metrics *m)
{
	if (m == NULL)
		return;
	if (m->f != NULL)
		munmap(m->f, sizeof(*m->f));
	if (m->fd != -1)
		close(m->fd);
	free(m->text);
	free(m);
}

static void
add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t
get(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void
metrics_add(struct metrics *m, enum metrics_counter c, uint64_t n)
{
	if (m != NULL && (unsigned)c < METRICS_COUNTER__MAX)
		add(&m->f->counters[c], n);
}

/* One observation of a histogram: its bucket, and the sum. */
static void
observe(_Atomic uint64_t *buckets, _Atomic uint64_t *sum, uint64_t nsec)
{
	size_t	 b;

	for (b = 0; b < METRICS_BUCKETS && nsec > bucket_ns[b]; b++)
		continue;
	add(&buckets[b], 1);
	add(sum, nsec);
}

void
metrics_introspection_error(struct metrics *m, enum metrics_ierr k)
{
	if (m != NULL && (unsigned)k < METRICS_IERR__MAX)
		add(&m->f->ierrors[k], 1);
}

void
metrics_time(struct metrics *m, enum metrics_timer t, uint64_t nsec)
{
	if (m != NULL && (unsigned)t < METRICS_TIMER__MAX)
		observe(m->f->tbuckets[t], &m->f->tduration_ns[t], nsec);
}

void
metrics_request(struct metrics *m, enum api_version v, enum metrics_op op,
    enum nv_error e, enum auth_reason reason, uint64_t nsec)
{
	if (m == NULL)
		return;
	if ((unsigned)v >= API__MAX)
		v = API_V0;
	if ((unsigned)op >= METRICS_OP__MAX)
		op = METRICS_OP_OTHER;
	if ((unsigned)e > METRICS_OK)
		e = NVE_INTERNAL;
	add(&m->f->requests[v][op][e], 1);
	if (reason != AUTH_REASON_NONE && (unsigned)reason < AUTH_REASON__MAX)
		add(&m->f->rejections[reason], 1);
	observe(m->f->buckets[op], &m->f->duration_ns[op], nsec);
}

void
metrics_keyset(struct metrics *m, const struct jwks *set, time_t now)
{
	uint64_t	 n[KIND__MAX] = { 0 };
	int64_t		 was;
	size_t		 i;

	if (m == NULL)
		return;
	for (i = 0; i < set->n; i++)
		switch (set->keys[i].key.type) {
		case SIG_KEY_RSA:
			n[KIND_RSA]++;
			break;
		case SIG_KEY_ED25519:
			n[KIND_OKP]++;
			break;
		default:
			n[KIND_EC]++;
			break;
		}
	for (i = 0; i < KIND__MAX; i++)
		atomic_store_explicit(&m->f->keyset_keys[i], n[i],
		    memory_order_relaxed);
	/* The latest load of any worker: a late starter cannot go back. */
	was = atomic_load_explicit(&m->f->keyset_loaded, memory_order_relaxed);
	while (was < (int64_t)now && !atomic_compare_exchange_weak_explicit(
	    &m->f->keyset_loaded, &was, (int64_t)now, memory_order_relaxed,
	    memory_order_relaxed))
		continue;
}

static void
family(struct sbuf *o, const char *name, const char *type, const char *help)
{
	sbuf_str(o, "# HELP ");
	sbuf_str(o, name);
	sbuf_put(o, " ", 1);
	sbuf_str(o, help);
	sbuf_str(o, "\n# TYPE ");
	sbuf_str(o, name);
	sbuf_put(o, " ", 1);
	sbuf_str(o, type);
	sbuf_put(o, "\n", 1);
}

static void
label(struct sbuf *o, const char *sep, const char *name, const char *value)
{
	sbuf_str(o, sep);
	sbuf_str(o, name);
	sbuf_str(o, "=\"");
	sbuf_str(o, value);
	sbuf_put(o, "\"", 1);
}

static void
value(struct sbuf *o, uint64_t n)
{
	sbuf_put(o, "} ", 2);
	sbuf_num(o, n);
	sbuf_put(o, "\n", 1);
}

static void
sample(struct sbuf *o, const char *name, uint64_t n)
{
	sbuf_str(o, name);
	sbuf_put(o, " ", 1);
	sbuf_num(o, n);
	sbuf_put(o, "\n", 1);
}

/* Nanoseconds as decimal seconds, exactly. */
static void
seconds(struct sbuf *o, uint64_t ns)
{
	char	 frac[10];
	int	 i;

	sbuf_num(o, ns / 1000000000u);
	ns %= 1000000000u;
	for (i = 8; i >= 0; i--, ns /= 10)
		frac[i] = (char)('0' + ns % 10);
	frac[9] = '\0';
	sbuf_put(o, ".", 1);
	sbuf_str(o, frac);
}

static const struct error_info *
outcome_info(enum api_version v, size_t e)
{
	static const struct error_info	 ok = { 200, "OK", "" };

	return e == METRICS_OK ? &ok : errors_get(v, (enum nv_error)e);
}

/*
 * Only the series that counted something: 3 versions x 3 operations x
 * 12 outcomes would be mostly zeros.  Two errors a version answers
 * alike (2.1.0's INVALID_TOKEN_CONTEXT is its PERMISSION_DENIED) are
 * one series, summed under the first.
 */
static void
render_requests(struct sbuf *o, struct metrics_file *f)
{
	const struct error_info	*a, *b;
	uint64_t		 n;
	size_t			 v, op, e, d;

	family(o, "nv_requests_total", "counter", "Requests answered, by API "
	    "version, operation, HTTP status and CAMARA code.");
	for (v = 0; v < API__MAX; v++)
		for (op = 0; op < METRICS_OP__MAX; op++)
			for (e = 0; e < METRICS_OUTCOMES; e++) {
				a = outcome_info(v, e);
				for (d = 0; d < e; d++) {
					b = outcome_info(v, d);
					if (a->status == b->status &&
					    strcmp(a->code, b->code) == 0)
						break;
				}
				if (d < e)
					continue;	/* summed under d */
				for (n = 0, d = e; d < METRICS_OUTCOMES; d++) {
					b = outcome_info(v, d);
					if (a->status == b->status &&
					    strcmp(a->code, b->code) == 0)
						n += get(&f->requests[v][op][d]);
				}
				if (n == 0)
					continue;
				sbuf_str(o, "nv_requests_total");
				label(o, "{", "version",
				    errors_version_name(v));
				label(o, ",", "operation", op_names[op]);
				sbuf_str(o, ",status=\"");
				sbuf_num(o, (unsigned)a->status);
				sbuf_put(o, "\"", 1);
				label(o, ",", "code", a->code);
				value(o, n);
			}
}

/* name + suffix, then its labels' opening: the one label, if any. */
static void
series(struct sbuf *o, const char *name, const char *suffix,
    const char *lname, const char *lvalue)
{
	sbuf_str(o, name);
	sbuf_str(o, suffix);
	if (lname != NULL)
		label(o, "{", lname, lvalue);
}

/* One histogram's series: with one label (lname), or none (NULL). */
static void
histogram(struct sbuf *o, const char *name, const char *lname,
    const char *lvalue, _Atomic uint64_t *buckets, _Atomic uint64_t *sum)
{
	uint64_t	 cum;
	size_t		 b;

	for (cum = 0, b = 0; b <= METRICS_BUCKETS; b++) {
		cum += get(&buckets[b]);
		series(o, name, "_bucket", lname, lvalue);
		label(o, lname != NULL ? "," : "{", "le",
		    b < METRICS_BUCKETS ? bucket_le[b] : "+Inf");
		value(o, cum);
	}
	series(o, name, "_sum", lname, lvalue);
	sbuf_str(o, lname != NULL ? "} " : " ");
	seconds(o, get(sum));
	sbuf_put(o, "\n", 1);
	series(o, name, "_count", lname, lvalue);
	/* The buckets' total: the count and +Inf always agree. */
	sbuf_str(o, lname != NULL ? "} " : " ");
	sbuf_num(o, cum);
	sbuf_put(o, "\n", 1);
}

static void
render_durations(struct sbuf *o, struct metrics_file *f)
{
	size_t		 op;

	family(o, "nv_request_duration_seconds", "histogram", "Time from "
	    "the request's parameters to its answer, by operation.");
	for (op = 0; op < METRICS_OP__MAX; op++)
		histogram(o, "nv_request_duration_seconds", "operation",
		    op_names[op], f->buckets[op], &f->duration_ns[op]);
}

int
metrics_render(struct metrics *m, const struct metrics_gauges *g,
    const char **text, size_t *len)
{
	struct metrics_file	*f = m->f;
	struct sbuf		 o;
	size_t			 i;

	sbuf_init(&o, m->text, METRICS_TEXT_MAX);
	render_requests(&o, f);
	family(&o, "nv_token_rejections_total", "counter", "Bearer tokens "
	    "turned away (401, 403, and the single-use store's 500 and 503), "
	    "by reason.");
	for (i = AUTH_REASON_NONE + 1; i < AUTH_REASON__MAX; i++) {
		sbuf_str(&o, "nv_token_rejections_total");
		label(&o, "{", "reason", auth_reason_name(i));
		value(&o, get(&f->rejections[i]));
	}
	render_durations(&o, f);
	if (g != NULL && g->single_use_entries >= 0) {
		family(&o, "nv_single_use_entries", "gauge", "Tokens held in "
		    "the single-use store file, expired ones not yet purged "
		    "included.");
		sample(&o, "nv_single_use_entries",
		    (uint64_t)g->single_use_entries);
		family(&o, "nv_single_use_capacity", "gauge", "Live tokens the "
		    "single-use store file holds at most (single_use_capacity).");
		sample(&o, "nv_single_use_capacity",
		    (uint64_t)g->single_use_capacity);
	}
	family(&o, "nv_keyset_keys", "gauge", "Keys of the key set last "
	    "loaded, by key type.");
	for (i = 0; i < KIND__MAX; i++) {
		sbuf_str(&o, "nv_keyset_keys");
		label(&o, "{", "kind", kind_names[i]);
		value(&o, get(&f->keyset_keys[i]));
	}
	family(&o, "nv_keyset_reload_timestamp_seconds", "gauge", "When a "
	    "worker last loaded the key set, at start-up or reload (Unix "
	    "time).");
	sample(&o, "nv_keyset_reload_timestamp_seconds", (uint64_t)
	    atomic_load_explicit(&f->keyset_loaded, memory_order_relaxed));
	for (i = 0; i < METRICS_COUNTER__MAX; i++) {
		family(&o, counter_defs[i].name, "counter", counter_defs[i].help);
		sample(&o, counter_defs[i].name, get(&f->counters[i]));
	}
	family(&o, "nv_introspection_errors_total", "counter", "Failed "
	    "exchanges with the introspection endpoint: unavailable (no "
	    "connection, timeout, not 200, not JSON; 503) or refused (our "
	    "credentials, 401 or 403; 500).");
	for (i = 0; i < METRICS_IERR__MAX; i++) {
		sbuf_str(&o, "nv_introspection_errors_total");
		label(&o, "{", "kind", ierr_names[i]);
		value(&o, get(&f->ierrors[i]));
	}
	for (i = 0; i < METRICS_TIMER__MAX; i++) {
		family(&o, timer_defs[i].name, "histogram", timer_defs[i].help);
		histogram(&o, timer_defs[i].name, NULL, NULL,
		    f->tbuckets[i], &f->tduration_ns[i]);
	}
	if (o.over)
		return -1;
	*len = sbuf_end(&o);
	*text = m->text;
	return 0;
}
