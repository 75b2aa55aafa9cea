#!/usr/bin/env bash
# What the metrics cost a worker per request: two nv-fcgi workers
# (spawn-fcgi, system call filter on) with the same configuration but
# for metrics_file and metrics_path, sent the same kind of requests (N
# distinct fresh tokens each, one after the other, by
# tests/redis_load.py: POST /verify, 200) in ROUNDS rounds, the order
# of the two alternating.  The worker's CPU is the run time the
# scheduler accounted to it (/proc/PID/schedstat, nanoseconds) over
# each run.  Prints each round's CPU per request and the ratio with
# metrics to without, then the ratio over all rounds.  With valgrind,
# also each worker's user-space instructions per request under
# callgrind (bench/worker_ir.py), which a busy machine does not move.
# Not part of make
# check: `make bench-metrics`, or `bench/metrics_cost.sh [N] [ROUNDS]`
# after a build (default 2000 and 5).
set -eu
srcdir=${srcdir:-.}
. "$srcdir/tests/secure-lib.sh"
N=${1:-2000}
ROUNDS=${2:-5}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
LOAD="$PY $srcdir/tests/redis_load.py"

write_conf
mv "$T/nv.conf" "$T/off.conf"
write_conf "metrics_file = metrics" "metrics_path = /metrics"
mv "$T/nv.conf" "$T/on.conf"

# worker NAME: one worker on $T/NAME.sock with $T/NAME.conf; its pid.
worker() {
	rm -f "$T/$1.sock" "$T/$1.pid"
	spawn-fcgi -s "$T/$1.sock" -F 1 -P "$T/$1.pid" -- /usr/bin/env \
	    NV_CONFIG="$T/$1.conf" /bin/sh -c 'exec "$0" 2>>"$1"' \
	    "$NV_FCGI" "$T/$1.err" >/dev/null
	for _ in $(seq 50); do
		[ -S "$T/$1.sock" ] && [ -s "$T/$1.pid" ] && break
		sleep 0.1
	done
	cat "$T/$1.pid"
}
OFF=$(worker off)
ON=$(worker on)
PIDS+=("$OFF" "$ON")

cpu_ns() {
	awk '{ print $1 }' "/proc/$1/schedstat"
}

# run NAME PID: N requests; prints the worker's nanoseconds for them.
run() {
	local t0 t1 out
	t0=$(cpu_ns "$2")
	out=$($LOAD timed "$T/k.key" "$ISS" "$AUD" "$N" "$T/$1.sock")
	t1=$(cpu_ns "$2")
	case $out in
	"ok=$N "*) ;;
	*) fail "$1: not every request answered 200: $out" ;;
	esac
	echo $((t1 - t0))
}

# One request each first: start-up work is neither's.
$LOAD timed "$T/k.key" "$ISS" "$AUD" 1 "$T/off.sock" >/dev/null
$LOAD timed "$T/k.key" "$ISS" "$AUD" 1 "$T/on.sock" >/dev/null

echo "| round | without metrics_file, µs/request | with, µs/request | ratio |"
echo "|---|---|---|---|"
sum_off=0
sum_on=0
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		off=$(run off "$OFF")
		on=$(run on "$ON")
	else
		on=$(run on "$ON")
		off=$(run off "$OFF")
	fi
	sum_off=$((sum_off + off))
	sum_on=$((sum_on + on))
	awk -v r="$r" -v a="$off" -v b="$on" -v n="$N" \
	    'BEGIN { printf "| %d | %.1f | %.1f | %.3f |\n", r, a / n / 1000, b / n / 1000, b / a }'
done
awk -v a="$sum_off" -v b="$sum_on" -v n=$((N * ROUNDS)) \
    'BEGIN { printf "| all %d | %.1f | %.1f | %.3f |\n", n, a / n / 1000, b / n / 1000, b / a }'
# The counters did count: the metrics worker's scrape says so.
SOCK=$T/on.sock fcgi GET /metrics
grep -q "^nv_requests_total{version=\"v0\",operation=\"verify\",status=\"200\",code=\"OK\"} $((N * ROUNDS + 1))" "$T/out" ||
    fail "the metrics worker did not count its requests: $(grep nv_requests_total "$T/out")"

command -v valgrind >/dev/null || { echo "(valgrind not found: no instruction counts)"; exit 0; }
# valgrind's own system calls would be killed by the filter.
for n in off on; do
	sed 's/^#.*//' "$T/$n.conf" > "$T/$n-vg.conf"
	echo "syscall_filter = no" >> "$T/$n-vg.conf"
done
sed -i 's/^metrics_file = metrics$/metrics_file = metrics-vg/' "$T/on-vg.conf"
tok=$(mint --ttl 3600)
for _ in $(seq 384); do
	printf '%s\t{"phoneNumber":"%s"}\n' "$tok" "$PHONE"
done > "$T/tokens.txt"
ir() {
	"$PY" "$srcdir/bench/worker_ir.py" "$T/tokens.txt" -- "$NV_FCGI" -c "$T/$1-vg.conf" |
	    sed -n 's/^instructions_per_request=\([0-9]*\) .*/\1/p'
}
ir_off=$(ir off)
ir_on=$(ir on)
[ -n "$ir_off" ] && [ -n "$ir_on" ] || fail "worker_ir.py gave no count"
echo
echo "| instructions per request (callgrind) | without | with | ratio |"
echo "|---|---|---|---|"
awk -v a="$ir_off" -v b="$ir_on" \
    'BEGIN { printf "| POST /verify, 200 | %d | %d | %.4f (+%d) |\n", a, b, b / a, b - a }'
