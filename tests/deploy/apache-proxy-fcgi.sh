#!/usr/bin/env bash
# Apache mod_proxy_fcgi to a spawn-fcgi pool over its Unix socket
# (apache/nv-fcgi-proxy-fcgi.conf): the request suite through it, then
# nothing left running.
TEST_NAME=apache-proxy-fcgi
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
. "$SRC/tests/deploy/suite.sh"
need apache2 spawn-fcgi curl
deploy_setup
STOPPERS+=(stop_server stop_pool)
start_pool 2
start_apache "$SRC/apache/nv-fcgi-proxy-fcgi.conf" "proxy proxy_fcgi authz_host"
run_suite "http://127.0.0.1:$PORT" || die "request suite failed"
stop_server
stop_pool
check_no_leftovers || die "processes left after stopping Apache and the pool"
say "ok"
