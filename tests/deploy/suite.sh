# The request suite every deployment test runs through its web server
# (sourced after lib.sh): each answer's status, the headers that matter
# and the exact JSON body, for API versions v0 and v2.
#   run_suite http://127.0.0.1:PORT

SUITE_PASS=0
SUITE_FAIL=0
# What the server does with a header named with an underscore
# (X_Correlator): "passed" as HTTP_X_CORRELATOR, like X-Correlator
# (lighttpd), or "dropped" (nginx, Apache 2.4).  The lighttpd tests
# set it.
UNDERSCORE_HEADERS=${UNDERSCORE_HEADERS:-dropped}

# Messages of the CAMARA error table, per version (src/errors.c).
# shellcheck disable=SC2016 # the backquotes are the message's
msg() {
	local v=$1 e=$2
	case "$v:$e" in
	*:400) echo 'Client specified an invalid argument, request body or query param' ;;
	v0:401) echo 'Request not authenticated due to missing, invalid, or expired credentials' ;;
	v2:401) echo 'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.' ;;
	v0:403) echo 'Client does not have sufficient permissions to perform this action' ;;
	v2:403) echo 'Client does not have sufficient permissions to perform this action.' ;;
	*:403nba) echo 'Client must authenticate via the mobile network to use this service' ;;
	v0:403ctx) echo 'Phone number cannot be deducted from access token context' ;;
	*:404) echo 'The specified resource is not found.' ;;
	v0:405) echo 'The requested method is not allowed/supported on the target' ;;
	v2:405) echo 'The requested method is not allowed/supported on the target resource.' ;;
	v0:406) echo "The server can't produce a response matching the content requested by the client through Accept-* headers" ;;
	v2:406) echo 'The server cannot produce a response matching the content requested by the client through `Accept-*` headers.' ;;
	*:415) echo 'The server refuses to accept the request because the payload format is in an unsupported format.' ;;
	esac
}

err_body() {
	printf '{"status":%s,"code":"%s","message":"%s"}' "$1" "$2" "$3"
}

# check_head NAME STATUS 'Header: value' -- CURL-ARGS...: a HEAD request
# (curl -I writes the header block where a body would go): the status,
# the header given, the JSON and no-store headers, and no body.
check_head() {
	local name=$1 want_status=$2 want_header=$3 got hf="$T/suite.h"
	shift 4
	: > "$hf"
	got=$(curl -sS --max-time 20 -I -D "$hf" -o /dev/null \
	    -w '%{http_code} %{size_download}' "$@" 2>&1) || got="curl error: $got"
	if [ "$got" = "$want_status 0" ] &&
	    grep -qixF "$want_header"$'\r' "$hf" &&
	    grep -qixF 'Content-Type: application/json'$'\r' "$hf" &&
	    grep -qixF 'Cache-Control: no-store'$'\r' "$hf"; then
		SUITE_PASS=$((SUITE_PASS + 1))
	else
		SUITE_FAIL=$((SUITE_FAIL + 1))
		say "not ok: $name; got $got, headers: $(tr -d '\r' < "$hf" | tr '\n' '|')"
	fi
}

