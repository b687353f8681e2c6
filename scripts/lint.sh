#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh [KERNEL...] - the static checks of softmap, as TAP:
#   checkpatch.pl --strict on kmod/ and uapi/ (from Debian's 6.12 source);
#   kernel-doc -Wall on kmod/ and uapi/;
#   uapi/linux/softmap.h is what scripts/ynl-gen.sh makes of the YNL spec;
#   the module built with W=1 and sparse (C=1) against each KERNEL's tree
#   (default: all of the matrix): zero warnings.
# The last line is "# counts PASSED FAILED SKIPPED".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(stock-6.1 stock-6.12 debug-6.12)
eval "$("$top/scripts/vm/kernel.sh" source)" || exit 1
out=$top/build/lint
mkdir -p "$out"
n=0 passed=0 failed=0

# check NAME LOGFILE: pass when the command before it left LOGFILE empty.
check() {
	n=$((n + 1))
	if [ ! -s "$2" ]; then
		echo "ok $n lint: $1"
		passed=$((passed + 1))
	else
		echo "not ok $n lint: $1"
		sed 's/^/#   /' "$2" | head -40
		failed=$((failed + 1))
	fi
}

cd "$top" || exit 1
sources=(kmod/*.[ch] uapi/linux/*.h)

"$SRC/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
	-f "${sources[@]}" >"$out/checkpatch.log" 2>&1
check "checkpatch --strict" "$out/checkpatch.log"

"$SRC/scripts/kernel-doc" -none -Wall "${sources[@]}" >"$out/kernel-doc.log" 2>&1
check "kernel-doc -Wall" "$out/kernel-doc.log"

"$top/scripts/ynl-gen.sh" --check >"$out/ynl.log" 2>&1
check "ynl spec matches uapi header" "$out/ynl.log"

for k in "${kernels[@]}"; do
	log=$out/$k.log
	if ! kv=$("$top/scripts/vm/kernel.sh" "$k" 2>"$log"); then
		check "W=1 C=1 build ($k)" "$log"
		continue
	fi
	eval "$kv"
	src=$out/$k
	rm -rf "$src" && mkdir -p "$src"
	cp -a kmod uapi Kbuild VERSION "$src/"
	# Everything the build prints but its progress lines is a finding;
	# 6.1's headers have no vmlinux for BTF, which is not ours to fix.
	make -C "$KDIR" M="$src" W=1 C=1 modules 2>&1 |
		grep -vE '^make(\[[0-9]+\])?: (Entering|Leaving)|^  [A-Z0-9]+ +|Skipping BTF generation' \
		>"$log"
	[ -e "$src/kmod/softmap.ko" ] || echo "softmap.ko was not built" >>"$log"
	check "W=1 C=1 build ($k)" "$log"
done

echo "# counts $passed $failed 0"
[ "$failed" -eq 0 ]
