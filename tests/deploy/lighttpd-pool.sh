#!/usr/bin/env bash
# lighttpd forwarding to a spawn-fcgi pool (lighttpd/10-nv-fcgi-socket.conf,
# the pool started by the ExecStart of deploy/nv-fcgi-spawn.service): the
# request suite through it; a key set change only SIGHUP reveals, and the
# unit's ExecReload; then nothing left running.
TEST_NAME=lighttpd-pool
# lighttpd passes X_Correlator as HTTP_X_CORRELATOR (tests/deploy/suite.sh).
UNDERSCORE_HEADERS=passed
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
. "$SRC/tests/deploy/suite.sh"
need lighttpd spawn-fcgi curl
deploy_setup
STOPPERS+=(stop_server stop_pool)
start_pool 4
start_lighttpd "$SRC/lighttpd/10-nv-fcgi-socket.conf"
run_suite "http://127.0.0.1:$PORT" || die "request suite failed"

# The key set rewritten in place, size and modification time kept (key
# B for key A): the workers cannot see the change ...
"$PYTHON" - "$T/etc/keys.jwks" "$T/keys/b.jwks" <<'PY' || die "in-place rewrite"
import json, os, sys
dst, src = sys.argv[1], sys.argv[2]
st = os.stat(dst)
new = json.dumps({"keys": json.load(open(src))["keys"]}).encode()
old = json.dumps({"keys": json.load(open(dst))["keys"]}).encode()
if len(new) != st.st_size or len(old) != st.st_size:
    sys.exit("key sets of different sizes")
with open(dst, "r+b") as f:
    f.write(new)
os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
u=http://127.0.0.1:$PORT/number-verification/v0/device-phone-number
status() {
	curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/tok/$1")" "$u"
}
sleep 1.3
for _ in 1 2 3 4 5 6 7 8; do
	[ "$(status ok)" = 200 ] || die "key A refused before the reload"
	[ "$(status key_b)" = 401 ] || die "key B taken before the reload"
done
# ... until systemctl reload (the unit's ExecReload): every worker gets
# SIGHUP, stays up, and re-reads the key set at its next request.
reload_pool
for _ in 1 2 3 4 5 6 7 8; do
	[ "$(status ok)" = 401 ] || die "key A still taken after the reload"
	[ "$(status key_b)" = 200 ] || die "key B refused after the reload"
done
for p in $POOL_PIDS; do
	kill -0 "$p" 2>/dev/null || die "worker $p did not survive the reload"
done
n=$(grep -c "key set $T/etc/keys.jwks reloaded: 1 key$" "$T/log/workers.log")
m=$(grep -c "^nv-fcgi: request: " "$T/log/workers.log")
[ "$m" -ge 80 ] || die "only $m request lines in the workers' log"
say "reload: $n of 4 workers re-read the key set at their next request; $m request lines logged"
[ "$n" -ge 1 ] || die "no worker logged the reload"

stop_server
stop_pool
check_no_leftovers || die "processes left after stopping lighttpd and the pool"
say "ok"
