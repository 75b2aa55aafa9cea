#!/usr/bin/env bash
# The single-use store's cost per request: one nv-fcgi worker (spawn-fcgi,
# filter on) with single_use_store = file, then = redis (a redis-server
# of its own on a Unix socket, then on loopback TCP, then over TLS on
# loopback with a CA and a certificate made here), each sent N
# distinct fresh tokens one after the other by tests/redis_load.py.
# Prints, per store, the worker's CPU per request (utime + stime from
# /proc, clock ticks) and the latency seen by the client.  Not part of
# make check: `bench/store_cost.sh [N]` after a build (default 3000).
set -eu
srcdir=${srcdir:-.}
. "$srcdir/tests/secure-lib.sh"
N=${1:-3000}
LOAD="python3 $srcdir/tests/redis_load.py"
HZ=$(getconf CLK_TCK)
PORT=$(free_port)
TLS_PORT=$(free_port)

(umask 077; head -c 32 /dev/urandom >"$T/secret")
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/ca.key" -out "$T/ca.pem" -days 1 -subj /CN=bench-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/srv.key" -out "$T/srv.csr" -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/srv.ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
    -CAcreateserial -days 1 -extfile "$T/srv.ext" -out "$T/srv.pem" 2>/dev/null
redis-server --port "$PORT" --bind 127.0.0.1 --unixsocket "$T/redis.sock" \
    --tls-port "$TLS_PORT" --tls-cert-file "$T/srv.pem" \
    --tls-key-file "$T/srv.key" --tls-auth-clients no \
    --unixsocketperm 700 --dir "$T" --save '' --appendonly yes \
    --appendfsync everysec --logfile "$T/redis.log" &
PIDS+=($!)
for _ in $(seq 100); do
	[ "$(redis-cli -s "$T/redis.sock" PING 2>/dev/null)" = PONG ] && break
	sleep 0.05
done

run() {
	local name=$1 p t0 t1
	shift
	write_conf "single_use = yes" "$@"
	start_pool 1
	p=${WORKERS[0]}
	# One request first: start-up work is not the store's.
	$LOAD timed "$T/k.key" "$ISS" "$AUD" 1 "$SOCK" >/dev/null
	t0=$(awk '{print $14 + $15}' "/proc/$p/stat")
	out=$($LOAD timed "$T/k.key" "$ISS" "$AUD" "$N" "$SOCK")
	t1=$(awk '{print $14 + $15}' "/proc/$p/stat")
	awk -v n="$name" -v r="$N" -v d=$((t1 - t0)) -v hz="$HZ" -v o="$out" \
	    'BEGIN { printf "| %s | %d | %.0f | %s |\n", n, r, d * 1e6 / hz / r, o }'
	kill "$p"
	while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
}

echo "| store | requests | worker CPU µs/request | client latency |"
echo "|---|---|---|---|"
run file "single_use_file = store"
run "redis (unix socket)" "single_use_store = redis" \
    "redis_url = unix:$T/redis.sock" "redis_key_secret_file = secret"
run "redis (TCP loopback)" "single_use_store = redis" \
    "redis_url = redis://127.0.0.1:$PORT" "redis_key_secret_file = secret"
run "redis (TLS loopback)" "single_use_store = redis" \
    "redis_url = rediss://127.0.0.1:$TLS_PORT" "redis_ca_file = ca.pem" \
    "redis_key_secret_file = secret"
