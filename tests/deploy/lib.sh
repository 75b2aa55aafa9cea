# Shared by the deployment tests (sourced): a temporary tree with keys,
# tokens and nv.conf; free loopback ports; servers run unprivileged; a
# check that nothing started is left behind.  Everything lives under
# one mktemp -d folder, $T, whose path marks every process started.

# shellcheck disable=SC2034 # SRC, SERVER_PID: for the scripts sourcing this
set -u
PATH=$PATH:/usr/sbin:/sbin
export PATH
: "${srcdir:=.}"
SRC=$(cd "$srcdir" && pwd)
BUILD=$(pwd)
NV_FCGI=$BUILD/src/nv-fcgi
NV_TOKEN=$BUILD/src/nv-token
# The system's Python (what CI installs) starts fastest; a version
# manager's shim in PATH can take seconds per start on a busy machine.
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then
		PYTHON=/usr/bin/python3
	else
		PYTHON=python3
	fi
fi
PHONE=+33612345678
ISS=https://auth.test.invalid
AUD=https://api.test.invalid/number-verification
T=
STOPPERS=()

say() { printf '%s: %s\n' "${TEST_NAME:-deploy}" "$*"; }
die() { say "FAIL: $*"; exit 1; }

# A server that is not there is a skip on a developer's machine, and a
# failure in CI, where .ci/run installs every one of them.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 && continue
		[ -e "$c" ] && continue
		if [ "${CI:-}" = true ]; then
			die "$c is not installed (CI installs deploy/debian-packages)"
		fi
		say "SKIP: $c is not installed"
		exit 77
	done
}

free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Runs a command unprivileged: as nobody when the tests run as root.
as_server() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}

# Starts a server in the background the same way; SERVER_PID is its pid
# (setpriv executes the server in its own place).
spawn_server() {
	local log=$1
	shift
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@" \
		    >> "$log" 2>&1 &
	else
		"$@" >> "$log" 2>&1 &
	fi
	SERVER_PID=$!
}

# Processes whose command line or executable names $T.
procs_of_T() {
	"$PYTHON" - "$T" "$$" <<'PY'
import os, sys
t, me = sys.argv[1], (sys.argv[2], str(os.getpid()))
for p in os.listdir("/proc"):
    if not p.isdigit() or p in me:
        continue
    try:
        with open("/proc/%s/cmdline" % p, "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        exe = os.readlink("/proc/%s/exe" % p) if os.access("/proc/%s/exe" % p, os.R_OK) else ""
    except OSError:
        continue
    if t in cmd or exe.startswith(t + "/"):
        print(p, cmd.strip()[:160])
PY
}

# The pids of the nv-fcgi workers of this test.
worker_pids() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		[ "$exe" = "$T/bin/nv-fcgi" ] && echo "${p#/proc/}"
	done
	return 0
}

# Stops a process by pid: TERM, up to 10 s, then KILL.
stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# After the orderly stop: nothing of this test may still run.
check_no_leftovers() {
	local left i
	for i in $(seq 50); do
		left=$(procs_of_T)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	say "left behind:"
	echo "$left"
	return 1
}

