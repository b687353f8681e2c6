#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# softmap_ynl.sh: the kernel's ynl CLI (tools/net/ynl/cli.py) drives the
# family with Documentation/netlink/specs/softmap.yaml, and nothing else:
# every command, PUT's modes from --create, --excl and --replace (the
# nlmsg_flags), values round-tripping through GET, in one chunk and in
# two, the GET dump listing the keys, STATS against sysfs, an extended
# ack, and an unprivileged user's PUT seen by an admin's dump with uid.
# What ynl stores, the softmap tool reads back, so the spec and the C
# header agree on the wire.  Prints KTAP; exit 0 all passed, 1 a failure,
# 4 skipped.
#
# Preconditions: root, busybox sh is enough; softmap.ko loaded (or at
# $SOFTMAP_KO); python3 at /softmap/bin/python3 and the ynl CLI with the
# spec in /softmap/ynl (scripts/vm/pack-python.sh puts them there; their
# absence is a failure, not a skip); the softmap tool on PATH (or
# $SOFTMAP); user alice (1001).  It flushes every user's objects at the
# start and the end.

# ok and nok always succeed, so "COND && ok || nok" is an if-else.
# shellcheck disable=SC2015

PY=${SOFTMAP_PYTHON:-/softmap/bin/python3}
YNL=${SOFTMAP_YNL:-/softmap/ynl}
SPEC=$YNL/softmap.yaml
SM=${SOFTMAP:-$(command -v softmap)}
KO=${SOFTMAP_KO:-/softmap/softmap.ko}
SYS=/sys/kernel/softmap
ALICE=1001

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2016 # expanded by nok
KTAP_SHOW='$T/out $T/err'
# shellcheck source-path=SCRIPTDIR source=ktap.sh
. "$HERE/ktap.sh"

[ "$(id -u)" = 0 ] || skip_all "must run as root"
[ -d /sys/module/softmap ] || insmod "$KO" || skip_all "cannot load $KO"

T=$(mktemp -d /tmp/softmap_ynl.XXXXXX) || exit 1
chmod 755 "$T"

for f in "$PY" "$YNL/cli.py" "$SPEC"; do
	if [ ! -e "$f" ]; then
		nok "$f is there (scripts/vm/pack-python.sh)"
		echo "1..$n"
		rm -rf "$T"
		exit 1
	fi
done
ok "python3, cli.py and softmap.yaml are there"