# check NAME STATUS BODY [HEADER=VALUE | !HEADER]... -- CURL-ARGS...
# (bash builtins only past curl: the suite runs on busy machines too)
check() {
	local name=$1 want_status=$2 want_body=$3 h n v line got_status
	local got_body='' hf="$T/suite.h" bf="$T/suite.b" bad=
	local -a hdrs=()
	local -A got=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		hdrs+=("$1")
		shift
	done
	shift
	: > "$hf"
	: > "$bf"
	got_status=$(curl -sS --max-time 20 -D "$hf" -o "$bf" \
	    -w '%{http_code}' "$@" 2>&1) || got_status="curl error: $got_status"
	IFS= read -r -d '' got_body < "$bf"
	while IFS= read -r line; do
		line=${line%$'\r'}
		[[ $line == *:* ]] || continue
		n=${line%%:*}
		v=${line#*:}
		got[${n,,}]=${v# }
	done < "$hf"
	[ "$got_status" = "$want_status" ] ||
	    bad="$bad; status $got_status, want $want_status"
	[ "$got_body" = "$want_body" ] ||
	    bad="$bad; body $got_body, want $want_body"
	hdrs+=("Content-Type=application/json" "Cache-Control=no-store")
	for h in "${hdrs[@]}"; do
		if [ "${h#!}" != "$h" ]; then
			n=${h#!}
			[ -n "${got[${n,,}]+x}" ] && bad="$bad; header $n present"
			continue
		fi
		n=${h%%=*}
		v=${h#*=}
		[ "${got[${n,,}]-}" = "$v" ] ||
		    bad="$bad; $n '${got[${n,,}]-}', want '$v'"
	done
	if [ -n "$bad" ]; then
		SUITE_FAIL=$((SUITE_FAIL + 1))
		say "not ok: $name${bad}"
	else
		SUITE_PASS=$((SUITE_PASS + 1))
	fi
}

# check_not_served NAME URL -- CURL-ARGS...: a path outside every
# mount, which the web server may answer itself: a 404, and either
# nv-fcgi's exact 404 or the server's own page, never an answer of the
# API (no number, no version's error).
check_not_served() {
	local name=$1 url=$2 bf="$T/suite.b" got_status got_body=''
	shift 3
	: > "$bf"
	got_status=$(curl -sS --max-time 20 -o "$bf" -w '%{http_code}' \
	    "$@" "$url" 2>&1) || got_status="curl error: $got_status"
	IFS= read -r -d '' got_body < "$bf"
	if [ "$got_status" != 404 ]; then
		SUITE_FAIL=$((SUITE_FAIL + 1))
		say "not ok: $name; status $got_status, want 404; body $got_body"
	elif [[ $got_body == *'"status":'* &&
	    $got_body != "$(err_body 404 NOT_FOUND "$(msg v0 404)")" ]] ||
	    [[ $got_body == *"$PHONE"* ]]; then
		SUITE_FAIL=$((SUITE_FAIL + 1))
		say "not ok: $name; body $got_body"
	else
		SUITE_PASS=$((SUITE_PASS + 1))
	fi
}

# Paths that name the operation, or a version, in the wrong place
# (issue 12): inside a mount, nv-fcgi's exact 404; outside, a 404 from
# whoever answers.  A valid token, so that only the path can refuse.
run_path_suite() {
	local base=$1 ok
	read -r ok < "$T/tok/ok"
	local A=(-H "Authorization: Bearer $ok")
	check "v2 mount, a v0 path after it" 404 \
	    "$(err_body 404 NOT_FOUND "$(msg v2 404)")" '!x-correlator' -- \
	    "${A[@]}" \
	    "$base/number-verification/v2/number-verification/v0/device-phone-number"
	check "v2 mount, a v0 path after it, with a bad correlator" 404 \
	    "$(err_body 404 NOT_FOUND "$(msg v2 404)")" '!x-correlator' -- \
	    "${A[@]}" -H 'x-correlator: bad correlator!' \
	    "$base/number-verification/v2/number-verification/v0/device-phone-number"
	check "v0 mount, a v1 path after it" 404 \
	    "$(err_body 404 NOT_FOUND "$(msg v0 404)")" -- "${A[@]}" \
	    "$base/number-verification/v0/number-verification/v1/device-phone-number"
	check "v2 mount, segments before the operation" 404 \
	    "$(err_body 404 NOT_FOUND "$(msg v2 404)")" -- "${A[@]}" \
	    "$base/number-verification/v2/foo/bar/device-phone-number"
	check "v0 mount, segments before verify" 404 \
	    "$(err_body 404 NOT_FOUND "$(msg v0 404)")" -- "${A[@]}" \
	    -H 'Content-Type: application/json' \
	    -d "{\"phoneNumber\":\"$PHONE\"}" \
	    "$base/number-verification/v0/x/verify"
	check_not_served "an unserved version, segments before the operation" \
	    "$base/number-verification/v9/x/device-phone-number" -- "${A[@]}"
	check_not_served "no mount at all" \
	    "$base/anything/at/all/device-phone-number" -- "${A[@]}"
	check_not_served "v1, which is not mounted" \
	    "$base/number-verification/v1/device-phone-number" -- "${A[@]}"
}

# X_Correlator beside X-Correlator, and X-Correlator twice (issue 12):
# whatever the server makes of them, the client's underscored header
# never overrides the real one, and a correlator given twice is a v2
# 400 and is not echoed under v0.
run_correlator_suite() {
	local base=$1 ok u0 u2 bad
	read -r ok < "$T/tok/ok"
	local A=(-H "Authorization: Bearer $ok")
	local share="{\"devicePhoneNumber\":\"$PHONE\"}"
	u0=$base/number-verification/v0/device-phone-number
	u2=$base/number-verification/v2/device-phone-number
	bad=$(err_body 400 INVALID_ARGUMENT \
	    'x-correlator must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$')
	check "v2 X_Correlator before a bad X-Correlator" 400 "$bad" \
	    '!x-correlator' -- "${A[@]}" -H 'X_Correlator: good-1' \
	    -H 'X-Correlator: bad one!' "$u2"
	check "v2 a bad X-Correlator before X_Correlator" 400 "$bad" \
	    '!x-correlator' -- "${A[@]}" -H 'X-Correlator: bad one!' \
	    -H 'X_Correlator: good-1' "$u2"
	# lighttpd joins a repeated header with ", " (no valid correlator),
	# nginx passes it twice, Apache joins it: a 400 in every case.
	check "v2 X-Correlator twice" 400 "$bad" '!x-correlator' -- \
	    "${A[@]}" -H 'X-Correlator: good-1' -H 'X-Correlator: good-1' "$u2"
	if [ "$UNDERSCORE_HEADERS" = passed ]; then
		# Both reach the worker as HTTP_X_CORRELATOR: given twice.
		check "v0 X_Correlator and X-Correlator: none echoed" 200 \
		    "$share" '!x-correlator' -- "${A[@]}" \
		    -H 'X_Correlator: under-1' -H 'X-Correlator: real-1' "$u0"
		# Alone, it cannot be told from X-Correlator.
		check "v2 X_Correlator alone (passed as X-Correlator)" 200 \
		    "$share" 'x-correlator=good-1' -- "${A[@]}" \
		    -H 'X_Correlator: good-1' "$u2"
	else
		check "v0 X_Correlator and X-Correlator: the real one echoed" \
		    200 "$share" 'x-correlator=real-1' -- "${A[@]}" \
		    -H 'X_Correlator: under-1' -H 'X-Correlator: real-1' "$u0"
		check "v2 X_Correlator alone (dropped by the server)" 200 \
		    "$share" '!x-correlator' -- "${A[@]}" \
		    -H 'X_Correlator: good-1' "$u2"
	fi
}

# The metrics route (metrics_path = /metrics in deploy_setup's nv.conf)
# as the shipped snippet mounts it: from 127.0.0.1 the exposition, with
# the v0 verify just answered counted; from 127.0.0.2 (another address
# of the loopback) the web server's own 403, no worker asked.
run_metrics_suite() {
	local base=$1 got hf="$T/suite.h" bf="$T/suite.m"
	: > "$hf"
	: > "$bf"
	got=$(curl -sS --max-time 20 -D "$hf" -o "$bf" -w '%{http_code}' \
	    "$base/metrics" 2>&1) || got="curl error: $got"
	if [ "$got" = 200 ] &&
	    grep -qixF 'Content-Type: text/plain; version=0.0.4; charset=utf-8'$'\r' "$hf" &&
	    grep -q '^nv_requests_total{version="v0",operation="verify",status="200",code="OK"} [1-9]' "$bf" &&
	    grep -q '^nv_keyset_keys{kind="OKP"} 1$' "$bf"; then
		SUITE_PASS=$((SUITE_PASS + 1))
	else
		SUITE_FAIL=$((SUITE_FAIL + 1))
		say "not ok: metrics from 127.0.0.1; got $got: $(tr -d '\r' < "$hf" | tr '\n' '|') $(head -c 300 "$bf")"
	fi
	got=$(curl -sS --max-time 20 --interface 127.0.0.2 -o "$bf" \
	    -w '%{http_code}' "$base/metrics" 2>&1) || got="curl error: $got"
	if [ "$got" = 403 ] && ! grep -q nv_requests_total "$bf"; then
		SUITE_PASS=$((SUITE_PASS + 1))
	else
		SUITE_FAIL=$((SUITE_FAIL + 1))
		say "not ok: metrics from 127.0.0.2; got $got, want 403"
	fi
}

run_suite() {
	local base=$1 v u hash t
	local -A tok=()
	hash=$("$NV_TOKEN" hash "$PHONE")
	for t in "$T"/tok/*; do
		read -r "tok[${t##*/}]" < "$t"
	done
	local ok=${tok[ok]} badsig=${tok[badsig]}
	for v in v0 v2; do
		u=$base/number-verification/$v
		local J=(-H 'Content-Type: application/json')
		local A=(-H "Authorization: Bearer $ok")

		check "$v verify match" 200 '{"devicePhoneNumberVerified":true}' \
		    '!x-correlator' -- "${A[@]}" "${J[@]}" \
		    -d "{\"phoneNumber\":\"$PHONE\"}" "$u/verify"
		check "$v verify other number" 200 \
		    '{"devicePhoneNumberVerified":false}' -- "${A[@]}" "${J[@]}" \
		    -d '{"phoneNumber":"+33699999999"}' "$u/verify"
		check "$v verify hashed" 200 '{"devicePhoneNumberVerified":true}' \
		    -- "${A[@]}" "${J[@]}" -H 'Accept: application/json' \
		    -d "{\"hashedPhoneNumber\":\"$hash\"}" "$u/verify"
		check "$v share" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" \
		    -- "${A[@]}" "$u/device-phone-number"
		# HEAD: GET's status and headers, no body (RFC 9110 9.3.2).
		# Content-Length may be dropped (Apache's mod_proxy_fcgi
		# does); the worker's own is in check_service.
		check_head "$v HEAD share" 200 "Content-Type: application/json" \
		    -- "${A[@]}" "$u/device-phone-number"
		check_head "$v HEAD share without a token" 401 \
		    'WWW-Authenticate: Bearer' -- "$u/device-phone-number"
		check "$v correlator echoed" 200 \
		    "{\"devicePhoneNumber\":\"$PHONE\"}" "x-correlator=abc-123:x" \
		    -- "${A[@]}" -H 'x-correlator: abc-123:x' "$u/device-phone-number"
		check "$v no token" 401 "$(err_body 401 UNAUTHENTICATED "$(msg $v 401)")" \
		    "WWW-Authenticate=Bearer" "x-correlator=c-1" -- "${J[@]}" \
		    -H 'x-correlator: c-1' -d "{\"phoneNumber\":\"$PHONE\"}" "$u/verify"
		check "$v bad signature" 401 \
		    "$(err_body 401 UNAUTHENTICATED "$(msg $v 401)")" \
		    'WWW-Authenticate=Bearer error="invalid_token"' -- \
		    -H "Authorization: Bearer $badsig" "$u/device-phone-number"
		check "$v expired" 401 "$(err_body 401 UNAUTHENTICATED "$(msg $v 401)")" \
		    'WWW-Authenticate=Bearer error="invalid_token"' -- \
		    -H "Authorization: Bearer ${tok[expired]}" \
		    "$u/device-phone-number"
		check "$v basic auth" 401 "$(err_body 401 UNAUTHENTICATED "$(msg $v 401)")" \
		    'WWW-Authenticate=Bearer error="invalid_token"' -- \
		    -u user:pass "$u/device-phone-number"
		check "$v verify without its scope" 403 \
		    "$(err_body 403 PERMISSION_DENIED "$(msg $v 403)")" \
		    'WWW-Authenticate=Bearer error="insufficient_scope", scope="number-verification:verify"' \
		    -- -H "Authorization: Bearer ${tok[share_only]}" "${J[@]}" \
		    -d "{\"phoneNumber\":\"$PHONE\"}" "$u/verify"
		check "$v share without its scope" 403 \
		    "$(err_body 403 PERMISSION_DENIED "$(msg $v 403)")" \
		    'WWW-Authenticate=Bearer error="insufficient_scope", scope="number-verification:device-phone-number:read"' \
		    -- -H "Authorization: Bearer ${tok[verify_only]}" \
		    "$u/device-phone-number"
		check "$v amr not network" 403 "$(err_body 403 \
		    NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK \
		    "$(msg $v 403nba)")" -- \
		    -H "Authorization: Bearer ${tok[amr_pwd]}" \
		    "$u/device-phone-number"
		if [ $v = v0 ]; then
			check "$v no phone in token" 403 "$(err_body 403 \
			    NUMBER_VERIFICATION.INVALID_TOKEN_CONTEXT \
			    "$(msg $v 403ctx)")" -- \
			    -H "Authorization: Bearer ${tok[nophone]}" \
			    "$u/device-phone-number"
		else
			check "$v no phone in token" 403 "$(err_body 403 \
			    PERMISSION_DENIED "$(msg $v 403)")" -- \
			    -H "Authorization: Bearer ${tok[nophone]}" \
			    "$u/device-phone-number"
		fi
		check "$v GET verify" 405 \
		    "$(err_body 405 METHOD_NOT_ALLOWED "$(msg $v 405)")" \
		    "Allow=POST" -- "${A[@]}" "$u/verify"
		check "$v POST share" 405 \
		    "$(err_body 405 METHOD_NOT_ALLOWED "$(msg $v 405)")" \
		    "Allow=GET, HEAD" -- "${A[@]}" "${J[@]}" -d '{}' \
		    "$u/device-phone-number"
		check "$v unknown operation" 404 \
		    "$(err_body 404 NOT_FOUND "$(msg $v 404)")" -- "${A[@]}" \
		    "$u/no-such-operation"
		check "$v Accept text/html" 406 \
		    "$(err_body 406 NOT_ACCEPTABLE "$(msg $v 406)")" -- "${A[@]}" \
		    -H 'Accept: text/html' "$u/device-phone-number"
		check "$v text/plain body" 415 \
		    "$(err_body 415 UNSUPPORTED_MEDIA_TYPE "$(msg $v 415)")" -- \
		    "${A[@]}" -H 'Content-Type: text/plain' \
		    -d "{\"phoneNumber\":\"$PHONE\"}" "$u/verify"
		check "$v body not JSON" 400 "$(err_body 400 INVALID_ARGUMENT \
		    'request body is not valid JSON')" -- "${A[@]}" "${J[@]}" \
		    -d '{"phoneNumber":' "$u/verify"
		check "$v body missing" 400 "$(err_body 400 INVALID_ARGUMENT \
		    'request body is missing')" -- "${A[@]}" "${J[@]}" \
		    -d '' "$u/verify"
		check "$v both members" 400 "$(err_body 400 INVALID_ARGUMENT \
		    'request body must contain only one of phoneNumber and hashedPhoneNumber')" \
		    -- "${A[@]}" "${J[@]}" \
		    -d "{\"phoneNumber\":\"$PHONE\",\"hashedPhoneNumber\":\"$hash\"}" \
		    "$u/verify"
		check "$v bad number" 400 "$(err_body 400 INVALID_ARGUMENT \
		    'phoneNumber must match ^\\+[1-9][0-9]{4,14}$')" -- \
		    "${A[@]}" "${J[@]}" -d '{"phoneNumber":"0612345678"}' \
		    "$u/verify"
		check "$v body too large" 400 "$(err_body 400 INVALID_ARGUMENT \
		    'request body is larger than 4096 bytes')" -- "${A[@]}" \
		    "${J[@]}" -d "{\"phoneNumber\":\"$(printf '%05000d' 1)\"}" \
		    "$u/verify"
	done
	check "v2 bad correlator" 400 "$(err_body 400 INVALID_ARGUMENT \
	    'x-correlator must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$')" \
	    '!x-correlator' -- -H "Authorization: Bearer $ok" \
	    -H 'x-correlator: bad correlator!' \
	    "$base/number-verification/v2/device-phone-number"
	check "v0 correlator with a space echoed" 200 \
	    "{\"devicePhoneNumber\":\"$PHONE\"}" 'x-correlator=a b' -- \
	    -H "Authorization: Bearer $ok" -H 'x-correlator: a b' \
	    "$base/number-verification/v0/device-phone-number"
	run_path_suite "$base"
	run_correlator_suite "$base"
	run_metrics_suite "$base"
	say "suite: $SUITE_PASS passed, $SUITE_FAIL failed"
	[ "$SUITE_FAIL" = 0 ]
}
