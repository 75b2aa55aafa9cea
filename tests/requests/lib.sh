# Request tests, shared by every transport: set-up (fresh keys, tokens
# and nv.conf in a temp dir), the request builder and response checker
# `t`, and the case list `nv_cases`.  A driver (cgi.test, fastcgi.test)
# sources this file, defines nv_send and nv_newlog, and runs the list.
#
# nv_send OUT ERR BODYFILE VAR=VALUE...  runs one request with exactly
#   those CGI variables and that body; the raw answer goes to OUT, the
#   client side's stderr to ERR; returns the client's exit status.
# nv_newlog  fills the array LOGLINES with the worker's log lines
#   written for the request just sent.

# `A && B || C` is used only where C is meant when A or B fails.
# shellcheck disable=SC2015
set -u
export LC_ALL=C

: "${abs_top_builddir:?abs_top_builddir is not set: run through make check}"
: "${abs_top_srcdir:?abs_top_srcdir is not set: run through make check}"
NV_FCGI=$abs_top_builddir/src/nv-fcgi
NV_TOKEN=$abs_top_builddir/src/nv-token

ISS=https://issuer.example
AUD=number-verification
PHONE=+34600000001
OTHER=+34600000002
N=0
FAILED=0
PIDS=()
declare -A TOK

nv_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	exec 4>&- 2>/dev/null
	rm -rf "$TMP"
}

