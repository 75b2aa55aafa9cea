/*
 * The metrics file (metrics.c): counters added from several processes
 * at once, the exposition text exactly, and the files refused (wrong
 * size, magic, mode, owner's folder, a second name), and another
 * version's layout laid out again only when no worker holds it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metrics.h"
#include "unit.h"

static char	*dir;
static char	*path;

static void
setup(void)
{
	dir = unit_tmpdir();
	ck_assert_int_ne(asprintf(&path, "%s/metrics", dir), -1);
}

static void
teardown(void)
{
	unit_rmtree(dir);
	free(dir);
	free(path);
}

static struct metrics *
open_ok(void)
{
	struct metrics	*m;
	char		 err[512];

	if (metrics_open(&m, path, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)) == -1)
		ck_abort_msg("metrics_open: %s", err);
	return m;
}

static const char *
refused(void)
{
	static char	 err[512];
	struct metrics	*m = NULL;

	ck_assert_int_eq(metrics_open(&m, path, (uid_t)-1, (gid_t)-1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_null(m);
	return err;
}

static const char *
render(struct metrics *m, const struct metrics_gauges *g)
{
	const char	*text;
	size_t		 len;

	ck_assert_int_eq(metrics_render(m, g, &text, &len), 0);
	ck_assert_uint_eq(strlen(text), len);
	return text;
}

/* The value of the one line of text that starts with series. */
static unsigned long long
value_of(const char *text, const char *series)
{
	const char	*p = text;
	size_t		 n = strlen(series);

	for (; p != NULL; p = strchr(p, '\n'), p = p != NULL ? p + 1 : p)
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
	ck_abort_msg("no series %s in:\n%s", series, text);
	return 0;
}

