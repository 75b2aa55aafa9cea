#!/usr/bin/env bash
# Kept FastCGI connections (deploy/nginx/nv-fcgi-upstream.conf:
# fastcgi_keep_conn on, keepalive 64) to a spawn-fcgi pool of 2 workers:
# 1. 64 HTTP clients at once, each with its own kept connection, 5
#    requests each with a token of its own: every answer right (status,
#    headers, exact JSON), no client connection dropped; the single-use
#    store still refuses a token's second use.
# 2. nginx really keeps its connections: 30 requests more open none (the
#    workers' connection sockets afterwards are some of those before).
# 3. One worker, straight on its socket: a kept connection that stalls
#    half-way through a request holds the others at most
#    request_timeout, then is closed; the others stay kept.
# 4. One worker with kept_connections = 100 and 104 kept connections:
#    the 4 least recently used are closed, the 100 others each answer a
#    second request.
# 5. SIGTERM with kept connections open: the worker exits at once and
#    closes them.
TEST_NAME=nginx-keepalive
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
need nginx spawn-fcgi "$PYTHON"
"$PYTHON" -c 'import cryptography' 2>/dev/null || need python3-cryptography
deploy_setup
LIMIT=2
mkdir -p "$T/state"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$T/state"
cp "$T/etc/nv.conf" "$T/etc/base.conf"
{ cat "$T/etc/base.conf"; echo "request_timeout = $LIMIT"
  echo "single_use = yes"; echo "single_use_file = $T/state/single-use"
} > "$T/etc/nv.conf"
STOPPERS+=(stop_server stop_pool)
ka() { "$PYTHON" "$SRC/tests/deploy/keepalive.py" "$@"; }

start_pool 2
start_nginx
grep -q 'keepalive 64;' "$T/nginx/nv-fcgi-upstream.conf" &&
    grep -q 'fastcgi_keep_conn on;' "$T/nginx/number-verification.conf" ||
    die "the shipped nginx files do not keep connections"

# 1. Many more client connections than workers.
out=$(ka http "$PORT" "$T/tok/ok" "$T/keys/a.key" --clients 64 --requests 5) ||
    die "kept connections through nginx: $out"
echo "$out"

# 2. The connection sockets the workers hold (fd 0 is the listening one).
listener=$(readlink "/proc/$(echo "$POOL_PIDS" | head -1)/fd/0")
conn_sockets() {
	# shellcheck disable=SC2086 # one argument per pid
	ka inodes $POOL_PIDS | grep -vxF "${listener//[^0-9]/}" | sort -u
}
sleep 0.3	# connections nginx closed beyond its 64 are gone
before=$(conn_sockets)
nb=$(echo "$before" | grep -c . || true)
[ "$nb" -ge 2 ] || die "the workers hold $nb kept connections, want 2 or more"
out=$(ka http "$PORT" "$T/tok/ok" "$T/keys/a.key" --clients 1 --requests 30) ||
    die "requests on kept connections: $out"
after=$(conn_sockets)
new=$(comm -13 <(echo "$before") <(echo "$after") | grep -c . || true)
[ "$new" = 0 ] || die "nginx opened $new connections for 30 requests with $nb kept"
say "30 requests more over the $nb kept connections, none opened"
stop_server
stop_pool
# Nothing but the requests (and a sanitizer build's filter warning):
# no error, and with sanitizers no leak report at the workers' exit.
only_requests() {
	grep -v -e '^nv-fcgi: request: ' -e 'system call filter off' \
	    "$T/log/workers.log" && die "the workers logged more than requests"
	return 0
}
only_requests

# 3. and 4. One worker, no nginx: the raw FastCGI client.
{ cat "$T/etc/base.conf"; echo "request_timeout = $LIMIT"
  echo "kept_connections = 100"; } > "$T/etc/nv.conf"
start_pool 1
out=$(ka stall "$T/run/nv-fcgi.sock" "$T/tok/ok" "$T/keys/a.key" --limit "$LIMIT") ||
    die "a stalled kept connection: $out"
echo "$out"
out=$(ka idle "$T/run/nv-fcgi.sock" "$T/tok/ok" "$T/keys/a.key" --conns 104 \
    --bound 100) || die "many kept connections to one worker: $out"
echo "$out"
kill -0 "$POOL_PIDS" || die "the worker ended"

# 5. SIGTERM with kept connections open: the worker closes them and
#    exits at once, not when the web server lets them go.
ka hold "$T/run/nv-fcgi.sock" "$T/tok/ok" "$T/keys/a.key" --conns 5 \
    --wait 10 > "$T/hold" 2>&1 &
holder=$!
for _ in $(seq 100); do
	grep -q ready "$T/hold" && break
	sleep 0.1
done
grep -q ready "$T/hold" || die "kept connections not opened: $(cat "$T/hold")"
w=$POOL_PIDS
# Ended: gone, or a zombie its new parent has not reaped yet.
ended() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$st" ] || [ "$st" = Z ]
}
t0=$(date +%s%N)
kill -TERM "$w"
for _ in $(seq 50); do
	ended "$w" && break
	sleep 0.05
done
ended "$w" || die "SIGTERM: the worker still runs after 2.5 s with kept connections"
say "SIGTERM with 5 kept connections: exited in $((($(date +%s%N) - t0) / 1000000)) ms"
wait "$holder" || die "SIGTERM: $(cat "$T/hold")"
grep hold: "$T/hold"
POOL_PIDS=
only_requests
check_no_leftovers || die "processes left after stopping nginx and the pool"
say "ok"
