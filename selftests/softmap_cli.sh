#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# softmap_cli.sh: the softmap tool, end to end: every subcommand's success
# and failure, exit codes (0 done, 1 failed, 2 usage), the error message
# format (errno name and the kernel's extended-ack text), JSON validity,
# batch mode, binary keys and values, value sizes across the chunk
# boundaries up to 1 MiB, two unprivileged users, and the message when the
# module is not loaded.  Prints KTAP; exit 0 all passed, 1 a failure,
# 4 skipped.
#
# Preconditions: root, busybox sh is enough; softmap.ko loaded (or at
# $SOFTMAP_KO, default /softmap/softmap.ko); softmap on PATH (or $SOFTMAP);
# json_check next to this script (or $JSON_CHECK); users alice (1001) and
# bob (1002).  It flushes every user's objects at the start and the end,
# and unloads and reloads the module once.

# ok and nok always succeed, so "COND && ok || nok" is an if-else.
# shellcheck disable=SC2015

SM=${SOFTMAP:-$(command -v softmap)}
HERE=$(cd "$(dirname "$0")" && pwd)
JSON_CHECK=${JSON_CHECK:-$HERE/json_check}
KO=${SOFTMAP_KO:-/softmap/softmap.ko}
SYS=/sys/kernel/softmap
ALICE=1001
BOB=1002

# shellcheck disable=SC2016 # expanded by nok
KTAP_SHOW='$T/out $T/err'
# shellcheck source-path=SCRIPTDIR source=ktap.sh
. "$HERE/ktap.sh"

[ "$(id -u)" = 0 ] || skip_all "must run as root"
[ -n "$SM" ] && [ -x "$SM" ] || skip_all "softmap tool not found"
[ -x "$JSON_CHECK" ] || skip_all "json_check not found at $JSON_CHECK"
[ -d /sys/module/softmap ] || insmod "$KO" || skip_all "cannot load $KO"

T=$(mktemp -d /tmp/softmap_cli.XXXXXX) || exit 1
chmod 755 "$T"
old_max=$(cat $SYS/max_value_size)

