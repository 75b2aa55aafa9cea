#!/usr/bin/env bash
# The Debian package (debian/), as an operator gets it: built with
# `dpkg-buildpackage -b -us -uc` from the distribution tarball unpacked
# in a temporary folder, no lintian error, installed with `dpkg -i`; the
# INSTALLED /usr/sbin/nv-fcgi, started by spawn-fcgi as the package's
# user nv-fcgi behind lighttpd (the snippet the package ships), answers
# requests with a token minted by the installed nv-token; everything is
# stopped by pid; then `dpkg --purge` leaves none of the files the
# package owned (dpkg -L before, the file system after), keeps the
# operator's nv.conf and, as documented, the nv-fcgi user.
#
# Usage: tests/deploy/package.sh [TARBALL]   (default: `make dist` here)
#
# Not in `make check` (root, installs and purges a system package, about
# a minute): tests/run-all runs it after `make distcheck`, and so does
# `make check-package`.  It refuses to run where number-verification is
# installed already (it would purge it).
TEST_NAME=package
. "${srcdir:-.}/tests/deploy/lib.sh"
. "$SRC/tests/deploy/servers.sh"

PKG=number-verification
if [ "$(id -u)" != 0 ]; then
	[ "${CI:-}" = true ] && die "needs root (dpkg -i, spawn-fcgi -u)"
	say "SKIP: needs root (dpkg -i, spawn-fcgi -u)"
	exit 77
fi
need dpkg-buildpackage dh lintian fakeroot lighttpd spawn-fcgi curl
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'; then
	die "$PKG is installed on this machine already: this test would purge it"
fi
if [ -e /var/lib/nv-fcgi ] || [ -e /var/lib/private/nv-fcgi ]; then
	die "/var/lib/nv-fcgi exists already: this test's purge would remove it"
fi

# The package's version is configure.ac's.
V=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
AC_V=$(sed -n 's/^AC_INIT(\[number-verification\], \[\([^]]*\)\].*/\1/p' "$SRC/configure.ac")
[ "$V" = "$AC_V" ] || die "debian/changelog says $V, configure.ac $AC_V"
ARCH=$(dpkg --print-architecture)

tarball=${1:-}
if [ -z "$tarball" ]; then
	make -s dist >/dev/null || die "make dist failed"
	tarball=$BUILD/$PKG-$V.tar.gz
fi
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
[ -f "$tarball" ] || die "no tarball $tarball"

T=$(mktemp -d "${TMPDIR:-/tmp}/nv-package.XXXXXX")
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir -p "$T/src" "$T/etc" "$T/keys" "$T/run" "$T/log"
t0=$(date +%s)

# 1. Build from the clean tarball.
tar -xzf "$tarball" -C "$T/src" || die "cannot unpack $tarball"
(cd "$T/src/$PKG-$V" && dpkg-buildpackage -b -us -uc -j"$(nproc)") \
    > "$T/log/build.log" 2>&1 || die "dpkg-buildpackage failed: $(tail -40 "$T/log/build.log")"
deb=$T/src/${PKG}_${V}_$ARCH.deb
[ -f "$deb" ] || die "no $deb"
say "built $(basename "$deb") in $(($(date +%s) - t0)) s"

# 2. lintian: warnings are reported, errors fail.
lintian "$deb" > "$T/log/lintian.log" 2>&1 || true
grep -q '^E: ' "$T/log/lintian.log" && die "lintian errors: $(grep '^E: ' "$T/log/lintian.log")"
say "lintian: $(grep -c '^E: ' "$T/log/lintian.log") errors, $(grep -c '^W: ' "$T/log/lintian.log") warnings"
grep '^W: ' "$T/log/lintian.log" | sed 's/^/  /' || true

# 3. Install.  Which of the package's paths existed before (directories
#    such as /usr/bin): those may stay after the purge.
{ echo /.; dpkg-deb -c "$deb" | awk '{ print $6 }' |
    sed -e 's#^\.##' -e 's#/$##' | grep .; } | while IFS= read -r p; do
	[ -e "$p" ] && echo "$p"
