# Shared by tests/keysync.test and tests/keysync-valgrind.test: a test
# CA and the server certificates it signs (made with openssl), OpenID
# providers on loopback (tests/keysync_provider.py), nv-keysync's
# configuration.  Sourced with bash after tests/secure-lib.sh.

NV_KEYSYNC=$top_builddir/src/nv-keysync
PROVIDER="python3 $srcdir/tests/keysync_provider.py"

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	# In CI a missing tool is a failure, never a skip.
	[ "${CI:-}" = true ] && fail "$1 is not installed"
	echo "SKIP: $1 is not installed"
	exit 77
}
need openssl
need python3

# cert NAME SAN [self]: NAME.pem and NAME.key in $T/pki, signed by the
# test CA, or by itself with "self".
mkdir -p "$T/pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 2 -subj "/CN=nv test CA" -keyout "$T/pki/ca.key" \
    -out "$T/pki/ca.pem" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
    fail "openssl cannot make the test CA"
cert() {
	local name=$1 san=$2 p=$T/pki/$1
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
	    "$san" > "$p.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -subj "/CN=$name" -keyout "$p.key" -out "$p.csr" 2>/dev/null
	if [ "${3:-}" = self ]; then
		openssl x509 -req -in "$p.csr" -signkey "$p.key" -days 2 \
		    -extfile "$p.ext" -out "$p.pem" 2>/dev/null
	else
		openssl x509 -req -in "$p.csr" -CA "$T/pki/ca.pem" \
		    -CAkey "$T/pki/ca.key" -CAcreateserial -days 2 \
		    -extfile "$p.ext" -out "$p.pem" 2>/dev/null
	fi || fail "openssl cannot make the certificate $name"
}
cert server "IP:127.0.0.1,DNS:localhost"

# launch_provider NAME CERT: a provider in $T/NAME, started;
# wait_provider NAME: until it listens, then sets PORT.  Apart, so
# that several start together (python is slow to start).
launch_provider() {
	local d=$T/$1
	mkdir -p "$d"
	: > "$d/requests"
	$PROVIDER serve "$d" "$T/pki/$2.pem" "$T/pki/$2.key" 2>>"$d/log" &
	PIDS+=($!)
}
wait_provider() {
	local d=$T/$1
	for _ in $(seq 200); do
		[ -s "$d/port" ] && break
		sleep 0.05
	done
	[ -s "$d/port" ] || fail "the provider $1 did not start: $(cat "$d/log")"
	PORT=$(cat "$d/port")
}
start_provider() {
	launch_provider "$@"
	wait_provider "$1"
}

# fetches NAME [PATH]: requests the provider NAME answered for PATH.
fetches() {
	grep -c "^GET ${2:-/jwks}\$" "$T/$1/requests" || true
}

# ks_conf LINES...: nv-keysync's configuration, beside the workers'.
ks_conf() {
	{
		echo "jwks_file = k.jwks"
		echo "issuer = $ISS"
		echo "audience = $AUD"
		echo "jwks_ca_file = pki/ca.pem"
		for l in "$@"; do echo "$l"; done
	} > "$T/ks.conf"
}
# once [ARGS]: nv-keysync --once; sets RC, its log in $T/once.log.
once() {
	RC=0
	"$NV_KEYSYNC" -c "$T/ks.conf" --once "$@" 2>"$T/once.log" || RC=$?
}
logged() {
	grep -qF -- "$1" "$T/once.log" || fail "not in the log: $1; log: $(cat "$T/once.log")"
}
VH=(--header Content-Type=application/json --header Accept=application/json)
OK='{"devicePhoneNumberVerified":true}'
serves() {
	fcgi POST "$VERIFY" --header "Authorization=Bearer $1" "${VH[@]}" --body "$T/body"
}