cleanup() {
	[ -d /sys/module/softmap ] || insmod "$KO"
	echo "$old_max" >$SYS/max_value_size
	"$SM" flush --all >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

# run CMD...: stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# as USER CMD: CMD (a string) run by USER through su.
as() {
	su "$1" -c "$2" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect_json DESC RC [PATTERN]: as expect, and stdout is one JSON document.
expect_json() {
	if ! "$JSON_CHECK" <"$T/out" 2>"$T/jerr"; then
		cat "$T/jerr" >>"$T/err"
		nok "$1 (invalid JSON)"
	else
		expect "$1" "$2" "$3"
	fi
}

# expect_fail DESC OP ENAME: exit 1 and "softmap: OP: <strerror> (ENAME):
# <non-empty kernel message>" on stderr.
expect_fail() {
	expect "$1" 1 "" "^softmap: $2: [^:]+ \\($3\\): .+"
}

# rand_file FILE BYTES
rand_file() {
	head -c "$2" /dev/urandom >"$1"
}

# hex_of FILE: the file's bytes as lowercase hex, no separators.
hex_of() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

"$SM" flush --all >/dev/null 2>&1

# --- version, help, usage errors ---------------------------------------

run "$SM" version
expect "version prints tool and module versions" 0 "^softmap tool .+"
if grep -qE '^softmap module [^ ]+ ' "$T/out"; then
	ok "version shows the module's version over netlink"
else
	nok "version shows the module's version over netlink"
fi
if [ -r /sys/module/softmap/version ]; then
	mv=$(cat /sys/module/softmap/version)
	run "$SM" -j version
	expect_json "version -j names the loaded module's version" 0 \
		"\"module\":\"$mv\""
else
	run "$SM" -j version
	expect_json "version -j" 0 '"module":"[^"]+"'
fi

run "$SM" help
expect "help prints the manual" 0 "SYNOPSIS"
missing=
for c in put get del ls flush stats shrink version; do
	grep -qE "^    $c( |$)" "$T/out" || missing="$missing $c"
done
if [ -z "$missing" ]; then
	ok "help documents every command"
else
	nok "help documents every command (missing:$missing)"
fi

run "$SM"
expect "no command: usage error" 2 "" "missing COMMAND"
run "$SM" frobnicate
expect "unknown command is named" 2 "" '"frobnicate"'
run "$SM" --frob ls
expect "unknown global option is named" 2 "" '"--frob"'
run "$SM" put k v --bogus
expect "unknown put option is named" 2 "" 'put: .*"--bogus"'
run "$SM" put k
expect "put without a value" 2 "" "put: missing VALUE"
run "$SM" get
expect "get without a key" 2 "" "get: missing KEY"
run "$SM" get a b
expect "get with an extra argument" 2 "" '"b"'
run "$SM" -x get zz
expect "bad hex key is named" 2 "" '"zz"'
run "$SM" put k v --create-only --replace-only
expect "--create-only with --replace-only" 2 "" "exclude"
run "$SM" flush --all --uid $ALICE
expect "flush --all with --uid" 2 "" "exclude"
run "$SM" shrink --target 12Q
expect "bad shrink target is named" 2 "" '"12Q"'
run "$SM" ls --uid nosuchuser
expect "unknown user is named" 2 "" '"nosuchuser"'
run "$SM" -j get k --raw
expect_json "usage error under -j is one JSON document" 2 '"usage"'

# --- put, get, del and their errors ------------------------------------

run "$SM" put k1 hello
expect "put stores a value" 0
[ -s "$T/out" ] || [ -s "$T/err" ] && nok "put prints nothing" ||
	ok "put prints nothing"
run "$SM" get k1
expect "get shows the value" 0 "^value +hello$"
grep -qE '^size +5$' "$T/out" && grep -qE '^flags +pinned$' "$T/out" &&
	ok "get shows size and pinned flag" ||
	nok "get shows size and pinned flag"
run "$SM" -j get k1
expect_json "get -j" 0 '"key":"k1".*"reclaimable":false.*"value":"hello"'

run "$SM" put k1 world --replace-only --reclaimable
expect "put --replace-only replaces" 0
run "$SM" get k1
expect "replaced value and reclaimable flag" 0 "^flags +reclaimable$"
grep -qE '^value +world$' "$T/out" && ok "replace-only stored the new value" ||
	nok "replace-only stored the new value"

run "$SM" put k1 again --create-only
expect_fail "put --create-only on a present key: EEXIST" put EEXIST
run "$SM" put k2 x --replace-only
expect_fail "put --replace-only on an absent key: ENOENT" put ENOENT
run "$SM" put k2 x --create-only
expect "put --create-only on an absent key" 0
run "$SM" get nokey
expect_fail "get of an absent key: ENOENT with the kernel's message" get ENOENT
if grep -qE '^softmap: get: No such file or directory \(ENOENT\): ' "$T/err"
then
	ok "error message format: softmap: op: strerror (ENAME): extack"
else
	nok "error message format: softmap: op: strerror (ENAME): extack"
fi
run "$SM" -j get nokey
expect_json "failed get -j is one JSON document" 1 \
	'"error":\{"op":"get","errno":2,"name":"ENOENT"'
run "$SM" del k2
expect "del removes a key" 0
run "$SM" get k2
expect_fail "deleted key is gone" get ENOENT
run "$SM" del k2
expect_fail "del of an absent key: ENOENT" del ENOENT

key256=$(head -c 256 /dev/zero | tr '\0' K)
key257=$(head -c 257 /dev/zero | tr '\0' K)
run "$SM" put "$key256" v
expect "256-byte key accepted" 0
run "$SM" put "$key257" v
expect_fail "257-byte key: EINVAL" put EINVAL
run "$SM" put "" v
expect_fail "empty key: EINVAL" put EINVAL
run "$SM" del "$key256"
expect "256-byte key deleted" 0

run "$SM" put -- k3 -dash
expect "-- lets a value start with a dash" 0
run "$SM" get k3
expect "value starting with a dash stored" 0 "^value +-dash$"

# --- JSON escaping and binary keys (hex) -------------------------------

# shellcheck disable=SC1003
run "$SM" put 'q"b\s' 'v"\'
expect "key with quote and backslash" 0
run "$SM" -j get 'q"b\s'
expect_json "get -j escapes quote and backslash" 0 \
	'"key":"q\\"b\\\\s".*"value":"v\\"\\\\"'
run "$SM" -x put 00ff0a 00010203
expect "hex key with NUL and newline bytes" 0
run "$SM" get hex:00ff0a
expect "hex: prefix names a binary key" 0 "^value +hex:00010203$"
grep -qE '^key +hex:00ff0a$' "$T/out" &&
	ok "binary key printed as hex:..." ||
	nok "binary key printed as hex:..."
run "$SM" -x get 00ff0a
expect "-x prints plain hex" 0 "^value +00010203$"
run "$SM" -j ls
expect_json "ls -j with a binary key" 0 '"key":"hex:00ff0a"'
printf '\000\001\002\003' >"$T/bin4"
"$SM" -x get 00ff0a --raw >"$T/raw4" 2>"$T/err"
rc=$?
if [ $rc = 0 ] && cmp -s "$T/bin4" "$T/raw4"; then
	ok "get --raw of a binary value writes its bytes"
else
	nok "get --raw of a binary value writes its bytes"
fi
run "$SM" put hex:6865783a6162 v
expect "key beginning with hex: given in hex" 0
run "$SM" ls
expect "key beginning with hex: printed in hex" 0 "^hex:6865783a6162 "
run "$SM" -x del 00ff0a
expect "del with a hex key" 0

# --- values: files, stdin, sizes ---------------------------------------

rand_file "$T/blob" 4096
run "$SM" put blob -f "$T/blob"
expect "put -f FILE" 0
"$SM" get blob --raw >"$T/blob.out" 2>"$T/err"
cmp -s "$T/blob" "$T/blob.out" && ok "get --raw round-trips a random file" ||
	nok "get --raw round-trips a random file"
"$SM" put blob2 - <"$T/blob" >"$T/out" 2>"$T/err"
"$SM" get blob2 --raw >"$T/blob.out" 2>>"$T/err"
cmp -s "$T/blob" "$T/blob.out" && ok "put - reads stdin" ||
	nok "put - reads stdin"
run "$SM" put blob3 -f "$T/nonexistent"
expect_fail "put -f of a missing file: ENOENT" put ENOENT

echo 1048576 >$SYS/max_value_size
for size in 0 32768 32769 65531 65536 1048576; do
	rand_file "$T/v$size" $size
	run "$SM" put "size$size" -f "$T/v$size"
	if [ $rc != 0 ]; then
		nok "value of $size bytes: put (exit $rc)"
		continue
	fi
	"$SM" get "size$size" --raw >"$T/v.out" 2>"$T/err"
	if cmp -s "$T/v$size" "$T/v.out"; then
		ok "value of $size bytes round-trips"
	else
		nok "value of $size bytes round-trips"
	fi
	run "$SM" -j get "size$size"
	expect_json "value of $size bytes: get -j size" 0 "\"size\":$size,"
done
run "$SM" -j get size0
expect_json "empty value is \"\"" 0 '"value":""'

# ls --values: large values are left out of the dump and fetched by GET.
hex_of "$T/v1048576" >"$T/big.hex"
"$SM" -x ls --values 2>"$T/err" |
	awk '$1 == "73697a6531303438353736" { printf "%s", $NF }' >"$T/ls.hex"
cmp -s "$T/big.hex" "$T/ls.hex" &&
	ok "ls --values shows a 1 MiB value whole" ||
	nok "ls --values shows a 1 MiB value whole"
run "$SM" -j ls --values
expect_json "ls -j --values with values up to 1 MiB" 0 '"key":"size65536"'

rand_file "$T/over" 1048577
run "$SM" put over -f "$T/over"
expect_fail "value over max_value_size: E2BIG" put E2BIG
echo 65536 >$SYS/max_value_size
rand_file "$T/v65537" 65537
run "$SM" put over -f "$T/v65537"
expect_fail "65537 bytes over the default limit: E2BIG" put E2BIG

# --- ls, flush, stats, shrink ------------------------------------------

"$SM" flush >/dev/null 2>&1
for k in c a b; do
	"$SM" put "ls-$k" "val-$k" >/dev/null 2>&1
done
run "$SM" ls
expect "ls prints a table" 0 "^KEY +(UID +)?SIZE +FLAGS +AGE"
if [ "$(sed -n '2,$p' "$T/out" | awk '{ print $1 }' | tr '\n' ' ')" = \
     "ls-a ls-b ls-c " ]; then
	ok "ls lists every object, sorted"
else
	nok "ls lists every object, sorted"
fi
run "$SM" ls --values
expect "ls --values shows values" 0 "^ls-b .* val-b$"
run "$SM" -j ls
expect_json "ls -j" 0 '"objects":\['
[ "$(grep -o '"key":' "$T/out" | wc -l)" = 3 ] &&
	ok "ls -j has one entry per object" ||
	nok "ls -j has one entry per object"

run "$SM" -j stats
expect_json "stats -j" 0 '"global":\{"objects":[0-9]+'
so=$(sed -n 's/.*"global":{"objects":\([0-9]*\),.*/\1/p' "$T/out")
[ "$so" = "$(cat $SYS/objects)" ] &&
	ok "stats objects equals sysfs objects" ||
	nok "stats objects equals sysfs objects ($so vs $(cat $SYS/objects))"
mo=$(sed -n 's/.*"user":{"uid":0,"objects":\([0-9]*\),.*/\1/p' "$T/out")
[ "$mo" = 3 ] && ok "stats counts the caller's objects" ||
	nok "stats counts the caller's objects (got '$mo', want 3)"
run "$SM" stats
expect "stats prints counters" 0 "^  objects +[0-9]+$"
missing=
for f in evictions shrinker_scans shrinker_freed table_shrinks objects_moved \
	 slab_pages slab_pages_returned; do
	grep -qE "^  $f +[0-9]+$" "$T/out" || missing="$missing $f"
done
[ -z "$missing" ] && ok "stats prints the reclaim counters" ||
	nok "stats prints the reclaim counters (missing:$missing)"
[ "$(sed -n '/^user /,$p' "$T/out" | grep -cE '^  evictions +[0-9]+$')" = 1 ] &&
	ok "stats prints the user's evictions" ||
	nok "stats prints the user's evictions"
run "$SM" -j stats
bad=
for f in evictions shrinker_scans shrinker_freed table_shrinks objects_moved \
	 slab_pages slab_pages_returned; do
	v=$(sed -n "s/.*\"global\":{[^}]*\"$f\":\([0-9]*\)[,}].*/\1/p" "$T/out")
	sv=$(cat $SYS/$f 2>/dev/null)
	# Events may have grown between the two reads; slab_pages is a gauge.
	case $f in slab_pages) sv=$v ;; esac
	[ -n "$v" ] && [ -n "$sv" ] && [ "$v" -le "$sv" ] || bad="$bad $f($v/$sv)"
done
[ -z "$bad" ] && ok "stats -j has the reclaim counters of sysfs" ||
	nok "stats -j has the reclaim counters of sysfs:$bad"
grep -qE '"user":\{"uid":0,[^}]*"evictions":[0-9]+\}' "$T/out" &&
	ok "stats -j has the user's evictions" ||
	nok "stats -j has the user's evictions"

run "$SM" flush
expect "flush reports the count" 0 "^deleted 3 objects$"
run "$SM" ls
[ $rc = 0 ] && [ ! -s "$T/out" ] && ok "nothing left after flush" ||
	nok "nothing left after flush"
run "$SM" -j flush
expect_json "flush -j" 0 '"deleted":0'

"$SM" put pin1 p >/dev/null 2>&1
"$SM" put rec1 r --reclaimable >/dev/null 2>&1
"$SM" put rec2 r --reclaimable >/dev/null 2>&1
run "$SM" shrink
expect "shrink without target evicts nothing" 0 "^evicted 0 objects$"
ev0=$(cat $SYS/evictions)
uev0=$("$SM" -j stats | sed -n 's/.*"user":{"uid":0,[^}]*"evictions":\([0-9]*\)}.*/\1/p')
run "$SM" shrink --target 0
expect "shrink --target 0 evicts the reclaimable objects" 0 \
	"^evicted 2 objects$"
run "$SM" get pin1
expect "shrink keeps pinned objects" 0 "^value +p$"
run "$SM" get rec1
expect_fail "shrink evicted a reclaimable object" get ENOENT
run "$SM" get rec2
expect_fail "shrink evicted the other reclaimable object" get ENOENT
run "$SM" -j stats
ev=$(sed -n 's/.*"global":{[^}]*"evictions":\([0-9]*\)[,}].*/\1/p' "$T/out")
uev=$(sed -n 's/.*"user":{"uid":0,[^}]*"evictions":\([0-9]*\)}.*/\1/p' "$T/out")
[ "$ev" = $((ev0 + 2)) ] && [ -n "$uev0" ] && [ "$uev" = $((uev0 + 2)) ] &&
	ok "stats counts the evictions, globally and for the user" ||
	nok "stats counts the evictions (global $ev0 -> $ev, root's $uev0 -> $uev)"
"$SM" put rec3 r --reclaimable >/dev/null 2>&1
run "$SM" shrink --target 1K
expect "shrink --target above the bytes stored evicts nothing" 0 \
	"^evicted 0 objects$"
run "$SM" get rec3
expect "a reclaimable object below the target stays" 0 "^value +r$"
run "$SM" -j shrink --target 1M
expect_json "shrink -j" 0 '"evicted":0'
"$SM" flush >/dev/null 2>&1

# --- two unprivileged users --------------------------------------------

as alice "$SM put secret alice-value"
expect "alice stores an object" 0
as bob "$SM get secret"
expect_fail "bob cannot read alice's object" get ENOENT
as bob "$SM del secret"
expect_fail "bob cannot delete alice's object" del ENOENT
as bob "$SM put secret bob-value --create-only"
expect "bob's key of the same name is his own" 0
as bob "$SM ls"
expect "bob lists only his own object" 0 "^secret "
[ "$(sed -n '2,$p' "$T/out" | wc -l)" = 1 ] &&
	ok "bob's listing has one object" || nok "bob's listing has one object"
as alice "$SM get secret"
expect "alice still reads her value" 0 "^value +alice-value$"
as alice "$SM --uid $BOB get secret"
expect_fail "alice cannot use --uid: EPERM" get EPERM
as alice "$SM ls --uid $BOB"
expect_fail "alice cannot list bob's objects: EPERM" ls EPERM
as alice "$SM stats --users"
expect_fail "stats --users needs admin: EPERM" stats EPERM
as alice "$SM shrink"
expect_fail "shrink needs admin: EPERM" shrink EPERM
as bob "$SM flush --all"
expect_fail "flush --all needs admin: EPERM" flush EPERM
as alice "$SM -j stats"
expect_json "alice's stats -j" 0 "\"user\":\\{\"uid\":$ALICE,\"objects\":1,"

run "$SM" --uid alice get secret
expect "root reads alice's object with --uid" 0 "^value +alice-value$"
run "$SM" ls --uid $BOB
expect "root lists bob's objects with ls --uid" 0 "^secret "
run "$SM" stats --users
expect "stats --users lists every user" 0 "^ +$ALICE +1 "
grep -qE "^ +UID +OBJECTS +BYTES +QUOTA_REJECTIONS +EVICTIONS$" "$T/out" &&
	grep -qE "^ +$ALICE +1 +[0-9]+ +[0-9]+ +[0-9]+$" "$T/out" &&
	ok "stats --users shows evictions per user" ||
	nok "stats --users shows evictions per user"
grep -qE "^ +$BOB +1 " "$T/out" && ok "stats --users shows bob" ||
	nok "stats --users shows bob"
run "$SM" -j stats --users
expect_json "stats --users -j" 0 '"users":\[\{"uid":'
grep -qE "\\{\"uid\":$ALICE,\"objects\":1,[^}]*\"evictions\":[0-9]+\\}" "$T/out" &&
	ok "stats --users -j has each user's evictions" ||
	nok "stats --users -j has each user's evictions"
run "$SM" flush --uid $ALICE
expect "root flushes alice's objects" 0 "^deleted 1 object$"
as alice "$SM ls"
[ $rc = 0 ] && [ ! -s "$T/out" ] && ok "alice has nothing left" ||
	nok "alice has nothing left"
as bob "$SM get secret"
expect "bob's object survived alice's flush" 0 "^value +bob-value$"

# A large value: alice's socket buffers are capped by net.core.*mem_max.
echo 1048576 >$SYS/max_value_size
run "$SM" --uid alice put big -f "$T/v1048576"
expect "root stores a 1 MiB value for alice" 0
su alice -c "$SM get big --raw" >"$T/v.out" 2>"$T/err"
cmp -s "$T/v1048576" "$T/v.out" &&
	ok "alice reads a 1 MiB value whole despite a small receive buffer" ||
	nok "alice reads a 1 MiB value whole despite a small receive buffer"
wmax=$(cat /proc/sys/net/core/wmem_max)
as alice "$SM put big2 -f $T/v1048576"
if [ $((2 * wmax)) -lt 1050000 ]; then
	expect "alice's 1 MiB put exceeds her send buffer: EMSGSIZE" 1 "" \
		'^softmap: put: .*\(EMSGSIZE\)'
else
	expect "alice's 1 MiB put fits her send buffer" 0
fi
rand_file "$T/v300k" 307200
as alice "$SM put mid -f $T/v300k"
expect "alice stores 300 KiB" 0
echo 65536 >$SYS/max_value_size
"$SM" flush --all >/dev/null 2>&1

# --- batch mode --------------------------------------------------------

cat >"$T/batch" <<'EOF'
# a comment, then a blank line

put b1 one
put b2 "two words" --reclaimable
get b1
put b1 again --create-only
del b2
frobnicate
get b2
put 'q b' x
EOF
run "$SM" -b "$T/batch"
expect "batch with failing lines exits 1" 1 "^value +one$"
grep -qE '^softmap: line 6: put: .*\(EEXIST\): .+' "$T/err" &&
	ok "batch reports the failing put with its line number" ||
	nok "batch reports the failing put with its line number"
grep -qE '^softmap: line 8: .*"frobnicate"' "$T/err" &&
	ok "batch reports a usage error with its line number" ||
	nok "batch reports a usage error with its line number"
grep -qE '^softmap: line 9: get: .*\(ENOENT\)' "$T/err" &&
	ok "batch reports a failing get with its line number" ||
	nok "batch reports a failing get with its line number"
[ "$(wc -l <"$T/err")" -eq 3 ] && ok "batch: exactly the three bad lines failed" ||
	nok "batch: exactly the three bad lines failed"
run "$SM" get b1
expect "batch: the failed create-only left b1 alone" 0 "^value +one$"
run "$SM" get 'q b'
expect "batch: quoted words" 0 "^value +x$"
"$SM" flush >/dev/null 2>&1

run "$SM" -j -b "$T/batch"
expect_json "batch -j is one JSON document" 1 '"failed":3\}$'
grep -q '"line":6,"command":"put","error":{"op":"put","errno":17' "$T/out" &&
	ok "batch -j: per-line error" || nok "batch -j: per-line error"
"$SM" flush >/dev/null 2>&1

printf 'put s1 a\nput s2 b\nget s2\ndel s1\n' >"$T/batch2"
"$SM" -b - <"$T/batch2" >"$T/out" 2>"$T/err"
rc=$?
expect "batch from stdin" 0 "^value +b$"
run "$SM" get s1
expect_fail "batch from stdin ran its del" get ENOENT
"$SM" flush >/dev/null 2>&1

# Many requests: several windows of pipelined requests.
i=0
: >"$T/many"
while [ $i -lt 300 ]; do
	echo "put m$i v$i" >>"$T/many"
	i=$((i + 1))
done
i=0
while [ $i -lt 300 ]; do
	echo "get m$i" >>"$T/many"
	i=$((i + 1))
done
run "$SM" -b "$T/many"
expect "batch of 600 requests" 0 "^value +v299$"
[ "$(grep -c '^value ' "$T/out")" = 300 ] &&
	ok "batch: every get answered" || nok "batch: every get answered"
[ "$(sed -n 's/^value *//p' "$T/out" | head -1)" = v0 ] &&
	[ "$(sed -n 's/^value *//p' "$T/out" | sed -n 150p)" = v149 ] &&
	ok "batch: results in line order" || nok "batch: results in line order"
run "$SM" -j stats
mo=$(sed -n 's/.*"user":{"uid":0,"objects":\([0-9]*\),.*/\1/p' "$T/out")
[ "$mo" = 300 ] && ok "batch stored 300 objects" ||
	nok "batch stored 300 objects (got '$mo')"
run "$SM" ls
[ $rc = 0 ] && [ "$(grep -c '^m[0-9]' "$T/out")" = 300 ] &&
	ok "ls lists 300 objects over several messages" ||
	nok "ls lists 300 objects over several messages"
"$SM" flush >/dev/null 2>&1

# Gets of 64 KiB values as alice: replies must fit her receive buffer.
rand_file "$T/v64k" 65536
: >"$T/gets"
i=0
while [ $i -lt 20 ]; do
	echo "put g$i -f $T/v64k" >>"$T/gets"
	i=$((i + 1))
done
i=0
while [ $i -lt 20 ]; do
	echo "get g$i" >>"$T/gets"
	i=$((i + 1))
done
as alice "$SM -b $T/gets"
expect "alice's batch of 64 KiB gets" 0
[ "$(grep -c '^size  *65536$' "$T/out")" = 20 ] &&
	ok "alice's batch: every 64 KiB get answered" ||
	nok "alice's batch: every 64 KiB get answered"
"$SM" flush --all >/dev/null 2>&1

# --- JSON for every command --------------------------------------------

"$SM" put j1 v >/dev/null 2>&1
for cmd in "put j2 v" "get j1" "get 6a31 -x" "del j2" "ls" "ls --values" \
	   "flush" "stats" "stats --users" "shrink" "version" "help"; do
	# shellcheck disable=SC2086
	run "$SM" -j $cmd
	expect_json "-j $cmd is one JSON document" 0
done

# --- module not loaded -------------------------------------------------

"$SM" flush --all >/dev/null 2>&1
if rmmod softmap; then
	run "$SM" version
	expect "version without the module exits 1" 1 "^softmap tool " \
		"not loaded"
	grep -q "modprobe softmap" "$T/err" && grep -q "insmod" "$T/err" &&
		ok "the message says how to load the module" ||
		nok "the message says how to load the module"
	run "$SM" -j version
	expect_json "version -j without the module" 1 '"module":null'
	run "$SM" get k
	expect "get without the module exits 1" 1 "" "not loaded"
	insmod "$KO"
	run "$SM" version
	expect "version after reloading the module" 0 "^softmap module "
else
	nok "rmmod softmap"
fi

echo "1..$n"
[ $nfail = 0 ]
