#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [KERNEL...] - everything "make check" runs: install missing
# dependencies (scripts/deps.sh: build tools only), the static checks
# (scripts/lint.sh), the install, pkg-config and DKMS checks
# (scripts/install-check.sh), then for each kernel of the matrix (default:
# stock-6.1 stock-6.12 debug-6.12) fetch or build it into the cache, boot
# it in QEMU with every selftest and print its TAP (scripts/vm/verdict.sh),
# and last check that the host's /boot, /lib/modules and package database
# are as they were.  The kernels run side by side, and beside the checks
# that need no guest.
# Prints how long each stage took and ends with the line
# "N passed, N failed" (", N skipped" when something skipped); fails when
# anything failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(stock-6.1 stock-6.12 debug-6.12)
passed=0 failed=0 skipped=0
t0=$(date +%s)
b=$top/build
times=$b/times.log

# stage NAME CMD...: run CMD, record how long it took in $times.
stage() {
	local name=$1 s=$SECONDS rc
	shift
	"$@"
	rc=$?
	printf '%-30s %4ds\n' "$name" $((SECONDS - s)) >>"$times"
	return $rc
}

# tally FILE WHAT: print a TAP stream and add up its "# counts" line.
tally() {
	local p f s
	grep -v '^# counts ' "$1"
	read -r p f s < <(sed -n 's/^# counts //p' "$1")
	if [ -z "${p:-}" ]; then
		echo "not ok 1 $2 # produced no verdict"
		p=0 f=1 s=0
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# fail_kernel K WHAT LOG: K's verdict is that WHAT failed, as LOG says.
fail_kernel() {
	{ echo "not ok 1 $1 $2"
	  sed 's/^/#   /' "$3" | tail -20
	  echo "# counts 0 1 0"; } >"$b/vm/$1/verdict.tap"
}

# ready_kernel K: fetch or build kernel K into the cache.
ready_kernel() {
	mkdir -p "$b/vm/$1"
	rm -f "$b/vm/$1/verdict.tap"
	stage "$1: kernel" "$top/scripts/vm/kernel.sh" "$1" \
		>/dev/null 2>"$b/vm/$1/kernel.err" ||
		{ fail_kernel "$1" "kernel ready" "$b/vm/$1/kernel.err"; return 1; }
}

# boot_kernel K: boot ready kernel K with the selftests, write its TAP to
# build/vm/K/verdict.tap.
boot_kernel() {
	local k=$1 dir=$b/vm/$1
	local ko=$b/lint/$k/kmod/softmap.ko args=(-k "$1")
	# The module that K's W=1 build made, when it made one.
	[ ! -e "$ko" ] || args+=(-M "$ko")
	if ! stage "$k: build and run" "$top/scripts/vm/run.sh" "${args[@]}" \
		>"$dir/run.out" 2>&1; then
		fail_kernel "$k" build "$dir/run.out"
		return
	fi
	"$top/scripts/vm/verdict.sh" "$k" >"$dir/verdict.tap.new"
	mv "$dir/verdict.tap.new" "$dir/verdict.tap"
}

# host_state: what the matrix must leave alone on the host: the kernels
# it boots (/boot, /lib/modules) and the package database.
host_boot() {
	find /boot /lib/modules -printf '%p %s %T@\n' 2>/dev/null | sort
}
host_state() {
	host_boot
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' 2>/dev/null
}

mkdir -p "$b"
: >"$times"
host_boot >"$b/host-boot.before"
if ! stage "dependencies" "$top/scripts/deps.sh"; then
	echo "check: installing dependencies failed" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
host_state >"$b/host.before"

# Every kernel in a job of its own, all at once: kernel, module build
# with W=1 and sparse, guest.  The guests run on one vCPU's worth of host
# CPU most of the time, so three of them and the static checks keep the
# two cores busy.  Meanwhile, the checks that need no guest.  The debug
# kernel's job is the longest: it starts first, and the rest runs at a
# lower priority (nice 10), so that it has a core to itself.
pids=()
for k in $(printf '%s\n' "${kernels[@]}" | grep '^debug-') \
	 $(printf '%s\n' "${kernels[@]}" | grep -v '^debug-'); do
	case $k in debug-*) ;; *) renice -n 10 -p $$ >/dev/null ;; esac
	(
		ready_kernel "$k" || exit
		stage "$k: lint build" "$top/scripts/lint.sh" -b "$k" \
			>"$b/lint-$k.tap"
		boot_kernel "$k"
	) &
	pids+=($!)
done
renice -n 10 -p $$ >/dev/null
stage "lint" "$top/scripts/lint.sh" -s >"$b/lint.tap"
stage "install, pkg-config, dkms" "$top/scripts/install-check.sh" \
	>"$b/install.tap" 2>&1
for pid in "${pids[@]}"; do
	wait "$pid"
done

echo "# ==== lint ===="
tally "$b/lint.tap" lint
for k in "${kernels[@]}"; do
	tally "$b/lint-$k.tap" "lint $k"
done
echo "# ==== install ===="
tally "$b/install.tap" install
for k in "${kernels[@]}"; do
	echo "# ==== $k ===="
	tally "$b/vm/$k/verdict.tap" "$k"
	echo "# logs: build/vm/$k/console.log build/vm/$k/results.log"
done

echo "# ==== host ===="
host_boot >"$b/host-boot.after"
host_state >"$b/host.after"
if cmp -s "$b/host-boot.before" "$b/host-boot.after" &&
   cmp -s "$b/host.before" "$b/host.after"; then
	echo "ok 1 host: /boot, /lib/modules and the package database unchanged"
	passed=$((passed + 1))
else
	echo "not ok 1 host: /boot, /lib/modules or the package database changed"
	diff "$b/host-boot.before" "$b/host-boot.after" | sed 's/^/#   /' | head -20
	diff "$b/host.before" "$b/host.after" | sed 's/^/#   /' | head -20
	failed=$((failed + 1))
fi

echo "# ==== time ===="
sed 's/^/# /' "$times"
printf '# %-30s %4ds\n' total $(($(date +%s) - t0))
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
