#!/usr/bin/env bash
# Opaque tokens' cost per request: one nv-fcgi worker (spawn-fcgi,
# filter on) sent N requests one after the other by a Python FastCGI
# client, three ways: one signed token (JWS, EdDSA: local checks only);
# one opaque token answered from the introspection cache (after one
# exchange); and N distinct opaque tokens, each a cache miss and one
# exchange with tests/introspect_server.py over HTTPS (a kept
# connection, HTTP Basic).  Prints the worker's CPU per request (utime +
# stime from /proc, clock ticks) and the latency the client saw.  Not
# part of make check: `bench/introspect_cost.sh [N]` after a build
# (default 3000; the cold path runs N/5).
set -eu
srcdir=${srcdir:-.}
. "$srcdir/tests/secure-lib.sh"
. "$srcdir/tests/introspect-lib.sh"
N=${1:-3000}
HZ=$(getconf CLK_TCK)

make_ca
start_endpoint --secret "$CLIENT_SECRET"
(umask 077; printf '%s\n' "$CLIENT_SECRET" > "$T/secret")
now=$(date +%s)
ans='{"active":true,"iss":"'$ISS'","aud":"'$AUD'","exp":'$((now + 3600))',"scope":"number-verification:verify","amr":["nba"],"phone_number":"'$PHONE'"}'
# The endpoint's table: the cached token and the cold ones.
"$PY" - "$T/answers" "$ans" "$N" <<'EOF'
import json, sys
a = json.loads(sys.argv[2])
t = {"opaque-cached": a}
t.update({"opaque-cold-%d" % i: a for i in range(int(sys.argv[3]))})
json.dump(t, open(sys.argv[1], "w"))
EOF
write_conf "introspection_endpoint = $AS_URL" "introspection_client_id = $CLIENT_ID" \
    "introspection_client_secret_file = secret" "introspection_ca_file = ca.pem" \
    "introspection_cache_file = icache"
start_pool 1
P=${WORKERS[0]}

# load TOKENFILE: every line a token, one request each, in order.
load() {
	"$PY" - "$SOCK" "$1" "$srcdir/tests" <<'EOF'
import sys, time
sys.path.insert(0, sys.argv[3])
import fcgi_client
sock = sys.argv[1]
lat, ok = [], 0
for tok in open(sys.argv[2]).read().split():
    hdr = [("Authorization", "Bearer " + tok), ("Content-Type", "application/json"),
           ("Accept", "application/json")]
    t0 = time.perf_counter()
    o, complete, _ = fcgi_client.request(sock, "POST", "/number-verification/v0/verify",
                                         hdr, b'{"phoneNumber":"+34600000001"}', timeout=20)
    lat.append((time.perf_counter() - t0) * 1e6)
    ok += complete and o.startswith(b"Status: 200")
lat.sort()
print("ok=%d mean_us=%.0f p50_us=%.0f p99_us=%.0f" % (ok, sum(lat) / len(lat),
      lat[len(lat) // 2], lat[min(len(lat) - 1, len(lat) * 99 // 100)]))
EOF
}

run() {
	local name=$1 file=$2 n t0 t1 out
	n=$(wc -l < "$file")
	t0=$(awk '{print $14 + $15}' "/proc/$P/stat")
	out=$(load "$file")
	t1=$(awk '{print $14 + $15}' "/proc/$P/stat")
	awk -v n="$name" -v r="$n" -v d=$((t1 - t0)) -v hz="$HZ" -v o="$out" \
	    'BEGIN { printf "| %s | %d | %.0f | %s |\n", n, r, d * 1e6 / hz / r, o }'
}

jws=$(mint --ttl 3600)
for _ in $(seq "$N"); do echo "$jws"; done > "$T/jws"
for _ in $(seq "$N"); do echo opaque-cached; done > "$T/cached"
seq 0 $((N / 5 - 1)) | sed 's/^/opaque-cold-/' > "$T/cold"
# Warm up: key set, TLS connection, the cached token's one exchange.
head -1 "$T/jws" > "$T/one"; load "$T/one" >/dev/null
head -1 "$T/cached" > "$T/one"; load "$T/one" >/dev/null

echo "| token | requests | worker CPU µs/request | client latency |"
echo "|---|---|---|---|"
run "signed (JWS EdDSA)" "$T/jws"
run "opaque, from the cache" "$T/cached"
run "opaque, cold (one exchange each)" "$T/cold"
echo "introspections: $(wc -l < "$T/calls") (1 cached + $((N / 5)) cold)," \
    "TLS connections: $(wc -l < "$T/calls.conns")"
