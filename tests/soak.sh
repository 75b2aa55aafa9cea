#!/usr/bin/env bash
# Soak: lighttpd on a free loopback port with a pool of 4 nv-fcgi
# workers (bin-path, max-procs 4, which lighttpd respawns) under steady
# load of valid and hostile requests mixed, for SOAK_SECONDS (default
# 120).  Passes with zero wrong answers, no worker RSS or descriptor
# growth over the load, and the same answers after one worker is
# killed and replaced.  Run by `make soak`; tests/run-all runs 20 s.
set -eu
SOAK_SECONDS=${SOAK_SECONDS:-120}
THREADS=${SOAK_THREADS:-4}
RSS_SLACK_KB=${SOAK_RSS_SLACK_KB:-16}	# 4 pages of noise, not growth
. "${srcdir:-.}/tests/secure-lib.sh"

LIGHTTPD=${LIGHTTPD:-$(command -v lighttpd || echo /usr/sbin/lighttpd)}
[ -x "$LIGHTTPD" ] || { echo "soak: lighttpd not found (Debian package lighttpd)"; exit 77; }
[ "$SOAK_SECONDS" -ge 10 ] && [ "$SOAK_SECONDS" -le 1800 ] ||
    fail "SOAK_SECONDS must be from 10 to 1800"

write_conf
PORT=$(free_port)
mkdir -p "$T/www"
cat > "$T/lighttpd.conf" <<EOF
server.document-root = "$T/www"
server.bind = "127.0.0.1"
server.port = $PORT
server.errorlog = "$T/err"
server.modules += ( "mod_fastcgi" )
fastcgi.server = ( "/number-verification/v0" => ((
	"socket" => "$T/nv.sock",
	"bin-path" => "$NV_FCGI",
	"bin-environment" => ( "NV_CONFIG" => "$T/nv.conf" ),
	"max-procs" => 4,
	"check-local" => "disable",
)))
EOF
# The workers inherit its stderr: their request lines go to a file.
"$LIGHTTPD" -D -f "$T/lighttpd.conf" 2>>"$T/workers.log" &
LPID=$!
PIDS+=("$LPID")

workers() {
	pgrep -P "$LPID" | sort -n
}
for _ in $(seq 100); do
	[ "$(workers | wc -l)" = 4 ] && python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break
	sleep 0.1
done
[ "$(workers | wc -l)" = 4 ] || fail "lighttpd did not start 4 workers"

good=$(mint --ttl 86400)
sig=${good##*.}
flip=$(printf '%s' "${sig:10:1}" | tr 'A-Za-z0-9_-' 'B-ZAb-za1-90-_')
{
	echo "good=$good"
	echo "share_only=$(mint --ttl 86400 --scope number-verification:device-phone-number:read)"
	echo "expired=$(mint --claim exp=1000 --claim iat=900)"
	echo "badsig=${good%.*}.${sig:0:10}$flip${sig:11}"
} > "$T/tokens"

load() {
	python3 "$srcdir/tests/soak_client.py" "$PORT" "$1" "$THREADS" "$T/tokens" > "$T/load" ||
	    { cat "$T/load" >&2; fail "wrong answers under load ($2)"; }
	echo "soak: $2: $(head -1 "$T/load") in $1 s"
	set -- $(head -1 "$T/load")
	TOTAL=$((TOTAL + $2))
}

measure() {
	local p
	for p in $(workers); do
		echo "$p $(awk '/^VmRSS/ {print $2}' "/proc/$p/status") $(ls "/proc/$p/fd" | wc -l)"
	done
}

TOTAL=0
load 3 "warm-up"
measure > "$T/before"
main=$((SOAK_SECONDS * 7 / 10))
load "$main" "steady load"
measure > "$T/after"
echo "soak: worker  RSS kB before -> after  fds before -> after"
while read -r p rss fds; do
	read -r rss2 fds2 < <(awk -v p="$p" '$1 == p {print $2, $3}' "$T/after")
	[ -n "${rss2:-}" ] || fail "worker $p died under load"
	echo "soak: $p  $rss -> $rss2  $fds -> $fds2"
	[ "$rss2" -le $((rss + RSS_SLACK_KB)) ] || fail "worker $p RSS grew from $rss to $rss2 kB"
	[ "$fds2" -le "$fds" ] || fail "worker $p descriptors grew from $fds to $fds2"
	rss2=
done < "$T/before"

# Kill one worker; lighttpd starts another in its place.
victim=$(workers | head -1)
kill -9 "$victim"
for _ in $(seq 150); do
	if [ "$(workers | wc -l)" = 4 ] && ! workers | grep -qx "$victim"; then
		break
	fi
	sleep 0.1
done
workers | grep -qx "$victim" && fail "killed worker $victim still there"
[ "$(workers | wc -l)" = 4 ] || fail "killed worker $victim not replaced"
echo "soak: killed worker $victim, replaced by $(workers | tr '\n' ' ' | sed 's/ $//')"
load $((SOAK_SECONDS - main - 3 > 5 ? SOAK_SECONDS - main - 3 : 5)) "after the replacement"
echo "soak: $TOTAL requests, zero wrong answers"
