#!/usr/bin/env bash
# The systemd units in deploy/: `systemd-analyze verify` clean (no word
# of warning), the hardening the issue asks for present, and systemd's
# own exposure score of each service "SAFE" (under 2.0).  The units'
# installed paths point into the build tree so that verify can check
# the programs exist.
TEST_NAME=systemd-units
. "${srcdir:-.}/tests/deploy/lib.sh"
need systemd-analyze spawn-fcgi
deploy_setup
cp "$BUILD/src/nv-keysync" "$T/bin/nv-keysync"
mkdir -p "$T/units"
for u in nv-fcgi.socket nv-fcgi.service nv-fcgi-spawn.service \
    nv-keysync.service; do
	sed -e "s#/usr/sbin/nv-fcgi#$T/bin/nv-fcgi#g" \
	    -e "s#/usr/sbin/nv-keysync#$T/bin/nv-keysync#g" \
	    -e "s#/etc/default/nv-fcgi#$SRC/deploy/nv-fcgi.env#g" \
	    "$SRC/deploy/$u" > "$T/units/$u"
done
out=$(cd "$T/units" && systemd-analyze verify nv-fcgi.socket \
    nv-fcgi.service nv-fcgi-spawn.service nv-keysync.service 2>&1) ||
    die "systemd-analyze verify failed: $out"
[ -z "$out" ] || die "systemd-analyze verify warns: $out"

