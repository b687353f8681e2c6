#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh -k KERNEL [-s SCRIPT [-n]] [-a DIR] [-m MEM] [-t SECONDS] [-M KO]
#
# Build softmap.ko for KERNEL (stock-6.12, stock-6.1 or debug-6.12), the
# softmap tool and the selftests, pack them with busybox into an
# initramfs, boot KERNEL in QEMU and run, inside the guest, every selftest
# program (default) or SCRIPT (a shell script run as root with the module
# loaded: an ad-hoc experiment).  With the tool and the selftests go
# Python and the kernel's ynl CLI with softmap's spec (pack-python.sh).
# Output of the guest:
#
#   build/vm/KERNEL/results.log   what the tests printed (second serial port)
#   build/vm/KERNEL/console.log   the kernel log (first serial port)
#
# -n: with -s, build and pack only the module (no tool, no selftests).
# -a DIR: add DIR to the initramfs at /softmap/extra, with the shared
# libraries of its ELF files (programs an experiment needs, e.g. make bench).
# -m MEM: guest memory (QEMU -m syntax, default 2G, 1G for debug-6.12);
# -t SECONDS: kill a guest that runs longer (default 900, 2400 for
# debug-6.12).  -M KO: boot softmap.ko KO, already built against KERNEL
# (make check gives the one its W=1 build made), instead of building it.
# scripts/vm/verdict.sh turns the two logs into TAP and a verdict.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/scripts/vm
kernel='' script='' mem='' tmo='' userspace=1 extra='' ko=''
while getopts k:s:m:t:na:M: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	s) script=$(realpath "$OPTARG") ;;
	m) mem=$OPTARG ;;
	t) tmo=$OPTARG ;;
	n) userspace=0 ;;
	a) extra=$(realpath "$OPTARG") ;;
	M) ko=$(realpath "$OPTARG") ;;
	*) echo "usage: run.sh -k KERNEL [-s SCRIPT] [-a DIR] [-m MEM] [-t SECONDS] [-M KO]" >&2
	   exit 2 ;;
	esac
done
[ -n "$kernel" ] || { echo "run.sh: -k KERNEL is required" >&2; exit 2; }
# The debug kernel gets less memory: kmemleak scans all of it, and KASAN
# shadows it; no test sizes itself by the guest's memory.
case $kernel in
debug-*) : "${tmo:=2400}" "${mem:=1G}" ;;
*) : "${tmo:=900}" "${mem:=2G}" ;;
esac

out=$top/build/vm/$kernel
mkdir -p "$out"
# Logs of an earlier run must never stand for this one.
rm -f "$out/console.log" "$out/results.log"
eval "$("$here/kernel.sh" "$kernel")"
eval "$("$here/kernel.sh" source)"

# The module, built in a copy of the tree so that kernels do not share
# objects.
if [ -z "$ko" ]; then
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		"$top/kmod" "$top/uapi" "$top/Kbuild" "$top/VERSION" "$out/src/"
	make -s -C "$KDIR" M="$out/src" modules
	ko=$out/src/kmod/softmap.ko
fi

# The initramfs.
stage=$out/initramfs
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,etc,dev,proc,sys,tmp,run,root}
mkdir -p "$stage"/softmap/{bin,tests}
cp /bin/busybox "$stage/bin/busybox"
install -m 0755 "$here/guest-init" "$stage/init"
cp "$ko" "$stage/softmap/softmap.ko"
echo "$kernel" >"$stage/softmap/kernel-name"

# Userspace: the same binaries serve every kernel; guests prepared in
# parallel build them one at a time (flock) and copy them under the lock.
ksft=KSFT_DIR=$SRC/tools/testing/selftests
if [ $userspace = 1 ]; then
	exec 8>"$top/build/.userspace.lock"
	flock 8
	make -s -C "$top/userspace-tool"
	make -s -C "$top/selftests" "$ksft"
	"$top/scripts/build-example.sh"
	# bash, for softmap_completion.sh.
	install -m 0755 "$top/userspace-tool/softmap" \
		"$top/build/example/softmap-hello" /bin/bash "$stage/softmap/bin/"
	# The example's libsoftmap.so.1 as a system library: its rpath names
	# the build tree, which the guest may not see (/tmp is a tmpfs there).
	install -D -m 0755 "$top/build/prefix/lib/libsoftmap.so.1" \
		"$stage/usr/lib/libsoftmap.so.1"
	make -s -C "$top/selftests" "$ksft" install \
		INSTALL_PATH="$stage/softmap/tests" >/dev/null
	make -s -C "$top/selftests" "$ksft" list KERNEL="$kernel" \
		>"$stage/softmap/tests/run-order"
	# Python and the kernel's ynl CLI, for the guest that runs them.
	if grep -qx softmap_ynl.sh "$stage/softmap/tests/run-order"; then
		"$here/pack-python.sh" "$stage"
	fi
	flock -u 8
fi
[ -z "$script" ] || install -m 0755 "$script" "$stage/softmap/script"
if [ -n "$extra" ]; then
	mkdir -p "$stage/softmap/extra"
	cp -a "$extra/." "$stage/softmap/extra/"
fi
cat >"$stage/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/sh
alice:x:1001:1001:alice:/tmp:/bin/sh
bob:x:1002:1002:bob:/tmp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
PASSWD
cat >"$stage/etc/group" <<GROUP
root:x:0:
alice:x:1001:
bob:x:1002:
nogroup:x:65534:
GROUP
# Shared libraries of every dynamically linked program, with the loader.
find "$stage/softmap" -type f -perm -u+x -exec file {} + |
	sed -n 's/^\([^:]*\):.*ELF.*dynamically linked.*/\1/p' |
	xargs -r ldd 2>/dev/null |
	sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
	sort -u | while read -r lib; do
		cp -L --parents "$lib" "$stage/"
	done
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initramfs.cpio.gz"

# Boot.  Console on ttyS0, results on ttyS1; panic reboots at once, and
# -no-reboot turns a reboot into QEMU's exit.  The CPU is QEMU's plain
# qemu64 ($SOFTMAP_QEMU_CPU to change it): with -cpu max, glibc and the
# kernel pick AVX code paths that software emulation runs slowly (the
# model test took 18 s instead of 9, the 1M compaction test 65 s
# instead of 50).
cpu=${SOFTMAP_QEMU_CPU:-qemu64}
append="console=ttyS0 panic=-1 oops=panic loglevel=7"
case $kernel in debug-*) append+=" slub_debug=FZ" ;; esac
set +e
timeout --foreground -k 10 "$tmo" qemu-system-x86_64 \
	-machine q35 -cpu "$cpu" -smp 2 -m "$mem" \
	-kernel "$KIMAGE" -initrd "$out/initramfs.cpio.gz" -append "$append" \
	-display none -monitor none -no-reboot \
	-serial "file:$out/console.log" -serial "file:$out/results.log" \
	</dev/null
rc=$?
set -e
[ $rc -eq 0 ] || echo "run.sh: qemu exited with $rc (124: timed out after ${tmo}s)" >&2
exit 0
