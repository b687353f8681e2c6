#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest half of "make demo": runs as root with softmap.ko loaded.
# A short session with the tool, then the experiment softmap exists for:
# store many objects, delete most of them, and watch the memory come back.
set -e

say() { printf '\n# %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }
N=${SOFTMAP_DEMO_OBJECTS:-200000}

# Pages held by softmap's slab caches, from /proc/slabinfo, in KiB.
slab_kib() {
	awk '/^softmap_/ { kib += $15 * $6 * 4 } END { print kib + 0 }' \
		/proc/slabinfo
}
memory() {
	printf '%-34s objects %7s  slab pages %6s  (%s KiB in /proc/slabinfo)\n' \
		"$1" "$(cat /sys/kernel/softmap/objects)" \
		"$(cat /sys/kernel/softmap/slab_pages)" "$(slab_kib)"
}

say "the module answers over generic netlink"
run softmap version

say "store objects: pinned by default, or reclaimable under memory pressure"
run softmap put greeting 'hello from the kernel'
run softmap put session:42 'cached page' --reclaimable
run softmap get greeting
run softmap ls

say "each user sees only their own objects"
run su alice -c "softmap put note 'alice was here'"
run su alice -c 'softmap ls'
echo "\$ su bob -c 'softmap get note'"
if su bob -c 'softmap get note'; then
	echo "demo: bob must not see alice's object" >&2
	exit 1
fi
run softmap flush --all

say "the experiment: $N objects (16-byte keys, 100-byte values)"
value=$(printf '%0100d' 0)
awk -v n="$N" -v v="$value" 'BEGIN {
	for (i = 0; i < n; i++) printf "put key:%012d %s\n", i, v }' |
	softmap -b -
memory "after storing $N objects:"

say "delete 90% of them, scattered: every key but each tenth"
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) if (i % 10) printf "del key:%012d\n", i }' |
	softmap -b -
memory "after deleting 90%:"
echo "(a deleted object frees its slot, not its page: nearly every page"
echo " still holds a survivor, so the pages stay, as in Go, Redis, memcached)"

say "reclaim: move the survivors into fresh slab pages, give the old ones back"
run softmap shrink
memory "after softmap shrink:"
for f in objects_moved slab_pages_returned table_buckets; do
	printf '%-20s %s\n' "$f" "$(cat /sys/kernel/softmap/$f)"
done
run softmap flush --all