static const char expected[] =
"# HELP nv_requests_total Requests answered, by API version, operation, HTTP status and CAMARA code.\n"
"# TYPE nv_requests_total counter\n"
"nv_requests_total{version=\"v0\",operation=\"verify\",status=\"401\",code=\"UNAUTHENTICATED\"} 2\n"
"nv_requests_total{version=\"v0\",operation=\"verify\",status=\"200\",code=\"OK\"} 3\n"
"nv_requests_total{version=\"v0\",operation=\"other\",status=\"404\",code=\"NOT_FOUND\"} 1\n"
"nv_requests_total{version=\"v1\",operation=\"device_phone_number\",status=\"403\",code=\"INVALID_TOKEN_CONTEXT\"} 1\n"
"nv_requests_total{version=\"v2\",operation=\"device_phone_number\",status=\"403\",code=\"PERMISSION_DENIED\"} 3\n"
"# HELP nv_token_rejections_total Bearer tokens turned away (401, 403, and the single-use store's 500 and 503), by reason.\n"
"# TYPE nv_token_rejections_total counter\n"
"nv_token_rejections_total{reason=\"missing\"} 0\n"
"nv_token_rejections_total{reason=\"malformed\"} 0\n"
"nv_token_rejections_total{reason=\"not_encrypted\"} 0\n"
"nv_token_rejections_total{reason=\"decryption\"} 0\n"
"nv_token_rejections_total{reason=\"algorithm\"} 0\n"
"nv_token_rejections_total{reason=\"unknown_key\"} 0\n"
"nv_token_rejections_total{reason=\"bad_signature\"} 1\n"
"nv_token_rejections_total{reason=\"wrong_issuer\"} 0\n"
"nv_token_rejections_total{reason=\"wrong_audience\"} 0\n"
"nv_token_rejections_total{reason=\"expired\"} 1\n"
"nv_token_rejections_total{reason=\"not_yet_valid\"} 0\n"
"nv_token_rejections_total{reason=\"lifetime\"} 0\n"
"nv_token_rejections_total{reason=\"replayed\"} 0\n"
"nv_token_rejections_total{reason=\"store_full\"} 0\n"
"nv_token_rejections_total{reason=\"store_unavailable\"} 0\n"
"nv_token_rejections_total{reason=\"store_failed\"} 0\n"
"nv_token_rejections_total{reason=\"scope\"} 2\n"
"nv_token_rejections_total{reason=\"network_auth\"} 0\n"
"nv_token_rejections_total{reason=\"phone_number\"} 2\n"
"nv_token_rejections_total{reason=\"introspection_rejected\"} 0\n"
"nv_token_rejections_total{reason=\"introspection_unavailable\"} 0\n"
"nv_token_rejections_total{reason=\"introspection_failed\"} 0\n"
"# HELP nv_request_duration_seconds Time from the request's parameters to its answer, by operation.\n"
"# TYPE nv_request_duration_seconds histogram\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"5e-05\"} 2\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.0001\"} 3\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.00025\"} 3\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.0005\"} 3\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.001\"} 3\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.0025\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.005\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.01\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.025\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.05\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.1\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.25\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"0.5\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"1\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"verify\",le=\"+Inf\"} 5\n"
"nv_request_duration_seconds_sum{operation=\"verify\"} 2.002240001\n"
"nv_request_duration_seconds_count{operation=\"verify\"} 5\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"5e-05\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.0001\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.00025\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.0005\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.001\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.0025\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.005\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.01\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.025\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.05\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.1\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.25\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"0.5\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"1\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"device_phone_number\",le=\"+Inf\"} 4\n"
"nv_request_duration_seconds_sum{operation=\"device_phone_number\"} 0.004000000\n"
"nv_request_duration_seconds_count{operation=\"device_phone_number\"} 4\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"5e-05\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.0001\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.00025\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.0005\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.001\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.0025\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.005\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.01\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.025\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.05\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.1\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.25\"} 0\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"0.5\"} 1\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"1\"} 1\n"
"nv_request_duration_seconds_bucket{operation=\"other\",le=\"+Inf\"} 1\n"
"nv_request_duration_seconds_sum{operation=\"other\"} 0.300000001\n"
"nv_request_duration_seconds_count{operation=\"other\"} 1\n"
"# HELP nv_single_use_entries Tokens held in the single-use store file, expired ones not yet purged included.\n"
"# TYPE nv_single_use_entries gauge\n"
"nv_single_use_entries 3\n"
"# HELP nv_single_use_capacity Live tokens the single-use store file holds at most (single_use_capacity).\n"
"# TYPE nv_single_use_capacity gauge\n"
"nv_single_use_capacity 8\n"
"# HELP nv_keyset_keys Keys of the key set last loaded, by key type.\n"
"# TYPE nv_keyset_keys gauge\n"
"nv_keyset_keys{kind=\"RSA\"} 0\n"
"nv_keyset_keys{kind=\"EC\"} 0\n"
"nv_keyset_keys{kind=\"OKP\"} 2\n"
"# HELP nv_keyset_reload_timestamp_seconds When a worker last loaded the key set, at start-up or reload (Unix time).\n"
"# TYPE nv_keyset_reload_timestamp_seconds gauge\n"
"nv_keyset_reload_timestamp_seconds 1700000000\n"
"# HELP nv_worker_starts_total FastCGI workers of the pool started.\n"
"# TYPE nv_worker_starts_total counter\n"
"nv_worker_starts_total 4\n"
"# HELP nv_keyset_reload_failures_total Key set files that failed to load; the old keys stayed in force.\n"
"# TYPE nv_keyset_reload_failures_total counter\n"
"nv_keyset_reload_failures_total 1\n"
"# HELP nv_redis_errors_total Single-use checks (503, 500) and introspection cache calls (a miss) that Redis did not answer or failed.\n"
"# TYPE nv_redis_errors_total counter\n"
"nv_redis_errors_total 0\n"
"# HELP nv_redis_commands_total Commands sent to Redis: single-use SETs, introspection cache reads and writes.\n"
"# TYPE nv_redis_commands_total counter\n"
"nv_redis_commands_total 3\n"
"# HELP nv_introspection_requests_total Calls made to the introspection endpoint.\n"
"# TYPE nv_introspection_requests_total counter\n"
"nv_introspection_requests_total 3\n"
"# HELP nv_introspection_cache_hits_total Introspection answers, active or not, served from the shared cache.\n"
"# TYPE nv_introspection_cache_hits_total counter\n"
"nv_introspection_cache_hits_total 2\n"
"# HELP nv_introspection_errors_total Failed exchanges with the introspection endpoint: unavailable (no connection, timeout, not 200, not JSON; 503) or refused (our credentials, 401 or 403; 500).\n"
"# TYPE nv_introspection_errors_total counter\n"
"nv_introspection_errors_total{kind=\"unavailable\"} 2\n"
"nv_introspection_errors_total{kind=\"refused\"} 0\n"
"# HELP nv_introspection_duration_seconds Time of each exchange with the introspection endpoint, failed ones included.\n"
"# TYPE nv_introspection_duration_seconds histogram\n"
"nv_introspection_duration_seconds_bucket{le=\"5e-05\"} 1\n"
"nv_introspection_duration_seconds_bucket{le=\"0.0001\"} 1\n"
"nv_introspection_duration_seconds_bucket{le=\"0.00025\"} 1\n"
"nv_introspection_duration_seconds_bucket{le=\"0.0005\"} 1\n"
"nv_introspection_duration_seconds_bucket{le=\"0.001\"} 1\n"
"nv_introspection_duration_seconds_bucket{le=\"0.0025\"} 1\n"
"nv_introspection_duration_seconds_bucket{le=\"0.005\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"0.01\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"0.025\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"0.05\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"0.1\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"0.25\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"0.5\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"1\"} 2\n"
"nv_introspection_duration_seconds_bucket{le=\"+Inf\"} 3\n"
"nv_introspection_duration_seconds_sum 1.502550001\n"
"nv_introspection_duration_seconds_count 3\n"
"# HELP nv_redis_duration_seconds Time of each command's round trip to Redis, failed ones included.\n"
"# TYPE nv_redis_duration_seconds histogram\n"
"nv_redis_duration_seconds_bucket{le=\"5e-05\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.0001\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.00025\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.0005\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.001\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.0025\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.005\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.01\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.025\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.05\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.1\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.25\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"0.5\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"1\"} 0\n"
"nv_redis_duration_seconds_bucket{le=\"+Inf\"} 0\n"
"nv_redis_duration_seconds_sum 0.000000000\n"
"nv_redis_duration_seconds_count 0\n";