done > "$T/before" || true
user_before=$(getent passwd nv-fcgi || true)
purge_pkg() {
	dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed' || return 0
	dpkg --purge "$PKG" >> "$T/log/dpkg.log" 2>&1
}
STOPPERS+=(stop_server stop_pool purge_pkg)
dpkg -i "$deb" > "$T/log/dpkg.log" 2>&1 || die "dpkg -i failed: $(cat "$T/log/dpkg.log")"
dpkg -L "$PKG" > "$T/owned"
for f in /usr/sbin/nv-fcgi /usr/bin/nv-token /usr/sbin/nv-keysync \
    /usr/share/man/man8/nv-fcgi.8.gz /usr/share/man/man1/nv-token.1.gz \
    /usr/share/man/man8/nv-keysync.8.gz /lib/systemd/system/nv-keysync.service \
    /usr/share/man/man5/nv.conf.5.gz \
    /lib/systemd/system/nv-fcgi.service /lib/systemd/system/nv-fcgi.socket \
    /lib/systemd/system/nv-fcgi-spawn.service /etc/default/nv-fcgi \
    /etc/number-verification/nv.conf.example \
    /usr/lib/sysusers.d/number-verification.conf \
    /usr/share/doc/$PKG/deploy/README.md \
    /usr/share/doc/$PKG/examples/lighttpd/10-nv-fcgi-socket.conf \
    /usr/share/doc/$PKG/examples/nginx/number-verification.conf \
    /usr/share/doc/$PKG/examples/nginx/nv-fcgi-upstream.conf; do
	grep -qxF "$f" "$T/owned" || die "the package does not install $f"
	[ -e "$f" ] || die "$f is not on the file system"
done
grep -qxF /etc/number-verification/nv.conf "$T/owned" &&
    die "the package ships nv.conf: it is the operator's"
dpkg-query -W -f='${Conffiles}\n' "$PKG" | grep -q '/nv\.conf ' &&
    die "nv.conf is a conffile"
nfiles=0
while IFS= read -r p; do
	[ -f "$p" ] && nfiles=$((nfiles + 1))
done < "$T/owned"
say "installed: $(grep -c . "$T/owned") paths, $nfiles files"
# The units are installed, not enabled (no link anywhere under /etc).
links=$(find /etc/systemd -name 'nv-fcgi*' -o -name 'nv-keysync*' 2>/dev/null)
[ -z "$links" ] || die "units enabled: $links"
# The user: a system account without a shell or a home.
pw=$(getent passwd nv-fcgi) || die "no nv-fcgi user after dpkg -i"
IFS=: read -r _ _ NV_UID NV_GID _ home shell <<< "$pw"
[ "$NV_UID" -lt 1000 ] || die "nv-fcgi is not a system user: $pw"
if [ "$home" != /nonexistent ] || [ "$shell" != /usr/sbin/nologin ]; then
	die "nv-fcgi has a home or a shell: $pw"
fi
for u in nv-fcgi.service nv-fcgi-spawn.service nv-keysync.service; do
	grep -qx 'User=nv-fcgi' "/lib/systemd/system/$u" ||
	    die "$u does not run as the package's user nv-fcgi"
done
say "user nv-fcgi: uid $NV_UID gid $NV_GID; units installed, not enabled"

# 4. A key set and a token from the installed nv-token; a configuration
#    the user nv-fcgi can read; lighttpd (as nobody) the socket's owner.
/usr/bin/nv-token keygen -o "$T/keys/as" --kid as-1 >/dev/null ||
    die "nv-token keygen failed"
cp "$T/keys/as.jwks" "$T/etc/keys.jwks"
cat > "$T/etc/nv.conf" <<EOC
jwks_file = keys.jwks
issuer = $ISS
audience = $AUD
leeway = 30
EOC
tok=$(/usr/bin/nv-token mint -k "$T/keys/as.key" --iss "$ISS" --aud "$AUD" \
    --phone "$PHONE") || die "nv-token mint failed"
chmod 755 "$T" "$T/src" "$T/etc" "$T/run" "$T/log"
chmod 644 "$T/etc/nv.conf" "$T/etc/keys.jwks"
chmod 700 "$T/keys"
chown 65534:65534 "$T/run" "$T/log"
install -m 0640 -o nv-fcgi -g nv-fcgi /dev/null "$T/log/workers.log"
spawn-fcgi -s "$T/run/nv-fcgi.sock" -M 0600 -U nobody -G nogroup \
    -u nv-fcgi -g nv-fcgi -F 2 -P "$T/run/workers.pid" -- /bin/sh -c \
    "exec /usr/sbin/nv-fcgi -c $T/etc/nv.conf 2>> $T/log/workers.log" \
    > "$T/log/spawn-fcgi.log" 2>&1 || die "spawn-fcgi failed: $(cat "$T/log/spawn-fcgi.log")"
