#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# softmap_trace.sh: the tracepoints softmap:put, del, evict, shrink and
# compact, through tracefs: each fires for what the store committed, with
# the right fields (owner, key length, value size, flags, replaced, reason,
# source, target, counts), in order, and not for a request that failed nor
# while disabled.  A kernel without tracefs or without the events fails
# the test: the module defines them on every kernel it supports.  Prints
# KTAP; exit 0 all passed, 1 a failure, 4 skipped.
#
# Preconditions: root, busybox sh is enough; softmap.ko loaded (or at
# $SOFTMAP_KO, default /softmap/softmap.ko); softmap on PATH (or
# $SOFTMAP); users alice (1001) and bob (1002).  It flushes every user's
# objects at the start and the end, drops the caches once, and leaves the
# softmap events disabled.

# ok and nok always succeed, so "COND && ok || nok" is an if-else.
# shellcheck disable=SC2015

SM=${SOFTMAP:-$(command -v softmap)}
KO=${SOFTMAP_KO:-/softmap/softmap.ko}
TR=/sys/kernel/tracing
EV=$TR/events/softmap
ALICE=1001
BOB=1002

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2016 # expanded by nok
KTAP_SHOW='$T/show'
# shellcheck source-path=SCRIPTDIR source=ktap.sh
. "$HERE/ktap.sh"

# bail DESC: a failure the rest cannot go on without.
bail() {
	nok "$1"
	echo "1..$n"
	exit 1
}

[ "$(id -u)" = 0 ] || skip_all "must run as root"
[ -n "$SM" ] && [ -x "$SM" ] || skip_all "softmap tool not found"
[ -d /sys/module/softmap ] || insmod "$KO" || skip_all "cannot load $KO"

T=$(mktemp -d /tmp/softmap_trace.XXXXXX) || exit 1
chmod 755 "$T"