/*
 * One state, the whole text: only series that counted appear in
 * nv_requests_total, 2.1.0's INVALID_TOKEN_CONTEXT is summed into its
 * PERMISSION_DENIED, a duration on a bucket's bound is in it, the +Inf
 * bucket takes what is over a second.
 */
START_TEST(exposition_exact)
{
	struct metrics		*m = open_ok();
	struct metrics_gauges	 g = { 3, 8 };
	struct jwks		 set;
	unsigned char		 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char		 sk[crypto_sign_SECRETKEYBYTES];
	int			 i;

	memset(&set, 0, sizeof(set));
	unit_keypair(1, pk, sk);
	unit_jwks_add(&set, pk, "a");
	unit_keypair(2, pk, sk);
	unit_jwks_add(&set, pk, "b");
	metrics_keyset(m, &set, 1700000000);
	/* An older load (a late worker's clock) does not go back. */
	metrics_keyset(m, &set, 1600000000);
	jwks_free(&set);

	metrics_request(m, API_V0, METRICS_OP_VERIFY, NVE__MAX,
	    AUTH_REASON_NONE, 40000);
	metrics_request(m, API_V0, METRICS_OP_VERIFY, NVE__MAX,
	    AUTH_REASON_NONE, 50000);
	metrics_request(m, API_V0, METRICS_OP_VERIFY, NVE__MAX,
	    AUTH_REASON_NONE, 2000000);
	metrics_request(m, API_V0, METRICS_OP_VERIFY, NVE_UNAUTHENTICATED,
	    AUTH_REASON_EXPIRED, 50001);
	metrics_request(m, API_V0, METRICS_OP_VERIFY, NVE_UNAUTHENTICATED,
	    AUTH_REASON_BAD_SIGNATURE, 2000100000);
	metrics_request(m, API_V0, METRICS_OP_OTHER, NVE_NOT_FOUND,
	    AUTH_REASON_NONE, 300000001);
	metrics_request(m, API_V1, METRICS_OP_SHARE,
	    NVE_INVALID_TOKEN_CONTEXT, AUTH_REASON_PHONE_NUMBER, 1000000);
	metrics_request(m, API_V2, METRICS_OP_SHARE,
	    NVE_INVALID_TOKEN_CONTEXT, AUTH_REASON_PHONE_NUMBER, 1000000);
	for (i = 0; i < 2; i++)
		metrics_request(m, API_V2, METRICS_OP_SHARE,
		    NVE_PERMISSION_DENIED, AUTH_REASON_SCOPE, 1000000);
	metrics_add(m, METRICS_WORKER_STARTS, 4);
	metrics_add(m, METRICS_KEYSET_RELOAD_FAILURES, 1);
	metrics_add(m, METRICS_REDIS_COMMANDS, 3);
	for (i = 0; i < 3; i++)
		metrics_add(m, METRICS_INTROSPECTION_REQUESTS, 1);
	metrics_add(m, METRICS_INTROSPECTION_CACHE_HITS, 2);
	metrics_introspection_error(m, METRICS_IERR_UNAVAILABLE);
	metrics_introspection_error(m, METRICS_IERR_UNAVAILABLE);
	/* On a bound, just over one, over a second; Redis none: zeros. */
	metrics_time(m, METRICS_TIMER_INTROSPECTION, 50000);
	metrics_time(m, METRICS_TIMER_INTROSPECTION, 2500001);
	metrics_time(m, METRICS_TIMER_INTROSPECTION, 1500000000);
	/* Out of range: nothing, not a wild write. */
	metrics_introspection_error(m, METRICS_IERR__MAX);
	metrics_time(m, METRICS_TIMER__MAX, 1);
	ck_assert_str_eq(render(m, &g), expected);
	metrics_close(m);
}
END_TEST

