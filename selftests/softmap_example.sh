#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# softmap_example.sh: the example program of userspace-tool/examples, built
# against the installed libsoftmap.so.1 through pkg-config
# (scripts/build-example.sh), runs against the module: as root and as an
# unprivileged user, it stores, reads back, lists and deletes its key, and
# leaves nothing behind.  Prints TAP; exit 0 all passed, 1 a failure.
#
# Preconditions: root; softmap.ko loaded; softmap-hello and softmap on
# PATH; user alice (1001).

n=0
nfail=0
T=$(mktemp -d)
echo "TAP version 13"
echo "1..4"

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		nfail=$((nfail + 1))
		echo "not ok $n $2"
		sed 's/^/#   /' "$T/out" | head -20
	fi
}

hello=$(command -v softmap-hello)
softmap flush --all >/dev/null

"$hello" greeting hi >"$T/out" 2>&1
rc=$?
grep -q '^module [0-9.]*, family version 1$' "$T/out" &&
	grep -qx 'got greeting = hi flags 1' "$T/out" &&
	grep -qx 'listed greeting size 2' "$T/out" &&
	grep -qx '1 objects' "$T/out" &&
	grep -qx 'deleted greeting' "$T/out"
check $(( rc + $? )) "softmap-hello as root: put, get, list, del"

softmap ls >"$T/out" 2>&1
[ ! -s "$T/out" ]
check $? "nothing left behind by root's run"

softmap put greeting root-only >/dev/null
su alice -s /bin/sh -c "$hello note from-alice" >"$T/out" 2>&1
rc=$?
grep -qx 'got note = from-alice flags 1' "$T/out" &&
	grep -qx '1 objects' "$T/out" && ! grep -q 'listed greeting' "$T/out"
check $(( rc + $? )) "softmap-hello as alice sees only alice's objects"

softmap get greeting --raw >"$T/out" 2>&1 &&
	[ "$(cat "$T/out")" = root-only ] &&
	[ -z "$(softmap --uid alice ls)" ]
check $? "root's object untouched, alice's deleted"

softmap flush --all >/dev/null
rm -rf "$T"
[ "$nfail" = 0 ]
