/*
 * nv-keysync: keeps jwks_file current from the issuer, beside the
 * sandboxed workers (which never open a network socket for it).
 * Owns the options, the signals and the schedule: a fetch at start,
 * then at the answer's max-age (clamped to jwks_refresh_min …
 * jwks_refresh_max), again after a failure with backoff, at once on
 * SIGHUP, and when the workers' unknown-kid counter (kidwant.c) moved,
 * at most once per jwks_refresh_min.  keysync.c does each fetch.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "clock.h"
#include "config.h"
#include "http.h"
#include "keys.h"
#include "keysync.h"
#include "kidwant.h"
#include "log.h"

#define EX_USAGE_CODE	64
#define EX_CONFIG_CODE	78
#define KEYSYNC_POLL_MS	250	/* how often the counter is looked at */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t fetch_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	fetch_requested = 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: nv-keysync [-c config] [--once] [-t seconds]\n"
	    "  -c FILE     configuration (else $NV_CONFIG, else %s)\n"
	    "  --once      fetch once and exit: 0 written or unchanged, "
	    "1 failed\n"
	    "  -t SECONDS  time for one exchange (default 10)\n"
	    "  -h          this help\n"
	    "  -V          version\n", NV_DEFAULT_CONFIG);
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal cuts the sleep short. */
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The one log line of a fetch, and the seconds until the next one. */
static long
fetch_once(struct keysync *ks, const struct config *cfg, unsigned *failures,
    int *ok)
{
	struct keysync_outcome	 o;
	long			 next;

	keysync_fetch(ks, &o);
	if (o.result == KEYSYNC_FAILED) {
		(*failures)++;
		*ok = 0;
		next = keysync_backoff(*failures, cfg->jwks_refresh_min);
		if (o.cancelled)
			linfo("fetch %s: cancelled; %s kept", o.uri,
			    cfg->jwks_file);
		else if (o.status == 0)	/* no answer at all */
			lwarn("fetch %s: failed: %s; %s kept; next refresh in "
			    "%ld s", o.uri, o.why, cfg->jwks_file, next);
		else
			lwarn("fetch %s: status %ld, failed: %s; %s kept; "
			    "next refresh in %ld s", o.uri, o.status, o.why,
			    cfg->jwks_file, next);
		return next;
	}
	*failures = 0;
	*ok = 1;
	next = keysync_refresh_after(o.max_age, cfg->jwks_refresh_min,
	    cfg->jwks_refresh_max);
	linfo("fetch %s: status %ld, %zu key%s, %s; next refresh in %ld s",
	    o.uri, o.status, o.keys, o.keys == 1 ? "" : "s",
	    o.result == KEYSYNC_WRITTEN ? "changed, written" : "unchanged",
	    next);
	return next;
}

/* Until SIGTERM: the schedule, the counter, SIGHUP. */
static void
run(struct keysync *ks, const struct config *cfg)
{
	struct kidwant		 want;
	struct timespec		 nap = { 0, KEYSYNC_POLL_MS * 1000000L };
	char			 err[CONFIG_ERR_MAX];
	long long		 now, next_ms, last_ms = -1;
	uint64_t		 seen = 0, v;
	unsigned		 failures = 0;
	int			 ok, open_said = 0;

	memset(&want, 0, sizeof(want));
	next_ms = clock_coarse_ms();
	while (!stop_requested) {
		now = clock_coarse_ms();
		/* The workers make the file: look again until it is there. */
		if (cfg->jwks_signal_file != NULL && want.counter == NULL) {
			if (kidwant_open_reader(&want, cfg->jwks_signal_file,
			    err, sizeof(err)) == 0) {
				seen = kidwant_read(&want);
				linfo("unknown-kid signal: %s",
				    cfg->jwks_signal_file);
			} else if (!open_said) {
				linfo("unknown-kid signal: waiting for %s",
				    err);
				open_said = 1;
			}
		}
		if ((v = kidwant_read(&want)) != seen && (last_ms < 0 ||
		    now - last_ms >= cfg->jwks_refresh_min * 1000LL) &&
		    next_ms > now) {
			linfo("a worker met an unknown kid: fetching again");
			next_ms = now;
		}
		if (fetch_requested) {
			fetch_requested = 0;
			next_ms = now;
		}
		if (now >= next_ms) {
			/* Every fetch answers what the counter asked so far. */
			seen = kidwant_read(&want);
			last_ms = now;
			next_ms = now + 1000LL * fetch_once(ks, cfg, &failures,
			    &ok);
			continue;
		}
		nanosleep(&nap, NULL);
	}
	kidwant_close(&want);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct config	 cfg;
	struct keysync	 ks;
	const char	*conf = NULL;
	char		 err[CONFIG_ERR_MAX], *end;
	long		 timeout = KEYSYNC_TIMEOUT_MS / 1000;
	unsigned	 failures = 0;
	int		 ch, once = 0, ok = 0, rc;

	log_set_name("nv-keysync");
	while ((ch = getopt_long(argc, argv, "c:ht:V", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'o':
			once = 1;
			break;
		case 't':
			errno = 0;
			timeout = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    timeout < 1 || timeout > 600) {
				lerr("-t takes seconds from 1 to 600");
				return EX_USAGE_CODE;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("nv-keysync %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_CODE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE_CODE;
	}
	if (conf == NULL && (conf = getenv("NV_CONFIG")) == NULL)
		conf = NV_DEFAULT_CONFIG;
	if (sodium_init() < 0) {
		lerr("libsodium could not be initialised");
		return 1;
	}
	if (http_global_init(err, sizeof(err)) == -1) {
		lerr("%s", err);
		return 1;
	}
	if (config_load(&cfg, conf, err, sizeof(err)) == -1) {
		lerr("%s", err);
		rc = EX_CONFIG_CODE;
		goto out_global;
	}
	if (keysync_init(&ks, &cfg, timeout * 1000, &stop_requested, err,
	    sizeof(err)) == -1) {
		lerr("%s: %s", conf, err);
		config_free(&cfg);
		rc = EX_CONFIG_CODE;
		goto out_global;
	}
	signals();
	if (once) {
		fetch_once(&ks, &cfg, &failures, &ok);
		rc = ok ? 0 : 1;
	} else {
		run(&ks, &cfg);
		linfo("stopped");
		rc = 0;
	}
	keysync_free(&ks);
	config_free(&cfg);
out_global:
	http_global_cleanup();
	return rc;
}
