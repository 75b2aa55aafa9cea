#!/usr/bin/env bash
# Apache mod_fcgid spawning the workers (apache/nv-fcgi-fcgid.conf): the
# request suite through it, then nothing left running.
TEST_NAME=apache-fcgid
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
. "$SRC/tests/deploy/suite.sh"
need apache2 curl
deploy_setup
STOPPERS+=(stop_server)
start_apache "$SRC/apache/nv-fcgi-fcgid.conf" "fcgid alias authz_host"
run_suite "http://127.0.0.1:$PORT" || die "request suite failed"
stop_server
check_no_leftovers || die "processes left after stopping Apache"
say "ok"
