# Shared by tests/hostile/*.test: a key pair, a configuration, one CGI
# request per call to `req`, and exact checks of its answer.  Sourced
# from a test run in the build folder ($srcdir set by automake).
#
# NV_WRAPPER, when set, is put before every nv-fcgi command (make
# check-valgrind sets it to valgrind; any other wrapper works alike).
# The variables that matter for the sanitizers pass through env -i.
set -u
srcdir=${srcdir:-.}
builddir=$(pwd)
NV_FCGI=$builddir/src/nv-fcgi
NV_TOKEN=$builddir/src/nv-token
JWS="python3 $srcdir/tests/hostile/jws.py"
NV_WRAPPER=${NV_WRAPPER:-}

ISS=https://issuer.example
AUD=https://nv.example
PHONE=+34600000000
SCOPES="number-verification:verify number-verification:device-phone-number:read"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nv-hostile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
count=0
secrets=

"$NV_TOKEN" keygen -o "$tmp/k" --kid k1 >/dev/null || exit 99
KEY=$tmp/k.key

# conf [API_VERSION] [EXTRA LINE]...: writes $tmp/nv.conf.
conf() {
	{
		echo "jwks_file = k.jwks"
		echo "issuer = $ISS"
		echo "audience = $AUD"
		echo "api_version = ${1:-v1}"
		shift 2>/dev/null
		for l in "$@"; do echo "$l"; done
		# valgrind's own system calls would be killed by the filter.
		[ -z "$NV_WRAPPER" ] || echo "syscall_filter = no"
	} >"$tmp/nv.conf"
}
conf v1

# mint [nv-token mint options]: a valid token for $PHONE unless told.
mint() {
	"$NV_TOKEN" mint -k "$KEY" --iss "$ISS" --aud "$AUD" --phone "$PHONE" \
	    --scope "$SCOPES" --amr nba "$@"
}

