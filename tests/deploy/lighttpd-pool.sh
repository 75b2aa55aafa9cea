#!/usr/bin/env bash
# lighttpd forwarding to a spawn-fcgi pool (lighttpd/10-nv-fcgi-socket.conf,
# started as deploy/nv-fcgi-spawn.service does): the request suite through
# it, then nothing left running.
TEST_NAME=lighttpd-pool
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
. "$SRC/tests/deploy/suite.sh"
need lighttpd spawn-fcgi curl
deploy_setup
STOPPERS+=(stop_server stop_pool)
start_pool 4
start_lighttpd "$SRC/lighttpd/10-nv-fcgi-socket.conf"
run_suite "http://127.0.0.1:$PORT" || die "request suite failed"
stop_server
stop_pool
check_no_leftovers || die "processes left after stopping lighttpd and the pool"
say "ok"