cleanup() {
	local rc=$? s left p
	for s in "${STOPPERS[@]}"; do $s || true; done
	if [ -n "$T" ] && [ -d "$T" ]; then
		left=$(procs_of_T)
		if [ -n "$left" ]; then
			say "killing what is left: $left"
			for p in $(echo "$left" | cut -d' ' -f1); do
				kill -KILL "$p" 2>/dev/null || true
			done
			rc=1
		fi
		if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
			for s in "$T"/log/*; do
				[ -f "$s" ] || continue
				echo "--- $s (last 30 lines)"
				tail -n 30 "$s"
			done
		fi
		rm -rf "$T"
	fi
	exit "$rc"
}

mint() {
	"$NV_TOKEN" mint --iss "$ISS" --aud "$AUD" "$@"
}

# The tree: bin/nv-fcgi (a copy, so that its path names this test),
# etc/nv.conf and etc/keys.jwks (key-a), keys/ (private, for minting),
# tok/ (tokens for the request suite), run/ and log/ for the servers.
deploy_setup() {
	if [ ! -x "$NV_FCGI" ] || [ ! -x "$NV_TOKEN" ]; then
		die "build src/nv-fcgi and src/nv-token first"
	fi
	T=$(mktemp -d "${TMPDIR:-/tmp}/nv-deploy.XXXXXX")
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	mkdir -p "$T/bin" "$T/etc" "$T/keys" "$T/tok" "$T/run" "$T/log"
	cp "$NV_FCGI" "$T/bin/nv-fcgi"
	local k
	for k in a b c; do
		"$NV_TOKEN" keygen -o "$T/keys/$k" --kid "key-$k" >/dev/null ||
		    die "nv-token keygen failed"
	done
	install_jwks "$T/keys/a.jwks"
	cat > "$T/etc/nv.conf" <<EOC
jwks_file = keys.jwks
issuer = $ISS
audience = $AUD
leeway = 30
metrics_file = ../run/metrics
metrics_path = /metrics
EOC
	local K="$T/keys/a.key"
	mint -k "$K" --phone "$PHONE" > "$T/tok/ok"
	mint -k "$T/keys/b.key" --kid key-a --phone "$PHONE" > "$T/tok/badsig"
	mint -k "$K" --phone "$PHONE" --ttl -120 > "$T/tok/expired"
	mint -k "$K" --phone "$PHONE" \
	    --scope number-verification:device-phone-number:read > "$T/tok/share_only"
	mint -k "$K" --phone "$PHONE" --scope number-verification:verify \
	    > "$T/tok/verify_only"
	mint -k "$K" --phone "$PHONE" --amr pwd > "$T/tok/amr_pwd"
	mint -k "$K" --phone '' > "$T/tok/nophone"
	mint -k "$T/keys/b.key" --phone "$PHONE" > "$T/tok/key_b"
	chmod -R a+rX "$T"
	if [ "$(id -u)" = 0 ]; then
		chown 65534:65534 "$T/run" "$T/log"
	fi
}

# Replaces the key set the way operators should: aside, then rename.
install_jwks() {
	"$PYTHON" - "$T/etc/keys.jwks" "$@" <<'PY'
import json, os, sys
dst, srcs = sys.argv[1], sys.argv[2:]
keys = []
for s in srcs:
    keys += json.load(open(s))["keys"]
tmp = dst + ".new"
with open(tmp, "w") as f:
    json.dump({"keys": keys}, f)
os.chmod(tmp, 0o644)
os.rename(tmp, dst)
PY
}

# Waits until an HTTP server answers on 127.0.0.1:$1.
wait_http() {
	local port=$1 i
	for i in $(seq 100); do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" && return 0
		sleep 0.1
	done
	die "no HTTP server came up on 127.0.0.1:$port"
}

# Waits until a Unix socket exists.
wait_socket() {
	local _
	for _ in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	die "no socket at $1"
}

# The pids of the workers listening on a socket whose path starts with
# $1: fd 0 of each worker is its listening socket.
workers_on() {
	# shellcheck disable=SC2046 # one argument per pid
	"$PYTHON" - "$1" $(worker_pids) <<'PY'
import os, sys
prefix, pids = sys.argv[1], sys.argv[2:]
paths = {}
with open("/proc/net/unix") as f:
    next(f)
    for line in f:
        parts = line.split()
        if len(parts) >= 8:
            paths[parts[6]] = parts[7]
for p in pids:
    try:
        link = os.readlink("/proc/%s/fd/0" % p)
    except OSError:
        continue
    if link.startswith("socket:[") and \
            paths.get(link[8:-1], "").startswith(prefix):
        print(p)
PY
}