# claims [NAME=JSON]...: a valid claim set as JSON text, with members
# replaced or added (a JSON value given as is, byte for byte) or
# removed (NAME=).  Plain shell: python3 starts too slowly to run per
# token on a loaded machine.
claims() {
	local now a k out
	local -A m
	local -a order=(iss aud exp iat scope amr phone_number)
	now=$(date +%s)
	m=([iss]="\"$ISS\"" [aud]="\"$AUD\"" [exp]=$((now + 300)) [iat]=$now
	    [scope]="\"$SCOPES\"" [amr]='["nba"]' [phone_number]="\"$PHONE\"")
	for a in "$@"; do
		k=${a%%=*}
		if [ -z "${a#*=}" ]; then
			unset "m[$k]"
			continue
		fi
		[ -n "${m[$k]+set}" ] || order+=("$k")
		m[$k]=${a#*=}
	done
	out=
	for k in "${order[@]}"; do
		[ -n "${m[$k]+set}" ] && out+="${out:+,}\"$k\":${m[$k]}"
	done
	printf '{%s}' "$out"
}

# Tokens nv-token will not mint (exact bytes, bad signatures) are made
# by jws.py in one batch: `craft NAME sign|json HEADER PAYLOAD [OPTION]`
# queues one, `crafted` makes them all, `$(tok NAME)` reads one.
mkdir "$tmp/tok"
craft() {
	(IFS=$'\t'; printf '%s\n' "$*") >>"$tmp/batch"
}
crafted() {
	$JWS batch "$KEY" "$tmp/tok" <"$tmp/batch" || exit 99
}
tok() {
	cat "$tmp/tok/$1"
}

HDR='{"alg":"EdDSA","typ":"at+jwt","kid":"k1"}'

# req METHOD PATH BODY-FILE [VAR=VALUE]...: one CGI request to the v1
# API (SCRIPT_NAME and others can be overridden by the VARs).
req() {
	m=$1 p=$2 b=$3
	shift 3
	count=$((count + 1))
	# shellcheck disable=SC2086
	env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 \
	    ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
	    ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
	    REQUEST_METHOD="$m" SCRIPT_NAME=/number-verification/v1 \
	    PATH_INFO="$p" HTTP_ACCEPT=application/json "$@" \
	    $NV_WRAPPER "$NV_FCGI" -c "$tmp/nv.conf" \
	    <"$b" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# Sends a POST /verify with the body in a file, and a bearer token.
verify() {
	tok=$1 b=$2
	shift 2
	req POST /verify "$b" HTTP_AUTHORIZATION="Bearer $tok" \
	    CONTENT_TYPE=application/json \
	    CONTENT_LENGTH="$(wc -c <"$b" | tr -d ' ')" "$@"
}

# Sends a GET /device-phone-number with the Authorization value given.
share() {
	a=$1
	shift
	req GET /device-phone-number /dev/null HTTP_AUTHORIZATION="$a" "$@"
}

fail() {
	echo "not ok $count - $name: $*"
	failures=$((failures + 1))
	sed 's/^/#   /' "$tmp/out"
	echo
	sed 's/^/#   stderr: /' "$tmp/err" | head -40
}

# header NAME: the value of one response header, or nothing.
header() {
	awk -v n="$1" 'BEGIN { IGNORECASE = 1 }
	    /^\r?$/ { exit }
	    { sub(/\r$/, "") }
	    tolower(substr($0, 1, length(n) + 2)) == tolower(n) ": " {
		print substr($0, length(n) + 3); found = 1 }' "$tmp/out"
}

# has_header NAME: whether the answer carries the header at all.
has_header() {
	awk -v n="$1" '/^\r?$/ { exit }
	    tolower(substr($0, 1, length(n) + 1)) == tolower(n) ":" { f = 1 }
	    END { exit !f }' "$tmp/out"
}

# expect NAME STATUS BODY [Header: value]...: the answer of the last
# req must be exactly this status and JSON body, with Content-Type
# application/json, Cache-Control no-store and a right Content-Length;
# WWW-Authenticate, x-correlator and Allow exactly as listed, and
# absent when not listed.  The worker must exit 0 (a wrapper such as
# valgrind makes it exit 1 on an error), and its log must hold none of
# $secrets.
expect() {
	name=$1 status=$2 body=$3
	shift 3
	ok=1
	if [ "$rc" -ne 0 ]; then
		fail "nv-fcgi exited $rc"
		return
	fi
	line=$(head -n 1 "$tmp/out" | tr -d '\r')
	case $line in
	"Status: $status "*) ;;
	*) fail "status line is '$line', expected $status"; return ;;
	esac
	got=$(sed '1,/^\r$/d' "$tmp/out")
	if [ "$got" != "$body" ]; then
		fail "body is '$got', expected '$body'"
		return
	fi
	[ "$(header Content-Type)" = application/json ] ||
	    { fail "Content-Type"; return; }
	[ "$(header Cache-Control)" = no-store ] ||
	    { fail "Cache-Control"; return; }
	[ "$(header Content-Length)" = "$(printf %s "$body" | wc -c | tr -d ' ')" ] ||
	    { fail "Content-Length"; return; }
	for h in WWW-Authenticate x-correlator Allow; do
		want=
		for a in "$@"; do
			case $(printf %s "$a" | tr 'A-Z' 'a-z') in
			"$(printf %s "$h" | tr 'A-Z' 'a-z'): "*) want=${a#*: } ;;
			esac
		done
		if [ -n "$want" ]; then
			[ "$(header "$h")" = "$want" ] ||
			    { fail "$h is '$(header "$h")', expected '$want'"; return; }
		elif has_header "$h"; then
			fail "unexpected $h: $(header "$h")"
			return
		fi
	done
	# Every line of the header block ends in CR LF: nothing was split.
	if sed '/^\r$/,$d' "$tmp/out" | grep -qv $'\r$'; then
		fail "a header line without CR LF (response splitting)"
		return
	fi
	for s in $secrets; do
		if grep -qF -- "$s" "$tmp/err"; then
			fail "the log holds a secret: $(printf %s "$s" | cut -c1-40)"
			return
		fi
	done
	echo "ok $count - $name"
}

# The answers this suite expects most (v1 texts, copied from errors.c,
# which copies them from the API's YAML).
INVALID_TOKEN='{"status":401,"code":"UNAUTHENTICATED","message":"Request not authenticated due to missing, invalid, or expired credentials."}'
WWW_INVALID='WWW-Authenticate: Bearer error="invalid_token"'
VERIFIED_TRUE='{"devicePhoneNumberVerified":true}'
SHARED="{\"devicePhoneNumber\":\"$PHONE\"}"

# expect_invalid_token NAME: the last answer was the plain 401.
expect_invalid_token() {
	expect "$1" 401 "$INVALID_TOKEN" "$WWW_INVALID"
}

finish() {
	echo "1..$count"
	[ "$failures" -eq 0 ]
	exit $?
}

# logged TEXT: the worker's log line of the last request holds TEXT
# (the reason a token was refused), so a test shows which check it was.
logged() {
	if ! grep -qF -- "$1" "$tmp/err"; then
		echo "not ok $count - $name: the log does not say '$1'"
		sed 's/^/#   stderr: /' "$tmp/err" | head -5
		failures=$((failures + 1))
	fi
}
