/*
 * nv-fcgi: the Number Verification service as a FastCGI application.
 * Owns start-up: options, configuration, key sets, the single-use
 * store, the metrics file, the introspection client and its cache,
 * the listening socket, the sandbox; then serve.c's loops.
 * Started by a web server, spawn-fcgi or systemd it finds its
 * listening socket on fd 0; with -s or -b it opens its own; with
 * neither and no socket on fd 0 it answers one CGI request and exits.
 * Once set up it confines itself (sandbox.c), and every request runs
 * against a deadline of request_timeout seconds.  With jwks_signal_file
 * it maps the unknown-kid counter nv-keysync reads (kidwant.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "config.h"
#include "deckeys.h"
#include "introspect.h"
#include "keys.h"
#include "kidwant.h"
#include "listen.h"
#include "sandbox.h"
#include "serve.h"
#include "service.h"
#include "sig.h"
#include "store.h"

#define EX_USAGE_CODE	64
#define EX_CONFIG_CODE	78
#define EX_SOFTWARE_CODE 70
static void
usage(FILE *f)
{
	fprintf(f, "usage: nv-fcgi [-c config] [-s socket-path | -b host:port]\n"
	    "  -c FILE   configuration (else $NV_CONFIG, else %s)\n"
	    "  -s PATH   listen on a Unix socket\n"
	    "  -b H:P    listen on TCP host:port\n"
	    "  -h        this help\n"
	    "  -V        version\n", NV_DEFAULT_CONFIG);
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct keys	 keys;
	struct deckeys	 dec;
	struct service	 svc;
	struct kidwant	 want;
	struct sandbox_user su;
	const char	*conf = NULL, *sock_path = NULL, *bind_addr = NULL;
	const char	*selftest;
	char		 err[CONFIG_ERR_MAX];
	int		 ch, sock = 0, rc, cgi = 0;

	log_set_name("nv-fcgi");
	while ((ch = getopt(argc, argv, "b:c:hs:V")) != -1) {
		switch (ch) {
		case 'b':
			bind_addr = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 's':
			sock_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("nv-fcgi %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_CODE;
		}
	}
	if (optind != argc || (sock_path != NULL && bind_addr != NULL)) {
		usage(stderr);
		return EX_USAGE_CODE;
	}
	if (conf == NULL && (conf = getenv("NV_CONFIG")) == NULL)
		conf = NV_DEFAULT_CONFIG;
	if (sodium_init() < 0) {
		lerr("libsodium could not be initialised");
		return 1;
	}
	if (config_load(&cfg, conf, err, sizeof(err)) == -1) {
		lerr("%s", err);
		return EX_CONFIG_CODE;
	}
	/* OpenSSL, for RSA and ECDSA only: loaded now or never. */
	if (sig_init(cfg.signing_algs, err, sizeof(err)) == -1) {
		lerr("signing_algorithms: %s", err);
		config_free(&cfg);
		return 1;
	}
	if (keys_open(&keys, cfg.jwks_file, cfg.signing_algs, clock_coarse_ms(),
	    err, sizeof(err)) == -1) {
		lerr("%s", err);
		config_free(&cfg);
		return EX_CONFIG_CODE;
	}
	memset(&dec, 0, sizeof(dec));
	memset(&svc, 0, sizeof(svc));
	memset(&want, 0, sizeof(want));
	svc.auth.cfg = &cfg;
	svc.auth.keys = &keys.set;
	/* Mapped now: the sandboxed worker only stores into it. */
	if (cfg.jwks_signal_file != NULL) {
		if (kidwant_open(&want, cfg.jwks_signal_file, err,
		    sizeof(err)) == -1) {
			lerr("%s", err);
			rc = EX_CONFIG_CODE;
			goto out;
		}
		svc.auth.kidwant = &want;
	}
	if (cfg.decryption_keys_file != NULL) {
		/* Better no start than a worker that refuses every token. */
		if (!crypto_aead_aes256gcm_is_available()) {
			lerr("%s: decryption_keys_file is set, but this CPU "
			    "has no AES-GCM instructions libsodium can use "
			    "(crypto_aead_aes256gcm_is_available() is 0), so "
			    "encrypted tokens cannot be decrypted", conf);
			rc = EX_CONFIG_CODE;
			goto out;
		}
		if (deckeys_load(&dec, cfg.decryption_keys_file,
		    DECKEYS_PRIVATE, err, sizeof(err)) == -1) {
			lerr("%s", err);
			rc = EX_CONFIG_CODE;
			goto out;
		}
		svc.auth.deckeys = &dec;
	}
	/* Read now: the environment is the test's, not a client's. */
	selftest = getenv("NV_SANDBOX_SELFTEST");
	if (sandbox_user(cfg.user, &su, err, sizeof(err)) == -1) {
		lerr("%s", err);
		rc = EX_CONFIG_CODE;
		goto out;
	}
	/* Opened before the sandbox: a Redis connection among the rest. */
	if (cfg.single_use && store_open(&svc.auth.store, &cfg, su.uid,
	    su.gid, err, sizeof(err)) == -1) {
		lerr("%s", err);
		rc = EX_CONFIG_CODE;
		goto out;
	}
	/* The metrics file too: the sandbox opens nothing. */
	if (cfg.metrics_file != NULL && metrics_open(&svc.metrics,
	    cfg.metrics_file, su.uid, su.gid, err, sizeof(err)) == -1) {
		lerr("%s", err);
		rc = EX_CONFIG_CODE;
		goto out;
	}
	/*
	 * The endpoint's client, kept for the worker's life, and its
	 * cache; in Redis, over the single-use store's connection when
	 * that is in Redis too (one connection a worker).
	 */
	if (introspect_open(&svc.auth.introspect, &cfg,
	    store_conn(svc.auth.store), su.uid, su.gid, err,
	    sizeof(err)) == -1) {
		lerr("%s", err);
		rc = EX_CONFIG_CODE;
		goto out;
	}
	keys.metrics = svc.metrics;
	introspect_set_metrics(svc.auth.introspect, svc.metrics);
	store_set_metrics(svc.auth.store, svc.metrics);
	metrics_keyset(svc.metrics, &keys.set, time(NULL));
	serve_signals();
	if (FCGX_Init() != 0) {
		lerr("cannot initialise libfcgi");
		rc = 1;
		goto out;
	}
	if (sock_path != NULL || bind_addr != NULL) {
		sock = sock_path != NULL ?
		    listen_unix(sock_path, err, sizeof(err)) :
		    listen_tcp(bind_addr, err, sizeof(err));
		if (sock < 0) {
			lerr("cannot listen on %s", err);
			rc = 1;
			goto out;
		}
	} else
		cgi = FCGX_IsCGI();
	/*
	 * A CGI process runs as the web server makes it, once per request:
	 * only a long-lived worker left as root is worth a warning.
	 */
	if (!cgi && !su.drop && geteuid() == 0)
		lwarn("running as root: set `user` in the configuration");
	if (!cgi)
		metrics_add(svc.metrics, METRICS_WORKER_STARTS, 1);
	/* Everything opened: from here on the worker needs no more. */
	if ((rc = sandbox_enter(cfg.user, &su, cfg.syscall_filter,
	    store_needs_network(svc.auth.store) ||
	    svc.auth.introspect != NULL, err, sizeof(err))) == -1) {
		lerr("%s", err);
		rc = EX_SOFTWARE_CODE;
		goto out;
	}
	/* Said in CGI mode too, once per process: never off unseen. */
	if (rc == 1)
		lwarn("%s", err);
	sandbox_selftest(selftest);
	rc = cgi ? serve_cgi(&svc, cfg.request_timeout) :
	    serve_fcgi(&svc, &keys, sock, cfg.request_timeout,
	    cfg.kept_connections);
out:
	kidwant_close(&want);
	deckeys_free(&dec);
	introspect_close(svc.auth.introspect);
	store_close(svc.auth.store);
	metrics_close(svc.metrics);
	keys_close(&keys);
	config_free(&cfg);
	return rc;
}