# Takes a process that has been waited for off the clean-up list.
forget_pid() {
	local p keep=()
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

nv_die() {
	echo "FATAL: $*" >&2
	exit 99
}

# Base64url without padding, for hand-made token parts.
b64u() {
	printf '%s' "$1" | basenc --base64url -w0 | tr -d '='
}

nv_setup() {
	local now h

	TMP=$(mktemp -d "${TMPDIR:-/tmp}/nv-req.XXXXXX") || nv_die "mktemp"
	trap nv_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	[ -x "$NV_FCGI" ] && [ -x "$NV_TOKEN" ] ||
	    nv_die "build src/nv-fcgi and src/nv-token first"

	"$NV_TOKEN" keygen -o "$TMP/k1" --kid k1 >/dev/null || nv_die keygen
	"$NV_TOKEN" keygen -o "$TMP/k2" --kid k2 >/dev/null || nv_die keygen
	# Same kid as the real key, other secret: a forged signature.
	"$NV_TOKEN" keygen -o "$TMP/evil" --kid k1 >/dev/null || nv_die keygen

	# A set of two Ed25519 keys and one RSA key, which is skipped.
	{
		printf '{"keys":['
		sed -e 's/^{"keys":\[//' -e 's/\]}$//' "$TMP/k1.jwks"
		printf ','
		sed -e 's/^{"keys":\[//' -e 's/\]}$//' "$TMP/k2.jwks"
		printf ',{"kty":"RSA","kid":"r1","use":"sig","e":"AQAB",'
		printf '"n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw"}'
		printf ']}\n'
	} >"$TMP/keys.jwks"

	# jwks_file is relative: nv-fcgi takes it from nv.conf's folder.
	cat >"$TMP/nv.conf" <<-EOF
	# written by tests/requests/lib.sh
	jwks_file = keys.jwks
	issuer = $ISS
	audience = $AUD
	api_version = v1
	EOF
	# valgrind's own system calls would be killed by the filter.
	[ -z "${NV_WRAPPER:-}" ] || echo "syscall_filter = no" >>"$TMP/nv.conf"

	now=$(date +%s)
	TOK[good]=$(mint) || nv_die mint
	TOK[other]=$(mint --phone "$OTHER")
	TOK[k2]=$(mint -k "$TMP/k2.key")
	TOK[audarray]=$(mint --claim "aud=[\"other\",\"$AUD\"]")
	TOK[amrmix]=$(mint --amr pwd,mnba)
	TOK[expired]=$(mint --ttl -3600)
	TOK[future]=$(mint --claim "nbf=$((now + 3600))")
	TOK[noexp]=$(mint --unset exp)
	TOK[evil]=$(mint -k "$TMP/evil.key")
	TOK[tampered]=${TOK[good]%%.*}.$(h=${TOK[other]#*.}; echo "${h%.*}").${TOK[good]##*.}
	TOK[wrongiss]=$(mint --iss https://evil.example)
	TOK[wrongaud]=$(mint --aud other-api)
	TOK[unknownkid]=$(mint --kid nope)
	TOK[nokid]=$(mint --kid '')
	TOK[algnone]=$(mint --header alg=none)
	h=${TOK[good]#*.}
	TOK[unsigned]=$(b64u '{"alg":"none","typ":"JWT"}').${h%.*}.
	TOK[hs256]=$(mint --header alg=HS256)
	TOK[crit]=$(mint --header 'crit=["exp"]' --header exp=1)
	TOK[badtyp]=$(mint --header typ=JOSE+JSON)
	TOK[verifyonly]=$(mint --scope number-verification:verify)
	TOK[shareonly]=$(mint --scope number-verification:device-phone-number:read)
	TOK[noscope]=$(mint --unset scope)
	TOK[amrpwd]=$(mint --amr pwd)
	TOK[noamr]=$(mint --amr '')
	TOK[nophone]=$(mint --phone '')
	TOK[badphone]=$(mint --phone '' --claim 'phone_number="34600000001"')
	TOK[verifyonlypwd]=$(mint --scope number-verification:verify --amr pwd)
	TOK[shareonlypwd]=$(mint --scope number-verification:device-phone-number:read --amr pwd)
	TOK[pwdnophone]=$(mint --amr pwd --phone '')
	TOK[expirednoscope]=$(mint --ttl -3600 --unset scope)
	for h in "${!TOK[@]}"; do
		[ -n "${TOK[$h]}" ] || nv_die "token $h was not minted"
	done

	H1=$(printf %s "$PHONE" | sha256sum | cut -d' ' -f1)
	H1U=$(printf %s "$H1" | tr a-f A-F)
	H2=$(printf %s "$OTHER" | sha256sum | cut -d' ' -f1)
	[ ${#H1} = 64 ] || nv_die sha256sum

	# Bodies that cannot be written inline.
	printf '{"phoneNumber":"%s"}\n' "$PHONE" >"$TMP/b.pad"
	# Exactly 4096 bytes: the object, then blanks up to the limit.
	h="{\"phoneNumber\":\"$PHONE\"}"
	{ printf %s "$h"; printf "%$((4096 - ${#h}))s" ''; } >"$TMP/b.4096"
	{ printf %s "$h"; printf "%$((4097 - ${#h}))s" ''; } >"$TMP/b.4097"
	{ printf '{"phoneNumber":"%s"}' "$PHONE"; printf '%60000s' ''; } \
	    >"$TMP/b.big"
	printf '{"phoneNumber":"%s"}\0' "$PHONE" >"$TMP/b.nul"
	[ "$(wc -c <"$TMP/b.4096")" = 4096 ] || nv_die "b.4096 size"
	: >"$TMP/all.log"
}

mint() {
	"$NV_TOKEN" mint -k "$TMP/k1.key" --iss "$ISS" --aud "$AUD" \
	    --phone "$PHONE" --ttl 3600 "$@"
}

# The error bodies of one API version, copied from src/errors.c (which
# copies ../shared/spec); 400 messages are per case.
nv_version() {
	V=$1
	# Expired 10 s ago, inside the 30 s leeway: minted afresh per run.
	TOK[leeway]=$(mint --ttl -10) || nv_die mint
	local dot=. acc='Accept-*' tgt=' resource.' cant=cannot
	local ctx_code=INVALID_TOKEN_CONTEXT
	local umsg='Request not authenticated due to missing, invalid, or expired credentials'

	case $V in
	v0)
		dot='' acc='Accept-*' tgt='' cant="can't"
		ctx_code=NUMBER_VERIFICATION.INVALID_TOKEN_CONTEXT
		;;
	v1)
		# shellcheck disable=SC2016 # backquotes as the YAML has them
		acc='`Accept-*`'
		umsg="$umsg."
		;;
	v2)
		# shellcheck disable=SC2016 # backquotes as the YAML has them
		acc='`Accept-*`'
		umsg="$umsg. A new authentication is required."
		;;
	esac
	E401='{"status":401,"code":"UNAUTHENTICATED","message":"'$umsg'"}'
	E403='{"status":403,"code":"PERMISSION_DENIED","message":"Client does not have sufficient permissions to perform this action'$dot'"}'
	EAMR='{"status":403,"code":"NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK","message":"Client must authenticate via the mobile network to use this service"}'
	if [ "$V" = v2 ]; then
		ECTX=$E403
	else
		ECTX='{"status":403,"code":"'$ctx_code'","message":"Phone number cannot be deducted from access token context"}'
	fi
	E404='{"status":404,"code":"NOT_FOUND","message":"The specified resource is not found."}'
	E405='{"status":405,"code":"METHOD_NOT_ALLOWED","message":"The requested method is not allowed/supported on the target'$tgt'"}'
	E406='{"status":406,"code":"NOT_ACCEPTABLE","message":"The server '$cant' produce a response matching the content requested by the client through '$acc' headers'$dot'"}'
	E415='{"status":415,"code":"UNSUPPORTED_MEDIA_TYPE","message":"The server refuses to accept the request because the payload format is in an unsupported format."}'
}

# A 400 body with its message, written as it appears in the JSON.
bad() {
	printf '{"status":400,"code":"INVALID_ARGUMENT","message":"%s"}' "$1"
}

# The reason phrase of a status, in REASON.
reason() {
	case $1 in
	200) REASON=OK ;;
	400) REASON="Bad Request" ;;
	401) REASON=Unauthorized ;;
	403) REASON=Forbidden ;;
	404) REASON="Not Found" ;;
	405) REASON="Method Not Allowed" ;;
	406) REASON="Not Acceptable" ;;
	415) REASON="Unsupported Media Type" ;;
	*) REASON="?" ;;
	esac
}

