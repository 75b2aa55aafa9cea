#!/usr/bin/env bash
# nginx fastcgi_pass to a spawn-fcgi pool (deploy/nginx/number-verification.conf):
# the request suite through it, then nothing left running.
TEST_NAME=nginx
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
. "$SRC/tests/deploy/suite.sh"
need nginx spawn-fcgi curl
deploy_setup
STOPPERS+=(stop_server stop_pool)
start_pool 2
start_nginx
run_suite "http://127.0.0.1:$PORT" || die "request suite failed"
stop_server
stop_pool
check_no_leftovers || die "processes left after stopping nginx and the pool"
say "ok"
