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
mkdir -p "$T/units"
for u in nv-fcgi.socket nv-fcgi.service nv-fcgi-spawn.service; do
	sed -e "s#/usr/sbin/nv-fcgi#$T/bin/nv-fcgi#g" \
	    -e "s#/etc/default/nv-fcgi#$SRC/deploy/nv-fcgi.env#g" \
	    "$SRC/deploy/$u" > "$T/units/$u"
done
out=$(cd "$T/units" && systemd-analyze verify nv-fcgi.socket \
    nv-fcgi.service nv-fcgi-spawn.service 2>&1) ||
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
grep -qx StandardInput=socket "$T/units/nv-fcgi.service" ||
    die "nv-fcgi.service must take the socket as fd 0"
say "ok"