# The CGI path variables of one operation under the current mount:
#   api    the worker mounted at the API root (PATH_INFO is /verify)
#   root   mounted at the server root (PATH_INFO is the whole path)
#   proxy  Apache mod_proxy_fcgi: whole path in SCRIPT_NAME, no PATH_INFO,
#          and a query in REQUEST_URI
#   conf   no version in the path: api_version from nv.conf (v1)
mount_vars() {
	local ver=$1 op=$2 base

	base=/number-verification/$ver
	case $MOUNT in
	api)
		PV=("SCRIPT_NAME=$base" "PATH_INFO=/$op"
		    "REQUEST_URI=$base/$op")
		;;
	root)
		PV=("SCRIPT_NAME=" "PATH_INFO=$base/$op"
		    "REQUEST_URI=$base/$op")
		;;
	proxy)
		# A number in the query must stay out of the log.
		PV=("SCRIPT_NAME=$base/$op"
		    "REQUEST_URI=$base/$op?trace=1&n=%2B${OTHER#+}")
		;;
	conf)
		PV=("SCRIPT_NAME=/nv" "PATH_INFO=/$op" "REQUEST_URI=/nv/$op")
		;;
	*)
		nv_die "unknown mount $MOUNT"
		;;
	esac
}

fail() {
	FAILED=$((FAILED + 1))
	echo "not ok $N - $CASE [$V/$MOUNT $TRANSPORT]"
	while [ $# -gt 0 ]; do
		printf '#   %s\n' "$1"
		shift
	done
}

# t NAME STATUS BODY [-w WWW-AUTH] [-a ALLOW] [-c ECHO] -- METHOD OP [REQ...]
#
# Sends one request and checks the status line, every header (exactly
# the expected set: Content-Type, Cache-Control, Content-Length, and
# Allow, WWW-Authenticate and x-correlator when expected), the exact
# body and the worker's one log line.  REQ words:
#   tok=NAME  auth=VALUE  noauth  accept=VALUE  noaccept  ct=VALUE  noct
#   body=TEXT  bodyfile=FILE  cl=VALUE  nocl  corr=VALUE  nocorr  ver=vN
# By default: the good token, Accept: application/json, Content-Type:
# application/json on POST, no body, and an x-correlator on every other
# case (its echo is then expected; -c overrides what is expected).
t() {
	local want_status=$2 want_body=$3 want_www='' want_allow='' want_corr=auto
	local method op auth accept=application/json ct='' corr='' ver=$V
	local has_auth=1 has_accept=1 has_ct=0 has_corr=0 bodysrc=/dev/null
	local cl='' has_cl=0 cl_forced=0 a resp hdr body line rc found
	local -a vars exp lines errs

	CASE=$1
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		-w) want_www=$2; shift 2 ;;
		-a) want_allow=$2; shift 2 ;;
		-c) want_corr=$2; shift 2 ;;
		*) nv_die "$CASE: unknown expectation $1" ;;
		esac
	done
	[ $# -ge 3 ] || nv_die "$CASE: no METHOD OP"
	method=$2 op=$3
	shift 3
	N=$((N + 1))
	auth="Bearer ${TOK[good]}"
	[ "$method" = POST ] && ct=application/json has_ct=1
	if [ $((N % 2)) = 1 ]; then
		corr="nv-$N:$V/$MOUNT"
		has_corr=1
	fi
	for a; do
		case $a in
		tok=*) auth="Bearer ${TOK[${a#tok=}]}" ;;
		auth=*) auth=${a#auth=} ;;
		noauth) has_auth=0 ;;
		accept=*) accept=${a#accept=} ;;
		noaccept) has_accept=0 ;;
		ct=*) ct=${a#ct=} has_ct=1 ;;
		noct) has_ct=0 ;;
		body=*)
			a=${a#body=}
			printf '%s' "$a" >"$TMP/body"
			bodysrc=$TMP/body
			[ $cl_forced = 1 ] || cl=${#a} has_cl=1
			;;
		bodyfile=*)
			bodysrc=${a#bodyfile=}
			[ $cl_forced = 1 ] || cl=$(wc -c <"$bodysrc") has_cl=1
			;;
		cl=*) cl=${a#cl=} has_cl=1 cl_forced=1 ;;
		nocl) has_cl=0 cl_forced=1 ;;
		corr=*) corr=${a#corr=} has_corr=1 ;;
		nocorr) has_corr=0 ;;
		ver=*) ver=${a#ver=} ;;
		*) nv_die "$CASE: unknown request word $a" ;;
		esac
	done
	mount_vars "$ver" "$op"
	vars=("REQUEST_METHOD=$method" "GATEWAY_INTERFACE=CGI/1.1"
	    "SERVER_PROTOCOL=HTTP/1.1" "SERVER_NAME=localhost" "${PV[@]}")
	[ $has_auth = 1 ] && vars+=("HTTP_AUTHORIZATION=$auth")
	[ $has_accept = 1 ] && vars+=("HTTP_ACCEPT=$accept")
	[ $has_ct = 1 ] && vars+=("CONTENT_TYPE=$ct")
	[ $has_cl = 1 ] && vars+=("CONTENT_LENGTH=$cl")
	[ $has_corr = 1 ] && vars+=("HTTP_X_CORRELATOR=$corr")

	nv_send "$TMP/out" "$TMP/err" "$bodysrc" "${vars[@]}"
	rc=$?
	nv_newlog
	errs=()
	[ $rc = 0 ] || errs+=("client exit status $rc")
	[ -s "$TMP/err" ] && errs+=("client stderr: $(head -c 300 "$TMP/err")")

	IFS= read -r -d '' resp <"$TMP/out"
	if [[ $resp != *$'\r\n\r\n'* ]]; then
		fail "${errs[@]}" "no header/body separator in: ${resp:0:300}"
		return
	fi
	hdr=${resp%%$'\r\n\r\n'*}
	body=${resp#*$'\r\n\r\n'}
	mapfile -t lines <<<"${hdr//$'\r\n'/$'\n'}"

	reason "$want_status"
	exp=("Status: $want_status $REASON"
	    "Content-Type: application/json" "Cache-Control: no-store"
	    "Content-Length: ${#want_body}")
	[ -n "$want_www" ] && exp+=("WWW-Authenticate: $want_www")
	[ -n "$want_allow" ] && exp+=("Allow: $want_allow")
	if [ "$want_corr" = auto ]; then
		[ $has_corr = 1 ] && exp+=("x-correlator: $corr")
	elif [ -n "$want_corr" ]; then
		exp+=("x-correlator: $want_corr")
	fi
	[ "${lines[0]}" = "${exp[0]}" ] ||
	    errs+=("status line: got '${lines[0]}', want '${exp[0]}'")
	for line in "${exp[@]:1}"; do
		found=0
		for a in "${lines[@]:1}"; do
			[ "$a" = "$line" ] && found=1 && break
		done
		[ $found = 1 ] || errs+=("missing header '$line'")
	done
	[ ${#lines[@]} = ${#exp[@]} ] ||
	    errs+=("headers: got $(printf '[%s] ' "${lines[@]}")want $(printf '[%s] ' "${exp[@]}")")
	[ "$body" = "$want_body" ] ||
	    errs+=("body: got  $body" "      want $want_body")

	# The worker's log: one line for this request, naming its status.
	if [ ${#LOGLINES[@]} != 1 ]; then
		errs+=("log: ${#LOGLINES[@]} lines: ${LOGLINES[*]:-}")
	elif [[ ${LOGLINES[0]} != "nv-fcgi: request: $method "*" $want_status "* ]]; then
		errs+=("log line: ${LOGLINES[0]}")
	fi
	printf '%s\n' "${LOGLINES[@]}" >>"$TMP/all.log"

	if [ ${#errs[@]} -gt 0 ]; then
		fail "${errs[@]}"
	else
		echo "ok $N - $CASE [$V/$MOUNT $TRANSPORT]"
	fi
}

# The 401s and 403s every operation shares.  $1 is the method, $2 the
# operation, $3 the token missing its scope, $4 that scope; the rest
# are request words (a valid body for POST).
token_cases() {
	local m=$1 op=$2 wrongscope=$3 scope=$4 inv='Bearer error="invalid_token"'
	shift 4

	t "$op: no Authorization header" 401 "$E401" -w Bearer -- "$m" "$op" noauth "$@"
	t "$op: expired token" 401 "$E401" -w "$inv" -- "$m" "$op" tok=expired "$@"
	t "$op: token not yet valid (nbf)" 401 "$E401" -w "$inv" -- "$m" "$op" tok=future "$@"
	t "$op: token without exp" 401 "$E401" -w "$inv" -- "$m" "$op" tok=noexp "$@"
	t "$op: bad signature (other key, same kid)" 401 "$E401" -w "$inv" -- "$m" "$op" tok=evil "$@"
	t "$op: payload swapped under a signature" 401 "$E401" -w "$inv" -- "$m" "$op" tok=tampered "$@"
	t "$op: garbage token" 401 "$E401" -w "$inv" -- "$m" "$op" auth="Bearer not-a-token" "$@"
	t "$op: garbage three-part token" 401 "$E401" -w "$inv" -- "$m" "$op" auth="Bearer abc.def.ghi" "$@"
	t "$op: Basic scheme" 401 "$E401" -w "$inv" -- "$m" "$op" auth="Basic dXNlcjpwYXNz" "$@"
	t "$op: Bearer without token" 401 "$E401" -w "$inv" -- "$m" "$op" auth="Bearer" "$@"
	t "$op: wrong iss" 401 "$E401" -w "$inv" -- "$m" "$op" tok=wrongiss "$@"
	t "$op: wrong aud" 401 "$E401" -w "$inv" -- "$m" "$op" tok=wrongaud "$@"
	t "$op: unknown kid" 401 "$E401" -w "$inv" -- "$m" "$op" tok=unknownkid "$@"
	t "$op: no kid with a two-key set" 401 "$E401" -w "$inv" -- "$m" "$op" tok=nokid "$@"
	t "$op: alg none (signed)" 401 "$E401" -w "$inv" -- "$m" "$op" tok=algnone "$@"
	t "$op: alg none, empty signature" 401 "$E401" -w "$inv" -- "$m" "$op" tok=unsigned "$@"
	t "$op: alg HS256" 401 "$E401" -w "$inv" -- "$m" "$op" tok=hs256 "$@"
	t "$op: crit header" 401 "$E401" -w "$inv" -- "$m" "$op" tok=crit "$@"
	t "$op: typ not accepted" 401 "$E401" -w "$inv" -- "$m" "$op" tok=badtyp "$@"
	t "$op: scope missing" 403 "$E403" -w "Bearer error=\"insufficient_scope\", scope=\"$scope\"" -- "$m" "$op" "tok=$wrongscope" "$@"
	t "$op: no scope claim" 403 "$E403" -w "Bearer error=\"insufficient_scope\", scope=\"$scope\"" -- "$m" "$op" tok=noscope "$@"
	t "$op: amr without network authentication" 403 "$EAMR" -- "$m" "$op" tok=amrpwd "$@"
	t "$op: no amr" 403 "$EAMR" -- "$m" "$op" tok=noamr "$@"
	t "$op: no phone claim" 403 "$ECTX" -- "$m" "$op" tok=nophone "$@"
	t "$op: phone claim not E.164" 403 "$ECTX" -- "$m" "$op" tok=badphone "$@"
	t "$op: order: scope before amr" 403 "$E403" -w "Bearer error=\"insufficient_scope\", scope=\"$scope\"" -- "$m" "$op" "tok=${wrongscope}pwd" "$@"
	t "$op: order: amr before phone" 403 "$EAMR" -- "$m" "$op" tok=pwdnophone "$@"
	t "$op: order: 401 before 403" 401 "$E401" -w "$inv" -- "$m" "$op" tok=expirednoscope "$@"
}

# Every scenario, under the API version $V and the mount $MOUNT.
nv_cases() {
	local yes='{"devicePhoneNumberVerified":true}'
	local no='{"devicePhoneNumberVerified":false}'
	local pn="{\"phoneNumber\":\"$PHONE\"}"
	local patp='phoneNumber must match ^\\+[1-9][0-9]{4,14}$'
	local path='hashedPhoneNumber must match ^[a-fA-F0-9]{64}$'
	local unk='request body has an unknown member: only phoneNumber or hashedPhoneNumber is allowed'
	local corr_msg='x-correlator must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$'
	local c257 scope_v=number-verification:verify
	local scope_s=number-verification:device-phone-number:read

	c257=$(printf '%257s' '' | tr ' ' a)

	# --- verify: answers
	t "verify: plain, true" 200 "$yes" -- POST verify "body=$pn"
	t "verify: plain, false" 200 "$no" -- POST verify "body={\"phoneNumber\":\"$OTHER\"}"
	t "verify: hashed, true (lowercase hex)" 200 "$yes" -- POST verify "body={\"hashedPhoneNumber\":\"$H1\"}"
	t "verify: hashed, true (uppercase hex)" 200 "$yes" -- POST verify "body={\"hashedPhoneNumber\":\"$H1U\"}"
	t "verify: hashed, false" 200 "$no" -- POST verify "body={\"hashedPhoneNumber\":\"$H2\"}"
	t "verify: token of another number" 200 "$no" -- POST verify tok=other "body=$pn"
	t "verify: Content-Type with charset" 200 "$yes" -- POST verify "ct=application/json; charset=utf-8" "body=$pn"
	t "verify: Accept */*" 200 "$yes" -- POST verify "accept=*/*" "body=$pn"
	t "verify: Accept list with application/*" 200 "$yes" -- POST verify "accept=text/html, application/*;q=0.5" "body=$pn"
	t "verify: no Accept header" 200 "$yes" -- POST verify noaccept "body=$pn"
	t "verify: bearer scheme in lower case" 200 "$yes" -- POST verify "auth=bearer ${TOK[good]}" "body=$pn"
	t "verify: body with a final newline" 200 "$yes" -- POST verify "bodyfile=$TMP/b.pad"
	t "verify: body of exactly 4096 bytes" 200 "$yes" -- POST verify "bodyfile=$TMP/b.4096"
	t "verify: aud array holding the audience" 200 "$yes" -- POST verify tok=audarray "body=$pn"
	t "verify: second key of the set (kid k2)" 200 "$yes" -- POST verify tok=k2 "body=$pn"
	t "verify: amr with mnba among others" 200 "$yes" -- POST verify tok=amrmix "body=$pn"
	# Minted again right before use: a slow run (under valgrind, or on
	# a loaded machine) can take longer than the leeway's margin.
	TOK[leeway]=$(mint --ttl -10) || nv_die mint
	t "verify: expired within the leeway" 200 "$yes" -- POST verify tok=leeway "body=$pn"
	t "verify: token with only the verify scope" 200 "$yes" -- POST verify tok=verifyonly "body=$pn"

	# --- verify: 400
	t "verify: no body" 400 "$(bad 'request body is missing')" -- POST verify
	t "verify: empty body (Content-Length: 0)" 400 "$(bad 'request body is missing')" -- POST verify body=
	t "verify: blank body" 400 "$(bad 'request body is empty')" -- POST verify "body=   "
	t "verify: unknown property" 400 "$(bad "$unk")" -- POST verify "body={\"phone\":\"$PHONE\"}"
	t "verify: unknown property beside phoneNumber" 400 "$(bad "$unk")" -- POST verify "body={\"phoneNumber\":\"$PHONE\",\"x\":1}"
	t "verify: both properties" 400 "$(bad 'request body must contain only one of phoneNumber and hashedPhoneNumber')" -- POST verify "body={\"phoneNumber\":\"$PHONE\",\"hashedPhoneNumber\":\"$H1\"}"
	t "verify: empty object" 400 "$(bad 'request body must contain phoneNumber or hashedPhoneNumber')" -- POST verify "body={}"
	t "verify: bad number (no +)" 400 "$(bad "$patp")" -- POST verify 'body={"phoneNumber":"34600000001"}'
	t "verify: bad number (leading 0)" 400 "$(bad "$patp")" -- POST verify 'body={"phoneNumber":"+04600000001"}'
	t "verify: bad number (too short)" 400 "$(bad "$patp")" -- POST verify 'body={"phoneNumber":"+3460"}'
	t "verify: bad number (16 digits)" 400 "$(bad "$patp")" -- POST verify 'body={"phoneNumber":"+3460000000000001"}'
	t "verify: bad number (spaces)" 400 "$(bad "$patp")" -- POST verify 'body={"phoneNumber":"+34 600 000 001"}'
	t "verify: bad number (escaped NUL)" 400 "$(bad "$patp")" -- POST verify "body={\"phoneNumber\":\"$PHONE\\u0000\"}"
	t "verify: bad hash (63 digits)" 400 "$(bad "$path")" -- POST verify "body={\"hashedPhoneNumber\":\"${H1:1}\"}"
	t "verify: bad hash (not hex)" 400 "$(bad "$path")" -- POST verify "body={\"hashedPhoneNumber\":\"${H1:1}g\"}"
	t "verify: number not a string" 400 "$(bad 'phoneNumber must be a string')" -- POST verify 'body={"phoneNumber":34600000001}'
	t "verify: hash not a string" 400 "$(bad 'hashedPhoneNumber must be a string')" -- POST verify 'body={"hashedPhoneNumber":null}'
	t "verify: duplicated member" 400 "$(bad 'request body has a duplicated member')" -- POST verify "body={\"phoneNumber\":\"$OTHER\",\"phoneNumber\":\"$PHONE\"}"
	t "verify: trailing bytes" 400 "$(bad 'request body has bytes after the JSON object')" -- POST verify "body=$pn x"
	t "verify: two objects" 400 "$(bad 'request body has bytes after the JSON object')" -- POST verify "body=$pn$pn"
	t "verify: not an object" 400 "$(bad 'request body is not a JSON object')" -- POST verify "body=[\"$PHONE\"]"
	t "verify: not JSON" 400 "$(bad 'request body is not valid JSON')" -- POST verify 'body={"phoneNumber":'
	t "verify: NUL byte in the body" 400 "$(bad 'request body contains a NUL byte')" -- POST verify "bodyfile=$TMP/b.nul"
	t "verify: body of 4097 bytes" 400 "$(bad 'request body is larger than 4096 bytes')" -- POST verify "bodyfile=$TMP/b.4097"
	t "verify: body of 60 KiB" 400 "$(bad 'request body is larger than 4096 bytes')" -- POST verify "bodyfile=$TMP/b.big"
	t "verify: Content-Length over the limit" 400 "$(bad 'request body is larger than 4096 bytes')" -- POST verify cl=1000000 "body=$pn"
	t "verify: Content-Length larger than the body" 400 "$(bad 'request body is shorter than its Content-Length')" -- POST verify cl=100 "body=$pn"
	t "verify: body without Content-Length" 400 "$(bad 'request body is missing')" -- POST verify nocl "body=$pn"
	t "verify: Content-Length not a number" 400 "$(bad 'Content-Length is not a number')" -- POST verify cl=abc "body=$pn"

	# --- verify: 401, 403 and their order against 415 and 400
	token_cases POST verify shareonly "$scope_v" "body=$pn"
	t "verify: bad token and bad body is a 401" 401 "$E401" -w 'Bearer error="invalid_token"' -- POST verify tok=evil 'body={"x":'
	t "verify: no token and bad body is a 401" 401 "$E401" -w Bearer -- POST verify noauth 'body=[]'
	t "verify: order: 401 before 415" 401 "$E401" -w Bearer -- POST verify noauth ct=text/plain "body=$pn"
	t "verify: order: 403 before 415" 403 "$EAMR" -- POST verify tok=amrpwd ct=text/plain "body=$pn"

	# --- share
	t "share: success" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" -- GET device-phone-number
	t "share: token of another number" 200 "{\"devicePhoneNumber\":\"$OTHER\"}" -- GET device-phone-number tok=other
	t "share: second key of the set (kid k2)" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" -- GET device-phone-number tok=k2
	t "share: token with only the share scope" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" -- GET device-phone-number tok=shareonly
	t "share: Accept */*" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" -- GET device-phone-number "accept=*/*"
	token_cases GET device-phone-number verifyonly "$scope_s"

	# --- paths, methods, media types
	t "404: unknown operation" 404 "$E404" -- POST unknown "body=$pn"
	t "404: operation with a trailing slash" 404 "$E404" -- POST verify/ "body=$pn"
	t "404: operation in upper case" 404 "$E404" -- GET DEVICE-PHONE-NUMBER
	t "404: before 405 and 401" 404 "$E404" -- DELETE nowhere noauth
	t "405: GET verify" 405 "$E405" -a POST -- GET verify
	t "405: PUT verify" 405 "$E405" -a POST -- PUT verify "body=$pn"
	t "405: POST device-phone-number" 405 "$E405" -a "GET, HEAD" -- POST device-phone-number "body=$pn"
	t "405: DELETE device-phone-number" 405 "$E405" -a "GET, HEAD" -- DELETE device-phone-number
	t "405: before 401" 405 "$E405" -a POST -- GET verify noauth
	t "406: Accept text/html on verify" 406 "$E406" -- POST verify accept=text/html "body=$pn"
	t "406: Accept text/html on share" 406 "$E406" -- GET device-phone-number accept=text/html
	t "406: application/json with q=0" 406 "$E406" -- GET device-phone-number "accept=application/json;q=0, text/plain"
	t "406: before 401" 406 "$E406" -- GET device-phone-number accept=text/html noauth
	t "415: Content-Type text/plain" 415 "$E415" -- POST verify ct=text/plain "body=$pn"
	t "415: no Content-Type" 415 "$E415" -- POST verify noct "body=$pn"
	t "415: application/jsonp" 415 "$E415" -- POST verify ct=application/jsonp "body=$pn"
	t "415: before 400" 415 "$E415" -- POST verify ct=text/plain 'body=not json'

	# --- x-correlator
	t "correlator: echoed" 200 "$yes" -- POST verify corr=b3e1c2d4-5f60-4a7b-8c9d-0e1f2a3b4c5d "body=$pn"
	t "correlator: echoed on an error" 404 "$E404" -- GET unknown corr=abc:123
	t "correlator: none sent, none echoed" 200 "$yes" -- POST verify nocorr "body=$pn"
	t "correlator: every punctuation the pattern allows" 200 "$yes" -- POST verify "corr=a-b_c:d;e.f/g<h>i{j}0Z" "body=$pn"
	t "correlator: 256 characters" 200 "$yes" -- POST verify "corr=${c257:1}" "body=$pn"
	if [ "$V" = v2 ]; then
		t "correlator: v2 rejects a space" 400 "$(bad "$corr_msg")" -c '' -- POST verify "corr=bad correlator" "body=$pn"
		t "correlator: v2 rejects 257 characters" 400 "$(bad "$corr_msg")" -c '' -- POST verify "corr=$c257" "body=$pn"
		t "correlator: v2 rejects a tab" 400 "$(bad "$corr_msg")" -c '' -- GET device-phone-number "corr=a$(printf '\t')b"
		t "correlator: v2 order: 405 before 400" 405 "$E405" -a POST -c '' -- GET verify "corr=bad correlator"
		t "correlator: v2 order: 400 before 406 and 401" 400 "$(bad "$corr_msg")" -c '' -- GET device-phone-number "corr=bad!" accept=text/html noauth
	else
		t "correlator: $V echoes any printable one" 200 "$yes" -- POST verify "corr=bad correlator!" "body=$pn"
		t "correlator: $V does not echo 257 characters" 200 "$yes" -c '' -- POST verify "corr=$c257" "body=$pn"
		t "correlator: $V does not echo a tab" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" -c '' -- GET device-phone-number "corr=a$(printf '\t')b"
		t "correlator: $V order: 406 before 401" 406 "$E406" -- GET device-phone-number "corr=bad!" accept=text/html noauth
	fi

	# --- versions named in the path (the conf mount names none)
	if [ "$MOUNT" != conf ]; then
		t "404: version not served (v3)" 404 "$E404" -- POST verify ver=v3 "body=$pn"
		t "404: version v10" 404 "$E404" -- GET device-phone-number ver=v10
	fi
}

# One case of each kind, to show a mount routes and versions right.
nv_spot() {
	local pn="{\"phoneNumber\":\"$PHONE\"}" inv='Bearer error="invalid_token"'

	t "spot: verify plain, true" 200 '{"devicePhoneNumberVerified":true}' -- POST verify "body=$pn"
	t "spot: verify hashed, false" 200 '{"devicePhoneNumberVerified":false}' -- POST verify "body={\"hashedPhoneNumber\":\"$H2\"}"
	t "spot: verify both properties" 400 "$(bad 'request body must contain only one of phoneNumber and hashedPhoneNumber')" -- POST verify "body={\"phoneNumber\":\"$PHONE\",\"hashedPhoneNumber\":\"$H1\"}"
	t "spot: verify no Authorization" 401 "$E401" -w Bearer -- POST verify noauth "body=$pn"
	t "spot: verify expired token" 401 "$E401" -w "$inv" -- POST verify tok=expired "body=$pn"
	t "spot: verify scope missing" 403 "$E403" -w 'Bearer error="insufficient_scope", scope="number-verification:verify"' -- POST verify tok=shareonly "body=$pn"
	t "spot: verify amr" 403 "$EAMR" -- POST verify tok=amrpwd "body=$pn"
	t "spot: verify no phone claim" 403 "$ECTX" -- POST verify tok=nophone "body=$pn"
	t "spot: share success" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" -- GET device-phone-number
	t "spot: share invalid token" 401 "$E401" -w "$inv" -- GET device-phone-number tok=evil
	t "spot: share scope missing" 403 "$E403" -w 'Bearer error="insufficient_scope", scope="number-verification:device-phone-number:read"' -- GET device-phone-number tok=verifyonly
	t "spot: share no phone claim" 403 "$ECTX" -- GET device-phone-number tok=nophone
	t "spot: 404" 404 "$E404" -- GET unknown
	t "spot: 405 verify" 405 "$E405" -a POST -- GET verify
	t "spot: 405 share" 405 "$E405" -a "GET, HEAD" -- POST device-phone-number "body=$pn"
	t "spot: 406" 406 "$E406" -- GET device-phone-number accept=text/html
	t "spot: 415" 415 "$E415" -- POST verify ct=text/plain "body=$pn"
	t "spot: body over 4 KiB" 400 "$(bad 'request body is larger than 4096 bytes')" -- POST verify "bodyfile=$TMP/b.4097"
	t "spot: correlator echoed" 200 '{"devicePhoneNumberVerified":true}' -- POST verify corr=spot-1 "body=$pn"
	if [ "$V" = v2 ]; then
		t "spot: v2 bad correlator" 400 "$(bad 'x-correlator must match ^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$')" -c '' -- GET device-phone-number "corr=no way"
	else
		t "spot: $V correlator with a space" 200 "{\"devicePhoneNumber\":\"$PHONE\"}" -- GET device-phone-number "corr=no way"
	fi
	if [ "$MOUNT" != conf ]; then
		t "spot: version not served" 404 "$E404" -- GET device-phone-number ver=v3
	fi
}

# nv_matrix LIST vN/mount...: runs nv_cases (LIST full) or nv_spot
# (LIST spot) under each API version and mount.
nv_matrix() {
	local list=$1 vm
	shift
	for vm; do
		nv_version "${vm%/*}"
		MOUNT=${vm#*/}
		case $list in
		full) nv_cases ;;
		spot) nv_spot ;;
		esac
	done
}

# No number, hash or token (nor its signature) in any log line: those
# taken for each request and whole worker logs (worker*.log).
nv_check_secrets() {
	local k s

	N=$((N + 1))
	CASE="log holds no number, hash or token"
	V=- MOUNT=-
	{
		printf '%s\n' "$PHONE" "$OTHER" "${PHONE#+}" "${OTHER#+}" \
		    "$H1" "$H1U" "$H2" "$(printf %s "$H2" | tr a-f A-F)"
		# Any 24 characters from the start of a token's header,
		# payload or signature would show a token, even cut short.
		for k in "${!TOK[@]}"; do
			s=${TOK[$k]}
			printf '%s\n' "${s:0:24}"
			s=${s#*.}
			printf '%s\n' "${s:0:24}"
			s=${s#*.}
			printf '%s\n' "${s:0:24}"
		done | grep -E '^.{24}$'

	} | grep -v '^$' >"$TMP/secrets"
	if [ ! -s "$TMP/all.log" ]; then
		fail "no log lines were captured"
	elif cat "$TMP/all.log" "$TMP"/worker*.log 2>/dev/null |
	    grep -F -f "$TMP/secrets" >"$TMP/leaks"; then
		fail "secrets in the log:" "$(head -5 "$TMP/leaks")"
	else
		echo "ok $N - $CASE ($(wc -l <"$TMP/all.log") lines) [$TRANSPORT]"
	fi
}

nv_summary() {
	echo "# $TRANSPORT: $N cases, $FAILED failed"
	[ "$FAILED" = 0 ]
}
