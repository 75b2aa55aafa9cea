# Shared by the single-use, sandbox, timeout and soak tests: a temporary
# folder with a key pair and a configuration, token minting, a pool of
# workers under spawn-fcgi, and cleanup of everything started.
# Sourced with bash; set -eu is the caller's.

: "${srcdir:=.}"
# make check runs the tests from the top of the build tree.
: "${top_builddir:=$(pwd)}"
NV_FCGI=$top_builddir/src/nv-fcgi
NV_TOKEN=$top_builddir/src/nv-token
FCGI_CLIENT="python3 $srcdir/tests/fcgi_client.py"
ISS=https://as.example.test
AUD=number-verification
PHONE=+34600000001

T=$(mktemp -d)
chmod 755 "$T"	# a worker that switches user still reads its keys
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	[ -f "$T/err" ] && { echo "--- worker log:" >&2; tail -20 "$T/err" >&2; }
	exit 1
}

free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

"$NV_TOKEN" keygen -o "$T/k" >/dev/null
chmod 644 "$T/k.jwks"

# write_conf EXTRA-LINES...: the configuration every test starts from.
write_conf() {
	{
		echo "jwks_file = k.jwks"
		echo "issuer = $ISS"
		echo "audience = $AUD"
		for l in "$@"; do echo "$l"; done
	} > "$T/nv.conf"
}

mint() {
	"$NV_TOKEN" mint -k "$T/k.key" --iss "$ISS" --aud "$AUD" --phone "$PHONE" "$@"
}

# start_pool N: N workers on one Unix socket, forked by spawn-fcgi.
# Sets SOCK and WORKERS (their process ids).
start_pool() {
	local n=$1 pidfile=$T/spawn.pids
	SOCK=$T/sock
	rm -f "$SOCK" "$pidfile"
	# spawn-fcgi sends the workers' stderr nowhere: each keeps a log.
	spawn-fcgi -s "$SOCK" -F "$n" -P "$pidfile" -- /usr/bin/env \
	    NV_CONFIG="$T/nv.conf" ${NV_ENV:-} /bin/sh -c 'exec "$0" 2>>"$1"' \
	    "$NV_FCGI" "$T/err" >/dev/null
	WORKERS=()
	for _ in $(seq 50); do
		[ -S "$SOCK" ] && [ "$(grep -c . "$pidfile" 2>/dev/null || true)" -ge "$n" ] && break
		sleep 0.1
	done
	mapfile -t WORKERS < "$pidfile"
	[ "${#WORKERS[@]}" -eq "$n" ] || fail "spawn-fcgi started ${#WORKERS[@]} of $n workers"
	PIDS+=("${WORKERS[@]}")
}

# fcgi METHOD PATH [--header NAME=VALUE]... [--body FILE]: one request
# to the pool through cgi-fcgi (python's start-up is slow on a busy
# machine, so the python client is kept for what cgi-fcgi cannot do).
# The response (status line, headers, body) goes to $T/out.
fcgi() {
	local env=(REQUEST_METHOD="$1" SCRIPT_NAME="$2" REQUEST_URI="$2") body=/dev/null n v
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--header)
			n=${2%%=*} v=${2#*=}
			n=$(echo "$n" | tr 'a-z-' 'A-Z_')
			case $n in
			CONTENT_TYPE) env+=("CONTENT_TYPE=$v") ;;
			*) env+=("HTTP_$n=$v") ;;
			esac
			shift 2 ;;
		--body)
			body=$2
			env+=("CONTENT_LENGTH=$(stat -c %s "$2")")
			shift 2 ;;
		*) fail "fcgi: unknown option $1" ;;
		esac
	done
	env -i "${env[@]}" cgi-fcgi -bind -connect "$SOCK" < "$body" > "$T/out"
}

# expect STATUS 'Header: value'... BODY: checks $T/out exactly.
expect() {
	local status=$1 body
	shift
	body=${!#}
	grep -q "^Status: $status" "$T/out" || fail "want $status, got: $(head -1 "$T/out")"
	while [ $# -gt 1 ]; do
		grep -qiF "$1" "$T/out" || fail "header $1 missing in: $(cat "$T/out")"
		shift
	done
	[ "$(sed -n '/^\r*$/,$p' "$T/out" | tail -n +2)" = "$body" ] ||
	    fail "body: $(sed -n '/^\r*$/,$p' "$T/out" | tail -n +2), want $body"
}

VERIFY=/number-verification/v0/verify
SHARE=/number-verification/v0/device-phone-number
BODY_OK='{"phoneNumber":"+34600000001"}'
printf '%s' "$BODY_OK" > "$T/body"
MSG401='Request not authenticated due to missing, invalid, or expired credentials'
E401='{"status":401,"code":"UNAUTHENTICATED","message":"'$MSG401'"}'