/* Without a file store the single-use gauges are left out. */
START_TEST(no_store_no_gauges)
{
	struct metrics		*m = open_ok();
	struct metrics_gauges	 g = { -1, -1 };
	const char		*text = render(m, &g);

	ck_assert_ptr_null(strstr(text, "nv_single_use"));
	ck_assert_ptr_nonnull(strstr(text, "\nnv_worker_starts_total 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nnv_redis_commands_total 0\n"
	    "# HELP nv_introspection_requests_total Calls made to the "
	    "introspection endpoint.\n# TYPE nv_introspection_requests_total "
	    "counter\nnv_introspection_requests_total 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nnv_introspection_errors_total"
	    "{kind=\"refused\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nnv_redis_duration_seconds_bucket"
	    "{le=\"+Inf\"} 0\nnv_redis_duration_seconds_sum 0.000000000\n"
	    "nv_redis_duration_seconds_count 0\n"));
	ck_assert_ptr_null(strstr(text, "nv_requests_total{"));
	metrics_close(m);
}
END_TEST

/*
 * Four processes, each with the file opened on its own, add at once;
 * then a new opening finds every add, and nothing else.
 */
START_TEST(pool_adds_without_loss)
{
	enum { PROCS = 4, ADDS = 20000 };
	struct metrics	*m;
	pid_t		 pid[PROCS];
	int		 i, j, st;

	for (i = 0; i < PROCS; i++) {
		ck_assert_int_ge(pid[i] = fork(), 0);
		if (pid[i] == 0) {
			m = open_ok();
			metrics_add(m, METRICS_WORKER_STARTS, 1);
			for (j = 0; j < ADDS; j++)
				metrics_request(m, API_V1, METRICS_OP_VERIFY,
				    NVE__MAX, AUTH_REASON_NONE, 1000);
			metrics_close(m);
			_exit(0);
		}
	}
	for (i = 0; i < PROCS; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	m = open_ok();
	ck_assert_uint_eq(value_of(render(m, NULL), "nv_requests_total{"
	    "version=\"v1\",operation=\"verify\",status=\"200\",code=\"OK\"}"),
	    PROCS * ADDS);
	ck_assert_uint_eq(value_of(render(m, NULL),
	    "nv_request_duration_seconds_count{operation=\"verify\"}"),
	    PROCS * ADDS);
	ck_assert_uint_eq(value_of(render(m, NULL), "nv_worker_starts_total"),
	    PROCS);
	metrics_close(m);
}
END_TEST

static void
write_file(const char *p, const void *buf, size_t len, mode_t mode)
{
	int	 fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static size_t
good_size(void)
{
	struct metrics	*m = open_ok();
	struct stat	 st;

	metrics_close(m);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	return (size_t)st.st_size;
}

/*
 * Every counter at its largest (all bits set, as another process of
 * the service's user could write them) still fits the buffer: the
 * longest exposition there can be.
 */
START_TEST(largest_fits)
{
	size_t			 n = good_size(), i;
	struct metrics_gauges	 g = { 1048576, 1048576 };
	struct metrics		*m;
	unsigned char		*buf = malloc(n);
	int			 fd;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < n; i++)
		buf[i] = 0xff;
	ck_assert_int_ge(fd = open(path, O_WRONLY), 0);
	/* After the header: magic (16), layout (4), bytes (4). */
	ck_assert_int_eq(pwrite(fd, buf, n - 24, 24), (ssize_t)(n - 24));
	close(fd);
	m = open_ok();
	ck_assert_ptr_nonnull(strstr(render(m, &g), "nv_requests_total{"
	    "version=\"v2\",operation=\"other\",status=\"200\",code=\"OK\"} "
	    "18446744073709551615\n"));
	metrics_close(m);
	free(buf);
}
END_TEST

START_TEST(refuses_wrong_size)
{
	char	 junk[100] = { 0 };

	write_file(path, junk, sizeof(junk), 0600);
	ck_assert_ptr_nonnull(strstr(refused(), "not a metrics file of this "
	    "service (100 bytes, no header of ours)"));
}
END_TEST

START_TEST(refuses_wrong_magic)
{
	size_t	 n = good_size();
	char	*buf = calloc(1, n);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "nv-single-use-1", 16);
	unlink(path);
	write_file(path, buf, n, 0600);
	ck_assert_ptr_nonnull(strstr(refused(), "no header of ours"));
	free(buf);
}
END_TEST

