#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [KERNEL...] - everything "make check" runs: install missing
# dependencies, the static checks (scripts/lint.sh), then for each kernel
# of the matrix (default: stock-6.1 stock-6.12 debug-6.12) fetch or build
# it into the cache, boot it in QEMU with every selftest and print its
# TAP (scripts/vm/verdict.sh).  Ends with the line "N passed, N failed"
# (", N skipped" when something skipped) and fails when anything failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(stock-6.1 stock-6.12 debug-6.12)
passed=0 failed=0 skipped=0
timings=()
t0=$(date +%s)

# stage NAME CMD...: run CMD, record how long it took.
stage() {
	local name=$1 s=$SECONDS rc
	shift
	"$@"
	rc=$?
	timings+=("$(printf '%-28s %4ds' "$name" $((SECONDS - s)))")
	return $rc
}

# tally FILE: print a TAP stream and add up its "# counts" line.
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

# host_state: what the matrix must leave alone on the host: the kernels
# it boots (/boot, /lib/modules) and the package database.
host_state() {
	find /boot /lib/modules -printf '%p %s %T@\n' 2>/dev/null | sort
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' 2>/dev/null
}

mkdir -p "$top/build"
find /boot /lib/modules -printf '%p %s %T@\n' 2>/dev/null | sort \
	>"$top/build/host-boot.before"
if ! stage "dependencies" "$top/scripts/deps.sh"; then
	echo "check: installing dependencies failed" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

host_state >"$top/build/host.before"

echo "# ==== lint ===="
stage "lint" "$top/scripts/lint.sh" "${kernels[@]}" >"$top/build/lint.tap"
tally "$top/build/lint.tap" lint

for k in "${kernels[@]}"; do
	echo "# ==== $k ===="
	if ! stage "$k: kernel" "$top/scripts/vm/kernel.sh" "$k" >/dev/null; then
		echo "not ok 1 $k kernel ready # see the messages above"
		failed=$((failed + 1))
		continue
	fi
	if ! stage "$k: build and run" "$top/scripts/vm/run.sh" -k "$k"; then
		echo "not ok 1 $k build # see the messages above"
		failed=$((failed + 1))
		continue
	fi
	"$top/scripts/vm/verdict.sh" "$k" >"$top/build/vm/$k/verdict.tap"
	tally "$top/build/vm/$k/verdict.tap" "$k"
	echo "# logs: build/vm/$k/console.log build/vm/$k/results.log"
done

echo "# ==== host ===="
host_state >"$top/build/host.after"
find /boot /lib/modules -printf '%p %s %T@\n' 2>/dev/null | sort \
	>"$top/build/host-boot.after"
if cmp -s "$top/build/host-boot.before" "$top/build/host-boot.after" &&
   cmp -s "$top/build/host.before" "$top/build/host.after"; then
	echo "ok 1 host: /boot, /lib/modules and the package database unchanged"
	passed=$((passed + 1))
else
	echo "not ok 1 host: /boot, /lib/modules or the package database changed"
	diff "$top/build/host-boot.before" "$top/build/host-boot.after" |
		sed 's/^/#   /' | head -20
	diff "$top/build/host.before" "$top/build/host.after" |
		sed 's/^/#   /' | head -20
	failed=$((failed + 1))
fi

echo "# ==== time ===="
printf '# %s\n' "${timings[@]}"
printf '# %-28s %4ds\n' total $(($(date +%s) - t0))
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