for u in nv-fcgi.service nv-fcgi-spawn.service; do
	for o in DynamicUser=yes NoNewPrivileges=yes ProtectSystem=strict \
	    PrivateTmp=yes RestrictAddressFamilies=AF_UNIX \
	    SystemCallFilter=@system-service MemoryDenyWriteExecute=yes \
	    ProtectHome=yes CapabilityBoundingSet=; do
		grep -qx "$o" "$T/units/$u" || die "$u lacks $o"
	done
	score=$(systemd-analyze security --offline=true --no-pager \
	    "$T/units/$u" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	[ -n "$score" ] || die "no exposure score for $u"
	awk -v s="$score" 'BEGIN { exit !(s < 2.0) }' ||
	    die "$u: exposure $score, not SAFE"
	say "$u: systemd-analyze security exposure $score"
done
# nv-keysync: hardened the same way, but for the network to the issuer;
# it writes only the workers' state folder, where the key set is.
u=nv-keysync.service
for o in DynamicUser=yes User=nv-fcgi NoNewPrivileges=yes \
    ProtectSystem=strict PrivateTmp=yes ProtectHome=yes \
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
    SystemCallFilter=@system-service MemoryDenyWriteExecute=yes \
    CapabilityBoundingSet= StateDirectory=nv-fcgi StateDirectoryMode=0700; do
	grep -qx "$o" "$T/units/$u" || die "$u lacks $o"
done
grep -q '^ReadWritePaths=\|^PrivateNetwork=yes' "$T/units/$u" &&
    die "$u: only its StateDirectory= is writable, and it needs the network"
score=$(systemd-analyze security --offline=true --no-pager "$T/units/$u" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
[ -n "$score" ] || die "no exposure score for $u"
awk -v s="$score" 'BEGIN { exit !(s < 2.0) }' || die "$u: exposure $score"
say "$u: systemd-analyze security exposure $score"

# The introspection drop-in (deploy/nv-fcgi-introspection.conf), as
# systemd applies it (appended to the unit): still clean, still SAFE,
# IPAddressDeny=any kept, only AF_INET and AF_INET6 added.
drop=$SRC/deploy/nv-fcgi-introspection.conf
grep -qx 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' "$drop" ||
    die "the introspection drop-in must add only AF_INET and AF_INET6"
! grep -q '^IPAddressDeny=' "$drop" || die "the drop-in must keep IPAddressDeny=any"
for u in nv-fcgi.service nv-fcgi-spawn.service; do
	cat "$T/units/$u" "$drop" > "$T/units/net-$u"
	out=$(cd "$T/units" && systemd-analyze verify "net-$u" 2>&1) ||
	    die "systemd-analyze verify $u + drop-in failed: $out"
	[ -z "$out" ] || die "systemd-analyze verify $u + drop-in warns: $out"
	score=$(systemd-analyze security --offline=true --no-pager \
	    "$T/units/net-$u" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	awk -v s="$score" 'BEGIN { exit !(s < 2.0) }' ||
	    die "$u + introspection drop-in: exposure $score, not SAFE"
	say "$u + introspection drop-in: exposure $score"
	rm -f "$T/units/net-$u"
done
grep -qx StandardInput=socket "$T/units/nv-fcgi.service" ||
    die "nv-fcgi.service must take the socket as fd 0"

# The single-use store survives a restart: each service keeps it in its
# StateDirectory= (never under a RuntimeDirectory= without
# RuntimeDirectoryPreserve=, which systemd deletes whenever the unit
# stops, Restart=always included), in a folder of mode 0700 (the store
# refuses one others can write), and the example configuration names
# that path.
store=$(sed -n 's/^#\{0,1\}single_use_file = //p' "$SRC/deploy/nv.conf.example")
[ -n "$store" ] || die "nv.conf.example names no single_use_file"
for u in nv-fcgi.service nv-fcgi-spawn.service; do
	state=$(sed -n 's/^StateDirectory=//p' "$T/units/$u")
	[ -n "$state" ] || die "$u has no StateDirectory= for the single-use store"
	[ "$(dirname "$store")" = "/var/lib/$state" ] ||
	    die "$u: the example's store $store is not in its StateDirectory /var/lib/$state"
	grep -qx StateDirectoryMode=0700 "$T/units/$u" ||
	    die "$u: StateDirectoryMode must be 0700"
	rt=$(sed -n 's/^RuntimeDirectory=//p' "$T/units/$u")
	if [ -n "$rt" ] && ! grep -qx RuntimeDirectoryPreserve=yes "$T/units/$u"; then
		case $store in
		/run/"$rt"/*) die "$u: the store is under RuntimeDirectory=$rt, deleted at every stop" ;;
		esac
	fi
done
grep -q '^- \*\*What a reboot means' "$SRC/deploy/SECURITY.md" ||
    die "deploy/SECURITY.md does not say what a reboot means for the store"
say "the single-use store is kept in StateDirectory= ($store)"

# As systemd runs it (as root: a user of its own, the folder that
# user's, mode 0700): the store is made there and kept from one start
# to the next; owned by another id (a dynamic user whose id changed,
# the folder not given over), it stops start-up with a clear message.
if [ "$(id -u)" = 0 ]; then
	install -d -m 0700 -o 65534 -g 65534 "$T/state"
	{ cat "$T/etc/nv.conf"; echo "single_use = yes"
	  echo "single_use_file = $T/state/single-use"; } > "$T/etc/store.conf"
	chmod 644 "$T/etc/store.conf"
	cgi_once() {
		as_server env -i NV_CONFIG="$T/etc/store.conf" REQUEST_METHOD=GET \
		    SCRIPT_NAME=/number-verification/v0/device-phone-number \
		    HTTP_AUTHORIZATION="Bearer $(cat "$T/tok/ok")" \
		    "$T/bin/nv-fcgi" </dev/null >"$T/out" 2>"$T/err"
	}
	cgi_once || die "first start with the store: $(cat "$T/err")"
	grep -q '^Status: 200' "$T/out" || die "first use: $(head -1 "$T/out")"
	[ "$(stat -c '%u %a' "$T/state/single-use")" = "65534 600" ] ||
	    die "store: $(stat -c '%u %a' "$T/state/single-use")"
	cgi_once || die "second start with the store: $(cat "$T/err")"
	grep -q '^Status: 401' "$T/out" || die "reuse after a restart: $(head -1 "$T/out")"
	chown 65533 "$T/state/single-use"
	rc=0
	cgi_once || rc=$?
	[ "$rc" = 78 ] && [ ! -s "$T/out" ] &&
	    grep -q 'single-use: Permission denied (opened as uid 65534, which must own the file' "$T/err" ||
	    die "store of another owner: exit $rc, $(cat "$T/err")"
	say "a store of another owner stops start-up: $(cat "$T/err")"
fi
say "ok"
