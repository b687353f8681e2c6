#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [--bench] - install the Debian packages softmap needs to build
# and test (make check, make demo); with --bench also those only the
# benchmark needs (make bench): the peers it compares softmap with, run
# inside the guest, and gnuplot.  Idempotent: does nothing when everything
# is present.  Build tools and libraries only: the kernels of the test
# matrix, their headers and the kernel source are fetched into the cache
# by scripts/vm/kernel.sh, never installed.
set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
	rsync pkg-config python3 file
	qemu-system-x86 busybox-static
	libnl-3-dev libnl-genl-3-dev
	sparse dwarves
	dkms mandoc shellcheck python3-yaml python3-jsonschema
)
bench_pkgs=(golang-go redis-server redis-tools memcached gnuplot-nox)
[ "${1:-}" != --bench ] || pkgs+=("${bench_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
	[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *'ok installed' ]] ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]} (run as root to install)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/update-success-stamp
lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -1)
if [ -z "$lists" ] || [ ! -e "$stamp" ]; then
	apt-get update -q
fi
# Servers installed here (the benchmark's peers) run only in the guest:
# keep their host services from starting.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	own_policy=1
fi
rc=0
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
	{ apt-get update -q &&
	  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; } ||
	rc=$?
[ $own_policy = 0 ] || rm -f "$policy"
exit $rc
