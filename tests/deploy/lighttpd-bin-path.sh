#!/usr/bin/env bash
# lighttpd spawning the workers itself (lighttpd/10-nv-fcgi-spawn.conf):
# the request suite through it, then nothing left running.
TEST_NAME=lighttpd-bin-path
# lighttpd passes X_Correlator as HTTP_X_CORRELATOR (tests/deploy/suite.sh).
UNDERSCORE_HEADERS=passed
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
. "$SRC/tests/deploy/suite.sh"
need lighttpd curl
deploy_setup
STOPPERS+=(stop_server)
start_lighttpd "$SRC/lighttpd/10-nv-fcgi-spawn.conf"
n=$(worker_pids | wc -l)
[ "$n" = 7 ] || die "lighttpd runs $n workers, want 4 for v0, 2 for v2 and 1 for /metrics"
run_suite "http://127.0.0.1:$PORT" || die "request suite failed"
stop_server
check_no_leftovers || die "processes left after stopping lighttpd"
say "ok"
