# Shared by tests/redis.test and tests/redis-icache.test: a redis-server
# of the test's own on a free loopback port, with a password and its
# append-only file on; "machines" (spawn-fcgi pools, each with its own
# configuration folder $T/NAME) started and stopped by their pids.
# Sourced after tests/secure-lib.sh; set -eu is the caller's.

# A skip elsewhere, a failure in CI, which installs deploy/debian-packages.
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
	[ "${CI:-}" = true ] &&
	    fail "redis-server is not installed (CI installs deploy/debian-packages)"
	echo "SKIP: redis-server and redis-cli are needed (Debian redis-server)"
	exit 77
}

REDIS_PORT=$(free_port)
REDIS_PW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
mkdir -m 700 "$T/redis"

rcli() {
	REDISCLI_AUTH=$REDIS_PW redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"
}

# Persistence as an operator should run it: every write in the
# append-only file before the answer, so a restart forgets no token.
start_redis() {
	redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$T/redis" \
	    --save '' --appendonly yes --appendfsync always \
	    --maxmemory-policy noeviction --requirepass "$REDIS_PW" \
	    --logfile "$T/redis/log" &
	REDIS_PID=$!
	PIDS+=("$REDIS_PID")
	for _ in $(seq 100); do
		[ "$(rcli PING 2>/dev/null)" = PONG ] && return 0
		sleep 0.05
	done
	fail "redis-server did not start: $(tail -5 "$T/redis/log")"
}

stop_redis() {
	kill "$REDIS_PID"
	wait "$REDIS_PID" 2>/dev/null || true
}

# start_machine NAME N: N workers of that machine on $T/NAME/sock.
start_machine() {
	local d=$T/$1 n=$2 pids
	rm -f "$d/sock" "$d/pids"
	spawn-fcgi -s "$d/sock" -F "$n" -P "$d/pids" -- /usr/bin/env \
	    NV_CONFIG="$d/nv.conf" /bin/sh -c 'exec "$0" 2>>"$1"' \
	    "$NV_FCGI" "$T/err" >/dev/null
	for _ in $(seq 50); do
		[ -S "$d/sock" ] && [ "$(grep -c . "$d/pids" 2>/dev/null || true)" -ge "$n" ] && break
		sleep 0.1
	done
	mapfile -t pids <"$d/pids"
	[ "${#pids[@]}" -eq "$n" ] || fail "$1: ${#pids[@]} of $n workers"
	PIDS+=("${pids[@]}")
	ALL+=("${pids[@]}")
}

# soon REGEX: a line of the workers' log matches, within 5 s: a
# worker's pid is written when it is forked, its start-up comes later.
soon() {
	for _ in $(seq 100); do
		grep -qE -- "$1" "$T/err" && return 0
		sleep 0.05
	done
	return 1
}

stop_machines() {
	local p
	for p in "${ALL[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${ALL[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
	ALL=()
}
ALL=()