cleanup() {
	[ -n "$SM" ] && "$SM" flush --all >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

# ynl [CLI OPTION...]: cli.py with the spec and JSON output; stdout in
# $T/out, stderr in $T/err, status in $rc.
ynl() {
	"$PY" "$YNL/cli.py" --spec "$SPEC" --no-schema --output-json "$@" \
		>"$T/out" 2>"$T/err"
	rc=$?
}

# hex_of FILE: the file's bytes as lowercase hex, no separators.
hex_of() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

# value_hex: the chunks of "value" in $T/out, concatenated.
value_hex() {
	sed -n 's/.*"value": \[\([^]]*\)\].*/\1/p' "$T/out" | tr -d '", '
}

# json_num NAME: the first number named NAME in $T/out.
json_num() {
	sed -n "s/.*\"$1\": \([0-9][0-9]*\).*/\1/p" "$T/out" | head -1
}

[ -n "$SM" ] && "$SM" flush --all >/dev/null 2>&1

# --- the family, VERSION -------------------------------------------------

ynl --list-ops
expect "--list-ops: the family resolves, GET does and dumps" 0 \
	"^get +\\[ .*(do.*dump|dump.*do)"

ynl --do version
expect "version" 0 '"version": "[^"]+"'
if [ -r /sys/module/softmap/version ]; then
	grep -qF "\"version\": \"$(cat /sys/module/softmap/version)\"" "$T/out" &&
		ok "version is the loaded module's" ||
		nok "version is the loaded module's"
fi

# --- PUT's modes ---------------------------------------------------------

# k1 = 6b31, "hello" = 68656c6c6f, "world!" = 776f726c6421
ynl --do put --json '{"key": "6b31", "value": "68656c6c6f"}'
expect "put without --create: ENOENT" 1 "No such file or directory"

ynl --do put --create --excl \
	--json '{"key": "6b31", "value": "68656c6c6f", "flags": ["reclaimable"]}'
expect "put --create --excl creates" 0 "^null$"

ynl --do put --create --excl --json '{"key": "6b31", "value": "00"}'
expect "put --create --excl on a present key: EEXIST" 1 "File exists"

ynl --do get --json '{"key": "6b31"}'
expect "get: the value round-trips" 0 '"value": \["68656c6c6f"\]'
grep -q '"flags": \["reclaimable"\]' "$T/out" && grep -q '"size": 5' "$T/out" &&
	grep -q '"uid": 0' "$T/out" && grep -q '"age-ms": [0-9]' "$T/out" &&
	ok "get: flags, size, uid and age" ||
	nok "get: flags, size, uid and age"

ynl --do put --replace --json '{"key": "6b31", "value": "776f726c6421", "flags": 0}'
expect "put --replace replaces" 0 "^null$"
ynl --do get --json '{"key": "6b31"}'
expect "get: the replaced value and no flags" 0 \
	'"flags": \[\].*"value": \["776f726c6421"\]|"value": \["776f726c6421"\].*"flags": \[\]'

ynl --do put --replace --json '{"key": "6b32", "value": "00"}'
expect "put --replace on an absent key: ENOENT" 1 "No such file or directory"

ynl --do put --create --replace --json '{"key": "6b32", "value": ""}'
expect "put --create --replace upserts, an empty value" 0 "^null$"

if [ -n "$SM" ]; then
	"$SM" get k1 --raw >"$T/raw" 2>"$T/err" &&
		[ "$(cat "$T/raw")" = "world!" ] &&
		ok "the softmap tool reads what ynl stored" ||
		nok "the softmap tool reads what ynl stored"
fi

# A value of two chunks: SOFTMAP_VALUE_CHUNK_MAX (32768) bytes, then 7232.
head -c 40000 /dev/urandom >"$T/big"
head -c 32768 "$T/big" >"$T/c1"
tail -c 7232 "$T/big" >"$T/c2"
ynl --do put --create \
	--json "{\"key\": \"626967\", \"value\": [\"$(hex_of "$T/c1")\", \"$(hex_of "$T/c2")\"]}"
expect "put a value of two chunks" 0 "^null$"
ynl --do get --json '{"key": "626967"}'
expect "get a value of two chunks" 0 '"size": 40000'
[ "$(value_hex)" = "$(hex_of "$T/big")" ] &&
	ok "40000 bytes round-trip in two chunks" ||
	nok "40000 bytes round-trip in two chunks"
if [ -n "$SM" ]; then
	"$SM" get big --raw >"$T/raw" 2>"$T/err" && cmp -s "$T/raw" "$T/big" &&
		ok "the softmap tool reads the two chunks as one value" ||
		nok "the softmap tool reads the two chunks as one value"
fi

# --- the extended ack ----------------------------------------------------

ynl --do get --json '{"key": ""}'
expect "get with an empty key: EINVAL and the kernel's message" 1 \
	"Invalid argument"
grep -q "key must be 1 to 256 bytes" "$T/out" &&
	ok "the extack's message comes through" ||
	nok "the extack's message comes through"

# --- the GET dump --------------------------------------------------------

ynl --dump get
expect "dump get" 0 '^\['
for k in 6b31 6b32 626967; do
	grep -q "\"key\": \"$k\"" "$T/out" && ok "dump lists key $k" ||
		nok "dump lists key $k"
done
[ "$(grep -o '"key": ' "$T/out" | wc -l)" = 3 ] &&
	ok "dump lists three objects" || nok "dump lists three objects"
grep -q '"value"' "$T/out" && nok "dump without want-values has no values" ||
	ok "dump without want-values has no values"
ynl --dump get --json '{"want-values": true}'
expect "dump get with want-values carries values" 0 '"value": \["776f726c6421"\]'

# --- STATS ---------------------------------------------------------------

ynl --do stats
expect "stats" 0 '"stats": \{'
objects=$(sed -n 's/.*"stats": {[^}]*"objects": \([0-9]*\).*/\1/p' "$T/out")
[ "$objects" = "$(cat $SYS/objects)" ] &&
	ok "stats: objects as in sysfs ($objects)" ||
	nok "stats: objects as in sysfs (${objects:-none} vs $(cat $SYS/objects))"
sed -n 's/.*"user-stats": {\(.*\)}.*/\1/p' "$T/out" >"$T/user"
grep -q '"uid": 0' "$T/user" && grep -q '"objects": 3' "$T/user" &&
	ok "stats: root's user-stats, three objects" ||
	nok "stats: root's user-stats, three objects"

# --- DEL -----------------------------------------------------------------

ynl --do del --json '{"key": "6b32"}'
expect "del" 0 "^null$"
ynl --do get --json '{"key": "6b32"}'
expect "get after del: ENOENT" 1 "No such file or directory"
ynl --do del --json '{"key": "6b32"}'
expect "del of an absent key: ENOENT" 1 "No such file or directory"

# --- another user, uid, the STATS dump -----------------------------------

su alice -c "'$PY' '$YNL/cli.py' --spec '$SPEC' --no-schema --output-json \
	--do put --create --json '{\"key\": \"61\", \"value\": \"41\"}'" \
	>"$T/out" 2>"$T/err"
rc=$?
expect "alice puts through ynl" 0 "^null$"
ynl --dump get --json "{\"uid\": $ALICE}"
expect "root's dump with uid lists alice's object" 0 \
	"\"key\": \"61\".*\"uid\": $ALICE|\"uid\": $ALICE.*\"key\": \"61\""
ynl --dump stats
expect "dump stats: one entry per user" 0 "\"uid\": $ALICE"
grep -q '"uid": 0' "$T/out" && ok "dump stats lists root too" ||
	nok "dump stats lists root too"

# --- SHRINK, FLUSH -------------------------------------------------------

ynl --do shrink --json '{"target": 0}'
expect "shrink to 0 evicts the reclaimable objects (none left)" 0 \
	'^\{"count": 0\}$'
ynl --do flush --json '{"all": true}'
expect "flush all deletes the three objects" 0 '^\{"count": 3\}$'
ynl --dump get
expect "dump after flush is empty" 0 '^\[\]$'

echo "1..$n"
[ $nfail = 0 ]