wait_socket "$T/run/nv-fcgi.sock"
POOL_PIDS=$(cat "$T/run/workers.pid")
for p in $POOL_PIDS; do
	[ "$(readlink "/proc/$p/exe")" = /usr/sbin/nv-fcgi ] ||
	    die "worker $p is not the installed nv-fcgi: $(readlink "/proc/$p/exe")"
	[ "$(stat -c %u "/proc/$p")" = "$NV_UID" ] ||
	    die "worker $p does not run as nv-fcgi"
done
start_lighttpd "/usr/share/doc/$PKG/examples/lighttpd/10-nv-fcgi-socket.conf"

# 5. The whole answer: status, no-store, the exact JSON.
ask() {
	local want_status=$1 want_body=$2 got
	shift 2
	: > "$T/h"
	got=$(curl -sS --max-time 20 -D "$T/h" -o "$T/b" -w '%{http_code}' \
	    -H "Authorization: Bearer $tok" "$@" 2>&1) || die "curl: $got"
	[ "$got" = "$want_status" ] || die "status $got, not $want_status: $(cat "$T/b")"
	grep -qixF 'Cache-Control: no-store'$'\r' "$T/h" ||
	    die "no Cache-Control: no-store: $(tr -d '\r' < "$T/h" | tr '\n' '|')"
	grep -qixF 'Content-Type: application/json'$'\r' "$T/h" ||
	    die "not application/json: $(tr -d '\r' < "$T/h" | tr '\n' '|')"
	[ "$(cat "$T/b")" = "$want_body" ] || die "body $(cat "$T/b"), not $want_body"
}
base=http://127.0.0.1:$PORT/number-verification
ask 200 "{\"devicePhoneNumber\":\"$PHONE\"}" "$base/v0/device-phone-number"
ask 200 '{"devicePhoneNumberVerified":true}' -H 'Content-Type: application/json' \
    --data "{\"phoneNumber\":\"$PHONE\"}" "$base/v2/verify"
n=$(grep -c '^nv-fcgi: request: ' "$T/log/workers.log")
[ "$n" = 2 ] || die "$n request lines in the workers' log, not 2"
say "the installed nv-fcgi (user nv-fcgi) answered behind lighttpd"

# 6. Stop everything by pid; nothing left.
stop_server
stop_pool
check_no_leftovers || die "processes left after stopping lighttpd and the pool"

# 7. Purge, with an nv.conf of the operator's in place: it stays, and
#    nothing the package owned does (but directories that were there).
#    The units' state (StateDirectory=nv-fcgi, the single-use store),
#    as systemd would have made it, goes with the purge.
cp "$T/etc/nv.conf" /etc/number-verification/nv.conf
install -d -m 0700 -o nv-fcgi -g nv-fcgi /var/lib/nv-fcgi
install -m 0600 -o nv-fcgi -g nv-fcgi /dev/null /var/lib/nv-fcgi/single-use
rm_state() { rm -rf /var/lib/nv-fcgi; }
STOPPERS+=(rm_state)
rm_operator_conf() {
	rm -f /etc/number-verification/nv.conf
	rmdir /etc/number-verification 2>/dev/null || true
}
STOPPERS+=(rm_operator_conf)
dpkg --purge "$PKG" >> "$T/log/dpkg.log" 2>&1 || die "dpkg --purge failed: $(cat "$T/log/dpkg.log")"
[ -f /etc/number-verification/nv.conf ] || die "dpkg --purge removed the operator's nv.conf"
rm_operator_conf
left=
while IFS= read -r p; do
	[ -e "$p" ] || [ -L "$p" ] || continue
	grep -qxF "$p" "$T/before" && continue
	left="$left $p"
done < "$T/owned"
[ -z "$left" ] || die "left after dpkg --purge:$left"
if [ -e /var/lib/nv-fcgi ] || [ -e /var/lib/private/nv-fcgi ]; then
	die "the units' state folder is left after dpkg --purge"
fi
# The user stays (README: Debian's practice), and owns nothing the
# package installed.
getent passwd nv-fcgi >/dev/null || die "dpkg --purge removed the nv-fcgi user (the README says it stays)"
[ -n "$user_before" ] || say "note: the nv-fcgi user this test made stays, as documented"
say "purged: none of the $(grep -c . "$T/owned") paths left but $(grep -c . "$T/before") directories that were there before"
say "ok ($(($(date +%s) - t0)) s)"
