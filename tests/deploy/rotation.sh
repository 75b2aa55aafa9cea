#!/usr/bin/env bash
# Key rotation without restart, through lighttpd and its 4+2 workers
# (lighttpd/10-nv-fcgi-spawn.conf).  The key set file is replaced (aside,
# then renamed) while a bounded load runs: key B added, key A removed, a
# bad file (logged, old keys kept), then a change only SIGHUP reveals.
# After each step, tokens of A and B pass or fail exactly as the file
# says, and the load never sees a failure.
TEST_NAME=rotation
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"
need lighttpd "$PYTHON"
deploy_setup
STOPPERS+=(stop_server)
start_lighttpd "$SRC/lighttpd/10-nv-fcgi-spawn.conf"
# The API's 4+2; the snippet's seventh worker serves /metrics alone.
workers="$(workers_on "$T/run/nv-fcgi-v0.sock") $(workers_on "$T/run/nv-fcgi-v2.sock")"
[ "$(echo "$workers" | wc -w)" = 6 ] || die "want 6 workers, have: $workers"
[ "$(worker_pids | wc -w)" = 7 ] || die "want 7 workers with /metrics's, have: $(worker_pids)"

KEYS_SETTLE=1.3	# a worker looks at the file at most once a second
OK_BODY='{"devicePhoneNumber":"'$PHONE'"}'
FIGURES=()

load() {
	"$PYTHON" "$SRC/tests/deploy/load.py" --port "$PORT" --max-seconds 60 "$@"
}

# expect KEY STATUS, on both versions, from every worker (16 clients).
expect() {
	local key=$1 status=$2 v body out
	for v in v0 v2; do
		if [ "$status" = 200 ]; then
			body=$OK_BODY
		elif [ $v = v0 ]; then
			body='{"status":401,"code":"UNAUTHENTICATED","message":"Request not authenticated due to missing, invalid, or expired credentials"}'
		else
			body='{"status":401,"code":"UNAUTHENTICATED","message":"Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required."}'
		fi
		out=$(load --path "/number-verification/$v/device-phone-number" \
		    --token "$T/tok/key_$key" --status "$status" --expect "$body" \
		    --count 32 --concurrency 16 --tag "$STEP: key $key on $v") ||
		    die "$out"
		FIGURES+=("$(echo "$out" | head -1)")
	done
}

# During a change: a token valid before and after must always pass.
# A steady 400 requests a second for 3 s, the change 0.5 s in.
background() {
	load --path /number-verification/v0/device-phone-number \
	    --token "$T/tok/key_$1" --expect "$OK_BODY" --count 2000 \
	    --rate 400 --duration 3 --concurrency 4 \
	    --tag "$STEP: load with key $1" \
	    > "$T/bg.out" 2>&1 &
	BG=$!
	sleep 0.5
}
background_done() {
	wait "$BG" || die "requests failed during the change: $(cat "$T/bg.out")"
	FIGURES+=("$(head -1 "$T/bg.out")")
	# It must have run across the change and the reload that followed.
	grep -q 'seconds=[3-9]\.' "$T/bg.out" ||
	    die "the load ended before the change was picked up: $(cat "$T/bg.out")"
}

cp "$T/tok/ok" "$T/tok/key_a"
STEP="0 {A}"
expect a 200
expect b 401

STEP="1 {A,B}"
background a
install_jwks "$T/keys/a.jwks" "$T/keys/b.jwks"
sleep "$KEYS_SETTLE"
expect a 200
expect b 200
background_done

STEP="2 {B}"
background b
install_jwks "$T/keys/b.jwks"
sleep "$KEYS_SETTLE"
expect a 401
expect b 200
background_done

STEP="3 bad file"
background b
printf '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"not-a-key"}]}\n' \
    > "$T/etc/keys.jwks.new"
chmod 644 "$T/etc/keys.jwks.new"
mv "$T/etc/keys.jwks.new" "$T/etc/keys.jwks"
sleep "$KEYS_SETTLE"
expect a 401
expect b 200
background_done
n=$(grep -c "key set not reloaded, the old keys stay in force: $T/etc/keys.jwks: key set has no usable signature key" \
    "$T/log/lighttpd-out.log")
[ "$n" -ge 1 ] || die "no worker logged the bad key set"
[ "$n" -le 6 ] || die "$n log lines for one bad file from 6 workers"
FIGURES+=("3 bad file: $n workers logged it, old keys kept")

STEP="4 {B} again"
reloads() { grep -c "key set $T/etc/keys.jwks reloaded: " "$T/log/lighttpd-out.log" || true; }
r0=$(reloads)
install_jwks "$T/keys/b.jwks"
sleep "$KEYS_SETTLE"
expect a 401
expect b 200
# Step 5 needs every worker to have read this file: one that served no
# request since step 3 would read the file rewritten in step 5 at its
# next request, rightly, since its last look was at another file.
# lighttpd need not have given each of the six a request yet.
extra=0
while [ $(( $(reloads) - r0 )) -lt 6 ] && [ $extra -lt 20 ]; do
	expect b 200
	extra=$((extra + 1))
done
[ $(( $(reloads) - r0 )) -eq 6 ] ||
    die "$(( $(reloads) - r0 )) of 6 workers read the new key set"
FIGURES+=("4: all 6 workers read the new file ($extra more rounds of requests)")

# The same file rewritten in place with key A, size and modification
# time kept: nothing tells the workers, so they keep key B...
STEP="5 {A} in place, unnoticed"
"$PYTHON" - "$T/etc/keys.jwks" "$T/keys/a.jwks" <<'PY' || die "in-place rewrite"
import json, os, sys
dst, src = sys.argv[1], sys.argv[2]
st = os.stat(dst)
new = json.dumps({"keys": json.load(open(src))["keys"]}).encode()
if len(new) != st.st_size:
    sys.exit("key sets of different sizes")
with open(dst, "r+b") as f:
    f.write(new)
os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
sleep "$KEYS_SETTLE"
expect a 401
expect b 200
# ... until SIGHUP.
STEP="6 SIGHUP"
for p in $workers; do
	kill -HUP "$p" || die "worker $p is gone"
done
expect a 200
expect b 401
for p in $workers; do
	kill -0 "$p" 2>/dev/null || die "worker $p did not survive SIGHUP"
done

stop_server
check_no_leftovers || die "processes left after stopping lighttpd"
for f in "${FIGURES[@]}"; do
	say "$f"
done
say "ok"
