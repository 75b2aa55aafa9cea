#!/usr/bin/env bash
# The pool under load: 4 workers spawned by lighttpd
# (lighttpd/10-nv-fcgi-spawn.conf), 2,000 requests from 16 clients, every
# answer right; then the same with one worker killed part way: lighttpd
# replaces it, and only requests in flight on it may fail (a 5xx from
# lighttpd or a cut connection, never a wrong answer).
TEST_NAME=pool
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
need lighttpd "$PYTHON"
deploy_setup
STOPPERS+=(stop_server)
start_lighttpd "$SRC/lighttpd/10-nv-fcgi-spawn.conf"

CONC=16
load() {
	"$PYTHON" "$SRC/tests/deploy/load.py" --port "$PORT" \
	    --path /number-verification/v0/verify --token "$T/tok/ok" \
	    --body "{\"phoneNumber\":\"$PHONE\"}" \
	    --expect '{"devicePhoneNumberVerified":true}' \
	    --concurrency "$CONC" --max-seconds 120 "$@"
}
v0=$(workers_on "$T/run/nv-fcgi-v0.sock")
[ "$(echo "$v0" | wc -w)" = 4 ] || die "want 4 v0 workers, have: $v0"

load --count 2000 --tag "steady" || die "wrong answers from a steady pool"

victim=$(echo "$v0" | sed -n 2p)
out=$(load --count 2000 --kill-pid "$victim" --kill-at 500 --tag "kill")
echo "$out"
summary=$(echo "$out" | head -1)
failed=$(echo "$summary" | sed -n 's/.* ok=\([0-9]*\) .*/\1/p')
failed=$((2000 - failed))
echo "$summary" | grep -q 'killed_at=' || die "the worker was not killed"
kill -0 "$victim" 2>/dev/null && die "worker $victim still runs"
# What may fail: lighttpd's own 5xx or a cut connection for the requests
# that were on that worker, never a 200 or 4xx with a wrong body.
fs=$(echo "$summary" | sed -n 's/.* failures=\(.*\)$/\1/p')
for f in ${fs//,/ }; do
	case ${f%%:*} in
	5[0-9][0-9] | RemoteDisconnected | ConnectionResetError | \
	    BadStatusLine | IncompleteRead) ;;
	*) die "a failure that no killed worker explains: $f" ;;
	esac
done
[ "$failed" -le "$CONC" ] ||
    die "$failed requests failed, more than the $CONC that can be in flight"

# lighttpd replaces the worker; then every request is right again.
for _ in $(seq 50); do
	now=$(workers_on "$T/run/nv-fcgi-v0.sock")
	[ "$(echo "$now" | wc -w)" = 4 ] && break
	sleep 0.2
done
[ "$(echo "$now" | wc -w)" = 4 ] || die "lighttpd did not replace the worker: $now"
echo "$now" | grep -qx "$victim" && die "the killed worker is listed again"
load --count 400 --tag "after" || die "wrong answers after the replacement"

stop_server
check_no_leftovers || die "processes left after stopping lighttpd"
say "ok: killed worker $victim at request 500; $failed of 2000 failed; replaced by lighttpd"
