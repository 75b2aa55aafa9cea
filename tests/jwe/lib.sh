# Sourced by tests/jwe/*.test: a temporary directory with keys and a
# configuration, nv-fcgi run as a CGI program (one request per run),
# and assertions on the whole response and on the log line.
# Run from the build directory (automake does); $srcdir finds the sources.
set -eu

srcdir=${srcdir:-.}
NVFCGI=$(pwd)/src/nv-fcgi
NVTOKEN=$(pwd)/src/nv-token
PY=/usr/bin/python3
JOSE="$PY $srcdir/tests/jwe/jose.py"
ISS=https://operator.example
AUD=number-verification
PHONE=+34600000001

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
NCHECKS=0

"$PY" -c 'import jwcrypto' 2>/dev/null || {
	echo "tests/jwe: python3-jwcrypto is missing (deploy/debian-packages)" >&2
	exit 1
}

# env -i keeps only what nv-fcgi needs, plus the sanitizers' settings;
# a preloaded library must not trip ASan's check of the library order.
SAN_ENV=
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	eval "val=\${$v:-}"
	[ -z "$val" ] || SAN_ENV="$SAN_ENV $v=$val"
done
san_env() {
	if [ -n "${PRELOAD:-}" ]; then
		echo "$SAN_ENV LD_PRELOAD=$PRELOAD ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	else
		echo "$SAN_ENV"
	fi
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# keys DIR-PREFIX: the signing pair sig1 and the encryption pair enc1,
# the service's decryption key set (mode 0600) and its configuration.
setup() {
	"$NVTOKEN" keygen -o "$T/sig" --kid sig1 >/dev/null
	"$NVTOKEN" keygen --use enc -o "$T/enc" --kid enc1 >/dev/null
	dec_set "$T/dec.jwks" "$T/enc.key"
	write_conf "decryption_keys_file = dec.jwks"
}

# dec_set FILE KEYFILE...: a JWKS of the given private JWKs, mode 0600.
dec_set() {
	out=$1
	shift
	(
		umask 077
		printf '{"keys":['
		sep=
		for k in "$@"; do
			printf '%s%s' "$sep" "$(cat "$k")"
			sep=,
		done
		printf ']}\n'
	) >"$out"
	chmod 600 "$out"
}

# write_conf LINE...: nv.conf with the common keys plus the lines given.
write_conf() {
	{
		echo "jwks_file = sig.jwks"
		echo "issuer = $ISS"
		echo "audience = $AUD"
		for l in "$@"; do
			echo "$l"
		done
	} >"$T/nv.conf"
}

mint() {
	"$NVTOKEN" mint -k "$T/sig.key" --iss "$ISS" --aud "$AUD" \
	    --phone "$PHONE" "$@"
}

nest() {
	$JOSE nest --sign-key "$T/sig.key" --iss "$ISS" --aud "$AUD" \
	    --phone "$PHONE" "$@"
}

# request TOKEN [GET share | POST verify BODY]: runs one CGI request;
# leaves the response in $T/out, the log in $T/err, the status in $RC.
request() {
	tok=$1
	op=${2:-share}
	body=${3:-}
	NCHECKS=$((NCHECKS + 1))
	corr="jwe-test-$NCHECKS"
	if [ "$op" = share ]; then
		set -- REQUEST_METHOD=GET \
		    SCRIPT_NAME=/number-verification/v0/device-phone-number
		: >"$T/body"
	else
		printf '%s' "$body" >"$T/body"
		set -- REQUEST_METHOD=POST \
		    SCRIPT_NAME=/number-verification/v0/verify \
		    CONTENT_TYPE=application/json \
		    CONTENT_LENGTH=$(printf '%s' "$body" | wc -c)
	fi
	RC=0
	env -i PATH="$PATH" NV_CONFIG="$T/nv.conf" $(san_env) \
	    HTTP_ACCEPT=application/json HTTP_X_CORRELATOR="$corr" \
	    HTTP_AUTHORIZATION="Bearer $tok" "$@" \
	    "$NVFCGI" <"$T/body" >"$T/out" 2>"$T/err" || RC=$?
	# Whatever happened, the log holds neither the number nor the token.
	if grep -q -e "${PHONE#+}" "$T/err"; then
		fail "the log shows the phone number: $(cat "$T/err")"
	fi
	if [ -n "$tok" ] && grep -qF -e "$(printf '%s' "$tok" | cut -c1-40)" "$T/err"; then
		fail "the log shows the token"
	fi
}

# expect STATUS-LINE EXTRA-HEADER-LINES BODY: the whole response.
expect() {
	status=$1
	extra=$2
	body=$3
	{
		printf 'Status: %s\r\n' "$status"
		printf 'Content-Type: application/json\r\n'
		printf 'Cache-Control: no-store\r\n'
		[ -z "$extra" ] || printf '%s\r\n' "$extra"
		printf 'x-correlator: %s\r\n' "$corr"
		printf 'Content-Length: %s\r\n' "$(printf '%s' "$body" | wc -c)"
		printf '\r\n%s' "$body"
	} >"$T/want"
	[ "$RC" = 0 ] || fail "$what: nv-fcgi exited $RC: $(cat "$T/err")"
	if ! cmp -s "$T/want" "$T/out"; then
		echo "--- wanted" >&2
		cat "$T/want" >&2
		echo "--- got" >&2
		cat "$T/out" >&2
		echo "--- log" >&2
		cat "$T/err" >&2
		fail "$what: response differs"
	fi
}

UNAUTH_BODY='{"status":401,"code":"UNAUTHENTICATED","message":"Request not authenticated due to missing, invalid, or expired credentials"}'

# expect_401 WHAT DETAIL: refused as invalid_token, for the reason the
# log line gives (so a test cannot pass for another reason).
expect_401() {
	what=$1
	expect "401 Unauthorized" 'WWW-Authenticate: Bearer error="invalid_token"' \
	    "$UNAUTH_BODY"
	grep -qF "401 UNAUTHENTICATED ($2) correlator=$corr " "$T/err" ||
	    fail "$what: log line is not for '$2': $(cat "$T/err")"
	echo "ok: $what"
}

expect_share() {
	what=$1
	expect "200 OK" "" "{\"devicePhoneNumber\":\"${2:-$PHONE}\"}"
	echo "ok: $what"
}

expect_verified() {
	what=$1
	expect "200 OK" "" "{\"devicePhoneNumberVerified\":$2}"
	echo "ok: $what"
}

# start_fails WHAT EXIT LINE: nv-fcgi refuses to start with that one
# line on stderr and writes nothing on stdout.
start_fails() {
	what=$1
	RC=0
	env -i PATH="$PATH" NV_CONFIG="$T/nv.conf" $(san_env) \
	    REQUEST_METHOD=GET \
	    SCRIPT_NAME=/number-verification/v0/device-phone-number \
	    "$NVFCGI" </dev/null >"$T/out" 2>"$T/err" || RC=$?
	[ "$RC" = "$2" ] || fail "$what: exit $RC, wanted $2: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$what: wrote a response"
	printf '%s\n' "$3" >"$T/want"
	cmp -s "$T/want" "$T/err" || fail "$what: stderr is
$(cat "$T/err")
wanted
$3"
	echo "ok: $what"
}
