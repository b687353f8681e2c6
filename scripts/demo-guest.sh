#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest half of "make demo": runs as root with softmap.ko loaded.
set -e

say() { printf '\n# %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

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

say "counters, in sysfs and over netlink"
for f in objects bytes users puts hits misses; do
	printf '%-10s %s\n' "$f" "$(cat /sys/kernel/softmap/$f)"
done
run softmap stats

say "delete, and the objects are freed after an RCU grace period"
run softmap del greeting
run softmap flush --all
run softmap stats