# Run by the trap.
# shellcheck disable=SC2317
cleanup() {
	[ -w "$EV/enable" ] && echo 0 >"$EV/enable"
	[ -n "$old_on" ] && echo "$old_on" >"$TR/tracing_on"
	"$SM" flush --all >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

# run CMD...: quietly; status in $rc.
run() {
	"$@" >"$T/out" 2>&1
	rc=$?
}

# as USER CMD: CMD (a string) run by USER through su; status in $rc.
as() {
	su "$1" -c "$2" >"$T/out" 2>&1
	rc=$?
}

# want DESC: the last command succeeded.
want() {
	[ "$rc" = 0 ] && ok "$1" || { cp "$T/out" "$T/show"; nok "$1 (exit $rc)"; }
}

# snap FILE: the softmap events traced since the last clear, then clear.
snap() {
	grep -E ' (put|del|evict|shrink|compact): ' "$TR/trace" >"$1"
	echo >"$TR/trace"
	cp "$1" "$T/show"
}

# count FILE ERE: lines of FILE matching ERE.
count() {
	grep -cE -e "$2" "$1"
}

# has DESC FILE ERE: exactly one line of FILE matches ERE.
has() {
	c=$(count "$2" "$3")
	[ "$c" = 1 ] && ok "$1" || nok "$1 ($c lines match /$3/)"
}

# line FILE ERE: number of the first line of FILE matching ERE, or 0.
line() {
	l=$(grep -nE -e "$2" "$1" | head -n 1 | cut -d: -f1)
	echo "${l:-0}"
}

# --- tracefs and the events ------------------------------------------------

[ -d "$TR/events" ] || mount -t tracefs nodev "$TR" 2>"$T/show"
[ -d "$TR/events" ] || bail "tracefs at $TR (mount -t tracefs failed)"
[ -d "$EV" ] || bail "$EV exists"
for e in put del evict shrink compact; do
	[ -f "$EV/$e/enable" ] && [ -f "$EV/$e/format" ] &&
		ok "event softmap:$e exists" || nok "event softmap:$e exists"
done
[ "$nfail" = 0 ] || bail "every softmap event exists"
# Lengths only: no array and no dynamic field in any event.
cat "$EV"/*/format >"$T/formats"
grep -q 'field:u32 key_len;' "$T/formats" &&
	! grep -qE 'field:.*(\[|__data_loc)' "$T/formats" &&
	ok "the events record key lengths, no key bytes" ||
	{ cp "$T/formats" "$T/show"; nok "the events record key lengths, no key bytes"; }

"$SM" flush --all >/dev/null 2>&1
old_on=$(cat "$TR/tracing_on")
echo 1 >"$TR/tracing_on"
echo 1 >"$EV/enable" || bail "enable the softmap events"
echo >"$TR/trace"

# --- put, del, flush ---------------------------------------------------------

run "$SM" put k1 hello
want "put k1 (pinned)"
run "$SM" put k2 abc --reclaimable
want "put k2 (reclaimable)"
run "$SM" put k1 worlds!
want "put k1 again (replace)"
as alice "$SM put akey 0123456789 --reclaimable"
want "put as alice"
run "$SM" put k1 x --create-only
[ "$rc" = 1 ] && ok "put --create-only of k1 fails" ||
	nok "put --create-only of k1 fails (exit $rc)"
run "$SM" put gone xy
want "put gone"
run "$SM" del gone
want "del gone"
run "$SM" del nosuch
[ "$rc" = 1 ] && ok "del of an absent key fails" ||
	nok "del of an absent key fails (exit $rc)"
as bob "$SM put b1 v"
want "put b1 as bob"
as bob "$SM put b22 vv"
want "put b22 as bob"
as bob "$SM flush"
want "flush as bob"
snap "$T/a"

has "put: pinned, key_len and size" "$T/a" \
	' put: uid=0 key_len=2 size=5 flags=0x0 replaced=0$'
has "put: reclaimable flag" "$T/a" \
	' put: uid=0 key_len=2 size=3 flags=0x1 replaced=0$'
has "put: the replace says replaced=1" "$T/a" \
	' put: uid=0 key_len=2 size=7 flags=0x0 replaced=1$'
has "put: alice's object has uid=$ALICE" "$T/a" \
	" put: uid=$ALICE key_len=4 size=10 flags=0x1 replaced=0\$"
c=$(count "$T/a" ' put: ')
[ "$c" = 7 ] && ok "put: one event per stored object, none for the failed put" ||
	nok "put: one event per stored object, none for the failed put ($c, expected 7)"
has "del: reason=del" "$T/a" ' del: uid=0 key_len=4 size=2 reason=del$'
has "flush: bob's first object" "$T/a" \
	" del: uid=$BOB key_len=2 size=1 reason=flush\$"
has "flush: bob's second object" "$T/a" \
	" del: uid=$BOB key_len=3 size=2 reason=flush\$"
c=$(count "$T/a" ' del: ')
[ "$c" = 3 ] && ok "del: none for the absent key" ||
	nok "del: none for the absent key ($c events, expected 3)"
c=$(count "$T/a" ' (evict|shrink|compact): ')
[ "$c" = 0 ] && ok "no reclaim event without reclaim" ||
	nok "no reclaim event without reclaim ($c)"

# --- SHRINK: evictions, compaction, the pass --------------------------------

sleep 1
run "$SM" shrink --target 0
want "shrink --target 0"
snap "$T/b"

has "evict: root's reclaimable object" "$T/b" \
	' evict: uid=0 key_len=2 size=3 age_ms=[0-9]+$'
has "evict: alice's object names uid=$ALICE" "$T/b" \
	" evict: uid=$ALICE key_len=4 size=10 age_ms=[0-9]+\$"
c=$(count "$T/b" ' evict: ')
[ "$c" = 2 ] && ok "evict: the pinned object stays" ||
	nok "evict: the pinned object stays ($c evictions, expected 2)"
age=$(sed -n "s/.* evict: uid=$ALICE .* age_ms=\([0-9]*\)\$/\1/p" "$T/b")
[ "${age:-0}" -ge 500 ] && ok "evict: age_ms ($age) covers the second slept" ||
	nok "evict: age_ms (${age:-none}) covers the second slept"
has "compact: moved the pinned object" "$T/b" \
	' compact: moved=1 pages_before=[1-9][0-9]* pages_after=[1-9][0-9]*$'
has "shrink: source=cmd, target and evicted" "$T/b" \
	' shrink: source=cmd nr_to_scan=0 target=0 evicted=2$'
le=$(grep -nE ' evict: ' "$T/b" | tail -n 1 | cut -d: -f1)
lc=$(line "$T/b" ' compact: ')
lsh=$(line "$T/b" ' shrink: ')
[ "${le:-0}" -gt 0 ] && [ "$le" -lt "$lc" ] && [ "$lc" -lt "$lsh" ] &&
	ok "order: evict, then compact, then shrink" ||
	nok "order: evict, then compact, then shrink (lines $le $lc $lsh)"

# --- the shrink file --------------------------------------------------------

echo compact >/sys/kernel/softmap/shrink
echo 100 >/sys/kernel/softmap/shrink
snap "$T/c"
has "shrink file, compact: source=sysfs target=-1" "$T/c" \
	' shrink: source=sysfs nr_to_scan=0 target=-1 evicted=0$'
has "shrink file, a target: source=sysfs target=100" "$T/c" \
	' shrink: source=sysfs nr_to_scan=0 target=100 evicted=0$'
c=$(count "$T/c" ' compact: moved=1 ')
[ "$c" = 2 ] && ok "shrink file: each pass compacts" ||
	nok "shrink file: each pass compacts ($c compact events, expected 2)"

# --- the shrinker -----------------------------------------------------------

for k in r1 r2 r3; do
	run "$SM" put $k abcd --reclaimable
	want "put $k (reclaimable)"
done
echo >"$TR/trace"
echo 2 >/proc/sys/vm/drop_caches
snap "$T/d"
c=$(count "$T/d" ' shrink: source=scan nr_to_scan=[1-9][0-9]* target=-1 evicted=[1-9][0-9]*$')
[ "$c" -ge 1 ] && ok "drop_caches: a scan with source=scan that evicted" ||
	nok "drop_caches: a scan with source=scan that evicted"
c=$(count "$T/d" ' evict: uid=0 key_len=2 size=4 age_ms=[0-9]+$')
[ "$c" = 3 ] && ok "drop_caches: the reclaimable objects evicted" ||
	nok "drop_caches: the reclaimable objects evicted ($c, expected 3)"
sum=$(sed -n 's/.* shrink: source=scan .* evicted=\([0-9]*\)$/\1/p' "$T/d" |
	awk '{ s += $1 } END { print s + 0 }')
[ "$sum" = 3 ] && ok "drop_caches: the scans' evicted add up to the evictions" ||
	nok "drop_caches: the scans' evicted add up to the evictions ($sum)"
c=$(count "$T/d" ' shrink: source=(cmd|sysfs) ')
[ "$c" = 0 ] && ok "drop_caches: no reclaim pass" ||
	nok "drop_caches: no reclaim pass ($c)"

# --- disabled ---------------------------------------------------------------

echo 0 >"$EV/enable"
run "$SM" put off 1
want "put while disabled"
run "$SM" del off
want "del while disabled"
snap "$T/e"
[ ! -s "$T/e" ] && ok "no event while disabled" || nok "no event while disabled"

echo "1..$n"
[ "$nfail" = 0 ] || exit 1
exit 0
