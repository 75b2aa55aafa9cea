# Shared by tests/introspect.test and bench/introspect_cost.sh: a test
# CA and a server certificate for 127.0.0.1 (openssl), the python
# introspection endpoint (tests/introspect_server.py) started on a free
# port, its answers file and its call log.  Sourced after
# tests/secure-lib.sh; set -eu is the caller's.

PY=/usr/bin/python3
CLIENT_ID='nv client/1'		# a space and a slash: form-encoded in Basic
CLIENT_SECRET='s3cret:with%odd+chars'

# make_ca: $T/ca.pem, and $T/srv.pem + $T/srv.key for IP 127.0.0.1.
make_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 -subj /CN=nv-test-ca \
	    -addext basicConstraints=critical,CA:TRUE 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/srv.key" -out "$T/srv.csr" -subj /CN=127.0.0.1 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:nv-as.test\nbasicConstraints=CA:FALSE\n' > "$T/srv.ext"
	openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
	    -CAcreateserial -days 2 -out "$T/srv.pem" -extfile "$T/srv.ext" 2>/dev/null
}

# start_endpoint --secret S | --jwk FILE: sets AS_PORT, AS_URL, AS_PID.
start_endpoint() {
	rm -f "$T/as.port"
	: > "$T/calls"
	: > "$T/calls.conns"
	[ -f "$T/answers" ] || echo '{}' > "$T/answers"
	"$PY" "$srcdir/tests/introspect_server.py" "$T/as.port" "$T/srv.pem" \
	    "$T/srv.key" "$T/answers" "$T/calls" "$CLIENT_ID" "$@" 2>>"$T/as.err" &
	AS_PID=$!
	PIDS+=("$AS_PID")
	for _ in $(seq 100); do
		[ -s "$T/as.port" ] && break
		sleep 0.05
	done
	[ -s "$T/as.port" ] || fail "introspection endpoint did not start: $(cat "$T/as.err")"
	AS_PORT=$(cat "$T/as.port")
	AS_URL=https://127.0.0.1:$AS_PORT/introspect
}

stop_endpoint() {
	kill "$AS_PID" 2>/dev/null || true
	wait "$AS_PID" 2>/dev/null || true
}

# answers 'TOKEN' 'JSON'...: the endpoint's table, replaced whole.
answers() {
	local sep='' out='{'
	while [ $# -gt 1 ]; do
		out+="$sep\"$1\":$2"
		sep=,
		shift 2
	done
	echo "$out}" > "$T/answers"
}

# calls TOKEN: how many times the endpoint was asked about TOKEN.
calls() {
	grep -cxF -- "$1" "$T/calls" || true
}

# no_number FILE WHAT [TOKEN]...: FILE holds no number, in any encoding
# (plain, base64, the hex and raw SHA-256, BLAKE2b and SHA-512 of it,
# with and without +), nor the answers' member names, nor any TOKEN:
# what it keeps is sealed, not just hashed.
no_number() {
	local f=$1 what=$2 num=${PHONE#+} s
	shift 2
	for s in "$PHONE" "$num" "phone_number" "$ISS" "$@" \
	    "$(printf '%s' "$PHONE" | sha256sum | cut -d' ' -f1)" \
	    "$(printf '%s' "$num" | sha256sum | cut -d' ' -f1)" \
	    "$(printf '%s' "$PHONE" | base64)" "$(printf '%s' "$num" | base64 | tr -d =)"; do
		! grep -qaF -- "$s" "$f" || fail "$what holds $s"
	done
	"$PY" - "$f" "$PHONE" <<'EOF' || fail "$what holds a hash of the number (raw)"
import hashlib, sys
data = open(sys.argv[1], "rb").read()
for s in (sys.argv[2], sys.argv[2][1:]):
    for h in (hashlib.sha256, hashlib.blake2b, hashlib.sha512):
        assert h(s.encode()).digest()[:16] not in data
EOF
}