/*
 * Another version's layout (here: its layout number, then its size):
 * refused while a worker holds the file, laid out afresh from zero
 * once none does.
 */
START_TEST(other_layout)
{
	struct metrics	*holder, *m;
	uint32_t	 layout = 99;
	int		 fd;

	holder = open_ok();
	metrics_add(holder, METRICS_WORKER_STARTS, 5);
	ck_assert_int_ge(fd = open(path, O_WRONLY), 0);
	ck_assert_int_eq(pwrite(fd, &layout, sizeof(layout), 16), 4);
	close(fd);
	ck_assert_ptr_nonnull(strstr(refused(), "in use by workers of "
	    "another version"));
	metrics_close(holder);
	m = open_ok();
	ck_assert_uint_eq(value_of(render(m, NULL), "nv_worker_starts_total"),
	    0);
	metrics_add(m, METRICS_WORKER_STARTS, 1);
	metrics_close(m);
	/* Longer than this layout, with our magic: the same. */
	ck_assert_int_ge(fd = open(path, O_WRONLY), 0);
	ck_assert_int_eq(ftruncate(fd, 100000), 0);
	close(fd);
	m = open_ok();
	ck_assert_uint_eq(value_of(render(m, NULL), "nv_worker_starts_total"),
	    0);
	metrics_close(m);
	ck_assert_uint_eq((size_t)100000 > good_size(), 1);
}
END_TEST

/* Left before its magic was written: taken and laid out afresh. */
START_TEST(takes_half_made)
{
	size_t		 n = good_size();
	char		*buf = calloc(1, n);
	struct metrics	*m;

	ck_assert_ptr_nonnull(buf);
	unlink(path);
	write_file(path, buf, n, 0600);
	m = open_ok();
	metrics_add(m, METRICS_WORKER_STARTS, 1);
	ck_assert_uint_eq(value_of(render(m, NULL), "nv_worker_starts_total"),
	    1);
	metrics_close(m);
	free(buf);
}
END_TEST

START_TEST(refuses_open_mode)
{
	(void)good_size();
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_ptr_nonnull(strstr(refused(), "mode 0600"));
}
END_TEST

START_TEST(refuses_second_name)
{
	char	*other;

	(void)good_size();
	ck_assert_int_ne(asprintf(&other, "%s/link", dir), -1);
	ck_assert_int_eq(link(path, other), 0);
	ck_assert_ptr_nonnull(strstr(refused(), "2 names"));
	free(other);
}
END_TEST

START_TEST(refuses_open_folder)
{
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_ptr_nonnull(strstr(refused(), "writable by its owner alone"));
	ck_assert_int_eq(chmod(dir, 0700), 0);
}
END_TEST

/* Not the service's user's: refused (as root: a file of nobody's). */
START_TEST(refuses_other_owner)
{
	if (geteuid() != 0)
		return;		/* only root can give a file away */
	(void)good_size();
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_ptr_nonnull(strstr(refused(), "service's user"));
}
END_TEST

/* A NULL struct metrics: every call is nothing (no metrics_file). */
START_TEST(null_is_nothing)
{
	metrics_add(NULL, METRICS_WORKER_STARTS, 1);
	metrics_request(NULL, API_V0, METRICS_OP_VERIFY, NVE__MAX,
	    AUTH_REASON_NONE, 1);
	metrics_keyset(NULL, NULL, 0);
	metrics_introspection_error(NULL, METRICS_IERR_REFUSED);
	metrics_time(NULL, METRICS_TIMER_REDIS, 1);
	metrics_close(NULL);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc = tcase_create("metrics");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, exposition_exact);
	tcase_add_test(tc, no_store_no_gauges);
	tcase_add_test(tc, pool_adds_without_loss);
	tcase_add_test(tc, largest_fits);
	tcase_add_test(tc, refuses_wrong_size);
	tcase_add_test(tc, refuses_wrong_magic);
	tcase_add_test(tc, other_layout);
	tcase_add_test(tc, takes_half_made);
	tcase_add_test(tc, refuses_open_mode);
	tcase_add_test(tc, refuses_second_name);
	tcase_add_test(tc, refuses_open_folder);
	tcase_add_test(tc, refuses_other_owner);
	tcase_add_test(tc, null_is_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(metrics_suite());
}
