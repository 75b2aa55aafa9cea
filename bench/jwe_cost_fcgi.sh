#!/bin/sh
# bench/jwe_cost_fcgi.sh [REQUESTS]: the whole worker's CPU per request
# (FastCGI framing, pipeline, log line) for a signed and for an encrypted
# token.  One nv-fcgi on a Unix socket in a temporary folder, as behind
# a local web server; cgi-fcgi sends each request; the worker's
# utime+stime comes from /proc.  By hand only, from the build directory
# after make.  The in-process figure is bench/jwe_cost (make bench-jwe).
set -eu
n=${1:-1000}
[ "$n" -ge 100 ] && [ "$n" -le 20000 ] || { echo "REQUESTS: 100..20000" >&2; exit 64; }
command -v cgi-fcgi >/dev/null || { echo "cgi-fcgi missing (libfcgi-bin)" >&2; exit 1; }
T=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

./src/nv-token keygen -o "$T/sig" --kid sig1 >/dev/null
./src/nv-token keygen --use enc -o "$T/enc" --kid enc1 >/dev/null
(umask 077; printf '{"keys":[%s]}\n' "$(cat "$T/enc.key")" >"$T/dec.jwks")
cat >"$T/nv.conf" <<CONF
jwks_file = sig.jwks
issuer = https://op.example
audience = nv
decryption_keys_file = dec.jwks
CONF
mint() {
	./src/nv-token mint -k "$T/sig.key" --iss https://op.example --aud nv \
	    --phone +34600000001 --ttl 3600 "$@"
}
jws=$(mint)
jwe=$(mint --encrypt-to "$T/enc.jwks")
sock=$T/nv.sock
./src/nv-fcgi -c "$T/nv.conf" -s "$sock" 2>/dev/null &
pid=$!
sleep 0.3

ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# batch TOKEN COUNT: COUNT requests; prints the worker's ticks they took.
batch() {
	i=0
	t0=$(ticks)
	while [ "$i" -lt "$2" ]; do
		env -i REQUEST_METHOD=GET \
		    SCRIPT_NAME=/number-verification/v0/device-phone-number \
		    HTTP_AUTHORIZATION="Bearer $1" \
		    cgi-fcgi -bind -connect "$sock" >"$T/out"
		i=$((i + 1))
	done
	grep -q '^Status: 200' "$T/out" || { cat "$T/out" >&2; exit 1; }
	echo $(($(ticks) - t0))
}
# Ten rounds, each a batch of both kinds, so that the load of a shared
# machine drifting over the run weighs on both alike.
batch "$jws" 20 >/dev/null		# warm-up
rounds=10
per=$((n / rounds))
ts=0
te=0
r=0
end=$(($(date +%s) + 900))
while [ "$r" -lt "$rounds" ] && [ "$(date +%s)" -lt "$end" ]; do
	ts=$((ts + $(batch "$jws" "$per")))
	te=$((te + $(batch "$jwe" "$per")))
	r=$((r + 1))
done
hz=$(getconf CLK_TCK)
echo "nv-fcgi worker CPU per request over FastCGI ($((r * per)) requests each, $r rounds):"
awk -v s="$ts" -v e="$te" -v n="$((r * per))" -v hz="$hz" 'BEGIN {
	printf "  signed token:    %.0f us\n", s * 1e6 / hz / n
	printf "  encrypted token: %.0f us\n", e * 1e6 / hz / n
	printf "  ratio:           %.2f (goal < 1.50)\n", e / s
}'
